//! Al Rajhi Bank Mokafaa: the wire format, the error mapping and the client.

pub mod client;
pub mod errors;
pub mod wire;
