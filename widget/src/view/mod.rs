//! Yew views: thin renderers of [`crate::state::WidgetState`]. They word their labels in the
//! language of the [`crate::context::WidgetContext`], hand what the shopper does to the
//! callbacks they are given, and never call the network.

mod common;
mod frame;
mod mokafaa;
mod pongo;

pub use frame::Frame;
pub use mokafaa::MokafaaView;
pub use pongo::PongoView;

use crate::effects::Effect;
use yew::{Callback, Properties};

/// What a program's view is given: its form, and where what the shopper does goes.
#[derive(Properties, PartialEq)]
pub struct ProgramProps<Form: PartialEq, A: PartialEq> {
    pub form: Form,
    /// What the shopper typed, chose or answered: a change of the form alone.
    pub on_change: Callback<A>,
    /// What the shopper asked of the edge.
    pub on_effect: Callback<Effect>,
}
