//! The redemption flow against an in-memory bank and ledger: what each step writes, and
//! that the bank is called exactly when it must be.

use super::*;
use crate::domain::ledger;
use loyalty_shared::Currency;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

const NOW: i64 = 1_800_000_000;

fn sar(minor: u64) -> Money {
    Money {
        minor,
        currency: Currency::Sar,
    }
}

/// The bank: answers with `answer` and counts its calls.
struct FakeBank {
    answer: Result<Option<i64>, BankFailure>,
    /// The points the bank says it took (`None`: it does not say).
    debited: Option<i64>,
    redeem_calls: Cell<u32>,
    balance: u64,
}

impl FakeBank {
    fn answering(answer: Result<Option<i64>, BankFailure>) -> Self {
        FakeBank {
            answer,
            debited: None,
            redeem_calls: Cell::new(0),
            balance: 4_000,
        }
    }
}

impl Bank for FakeBank {
    async fn redeem(
        &self,
        otp: &Otp,
        _token: &str,
        _amount: Money,
        _locale: Locale,
    ) -> Result<Debit, BankFailure> {
        assert_eq!(otp.as_str(), "1234", "the code reaches the bank as digits");
        self.redeem_calls.set(self.redeem_calls.get() + 1);
        self.answer.map(|transaction_id| Debit {
            transaction_id,
            points: self.debited,
        })
    }

    async fn balance(&self, _token: &str) -> Result<u64, BankFailure> {
        Ok(self.balance)
    }
}

/// The ledger, one challenge, the guess counter and the notices, in memory.
#[derive(Default)]
struct FakeBooks {
    rows: RefCell<HashMap<(String, String), RedemptionRow>>,
    challenge: RefCell<Option<ChallengeRow>>,
    guesses_taken: Cell<u32>,
    guess_budget: u32,
    events: RefCell<Vec<(String, RedemptionState)>>,
    notices: RefCell<Vec<String>>,
}

impl FakeBooks {
    fn with_challenge() -> Self {
        let books = FakeBooks {
            guess_budget: 5,
            ..FakeBooks::default()
        };
        *books.challenge.borrow_mut() = Some(ChallengeRow {
            id: "ch-1".into(),
            session_id: "s-1".into(),
            method: "mobile".into(),
            masked_destination: "05••••4567".into(),
            otp_token: "tok".into(),
            sent_at: NOW - 10,
            expires_at: NOW + 170,
            wrong_attempts: 0,
            resends: 0,
            cart_amount_minor: 25_000,
            used: 0,
            identity_hash: Some("h".into()),
        });
        books
    }

    fn row(&self) -> RedemptionRow {
        self.rows.borrow().values().next().cloned().expect("a row")
    }

    /// What the call's first batch finds, as the route's batch claims it with its caller:
    /// the key's row, or a new `pending` one (priced) when the session's challenge exists
    /// and the cart is free, with its guess counted.
    fn opened(&self, ask: &Ask<'_>, key: &str) -> Opened {
        let challenge = self
            .challenge
            .borrow()
            .clone()
            .filter(|c| c.id == ask.request.challenge_id && c.session_id == ask.session_id);
        let not_counted = Taken::Allowed {
            left: self.guess_budget,
        };
        let slot = (ask.session_id.to_string(), key.to_string());
        let existing = self.rows.borrow().get(&slot).cloned();
        let standing = [
            RedemptionState::Pending,
            RedemptionState::Redeemed,
            RedemptionState::Captured,
            RedemptionState::Reversing,
        ];
        // One session, one cart, in these fakes.
        let cart_free = !self
            .rows
            .borrow()
            .values()
            .any(|r| standing.contains(&r.state));
        if existing.is_some() || challenge.is_none() || !cart_free {
            return Opened {
                row: existing,
                claimed: false,
                guess: not_counted,
                challenge,
            };
        }
        let row = RedemptionRow {
            id: format!("r-{}", self.rows.borrow().len() + 1),
            session_id: ask.session_id.to_string(),
            merchant_id: "demo".into(),
            request_hash: ask.request_hash.clone(),
            challenge_id: ask.request.challenge_id.clone(),
            amount_minor: ask.request.amount.minor as i64,
            currency: "SAR".into(),
            // Priced by the claim's SQL at the merchant's rate (10 per SAR here).
            points: (ask.request.amount.minor as i64 * 10 + 99) / 100,
            state: RedemptionState::Pending,
            bank_transaction_id: None,
            error_code: None,
            created_at: ask.now,
            order_id: None,
            attempts: 0,
            updated_at: ask.now,
            attention_reason: None,
        };
        self.rows.borrow_mut().insert(slot, row.clone());
        Opened {
            row: Some(row),
            claimed: true,
            guess: self.take_guess(),
            challenge,
        }
    }

    fn take_guess(&self) -> Taken {
        if self.guesses_taken.get() >= self.guess_budget {
            return Taken::Refused { wait: 600 };
        }
        self.guesses_taken.set(self.guesses_taken.get() + 1);
        Taken::Allowed {
            left: self.guess_budget - self.guesses_taken.get(),
        }
    }
}

impl Books for FakeBooks {
    async fn cart_holder(&self, session_id: &str) -> ApiResult<CartHolder> {
        let own_pending = self
            .rows
            .borrow()
            .values()
            .any(|r| r.session_id == session_id && r.state == RedemptionState::Pending);
        Ok(if own_pending {
            CartHolder::OwnAttemptPending
        } else {
            CartHolder::Taken
        })
    }

    async fn give_back_guess(&self, _key: &str) -> ApiResult<()> {
        self.guesses_taken
            .set(self.guesses_taken.get().saturating_sub(1));
        Ok(())
    }

    async fn confirm(
        &self,
        row: &RedemptionRow,
        step: Step<'_>,
        _challenge_id: &str,
        guess_key: &str,
    ) -> ApiResult<Option<RedemptionRow>> {
        let moved = self.transition(row, step).await?;
        if let Some(row) = &moved {
            if let Some(c) = self.challenge.borrow_mut().as_mut() {
                c.used = 1;
            }
            self.give_back_guess(guess_key).await?;
            self.notices.borrow_mut().push(row.id.clone());
        }
        Ok(moved)
    }

    async fn wrong_code(&self, _id: &str) -> ApiResult<()> {
        if let Some(c) = self.challenge.borrow_mut().as_mut() {
            c.wrong_attempts += 1;
        }
        Ok(())
    }

    async fn transition(
        &self,
        row: &RedemptionRow,
        s: Step<'_>,
    ) -> ApiResult<Option<RedemptionRow>> {
        let to =
            ledger::transition(row.state, s.event).map_err(|c| ApiError::new(c, Locale::En))?;
        let mut rows = self.rows.borrow_mut();
        let stored = rows.values_mut().find(|r| r.id == row.id).expect("claimed");
        if stored.state != row.state {
            return Ok(None);
        }
        stored.state = to;
        stored.bank_transaction_id = s.changes.bank_transaction_id.or(stored.bank_transaction_id);
        stored.points = s.changes.points.unwrap_or(stored.points);
        stored.error_code = s.changes.error_code.map(str::to_string);
        self.events.borrow_mut().push((s.reason.to_string(), to));
        Ok(Some(stored.clone()))
    }
}

fn terms() -> Terms {
    Terms {
        rate: MokafaaRate::new(10).unwrap(),
        limits: MerchantLimits::default(),
    }
}

fn request(otp: &str, minor: u64) -> RedeemRequest {
    RedeemRequest {
        challenge_id: "ch-1".into(),
        otp: otp.into(),
        amount: sar(minor),
    }
}

fn ask<'a>(request: &'a RedeemRequest, hash: &str) -> Ask<'a> {
    Ask {
        session_id: "s-1",
        cart: sar(25_000),
        request_hash: hash.into(),
        request,
        locale: Locale::En,
        now: NOW,
    }
}

/// One redeem request with key `key-1`, read and run as the route does.
fn redeem_now(bank: &FakeBank, books: &FakeBooks, ask: &Ask<'_>) -> ApiResult<Redeemed> {
    redeem_with(bank, books, ask, "key-1")
}

fn redeem_with(
    bank: &FakeBank,
    books: &FakeBooks,
    ask: &Ask<'_>,
    key: &str,
) -> ApiResult<Redeemed> {
    run(redeem(bank, books, &terms(), ask, books.opened(ask, key)))
}

fn run<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
}

/// One redeem of `minor` against a bank that answers `answer`: the fakes, and the error.
fn refused(
    answer: Result<Option<i64>, BankFailure>,
    minor: u64,
) -> (FakeBank, FakeBooks, ApiError) {
    let bank = FakeBank::answering(answer);
    let books = FakeBooks::with_challenge();
    let body = request("1234", minor);
    let err = redeem_now(&bank, &books, &ask(&body, "h1")).unwrap_err();
    (bank, books, err)
}

#[test]
fn a_confirmed_redemption_is_recorded_once_and_retries_answer_from_the_ledger() {
    let bank = FakeBank::answering(Ok(Some(77)));
    let books = FakeBooks::with_challenge();
    let body = request("١٢ ٣٤", 5_000);
    let first = redeem_now(&bank, &books, &ask(&body, "h1")).unwrap();
    let Redeemed::Now { row, balance_after } = first else {
        panic!("first call redeems")
    };
    assert_eq!(row.state, RedemptionState::Redeemed);
    assert_eq!(row.bank_transaction_id, Some(77));
    assert_eq!(row.points, 500, "50.00 SAR at 10 points per SAR");
    assert_eq!(balance_after, Some(4_000));
    assert_eq!(books.challenge.borrow().as_ref().unwrap().used, 1);
    assert_eq!(books.guesses_taken.get(), 0, "a right code is not a guess");
    assert_eq!(books.notices.borrow().len(), 1);

    let again = redeem_now(&bank, &books, &ask(&body, "h1")).unwrap();
    assert!(matches!(again, Redeemed::Before(ref r) if r.id == row.id));
    assert_eq!(bank.redeem_calls.get(), 1, "a retry never reaches the bank");
    assert_eq!(books.notices.borrow().len(), 1);
}

#[test]
fn the_ledger_holds_the_points_the_bank_took_not_the_merchant_rate() {
    let bank = FakeBank {
        debited: Some(12_500),
        ..FakeBank::answering(Ok(Some(78)))
    };
    let books = FakeBooks::with_challenge();
    let body = request("1234", 5_000);
    let Redeemed::Now { row, .. } = redeem_now(&bank, &books, &ask(&body, "h1")).unwrap() else {
        panic!("redeems")
    };
    assert_eq!(
        row.points, 12_500,
        "what the bank debited, not 500 at the merchant's 10/SAR"
    );
    let events = books.events.borrow();
    assert!(
        events
            .last()
            .unwrap()
            .0
            .contains("12500 points at its own rate"),
        "{events:?}"
    );
    // A bank that says it took what the claim said changes nothing.
    let same = FakeBank {
        debited: Some(500),
        ..FakeBank::answering(Ok(Some(79)))
    };
    let books = FakeBooks::with_challenge();
    let Redeemed::Now { row, .. } = redeem_now(&same, &books, &ask(&body, "h1")).unwrap() else {
        panic!("redeems")
    };
    assert_eq!(row.points, 500);
    assert_eq!(books.events.borrow().last().unwrap().0, "bank redeemed");
}

#[test]
fn a_cart_is_paid_with_points_once_whatever_the_key() {
    let bank = FakeBank::answering(Ok(Some(1)));
    let books = FakeBooks::with_challenge();
    let body = request("1234", 5_000);
    redeem_now(&bank, &books, &ask(&body, "h1")).unwrap();
    // Another tab of the same cart, verified with its own code.
    books.challenge.borrow_mut().as_mut().unwrap().used = 0;
    let err = redeem_with(&bank, &books, &ask(&body, "h1"), "key-2").unwrap_err();
    assert_eq!(err.code, ErrorCode::CartAlreadyRedeemed);
    assert_eq!(bank.redeem_calls.get(), 1, "the bank is asked once");
}

#[test]
fn a_key_reused_with_another_body_is_a_conflict_without_a_bank_call() {
    let bank = FakeBank::answering(Ok(Some(1)));
    let books = FakeBooks::with_challenge();
    let body = request("1234", 5_000);
    redeem_now(&bank, &books, &ask(&body, "h1")).unwrap();
    let other = request("1234", 6_000);
    let err = redeem_now(&bank, &books, &ask(&other, "h2")).unwrap_err();
    assert_eq!(err.code, ErrorCode::IdempotencyConflict);
    assert_eq!(bank.redeem_calls.get(), 1);
}

#[test]
fn a_wrong_code_fails_the_row_counts_the_guess_and_says_the_tries_left() {
    let (bank, books, err) = refused(Err(BankFailure::Refused(ErrorCode::OtpInvalid)), 5_000);
    assert_eq!(err.code, ErrorCode::OtpInvalid);
    assert_eq!(err.attempts_left, Some(4));
    assert_eq!(books.challenge.borrow().as_ref().unwrap().wrong_attempts, 1);
    assert_eq!(books.guesses_taken.get(), 1);
    let row = books.row();
    assert_eq!(row.state, RedemptionState::Failed);
    assert_eq!(row.error_code.as_deref(), Some("otp_invalid"));
    // The key's answer from now on is that refusal, without asking the bank again.
    let body = request("1234", 5_000);
    let again = redeem_now(&bank, &books, &ask(&body, "h1")).unwrap_err();
    assert_eq!(again.code, ErrorCode::OtpInvalid);
    assert_eq!(bank.redeem_calls.get(), 1);
}

#[test]
fn a_spent_guess_budget_locks_before_the_bank_is_called() {
    let bank = FakeBank::answering(Ok(Some(1)));
    let books = FakeBooks {
        guess_budget: 0,
        ..FakeBooks::with_challenge()
    };
    let body = request("1234", 5_000);
    let err = redeem_now(&bank, &books, &ask(&body, "h1")).unwrap_err();
    assert_eq!(err.code, ErrorCode::OtpLocked);
    assert_eq!(err.retry_after_seconds, Some(600));
    assert_eq!(bank.redeem_calls.get(), 0);
    assert_eq!(books.row().state, RedemptionState::Failed);
}

#[test]
fn the_last_guess_of_the_identifier_answers_locked_whatever_the_challenge_allows() {
    let bank = FakeBank::answering(Err(BankFailure::Refused(ErrorCode::OtpInvalid)));
    let books = FakeBooks {
        guess_budget: 1,
        ..FakeBooks::with_challenge()
    };
    let body = request("1234", 5_000);
    let err = redeem_now(&bank, &books, &ask(&body, "h1")).unwrap_err();
    assert_eq!(err.code, ErrorCode::OtpLocked);
}

#[test]
fn no_answer_leaves_the_row_pending_and_the_retry_waits_instead_of_redeeming_again() {
    let (bank, books, err) = refused(Err(BankFailure::Unknown), 5_000);
    let body = request("1234", 5_000);
    assert_eq!(err.code, ErrorCode::UpstreamUnavailable);
    assert_eq!(books.row().state, RedemptionState::Pending);
    let again = redeem_now(&bank, &books, &ask(&body, "h1")).unwrap_err();
    assert_eq!(again.code, ErrorCode::RequestInProgress);
    assert_eq!(again.retry_after_seconds, Some(2));
    assert_eq!(
        bank.redeem_calls.get(),
        1,
        "never a second debit for one key"
    );
}

#[test]
fn another_refusal_is_not_a_guess_and_an_amount_over_the_cart_never_reaches_the_bank() {
    let refusal = Err(BankFailure::Refused(ErrorCode::BalanceInsufficient));
    let (bank, books, err) = refused(refusal, 5_000);
    assert_eq!(err.code, ErrorCode::BalanceInsufficient);
    assert_eq!(books.guesses_taken.get(), 0);

    // Claimed with the first reads, then refused by the merchant's limits: the key's row
    // ends failed with that refusal and the guess is given back.
    let books = FakeBooks::with_challenge();
    let over = request("1234", 30_000);
    let err = redeem_now(&bank, &books, &ask(&over, "h1")).unwrap_err();
    assert_eq!(err.code, ErrorCode::AmountOverLimit);
    assert_eq!(err.field.as_deref(), Some("amount"));
    assert_eq!(books.row().state, RedemptionState::Failed);
    assert_eq!(books.row().error_code.as_deref(), Some("amount_over_limit"));
    assert_eq!(books.guesses_taken.get(), 0, "not a guess");
    assert_eq!(bank.redeem_calls.get(), 1);
    let again = redeem_now(&bank, &books, &ask(&over, "h1")).unwrap_err();
    assert_eq!(again.code, ErrorCode::AmountOverLimit, "the key's answer");
    assert_eq!(bank.redeem_calls.get(), 1);
}

#[test]
fn a_code_that_is_not_digits_or_an_amount_no_merchant_allows_is_refused_before_any_claim() {
    let letters = request("12ab", 5_000);
    let err = request_checked(&letters, Locale::En).unwrap_err();
    assert_eq!(
        (err.code, err.field.as_deref()),
        (ErrorCode::OtpInvalid, Some("otp"))
    );
    let zero = request("1234", 0);
    let err = request_checked(&zero, Locale::En).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidAmount);
    let above_any_limit = request("1234", MAX_PER_ORDER_MINOR + 1);
    let err = request_checked(&above_any_limit, Locale::En).unwrap_err();
    assert_eq!(err.code, ErrorCode::AmountOverLimit);
    assert!(request_checked(&request("١٢ ٣٤", 5_000), Locale::En).is_ok());
}
