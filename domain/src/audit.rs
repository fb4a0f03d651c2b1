//! The audit trail's rules (Art 5(2) accountability, Art 30, Art 32(1)(d)): what an event says,
//! how it is encoded for hashing, how events chain within an organisation, and how a sequence
//! of events is checked against signed checkpoints.
//!
//! People appear only as keyed pseudonyms (hex of an HMAC the storage layer computes), so the
//! trail outlives the person's erasure. The digest and signature check come in through
//! [`ChainCrypto`]: this crate stays free of crypto and I/O crates.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::closed_set;
use crate::ids::OrgId;

closed_set! {
    /// What was done to a record holding personal data.
    pub enum AuditOperation for "operation" {
        Create = "create",
        Update = "update",
        Delete = "delete",
        /// One record read by its id.
        Read = "read",
        /// A record shown in a list.
        List = "list",
        /// A record given out whole (a subject access bundle, an export).
        Export = "export",
        /// A person's data erased or anonymised (Art 17), as the catalogue says.
        Erase = "erase",
    }
}

/// The audited kinds under the name the trail's code uses; the contract calls them
/// `AuditedRecordKind`, apart from the catalogue's `RecordKind` (every table's kind).
pub type RecordKind = AuditedRecordKind;

closed_set! {
    /// The kind of record an event is about.
    pub enum AuditedRecordKind for "record_kind" {
        Ticket = "ticket",
        TicketComment = "ticket_comment",
        Person = "person",
        Adjustments = "adjustments",
        Account = "account",
        Assignment = "assignment",
        Consent = "consent",
        SurveyAnswer = "survey_answer",
        RightsRequest = "rights_request",
        Rectification = "rectification",
        RecipientNotice = "recipient_notice",
        Restriction = "restriction",
        LegalHold = "legal_hold",
        /// An entry of the disclosures log: who received the person's data (Art 19, 30(1)(d)).
        Disclosure = "disclosure",
    }
}

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// What the first event of an organisation's chain links to.
pub const GENESIS: Hash = [0; 32];

/// A checkpoint is signed automatically each time the chain passes a multiple of this many
/// events (and on demand).
pub const CHECKPOINT_INTERVAL: i64 = 1000;

/// The hashing and signature checking the chain rules need, supplied by the caller.
pub trait ChainCrypto {
    fn sha256(&self, data: &[u8]) -> Hash;
    /// Whether `signature` is a valid Ed25519 signature of `message` under `public_key`.
    fn verify_ed25519(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> bool;
}

/// One event of an organisation's trail, as stored and exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub id: Uuid,
    pub org_id: OrgId,
    /// Position in the organisation's chain, from 1 with no gap.
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// Pseudonym of who acted.
    pub actor: String,
    pub operation: AuditOperation,
    pub record_kind: RecordKind,
    pub record_id: Option<String>,
    /// Pseudonym of whom the record is about, when it is about someone.
    pub subject: Option<String>,
    pub prev_hash: Hash,
    pub hash: Hash,
}

/// Length-prefixed fields: no two different events encode alike.
struct Encoder(Vec<u8>);

impl Encoder {
    fn new(domain: &str) -> Self {
        let mut encoder = Encoder(Vec::with_capacity(256));
        encoder.bytes(domain.as_bytes());
        encoder
    }

    fn bytes(&mut self, bytes: &[u8]) {
        let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        self.0.extend_from_slice(&len.to_be_bytes());
        self.0.extend_from_slice(bytes);
    }

    fn int(&mut self, value: i64) {
        self.bytes(&value.to_be_bytes());
    }

    fn optional(&mut self, value: Option<&str>) {
        match value {
            None => self.0.push(0),
            Some(text) => {
                self.0.push(1);
                self.bytes(text.as_bytes());
            }
        }
    }
}

impl AuditEvent {
    /// Every field but `hash`, encoded canonically: what `hash` commits to.
    pub fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new("servicedesk.audit.event.v1");
        e.bytes(self.id.as_bytes());
        e.bytes(self.org_id.as_uuid().as_bytes());
        e.int(self.seq);
        e.int(self.at.timestamp_micros());
        e.bytes(self.actor.as_bytes());
        e.bytes(self.operation.as_str().as_bytes());
        e.bytes(self.record_kind.as_str().as_bytes());
        e.optional(self.record_id.as_deref());
        e.optional(self.subject.as_deref());
        e.bytes(&self.prev_hash);
        e.0
    }

    /// The hash the event's fields and link call for.
    pub fn expected_hash(&self, crypto: &impl ChainCrypto) -> Hash {
        crypto.sha256(&self.encode())
    }

    /// The event with its hash set: the next link of a chain whose last hash it names.
    pub fn sealed(mut self, crypto: &impl ChainCrypto) -> Self {
        self.hash = self.expected_hash(crypto);
        self
    }
}

/// A signed statement that an organisation's chain had this hash at this position: whoever
/// keeps one can later prove the chain they are shown extends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub org_id: OrgId,
    pub seq: i64,
    pub hash: Hash,
    pub at: DateTime<Utc>,
    /// Ed25519 over [`Checkpoint::message`].
    pub signature: Vec<u8>,
}

impl Checkpoint {
    /// The bytes signed.
    pub fn message(org_id: OrgId, seq: i64, hash: &Hash, at: DateTime<Utc>) -> Vec<u8> {
        let mut e = Encoder::new("servicedesk.audit.checkpoint.v1");
        e.bytes(org_id.as_uuid().as_bytes());
        e.int(seq);
        e.bytes(hash);
        e.int(at.timestamp_micros());
        e.0
    }

    pub fn signed_message(&self) -> Vec<u8> {
        Checkpoint::message(self.org_id, self.seq, &self.hash, self.at)
    }
}

/// Where and why a chain fails its check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Broken {
    /// The position of the first event (or checkpoint) at fault.
    pub seq: i64,
    /// The event at fault, when there is one.
    pub event_id: Option<Uuid>,
    pub reason: String,
}

/// What a successful check covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub events: u64,
    pub checkpoints: usize,
    /// The last event's position and hash.
    pub head: Option<(i64, Hash)>,
    /// Events after the last checkpoint: chained, but not yet under a signature.
    pub unsigned_tail: u64,
}

/// Checks an organisation's events, pushed in order from the first, against its checkpoints.
/// Holds only the last link, so a trail of any length is checked in one pass.
pub struct ChainCheck<'a, C: ChainCrypto> {
    crypto: &'a C,
    org_id: OrgId,
    checkpoints: BTreeMap<i64, Checkpoint>,
    prev: Hash,
    next_seq: i64,
    events: u64,
    last_checkpoint_seq: i64,
}

fn broken(seq: i64, event_id: Option<Uuid>, reason: impl Into<String>) -> Broken {
    Broken {
        seq,
        event_id,
        reason: reason.into(),
    }
}

impl<'a, C: ChainCrypto> ChainCheck<'a, C> {
    /// Starts a check; every checkpoint's signature is checked first.
    pub fn new(
        crypto: &'a C,
        org_id: OrgId,
        public_key: &[u8],
        checkpoints: impl IntoIterator<Item = Checkpoint>,
    ) -> Result<Self, Broken> {
        let mut by_seq: BTreeMap<i64, Checkpoint> = BTreeMap::new();
        for checkpoint in checkpoints {
            if checkpoint.org_id != org_id {
                return Err(broken(
                    checkpoint.seq,
                    None,
                    "a checkpoint of another organisation",
                ));
            }
            let signed = crypto.verify_ed25519(
                public_key,
                &checkpoint.signed_message(),
                &checkpoint.signature,
            );
            if !signed {
                return Err(broken(
                    checkpoint.seq,
                    None,
                    "the checkpoint's signature does not verify with the organisation's public key",
                ));
            }
            if let Some(other) = by_seq.get(&checkpoint.seq)
                && other.hash != checkpoint.hash
            {
                return Err(broken(
                    checkpoint.seq,
                    None,
                    "two signed checkpoints give this position different hashes",
                ));
            }
            by_seq.insert(checkpoint.seq, checkpoint);
        }
        Ok(ChainCheck {
            crypto,
            org_id,
            checkpoints: by_seq,
            prev: GENESIS,
            next_seq: 1,
            events: 0,
            last_checkpoint_seq: 0,
        })
    }

    /// Checks the next event: its position, its link to the one before, its own hash, and any
    /// checkpoint signed at its position.
    pub fn push(&mut self, event: &AuditEvent) -> Result<(), Broken> {
        let fault = |reason: &str| broken(event.seq, Some(event.id), reason);
        if event.org_id != self.org_id {
            return Err(fault("an event of another organisation"));
        }
        if event.seq != self.next_seq {
            return Err(broken(
                self.next_seq,
                Some(event.id),
                format!(
                    "expected the event at position {}, found position {}: events are missing or out of order",
                    self.next_seq, event.seq
                ),
            ));
        }
        if event.prev_hash != self.prev {
            return Err(fault(
                "the event does not link to the hash of the one before",
            ));
        }
        if event.expected_hash(self.crypto) != event.hash {
            return Err(fault(
                "the event's fields do not match its hash: it was altered",
            ));
        }
        if let Some(checkpoint) = self.checkpoints.get(&event.seq) {
            if checkpoint.hash != event.hash {
                return Err(fault(
                    "the event's hash differs from the one signed at this position",
                ));
            }
            self.last_checkpoint_seq = event.seq;
        }
        self.prev = event.hash;
        self.next_seq += 1;
        self.events += 1;
        Ok(())
    }

    /// Ends the check: a checkpoint past the last event means events were removed from the end.
    pub fn finish(self) -> Result<Verified, Broken> {
        let last = self.next_seq - 1;
        if let Some((&seq, _)) = self.checkpoints.range(self.next_seq..).next() {
            return Err(broken(
                seq,
                None,
                format!(
                    "a checkpoint is signed at position {seq}, but the chain ends at {last}: events were removed"
                ),
            ));
        }
        Ok(Verified {
            events: self.events,
            checkpoints: self.checkpoints.len(),
            head: (last > 0).then_some((last, self.prev)),
            unsigned_tail: u64::try_from(last - self.last_checkpoint_seq).unwrap_or(0),
        })
    }
}

/// Lowercase hex, the way hashes, pseudonyms, keys and signatures are written out.
pub fn to_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// Bytes from hex (either case); `None` for anything else.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect()
}

/// A hash from hex.
pub fn hash_from_hex(text: &str) -> Option<Hash> {
    from_hex(text).and_then(|bytes| Hash::try_from(bytes).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Not SHA-256, and no real signature: the rules only need a digest that changes with its
    /// input and a check that tells a good signature from a bad one.
    struct FakeCrypto;

    impl ChainCrypto for FakeCrypto {
        fn sha256(&self, data: &[u8]) -> Hash {
            let mut out = [0u8; 32];
            for (i, byte) in data.iter().enumerate() {
                let slot = &mut out[i % 32];
                *slot = slot.wrapping_mul(31).wrapping_add(*byte).rotate_left(3);
            }
            out
        }

        fn verify_ed25519(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
            signature == sign(public_key, message).as_slice()
        }
    }

    fn sign(key: &[u8], message: &[u8]) -> Vec<u8> {
        let mut data = key.to_vec();
        data.extend_from_slice(message);
        FakeCrypto.sha256(&data).to_vec()
    }

    const KEY: &[u8] = b"public key";

    fn org() -> OrgId {
        OrgId::from_uuid(Uuid::from_u128(7))
    }

    fn at(second: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000 + second, 0).expect("a time")
    }

    fn chain(len: i64) -> Vec<AuditEvent> {
        let mut prev = GENESIS;
        (1..=len)
            .map(|seq| {
                let event = AuditEvent {
                    id: Uuid::from_u128(1000 + seq as u128),
                    org_id: org(),
                    seq,
                    at: at(seq),
                    actor: "aa".repeat(32),
                    operation: AuditOperation::Read,
                    record_kind: RecordKind::Ticket,
                    record_id: Some(format!("ticket-{seq}")),
                    subject: (seq % 2 == 0).then(|| "bb".repeat(32)),
                    prev_hash: prev,
                    hash: GENESIS,
                }
                .sealed(&FakeCrypto);
                prev = event.hash;
                event
            })
            .collect()
    }

    fn checkpoint(event: &AuditEvent) -> Checkpoint {
        let message = Checkpoint::message(org(), event.seq, &event.hash, at(100));
        Checkpoint {
            org_id: org(),
            seq: event.seq,
            hash: event.hash,
            at: at(100),
            signature: sign(KEY, &message),
        }
    }

    fn check(events: &[AuditEvent], checkpoints: Vec<Checkpoint>) -> Result<Verified, Broken> {
        let mut check = ChainCheck::new(&FakeCrypto, org(), KEY, checkpoints)?;
        for event in events {
            check.push(event)?;
        }
        check.finish()
    }

    #[test]
    fn an_intact_chain_verifies_with_its_checkpoints() {
        let events = chain(5);
        let verified = check(&events, vec![checkpoint(&events[2])]).expect("intact");
        assert_eq!(verified.events, 5);
        assert_eq!(verified.checkpoints, 1);
        assert_eq!(verified.head, Some((5, events[4].hash)));
        assert_eq!(verified.unsigned_tail, 2);
        assert_eq!(check(&[], vec![]).expect("empty").head, None);
    }

    #[test]
    fn an_altered_field_is_named_at_its_event() {
        let mut events = chain(4);
        events[1].record_id = Some("another".into());
        let fault = check(&events, vec![]).expect_err("altered");
        assert_eq!((fault.seq, fault.event_id), (2, Some(events[1].id)));
        assert!(fault.reason.contains("altered"), "{}", fault.reason);
    }

    #[test]
    fn a_rehashed_alteration_breaks_the_next_link() {
        let mut events = chain(4);
        events[1].subject = None;
        events[1] = events[1].clone().sealed(&FakeCrypto);
        let fault = check(&events, vec![]).expect_err("relinked");
        assert_eq!(fault.seq, 3);
        assert!(fault.reason.contains("link"), "{}", fault.reason);
    }

    #[test]
    fn a_rewritten_chain_does_not_match_a_kept_checkpoint() {
        let original = chain(4);
        let kept = checkpoint(&original[3]);
        let mut rewritten = chain(4);
        rewritten[0].actor = "cc".repeat(32);
        let mut prev = GENESIS;
        for event in &mut rewritten {
            event.prev_hash = prev;
            *event = event.clone().sealed(&FakeCrypto);
            prev = event.hash;
        }
        assert!(check(&rewritten, vec![]).is_ok(), "consistent by itself");
        let fault = check(&rewritten, vec![kept]).expect_err("not the signed chain");
        assert_eq!(fault.seq, 4);
    }

    #[test]
    fn removed_events_are_found_in_the_middle_and_at_the_end() {
        let events = chain(5);
        let mut gap = events.clone();
        gap.remove(2);
        let fault = check(&gap, vec![]).expect_err("a gap");
        assert_eq!(fault.seq, 3);
        let signed = checkpoint(&events[4]);
        let fault = check(&events[..3], vec![signed]).expect_err("a cut end");
        assert_eq!(fault.seq, 5);
        assert!(fault.reason.contains("removed"), "{}", fault.reason);
    }

    #[test]
    fn a_forged_checkpoint_is_refused() {
        let events = chain(2);
        let mut forged = checkpoint(&events[1]);
        forged.signature = sign(b"another key", &forged.signed_message());
        let fault = check(&events, vec![forged]).expect_err("forged");
        assert!(fault.reason.contains("signature"), "{}", fault.reason);
    }

    #[test]
    fn encodings_differ_when_any_field_differs() {
        let base = chain(1).remove(0);
        let variants = [
            AuditEvent {
                record_id: None,
                ..base.clone()
            },
            AuditEvent {
                subject: Some("bb".repeat(32)),
                ..base.clone()
            },
            AuditEvent {
                operation: AuditOperation::List,
                ..base.clone()
            },
            AuditEvent {
                at: at(2),
                ..base.clone()
            },
        ];
        for variant in variants {
            assert_ne!(variant.encode(), base.encode());
        }
    }

    #[test]
    fn hex_round_trips() {
        let bytes = [0u8, 1, 0xab, 0xff];
        assert_eq!(to_hex(&bytes), "0001abff");
        assert_eq!(from_hex("0001ABff"), Some(bytes.to_vec()));
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("zz"), None);
        assert_eq!(hash_from_hex(&to_hex(&[9u8; 32])), Some([9u8; 32]));
    }
}
