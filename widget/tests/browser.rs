//! The widget in a real (headless) Chromium: mounted into a shadow root exactly as
//! `embed.js` does, driven through DOM events as a shopper would.

use loyalty_shared::api::WidgetConfig;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

wasm_bindgen_test_configure!(run_in_browser);

fn mount(locale: &str, programs: &str) -> ShadowRoot {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let shadow = host
        .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
        .unwrap();
    let config = format!(
        r#"{{"api_base":"http://127.0.0.1:9","merchant_id":"demo","cart_id":"c1","amount":{{"minor":25000,"currency":"SAR"}},"locale":"{locale}","programs":[{programs}]}}"#
    );
    // The config must be a valid WidgetConfig: the same type embed.js's JSON is read into.
    serde_json::from_str::<WidgetConfig>(&config).unwrap();
    loyalty_widget::mount(shadow.clone(), &config).unwrap();
    shadow
}

async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(30)).await;
}

fn find<T: JsCast>(root: &ShadowRoot, selector: &str) -> T {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element for {selector}"))
        .dyn_into::<T>()
        .unwrap_or_else(|_| panic!("{selector} has another type"))
}

fn text(root: &ShadowRoot, selector: &str) -> String {
    find::<HtmlElement>(root, selector)
        .text_content()
        .unwrap_or_default()
}

/// An attribute of the element at `selector`.
fn attribute(root: &ShadowRoot, selector: &str, name: &str) -> Option<String> {
    find::<HtmlElement>(root, selector).get_attribute(name)
}

/// Clicks the element at `selector`, as a shopper would, and lets the widget re-render.
async fn click(root: &ShadowRoot, selector: &str) {
    find::<HtmlElement>(root, selector).click();
    settle().await;
}

fn type_into(root: &ShadowRoot, selector: &str, value: &str) {
    let input: HtmlInputElement = find(root, selector);
    input.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn first_screen_offers_mobile_and_customer_number() {
    let root = mount("en", "");
    settle().await;
    assert_eq!(
        text(&root, "[data-screen=mokafaa-identify] h2"),
        "Al Rajhi Bank Mokafaa"
    );
    assert_eq!(
        root.query_selector_all("input[name=lc-method]")
            .unwrap()
            .length(),
        2
    );
    assert_eq!(
        text(&root, "label[for=lc-identifier]"),
        "Mobile number registered with Al Rajhi Bank"
    );
    // Both programs are offered as tabs when the host page names none.
    assert_eq!(root.query_selector_all("[role=tab]").unwrap().length(), 2);

    click(&root, "input[name=lc-method][value=CustomerNumber]").await;
    assert_eq!(
        text(&root, "label[for=lc-identifier]"),
        "Al Rajhi customer number"
    );
}

#[wasm_bindgen_test]
async fn arabic_locale_is_right_to_left() {
    let root = mount("ar", r#""mokafaa""#);
    settle().await;
    assert_eq!(
        attribute(&root, ".lc-widget", "dir").as_deref(),
        Some("rtl")
    );
    assert_eq!(text(&root, "h2"), "مكافأة مصرف الراجحي");
    // A single program needs no tabs.
    assert_eq!(root.query_selector_all("[role=tab]").unwrap().length(), 0);
}

#[wasm_bindgen_test]
async fn a_wrong_mobile_shows_the_error_and_typing_clears_it() {
    let root = mount("en", "");
    settle().await;
    type_into(&root, "#lc-identifier", "0112345678");
    settle().await;
    click(&root, "button.lc-primary").await;
    let code = attribute(&root, ".lc-error", "data-code");
    assert_eq!(code.as_deref(), Some("invalid_phone"));
    assert!(text(&root, ".lc-error").contains("05XXXXXXXX"));
    type_into(&root, "#lc-identifier", "05");
    settle().await;
    assert!(root.query_selector(".lc-error").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn pongo_refuses_to_enlist_until_both_optins_are_answered() {
    let root = mount("en", r#""pongo""#);
    settle().await;
    type_into(&root, "#lc-phone", "0501234567");
    click(&root, "fieldset[data-optin=email] input[value=true]").await;
    click(&root, "button.lc-primary").await;
    let code = attribute(&root, ".lc-error", "data-code");
    assert_eq!(code.as_deref(), Some("optin_required"));
    // Nothing is pre-answered: the SMS question has neither choice checked.
    let sms_yes: HtmlInputElement = find(&root, "fieldset[data-optin=sms] input[value=true]");
    let sms_no: HtmlInputElement = find(&root, "fieldset[data-optin=sms] input[value=false]");
    assert!(!sms_yes.checked() && !sms_no.checked());
}

#[wasm_bindgen_test]
async fn an_unreachable_edge_is_said_plainly() {
    // The test config points at a closed port, so opening the session fails.
    let root = mount("en", "");
    for _ in 0..100 {
        if root.query_selector(".lc-alert").unwrap().is_some() {
            break;
        }
        settle().await;
    }
    let code = attribute(&root, ".lc-alert", "data-code");
    assert_eq!(code.as_deref(), Some("upstream_unavailable"));
    let session = attribute(&root, ".lc-widget", "data-session");
    assert_eq!(session.as_deref(), Some("false"));
}
