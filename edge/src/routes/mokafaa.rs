//! The widget's Mokafaa routes: send/resend an OTP, read the balance, redeem, undo.
//!
//! Each handler: authenticate the session, load the merchant, let the domain decide, call
//! the bank, record the outcome in the ledger, answer. The rules live in `domain`.

use crate::domain::challenge::{Challenge, ChallengeRules};
use crate::domain::ledger::{Actor, LedgerEvent};
use crate::domain::limits::{check_amount, max_redeemable};
use crate::domain::notice::NoticeKind;
use crate::domain::rate_limit::{
    OTP_GUESSES_PER_IDENTIFIER, OTP_PER_IDENTIFIER, OTP_PER_IP, REDEEM_PER_IP,
};
use crate::guards::WidgetCaller;
use crate::http::{internal, json_response, parse_json, respond, ApiResult};
use crate::merchant::{self, Merchant};
use crate::mokafaa::client::{Identity, MokafaaClient};
use crate::mokafaa::errors::BankFailure;
use crate::notify;
use crate::rate_limit;
use crate::reversal;
use crate::secure::{random_hex, sha256_hex};
use crate::store::challenges::{self, ChallengeRow};
use crate::store::redemptions::{self, Changes, RedemptionRow};
use crate::store::sessions::Session;
use loyalty_shared::api::{
    Balance, OtpChallenge, RedeemRequest, Redemption, RedemptionState, SendOtpRequest, VerifyBy,
};
use loyalty_shared::{ApiError, CustomerNumber, ErrorCode, Locale, SaudiIban, SaudiMobile};
use worker::{D1Database, Env, Request, Response, Result, RouteContext};

/// Everything a widget route needs once the caller is known.
struct Caller {
    db: D1Database,
    session: Session,
    merchant: Merchant,
    now: i64,
}

impl Caller {
    fn locale(&self) -> Locale {
        self.session.locale()
    }

    fn client(&self) -> ApiResult<MokafaaClient> {
        Ok(MokafaaClient::new(
            self.merchant.mokafaa(self.locale())?.clone(),
        ))
    }
}

async fn caller(widget: WidgetCaller, env: &Env) -> ApiResult<Caller> {
    let WidgetCaller { db, session, now } = widget;
    let merchant = merchant::load(&db, env, &session.merchant_id, session.locale()).await?;
    Ok(Caller {
        db,
        session,
        merchant,
        now,
    })
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

/// The identifier a rate limit counts, never stored in clear (hashed by the caller).
fn identity_key(identity: &Identity) -> String {
    match identity {
        Identity::Mobile(m) => format!("mobile:{}", m.to_mokafaa()),
        Identity::CustomerNumber(c) => format!("cic:{}", c.as_str()),
        Identity::Iban(i) => format!("iban:{}", i.as_str()),
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
#[utoipa::path(post, path = "/v1/mokafaa/otp", tag = "widget", request_body = loyalty_shared::api::SendOtpRequest, security(("session" = [])),
    responses((status = 201, body = loyalty_shared::api::OtpChallenge), (status = "default", description = "Error (invalid_phone, invalid_account, resend_too_early, resend_limit, rate_limited, customer_not_found, upstream_unavailable)", body = loyalty_shared::ErrorBody)))]
pub async fn send_otp(
    mut req: Request,
    ctx: RouteContext<()>,
    widget: WidgetCaller,
) -> Result<Response> {
    let outcome = async {
        let caller = caller(widget, &ctx.env).await?;
        let locale = caller.locale();
        let bytes = req
            .bytes()
            .await
            .map_err(|_| ApiError::new(ErrorCode::MalformedJson, locale))?;
        let body: SendOtpRequest = parse_json(&bytes, locale)?;
        let (identity, method, masked) = match &body.by {
            VerifyBy::Mobile { mobile } => {
                let m = SaudiMobile::parse(mobile).map_err(|_| {
                    ApiError::new(ErrorCode::InvalidPhone, locale).with_field("mobile")
                })?;
                let masked = m.masked();
                (Identity::Mobile(m), "mobile", masked)
            }
            VerifyBy::CustomerNumber { customer_number } => {
                let c = CustomerNumber::parse(customer_number).map_err(|_| {
                    ApiError::new(ErrorCode::InvalidAccount, locale).with_field("customer_number")
                })?;
                let masked = c.masked();
                (Identity::CustomerNumber(c), "customer_number", masked)
            }
            VerifyBy::Iban { iban } => {
                if !caller.merchant.accept_iban {
                    return Err(ApiError::new(ErrorCode::InvalidAccount, locale)
                        .with_field("iban")
                        .with_message("This merchant does not accept IBAN verification."));
                }
                let i = SaudiIban::parse(iban).map_err(|_| {
                    ApiError::new(ErrorCode::InvalidAccount, locale).with_field("iban")
                })?;
                let masked = i.masked();
                (Identity::Iban(i), "iban", masked)
            }
        };
        // Limits before anything reaches the bank: per client IP and per identifier.
        let ip = rate_limit::client_ip(&req);
        let per_ip = rate_limit::configured(&ctx.env, "OTP_LIMIT_PER_IP", OTP_PER_IP);
        rate_limit::check(
            &caller.db,
            &format!("otp:ip:{ip}"),
            per_ip,
            caller.now,
            locale,
        )
        .await?;
        let identifier_key = format!("otp:id:{}", sha256_hex(identity_key(&identity).as_bytes()));
        let per_identifier =
            rate_limit::configured(&ctx.env, "OTP_LIMIT_PER_IDENTIFIER", OTP_PER_IDENTIFIER);
        rate_limit::check(
            &caller.db,
            &identifier_key,
            per_identifier,
            caller.now,
            locale,
        )
        .await?;
        let rules = rules();
        // Our rules first: the cooldown and the resend budget hold whatever the bank allows.
        let next = match challenges::latest(&caller.db, &caller.session.id).await? {
            Some(previous) => previous.rules_view().resend(caller.now, &rules, locale)?,
            None => Challenge::issue(caller.now, caller.session.amount(), &rules),
        };
        let answer = caller
            .client()?
            .authorize(&identity, locale, caller.now)
            .await
            .map_err(|f| bank_error(f, locale))?;
        let row = ChallengeRow {
            id: random_hex(16).map_err(|e| internal("random", e))?,
            session_id: caller.session.id.clone(),
            method: method.to_string(),
            masked_destination: masked,
            otp_token: answer.otp.otp_token,
            sent_at: caller.now,
            expires_at: next.expires_at,
            wrong_attempts: 0,
            resends: i64::from(next.resends),
            cart_amount_minor: caller.session.amount().minor as i64,
            used: 0,
            identity_hash: Some(sha256_hex(identity_key(&identity).as_bytes())),
        };
        challenges::insert(&caller.db, &row).await?;
        json_response(&challenge_view(&row, caller.now), 201).map_err(|e| internal("response", e))
    }
    .await;
    respond(outcome)
}

/// `GET /v1/mokafaa/balance?challenge_id=...`.
#[utoipa::path(get, path = "/v1/mokafaa/balance", tag = "widget", params(("challenge_id" = String, Query, description = "The OTP challenge")), security(("session" = [])),
    responses((status = 200, body = loyalty_shared::api::Balance), (status = "default", description = "Error", body = loyalty_shared::ErrorBody)))]
pub async fn balance(
    req: Request,
    ctx: RouteContext<()>,
    widget: WidgetCaller,
) -> Result<Response> {
    let outcome = async {
        let caller = caller(widget, &ctx.env).await?;
        let locale = caller.locale();
        let url = req.url().map_err(|e| internal("url", e))?;
        let challenge_id = url
            .query_pairs()
            .find(|(k, _)| k == "challenge_id")
            .map(|(_, v)| v.into_owned())
            .ok_or_else(|| {
                ApiError::new(ErrorCode::InvalidRequest, locale).with_field("challenge_id")
            })?;
        let row = challenges::get(&caller.db, &challenge_id, &caller.session.id)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, locale))?;
        if row.rules_view().seconds_left(caller.now) == 0 {
            return Err(ApiError::new(ErrorCode::OtpExpired, locale));
        }
        // Limited like sending a code: each read asks the bank about a person.
        let ip = rate_limit::client_ip(&req);
        let per_ip = rate_limit::configured(&ctx.env, "OTP_LIMIT_PER_IP", OTP_PER_IP);
        rate_limit::check(
            &caller.db,
            &format!("balance:ip:{ip}"),
            per_ip,
            caller.now,
            locale,
        )
        .await?;
        let per_identifier =
            rate_limit::configured(&ctx.env, "OTP_LIMIT_PER_IDENTIFIER", OTP_PER_IDENTIFIER);
        let who = row.identity_hash.as_deref().unwrap_or(&row.id);
        rate_limit::check(
            &caller.db,
            &format!("balance:id:{who}"),
            per_identifier,
            caller.now,
            locale,
        )
        .await?;
        let points = caller
            .client()?
            .balance(&row.otp_token, caller.now)
            .await
            .map_err(|f| bank_error(f, locale))?;
        let rate = caller.merchant.rate;
        let show = caller.merchant.show_balance_before_code;
        let body = Balance {
            points: show.then_some(points),
            worth: if show {
                Some(
                    rate.max_discount_for(points)
                        .map_err(|c| ApiError::new(c.into(), locale))?,
                )
            } else {
                None
            },
            max_redeemable: max_redeemable(
                caller.session.amount(),
                points,
                rate,
                caller.merchant.limits,
            )
            .map_err(|c| ApiError::new(c, locale))?,
            min_per_order: caller.merchant.limits.min_per_order,
        };
        json_response(&body, 200).map_err(|e| internal("response", e))
    }
    .await;
    respond(outcome)
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

fn redemption_view(
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

/// Ends a `pending` row as `failed` with `error`'s code: the answer of its key from now on.
async fn fail(
    caller: &Caller,
    row: &RedemptionRow,
    error: &ApiError,
    reason: &str,
) -> ApiResult<()> {
    let changes = Changes {
        error_code: Some(error.code.as_str()),
        ..Changes::default()
    };
    redemptions::transition(
        &caller.db,
        row,
        LedgerEvent::BankRefused,
        Actor::Shopper,
        reason,
        changes,
        caller.now,
    )
    .await?;
    Ok(())
}

/// How long a redemption's own bank call may still be running (the client's timeout).
const IN_FLIGHT_SECONDS: i64 = 30;

/// The answer for a ledger row, whoever created it: the same for every retry of one key.
fn answer_for(env: &Env, row: &RedemptionRow, locale: Locale, now: i64) -> ApiResult<Response> {
    match row.state() {
        RedemptionState::Failed => Err(row
            .error(locale)
            .unwrap_or_else(|| ApiError::new(ErrorCode::UpstreamRejected, locale))),
        // Another request holds this key and has not finished, or its bank answer was lost
        // and reconciliation will settle it: the provider did not fail this request, so the
        // caller waits and asks again with the same key.
        RedemptionState::Pending => {
            let wait = if now - row.created_at < IN_FLIGHT_SECONDS {
                2
            } else {
                30
            };
            Err(ApiError::new(ErrorCode::RequestInProgress, locale).with_retry_after(wait))
        }
        _ => json_response(&redemption_view(env, row, None, now), 200)
            .map_err(|e| internal("response", e)),
    }
}

/// `POST /v1/mokafaa/redeem` with `Idempotency-Key`: validates and redeems exactly once.
#[utoipa::path(post, path = "/v1/mokafaa/redeem", tag = "widget", request_body = loyalty_shared::api::RedeemRequest, security(("session" = [])),
    params(("Idempotency-Key" = String, Header, description = "One redemption per key and session")),
    responses((status = 201, body = loyalty_shared::api::Redemption), (status = 200, description = "A retry of a key already redeemed", body = loyalty_shared::api::Redemption),
              (status = "default", description = "Error (otp_invalid with attempts_left, otp_locked, otp_expired, cart_changed, amount_over_limit, amount_under_minimum, balance_insufficient, idempotency_conflict, upstream_unavailable)", body = loyalty_shared::ErrorBody)))]
pub async fn redeem(
    mut req: Request,
    ctx: RouteContext<()>,
    widget: WidgetCaller,
) -> Result<Response> {
    let outcome = async {
        let caller = caller(widget, &ctx.env).await?;
        let locale = caller.locale();
        let key = req
            .headers()
            .get("Idempotency-Key")
            .ok()
            .flatten()
            .filter(|k| !k.is_empty() && k.len() <= 128)
            .ok_or_else(|| {
                ApiError::new(ErrorCode::InvalidRequest, locale).with_field("Idempotency-Key")
            })?;
        let bytes = req
            .bytes()
            .await
            .map_err(|_| ApiError::new(ErrorCode::MalformedJson, locale))?;
        let body: RedeemRequest = parse_json(&bytes, locale)?;
        let request_hash = sha256_hex(&bytes);
        let ip = rate_limit::client_ip(&req);
        let per_ip = rate_limit::configured(&ctx.env, "REDEEM_LIMIT_PER_IP", REDEEM_PER_IP);
        rate_limit::check(
            &caller.db,
            &format!("redeem:ip:{ip}"),
            per_ip,
            caller.now,
            locale,
        )
        .await?;

        // A retry of a key already used answers from the ledger, before any other check.
        if let Some(existing) = redemptions::by_key(&caller.db, &caller.session.id, &key).await? {
            if existing.request_hash != request_hash {
                return Err(ApiError::new(ErrorCode::IdempotencyConflict, locale));
            }
            return answer_for(&ctx.env, &existing, locale, caller.now);
        }

        let rules = rules();
        let challenge_row = challenges::get(&caller.db, &body.challenge_id, &caller.session.id)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, locale).with_field("challenge_id"))?;
        let challenge = challenge_row.rules_view();
        challenge.can_attempt(caller.now, caller.session.amount(), &rules, locale)?;
        // Read as the widget reads it (any digits, spaces), through the shared parser.
        let otp = loyalty_shared::Otp::parse(&body.otp)
            .ok_or_else(|| ApiError::new(ErrorCode::OtpInvalid, locale).with_field("otp"))?;
        let otp = otp.as_str();
        let points = check_amount(
            body.amount,
            caller.session.amount(),
            None,
            caller.merchant.rate,
            caller.merchant.limits,
        )
        .map_err(|c| ApiError::new(c, locale).with_field("amount"))?;

        let candidate = RedemptionRow {
            id: random_hex(16).map_err(|e| internal("random", e))?,
            session_id: caller.session.id.clone(),
            merchant_id: caller.merchant.id.clone(),
            idempotency_key: key.clone(),
            request_hash: request_hash.clone(),
            challenge_id: challenge_row.id.clone(),
            amount_minor: body.amount.minor as i64,
            currency: body.amount.currency.code().to_string(),
            points: points as i64,
            state: "pending".into(),
            bank_transaction_id: None,
            error_code: None,
            created_at: caller.now,
            order_id: None,
            attempts: 0,
            updated_at: caller.now,
            attention_reason: None,
        };
        let (row, inserted) = redemptions::claim(&caller.db, &candidate, Actor::Shopper).await?;
        if !inserted {
            // A concurrent request with the same key won the race: it calls the bank, not us.
            if row.request_hash != request_hash {
                return Err(ApiError::new(ErrorCode::IdempotencyConflict, locale));
            }
            return answer_for(&ctx.env, &row, locale, caller.now);
        }

        // The guess budget of the identifier, taken by the one request of this key that will
        // call the bank, before it does: however many codes arrive at once, at most the
        // budget reaches the bank per hour. Over it, this attempt's row fails as locked.
        let guess_key = format!(
            "otp:guess:{}",
            challenge_row
                .identity_hash
                .as_deref()
                .unwrap_or(&challenge_row.id)
        );
        let guesses_left = match rate_limit::take(
            &caller.db,
            &guess_key,
            OTP_GUESSES_PER_IDENTIFIER,
            caller.now,
        )
        .await?
        {
            rate_limit::Taken::Allowed { left } => left,
            rate_limit::Taken::Refused { wait } => {
                let locked = ApiError::new(ErrorCode::OtpLocked, locale).with_retry_after(wait);
                fail(
                    &caller,
                    &row,
                    &locked,
                    "identifier locked: too many wrong codes",
                )
                .await?;
                return Err(locked);
            }
        };

        let result = caller
            .client()?
            .redeem(
                otp,
                &challenge_row.otp_token,
                body.amount,
                locale,
                caller.now,
            )
            .await;
        match result {
            Ok(answer) => {
                rate_limit::give_back(&caller.db, &guess_key).await?;
                challenges::mark_used(&caller.db, &challenge_row.id).await?;
                let changes = Changes {
                    bank_transaction_id: answer.transaction_id,
                    ..Changes::default()
                };
                let row = redemptions::transition(
                    &caller.db,
                    &row,
                    LedgerEvent::BankConfirmed,
                    Actor::Shopper,
                    "bank redeemed",
                    changes,
                    caller.now,
                )
                .await?
                .ok_or_else(|| internal("redeem", "row changed under us"))?;
                notify::queue(&caller.db, &row, NoticeKind::Redeemed, caller.now).await;
                // The whole balance, now that the shopper proved the account is theirs; a
                // failed read only leaves it out.
                let after = caller
                    .client()?
                    .balance(&challenge_row.otp_token, caller.now)
                    .await
                    .ok();
                json_response(&redemption_view(&ctx.env, &row, after, caller.now), 201)
                    .map_err(|e| internal("response", e))
            }
            Err(BankFailure::Refused(code)) => {
                let mut error = ApiError::new(code, locale);
                if code == ErrorCode::OtpInvalid {
                    challenges::record_wrong_attempt(&caller.db, &challenge_row.id).await?;
                    let mut counted = challenge;
                    error = counted.wrong_attempt(&rules, locale);
                    // The identifier's budget may be nearer its end than this challenge's.
                    if guesses_left == 0 {
                        error = ApiError::new(ErrorCode::OtpLocked, locale)
                            .with_retry_after(OTP_GUESSES_PER_IDENTIFIER.window_seconds as u32);
                    } else if error.attempts_left.is_some_and(|left| left > guesses_left) {
                        error = error.with_attempts_left(guesses_left);
                    }
                } else {
                    // Refused for another reason: it was not a wrong guess.
                    rate_limit::give_back(&caller.db, &guess_key).await?;
                }
                fail(&caller, &row, &error, "bank refused").await?;
                Err(error)
            }
            // No answer: the row stays pending for reconciliation; never redeem again.
            Err(BankFailure::TokenRejected | BankFailure::Unknown) => {
                Err(ApiError::new(ErrorCode::UpstreamUnavailable, locale).with_retry_after(30))
            }
        }
    }
    .await;
    respond(outcome)
}

/// `POST /v1/mokafaa/redemptions/{id}/undo`: the shopper gives the points back before the
/// order is confirmed ("OTP reversal").
#[utoipa::path(post, path = "/v1/mokafaa/redemptions/{id}/undo", tag = "widget", params(("id" = String, Path, description = "The redemption")), security(("session" = [])),
    responses((status = 200, body = loyalty_shared::api::Redemption), (status = 202, description = "Reversal started, the bank has not confirmed yet", body = loyalty_shared::api::Redemption), (status = "default", description = "Error (already_reversed, not_found)", body = loyalty_shared::ErrorBody)))]
pub async fn undo(_req: Request, ctx: RouteContext<()>, widget: WidgetCaller) -> Result<Response> {
    let outcome = async {
        let caller = caller(widget, &ctx.env).await?;
        let locale = caller.locale();
        let id = ctx.param("id").cloned().unwrap_or_default();
        let row = redemptions::get(&caller.db, &id)
            .await?
            .filter(|r| r.session_id == caller.session.id)
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, locale))?;
        match row.state() {
            RedemptionState::Redeemed => {}
            RedemptionState::Reversed => {
                return Err(ApiError::new(ErrorCode::AlreadyReversed, locale))
            }
            RedemptionState::Reversing => {
                return json_response(&redemption_view(&ctx.env, &row, None, caller.now), 202)
                    .map_err(|e| internal("response", e))
            }
            // Captured belongs to a paid order: only the merchant's cancellation reverses it.
            _ => {
                return Err(ApiError::new(ErrorCode::InvalidRequest, locale)
                    .with_message("This redemption can no longer be undone."))
            }
        }
        let client = caller.client()?;
        let row = reversal::reverse(
            &caller.db,
            &client,
            row,
            Actor::Shopper,
            "shopper undo",
            caller.now,
        )
        .await?;
        // 202 while the bank has not confirmed: the cron finishes the reversal.
        let status = if row.state() == RedemptionState::Reversed {
            200
        } else {
            202
        };
        json_response(&redemption_view(&ctx.env, &row, None, caller.now), status)
            .map_err(|e| internal("response", e))
    }
    .await;
    respond(outcome)
}
