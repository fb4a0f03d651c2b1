//! What storage can answer besides success. Messages carry no SQL text and no stored values.

use domain::DomainError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness rule refused the write; names the constraint, never the values.
    #[error("conflicts with an existing record ({0})")]
    Conflict(String),
    /// The caller's `If-Match` version is not the stored one.
    #[error("the record has changed since it was read")]
    Stale,
    /// A rule of the domain refused the change.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// Rules of the register refused the change; every breach, each naming its field.
    #[error("refused by {} rule(s) of the register", .0.len())]
    Refused(Vec<domain::register::RuleViolation>),
    /// The entry cannot go while others still refer to it; names the kind of referrer.
    #[error("{0}")]
    InUse(String),
    /// A stored value no longer parses into its domain type.
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// The transaction holding this change did not commit; nothing of it was stored.
    #[error("not committed ({0})")]
    NotCommitted(String),
    #[error("database unavailable")]
    Unavailable(#[source] r2d2::Error),
    #[error("database error ({kind})")]
    Database {
        kind: &'static str,
        #[source]
        source: diesel::result::Error,
    },
}

impl From<diesel::result::Error> for StoreError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match error {
            Error::NotFound => StoreError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, ref info) => {
                StoreError::Conflict(info.constraint_name().unwrap_or("unique").to_owned())
            }
            other => {
                let kind = match &other {
                    Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                        "serialization failure"
                    }
                    Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                        "foreign key violation"
                    }
                    Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                        "closed connection"
                    }
                    Error::DatabaseError(..) => "database",
                    Error::DeserializationError(_) => "deserialization",
                    Error::SerializationError(_) => "serialization",
                    Error::RollbackTransaction => "rollback",
                    _ => "query",
                };
                StoreError::Database {
                    kind,
                    source: other,
                }
            }
        }
    }
}

impl From<r2d2::Error> for StoreError {
    fn from(error: r2d2::Error) -> Self {
        StoreError::Unavailable(error)
    }
}
