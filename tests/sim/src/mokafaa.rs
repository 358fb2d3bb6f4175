//! Al Rajhi Mokafaa simulator (being built: see the Mokafaa section of `providers/mokafaa.md`).

use crate::Sim;
use axum::Router;

#[derive(Debug, Default)]
pub struct Bank {}

impl Bank {
    pub fn seeded() -> Bank {
        Bank::default()
    }
}

pub fn router() -> Router<Sim> {
    Router::new()
}

pub fn console() -> Router<Sim> {
    Router::new()
}
