//! The Pongo simulator over HTTP: OAuth connect end to end, scopes, customers with both
//! opt-ins, orders and their 202 repeat, checkins, rewards, signed webhooks, Laravel 422s,
//! and faults.

use loyalty_shared::signature::{verify, PayloadLayout};
use loyalty_sim::console_client::{approval, authorization_code, SimConsole};
use loyalty_sim::faults::{Fault, FaultConfig};
use loyalty_sim::pongo::model::Store;
use reqwest::Method;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

const ALL_SCOPES: &str = "customer.create,customer.read,customer.update,reward.create,reward.read,reward.update,order.create,order.read,order.update,checkin.create";

struct Pongo {
    base: String,
    http: reqwest::Client,
    console: SimConsole,
}

impl Pongo {
    async fn start() -> Pongo {
        let (addr, _) = loyalty_sim::spawn("127.0.0.1:0", 3).await.unwrap();
        let base = format!("http://{addr}");
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let console = SimConsole::new(&base);
        Pongo {
            base,
            http,
            console,
        }
    }

    /// The merchant's browser approves on the form; returns the redirect Location.
    async fn approve(&self, state: &str, scopes: &str) -> String {
        let redirect_uri = "http://127.0.0.1:8787/v1/admin/pongo/callback";
        self.console
            .approve_pongo(&approval(state, redirect_uri, scopes))
            .await
    }

    async fn exchange(&self, code: &str) -> reqwest::Response {
        self.http
            .post(format!("{}/pongo/v1/oauth/token", self.base))
            .form(&[
                ("code", code),
                ("grant_type", "client_credentials"),
                ("client_id", "sim-pongo-client"),
                ("client_secret", "sim-pongo-secret"),
            ])
            .send()
            .await
            .unwrap()
    }

    async fn connect(&self, scopes: &str) -> String {
        let location = self.approve("s", scopes).await;
        let code = authorization_code(&location).unwrap();
        let token: Value = self.exchange(&code).await.json().await.unwrap();
        token["access_token"].as_str().unwrap().to_string()
    }

    /// A call to Pongo's API with `token`: the status and the JSON answer (null if none).
    async fn call(
        &self,
        method: reqwest::Method,
        token: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut r = self
            .http
            .request(method, format!("{}/pongo/v1{path}", self.base))
            .bearer_auth(token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, token: &str, path: &str) -> (u16, Value) {
        self.call(Method::GET, token, path, None).await
    }

    async fn post(&self, token: &str, path: &str, body: Value) -> (u16, Value) {
        self.call(Method::POST, token, path, Some(body)).await
    }

    /// `POST /v1/orders` of [`order`] `F1`, as sent (the test reads the raw answer).
    async fn post_f1(&self, token: &str) -> reqwest::Result<reqwest::Response> {
        self.http
            .post(format!("{}/pongo/v1/orders", self.base))
            .bearer_auth(token)
            .json(&order("F1", 1000))
            .send()
            .await
    }

    async fn orders_stored(&self) -> usize {
        self.console.pongo_orders().await.len()
    }
}

fn order(order_id: &str, amount: u64) -> Value {
    json!({"order_id": order_id, "channel": "online", "delivery_mode": "pickup", "store_slug": "riyadh-olaya",
           "amount": amount, "status": "paid", "created_at": "2026-11-24T10:00:00+03:00", "delivery_status": "delivered",
           "lines": [{"name": "Coffee", "quantity": 1, "unit_price": amount}], "reward_ids": [],
           "customer": {"phone": "966501234567"}, "payments": [{"method": "card", "amount": amount}]})
}

#[tokio::test]
async fn oauth_connect_end_to_end_and_a_code_works_once() {
    let pongo = Pongo::start().await;
    // The consent form for a redirect to `redirect_uri`.
    let form_to = |redirect_uri: &str| {
        let query = [
            ("client_id", "sim-pongo-client"),
            ("state", "abc"),
            ("redirect_uri", redirect_uri),
            ("scope", ALL_SCOPES),
        ];
        let form = format!("{}/pongo/v1/oauth/form", pongo.base);
        pongo.http.get(form).query(&query).send()
    };
    let form = form_to("http://127.0.0.1:8787/cb").await.unwrap();
    assert_eq!(form.status(), 200);
    let page = form.text().await.unwrap();
    assert!(page.contains("Demo Coffee Roasters") && page.contains("id=\"approve\""));
    let evil = form_to("https://evil.example/cb").await.unwrap();
    assert_eq!(
        evil.status(),
        400,
        "a redirect_uri off the whitelist gets no redirect"
    );

    let location = pongo.approve("state-123", ALL_SCOPES).await;
    assert!(location.starts_with("http://127.0.0.1:8787/v1/admin/pongo/callback?code="));
    assert!(location.ends_with("&state=state-123"));
    let code = authorization_code(&location).unwrap();
    let token = pongo.exchange(&code).await;
    assert_eq!(token.status(), 200);
    let token: Value = token.json().await.unwrap();
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(
        token["access_token"].as_str().unwrap().split('.').count(),
        3,
        "JWT-shaped"
    );
    let reused = pongo.exchange(&code).await;
    assert_eq!(reused.status(), 422);
    assert!(reused.json::<Value>().await.unwrap()["errors"]["code"].is_array());

    let (status, me) = pongo
        .get(token["access_token"].as_str().unwrap(), "/oauth/me")
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        me["data"]["partnerParameters"],
        json!({"points_per_euro": 1.5, "min_amount_cents": 500, "rounding": "floor"})
    );
}

#[tokio::test]
async fn tokens_and_scopes_are_enforced() {
    let pongo = Pongo::start().await;
    let (status, body) = pongo.get("nope", "/stores").await;
    assert_eq!(
        (status, body),
        (401, json!({"message": "Unauthenticated."}))
    );
    let read_only = pongo.connect("customer.read").await;
    let (status, stores) = pongo.get(&read_only, "/stores").await;
    assert_eq!(status, 200);
    let stores: Vec<Store> = serde_json::from_value(stores["data"].clone()).unwrap();
    let slugs: Vec<&str> = stores.iter().map(|s| s.slug.as_str()).collect();
    assert_eq!(slugs, ["riyadh-olaya", "jeddah-corniche"]);
    let (status, _) = pongo.post(&read_only, "/orders", order("X", 100)).await;
    assert_eq!(status, 403);
    pongo.console.revoke_pongo_tokens().await;
    let (status, _) = pongo.get(&read_only, "/stores").await;
    assert_eq!(status, 401, "a revoked token stops working");
}

#[tokio::test]
async fn customers_with_both_optins_and_laravel_errors() {
    let pongo = Pongo::start().await;
    let t = pongo.connect(ALL_SCOPES).await;
    for (phone, status) in [("966501234567", 200), ("32470000000", 404)] {
        let path = format!("/customers/{phone}");
        let (head, _) = pongo.call(Method::HEAD, &t, &path, None).await;
        assert_eq!(head, status, "HEAD {path}");
    }

    let (status, e) = pongo.post(&t, "/customers", json!({"phone": "+32470123456", "reference_store_slug": "riyadh-olaya", "sms_optin": true, "gender": "robot"}))
        .await;
    assert_eq!(status, 422);
    assert!(e["message"].is_string());
    assert!(e["errors"]["email_optin"].is_array() && e["errors"]["gender"].is_array());

    let (status, c) = pongo.post(&t, "/customers", json!({"phone": "32470123456", "reference_store_slug": "riyadh-olaya", "email_optin": false, "sms_optin": true, "birthday": "1990-05-01"}))
        .await;
    assert_eq!(status, 201);
    assert_eq!(
        (
            c["data"]["email_optin"].clone(),
            c["data"]["sms_optin"].clone()
        ),
        (json!(false), json!(true))
    );
    let id = c["data"]["id"].as_str().unwrap();
    let path = format!("/customers/{id}");
    let opt_in = Some(json!({"email_optin": true}));
    let (status, u) = pongo.call(Method::PUT, &t, &path, opt_in).await;
    assert_eq!(
        (status, u["data"]["email_optin"].clone()),
        (200, json!(true))
    );
    let (status, dup) = pongo.post(&t, "/customers", json!({"phone": "32470123456", "reference_store_slug": "riyadh-olaya", "email_optin": true, "sms_optin": true}))
        .await;
    assert_eq!(
        (status, dup["errors"]["phone"][0].clone()),
        (422, json!("The phone has already been taken."))
    );
}

#[tokio::test]
async fn orders_award_the_earn_rule_and_repeat_as_202() {
    let pongo = Pongo::start().await;
    let t = pongo.connect(ALL_SCOPES).await;
    for (i, (amount, points)) in [(499u64, 0u64), (500, 7), (1_999, 29), (10_000, 150)]
        .into_iter()
        .enumerate()
    {
        let (status, o) = pongo
            .post(&t, "/orders", order(&format!("A{i}"), amount))
            .await;
        assert_eq!(status, 201);
        assert_eq!(o["data"]["points_earned"], points, "{amount} cents");
    }
    let (status, again) = pongo.post(&t, "/orders", order("A3", 99_999)).await;
    assert_eq!(
        (status, again["message"].clone()),
        (202, json!("This order has already been processed."))
    );
    let books = pongo.console.pongo_books().await;
    assert_eq!(books.orders.len(), 4);
    assert_eq!(books.customers[0].points, 320 + 7 + 29 + 150);
    let id = books.orders[3].id.clone();
    // The 202 names the order; reading it back gives the points it earned the first time.
    assert_eq!(again["data"]["id"], json!(id));
    let (status, read) = pongo.get(&t, &format!("/orders/{id}")).await;
    assert_eq!(
        (status, read["data"]["points_earned"].clone()),
        (200, json!(150))
    );
    let (status, _) = pongo.get(&t, "/orders/unknown").await;
    assert_eq!(status, 404);
    let path = format!("/orders/{id}");
    let cancelled = Some(json!({"status": "cancelled"}));
    let (status, _) = pongo.call(Method::PATCH, &t, &path, cancelled).await;
    assert_eq!(status, 200);
    assert_eq!(
        pongo.console.pongo_books().await.customers[0].points,
        320 + 7 + 29
    );
    let (status, e) = pongo
        .post(&t, "/orders", json!({"order_id": "B", "lines": []}))
        .await;
    assert_eq!(status, 422);
    for field in [
        "channel",
        "delivery_mode",
        "status",
        "delivery_status",
        "store_slug",
        "amount",
        "lines",
    ] {
        assert!(e["errors"][field].is_array(), "{field}");
    }
}

#[tokio::test]
async fn checkins_create_customers_and_respect_the_delay() {
    let pongo = Pongo::start().await;
    let t = pongo.connect(ALL_SCOPES).await;
    let body = json!({"store_slug": "jeddah-corniche", "international_phone_number": "32470555555", "amount": 2000,
                      "datetime": "2020-01-01T00:00:00+00:00", "enforce_checkin_delay": true});
    let (status, c) = pongo.post(&t, "/checkins", body.clone()).await;
    assert_eq!(
        (status, c["data"]["points_earned"].clone()),
        (201, json!(30))
    );
    let (status, _) = pongo.get(&t, "/customers/32470555555").await;
    assert_eq!(status, 200, "the unknown phone became a customer");
    let (status, e) = pongo.post(&t, "/checkins", body).await;
    assert_eq!(status, 422);
    assert!(e["errors"]["enforce_checkin_delay"].is_array());
}

#[tokio::test]
async fn rewards_filter_buy_lock_and_use() {
    let pongo = Pongo::start().await;
    let t = pongo.connect(ALL_SCOPES).await;
    let (_, cheap) = pongo.get(&t, "/rewards?max_points=150").await;
    assert_eq!(cheap["data"].as_array().unwrap().len(), 1);
    assert_eq!(cheap["data"][0]["external_id"], "SKU-COFFEE");
    let buy_ten_off = || {
        let reward = json!({"reward_id": "reward-10-off", "store_slug": "riyadh-olaya"});
        pongo.post(&t, "/customers/966501234567/rewards", reward)
    };
    let (status, won) = buy_ten_off().await;
    assert_eq!(status, 201);
    let id = won["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(pongo.console.pongo_books().await.customers[0].points, 70);
    let (status, e) = buy_ten_off().await;
    assert_eq!(
        (status, e["errors"]["reward_id"].is_array()),
        (422, true),
        "not enough points"
    );
    let won = format!("/customer-rewards/{id}");
    let lock = format!("{won}/lock");
    let (status, locked) = pongo.call(Method::POST, &t, &lock, None).await;
    assert_eq!(
        (status, locked["data"]["locked"].clone()),
        (200, json!(true))
    );
    let (status, used) = pongo.call(Method::PATCH, &t, &won, None).await;
    assert_eq!((status, used["data"]["used"].clone()), (200, json!(true)));
    let (status, _) = pongo.call(Method::PATCH, &t, &won, None).await;
    assert_eq!(status, 422, "a reward is used once");
}

#[tokio::test]
async fn webhook_deliveries_are_signed() {
    let pongo = Pongo::start().await;
    let t = pongo.connect(ALL_SCOPES).await;
    let received: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let sink = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
            let sink = sink.clone();
            async move {
                let signature = headers["pongo-signature"].to_str().unwrap().to_string();
                sink.lock().unwrap().push((signature, body));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let (status, hook) = pongo
        .post(
            &t,
            "/webhooks",
            json!({"url": url, "events": ["customer.created"]}),
        )
        .await;
    assert_eq!(status, 201);
    let secret = hook["data"]["secret"].as_str().unwrap().to_string();
    pongo.post(&t, "/customers", json!({"phone": "32470777777", "reference_store_slug": "riyadh-olaya", "email_optin": true, "sms_optin": true}))
        .await;
    for _ in 0..50 {
        if !received.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let (signature, body) = received
        .lock()
        .unwrap()
        .first()
        .cloned()
        .expect("a delivery");
    let t: i64 = signature
        .split(',')
        .next()
        .unwrap()
        .trim_start_matches("t=")
        .parse()
        .unwrap();
    assert_eq!(
        verify(
            secret.as_bytes(),
            Some(&signature),
            body.as_bytes(),
            t,
            300,
            PayloadLayout::BodyThenTimestamp
        ),
        Ok(t)
    );
    assert!(verify(
        b"other",
        Some(&signature),
        body.as_bytes(),
        t,
        300,
        PayloadLayout::BodyThenTimestamp
    )
    .is_err());
    assert!(body.contains("customer.created") && body.contains("32470777777"));
}

#[tokio::test]
async fn faults_on_orders_including_commit_then_drop() {
    let pongo = Pongo::start().await;
    let t = pongo.connect(ALL_SCOPES).await;
    let fault = |config: FaultConfig| pongo.console.inject_fault("pongo.orders.create", config);
    let status = |r: reqwest::Result<reqwest::Response>| r.unwrap().status().as_u16();
    fault(Fault::Outage.into()).await;
    assert_eq!(status(pongo.post_f1(&t).await), 503);
    fault(Fault::Throttled(3).into()).await;
    let r = pongo.post_f1(&t).await.unwrap();
    assert_eq!(
        (
            r.status().as_u16(),
            r.headers()["retry-after"].to_str().unwrap()
        ),
        (429, "3")
    );
    fault(Fault::Unauthorized.into()).await;
    assert_eq!(status(pongo.post_f1(&t).await), 401);
    fault(Fault::LostAnswer.times(1)).await;
    assert!(
        match pongo.post_f1(&t).await {
            Err(_) => true,
            Ok(r) => r.json::<Value>().await.is_err(),
        },
        "no answer arrives"
    );
    assert_eq!(pongo.orders_stored().await, 1, "but the order was stored");
    // After the outage a resend is Pongo's duplicate: 202, still one order.
    assert_eq!(status(pongo.post_f1(&t).await), 202);
    assert_eq!(pongo.orders_stored().await, 1);
}
