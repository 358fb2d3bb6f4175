//! Helpers for tests against the running stack. `cargo xtask test` starts the stack and
//! sets `LOYALTY_EDGE_URL`; run alone, these tests fail with a message saying so. The
//! simulators' test console is [`sim()`], the typed client `loyalty-sim` exports.

pub mod console;
pub mod page;
pub mod pongo;

use fantoccini::{Client, ClientBuilder};
use loyalty_shared::{ApiError, ErrorBody, ErrorCode};
pub use loyalty_sim::console_client::SimConsole;
pub use loyalty_sim::faults::{Fault, FaultConfig};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::net::TcpListener;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

/// The edge under test, e.g. `http://127.0.0.1:8787`.
pub fn edge_url() -> String {
    std::env::var("LOYALTY_EDGE_URL").unwrap_or_else(|_| {
        panic!("LOYALTY_EDGE_URL is not set: these tests need the running stack; run `cargo xtask test`")
    })
}

/// The simulators' base URL, e.g. `http://127.0.0.1:8788`.
pub fn sim_url() -> String {
    std::env::var("LOYALTY_SIM_URL").unwrap_or_else(|_| {
        panic!("LOYALTY_SIM_URL is not set: these tests need the running stack; run `cargo xtask test`")
    })
}

/// The simulators' test console (`/__sim`): clock, faults, texted codes, the providers' books.
pub fn sim() -> SimConsole {
    SimConsole::new(&sim_url())
}

/// The storefront origin the demo merchant allows.
pub const DEMO_ORIGIN: &str = "http://127.0.0.1:8787";

/// Opens a widget session for a fresh cart of `amount_minor` halalas; returns the token.
pub async fn start_session(amount_minor: u64) -> String {
    start_session_with(amount_minor, None).await
}

/// As [`start_session`], with the shopper's email when the store knows it.
pub async fn start_session_with(amount_minor: u64, email: Option<&str>) -> String {
    let cart = format!("cart-{}", unique());
    session_for_cart(&cart, amount_minor, email).await
}

/// A session for the demo merchant's cart `cart` (a second tab of one cart, say).
pub async fn session_for_cart(cart: &str, amount_minor: u64, email: Option<&str>) -> String {
    let response = send(
        http()
            .post(format!("{}/v1/sessions", edge_url()))
            .header("Origin", DEMO_ORIGIN)
            .json(&json!({"merchant_id": "demo", "cart_id": cart, "amount": {"minor": amount_minor, "currency": "SAR"}, "locale": "en", "email": email})),
    )
    .await;
    assert_eq!(response.status(), 201, "session start");
    let body: Value = response.json().await.unwrap();
    body["session_token"]
        .as_str()
        .expect("session_token")
        .to_string()
}

/// `wrangler dev`'s proxy sometimes answers a request with its own plain-text 503 ("Your
/// worker restarted mid-request") that the worker never saw (workers-sdk#14641, a local
/// harness issue, not the product's). The edge's own 503s are JSON.
pub fn harness_dropped(response: &reqwest::Response) -> bool {
    response.status() == 503
        && !response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("json"))
}

/// Sends `request`, sending it again when the local proxy dropped it (see
/// [`harness_dropped`]); every request the tests resend this way is idempotent.
pub async fn send(request: reqwest::RequestBuilder) -> reqwest::Response {
    for _ in 0..5 {
        let attempt = request.try_clone().expect("a request that can be resent");
        let response = attempt.send().await.expect("edge reachable");
        if !harness_dropped(&response) {
            return response;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    request.send().await.expect("edge reachable")
}

/// The JSON answer to `request`, whatever its status.
pub async fn read_json<T: DeserializeOwned>(request: reqwest::RequestBuilder) -> T {
    let response = request.send().await.expect("edge reachable");
    let status = response.status();
    response
        .json()
        .await
        .unwrap_or_else(|e| panic!("a JSON answer ({status}): {e}"))
}

/// The JSON of an answer, read as `T`, or a panic showing what came instead.
pub async fn answer<T: DeserializeOwned>(response: reqwest::Response) -> T {
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{status} {body}: {e}"))
}

/// The error an answer carries (the error contract), or a panic showing what came instead.
pub async fn api_error(response: reqwest::Response) -> ApiError {
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    serde_json::from_str::<ErrorBody>(&body)
        .unwrap_or_else(|_| panic!("error contract, got {status}: {body}"))
        .error
}

/// The stable code of the error an answer carries.
pub async fn error_code(response: reqwest::Response) -> ErrorCode {
    api_error(response).await.code
}

/// A GET of the edge at `path`, as a browser would send it.
pub async fn edge_get(path: &str) -> reqwest::Response {
    http()
        .get(format!("{}{path}", edge_url()))
        .send()
        .await
        .expect("edge reachable")
}

/// The API document the edge serves (`/v1/openapi.json`).
pub async fn api_document() -> Value {
    read_json(http().get(format!("{}/v1/openapi.json", edge_url()))).await
}

/// The widget's request for what the challenge's shopper may use on this order.
pub fn balance_request(token: &str, challenge_id: &str) -> reqwest::RequestBuilder {
    widget(
        reqwest::Method::GET,
        &format!("/v1/mokafaa/balance?challenge_id={challenge_id}"),
        token,
    )
}

/// The shopper's undo of a redemption, from the widget.
pub async fn undo(token: &str, redemption_id: &str) -> reqwest::Response {
    send(widget(
        reqwest::Method::POST,
        &format!("/v1/mokafaa/redemptions/{redemption_id}/undo"),
        token,
    ))
    .await
}

/// A code of the same length as `right` that is not it (all zeros, or all ones if `right`
/// is all zeros).
pub fn wrong_code(right: &str) -> String {
    let digit = if right.chars().all(|c| c == '0') {
        "1"
    } else {
        "0"
    };
    digit.repeat(right.len())
}

/// A value no other test in this run uses.
pub fn unique() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{nanos}-{}", NEXT.fetch_add(1, Ordering::SeqCst))
}

/// A widget call with the session token, from the demo storefront.
pub fn widget(method: reqwest::Method, path: &str, token: &str) -> reqwest::RequestBuilder {
    http()
        .request(method, format!("{}{path}", edge_url()))
        .header("Origin", DEMO_ORIGIN)
        .bearer_auth(token)
}

/// A merchant-server call signed like a merchant's backend does (`Loyalty-Signature`).
pub async fn merchant_post(path: &str, body: &Value) -> reqwest::Response {
    let secret = std::env::var("LOYALTY_MERCHANT_SECRET")
        .expect("LOYALTY_MERCHANT_SECRET (set by cargo xtask test)");
    merchant_post_signed(path, body, &secret, sim().now().await).await
}

/// As [`merchant_post`], signed with `secret` at `at` (another merchant's, a rotated or a
/// forged secret).
pub async fn merchant_post_signed(
    path: &str,
    body: &Value,
    secret: &str,
    at: i64,
) -> reqwest::Response {
    let bytes = serde_json::to_vec(body).unwrap();
    let header = loyalty_shared::signature::sign(
        secret.as_bytes(),
        at,
        &bytes,
        loyalty_shared::signature::PayloadLayout::TimestampDotBody,
    );
    send(
        http()
            .post(format!("{}{path}", edge_url()))
            .header("Content-Type", "application/json")
            .header("Loyalty-Signature", header)
            .body(bytes),
    )
    .await
}

/// The merchant's server reports the order paid by `redemption_id` cancelled, naming no
/// order.
pub async fn order_cancelled(redemption_id: &str) -> reqwest::Response {
    let body = json!({"merchant_id": "demo", "redemption_id": redemption_id});
    merchant_post("/v1/merchant/orders/cancelled", &body).await
}

/// Runs the edge's cron once (wrangler dev `--test-scheduled`).
pub async fn run_cron() {
    let response = http()
        .get(format!("{}/__scheduled?cron=*/5+*+*+*+*", edge_url()))
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "cron trigger: {}",
        response.status()
    );
}

/// Sends an OTP by mobile for the session and returns the challenge.
pub async fn otp_challenge(token: &str, mobile: &str) -> loyalty_shared::api::OtpChallenge {
    let response = send(
        widget(reqwest::Method::POST, "/v1/mokafaa/otp", token)
            .json(&json!({"method": "mobile", "mobile": mobile})),
    )
    .await;
    assert_eq!(response.status(), 201, "OTP sent");
    response.json().await.unwrap()
}

/// A shopper's session on a 250 SAR cart, challenged by `mobile`, with the code the bank
/// texted.
#[derive(Debug, Clone)]
pub struct Challenged {
    pub token: String,
    pub challenge_id: String,
    pub otp: String,
}

pub async fn challenged(mobile: &str) -> Challenged {
    let token = start_session(25_000).await;
    let challenge = otp_challenge(&token, mobile).await;
    Challenged {
        otp: sim().last_otp(mobile).await,
        challenge_id: challenge.challenge_id,
        token,
    }
}

impl Challenged {
    /// Redeems `minor` with `otp` (the texted code or another) under a new key.
    pub async fn redeem_with(&self, otp: &str, minor: u64) -> reqwest::Response {
        redeem(&self.token, &unique(), &self.challenge_id, otp, minor).await
    }
}

/// A redeem request with an idempotency key.
pub async fn redeem(
    token: &str,
    key: &str,
    challenge_id: &str,
    otp: &str,
    minor: u64,
) -> reqwest::Response {
    send(
        widget(reqwest::Method::POST, "/v1/mokafaa/redeem", token)
            .header("Idempotency-Key", key)
            .json(&json!({"challenge_id": challenge_id, "otp": otp, "amount": {"minor": minor, "currency": "SAR"}})),
    )
    .await
}

/// A fresh session for `cart_minor` with `minor` redeemed by the rich seed shopper.
pub async fn redeemed(
    cart_minor: u64,
    minor: u64,
    email: Option<&str>,
) -> (String, loyalty_shared::api::Redemption) {
    let token = start_session_with(cart_minor, email).await;
    let challenge = otp_challenge(&token, RICH_MOBILE).await;
    let otp = sim().last_otp(RICH_MOBILE).await;
    let response = redeem(&token, &unique(), &challenge.challenge_id, &otp, minor).await;
    assert_eq!(response.status(), 201, "redeemed");
    (token, response.json().await.unwrap())
}

/// A Mokafaa shopper of the simulated bank, made for one test so that tests never share a
/// balance or a per-number rate limit.
#[derive(Debug, Clone)]
pub struct Shopper {
    pub mobile: String,
    pub cic: String,
}

pub async fn new_shopper(points: i64) -> Shopper {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let n = (seed / 1_000 + u128::from(unique_counter())) % 100_000_000;
    let shopper = Shopper {
        mobile: format!("05{n:08}"),
        cic: format!("9{n:08}"),
    };
    sim()
        .add_mokafaa_customer(&loyalty_sim::mokafaa::Customer {
            mobile: shopper.mobile.clone(),
            cic: shopper.cic.clone(),
            points,
            blocked: false,
            iban: None,
        })
        .await;
    shopper
}

fn unique_counter() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(7_919, Ordering::SeqCst)
}

/// The simulator's seed shopper with a large balance.
pub const RICH_MOBILE: &str = "0501234567";

/// Number of transactions (redemptions and reversals) in the simulated bank's books.
pub async fn bank_transaction_count() -> usize {
    sim().mokafaa_transactions().await.len()
}

/// Number of transactions of one shopper in the simulated bank's books (robust to what
/// other tests and the cron do meanwhile).
pub async fn bank_transaction_count_of(mobile: &str) -> usize {
    sim().mokafaa_books().await.transactions_of(mobile).count()
}

/// Asserts that the simulated bank recorded `moves` transactions (redemptions and reversals)
/// since it held `before` ([`bank_transaction_count`]).
pub async fn assert_bank_moved(before: usize, moves: usize, why: &str) {
    assert_eq!(bank_transaction_count().await, before + moves, "{why}");
}

/// Points the simulated bank holds for `mobile` (`05XXXXXXXX`).
pub async fn bank_points(mobile: &str) -> i64 {
    sim()
        .mokafaa_books()
        .await
        .customer(mobile)
        .expect("customer in the books")
        .points
}

/// Runs SQL on the running stack's local D1 (`LOYALTY_D1_STATE`, set by `cargo xtask test`),
/// for the few tests that need a row no API call can produce (a corrupt one).
pub fn d1_execute(sql: &str) {
    let state =
        std::env::var("LOYALTY_D1_STATE").expect("LOYALTY_D1_STATE (set by cargo xtask test)");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let status = std::process::Command::new(root.join("node_modules/.bin/wrangler"))
        .args([
            "d1",
            "execute",
            "DB",
            "--local",
            "--persist-to",
            &state,
            "--command",
            sql,
        ])
        .current_dir(&root)
        .env("CI", "true")
        .env("WRANGLER_SEND_METRICS", "false")
        .stdout(Stdio::null())
        .status()
        .expect("wrangler runs");
    assert!(status.success(), "d1 execute: {sql}");
}

/// An HTTP client that never follows redirects, so tests see exactly what the edge answers.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("reqwest client")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on loopback")
}

/// A headless Chromium driven over WebDriver, with its own chromedriver and profile.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: TempDir,
}

/// A directory removed on drop.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Browser {
    /// A browser showing the edge's page at `path` (e.g. `/demo/`).
    pub async fn open(path: &str) -> Browser {
        let browser = Browser::start().await;
        browser
            .client
            .goto(&format!("{}{path}", edge_url()))
            .await
            .unwrap();
        browser
    }

    pub async fn start() -> Browser {
        let driver_bin =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let port = free_port();
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {driver_bin}: {e}"));
        let profile = std::env::temp_dir().join(format!("lc-e2e-chrome-{port}"));
        let capabilities = json!({
            "goog:chromeOptions": {
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", format!("--user-data-dir={}", profile.display()),
                ]
            }
        });
        let capabilities = match capabilities {
            Value::Object(map) => map,
            _ => unreachable!("a JSON object literal"),
        };
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => break client,
                Err(e) if Instant::now() > deadline => {
                    panic!("cannot start a browser session: {e}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        Browser {
            client,
            driver,
            _profile: TempDir(profile),
        }
    }

    /// Runs `script` (a function body that returns a value) until it returns something other
    /// than null, or panics after `timeout` naming what was awaited.
    pub async fn wait_for(&self, what: &str, script: &str, timeout: Duration) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let value = self
                .client
                .execute(script, vec![])
                .await
                .unwrap_or(Value::Null);
            if !value.is_null() {
                return value;
            }
            if Instant::now() > deadline {
                let logs = self
                    .client
                    .execute(
                        "return document.body ? document.body.innerText : null",
                        vec![],
                    )
                    .await
                    .unwrap_or(Value::Null);
                panic!("timed out after {timeout:?} waiting for {what}; page text: {logs}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves what the browser shows as `target/e2e/{name}.png`, for a person to look at.
    pub async fn screenshot(&self, name: &str) {
        // Tall enough for the whole checkout column, so nothing is below the fold.
        self.screenshot_at(name, 900, 1500).await;
    }

    /// A screenshot with the window `width` x `height` CSS px (a phone at 320, a laptop).
    pub async fn screenshot_at(&self, name: &str, width: u32, height: u32) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e");
        let _ = std::fs::create_dir_all(&dir);
        let _ = self.client.set_window_size(width, height).await;
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill().await;
    }
}

/// The counters of one answer, as the local edge counted them (`x-loyalty-counters`):
/// (D1 statements, D1 round trips, provider calls).
pub fn counters(response: &reqwest::Response) -> (u32, u32, u32) {
    let header = response
        .headers()
        .get("x-loyalty-counters")
        .expect("the local stack sends x-loyalty-counters")
        .to_str()
        .unwrap()
        .to_string();
    let value = |name: &str| -> u32 {
        header
            .split(';')
            .find_map(|part| part.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} in {header}"))
            .parse()
            .unwrap()
    };
    (
        value("d1_statements"),
        value("d1_round_trips"),
        value("upstream_calls"),
    )
}
