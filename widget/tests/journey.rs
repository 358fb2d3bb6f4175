//! A shopper's whole way through the widget, in a real (headless) Chromium against the
//! in-browser fake edge (see `support`): identify, verify with the countdown on a held
//! clock, an expired code, a new code exactly when the edge allows one, redeem, a reload
//! that finds the redemption again, undo; only the programs the merchant offers; the Pongo
//! invite and member card; and the journeys in English, Arabic and French.

mod support;

use loyalty_widget::host::{REDEEMED_EVENT, REVERSED_EVENT};
use serde_json::{json, Value};
use support::{
    answer, challenge, earn_preview, edge_calls, edge_requests, error, fake_edge, happy_edge,
    joining_edge, keep_session, kept_session, last_request, mount, mount_cart, new_cart,
    redemption, session, settle, HeldClock, Widget, EDGE, MERCHANT,
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const START: &str = "POST /v1/sessions";
const RESUME: &str = "GET /v1/sessions/current";
const FOLLOW: &str = "PATCH /v1/sessions/current";
const OTP: &str = "POST /v1/mokafaa/otp";
const REDEEM: &str = "POST /v1/mokafaa/redeem";
const UNDO: &str = "POST /v1/mokafaa/redemptions/r-1/undo";
const ENLIST: &str = "POST /v1/pongo/enlist";

const RESEND: &str = "[data-action=resend]";
const USE_POINTS: &str = "button.lc-primary";
const EXPIRED: &str = "The code has expired. Press “Resend code” for a new one.";
const REDEEMED_EN: &str = "Points used: 12,500 — 50.00\u{a0}SAR off your order";
const RETURNED_EN: &str = "Points returned to your balance: 12,500";

/// The verify screen in English, on a held clock, the edge giving `codes` in turn for
/// the codes asked for.
async fn verify_screen_with_codes(codes: &[Value]) -> (HeldClock, Widget) {
    let mut routes = happy_edge(180, 1_000_000, 25_000);
    routes[OTP] = Value::Array(codes.iter().map(|c| answer(201, c.clone())).collect());
    fake_edge(&routes);
    let clock = HeldClock::hold();
    let w = mount(EDGE, "en", "");
    w.to_verify_screen().await;
    (clock, w)
}

/// The happy path's answers, then the redemption `r-1` and its undo.
fn redeeming_edge() -> Value {
    let mut routes = happy_edge(180, 1_000_000, 25_000);
    routes[REDEEM] = json!([answer(201, redemption("redeemed"))]);
    routes[UNDO] = json!([answer(200, redemption("reversed"))]);
    routes
}

/// The answers of a merchant whose session offers `programs`, with `extra` in the session,
/// and whose Pongo program enlists the shopper as a new member.
fn edge_offering(programs: &[&str], extra: Value) -> Value {
    let mut routes = joining_edge(true);
    routes[START] = json!([answer(201, session("token-1", programs, extra))]);
    routes
}

/// Each request the edge received since it was set up: what, and with which bearer.
fn asked() -> Vec<(String, Option<String>)> {
    let requests = edge_requests().into_iter();
    requests.map(|c| (c.key, c.auth)).collect()
}

fn bearer(token: &str) -> Option<String> {
    Some(format!("Bearer {token}"))
}

/// What the edge is asked when the widget takes up the kept session `token`: the session,
/// then the page's total.
fn taken_up(token: &str) -> [(String, Option<String>); 2] {
    [
        (RESUME.to_string(), bearer(token)),
        (FOLLOW.to_string(), bearer(token)),
    ]
}

/// What the store's page hears when points paid part of the order, and when they went back.
fn heard_redeemed() -> (String, Value) {
    (REDEEMED_EVENT.to_string(), redemption("redeemed"))
}

fn heard_reversed() -> (String, Value) {
    (REVERSED_EVENT.to_string(), redemption("reversed"))
}

/// The resend button: what it says, and whether it can be pressed.
fn resend(w: &Widget) -> (String, bool) {
    (w.text(RESEND), !w.disabled(RESEND))
}

#[wasm_bindgen_test]
async fn the_countdown_follows_the_clock_and_an_expired_code_offers_a_new_one() {
    let codes = [challenge("ch-1", 3, 0, 3), challenge("ch-2", 180, 30, 2)];
    let (clock, w) = verify_screen_with_codes(&codes).await;
    assert_eq!(w.text(".lc-countdown"), "Code expires in 0:03");
    assert!(!w.disabled(USE_POINTS));
    clock.pass(1).await;
    assert_eq!(w.text(".lc-countdown"), "Code expires in 0:02");
    clock.pass(2).await;
    assert_eq!(w.text(".lc-countdown"), EXPIRED);
    w.assert_attribute(".lc-countdown", "data-seconds", Some("0"));
    // The code can no longer pay; a new one can be asked for at once.
    assert!(w.disabled(USE_POINTS));
    assert_eq!(resend(&w), ("Resend code".into(), true));
    // Time goes on: an expired code stays expired.
    clock.pass(5).await;
    assert_eq!(w.text(".lc-countdown"), EXPIRED);

    w.click(RESEND).await;
    w.until(".lc-countdown[data-seconds='180']").await;
    assert_eq!(w.text(".lc-countdown"), "Code expires in 3:00");
    assert!(!w.disabled(USE_POINTS));
    assert_eq!(resend(&w), ("Resend code in 30 seconds".into(), false));
    clock.pass(1).await;
    assert_eq!(w.text(".lc-countdown"), "Code expires in 2:59");
    assert_eq!(edge_calls().iter().filter(|c| *c == OTP).count(), 2);
}

#[wasm_bindgen_test]
async fn a_new_code_can_be_asked_for_exactly_when_the_edge_allows_it() {
    // The edge allows one more code, after 3 seconds.
    let codes = [challenge("ch-1", 180, 3, 1), challenge("ch-2", 180, 0, 0)];
    let (clock, w) = verify_screen_with_codes(&codes).await;
    let mut seen = vec![resend(&w)];
    for _ in 0..3 {
        clock.pass(1).await;
        seen.push(resend(&w));
    }
    let expected = [
        ("Resend code in 3 seconds", false),
        ("Resend code in 2 seconds", false),
        ("Resend code in 1 second", false),
        ("Resend code", true),
    ];
    let expected: Vec<(String, bool)> = expected.iter().map(|(t, e)| (t.to_string(), *e)).collect();
    assert_eq!(seen, expected);

    w.click(RESEND).await;
    w.until(".lc-countdown[data-seconds='180']").await;
    // That was the last code: there is no wait, and still no other code to ask for.
    assert_eq!(resend(&w), ("Resend code".into(), false));
    clock.pass(10).await;
    assert_eq!(resend(&w), ("Resend code".into(), false));
    // The code just sent still pays.
    assert!(!w.disabled(USE_POINTS));
}

#[wasm_bindgen_test]
async fn after_the_last_code_the_screen_says_no_more_can_be_sent() {
    let (_clock, w) = verify_screen_with_codes(&[challenge("ch-1", 180, 0, 0)]).await;
    assert!(w.disabled(RESEND));
    let screen = w.text("[data-screen=mokafaa-verify]");
    assert!(
        screen.contains("No more codes can be sent for this try."),
        "{screen}"
    );
}

#[wasm_bindgen_test]
async fn when_the_edge_refuses_another_code_the_shopper_is_told_what_to_do() {
    let too_early = json!({"code": "resend_too_early", "message": "x", "retry_after_seconds": 20});
    let used_up = json!({"code": "resend_limit", "message": "x"});
    let mut routes = happy_edge(180, 1_000_000, 25_000);
    routes[OTP] = json!([
        answer(201, challenge("ch-1", 180, 0, 3)),
        error(429, too_early),
        error(429, used_up)
    ]);
    fake_edge(&routes);
    let clock = HeldClock::hold();
    let w = mount(EDGE, "en", "");
    w.to_verify_screen().await;
    w.click(RESEND).await;
    w.until(".lc-error[data-code=resend_too_early]").await;
    assert_eq!(
        w.text(".lc-error"),
        "A new code cannot be sent yet. You can ask for a new one in 20 seconds."
    );
    // The button waits as long as the edge asked, then may be pressed again.
    assert!(w.disabled(RESEND));
    clock.pass(20).await;
    assert!(!w.disabled(RESEND));
    w.click(RESEND).await;
    w.until(".lc-error[data-code=resend_limit]").await;
    assert_eq!(
        w.text(".lc-error"),
        "No more codes can be sent for this try. Type the last code we sent, or press “Use another number” to start again."
    );
    w.assert_attribute(".lc-error", "role", Some("alert"));
    // The code already sent still pays: the shopper stays on the verify screen.
    assert!(w.has("[data-screen=mokafaa-verify]"));
    assert!(!w.disabled(USE_POINTS));
}

/// What a shopper reads on the way from the code to the undo, in one language.
struct Redeeming {
    locale: &'static str,
    sent_to: &'static str,
    countdown: &'static str,
    /// The amount as this shopper types it.
    amount: &'static str,
    redeemed: &'static str,
    balance_after: &'static str,
    undo: &'static str,
    returned: &'static str,
}

/// Sends the code, pays 50.00 SAR with points, then undoes it, checking what the shopper
/// reads, where focus lands and what the store's page hears at each step.
async fn redeem_then_undo(said: Redeeming) {
    fake_edge(&redeeming_edge());
    let _clock = HeldClock::hold();
    let w = mount(EDGE, said.locale, "");
    w.to_verify_screen().await;
    assert_eq!(
        w.text("[data-screen=mokafaa-verify] .lc-info"),
        said.sent_to
    );
    assert_eq!(w.text(".lc-countdown"), said.countdown);

    w.redeem(said.amount).await;
    assert_eq!(w.text(".lc-success"), said.redeemed);
    assert_eq!(w.text("[data-points-after]"), said.balance_after);
    assert_eq!(w.text("[data-action=undo]"), said.undo);
    assert!(!w.disabled("[data-action=undo]"));
    assert_eq!(w.focused().as_deref(), Some("h2"));
    let paid = last_request(REDEEM).json();
    assert_eq!(paid["amount"], json!({"minor": 5000, "currency": "SAR"}));
    assert_eq!(
        (paid["otp"].as_str(), paid["challenge_id"].as_str()),
        (Some("1234"), Some("ch-1"))
    );
    assert_eq!(w.heard(), [heard_redeemed()]);

    w.click("[data-action=undo]").await;
    w.until("[data-screen=mokafaa-identify]").await;
    settle().await;
    assert_eq!(
        w.text("[data-screen=mokafaa-identify] .lc-info"),
        said.returned
    );
    assert_eq!(w.focused().as_deref(), Some("h2"));
    assert_eq!(w.heard(), [heard_redeemed(), heard_reversed()]);
}

#[wasm_bindgen_test]
async fn a_shopper_pays_with_points_and_undoes_it_in_english() {
    redeem_then_undo(Redeeming {
        locale: "en",
        sent_to: "We sent a code to 05••••4567",
        countdown: "Code expires in 3:00",
        amount: "50",
        redeemed: REDEEMED_EN,
        balance_after: "Your balance: 987,500 points",
        undo: "Undo",
        returned: RETURNED_EN,
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_shopper_pays_with_points_and_undoes_it_in_arabic() {
    redeem_then_undo(Redeeming {
        locale: "ar",
        sent_to: "أرسلنا رمزاً إلى 05••••4567",
        countdown: "تنتهي صلاحية الرمز خلال 3:00",
        amount: "٥٠",
        redeemed: "النقاط المستخدمة: 12,500 — 50.00\u{a0}ر.س خصم من طلبك",
        balance_after: "رصيدك: 987,500 نقطة",
        undo: "تراجع",
        returned: "النقاط المعادة إلى رصيدك: 12,500",
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_shopper_pays_with_points_and_undoes_it_in_french() {
    redeem_then_undo(Redeeming {
        locale: "fr",
        sent_to: "Nous avons envoyé un code au 05••••4567",
        countdown: "Le code expire dans 3:00",
        amount: "50.00",
        redeemed:
            "Points utilisés\u{a0}: 12\u{202f}500 — 50,00\u{a0}SAR de remise sur votre commande",
        balance_after: "Votre solde\u{a0}: 987\u{202f}500\u{a0}points",
        undo: "Annuler",
        returned: "Points rendus à votre solde\u{a0}: 12\u{202f}500",
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_french_shopper_may_type_the_amount_with_a_decimal_comma() {
    fake_edge(&redeeming_edge());
    let w = mount(EDGE, "fr", "");
    w.to_verify_screen().await;
    w.redeem("50,00").await;
    assert_eq!(last_request(REDEEM).json()["amount"]["minor"], 5000);
}

#[wasm_bindgen_test]
async fn a_reload_shows_the_standing_redemption_with_its_undo() {
    // An earlier visit opened a session for this cart and kept it in the browser.
    let cart = new_cart();
    keep_session(&cart, "token-kept");
    let mut routes = redeeming_edge();
    let standing = json!({ "redemption": redemption("redeemed") });
    let resumed = session("token-kept", &["mokafaa", "pongo"], standing);
    routes[RESUME] = json!([answer(200, resumed)]);
    fake_edge(&routes);
    let w = mount_cart(EDGE, "en", "", &cart);
    w.until("[data-screen=mokafaa-redeemed]").await;
    settle().await;
    // The kept session is asked for first, with its token, and follows the page's total:
    // no new session is opened.
    assert_eq!(asked(), taken_up("token-kept"));
    let total = last_request(FOLLOW).json();
    assert_eq!(total["amount"], json!({"minor": 25000, "currency": "SAR"}));
    assert_eq!(w.text(".lc-success"), REDEEMED_EN);
    w.assert_attribute("[data-screen]", "data-redemption", Some("r-1"));
    assert_eq!(w.text("[data-action=undo]"), "Undo");
    assert!(!w.disabled("[data-action=undo]"));
    // The store's page forgot the discount on reload: it hears it again.
    assert_eq!(w.heard(), [heard_redeemed()]);

    w.click("[data-action=undo]").await;
    w.until("[data-screen=mokafaa-identify]").await;
    assert_eq!(last_request(UNDO).auth, bearer("token-kept"));
    assert_eq!(
        w.text("[data-screen=mokafaa-identify] .lc-info"),
        RETURNED_EN
    );
    assert_eq!(w.heard(), [heard_redeemed(), heard_reversed()]);
    assert_eq!(w.count("[data-action=undo]"), 0);
}

#[wasm_bindgen_test]
async fn of_two_kept_sessions_the_one_holding_the_redemption_is_shown() {
    // Two tabs each opened a session for the cart; the older one redeemed.
    let cart = new_cart();
    keep_session(&cart, "token-new,token-old");
    let mut routes = redeeming_edge();
    let plain = session("token-new", &["mokafaa", "pongo"], json!({}));
    let standing = json!({ "redemption": redemption("redeemed") });
    let holding = session("token-old", &["mokafaa", "pongo"], standing);
    routes[format!("{RESUME} with token-new")] = json!([answer(200, plain)]);
    routes[format!("{RESUME} with token-old")] = json!([answer(200, holding)]);
    fake_edge(&routes);
    let w = mount_cart(EDGE, "en", "", &cart);
    w.until("[data-screen=mokafaa-redeemed]").await;
    settle().await;
    let mut expected = vec![(RESUME.to_string(), bearer("token-new"))];
    expected.extend(taken_up("token-old"));
    assert_eq!(asked(), expected);
    assert_eq!(w.text(".lc-success"), REDEEMED_EN);
    assert_eq!(w.heard(), [heard_redeemed()]);
    // The session shown is the one kept first now; the other is still kept.
    assert_eq!(kept_session(&cart).as_deref(), Some("token-old,token-new"));
    w.click("[data-action=undo]").await;
    w.until("[data-screen=mokafaa-identify]").await;
    assert_eq!(last_request(UNDO).auth, bearer("token-old"));
}

#[wasm_bindgen_test]
async fn a_first_visit_opens_a_session_that_the_next_load_takes_up() {
    let cart = new_cart();
    let mut routes = happy_edge(180, 1_000_000, 25_000);
    let found = session("token-1", &["mokafaa", "pongo"], json!({}));
    routes[RESUME] = json!([answer(200, found)]);
    fake_edge(&routes);
    let first = mount_cart(EDGE, "en", "", &cart);
    first.until(".lc-widget[data-session=true]").await;
    // Nothing kept for this cart: a session is opened for it, and kept.
    assert_eq!(asked(), [(START.to_string(), None)]);
    let opened = last_request(START).json();
    assert_eq!(
        (opened["merchant_id"].as_str(), opened["cart_id"].as_str()),
        (Some(MERCHANT), Some(cart.as_str()))
    );
    assert_eq!(kept_session(&cart).as_deref(), Some("token-1"));

    fake_edge(&routes);
    let reloaded = mount_cart(EDGE, "en", "", &cart);
    reloaded.until(".lc-widget[data-session=true]").await;
    assert_eq!(asked(), taken_up("token-1"));
    // Nothing was redeemed: the first screen, ready to use.
    assert!(reloaded.has("[data-screen=mokafaa-identify]"));
    assert!(reloaded.heard().is_empty());
}

#[wasm_bindgen_test]
async fn a_kept_session_the_edge_no_longer_honours_is_replaced_by_a_new_one() {
    let cart = new_cart();
    keep_session(&cart, "token-old");
    let mut routes = happy_edge(180, 1_000_000, 25_000);
    let expired = json!({"code": "session_expired", "message": "x"});
    routes[RESUME] = json!([error(401, expired)]);
    routes[START] = json!([answer(
        201,
        session("token-new", &["mokafaa", "pongo"], json!({}))
    )]);
    fake_edge(&routes);
    let w = mount_cart(EDGE, "en", "", &cart);
    w.until(".lc-widget[data-session=true]").await;
    let expected = [
        (RESUME.to_string(), bearer("token-old")),
        (START.to_string(), None),
    ];
    assert_eq!(asked(), expected);
    assert_eq!(kept_session(&cart).as_deref(), Some("token-new"));
    // The shopper is not told about it: the form simply works, in the new session.
    assert!(!w.has(".lc-alert"));
    w.to_verify_screen().await;
    assert_eq!(last_request(OTP).auth, bearer("token-new"));
}

#[wasm_bindgen_test]
async fn only_the_programs_the_merchant_offers_are_shown() {
    for (offered, screen) in [("mokafaa", "mokafaa-identify"), ("pongo", "pongo-enlist")] {
        fake_edge(&edge_offering(&[offered], json!({})));
        // The page names no program: it would offer both.
        let w = mount(EDGE, "en", "");
        w.until(".lc-widget[data-session=true]").await;
        settle().await;
        assert_eq!(w.count("[role=tablist], [role=tab]"), 0, "{offered}");
        let screens = w.root.query_selector_all("[data-screen]").unwrap();
        assert_eq!(screens.length(), 1, "{offered}");
        assert!(w.has(&format!("[data-screen={screen}]")), "{offered}");
    }
}

/// What a shopper reads on the Pongo tab, before and after joining, in one language.
struct Joining {
    locale: &'static str,
    invite: &'static str,
    welcome: &'static str,
    points: &'static str,
    will_earn: &'static str,
    reward: &'static str,
}

/// Opens the Pongo tab of a session whose cart earns 375 points, joins, and checks the
/// invite, then the new member's card.
async fn invited_then_joined(said: Joining) {
    let preview = json!({ "earn_preview": earn_preview() });
    fake_edge(&edge_offering(&["mokafaa", "pongo"], preview));
    let w = mount(EDGE, said.locale, "");
    w.until(".lc-widget[data-session=true]").await;
    w.click("#lc-tab-pongo").await;
    // The reason to join, from the merchant's earn rule: no member data yet.
    assert_eq!(w.text("[data-earn-preview]"), said.invite);

    w.join_pongo().await;
    let joined = last_request(ENLIST).json();
    let answers = (
        &joined["phone"],
        &joined["email_optin"],
        &joined["sms_optin"],
    );
    assert_eq!(
        answers,
        (&json!("966501234567"), &json!(true), &json!(false))
    );
    assert!(!w.has("[data-earn-preview]"));
    assert_eq!(w.text(".lc-member .lc-info"), said.welcome);
    assert_eq!(w.text(".lc-member .lc-info + p"), said.points);
    assert_eq!(w.text(".lc-member .lc-earn"), said.will_earn);
    assert_eq!(w.text(".lc-rewards li"), said.reward);
    // A reward within reach is marked so the stylesheet can set it apart.
    w.assert_attribute(".lc-rewards li", "data-within-reach", Some("true"));
    w.assert_attribute(".lc-member", "data-points", Some("320"));
}

#[wasm_bindgen_test]
async fn a_shopper_is_invited_to_pongo_then_sees_their_card_in_english() {
    invited_then_joined(Joining {
        locale: "en",
        invite: "Join and earn 375 points on this order.",
        welcome: "Welcome to the program! 9665••••4567",
        points: "Your points: 320",
        will_earn: "Points this order will earn: 375",
        reward: "Free coffee · 300 points · within reach",
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_shopper_is_invited_to_pongo_then_sees_their_card_in_arabic() {
    invited_then_joined(Joining {
        locale: "ar",
        invite: "انضم واكسب 375 نقطة من هذا الطلب.",
        welcome: "مرحباً بك في البرنامج! 9665••••4567",
        points: "نقاطك: 320",
        will_earn: "النقاط التي سيكسبها هذا الطلب: 375",
        reward: "Free coffee · 300 نقطة · في متناولك",
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_shopper_is_invited_to_pongo_then_sees_their_card_in_french() {
    invited_then_joined(Joining {
        locale: "fr",
        invite: "Rejoignez le programme et gagnez 375\u{a0}points avec cette commande.",
        welcome: "Bienvenue dans le programme\u{a0}! 9665••••4567",
        points: "Vos points\u{a0}: 320",
        will_earn: "Points que cette commande rapportera\u{a0}: 375",
        reward: "Free coffee · 300 points · à votre portée",
    })
    .await;
}

#[wasm_bindgen_test]
async fn after_switching_tabs_the_next_screen_still_takes_focus() {
    fake_edge(&joining_edge(true));
    let w = mount(EDGE, "en", "");
    w.until(".lc-widget[data-session=true]").await;
    w.click("#lc-tab-pongo").await;
    w.join_pongo().await;
    // The card's first line ("Welcome to the program! ...").
    assert_eq!(w.focused().as_deref(), Some("p"), "the member card");
    w.click("#lc-tab-mokafaa").await;
    w.to_verify_screen().await;
    assert_eq!(w.focused().as_deref(), Some("h2"), "the verify screen");
}
