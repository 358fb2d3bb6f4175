//! The Magento guide (docs/magento.md, docs/embed.md) as a store would follow it:
//! - its PHP client (`docs/magento/example.php`, Debian's `php-cli`) verifies a real
//!   redemption's receipt, reports the order paid and cancelled, and surfaces the edge's
//!   stable error codes; the simulated bank's books say what happened to the points;
//! - a checkout page on another origin than the edge, under exactly the Content-Security-
//!   Policy the guide prescribes (`www/_headers`), renders the widget and redeems with no
//!   violation; without `'wasm-unsafe-eval'` it says why, in the console and to the shopper.

use loyalty_e2e::page::Page;
use loyalty_e2e::{
    bank_points, bank_transaction_count_of, edge_get, edge_url, new_shopper, otp_challenge, redeem,
    sim, start_session, unique, Browser,
};
use loyalty_shared::api::Redemption;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;

const START: i64 = 1_000_000;

/// What the guide tells the console when the page's CSP refuses WebAssembly.
const NO_WASM_MESSAGE: &str = "Loyalty Checkout: this page's Content-Security-Policy blocks WebAssembly; add 'wasm-unsafe-eval' to script-src (see docs/embed.md)";

fn example_php() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/magento/example.php")
}

fn merchant_secret() -> String {
    std::env::var("LOYALTY_MERCHANT_SECRET")
        .expect("LOYALTY_MERCHANT_SECRET (set by cargo xtask test)")
}

/// What `php example.php` answered: its exit code and the JSON it printed.
#[derive(Debug)]
struct Php {
    exit: i32,
    answer: Value,
}

/// Runs `php docs/magento/example.php EDGE demo SECRET call BODY`, signed at the simulated
/// clock's time (the local edge reads that clock, which other tests move forward).
async fn php(secret: &str, call: &str, body: Value) -> Php {
    let now = sim().now().await;
    let output = tokio::process::Command::new("php")
        .arg(example_php())
        .args([&edge_url(), "demo", "-", call, &body.to_string()])
        .arg(format!("--now={now}"))
        .env("LOYALTY_MERCHANT_SECRET", secret)
        .output()
        .await
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `php` ({e}): the Magento guide's PHP client is tested with Debian's \
                 php-cli, which `cargo xtask test` installs (xtask/src/tools.rs); install it with \
                 `apt-get install -y php-cli`"
            )
        });
    let stdout = String::from_utf8_lossy(&output.stdout);
    let answer = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "example.php printed no JSON ({e}): stdout {stdout:?}, stderr {:?}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    Php {
        exit: output.status.code().unwrap_or(-1),
        answer,
    }
}

/// A new shopper's real redemption of `minor` on a 250 SAR cart, through the widget API and
/// the simulated bank.
async fn redemption(minor: u64) -> (String, Redemption) {
    let shopper = new_shopper(START).await;
    let token = start_session(25_000).await;
    let challenge = otp_challenge(&token, &shopper.mobile).await;
    let otp = sim().last_otp(&shopper.mobile).await;
    let response = redeem(&token, &unique(), &challenge.challenge_id, &otp, minor).await;
    assert_eq!(response.status(), 201, "redeemed");
    (shopper.mobile, response.json().await.unwrap())
}

fn paid_body(redemption_id: &str, order_id: &str) -> Value {
    json!({"redemption_id": redemption_id, "order_id": order_id,
           "order_total": {"minor": 25_000, "currency": "SAR"}})
}

#[tokio::test]
async fn the_php_client_verifies_a_receipt_and_reports_the_order_paid() {
    let (mobile, r) = redemption(5_000).await;
    let secret = merchant_secret();
    let verified = php(&secret, "verify", json!({"receipt": r.receipt})).await;
    assert_eq!(verified.exit, 0, "{:?}", verified.answer);
    assert_eq!(verified.answer["redemption_id"], r.redemption_id.as_str());
    assert_eq!(verified.answer["state"], "redeemed");
    assert_eq!(
        verified.answer["discount"],
        json!({"minor": 5_000, "currency": "SAR"})
    );
    let points_before = bank_points(&mobile).await;
    let moves_before = bank_transaction_count_of(&mobile).await;

    // A wrong secret: refused with the stable code, which the PHP exception carries.
    let order = format!("1000{}", unique());
    let forged = php(
        "not-the-merchant-secret",
        "paid",
        paid_body(&r.redemption_id, &order),
    )
    .await;
    assert_eq!(forged.exit, 2, "{:?}", forged.answer);
    assert_eq!(forged.answer["error"]["code"], "bad_signature");
    assert_eq!(forged.answer["error"]["status"], 401);

    let paid = php(&secret, "paid", paid_body(&r.redemption_id, &order)).await;
    assert_eq!(paid.exit, 0, "{:?}", paid.answer);
    assert_eq!(paid.answer["state"], "captured");
    assert_eq!(paid.answer["order_id"], order.as_str());
    // Capturing is the ledger's: the bank already debited the points at the redemption.
    assert_eq!(bank_points(&mobile).await, points_before);
    assert_eq!(bank_transaction_count_of(&mobile).await, moves_before);
    assert_eq!(points_before, START - i64::try_from(r.points).unwrap());

    // The receipt now says which order the points paid; another order cannot use them.
    sim().advance_clock(1).await; // a new signature for the same body
    let again = php(&secret, "verify", json!({"receipt": r.receipt})).await;
    assert_eq!(
        (&again.answer["state"], &again.answer["order_id"]),
        (&json!("captured"), &json!(order))
    );
    let other = php(
        &secret,
        "paid",
        paid_body(&r.redemption_id, "another-order"),
    )
    .await;
    assert_eq!(other.exit, 2);
    assert_eq!(other.answer["error"]["code"], "redemption_already_used");
}

#[tokio::test]
async fn the_php_client_reports_a_cancelled_order_and_the_points_go_back() {
    // Cancelled before it was paid (the payment failed): no order id is needed.
    let (mobile, r) = redemption(2_500).await;
    let secret = merchant_secret();
    let cancelled = php(
        &secret,
        "cancelled",
        json!({"redemption_id": r.redemption_id}),
    )
    .await;
    assert_eq!(cancelled.exit, 0, "{:?}", cancelled.answer);
    assert_eq!(cancelled.answer["state"], "reversed");
    assert_eq!(bank_points(&mobile).await, START, "all points back");
    assert_eq!(
        bank_transaction_count_of(&mobile).await,
        2,
        "a redemption and its reversal"
    );

    // Paid, then the order is cancelled in Magento: its order id gives the points back.
    let (mobile, r) = redemption(4_000).await;
    let order = format!("2000{}", unique());
    let paid = php(&secret, "paid", paid_body(&r.redemption_id, &order)).await;
    assert_eq!(paid.answer["state"], "captured", "{:?}", paid.answer);
    assert_eq!(bank_transaction_count_of(&mobile).await, 1);
    let cancelled = php(
        &secret,
        "cancelled",
        json!({"redemption_id": r.redemption_id, "order_id": order}),
    )
    .await;
    assert_eq!(cancelled.exit, 0, "{:?}", cancelled.answer);
    assert_eq!(cancelled.answer["state"], "reversed");
    assert_eq!(bank_points(&mobile).await, START, "all points back");
    assert_eq!(bank_transaction_count_of(&mobile).await, 2);
}

/// `path` opened on `localhost`, while the edge (and the loader the page names) is
/// `127.0.0.1`: the store's page and the edge are two origins, as on a real store.
async fn store_page(path: &str) -> Page {
    let browser = Browser::start().await;
    let url = format!("{}{path}", edge_url().replace("127.0.0.1", "localhost"));
    assert!(
        url.contains("localhost"),
        "the page on another origin: {url}"
    );
    browser.client.goto(&url).await.unwrap();
    Page { browser }
}

/// The policy the page at `path` is served with (the page itself, not a redirect to it).
async fn policy_of(path: &str) -> String {
    let served = edge_get(path).await;
    assert_eq!(served.status(), 200, "{path} is served, not redirected");
    served.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string()
}

/// The policy's `script-src` sources.
fn script_src(policy: &str) -> Vec<String> {
    policy
        .split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix("script-src "))
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn a_magento_checkout_under_the_guides_csp_renders_the_widget_and_redeems() {
    let policy = policy_of("/demo/magento").await;
    let sources = script_src(&policy);
    assert!(
        sources.contains(&"'wasm-unsafe-eval'".to_string())
            && sources.contains(&"http://127.0.0.1:8787".to_string())
            && !sources
                .iter()
                .any(|s| s == "'unsafe-eval'" || s == "'unsafe-inline'"),
        "the guide's script-src, no more: {policy}"
    );
    assert!(policy.contains("connect-src 'self' http://127.0.0.1:8787"));
    let page = store_page("/demo/magento").await;
    page.wait()
        .shown("a session for the widget", ".lc-widget[data-session=true]")
        .await;
    page.browser.screenshot("magento-checkout").await;
    let shopper = page.redeem_in_widget("50").await;
    // The store's total collector took the discount; the glue kept the widget's amount at
    // the total before the points discount.
    let total = page
        .browser
        .wait_for(
            "the points discount in the order summary",
            "const t = document.getElementById('grand-total').textContent; return t === '200.00 SAR' ? t : null;",
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(total, json!("200.00 SAR"));
    let amount = page
        .run_in_page("return document.getElementById('checkout').getAttribute('amount-minor')")
        .await;
    assert_eq!(amount, json!("25000"));
    let violations = page.run_in_page("return window.cspViolations").await;
    assert_eq!(violations, json!([]), "no policy violation");
    let errors = page.run_in_page("return window.consoleErrors").await;
    assert_eq!(errors, json!([]), "nothing logged as an error");
    let events: Vec<String> =
        serde_json::from_value(page.run_in_page("return window.checkoutEvents").await).unwrap();
    assert!(
        events.contains(&"ready".to_string()) && events.contains(&"redeemed".to_string()),
        "the page heard {events:?}"
    );
    assert_eq!(bank_transaction_count_of(&shopper.mobile).await, 1);
    // The receipt the page got is what the store's server verifies, with the PHP client.
    let receipt = page.run_in_page("return window.loyaltyReceipt").await;
    let verified = php(&merchant_secret(), "verify", json!({ "receipt": receipt })).await;
    assert_eq!(
        verified.answer["state"], "redeemed",
        "{:?}",
        verified.answer
    );
    assert_eq!(verified.answer["discount"]["minor"], 5_000);
    page.browser.screenshot("magento-redeemed").await;
    page.close().await;
}

#[tokio::test]
async fn without_wasm_unsafe_eval_the_widget_says_why_instead_of_hanging() {
    let policy = policy_of("/demo/magento-no-wasm").await;
    assert!(
        !policy.contains("wasm-unsafe-eval") && !policy.contains("'unsafe-eval'"),
        "{policy}"
    );
    let strict = policy_of("/demo/magento").await;
    assert_eq!(
        policy.replace("script-src 'self' http://127.0.0.1:8787;", ""),
        strict.replace(
            "script-src 'self' http://127.0.0.1:8787 'wasm-unsafe-eval';",
            ""
        ),
        "the same policy less 'wasm-unsafe-eval'"
    );
    let page = store_page("/demo/magento-no-wasm").await;
    // The widget loads when the browser is idle; the press makes sure it is tried.
    page.briefly()
        .shown("the entry button", "button.lc-entry-button")
        .await;
    page.click("button.lc-entry-button").await;
    let shown = page
        .briefly()
        .until(
            "the entry saying points are unavailable",
            "const b = r && r.querySelector('button.lc-entry-button');
             return b && b.disabled && b.textContent === 'Points are unavailable on this page' ? b.textContent : null;",
        )
        .await;
    assert_eq!(shown, json!("Points are unavailable on this page"));
    let errors: Vec<String> =
        serde_json::from_value(page.run_in_page("return window.consoleErrors").await).unwrap();
    assert!(
        errors.iter().any(|e| e == NO_WASM_MESSAGE),
        "the console says what to change: {errors:?}"
    );
    let violations: Vec<String> =
        serde_json::from_value(page.run_in_page("return window.cspViolations").await).unwrap();
    assert!(
        violations.iter().any(|v| v.starts_with("script-src")),
        "the browser reported the blocked compile: {violations:?}"
    );
    let events: Vec<String> =
        serde_json::from_value(page.run_in_page("return window.checkoutEvents").await).unwrap();
    assert!(
        events.contains(&"error".to_string()),
        "the page heard {events:?}"
    );
    // Not busy, not retrying: the shopper pays the whole order the usual way.
    let busy = page
        .run("return r.querySelector('button.lc-entry-button').getAttribute('aria-busy')")
        .await;
    assert_eq!(busy, Value::Null);
    page.browser.screenshot("magento-no-wasm").await;
    page.close().await;
}
