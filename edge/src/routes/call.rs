//! The request pipeline: every route's handler runs inside [`run`], which builds the
//! per-request [`Call`] once (database, clock, env, language), turns the handler's
//! `ApiResult` into the one JSON error shape, grants the answer to the storefront a widget
//! guard let in (an error too), and logs one line per request with nothing personal in it
//! (method, route path, status, error code).

use crate::http::{internal, json_response, now, request_locale, respond, ApiResult};
use crate::store::Db;
use loyalty_shared::{ApiError, ErrorCode, Locale};
use serde::Serialize;
use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
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
    /// The storefront a widget guard let in: every answer goes back to it with its CORS
    /// grant, an error too (no second lookup of who may read it).
    pub granted: Rc<RefCell<Option<String>>>,
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

/// Runs a handler in the pipeline. Only the handler's own future is generic here: opening
/// the call and answering are shared code, so each route adds only its own body to the worker.
pub async fn run<F, Fut>(
    req: Request,
    route: RouteContext<Db>,
    handler: F,
) -> worker::Result<Response>
where
    F: FnOnce(Call) -> Fut,
    Fut: Future<Output = ApiResult<Response>>,
{
    let line = RequestLine::of(&req);
    let granted = Rc::new(RefCell::new(None));
    let outcome = match Call::open(req, route, granted.clone()).await {
        Ok(call) => handler(call).await,
        Err(error) => Err(error),
    };
    let response = line.answer(outcome)?;
    let origin = granted.borrow().clone();
    match origin {
        Some(origin) => crate::cors::grant(response, &origin),
        None => Ok(response),
    }
}

/// What the log line names: the method and the route path, never the query string.
struct RequestLine {
    method: String,
    path: String,
}

impl RequestLine {
    fn of(req: &Request) -> RequestLine {
        RequestLine {
            method: req.method().to_string(),
            path: req.path(),
        }
    }

    /// Logs the outcome and turns it into the answer (the error contract on failure).
    #[inline(never)]
    fn answer(self, outcome: ApiResult<Response>) -> worker::Result<Response> {
        let RequestLine { method, path } = self;
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
}

impl Call {
    /// Everything a handler needs, built once per request.
    #[inline(never)]
    async fn open(
        req: Request,
        route: RouteContext<Db>,
        granted: Rc<RefCell<Option<String>>>,
    ) -> ApiResult<Call> {
        let env = route.env.clone();
        Ok(Call {
            locale: request_locale(&req),
            now: now(&env).await,
            db: route.data.clone(),
            granted,
            req,
            env,
            route,
        })
    }
}
