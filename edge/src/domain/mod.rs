//! The edge's functional core (the domain): plain Rust with no I/O, tested natively. The Worker shell
//! loads rows, calls these, and stores what they decide.

pub mod challenge;
pub mod ledger;
pub mod limits;
pub mod notice;
pub mod pongo_delivery;
pub mod pongo_orders;
pub mod pongo_plan;
pub mod rate_limit;
pub mod reconcile;
pub mod retry;
pub mod settings;
