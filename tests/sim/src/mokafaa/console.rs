//! `/__sim/mokafaa/...` (routed in [`crate::console`]): the OTPs the bank texted, its books,
//! and the switches a test may set.

use super::model::{Config, Customer};
use crate::console::{refuse, texted};
use crate::console_api::{BankBooks, OtpQuery, Settings, TextedOtp};
use crate::{Reply, Sim};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;

pub(crate) async fn otp(State(sim): State<Sim>, Query(q): Query<OtpQuery>) -> Reply {
    let bank = sim.bank();
    texted(bank.last_otp(&q.mobile).map(TextedOtp::from), "OTP")
}

pub(crate) async fn books(State(sim): State<Sim>) -> Json<BankBooks> {
    let bank = sim.bank();
    Json(BankBooks {
        customers: bank.customers.clone(),
        transactions: bank.transactions.clone(),
        config: bank.config.clone(),
    })
}

pub(crate) async fn add_customer(State(sim): State<Sim>, Json(customer): Json<Customer>) -> Reply {
    let added = sim.bank().add_customer(customer);
    added.map_err(|_| {
        refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid or duplicate mobile / CIC",
        )
    })?;
    Ok(StatusCode::CREATED.into_response())
}

pub(crate) async fn set_config(State(sim): State<Sim>, Json(config): Json<Config>) -> Reply {
    if config.points_per_sar == 0 {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "points_per_sar must be positive",
        ));
    }
    sim.bank().config = config.clone();
    Ok(Json(Settings { config }).into_response())
}
