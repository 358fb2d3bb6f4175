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
        let builder = self.request(Request::post, "/v1/sessions", None);
        self.send(builder, Some(request)).await
    }

    /// The calls a shopper makes in the session `token` opened.
    pub fn session<'a>(&'a self, token: &'a str) -> Session<'a> {
        Session {
            client: self,
            token,
        }
    }

    /// A request for `path` in the shopper's language, with the session's bearer token.
    fn request(
        &self,
        method: fn(&str) -> RequestBuilder,
        path: &str,
        token: Option<&str>,
    ) -> RequestBuilder {
        let url = format!("{}{path}", self.base.trim_end_matches('/'));
        let builder = method(&url).header("Accept-Language", self.locale.tag());
        match token {
            Some(token) => builder.header("Authorization", &format!("Bearer {token}")),
            None => builder,
        }
    }

    /// Sends the request, with `body` as JSON when there is one, and reads the answer.
    async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        builder: RequestBuilder,
        body: Option<&B>,
    ) -> Result<T, ApiError> {
        let sent = match body {
            Some(body) => {
                let request = builder
                    .json(body)
                    .map_err(|_| self.error(ErrorCode::Internal))?;
                request.send().await
            }
            None => builder.send().await,
        };
        let response = sent.map_err(|_| self.error(ErrorCode::UpstreamUnavailable))?;
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

/// The edge API within one session: every call carries the session's bearer token.
pub struct Session<'a> {
    client: &'a EdgeClient,
    token: &'a str,
}

impl Session<'_> {
    /// Asks the bank to text the shopper a code (again, for a resend).
    pub async fn send_otp(&self, request: &SendOtpRequest) -> Result<OtpChallenge, ApiError> {
        self.post("/v1/mokafaa/otp", request).await
    }

    /// What this order can take in points, for the live code.
    pub async fn balance(&self, challenge_id: &str) -> Result<Balance, ApiError> {
        let path = format!("/v1/mokafaa/balance?challenge_id={challenge_id}");
        self.get(&path).await
    }

    /// One redemption attempt; `key` makes a retry of the same attempt safe.
    pub async fn redeem(&self, key: &str, request: &RedeemRequest) -> Result<Redemption, ApiError> {
        let builder = self.request(Request::post, "/v1/mokafaa/redeem");
        let builder = builder.header("Idempotency-Key", key);
        self.client.send(builder, Some(request)).await
    }

    /// The shopper's undo: the points go back.
    pub async fn undo(&self, redemption_id: &str) -> Result<Redemption, ApiError> {
        let path = format!("/v1/mokafaa/redemptions/{redemption_id}/undo");
        self.post(&path, &serde_json::json!({})).await
    }

    /// Enlists the phone in the merchant's Pongo program (or finds the member).
    pub async fn enlist(&self, request: &EnlistRequest) -> Result<PongoMember, ApiError> {
        self.post("/v1/pongo/enlist", request).await
    }

    /// Texts a code to the phone enlisted in this session.
    pub async fn send_member_code(&self) -> Result<PongoCodeSent, ApiError> {
        self.post("/v1/pongo/verify", &serde_json::json!({})).await
    }

    /// The code the shopper received: right, the member card opens.
    pub async fn check_member_code(&self, code: &str) -> Result<PongoMember, ApiError> {
        let body = PongoCheckCode {
            code: code.to_string(),
        };
        self.post("/v1/pongo/verify/check", &body).await
    }

    /// The host page's cart total changed: the session follows it.
    pub async fn update_cart(&self, amount: Money) -> Result<(), ApiError> {
        let builder = self.request(Request::patch, "/v1/sessions/current");
        let body = UpdateCartRequest { amount };
        let answer = self
            .client
            .send::<_, serde_json::Value>(builder, Some(&body));
        answer.await.map(|_| ())
    }

    /// The session again after a reload or in a second tab, with its standing redemption.
    pub async fn resume(&self) -> Result<SessionStarted, ApiError> {
        self.get("/v1/sessions/current").await
    }

    /// What the session's cart earns now.
    pub async fn earn_preview(&self) -> Result<EarnPreview, ApiError> {
        self.get("/v1/pongo/earn-preview").await
    }

    fn request(&self, method: fn(&str) -> RequestBuilder, path: &str) -> RequestBuilder {
        self.client.request(method, path, Some(self.token))
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let builder = self.request(Request::get, path);
        self.client.send(builder, None::<&()>).await
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let builder = self.request(Request::post, path);
        self.client.send(builder, Some(body)).await
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
