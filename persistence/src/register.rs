//! The processing register. Entries are stored as their domain documents (JSON text, the same
//! on both backends) and every change is kept with who made it and the entry before and after,
//! so the register can be read as it stood at any past moment.
//!
//! Writes go through [`lock`] first: it serialises one organisation's register changes, so each
//! is checked against the register as the previous change left it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::ids::{OrgId, RegisterChangeId};
use domain::organisation::OrgSlug;
use domain::party::Party;
use domain::register::{
    ChangeAction, EntryKind, OrganisationDetails, ProcessingAgreement, Register,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::parties::{columns, party};
use crate::schema::{organisations, register_changes, register_entries};
use crate::time::{from_db, to_db};

/// Who makes a change, and the organisation they belong to (a processor's user acting for a
/// controller is recorded with the processor's id).
#[derive(Debug, Clone)]
pub struct Actor {
    pub party: Party,
    pub org_id: OrgId,
}

/// What is known of a stored entry besides its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An entry with its version and times.
#[derive(Debug, Clone)]
pub struct Stored<T> {
    pub body: T,
    pub meta: Meta,
}

/// A register as read: the entries, and the facts of each by id.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub register: Register,
    pub meta: HashMap<Uuid, Meta>,
}

impl Loaded {
    pub fn meta_of(&self, id: Uuid) -> Result<Meta, StoreError> {
        self.meta
            .get(&id)
            .copied()
            .ok_or_else(|| StoreError::Corrupt("register entry without its facts".into()))
    }
}

/// One change to a register entry.
#[derive(Debug, Clone)]
pub struct Change {
    pub id: RegisterChangeId,
    pub kind: EntryKind,
    pub entry_id: Uuid,
    pub version: i64,
    pub action: ChangeAction,
    pub actor: Party,
    pub actor_org_id: OrgId,
    pub at: DateTime<Utc>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = register_changes)]
struct ChangeRow {
    id: String,
    kind: String,
    entry_id: String,
    party_org_id: Option<String>,
    version: i64,
    action: String,
    actor_id: Option<String>,
    actor_account: Option<String>,
    actor_org_id: String,
    at: chrono::NaiveDateTime,
    before_body: Option<String>,
    after_body: Option<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = register_entries)]
struct EntryRow {
    id: String,
    kind: String,
    party_org_id: Option<String>,
    body: String,
    version: i64,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

/// An entry before its body is parsed into its domain type.
struct RawEntry {
    kind: EntryKind,
    id: Uuid,
    party: Option<OrgId>,
    body: String,
    meta: Meta,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("register {what}"))
}

fn parse_uuid(text: &str) -> Result<Uuid, StoreError> {
    text.parse().map_err(|_| corrupt("id"))
}

fn parse_body<T: DeserializeOwned>(body: &str) -> Result<T, StoreError> {
    serde_json::from_str(body).map_err(|_| corrupt("entry body"))
}

fn to_body<T: Serialize>(body: &T) -> Result<String, StoreError> {
    serde_json::to_string(body).map_err(|_| corrupt("entry body"))
}

impl TryFrom<EntryRow> for RawEntry {
    type Error = StoreError;

    fn try_from(row: EntryRow) -> Result<Self, StoreError> {
        Ok(RawEntry {
            kind: row.kind.parse().map_err(|_| corrupt("kind"))?,
            id: parse_uuid(&row.id)?,
            party: row
                .party_org_id
                .as_deref()
                .map(parse_uuid)
                .transpose()?
                .map(OrgId::from),
            body: row.body,
            meta: Meta {
                version: row.version,
                created_at: from_db(row.created_at),
                updated_at: from_db(row.updated_at),
            },
        })
    }
}

impl TryFrom<ChangeRow> for Change {
    type Error = StoreError;

    fn try_from(row: ChangeRow) -> Result<Self, StoreError> {
        let json = |text: Option<String>| {
            text.map(|t| serde_json::from_str(&t).map_err(|_| corrupt("change body")))
                .transpose()
        };
        Ok(Change {
            id: parse_uuid(&row.id)?.into(),
            kind: row.kind.parse().map_err(|_| corrupt("kind"))?,
            entry_id: parse_uuid(&row.entry_id)?,
            version: row.version,
            action: row.action.parse().map_err(|_| corrupt("action"))?,
            actor: party("register change actor", row.actor_id, row.actor_account)?,
            actor_org_id: parse_uuid(&row.actor_org_id)?.into(),
            at: from_db(row.at),
            before: json(row.before_body)?,
            after: json(row.after_body)?,
        })
    }
}

/// Takes the organisation's register lock for the rest of the transaction: the UPDATE holds the
/// row until commit on PostgreSQL, and SQLite has one writer.
pub fn lock(conn: &mut AnyConnection, org_id: OrgId) -> Result<(), StoreError> {
    let updated = diesel::update(organisations::table.find(org_id.to_string()))
        .set(organisations::register_version.eq(organisations::register_version + 1))
        .execute(conn)?;
    if updated == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Runs `work` in one transaction under the organisation's register lock, handing it the
/// register as it stands: every check `work` makes holds until it commits.
pub fn change<T>(
    conn: &mut AnyConnection,
    org_id: OrgId,
    work: impl FnOnce(&mut AnyConnection, Loaded) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    conn.transaction(|conn| {
        lock(conn, org_id)?;
        let loaded = load(conn, org_id, None)?;
        work(conn, loaded)
    })
}

/// The entries of `kinds` the organisation holds now, or held at `as_of`, oldest first.
/// Processing agreements are found from either side: as controller or as processor.
fn raw_entries(
    conn: &mut AnyConnection,
    org_id: OrgId,
    kinds: &[EntryKind],
    as_of: Option<DateTime<Utc>>,
) -> Result<Vec<RawEntry>, StoreError> {
    let org = org_id.to_string();
    let kind_names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    let Some(as_of) = as_of else {
        let rows = register_entries::table
            .filter(register_entries::kind.eq_any(&kind_names))
            .filter(
                register_entries::org_id
                    .eq(&org)
                    .or(register_entries::party_org_id.eq(&org)),
            )
            .order(register_entries::id)
            .select(EntryRow::as_select())
            .load::<EntryRow>(conn)?;
        return rows.into_iter().map(RawEntry::try_from).collect();
    };
    let rows = register_changes::table
        .filter(register_changes::kind.eq_any(&kind_names))
        .filter(
            register_changes::org_id
                .eq(&org)
                .or(register_changes::party_org_id.eq(&org)),
        )
        .filter(register_changes::at.le(to_db(as_of)))
        .order(register_changes::id)
        .select(ChangeRow::as_select())
        .load::<ChangeRow>(conn)?;
    // The last change of each entry made by then decides whether it stood, and as what.
    let mut entries: Vec<RawEntry> = Vec::new();
    let mut index: HashMap<Uuid, usize> = HashMap::new();
    for row in rows {
        let id = parse_uuid(&row.entry_id)?;
        let at = from_db(row.at);
        let party = row
            .party_org_id
            .as_deref()
            .map(parse_uuid)
            .transpose()?
            .map(OrgId::from);
        let kind: EntryKind = row.kind.parse().map_err(|_| corrupt("kind"))?;
        let body = row.after_body.unwrap_or_default();
        match index.get(&id) {
            Some(&i) => {
                let entry = &mut entries[i];
                entry.body = body;
                entry.party = party;
                entry.meta.version = row.version;
                entry.meta.updated_at = at;
            }
            None => {
                index.insert(id, entries.len());
                entries.push(RawEntry {
                    kind,
                    id,
                    party,
                    body,
                    meta: Meta {
                        version: row.version,
                        created_at: at,
                        updated_at: at,
                    },
                });
            }
        }
    }
    // A deleted entry's last change has no body after it.
    entries.retain(|e| !e.body.is_empty());
    entries.sort_by_key(|e| e.id);
    Ok(entries)
}

/// The entries of one kind, now or at `as_of`, oldest first.
pub fn list<T: DeserializeOwned>(
    conn: &mut AnyConnection,
    org_id: OrgId,
    kind: EntryKind,
    as_of: Option<DateTime<Utc>>,
) -> Result<Vec<Stored<T>>, StoreError> {
    raw_entries(conn, org_id, &[kind], as_of)?
        .into_iter()
        .map(|raw| {
            Ok(Stored {
                body: parse_body(&raw.body)?,
                meta: raw.meta,
            })
        })
        .collect()
}

/// One entry of `kind`, now or at `as_of`.
pub fn get<T: DeserializeOwned>(
    conn: &mut AnyConnection,
    org_id: OrgId,
    kind: EntryKind,
    id: Uuid,
    as_of: Option<DateTime<Utc>>,
) -> Result<Stored<T>, StoreError> {
    if as_of.is_some() {
        let raw = raw_entries(conn, org_id, &[kind], as_of)?
            .into_iter()
            .find(|e| e.id == id)
            .ok_or(StoreError::NotFound)?;
        return Ok(Stored {
            body: parse_body(&raw.body)?,
            meta: raw.meta,
        });
    }
    let row = register_entries::table
        .find(id.to_string())
        .filter(register_entries::kind.eq(kind.as_str()))
        .filter(
            register_entries::org_id
                .eq(org_id.to_string())
                .or(register_entries::party_org_id.eq(org_id.to_string())),
        )
        .select(EntryRow::as_select())
        .first::<EntryRow>(conn)?;
    let raw = RawEntry::try_from(row)?;
    Ok(Stored {
        body: parse_body(&raw.body)?,
        meta: raw.meta,
    })
}

fn organisation_slug(conn: &mut AnyConnection, org_id: OrgId) -> Result<OrgSlug, StoreError> {
    let slug = organisations::table
        .find(org_id.to_string())
        .select(organisations::slug)
        .first::<String>(conn)?;
    OrgSlug::parse(&slug).map_err(|_| corrupt("organisation slug"))
}

/// Details of an organisation whose own have not been recorded yet (or had not been, at the
/// moment read): its slug for a name and nothing else, so a notice of it is refused until they
/// are.
pub fn undeclared(name: String) -> OrganisationDetails {
    OrganisationDetails {
        nation: domain::rights_requests::Nation::default(),
        name,
        ico_registration_number: None,
        public_authority: false,
        address: None,
        contact: None,
        dpo: None,
        complaints: None,
        uk_representative: None,
        security_measures: None,
    }
}

/// The organisation's whole register (its own entries, not agreements), now or at `as_of`.
pub fn load(
    conn: &mut AnyConnection,
    org_id: OrgId,
    as_of: Option<DateTime<Utc>>,
) -> Result<Loaded, StoreError> {
    let slug = organisation_slug(conn, org_id)?;
    let name = slug.to_string();
    let kinds = [
        EntryKind::Organisation,
        EntryKind::Purpose,
        EntryKind::DataCategory,
        EntryKind::Recipient,
        EntryKind::Transfer,
        EntryKind::RetentionPolicy,
    ];
    let mut register = Register {
        slug,
        organisation: undeclared(name),
        purposes: Vec::new(),
        data_categories: Vec::new(),
        recipients: Vec::new(),
        transfers: Vec::new(),
        retention_policies: Vec::new(),
    };
    let mut meta = HashMap::new();
    for raw in raw_entries(conn, org_id, &kinds, as_of)? {
        meta.insert(raw.id, raw.meta);
        let body = raw.body.as_str();
        match raw.kind {
            EntryKind::Organisation => register.organisation = parse_body(body)?,
            EntryKind::Purpose => register.purposes.push(parse_body(body)?),
            EntryKind::DataCategory => register.data_categories.push(parse_body(body)?),
            EntryKind::Recipient => register.recipients.push(parse_body(body)?),
            EntryKind::Transfer => register.transfers.push(parse_body(body)?),
            EntryKind::RetentionPolicy => register.retention_policies.push(parse_body(body)?),
            EntryKind::ProcessingAgreement => {}
        }
    }
    Ok(Loaded { register, meta })
}

/// Processing agreements the organisation is a party to (controller or processor), now or at
/// `as_of`.
pub fn agreements(
    conn: &mut AnyConnection,
    org_id: OrgId,
    as_of: Option<DateTime<Utc>>,
) -> Result<Vec<Stored<ProcessingAgreement>>, StoreError> {
    list(conn, org_id, EntryKind::ProcessingAgreement, as_of)
}

/// The agreements in force on `on` under which the organisation processes for others, each with
/// the controller's register: what its Art 30(2) record and its notice's "processor for" are
/// made from. Registers and agreements are read now, or at `as_of`.
pub fn processing_for(
    conn: &mut AnyConnection,
    org_id: OrgId,
    as_of: Option<DateTime<Utc>>,
    on: chrono::NaiveDate,
) -> Result<Vec<(ProcessingAgreement, Register)>, StoreError> {
    let mut found = Vec::new();
    for stored in agreements(conn, org_id, as_of)? {
        let agreement = stored.body;
        if agreement.processor == org_id && agreement.in_force(on) {
            let controller = load(conn, agreement.controller, as_of)?.register;
            found.push((agreement, controller));
        }
    }
    Ok(found)
}

/// The organisation and every organisation bound to it by a processing agreement, either way:
/// accepted and not withdrawn. A proposal binds no one, so reveals no one.
pub fn related_organisations(
    conn: &mut AnyConnection,
    org_id: OrgId,
) -> Result<Vec<OrgId>, StoreError> {
    let mut related = vec![org_id];
    for stored in agreements(conn, org_id, None)? {
        if !stored.body.binds() {
            continue;
        }
        for party in [stored.body.controller, stored.body.processor] {
            if !related.contains(&party) {
                related.push(party);
            }
        }
    }
    Ok(related)
}

/// Stores `body` as the entry `id` of `kind`, creating it or replacing it, and records the
/// change. `expected` is the versions an `If-Match` accepts: an entry at another version, or
/// no entry at all, is `Stale`. Putting what is already stored changes nothing.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site per resource, each naming all"
)]
pub fn put<T: Serialize>(
    conn: &mut AnyConnection,
    org_id: OrgId,
    kind: EntryKind,
    id: Uuid,
    party: Option<OrgId>,
    body: &T,
    expected: Option<&[i64]>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Meta, StoreError> {
    let body = to_body(body)?;
    let existing = register_entries::table
        .find(id.to_string())
        .filter(register_entries::org_id.eq(org_id.to_string()))
        .filter(register_entries::kind.eq(kind.as_str()))
        .select(EntryRow::as_select())
        .first::<EntryRow>(conn)
        .optional()?
        .map(RawEntry::try_from)
        .transpose()?;
    if let Some(expected) = expected
        && !existing
            .as_ref()
            .is_some_and(|e| expected.contains(&e.meta.version))
    {
        return Err(StoreError::Stale);
    }
    let at = to_db(now);
    let party_text = party.map(|p| p.to_string());
    let (meta, action, before) = match existing {
        Some(entry) if entry.body == body && entry.party == party => return Ok(entry.meta),
        Some(entry) => {
            let meta = Meta {
                version: entry.meta.version + 1,
                created_at: entry.meta.created_at,
                updated_at: now,
            };
            diesel::update(register_entries::table.find(id.to_string()))
                .set((
                    register_entries::body.eq(&body),
                    register_entries::party_org_id.eq(&party_text),
                    register_entries::version.eq(meta.version),
                    register_entries::updated_at.eq(at),
                ))
                .execute(conn)?;
            (meta, ChangeAction::Updated, Some(entry.body))
        }
        None => {
            let meta = Meta {
                version: 1,
                created_at: now,
                updated_at: now,
            };
            diesel::insert_into(register_entries::table)
                .values((
                    register_entries::id.eq(id.to_string()),
                    register_entries::org_id.eq(org_id.to_string()),
                    register_entries::kind.eq(kind.as_str()),
                    register_entries::party_org_id.eq(&party_text),
                    register_entries::body.eq(&body),
                    register_entries::version.eq(1_i64),
                    register_entries::created_at.eq(at),
                    register_entries::updated_at.eq(at),
                ))
                .execute(conn)?;
            (meta, ChangeAction::Created, None)
        }
    };
    record_change(
        conn,
        org_id,
        kind,
        id,
        party_text,
        meta.version,
        action,
        actor,
        now,
        before,
        Some(body),
    )?;
    Ok(meta)
}

/// Removes the entry `id` of `kind` and records the change; `expected` as for [`put`].
pub fn delete(
    conn: &mut AnyConnection,
    org_id: OrgId,
    kind: EntryKind,
    id: Uuid,
    expected: Option<&[i64]>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let entry = register_entries::table
        .find(id.to_string())
        .filter(register_entries::org_id.eq(org_id.to_string()))
        .filter(register_entries::kind.eq(kind.as_str()))
        .select(EntryRow::as_select())
        .first::<EntryRow>(conn)
        .map_err(StoreError::from)
        .and_then(RawEntry::try_from)?;
    if expected.is_some_and(|versions| !versions.contains(&entry.meta.version)) {
        return Err(StoreError::Stale);
    }
    diesel::delete(register_entries::table.find(id.to_string())).execute(conn)?;
    record_change(
        conn,
        org_id,
        kind,
        id,
        entry.party.map(|p| p.to_string()),
        entry.meta.version + 1,
        ChangeAction::Deleted,
        actor,
        now,
        Some(entry.body),
        None,
    )
}

#[expect(
    clippy::too_many_arguments,
    reason = "a change row names all it records"
)]
fn record_change(
    conn: &mut AnyConnection,
    org_id: OrgId,
    kind: EntryKind,
    entry_id: Uuid,
    party: Option<String>,
    version: i64,
    action: ChangeAction,
    actor: &Actor,
    now: DateTime<Utc>,
    before: Option<String>,
    after: Option<String>,
) -> Result<(), StoreError> {
    let (actor_id, actor_account) = columns(&actor.party);
    diesel::insert_into(register_changes::table)
        .values((
            register_changes::id.eq(Uuid::now_v7().to_string()),
            register_changes::org_id.eq(org_id.to_string()),
            register_changes::kind.eq(kind.as_str()),
            register_changes::entry_id.eq(entry_id.to_string()),
            register_changes::party_org_id.eq(party),
            register_changes::version.eq(version),
            register_changes::action.eq(action.as_str()),
            register_changes::actor_id.eq(actor_id),
            register_changes::actor_account.eq(actor_account),
            register_changes::actor_org_id.eq(actor.org_id.to_string()),
            register_changes::at.eq(to_db(now)),
            register_changes::before_body.eq(before),
            register_changes::after_body.eq(after),
        ))
        .execute(conn)?;
    Ok(())
}

/// Which changes a history page shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChangeFilter {
    pub kind: Option<EntryKind>,
    pub entry_id: Option<Uuid>,
}

/// The organisation's register changes, oldest first, after the change `after`: at most `limit`
/// and whether more follow.
pub fn changes(
    conn: &mut AnyConnection,
    org_id: OrgId,
    filter: ChangeFilter,
    after: Option<Uuid>,
    limit: domain::page::PageLimit,
) -> Result<(Vec<Change>, bool), StoreError> {
    let org = org_id.to_string();
    let mut query = register_changes::table
        .filter(
            register_changes::org_id
                .eq(org.clone())
                .or(register_changes::party_org_id.eq(org)),
        )
        .select(ChangeRow::as_select())
        .order(register_changes::id)
        .limit(i64::from(limit.get()) + 1)
        .into_boxed();
    if let Some(kind) = filter.kind {
        query = query.filter(register_changes::kind.eq(kind.as_str()));
    }
    if let Some(entry) = filter.entry_id {
        query = query.filter(register_changes::entry_id.eq(entry.to_string()));
    }
    if let Some(after) = after {
        query = query.filter(register_changes::id.gt(after.to_string()));
    }
    let mut rows = query.load::<ChangeRow>(conn)?;
    let more = rows.len() > usize::from(limit.get());
    rows.truncate(usize::from(limit.get()));
    let changes = rows
        .into_iter()
        .map(Change::try_from)
        .collect::<Result<_, _>>()?;
    Ok((changes, more))
}
