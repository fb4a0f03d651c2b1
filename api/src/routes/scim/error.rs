//! SCIM answers its faults in its own shape (RFC 7644 §3.12): `application/scim+json` with the
//! Error schema, a string status, a `scimType` where one applies and a detail.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use domain::scim::ERROR_SCHEMA;
use domain::scim::error::ScimError;
use persistence::StoreError;
use serde_json::json;

use crate::http::ApiError;

pub const SCIM_JSON: &str = "application/scim+json";

/// A SCIM request refused or failed.
#[derive(Debug)]
pub struct ScimFailure(pub ScimError);

pub type ScimResult<T> = Result<T, ScimFailure>;

impl std::fmt::Display for ScimFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl From<ScimError> for ScimFailure {
    fn from(error: ScimError) -> Self {
        ScimFailure(error)
    }
}

impl From<ApiError> for ScimFailure {
    /// The rest of the service's refusals (authentication, roles, storage), told in SCIM's
    /// shape with the same status and detail.
    fn from(error: ApiError) -> Self {
        let status = error.status_code().as_u16();
        let detail = match &error {
            ApiError::InvalidFields { errors, .. } if !errors.is_empty() => errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        };
        let scim_type = match &error {
            ApiError::Conflict(_) => Some(domain::scim::error::ScimType::Uniqueness),
            ApiError::InvalidFields { .. } | ApiError::BadRequest(_) => {
                Some(domain::scim::error::ScimType::InvalidValue)
            }
            _ => None,
        };
        ScimFailure(ScimError {
            status: if status == 422 { 400 } else { status },
            scim_type,
            detail,
        })
    }
}

impl From<StoreError> for ScimFailure {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Stale => ScimFailure(ScimError {
                status: 409,
                scim_type: None,
                detail: "the user changed while this request was applied; send it again".into(),
            }),
            StoreError::Conflict(_) => ScimFailure(ScimError::uniqueness(
                "a value that must be unique (userName or externalId) is already held",
            )),
            other => ApiError::from(other).into(),
        }
    }
}

impl ResponseError for ScimFailure {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut body = json!({
            "schemas": [ERROR_SCHEMA],
            "status": self.0.status.to_string(),
            "detail": self.0.detail,
        });
        if let Some(kind) = self.0.scim_type {
            body["scimType"] = json!(kind.as_str());
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type(SCIM_JSON);
        match self.0.status {
            401 => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            503 => {
                response.insert_header((
                    header::RETRY_AFTER,
                    crate::http::problem::RETRY_AFTER_SECONDS,
                ));
            }
            _ => {}
        }
        response.body(body.to_string())
    }
}
