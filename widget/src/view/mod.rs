//! Yew views: thin renderers of [`crate::state::WidgetState`]. They word their labels in the
//! language and with the digits of the [`crate::context::WidgetContext`], hand what the shopper does
//! to the callbacks they are given, and never call the network. Markup carries no `style`
//! attribute (a strict CSP forbids them): every look is in `style.css`, reached through
//! classes and `part` names.

mod amount;
mod common;
mod countdown;
mod focus;
mod frame;
mod mokafaa;
mod pongo;
mod tabs;

pub use common::use_lang;
pub use countdown::NOTICE_ID;
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

#[cfg(test)]
mod theme_tests;
