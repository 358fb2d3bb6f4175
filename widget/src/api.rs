//! Calls to the edge. Every failure, including a network error or a body that is not the
//! error contract, becomes an [`ApiError`] the view can show.

use gloo_net::http::{Request, Response};
use loyalty_shared::api::{EnlistRequest, OtpChallenge, PongoMember, SendOtpRequest};
use loyalty_shared::{ApiError, ErrorBody, ErrorCode, Locale};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The edge API as seen from one widget instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeClient {
    pub base: String,
    pub locale: Locale,
}

impl EdgeClient {
    pub async fn send_otp(&self, request: &SendOtpRequest) -> Result<OtpChallenge, ApiError> {
        self.post("/v1/mokafaa/otp", request).await
    }

    pub async fn enlist(&self, request: &EnlistRequest) -> Result<PongoMember, ApiError> {
        self.post("/v1/pongo/enlist", request).await
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let url = format!("{}{path}", self.base.trim_end_matches('/'));
        let request = Request::post(&url)
            .header("Accept-Language", self.locale.tag())
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
