//! Filing audit events by subject, on the server's own schedule (see
//! `persistence::audit::subject_index`). A pass runs once an organisation has
//! [`PASS_AFTER_EVENTS`] unfiled events, or once it has waited [`PASS_AFTER`]; a search scans
//! the unfiled ones, so they stay few. Runs on the server's runtime, so it ends with the server.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use domain::ids::OrgId;
use persistence::Db;
use persistence::audit::subject_index;

/// How often the indexer looks for work.
const TICK: Duration = Duration::from_secs(1);
/// Unfiled events that start a pass at once: the more a pass files, the more of each subject's
/// postings share a page.
const PASS_AFTER_EVENTS: i64 = 16_384;
/// The longest events wait to be filed.
const PASS_AFTER: Duration = Duration::from_secs(10);

/// Whether the organisation's unfiled events are due a pass.
fn due(behind: i64, under_way: bool, waited: Option<Duration>) -> bool {
    under_way || behind >= PASS_AFTER_EVENTS || waited.is_none_or(|waited| waited >= PASS_AFTER)
}

pub fn start(db: Db) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(TICK);
        let mut last_pass: HashMap<OrgId, Instant> = HashMap::new();
        loop {
            ticks.tick().await;
            let db = db.clone();
            let waits = last_pass.clone();
            let passed = tokio::task::spawn_blocking(move || file_what_is_due(&db, &waits)).await;
            match passed {
                Ok(Ok(orgs)) => {
                    let now = Instant::now();
                    for org in orgs {
                        last_pass.insert(org, now);
                    }
                }
                Ok(Err(error)) => {
                    tracing::warn!(%error, "audit events could not be filed by subject")
                }
                Err(_) => tracing::warn!("the audit subject indexer did not finish"),
            }
        }
    });
}

/// Runs a pass for each organisation that is due one; answers those it ran.
fn file_what_is_due(
    db: &Db,
    last_pass: &HashMap<OrgId, Instant>,
) -> Result<Vec<OrgId>, persistence::StoreError> {
    let behind = subject_index::behind(&mut *db.read()?)?;
    let mut passed = Vec::new();
    for (org, unfiled, under_way) in behind {
        if due(
            unfiled,
            under_way,
            last_pass.get(&org).map(Instant::elapsed),
        ) {
            subject_index::index_pass(db, org, subject_index::CHUNK)?;
            passed.push(org);
        }
    }
    Ok(passed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_is_due_when_enough_wait_or_they_have_waited_long_enough() {
        let a_moment = Some(Duration::from_millis(10));
        assert!(!due(10, false, a_moment));
        assert!(due(PASS_AFTER_EVENTS, false, a_moment));
        assert!(due(10, false, Some(PASS_AFTER)));
        // A pass cut short, or a server that has not run one yet, goes at once.
        assert!(due(10, true, a_moment));
        assert!(due(1, false, None));
    }
}
