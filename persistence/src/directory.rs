//! Directory profiles: what an identity system provisions over SCIM beside each person, and
//! the queries SCIM filters become.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::count_star;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use domain::ids::{OrgId, PersonId};
use domain::party::Party;
use domain::scim::error::ScimError;
use domain::scim::filter::{CompareOp, Filter, FilterValue};
use domain::scim::user::{DirectoryProfile, HeldUser, user_name_key};

use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::people::{PersonRow, StoredPerson};
use crate::schema::{directory_profiles, people};
use crate::time::{from_db, to_db};

diesel::define_sql_function!(fn lower(x: Text) -> Text);

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = directory_profiles)]
#[diesel(treat_none_as_null = true)]
struct ProfileRow {
    person_id: String,
    org_id: String,
    user_name: String,
    user_name_key: String,
    employee_number: Option<String>,
    department: Option<String>,
    manager_id: Option<String>,
    active: bool,
    deprovisioned_at: Option<chrono::NaiveDateTime>,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

/// A profile with what storage keeps beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProfile {
    pub profile: DirectoryProfile,
    /// When the User was deleted: the profile is kept but no longer served.
    pub deprovisioned_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StoredProfile {
    /// The User as SCIM serves it, with the person it belongs to.
    pub fn held_user(&self, person: &StoredPerson) -> HeldUser {
        HeldUser {
            person: person.person.clone(),
            profile: self.profile.clone(),
            created: self.created_at,
            last_modified: self.updated_at.max(person.updated_at),
        }
    }
}

impl TryFrom<ProfileRow> for StoredProfile {
    type Error = StoreError;

    fn try_from(row: ProfileRow) -> Result<Self, StoreError> {
        let bad = |what: &str| StoreError::Corrupt(format!("directory profile {what}"));
        Ok(StoredProfile {
            profile: DirectoryProfile {
                person_id: row.person_id.parse().map_err(|_| bad("person"))?,
                org_id: row.org_id.parse().map_err(|_| bad("organisation"))?,
                user_name: row.user_name,
                employee_number: row.employee_number,
                department: row.department,
                manager: row
                    .manager_id
                    .map(|m| m.parse().map_err(|_| bad("manager")))
                    .transpose()?,
                active: row.active,
            },
            deprovisioned_at: row.deprovisioned_at.map(from_db),
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        })
    }
}

impl From<&StoredProfile> for ProfileRow {
    fn from(stored: &StoredProfile) -> Self {
        let p = &stored.profile;
        ProfileRow {
            person_id: p.person_id.to_string(),
            org_id: p.org_id.to_string(),
            user_name: p.user_name.clone(),
            user_name_key: p.user_name_key(),
            employee_number: p.employee_number.clone(),
            department: p.department.clone(),
            manager_id: p.manager.map(|m| m.to_string()),
            active: p.active,
            deprovisioned_at: stored.deprovisioned_at.map(to_db),
            created_at: to_db(stored.created_at),
            updated_at: to_db(stored.updated_at),
        }
    }
}

type Row = (PersonRow, ProfileRow);

fn convert((person, profile): Row) -> Result<(StoredPerson, StoredProfile), StoreError> {
    Ok((person.try_into()?, profile.try_into()?))
}

/// The organisation's User with this id, unless deleted.
pub fn live(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: PersonId,
) -> Result<Option<(StoredPerson, StoredProfile)>, StoreError> {
    people::table
        .inner_join(directory_profiles::table)
        .filter(people::id.eq(id.to_string()))
        .filter(people::org_id.eq(org_id.to_string()))
        .filter(directory_profiles::deprovisioned_at.is_null())
        .select((PersonRow::as_select(), ProfileRow::as_select()))
        .first::<Row>(conn)
        .optional()?
        .map(convert)
        .transpose()
}

/// The organisation's person with this external id, and their profile if they have one (live
/// or deleted): what a create links to rather than duplicating.
pub fn by_external_id(
    conn: &mut AnyConnection,
    org_id: OrgId,
    external_id: &str,
) -> Result<Option<(StoredPerson, Option<StoredProfile>)>, StoreError> {
    let Some(person) = crate::people::find_by_external_id(conn, org_id, external_id)? else {
        return Ok(None);
    };
    let profile = directory_profiles::table
        .find(person.person.id.to_string())
        .select(ProfileRow::as_select())
        .first::<ProfileRow>(conn)
        .optional()?
        .map(StoredProfile::try_from)
        .transpose()?;
    Ok(Some((person, profile)))
}

/// Who holds this userName (any case) among the organisation's live Users.
pub fn user_name_holder(
    conn: &mut AnyConnection,
    org_id: OrgId,
    user_name: &str,
) -> Result<Option<PersonId>, StoreError> {
    directory_profiles::table
        .filter(directory_profiles::org_id.eq(org_id.to_string()))
        .filter(directory_profiles::user_name_key.eq(user_name_key(user_name)))
        .filter(directory_profiles::deprovisioned_at.is_null())
        .select(directory_profiles::person_id)
        .first::<String>(conn)
        .optional()?
        .map(|id| {
            id.parse()
                .map_err(|_| StoreError::Corrupt("directory profile person".into()))
        })
        .transpose()
}

/// Whether the organisation holds this person (a manager must be one of its people).
pub fn person_exists(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: PersonId,
) -> Result<bool, StoreError> {
    let found = people::table
        .find(id.to_string())
        .filter(people::org_id.eq(org_id.to_string()))
        .count()
        .get_result::<i64>(conn)?;
    Ok(found == 1)
}

/// Writes a provisioned person and their profile, the person's change in their history as
/// `actor`'s. `previous` is the person as read (none for a new person): a change landing in
/// between is `Stale`. The profile is inserted or replaced whole.
pub fn save(
    conn: &mut AnyConnection,
    person: &StoredPerson,
    previous: Option<&StoredPerson>,
    profile: &StoredProfile,
    actor: &Party,
) -> Result<(), StoreError> {
    match previous {
        None => crate::people::insert(conn, person, actor)?,
        Some(previous) if previous.person.version != person.person.version => {
            crate::people::replace(conn, previous, person, actor)?;
        }
        Some(_) => {}
    }
    let row = ProfileRow::from(profile);
    let updated = diesel::update(directory_profiles::table.find(&row.person_id))
        .set(&row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(directory_profiles::table)
            .values(&row)
            .execute(conn)?;
    }
    Ok(())
}

type Source = diesel::dsl::InnerJoinQuerySource<people::table, directory_profiles::table>;
type Db = <AnyConnection as diesel::Connection>::Backend;
type Condition = Box<dyn BoxableExpression<Source, Db, SqlType = Bool>>;

/// `value` as a LIKE pattern matching it literally, with `%` where `op` leaves the text open.
fn like_pattern(op: CompareOp, value: &str) -> String {
    let mut escaped = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    match op {
        CompareOp::Co => format!("%{escaped}%"),
        CompareOp::Sw => format!("{escaped}%"),
        _ => format!("%{escaped}"),
    }
}

fn text_value(path: &str, value: &FilterValue) -> Result<String, ScimError> {
    match value {
        FilterValue::String(text) => Ok(text.to_lowercase()),
        _ => Err(ScimError::invalid_filter(format!(
            "{path} is compared with a quoted string"
        ))),
    }
}

/// A comparison of a text expression, both sides lower-cased (the attributes it serves are
/// `caseExact: false`).
macro_rules! compare_text {
    ($expr:expr, $op:expr, $value:expr) => {{
        let v: String = $value;
        let e = $expr;
        let condition: Condition = match $op {
            CompareOp::Eq => Box::new(e.eq(v)),
            CompareOp::Ne => Box::new(e.ne(v)),
            CompareOp::Co | CompareOp::Sw | CompareOp::Ew => {
                Box::new(e.like(like_pattern($op, &v)).escape('\\'))
            }
            CompareOp::Gt => Box::new(e.gt(v)),
            CompareOp::Ge => Box::new(e.ge(v)),
            CompareOp::Lt => Box::new(e.lt(v)),
            CompareOp::Le => Box::new(e.le(v)),
        };
        condition
    }};
}

/// The same for a column that may be empty: an absent value equals nothing and differs from
/// everything.
macro_rules! compare_nullable_text {
    ($column:expr, $op:expr, $value:expr) => {{
        let c = $column;
        let held: Condition = Box::new(c.is_not_null());
        match $op {
            CompareOp::Ne => {
                let differs = compare_text!(lower(c.assume_not_null()), $op, $value);
                Box::new(c.is_null().or(differs)) as Condition
            }
            _ => {
                let matches = compare_text!(lower(c.assume_not_null()), $op, $value);
                Box::new(held.and(matches)) as Condition
            }
        }
    }};
}

fn always() -> Condition {
    Box::new(people::id.is_not_null())
}

/// The SQL condition of a (flattened) filter. The attributes a filter may name: `id`,
/// `externalId` (`eq`, `ne`, `pr`, exactly), `userName`, `name.givenName`, `name.familyName`,
/// `emails.value` (every operator, without regard to case) and `active`.
fn condition(filter: &Filter, today: NaiveDate) -> Result<Condition, ScimError> {
    Ok(match filter {
        Filter::And(a, b) => Box::new(condition(a, today)?.and(condition(b, today)?)),
        Filter::Or(a, b) => Box::new(condition(a, today)?.or(condition(b, today)?)),
        Filter::Not(a) => Box::new(diesel::dsl::not(condition(a, today)?)),
        Filter::ValuePath { .. } => {
            return Err(ScimError::invalid_filter(
                "value filters are flattened first",
            ));
        }
        Filter::Present(path) => match path.key().as_str() {
            "id" | "username" | "name" | "name.givenname" | "name.familyname" | "active" => {
                always()
            }
            "externalid" => Box::new(people::external_id.is_not_null()),
            "emails" | "emails.value" => Box::new(people::email.is_not_null()),
            _ => return Err(unfilterable()),
        },
        Filter::Compare { path, op, value } => {
            let key = path.key();
            if path.urn.is_some_and(|u| u != domain::scim::USER_SCHEMA) {
                return Err(unfilterable());
            }
            match key.as_str() {
                "username" => compare_text!(
                    directory_profiles::user_name_key,
                    *op,
                    text_value("userName", value)?
                ),
                "name.givenname" => {
                    compare_text!(lower(people::given_name), *op, text_value("name", value)?)
                }
                "name.familyname" => {
                    compare_text!(lower(people::family_name), *op, text_value("name", value)?)
                }
                "emails" | "emails.value" => {
                    compare_nullable_text!(people::email, *op, text_value("emails", value)?)
                }
                "externalid" | "id" => {
                    let FilterValue::String(exact) = value else {
                        return Err(ScimError::invalid_filter(
                            "ids are compared with a quoted string",
                        ));
                    };
                    let exact = exact.clone();
                    match (key.as_str(), op) {
                        ("id", CompareOp::Eq) => Box::new(people::id.eq(exact)),
                        ("id", CompareOp::Ne) => Box::new(people::id.ne(exact)),
                        (_, CompareOp::Eq) => Box::new(
                            people::external_id
                                .is_not_null()
                                .and(people::external_id.assume_not_null().eq(exact)),
                        ),
                        (_, CompareOp::Ne) => Box::new(
                            people::external_id
                                .is_null()
                                .or(people::external_id.assume_not_null().ne(exact)),
                        ),
                        _ => {
                            return Err(ScimError::invalid_filter(
                                "id and externalId are compared with eq, ne or pr",
                            ));
                        }
                    }
                }
                "active" => {
                    let FilterValue::Bool(wanted) = value else {
                        return Err(ScimError::invalid_filter(
                            "active is compared with true or false",
                        ));
                    };
                    let active: Condition = Box::new(
                        directory_profiles::active.and(
                            people::leaves_on
                                .is_null()
                                .or(people::leaves_on.assume_not_null().ge(today)),
                        ),
                    );
                    match op {
                        CompareOp::Eq if *wanted => active,
                        CompareOp::Ne if !*wanted => active,
                        CompareOp::Eq | CompareOp::Ne => Box::new(diesel::dsl::not(active)),
                        _ => {
                            return Err(ScimError::invalid_filter(
                                "active is compared with eq or ne",
                            ));
                        }
                    }
                }
                _ => return Err(unfilterable()),
            }
        }
    })
}

fn unfilterable() -> ScimError {
    ScimError::invalid_filter(
        "filters may name id, externalId, userName, name.givenName, name.familyName, \
         emails.value and active",
    )
}

/// Checks a filter can be run, before any storage work.
pub fn check_filter(filter: &Filter, today: NaiveDate) -> Result<(), ScimError> {
    condition(filter, today).map(|_| ())
}

/// A page of the organisation's live Users matching `filter`, in the order they were
/// provisioned: `count` of them from the 0-based `offset`, and how many match in all.
pub fn list(
    conn: &mut AnyConnection,
    org_id: OrgId,
    filter: Option<&Filter>,
    today: NaiveDate,
    offset: u64,
    count: u32,
) -> Result<(Vec<(StoredPerson, StoredProfile)>, u64), StoreError> {
    let matching = || -> Result<Condition, StoreError> {
        let base: Condition = Box::new(
            people::org_id
                .eq(org_id.to_string())
                .and(directory_profiles::deprovisioned_at.is_null()),
        );
        Ok(match filter {
            Some(filter) => Box::new(
                base.and(condition(filter, today).map_err(|e| StoreError::Corrupt(e.detail))?),
            ),
            None => base,
        })
    };
    let total: i64 = people::table
        .inner_join(directory_profiles::table)
        .filter(matching()?)
        .select(count_star())
        .first(conn)?;
    let rows = if count == 0 {
        Vec::new()
    } else {
        people::table
            .inner_join(directory_profiles::table)
            .filter(matching()?)
            .order((directory_profiles::created_at.asc(), people::id.asc()))
            .offset(i64::try_from(offset).unwrap_or(i64::MAX))
            .limit(i64::from(count))
            .select((PersonRow::as_select(), ProfileRow::as_select()))
            .load::<Row>(conn)?
    };
    let users = rows.into_iter().map(convert).collect::<Result<_, _>>()?;
    Ok((users, u64::try_from(total).unwrap_or(0)))
}
