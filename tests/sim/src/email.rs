//! A transactional email API in the shape of Postmark's send endpoint
//! (`POST /email/email` with `X-Postmark-Server-Token`), storing every message in an outbox
//! the console can read. The edge's email client speaks this shape; pointing it at the real
//! provider is a base URL and a token.

use crate::console_api::OutboxQuery;
use crate::faults::ErrorShape;
use crate::{Reply, Sim};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The server token the simulator accepts (a test credential, not a secret).
pub const SERVER_TOKEN: &str = "sim-email-token";

/// One message as the provider's send call takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Message {
    pub from: String,
    pub to: String,
    pub subject: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html_body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_stream: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    pub message_id: String,
    pub submitted_at: i64,
    #[serde(flatten)]
    pub message: Message,
}

/// Every message sent, oldest first; also the console's `GET /email/outbox` answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox {
    pub messages: Vec<Stored>,
}

pub fn router() -> Router<Sim> {
    Router::new().route("/email", post(send))
}

/// Postmark-style error: `{ErrorCode, Message}` with 401 or 422.
fn reject(status: StatusCode, code: u32, message: &str) -> Response {
    (
        status,
        Json(json!({ "ErrorCode": code, "Message": message })),
    )
        .into_response()
}

async fn send(State(sim): State<Sim>, headers: HeaderMap, body: axum::body::Bytes) -> Reply {
    let after = sim.faults().before("email.send", ErrorShape::Email).await?;
    if headers
        .get("X-Postmark-Server-Token")
        .and_then(|v| v.to_str().ok())
        != Some(SERVER_TOKEN)
    {
        return Err(reject(
            StatusCode::UNAUTHORIZED,
            10,
            "No Account or Server API tokens were supplied in the HTTP headers.",
        ));
    }
    let message: Message = serde_json::from_slice(&body)
        .map_err(|_| reject(StatusCode::UNPROCESSABLE_ENTITY, 402, "Invalid JSON"))?;
    if !message.to.contains('@') || !message.from.contains('@') {
        return Err(reject(
            StatusCode::UNPROCESSABLE_ENTITY,
            300,
            "Invalid email request: the From and To addresses must be email addresses.",
        ));
    }
    if message.text_body.is_none() && message.html_body.is_none() {
        return Err(reject(
            StatusCode::UNPROCESSABLE_ENTITY,
            300,
            "Provide either email TextBody or HtmlBody or both.",
        ));
    }
    let message_id = uuid::Builder::from_random_bytes(rand::Rng::gen(&mut *sim.rng()))
        .into_uuid()
        .to_string();
    let submitted_at = sim.now();
    let to = message.to.clone();
    sim.outbox().messages.push(Stored {
        message_id: message_id.clone(),
        submitted_at,
        message,
    });
    Ok(after.answer(
        Json(json!({
            "To": to,
            "SubmittedAt": submitted_at,
            "MessageID": message_id,
            "ErrorCode": 0,
            "Message": "OK",
        }))
        .into_response(),
    ))
}

/// `GET /__sim/email/outbox?to=`.
pub(crate) async fn outbox(State(sim): State<Sim>, Query(q): Query<OutboxQuery>) -> Json<Outbox> {
    let messages: Vec<Stored> = sim
        .outbox()
        .messages
        .iter()
        .filter(|m| q.to.as_deref().is_none_or(|to| m.message.to == to))
        .cloned()
        .collect();
    Json(Outbox { messages })
}

/// `DELETE /__sim/email/outbox`.
pub(crate) async fn clear_outbox(State(sim): State<Sim>) -> StatusCode {
    sim.outbox().messages.clear();
    StatusCode::NO_CONTENT
}
