//! One module per group of routes, and the route table: the single list the router is
//! built from and the OpenAPI document is checked against.

pub mod admin;
pub mod call;
pub mod console_auth;
pub mod console_settings;
#[cfg(feature = "openapi")]
pub mod errors;
pub mod health;
pub mod merchant;
pub mod mokafaa;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod operator;
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

pub type Handler =
    fn(Request, RouteContext<crate::store::Db>) -> Pin<Box<dyn Future<Output = Result<Response>>>>;

/// Who calls a route. The table names it for every route; the pipeline runs its guard
/// before the handler (for the widget, a typed [`crate::guards::WidgetCaller`] the handler
/// cannot do without), and the OpenAPI document's security requirement must agree (tested).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Anyone: health, the API document.
    Public,
    /// The widget in a shopper's browser: session bearer used from its storefront origin.
    Widget,
    /// The merchant's server: `Loyalty-Signature` over the body, checked with its parsing.
    Merchant,
    /// A merchant's admin in the console: the session cookie a one-time link opened, scoped
    /// to that merchant, with `X-CSRF-Token` on every change (the OAuth callback: its state).
    Admin,
    /// The operator of this edge: `OPERATOR_TOKEN` bearer (merchants, invitations).
    Operator,
    /// A provider calling back: Pongo's signed webhooks.
    Provider,
}

impl Audience {
    /// As the OpenAPI document states it (`x-audience`).
    #[cfg(feature = "openapi")]
    pub const fn as_str(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Widget => "widget",
            Audience::Merchant => "merchant",
            Audience::Admin => "admin",
            Audience::Operator => "operator",
            Audience::Provider => "provider",
        }
    }
}

/// A route path in the OpenAPI spelling (`{id}` for `:id`).
#[cfg(feature = "openapi")]
pub fn openapi_path(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            seg.strip_prefix(':')
                .map(|p| format!("{{{p}}}"))
                .unwrap_or_else(|| seg.to_string())
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// One public route. `path` uses the router's syntax (`:id`).
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    /// Read by the OpenAPI document (`x-audience`); the guard itself is chosen by `route!`.
    #[cfg_attr(not(feature = "openapi"), allow(dead_code))]
    pub audience: Audience,
    pub handler: Handler,
}

/// One table row: the audience picks the guard the pipeline runs before the handler, and
/// the handler's signature must take that guard's value (a mismatch does not compile).
macro_rules! route {
    (@row $audience:ident $method:ident $path:literal, $run:expr) => {
        Route {
            method: Method::$method,
            path: $path,
            audience: Audience::$audience,
            handler: |req, ctx| Box::pin(call::run(req, ctx, $run)),
        }
    };
    (Public $method:ident $path:literal => $handler:path) => {
        route!(@row Public $method $path, $handler)
    };
    (Widget $method:ident $path:literal => $handler:path) => {
        route!(@row Widget $method $path, |call: call::Call| async move {
            let caller = crate::guards::widget_caller(&call).await?;
            *call.granted.borrow_mut() = caller.origin.clone();
            $handler(call, caller).await
        })
    };
    // A widget route that opens its own gate, to read its first statements with the caller.
    (WidgetGate $method:ident $path:literal => $handler:path) => {
        route!(@row Widget $method $path, |call: call::Call| async move {
            let gate = crate::guards::WidgetGate::new(&call);
            $handler(call, gate).await
        })
    };
    (Merchant $method:ident $path:literal => $handler:path) => {
        route!(@row Merchant $method $path, |mut call: call::Call| async move {
            let signed = crate::guards::signed_merchant(&mut call).await?;
            $handler(call, signed).await
        })
    };
    (Admin $method:ident $path:literal => $handler:path) => {
        route!(@row Admin $method $path, |call: call::Call| async move {
            let admin = crate::guards::console_admin(&call).await?;
            $handler(call, admin).await
        })
    };
    (Operator $method:ident $path:literal => $handler:path) => {
        route!(@row Operator $method $path, |call: call::Call| async move {
            let operator = crate::guards::operator(&call)?;
            $handler(call, operator).await
        })
    };
    // The OAuth callback is the admin's browser coming back from Pongo: its guard is the
    // single-use `state` it carries, checked by the handler, which always redirects.
    (AdminReturn $method:ident $path:literal => $handler:path) => {
        route!(@row Admin $method $path, $handler)
    };
    (Provider $method:ident $path:literal => $handler:path) => {
        route!(@row Provider $method $path, |mut call: call::Call| async move {
            let webhook = crate::guards::pongo_webhook(&mut call).await?;
            $handler(call, webhook).await
        })
    };
}

/// The routes this build answers: both workers' natively (tests, the OpenAPI document),
/// one worker's in each wasm build, so the other's handlers are not in it (`crate::office`).
pub fn table() -> Vec<Route> {
    let mut routes = Vec::new();
    if crate::office::SERVES_CHECKOUT {
        routes.extend(checkout());
    }
    if crate::office::SERVES_OFFICE {
        routes.extend(office());
    }
    routes
}

/// The checkout worker's routes: the widget, merchants' servers, providers.
pub fn checkout() -> Vec<Route> {
    vec![
        route!(Public Get "/v1/health" => health::get),
        route!(Public Post "/v1/sessions" => sessions::start),
        route!(Widget Get "/v1/sessions/current" => sessions::current),
        route!(Widget Patch "/v1/sessions/current" => sessions::update_cart),
        route!(WidgetGate Post "/v1/mokafaa/otp" => mokafaa::send_otp),
        route!(WidgetGate Get "/v1/mokafaa/balance" => mokafaa::balance),
        route!(WidgetGate Post "/v1/mokafaa/redeem" => mokafaa::redeem),
        route!(WidgetGate Post "/v1/mokafaa/redemptions/:id/undo" => mokafaa::undo),
        route!(Merchant Post "/v1/merchant/orders/paid" => merchant::order_paid),
        route!(Merchant Post "/v1/merchant/orders/cancelled" => merchant::order_cancelled),
        route!(Merchant Post "/v1/merchant/receipts/verify" => merchant::verify_receipt),
        route!(WidgetGate Post "/v1/pongo/enlist" => pongo::enlist),
        route!(Widget Get "/v1/pongo/earn-preview" => pongo::preview),
        route!(Widget Post "/v1/pongo/verify" => pongo_verify::send),
        route!(WidgetGate Post "/v1/pongo/verify/check" => pongo_verify::check),
        route!(Provider Post "/v1/pongo/webhooks/:merchant_id" => pongo::webhook),
        route!(Merchant Post "/v1/merchant/pongo/orders" => pongo_merchant::order_paid),
        route!(Merchant Post "/v1/merchant/pongo/orders/cancelled" => pongo_merchant::order_cancelled),
    ]
}

/// The office worker's routes: the console and the operator (`/v1/admin/`, `/v1/operator/`).
pub fn office() -> Vec<Route> {
    vec![
        route!(Admin Post "/v1/admin/pongo/connect" => pongo_admin::connect),
        route!(AdminReturn Get "/v1/admin/pongo/callback" => pongo_admin::callback),
        route!(Admin Get "/v1/admin/pongo/status" => pongo_admin::status),
        route!(Admin Post "/v1/admin/pongo/sync" => pongo_admin::sync),
        route!(Admin Put "/v1/admin/pongo/mappings" => pongo_admin::map_store),
        route!(Public Post "/v1/admin/invitations/accept" => console_auth::accept),
        route!(Public Post "/v1/admin/sign-in" => console_auth::sign_in),
        route!(Public Post "/v1/admin/sign-in/complete" => console_auth::complete),
        route!(Admin Get "/v1/admin/me" => console_auth::me),
        route!(Admin Post "/v1/admin/sign-out" => console_auth::sign_out),
        route!(Admin Get "/v1/admin/settings" => console_settings::get),
        route!(Admin Put "/v1/admin/settings" => console_settings::put),
        route!(Admin Put "/v1/admin/secrets/:name" => console_settings::put_secret),
        route!(Admin Post "/v1/admin/test-connection/:provider" => console_settings::test_connection),
        route!(Admin Get "/v1/admin/redemptions" => admin::list),
        route!(Admin Get "/v1/admin/redemptions.csv" => admin::export),
        route!(Admin Get "/v1/admin/redemptions/attention" => admin::attention),
        route!(Admin Get "/v1/admin/redemptions/:id" => admin::detail),
        route!(Admin Post "/v1/admin/redemptions/:id/reverse" => admin::reverse),
        route!(Admin Get "/v1/admin/audit" => admin::audit_log),
        route!(Operator Post "/v1/operator/merchants" => operator::create_merchant),
        route!(Operator Post "/v1/operator/merchants/:id/invitations" => operator::invite),
        route!(Operator Post "/v1/operator/merchants/:id/secrets/import" => operator::import_secrets),
        route!(Operator Get "/v1/operator/redemptions/attention" => operator::attention),
        route!(Operator Post "/v1/operator/cron" => operator::run_cron),
    ]
}
