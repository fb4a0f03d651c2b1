//! `/api/v1/people`: the data subjects the desk holds records about, and, kept apart, their
//! reasonable adjustments (`/people/{id}/adjustments`, Art 9) with who may read them
//! (`/adjustment-readers`).
//!
//! Reading follows the domain's access rule (`domain::people::role_may`) widened to
//! administrators, who create and read records for the desk; a record the caller may not read is
//! the same 404 as one that does not exist. Adjustments never appear in a person or a list.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::DomainError;
use domain::audit::{AuditOperation, RecordKind};
use domain::catalogue::RecordKind as CatalogueKind;
use domain::grants::Duty;
use domain::ids::{OrgId, PersonId};
use domain::page::PageLimit;
use domain::party::Party;
use domain::people::{
    AccessContext, Adjustments, Email, ExternalId, Person, PersonAction, PersonKind, PersonStatus,
    PhoneNumber, SecurityClearance, check_access, status_on,
};
use domain::register::{Holding, RuleViolation, SpecialCategoryCondition};
use domain::restriction::{Processing, Touched};
use domain::role::Role;
use persistence::StoreError;
use persistence::people::{self, PersonFilter, StoredPerson};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::audit::Trail;
use crate::auth::{
    Caller, DpoOrGrantedAgents, Dpos, Members, PeopleReaders, PeopleViewers, PeopleWriters,
    Principal, RoleSet,
};
use crate::clock;
use crate::http::etag::{IfMatchHeader, created, if_match, tagged};
use crate::http::json::ValidJson;
use crate::http::page::{PageQuery, page};
use crate::http::params::{Params, path_id};
use crate::http::problem::responses::{
    BodyProblems, ListProblems, PathProblems, Stale, Unauthenticated,
};
use crate::http::{ApiError, ApiResult, FieldError, Problem};
use crate::routes::grants::{self, GrantDto};
use crate::routes::restrictions::check_restricted;
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(create_person)
        .service(list_people)
        // Before `/people/{id}`, so `me` is never read as an id.
        .service(get_me)
        .service(get_person)
        .service(update_person)
        .service(get_adjustments)
        .service(put_adjustments)
        .service(grant_adjustment_reader)
        .service(revoke_adjustment_reader);
}

// ---------------------------------------------------------------------------------------------
// Bodies

/// A person record's own fields: as it stands, or as a change found or left it. Health and
/// disability details are never here.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonStateDto {
    pub id: PersonId,
    pub kind: PersonKind,
    /// The HR or identity system's key, unique in the organisation; tokens name people by it.
    pub external_id: Option<String>,
    pub given_name: String,
    pub family_name: String,
    /// Business email.
    pub email: Option<String>,
    /// Business telephone.
    pub phone: Option<String>,
    /// Business address, lines separated by newlines.
    pub address: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub clearance: SecurityClearance,
    /// First day of employment or engagement.
    pub starts_on: Option<NaiveDate>,
    /// Last day of employment or engagement.
    pub leaves_on: Option<NaiveDate>,
    /// As of the last change of the record.
    pub status: PersonStatus,
    /// The record's version; its ETag.
    pub version: i64,
}

impl From<Person> for PersonStateDto {
    fn from(p: Person) -> Self {
        PersonStateDto {
            id: p.id,
            kind: p.kind,
            external_id: p.external_id.map(String::from),
            given_name: p.given_name,
            family_name: p.family_name,
            email: p.email.map(String::from),
            phone: p.phone.map(String::from),
            address: p.address,
            date_of_birth: p.date_of_birth,
            clearance: p.clearance,
            starts_on: p.starts_on,
            leaves_on: p.leaves_on,
            status: p.status,
            version: p.version,
        }
    }
}

/// A person the desk holds data about, with when the record was made and last changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonDto {
    #[serde(flatten)]
    pub record: PersonStateDto,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<StoredPerson> for PersonDto {
    fn from(stored: StoredPerson) -> Self {
        PersonDto {
            record: PersonStateDto::from(stored.person),
            created_at: stored.created_at,
            updated_at: stored.updated_at,
        }
    }
}

fn default_clearance() -> SecurityClearance {
    SecurityClearance::None
}

/// A person to record.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePerson {
    pub kind: PersonKind,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub external_id: Option<String>,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub given_name: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub family_name: String,
    #[schema(max_length = 254, example = "jo.bloggs@example.gov.uk")]
    pub email: Option<String>,
    #[schema(min_length = 6, max_length = 30)]
    pub phone: Option<String>,
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub address: Option<String>,
    /// In the past.
    pub date_of_birth: Option<NaiveDate>,
    #[serde(default = "default_clearance")]
    pub clearance: SecurityClearance,
    pub starts_on: Option<NaiveDate>,
    /// Not before `starts_on`.
    pub leaves_on: Option<NaiveDate>,
}

/// Changes to a person; fields left out stay as they are, optional ones may be `null` to clear
/// them. A requester correcting their own record (Art 16), and the DPO acting on a
/// rectification request, change only `given_name`, `family_name`, `email`, `phone` and
/// `address`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePerson {
    pub kind: Option<PersonKind>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200, pattern = r"\S")]
    pub external_id: Option<Option<String>>,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub given_name: Option<String>,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub family_name: Option<String>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Option<String>, max_length = 254)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Option<String>, min_length = 6, max_length = 30)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 500, pattern = r"\S")]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub date_of_birth: Option<Option<NaiveDate>>,
    pub clearance: Option<SecurityClearance>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub starts_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub leaves_on: Option<Option<NaiveDate>>,
}

impl UpdatePerson {
    /// Whether the change touches only what a rectification may correct.
    pub(crate) fn is_rectification(&self) -> bool {
        self.kind.is_none()
            && self.external_id.is_none()
            && self.date_of_birth.is_none()
            && self.clearance.is_none()
            && self.starts_on.is_none()
            && self.leaves_on.is_none()
    }
}

/// Filters of the people list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersonListQuery {
    #[param(value_type = Option<PersonStatus>)]
    pub status: Option<String>,
    #[param(value_type = Option<PersonKind>)]
    pub kind: Option<String>,
    /// Only the person with this HR or identity key.
    #[param(max_length = 200)]
    pub external_id: Option<String>,
}

page! {
    /// A page of people.
    PersonPage of PersonDto
}

/// A person's reasonable adjustments (Equality Act 2010 s.20): special category data, held
/// apart from the person under an Art 9(2) condition.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdjustmentsDto {
    pub person_id: PersonId,
    pub reasonable_adjustments: String,
    /// The Art 9(2) condition the details are held under.
    pub condition: SpecialCategoryCondition,
    pub recorded_at: DateTime<Utc>,
    /// The record's version; its ETag.
    pub version: i64,
}

impl From<Adjustments> for AdjustmentsDto {
    fn from(a: Adjustments) -> Self {
        AdjustmentsDto {
            person_id: a.person_id,
            reasonable_adjustments: a.reasonable_adjustments,
            condition: a.condition,
            recorded_at: a.recorded_at,
            version: a.version,
        }
    }
}

/// A person's reasonable adjustments to record, replacing any held.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutAdjustments {
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub reasonable_adjustments: String,
    /// The Art 9(2) condition the details are held under.
    pub condition: SpecialCategoryCondition,
}

// ---------------------------------------------------------------------------------------------
// Rules

/// The caller's own record, resolved from their token at the edge, if they have one. None for
/// a processor's user acting for a controller.
pub(crate) fn own_record(
    conn: &mut persistence::AnyConnection,
    caller: &Principal,
) -> Result<Option<StoredPerson>, StoreError> {
    caller
        .person()
        .map(|id| people::get(conn, caller.org_id, id))
        .transpose()
}

/// Whether the caller is the person.
pub(crate) fn is_subject(caller: &Principal, person: &Person) -> bool {
    caller.person() == Some(person.id)
}

fn roles(caller: &Principal) -> Vec<Role> {
    caller.roles.iter().copied().collect()
}

/// The domain's read rule, widened to administrators (who keep the desk's records).
pub(crate) fn may_read(caller: &Principal, person: &Person) -> bool {
    let context = AccessContext {
        is_subject: is_subject(caller, person),
        adjustments_granted: false,
    };
    caller.has(Role::Admin) || check_access(&roles(caller), PersonAction::Read, context).is_ok()
}

/// The organisation's person `id`, if the caller may read their record: the same `NotFound`
/// for one they may not read as for one that does not exist. Whatever reads a person's data
/// through their record (the record, its history) decides with this.
pub(crate) fn readable(
    conn: &mut persistence::AnyConnection,
    caller: &Principal,
    id: PersonId,
) -> Result<StoredPerson, StoreError> {
    let stored = people::get(conn, caller.org_id, id)?;
    if may_read(caller, &stored.person) {
        Ok(stored)
    } else {
        Err(StoreError::NotFound)
    }
}

/// How storage reads a page of records about one person: the organisation, the person, the
/// page size and the id to continue after; the records, and whether more follow.
pub(crate) type PageAboutPerson<T> = fn(
    &mut persistence::AnyConnection,
    OrgId,
    PersonId,
    PageLimit,
    Option<Uuid>,
) -> Result<(Vec<T>, bool), StoreError>;

/// A page of records about the person whose id is `id` (as the path gives it), for whoever may
/// read their record (the same 404 as a missing person otherwise), each listed in the trail as
/// a record of `kind` about them.
pub(crate) async fn page_about<T: Send + 'static>(
    caller: &Principal,
    state: &AppState,
    id: &str,
    page: &PageQuery,
    kind: RecordKind,
    load: PageAboutPerson<T>,
    id_of: fn(&T) -> Uuid,
) -> ApiResult<(Vec<T>, bool)> {
    let id: PersonId = path_id("id", id)?;
    let mut params = Params::default();
    let (limit, after) = page.parse::<Uuid>(&mut params);
    params.finish()?;
    let principal = caller.clone();
    let (items, more) = state
        .read(move |conn| {
            readable(conn, &principal, id)?;
            load(conn, principal.org_id, id, limit, after)
        })
        .await
        .map_err(ApiError::not_found_as("person"))?;
    let mut trail = Trail::new(caller, clock::now());
    for item in &items {
        trail.record(AuditOperation::List, kind, id_of(item), about(id));
    }
    state.record_reads(trail).await?;
    Ok((items, more))
}

/// Whether the caller may change anything of a record: the HR or identity integration, and
/// administrators.
fn may_write(caller: &Principal) -> bool {
    caller.has_any(PeopleWriters::ROLES)
}

/// Whom a person record is about, for the audit trail.
fn about(person: PersonId) -> Option<Party> {
    Some(Party::Person(person))
}

/// A trail of one `operation` on the person record.
pub(crate) fn person_trail(
    caller: &Principal,
    operation: AuditOperation,
    person: PersonId,
) -> Trail {
    Trail::single(
        caller,
        clock::now(),
        operation,
        RecordKind::Person,
        person,
        about(person),
    )
}

fn with_etag(stored: StoredPerson) -> HttpResponse {
    tagged(stored.person.version, PersonDto::from(stored))
}

fn field_errors(errors: Vec<DomainError>) -> Vec<FieldError> {
    errors.into_iter().map(FieldError::from).collect()
}

/// A domain value parsed, its error kept among the others.
fn parsed<T>(errors: &mut Vec<DomainError>, result: Result<T, DomainError>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(error) => {
            errors.push(error);
            None
        }
    }
}

/// Field errors of a rule of law, as a storage refusal naming each field and `article`.
pub(crate) fn refusal(errors: Vec<DomainError>, article: &'static str) -> StoreError {
    StoreError::Refused(
        errors
            .into_iter()
            .filter_map(|error| match error {
                DomainError::Invalid { field, message } => Some(RuleViolation {
                    field,
                    article,
                    message,
                }),
                _ => None,
            })
            .collect(),
    )
}

/// The record's field rules (Art 5(1)(d)), as a storage refusal naming each field.
fn validated(person: Person, today: NaiveDate) -> Result<Person, StoreError> {
    match person.validate(today) {
        Ok(()) => Ok(person),
        Err(errors) => Err(refusal(errors, "Art 5(1)(d)")),
    }
}

fn external_id_conflict(error: StoreError) -> StoreError {
    match error {
        StoreError::Conflict(_) => {
            DomainError::Conflict("another person of the organisation already has this external_id")
                .into()
        }
        other => other,
    }
}

/// Parses the text fields of a change that have domain types; every error at once.
pub(crate) struct ParsedFields {
    external_id: Option<Option<ExternalId>>,
    email: Option<Option<Email>>,
    phone: Option<Option<PhoneNumber>>,
}

pub(crate) fn parse_fields(
    external_id: Option<Option<&str>>,
    email: Option<Option<&str>>,
    phone: Option<Option<&str>>,
) -> Result<ParsedFields, ApiError> {
    let mut errors = Vec::new();
    let external_id = match external_id {
        Some(Some(v)) => parsed(&mut errors, ExternalId::parse(v)).map(Some),
        Some(None) => Some(None),
        None => None,
    };
    let email = match email {
        Some(Some(v)) => parsed(&mut errors, Email::parse(v)).map(Some),
        Some(None) => Some(None),
        None => None,
    };
    let phone = match phone {
        Some(Some(v)) => parsed(&mut errors, PhoneNumber::parse(v)).map(Some),
        Some(None) => Some(None),
        None => None,
    };
    if !errors.is_empty() {
        return Err(ApiError::fields(field_errors(errors)));
    }
    Ok(ParsedFields {
        external_id,
        email,
        phone,
    })
}

/// The record `change` makes of `current`: the one code every change to a person's fields
/// through the API goes through (an update, an Art 16 rectification). Outside the HR or identity
/// integration the record must be readable (`NotFound` otherwise, as for a missing one), the
/// caller allowed to correct it and the change a correction (403). The status follows the
/// dates on `today`, and the result keeps the record's field rules.
pub(crate) fn updated(
    principal: &Principal,
    current: &Person,
    change: &UpdatePerson,
    fields: ParsedFields,
    today: NaiveDate,
) -> Result<Person, StoreError> {
    if !may_write(principal) {
        if !may_read(principal, current) {
            return Err(StoreError::NotFound);
        }
        let context = AccessContext {
            is_subject: is_subject(principal, current),
            adjustments_granted: false,
        };
        check_access(&roles(principal), PersonAction::Correct, context)?;
        if !change.is_rectification() {
            return Err(StoreError::Domain(DomainError::NotPermitted(
                "a correction changes only given_name, family_name, email, phone and address",
            )));
        }
    }
    let mut next = current.clone();
    if let Some(kind) = change.kind {
        next.kind = kind;
    }
    if let Some(external_id) = fields.external_id {
        next.external_id = external_id;
    }
    if let Some(given_name) = &change.given_name {
        next.given_name = given_name.trim().to_owned();
    }
    if let Some(family_name) = &change.family_name {
        next.family_name = family_name.trim().to_owned();
    }
    if let Some(email) = fields.email {
        next.email = email;
    }
    if let Some(phone) = fields.phone {
        next.phone = phone;
    }
    if let Some(address) = &change.address {
        next.address = address.as_ref().map(|a| a.trim().to_owned());
    }
    if let Some(date_of_birth) = change.date_of_birth {
        next.date_of_birth = date_of_birth;
    }
    if let Some(clearance) = change.clearance {
        next.clearance = clearance;
    }
    if let Some(starts_on) = change.starts_on {
        next.starts_on = starts_on;
    }
    if let Some(leaves_on) = change.leaves_on {
        next.leaves_on = leaves_on;
    }
    next.status = next.status_on(today);
    validated(next, today)
}

// ---------------------------------------------------------------------------------------------
// People

/// Record a person
///
/// The HR or identity integration (and administrators) record people. `external_id` is unique
/// in the organisation (409). The status follows the dates.
#[utoipa::path(
    operation_id = "create_person",
    tag = "people",
    request_body = CreatePerson,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Person recorded", body = PersonDto,
            headers(("ETag" = String, description = "Version of the record"), ("Location" = String))),
        (status = 403, description = "Role may not record people", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another person of the organisation has this external_id; or a restriction of the person's processing holds (Art 18(2)), the problem naming it and its ground", body = Problem, content_type = "application/problem+json"),
        BodyProblems,
    )
)]
#[post("/people")]
async fn create_person(
    caller: Caller<PeopleWriters>,
    state: web::Data<AppState>,
    body: ValidJson<CreatePerson>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let fields = parse_fields(
        Some(body.external_id.as_deref()),
        Some(body.email.as_deref()),
        Some(body.phone.as_deref()),
    )?;
    let now = clock::now();
    let today = now.date_naive();
    let person = Person {
        id: PersonId::from_uuid(clock::new_uuid()),
        org_id: caller.org_id,
        kind: body.kind,
        external_id: fields.external_id.flatten(),
        given_name: body.given_name.trim().to_owned(),
        family_name: body.family_name.trim().to_owned(),
        email: fields.email.flatten(),
        phone: fields.phone.flatten(),
        address: body.address.map(|a| a.trim().to_owned()),
        date_of_birth: body.date_of_birth,
        clearance: body.clearance,
        starts_on: body.starts_on,
        leaves_on: body.leaves_on,
        status: status_on(body.starts_on, body.leaves_on, today),
        version: 1,
    };
    person
        .validate(today)
        .map_err(|errors| ApiError::fields(field_errors(errors)))?;
    let stored = StoredPerson {
        person,
        hr_effective_date: None,
        created_at: now,
        updated_at: now,
    };
    let trail = person_trail(&caller, AuditOperation::Create, stored.person.id);
    let actor = caller.actor().to_owned();
    let stored = state
        .write_audited(trail, move |conn, _| {
            people::insert(conn, &stored, &actor).map_err(external_id_conflict)?;
            Ok(stored)
        })
        .await?;
    state.parties.forget_all();
    let location = format!("/api/v1/people/{}", stored.person.id);
    Ok(created(
        &location,
        stored.person.version,
        PersonDto::from(stored),
    ))
}

/// List people
///
/// The organisation's people, newest first. Never includes adjustments.
#[utoipa::path(
    operation_id = "list_people",
    tag = "people",
    params(PersonListQuery, PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of people", body = PersonPage),
        (status = 403, description = "Role may not list people", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/people")]
async fn list_people(
    caller: Caller<PeopleReaders>,
    state: web::Data<AppState>,
    query: web::Query<PersonListQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<PersonPage>> {
    let mut params = Params::default();
    let filter = PersonFilter {
        status: params.optional("status", query.status.as_deref()),
        kind: params.optional("kind", query.kind.as_deref()),
        external_id: params.text("external_id", query.external_id.as_deref(), 200),
    };
    let (limit, after) = page.parse::<PersonId>(&mut params);
    params.finish()?;
    let org_id = caller.org_id;
    let (items, more) = state
        .read(move |conn| people::list(conn, org_id, &filter, limit, after))
        .await?;
    let mut trail = Trail::new(&caller, clock::now());
    for stored in &items {
        let id = stored.person.id;
        trail.record(AuditOperation::List, RecordKind::Person, id, about(id));
    }
    state.record_reads(trail).await?;
    Ok(web::Json(PersonPage::of(items, more, |p| {
        p.person.id.as_uuid()
    })))
}

/// Get the caller's own record
///
/// The person whose external id is the token's subject. A processor's user acting for a
/// controller is none of its people: `Acting-For` is refused (403).
#[utoipa::path(
    operation_id = "get_own_person",
    tag = "people",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's record", body = PersonDto,
            headers(("ETag" = String, description = "Version, for If-Match"))),
        (status = 401, response = Unauthenticated),
        (status = 403, description = "A processor's user acting for a controller", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The caller has no record in the organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/people/me")]
async fn get_me(caller: Caller<Members>, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let principal = caller.principal.clone();
    let stored = state
        .read(move |conn| own_record(conn, &principal))
        .await?
        .ok_or_else(|| ApiError::no_such("person"))?;
    let trail = person_trail(&caller, AuditOperation::Read, stored.person.id);
    state.record_reads(trail).await?;
    Ok(with_etag(stored))
}

/// Get a person
///
/// Agents, administrators, the DPO and integrators read the organisation's people; a requester
/// reads only their own record (any other is 404).
#[utoipa::path(
    operation_id = "get_person",
    tag = "people",
    params(("id" = uuid::Uuid, Path, description = "Person id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The person", body = PersonDto,
            headers(("ETag" = String, description = "Version, for If-Match"))),
        (status = 403, description = "Role may not read people", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person the caller may read", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[get("/people/{id:[0-9a-fA-F-]+}")]
async fn get_person(
    caller: Caller<PeopleViewers>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id: PersonId = path_id("id", &id)?;
    let principal = caller.principal.clone();
    let stored = state
        .read(move |conn| readable(conn, &principal, id))
        .await
        .map_err(ApiError::not_found_as("person"))?;
    let trail = person_trail(&caller, AuditOperation::Read, stored.person.id);
    state.record_reads(trail).await?;
    Ok(with_etag(stored))
}

/// Update a person
///
/// Integrators and administrators change any field. A requester corrects their own record's
/// `given_name`, `family_name`, `email`, `phone` and `address` (Art 16), as does the DPO acting
/// on a rectification request. Send `If-Match` with the ETag you read; a stale one is 412.
#[utoipa::path(
    operation_id = "update_person",
    tag = "people",
    params(
        ("id" = uuid::Uuid, Path, description = "Person id"),
        IfMatchHeader,
    ),
    request_body = UpdatePerson,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The updated person", body = PersonDto,
            headers(("ETag" = String, description = "New version"))),
        (status = 403, description = "Role may not make this change", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person the caller may read", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another person of the organisation has this external_id", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        BodyProblems,
    )
)]
#[patch("/people/{id:[0-9a-fA-F-]+}")]
async fn update_person(
    caller: Caller<PeopleViewers>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
    body: ValidJson<UpdatePerson>,
) -> ApiResult<HttpResponse> {
    let id: PersonId = path_id("id", &id)?;
    let expected = if_match(&req);
    let body = body.0;
    let fields = parse_fields(
        body.external_id.as_ref().map(|v| v.as_deref()),
        body.email.as_ref().map(|v| v.as_deref()),
        body.phone.as_ref().map(|v| v.as_deref()),
    )?;
    let principal = caller.principal.clone();
    let now = clock::now();
    let today = now.date_naive();
    let trail = person_trail(&caller, AuditOperation::Update, id);
    let stored = state
        .write_audited(trail, move |conn, _| {
            check_restricted(
                conn,
                principal.org_id,
                &Party::Person(id),
                Processing::PersonUpdate,
                Touched::Records(Holding::of(CatalogueKind::Person)),
                now,
            )?;
            people::update(
                conn,
                principal.org_id,
                id,
                expected,
                |current| updated(&principal, &current.person, &body, fields, today),
                principal.actor(),
                now,
            )
            .map_err(external_id_conflict)
        })
        .await
        .map_err(ApiError::not_found_as("person"))?;
    state.parties.forget_all();
    Ok(with_etag(stored))
}

// ---------------------------------------------------------------------------------------------
// Adjustments

/// Whether the caller may take `action` on the organisation's adjustments: the DPO, and agents
/// granted it.
fn check_adjustments(
    conn: &mut persistence::AnyConnection,
    caller: &Principal,
    action: PersonAction,
) -> Result<(), StoreError> {
    let granted = grants::holds(conn, caller, Duty::Adjustments)?;
    let context = AccessContext {
        is_subject: false,
        adjustments_granted: granted,
    };
    Ok(check_access(&roles(caller), action, context)?)
}

fn adjustments_response(adjustments: Adjustments) -> HttpResponse {
    tagged(adjustments.version, AdjustmentsDto::from(adjustments))
}

/// Get a person's adjustments
///
/// Health and disability details, held apart from the person (Art 9). The DPO reads them, and
/// agents the DPO has granted it; anyone else is 403.
#[utoipa::path(
    operation_id = "get_person_adjustments",
    tag = "people",
    params(("id" = uuid::Uuid, Path, description = "Person id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The person's adjustments", body = AdjustmentsDto,
            headers(("ETag" = String, description = "Version, for If-Match"))),
        (status = 403, description = "Role may not read adjustments, or the agent is not granted it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person, or no adjustments recorded", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[get("/people/{id}/adjustments")]
async fn get_adjustments(
    caller: Caller<DpoOrGrantedAgents>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id: PersonId = path_id("id", &id)?;
    let principal = caller.principal.clone();
    let adjustments = state
        .read(move |conn| {
            people::get(conn, principal.org_id, id)?;
            check_adjustments(conn, &principal, PersonAction::ReadAdjustments)?;
            people::adjustments(conn, principal.org_id, id)
        })
        .await
        .map_err(ApiError::not_found_as("person"))?
        .ok_or_else(|| ApiError::NotFound("no adjustments are recorded for this person".into()))?;
    let mut trail = Trail::new(&caller, clock::now());
    trail.record(AuditOperation::Read, RecordKind::Adjustments, id, about(id));
    state.record_reads(trail).await?;
    Ok(adjustments_response(adjustments))
}

/// Record a person's adjustments
///
/// Records or replaces the person's reasonable adjustments, with the Art 9(2) condition they
/// are held under. The DPO writes them (and agents granted it). `If-Match` guards a
/// replacement.
#[utoipa::path(
    operation_id = "put_person_adjustments",
    tag = "people",
    params(
        ("id" = uuid::Uuid, Path, description = "Person id"),
        IfMatchHeader,
    ),
    request_body = PutAdjustments,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The recorded adjustments", body = AdjustmentsDto,
            headers(("ETag" = String, description = "New version"))),
        (status = 403, description = "Role may not write adjustments, or the agent is not granted it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A restriction of the person's processing holds (Art 18(2)), the problem naming it and its ground", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        BodyProblems,
    )
)]
#[put("/people/{id}/adjustments")]
async fn put_adjustments(
    caller: Caller<DpoOrGrantedAgents>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
    body: ValidJson<PutAdjustments>,
) -> ApiResult<HttpResponse> {
    let id: PersonId = path_id("id", &id)?;
    let expected = if_match(&req);
    let body = body.0;
    let principal = caller.principal.clone();
    let now = clock::now();
    let mut trail = Trail::new(&caller, now);
    trail.record(
        AuditOperation::Update,
        RecordKind::Adjustments,
        id,
        about(id),
    );
    let adjustments = state
        .write_audited(trail, move |conn, _| {
            people::get(conn, principal.org_id, id)?;
            check_adjustments(conn, &principal, PersonAction::WriteAdjustments)?;
            check_restricted(
                conn,
                principal.org_id,
                &Party::Person(id),
                Processing::RecordUpdate,
                Touched::Records(Holding::of(CatalogueKind::Adjustment)),
                now,
            )?;
            people::put_adjustments(
                conn,
                principal.org_id,
                id,
                expected,
                body.reasonable_adjustments.trim().to_owned(),
                body.condition,
                now,
            )
        })
        .await
        .map_err(ApiError::not_found_as("person"))?;
    Ok(adjustments_response(adjustments))
}

/// Grant an agent reading adjustments
///
/// The DPO grants the agent with this token subject reading (and recording) the organisation's
/// people's adjustments. Granting again keeps the first grant.
#[utoipa::path(
    operation_id = "grant_adjustment_reader",
    tag = "people",
    params(("subject" = String, Path, description = "The agent's token subject", min_length = 1, max_length = 200, pattern = r"\S")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The grant", body = GrantDto),
        (status = 403, description = "Only the DPO grants this", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[put("/adjustment-readers/{subject}")]
async fn grant_adjustment_reader(
    caller: Caller<Dpos>,
    state: web::Data<AppState>,
    subject: web::Path<String>,
) -> ApiResult<web::Json<GrantDto>> {
    grants::grant(&state, &caller, Duty::Adjustments, &subject).await
}

/// Revoke an agent's reading of adjustments
#[utoipa::path(
    operation_id = "revoke_adjustment_reader",
    tag = "people",
    params(("subject" = String, Path, description = "The agent's token subject", min_length = 1, max_length = 200, pattern = r"\S")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Grant revoked"),
        (status = 403, description = "Only the DPO revokes this", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such grant in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[delete("/adjustment-readers/{subject}")]
async fn revoke_adjustment_reader(
    caller: Caller<Dpos>,
    state: web::Data<AppState>,
    subject: web::Path<String>,
) -> ApiResult<HttpResponse> {
    grants::revoke(&state, &caller, Duty::Adjustments, &subject).await
}
