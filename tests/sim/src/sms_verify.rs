//! An SMS verification service in the shape of Twilio Verify v2 (its public API reference):
//! `POST /sms/v2/Services/{ServiceSid}/Verifications` (`To`, `Channel=sms`) texts a code,
//! `POST /sms/v2/Services/{ServiceSid}/VerificationCheck` (`To`, `Code`) checks it, HTTP
//! Basic auth with the account SID and auth token, form-encoded bodies, JSON answers and
//! Twilio's error shape `{code, message, more_info, status}`. Texted codes land in an inbox
//! the console reads (`/__sim/sms/inbox?to=+9665...`).
//!
//! Rules as Twilio documents them: a code lives 10 minutes; a new send to a number with a
//! pending verification texts the same verification anew; 5 checks per verification, then
//! 429 (60202); 5 sends per number per 10 minutes, then 429 (60203); a check with no pending
//! verification is 404 (20404). Codes are 6 digits (Twilio's default length).

use crate::console::refuse;
use crate::console_api::{InboxQuery, TextedCode};
use crate::faults::{AfterCommit, ErrorShape};
use crate::{Call, Reply, Sim};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::json;

pub const ACCOUNT_SID: &str = "ACsim00000000000000000000000000000";
pub const AUTH_TOKEN: &str = "sim-sms-auth-token";
pub const SERVICE_SID: &str = "VAsim00000000000000000000000000000";
/// A code lives this long [Twilio: 10 minutes].
pub const CODE_LIFETIME: i64 = 600;
pub const MAX_CHECKS: u32 = 5;
pub const MAX_SENDS: u32 = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub sid: String,
    pub to: String,
    pub code: String,
    /// `pending`, `approved`, `max_attempts_reached`, `expired`.
    pub status: String,
    pub created_at: i64,
    pub checks: u32,
    pub sends: u32,
}

#[derive(Debug, Default)]
pub struct Service {
    pub verifications: Vec<Verification>,
}

impl Service {
    fn pending(&mut self, to: &str, now: i64) -> Option<&mut Verification> {
        self.verifications
            .iter_mut()
            .rev()
            .find(|v| v.to == to && v.status == "pending" && now < v.created_at + CODE_LIFETIME)
    }
}

pub fn router() -> Router<Sim> {
    Router::new()
        .route("/v2/Services/{service}/Verifications", post(send))
        .route("/v2/Services/{service}/VerificationCheck", post(check))
}

pub fn console() -> Router<Sim> {
    Router::new().route("/inbox", get(inbox))
}

fn twilio_error(status: StatusCode, code: u32, message: &str) -> Response {
    (
        status,
        Json(json!({
            "code": code,
            "message": message,
            "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
            "status": status.as_u16(),
        })),
    )
        .into_response()
}

/// Twilio's 20404, for a wrong service or no pending verification.
fn not_found() -> Response {
    twilio_error(
        StatusCode::NOT_FOUND,
        20404,
        "The requested resource was not found",
    )
}

/// What both calls do first: the faults, HTTP Basic auth, the service ([`Call::param`]),
/// then the form.
async fn open<T: for<'de> Deserialize<'de>>(
    call: &Call,
    operation: &str,
    bytes: &[u8],
) -> Result<(AfterCommit, T), Response> {
    let after = call
        .sim
        .faults()
        .before(operation, ErrorShape::Pongo)
        .await?;
    let credentials = format!("{ACCOUNT_SID}:{AUTH_TOKEN}");
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(credentials)
    );
    let authorization = call.headers.get("Authorization");
    if authorization.and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
        return Err(twilio_error(
            StatusCode::UNAUTHORIZED,
            20003,
            "Authenticate",
        ));
    }
    if call.param != SERVICE_SID {
        return Err(not_found());
    }
    let form = serde_urlencoded::from_bytes(bytes)
        .map_err(|_| twilio_error(StatusCode::BAD_REQUEST, 60200, "Invalid parameter"))?;
    Ok((after, form))
}

#[derive(Deserialize)]
struct SendForm {
    #[serde(rename = "To")]
    to: String,
    #[serde(rename = "Channel")]
    channel: String,
}

#[derive(Deserialize)]
struct CheckForm {
    #[serde(rename = "To")]
    to: String,
    #[serde(rename = "Code")]
    code: String,
}

fn e164(to: &str) -> bool {
    to.strip_prefix('+')
        .is_some_and(|d| (8..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

fn view(v: &Verification) -> serde_json::Value {
    json!({
        "sid": v.sid, "service_sid": SERVICE_SID, "account_sid": ACCOUNT_SID, "to": v.to,
        "channel": "sms", "status": v.status, "valid": v.status == "approved",
    })
}

async fn send(call: Call, bytes: Bytes) -> Reply {
    let (after, body): (_, SendForm) = open(&call, "sms.send", &bytes).await?;
    let sim = &call.sim;
    if body.channel != "sms" || !e164(&body.to) {
        return Err(twilio_error(
            StatusCode::BAD_REQUEST,
            60200,
            "Invalid parameter `To`",
        ));
    }
    let now = sim.now();
    let code = format!("{:06}", sim.rng().gen_range(0..1_000_000u32));
    let sid = format!("VE{:032x}", sim.rng().gen::<u128>());
    let mut service = sim.sms();
    let answer = match service.pending(&body.to, now) {
        Some(v) if v.sends >= MAX_SENDS => {
            return Err(twilio_error(
                StatusCode::TOO_MANY_REQUESTS,
                60203,
                "Max send attempts reached",
            ))
        }
        Some(v) => {
            v.sends += 1;
            view(v)
        }
        None => {
            let v = Verification {
                sid,
                to: body.to.clone(),
                code,
                status: "pending".into(),
                created_at: now,
                checks: 0,
                sends: 1,
            };
            let answer = view(&v);
            service.verifications.push(v);
            answer
        }
    };
    drop(service);
    Ok(after.answer((StatusCode::CREATED, Json(answer)).into_response()))
}

async fn check(call: Call, bytes: Bytes) -> Reply {
    let (after, body): (_, CheckForm) = open(&call, "sms.check", &bytes).await?;
    let sim = &call.sim;
    let now = sim.now();
    let mut service = sim.sms();
    let v = service.pending(&body.to, now).ok_or_else(not_found)?;
    if v.checks >= MAX_CHECKS {
        v.status = "max_attempts_reached".into();
        return Err(twilio_error(
            StatusCode::TOO_MANY_REQUESTS,
            60202,
            "Max check attempts reached",
        ));
    }
    v.checks += 1;
    if v.code == body.code {
        v.status = "approved".into();
    }
    let answer = view(v);
    drop(service);
    Ok(after.answer(Json(answer).into_response()))
}

/// The last code texted to a number (`+9665...`), as the shopper's phone would show it.
async fn inbox(State(sim): State<Sim>, Query(q): Query<InboxQuery>) -> Reply {
    let service = sim.sms();
    let texted = service
        .verifications
        .iter()
        .rev()
        .find(|v| v.to == q.to)
        .ok_or_else(|| refuse(StatusCode::NOT_FOUND, "no code was texted to this number"))?;
    Ok(Json(TextedCode {
        to: texted.to.clone(),
        code: texted.code.clone(),
        status: texted.status.clone(),
        sends: texted.sends,
    })
    .into_response())
}
