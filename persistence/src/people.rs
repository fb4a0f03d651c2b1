//! People: the data subjects the desk holds, found by id or by their HR or identity key.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use domain::ids::{OrgId, PersonId};
use domain::page::PageLimit;
use domain::party::Party;
use domain::people::{
    Adjustments, Email, ExternalId, Person, PersonKind, PersonStatus, PhoneNumber,
};

use crate::connection::AnyConnection;
use crate::connection::execute_batch_insert;
use crate::error::StoreError;
use crate::page::page_of;
use crate::person_history::{self, Author, PersonChange};
use crate::schema::{people, person_adjustments};
use crate::time::{from_db, to_db};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = people)]
#[diesel(treat_none_as_null = true)]
// No column of these rows has a default, so None inserts NULL: then SQLite takes many rows
// in one INSERT (diesel inserts row by row when any value is left to a default).
#[diesel(treat_none_as_default_value = false)]
pub(crate) struct PersonRow {
    id: String,
    org_id: String,
    kind: String,
    external_id: Option<String>,
    given_name: String,
    family_name: String,
    email: Option<String>,
    phone: Option<String>,
    address: Option<String>,
    date_of_birth: Option<NaiveDate>,
    clearance: String,
    starts_on: Option<NaiveDate>,
    leaves_on: Option<NaiveDate>,
    status: String,
    hr_effective_date: Option<NaiveDate>,
    version: i64,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("person {what}"))
}

/// A person with what storage keeps beside them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPerson {
    pub person: Person,
    /// The effective date of the last HR event applied to the record.
    pub hr_effective_date: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<PersonRow> for StoredPerson {
    type Error = StoreError;

    fn try_from(row: PersonRow) -> Result<Self, StoreError> {
        let person = Person {
            id: row.id.parse().map_err(|_| corrupt("id"))?,
            org_id: row.org_id.parse().map_err(|_| corrupt("organisation"))?,
            kind: row.kind.parse().map_err(|_| corrupt("kind"))?,
            external_id: row
                .external_id
                .map(|v| ExternalId::parse(&v).map_err(|_| corrupt("external id")))
                .transpose()?,
            given_name: row.given_name,
            family_name: row.family_name,
            email: row
                .email
                .map(|v| Email::parse(&v).map_err(|_| corrupt("email")))
                .transpose()?,
            phone: row
                .phone
                .map(|v| PhoneNumber::parse(&v).map_err(|_| corrupt("phone")))
                .transpose()?,
            address: row.address,
            date_of_birth: row.date_of_birth,
            clearance: row.clearance.parse().map_err(|_| corrupt("clearance"))?,
            starts_on: row.starts_on,
            leaves_on: row.leaves_on,
            status: row.status.parse().map_err(|_| corrupt("status"))?,
            version: row.version,
        };
        Ok(StoredPerson {
            person,
            hr_effective_date: row.hr_effective_date,
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        })
    }
}

impl From<&StoredPerson> for PersonRow {
    fn from(stored: &StoredPerson) -> Self {
        let p = &stored.person;
        PersonRow {
            id: p.id.to_string(),
            org_id: p.org_id.to_string(),
            kind: p.kind.as_str().to_owned(),
            external_id: p.external_id.as_ref().map(|v| v.as_str().to_owned()),
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            email: p.email.as_ref().map(|v| v.as_str().to_owned()),
            phone: p.phone.as_ref().map(|v| v.as_str().to_owned()),
            address: p.address.clone(),
            date_of_birth: p.date_of_birth,
            clearance: p.clearance.as_str().to_owned(),
            starts_on: p.starts_on,
            leaves_on: p.leaves_on,
            status: p.status.as_str().to_owned(),
            hr_effective_date: stored.hr_effective_date,
            version: p.version,
            created_at: to_db(stored.created_at),
            updated_at: to_db(stored.updated_at),
        }
    }
}

/// Stores a new person, and its creation in the history; an `external_id` already held in the
/// organisation is a `Conflict`.
pub fn insert(
    conn: &mut AnyConnection,
    person: &StoredPerson,
    actor: &Party,
) -> Result<(), StoreError> {
    diesel::insert_into(people::table)
        .values(PersonRow::from(person))
        .execute(conn)?;
    person_history::record(conn, &[created(person, actor)])
}

/// The history's record of `person`'s creation.
fn created<'a>(person: &'a StoredPerson, actor: &'a Party) -> PersonChange<'a> {
    PersonChange {
        before: None,
        after: &person.person,
        author: actor.into(),
        at: person.updated_at,
    }
}

/// Rows per multi-row INSERT of people: 18 columns each keeps a statement's bound parameters
/// under SQLite's limit of 32,766 (and PostgreSQL's of 65,535).
const PEOPLE_PER_INSERT: usize = 500;

/// Stores new people in multi-row INSERTs, and their creation in the history, inside the
/// caller's transaction; an `external_id` already held in the organisation (or given twice) is
/// a `Conflict`.
pub fn insert_many(
    conn: &mut AnyConnection,
    people: &[StoredPerson],
    actor: &Party,
) -> Result<(), StoreError> {
    for chunk in people.chunks(PEOPLE_PER_INSERT) {
        let rows: Vec<PersonRow> = chunk.iter().map(PersonRow::from).collect();
        execute_batch_insert!(conn, diesel::insert_into(people::table).values(&rows))?;
    }
    let changes: Vec<PersonChange> = people.iter().map(|p| created(p, actor)).collect();
    person_history::record(conn, &changes)
}

/// Writes a changed person over the version it was read at, and the change in the history as
/// `author`'s: a change that landed in between (another writer's) is `Stale`, never silently
/// overwritten. `after` carries its new version already.
pub fn replace<'a>(
    conn: &mut AnyConnection,
    before: &StoredPerson,
    after: &StoredPerson,
    author: impl Into<Author<'a>>,
) -> Result<(), StoreError> {
    let written = diesel::update(
        people::table
            .filter(people::id.eq(before.person.id.to_string()))
            .filter(people::version.eq(before.person.version)),
    )
    .set(PersonRow::from(after))
    .execute(conn)?;
    if written != 1 {
        return Err(StoreError::Stale);
    }
    person_history::record(
        conn,
        &[PersonChange {
            before: Some(&before.person),
            after: &after.person,
            author: author.into(),
            at: after.updated_at,
        }],
    )
}

/// One of the organisation's people; another organisation's is `NotFound`.
pub fn get(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: PersonId,
) -> Result<StoredPerson, StoreError> {
    people::table
        .find(id.to_string())
        .filter(people::org_id.eq(org_id.to_string()))
        .select(PersonRow::as_select())
        .first::<PersonRow>(conn)?
        .try_into()
}

/// That `id` names one of the organisation's people; otherwise the request named no one,
/// refused as an invalid `field` (another organisation's person is the same as none).
pub fn ensure_known(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: PersonId,
    field: &'static str,
) -> Result<(), StoreError> {
    match get(conn, org_id, id) {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound) => Err(StoreError::Domain(domain::DomainError::invalid(
            field,
            "no such person in the organisation",
        ))),
        Err(other) => Err(other),
    }
}

/// The organisation's person with this HR or identity key (a token's `sub`), if any.
pub fn find_by_external_id(
    conn: &mut AnyConnection,
    org_id: OrgId,
    external_id: &str,
) -> Result<Option<StoredPerson>, StoreError> {
    people::table
        .filter(people::org_id.eq(org_id.to_string()))
        .filter(people::external_id.eq(external_id))
        .select(PersonRow::as_select())
        .first::<PersonRow>(conn)
        .optional()?
        .map(StoredPerson::try_from)
        .transpose()
}

/// What a list of people may be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    pub status: Option<PersonStatus>,
    pub kind: Option<PersonKind>,
    pub external_id: Option<String>,
}

/// A page of the organisation's people, newest first, after the cursor person. Returns at most
/// `limit` people and whether more follow. Adjustments are another table: never here.
pub fn list(
    conn: &mut AnyConnection,
    org_id: OrgId,
    filter: &PersonFilter,
    limit: PageLimit,
    after: Option<PersonId>,
) -> Result<(Vec<StoredPerson>, bool), StoreError> {
    let mut query = people::table
        .filter(people::org_id.eq(org_id.to_string()))
        .select(PersonRow::as_select())
        .order(people::id.desc())
        .limit(i64::from(limit.get()) + 1)
        .into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(people::status.eq(status.as_str()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(people::kind.eq(kind.as_str()));
    }
    if let Some(external_id) = &filter.external_id {
        query = query.filter(people::external_id.eq(external_id.clone()));
    }
    if let Some(after) = after {
        query = query.filter(people::id.lt(after.to_string()));
    }
    page_of(query.load::<PersonRow>(conn)?, limit)
}

/// Changes a person in one transaction. `change` sees the stored record and returns the new
/// one (or refuses); its version and `updated_at` are set here. With `accepted_versions` (from
/// `If-Match`), a record whose version is not among them is refused as `Stale`; the guarded
/// UPDATE also catches a change that lands between this read and the write. The change goes in
/// the history as `author`'s.
pub fn update<'a>(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: PersonId,
    accepted_versions: Option<Vec<i64>>,
    change: impl FnOnce(&StoredPerson) -> Result<Person, StoreError>,
    author: impl Into<Author<'a>>,
    now: DateTime<Utc>,
) -> Result<StoredPerson, StoreError> {
    let author = author.into();
    conn.transaction(|conn| {
        let current = get(conn, org_id, id)?;
        let mut person = change(&current)?;
        if accepted_versions.is_some_and(|v| !v.contains(&current.person.version)) {
            return Err(StoreError::Stale);
        }
        let previous_version = current.person.version;
        person.id = current.person.id;
        person.org_id = current.person.org_id;
        person.version = previous_version + 1;
        let next = StoredPerson {
            person,
            hr_effective_date: current.hr_effective_date,
            created_at: current.created_at,
            updated_at: now,
        };
        replace(conn, &current, &next, author)?;
        Ok(next)
    })
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = person_adjustments)]
struct AdjustmentsRow {
    person_id: String,
    org_id: String,
    reasonable_adjustments: String,
    condition: String,
    recorded_at: chrono::NaiveDateTime,
    version: i64,
}

impl TryFrom<AdjustmentsRow> for Adjustments {
    type Error = StoreError;

    fn try_from(row: AdjustmentsRow) -> Result<Self, StoreError> {
        let bad = |what: &str| StoreError::Corrupt(format!("adjustments {what}"));
        Ok(Adjustments {
            person_id: row.person_id.parse().map_err(|_| bad("person"))?,
            org_id: row.org_id.parse().map_err(|_| bad("organisation"))?,
            reasonable_adjustments: row.reasonable_adjustments,
            condition: row.condition.parse().map_err(|_| bad("condition"))?,
            recorded_at: from_db(row.recorded_at),
            version: row.version,
        })
    }
}

impl From<&Adjustments> for AdjustmentsRow {
    fn from(a: &Adjustments) -> Self {
        AdjustmentsRow {
            person_id: a.person_id.to_string(),
            org_id: a.org_id.to_string(),
            reasonable_adjustments: a.reasonable_adjustments.clone(),
            condition: a.condition.as_str().to_owned(),
            recorded_at: to_db(a.recorded_at),
            version: a.version,
        }
    }
}

/// A person's adjustments record, if one is held. The person must be the organisation's.
pub fn adjustments(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person_id: PersonId,
) -> Result<Option<Adjustments>, StoreError> {
    person_adjustments::table
        .find(person_id.to_string())
        .filter(person_adjustments::org_id.eq(org_id.to_string()))
        .select(AdjustmentsRow::as_select())
        .first::<AdjustmentsRow>(conn)
        .optional()?
        .map(Adjustments::try_from)
        .transpose()
}

/// Records or replaces a person's adjustments in one transaction: the person must be the
/// organisation's (`NotFound` otherwise); with `accepted_versions`, the stored version must be
/// among them (`Stale`; a record not yet held has no version to match). Returns the stored
/// record, with its version bumped.
pub fn put_adjustments(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person_id: PersonId,
    accepted_versions: Option<Vec<i64>>,
    reasonable_adjustments: String,
    condition: domain::register::SpecialCategoryCondition,
    now: DateTime<Utc>,
) -> Result<Adjustments, StoreError> {
    conn.transaction(|conn| {
        get(conn, org_id, person_id)?;
        let current = adjustments(conn, org_id, person_id)?;
        let current_version = current.as_ref().map(|a| a.version);
        if let Some(accepted) = accepted_versions
            && !current_version.is_some_and(|v| accepted.contains(&v))
        {
            return Err(StoreError::Stale);
        }
        let next = Adjustments {
            person_id,
            org_id,
            reasonable_adjustments,
            condition,
            recorded_at: now,
            version: current_version.unwrap_or(0) + 1,
        };
        next.validate()
            .map_err(|mut errors| StoreError::Domain(errors.remove(0)))?;
        match current_version {
            None => {
                diesel::insert_into(person_adjustments::table)
                    .values(AdjustmentsRow::from(&next))
                    .execute(conn)?;
            }
            Some(version) => {
                let written = diesel::update(
                    person_adjustments::table
                        .filter(person_adjustments::person_id.eq(person_id.to_string()))
                        .filter(person_adjustments::version.eq(version)),
                )
                .set(AdjustmentsRow::from(&next))
                .execute(conn)?;
                if written != 1 {
                    return Err(StoreError::Stale);
                }
            }
        }
        Ok(next)
    })
}
