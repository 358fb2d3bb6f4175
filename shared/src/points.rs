//! Points math, integer-exact.
//!
//! Mokafaa: a merchant-configured number of points per SAR (250 seen on the consumer side).
//! Pongo: an earn rule read from `partnerParameters` (`points_per_euro`, a decimal, and a
//! minimum amount in cents); the points of an order are `floor(cents * rate / 100)`.

use crate::money::{Currency, Money, MoneyError, MAX_MINOR};
use core::fmt;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a points computation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointsError {
    WrongCurrency,
    ZeroRate,
    InvalidRate,
    Overflow,
}

impl fmt::Display for PointsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PointsError::WrongCurrency => "points are computed on SAR amounts only",
            PointsError::ZeroRate => "the points rate must be positive",
            PointsError::InvalidRate => "the points rate is not a decimal with at most 4 places",
            PointsError::Overflow => "the amount is too large",
        })
    }
}

impl std::error::Error for PointsError {}

/// How many Mokafaa points make one SAR, for one merchant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MokafaaRate {
    pub points_per_sar: u32,
}

impl Default for MokafaaRate {
    /// 250 points = 1 SAR, the rate seen on the consumer side.
    fn default() -> Self {
        MokafaaRate {
            points_per_sar: 250,
        }
    }
}

impl MokafaaRate {
    pub fn new(points_per_sar: u32) -> Result<Self, PointsError> {
        if points_per_sar == 0 {
            return Err(PointsError::ZeroRate);
        }
        Ok(MokafaaRate { points_per_sar })
    }

    /// Points the bank takes for a SAR discount, rounded up: a discount is never
    /// cheaper in points than the rate says.
    pub fn points_for(self, amount: Money) -> Result<u64, PointsError> {
        if amount.currency != Currency::Sar {
            return Err(PointsError::WrongCurrency);
        }
        if self.points_per_sar == 0 {
            return Err(PointsError::ZeroRate);
        }
        let per = u128::from(Currency::Sar.minor_per_major());
        let points = (u128::from(amount.minor) * u128::from(self.points_per_sar)).div_ceil(per);
        u64::try_from(points).map_err(|_| PointsError::Overflow)
    }

    /// The largest SAR discount a balance pays for, rounded down to the halala.
    pub fn max_discount_for(self, points: u64) -> Result<Money, PointsError> {
        if self.points_per_sar == 0 {
            return Err(PointsError::ZeroRate);
        }
        let per = u128::from(Currency::Sar.minor_per_major());
        let minor = u128::from(points) * per / u128::from(self.points_per_sar);
        let minor = u64::try_from(minor).unwrap_or(u64::MAX).min(MAX_MINOR);
        Money::from_minor(minor, Currency::Sar).map_err(|_: MoneyError| PointsError::Overflow)
    }
}

/// Scale of [`EarnRate`]: rates are held in ten-thousandths of a point per euro.
pub const EARN_RATE_SCALE: u64 = 10_000;

/// Points per euro as an exact decimal with at most 4 places (1.5 is held as 15000).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EarnRate(u64);

impl EarnRate {
    pub const fn from_scaled(ten_thousandths: u64) -> Self {
        EarnRate(ten_thousandths)
    }

    pub const fn scaled(self) -> u64 {
        self.0
    }

    /// Parses a decimal written as text ("1.5", "10", "0.25").
    pub fn parse(text: &str) -> Result<Self, PointsError> {
        let text = text.trim();
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        if whole.is_empty() && frac.is_empty() {
            return Err(PointsError::InvalidRate);
        }
        let frac = frac.trim_end_matches('0');
        if frac.len() > 4
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || whole.len() > 9
        {
            return Err(PointsError::InvalidRate);
        }
        let whole: u64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| PointsError::InvalidRate)?
        };
        let frac_value: u64 = if frac.is_empty() {
            0
        } else {
            frac.parse::<u64>().map_err(|_| PointsError::InvalidRate)?
                * 10u64.pow(4 - frac.len() as u32)
        };
        Ok(EarnRate(whole * EARN_RATE_SCALE + frac_value))
    }
}

impl fmt::Display for EarnRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / EARN_RATE_SCALE;
        let frac = self.0 % EARN_RATE_SCALE;
        if frac == 0 {
            write!(f, "{whole}")
        } else {
            let digits = format!("{frac:04}");
            write!(f, "{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

impl Serialize for EarnRate {
    /// Written as a JSON number, as Pongo writes it.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.is_multiple_of(EARN_RATE_SCALE) {
            serializer.serialize_u64(self.0 / EARN_RATE_SCALE)
        } else {
            // The decimal text of a 4-place value round-trips exactly through f64's
            // shortest representation, so the number a reader sees is the exact rate.
            let text = self.to_string();
            serializer.serialize_f64(text.parse().map_err(serde::ser::Error::custom)?)
        }
    }
}

impl<'de> Deserialize<'de> for EarnRate {
    /// Accepts a JSON number or a string. A number is read through its shortest decimal
    /// representation, which is the text the sender wrote, so 0.1 is exactly 0.1.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(u64),
            Float(f64),
            Text(String),
        }
        let text = match Raw::deserialize(deserializer)? {
            Raw::Int(n) => n.to_string(),
            Raw::Float(x) if x.is_finite() && x >= 0.0 => format!("{x}"),
            Raw::Float(_) => return Err(serde::de::Error::custom("negative or infinite rate")),
            Raw::Text(s) => s,
        };
        EarnRate::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// How a fractional number of points is rounded. Only `floor` is documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    #[default]
    Floor,
}

/// Pongo's loyalty program configuration (`partnerParameters`), as far as earning goes.
/// [I]: its structure is not public; this is the model of `providers/pongo.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerParameters {
    pub points_per_euro: EarnRate,
    pub min_amount_cents: u64,
    #[serde(default)]
    pub rounding: Rounding,
}

impl PartnerParameters {
    /// Points an order of `amount_cents` earns: none below the minimum, else
    /// `floor(cents * points_per_euro / 100)`.
    pub fn earn(&self, amount_cents: u64) -> u64 {
        if amount_cents < self.min_amount_cents {
            return 0;
        }
        let scaled = u128::from(amount_cents) * u128::from(self.points_per_euro.scaled());
        let points = match self.rounding {
            Rounding::Floor => scaled / (100 * u128::from(EARN_RATE_SCALE)),
        };
        u64::try_from(points).unwrap_or(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sar(minor: u64) -> Money {
        Money::from_minor(minor, Currency::Sar).unwrap()
    }

    #[test]
    fn mokafaa_points_at_the_default_rate() {
        let rate = MokafaaRate::default();
        assert_eq!(rate.points_for(sar(10_000)).unwrap(), 25_000); // 100 SAR, as the bank's sample
        assert_eq!(rate.points_for(sar(1)).unwrap(), 3); // 2.5 points rounds up
        assert_eq!(rate.max_discount_for(25_000).unwrap(), sar(10_000));
        assert_eq!(rate.max_discount_for(3).unwrap(), sar(1));
        assert_eq!(rate.max_discount_for(2).unwrap(), sar(0));
        assert_eq!(
            rate.points_for(Money::from_minor(100, Currency::Eur).unwrap()),
            Err(PointsError::WrongCurrency)
        );
        assert_eq!(MokafaaRate::new(0), Err(PointsError::ZeroRate));
    }

    #[test]
    fn earn_rate_is_exact() {
        assert_eq!(EarnRate::parse("1.5").unwrap().scaled(), 15_000);
        assert_eq!(EarnRate::parse("0.1").unwrap().scaled(), 1_000);
        assert_eq!(EarnRate::parse("10").unwrap().scaled(), 100_000);
        assert_eq!(EarnRate::parse(".25").unwrap().scaled(), 2_500);
        assert_eq!(EarnRate::parse("1.00000").unwrap().scaled(), 10_000);
        assert_eq!(EarnRate::parse("1.23456"), Err(PointsError::InvalidRate));
        assert_eq!(EarnRate::parse("-1"), Err(PointsError::InvalidRate));
        assert_eq!(EarnRate::parse("."), Err(PointsError::InvalidRate));
        let p: PartnerParameters = serde_json::from_str(
            r#"{"points_per_euro":0.1,"min_amount_cents":500,"rounding":"floor"}"#,
        )
        .unwrap();
        assert_eq!(p.points_per_euro.scaled(), 1_000);
        let p2: PartnerParameters =
            serde_json::from_str(r#"{"points_per_euro":"2.5","min_amount_cents":0}"#).unwrap();
        assert_eq!(p2.points_per_euro.to_string(), "2.5");
        assert!(serde_json::from_str::<PartnerParameters>(
            r#"{"points_per_euro":-1,"min_amount_cents":0}"#
        )
        .is_err());
    }

    #[test]
    fn pongo_earn_preview() {
        let p = PartnerParameters {
            points_per_euro: EarnRate::parse("1.5").unwrap(),
            min_amount_cents: 500,
            rounding: Rounding::Floor,
        };
        assert_eq!(p.earn(499), 0); // below the minimum
        assert_eq!(p.earn(500), 7); // 5 EUR * 1.5 = 7.5 -> 7
        assert_eq!(p.earn(10_000), 150);
        assert_eq!(p.earn(1_999), 29); // 19.99 * 1.5 = 29.985 -> 29
    }

    proptest! {
        #[test]
        fn discount_never_costs_fewer_points_than_it_is_worth(minor in 0u64..=MAX_MINOR, rate in 1u32..100_000) {
            let r = MokafaaRate::new(rate).unwrap();
            let points = r.points_for(sar(minor)).unwrap();
            // What those points buy covers the discount...
            prop_assert!(r.max_discount_for(points).unwrap().minor >= minor);
            // ...and one point fewer does not, unless the discount is free.
            if points > 0 {
                prop_assert!(r.max_discount_for(points - 1).unwrap().minor < minor);
            }
        }

        #[test]
        fn earn_is_monotonic_and_matches_the_formula(a in 0u64..=MAX_MINOR, b in 0u64..=MAX_MINOR, scaled in 0u64..1_000_000) {
            let p = PartnerParameters { points_per_euro: EarnRate::from_scaled(scaled), min_amount_cents: 0, rounding: Rounding::Floor };
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(p.earn(lo) <= p.earn(hi));
            let exact = u128::from(hi) * u128::from(scaled);
            let earned = u128::from(p.earn(hi));
            prop_assert!(earned * 1_000_000 <= exact && exact < (earned + 1) * 1_000_000);
        }

        #[test]
        fn rate_text_round_trips(scaled in 0u64..10_000_000_000) {
            let r = EarnRate::from_scaled(scaled);
            prop_assert_eq!(EarnRate::parse(&r.to_string()).unwrap(), r);
            let json = serde_json::to_string(&r).unwrap();
            prop_assert_eq!(serde_json::from_str::<EarnRate>(&json).unwrap(), r);
        }

        #[test]
        fn any_rate_text_is_an_error_or_a_rate(s in "\\PC{0,20}") {
            let _ = EarnRate::parse(&s);
        }
    }
}
