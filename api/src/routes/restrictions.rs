//! Restrictions of processing (Art 18) that objections place (Art 21(1), 18(1)(d)):
//! `/api/v1/people/{id}/restrictions`, a person's restrictions in force and lifted, and
//! `/api/v1/rights-requests/{id}/restriction`, what a request placed, or why it placed none.
//!
//! A restriction is placed in the transaction that records the objection
//! ([`on_request_made`]); the objection's outcome lifts or keeps it in the transaction that
//! records the outcome ([`on_request_closed`]), the person told first (Art 18(3)).

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use domain::audit::{AuditOperation, RecordKind};
use domain::ids::{PersonId, RightsRequestId};
use domain::party::Party;
use domain::register::rights::{RestrictionGround, Right};
use domain::restriction::{LiftReason, RestrictedPurpose, lifted_by_outcome, request_explanation};
use domain::rights_requests::OutcomeKind;
use domain::role::Role;
use persistence::restrictions::{self, Restriction};
use persistence::rights_requests::{self, RightsRequest, StepRecord};
use persistence::{AnyConnection, StoreError};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::Trail;
use crate::auth::{Caller, PeopleViewers, RightsRequesters};
use crate::clock;
use crate::http::page::{PageQuery, page};
use crate::http::params::path_id;
use crate::http::problem::responses::{ListProblems, PathProblems};
use crate::http::{ApiError, ApiResult, Problem};
use crate::routes::people::page_about;
use crate::routes::recipient_notices::record_sent;
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(list_person_restrictions)
        .service(get_request_restriction);
}

/// A restriction of processing: in force until `lifted_at`.
#[derive(Debug, Serialize, ToSchema)]
pub struct RestrictionDto {
    pub id: Uuid,
    pub person_id: PersonId,
    /// The Art 18(1) ground, by its letter.
    pub ground: RestrictionGround,
    /// The ground's provision, e.g. `Art 18(1)(d)`.
    pub article: &'static str,
    /// The request that placed it.
    pub request_id: RightsRequestId,
    /// The purposes whose processing of the person's data is restricted, as the register
    /// stated them when it was placed.
    pub purposes: Vec<RestrictedPurpose>,
    pub placed_at: DateTime<Utc>,
    pub placed_by: Party,
    /// Null while it holds.
    pub lifted_at: Option<DateTime<Utc>>,
    pub lifted_by: Option<Party>,
    pub lift_reason: Option<LiftReason>,
    /// Art 18(3): what the person was told before it was lifted.
    pub lifting_notice: Option<String>,
}

impl From<Restriction> for RestrictionDto {
    fn from(r: Restriction) -> Self {
        let lifted = r.lifted;
        RestrictionDto {
            id: r.id,
            person_id: r.person_id,
            ground: r.ground,
            article: r.ground.article(),
            request_id: r.request_id,
            purposes: r.purposes,
            placed_at: r.placed_at,
            placed_by: r.placed_by,
            lifted_at: lifted.as_ref().map(|l| l.at),
            lifted_by: lifted.as_ref().map(|l| l.by.clone()),
            lift_reason: lifted.as_ref().map(|l| l.reason),
            lifting_notice: lifted.map(|l| l.notice),
        }
    }
}

/// What a request says of restriction.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestRestrictionDto {
    pub request_id: RightsRequestId,
    pub right: Right,
    /// The restriction the request placed; null when it placed none.
    pub restriction: Option<RestrictionDto>,
    /// Why there is a restriction or none, and whether it holds.
    pub explanation: &'static str,
}

page! {
    /// A page of a person's restrictions, newest first.
    RestrictionPage of RestrictionDto
}

/// Art 21(1), 18(1)(d): the restriction an objection places, in the transaction that records
/// it (nothing for a request of another right), with its audit events: the restriction and the
/// notice each recipient of the person's data is sent (Art 19).
pub(crate) fn on_request_made(
    conn: &mut AnyConnection,
    trail: &mut Trail,
    request: &RightsRequest,
) -> Result<(), StoreError> {
    if let Some(placed) = restrictions::place_on_objection(conn, request)? {
        trail.record(
            AuditOperation::Create,
            RecordKind::Restriction,
            placed.restriction.id,
            Some(Party::Person(placed.restriction.person_id)),
        );
        record_sent(trail, &placed.notices);
    }
    Ok(())
}

/// Art 18(1)(d) holds "pending the verification" of an objection: its outcome lifts the
/// restriction it placed where [`lifted_by_outcome`] says so, in the transaction that records
/// the outcome, with the Art 18(3) notice the person is given first.
pub(crate) fn on_request_closed(
    conn: &mut AnyConnection,
    trail: &mut Trail,
    request: &RightsRequest,
    outcome: OutcomeKind,
    step: &StepRecord,
) -> Result<(), StoreError> {
    let Some(reason) = lifted_by_outcome(outcome).filter(|_| request.right == Right::Objection)
    else {
        return Ok(());
    };
    let lifted = restrictions::lift(
        conn,
        request.org_id,
        request.id,
        reason,
        &step.by,
        step.recorded_at,
    )?;
    if let Some(lifted) = lifted {
        trail.record(
            AuditOperation::Update,
            RecordKind::Restriction,
            lifted.id,
            Some(Party::Person(lifted.person_id)),
        );
    }
    Ok(())
}

/// A person's restrictions
///
/// Every restriction of the processing of the person's data, newest first: its ground, the
/// request that placed it, the purposes restricted, and, once lifted, when, by whom, why and
/// what the person was told first (Art 18(3)). Whoever may read the person record reads them: a
/// requester only their own (any other is 404).
#[utoipa::path(
    operation_id = "list_person_restrictions",
    tag = "people",
    params(("id" = uuid::Uuid, Path, description = "Person id"), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the person's restrictions", body = RestrictionPage),
        (status = 403, description = "Role may not read people", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person the caller may read", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/people/{id}/restrictions")]
async fn list_person_restrictions(
    caller: Caller<PeopleViewers>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<RestrictionPage>> {
    let (items, more) = page_about(
        &caller,
        &state,
        &id,
        &page,
        RecordKind::Restriction,
        restrictions::of_person,
        |r| r.id,
    )
    .await?;
    Ok(web::Json(RestrictionPage::of(items, more, |r| r.id)))
}

/// What a request placed under restriction
///
/// For an objection (Art 21(1)): the restriction it placed on the processing it reaches
/// (Art 18(1)(d)), and whether it still holds; or, when none of the person's processing rests
/// on Art 6(1)(e) or (f), that none was placed and why. A request of another right places none,
/// and says so. The person reads their own request's, the DPO any of the organisation's.
#[utoipa::path(
    operation_id = "get_request_restriction",
    tag = "rights-requests",
    params(("id" = uuid::Uuid, Path, description = "Rights request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The request's restriction, or why there is none", body = RequestRestrictionDto),
        (status = 403, description = "Only the person themselves and the DPO", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request the caller may read", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[get("/rights-requests/{id}/restriction")]
async fn get_request_restriction(
    caller: Caller<RightsRequesters>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<RequestRestrictionDto>> {
    let id: RightsRequestId = path_id("id", &id)?;
    let org_id = caller.org_id;
    let dpo = caller.has(Role::Dpo);
    let own = caller.person();
    let (request, restriction) = state
        .read(move |conn| {
            let request = rights_requests::get(conn, org_id, id)?;
            if !dpo && own != Some(request.person_id) {
                return Err(StoreError::NotFound);
            }
            let restriction = restrictions::of_request(conn, org_id, id)?;
            Ok((request, restriction))
        })
        .await
        .map_err(ApiError::not_found_as("rights request"))?;
    let about = Some(Party::Person(request.person_id));
    let mut trail = Trail::new(&caller, clock::now());
    trail.record(
        AuditOperation::Read,
        RecordKind::RightsRequest,
        request.id,
        about.clone(),
    );
    if let Some(restriction) = &restriction {
        trail.record(
            AuditOperation::Read,
            RecordKind::Restriction,
            restriction.id,
            about,
        );
    }
    state.record_reads(trail).await?;
    let lifted = restriction.as_ref().map(|r| r.lifted.is_some());
    Ok(web::Json(RequestRestrictionDto {
        request_id: request.id,
        right: request.right,
        explanation: request_explanation(request.right, lifted),
        restriction: restriction.map(RestrictionDto::from),
    }))
}
