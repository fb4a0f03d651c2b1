//! Every change to a person, kept as the register keeps its entries': the record before and
//! after, who changed it and when. Written in the transaction of the change itself by every
//! writer of people (the desk, HR sync, SCIM), so no change goes unrecorded.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::ids::{OrgId, PersonId};
use domain::page::PageLimit;
use domain::people::Person;

use crate::connection::{AnyConnection, execute_batch_insert};
use crate::error::StoreError;
use crate::page::page_of;
use crate::schema::person_changes;
use crate::time::{from_db, to_db};

/// What a change did to the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonAction {
    Created,
    Updated,
}

impl PersonAction {
    pub fn as_str(self) -> &'static str {
        match self {
            PersonAction::Created => "created",
            PersonAction::Updated => "updated",
        }
    }
}

/// One change as it is recorded: `before` is absent when the change created the person.
pub struct PersonChange<'a> {
    pub before: Option<&'a Person>,
    pub after: &'a Person,
    pub actor: &'a str,
    pub at: DateTime<Utc>,
}

/// One change as it is read back.
#[derive(Debug, Clone)]
pub struct StoredPersonChange {
    pub version: i64,
    pub action: PersonAction,
    pub actor: String,
    pub at: DateTime<Utc>,
    pub before: Option<serde_json::Value>,
    pub after: serde_json::Value,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = person_changes)]
#[diesel(treat_none_as_default_value = false)]
struct ChangeRow {
    person_id: String,
    version: i64,
    org_id: String,
    action: String,
    actor: String,
    at: chrono::NaiveDateTime,
    before_body: Option<String>,
    after_body: String,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("person change {what}"))
}

fn body(person: &Person) -> Result<String, StoreError> {
    serde_json::to_string(person).map_err(|_| corrupt("body"))
}

impl TryFrom<&PersonChange<'_>> for ChangeRow {
    type Error = StoreError;

    fn try_from(change: &PersonChange<'_>) -> Result<Self, StoreError> {
        let action = match change.before {
            None => PersonAction::Created,
            Some(_) => PersonAction::Updated,
        };
        Ok(ChangeRow {
            person_id: change.after.id.to_string(),
            version: change.after.version,
            org_id: change.after.org_id.to_string(),
            action: action.as_str().to_owned(),
            actor: change.actor.to_owned(),
            at: to_db(change.at),
            before_body: change.before.map(body).transpose()?,
            after_body: body(change.after)?,
        })
    }
}

impl TryFrom<ChangeRow> for StoredPersonChange {
    type Error = StoreError;

    fn try_from(row: ChangeRow) -> Result<Self, StoreError> {
        let parse = |text: &str| serde_json::from_str(text).map_err(|_| corrupt("body"));
        Ok(StoredPersonChange {
            version: row.version,
            action: match row.action.as_str() {
                "created" => PersonAction::Created,
                "updated" => PersonAction::Updated,
                _ => return Err(corrupt("action")),
            },
            actor: row.actor,
            at: from_db(row.at),
            before: row.before_body.as_deref().map(parse).transpose()?,
            after: parse(&row.after_body)?,
        })
    }
}

/// Rows per multi-row INSERT: 8 columns each, far under either backend's parameter limit.
const CHANGES_PER_INSERT: usize = 500;

/// Records changes inside the caller's transaction, in multi-row INSERTs.
pub fn record(conn: &mut AnyConnection, changes: &[PersonChange<'_>]) -> Result<(), StoreError> {
    for chunk in changes.chunks(CHANGES_PER_INSERT) {
        let rows = chunk
            .iter()
            .map(ChangeRow::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        execute_batch_insert!(
            conn,
            diesel::insert_into(person_changes::table).values(&rows)
        )?;
    }
    Ok(())
}

/// A page of the person's changes, newest first, before the cursor version; at most `limit`
/// and whether more follow.
pub fn of(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person: PersonId,
    limit: PageLimit,
    before_version: Option<i64>,
) -> Result<(Vec<StoredPersonChange>, bool), StoreError> {
    let mut query = person_changes::table
        .filter(person_changes::org_id.eq(org_id.to_string()))
        .filter(person_changes::person_id.eq(person.to_string()))
        .select(ChangeRow::as_select())
        .order(person_changes::version.desc())
        .limit(i64::from(limit.get()) + 1)
        .into_boxed();
    if let Some(version) = before_version {
        query = query.filter(person_changes::version.lt(version));
    }
    page_of(query.load::<ChangeRow>(conn)?, limit)
}
