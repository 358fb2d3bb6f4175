//! The widget's own words in English, Arabic and French, one file per area so each stays
//! short, and numbers as each language writes them ([`Lang`]). Error sentences are the
//! widget's own ([`errors`]): they say what to do next, with the attempts left and the wait.

mod error_words;
pub mod errors;
mod frame;
mod mokafaa;
mod numbers;
mod plural;
mod pongo;

pub use frame::FrameText;
pub use mokafaa::MokafaaText;
pub use numbers::Digits;
pub use plural::Unit;
pub use pongo::PongoText;

use loyalty_shared::api::Program;
use loyalty_shared::Locale;

/// Something the widget says, in each language it speaks: an exhaustive `match` per
/// language, so a label cannot lack a translation.
pub trait Label: Copy {
    fn en(self) -> &'static str;
    fn ar(self) -> &'static str;
    fn fr(self) -> &'static str;
}

/// `label` in the shopper's language.
pub fn t(label: impl Label, locale: Locale) -> &'static str {
    match locale {
        Locale::En => label.en(),
        Locale::Ar => label.ar(),
        Locale::Fr => label.fr(),
    }
}

/// How the widget speaks to one shopper: their language, and the digits the store wants
/// numbers written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lang {
    pub locale: Locale,
    pub digits: Digits,
}

impl Lang {
    pub fn new(locale: Locale, digits: Digits) -> Self {
        Lang { locale, digits }
    }

    /// `label` in this language.
    pub fn t(self, label: impl Label) -> &'static str {
        t(label, self.locale)
    }

    /// `label`, a template, with `{n}` and `{b}` filled in.
    pub fn fill(self, label: impl Label, n: &str, b: &str) -> String {
        fill_in(self.t(label), n, b)
    }
}

/// `template` with each `{n}` and `{b}` replaced, in one scan for `{`: `str::replace` would
/// ship a general substring search for two fixed markers.
pub(crate) fn fill_in(template: &str, n: &str, b: &str) -> String {
    let mut out = String::with_capacity(template.len() + n.len() + b.len());
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let marker = &rest[at..];
        let (with, len) = match () {
            _ if marker.starts_with("{n}") => (n, 3),
            _ if marker.starts_with("{b}") => (b, 3),
            _ => ("{", 1),
        };
        out.push_str(with);
        rest = &marker[len..];
    }
    out.push_str(rest);
    out
}

/// A program names its own tab.
impl Label for Program {
    fn en(self) -> &'static str {
        match self {
            Program::Mokafaa => "Pay with Mokafaa points",
            Program::Pongo => "Earn loyalty points",
        }
    }

    fn ar(self) -> &'static str {
        match self {
            Program::Mokafaa => "ادفع بنقاط مكافأة",
            Program::Pongo => "اكسب نقاط الولاء",
        }
    }

    fn fr(self) -> &'static str {
        match self {
            Program::Mokafaa => "Payer avec les points Mokafaa",
            Program::Pongo => "Gagner des points de fidélité",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_filled_wherever_they_are() {
        assert_eq!(fill_in("{n} of {b}, {n}", "1", "2"), "1 of 2, 1");
        assert_eq!(fill_in("{x} {", "1", "2"), "{x} {");
        assert_eq!(fill_in("", "1", "2"), "");
        assert_eq!(fill_in("سعر {n}€", "٣", ""), "سعر ٣€");
    }

    #[test]
    fn templates_are_filled_in_each_language() {
        let fr = Lang::new(Locale::Fr, Digits::Latin);
        assert_eq!(fr.t(Program::Pongo), "Gagner des points de fidélité");
        assert_eq!(
            fr.fill(MokafaaText::CapLine, "250,00\u{a0}SAR", "x"),
            "Jusqu’à 250,00\u{a0}SAR\u{a0}: x"
        );
    }
}
