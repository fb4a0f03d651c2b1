//! `/api/v1/people/{id}/recipient-notices`: what each recipient of a person's data was told of
//! its rectification, erasure or restriction, and of a restriction's lifting (Art 19). The person may ask who they were (Art 19,
//! second sentence): the person themselves reads their own, the DPO anyone's. A notice names
//! what was done and to what, never the data.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use domain::audit::{AuditOperation, RecordKind};
use domain::ids::{PersonId, RecipientId, RightsRequestId};
use domain::party::Party;
use domain::recipient_notices::NoticeAction;
use domain::register::Register;
use domain::role::Role;
use persistence::recipient_notices::{self, RecipientNotice};
use persistence::{StoreError, people, register};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::Trail;
use crate::auth::{Caller, RightsRequesters};
use crate::clock;
use crate::http::page::{PageQuery, page};
use crate::http::params::{Params, path_id};
use crate::http::problem::responses::ListProblems;
use crate::http::{ApiError, ApiResult, Problem};
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config.service(list_recipient_notices);
}

/// One notice sent to a recipient of the person's data.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecipientNoticeDto {
    pub id: Uuid,
    /// Whose data it concerns.
    pub person_id: PersonId,
    pub recipient_id: RecipientId,
    /// The recipient as the register names it now; null if it no longer does.
    pub recipient_name: Option<String>,
    /// What the recipient was told of.
    pub action: NoticeAction,
    /// The rights request it followed from, if one.
    pub request_id: Option<RightsRequestId>,
    /// What was done to, by name: the fields rectified (and `supplementary_statement`), the
    /// tables erased, or the ids of the purposes restricted (or whose restriction was lifted).
    pub items: Vec<String>,
    /// The words the recipient was sent.
    pub notice: String,
    pub notified_at: DateTime<Utc>,
    pub notified_by: Party,
}

impl RecipientNoticeDto {
    pub fn of(notice: RecipientNotice, register: &Register) -> Self {
        RecipientNoticeDto {
            id: notice.id,
            person_id: notice.person_id,
            recipient_id: notice.recipient_id,
            recipient_name: register
                .recipient(notice.recipient_id)
                .map(|r| r.name.clone()),
            action: notice.action,
            request_id: notice.request_id,
            items: notice.items,
            notice: notice.notice,
            notified_at: notice.notified_at,
            notified_by: notice.notified_by,
        }
    }
}

/// Notes in `trail` that `notices` were written, each about its person.
pub(crate) fn record_sent(trail: &mut Trail, notices: &[RecipientNotice]) {
    for notice in notices {
        trail.record(
            AuditOperation::Create,
            RecordKind::RecipientNotice,
            notice.id,
            Some(Party::Person(notice.person_id)),
        );
    }
}

/// The notices as the API shows them, named from the organisation's register as it stands.
pub(crate) fn shown(
    conn: &mut persistence::AnyConnection,
    org_id: domain::ids::OrgId,
    notices: Vec<RecipientNotice>,
) -> Result<Vec<RecipientNoticeDto>, StoreError> {
    if notices.is_empty() {
        return Ok(Vec::new());
    }
    let register = register::load(conn, org_id, None)?.register;
    Ok(notices
        .into_iter()
        .map(|n| RecipientNoticeDto::of(n, &register))
        .collect())
}

page! {
    /// A page of the notices sent about a person, newest first.
    RecipientNoticePage of RecipientNoticeDto
}

/// Who was told of a person's rectification, erasure or restriction
///
/// Every notice sent to a recipient of the person's data (Art 19), newest first: the recipient,
/// what it was told of and when, and the request it followed from. A recipient told of a
/// restriction is told of its lifting too (`restriction_lifted`). The person reads their own
/// (Art 19, second sentence: who the recipients were); the DPO anyone's. Another person's is
/// 404 to a requester.
#[utoipa::path(
    operation_id = "list_recipient_notices",
    tag = "rights-requests",
    params(("id" = uuid::Uuid, Path, description = "Person id"), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the notices", body = RecipientNoticePage),
        (status = 403, description = "Only the person themselves and the DPO", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person the caller may ask about", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/people/{id}/recipient-notices")]
async fn list_recipient_notices(
    caller: Caller<RightsRequesters>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<RecipientNoticePage>> {
    let id: PersonId = path_id("id", &id)?;
    let mut params = Params::default();
    let (limit, after) = page.parse::<Uuid>(&mut params);
    params.finish()?;
    let org_id = caller.org_id;
    let dpo = caller.has(Role::Dpo);
    let own = caller.person();
    let (items, more) = state
        .read(move |conn| {
            if !dpo && own != Some(id) {
                return Err(StoreError::NotFound);
            }
            people::get(conn, org_id, id)?;
            let (notices, more) = recipient_notices::of_person(conn, org_id, id, limit, after)?;
            Ok((shown(conn, org_id, notices)?, more))
        })
        .await
        .map_err(ApiError::not_found_as("person"))?;
    let mut trail = Trail::new(&caller, clock::now());
    for notice in &items {
        trail.record(
            AuditOperation::List,
            RecordKind::RecipientNotice,
            notice.id,
            Some(Party::Person(notice.person_id)),
        );
    }
    state.record_reads(trail).await?;
    Ok(web::Json(RecipientNoticePage::of(items, more, |n| n.id)))
}
