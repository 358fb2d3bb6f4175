//! The simulated clock: real time plus an offset the console can advance, so OTP expiry,
//! token expiry and abandoned-cart windows are testable without waiting.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Default)]
pub struct SimClock {
    offset_seconds: AtomicI64,
}

impl SimClock {
    /// Unix seconds as the simulated providers see them.
    pub fn now(&self) -> i64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        real + self.offset_seconds.load(Ordering::SeqCst)
    }

    /// Moves simulated time forward (never backward: expiries must stay monotonic).
    pub fn advance(&self, seconds: u32) -> i64 {
        self.offset_seconds
            .fetch_add(i64::from(seconds), Ordering::SeqCst);
        self.now()
    }

    pub fn offset(&self) -> i64 {
        self.offset_seconds.load(Ordering::SeqCst)
    }

    pub fn reset(&self) {
        self.offset_seconds.store(0, Ordering::SeqCst);
    }
}
