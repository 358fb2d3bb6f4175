//! OTP challenge rules, enforced by the edge whatever the bank or the widget does:
//! a code lives 3 minutes, 5 wrong codes lock the challenge, a resend waits for a cooldown,
//! a session gets a limited number of resends, and a changed cart voids the challenge.

use loyalty_shared::{ApiError, ErrorCode, Locale, Money};

/// The rules, per merchant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChallengeRules {
    pub otp_lifetime_seconds: i64,
    pub max_wrong_attempts: u32,
    pub resend_cooldown_seconds: i64,
    pub max_resends: u32,
}

impl Default for ChallengeRules {
    fn default() -> Self {
        ChallengeRules {
            otp_lifetime_seconds: 180,
            max_wrong_attempts: 5,
            resend_cooldown_seconds: 60,
            max_resends: 3,
        }
    }
}

/// One OTP challenge as the ledger stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub sent_at: i64,
    pub expires_at: i64,
    pub wrong_attempts: u32,
    /// Sends after the first, for this session.
    pub resends: u32,
    /// The cart amount the challenge was issued for.
    pub cart_amount: Money,
    pub used: bool,
}

impl Challenge {
    pub fn issue(now: i64, cart_amount: Money, rules: &ChallengeRules) -> Challenge {
        Challenge {
            sent_at: now,
            expires_at: now + rules.otp_lifetime_seconds,
            wrong_attempts: 0,
            resends: 0,
            cart_amount,
            used: false,
        }
    }

    /// A resend: allowed after the cooldown and within the session's resend budget.
    pub fn resend(
        &self,
        now: i64,
        rules: &ChallengeRules,
        locale: Locale,
    ) -> Result<Challenge, ApiError> {
        if self.resends >= rules.max_resends {
            return Err(ApiError::new(ErrorCode::ResendLimit, locale));
        }
        let ready_at = self.sent_at + rules.resend_cooldown_seconds;
        if now < ready_at {
            let wait = u32::try_from(ready_at - now).unwrap_or(u32::MAX);
            return Err(ApiError::new(ErrorCode::ResendTooEarly, locale).with_retry_after(wait));
        }
        Ok(Challenge {
            resends: self.resends + 1,
            ..Challenge::issue(now, self.cart_amount, rules)
        })
    }

    /// Whether an OTP may be tried now against this challenge, for `cart_amount`.
    pub fn can_attempt(
        &self,
        now: i64,
        cart_amount: Money,
        rules: &ChallengeRules,
        locale: Locale,
    ) -> Result<(), ApiError> {
        if self.used {
            return Err(ApiError::new(ErrorCode::OtpAlreadyUsed, locale));
        }
        if self.wrong_attempts >= rules.max_wrong_attempts {
            return Err(ApiError::new(ErrorCode::OtpLocked, locale));
        }
        if now >= self.expires_at {
            return Err(ApiError::new(ErrorCode::OtpExpired, locale));
        }
        if cart_amount != self.cart_amount {
            return Err(ApiError::new(ErrorCode::CartChanged, locale));
        }
        Ok(())
    }

    /// Records a wrong code and says what the shopper sees: attempts left, or locked.
    pub fn wrong_attempt(&mut self, rules: &ChallengeRules, locale: Locale) -> ApiError {
        self.wrong_attempts += 1;
        let left = rules.max_wrong_attempts.saturating_sub(self.wrong_attempts);
        if left == 0 {
            ApiError::new(ErrorCode::OtpLocked, locale)
        } else {
            ApiError::new(ErrorCode::OtpInvalid, locale).with_attempts_left(left)
        }
    }

    pub fn seconds_left(&self, now: i64) -> u32 {
        u32::try_from((self.expires_at - now).max(0)).unwrap_or(0)
    }

    pub fn resend_after(&self, now: i64, rules: &ChallengeRules) -> u32 {
        u32::try_from((self.sent_at + rules.resend_cooldown_seconds - now).max(0)).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use loyalty_shared::Currency;

    const T0: i64 = 1_700_000_000;

    fn cart() -> Money {
        Money::from_minor(25_000, Currency::Sar).unwrap()
    }

    #[test]
    fn expires_after_three_minutes() {
        let rules = ChallengeRules::default();
        let c = Challenge::issue(T0, cart(), &rules);
        assert!(c.can_attempt(T0 + 179, cart(), &rules, Locale::En).is_ok());
        assert_eq!(
            c.can_attempt(T0 + 180, cart(), &rules, Locale::En)
                .unwrap_err()
                .code,
            ErrorCode::OtpExpired
        );
        assert_eq!(c.seconds_left(T0 + 30), 150);
    }

    #[test]
    fn five_wrong_codes_lock_with_a_countdown() {
        let rules = ChallengeRules::default();
        let mut c = Challenge::issue(T0, cart(), &rules);
        for left in (1..=4).rev() {
            let e = c.wrong_attempt(&rules, Locale::En);
            assert_eq!(
                (e.code, e.attempts_left),
                (ErrorCode::OtpInvalid, Some(left))
            );
        }
        assert_eq!(
            c.wrong_attempt(&rules, Locale::En).code,
            ErrorCode::OtpLocked
        );
        assert_eq!(
            c.can_attempt(T0 + 1, cart(), &rules, Locale::En)
                .unwrap_err()
                .code,
            ErrorCode::OtpLocked
        );
    }

    #[test]
    fn resend_waits_for_the_cooldown_and_has_a_budget() {
        let rules = ChallengeRules::default();
        let c = Challenge::issue(T0, cart(), &rules);
        let early = c.resend(T0 + 20, &rules, Locale::En).unwrap_err();
        assert_eq!(
            (early.code, early.retry_after_seconds),
            (ErrorCode::ResendTooEarly, Some(40))
        );
        let mut current = c;
        for i in 1..=3 {
            current = current
                .resend(current.sent_at + 60, &rules, Locale::En)
                .unwrap();
            assert_eq!(current.resends, i);
            assert_eq!(current.wrong_attempts, 0);
        }
        let e = current
            .resend(current.sent_at + 600, &rules, Locale::En)
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::ResendLimit);
    }

    #[test]
    fn a_changed_cart_voids_the_challenge() {
        let rules = ChallengeRules::default();
        let c = Challenge::issue(T0, cart(), &rules);
        let other = Money::from_minor(20_000, Currency::Sar).unwrap();
        assert_eq!(
            c.can_attempt(T0 + 1, other, &rules, Locale::En)
                .unwrap_err()
                .code,
            ErrorCode::CartChanged
        );
    }
}
