//! Focus follows the shopper from screen to screen: when a program's screen changes (the
//! code was sent, the points were used, a member's card opened), focus moves to the new
//! screen's heading or first field, so keyboard and screen reader users land on what
//! appeared. Only while the shopper is in the widget: focus is inside it, or was and then
//! went nowhere (a button that turns busy loses it). A screen that changes on its own, such
//! as a redemption found again after a reload, never takes focus from the host page.

use crate::context::use_widget;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, FocusEvent, HtmlElement};
use yew::prelude::*;

/// A `NodeRef` to put on the element to focus; it is focused after a render in which
/// `screen` differs from the render before, if the shopper is in the widget.
#[hook]
pub fn use_focus_on_change<K: PartialEq + 'static>(screen: K) -> NodeRef {
    let node = use_node_ref();
    let host = use_widget().host;
    let present = use_shopper_present(host.clone());
    let last = use_mut_ref(|| None::<K>);
    {
        let node = node.clone();
        use_effect(move || {
            let changed = last
                .borrow()
                .as_ref()
                .is_some_and(|before| *before != screen);
            let focused = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element());
            // Inside the shadow root, the document sees the host focused.
            let inside = focused.is_some() && focused == host;
            let nowhere = focused.is_none_or(|f| f.tag_name().eq_ignore_ascii_case("body"));
            if changed && (inside || (present.get() && nowhere)) {
                if let Some(element) = node.cast::<HtmlElement>() {
                    let _ = element.focus();
                }
            }
            *last.borrow_mut() = Some(screen);
        });
    }
    node
}

/// Whether the document's focus is in the widget (the document sees its host focused).
fn focus_is_inside(host: Option<&Element>) -> bool {
    let focused = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    host.is_some_and(|host| focused.as_ref() == Some(host))
}

/// Whether the shopper is in the widget: focus came into it, and has not gone to another
/// element of the page since (focus lost to nothing keeps them in).
#[hook]
fn use_shopper_present(host: Option<Element>) -> Rc<Cell<bool>> {
    // A screen drawn while focus is already inside (after a tab switch) starts present:
    // its `focusin` happened before it existed.
    let present = {
        let host = host.clone();
        use_ref(move || Cell::new(focus_is_inside(host.as_ref())))
    };
    {
        let present = present.clone();
        use_effect_with(host, move |host| {
            let listeners = host.clone().map(|host| {
                let came = {
                    let present = present.clone();
                    Closure::<dyn Fn(FocusEvent)>::new(move |_| present.set(true))
                };
                let went = {
                    let host = host.clone();
                    Closure::<dyn Fn(FocusEvent)>::new(move |e: FocusEvent| {
                        let to = e
                            .related_target()
                            .and_then(|t| t.dyn_into::<Element>().ok());
                        if to.is_some_and(|to| to != host) {
                            present.set(false);
                        }
                    })
                };
                let _ =
                    host.add_event_listener_with_callback("focusin", came.as_ref().unchecked_ref());
                let _ = host
                    .add_event_listener_with_callback("focusout", went.as_ref().unchecked_ref());
                (host, came, went)
            });
            move || {
                if let Some((host, came, went)) = listeners {
                    let _ = host.remove_event_listener_with_callback(
                        "focusin",
                        came.as_ref().unchecked_ref(),
                    );
                    let _ = host.remove_event_listener_with_callback(
                        "focusout",
                        went.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    present
}
