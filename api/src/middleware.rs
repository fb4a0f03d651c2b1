//! Every request gets an id (echoed in `x-request-id`), a tracing span carrying it, one log
//! line when answered, and a metrics observation. Only the method, the route pattern, the
//! status and the time are logged: never paths, queries, bodies or headers, which may carry
//! personal data.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Next};
use actix_web::web;
use tracing::Instrument;

use crate::metrics::Metrics;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A caller's request id is kept only if it is a short token of safe characters.
fn incoming_request_id(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(&REQUEST_ID)?.to_str().ok()?;
    let ok = !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    ok.then(|| value.to_owned())
}

pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let request_id =
        incoming_request_id(&req).unwrap_or_else(|| crate::clock::new_uuid().to_string());
    let method = req.method().as_str().to_owned();
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let span =
        tracing::info_span!("request", request_id = %request_id, method = %method, route = %route);
    let result = next.call(req).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let mut response = result?;
    let status = response.status().as_u16();
    if let Some(metrics) = metrics {
        metrics.observe(method, route, status, elapsed);
    }
    span.in_scope(|| {
        tracing::info!(
            status,
            latency_ms = elapsed.as_secs_f64() * 1000.0,
            "answered"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(response)
}

/// What every answer carries, whoever builds it (handlers, SCIM, Swagger UI, actix's own
/// refusals): browsers must take the declared content type and never sniff another, so that
/// no body, an echoed error included, can be run as script or read as a page.
pub fn nosniff() -> DefaultHeaders {
    DefaultHeaders::new().add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
}
