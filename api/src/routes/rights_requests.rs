//! `/api/v1/rights-requests`: requests to exercise a right (UK GDPR Chapter III, Art 7(3), DPA
//! 2018 s.164A), with the statutory clock the domain computes (Art 12(3) due date, s.164A
//! acknowledgement of a complaint).
//!
//! The person makes one for themselves; the DPO logs one received by letter, phone or email,
//! with the day it was received, for any of the organisation's people, and keeps the work queue.
//! Every write and read is audited. The nation whose bank holidays count is the request's, or
//! England and Wales: the register records no nation for an organisation yet.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::audit::{AuditOperation, RecordKind};
use domain::ids::{PersonId, RightsRequestId};
use domain::party::Party;
use domain::register::rights::Right;
use domain::rights_requests::{BankHolidays, Channel, Nation, Progress, RequestStatus, uk_date};
use domain::role::Role;
use persistence::StoreError;
use persistence::people;
use persistence::rights_requests::{self, RightsRequest};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::audit::Trail;
use crate::auth::{Caller, Dpos, RightsRequesters};
use crate::clock;
use crate::http::json::ValidJson;
use crate::http::page::{PageQuery, next_cursor};
use crate::http::params::{Params, path_id};
use crate::http::problem::responses::{BodyProblems, ListProblems, PathProblems};
use crate::http::{ApiError, ApiResult, FieldError, Problem};
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(make_rights_request)
        .service(list_rights_requests)
        .service(get_rights_request);
}

// ---------------------------------------------------------------------------------------------
// Bodies

/// A request to exercise a right, with its statutory dates.
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
    /// Art 12(3): the day by which the organisation responds.
    pub due_on: NaiveDate,
    /// DPA 2018 s.164A: for a complaint, the day by which its receipt is acknowledged; null
    /// otherwise.
    pub acknowledge_by: Option<NaiveDate>,
    pub status: RequestStatus,
    /// Who logged it: the person themselves, or the DPO.
    pub logged_by: Party,
    pub logged_at: DateTime<Utc>,
}

impl From<RightsRequest> for RightsRequestDto {
    fn from(r: RightsRequest) -> Self {
        RightsRequestDto {
            id: r.id,
            person_id: r.person_id,
            right: r.right,
            channel: r.channel,
            nation: r.nation,
            received_at: r.received_at,
            due_on: r.due_on,
            acknowledge_by: r.acknowledge_by,
            status: r.status,
            logged_by: r.logged_by,
            logged_at: r.logged_at,
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
    /// Default: the organisation's, England and Wales where its details record none.
    pub nation: Option<Nation>,
}

/// The DPO's work queue: open requests by due date, then id, with how many are overdue and
/// due within the week (today and the six days after, in the UK) across the whole queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct RightsRequestQueue {
    pub items: Vec<RightsRequestDto>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// Requests whose due date has passed.
    pub overdue: i64,
    /// Requests due today or in the six days after.
    pub due_this_week: i64,
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
/// `received_at` (now or in the past). The answer gives the Art 12(3) `due_on` (the
/// corresponding date next month, or its last day, moved past weekends and the nation's bank
/// holidays) and, for a complaint, the DPA 2018 s.164A `acknowledge_by` (30 days on).
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
    let nation = body.nation.unwrap_or_default();
    let deadlines = Progress::received(body.right, nation, uk_date(received_at))
        .deadlines(&BankHolidays::default());
    let request = RightsRequest {
        id: RightsRequestId::from_uuid(clock::new_uuid()),
        org_id: caller.org_id,
        person_id,
        right: body.right,
        channel,
        nation,
        received_at,
        due_on: deadlines.due_on,
        acknowledge_by: deadlines.acknowledge_by,
        status: RequestStatus::Open,
        logged_by: caller.actor().to_owned(),
        logged_at: now,
    };
    let stored = state
        .write_audited(Trail::new(&caller, now), move |conn, trail| {
            people::ensure_known(conn, request.org_id, request.person_id, "person_id")?;
            rights_requests::insert(conn, &request)?;
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
/// The organisation's open requests, by due date then id, with how many are `overdue` and
/// `due_this_week` (due today or in the six days after) across the whole queue, counted on
/// today's date in the UK. For the DPO.
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

/// Get a rights request
///
/// One request: the person it is about reads their own, the DPO any of the organisation's.
/// Anyone else's, or another organisation's, is 404.
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
    let org_id = caller.org_id;
    let dpo = caller.has(Role::Dpo);
    let own = caller.person();
    let request = state
        .read(move |conn| {
            let request = rights_requests::get(conn, org_id, id)?;
            if !dpo && own != Some(request.person_id) {
                return Err(StoreError::NotFound);
            }
            Ok(request)
        })
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
