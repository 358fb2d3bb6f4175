//! The console's settings rules: what a merchant may save, each refusal naming its field
//! with a sentence the console shows beside it; and the per-field changes the audit records.

use loyalty_shared::api::{MerchantSettings, VerifyMethod};
use loyalty_shared::{Currency, MokafaaRate};
use serde_json::Value;

/// The most a merchant may allow per order: 1,000,000 SAR (far below i64 in halalas).
pub const MAX_PER_ORDER_MINOR: u64 = 100_000_000;
/// Abandoned carts give points back after 5 minutes at the soonest, a week at the latest.
pub const ABANDONED_MINUTES: std::ops::RangeInclusive<u32> = 5..=10_080;
pub const MAX_ORIGINS: usize = 20;

/// A refused setting: the field and why.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    pub field: &'static str,
    pub message: String,
}

fn refuse(field: &'static str, message: impl Into<String>) -> Result<(), Refusal> {
    Err(Refusal {
        field,
        message: message.into(),
    })
}

fn plain_text(value: &str, max: usize) -> bool {
    value.chars().count() <= max && !value.chars().any(|c| c.is_control())
}

/// `origin` is exactly an origin (scheme, host, port; no path), https unless local.
pub fn origin_ok(origin: &str) -> Result<(), String> {
    let url = worker::Url::parse(origin).map_err(|_| format!("{origin} is not a web address."))?;
    if url.origin().ascii_serialization() != origin {
        return Err(format!(
            "Enter the origin only, like https://shop.example (no path, no slash at the end): {origin}"
        ));
    }
    let host = url.host_str().unwrap_or_default();
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.[]:".contains(&b))
    {
        return Err(format!(
            "{origin} is not a single site's address (no wildcards)."
        ));
    }
    let local = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    if url.scheme() != "https" && !(local && url.scheme() == "http") {
        return Err(format!(
            "{origin} must use https (http only for localhost)."
        ));
    }
    Ok(())
}

fn no_repeats<T: PartialEq>(list: &[T]) -> bool {
    list.iter().enumerate().all(|(i, a)| !list[..i].contains(a))
}

/// Checks every field of `s`; the first refusal wins.
pub fn validate(s: &MerchantSettings) -> Result<(), Refusal> {
    if s.name.trim().is_empty() || !plain_text(&s.name, 80) {
        return refuse("name", "Enter the store's name (at most 80 characters).");
    }
    if s.programs.is_empty() || !no_repeats(&s.programs) {
        return refuse("programs", "Offer at least one program, each once.");
    }
    let text_ok = |v: &Option<String>| {
        v.as_deref()
            .is_none_or(|v| !v.is_empty() && plain_text(v, 200))
    };
    if !text_ok(&s.mokafaa_client_id) {
        return refuse(
            "mokafaa_client_id",
            "The client id is at most 200 characters, on one line.",
        );
    }
    if !text_ok(&s.mokafaa_mapping_pos_id) {
        return refuse(
            "mokafaa_mapping_pos_id",
            "The POS id is at most 200 characters, on one line.",
        );
    }
    if MokafaaRate::new(s.points_per_sar).is_err() {
        return refuse(
            "points_per_sar",
            "Points per SAR must be a whole number from 1.",
        );
    }
    limits(s)?;
    if s.verification_methods.is_empty() || !no_repeats(&s.verification_methods) {
        return refuse("verification_methods", "Offer at least one way to verify.");
    }
    if !ABANDONED_MINUTES.contains(&s.abandoned_after_minutes) {
        return refuse(
            "abandoned_after_minutes",
            "Give unpaid carts' points back after 5 minutes to 7 days (10080 minutes).",
        );
    }
    origins(&s.allowed_origins)?;
    if !plain_text(&s.email_sender_name, 60) || s.email_sender_name.contains(['<', '>', '"']) {
        return refuse(
            "email_sender_name",
            "The sender name is at most 60 characters, without < > or \".",
        );
    }
    Ok(())
}

fn limits(s: &MerchantSettings) -> Result<(), Refusal> {
    if s.min_per_order.currency != Currency::Sar || s.max_per_order.currency != Currency::Sar {
        return refuse("max_per_order", "Limits are in SAR.");
    }
    if s.max_per_order.minor == 0 || s.max_per_order.minor > MAX_PER_ORDER_MINOR {
        return refuse(
            "max_per_order",
            "The maximum per order is from 0.01 to 1,000,000 SAR.",
        );
    }
    if s.min_per_order.minor > s.max_per_order.minor {
        return refuse(
            "min_per_order",
            "The minimum per order cannot be more than the maximum.",
        );
    }
    Ok(())
}

fn origins(list: &[String]) -> Result<(), Refusal> {
    if list.len() > MAX_ORIGINS || !no_repeats(list) {
        return refuse(
            "allowed_origins",
            format!("List at most {MAX_ORIGINS} origins, each once."),
        );
    }
    for origin in list {
        origin_ok(origin).map_err(|message| Refusal {
            field: "allowed_origins",
            message,
        })?;
    }
    Ok(())
}

/// Whether shoppers may verify with an IBAN (the older column the widget's session reads).
pub fn accepts_iban(s: &MerchantSettings) -> bool {
    s.verification_methods.contains(&VerifyMethod::Iban)
}

/// The fields that differ, as `(field, old, new)` JSON texts, in the settings' order.
pub fn changes(old: &MerchantSettings, new: &MerchantSettings) -> Vec<(String, String, String)> {
    let (Ok(Value::Object(old)), Ok(Value::Object(new))) =
        (serde_json::to_value(old), serde_json::to_value(new))
    else {
        return Vec::new();
    };
    new.iter()
        .filter_map(|(field, value)| {
            let before = old.get(field).cloned().unwrap_or(Value::Null);
            (before != *value).then(|| (field.clone(), before.to_string(), value.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use loyalty_shared::api::{MokafaaEnvironment, Program, WidgetTheme};
    use loyalty_shared::Money;

    fn good() -> MerchantSettings {
        MerchantSettings {
            name: "Shop".into(),
            programs: vec![Program::Mokafaa],
            mokafaa_environment: MokafaaEnvironment::Sandbox,
            mokafaa_client_id: Some("client".into()),
            mokafaa_mapping_pos_id: None,
            points_per_sar: 250,
            min_per_order: Money::from_minor(100, Currency::Sar).unwrap(),
            max_per_order: Money::from_minor(50_000, Currency::Sar).unwrap(),
            verification_methods: vec![VerifyMethod::Mobile],
            show_balance_before_code: false,
            abandoned_after_minutes: 90,
            allowed_origins: vec![
                "https://shop.example".into(),
                "http://localhost:3000".into(),
            ],
            shopper_emails: true,
            email_sender_name: "Shop".into(),
            widget_theme: WidgetTheme::Light,
        }
    }

    fn field_of(s: MerchantSettings) -> &'static str {
        validate(&s).unwrap_err().field
    }

    #[test]
    fn good_settings_pass() {
        assert_eq!(validate(&good()), Ok(()));
    }

    #[test]
    fn origins_must_be_exact_and_https_unless_local() {
        for bad in [
            "http://shop.example",
            "https://shop.example/",
            "https://shop.example/checkout",
            "shop.example",
            "https://*.shop.example",
            "javascript:alert(1)",
        ] {
            let mut s = good();
            s.allowed_origins = vec![bad.into()];
            assert_eq!(field_of(s), "allowed_origins", "{bad}");
        }
        assert!(origin_ok("http://127.0.0.1:8787").is_ok());
        assert!(origin_ok("https://shop.example:8443").is_ok());
    }

    #[test]
    fn limits_fit_and_agree() {
        let mut s = good();
        s.min_per_order.minor = 60_000;
        assert_eq!(field_of(s), "min_per_order");
        let mut s = good();
        s.max_per_order.minor = u64::MAX;
        assert_eq!(field_of(s), "max_per_order");
        let mut s = good();
        s.max_per_order.minor = 0;
        assert_eq!(field_of(s), "max_per_order");
    }

    #[test]
    fn every_field_is_checked() {
        let mut s = good();
        s.name = " ".into();
        assert_eq!(field_of(s), "name");
        let mut s = good();
        s.programs = vec![Program::Pongo, Program::Pongo];
        assert_eq!(field_of(s), "programs");
        let mut s = good();
        s.mokafaa_client_id = Some("two\nlines".into());
        assert_eq!(field_of(s), "mokafaa_client_id");
        let mut s = good();
        s.points_per_sar = 0;
        assert_eq!(field_of(s), "points_per_sar");
        let mut s = good();
        s.verification_methods.clear();
        assert_eq!(field_of(s), "verification_methods");
        let mut s = good();
        s.abandoned_after_minutes = 1;
        assert_eq!(field_of(s), "abandoned_after_minutes");
        let mut s = good();
        s.email_sender_name = "Shop <evil@x>".into();
        assert_eq!(field_of(s), "email_sender_name");
    }

    #[test]
    fn changes_name_each_field_that_moved() {
        let old = good();
        let mut new = good();
        new.points_per_sar = 300;
        new.allowed_origins.pop();
        let moved = changes(&old, &new);
        let fields: Vec<&str> = moved.iter().map(|(f, _, _)| f.as_str()).collect();
        assert_eq!(fields.len(), 2);
        assert!(fields.contains(&"points_per_sar") && fields.contains(&"allowed_origins"));
        assert!(moved.iter().any(|(_, o, n)| o == "250" && n == "300"));
    }
}
