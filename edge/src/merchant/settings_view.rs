//! The merchants row read as the console shows it, and the JSON lists its columns hold
//! (read the same way for the checkout's `Merchant`).

use super::MerchantRow;
use loyalty_shared::api::{
    MerchantSettings, MokafaaEnvironment, Program, VerifyMethod, WidgetTheme,
};
use loyalty_shared::{Currency, Money};
use serde::de::DeserializeOwned;

/// A JSON list column's items that read as `T` (an unknown one is skipped, never fatal).
pub(super) fn list<T: DeserializeOwned>(text: Option<&str>) -> Option<Vec<T>> {
    let items: Vec<serde_json::Value> = serde_json::from_slice(text?.as_bytes()).ok()?;
    Some(
        items
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect(),
    )
}

impl MerchantRow {
    /// The programs offered, in order (both before the console existed).
    pub(super) fn programs(&self) -> Vec<Program> {
        list(self.programs.as_deref()).unwrap_or_else(|| vec![Program::Mokafaa, Program::Pongo])
    }

    /// The ways to verify, with IBAN for a merchant that allowed it before the console.
    pub(super) fn verification_methods(&self) -> Vec<VerifyMethod> {
        let mut methods = list(self.verification_methods.as_deref())
            .unwrap_or_else(|| vec![VerifyMethod::Mobile, VerifyMethod::CustomerNumber]);
        if self.accept_iban != 0 && !methods.contains(&VerifyMethod::Iban) {
            methods.push(VerifyMethod::Iban);
        }
        methods
    }

    /// The row as the console's settings form holds it.
    pub fn settings(&self) -> MerchantSettings {
        let word = |text: &str| serde_json::Value::String(text.to_string());
        let sar = |minor: i64| Money {
            minor: minor.max(0) as u64,
            currency: Currency::Sar,
        };
        MerchantSettings {
            name: self.name.clone(),
            programs: self.programs(),
            mokafaa_environment: serde_json::from_value(word(&self.mokafaa_environment))
                .unwrap_or(MokafaaEnvironment::Sit),
            mokafaa_client_id: self.mokafaa_client_id.clone(),
            mokafaa_mapping_pos_id: self.mokafaa_mapping_pos_id.clone(),
            points_per_sar: u32::try_from(self.points_per_sar).unwrap_or(0),
            min_per_order: sar(self.min_per_order_minor),
            max_per_order: sar(self.max_per_order_minor),
            verification_methods: self.verification_methods(),
            show_balance_before_code: self.show_balance_before_code != 0,
            abandoned_after_minutes: u32::try_from(self.abandoned_after_seconds / 60).unwrap_or(0),
            allowed_origins: list(Some(&self.allowed_origins)).unwrap_or_default(),
            shopper_emails: self.shopper_emails != 0,
            email_sender_name: self.email_sender_name.clone(),
            widget_theme: serde_json::from_value(word(&self.widget_theme))
                .unwrap_or(WidgetTheme::Light),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_reads_back_as_the_settings_it_saved() {
        let row: MerchantRow = serde_json::from_value(serde_json::json!({
            "id": "shop", "name": "Shop", "programs": r#"["pongo","mokafaa"]"#,
            "mokafaa_environment": "sandbox", "mokafaa_client_id": "c", "mokafaa_mapping_pos_id": null,
            "mokafaa_base_url": null, "points_per_sar": 250, "min_per_order_minor": 100,
            "max_per_order_minor": 5000, "verification_methods": r#"["iban","mobile"]"#,
            "accept_iban": 1, "show_balance_before_code": 1, "abandoned_after_seconds": 5400,
            "allowed_origins": r#"["https://shop.example"]"#, "shopper_emails": 0,
            "email_sender_name": "Shop", "widget_theme": "dark"
        }))
        .unwrap();
        let s = row.settings();
        assert_eq!(s.programs, vec![Program::Pongo, Program::Mokafaa]);
        assert_eq!(
            s.verification_methods,
            vec![VerifyMethod::Iban, VerifyMethod::Mobile]
        );
        assert_eq!(s.mokafaa_environment, MokafaaEnvironment::Sandbox);
        assert_eq!(s.abandoned_after_minutes, 90);
        assert_eq!(s.allowed_origins, vec!["https://shop.example".to_string()]);
        assert_eq!(s.widget_theme, WidgetTheme::Dark);
        assert!(s.show_balance_before_code && !s.shopper_emails);
    }

    #[test]
    fn a_row_from_before_the_console_keeps_its_programs_and_iban() {
        let row: MerchantRow = serde_json::from_value(serde_json::json!({
            "id": "old", "name": "Old", "allowed_origins": "[]", "mokafaa_environment": "sit",
            "mokafaa_client_id": null, "mokafaa_mapping_pos_id": null, "mokafaa_base_url": null,
            "points_per_sar": 250, "min_per_order_minor": 100, "max_per_order_minor": 5000,
            "accept_iban": 1
        }))
        .unwrap();
        assert_eq!(row.programs(), vec![Program::Mokafaa, Program::Pongo]);
        assert_eq!(
            row.verification_methods(),
            vec![
                VerifyMethod::Mobile,
                VerifyMethod::CustomerNumber,
                VerifyMethod::Iban
            ]
        );
    }
}
