//! Small pieces every program's screens use.

use crate::effects::Effect;
use loyalty_shared::ApiError;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// A titled card for one screen; `data-screen` names it for styling and tests, as
/// `data-redemption` names the redemption a screen shows.
pub fn card(
    screen: &'static str,
    redemption: Option<String>,
    title: &'static str,
    body: Html,
) -> Html {
    html! {
        <section class="lc-card" data-screen={screen} data-redemption={redemption}>
            <h2 class="lc-title">{ title }</h2>
            { body }
        </section>
    }
}

/// A radio choice; `onchange` fires when the shopper picks it.
pub fn choice(
    name: &'static str,
    value: String,
    checked: bool,
    onchange: Callback<Event>,
    label: &'static str,
) -> Html {
    html! {
        <label class="lc-choice">
            <input type="radio" {name} {value} {checked} {onchange} />
            { label }
        </label>
    }
}

/// An error under a form, with its stable code for styling and tests.
pub fn error_line(error: Option<&ApiError>) -> Html {
    match error {
        Some(error) => html! {
            <p class="lc-error" role="alert" data-code={error.code.as_str()}>
                { &error.message }
                if let Some(left) = error.attempts_left { { format!(" ({left})") } }
            </p>
        },
        None => html! {},
    }
}

/// Reports each edit of a text input as the action `edit` makes of its value.
pub fn on_input<A: 'static>(report: &Callback<A>, edit: fn(String) -> A) -> Callback<InputEvent> {
    report.reform(move |e: InputEvent| edit(e.target_unchecked_into::<HtmlInputElement>().value()))
}

/// A form's submission, as `effect` (the browser's own navigation is prevented).
pub fn on_submit(on_effect: &Callback<Effect>, effect: Effect) -> Callback<SubmitEvent> {
    on_effect.reform(move |e: SubmitEvent| {
        e.prevent_default();
        effect
    })
}

/// A button's click, as `effect`.
pub fn on_click(on_effect: &Callback<Effect>, effect: Effect) -> Callback<MouseEvent> {
    on_effect.reform(move |_| effect)
}
