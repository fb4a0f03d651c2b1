//! SCIM 2.0 at `/scim/v2` (RFC 7643, RFC 7644) for identity integrators: Users with the
//! enterprise extension, and the discovery endpoints that describe them. SCIM describes itself
//! through `/ServiceProviderConfig`, `/Schemas` and `/ResourceTypes`, so these operations are
//! not in the OpenAPI document. The rules live in `domain::scim`; this module reads requests,
//! runs them in one transaction, and answers in `application/scim+json`.

mod error;
mod users;

use actix_web::dev::HttpServiceFactory;
use actix_web::{HttpRequest, HttpResponse, web};
use domain::scim::error::ScimError;
use domain::scim::schema::{SCHEMAS, schema_resource, service_provider_config, user_resource_type};
use serde_json::{Value, json};

pub use error::{SCIM_JSON, ScimResult};

/// A list or search returns at most this many Users a page.
pub const MAX_RESULTS: u32 = 1000;

/// The service's base URL as the client reached it: resource locations are built on it.
fn base_url(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}/scim/v2", info.scheme(), info.host())
}

fn scim_json(status: actix_web::http::StatusCode, body: &Value) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(SCIM_JSON)
        .body(body.to_string())
}

fn list_response(resources: Vec<Value>, total: u64, start_index: u64) -> Value {
    json!({
        "schemas": [domain::scim::LIST_RESPONSE_SCHEMA],
        "totalResults": total,
        "startIndex": start_index,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })
}

async fn provider_config(req: HttpRequest) -> HttpResponse {
    scim_json(
        actix_web::http::StatusCode::OK,
        &service_provider_config(&base_url(&req), MAX_RESULTS),
    )
}

async fn schemas(req: HttpRequest) -> HttpResponse {
    let base = base_url(&req);
    let all: Vec<Value> = SCHEMAS
        .iter()
        .filter_map(|urn| schema_resource(urn, &base))
        .collect();
    let total = all.len() as u64;
    scim_json(
        actix_web::http::StatusCode::OK,
        &list_response(all, total, 1),
    )
}

async fn schema(req: HttpRequest, id: web::Path<String>) -> ScimResult<HttpResponse> {
    let doc = schema_resource(&id, &base_url(&req))
        .ok_or_else(|| ScimError::not_found("no such schema"))?;
    Ok(scim_json(actix_web::http::StatusCode::OK, &doc))
}

async fn resource_types(req: HttpRequest) -> HttpResponse {
    scim_json(
        actix_web::http::StatusCode::OK,
        &list_response(vec![user_resource_type(&base_url(&req))], 1, 1),
    )
}

async fn resource_type(req: HttpRequest, id: web::Path<String>) -> ScimResult<HttpResponse> {
    if id.as_str() != "User" {
        return Err(ScimError::not_found("no such resource type").into());
    }
    Ok(scim_json(
        actix_web::http::StatusCode::OK,
        &user_resource_type(&base_url(&req)),
    ))
}

/// A known endpoint asked with a method it does not answer.
async fn method_not_allowed(req: HttpRequest) -> ScimResult<HttpResponse> {
    Err(ScimError {
        status: 405,
        scim_type: None,
        detail: format!("{} is not allowed here", req.method()),
    }
    .into())
}

async fn no_such_endpoint() -> ScimResult<HttpResponse> {
    Err(ScimError::not_found("no such SCIM endpoint").into())
}

fn resource(path: &str, routes: Vec<actix_web::Route>) -> actix_web::Resource {
    let mut resource = web::resource(path);
    for route in routes {
        resource = resource.route(route);
    }
    resource.default_service(web::to(method_not_allowed))
}

/// The `/scim/v2` scope.
pub fn scope() -> impl HttpServiceFactory {
    web::scope("/scim/v2")
        .service(resource(
            "/ServiceProviderConfig",
            vec![web::get().to(provider_config)],
        ))
        .service(resource("/Schemas", vec![web::get().to(schemas)]))
        .service(resource("/Schemas/{id}", vec![web::get().to(schema)]))
        .service(resource(
            "/ResourceTypes",
            vec![web::get().to(resource_types)],
        ))
        .service(resource(
            "/ResourceTypes/{id}",
            vec![web::get().to(resource_type)],
        ))
        .service(resource(
            "/Users/.search",
            vec![web::post().to(users::search)],
        ))
        .service(resource("/.search", vec![web::post().to(users::search)]))
        .service(resource(
            "/Users",
            vec![web::get().to(users::list), web::post().to(users::create)],
        ))
        .service(resource(
            "/Users/{id}",
            vec![
                web::get().to(users::get),
                web::put().to(users::replace),
                web::patch().to(users::patch),
                web::delete().to(users::delete),
            ],
        ))
        .default_service(web::to(no_such_endpoint))
}
