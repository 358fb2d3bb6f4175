//! Hearing from the host page: when its cart total changes it dispatches
//! `loyalty-checkout:cart` on `document` with `{"amount_minor": 30000}` as detail. The
//! widget moves the session to the new total (which voids a pending Mokafaa code on the
//! edge) and shows what the new total earns with Pongo.

use crate::api::EdgeClient;
use crate::state::{Action, WidgetState};
use loyalty_shared::{Currency, Money};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The event the host page dispatches on `document`.
pub const CART_EVENT: &str = "loyalty-checkout:cart";

fn new_total(event: &web_sys::Event, currency: Currency) -> Option<Money> {
    #[derive(serde::Deserialize)]
    struct Detail {
        amount_minor: u64,
    }
    let detail = event.dyn_ref::<web_sys::CustomEvent>()?.detail();
    let json = js_sys::JSON::stringify(&detail).ok()?.as_string()?;
    let detail: Detail = serde_json::from_str(&json).ok()?;
    Money::from_minor(detail.amount_minor, currency).ok()
}

/// Listens for cart changes while a session is open.
#[hook]
pub fn use_cart_changes(
    client: EdgeClient,
    token: Option<String>,
    currency: Currency,
    dispatch: UseReducerDispatcher<WidgetState>,
) {
    use_effect_with(token, move |token| {
        let listener = token.clone().and_then(|token| {
            let document = web_sys::window()?.document()?;
            let closure = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
                let Some(amount) = new_total(&event, currency) else {
                    return;
                };
                let (client, dispatch, token) = (client.clone(), dispatch.clone(), token.clone());
                yew::platform::spawn_local(async move {
                    if client.update_cart(&token, amount).await.is_ok() {
                        // A merchant without Pongo answers pongo_not_connected: nothing to show.
                        if let Ok(preview) = client.earn_preview(&token).await {
                            dispatch.dispatch(Action::EarnPreviewUpdated(preview));
                        }
                    }
                });
            });
            document
                .add_event_listener_with_callback(CART_EVENT, closure.as_ref().unchecked_ref())
                .ok()?;
            Some((document, closure))
        });
        move || {
            if let Some((document, closure)) = listener {
                let _ = document.remove_event_listener_with_callback(
                    CART_EVENT,
                    closure.as_ref().unchecked_ref(),
                );
            }
        }
    });
}
