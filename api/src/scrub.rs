//! Scrubbing erased values out of the database's free space, on the server's own schedule
//! (see `persistence::erasure::scrub`): soon after each erasure commits, never in the request
//! that made it, since on PostgreSQL it rewrites the tables the erasure changed. Runs on the
//! server's runtime, so it ends with the server.

use std::time::Duration;

use persistence::{Backend, Db};

use crate::clock;

/// How long a scrub waits for older transactions to end before it leaves the work to the next.
const SNAPSHOT_WAIT: Duration = Duration::from_secs(1);

/// How often the scrubber runs unless configured: on SQLite a scrub is a WAL checkpoint, cheap
/// enough to follow each erasure within seconds; on PostgreSQL it rewrites every table the
/// erasures since the last one changed, holding each table's lock while it copies, so erasures
/// are gathered for a few minutes and each table rewritten once for all of them.
pub fn default_every(backend: Backend) -> Duration {
    match backend {
        Backend::Sqlite => Duration::from_secs(2),
        Backend::Postgres => Duration::from_secs(300),
    }
}

/// Starts the scrubber, every `every` or the backend's default.
pub fn start(db: Db, every: Option<Duration>) {
    let every = every.unwrap_or_else(|| default_every(db.backend()));
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            let db = db.clone();
            let scrubbed = tokio::task::spawn_blocking(move || {
                let mut conn = db.read()?;
                if persistence::erasure::unscrubbed(&mut conn)? == 0 {
                    return Ok(0);
                }
                // A running sweep erases person after person and scrubs once at its end: a
                // rewrite of the tables it is changing would only lock them under it.
                if db.backend() == Backend::Postgres
                    && persistence::retention::sweeping(&mut conn, clock::now())?
                {
                    return Ok(0);
                }
                drop(conn);
                persistence::erasure::scrub(&db, clock::now(), SNAPSHOT_WAIT)
            })
            .await;
            match scrubbed {
                Ok(Ok(0)) => {}
                Ok(Ok(erasures)) => tracing::info!(erasures, "erased values scrubbed"),
                Ok(Err(error)) => tracing::warn!(%error, "erased values could not be scrubbed"),
                Err(_) => tracing::warn!("the scrub of erased values did not finish"),
            }
        }
    });
}
