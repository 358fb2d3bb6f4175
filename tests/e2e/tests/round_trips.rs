//! What a call costs the database, counted by the edge itself (`x-loyalty-counters`, sent
//! only by the local stack): on Cloudflare every D1 round trip goes to the database's
//! primary, so the count, not local milliseconds, is what a shopper waits for. Counts, not
//! times: these cannot flake.

use loyalty_e2e::{counters, edge_url, http, start_session, widget, DEMO_ORIGIN};
use serde_json::json;

/// `POST /v1/sessions` for a new cart from the page at `origin`.
async fn start_from(origin: &str, cart: &str) -> reqwest::Response {
    http()
        .post(format!("{}/v1/sessions", edge_url()))
        .header("Origin", origin)
        .json(&json!({"merchant_id": "demo", "cart_id": cart, "amount": {"minor": 25000, "currency": "SAR"}}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn starting_a_session_is_one_round_trip_that_reads_and_writes_together() {
    let response = start_from(DEMO_ORIGIN, "rt-1").await;
    assert_eq!(response.status(), 201);
    let (statements, round_trips, upstream) = counters(&response);
    assert_eq!(
        round_trips, 1,
        "merchant, Pongo connection and the new session in one batch"
    );
    assert_eq!(statements, 3);
    assert_eq!(upstream, 0);
}

#[tokio::test]
async fn a_refused_origin_costs_the_batch_and_the_cors_question() {
    let response = start_from("https://elsewhere.example", "rt-2").await;
    assert_eq!(response.status(), 403);
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    let (statements, round_trips, _) = counters(&response);
    // The batch (whose insert wrote nothing), then whether any merchant allows the origin.
    assert_eq!((statements, round_trips), (4, 2));
}

#[tokio::test]
async fn the_session_routes_stay_within_two_round_trips() {
    let token = start_session(25_000).await;
    let current = widget(reqwest::Method::GET, "/v1/sessions/current", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(current.status(), 200);
    let (_, round_trips, upstream) = counters(&current);
    assert_eq!(
        round_trips, 2,
        "the caller's batch, then the redemption to resume"
    );
    assert_eq!(upstream, 0);

    let update = widget(reqwest::Method::PATCH, "/v1/sessions/current", &token)
        .json(&json!({"amount": {"minor": 30000, "currency": "SAR"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(update.status(), 200);
    let (_, round_trips, _) = counters(&update);
    assert_eq!(round_trips, 2, "the caller's batch, then the new amount");
}

#[tokio::test]
async fn a_widget_call_reads_its_session_merchant_and_connection_in_one_batch() {
    let token = start_session(25_000).await;
    let preview = widget(reqwest::Method::GET, "/v1/pongo/earn-preview", &token)
        .send()
        .await
        .unwrap();
    let status = preview.status().as_u16();
    let (statements, round_trips, upstream) = counters(&preview);
    assert_eq!(upstream, 0, "the preview is computed at the edge");
    match status {
        // Connected (other tests connect the demo merchant): the guard's one batch is all.
        200 => assert_eq!((statements, round_trips), (3, 1)),
        // Not connected: the refusal comes from that batch too; the CORS grant of an error
        // (no guard vouched for it) asks once more.
        409 => assert_eq!((statements, round_trips), (4, 2)),
        other => panic!("earn preview answered {other}"),
    }
}

#[tokio::test]
async fn the_counters_are_a_local_switch_not_a_production_header() {
    // The header is there because the local stack sets LOYALTY_COUNTERS=on; wrangler.toml
    // (what deploys) does not set it.
    let config =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../wrangler.toml"))
            .unwrap();
    assert!(!config.contains("LOYALTY_COUNTERS"));
}

/// The money path, call by call: a read batch for every widget call; a redeem or an undo
/// writes what must precede the bank call (the claim, the reversal's start) in that batch,
/// and settles in one more.
#[tokio::test]
async fn the_money_path_stays_within_its_round_trips() {
    let shopper = loyalty_e2e::new_shopper(50_000).await;
    let token = start_session(25_000).await;
    let otp = widget(reqwest::Method::POST, "/v1/mokafaa/otp", &token)
        .json(&json!({"method": "mobile", "mobile": shopper.mobile}))
        .send()
        .await
        .unwrap();
    assert_eq!(otp.status(), 201);
    assert_eq!(
        counters(&otp).1,
        2,
        "caller + counts + last code; the new code"
    );
    let challenge: loyalty_shared::api::OtpChallenge = otp.json().await.unwrap();

    let balance = loyalty_e2e::balance_request(&token, &challenge.challenge_id)
        .send()
        .await
        .unwrap();
    assert_eq!(balance.status(), 200);
    assert_eq!(
        counters(&balance).1,
        2,
        "caller + IP count + code; the person's count"
    );

    let code = loyalty_e2e::sim().last_otp(&shopper.mobile).await;
    let key = loyalty_e2e::unique();
    let redeem = loyalty_e2e::redeem(&token, &key, &challenge.challenge_id, &code, 5_000).await;
    assert_eq!(redeem.status(), 201);
    let (_, round_trips, upstream) = counters(&redeem);
    assert_eq!(
        round_trips, 2,
        "the caller with the claim, before the bank; the settling write"
    );
    assert_eq!(upstream, 2, "the debit, then the balance left");
    let redemption: loyalty_shared::api::Redemption = redeem.json().await.unwrap();

    let again = loyalty_e2e::redeem(&token, &key, &challenge.challenge_id, &code, 5_000).await;
    assert_eq!(again.status(), 200, "a retry answers from the ledger");
    assert_eq!(counters(&again).1, 1, "a retry of a key is one read");
    assert_eq!(counters(&again).2, 0, "and never reaches the bank");

    let undo = loyalty_e2e::undo(&token, &redemption.redemption_id).await;
    assert_eq!(undo.status(), 200);
    assert_eq!(
        counters(&undo).1,
        2,
        "the caller with the reversal's start; its confirmation"
    );
}

/// The merchant's server: the signature's replay record, the merchant and the named
/// redemption in one batch; a capture is then one step, a cancellation its start and its
/// confirmation.
#[tokio::test]
async fn capture_and_cancel_stay_within_three_round_trips() {
    let (_, captured) = loyalty_e2e::redeemed(25_000, 3_000, None).await;
    let paid = loyalty_e2e::merchant_post(
        "/v1/merchant/orders/paid",
        &json!({"merchant_id": "demo", "redemption_id": captured.redemption_id,
                "order_id": loyalty_e2e::unique(), "order_total": {"minor": 25_000, "currency": "SAR"}}),
    )
    .await;
    assert_eq!(paid.status(), 200);
    let (_, round_trips, upstream) = counters(&paid);
    assert_eq!(round_trips, 2, "the guard's batch; the capture");
    assert_eq!(upstream, 0);

    let (_, cancelled) = loyalty_e2e::redeemed(25_000, 3_000, None).await;
    let cancel = loyalty_e2e::order_cancelled(&cancelled.redemption_id).await;
    assert_eq!(cancel.status(), 200);
    let (_, round_trips, upstream) = counters(&cancel);
    assert_eq!(
        round_trips, 3,
        "the guard's batch; the reversal's start; its confirmation"
    );
    assert_eq!(upstream, 1, "the bank's reversal");
}

#[tokio::test]
async fn joining_pongo_is_two_round_trips_around_the_providers_answers() {
    loyalty_e2e::pongo::connect().await;
    let token = start_session(25_000).await;
    let digits: String = loyalty_e2e::unique()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let phone = format!("9665{}", &digits[digits.len() - 8..]);
    let enlist = widget(reqwest::Method::POST, "/v1/pongo/enlist", &token)
        .json(&json!({"phone": phone, "email_optin": false, "sms_optin": false}))
        .send()
        .await
        .unwrap();
    let status = enlist.status();
    let (_, round_trips, _) = counters(&enlist);
    assert_eq!(status, 200, "{}", enlist.text().await.unwrap_or_default());
    assert_eq!(
        round_trips, 2,
        "caller + counts + store; the member remembered"
    );
}

/// The counts ride in the caller's batch, yet only a live session spends them: a made-up
/// token naming a shopper's number, sent more often than the number's limit, leaves that
/// shopper's own code request untouched.
#[tokio::test]
async fn a_made_up_token_spends_nobodys_code_budget() {
    let shopper = loyalty_e2e::new_shopper(1_000).await;
    for _ in 0..7 {
        let forged = widget(
            reqwest::Method::POST,
            "/v1/mokafaa/otp",
            "not-a-session-token",
        )
        .json(&json!({"method": "mobile", "mobile": shopper.mobile}))
        .send()
        .await
        .unwrap();
        assert_eq!(forged.status(), 401);
    }
    let token = start_session(25_000).await;
    let own = widget(reqwest::Method::POST, "/v1/mokafaa/otp", &token)
        .json(&json!({"method": "mobile", "mobile": shopper.mobile}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        own.status(),
        201,
        "the shopper's own request is not rate limited"
    );
}
