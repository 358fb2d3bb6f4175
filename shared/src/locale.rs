//! The shopper's language. Arabic is a first-class locale, not a translation afterthought.

use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    Ar,
}

impl Locale {
    /// Reads a BCP 47 tag as a browser or storefront gives it (`ar`, `ar-SA`, `en_US`);
    /// anything not Arabic is English.
    pub fn from_tag(tag: &str) -> Locale {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("ar") {
            Locale::Ar
        } else {
            Locale::En
        }
    }

    pub const fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Ar => "ar",
        }
    }

    /// Text direction for the widget's root element.
    pub const fn dir(self) -> &'static str {
        match self {
            Locale::En => "ltr",
            Locale::Ar => "rtl",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_browser_tags() {
        assert_eq!(Locale::from_tag("ar-SA"), Locale::Ar);
        assert_eq!(Locale::from_tag("AR"), Locale::Ar);
        assert_eq!(Locale::from_tag("en_US"), Locale::En);
        assert_eq!(Locale::from_tag(""), Locale::En);
        assert_eq!(Locale::Ar.dir(), "rtl");
    }
}
