//! Every change to a person, kept as the register keeps its entries': the record before and
//! after, who changed it and when. Written in the transaction of the change itself by every
//! writer of people (the desk, HR sync, SCIM), so no change goes unrecorded. The same place
//! moves an account's rows to the person who takes it as their `external_id`
//! ([`crate::parties::adopt`]), so no writer can forget to. [`changes`] reads a person's
//! history back, newest first.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::ids::{OrgId, PersonId, RightsRequestId};
use domain::page::PageLimit;
use domain::party::Party;
use domain::people::{Person, PersonChangeAction};

use crate::connection::{AnyConnection, execute_batch_insert};
use crate::error::StoreError;
use crate::page::page_of;
use crate::parties::{adopt, columns, party};
use crate::schema::person_changes;
use crate::time::{from_db, to_db};

/// One change as it is recorded: `before` is absent when the change created the person.
pub struct PersonChange<'a> {
    pub before: Option<&'a Person>,
    pub after: &'a Person,
    pub author: Author<'a>,
    pub at: DateTime<Utc>,
}

/// Who makes a change, and the rights request it answers, if any (an Art 16 correction): the
/// history keeps the request as the change's reason.
#[derive(Debug, Clone, Copy)]
pub struct Author<'a> {
    pub actor: &'a Party,
    pub request: Option<RightsRequestId>,
}

impl<'a> From<&'a Party> for Author<'a> {
    /// A change made for no request.
    fn from(actor: &'a Party) -> Self {
        Author {
            actor,
            request: None,
        }
    }
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
    request_id: Option<String>,
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
        let action = PersonChangeAction::of(change.before);
        let (actor_id, actor_account) = columns(change.author.actor);
        Ok(ChangeRow {
            person_id: change.after.id.to_string(),
            version: change.after.version,
            org_id: change.after.org_id.to_string(),
            action: action.as_str().to_owned(),
            actor_id,
            actor_account,
            at: to_db(change.at),
            before_body: change.before.map(body).transpose()?,
            after_body: body(change.after)?,
            request_id: change.author.request.map(|r| r.to_string()),
        })
    }
}

/// Rows per multi-row INSERT: 10 columns each, far under either backend's parameter limit.
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
    let mut taken: std::collections::BTreeMap<_, Vec<&str>> = Default::default();
    for change in changes {
        if let Some(account) = account_taken(change) {
            taken.entry(change.after.org_id).or_default().push(account);
        }
    }
    for (org_id, accounts) in taken {
        adopt(conn, org_id, &accounts)?;
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

/// One recorded change, read back: the record before it (none when it created the person) and
/// after it, who made it and when. The bodies are [`Person`]s, which never hold adjustments.
#[derive(Debug, Clone)]
pub struct StoredChange {
    pub person_id: PersonId,
    /// The record's version the change made.
    pub version: i64,
    pub action: PersonChangeAction,
    pub actor: Party,
    pub at: DateTime<Utc>,
    pub before: Option<Person>,
    pub after: Person,
    /// The rights request the change answered (an Art 16 correction), if any.
    pub request_id: Option<RightsRequestId>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = person_changes)]
struct StoredRow {
    person_id: String,
    version: i64,
    action: String,
    actor_id: Option<String>,
    actor_account: Option<String>,
    at: chrono::NaiveDateTime,
    before_body: Option<String>,
    after_body: String,
    request_id: Option<String>,
}

fn parse_body(text: &str) -> Result<Person, StoreError> {
    serde_json::from_str(text).map_err(|_| corrupt("body"))
}

impl TryFrom<StoredRow> for StoredChange {
    type Error = StoreError;

    fn try_from(row: StoredRow) -> Result<Self, StoreError> {
        Ok(StoredChange {
            person_id: row.person_id.parse().map_err(|_| corrupt("person id"))?,
            version: row.version,
            action: row.action.parse().map_err(|_| corrupt("action"))?,
            actor: party("person change actor", row.actor_id, row.actor_account)?,
            at: from_db(row.at),
            before: row.before_body.as_deref().map(parse_body).transpose()?,
            after: parse_body(&row.after_body)?,
            request_id: row
                .request_id
                .map(|id| id.parse().map_err(|_| corrupt("request id")))
                .transpose()?,
        })
    }
}

/// A page of the person's history in the organisation, newest first: at most `limit` changes
/// older than version `before` (from the newest when `None`), and whether more follow. The
/// history is keyed by the version each change made, so the page is read by primary key.
/// Another organisation's person has no history here: an empty page.
pub fn changes(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person_id: PersonId,
    before: Option<i64>,
    limit: PageLimit,
) -> Result<(Vec<StoredChange>, bool), StoreError> {
    let mut query = person_changes::table
        .filter(person_changes::person_id.eq(person_id.to_string()))
        .filter(person_changes::org_id.eq(org_id.to_string()))
        .select(StoredRow::as_select())
        .order(person_changes::version.desc())
        .limit(i64::from(limit.get()) + 1)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(person_changes::version.lt(before));
    }
    page_of(query.load::<StoredRow>(conn)?, limit)
}
