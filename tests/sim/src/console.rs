//! `/__sim`: the test console. Provider-specific views (OTP inbox, books, seeding) are
//! nested from each provider module; the clock, faults and reset live here. Every shape is
//! in [`crate::console_api`]; [`crate::console_client::SimConsole`] is its client.

use crate::console_api::{Advance, Clock, Faults, Refusal};
use crate::faults::FaultConfig;
use crate::{email, mokafaa, pongo, sms_verify, Sim};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};

pub fn router() -> Router<Sim> {
    Router::new()
        .route("/clock", get(clock))
        .route("/clock/advance", post(advance))
        .route("/faults", get(list_faults).delete(clear_faults))
        .route("/faults/{operation}", put(set_fault))
        .route("/reset", post(reset))
        .nest("/mokafaa", mokafaa::console())
        .nest("/pongo", pongo::console())
        .nest("/email", email::console())
        .nest("/sms", sms_verify::console())
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
