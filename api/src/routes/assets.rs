//! `/api/v1/assets`: laptops, desktops, mobiles, tablets, peripherals and software licences,
//! their assignments to people (requested → approved → issued → returned | lost, or rejected),
//! each assignment's history, and the asset report.
//!
//! Assignments name people by person id. The caller acts as their own person record, found by
//! `external_id` = the token's `sub`: a caller without one cannot request (422 naming
//! `requested_by`) or approve (422 naming `approved_by`), because segregation of duties compares
//! people, not tokens. History entries record the caller's token subject as the actor.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::DomainError;
use domain::assets::{Asset, AssetKind, AssetTag, Assignment, AssignmentStatus, check_seats};
use domain::audit::{AuditOperation, RecordKind};
use domain::catalogue::RecordKind as CatalogueKind;
use domain::ids::{AssetId, AssignmentId, PersonId};
use domain::party::Party;
use domain::register::Holding;
use domain::restriction::{Processing, Touched};
use domain::role::Role;
use persistence::StoreError;
use persistence::assets::{
    self as store, AssetChange, AssignmentChange, HeldAssignment, StoredAsset,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::audit::Trail;
use crate::auth::{AssetOverseers, AssetReaders, Caller, Desk, Members, Staff};
use crate::clock;
use crate::http::etag::{IfMatchHeader, created, if_match, tagged};
use crate::http::json::ValidJson;
use crate::http::page::{PageQuery, page};
use crate::http::params::{Params, path_id};
use crate::http::problem::responses::{
    BodyProblems, ListProblems, PathProblems, Stale, Unauthenticated,
};
use crate::http::{ApiError, ApiResult, FieldError, Problem};
use crate::routes::restrictions::check_restricted;
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    // The report first: `/assets/report` must not be taken for an asset id.
    config
        .service(asset_report)
        .service(create_asset)
        .service(list_assets)
        .service(get_asset)
        .service(update_asset)
        .service(request_assignment)
        .service(list_assignments)
        .service(update_assignment)
        .service(list_assignment_changes)
        .service(list_own_assignments);
}

// ---------------------------------------------------------------------------------------------
// Bodies

/// An asset: a device, a peripheral, or a software licence counted in seats.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssetDto {
    pub id: AssetId,
    pub kind: AssetKind,
    /// Upper-cased; unique in the organisation.
    #[schema(example = "LAP-0042")]
    pub tag: String,
    pub serial: Option<String>,
    pub model: Option<String>,
    /// Seats of a software licence; null for every other kind.
    pub seats: Option<u32>,
    /// Assignments approved or issued now; never more than `seats`.
    pub active_assignments: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<StoredAsset> for AssetDto {
    fn from(s: StoredAsset) -> Self {
        AssetDto {
            id: s.asset.id,
            kind: s.asset.kind,
            tag: s.asset.tag.as_str().to_owned(),
            serial: s.asset.serial,
            model: s.asset.model,
            seats: s.asset.seats,
            active_assignments: s.active_assignments,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// An asset to record.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAsset {
    pub kind: AssetKind,
    /// 1 to 50 of `A`–`Z`, `0`–`9` and `-`; upper-cased as stored.
    #[schema(
        min_length = 1,
        max_length = 50,
        pattern = "^\\s*[A-Za-z0-9-]{1,50}\\s*$"
    )]
    pub tag: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub serial: Option<String>,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub model: Option<String>,
    /// Required for, and only for, a `software_licence`: at least 1.
    #[schema(minimum = 1)]
    pub seats: Option<u32>,
}

/// Changes to an asset; fields left out stay as they are. `serial` and `model` may be `null`
/// to clear them. A licence's seats may not drop below its active assignments (409).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAsset {
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[validate(length(min = 1, max = 200))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200, pattern = r"\S")]
    pub serial: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[validate(length(min = 1, max = 200))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200, pattern = r"\S")]
    pub model: Option<Option<String>>,
    #[schema(minimum = 1)]
    pub seats: Option<u32>,
}

/// One assignment of an asset (or a licence seat) to a person.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentDto {
    pub id: AssignmentId,
    pub asset_id: AssetId,
    /// The person the asset is for.
    pub person_id: PersonId,
    /// The person who asked for it.
    pub requested_by: PersonId,
    pub status: AssignmentStatus,
    pub approved_by: Option<PersonId>,
    pub requested_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
    pub issued_at: Option<DateTime<Utc>>,
    /// When it was returned, reported lost or rejected.
    pub ended_at: Option<DateTime<Utc>>,
}

impl From<Assignment> for AssignmentDto {
    fn from(a: Assignment) -> Self {
        AssignmentDto {
            id: a.id,
            asset_id: a.asset_id,
            person_id: a.person_id,
            requested_by: a.requested_by,
            status: a.status,
            approved_by: a.approved_by,
            requested_at: a.requested_at,
            approved_at: a.approved_at,
            issued_at: a.issued_at,
            ended_at: a.ended_at,
        }
    }
}

/// An assignment to request. Requesters ask for themselves; the desk for anyone.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestAssignment {
    pub person_id: PersonId,
}

/// The status to move an assignment to: requested → approved | rejected, approved → issued,
/// issued → returned | lost.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAssignment {
    pub status: AssignmentStatus,
}

/// One change of an assignment's status.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentChangeDto {
    pub id: uuid::Uuid,
    pub assignment_id: AssignmentId,
    /// Null for the request that created the assignment.
    pub from_status: Option<AssignmentStatus>,
    pub to_status: AssignmentStatus,
    /// Who made the change.
    pub actor: Party,
    pub at: DateTime<Utc>,
}

impl From<AssignmentChange> for AssignmentChangeDto {
    fn from(c: AssignmentChange) -> Self {
        AssignmentChangeDto {
            id: c.id,
            assignment_id: c.assignment_id,
            from_status: c.from_status,
            to_status: c.to_status,
            actor: c.actor,
            at: c.at,
        }
    }
}

/// The asset an assignment is of, as its holder sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct HeldAssetDto {
    pub id: AssetId,
    pub kind: AssetKind,
    #[schema(example = "LAP-0042")]
    pub tag: String,
    pub model: Option<String>,
}

/// One of the caller's own assignments: its status and dates, and the asset it is of.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnAssignmentDto {
    pub id: AssignmentId,
    pub status: AssignmentStatus,
    pub requested_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
    pub issued_at: Option<DateTime<Utc>>,
    /// When it was returned, reported lost or rejected.
    pub ended_at: Option<DateTime<Utc>>,
    pub asset: HeldAssetDto,
}

impl From<HeldAssignment> for OwnAssignmentDto {
    fn from(h: HeldAssignment) -> Self {
        let a = h.assignment;
        OwnAssignmentDto {
            id: a.id,
            status: a.status,
            requested_at: a.requested_at,
            approved_at: a.approved_at,
            issued_at: a.issued_at,
            ended_at: a.ended_at,
            asset: HeldAssetDto {
                id: a.asset_id,
                kind: h.asset_kind,
                tag: h.asset_tag.as_str().to_owned(),
                model: h.asset_model,
            },
        }
    }
}

/// Filters of the caller's own assignments.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OwnAssignmentQuery {
    #[param(value_type = Option<AssignmentStatus>)]
    pub status: Option<String>,
}

page! {
    /// A page of the caller's own assignments.
    OwnAssignmentPage of OwnAssignmentDto
}

/// Filters of the asset list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssetListQuery {
    #[param(value_type = Option<AssetKind>)]
    pub kind: Option<String>,
}

page! {
    /// A page of assets.
    AssetPage of AssetDto
}

page! {
    /// A page of assignments.
    AssignmentPage of AssignmentDto
}

page! {
    /// A page of an assignment's history.
    AssignmentChangePage of AssignmentChangeDto
}

/// How many assets of a kind the organisation has.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssetKindCount {
    pub kind: AssetKind,
    pub count: u64,
}

/// How many assignments of assets of a kind are in a status.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentStatusCount {
    pub kind: AssetKind,
    pub status: AssignmentStatus,
    pub count: u64,
}

/// A leaver still holding an issued asset: the desk recovers it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeaverHoldingDto {
    pub person_id: PersonId,
    pub given_name: String,
    pub family_name: String,
    pub leaves_on: Option<NaiveDate>,
    pub asset_id: AssetId,
    #[schema(example = "LAP-0042")]
    pub asset_tag: String,
    pub kind: AssetKind,
    pub assignment_id: AssignmentId,
}

/// Assets by kind, assignments by kind and status, and every leaver (status `leaver`, or a
/// leave date before today) still holding an issued asset.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssetReportDto {
    pub assets: Vec<AssetKindCount>,
    pub assignments: Vec<AssignmentStatusCount>,
    pub leavers_holding: Vec<LeaverHoldingDto>,
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn domain_fields(errors: Vec<DomainError>) -> ApiError {
    ApiError::fields(errors.into_iter().map(FieldError::from).collect())
}

// ---------------------------------------------------------------------------------------------
// Assets

/// Record an asset
///
/// A device, peripheral or software licence. `seats` is required for, and only for, a
/// `software_licence`. The tag is unique in the organisation (409).
#[utoipa::path(
    operation_id = "create_asset",
    tag = "assets",
    request_body = CreateAsset,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Asset recorded", body = AssetDto,
            headers(("ETag" = String, description = "Version of the asset"), ("Location" = String))),
        (status = 403, description = "Only the desk records assets", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The tag is already used in the organisation", body = Problem, content_type = "application/problem+json"),
        BodyProblems,
    )
)]
#[post("/assets")]
async fn create_asset(
    caller: Caller<Desk>,
    state: web::Data<AppState>,
    body: ValidJson<CreateAsset>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let asset = match AssetTag::parse(&body.tag) {
        Ok(tag) => Asset {
            id: AssetId::from_uuid(clock::new_uuid()),
            org_id: caller.org_id,
            kind: body.kind,
            tag,
            serial: body.serial,
            model: body.model,
            seats: body.seats,
            version: 1,
        },
        Err(error) => {
            // Every field error at once: the tag's, and the seats' which need no tag.
            let mut errors = vec![error];
            errors.extend(check_seats(body.kind, body.seats).err());
            return Err(domain_fields(errors));
        }
    };
    asset.validate().map_err(domain_fields)?;
    let now = clock::now();
    let stored = state
        .write(move |conn| store::create(conn, &asset, now))
        .await
        .map_err(|error| match error {
            ApiError::Conflict(_) => {
                ApiError::Conflict("an asset with this tag already exists".into())
            }
            other => other,
        })?;
    let location = format!("/api/v1/assets/{}", stored.asset.id);
    Ok(created(
        &location,
        stored.asset.version,
        AssetDto::from(stored),
    ))
}

/// List assets
///
/// The organisation's assets, newest first.
#[utoipa::path(
    operation_id = "list_assets",
    tag = "assets",
    params(AssetListQuery, PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of assets", body = AssetPage),
        (status = 403, description = "Role may not read assets", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/assets")]
async fn list_assets(
    caller: Caller<AssetReaders>,
    state: web::Data<AppState>,
    query: web::Query<AssetListQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<AssetPage>> {
    let mut params = Params::default();
    let kind: Option<AssetKind> = params.optional("kind", query.kind.as_deref());
    let (limit, after) = page.parse::<AssetId>(&mut params);
    params.finish()?;
    let org_id = caller.org_id;
    let (items, more) = state
        .read(move |conn| store::list(conn, org_id, kind, limit, after))
        .await?;
    Ok(web::Json(AssetPage::of(items, more, |a| {
        a.asset.id.as_uuid()
    })))
}

/// Get an asset
///
/// One asset of the caller's organisation, with its ETag for `If-Match`.
#[utoipa::path(
    operation_id = "get_asset",
    tag = "assets",
    params(("id" = uuid::Uuid, Path, description = "Asset id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The asset", body = AssetDto,
            headers(("ETag" = String, description = "Version, for If-Match"))),
        (status = 403, description = "Role may not read assets", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such asset in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[get("/assets/{id:[0-9a-fA-F-]+}")]
async fn get_asset(
    caller: Caller<AssetReaders>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id: AssetId = path_id("id", &id)?;
    let org_id = caller.org_id;
    let asset = state
        .read(move |conn| store::get(conn, org_id, id))
        .await
        .map_err(ApiError::not_found_as("asset"))?;
    Ok(tagged(asset.asset.version, AssetDto::from(asset)))
}

/// Update an asset
///
/// Changes serial, model and a licence's seats. Seats may not drop below the licence's active
/// assignments (409). Send `If-Match` with the ETag you read; a stale one is 412.
#[utoipa::path(
    operation_id = "update_asset",
    tag = "assets",
    params(("id" = uuid::Uuid, Path, description = "Asset id"), IfMatchHeader),
    request_body = UpdateAsset,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The updated asset", body = AssetDto,
            headers(("ETag" = String, description = "New version"))),
        (status = 403, description = "Only the desk changes assets", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such asset in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Seats below the active assignments", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        BodyProblems,
    )
)]
#[patch("/assets/{id:[0-9a-fA-F-]+}")]
async fn update_asset(
    caller: Caller<Desk>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
    body: ValidJson<UpdateAsset>,
) -> ApiResult<HttpResponse> {
    let id: AssetId = path_id("id", &id)?;
    let expected = if_match(&req);
    let body = body.0;
    let change = AssetChange {
        serial: body.serial,
        model: body.model,
        seats: body.seats,
    };
    let org_id = caller.org_id;
    let now = clock::now();
    let asset = state
        .write(move |conn| store::update(conn, org_id, id, expected, change, now))
        .await
        .map_err(ApiError::not_found_as("asset"))?;
    Ok(tagged(asset.asset.version, AssetDto::from(asset)))
}

// ---------------------------------------------------------------------------------------------
// Assignments

/// Art 18(2): refuses writing an asset assignment of a person whose assignments' purpose is
/// restricted.
fn check_assignment_restricted(
    conn: &mut persistence::AnyConnection,
    org_id: domain::ids::OrgId,
    person_id: PersonId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    check_restricted(
        conn,
        org_id,
        &Party::Person(person_id),
        Processing::RecordUpdate,
        Touched::Records(Holding::of(CatalogueKind::AssetAssignment)),
        now,
    )
}

/// Notes `operation` on an assignment, which is about the person it is for.
fn record(trail: &mut Trail, operation: AuditOperation, assignment: &Assignment) {
    let about = Some(Party::Person(assignment.person_id));
    trail.record(operation, RecordKind::Assignment, assignment.id, about);
}

/// Request an assignment
///
/// Asks for the asset (or a licence seat) for a person: requesters for themselves, the desk for
/// anyone. The caller is recorded as `requested_by` through their own person record (the one
/// whose `external_id` is their token subject); a caller without one gets 422 naming
/// `requested_by`. A `person_id` not of the organisation is 422.
#[utoipa::path(
    operation_id = "request_asset_assignment",
    tag = "assets",
    params(("id" = uuid::Uuid, Path, description = "Asset id")),
    request_body = RequestAssignment,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Assignment requested", body = AssignmentDto,
            headers(("ETag" = String, description = "Version of the assignment"), ("Location" = String))),
        (status = 403, description = "Role may not request, or not for someone else", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such asset in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A restriction of the person's processing holds for their assignments (Art 18(2)), the problem naming it and its ground", body = Problem, content_type = "application/problem+json"),
        BodyProblems,
    )
)]
#[post("/assets/{id}/assignments")]
async fn request_assignment(
    caller: Caller<Staff>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: ValidJson<RequestAssignment>,
) -> ApiResult<HttpResponse> {
    let asset_id: AssetId = path_id("id", &id)?;
    let person_id = body.0.person_id;
    let desk = caller.has_any(&[Role::Agent, Role::Admin]);
    let principal = caller.principal.clone();
    let assignment_id = AssignmentId::from_uuid(clock::new_uuid());
    let change_id = clock::new_uuid();
    let now = clock::now();
    let assignment = state
        .write_audited(Trail::new(&caller, now), move |conn, trail| {
            let org_id = principal.org_id;
            store::get(conn, org_id, asset_id)?;
            let requester = principal.person().ok_or_else(|| {
                StoreError::Domain(DomainError::invalid(
                    "requested_by",
                    "the caller has no person record in this organisation",
                ))
            })?;
            if !desk && requester != person_id {
                return Err(StoreError::Domain(DomainError::NotPermitted(
                    "requesters ask for assets for themselves only",
                )));
            }
            persistence::people::ensure_known(conn, org_id, person_id, "person_id")?;
            check_assignment_restricted(conn, org_id, person_id, now)?;
            let assignment = Assignment {
                id: assignment_id,
                asset_id,
                person_id,
                requested_by: requester,
                status: AssignmentStatus::Requested,
                approved_by: None,
                requested_at: now,
                approved_at: None,
                issued_at: None,
                ended_at: None,
                version: 1,
            };
            store::request(conn, org_id, &assignment, principal.actor(), change_id)?;
            record(trail, AuditOperation::Create, &assignment);
            Ok(assignment)
        })
        .await
        .map_err(ApiError::not_found_as("asset"))?;
    let location = format!("/api/v1/assets/{asset_id}/assignments/{}", assignment.id);
    Ok(created(
        &location,
        assignment.version,
        AssignmentDto::from(assignment),
    ))
}

/// List an asset's assignments
///
/// Newest first.
#[utoipa::path(
    operation_id = "list_asset_assignments",
    tag = "assets",
    params(("id" = uuid::Uuid, Path, description = "Asset id"), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of assignments", body = AssignmentPage),
        (status = 403, description = "Role may not read assignments", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such asset in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/assets/{id}/assignments")]
async fn list_assignments(
    caller: Caller<AssetOverseers>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<AssignmentPage>> {
    let asset_id: AssetId = path_id("id", &id)?;
    let mut params = Params::default();
    let (limit, after) = page.parse::<AssignmentId>(&mut params);
    params.finish()?;
    let org_id = caller.org_id;
    let (items, more) = state
        .read(move |conn| store::list_assignments(conn, org_id, asset_id, limit, after))
        .await
        .map_err(ApiError::not_found_as("asset"))?;
    let mut trail = Trail::new(&caller, clock::now());
    for assignment in &items {
        record(&mut trail, AuditOperation::List, assignment);
    }
    state.record_reads(trail).await?;
    Ok(web::Json(AssignmentPage::of(items, more, |a| {
        a.id.as_uuid()
    })))
}

/// Move an assignment
///
/// requested → approved | rejected, approved → issued, issued → returned | lost; anything else
/// is 409. Approval is by someone other than the requester and the person it is for (403), and
/// needs the approver's person record (422 naming `approved_by`). Approving takes a seat of a
/// licence: none free is 409. Send `If-Match` with the ETag you read; a stale one is 412.
#[utoipa::path(
    operation_id = "update_asset_assignment",
    tag = "assets",
    params(
        ("id" = uuid::Uuid, Path, description = "Asset id"),
        ("assignment_id" = uuid::Uuid, Path, description = "Assignment id"),
        IfMatchHeader,
    ),
    request_body = UpdateAssignment,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The moved assignment", body = AssignmentDto,
            headers(("ETag" = String, description = "New version"))),
        (status = 403, description = "Only the desk moves assignments; approval by someone else", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such asset or assignment in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Illegal transition, or no seat free; or a restriction of the person's processing holds for their assignments (Art 18(2)), the problem naming it and its ground", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        BodyProblems,
    )
)]
#[patch("/assets/{id}/assignments/{assignment_id}")]
async fn update_assignment(
    caller: Caller<Desk>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    req: HttpRequest,
    body: ValidJson<UpdateAssignment>,
) -> ApiResult<HttpResponse> {
    let asset_id: AssetId = path_id("id", &path.0)?;
    let assignment_id: AssignmentId = path_id("assignment_id", &path.1)?;
    let expected = if_match(&req);
    let next = body.0.status;
    let principal = caller.principal.clone();
    let change_id = clock::new_uuid();
    let now = clock::now();
    let assignment = state
        .write_audited(Trail::new(&caller, now), move |conn, trail| {
            let approver = principal.person();
            match store::get_assignment(conn, principal.org_id, asset_id, assignment_id) {
                Ok(current) => {
                    check_assignment_restricted(conn, principal.org_id, current.person_id, now)?;
                }
                Err(StoreError::NotFound) => {}
                Err(other) => return Err(other),
            }
            let assignment = store::transition(
                conn,
                principal.org_id,
                asset_id,
                assignment_id,
                expected,
                next,
                principal.actor(),
                approver,
                change_id,
                now,
            )?;
            record(trail, AuditOperation::Update, &assignment);
            Ok(assignment)
        })
        .await
        .map_err(ApiError::not_found_as("asset or assignment"))?;
    Ok(tagged(assignment.version, AssignmentDto::from(assignment)))
}

/// An assignment's history
///
/// Every status change, oldest first, with who made it.
#[utoipa::path(
    operation_id = "list_asset_assignment_changes",
    tag = "assets",
    params(
        ("id" = uuid::Uuid, Path, description = "Asset id"),
        ("assignment_id" = uuid::Uuid, Path, description = "Assignment id"),
        PageQuery,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of changes", body = AssignmentChangePage),
        (status = 403, description = "Role may not read assignments", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such asset or assignment in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/assets/{id}/assignments/{assignment_id}/changes")]
async fn list_assignment_changes(
    caller: Caller<AssetOverseers>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<AssignmentChangePage>> {
    let asset_id: AssetId = path_id("id", &path.0)?;
    let assignment_id: AssignmentId = path_id("assignment_id", &path.1)?;
    let mut params = Params::default();
    let (limit, after) = page.parse::<uuid::Uuid>(&mut params);
    params.finish()?;
    let org_id = caller.org_id;
    let (items, more) = state
        .read(move |conn| store::list_changes(conn, org_id, asset_id, assignment_id, limit, after))
        .await
        .map_err(ApiError::not_found_as("asset or assignment"))?;
    Ok(web::Json(AssignmentChangePage::of(items, more, |c| c.id)))
}

/// List the caller's own assignments
///
/// What the caller holds, held or asked for, across the organisation's assets, newest first:
/// the assignments of the caller's person record (the one whose `external_id` is their token
/// subject), each with its asset. Nobody else's assignments, and no other person's ids. A caller
/// without a person record gets 404, as for `/people/me`.
#[utoipa::path(
    operation_id = "list_own_asset_assignments",
    tag = "assets",
    params(OwnAssignmentQuery, PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the caller's assignments", body = OwnAssignmentPage),
        (status = 403, description = "A processor's user acting for a controller", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The caller has no record in the organisation", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/people/me/assignments")]
async fn list_own_assignments(
    caller: Caller<Members>,
    state: web::Data<AppState>,
    query: web::Query<OwnAssignmentQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<OwnAssignmentPage>> {
    let mut params = Params::default();
    let status: Option<AssignmentStatus> = params.optional("status", query.status.as_deref());
    let (limit, after) = page.parse::<AssignmentId>(&mut params);
    params.finish()?;
    let principal = caller.principal.clone();
    let (items, more) = state
        .read(move |conn| {
            let person = principal.person().ok_or(StoreError::NotFound)?;
            store::list_for_person(conn, principal.org_id, person, status, limit, after)
        })
        .await
        // The answer `/people/me` gives a caller without a person record.
        .map_err(ApiError::not_found_as("person"))?;
    let mut trail = Trail::new(&caller, clock::now());
    for held in &items {
        record(&mut trail, AuditOperation::List, &held.assignment);
    }
    state.record_reads(trail).await?;
    Ok(web::Json(OwnAssignmentPage::of(items, more, |h| {
        h.assignment.id.as_uuid()
    })))
}

// ---------------------------------------------------------------------------------------------
// Report

/// Asset report
///
/// Assets by kind, assignments by kind and status, and every leaver (status `leaver`, or a
/// leave date before today) still holding an issued asset, for the desk to recover.
#[utoipa::path(
    operation_id = "asset_report",
    tag = "assets",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report", body = AssetReportDto),
        (status = 401, response = Unauthenticated),
        (status = 403, description = "Role may not read the asset report", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/assets/report")]
async fn asset_report(
    caller: Caller<AssetOverseers>,
    state: web::Data<AppState>,
) -> ApiResult<web::Json<AssetReportDto>> {
    let org_id = caller.org_id;
    let today = clock::now().date_naive();
    let report = state
        .read(move |conn| store::report(conn, org_id, today))
        .await?;
    Ok(web::Json(AssetReportDto {
        assets: report
            .assets
            .into_iter()
            .map(|c| AssetKindCount {
                kind: c.kind,
                count: c.count,
            })
            .collect(),
        assignments: report
            .assignments
            .into_iter()
            .map(|c| AssignmentStatusCount {
                kind: c.kind,
                status: c.status,
                count: c.count,
            })
            .collect(),
        leavers_holding: report
            .leavers_holding
            .into_iter()
            .map(|h| LeaverHoldingDto {
                person_id: h.person_id,
                given_name: h.given_name,
                family_name: h.family_name,
                leaves_on: h.leaves_on,
                asset_id: h.asset_id,
                asset_tag: h.asset_tag.as_str().to_owned(),
                kind: h.kind,
                assignment_id: h.assignment_id,
            })
            .collect(),
    }))
}
