//! What a shopper with a screen reader, a keyboard or a small phone meets. axe-core (the
//! npm package) finds no WCAG 2.2 AA violation inside the widget's Shadow DOM on any
//! screen, in each language and preset, and every screen is photographed at 320 and 1280
//! CSS px under `target/e2e/` for a person to look at.

use loyalty_e2e::page::Page;
use loyalty_e2e::{new_shopper, sim};
use serde_json::Value;

/// The rules axe checks: WCAG 2.0, 2.1 and 2.2, levels A and AA.
const TAGS: &str = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']";

fn axe_source() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e} (npm ci)", path.display()))
}

/// axe's violations in the widget's shadow root, one line each (rule: elements).
async fn violations(page: &Page) -> Vec<String> {
    let loaded = page
        .run_in_page("return typeof window.axe !== 'undefined'")
        .await;
    if loaded != Value::Bool(true) {
        page.run_in_page(&format!("{}\nreturn true;", axe_source()))
            .await;
    }
    let script = format!(
        "const done = arguments[arguments.length - 1];
         const host = document.querySelector('[data-loyalty-checkout]');
         axe.run(host, {{ runOnly: {{ type: 'tag', values: {TAGS} }} }})
           .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => JSON.stringify(n.target)).join(', '))))
           .catch(e => done(['axe failed: ' + e]));"
    );
    let found = page
        .browser
        .client
        .execute_async(&script, vec![])
        .await
        .unwrap();
    serde_json::from_value(found).unwrap()
}

/// Checks the screen with axe and photographs it at both widths.
async fn look_at(page: &Page, name: &str) {
    let found = violations(page).await;
    assert!(found.is_empty(), "{name}: {found:#?}");
    for width in [320, 1280] {
        page.browser
            .screenshot_at(&format!("{name}-{width}"), width, 1100)
            .await;
    }
}

/// Every screen of the Mokafaa journey and the Pongo form, in `locale` and `theme`.
async fn every_screen(locale: &str, theme: &str) {
    let page = Page::pongo_checkout(&format!("/demo/csp.html?locale={locale}&theme={theme}")).await;
    let name = |screen: &str| format!("widget-{screen}-{locale}-{theme}");
    page.wait()
        .shown("the first screen", "[data-screen=mokafaa-identify]")
        .await;
    look_at(&page, &name("identify")).await;
    page.run("r.querySelectorAll('[role=tab]')[1].click(); return true;")
        .await;
    page.wait()
        .shown("the enlist form", "[data-screen=pongo-enlist]")
        .await;
    look_at(&page, &name("pongo-enlist")).await;
    page.run("r.querySelectorAll('[role=tab]')[0].click(); return true;")
        .await;
    let shopper = new_shopper(1_000_000).await;
    page.wait()
        .shown("the identify form", "#lc-identifier")
        .await;
    page.type_in("#lc-identifier", &shopper.mobile).await;
    page.click("button.lc-primary").await;
    page.wait()
        .read(
            "the verify screen",
            "[data-screen=mokafaa-verify] #lc-amount",
            "value",
        )
        .await;
    look_at(&page, &name("verify")).await;
    let otp = sim().last_otp(&shopper.mobile).await;
    page.type_in("#lc-otp", &otp).await;
    page.type_in("#lc-amount", "50").await;
    page.click("button.lc-primary").await;
    page.wait()
        .shown("the redeemed screen", "[data-screen=mokafaa-redeemed]")
        .await;
    look_at(&page, &name("redeemed")).await;
    page.close().await;
}

/// One language in the three presets.
async fn every_preset(locale: &str) {
    for theme in ["light", "dark", "flat"] {
        every_screen(locale, theme).await;
    }
}

#[tokio::test]
async fn english_screens_pass_axe_in_every_preset() {
    every_preset("en").await;
}

#[tokio::test]
async fn arabic_screens_pass_axe_in_every_preset() {
    every_preset("ar").await;
}

#[tokio::test]
async fn french_screens_pass_axe_in_every_preset() {
    every_preset("fr").await;
}

#[tokio::test]
async fn axe_sees_inside_the_widgets_shadow_root() {
    // The control: an image without a text alternative planted in the shadow root must be
    // found, or the checks above would pass by looking at nothing.
    let page = Page::checkout("/demo/csp.html").await;
    page.run("const i = document.createElement('img'); i.src = '/x.png'; r.querySelector('.lc-widget').appendChild(i); return true;")
        .await;
    let found = violations(&page).await;
    assert!(
        found.iter().any(|v| v.starts_with("image-alt")),
        "{found:#?}"
    );
    page.close().await;
}

/// Presses `keys` (characters, or `fantoccini::key::Key`s as chars) on whatever has focus:
/// real key events, no mouse.
async fn press(page: &Page, keys: &[char]) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let mut actions = KeyActions::new("keyboard".into());
    for &key in keys {
        actions = actions
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
    }
    page.browser.client.perform_actions(actions).await.unwrap();
}

/// What has the keyboard focus inside the widget (`#id`, or the tag), `None` outside it.
async fn focused(page: &Page) -> Option<String> {
    let found = page
        .run_in_page(
            "const host = document.querySelector('[data-loyalty-checkout]');
             const e = host && host.shadowRoot && host.shadowRoot.activeElement;
             return e ? (e.id ? '#' + e.id : e.tagName.toLowerCase() + (e.dataset.action ? '[' + e.dataset.action + ']' : '')) : null;",
        )
        .await;
    found.as_str().map(str::to_string)
}

/// Tabs forward until `target` has the focus (at most `limit` presses).
async fn tab_to(page: &Page, target: &str, limit: usize) {
    let tab: char = fantoccini::key::Key::Tab.into();
    for _ in 0..limit {
        if focused(page).await.as_deref() == Some(target) {
            return;
        }
        press(page, &[tab]).await;
    }
    assert_eq!(
        focused(page).await.as_deref(),
        Some(target),
        "Tab never reached {target}"
    );
}

#[tokio::test]
async fn a_keyboard_alone_redeems_and_undoes() {
    let page = Page::checkout("/demo/csp.html").await;
    let enter: char = fantoccini::key::Key::Enter.into();
    let shopper = new_shopper(1_000_000).await;
    tab_to(&page, "#lc-identifier", 20).await;
    press(&page, &shopper.mobile.chars().collect::<Vec<_>>()).await;
    press(&page, &[enter]).await;
    page.wait()
        .shown("the verify screen", "[data-screen=mokafaa-verify] #lc-otp")
        .await;
    let otp = sim().last_otp(&shopper.mobile).await;
    tab_to(&page, "#lc-otp", 10).await;
    press(&page, &otp.chars().collect::<Vec<_>>()).await;
    press(&page, &[enter]).await;
    page.wait()
        .shown("the redeemed screen", "[data-screen=mokafaa-redeemed]")
        .await;
    assert_eq!(
        loyalty_e2e::bank_transaction_count_of(&shopper.mobile).await,
        1
    );
    tab_to(&page, "button[undo]", 10).await;
    press(&page, &[enter]).await;
    page.wait()
        .shown("the points given back", "[data-screen=mokafaa-identify]")
        .await;
    assert_eq!(loyalty_e2e::bank_points(&shopper.mobile).await, 1_000_000);
    page.close().await;
}
