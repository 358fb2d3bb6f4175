//! The request pipeline: every route's handler runs inside [`run`], which builds the
//! per-request [`Call`] once (database, clock, env, language), turns the handler's
//! `ApiResult` into the one JSON error shape, and logs one line per request with nothing
//! personal in it (method, route path, status, error code).

use crate::http::{internal, json_response, now, request_locale, respond, ApiResult};
use crate::store::Db;
use loyalty_shared::{ApiError, ErrorCode, Locale};
use serde::Serialize;
use std::future::Future;
use worker::{Env, Request, Response, RouteContext};

/// One request as every handler sees it.
pub struct Call {
    pub req: Request,
    pub env: Env,
    pub db: Db,
    /// The edge's clock for this request (the simulator's in local runs).
    pub now: i64,
    /// The caller's language from `Accept-Language`; a widget session's own locale wins.
    pub locale: Locale,
    route: RouteContext<Db>,
}

impl Call {
    /// A path parameter of the route (`:id`); the router only matches when it is present.
    pub fn param(&self, name: &str) -> String {
        self.route.param(name).cloned().unwrap_or_default()
    }

    /// A query parameter, or `invalid_request` naming it.
    pub fn query(&self, name: &str, locale: Locale) -> ApiResult<String> {
        let url = self.req.url().map_err(|e| internal("url", e))?;
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .ok_or_else(|| ApiError::new(ErrorCode::InvalidRequest, locale).with_field(name))
    }

    /// The raw body (read once).
    pub async fn bytes(&mut self, locale: Locale) -> ApiResult<Vec<u8>> {
        self.req
            .bytes()
            .await
            .map_err(|_| ApiError::new(ErrorCode::MalformedJson, locale))
    }

    /// The body as `T`: malformed JSON and a wrong shape get distinct, stable codes.
    pub async fn json<T: serde::de::DeserializeOwned>(&mut self, locale: Locale) -> ApiResult<T> {
        let bytes = self.bytes(locale).await?;
        crate::http::parse_json(&bytes, locale)
    }
}

/// A JSON answer with its status, as a handler returns it.
pub fn reply<T: Serialize>(body: &T, status: u16) -> ApiResult<Response> {
    json_response(body, status).map_err(|e| internal("response", e))
}

/// Runs a handler in the pipeline.
pub async fn run<F, Fut>(
    req: Request,
    route: RouteContext<Db>,
    handler: F,
) -> worker::Result<Response>
where
    F: FnOnce(Call) -> Fut,
    Fut: Future<Output = ApiResult<Response>>,
{
    let method = req.method().to_string();
    let path = req.path();
    let outcome = async {
        let env = route.env.clone();
        let db = route.data.clone();
        let call = Call {
            locale: request_locale(&req),
            now: now(&env).await,
            req,
            env,
            db,
            route,
        };
        handler(call).await
    }
    .await;
    match &outcome {
        Ok(response) => worker::console_log!("{method} {path} {}", response.status_code()),
        Err(error) => worker::console_log!(
            "{method} {path} {} {}",
            error.http_status(),
            error.code.as_str()
        ),
    }
    respond(outcome)
}
