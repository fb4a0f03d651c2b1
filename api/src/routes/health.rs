//! Liveness, readiness and Prometheus metrics: unauthenticated, outside `/api/v1`.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::{ApiError, ApiResult, Problem};
use crate::metrics::Metrics;
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config.service(live).service(ready).service(metrics);
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Liveness
///
/// The process is up and serving.
#[utoipa::path(
    operation_id = "health_live",
    tag = "health",
    security(),
    responses((status = 200, description = "Serving", body = Health))
)]
#[get("/health/live")]
async fn live() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// Readiness
///
/// The database answers; 503 when it does not.
#[utoipa::path(
    operation_id = "health_ready",
    tag = "health",
    security(),
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "The database does not answer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/health/ready")]
async fn ready(state: web::Data<AppState>) -> ApiResult<web::Json<Health>> {
    let db = state.db.clone();
    web::block(move || db.ping())
        .await?
        .map_err(|_| ApiError::Unavailable("the database does not answer".into()))?;
    Ok(web::Json(Health { status: "ready" }))
}

/// Metrics
///
/// Prometheus text: requests and latency per route and status.
#[utoipa::path(
    operation_id = "metrics",
    tag = "health",
    security(),
    responses((status = 200, description = "Prometheus exposition", body = String, content_type = "text/plain"))
)]
#[get("/metrics")]
async fn metrics(metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render())
}
