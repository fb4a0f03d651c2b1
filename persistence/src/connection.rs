//! The connection type shared by both backends, and how one is opened from a URL.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};

/// One connection to either backend; queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which database a URL names. The scheme decides, never a fallback: a PostgreSQL URL that
/// fails to connect must not quietly become a SQLite file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The file path of a SQLite URL (`sqlite://path`, `sqlite:path` or a bare path).
pub(crate) fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

/// SQLite settings for every connection: WAL so readers never block the writer, NORMAL sync
/// (durable at checkpoints, safe against corruption), foreign keys enforced, a busy timeout so
/// a second process (a CLI sweep) waits rather than fails, and an 8 MiB page cache per
/// connection (the 2 MiB default re-reads hot index pages from the file under load).
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA cache_size = -8192; PRAGMA secure_delete = ON;";

pub(crate) fn establish(url: &str) -> diesel::ConnectionResult<AnyConnection> {
    match Backend::of_url(url) {
        Backend::Postgres => PgConnection::establish(url).map(AnyConnection::Postgresql),
        Backend::Sqlite => {
            let mut conn = SqliteConnection::establish(sqlite_path(url))?;
            conn.batch_execute(SQLITE_PRAGMAS)
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
            Ok(AnyConnection::Sqlite(conn))
        }
    }
}

/// Executes a multi-row INSERT on the connection's own backend. diesel builds one statement for
/// many rows on SQLite (when no value is left to a column default: rows that insert say
/// `treat_none_as_default_value = false`) and on PostgreSQL, but not through `AnyConnection`.
macro_rules! execute_batch_insert {
    ($conn:expr, $insert:expr) => {
        match $conn {
            $crate::connection::AnyConnection::Postgresql(conn) => {
                diesel::RunQueryDsl::execute($insert, conn)
            }
            $crate::connection::AnyConnection::Sqlite(conn) => {
                diesel::RunQueryDsl::execute($insert, conn)
            }
        }
    };
}
pub(crate) use execute_batch_insert;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_picks_the_backend() {
        assert_eq!(Backend::of_url("postgres://u@h/db"), Backend::Postgres);
        assert_eq!(Backend::of_url("postgresql://h/db"), Backend::Postgres);
        assert_eq!(Backend::of_url("sqlite://data/x.db"), Backend::Sqlite);
        assert_eq!(Backend::of_url("./data/x.db"), Backend::Sqlite);
        assert_eq!(sqlite_path("sqlite://data/x.db"), "data/x.db");
        assert_eq!(sqlite_path("sqlite:x.db"), "x.db");
        assert_eq!(sqlite_path("x.db"), "x.db");
    }
}
