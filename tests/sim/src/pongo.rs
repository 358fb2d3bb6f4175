//! Pongo simulator (being built: see `providers/pongo.md`).

use crate::Sim;
use axum::Router;

#[derive(Debug, Default)]
pub struct Pongo {}

impl Pongo {
    pub fn seeded() -> Pongo {
        Pongo::default()
    }
}

pub fn router() -> Router<Sim> {
    Router::new()
}

pub fn console() -> Router<Sim> {
    Router::new()
}
