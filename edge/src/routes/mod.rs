//! One module per group of routes.

pub mod health;
pub mod mokafaa;
pub mod sessions;

/// The D1 binding name in `wrangler.toml`.
pub const DB_BINDING: &str = "DB";
