//! The personal-data catalogue of this database: every table and column, classified. Anything
//! that must find, export, erase, restrict or expire a person's data walks [`CATALOGUE`]
//! instead of naming tables itself. `tests/api/catalogue.rs` fails on any column a migration
//! adds that is not classified here, and on any classified here that no longer exists.
//!
//! Erasure of a person keeps their `people` row as an anonymised stand-in, so the records kept
//! for a reason the law accepts (asset custody, consent, security and audit trails) still point
//! at something, and point at no one.

use diesel::QueryableByName;
use diesel::sql_types::Text;
use domain::catalogue::{
    Catalogue, Column, DataKind, Erasure, KeepReason, NotPersonal, PersonKey, PersonLink,
    RecordKind, Replacement, Table,
};
use domain::ids::{self, OrgId};
use domain::party::Party;
use domain::people::Person;
use domain::register::{Holding, PersonProcessing};

use crate::audit::subject_index;
use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::statement::Statement;

use DataKind::{
    Access, Activity, Consent, ContactDetails, Employment, Equipment, FreeText, Health, Identity,
    Opinions, SecurityVetting,
};
use NotPersonal::{Digest, ErasedRecord, Organisation, RecordState, Reference, RowId, Tenant};
use PersonKey::{Account, Mentions, PersonId, Pseudonym};

const DELETE: Erasure = Erasure::DeleteRow;
const BLANK: Erasure = Erasure::Anonymise(Replacement::Null);
/// What an anonymised account becomes: unique to the row, so it can never be taken for an
/// account that reads or raised the row (a requester sees their own tickets).
const ERASED: Erasure = Erasure::Anonymise(Replacement::TaggedRowId("erased:"));
/// What anonymised free text reads as.
const ERASED_TEXT: Erasure = Erasure::Anonymise(Replacement::Text("[erased]"));
/// A disclosure's record outlives the person's erasure: the recipients must be told of it
/// (Art 19), and the disclosure shown to have been lawful (Art 5(2)).
const DISCLOSED: Erasure = Erasure::Keep(KeepReason::AuditTrail);
/// An audit event keeps its pseudonyms: the trail must stay whole to prove itself, and without
/// the key a pseudonym names no one.
const AUDITED: Erasure = Erasure::Keep(KeepReason::AuditTrail);
const STAND_IN: Erasure = Erasure::Keep(KeepReason::AnonymisedRecord);

const fn np(name: &'static str, why: NotPersonal) -> Column {
    Column::not_personal(name, why)
}

const fn row(name: &'static str, kind: DataKind, erasure: Erasure) -> Column {
    Column::about_row(name, kind, erasure)
}

const fn naming(name: &'static str, key: PersonKey, kind: DataKind, erasure: Erasure) -> Column {
    Column::naming(name, key, kind, erasure)
}

/// A party column pair: `<name>_id` names a person, and keeps pointing at their anonymised
/// stand-in once they are erased; `<name>_account` names an account with no person record and
/// is treated as `account_erasure` says.
const fn person_of(name: &'static str, kind: DataKind) -> Column {
    naming(name, PersonId, kind, STAND_IN)
}

const fn account_of(name: &'static str, kind: DataKind, account_erasure: Erasure) -> Column {
    naming(name, Account, kind, account_erasure)
}

const fn by(column: &'static str, key: PersonKey) -> Option<PersonLink> {
    Some(PersonLink::Column { column, key })
}

const fn through(column: &'static str, table: &'static str) -> Option<PersonLink> {
    Some(PersonLink::Through { column, table })
}

/// Every table of the database, in migration order.
pub static CATALOGUE: Catalogue = Catalogue {
    tables: &[
        Table {
            name: "organisations",
            record: RecordKind::Organisation,
            person: None,
            columns: &[
                np("id", RowId),
                np("slug", Organisation),
                np("name", Organisation),
                np("created_at", RecordState),
                np("register_version", RecordState),
            ],
        },
        Table {
            name: "ticket_sequences",
            record: RecordKind::TicketSequence,
            person: None,
            columns: &[
                np("org_id", Tenant),
                np("kind", RecordState),
                np("last_number", RecordState),
            ],
        },
        Table {
            name: "tickets",
            record: RecordKind::Ticket,
            // An account-only requester (no person record) is found by `requester_account`.
            person: by("requester_id", PersonId),
            columns: &[
                np("id", RowId),
                np("org_id", Tenant),
                np("reference", RecordState),
                np("kind", RecordState),
                np("category", RecordState),
                np("status", RecordState),
                np("priority", RecordState),
                row("title", FreeText, ERASED_TEXT),
                row("description", FreeText, ERASED_TEXT),
                person_of("requester_id", Identity),
                account_of("requester_account", Identity, ERASED),
                person_of("raised_by_id", Activity),
                account_of("raised_by_account", Activity, ERASED),
                np("assigned_team", RecordState),
                person_of("assigned_agent_id", Activity),
                account_of("assigned_agent_account", Activity, ERASED),
                // Says the requester's ticket holds health or disability details.
                row(
                    "contains_special_category",
                    Health,
                    Erasure::Anonymise(Replacement::Text("false")),
                ),
                np("version", RecordState),
                np("created_at", RecordState),
                np("updated_at", RecordState),
                np("resolved_at", RecordState),
                np("closed_at", RecordState),
            ],
        },
        Table {
            name: "ticket_comments",
            record: RecordKind::TicketComment,
            person: through("ticket_id", "tickets"),
            columns: &[
                np("id", RowId),
                np("ticket_id", Reference),
                person_of("author_id", Activity),
                account_of("author_account", Activity, ERASED),
                np("visibility", RecordState),
                row("body", FreeText, ERASED_TEXT),
                np("created_at", RecordState),
            ],
        },
        Table {
            name: "register_entries",
            record: RecordKind::RegisterEntry,
            person: None,
            columns: &[
                np("id", RowId),
                np("org_id", Tenant),
                np("kind", RecordState),
                np("party_org_id", Organisation),
                // The register describes processing; its contacts are the published ones
                // (Art 13(1)(a), (b)).
                np("body", Organisation),
                np("version", RecordState),
                np("created_at", RecordState),
                np("updated_at", RecordState),
            ],
        },
        Table {
            name: "register_changes",
            record: RecordKind::RegisterChange,
            person: by("actor_id", PersonId),
            columns: &[
                np("id", RowId),
                np("org_id", Tenant),
                np("kind", RecordState),
                np("entry_id", Reference),
                np("party_org_id", Organisation),
                np("version", RecordState),
                np("action", RecordState),
                person_of("actor_id", Activity),
                account_of(
                    "actor_account",
                    Activity,
                    Erasure::Keep(KeepReason::AuditTrail),
                ),
                np("actor_org_id", Organisation),
                np("at", RecordState),
                np("before_body", Organisation),
                np("after_body", Organisation),
            ],
        },
        Table {
            name: "privacy_notices",
            record: RecordKind::PrivacyNotice,
            person: by("published_by_id", PersonId),
            columns: &[
                np("org_id", Tenant),
                np("version", RecordState),
                np("effective_date", RecordState),
                np("published_at", RecordState),
                person_of("published_by_id", Activity),
                account_of(
                    "published_by_account",
                    Activity,
                    Erasure::Keep(KeepReason::AuditTrail),
                ),
                np("content", Organisation),
                np("changes", Organisation),
            ],
        },
        Table {
            name: "people",
            record: RecordKind::Person,
            person: by("id", PersonId),
            columns: &[
                naming("id", PersonId, Identity, STAND_IN),
                np("org_id", Tenant),
                row("kind", Employment, STAND_IN),
                row("external_id", Identity, BLANK),
                row(
                    "given_name",
                    Identity,
                    Erasure::Anonymise(Replacement::Text("Erased")),
                ),
                row(
                    "family_name",
                    Identity,
                    Erasure::Anonymise(Replacement::Text("person")),
                ),
                row("email", ContactDetails, BLANK),
                row("phone", ContactDetails, BLANK),
                row("address", ContactDetails, BLANK),
                row("date_of_birth", SecurityVetting, BLANK),
                row(
                    "clearance",
                    SecurityVetting,
                    Erasure::Anonymise(Replacement::Text("none")),
                ),
                row("starts_on", Employment, BLANK),
                row("leaves_on", Employment, BLANK),
                row("status", Employment, STAND_IN),
                row("hr_effective_date", Employment, BLANK),
                np("version", RecordState),
                np("created_at", RecordState),
                np("updated_at", RecordState),
            ],
        },
        // A person's change history holds what their record held: it goes with them.
        Table {
            name: "person_changes",
            record: RecordKind::PersonChange,
            person: by("person_id", PersonId),
            columns: &[
                naming("person_id", PersonId, Identity, DELETE),
                np("version", RecordState),
                np("org_id", Tenant),
                np("action", RecordState),
                person_of("actor_id", Activity),
                account_of(
                    "actor_account",
                    Activity,
                    Erasure::Anonymise(Replacement::Text("erased")),
                ),
                np("at", RecordState),
                row("before_body", Identity, DELETE),
                row("after_body", Identity, DELETE),
                // The rights request a correction answered.
                np("request_id", Reference),
            ],
        },
        Table {
            name: "person_adjustments",
            record: RecordKind::Adjustment,
            person: by("person_id", PersonId),
            columns: &[
                naming("person_id", PersonId, Health, DELETE),
                np("org_id", Tenant),
                row("reasonable_adjustments", Health, DELETE),
                row("condition", Health, DELETE),
                np("recorded_at", RecordState),
                np("version", RecordState),
            ],
        },
        Table {
            name: "duty_grants",
            record: RecordKind::DutyGrant,
            person: by("subject_id", PersonId),
            columns: &[
                np("id", RowId),
                np("org_id", Tenant),
                np("duty", RecordState),
                naming("subject_id", PersonId, Access, DELETE),
                account_of("subject_account", Access, ERASED),
                // A trail only: no one reads by it.
                person_of("granted_by_id", Activity),
                account_of(
                    "granted_by_account",
                    Activity,
                    Erasure::Anonymise(Replacement::Text("erased")),
                ),
                np("granted_at", RecordState),
            ],
        },
        // What was disclosed about whom, to which recipient: kept when the person is erased,
        // since Art 19 needs it to tell the recipients, and Art 5(2) to show it was lawful.
        Table {
            name: "disclosures",
            record: RecordKind::Disclosure,
            person: by("person_id", PersonId),
            columns: &[
                np("id", RowId),
                np("org_id", Tenant),
                naming("person_id", PersonId, Activity, DISCLOSED),
                np("recipient_id", Reference),
                np("disclosed_at", RecordState),
                np("basis", RecordState),
                row("explanation", FreeText, DISCLOSED),
                np("data_categories", Reference),
                row("description", FreeText, DISCLOSED),
                np("reference", Reference),
                person_of("recorded_by_id", Activity),
                account_of("recorded_by_account", Activity, DISCLOSED),
                np("recorded_at", RecordState),
                np("version", RecordState),
            ],
        },
        // Requests to exercise a right: kept when the person is erased, since the controller
        // must show it answered them within the statutory time (Art 5(2), 12(3)).
        Table {
            name: "rights_requests",
            record: RecordKind::RightsRequest,
            person: by("person_id", PersonId),
            columns: &[
                np("id", RowId),
                np("org_id", Tenant),
                naming("person_id", PersonId, Activity, DISCLOSED),
                np("right_kind", RecordState),
                np("channel", RecordState),
                np("nation", RecordState),
                np("received_at", RecordState),
                np("due_on", RecordState),
                np("acknowledge_by", RecordState),
                np("status", RecordState),
                person_of("logged_by_id", Activity),
                account_of("logged_by_account", Activity, DISCLOSED),
                np("logged_at", RecordState),
                np("extended_due_on", RecordState),
            ],
        },
        // The steps taken on a request, and what the person was told at each (an extension's
        // reasons, a refusal's): kept with the request, for the same reason.
        Table {
            name: "rights_request_steps",
            record: RecordKind::RightsRequestStep,
            person: through("request_id", "rights_requests"),
            columns: &[
                np("id", RowId),
                np("request_id", Reference),
                np("kind", RecordState),
                np("occurred_at", RecordState),
                np("months", RecordState),
                np("outcome", RecordState),
                np("ground", RecordState),
                row("reasons", FreeText, DISCLOSED),
                row("letter", FreeText, DISCLOSED),
                person_of("actor_id", Activity),
                account_of("actor_account", Activity, DISCLOSED),
                np("recorded_at", RecordState),
            ],
        },
        // What answered a rectification request: kept when the person is erased, like the
        // request (Art 5(2)). The corrected values are in the person record and its history;
        // a supplementary statement is the person's own account, erased with them.
        Table {
            name: "rectifications",
            record: RecordKind::Rectification,
            person: by("person_id", PersonId),
            columns: &[
                np("id", RowId),
                np("org_id", Tenant),
                naming("person_id", PersonId, Activity, DISCLOSED),
                np("request_id", Reference),
                np("corrected", RecordState),
                np("person_version", RecordState),
                row("supplementary_statement", FreeText, ERASED_TEXT),
                np("rectified_at", RecordState),
                person_of("rectified_by_id", Activity),
                account_of("rectified_by_account", Activity, DISCLOSED),
            ],
        },
        // What each recipient was told (Art 19): kept when the person is erased, since the
        // erasure itself is told to the same recipients and the notices show Art 19 was met.
        // A notice names what was done and to what, never the data.
        Table {
            name: "recipient_notices",
            record: RecordKind::RecipientNotice,
            person: by("person_id", PersonId),
            columns: &[
                np("id", RowId),
                np("org_id", Tenant),
                naming("person_id", PersonId, Activity, DISCLOSED),
                np("recipient_id", Reference),
                np("action", RecordState),
                np("request_id", Reference),
                np("items", RecordState),
                np("notice", RecordState),
                np("notified_at", RecordState),
                person_of("notified_by_id", Activity),
                account_of("notified_by_account", Activity, DISCLOSED),
            ],
        },
        // Restrictions of processing (Art 18): kept when the person is erased, to show the
        // objection was honoured while it was weighed and the person told before it was lifted.
        Table {
            name: "restrictions",
            record: RecordKind::Restriction,
            person: by("person_id", PersonId),
            columns: &[
                np("id", RowId),
                np("org_id", Tenant),
                naming("person_id", PersonId, Activity, DISCLOSED),
                np("ground", RecordState),
                np("request_id", Reference),
                np("purposes", Organisation),
                np("placed_at", RecordState),
                person_of("placed_by_id", Activity),
                account_of("placed_by_account", Activity, DISCLOSED),
                np("lifted_at", RecordState),
                person_of("lifted_by_id", Activity),
                account_of("lifted_by_account", Activity, DISCLOSED),
                np("lift_reason", RecordState),
                np("lifting_notice", RecordState),
            ],
        },
        // The Art 18(2) exceptions the DPO records on a restriction: what processing each lets
        // through, on which ground and why, kept with the restriction they qualify.
        Table {
            name: "restriction_exceptions",
            record: RecordKind::Restriction,
            person: through("restriction_id", "restrictions"),
            columns: &[
                np("id", RowId),
                np("org_id", Tenant),
                np("restriction_id", Reference),
                np("ground", RecordState),
                np("allows", RecordState),
                row("note", FreeText, DISCLOSED),
                np("ends_at", RecordState),
                np("recorded_at", RecordState),
                person_of("recorded_by_id", Activity),
                account_of("recorded_by_account", Activity, DISCLOSED),
            ],
        },
        // The audit trail names people only by keyed pseudonyms, so it outlives their erasure
        // without keeping their identity; it is append-only (the database refuses changes).
        Table {
            name: "audit_events",
            record: RecordKind::AuditEvent,
            person: by("subject", Pseudonym),
            columns: &[
                np("id", RowId),
                np("org_id", Tenant),
                np("seq", RecordState),
                np("at", RecordState),
                naming("actor", Pseudonym, Activity, AUDITED),
                np("operation", RecordState),
                np("record_kind", RecordState),
                np("record_id", Reference),
                naming("subject", Pseudonym, Activity, AUDITED),
                np("prev_hash", Digest),
                np("hash", Digest),
            ],
        },
        Table {
            name: "audit_chains",
            record: RecordKind::AuditChain,
            person: None,
            columns: &[
                np("org_id", Tenant),
                np("last_seq", RecordState),
                np("last_hash", Digest),
            ],
        },
        // The audit events' subject index: the same pseudonyms, filed by subject.
        Table {
            name: "audit_subject_postings",
            record: RecordKind::AuditEvent,
            // An index, not a record: a person's events are found through it, never it itself.
            person: None,
            columns: &[
                np("org_id", Tenant),
                naming("subject", Pseudonym, Activity, AUDITED),
                np("seq", RecordState),
            ],
        },
        Table {
            name: "audit_subject_marks",
            record: RecordKind::AuditEvent,
            person: None,
            columns: &[
                np("org_id", Tenant),
                np("indexed_seq", RecordState),
                np("pass_upto", RecordState),
                // The last subject a pass has filed: a pseudonym, held only while it runs.
                naming("pass_done_through", Pseudonym, Activity, AUDITED),
            ],
        },
        Table {
            name: "audit_checkpoints",
            record: RecordKind::AuditCheckpoint,
            person: None,
            columns: &[
                np("org_id", Tenant),
                np("seq", RecordState),
                np("hash", Digest),
                np("at", RecordState),
                np("signature", Digest),
            ],
        },
        // The organisation's keys, held apart from the events they pseudonymise and sign.
        Table {
            name: "audit_pseudonym_keys",
            record: RecordKind::AuditKey,
            person: None,
            columns: &[
                np("org_id", Tenant),
                np("secret", Organisation),
                np("created_at", RecordState),
            ],
        },
        Table {
            name: "audit_signing_keys",
            record: RecordKind::AuditKey,
            person: None,
            columns: &[
                np("org_id", Tenant),
                np("private_key", Organisation),
                np("public_key", Organisation),
                np("created_at", RecordState),
            ],
        },
        Table {
            name: "disclosure_versions",
            record: RecordKind::DisclosureVersion,
            person: through("disclosure_id", "disclosures"),
            columns: &[
                np("id", RowId),
                np("disclosure_id", Reference),
                np("version", RecordState),
                row("facts", FreeText, DISCLOSED),
                person_of("actor_id", Activity),
                account_of("actor_account", Activity, DISCLOSED),
                row("reason", FreeText, DISCLOSED),
                np("at", RecordState),
            ],
        },
        Table {
            name: "accounts",
            record: RecordKind::Account,
            person: by("person_id", PersonId),
            columns: &[
                np("id", RowId),
                np("org_id", Tenant),
                naming("person_id", PersonId, Access, STAND_IN),
                np("kind", RecordState),
                np("system", RecordState),
                // Unique within a system, so each anonymised one differs.
                row(
                    "identifier",
                    Access,
                    Erasure::Anonymise(Replacement::TaggedRowId("erased:")),
                ),
                np("status", RecordState),
                // Approvers are people: approving needs a person record.
                person_of("approved_by", Activity),
                np("granted_at", RecordState),
                np("removed_at", RecordState),
                np("version", RecordState),
                np("created_at", RecordState),
                np("updated_at", RecordState),
            ],
        },
        Table {
            name: "account_changes",
            record: RecordKind::AccountChange,
            person: through("account_id", "accounts"),
            columns: &[
                np("id", RowId),
                np("account_id", Reference),
                np("from_status", RecordState),
                np("to_status", RecordState),
                person_of("actor_id", Activity),
                account_of(
                    "actor_account",
                    Activity,
                    Erasure::Keep(KeepReason::SecurityRecord),
                ),
                np("ticket_id", Reference),
                np("at", RecordState),
            ],
        },
        Table {
            name: "assets",
            record: RecordKind::Asset,
            person: None,
            columns: &[
                np("id", RowId),
                np("org_id", Tenant),
                np("kind", Organisation),
                np("tag", Organisation),
                np("serial", Organisation),
                np("model", Organisation),
                np("seats", Organisation),
                np("active_assignments", RecordState),
                np("version", RecordState),
                np("created_at", RecordState),
                np("updated_at", RecordState),
            ],
        },
        Table {
            name: "asset_assignments",
            record: RecordKind::AssetAssignment,
            person: by("person_id", PersonId),
            columns: &[
                np("id", RowId),
                np("asset_id", Reference),
                np("org_id", Tenant),
                naming(
                    "person_id",
                    PersonId,
                    Equipment,
                    Erasure::Keep(KeepReason::FinancialRecord),
                ),
                // Who asked and who approved are people: both need a person record.
                person_of("requested_by", Activity),
                np("status", RecordState),
                person_of("approved_by", Activity),
                np("requested_at", RecordState),
                np("approved_at", RecordState),
                np("issued_at", RecordState),
                np("ended_at", RecordState),
                np("version", RecordState),
            ],
        },
        Table {
            name: "assignment_changes",
            record: RecordKind::AssignmentChange,
            person: through("assignment_id", "asset_assignments"),
            columns: &[
                np("id", RowId),
                np("assignment_id", Reference),
                np("from_status", RecordState),
                np("to_status", RecordState),
                person_of("actor_id", Activity),
                account_of(
                    "actor_account",
                    Activity,
                    Erasure::Keep(KeepReason::FinancialRecord),
                ),
                np("at", RecordState),
            ],
        },
        Table {
            name: "hr_sync_requests",
            record: RecordKind::HrSyncAnswer,
            // The stored answer lists each record's external id and PersonId. It only replays
            // a batch: HR events never overwrite newer ones, so losing it is harmless.
            person: by("response", Mentions),
            columns: &[
                np("org_id", Tenant),
                np("idempotency_key", RecordState),
                np("request_hash", Digest),
                np("status_code", RecordState),
                naming("response", Mentions, Identity, DELETE),
                np("created_at", RecordState),
            ],
        },
        Table {
            name: "consents",
            record: RecordKind::Consent,
            person: by("person_id", PersonId),
            columns: &[
                np("id", RowId),
                np("org_id", Tenant),
                naming(
                    "person_id",
                    PersonId,
                    Consent,
                    Erasure::Keep(KeepReason::ProofOfConsent),
                ),
                np("purpose_id", Reference),
                np("notice_version", RecordState),
                np("given_at", RecordState),
                np("withdrawn_at", RecordState),
            ],
        },
        Table {
            name: "survey_answers",
            record: RecordKind::SurveyAnswer,
            person: by("respondent", PersonId),
            columns: &[
                np("id", RowId),
                np("org_id", Tenant),
                np("ticket_id", Reference),
                naming("respondent", PersonId, Opinions, DELETE),
                np("consent_id", Reference),
                np("team", RecordState),
                row("rating", Opinions, DELETE),
                row("comment", Opinions, DELETE),
                np("answered_at", RecordState),
                np("withdrawn_at", RecordState),
            ],
        },
        Table {
            name: "directory_profiles",
            record: RecordKind::DirectoryProfile,
            person: by("person_id", PersonId),
            columns: &[
                naming("person_id", PersonId, Identity, DELETE),
                np("org_id", Tenant),
                row("user_name", Access, DELETE),
                row("user_name_key", Access, DELETE),
                row("employee_number", Identity, DELETE),
                row("department", Employment, DELETE),
                // The person's manager, named: their data too.
                naming("manager_id", PersonId, Employment, BLANK),
                np("active", RecordState),
                np("deprovisioned_at", RecordState),
                np("created_at", RecordState),
                np("updated_at", RecordState),
            ],
        },
        // Retention sweeps: who started each, how far it has gone (a person id, the cursor of
        // its walk in id order), whom it found blocked and what it did to whom. Kept when the
        // person is erased: they show the retention policies were applied (Art 5(2)), and they
        // name the person only by id, which then names their anonymised stand-in.
        Table {
            name: "retention_sweeps",
            record: RecordKind::RetentionSweep,
            person: by("started_by_id", PersonId),
            columns: &[
                np("id", RowId),
                np("org_id", Tenant),
                np("status", RecordState),
                person_of("started_by_id", Activity),
                account_of("started_by_account", Activity, DISCLOSED),
                np("started_at", RecordState),
                np("finished_at", RecordState),
                np("failure", RecordState),
            ],
        },
        Table {
            name: "retention_sweep_policies",
            record: RecordKind::RetentionSweep,
            person: None,
            columns: &[
                np("sweep_id", Reference),
                np("org_id", Tenant),
                np("policy_id", Reference),
                np("position", RecordState),
                np("trigger_event", Organisation),
                np("period", Organisation),
                np("action", Organisation),
                np("purposes", Organisation),
                np("holdings", Organisation),
                person_of("last_person_id", Activity),
                np("finished", RecordState),
                np("acted", RecordState),
                np("blocked", RecordState),
            ],
        },
        Table {
            name: "retention_sweep_blocked",
            record: RecordKind::RetentionSweep,
            person: by("person_id", PersonId),
            columns: &[
                np("sweep_id", Reference),
                np("org_id", Tenant),
                np("policy_id", Reference),
                naming("person_id", PersonId, Activity, DISCLOSED),
                np("blockers", Reference),
            ],
        },
        Table {
            name: "retention_actions",
            record: RecordKind::RetentionSweep,
            person: by("person_id", PersonId),
            columns: &[
                np("org_id", Tenant),
                np("policy_id", Reference),
                naming("person_id", PersonId, Activity, DISCLOSED),
                np("sweep_id", Reference),
                np("action", RecordState),
                np("ticket_id", Reference),
                np("acted_at", RecordState),
            ],
        },
        Table {
            name: "retention_sweep_leases",
            record: RecordKind::RetentionSweep,
            person: None,
            columns: &[
                np("org_id", Tenant),
                np("sweep_id", Reference),
                np("holder", RecordState),
                np("expires_at", RecordState),
            ],
        },
        // The erasure ledger: which person was erased, when, why and how far, with counts per
        // table. The person's id points at the stand-in the erasure left.
        Table {
            name: "erasure_ledger",
            record: RecordKind::ErasureRecord,
            person: None,
            columns: &[
                np("id", RowId),
                np("org_id", Tenant),
                np("person_id", ErasedRecord),
                np("scope", RecordState),
                np("cause", RecordState),
                np("cause_id", Reference),
                np("report", RecordState),
                np("erased_at", RecordState),
                np("scrubbed_at", RecordState),
            ],
        },
        // Legal holds (Art 17(3)(b), (e)): kept when the person is erased, as the record that
        // their data was held back and released, by whom and when. The reasons the DPO gave may
        // name the person, so they go. A hold on a ticket names no person: the ticket's
        // requester is found through the ticket, and its reasons should name the matter.
        Table {
            name: "legal_holds",
            record: RecordKind::LegalHold,
            person: by("person_id", PersonId),
            columns: &[
                np("id", RowId),
                np("org_id", Tenant),
                person_of("person_id", Activity),
                np("ticket_id", Reference),
                row("reason", FreeText, ERASED_TEXT),
                np("placed_at", RecordState),
                person_of("placed_by_id", Activity),
                account_of("placed_by_account", Activity, DISCLOSED),
                np("released_at", RecordState),
                person_of("released_by_id", Activity),
                account_of("released_by_account", Activity, DISCLOSED),
                row("release_reason", FreeText, ERASED_TEXT),
            ],
        },
        Table {
            name: "__diesel_schema_migrations",
            record: RecordKind::SchemaMigration,
            person: None,
            columns: &[np("version", RecordState), np("run_on", RecordState)],
        },
    ],
};

#[derive(QueryableByName)]
struct LiveColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

/// Every `(table, column)` of the connected database's own schema, as the database reports
/// it (SQLite's `pragma_table_info`, PostgreSQL's `information_schema.columns`), ordered by
/// table and column position. What the catalogue is checked against.
pub fn live_columns(conn: &mut AnyConnection) -> Result<Vec<(String, String)>, StoreError> {
    use diesel::RunQueryDsl;
    let rows: Vec<LiveColumn> = match conn {
        AnyConnection::Sqlite(conn) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS column_name \
             FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
             ORDER BY m.name, p.cid",
        )
        .load(conn)?,
        AnyConnection::Postgresql(conn) => diesel::sql_query(
            "SELECT table_name::text AS table_name, column_name::text AS column_name \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() \
             ORDER BY table_name, ordinal_position",
        )
        .load(conn)?,
    };
    Ok(rows
        .into_iter()
        .map(|r| (r.table_name, r.column_name))
        .collect())
}

#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = Text)]
    category: String,
}

/// How a column is matched against one of the person's keys.
pub(crate) enum Match {
    Equals(String),
    /// A document naming the person among its text ([`PersonKey::Mentions`]).
    Contains(String),
}

/// The values a column holding `key` has for the person with `person_id` and `external_id`
/// (their token subject), as rows store them today. `pseudonyms` are theirs in the audit trail.
///
/// Kept in one place: when rows come to name people by `PersonId` alone, this is what changes.
pub(crate) fn matches_for(
    key: PersonKey,
    person_id: ids::PersonId,
    external_id: Option<&str>,
    pseudonyms: &[String],
) -> Vec<Match> {
    let id = person_id.to_string();
    let subject = external_id.map(|s| Match::Equals(s.to_owned()));
    match key {
        PersonKey::PersonId => vec![Match::Equals(id)],
        // An account the person holds is theirs once adopted; one not yet moved still names
        // them. A processor's staff act as `subject@slug`: never this organisation's person.
        PersonKey::Account => subject.into_iter().collect(),
        PersonKey::Mentions => vec![Match::Contains(id)],
        PersonKey::Pseudonym => pseudonyms.iter().cloned().map(Match::Equals).collect(),
    }
}

/// What the organisation's desk holds about a person, as the register binds it: each record
/// kind with a row about them or naming them, for tickets with each category, in the order of
/// [`Holding`]. Walks [`CATALOGUE`]: a table's person link and every column naming a person
/// (the agent assigned, who approved). A table linked through another (a ticket's comments) is
/// governed as that table's rows, so its rows count as the parent's kind, with the parent's
/// category.
pub fn record_kinds_about(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person_id: ids::PersonId,
    external_id: Option<&str>,
) -> Result<Vec<Holding>, StoreError> {
    let mut identities = vec![Party::Person(person_id)];
    identities.extend(external_id.map(|s| Party::Account(s.to_owned())));
    let pseudonyms = crate::audit::pseudonyms(conn, org_id, &identities)?;
    let mut held = Vec::new();
    for table in CATALOGUE.tables {
        let governed = CATALOGUE.governed_as(table.record);
        // The tenant, and the table a through link joins for it (and for a ticket's category).
        let parent = match table.person {
            Some(PersonLink::Through { column, table }) => {
                CATALOGUE.table(table).map(|parent| (column, parent))
            }
            _ => None,
        };
        let tenant = match parent {
            Some(_) => "p.org_id",
            None if table.column("org_id").is_some() => "t.org_id",
            None => continue,
        };
        let category = match parent {
            _ if governed != RecordKind::Ticket => "CAST('' AS TEXT)",
            Some(_) => "p.category",
            None => "t.category",
        };
        let join = parent
            .map(|(column, parent)| format!(" JOIN {} p ON t.{column} = p.id", parent.name))
            .unwrap_or_default();
        let mut columns: Vec<(&str, PersonKey)> = table.person_columns().collect();
        if let Some(PersonLink::Column { column, key }) = table.person
            && !columns.contains(&(column, key))
        {
            columns.push((column, key));
        }
        for (column, key) in columns {
            for value in matches_for(key, person_id, external_id, &pseudonyms) {
                let (op, value) = match value {
                    Match::Equals(v) => ("=", v),
                    Match::Contains(v) => ("LIKE", format!("%{v}%")),
                };
                // Names come from the catalogue, never from a request; values are bound. The
                // audit events' subject is found through its own index.
                let source = if subject_index::is_indexed_here(table.name, column) {
                    format!("({})", subject_index::events_about_subject("{1}", "{2}"))
                } else {
                    table.name.to_owned()
                };
                let sql = format!(
                    "SELECT DISTINCT {category} AS category FROM {source} t{join} \
                     WHERE {tenant} = {{1}} AND t.{column} {op} {{2}}"
                );
                let rows: Vec<Found> =
                    Statement::with(sql, &[&org_id.to_string(), &value]).load(conn)?;
                for found in rows {
                    let holding = if governed == RecordKind::Ticket {
                        let category = found
                            .category
                            .parse()
                            .map_err(|_| StoreError::Corrupt(format!("{}.category", table.name)))?;
                        Holding::ticket(category)
                    } else {
                        Holding::of(governed)
                    };
                    held.push(holding);
                }
            }
        }
    }
    held.sort();
    held.dedup();
    Ok(held)
}

/// What the organisation's register says of the processing of `person`'s data (Art 15(1)):
/// each purpose governing a kind of record the desk holds about them, by the register as it
/// stands, and what no single purpose governs.
pub fn processing_of(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person: &Person,
) -> Result<PersonProcessing, StoreError> {
    let external_id = person.external_id.as_ref().map(|e| e.as_str());
    let holdings = record_kinds_about(conn, org_id, person.id, external_id)?;
    let register = crate::register::load(conn, org_id, None)?.register;
    Ok(register.processing_of(&holdings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_registers_bind_every_kind_holding_personal_data() {
        for register in domain::register::demo::all() {
            assert_eq!(register.binding_lints(&CATALOGUE), [], "{}", register.slug);
        }
    }

    #[test]
    fn the_departments_leave_only_surveys_unbound() {
        // Nothing published gives DCMS or DExEU a survey purpose.
        for register in [
            domain::register::demo::dcms(),
            domain::register::demo::dexeu(),
        ] {
            let unbound: Vec<_> = register
                .binding_lints(&CATALOGUE)
                .iter()
                .map(|l| l.entity.record_kind)
                .collect();
            assert_eq!(
                unbound,
                [Some(RecordKind::Consent), Some(RecordKind::SurveyAnswer)],
                "{}",
                register.slug
            );
        }
    }

    #[test]
    fn the_catalogue_is_consistent() {
        assert_eq!(CATALOGUE.faults(), Vec::<String>::new());
    }

    #[test]
    fn special_category_data_is_erased_with_its_row_or_anonymised() {
        for table in CATALOGUE.tables {
            for column in table.columns {
                let Some(personal) = column.personal() else {
                    continue;
                };
                if personal.kind.is_special() && table.is_about_row(column) {
                    assert!(
                        matches!(personal.erasure, Erasure::DeleteRow | Erasure::Anonymise(_)),
                        "{}.{} keeps health data after erasure",
                        table.name,
                        column.name
                    );
                }
            }
        }
    }
}
