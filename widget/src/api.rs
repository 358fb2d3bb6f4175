//! Calls to the edge. Every failure, including a network error or a body that is not the
//! error contract, becomes an [`ApiError`] the view can show.
//!
//! Answers go through the browser's own `fetch` and `Response.json()`, read by
//! [`crate::wire`], so no JSON parser or HTTP client is compiled into the widget.

use crate::wire::{from_js, to_json};
use loyalty_shared::api::{
    Balance, EarnPreview, EnlistRequest, OtpChallenge, PongoCheckCode, PongoCodeSent, PongoMember,
    RedeemRequest, Redemption, SendOtpRequest, SessionStarted, StartSessionRequest,
    UpdateCartRequest,
};
use loyalty_shared::{ApiError, ErrorBody, ErrorCode, Locale, Money};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

/// The edge API as seen from one widget instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeClient {
    pub base: String,
    pub locale: Locale,
}

/// One request to the edge: method, path, optional bearer, optional extra header.
struct Call<'a> {
    method: &'static str,
    path: &'a str,
    token: Option<&'a str>,
    idempotency_key: Option<&'a str>,
}

impl EdgeClient {
    pub async fn start_session(
        &self,
        request: &StartSessionRequest,
    ) -> Result<SessionStarted, ApiError> {
        let call = Call {
            method: "POST",
            path: "/v1/sessions",
            token: None,
            idempotency_key: None,
        };
        self.send(call, Some(self.body(request)?)).await
    }

    /// The calls a shopper makes in the session `token` opened.
    pub fn session<'a>(&'a self, token: &'a str) -> Session<'a> {
        Session {
            client: self,
            token,
        }
    }

    /// Sends the call, with `body` as JSON when there is one, and reads the answer as `T`.
    async fn send<T: DeserializeOwned>(
        &self,
        call: Call<'_>,
        body: Option<String>,
    ) -> Result<T, ApiError> {
        let answer = self.exchange(call, body).await?;
        from_js(answer).ok_or_else(|| self.error(ErrorCode::UpstreamRejected))
    }

    /// The call and its JSON answer, one copy for every answer type (only reading it is
    /// per type): an error answer, or none, becomes the [`ApiError`].
    async fn exchange(&self, call: Call<'_>, body: Option<String>) -> Result<JsValue, ApiError> {
        let response = self
            .fetch(call, body)
            .await
            .map_err(|_| self.error(ErrorCode::UpstreamUnavailable))?;
        let json = match response.json() {
            Ok(promise) => JsFuture::from(promise).await.ok(),
            Err(_) => None,
        };
        if response.ok() {
            return json.ok_or_else(|| self.error(ErrorCode::UpstreamRejected));
        }
        match json.and_then(from_js::<ErrorBody>) {
            // The widget words the code itself: what the server wrote is never kept.
            Some(body) => Err(ApiError {
                message: String::new(),
                ..body.error
            }),
            None => Err(self.error(ErrorCode::UpstreamUnavailable)),
        }
    }

    /// `fetch` in the shopper's language, with the session's bearer token.
    async fn fetch(&self, call: Call<'_>, body: Option<String>) -> Result<Response, JsValue> {
        let headers = Headers::new()?;
        headers.append("Accept-Language", self.locale.tag())?;
        if let Some(token) = call.token {
            headers.append("Authorization", &format!("Bearer {token}"))?;
        }
        if let Some(key) = call.idempotency_key {
            headers.append("Idempotency-Key", key)?;
        }
        let init = RequestInit::new();
        init.set_method(call.method);
        if let Some(body) = body {
            headers.append("Content-Type", "application/json")?;
            init.set_body(&JsValue::from_str(&body));
        }
        init.set_headers(&headers);
        let url = format!("{}{}", self.base.trim_end_matches('/'), call.path);
        let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
        let answer = JsFuture::from(window.fetch_with_str_and_init(&url, &init)).await?;
        answer.dyn_into::<Response>()
    }

    /// A request body as JSON; one that does not serialize is never sent.
    fn body<B: Serialize>(&self, body: &B) -> Result<String, ApiError> {
        to_json(body).ok_or_else(|| self.error(ErrorCode::UpstreamUnavailable))
    }

    fn error(&self, code: ErrorCode) -> ApiError {
        failure(code)
    }
}

/// An error the widget met itself (the edge was not asked, or did not answer). Its
/// `message` stays empty, as the edge's is emptied: the widget words every error from its
/// code ([`crate::i18n::errors::sentence`]), and the shared `ApiError::new` would compile
/// every code's message in every language into the wasm.
pub fn failure(code: ErrorCode) -> ApiError {
    ApiError {
        code,
        message: String::new(),
        retry_after_seconds: None,
        attempts_left: None,
        field: None,
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
        let call = Call {
            idempotency_key: Some(key),
            ..self.call("POST", "/v1/mokafaa/redeem")
        };
        let body = self.client.body(request)?;
        self.client.send(call, Some(body)).await
    }

    /// The shopper's undo: the points go back.
    pub async fn undo(&self, redemption_id: &str) -> Result<Redemption, ApiError> {
        let path = format!("/v1/mokafaa/redemptions/{redemption_id}/undo");
        self.post(&path, &Empty {}).await
    }

    /// Enlists the phone in the merchant's Pongo program (or finds the member).
    pub async fn enlist(&self, request: &EnlistRequest) -> Result<PongoMember, ApiError> {
        self.post("/v1/pongo/enlist", request).await
    }

    /// Texts a code to the phone enlisted in this session.
    pub async fn send_member_code(&self) -> Result<PongoCodeSent, ApiError> {
        self.post("/v1/pongo/verify", &Empty {}).await
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
        let call = self.call("PATCH", "/v1/sessions/current");
        let body = self.client.body(&UpdateCartRequest { amount })?;
        self.client.exchange(call, Some(body)).await.map(|_| ())
    }

    /// The session again after a reload or in a second tab, with its standing redemption.
    pub async fn resume(&self) -> Result<SessionStarted, ApiError> {
        self.get("/v1/sessions/current").await
    }

    /// What the session's cart earns now.
    pub async fn earn_preview(&self) -> Result<EarnPreview, ApiError> {
        self.get("/v1/pongo/earn-preview").await
    }

    fn call<'a>(&'a self, method: &'static str, path: &'a str) -> Call<'a> {
        Call {
            method,
            path,
            token: Some(self.token),
            idempotency_key: None,
        }
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.client.send(self.call("GET", path), None).await
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let body = self.client.body(body)?;
        self.client.send(self.call("POST", path), Some(body)).await
    }
}

/// `{}`: the body of a POST that carries nothing.
#[derive(Serialize)]
struct Empty {}

#[wasm_bindgen]
extern "C" {
    /// Web Crypto's CSPRNG (no crate for it: `getrandom` ships Node.js fallbacks too).
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(bytes: &mut [u8]) -> Result<(), JsValue>;
}

/// A fresh idempotency key for one redemption attempt: 128 bits from the browser's CSPRNG.
pub fn new_idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    // Web Crypto is in every browser this widget supports; a failure leaves zeros, which the
    // edge would treat as a retry of the first zero-key attempt, so say it loudly.
    if get_random_values(&mut bytes).is_err() {
        web_sys::console::error_1(&"loyalty widget: no crypto.getRandomValues".into());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
