//! The shopper's language: Arabic (right to left), English and French. Arabic is a
//! first-class locale, not a translation afterthought.

use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    Ar,
    Fr,
}

impl Locale {
    /// Every language the product speaks.
    pub const ALL: [Locale; 3] = [Locale::En, Locale::Ar, Locale::Fr];

    /// Reads a BCP 47 tag as a browser or storefront gives it (`ar`, `ar-SA`, `fr-CA`,
    /// `en_US`); anything neither Arabic nor French is English.
    pub fn from_tag(tag: &str) -> Locale {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        Locale::ALL
            .into_iter()
            .find(|locale| primary.eq_ignore_ascii_case(locale.tag()))
            .unwrap_or_default()
    }

    pub const fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Ar => "ar",
            Locale::Fr => "fr",
        }
    }

    /// Text direction for the widget's root element: only Arabic is right to left.
    pub const fn dir(self) -> &'static str {
        match self {
            Locale::Ar => "rtl",
            Locale::En | Locale::Fr => "ltr",
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
        assert_eq!(Locale::from_tag("fr-CA"), Locale::Fr);
        assert_eq!(Locale::from_tag("FR"), Locale::Fr);
        assert_eq!(Locale::from_tag("fry"), Locale::En);
        assert_eq!(Locale::from_tag("de-DE"), Locale::En);
        assert_eq!(Locale::Ar.dir(), "rtl");
        assert_eq!(Locale::Fr.dir(), "ltr");
        for locale in Locale::ALL {
            assert_eq!(Locale::from_tag(locale.tag()), locale);
        }
    }
}
