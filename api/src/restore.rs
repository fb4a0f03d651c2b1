//! `servicedesk restore`'s last step: the erasures the restored ledger lacks carried out again
//! (see `domain::restore`), each audited as an erasure of the person with the notices it sent
//! their data's recipients. The restore scrubs them from free space once this returns.

use chrono::{DateTime, Utc};
use domain::audit::{AuditOperation, RecordKind};
use domain::party::Party;
use domain::restore::{Carry, LedgerMark, carry_over};
use persistence::erasure::{self, Cause, Erased};
use persistence::{Db, StoreError};

use crate::audit::Trail;
use crate::routes::recipient_notices::record_sent;

/// What the replay did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Replayed {
    /// Erasures carried out again.
    pub erased: usize,
    /// Erasures of people the backup does not hold (added after it was taken): nothing to do
    /// but put the entry back.
    pub absent: usize,
    /// Entries put back without erasing (an earlier restore's replays).
    pub put_back: usize,
}

fn mark(entry: &Erased) -> LedgerMark {
    LedgerMark {
        id: entry.id,
        replay_of: match entry.cause {
            Cause::Replay(of) => Some(of),
            Cause::Request(_) | Cause::Sweep(_) => None,
        },
        erased_at: entry.erased_at,
    }
}

/// Replays on `db` (restored and migrated) the entries of `recorded` its ledger lacks, in one
/// transaction, `by` being who restores.
pub fn replay(
    db: &Db,
    recorded: Vec<Erased>,
    by: &Party,
    now: DateTime<Utc>,
) -> Result<Replayed, StoreError> {
    let mut conn = db.write()?;
    let replayed = persistence::transaction(&mut conn, |conn| {
        let restored = erasure::ledger(conn)?.iter().map(|e| e.id).collect();
        let carried = carry_over(&restored, recorded.iter().map(mark));
        let mut replayed = Replayed::default();
        for (mark, carry) in carried {
            let Some(entry) = recorded.iter().find(|e| e.id == mark.id) else {
                continue;
            };
            if carry == Carry::Replay {
                match persistence::people::get(conn, entry.org_id, entry.person_id) {
                    Ok(_) => {
                        let erased = erasure::erase_person(
                            conn,
                            entry.org_id,
                            entry.person_id,
                            &entry.scope,
                            entry.report.refused.clone(),
                            Cause::Replay(entry.id),
                            by,
                            now,
                        )?;
                        let mut trail = Trail::acting(entry.org_id, by.clone(), now);
                        trail.record(
                            AuditOperation::Erase,
                            RecordKind::Person,
                            entry.person_id,
                            Some(Party::Person(entry.person_id)),
                        );
                        record_sent(&mut trail, &erased.notices);
                        persistence::audit::append(conn, trail.events())?;
                        replayed.erased += 1;
                    }
                    Err(StoreError::NotFound) => replayed.absent += 1,
                    Err(other) => return Err(other),
                }
            } else {
                replayed.put_back += 1;
            }
            erasure::put_back(conn, entry)?;
        }
        Ok(replayed)
    })?;
    Ok(replayed)
}
