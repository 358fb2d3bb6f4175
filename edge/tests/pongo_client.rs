//! The edge's Pongo client against the simulator, natively: connect, earn rule, customers
//! with opt-ins, orders (the preview equals what Pongo awards), and outages survived with
//! exactly one order.

use loyalty_edge::domain::pongo_delivery::{decide, Decision, History};
use loyalty_edge::domain::pongo_orders::cancel_call;
use loyalty_edge::pongo::client::{exchange_code, PongoClient};
use loyalty_edge::pongo::errors::PongoFailure;
use loyalty_edge::pongo::wire::{
    NewCustomer, OrderCustomer, OrderLine, OrderPayment, OrderRequest,
};
use loyalty_shared::api::PongoCallKind;
use loyalty_sim::console_client::{approval, authorization_code, SimConsole};
use loyalty_sim::faults::{Fault, FaultConfig};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(5);

struct Connected {
    sim: SimConsole,
    client: PongoClient,
}

async fn connect() -> Connected {
    let (addr, _) = loyalty_sim::spawn("127.0.0.1:0", 11).await.unwrap();
    let sim = SimConsole::new(&format!("http://{addr}"));
    // The merchant approves on Pongo's form; Pongo redirects to our callback with a code.
    let location = sim
        .approve_pongo(&approval(
            "st",
            "http://127.0.0.1:8787/cb",
            loyalty_edge::pongo::client::SCOPES,
        ))
        .await;
    let code = authorization_code(&location).expect("a code in the redirect");
    let base = format!("{}/pongo", sim.base_url());
    let exchange = || {
        exchange_code(
            &base,
            "sim-pongo-client",
            "sim-pongo-secret",
            &code,
            TIMEOUT,
        )
    };
    let token = exchange().await.unwrap();
    assert!(token.expires_in.is_some_and(|s| s > 0));
    // A code works once.
    assert!(matches!(
        exchange().await,
        Err(PongoFailure::Invalid { .. })
    ));
    Connected {
        client: PongoClient::new(&base, &token.access_token, TIMEOUT, &Default::default()),
        sim,
    }
}

fn order(order_id: &str, cents: u64) -> OrderRequest {
    OrderRequest {
        order_id: order_id.into(),
        partner_order_id: order_id.into(),
        channel: "online",
        delivery_mode: "pickup",
        store_slug: "riyadh-olaya".into(),
        amount: cents,
        status: "paid",
        created_at: "2026-11-24T10:00:00+03:00".into(),
        delivery_status: "delivered",
        lines: vec![OrderLine {
            sku: "SKU-COFFEE".into(),
            name: "Coffee".into(),
            quantity: 1,
            unit_price: cents,
            amount: cents,
        }],
        reward_ids: vec![],
        payments: vec![OrderPayment {
            method: "card".into(),
            amount: cents,
        }],
        customer: Some(OrderCustomer {
            phone: "966501234567".into(),
            email_optin: None,
            sms_optin: None,
        }),
        taxes: None,
    }
}

/// Sends an order the way the outbox does (its typed request as the stored payload), and
/// reads Pongo's answer through the same rule the outbox applies.
async fn send_order(
    c: &Connected,
    request: &OrderRequest,
) -> Result<(u16, serde_json::Value), PongoFailure> {
    let payload = serde_json::to_value(request).unwrap();
    c.client.call("POST", "/orders", &payload).await
}

async fn fault(c: &Connected, config: impl Into<FaultConfig>) {
    c.sim.inject_fault("pongo.orders.create", config).await;
}

#[tokio::test]
async fn the_earn_preview_equals_what_pongo_awards() {
    let c = connect().await;
    let account = c.client.me().await.unwrap();
    assert_eq!(account.partner_parameters.min_amount_cents, 500);
    for (i, cents) in [0u64, 499, 500, 1_999, 12_345].into_iter().enumerate() {
        let preview = account.partner_parameters.earn(cents);
        let answer = send_order(&c, &order(&format!("P{i}"), cents)).await;
        match decide(PongoCallKind::Order, History::default(), &answer, 0) {
            Decision::Sent { points, .. } => assert_eq!(points, preview, "{cents} cents"),
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
    fault(&c, Fault::Outage).await;
    let request = order("OUT-1", 2_000);
    let down = send_order(&c, &request).await;
    assert_eq!(down, Err(PongoFailure::Unavailable));
    assert!(down.unwrap_err().retryable());
    fault(&c, Fault::Throttled(9)).await;
    assert_eq!(
        send_order(&c, &request).await,
        Err(PongoFailure::RetryAfter(9))
    );
    // Pongo commits, then the answer is lost: the retry is answered 202, not a second order.
    fault(&c, Fault::LostAnswer.times(1)).await;
    assert_eq!(
        send_order(&c, &request).await,
        Err(PongoFailure::Unavailable)
    );
    let again = send_order(&c, &request).await;
    let Ok((202, _)) = again else {
        panic!("a resend of a stored order is Pongo's 202: {again:?}");
    };
    let Decision::Sent {
        pongo_id: Some(id), ..
    } = decide(PongoCallKind::Order, History::default(), &again, 0)
    else {
        panic!("the 202 names the order");
    };
    assert_eq!(c.sim.pongo_orders().await.len(), 1);
    // The 202 names the order only: its points are read back (20.00 at 1.5 a unit).
    assert_eq!(c.client.order_points(&id).await, Ok(30));
    assert_eq!(
        c.client.order_points("no-such-order").await,
        Err(PongoFailure::NotFound)
    );
    // The cancellation the outbox would send for it.
    let cancel = cancel_call("OUT-1", &id);
    c.client
        .call(cancel.method, &cancel.path, &cancel.payload)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_revoked_token_means_reconnect() {
    let c = connect().await;
    c.sim.revoke_pongo_tokens().await;
    let e = c.client.stores().await.unwrap_err();
    assert_eq!(e, PongoFailure::NotConnected);
    assert_eq!(e.code(), loyalty_shared::ErrorCode::PongoNotConnected);
}
