//! Twilio Verify's HTTP face over [`super::model`]: Basic auth with the test credentials,
//! form bodies, JSON answers and Twilio's error shape.

use super::model::{Refusal, Verification};
use crate::faults::{AfterCommit, ErrorShape};
use crate::{Call, Reply, Sim};
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine;
use rand::Rng;
use serde::Deserialize;
use serde_json::json;

/// The credentials the simulated service accepts (test values, not secrets).
pub const ACCOUNT_SID: &str = "ACsim00000000000000000000000000000";
pub const AUTH_TOKEN: &str = "sim-sms-auth-token";
pub const SERVICE_SID: &str = "VAsim00000000000000000000000000000";

pub fn router() -> Router<Sim> {
    Router::new()
        .route("/v2/Services/{service}/Verifications", post(send))
        .route("/v2/Services/{service}/VerificationCheck", post(check))
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

/// Twilio's answer to a refusal of the model (20404 also for a wrong service).
fn refused(refusal: Refusal) -> Response {
    match refusal {
        Refusal::NotFound => twilio_error(
            StatusCode::NOT_FOUND,
            20404,
            "The requested resource was not found",
        ),
        Refusal::MaxChecks => twilio_error(
            StatusCode::TOO_MANY_REQUESTS,
            60202,
            "Max check attempts reached",
        ),
        Refusal::MaxSends => twilio_error(
            StatusCode::TOO_MANY_REQUESTS,
            60203,
            "Max send attempts reached",
        ),
    }
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
        return Err(refused(Refusal::NotFound));
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
    let answer = view(service.send(&body.to, now, code, sid).map_err(refused)?);
    drop(service);
    Ok(after.answer((StatusCode::CREATED, Json(answer)).into_response()))
}

async fn check(call: Call, bytes: Bytes) -> Reply {
    let (after, body): (_, CheckForm) = open(&call, "sms.check", &bytes).await?;
    let sim = &call.sim;
    let now = sim.now();
    let mut service = sim.sms();
    let answer = view(service.check(&body.to, &body.code, now).map_err(refused)?);
    drop(service);
    Ok(after.answer(Json(answer).into_response()))
}
