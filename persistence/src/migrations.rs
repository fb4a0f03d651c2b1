//! Schema migrations, one tree per backend, embedded in the binary.

use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::pool::Db;

const SQLITE: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

fn migration_error(error: Box<dyn std::error::Error + Send + Sync>) -> StoreError {
    StoreError::Corrupt(format!("migration failed: {error}"))
}

/// Applies every pending migration; returns how many ran.
pub fn run_migrations(db: &Db) -> Result<usize, StoreError> {
    let mut conn = db.write()?;
    let applied = match &mut *conn {
        AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE).map(|v| v.len()),
        AnyConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES).map(|v| v.len()),
    };
    applied.map_err(migration_error)
}

/// Applies pending migrations up to and including `version` (`2026-12-02-000008` style, as
/// the folders are named); returns how many ran. For testing a migration on a database filled
/// as the schema before it was.
pub fn run_migrations_through(db: &Db, version: &str) -> Result<usize, StoreError> {
    fn through<C, B>(
        conn: &mut C,
        source: fn() -> EmbeddedMigrations,
        last: &str,
    ) -> Result<usize, Box<dyn std::error::Error + Send + Sync>>
    where
        C: MigrationHarness<B>,
        B: diesel::backend::Backend,
        EmbeddedMigrations: diesel::migration::MigrationSource<B>,
    {
        let mut ran = 0;
        loop {
            let pending = conn.pending_migrations(source())?;
            let Some(next) = pending.first() else {
                return Ok(ran);
            };
            if next.name().version().to_string() > last.replace('-', "") {
                return Ok(ran);
            }
            conn.run_migration(next.as_ref())?;
            ran += 1;
        }
    }
    let mut conn = db.write()?;
    let applied = match &mut *conn {
        AnyConnection::Sqlite(c) => through(c, || SQLITE, version),
        AnyConnection::Postgresql(c) => through(c, || POSTGRES, version),
    };
    applied.map_err(migration_error)
}

/// Reverts every applied migration (used by the migration round-trip test).
pub fn revert_all_migrations(db: &Db) -> Result<usize, StoreError> {
    let mut conn = db.write()?;
    let reverted = match &mut *conn {
        AnyConnection::Sqlite(c) => c.revert_all_migrations(SQLITE).map(|v| v.len()),
        AnyConnection::Postgresql(c) => c.revert_all_migrations(POSTGRES).map(|v| v.len()),
    };
    reverted.map_err(migration_error)
}
