//! The demo storefront in a real headless Chromium: the one script tag mounts the widget
//! into a Shadow DOM, isolated from the store's CSS, and its first screen works.

use loyalty_e2e::page::Page;
use loyalty_e2e::sim;
use serde_json::Value;
use std::time::Duration;

/// The enlist form's submit button.
const JOIN: &str = "[data-screen=pongo-enlist] button[type=submit]";

#[tokio::test]
async fn demo_checkout_mounts_the_widget_from_the_script_tag() {
    let page = Page::showing("/demo/").await;
    let title = page
        .wait()
        .text("the first screen", "[data-screen=mokafaa-identify] h2")
        .await;
    assert_eq!(title, Value::from("Al Rajhi Bank Mokafaa"));

    // Once the session is open, every way of verifying the demo merchant accepts is offered
    // (mobile, customer number, IBAN), and the widget is not visible to document queries.
    let methods = page
        .wait()
        .until(
            "the session",
            "return r.querySelector('.lc-widget[data-session=true]') ? r.querySelectorAll('input[name=lc-method]').length : null;",
        )
        .await;
    assert_eq!(methods, Value::from(3));
    let leaked = page
        .run_in_page("return document.querySelector('[data-screen]') === null")
        .await;
    assert_eq!(leaked, Value::Bool(true));

    // The store styles every button hot pink; the widget's button must not inherit that.
    let background = page
        .run("return getComputedStyle(r.querySelector('button.lc-primary')).backgroundColor")
        .await;
    assert_eq!(background, Value::from("rgb(10, 92, 54)"));
    page.close().await;
}

#[tokio::test]
async fn a_mistyped_mobile_is_refused_in_the_page_before_any_request() {
    let page = Page::showing("/demo/").await;
    page.wait()
        .shown("the identifier input", "#lc-identifier")
        .await;
    page.run(
        "const i = r.querySelector('#lc-identifier');
         i.value = '0412'; i.dispatchEvent(new InputEvent('input', {bubbles: true}));
         setTimeout(() => r.querySelector('button.lc-primary').click(), 50); return true;",
    )
    .await;
    let code = page
        .briefly()
        .data("the inline error", ".lc-error", "code")
        .await;
    assert_eq!(code, Value::from("invalid_phone"));
    page.close().await;
}

/// Opens the Pongo tab (the second program), types `phone` and answers "yes" to the email
/// question; the SMS question is left to the test.
async fn start_enlist(page: &Page, phone: &str) {
    page.run("r.querySelectorAll('[role=tab]')[1].click(); return true;")
        .await;
    page.briefly()
        .shown("the enlist form", "[data-screen=pongo-enlist] #lc-phone")
        .await;
    page.run(&format!(
        "const i = r.querySelector('#lc-phone'); i.value = '{phone}';
         i.dispatchEvent(new InputEvent('input', {{bubbles: true}}));
         r.querySelector('[data-optin=email] input[value=true]').click(); return true;"
    ))
    .await;
}

/// Answers the SMS question, waits until the widget shows the answer, then joins: two
/// steps, as a person cannot click both in one task.
async fn answer_sms_and_join(page: &Page, yes: bool) {
    let answer = format!("[data-optin=sms] input[value={yes}]");
    page.click(&answer).await;
    page.briefly()
        .read("the SMS answer rendered", &answer, "checked")
        .await;
    page.click(JOIN).await;
}

/// Clicks "Place order" and returns what the page then says.
async fn place_order(page: &Page) -> String {
    page.run_in_page("document.getElementById('place-order').click(); return true;")
        .await;
    let said = page
        .browser
        .wait_for(
            "the order confirmation",
            "const p = document.getElementById('order-placed'); return p && !p.hidden ? p.textContent : null;",
            Duration::from_secs(20),
        )
        .await;
    said.as_str().unwrap().to_string()
}

/// What the store's page shows as the order's total.
async fn order_total(page: &Page) -> Value {
    page.run_in_page("return document.getElementById('order-total').textContent")
        .await
}

#[tokio::test]
async fn a_shopper_redeems_points_in_the_demo_checkout_and_undoes_it() {
    let page = Page::checkout("/demo/").await;
    page.redeem_in_widget("50").await;
    // The store's page got the event with a receipt, and shows the discount.
    assert_eq!(order_total(&page).await, Value::from("200.00 SAR"));
    let receipt = page.run_in_page("return window.loyaltyReceipt").await;
    assert!(receipt.as_str().is_some_and(|r| r.contains("v1=")));

    page.undo_in_widget().await;
    assert_eq!(order_total(&page).await, Value::from("250.00 SAR"));
    page.close().await;
}

#[tokio::test]
async fn a_shopper_pays_part_with_points_and_the_store_captures_them() {
    let page = Page::checkout("/demo/").await;
    page.redeem_in_widget("50").await;
    let receipt = page.run_in_page("return window.loyaltyReceipt").await;
    let said = place_order(&page).await;
    assert!(
        said.contains("200.00 SAR paid by card")
            && said.contains("50.00 SAR paid with Mokafaa points"),
        "{said}"
    );
    // The store's server captured the redemption: the ledger says so. (The store verified
    // this receipt with the same body: a second later it is not a replay.)
    sim().advance_clock(1).await;
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
    let disabled = page
        .run_in_page("return document.getElementById('place-order').disabled")
        .await;
    assert_eq!(disabled, Value::Bool(true));
    page.close().await;
}

#[tokio::test]
async fn a_shopper_enlists_in_pongo_and_sees_the_points_follow_the_cart() {
    let page = Page::pongo_checkout("/demo/").await;
    // The Pongo tab, a fresh phone, and both questions answered (one of them "no").
    let digits: String = loyalty_e2e::unique()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let phone = format!("05{}", &digits[digits.len() - 8..]);
    start_enlist(&page, &phone).await;
    // One answer missing: the widget asks for it and sends nothing.
    page.click(JOIN).await;
    let error = page
        .briefly()
        .until(
            "the missing-answer message",
            "const e = r.querySelector('[data-screen=pongo-enlist] [role=alert]'); return e ? [e.dataset.code, e.textContent] : null;",
        )
        .await;
    assert_eq!(error[0], "optin_required", "{error}");
    assert!(
        error[1].as_str().unwrap().contains("SMS"),
        "the message asks for the SMS answer: {error}"
    );
    answer_sms_and_join(&page, false).await;
    // 250.00 SAR at 1.5 points per unit.
    let earn = page
        .wait()
        .data("the member card", ".lc-member", "earn")
        .await;
    assert_eq!(earn, Value::from("375"));
    let message = page
        .run("return r.querySelector('[data-screen=pongo-enlist] [role=alert]') === null")
        .await;
    assert_eq!(message, Value::Bool(true), "the answer cleared the message");
    page.browser.screenshot("pongo-new-member").await;
    // The store adds gift wrap (+15.00): the preview follows the new total.
    page.run_in_page("document.getElementById('gift-wrap').click(); return true;")
        .await;
    let earn = page
        .wait()
        .until(
            "the new preview",
            "const m = r.querySelector('.lc-member'); return m && m.dataset.earn !== '375' ? m.dataset.earn : null;",
        )
        .await;
    assert_eq!(earn, Value::from("397"));
    // The order is paid: the store's server reports it, and the shopper earns what the
    // widget previewed, credited to the phone enlisted on this cart.
    let before = page
        .run("return Number(r.querySelector('.lc-member').dataset.points);")
        .await;
    let said = place_order(&page).await;
    assert!(said.contains("You earned 397 Pongo points"), "{said}");
    // The page told the widget, which thanks the member with the same number.
    let earned = page
        .briefly()
        .data("the widget's thanks", ".lc-member [data-earned]", "earned")
        .await;
    assert_eq!(earned, Value::from("397"));
    let books = sim().pongo_books().await;
    let customer = books
        .customer(&format!("966{}", &phone[1..]))
        .expect("the enlisted shopper");
    assert!(customer.email_optin);
    assert!(!customer.sms_optin);
    assert_eq!(
        Some(customer.points),
        before.as_u64().map(|p| p + 397),
        "{customer:?}"
    );
    page.close().await;
}

#[tokio::test]
async fn an_arabic_shopper_proves_a_members_phone_before_seeing_the_points() {
    let page = Page::pongo_checkout("/demo/?locale=ar").await;
    // The simulator's seeded member (320 points), typed in Arabic-Indic digits.
    start_enlist(&page, "٠٥٠١٢٣٤٥٦٧").await;
    answer_sms_and_join(&page, true).await;
    // A number alone: the order's points go there, nothing of the member shows.
    page.wait()
        .shown("the unproved card", ".lc-member[data-verified=false]")
        .await;
    let shown = page
        .run("const m = r.querySelector('.lc-member'); return [m.dataset.points === undefined, m.textContent];")
        .await;
    assert_eq!(
        shown[0],
        Value::Bool(true),
        "no points before proof: {shown}"
    );
    page.browser.screenshot("pongo-unproved-ar").await;
    page.click("[data-action=send-code]").await;
    page.wait().shown("the code form", "#lc-pongo-code").await;
    let code = sim().last_sms_code("+966501234567").await;
    page.type_in("#lc-pongo-code", &code).await;
    let rendered =
        format!("return r.querySelector('#lc-pongo-code').value === '{code}' ? true : null;");
    page.briefly().until("the code rendered", &rendered).await;
    page.click("[data-form=pongo-code] button[type=submit]")
        .await;
    let points = page
        .wait()
        .data(
            "the member card with the points",
            ".lc-member[data-verified=true]",
            "points",
        )
        .await;
    let books = sim().pongo_books().await;
    let held = books
        .customer("966501234567")
        .expect("the seeded member")
        .points;
    assert_eq!(
        points,
        Value::from(held.to_string()),
        "the member's own points"
    );
    page.browser.screenshot("pongo-proved-ar").await;
    page.close().await;
}
