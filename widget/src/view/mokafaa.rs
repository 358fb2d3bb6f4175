//! First Mokafaa screen: choose mobile or bank account, type it, ask for the code.

use crate::api::EdgeClient;
use crate::i18n::{t, Text};
use crate::state::{mokafaa_request, Action, Method, MokafaaForm, WidgetState};
use loyalty_shared::{ApiError, Locale};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MokafaaProps {
    pub form: MokafaaForm,
    pub dispatch: UseReducerDispatcher<WidgetState>,
    pub locale: Locale,
    pub client: EdgeClient,
}

#[function_component(MokafaaView)]
pub fn mokafaa_view(props: &MokafaaProps) -> Html {
    let MokafaaProps {
        form,
        dispatch,
        locale,
        client,
    } = props;
    let locale = *locale;
    let method_choice = |method: Method, text: Text| {
        let dispatch = dispatch.clone();
        html! {
            <label class="lc-choice">
                <input type="radio" name="lc-method" value={format!("{method:?}")}
                    checked={form.method == method}
                    onchange={Callback::from(move |_| dispatch.dispatch(Action::SelectMethod(method)))} />
                { t(text, locale) }
            </label>
        }
    };
    let oninput = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            dispatch.dispatch(Action::EditIdentifier(input.value()));
        })
    };
    let onsubmit = {
        let dispatch = dispatch.clone();
        let form = form.clone();
        let client = client.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if form.busy {
                return;
            }
            match mokafaa_request(&form) {
                Err(code) => dispatch.dispatch(Action::MokafaaInvalid(ApiError::new(code, locale))),
                Ok(request) => {
                    dispatch.dispatch(Action::MokafaaSending);
                    let dispatch = dispatch.clone();
                    let client = client.clone();
                    yew::platform::spawn_local(async move {
                        match client.send_otp(&request).await {
                            Ok(challenge) => dispatch.dispatch(Action::OtpSent(challenge)),
                            Err(error) => dispatch.dispatch(Action::MokafaaFailed(error)),
                        }
                    });
                }
            }
        })
    };
    let (label, autocomplete) = match form.method {
        Method::Mobile => (t(Text::MobileLabel, locale), "tel"),
        Method::CustomerNumber => (t(Text::CustomerNumberLabel, locale), "off"),
    };
    html! {
        <section class="lc-card" data-screen="mokafaa-identify">
            <h2 class="lc-title">{ t(Text::MokafaaTitle, locale) }</h2>
            <fieldset class="lc-methods">
                <legend>{ t(Text::VerifyWith, locale) }</legend>
                { method_choice(Method::Mobile, Text::ByMobile) }
                { method_choice(Method::CustomerNumber, Text::ByCustomerNumber) }
            </fieldset>
            <form class="lc-form" {onsubmit} novalidate=true>
                <label for="lc-identifier">{ label }</label>
                <input id="lc-identifier" name="identifier" inputmode="numeric" {autocomplete}
                    dir="ltr" value={form.identifier.clone()} {oninput}
                    aria-invalid={form.error.is_some().to_string()} />
                { error_line(form.error.as_ref()) }
                <button type="submit" class="lc-primary" disabled={form.busy}>
                    { if form.busy { t(Text::Sending, locale) } else { t(Text::SendCode, locale) } }
                </button>
            </form>
            if let Some(challenge) = &form.challenge {
                <p class="lc-info" role="status">
                    { t(Text::CodeSentTo, locale) }{" "}<bdi dir="ltr">{ &challenge.masked_destination }</bdi>
                </p>
            }
        </section>
    }
}

/// An error under a form, with its stable code for styling and tests.
pub fn error_line(error: Option<&ApiError>) -> Html {
    match error {
        Some(error) => html! {
            <p class="lc-error" role="alert" data-code={error.code.as_str()}>{ &error.message }</p>
        },
        None => html! {},
    }
}
