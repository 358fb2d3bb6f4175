//! Settling a redemption whose answer was lost: the bank's transaction list says whether it
//! happened. Never by redeeming again, and never by points alone.
//!
//! [I] The list carries no reference of ours. A pending row is matched to a bank redemption
//! of exactly its points, of the same shopper when the list names one (its [I] `mobile`,
//! compared as the hash the challenge kept), made in the seconds the row's own bank call
//! could have run, that no ledger row holds. When a row has two such candidates, or one
//! candidate could belong to two rows, nothing is guessed: the rows wait for a person with
//! the evidence.

/// A bank transaction as reconciliation needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankRedemption {
    pub transaction_id: i64,
    /// Points taken (positive).
    pub points: u64,
    /// The shopper, as the hash of `mobile:05XXXXXXXX`, when the list names them.
    pub shopper: Option<String>,
    /// Unix seconds, when the list gives them.
    pub at: Option<i64>,
}

/// A ledger row waiting for its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRedemption {
    pub points: u64,
    pub created_at: i64,
    /// The shopper's mobile hash when they verified by mobile (a customer number or IBAN
    /// says nothing the list can be compared with).
    pub shopper: Option<String>,
}

/// How long after a lost answer the bank's list is trusted to be complete.
pub const SETTLE_AFTER_SECONDS: i64 = 60;
/// After this long without a matching transaction, the redemption did not happen.
pub const GIVE_UP_AFTER_SECONDS: i64 = 15 * 60;
/// The bank's clock may differ from ours by this much.
pub const CLOCK_SKEW_SECONDS: i64 = 5;
/// A row's bank call ends within this long after the row is written (the client timeout,
/// with margin).
pub const CALL_WINDOW_SECONDS: i64 = 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The bank did redeem: record this transaction.
    Happened(i64),
    /// The bank did not redeem: the row fails, no points were taken.
    DidNotHappen,
    /// Too early to say; look again later.
    Wait,
    /// More than one transaction could be this row's, or this row's could be another's:
    /// a person decides, with these transaction ids as evidence.
    Ambiguous(Vec<i64>),
}

/// Whether `t` could be the bank's side of `row`.
pub fn could_be(row: &PendingRedemption, t: &BankRedemption) -> bool {
    let same_shopper = same_shopper(row, t);
    let in_window = t.at.is_none_or(|at| {
        at >= row.created_at - CLOCK_SKEW_SECONDS
            && at <= row.created_at + CALL_WINDOW_SECONDS + CLOCK_SKEW_SECONDS
    });
    t.points == row.points && same_shopper && in_window
}

/// The verdict for `row` among the other pending rows of the same merchant (`others`, the
/// rows competing for the same transactions), given the bank's list.
pub fn decide(
    row: &PendingRedemption,
    others: &[PendingRedemption],
    now: i64,
    bank: &[BankRedemption],
    already_linked: impl Fn(i64) -> bool,
) -> Verdict {
    let unlinked = || bank.iter().filter(|t| !already_linked(t.transaction_id));
    let candidates: Vec<&BankRedemption> = unlinked().filter(|t| could_be(row, t)).collect();
    match candidates.as_slice() {
        [] => {
            // Outside the call window but otherwise the same (the bank's clock, a slow call):
            // never "did not happen" while such a transaction exists; a person looks.
            let near: Vec<i64> = unlinked()
                .filter(|t| {
                    t.points == row.points
                        && same_shopper(row, t)
                        && t.at
                            .is_some_and(|at| at >= row.created_at - GIVE_UP_AFTER_SECONDS)
                })
                .map(|t| t.transaction_id)
                .collect();
            if now - row.created_at < GIVE_UP_AFTER_SECONDS {
                Verdict::Wait
            } else if near.is_empty() {
                Verdict::DidNotHappen
            } else {
                Verdict::Ambiguous(near)
            }
        }
        // A row that cannot be compared with the shopper the list names (verified by customer
        // number or IBAN) is never given someone's transaction on points and time alone.
        [one] if row.shopper.is_none() && one.shopper.is_some() => {
            Verdict::Ambiguous(vec![one.transaction_id])
        }
        [one] if !others.iter().any(|other| could_be(other, one)) => {
            Verdict::Happened(one.transaction_id)
        }
        many => Verdict::Ambiguous(many.iter().map(|t| t.transaction_id).collect()),
    }
}

fn same_shopper(row: &PendingRedemption, t: &BankRedemption) -> bool {
    match (&row.shopper, &t.shopper) {
        (Some(ours), Some(theirs)) => ours == theirs,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn txn(id: i64, points: u64, shopper: Option<&str>, at: i64) -> BankRedemption {
        BankRedemption {
            transaction_id: id,
            points,
            shopper: shopper.map(str::to_string),
            at: Some(at),
        }
    }

    fn row(points: u64, shopper: Option<&str>, created_at: i64) -> PendingRedemption {
        PendingRedemption {
            points,
            created_at,
            shopper: shopper.map(str::to_string),
        }
    }

    #[test]
    fn finds_the_unlinked_transaction_of_its_shopper_points_and_time() {
        let bank = [txn(7, 25_000, Some("a"), 10), txn(8, 500, Some("b"), 12)];
        assert_eq!(
            decide(&row(25_000, Some("a"), 9), &[], 100, &bank, |_| false),
            Verdict::Happened(7)
        );
        let anonymous = [txn(8, 500, None, 12)];
        assert_eq!(
            decide(&row(500, None, 9), &[], 100, &anonymous, |_| false),
            Verdict::Happened(8)
        );
    }

    #[test]
    fn another_shoppers_transaction_of_the_same_points_is_never_taken() {
        // Row A never reached the bank; row B's answer was lost. A must not take B's.
        let bank = [txn(9, 1_000, Some("b"), 11)];
        let a = row(1_000, Some("a"), 10);
        let b = row(1_000, Some("b"), 10);
        assert_eq!(
            decide(&a, std::slice::from_ref(&b), 100, &bank, |_| false),
            Verdict::Wait
        );
        assert_eq!(
            decide(&b, std::slice::from_ref(&a), 100, &bank, |_| false),
            Verdict::Happened(9)
        );
        assert_eq!(
            decide(&a, &[b], GIVE_UP_AFTER_SECONDS + 10, &bank, |_| false),
            Verdict::DidNotHappen
        );
    }

    #[test]
    fn a_transaction_outside_the_rows_call_window_is_not_its_but_is_never_ignored() {
        let bank = [txn(9, 1_000, None, 500)];
        assert_eq!(
            decide(&row(1_000, None, 10), &[], 100, &bank, |_| false),
            Verdict::Wait
        );
        assert_eq!(
            decide(
                &row(1_000, None, 10),
                &[],
                GIVE_UP_AFTER_SECONDS + 10,
                &bank,
                |_| false
            ),
            Verdict::Ambiguous(vec![9])
        );
    }

    #[test]
    fn a_row_verified_by_account_is_not_given_a_named_shoppers_transaction() {
        let bank = [txn(9, 1_000, Some("someone"), 11)];
        assert_eq!(
            decide(&row(1_000, None, 10), &[], 100, &bank, |_| false),
            Verdict::Ambiguous(vec![9])
        );
    }

    #[test]
    fn two_candidates_or_two_claimants_wait_for_a_person() {
        let bank = [txn(9, 1_000, None, 11), txn(10, 1_000, None, 12)];
        assert_eq!(
            decide(&row(1_000, None, 10), &[], 100, &bank, |_| false),
            Verdict::Ambiguous(vec![9, 10])
        );
        let one = [txn(9, 1_000, None, 11)];
        assert_eq!(
            decide(
                &row(1_000, None, 10),
                &[row(1_000, None, 10)],
                100,
                &one,
                |_| false
            ),
            Verdict::Ambiguous(vec![9])
        );
    }

    #[test]
    fn a_linked_transaction_is_never_reused() {
        let bank = [txn(7, 25_000, None, 10)];
        assert_eq!(
            decide(&row(25_000, None, 9), &[], 100, &bank, |id| id == 7),
            Verdict::Wait
        );
        assert_eq!(
            decide(
                &row(25_000, None, 9),
                &[],
                GIVE_UP_AFTER_SECONDS + 9,
                &bank,
                |id| id == 7
            ),
            Verdict::DidNotHappen
        );
    }
}
