//! Turns a merchant's paid order into the calls Pongo needs, as plain data: one order, one
//! order per payment (split per item or by amount), a checkin when the items are unknown,
//! and a use-a-reward call per reward the order cannot carry. Each call has a key Pongo
//! deduplicates on, so a retry is the same call, never a second one.

use crate::pongo::wire;
use loyalty_shared::api::{
    DeliveryState, OrderCustomer, OrderLine, PongoCall, PongoCallKind, PongoOrderResult,
};
use loyalty_shared::{ApiError, ErrorCode, InternationalPhone, Locale, Money};
use serde_json::{json, Value};

/// Local numbers typed without a country code are Saudi [I: the merchants are Saudi].
pub const DEFAULT_CALLING_CODE: &str = "966";

/// [I] Pongo's enums for a web or terminal sale; one place to correct against a sandbox.
pub const CHANNEL_ONLINE: &str = "online";
pub const CHANNEL_IN_STORE: &str = "in_store";
pub const DELIVERY_MODE: &str = "none";
pub const DELIVERY_STATUS: &str = "none";
pub const PAID: &str = "paid";
pub const CANCELLED: &str = "cancelled";

/// One call to Pongo, ready for the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedCall {
    pub key: String,
    pub kind: PongoCallKind,
    pub method: &'static str,
    pub path: String,
    pub payload: Value,
}

pub(crate) fn invalid(code: ErrorCode, field: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(code, Locale::En)
        .with_field(field)
        .with_message(message.into())
}

/// Joins an order's id to the part a call is for (`A1~2`, `A1~checkin`). The merchant's ids
/// may not contain it ([`safe_id`]), so a part's key never equals another order's id: order
/// `1001`'s second payment and an order really called `1001-2` stay apart. [I: Pongo accepts
/// it in `order_id`.]
pub const KEY_SEPARATOR: char = '~';

pub(crate) fn part_key(order_id: &str, part: impl std::fmt::Display) -> String {
    format!("{order_id}{KEY_SEPARATOR}{part}")
}

/// Ids that end up in Pongo paths and keys: short, and nothing a URL would reinterpret.
pub(crate) fn safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

/// The customer as Pongo wants it: international digits without '+', opt-ins as given.
pub fn pongo_customer(
    customer: &OrderCustomer,
    field: &str,
) -> Result<wire::OrderCustomer, ApiError> {
    let phone =
        InternationalPhone::parse(&customer.phone, Some(DEFAULT_CALLING_CODE)).map_err(|_| {
            invalid(
                ErrorCode::InvalidPhone,
                field,
                "The phone number is not valid.",
            )
        })?;
    Ok(wire::OrderCustomer {
        phone: phone.as_digits().to_string(),
        email_optin: customer.email_optin,
        sms_optin: customer.sms_optin,
    })
}

pub(crate) fn wire_line(line: &OrderLine) -> wire::OrderLine {
    wire::OrderLine {
        sku: line.sku.clone(),
        name: line.name.clone(),
        quantity: line.quantity,
        unit_price: cents(line.unit_price),
        amount: cents(line.unit_price).saturating_mul(u64::from(line.quantity)),
    }
}

pub(crate) fn same_currency(money: Money, of: Money, field: &str) -> Result<(), ApiError> {
    if money.currency == of.currency {
        Ok(())
    } else {
        Err(invalid(
            ErrorCode::InvalidAmount,
            field,
            "Every amount must be in the order's currency.",
        ))
    }
}

/// [I] Pongo's amounts are cents (its docs speak of euro cents): an amount in a currency
/// with another number of decimals (KWD has 3) is converted, never sent as is, which would
/// earn ten times the points. Rounded down: a shopper is never credited for fils not paid.
pub fn cents(money: Money) -> u64 {
    let digits = money.currency.minor_digits();
    if digits >= 2 {
        money.minor / 10u64.pow(digits - 2)
    } else {
        money.minor.saturating_mul(10u64.pow(2 - digits))
    }
}

/// Cents back to the currency's minor units (the inverse of [`cents`]).
fn from_cents(cents: u64, currency: loyalty_shared::Currency) -> u64 {
    let digits = currency.minor_digits();
    if digits >= 2 {
        cents.saturating_mul(10u64.pow(digits - 2))
    } else {
        cents / 10u64.pow(2 - digits)
    }
}

pub use super::pongo_plan::plan;

/// The cancellation of an order part Pongo knows as `pongo_id`.
pub fn cancel_call(call_key: &str, pongo_id: &str) -> PlannedCall {
    PlannedCall {
        key: part_key(call_key, "cancel"),
        kind: PongoCallKind::CancelOrder,
        method: "PATCH",
        path: format!("/orders/{pongo_id}"),
        payload: json!({ "status": CANCELLED }),
    }
}

/// What a cart of `amount` will earn under the merchant's program (Pongo's amounts are
/// minor units of the store's currency).
pub fn earn_preview(
    parameters: &loyalty_shared::PartnerParameters,
    amount: Money,
) -> loyalty_shared::api::EarnPreview {
    loyalty_shared::api::EarnPreview {
        amount,
        points: parameters.earn(cents(amount)),
        minimum: Some(Money {
            minor: from_cents(parameters.min_amount_cents, amount.currency),
            currency: amount.currency,
        }),
    }
}

/// How the merchant's call is answered once its calls are written and tried: 200 when
/// Pongo has them all, 202 while some wait, and a refused call is an error with its code
/// (`optin_required`, `upstream_rejected`), never a 2xx the merchant's system would take
/// for "sent". Repeating the same order answers the same.
pub fn delivery_status(result: &PongoOrderResult) -> Result<u16, ApiError> {
    let refused: Vec<&PongoCall> = result
        .calls
        .iter()
        .filter(|c| c.state == DeliveryState::Failed)
        .collect();
    if let Some(first) = refused.first() {
        let code = first
            .last_error
            .as_deref()
            .and_then(ErrorCode::from_code)
            .unwrap_or(ErrorCode::UpstreamRejected);
        let keys: Vec<&str> = refused.iter().map(|c| c.key.as_str()).collect();
        return Err(invalid(
            code,
            "order_id",
            format!(
                "Pongo refused {} ({}): {}",
                keys.join(", "),
                code.as_str(),
                code.message(Locale::En)
            ),
        ));
    }
    let waiting = result
        .calls
        .iter()
        .any(|c| c.state == DeliveryState::Queued);
    Ok(if waiting { 202 } else { 200 })
}

/// `Y-m-d\TH:i:s+00:00` for a unix time (Pongo's date format).
pub fn iso8601(unix: i64) -> String {
    loyalty_shared::UtcDateTime::from_unix(unix).iso8601()
}

#[cfg(test)]
mod tests {
    use super::*;
    use loyalty_shared::api::OrderPayment;
    use loyalty_shared::api::{PaymentStatus, PongoOrderRequest, SplitMode};
    use loyalty_shared::Currency;

    fn sar(minor: u64) -> Money {
        Money::from_minor(minor, Currency::Sar).unwrap()
    }

    fn line(sku: &str, minor: u64) -> OrderLine {
        OrderLine {
            sku: sku.into(),
            name: sku.into(),
            quantity: 1,
            unit_price: sar(minor),
        }
    }

    fn pay(minor: u64, lines: Vec<usize>) -> OrderPayment {
        OrderPayment {
            method: "card".into(),
            amount: sar(minor),
            line_indexes: lines,
            customer: None,
        }
    }

    fn order() -> PongoOrderRequest {
        PongoOrderRequest {
            merchant_id: "demo".into(),
            order_id: "o-1".into(),
            location_id: "web".into(),
            payment_status: PaymentStatus::Succeeded,
            amount: sar(3000),
            taxes: None,
            lines: vec![line("A", 1000), line("B", 2000)],
            payments: vec![pay(3000, vec![])],
            split: SplitMode::None,
            reward_ids: vec![],
            used_reward_ids: vec![],
            customer: None,
            cart_id: None,
        }
    }

    fn shopper() -> OrderCustomer {
        OrderCustomer {
            phone: "0501234567".into(),
            email_optin: Some(true),
            sms_optin: Some(false),
        }
    }

    const AT: &str = "2026-11-25T10:00:00+00:00";

    #[test]
    fn only_a_successful_payment_is_sent() {
        for status in [
            PaymentStatus::Pending,
            PaymentStatus::Failed,
            PaymentStatus::Cancelled,
            PaymentStatus::Refunded,
        ] {
            let err = plan(
                &PongoOrderRequest {
                    payment_status: status,
                    ..order()
                },
                "s",
                None,
                AT,
            )
            .unwrap_err();
            assert_eq!(err.code, ErrorCode::PaymentNotSuccessful);
        }
    }

    #[test]
    fn a_whole_order_is_one_call_keyed_by_its_id_with_the_phone_normalised() {
        let calls = plan(&order(), "riyadh-olaya", Some(&shopper()), AT).unwrap();
        assert_eq!(calls.len(), 1);
        let p = &calls[0].payload;
        assert_eq!(calls[0].key, "o-1");
        assert_eq!(p["amount"], 3000);
        assert_eq!(p["store_slug"], "riyadh-olaya");
        assert_eq!(p["status"], "paid");
        assert_eq!(p["lines"].as_array().unwrap().len(), 2);
        assert_eq!(p["customer"]["phone"], "966501234567");
        assert_eq!(p["customer"]["email_optin"], true);
        assert_eq!(p["customer"]["sms_optin"], false);
    }

    #[test]
    fn a_per_item_split_is_one_order_per_payment_with_its_lines() {
        let o = PongoOrderRequest {
            split: SplitMode::PerItem,
            payments: vec![pay(2000, vec![1]), pay(1000, vec![0])],
            reward_ids: vec!["cr-1".into()],
            ..order()
        };
        let calls = plan(&o, "s", Some(&shopper()), AT).unwrap();
        let keys: Vec<_> = calls.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["o-1~1", "o-1~2"]);
        assert_eq!(calls[0].payload["lines"][0]["sku"], "B");
        assert_eq!(calls[0].payload["amount"], 2000);
        assert_eq!(calls[0].payload["reward_ids"][0], "cr-1");
        assert_eq!(calls[1].payload["lines"][0]["sku"], "A");
        assert_eq!(calls[1].payload["reward_ids"].as_array().unwrap().len(), 0);
        // A line paid twice, or not at all, is refused.
        for payments in [
            vec![pay(2000, vec![1]), pay(1000, vec![1])],
            vec![pay(2000, vec![1]), pay(1000, vec![])],
            vec![pay(2000, vec![1]), pay(1000, vec![5])],
        ] {
            let bad = PongoOrderRequest {
                payments,
                ..o.clone()
            };
            assert_eq!(
                plan(&bad, "s", None, AT).unwrap_err().code,
                ErrorCode::InvalidRequest
            );
        }
    }

    #[test]
    fn a_split_by_amount_is_amount_only_and_must_add_up() {
        let o = PongoOrderRequest {
            split: SplitMode::ByAmount,
            payments: vec![pay(1200, vec![]), pay(1800, vec![])],
            ..order()
        };
        let calls = plan(&o, "s", None, AT).unwrap();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[1].payload["amount"], 1800);
        assert_eq!(calls[1].payload["lines"].as_array().unwrap().len(), 1);
        assert_eq!(calls[1].payload["lines"][0]["amount"], 1800);
        let short = PongoOrderRequest {
            payments: vec![pay(1200, vec![]), pay(1700, vec![])],
            ..o
        };
        assert_eq!(
            plan(&short, "s", None, AT).unwrap_err().code,
            ErrorCode::InvalidAmount
        );
    }

    #[test]
    fn a_line_worth_more_than_any_amount_is_refused_not_saturated() {
        let mut o = order();
        o.lines[0].quantity = u32::MAX;
        o.lines[0].unit_price.minor = loyalty_shared::money::MAX_MINOR;
        assert_eq!(
            plan(&o, "s", Some(&shopper()), AT)
                .unwrap_err()
                .field
                .as_deref(),
            Some("lines[0].quantity")
        );
    }

    #[test]
    fn unknown_items_make_a_checkin_which_needs_a_phone() {
        let o = PongoOrderRequest {
            lines: vec![],
            ..order()
        };
        assert_eq!(
            plan(&o, "s", None, AT).unwrap_err().field.as_deref(),
            Some("customer")
        );
        let calls = plan(&o, "s", Some(&shopper()), AT).unwrap();
        assert_eq!(calls[0].kind, PongoCallKind::Checkin);
        assert_eq!(
            calls[0].payload["international_phone_number"],
            "966501234567"
        );
        assert_eq!(calls[0].payload["datetime"], AT);
    }

    #[test]
    fn rewards_the_order_cannot_carry_get_their_own_call() {
        let o = PongoOrderRequest {
            used_reward_ids: vec!["cr-9".into()],
            ..order()
        };
        let calls = plan(&o, "s", None, AT).unwrap();
        assert_eq!(calls[1].kind, PongoCallKind::UseReward);
        assert_eq!(calls[1].path, "/customer-rewards/cr-9");
        let bad = PongoOrderRequest {
            used_reward_ids: vec!["../x".into()],
            ..order()
        };
        assert!(plan(&bad, "s", None, AT).is_err());
    }

    #[test]
    fn bad_input_is_refused_before_anything_is_sent() {
        let mixed = PongoOrderRequest {
            lines: vec![OrderLine {
                unit_price: Money::from_minor(1, Currency::Eur).unwrap(),
                ..line("A", 1)
            }],
            ..order()
        };
        assert_eq!(
            plan(&mixed, "s", None, AT).unwrap_err().code,
            ErrorCode::InvalidAmount
        );
        let bad_phone = OrderCustomer {
            phone: "12".into(),
            ..shopper()
        };
        assert_eq!(
            plan(&order(), "s", Some(&bad_phone), AT).unwrap_err().code,
            ErrorCode::InvalidPhone
        );
        let bad_id = PongoOrderRequest {
            order_id: "a/b".into(),
            ..order()
        };
        assert!(plan(&bad_id, "s", None, AT).is_err());
    }

    #[test]
    fn a_parts_key_never_equals_another_orders_id() {
        let split = PongoOrderRequest {
            order_id: "1001".into(),
            split: SplitMode::PerItem,
            payments: vec![pay(1000, vec![0]), pay(2000, vec![1])],
            ..order()
        };
        let parts: Vec<String> = plan(&split, "s", None, AT)
            .unwrap()
            .into_iter()
            .map(|c| c.key)
            .collect();
        // A store's own "1001-2" (an edited order, say) is another order, not part 2.
        let other = PongoOrderRequest {
            order_id: "1001-2".into(),
            ..order()
        };
        let other_key = plan(&other, "s", None, AT).unwrap()[0].key.clone();
        assert!(!parts.contains(&other_key), "{parts:?} vs {other_key}");
        // And nobody can send an id shaped like a part.
        let shaped = PongoOrderRequest {
            order_id: format!("1001{KEY_SEPARATOR}2"),
            ..order()
        };
        assert_eq!(
            plan(&shaped, "s", None, AT).unwrap_err().code,
            ErrorCode::InvalidRequest
        );
    }

    #[test]
    fn per_item_payments_add_up_to_the_order() {
        let short = PongoOrderRequest {
            split: SplitMode::PerItem,
            payments: vec![pay(1000, vec![0]), pay(1500, vec![1])],
            ..order()
        };
        assert_eq!(
            plan(&short, "s", None, AT).unwrap_err().code,
            ErrorCode::InvalidAmount
        );
    }

    #[test]
    fn amounts_reach_pongo_as_cents_whatever_the_currency() {
        let kwd = |minor| Money::from_minor(minor, Currency::Kwd).unwrap();
        assert_eq!(cents(sar(1999)), 1999);
        assert_eq!(cents(kwd(12_345)), 1234, "12.345 KWD, rounded down");
        let order = PongoOrderRequest {
            amount: kwd(30_000),
            lines: vec![OrderLine {
                unit_price: kwd(30_000),
                ..line("A", 0)
            }],
            payments: vec![OrderPayment {
                amount: kwd(30_000),
                ..pay(0, vec![])
            }],
            ..order()
        };
        let call = &plan(&order, "s", None, AT).unwrap()[0];
        assert_eq!(call.payload["amount"], 3000);
        assert_eq!(call.payload["lines"][0]["unit_price"], 3000);
        assert_eq!(call.payload["payments"][0]["amount"], 3000);
        let rule: loyalty_shared::PartnerParameters =
            serde_json::from_str(r#"{"points_per_euro": 1.5, "min_amount_cents": 500}"#).unwrap();
        let preview = earn_preview(&rule, kwd(30_000));
        assert_eq!(preview.points, 45, "30 KWD at 1.5 a unit, as 30 SAR would");
        assert_eq!(preview.minimum, Some(kwd(5_000)));
    }

    #[test]
    fn the_merchant_hears_sent_waiting_or_refused() {
        let call = |key: &str, state, last_error: Option<&str>| PongoCall {
            key: key.into(),
            kind: PongoCallKind::Order,
            state,
            points_earned: 0,
            last_error: last_error.map(str::to_string),
        };
        let result = |calls| PongoOrderResult {
            order_id: "o".into(),
            points_earned: 0,
            calls,
        };
        let sent = call("o~1", DeliveryState::Sent, None);
        assert_eq!(delivery_status(&result(vec![sent.clone()])), Ok(200));
        let waiting = call("o~2", DeliveryState::Queued, Some("upstream_unavailable"));
        assert_eq!(
            delivery_status(&result(vec![sent.clone(), waiting.clone()])),
            Ok(202)
        );
        // One refused part outweighs the rest: an error with its code, naming the part.
        let refused = call("o~3", DeliveryState::Failed, Some("optin_required"));
        let error = delivery_status(&result(vec![sent, waiting, refused])).unwrap_err();
        assert_eq!(error.code, ErrorCode::OptinRequired);
        assert!(error.message.contains("o~3"), "{}", error.message);
        let unknown = call("o", DeliveryState::Failed, None);
        assert_eq!(
            delivery_status(&result(vec![unknown])).unwrap_err().code,
            ErrorCode::UpstreamRejected
        );
    }
}
