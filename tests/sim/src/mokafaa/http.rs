//! The bank's HTTP face, as `docs/providers/mokafaa.md` shows it: the token call, the four
//! scoped calls and the labelled balance extension, numbers in the configured spelling, the
//! gateway's errors and the documented business errors. The rules are in [`super::model`].

use super::model::{
    BankError, Who, CLIENT_ID, CLIENT_SECRET, MERCHANT_NAME, MERCHANT_TOKEN, TOKEN_LIFETIME,
};
use crate::faults::{AfterCommit, ErrorShape};
use crate::{Call, Reply, Sim};
use axum::body::Bytes;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use loyalty_shared::{Currency, Money};
use rand::Rng;
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<Sim> {
    let scoped = Router::new()
        .route("/customer-authorization", post(authorization))
        .route("/otp-validation", post(validation))
        .route("/redemption-transaction-reversal", post(reversal))
        .route("/redemption-transactions", get(transactions))
        .route("/customer-balance", get(balance));
    Router::new()
        .route(
            "/api-factory/{env}/loyalty-redemption/oauth2/token",
            post(token),
        )
        .nest("/api-factory/{env}/blu-loyalty/1.0.0", scoped)
}

fn request_id(sim: &Sim) -> String {
    uuid::Builder::from_random_bytes(sim.rng().gen())
        .into_uuid()
        .to_string()
}

/// A number (`status`, `errorCode`, a lifetime) in the configured spelling: `200` or `"200"`.
fn spelled(sim: &Sim, number: u32) -> Value {
    if sim.bank().config.answer_numbers_as_strings {
        Value::from(number.to_string())
    } else {
        Value::from(number)
    }
}

fn business_error(sim: &Sim, error: BankError) -> Response {
    let body = json!({ "message": error.message(), "status": spelled(sim, 400), "requestID": request_id(sim), "errorCode": spelled(sim, error.code()) });
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

/// The API gateway's own answer (IBM API Connect's shape), before the bank sees the call.
fn gateway(status: StatusCode, more_information: &str) -> Response {
    let body = json!({
        "httpCode": status.as_u16().to_string(),
        "httpMessage": status.canonical_reason().unwrap_or_default(),
        "moreInformation": more_information,
    });
    (status, Json(body)).into_response()
}

/// The OAuth server's refusal of a token request.
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

/// What every call does first: the environment in the path ([`Call::param`]), then the
/// faults.
async fn open(call: &Call, operation: &str) -> Result<AfterCommit, Response> {
    if call.param != "sit" && call.param != "prod" {
        return Err(gateway(
            StatusCode::NOT_FOUND,
            "No resources match requested URI",
        ));
    }
    call.sim
        .faults()
        .before(operation, ErrorShape::MokafaaGateway)
        .await
}

/// A scoped call's opening: [`open`], then the bearer token and the merchant
/// token (raw or `Bearer `).
async fn open_scoped(call: &Call, operation: &str) -> Result<AfterCommit, Response> {
    let after = open(call, operation).await?;
    let sim = &call.sim;
    let header = |name: &str| {
        call.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let bearer = header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !sim.bank().token_valid(bearer, sim.now()) {
        return Err(gateway(StatusCode::UNAUTHORIZED, "Cannot pass the security checks that are required by the target API or operation, Enable debug headers for more details."));
    }
    let merchant = header("merchanttoken").map(|v| v.strip_prefix("Bearer ").unwrap_or(v));
    if merchant != Some(MERCHANT_TOKEN) {
        return Err(business_error(sim, BankError::ValidationFailed));
    }
    Ok(after)
}

/// [`open_scoped`], then the JSON body: an object, or the bank's validation
/// error for anything else.
async fn open_with_body(
    call: &Call,
    operation: &str,
    bytes: &[u8],
) -> Result<(AfterCommit, Value), Response> {
    let after = open_scoped(call, operation).await?;
    Ok((after, body(&call.sim, bytes)?))
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    scope: Option<String>,
}

async fn token(call: Call, form: Result<Form<TokenForm>, FormRejection>) -> Reply {
    let after = open(&call, "mokafaa.token").await?;
    let sim = &call.sim;
    let Ok(Form(form)) = form else {
        return Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "form body required",
        ));
    };
    if form.grant_type.as_deref() != Some("client_credentials") {
        return Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type must be client_credentials",
        ));
    }
    if form.client_id.as_deref() != Some(CLIENT_ID)
        || form.client_secret.as_deref() != Some(CLIENT_SECRET)
    {
        return Err(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed",
        ));
    }
    let access_token = request_id(sim).replace('-', "");
    let now = sim.now();
    sim.bank().issue_token(access_token.clone(), now);
    Ok(after.answer(
        Json(json!({
            "token_type": "bearer",
            "access_token": access_token,
            "scope": form.scope.unwrap_or_default(),
            "expires_in": TOKEN_LIFETIME,
            "consented_on": now,
        }))
        .into_response(),
    ))
}

/// A JSON body, or the bank's validation error for anything unreadable.
fn body(sim: &Sim, bytes: &[u8]) -> Result<Value, Response> {
    serde_json::from_slice::<Value>(bytes)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| business_error(sim, BankError::ValidationFailed))
}

/// A field the integrations send as a string or a number.
fn text_field(body: &Value, name: &str) -> Option<String> {
    match body.get(name)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

async fn authorization(call: Call, bytes: Bytes) -> Reply {
    let (after, body) = open_with_body(&call, "mokafaa.customer_authorization", &bytes).await?;
    let sim = &call.sim;
    let who = match (
        text_field(&body, "mobile"),
        text_field(&body, "loyaltyCICNo"),
        text_field(&body, "iban"),
    ) {
        (Some(mobile), None, None) => Who::Mobile(mobile),
        (None, Some(cic), None) => Who::Cic(cic),
        (None, None, Some(iban)) => Who::Iban(iban),
        _ => return Err(business_error(sim, BankError::ValidationFailed)),
    };
    let pos = text_field(&body, "mappingPosID");
    let code = format!("{:04}", sim.rng().gen_range(0..10_000));
    let otp_token = request_id(sim);
    let now = sim.now();
    let issued = sim
        .bank()
        .authorize(&who, pos.as_deref(), now, code, otp_token);
    let otp = issued.map_err(|e| business_error(sim, e))?;
    Ok(after.answer(
        Json(json!({
            "requestID": request_id(sim),
            "otp": {"currency": "SAR", "otp_token_expired_in_min": spelled(sim, 3), "otp_token": otp.otp_token},
            "message": "OK",
            "status": spelled(sim, 200),
        }))
        .into_response(),
    ))
}

async fn validation(call: Call, bytes: Bytes) -> Reply {
    let (after, body) = open_with_body(&call, "mokafaa.otp_validation", &bytes).await?;
    let sim = &call.sim;
    let invalid = || business_error(sim, BankError::ValidationFailed);
    let (Some(otp), Some(token), Some(amount)) = (
        text_field(&body, "OTPValue"),
        text_field(&body, "OTPToken"),
        text_field(&body, "amount"),
    ) else {
        return Err(invalid());
    };
    let amount = Money::parse(&amount, Currency::Sar).map_err(|_| invalid())?;
    let now = sim.now();
    let redeemed = sim.bank().redeem(&otp, &token, amount, now);
    let txn = redeemed.map_err(|e| business_error(sim, e))?;
    Ok(after.answer(
        Json(json!({
            "requestID": request_id(sim),
            "merchant": MERCHANT_NAME,
            "transactionDate": txn.date,
            "transactionID": txn.id,
            "transactionType": txn.kind,
            "pointsAmount": txn.points_amount,
            "message": "Success",
            "status": spelled(sim, 200),
        }))
        .into_response(),
    ))
}

async fn reversal(call: Call, bytes: Bytes) -> Reply {
    let after = open_scoped(&call, "mokafaa.reversal").await?;
    let sim = &call.sim;
    // The reversal answers any refusal with its own short shape.
    let failed = || {
        (StatusCode::BAD_REQUEST, Json(json!({"message": "Validation Failed", "status": spelled(sim, 400), "requestID": request_id(sim)}))).into_response()
    };
    let id = body(sim, &bytes)
        .ok()
        .and_then(|b| text_field(&b, "transactionID"))
        .and_then(|t| t.parse::<i64>().ok())
        .ok_or_else(failed)?;
    let now = sim.now();
    let reversed = sim.bank().reverse(id, now);
    reversed.map_err(|_| failed())?;
    Ok(after.answer(
        Json(json!({"message": "Success", "status": spelled(sim, 200), "requestID": request_id(sim)}))
            .into_response(),
    ))
}

#[derive(Deserialize)]
struct Range {
    /// Unix seconds [I].
    from: Option<i64>,
    to: Option<i64>,
}

/// A read commits nothing, so a `drop_after_commit` fault has nothing to drop here.
async fn transactions(call: Call, Query(range): Query<Range>) -> Reply {
    open_scoped(&call, "mokafaa.transactions").await?;
    let list = call
        .sim
        .bank()
        .transactions_between(range.from.unwrap_or(i64::MIN), range.to.unwrap_or(i64::MAX));
    Ok(Json(json!({ "transactions": list })).into_response())
}

#[derive(Deserialize)]
struct BalanceQuery {
    otp_token: Option<String>,
}

/// INVENTED EXTENSION, not a documented bank call: the balance behind a live OTP token.
async fn balance(call: Call, Query(q): Query<BalanceQuery>) -> Reply {
    open_scoped(&call, "mokafaa.balance").await?;
    let sim = &call.sim;
    let points = q.otp_token.and_then(|t| sim.bank().balance(&t));
    let points = points.ok_or_else(|| business_error(sim, BankError::ValidationFailed))?;
    Ok(Json(json!({"pointsBalance": points, "currency": "SAR", "message": "OK", "status": spelled(sim, 200), "requestID": request_id(sim)})).into_response())
}
