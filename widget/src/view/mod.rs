//! Yew views: thin renderers of [`crate::state::WidgetState`].

pub mod app;
mod mokafaa;
mod pongo;
