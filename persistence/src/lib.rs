//! servicedesk storage: one diesel code base over SQLite (embedded default) and PostgreSQL.
//!
//! Rows are private to this crate and convert into `domain` types. Every multi-row change runs
//! in one transaction. Calls block: callers run them off the async executor.

mod connection;
mod error;
mod migrations;
pub mod notices;
pub mod organisations;
pub mod people;
mod pool;
pub mod register;
mod schema;
pub mod tickets;
mod time;

pub use connection::{AnyConnection, Backend};
pub use error::StoreError;
pub use migrations::{revert_all_migrations, run_migrations};
pub use pool::{Db, PoolSizes};
