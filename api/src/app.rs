//! The HTTP server: routes, shared state, edge configuration and the fallback for unknown
//! routes and methods.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpRequest, HttpServer, web};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::http::{ApiError, FieldError};
use crate::metrics::Metrics;
use crate::middleware::{nosniff, observe};
use crate::openapi::{self, RouteIndex};
use crate::state::AppState;

async fn fallback(
    req: HttpRequest,
    index: web::Data<RouteIndex>,
) -> Result<actix_web::HttpResponse, ApiError> {
    Err(match index.allowed(req.path()) {
        // A documented path and method that no route took: a path parameter broke the route's
        // pattern (ids are UUIDs).
        Some(methods) if methods.contains(req.method()) => ApiError::bad_parameters(
            index
                .parameters(req.path())
                .into_iter()
                .map(|field| FieldError {
                    field,
                    message: "must be a UUID".into(),
                })
                .collect(),
        ),
        Some(methods) if !methods.is_empty() => {
            let allow: Vec<&str> = methods.iter().map(|m| m.as_str()).collect();
            ApiError::MethodNotAllowed {
                method: req.method().to_string(),
                allow: allow.join(", "),
            }
        }
        _ => ApiError::NotFound("no such route".into()),
    })
}

fn query_error(error: actix_web::error::QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    let message = match error {
        actix_web::error::QueryPayloadError::Deserialize(e) => e.to_string(),
        _ => "the query string could not be read".into(),
    };
    ApiError::bad_parameters(vec![FieldError {
        field: "query".into(),
        message,
    }])
    .into()
}

fn path_error(_: actix_web::error::PathError, _: &HttpRequest) -> actix_web::Error {
    ApiError::bad_parameters(vec![FieldError {
        field: "path".into(),
        message: "a path parameter could not be read".into(),
    }])
    .into()
}

/// Starts serving on `listener` with `workers` worker threads.
pub fn serve(listener: TcpListener, state: AppState, workers: usize) -> std::io::Result<Server> {
    crate::housekeeping::start(state.db.clone(), state.settings);
    crate::audit::indexer::start(state.db.clone());
    crate::scrub::start(state.db.clone(), state.settings.scrub_every);
    crate::retention::schedule(state.db.clone(), state.settings.retention_sweep_every);
    let document = openapi::document();
    let index = web::Data::new(RouteIndex::from_document(&document));
    let state = web::Data::new(state);
    let metrics = web::Data::new(Metrics::default());
    let document = Arc::new(document);
    let server = HttpServer::new(move || {
        let (app, _) = App::new()
            .into_utoipa_app()
            .configure(openapi::configure)
            .split_for_parts();
        app.app_data(state.clone())
            .app_data(metrics.clone())
            .app_data(index.clone())
            // Bodies are read whole up to 1 MiB (actix's default stops at 256 KiB).
            .app_data(web::PayloadConfig::new(crate::http::json::BODY_LIMIT))
            .app_data(web::QueryConfig::default().error_handler(query_error))
            .app_data(web::PathConfig::default().error_handler(path_error))
            .service(crate::routes::scim::scope())
            .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", (*document).clone()))
            .default_service(web::to(fallback))
            .wrap(nosniff())
            .wrap(from_fn(observe))
    })
    .workers(workers)
    .listen(listener)?
    .run();
    Ok(server)
}
