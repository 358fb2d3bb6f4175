//! Pongo enlist: phone and the two consent questions, neither answered in advance.

use super::mokafaa::error_line;
use crate::api::EdgeClient;
use crate::i18n::{t, Text};
use crate::state::{pongo_request, Action, PongoForm, WidgetState};
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
            dispatch.dispatch(Action::EditPongoPhone(input.value()));
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
                Err(code) => dispatch.dispatch(Action::PongoInvalid(ApiError::new(code, locale))),
                Ok(request) => {
                    let Some(token) = session.clone() else {
                        dispatch.dispatch(Action::PongoFailed(ApiError::new(
                            ErrorCode::SessionInvalid,
                            locale,
                        )));
                        return;
                    };
                    dispatch.dispatch(Action::PongoSending);
                    let dispatch = dispatch.clone();
                    let client = client.clone();
                    yew::platform::spawn_local(async move {
                        match client.enlist(&token, &request).await {
                            Ok(member) => dispatch.dispatch(Action::Enlisted(member)),
                            Err(error) => dispatch.dispatch(Action::PongoFailed(error)),
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
                { question("email", Text::EmailOptinQuestion, form.email_optin, Action::AnswerEmailOptin) }
                { question("sms", Text::SmsOptinQuestion, form.sms_optin, Action::AnswerSmsOptin) }
                { error_line(form.error.as_ref()) }
                <button type="submit" class="lc-primary" disabled={form.busy}>{ t(Text::Join, locale) }</button>
            </form>
            if let Some(member) = &form.member {
                <p class="lc-info" role="status" data-points={member.points.to_string()}>
                    { t(Text::YouWillEarn, locale) }{" "}<strong>{ member.earn_preview.points }</strong>
                </p>
            }
        </section>
    }
}
