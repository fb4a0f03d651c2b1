//! Erasure answering a request (Art 17): carried out in the transaction that records the
//! request's outcome ([`on_request_closed`]), and read back at
//! `/api/v1/rights-requests/{id}/erasure`: what was deleted, anonymised and kept, table by table,
//! and why anything was kept (Art 17(3), 12(4)).

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use domain::audit::{AuditOperation, RecordKind};
use domain::erasure::{RequestErasure, clear_to_erase, for_request};
use domain::ids::{PersonId, RightsRequestId};
use domain::party::Party;
use domain::register::rights::Right;
use domain::rights_requests::OutcomeKind;
use persistence::erasure::{self, Cause, Erased, Scope};
use persistence::rights_requests::{RightsRequest, StepRecord};
use persistence::{AnyConnection, StoreError, catalogue, legal_holds, people};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::Trail;
use crate::auth::{Caller, RightsRequesters};
use crate::clock;
use crate::http::params::path_id;
use crate::http::problem::responses::PathProblems;
use crate::http::{ApiError, ApiResult, Problem};
use crate::routes::recipient_notices::record_sent;
use crate::routes::rights_requests::RequestReader;
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config.service(get_request_erasure);
}

/// Art 17(1): an erasure request fulfilled, in whole or in part, erases the person's data in
/// the transaction that records the outcome, as far as [`for_request`] says, once nothing
/// blocks it ([`clear_to_erase`]: a legal hold, another request still being answered); nothing
/// for a request of another right, or one refused. Audited as one erasure of the person, with the
/// notices sent to the recipients of their data (Art 19).
pub(crate) fn on_request_closed(
    conn: &mut AnyConnection,
    trail: &mut Trail,
    request: &RightsRequest,
    outcome: OutcomeKind,
    step: &StepRecord,
) -> Result<(), StoreError> {
    if request.right != Right::Erasure {
        return Ok(());
    }
    let person = people::get(conn, request.org_id, request.person_id)?.person;
    let processing = catalogue::processing_of(conn, request.org_id, &person)?;
    let (scope, refused) = match for_request(&processing, outcome)? {
        RequestErasure::Nothing => return Ok(()),
        RequestErasure::Erase { scope, refused } => (scope, refused),
    };
    let blockers = legal_holds::blockers_for_person(
        conn,
        request.org_id,
        request.person_id,
        Some(request.id),
    )?;
    clear_to_erase(&blockers)?;
    let erased = erasure::erase_person(
        conn,
        request.org_id,
        request.person_id,
        &scope,
        refused,
        Cause::Request(request.id),
        &step.by,
        step.recorded_at,
    )?;
    trail.record(
        AuditOperation::Erase,
        RecordKind::Person,
        request.person_id,
        Some(Party::Person(request.person_id)),
    );
    record_sent(trail, &erased.notices);
    Ok(())
}

/// One erasure, as the ledger records it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErasureDto {
    pub id: Uuid,
    #[schema(value_type = uuid::Uuid)]
    pub person_id: PersonId,
    /// Everything, or the holdings erased (`null` for everything).
    pub holdings: Option<Vec<domain::register::Holding>>,
    /// Per table: rows deleted, anonymised and kept; and the holdings kept because a purpose
    /// still needs them (Art 17(3)).
    pub report: domain::erasure::Report,
    pub erased_at: DateTime<Utc>,
    /// When the erased values were also removed from the database's free space; `null` until
    /// then (moments after the erasure).
    pub scrubbed_at: Option<DateTime<Utc>>,
}

impl From<Erased> for ErasureDto {
    fn from(e: Erased) -> Self {
        ErasureDto {
            id: e.id,
            person_id: e.person_id,
            holdings: match e.scope {
                Scope::Everything => None,
                Scope::Holdings(holdings) => Some(holdings),
            },
            report: e.report,
            erased_at: e.erased_at,
            scrubbed_at: e.scrubbed_at,
        }
    }
}

/// What a request erased.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestErasureDto {
    #[schema(value_type = uuid::Uuid)]
    pub request_id: RightsRequestId,
    pub right: Right,
    /// The erasures the request's outcome carried out: none until it is fulfilled in whole or
    /// in part, and none for a request of another right.
    pub erasures: Vec<ErasureDto>,
}

/// What a request erased
///
/// For an erasure request (Art 17) whose outcome fulfilled it in whole or in part: table by
/// table, the rows deleted, anonymised and kept, each column kept and why (Art 17(3)), and the
/// holdings kept because a purpose still needs them; and when the erased values also left the
/// database's free space. Empty before the outcome, for a refusal, and for any other right.
/// The person reads their own request's, the DPO any of the organisation's.
#[utoipa::path(
    operation_id = "get_request_erasure",
    tag = "rights-requests",
    params(("id" = uuid::Uuid, Path, description = "Rights request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What the request erased", body = RequestErasureDto),
        (status = 403, description = "Only the person themselves and the DPO", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request the caller may read", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[get("/rights-requests/{id}/erasure")]
async fn get_request_erasure(
    caller: Caller<RightsRequesters>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<RequestErasureDto>> {
    let id: RightsRequestId = path_id("id", &id)?;
    let org_id = caller.org_id;
    let reader = RequestReader::of(&caller);
    let (request, erasures) = state
        .read(move |conn| {
            let request = reader.get(conn, id)?;
            let erasures = erasure::caused_by(conn, org_id, Cause::Request(id))?;
            Ok((request, erasures))
        })
        .await
        .map_err(ApiError::not_found_as("rights request"))?;
    state
        .record_reads(Trail::single(
            &caller,
            clock::now(),
            AuditOperation::Read,
            RecordKind::RightsRequest,
            request.id,
            Some(Party::Person(request.person_id)),
        ))
        .await?;
    Ok(web::Json(RequestErasureDto {
        request_id: request.id,
        right: request.right,
        erasures: erasures.into_iter().map(ErasureDto::from).collect(),
    }))
}
