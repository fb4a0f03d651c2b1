//! servicedesk storage: one diesel code base over SQLite (embedded default) and PostgreSQL.
//!
//! Rows are private to this crate and convert into `domain` types. Every multi-row change runs
//! in one transaction. Calls block: callers run them off the async executor.

pub mod accounts;
pub mod assets;
pub mod audit;
pub mod backup;
pub mod catalogue;
mod connection;
pub mod directory;
pub mod disclosures;
pub mod erasure;
mod error;
pub mod grants;
pub mod hr;
pub mod legal_holds;
mod migrations;
pub mod notices;
pub mod organisations;
mod page;
pub mod parties;
pub mod people;
pub mod person_history;
mod pool;
pub mod recipient_notices;
pub mod rectifications;
pub mod register;
pub mod restrictions;
pub mod retention;
pub mod rights_requests;
mod schema;
mod statement;
pub mod subject_access;
pub mod surveys;
pub mod ticket_statistics;
pub mod tickets;
mod time;

pub use connection::{AnyConnection, Backend};

/// Runs `work` in one transaction (a savepoint when already in one): all of it commits, or
/// none of it.
pub fn transaction<T>(
    conn: &mut AnyConnection,
    work: impl FnOnce(&mut AnyConnection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    use diesel::Connection;
    conn.transaction(work)
}
pub use error::StoreError;
pub use migrations::{revert_all_migrations, run_migrations, run_migrations_through};
pub use pool::{Db, PoolSizes};
