//! `/api/v1/people/{id}/processing` and `/people/me/processing`: for one person, each purpose
//! of the register that holds some of their data, with what Art 15(1)(a) to (h) entitles them
//! to know: the purpose, its basis and Art 9 condition, the data categories, recipients,
//! transfers and their safeguards (15(2)), retention, source (14(2)(f)), the rights that apply,
//! and automated decisions. Which purposes hold their data is worked out, not recorded: the
//! catalogue finds the kinds of record with rows about them, and the register's bindings say
//! which purpose governs each.
//!
//! Reading follows the domain's rule for reading a person (`domain::people::role_may`): the
//! person themselves, agents, the DPO and integrators. Each read is audited as a read of the
//! person's record.

use actix_web::{get, web};
use domain::audit::AuditOperation;
use domain::ids::{OrgId, PersonId};
use domain::people::{AccessContext, PersonAction, check_access};
use domain::register::PersonProcessing;
use domain::role::Role;
use persistence::people::{self, StoredPerson};
use persistence::{StoreError, catalogue, restrictions};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{Caller, Members, ProcessingReaders};
use crate::http::params::path_id;
use crate::http::problem::responses::{PathProblems, Unauthenticated};
use crate::http::{ApiError, ApiResult, Problem};
use crate::routes::people::{is_subject, own_record, person_trail};
use crate::routes::restrictions::RestrictionDto;
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        // Before `/people/{id}/processing`, so `me` is never read as an id.
        .service(get_own_processing)
        .service(get_person_processing);
}

/// The processing of one person's data, purpose by purpose, and what of it is restricted.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcessingDto {
    pub person_id: PersonId,
    #[serde(flatten)]
    pub processing: PersonProcessing,
    /// The restrictions that hold now (Art 18): the purposes named in them process the
    /// person's data no further than storing it.
    pub restrictions: Vec<RestrictionDto>,
}

/// What the organisation's register says of the processing of `stored`'s data, inside a
/// storage call: also the Art 15(1) facts of a subject access bundle.
pub(crate) fn processing_of(
    conn: &mut persistence::AnyConnection,
    org_id: OrgId,
    stored: &StoredPerson,
) -> Result<ProcessingDto, StoreError> {
    let person = &stored.person;
    Ok(ProcessingDto {
        person_id: person.id,
        processing: catalogue::processing_of(conn, org_id, person)?,
        restrictions: restrictions::in_force(conn, org_id, person.id)?
            .into_iter()
            .map(RestrictionDto::from)
            .collect(),
    })
}

/// The caller's own processing
///
/// For the person whose external id is the token's subject: each purpose holding their data,
/// with its description, lawful basis and Art 9(2) condition, data categories, recipients,
/// transfers and their safeguards, retention, source, the rights that apply and any automated
/// decisions (Art 15(1)(a) to (h), 15(2)); and what the desk holds about them that no single
/// purpose governs. A processor's user acting for a controller is none of its people:
/// `Acting-For` is refused (403).
#[utoipa::path(
    operation_id = "get_own_processing",
    tag = "people",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The processing of the caller's data", body = ProcessingDto),
        (status = 401, response = Unauthenticated),
        (status = 403, description = "A processor's user acting for a controller", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The caller has no record in the organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/people/me/processing")]
async fn get_own_processing(
    caller: Caller<Members>,
    state: web::Data<AppState>,
) -> ApiResult<web::Json<ProcessingDto>> {
    let principal = caller.principal.clone();
    let answer = state
        .read(move |conn| {
            let stored = own_record(conn, &principal)?.ok_or(StoreError::NotFound)?;
            processing_of(conn, principal.org_id, &stored)
        })
        .await
        // The answer `/people/me` gives a caller without a person record.
        .map_err(ApiError::not_found_as("person"))?;
    let trail = person_trail(&caller, AuditOperation::Read, answer.person_id);
    state.record_reads(trail).await?;
    Ok(web::Json(answer))
}

/// A person's processing
///
/// For one person of the organisation, as for `/people/me/processing`: each purpose holding
/// their data with the facts Art 15(1)(a) to (h) requires. Agents, the DPO and integrators read
/// anyone's; a requester only their own (any other is 404, as for a person that does not
/// exist); administrators and auditors have no need (403).
#[utoipa::path(
    operation_id = "get_person_processing",
    tag = "people",
    params(("id" = uuid::Uuid, Path, description = "Person id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The processing of the person's data", body = ProcessingDto),
        (status = 403, description = "Role may not read people's processing", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person the caller may read", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[get("/people/{id}/processing")]
async fn get_person_processing(
    caller: Caller<ProcessingReaders>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<ProcessingDto>> {
    let id: PersonId = path_id("id", &id)?;
    let principal = caller.principal.clone();
    let answer = state
        .read(move |conn| {
            let stored = people::get(conn, principal.org_id, id)?;
            let context = AccessContext {
                is_subject: is_subject(&principal, &stored.person),
                adjustments_granted: false,
            };
            let roles: Vec<Role> = principal.roles.iter().copied().collect();
            // A requester learns nothing of whether a colleague exists.
            if check_access(&roles, PersonAction::Read, context).is_err() {
                return Err(StoreError::NotFound);
            }
            processing_of(conn, principal.org_id, &stored)
        })
        .await
        .map_err(ApiError::not_found_as("person"))?;
    let trail = person_trail(&caller, AuditOperation::Read, answer.person_id);
    state.record_reads(trail).await?;
    Ok(web::Json(answer))
}
