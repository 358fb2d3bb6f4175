//! No input to any route is a 5xx: every path and method the OpenAPI document lists gets
//! malformed JSON, wrong types, huge numbers, a huge body and unknown fields, with and
//! without credentials, and must answer the error contract with a 4xx whose code the
//! document names for that operation (`x-error-codes`).

use loyalty_e2e::{edge_url, http, start_session, DEMO_ORIGIN};
use serde_json::{json, Value};

fn bodies() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = vec![
        ("malformed".into(), b"{\"merchant_id\": ".to_vec()),
        ("not an object".into(), b"[1, 2, 3]".to_vec()),
        ("empty".into(), Vec::new()),
        ("wrong types".into(), br#"{"merchant_id": 5, "amount": "lots", "phone": true, "otp": 1234, "redemption_id": [], "order_id": {}}"#.to_vec()),
        ("huge numbers".into(), br#"{"merchant_id": "demo", "amount": {"minor": 1e300, "currency": "SAR"}, "order_total": {"minor": 99999999999999999999999, "currency": "SAR"}}"#.to_vec()),
        ("unknown fields".into(), br#"{"merchant_id": "demo", "surprise": {"deep": [1, {"x": null}]}}"#.to_vec()),
        ("utf-16 junk".into(), vec![0xff, 0xfe, 0x00, 0x7b]),
    ];
    let huge = format!(
        r#"{{"merchant_id":"demo","pad":"{}"}}"#,
        "x".repeat(70 * 1024)
    );
    out.push(("huge body".into(), huge.into_bytes()));
    out
}

#[tokio::test]
async fn no_input_to_any_route_is_a_server_error() {
    let doc = loyalty_e2e::api_document().await;
    let token = start_session(25_000).await;
    let operator = loyalty_e2e::console::operator_token();
    // A fresh admin of the demo merchant: its cookie and CSRF token ride on every call.
    let admin = loyalty_e2e::console::admin_of("demo").await;
    let paths = doc["paths"].as_object().expect("paths");
    let mut checked = 0;
    let mut failures = Vec::new();
    for (path, item) in paths {
        let concrete = path
            .replace("{merchant_id}", "demo")
            .replace("{id}", "no-such-redemption")
            .replace("{name}", "mokafaa_client_secret")
            .replace("{provider}", "mokafaa");
        for (method_name, operation) in item.as_object().unwrap() {
            // A static file (the document itself) runs no edge code to fuzz; wrangler's
            // local asset server also never reads a GET's body, so a huge one would hang.
            if operation["x-static-asset"] == true {
                continue;
            }
            let method =
                reqwest::Method::from_bytes(method_name.to_uppercase().as_bytes()).unwrap();
            let documented: Vec<&str> = operation["x-error-codes"]
                .as_array()
                .map(|codes| codes.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for (what, body) in bodies() {
                for auth in [
                    None,
                    Some(token.clone()),
                    Some(operator.clone()),
                    Some(String::new()),
                ] {
                    let console = auth.as_deref() == Some("");
                    // Signing out would end the session the rest of the calls use.
                    if console && path == "/v1/admin/sign-out" {
                        continue;
                    }
                    let mut request = http()
                        .request(method.clone(), format!("{}{concrete}", edge_url()))
                        .header("Origin", DEMO_ORIGIN)
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", "fuzz")
                        .header("Loyalty-Signature", "t=1,v1=00")
                        .body(body.clone());
                    match &auth {
                        Some(_) if console => {
                            request = request
                                .header("Cookie", &admin.cookie)
                                .header("X-CSRF-Token", &admin.me.csrf_token);
                        }
                        Some(auth) => request = request.bearer_auth(auth),
                        None => {}
                    }
                    let response = request.send().await.unwrap();
                    let status = response.status().as_u16();
                    let text = response.text().await.unwrap_or_default();
                    checked += 1;
                    // The OAuth callback redirects the browser; everything else is JSON.
                    let contract = status < 400
                        || serde_json::from_str::<Value>(&text)
                            .is_ok_and(|v| v["error"]["code"].is_string());
                    // A client generated from the document is refused only as it says.
                    let code = serde_json::from_str::<Value>(&text)
                        .ok()
                        .and_then(|v| v["error"]["code"].as_str().map(str::to_string));
                    let undocumented = code.as_deref().is_some_and(|c| !documented.contains(&c));
                    if status >= 500 || !contract || undocumented {
                        failures.push(format!(
                            "{method} {concrete} ({what}, auth: {}): {status} {}",
                            auth.is_some(),
                            &text[..text.len().min(200)]
                        ));
                    }
                }
            }
        }
    }
    assert!(
        checked > 100,
        "the document lists the routes ({checked} calls)"
    );
    assert!(
        failures.is_empty(),
        "{} answers broke the contract:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let _ = json!({});
}
