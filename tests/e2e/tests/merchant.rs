//! The merchant's server and the cron: capture on payment, reversal on cancellation or
//! abandonment, receipts, signatures, and recovery from a bank that fails or drops answers.

use loyalty_e2e::console::operator_post;
use loyalty_e2e::{
    answer, assert_bank_moved, bank_transaction_count, challenged, edge_url, error_code, http,
    merchant_post, new_shopper, order_cancelled, read_json, redeem, redeemed, run_cron, sim,
    unique, Fault,
};
use loyalty_shared::api::{CronReport, MerchantRedemption, Redemption, RedemptionState};
use loyalty_shared::signature::{sign, PayloadLayout};
use loyalty_shared::ErrorCode;
use serde_json::json;

#[tokio::test]
async fn order_paid_captures_once() {
    let (_, r) = redeemed(25_000, 5_000, None).await;
    let body = json!({"merchant_id": "demo", "redemption_id": r.redemption_id, "order_id": "100001", "order_total": {"minor": 25_000, "currency": "SAR"}});
    let first = merchant_post("/v1/merchant/orders/paid", &body).await;
    assert_eq!(first.status(), 200);
    let m: MerchantRedemption = first.json().await.unwrap();
    assert_eq!(
        (m.state, m.order_id.as_deref()),
        (RedemptionState::Captured, Some("100001"))
    );
    // A retry (signed anew a second later, same facts) is answered from the ledger.
    sim().advance_clock(1).await;
    let again: MerchantRedemption =
        answer(merchant_post("/v1/merchant/orders/paid", &body).await).await;
    assert_eq!(again.state, RedemptionState::Captured);
}

#[tokio::test]
async fn a_discount_above_the_paid_total_is_refused_and_reversed() {
    let (_, r) = redeemed(25_000, 20_000, None).await;
    let before = bank_transaction_count().await;
    let response = merchant_post(
        "/v1/merchant/orders/paid",
        &json!({"merchant_id": "demo", "redemption_id": r.redemption_id, "order_id": "100002", "order_total": {"minor": 15_000, "currency": "SAR"}}),
    )
    .await;
    assert_eq!(error_code(response).await, ErrorCode::AmountOverLimit);
    assert_bank_moved(before, 1, "the points were given back").await;
}

#[tokio::test]
async fn order_cancelled_twice_reverses_once() {
    let (_, r) = redeemed(25_000, 3_000, None).await;
    let before = bank_transaction_count().await;
    let first: MerchantRedemption = answer(order_cancelled(&r.redemption_id).await).await;
    assert_eq!(first.state, RedemptionState::Reversed);
    sim().advance_clock(1).await; // a new signature: the same one twice would be a replay
    let second = order_cancelled(&r.redemption_id).await;
    assert_eq!(second.status(), 200);
    assert_eq!(
        second.json::<MerchantRedemption>().await.unwrap().state,
        RedemptionState::Reversed
    );
    assert_bank_moved(before, 1, "one reversal at the bank").await;
}

#[tokio::test]
async fn forged_stale_and_replayed_signatures_change_nothing() {
    let (_, r) = redeemed(25_000, 1_000, None).await;
    let body = json!({"merchant_id": "demo", "redemption_id": r.redemption_id});
    let bytes = serde_json::to_vec(&body).unwrap();
    let url = format!("{}/v1/merchant/orders/cancelled", edge_url());
    let before = bank_transaction_count().await;
    let now = sim().now().await;
    let send = |header: Option<String>| {
        let mut request = http()
            .post(&url)
            .header("Content-Type", "application/json")
            .body(bytes.clone());
        if let Some(h) = header {
            request = request.header("Loyalty-Signature", h);
        }
        request.send()
    };
    let secret = std::env::var("LOYALTY_MERCHANT_SECRET").unwrap();
    let signed = |key: &[u8], t: i64| sign(key, t, &bytes, PayloadLayout::TimestampDotBody);
    let forged = signed(b"not-the-merchant-secret", now);
    let stale = signed(secret.as_bytes(), now - 301);
    for header in [
        Some(forged),
        Some(stale),
        None,
        Some("t=abc,v1=00".to_string()),
    ] {
        let response = send(header).await.unwrap();
        assert_eq!(response.status(), 401);
        assert_eq!(error_code(response).await, ErrorCode::BadSignature);
    }
    // A genuine request works once; the same bytes and signature replayed are refused.
    let genuine = signed(secret.as_bytes(), now);
    assert_eq!(send(Some(genuine.clone())).await.unwrap().status(), 200);
    let replay = send(Some(genuine)).await.unwrap();
    assert_eq!(replay.status(), 409);
    assert_eq!(error_code(replay).await, ErrorCode::SignatureReplayed);
    assert_bank_moved(before, 1, "the genuine cancellation only").await;
}

#[tokio::test]
async fn receipts_verify_and_forgeries_do_not() {
    let (_, r) = redeemed(25_000, 1_500, None).await;
    let ok = merchant_post(
        "/v1/merchant/receipts/verify",
        &json!({"merchant_id": "demo", "receipt": r.receipt}),
    )
    .await;
    assert_eq!(ok.status(), 200);
    let m: MerchantRedemption = ok.json().await.unwrap();
    assert_eq!(
        (m.redemption_id, m.discount.minor),
        (r.redemption_id.clone(), 1_500)
    );
    let tampered = r.receipt.replace("v1=", "v1=0");
    let bad = merchant_post(
        "/v1/merchant/receipts/verify",
        &json!({"merchant_id": "demo", "receipt": tampered}),
    )
    .await;
    assert_eq!(error_code(bad).await, ErrorCode::BadSignature);
}

#[tokio::test]
async fn an_abandoned_cart_is_reversed_once_by_the_cron_and_the_shopper_is_emailed() {
    // Let the cron settle what earlier tests left redeemed, so only this cart is abandoned.
    sim().advance_clock(90 * 60 + 1).await;
    run_cron().await;
    let email = format!("shopper-{}@example.sa", unique());
    let (_, r) = redeemed(25_000, 2_500, Some(&email)).await;
    run_cron().await; // sends the redemption notice
    let before = bank_transaction_count().await;
    sim().advance_clock(90 * 60 + 1).await;
    // The jobs live in the office worker: without the operator's token nobody runs them.
    let stranger = http()
        .post(format!("{}/v1/operator/cron", edge_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(stranger).await, ErrorCode::Unauthorized);
    assert_bank_moved(before, 0, "nothing ran").await;
    // The operator runs them by hand and is told what they did; the cron trigger does the same.
    let report: CronReport = answer(operator_post("/v1/operator/cron", &json!({})).await).await;
    assert!(report.abandoned_reversed >= 1, "{report:?}");
    assert_bank_moved(before, 1, "reversed by the cron").await;
    run_cron().await;
    assert_bank_moved(before, 1, "and only once").await;
    let cancel: MerchantRedemption = answer(order_cancelled(&r.redemption_id).await).await;
    assert_eq!(cancel.state, RedemptionState::Reversed);
    let outbox = sim().emails(&email).await;
    let subjects: Vec<&str> = outbox.iter().map(|m| m.message.subject.as_str()).collect();
    assert_eq!(subjects.len(), 2, "{subjects:?}");
    assert!(subjects
        .iter()
        .any(|s| s.contains("You used 6250 Mokafaa points")));
    assert!(subjects
        .iter()
        .any(|s| s.contains("6250 Mokafaa points were returned")));
}

#[tokio::test]
async fn a_bank_outage_takes_no_points() {
    let shopper = new_shopper(1_000_000).await;
    let c = challenged(&shopper.mobile).await;
    sim()
        .inject_fault("mokafaa.otp_validation", Fault::Outage)
        .await;
    let key = unique();
    let response = redeem(&c.token, &key, &c.challenge_id, &c.otp, 4_000).await;
    sim().clear_faults().await;
    assert_eq!(error_code(response).await, ErrorCode::UpstreamUnavailable);
    // The answer was lost, so the row waits for reconciliation; the bank's list settles it.
    sim().advance_clock(16 * 60).await;
    run_cron().await;
    assert_eq!(
        loyalty_e2e::bank_transaction_count_of(&shopper.mobile).await,
        0,
        "no points taken"
    );
    let retry = redeem(&c.token, &key, &c.challenge_id, &c.otp, 4_000).await;
    assert_eq!(
        error_code(retry).await,
        ErrorCode::UpstreamUnavailable,
        "the key's row failed: the shopper starts again"
    );
}

#[tokio::test]
async fn a_bank_that_commits_then_drops_the_answer_is_reconciled_not_redeemed_twice() {
    let shopper = new_shopper(1_000_000).await;
    let c = challenged(&shopper.mobile).await;
    let before = bank_transaction_count().await;
    sim()
        .inject_fault("mokafaa.otp_validation", Fault::LostAnswer.times(1))
        .await;
    // The same key each time, as the widget retries.
    let key = unique();
    let try_again = || redeem(&c.token, &key, &c.challenge_id, &c.otp, 6_000);
    let lost = try_again().await;
    sim().clear_faults().await;
    assert_eq!(error_code(lost).await, ErrorCode::UpstreamUnavailable);
    assert_bank_moved(before, 1, "the bank did redeem").await;
    // Retrying before reconciliation never calls the bank again.
    let early = try_again().await;
    assert_eq!(error_code(early).await, ErrorCode::RequestInProgress);
    sim().advance_clock(61).await;
    run_cron().await;
    let settled = try_again().await;
    assert_eq!(settled.status(), 200);
    let r: Redemption = settled.json().await.unwrap();
    assert_eq!((r.state, r.points), (RedemptionState::Redeemed, 15_000));
    assert_bank_moved(before, 1, "exactly one redemption at the bank").await;
}

#[tokio::test]
async fn reversals_that_keep_failing_surface_in_the_admin_view() {
    let (_, r) = redeemed(25_000, 1_200, None).await;
    sim().inject_fault("mokafaa.reversal", Fault::Outage).await;
    let cancel = order_cancelled(&r.redemption_id).await;
    assert_eq!(cancel.status(), 202, "reversal started, not confirmed");
    // Eight retries with backoff (1, 2, 4 ... 60 minutes), then the row is parked.
    for _ in 0..9 {
        sim().advance_clock(61 * 60).await;
        run_cron().await;
    }
    sim().clear_faults().await;
    let url = format!("{}/v1/admin/redemptions/attention", edge_url());
    let refused = http().get(&url).send().await.unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(error_code(refused).await, ErrorCode::Unauthorized);
    let admin = loyalty_e2e::pongo::demo_admin().await;
    let items: Vec<loyalty_shared::api::AttentionItem> =
        read_json(admin.request(reqwest::Method::GET, "/v1/admin/redemptions/attention")).await;
    let item = items
        .iter()
        .find(|i| i.redemption.redemption_id == r.redemption_id)
        .expect("listed for a person");
    assert_eq!(
        (item.redemption.state, item.attempts),
        (RedemptionState::Reversing, 8)
    );
}
