//! `/api/v1/processing-agreements`: a processor acting for a controller under Art 28(3). The
//! controller proposes them (its keepers), the processor's keepers accept them, either side's
//! withdraws them; both parties read them. An agreement lives in the controller's register,
//! versioned like every entry, each act recorded with the organisation that made it. What each
//! state allows is `domain::register::agreement`'s.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::DomainError;
use domain::ids::{AgreementId, OrgId, PurposeId};
use domain::organisation::OrgSlug;
use domain::register::{
    AgreementStatus, EntryKind, PartyAct, ProcessingAgreement, RuleViolation, Standing,
};
use persistence::register::{self, Stored};
use persistence::{AnyConnection, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::{Caller, Principal, RegisterKeepers, RegisterReaders};
use crate::clock;
use crate::http::etag::{IfMatchHeader, created, if_match, tagged};
use crate::http::json::ValidJson;
use crate::http::params::Params;
use crate::http::params::path_id;
use crate::http::problem::responses::{BodyProblems, ListProblems, PathProblems, Stale};
use crate::http::{ApiError, ApiResult, Problem};
use crate::routes::register::{AsOfQuery, actor_of, parse_as_of};
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(list_agreements)
        .service(create_agreement)
        .service(get_agreement)
        .service(replace_agreement)
        .service(delete_agreement)
        .service(accept_agreement)
        .service(withdraw_agreement);
}

/// A processing agreement, as either party sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementDto {
    pub id: AgreementId,
    /// The controller's slug.
    pub controller: String,
    /// The processor's slug.
    pub processor: String,
    /// The controller's purposes the processor acts for.
    pub purposes: Vec<PurposeId>,
    /// The nature of the processing carried out for the controller (Art 28(3), 30(2)(b)).
    pub processing: String,
    pub contract_reference: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    /// Proposed by the controller, accepted by the processor, or withdrawn by either.
    pub status: AgreementStatus,
    /// When the processor accepted it (kept once withdrawn).
    pub accepted_at: Option<DateTime<Utc>>,
    /// The slug of the organisation that accepted it: the processor.
    pub accepted_by: Option<String>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// The slug of the party that withdrew it.
    pub withdrawn_by: Option<String>,
    /// Whether the agreement is in force today: accepted, not withdrawn, and dated to cover
    /// today.
    pub in_force: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The agreements the caller's organisation is party to.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementList {
    pub items: Vec<AgreementDto>,
}

/// A processing agreement, as the controller writes it.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementInput {
    /// The processor's slug; an organisation not seen before is registered.
    #[schema(value_type = String, example = "cabinet-office", pattern = "^[a-z][a-z0-9-]{1,62}$")]
    pub processor: OrgSlug,
    #[validate(length(max = 200))]
    #[schema(min_items = 1, max_items = 200)]
    pub purposes: Vec<PurposeId>,
    #[validate(length(max = 4000))]
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub processing: String,
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub contract_reference: Option<String>,
    pub starts_on: NaiveDate,
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
}

/// Agreements with both parties' slugs.
fn dtos(
    conn: &mut AnyConnection,
    agreements: Vec<Stored<ProcessingAgreement>>,
) -> Result<Vec<AgreementDto>, StoreError> {
    let mut parties: Vec<OrgId> = agreements
        .iter()
        .flat_map(|a| [a.body.controller, a.body.processor])
        .collect();
    parties.sort();
    parties.dedup();
    let slugs = persistence::organisations::slugs(conn, &parties)?;
    let slug = |id: OrgId| {
        slugs
            .iter()
            .find(|(found, _)| *found == id)
            .map(|(_, s)| s.to_string())
            .ok_or_else(|| StoreError::Corrupt("agreement party".into()))
    };
    let today = clock::now().date_naive();
    let act = |act: Option<PartyAct>| -> Result<_, StoreError> {
        Ok(match act {
            Some(act) => (Some(act.at), Some(slug(act.by)?)),
            None => (None, None),
        })
    };
    agreements
        .into_iter()
        .map(|stored| {
            let a = stored.body;
            let (accepted_at, accepted_by) = act(a.standing.accepted())?;
            let (withdrawn_at, withdrawn_by) = act(a.standing.withdrawn())?;
            Ok(AgreementDto {
                id: a.id,
                controller: slug(a.controller)?,
                processor: slug(a.processor)?,
                status: a.standing.status(),
                accepted_at,
                accepted_by,
                withdrawn_at,
                withdrawn_by,
                in_force: a.in_force(today),
                purposes: a.purposes,
                processing: a.processing,
                contract_reference: a.contract_reference,
                starts_on: a.starts_on,
                ends_on: a.ends_on,
                version: stored.meta.version,
                created_at: stored.meta.created_at,
                updated_at: stored.meta.updated_at,
            })
        })
        .collect()
}

/// Stores the agreement in the controller's register, checked against it: Art 28(3) rules, and
/// every purpose in scope is one of the controller's. A replacement is the current agreement
/// revised (changed terms are a new proposal); returns the agreement as stored.
fn store(
    conn: &mut AnyConnection,
    caller: &Principal,
    agreement: ProcessingAgreement,
    expected: Option<Option<Vec<i64>>>,
) -> Result<Stored<ProcessingAgreement>, StoreError> {
    let org_id = caller.org_id;
    register::change(conn, org_id, |conn, loaded| {
        let agreement = match expected {
            Some(_) => {
                let current: Stored<ProcessingAgreement> = register::get(
                    conn,
                    org_id,
                    EntryKind::ProcessingAgreement,
                    agreement.id.as_uuid(),
                    None,
                )?;
                if current.body.controller != org_id {
                    return Err(StoreError::Domain(DomainError::NotPermitted(
                        "only the controller changes a processing agreement",
                    )));
                }
                current.body.revised(agreement)?
            }
            None => agreement,
        };
        let mut violations = agreement.validate().err().unwrap_or_default();
        if agreement
            .purposes
            .iter()
            .any(|id| loaded.register.purpose(*id).is_none())
        {
            violations.push(RuleViolation::new(
                "purposes",
                "Art 28(3)",
                "names a purpose the controller's register does not hold",
            ));
        }
        if !violations.is_empty() {
            return Err(StoreError::Refused(violations));
        }
        let meta = register::put(
            conn,
            org_id,
            EntryKind::ProcessingAgreement,
            agreement.id.as_uuid(),
            Some(agreement.processor),
            &agreement,
            expected.flatten().as_deref(),
            &actor_of(caller),
            clock::now(),
        )?;
        Ok(Stored {
            body: agreement,
            meta,
        })
    })
}

/// A party's act on agreement `id` (`act` is the domain's rule for it), stored in the
/// controller's register under its lock and recorded as the caller's organisation's.
fn decide(
    conn: &mut AnyConnection,
    caller: &Principal,
    id: AgreementId,
    act: fn(&ProcessingAgreement, OrgId, DateTime<Utc>) -> Result<ProcessingAgreement, DomainError>,
    expected: Option<&[i64]>,
) -> Result<Stored<ProcessingAgreement>, StoreError> {
    let kind = EntryKind::ProcessingAgreement;
    // Found from either side; an agreement the caller is no party to is 404.
    let found: Stored<ProcessingAgreement> =
        register::get(conn, caller.org_id, kind, id.as_uuid(), None)?;
    let controller = found.body.controller;
    register::change(conn, controller, |conn, _| {
        let current: Stored<ProcessingAgreement> =
            register::get(conn, controller, kind, id.as_uuid(), None)?;
        let now = clock::now();
        let next = act(&current.body, caller.org_id, now)?;
        let meta = register::put(
            conn,
            controller,
            kind,
            id.as_uuid(),
            Some(next.processor),
            &next,
            // The version the caller read (If-Match), else the one just read here.
            Some(expected.unwrap_or(&[current.meta.version])),
            &actor_of(caller),
            now,
        )?;
        Ok(Stored { body: next, meta })
    })
}

/// [`decide`] as the HTTP answer: the agreement as it now stands.
async fn decided(
    state: &AppState,
    caller: &Principal,
    req: &HttpRequest,
    id: &str,
    act: fn(&ProcessingAgreement, OrgId, DateTime<Utc>) -> Result<ProcessingAgreement, DomainError>,
) -> ApiResult<HttpResponse> {
    let id: AgreementId = path_id("id", id)?;
    let principal = caller.clone();
    let expected = if_match(req);
    let dto = state
        .write(move |conn| {
            let stored = decide(conn, &principal, id, act, expected.as_deref())?;
            dtos(conn, vec![stored])?.pop().ok_or(StoreError::NotFound)
        })
        .await
        .map_err(ApiError::not_found_as("processing agreement"))?;
    Ok(tagged(dto.version, dto))
}

/// The processor `input` names, registered on first sight like a token's organisation.
async fn processor_of(state: &AppState, input: &AgreementInput) -> ApiResult<OrgId> {
    state.organisation_id(&input.processor).await
}

fn agreement_of(
    input: AgreementInput,
    id: AgreementId,
    controller: OrgId,
    processor: OrgId,
) -> ProcessingAgreement {
    ProcessingAgreement {
        id,
        controller,
        processor,
        purposes: input.purposes,
        processing: input.processing,
        contract_reference: input.contract_reference,
        starts_on: input.starts_on,
        ends_on: input.ends_on,
        standing: Standing::Proposed,
    }
}

/// List processing agreements
///
/// The agreements the caller's organisation is party to, as controller or as processor, now or
/// as they stood at `as_of`.
#[utoipa::path(
    tag = "organisations",
    params(AsOfQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The agreements", body = AgreementList),
        (status = 403, description = "Role may not read the register", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/processing-agreements")]
async fn list_agreements(
    caller: Caller<RegisterReaders>,
    state: web::Data<AppState>,
    query: web::Query<AsOfQuery>,
) -> ApiResult<web::Json<AgreementList>> {
    let mut params = Params::default();
    let as_of = parse_as_of(&mut params, query.as_of.as_deref());
    params.finish()?;
    let org_id = caller.org_id;
    let items = state
        .read(move |conn| {
            let agreements = register::agreements(conn, org_id, as_of)?;
            dtos(conn, agreements)
        })
        .await?;
    Ok(web::Json(AgreementList { items }))
}

/// Record a processing agreement
///
/// The caller's organisation is the controller, and proposes the agreement: it binds the
/// processor, and lets it act on the controller's data for the purposes in scope, only once the
/// processor accepts it (`POST .../acceptance`) and while it is dated to be in force. Refused
/// (422) naming each field when Art 28(3) is not met or a purpose is not the controller's.
#[utoipa::path(
    tag = "organisations",
    request_body = AgreementInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Agreement recorded", body = AgreementDto,
            headers(("ETag" = String, description = "Version, for If-Match"), ("Location" = String))),
        (status = 403, description = "Role may not change the register", body = Problem, content_type = "application/problem+json"),
        BodyProblems,
    )
)]
#[post("/processing-agreements")]
async fn create_agreement(
    caller: Caller<RegisterKeepers>,
    state: web::Data<AppState>,
    body: ValidJson<AgreementInput>,
) -> ApiResult<HttpResponse> {
    let processor = processor_of(&state, &body.0).await?;
    let id = AgreementId::from_uuid(clock::new_uuid());
    let agreement = agreement_of(body.0, id, caller.org_id, processor);
    let principal = caller.principal.clone();
    let dto = state
        .write(move |conn| {
            let stored = store(conn, &principal, agreement, None)?;
            dtos(conn, vec![stored])?.pop().ok_or(StoreError::NotFound)
        })
        .await?;
    let location = format!("/api/v1/processing-agreements/{id}");
    Ok(created(&location, dto.version, dto))
}

/// Get a processing agreement
#[utoipa::path(
    tag = "organisations",
    params(("id" = uuid::Uuid, Path, description = "Agreement id"), AsOfQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The agreement", body = AgreementDto,
            headers(("ETag" = String, description = "Version, for If-Match"))),
        (status = 403, description = "Role may not read the register", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agreement the caller's organisation is party to", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[get("/processing-agreements/{id}")]
async fn get_agreement(
    caller: Caller<RegisterReaders>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<AsOfQuery>,
) -> ApiResult<HttpResponse> {
    let id: AgreementId = path_id("id", &id)?;
    let mut params = Params::default();
    let as_of = parse_as_of(&mut params, query.as_of.as_deref());
    params.finish()?;
    let org_id = caller.org_id;
    let dto = state
        .read(move |conn| {
            let stored = register::get(
                conn,
                org_id,
                EntryKind::ProcessingAgreement,
                id.as_uuid(),
                as_of,
            )?;
            dtos(conn, vec![stored])?.pop().ok_or(StoreError::NotFound)
        })
        .await
        .map_err(ApiError::not_found_as("processing agreement"))?;
    Ok(tagged(dto.version, dto))
}

/// Replace a processing agreement
///
/// Only the controller may. Send `If-Match` with the ETag you read. Changed terms return an
/// accepted agreement to `proposed`: the processor must accept the new terms. A withdrawn
/// agreement has ended (409).
#[utoipa::path(
    tag = "organisations",
    params(("id" = uuid::Uuid, Path, description = "Agreement id"), IfMatchHeader),
    request_body = AgreementInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The agreement as replaced", body = AgreementDto,
            headers(("ETag" = String, description = "New version"))),
        (status = 403, description = "Role may not change the register, or the caller is the processor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agreement the caller's organisation is party to", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The agreement is withdrawn", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        BodyProblems,
    )
)]
#[put("/processing-agreements/{id}")]
async fn replace_agreement(
    caller: Caller<RegisterKeepers>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
    body: ValidJson<AgreementInput>,
) -> ApiResult<HttpResponse> {
    let id: AgreementId = path_id("id", &id)?;
    let expected = if_match(&req);
    let processor = processor_of(&state, &body.0).await?;
    let agreement = agreement_of(body.0, id, caller.org_id, processor);
    let principal = caller.principal.clone();
    let dto = state
        .write(move |conn| {
            let stored = store(conn, &principal, agreement, Some(expected))?;
            dtos(conn, vec![stored])?.pop().ok_or(StoreError::NotFound)
        })
        .await
        .map_err(ApiError::not_found_as("processing agreement"))?;
    Ok(tagged(dto.version, dto))
}

/// End a processing agreement's record
///
/// Deletes the agreement; its history remains. Only the controller may. To end an agreement
/// while keeping its record, set `ends_on` instead.
#[utoipa::path(
    tag = "organisations",
    params(("id" = uuid::Uuid, Path, description = "Agreement id"), IfMatchHeader),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Agreement deleted; its history remains"),
        (status = 403, description = "Role may not change the register, or the caller is the processor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agreement the caller's organisation is party to", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        PathProblems,
    )
)]
#[delete("/processing-agreements/{id}")]
async fn delete_agreement(
    caller: Caller<RegisterKeepers>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let id: AgreementId = path_id("id", &id)?;
    let expected = if_match(&req);
    let principal = caller.principal.clone();
    state
        .write(move |conn| {
            let org_id = principal.org_id;
            register::change(conn, org_id, |conn, _| {
                let current: Stored<ProcessingAgreement> = register::get(
                    conn,
                    org_id,
                    EntryKind::ProcessingAgreement,
                    id.as_uuid(),
                    None,
                )?;
                if current.body.controller != org_id {
                    return Err(StoreError::Domain(DomainError::NotPermitted(
                        "only the controller changes a processing agreement",
                    )));
                }
                register::delete(
                    conn,
                    org_id,
                    EntryKind::ProcessingAgreement,
                    id.as_uuid(),
                    expected.as_deref(),
                    &actor_of(&principal),
                    clock::now(),
                )
            })
        })
        .await
        .map_err(ApiError::not_found_as("processing agreement"))?;
    Ok(HttpResponse::NoContent().finish())
}

/// Accept a processing agreement
///
/// The processor's administrator or DPO accepts the controller's proposal, with the
/// processor's own token (not `Acting-For`). From then it binds both parties: it is in force
/// while dated to be, the processor may act for the controller, and it enters both Art 30
/// records. Accepting it again, or a withdrawn one, is 409; the controller accepting its own
/// proposal is 403. With `If-Match`, only the version the processor read is accepted (412
/// otherwise): terms changed since then are not accepted unseen.
#[utoipa::path(
    tag = "organisations",
    params(("id" = uuid::Uuid, Path, description = "Agreement id"), IfMatchHeader),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The agreement as accepted", body = AgreementDto,
            headers(("ETag" = String, description = "New version"))),
        (status = 403, description = "Role may not keep the register, the caller is not the processor, or Acting-For was sent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agreement the caller's organisation is party to", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already accepted, or withdrawn", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        PathProblems,
    )
)]
#[post("/processing-agreements/{id}/acceptance")]
async fn accept_agreement(
    caller: Caller<RegisterKeepers>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    decided(&state, &caller, &req, &id, ProcessingAgreement::accept).await
}

/// Withdraw from a processing agreement
///
/// Either party's administrator or DPO withdraws it, proposed or accepted: it ends for good (no
/// longer in force, no `Acting-For`), and its record remains. Withdrawing it again is 409; an
/// `If-Match` naming a version that is no longer current is 412.
#[utoipa::path(
    tag = "organisations",
    params(("id" = uuid::Uuid, Path, description = "Agreement id"), IfMatchHeader),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The agreement as withdrawn", body = AgreementDto,
            headers(("ETag" = String, description = "New version"))),
        (status = 403, description = "Role may not keep the register, or Acting-For was sent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agreement the caller's organisation is party to", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already withdrawn", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        PathProblems,
    )
)]
#[post("/processing-agreements/{id}/withdrawal")]
async fn withdraw_agreement(
    caller: Caller<RegisterKeepers>,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    decided(&state, &caller, &req, &id, ProcessingAgreement::withdraw).await
}
