//! Every network call the widget makes, and nothing else. A view asks for an [`Effect`];
//! [`run`] performs it on the state the view was drawn from, reading the client, session and
//! host from the [`WidgetContext`], and reports each step (sending, answered, failed) as an
//! action. Views never do I/O.

pub mod mokafaa;
pub mod pongo;

use crate::api::{failure, EdgeClient};
use crate::context::WidgetContext;
use crate::state::mokafaa::Method;
use crate::state::{Action, MokafaaAction, PongoAction, WidgetState};
use loyalty_shared::api::{RedemptionState, SessionStarted, StartSessionRequest};
use loyalty_shared::{ApiError, ErrorCode};
use std::future::Future;
use yew::Callback;

/// What a view can ask for that needs the edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Mokafaa: send (or resend) the code for the identifier typed, then read the balance.
    SendOtp,
    /// Mokafaa: pay with points, with the code and amount typed.
    Redeem,
    /// Mokafaa: give the redeemed points back.
    Undo,
    /// Pongo: enlist with the phone and answers given.
    Enlist,
    /// Pongo: text a code to the member's phone.
    SendMemberCode,
    /// Pongo: check the code typed back.
    CheckMemberCode,
}

/// Runs `effect` on the state the view was rendered with, reporting through `dispatch`.
pub fn run(
    context: &WidgetContext,
    state: &WidgetState,
    dispatch: &Callback<Action>,
    effect: Effect,
) {
    let to_mokafaa = dispatch.reform(Action::Mokafaa);
    let to_pongo = dispatch.reform(Action::Pongo);
    match effect {
        Effect::SendOtp => mokafaa::send_otp(context, &to_mokafaa, &state.mokafaa),
        Effect::Redeem => mokafaa::redeem(context, &to_mokafaa, &state.mokafaa),
        Effect::Undo => mokafaa::undo(context, &to_mokafaa, &state.mokafaa),
        Effect::Enlist => pongo::enlist(context, &to_pongo, &state.pongo),
        Effect::SendMemberCode => pongo::send_member_code(context, &to_pongo),
        Effect::CheckMemberCode => pongo::check_member_code(context, &to_pongo, &state.pongo),
    }
}

/// Opens the widget's session for the host page's cart, or takes up one this browser opened
/// for it before (a reload, a second tab, back from the payment page), so a standing
/// redemption shows with its undo instead of a new form. Tokens are kept in the storefront's
/// `localStorage`, so only this browser can take a session up.
pub fn start_session(
    client: &EdgeClient,
    host: Option<web_sys::Element>,
    request: StartSessionRequest,
    report: Callback<Action>,
) {
    let client = client.clone();
    yew::platform::spawn_local(async move {
        let key = resume_key(&request);
        let started = match take_up(&client, &key).await {
            Ok(Some(started)) => {
                // The page's total may have changed meanwhile: the session follows it. Best
                // effort: a standing redemption still shows, and the edge refuses a code
                // for a total it does not hold (`cart_changed`).
                let session = client.session(&started.session_token);
                let _ = session.update_cart(request.amount).await;
                Ok(started)
            }
            Ok(None) => client.start_session(&request).await,
            // The edge could not be asked: the kept sessions stay for the next try.
            Err(error) => Err(error),
        };
        match started {
            Ok(started) => {
                remember(&key, &started.session_token);
                report_started(started, host.as_ref(), &report);
            }
            Err(error) => report.emit(Action::SessionFailed(error)),
        }
    });
}

/// The ways to verify the session offers, as the form's choices.
fn offered_methods(started: &SessionStarted) -> Vec<Method> {
    use loyalty_shared::api::VerifyMethod;
    if started.verification_methods.is_empty() {
        let mut methods = vec![Method::Mobile, Method::CustomerNumber];
        if started.accepts_iban {
            methods.push(Method::Iban);
        }
        return methods;
    }
    started
        .verification_methods
        .iter()
        .map(|m| match m {
            VerifyMethod::Mobile => Method::Mobile,
            VerifyMethod::CustomerNumber => Method::CustomerNumber,
            VerifyMethod::Iban => Method::Iban,
        })
        .collect()
}

/// Tells the state what the session offers, and shows a standing redemption.
fn report_started(
    started: SessionStarted,
    host: Option<&web_sys::Element>,
    report: &Callback<Action>,
) {
    let methods = offered_methods(&started);
    report.emit(Action::SessionStarted {
        token: started.session_token,
        methods,
    });
    report.emit(Action::ProgramsOffered(started.programs));
    if let Some(preview) = started.earn_preview {
        report.emit(Action::Pongo(PongoAction::EarnPreviewUpdated(preview)));
    }
    if let Some(redemption) = started.redemption {
        // The host page forgot the discount on reload: it hears it again, while the
        // points still pay for this cart (not once captured or being given back).
        if redemption.state == RedemptionState::Redeemed {
            crate::host::announce(host, crate::host::REDEEMED_EVENT, &redemption);
        }
        report.emit(Action::SelectProgram(loyalty_shared::api::Program::Mokafaa));
        report.emit(Action::Mokafaa(MokafaaAction::Redeemed(redemption)));
    }
}

/// A session this browser opened for the cart that still works: the one holding a standing
/// redemption if any (two tabs may each have opened one), else the newest. `Ok(None)` when
/// the edge refused them all (expired, invalid); an `Err` when it could not be asked.
async fn take_up(client: &EdgeClient, key: &str) -> Result<Option<SessionStarted>, ApiError> {
    let (mut alive, mut newest) = (Vec::new(), None);
    for token in stored_tokens(key) {
        match client.session(&token).resume().await {
            Ok(started) if started.redemption.is_some() => return Ok(Some(started)),
            Ok(started) => {
                newest = newest.or(Some(started));
                alive.push(token);
            }
            Err(error) if gone(&error) => {}
            Err(error) => return Err(error),
        }
    }
    keep_tokens(key, &alive);
    Ok(newest)
}

/// The edge no longer knows the session for this page: it may be forgotten.
fn gone(error: &ApiError) -> bool {
    matches!(
        error.code,
        ErrorCode::SessionInvalid
            | ErrorCode::SessionExpired
            | ErrorCode::OriginNotAllowed
            | ErrorCode::MerchantNotFound
    )
}

/// Where this browser keeps the sessions of one merchant's cart.
fn resume_key(request: &StartSessionRequest) -> String {
    format!(
        "loyalty-checkout:{}:{}",
        request.merchant_id, request.cart_id
    )
}

/// How many sessions of one cart this browser keeps (tabs opened at once).
const KEPT_SESSIONS: usize = 3;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The kept tokens, newest first (hex, comma-separated).
fn stored_tokens(key: &str) -> Vec<String> {
    let kept = storage().and_then(|s| s.get_item(key).ok().flatten());
    kept.map(|k| {
        k.split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect()
    })
    .unwrap_or_default()
}

/// Best effort: a browser that refuses storage (private mode, policy) just opens a new
/// session on reload.
fn keep_tokens(key: &str, tokens: &[String]) {
    if let Some(storage) = storage() {
        let _ = match tokens.is_empty() {
            true => storage.remove_item(key),
            false => storage.set_item(key, &tokens.join(",")),
        };
    }
}

/// Keeps `token` first, with the sessions another tab may hold.
fn remember(key: &str, token: &str) {
    let mut tokens = vec![token.to_string()];
    tokens.extend(stored_tokens(key).into_iter().filter(|t| t != token));
    tokens.truncate(KEPT_SESSIONS);
    keep_tokens(key, &tokens);
}

/// The actions through which a provider's form hears how its request went.
trait FormActions: Sized + 'static {
    const SENDING: Self;
    /// The request did not validate: the edge was not asked.
    const INVALID: fn(ApiError) -> Self;
    const FAILED: fn(ApiError) -> Self;
}

impl FormActions for MokafaaAction {
    const SENDING: Self = MokafaaAction::Sending;
    const INVALID: fn(ApiError) -> Self = MokafaaAction::Invalid;
    const FAILED: fn(ApiError) -> Self = MokafaaAction::Failed;
}

impl FormActions for PongoAction {
    const SENDING: Self = PongoAction::Sending;
    const INVALID: fn(ApiError) -> Self = PongoAction::Invalid;
    const FAILED: fn(ApiError) -> Self = PongoAction::Failed;
}

/// Submits a form's request: nothing while the form is busy; a request that does not
/// validate, or no session yet, becomes the form's error; else it reports sending and
/// `call` runs with the client, the session token, the request and `report`.
fn submit<R, A: FormActions, F: Future<Output = ()> + 'static>(
    context: &WidgetContext,
    report: &Callback<A>,
    busy: bool,
    request: Result<R, ErrorCode>,
    call: impl FnOnce(EdgeClient, String, R, Callback<A>) -> F,
) {
    if busy {
        return;
    }
    match (request, context.session.clone()) {
        (Err(code), _) => report.emit(A::INVALID(failure(code))),
        (Ok(_), None) => report.emit(A::FAILED(failure(ErrorCode::SessionInvalid))),
        (Ok(request), Some(token)) => {
            report.emit(A::SENDING);
            let future = call(context.client.clone(), token, request, report.clone());
            yew::platform::spawn_local(future);
        }
    }
}
