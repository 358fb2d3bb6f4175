//! `GET /v1/health`: whether the worker runs and its database answers.

use crate::http::ApiResult;
use crate::routes::call::{reply, Call};
use loyalty_shared::api::{HealthResponse, HealthStatus};
use worker::Response;

#[cfg_attr(feature = "openapi", utoipa::path(get, path = "/v1/health", tag = "ops",
    responses((status = 200, description = "Up, database answers", body = loyalty_shared::api::HealthResponse),
              (status = 503, description = "Degraded", body = loyalty_shared::api::HealthResponse))))]
pub async fn get(call: Call) -> ApiResult<Response> {
    let d1 = crate::store::merchants::table_answers(&call.db).await;
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
    reply(&body, if d1 { 200 } else { 503 })
}
