//! Focus follows the shopper from screen to screen: when a program's screen changes (the
//! code was sent, the points were used, a member's card opened), focus moves to the new
//! screen's heading or first field, so keyboard and screen reader users land on what
//! appeared. Nothing is focused when a view first mounts: the widget never steals focus
//! from the host page.

use web_sys::HtmlElement;
use yew::prelude::*;

/// A `NodeRef` to put on the element to focus; it is focused after each render in which
/// `screen` differs from the one before (never on the first).
#[hook]
pub fn use_focus_on_change<K: PartialEq + Clone + 'static>(screen: K) -> NodeRef {
    let node = use_node_ref();
    let mounted = use_mut_ref(|| false);
    {
        let node = node.clone();
        use_effect_with(screen, move |_| {
            let was_mounted = std::mem::replace(&mut *mounted.borrow_mut(), true);
            if was_mounted {
                if let Some(element) = node.cast::<HtmlElement>() {
                    let _ = element.focus();
                }
            }
        });
    }
    node
}
