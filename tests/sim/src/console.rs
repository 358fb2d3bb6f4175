//! `/__sim`: the test console. Provider-specific views (OTP inbox, books, seeding) are
//! nested from each provider module; the clock, faults and reset live here.

use crate::faults::FaultConfig;
use crate::{email, mokafaa, pongo, sms_verify, Sim};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

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

async fn clock(State(sim): State<Sim>) -> Json<Value> {
    Json(json!({ "now": sim.now(), "offset_seconds": sim.clock().offset() }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: u32,
}

async fn advance(State(sim): State<Sim>, Json(body): Json<Advance>) -> Json<Value> {
    let now = sim.clock().advance(body.seconds);
    Json(json!({ "now": now, "offset_seconds": sim.clock().offset() }))
}

async fn list_faults(State(sim): State<Sim>) -> Json<Value> {
    Json(json!({ "faults": sim.faults().list() }))
}

async fn set_fault(
    State(sim): State<Sim>,
    Path(operation): Path<String>,
    Json(config): Json<FaultConfig>,
) -> Json<Value> {
    sim.faults().set(&operation, config);
    Json(json!({ "faults": sim.faults().list() }))
}

async fn clear_faults(State(sim): State<Sim>) -> StatusCode {
    sim.faults().clear();
    StatusCode::NO_CONTENT
}

async fn reset(State(sim): State<Sim>) -> StatusCode {
    sim.reset();
    StatusCode::NO_CONTENT
}
