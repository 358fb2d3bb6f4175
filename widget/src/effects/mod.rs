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

/// Opens the widget's session for the host page's cart.
pub fn start_session(client: &EdgeClient, request: StartSessionRequest, report: Callback<Action>) {
    let client = client.clone();
    yew::platform::spawn_local(async move {
        report.emit(match client.start_session(&request).await {
            Ok(started) => Action::SessionStarted {
                token: started.session_token,
                accepts_iban: started.accepts_iban,
            },
            Err(error) => Action::SessionFailed(error),
        });
    });
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
