//! The edge's Pongo client against the simulator, natively: connect, earn rule, customers
//! with opt-ins, orders (the preview equals what Pongo awards), and outages survived with
//! exactly one order.

use loyalty_edge::pongo::client::{exchange_code, OrderOutcome, PongoClient};
use loyalty_edge::pongo::errors::PongoFailure;
use loyalty_edge::pongo::wire::{NewCustomer, OrderRequest};
use serde_json::{json, Value};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(5);

struct Connected {
    sim: String,
    client: PongoClient,
}

async fn connect() -> Connected {
    let (addr, _) = loyalty_sim::spawn("127.0.0.1:0", 11).await.unwrap();
    let sim = format!("http://{addr}");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // The merchant approves on Pongo's form; Pongo redirects to our callback with a code.
    let approved = http
        .post(format!("{sim}/pongo/v1/oauth/approve"))
        .form(&[
            ("client_id", "sim-pongo-client"),
            ("state", "st"),
            ("redirect_uri", "http://127.0.0.1:8787/cb"),
            ("scope", loyalty_edge::pongo::client::SCOPES),
        ])
        .send()
        .await
        .unwrap();
    let location = approved.headers()["location"].to_str().unwrap().to_string();
    let code = location
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let base = format!("{sim}/pongo");
    let token = exchange_code(
        &base,
        "sim-pongo-client",
        "sim-pongo-secret",
        &code,
        TIMEOUT,
    )
    .await
    .unwrap();
    assert!(token.expires_in.is_some_and(|s| s > 0));
    // A code works once.
    assert!(matches!(
        exchange_code(
            &base,
            "sim-pongo-client",
            "sim-pongo-secret",
            &code,
            TIMEOUT
        )
        .await,
        Err(PongoFailure::Invalid { .. })
    ));
    Connected {
        client: PongoClient::new(&base, &token.access_token, TIMEOUT),
        sim,
    }
}

fn order(order_id: &str, cents: u64) -> OrderRequest {
    OrderRequest {
        order_id: order_id.into(),
        channel: "online".into(),
        delivery_mode: "pickup".into(),
        store_slug: "riyadh-olaya".into(),
        amount: cents,
        status: "paid".into(),
        created_at: "2026-11-24T10:00:00+03:00".into(),
        delivery_status: "delivered".into(),
        lines: vec![json!({"name": "Coffee", "quantity": 1, "unit_price": cents})],
        reward_ids: vec![],
        customer: json!({"phone": "966501234567"}),
        payments: vec![json!({"method": "card", "amount": cents})],
    }
}

async fn orders_at_pongo(sim: &str) -> usize {
    let books: Value = reqwest::get(format!("{sim}/__sim/pongo/books"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    books["orders"].as_array().unwrap().len()
}

async fn fault(sim: &str, config: Value) {
    reqwest::Client::new()
        .put(format!("{sim}/__sim/faults/pongo.orders.create"))
        .json(&config)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn the_earn_preview_equals_what_pongo_awards() {
    let c = connect().await;
    let account = c.client.me().await.unwrap();
    assert_eq!(account.partner_parameters.min_amount_cents, 500);
    for (i, cents) in [0u64, 499, 500, 1_999, 12_345].into_iter().enumerate() {
        let preview = account.partner_parameters.earn(cents);
        match c
            .client
            .create_order(&order(&format!("P{i}"), cents))
            .await
            .unwrap()
        {
            OrderOutcome::Created { points_earned, .. } => {
                assert_eq!(points_earned, preview, "{cents} cents")
            }
            other => panic!("{other:?}"),
        }
    }
    let slugs: Vec<String> = c
        .client
        .stores()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.slug)
        .collect();
    assert_eq!(slugs, ["riyadh-olaya", "jeddah-corniche"]);
}

#[tokio::test]
async fn customers_are_enlisted_with_the_optins_as_answered() {
    let c = connect().await;
    assert_eq!(
        c.client
            .customer("966501234567")
            .await
            .unwrap()
            .map(|x| x.points),
        Some(320)
    );
    assert_eq!(c.client.customer("32470000001").await.unwrap(), None);
    let new = NewCustomer {
        phone: "32470000001".into(),
        reference_store_slug: "riyadh-olaya".into(),
        email_optin: false,
        sms_optin: true,
        email: None,
    };
    let created = c.client.create_customer(&new).await.unwrap();
    assert_eq!((created.email_optin, created.sms_optin), (false, true));
    let again = c.client.create_customer(&new).await;
    assert_eq!(
        again,
        Err(PongoFailure::Invalid {
            field: Some("phone".into())
        })
    );
}

#[tokio::test]
async fn an_order_survives_an_outage_and_arrives_once() {
    let c = connect().await;
    fault(&c.sim, json!({"error_rate_per_mille": 1000})).await;
    let down = c.client.create_order(&order("OUT-1", 2_000)).await;
    assert_eq!(down, Err(PongoFailure::Unavailable));
    assert!(down.unwrap_err().retryable());
    fault(&c.sim, json!({"rate_limit_retry_after": 9})).await;
    assert_eq!(
        c.client.create_order(&order("OUT-1", 2_000)).await,
        Err(PongoFailure::RetryAfter(9))
    );
    // Pongo commits, then the answer is lost: the retry is answered 202, not a second order.
    fault(&c.sim, json!({"drop_after_commit": true, "times": 1})).await;
    assert_eq!(
        c.client.create_order(&order("OUT-1", 2_000)).await,
        Err(PongoFailure::Unavailable)
    );
    let Ok(OrderOutcome::AlreadyProcessed { id }) =
        c.client.create_order(&order("OUT-1", 2_000)).await
    else {
        panic!("a resend of a stored order is Pongo's 202");
    };
    assert_eq!(orders_at_pongo(&c.sim).await, 1);
    // The 202 names the order only: its points are read back (20.00 at 1.5 a unit).
    assert_eq!(c.client.order_points(&id).await, Ok(30));
    assert_eq!(
        c.client.order_points("no-such-order").await,
        Err(PongoFailure::NotFound)
    );
    c.client
        .set_order_status("OUT-1", "cancelled")
        .await
        .unwrap();
}

#[tokio::test]
async fn a_revoked_token_means_reconnect() {
    let c = connect().await;
    reqwest::Client::new()
        .post(format!("{}/__sim/pongo/revoke-tokens", c.sim))
        .send()
        .await
        .unwrap();
    let e = c.client.stores().await.unwrap_err();
    assert_eq!(e, PongoFailure::NotConnected);
    assert_eq!(e.code(), loyalty_shared::ErrorCode::PongoNotConnected);
}
