//! The widget's frame: its language and direction, the program tabs and their panel, the
//! session's error, and the chosen program's screens inside.

use super::common::use_lang;
use super::tabs::{tab_id, tabs, PANEL_ID};
use crate::context::use_widget;
use crate::i18n::errors::{sentence, Facts};
use loyalty_shared::api::Program;
use loyalty_shared::ApiError;
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
    let lang = use_lang();
    let locale = lang.locale;
    let tabbed = props.programs.len() > 1;
    let alert = props.session_error.as_ref().map(|error| {
        let said = sentence(error, lang, Facts::default());
        html! { <p class="lc-alert" part="error" role="alert" data-code={error.code.as_str()}>{ said }</p> }
    });
    html! {
        <div class="lc-widget" part="container" lang={locale.tag()} dir={locale.dir()}
            data-session={context.session.is_some().to_string()}>
            if tabbed { { tabs(&props.programs, props.program, &props.on_select, lang) } }
            { alert }
            if tabbed {
                <div class="lc-panel" part="panel" role="tabpanel" id={PANEL_ID}
                    aria-labelledby={tab_id(props.program)}>
                    { props.children.clone() }
                </div>
            } else {
                <div class="lc-panel" part="panel">{ props.children.clone() }</div>
            }
        </div>
    }
}
