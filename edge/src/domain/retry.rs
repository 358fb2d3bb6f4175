//! Backoff for work the bank did not confirm: reversals to retry and redemptions to
//! reconcile. After the last attempt a row is left for a person (the admin view).

/// Attempts before a row is surfaced instead of retried.
pub const MAX_ATTEMPTS: u32 = 8;

/// When to try again after `attempts` failed tries: 2, 4, 8 ... minutes after the first
/// failures, at most an hour; `None` once [`MAX_ATTEMPTS`] tries have failed.
pub fn next_attempt_at(now: i64, attempts: u32) -> Option<i64> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let minutes = 1i64 << attempts.min(6);
    Some(now + (minutes * 60).min(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_then_caps_then_stops() {
        assert_eq!(next_attempt_at(0, 0), Some(60));
        assert_eq!(next_attempt_at(0, 1), Some(120));
        assert_eq!(next_attempt_at(0, 5), Some(1920));
        assert_eq!(next_attempt_at(0, 6), Some(3600));
        assert_eq!(next_attempt_at(0, 7), Some(3600));
        assert_eq!(next_attempt_at(0, MAX_ATTEMPTS), None);
    }
}
