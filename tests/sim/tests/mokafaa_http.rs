//! The Mokafaa and email simulators over HTTP: every documented shape and error code, both
//! spellings, and each fault switched on and off. Field names are checked byte for byte
//! against `providers/mokafaa.md`.

use loyalty_sim::console_client::SimConsole;
use loyalty_sim::faults::Fault;
use loyalty_sim::mokafaa::Config;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const SIT: &str = "/mokafaa/api-factory/sit";

struct Bank {
    base: String,
    http: reqwest::Client,
    token: String,
    console: SimConsole,
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
    k.sort();
    k
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut k: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    k.sort();
    k
}

/// The bank's `errorCode` in an answer.
fn code(answer: &(u16, Value)) -> Option<i64> {
    answer.1["errorCode"].as_i64()
}

impl Bank {
    async fn start() -> Bank {
        let (addr, _sim) = loyalty_sim::spawn("127.0.0.1:0", 7).await.unwrap();
        let base = format!("http://{addr}");
        let http = reqwest::Client::new();
        let token = token(&http, &base, "sim-mokafaa-secret").await.1["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        let console = SimConsole::new(&base);
        Bank {
            base,
            http,
            token,
            console,
        }
    }

    /// A scoped call with the bearer and merchant tokens.
    fn scoped(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(
                method,
                format!("{}{SIT}/blu-loyalty/1.0.0/{path}", self.base),
            )
            .bearer_auth(&self.token)
            .header("merchantToken", "sim-merchant-token")
    }

    async fn call(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .scoped(reqwest::Method::POST, path)
            .json(&body)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }

    /// `otp-validation` of `amount` (SAR, as the bank takes it) with a texted OTP.
    async fn redeem(&self, (otp, token): &(String, String), amount: &str) -> (u16, Value) {
        self.call(
            "otp-validation",
            json!({"OTPValue": otp, "OTPToken": token, "amount": amount}),
        )
        .await
    }

    /// The bank's transaction list, between the times in `range` if any.
    async fn list(&self, range: &[(&str, &str)]) -> reqwest::Response {
        self.scoped(reqwest::Method::GET, "redemption-transactions")
            .query(range)
            .send()
            .await
            .unwrap()
    }

    /// The last OTP texted to `mobile` and its token.
    async fn otp_for(&self, mobile: &str) -> (String, String) {
        let texted = self.console.texted_otp(mobile).await.expect("an OTP");
        (texted.otp, texted.otp_token)
    }
}

async fn token(http: &reqwest::Client, base: &str, secret: &str) -> (u16, Value) {
    let r = http
        .post(format!("{base}{SIT}/loyalty-redemption/oauth2/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "sim-mokafaa-client"),
            ("client_secret", secret),
            ("scope", "customer-authorization otp-validation redemption-transaction-reversal redemption-transactions"),
        ])
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn token_success_failure_and_expiry() {
    let bank = Bank::start().await;
    let (status, ok) = token(&bank.http, &bank.base, "sim-mokafaa-secret").await;
    assert_eq!(status, 200);
    assert_eq!(
        keys(&ok),
        sorted(&[
            "token_type",
            "access_token",
            "scope",
            "expires_in",
            "consented_on"
        ])
    );
    assert_eq!(ok["expires_in"], 3600);
    let (status, bad) = token(&bank.http, &bank.base, "wrong").await;
    assert_eq!(status, 401);
    assert_eq!(keys(&bad), sorted(&["error", "error_description"]));

    bank.console.advance_clock(3601).await;
    let (status, gateway) = bank
        .call(
            "customer-authorization",
            json!({"mobile": "0501234567", "currency": "SAR", "lang": "en"}),
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(
        keys(&gateway),
        sorted(&["httpCode", "httpMessage", "moreInformation"])
    );
}

#[tokio::test]
async fn merchant_token_raw_or_bearer() {
    let bank = Bank::start().await;
    for merchant in ["sim-merchant-token", "Bearer sim-merchant-token"] {
        let r = bank
            .scoped(reqwest::Method::GET, "redemption-transactions")
            .header("merchantToken", merchant)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{merchant}");
    }
}

#[tokio::test]
async fn otp_redeem_reverse_and_list_with_the_documented_shapes() {
    let bank = Bank::start().await;
    let (status, auth) = bank.call("customer-authorization", json!({"mobile": "966501234567", "currency": "SAR", "lang": "ar", "mappingPosID": "1001"})).await;
    assert_eq!(status, 200);
    assert_eq!(
        keys(&auth),
        sorted(&["requestID", "otp", "message", "status"])
    );
    assert_eq!(
        keys(&auth["otp"]),
        sorted(&["currency", "otp_token_expired_in_min", "otp_token"])
    );
    assert_eq!(
        (
            auth["status"].clone(),
            auth["otp"]["otp_token_expired_in_min"].clone()
        ),
        (json!(200), json!(3))
    );
    let (otp, otp_token) = bank.otp_for("0501234567").await;
    assert_eq!(otp.len(), 4);
    assert_eq!(auth["otp"]["otp_token"], otp_token.as_str());

    // 210 while the OTP is valid; after 3 minutes a new one replaces it.
    let (status, early) = bank
        .call(
            "customer-authorization",
            json!({"mobile": "0501234567", "currency": "SAR", "lang": "en"}),
        )
        .await;
    assert_eq!((status, early["errorCode"].clone()), (400, json!(210)));
    assert_eq!(
        keys(&early),
        sorted(&["message", "status", "requestID", "errorCode"])
    );

    let (status, redeemed) = bank
        .call(
            "otp-validation",
            json!({"OTPValue": otp, "OTPToken": otp_token, "amount": "100", "language": "ar"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        keys(&redeemed),
        sorted(&[
            "requestID",
            "merchant",
            "transactionDate",
            "transactionID",
            "transactionType",
            "pointsAmount",
            "message",
            "status"
        ])
    );
    assert_eq!(
        (
            redeemed["pointsAmount"].clone(),
            redeemed["transactionType"].clone()
        ),
        (json!(-25000), json!("Redemption"))
    );
    // An OTP token works once.
    let (status, reused) = bank
        .call(
            "otp-validation",
            json!({"OTPValue": otp, "OTPToken": otp_token, "amount": 1, "language": "en"}),
        )
        .await;
    assert_eq!((status, reused["errorCode"].clone()), (400, json!(101)));

    let id = redeemed["transactionID"].clone();
    // A redemption is reversed once; again is refused.
    for expected in [(200, json!("Success")), (400, json!("Validation Failed"))] {
        let body = json!({"transactionID": id});
        let (status, answer) = bank.call("redemption-transaction-reversal", body).await;
        assert_eq!((status, answer["message"].clone()), expected);
    }

    let list = bank.list(&[("from", "0"), ("to", "99999999999")]).await;
    let list: Value = list.json().await.unwrap();
    let txns = list["transactions"].as_array().unwrap();
    assert_eq!(txns.len(), 2);
    for t in txns {
        for field in [
            "transactionID",
            "transactionType",
            "pointsAmount",
            "amount",
            "transactionDate",
            "status",
        ] {
            assert!(t.get(field).is_some(), "{field}");
        }
    }
    let books = bank.console.mokafaa_books().await;
    assert_eq!(
        books.customers[0].points, 1_000_000,
        "redeemed then reversed: back to the start"
    );
}

#[tokio::test]
async fn answers_in_the_string_spelling_when_switched() {
    let bank = Bank::start().await;
    let set = bank
        .console
        .set_mokafaa_config(&Config {
            answer_numbers_as_strings: true,
            ..Config::default()
        })
        .await;
    assert!(set.answer_numbers_as_strings);
    let (_, auth) = bank
        .call(
            "customer-authorization",
            json!({"loyaltyCICNo": "12345678", "currency": "SAR", "lang": "en"}),
        )
        .await;
    assert_eq!(
        (
            auth["status"].clone(),
            auth["otp"]["otp_token_expired_in_min"].clone()
        ),
        (json!("200"), json!("3"))
    );
    let (otp, otp_token) = bank.otp_for("0501234567").await;
    // `amount` as a number works as well as a string.
    let (_, redeemed) = bank
        .call(
            "otp-validation",
            json!({"OTPValue": otp, "OTPToken": otp_token, "amount": 12.5, "language": "en"}),
        )
        .await;
    assert_eq!(
        (redeemed["status"].clone(), redeemed["pointsAmount"].clone()),
        (json!("200"), json!(-3125))
    );
}

#[tokio::test]
async fn every_documented_error_code_over_http() {
    let bank = Bank::start().await;
    let auth = |mobile: &str| json!({"mobile": mobile, "currency": "SAR", "lang": "en"});
    for (body, expected) in [
        (json!({"currency": "SAR"}), 101),
        (auth("0500000000"), 209),
        (json!({"mobile": "0501234567", "mappingPosID": "77"}), 206),
    ] {
        let answer = bank.call("customer-authorization", body.clone()).await;
        assert_eq!(code(&answer), Some(expected), "{body}");
    }

    bank.call("customer-authorization", auth("0559876543"))
        .await;
    let poor = bank.otp_for("0559876543").await;
    for (amount, expected) in [("50", 204), ("0.50", 205)] {
        let answer = bank.redeem(&poor, amount).await;
        assert_eq!(code(&answer), Some(expected), "{amount} SAR");
    }
    let too_much = bank.redeem(&poor, "200000").await.1;
    assert!(too_much["message"].as_str().unwrap().contains("exceed"));

    bank.call("customer-authorization", auth("0533333333"))
        .await;
    let blocked = bank.otp_for("0533333333").await;
    assert_eq!(code(&bank.redeem(&blocked, "10").await), Some(304));

    bank.call("customer-authorization", auth("0501234567"))
        .await;
    let again = bank
        .call("customer-authorization", auth("0501234567"))
        .await;
    assert_eq!(code(&again), Some(210));
    let rich = bank.otp_for("0501234567").await;
    let wrong = if rich.0 == "0000" { "1111" } else { "0000" };
    for _ in 0..5 {
        let guess = bank
            .redeem(&(wrong.to_string(), rich.1.clone()), "10")
            .await;
        assert_eq!(code(&guess), Some(301));
    }
    assert_eq!(code(&bank.redeem(&rich, "10").await), Some(401));
    bank.console.advance_clock(181).await;
    bank.call("customer-authorization", auth("0501234567"))
        .await;
    let late = bank.otp_for("0501234567").await;
    bank.console.advance_clock(181).await;
    assert_eq!(code(&bank.redeem(&late, "10").await), Some(303));
    // Malformed JSON gets the documented shape, not a crash.
    let r = bank
        .scoped(reqwest::Method::POST, "otp-validation")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["errorCode"], 101);
}

#[tokio::test]
async fn each_fault_switches_on_and_off() {
    let bank = Bank::start().await;
    let faults = &bank.console;
    faults
        .inject_fault("mokafaa.transactions", Fault::Latency(300))
        .await;
    let started = Instant::now();
    assert_eq!(bank.list(&[]).await.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));

    faults
        .inject_fault("mokafaa.transactions", Fault::Outage)
        .await;
    assert_eq!(bank.list(&[]).await.status(), 503);

    faults
        .inject_fault("mokafaa.transactions", Fault::Throttled(7))
        .await;
    let limited = bank.list(&[]).await;
    assert_eq!(
        (
            limited.status().as_u16(),
            limited.headers()["retry-after"].to_str().unwrap()
        ),
        (429, "7")
    );

    faults
        .inject_fault("mokafaa.transactions", Fault::Unauthorized)
        .await;
    let r = bank.list(&[]).await;
    assert_eq!(r.status(), 401);
    assert_eq!(
        keys(&r.json::<Value>().await.unwrap()),
        sorted(&["httpCode", "httpMessage", "moreInformation"])
    );

    faults.clear_faults().await;
    assert_eq!(bank.list(&[]).await.status(), 200);

    // Commit, then drop: the caller sees no answer, the books show the redemption.
    bank.call("customer-authorization", json!({"mobile": "0501234567"}))
        .await;
    let (otp, t) = bank.otp_for("0501234567").await;
    faults
        .inject_fault("mokafaa.otp_validation", Fault::LostAnswer.times(1))
        .await;
    let dropped = bank
        .scoped(reqwest::Method::POST, "otp-validation")
        .json(&json!({"OTPValue": otp, "OTPToken": t, "amount": "10"}))
        .send()
        .await;
    let lost = match dropped {
        Err(_) => true,
        Ok(r) => r.json::<Value>().await.is_err(),
    };
    assert!(lost, "the answer must not arrive");
    let books = faults.mokafaa_books().await;
    assert_eq!(books.transactions.len(), 1);
    assert_eq!(books.customers[0].points, 1_000_000 - 2_500);
    // `times: 1` switched itself off.
    assert!(faults.faults().await.is_empty());
}

#[tokio::test]
async fn email_api_stores_messages_and_refuses_bad_ones() {
    let bank = Bank::start().await;
    let send = |token: &str, body: Value| {
        bank.http
            .post(format!("{}/email/email", bank.base))
            .header("X-Postmark-Server-Token", token)
            .json(&body)
            .send()
    };
    let message = json!({"From": "shop@example.sa", "To": "a@example.sa", "Subject": "Hi", "TextBody": "Body"});
    let ok = send("sim-email-token", message.clone()).await.unwrap();
    assert_eq!(ok.status(), 200);
    let ok: Value = ok.json().await.unwrap();
    assert_eq!(
        (ok["ErrorCode"].clone(), ok["To"].clone()),
        (json!(0), json!("a@example.sa"))
    );
    assert_eq!(send("wrong", message).await.unwrap().status(), 401);
    assert_eq!(
        send(
            "sim-email-token",
            json!({"From": "x", "To": "y", "Subject": "s", "TextBody": "b"})
        )
        .await
        .unwrap()
        .status(),
        422
    );
    let outbox = bank.console.emails("a@example.sa").await;
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].message.subject, "Hi");
}
