//! The trail as the API shows it and as an auditor takes it away: events, checkpoints and the
//! organisation's public key, all in hex, and the offline check of such an export
//! (`servicedesk audit verify --from FILE`).

use chrono::{DateTime, Utc};
use domain::audit::{
    AuditEvent, AuditOperation, Broken, ChainCheck, Checkpoint, RecordKind, Verified, from_hex,
    hash_from_hex, to_hex,
};
use domain::ids::OrgId;
use persistence::audit::Crypto;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// One event of the audit trail. People appear only as pseudonyms: hex of an HMAC-SHA256 under
/// the organisation's own key.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditEventDto {
    pub id: Uuid,
    /// Position in the organisation's chain, from 1 with no gap.
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// Pseudonym of who acted.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub actor: String,
    pub operation: AuditOperation,
    pub record_kind: RecordKind,
    pub record_id: Option<String>,
    /// Pseudonym of whom the record is about.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub subject: Option<String>,
    /// SHA-256 of the event before (zeros for the first), hex.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub prev_hash: String,
    /// SHA-256 of this event's canonical encoding, hex.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub hash: String,
}

impl From<AuditEvent> for AuditEventDto {
    fn from(e: AuditEvent) -> Self {
        AuditEventDto {
            id: e.id,
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            operation: e.operation,
            record_kind: e.record_kind,
            record_id: e.record_id,
            subject: e.subject,
            prev_hash: to_hex(&e.prev_hash),
            hash: to_hex(&e.hash),
        }
    }
}

impl AuditEventDto {
    /// The CSV header and one row per event, in [`AuditEventDto::csv_row`]'s order.
    pub const CSV_HEADER: [&'static str; 10] = [
        "seq",
        "id",
        "at",
        "actor",
        "operation",
        "record_kind",
        "record_id",
        "subject",
        "prev_hash",
        "hash",
    ];

    pub fn csv_row(&self) -> [String; 10] {
        [
            self.seq.to_string(),
            self.id.to_string(),
            self.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            self.actor.clone(),
            self.operation.as_str().to_owned(),
            self.record_kind.as_str().to_owned(),
            self.record_id.clone().unwrap_or_default(),
            self.subject.clone().unwrap_or_default(),
            self.prev_hash.clone(),
            self.hash.clone(),
        ]
    }

    fn into_event(self, org_id: OrgId) -> Result<AuditEvent, Broken> {
        let bad = |what: &str| Broken {
            seq: self.seq,
            event_id: Some(self.id),
            reason: format!("the event's {what} is not 64 hex digits"),
        };
        Ok(AuditEvent {
            prev_hash: hash_from_hex(&self.prev_hash).ok_or_else(|| bad("prev_hash"))?,
            hash: hash_from_hex(&self.hash).ok_or_else(|| bad("hash"))?,
            id: self.id,
            org_id,
            seq: self.seq,
            at: self.at,
            actor: self.actor,
            operation: self.operation,
            record_kind: self.record_kind,
            record_id: self.record_id,
            subject: self.subject,
        })
    }
}

/// A signed statement of where an organisation's chain stood: keep one, and a later export
/// must contain the same hash at the same position.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CheckpointDto {
    pub org_id: OrgId,
    pub seq: i64,
    /// The hash of the event at `seq`, hex.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub hash: String,
    pub at: DateTime<Utc>,
    /// Ed25519 signature, hex, over the checkpoint's canonical encoding.
    #[schema(pattern = "^[0-9a-f]{128}$")]
    pub signature: String,
}

impl From<Checkpoint> for CheckpointDto {
    fn from(c: Checkpoint) -> Self {
        CheckpointDto {
            org_id: c.org_id,
            seq: c.seq,
            hash: to_hex(&c.hash),
            at: c.at,
            signature: to_hex(&c.signature),
        }
    }
}

impl CheckpointDto {
    fn to_checkpoint(&self) -> Result<Checkpoint, Broken> {
        let bad = |what: &str| Broken {
            seq: self.seq,
            event_id: None,
            reason: format!("the checkpoint's {what} is not hex of the right length"),
        };
        Ok(Checkpoint {
            org_id: self.org_id,
            seq: self.seq,
            hash: hash_from_hex(&self.hash).ok_or_else(|| bad("hash"))?,
            at: self.at,
            signature: from_hex(&self.signature).ok_or_else(|| bad("signature"))?,
        })
    }
}

/// An organisation's whole trail with what is needed to check it offline.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditExport {
    /// The organisation's slug.
    pub organisation: String,
    pub org_id: OrgId,
    /// `Ed25519`: the algorithm of the checkpoint signatures.
    pub signature_algorithm: String,
    /// The organisation's Ed25519 public key, hex; null before its first checkpoint.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub public_key: Option<String>,
    /// Every event, in chain order.
    pub events: Vec<AuditEventDto>,
    /// The checkpoints signed so far, oldest first.
    pub checkpoints: Vec<CheckpointDto>,
    /// The end of the chain as exported, signed when the export was made; null for an empty
    /// trail. Keep it to check a later export against.
    pub head: Option<CheckpointDto>,
}

/// The outcome of checking a chain.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Verification {
    /// Whether every event links to the one before, matches its hash, and every checkpoint
    /// is signed by the organisation's key and matches its event.
    pub ok: bool,
    /// Events checked (up to the first fault).
    pub events: u64,
    pub checkpoints: usize,
    /// The position of the last event, when the chain is intact and not empty.
    pub head_seq: Option<i64>,
    /// The hash of the last event, hex.
    pub head_hash: Option<String>,
    /// Events after the last checkpoint: chained, not yet under a signature.
    pub unsigned_tail: u64,
    /// The first fault found, when there is one.
    pub broken: Option<Broken>,
}

impl From<Result<Verified, Broken>> for Verification {
    fn from(outcome: Result<Verified, Broken>) -> Self {
        match outcome {
            Ok(v) => Verification {
                ok: true,
                events: v.events,
                checkpoints: v.checkpoints,
                head_seq: v.head.map(|(seq, _)| seq),
                head_hash: v.head.map(|(_, hash)| to_hex(&hash)),
                unsigned_tail: v.unsigned_tail,
                broken: None,
            },
            Err(broken) => Verification {
                ok: false,
                events: u64::try_from(broken.seq.saturating_sub(1)).unwrap_or(0),
                checkpoints: 0,
                head_seq: None,
                head_hash: None,
                unsigned_tail: 0,
                broken: Some(broken),
            },
        }
    }
}

/// Checks an export on its own: the chain, the stored checkpoints and the signed head, all
/// under the export's public key, and, when given, a checkpoint the auditor kept from before
/// (which must be signed by the same key and match the event at its position).
pub fn verify_export(export: &AuditExport, kept: Option<&CheckpointDto>) -> Verification {
    check(export, kept).into()
}

fn check(export: &AuditExport, kept: Option<&CheckpointDto>) -> Result<Verified, Broken> {
    let public_key = match &export.public_key {
        Some(hex) => from_hex(hex).ok_or_else(|| Broken {
            seq: 0,
            event_id: None,
            reason: "the public key is not hex".into(),
        })?,
        None => Vec::new(),
    };
    let signed = export
        .checkpoints
        .iter()
        .chain(export.head.as_ref())
        .chain(kept)
        .map(CheckpointDto::to_checkpoint)
        .collect::<Result<Vec<_>, _>>()?;
    let mut chain = ChainCheck::new(&Crypto, export.org_id, &public_key, signed)?;
    for event in &export.events {
        chain.push(&event.clone().into_event(export.org_id)?)?;
    }
    chain.finish()
}
