//! What a restore does with the erasure ledger, so no backup brings an erased person back.
//!
//! Every erasure commits with its ledger entry, so the restored data reflects exactly the
//! entries of the restored ledger. The erasures recorded elsewhere (the live ledger, read
//! before the restore replaced it, and ledgers exported and kept beside the backups) that the
//! restored ledger lacks happened after the backup was taken: each is carried out again and its
//! entry put back.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A ledger entry as the restore sees it: its id, the entry it replayed (when a restore made
/// it), and when the erasure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerMark {
    pub id: Uuid,
    pub replay_of: Option<Uuid>,
    pub erased_at: DateTime<Utc>,
}

/// What the restore does with an entry the restored ledger lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carry {
    /// Erase the person again, as the entry says, and put the entry back.
    Replay,
    /// Only put the entry back: it records an earlier restore's replay of an erasure that is
    /// itself restored or replayed now, so erasing again would do nothing new.
    PutBack,
}

/// The entries of `recorded` (from any number of ledgers, in any order, repeats allowed) that
/// `restored` lacks, once each, oldest first, each with what to do with it.
pub fn carry_over(
    restored: &BTreeSet<Uuid>,
    recorded: impl IntoIterator<Item = LedgerMark>,
) -> Vec<(LedgerMark, Carry)> {
    let lacking: BTreeMap<Uuid, LedgerMark> = recorded
        .into_iter()
        .filter(|mark| !restored.contains(&mark.id))
        .map(|mark| (mark.id, mark))
        .collect();
    let mut carried: Vec<(LedgerMark, Carry)> = lacking
        .values()
        .map(|mark| {
            let redone = mark
                .replay_of
                .is_some_and(|of| restored.contains(&of) || lacking.contains_key(&of));
            let carry = if redone {
                Carry::PutBack
            } else {
                Carry::Replay
            };
            (*mark, carry)
        })
        .collect();
    carried.sort_by_key(|(mark, _)| (mark.erased_at, mark.id));
    carried
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 2, 10, minute, 0)
            .single()
            .expect("a valid time")
    }

    fn mark(id: u128, replay_of: Option<u128>, minute: u32) -> LedgerMark {
        LedgerMark {
            id: Uuid::from_u128(id),
            replay_of: replay_of.map(Uuid::from_u128),
            erased_at: at(minute),
        }
    }

    #[test]
    fn what_the_backup_has_is_left_and_what_it_lacks_is_replayed_oldest_first() {
        let restored = BTreeSet::from([Uuid::from_u128(1)]);
        let carried = carry_over(
            &restored,
            [mark(3, None, 30), mark(1, None, 10), mark(2, None, 20)],
        );
        assert_eq!(
            carried,
            [
                (mark(2, None, 20), Carry::Replay),
                (mark(3, None, 30), Carry::Replay)
            ]
        );
    }

    #[test]
    fn an_entry_in_the_live_ledger_and_a_kept_export_is_replayed_once() {
        let carried = carry_over(
            &BTreeSet::new(),
            [mark(2, None, 20), mark(2, None, 20), mark(1, None, 10)],
        );
        assert_eq!(
            carried,
            [
                (mark(1, None, 10), Carry::Replay),
                (mark(2, None, 20), Carry::Replay)
            ]
        );
    }

    #[test]
    fn an_earlier_replay_is_put_back_when_its_erasure_is_restored_or_replayed() {
        // Erased (1), restored from an older backup and replayed (2), then restored again from
        // the same older backup: 1 is replayed, 2 only put back.
        let carried = carry_over(&BTreeSet::new(), [mark(1, None, 10), mark(2, Some(1), 40)]);
        assert_eq!(
            carried,
            [
                (mark(1, None, 10), Carry::Replay),
                (mark(2, Some(1), 40), Carry::PutBack)
            ]
        );
        // Restored from a backup that has 1 but not the replay: the replay is put back.
        let restored = BTreeSet::from([Uuid::from_u128(1)]);
        let carried = carry_over(&restored, [mark(1, None, 10), mark(2, Some(1), 40)]);
        assert_eq!(carried, [(mark(2, Some(1), 40), Carry::PutBack)]);
        // A replay whose erasure no ledger at hand has (its export was lost) is replayed.
        let carried = carry_over(&BTreeSet::new(), [mark(2, Some(1), 40)]);
        assert_eq!(carried, [(mark(2, Some(1), 40), Carry::Replay)]);
    }

    #[test]
    fn nothing_is_carried_when_the_backup_has_every_entry() {
        let restored = BTreeSet::from([Uuid::from_u128(1), Uuid::from_u128(2)]);
        assert!(carry_over(&restored, [mark(1, None, 10), mark(2, Some(1), 20)]).is_empty());
    }
}
