//! How much a shopper may redeem: capped by the order total, the balance, and the
//! merchant's minimum and maximum per order. Enforced here, in the edge, whatever the
//! widget shows.

use loyalty_shared::api::CapReason;
use loyalty_shared::{Currency, ErrorCode, MokafaaRate, Money};

/// A merchant's redemption limits per order, in SAR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MerchantLimits {
    pub min_per_order: Money,
    pub max_per_order: Money,
}

impl Default for MerchantLimits {
    /// 1.00 SAR minimum (the bank's own floor is not published), no practical maximum.
    fn default() -> Self {
        MerchantLimits {
            min_per_order: Money {
                minor: 100,
                currency: Currency::Sar,
            },
            max_per_order: Money {
                minor: 10_000_000,
                currency: Currency::Sar,
            },
        }
    }
}

/// The most the shopper can redeem on this order right now, and which limit sets it (the
/// order total first when several are equal, then the balance).
pub fn max_redeemable(
    order_total: Money,
    balance_points: u64,
    rate: MokafaaRate,
    limits: MerchantLimits,
) -> Result<(Money, CapReason), ErrorCode> {
    if order_total.currency != Currency::Sar {
        return Err(ErrorCode::InvalidAmount);
    }
    let by_balance = rate.max_discount_for(balance_points)?;
    let max = order_total.min(by_balance)?.min(limits.max_per_order)?;
    let reason = if max == order_total {
        CapReason::OrderTotal
    } else if max == by_balance {
        CapReason::Balance
    } else {
        CapReason::StoreLimit
    };
    Ok((max, reason))
}

/// Checks a requested discount and returns the points it costs, or the code the shopper
/// sees. The order of checks decides which message a shopper gets when several apply:
/// the order total first (a discount above the order is never right), then the
/// merchant's limits, then the balance.
pub fn check_amount(
    requested: Money,
    order_total: Money,
    balance_points: Option<u64>,
    rate: MokafaaRate,
    limits: MerchantLimits,
) -> Result<u64, ErrorCode> {
    if requested.currency != Currency::Sar || order_total.currency != Currency::Sar {
        return Err(ErrorCode::InvalidAmount);
    }
    if requested.minor == 0 {
        return Err(ErrorCode::InvalidAmount);
    }
    if requested.minor > order_total.minor || requested.minor > limits.max_per_order.minor {
        return Err(ErrorCode::AmountOverLimit);
    }
    if requested.minor < limits.min_per_order.minor {
        return Err(ErrorCode::AmountUnderMinimum);
    }
    let points = rate.points_for(requested)?;
    if let Some(balance) = balance_points {
        if points > balance {
            return Err(ErrorCode::BalanceInsufficient);
        }
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sar(minor: u64) -> Money {
        Money::from_minor(minor, Currency::Sar).unwrap()
    }

    #[test]
    fn each_cap_gives_its_own_code() {
        let rate = MokafaaRate::default();
        let limits = MerchantLimits {
            min_per_order: sar(500),
            max_per_order: sar(20_000),
        };
        let total = sar(25_000);
        let cases = [
            (sar(10_000), Some(1_000_000), Ok(25_000)),
            (
                sar(30_000),
                Some(1_000_000),
                Err(ErrorCode::AmountOverLimit),
            ),
            (
                sar(21_000),
                Some(1_000_000),
                Err(ErrorCode::AmountOverLimit),
            ),
            (
                sar(400),
                Some(1_000_000),
                Err(ErrorCode::AmountUnderMinimum),
            ),
            (sar(10_000), Some(100), Err(ErrorCode::BalanceInsufficient)),
            (sar(0), None, Err(ErrorCode::InvalidAmount)),
        ];
        for (asked, balance, expected) in cases {
            let got = check_amount(asked, total, balance, rate, limits);
            assert_eq!(got, expected, "{asked:?} with balance {balance:?}");
        }
        let eur = Money::from_minor(100, Currency::Eur).unwrap();
        assert_eq!(
            check_amount(eur, total, None, rate, limits),
            Err(ErrorCode::InvalidAmount)
        );
    }

    #[test]
    fn max_redeemable_is_the_smallest_cap() {
        let rate = MokafaaRate::default();
        let limits = MerchantLimits {
            min_per_order: sar(100),
            max_per_order: sar(20_000),
        };
        for (total, balance, max, reason) in [
            (25_000, 1_000_000, 20_000, CapReason::StoreLimit),
            (5_000, 1_000_000, 5_000, CapReason::OrderTotal),
            (25_000, 2_500, 1_000, CapReason::Balance),
            // A tie names the order total: what the shopper can see on the page.
            (20_000, 1_000_000, 20_000, CapReason::OrderTotal),
        ] {
            let got = max_redeemable(sar(total), balance, rate, limits);
            assert_eq!(got, Ok((sar(max), reason)), "{total} {balance}");
        }
    }

    proptest! {
        /// Whatever max_redeemable offers is accepted, and one halala more is refused.
        #[test]
        fn the_offered_maximum_is_exactly_redeemable(total in 100u64..10_000_000, balance in 0u64..100_000_000, rate in 1u32..1_000) {
            let rate = MokafaaRate::new(rate).unwrap();
            let limits = MerchantLimits { min_per_order: sar(1), max_per_order: sar(5_000_000) };
            let (max, _) = max_redeemable(sar(total), balance, rate, limits).unwrap();
            if max.minor >= 1 {
                prop_assert!(check_amount(max, sar(total), Some(balance), rate, limits).is_ok());
            }
            prop_assert!(check_amount(sar(max.minor + 1), sar(total), Some(balance), rate, limits).is_err());
        }
    }
}
