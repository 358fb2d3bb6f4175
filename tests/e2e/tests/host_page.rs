//! The widget as the store's page lives with it: a reload or a second tab finds the cart's
//! redemption instead of a new form, one cart is paid with points once however many tabs
//! try, the custom element follows its attributes, and a page under a strict
//! Content-Security-Policy renders the widget and redeems. Each asserts the bank's books.

use loyalty_e2e::page::Page;
use loyalty_e2e::{
    api_error, bank_points, bank_transaction_count_of, edge_get, new_shopper, otp_challenge,
    read_json, redeem, session_for_cart, sim, undo, unique, widget,
};
use loyalty_shared::api::{EarnPreview, Redemption, SessionStarted};
use loyalty_shared::ErrorCode;
use serde_json::Value;
use std::time::Duration;

const START: i64 = 1_000_000;

#[tokio::test]
async fn a_reload_shows_the_carts_redemption_with_its_undo() {
    let page = Page::checkout("/demo/").await;
    let shopper = page.redeem_in_widget("50").await;
    page.browser.client.refresh().await.unwrap();
    page.wait()
        .shown(
            "the redemption again after the reload",
            "[data-screen=mokafaa-redeemed] [data-action=undo]",
        )
        .await;
    // The store's page forgot the discount with the reload: the widget told it again.
    let total = page
        .browser
        .wait_for(
            "the discount shown again",
            "const t = document.getElementById('order-total').textContent; return t === '200.00 SAR' ? t : null;",
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(total, Value::from("200.00 SAR"));
    page.browser.screenshot("mokafaa-resumed").await;
    page.undo_in_widget().await;
    assert_eq!(bank_points(&shopper.mobile).await, START, "all points back");
    assert_eq!(
        bank_transaction_count_of(&shopper.mobile).await,
        2,
        "one redemption, one reversal"
    );
    page.close().await;
}

/// A session of `cart` challenged by a new shopper: (token, challenge id, code, mobile).
async fn tab_of(cart: &str) -> (String, String, String, String) {
    let shopper = new_shopper(START).await;
    let token = session_for_cart(cart, 25_000, None).await;
    let challenge = otp_challenge(&token, &shopper.mobile).await;
    let otp = sim().last_otp(&shopper.mobile).await;
    (token, challenge.challenge_id, otp, shopper.mobile)
}

#[tokio::test]
async fn one_cart_is_paid_with_points_once_across_tabs() {
    let cart = format!("cart-{}", unique());
    let (first, first_challenge, first_otp, first_mobile) = tab_of(&cart).await;
    let (second, second_challenge, second_otp, second_mobile) = tab_of(&cart).await;
    let paid = redeem(&first, &unique(), &first_challenge, &first_otp, 5_000).await;
    assert_eq!(paid.status(), 201);
    let paid: Redemption = paid.json().await.unwrap();
    let refused = redeem(&second, &unique(), &second_challenge, &second_otp, 5_000).await;
    assert_eq!(refused.status(), 409);
    assert_eq!(
        api_error(refused).await.code,
        ErrorCode::CartAlreadyRedeemed
    );
    assert_eq!(
        bank_transaction_count_of(&second_mobile).await,
        0,
        "the bank was not asked"
    );
    // The first tab's reload finds its redemption; the second tab has none of its own.
    let resumed: SessionStarted =
        read_json(widget(reqwest::Method::GET, "/v1/sessions/current", &first)).await;
    assert_eq!(
        resumed.redemption.map(|r| r.redemption_id),
        Some(paid.redemption_id.clone())
    );
    assert!(resumed
        .programs
        .contains(&loyalty_shared::api::Program::Mokafaa));
    let other: SessionStarted = read_json(widget(
        reqwest::Method::GET,
        "/v1/sessions/current",
        &second,
    ))
    .await;
    assert_eq!(other.redemption, None);
    // Undone in the first tab, the cart may be paid with points again, once.
    assert_eq!(undo(&first, &paid.redemption_id).await.status(), 200);
    let again = redeem(&second, &unique(), &second_challenge, &second_otp, 5_000).await;
    assert_eq!(again.status(), 201);
    assert_eq!(bank_points(&first_mobile).await, START);
    assert_eq!(bank_transaction_count_of(&second_mobile).await, 1);
}

#[tokio::test]
async fn many_tabs_of_one_cart_at_once_redeem_once() {
    let cart = format!("cart-{}", unique());
    let mut tabs = Vec::new();
    for _ in 0..8 {
        tabs.push(tab_of(&cart).await);
    }
    let attempts: Vec<_> = tabs
        .iter()
        .cloned()
        .map(|(token, challenge, otp, _)| {
            tokio::spawn(async move { redeem(&token, &unique(), &challenge, &otp, 5_000).await })
        })
        .collect();
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.unwrap().status().as_u16());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        7,
        "{statuses:?}"
    );
    let mut debited = 0;
    for (_, _, _, mobile) in &tabs {
        debited += bank_transaction_count_of(mobile).await;
    }
    assert_eq!(debited, 1, "the bank debited one shopper once");
}

#[tokio::test]
async fn a_page_under_a_strict_csp_renders_the_widget_and_redeems() {
    let served = edge_get("/demo/csp.html").await;
    let policy = served.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(policy.contains("style-src 'self'") && policy.contains("'wasm-unsafe-eval'"));
    let page = Page::checkout("/demo/csp.html").await;
    // Styled from the constructed stylesheet (inline <style> is forbidden here).
    let styled = page
        .run(
            "const b = r.querySelector('button.lc-primary');
             return r.adoptedStyleSheets.length > 0 && getComputedStyle(b).borderTopLeftRadius !== '0px'
                 && getComputedStyle(b).backgroundColor !== 'rgba(0, 0, 0, 0)';",
        )
        .await;
    assert_eq!(styled, Value::Bool(true));
    page.browser.screenshot("csp-checkout").await;
    let shopper = page.redeem_in_widget("50").await;
    let violations = page.run_in_page("return window.cspViolations").await;
    assert_eq!(violations, serde_json::json!([]), "no policy violation");
    let events = page.run_in_page("return window.checkoutEvents").await;
    let events: Vec<String> = serde_json::from_value(events).unwrap();
    assert!(
        events.contains(&"ready".to_string()) && events.contains(&"redeemed".to_string()),
        "LoyaltyCheckout.on heard {events:?}"
    );
    assert_eq!(bank_transaction_count_of(&shopper.mobile).await, 1);
    page.browser.screenshot("csp-redeemed").await;
    page.close().await;
}

#[tokio::test]
async fn the_custom_elements_new_amount_is_the_cart_change() {
    let page = Page::pongo_checkout("/demo/csp.html").await;
    let token = page
        .run_in_page(
            "const k = Object.keys(localStorage).find(k => k.startsWith('loyalty-checkout:demo:'));
             return k ? localStorage.getItem(k).split(',')[0] : null;",
        )
        .await;
    let token = token
        .as_str()
        .expect("the session kept for a reload")
        .to_string();
    page.run_in_page("document.getElementById('add-item').click(); return true;")
        .await;
    // The edge's session follows the attribute: its earn preview is for 300.00 SAR.
    let mut amount = 0;
    for _ in 0..40 {
        let preview: EarnPreview = read_json(widget(
            reqwest::Method::GET,
            "/v1/pongo/earn-preview",
            &token,
        ))
        .await;
        amount = preview.amount.minor;
        if amount == 30_000 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(amount, 30_000, "the session moved to the new amount-minor");
    page.close().await;
}

/// The computed look of the widget's main pieces (not their width: each page lays out its
/// own column), to compare two pages.
async fn look_of(page: &Page) -> Value {
    page.run(
        "const props = ['color', 'backgroundColor', 'borderTopLeftRadius', 'fontSize', 'fontWeight', 'paddingTop'];
         return ['.lc-widget', 'button.lc-primary', '#lc-identifier', '[role=tab]'].map(s => {
           const e = r.querySelector(s); const c = e && getComputedStyle(e);
           return c ? props.map(p => c[p]) : null;
         });",
    )
    .await
}

#[tokio::test]
async fn the_widget_looks_the_same_with_and_without_a_strict_csp() {
    let free = Page::checkout("/demo/").await;
    free.browser
        .client
        .set_window_size(900, 1500)
        .await
        .unwrap();
    let strict = Page::checkout("/demo/csp.html").await;
    strict
        .browser
        .client
        .set_window_size(900, 1500)
        .await
        .unwrap();
    let (a, b) = (look_of(&free).await, look_of(&strict).await);
    assert!(a.as_array().unwrap().iter().all(|x| !x.is_null()), "{a}");
    assert_eq!(
        a, b,
        "the constructed stylesheet gives the same look as the page without CSP"
    );
    free.close().await;
    strict.close().await;
}
