//! Calls to the edge. Every failure, including a network error or a body that is not the
//! error contract, becomes an [`ApiError`] the view can show.

use gloo_net::http::{Request, RequestBuilder, Response};
use loyalty_shared::api::{
    Balance, EarnPreview, EnlistRequest, OtpChallenge, PongoCheckCode, PongoCodeSent, PongoMember,
    RedeemRequest, Redemption, SendOtpRequest, SessionStarted, StartSessionRequest,
    UpdateCartRequest,
};
use loyalty_shared::{ApiError, ErrorBody, ErrorCode, Locale, Money};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The edge API as seen from one widget instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeClient {
    pub base: String,
    pub locale: Locale,
}

impl EdgeClient {
    pub async fn start_session(
        &self,
        request: &StartSessionRequest,
    ) -> Result<SessionStarted, ApiError> {
        self.post("/v1/sessions", None, None, request).await
    }

    pub async fn send_otp(
        &self,
        token: &str,
        request: &SendOtpRequest,
    ) -> Result<OtpChallenge, ApiError> {
        self.post("/v1/mokafaa/otp", Some(token), None, request)
            .await
    }

    pub async fn balance(&self, token: &str, challenge_id: &str) -> Result<Balance, ApiError> {
        let url = self.url(&format!("/v1/mokafaa/balance?challenge_id={challenge_id}"));
        let response = self
            .headers(Request::get(&url), Some(token), None)
            .send()
            .await
            .map_err(|_| self.error(ErrorCode::UpstreamUnavailable))?;
        self.read(response).await
    }

    /// One redemption attempt; `key` makes a retry of the same attempt safe.
    pub async fn redeem(
        &self,
        token: &str,
        key: &str,
        request: &RedeemRequest,
    ) -> Result<Redemption, ApiError> {
        self.post("/v1/mokafaa/redeem", Some(token), Some(key), request)
            .await
    }

    pub async fn undo(&self, token: &str, redemption_id: &str) -> Result<Redemption, ApiError> {
        let path = format!("/v1/mokafaa/redemptions/{redemption_id}/undo");
        self.post(&path, Some(token), None, &serde_json::json!({}))
            .await
    }

    pub async fn enlist(
        &self,
        token: &str,
        request: &EnlistRequest,
    ) -> Result<PongoMember, ApiError> {
        self.post("/v1/pongo/enlist", Some(token), None, request)
            .await
    }

    /// Texts a code to the phone enlisted in this session.
    pub async fn pongo_send_code(&self, token: &str) -> Result<PongoCodeSent, ApiError> {
        self.post(
            "/v1/pongo/verify",
            Some(token),
            None,
            &serde_json::json!({}),
        )
        .await
    }

    /// The code the shopper received: right, the member card opens.
    pub async fn pongo_check_code(&self, token: &str, code: &str) -> Result<PongoMember, ApiError> {
        let body = PongoCheckCode {
            code: code.to_string(),
        };
        self.post("/v1/pongo/verify/check", Some(token), None, &body)
            .await
    }

    /// The host page's cart total changed: the session follows it.
    pub async fn update_cart(&self, token: &str, amount: Money) -> Result<(), ApiError> {
        let response = self
            .headers(
                Request::patch(&self.url("/v1/sessions/current")),
                Some(token),
                None,
            )
            .json(&UpdateCartRequest { amount })
            .map_err(|_| self.error(ErrorCode::Internal))?
            .send()
            .await
            .map_err(|_| self.error(ErrorCode::UpstreamUnavailable))?;
        self.read::<serde_json::Value>(response).await.map(|_| ())
    }

    /// What the session's cart earns now.
    pub async fn earn_preview(&self, token: &str) -> Result<EarnPreview, ApiError> {
        let response = self
            .headers(
                Request::get(&self.url("/v1/pongo/earn-preview")),
                Some(token),
                None,
            )
            .send()
            .await
            .map_err(|_| self.error(ErrorCode::UpstreamUnavailable))?;
        self.read(response).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base.trim_end_matches('/'))
    }

    fn headers(
        &self,
        builder: RequestBuilder,
        token: Option<&str>,
        key: Option<&str>,
    ) -> RequestBuilder {
        let mut builder = builder.header("Accept-Language", self.locale.tag());
        if let Some(token) = token {
            builder = builder.header("Authorization", &format!("Bearer {token}"));
        }
        if let Some(key) = key {
            builder = builder.header("Idempotency-Key", key);
        }
        builder
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
        key: Option<&str>,
        body: &B,
    ) -> Result<T, ApiError> {
        let request = self
            .headers(Request::post(&self.url(path)), token, key)
            .json(body)
            .map_err(|_| self.error(ErrorCode::Internal))?;
        let response = request
            .send()
            .await
            .map_err(|_| self.error(ErrorCode::UpstreamUnavailable))?;
        self.read(response).await
    }

    async fn read<T: DeserializeOwned>(&self, response: Response) -> Result<T, ApiError> {
        if response.ok() {
            return response
                .json::<T>()
                .await
                .map_err(|_| self.error(ErrorCode::UpstreamRejected));
        }
        match response.json::<ErrorBody>().await {
            // Show the message in the shopper's language for the code, whatever the server wrote.
            Ok(body) => Err(ApiError {
                message: body.error.code.message(self.locale).to_string(),
                ..body.error
            }),
            Err(_) => Err(self.error(ErrorCode::UpstreamUnavailable)),
        }
    }

    fn error(&self, code: ErrorCode) -> ApiError {
        ApiError::new(code, self.locale)
    }
}

/// A fresh idempotency key for one redemption attempt: 128 bits from the browser's CSPRNG.
pub fn new_idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    // Web Crypto is in every browser this widget supports; a failure leaves zeros, which the
    // edge would treat as a retry of the first zero-key attempt, so say it loudly.
    if getrandom::getrandom(&mut bytes).is_err() {
        web_sys::console::error_1(&"loyalty widget: no crypto.getRandomValues".into());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
