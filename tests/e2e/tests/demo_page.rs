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

    // Once the session is open, every way of verifying the demo merchant accepts is offered
    // (mobile, customer number, IBAN), and the widget is not visible to document queries.
    browser
        .wait_for(
            "the session",
            &format!("const w = {SHADOW}.querySelector('.lc-widget[data-session=true]'); return w ? true : null;"),
            Duration::from_secs(20),
        )
        .await;
    let methods = browser
        .client
        .execute(
            &format!("return {SHADOW}.querySelectorAll('input[name=lc-method]').length"),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(methods, Value::from(3));
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

/// Types into an input in the widget's shadow root as a shopper would.
fn type_script(selector: &str, value: &str) -> String {
    format!(
        "const i = {SHADOW}.querySelector('{selector}'); i.value = '{value}';
         i.dispatchEvent(new InputEvent('input', {{bubbles: true}})); return true;"
    )
}

fn click_script(selector: &str) -> String {
    format!("{SHADOW}.querySelector('{selector}').click(); return true;")
}

/// Opens the demo checkout and waits for the widget's session.
async fn open_checkout() -> Browser {
    open_checkout_at("/demo/").await
}

/// The demo checkout at `path` (e.g. `/demo/?locale=ar`), once its widget has a session.
async fn open_checkout_at(path: &str) -> Browser {
    let browser = Browser::start().await;
    browser
        .client
        .goto(&format!("{}{path}", edge_url()))
        .await
        .unwrap();
    browser
        .wait_for(
            "a session for the widget",
            &format!("const r = {SHADOW}; const w = r && r.querySelector('.lc-widget[data-session=true]'); return w ? true : null;"),
            Duration::from_secs(20),
        )
        .await;
    browser
}

async fn run(browser: &Browser, script: String) -> Value {
    browser.client.execute(&script, vec![]).await.unwrap()
}

/// A new shopper verifies by mobile and redeems `amount` (SAR, as typed) in the widget.
async fn redeem_in_widget(browser: &Browser, amount: &str) {
    let shopper = loyalty_e2e::new_shopper(1_000_000).await;
    run(browser, type_script("#lc-identifier", &shopper.mobile)).await;
    run(browser, click_script("button.lc-primary")).await;
    browser
        .wait_for(
            "the verify screen with what this order can use",
            &format!("const s = {SHADOW}.querySelector('[data-screen=mokafaa-verify]'); const a = s && s.querySelector('#lc-amount'); return a && a.value ? a.value : null;"),
            Duration::from_secs(20),
        )
        .await;
    // The amount is prefilled with the most this order allows.
    let prefilled = run(
        browser,
        format!("return {SHADOW}.querySelector('#lc-amount').value"),
    )
    .await;
    assert_eq!(prefilled, Value::from("250.00"));
    // Before the code, the whole balance is not shown: only what this order can use.
    let balance_shown = run(
        browser,
        format!(
            "return {SHADOW}.querySelector('[data-screen=mokafaa-verify] .lc-balance') !== null"
        ),
    )
    .await;
    assert_eq!(
        balance_shown,
        Value::Bool(false),
        "no balance before the code"
    );
    browser.screenshot("mokafaa-verify").await;
    let otp = loyalty_e2e::sim_otp(&shopper.mobile).await;
    run(browser, type_script("#lc-otp", &otp)).await;
    run(browser, type_script("#lc-amount", amount)).await;
    run(browser, click_script("button.lc-primary")).await;
    browser
        .wait_for(
            "the redeemed screen with the balance after",
            &format!(
                "const b = {SHADOW}.querySelector('[data-screen=mokafaa-redeemed] .lc-balance'); return b ? b.dataset.pointsAfter : null;"
            ),
            Duration::from_secs(20),
        )
        .await;
    browser.screenshot("mokafaa-redeemed").await;
}

/// Opens the Pongo tab (the second program), types `phone` and answers "yes" to the email
/// question; the SMS question is left to the test.
async fn start_enlist(browser: &Browser, phone: &str) {
    run(
        browser,
        format!("const r = {SHADOW}; r.querySelectorAll('[role=tab]')[1].click(); return true;"),
    )
    .await;
    browser
        .wait_for(
            "the enlist form",
            &format!("const r = {SHADOW}; return r.querySelector('[data-screen=pongo-enlist] #lc-phone') ? true : null;"),
            Duration::from_secs(10),
        )
        .await;
    run(
        browser,
        format!(
            "const r = {SHADOW}; const i = r.querySelector('#lc-phone'); i.value = '{phone}';
         i.dispatchEvent(new InputEvent('input', {{bubbles: true}}));
         r.querySelector('[data-optin=email] input[value=true]').click(); return true;"
        ),
    )
    .await;
}

/// Answers the SMS question, waits until the widget shows the answer, then joins: two
/// steps, as a person cannot click both in one task.
async fn answer_sms_and_join(browser: &Browser, yes: bool) {
    run(browser, format!(
        "const r = {SHADOW}; r.querySelector('[data-optin=sms] input[value={yes}]').click(); return true;"
    ))
    .await;
    browser
        .wait_for(
            "the SMS answer rendered",
            &format!("const r = {SHADOW}; return r.querySelector('[data-optin=sms] input[value={yes}]').checked ? true : null;"),
            Duration::from_secs(10),
        )
        .await;
    run(browser, format!(
        "const r = {SHADOW}; r.querySelector('[data-screen=pongo-enlist] button[type=submit]').click(); return true;"
    ))
    .await;
}

/// Clicks "Place order" and returns what the page then says.
async fn place_order(browser: &Browser) -> String {
    run(
        browser,
        "document.getElementById('place-order').click(); return true;".to_string(),
    )
    .await;
    let said = browser
        .wait_for(
            "the order confirmation",
            "const p = document.getElementById('order-placed'); return p && !p.hidden ? p.textContent : null;",
            Duration::from_secs(20),
        )
        .await;
    said.as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_shopper_redeems_points_in_the_demo_checkout_and_undoes_it() {
    let browser = open_checkout().await;
    redeem_in_widget(&browser, "50").await;
    // The store's page got the event with a receipt, and shows the discount.
    let total = run(
        &browser,
        "return document.getElementById('order-total').textContent".to_string(),
    )
    .await;
    assert_eq!(total, Value::from("200.00 SAR"));
    let receipt = run(&browser, "return window.loyaltyReceipt".to_string()).await;
    assert!(receipt.as_str().is_some_and(|r| r.contains("v1=")));

    run(&browser, click_script("[data-action=undo]")).await;
    browser
        .wait_for(
            "the points returned",
            &format!("const s = {SHADOW}.querySelector('[data-screen=mokafaa-identify] .lc-info'); return s ? s.textContent : null;"),
            Duration::from_secs(20),
        )
        .await;
    let total = run(
        &browser,
        "return document.getElementById('order-total').textContent".to_string(),
    )
    .await;
    assert_eq!(total, Value::from("250.00 SAR"));
    browser.close().await;
}

#[tokio::test]
async fn a_shopper_pays_part_with_points_and_the_store_captures_them() {
    let browser = open_checkout().await;
    redeem_in_widget(&browser, "50").await;
    let receipt = run(&browser, "return window.loyaltyReceipt".to_string()).await;
    let said = place_order(&browser).await;
    assert!(
        said.contains("200.00 SAR paid by card")
            && said.contains("50.00 SAR paid with Mokafaa points"),
        "{said}"
    );
    // The store's server captured the redemption: the ledger says so. (The store verified
    // this receipt with the same body: a second later it is not a replay.)
    loyalty_e2e::advance_clock(1).await;
    let verified = loyalty_e2e::merchant_post(
        "/v1/merchant/receipts/verify",
        &serde_json::json!({"merchant_id": "demo", "receipt": receipt}),
    )
    .await;
    let redemption: Value = verified.json().await.unwrap();
    assert_eq!(redemption["state"], "captured", "{redemption}");
    assert!(redemption["order_id"]
        .as_str()
        .is_some_and(|o| said.contains(o)));
    // Placed once: the button is spent.
    let disabled = run(
        &browser,
        "return document.getElementById('place-order').disabled".to_string(),
    )
    .await;
    assert_eq!(disabled, Value::Bool(true));
    browser.close().await;
}

#[tokio::test]
async fn a_shopper_enlists_in_pongo_and_sees_the_points_follow_the_cart() {
    loyalty_e2e::pongo::connect().await;
    let browser = open_checkout().await;
    // The Pongo tab, a fresh phone, and both questions answered (one of them "no").
    let digits: String = loyalty_e2e::unique()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let phone = format!("05{}", &digits[digits.len() - 8..]);
    start_enlist(&browser, &phone).await;
    // One answer missing: the widget asks for it and sends nothing.
    run(&browser, format!(
        "const r = {SHADOW}; r.querySelector('[data-screen=pongo-enlist] button[type=submit]').click(); return true;"
    ))
    .await;
    let error = browser
        .wait_for(
            "the missing-answer message",
            &format!("const r = {SHADOW}; const e = r.querySelector('[data-screen=pongo-enlist] [role=alert]'); return e ? [e.dataset.code, e.textContent] : null;"),
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(error[0], "optin_required", "{error}");
    assert!(
        error[1].as_str().unwrap().contains("SMS"),
        "the message asks for the SMS answer: {error}"
    );
    answer_sms_and_join(&browser, false).await;
    // 250.00 SAR at 1.5 points per unit.
    let earn = browser
        .wait_for(
            "the member card",
            &format!("const r = {SHADOW}; const m = r.querySelector('.lc-member'); return m ? m.dataset.earn : null;"),
            Duration::from_secs(20),
        )
        .await;
    assert_eq!(earn, Value::from("375"));
    let message = run(
        &browser,
        format!(
            "return {SHADOW}.querySelector('[data-screen=pongo-enlist] [role=alert]') === null"
        ),
    )
    .await;
    assert_eq!(message, Value::Bool(true), "the answer cleared the message");
    browser.screenshot("pongo-new-member").await;
    // The store adds gift wrap (+15.00): the preview follows the new total.
    run(
        &browser,
        "document.getElementById('gift-wrap').click(); return true;".to_string(),
    )
    .await;
    let earn = browser
        .wait_for(
            "the new preview",
            &format!("const r = {SHADOW}; const m = r.querySelector('.lc-member'); return m && m.dataset.earn !== '375' ? m.dataset.earn : null;"),
            Duration::from_secs(20),
        )
        .await;
    assert_eq!(earn, Value::from("397"));
    // The order is paid: the store's server reports it, and the shopper earns what the
    // widget previewed, credited to the phone enlisted on this cart.
    let before = run(
        &browser,
        format!("return Number({SHADOW}.querySelector('.lc-member').dataset.points);"),
    )
    .await;
    let said = place_order(&browser).await;
    assert!(said.contains("You earned 397 Pongo points"), "{said}");
    // The page told the widget, which thanks the member with the same number.
    let earned = browser
        .wait_for(
            "the widget's thanks",
            &format!("const e = {SHADOW}.querySelector('.lc-member [data-earned]'); return e ? e.dataset.earned : null;"),
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(earned, Value::from("397"));
    let books = loyalty_e2e::pongo::pongo_books().await;
    let customer = books["customers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["phone"] == format!("966{}", &phone[1..]))
        .expect("the enlisted shopper");
    assert_eq!(customer["email_optin"], true);
    assert_eq!(customer["sms_optin"], false);
    assert_eq!(
        customer["points"].as_u64(),
        before.as_u64().map(|p| p + 397),
        "{customer}"
    );
    browser.close().await;
}

#[tokio::test]
async fn an_arabic_shopper_proves_a_members_phone_before_seeing_the_points() {
    loyalty_e2e::pongo::connect().await;
    let browser = open_checkout_at("/demo/?locale=ar").await;
    // The simulator's seeded member (320 points), typed in Arabic-Indic digits.
    start_enlist(&browser, "٠٥٠١٢٣٤٥٦٧").await;
    answer_sms_and_join(&browser, true).await;
    // A number alone: the order's points go there, nothing of the member shows.
    browser
        .wait_for(
            "the unproved card",
            &format!("const r = {SHADOW}; return r.querySelector('.lc-member[data-verified=false]') ? true : null;"),
            Duration::from_secs(20),
        )
        .await;
    let shown = run(
        &browser,
        format!("const m = {SHADOW}.querySelector('.lc-member'); return [m.dataset.points === undefined, m.textContent];"),
    )
    .await;
    assert_eq!(
        shown[0],
        Value::Bool(true),
        "no points before proof: {shown}"
    );
    browser.screenshot("pongo-unproved-ar").await;
    run(
        &browser,
        format!(
            "const r = {SHADOW}; r.querySelector('[data-action=send-code]').click(); return true;"
        ),
    )
    .await;
    browser
        .wait_for(
            "the code form",
            &format!("const r = {SHADOW}; return r.querySelector('#lc-pongo-code') ? true : null;"),
            Duration::from_secs(20),
        )
        .await;
    let inbox = loyalty_e2e::sim_get("/sms/inbox?to=%2B966501234567").await;
    let code = inbox["code"]
        .as_str()
        .expect("a code was texted")
        .to_string();
    run(
        &browser,
        format!(
            "const r = {SHADOW}; const i = r.querySelector('#lc-pongo-code'); i.value = '{code}';
         i.dispatchEvent(new InputEvent('input', {{bubbles: true}})); return true;"
        ),
    )
    .await;
    browser
        .wait_for(
            "the code rendered",
            &format!("const r = {SHADOW}; return r.querySelector('#lc-pongo-code').value === '{code}' ? true : null;"),
            Duration::from_secs(10),
        )
        .await;
    run(&browser, format!(
        "const r = {SHADOW}; r.querySelector('[data-form=pongo-code] button[type=submit]').click(); return true;"
    ))
    .await;
    let points = browser
        .wait_for(
            "the member card with the points",
            &format!("const r = {SHADOW}; const m = r.querySelector('.lc-member[data-verified=true]'); return m ? m.dataset.points : null;"),
            Duration::from_secs(20),
        )
        .await;
    let books = loyalty_e2e::pongo::pongo_books().await;
    let held = books["customers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["phone"] == "966501234567")
        .expect("the seeded member")["points"]
        .as_u64()
        .unwrap();
    assert_eq!(
        points,
        Value::from(held.to_string()),
        "the member's own points"
    );
    browser.screenshot("pongo-proved-ar").await;
    browser.close().await;
}
