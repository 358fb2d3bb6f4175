//! The Pongo client, written once against `reqwest` like the Mokafaa one: it runs in the
//! Worker and natively in tests against the simulator.

use super::errors::{classify, PongoFailure};
use super::wire::{
    Account, CreatedOrder, Customer, Data, NewCustomer, Reward, Store, TokenResponse,
    WebhookSubscription,
};
use crate::counters::Tally;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;

/// The scopes the connect flow asks for (Pongo's basic set) [S].
pub const SCOPES: &str =
    "customer.create,customer.read,customer.update,reward.create,reward.read,reward.update,order.create,order.read,order.update,checkin.create";

/// The webhook events the edge listens to [S].
pub const WEBHOOK_EVENTS: [&str; 2] = ["customer.created", "customer.updated"];

pub struct PongoClient {
    http: reqwest::Client,
    base_url: String,
    token: String,
    timeout: Duration,
    tally: Tally,
}

/// The connect flow's first step: where the merchant's browser goes to approve.
pub fn authorize_url(base_url: &str, client_id: &str, redirect_uri: &str, state: &str) -> String {
    let encode = |v: &str| -> String {
        v.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "{}/v1/oauth/form?client_id={}&state={}&redirect_uri={}&scope={}",
        base_url.trim_end_matches('/'),
        encode(client_id),
        encode(state),
        encode(redirect_uri),
        encode(SCOPES)
    )
}

/// Exchanges the callback's `code` for an access token.
pub async fn exchange_code(
    base_url: &str,
    client_id: &str,
    client_secret: &str,
    code: &str,
    timeout: Duration,
) -> Result<TokenResponse, PongoFailure> {
    let form = [
        ("code", code),
        // [S] the docs list client_credentials for the code exchange, odd but documented.
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("client_secret", client_secret),
    ];
    let response = reqwest::Client::new()
        .post(format!("{}/v1/oauth/token", base_url.trim_end_matches('/')))
        .header("Accept", "application/json")
        .form(&form)
        .timeout(timeout)
        .send()
        .await
        .map_err(|_| PongoFailure::Unavailable)?;
    read(response).await
}

async fn read<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, PongoFailure> {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("Retry-After")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let text = response
        .text()
        .await
        .map_err(|_| PongoFailure::Unavailable)?;
    if (200..300).contains(&status) {
        // A 204 (or an empty 200) is success with nothing to read, not an unreadable answer
        // to retry forever.
        let text = if text.trim().is_empty() {
            "null"
        } else {
            &text
        };
        return serde_json::from_slice(text.as_bytes()).map_err(|_| PongoFailure::Unavailable);
    }
    Err(classify(status, retry_after.as_deref(), &text))
}

impl PongoClient {
    /// A client whose calls count in `tally` (the request's, or a cron run's).
    pub fn new(base_url: &str, token: &str, timeout: Duration, tally: &Tally) -> Self {
        PongoClient {
            http: reqwest::Client::new(),
            base_url: base_url.trim_end_matches('/').to_string(),
            token: token.to_string(),
            timeout,
            tally: tally.clone(),
        }
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}/v1{path}", self.base_url))
            .header("Authorization", format!("Bearer {}", self.token))
            .header("Accept", "application/json")
            .timeout(self.timeout)
    }

    async fn send<T: DeserializeOwned>(
        &self,
        builder: reqwest::RequestBuilder,
    ) -> Result<(u16, T), PongoFailure> {
        self.tally.upstream();
        let response = builder
            .send()
            .await
            .map_err(|_| PongoFailure::Unavailable)?;
        let status = response.status().as_u16();
        read(response).await.map(|body| (status, body))
    }

    async fn json<B: Serialize, T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &B,
    ) -> Result<(u16, T), PongoFailure> {
        self.send(self.request(method, path).json(body)).await
    }

    /// The merchant account and its `partnerParameters` (the earn rule).
    pub async fn me(&self) -> Result<Account, PongoFailure> {
        Ok(self
            .send::<Data<Account>>(self.request(reqwest::Method::GET, "/oauth/me"))
            .await?
            .1
            .data)
    }

    pub async fn stores(&self) -> Result<Vec<Store>, PongoFailure> {
        Ok(self
            .send::<Data<Vec<Store>>>(self.request(reqwest::Method::GET, "/stores"))
            .await?
            .1
            .data)
    }

    /// A customer by international phone (digits without '+'), or `None`.
    pub async fn customer(&self, phone: &str) -> Result<Option<Customer>, PongoFailure> {
        match self
            .send::<Data<Customer>>(
                self.request(reqwest::Method::GET, &format!("/customers/{phone}")),
            )
            .await
        {
            Ok((_, found)) => Ok(Some(found.data)),
            Err(PongoFailure::NotFound) => Ok(None),
            Err(other) => Err(other),
        }
    }

    pub async fn create_customer(&self, customer: &NewCustomer) -> Result<Customer, PongoFailure> {
        Ok(self
            .json::<_, Data<Customer>>(reqwest::Method::POST, "/customers", customer)
            .await?
            .1
            .data)
    }

    /// The points an order earned, by Pongo's id: a retried order is answered 202 with
    /// its id only, and the host page still needs the points [path I: `GET /v1/orders/{id}`,
    /// scope `order.read`].
    pub async fn order_points(&self, id: &str) -> Result<u64, PongoFailure> {
        Ok(self
            .send::<Data<CreatedOrder>>(
                self.request(reqwest::Method::GET, &format!("/orders/{id}")),
            )
            .await?
            .1
            .data
            .points_earned)
    }

    /// One outbox call as written: `method` and `path` (under `/v1`) with its JSON body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        payload: &serde_json::Value,
    ) -> Result<(u16, serde_json::Value), PongoFailure> {
        let method = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|_| PongoFailure::Invalid { field: None })?;
        self.json(method, path, payload).await
    }

    /// `PUT /v1/customers/{id}` [S: PUT, not PATCH].
    pub async fn update_customer(
        &self,
        id: &str,
        changes: &serde_json::Value,
    ) -> Result<Customer, PongoFailure> {
        Ok(self
            .json::<_, Data<Customer>>(reqwest::Method::PUT, &format!("/customers/{id}"), changes)
            .await?
            .1
            .data)
    }

    /// The rewards of the program that a store offers.
    pub async fn rewards(&self, store_slug: &str) -> Result<Vec<Reward>, PongoFailure> {
        Ok(self
            .send::<Data<Vec<Reward>>>(
                self.request(reqwest::Method::GET, "/rewards")
                    .query(&[("store_slug", store_slug)]),
            )
            .await?
            .1
            .data)
    }

    /// Subscribes `url` to customer events; the answer carries the signing secret.
    pub async fn subscribe_webhook(&self, url: &str) -> Result<WebhookSubscription, PongoFailure> {
        Ok(self
            .json::<_, Data<WebhookSubscription>>(
                reqwest::Method::POST,
                "/webhooks",
                &serde_json::json!({ "url": url, "events": WEBHOOK_EVENTS }),
            )
            .await?
            .1
            .data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authorize_url_carries_client_state_redirect_and_scopes() {
        let url = authorize_url(
            "https://sandbox-api.heypongo.com/",
            "id",
            "https://edge.example/v1/admin/pongo/callback",
            "s t",
        );
        assert!(url.starts_with("https://sandbox-api.heypongo.com/v1/oauth/form?client_id=id&state=s%20t&redirect_uri=https%3A%2F%2Fedge.example"));
        assert!(url.ends_with(&format!("scope={SCOPES}")));
    }
}
