//! The widget in a real (headless) Chromium: mounted into a shadow root exactly as
//! `embed.js` does, driven through DOM events as a shopper would, against an in-browser
//! fake edge where a test needs answers (see `support`).

mod support;

use serde_json::json;
use support::{edge_calls, error, fake_edge, happy_edge, mount, settle, HeldClock, EDGE, NO_EDGE};
use wasm_bindgen_test::*;
use web_sys::HtmlInputElement;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn first_screen_offers_mobile_and_customer_number() {
    let w = mount(NO_EDGE, "en", "");
    settle().await;
    assert_eq!(
        w.text("[data-screen=mokafaa-identify] h2"),
        "Al Rajhi Bank Mokafaa"
    );
    assert_eq!(w.count("input[name=lc-method]"), 2);
    assert_eq!(
        w.text("label[for=lc-identifier]"),
        "Mobile number registered with Al Rajhi Bank"
    );
    // Both programs are offered as tabs when the host page names none.
    assert_eq!(w.count("[role=tab]"), 2);

    w.click("input[name=lc-method][value=CustomerNumber]").await;
    assert_eq!(
        w.text("label[for=lc-identifier]"),
        "Al Rajhi customer number"
    );
}

#[wasm_bindgen_test]
async fn arabic_locale_is_right_to_left() {
    let w = mount(NO_EDGE, "ar", r#""mokafaa""#);
    settle().await;
    w.assert_attribute(".lc-widget", "dir", Some("rtl"));
    w.assert_attribute(".lc-widget", "lang", Some("ar"));
    assert_eq!(w.text("h2"), "مكافأة مصرف الراجحي");
    // A single program needs no tabs.
    assert_eq!(w.count("[role=tab]"), 0);
}

#[wasm_bindgen_test]
async fn french_is_left_to_right_with_french_labels() {
    let w = mount(NO_EDGE, "fr", "");
    settle().await;
    w.assert_attribute(".lc-widget", "lang", Some("fr"));
    w.assert_attribute(".lc-widget", "dir", Some("ltr"));
    assert_eq!(w.text("h2"), "Mokafaa d’Al Rajhi Bank");
    assert_eq!(
        w.text("label[for=lc-identifier]"),
        "Numéro de mobile enregistré chez Al Rajhi Bank"
    );
    assert_eq!(w.text("#lc-tab-pongo"), "Gagner des points de fidélité");
    assert_eq!(w.text("button.lc-primary"), "Envoyer le code");
    // Its error sentences are French too, and say what to do next.
    w.type_into("#lc-identifier", "0112345678").await;
    w.click("button.lc-primary").await;
    assert_eq!(
        w.text("#lc-identifier-error"),
        "Ce n’est pas un numéro de mobile saoudien. Saisissez-le sous la forme 05XXXXXXXX."
    );
}

#[wasm_bindgen_test]
async fn a_wrong_mobile_is_tied_to_its_field_and_typing_clears_it() {
    let w = mount(NO_EDGE, "en", "");
    settle().await;
    w.type_into("#lc-identifier", "0112345678").await;
    w.click("button.lc-primary").await;
    w.assert_attribute(".lc-error", "data-code", Some("invalid_phone"));
    assert!(w.text(".lc-error").contains("05XXXXXXXX"));
    // The error is the field's description, and the field says it is invalid.
    w.assert_attribute(".lc-error", "id", Some("lc-identifier-error"));
    w.assert_attribute(
        "#lc-identifier",
        "aria-describedby",
        Some("lc-identifier-error"),
    );
    w.assert_attribute("#lc-identifier", "aria-invalid", Some("true"));
    w.type_into("#lc-identifier", "05").await;
    assert!(!w.has(".lc-error"));
    w.assert_attribute("#lc-identifier", "aria-invalid", Some("false"));
    w.assert_attribute("#lc-identifier", "aria-describedby", None);
}

#[wasm_bindgen_test]
async fn pongo_refuses_to_enlist_until_both_optins_are_answered() {
    let w = mount(NO_EDGE, "en", r#""pongo""#);
    settle().await;
    w.type_into("#lc-phone", "0501234567").await;
    w.click("fieldset[data-optin=email] input[value=true]")
        .await;
    w.click("button.lc-primary").await;
    w.assert_attribute(".lc-error", "data-code", Some("optin_required"));
    assert!(w.text(".lc-error").contains("SMS"));
    // Nothing is pre-answered: the SMS question has neither choice checked, and it is the
    // question the error describes.
    let sms_yes: HtmlInputElement = w.find("fieldset[data-optin=sms] input[value=true]");
    let sms_no: HtmlInputElement = w.find("fieldset[data-optin=sms] input[value=false]");
    assert!(!sms_yes.checked() && !sms_no.checked());
    w.assert_attribute("fieldset[data-optin=sms]", "aria-invalid", Some("true"));
    w.assert_attribute(
        "fieldset[data-optin=sms]",
        "aria-describedby",
        Some("lc-optins-error"),
    );
    assert_eq!(
        w.attribute("fieldset[data-optin=email]", "aria-invalid")
            .as_deref(),
        Some("false")
    );
}

#[wasm_bindgen_test]
async fn an_unreachable_edge_is_said_plainly() {
    // The test config points at a closed port, so opening the session fails.
    let w = mount(NO_EDGE, "en", "");
    w.until(".lc-alert").await;
    w.assert_attribute(".lc-alert", "data-code", Some("upstream_unavailable"));
    assert!(w.text(".lc-alert").ends_with("Try again in a moment."));
    w.assert_attribute(".lc-widget", "data-session", Some("false"));
}

#[wasm_bindgen_test]
async fn the_tabs_follow_the_keyboard_pattern() {
    let w = mount(NO_EDGE, "en", "");
    settle().await;
    w.assert_attribute("[role=tablist]", "aria-label", Some("Loyalty programs"));
    w.assert_attribute("#lc-tab-mokafaa", "aria-selected", Some("true"));
    w.assert_attribute("#lc-tab-mokafaa", "tabindex", Some("0"));
    w.assert_attribute("#lc-tab-pongo", "tabindex", Some("-1"));
    w.assert_attribute("#lc-tab-pongo", "aria-controls", Some("lc-panel"));
    w.assert_attribute("[role=tabpanel]", "aria-labelledby", Some("lc-tab-mokafaa"));

    // Right arrow: the next tab is selected, focused, and the only tab stop.
    w.press("#lc-tab-mokafaa", "ArrowRight").await;
    assert_eq!(w.focused().as_deref(), Some("lc-tab-pongo"));
    w.assert_attribute("#lc-tab-pongo", "aria-selected", Some("true"));
    w.assert_attribute("#lc-tab-pongo", "tabindex", Some("0"));
    w.assert_attribute("#lc-tab-mokafaa", "tabindex", Some("-1"));
    assert!(w.has("[role=tabpanel][aria-labelledby=lc-tab-pongo] [data-screen=pongo-enlist]"));
    // Past the last tab it wraps; Home and End go to the ends; other keys do nothing.
    w.press("#lc-tab-pongo", "ArrowRight").await;
    assert_eq!(w.focused().as_deref(), Some("lc-tab-mokafaa"));
    w.press("#lc-tab-mokafaa", "End").await;
    assert_eq!(w.focused().as_deref(), Some("lc-tab-pongo"));
    w.press("#lc-tab-pongo", "Home").await;
    assert_eq!(w.focused().as_deref(), Some("lc-tab-mokafaa"));
    w.press("#lc-tab-mokafaa", "ArrowLeft").await;
    assert_eq!(w.focused().as_deref(), Some("lc-tab-pongo"));
    w.press("#lc-tab-pongo", "a").await;
    w.assert_attribute("#lc-tab-pongo", "aria-selected", Some("true"));
}

#[wasm_bindgen_test]
async fn in_arabic_the_left_arrow_moves_to_the_next_tab() {
    let w = mount(NO_EDGE, "ar", "");
    settle().await;
    w.press("#lc-tab-mokafaa", "ArrowLeft").await;
    assert_eq!(w.focused().as_deref(), Some("lc-tab-pongo"));
    w.assert_attribute("#lc-tab-pongo", "aria-selected", Some("true"));
}

#[wasm_bindgen_test]
async fn focus_moves_to_the_new_screens_heading() {
    fake_edge(&happy_edge(180, 1_000_000, 25_000));
    let w = mount(EDGE, "en", "");
    w.until(".lc-widget[data-session=true]").await;
    // Mounting never takes focus from the host page.
    assert_eq!(w.focused(), None);
    // The shopper sends the code (the click focuses the button): the new screen's heading.
    w.to_verify_screen().await;
    assert_eq!(w.focused().as_deref(), Some("h2"));
    assert_eq!(
        w.attribute("[data-screen=mokafaa-verify] h2", "tabindex")
            .as_deref(),
        Some("-1")
    );
    // Back to the first screen: its heading.
    w.click("[data-action=start-over]").await;
    assert!(w.has("[data-screen=mokafaa-identify]"));
    assert_eq!(w.focused().as_deref(), Some("h2"));
}

#[wasm_bindgen_test]
async fn a_wrong_code_says_the_tries_left_beside_the_code() {
    let mut routes = happy_edge(180, 1_000_000, 25_000);
    let wrong =
        json!({"code": "otp_invalid", "message": "The code is not correct.", "attempts_left": 3});
    routes["POST /v1/mokafaa/redeem"] = json!([error(400, wrong)]);
    fake_edge(&routes);
    let w = mount(EDGE, "en", "");
    w.to_verify_screen().await;
    w.type_into("#lc-otp", "1111").await;
    w.click("button.lc-primary").await;
    w.until("#lc-otp-error").await;
    assert_eq!(
        w.text("#lc-otp-error"),
        "That code is not right. 3 tries left."
    );
    w.assert_attribute("#lc-otp-error", "role", Some("alert"));
    w.assert_attribute("#lc-otp", "aria-invalid", Some("true"));
    w.assert_attribute("#lc-otp", "aria-describedby", Some("lc-otp-error"));
    // The amount field is not blamed for it.
    w.assert_attribute("#lc-amount", "aria-invalid", Some("false"));
    assert!(edge_calls().contains(&"POST /v1/mokafaa/redeem".to_string()));
}

#[wasm_bindgen_test]
async fn the_countdown_is_announced_at_one_minute_and_at_expiry_only() {
    fake_edge(&happy_edge(62, 1_000_000, 25_000));
    let clock = HeldClock::hold();
    let w = mount(EDGE, "en", "");
    w.to_verify_screen().await;
    let notice = "#lc-countdown-notice";
    w.assert_attribute(notice, "aria-live", Some("polite"));
    let mut heard = vec![w.text(notice)];
    for _ in 0..62 {
        clock.pass(1).await;
        let now = w.text(notice);
        if heard.last() != Some(&now) {
            heard.push(now);
        }
    }
    drop(clock);
    w.assert_attribute(".lc-countdown", "data-seconds", Some("0"));
    assert_eq!(
        heard,
        [
            "",
            "The code expires in 1 minute.",
            "The code has expired. Press “Resend code” for a new one."
        ]
    );
    // The visible countdown is not a live region: it would speak every second.
    w.assert_attribute(".lc-countdown", "aria-live", None);
    w.assert_attribute(".lc-countdown", "role", None);
}

#[wasm_bindgen_test]
async fn use_maximum_fills_the_cap_and_the_points_follow() {
    // 50,000 points are worth 200.00 SAR: the balance is the cap.
    fake_edge(&happy_edge(180, 50_000, 20_000));
    let w = mount(EDGE, "en", "");
    w.to_verify_screen().await;
    assert_eq!(
        w.text("#lc-amount-cap"),
        "Up to 200.00\u{a0}SAR: your points balance"
    );
    w.type_into("#lc-amount", "10").await;
    assert_eq!(w.text("#lc-amount-cost"), "This uses 2,500 points.");
    w.click("[data-action=use-max]").await;
    let amount: HtmlInputElement = w.find("#lc-amount");
    assert_eq!(amount.value(), "200.00");
    assert_eq!(w.text("#lc-amount-cost"), "This uses 50,000 points.");
    let described = w.attribute("#lc-amount", "aria-describedby");
    assert_eq!(described.as_deref(), Some("lc-amount-cap lc-amount-cost"));
    // The cap is also what the over-limit sentence offers.
    w.type_into("#lc-amount", "٣٠٠").await;
    w.type_into("#lc-otp", "1234").await;
    w.click("button.lc-primary").await;
    assert_eq!(
        w.text("#lc-amount-error"),
        "That is more than this order can take in points. Enter 200.00\u{a0}SAR or less, or press “Use maximum”."
    );
}

#[wasm_bindgen_test]
async fn no_element_carries_a_style_attribute() {
    let mut routes = happy_edge(180, 1_000_000, 25_000);
    routes["POST /v1/mokafaa/redeem"] =
        json!([error(400, json!({"code": "otp_invalid", "message": "x"}))]);
    fake_edge(&routes);
    let w = mount(EDGE, "en", "");
    let mut screens = 0;
    let mut check = || {
        assert_eq!(
            w.count("[style]"),
            0,
            "a style attribute on screen {screens}"
        );
        screens += 1;
    };
    check();
    w.to_verify_screen().await;
    check();
    w.type_into("#lc-otp", "1111").await;
    w.click("button.lc-primary").await;
    w.until(".lc-error").await;
    check();
    w.click("#lc-tab-pongo").await;
    w.click("button.lc-primary").await;
    check();
}

/// The targets (buttons, inputs, tabs) smaller than 24 x 24 CSS px, and whether the widget
/// is wider than its box.
fn small_targets_and_overflow(w: &support::Widget) -> (Vec<String>, bool) {
    let measure = "const small = [...a.querySelectorAll('button, input, [role=tab]')]
            .filter(e => { const r = e.getBoundingClientRect(); return r.width < 24 || r.height < 24; })
            .map(e => e.outerHTML.slice(0, 80));
        const box = a.querySelector('.lc-widget');
        return JSON.stringify([small, box.scrollWidth > box.clientWidth]);";
    let measured = support::js(measure, &[&w.root]).as_string().unwrap();
    serde_json::from_str(&measured).unwrap()
}

#[wasm_bindgen_test]
async fn at_320_px_nothing_overflows_and_every_target_is_at_least_24_px() {
    fake_edge(&happy_edge(180, 1_000_000, 25_000));
    // French has the longest labels; the store's page gives the widget 320 px.
    let w = mount(EDGE, "fr", "");
    w.host
        .set_attribute("style", "display: block; width: 320px")
        .unwrap();
    w.until(".lc-widget[data-session=true]").await;
    assert_eq!(small_targets_and_overflow(&w), (vec![], false), "identify");
    w.to_verify_screen().await;
    assert_eq!(small_targets_and_overflow(&w), (vec![], false), "verify");
    w.click("#lc-tab-pongo").await;
    assert_eq!(small_targets_and_overflow(&w), (vec![], false), "pongo");
}

#[wasm_bindgen_test]
async fn arabic_counts_and_amounts_in_its_own_words() {
    let mut routes = happy_edge(180, 50_000, 20_000);
    let wrong = json!({"code": "otp_invalid", "message": "x", "attempts_left": 2});
    routes["POST /v1/mokafaa/redeem"] = json!([error(400, wrong)]);
    fake_edge(&routes);
    let w = mount(EDGE, "ar", "");
    w.to_verify_screen().await;
    assert_eq!(w.text("#lc-amount-cap"), "حتى 200.00\u{a0}ر.س: رصيد نقاطك");
    assert_eq!(w.text("#lc-amount-cost"), "يستخدم هذا 50,000 نقطة.");
    w.type_into("#lc-otp", "١١١١").await;
    w.click("button.lc-primary").await;
    w.until("#lc-otp-error").await;
    assert_eq!(w.text("#lc-otp-error"), "الرمز غير صحيح. بقيت محاولتان.");
}

#[wasm_bindgen_test]
async fn a_members_card_takes_focus_when_it_opens() {
    fake_edge(&support::joining_edge(false));
    let w = mount(EDGE, "en", r#""pongo""#);
    w.until(".lc-widget[data-session=true]").await;
    w.join_pongo().await;
    let focused = support::js(
        "return a.activeElement && a.activeElement.textContent",
        &[&w.root],
    );
    assert_eq!(
        focused.as_string().as_deref(),
        Some("Welcome back! 9665••••4567")
    );
    w.assert_attribute(".lc-member", "part", Some("member-card"));
}

#[wasm_bindgen_test]
async fn before_joining_the_pongo_tab_says_what_the_order_earns() {
    let mut routes = happy_edge(180, 1_000_000, 25_000);
    let preview = json!({"amount": {"minor": 26500, "currency": "SAR"}, "points": 397});
    let preview = support::checked::<loyalty_shared::api::EarnPreview>(&preview);
    routes["GET /v1/pongo/earn-preview"] = json!([support::answer(200, preview)]);
    fake_edge(&routes);
    let w = mount(EDGE, "en", r#""pongo""#);
    w.until(".lc-widget[data-session=true]").await;
    // The store's page says its cart total changed.
    let cart = "document.dispatchEvent(new CustomEvent('loyalty-checkout:cart', { detail: { amount_minor: 26500 } }))";
    support::js(cart, &[]);
    w.until("[data-earn-preview]").await;
    assert_eq!(
        w.text("[data-earn-preview]"),
        "Join and earn 397 points on this order."
    );
}

#[wasm_bindgen_test]
async fn a_redemption_found_again_after_a_reload_does_not_take_focus() {
    let mut routes = happy_edge(180, 1_000_000, 25_000);
    let extra = json!({ "redemption": support::redemption("redeemed") });
    let session = support::session("token-1", &["mokafaa", "pongo"], extra);
    routes["GET /v1/sessions/current"] = json!([support::answer(200, session)]);
    fake_edge(&routes);
    let cart = support::new_cart();
    let first = support::mount_cart(EDGE, "en", "", &cart);
    first.until(".lc-widget[data-session=true]").await;
    // The shopper is typing in the store's own form when the page comes back.
    let field = "const i = document.createElement('input'); i.id = 'store-field';
        document.body.appendChild(i); i.focus();";
    support::js(field, &[]);
    let reloaded = support::mount_cart(EDGE, "en", "", &cart);
    reloaded.until("[data-screen=mokafaa-redeemed]").await;
    settle().await;
    assert_eq!(reloaded.focused(), None);
    let focused = support::js("return document.activeElement.id", &[]);
    assert_eq!(focused.as_string().as_deref(), Some("store-field"));
    assert!(reloaded.text(".lc-success").contains("12,500"));
}
