//! Pongo: the enlist form (phone and the two consent questions, neither answered in
//! advance), then the member card, or for an existing member named by phone only, the
//! card that asks them to prove the phone first. Focus moves to the card, or to the code
//! field, when it appears.

use super::common::{card, choice, on_click, on_input, on_submit, use_lang, ErrorSpot, TextField};
use super::focus::use_focus_on_change;
use super::ProgramProps;
use crate::effects::Effect;
use crate::i18n::errors::Facts;
use crate::i18n::{Lang, PongoText as Text, Unit};
use crate::state::{Field, PongoAction, PongoForm};
use loyalty_shared::api::{PongoCodeSent, PongoMember, Program};
use yew::prelude::*;

type Props = ProgramProps<PongoForm, PongoAction>;

#[function_component(PongoView)]
pub fn pongo_view(props: &Props) -> Html {
    let lang = use_lang();
    let form = &props.form;
    let stage = (
        form.member.as_ref().map(|m| m.verified),
        form.code_sent.is_some(),
    );
    let focus = use_focus_on_change(stage);
    let code_sent = form.code_sent.is_some();
    let facts = Facts {
        program: Some(Program::Pongo),
        ..Facts::default()
    };
    let field_of = |code| Field::of_pongo(code, code_sent);
    let errors = ErrorSpot::new(form.error.as_ref(), field_of, lang, facts);
    let body = html! { <>
        if form.member.is_none() { { join_and_earn(form, lang) } }
        { enlist_form(props, &errors, lang) }
        if let Some(member) = &form.member {
            if member.verified {
                { member_card(member, form.earned, lang, focus) }
            } else {
                { unproved_card(props, member, &errors, lang, focus) }
            }
        }
    </> };
    card(
        "pongo-enlist",
        None,
        lang.t(Text::Title),
        NodeRef::default(),
        body,
    )
}

/// The reason to join: what this order earns, before any member data.
fn join_and_earn(form: &PongoForm, lang: Lang) -> Html {
    match form.preview.as_ref().filter(|p| p.points > 0) {
        Some(preview) => {
            let points = lang.count(Unit::Points, preview.points);
            html! {
                <p class="lc-earn lc-join-earn" data-earn-preview={preview.points.to_string()}>
                    { lang.fill(Text::JoinAndEarn, &points, "") }
                </p>
            }
        }
        None => html! {},
    }
}

fn enlist_form(props: &Props, errors: &ErrorSpot, lang: Lang) -> Html {
    let form = &props.form;
    let question =
        |name, text, answer, make| optin_question(props, errors, lang, (name, text), answer, make);
    let oninput = on_input(&props.on_change, PongoAction::EditPhone);
    let label = lang.t(Text::PhoneLabel).into();
    let phone =
        TextField::new(Field::Phone, "phone", label, &form.phone, oninput).keyboard("tel", "tel");
    // Once a code was sent, its errors belong to the code form.
    let form_error = if form.code_sent.is_none() {
        errors.line(None)
    } else {
        html! {}
    };
    html! {
        <form class="lc-form" onsubmit={on_submit(&props.on_effect, Effect::Enlist)} novalidate=true>
            { phone.render(errors) }
            { question("email", Text::EmailOptinQuestion, form.email_optin, PongoAction::AnswerEmailOptin) }
            { question("sms", Text::SmsOptinQuestion, form.sms_optin, PongoAction::AnswerSmsOptin) }
            { errors.line(Some(Field::Optins)) }
            { form_error }
            <button type="submit" class="lc-primary" part="button primary-button" disabled={form.busy}>{ lang.t(Text::Join) }</button>
        </form>
    }
}

/// A consent question, yes or no, unanswered until the shopper picks one.
fn optin_question(
    props: &Props,
    errors: &ErrorSpot,
    lang: Lang,
    (name, text): (&'static str, Text),
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
            lang.t(label),
        )
    };
    let unanswered = errors.at(Field::Optins) && answer.is_none();
    let described = unanswered.then_some(Field::Optins.error_id());
    html! {
        <fieldset class="lc-optin" role="radiogroup" data-optin={name}
            aria-invalid={unanswered.to_string()} aria-describedby={described}>
            <legend>{ lang.t(text) }</legend>
            { answer_choice(true, Text::Yes) }
            { answer_choice(false, Text::No) }
        </fieldset>
    }
}

/// An existing member named by phone only: the order's points go to that number; the card
/// opens once a code texted to it is typed back.
fn unproved_card(
    props: &Props,
    member: &PongoMember,
    errors: &ErrorSpot,
    lang: Lang,
    focus: NodeRef,
) -> Html {
    let form = &props.form;
    let preview = &member.earn_preview;
    let (intro_focus, code_focus) = match form.code_sent {
        Some(_) => (NodeRef::default(), focus),
        None => (focus, NodeRef::default()),
    };
    html! {
        <div class="lc-member" part="member-card" role="status" data-verified="false" data-earn={preview.points.to_string()}>
            <p class="lc-info" tabindex="-1" ref={intro_focus}>{ lang.t(Text::PointsGoTo) }{" "}<bdi dir="ltr">{ &member.masked_phone }</bdi></p>
            { will_earn(preview.points, lang) }
            if member.can_verify {
                if let Some(sent) = &form.code_sent {
                    { code_form(props, sent, errors, lang, code_focus) }
                } else {
                    <p>{ lang.t(Text::ProveToSee) }</p>
                    <button type="button" class="lc-link" part="button" data-action="send-code" disabled={form.busy}
                        onclick={on_click(&props.on_effect, Effect::SendMemberCode)}>{ lang.t(Text::SendMeACode) }</button>
                }
            }
        </div>
    }
}

/// The texted code, typed back; a new code can be asked for from here.
fn code_form(
    props: &Props,
    sent: &PongoCodeSent,
    errors: &ErrorSpot,
    lang: Lang,
    focus: NodeRef,
) -> Html {
    let form = &props.form;
    let label = html! { <>{ lang.t(Text::CodeTextedTo) }{" "}<bdi dir="ltr">{ &sent.masked_phone }</bdi></> };
    let oninput = on_input(&props.on_change, PongoAction::EditCode);
    let code = TextField::new(Field::MemberCode, "code", label, &form.code, oninput)
        .keyboard("numeric", "one-time-code")
        .focus(focus);
    html! {
        <form class="lc-form" data-form="pongo-code" onsubmit={on_submit(&props.on_effect, Effect::CheckMemberCode)} novalidate=true>
            { code.render(errors) }
            { errors.line(None) }
            <button type="submit" class="lc-primary" part="button primary-button" disabled={form.busy}>{ lang.t(Text::Verify) }</button>
            <button type="button" class="lc-link" part="button" data-action="resend-code" disabled={form.busy}
                onclick={on_click(&props.on_effect, Effect::SendMemberCode)}>{ lang.t(Text::SendNewCode) }</button>
        </form>
    }
}

fn will_earn(points: u64, lang: Lang) -> Html {
    html! { <p class="lc-earn">{ lang.t(Text::YouWillEarn) }{" "}<strong>{ lang.int(points) }</strong></p> }
}

/// The shopper's standing once enlisted: points, what this order earns, rewards.
fn member_card(member: &PongoMember, earned: Option<u64>, lang: Lang, focus: NodeRef) -> Html {
    let preview = &member.earn_preview;
    let below_minimum = preview
        .minimum
        .is_some_and(|m| preview.points == 0 && preview.amount.minor < m.minor);
    let points = member.points.unwrap_or_default();
    let welcome = if member.new_member {
        Text::WelcomeMember
    } else {
        Text::WelcomeBack
    };
    html! {
        <div class="lc-member" part="member-card" role="status" data-verified="true" data-points={points.to_string()}
            data-earn={preview.points.to_string()}>
            <p class="lc-info" tabindex="-1" ref={focus}>{ lang.t(welcome) }{" "}<bdi dir="ltr">{ &member.masked_phone }</bdi></p>
            <p>{ lang.t(Text::YourPoints) }{" "}<strong>{ lang.int(points) }</strong></p>
            if let Some(points) = earned {
                <p class="lc-earn lc-earned" data-earned={points.to_string()}>{ lang.t(Text::OrderEarned) }{" "}
                    <strong>{ lang.int(points) }</strong>{" "}{ lang.t(Text::PointsUnit) }</p>
            } else if below_minimum {
                <p class="lc-earn">{ lang.t(Text::EarnFrom) }{" "}
                    <strong>{ preview.minimum.map(|m| lang.money(m)).unwrap_or_default() }</strong></p>
            } else {
                { will_earn(preview.points, lang) }
            }
            { rewards(member, lang) }
        </div>
    }
}

fn rewards(member: &PongoMember, lang: Lang) -> Html {
    if member.rewards.is_empty() {
        return html! {};
    }
    html! { <>
        <h3 class="lc-subtitle">{ lang.t(Text::Rewards) }</h3>
        <ul class="lc-rewards">
            { for member.rewards.iter().map(|r| html! {
                <li data-reward={r.id.clone()} data-within-reach={r.within_reach.to_string()}>
                    { &r.name }{" · "}{ lang.int(r.points) }{" "}{ lang.t(Text::PointsUnit) }
                    if r.within_reach { {" · "}{ lang.t(Text::WithinReach) } }
                </li>
            }) }
        </ul>
    </> }
}
