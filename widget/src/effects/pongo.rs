//! Pongo's calls: enlist, prove a member's phone with a texted code, and follow the host
//! page's cart with the earn preview.

use super::submit;
use crate::api::EdgeClient;
use crate::context::WidgetContext;
use crate::state::{pongo_request, PongoAction, PongoForm};
use loyalty_shared::api::EnlistRequest;
use loyalty_shared::Money;
use yew::platform::spawn_local;
use yew::Callback;
use PongoAction::*;

/// Enlists the phone with both opt-in answers; the member card follows.
pub fn enlist(context: &WidgetContext, report: &Callback<PongoAction>, form: &PongoForm) {
    submit(context, report, form.busy, pongo_request(form), enlisting);
}

async fn enlisting(
    client: EdgeClient,
    token: String,
    request: EnlistRequest,
    report: Callback<PongoAction>,
) {
    let answer = client.session(&token).enlist(&request).await;
    report.emit(answer.map_or_else(Failed, Enlisted));
}

/// Texts a code to an existing member's phone, to open their card.
pub fn send_member_code(context: &WidgetContext, report: &Callback<PongoAction>) {
    let Some(token) = context.session.clone() else {
        return;
    };
    report.emit(Sending);
    let (client, report) = (context.client.clone(), report.clone());
    spawn_local(async move {
        let answer = client.session(&token).send_member_code().await;
        report.emit(answer.map_or_else(Failed, CodeSent));
    });
}

/// Checks the texted code the shopper typed back: right, the member card opens.
pub fn check_member_code(
    context: &WidgetContext,
    report: &Callback<PongoAction>,
    form: &PongoForm,
) {
    if form.busy {
        return;
    }
    let Some(token) = context.session.clone() else {
        return;
    };
    report.emit(Sending);
    let (client, report, code) = (context.client.clone(), report.clone(), form.code.clone());
    spawn_local(async move {
        let answer = client.session(&token).check_member_code(&code).await;
        report.emit(answer.map_or_else(Failed, Enlisted));
    });
}

/// The host page's cart total changed: the session follows it, then the earn preview.
pub fn cart_changed(
    context: &WidgetContext,
    report: &Callback<PongoAction>,
    token: String,
    amount: Money,
) {
    let (client, report) = (context.client.clone(), report.clone());
    spawn_local(async move {
        let session = client.session(&token);
        if session.update_cart(amount).await.is_ok() {
            // A merchant without Pongo answers pongo_not_connected: nothing to show.
            if let Ok(preview) = session.earn_preview().await {
                report.emit(EarnPreviewUpdated(preview));
            }
        }
    });
}
