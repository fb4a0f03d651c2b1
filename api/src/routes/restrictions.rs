//! Restrictions of processing (Art 18), placed by a request for restriction (Art 18(1)(a) to
//! (c)) or an objection (Art 21(1), 18(1)(d)): `/api/v1/people/{id}/restrictions`, a person's
//! restrictions in force and lifted; `/api/v1/rights-requests/{id}/restriction`, what a request
//! placed, or why it placed none; `/api/v1/restrictions/{id}`, one restriction with its Art 18(2)
//! exceptions, which the DPO records at `/exceptions`, and lifts at `/lift`.
//!
//! A restriction is placed in the transaction that records the request ([`on_request_made`]);
//! the request's outcome lifts or keeps it in the transaction that records the outcome
//! ([`on_request_closed`]), the person told first (Art 18(3)). While it holds, every write that
//! processes the person's data for a restricted purpose asks [`Restraints`] first, inside its
//! own transaction, and is refused (409) unless an exception lets it through.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use domain::DomainError;
use domain::audit::{AuditOperation, RecordKind};
use domain::disclosures::DisclosureFacts;
use domain::ids::{OrgId, PersonId, RightsRequestId};
use domain::party::Party;
use domain::recipient_notices::NoticeAction;
use domain::register::Register;
use domain::register::rights::{RestrictionGround, Right};
use domain::restriction::{
    Asked, Exception, ExceptionGround, LiftReason, Processing, Refusal, RestrictedPurpose, Touched,
    check_direct_lift, check_exception_until, lifted_by_outcome, purposes_of, refuses,
    refuses_disclosure, request_explanation,
};
use domain::rights_requests::OutcomeKind;
use persistence::recipient_notices;
use persistence::restrictions::{self, Notified, Restriction};
use persistence::rights_requests::{RightsRequest, StepRecord};
use persistence::{AnyConnection, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::audit::Trail;
use crate::auth::{Caller, Dpos, PeopleViewers, RightsRequesters};
use crate::clock;
use crate::http::json::ValidJson;
use crate::http::page::{PageQuery, page};
use crate::http::params::path_id;
use crate::http::problem::responses::{BodyProblems, ListProblems, PathProblems};
use crate::http::{ApiError, ApiResult, Problem};
use crate::routes::people::{page_about, readable};
use crate::routes::recipient_notices::{RecipientNoticeDto, record_sent, shown};
use crate::routes::rights_requests::RequestReader;
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(list_person_restrictions)
        .service(get_request_restriction)
        .service(get_restriction)
        .service(record_exception)
        .service(lift_restriction);
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
    /// Art 18(2): the processing the DPO has let through, oldest first.
    pub exceptions: Vec<ExceptionDto>,
}

/// An Art 18(2) exception to a restriction: one kind of processing let through.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExceptionDto {
    pub id: Uuid,
    pub ground: ExceptionGround,
    /// The ground in the words of Art 18(2).
    pub ground_text: &'static str,
    /// The processing it lets through.
    pub allows: Processing,
    pub note: String,
    /// Until when (exclusive); null: until the restriction is lifted.
    pub until: Option<DateTime<Utc>>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: Party,
}

impl From<Exception> for ExceptionDto {
    fn from(e: Exception) -> Self {
        ExceptionDto {
            id: e.id,
            ground: e.ground,
            ground_text: e.ground.describe(),
            allows: e.allows,
            note: e.note,
            until: e.until,
            recorded_at: e.recorded_at,
            recorded_by: e.recorded_by,
        }
    }
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
            exceptions: r.exceptions.into_iter().map(ExceptionDto::from).collect(),
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
    /// Who was told of it (Art 19), oldest first: each recipient of the person's data told of
    /// its placing (`restriction`), and, once it is lifted, each of them told of its lifting
    /// (`restriction_lifted`). Empty when none was placed, or it was placed on data disclosed to
    /// no one.
    pub recipient_notices: Vec<RecipientNoticeDto>,
    /// Why there is a restriction or none, and whether it holds.
    pub explanation: &'static str,
}

page! {
    /// A page of a person's restrictions, newest first.
    RestrictionPage of RestrictionDto
}

/// Art 18(1), 21(1): the restriction a request for restriction or an objection places, in the
/// transaction that records it (nothing for a request of another right), with its audit
/// events: the restriction and the notice each recipient of the person's data is sent (Art 19).
pub(crate) fn on_request_made(
    conn: &mut AnyConnection,
    trail: &mut Trail,
    request: &RightsRequest,
    asked: Option<&Asked>,
) -> Result<(), StoreError> {
    if let Some(placed) = restrictions::place(conn, request, asked)? {
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

/// A request's outcome lifts the restriction it placed where [`lifted_by_outcome`] says so
/// (an objection decided either way; a request for restriction refused), in the transaction
/// that records the outcome, with the Art 18(3) notice the person is given first and the notice
/// each recipient told of the restriction is sent (Art 19).
pub(crate) fn on_request_closed(
    conn: &mut AnyConnection,
    trail: &mut Trail,
    request: &RightsRequest,
    outcome: OutcomeKind,
    step: &StepRecord,
) -> Result<(), StoreError> {
    let Some(reason) = lifted_by_outcome(request.right, outcome) else {
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
        record_lifted(trail, &lifted);
    }
    Ok(())
}

/// Notes in `trail` the lifting, and the notice each recipient told of the restriction is sent
/// of it (Art 19).
fn record_lifted(trail: &mut Trail, lifted: &Notified) {
    trail.record(
        AuditOperation::Update,
        RecordKind::Restriction,
        lifted.restriction.id,
        Some(Party::Person(lifted.restriction.person_id)),
    );
    record_sent(trail, &lifted.notices);
}

/// Art 18(2) at the point of processing: the restrictions in force of the people a write is
/// about, read once in the write's own transaction (so a restriction placed or lifted
/// concurrently is seen or not, never half), with the register the purposes are judged by
/// (read only when one holds). Every write that processes a person's data beyond storage asks
/// it, and is refused with the restriction's id and ground when [`refuses`] says so.
pub(crate) struct Restraints {
    held: HashMap<PersonId, Vec<Restriction>>,
    register: Option<Register>,
    now: DateTime<Utc>,
}

impl Restraints {
    /// The restrictions in force of `people`, as of `now`.
    pub(crate) fn load(
        conn: &mut AnyConnection,
        org_id: OrgId,
        people: &[PersonId],
        now: DateTime<Utc>,
    ) -> Result<Self, StoreError> {
        let held = restrictions::in_force_of(conn, org_id, people)?;
        let register = if held.is_empty() {
            None
        } else {
            Some(persistence::register::load(conn, org_id, None)?.register)
        };
        Ok(Restraints {
            held,
            register,
            now,
        })
    }

    /// Why `processing` of `person`'s data in `touched` is refused, if it is.
    pub(crate) fn refusal(
        &self,
        person: PersonId,
        processing: Processing,
        touched: Touched<'_>,
    ) -> Option<Refusal> {
        let held = self.held.get(&person)?;
        let register = self.register.as_ref()?;
        refuses(held, processing, &purposes_of(register, touched), self.now)
    }

    /// The refusal as the write's error: a 409 naming the restriction and its ground.
    pub(crate) fn check(
        &self,
        person: PersonId,
        processing: Processing,
        touched: Touched<'_>,
    ) -> Result<(), StoreError> {
        refused(self.refusal(person, processing, touched))
    }
}

/// A refusal as the write's error: a 409 naming the restriction and its ground.
fn refused(refusal: Option<Refusal>) -> Result<(), StoreError> {
    match refusal {
        Some(refusal) => Err(DomainError::from(refusal).into()),
        None => Ok(()),
    }
}

/// Art 18(2) on a record of the disclosures log as it stands after the write, recorded or
/// corrected: refused when [`refuses_disclosure`] says it states a disclosure of restricted
/// data, judged by the restrictions of the person it is about that hold now and the register,
/// read in the write's own transaction.
pub(crate) fn check_disclosure(
    conn: &mut AnyConnection,
    org_id: OrgId,
    facts: &DisclosureFacts,
) -> Result<(), StoreError> {
    let restraints = Restraints::load(conn, org_id, &[facts.person_id], facts.disclosed_at)?;
    let (Some(held), Some(register)) = (
        restraints.held.get(&facts.person_id),
        restraints.register.as_ref(),
    ) else {
        return Ok(());
    };
    refused(refuses_disclosure(held, register, facts))
}

/// [`Restraints::check`] for a write about one party: an account with no person record is
/// restricted by nothing.
pub(crate) fn check_restricted(
    conn: &mut AnyConnection,
    org_id: OrgId,
    about: &Party,
    processing: Processing,
    touched: Touched<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Some(person) = about.person() else {
        return Ok(());
    };
    Restraints::load(conn, org_id, &[person], now)?.check(person, processing, touched)
}

/// A person's restrictions
///
/// Every restriction of the processing of the person's data, newest first: its ground, the
/// request that placed it, the purposes restricted, and, once lifted, when, by whom, why and
/// what the person was told first (Art 18(3)). Whoever may read the person record reads them: a
/// requester only their own (any other is 404). Which recipients were told of each (Art 19) is
/// for the person and the DPO only, at `/rights-requests/{request_id}/restriction`.
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
/// on Art 6(1)(e) or (f), that none was placed and why. For a request for restriction
/// (Art 18(1)(a) to (c)): the restriction it placed. A request of another right places none,
/// and says so. With the restriction, who was told of it (Art 19): each recipient of the
/// person's data told of its placing, and, once lifted, each of them told of its lifting. The
/// person reads their own request's, the DPO any of the organisation's: those who read who the
/// recipients were (`/people/{id}/recipient-notices`).
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
    let reader = RequestReader::of(&caller);
    let (request, restriction, notices) = state
        .read(move |conn| {
            let request = reader.get(conn, id)?;
            let restriction = restrictions::of_request(conn, org_id, id)?;
            let notices = match restriction {
                Some(_) => {
                    let sent = recipient_notices::of_request(
                        conn,
                        org_id,
                        id,
                        &[NoticeAction::Restriction, NoticeAction::RestrictionLifted],
                    )?;
                    shown(conn, org_id, sent)?
                }
                None => Vec::new(),
            };
            Ok((request, restriction, notices))
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
            about.clone(),
        );
    }
    for notice in &notices {
        trail.record(
            AuditOperation::Read,
            RecordKind::RecipientNotice,
            notice.id,
            about.clone(),
        );
    }
    state.record_reads(trail).await?;
    let lifted = restriction.as_ref().map(|r| r.lifted.is_some());
    Ok(web::Json(RequestRestrictionDto {
        request_id: request.id,
        right: request.right,
        explanation: request_explanation(request.right, lifted),
        restriction: restriction.map(RestrictionDto::from),
        recipient_notices: notices,
    }))
}

/// Get a restriction
///
/// One restriction of the processing of a person's data: its ground, the purposes restricted,
/// the Art 18(2) exceptions the DPO has recorded, and, once lifted, when, by whom, why and what
/// the person was told first (Art 18(3)). Whoever may read the person record reads it: a
/// requester only their own (any other is 404). Which recipients were told of it (Art 19) is
/// for the person and the DPO only, at `/rights-requests/{request_id}/restriction`.
#[utoipa::path(
    operation_id = "get_restriction",
    tag = "people",
    params(("id" = uuid::Uuid, Path, description = "Restriction id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The restriction", body = RestrictionDto),
        (status = 403, description = "Role may not read people", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such restriction the caller may read", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[get("/restrictions/{id}")]
async fn get_restriction(
    caller: Caller<PeopleViewers>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<RestrictionDto>> {
    let id: Uuid = path_id("id", &id)?;
    let principal = caller.principal.clone();
    let restriction = state
        .read(move |conn| {
            let restriction = restrictions::get(conn, principal.org_id, id)?;
            readable(conn, &principal, restriction.person_id)?;
            Ok(restriction)
        })
        .await
        .map_err(ApiError::not_found_as("restriction"))?;
    let trail = Trail::single(
        &caller,
        clock::now(),
        AuditOperation::Read,
        RecordKind::Restriction,
        restriction.id,
        Some(Party::Person(restriction.person_id)),
    );
    state.record_reads(trail).await?;
    Ok(web::Json(RestrictionDto::from(restriction)))
}

/// An Art 18(2) exception to record on a restriction.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordException {
    pub ground: ExceptionGround,
    /// The one kind of processing it lets through.
    pub allows: Processing,
    /// Why: the consent given, the claim, the rights protected or the public interest.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: String,
    /// Until when (exclusive), in the future; left out: until the restriction is lifted.
    pub until: Option<DateTime<Utc>>,
}

/// Record an exception to a restriction
///
/// The DPO lets one kind of processing of the restricted data through on a ground of
/// Art 18(2): with the person's consent, for legal claims, to protect another's rights, or for
/// important public interest; until a time, or until the restriction is lifted. Processing it
/// allows goes through (and is audited as usual); any other stays refused. A lifted restriction
/// takes none (409).
#[utoipa::path(
    operation_id = "record_restriction_exception",
    tag = "people",
    params(("id" = uuid::Uuid, Path, description = "Restriction id")),
    request_body = RecordException,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The restriction with the exception recorded", body = RestrictionDto),
        (status = 403, description = "Only the DPO records exceptions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such restriction in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The restriction is lifted", body = Problem, content_type = "application/problem+json"),
        BodyProblems,
    )
)]
#[post("/restrictions/{id}/exceptions")]
async fn record_exception(
    caller: Caller<Dpos>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: ValidJson<RecordException>,
) -> ApiResult<HttpResponse> {
    let id: Uuid = path_id("id", &id)?;
    let body = body.0;
    let now = clock::now();
    if body.note.trim().is_empty() {
        return Err(ApiError::field("note", "must not be blank"));
    }
    check_exception_until(body.until, now)?;
    let exception = Exception {
        id: clock::new_uuid(),
        ground: body.ground,
        allows: body.allows,
        note: body.note.trim().to_owned(),
        until: body.until,
        recorded_at: now,
        recorded_by: caller.actor().to_owned(),
    };
    let org_id = caller.org_id;
    let restriction = state
        .write_audited(Trail::new(&caller, now), move |conn, trail| {
            let restriction = restrictions::add_exception(conn, org_id, id, exception)?;
            trail.record(
                AuditOperation::Update,
                RecordKind::Restriction,
                restriction.id,
                Some(Party::Person(restriction.person_id)),
            );
            Ok(restriction)
        })
        .await
        .map_err(ApiError::not_found_as("restriction"))?;
    let location = format!("/api/v1/restrictions/{}", restriction.id);
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(RestrictionDto::from(restriction)))
}

/// Why the DPO lifts a restriction.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LiftRestriction {
    /// `accuracy_verified` (a restriction under Art 18(1)(a)), `claims_concluded` (18(1)(c)),
    /// `objection_upheld` or `objection_overridden` (18(1)(d)), or `withdrawn_by_person` (any).
    pub reason: LiftReason,
}

/// Lift a restriction
///
/// The DPO lifts a restriction whose ground has ended (accuracy verified, legal claims
/// concluded, an objection decided) or that the person asked to end. The notice the person is
/// given first (Art 18(3)) is recorded in the same write as the lifting, so no one sees it
/// lifted untold. A reason that does not end the restriction's ground is 422 naming `reason`; a
/// restriction lifted already is 409.
#[utoipa::path(
    operation_id = "lift_restriction",
    tag = "people",
    params(("id" = uuid::Uuid, Path, description = "Restriction id")),
    request_body = LiftRestriction,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The restriction as lifted, with the notice the person was given", body = RestrictionDto),
        (status = 403, description = "Only the DPO lifts restrictions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such restriction in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The restriction is lifted already", body = Problem, content_type = "application/problem+json"),
        BodyProblems,
    )
)]
#[post("/restrictions/{id}/lift")]
async fn lift_restriction(
    caller: Caller<Dpos>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: ValidJson<LiftRestriction>,
) -> ApiResult<web::Json<RestrictionDto>> {
    let id: Uuid = path_id("id", &id)?;
    let reason = body.0.reason;
    let now = clock::now();
    let org_id = caller.org_id;
    let by = caller.actor().to_owned();
    let lifted = state
        .write_audited(Trail::new(&caller, now), move |conn, trail| {
            let lifted = restrictions::lift_directly(
                conn,
                org_id,
                id,
                reason,
                |current| check_direct_lift(current.ground, reason),
                &by,
                now,
            )?;
            record_lifted(trail, &lifted);
            Ok(lifted.restriction)
        })
        .await
        .map_err(ApiError::not_found_as("restriction"))?;
    Ok(web::Json(RestrictionDto::from(lifted)))
}
