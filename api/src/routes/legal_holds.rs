//! `/api/v1/legal-holds`: holds the DPO places on a person or a ticket, keeping their data from
//! erasure and retention actions while a claim or a duty to preserve it stands (Art 17(3)(b),
//! (e)), and releases. And what stands in the way of erasing a person's data or a ticket's:
//! `/people/{id}/blockers`, `/tickets/{id}/blockers` (holds in force, requests still being
//! answered), as erasure and the retention sweep see it.
//!
//! The DPO places and releases holds; the DPO and auditors read them. Never a processor's
//! user: holds are the controller's own record.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use domain::audit::{AuditOperation, RecordKind};
use domain::ids::{LegalHoldId, PersonId, RightsRequestId, TicketId};
use domain::legal_holds::{Blocker, HoldOn, LegalHold, check_reason};
use domain::party::Party;
use persistence::legal_holds::{self, HoldFilter, StoredHold};
use persistence::people;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::audit::Trail;
use crate::auth::{AuditReaders, Caller, Dpos, Principal};
use crate::clock;
use crate::http::json::ValidJson;
use crate::http::page::{PageQuery, page};
use crate::http::params::{Params, path_id};
use crate::http::problem::responses::{BodyProblems, ListProblems, PathProblems};
use crate::http::{ApiError, ApiResult, Problem};
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(place_legal_hold)
        .service(list_legal_holds)
        .service(get_legal_hold)
        .service(release_legal_hold)
        .service(person_blockers)
        .service(ticket_blockers);
}

// ---------------------------------------------------------------------------------------------
// Bodies

/// A legal hold: in force until `released_at`. On exactly one of a person and a ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct LegalHoldDto {
    pub id: LegalHoldId,
    /// The person held: all their data. Null for a hold on a ticket.
    pub person_id: Option<PersonId>,
    /// The ticket held. Null for a hold on a person.
    pub ticket_id: Option<TicketId>,
    /// Why it was placed.
    pub reason: String,
    pub placed_at: DateTime<Utc>,
    pub placed_by: Party,
    /// Whether it still holds: not yet released.
    pub in_force: bool,
    /// Null while it holds.
    pub released_at: Option<DateTime<Utc>>,
    pub released_by: Option<Party>,
    pub release_reason: Option<String>,
}

impl From<StoredHold> for LegalHoldDto {
    fn from(stored: StoredHold) -> Self {
        let h = stored.hold;
        let released = h.released;
        LegalHoldDto {
            id: h.id,
            person_id: h.on.person(),
            ticket_id: h.on.ticket(),
            reason: h.reason,
            placed_at: h.placed_at,
            placed_by: h.placed_by,
            in_force: released.is_none(),
            released_at: released.as_ref().map(|r| r.at),
            released_by: released.as_ref().map(|r| r.by.clone()),
            release_reason: released.map(|r| r.reason),
        }
    }
}

/// A hold to place: on a person of the organisation or on one of its tickets (exactly one).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceLegalHold {
    /// The person whose data is held; or send `ticket_id`.
    pub person_id: Option<PersonId>,
    /// The ticket held; or send `person_id`.
    pub ticket_id: Option<TicketId>,
    /// Why: the claim, order or investigation. Name the matter rather than people.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
}

/// Why a hold is released.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseLegalHold {
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
}

/// Filters of the list of holds.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LegalHoldListQuery {
    /// Only holds on this person.
    #[param(value_type = Option<uuid::Uuid>)]
    pub person_id: Option<String>,
    /// Only holds on this ticket.
    #[param(value_type = Option<uuid::Uuid>)]
    pub ticket_id: Option<String>,
    /// Only holds in force (`true`) or only released ones (`false`).
    #[param(value_type = Option<bool>)]
    pub in_force: Option<String>,
}

page! {
    /// A page of legal holds, newest placed first.
    LegalHoldPage of LegalHoldDto
}

/// What stands in the way of erasing or retaining the data of a person or a ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct BlockersDto {
    /// Whether anything does: erasure and retention actions on it are refused while so.
    pub blocked: bool,
    /// Holds in force first (oldest placed first), then requests still being answered.
    pub blockers: Vec<Blocker>,
}

/// The request a person's blockers leave out.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersonBlockersQuery {
    /// A rights request of the person's to leave out: the erasure request being fulfilled
    /// does not block itself.
    #[param(value_type = Option<uuid::Uuid>)]
    pub except_request_id: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Audit

/// Notes `operation` on each hold, about whose data it holds.
fn record_holds<'a>(
    trail: &mut Trail,
    operation: AuditOperation,
    holds: impl IntoIterator<Item = &'a StoredHold>,
) {
    for stored in holds {
        trail.record(
            operation,
            RecordKind::LegalHold,
            stored.hold.id,
            Some(stored.about.clone()),
        );
    }
}

/// Notes the listing of each record a person's blockers name, about `about`.
fn record_blockers(trail: &mut Trail, blockers: &[Blocker], about: Option<Party>) {
    for blocker in blockers {
        match blocker {
            Blocker::LegalHold { hold_id, .. } => {
                trail.record(
                    AuditOperation::List,
                    RecordKind::LegalHold,
                    hold_id,
                    about.clone(),
                );
            }
            Blocker::OpenRightsRequest { request_id, .. } => trail.record(
                AuditOperation::List,
                RecordKind::RightsRequest,
                request_id,
                about.clone(),
            ),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Handlers

/// Place a legal hold
///
/// The DPO places a hold on a person of the organisation (all their data) or on one ticket,
/// with the reason. While it is in force, no erasure or retention action touches what it holds
/// (a hold on a ticket holds its requester's data too). The placer is the caller. Exactly one
/// of `person_id` and `ticket_id`: neither, both, or one not the organisation's is 422 naming
/// the field.
#[utoipa::path(
    operation_id = "place_legal_hold",
    tag = "legal-holds",
    request_body = PlaceLegalHold,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Hold placed", body = LegalHoldDto,
            headers(("Location" = String))),
        (status = 403, description = "Only the DPO places holds", body = Problem, content_type = "application/problem+json"),
        BodyProblems,
    )
)]
#[post("/legal-holds")]
async fn place_legal_hold(
    caller: Caller<Dpos>,
    state: web::Data<AppState>,
    body: ValidJson<PlaceLegalHold>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let on = HoldOn::from_fields(body.person_id, body.ticket_id);
    let reason = check_reason("reason", &body.reason);
    let (on, reason) = match (on, reason) {
        (Ok(on), Ok(reason)) => (on, reason),
        (on, reason) => {
            let faults = [on.err(), reason.err()].into_iter().flatten();
            return Err(ApiError::fields(faults.map(Into::into).collect()));
        }
    };
    let now = clock::now();
    let hold = LegalHold {
        id: LegalHoldId::from_uuid(clock::new_uuid()),
        org_id: caller.org_id,
        on,
        reason,
        placed_at: now,
        placed_by: caller.actor().to_owned(),
        released: None,
    };
    let stored = state
        .write_audited(Trail::new(&caller, now), move |conn, trail| {
            let stored = legal_holds::place(conn, &hold)?;
            record_holds(trail, AuditOperation::Create, [&stored]);
            Ok(stored)
        })
        .await?;
    let location = format!("/api/v1/legal-holds/{}", stored.hold.id);
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(LegalHoldDto::from(stored)))
}

/// List legal holds
///
/// The organisation's holds, newest placed first, narrowed by person, ticket and whether they
/// are in force. For the DPO and auditors.
#[utoipa::path(
    operation_id = "list_legal_holds",
    tag = "legal-holds",
    params(LegalHoldListQuery, PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of holds", body = LegalHoldPage),
        (status = 403, description = "Only the DPO and auditors read holds", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/legal-holds")]
async fn list_legal_holds(
    caller: Caller<AuditReaders>,
    state: web::Data<AppState>,
    query: web::Query<LegalHoldListQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<LegalHoldPage>> {
    let mut params = Params::default();
    let person_id: Option<Uuid> = params.optional("person_id", query.person_id.as_deref());
    let ticket_id: Option<Uuid> = params.optional("ticket_id", query.ticket_id.as_deref());
    let filter = HoldFilter {
        person_id: person_id.map(PersonId::from_uuid),
        ticket_id: ticket_id.map(TicketId::from_uuid),
        in_force: params.optional("in_force", query.in_force.as_deref()),
    };
    let (limit, after) = page.parse::<LegalHoldId>(&mut params);
    params.finish()?;
    let org_id = caller.org_id;
    let (items, more) = state
        .read(move |conn| legal_holds::list(conn, org_id, filter, limit, after))
        .await?;
    let mut trail = Trail::new(&caller, clock::now());
    record_holds(&mut trail, AuditOperation::List, &items);
    state.record_reads(trail).await?;
    Ok(web::Json(LegalHoldPage::of(items, more, |h| {
        h.hold.id.as_uuid()
    })))
}

/// Get a legal hold
///
/// One hold of the organisation: on what, why, placed by whom and when, and once released,
/// by whom, when and why. For the DPO and auditors.
#[utoipa::path(
    operation_id = "get_legal_hold",
    tag = "legal-holds",
    params(("id" = uuid::Uuid, Path, description = "Legal hold id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The hold", body = LegalHoldDto),
        (status = 403, description = "Only the DPO and auditors read holds", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such hold in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[get("/legal-holds/{id}")]
async fn get_legal_hold(
    caller: Caller<AuditReaders>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<LegalHoldDto>> {
    let id: LegalHoldId = path_id("id", &id)?;
    let org_id = caller.org_id;
    let stored = state
        .read(move |conn| legal_holds::get(conn, org_id, id))
        .await
        .map_err(ApiError::not_found_as("legal hold"))?;
    let mut trail = Trail::new(&caller, clock::now());
    record_holds(&mut trail, AuditOperation::Read, [&stored]);
    state.record_reads(trail).await?;
    Ok(web::Json(LegalHoldDto::from(stored)))
}

/// Release a legal hold
///
/// The DPO releases a hold in force, with the reason; erasure and retention may then act on
/// what it held (unless another hold or a pending request still stands in the way). A hold is
/// released once: releasing it again is 409.
#[utoipa::path(
    operation_id = "release_legal_hold",
    tag = "legal-holds",
    params(("id" = uuid::Uuid, Path, description = "Legal hold id")),
    request_body = ReleaseLegalHold,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The hold, released", body = LegalHoldDto),
        (status = 403, description = "Only the DPO releases holds", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such hold in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The hold is already released", body = Problem, content_type = "application/problem+json"),
        BodyProblems,
    )
)]
#[post("/legal-holds/{id}/release")]
async fn release_legal_hold(
    caller: Caller<Dpos>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: ValidJson<ReleaseLegalHold>,
) -> ApiResult<web::Json<LegalHoldDto>> {
    let id: LegalHoldId = path_id("id", &id)?;
    let reason = check_reason("reason", &body.0.reason)?;
    let org_id = caller.org_id;
    let by = caller.actor().to_owned();
    let now = clock::now();
    let released = state
        .write_audited(Trail::new(&caller, now), move |conn, trail| {
            let released = legal_holds::release(conn, org_id, id, &by, now, reason)?;
            record_holds(trail, AuditOperation::Update, [&released]);
            Ok(released)
        })
        .await
        .map_err(ApiError::not_found_as("legal hold"))?;
    Ok(web::Json(LegalHoldDto::from(released)))
}

/// What blocks erasing a person's data
///
/// What stands in the way of erasing the person's data or of a retention action on it: holds
/// in force on them or on a ticket they requested, and their rights requests still being
/// answered (open or paused), less `except_request_id` (the erasure request being fulfilled).
/// Names records by id, never a hold's reason. For the DPO and auditors.
#[utoipa::path(
    operation_id = "person_blockers",
    tag = "legal-holds",
    params(("id" = uuid::Uuid, Path, description = "Person id"), PersonBlockersQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What blocks erasure and retention", body = BlockersDto),
        (status = 403, description = "Only the DPO and auditors", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/people/{id}/blockers")]
async fn person_blockers(
    caller: Caller<AuditReaders>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<PersonBlockersQuery>,
) -> ApiResult<web::Json<BlockersDto>> {
    let person_id: PersonId = path_id("id", &id)?;
    let mut params = Params::default();
    let except: Option<Uuid> =
        params.optional("except_request_id", query.except_request_id.as_deref());
    params.finish()?;
    let except = except.map(RightsRequestId::from_uuid);
    let org_id = caller.org_id;
    let blockers = state
        .read(move |conn| {
            people::get(conn, org_id, person_id)?;
            legal_holds::blockers_for_person(conn, org_id, person_id, except)
        })
        .await
        .map_err(ApiError::not_found_as("person"))?;
    answer_blockers(&caller, &state, blockers, Some(Party::Person(person_id))).await
}

/// What blocks erasing a ticket's data
///
/// What stands in the way of erasing or anonymising the ticket, or of a retention action on
/// it: holds in force on the ticket, and everything that blocks erasing its requester's data
/// when the requester has a person record. For the DPO and auditors.
#[utoipa::path(
    operation_id = "ticket_blockers",
    tag = "legal-holds",
    params(("id" = uuid::Uuid, Path, description = "Ticket id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What blocks erasure and retention", body = BlockersDto),
        (status = 403, description = "Only the DPO and auditors", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[get("/tickets/{id}/blockers")]
async fn ticket_blockers(
    caller: Caller<AuditReaders>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<BlockersDto>> {
    let ticket_id: TicketId = path_id("id", &id)?;
    let org_id = caller.org_id;
    let (blockers, requester) = state
        .read(move |conn| {
            let requester = persistence::tickets::get(conn, org_id, ticket_id)?.requester;
            Ok((
                legal_holds::blockers_for_ticket(conn, org_id, ticket_id)?,
                requester,
            ))
        })
        .await
        .map_err(ApiError::not_found_as("ticket"))?;
    answer_blockers(&caller, &state, blockers, Some(requester)).await
}

/// The blockers found, their reading recorded.
async fn answer_blockers(
    caller: &Principal,
    state: &AppState,
    blockers: Vec<Blocker>,
    about: Option<Party>,
) -> ApiResult<web::Json<BlockersDto>> {
    let mut trail = Trail::new(caller, clock::now());
    record_blockers(&mut trail, &blockers, about);
    state.record_reads(trail).await?;
    Ok(web::Json(BlockersDto {
        blocked: !blockers.is_empty(),
        blockers,
    }))
}
