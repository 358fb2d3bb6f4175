//! A transactional email API in the shape of Postmark's send endpoint
//! (`POST /email/email` with `X-Postmark-Server-Token`), storing every message in an outbox
//! the console can read. The edge's email client speaks this shape; pointing it at the real
//! provider is a base URL and a token.

use crate::faults::{dropped_connection, ErrorShape};
use crate::Sim;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stored {
    pub message_id: String,
    pub submitted_at: i64,
    #[serde(flatten)]
    pub message: Message,
}

#[derive(Debug, Default)]
pub struct Outbox {
    pub messages: Vec<Stored>,
}

pub fn router() -> Router<Sim> {
    Router::new().route("/email", post(send))
}

pub fn console() -> Router<Sim> {
    Router::new().route("/outbox", get(outbox).delete(clear))
}

/// Postmark-style error: `{ErrorCode, Message}` with 401 or 422.
fn reject(status: StatusCode, code: u32, message: &str) -> Response {
    (
        status,
        Json(json!({ "ErrorCode": code, "Message": message })),
    )
        .into_response()
}

async fn send(State(sim): State<Sim>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let (fault, drop_after) = sim.faults().before("email.send", ErrorShape::Email).await;
    if let Some(response) = fault {
        return response;
    }
    if headers
        .get("X-Postmark-Server-Token")
        .and_then(|v| v.to_str().ok())
        != Some(SERVER_TOKEN)
    {
        return reject(
            StatusCode::UNAUTHORIZED,
            10,
            "No Account or Server API tokens were supplied in the HTTP headers.",
        );
    }
    let message: Message = match serde_json::from_slice(&body) {
        Ok(message) => message,
        Err(_) => return reject(StatusCode::UNPROCESSABLE_ENTITY, 402, "Invalid JSON"),
    };
    if !message.to.contains('@') || !message.from.contains('@') {
        return reject(
            StatusCode::UNPROCESSABLE_ENTITY,
            300,
            "Invalid email request: the From and To addresses must be email addresses.",
        );
    }
    if message.text_body.is_none() && message.html_body.is_none() {
        return reject(
            StatusCode::UNPROCESSABLE_ENTITY,
            300,
            "Provide either email TextBody or HtmlBody or both.",
        );
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
    if drop_after {
        return dropped_connection();
    }
    Json(json!({
        "To": to,
        "SubmittedAt": submitted_at,
        "MessageID": message_id,
        "ErrorCode": 0,
        "Message": "OK",
    }))
    .into_response()
}

#[derive(Deserialize)]
struct OutboxQuery {
    to: Option<String>,
}

async fn outbox(State(sim): State<Sim>, Query(q): Query<OutboxQuery>) -> Json<serde_json::Value> {
    let messages: Vec<Stored> = sim
        .outbox()
        .messages
        .iter()
        .filter(|m| q.to.as_deref().is_none_or(|to| m.message.to == to))
        .cloned()
        .collect();
    Json(json!({ "messages": messages }))
}

async fn clear(State(sim): State<Sim>) -> StatusCode {
    sim.outbox().messages.clear();
    StatusCode::NO_CONTENT
}
