//! Counted things in each language's plural forms: "1 try left" / "3 tries left",
//! "1 essai restant" / "3 essais restants", and Arabic's one, two, few (3-10) and many
//! (11-99) forms ("بقيت محاولتان", "3 دقائق", "14 دقيقة").

use super::Lang;
use loyalty_shared::Locale;

/// What the widget counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Wrong codes still allowed: "3 tries left".
    TriesLeft,
    /// A wait: "14 minutes".
    Minutes,
    /// A short wait: "45 seconds".
    Seconds,
    Points,
}

/// The CLDR plural categories English, French and Arabic use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Category {
    One,
    Two,
    Few,
    Many,
    Other,
}

fn category(locale: Locale, n: u64) -> Category {
    match (locale, n) {
        (Locale::En, 1) | (Locale::Fr, 0 | 1) | (Locale::Ar, 1) => Category::One,
        (Locale::Ar, 2) => Category::Two,
        (Locale::Ar, n) if (3..=10).contains(&(n % 100)) => Category::Few,
        (Locale::Ar, n) if (11..=99).contains(&(n % 100)) => Category::Many,
        _ => Category::Other,
    }
}

/// The forms of `unit` in `locale`: one, two, few, many, other; `{n}` is the number.
fn forms(unit: Unit, locale: Locale) -> [&'static str; 5] {
    use Unit::*;
    match (unit, locale) {
        (TriesLeft, Locale::En) => ["1 try left", "", "", "", "{n} tries left"],
        (Minutes, Locale::En) => ["1 minute", "", "", "", "{n} minutes"],
        (Seconds, Locale::En) => ["1 second", "", "", "", "{n} seconds"],
        (Points, Locale::En) => ["1 point", "", "", "", "{n} points"],
        // French keeps the number and its unit together with a no-break space.
        (TriesLeft, Locale::Fr) => [
            "{n}\u{a0}essai restant",
            "",
            "",
            "",
            "{n}\u{a0}essais restants",
        ],
        (Minutes, Locale::Fr) => ["{n}\u{a0}minute", "", "", "", "{n}\u{a0}minutes"],
        (Seconds, Locale::Fr) => ["{n}\u{a0}seconde", "", "", "", "{n}\u{a0}secondes"],
        (Points, Locale::Fr) => ["{n}\u{a0}point", "", "", "", "{n}\u{a0}points"],
        (TriesLeft, Locale::Ar) => [
            "بقيت محاولة واحدة",
            "بقيت محاولتان",
            "بقيت {n} محاولات",
            "بقيت {n} محاولة",
            "بقيت {n} محاولة",
        ],
        (Minutes, Locale::Ar) => [
            "دقيقة واحدة",
            "دقيقتين",
            "{n} دقائق",
            "{n} دقيقة",
            "{n} دقيقة",
        ],
        (Seconds, Locale::Ar) => [
            "ثانية واحدة",
            "ثانيتين",
            "{n} ثوانٍ",
            "{n} ثانية",
            "{n} ثانية",
        ],
        (Points, Locale::Ar) => ["نقطة واحدة", "نقطتين", "{n} نقاط", "{n} نقطة", "{n} نقطة"],
    }
}

impl Lang {
    /// `n` of `unit`, in the right plural form.
    pub fn count(self, unit: Unit, n: u64) -> String {
        let [one, two, few, many, other] = forms(unit, self.locale);
        let form = match category(self.locale, n) {
            Category::One => one,
            Category::Two => two,
            Category::Few => few,
            Category::Many => many,
            Category::Other => other,
        };
        super::fill_in(form, &self.int(n), "")
    }

    /// A wait: seconds under a minute, else whole minutes rounded up ("Try again in
    /// 14 minutes" is never shorter than the real wait).
    pub fn wait(self, seconds: u32) -> String {
        if seconds < 60 {
            self.count(Unit::Seconds, u64::from(seconds.max(1)))
        } else {
            self.count(Unit::Minutes, u64::from(seconds.div_ceil(60)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Digits;

    #[test]
    fn plural_forms_per_language() {
        let en = Lang::new(Locale::En, Digits::Latin);
        let fr = Lang::new(Locale::Fr, Digits::Latin);
        let ar = Lang::new(Locale::Ar, Digits::Latin);
        let cases = [
            (en, Unit::TriesLeft, 1, "1 try left"),
            (en, Unit::TriesLeft, 3, "3 tries left"),
            (en, Unit::Points, 62_500, "62,500 points"),
            (fr, Unit::TriesLeft, 0, "0\u{a0}essai restant"),
            (fr, Unit::TriesLeft, 3, "3\u{a0}essais restants"),
            (ar, Unit::TriesLeft, 1, "بقيت محاولة واحدة"),
            (ar, Unit::TriesLeft, 2, "بقيت محاولتان"),
            (ar, Unit::TriesLeft, 4, "بقيت 4 محاولات"),
            (ar, Unit::Minutes, 14, "14 دقيقة"),
            (ar, Unit::Minutes, 103, "103 دقائق"),
            (ar, Unit::Points, 100, "100 نقطة"),
        ];
        for (lang, unit, n, expected) in cases {
            assert_eq!(lang.count(unit, n), expected, "{lang:?} {unit:?} {n}");
        }
    }

    #[test]
    fn waits_round_up_to_the_minute() {
        let en = Lang::default();
        let waits = [(0, "1 second"), (45, "45 seconds"), (60, "1 minute")];
        for (seconds, expected) in waits
            .into_iter()
            .chain([(801, "14 minutes"), (3600, "60 minutes")])
        {
            assert_eq!(en.wait(seconds), expected, "{seconds}");
        }
        let arabic = Lang::new(Locale::Ar, Digits::ArabicIndic);
        assert_eq!(arabic.wait(840), "١٤ دقيقة");
    }
}
