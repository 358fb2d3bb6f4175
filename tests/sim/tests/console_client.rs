//! The typed console client against the console itself: every method the tests use reads
//! back what the simulators hold, in the shapes the console serializes.

use loyalty_shared::{EarnRate, PartnerParameters};
use loyalty_sim::console_client::SimConsole;
use loyalty_sim::faults::{Fault, FaultConfig};
use loyalty_sim::mokafaa::Customer;
use loyalty_sim::sms_verify::{ACCOUNT_SID, AUTH_TOKEN, SERVICE_SID};
use serde_json::json;

async fn console() -> (SimConsole, String) {
    let (addr, _) = loyalty_sim::spawn("127.0.0.1:0", 5).await.unwrap();
    let base = format!("http://{addr}");
    (SimConsole::new(&base), base)
}

#[tokio::test]
async fn clock_faults_and_reset() {
    let (sim, _) = console().await;
    let start = sim.clock().await;
    assert_eq!(start.offset_seconds, 0);
    let moved = sim.advance_clock(90).await;
    assert_eq!(moved.offset_seconds, 90);
    assert!(sim.now().await >= start.now + 90);

    sim.inject_fault("pongo.orders.create", Fault::Throttled(3).times(2))
        .await;
    let faults = sim.faults().await;
    assert_eq!(
        faults["pongo.orders.create"],
        FaultConfig {
            rate_limit_retry_after: Some(3),
            times: Some(2),
            ..FaultConfig::default()
        }
    );
    sim.clear_faults().await;
    assert!(sim.faults().await.is_empty());

    sim.inject_fault("email.send", Fault::Outage).await;
    sim.reset().await;
    assert!(sim.faults().await.is_empty(), "reset clears the faults");
    assert_eq!(sim.clock().await.offset_seconds, 0, "and the clock");
}

#[tokio::test]
async fn mokafaa_customers_otps_and_books() {
    let (sim, base) = console().await;
    let shopper = Customer {
        mobile: "0512340000".into(),
        cic: "912340000".into(),
        points: 5_000,
        blocked: false,
        iban: None,
    };
    sim.add_mokafaa_customer(&shopper).await;
    let books = sim.mokafaa_books().await;
    assert_eq!(books.customer("0512340000").map(|c| c.points), Some(5_000));
    assert!(sim.mokafaa_transactions().await.is_empty());
    assert_eq!(
        sim.texted_otp("0512340000").await,
        None,
        "nothing texted yet"
    );

    // The bank texts a code when asked for one.
    let http = reqwest::Client::new();
    let granted = http
        .post(format!(
            "{base}/mokafaa/api-factory/sit/loyalty-redemption/oauth2/token"
        ))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "sim-mokafaa-client"),
            ("client_secret", "sim-mokafaa-secret"),
        ])
        .send()
        .await
        .unwrap();
    let token: serde_json::Value = granted.json().await.unwrap();
    let texted = http
        .post(format!(
            "{base}/mokafaa/api-factory/sit/blu-loyalty/1.0.0/customer-authorization"
        ))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .header("merchantToken", "sim-merchant-token")
        .json(&json!({"mobile": "0512340000"}))
        .send()
        .await
        .unwrap();
    assert_eq!(texted.status(), 200);
    let otp = sim.texted_otp("+966512340000").await.expect("an OTP");
    assert_eq!(otp.mobile, "0512340000");
    assert_eq!(sim.last_otp("0512340000").await, otp.otp);
}

#[tokio::test]
async fn pongo_customers_rewards_and_the_earn_rule() {
    let (sim, _) = console().await;
    let customer = sim
        .add_pongo_customer(&json!({"phone": "966512340001", "reference_store_slug": "riyadh-olaya", "email_optin": false, "sms_optin": true, "points_to_add": 300}))
        .await;
    assert_eq!((customer.points, customer.sms_optin), (300, true));
    let won = sim
        .buy_pongo_reward(
            "966512340001",
            &json!({"reward_id": "reward-coffee", "store_slug": "riyadh-olaya"}),
        )
        .await;
    assert_eq!(won.customer_id, customer.id);
    let rule = PartnerParameters {
        points_per_euro: EarnRate::from_scaled(30_000),
        min_amount_cents: 100,
        rounding: Default::default(),
    };
    sim.set_partner_parameters(rule).await;
    let books = sim.pongo_books().await;
    assert_eq!(books.config.partner_parameters, rule);
    assert_eq!(books.customer("966512340001").map(|c| c.points), Some(200));
    assert_eq!(books.customer_rewards, vec![won]);
    assert!(sim.pongo_orders().await.is_empty());
    sim.revoke_pongo_tokens().await;
}

#[tokio::test]
async fn the_sms_inbox_and_the_email_outbox() {
    let (sim, base) = console().await;
    assert_eq!(sim.sms_inbox("+966512340002").await, None);
    let sent = reqwest::Client::new()
        .post(format!(
            "{base}/sms/v2/Services/{SERVICE_SID}/Verifications"
        ))
        .basic_auth(ACCOUNT_SID, Some(AUTH_TOKEN))
        .form(&[("To", "+966512340002"), ("Channel", "sms")])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 201);
    let inbox = sim.sms_inbox("+966512340002").await.expect("a code");
    assert_eq!((inbox.status.as_str(), inbox.sends), ("pending", 1));
    assert_eq!(sim.last_sms_code("+966512340002").await, inbox.code);

    assert!(sim.emails("a@example.sa").await.is_empty());
    let mailed = reqwest::Client::new()
        .post(format!("{base}/email/email"))
        .header("X-Postmark-Server-Token", "sim-email-token")
        .json(&json!({"From": "shop@example.sa", "To": "a@example.sa", "Subject": "Hi", "TextBody": "Body"}))
        .send()
        .await
        .unwrap();
    assert_eq!(mailed.status(), 200);
    let emails = sim.emails("a@example.sa").await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].message.text_body.as_deref(), Some("Body"));
}
