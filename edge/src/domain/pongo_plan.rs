//! The calls one paid order becomes: an order, one order per payment of a split (per item
//! or by amount), or a checkin when the items are unknown; then a use-a-reward call per
//! reward used. Every amount and id is checked first, so nothing half-valid is queued.

use super::pongo_orders::{
    cents, invalid, part_key, pongo_customer, safe_id, same_currency, wire_line, PlannedCall,
    CHANNEL_IN_STORE, CHANNEL_ONLINE, DELIVERY_MODE, DELIVERY_STATUS, KEY_SEPARATOR, PAID,
};
use crate::pongo::wire::{self, CheckinRequest, OrderRequest};
use loyalty_shared::api::{
    OrderCustomer, OrderPayment, PaymentStatus, PongoCallKind, PongoOrderRequest, SplitMode,
};
use loyalty_shared::{ApiError, ErrorCode, Locale};
use serde_json::{json, Value};

/// Plans the calls for a paid order at `store_slug`, for `customer` (the request's, or the
/// one enlisted in the widget), at `created_at` (ISO 8601).
pub fn plan(
    order: &PongoOrderRequest,
    store_slug: &str,
    customer: Option<&OrderCustomer>,
    created_at: &str,
) -> Result<Vec<PlannedCall>, ApiError> {
    validate(order)?;
    let customer = customer
        .map(|c| pongo_customer(c, "customer.phone"))
        .transpose()?;
    let planner = Planner {
        order,
        store_slug,
        created_at,
        customer,
    };
    let mut calls = if order.lines.is_empty() {
        vec![planner.checkin()?]
    } else {
        match order.split {
            SplitMode::None => vec![planner.whole_order()],
            SplitMode::PerItem => planner.per_item()?,
            SplitMode::ByAmount => planner.by_amount()?,
        }
    };
    calls.extend(order.used_reward_ids.iter().map(|reward_id| PlannedCall {
        key: part_key(
            &order.order_id,
            format_args!("use{KEY_SEPARATOR}{reward_id}"),
        ),
        kind: PongoCallKind::UseReward,
        method: "PATCH",
        path: format!("/customer-rewards/{reward_id}"),
        payload: json!({}),
    }));
    Ok(calls)
}

/// The payment succeeded, ids are safe, every amount is in the order's currency, and no
/// line is worth more than any amount the API takes.
fn validate(order: &PongoOrderRequest) -> Result<(), ApiError> {
    if order.payment_status != PaymentStatus::Succeeded {
        return Err(
            ApiError::new(ErrorCode::PaymentNotSuccessful, Locale::En).with_field("payment_status")
        );
    }
    if !safe_id(&order.order_id) {
        return Err(invalid(
            ErrorCode::InvalidRequest,
            "order_id",
            "order_id must be 1-100 letters, digits or -_.:",
        ));
    }
    if let Some(taxes) = order.taxes {
        same_currency(taxes, order.amount, "taxes")?;
    }
    for (i, line) in order.lines.iter().enumerate() {
        same_currency(
            line.unit_price,
            order.amount,
            &format!("lines[{i}].unit_price"),
        )?;
        if line.quantity == 0 || line.sku.trim().is_empty() {
            return Err(invalid(
                ErrorCode::InvalidRequest,
                &format!("lines[{i}]"),
                "Each line needs a sku and a quantity of at least 1.",
            ));
        }
        let line_total = line.unit_price.minor.checked_mul(u64::from(line.quantity));
        if line_total.is_none_or(|total| total > loyalty_shared::money::MAX_MINOR) {
            return Err(invalid(
                ErrorCode::InvalidRequest,
                &format!("lines[{i}].quantity"),
                "The line's total (unit price times quantity) is above the largest amount accepted.",
            ));
        }
    }
    for (i, payment) in order.payments.iter().enumerate() {
        same_currency(
            payment.amount,
            order.amount,
            &format!("payments[{i}].amount"),
        )?;
    }
    if !order
        .reward_ids
        .iter()
        .chain(&order.used_reward_ids)
        .all(|id| safe_id(id))
    {
        return Err(invalid(
            ErrorCode::InvalidRequest,
            "reward_ids",
            "A reward id is not valid.",
        ));
    }
    Ok(())
}

/// A split's payments share the order: together they are its amount, no more, no less; and
/// there are at least two of them.
fn payments_add_up(order: &PongoOrderRequest) -> Result<(), ApiError> {
    if order.payments.len() < 2 {
        return Err(invalid(
            ErrorCode::InvalidRequest,
            "payments",
            "A split payment has at least two payments.",
        ));
    }
    let total = order
        .payments
        .iter()
        .try_fold(0u64, |sum, p| sum.checked_add(p.amount.minor));
    if total == Some(order.amount.minor) {
        Ok(())
    } else {
        Err(invalid(
            ErrorCode::InvalidAmount,
            "payments",
            "The payments of a split payment add up to the order's amount.",
        ))
    }
}

fn wire_payment(p: &OrderPayment) -> wire::OrderPayment {
    wire::OrderPayment {
        method: p.method.clone(),
        amount: cents(p.amount),
    }
}

/// A typed request as the outbox stores it.
fn payload<T: serde::Serialize>(request: &T) -> Value {
    serde_json::to_value(request).unwrap_or(Value::Null)
}

/// What every call of one order shares.
struct Planner<'a> {
    order: &'a PongoOrderRequest,
    store_slug: &'a str,
    created_at: &'a str,
    customer: Option<wire::OrderCustomer>,
}

/// One order call's own content.
struct Part<'a> {
    key: String,
    amount: u64,
    lines: Vec<wire::OrderLine>,
    payments: Vec<wire::OrderPayment>,
    reward_ids: &'a [String],
    customer: Option<&'a wire::OrderCustomer>,
    taxes: Option<u64>,
}

impl Planner<'_> {
    fn channel(&self) -> &'static str {
        let location = &self.order.location_id;
        if location.starts_with("http") || location == "web" {
            CHANNEL_ONLINE
        } else {
            CHANNEL_IN_STORE
        }
    }

    fn order_call(&self, part: Part<'_>) -> PlannedCall {
        let request = OrderRequest {
            order_id: part.key.clone(),
            partner_order_id: self.order.order_id.clone(),
            channel: self.channel(),
            delivery_mode: DELIVERY_MODE,
            store_slug: self.store_slug.to_string(),
            amount: part.amount,
            status: PAID,
            created_at: self.created_at.to_string(),
            delivery_status: DELIVERY_STATUS,
            lines: part.lines,
            reward_ids: part.reward_ids.to_vec(),
            payments: part.payments,
            customer: part.customer.cloned(),
            taxes: part.taxes,
        };
        PlannedCall {
            key: part.key,
            kind: PongoCallKind::Order,
            method: "POST",
            path: "/orders".into(),
            payload: payload(&request),
        }
    }

    fn whole_order(&self) -> PlannedCall {
        let order = self.order;
        self.order_call(Part {
            key: order.order_id.clone(),
            amount: cents(order.amount),
            lines: order.lines.iter().map(wire_line).collect(),
            payments: order.payments.iter().map(wire_payment).collect(),
            reward_ids: &order.reward_ids,
            customer: self.customer.as_ref(),
            taxes: order.taxes.map(cents),
        })
    }

    /// The items are unknown: a checkin credits the amount to the shopper's phone.
    fn checkin(&self) -> Result<PlannedCall, ApiError> {
        let order = self.order;
        if order.split != SplitMode::None {
            return Err(invalid(
                ErrorCode::InvalidRequest,
                "lines",
                "A split payment needs the order's lines.",
            ));
        }
        let customer = self.customer.as_ref().ok_or_else(|| {
            invalid(
                ErrorCode::InvalidRequest,
                "customer",
                "An order without lines is sent as a checkin, which needs the shopper's phone.",
            )
        })?;
        let request = CheckinRequest {
            store_slug: self.store_slug.to_string(),
            international_phone_number: customer.phone.clone(),
            pos_order_id: order.order_id.clone(),
            amount: cents(order.amount),
            datetime: self.created_at.to_string(),
            tags: Vec::new(),
            enforce_checkin_delay: true,
        };
        Ok(PlannedCall {
            key: part_key(&order.order_id, "checkin"),
            kind: PongoCallKind::Checkin,
            method: "POST",
            path: "/checkins".into(),
            payload: payload(&request),
        })
    }

    /// The payer of payment `p`: its own customer, else the order's.
    fn payer(
        &self,
        p: usize,
        payment: &OrderPayment,
    ) -> Result<Option<wire::OrderCustomer>, ApiError> {
        match &payment.customer {
            Some(c) => pongo_customer(c, &format!("payments[{p}].customer.phone")).map(Some),
            None => Ok(self.customer.clone()),
        }
    }

    /// One order per payment, with the lines it paid; the order's rewards ride on the first.
    fn per_item(&self) -> Result<Vec<PlannedCall>, ApiError> {
        let order = self.order;
        lines_paid_once(order)?;
        payments_add_up(order)?;
        let mut calls = Vec::with_capacity(order.payments.len());
        for (p, payment) in order.payments.iter().enumerate() {
            let payer = self.payer(p, payment)?;
            calls.push(
                self.order_call(Part {
                    key: part_key(&order.order_id, p + 1),
                    amount: cents(payment.amount),
                    lines: payment
                        .line_indexes
                        .iter()
                        .map(|&i| wire_line(&order.lines[i]))
                        .collect(),
                    payments: vec![wire_payment(payment)],
                    reward_ids: if p == 0 { &order.reward_ids } else { &[] },
                    customer: payer.as_ref(),
                    taxes: None,
                }),
            );
        }
        Ok(calls)
    }

    /// One order per payment, each with one line covering the amount paid [I: `lines`
    /// needs an item].
    fn by_amount(&self) -> Result<Vec<PlannedCall>, ApiError> {
        let order = self.order;
        payments_add_up(order)?;
        let count = order.payments.len();
        let mut calls = Vec::with_capacity(count);
        for (p, payment) in order.payments.iter().enumerate() {
            let payer = self.payer(p, payment)?;
            let line = wire::OrderLine {
                sku: "split-payment".into(),
                name: format!("Payment {} of {count}", p + 1),
                quantity: 1,
                unit_price: cents(payment.amount),
                amount: cents(payment.amount),
            };
            calls.push(self.order_call(Part {
                key: part_key(&order.order_id, p + 1),
                amount: cents(payment.amount),
                lines: vec![line],
                payments: vec![wire_payment(payment)],
                reward_ids: if p == 0 { &order.reward_ids } else { &[] },
                customer: payer.as_ref(),
                taxes: None,
            }));
        }
        Ok(calls)
    }
}

/// In a per-item split each line is paid by exactly one payment, and each payment names
/// the lines it paid.
fn lines_paid_once(order: &PongoOrderRequest) -> Result<(), ApiError> {
    if order.payments.len() < 2 {
        return payments_add_up(order);
    }
    let mut paid_by = vec![None; order.lines.len()];
    for (p, payment) in order.payments.iter().enumerate() {
        let field = format!("payments[{p}].line_indexes");
        if payment.line_indexes.is_empty() {
            return Err(invalid(
                ErrorCode::InvalidRequest,
                &field,
                "Each payment of a per-item split names the lines it paid.",
            ));
        }
        for &i in &payment.line_indexes {
            match paid_by.get_mut(i) {
                Some(slot @ None) => *slot = Some(p),
                _ => {
                    return Err(invalid(
                        ErrorCode::InvalidRequest,
                        &field,
                        "Each line is paid by exactly one payment.",
                    ))
                }
            }
        }
    }
    if paid_by.iter().any(Option::is_none) {
        return Err(invalid(
            ErrorCode::InvalidRequest,
            "payments",
            "Each line is paid by exactly one payment.",
        ));
    }
    Ok(())
}
