//! `GET /v1/health`: whether the worker runs and its database answers.

use crate::http::json_response;
use crate::routes::DB_BINDING;
use loyalty_shared::api::{HealthResponse, HealthStatus};
use worker::{Request, Response, Result, RouteContext};

#[utoipa::path(get, path = "/v1/health", tag = "ops",
    responses((status = 200, description = "Up, database answers", body = loyalty_shared::api::HealthResponse),
              (status = 503, description = "Degraded", body = loyalty_shared::api::HealthResponse)))]
pub async fn get(_req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let d1 = database_answers(&ctx).await;
    let body = HealthResponse {
        status: if d1 {
            HealthStatus::Ok
        } else {
            HealthStatus::Degraded
        },
        version: loyalty_shared::VERSION.to_string(),
        d1,
    };
    // A degraded stack answers 503 so load balancers and uptime checks notice.
    json_response(&body, if d1 { 200 } else { 503 })
}

/// True when D1 is bound, reachable and migrated (the merchants table exists).
async fn database_answers(ctx: &RouteContext<()>) -> bool {
    let Ok(db) = ctx.env.d1(DB_BINDING) else {
        return false;
    };
    crate::store::merchants::table_answers(&db).await
}
