//! Token subjects resolved to parties, kept briefly so a request does not ask the database who
//! its caller is each time.
//!
//! Who holds an account changes only when a person record is written (created, or its
//! external id changed). This server forgets everything it knows whenever it writes people
//! ([`PartyCache::forget_all`]), so its own requests never act on a stale answer; another
//! server's write is seen within [`TTL`]. An answer read from the database while a write was
//! committing is not kept past that write: each entry carries the generation it was read in.

use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use domain::ids::OrgId;
use domain::party::Party;

/// How long another server's change to who holds an account may go unseen here.
pub const TTL: Duration = Duration::from_secs(2);
/// Entries kept at most; past it the cache starts again empty.
const CAPACITY: usize = 100_000;

struct Entry {
    party: Party,
    read_at: Instant,
    generation: u64,
}

pub struct PartyCache {
    generation: AtomicU64,
    entries: RwLock<HashMap<(OrgId, String), Entry>>,
}

impl Default for PartyCache {
    fn default() -> Self {
        Self {
            generation: AtomicU64::new(0),
            entries: RwLock::new(HashMap::new()),
        }
    }
}

impl PartyCache {
    /// The generation to read in: pass it to [`PartyCache::put`] with what was read.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub fn get(&self, org_id: OrgId, subject: &str) -> Option<Party> {
        let generation = self.generation();
        let entries = self.entries.read().ok()?;
        entries
            .get(&(org_id, subject.to_owned()))
            .filter(|e| e.generation == generation && e.read_at.elapsed() < TTL)
            .map(|e| e.party.clone())
    }

    /// Keeps what was read in `generation`, unless people have been written since.
    pub fn put(&self, org_id: OrgId, subject: &str, party: &Party, generation: u64) {
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if generation != self.generation() {
            return;
        }
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(
            (org_id, subject.to_owned()),
            Entry {
                party: party.clone(),
                read_at: Instant::now(),
                generation,
            },
        );
    }

    /// People were written: who holds an account may have changed.
    pub fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut entries) = self.entries.write() {
            entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org() -> OrgId {
        OrgId::from_uuid(uuid::Uuid::from_u128(1))
    }

    #[test]
    fn an_answer_is_kept_until_people_are_written() {
        let cache = PartyCache::default();
        let party = Party::Account("jo".into());
        cache.put(org(), "jo", &party, cache.generation());
        assert_eq!(cache.get(org(), "jo"), Some(party));
        assert_eq!(cache.get(org(), "someone else"), None);
        cache.forget_all();
        assert_eq!(cache.get(org(), "jo"), None);
    }

    #[test]
    fn an_answer_read_before_a_write_is_not_kept() {
        let cache = PartyCache::default();
        let read_in = cache.generation();
        cache.forget_all();
        cache.put(org(), "jo", &Party::Account("jo".into()), read_in);
        assert_eq!(cache.get(org(), "jo"), None);
    }
}
