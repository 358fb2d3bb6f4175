//! Redeeming points for a cart, exactly once per idempotency key: the flow behind
//! `POST /v1/mokafaa/redeem`, beside [`crate::reversal`] which gives them back.
//!
//! The order of the steps is the guarantee: a key already used answers from the ledger
//! before anything else; the row is claimed (`pending`) before the bank is called, so a
//! lost answer leaves a row reconciliation settles, never a second debit; the identifier's
//! guess budget is taken before the call and given back when the code was right. The claim
//! is written with the caller's first reads (one round trip before the bank, one after),
//! so a request the checks then refuse ends its row `failed` and gets its guess back. The
//! bank and the books are traits, so the flow is tested natively against fakes.

use crate::domain::challenge::ChallengeRules;
use crate::domain::ledger::LedgerEvent;
use crate::domain::limits::check_amount;
use crate::domain::limits::MerchantLimits;
use crate::domain::rate_limit::OTP_GUESSES_PER_IDENTIFIER;
use crate::domain::settings::MAX_PER_ORDER_MINOR;
use crate::http::{internal, ApiResult};
use crate::mokafaa::errors::BankFailure;
use crate::rate_limit::Taken;
use crate::store::challenges::ChallengeRow;
use crate::store::redemptions::{CartHolder, Changes, RedemptionRow};
use loyalty_shared::api::{RedeemRequest, RedemptionState};
use loyalty_shared::{ApiError, Currency, ErrorCode, Locale, MokafaaRate, Money, Otp};

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
/// round trip in production): a redeem costs the reads with the claim, and the settling step.
pub trait Books {
    /// Why a request that passed every check claimed nothing: the cart's redemption.
    async fn cart_holder(&self, session_id: &str) -> ApiResult<CartHolder>;
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

/// What a redeem request's first batch found (with its caller, in production): the key's
/// row, whether this request inserted it, the guess that claim counted, and the challenge.
pub struct Opened {
    pub row: Option<RedemptionRow>,
    pub claimed: bool,
    /// The identifier's budget after the claim counted a guess (meaningless unless claimed).
    pub guess: Taken,
    pub challenge: Option<ChallengeRow>,
}

/// One move of the ledger: the event, why (the audit row's reason), and what it records.
pub struct Step<'a> {
    pub event: LedgerEvent,
    pub reason: &'a str,
    pub changes: Changes<'a>,
}

/// What the merchant allows.
pub struct Terms {
    pub rate: MokafaaRate,
    pub limits: MerchantLimits,
}

/// One redeem request as the route read it.
pub struct Ask<'a> {
    pub session_id: &'a str,
    pub cart: Money,
    /// SHA-256 of the body: a key reused with another body is a conflict.
    pub request_hash: String,
    pub request: &'a RedeemRequest,
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
    terms: &Terms,
    ask: &Ask<'_>,
    opened: Opened,
) -> ApiResult<Redeemed> {
    let Opened {
        row,
        claimed,
        guess,
        challenge,
    } = opened;
    let row = match (row, claimed) {
        (Some(existing), false) => return settled(existing, ask),
        (row, _) => row.filter(|_| claimed),
    };
    let guess_key = guess_key(challenge.as_ref(), &ask.request.challenge_id);
    let (challenge, otp, points) = match validate(challenge, terms, ask) {
        Ok(checked) => checked,
        Err(error) => return Err(unclaimed(books, row, error, &guess_key).await?),
    };
    let Some(row) = row else {
        return Err(cart_refusal(books, ask).await?);
    };
    // The claim's SQL priced it the same way; the settling write stores this price.
    let row = RedemptionRow {
        points: i64::try_from(points).unwrap_or(i64::MAX),
        ..row
    };
    let guesses_left = match guess {
        Taken::Allowed { left } => left,
        Taken::Refused { wait } => {
            let locked = ApiError::new(ErrorCode::OtpLocked, ask.locale).with_retry_after(wait);
            let why = "identifier locked: too many wrong codes";
            fail(books, &row, &locked, why).await?;
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

/// The identifier a challenge's guesses count against (its id on rows older than the hash).
fn guess_key(challenge: Option<&ChallengeRow>, challenge_id: &str) -> String {
    let who = challenge
        .and_then(|c| c.identity_hash.as_deref())
        .unwrap_or(challenge_id);
    format!("otp:guess:{who}")
}

/// A check refused the request after its first batch claimed the key: the row ends
/// `failed` with the refusal (the key's answer from now on) and its guess is given back,
/// since the code never reached the bank.
async fn unclaimed(
    books: &impl Books,
    row: Option<RedemptionRow>,
    error: ApiError,
    guess_key: &str,
) -> ApiResult<ApiError> {
    if let Some(row) = row {
        fail(books, &row, &error, "refused before the bank").await?;
        books.give_back_guess(guess_key).await?;
    }
    Ok(error)
}

/// What the request alone says is wrong, checked before anything is read or written (so it
/// claims nothing): a code that is not digits, an amount that is not a positive SAR amount
/// or is above what any merchant may allow.
pub fn request_checked(request: &RedeemRequest, locale: Locale) -> ApiResult<Otp> {
    let amount = request.amount;
    if amount.currency != Currency::Sar || amount.minor == 0 {
        return Err(ApiError::new(ErrorCode::InvalidAmount, locale).with_field("amount"));
    }
    // Above what any merchant may allow (the claim's SQL prices amounts up to this).
    if amount.minor > MAX_PER_ORDER_MINOR {
        return Err(ApiError::new(ErrorCode::AmountOverLimit, locale).with_field("amount"));
    }
    // Read as the widget reads it (any digits, spaces), through the shared parser.
    Otp::parse(&request.otp)
        .ok_or_else(|| ApiError::new(ErrorCode::OtpInvalid, locale).with_field("otp"))
}

/// The request cannot go on (the merchant's bank settings are unreadable, say): what its
/// first batch claimed ends `failed` with `error`, and the guess is given back.
pub async fn abandoned(
    books: &impl Books,
    opened: Opened,
    ask: &Ask<'_>,
    error: ApiError,
) -> ApiResult<ApiError> {
    let guess_key = guess_key(opened.challenge.as_ref(), &ask.request.challenge_id);
    let claimed = opened.row.filter(|_| opened.claimed);
    unclaimed(books, claimed, error, &guess_key).await
}

/// Every check passed but nothing was claimed: the cart's redemption is why.
async fn cart_refusal(books: &impl Books, ask: &Ask<'_>) -> ApiResult<ApiError> {
    Ok(match books.cart_holder(ask.session_id).await? {
        // This session's other attempt is with the bank: ask again once it answered.
        CartHolder::OwnAttemptPending => {
            ApiError::new(ErrorCode::RequestInProgress, ask.locale).with_retry_after(2)
        }
        CartHolder::Taken => ApiError::new(ErrorCode::CartAlreadyRedeemed, ask.locale),
    })
}

/// The challenge, the code and the points, checked before anything is written.
fn validate(
    challenge: Option<ChallengeRow>,
    terms: &Terms,
    ask: &Ask<'_>,
) -> ApiResult<(ChallengeRow, Otp, u64)> {
    let locale = ask.locale;
    let challenge = challenge
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, locale).with_field("challenge_id"))?;
    challenge
        .rules_view()
        .can_attempt(ask.now, ask.cart, &ChallengeRules::default(), locale)?;
    let otp = request_checked(ask.request, locale)?;
    let points = check_amount(ask.request.amount, ask.cart, None, terms.rate, terms.limits)
        .map_err(|c| ApiError::new(c, locale).with_field("amount"))?;
    Ok((challenge, otp, points))
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
    // Always written: the claim stored 0 before the rate priced it.
    let changes = Changes {
        bank_transaction_id: debit.transaction_id,
        points: Some(row.points),
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
