//! Small pieces every program's screens use: the screen's card, radio choices, text fields
//! with their error tied to them, and the input/submit/click callbacks.

use crate::context::use_widget;
use crate::effects::Effect;
use crate::i18n::errors::{sentence, Facts};
use crate::i18n::Lang;
use crate::state::Field;
use loyalty_shared::{ApiError, ErrorCode};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// How to speak to this shopper: the widget's language, and the digits the store asked for.
#[hook]
pub fn use_lang() -> Lang {
    let context = use_widget();
    Lang::new(context.locale, context.digits)
}

/// A titled card for one screen; `data-screen` names it for styling and tests, as
/// `data-redemption` names the redemption a screen shows. The title takes focus (`heading`)
/// when the screen changes, so it can be focused but is not a tab stop.
pub fn card(
    screen: &'static str,
    redemption: Option<String>,
    title: &'static str,
    heading: NodeRef,
    body: Html,
) -> Html {
    html! {
        <section class="lc-card" data-screen={screen} data-redemption={redemption}>
            <h2 class="lc-title" tabindex="-1" ref={heading}>{ title }</h2>
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
            <input type="radio" part="input" {name} {value} {checked} {onchange} />
            <span>{ label }</span>
        </label>
    }
}

/// Where a form's error goes: beside the field it is about, or once for the whole form.
#[derive(Debug, Clone, Copy)]
pub struct ErrorSpot<'a> {
    error: Option<&'a ApiError>,
    field: Option<Field>,
    lang: Lang,
    facts: Facts,
}

impl<'a> ErrorSpot<'a> {
    /// `error`, placed by `field_of`, worded with what the screen knows (`facts`).
    pub fn new(
        error: Option<&'a ApiError>,
        field_of: impl FnOnce(ErrorCode) -> Option<Field>,
        lang: Lang,
        facts: Facts,
    ) -> Self {
        let field = error.and_then(|e| field_of(e.code));
        ErrorSpot {
            error,
            field,
            lang,
            facts,
        }
    }

    /// Whether the error is about `field`.
    pub fn at(&self, field: Field) -> bool {
        self.error.is_some() && self.field == Some(field)
    }

    /// The error line for `field`, or for the whole form (`None`), if the error is there.
    pub fn line(&self, field: Option<Field>) -> Html {
        match self.error {
            Some(error) if self.field == field => {
                let id = field.map(Field::error_id);
                let said = sentence(error, self.lang, self.facts);
                html! {
                    <p class="lc-error" part="error" role="alert" {id} data-code={error.code.as_str()}>{ said }</p>
                }
            }
            _ => html! {},
        }
    }

    /// The `aria-describedby` of `field`'s input: its `hints`, then its error.
    pub fn described_by(&self, field: Field, hints: &[&str]) -> Option<AttrValue> {
        let error = self.at(field).then(|| field.error_id());
        let ids: Vec<&str> = hints.iter().copied().chain(error).collect();
        (!ids.is_empty()).then(|| AttrValue::from(ids.join(" ")))
    }
}

/// A text input with its label, its hints and its error, tied together for assistive
/// technology (`for`, `aria-describedby`, `aria-invalid`).
pub struct TextField<'a> {
    field: Field,
    name: &'static str,
    label: Html,
    value: String,
    oninput: Callback<InputEvent>,
    inputmode: &'static str,
    autocomplete: &'static str,
    maxlength: Option<&'static str>,
    /// Ids of the lines under the input that describe it.
    hints: &'a [&'a str],
    /// What follows the input inside the field: a button, the hint lines.
    after: Html,
    /// Where the screen's focus goes, if it is this input.
    focus: NodeRef,
}

impl<'a> TextField<'a> {
    /// A field typed with the numeric keyboard, without autocomplete; the methods below
    /// change that.
    pub fn new(
        field: Field,
        name: &'static str,
        label: Html,
        value: &str,
        oninput: Callback<InputEvent>,
    ) -> Self {
        TextField {
            field,
            name,
            label,
            value: value.to_string(),
            oninput,
            inputmode: "numeric",
            autocomplete: "off",
            maxlength: None,
            hints: &[],
            after: Html::default(),
            focus: NodeRef::default(),
        }
    }

    pub fn keyboard(mut self, inputmode: &'static str, autocomplete: &'static str) -> Self {
        (self.inputmode, self.autocomplete) = (inputmode, autocomplete);
        self
    }

    pub fn max_length(mut self, length: &'static str) -> Self {
        self.maxlength = Some(length);
        self
    }

    /// `after` follows the input; `hints` are the ids of its lines that describe it.
    pub fn with(mut self, after: Html, hints: &'a [&'a str]) -> Self {
        (self.after, self.hints) = (after, hints);
        self
    }

    pub fn focus(mut self, node: NodeRef) -> Self {
        self.focus = node;
        self
    }

    pub fn render(self, errors: &ErrorSpot) -> Html {
        let id = self.field.id();
        let invalid = errors.at(self.field).to_string();
        let described = errors.described_by(self.field, self.hints);
        html! {
            <div class="lc-field" part="field">
                <label for={id}>{ self.label }</label>
                <input {id} name={self.name} part="input" inputmode={self.inputmode} autocomplete={self.autocomplete}
                    maxlength={self.maxlength} dir="ltr" value={self.value} oninput={self.oninput}
                    aria-invalid={invalid} aria-describedby={described} ref={self.focus} />
                { self.after }
                { errors.line(Some(self.field)) }
            </div>
        }
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
