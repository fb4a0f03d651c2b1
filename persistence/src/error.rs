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
    /// The database cannot be reached, or lost the connection mid-request: nothing of the change
    /// was stored, and the same request may succeed once the database is back.
    #[error("database unavailable ({0})")]
    Unavailable(String),
    /// The database or its disk is full: writes are refused until space is made; reads go on.
    #[error("database or disk is full")]
    Full,
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
            ref lost if connection_lost(lost) => {
                StoreError::Unavailable("the connection to the database was lost".into())
            }
            Error::DatabaseError(_, ref info) if is_full(info.message()) => StoreError::Full,
            Error::DatabaseError(_, ref info) if is_locked(info.message()) => {
                StoreError::Unavailable("the database is locked by another writer".into())
            }
            other => {
                let kind = match &other {
                    Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                        "serialization failure"
                    }
                    Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                        "foreign key violation"
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
    fn from(_: r2d2::Error) -> Self {
        StoreError::Unavailable("no database connection could be had in time".into())
    }
}

/// Whether an error means the connection it came from no longer reaches the server: the server
/// closed it (a restart, a failover) or the transaction machinery was left broken by that.
pub(crate) fn connection_lost(error: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match error {
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => true,
        Error::BrokenTransactionManager => true,
        Error::RollbackErrorOnCommit {
            rollback_error,
            commit_error,
        } => connection_lost(rollback_error) || connection_lost(commit_error),
        _ => false,
    }
}

/// SQLite's SQLITE_FULL ("database or disk is full"), or PostgreSQL failing to extend a file
/// (ENOSPC).
fn is_full(message: &str) -> bool {
    message.contains("database or disk is full") || message.contains("No space left on device")
}

/// SQLite's SQLITE_BUSY after the busy timeout: another process holds the write lock.
fn is_locked(message: &str) -> bool {
    message.contains("database is locked")
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorKind, Error};

    fn database_error(kind: DatabaseErrorKind, message: &str) -> Error {
        Error::DatabaseError(kind, Box::new(message.to_owned()))
    }

    #[test]
    fn a_closed_connection_is_unavailable_not_an_internal_error() {
        let lost = database_error(DatabaseErrorKind::ClosedConnection, "server closed");
        assert!(matches!(StoreError::from(lost), StoreError::Unavailable(_)));
        let rollback = Error::RollbackErrorOnCommit {
            rollback_error: Box::new(database_error(DatabaseErrorKind::ClosedConnection, "")),
            commit_error: Box::new(Error::NotFound),
        };
        assert!(matches!(
            StoreError::from(rollback),
            StoreError::Unavailable(_)
        ));
    }

    #[test]
    fn a_full_disk_and_a_held_lock_are_named() {
        let full = database_error(DatabaseErrorKind::Unknown, "database or disk is full");
        assert!(matches!(StoreError::from(full), StoreError::Full));
        let pg_full = database_error(
            DatabaseErrorKind::Unknown,
            "could not extend file \"base/1/2\": No space left on device",
        );
        assert!(matches!(StoreError::from(pg_full), StoreError::Full));
        let busy = database_error(DatabaseErrorKind::Unknown, "database is locked");
        assert!(matches!(StoreError::from(busy), StoreError::Unavailable(_)));
        let other = database_error(DatabaseErrorKind::Unknown, "syntax error");
        assert!(matches!(
            StoreError::from(other),
            StoreError::Database { .. }
        ));
    }
}
