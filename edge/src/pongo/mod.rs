//! Pongo: the wire format, the error mapping and the client. The routes that use it (connect,
//! enlist, orders after payment) build on these.

pub mod client;
pub mod errors;
pub mod wire;
