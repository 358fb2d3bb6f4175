//! The stack is up: health with a real D1 query, the error contract on unknown routes, and
//! the static files the one script tag needs.

use loyalty_e2e::{edge_get, edge_url, http};
use loyalty_shared::api::{HealthResponse, HealthStatus};
use loyalty_shared::{ErrorBody, ErrorCode};

#[tokio::test]
async fn health_reports_version_and_a_reachable_migrated_database() {
    let response = edge_get("/v1/health").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let health: HealthResponse = response.json().await.unwrap();
    assert_eq!(health.status, HealthStatus::Ok);
    assert!(
        health.d1,
        "D1 should answer a query on the migrated merchants table"
    );
    assert_eq!(health.version, loyalty_shared::VERSION);
}

#[tokio::test]
async fn unknown_api_routes_answer_the_error_contract() {
    for path in ["/v1/nope", "/v1/mokafaa/does-not-exist"] {
        let response = http()
            .post(format!("{}{path}", edge_url()))
            .body("{")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{path}");
        let body: ErrorBody = response.json().await.unwrap();
        assert_eq!(body.error.code, ErrorCode::NotFound);
        assert!(!body.error.message.is_empty());
    }
}

#[tokio::test]
async fn the_embed_script_and_built_widget_are_served() {
    let embed = edge_get("/embed.js").await;
    assert_eq!(embed.status(), 200);
    assert!(embed.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    assert!(embed.text().await.unwrap().contains("attachShadow"));

    let wasm = edge_get("/widget/loyalty_widget_bg.wasm").await;
    assert_eq!(wasm.status(), 200);
    // Streaming compilation in browsers needs the right type.
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    let bytes = wasm.bytes().await.unwrap();
    assert_eq!(&bytes[..4], b"\0asm");

    let js = edge_get("/widget/loyalty_widget.js").await;
    assert_eq!(js.status(), 200);
    assert!(js.text().await.unwrap().contains("mount"));
}

#[tokio::test]
async fn the_openapi_document_is_served_and_names_the_error_codes() {
    let response = edge_get("/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc: serde_json::Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["paths"]["/v1/mokafaa/redeem"]["post"].is_object());
    assert!(doc["components"]["schemas"]["ErrorCode"]
        .to_string()
        .contains("otp_locked"));
}
