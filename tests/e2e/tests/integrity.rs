//! The ledger's promise under attack and a flaky network: a redemption pays one order, a
//! lost answer never hands one shopper's bank transaction to another, a lost reversal is
//! settled, guesses are budgeted per identifier, and no input reaches D1 unchecked. Each
//! test asserts the answer code, the ledger (through the merchant API) and the bank's books.

use loyalty_e2e::{
    answer, api_error, assert_bank_moved, balance_request, bank_points, bank_transaction_count,
    challenged, edge_url, http, merchant_post, new_shopper, order_cancelled, otp_challenge,
    read_json, redeem, redeemed, run_cron, sim, start_session, unique, widget, wrong_code, Fault,
    FaultConfig, DEMO_ORIGIN,
};
use loyalty_shared::api::{AttentionItem, MerchantRedemption, Redemption, RedemptionState};
use loyalty_shared::signature::{sign, PayloadLayout};
use loyalty_shared::ErrorCode;
use loyalty_sim::mokafaa::Transaction;
use reqwest::Method;
use serde_json::{json, Value};

fn paid(redemption_id: &str, order_id: &str, total_minor: u64) -> Value {
    json!({"merchant_id": "demo", "redemption_id": redemption_id, "order_id": order_id,
           "order_total": {"minor": total_minor, "currency": "SAR"}})
}

/// The merchant's server reports `order_id` paid with a total of `total_minor`.
async fn pay(redemption_id: &str, order_id: &str, total_minor: u64) -> reqwest::Response {
    let body = paid(redemption_id, order_id, total_minor);
    merchant_post("/v1/merchant/orders/paid", &body).await
}

/// The bank moved `moves` transactions since it held `before`, and the ledger holds the
/// redemption of `receipt` as `state`.
async fn assert_books(before: usize, moves: usize, receipt: &str, state: RedemptionState) {
    assert_bank_moved(before, moves, "the bank's books").await;
    assert_eq!(ledger_state(receipt).await.state, state, "the ledger");
}

/// The ledger's view of a redemption, through the merchant's receipt check.
async fn ledger_state(receipt: &str) -> MerchantRedemption {
    sim().advance_clock(1).await;
    let response = merchant_post(
        "/v1/merchant/receipts/verify",
        &json!({"merchant_id": "demo", "receipt": receipt}),
    )
    .await;
    assert_eq!(response.status(), 200, "receipt verifies");
    response.json().await.unwrap()
}

/// Bank transactions (redemptions and reversals) of `mobile`.
async fn bank_transactions_of(mobile: &str) -> Vec<Transaction> {
    let books = sim().mokafaa_books().await;
    books.transactions_of(mobile).cloned().collect()
}

async fn attention() -> Vec<AttentionItem> {
    let admin = loyalty_e2e::pongo::demo_admin().await;
    read_json(admin.request(reqwest::Method::GET, "/v1/admin/redemptions/attention")).await
}

// ------------------------------------------------------------------ one redemption, one order

#[tokio::test]
async fn a_redemption_pays_exactly_one_order() {
    let (_, r) = redeemed(25_000, 5_000, None).await;
    let first = pay(&r.redemption_id, "A-1", 25_000).await;
    assert_eq!(first.status(), 200);
    let m: MerchantRedemption = first.json().await.unwrap();
    assert_eq!(
        (m.state, m.order_id.as_deref()),
        (RedemptionState::Captured, Some("A-1"))
    );
    // The same receipt presented for another order, of any total, discounts nothing.
    for (order, total) in [("B-1", 25_000), ("B-2", 999_999)] {
        sim().advance_clock(1).await;
        let again = pay(&r.redemption_id, order, total).await;
        assert_eq!(again.status(), 409);
        let e = api_error(again).await;
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::RedemptionAlreadyUsed, Some("redemption_id"))
        );
    }
    // The first order's repeat is answered the same as the first time.
    sim().advance_clock(1).await;
    let repeat: MerchantRedemption = answer(pay(&r.redemption_id, "A-1", 25_000).await).await;
    assert_eq!(repeat, m);
    assert_eq!(
        ledger_state(&r.receipt).await.order_id.as_deref(),
        Some("A-1")
    );
    // The refused order's cancellation (or one naming no order) gives nothing back: the
    // points paid order A-1.
    let before = bank_transaction_count().await;
    for cancel in [
        json!({"merchant_id": "demo", "redemption_id": r.redemption_id, "order_id": "B-1"}),
        json!({"merchant_id": "demo", "redemption_id": r.redemption_id}),
    ] {
        sim().advance_clock(1).await;
        let refused = merchant_post("/v1/merchant/orders/cancelled", &cancel).await;
        assert_eq!(
            api_error(refused).await.code,
            ErrorCode::RedemptionAlreadyUsed
        );
    }
    assert_books(before, 0, &r.receipt, RedemptionState::Captured).await;
    // Order A-1's own cancellation does.
    sim().advance_clock(1).await;
    let own = json!({"merchant_id": "demo", "redemption_id": r.redemption_id, "order_id": "A-1"});
    let cancelled: MerchantRedemption =
        answer(merchant_post("/v1/merchant/orders/cancelled", &own).await).await;
    assert_eq!(cancelled.state, RedemptionState::Reversed);
    assert_bank_moved(before, 1, "the points go back once").await;
}

#[tokio::test]
async fn ten_orders_racing_for_one_redemption_capture_it_once() {
    let (_, r) = redeemed(25_000, 4_000, None).await;
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let body = paid(&r.redemption_id, &format!("race-{i}"), 25_000);
            tokio::spawn(async move { merchant_post("/v1/merchant/orders/paid", &body).await })
        })
        .collect();
    let mut captured = Vec::new();
    for task in tasks {
        let response = task.await.unwrap();
        if response.status() == 200 {
            captured.push(response.json::<MerchantRedemption>().await.unwrap());
        } else {
            assert_eq!(
                api_error(response).await.code,
                ErrorCode::RedemptionAlreadyUsed
            );
        }
    }
    assert_eq!(captured.len(), 1, "exactly one order got the discount");
    let ledger = ledger_state(&r.receipt).await;
    assert_eq!(ledger.order_id, captured[0].order_id);
}

/// A redeem claims its key in its first batch, before the merchant's limits are read: a
/// request those limits refuse ends its row failed (the key answers the same from then on)
/// and leaves the cart free for the shopper's next try, which redeems once.
#[tokio::test]
async fn a_request_refused_after_its_claim_keeps_its_answer_and_frees_the_cart() {
    let shopper = new_shopper(1_000_000).await;
    let c = challenged(&shopper.mobile).await;
    let before = bank_transaction_count().await;
    let key = unique();
    for _ in 0..2 {
        let over = redeem(&c.token, &key, &c.challenge_id, &c.otp, 30_000).await;
        assert_eq!(api_error(over).await.code, ErrorCode::AmountOverLimit);
    }
    assert_bank_moved(before, 0, "refused before the bank").await;
    let fitting = redeem(&c.token, &unique(), &c.challenge_id, &c.otp, 5_000).await;
    assert_eq!(fitting.status(), 201, "the cart is still free");
    assert_bank_moved(before, 1, "redeemed once").await;
}

/// The claim is written in the guard's own batch, so the guard's rules hold in its SQL:
/// a redeem sent with the shopper's token from another page's origin, or with another
/// session's token, is refused and claims nothing, so the shopper's own redeem from the
/// storefront still finds the cart free and redeems once.
#[tokio::test]
async fn a_redeem_from_another_origin_or_session_claims_nothing() {
    let shopper = new_shopper(1_000_000).await;
    let c = challenged(&shopper.mobile).await;
    let before = bank_transaction_count().await;
    let body = json!({"challenge_id": c.challenge_id, "otp": c.otp,
                      "amount": {"minor": 5_000, "currency": "SAR"}});
    let elsewhere = http()
        .post(format!("{}/v1/mokafaa/redeem", edge_url()))
        .bearer_auth(&c.token)
        .header("Origin", "https://evil.example")
        .header("Idempotency-Key", unique())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(api_error(elsewhere).await.code, ErrorCode::OriginNotAllowed);
    let stranger = start_session(25_000).await;
    let other = redeem(&stranger, &unique(), &c.challenge_id, &c.otp, 5_000).await;
    assert_eq!(
        api_error(other).await.code,
        ErrorCode::NotFound,
        "not its code"
    );
    assert_bank_moved(before, 0, "nothing reached the bank").await;
    let own = redeem(&c.token, &unique(), &c.challenge_id, &c.otp, 5_000).await;
    assert_eq!(own.status(), 201, "the cart was never claimed");
    assert_bank_moved(before, 1, "redeemed once").await;
}

/// The undo starts its reversal in the guard's own batch, so the guard's rules hold in its
/// SQL too: another session's token or another page's origin start nothing, and the
/// owner's undo then gives the points back once.
#[tokio::test]
async fn only_the_redeeming_session_from_its_storefront_can_undo() {
    let (token, r) = redeemed(25_000, 3_000, None).await;
    let path = format!("/v1/mokafaa/redemptions/{}/undo", r.redemption_id);
    let before = bank_transaction_count().await;
    let stranger = start_session(25_000).await;
    let response = widget(Method::POST, &path, &stranger).send().await.unwrap();
    assert_eq!(api_error(response).await.code, ErrorCode::NotFound);
    let elsewhere = http()
        .post(format!("{}{path}", edge_url()))
        .bearer_auth(&token)
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(api_error(elsewhere).await.code, ErrorCode::OriginNotAllowed);
    assert_books(before, 0, &r.receipt, RedemptionState::Redeemed).await;
    let undone = loyalty_e2e::undo(&token, &r.redemption_id).await;
    assert_eq!(undone.status(), 200);
    let twice = loyalty_e2e::undo(&token, &r.redemption_id).await;
    assert_eq!(api_error(twice).await.code, ErrorCode::AlreadyReversed);
    assert_books(before, 1, &r.receipt, RedemptionState::Reversed).await;
}

#[tokio::test]
async fn a_redemption_given_back_pays_no_order() {
    let (token, r) = redeemed(25_000, 3_000, None).await;
    assert_eq!(
        loyalty_e2e::undo(&token, &r.redemption_id).await.status(),
        200
    );
    let before = bank_transaction_count().await;
    let response = pay(&r.redemption_id, "U-1", 25_000).await;
    assert_eq!(
        response.status(),
        409,
        "never a 2xx for a reversed redemption"
    );
    assert_eq!(
        api_error(response).await.code,
        ErrorCode::RedemptionNotCapturable
    );
    assert_books(before, 0, &r.receipt, RedemptionState::Reversed).await;
}

#[tokio::test]
async fn a_capture_refused_for_its_total_is_refused_again_when_repeated() {
    let (_, r) = redeemed(25_000, 20_000, None).await;
    let body = paid(&r.redemption_id, "T-1", 10_000);
    let first = merchant_post("/v1/merchant/orders/paid", &body).await;
    assert_eq!(api_error(first).await.code, ErrorCode::AmountOverLimit);
    let after_first = bank_transaction_count().await;
    sim().advance_clock(1).await;
    let repeat = merchant_post("/v1/merchant/orders/paid", &body).await;
    assert_eq!(api_error(repeat).await.code, ErrorCode::AmountOverLimit);
    sim().advance_clock(1).await;
    let other = pay(&r.redemption_id, "T-2", 25_000).await;
    assert_eq!(
        api_error(other).await.code,
        ErrorCode::RedemptionNotCapturable
    );
    assert_bank_moved(after_first, 0, "one reversal only").await;
}

// ------------------------------------------------------------------ reconciliation

/// A redemption of `minor` by `mobile` whose bank call meets `fault`; returns the session,
/// the key and the challenge so the shopper can retry.
async fn redeem_with_fault(
    mobile: &str,
    minor: u64,
    fault: impl Into<FaultConfig>,
) -> (String, String, String, String) {
    let c = challenged(mobile).await;
    sim().inject_fault("mokafaa.otp_validation", fault).await;
    let key = unique();
    let response = redeem(&c.token, &key, &c.challenge_id, &c.otp, minor).await;
    sim().clear_faults().await;
    assert_eq!(
        api_error(response).await.code,
        ErrorCode::UpstreamUnavailable
    );
    (c.token, key, c.challenge_id, c.otp)
}

#[tokio::test]
async fn a_lost_answer_is_never_matched_to_another_shoppers_transaction() {
    // Settle what earlier tests left pending, so only these rows compete.
    sim().advance_clock(16 * 60).await;
    run_cron().await;
    let (a, b) = (new_shopper(100_000).await, new_shopper(100_000).await);
    // A's request never reached the bank; B's reached it and the answer was lost.
    let a_try = redeem_with_fault(&a.mobile, 2_000, Fault::Outage).await;
    let b_try = redeem_with_fault(&b.mobile, 2_000, Fault::LostAnswer.times(1)).await;
    assert_eq!(
        bank_points(&b.mobile).await,
        100_000 - 5_000,
        "the bank took B's points"
    );
    sim().advance_clock(61).await;
    run_cron().await;
    // B's row is B's transaction; A's row takes nothing.
    let b_answer = redeem(&b_try.0, &b_try.1, &b_try.2, &b_try.3, 2_000).await;
    assert_eq!(b_answer.status(), 200, "B's redemption is found");
    let b_redemption: Redemption = b_answer.json().await.unwrap();
    assert_eq!(b_redemption.state, RedemptionState::Redeemed);
    let a_answer = redeem(&a_try.0, &a_try.1, &a_try.2, &a_try.3, 2_000).await;
    assert_eq!(
        api_error(a_answer).await.code,
        ErrorCode::RequestInProgress,
        "A waits: nothing of A's is at the bank yet"
    );
    sim().advance_clock(16 * 60).await;
    run_cron().await;
    let a_final = redeem(&a_try.0, &a_try.1, &a_try.2, &a_try.3, 2_000).await;
    assert_eq!(
        api_error(a_final).await.code,
        ErrorCode::UpstreamUnavailable,
        "A failed: no points taken"
    );
    assert_eq!(bank_points(&a.mobile).await, 100_000);
    assert!(bank_transactions_of(&a.mobile).await.is_empty());
    // B's points are held once, for B's row, which the store can capture.
    let captured = pay(
        &b_redemption.redemption_id,
        &format!("rec-{}", unique()),
        25_000,
    )
    .await;
    assert_eq!(captured.status(), 200);
    assert_eq!(bank_points(&b.mobile).await, 100_000 - 5_000);
}

#[tokio::test]
async fn two_rows_that_could_own_one_transaction_wait_for_a_person() {
    sim().advance_clock(16 * 60).await;
    run_cron().await;
    // One shopper, two carts, the same points, both answers lost after the bank committed:
    // each row has two candidate transactions. Nobody guesses which is whose.
    let shopper = new_shopper(100_000).await;
    let lost = Fault::LostAnswer.times(1);
    let first = redeem_with_fault(&shopper.mobile, 1_000, lost.clone()).await;
    let second = redeem_with_fault(&shopper.mobile, 1_000, lost).await;
    sim().advance_clock(61).await;
    run_cron().await;
    let transactions = bank_transactions_of(&shopper.mobile).await;
    assert_eq!(transactions.len(), 2, "two redemptions at the bank");
    let ids: Vec<String> = transactions.iter().map(|t| t.id.to_string()).collect();
    let parked: Vec<AttentionItem> = attention()
        .await
        .into_iter()
        .filter(|i| i.redemption.state == RedemptionState::Pending)
        .filter(|i| {
            i.reason
                .as_deref()
                .is_some_and(|r| r.contains("ambiguous") && ids.iter().all(|id| r.contains(id)))
        })
        .collect();
    assert_eq!(
        parked.len(),
        2,
        "both rows parked with both transactions as evidence"
    );
    // Neither is answered as redeemed: nobody guessed.
    for (token, key, challenge, otp) in [&first, &second] {
        let answer = redeem(token, key, challenge, otp, 1_000).await;
        assert_eq!(api_error(answer).await.code, ErrorCode::RequestInProgress);
    }
}

// ------------------------------------------------------------------ reversals

#[tokio::test]
async fn a_reversal_whose_answer_was_lost_is_settled_from_the_banks_list() {
    let email = format!("lost-reversal-{}@example.sa", unique());
    let (_, r) = redeemed(25_000, 2_000, Some(&email)).await;
    sim()
        .inject_fault("mokafaa.reversal", Fault::LostAnswer.times(1))
        .await;
    let cancel = order_cancelled(&r.redemption_id).await;
    sim().clear_faults().await;
    assert!(
        cancel.status().is_success(),
        "accepted: {}",
        cancel.status()
    );
    let after_reversal = bank_transaction_count().await;
    // Any later try meets the bank's "already reversed" refusal: the list settles it.
    sim().advance_clock(3 * 60).await;
    run_cron().await;
    assert_eq!(
        ledger_state(&r.receipt).await.state,
        RedemptionState::Reversed
    );
    assert_bank_moved(after_reversal, 0, "reversed once").await;
    run_cron().await; // sends the notice
    let outbox = sim().emails(&email).await;
    let returned = outbox
        .iter()
        .filter(|m| m.message.subject.contains("returned"))
        .count();
    assert_eq!(returned, 1, "the shopper is told once: {outbox:?}");
}

#[tokio::test]
async fn one_bad_row_does_not_stop_the_cron_for_the_others() {
    // Settle what earlier tests left, so the rows below are the only ones due.
    sim().advance_clock(91 * 60 + 1).await;
    run_cron().await;
    for _ in 0..3 {
        sim().advance_clock(61 * 60).await;
        run_cron().await;
    }
    let (_, bad) = redeemed(25_000, 1_000, None).await;
    let (_, good) = redeemed(25_000, 1_500, None).await;
    // A row no code path can make: reversing without the bank's transaction id, first in line.
    loyalty_e2e::d1_execute(&format!(
        "UPDATE redemptions SET state = 'reversing', bank_transaction_id = NULL, updated_at = 0, next_attempt_at = 0 WHERE id = '{}'",
        bad.redemption_id
    ));
    sim().inject_fault("mokafaa.reversal", Fault::Outage).await;
    let cancel = order_cancelled(&good.redemption_id).await;
    sim().clear_faults().await;
    assert_eq!(
        cancel.status(),
        202,
        "reversal started, the bank did not answer"
    );
    let before = bank_transaction_count().await;
    sim().advance_clock(3 * 60).await;
    run_cron().await;
    assert_eq!(
        ledger_state(&good.receipt).await.state,
        RedemptionState::Reversed,
        "the good row was reversed although the bad one failed before it"
    );
    assert_books(before, 1, &bad.receipt, RedemptionState::Reversing).await;
}

// ------------------------------------------------------------------ guessing budget

#[tokio::test]
async fn wrong_codes_are_budgeted_per_identifier_across_sessions() {
    let shopper = new_shopper(100_000).await;
    let bystander = new_shopper(100_000).await;
    // Two wrong codes in a first session...
    let first = challenged(&shopper.mobile).await;
    for _ in 0..2 {
        let e = api_error(first.redeem_with(&wrong_code(&first.otp), 1_000).await).await;
        assert_eq!(e.code, ErrorCode::OtpInvalid);
    }
    // ...then, once that code expired, ten wrong codes at once in another session.
    sim().advance_clock(181).await;
    let second = challenged(&shopper.mobile).await;
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let second = second.clone();
            tokio::spawn(async move { second.redeem_with(&wrong_code(&second.otp), 1_000).await })
        })
        .collect();
    let (mut invalid, mut locked, mut waited) = (0, 0, 0);
    for task in tasks {
        let e = api_error(task.await.unwrap()).await;
        match e.code {
            ErrorCode::OtpInvalid => invalid += 1,
            // Another attempt of this session was with the bank: refused before the bank.
            ErrorCode::RequestInProgress => waited += 1,
            ErrorCode::OtpLocked => {
                locked += 1;
                assert!(
                    e.retry_after_seconds.is_some_and(|s| s > 0 && s <= 3600),
                    "{e:?}"
                );
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(
        invalid <= 3,
        "at most 5 wrong codes in all reach the bank; 2 + {invalid} did"
    );
    assert_eq!(invalid + locked + waited, 10);
    // One attempt of a session reaches the bank at a time: the guesser goes on, one code
    // after another, until the identifier's budget locks it, never past 5 wrong codes.
    let mut wrong = 2 + invalid;
    while locked == 0 {
        let e = api_error(second.redeem_with(&wrong_code(&second.otp), 1_000).await).await;
        match e.code {
            ErrorCode::OtpInvalid => wrong += 1,
            ErrorCode::OtpLocked => locked += 1,
            other => panic!("unexpected {other}"),
        }
        assert!(
            wrong < 5,
            "{wrong} wrong codes reached the bank before the lock"
        );
    }
    // Locked means the identifier: even the right code on a fresh challenge is refused.
    sim().advance_clock(181).await;
    let fresh = challenged(&shopper.mobile).await;
    let e = api_error(fresh.redeem_with(&fresh.otp, 1_000).await).await;
    assert_eq!(e.code, ErrorCode::OtpLocked);
    assert_eq!(bank_points(&shopper.mobile).await, 100_000);
    // Someone else is not affected.
    let other = challenged(&bystander.mobile).await;
    assert_eq!(other.redeem_with(&other.otp, 1_000).await.status(), 201);
    // An hour later the identifier may try again (the last code has expired by then).
    sim().advance_clock(3601).await;
    let later = challenged(&shopper.mobile).await;
    assert_eq!(later.redeem_with(&later.otp, 1_000).await.status(), 201);
}

#[tokio::test]
async fn an_expired_challenge_shows_no_balance() {
    let shopper = new_shopper(100_000).await;
    let token = start_session(25_000).await;
    let c = otp_challenge(&token, &shopper.mobile).await;
    sim().advance_clock(181).await;
    let response = balance_request(&token, &c.challenge_id)
        .send()
        .await
        .unwrap();
    assert_eq!(api_error(response).await.code, ErrorCode::OtpExpired);
}

// ------------------------------------------------------------------ origins, signatures, sizes

/// Generated from the route table (through the API document, which a native test holds
/// equal to it): a new widget route is covered without writing a test.
#[tokio::test]
async fn every_widget_route_refuses_a_token_used_from_another_origin() {
    let doc = loyalty_e2e::api_document().await;
    let token = start_session(25_000).await;
    let elsewhere = "https://evil.example";
    let mut checked = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if operation["x-audience"] != "widget" {
                continue;
            }
            let concrete = path.replace("{id}", "no-such-redemption");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = loyalty_e2e::send(
                http()
                    .request(method.clone(), format!("{}{concrete}", edge_url()))
                    .header("Origin", elsewhere)
                    .bearer_auth(&token)
                    .json(&json!({})),
            )
            .await;
            let e = api_error(response).await;
            assert_eq!(e.code, ErrorCode::OriginNotAllowed, "{method} {path}");
            checked.push(format!("{method} {path}"));
        }
    }
    assert!(checked.len() >= 9, "the widget routes: {checked:?}");
    // The cart total did not change from the other origin; the storefront itself still may.
    let ok = widget(Method::PATCH, "/v1/sessions/current", &token)
        .json(&json!({"amount": {"minor": 25_000, "currency": "SAR"}}))
        .send()
        .await
        .unwrap();
    assert!(ok.status().is_success(), "the storefront itself still may");
}

#[tokio::test]
async fn a_signature_re_spelled_is_still_a_replay() {
    let (_, r) = redeemed(25_000, 1_000, None).await;
    let body = json!({"merchant_id": "demo", "receipt": r.receipt});
    let bytes = serde_json::to_vec(&body).unwrap();
    let secret = std::env::var("LOYALTY_MERCHANT_SECRET").unwrap();
    let header = sign(
        secret.as_bytes(),
        sim().now().await,
        &bytes,
        PayloadLayout::TimestampDotBody,
    );
    let (t, v1) = header.split_once(',').unwrap();
    let spellings = [
        header.clone(),
        format!("{v1},{t}"),
        format!("{t}, {}", v1.to_uppercase().replacen("V1=", "v1=", 1)),
        format!("{t},{v1},{v1}"),
    ];
    let send = |h: String| {
        http()
            .post(format!("{}/v1/merchant/receipts/verify", edge_url()))
            .header("Content-Type", "application/json")
            .header("Loyalty-Signature", h)
            .body(bytes.clone())
            .send()
    };
    assert_eq!(send(spellings[0].clone()).await.unwrap().status(), 200);
    for spelling in &spellings[1..] {
        let e = api_error(send(spelling.clone()).await.unwrap()).await;
        assert_eq!(e.code, ErrorCode::SignatureReplayed, "{spelling}");
    }
}

#[tokio::test]
async fn numbers_too_big_and_bodies_too_large_are_clear_errors() {
    for minor in [
        json!(1_000_000_000_001_u64),
        json!(9_007_199_254_740_993_u64),
        json!(18_446_744_073_709_551_615_u64),
        json!(-1),
        json!(1.5),
    ] {
        let response = http()
            .post(format!("{}/v1/sessions", edge_url()))
            .header("Origin", DEMO_ORIGIN)
            .json(&json!({"merchant_id": "demo", "cart_id": unique(), "amount": {"minor": minor, "currency": "SAR"}, "locale": "en"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{minor}");
        let e = api_error(response).await;
        assert_eq!(
            (e.code, e.field.as_deref()),
            (ErrorCode::InvalidRequest, Some("amount")),
            "{minor}"
        );
    }
    let shopper = new_shopper(100_000).await;
    let token = start_session(25_000).await;
    let c = otp_challenge(&token, &shopper.mobile).await;
    let response = widget(Method::POST, "/v1/mokafaa/redeem", &token)
        .header("Idempotency-Key", unique())
        .json(&json!({"challenge_id": c.challenge_id, "otp": "1234", "amount": {"minor": 18_446_744_073_709_551_615_u64, "currency": "SAR"}}))
        .send()
        .await
        .unwrap();
    let e = api_error(response).await;
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::InvalidRequest, Some("amount"))
    );
    let huge = format!(
        r#"{{"merchant_id":"demo","pad":"{}"}}"#,
        "x".repeat(70 * 1024)
    );
    let response = http()
        .post(format!("{}/v1/merchant/orders/paid", edge_url()))
        .header("Content-Type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(api_error(response).await.code, ErrorCode::PayloadTooLarge);
}

#[tokio::test]
async fn an_api_client_types_what_a_shopper_types() {
    let shopper = new_shopper(100_000).await;
    let token = start_session(25_000).await;
    // The mobile with +966 and Arabic-Indic digits, the code in Eastern Arabic-Indic digits.
    let typed_mobile: String = format!("+966 {}", &shopper.mobile[1..])
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(0x0660 + d).unwrap(),
            None => c,
        })
        .collect();
    let sent = widget(Method::POST, "/v1/mokafaa/otp", &token)
        .json(&json!({"method": "mobile", "mobile": typed_mobile}))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 201);
    let c: loyalty_shared::api::OtpChallenge = sent.json().await.unwrap();
    let otp: String = sim()
        .last_otp(&shopper.mobile)
        .await
        .chars()
        .map(|c| char::from_u32(0x06F0 + c.to_digit(10).unwrap()).unwrap())
        .collect();
    let response = redeem(
        &token,
        &unique(),
        &c.challenge_id,
        &format!(" {otp} "),
        1_000,
    )
    .await;
    assert_eq!(response.status(), 201);
    assert_eq!(bank_points(&shopper.mobile).await, 100_000 - 2_500);
}
