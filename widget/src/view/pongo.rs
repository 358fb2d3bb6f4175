//! Pongo enlist: phone and the two consent questions, neither answered in advance.

use super::mokafaa::error_line;
use crate::api::EdgeClient;
use crate::i18n::{t, Text};
use crate::state::{pongo_request, Action, PongoAction, PongoForm, WidgetState};
use loyalty_shared::api::PongoMember;
use loyalty_shared::{ApiError, ErrorCode, Locale};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PongoProps {
    pub form: PongoForm,
    pub dispatch: UseReducerDispatcher<WidgetState>,
    pub locale: Locale,
    pub client: EdgeClient,
    pub session: Option<String>,
}

#[function_component(PongoView)]
pub fn pongo_view(props: &PongoProps) -> Html {
    let PongoProps {
        form,
        dispatch,
        locale,
        client,
        session,
    } = props;
    let locale = *locale;
    let question = |name: &'static str,
                    text: Text,
                    answer: Option<bool>,
                    make: fn(bool) -> Action| {
        let choice = |value: bool, label: Text| {
            let dispatch = dispatch.clone();
            html! {
                <label class="lc-choice">
                    <input type="radio" {name} value={value.to_string()} checked={answer == Some(value)}
                        onchange={Callback::from(move |_| dispatch.dispatch(make(value)))} />
                    { t(label, locale) }
                </label>
            }
        };
        html! {
            <fieldset class="lc-optin" data-optin={name}>
                <legend>{ t(text, locale) }</legend>
                { choice(true, Text::Yes) }
                { choice(false, Text::No) }
            </fieldset>
        }
    };
    let oninput = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            dispatch.dispatch(Action::Pongo(PongoAction::EditPhone(input.value())));
        })
    };
    let onsubmit = {
        let dispatch = dispatch.clone();
        let form = form.clone();
        let client = client.clone();
        let session = session.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if form.busy {
                return;
            }
            match pongo_request(&form) {
                Err(code) => dispatch.dispatch(Action::Pongo(PongoAction::Invalid(ApiError::new(
                    code, locale,
                )))),
                Ok(request) => {
                    let Some(token) = session.clone() else {
                        dispatch.dispatch(Action::Pongo(PongoAction::Failed(ApiError::new(
                            ErrorCode::SessionInvalid,
                            locale,
                        ))));
                        return;
                    };
                    dispatch.dispatch(Action::Pongo(PongoAction::Sending));
                    let dispatch = dispatch.clone();
                    let client = client.clone();
                    yew::platform::spawn_local(async move {
                        match client.enlist(&token, &request).await {
                            Ok(member) => {
                                dispatch.dispatch(Action::Pongo(PongoAction::Enlisted(member)))
                            }
                            Err(error) => {
                                dispatch.dispatch(Action::Pongo(PongoAction::Failed(error)))
                            }
                        }
                    });
                }
            }
        })
    };
    html! {
        <section class="lc-card" data-screen="pongo-enlist">
            <h2 class="lc-title">{ t(Text::PongoTitle, locale) }</h2>
            <form class="lc-form" {onsubmit} novalidate=true>
                <label for="lc-phone">{ t(Text::PhoneLabel, locale) }</label>
                <input id="lc-phone" name="phone" inputmode="tel" autocomplete="tel" dir="ltr"
                    value={form.phone.clone()} {oninput} />
                { question("email", Text::EmailOptinQuestion, form.email_optin, |v| Action::Pongo(PongoAction::AnswerEmailOptin(v))) }
                { question("sms", Text::SmsOptinQuestion, form.sms_optin, |v| Action::Pongo(PongoAction::AnswerSmsOptin(v))) }
                { error_line(form.error.as_ref()) }
                <button type="submit" class="lc-primary" disabled={form.busy}>{ t(Text::Join, locale) }</button>
            </form>
            if let Some(member) = &form.member {
                if member.verified {
                    { member_card(member, form.earned, locale) }
                } else {
                    { unproved_card(props, member) }
                }
            }
        </section>
    }
}

/// An existing member named by phone only: the order's points go to that number; the card
/// opens once a code texted to it is typed back.
fn unproved_card(props: &PongoProps, member: &PongoMember) -> Html {
    let PongoProps {
        form,
        dispatch,
        locale,
        client,
        session,
    } = props;
    let locale = *locale;
    let send = {
        let (dispatch, client, session) = (dispatch.clone(), client.clone(), session.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(token) = session.clone() else { return };
            dispatch.dispatch(Action::Pongo(PongoAction::Sending));
            let (dispatch, client) = (dispatch.clone(), client.clone());
            yew::platform::spawn_local(async move {
                match client.pongo_send_code(&token).await {
                    Ok(sent) => dispatch.dispatch(Action::Pongo(PongoAction::CodeSent(sent))),
                    Err(error) => dispatch.dispatch(Action::Pongo(PongoAction::Failed(error))),
                }
            });
        })
    };
    let check = {
        let (dispatch, client, session, code, busy) = (
            dispatch.clone(),
            client.clone(),
            session.clone(),
            form.code.clone(),
            form.busy,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if busy {
                return;
            }
            let Some(token) = session.clone() else { return };
            dispatch.dispatch(Action::Pongo(PongoAction::Sending));
            let (dispatch, client, code) = (dispatch.clone(), client.clone(), code.clone());
            yew::platform::spawn_local(async move {
                match client.pongo_check_code(&token, &code).await {
                    Ok(member) => dispatch.dispatch(Action::Pongo(PongoAction::Enlisted(member))),
                    Err(error) => dispatch.dispatch(Action::Pongo(PongoAction::Failed(error))),
                }
            });
        })
    };
    let oninput = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            dispatch.dispatch(Action::Pongo(PongoAction::EditCode(input.value())));
        })
    };
    let preview = &member.earn_preview;
    html! {
        <div class="lc-member" role="status" data-verified="false" data-earn={preview.points.to_string()}>
            <p class="lc-info">{ t(Text::PointsGoTo, locale) }{" "}<bdi dir="ltr">{ &member.masked_phone }</bdi></p>
            <p class="lc-earn">{ t(Text::YouWillEarn, locale) }{" "}<strong>{ preview.points }</strong></p>
            if member.can_verify {
                if let Some(sent) = &form.code_sent {
                    <form class="lc-form" data-form="pongo-code" onsubmit={check} novalidate=true>
                        <label for="lc-pongo-code">{ t(Text::CodeTextedTo, locale) }{" "}<bdi dir="ltr">{ &sent.masked_phone }</bdi></label>
                        <input id="lc-pongo-code" name="code" inputmode="numeric" autocomplete="one-time-code" dir="ltr"
                            value={form.code.clone()} {oninput} />
                        <button type="submit" class="lc-primary" disabled={form.busy}>{ t(Text::Verify, locale) }</button>
                    </form>
                } else {
                    <p>{ t(Text::ProveToSee, locale) }</p>
                    <button type="button" class="lc-link" data-action="send-code" disabled={form.busy} onclick={send}>{ t(Text::SendMeACode, locale) }</button>
                }
            }
        </div>
    }
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
                <p class="lc-earn">{ t(Text::YouWillEarn, locale) }{" "}<strong>{ preview.points }</strong></p>
            }
            if !member.rewards.is_empty() {
                <h3 class="lc-subtitle">{ t(Text::Rewards, locale) }</h3>
                <ul class="lc-rewards">
                    { for member.rewards.iter().map(|r| html! {
                        <li data-reward={r.id.clone()} class={classes!(r.within_reach.then_some("lc-reachable"))}>
                            { &r.name }{" · "}{ r.points }{" "}{ t(Text::PointsUnit, locale) }
                            if r.within_reach { {" · "}{ t(Text::WithinReach, locale) } }
                        </li>
                    }) }
                </ul>
            }
        </div>
    }
}
