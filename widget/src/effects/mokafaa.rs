//! Mokafaa's calls: send (or resend) the code and read the balance, redeem with the same
//! `Idempotency-Key` until the edge answers, undo.

use super::submit;
use crate::api::{failure, new_idempotency_key, EdgeClient, Session};
use crate::context::WidgetContext;
use crate::host::{announce, REDEEMED_EVENT, REVERSED_EVENT};
use crate::state::{mokafaa_request, redeem_request, MokafaaAction, MokafaaForm};
use loyalty_shared::api::{RedeemRequest, Redemption, SendOtpRequest};
use loyalty_shared::{ApiError, ErrorCode};
use std::time::Duration;
use yew::platform::spawn_local;
use yew::Callback;
use MokafaaAction::*;

/// How many times a redemption whose answer was lost is asked for again before the shopper
/// is told (they can still submit again: the key is kept).
const MAX_CHECKS: u32 = 4;

/// Sends (or resends) the code for what the shopper typed, then reads the balance.
pub fn send_otp(context: &WidgetContext, report: &Callback<MokafaaAction>, form: &MokafaaForm) {
    submit(
        context,
        report,
        form.busy,
        mokafaa_request(form),
        otp_then_balance,
    );
}

async fn otp_then_balance(
    client: EdgeClient,
    token: String,
    request: SendOtpRequest,
    report: Callback<MokafaaAction>,
) {
    let session = client.session(&token);
    match session.send_otp(&request).await {
        Ok(challenge) => {
            let id = challenge.challenge_id.clone();
            report.emit(OtpSent(challenge));
            // The balance is a convenience: redeeming still works without it.
            let balance = session.balance(&id).await;
            report.emit(balance.map_or_else(Failed, BalanceLoaded));
        }
        Err(error) => report.emit(Failed(error)),
    }
}

/// Pays part of the order with points and tells the host page.
pub fn redeem(context: &WidgetContext, report: &Callback<MokafaaAction>, form: &MokafaaForm) {
    if form.busy {
        return;
    }
    let request = match redeem_request(form) {
        Ok(request) => request,
        Err(code) => return report.emit(Invalid(failure(code))),
    };
    let Some(token) = context.session.clone() else {
        return;
    };
    // The same request keeps its key: a retry lands on the first result.
    let key = form.key_for(&request, new_idempotency_key);
    report.emit(Redeeming(request.clone(), key.clone()));
    let (context, report) = (context.clone(), report.clone());
    spawn_local(async move {
        let session = context.client.session(&token);
        match redeem_checking(&session, &report, &key, &request).await {
            Ok(redemption) => {
                announce(context.host.as_ref(), REDEEMED_EVENT, &redemption);
                report.emit(Redeemed(redemption));
            }
            Err(error) => report.emit(Failed(error)),
        }
    });
}

/// One redemption attempt: when there was no answer, or the edge is still settling this
/// key, it asks again with the same key, a few times, showing "checking".
async fn redeem_checking(
    session: &Session<'_>,
    report: &Callback<MokafaaAction>,
    key: &str,
    request: &RedeemRequest,
) -> Result<Redemption, ApiError> {
    let mut tries = 0;
    loop {
        match session.redeem(key, request).await {
            Err(error) if tries < MAX_CHECKS && retryable(error.code) => {
                tries += 1;
                report.emit(Checking);
                let wait = error.retry_after_seconds.unwrap_or(2).clamp(1, 5);
                gloo_timers::future::sleep(Duration::from_secs(u64::from(wait))).await;
            }
            answer => return answer,
        }
    }
}

/// Failures after which the same request, with the same key, may succeed.
fn retryable(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::UpstreamUnavailable | ErrorCode::RequestInProgress
    )
}

/// Gives the redeemed points back and tells the host page.
pub fn undo(context: &WidgetContext, report: &Callback<MokafaaAction>, form: &MokafaaForm) {
    let (Some(token), Some(redemption)) = (context.session.clone(), form.redemption.as_ref())
    else {
        return;
    };
    if form.busy {
        return;
    }
    report.emit(Sending);
    let id = redemption.redemption_id.clone();
    let (context, report) = (context.clone(), report.clone());
    spawn_local(async move {
        match context.client.session(&token).undo(&id).await {
            Ok(redemption) => {
                announce(context.host.as_ref(), REVERSED_EVENT, &redemption);
                report.emit(Undone(redemption));
            }
            Err(error) => report.emit(Failed(error)),
        }
    });
}
