//! Money in integer minor units with an ISO 4217 currency.
//!
//! Amounts a shopper can be charged or discounted are never negative, so the minor
//! amount is unsigned; floating point never touches money.

use core::fmt;
use core::str::FromStr;
use serde::{Deserialize, Serialize};

/// The currencies the product prices in. Each knows how many minor digits it has.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    /// Saudi riyal: 100 halalas. Mokafaa redeems in SAR.
    #[serde(rename = "SAR")]
    Sar,
    /// Euro: 100 cents. Pongo's orders are in euro cents.
    #[serde(rename = "EUR")]
    Eur,
    /// Kuwaiti dinar: 1000 fils; here so three-decimal currencies are handled, not assumed away.
    #[serde(rename = "KWD")]
    Kwd,
}

impl Currency {
    /// Number of digits after the decimal point in this currency's major unit.
    pub const fn minor_digits(self) -> u32 {
        match self {
            Currency::Sar | Currency::Eur => 2,
            Currency::Kwd => 3,
        }
    }

    /// The ISO 4217 alphabetic code.
    pub const fn code(self) -> &'static str {
        match self {
            Currency::Sar => "SAR",
            Currency::Eur => "EUR",
            Currency::Kwd => "KWD",
        }
    }

    /// Minor units in one major unit (100 for SAR).
    pub const fn minor_per_major(self) -> u64 {
        10u64.pow(self.minor_digits())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "SAR" => Ok(Currency::Sar),
            "EUR" => Ok(Currency::Eur),
            "KWD" => Ok(Currency::Kwd),
            _ => Err(MoneyError::UnknownCurrency),
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why a text could not become [`Money`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyError {
    Empty,
    Negative,
    NotANumber,
    TooManyDecimals { allowed: u32 },
    Overflow,
    UnknownCurrency,
    CurrencyMismatch,
}

/// A French (or other European) decimal comma, "12,50": one comma followed by one or two
/// digits, with no point. "1,250" stays refused: it is a thousands separator in English.
fn decimal_comma(text: &str) -> String {
    match text.rsplit_once(',') {
        Some((whole, cents))
            if !text.contains('.')
                && !whole.contains(',')
                && (1..=2).contains(&cents.chars().count()) =>
        {
            format!("{whole}.{cents}")
        }
        _ => text.to_string(),
    }
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoneyError::Empty => f.write_str("the amount is empty"),
            MoneyError::Negative => f.write_str("the amount must not be negative"),
            MoneyError::NotANumber => f.write_str("the amount is not a number"),
            MoneyError::TooManyDecimals { allowed } => {
                write!(f, "the amount has more than {allowed} decimals")
            }
            MoneyError::Overflow => f.write_str("the amount is too large"),
            MoneyError::UnknownCurrency => f.write_str("the currency is not supported"),
            MoneyError::CurrencyMismatch => f.write_str("the amounts are in different currencies"),
        }
    }
}

impl std::error::Error for MoneyError {}

/// The largest amount accepted anywhere, in minor units: far above any basket, far
/// below `u64::MAX`, so sums of a few amounts and multiplications by rates never overflow.
pub const MAX_MINOR: u64 = 1_000_000_000_000;

/// An amount of money: `minor` units of `currency` (1250 SAR minor = 12.50 SAR).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "UncheckedMoney")]
pub struct Money {
    /// At most [`MAX_MINOR`]: a larger amount is refused when it is read, so nothing above
    /// 2^53 (JavaScript's exact integers, D1's numbers) ever travels further.
    #[cfg_attr(feature = "openapi", schema(maximum = 1000000000000.0))]
    pub minor: u64,
    pub currency: Currency,
}

/// [`Money`] as it arrives, before its bound is checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UncheckedMoney {
    minor: u64,
    currency: Currency,
}

impl TryFrom<UncheckedMoney> for Money {
    type Error = String;

    fn try_from(raw: UncheckedMoney) -> Result<Self, Self::Error> {
        Money::from_minor(raw.minor, raw.currency)
            .map_err(|_| format!("minor must be at most {MAX_MINOR}"))
    }
}

impl Money {
    /// Builds an amount, refusing values above [`MAX_MINOR`].
    pub fn from_minor(minor: u64, currency: Currency) -> Result<Self, MoneyError> {
        if minor > MAX_MINOR {
            return Err(MoneyError::Overflow);
        }
        Ok(Money { minor, currency })
    }

    pub const fn zero(currency: Currency) -> Self {
        Money { minor: 0, currency }
    }

    /// Parses what a person or an upstream API writes: "12.50", "12.5", "12", " 12.50 ".
    /// Arabic-Indic digits and the Arabic decimal separator are accepted.
    pub fn parse(text: &str, currency: Currency) -> Result<Self, MoneyError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(MoneyError::Empty);
        }
        if text.starts_with('-') {
            return Err(MoneyError::Negative);
        }
        let text = text.strip_prefix('+').unwrap_or(text);
        let text = decimal_comma(text);
        let text = text.as_str();
        let allowed = currency.minor_digits();
        let mut major: u64 = 0;
        let mut fraction: u64 = 0;
        let mut fraction_digits: u32 = 0;
        let mut seen_point = false;
        let mut seen_digit = false;
        for c in text.chars() {
            if c == '.' || c == '\u{066B}' {
                if seen_point {
                    return Err(MoneyError::NotANumber);
                }
                seen_point = true;
                continue;
            }
            let digit = crate::digits::ascii_digit(c).ok_or(MoneyError::NotANumber)?;
            seen_digit = true;
            if seen_point {
                fraction_digits += 1;
                if fraction_digits > allowed {
                    // Trailing zeros beyond the currency's precision are harmless ("12.500").
                    if digit == 0 {
                        continue;
                    }
                    return Err(MoneyError::TooManyDecimals { allowed });
                }
                fraction = fraction * 10 + u64::from(digit);
            } else {
                major = major
                    .checked_mul(10)
                    .and_then(|m| m.checked_add(u64::from(digit)))
                    .ok_or(MoneyError::Overflow)?;
            }
        }
        if !seen_digit {
            return Err(MoneyError::NotANumber);
        }
        let used = fraction_digits.min(allowed);
        let fraction = fraction * 10u64.pow(allowed - used);
        let minor = major
            .checked_mul(currency.minor_per_major())
            .and_then(|m| m.checked_add(fraction))
            .ok_or(MoneyError::Overflow)?;
        Money::from_minor(minor, currency)
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch);
        }
        let sum = self
            .minor
            .checked_add(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Money::from_minor(sum, self.currency)
    }

    /// Subtraction that refuses to go below zero (a discount larger than the order).
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch);
        }
        let diff = self
            .minor
            .checked_sub(other.minor)
            .ok_or(MoneyError::Negative)?;
        Ok(Money {
            minor: diff,
            currency: self.currency,
        })
    }

    /// The smaller of two amounts in the same currency.
    pub fn min(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch);
        }
        Ok(if other.minor < self.minor {
            other
        } else {
            self
        })
    }

    /// The amount as a plain decimal without currency ("12.50"), as upstream APIs want it.
    pub fn to_decimal_string(self) -> String {
        let digits = self.currency.minor_digits() as usize;
        let per = self.currency.minor_per_major();
        format!(
            "{}.{:0width$}",
            self.minor / per,
            self.minor % per,
            width = digits
        )
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_decimal_string(), self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_common_forms() {
        assert_eq!(Money::parse("12.50", Currency::Sar).unwrap().minor, 1250);
        assert_eq!(Money::parse("12.5", Currency::Sar).unwrap().minor, 1250);
        assert_eq!(Money::parse("12", Currency::Sar).unwrap().minor, 1200);
        assert_eq!(Money::parse(" 0.01 ", Currency::Eur).unwrap().minor, 1);
        assert_eq!(Money::parse(".5", Currency::Sar).unwrap().minor, 50);
        assert_eq!(Money::parse("1.250", Currency::Kwd).unwrap().minor, 1250);
        assert_eq!(Money::parse("12.500", Currency::Sar).unwrap().minor, 1250);
        assert_eq!(Money::parse("١٢٫٥٠", Currency::Sar).unwrap().minor, 1250);
        // A decimal comma, as a French shopper types it; "1,250" stays a thousands separator
        // and is refused rather than read as 1.25.
        assert_eq!(Money::parse("12,50", Currency::Sar).unwrap().minor, 1250);
        assert_eq!(Money::parse("50,5", Currency::Sar).unwrap().minor, 5050);
        assert_eq!(
            Money::parse("1,250", Currency::Sar),
            Err(MoneyError::NotANumber)
        );
    }

    #[test]
    fn rejects_bad_amounts_with_a_reason() {
        use MoneyError::*;
        let cases = [
            ("", Currency::Sar, Empty),
            ("-1", Currency::Sar, Negative),
            ("1.234", Currency::Sar, TooManyDecimals { allowed: 2 }),
            ("1.2345", Currency::Kwd, TooManyDecimals { allowed: 3 }),
            ("1e5", Currency::Sar, NotANumber),
            ("1.2.3", Currency::Sar, NotANumber),
            (".", Currency::Sar, NotANumber),
            ("99999999999999999999999", Currency::Sar, Overflow),
            ("10000000001", Currency::Sar, Overflow),
        ];
        for (text, currency, reason) in cases {
            assert_eq!(Money::parse(text, currency), Err(reason), "{text:?}");
        }
    }

    #[test]
    fn arithmetic_refuses_mixed_currencies_and_going_negative() {
        let a = Money::parse("10", Currency::Sar).unwrap();
        let b = Money::parse("10", Currency::Eur).unwrap();
        assert_eq!(a.checked_add(b), Err(MoneyError::CurrencyMismatch));
        let c = Money::parse("10.01", Currency::Sar).unwrap();
        assert_eq!(a.checked_sub(c), Err(MoneyError::Negative));
        assert_eq!(c.checked_sub(a).unwrap().minor, 1);
        assert_eq!(a.min(c).unwrap(), a);
    }

    #[test]
    fn displays_with_currency_precision() {
        assert_eq!(
            Money::from_minor(5, Currency::Sar).unwrap().to_string(),
            "0.05 SAR"
        );
        assert_eq!(
            Money::from_minor(1250, Currency::Kwd)
                .unwrap()
                .to_decimal_string(),
            "1.250"
        );
        let json = serde_json::to_string(&Money::from_minor(1250, Currency::Sar).unwrap()).unwrap();
        assert_eq!(json, r#"{"minor":1250,"currency":"SAR"}"#);
    }

    proptest! {
        #[test]
        fn any_text_parses_or_errs_without_panic(s in "\\PC{0,40}") {
            let _ = Money::parse(&s, Currency::Sar);
        }

        #[test]
        fn decimal_string_round_trips(minor in 0u64..=MAX_MINOR) {
            for cur in [Currency::Sar, Currency::Eur, Currency::Kwd] {
                let m = Money::from_minor(minor, cur).unwrap();
                prop_assert_eq!(Money::parse(&m.to_decimal_string(), cur).unwrap(), m);
            }
        }

        #[test]
        fn add_then_sub_is_identity(a in 0u64..=MAX_MINOR / 2, b in 0u64..=MAX_MINOR / 2) {
            let ma = Money::from_minor(a, Currency::Sar).unwrap();
            let mb = Money::from_minor(b, Currency::Sar).unwrap();
            prop_assert_eq!(ma.checked_add(mb).unwrap().checked_sub(mb).unwrap(), ma);
        }
    }
}
