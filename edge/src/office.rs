//! Two Workers from this one crate. The checkout worker (the default build) answers the
//! widget, merchants' servers and Pongo's webhooks; the office worker (`--features office`)
//! answers the console and the operator, and runs the scheduled jobs. A shopper's call never
//! loads the console's code, so each worker stays small and starts fast (issue 12). The
//! checkout worker hands the console's paths to the office over a service binding, so the
//! console stays on the checkout's origin. Native builds (tests, the OpenAPI document) hold
//! both parts.

use crate::http::error_response;
use crate::store::Db;
use loyalty_shared::{ApiError, ErrorCode, Locale};
use std::future::Future;
use std::pin::Pin;
use worker::{Env, Headers, Method, Request, RequestInit, Response, Result};

/// The checkout worker's service binding to the office worker (`wrangler.toml`).
pub const BINDING: &str = "OFFICE";

/// This build answers the widget's, the merchants' and the providers' routes.
pub const SERVES_CHECKOUT: bool = !cfg!(all(target_arch = "wasm32", feature = "office"));
/// This build answers the console's and the operator's routes and runs the jobs itself.
pub const SERVES_OFFICE: bool = !cfg!(target_arch = "wasm32") || cfg!(feature = "office");

/// The operator's call that runs the scheduled jobs.
const CRON_PATH: &str = "/v1/operator/cron";

/// The paths the office answers: the console's and the operator's (same-origin only, never
/// a CORS grant).
pub fn is_office_path(path: &str) -> bool {
    path.starts_with("/v1/admin/") || path.starts_with("/v1/operator/")
}

/// Hands a console or operator request to the office worker as it came, and its answer back
/// as it went (cookies, status and the error contract are the office's own).
pub async fn forward(req: Request, env: &Env) -> Result<Response> {
    let answer = match env.service(BINDING) {
        Ok(office) => office.fetch_request(req).await,
        Err(e) => Err(e),
    };
    answer.or_else(|e| {
        worker::console_error!("office worker unreachable: {e}");
        error_response(&ApiError::new(ErrorCode::UpstreamUnavailable, Locale::En))
    })
}

/// The cron trigger. The office build runs the jobs; the checkout build, which holds the
/// trigger, asks the office to run them as the operator (`POST /v1/operator/cron`).
pub async fn run_jobs(env: &Env) {
    if SERVES_OFFICE {
        match env.d1(crate::routes::DB_BINDING) {
            Ok(d1) => {
                // Boxed: an await here would keep the jobs' code in the checkout build,
                // where this branch is dead (an async state machine keeps every arm).
                let db = Db::new(d1, Default::default());
                let jobs: Pin<Box<dyn Future<Output = _> + '_>> =
                    Box::pin(async move { crate::cron::run(&db, env).await });
                jobs.await;
            }
            Err(_) => worker::console_error!("cron: no D1 binding"),
        }
        return;
    }
    match ask_office_to_run(env).await {
        Ok(200) => {}
        Ok(status) => worker::console_error!("cron: the office answered {status}"),
        Err(e) => worker::console_error!("cron: the office is unreachable: {e}"),
    }
}

async fn ask_office_to_run(env: &Env) -> Result<u16> {
    let token = env.secret("OPERATOR_TOKEN")?.to_string();
    let headers = Headers::new();
    headers.set("Authorization", &format!("Bearer {token}"))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers);
    let url = format!("https://office.internal{CRON_PATH}");
    let answer = env.service(BINDING)?.fetch(url, Some(init)).await?;
    Ok(answer.status_code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_native_build_holds_both_parts() {
        let (checkout, office) = (crate::routes::checkout(), crate::routes::office());
        assert_eq!(crate::routes::table().len(), checkout.len() + office.len());
    }

    #[test]
    fn every_route_belongs_to_exactly_one_worker_by_its_path() {
        for route in crate::routes::checkout() {
            assert!(!is_office_path(route.path), "{} is checkout's", route.path);
        }
        for route in crate::routes::office() {
            assert!(is_office_path(route.path), "{} is office's", route.path);
        }
        assert!(crate::routes::office().iter().any(|r| r.path == CRON_PATH));
    }

    #[test]
    fn only_console_and_operator_paths_are_forwarded() {
        assert!(is_office_path("/v1/admin/me"));
        assert!(is_office_path("/v1/operator/cron"));
        for path in [
            "/v1/administrator",
            "/v1/sessions",
            "/admin/",
            "/v1/admin",
            "/v1/operators",
        ] {
            assert!(!is_office_path(path), "{path}");
        }
    }
}
