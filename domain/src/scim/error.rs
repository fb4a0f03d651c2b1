//! SCIM's error answer (RFC 7644 §3.12): an HTTP status, a `scimType` naming the kind of
//! fault where the RFC gives one, and a detail that never repeats a value sent.

use crate::closed_set;

closed_set! {
    /// The `scimType` of a 400 or 409 (RFC 7644 §3.12, table 9).
    pub enum ScimType for "scimType" {
        InvalidFilter = "invalidFilter",
        TooMany = "tooMany",
        Uniqueness = "uniqueness",
        Mutability = "mutability",
        InvalidSyntax = "invalidSyntax",
        InvalidPath = "invalidPath",
        NoTarget = "noTarget",
        InvalidValue = "invalidValue",
        InvalidVers = "invalidVers",
        Sensitive = "sensitive",
    }
}

/// A refused SCIM request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status}: {detail}")]
pub struct ScimError {
    pub status: u16,
    pub scim_type: Option<ScimType>,
    pub detail: String,
}

impl ScimError {
    /// A 400 of the given kind.
    pub fn bad(scim_type: ScimType, detail: impl Into<String>) -> Self {
        ScimError {
            status: 400,
            scim_type: Some(scim_type),
            detail: detail.into(),
        }
    }

    pub fn invalid_value(detail: impl Into<String>) -> Self {
        Self::bad(ScimType::InvalidValue, detail)
    }

    pub fn invalid_syntax(detail: impl Into<String>) -> Self {
        Self::bad(ScimType::InvalidSyntax, detail)
    }

    pub fn invalid_path(detail: impl Into<String>) -> Self {
        Self::bad(ScimType::InvalidPath, detail)
    }

    pub fn invalid_filter(detail: impl Into<String>) -> Self {
        Self::bad(ScimType::InvalidFilter, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        ScimError {
            status: 404,
            scim_type: None,
            detail: detail.into(),
        }
    }

    /// 409: a value that must be unique is already held.
    pub fn uniqueness(detail: impl Into<String>) -> Self {
        ScimError {
            status: 409,
            scim_type: Some(ScimType::Uniqueness),
            detail: detail.into(),
        }
    }
}

impl From<crate::DomainError> for ScimError {
    /// A domain rule refusing a value: `invalidValue`, naming the SCIM attribute it came from.
    fn from(error: crate::DomainError) -> Self {
        match error {
            crate::DomainError::Invalid { field, message } => {
                ScimError::invalid_value(format!("{}: {message}", super::user::scim_name(field)))
            }
            other => ScimError::invalid_value(other.to_string()),
        }
    }
}
