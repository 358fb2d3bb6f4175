//! The shared wire types to and from JS, in place of serde-wasm-bindgen: bodies and event
//! details are written as JSON text (`fetch` sends text; `JSON.parse` makes a detail), and
//! answers are read from the JS values `Response.json()` and events give.
//!
//! Both halves take only the shapes the wire types have and keep no error text, so no float
//! printing or message formatting is compiled into the widget.

mod read;
mod write;

pub use read::{from_js, Unreadable};
pub use write::{to_json, Unwritable};

/// A shared type as a JS value, as `JSON.parse` makes it of its JSON.
pub fn to_js<T: serde::Serialize>(value: &T) -> Option<wasm_bindgen::JsValue> {
    js_sys::JSON::parse(&to_json(value)?).ok()
}

#[cfg(test)]
mod tests;
