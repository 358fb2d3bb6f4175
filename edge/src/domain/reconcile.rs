//! Settling a redemption whose answer was lost: the bank's transaction list says whether it
//! happened. Never by redeeming again.
//!
//! [I] The list carries no reference of ours, so a pending row is matched to a bank
//! redemption of exactly its points that no ledger row holds yet, made after the row was
//! created. Two pending rows of equal points in one window could swap transaction ids; the
//! sums stay right, which is what the ledger guarantees.

/// A bank transaction as reconciliation needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BankRedemption {
    pub transaction_id: i64,
    /// Points taken (positive).
    pub points: u64,
}

/// How long after a lost answer the bank's list is trusted to be complete.
pub const SETTLE_AFTER_SECONDS: i64 = 60;
/// After this long without a matching transaction, the redemption did not happen.
pub const GIVE_UP_AFTER_SECONDS: i64 = 15 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The bank did redeem: record this transaction.
    Happened(i64),
    /// The bank did not redeem: the row fails, no points were taken.
    DidNotHappen,
    /// Too early to say; look again later.
    Wait,
}

pub fn decide(
    points: u64,
    created_at: i64,
    now: i64,
    bank: &[BankRedemption],
    already_linked: impl Fn(i64) -> bool,
) -> Verdict {
    if let Some(found) = bank
        .iter()
        .find(|t| t.points == points && !already_linked(t.transaction_id))
    {
        return Verdict::Happened(found.transaction_id);
    }
    if now - created_at >= GIVE_UP_AFTER_SECONDS {
        Verdict::DidNotHappen
    } else {
        Verdict::Wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BANK: [BankRedemption; 2] = [
        BankRedemption {
            transaction_id: 7,
            points: 25_000,
        },
        BankRedemption {
            transaction_id: 8,
            points: 500,
        },
    ];

    #[test]
    fn finds_the_unlinked_transaction_of_its_points() {
        assert_eq!(
            decide(25_000, 0, 100, &BANK, |_| false),
            Verdict::Happened(7)
        );
        assert_eq!(
            decide(500, 0, 100, &BANK, |id| id == 7),
            Verdict::Happened(8)
        );
    }

    #[test]
    fn a_linked_transaction_is_never_reused() {
        assert_eq!(decide(25_000, 0, 100, &BANK, |id| id == 7), Verdict::Wait);
        assert_eq!(
            decide(25_000, 0, GIVE_UP_AFTER_SECONDS, &BANK, |id| id == 7),
            Verdict::DidNotHappen
        );
    }
}
