//! The widget's own words in English and Arabic, one file per area so each stays short.
//! Error messages come from `loyalty_shared::ErrorCode` so the edge and the widget never
//! disagree.

mod mokafaa;
mod pongo;

pub use mokafaa::MokafaaText;
pub use pongo::PongoText;

use loyalty_shared::api::Program;
use loyalty_shared::Locale;

/// Something the widget says, in each language it speaks: an exhaustive `match` per
/// language, so a label cannot lack a translation.
pub trait Label: Copy {
    fn en(self) -> &'static str;
    fn ar(self) -> &'static str;
}

/// `label` in the shopper's language.
pub fn t(label: impl Label, locale: Locale) -> &'static str {
    match locale {
        Locale::En => label.en(),
        Locale::Ar => label.ar(),
    }
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
}
