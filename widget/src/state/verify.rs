//! What the Mokafaa verify screen derives from the form: the order's cap and why, the
//! points the typed amount costs, and when the countdown speaks.

use super::MokafaaForm;
use loyalty_shared::api::Balance;
use loyalty_shared::{Currency, MokafaaRate, Money};

pub use loyalty_shared::api::CapReason;

/// The most the shopper can pay with points on this order, and which limit sets it when
/// the widget can tell (it knows the order total and, where the store shows it, the
/// balance's worth; the store's limit is what is left).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cap {
    pub amount: Money,
    pub reason: Option<CapReason>,
}

/// What the countdown's live region says: nothing until a minute is left, then that, then
/// that the code expired. It speaks when its words change, so twice per code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountdownNotice {
    OneMinuteLeft,
    Expired,
}

pub fn countdown_notice(seconds_left: u32) -> Option<CountdownNotice> {
    match seconds_left {
        0 => Some(CountdownNotice::Expired),
        1..=60 => Some(CountdownNotice::OneMinuteLeft),
        _ => None,
    }
}

impl MokafaaForm {
    pub fn cap(&self) -> Option<Cap> {
        let balance = self.balance.as_ref()?;
        let amount = balance.max_redeemable;
        // The edge says which limit it is; an older edge does not, and the form guesses.
        let reason = if balance.capped_by.is_some() {
            balance.capped_by
        } else if self.order_total == Some(amount) {
            Some(CapReason::OrderTotal)
        } else if balance.worth == Some(amount) {
            Some(CapReason::Balance)
        } else if self.order_total.is_some() && balance.worth.is_some() {
            Some(CapReason::StoreLimit)
        } else {
            None
        };
        Some(Cap { amount, reason })
    }

    /// The points the amount as typed costs, when it reads as an amount and the rate is
    /// known.
    pub fn points_cost(&self) -> Option<u64> {
        let rate = rate_of(self.balance.as_ref()?)?;
        let amount = Money::parse(&self.amount, Currency::Sar).ok()?;
        (amount.minor > 0)
            .then(|| rate.points_for(amount).ok())
            .flatten()
    }
}

/// The merchant's rate, read back from a balance shown with its worth: the one whole
/// number of points per SAR for which the balance is worth exactly that (the worth is
/// rounded down to the halala). None when the balance is not shown or several rates fit.
pub fn rate_of(balance: &Balance) -> Option<MokafaaRate> {
    if let Some(rate) = balance.points_per_sar {
        return MokafaaRate::new(rate).ok();
    }
    let (points, worth) = (balance.points?, balance.worth?);
    if worth.currency != Currency::Sar || worth.minor == 0 {
        return None;
    }
    let scaled = u128::from(points) * u128::from(Currency::Sar.minor_per_major());
    let worth = u128::from(worth.minor);
    let highest = scaled / worth;
    let lowest = scaled / (worth + 1) + 1;
    if highest != lowest {
        return None;
    }
    MokafaaRate::new(u32::try_from(highest).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sar(minor: u64) -> Money {
        Money::from_minor(minor, Currency::Sar).unwrap()
    }

    fn balance(points: Option<u64>, max: u64) -> Balance {
        Balance {
            points,
            worth: points.map(|p| MokafaaRate::default().max_discount_for(p).unwrap()),
            max_redeemable: sar(max),
            min_per_order: sar(100),
            capped_by: None,
            points_per_sar: None,
        }
    }

    #[test]
    fn the_cap_says_which_limit_sets_it() {
        let form = |total: Option<u64>, balance: Balance| MokafaaForm {
            order_total: total.map(sar),
            balance: Some(balance),
            ..MokafaaForm::default()
        };
        let cases = [
            (
                Some(25_000),
                balance(None, 25_000),
                Some(CapReason::OrderTotal),
            ),
            // 2,500 points are worth 10.00 SAR at 250 points per SAR.
            (
                Some(25_000),
                balance(Some(2_500), 1_000),
                Some(CapReason::Balance),
            ),
            (None, balance(Some(2_500), 1_000), Some(CapReason::Balance)),
            (
                Some(25_000),
                balance(Some(1_000_000), 5_000),
                Some(CapReason::StoreLimit),
            ),
            // Balance hidden and below the total: the balance or the store's limit.
            (Some(25_000), balance(None, 5_000), None),
            (None, balance(None, 25_000), None),
        ];
        for (total, balance, reason) in cases {
            let cap = form(total, balance.clone()).cap().unwrap();
            assert_eq!(cap.reason, reason, "{total:?} {balance:?}");
            assert_eq!(cap.amount, balance.max_redeemable);
        }
        assert_eq!(MokafaaForm::default().cap(), None);
    }

    #[test]
    fn the_points_an_amount_costs_follow_what_is_typed() {
        let mut form = MokafaaForm {
            balance: Some(balance(Some(1_000_000), 25_000)),
            amount: "250.00".into(),
            ..MokafaaForm::default()
        };
        assert_eq!(form.points_cost(), Some(62_500));
        form.amount = "١٠٫٥".into();
        assert_eq!(form.points_cost(), Some(2_625));
        for unreadable in ["", "abc", "0"] {
            form.amount = unreadable.into();
            assert_eq!(form.points_cost(), None, "{unreadable}");
        }
        // Without the balance's worth the rate is unknown: no guess.
        form.balance = Some(balance(None, 25_000));
        form.amount = "10".into();
        assert_eq!(form.points_cost(), None);
    }

    #[test]
    fn the_rate_is_read_back_only_when_one_fits() {
        for rate in [1, 7, 250, 1_000] {
            let rate = MokafaaRate::new(rate).unwrap();
            let points = 1_234_567;
            let worth = rate.max_discount_for(points).unwrap();
            let shown = Balance {
                points: Some(points),
                worth: Some(worth),
                max_redeemable: worth,
                min_per_order: sar(100),
                capped_by: None,
                points_per_sar: None,
            };
            assert_eq!(rate_of(&shown), Some(rate));
        }
        // 3 points at 250 per SAR are worth 0.01 SAR, as at 300: not enough to tell.
        let small = balance(Some(3), 1);
        assert_eq!(rate_of(&small), None);
    }

    #[test]
    fn the_countdown_speaks_at_one_minute_and_at_expiry() {
        let said: Vec<_> = (0..=180).rev().map(countdown_notice).collect();
        let mut changes = said.windows(2).filter(|w| w[0] != w[1]).map(|w| w[1]);
        assert_eq!(changes.next(), Some(Some(CountdownNotice::OneMinuteLeft)));
        assert_eq!(changes.next(), Some(Some(CountdownNotice::Expired)));
        assert_eq!(changes.next(), None);
        assert_eq!(countdown_notice(61), None);
        assert_eq!(countdown_notice(60), Some(CountdownNotice::OneMinuteLeft));
    }
}
