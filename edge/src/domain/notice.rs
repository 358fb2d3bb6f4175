//! The shopper's email notices, in English or Arabic. Pure text: no phone, account, OTP or
//! token ever goes into an email; only the merchant, the points and the amount.

use loyalty_shared::{ApiError, ErrorCode, Locale, Money};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Redeemed,
    Reversed,
}

impl NoticeKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Redeemed => "redeemed",
            NoticeKind::Reversed => "reversed",
        }
    }
}

/// Subject and plain-text body.
pub fn compose(
    kind: NoticeKind,
    locale: Locale,
    merchant: &str,
    points: u64,
    discount: Money,
) -> (String, String) {
    let amount = discount.to_string();
    match kind {
        NoticeKind::Redeemed => redeemed(locale, merchant, points, &amount),
        NoticeKind::Reversed => reversed(locale, merchant, points, &amount),
    }
}

fn redeemed(locale: Locale, merchant: &str, points: u64, amount: &str) -> (String, String) {
    match locale {
        Locale::En => (
            format!("You used {points} Mokafaa points at {merchant}"),
            format!(
                "You used {points} Al Rajhi Bank Mokafaa points for a discount of {amount} at {merchant}.\n\n\
                 If the order is not completed, the points are returned to you automatically.\n\
                 If you did not make this redemption, contact Al Rajhi Bank."
            ),
        ),
        Locale::Ar => (
            format!("استخدمت {points} نقطة مكافأة لدى {merchant}"),
            format!(
                "استخدمت {points} نقطة من نقاط مكافأة مصرف الراجحي للحصول على خصم {amount} لدى {merchant}.\n\n\
                 إذا لم يكتمل الطلب، تُعاد النقاط إليك تلقائياً.\n\
                 إذا لم تقم بهذه العملية، يرجى التواصل مع مصرف الراجحي."
            ),
        ),
        Locale::Fr => (
            format!("Vous avez utilisé {points} points Mokafaa chez {merchant}"),
            format!(
                "Vous avez utilisé {points} points Mokafaa d'Al Rajhi Bank pour une remise de {amount} chez {merchant}.\n\n\
                 Si la commande n'aboutit pas, les points vous sont rendus automatiquement.\n\
                 Si vous n'êtes pas à l'origine de cette opération, contactez Al Rajhi Bank."
            ),
        ),
    }
}

fn reversed(locale: Locale, merchant: &str, points: u64, amount: &str) -> (String, String) {
    match locale {
        Locale::En => (
            format!("{points} Mokafaa points were returned to you"),
            format!(
                "The redemption of {points} Al Rajhi Bank Mokafaa points ({amount}) at {merchant} was reversed.\n\
                 The points are back in your Mokafaa balance."
            ),
        ),
        Locale::Ar => (
            format!("أُعيدت إليك {points} نقطة مكافأة"),
            format!(
                "تم إلغاء استبدال {points} نقطة من نقاط مكافأة مصرف الراجحي ({amount}) لدى {merchant}.\n\
                 أُعيدت النقاط إلى رصيدك في مكافأة."
            ),
        ),
        Locale::Fr => (
            format!("{points} points Mokafaa vous ont été rendus"),
            format!(
                "L'utilisation de {points} points Mokafaa d'Al Rajhi Bank ({amount}) chez {merchant} a été annulée.\n\
                 Les points sont de retour sur votre solde Mokafaa."
            ),
        ),
    }
}

/// A plausible address: something@something.tld, without spaces, at most 254 characters.
pub fn valid_email(address: &str) -> bool {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    address.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !address.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// An optional email as typed: blank is none, anything else must be plausible.
pub fn optional_email(typed: Option<&str>, locale: Locale) -> Result<Option<&str>, ApiError> {
    match typed.map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) if !valid_email(e) => {
            Err(ApiError::new(ErrorCode::InvalidRequest, locale).with_field("email"))
        }
        email => Ok(email),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use loyalty_shared::Currency;

    #[test]
    fn notices_in_both_languages_name_points_and_amount() {
        let discount = Money::from_minor(10_000, Currency::Sar).unwrap();
        for kind in [NoticeKind::Redeemed, NoticeKind::Reversed] {
            let (subject, body) = compose(kind, Locale::En, "Demo", 25_000, discount);
            assert!(
                subject.contains("25000") && body.contains("100.00 SAR") && body.contains("Demo")
            );
            let (subject, body) = compose(kind, Locale::Ar, "Demo", 25_000, discount);
            assert!(subject.contains("25000") && body.contains("100.00 SAR"));
            assert!(body.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)));
        }
    }

    #[test]
    fn email_addresses() {
        assert_eq!(optional_email(Some("  "), Locale::En), Ok(None));
        assert_eq!(
            optional_email(Some(" shopper@example.sa "), Locale::En),
            Ok(Some("shopper@example.sa"))
        );
        assert_eq!(
            optional_email(Some("not an email"), Locale::En)
                .unwrap_err()
                .code,
            ErrorCode::InvalidRequest
        );
        assert!(valid_email("shopper@example.sa"));
        assert!(!valid_email("shopper@localhost"));
        assert!(!valid_email("no-at-sign.example"));
        assert!(!valid_email("a b@example.com"));
        assert!(!valid_email("@example.com"));
    }
}
