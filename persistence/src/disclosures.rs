//! The disclosures log: each record's current version, every version it has had, and who a
//! person's data went to (what Art 19 notifications are sent to).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::disclosures::{Disclosure, DisclosureFacts, check_disclosure};
use domain::ids::{DataCategoryId, DisclosureId, OrgId, PersonId, RecipientId};
use domain::page::PageLimit;
use domain::party::Party;
use domain::register::RuleViolation;
use uuid::Uuid;

use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::page::page_of;
use crate::parties::{columns, party};
use crate::schema::{disclosure_versions, disclosures};
use crate::time::{from_db, to_db};
use crate::{people, register};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = disclosures)]
#[diesel(treat_none_as_null = true)]
struct DisclosureRow {
    id: String,
    org_id: String,
    person_id: String,
    recipient_id: String,
    disclosed_at: chrono::NaiveDateTime,
    basis: String,
    explanation: Option<String>,
    data_categories: String,
    description: String,
    reference: Option<String>,
    recorded_by_id: Option<String>,
    recorded_by_account: Option<String>,
    recorded_at: chrono::NaiveDateTime,
    version: i64,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("disclosure {what}"))
}

impl TryFrom<DisclosureRow> for Disclosure {
    type Error = StoreError;

    fn try_from(row: DisclosureRow) -> Result<Self, StoreError> {
        Ok(Disclosure {
            id: row.id.parse().map_err(|_| corrupt("id"))?,
            org_id: row.org_id.parse().map_err(|_| corrupt("organisation"))?,
            facts: DisclosureFacts {
                person_id: row.person_id.parse().map_err(|_| corrupt("person"))?,
                recipient_id: row.recipient_id.parse().map_err(|_| corrupt("recipient"))?,
                disclosed_at: from_db(row.disclosed_at),
                basis: row.basis.parse().map_err(|_| corrupt("basis"))?,
                explanation: row.explanation,
                data_categories: serde_json::from_str(&row.data_categories)
                    .map_err(|_| corrupt("data categories"))?,
                description: row.description,
                reference: row.reference,
            },
            recorded_by: party(
                "disclosure recorder",
                row.recorded_by_id,
                row.recorded_by_account,
            )?,
            recorded_at: from_db(row.recorded_at),
            version: row.version,
        })
    }
}

impl TryFrom<&Disclosure> for DisclosureRow {
    type Error = StoreError;

    fn try_from(d: &Disclosure) -> Result<Self, StoreError> {
        let f = &d.facts;
        let (recorded_by_id, recorded_by_account) = columns(&d.recorded_by);
        Ok(DisclosureRow {
            id: d.id.to_string(),
            org_id: d.org_id.to_string(),
            person_id: f.person_id.to_string(),
            recipient_id: f.recipient_id.to_string(),
            disclosed_at: to_db(f.disclosed_at),
            basis: f.basis.as_str().to_owned(),
            explanation: f.explanation.clone(),
            data_categories: serde_json::to_string(&f.data_categories)
                .map_err(|_| corrupt("data categories"))?,
            description: f.description.clone(),
            reference: f.reference.clone(),
            recorded_by_id,
            recorded_by_account,
            recorded_at: to_db(d.recorded_at),
            version: d.version,
        })
    }
}

/// One version of a record: what it said, who wrote it, when, and why it was corrected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisclosureVersion {
    pub id: Uuid,
    pub disclosure_id: DisclosureId,
    pub version: i64,
    pub facts: DisclosureFacts,
    /// Who recorded (version 1) or corrected it.
    pub actor: Party,
    /// Why it was corrected; none for the version first recorded.
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = disclosure_versions)]
struct VersionRow {
    id: String,
    disclosure_id: String,
    version: i64,
    facts: String,
    actor_id: Option<String>,
    actor_account: Option<String>,
    reason: Option<String>,
    at: chrono::NaiveDateTime,
}

impl TryFrom<VersionRow> for DisclosureVersion {
    type Error = StoreError;

    fn try_from(row: VersionRow) -> Result<Self, StoreError> {
        Ok(DisclosureVersion {
            id: row.id.parse().map_err(|_| corrupt("version id"))?,
            disclosure_id: row.disclosure_id.parse().map_err(|_| corrupt("id"))?,
            version: row.version,
            facts: serde_json::from_str(&row.facts).map_err(|_| corrupt("version facts"))?,
            actor: party("disclosure version actor", row.actor_id, row.actor_account)?,
            reason: row.reason,
            at: from_db(row.at),
        })
    }
}

fn keep_version(
    conn: &mut AnyConnection,
    id: Uuid,
    disclosure: &Disclosure,
    actor: &Party,
    reason: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (actor_id, actor_account) = columns(actor);
    diesel::insert_into(disclosure_versions::table)
        .values(VersionRow {
            id: id.to_string(),
            disclosure_id: disclosure.id.to_string(),
            version: disclosure.version,
            facts: serde_json::to_string(&disclosure.facts).map_err(|_| corrupt("facts"))?,
            actor_id,
            actor_account,
            reason: reason.map(str::to_owned),
            at: to_db(at),
        })
        .execute(conn)?;
    Ok(())
}

/// The rules a record keeps, checked inside the writing transaction: the person is one of the
/// organisation's, and the domain's rules against its register as it stands. The register's
/// lock is taken first, so a recipient or category cannot be removed between this check and
/// the commit (the removal asks the log under the same lock).
fn check(
    conn: &mut AnyConnection,
    org_id: OrgId,
    facts: &DisclosureFacts,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    register::lock(conn, org_id)?;
    let mut violations = Vec::new();
    match people::get(conn, org_id, facts.person_id) {
        Err(StoreError::NotFound) => violations.push(RuleViolation {
            field: "person_id",
            article: "",
            message: "must be a person of the caller's organisation".into(),
        }),
        other => {
            other?;
        }
    }
    let loaded = register::load(conn, org_id, None)?;
    if let Err(found) = check_disclosure(facts, &loaded.register, now) {
        violations.extend(found);
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Refused(violations))
    }
}

/// Records a disclosure and its first version in one transaction, refused (naming each field)
/// when it breaks a rule. `version_id` names the first version. Returns the record as stored
/// (times at the precision the database keeps).
pub fn record(
    conn: &mut AnyConnection,
    disclosure: &Disclosure,
    version_id: Uuid,
) -> Result<Disclosure, StoreError> {
    conn.transaction(|conn| {
        check(
            conn,
            disclosure.org_id,
            &disclosure.facts,
            disclosure.recorded_at,
        )?;
        diesel::insert_into(disclosures::table)
            .values(DisclosureRow::try_from(disclosure)?)
            .execute(conn)?;
        keep_version(
            conn,
            version_id,
            disclosure,
            &disclosure.recorded_by,
            None,
            disclosure.recorded_at,
        )?;
        get(conn, disclosure.org_id, disclosure.id)
    })
}

/// One record of the organisation; another organisation's is `NotFound`.
pub fn get(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: DisclosureId,
) -> Result<Disclosure, StoreError> {
    disclosures::table
        .find(id.to_string())
        .filter(disclosures::org_id.eq(org_id.to_string()))
        .select(DisclosureRow::as_select())
        .first::<DisclosureRow>(conn)?
        .try_into()
}

/// What a list of disclosures may be narrowed to; `from` and `to` bound `disclosed_at`,
/// both inclusive.
#[derive(Debug, Clone, Default)]
pub struct DisclosureFilter {
    pub person_id: Option<PersonId>,
    pub recipient_id: Option<RecipientId>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// A page of the organisation's records, newest recorded first, after the cursor record.
pub fn list(
    conn: &mut AnyConnection,
    org_id: OrgId,
    filter: &DisclosureFilter,
    limit: PageLimit,
    after: Option<DisclosureId>,
) -> Result<(Vec<Disclosure>, bool), StoreError> {
    let mut query = disclosures::table
        .filter(disclosures::org_id.eq(org_id.to_string()))
        .select(DisclosureRow::as_select())
        .order(disclosures::id.desc())
        .limit(i64::from(limit.get()) + 1)
        .into_boxed();
    if let Some(person_id) = filter.person_id {
        query = query.filter(disclosures::person_id.eq(person_id.to_string()));
    }
    if let Some(recipient_id) = filter.recipient_id {
        query = query.filter(disclosures::recipient_id.eq(recipient_id.to_string()));
    }
    if let Some(from) = filter.from {
        query = query.filter(disclosures::disclosed_at.ge(to_db(from)));
    }
    if let Some(to) = filter.to {
        query = query.filter(disclosures::disclosed_at.le(to_db(to)));
    }
    if let Some(after) = after {
        query = query.filter(disclosures::id.lt(after.to_string()));
    }
    page_of(query.load::<DisclosureRow>(conn)?, limit)
}

/// A correction of a record.
pub struct Correction<'a> {
    /// The versions `If-Match` accepts; none when it was absent.
    pub accepted_versions: Option<Vec<i64>>,
    pub actor: &'a Party,
    pub reason: &'a str,
    /// Names the version the correction makes.
    pub version_id: Uuid,
    pub now: DateTime<Utc>,
}

/// Corrects a record in one transaction: `change` sees the current facts and returns the
/// corrected ones (or refuses them, with the transaction's connection to check them by), which
/// keep every rule a new record keeps. The record's version goes up by
/// one, and the new version is kept with the reason beside the earlier ones; returns the record
/// as stored. A version not among those `If-Match` accepts is `Stale`, and so is a change that
/// lands in between.
pub fn correct(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: DisclosureId,
    change: impl FnOnce(&mut AnyConnection, &DisclosureFacts) -> Result<DisclosureFacts, StoreError>,
    correction: Correction<'_>,
) -> Result<Disclosure, StoreError> {
    conn.transaction(|conn| {
        let current = get(conn, org_id, id)?;
        if correction
            .accepted_versions
            .is_some_and(|v| !v.contains(&current.version))
        {
            return Err(StoreError::Stale);
        }
        let facts = change(conn, &current.facts)?;
        check(conn, org_id, &facts, correction.now)?;
        let next = Disclosure {
            facts,
            version: current.version + 1,
            ..current.clone()
        };
        let written = diesel::update(
            disclosures::table
                .filter(disclosures::id.eq(id.to_string()))
                .filter(disclosures::version.eq(current.version)),
        )
        .set(DisclosureRow::try_from(&next)?)
        .execute(conn)?;
        if written != 1 {
            return Err(StoreError::Stale);
        }
        keep_version(
            conn,
            correction.version_id,
            &next,
            correction.actor,
            Some(correction.reason),
            correction.now,
        )?;
        get(conn, org_id, id)
    })
}

/// A page of a record's versions, oldest first. The record must be the organisation's.
pub fn versions(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: DisclosureId,
    limit: PageLimit,
    after: Option<Uuid>,
) -> Result<(Vec<DisclosureVersion>, bool), StoreError> {
    get(conn, org_id, id)?;
    let mut query = disclosure_versions::table
        .filter(disclosure_versions::disclosure_id.eq(id.to_string()))
        .select(VersionRow::as_select())
        .order(disclosure_versions::id.asc())
        .limit(i64::from(limit.get()) + 1)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(disclosure_versions::id.gt(after.to_string()));
    }
    page_of(query.load::<VersionRow>(conn)?, limit)
}

/// Whether any record of the organisation, in its current version, names `entry` as its
/// recipient or among its data categories (ids are unique, so one question serves both).
pub fn names_entry(
    conn: &mut AnyConnection,
    org_id: OrgId,
    entry: Uuid,
) -> Result<bool, StoreError> {
    let id = entry.to_string();
    // Categories are a JSON array of quoted ids.
    let quoted = format!("%\"{id}\"%");
    Ok(disclosures::table
        .filter(disclosures::org_id.eq(org_id.to_string()))
        .filter(
            disclosures::recipient_id
                .eq(id)
                .or(disclosures::data_categories.like(quoted)),
        )
        .select(disclosures::id)
        .first::<String>(conn)
        .optional()?
        .is_some())
}

/// A recipient a person's data was disclosed to: what Art 19 tells of a rectification, erasure
/// or restriction, and Art 15(1)(c) names to the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisclosedTo {
    pub recipient_id: RecipientId,
    /// Every data category disclosed to it about the person, over all disclosures.
    pub data_categories: BTreeSet<DataCategoryId>,
    /// The latest disclosure to it.
    pub last_disclosed_at: DateTime<Utc>,
}

/// The recipients the person's data was disclosed to, by the current version of each record
/// (a corrected recipient counts as the one it was corrected to), in recipient id order.
pub fn recipients_of(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person_id: PersonId,
) -> Result<Vec<DisclosedTo>, StoreError> {
    let rows = disclosures::table
        .filter(disclosures::org_id.eq(org_id.to_string()))
        .filter(disclosures::person_id.eq(person_id.to_string()))
        .select(DisclosureRow::as_select())
        .load::<DisclosureRow>(conn)?;
    let mut by_recipient: BTreeMap<RecipientId, DisclosedTo> = BTreeMap::new();
    for row in rows {
        let facts = Disclosure::try_from(row)?.facts;
        let entry = by_recipient
            .entry(facts.recipient_id)
            .or_insert_with(|| DisclosedTo {
                recipient_id: facts.recipient_id,
                data_categories: BTreeSet::new(),
                last_disclosed_at: facts.disclosed_at,
            });
        entry.data_categories.extend(facts.data_categories);
        entry.last_disclosed_at = entry.last_disclosed_at.max(facts.disclosed_at);
    }
    Ok(by_recipient.into_values().collect())
}
