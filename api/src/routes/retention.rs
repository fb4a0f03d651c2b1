//! `/api/v1/retention/sweeps`: retention sweeps (Art 5(1)(e)), for the data protection officer.
//! A dry run says what a sweep would do today and changes nothing; a real run starts (or
//! resumes) the organisation's sweep in the background and answers at once; its report is read
//! as it goes and once it ends. See `crate::retention` for the sweep itself.

use std::ops::ControlFlow;

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use domain::audit::{AuditOperation, RecordKind};
use domain::ids::{PersonId, PurposeId, RetentionPolicyId};
use domain::legal_holds::Blocker;
use domain::party::Party;
use domain::register::sweep::{SweepRule, SweepStatus};
use domain::register::{Holding, RetentionAction, RetentionPeriod, RetentionTrigger};
use persistence::retention::{self as store, BlockedPerson, Sweep, SweepPolicy};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::audit::Trail;
use crate::auth::{Caller, Dpos};
use crate::clock;
use crate::http::json::ValidJson;
use crate::http::page::{PageQuery, page};
use crate::http::params::{Params, path_id};
use crate::http::problem::responses::{BodyProblems, ListProblems, PathProblems};
use crate::http::{ApiError, ApiResult, Problem};
use crate::retention::{self, Start};
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(start_sweep)
        .service(list_sweeps)
        .service(get_sweep);
}

/// A sweep to run.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartSweep {
    /// `true`: say what a sweep would do today, changing nothing. `false`: do it.
    pub dry_run: bool,
}

/// One retention policy as a sweep applies it, and what it did (or, in a dry run, would do).
#[derive(Debug, Serialize, ToSchema)]
pub struct SweepPolicyDto {
    pub policy_id: RetentionPolicyId,
    pub trigger: RetentionTrigger,
    pub period: RetentionPeriod,
    pub action: RetentionAction,
    /// The purposes the policy is the retention of.
    pub purposes: Vec<PurposeId>,
    /// What those purposes govern: what the action reaches.
    pub holdings: Vec<Holding>,
    /// People the action was taken on (erased, anonymised, or a review ticket raised).
    pub acted: i64,
    /// People due whom a legal hold or an open rights request kept it from.
    pub blocked: i64,
    /// Whether the sweep has been through everyone due under the policy.
    pub finished: bool,
}

/// A person due whom the sweep could not act on, by id only.
#[derive(Debug, Serialize, ToSchema)]
pub struct BlockedDto {
    pub person_id: PersonId,
    pub policy_id: RetentionPolicyId,
    /// The legal holds and open rights requests in the way, by id.
    pub blocked_by: Vec<Blocker>,
}

/// A sweep's report.
#[derive(Debug, Serialize, ToSchema)]
pub struct SweepReport {
    /// Null for a dry run, which is not kept.
    pub id: Option<Uuid>,
    pub dry_run: bool,
    /// `running` (or cut short, to be resumed), `completed` or `failed`.
    pub status: SweepStatus,
    /// Why it failed; what it did before stands.
    pub failure: Option<String>,
    pub started_by: Party,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// In the register's order.
    pub policies: Vec<SweepPolicyDto>,
    pub blocked: Vec<BlockedDto>,
}

impl From<&SweepPolicy> for SweepPolicyDto {
    fn from(p: &SweepPolicy) -> Self {
        SweepPolicyDto {
            policy_id: p.policy_id,
            trigger: p.trigger,
            period: p.period,
            action: p.action,
            purposes: p.purposes.clone(),
            holdings: p.holdings.clone(),
            acted: p.acted,
            blocked: p.blocked,
            finished: p.finished,
        }
    }
}

fn report(sweep: Sweep, blocked: Vec<BlockedPerson>) -> SweepReport {
    SweepReport {
        id: Some(sweep.id),
        dry_run: false,
        status: sweep.status,
        failure: sweep.failure,
        started_by: sweep.started_by,
        started_at: sweep.started_at,
        finished_at: sweep.finished_at,
        policies: sweep.policies.iter().map(SweepPolicyDto::from).collect(),
        blocked: blocked
            .into_iter()
            .map(|b| BlockedDto {
                person_id: b.person_id,
                policy_id: b.policy_id,
                blocked_by: b.blockers,
            })
            .collect(),
    }
}

fn policy_dto(rule: &SweepRule, acted: i64, blocked: i64) -> SweepPolicyDto {
    SweepPolicyDto {
        policy_id: rule.policy.id,
        trigger: rule.policy.trigger,
        period: rule.policy.period,
        action: rule.policy.action,
        purposes: rule.purposes.clone(),
        holdings: rule.holdings.clone(),
        acted,
        blocked,
        finished: true,
    }
}

/// The reads of the people a report names: each blocked person shown.
fn record_blocked_shown(trail: &mut Trail, blocked: &[BlockedDto]) {
    for b in blocked {
        trail.record(
            AuditOperation::List,
            RecordKind::Person,
            b.person_id,
            Some(Party::Person(b.person_id)),
        );
    }
}

/// Run a retention sweep
///
/// Applies each retention policy of the organisation's register to the people whose data has
/// come due under it: the period after its event (leaving, the last ticket closed, creation,
/// consent withdrawn, a request closed) has run. `erase` and `anonymise` walk the catalogue over
/// what the policy's purposes govern; `review` raises a ticket to the data protection officer,
/// once per person and policy. A person under a legal hold or with a rights request open is not
/// acted on, and is reported as blocked with what blocks them.
///
/// A dry run answers 200 with what a sweep would do today and changes nothing. A real run
/// answers 202 at once with the sweep, running in the background (its report at `Location`);
/// one cut short is resumed rather than started again. One sweep runs at a time for an
/// organisation, whichever server runs it: while another runs, 409 names it.
#[utoipa::path(
    operation_id = "start_retention_sweep",
    tag = "retention",
    request_body = StartSweep,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Dry run: what a sweep would do today", body = SweepReport),
        (status = 202, description = "The sweep, started or resumed", body = SweepReport,
            headers(("Location" = String, description = "The sweep's report"))),
        (status = 403, description = "Only the DPO runs sweeps", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another sweep of the organisation is running; the problem names it", body = Problem, content_type = "application/problem+json"),
        BodyProblems,
    )
)]
#[post("/retention/sweeps")]
async fn start_sweep(
    caller: Caller<Dpos>,
    state: web::Data<AppState>,
    body: ValidJson<StartSweep>,
) -> ApiResult<HttpResponse> {
    let org_id = caller.org_id;
    let now = clock::now();
    let db = state.db.clone();
    if body.0.dry_run {
        let found = web::block(move || {
            retention::dry_run(&db, org_id, now, &mut |_| ControlFlow::Continue(()))
        })
        .await??;
        let blocked: Vec<BlockedDto> = found
            .blocked
            .into_iter()
            .map(|(rule, person_id, blockers)| BlockedDto {
                person_id,
                policy_id: rule.policy.id,
                blocked_by: blockers,
            })
            .collect();
        let mut trail = Trail::new(&caller, now);
        record_blocked_shown(&mut trail, &blocked);
        state.record_reads(trail).await?;
        return Ok(HttpResponse::Ok().json(SweepReport {
            id: None,
            dry_run: true,
            status: SweepStatus::Completed,
            failure: None,
            started_by: caller.actor().clone(),
            started_at: now,
            finished_at: Some(clock::now()),
            policies: found
                .policies
                .iter()
                .map(|p| policy_dto(&p.rule, p.acted, p.blocked))
                .collect(),
            blocked,
        }));
    }
    let by = caller.actor().clone();
    let holder = clock::new_uuid().to_string();
    let started = {
        let db = db.clone();
        let holder = holder.clone();
        web::block(move || retention::start(&db, org_id, &by, &holder)).await??
    };
    let sweep = match started {
        Start::Running(id) => {
            return Err(ApiError::Conflict(format!(
                "a retention sweep of the organisation is running: {id}"
            )));
        }
        Start::Started(sweep) => sweep,
    };
    let id = sweep.id;
    tokio::task::spawn_blocking(move || {
        if let Err(error) =
            retention::run(&db, org_id, id, &holder, &mut |_| ControlFlow::Continue(()))
        {
            tracing::warn!(%error, sweep = %id, "a retention sweep did not complete");
        }
    });
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("/api/v1/retention/sweeps/{id}")))
        .json(report(sweep, Vec::new())))
}

page! {
    /// A page of the organisation's sweeps, newest first.
    SweepPage of SweepReport
}

impl From<Sweep> for SweepReport {
    fn from(sweep: Sweep) -> Self {
        report(sweep, Vec::new())
    }
}

/// List retention sweeps
///
/// The organisation's sweeps, newest first, each with its counts per policy; the people each
/// found blocked are in its own report.
#[utoipa::path(
    operation_id = "list_retention_sweeps",
    tag = "retention",
    params(PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of sweeps", body = SweepPage),
        (status = 403, description = "Only the DPO reads sweeps", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/retention/sweeps")]
async fn list_sweeps(
    caller: Caller<Dpos>,
    state: web::Data<AppState>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<SweepPage>> {
    let mut params = Params::default();
    let (limit, before) = page.parse::<Uuid>(&mut params);
    params.finish()?;
    let org_id = caller.org_id;
    let (sweeps, more) = state
        .read(move |conn| store::list(conn, org_id, i64::from(limit.get()), before))
        .await?;
    Ok(web::Json(SweepPage::of(sweeps, more, |s| s.id)))
}

/// Get a retention sweep's report
///
/// Where the sweep stands, what it did per policy, and every person it found blocked (by id),
/// with what blocks them. Another organisation's sweep is 404.
#[utoipa::path(
    operation_id = "get_retention_sweep",
    tag = "retention",
    params(("id" = uuid::Uuid, Path, description = "Sweep id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The sweep's report", body = SweepReport),
        (status = 403, description = "Only the DPO reads sweeps", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such sweep in the organisation", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[get("/retention/sweeps/{id}")]
async fn get_sweep(
    caller: Caller<Dpos>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<SweepReport>> {
    let id: Uuid = path_id("id", &id)?;
    let org_id = caller.org_id;
    let (sweep, blocked) = state
        .read(move |conn| {
            let sweep = store::get(conn, org_id, id)?;
            let blocked = store::blocked(conn, id)?;
            Ok((sweep, blocked))
        })
        .await
        .map_err(ApiError::not_found_as("retention sweep"))?;
    let report = report(sweep, blocked);
    let mut trail = Trail::new(&caller, clock::now());
    record_blocked_shown(&mut trail, &report.blocked);
    state.record_reads(trail).await?;
    Ok(web::Json(report))
}
