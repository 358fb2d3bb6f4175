//! Sessions, CORS and bad input at the edge's front door: each refusal has a stable code
//! and no side effect.

use loyalty_e2e::{edge_url, error_code, http, start_session, widget, DEMO_ORIGIN};
use loyalty_shared::{ErrorBody, ErrorCode};
use serde_json::{json, Value};

fn session_body() -> Value {
    json!({"merchant_id": "demo", "cart_id": "c-1", "amount": {"minor": 25000, "currency": "SAR"}})
}

/// A call to `path` from the page at `origin` (none: no `Origin` header).
fn from(origin: Option<&str>, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
    let request = http().request(method, format!("{}{path}", edge_url()));
    match origin {
        Some(origin) => request.header("Origin", origin),
        None => request,
    }
}

/// `POST /v1/sessions` of `body` from `origin`.
async fn open_session(origin: Option<&str>, body: &Value) -> reqwest::Response {
    from(origin, reqwest::Method::POST, "/v1/sessions")
        .json(body)
        .send()
        .await
        .unwrap()
}

/// An OTP request from `origin` with the session `token` (if any).
async fn ask_otp(origin: Option<&str>, token: Option<&str>) -> reqwest::Response {
    let request = from(origin, reqwest::Method::POST, "/v1/mokafaa/otp");
    let request = match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    };
    request
        .json(&json!({"method": "mobile", "mobile": "0501234567"}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_session_is_granted_only_to_the_merchants_storefronts() {
    let allowed = open_session(Some(DEMO_ORIGIN), &session_body()).await;
    assert_eq!(allowed.status(), 201);
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        DEMO_ORIGIN
    );
    let token = allowed.json::<Value>().await.unwrap()["session_token"]
        .as_str()
        .unwrap()
        .len();
    assert_eq!(token, 64);

    let evil = open_session(Some("https://evil.example"), &session_body()).await;
    assert_eq!(evil.status(), 403);
    assert!(evil.headers().get("access-control-allow-origin").is_none());
    assert_eq!(error_code(evil).await, ErrorCode::OriginNotAllowed);

    let none = open_session(None, &session_body()).await;
    assert_eq!(error_code(none).await, ErrorCode::OriginNotAllowed);
}

#[tokio::test]
async fn preflight_grants_only_allowed_origins() {
    let preflight = |origin: &str| from(Some(origin), reqwest::Method::OPTIONS, "/v1/mokafaa/otp");
    let ok = preflight(DEMO_ORIGIN)
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 204);
    assert_eq!(ok.headers()["access-control-allow-origin"], DEMO_ORIGIN);
    assert!(ok.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .contains("Idempotency-Key"));
    let evil = preflight("https://evil.example").send().await.unwrap();
    assert!(evil.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn malformed_and_misshapen_bodies_get_distinct_codes() {
    let malformed = from(Some(DEMO_ORIGIN), reqwest::Method::POST, "/v1/sessions")
        .body("{\"merchant_id\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    assert_eq!(error_code(malformed).await, ErrorCode::MalformedJson);
    let misshapen = open_session(
        Some(DEMO_ORIGIN),
        &json!({"merchant_id": "demo", "cart_id": "c", "amount": {"minor": -5, "currency": "SAR"}}),
    )
    .await;
    assert_eq!(misshapen.status(), 400);
    assert_eq!(error_code(misshapen).await, ErrorCode::InvalidRequest);
    let unknown = open_session(
        Some(DEMO_ORIGIN),
        &json!({"merchant_id": "nobody", "cart_id": "c", "amount": {"minor": 5, "currency": "SAR"}}),
    )
    .await;
    assert_eq!(error_code(unknown).await, ErrorCode::MerchantNotFound);
}

#[tokio::test]
async fn widget_calls_need_a_valid_session_from_its_own_origin() {
    let none = ask_otp(None, None).await;
    assert_eq!(none.status(), 401);
    assert_eq!(error_code(none).await, ErrorCode::SessionInvalid);
    let forged = ask_otp(Some(DEMO_ORIGIN), Some(&"0".repeat(64))).await;
    assert_eq!(error_code(forged).await, ErrorCode::SessionInvalid);
    let token = start_session(25_000).await;
    let elsewhere = ask_otp(Some("https://evil.example"), Some(&token)).await;
    assert_eq!(error_code(elsewhere).await, ErrorCode::OriginNotAllowed);
}

#[tokio::test]
async fn bad_phone_and_account_are_refused_before_the_bank() {
    let token = start_session(25_000).await;
    let phone = widget(reqwest::Method::POST, "/v1/mokafaa/otp", &token)
        .json(&json!({"method": "mobile", "mobile": "0112345678"}))
        .send()
        .await
        .unwrap();
    assert_eq!(phone.status(), 400);
    let body: ErrorBody = phone.json().await.unwrap();
    assert_eq!(
        (body.error.code, body.error.field.as_deref()),
        (ErrorCode::InvalidPhone, Some("mobile"))
    );
    // The number typed is never echoed back.
    assert!(!serde_json::to_string(&body).unwrap().contains("0112345678"));
    let account = widget(reqwest::Method::POST, "/v1/mokafaa/otp", &token)
        .json(&json!({"method": "customer_number", "customer_number": "12ab"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(account).await, ErrorCode::InvalidAccount);
}
