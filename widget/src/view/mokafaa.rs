//! The Mokafaa screens: identify (mobile or bank account), verify (code, countdown, resend,
//! balance, amount), redeemed (with undo). The state machine decides which one shows.

use super::host_events::announce;
use crate::api::{new_idempotency_key, EdgeClient};
use crate::i18n::{t, Text};
use crate::state::{
    mokafaa_request, redeem_request, Action, Method, MokafaaAction, MokafaaForm, MokafaaScreen,
    WidgetState,
};
use loyalty_shared::{ApiError, ErrorCode, Locale};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MokafaaProps {
    pub form: MokafaaForm,
    pub dispatch: UseReducerDispatcher<WidgetState>,
    pub locale: Locale,
    pub client: EdgeClient,
    pub session: Option<String>,
    pub host: Option<web_sys::Element>,
    pub accepts_iban: bool,
}

#[function_component(MokafaaView)]
pub fn mokafaa_view(props: &MokafaaProps) -> Html {
    match props.form.screen() {
        MokafaaScreen::Identify => identify(props),
        MokafaaScreen::Verify => verify(props),
        MokafaaScreen::Redeemed => redeemed(props),
    }
}

fn text_input(
    dispatch: &UseReducerDispatcher<WidgetState>,
    make: fn(String) -> Action,
) -> Callback<InputEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        dispatch.dispatch(make(input.value()));
    })
}

/// Sends (or resends) the code for what the shopper typed.
fn send_code(props: &MokafaaProps) -> Callback<()> {
    let MokafaaProps {
        form,
        dispatch,
        locale,
        client,
        session,
        ..
    } = props;
    let (form, dispatch, locale, client, session) = (
        form.clone(),
        dispatch.clone(),
        *locale,
        client.clone(),
        session.clone(),
    );
    Callback::from(move |()| {
        if form.busy {
            return;
        }
        match mokafaa_request(&form) {
            Err(code) => dispatch.dispatch(Action::Mokafaa(MokafaaAction::Invalid(ApiError::new(
                code, locale,
            )))),
            Ok(request) => {
                let Some(token) = session.clone() else {
                    dispatch.dispatch(Action::Mokafaa(MokafaaAction::Failed(ApiError::new(
                        ErrorCode::SessionInvalid,
                        locale,
                    ))));
                    return;
                };
                dispatch.dispatch(Action::Mokafaa(MokafaaAction::Sending));
                let (dispatch, client) = (dispatch.clone(), client.clone());
                yew::platform::spawn_local(async move {
                    match client.send_otp(&token, &request).await {
                        Ok(challenge) => {
                            let id = challenge.challenge_id.clone();
                            dispatch.dispatch(Action::Mokafaa(MokafaaAction::OtpSent(challenge)));
                            match client.balance(&token, &id).await {
                                Ok(balance) => dispatch.dispatch(Action::Mokafaa(
                                    MokafaaAction::BalanceLoaded(balance),
                                )),
                                // The balance is a convenience: redeeming still works without it.
                                Err(error) => {
                                    dispatch.dispatch(Action::Mokafaa(MokafaaAction::Failed(error)))
                                }
                            }
                        }
                        Err(error) => {
                            dispatch.dispatch(Action::Mokafaa(MokafaaAction::Failed(error)))
                        }
                    }
                });
            }
        }
    })
}

fn identify(props: &MokafaaProps) -> Html {
    let MokafaaProps {
        form,
        dispatch,
        locale,
        ..
    } = props;
    let locale = *locale;
    let method_choice = |method: Method, text: Text| {
        let dispatch = dispatch.clone();
        html! {
            <label class="lc-choice">
                <input type="radio" name="lc-method" value={format!("{method:?}")}
                    checked={form.method == method}
                    onchange={Callback::from(move |_| dispatch.dispatch(Action::Mokafaa(MokafaaAction::SelectMethod(method))))} />
                { t(text, locale) }
            </label>
        }
    };
    let send = send_code(props);
    let onsubmit = Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        send.emit(());
    });
    let (label, autocomplete) = match form.method {
        Method::Mobile => (t(Text::MobileLabel, locale), "tel"),
        Method::CustomerNumber => (t(Text::CustomerNumberLabel, locale), "off"),
        Method::Iban => (t(Text::IbanLabel, locale), "off"),
    };
    html! {
        <section class="lc-card" data-screen="mokafaa-identify">
            <h2 class="lc-title">{ t(Text::MokafaaTitle, locale) }</h2>
            if let Some(points) = form.returned_points {
                <p class="lc-info" role="status">{ format!("{} {points}", t(Text::PointsReturned, locale)) }</p>
            }
            <fieldset class="lc-methods">
                <legend>{ t(Text::VerifyWith, locale) }</legend>
                { method_choice(Method::Mobile, Text::ByMobile) }
                { method_choice(Method::CustomerNumber, Text::ByCustomerNumber) }
                if props.accepts_iban { { method_choice(Method::Iban, Text::ByIban) } }
            </fieldset>
            <form class="lc-form" {onsubmit} novalidate=true>
                <label for="lc-identifier">{ label }</label>
                <input id="lc-identifier" name="identifier" inputmode="numeric" {autocomplete}
                    dir="ltr" value={form.identifier.clone()} oninput={text_input(dispatch, |v| Action::Mokafaa(MokafaaAction::EditIdentifier(v)))}
                    aria-invalid={form.error.is_some().to_string()} />
                { error_line(form.error.as_ref()) }
                <button type="submit" class="lc-primary" disabled={form.busy}>
                    { if form.busy { t(Text::Sending, locale) } else { t(Text::SendCode, locale) } }
                </button>
            </form>
        </section>
    }
}

/// How many times a redemption whose answer was lost is asked for again before the shopper
/// is told (they can still submit again: the key is kept).
const MAX_CHECKS: u32 = 4;

/// Failures after which the same request, with the same key, may succeed.
fn retryable(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::UpstreamUnavailable | ErrorCode::RequestInProgress
    )
}

fn mm_ss(seconds: u32) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

fn verify(props: &MokafaaProps) -> Html {
    let MokafaaProps {
        form,
        dispatch,
        locale,
        client,
        session,
        host,
        ..
    } = props;
    let locale = *locale;
    let Some(challenge) = form.challenge.as_ref() else {
        return html! {};
    };
    let onsubmit = {
        let (form, dispatch, client, session, host) = (
            form.clone(),
            dispatch.clone(),
            client.clone(),
            session.clone(),
            host.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if form.busy {
                return;
            }
            match redeem_request(&form) {
                Err(code) => dispatch.dispatch(Action::Mokafaa(MokafaaAction::Invalid(
                    ApiError::new(code, locale),
                ))),
                Ok(request) => {
                    let Some(token) = session.clone() else { return };
                    // The same request keeps its key: a retry lands on the first result.
                    let key = form.key_for(&request, new_idempotency_key);
                    dispatch.dispatch(Action::Mokafaa(MokafaaAction::Redeeming(
                        request.clone(),
                        key.clone(),
                    )));
                    let (dispatch, client, host) = (dispatch.clone(), client.clone(), host.clone());
                    yew::platform::spawn_local(async move {
                        let mut tries = 0;
                        loop {
                            match client.redeem(&token, &key, &request).await {
                                Ok(redemption) => {
                                    announce(
                                        host.as_ref(),
                                        "loyalty-checkout:redeemed",
                                        &redemption,
                                    );
                                    dispatch.dispatch(Action::Mokafaa(MokafaaAction::Redeemed(
                                        redemption,
                                    )));
                                }
                                // No answer, or the edge is still settling this key: ask
                                // again with the same key, a few times, showing "checking".
                                Err(error) if tries < MAX_CHECKS && retryable(error.code) => {
                                    tries += 1;
                                    dispatch.dispatch(Action::Mokafaa(MokafaaAction::Checking));
                                    let wait = error.retry_after_seconds.unwrap_or(2).clamp(1, 5);
                                    gloo_timers::future::sleep(std::time::Duration::from_secs(
                                        u64::from(wait),
                                    ))
                                    .await;
                                    continue;
                                }
                                Err(error) => {
                                    dispatch.dispatch(Action::Mokafaa(MokafaaAction::Failed(error)))
                                }
                            }
                            break;
                        }
                    });
                }
            }
        })
    };
    let resend = {
        let send = send_code(props);
        Callback::from(move |_: MouseEvent| send.emit(()))
    };
    let start_over = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            dispatch.dispatch(Action::Mokafaa(MokafaaAction::StartOver))
        })
    };
    let expired = challenge.expires_in_seconds == 0;
    html! {
        <section class="lc-card" data-screen="mokafaa-verify">
            <h2 class="lc-title">{ t(Text::MokafaaTitle, locale) }</h2>
            <p class="lc-info" role="status">
                { t(Text::CodeSentTo, locale) }{" "}<bdi dir="ltr">{ &challenge.masked_destination }</bdi>
            </p>
            <p class="lc-countdown" data-seconds={challenge.expires_in_seconds.to_string()}>
                if expired { { t(Text::CodeExpired, locale) } }
                else { { t(Text::CodeExpiresIn, locale) }{" "}<bdi dir="ltr">{ mm_ss(challenge.expires_in_seconds) }</bdi> }
            </p>
            if let Some((points, worth)) = form.balance.as_ref().and_then(|b| b.points.zip(b.worth)) {
                <p class="lc-balance" data-points={points.to_string()}>
                    { format!("{} {} ({})", t(Text::Balance, locale), points, worth) }
                </p>
            }
            <form class="lc-form" {onsubmit} novalidate=true>
                <label for="lc-otp">{ t(Text::CodeLabel, locale) }</label>
                <input id="lc-otp" name="otp" inputmode="numeric" autocomplete="one-time-code" maxlength="4" dir="ltr"
                    value={form.otp.clone()} oninput={text_input(dispatch, |v| Action::Mokafaa(MokafaaAction::EditOtp(v)))} />
                <label for="lc-amount">
                    { t(Text::AmountLabel, locale) }
                    if let Some(balance) = &form.balance { { format!(" ({} {})", t(Text::UpTo, locale), balance.max_redeemable) } }
                </label>
                <input id="lc-amount" name="amount" inputmode="decimal" dir="ltr"
                    value={form.amount.clone()} oninput={text_input(dispatch, |v| Action::Mokafaa(MokafaaAction::EditAmount(v)))} />
                { error_line(form.error.as_ref()) }
                <button type="submit" class="lc-primary" disabled={form.busy || expired}>
                    { if form.checking { t(Text::Checking, locale) } else { t(Text::UsePoints, locale) } }
                </button>
            </form>
            <div class="lc-secondary-actions">
                <button type="button" class="lc-link" data-action="resend"
                    disabled={form.busy || challenge.resend_after_seconds > 0 || challenge.resends_left == 0}
                    onclick={resend}>
                    if challenge.resend_after_seconds > 0 {
                        { format!("{} {}s", t(Text::ResendIn, locale), challenge.resend_after_seconds) }
                    } else { { t(Text::Resend, locale) } }
                </button>
                <button type="button" class="lc-link" onclick={start_over}>{ t(Text::OtherNumber, locale) }</button>
            </div>
        </section>
    }
}

fn redeemed(props: &MokafaaProps) -> Html {
    let MokafaaProps {
        form,
        dispatch,
        locale,
        client,
        session,
        host,
        ..
    } = props;
    let locale = *locale;
    let Some(redemption) = form.redemption.as_ref() else {
        return html! {};
    };
    let undo = {
        let (dispatch, client, session, host, id, busy) = (
            dispatch.clone(),
            client.clone(),
            session.clone(),
            host.clone(),
            redemption.redemption_id.clone(),
            form.busy,
        );
        Callback::from(move |_: MouseEvent| {
            let Some(token) = session.clone() else { return };
            if busy {
                return;
            }
            dispatch.dispatch(Action::Mokafaa(MokafaaAction::Sending));
            let (dispatch, client, host, id) =
                (dispatch.clone(), client.clone(), host.clone(), id.clone());
            yew::platform::spawn_local(async move {
                match client.undo(&token, &id).await {
                    Ok(redemption) => {
                        announce(host.as_ref(), "loyalty-checkout:reversed", &redemption);
                        dispatch.dispatch(Action::Mokafaa(MokafaaAction::Undone(redemption)));
                    }
                    Err(error) => dispatch.dispatch(Action::Mokafaa(MokafaaAction::Failed(error))),
                }
            });
        })
    };
    html! {
        <section class="lc-card" data-screen="mokafaa-redeemed" data-redemption={redemption.redemption_id.clone()}>
            <h2 class="lc-title">{ t(Text::MokafaaTitle, locale) }</h2>
            <p class="lc-success" role="status">
                { format!("{} {} — {} {}", t(Text::YouUsed, locale), redemption.points, redemption.discount, t(Text::Off, locale)) }
            </p>
            if let Some(after) = redemption.balance_points_after {
                <p class="lc-balance" data-points-after={after.to_string()}>
                    { format!("{} {}", t(Text::Balance, locale), after) }
                </p>
            }
            { error_line(form.error.as_ref()) }
            <button type="button" class="lc-link" data-action="undo" disabled={form.busy} onclick={undo}>{ t(Text::Undo, locale) }</button>
        </section>
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
