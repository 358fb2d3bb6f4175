//! Redeeming points for a cart, exactly once per idempotency key: the flow behind
//! `POST /v1/mokafaa/redeem`, beside [`crate::reversal`] which gives them back.
//!
//! The order of the steps is the guarantee: a key already used answers from the ledger
//! before anything else; the row is claimed (`pending`) before the bank is called, so a
//! lost answer leaves a row reconciliation settles, never a second debit; the identifier's
//! guess budget is taken before the call and given back when the code was right. The bank
//! and the books are traits, so the flow is tested natively against fakes.

use crate::domain::challenge::ChallengeRules;
use crate::domain::ledger::LedgerEvent;
use crate::domain::limits::check_amount;
use crate::domain::limits::MerchantLimits;
use crate::domain::rate_limit::{Limit, OTP_GUESSES_PER_IDENTIFIER};
use crate::http::{internal, ApiResult};
use crate::mokafaa::errors::BankFailure;
use crate::rate_limit::Taken;
use crate::store::challenges::ChallengeRow;
use crate::store::redemptions::{Changes, Claimed, RedemptionRow};
use loyalty_shared::api::{RedeemRequest, RedemptionState};
use loyalty_shared::{ApiError, ErrorCode, Locale, MokafaaRate, Money, Otp};

/// How long a redemption's own bank call may still be running (the client's timeout).
const IN_FLIGHT_SECONDS: i64 = 30;

/// What the bank says it debited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Debit {
    pub transaction_id: Option<i64>,
    /// The points it took, at its own rate (`pointsAmount`, negative on the wire).
    pub points: Option<i64>,
}

/// The bank, as redeeming needs it.
pub trait Bank {
    /// Checks the code and debits the points at the bank's rate.
    async fn redeem(
        &self,
        otp: &Otp,
        otp_token: &str,
        amount: Money,
        locale: Locale,
    ) -> Result<Debit, BankFailure>;
    /// The whole balance behind a verified challenge.
    async fn balance(&self, otp_token: &str) -> Result<u64, BankFailure>;
}

/// The ledger, challenges and counters, as redeeming needs them.
/// The ledger side of a redemption. Each method is one write or read of the books (one D1
/// round trip in production): a redeem costs the reads, the claim, and the settling step.
pub trait Books {
    /// Inserts the `pending` row unless the key has one or the cart has a redemption, and
    /// counts one guess against the identifier only when this request's row was inserted.
    async fn claim(
        &self,
        candidate: &RedemptionRow,
        guess: Guess<'_>,
    ) -> ApiResult<(Claimed, Taken)>;
    async fn give_back_guess(&self, key: &str) -> ApiResult<()>;
    /// The bank debited: the ledger step, the code spent, the guess given back (a right
    /// code was not a guess) and the shopper's "points redeemed" notice queued, written
    /// together.
    async fn confirm(
        &self,
        row: &RedemptionRow,
        step: Step<'_>,
        challenge_id: &str,
        guess_key: &str,
    ) -> ApiResult<Option<RedemptionRow>>;
    async fn wrong_code(&self, challenge_id: &str) -> ApiResult<()>;
    /// Applies a ledger step with its audit row; `None` when the row moved meanwhile.
    async fn transition(
        &self,
        row: &RedemptionRow,
        step: Step<'_>,
    ) -> ApiResult<Option<RedemptionRow>>;
}

/// One move of the ledger: the event, why (the audit row's reason), and what it records.
/// What a redeem request read before it writes (with its caller, in production): the key's
/// row, if any, and the challenge.
pub type Opened = (Option<RedemptionRow>, Option<ChallengeRow>);

/// The identifier's guess budget a claim counts against.
#[derive(Clone, Copy)]
pub struct Guess<'a> {
    pub key: &'a str,
    pub limit: Limit,
}

pub struct Step<'a> {
    pub event: LedgerEvent,
    pub reason: &'a str,
    pub changes: Changes<'a>,
}

/// What the merchant allows.
pub struct Terms<'a> {
    pub merchant_id: &'a str,
    pub rate: MokafaaRate,
    pub limits: MerchantLimits,
}

/// One redeem request as the route read it.
pub struct Ask<'a> {
    pub session_id: &'a str,
    pub cart: Money,
    pub key: &'a str,
    /// SHA-256 of the body: a key reused with another body is a conflict.
    pub request_hash: String,
    pub request: &'a RedeemRequest,
    /// The id the row gets if this request creates it.
    pub new_id: String,
    pub locale: Locale,
    pub now: i64,
}

/// What the shopper gets back.
#[derive(Debug)]
pub enum Redeemed {
    /// This request redeemed: 201, with the balance left when the bank told it.
    Now {
        row: RedemptionRow,
        balance_after: Option<u64>,
    },
    /// A retry of a key that redeemed before: 200, the same redemption.
    Before(RedemptionRow),
}

/// The answer for a row another request of the same key created: the same for every retry.
fn settled(row: RedemptionRow, ask: &Ask<'_>) -> ApiResult<Redeemed> {
    if row.request_hash != ask.request_hash {
        return Err(ApiError::new(ErrorCode::IdempotencyConflict, ask.locale));
    }
    match row.state() {
        RedemptionState::Failed => Err(row
            .error(ask.locale)
            .unwrap_or_else(|| ApiError::new(ErrorCode::UpstreamRejected, ask.locale))),
        // Another request holds this key and has not finished, or its bank answer was lost
        // and reconciliation will settle it: the caller waits and asks again, same key.
        RedemptionState::Pending => {
            let wait = if ask.now - row.created_at < IN_FLIGHT_SECONDS {
                2
            } else {
                30
            };
            Err(ApiError::new(ErrorCode::RequestInProgress, ask.locale).with_retry_after(wait))
        }
        _ => Ok(Redeemed::Before(row)),
    }
}

/// Redeems `ask` once: see the module's comment for the order of the steps.
pub async fn redeem(
    bank: &impl Bank,
    books: &impl Books,
    terms: &Terms<'_>,
    ask: &Ask<'_>,
    opened: Opened,
) -> ApiResult<Redeemed> {
    let (existing, challenge) = opened;
    if let Some(existing) = existing {
        return settled(existing, ask);
    }
    let (challenge, otp, points) = validate(challenge, terms, ask)?;
    let candidate = pending_row(terms, ask, &challenge, points);
    let guess_key = format!(
        "otp:guess:{}",
        challenge.identity_hash.as_deref().unwrap_or(&challenge.id)
    );
    let guess = Guess {
        key: &guess_key,
        limit: OTP_GUESSES_PER_IDENTIFIER,
    };
    let (row, taken) = match claim(books, &candidate, guess, ask).await? {
        Ok(owned) => owned,
        Err(answer) => return answer,
    };
    let guesses_left = match taken {
        Taken::Allowed { left } => left,
        Taken::Refused { wait } => {
            let locked = ApiError::new(ErrorCode::OtpLocked, ask.locale).with_retry_after(wait);
            fail(
                books,
                &row,
                &locked,
                "identifier locked: too many wrong codes",
            )
            .await?;
            return Err(locked);
        }
    };
    let amount = ask.request.amount;
    match bank
        .redeem(&otp, &challenge.otp_token, amount, ask.locale)
        .await
    {
        Ok(debit) => confirmed(bank, books, &row, &challenge, &guess_key, debit).await,
        Err(BankFailure::Refused(code)) => {
            let error = refused(books, &challenge, code, guesses_left, &guess_key, ask).await?;
            fail(books, &row, &error, "bank refused").await?;
            Err(error)
        }
        // No answer: the row stays pending for reconciliation; never redeem again.
        Err(BankFailure::TokenRejected | BankFailure::Unknown) => {
            Err(ApiError::new(ErrorCode::UpstreamUnavailable, ask.locale).with_retry_after(30))
        }
    }
}

/// Claims the key: `Ok` the row this request owns (it calls the bank); `Err` the answer
/// when another request holds the key, or the cart is taken.
async fn claim(
    books: &impl Books,
    candidate: &RedemptionRow,
    guess: Guess<'_>,
    ask: &Ask<'_>,
) -> ApiResult<Result<(RedemptionRow, Taken), ApiResult<Redeemed>>> {
    let (claimed, taken) = books.claim(candidate, guess).await?;
    Ok(match claimed {
        Claimed::New(row) => Ok((row, taken)),
        // A concurrent request with the same key won the race: it calls the bank, not us.
        Claimed::Existing(row) => Err(settled(row, ask)),
        // This session's other attempt is with the bank: ask again once it answered.
        Claimed::InProgress => Err(Err(
            ApiError::new(ErrorCode::RequestInProgress, ask.locale).with_retry_after(2)
        )),
        Claimed::CartTaken => Err(Err(ApiError::new(
            ErrorCode::CartAlreadyRedeemed,
            ask.locale,
        ))),
    })
}

/// The challenge, the code and the points, checked before anything is written.
fn validate(
    challenge: Option<ChallengeRow>,
    terms: &Terms<'_>,
    ask: &Ask<'_>,
) -> ApiResult<(ChallengeRow, Otp, u64)> {
    let locale = ask.locale;
    let challenge = challenge
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, locale).with_field("challenge_id"))?;
    challenge
        .rules_view()
        .can_attempt(ask.now, ask.cart, &ChallengeRules::default(), locale)?;
    // Read as the widget reads it (any digits, spaces), through the shared parser.
    let otp = Otp::parse(&ask.request.otp)
        .ok_or_else(|| ApiError::new(ErrorCode::OtpInvalid, locale).with_field("otp"))?;
    let points = check_amount(ask.request.amount, ask.cart, None, terms.rate, terms.limits)
        .map_err(|c| ApiError::new(c, locale).with_field("amount"))?;
    Ok((challenge, otp, points))
}

fn pending_row(
    terms: &Terms<'_>,
    ask: &Ask<'_>,
    challenge: &ChallengeRow,
    points: u64,
) -> RedemptionRow {
    RedemptionRow {
        id: ask.new_id.clone(),
        session_id: ask.session_id.to_string(),
        merchant_id: terms.merchant_id.to_string(),
        idempotency_key: ask.key.to_string(),
        request_hash: ask.request_hash.clone(),
        challenge_id: challenge.id.clone(),
        amount_minor: i64::try_from(ask.request.amount.minor).unwrap_or(i64::MAX),
        currency: ask.request.amount.currency.code().to_string(),
        points: i64::try_from(points).unwrap_or(i64::MAX),
        state: RedemptionState::Pending,
        bank_transaction_id: None,
        error_code: None,
        created_at: ask.now,
        order_id: None,
        attempts: 0,
        updated_at: ask.now,
        attention_reason: None,
    }
}

/// The bank debited: the row is `redeemed` with the bank's transaction id, the challenge
/// spent, the guess given back and the shopper's notice queued, in one write (a failed
/// write leaves the row `pending`, which reconciliation settles from the bank's books).
async fn confirmed(
    bank: &impl Bank,
    books: &impl Books,
    row: &RedemptionRow,
    challenge: &ChallengeRow,
    guess_key: &str,
    debit: Debit,
) -> ApiResult<Redeemed> {
    // The ledger holds what the bank took: a merchant rate set apart from the bank's
    // would otherwise show the shopper and the merchant other points than were debited.
    let taken = debit.points.filter(|p| *p > 0 && *p != row.points);
    let reason = match taken {
        Some(points) => format!(
            "bank redeemed {points} points at its own rate (the merchant's rate said {})",
            row.points
        ),
        None => "bank redeemed".to_string(),
    };
    let row = &RedemptionRow {
        points: taken.unwrap_or(row.points),
        ..row.clone()
    };
    let changes = Changes {
        bank_transaction_id: debit.transaction_id,
        points: taken,
        ..Changes::default()
    };
    let step = Step {
        event: LedgerEvent::BankConfirmed,
        reason: &reason,
        changes,
    };
    let row = books
        .confirm(row, step, &challenge.id, guess_key)
        .await?
        .ok_or_else(|| internal("redeem", "row changed under us"))?;
    // The whole balance, now that the shopper proved the account is theirs; a failed read
    // only leaves it out.
    let balance_after = bank.balance(&challenge.otp_token).await.ok();
    Ok(Redeemed::Now { row, balance_after })
}

/// The bank refused: a wrong code counts against the challenge and the identifier (and
/// says how many tries are left); any other refusal was not a guess.
async fn refused(
    books: &impl Books,
    challenge: &ChallengeRow,
    code: ErrorCode,
    guesses_left: u32,
    guess_key: &str,
    ask: &Ask<'_>,
) -> ApiResult<ApiError> {
    let locale = ask.locale;
    if code != ErrorCode::OtpInvalid {
        books.give_back_guess(guess_key).await?;
        return Ok(ApiError::new(code, locale));
    }
    books.wrong_code(&challenge.id).await?;
    let mut counted = challenge.rules_view();
    let error = counted.wrong_attempt(&ChallengeRules::default(), locale);
    // The identifier's budget may be nearer its end than this challenge's.
    Ok(if guesses_left == 0 {
        ApiError::new(ErrorCode::OtpLocked, locale)
            .with_retry_after(OTP_GUESSES_PER_IDENTIFIER.window_seconds as u32)
    } else if error.attempts_left.is_some_and(|left| left > guesses_left) {
        error.with_attempts_left(guesses_left)
    } else {
        error
    })
}

/// Ends a `pending` row as `failed` with `error`'s code: the answer of its key from now on.
pub async fn fail(
    books: &impl Books,
    row: &RedemptionRow,
    error: &ApiError,
    reason: &str,
) -> ApiResult<()> {
    let changes = Changes {
        error_code: Some(error.code.as_str()),
        ..Changes::default()
    };
    books
        .transition(
            row,
            Step {
                event: LedgerEvent::BankRefused,
                reason,
                changes,
            },
        )
        .await?;
    Ok(())
}

mod live;
#[cfg(test)]
mod tests;

pub use live::{D1Books, MokafaaBank};
