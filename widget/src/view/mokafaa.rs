//! The Mokafaa screens: identify (mobile or bank account), verify (code, countdown, resend,
//! balance, amount), redeemed (with undo). The state machine decides which one shows.

use super::common::{card, choice, error_line, on_click, on_input, on_submit};
use super::ProgramProps;
use crate::context::use_widget;
use crate::effects::Effect;
use crate::i18n::{t, MokafaaText as Text};
use crate::state::{Method, MokafaaAction, MokafaaForm, MokafaaScreen};
use loyalty_shared::api::OtpChallenge;
use loyalty_shared::Locale;
use yew::prelude::*;

type Props = ProgramProps<MokafaaForm, MokafaaAction>;

#[function_component(MokafaaView)]
pub fn mokafaa_view(props: &Props) -> Html {
    let context = use_widget();
    let locale = context.locale;
    match props.form.screen() {
        MokafaaScreen::Identify => identify(props, locale, context.accepts_iban),
        MokafaaScreen::Verify => verify(props, locale),
        MokafaaScreen::Redeemed => redeemed(props, locale),
    }
}

fn identify(props: &Props, locale: Locale, accepts_iban: bool) -> Html {
    let form = &props.form;
    let (label, autocomplete) = match form.method {
        Method::Mobile => (t(Text::MobileLabel, locale), "tel"),
        Method::CustomerNumber => (t(Text::CustomerNumberLabel, locale), "off"),
        Method::Iban => (t(Text::IbanLabel, locale), "off"),
    };
    let body = html! { <>
        if let Some(points) = form.returned_points {
            <p class="lc-info" role="status">{ format!("{} {points}", t(Text::PointsReturned, locale)) }</p>
        }
        { methods(props, locale, accepts_iban) }
        <form class="lc-form" onsubmit={on_submit(&props.on_effect, Effect::SendOtp)} novalidate=true>
            <label for="lc-identifier">{ label }</label>
            <input id="lc-identifier" name="identifier" inputmode="numeric" {autocomplete}
                dir="ltr" value={form.identifier.clone()} oninput={on_input(&props.on_change, MokafaaAction::EditIdentifier)}
                aria-invalid={form.error.is_some().to_string()} />
            { error_line(form.error.as_ref()) }
            <button type="submit" class="lc-primary" disabled={form.busy}>
                { if form.busy { t(Text::Sending, locale) } else { t(Text::SendCode, locale) } }
            </button>
        </form>
    </> };
    card("mokafaa-identify", None, t(Text::Title, locale), body)
}

/// How to identify: mobile, customer number, and IBAN where the merchant accepts it.
fn methods(props: &Props, locale: Locale, accepts_iban: bool) -> Html {
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
            t(text, locale),
        )
    };
    html! {
        <fieldset class="lc-methods">
            <legend>{ t(Text::VerifyWith, locale) }</legend>
            { method_choice(Method::Mobile, Text::ByMobile) }
            { method_choice(Method::CustomerNumber, Text::ByCustomerNumber) }
            if accepts_iban { { method_choice(Method::Iban, Text::ByIban) } }
        </fieldset>
    }
}

fn verify(props: &Props, locale: Locale) -> Html {
    let Some(challenge) = props.form.challenge.as_ref() else {
        return html! {};
    };
    let body = html! { <>
        <p class="lc-info" role="status">
            { t(Text::CodeSentTo, locale) }{" "}<bdi dir="ltr">{ &challenge.masked_destination }</bdi>
        </p>
        { countdown(challenge, locale) }
        if let Some((points, worth)) = props.form.balance.as_ref().and_then(|b| b.points.zip(b.worth)) {
            <p class="lc-balance" data-points={points.to_string()}>
                { format!("{} {} ({})", t(Text::Balance, locale), points, worth) }
            </p>
        }
        { redeem_form(props, challenge, locale) }
        { verify_actions(props, challenge, locale) }
    </> };
    card("mokafaa-verify", None, t(Text::Title, locale), body)
}

fn countdown(challenge: &OtpChallenge, locale: Locale) -> Html {
    let seconds = challenge.expires_in_seconds;
    html! {
        <p class="lc-countdown" data-seconds={seconds.to_string()}>
            if seconds == 0 { { t(Text::CodeExpired, locale) } }
            else { { t(Text::CodeExpiresIn, locale) }{" "}<bdi dir="ltr">{ mm_ss(seconds) }</bdi> }
        </p>
    }
}

fn mm_ss(seconds: u32) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// The code and the amount to pay with points.
fn redeem_form(props: &Props, challenge: &OtpChallenge, locale: Locale) -> Html {
    let form = &props.form;
    let expired = challenge.expires_in_seconds == 0;
    html! {
        <form class="lc-form" onsubmit={on_submit(&props.on_effect, Effect::Redeem)} novalidate=true>
            <label for="lc-otp">{ t(Text::CodeLabel, locale) }</label>
            <input id="lc-otp" name="otp" inputmode="numeric" autocomplete="one-time-code" maxlength="4" dir="ltr"
                value={form.otp.clone()} oninput={on_input(&props.on_change, MokafaaAction::EditOtp)} />
            <label for="lc-amount">
                { t(Text::AmountLabel, locale) }
                if let Some(balance) = &form.balance { { format!(" ({} {})", t(Text::UpTo, locale), balance.max_redeemable) } }
            </label>
            <input id="lc-amount" name="amount" inputmode="decimal" dir="ltr"
                value={form.amount.clone()} oninput={on_input(&props.on_change, MokafaaAction::EditAmount)} />
            { error_line(form.error.as_ref()) }
            <button type="submit" class="lc-primary" disabled={form.busy || expired}>
                { if form.checking { t(Text::Checking, locale) } else { t(Text::UsePoints, locale) } }
            </button>
        </form>
    }
}

/// Resend the code (once its wait is over), or start over with another number.
fn verify_actions(props: &Props, challenge: &OtpChallenge, locale: Locale) -> Html {
    let wait = challenge.resend_after_seconds;
    let start_over = props.on_change.reform(|_| MokafaaAction::StartOver);
    html! {
        <div class="lc-secondary-actions">
            <button type="button" class="lc-link" data-action="resend"
                disabled={props.form.busy || wait > 0 || challenge.resends_left == 0}
                onclick={on_click(&props.on_effect, Effect::SendOtp)}>
                if wait > 0 {
                    { format!("{} {wait}s", t(Text::ResendIn, locale)) }
                } else { { t(Text::Resend, locale) } }
            </button>
            <button type="button" class="lc-link" onclick={start_over}>{ t(Text::OtherNumber, locale) }</button>
        </div>
    }
}

fn redeemed(props: &Props, locale: Locale) -> Html {
    let form = &props.form;
    let Some(redemption) = form.redemption.as_ref() else {
        return html! {};
    };
    let body = html! { <>
        <p class="lc-success" role="status">
            { format!("{} {} — {} {}", t(Text::YouUsed, locale), redemption.points, redemption.discount, t(Text::Off, locale)) }
        </p>
        if let Some(after) = redemption.balance_points_after {
            <p class="lc-balance" data-points-after={after.to_string()}>
                { format!("{} {}", t(Text::Balance, locale), after) }
            </p>
        }
        { error_line(form.error.as_ref()) }
        <button type="button" class="lc-link" data-action="undo" disabled={form.busy}
            onclick={on_click(&props.on_effect, Effect::Undo)}>{ t(Text::Undo, locale) }</button>
    </> };
    let id = Some(redemption.redemption_id.clone());
    card("mokafaa-redeemed", id, t(Text::Title, locale), body)
}
