//! Yew views: thin renderers of [`crate::state::WidgetState`].

pub mod app;
mod cart_events;
mod host_events;
mod mokafaa;
mod pongo;
