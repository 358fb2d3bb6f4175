//! A redeem request as it arrives: its key and body read, and the one batch that reads its
//! caller and claims its key before the bank is called.

use super::Shopper;
use crate::domain::ledger::Actor;
use crate::domain::rate_limit::{OTP_GUESSES_PER_IDENTIFIER, REDEEM_PER_IP};
use crate::guards::WidgetGate;
use crate::http::ApiResult;
use crate::rate_limit::{self, Checks};
use crate::redemption::Opened;
use crate::routes::call::Call;
use crate::store::challenges;
use crate::store::first_of;
use crate::store::redemptions;
use loyalty_shared::api::RedeemRequest;
use loyalty_shared::{ApiError, ErrorCode, Locale};

/// What a redeem request claims, before its caller is read.
pub(super) struct Claim<'a> {
    pub id: &'a str,
    pub key: &'a str,
    pub request_hash: &'a str,
    pub request: &'a RedeemRequest,
}

/// One round trip before the bank: the caller, the client IP's count, the key claimed (with
/// its guess counted) or its earlier row, and the challenge.
pub(super) async fn open_redeem(
    call: &Call,
    gate: WidgetGate,
    claim: Claim<'_>,
) -> ApiResult<(Shopper, Opened)> {
    let per_ip = ("REDEEM_LIMIT_PER_IP", REDEEM_PER_IP);
    let per_ip = Checks::for_caller(call, "redeem", per_ip, None);
    let token_hash = WidgetGate::token_hash(call);
    let origin = crate::cors::origin(&call.req);
    let ask = redemptions::ClaimAsk {
        id: claim.id,
        token_hash: &token_hash,
        origin: origin.as_deref(),
        key: claim.key,
        request_hash: claim.request_hash,
        challenge_id: &claim.request.challenge_id,
        amount: claim.request.amount,
        actor: Actor::Shopper,
        ip_limit: per_ip.first_limit(),
        guess_window_seconds: OTP_GUESSES_PER_IDENTIFIER.window_seconds,
        now: call.now,
    };
    let mut reads = per_ip.statements(call)?;
    reads.extend(redemptions::claim_statements(&call.db, &ask)?);
    reads.push(challenges::of_token(
        &call.db,
        ask.challenge_id,
        &token_hash,
    )?);
    let (caller, results) = gate.open(call, reads).await?;
    let shopper = Shopper::of(call, caller);
    let n = per_ip.len();
    let found = redemptions::claim_read(&results, n)?;
    let opened = Opened {
        guess: rate_limit::taken(found.guess, OTP_GUESSES_PER_IDENTIFIER, call.now),
        row: found.row,
        claimed: found.inserted,
        challenge: first_of(&results, n + redemptions::CLAIM_STATEMENTS, "challenge row")?,
    };
    // The claim's own SQL held the same limit: nothing was claimed past it.
    per_ip.verdict(&results, call.now, shopper.locale())?;
    Ok((shopper, opened))
}

/// The redeem request as sent: its key, its bytes (hashed: a key reused with another body
/// is a conflict) and its body.
pub(super) async fn read_redeem(call: &mut Call) -> ApiResult<(String, Vec<u8>, RedeemRequest)> {
    let locale = call.locale;
    let key = idempotency_key(call, locale)?;
    let bytes = call.bytes(locale).await?;
    let request = crate::http::parse_json(&bytes, locale)?;
    Ok((key, bytes, request))
}

/// The request's `Idempotency-Key`: 1 to 128 characters.
fn idempotency_key(call: &Call, locale: Locale) -> ApiResult<String> {
    call.req
        .headers()
        .get("Idempotency-Key")
        .ok()
        .flatten()
        .filter(|k| !k.is_empty() && k.len() <= 128)
        .ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidRequest, locale).with_field("Idempotency-Key")
        })
}
