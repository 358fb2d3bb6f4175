//! The receipt the widget hands the host page after a redemption: `<id>.t=..,v1=..`, the
//! edge's HMAC over the facts of the redemption, which the merchant's server has the edge
//! verify before trusting a discount. One place signs and checks it. Plain Rust.

use crate::store::redemptions::RedemptionRow;
use loyalty_shared::signature::{sign as hmac_sign, verify as hmac_verify, PayloadLayout};

/// How long a receipt stays verifiable.
pub const TOLERANCE_SECONDS: i64 = 7 * 24 * 3600;

/// What a receipt vouches for: the redemption, its merchant, session and discount.
pub fn payload(row: &RedemptionRow) -> String {
    format!(
        "{}:{}:{}:{}:{}",
        row.id, row.merchant_id, row.session_id, row.amount_minor, row.currency
    )
}

/// The receipt for `row`, signed at `now` with the edge's `RECEIPT_SIGNING_KEY`.
pub fn sign(key: &[u8], row: &RedemptionRow, now: i64) -> String {
    let signature = hmac_sign(
        key,
        now,
        payload(row).as_bytes(),
        PayloadLayout::TimestampDotBody,
    );
    format!("{}.{signature}", row.id)
}

/// The redemption id a receipt names and its signature, if it has the receipt's shape.
pub fn parse(receipt: &str) -> Option<(&str, &str)> {
    receipt
        .split_once('.')
        .filter(|(id, signature)| !id.is_empty() && !signature.is_empty())
}

/// Whether `signature` (from [`parse`]) vouches for `row` as it is now, within the window.
pub fn verify(key: &[u8], row: &RedemptionRow, signature: &str, now: i64) -> bool {
    hmac_verify(
        key,
        Some(signature),
        payload(row).as_bytes(),
        now,
        TOLERANCE_SECONDS,
        PayloadLayout::TimestampDotBody,
    )
    .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use loyalty_shared::api::RedemptionState;

    const KEY: &[u8] = b"receipt-key";
    const NOW: i64 = 1_700_000_000;

    fn row() -> RedemptionRow {
        RedemptionRow {
            id: "r1".into(),
            session_id: "s1".into(),
            merchant_id: "demo".into(),
            request_hash: "h".into(),
            challenge_id: "c".into(),
            amount_minor: 5_000,
            currency: "SAR".into(),
            points: 12_500,
            state: RedemptionState::Redeemed,
            bank_transaction_id: Some(7),
            error_code: None,
            created_at: NOW,
            order_id: None,
            attempts: 0,
            updated_at: NOW,
            attention_reason: None,
        }
    }

    #[test]
    fn a_receipt_verifies_for_its_row_only_and_only_for_a_week() {
        let receipt = sign(KEY, &row(), NOW);
        let (id, signature) = parse(&receipt).unwrap();
        assert_eq!(id, "r1");
        assert!(verify(KEY, &row(), signature, NOW + 3600));
        assert!(!verify(KEY, &row(), signature, NOW + TOLERANCE_SECONDS + 1));
        assert!(!verify(b"another-key", &row(), signature, NOW));
        let bigger = RedemptionRow {
            amount_minor: 50_000,
            ..row()
        };
        assert!(!verify(KEY, &bigger, signature, NOW), "a changed discount");
        let elsewhere = RedemptionRow {
            merchant_id: "other".into(),
            ..row()
        };
        assert!(!verify(KEY, &elsewhere, signature, NOW), "another merchant");
        assert_eq!(parse("no-dot"), None);
        assert_eq!(parse(".t=1,v1=00"), None);
    }
}
