//! One module per group of routes, and the route table: the single list the router is
//! built from and the OpenAPI document is checked against.

pub mod admin;
pub mod errors;
pub mod health;
pub mod merchant;
pub mod mokafaa;
pub mod openapi;
pub mod pongo;
pub mod pongo_admin;
pub mod pongo_merchant;
pub mod pongo_verify;
pub mod sessions;

use std::future::Future;
use std::pin::Pin;
use worker::{Method, Request, Response, Result, RouteContext};

/// The D1 binding name in `wrangler.toml`.
pub const DB_BINDING: &str = "DB";

pub type Handler = fn(Request, RouteContext<()>) -> Pin<Box<dyn Future<Output = Result<Response>>>>;

/// One public route. `path` uses the router's syntax (`:id`).
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub handler: Handler,
}

macro_rules! route {
    ($method:ident $path:literal => $handler:path) => {
        Route {
            method: Method::$method,
            path: $path,
            handler: |req, ctx| Box::pin($handler(req, ctx)),
        }
    };
}

/// Every public route of the v1 API.
pub fn table() -> Vec<Route> {
    vec![
        route!(Get "/v1/health" => health::get),
        route!(Get "/v1/openapi.json" => openapi::get),
        route!(Post "/v1/sessions" => sessions::start),
        route!(Patch "/v1/sessions/current" => sessions::update_cart),
        route!(Post "/v1/mokafaa/otp" => mokafaa::send_otp),
        route!(Get "/v1/mokafaa/balance" => mokafaa::balance),
        route!(Post "/v1/mokafaa/redeem" => mokafaa::redeem),
        route!(Post "/v1/mokafaa/redemptions/:id/undo" => mokafaa::undo),
        route!(Post "/v1/merchant/orders/paid" => merchant::order_paid),
        route!(Post "/v1/merchant/orders/cancelled" => merchant::order_cancelled),
        route!(Post "/v1/merchant/receipts/verify" => merchant::verify_receipt),
        route!(Get "/v1/admin/redemptions/attention" => admin::attention),
        route!(Post "/v1/pongo/enlist" => pongo::enlist),
        route!(Get "/v1/pongo/earn-preview" => pongo::preview),
        route!(Post "/v1/pongo/verify" => pongo_verify::send),
        route!(Post "/v1/pongo/verify/check" => pongo_verify::check),
        route!(Post "/v1/pongo/webhooks/:merchant_id" => pongo::webhook),
        route!(Post "/v1/merchant/pongo/orders" => pongo_merchant::order_paid),
        route!(Post "/v1/merchant/pongo/orders/cancelled" => pongo_merchant::order_cancelled),
        route!(Post "/v1/admin/pongo/connect" => pongo_admin::connect),
        route!(Get "/v1/admin/pongo/callback" => pongo_admin::callback),
        route!(Get "/v1/admin/pongo/status" => pongo_admin::status),
        route!(Post "/v1/admin/pongo/sync" => pongo_admin::sync),
        route!(Put "/v1/admin/pongo/mappings" => pongo_admin::map_store),
    ]
}
