//! The widget's root: program tabs and the form of the chosen program.

use super::mokafaa::MokafaaView;
use super::pongo::PongoView;
use crate::api::EdgeClient;
use crate::i18n::{t, Text};
use crate::state::{Action, WidgetState};
use loyalty_shared::api::{Program, WidgetConfig};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub config: WidgetConfig,
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let config = &props.config;
    let locale = config.locale;
    let state = {
        let programs = config.programs.clone();
        use_reducer(move || WidgetState::new(&programs))
    };
    let client = EdgeClient {
        base: config.api_base.clone(),
        locale,
    };
    let tabs = if state.programs.len() > 1 {
        let buttons = state.programs.iter().map(|&program| {
            let dispatch = state.dispatcher();
            let label = match program {
                Program::Mokafaa => t(Text::MokafaaTab, locale),
                Program::Pongo => t(Text::PongoTab, locale),
            };
            let selected = state.program == program;
            html! {
                <button type="button" role="tab" class={classes!("lc-tab", selected.then_some("lc-tab-selected"))}
                    aria-selected={selected.to_string()}
                    onclick={Callback::from(move |_| dispatch.dispatch(Action::SelectProgram(program)))}>
                    { label }
                </button>
            }
        });
        html! { <div class="lc-tabs" role="tablist">{ for buttons }</div> }
    } else {
        html! {}
    };
    let body = match state.program {
        Program::Mokafaa => html! {
            <MokafaaView form={state.mokafaa.clone()} dispatch={state.dispatcher()} {locale} client={client.clone()} />
        },
        Program::Pongo => html! {
            <PongoView form={state.pongo.clone()} dispatch={state.dispatcher()} {locale} client={client.clone()} />
        },
    };
    html! {
        <div class="lc-widget" lang={locale.tag()} dir={locale.dir()}>
            { tabs }
            { body }
        </div>
    }
}
