//! What one request cost: D1 statements, D1 round trips and calls to providers. Reported
//! in the `x-loyalty-counters` header only when the local-only var `LOYALTY_COUNTERS` is
//! `on` (the local stack sets it; production never does), so the bench and an e2e test
//! can count without timing anything.

use std::cell::Cell;
use std::rc::Rc;
use worker::Env;

/// The response header carrying the counts.
pub const HEADER: &str = "x-loyalty-counters";

/// The var that turns the header on (never set in production).
pub const SWITCH_VAR: &str = "LOYALTY_COUNTERS";

#[derive(Default, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    pub d1_statements: u32,
    pub d1_round_trips: u32,
    pub upstream_calls: u32,
}

/// One request's counts, shared by its database handle and its provider clients
/// (a Worker isolate serves requests concurrently, so nothing global would do).
#[derive(Default, Clone, Debug)]
pub struct Tally(Rc<Cell<Counts>>);

impl Tally {
    /// One D1 round trip of `statements` statements.
    pub fn d1(&self, statements: usize) {
        let mut c = self.0.get();
        c.d1_statements += statements as u32;
        c.d1_round_trips += 1;
        self.0.set(c);
    }

    /// One call to a provider (Mokafaa, Pongo, SMS, email).
    pub fn upstream(&self) {
        let mut c = self.0.get();
        c.upstream_calls += 1;
        self.0.set(c);
    }

    pub fn counts(&self) -> Counts {
        self.0.get()
    }
}

impl Counts {
    /// The header's value: `d1_statements=5;d1_round_trips=2;upstream_calls=1`.
    pub fn header_value(&self) -> String {
        format!(
            "d1_statements={};d1_round_trips={};upstream_calls={}",
            self.d1_statements, self.d1_round_trips, self.upstream_calls
        )
    }
}

/// Whether this deployment reports counts.
pub fn enabled(env: &Env) -> bool {
    env.var(SWITCH_VAR).is_ok_and(|v| v.to_string() == "on")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_is_one_round_trip_and_clones_share_the_counts() {
        let tally = Tally::default();
        let shared = tally.clone();
        tally.d1(1);
        shared.d1(3);
        shared.upstream();
        assert_eq!(
            tally.counts().header_value(),
            "d1_statements=4;d1_round_trips=2;upstream_calls=1"
        );
    }
}
