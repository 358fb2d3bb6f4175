//! The widget's root: opens the session, keeps the countdown ticking, shows the program
//! tabs and the chosen program's screens.

use super::mokafaa::MokafaaView;
use super::pongo::PongoView;
use crate::api::EdgeClient;
use crate::i18n::{t, Text};
use crate::state::{Action, WidgetState};
use loyalty_shared::api::{Program, StartSessionRequest, WidgetConfig};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub config: WidgetConfig,
    /// The element hosting the shadow root: where events for the host page are dispatched.
    pub host: Option<web_sys::Element>,
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
    {
        let (client, dispatch) = (client.clone(), state.dispatcher());
        let request = StartSessionRequest {
            merchant_id: config.merchant_id.clone(),
            cart_id: config.cart_id.clone(),
            amount: config.amount,
            locale,
            email: None,
        };
        use_effect_with(request, move |request| {
            let request = request.clone();
            yew::platform::spawn_local(async move {
                match client.start_session(&request).await {
                    Ok(started) => dispatch.dispatch(Action::SessionStarted {
                        token: started.session_token,
                        accepts_iban: started.accepts_iban,
                    }),
                    Err(error) => dispatch.dispatch(Action::SessionFailed(error)),
                }
            });
        });
    }
    super::page_events::use_cart_changes(
        client.clone(),
        state.session.clone(),
        config.amount.currency,
        state.dispatcher(),
    );
    super::page_events::use_order_placed(state.dispatcher());
    {
        // One tick a second while a code is live; the timer stops with the challenge.
        let dispatch = state.dispatcher();
        let live = state
            .mokafaa
            .challenge
            .as_ref()
            .map(|c| c.challenge_id.clone());
        use_effect_with(live, move |live| {
            let timer = live.as_ref().map(|_| {
                gloo_timers::callback::Interval::new(1_000, move || dispatch.dispatch(Action::Tick))
            });
            move || drop(timer)
        });
    }
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
            <MokafaaView form={state.mokafaa.clone()} dispatch={state.dispatcher()} {locale} client={client.clone()}
                session={state.session.clone()} host={props.host.clone()} accepts_iban={state.accepts_iban} />
        },
        Program::Pongo => html! {
            <PongoView form={state.pongo.clone()} dispatch={state.dispatcher()} {locale} client={client.clone()}
                session={state.session.clone()} />
        },
    };
    html! {
        <div class="lc-widget" lang={locale.tag()} dir={locale.dir()} data-session={state.session.is_some().to_string()}>
            { tabs }
            if let Some(error) = &state.session_error {
                <p class="lc-alert" role="alert" data-code={error.code.as_str()}>{ &error.message }</p>
            }
            { body }
        </div>
    }
}
