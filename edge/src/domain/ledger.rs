//! The redemption ledger's state machine: which transitions exist and who may cause them.
//!
//! Every Mokafaa redemption row is in one [`RedemptionState`]. Nothing is deleted; every
//! transition is recorded with its cause. The invariant the rest of the edge relies on:
//! the points the bank holds for us equal the sum of `redeemed + captured` rows.

use loyalty_shared::api::RedemptionState;
use loyalty_shared::ErrorCode;

/// What happened to a redemption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerEvent {
    /// The bank confirmed the redemption (or reconciliation found it in the transaction list).
    BankConfirmed,
    /// The bank refused, or reconciliation proved it never happened.
    BankRefused,
    /// The merchant's server reported the order paid.
    OrderPaid,
    /// A reversal was decided (order cancelled, abandoned cart, shopper's undo, over-capture).
    ReversalStarted,
    /// The bank confirmed the reversal (or reported it already done).
    ReversalConfirmed,
}

/// Who or what caused a transition, for the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Shopper,
    MerchantServer,
    Cron,
    Reconciliation,
    Admin,
}

impl Actor {
    pub const fn as_str(self) -> &'static str {
        match self {
            Actor::Shopper => "shopper",
            Actor::MerchantServer => "merchant_server",
            Actor::Cron => "cron",
            Actor::Reconciliation => "reconciliation",
            Actor::Admin => "admin",
        }
    }
}

/// The state after `event`, or the error code explaining why it cannot happen now.
pub fn transition(from: RedemptionState, event: LedgerEvent) -> Result<RedemptionState, ErrorCode> {
    use LedgerEvent::*;
    use RedemptionState::*;
    match (from, event) {
        (Pending, BankConfirmed) => Ok(Redeemed),
        (Pending, BankRefused) => Ok(Failed),
        (Redeemed, OrderPaid) => Ok(Captured),
        // Captured points are the merchant's: only a cancelled order reverses them.
        (Redeemed | Captured, ReversalStarted) => Ok(Reversing),
        (Reversing, ReversalConfirmed) => Ok(Reversed),
        // Repeating an event already applied is not an error for the caller: idempotent.
        (Captured, OrderPaid) => Ok(Captured),
        (Reversing, ReversalStarted) => Ok(Reversing),
        (Reversed, ReversalStarted | ReversalConfirmed) => Err(ErrorCode::AlreadyReversed),
        _ => Err(ErrorCode::InvalidRequest),
    }
}

/// Whether the bank holds points for this row (counts toward the reconciliation sum).
pub const fn holds_points(state: RedemptionState) -> bool {
    matches!(
        state,
        RedemptionState::Redeemed | RedemptionState::Captured | RedemptionState::Reversing
    )
}

/// Whether nothing more will happen to the row.
pub const fn is_final(state: RedemptionState) -> bool {
    matches!(state, RedemptionState::Reversed | RedemptionState::Failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use RedemptionState::*;

    const ALL_STATES: [RedemptionState; 6] =
        [Pending, Redeemed, Captured, Reversing, Reversed, Failed];
    const ALL_EVENTS: [LedgerEvent; 5] = [
        LedgerEvent::BankConfirmed,
        LedgerEvent::BankRefused,
        LedgerEvent::OrderPaid,
        LedgerEvent::ReversalStarted,
        LedgerEvent::ReversalConfirmed,
    ];

    #[test]
    fn the_documented_paths() {
        assert_eq!(
            transition(Pending, LedgerEvent::BankConfirmed),
            Ok(Redeemed)
        );
        assert_eq!(transition(Redeemed, LedgerEvent::OrderPaid), Ok(Captured));
        assert_eq!(
            transition(Redeemed, LedgerEvent::ReversalStarted),
            Ok(Reversing)
        );
        assert_eq!(
            transition(Reversing, LedgerEvent::ReversalConfirmed),
            Ok(Reversed)
        );
        assert_eq!(transition(Pending, LedgerEvent::BankRefused), Ok(Failed));
    }

    #[test]
    fn what_cannot_happen() {
        // A reversed redemption cannot be captured, and a pending one cannot be reversed
        // before the bank's answer is known (reconciliation decides first).
        assert!(transition(Reversed, LedgerEvent::OrderPaid).is_err());
        assert!(transition(Pending, LedgerEvent::ReversalStarted).is_err());
        assert_eq!(
            transition(Reversed, LedgerEvent::ReversalStarted),
            Err(ErrorCode::AlreadyReversed)
        );
        assert!(transition(Failed, LedgerEvent::BankConfirmed).is_err());
    }

    #[test]
    fn final_states_have_no_way_out() {
        for state in ALL_STATES.into_iter().filter(|s| is_final(*s)) {
            for event in ALL_EVENTS {
                assert!(transition(state, event).is_err(), "{state:?} {event:?}");
            }
        }
    }

    proptest! {
        /// Along any sequence of events, points are held at most between one confirmation
        /// and one reversal confirmation: never held again after release.
        #[test]
        fn points_are_held_once_and_released_once(events in proptest::collection::vec(0usize..5, 0..30)) {
            let mut state = Pending;
            let mut released = false;
            for i in events {
                if let Ok(next) = transition(state, ALL_EVENTS[i]) {
                    if holds_points(state) && !holds_points(next) {
                        released = true;
                    }
                    prop_assert!(!(released && holds_points(next)));
                    state = next;
                }
            }
        }
    }
}
