//! The audit trail: appending events to each organisation's hash chain inside the caller's
//! transaction, signing checkpoints, and reading events back for lists, checks and exports.
//!
//! People are stored only as HMAC-SHA256 pseudonyms under a per-organisation key kept in its
//! own table: the plain identities of an [`Occurrence`] never reach the database, and deleting
//! the key leaves events that no longer lead to anyone.

use std::collections::BTreeMap;

use aws_lc_rs::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use aws_lc_rs::{digest, hmac, rand};
use chrono::{DateTime, SubsecRound, Utc};
use diesel::prelude::*;
use domain::audit::{
    AuditEvent, AuditOperation, Broken, CHECKPOINT_INTERVAL, ChainCheck, ChainCrypto, Checkpoint,
    GENESIS, Hash, RecordKind, Verified, hash_from_hex, to_hex,
};
use domain::ids::OrgId;
use domain::page::PageLimit;
use domain::party::Party;
use uuid::Uuid;

use crate::connection::{AnyConnection, execute_batch_insert};
use crate::error::StoreError;
use crate::page::page_of;
use crate::schema::{
    audit_chains, audit_checkpoints, audit_events, audit_pseudonym_keys, audit_signing_keys,
    audit_subject_postings,
};

mod event_insert;
pub mod subject_index;
use crate::time::{from_db, to_db};

/// SHA-256 and Ed25519 from aws-lc-rs, for the domain's chain rules.
pub struct Crypto;

impl ChainCrypto for Crypto {
    fn sha256(&self, data: &[u8]) -> Hash {
        let mut out = GENESIS;
        out.copy_from_slice(digest::digest(&digest::SHA256, data).as_ref());
        out
    }

    fn verify_ed25519(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
        UnparsedPublicKey::new(&ED25519, public_key)
            .verify(message, signature)
            .is_ok()
    }
}

/// Something done to personal data, before it is pseudonymised and chained.
#[derive(Debug, Clone)]
pub struct Occurrence {
    pub org_id: OrgId,
    pub at: DateTime<Utc>,
    /// Who acted.
    pub actor: Party,
    pub operation: AuditOperation,
    pub record_kind: RecordKind,
    pub record_id: Option<String>,
    /// Whom the record is about.
    pub subject: Option<Party>,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("audit {what}"))
}

fn random_bytes<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut bytes = [0u8; N];
    rand::fill(&mut bytes).map_err(|_| corrupt("key: no randomness"))?;
    Ok(bytes)
}

// ---------------------------------------------------------------------------------------------
// Keys

/// An organisation's pseudonym key.
struct PseudonymKey(hmac::Key);

impl PseudonymKey {
    fn of(&self, identity: &Party) -> String {
        to_hex(hmac::sign(&self.0, identity.canonical().as_bytes()).as_ref())
    }
}

#[derive(Insertable)]
#[diesel(table_name = audit_pseudonym_keys)]
struct PseudonymKeyRow {
    org_id: String,
    secret: Vec<u8>,
    created_at: chrono::NaiveDateTime,
}

fn stored_pseudonym_key(
    conn: &mut AnyConnection,
    org_id: OrgId,
) -> Result<Option<PseudonymKey>, StoreError> {
    let secret = audit_pseudonym_keys::table
        .find(org_id.to_string())
        .select(audit_pseudonym_keys::secret)
        .get_result::<Vec<u8>>(conn)
        .optional()?;
    Ok(secret.map(|s| PseudonymKey(hmac::Key::new(hmac::HMAC_SHA256, &s))))
}

/// The organisation's pseudonym key, made on first use. Two first uses at once both insert;
/// the second insert does nothing and both read the one stored.
fn pseudonym_key(
    conn: &mut AnyConnection,
    org_id: OrgId,
    now: DateTime<Utc>,
) -> Result<PseudonymKey, StoreError> {
    if let Some(key) = stored_pseudonym_key(conn, org_id)? {
        return Ok(key);
    }
    let row = PseudonymKeyRow {
        org_id: org_id.to_string(),
        secret: random_bytes::<32>()?.to_vec(),
        created_at: to_db(now),
    };
    execute_batch_insert!(
        conn,
        diesel::insert_into(audit_pseudonym_keys::table)
            .values(&row)
            .on_conflict_do_nothing()
    )?;
    stored_pseudonym_key(conn, org_id)?.ok_or_else(|| corrupt("pseudonym key missing"))
}

/// The pseudonyms `identities` have in the organisation's trail; none when it has no key
/// (nothing was recorded, or the key was destroyed).
pub fn pseudonyms(
    conn: &mut AnyConnection,
    org_id: OrgId,
    identities: &[Party],
) -> Result<Vec<String>, StoreError> {
    Ok(match stored_pseudonym_key(conn, org_id)? {
        Some(key) => identities.iter().map(|i| key.of(i)).collect(),
        None => Vec::new(),
    })
}

#[derive(Insertable)]
#[diesel(table_name = audit_signing_keys)]
struct SigningKeyRow {
    org_id: String,
    private_key: Vec<u8>,
    public_key: Vec<u8>,
    created_at: chrono::NaiveDateTime,
}

fn stored_signing_key(
    conn: &mut AnyConnection,
    org_id: OrgId,
) -> Result<Option<Ed25519KeyPair>, StoreError> {
    audit_signing_keys::table
        .find(org_id.to_string())
        .select(audit_signing_keys::private_key)
        .get_result::<Vec<u8>>(conn)
        .optional()?
        .map(|pkcs8| Ed25519KeyPair::from_pkcs8(&pkcs8).map_err(|_| corrupt("signing key")))
        .transpose()
}

/// The organisation's checkpoint signing key, made on first use.
fn signing_key(
    conn: &mut AnyConnection,
    org_id: OrgId,
    now: DateTime<Utc>,
) -> Result<Ed25519KeyPair, StoreError> {
    if let Some(key) = stored_signing_key(conn, org_id)? {
        return Ok(key);
    }
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rand::SystemRandom::new())
        .map_err(|_| corrupt("key: no randomness"))?;
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).map_err(|_| corrupt("signing key"))?;
    let row = SigningKeyRow {
        org_id: org_id.to_string(),
        private_key: pkcs8.as_ref().to_vec(),
        public_key: pair.public_key().as_ref().to_vec(),
        created_at: to_db(now),
    };
    execute_batch_insert!(
        conn,
        diesel::insert_into(audit_signing_keys::table)
            .values(&row)
            .on_conflict_do_nothing()
    )?;
    stored_signing_key(conn, org_id)?.ok_or_else(|| corrupt("signing key missing"))
}

/// The public half of the organisation's signing key, once it has one.
pub fn public_key(conn: &mut AnyConnection, org_id: OrgId) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(audit_signing_keys::table
        .find(org_id.to_string())
        .select(audit_signing_keys::public_key)
        .get_result::<Vec<u8>>(conn)
        .optional()?)
}

// ---------------------------------------------------------------------------------------------
// Appending

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events)]
#[diesel(treat_none_as_default_value = false)]
struct EventRow {
    id: String,
    org_id: String,
    seq: i64,
    at: chrono::NaiveDateTime,
    actor: String,
    operation: String,
    record_kind: String,
    record_id: Option<String>,
    subject: Option<String>,
    prev_hash: String,
    hash: String,
}

impl From<&AuditEvent> for EventRow {
    fn from(e: &AuditEvent) -> Self {
        EventRow {
            id: e.id.to_string(),
            org_id: e.org_id.to_string(),
            seq: e.seq,
            at: to_db(e.at),
            actor: e.actor.clone(),
            operation: e.operation.as_str().to_owned(),
            record_kind: e.record_kind.as_str().to_owned(),
            record_id: e.record_id.clone(),
            subject: e.subject.clone(),
            prev_hash: to_hex(&e.prev_hash),
            hash: to_hex(&e.hash),
        }
    }
}

impl TryFrom<EventRow> for AuditEvent {
    type Error = StoreError;

    fn try_from(row: EventRow) -> Result<Self, Self::Error> {
        Ok(AuditEvent {
            id: row.id.parse().map_err(|_| corrupt("event id"))?,
            org_id: row
                .org_id
                .parse()
                .map_err(|_| corrupt("event organisation"))?,
            seq: row.seq,
            at: from_db(row.at),
            actor: row.actor,
            operation: row
                .operation
                .parse()
                .map_err(|_| corrupt("event operation"))?,
            record_kind: row
                .record_kind
                .parse()
                .map_err(|_| corrupt("record kind"))?,
            record_id: row.record_id,
            subject: row.subject,
            prev_hash: hash_from_hex(&row.prev_hash).ok_or_else(|| corrupt("event link"))?,
            hash: hash_from_hex(&row.hash).ok_or_else(|| corrupt("event hash"))?,
        })
    }
}

/// The last link of the organisation's chain, locked until the transaction ends: a no-op
/// UPDATE takes the row lock on PostgreSQL (SQLite has one writer), so concurrent appenders of
/// one organisation queue and never fork the chain.
fn lock_head(conn: &mut AnyConnection, org_id: OrgId) -> Result<(i64, Hash), StoreError> {
    for _ in 0..2 {
        let head = diesel::update(audit_chains::table.find(org_id.to_string()))
            .set(audit_chains::last_seq.eq(audit_chains::last_seq))
            .returning((audit_chains::last_seq, audit_chains::last_hash))
            .get_result::<(i64, String)>(conn)
            .optional()?;
        if let Some((seq, hash)) = head {
            return Ok((
                seq,
                hash_from_hex(&hash).ok_or_else(|| corrupt("chain head"))?,
            ));
        }
        execute_batch_insert!(
            conn,
            diesel::insert_into(audit_chains::table)
                .values((
                    audit_chains::org_id.eq(org_id.to_string()),
                    audit_chains::last_seq.eq(0_i64),
                    audit_chains::last_hash.eq(to_hex(&GENESIS)),
                ))
                .on_conflict_do_nothing()
        )?;
    }
    Err(corrupt("chain head missing"))
}

/// Appends `occurrences` to their organisations' chains, inside the caller's transaction: they
/// commit with it or not at all. Organisations are taken in a fixed order, so two batches
/// never wait on each other's chains. A checkpoint is signed when a chain passes a multiple
/// of [`CHECKPOINT_INTERVAL`].
pub fn append(conn: &mut AnyConnection, occurrences: &[Occurrence]) -> Result<(), StoreError> {
    let mut by_org: BTreeMap<OrgId, Vec<&Occurrence>> = BTreeMap::new();
    for occurrence in occurrences {
        by_org
            .entry(occurrence.org_id)
            .or_default()
            .push(occurrence);
    }
    for (org_id, occurrences) in by_org {
        let Some(first) = occurrences.first() else {
            continue;
        };
        let now = first.at;
        let key = pseudonym_key(conn, org_id, now)?;
        let (start, mut prev) = lock_head(conn, org_id)?;
        let mut seq = start;
        let mut rows = Vec::with_capacity(occurrences.len());
        for o in occurrences {
            seq += 1;
            let event = AuditEvent {
                id: Uuid::now_v7(),
                org_id,
                seq,
                // Both databases keep microseconds: the hash must cover what is stored.
                at: o.at.trunc_subsecs(6),
                actor: key.of(&o.actor),
                operation: o.operation,
                record_kind: o.record_kind,
                record_id: o.record_id.clone(),
                subject: o.subject.as_ref().map(|s| key.of(s)),
                prev_hash: prev,
                hash: GENESIS,
            }
            .sealed(&Crypto);
            prev = event.hash;
            rows.push(EventRow::from(&event));
        }
        event_insert::insert(conn, rows)?;
        diesel::update(audit_chains::table.find(org_id.to_string()))
            .set((
                audit_chains::last_seq.eq(seq),
                audit_chains::last_hash.eq(to_hex(&prev)),
            ))
            .execute(conn)?;
        if start / CHECKPOINT_INTERVAL != seq / CHECKPOINT_INTERVAL {
            let signed = sign(conn, org_id, seq, prev, now)?;
            store_checkpoint(conn, signed)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Checkpoints

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_checkpoints)]
struct CheckpointRow {
    org_id: String,
    seq: i64,
    hash: String,
    at: chrono::NaiveDateTime,
    signature: String,
}

impl TryFrom<CheckpointRow> for Checkpoint {
    type Error = StoreError;

    fn try_from(row: CheckpointRow) -> Result<Self, Self::Error> {
        Ok(Checkpoint {
            org_id: row
                .org_id
                .parse()
                .map_err(|_| corrupt("checkpoint organisation"))?,
            seq: row.seq,
            hash: hash_from_hex(&row.hash).ok_or_else(|| corrupt("checkpoint hash"))?,
            at: from_db(row.at),
            signature: domain::audit::from_hex(&row.signature)
                .ok_or_else(|| corrupt("checkpoint signature"))?,
        })
    }
}

fn sign(
    conn: &mut AnyConnection,
    org_id: OrgId,
    seq: i64,
    hash: Hash,
    at: DateTime<Utc>,
) -> Result<Checkpoint, StoreError> {
    let key = signing_key(conn, org_id, at)?;
    let at = at.trunc_subsecs(6);
    let signature = key
        .sign(&Checkpoint::message(org_id, seq, &hash, at))
        .as_ref()
        .to_vec();
    Ok(Checkpoint {
        org_id,
        seq,
        hash,
        at,
        signature,
    })
}

fn store_checkpoint(
    conn: &mut AnyConnection,
    checkpoint: Checkpoint,
) -> Result<Checkpoint, StoreError> {
    diesel::insert_into(audit_checkpoints::table)
        .values(CheckpointRow {
            org_id: checkpoint.org_id.to_string(),
            seq: checkpoint.seq,
            hash: to_hex(&checkpoint.hash),
            at: to_db(checkpoint.at),
            signature: to_hex(&checkpoint.signature),
        })
        .execute(conn)?;
    Ok(checkpoint)
}

/// The last link of the organisation's chain, as it stands: `None` before its first event.
pub fn head(conn: &mut AnyConnection, org_id: OrgId) -> Result<Option<(i64, Hash)>, StoreError> {
    let head = audit_chains::table
        .find(org_id.to_string())
        .select((audit_chains::last_seq, audit_chains::last_hash))
        .get_result::<(i64, String)>(conn)
        .optional()?;
    match head {
        Some((0, _)) | None => Ok(None),
        Some((seq, hash)) => Ok(Some((
            seq,
            hash_from_hex(&hash).ok_or_else(|| corrupt("chain head"))?,
        ))),
    }
}

/// Signs and stores a checkpoint at the end of the organisation's chain (or returns the one
/// already there); `None` while the chain is empty.
pub fn checkpoint(
    conn: &mut AnyConnection,
    org_id: OrgId,
    now: DateTime<Utc>,
) -> Result<Option<Checkpoint>, StoreError> {
    crate::transaction(conn, |conn| {
        let (seq, hash) = lock_head(conn, org_id)?;
        if seq == 0 {
            return Ok(None);
        }
        let existing = audit_checkpoints::table
            .find((org_id.to_string(), seq))
            .select(CheckpointRow::as_select())
            .get_result(conn)
            .optional()?;
        match existing {
            Some(row) => Ok(Some(row.try_into()?)),
            None => {
                let signed = sign(conn, org_id, seq, hash, now)?;
                Ok(Some(store_checkpoint(conn, signed)?))
            }
        }
    })
}

/// A checkpoint of the chain's end signed now but not stored: what an export is signed with.
/// Makes the signing key on first use.
pub fn signed_head(
    conn: &mut AnyConnection,
    org_id: OrgId,
    now: DateTime<Utc>,
) -> Result<Option<Checkpoint>, StoreError> {
    match head(conn, org_id)? {
        Some((seq, hash)) => Ok(Some(sign(conn, org_id, seq, hash, now)?)),
        None => Ok(None),
    }
}

/// The organisation's stored checkpoints up to position `until`, oldest first. Bounded by the
/// chain's end as read before: a checkpoint signed since then lies past the events read.
pub fn checkpoints(
    conn: &mut AnyConnection,
    org_id: OrgId,
    until: i64,
) -> Result<Vec<Checkpoint>, StoreError> {
    audit_checkpoints::table
        .filter(audit_checkpoints::org_id.eq(org_id.to_string()))
        .filter(audit_checkpoints::seq.le(until))
        .order(audit_checkpoints::seq.asc())
        .select(CheckpointRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Checkpoint::try_from)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Reading

/// What an events list may be narrowed to. Actors and subjects are pseudonyms: a list that
/// names none matches nothing.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub actors: Option<Vec<String>>,
    pub subjects: Option<Vec<String>>,
    pub operation: Option<AuditOperation>,
    pub record_kind: Option<RecordKind>,
    /// Events about this one record. Unindexed on purpose (see migration 000013): it narrows
    /// the organisation's scan by `seq` like the other columns here.
    pub record_id: Option<String>,
}

/// Narrows a boxed query over `audit_events` (alone or joined) by everything in the filter
/// but subjects, which the two ways of finding events treat differently.
macro_rules! narrowed {
    ($query:expr, $filter:expr, $before:expr) => {{
        let mut query = $query;
        let filter: &EventFilter = $filter;
        if let Some(from) = filter.from {
            query = query.filter(audit_events::at.ge(to_db(from)));
        }
        if let Some(to) = filter.to {
            query = query.filter(audit_events::at.lt(to_db(to)));
        }
        if let Some(actors) = &filter.actors {
            query = query.filter(audit_events::actor.eq_any(actors.clone()));
        }
        if let Some(operation) = filter.operation {
            query = query.filter(audit_events::operation.eq(operation.as_str()));
        }
        if let Some(kind) = filter.record_kind {
            query = query.filter(audit_events::record_kind.eq(kind.as_str()));
        }
        if let Some(record_id) = &filter.record_id {
            query = query.filter(audit_events::record_id.eq(record_id.clone()));
        }
        if let Some(before) = $before {
            query = query.filter(audit_events::seq.lt(before));
        }
        query
    }};
}

/// A page of the organisation's events, newest first (by their place in the chain), after the
/// cursor event; a cursor naming no event of the organisation ends the list.
///
/// Events about given subjects are found by their postings up to the subject index's mark and
/// by a scan of the few events after it (see [`subject_index`]).
pub fn list(
    conn: &mut AnyConnection,
    org_id: OrgId,
    filter: &EventFilter,
    limit: PageLimit,
    after: Option<Uuid>,
) -> Result<(Vec<AuditEvent>, bool), StoreError> {
    let before = match after {
        Some(after) => {
            let seq = audit_events::table
                .find(after.to_string())
                .filter(audit_events::org_id.eq(org_id.to_string()))
                .select(audit_events::seq)
                .first::<i64>(conn)
                .optional()?;
            match seq {
                Some(seq) => Some(seq),
                None => return Ok((Vec::new(), false)),
            }
        }
        None => None,
    };
    let wanted = i64::from(limit.get()) + 1;
    let events = audit_events::table
        .filter(audit_events::org_id.eq(org_id.to_string()))
        .select(EventRow::as_select())
        .order(audit_events::seq.desc())
        .into_boxed();
    let Some(subjects) = &filter.subjects else {
        let rows = narrowed!(events, filter, before)
            .limit(wanted)
            .load::<EventRow>(conn)?;
        return page_of(rows, limit);
    };
    let indexed = subject_index::indexed_seq(conn, org_id)?;
    // Newest first: the events after the mark, then the postings up to it.
    let mut rows = narrowed!(events, filter, before)
        .filter(audit_events::seq.gt(indexed))
        .filter(audit_events::subject.eq_any(subjects.clone()))
        .limit(wanted)
        .load::<EventRow>(conn)?;
    let missing = wanted - i64::try_from(rows.len()).unwrap_or(wanted);
    if missing > 0 {
        let filed = audit_subject_postings::table
            .inner_join(
                audit_events::table.on(audit_events::org_id
                    .eq(audit_subject_postings::org_id)
                    .and(audit_events::seq.eq(audit_subject_postings::seq))),
            )
            .filter(audit_subject_postings::org_id.eq(org_id.to_string()))
            .filter(audit_subject_postings::subject.eq_any(subjects.clone()))
            .filter(audit_subject_postings::seq.le(indexed))
            .select(EventRow::as_select())
            .order(audit_subject_postings::seq.desc())
            .into_boxed();
        rows.extend(
            narrowed!(filed, filter, before)
                .limit(missing)
                .load::<EventRow>(conn)?,
        );
    }
    page_of(rows, limit)
}

/// Events of the organisation's chain after position `after` up to `until`, in order, at most
/// `limit` of them.
pub fn chain(
    conn: &mut AnyConnection,
    org_id: OrgId,
    after: i64,
    until: i64,
    limit: i64,
) -> Result<Vec<AuditEvent>, StoreError> {
    audit_events::table
        .filter(audit_events::org_id.eq(org_id.to_string()))
        .filter(audit_events::seq.gt(after))
        .filter(audit_events::seq.le(until))
        .order(audit_events::seq.asc())
        .limit(limit)
        .select(EventRow::as_select())
        .load(conn)?
        .into_iter()
        .map(AuditEvent::try_from)
        .collect()
}

/// Events read per query while checking a chain.
const CHECK_CHUNK: i64 = 2000;

/// Checks the organisation's whole chain against its checkpoints, its public key and its
/// recorded end. The outer error is storage failing; the inner one the first fault found.
pub fn verify(
    conn: &mut AnyConnection,
    org_id: OrgId,
) -> Result<Result<Verified, Broken>, StoreError> {
    let head = head(conn, org_id)?;
    let until = head.map_or(0, |(seq, _)| seq);
    let public_key = public_key(conn, org_id)?.unwrap_or_default();
    let checkpoints = checkpoints(conn, org_id, until)?;
    let mut check = match ChainCheck::new(&Crypto, org_id, &public_key, checkpoints) {
        Ok(check) => check,
        Err(broken) => return Ok(Err(broken)),
    };
    let mut after = 0;
    loop {
        let events = chain(conn, org_id, after, until, CHECK_CHUNK)?;
        let Some(last) = events.last() else {
            break;
        };
        after = last.seq;
        for event in &events {
            if let Err(broken) = check.push(event) {
                return Ok(Err(broken));
            }
        }
    }
    let verified = match check.finish() {
        Ok(verified) => verified,
        Err(broken) => return Ok(Err(broken)),
    };
    if verified.head != head {
        return Ok(Err(Broken {
            seq: verified.head.map_or(0, |(seq, _)| seq) + 1,
            event_id: None,
            reason: format!(
                "the chain's recorded end (position {until}) is not its last event: events were removed or altered"
            ),
        }));
    }
    Ok(Ok(verified))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Db, PoolSizes, organisations, run_migrations};
    use domain::organisation::OrgSlug;

    /// A migrated SQLite database (kept alive by the guard) with two organisations.
    fn two_orgs() -> (tempfile::TempDir, Db, OrgId, OrgId, DateTime<Utc>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let db = Db::connect(&url, PoolSizes::default()).expect("opens");
        run_migrations(&db).expect("migrates");
        let now = DateTime::from_timestamp(1_790_000_000, 123_456_789).expect("a time");
        let mut conn = db.write().expect("writer");
        let mut org = |slug: &str, n: u128| {
            let slug = OrgSlug::parse(slug).expect("slug");
            organisations::ensure(&mut conn, &slug, OrgId::from_uuid(Uuid::from_u128(n)), now)
                .expect("organisation")
        };
        let (a, b) = (org("devon-cc", 1), org("derby-cc", 2));
        drop(conn);
        (dir, db, a, b, now)
    }

    fn read_by(org_id: OrgId, actor: &str, at: DateTime<Utc>) -> Occurrence {
        Occurrence {
            org_id,
            at,
            actor: Party::Account(actor.into()),
            operation: AuditOperation::Read,
            record_kind: RecordKind::Ticket,
            record_id: Some("t-1".into()),
            subject: Some(Party::Account("staff-1".into())),
        }
    }

    #[test]
    fn chains_pass_a_checkpoint_every_interval_and_stay_verifiable() {
        let (_dir, db, org, other, now) = two_orgs();
        let mut conn = db.write().expect("writer");
        let batch: Vec<Occurrence> = (0..CHECKPOINT_INTERVAL + 1)
            .map(|_| read_by(org, "agent-1", now))
            .chain([read_by(other, "agent-1", now)])
            .collect();
        crate::transaction(&mut conn, |c| append(c, &batch)).expect("appended");
        let signed = checkpoints(&mut conn, org, i64::MAX).expect("checkpoints");
        assert_eq!(signed.iter().map(|c| c.seq).collect::<Vec<_>>(), [1001]);
        assert!(checkpoints(&mut conn, org, 1000).expect("none").is_empty());
        assert!(
            checkpoints(&mut conn, other, i64::MAX)
                .expect("none")
                .is_empty()
        );
        let verified = verify(&mut conn, org).expect("reads").expect("intact");
        assert_eq!((verified.events, verified.unsigned_tail), (1001, 0));
        assert_eq!(
            verify(&mut conn, other)
                .expect("reads")
                .expect("intact")
                .events,
            1
        );
        // Stored to the microsecond, as hashed.
        let stored = chain(&mut conn, org, 0, 1, 1).expect("the first");
        assert_eq!(stored[0].at, now.trunc_subsecs(6));
    }

    #[test]
    fn pseudonyms_are_keyed_per_organisation() {
        let (_dir, db, org, other, now) = two_orgs();
        let mut conn = db.write().expect("writer");
        let staff = [Party::Account("staff-1".into())];
        assert!(
            pseudonyms(&mut conn, org, &staff)
                .expect("none yet")
                .is_empty()
        );
        let batch = [read_by(org, "agent-1", now), read_by(other, "agent-1", now)];
        crate::transaction(&mut conn, |c| append(c, &batch)).expect("appended");
        let mine = pseudonyms(&mut conn, org, &staff).expect("keyed");
        let theirs = pseudonyms(&mut conn, other, &staff).expect("keyed");
        assert_ne!(mine, theirs);
        let event = &chain(&mut conn, org, 0, 1, 1).expect("the event")[0];
        assert_eq!(event.subject.as_ref(), Some(&mine[0]));
        assert_ne!(event.actor, mine[0]);
    }

    /// Every event about `subject`, paging `limit` at a time, newest first.
    fn about(db: &Db, org_id: OrgId, subject: &str, limit: u16) -> Vec<i64> {
        let mut conn = db.read().expect("reader");
        let key =
            pseudonyms(&mut conn, org_id, &[Party::Account(subject.into())]).expect("pseudonyms");
        let filter = EventFilter {
            subjects: Some(key),
            ..EventFilter::default()
        };
        let mut seqs = Vec::new();
        let mut after = None;
        loop {
            let limit = PageLimit::parse(Some(i64::from(limit))).expect("a limit");
            let (page, more) = list(&mut conn, org_id, &filter, limit, after).expect("lists");
            seqs.extend(page.iter().map(|e| e.seq));
            after = page.last().map(|e| e.id);
            if !more {
                return seqs;
            }
        }
    }

    fn append_about(db: &Db, org_id: OrgId, subjects: &[&str], at: DateTime<Utc>) {
        let occurrences: Vec<Occurrence> = subjects
            .iter()
            .map(|s| Occurrence {
                subject: Some(Party::Account((*s).into())),
                ..read_by(org_id, "agent-1", at)
            })
            .collect();
        let mut conn = db.write().expect("writer");
        crate::transaction(&mut conn, |conn| append(conn, &occurrences)).expect("appends");
    }

    #[test]
    fn a_subjects_events_are_found_once_each_across_filed_half_filed_and_unfiled_events() {
        let (_dir, db, a, b, now) = two_orgs();
        let round = ["p1", "p2", "p3", "p1", "p4", "p1", "p2"];
        let expect = |db: &Db| {
            let all = about(db, a, "p1", 100);
            for limit in [1, 2, 5] {
                assert_eq!(about(db, a, "p1", limit), all, "pages of {limit}");
            }
            let mut sorted = all.clone();
            sorted.sort_unstable_by(|x, y| y.cmp(x));
            sorted.dedup();
            assert_eq!(all, sorted, "newest first, each once");
            all
        };
        append_about(&db, a, &round, now);
        append_about(&db, b, &round, now);
        assert_eq!(expect(&db), vec![6, 4, 1], "nothing filed yet");

        // A pass filing two postings to a transaction, stopped after the first.
        subject_index::pass(&db, a, 2, 1).expect("a partial pass");
        append_about(&db, a, &round, now);
        assert_eq!(expect(&db), vec![13, 11, 8, 6, 4, 1]);
        let mut conn = db.read().expect("reader");
        assert_eq!(subject_index::indexed_seq(&mut conn, a).expect("mark"), 0);
        drop(conn);

        // The pass resumes where it stopped, files nothing twice (postings are unique), and
        // only then starts another.
        assert_eq!(subject_index::index_pass(&db, a, 2).expect("resumes"), 7);
        assert_eq!(expect(&db), vec![13, 11, 8, 6, 4, 1]);
        assert_eq!(subject_index::index_pass(&db, a, 2).expect("next pass"), 7);
        assert_eq!(
            subject_index::index_pass(&db, a, 2).expect("nothing left"),
            0
        );
        append_about(&db, a, &["p1"], now);
        assert_eq!(expect(&db), vec![15, 13, 11, 8, 6, 4, 1]);

        // The other organisation's events were neither filed nor mixed in.
        let mut conn = db.read().expect("reader");
        assert_eq!(subject_index::indexed_seq(&mut conn, b).expect("mark"), 0);
        let mut behind = subject_index::behind(&mut conn).expect("behind");
        behind.sort();
        assert_eq!(behind, vec![(a, 1, false), (b, 7, false)]);
        drop(conn);
        assert_eq!(about(&db, b, "p1", 2), vec![6, 4, 1]);
    }
}
