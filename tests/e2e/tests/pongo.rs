//! Pongo against the running stack: the merchant connects from the admin API (OAuth through
//! the simulator's consent form), maps its locations to stores, shoppers enlist from the
//! widget with both consent answers, and paid orders reach Pongo exactly once, through
//! outages, throttling and an expired token.

use loyalty_e2e::pongo::*;
use loyalty_e2e::*;
use loyalty_shared::signature::{sign, PayloadLayout};
use loyalty_shared::{EarnRate, PartnerParameters};
use loyalty_sim::pongo::model::{Customer, Order};
use serde_json::{json, Value};

async fn status() -> Value {
    let response = demo_admin().await.get("/v1/admin/pongo/status").await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// `field` of every item of the JSON array `list`, as text.
fn texts<'a>(list: &'a Value, field: &str) -> Vec<&'a str> {
    let items = list.as_array().expect("a list");
    items
        .iter()
        .map(|item| item[field].as_str().unwrap())
        .collect()
}

/// The orders Pongo holds whose `order_id` starts with `prefix` (an order and its parts).
async fn orders_at_pongo(prefix: &str) -> Vec<Order> {
    let books = sim().pongo_books().await;
    books
        .orders_with_prefix(prefix)
        .into_iter()
        .cloned()
        .collect()
}

/// The customer Pongo holds with these international digits.
async fn customer_at_pongo(digits: &str) -> Option<Customer> {
    sim().pongo_books().await.customer(digits).cloned()
}

/// Pongo's points for the customer with these digits (`None`: no such customer).
async fn points_at_pongo(digits: &str) -> Option<u64> {
    customer_at_pongo(digits).await.map(|c| c.points)
}

/// A Saudi mobile no other test uses: (as typed, as Pongo stores it).
fn fresh_phone() -> (String, String) {
    let digits: String = unique().chars().filter(char::is_ascii_digit).collect();
    let tail = &digits[digits.len() - 8..];
    (format!("05{tail}"), format!("9665{tail}"))
}

/// A widget session for a new cart; returns (token, cart id).
async fn session(amount_minor: u64) -> (String, String) {
    let cart = format!("cart-{}", unique());
    let response = http()
        .post(format!("{}/v1/sessions", edge_url()))
        .header("Origin", DEMO_ORIGIN)
        .json(&json!({"merchant_id": "demo", "cart_id": cart, "amount": {"minor": amount_minor, "currency": "SAR"}, "locale": "en"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    (body["session_token"].as_str().unwrap().to_string(), cart)
}

async fn enlist(token: &str, body: Value) -> reqwest::Response {
    widget(reqwest::Method::POST, "/v1/pongo/enlist", token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// A shopper as the enlist form (or a paid order's `customer`) sends them: the phone and
/// both consent answers.
fn shopper(phone: &str, email_optin: bool, sms_optin: bool) -> Value {
    json!({"phone": phone, "email_optin": email_optin, "sms_optin": sms_optin})
}

/// Enlists with `body`, which the edge must accept; returns the member card.
async fn joins(token: &str, body: Value) -> Value {
    let joined = enlist(token, body).await;
    assert_eq!(joined.status(), 200);
    joined.json().await.unwrap()
}

fn order(order_id: &str, amount: u64) -> Value {
    json!({
        "merchant_id": "demo", "order_id": order_id, "location_id": "web", "payment_status": "succeeded",
        "amount": {"minor": amount, "currency": "SAR"},
        "lines": [{"sku": "SKU-BEANS", "name": "Beans", "quantity": 1, "unit_price": {"minor": amount, "currency": "SAR"}}],
        "payments": [{"method": "card", "amount": {"minor": amount, "currency": "SAR"}}],
    })
}

async fn send_order(body: &Value) -> (u16, Value) {
    // Each signature is good once: a second send of the same body waits for a new second.
    sim().advance_clock(1).await;
    let response = merchant_post("/v1/merchant/pongo/orders", body).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// A paid order of `amount` for `customer`, under an id no other test uses: (id, body).
fn order_for(prefix: &str, amount: u64, customer: Value) -> (String, Value) {
    let id = format!("{prefix}-{}", unique());
    let mut body = order(&id, amount);
    body["customer"] = customer;
    (id, body)
}

/// The merchant's server reports the order cancelled; returns the HTTP status.
async fn cancel_order(order_id: &str) -> u16 {
    // Each signature is good once: a new second for a new one.
    sim().advance_clock(1).await;
    merchant_post(
        "/v1/merchant/pongo/orders/cancelled",
        &json!({"merchant_id": "demo", "order_id": order_id}),
    )
    .await
    .status()
    .as_u16()
}

/// What the session's cart earns now, as the widget reads it.
async fn earn_preview(token: &str) -> Value {
    widget(reqwest::Method::GET, "/v1/pongo/earn-preview", token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The status and the error code of an answer.
async fn status_and_code(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    (
        status,
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

#[tokio::test]
async fn connect_checks_state_once_from_the_same_browser_and_syncs_stores() {
    // A forged state, and a real state from another browser (no cookie), are refused.
    let (url, cookie) = connect_link().await;
    let back = approve(&url).await;
    let forged = back.replace("state=", "state=0");
    assert_eq!(
        callback(&forged, Some(&cookie)).await,
        "/admin/?pongo_error=oauth_state_invalid"
    );
    assert_eq!(
        callback(&back, None).await,
        "/admin/?pongo_error=oauth_state_invalid"
    );
    // The real one, then its replay.
    assert_eq!(
        callback(&back, Some(&cookie)).await,
        "/admin/?pongo=connected&merchant_id=demo"
    );
    assert_eq!(
        callback(&back, Some(&cookie)).await,
        "/admin/?pongo_error=oauth_state_invalid"
    );
    // An expired link is refused too.
    let (url, cookie) = connect_link().await;
    let back = approve(&url).await;
    sim().advance_clock(601).await;
    assert_eq!(
        callback(&back, Some(&cookie)).await,
        "/admin/?pongo_error=oauth_state_invalid"
    );

    let s = status().await;
    assert_eq!(s["connection"], "connected");
    assert_eq!(s["account_name"], "Demo Coffee Roasters");
    assert_eq!(s["partner_parameters"]["min_amount_cents"], 500);
    let slugs = texts(&s["stores"], "slug");
    assert!(
        slugs.contains(&"riyadh-olaya") && slugs.contains(&"jeddah-corniche"),
        "{slugs:?}"
    );
    // Without the admin token nothing is shown.
    let anonymous = http()
        .get(format!(
            "{}/v1/admin/pongo/status?merchant_id=demo",
            edge_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_and_code(anonymous).await,
        (401, "unauthorized".into())
    );
}

#[tokio::test]
async fn locations_map_to_synced_stores_and_an_unmapped_one_is_refused() {
    connect().await;
    let admin = demo_admin().await;
    let map = |location: &str, slug: &str| {
        admin
            .request(reqwest::Method::PUT, "/v1/admin/pongo/mappings")
            .json(&json!({"location_id": location, "store_slug": slug}))
            .send()
    };
    let refused = map("terminal-7", "no-such-store").await.unwrap();
    assert_eq!(
        status_and_code(refused).await,
        (400, "invalid_request".into())
    );
    let mapped = map("terminal-7", "jeddah-corniche").await.unwrap();
    assert_eq!(mapped.status(), 200);
    let s: Value = mapped.json().await.unwrap();
    assert!(s["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["location_id"] == "terminal-7" && m["store_slug"] == "jeddah-corniche"));
    // The change is in the console's audit log, by this admin.
    let audit: Vec<loyalty_shared::api::AuditEntry> =
        answer(admin.get("/v1/admin/audit").await).await;
    assert!(
        audit.iter().any(|e| e.action == "pongo.mapping_changed"
            && e.subject.as_deref() == Some("terminal-7")
            && e.new_value.as_deref() == Some("jeddah-corniche")
            && e.actor == admin.me.email),
        "{audit:?}"
    );

    let id = format!("map-{}", unique());
    let (_, phone) = fresh_phone();
    let mut body = order(&id, 2500);
    body["location_id"] = json!("terminal-unknown");
    body["customer"] = shopper(&phone, false, false);
    let (status_code, error) = send_order(&body).await;
    assert_eq!(
        (status_code, error["error"]["code"].as_str().unwrap()),
        (422, "store_not_mapped")
    );
    assert!(
        orders_at_pongo(&id).await.is_empty(),
        "nothing is sent with a guessed store"
    );

    body["location_id"] = json!("terminal-7");
    let (status_code, _) = send_order(&body).await;
    assert_eq!(status_code, 200);
    let sent = orders_at_pongo(&id).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].store_slug, "jeddah-corniche");
}

#[tokio::test]
async fn enlist_stores_both_answers_as_given_and_refuses_without_them() {
    connect().await;
    let (token, _) = session(4000).await;
    let (typed, digits) = fresh_phone();
    let missing = enlist(&token, json!({"phone": typed, "email_optin": true})).await;
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], "optin_required");
    assert_eq!(body["error"]["field"], "sms_optin");
    let bad_phone = enlist(
        &token,
        json!({"phone": "12", "email_optin": true, "sms_optin": true}),
    )
    .await;
    assert_eq!(
        status_and_code(bad_phone).await,
        (400, "invalid_phone".into())
    );
    assert!(
        customer_at_pongo(&digits).await.is_none(),
        "nobody was enlisted without consent answers"
    );

    let member = joins(&token, shopper(&typed, true, false)).await;
    assert_eq!(member["new_member"], true);
    assert_eq!(member["points"], 0);
    assert!(
        !member["masked_phone"]
            .as_str()
            .unwrap()
            .contains(&digits[4..8]),
        "the phone is masked"
    );
    let stored = customer_at_pongo(&digits).await.expect("enlisted");
    assert_eq!((stored.email_optin, stored.sms_optin), (true, false));

    // Coming back with other answers: the same member, the new answers stored.
    let again = enlist(&token, shopper(&digits, false, true)).await;
    let member: Value = again.json().await.unwrap();
    assert_eq!(member["new_member"], false);
    let stored = customer_at_pongo(&digits).await.expect("enlisted");
    assert_eq!((stored.email_optin, stored.sms_optin), (false, true));

    // The rewards come with whether the shopper's points reach them.
    let rewards = member["rewards"].as_array().unwrap();
    let coffee = rewards
        .iter()
        .find(|r| r["id"] == "reward-coffee")
        .expect("the seeded reward");
    assert_eq!(coffee["within_reach"], false);
}

#[tokio::test]
async fn the_earn_preview_equals_what_the_order_then_earns() {
    connect().await;
    for amount in [499u64, 500, 1999, 12_345] {
        let (token, cart) = session(amount).await;
        let (typed, digits) = fresh_phone();
        let member = joins(&token, shopper(&typed, false, false)).await;
        let previewed = member["earn_preview"]["points"].as_u64().unwrap();
        let fetched: Value = earn_preview(&token).await;
        assert_eq!(fetched["points"].as_u64(), Some(previewed));
        if amount < 500 {
            assert_eq!(previewed, 0, "below the program's minimum");
        } else {
            assert!(previewed > 0);
        }
        // The order of the widget's cart credits the shopper enlisted there.
        let id = format!("prev-{}", unique());
        let mut body = order(&id, amount);
        body["cart_id"] = json!(cart);
        let (status_code, result) = send_order(&body).await;
        assert_eq!(status_code, 200, "{result}");
        assert_eq!(
            result["points_earned"].as_u64(),
            Some(previewed),
            "amount {amount}"
        );
        assert_eq!(points_at_pongo(&digits).await, Some(previewed));
    }
    // A cart change is previewed again.
    let (token, _) = session(1000).await;
    let before: Value = earn_preview(&token).await;
    let changed = widget(reqwest::Method::PATCH, "/v1/sessions/current", &token)
        .json(&json!({"amount": {"minor": 10_000, "currency": "SAR"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    let after: Value = earn_preview(&token).await;
    assert_eq!(after["amount"]["minor"], 10_000);
    assert_eq!(
        after["points"].as_u64().unwrap(),
        before["points"].as_u64().unwrap() * 10
    );
}

#[tokio::test]
async fn the_earn_rule_follows_a_program_changed_at_pongo() {
    connect().await;
    // Points per unit, scaled by 10,000; 500 cents at least, rounded down.
    let set_rule = |scaled: u64| async move {
        let rule = PartnerParameters {
            points_per_euro: EarnRate::from_scaled(scaled),
            min_amount_cents: 500,
            rounding: Default::default(),
        };
        sim().set_partner_parameters(rule).await
    };
    // A new session each time: advancing the clock may end the previous one.
    let preview = || async {
        let (token, _) = session(10_000).await;
        let body: Value = earn_preview(&token).await;
        body["points"]
            .as_u64()
            .unwrap_or_else(|| panic!("an earn preview: {body}"))
    };
    assert_eq!(preview().await, 150, "100.00 at 1.5 a unit");
    // The merchant doubles the rate at Pongo; within 15 minutes the cron reads it again.
    set_rule(30_000).await;
    sim().advance_clock(901).await;
    run_cron().await;
    let doubled = preview().await;
    set_rule(15_000).await;
    sim().advance_clock(901).await;
    run_cron().await;
    assert_eq!(doubled, 300);
    assert_eq!(preview().await, 150);
}

#[tokio::test]
async fn a_paid_order_is_sent_once_and_an_unpaid_one_never() {
    connect().await;
    let (_, phone) = fresh_phone();
    let (id, mut body) = order_for("paid", 3000, shopper(&phone, true, true));
    body["payment_status"] = json!("pending");
    let (status_code, error) = send_order(&body).await;
    assert_eq!(
        (status_code, error["error"]["code"].as_str().unwrap()),
        (422, "payment_not_successful")
    );
    assert!(orders_at_pongo(&id).await.is_empty());

    body["payment_status"] = json!("succeeded");
    let (status_code, first) = send_order(&body).await;
    assert_eq!(status_code, 200, "{first}");
    assert_eq!(first["points_earned"], 45, "30.00 at 1.5 points per unit");
    assert_eq!(first["calls"][0]["state"], "sent");
    // The merchant's retry is answered from the outbox; Pongo still has one order.
    let (status_code, again) = send_order(&body).await;
    assert_eq!(status_code, 200);
    assert_eq!(again["points_earned"], 45);
    assert_eq!(orders_at_pongo(&id).await.len(), 1);
    // The same order id with other contents is refused, never sent.
    body["amount"]["minor"] = json!(9000);
    let (status_code, conflict) = send_order(&body).await;
    assert_eq!(
        (status_code, conflict["error"]["code"].as_str().unwrap()),
        (409, "idempotency_conflict")
    );

    // Cancelled: Pongo takes the points back.
    assert_eq!(cancel_order(&id).await, 200);
    let books = sim().pongo_books().await;
    assert_eq!(books.orders_with_prefix(&id)[0].status, "cancelled");
    assert_eq!(books.customer(&phone).map(|c| c.points), Some(0));

    // A shopper Pongo does not know, without their consent answers: Pongo refuses, and the
    // merchant is told so (never a 2xx its system would take for "sent"), every time.
    let (_, stranger) = fresh_phone();
    let (id, body) = order_for("noconsent", 3000, json!({ "phone": stranger }));
    for _ in 0..2 {
        let (status_code, refused) = send_order(&body).await;
        assert_eq!(
            (status_code, refused["error"]["code"].as_str().unwrap()),
            (400, "optin_required"),
            "{refused}"
        );
    }
    assert!(orders_at_pongo(&id).await.is_empty());
    // The admin view names the refused order and why.
    let listed = status().await["attention"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| {
            c["order_id"] == id && c["state"] == "failed" && c["last_error"] == "optin_required"
        });
    assert!(listed, "the refused order in the admin status");
}

#[tokio::test]
async fn split_payments_per_item_and_by_amount() {
    connect().await;
    let (_, phone) = fresh_phone();
    let sar = |minor: u64| json!({"minor": minor, "currency": "SAR"});
    let id = format!("split-item-{}", unique());
    let per_item = json!({
        "merchant_id": "demo", "order_id": id, "location_id": "web", "payment_status": "succeeded", "amount": sar(5000),
        "split": "per_item", "customer": {"phone": phone, "email_optin": false, "sms_optin": false},
        "lines": [{"sku": "A", "name": "Latte", "quantity": 2, "unit_price": sar(1500)}, {"sku": "B", "name": "Cake", "quantity": 1, "unit_price": sar(2000)}],
        "payments": [{"method": "card", "amount": sar(3000), "line_indexes": [0]}, {"method": "cash", "amount": sar(2000), "line_indexes": [1]}],
    });
    let (status_code, result) = send_order(&per_item).await;
    assert_eq!(status_code, 200, "{result}");
    let sent = orders_at_pongo(&id).await;
    assert_eq!(sent.len(), 2, "one order per payment");
    let part = |suffix: &str| {
        sent.iter()
            .find(|o| o.order_id == format!("{id}~{suffix}"))
            .unwrap()
    };
    assert_eq!(part("1").amount, 3000);
    assert_eq!(part("1").lines[0]["sku"], "A");
    assert_eq!(part("2").amount, 2000);
    assert_eq!(part("2").lines[0]["sku"], "B");
    assert_eq!(result["points_earned"], 45 + 30);

    let id = format!("split-amount-{}", unique());
    let by_amount = json!({
        "merchant_id": "demo", "order_id": id, "location_id": "web", "payment_status": "succeeded", "amount": sar(5000),
        "split": "by_amount", "customer": {"phone": phone},
        "lines": [{"sku": "A", "name": "Latte", "quantity": 2, "unit_price": sar(1500)}, {"sku": "B", "name": "Cake", "quantity": 1, "unit_price": sar(2000)}],
        "payments": [{"method": "card", "amount": sar(1000)}, {"method": "card", "amount": sar(4000)}],
    });
    let (status_code, result) = send_order(&by_amount).await;
    assert_eq!(status_code, 200, "{result}");
    let sent = orders_at_pongo(&id).await;
    let amounts: Vec<u64> = sent.iter().map(|o| o.amount).collect();
    assert_eq!(amounts, [1000, 4000]);
    assert!(
        sent.iter().all(|o| o.lines.as_array().unwrap().len() == 1),
        "amount only"
    );
    // Payments that do not add up are refused.
    let mut short = by_amount.clone();
    short["order_id"] = json!(format!("{id}-x"));
    short["payments"][1]["amount"] = sar(3999);
    let (status_code, error) = send_order(&short).await;
    assert_eq!(
        (status_code, error["error"]["code"].as_str().unwrap()),
        (400, "invalid_amount")
    );
}

#[tokio::test]
async fn unknown_items_are_a_checkin() {
    connect().await;
    let (_, phone) = fresh_phone();
    let id = format!("chk-{}", unique());
    let body = json!({
        "merchant_id": "demo", "order_id": id, "location_id": "web", "payment_status": "succeeded",
        "amount": {"minor": 2000, "currency": "SAR"}, "customer": {"phone": phone},
    });
    let (status_code, result) = send_order(&body).await;
    assert_eq!(status_code, 200, "{result}");
    assert_eq!(result["calls"][0]["kind"], "checkin");
    assert_eq!(result["points_earned"], 30);
    let books = sim().pongo_books().await;
    let customer = books.customer(&phone).expect("a customer from the checkin");
    assert_eq!(customer.points, 30);
    let checkins = books
        .checkins
        .iter()
        .filter(|c| c.customer_id == customer.id)
        .count();
    assert_eq!(checkins, 1);
    assert!(books.orders_with_prefix(&id).is_empty());
}

#[tokio::test]
async fn a_used_reward_is_confirmed_in_the_order_or_by_its_own_call() {
    connect().await;
    let (_, phone) = fresh_phone();
    let phone = phone.as_str();
    sim()
        .add_pongo_customer(&json!({"phone": phone, "reference_store_slug": "riyadh-olaya", "email_optin": false, "sms_optin": false, "points_to_add": 300}))
        .await;
    // Two coffees of 100 points each, bought at the till.
    let mut won = Vec::new();
    for _ in 0..2 {
        let coffee = json!({"reward_id": "reward-coffee", "store_slug": "riyadh-olaya"});
        won.push(sim().buy_pongo_reward(phone, &coffee).await.id);
    }
    let (id, mut body) = order_for("rwd", 1500, json!({"phone": phone}));
    body["reward_ids"] = json!([won[0]]);
    body["used_reward_ids"] = json!([won[1]]);
    let (status_code, result) = send_order(&body).await;
    assert_eq!(status_code, 200, "{result}");
    let kinds = texts(&result["calls"], "kind");
    assert_eq!(kinds, ["order", "use_reward"]);
    let books = sim().pongo_books().await;
    assert_eq!(
        books.orders_with_prefix(&id)[0].reward_ids,
        [won[0].clone()]
    );
    for reward in &won {
        let r = books
            .customer_rewards
            .iter()
            .find(|r| &r.id == reward)
            .unwrap();
        assert!(r.used, "{reward}");
    }
}

#[tokio::test]
async fn an_order_survives_an_outage_and_arrives_once() {
    connect().await;
    let (_, phone) = fresh_phone();
    // Pongo is down: the order waits in the outbox.
    let orders = "pongo.orders.create";
    sim().inject_fault(orders, Fault::Outage).await;
    let (id, body) = order_for("out", 2000, shopper(&phone, true, false));
    let (status_code, result) = send_order(&body).await;
    assert_eq!(status_code, 202, "{result}");
    assert_eq!(result["calls"][0]["state"], "queued");
    assert_eq!(result["calls"][0]["last_error"], "upstream_unavailable");
    run_cron().await; // not due yet, and Pongo is still down
    assert!(orders_at_pongo(&id).await.is_empty());
    assert!(status().await["queued"].as_u64().unwrap() >= 1);
    // Pongo recovers; the cron sends it once.
    sim().clear_faults().await;
    sim().advance_clock(61).await;
    run_cron().await;
    run_cron().await;
    assert_eq!(orders_at_pongo(&id).await.len(), 1);
    let (status_code, result) = send_order(&body).await;
    assert_eq!(status_code, 200);
    assert_eq!(result["calls"][0]["state"], "sent");
    assert_eq!(result["points_earned"], 30);

    // The answer is lost after Pongo stored the order: the retry is Pongo's 202, still one order.
    sim().inject_fault(orders, Fault::LostAnswer.times(1)).await;
    let (id, body) = order_for("drop", 2000, json!({"phone": phone}));
    let (status_code, _) = send_order(&body).await;
    assert_eq!(status_code, 202);
    sim().advance_clock(61).await;
    run_cron().await;
    assert_eq!(orders_at_pongo(&id).await.len(), 1);
    let (_, result) = send_order(&body).await;
    assert_eq!(result["calls"][0]["state"], "sent");
    // Pongo's 202 names the order only; the points are read back for the host page.
    assert_eq!(result["points_earned"], 30);

    // Throttled: Retry-After is honoured.
    sim()
        .inject_fault(orders, Fault::Throttled(30).times(1))
        .await;
    let (id, body) = order_for("slow", 2000, json!({"phone": phone}));
    let (status_code, result) = send_order(&body).await;
    assert_eq!(status_code, 202);
    assert_eq!(result["calls"][0]["last_error"], "rate_limited");
    sim().advance_clock(31).await;
    run_cron().await;
    assert_eq!(orders_at_pongo(&id).await.len(), 1);
}

#[tokio::test]
async fn a_cancel_reaches_an_order_whose_answer_was_lost() {
    connect().await;
    let (_, phone) = fresh_phone();
    // Pongo stores the order and credits the points, but the answer never arrives.
    sim()
        .inject_fault("pongo.orders.create", Fault::LostAnswer.times(1))
        .await;
    let (id, body) = order_for("lost", 2000, shopper(&phone, false, false));
    let (status_code, result) = send_order(&body).await;
    assert_eq!(status_code, 202, "{result}");
    assert_eq!(points_at_pongo(&phone).await, Some(30));
    // Cancelled before any retry: the part is never sent again, and Pongo's copy is
    // cancelled all the same, so the points go back.
    assert_eq!(cancel_order(&id).await, 200);
    let books = sim().pongo_books().await;
    let orders = books.orders_with_prefix(&id);
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].status, "cancelled");
    assert_eq!(books.customer(&phone).map(|c| c.points), Some(0));
}

#[tokio::test]
async fn a_revoked_token_is_shown_and_orders_wait_for_the_reconnect() {
    connect().await;
    sim().revoke_pongo_tokens().await;
    let (_, phone) = fresh_phone();
    let (id, body) = order_for("rev", 2000, shopper(&phone, false, false));
    let (status_code, result) = send_order(&body).await;
    assert_eq!(status_code, 202, "{result}");
    assert_eq!(result["calls"][0]["last_error"], "pongo_not_connected");
    assert_eq!(status().await["connection"], "expired");
    // Shoppers are told plainly meanwhile.
    let (token, _) = session(2000).await;
    let refused = enlist(&token, shopper(&phone, false, false)).await;
    assert_eq!(
        status_and_code(refused).await,
        (409, "pongo_not_connected".into())
    );

    connect().await;
    assert_eq!(status().await["connection"], "connected");
    run_cron().await;
    assert_eq!(orders_at_pongo(&id).await.len(), 1);
}

#[tokio::test]
async fn webhooks_are_verified_and_forgeries_refused() {
    connect().await;
    let url = format!("{}/v1/pongo/webhooks/demo", edge_url());
    let books = sim().pongo_books().await;
    let hook = books
        .webhooks
        .iter()
        .rev()
        .find(|w| w.url == url)
        .expect("the edge subscribed at connect");
    let secret = hook.secret.as_bytes();
    let body = json!({"event": "customer.updated", "data": {"id": "cust-seed-1"}}).to_string();
    let now = sim().now().await;
    // `body` signed with `key` at `t`, then `sent` (the signed body, or another).
    let post = |key: &[u8], t: i64, sent: String| {
        let signature = sign(key, t, body.as_bytes(), PayloadLayout::BodyThenTimestamp);
        http()
            .post(&url)
            .header("Content-Type", "application/json")
            .header("Pongo-Signature", signature)
            .body(sent)
            .send()
    };

    let good = post(secret, now, body.clone()).await.unwrap();
    assert_eq!(good.status(), 204);
    let refused = [
        ("forged", post(b"not-the-secret", now, body.clone())),
        ("stale", post(secret, now - 600, body.clone())),
        (
            "tampered",
            post(secret, now, body.replace("cust-seed-1", "cust-other")),
        ),
    ];
    for (what, sent) in refused {
        let answer = status_and_code(sent.await.unwrap()).await;
        assert_eq!(answer, (401, "bad_signature".into()), "{what}");
    }
    let unsigned = http().post(&url).body(body.clone()).send().await.unwrap();
    assert_eq!(
        status_and_code(unsigned).await,
        (401, "bad_signature".into())
    );

    // Pongo's own delivery of an enlist is accepted.
    let (token, _) = session(1000).await;
    let (typed, _) = fresh_phone();
    joins(&token, shopper(&typed, true, true)).await;
    let mut accepted = false;
    for _ in 0..50 {
        let deliveries = sim().pongo_books().await.deliveries;
        accepted = deliveries
            .iter()
            .any(|d| d.url == url && d.event == "customer.created" && d.status == Some(204));
        if accepted {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(accepted, "the simulator's signed delivery was accepted");
}

/// The last code the SMS verification service texted to `digits` (its inbox console).
async fn texted_code(digits: &str) -> String {
    sim().last_sms_code(&format!("+{digits}")).await
}

async fn send_code(token: &str) -> reqwest::Response {
    widget(reqwest::Method::POST, "/v1/pongo/verify", token)
        .send()
        .await
        .unwrap()
}

async fn check_code(token: &str, code: &str) -> reqwest::Response {
    widget(reqwest::Method::POST, "/v1/pongo/verify/check", token)
        .json(&json!({ "code": code }))
        .send()
        .await
        .unwrap()
}

/// A member who joined in an earlier visit, with their own answers and an email.
async fn existing_member() -> (String, String) {
    let (typed, digits) = fresh_phone();
    let (token, _) = session(4000).await;
    let mut owner = shopper(&typed, true, true);
    owner["email"] = json!("owner@example.sa");
    joins(&token, owner).await;
    (typed, digits)
}

#[tokio::test]
async fn a_phone_number_alone_neither_shows_nor_changes_a_member() {
    connect().await;
    let (typed, digits) = existing_member().await;
    // Someone else types the member's number with other answers and another email.
    let (stranger, _) = session(4000).await;
    let mut attacker = shopper(&typed, false, false);
    attacker["email"] = json!("attacker@example.sa");
    let member = joins(&stranger, attacker).await;
    assert_eq!(member["verified"], false);
    assert!(member.get("points").is_none(), "no points shown: {member}");
    assert_eq!(member["rewards"], json!([]));
    assert_eq!(member["can_verify"], true);
    let stored = customer_at_pongo(&digits).await.expect("the member");
    assert_eq!(
        (
            stored.email.as_deref(),
            stored.email_optin,
            stored.sms_optin
        ),
        (Some("owner@example.sa"), true, true),
        "the member's email and consent are untouched"
    );
    // A wrong code proves nothing and says how many tries are left.
    let sent = send_code(&stranger).await;
    assert_eq!(sent.status(), 201);
    assert_eq!(counters(&sent).1, 2, "caller; the counts, then the text");
    let right = texted_code(&digits).await;
    let wrong = &wrong_code(&right);
    let refused = check_code(&stranger, wrong).await;
    assert_eq!(
        counters(&refused).1,
        1,
        "the caller with the guess counted; the service said no (and the error goes back \
         to the session's storefront without a second lookup)"
    );
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "otp_invalid");
    assert_eq!(body["error"]["attempts_left"], 4);
    // The right code (as the owner would type it, in Arabic-Indic digits) opens the card
    // and stores the answers given.
    let arabic: String = right
        .chars()
        .map(|c| char::from_u32(0x0660 + c.to_digit(10).unwrap()).unwrap())
        .collect();
    let proved = check_code(&stranger, &arabic).await;
    assert_eq!(proved.status(), 200);
    assert_eq!(
        counters(&proved).1,
        2,
        "the caller with the guess and the store; the proof with the guess given back"
    );
    let member: Value = proved.json().await.unwrap();
    assert_eq!(member["verified"], true);
    assert!(member["points"].is_u64());
    assert!(!member["rewards"].as_array().unwrap().is_empty());
    let stored = customer_at_pongo(&digits).await.expect("the member");
    assert_eq!(
        (stored.email_optin, stored.sms_optin),
        (false, false),
        "proved: the answers given are stored"
    );
}

#[tokio::test]
async fn member_codes_are_budgeted_per_number() {
    connect().await;
    let (typed, digits) = existing_member().await;
    let mut last = Value::Null;
    let mut locked = 0;
    // Six wrong codes over two sessions: the fifth locks the number, whatever the session.
    for attempt in 0..6 {
        let (token, _) = session(4000).await;
        joins(&token, shopper(&typed, true, true)).await;
        if attempt % 3 == 0 {
            assert_eq!(send_code(&token).await.status(), 201);
        }
        let right = texted_code(&digits).await;
        let wrong = &wrong_code(&right);
        last = check_code(&token, wrong).await.json().await.unwrap();
        if last["error"]["code"] == "otp_locked" {
            locked += 1;
            assert!(last["error"]["retry_after_seconds"].as_u64().unwrap() > 0);
        }
    }
    assert!(locked >= 1, "locked after five wrong codes: {last}");
    // Even the right code is refused while locked.
    let (token, _) = session(4000).await;
    enlist(&token, shopper(&typed, true, true)).await;
    let right = texted_code(&digits).await;
    let body: Value = check_code(&token, &right).await.json().await.unwrap();
    assert_eq!(body["error"]["code"], "otp_locked");
}

#[tokio::test]
async fn a_cart_two_members_joined_on_is_not_credited_to_either_by_guess() {
    connect().await;
    let (token, cart) = session(4000).await;
    let (first, first_digits) = fresh_phone();
    joins(&token, shopper(&first, true, true)).await;
    // A second session on the same cart id (someone who learnt it) enlists another number.
    let response = http()
        .post(format!("{}/v1/sessions", edge_url()))
        .header("Origin", DEMO_ORIGIN)
        .json(&json!({"merchant_id": "demo", "cart_id": cart, "amount": {"minor": 4000, "currency": "SAR"}, "locale": "en"}))
        .send()
        .await
        .unwrap();
    let other: Value = response.json().await.unwrap();
    let other = other["session_token"].as_str().unwrap().to_string();
    let (second, second_digits) = fresh_phone();
    enlist(&other, shopper(&second, true, true)).await;
    let order_id = format!("amb-{}", unique());
    let mut body = order(&order_id, 4000);
    body["cart_id"] = json!(cart);
    let (status, answer) = send_order(&body).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (409, Some("ambiguous_member"))
    );
    assert!(
        orders_at_pongo(&order_id).await.is_empty(),
        "nothing sent by guess"
    );
    // Naming the customer who paid settles it.
    body["customer"] = json!({"phone": first_digits});
    let (status, _) = send_order(&body).await;
    assert_eq!(status, 200);
    let books = sim().pongo_books().await;
    assert!(books.customer(&first_digits).unwrap().points > 0);
    assert_eq!(books.customer(&second_digits).map(|c| c.points), Some(0));
}
