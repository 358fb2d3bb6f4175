//! The widget's root: holds the state, provides the [`WidgetContext`], opens the session,
//! keeps the countdown ticking, listens to the host page, and binds the effects to the
//! views' callbacks. What it shows is drawn by [`crate::view`].

use crate::api::EdgeClient;
use crate::context::WidgetContext;
use crate::effects;
use crate::host;
use crate::i18n::Digits;
use crate::state::{Action, PongoAction, WidgetState};
use crate::view::{Frame, MokafaaView, PongoView};
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
    let state = {
        let programs = config.programs.clone();
        use_reducer(move || WidgetState::new(&programs))
    };
    let context = WidgetContext {
        client: EdgeClient {
            base: config.api_base.clone(),
            locale: config.locale,
        },
        locale: config.locale,
        digits: Digits::from_flag(config.arabic_digits),
        session: state.session.token.clone(),
        methods: state.session.methods.clone(),
        host: props.host.clone(),
    };
    let dispatch = state.dispatcher().to_callback();
    use_session(config, &context, &dispatch);
    use_host_page(config, &context, &dispatch);
    use_countdown(&state);
    html! {
        <ContextProvider<WidgetContext> context={context.clone()}>
            <Frame programs={state.programs.clone()} program={state.program}
                on_select={dispatch.reform(Action::SelectProgram)} session_error={state.session.error.clone()}>
                { program_view(&state, &context, &dispatch) }
            </Frame>
        </ContextProvider<WidgetContext>>
    }
}

/// Opens the session for the host page's cart once.
#[hook]
fn use_session(config: &WidgetConfig, context: &WidgetContext, dispatch: &Callback<Action>) {
    let request = StartSessionRequest {
        merchant_id: config.merchant_id.clone(),
        cart_id: config.cart_id.clone(),
        amount: config.amount,
        locale: config.locale,
        email: config.email.clone(),
    };
    let (client, dispatch) = (context.client.clone(), dispatch.clone());
    let host = context.host.clone();
    use_effect_with(request, move |request| {
        effects::start_session(&client, host, request.clone(), dispatch)
    });
}

/// The host page's news: a new cart total (the session and the earn preview follow it) and
/// the points a placed order earned.
#[hook]
fn use_host_page(config: &WidgetConfig, context: &WidgetContext, dispatch: &Callback<Action>) {
    let report = dispatch.reform(Action::Pongo);
    let on_total = {
        let (context, report) = (context.clone(), report.clone());
        Callback::from(move |(token, amount)| {
            effects::pongo::cart_changed(&context, &report, token, amount)
        })
    };
    host::use_cart_changes(
        context.session.clone(),
        config.cart_id.clone(),
        config.amount.currency,
        on_total,
    );
    host::use_order_placed(report.reform(PongoAction::OrderEarned));
}

/// One tick a second while a code is live; the timer stops with the challenge.
#[hook]
fn use_countdown(state: &UseReducerHandle<WidgetState>) {
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

/// The chosen program's view; what it asks of the edge runs on the state it was drawn from.
fn program_view(state: &WidgetState, context: &WidgetContext, dispatch: &Callback<Action>) -> Html {
    let on_effect = {
        let (context, state, dispatch) = (context.clone(), state.clone(), dispatch.clone());
        Callback::from(move |effect| effects::run(&context, &state, &dispatch, effect))
    };
    match state.program {
        Program::Mokafaa => html! {
            <MokafaaView form={state.mokafaa.clone()}
                on_change={dispatch.reform(Action::Mokafaa)} {on_effect} />
        },
        Program::Pongo => html! {
            <PongoView form={state.pongo.clone()} on_change={dispatch.reform(Action::Pongo)} {on_effect} />
        },
    }
}
