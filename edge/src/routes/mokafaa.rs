//! The widget's Mokafaa routes: send/resend an OTP, read the balance, redeem, undo.
//!
//! Each handler: authenticate the session, load the merchant, let the domain decide, call
//! the bank, record the outcome in the ledger, answer. The rules live in `domain`.

mod identity;
mod redeem_request;

use crate::counters::Tally;
use crate::domain::challenge::{Challenge, ChallengeRules};
use crate::domain::ledger::Actor;
use crate::domain::limits::max_redeemable;
use crate::domain::rate_limit::{OTP_PER_IDENTIFIER, OTP_PER_IP};
use crate::guards::{WidgetCaller, WidgetGate};
use crate::http::{internal, ApiResult};
use crate::merchant::Merchant;
use crate::mokafaa::client::MokafaaClient;
use crate::mokafaa::errors::BankFailure;
use crate::rate_limit::Checks;
use crate::redemption::{self, Ask, D1Books, MokafaaBank, Redeemed, Terms};
use crate::reversal::{self, Why};
use crate::routes::call::{reply, Call};
use crate::secure::{random_hex, sha256_hex};
use crate::store::challenges::{self, ChallengeRow};
use crate::store::first_of;
use crate::store::redemptions::{self, RedemptionRow};
use crate::store::sessions::Session;
use identity::{accepted, identity_key, identity_of};
use loyalty_shared::api::{Balance, OtpChallenge, Redemption, RedemptionState, SendOtpRequest};
use loyalty_shared::{ApiError, ErrorCode, Locale};
use redeem_request::{open_redeem, read_redeem, Claim};
use worker::{Env, Response};

/// A widget caller and the merchant whose checkout it is.
struct Shopper {
    session: Session,
    merchant: Merchant,
    tally: Tally,
}

impl Shopper {
    fn of(call: &Call, caller: WidgetCaller) -> Shopper {
        let WidgetCaller {
            session, merchant, ..
        } = caller;
        Shopper {
            session,
            merchant,
            tally: call.db.tally().clone(),
        }
    }

    fn locale(&self) -> Locale {
        self.session.locale()
    }

    fn client(&self) -> ApiResult<MokafaaClient> {
        Ok(MokafaaClient::new(
            self.merchant.mokafaa(self.locale())?.clone(),
            &self.tally,
        ))
    }
}

/// A bank failure as the shopper sees it.
fn bank_error(failure: BankFailure, locale: Locale) -> ApiError {
    match failure {
        BankFailure::Refused(code) => ApiError::new(code, locale),
        BankFailure::TokenRejected | BankFailure::Unknown => {
            ApiError::new(ErrorCode::UpstreamUnavailable, locale)
        }
    }
}

fn rules() -> ChallengeRules {
    ChallengeRules::default()
}

fn challenge_view(row: &ChallengeRow, now: i64) -> OtpChallenge {
    let rules = rules();
    let challenge = row.rules_view();
    OtpChallenge {
        challenge_id: row.id.clone(),
        masked_destination: row.masked_destination.clone(),
        expires_in_seconds: challenge.seconds_left(now),
        resend_after_seconds: challenge.resend_after(now, &rules),
        resends_left: rules.max_resends.saturating_sub(challenge.resends),
    }
}

/// `POST /v1/mokafaa/otp`: the first send, or a resend within the session's rules.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/mokafaa/otp", tag = "widget", request_body = loyalty_shared::api::SendOtpRequest, security(("session" = [])),
    responses((status = 201, body = loyalty_shared::api::OtpChallenge), (status = "default", description = "Error (invalid_phone, invalid_account, resend_too_early, resend_limit, rate_limited, customer_not_found, upstream_unavailable)", body = loyalty_shared::ErrorBody))))]
pub async fn send_otp(mut call: Call, gate: WidgetGate) -> ApiResult<Response> {
    let read = match call.json::<SendOtpRequest>(call.locale).await {
        Ok(body) => identity_of(&body.by, call.locale),
        Err(e) => Err(e),
    };
    let (identity, method, masked) = match read {
        Ok(identity) => identity,
        Err(e) => return Err(gate.refuse(&call, e).await),
    };
    let identity_hash = sha256_hex(identity_key(&identity).as_bytes());
    // Limits before anything reaches the bank (per client IP and per identifier), counted
    // in the caller's round trip with the session's latest code.
    let per_identifier = (
        "OTP_LIMIT_PER_IDENTIFIER",
        OTP_PER_IDENTIFIER,
        identity_hash.as_str(),
    );
    let ip_limit = ("OTP_LIMIT_PER_IP", OTP_PER_IP);
    let checks = Checks::for_caller(&call, "otp", ip_limit, Some(per_identifier));
    let mut reads = checks.statements(&call)?;
    reads.push(challenges::latest_of_token(
        &call.db,
        &WidgetGate::token_hash(&call),
    )?);
    let (caller, results) = gate.open(&call, reads).await?;
    let shopper = Shopper::of(&call, caller);
    let locale = shopper.locale();
    checks.verdict(&results, call.now, locale)?;
    accepted(&identity, &shopper.merchant, locale)?;
    let latest: Option<ChallengeRow> = first_of(&results, checks.len(), "challenge row")?;
    let rules = rules();
    // Our rules first: the cooldown and the resend budget hold whatever the bank allows.
    let next = match latest {
        Some(previous) => previous.rules_view().resend(call.now, &rules, locale)?,
        None => Challenge::issue(call.now, shopper.session.amount(), &rules),
    };
    let answer = shopper
        .client()?
        .authorize(&identity, locale, call.now)
        .await
        .map_err(|f| bank_error(f, locale))?;
    let row = ChallengeRow {
        id: random_hex(16).map_err(|e| internal("random", e))?,
        session_id: shopper.session.id.clone(),
        method: method.to_string(),
        masked_destination: masked,
        otp_token: answer.otp.otp_token,
        sent_at: call.now,
        expires_at: next.expires_at,
        wrong_attempts: 0,
        resends: i64::from(next.resends),
        cart_amount_minor: shopper.session.amount().minor as i64,
        used: 0,
        identity_hash: Some(identity_hash),
    };
    challenges::insert(&call.db, &row).await?;
    reply(&challenge_view(&row, call.now), 201)
}

/// `GET /v1/mokafaa/balance?challenge_id=...`.
#[cfg_attr(feature = "openapi", utoipa::path(get, path = "/v1/mokafaa/balance", tag = "widget", params(("challenge_id" = String, Query, description = "The OTP challenge")), security(("session" = [])),
    responses((status = 200, body = loyalty_shared::api::Balance), (status = "default", description = "Error", body = loyalty_shared::ErrorBody))))]
pub async fn balance(call: Call, gate: WidgetGate) -> ApiResult<Response> {
    let challenge_id = match call.query("challenge_id", call.locale) {
        Ok(id) => id,
        Err(e) => return Err(gate.refuse(&call, e).await),
    };
    // Limited like sending a code: each read asks the bank about a person. The client IP
    // is counted with the caller's read, the person once the challenge says who it is.
    let per_ip = Checks::for_caller(&call, "balance", ("OTP_LIMIT_PER_IP", OTP_PER_IP), None);
    let mut reads = per_ip.statements(&call)?;
    let token_hash = WidgetGate::token_hash(&call);
    reads.push(challenges::of_token(&call.db, &challenge_id, &token_hash)?);
    let (caller, results) = gate.open(&call, reads).await?;
    let shopper = Shopper::of(&call, caller);
    let locale = shopper.locale();
    per_ip.verdict(&results, call.now, locale)?;
    let row: ChallengeRow = first_of(&results, per_ip.len(), "challenge row")?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, locale))?;
    if row.rules_view().seconds_left(call.now) == 0 {
        return Err(ApiError::new(ErrorCode::OtpExpired, locale));
    }
    let who = row.identity_hash.as_deref().unwrap_or(&row.id);
    let per_identifier = ("OTP_LIMIT_PER_IDENTIFIER", OTP_PER_IDENTIFIER, who);
    Checks::per_identifier(&call, "balance", per_identifier)
        .take(&call, locale)
        .await?;
    let points = shopper
        .client()?
        .balance(&row.otp_token, call.now)
        .await
        .map_err(|f| bank_error(f, locale))?;
    let merchant = &shopper.merchant;
    let show = merchant.show_balance_before_code;
    let worth = merchant
        .rate
        .max_discount_for(points)
        .map_err(|c| ApiError::new(c.into(), locale))?;
    let (max, capped_by) = max_redeemable(
        shopper.session.amount(),
        points,
        merchant.rate,
        merchant.limits,
    )
    .map_err(|c| ApiError::new(c, locale))?;
    let body = Balance {
        points: show.then_some(points),
        worth: show.then_some(worth),
        max_redeemable: max,
        min_per_order: merchant.limits.min_per_order,
        capped_by: Some(capped_by),
        points_per_sar: Some(merchant.rate.points_per_sar),
    };
    reply(&body, 200)
}

/// The receipt the host page forwards to its server (see [`crate::receipt`]).
fn receipt(env: &Env, row: &RedemptionRow, now: i64) -> String {
    match env.secret("RECEIPT_SIGNING_KEY") {
        Ok(key) => crate::receipt::sign(key.to_string().as_bytes(), row, now),
        Err(_) => {
            worker::console_error!("RECEIPT_SIGNING_KEY is not set: receipts cannot be signed");
            String::new()
        }
    }
}

pub(crate) fn redemption_view(
    env: &Env,
    row: &RedemptionRow,
    balance_after: Option<u64>,
    now: i64,
) -> Redemption {
    Redemption {
        redemption_id: row.id.clone(),
        state: row.state(),
        points: row.points.max(0) as u64,
        discount: row.amount(),
        balance_points_after: balance_after,
        receipt: match row.state() {
            RedemptionState::Redeemed | RedemptionState::Captured => receipt(env, row, now),
            _ => String::new(),
        },
    }
}

/// `POST /v1/mokafaa/redeem` with `Idempotency-Key`: validates and redeems exactly once.
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/mokafaa/redeem", tag = "widget", request_body = loyalty_shared::api::RedeemRequest, security(("session" = [])),
    params(("Idempotency-Key" = String, Header, description = "One redemption per key and session")),
    responses((status = 201, body = loyalty_shared::api::Redemption), (status = 200, description = "A retry of a key already redeemed", body = loyalty_shared::api::Redemption),
              (status = "default", description = "Error (otp_invalid with attempts_left, otp_locked, otp_expired, cart_changed, amount_over_limit, amount_under_minimum, balance_insufficient, idempotency_conflict, cart_already_redeemed (409: another key or tab of this cart already redeemed), upstream_unavailable)", body = loyalty_shared::ErrorBody))))]
pub async fn redeem(mut call: Call, gate: WidgetGate) -> ApiResult<Response> {
    let read = read_redeem(&mut call)
        .await
        .and_then(|(key, bytes, request)| {
            redemption::request_checked(&request, call.locale)?;
            Ok((key, bytes, request))
        });
    let (key, bytes, request) = match read {
        Ok(read) => read,
        Err(e) => return Err(gate.refuse(&call, e).await),
    };
    let new_id = random_hex(16).map_err(|e| internal("random", e))?;
    let request_hash = sha256_hex(&bytes);
    let claim = Claim {
        id: &new_id,
        key: &key,
        request_hash: &request_hash,
        request: &request,
    };
    let (shopper, opened) = open_redeem(&call, gate, claim).await?;
    let merchant = &shopper.merchant;
    let terms = Terms {
        rate: merchant.rate,
        limits: merchant.limits,
    };
    let ask = Ask {
        session_id: &shopper.session.id,
        cart: shopper.session.amount(),
        request_hash,
        request: &request,
        locale: shopper.locale(),
        now: call.now,
    };
    let books = D1Books {
        db: &call.db,
        now: call.now,
        store_name: &merchant.name,
    };
    let client = match shopper.client() {
        Ok(client) => client,
        Err(error) => return Err(redemption::abandoned(&books, opened, &ask, error).await?),
    };
    let bank = MokafaaBank {
        client: &client,
        now: call.now,
    };
    match redemption::redeem(&bank, &books, &terms, &ask, opened).await? {
        Redeemed::Now { row, balance_after } => reply(
            &redemption_view(&call.env, &row, balance_after, call.now),
            201,
        ),
        Redeemed::Before(row) => reply(&redemption_view(&call.env, &row, None, call.now), 200),
    }
}

/// `POST /v1/mokafaa/redemptions/{id}/undo`: the shopper gives the points back before the
/// order is confirmed ("OTP reversal").
#[cfg_attr(feature = "openapi", utoipa::path(post, path = "/v1/mokafaa/redemptions/{id}/undo", tag = "widget", params(("id" = String, Path, description = "The redemption")), security(("session" = [])),
    responses((status = 200, body = loyalty_shared::api::Redemption), (status = 202, description = "Reversal started, the bank has not confirmed yet", body = loyalty_shared::api::Redemption), (status = "default", description = "Error (already_reversed, not_found)", body = loyalty_shared::ErrorBody))))]
pub async fn undo(call: Call, gate: WidgetGate) -> ApiResult<Response> {
    // The reversal starts in the caller's batch, under the guard's own conditions in SQL:
    // one round trip before the bank and one after it.
    let token_hash = WidgetGate::token_hash(&call);
    let origin = crate::cors::origin(&call.req);
    let holder = redemptions::SessionHolder {
        token_hash: &token_hash,
        origin: origin.as_deref(),
    };
    let reason = "shopper undo";
    let start = redemptions::reversal_started_by(
        &call.db,
        &call.param("id"),
        holder,
        Actor::Shopper,
        reason,
        call.now,
    )?;
    let (caller, results) = gate.open(&call, start).await?;
    let shopper = Shopper::of(&call, caller);
    let locale = shopper.locale();
    let started = results.first().map(crate::store::changes) == Some(1);
    let row = first_of::<RedemptionRow>(&results, 2, "redemption row")?
        .filter(|r| r.session_id == shopper.session.id)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, locale))?;
    match row.state() {
        RedemptionState::Reversing if started => {}
        // Not started here only if the guard's SQL and Rust disagreed: start it the long way.
        RedemptionState::Redeemed => {}
        RedemptionState::Reversed => return Err(ApiError::new(ErrorCode::AlreadyReversed, locale)),
        // Another request or the cron is reversing it: the cron finishes what they left.
        RedemptionState::Reversing => {
            return reply(&redemption_view(&call.env, &row, None, call.now), 202)
        }
        // Captured belongs to a paid order: only the merchant's cancellation reverses it.
        _ => {
            return Err(ApiError::new(ErrorCode::InvalidRequest, locale)
                .with_message("This redemption can no longer be undone."))
        }
    }
    let client = shopper.client()?;
    let why = Why::new(Actor::Shopper, reason, &shopper.merchant.name);
    let row = reversal::reverse(&call.db, &client, row, why, call.now).await?;
    // 202 while the bank has not confirmed: the cron finishes the reversal.
    let status = if row.state() == RedemptionState::Reversed {
        200
    } else {
        202
    };
    reply(&redemption_view(&call.env, &row, None, call.now), status)
}
