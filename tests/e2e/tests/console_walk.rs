//! The merchant console in a real headless Chromium, walked as a new store owner would: the
//! operator creates the merchant, the owner opens the invitation, enters the Mokafaa
//! credentials (the connection test says green, then red with the reason for a wrong
//! secret), sets the origins and limits, copies the snippet into a page on another origin
//! where a shopper redeems, finds the redemption in the ledger with its trail and reverses it
//! with a reason; the audit log and the bank's books agree. And the emailed sign-in link.
//! Screenshots of each step: `target/e2e/console-*.png`.

use fantoccini::Locator;
use loyalty_e2e::console::{link_token, operator_post};
use loyalty_e2e::page::Page;
use loyalty_e2e::{
    bank_points, bank_transaction_count_of, edge_url, http, new_shopper, sim, unique, Browser,
};
use loyalty_shared::api::Invitation;
use loyalty_sim::mokafaa::{CLIENT_ID, CLIENT_SECRET, MERCHANT_TOKEN};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const START: i64 = 1_000_000;
const PATIENCE: Duration = Duration::from_secs(20);

// ------------------------------------------------------------------ the operator

/// The operator creates a merchant and its first admin's invitation.
async fn create_merchant(id: &str, name: &str, email: &str) -> Invitation {
    let response = operator_post(
        "/v1/operator/merchants",
        &json!({"id": id, "name": name, "admin_email": email}),
    )
    .await;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    assert_eq!(status, 201, "merchant created: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("an invitation: {e}: {body}"))
}

/// `12500` as the console writes it: `12,500`.
fn grouped(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A merchant id and admin email no other test uses.
fn fresh_merchant() -> (String, String) {
    let suffix = unique().replace('-', "");
    let tail = &suffix[suffix.len().saturating_sub(14)..];
    (
        format!("walk-{tail}"),
        format!("owner-{tail}@store.example"),
    )
}

// ------------------------------------------------------------------ the console page

/// The console in a browser, read and driven through its element ids.
struct Console {
    browser: Browser,
}

impl Console {
    async fn js(&self, script: &str) -> Value {
        self.browser
            .client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}: {script}"))
    }

    /// Until `script` returns something other than null.
    async fn until(&self, what: &str, script: &str) -> Value {
        self.browser.wait_for(what, script, PATIENCE).await
    }

    /// Types `value` into the input `id` as a person would (an input event follows).
    async fn type_in(&self, id: &str, value: &str) {
        self.js(&format!(
            "const e = document.getElementById({id}); e.focus(); e.value = {value};
             e.dispatchEvent(new Event('input', {{bubbles: true}})); e.dispatchEvent(new Event('change', {{bubbles: true}})); return true;",
            id = Value::from(id),
            value = Value::from(value)
        ))
        .await;
    }

    async fn click(&self, id: &str) {
        self.js(&format!(
            "document.getElementById({}).click(); return true;",
            Value::from(id)
        ))
        .await;
    }

    async fn tab(&self, name: &str) {
        self.click(&format!("tab-{name}")).await;
        self.js("window.scrollTo(0, 0); return true;").await;
        self.until(
            &format!("the {name} panel"),
            &format!("return document.getElementById('panel-{name}').hidden ? null : true;"),
        )
        .await;
    }

    /// The text of `id` once it is shown and not empty.
    async fn text(&self, what: &str, id: &str) -> String {
        self.until(
            what,
            &format!(
                "const e = document.getElementById({}); return e && !e.hidden && e.offsetParent !== null && e.textContent.trim() ? e.textContent.trim() : null;",
                Value::from(id)
            ),
        )
        .await
        .as_str()
        .unwrap()
        .to_string()
    }

    /// The status `id` once it reads `expected`.
    async fn status_is(&self, what: &str, id: &str, expected: &str) {
        self.until(
            what,
            &format!(
                "const t = document.getElementById({}).textContent; return t === {} ? true : (t.startsWith('Saving') || t === '' ? null : 'got: ' + t);",
                Value::from(id),
                Value::from(expected)
            ),
        )
        .await;
        let got = self
            .js(&format!(
                "return document.getElementById({}).textContent",
                Value::from(id)
            ))
            .await;
        assert_eq!(got, Value::from(expected), "{what}");
    }

    /// Until the console shows the signed-in header for `merchant_name`.
    async fn signed_in(&self, merchant_name: &str) {
        self.until(
            "the signed-in console",
            &format!(
                "return !document.getElementById('console-view').hidden && document.getElementById('who-merchant').textContent === {} && document.getElementById('s-name').value ? true : null;",
                Value::from(merchant_name)
            ),
        )
        .await;
    }

    /// Saves one secret and waits for its "Saved." status.
    async fn save_secret(&self, name: &str, value: &str) {
        self.type_in(&format!("secret-{name}"), value).await;
        self.js(&format!(
            "document.getElementById('secret-msg-{name}').textContent = ''; return true;"
        ))
        .await;
        self.click(&format!("secret-save-{name}")).await;
        self.status_is(
            &format!("{name} saved"),
            &format!("secret-msg-{name}"),
            "Saved.",
        )
        .await;
    }

    /// Presses "Test connection" for Mokafaa; returns (ok, the words shown).
    async fn test_mokafaa(&self) -> (bool, String) {
        self.click("test-mokafaa").await;
        let result = self
            .until(
                "the Mokafaa connection test's result",
                "const e = document.getElementById('test-mokafaa-result'); return e.dataset.ok ? [e.dataset.ok === 'true', e.textContent, e.className] : null;",
            )
            .await;
        let ok = result[0].as_bool().unwrap();
        let class = result[2].as_str().unwrap();
        assert!(
            class.contains(if ok { "ok" } else { "bad" }),
            "green or red: {result}"
        );
        (ok, result[1].as_str().unwrap().to_string())
    }

    async fn save_settings(&self) {
        self.js("document.getElementById('settings-status').textContent = ''; return true;")
            .await;
        self.click("settings-save").await;
    }

    async fn shot(&self, name: &str) {
        self.browser.screenshot_at(name, 1280, 1400).await;
    }
}

// ------------------------------------------------------------------ the store on another origin

/// A page served from memory on a fresh loopback port (any path but `/` is 404) until the
/// test ends: another store's origin. Its text is set once the console gave the snippet.
struct StorePage {
    origin: String,
    html: Arc<Mutex<String>>,
}

async fn store_server() -> StorePage {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let html = Arc::new(Mutex::new(String::new()));
    let served = html.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let page = served.lock().unwrap().clone();
            tokio::spawn(answer_page(stream, page));
        }
    });
    StorePage { origin, html }
}

/// One HTTP/1.1 exchange: reads the request head, answers, closes.
async fn answer_page(stream: tokio::net::TcpStream, html: String) {
    let mut request = Vec::new();
    let mut chunk = [0u8; 2048];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 65_536 {
        if stream.readable().await.is_err() {
            return;
        }
        match stream.try_read(&mut chunk) {
            Ok(0) => return,
            Ok(n) => request.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(_) => return,
        }
    }
    let head = String::from_utf8_lossy(&request);
    let path = head.split_whitespace().nth(1).unwrap_or("/");
    let (status, body) = if path == "/" || path.starts_with("/?") {
        ("200 OK", html)
    } else {
        ("404 Not Found", "not found".to_string())
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut bytes = response.as_bytes();
    while !bytes.is_empty() {
        if stream.writable().await.is_err() {
            return;
        }
        match stream.try_write(bytes) {
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(_) => return,
        }
    }
}

/// A minimal checkout page of another store, with the console's snippet pasted in.
fn store_page(snippet: &str, cart: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Another store: checkout</title></head>\n<body>\n<h1>Another store</h1>\n<p>Order total: 250.00 SAR</p>\n{}\n</body>\n</html>\n",
        snippet.replace("CART_ID", cart)
    )
}

/// Until the address bar has no fragment left (the link's token is gone).
async fn fragment_dropped(console: &Console) {
    let hash = console.js("return location.hash").await;
    assert_eq!(
        hash,
        Value::from(""),
        "the link's token left the address bar"
    );
}

// ------------------------------------------------------------------ the walk

#[tokio::test]
async fn a_new_merchant_goes_live_from_the_console_and_reverses_a_redemption() {
    let (merchant_id, email) = fresh_merchant();
    let name = "Walkthrough Perfumes";
    let invitation = create_merchant(&merchant_id, name, &email).await;
    assert_eq!(invitation.merchant_id, merchant_id);
    assert!(
        invitation.invitation_url.contains("/admin/#invitation="),
        "{}",
        invitation.invitation_url
    );

    // 1. The invitation opens the console, signed in.
    let console = Console {
        browser: Browser::start().await,
    };
    console
        .browser
        .client
        .goto(&invitation.invitation_url)
        .await
        .unwrap();
    console.signed_in(name).await;
    fragment_dropped(&console).await;
    let who = console.text("the admin's email", "who-email").await;
    assert_eq!(who, email);
    console.shot("console-01-invitation").await;

    // 2. Settings: the Mokafaa client id, in the sandbox.
    console.type_in("s-mokafaa-client-id", CLIENT_ID).await;
    console.click("s-env-sandbox").await;
    console.save_settings().await;
    console
        .status_is("the client id saved", "settings-status", "Saved.")
        .await;

    // 3. Credentials: the secrets the sandbox bank accepts; the connection test is green.
    console.tab("credentials").await;
    let before = console
        .text(
            "the client secret's state",
            "secret-state-mokafaa_client_secret",
        )
        .await;
    assert_eq!(before, "Not set.");
    console
        .save_secret("mokafaa_client_secret", CLIENT_SECRET)
        .await;
    console
        .save_secret("mokafaa_merchant_token", MERCHANT_TOKEN)
        .await;
    let state = console
        .text(
            "the client secret's state",
            "secret-state-mokafaa_client_secret",
        )
        .await;
    assert!(state.starts_with("Set, changed "), "{state}");
    let value_shown = console
        .js(&format!(
            "return document.body.innerHTML.includes({}) || document.getElementById('secret-mokafaa_client_secret').value !== ''",
            Value::from(CLIENT_SECRET)
        ))
        .await;
    assert_eq!(value_shown, Value::Bool(false), "a secret is never shown");
    let (ok, words) = console.test_mokafaa().await;
    assert!(ok, "green with the sandbox's credentials: {words}");
    console.shot("console-02-test-green").await;

    // The API secret, generated in the page: shown once, 32 random bytes in hex.
    console.click("generate-api-secret").await;
    let generated = console
        .text("the generated API secret", "generated-secret")
        .await;
    assert!(
        generated.len() == 64 && generated.chars().all(|c| c.is_ascii_hexdigit()),
        "{generated}"
    );
    console
        .status_is(
            "the API secret saved",
            "secret-msg-merchant_api_secret",
            "Saved.",
        )
        .await;
    console.shot("console-02b-api-secret").await;

    // A wrong client secret: red, with the reason in words.
    console
        .save_secret("mokafaa_client_secret", "not-the-secret")
        .await;
    let (ok, words) = console.test_mokafaa().await;
    assert!(!ok, "red with a wrong secret: {words}");
    let lower = words.to_lowercase();
    assert!(
        lower.contains("secret") || lower.contains("client") || lower.contains("credential"),
        "the reason names what is wrong: {words}"
    );
    console.shot("console-03-test-red").await;

    // The right one back: green again.
    console
        .save_secret("mokafaa_client_secret", CLIENT_SECRET)
        .await;
    let (ok, words) = console.test_mokafaa().await;
    assert!(ok, "green again: {words}");

    // The store's page, on another origin: its origin is known now, its text once the
    // console gave the snippet.
    let cart = format!("walk-cart-{}", unique());
    let store = store_server().await;
    let store_origin = store.origin.clone();

    // 4. Settings: a wrong origin is refused beside its field; then the store's origin and
    // limits are saved.
    console.tab("settings").await;
    console
        .type_in("s-allowed-origins", "shop.example/checkout")
        .await;
    console.save_settings().await;
    let refusal = console
        .text(
            "the origin's refusal beside its field",
            "err-allowed_origins",
        )
        .await;
    assert!(!refusal.is_empty());
    let described = console
        .js("return document.getElementById('s-allowed-origins').getAttribute('aria-describedby').includes('err-allowed_origins') && document.getElementById('s-allowed-origins').getAttribute('aria-invalid') === 'true'")
        .await;
    assert_eq!(
        described,
        Value::Bool(true),
        "the error is tied to the field"
    );
    console.shot("console-04-settings-refused").await;
    console.type_in("s-allowed-origins", &store_origin).await;
    console.type_in("s-min-per-order", "1.00").await;
    console.type_in("s-max-per-order", "100.00").await;
    console.save_settings().await;
    console
        .status_is("the origins and limits saved", "settings-status", "Saved.")
        .await;
    let hidden = console
        .js("return document.getElementById('err-allowed_origins').hidden")
        .await;
    assert_eq!(hidden, Value::Bool(true), "the refusal is gone");
    let limits = console
        .js("return [document.getElementById('s-min-per-order').value, document.getElementById('s-max-per-order').value]")
        .await;
    assert_eq!(limits, json!(["1.00", "100.00"]), "as the edge keeps them");
    console.shot("console-05-settings").await;

    // The theme: the preview follows the choice before it is saved.
    console.type_in("s-widget-theme", "dark").await;
    let preview = console
        .until(
            "the preview in the dark theme",
            "const w = document.querySelector('#theme-preview loyalty-checkout'); return w && w.getAttribute('data-theme') === 'dark' ? w.getAttribute('merchant') : null;",
        )
        .await;
    assert_eq!(
        preview,
        json!(merchant_id),
        "the widget previews this merchant"
    );
    // Past the loader's idle load (2 s): the preview is still the themed entry, with no
    // session from the console's origin and so no "not on this site" error.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let entry = console
        .js("const r = document.querySelector('#theme-preview loyalty-checkout').shadowRoot; return !!r.querySelector('.lc-entry-button') && !r.querySelector('[role=alert]');")
        .await;
    assert_eq!(
        entry,
        json!(true),
        "the preview shows the entry, not an error"
    );
    console.save_settings().await;
    console
        .status_is("the theme saved", "settings-status", "Saved.")
        .await;
    console.shot("console-05b-theme-dark").await;

    // 5. Go live: the sandbox is on, the snippet and the CSP lines name this edge.
    console.tab("golive").await;
    let sandbox = console
        .js("return document.getElementById('sandbox-toggle').checked")
        .await;
    assert_eq!(sandbox, Value::Bool(true), "the sandbox switch is on");
    // Off is real points (saved at once), on again is the sandbox.
    console.click("sandbox-toggle").await;
    let said = console
        .until(
            "the sandbox switched off",
            "const t = document.getElementById('sandbox-status').textContent; return t.startsWith('Sandbox is') || t.includes('not') ? t : null;",
        )
        .await;
    assert!(
        said.as_str().unwrap().starts_with("Sandbox is off"),
        "{said}"
    );
    let prod = console
        .js("return document.getElementById('s-env-prod').checked")
        .await;
    assert_eq!(prod, Value::Bool(true), "the settings say production");
    console.click("sandbox-toggle").await;
    let said = console
        .until(
            "the sandbox switched on",
            "const t = document.getElementById('sandbox-status').textContent; return t.startsWith('Sandbox is on') ? t : null;",
        )
        .await;
    assert!(said.as_str().unwrap().contains("test points"), "{said}");
    let snippet = console.text("the embed snippet", "snippet").await;
    assert!(
        snippet.contains("theme=\"dark\""),
        "the chosen theme: {snippet}"
    );
    let edge = edge_url();
    assert!(
        snippet.contains(&format!("{edge}/embed.js"))
            && snippet.contains(&format!("merchant=\"{merchant_id}\"")),
        "{snippet}"
    );
    let csp = console.text("the CSP lines", "csp-lines").await;
    assert!(
        csp.contains(&format!("script-src {edge} 'wasm-unsafe-eval'"))
            && csp.contains(&format!("connect-src {edge}")),
        "{csp}"
    );
    // A real click (a user gesture): copied, or selected for the copy keys where the
    // browser keeps the clipboard to itself.
    console
        .browser
        .client
        .find(Locator::Id("copy-snippet"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let copied = console
        .text("the copy button's answer", "copy-snippet-status")
        .await;
    assert!(
        copied == "Copied." || copied.starts_with("Selected"),
        "{copied}"
    );
    console.shot("console-06-golive").await;

    // 6. The store's page redeems with the pasted snippet.
    *store.html.lock().unwrap() = store_page(&snippet, &cart);
    console.browser.client.goto(&store_origin).await.unwrap();
    let page = Page {
        browser: console.browser,
    };
    page.wait()
        .shown(
            "a session for the widget on the store's own origin",
            ".lc-widget[data-session=true]",
        )
        .await;
    page.browser
        .screenshot_at("console-07-store", 900, 1100)
        .await;
    let shopper = new_shopper(START).await;
    page.type_in("#lc-identifier", &shopper.mobile).await;
    page.click("button.lc-primary").await;
    page.wait()
        .read(
            "the verify screen with the amount",
            "[data-screen=mokafaa-verify] #lc-amount",
            "value",
        )
        .await;
    let otp = sim().last_otp(&shopper.mobile).await;
    page.type_in("#lc-otp", &otp).await;
    page.type_in("#lc-amount", "50").await;
    page.click("button.lc-primary").await;
    page.wait()
        .data(
            "the redeemed screen",
            "[data-screen=mokafaa-redeemed] .lc-balance",
            "pointsAfter",
        )
        .await;
    page.browser
        .screenshot_at("console-08-store-redeemed", 900, 1100)
        .await;
    let debited = START - bank_points(&shopper.mobile).await;
    assert!(debited > 0, "the sandbox bank debited the shopper");
    let console = Console {
        browser: page.browser,
    };

    // 7. The ledger shows it, with its trail.
    console
        .browser
        .client
        .goto(&format!("{edge}/admin/"))
        .await
        .unwrap();
    console.signed_in(name).await;
    console.tab("ledger").await;
    let row = console
        .until(
            "the redemption in the ledger",
            "const rows = document.querySelectorAll('#ledger-table tbody tr[data-id]'); return rows.length ? [rows.length, rows[0].dataset.id, rows[0].dataset.state, rows[0].textContent] : null;",
        )
        .await;
    assert_eq!(row[0], json!(1), "one redemption: {row}");
    assert_eq!(row[2], json!("redeemed"), "{row}");
    let redemption_id = row[1].as_str().unwrap().to_string();
    let row_text = row[3].as_str().unwrap();
    assert!(
        row_text.contains("50.00 SAR") && row_text.contains(&grouped(debited)),
        "the points the bank debited, and the discount: {row_text}"
    );
    assert!(
        !row_text.contains(&shopper.mobile),
        "the shopper's number is masked: {row_text}"
    );
    let totals = console
        .js("const r = document.querySelector('#ledger-totals tbody tr[data-state=redeemed]'); return r ? r.textContent : null")
        .await;
    assert!(
        totals.as_str().is_some_and(|t| t.contains("50.00 SAR")),
        "the totals row: {totals}"
    );
    let csv = console
        .js("return document.getElementById('ledger-csv').getAttribute('href')")
        .await;
    assert_eq!(csv, json!("/v1/admin/redemptions.csv"));
    console.shot("console-09-ledger").await;

    // The filters: the shopper's last digits find it; an unknown order id finds nothing.
    let last = &shopper.mobile[shopper.mobile.len() - 4..];
    console.type_in("f-identifier", last).await;
    console.click("ledger-apply").await;
    console
        .until(
            "the filtered ledger",
            "return document.getElementById('ledger-status').textContent === '1 redemption.' ? true : null;",
        )
        .await;
    let csv = console
        .js("return document.getElementById('ledger-csv').getAttribute('href')")
        .await;
    assert_eq!(
        csv,
        json!(format!("/v1/admin/redemptions.csv?identifier={last}")),
        "the export follows the filters"
    );
    console.type_in("f-identifier", "").await;
    console.type_in("f-order", "no-such-order").await;
    console.click("ledger-apply").await;
    console
        .until(
            "the empty ledger",
            "return document.getElementById('ledger-status').textContent === 'No redemptions match.' ? true : null;",
        )
        .await;
    console.type_in("f-order", "").await;
    console.click("ledger-apply").await;
    console
        .until(
            "the whole ledger again",
            "return document.querySelectorAll('#ledger-table tbody tr[data-id]').length === 1 ? true : null;",
        )
        .await;

    // 8. Its detail, with the trail.
    console
        .js("document.querySelector('#ledger-table tbody tr[data-id] button').click(); return true;")
        .await;
    let trail = console
        .until(
            "the redemption's trail",
            "const d = document.getElementById('ledger-detail'); const rows = d.querySelectorAll('#detail-trail tbody tr'); return !d.hidden && rows.length ? [...rows].map(r => r.dataset.to) : null;",
        )
        .await;
    assert_eq!(
        trail.as_array().unwrap().last(),
        Some(&json!("redeemed")),
        "{trail}"
    );
    console.shot("console-10-detail").await;

    // 9. A reverse needs a reason: refused empty on the page, then done with one.
    console.click("reverse-submit").await;
    let refused = console
        .text("the reason is required", "reverse-error")
        .await;
    assert!(refused.contains("why"), "{refused}");
    let state = console
        .js("return document.getElementById('ledger-detail').dataset.state")
        .await;
    assert_eq!(state, json!("redeemed"), "nothing was sent");
    console
        .type_in("reverse-reason", "The shopper returned the order by phone")
        .await;
    console.click("reverse-submit").await;
    console
        .until(
            "the redemption reversed",
            "const d = document.getElementById('ledger-detail'); return d.dataset.state === 'reversed' ? true : (document.getElementById('reverse-status').classList.contains('bad') ? 'failed: ' + document.getElementById('reverse-status').textContent : null);",
        )
        .await;
    let state = console
        .js("return document.getElementById('ledger-detail').dataset.state")
        .await;
    assert_eq!(state, json!("reversed"));
    let row_state = console
        .until(
            "the ledger row reversed",
            &format!("const r = document.querySelector('#ledger-table tbody tr[data-id=\"{redemption_id}\"]'); return r && r.dataset.state === 'reversed' ? true : null;"),
        )
        .await;
    assert_eq!(row_state, Value::Bool(true));
    console.shot("console-11-reversed").await;

    // 10. The audit log shows the reverse and its reason; the bank gave the points back.
    console.tab("audit").await;
    let audit = console
        .until(
            "the reverse in the audit log",
            &format!("const r = [...document.querySelectorAll('#audit-table tbody tr')].find(tr => tr.dataset.action.includes('revers') && tr.textContent.includes('{redemption_id}')); return r ? r.textContent : null;"),
        )
        .await;
    assert!(
        audit.as_str().unwrap().contains(&email),
        "who reversed it: {audit}"
    );
    assert!(
        audit
            .as_str()
            .unwrap()
            .contains("The shopper returned the order by phone"),
        "why: {audit}"
    );
    let secrets_in_log = console
        .js(&format!(
            "return document.getElementById('audit-table').textContent.includes({})",
            Value::from(CLIENT_SECRET)
        ))
        .await;
    assert_eq!(secrets_in_log, Value::Bool(false), "secrets masked");
    console.shot("console-12-audit").await;
    assert_eq!(bank_points(&shopper.mobile).await, START, "all points back");
    assert_eq!(
        bank_transaction_count_of(&shopper.mobile).await,
        2,
        "one redemption, one reversal"
    );

    // The console on a phone.
    console.tab("ledger").await;
    console
        .browser
        .screenshot_at("console-13-phone-ledger", 390, 900)
        .await;
    console.tab("settings").await;
    console
        .browser
        .screenshot_at("console-14-phone-settings", 390, 900)
        .await;
    console.browser.close().await;
}

// ------------------------------------------------------------------ sign-in by email

/// The sign-in link in the last email sent to `to`.
async fn emailed_link(to: &str) -> String {
    for _ in 0..50 {
        let emails = sim().emails(to).await;
        if let Some(last) = emails.last() {
            let body = format!(
                "{} {}",
                last.message.text_body.clone().unwrap_or_default(),
                last.message.html_body.clone().unwrap_or_default()
            );
            if let Some(start) = body.find("http") {
                let link: String = body[start..]
                    .chars()
                    .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '<' | '\'' | ')'))
                    .collect();
                if link.contains("#sign-in=") {
                    return link.replace("&amp;", "&");
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("no sign-in link was emailed to {to}");
}

#[tokio::test]
async fn an_admin_signs_in_with_an_emailed_link_that_works_once() {
    let (merchant_id, email) = fresh_merchant();
    let name = "Sign-in Bakery";
    let invitation = create_merchant(&merchant_id, name, &email).await;
    // The owner accepted the invitation earlier (in another browser).
    let token = link_token(&invitation.invitation_url);
    let accepted = http()
        .post(format!("{}/v1/admin/invitations/accept", edge_url()))
        .json(&json!({ "token": token }))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 200, "invitation accepted");

    let console = Console {
        browser: Browser::open("/admin/").await,
    };
    console
        .until(
            "the sign-in form",
            "return document.getElementById('signin-view').hidden ? null : true;",
        )
        .await;
    console.type_in("signin-email", &email).await;
    console.click("signin-submit").await;
    let said = console
        .until(
            "the answer",
            "const t = document.getElementById('signin-status').textContent; return t && !t.startsWith('Sending') ? t : null;",
        )
        .await;
    let said = said.as_str().unwrap();
    assert!(said.starts_with("Check your email"), "{said}");
    console.shot("console-20-sign-in-asked").await;

    let link = emailed_link(&email).await;
    assert!(link.contains("/admin/#sign-in="), "{link}");
    console.browser.client.goto(&link).await.unwrap();
    console.signed_in(name).await;
    fragment_dropped(&console).await;
    let who = console.text("the admin's email", "who-email").await;
    assert_eq!(who, email);
    console.shot("console-21-signed-in").await;

    // Signed out, the same link again is refused in words, with the form to ask anew.
    console.click("sign-out").await;
    console
        .until(
            "the sign-in form after signing out",
            "return document.getElementById('signin-view').hidden ? null : true;",
        )
        .await;
    console
        .browser
        .client
        .goto(&format!("{}/", edge_url()))
        .await
        .unwrap();
    console.browser.client.goto(&link).await.unwrap();
    let refused = console.text("the used link's refusal", "alert").await;
    assert!(refused.contains("expired or was already used"), "{refused}");
    let form = console
        .js("return !document.getElementById('signin-view').hidden && document.getElementById('console-view').hidden")
        .await;
    assert_eq!(form, Value::Bool(true));
    console.shot("console-22-link-used").await;
    console.browser.close().await;
}

// ------------------------------------------------------------------ Pongo from the console

#[tokio::test]
async fn the_merchant_connects_pongo_from_the_console_and_maps_a_location() {
    let (merchant_id, email) = fresh_merchant();
    let name = "Pongo Roasters";
    let invitation = create_merchant(&merchant_id, name, &email).await;
    let console = Console {
        browser: Browser::start().await,
    };
    console
        .browser
        .client
        .goto(&invitation.invitation_url)
        .await
        .unwrap();
    console.signed_in(name).await;
    console.tab("pongo").await;
    let status = console.text("the Pongo status", "pongo-status").await;
    assert!(status.starts_with("Not connected"), "{status}");
    console.click("pongo-connect").await;
    // Pongo's consent form (the simulator's), then back to the console.
    console
        .until(
            "Pongo's consent form",
            "return document.getElementById('approve') ? true : null;",
        )
        .await;
    console.click("approve").await;
    let banner = console.text("the connected banner", "banner").await;
    assert!(banner.starts_with("Pongo is connected"), "{banner}");
    console.signed_in(name).await;
    let status = console
        .until(
            "the connection status",
            "const s = document.getElementById('pongo-status'); return !document.getElementById('panel-pongo').hidden && s.textContent.startsWith('Connected') ? s.textContent : null;",
        )
        .await;
    assert!(
        status.as_str().unwrap().contains("Demo Coffee Roasters"),
        "{status}"
    );
    let stores = console
        .js("return document.querySelectorAll('#store option').length")
        .await;
    assert_eq!(
        stores,
        json!(2),
        "the synced stores are offered for mapping"
    );
    console.type_in("location", "terminal-7").await;
    console.click("map-save").await;
    let mapped = console
        .until(
            "the new mapping",
            "const r = [...document.querySelectorAll('#mappings tbody tr')].find(tr => tr.cells[0].textContent === 'terminal-7'); return r ? r.cells[1].textContent : null;",
        )
        .await;
    assert!(mapped.as_str().is_some_and(|s| !s.is_empty()), "{mapped}");
    console.shot("console-30-pongo").await;

    // The connection test speaks to Pongo with the new token.
    console.tab("credentials").await;
    console.click("test-pongo").await;
    let result = console
        .until(
            "the Pongo connection test",
            "const e = document.getElementById('test-pongo-result'); return e.dataset.ok ? [e.dataset.ok, e.textContent] : null;",
        )
        .await;
    assert_eq!(result[0], json!("true"), "{result}");
    console.browser.close().await;
}
