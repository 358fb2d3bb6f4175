//! `loyalty-edge`: the Cloudflare Workers that hold every secret and answer the v1 API:
//! the checkout worker and, built with `--features office`, the office worker (`office`).
//!
//! A thin shell: it turns HTTP into calls on plain-Rust logic (`domain`, and
//! `loyalty-shared`) and turns results and [`ApiError`]s back into JSON responses.
//! Static files (`www/`: embed.js, the widget, demo page) are served by Workers static
//! assets before this code runs.

mod cors;
pub mod counters;
mod cron;
pub mod domain;
mod guards;
mod http;
mod merchant;
pub mod mokafaa;
mod notify;
mod office;
pub mod pongo;
mod rate_limit;
mod receipt;
mod redemption;
mod reversal;
mod routes;
mod sealed;
mod secure;
mod sms_verify;
mod store;

use loyalty_shared::{ApiError, ErrorCode, Locale};
use worker::{
    event, Context, Env, Method, Request, Response, Result, Router, ScheduleContext, ScheduledEvent,
};

/// The OpenAPI document, for the build step that writes it as a static asset.
#[cfg(feature = "openapi")]
pub fn openapi_document() -> String {
    routes::openapi::document_json()
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    if !office::SERVES_OFFICE && office::is_office_path(&req.path()) {
        return office::forward(req, &env).await;
    }
    let db = env
        .d1(routes::DB_BINDING)
        .map(|d1| store::Db::new(d1, counters::Tally::default()));
    let counting = counters::enabled(&env);
    let response = answer(req, env, db.as_ref().ok()).await?;
    match &db {
        Ok(db) if counting => {
            let mut response = response;
            let value = db.tally().counts().header_value();
            response.headers_mut().set(counters::HEADER, &value)?;
            Ok(response)
        }
        _ => Ok(response),
    }
}

/// The answer to one request, CORS grant included.
async fn answer(req: Request, env: Env, db: Option<&store::Db>) -> Result<Response> {
    // The console and the operator's calls are same-origin only: never a CORS grant.
    let path = req.path();
    let console = office::is_office_path(&path);
    if req.method() == Method::Options {
        return match db {
            Some(db) if !console => cors::preflight(&req, db).await,
            _ => Response::empty().map(|r| r.with_status(204)),
        };
    }
    let origin = cors::origin(&req);
    // No route reads more than a few hundred bytes: a huge body is refused before any work.
    let declared = req.headers().get("Content-Length").ok().flatten();
    if declared
        .and_then(|n| n.trim().parse::<u64>().ok())
        .is_some_and(|n| n > http::MAX_BODY_BYTES as u64)
    {
        return http::error_response(&ApiError::new(ErrorCode::PayloadTooLarge, Locale::En));
    }
    let Some(db) = db else {
        worker::console_error!("no D1 binding");
        return http::error_response(&ApiError::new(ErrorCode::Internal, Locale::En));
    };
    let router =
        routes::table()
            .into_iter()
            .fold(Router::with_data(db.clone()), |router, route| {
                let (path, handler) = (route.path, route.handler);
                match route.method {
                    Method::Get => router.get_async(path, handler),
                    Method::Post => router.post_async(path, handler),
                    Method::Patch => router.patch_async(path, handler),
                    Method::Put => router.put_async(path, handler),
                    Method::Delete => router.delete_async(path, handler),
                    _ => router,
                }
            });
    let response = router
        .or_else_any_method_async("/v1/*rest", |_req, _ctx| async {
            http::error_response(&ApiError::new(ErrorCode::NotFound, Locale::En))
        })
        .run(req, env)
        .await;
    // A handler that failed unexpectedly still answers with the error contract, never a bare 500.
    let response = response.or_else(|err| {
        worker::console_error!("unhandled error: {err}");
        http::error_response(&ApiError::new(ErrorCode::Internal, Locale::En))
    })?;
    // Widget calls come from merchants' storefronts: grant CORS only to allowed origins.
    // A widget route's guard already granted its session's origin: no second lookup.
    let granted = response.headers().has(cors::ALLOW_ORIGIN).unwrap_or(false);
    match origin {
        Some(origin)
            if !granted && !console && cors::allowed_by_any_merchant(db, &origin).await =>
        {
            cors::grant(response, &origin)
        }
        _ => Ok(response),
    }
}

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    office::run_jobs(&env).await;
}
