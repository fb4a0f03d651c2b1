//! `/api/v1/people/{id}/changes` and `/api/v1/people/me/changes`: a person's change history,
//! newest first. Every writer of people (the desk, HR sync, SCIM) records each change with the
//! record before and after it and who made it; this reads it back.
//!
//! Whoever may read the person record may read its history, decided by the same function
//! ([`people::readable`]): a record the caller may not read is the same 404 as one that does not
//! exist. A history is a read of the person's data, audited as reading the record. The bodies are
//! the person record, which never holds their adjustments (Art 9).

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use domain::audit::AuditOperation;
use domain::ids::{PersonId, RightsRequestId};
use domain::party::Party;
use domain::people::PersonChangeAction;
use persistence::person_history::{self, StoredChange};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::{Caller, Members, PeopleViewers};
use crate::http::page::{PageQuery, page, version_key, version_of_key};
use crate::http::params::{Params, path_id};
use crate::http::problem::responses::ListProblems;
use crate::http::{ApiError, ApiResult, Problem};
use crate::routes::people::{self, PersonStateDto, own_record, person_trail};
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        // Before `/people/{id}/changes`, so `me` is never read as an id.
        .service(list_own_changes)
        .service(list_person_changes);
}

// ---------------------------------------------------------------------------------------------
// Bodies

/// One change to a person record: who made it, when, and the record before and after.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonChangeDto {
    pub person_id: PersonId,
    /// The record's version the change made.
    pub version: i64,
    pub action: PersonChangeAction,
    /// Who made the change: a person of the organisation, or an account with no person record
    /// (an HR or identity integration, a processor's user).
    pub actor: Party,
    pub at: DateTime<Utc>,
    /// The record before the change; `null` when the change created it.
    pub before: Option<PersonStateDto>,
    /// The record after the change.
    pub after: PersonStateDto,
    /// The rights request the change answered (an Art 16 rectification); null for any other.
    pub request_id: Option<RightsRequestId>,
}

impl From<StoredChange> for PersonChangeDto {
    fn from(c: StoredChange) -> Self {
        PersonChangeDto {
            person_id: c.person_id,
            version: c.version,
            action: c.action,
            actor: c.actor,
            at: c.at,
            before: c.before.map(PersonStateDto::from),
            after: c.after.into(),
            request_id: c.request_id,
        }
    }
}

page! {
    /// A page of a person's changes, newest first.
    PersonChangePage of PersonChangeDto
}

/// The page size and the version to continue below, each error recorded against its parameter.
fn paging(page: &PageQuery) -> ApiResult<(domain::page::PageLimit, Option<i64>)> {
    let mut params = Params::default();
    let (limit, after) = page.parse::<Uuid>(&mut params);
    params.finish()?;
    Ok((limit, after.map(version_of_key)))
}

fn page_of(items: Vec<StoredChange>, more: bool) -> PersonChangePage {
    PersonChangePage::of(items, more, |c| version_key(c.version))
}

// ---------------------------------------------------------------------------------------------
// Operations

/// The caller's own change history
///
/// Every change to the caller's own record, newest first: who made it, when, and the record
/// before and after (Art 15). A processor's user acting for a controller is none of its people:
/// `Acting-For` is refused (403).
#[utoipa::path(
    operation_id = "list_own_person_changes",
    tag = "people",
    params(PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the caller's changes", body = PersonChangePage),
        (status = 403, description = "A processor's user acting for a controller", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The caller has no record in the organisation", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/people/me/changes")]
async fn list_own_changes(
    caller: Caller<Members>,
    state: web::Data<AppState>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<PersonChangePage>> {
    let (limit, before) = paging(&page)?;
    let principal = caller.principal.clone();
    let (id, items, more) = state
        .read(move |conn| {
            let Some(own) = own_record(conn, &principal)? else {
                return Ok(None);
            };
            let id = own.person.id;
            let (items, more) = person_history::changes(conn, principal.org_id, id, before, limit)?;
            Ok(Some((id, items, more)))
        })
        .await?
        // The answer `/people/me` gives a caller without a person record.
        .ok_or_else(|| ApiError::no_such("person"))?;
    state
        .record_reads(person_trail(&caller, AuditOperation::Read, id))
        .await?;
    Ok(web::Json(page_of(items, more)))
}

/// A person's change history
///
/// Every change to the person record, newest first: who made it, when, and the record before
/// and after. Whoever may read the record reads its history: agents, administrators, the DPO and
/// integrators the organisation's people; a requester only their own (any other is 404).
#[utoipa::path(
    operation_id = "list_person_changes",
    tag = "people",
    params(("id" = uuid::Uuid, Path, description = "Person id"), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the person's changes", body = PersonChangePage),
        (status = 403, description = "Role may not read people", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person the caller may read", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/people/{id}/changes")]
async fn list_person_changes(
    caller: Caller<PeopleViewers>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<PersonChangePage>> {
    let id: PersonId = path_id("id", &id)?;
    let (limit, before) = paging(&page)?;
    let principal = caller.principal.clone();
    let (items, more) = state
        .read(move |conn| {
            people::readable(conn, &principal, id)?;
            person_history::changes(conn, principal.org_id, id, before, limit)
        })
        .await
        .map_err(ApiError::not_found_as("person"))?;
    state
        .record_reads(person_trail(&caller, AuditOperation::Read, id))
        .await?;
    Ok(web::Json(page_of(items, more)))
}
