//! What the views and effects need from above without every parent handing it down: the
//! edge client, the shopper's language, the session (and what the merchant accepts in it)
//! the digits the store asked for and the host element, in one Yew context that [`crate::app::App`] provides.

use crate::api::EdgeClient;
use crate::i18n::Digits;
use loyalty_shared::Locale;
use yew::prelude::*;

#[derive(Debug, Clone, PartialEq)]
pub struct WidgetContext {
    pub client: EdgeClient,
    pub locale: Locale,
    /// The digits the store wants numbers written with (Arabic-Indic in Arabic, if asked).
    pub digits: Digits,
    /// The session token once the edge granted one: every shopper request needs it.
    pub session: Option<String>,
    /// The ways to verify for Mokafaa the merchant offers, in order (the session says so).
    pub methods: Vec<crate::state::mokafaa::Method>,
    /// The element hosting the shadow root: where events for the host page are dispatched.
    pub host: Option<web_sys::Element>,
}

/// The context App provides. Views render only inside it, so its absence is a bug.
#[hook]
pub fn use_widget() -> WidgetContext {
    use_context::<WidgetContext>().expect("views render inside App's ContextProvider")
}

/// The shopper's language, for a view to word its labels.
#[hook]
pub fn use_locale() -> Locale {
    use_widget().locale
}
