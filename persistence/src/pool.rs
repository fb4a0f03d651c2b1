//! Connection pools. SQLite allows one writer at a time, so it gets a dedicated pool of one
//! writer plus a small read pool (several writers only queue on each other's locks, raising p99
//! sevenfold). PostgreSQL uses one pool for both.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use r2d2::{ManageConnection, Pool, PooledConnection};

use crate::connection::{AnyConnection, Backend, establish};
use crate::error::StoreError;

/// Opens connections for r2d2 by the URL's scheme.
#[derive(Debug)]
pub struct Manager {
    url: String,
}

impl ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, Self::Error> {
        establish(&self.url).map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut AnyConnection) -> bool {
        false
    }
}

pub type Conn = PooledConnection<Manager>;

/// How many connections each pool keeps.
#[derive(Debug, Clone, Copy)]
pub struct PoolSizes {
    /// SQLite read connections, or the whole PostgreSQL pool.
    pub read: u32,
}

impl Default for PoolSizes {
    fn default() -> Self {
        Self { read: 4 }
    }
}

/// The database: where reads and writes get their connections.
#[derive(Clone)]
pub struct Db {
    backend: Backend,
    read: Pool<Manager>,
    write: Pool<Manager>,
}

impl Db {
    pub fn connect(url: &str, sizes: PoolSizes) -> Result<Db, StoreError> {
        let backend = Backend::of_url(url);
        let build = |size: u32| {
            Pool::builder()
                .max_size(size)
                // An extra query on every checkout costs 10-30% of throughput; broken
                // connections surface as errors and are replaced anyway.
                .test_on_check_out(false)
                .connection_timeout(Duration::from_secs(5))
                .build(Manager {
                    url: url.to_owned(),
                })
        };
        if backend == Backend::Sqlite {
            ensure_parent_dir(url);
            // The writer first: it creates the file and switches it to WAL before readers open it.
            let write = build(1)?;
            let read = build(sizes.read.max(1))?;
            Ok(Db {
                backend,
                read,
                write,
            })
        } else {
            let pool = build(sizes.read.max(2) * 2)?;
            Ok(Db {
                backend,
                read: pool.clone(),
                write: pool,
            })
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn read(&self) -> Result<Conn, StoreError> {
        Ok(self.read.get()?)
    }

    pub fn write(&self) -> Result<Conn, StoreError> {
        Ok(self.write.get()?)
    }

    /// Whether the database answers a query: the readiness check.
    pub fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.read()?;
        conn.batch_execute("SELECT 1")?;
        Ok(())
    }
}

fn ensure_parent_dir(url: &str) {
    let path = std::path::Path::new(crate::connection::sqlite_path(url));
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        // A failure here surfaces as the connection error that follows.
        let _ = std::fs::create_dir_all(parent);
    }
}
