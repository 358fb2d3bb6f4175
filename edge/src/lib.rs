//! `loyalty-edge`: the Cloudflare Worker that holds every secret and answers the v1 API.
//!
//! A thin shell: it turns HTTP into calls on plain-Rust logic (in `loyalty-shared` and this
//! crate's pure modules) and turns results and [`ApiError`]s back into JSON responses.
//! Static files (`www/`: embed.js, the widget, demo and admin pages) are served by Workers
//! static assets before this code runs.

pub mod domain;
mod http;
pub mod mokafaa;
mod routes;

use loyalty_shared::{ApiError, ErrorCode, Locale};
use worker::{event, Context, Env, Request, Response, Result, Router};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let response = Router::new()
        .get_async("/v1/health", routes::health::get)
        .or_else_any_method_async("/v1/*rest", |_req, _ctx| async {
            http::error_response(&ApiError::new(ErrorCode::NotFound, Locale::En))
        })
        .run(req, env)
        .await;
    // A handler that failed unexpectedly still answers with the error contract, never a bare 500.
    response.or_else(|err| {
        worker::console_error!("unhandled error: {err}");
        http::error_response(&ApiError::new(ErrorCode::Internal, Locale::En))
    })
}
