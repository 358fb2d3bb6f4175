//! The JSON the writer makes is the JSON serde_json makes of the same wire types.

use super::to_json;
use loyalty_shared::api::{
    EnlistRequest, RedeemRequest, Redemption, RedemptionState, SendOtpRequest, StartSessionRequest,
    UpdateCartRequest, VerifyBy,
};
use loyalty_shared::{Currency, Locale, Money};
use serde::Serialize;
use serde_json::Value;

fn same_as_serde_json<T: Serialize>(value: &T) {
    let written = to_json(value).expect("writes");
    let read: Value = serde_json::from_str(&written).expect("valid JSON");
    assert_eq!(read, serde_json::to_value(value).unwrap(), "{written}");
}

fn sar(minor: u64) -> Money {
    Money::from_minor(minor, Currency::Sar).unwrap()
}

#[test]
fn every_body_the_widget_sends_is_written_as_serde_json_writes_it() {
    same_as_serde_json(&StartSessionRequest {
        merchant_id: "demo".into(),
        cart_id: "c\"1\\\n\u{1}".into(),
        amount: sar(25_000),
        locale: Locale::Ar,
        email: None,
    });
    for by in [
        VerifyBy::Mobile {
            mobile: "0501234567".into(),
        },
        VerifyBy::CustomerNumber {
            customer_number: "12345678".into(),
        },
        VerifyBy::Iban {
            iban: "SA03 8000".into(),
        },
    ] {
        same_as_serde_json(&SendOtpRequest { by });
    }
    same_as_serde_json(&RedeemRequest {
        challenge_id: "ch".into(),
        otp: "1234".into(),
        amount: sar(1250),
    });
    same_as_serde_json(&EnlistRequest {
        phone: "٠٥٠١".into(),
        email: Some("a@b.example".into()),
        email_optin: None,
        sms_optin: Some(false),
    });
    same_as_serde_json(&UpdateCartRequest { amount: sar(0) });
}

#[test]
fn the_redemption_told_to_the_page_is_written_whole() {
    for balance_points_after in [None, Some(9_007_199_254_740_991)] {
        same_as_serde_json(&Redemption {
            redemption_id: "r1".into(),
            state: RedemptionState::Redeemed,
            points: 2500,
            discount: sar(1000),
            balance_points_after,
            receipt: "v1.abc".into(),
        });
    }
}

#[test]
fn an_empty_struct_is_an_empty_object() {
    #[derive(Serialize)]
    struct Empty {}
    assert_eq!(to_json(&Empty {}).as_deref(), Some("{}"));
}
