//! `servicedesk restore`'s last step: the erasures the restored ledger lacks carried out again
//! (see `domain::restore`), each audited as an erasure of the person with the notices it sent
//! their data's recipients, and the consents withdrawn since the backup withdrawn again. The
//! restore scrubs them from free space once this returns.

use chrono::{DateTime, Utc};
use domain::audit::{AuditOperation, RecordKind};
use domain::ids::ConsentId;
use domain::party::Party;
use domain::restore::{Carry, LedgerMark, carry_over};
use persistence::erasure::{self, Cause, Erased};
use persistence::{AnyConnection, Db, StoreError};

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
    /// Consent withdrawals carried out again: the consent withdrawn, or opinions given on it
    /// erased.
    pub withdrawn: usize,
    /// Consent withdrawals with nothing left to do: the backup does not hold the consent (it
    /// was given after the backup was taken) or already shows it withdrawn.
    pub withdrawn_before: usize,
}

fn mark(entry: &Erased) -> LedgerMark {
    LedgerMark {
        id: entry.id,
        replay_of: match entry.cause {
            Cause::Replay(of) => Some(of),
            Cause::Request(_) | Cause::Sweep(_) | Cause::Consent(_) => None,
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
            match (carry, entry.cause) {
                (Carry::Replay, Cause::Consent(consent)) => {
                    withdraw_again(conn, entry, consent, by, now, &mut replayed)?;
                }
                (Carry::Replay, _) => {
                    erase_again(conn, entry, by, now, &mut replayed)?;
                    erasure::record(conn, entry)?;
                }
                (Carry::PutBack, _) => {
                    replayed.put_back += 1;
                    erasure::record(conn, entry)?;
                }
            }
        }
        Ok(replayed)
    })?;
    Ok(replayed)
}

/// Erases the person again as the entry says, recording the replay in the ledger.
fn erase_again(
    conn: &mut AnyConnection,
    entry: &Erased,
    by: &Party,
    now: DateTime<Utc>,
    replayed: &mut Replayed,
) -> Result<(), StoreError> {
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
            Ok(())
        }
        Err(StoreError::NotFound) => {
            replayed.absent += 1;
            Ok(())
        }
        Err(other) => Err(other),
    }
}

/// Withdraws the consent again, as at the time the entry records, and puts the entry back. The
/// entry itself is what a later restore replays (withdrawing again changes nothing twice), so
/// no replay entry is written; where the restored database changed, the entry goes back
/// unscrubbed, so the scrub takes the erased opinions out of its free space.
fn withdraw_again(
    conn: &mut AnyConnection,
    entry: &Erased,
    consent: ConsentId,
    by: &Party,
    now: DateTime<Utc>,
    replayed: &mut Replayed,
) -> Result<(), StoreError> {
    let mut entry = entry.clone();
    match persistence::surveys::withdraw_again(conn, entry.org_id, consent, entry.erased_at) {
        Ok(done) if done.changed() => {
            let mut trail = Trail::acting(entry.org_id, by.clone(), now);
            trail.record(
                AuditOperation::Update,
                RecordKind::Consent,
                consent,
                Some(Party::Person(entry.person_id)),
            );
            persistence::audit::append(conn, trail.events())?;
            entry.scrubbed_at = None;
            replayed.withdrawn += 1;
        }
        Ok(_) | Err(StoreError::NotFound) => replayed.withdrawn_before += 1,
        Err(other) => return Err(other),
    }
    erasure::record(conn, &entry)
}
