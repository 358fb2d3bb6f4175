//! Sessions, CORS and bad input at the edge's front door: each refusal has a stable code
//! and no side effect.

use loyalty_e2e::{edge_url, http, start_session, widget, DEMO_ORIGIN};
use loyalty_shared::{ErrorBody, ErrorCode};
use serde_json::json;

async fn error_code(response: reqwest::Response) -> ErrorCode {
    response
        .json::<ErrorBody>()
        .await
        .expect("error contract")
        .error
        .code
}

fn session_body() -> serde_json::Value {
    json!({"merchant_id": "demo", "cart_id": "c-1", "amount": {"minor": 25000, "currency": "SAR"}})
}

#[tokio::test]
async fn a_session_is_granted_only_to_the_merchants_storefronts() {
    let url = format!("{}/v1/sessions", edge_url());
    let allowed = http()
        .post(&url)
        .header("Origin", DEMO_ORIGIN)
        .json(&session_body())
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), 201);
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        DEMO_ORIGIN
    );
    let token = allowed.json::<serde_json::Value>().await.unwrap()["session_token"]
        .as_str()
        .unwrap()
        .len();
    assert_eq!(token, 64);

    let evil = http()
        .post(&url)
        .header("Origin", "https://evil.example")
        .json(&session_body())
        .send()
        .await
        .unwrap();
    assert_eq!(evil.status(), 403);
    assert!(evil.headers().get("access-control-allow-origin").is_none());
    assert_eq!(error_code(evil).await, ErrorCode::OriginNotAllowed);

    let none = http()
        .post(&url)
        .json(&session_body())
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(none).await, ErrorCode::OriginNotAllowed);
}

#[tokio::test]
async fn preflight_grants_only_allowed_origins() {
    let url = format!("{}/v1/mokafaa/otp", edge_url());
    let ok = http()
        .request(reqwest::Method::OPTIONS, &url)
        .header("Origin", DEMO_ORIGIN)
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
    let evil = http()
        .request(reqwest::Method::OPTIONS, &url)
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(evil.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn malformed_and_misshapen_bodies_get_distinct_codes() {
    let url = format!("{}/v1/sessions", edge_url());
    let malformed = http()
        .post(&url)
        .header("Origin", DEMO_ORIGIN)
        .body("{\"merchant_id\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    assert_eq!(error_code(malformed).await, ErrorCode::MalformedJson);
    let misshapen = http()
        .post(&url)
        .header("Origin", DEMO_ORIGIN)
        .json(&json!({"merchant_id": "demo", "cart_id": "c", "amount": {"minor": -5, "currency": "SAR"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(misshapen.status(), 400);
    assert_eq!(error_code(misshapen).await, ErrorCode::InvalidRequest);
    let unknown = http()
        .post(&url)
        .header("Origin", DEMO_ORIGIN)
        .json(&json!({"merchant_id": "nobody", "cart_id": "c", "amount": {"minor": 5, "currency": "SAR"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(unknown).await, ErrorCode::MerchantNotFound);
}

#[tokio::test]
async fn widget_calls_need_a_valid_session_from_its_own_origin() {
    let none = http()
        .post(format!("{}/v1/mokafaa/otp", edge_url()))
        .json(&json!({"method": "mobile", "mobile": "0501234567"}))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 401);
    assert_eq!(error_code(none).await, ErrorCode::SessionInvalid);
    let forged = widget(reqwest::Method::POST, "/v1/mokafaa/otp", &"0".repeat(64))
        .json(&json!({"method": "mobile", "mobile": "0501234567"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(forged).await, ErrorCode::SessionInvalid);
    let token = start_session(25_000).await;
    let elsewhere = http()
        .post(format!("{}/v1/mokafaa/otp", edge_url()))
        .header("Origin", "https://evil.example")
        .bearer_auth(&token)
        .json(&json!({"method": "mobile", "mobile": "0501234567"}))
        .send()
        .await
        .unwrap();
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
