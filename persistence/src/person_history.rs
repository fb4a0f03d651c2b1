//! Every change to a person, kept as the register keeps its entries': the record before and
//! after, who changed it and when. Written in the transaction of the change itself by every
//! writer of people (the desk, HR sync, SCIM), so no change goes unrecorded. The same place
//! moves an account's rows to the person who takes it as their `external_id`
//! ([`crate::parties::adopt`]), so no writer can forget to.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::party::Party;
use domain::people::Person;

use crate::connection::{AnyConnection, execute_batch_insert};
use crate::error::StoreError;
use crate::parties::{adopt, columns};
use crate::schema::person_changes;
use crate::time::to_db;

/// One change as it is recorded: `before` is absent when the change created the person.
pub struct PersonChange<'a> {
    pub before: Option<&'a Person>,
    pub after: &'a Person,
    pub actor: &'a Party,
    pub at: DateTime<Utc>,
}

#[derive(Insertable)]
#[diesel(table_name = person_changes)]
#[diesel(treat_none_as_default_value = false)]
struct ChangeRow {
    person_id: String,
    version: i64,
    org_id: String,
    action: String,
    actor_id: Option<String>,
    actor_account: Option<String>,
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
        // What the change did: a change with no record before it created the person.
        let action = if change.before.is_none() {
            "created"
        } else {
            "updated"
        };
        let (actor_id, actor_account) = columns(change.actor);
        Ok(ChangeRow {
            person_id: change.after.id.to_string(),
            version: change.after.version,
            org_id: change.after.org_id.to_string(),
            action: action.to_owned(),
            actor_id,
            actor_account,
            at: to_db(change.at),
            before_body: change.before.map(body).transpose()?,
            after_body: body(change.after)?,
        })
    }
}

/// Rows per multi-row INSERT: 8 columns each, far under either backend's parameter limit.
const CHANGES_PER_INSERT: usize = 500;

/// The account a change gives its person: their `external_id`, when it is new to them.
fn account_taken<'a>(change: &PersonChange<'a>) -> Option<&'a str> {
    let taken = change.after.external_id.as_ref()?;
    let before = change.before.and_then(|b| b.external_id.as_ref());
    (before != Some(taken)).then_some(taken.as_str())
}

/// Records changes inside the caller's transaction, in multi-row INSERTs, and moves the rows of
/// any account a person has just taken as their `external_id` to them.
pub fn record(conn: &mut AnyConnection, changes: &[PersonChange<'_>]) -> Result<(), StoreError> {
    for change in changes {
        if let Some(account) = account_taken(change) {
            adopt(conn, change.after.org_id, account, change.after.id)?;
        }
    }
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
