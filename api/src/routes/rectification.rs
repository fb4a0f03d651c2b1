//! Rectification (Art 16) and the recipients told of it (Art 19):
//! `POST /api/v1/rights-requests/{id}/rectification`, where the DPO answers a rectification
//! request by correcting the person record and recording a supplementary statement, and
//! `/api/v1/people/{id}/rectifications`, what was rectified about a person.
//!
//! A correction goes through the code of every person update (`people::updated`), so the
//! record's rules hold and its history records the change, with the request as its reason.
//! The correction, the rectification's record, the notice to each recipient the disclosures log
//! shows received the person's data, and their audit events are one transaction.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use domain::audit::{AuditOperation, RecordKind};
use domain::ids::{PersonId, RightsRequestId};
use domain::party::Party;
use domain::recipient_notices::NoticeAction;
use domain::rectification::{self, RectifiableField, Rectification};
use persistence::person_history::Author;
use persistence::recipient_notices::{self, Notice};
use persistence::rectifications::{self, StoredRectification};
use persistence::{people, rights_requests};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::audit::Trail;
use crate::auth::{Caller, Dpos, PeopleViewers};
use crate::clock;
use crate::http::json::ValidJson;
use crate::http::page::{PageQuery, page};
use crate::http::params::path_id;
use crate::http::problem::responses::{BodyProblems, ListProblems};
use crate::http::{ApiError, ApiResult, FieldError, Problem};
use crate::routes::people::{UpdatePerson, page_about, parse_fields, refusal, updated};
use crate::routes::recipient_notices::{RecipientNoticeDto, record_sent, shown};
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config.service(rectify).service(list_person_rectifications);
}

// ---------------------------------------------------------------------------------------------
// Bodies

/// Corrections to the person record: the fields a rectification may correct (the person's
/// names and how to reach them), each to its right value. Email, phone and address may be
/// `null` to clear a value that should not be held.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Corrections {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub given_name: Option<String>,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub family_name: Option<String>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Option<String>, max_length = 254)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Option<String>, min_length = 6, max_length = 30)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 500, pattern = r"\S")]
    pub address: Option<Option<String>>,
}

impl Corrections {
    /// The fields corrected.
    fn fields(&self) -> Vec<RectifiableField> {
        [
            (RectifiableField::GivenName, self.given_name.is_some()),
            (RectifiableField::FamilyName, self.family_name.is_some()),
            (RectifiableField::Email, self.email.is_some()),
            (RectifiableField::Phone, self.phone.is_some()),
            (RectifiableField::Address, self.address.is_some()),
        ]
        .into_iter()
        .filter_map(|(field, sent)| sent.then_some(field))
        .collect()
    }

    /// The corrections as a person update, which changes nothing else.
    fn into_update(self) -> UpdatePerson {
        UpdatePerson {
            kind: None,
            external_id: None,
            given_name: self.given_name,
            family_name: self.family_name,
            email: self.email,
            phone: self.phone,
            address: self.address,
            date_of_birth: None,
            clearance: None,
            starts_on: None,
            leaves_on: None,
        }
    }
}

/// A rectification: corrections to the person record, a supplementary statement completing
/// their data (Art 16), or both.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rectify {
    pub corrections: Option<Corrections>,
    /// Completes the person's data in their words or the DPO's: what the record, or what
    /// tickets and comments say of them, leaves out or gets wrong.
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub supplementary_statement: Option<String>,
}

/// A rectification applied for a request.
#[derive(Debug, Serialize, ToSchema)]
pub struct RectificationDto {
    pub id: Uuid,
    pub request_id: RightsRequestId,
    pub person_id: PersonId,
    /// The fields of the person record corrected; their values are in the record and its
    /// change history.
    pub corrected: Vec<RectifiableField>,
    /// The version of the person record the corrections made; null for a statement alone.
    pub person_version: Option<i64>,
    pub supplementary_statement: Option<String>,
    pub rectified_at: DateTime<Utc>,
    pub rectified_by: Party,
}

impl From<StoredRectification> for RectificationDto {
    fn from(r: StoredRectification) -> Self {
        RectificationDto {
            id: r.id,
            request_id: r.request_id,
            person_id: r.person_id,
            corrected: r.corrected,
            person_version: r.person_version,
            supplementary_statement: r.supplementary_statement,
            rectified_at: r.rectified_at,
            rectified_by: r.rectified_by,
        }
    }
}

/// A rectification, and the notice each recipient of the person's data was sent (Art 19).
#[derive(Debug, Serialize, ToSchema)]
pub struct RectificationAnswer {
    #[serde(flatten)]
    pub rectification: RectificationDto,
    /// One per recipient the disclosures log shows received the person's data; empty when it
    /// went to none.
    pub notices: Vec<RecipientNoticeDto>,
}

page! {
    /// A page of a person's rectifications, newest first.
    RectificationPage of RectificationDto
}

// ---------------------------------------------------------------------------------------------
// Handlers

/// A field the person update names bare (`email`), as the rectification's body names it
/// (`corrections.email`).
fn in_corrections(error: ApiError) -> ApiError {
    match error {
        ApiError::InvalidFields { errors, .. } => ApiError::fields(
            errors
                .into_iter()
                .map(|e| match e.field.parse::<RectifiableField>() {
                    Ok(field) => FieldError {
                        field: field.path().to_owned(),
                        message: e.message,
                    },
                    Err(_) => e,
                })
                .collect(),
        ),
        other => other,
    }
}

/// Rectify a person's data
///
/// Answers a rectification request (Art 16): corrects the fields of the person record in
/// `corrections` (names, email, telephone, address), through the same rules as any update, and
/// records a `supplementary_statement` completing their data; either or both. The person's
/// change history records the correction with the request as its reason. Each recipient the
/// disclosures log shows received the person's data is sent a notice of what was rectified,
/// never the values (Art 19); the answer lists them. A request of another right is 409; a field
/// no rectification corrects, or a correction that leaves its field as it was, is 422 naming
/// it. For the DPO.
#[utoipa::path(
    operation_id = "rectify",
    tag = "rights-requests",
    params(("id" = uuid::Uuid, Path, description = "Rights request id")),
    request_body = Rectify,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Rectified, and the recipients told", body = RectificationAnswer),
        (status = 403, description = "Only the DPO rectifies", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such rights request in the organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The request is not for rectification (Art 16)", body = Problem, content_type = "application/problem+json"),
        BodyProblems,
    )
)]
#[post("/rights-requests/{id}/rectification")]
async fn rectify(
    caller: Caller<Dpos>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: ValidJson<Rectify>,
) -> ApiResult<HttpResponse> {
    let id: RightsRequestId = path_id("id", &id)?;
    let body = body.0;
    let corrections = body.corrections.unwrap_or_default();
    let rectification = Rectification::new(
        corrections.fields(),
        body.supplementary_statement.as_deref(),
    )
    .map_err(|errors| ApiError::fields(errors.into_iter().map(FieldError::from).collect()))?;
    let change = corrections.into_update();
    let fields = parse_fields(
        None,
        change.email.as_ref().map(|v| v.as_deref()),
        change.phone.as_ref().map(|v| v.as_deref()),
    )
    .map_err(in_corrections)?;
    let principal = caller.principal.clone();
    let now = clock::now();
    let today = now.date_naive();
    let (stored, notices) = state
        .write_audited(Trail::new(&caller, now), move |conn, trail| {
            let org_id = principal.org_id;
            let request = rights_requests::get(conn, org_id, id)?;
            rectification::check_request(request.right, request.status)?;
            let about = Some(Party::Person(request.person_id));
            let person_version = if rectification.corrected.is_empty() {
                None
            } else {
                let author = Author {
                    actor: principal.actor(),
                    request: Some(request.id),
                };
                let corrected = people::update(
                    conn,
                    org_id,
                    request.person_id,
                    None,
                    |current| {
                        let next = updated(&principal, &current.person, &change, fields, today)?;
                        rectification
                            .check_changed(&current.person, &next)
                            .map_err(|errors| refusal(errors, "Art 16"))?;
                        Ok(next)
                    },
                    author,
                    now,
                )?;
                trail.record(
                    AuditOperation::Update,
                    RecordKind::Person,
                    request.person_id,
                    about.clone(),
                );
                Some(corrected.person.version)
            };
            let stored = StoredRectification {
                id: clock::new_uuid(),
                org_id,
                person_id: request.person_id,
                request_id: request.id,
                corrected: rectification.corrected.clone(),
                person_version,
                supplementary_statement: rectification.statement.clone(),
                rectified_at: now,
                rectified_by: principal.actor().to_owned(),
            };
            rectifications::insert(conn, &stored)?;
            trail.record(
                AuditOperation::Create,
                RecordKind::Rectification,
                stored.id,
                about,
            );
            let sent = recipient_notices::notify_recipients(
                conn,
                Notice {
                    org_id,
                    person_id: request.person_id,
                    action: NoticeAction::Rectification,
                    request_id: Some(request.id),
                    items: rectification
                        .items()
                        .into_iter()
                        .map(str::to_owned)
                        .collect(),
                    notice: rectification.recipient_notice(),
                    by: principal.actor(),
                    at: now,
                },
            )?;
            record_sent(trail, &sent);
            Ok((stored, shown(conn, org_id, sent)?))
        })
        .await
        .map_err(ApiError::not_found_as("rights request"))
        .map_err(in_corrections)?;
    if stored.person_version.is_some() {
        state.parties.forget_all();
    }
    Ok(HttpResponse::Created().json(RectificationAnswer {
        rectification: stored.into(),
        notices,
    }))
}

/// A person's rectifications
///
/// Every rectification applied to the person's data, newest first: the fields corrected, the
/// record's version that made, and the supplementary statement completing their data, with the
/// request each answered. Whoever may read the person record reads them: a requester only their
/// own (any other is 404).
#[utoipa::path(
    operation_id = "list_person_rectifications",
    tag = "people",
    params(("id" = uuid::Uuid, Path, description = "Person id"), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the person's rectifications", body = RectificationPage),
        (status = 403, description = "Role may not read people", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person the caller may read", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/people/{id}/rectifications")]
async fn list_person_rectifications(
    caller: Caller<PeopleViewers>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<RectificationPage>> {
    let (items, more) = page_about(
        &caller,
        &state,
        &id,
        &page,
        RecordKind::Rectification,
        rectifications::of_person,
        |r| r.id,
    )
    .await?;
    Ok(web::Json(RectificationPage::of(items, more, |r| r.id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_corrects_exactly_the_rectifiable_fields() {
        let all: Corrections = serde_json::from_value(serde_json::json!({
            "given_name": "Jo", "family_name": "Smith", "email": null, "phone": null,
            "address": null,
        }))
        .expect("every rectifiable field is a field of the body");
        assert_eq!(all.fields(), RectifiableField::ALL);
        // As an update, the corrections are a correction a requester may make of their own.
        assert!(all.into_update().is_rectification());
        assert!(
            serde_json::from_value::<Corrections>(serde_json::json!({"clearance": "sc"})).is_err()
        );
    }
}
