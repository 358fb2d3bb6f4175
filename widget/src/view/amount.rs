//! The amount to pay with points: the field, "Use maximum", the cap and why ("Up to
//! 250.00 SAR: your order total"), and the points the amount typed will cost, live.

use super::common::{on_input, ErrorSpot, TextField};
use crate::i18n::{Lang, MokafaaText as Text, Unit};
use crate::state::{CapReason, Field, MokafaaAction, MokafaaForm};
use yew::prelude::*;

const CAP_ID: &str = "lc-amount-cap";
const COST_ID: &str = "lc-amount-cost";

pub fn amount_field(
    form: &MokafaaForm,
    on_change: &Callback<MokafaaAction>,
    errors: &ErrorSpot,
    lang: Lang,
) -> Html {
    let cap = form.cap();
    let cap_line = cap.map(|cap| {
        let why = match cap.reason {
            Some(CapReason::OrderTotal) => Text::CapOrderTotal,
            Some(CapReason::Balance) => Text::CapBalance,
            Some(CapReason::StoreLimit) => Text::CapStoreLimit,
            None => Text::CapMost,
        };
        let line = lang.fill(Text::CapLine, &lang.money(cap.amount), lang.t(why));
        let reason = cap.reason.map(|r| format!("{r:?}"));
        html! { <p class="lc-hint" id={CAP_ID} data-max={cap.amount.to_decimal_string()} data-reason={reason}>{ line }</p> }
    });
    let cost = form.points_cost();
    let cost_line =
        cost.map(|points| lang.fill(Text::CostLine, &lang.count(Unit::Points, points), ""));
    let use_max = on_change.reform(|_| MokafaaAction::UseMaximum);
    let after = html! { <>
        if cap.is_some() {
            <button type="button" class="lc-secondary" part="button" data-action="use-max" onclick={use_max}>
                { lang.t(Text::UseMaximum) }
            </button>
        }
        { cap_line }
        <p class="lc-hint" id={COST_ID} data-points={cost.map(|p| p.to_string())}>{ cost_line }</p>
    </> };
    let hints: &[&str] = if cap.is_some() {
        &[CAP_ID, COST_ID]
    } else {
        &[COST_ID]
    };
    let oninput = on_input(on_change, MokafaaAction::EditAmount);
    let label = lang.t(Text::AmountLabel).into();
    TextField::new(Field::Amount, "amount", label, &form.amount, oninput)
        .keyboard("decimal", "off")
        .with(after, hints)
        .render(errors)
}
