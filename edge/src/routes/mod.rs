//! One module per group of routes.

pub mod health;
