//! The host page, both ways, through DOM `CustomEvent`s.
//!
//! Out: on the widget's host element, bubbling and composed so they leave the Shadow DOM,
//! with the redemption as `detail` (its edge-signed receipt is what the store's server
//! verifies):
//! - `loyalty-checkout:redeemed` once points paid part of the order;
//! - `loyalty-checkout:reversed` once the shopper's undo gave them back.
//!
//! In: dispatched by the host page on `document`:
//! - `loyalty-checkout:cart` with `{"amount_minor": 30000}` (and `"cart"` to name one widget
//!   of several) when its cart total changes: the
//!   widget moves the session to the new total (which voids a pending Mokafaa code on the
//!   edge) and shows what the new total earns with Pongo.
//! - `loyalty-checkout:order-placed` with `{"points_earned": 397}` once the store's server
//!   reported the paid order (the edge's answer carries the points): the member card says
//!   what the order earned.

use loyalty_shared::api::Redemption;
use loyalty_shared::{Currency, Money};
use serde::de::DeserializeOwned;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CustomEvent, CustomEventInit};
use yew::prelude::*;

/// Told to the host page when points paid part of the order.
pub const REDEEMED_EVENT: &str = "loyalty-checkout:redeemed";
/// Told to the host page when the shopper's undo gave the points back.
pub const REVERSED_EVENT: &str = "loyalty-checkout:reversed";
/// The event the host page dispatches when its cart total changes.
pub const CART_EVENT: &str = "loyalty-checkout:cart";
/// The event the host page dispatches once the order is paid and reported.
pub const ORDER_PLACED_EVENT: &str = "loyalty-checkout:order-placed";

/// Tells the host page about `redemption` with the event `name` (nothing without a host).
pub fn announce(host: Option<&web_sys::Element>, name: &str, redemption: &Redemption) {
    let Some(host) = host else { return };
    let Some(detail) = crate::wire::to_js(redemption) else {
        return;
    };
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = host.dispatch_event(&event);
    }
}

/// Listens for cart changes while a session is open: `on_total` gets the session token and
/// the new total. An event naming another cart (`cart`, as `LoyaltyCheckout.update` sends
/// it for one widget of several) is not this widget's.
#[hook]
pub fn use_cart_changes(
    session: Option<String>,
    cart_id: String,
    currency: Currency,
    on_total: Callback<(String, Money)>,
) {
    #[derive(serde::Deserialize)]
    struct Cart {
        amount_minor: u64,
        #[serde(default)]
        cart: Option<String>,
    }
    use_effect_with(session, move |session| {
        let listener = session.clone().and_then(|token| {
            listen(CART_EVENT, move |change: Cart| {
                if change.cart.as_ref().is_some_and(|c| *c != cart_id) {
                    return;
                }
                if let Ok(amount) = Money::from_minor(change.amount_minor, currency) {
                    on_total.emit((token.clone(), amount));
                }
            })
        });
        move || drop(listener)
    });
}

/// Listens for the host page's word that the order was placed: `on_points` gets the points
/// it earned.
#[hook]
pub fn use_order_placed(on_points: Callback<u64>) {
    #[derive(serde::Deserialize)]
    struct Placed {
        points_earned: u64,
    }
    use_effect_with((), move |_| {
        let listener = listen(ORDER_PLACED_EVENT, move |placed: Placed| {
            on_points.emit(placed.points_earned)
        });
        move || drop(listener)
    });
}

/// Calls `handler` with the `detail` of each `name` event on `document` that reads as `T`
/// (anything else is ignored), until the returned listener is dropped.
fn listen<T: DeserializeOwned>(
    name: &'static str,
    handler: impl Fn(T) + 'static,
) -> Option<Listener> {
    let document = web_sys::window()?.document()?;
    let closure = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
        if let Some(detail) = detail(&event) {
            handler(detail);
        }
    });
    document
        .add_event_listener_with_callback(name, closure.as_ref().unchecked_ref())
        .ok()?;
    Some(Listener {
        document,
        name,
        closure,
    })
}

/// An event's `detail`, read as `T`.
fn detail<T: DeserializeOwned>(event: &web_sys::Event) -> Option<T> {
    crate::wire::from_js(event.dyn_ref::<CustomEvent>()?.detail())
}

/// A listener on `document`, removed when dropped.
struct Listener {
    document: web_sys::Document,
    name: &'static str,
    closure: Closure<dyn Fn(web_sys::Event)>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .document
            .remove_event_listener_with_callback(self.name, self.closure.as_ref().unchecked_ref());
    }
}
