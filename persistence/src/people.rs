//! People: the data subjects the desk holds, found by id or by their HR or identity key.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use domain::ids::{OrgId, PersonId};
use domain::people::{Email, ExternalId, Person, PhoneNumber};

use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::schema::people;
use crate::time::{from_db, to_db};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = people)]
#[diesel(treat_none_as_null = true)]
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

/// Stores a new person; an `external_id` already held in the organisation is a `Conflict`.
pub fn insert(conn: &mut AnyConnection, person: &StoredPerson) -> Result<(), StoreError> {
    diesel::insert_into(people::table)
        .values(PersonRow::from(person))
        .execute(conn)?;
    Ok(())
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
