//! The widget's JsValue reader (`loyalty_widget::wire`) in a real browser: every answer it
//! reads comes out as serde_json reads the same JSON, and what the wire types cannot hold
//! does not read.

use loyalty_shared::api::{
    Balance, EarnPreview, OtpChallenge, PongoCodeSent, PongoMember, Redemption, SessionStarted,
    WidgetConfig,
};
use loyalty_shared::ErrorBody;
use loyalty_widget::wire::{from_js, to_js};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::fmt::Debug;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn read<T: DeserializeOwned>(value: &Value) -> Option<T> {
    from_js(js_sys::JSON::parse(&value.to_string()).unwrap())
}

fn same_as_serde_json<T: DeserializeOwned + PartialEq + Debug>(value: Value) {
    let expected: T = serde_json::from_value(value.clone()).expect("a valid example");
    assert_eq!(read::<T>(&value), Some(expected), "{value}");
}

fn sar(minor: u64) -> Value {
    json!({"minor": minor, "currency": "SAR"})
}

fn redemption() -> Value {
    json!({"redemption_id": "r1", "state": "redeemed", "points": 2500, "discount": sar(1000),
        "balance_points_after": 7500, "receipt": "v1.abc"})
}

fn member() -> Value {
    json!({"masked_phone": "9665••••4567", "points": 120, "verified": true, "can_verify": true,
        "earn_preview": {"amount": sar(25000), "points": 25, "minimum": sar(1000)},
        "new_member": false, "rewards": [
            {"id": "w1", "name": "Free coffee", "points": 100, "within_reach": true},
            {"id": "w2", "name": "Gift box", "points": 900, "within_reach": false}]})
}

#[wasm_bindgen_test]
fn every_answer_reads_as_serde_json_reads_it() {
    same_as_serde_json::<SessionStarted>(json!({"session_token": "t", "expires_in_seconds": 1800,
        "merchant_name": "Demo", "accepts_iban": true, "programs": ["mokafaa", "pongo"],
        "redemption": redemption(), "earn_preview": {"amount": sar(25000), "points": 25}}));
    // Defaults and absent options, and a field the type does not know.
    same_as_serde_json::<SessionStarted>(json!({"session_token": "t", "expires_in_seconds": 1800,
        "merchant_name": "Demo", "later": {"x": [1.5]}}));
    same_as_serde_json::<Balance>(json!({"points": 10000, "worth": sar(4000),
        "max_redeemable": sar(25000), "min_per_order": sar(100), "capped_by": "store_limit",
        "points_per_sar": 25}));
    same_as_serde_json::<Balance>(
        json!({"max_redeemable": sar(1), "min_per_order": sar(1), "capped_by": null}),
    );
    same_as_serde_json::<OtpChallenge>(json!({"challenge_id": "c", "masked_destination": "05••",
        "expires_in_seconds": 300, "resend_after_seconds": 0, "resends_left": 2}));
    same_as_serde_json::<Redemption>(redemption());
    same_as_serde_json::<PongoMember>(member());
    same_as_serde_json::<PongoCodeSent>(json!({"masked_phone": "05••", "expires_in_seconds": 0}));
    same_as_serde_json::<EarnPreview>(json!({"amount": sar(0), "points": 0}));
    same_as_serde_json::<ErrorBody>(json!({"error": {"code": "otp_invalid", "message": "x",
        "attempts_left": 2, "retry_after_seconds": 30, "field": "otp"}}));
    same_as_serde_json::<WidgetConfig>(json!({"api_base": "https://edge.test",
        "merchant_id": "demo", "cart_id": "c1", "amount": sar(25000), "locale": "ar",
        "programs": ["pongo"], "email": null, "arabic_digits": true}));
}

#[wasm_bindgen_test]
fn what_the_wire_types_cannot_hold_does_not_read() {
    let money = |m: Value| json!({"amount": m, "points": 1});
    for bad in [
        money(json!({"minor": 1.5, "currency": "SAR"})),
        money(json!({"minor": -1, "currency": "SAR"})),
        money(json!({"minor": 9_007_199_254_740_992u64, "currency": "SAR"})),
        money(json!({"minor": "100", "currency": "SAR"})),
        money(json!({"minor": 100, "currency": "USD"})),
        money(json!({"currency": "SAR"})),
        money(json!(null)),
        json!({"amount": sar(1)}),
        json!([sar(1), 1]),
        json!("earn"),
    ] {
        assert_eq!(read::<EarnPreview>(&bad), None, "{bad}");
    }
    let unknown_code = json!({"error": {"code": "no_such_code", "message": "x"}});
    assert_eq!(read::<ErrorBody>(&unknown_code), None);
}

#[wasm_bindgen_test]
fn what_the_widget_tells_the_page_reads_back_whole() {
    let redemption: Redemption = serde_json::from_value(redemption()).unwrap();
    let detail = to_js(&redemption).expect("written");
    assert_eq!(from_js::<Redemption>(detail), Some(redemption));
}
