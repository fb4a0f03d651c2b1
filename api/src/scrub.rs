//! Scrubbing erased values out of the database's free space, on the server's own schedule
//! (see `persistence::erasure::scrub`): soon after each erasure commits, never in the request
//! that made it, since on PostgreSQL it rewrites the tables the erasure changed. Runs on the
//! server's runtime, so it ends with the server.

use std::time::Duration;

use persistence::Db;

use crate::clock;

/// How often the scrubber looks for erasures to scrub.
const TICK: Duration = Duration::from_secs(2);

pub fn start(db: Db) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(TICK);
        loop {
            ticks.tick().await;
            let db = db.clone();
            let scrubbed = tokio::task::spawn_blocking(move || {
                if persistence::erasure::unscrubbed(&mut *db.read()?)? == 0 {
                    return Ok(0);
                }
                persistence::erasure::scrub(&db, clock::now())
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
