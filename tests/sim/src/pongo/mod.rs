//! Pongo loyalty API simulator, following `docs/providers/pongo.md`: OAuth form, code
//! exchange and scopes; stores; customers keyed by phone with both opt-ins; orders (202 on a
//! repeated `order_id`, points from `partnerParameters`); checkins with the delay rule;
//! rewards; signed webhooks; Laravel-style 422 errors.
//!
//! [`model`] is the account with no HTTP (its [I] field names and paths are the constants
//! there); `http` is Pongo's API over it; `console` holds the `/__sim/pongo/...` handlers (routed
//! with the whole console in [`crate::console`]).

pub(crate) mod console;
mod http;
pub mod model;

pub use http::{router, Approval};
pub use model::Pongo;
