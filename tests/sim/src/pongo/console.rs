//! `/__sim/pongo/...` (routed in [`crate::console`]): the account's books, and what a test
//! changes at Pongo behind the edge's back (the earn rule, revoked tokens, customers and
//! rewards bought at a till).

use super::http::{data, found, random_id};
use super::model::{Config, Reward};
use crate::console_api::{PartnerParametersSet, PongoBooks, Settings};
use crate::{Reply, Sim};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use loyalty_shared::PartnerParameters;
use serde_json::Value;

pub(crate) async fn books(State(sim): State<Sim>) -> Json<PongoBooks> {
    let p = sim.pongo();
    Json(PongoBooks {
        customers: p.customers.clone(),
        orders: p.orders.clone(),
        checkins: p.checkins.clone(),
        rewards: p.rewards.clone(),
        customer_rewards: p.customer_rewards.clone(),
        deliveries: p.deliveries.clone(),
        points_log: p.points_log.clone(),
        webhooks: p.webhooks.clone(),
        config: p.config.clone(),
    })
}

pub(crate) async fn set_partner_parameters(
    State(sim): State<Sim>,
    Json(partner_parameters): Json<PartnerParameters>,
) -> Json<PartnerParametersSet> {
    sim.pongo().config.partner_parameters = partner_parameters;
    Json(PartnerParametersSet { partner_parameters })
}

pub(crate) async fn revoke_tokens(State(sim): State<Sim>) -> StatusCode {
    sim.pongo().revoke_tokens();
    StatusCode::NO_CONTENT
}

/// A customer as `POST /v1/customers` takes it (no token needed here).
pub(crate) async fn add_customer(State(sim): State<Sim>, Json(body): Json<Value>) -> Reply {
    let id = random_id(&sim);
    let created = sim.pongo().create_customer(&body, id);
    Ok(data(StatusCode::CREATED, created?))
}

pub(crate) async fn add_reward(State(sim): State<Sim>, Json(reward): Json<Reward>) -> Reply {
    sim.pongo().rewards.push(reward.clone());
    Ok(data(StatusCode::CREATED, reward))
}

/// A customer buys a reward with their points, as at a till (no token needed here).
pub(crate) async fn buy_reward(
    State(sim): State<Sim>,
    Path(key): Path<String>,
    Json(body): Json<Value>,
) -> Reply {
    let id = random_id(&sim);
    let bought = sim.pongo().buy_reward(&key, &body, id);
    Ok(data(StatusCode::CREATED, found("Customer", bought)?))
}

pub(crate) async fn set_config(
    State(sim): State<Sim>,
    Json(config): Json<Config>,
) -> Json<Settings<Config>> {
    sim.pongo().config = config.clone();
    Json(Settings { config })
}
