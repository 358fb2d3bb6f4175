//! The Mokafaa screens: identify (mobile or bank account), verify (code, countdown, resend,
//! balance, amount), redeemed (with undo). The state machine decides which one shows;
//! focus moves to a screen's heading when it appears.

use super::amount::amount_field;
use super::common::{card, choice, on_click, on_input, on_submit, use_lang, ErrorSpot, TextField};
use super::countdown::countdown;
use super::focus::use_focus_on_change;
use super::ProgramProps;
use crate::context::use_widget;
use crate::effects::Effect;
use crate::i18n::errors::Facts;
use crate::i18n::{Lang, MokafaaText as Text, Unit};
use crate::state::{Field, Method, MokafaaAction, MokafaaForm, MokafaaScreen};
use loyalty_shared::api::{OtpChallenge, Program};
use yew::prelude::*;

type Props = ProgramProps<MokafaaForm, MokafaaAction>;

#[function_component(MokafaaView)]
pub fn mokafaa_view(props: &Props) -> Html {
    let methods = use_widget().methods;
    let lang = use_lang();
    let screen = props.form.screen();
    let heading = use_focus_on_change(screen);
    match screen {
        MokafaaScreen::Identify => identify(props, lang, &methods, heading),
        MokafaaScreen::Verify => verify(props, lang, heading),
        MokafaaScreen::Redeemed => redeemed(props, lang, heading),
    }
}

/// What the screen knows to word an error: the order's cap and minimum.
fn facts(form: &MokafaaForm) -> Facts {
    Facts {
        program: Some(Program::Mokafaa),
        min: form.balance.as_ref().map(|b| b.min_per_order),
        max: form.balance.as_ref().map(|b| b.max_redeemable),
    }
}

fn errors(form: &MokafaaForm, lang: Lang) -> ErrorSpot<'_> {
    let verifying = form.screen() == MokafaaScreen::Verify;
    let field_of = |code| Field::of_mokafaa(code, verifying);
    ErrorSpot::new(form.error.as_ref(), field_of, lang, facts(form))
}

fn identify(props: &Props, lang: Lang, methods: &[Method], heading: NodeRef) -> Html {
    let form = &props.form;
    let (label, inputmode, autocomplete) = match form.method {
        Method::Mobile => (Text::MobileLabel, "numeric", "tel"),
        Method::CustomerNumber => (Text::CustomerNumberLabel, "numeric", "off"),
        Method::Iban => (Text::IbanLabel, "text", "off"),
    };
    let errors = errors(form, lang);
    let oninput = on_input(&props.on_change, MokafaaAction::EditIdentifier);
    let (field, value) = (Field::Identifier, &form.identifier);
    let identifier = TextField::new(field, "identifier", lang.t(label).into(), value, oninput)
        .keyboard(inputmode, autocomplete);
    let body = html! { <>
        if let Some(points) = form.returned_points {
            <p class="lc-info" role="status">{ format!("{} {}", lang.t(Text::PointsReturned), lang.int(points)) }</p>
        }
        { method_choices(props, lang, methods) }
        <form class="lc-form" onsubmit={on_submit(&props.on_effect, Effect::SendOtp)} novalidate=true>
            { identifier.render(&errors) }
            { errors.line(None) }
            <button type="submit" class="lc-primary" part="button primary-button" disabled={form.busy}>
                { lang.t(if form.busy { Text::Sending } else { Text::SendCode }) }
            </button>
        </form>
    </> };
    card("mokafaa-identify", None, lang.t(Text::Title), heading, body)
}

/// How to identify: the ways the merchant offers, in its order.
fn method_choices(props: &Props, lang: Lang, methods: &[Method]) -> Html {
    let method_choice = |method: Method, text: Text| {
        let onchange = props
            .on_change
            .reform(move |_| MokafaaAction::SelectMethod(method));
        let checked = props.form.method == method;
        choice(
            "lc-method",
            format!("{method:?}"),
            checked,
            onchange,
            lang.t(text),
        )
    };
    html! {
        <fieldset class="lc-methods">
            <legend>{ lang.t(Text::VerifyWith) }</legend>
            { for methods.iter().map(|method| method_choice(*method, match method {
                Method::Mobile => Text::ByMobile,
                Method::CustomerNumber => Text::ByCustomerNumber,
                Method::Iban => Text::ByIban,
            })) }
        </fieldset>
    }
}

fn verify(props: &Props, lang: Lang, heading: NodeRef) -> Html {
    let form = &props.form;
    let Some(challenge) = form.challenge.as_ref() else {
        return html! {};
    };
    let balance = form.balance.as_ref().and_then(|b| b.points.zip(b.worth));
    let body = html! { <>
        <p class="lc-info" role="status">
            { lang.t(Text::CodeSentTo) }{" "}<bdi dir="ltr">{ &challenge.masked_destination }</bdi>
        </p>
        { countdown(challenge.expires_in_seconds, lang) }
        if let Some((points, worth)) = balance {
            <p class="lc-balance" part="balance" data-points={points.to_string()}>
                { format!("{} {} ({})", lang.t(Text::Balance), lang.count(Unit::Points, points), lang.money(worth)) }
            </p>
        }
        { redeem_form(props, challenge, lang) }
        { verify_actions(props, challenge, lang) }
    </> };
    card("mokafaa-verify", None, lang.t(Text::Title), heading, body)
}

/// The code and the amount to pay with points.
fn redeem_form(props: &Props, challenge: &OtpChallenge, lang: Lang) -> Html {
    let form = &props.form;
    let expired = challenge.expires_in_seconds == 0;
    let errors = errors(form, lang);
    let oninput = on_input(&props.on_change, MokafaaAction::EditOtp);
    let label = lang.t(Text::CodeLabel).into();
    let code = TextField::new(Field::Otp, "otp", label, &form.otp, oninput)
        .keyboard("numeric", "one-time-code")
        .max_length("4");
    html! {
        <form class="lc-form" onsubmit={on_submit(&props.on_effect, Effect::Redeem)} novalidate=true>
            { code.render(&errors) }
            { amount_field(form, &props.on_change, &errors, lang) }
            { errors.line(None) }
            <button type="submit" class="lc-primary" part="button primary-button" disabled={form.busy || expired}>
                { lang.t(if form.checking { Text::Checking } else { Text::UsePoints }) }
            </button>
        </form>
    }
}

/// Resend the code (once its wait is over), or start over with another number.
fn verify_actions(props: &Props, challenge: &OtpChallenge, lang: Lang) -> Html {
    let wait = challenge.resend_after_seconds;
    let start_over = props.on_change.reform(|_| MokafaaAction::StartOver);
    let used_up = challenge.resends_left == 0;
    html! {
        <div class="lc-secondary-actions">
            if used_up {
                <p class="lc-hint" data-hint="no-more-codes">{ lang.t(Text::NoMoreCodes) }</p>
            }
            <button type="button" class="lc-link" part="button" data-action="resend"
                disabled={props.form.busy || wait > 0 || challenge.resends_left == 0}
                onclick={on_click(&props.on_effect, Effect::SendOtp)}>
                if wait > 0 {
                    { format!("{} {}", lang.t(Text::ResendIn), lang.count(Unit::Seconds, u64::from(wait))) }
                } else { { lang.t(Text::Resend) } }
            </button>
            <button type="button" class="lc-link" part="button" data-action="start-over" onclick={start_over}>
                { lang.t(Text::OtherNumber) }
            </button>
        </div>
    }
}

fn redeemed(props: &Props, lang: Lang, heading: NodeRef) -> Html {
    let form = &props.form;
    let Some(redemption) = form.redemption.as_ref() else {
        return html! {};
    };
    let used = format!(
        "{} {} — {} {}",
        lang.t(Text::YouUsed),
        lang.int(redemption.points),
        lang.money(redemption.discount),
        lang.t(Text::Off)
    );
    let errors = errors(form, lang);
    let body = html! { <>
        <p class="lc-success" role="status">{ used }</p>
        if let Some(after) = redemption.balance_points_after {
            <p class="lc-balance" part="balance" data-points-after={after.to_string()}>
                { format!("{} {}", lang.t(Text::Balance), lang.count(Unit::Points, after)) }
            </p>
        }
        { errors.line(None) }
        <button type="button" class="lc-link" part="button" data-action="undo" disabled={form.busy}
            onclick={on_click(&props.on_effect, Effect::Undo)}>{ lang.t(Text::Undo) }</button>
    </> };
    let id = Some(redemption.redemption_id.clone());
    card("mokafaa-redeemed", id, lang.t(Text::Title), heading, body)
}
