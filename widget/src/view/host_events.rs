//! Telling the host page what happened: a DOM `CustomEvent` on the widget's host element
//! that bubbles out of the Shadow DOM, with the redemption (including the edge-signed
//! receipt the store's server verifies) as its detail.

use loyalty_shared::api::Redemption;
use web_sys::{CustomEvent, CustomEventInit};

pub fn announce(host: Option<&web_sys::Element>, name: &str, redemption: &Redemption) {
    let Some(host) = host else { return };
    let Ok(json) = serde_json::to_string(redemption) else {
        return;
    };
    let Ok(detail) = js_sys::JSON::parse(&json) else {
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
