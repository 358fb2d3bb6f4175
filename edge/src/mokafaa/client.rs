//! The Mokafaa client: the token call (cached until shortly before expiry) and the four
//! scoped calls. Written once against `reqwest`, it runs inside the Worker (reqwest's wasm
//! backend uses `fetch`) and natively in tests against the simulator.

use super::errors::{classify, BankFailure};
use super::wire::{
    AuthorizationRequest, AuthorizationResponse, ReversalRequest, TokenResponse, TransactionList,
    ValidationRequest, ValidationResponse,
};
use crate::counters::Tally;
use loyalty_shared::{CustomerNumber, Locale, Money, SaudiIban, SaudiMobile};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

/// The scopes of the "five essential APIs" [S].
pub const SCOPES: &str =
    "customer-authorization otp-validation redemption-transaction-reversal redemption-transactions";

/// Refresh the token this long before the bank says it expires.
const TOKEN_MARGIN_SECONDS: i64 = 60;

/// One merchant's Mokafaa access. The three credentials are secrets: they live in the edge.
#[derive(Clone)]
pub struct MokafaaConfig {
    /// e.g. `https://gwt.alrajhibank.com.sa:9443` or the simulator's `http://127.0.0.1:8788/mokafaa`.
    pub base_url: String,
    /// `sit` or `prod`: the path segment after `/api-factory/`.
    pub environment: String,
    pub client_id: String,
    pub client_secret: String,
    pub merchant_token: String,
    /// The store/terminal id some integrations send as `mappingPosID`.
    pub mapping_pos_id: Option<String>,
    pub timeout: Duration,
}

impl std::fmt::Debug for MokafaaConfig {
    /// Secrets never appear in debug output or logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MokafaaConfig")
            .field("base_url", &self.base_url)
            .field("environment", &self.environment)
            .field("client_id", &"••••")
            .field("client_secret", &"••••")
            .field("merchant_token", &"••••")
            .finish()
    }
}

/// Who asks for an OTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    Mobile(SaudiMobile),
    CustomerNumber(CustomerNumber),
    Iban(SaudiIban),
}

#[derive(Clone)]
pub struct MokafaaClient {
    http: reqwest::Client,
    config: MokafaaConfig,
    tally: Tally,
}

/// Access tokens by (base URL, client id), shared by every request an isolate serves, so a
/// token call happens about once an hour per merchant rather than once per request.
static TOKENS: Mutex<BTreeMap<(String, String), (String, i64)>> = Mutex::new(BTreeMap::new());

impl MokafaaClient {
    /// A client whose calls count in `tally` (the request's, or a cron run's).
    pub fn new(config: MokafaaConfig, tally: &Tally) -> Self {
        MokafaaClient {
            http: reqwest::Client::new(),
            config,
            tally: tally.clone(),
        }
    }

    fn url(&self, tail: &str) -> String {
        format!(
            "{}/api-factory/{}/{tail}",
            self.config.base_url.trim_end_matches('/'),
            self.config.environment
        )
    }

    fn api(&self, call: &str) -> String {
        self.url(&format!("blu-loyalty/1.0.0/{call}"))
    }

    /// The secret is part of the key: a token got with a replaced secret is not reused.
    fn cache_key(&self) -> (String, String) {
        let account = format!(
            "{}\u{0}{}",
            self.config.client_id, self.config.client_secret
        );
        (self.config.base_url.clone(), account)
    }

    /// A fresh token call (never the cache): whether the bank takes these credentials now.
    pub async fn check_credentials(&self, now: i64) -> Result<(), BankFailure> {
        self.forget_token();
        self.token(now).await.map(|_| ())
    }

    /// A valid access token, from the cache or a fresh token call.
    async fn token(&self, now: i64) -> Result<String, BankFailure> {
        if let Ok(cache) = TOKENS.lock() {
            if let Some((token, expires_at)) = cache.get(&self.cache_key()) {
                if now < *expires_at - TOKEN_MARGIN_SECONDS {
                    return Ok(token.clone());
                }
            }
        }
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.config.client_id.as_str()),
            ("client_secret", self.config.client_secret.as_str()),
            ("scope", SCOPES),
        ];
        self.tally.upstream();
        let response = self
            .http
            .post(self.url("loyalty-redemption/oauth2/token"))
            .header("Accept", "application/json")
            .form(&form)
            .timeout(self.config.timeout)
            .send()
            .await
            .map_err(|_| BankFailure::Unknown)?;
        let status = response.status().as_u16();
        let text = response.text().await.map_err(|_| BankFailure::Unknown)?;
        if status != 200 {
            // Bad client credentials are a merchant configuration problem, not the shopper's.
            return Err(match classify(status, &text) {
                BankFailure::TokenRejected => {
                    BankFailure::Refused(loyalty_shared::ErrorCode::UpstreamRejected)
                }
                other => other,
            });
        }
        let token: TokenResponse =
            serde_json::from_slice(text.as_bytes()).map_err(|_| BankFailure::Unknown)?;
        let expires_at = now + token.expires_in.unwrap_or(3600);
        if let Ok(mut cache) = TOKENS.lock() {
            cache.insert(self.cache_key(), (token.access_token.clone(), expires_at));
        }
        Ok(token.access_token)
    }

    fn forget_token(&self) {
        if let Ok(mut cache) = TOKENS.lock() {
            cache.remove(&self.cache_key());
        }
    }

    /// One scoped call; a rejected token is refreshed once.
    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        url: String,
        body: Option<&B>,
        now: i64,
    ) -> Result<T, BankFailure> {
        for attempt in 0..2 {
            let token = self.token(now).await?;
            let mut request = self
                .http
                .request(method.clone(), &url)
                .header("Authorization", format!("Bearer {token}"))
                .header("merchantToken", &self.config.merchant_token)
                .header("Accept", "application/json")
                .timeout(self.config.timeout);
            if let Some(body) = body {
                let json = serde_json::to_string(body).map_err(|_| BankFailure::Unknown)?;
                request = request
                    .header("Content-Type", "application/json")
                    .body(json);
            }
            self.tally.upstream();
            let response = request.send().await.map_err(|_| BankFailure::Unknown)?;
            let status = response.status().as_u16();
            let text = response.text().await.map_err(|_| BankFailure::Unknown)?;
            if (200..300).contains(&status) {
                // A 200 carrying a business error code is still a refusal.
                let envelope: super::wire::Envelope =
                    serde_json::from_slice(text.as_bytes()).unwrap_or_default();
                if envelope.error_code.is_some() || envelope.status.is_some_and(|s| s >= 400) {
                    return Err(classify(envelope.status.unwrap_or(400) as u16, &text));
                }
                return serde_json::from_slice(text.as_bytes()).map_err(|_| BankFailure::Unknown);
            }
            match classify(status, &text) {
                BankFailure::TokenRejected if attempt == 0 => self.forget_token(),
                BankFailure::TokenRejected => return Err(BankFailure::Unknown),
                other => return Err(other),
            }
        }
        Err(BankFailure::Unknown)
    }

    /// A POST of `request` to the bank API's `path`.
    async fn post<Q: serde::Serialize, R: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        request: &Q,
        now: i64,
    ) -> Result<R, BankFailure> {
        self.call(reqwest::Method::POST, self.api(path), Some(request), now)
            .await
    }

    /// Asks the bank to text an OTP; returns the `otp_token` and its lifetime in minutes.
    pub async fn authorize(
        &self,
        identity: &Identity,
        locale: Locale,
        now: i64,
    ) -> Result<AuthorizationResponse, BankFailure> {
        let (mobile, loyalty_cic_no, iban) = match identity {
            Identity::Mobile(m) => (Some(m.to_mokafaa()), None, None),
            Identity::CustomerNumber(c) => (None, Some(c.as_str().to_string()), None),
            Identity::Iban(i) => (None, None, Some(i.as_str().to_string())),
        };
        let request = AuthorizationRequest {
            mobile,
            loyalty_cic_no,
            iban,
            currency: "SAR".into(),
            lang: locale.tag().into(),
            mapping_pos_id: self.config.mapping_pos_id.clone(),
        };
        self.post("customer-authorization", &request, now).await
    }

    /// Checks the OTP and redeems `amount` (SAR). `Unknown` means: reconcile, never retry.
    pub async fn redeem(
        &self,
        otp: &str,
        otp_token: &str,
        amount: Money,
        locale: Locale,
        now: i64,
    ) -> Result<ValidationResponse, BankFailure> {
        let request = ValidationRequest {
            otp_value: otp.to_string(),
            otp_token: otp_token.to_string(),
            amount: amount.to_decimal_string(),
            language: locale.tag().into(),
        };
        self.post("otp-validation", &request, now).await
    }

    pub async fn reverse(&self, transaction_id: i64, now: i64) -> Result<(), BankFailure> {
        let request = ReversalRequest { transaction_id };
        self.post::<_, serde_json::Value>("redemption-transaction-reversal", &request, now)
            .await
            .map(|_| ())
    }

    /// The balance of the customer behind a live `otp_token`. [I] An invented extension: no
    /// public source shows a balance call; the simulator implements this one.
    pub async fn balance(&self, otp_token: &str, now: i64) -> Result<u64, BankFailure> {
        let url = format!("{}?otp_token={otp_token}", self.api("customer-balance"));
        let answer: super::wire::BalanceResponse = self
            .call::<(), _>(reqwest::Method::GET, url, None, now)
            .await?;
        answer.points().ok_or(BankFailure::Unknown)
    }

    /// The bank's transactions between two unix times [I: query shape inferred].
    pub async fn transactions(
        &self,
        from: i64,
        to: i64,
        now: i64,
    ) -> Result<TransactionList, BankFailure> {
        let url = format!(
            "{}?from={from}&to={to}",
            self.api("redemption-transactions")
        );
        self.call::<(), _>(reqwest::Method::GET, url, None, now)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_secrets() {
        let config = MokafaaConfig {
            base_url: "http://x".into(),
            environment: "sit".into(),
            client_id: "id-123".into(),
            client_secret: "very-secret".into(),
            merchant_token: "merchant-secret".into(),
            mapping_pos_id: None,
            timeout: Duration::from_secs(5),
        };
        let text = format!("{config:?}");
        assert!(
            !text.contains("very-secret")
                && !text.contains("merchant-secret")
                && !text.contains("id-123")
        );
    }
}
