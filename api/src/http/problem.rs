//! RFC 9457 problem details: the one shape of every error this API answers with.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use persistence::StoreError;
use serde::Serialize;
use utoipa::{IntoResponses, ToResponse, ToSchema};

/// One invalid field of a request.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// The field, as a path into the request (`title`, `requester`, `limit`).
    pub field: String,
    pub message: String,
}

/// An RFC 9457 problem: `application/problem+json`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[schema(example = "https://servicedesk.invalid/problems/validation")]
    pub r#type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The invalid fields, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// Responses every operation of a kind can give, published once under `components/responses`
/// and referenced by name from each operation. They describe answers; nothing constructs them.
#[expect(
    dead_code,
    reason = "contract descriptions only; ApiError builds the actual answers"
)]
pub mod responses {
    use super::*;

    /// The body is not JSON, or a path parameter is malformed.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct BadRequest(Problem);

    /// A missing, expired or invalid bearer token.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct Unauthenticated(Problem);

    /// The request body is larger than 1 MiB.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct PayloadTooLarge(Problem);

    /// The request body is not `application/json`.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct UnsupportedMediaType(Problem);

    /// Fields are missing, of the wrong type or out of bounds; `errors` names each.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct InvalidFields(Problem);

    /// Query or path parameters are malformed; `errors` names each.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct InvalidParameters(Problem);

    /// `If-Match` names a version that is no longer current: read the resource again.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct Stale(Problem);

    /// What every operation taking a JSON body may also answer.
    #[derive(IntoResponses)]
    pub enum BodyProblems {
        #[response(status = 400)]
        BadRequest(#[ref_response] BadRequest),
        #[response(status = 401)]
        Unauthenticated(#[ref_response] Unauthenticated),
        #[response(status = 413)]
        PayloadTooLarge(#[ref_response] PayloadTooLarge),
        #[response(status = 415)]
        UnsupportedMediaType(#[ref_response] UnsupportedMediaType),
        #[response(status = 422)]
        InvalidFields(#[ref_response] InvalidFields),
    }

    /// What every read of one resource by its path may also answer.
    #[derive(IntoResponses)]
    pub enum PathProblems {
        #[response(status = 400)]
        BadRequest(#[ref_response] BadRequest),
        #[response(status = 401)]
        Unauthenticated(#[ref_response] Unauthenticated),
    }

    /// What every list may also answer.
    #[derive(IntoResponses)]
    pub enum ListProblems {
        #[response(status = 400)]
        InvalidParameters(#[ref_response] InvalidParameters),
        #[response(status = 401)]
        Unauthenticated(#[ref_response] Unauthenticated),
    }
}

/// How long a client is asked to wait before retrying while the database is away: the pool
/// reconnects within a few seconds of its return.
pub const RETRY_AFTER_SECONDS: &str = "2";

/// Every way a request can fail. Details name what was wrong, never personal data, SQL or a
/// stack trace.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{detail}")]
    InvalidFields {
        status: StatusCode,
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("{0}")]
    Unauthenticated(&'static str),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{method} is not allowed here")]
    MethodNotAllowed { method: String, allow: String },
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PreconditionFailed(String),
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The database cannot be reached: answered with `Retry-After`.
    #[error("{0}")]
    Unavailable(String),
    /// The database or its disk is full: writes wait for space, reads go on.
    #[error("the database or its disk is full: nothing was stored; reads still work")]
    InsufficientStorage,
    #[error("internal error")]
    Internal,
}

impl ApiError {
    /// One invalid field: 422.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::fields(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    /// Several invalid fields: 422.
    pub fn fields(errors: Vec<FieldError>) -> Self {
        let names: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        ApiError::InvalidFields {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail: format!("invalid fields: {}", names.join(", ")),
            errors,
        }
    }

    /// Invalid query or path parameters: 400, naming each.
    pub fn bad_parameters(errors: Vec<FieldError>) -> Self {
        let names: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        ApiError::InvalidFields {
            status: StatusCode::BAD_REQUEST,
            detail: format!("invalid parameters: {}", names.join(", ")),
            errors,
        }
    }

    /// 404 naming what the caller asked for: "no such {what}".
    pub fn no_such(what: &str) -> Self {
        ApiError::NotFound(format!("no such {what}"))
    }

    /// For `map_err` after storage work: a `NotFound` becomes a 404 naming `what` (the store
    /// knows rows, the route knows resources); any other error passes through.
    pub fn not_found_as(what: &str) -> impl FnOnce(ApiError) -> ApiError + '_ {
        move |error| match error {
            ApiError::NotFound(_) => ApiError::no_such(what),
            other => other,
        }
    }

    fn kind(&self) -> (&'static str, &'static str) {
        match self {
            ApiError::BadRequest(_) => ("bad-request", "Bad request"),
            ApiError::InvalidFields { status, .. } if *status == StatusCode::BAD_REQUEST => {
                ("invalid-parameters", "Invalid parameters")
            }
            ApiError::InvalidFields { .. } => ("validation", "Invalid fields"),
            ApiError::Unauthenticated(_) => ("unauthenticated", "Unauthenticated"),
            ApiError::Forbidden(_) => ("forbidden", "Forbidden"),
            ApiError::NotFound(_) => ("not-found", "Not found"),
            ApiError::MethodNotAllowed { .. } => ("method-not-allowed", "Method not allowed"),
            ApiError::Conflict(_) => ("conflict", "Conflict"),
            ApiError::PreconditionFailed(_) => ("precondition-failed", "Precondition failed"),
            ApiError::PayloadTooLarge { .. } => ("payload-too-large", "Payload too large"),
            ApiError::UnsupportedMediaType(_) => {
                ("unsupported-media-type", "Unsupported media type")
            }
            ApiError::Unavailable(_) => ("unavailable", "Service unavailable"),
            ApiError::InsufficientStorage => ("insufficient-storage", "Insufficient storage"),
            ApiError::Internal => ("internal", "Internal server error"),
        }
    }

    pub fn problem(&self) -> Problem {
        let (slug, title) = self.kind();
        Problem {
            r#type: format!("https://servicedesk.invalid/problems/{slug}"),
            title: title.to_owned(),
            status: self.status_code().as_u16(),
            detail: self.to_string(),
            errors: match self {
                ApiError::InvalidFields { errors, .. } => errors.clone(),
                _ => Vec::new(),
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::InvalidFields { status, .. } => *status,
            ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::InsufficientStorage => StatusCode::INSUFFICIENT_STORAGE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ));
        match self {
            ApiError::Unauthenticated(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::MethodNotAllowed { allow, .. } => {
                response.insert_header((header::ALLOW, allow.as_str()));
            }
            ApiError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECONDS));
            }
            _ => {}
        }
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        response.body(body)
    }
}

impl From<domain::DomainError> for FieldError {
    /// A domain refusal as a field error: the field it names, or `body` for a refusal that is
    /// not about one field.
    fn from(error: domain::DomainError) -> Self {
        match error {
            domain::DomainError::Invalid { field, message } => FieldError {
                field: field.to_owned(),
                message,
            },
            other => FieldError {
                field: "body".into(),
                message: other.to_string(),
            },
        }
    }
}

impl From<domain::DomainError> for ApiError {
    fn from(error: domain::DomainError) -> Self {
        match error {
            domain::DomainError::Invalid { field, message } => ApiError::field(field, message),
            domain::DomainError::NotPermitted(rule) => ApiError::Forbidden(rule.to_owned()),
            transition @ domain::DomainError::IllegalTransition { .. } => {
                ApiError::Conflict(transition.to_string())
            }
            domain::DomainError::Conflict(why) => ApiError::Conflict(why.to_owned()),
            out_of_turn @ domain::DomainError::OutOfTurn { .. } => {
                ApiError::Conflict(out_of_turn.to_string())
            }
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => ApiError::NotFound("no such resource".into()),
            StoreError::Conflict(constraint) => {
                ApiError::Conflict(format!("conflicts with an existing record ({constraint})"))
            }
            StoreError::Stale => ApiError::PreconditionFailed(
                "the resource has changed since it was read; fetch it again".into(),
            ),
            StoreError::Domain(rule) => rule.into(),
            StoreError::Refused(violations) => ApiError::fields(
                violations
                    .into_iter()
                    .map(|v| FieldError {
                        field: v.field.to_owned(),
                        message: v.message,
                    })
                    .collect(),
            ),
            StoreError::InUse(detail) => ApiError::Conflict(detail),
            StoreError::Unavailable(reason) => {
                // No personal data in the reason: it names the fault, never a value.
                tracing::warn!(%reason, "database unavailable");
                ApiError::Unavailable(format!("{reason}; try again shortly"))
            }
            StoreError::Full => {
                tracing::error!("database or disk full: a write was refused");
                ApiError::InsufficientStorage
            }
            other => {
                // The error's text carries no SQL values (see StoreError); its kind is enough
                // to investigate.
                tracing::error!(error = %other, "storage failure");
                ApiError::Internal
            }
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(_: actix_web::error::BlockingError) -> Self {
        tracing::error!("blocking pool gone");
        ApiError::Internal
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_as_names_the_resource_and_passes_other_errors_through() {
        let named = ApiError::not_found_as("asset")(StoreError::NotFound.into());
        assert_eq!(named.problem().detail, "no such asset");
        assert_eq!(named.status_code(), StatusCode::NOT_FOUND);
        let stale = ApiError::not_found_as("asset")(StoreError::Stale.into());
        assert_eq!(stale.status_code(), StatusCode::PRECONDITION_FAILED);
    }
}
