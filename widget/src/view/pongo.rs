//! Pongo: the enlist form (phone and the two consent questions, neither answered in
//! advance), then the member card, or for an existing member named by phone only, the
//! card that asks them to prove the phone first.

use super::common::{card, choice, error_line, on_click, on_input, on_submit};
use super::ProgramProps;
use crate::context::use_locale;
use crate::effects::Effect;
use crate::i18n::{t, PongoText as Text};
use crate::state::{PongoAction, PongoForm};
use loyalty_shared::api::{PongoCodeSent, PongoMember};
use loyalty_shared::Locale;
use yew::prelude::*;

type Props = ProgramProps<PongoForm, PongoAction>;

#[function_component(PongoView)]
pub fn pongo_view(props: &Props) -> Html {
    let locale = use_locale();
    let form = &props.form;
    let body = html! { <>
        { enlist_form(props, locale) }
        if let Some(member) = &form.member {
            if member.verified {
                { member_card(member, form.earned, locale) }
            } else {
                { unproved_card(props, member, locale) }
            }
        }
    </> };
    card("pongo-enlist", None, t(Text::Title, locale), body)
}

fn enlist_form(props: &Props, locale: Locale) -> Html {
    let form = &props.form;
    let question =
        |name, text, answer, make| optin_question(props, locale, name, text, answer, make);
    html! {
        <form class="lc-form" onsubmit={on_submit(&props.on_effect, Effect::Enlist)} novalidate=true>
            <label for="lc-phone">{ t(Text::PhoneLabel, locale) }</label>
            <input id="lc-phone" name="phone" inputmode="tel" autocomplete="tel" dir="ltr"
                value={form.phone.clone()} oninput={on_input(&props.on_change, PongoAction::EditPhone)} />
            { question("email", Text::EmailOptinQuestion, form.email_optin, PongoAction::AnswerEmailOptin) }
            { question("sms", Text::SmsOptinQuestion, form.sms_optin, PongoAction::AnswerSmsOptin) }
            { error_line(form.error.as_ref()) }
            <button type="submit" class="lc-primary" disabled={form.busy}>{ t(Text::Join, locale) }</button>
        </form>
    }
}

/// A consent question, yes or no, unanswered until the shopper picks one.
fn optin_question(
    props: &Props,
    locale: Locale,
    name: &'static str,
    text: Text,
    answer: Option<bool>,
    make: fn(bool) -> PongoAction,
) -> Html {
    let answer_choice = |value: bool, label: Text| {
        let onchange = props.on_change.reform(move |_| make(value));
        choice(
            name,
            value.to_string(),
            answer == Some(value),
            onchange,
            t(label, locale),
        )
    };
    html! {
        <fieldset class="lc-optin" data-optin={name}>
            <legend>{ t(text, locale) }</legend>
            { answer_choice(true, Text::Yes) }
            { answer_choice(false, Text::No) }
        </fieldset>
    }
}

/// An existing member named by phone only: the order's points go to that number; the card
/// opens once a code texted to it is typed back.
fn unproved_card(props: &Props, member: &PongoMember, locale: Locale) -> Html {
    let form = &props.form;
    let preview = &member.earn_preview;
    html! {
        <div class="lc-member" role="status" data-verified="false" data-earn={preview.points.to_string()}>
            <p class="lc-info">{ t(Text::PointsGoTo, locale) }{" "}<bdi dir="ltr">{ &member.masked_phone }</bdi></p>
            { will_earn(preview.points, locale) }
            if member.can_verify {
                if let Some(sent) = &form.code_sent {
                    { code_form(props, sent, locale) }
                } else {
                    <p>{ t(Text::ProveToSee, locale) }</p>
                    <button type="button" class="lc-link" data-action="send-code" disabled={form.busy}
                        onclick={on_click(&props.on_effect, Effect::SendMemberCode)}>{ t(Text::SendMeACode, locale) }</button>
                }
            }
        </div>
    }
}

/// The texted code, typed back.
fn code_form(props: &Props, sent: &PongoCodeSent, locale: Locale) -> Html {
    let form = &props.form;
    html! {
        <form class="lc-form" data-form="pongo-code" onsubmit={on_submit(&props.on_effect, Effect::CheckMemberCode)} novalidate=true>
            <label for="lc-pongo-code">{ t(Text::CodeTextedTo, locale) }{" "}<bdi dir="ltr">{ &sent.masked_phone }</bdi></label>
            <input id="lc-pongo-code" name="code" inputmode="numeric" autocomplete="one-time-code" dir="ltr"
                value={form.code.clone()} oninput={on_input(&props.on_change, PongoAction::EditCode)} />
            <button type="submit" class="lc-primary" disabled={form.busy}>{ t(Text::Verify, locale) }</button>
        </form>
    }
}

fn will_earn(points: u64, locale: Locale) -> Html {
    html! { <p class="lc-earn">{ t(Text::YouWillEarn, locale) }{" "}<strong>{ points }</strong></p> }
}

/// The shopper's standing once enlisted: points, what this order earns, rewards.
fn member_card(member: &PongoMember, earned: Option<u64>, locale: Locale) -> Html {
    let preview = &member.earn_preview;
    let below_minimum = preview
        .minimum
        .is_some_and(|m| preview.points == 0 && preview.amount.minor < m.minor);
    html! {
        <div class="lc-member" role="status" data-verified="true" data-points={member.points.unwrap_or_default().to_string()}
            data-earn={preview.points.to_string()}>
            <p class="lc-info">{ t(if member.new_member { Text::WelcomeMember } else { Text::WelcomeBack }, locale) }
                {" "}<span dir="ltr">{ &member.masked_phone }</span></p>
            <p>{ t(Text::YourPoints, locale) }{" "}<strong>{ member.points.unwrap_or_default() }</strong></p>
            if let Some(points) = earned {
                <p class="lc-earn lc-earned" data-earned={points.to_string()}>{ t(Text::OrderEarned, locale) }{" "}
                    <strong>{ points }</strong>{" "}{ t(Text::PointsUnit, locale) }</p>
            } else if below_minimum {
                <p class="lc-earn">{ t(Text::EarnFrom, locale) }{" "}
                    <strong dir="ltr">{ preview.minimum.map(|m| m.to_string()).unwrap_or_default() }</strong></p>
            } else {
                { will_earn(preview.points, locale) }
            }
            { rewards(member, locale) }
        </div>
    }
}

fn rewards(member: &PongoMember, locale: Locale) -> Html {
    if member.rewards.is_empty() {
        return html! {};
    }
    html! { <>
        <h3 class="lc-subtitle">{ t(Text::Rewards, locale) }</h3>
        <ul class="lc-rewards">
            { for member.rewards.iter().map(|r| html! {
                <li data-reward={r.id.clone()} class={classes!(r.within_reach.then_some("lc-reachable"))}>
                    { &r.name }{" · "}{ r.points }{" "}{ t(Text::PointsUnit, locale) }
                    if r.within_reach { {" · "}{ t(Text::WithinReach, locale) } }
                </li>
            }) }
        </ul>
    </> }
}
