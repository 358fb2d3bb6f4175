//! Numbers as each language writes them: thousands grouped (1,250 / 1 250 / ١٬٢٥٠), the
//! decimal mark (12.50 / 12,50 / ١٢٫٥٠), the currency, and Arabic-Indic digits in Arabic
//! where the store asks for them. Inputs read every kind of digit (the shared parsers do),
//! so this is only about what the widget writes.

use super::Lang;
use loyalty_shared::{Currency, Locale, Money};

/// The digits the store wants numbers written with in Arabic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Digits {
    /// 0-9, in every language (the default).
    #[default]
    Latin,
    /// ٠-٩ in Arabic (other languages keep 0-9).
    ArabicIndic,
}

impl Digits {
    /// The store's `arabic_digits` setting.
    pub fn from_flag(arabic_digits: bool) -> Self {
        if arabic_digits {
            Digits::ArabicIndic
        } else {
            Digits::Latin
        }
    }
}

impl Lang {
    fn arabic_indic(self) -> bool {
        self.locale == Locale::Ar && self.digits == Digits::ArabicIndic
    }

    fn group_separator(self) -> &'static str {
        match self.locale {
            Locale::Fr => "\u{202f}",
            Locale::Ar if self.arabic_indic() => "\u{066c}",
            Locale::En | Locale::Ar => ",",
        }
    }

    fn decimal_mark(self) -> &'static str {
        match self.locale {
            Locale::Fr => ",",
            Locale::Ar if self.arabic_indic() => "\u{066b}",
            Locale::En | Locale::Ar => ".",
        }
    }

    /// `ascii` with its digits written in this language's digits.
    pub fn digits(self, ascii: &str) -> String {
        if !self.arabic_indic() {
            return ascii.to_string();
        }
        ascii
            .chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => char::from_u32(0x0660 + d).unwrap_or(c),
                None => c,
            })
            .collect()
    }

    /// A whole number, grouped by thousands: points, counts.
    pub fn int(self, n: u64) -> String {
        let plain = n.to_string();
        let mut grouped = String::new();
        for (i, c) in plain.chars().enumerate() {
            if i > 0 && (plain.len() - i).is_multiple_of(3) {
                grouped.push_str(self.group_separator());
            }
            grouped.push(c);
        }
        self.digits(&grouped)
    }

    /// An amount with its decimals and currency: "1,250.00 SAR", "1 250,00 SAR", "١٬٢٥٠٫٠٠ ر.س".
    pub fn money(self, money: Money) -> String {
        let per = money.currency.minor_per_major();
        let width = money.currency.minor_digits() as usize;
        let fraction = self.digits(&format!("{:0width$}", money.minor % per));
        format!(
            "{}{}{fraction}\u{a0}{}",
            self.int(money.minor / per),
            self.decimal_mark(),
            self.currency(money.currency)
        )
    }

    fn currency(self, currency: Currency) -> &'static str {
        match (self.locale, currency) {
            (Locale::Ar, Currency::Sar) => "ر.س",
            (Locale::Ar, Currency::Kwd) => "د.ك",
            (Locale::Ar, Currency::Eur) => "€",
            (Locale::En | Locale::Fr, currency) => currency.code(),
        }
    }

    /// Minutes and seconds of a countdown: "2:05".
    pub fn clock(self, seconds: u32) -> String {
        self.digits(&format!("{}:{:02}", seconds / 60, seconds % 60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sar(minor: u64) -> Money {
        Money::from_minor(minor, Currency::Sar).unwrap()
    }

    #[test]
    fn each_language_writes_numbers_its_way() {
        let cases = [
            (Locale::En, Digits::Latin, "1,000,000", "1,250.50\u{a0}SAR"),
            (
                Locale::Fr,
                Digits::Latin,
                "1\u{202f}000\u{202f}000",
                "1\u{202f}250,50\u{a0}SAR",
            ),
            (Locale::Ar, Digits::Latin, "1,000,000", "1,250.50\u{a0}ر.س"),
            (
                Locale::Ar,
                Digits::ArabicIndic,
                "١٬٠٠٠٬٠٠٠",
                "١٬٢٥٠٫٥٠\u{a0}ر.س",
            ),
            // Only Arabic takes the store's Arabic-Indic digits.
            (
                Locale::En,
                Digits::ArabicIndic,
                "1,000,000",
                "1,250.50\u{a0}SAR",
            ),
        ];
        for (locale, digits, points, money) in cases {
            let lang = Lang::new(locale, digits);
            assert_eq!(lang.int(1_000_000), points, "{locale:?} {digits:?}");
            assert_eq!(lang.money(sar(125_050)), money, "{locale:?} {digits:?}");
        }
        let en = Lang::default();
        assert_eq!(
            (en.int(0), en.int(999), en.int(1_000)),
            ("0".into(), "999".into(), "1,000".into())
        );
        assert_eq!(en.money(sar(5)), "0.05\u{a0}SAR");
        let arabic = Lang::new(Locale::Ar, Digits::from_flag(true));
        assert_eq!(arabic.clock(125), "٢:٠٥");
        assert_eq!(en.clock(59), "0:59");
    }

    #[test]
    fn what_the_widget_writes_its_inputs_read_back() {
        let arabic = Lang::new(Locale::Ar, Digits::ArabicIndic);
        let written = arabic.money(sar(25_000));
        let number = written.split('\u{a0}').next().unwrap();
        assert_eq!(Money::parse(number, Currency::Sar), Ok(sar(25_000)));
    }
}
