//! `loyalty-shared`: the one contract between the widget, the edge and the tests.
//!
//! Pure Rust, no I/O, compiling for native and wasm32: wire types, error codes, money in
//! minor units, phone/IBAN/CIC validation, points math and request signatures. Anything
//! both ends must agree on lives here exactly once.

pub mod api;
pub mod bank_account;
pub mod digits;
pub mod error;
pub mod locale;
mod mask;
pub mod money;
pub mod otp;
pub mod phone;
pub mod points;
pub mod signature;
pub mod utc;

pub use bank_account::{AccountError, CustomerNumber, SaudiIban};
pub use error::{ApiError, ErrorBody, ErrorCode};
pub use locale::Locale;
pub use money::{Currency, Money, MoneyError};
pub use otp::Otp;
pub use phone::{InternationalPhone, PhoneError, SaudiMobile};
pub use points::{EarnRate, MokafaaRate, PartnerParameters, PointsError};
pub use utc::UtcDateTime;

/// The product version, reported by `/v1/health` and the widget.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
