//! `/__sim`: the test console, all its routes in one table. The clock, faults and reset are
//! here; each provider's views (texted codes, books, seeding) are its `console` module's.
//! Every shape is in [`crate::console_api`]; [`crate::console_client::SimConsole`] is its
//! client.

use crate::console_api::{Advance, Clock, Faults, Refusal};
use crate::faults::FaultConfig;
use crate::{email, mokafaa, pongo, sms_verify, Reply, Sim};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Serialize;

pub fn router() -> Router<Sim> {
    Router::new()
        .route("/clock", get(clock))
        .route("/clock/advance", post(advance))
        .route("/faults", get(list_faults).delete(clear_faults))
        .route("/faults/{operation}", put(set_fault))
        .route("/reset", post(reset))
        .route(
            "/email/outbox",
            get(email::outbox).delete(email::clear_outbox),
        )
        .route("/sms/inbox", get(sms_verify::console::inbox))
        .nest(
            "/mokafaa",
            Router::new()
                .route("/otp", get(mokafaa::console::otp))
                .route("/books", get(mokafaa::console::books))
                .route("/customers", post(mokafaa::console::add_customer))
                .route("/config", put(mokafaa::console::set_config)),
        )
        .nest(
            "/pongo",
            Router::new()
                .route("/books", get(pongo::console::books))
                .route(
                    "/partner-parameters",
                    put(pongo::console::set_partner_parameters),
                )
                .route("/revoke-tokens", post(pongo::console::revoke_tokens))
                .route("/customers", post(pongo::console::add_customer))
                .route("/customers/{key}/rewards", post(pongo::console::buy_reward))
                .route("/rewards", post(pongo::console::add_reward))
                .route("/config", put(pongo::console::set_config)),
        )
}

/// What was texted to a number, as the console shows it; 404 saying no `what` was.
pub(crate) fn texted<T: Serialize>(found: Option<T>, what: &str) -> Reply {
    let message = format!("no {what} was texted to this number");
    let view = found.ok_or_else(|| refuse(StatusCode::NOT_FOUND, &message))?;
    Ok(Json(view).into_response())
}

/// The console's refusal: `status` with a sentence saying why.
pub(crate) fn refuse(status: StatusCode, message: &str) -> Response {
    let refusal = Refusal {
        message: message.into(),
    };
    (status, Json(refusal)).into_response()
}

fn now(sim: &Sim) -> Json<Clock> {
    Json(Clock {
        now: sim.now(),
        offset_seconds: sim.clock().offset(),
    })
}

async fn clock(State(sim): State<Sim>) -> Json<Clock> {
    now(&sim)
}

async fn advance(State(sim): State<Sim>, Json(body): Json<Advance>) -> Json<Clock> {
    sim.clock().advance(body.seconds);
    now(&sim)
}

fn faults(sim: &Sim) -> Json<Faults> {
    Json(Faults {
        faults: sim.faults().list(),
    })
}

async fn list_faults(State(sim): State<Sim>) -> Json<Faults> {
    faults(&sim)
}

async fn set_fault(
    State(sim): State<Sim>,
    Path(operation): Path<String>,
    Json(config): Json<FaultConfig>,
) -> Json<Faults> {
    sim.faults().set(&operation, config);
    faults(&sim)
}

async fn clear_faults(State(sim): State<Sim>) -> StatusCode {
    sim.faults().clear();
    StatusCode::NO_CONTENT
}

async fn reset(State(sim): State<Sim>) -> StatusCode {
    sim.reset();
    StatusCode::NO_CONTENT
}
