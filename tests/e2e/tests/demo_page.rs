//! The demo storefront in a real headless Chromium: the one script tag mounts the widget
//! into a Shadow DOM, isolated from the store's CSS, and its first screen works.

use loyalty_e2e::{edge_url, Browser};
use serde_json::Value;
use std::time::Duration;

const SHADOW: &str = "document.querySelector('[data-loyalty-checkout]') && document.querySelector('[data-loyalty-checkout]').shadowRoot";

#[tokio::test]
async fn demo_checkout_mounts_the_widget_from_the_script_tag() {
    let browser = Browser::start().await;
    browser
        .client
        .goto(&format!("{}/demo/", edge_url()))
        .await
        .unwrap();
    let title = browser
        .wait_for(
            "the widget's first screen in the shadow root",
            &format!("const r = {SHADOW}; const h = r && r.querySelector('[data-screen=mokafaa-identify] h2'); return h ? h.textContent : null;"),
            Duration::from_secs(20),
        )
        .await;
    assert_eq!(title, Value::from("Al Rajhi Bank Mokafaa"));

    // Both ways of verifying are offered, and the widget is not visible to document queries.
    let methods = browser
        .client
        .execute(
            &format!("return {SHADOW}.querySelectorAll('input[name=lc-method]').length"),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(methods, Value::from(2));
    let leaked = browser
        .client
        .execute(
            "return document.querySelector('[data-screen]') === null",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(leaked, Value::Bool(true));

    // The store styles every button hot pink; the widget's button must not inherit that.
    let background = browser
        .client
        .execute(&format!("return getComputedStyle({SHADOW}.querySelector('button.lc-primary')).backgroundColor"), vec![])
        .await
        .unwrap();
    assert_eq!(background, Value::from("rgb(10, 92, 54)"));
    browser.close().await;
}

#[tokio::test]
async fn a_mistyped_mobile_is_refused_in_the_page_before_any_request() {
    let browser = Browser::start().await;
    browser
        .client
        .goto(&format!("{}/demo/", edge_url()))
        .await
        .unwrap();
    browser
        .wait_for(
            "the identifier input",
            &format!(
                "const r = {SHADOW}; return r && r.querySelector('#lc-identifier') ? true : null;"
            ),
            Duration::from_secs(20),
        )
        .await;
    browser
        .client
        .execute(
            &format!(
                "const r = {SHADOW}; const i = r.querySelector('#lc-identifier');
                 i.value = '0412'; i.dispatchEvent(new InputEvent('input', {{bubbles: true}}));
                 setTimeout(() => r.querySelector('button.lc-primary').click(), 50); return true;"
            ),
            vec![],
        )
        .await
        .unwrap();
    let code = browser
        .wait_for(
            "the inline error",
            &format!(
                "const e = {SHADOW}.querySelector('.lc-error'); return e ? e.dataset.code : null;"
            ),
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(code, Value::from("invalid_phone"));
    browser.close().await;
}
