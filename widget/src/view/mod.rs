//! Yew views: thin renderers of [`crate::state::WidgetState`].

pub mod app;
mod host_events;
mod mokafaa;
mod page_events;
mod pongo;
