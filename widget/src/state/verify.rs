//! What the Mokafaa verify screen derives from the form: the order's cap and why, the
//! points the typed amount costs, and when the countdown speaks.

use super::MokafaaForm;
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
    /// The most the shopper can pay with points on this order, and which limit sets it, as
    /// the edge decided them (`domain::limits::max_redeemable`).
    pub fn cap(&self) -> Option<Cap> {
        let balance = self.balance.as_ref()?;
        Some(Cap {
            amount: balance.max_redeemable,
            reason: balance.capped_by,
        })
    }

    /// The points the amount as typed costs, at the merchant's rate the edge gave, when it
    /// reads as an amount.
    pub fn points_cost(&self) -> Option<u64> {
        let rate = MokafaaRate::new(self.balance.as_ref()?.points_per_sar?).ok()?;
        let amount = Money::parse(&self.amount, Currency::Sar).ok()?;
        (amount.minor > 0)
            .then(|| rate.points_for(amount).ok())
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use loyalty_shared::api::Balance;

    fn sar(minor: u64) -> Money {
        Money::from_minor(minor, Currency::Sar).unwrap()
    }

    fn balance(max: u64, capped_by: Option<CapReason>, rate: Option<u32>) -> Balance {
        Balance {
            points: None,
            worth: None,
            max_redeemable: sar(max),
            min_per_order: sar(100),
            capped_by,
            points_per_sar: rate,
        }
    }

    #[test]
    fn the_cap_says_which_limit_the_edge_found() {
        for reason in [
            Some(CapReason::OrderTotal),
            Some(CapReason::Balance),
            Some(CapReason::StoreLimit),
            None,
        ] {
            let form = MokafaaForm {
                balance: Some(balance(5_000, reason, None)),
                ..MokafaaForm::default()
            };
            let cap = form.cap().unwrap();
            assert_eq!((cap.amount, cap.reason), (sar(5_000), reason));
        }
        assert_eq!(MokafaaForm::default().cap(), None);
    }

    #[test]
    fn the_points_an_amount_costs_follow_what_is_typed() {
        let mut form = MokafaaForm {
            balance: Some(balance(25_000, None, Some(250))),
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
        // Without the rate there is nothing to show: no guess.
        form.balance = Some(balance(25_000, None, None));
        form.amount = "10".into();
        assert_eq!(form.points_cost(), None);
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
