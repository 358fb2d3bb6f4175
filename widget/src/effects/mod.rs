//! Every network call the widget makes, and nothing else. A view asks for an [`Effect`];
//! [`run`] performs it on the state the view was drawn from, reading the client, session and
//! host from the [`WidgetContext`], and reports each step (sending, answered, failed) as an
//! action. Views never do I/O.

pub mod mokafaa;
pub mod pongo;

use crate::api::EdgeClient;
use crate::context::WidgetContext;
use crate::state::{Action, MokafaaAction, PongoAction, WidgetState};
use loyalty_shared::api::StartSessionRequest;
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

/// Opens the widget's session for the host page's cart, or takes up the one this browser
/// opened for it before (a reload, a second tab, back from the payment page), so a standing
/// redemption shows with its undo instead of a new form. The token is kept in the
/// storefront's `localStorage`, so only this browser can take the session up.
pub fn start_session(
    client: &EdgeClient,
    host: Option<web_sys::Element>,
    request: StartSessionRequest,
    report: Callback<Action>,
) {
    let client = client.clone();
    yew::platform::spawn_local(async move {
        let key = resume_key(&request);
        let resumed = match stored_token(&key) {
            Some(token) => client.session(&token).resume().await.ok(),
            None => None,
        };
        let started = match resumed {
            Some(started) => Ok(started),
            None => client.start_session(&request).await,
        };
        match started {
            Ok(started) => {
                store_token(&key, &started.session_token);
                let redemption = started.redemption.clone();
                report.emit(Action::SessionStarted {
                    token: started.session_token,
                    accepts_iban: started.accepts_iban,
                });
                // An older edge lists nothing: then every program the page asked for stays.
                if !started.programs.is_empty() {
                    report.emit(Action::ProgramsOffered(started.programs));
                }
                if let Some(preview) = started.earn_preview {
                    report.emit(Action::Pongo(PongoAction::EarnPreviewUpdated(preview)));
                }
                if let Some(redemption) = redemption {
                    // The host page forgot the discount on reload: it hears it again.
                    crate::host::announce(host.as_ref(), crate::host::REDEEMED_EVENT, &redemption);
                    report.emit(Action::SelectProgram(loyalty_shared::api::Program::Mokafaa));
                    report.emit(Action::Mokafaa(MokafaaAction::Redeemed(redemption)));
                }
            }
            Err(error) => report.emit(Action::SessionFailed(error)),
        }
    });
}

/// Where this browser keeps the session of one merchant's cart.
fn resume_key(request: &StartSessionRequest) -> String {
    format!(
        "loyalty-checkout:{}:{}",
        request.merchant_id, request.cart_id
    )
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn stored_token(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Best effort: a browser that refuses storage (private mode, policy) just opens a new
/// session on reload.
fn store_token(key: &str, token: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(key, token);
    }
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
    let error = |code| ApiError::new(code, context.locale);
    match (request, context.session.clone()) {
        (Err(code), _) => report.emit(A::INVALID(error(code))),
        (Ok(_), None) => report.emit(A::FAILED(error(ErrorCode::SessionInvalid))),
        (Ok(request), Some(token)) => {
            report.emit(A::SENDING);
            let future = call(context.client.clone(), token, request, report.clone());
            yew::platform::spawn_local(future);
        }
    }
}
