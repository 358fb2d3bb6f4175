//! `GET /v1/openapi.json`: the API described from the same shared types it serves, checked
//! by a test against the route table so it cannot drift. It is written at build time
//! (`cargo run -p loyalty-edge --features openapi --bin openapi`, run by `cargo xtask`) to the
//! static asset `www/v1/openapi.json`: the worker itself carries no schema code.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Loyalty Checkout API", description = "Mokafaa redemption and Pongo loyalty at checkout. Every error is {\"error\":{\"code\",\"message\"}} with a stable code."),
    paths(
        super::health::get,
        static_document,
        super::sessions::start,
        super::sessions::current,
        super::sessions::update_cart,
        super::mokafaa::send_otp,
        super::mokafaa::balance,
        super::mokafaa::redeem,
        super::mokafaa::undo,
        super::merchant::order_paid,
        super::merchant::order_cancelled,
        super::merchant::verify_receipt,
        super::admin::attention,
        super::pongo::enlist,
        super::pongo::preview,
        super::pongo_verify::send,
        super::pongo_verify::check,
        super::pongo::webhook,
        super::pongo_merchant::order_paid,
        super::pongo_merchant::order_cancelled,
        super::pongo_admin::connect,
        super::pongo_admin::callback,
        super::pongo_admin::status,
        super::pongo_admin::sync,
        super::pongo_admin::map_store,
        super::console_auth::accept,
        super::console_auth::sign_in,
        super::console_auth::complete,
        super::console_auth::me,
        super::console_auth::sign_out,
        super::console_settings::get,
        super::console_settings::put,
        super::console_settings::put_secret,
        super::console_settings::test_connection,
        super::admin::list,
        super::admin::export,
        super::admin::detail,
        super::admin::reverse,
        super::admin::audit_log,
        super::operator::create_merchant,
        super::operator::invite,
        super::operator::import_secrets,
        super::operator::attention,
        super::operator::run_cron,
    ),
    components(schemas(loyalty_shared::ErrorCode, loyalty_shared::ApiError)),
    modifiers(&Security)
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = |description: &str| {
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(description))
                    .build(),
            )
        };
        components.add_security_scheme(
            "session",
            bearer("The widget's session token from POST /v1/sessions"),
        );
        components.add_security_scheme(
            "console",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "lc_admin",
                "The console's session cookie (HttpOnly, Secure, SameSite=Strict) from an invitation or an emailed sign-in link; every change also sends X-CSRF-Token from GET /v1/admin/me",
            ))),
        );
        components.add_security_scheme("operator", bearer("The OPERATOR_TOKEN Worker secret"));
        components.add_security_scheme(
            "merchant_signature",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Loyalty-Signature",
                "t=<unix>,v1=<hex HMAC-SHA256 of \"{t}.{body}\" with the merchant's API secret>; 5-minute window; each signature once",
            ))),
        );
        // Every operation states the error codes it may answer, and one response per HTTP
        // status naming them, from `routes::errors`, and its audience from the route table.
        let table = super::table();
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                ("get", item.get.as_mut()),
                ("post", item.post.as_mut()),
                ("put", item.put.as_mut()),
                ("patch", item.patch.as_mut()),
                ("delete", item.delete.as_mut()),
            ];
            for (method, operation) in operations {
                if let Some(operation) = operation {
                    describe_operation(&table, method, path, operation);
                }
            }
        }
    }
}

/// Adds the error responses, `x-error-codes` and `x-audience` of one operation.
fn describe_operation(
    table: &[super::Route],
    method: &str,
    path: &str,
    operation: &mut utoipa::openapi::path::Operation,
) {
    let codes = super::errors::of(method, path);
    let names: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
    let mut statuses: std::collections::BTreeMap<u16, Vec<&str>> = Default::default();
    for code in &codes {
        statuses
            .entry(code.http_status())
            .or_default()
            .push(code.as_str());
    }
    for (status, names) in statuses {
        let response = utoipa::openapi::ResponseBuilder::new()
            .description(format!("Error: {}", names.join(", ")))
            .content(
                "application/json",
                utoipa::openapi::ContentBuilder::new()
                    .schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build();
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert(response.into());
    }
    let audience = table
        .iter()
        .find(|r| {
            r.method.to_string().eq_ignore_ascii_case(method) && super::openapi_path(r.path) == path
        })
        .map(|r| r.audience.as_str())
        .or((path == DOCUMENT_PATH).then_some("public"));
    operation
        .extensions
        .get_or_insert_with(Default::default)
        .merge(
            utoipa::openapi::extensions::ExtensionsBuilder::new()
                .add("x-error-codes", serde_json::json!(names))
                .add("x-audience", serde_json::json!(audience))
                // The document itself is a static file: no worker code answers it.
                .add("x-static-asset", serde_json::json!(path == DOCUMENT_PATH))
                .build(),
        );
}

/// The path the document itself is served at (a static asset, not a worker route).
pub const DOCUMENT_PATH: &str = "/v1/openapi.json";

#[utoipa::path(get, path = "/v1/openapi.json", tag = "ops", responses((status = 200, description = "This document")))]
#[allow(dead_code)]
fn static_document() {}

/// The whole document as the asset holds it.
pub fn document_json() -> String {
    serde_json::to_string_pretty(&ApiDoc::openapi()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use loyalty_shared::ErrorCode;
    use std::collections::BTreeSet;

    fn method_name(method: &worker::Method) -> String {
        method.to_string().to_lowercase()
    }

    #[test]
    fn the_document_describes_exactly_the_routes_served() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let documented: BTreeSet<(String, String)> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, item)| {
                item.as_object()
                    .unwrap()
                    .keys()
                    .map(move |m| (m.clone(), path.clone()))
            })
            .filter(|(m, _)| ["get", "post", "put", "patch", "delete"].contains(&m.as_str()))
            .collect();
        let served: BTreeSet<(String, String)> = crate::routes::table()
            .iter()
            .map(|r| {
                let path = r
                    .path
                    .split('/')
                    .map(|seg| {
                        seg.strip_prefix(':')
                            .map(|p| format!("{{{p}}}"))
                            .unwrap_or_else(|| seg.to_string())
                    })
                    .collect::<Vec<_>>()
                    .join("/");
                (method_name(&r.method), path)
            })
            .chain([("get".to_string(), DOCUMENT_PATH.to_string())])
            .collect();
        assert_eq!(documented, served);
    }

    #[test]
    fn a_widget_route_is_exactly_one_the_document_secures_with_a_session() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let session = operation["security"]
                    .as_array()
                    .is_some_and(|s| s.iter().any(|r| r.get("session").is_some()));
                let widget = operation["x-audience"] == "widget";
                assert_eq!(
                    session, widget,
                    "{method} {path}: {}",
                    operation["x-audience"]
                );
                assert!(operation["x-audience"].is_string(), "{method} {path}");
            }
        }
    }

    #[test]
    fn every_operation_states_its_error_codes() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let codes = operation["x-error-codes"].as_array();
                assert!(
                    codes.is_some_and(|c| !c.is_empty()),
                    "{method} {path} names no error codes"
                );
                for code in codes.unwrap() {
                    let code = ErrorCode::from_code(code.as_str().unwrap()).unwrap();
                    let status = code.http_status().to_string();
                    assert!(
                        operation["responses"].get(&status).is_some(),
                        "{method} {path}: {code} has no {status} response"
                    );
                }
            }
        }
        let paid = &doc["paths"]["/v1/merchant/orders/paid"]["post"];
        assert!(paid["responses"]["409"]["description"]
            .as_str()
            .unwrap()
            .contains("redemption_already_used"));
        let money = &doc["components"]["schemas"]["Money"]["properties"]["minor"];
        assert_eq!(money["maximum"], 1_000_000_000_000.0, "{money}");
    }

    #[test]
    fn every_error_code_is_in_the_schema() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let codes = doc["components"]["schemas"]["ErrorCode"].to_string();
        for code in loyalty_shared::ErrorCode::ALL {
            assert!(codes.contains(&format!("\"{}\"", code.as_str())), "{code}");
        }
        // Request and response bodies come from the shared types.
        for schema in [
            "Money",
            "OtpChallenge",
            "Redemption",
            "RedeemRequest",
            "ErrorBody",
            "MerchantRedemption",
        ] {
            assert!(
                doc["components"]["schemas"].get(schema).is_some(),
                "{schema}"
            );
        }
    }
}
