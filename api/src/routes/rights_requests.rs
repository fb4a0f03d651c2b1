//! `/api/v1/rights-requests`: requests to exercise a right (UK GDPR Chapter III, Art 7(3), DPA
//! 2018 s.164A), with the statutory clock the domain computes (Art 12(3) due date and its
//! extension, s.164A acknowledgement of a complaint) and the steps that move it.
//!
//! The person makes one for themselves; the DPO logs one received by letter, phone or email,
//! with the day it was received, for any of the organisation's people, and keeps the work queue.
//! The DPO records each step after that: identity or clarification asked for and received, an
//! extension, a complaint's acknowledgement, the outcome. Each step is a row of its own, taken
//! in one transaction with its audit event; the request shows them all. The nation whose bank
//! holidays count is the request's, or the organisation's (its details say which).

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::audit::{AuditOperation, RecordKind};
use domain::ids::{PersonId, PurposeId, RightsRequestId};
use domain::party::Party;
use domain::register::rights::{RestrictionGround, Right};
use domain::restriction::{Asked, check_asked};
use domain::rights_requests::outcome::MAX_REASONS;
use domain::rights_requests::{
    Awaiting, Channel, Nation, Outcome, OutcomeKind, Progress, RefusalGround, RequestStatus, Step,
    StepKind, uk_date,
};
use domain::role::Role;
use persistence::StoreError;
use persistence::people;
use persistence::rights_requests::{self, RecordedStep, RightsRequest, StepRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoResponses, ToSchema};
use validator::Validate;

use crate::audit::Trail;
use crate::auth::{Caller, Dpos, Principal, RightsRequesters};
use crate::clock;
use crate::http::json::ValidJson;
use crate::http::page::{PageQuery, next_cursor};
use crate::http::params::{Params, path_id};
use crate::http::problem::responses::{BodyProblems, ListProblems, PathProblems};
use crate::http::{ApiError, ApiResult, FieldError, Problem};
use crate::routes::{erasure, restrictions};
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(make_rights_request)
        .service(list_rights_requests)
        .service(get_rights_request)
        .service(record_identity)
        .service(record_clarification)
        .service(record_fee)
        .service(extend_rights_request)
        .service(acknowledge_complaint)
        .service(record_outcome);
}

// ---------------------------------------------------------------------------------------------
// Bodies

/// A request to exercise a right, with its statutory dates and every step taken on it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RightsRequestDto {
    pub id: RightsRequestId,
    /// The person the request is about.
    pub person_id: PersonId,
    pub right: Right,
    /// How the request reached the organisation.
    pub channel: Channel,
    /// The nation whose bank holidays count against the deadline.
    pub nation: Nation,
    pub received_at: DateTime<Utc>,
    /// Art 12A: the day the clock runs from, the latest of the day received, identity
    /// confirmed, clarification received and fee paid (UK dates).
    pub relevant_time: NaiveDate,
    /// Art 12(6): the day identity information asked for arrived; null if none was.
    pub identity_confirmed_on: Option<NaiveDate>,
    /// Art 12A: the day clarification asked for arrived; null if none was.
    pub clarification_received_on: Option<NaiveDate>,
    /// Art 12(5), 15(3): the day the fee asked for was paid, once it was.
    pub fee_paid_on: Option<NaiveDate>,
    /// Art 12(3): the day by which the organisation responds, one month from the relevant time.
    pub due_on: NaiveDate,
    /// Art 12(3): the day by which it responds once the time is extended; null unless it is.
    pub extended_due_on: Option<NaiveDate>,
    /// DPA 2018 s.164A: for a complaint, the day by which its receipt is acknowledged; null
    /// otherwise.
    pub acknowledge_by: Option<NaiveDate>,
    /// DPA 2018 s.164A: the day a complaint's receipt was acknowledged.
    pub acknowledged_on: Option<NaiveDate>,
    /// `open`; `paused` while waiting for information asked of the person (`awaiting` says
    /// which); `closed` once its outcome is given.
    pub status: RequestStatus,
    /// What a paused request waits for.
    pub awaiting: Vec<Awaiting>,
    /// Art 12(3): the latest notice of an extension, as the person was told it.
    pub extension_notice: Option<String>,
    /// The answer, once given.
    pub outcome: Option<OutcomeDto>,
    /// Who logged it: the person themselves, or the DPO.
    pub logged_by: Party,
    pub logged_at: DateTime<Utc>,
    /// Every step taken on it, oldest first.
    pub steps: Vec<StepDto>,
}

/// How a request was answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeDto {
    pub outcome: OutcomeKind,
    /// For a refusal in whole or in part: the ground relied on.
    pub ground: Option<RefusalGround>,
    /// The ground's provision, such as `Art 17(3)(b)`.
    pub ground_citation: Option<String>,
    pub reasons: Option<String>,
    /// Art 12(4): for a refusal in whole or in part, what the person was told: the reasons,
    /// the ground, and their right to complain to the Information Commissioner and to seek a
    /// judicial remedy.
    pub response: Option<String>,
    /// When the answer was given.
    pub decided_at: DateTime<Utc>,
}

/// A step taken on a request.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepDto {
    pub kind: StepKind,
    /// When it happened: information asked for or received, the notice or answer sent.
    pub at: DateTime<Utc>,
    /// For an extension: the further months.
    pub months: Option<u8>,
    /// For the outcome.
    pub outcome: Option<OutcomeKind>,
    pub ground: Option<RefusalGround>,
    /// For an extension or a refusal: the reasons given.
    pub reasons: Option<String>,
    /// What the person was told at this step, as generated: an extension notice, the response
    /// to a refusal.
    pub letter: Option<String>,
    /// Who recorded it.
    pub by: Party,
    pub recorded_at: DateTime<Utc>,
}

impl From<&RecordedStep> for StepDto {
    fn from(recorded: &RecordedStep) -> Self {
        let (months, outcome, ground, reasons) = match &recorded.step {
            Step::Extended { months, reasons } => (Some(*months), None, None, Some(reasons)),
            Step::Closed(o) => (None, Some(o.kind), o.ground, o.reasons.as_ref()),
            Step::Asked(_) | Step::Answered(_) | Step::Acknowledged => (None, None, None, None),
        };
        StepDto {
            kind: recorded.step.kind(),
            at: recorded.occurred_at,
            months,
            outcome,
            ground,
            reasons: reasons.cloned(),
            letter: recorded.letter.clone(),
            by: recorded.by.clone(),
            recorded_at: recorded.recorded_at,
        }
    }
}

impl From<RightsRequest> for RightsRequestDto {
    fn from(r: RightsRequest) -> Self {
        let progress: Progress = r.progress();
        let extension_notice = r
            .steps
            .iter()
            .rev()
            .find(|s| s.step.kind() == StepKind::Extended)
            .and_then(|s| s.letter.clone());
        let outcome = r.steps.iter().find_map(|s| match &s.step {
            Step::Closed(o) => Some(OutcomeDto {
                outcome: o.kind,
                ground: o.ground,
                ground_citation: o.ground.map(|g| g.citation().to_owned()),
                reasons: o.reasons.clone(),
                response: s.letter.clone(),
                decided_at: s.occurred_at,
            }),
            _ => None,
        });
        RightsRequestDto {
            id: r.id,
            person_id: r.person_id,
            right: r.right,
            channel: r.channel,
            nation: r.nation,
            received_at: r.received_at,
            relevant_time: progress.relevant.starts_on(),
            identity_confirmed_on: progress.relevant.identity_confirmed_on,
            clarification_received_on: progress.relevant.clarification_received_on,
            fee_paid_on: progress.relevant.fee_paid_on,
            due_on: r.due_on,
            extended_due_on: r.extended_due_on,
            acknowledge_by: r.acknowledge_by,
            acknowledged_on: progress.acknowledged_on,
            status: r.status,
            awaiting: progress.waiting_for(),
            extension_notice,
            outcome,
            logged_by: r.logged_by,
            logged_at: r.logged_at,
            steps: r.steps.iter().map(StepDto::from).collect(),
        }
    }
}

/// A request to make or log. A requester makes one for themselves and sends only `right` (and
/// perhaps `nation`); the DPO logs one received by letter, phone or email, naming the person,
/// the channel and when it was received.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MakeRightsRequest {
    pub right: Right,
    /// A person of the caller's organisation; for a requester, only themselves (the default).
    pub person_id: Option<PersonId>,
    /// How it was received; the DPO's to say (a requester's is `self_service`).
    pub channel: Option<Channel>,
    /// When it was received: now or in the past, never the future. The DPO's to say (default
    /// now); a requester's is now.
    pub received_at: Option<DateTime<Utc>>,
    /// Default: the organisation's (its details' `nation`, England and Wales unless they say
    /// otherwise).
    pub nation: Option<Nation>,
    /// A request for restriction only, and required for one: its Art 18(1) ground, `a`
    /// (accuracy contested), `b` (unlawful, erasure opposed) or `c` (needed for legal claims);
    /// an objection places `d` itself.
    pub restriction_ground: Option<RestrictionGround>,
    /// A request for restriction only: the purposes to restrict, each holding the person's
    /// data; left out, every purpose holding it.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_items = 1, max_items = 100)]
    pub purpose_ids: Option<Vec<PurposeId>>,
}

/// The DPO's work queue: requests still to be answered (open or paused) by the day each must
/// be answered by (the extended date where there is one), then id, with how many are overdue
/// and due within the week (today and the six days after, in the UK) across the whole queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct RightsRequestQueue {
    pub items: Vec<RightsRequestDto>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// Requests whose date has passed.
    pub overdue: i64,
    /// Requests due today or in the six days after.
    pub due_this_week: i64,
}

/// Information the organisation asks of the person, or its arrival: send `requested_at` when
/// asking, `received_at` when the answer comes; one of the two. Each is now or in the past, and
/// not before the request was received.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InformationStep {
    /// When the person was asked: the request waits (`paused`) from then.
    pub requested_at: Option<DateTime<Utc>>,
    /// When what was asked for arrived (no earlier than it was asked): the relevant time moves
    /// to that day, and `due_on` with it.
    pub received_at: Option<DateTime<Utc>>,
}

/// An extension of the time to respond (Art 12(3)), notified to the person with its reasons
/// before the first deadline.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionInput {
    /// Further months: at most two in all.
    #[validate(range(min = 1, max = 2))]
    #[schema(minimum = 1, maximum = 2)]
    pub months: u8,
    /// Why: the complexity or number of the person's requests. The notice to the person gives
    /// them as written.
    #[validate(length(max = 4000))]
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub reasons: String,
}

/// A complaint's acknowledgement (DPA 2018 s.164A).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgementInput {
    /// When the acknowledgement was sent: now (the default) or in the past, not before the
    /// complaint was received.
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// The answer to a request, which closes it.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeInput {
    pub outcome: OutcomeKind,
    /// For `partly_fulfilled` and `refused`: a ground that applies to the request's right
    /// (none for a complaint, and none for `fulfilled`).
    pub ground: Option<RefusalGround>,
    /// For `partly_fulfilled` and `refused`, required: the reasons, which the response to the
    /// person gives (Art 12(4)).
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub reasons: Option<String>,
    /// When the answer was sent: now (the default) or in the past, not before the request was
    /// received.
    pub decided_at: Option<DateTime<Utc>>,
}

// ---------------------------------------------------------------------------------------------
// Handlers

fn fault(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    }
}

fn no_person() -> ApiError {
    ApiError::field(
        "person",
        "the caller has no person record in this organisation",
    )
}

/// Make or log a rights request
///
/// A requester makes a request for themselves (the caller must have a person record in the
/// organisation: otherwise 422 naming `person`); it is received now, by `self_service`. The DPO
/// logs one for any of the organisation's people (`person_id`), received by `channel` at
/// `received_at` (now or in the past). The nation is the request's or the organisation's. The
/// answer gives the Art 12(3) `due_on` (the corresponding date next month, or its last day,
/// moved past weekends and the nation's bank holidays) and, for a complaint, the DPA 2018
/// s.164A `acknowledge_by` (30 days on).
#[utoipa::path(
    operation_id = "make_rights_request",
    tag = "rights-requests",
    request_body = MakeRightsRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Request recorded", body = RightsRequestDto,
            headers(("Location" = String))),
        (status = 403, description = "Only the person themselves and the DPO", body = Problem, content_type = "application/problem+json"),
        BodyProblems,
    )
)]
#[post("/rights-requests")]
async fn make_rights_request(
    caller: Caller<RightsRequesters>,
    state: web::Data<AppState>,
    body: ValidJson<MakeRightsRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let now = clock::now();
    let dpo = caller.has(Role::Dpo);
    let own = caller.person();
    let mut faults = Vec::new();
    let (person_id, channel, received_at) = if dpo {
        let channel = body.channel.unwrap_or_else(|| {
            faults.push(fault("channel", "how the request was received is required"));
            Channel::SelfService
        });
        let received_at = body.received_at.unwrap_or(now);
        if received_at > now {
            faults.push(fault("received_at", "must be now or in the past"));
        }
        (body.person_id.or(own), channel, received_at)
    } else {
        if body.channel.is_some() {
            faults.push(fault(
                "channel",
                "only the DPO logs a request received by another channel",
            ));
        }
        if body.received_at.is_some() {
            faults.push(fault(
                "received_at",
                "only the DPO logs a request received earlier",
            ));
        }
        let Some(own) = own else {
            return Err(no_person());
        };
        if body.person_id.is_some_and(|p| p != own) {
            faults.push(fault(
                "person_id",
                "a requester makes requests for themselves only",
            ));
        }
        (Some(own), Channel::SelfService, now)
    };
    let Some(person_id) = person_id else {
        faults.push(fault("person_id", "the person is required"));
        return Err(ApiError::fields(faults));
    };
    if !faults.is_empty() {
        return Err(ApiError::fields(faults));
    }
    let asked = match (body.restriction_ground, body.purpose_ids) {
        (Some(ground), purposes) => Some(Asked { ground, purposes }),
        (None, Some(_)) if body.right == Right::Restriction => None,
        (None, Some(_)) => {
            return Err(ApiError::field(
                "purpose_ids",
                "only a request for restriction names purposes",
            ));
        }
        (None, None) => None,
    };
    check_asked(body.right, asked.as_ref())?;
    let org_id = caller.org_id;
    let right = body.right;
    let named_nation = body.nation;
    let logged_by = caller.actor().to_owned();
    let holidays = state.holidays.clone();
    let stored = state
        .write_audited(Trail::new(&caller, now), move |conn, trail| {
            people::ensure_known(conn, org_id, person_id, "person_id")?;
            let nation = match named_nation {
                Some(nation) => nation,
                None => rights_requests::organisation_nation(conn, org_id)?,
            };
            let deadlines =
                Progress::received(right, nation, uk_date(received_at)).deadlines(&holidays);
            let request = RightsRequest {
                id: RightsRequestId::from_uuid(clock::new_uuid()),
                org_id,
                person_id,
                right,
                channel,
                nation,
                received_at,
                due_on: deadlines.due_on,
                extended_due_on: deadlines.extended_due_on,
                acknowledge_by: deadlines.acknowledge_by,
                status: RequestStatus::Open,
                logged_by,
                logged_at: now,
                steps: Vec::new(),
            };
            rights_requests::insert(conn, &request)?;
            restrictions::on_request_made(conn, trail, &request, asked.as_ref())?;
            trail.record(
                AuditOperation::Create,
                RecordKind::RightsRequest,
                request.id,
                Some(Party::Person(request.person_id)),
            );
            Ok(request)
        })
        .await?;
    let location = format!("/api/v1/rights-requests/{}", stored.id);
    let mut response = HttpResponse::Created().json(RightsRequestDto::from(stored));
    if let Ok(value) = header::HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// The rights request queue
///
/// The organisation's requests still to be answered (open or paused; closed ones leave it), by
/// the day each must be answered by (the extended date where there is one) then id, with how
/// many are `overdue` and `due_this_week` (due today or in the six days after) across the whole
/// queue, counted on today's date in the UK. For the DPO.
#[utoipa::path(
    operation_id = "list_rights_requests",
    tag = "rights-requests",
    params(PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the queue", body = RightsRequestQueue),
        (status = 403, description = "Only the DPO reads the queue", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/rights-requests")]
async fn list_rights_requests(
    caller: Caller<Dpos>,
    state: web::Data<AppState>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<RightsRequestQueue>> {
    let mut params = Params::default();
    let (limit, after) = page.parse::<RightsRequestId>(&mut params);
    params.finish()?;
    let now = clock::now();
    let today = uk_date(now);
    let org_id = caller.org_id;
    let ((items, more), (overdue, due_this_week)) = state
        .read(move |conn| {
            let page = rights_requests::queue(conn, org_id, limit, after)?;
            let counts = rights_requests::counts(conn, org_id, today, today + Duration::days(7))?;
            Ok((page, counts))
        })
        .await?;
    let mut trail = Trail::new(&caller, now);
    for request in &items {
        let about = Some(Party::Person(request.person_id));
        trail.record(
            AuditOperation::List,
            RecordKind::RightsRequest,
            request.id,
            about,
        );
    }
    state.record_reads(trail).await?;
    let next_cursor = next_cursor(&items, more, |r| r.id.as_uuid());
    Ok(web::Json(RightsRequestQueue {
        items: items.into_iter().map(RightsRequestDto::from).collect(),
        next_cursor,
        overdue,
        due_this_week,
    }))
}

/// Who may read a rights request: the DPO any of the organisation's, anyone else only a
/// request about themselves; any other is none (404).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestReader {
    org_id: domain::ids::OrgId,
    dpo: bool,
    own: Option<PersonId>,
}

impl RequestReader {
    pub(crate) fn of(caller: &Principal) -> RequestReader {
        RequestReader {
            org_id: caller.org_id,
            dpo: caller.has(Role::Dpo),
            own: caller.person(),
        }
    }

    /// The request `id`, when this reader may read it.
    pub(crate) fn get(
        self,
        conn: &mut persistence::AnyConnection,
        id: RightsRequestId,
    ) -> Result<RightsRequest, StoreError> {
        let request = rights_requests::get(conn, self.org_id, id)?;
        if !self.dpo && self.own != Some(request.person_id) {
            return Err(StoreError::NotFound);
        }
        Ok(request)
    }
}

/// Get a rights request
///
/// One request with every step taken on it: the person it is about reads their own, the DPO
/// any of the organisation's. Anyone else's, or another organisation's, is 404.
#[utoipa::path(
    operation_id = "get_rights_request",
    tag = "rights-requests",
    params(("id" = uuid::Uuid, Path, description = "Rights request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The request", body = RightsRequestDto),
        (status = 403, description = "Only the person themselves and the DPO", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request the caller may read", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[get("/rights-requests/{id}")]
async fn get_rights_request(
    caller: Caller<RightsRequesters>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<RightsRequestDto>> {
    let id: RightsRequestId = path_id("id", &id)?;
    let reader = RequestReader::of(&caller);
    let request = state
        .read(move |conn| reader.get(conn, id))
        .await
        .map_err(ApiError::not_found_as("rights request"))?;
    let trail = Trail::single(
        &caller,
        clock::now(),
        AuditOperation::Read,
        RecordKind::RightsRequest,
        request.id,
        Some(Party::Person(request.person_id)),
    );
    state.record_reads(trail).await?;
    Ok(web::Json(RightsRequestDto::from(request)))
}

/// What every step on a request may answer besides its body's problems.
#[derive(IntoResponses)]
#[expect(
    dead_code,
    reason = "a contract description only; ApiError builds the actual answers"
)]
enum StepProblems {
    /// Only the DPO records the steps of a request
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// No such request of the organisation
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// The step is not allowed where the request stands; the problem names the rule
    #[response(status = 409, content_type = "application/problem+json")]
    OutOfTurn(Problem),
}

/// When a step happened (now unless the body says), and the body field that said so.
struct When {
    at: Option<DateTime<Utc>>,
    field: &'static str,
}

/// Takes `step` on the request `id` for the DPO, in one transaction with its audit event (an
/// update of the request, about its person), and answers the request as it then stands.
async fn take_step(
    caller: &Principal,
    state: &AppState,
    id: &str,
    step: Step,
    when: When,
) -> ApiResult<web::Json<RightsRequestDto>> {
    let id: RightsRequestId = path_id("id", id)?;
    let now = clock::now();
    let org_id = caller.org_id;
    let record = StepRecord {
        id: clock::new_uuid(),
        occurred_at: when.at.unwrap_or(now),
        field: when.field,
        by: caller.actor().to_owned(),
        recorded_at: now,
    };
    let holidays = state.holidays.clone();
    let request = state
        .write_audited(Trail::new(caller, now), move |conn, trail| {
            let request = rights_requests::take_step(conn, org_id, id, &step, &record, &holidays)?;
            trail.record(
                AuditOperation::Update,
                RecordKind::RightsRequest,
                request.id,
                Some(Party::Person(request.person_id)),
            );
            if let Step::Closed(outcome) = &step {
                restrictions::on_request_closed(conn, trail, &request, outcome.kind, &record)?;
                erasure::on_request_closed(conn, trail, &request, outcome.kind, &record)?;
            }
            Ok(request)
        })
        .await
        .map_err(ApiError::not_found_as("rights request"))?;
    Ok(web::Json(RightsRequestDto::from(request)))
}

/// The step an information body records: the question (`requested_at`) or its answer
/// (`received_at`), exactly one.
fn information_step(what: Awaiting, body: &InformationStep) -> ApiResult<(Step, When)> {
    let when = |at, field| When {
        at: Some(at),
        field,
    };
    match (body.requested_at, body.received_at) {
        (Some(at), None) => Ok((Step::Asked(what), when(at, "requested_at"))),
        (None, Some(at)) => Ok((Step::Answered(what), when(at, "received_at"))),
        _ => Err(ApiError::fields(vec![
            fault(
                "requested_at",
                "send requested_at when asking, or received_at when the answer came: one",
            ),
            fault(
                "received_at",
                "send requested_at when asking, or received_at when the answer came: one",
            ),
        ])),
    }
}

/// Record identity asked for or received
///
/// Art 12(6): the DPO records that the person was asked to confirm who they are
/// (`requested_at`): the request is `paused`, awaiting `identity`. Then that the information
/// arrived (`received_at`, no earlier than it was asked): the request is open again, and the
/// relevant time moves to that day (Art 12A) with `due_on`. Each moment is now or in the past
/// and not before the request was received (422 naming the field). Asking again while waiting,
/// an answer to a question never asked, or any step on a closed request is 409 naming the rule.
#[utoipa::path(
    operation_id = "record_rights_request_identity",
    tag = "rights-requests",
    params(("id" = uuid::Uuid, Path, description = "Rights request id")),
    request_body = InformationStep,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The request as it now stands", body = RightsRequestDto),
        StepProblems,
        BodyProblems,
    )
)]
#[post("/rights-requests/{id}/identity")]
async fn record_identity(
    caller: Caller<Dpos>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: ValidJson<InformationStep>,
) -> ApiResult<web::Json<RightsRequestDto>> {
    let (step, at) = information_step(Awaiting::Identity, &body.0)?;
    take_step(&caller, &state, &id, step, at).await
}

/// Record clarification asked for or received
///
/// Art 12A: the DPO records that the person was asked to clarify their request
/// (`requested_at`): the request is `paused`, awaiting `clarification`, and its clock with it.
/// Then that the clarification arrived (`received_at`): the request is open again, and the
/// relevant time moves to that day with `due_on`. Dates and refusals as for identity.
#[utoipa::path(
    operation_id = "record_rights_request_clarification",
    tag = "rights-requests",
    params(("id" = uuid::Uuid, Path, description = "Rights request id")),
    request_body = InformationStep,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The request as it now stands", body = RightsRequestDto),
        StepProblems,
        BodyProblems,
    )
)]
#[post("/rights-requests/{id}/clarification")]
async fn record_clarification(
    caller: Caller<Dpos>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: ValidJson<InformationStep>,
) -> ApiResult<web::Json<RightsRequestDto>> {
    let (step, at) = information_step(Awaiting::Clarification, &body.0)?;
    take_step(&caller, &state, &id, step, at).await
}

/// Record a fee asked for or paid
///
/// Art 12(5), 15(3): the DPO records that the person was asked for a reasonable fee
/// (`requested_at`), for a manifestly unfounded or excessive request answered all the same or
/// for further copies: the request is `paused`, awaiting `fee`. Then that it was paid
/// (`received_at`): the request is open again, and the relevant time moves to that day (Art
/// 12A) with `due_on`. Only requests under Art 15 to 22 (409 otherwise); dates and refusals as
/// for identity.
#[utoipa::path(
    operation_id = "record_rights_request_fee",
    tag = "rights-requests",
    params(("id" = uuid::Uuid, Path, description = "Rights request id")),
    request_body = InformationStep,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The request as it now stands", body = RightsRequestDto),
        StepProblems,
        BodyProblems,
    )
)]
#[post("/rights-requests/{id}/fee")]
async fn record_fee(
    caller: Caller<Dpos>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: ValidJson<InformationStep>,
) -> ApiResult<web::Json<RightsRequestDto>> {
    let (step, at) = information_step(Awaiting::Fee, &body.0)?;
    take_step(&caller, &state, &id, step, at).await
}

/// Extend the time to respond
///
/// Art 12(3): the DPO extends the time to respond by `months` further months (at most two in
/// all), giving the `reasons`, before the first deadline. The answer shows `extended_due_on`
/// and the `extension_notice` to the person, which gives the new date and the reasons. After
/// the first deadline, past two months in all, for a complaint or on a closed request: 409
/// naming the rule (and the deadline). Blank `reasons` are 422.
#[utoipa::path(
    operation_id = "extend_rights_request",
    tag = "rights-requests",
    params(("id" = uuid::Uuid, Path, description = "Rights request id")),
    request_body = ExtensionInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The request, extended", body = RightsRequestDto),
        StepProblems,
        BodyProblems,
    )
)]
#[post("/rights-requests/{id}/extension")]
async fn extend_rights_request(
    caller: Caller<Dpos>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: ValidJson<ExtensionInput>,
) -> ApiResult<web::Json<RightsRequestDto>> {
    let ExtensionInput { months, reasons } = body.0;
    let step = Step::Extended { months, reasons };
    // The notice goes now: it is the day checked against the first deadline.
    let when = When {
        at: None,
        field: "months",
    };
    take_step(&caller, &state, &id, step, when).await
}

/// Acknowledge a complaint
///
/// DPA 2018 s.164A: the DPO records that a complaint's receipt was acknowledged
/// (`acknowledged_at`, default now; due by `acknowledge_by`). Only complaints, only once, and
/// before their outcome: otherwise 409 naming the rule.
#[utoipa::path(
    operation_id = "acknowledge_rights_request",
    tag = "rights-requests",
    params(("id" = uuid::Uuid, Path, description = "Rights request id")),
    request_body = AcknowledgementInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The complaint, acknowledged", body = RightsRequestDto),
        StepProblems,
        BodyProblems,
    )
)]
#[post("/rights-requests/{id}/acknowledgement")]
async fn acknowledge_complaint(
    caller: Caller<Dpos>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: ValidJson<AcknowledgementInput>,
) -> ApiResult<web::Json<RightsRequestDto>> {
    let when = When {
        at: body.0.acknowledged_at,
        field: "acknowledged_at",
    };
    take_step(&caller, &state, &id, Step::Acknowledged, when).await
}

/// Give a request its outcome
///
/// The DPO records the answer: `fulfilled`, `partly_fulfilled` or `refused`. A refusal, in
/// whole or in part, gives its `reasons` and a `ground` that applies to the request's right
/// (Art 17(3) for erasure; Art 11(2), 12(2) and 12(5) for requests under Art 15 to 22; the DPA
/// 2018 Sch 2 paragraphs within their reach; none for a complaint, whose answer is its
/// reasons); a withdrawal of consent is never refused. For a refusal in whole or in part the
/// answer keeps the Art 12(4) `response` to the person: the reasons, the ground, their right to
/// complain to the Information Commissioner and to seek a judicial remedy. The outcome closes
/// the request: it leaves the queue and takes no further step (409). A complaint's outcome
/// comes after its acknowledgement (409 before).
#[utoipa::path(
    operation_id = "record_rights_request_outcome",
    tag = "rights-requests",
    params(("id" = uuid::Uuid, Path, description = "Rights request id")),
    request_body = OutcomeInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The request, closed", body = RightsRequestDto),
        StepProblems,
        BodyProblems,
    )
)]
#[post("/rights-requests/{id}/outcome")]
async fn record_outcome(
    caller: Caller<Dpos>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: ValidJson<OutcomeInput>,
) -> ApiResult<web::Json<RightsRequestDto>> {
    let OutcomeInput {
        outcome,
        ground,
        reasons,
        decided_at,
    } = body.0;
    let step = Step::Closed(Outcome {
        kind: outcome,
        ground,
        reasons: reasons.filter(|r| !r.trim().is_empty()),
    });
    let when = When {
        at: decided_at,
        field: "decided_at",
    };
    take_step(&caller, &state, &id, step, when).await
}

/// Reasons are the domain's to bound; the contract states the same bound.
const _: () = assert!(MAX_REASONS == 4000);
