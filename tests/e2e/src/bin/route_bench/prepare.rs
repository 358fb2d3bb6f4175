//! What the timed calls need, made off the clock: bank accounts, texted codes, prerequisite
//! calls; and the requests of every route, one per cart.

use crate::measure::Slots;
use crate::{Bench, CART_MINOR, REDEEM_MINOR, STATIC_PATH};
use loyalty_e2e::{edge_url, sim, DEMO_ORIGIN};
use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};
use std::future::Future;
use std::sync::Arc;

/// Untimed preparation runs this many calls at once: fast, without starving the edge.
const PREP_AT_ONCE: usize = 8;

/// Runs `work` on every item, `PREP_AT_ONCE` at a time, keeping the items' order.
async fn parallel<I, T, F, Fut>(items: Vec<I>, work: F) -> Vec<T>
where
    I: Send + 'static,
    T: Send + 'static,
    F: Fn(I) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
{
    let gate = Arc::new(tokio::sync::Semaphore::new(PREP_AT_ONCE));
    let tasks: Vec<_> = items
        .into_iter()
        .map(|item| {
            let (gate, job) = (gate.clone(), work(item));
            tokio::spawn(async move {
                let _permit = gate.acquire_owned().await;
                job.await
            })
        })
        .collect();
    let mut out = Vec::with_capacity(tasks.len());
    for task in tasks {
        out.push(task.await.expect("a preparation task"));
    }
    out
}

/// The text at `key` of every body.
pub(crate) fn field(bodies: &Slots<Value>, key: &str) -> Slots<String> {
    bodies
        .iter()
        .map(|b| b.as_ref()?[key].as_str().map(str::to_string))
        .collect()
}

/// Sends prerequisites off the clock, a few at a time; the bodies of the 2xx answers.
pub(crate) async fn untimed(requests: Slots<RequestBuilder>) -> Slots<Value> {
    parallel(requests, |request| async move {
        let response = request?.send().await.ok()?;
        if !response.status().is_success() {
            return None;
        }
        response.json::<Value>().await.ok()
    })
    .await
}

/// Opens an account at the simulated bank for each number (off the clock).
pub(crate) async fn open_accounts(mobiles: &[String]) {
    parallel(mobiles.to_vec(), |mobile| async move {
        let customer = loyalty_sim::mokafaa::Customer {
            cic: format!("9{}", &mobile[2..]),
            mobile,
            points: 100_000,
            blocked: false,
            iban: None,
        };
        sim().add_mokafaa_customer(&customer).await;
    })
    .await;
}

/// The code the bank texted to each number that was sent one (off the clock).
pub(crate) async fn texted_codes(mobiles: &[String], challenges: &Slots<String>) -> Slots<String> {
    let wanted: Vec<Option<String>> = mobiles
        .iter()
        .zip(challenges)
        .map(|(m, c)| c.as_ref().map(|_| m.clone()))
        .collect();
    parallel(wanted, |mobile| async move {
        Some(sim().texted_otp(&mobile?).await?.otp)
    })
    .await
}

/// The requests of one route, one per cart (`None` where a prerequisite is missing).
impl Bench {
    /// One call of the static asset every route is compared with.
    pub(crate) fn static_call(&self) -> RequestBuilder {
        self.http.get(format!("{}{STATIC_PATH}", edge_url()))
    }

    pub(crate) fn statics(&self, path: &str) -> Slots<RequestBuilder> {
        let url = format!("{}{path}", edge_url());
        (0..self.plan.calls())
            .map(|_| Some(self.http.get(&url)))
            .collect()
    }

    pub(crate) fn sessions(&self, set: &str) -> Slots<RequestBuilder> {
        let url = format!("{}/v1/sessions", edge_url());
        (0..self.plan.calls())
            .map(|i| {
                let body = json!({"merchant_id": "demo", "cart_id": self.cart(set, i), "amount": {"minor": CART_MINOR, "currency": "SAR"}, "locale": "en"});
                Some(self.http.post(&url).header("Origin", DEMO_ORIGIN).json(&body))
            })
            .collect()
    }

    pub(crate) fn otps(&self, tokens: &Slots<String>, mobiles: &[String]) -> Slots<RequestBuilder> {
        let body = |m: &String| json!({"method": "mobile", "mobile": m});
        tokens
            .iter()
            .zip(mobiles)
            .map(|(t, m)| {
                Some(
                    self.widget(Method::POST, "/v1/mokafaa/otp", t.as_ref()?)
                        .json(&body(m)),
                )
            })
            .collect()
    }

    pub(crate) fn balances(
        &self,
        tokens: &Slots<String>,
        challenges: &Slots<String>,
    ) -> Slots<RequestBuilder> {
        tokens
            .iter()
            .zip(challenges)
            .map(|(t, c)| {
                let path = format!("/v1/mokafaa/balance?challenge_id={}", c.as_ref()?);
                Some(self.widget(Method::GET, &path, t.as_ref()?))
            })
            .collect()
    }

    pub(crate) fn redeems(
        &self,
        tokens: &Slots<String>,
        challenges: &Slots<String>,
        codes: &Slots<String>,
    ) -> Slots<RequestBuilder> {
        (0..tokens.len())
            .map(|i| {
                let (t, c, otp) = (tokens[i].as_ref()?, challenges[i].as_ref()?, codes[i].as_ref()?);
                let body = json!({"challenge_id": c, "otp": otp, "amount": {"minor": REDEEM_MINOR, "currency": "SAR"}});
                let key = format!("bench-{}-{c}", self.run);
                Some(self.widget(Method::POST, "/v1/mokafaa/redeem", t).header("Idempotency-Key", key).json(&body))
            })
            .collect()
    }

    pub(crate) fn undos(
        &self,
        tokens: &Slots<String>,
        redemptions: &Slots<String>,
    ) -> Slots<RequestBuilder> {
        tokens
            .iter()
            .zip(redemptions)
            .map(|(t, r)| {
                let path = format!("/v1/mokafaa/redemptions/{}/undo", r.as_ref()?);
                Some(self.widget(Method::POST, &path, t.as_ref()?))
            })
            .collect()
    }
}

/// Pongo's and the store server's requests.
impl Bench {
    pub(crate) fn previews(&self, tokens: &Slots<String>) -> Slots<RequestBuilder> {
        tokens
            .iter()
            .map(|t| Some(self.widget(Method::GET, "/v1/pongo/earn-preview", t.as_ref()?)))
            .collect()
    }

    /// Each cart's shopper joins Pongo with the number they gave the bank, both answers given.
    pub(crate) fn enlists(
        &self,
        tokens: &Slots<String>,
        mobiles: &[String],
    ) -> Slots<RequestBuilder> {
        tokens
            .iter()
            .zip(mobiles)
            .map(|(t, m)| {
                let body = json!({"phone": format!("+9665{}", &m[2..]), "email_optin": true, "sms_optin": false});
                Some(self.widget(Method::POST, "/v1/pongo/enlist", t.as_ref()?).json(&body))
            })
            .collect()
    }

    /// The store reports each enlisted cart's order paid, signed at `now`.
    pub(crate) fn pongo_orders(&self, enlisted: &Slots<Value>, now: i64) -> Slots<RequestBuilder> {
        (0..enlisted.len())
            .map(|i| {
                enlisted[i].as_ref()?;
                let body = json!({
                    "merchant_id": "demo", "order_id": format!("bench-{}-p{i}", self.run), "location_id": "web",
                    "payment_status": "succeeded", "amount": {"minor": CART_MINOR, "currency": "SAR"},
                    "lines": [{"sku": "SKU-BEANS", "name": "Beans", "quantity": 1, "unit_price": {"minor": CART_MINOR, "currency": "SAR"}}],
                    "payments": [{"method": "card", "amount": {"minor": CART_MINOR, "currency": "SAR"}}],
                    "cart_id": self.cart("a", i),
                });
                Some(self.signed("/v1/merchant/pongo/orders", &body, now))
            })
            .collect()
    }

    /// The store captures each redemption with its order (`paid`) or cancels that order.
    pub(crate) fn order_calls(
        &self,
        path: &str,
        redemptions: &Slots<String>,
        now: i64,
    ) -> Slots<RequestBuilder> {
        (0..redemptions.len())
            .map(|i| {
                let r = redemptions[i].as_ref()?;
                let mut body = json!({"merchant_id": "demo", "redemption_id": r, "order_id": format!("bench-{}-o{i}", self.run)});
                if path.ends_with("/paid") {
                    body["order_total"] = json!({"minor": CART_MINOR, "currency": "SAR"});
                }
                Some(self.signed(path, &body, now))
            })
            .collect()
    }
}
