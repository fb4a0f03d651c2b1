//! Connection pools. SQLite allows one writer at a time, so it gets a dedicated pool of one
//! writer plus a small read pool (several writers only queue on each other's locks, raising p99
//! sevenfold). PostgreSQL uses one pool for both.
//!
//! A connection that lost its server (a restart, a failover) is never handed out again, and
//! neither is any connection opened before it: a restart closes them all. Spotting that costs
//! no query: each connection notes the errors its own queries met.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::Connection;
use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::r2d2::R2D2Connection;
use r2d2::{ManageConnection, Pool, PooledConnection};

use crate::connection::{AnyConnection, Backend, establish};
use crate::error::{StoreError, connection_lost};

/// How long a request waits for a connection while the database answers.
const CHECKOUT_WAIT: Duration = Duration::from_secs(5);
/// How long it waits while the last attempt to connect failed: the answer is a prompt 503, and
/// the pool keeps reconnecting in the background (backing off to at most half of
/// `CHECKOUT_WAIT`), so service resumes within seconds of the database's return.
const CHECKOUT_WAIT_WHILE_DOWN: Duration = Duration::from_millis(250);

/// What the pool has learnt of its server, shared by the pool and each connection's [`Watch`].
#[derive(Debug, Default)]
struct Reachability {
    /// How many connections have found their server gone; a connection opened when this was
    /// lower than it is now is presumed gone too.
    losses: AtomicU64,
    /// Whether the last attempt to open a connection failed.
    down: AtomicBool,
}

/// Rides on each connection as its diesel instrumentation, noting whether a query found the
/// connection lost.
struct Watch {
    reach: Arc<Reachability>,
    opened_at_losses: u64,
    lost: bool,
}

impl Instrumentation for Watch {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::FinishQuery {
            error: Some(error), ..
        } = event
            && connection_lost(error)
            && !self.lost
        {
            self.lost = true;
            self.reach.losses.fetch_add(1, Ordering::AcqRel);
        }
    }
}

/// Whether the connection lost its server, or was opened before another one did.
fn is_lost(conn: &mut AnyConnection) -> bool {
    conn.instrumentation()
        .downcast_ref::<Watch>()
        .is_some_and(|w| w.lost || w.opened_at_losses < w.reach.losses.load(Ordering::Acquire))
}

/// How often a failure to open a connection is logged at most.
const CONNECT_ERROR_LOG_EVERY: Duration = Duration::from_secs(30);

/// Logs failures to open a connection at most once in [`CONNECT_ERROR_LOG_EVERY`]: while the
/// database is down the pool retries many times a second, and requests already say 503. Clones
/// share one clock, so both of a database's pools log as one.
#[derive(Debug, Default, Clone)]
struct RareConnectErrors {
    last: Arc<Mutex<Option<Instant>>>,
}

impl<E: std::fmt::Display> r2d2::HandleError<E> for RareConnectErrors {
    fn handle_error(&self, error: E) {
        let Ok(mut last) = self.last.lock() else {
            return;
        };
        if last.is_none_or(|at| at.elapsed() >= CONNECT_ERROR_LOG_EVERY) {
            *last = Some(Instant::now());
            tracing::warn!(%error, "a database connection could not be opened");
        }
    }
}

/// Opens connections for r2d2 by the URL's scheme.
#[derive(Debug)]
pub struct Manager {
    url: String,
    reach: Arc<Reachability>,
}

impl ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, Self::Error> {
        let opened_at_losses = self.reach.losses.load(Ordering::Acquire);
        let mut conn = establish(&self.url).inspect_err(|_| {
            self.reach.down.store(true, Ordering::Release);
        });
        if let Ok(conn) = &mut conn {
            self.reach.down.store(false, Ordering::Release);
            conn.set_instrumentation(Watch {
                reach: self.reach.clone(),
                opened_at_losses,
                lost: false,
            });
        }
        conn.map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    /// Called as each connection goes back to the pool: a lost one, or one whose transaction
    /// was left open or broken, is closed instead.
    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        is_lost(conn) || R2D2Connection::is_broken(conn)
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
    reach: Arc<Reachability>,
}

impl Db {
    pub fn connect(url: &str, sizes: PoolSizes) -> Result<Db, StoreError> {
        let backend = Backend::of_url(url);
        let reach = Arc::new(Reachability::default());
        let errors = RareConnectErrors::default();
        let build = |size: u32| {
            Pool::builder()
                .max_size(size)
                .error_handler(Box::new(errors.clone()))
                // An extra query on every checkout costs 10-30% of throughput; a lost
                // connection is known by its own errors instead (see `Watch`).
                .test_on_check_out(false)
                .connection_timeout(CHECKOUT_WAIT)
                .build(Manager {
                    url: url.to_owned(),
                    reach: reach.clone(),
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
                reach,
            })
        } else {
            let pool = build(sizes.read.max(2) * 2)?;
            Ok(Db {
                backend,
                read: pool.clone(),
                write: pool,
                reach,
            })
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn read(&self) -> Result<Conn, StoreError> {
        self.checkout(&self.read)
    }

    pub fn write(&self) -> Result<Conn, StoreError> {
        self.checkout(&self.write)
    }

    /// A connection that has not lost its server. Lost ones met here are dropped, which closes
    /// them (`has_broken`); at most the pool's size of them can be met.
    fn checkout(&self, pool: &Pool<Manager>) -> Result<Conn, StoreError> {
        let wait = if self.reach.down.load(Ordering::Acquire) {
            CHECKOUT_WAIT_WHILE_DOWN
        } else {
            CHECKOUT_WAIT
        };
        loop {
            let mut conn = pool.get_timeout(wait)?;
            if !is_lost(&mut conn) {
                return Ok(conn);
            }
        }
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
