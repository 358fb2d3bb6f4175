//! Mokafaa's JSON as the bank writes it (see `providers/mokafaa.md`). Integrations disagree on
//! spellings (`status: 200` or `"200"`, `otp_token_expired_in_min: 3` or `"3"`, `amount` as
//! number or string), so every field that varies is read leniently here, once.

use serde::{Deserialize, Deserializer, Serialize};

/// A number the bank may write as a JSON number or a string of digits.
fn lenient_i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Int(i64),
        Float(f64),
        Text(String),
        Null,
    }
    Ok(match Option::<Raw>::deserialize(deserializer)? {
        Some(Raw::Int(n)) => Some(n),
        Some(Raw::Float(x)) if x.fract() == 0.0 && x.abs() < 9e15 => Some(x as i64),
        Some(Raw::Text(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

/// `POST .../oauth2/token` success.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub expires_in: Option<i64>,
}

/// `POST .../customer-authorization`: `mobile` or `loyaltyCICNo`, never both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthorizationRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    #[serde(rename = "loyaltyCICNo", skip_serializing_if = "Option::is_none")]
    pub loyalty_cic_no: Option<String>,
    /// [I] No public integration shows IBAN verification; this field name is our guess,
    /// kept here to correct against the bank's sandbox.
    #[serde(rename = "iban", skip_serializing_if = "Option::is_none")]
    pub iban: Option<String>,
    pub currency: String,
    pub lang: String,
    #[serde(rename = "mappingPosID", skip_serializing_if = "Option::is_none")]
    pub mapping_pos_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OtpPart {
    pub otp_token: String,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub otp_token_expired_in_min: Option<i64>,
}

/// `customer-authorization` success.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AuthorizationResponse {
    pub otp: OtpPart,
}

/// `POST .../otp-validation`: checks the OTP and redeems in one call. `amount` in SAR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationRequest {
    #[serde(rename = "OTPValue")]
    pub otp_value: String,
    #[serde(rename = "OTPToken")]
    pub otp_token: String,
    pub amount: String,
    pub language: String,
}

/// `otp-validation` success: the redemption the bank made.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ValidationResponse {
    #[serde(rename = "transactionID", deserialize_with = "lenient_i64")]
    pub transaction_id: Option<i64>,
    #[serde(rename = "pointsAmount", default, deserialize_with = "lenient_i64")]
    pub points_amount: Option<i64>,
    #[serde(rename = "transactionDate", default)]
    pub transaction_date: Option<String>,
}

/// `POST .../redemption-transaction-reversal`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReversalRequest {
    #[serde(rename = "transactionID")]
    pub transaction_id: i64,
}

/// One row of `redemption-transactions` [I: shape inferred].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Transaction {
    #[serde(rename = "transactionID", deserialize_with = "lenient_i64")]
    pub transaction_id: Option<i64>,
    #[serde(rename = "transactionType", default)]
    pub transaction_type: String,
    #[serde(rename = "pointsAmount", default, deserialize_with = "lenient_i64")]
    pub points_amount: Option<i64>,
    /// [I] The shopper's mobile (`05XXXXXXXX`): the only field that says whose it is.
    #[serde(default)]
    pub mobile: Option<String>,
    /// [I] `Completed`, or `Reversed` for a redemption given back.
    #[serde(default)]
    pub status: Option<String>,
    /// [I] For a reversal: the redemption it gives back.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub reverses: Option<i64>,
    /// [I] Unix seconds of the transaction (beside the documented `transactionDate` text).
    #[serde(default, deserialize_with = "lenient_i64")]
    pub at: Option<i64>,
}

impl Transaction {
    /// Whether this list shows `transaction_id` given back: its reversal, or its own status.
    pub fn shows_reversed(&self, transaction_id: i64) -> bool {
        (self.transaction_type.eq_ignore_ascii_case("reversal")
            && self.reverses == Some(transaction_id))
            || (self.transaction_id == Some(transaction_id)
                && self
                    .status
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case("reversed")))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TransactionList {
    #[serde(default)]
    pub transactions: Vec<Transaction>,
}

/// The balance extension's answer [I]; the field name is read leniently until the bank's
/// real call is known.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BalanceResponse {
    #[serde(default, deserialize_with = "lenient_i64")]
    points: Option<i64>,
    #[serde(rename = "pointsBalance", default, deserialize_with = "lenient_i64")]
    points_balance: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    balance: Option<i64>,
}

impl BalanceResponse {
    pub fn points(&self) -> Option<u64> {
        let n = self.points_balance.or(self.points).or(self.balance)?;
        u64::try_from(n).ok()
    }
}

/// Any answer's envelope: business errors carry `errorCode`; `status` is a number or a string.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct Envelope {
    #[serde(default, deserialize_with = "lenient_i64")]
    pub status: Option<i64>,
    #[serde(rename = "errorCode", default, deserialize_with = "lenient_i64")]
    pub error_code: Option<i64>,
    #[serde(default)]
    pub message: Option<String>,
    /// The IBM gateway's error shape.
    #[serde(rename = "httpCode", default, deserialize_with = "lenient_i64")]
    pub http_code: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_spellings_of_the_documented_answers() {
        let numeric: AuthorizationResponse = serde_json::from_str(
            r#"{"requestID":"r","otp":{"currency":"SAR","otp_token_expired_in_min":3,"otp_token":"t"},"message":"OK","status":200}"#,
        )
        .unwrap();
        let text: AuthorizationResponse = serde_json::from_str(
            r#"{"requestID":"r","otp":{"currency":"SAR","otp_token_expired_in_min":"3","otp_token":"t"},"message":"OK","status":"200"}"#,
        )
        .unwrap();
        assert_eq!(numeric, text);
        assert_eq!(numeric.otp.otp_token_expired_in_min, Some(3));

        let v: ValidationResponse = serde_json::from_str(
            r#"{"requestID":"...","merchant":"PT_TAK_01","transactionDate":"2024-02-11 10:13:23","transactionID":1560891,"transactionType":"Redemption","pointsAmount":-25000,"message":"Success","status":200}"#,
        )
        .unwrap();
        assert_eq!(
            (v.transaction_id, v.points_amount),
            (Some(1_560_891), Some(-25_000))
        );

        let e: Envelope = serde_json::from_str(
            r#"{"message":"OTP_IS_STILL_VALID","status":"400","requestID":"x","errorCode":"210"}"#,
        )
        .unwrap();
        assert_eq!((e.status, e.error_code), (Some(400), Some(210)));
        let g: Envelope = serde_json::from_str(
            r#"{"httpCode":"401","httpMessage":"Unauthorized","moreInformation":"..."}"#,
        )
        .unwrap();
        assert_eq!(g.http_code, Some(401));
    }

    #[test]
    fn sends_the_documented_field_names() {
        let req = AuthorizationRequest {
            mobile: None,
            loyalty_cic_no: Some("12345678".into()),
            iban: None,
            currency: "SAR".into(),
            lang: "ar".into(),
            mapping_pos_id: None,
        };
        assert_eq!(
            serde_json::to_string(&req).unwrap(),
            r#"{"loyaltyCICNo":"12345678","currency":"SAR","lang":"ar"}"#
        );
        let v = ValidationRequest {
            otp_value: "1234".into(),
            otp_token: "t".into(),
            amount: "100.00".into(),
            language: "en".into(),
        };
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"OTPValue":"1234","OTPToken":"t","amount":"100.00","language":"en"}"#
        );
    }
}
