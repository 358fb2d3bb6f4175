//! Pongo: the wire format, the error mapping and the client (native-testable), then the
//! Worker side: the merchant's sealed connection with its stores and mappings, and the
//! outbox every point-moving call goes through.

pub mod client;
pub(crate) mod connection;
pub mod errors;
pub(crate) mod outbox;
pub mod wire;
