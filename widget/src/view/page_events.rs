//! Hearing from the host page, through `CustomEvent`s it dispatches on `document`:
//!
//! - `loyalty-checkout:cart` with `{"amount_minor": 30000}` when its cart total changes: the
//!   widget moves the session to the new total (which voids a pending Mokafaa code on the
//!   edge) and shows what the new total earns with Pongo.
//! - `loyalty-checkout:order-placed` with `{"points_earned": 397}` once the store's server
//!   reported the paid order (the edge's answer carries the points): the member card says
//!   what the order earned.

use crate::api::EdgeClient;
use crate::state::{Action, PongoAction, WidgetState};
use loyalty_shared::{Currency, Money};
use serde::de::DeserializeOwned;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The event the host page dispatches when its cart total changes.
pub const CART_EVENT: &str = "loyalty-checkout:cart";
/// The event the host page dispatches once the order is paid and reported.
pub const ORDER_PLACED_EVENT: &str = "loyalty-checkout:order-placed";

/// An event's `detail`, read as `T` (anything else is ignored).
fn detail<T: DeserializeOwned>(event: &web_sys::Event) -> Option<T> {
    let detail = event.dyn_ref::<web_sys::CustomEvent>()?.detail();
    let json = js_sys::JSON::stringify(&detail).ok()?.as_string()?;
    serde_json::from_str(&json).ok()
}

/// A listener on `document`, removed when dropped.
struct Listener {
    document: web_sys::Document,
    name: &'static str,
    closure: Closure<dyn Fn(web_sys::Event)>,
}

impl Listener {
    fn add(name: &'static str, handler: impl Fn(web_sys::Event) + 'static) -> Option<Listener> {
        let document = web_sys::window()?.document()?;
        let closure = Closure::<dyn Fn(web_sys::Event)>::new(handler);
        document
            .add_event_listener_with_callback(name, closure.as_ref().unchecked_ref())
            .ok()?;
        Some(Listener {
            document,
            name,
            closure,
        })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .document
            .remove_event_listener_with_callback(self.name, self.closure.as_ref().unchecked_ref());
    }
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
        #[derive(serde::Deserialize)]
        struct Cart {
            amount_minor: u64,
        }
        let listener = token.clone().and_then(|token| {
            Listener::add(CART_EVENT, move |event| {
                let Some(amount) = detail::<Cart>(&event)
                    .and_then(|cart| Money::from_minor(cart.amount_minor, currency).ok())
                else {
                    return;
                };
                let (client, dispatch, token) = (client.clone(), dispatch.clone(), token.clone());
                yew::platform::spawn_local(async move {
                    if client.update_cart(&token, amount).await.is_ok() {
                        // A merchant without Pongo answers pongo_not_connected: nothing to show.
                        if let Ok(preview) = client.earn_preview(&token).await {
                            dispatch
                                .dispatch(Action::Pongo(PongoAction::EarnPreviewUpdated(preview)));
                        }
                    }
                });
            })
        });
        move || drop(listener)
    });
}

/// Listens for the host page's word that the order was placed.
#[hook]
pub fn use_order_placed(dispatch: UseReducerDispatcher<WidgetState>) {
    use_effect_with((), move |_| {
        #[derive(serde::Deserialize)]
        struct Placed {
            points_earned: u64,
        }
        let listener = Listener::add(ORDER_PLACED_EVENT, move |event| {
            if let Some(placed) = detail::<Placed>(&event) {
                dispatch.dispatch(Action::Pongo(PongoAction::OrderEarned(
                    placed.points_earned,
                )));
            }
        });
        move || drop(listener)
    });
}
