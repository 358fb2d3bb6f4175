//! Al Rajhi Bank Mokafaa simulator, following `docs/providers/mokafaa.md`: the token call, the
//! four scoped calls, the labelled balance extension, every documented error code, and a
//! console to read texted OTPs and the bank's books.
//!
//! [`model`] is the bank's books and rules with no HTTP (its [I] choices are the constants
//! and [`Config`] there); `http` is the bank's API over them; `console` holds
//! the `/__sim/mokafaa/...` handlers (routed with the whole console in [`crate::console`]).

pub(crate) mod console;
mod http;
pub mod model;

pub use http::router;
pub use model::*;
