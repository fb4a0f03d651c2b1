//! `/scim/v2/Users`: list and search with filters and paging, create, read, replace, PATCH and
//! delete. Every write runs in one transaction with the desk work it raises.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::DomainError;
use domain::audit::{AuditOperation, RecordKind};
use domain::catalogue::RecordKind as CatalogueKind;
use domain::ids::{OrgId, PersonId};
use domain::party::Party;
use domain::register::Holding;
use domain::restriction::{Processing, Touched};
use domain::scim::error::ScimError;
use domain::scim::filter::Filter;
use domain::scim::patch;
use domain::scim::projection::Projection;
use domain::scim::user::{Held, ScimUser, provision};
use persistence::directory::{self, StoredProfile};
use persistence::people::StoredPerson;
use persistence::{AnyConnection, StoreError};
use serde::Deserialize;
use serde_json::Value;

use super::{MAX_RESULTS, ScimResult, base_url, list_response, scim_json};
use crate::audit::Trail;
use crate::auth::{Caller, Integrators};
use crate::clock;
use crate::routes::hr::{Informant, Source, raise_desk_work};
use crate::routes::restrictions::Restraints;
use crate::state::AppState;

/// A page holds this many Users unless `count` says otherwise.
const DEFAULT_COUNT: u32 = 100;

/// The caller: an integrator of the organisation, refused in SCIM's shape.
async fn integrator(req: &HttpRequest) -> ScimResult<Caller<Integrators>> {
    Ok(Caller::<Integrators>::extract(req).await?)
}

/// A request body as read, or why it could not be: SCIM answers that failure in its own shape
/// rather than actix's plain text.
type Body = Result<web::Bytes, actix_web::Error>;

/// The request body as JSON: `application/scim+json` or `application/json`.
fn json_body(req: &HttpRequest, body: &Body) -> ScimResult<Value> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence != super::SCIM_JSON && essence != "application/json" {
        return Err(ScimError {
            status: 415,
            scim_type: None,
            detail: "send application/scim+json".into(),
        }
        .into());
    }
    let bytes = body
        .as_ref()
        .map_err(|error| match error.as_response_error().status_code() {
            StatusCode::PAYLOAD_TOO_LARGE => ScimError {
                status: 413,
                scim_type: None,
                detail: format!(
                    "the request body is larger than {} bytes",
                    crate::http::json::BODY_LIMIT
                ),
            },
            _ => ScimError::invalid_syntax("the request body could not be read"),
        })?;
    serde_json::from_slice(bytes)
        .map_err(|_| ScimError::invalid_syntax("the body is not valid JSON").into())
}

fn person_id(text: &str) -> ScimResult<PersonId> {
    text.parse()
        .map_err(|_| ScimError::not_found("no such user").into())
}

fn today() -> NaiveDate {
    clock::now().date_naive()
}

/// What a list or search asks for.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    filter: Option<String>,
    start_index: Option<i64>,
    count: Option<i64>,
    attributes: Option<String>,
    excluded_attributes: Option<String>,
}

/// A SearchRequest body (RFC 7644 §3.4.3).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchBody {
    filter: Option<String>,
    start_index: Option<i64>,
    count: Option<i64>,
    attributes: Option<Vec<String>>,
    excluded_attributes: Option<Vec<String>>,
}

pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> ScimResult<HttpResponse> {
    let caller = integrator(&req).await?;
    let query = web::Query::<ListQuery>::from_query(req.query_string())
        .map_err(|_| ScimError::invalid_value("startIndex and count must be integers"))?
        .into_inner();
    run_list(&req, &state, &caller, query).await
}

pub async fn search(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Body,
) -> ScimResult<HttpResponse> {
    let caller = integrator(&req).await?;
    let value = json_body(&req, &body)?;
    let search: SearchBody = serde_json::from_value(value.clone())
        .map_err(|_| ScimError::invalid_syntax("the body is not a SearchRequest"))?;
    domain::scim::check_schemas(&value, domain::scim::SEARCH_REQUEST_SCHEMA, true)?;
    let query = ListQuery {
        filter: search.filter,
        start_index: search.start_index,
        count: search.count,
        attributes: search.attributes.map(|a| a.join(",")),
        excluded_attributes: search.excluded_attributes.map(|a| a.join(",")),
    };
    run_list(&req, &state, &caller, query).await
}

async fn run_list(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    caller: &Caller<Integrators>,
    query: ListQuery,
) -> ScimResult<HttpResponse> {
    let org_id = caller.org_id;
    let projection = Projection::parse(
        query.attributes.as_deref(),
        query.excluded_attributes.as_deref(),
    )?;
    let today = today();
    let filter = query
        .filter
        .as_deref()
        .map(|f| Filter::parse(f).and_then(Filter::flatten))
        .transpose()?;
    if let Some(filter) = &filter {
        directory::check_filter(filter, today)?;
    }
    // RFC 7644 §3.4.2.4: a startIndex below 1 is 1, a negative count is 0.
    let start_index = query.start_index.unwrap_or(1).max(1);
    let count = query.count.map_or(DEFAULT_COUNT, |c| {
        u32::try_from(c.clamp(0, i64::from(MAX_RESULTS))).unwrap_or(0)
    });
    let offset = u64::try_from(start_index - 1).unwrap_or(0);
    let (users, total) = state
        .read(move |conn| directory::list(conn, org_id, filter.as_ref(), today, offset, count))
        .await?;
    let mut trail = Trail::new(caller, clock::now());
    for (person, _) in &users {
        let id = person.person.id;
        trail.record(
            AuditOperation::List,
            RecordKind::Person,
            id,
            Some(Party::Person(id)),
        );
    }
    state.record_reads(trail).await?;
    let base = base_url(req);
    let resources = users
        .iter()
        .map(|(person, profile)| projection.apply(profile.held_user(person).to_json(&base, today)))
        .collect();
    Ok(scim_json(
        StatusCode::OK,
        &list_response(resources, total, u64::try_from(start_index).unwrap_or(1)),
    ))
}

pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ScimResult<HttpResponse> {
    let caller = integrator(&req).await?;
    let id = person_id(&id)?;
    let query = web::Query::<ListQuery>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .unwrap_or_default();
    let projection = Projection::parse(
        query.attributes.as_deref(),
        query.excluded_attributes.as_deref(),
    )?;
    let org_id = caller.org_id;
    let (person, profile) = state
        .read(move |conn| directory::live(conn, org_id, id))
        .await?
        .ok_or_else(|| ScimError::not_found("no such user"))?;
    let trail = Trail::single(
        &caller,
        clock::now(),
        AuditOperation::Read,
        RecordKind::Person,
        id,
        Some(Party::Person(id)),
    );
    state.record_reads(trail).await?;
    let json = profile.held_user(&person).to_json(&base_url(&req), today());
    Ok(scim_json(StatusCode::OK, &projection.apply(json)))
}

/// What a write changes, decided inside its transaction.
enum Write {
    /// A new User, or an HR-fed person taken on by the directory.
    Create(ScimUser),
    /// The User replaced whole.
    Replace(PersonId, ScimUser),
    /// PATCH operations, applied to the User as held.
    Patch(PersonId, Vec<patch::Operation>, String),
    /// Deleted: a leaver, no longer served.
    Delete(PersonId),
}

/// The written User, or why not: SCIM refusals are decided before anything is written, so
/// they ride out of the transaction as the inner error.
type Outcome = Result<(StoredPerson, StoredProfile), ScimError>;

async fn write(
    state: &web::Data<AppState>,
    caller: &Caller<Integrators>,
    change: Write,
) -> ScimResult<(StoredPerson, StoredProfile)> {
    let org_id = caller.org_id;
    let raised_by = caller.actor().to_owned();
    let now = clock::now();
    let changing = match change {
        Write::Create(_) => AuditOperation::Create,
        _ => AuditOperation::Update,
    };
    let outcome = state
        .write_audited(Trail::new(caller, now), move |conn, trail| {
            let outcome = apply(conn, org_id, &raised_by, change, now, trail)?;
            if let Ok((stored, _)) = &outcome {
                // A User made for a person already on record changes that record.
                let operation = if stored.created_at == now {
                    changing
                } else {
                    AuditOperation::Update
                };
                let id = stored.person.id;
                trail.record(operation, RecordKind::Person, id, Some(Party::Person(id)));
            }
            Ok(outcome)
        })
        .await?;
    state.parties.forget_all();
    Ok(outcome?)
}

/// Decides and makes the change; what it writes besides the User (desk work) goes in `trail`.
fn apply(
    conn: &mut AnyConnection,
    org_id: OrgId,
    raised_by: &Party,
    change: Write,
    now: DateTime<Utc>,
    trail: &mut Trail,
) -> Result<Outcome, StoreError> {
    let today = now.date_naive();
    let (held, user, deleting) = match change {
        Write::Create(user) => {
            let linked = match &user.external_id {
                Some(key) => directory::by_external_id(conn, org_id, key.as_str())?,
                None => None,
            };
            match linked {
                Some((_, Some(profile))) if profile.deprovisioned_at.is_none() => {
                    return Ok(Err(ScimError::uniqueness(
                        "externalId is already held by another User",
                    )));
                }
                // A person HR (or an earlier, deleted User) put on the desk's record: the
                // directory takes them on rather than making a second record.
                Some((person, profile)) => (Some((person, profile)), user, false),
                None => (None, user, false),
            }
        }
        Write::Replace(id, user) => match directory::live(conn, org_id, id)? {
            Some((person, profile)) => (Some((person, Some(profile))), user, false),
            None => return Ok(Err(ScimError::not_found("no such user"))),
        },
        Write::Patch(id, operations, base) => {
            let Some((person, profile)) = directory::live(conn, org_id, id)? else {
                return Ok(Err(ScimError::not_found("no such user")));
            };
            let mut json = profile.held_user(&person).to_json(&base, today);
            let user = match patch::apply(&mut json, &operations)
                .and_then(|()| ScimUser::from_json(&json))
            {
                Ok(user) => user,
                Err(refused) => return Ok(Err(refused)),
            };
            (Some((person, Some(profile))), user, false)
        }
        Write::Delete(id) => {
            let Some((person, profile)) = directory::live(conn, org_id, id)? else {
                return Ok(Err(ScimError::not_found("no such user")));
            };
            let mut user = ScimUser::from_held(&person.person, &profile.profile);
            user.active = Some(false);
            (Some((person, Some(profile))), user, true)
        }
    };
    let id = held.as_ref().map_or_else(
        || PersonId::from_uuid(clock::new_uuid()),
        |(person, _)| person.person.id,
    );
    if let Some(holder) = directory::user_name_holder(conn, org_id, &user.user_name)?
        && holder != id
    {
        return Ok(Err(ScimError::uniqueness(
            "userName is already held by another User",
        )));
    }
    let manager = match user.manager.as_deref() {
        None => None,
        Some(text) => match text.parse::<PersonId>() {
            Ok(manager) if manager == id => {
                return Ok(Err(ScimError::invalid_value(
                    "manager.value names the user themself",
                )));
            }
            Ok(manager) if directory::person_exists(conn, org_id, manager)? => Some(manager),
            _ => {
                return Ok(Err(ScimError::invalid_value(
                    "manager.value names no user of this organisation",
                )));
            }
        },
    };
    // A deleted profile taken on again starts afresh: its old flag says nothing now.
    let live_profile = held.as_ref().and_then(|(_, profile)| {
        profile
            .as_ref()
            .filter(|p| p.deprovisioned_at.is_none())
            .map(|p| &p.profile)
    });
    let before: Held<'_> = held
        .as_ref()
        .map(|(person, _)| (&person.person, live_profile));
    let provisioned = match provision(before, user, id, org_id, manager, today) {
        Ok(provisioned) => provisioned,
        Err(refused) => return Ok(Err(refused)),
    };
    let previous = held.as_ref().map(|(person, _)| person);
    let person_changed = previous.is_none_or(|p| p.person != provisioned.person);
    let previous_profile = held.as_ref().and_then(|(_, profile)| profile.as_ref());
    let profile_changed = deleting || live_profile != Some(&provisioned.profile);
    // Art 18(2): a person on record whose person records' purpose is restricted is not changed
    // (nor deprovisioned) while it holds: 409, naming the restriction and its ground.
    if let Some(previous) = held.as_ref().map(|(person, _)| person.person.id)
        && (person_changed || profile_changed)
        && let Some(refusal) = Restraints::load(conn, org_id, &[previous], now)?.refusal(
            previous,
            Processing::PersonUpdate,
            Touched::Records(Holding::of(CatalogueKind::Person)),
        )
    {
        return Ok(Err(ScimError {
            status: 409,
            scim_type: None,
            detail: DomainError::from(refusal).to_string(),
        }));
    }
    let stored_person = StoredPerson {
        person: provisioned.person,
        hr_effective_date: previous.and_then(|p| p.hr_effective_date),
        created_at: previous.map_or(now, |p| p.created_at),
        updated_at: match previous {
            Some(p) if !person_changed => p.updated_at,
            _ => now,
        },
    };
    let stored_profile = StoredProfile {
        profile: provisioned.profile,
        deprovisioned_at: deleting.then_some(now),
        created_at: match previous_profile {
            Some(p) if p.deprovisioned_at.is_none() => p.created_at,
            _ => now,
        },
        updated_at: match previous_profile {
            Some(p) if !profile_changed && p.deprovisioned_at.is_none() => p.updated_at,
            _ => now,
        },
    };
    directory::save(conn, &stored_person, previous, &stored_profile, raised_by)?;
    if let Some(decision) = &provisioned.decision {
        let source = Source {
            org_id,
            informant: Informant::Directory,
            raised_by,
        };
        raise_desk_work(
            conn,
            source,
            &stored_person.person,
            decision,
            today,
            now,
            trail,
        )?;
    }
    Ok(Ok((stored_person, stored_profile)))
}

/// The written User as the answer to a write.
fn answer(
    req: &HttpRequest,
    status: StatusCode,
    (person, profile): &(StoredPerson, StoredProfile),
) -> HttpResponse {
    let base = base_url(req);
    let json = profile.held_user(person).to_json(&base, today());
    let mut response = scim_json(status, &json);
    if status == StatusCode::CREATED
        && let Ok(location) =
            header::HeaderValue::from_str(&domain::scim::user::location(&base, person.person.id))
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Body,
) -> ScimResult<HttpResponse> {
    let caller = integrator(&req).await?;
    let user = ScimUser::from_json(&json_body(&req, &body)?)?;
    let written = write(&state, &caller, Write::Create(user)).await?;
    Ok(answer(&req, StatusCode::CREATED, &written))
}

pub async fn replace(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Body,
) -> ScimResult<HttpResponse> {
    let caller = integrator(&req).await?;
    let id = person_id(&id)?;
    let user = ScimUser::from_json(&json_body(&req, &body)?)?;
    let written = write(&state, &caller, Write::Replace(id, user)).await?;
    Ok(answer(&req, StatusCode::OK, &written))
}

pub async fn patch(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Body,
) -> ScimResult<HttpResponse> {
    let caller = integrator(&req).await?;
    let id = person_id(&id)?;
    let operations = patch::parse(&json_body(&req, &body)?)?;
    let written = write(
        &state,
        &caller,
        Write::Patch(id, operations, base_url(&req)),
    )
    .await?;
    Ok(answer(&req, StatusCode::OK, &written))
}

/// Deleting a User records them as a leaver (removals and recoveries raised on first notice)
/// and stops serving them; the person stays on the desk's record for as long as retention
/// says.
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ScimResult<HttpResponse> {
    let caller = integrator(&req).await?;
    let id = person_id(&id)?;
    write(&state, &caller, Write::Delete(id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
