//! The widget's frame: its language and direction, the program tabs, the session's error,
//! and the chosen program's screens inside.

use crate::context::use_widget;
use crate::i18n::t;
use loyalty_shared::api::Program;
use loyalty_shared::{ApiError, Locale};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FrameProps {
    pub programs: Vec<Program>,
    pub program: Program,
    pub on_select: Callback<Program>,
    /// Why no session could be opened, to say plainly.
    pub session_error: Option<ApiError>,
    pub children: Html,
}

#[function_component(Frame)]
pub fn frame(props: &FrameProps) -> Html {
    let context = use_widget();
    let locale = context.locale;
    html! {
        <div class="lc-widget" lang={locale.tag()} dir={locale.dir()} data-session={context.session.is_some().to_string()}>
            { tabs(props, locale) }
            if let Some(error) = &props.session_error {
                <p class="lc-alert" role="alert" data-code={error.code.as_str()}>{ &error.message }</p>
            }
            { props.children.clone() }
        </div>
    }
}

/// One tab a program, when there is more than one to choose from.
fn tabs(props: &FrameProps, locale: Locale) -> Html {
    if props.programs.len() < 2 {
        return html! {};
    }
    let tab = |program: Program| {
        let selected = props.program == program;
        html! {
            <button type="button" role="tab" class={classes!("lc-tab", selected.then_some("lc-tab-selected"))}
                aria-selected={selected.to_string()}
                onclick={props.on_select.reform(move |_| program)}>
                { t(program, locale) }
            </button>
        }
    };
    html! { <div class="lc-tabs" role="tablist">{ for props.programs.iter().copied().map(tab) }</div> }
}
