//! What the server does on its own schedule: forgetting what it keeps only for a while. Runs on
//! the server's runtime, so it ends with the server.

use std::time::Duration;

use persistence::Db;

use crate::clock;
use crate::state::Settings;

/// How often the sweep runs: a quarter of the shortest time anything is kept, at least every
/// hour and at most every second, so nothing outlives its time by much.
fn interval(settings: &Settings) -> Duration {
    let quarter = settings.idempotency_ttl.to_std().unwrap_or(Duration::ZERO) / 4;
    quarter.clamp(Duration::from_secs(1), Duration::from_secs(3600))
}

/// Starts the sweep: keyed HR sync answers older than their time are deleted, for every
/// organisation (a request forgets its own organisation's too, so an organisation that stopped
/// syncing is the one this is for).
pub fn start(db: Db, settings: Settings) {
    let every = interval(&settings);
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            let db = db.clone();
            let before = clock::now() - settings.idempotency_ttl;
            let swept = tokio::task::spawn_blocking(move || {
                let mut conn = db.write()?;
                persistence::hr::forget_answers(&mut conn, None, before)
            })
            .await;
            match swept {
                Ok(Ok(0)) => {}
                Ok(Ok(forgotten)) => tracing::info!(forgotten, "expired HR sync answers forgotten"),
                Ok(Err(error)) => {
                    tracing::warn!(%error, "the sweep of expired HR sync answers failed")
                }
                Err(_) => tracing::warn!("the sweep of expired HR sync answers did not finish"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sweep_runs_at_a_quarter_of_the_time_kept_within_a_second_and_an_hour() {
        let every = |ttl| {
            interval(&Settings {
                idempotency_ttl: ttl,
                ..Settings::default()
            })
        };
        assert_eq!(every(chrono::TimeDelta::days(7)), Duration::from_secs(3600));
        assert_eq!(
            every(chrono::TimeDelta::minutes(20)),
            Duration::from_secs(300)
        );
        assert_eq!(every(chrono::TimeDelta::seconds(2)), Duration::from_secs(1));
    }
}
