//! Al Rajhi Bank Mokafaa simulator, following `docs/providers/mokafaa.md`: the token call, the
//! four scoped calls, the labelled balance extension, every documented error code, and a
//! console to read texted OTPs and the bank's books.
//!
//! [`model`] is the bank's books and rules with no HTTP (its [I] choices are the constants
//! and [`Config`] there); `http` is the bank's API over them; `console` is
//! `/__sim/mokafaa`.

mod console;
mod http;
pub mod model;

pub use console::router as console;
pub use http::router;
pub use model::*;
