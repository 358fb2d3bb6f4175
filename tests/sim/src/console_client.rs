//! [`SimConsole`]: a typed client of the simulators' test console (`/__sim`), for the tests
//! that run against the simulators (this crate's, the edge's native ones, and the e2e suite).
//! It reads and writes the shapes of [`crate::console_api`], the ones the console itself
//! serializes, so the two cannot drift apart.
//!
//! It is test tooling: a call the console refuses, or that never reaches it, panics with the
//! call, the status and the body, as a test wants to stop there. What the console answers
//! as "nothing yet" (no OTP texted to that number) is `None`.

use crate::console_api::{
    Advance, BankBooks, Clock, Data, Faults, InboxQuery, OtpQuery, Outbox, OutboxQuery,
    PartnerParametersSet, PongoBooks, Settings, TextedCode, TextedOtp,
};
use crate::email::Stored;
use crate::faults::FaultConfig;
use crate::pongo::model::{Customer, CustomerReward, Order};
use crate::pongo::Approval;
use crate::{mokafaa, pongo};
use loyalty_shared::PartnerParameters;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

/// The `/__sim` console of the simulators at one base URL.
#[derive(Debug, Clone)]
pub struct SimConsole {
    base: String,
    http: reqwest::Client,
}

impl SimConsole {
    /// The console of the simulators at `base_url`, e.g. `http://127.0.0.1:8788`.
    pub fn new(base_url: &str) -> SimConsole {
        SimConsole {
            base: base_url.trim_end_matches('/').to_string(),
            http: reqwest::Client::builder()
                // The consent form answers with a redirect the caller wants to see.
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(20))
                .build()
                .expect("reqwest client"),
        }
    }

    /// The simulators' base URL, as given.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn console(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}/__sim{path}", self.base))
    }

    /// Sends `request`: the call (for messages) and the answer. A refusal other than 404, or
    /// no answer at all, panics naming the call.
    async fn send(&self, request: RequestBuilder) -> (String, reqwest::Response) {
        let request = request.build().expect("a console request");
        let call = format!("{} {}", request.method(), request.url());
        let response = self
            .http
            .execute(request)
            .await
            .unwrap_or_else(|e| panic!("{call}: the simulators did not answer: {e}"));
        let status = response.status();
        if !(status.is_success() || status.is_redirection() || status == StatusCode::NOT_FOUND) {
            let body = response.text().await.unwrap_or_default();
            panic!("{call}: {status} {body}");
        }
        (call, response)
    }

    /// Sends `request`, which must find what it names (no 404).
    async fn found(&self, request: RequestBuilder) -> (String, reqwest::Response) {
        let (call, response) = self.send(request).await;
        assert_ne!(response.status(), StatusCode::NOT_FOUND, "{call}");
        (call, response)
    }

    /// The JSON answer of `request`, or `None` when the console has nothing there (404).
    async fn read_if_any<T: DeserializeOwned>(&self, request: RequestBuilder) -> Option<T> {
        let (call, response) = self.send(request).await;
        if response.status() == StatusCode::NOT_FOUND {
            return None;
        }
        Some(decode(&call, response).await)
    }

    /// The JSON answer of `request`, which must be there.
    async fn read<T: DeserializeOwned>(&self, request: RequestBuilder) -> T {
        let (call, response) = self.found(request).await;
        decode(&call, response).await
    }

    /// Sends `request`, which the console must accept; its answer does not matter.
    async fn accepted(&self, request: RequestBuilder) {
        self.found(request).await;
    }

    // ------------------------------------------------------------ clock, faults, reset

    /// The simulated time (the local edge reads the same clock).
    pub async fn clock(&self) -> Clock {
        self.read(self.console(Method::GET, "/clock")).await
    }

    /// Unix seconds of the simulated clock.
    pub async fn now(&self) -> i64 {
        self.clock().await.now
    }

    /// Moves the simulated clock forward (it never goes back).
    pub async fn advance_clock(&self, seconds: u32) -> Clock {
        let advance = Advance { seconds };
        self.read(self.console(Method::POST, "/clock/advance").json(&advance))
            .await
    }

    /// Every fault switched on, by operation.
    pub async fn faults(&self) -> BTreeMap<String, FaultConfig> {
        let list: Faults = self.read(self.console(Method::GET, "/faults")).await;
        list.faults
    }

    /// Switches `fault` on for `operation` (`mokafaa.otp_validation`, `pongo.orders.create`,
    /// ... as the README lists them); all off switches it off.
    pub async fn inject_fault(&self, operation: &str, fault: impl Into<FaultConfig>) {
        let fault: FaultConfig = fault.into();
        let path = format!("/faults/{operation}");
        self.accepted(self.console(Method::PUT, &path).json(&fault))
            .await;
    }

    /// Switches every fault off and replays the fault rolls from the seed.
    pub async fn clear_faults(&self) {
        self.accepted(self.console(Method::DELETE, "/faults")).await;
    }

    /// Back to the seed data, real time and no faults.
    pub async fn reset(&self) {
        self.accepted(self.console(Method::POST, "/reset")).await;
    }

    // ------------------------------------------------------------ Mokafaa

    /// The last OTP the bank texted to `mobile`, if it texted one.
    pub async fn texted_otp(&self, mobile: &str) -> Option<TextedOtp> {
        let query = OtpQuery {
            mobile: mobile.into(),
        };
        self.read_if_any(self.console(Method::GET, "/mokafaa/otp").query(&query))
            .await
    }

    /// The code of the last OTP the bank texted to `mobile`, which it must have texted.
    pub async fn last_otp(&self, mobile: &str) -> String {
        texted(self.texted_otp(mobile).await, mobile).otp
    }

    /// The bank's customers, transactions and switches.
    pub async fn mokafaa_books(&self) -> BankBooks {
        self.read(self.console(Method::GET, "/mokafaa/books")).await
    }

    /// The bank's redemptions and reversals, oldest first.
    pub async fn mokafaa_transactions(&self) -> Vec<mokafaa::Transaction> {
        self.mokafaa_books().await.transactions
    }

    /// Opens an account at the bank (the mobile and customer number must be new).
    pub async fn add_mokafaa_customer(&self, customer: &mokafaa::Customer) {
        self.accepted(
            self.console(Method::POST, "/mokafaa/customers")
                .json(customer),
        )
        .await;
    }

    /// Sets the bank's switches (rate, minimum, numbers as strings, POS ids).
    pub async fn set_mokafaa_config(&self, config: &mokafaa::Config) -> mokafaa::Config {
        let set: Settings<mokafaa::Config> = self
            .read(self.console(Method::PUT, "/mokafaa/config").json(config))
            .await;
        set.config
    }

    // ------------------------------------------------------------ Pongo

    /// Everything the Pongo account holds that a test checks.
    pub async fn pongo_books(&self) -> PongoBooks {
        self.read(self.console(Method::GET, "/pongo/books")).await
    }

    /// Every order Pongo stored, oldest first.
    pub async fn pongo_orders(&self) -> Vec<Order> {
        self.pongo_books().await.orders
    }

    /// Changes the program's earn rule at Pongo (the edge reads it again by itself).
    pub async fn set_partner_parameters(&self, parameters: PartnerParameters) {
        let _: PartnerParametersSet = self
            .read(
                self.console(Method::PUT, "/pongo/partner-parameters")
                    .json(&parameters),
            )
            .await;
    }

    /// Revokes every token Pongo issued, as a merchant disconnecting the app does.
    pub async fn revoke_pongo_tokens(&self) {
        self.accepted(self.console(Method::POST, "/pongo/revoke-tokens"))
            .await;
    }

    /// Creates a customer as `POST /v1/customers` takes one (`points_to_add` included).
    pub async fn add_pongo_customer(&self, customer: &Value) -> Customer {
        let created: Data<Customer> = self
            .read(
                self.console(Method::POST, "/pongo/customers")
                    .json(customer),
            )
            .await;
        created.data
    }

    /// The customer (phone or id) buys a reward with their points, as at a till.
    pub async fn buy_pongo_reward(&self, customer: &str, purchase: &Value) -> CustomerReward {
        let path = format!("/pongo/customers/{customer}/rewards");
        let bought: Data<CustomerReward> = self
            .read(self.console(Method::POST, &path).json(purchase))
            .await;
        bought.data
    }

    /// The merchant clicks "Approve" on Pongo's consent form; returns where Pongo sends the
    /// browser (the `redirect_uri` with `code` and `state`). Pongo's page, not the console.
    pub async fn approve_pongo(&self, approval: &Approval) -> String {
        let request = self
            .http
            .post(format!("{}/pongo/v1/oauth/approve", self.base))
            .form(approval);
        let (call, response) = self.found(request).await;
        assert_eq!(response.status(), StatusCode::FOUND, "{call}");
        response.headers()[reqwest::header::LOCATION]
            .to_str()
            .expect("a Location")
            .to_string()
    }

    // ------------------------------------------------------------ email, SMS

    /// Every email sent to `to`, oldest first.
    pub async fn emails(&self, to: &str) -> Vec<Stored> {
        let query = OutboxQuery {
            to: Some(to.into()),
        };
        let outbox: Outbox = self
            .read(self.console(Method::GET, "/email/outbox").query(&query))
            .await;
        outbox.messages
    }

    /// The last code the SMS verification service texted to `to` (`+9665...`), if any.
    pub async fn sms_inbox(&self, to: &str) -> Option<TextedCode> {
        let query = InboxQuery { to: to.into() };
        self.read_if_any(self.console(Method::GET, "/sms/inbox").query(&query))
            .await
    }

    /// The last code texted to `to`, which must have been texted one.
    pub async fn last_sms_code(&self, to: &str) -> String {
        texted(self.sms_inbox(to).await, to).code
    }
}

/// What was texted to `to`, which a test expects to be there.
fn texted<T>(inbox: Option<T>, to: &str) -> T {
    inbox.unwrap_or_else(|| panic!("nothing was texted to {to}"))
}

/// The JSON of a console answer, in the console's shape `T`.
async fn decode<T: DeserializeOwned>(call: &str, response: reqwest::Response) -> T {
    response
        .json()
        .await
        .unwrap_or_else(|e| panic!("{call}: not the console's shape: {e}"))
}

/// The authorization `code` in the redirect Pongo sends the browser after the approval.
pub fn authorization_code(location: &str) -> Option<String> {
    reqwest::Url::parse(location)
        .ok()?
        .query_pairs()
        .find(|(name, _)| name == "code")
        .map(|(_, code)| code.into_owned())
}

/// The approval a merchant gives for `scope` on the simulator's app, with `state` and
/// `redirect_uri` as the connect link carried them.
pub fn approval(state: &str, redirect_uri: &str, scope: &str) -> Approval {
    Approval {
        client_id: pongo::model::CLIENT_ID.into(),
        state: state.into(),
        redirect_uri: redirect_uri.into(),
        scope: scope.into(),
    }
}
