//! Mokafaa redemption end to end: widget calls to the edge, the edge to the simulated bank,
//! each outcome checked in the edge's answer and in the bank's books.
//!
//! The seed shoppers (0501234567 / CIC 12345678 with 1,000,000 points, 0559876543 with
//! 100 points) are used where the seed itself is the point; other tests make their own
//! shopper so balances and per-number limits never mix. The rate is 250 points per SAR.

use loyalty_e2e::{
    answer, api_error, assert_bank_moved, balance_request, bank_transaction_count, challenged,
    new_shopper, otp_challenge, read_json, redeem, sim, start_session, unique, widget, wrong_code,
};
use loyalty_shared::api::{OtpChallenge, Redemption, RedemptionState};
use loyalty_shared::ErrorCode;
use reqwest::Method;
use serde_json::{json, Value};

const RICH: &str = "0501234567";
const RICH_CIC: &str = "12345678";
const POOR: &str = "0559876543";

/// Asks for a code by `method` (`mobile`, `customer_number`, `iban`), typed as `identifier`.
async fn send_otp(token: &str, method: &str, identifier: &str) -> reqwest::Response {
    let mut body = json!({ "method": method });
    body[method] = json!(identifier);
    widget(Method::POST, "/v1/mokafaa/otp", token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Redeems `minor` with the code the bank texted the rich seed shopper (whichever way they
/// identified); the bank must take `points`.
async fn redeem_as_rich(token: &str, challenge_id: &str, minor: u64, points: u64) {
    let otp = sim().last_otp(RICH).await;
    let r: Redemption = answer(redeem(token, &unique(), challenge_id, &otp, minor).await).await;
    assert_eq!((r.state, r.points), (RedemptionState::Redeemed, points));
}

#[tokio::test]
async fn redeem_by_mobile_then_undo() {
    let token = start_session(25_000).await;
    let c = otp_challenge(&token, RICH).await;
    assert_eq!(c.masked_destination, "05••••4567");
    assert!(c.expires_in_seconds > 170 && c.expires_in_seconds <= 180);

    let balance: Value = read_json(balance_request(&token, &c.challenge_id)).await;
    // Before the code, only what this order can use: never the whole balance.
    assert!(
        balance.get("points").is_none() && balance.get("worth").is_none(),
        "no balance before the code: {balance}"
    );
    // The order total (250 SAR) caps what the balance could pay.
    assert_eq!(balance["max_redeemable"]["minor"], 25_000);

    let otp = sim().last_otp(RICH).await;
    let before = bank_transaction_count().await;
    let response = redeem(&token, &unique(), &c.challenge_id, &otp, 10_000).await;
    assert_eq!(response.status(), 201);
    let r: Redemption = response.json().await.unwrap();
    assert_eq!(r.state, RedemptionState::Redeemed);
    assert_eq!(r.points, 25_000);
    assert_eq!(r.discount.minor, 10_000);
    assert!(!r.receipt.is_empty());
    // After the code, the whole balance as the bank holds it now.
    let held = u64::try_from(loyalty_e2e::bank_points(RICH).await).ok();
    assert_eq!(r.balance_points_after, held);
    assert_bank_moved(before, 1, "one redemption at the bank").await;

    let undone = loyalty_e2e::undo(&token, &r.redemption_id).await;
    assert_eq!(undone.status(), 200);
    let u: Redemption = undone.json().await.unwrap();
    assert_eq!(u.state, RedemptionState::Reversed);
    // Undoing twice does not reverse twice.
    let again = loyalty_e2e::undo(&token, &r.redemption_id).await;
    assert_eq!(api_error(again).await.code, ErrorCode::AlreadyReversed);
    assert_bank_moved(before, 2, "one redemption and one reversal at the bank").await;
}

#[tokio::test]
async fn redeem_by_customer_number() {
    let token = start_session(5_000).await;
    let response = send_otp(&token, "customer_number", RICH_CIC).await;
    assert_eq!(response.status(), 201);
    let c: OtpChallenge = response.json().await.unwrap();
    assert_eq!(c.masked_destination, "••••5678");
    // The bank texts the phone on file for that customer number.
    redeem_as_rich(&token, &c.challenge_id, 5_000, 12_500).await;
}

#[tokio::test]
async fn wrong_otps_count_down_then_lock() {
    let c = challenged(&new_shopper(1_000_000).await.mobile).await;
    let wrong = &wrong_code(&c.otp);
    for left in (1..=4).rev() {
        let e = api_error(c.redeem_with(wrong, 1_000).await).await;
        assert_eq!(
            (e.code, e.attempts_left),
            (ErrorCode::OtpInvalid, Some(left))
        );
    }
    let e = api_error(c.redeem_with(wrong, 1_000).await).await;
    assert_eq!(e.code, ErrorCode::OtpLocked);
    // Locked means locked: even the right code is refused now, without calling the bank.
    let e = api_error(c.redeem_with(&c.otp, 1_000).await).await;
    assert_eq!(e.code, ErrorCode::OtpLocked);
}

#[tokio::test]
async fn resend_too_early_says_how_long_to_wait() {
    let shopper = new_shopper(1_000).await;
    let token = start_session(25_000).await;
    otp_challenge(&token, &shopper.mobile).await;
    let response = send_otp(&token, "mobile", &shopper.mobile).await;
    assert_eq!(response.status(), 429);
    let wait = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse::<u32>()
        .unwrap();
    let e = api_error(response).await;
    assert_eq!(e.code, ErrorCode::ResendTooEarly);
    assert_eq!(e.retry_after_seconds, Some(wait));
    assert!(wait > 50 && wait <= 60);
}

#[tokio::test]
async fn an_expired_otp_is_refused() {
    let c = challenged(&new_shopper(1_000_000).await.mobile).await;
    sim().advance_clock(181).await;
    let e = api_error(c.redeem_with(&c.otp, 1_000).await).await;
    assert_eq!(e.code, ErrorCode::OtpExpired);
}

#[tokio::test]
async fn insufficient_balance_and_amount_over_the_order() {
    let c = challenged(POOR).await;
    let before = bank_transaction_count().await;
    let e = api_error(c.redeem_with(&c.otp, 30_000).await).await;
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::AmountOverLimit, Some("amount"))
    );
    let e = api_error(c.redeem_with(&c.otp, 10_000).await).await;
    assert_eq!(e.code, ErrorCode::BalanceInsufficient);
    assert_bank_moved(before, 0, "no points taken").await;
}

#[tokio::test]
async fn twenty_concurrent_requests_with_one_key_redeem_once() {
    let c = challenged(&new_shopper(1_000_000).await.mobile).await;
    let key = unique();
    let before = bank_transaction_count().await;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (c, key) = (c.clone(), key.clone());
            tokio::spawn(
                async move { redeem(&c.token, &key, &c.challenge_id, &c.otp, 2_000).await },
            )
        })
        .collect();
    let mut ids = std::collections::BTreeSet::new();
    for task in tasks {
        let response = task.await.unwrap();
        if response.status().is_success() {
            let r: Redemption = response.json().await.unwrap();
            ids.insert(r.redemption_id);
        } else {
            // Requests that arrive while the first is at the bank are told to wait and
            // retry with the same key: the provider did not fail them.
            let e = api_error(response).await;
            assert_eq!(e.code, ErrorCode::RequestInProgress);
            assert!(e.retry_after_seconds.is_some());
        }
    }
    assert_eq!(
        ids.len(),
        1,
        "one ledger row for one key, answered to the winner and the late: {ids:?}"
    );
    assert_bank_moved(before, 1, "exactly one bank redemption").await;
    // A retry after the dust settles gets the first result.
    let r: Redemption = answer(redeem(&c.token, &key, &c.challenge_id, &c.otp, 2_000).await).await;
    assert_eq!(r.state, RedemptionState::Redeemed);
    assert_eq!(Some(&r.redemption_id), ids.first());
    // The same key with other content is a conflict, not a second redemption.
    let e = api_error(redeem(&c.token, &key, &c.challenge_id, &c.otp, 3_000).await).await;
    assert_eq!(e.code, ErrorCode::IdempotencyConflict);
}

#[tokio::test]
async fn a_number_gets_a_limited_number_of_codes() {
    // Each attempt in a new session, so only the per-number limit (5 per 15 minutes) applies.
    let shopper = new_shopper(1_000).await;
    for i in 0..5 {
        if i > 0 {
            sim().advance_clock(181).await; // let the bank's OTP lapse so it texts a new one
        }
        let token = start_session(25_000).await;
        otp_challenge(&token, &shopper.mobile).await;
    }
    // The sixth, within 15 minutes of the first, is refused before reaching the bank.
    let token = start_session(25_000).await;
    let response = send_otp(&token, "mobile", &shopper.mobile).await;
    assert_eq!(response.status(), 429);
    let e = api_error(response).await;
    assert_eq!(e.code, ErrorCode::RateLimited);
    assert!(e.retry_after_seconds.is_some_and(|s| s > 0 && s <= 900));
}

#[tokio::test]
async fn a_changed_cart_voids_the_code() {
    let c = challenged(&new_shopper(1_000_000).await.mobile).await;
    let changed = widget(Method::PATCH, "/v1/sessions/current", &c.token)
        .json(&json!({"amount": {"minor": 20_000, "currency": "SAR"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    let before = bank_transaction_count().await;
    let e = api_error(c.redeem_with(&c.otp, 1_000).await).await;
    assert_eq!(e.code, ErrorCode::CartChanged);
    assert_bank_moved(before, 0, "the changed cart reached no bank").await;
}

#[tokio::test]
async fn the_demo_merchant_accepts_an_iban_and_refuses_a_typo() {
    let token = start_session(25_000).await;
    let typo = send_otp(&token, "iban", "SA03 8000 0000 6080 1016 7518").await;
    let e = api_error(typo).await;
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::InvalidAccount, Some("iban"))
    );
    let response = send_otp(&token, "iban", "sa03 8000 0000 6080 1016 7519").await;
    assert_eq!(response.status(), 201);
    let c: OtpChallenge = response.json().await.unwrap();
    assert_eq!(c.masked_destination, "SA03••••7519");
    // The bank texts the phone on file for that account.
    redeem_as_rich(&token, &c.challenge_id, 1_000, 2_500).await;
}
