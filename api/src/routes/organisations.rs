//! `/api/v1/organisations`: who each organisation is and how to reach it, as its notice and its
//! Art 30 record name it. An organisation sees itself and those bound to it by an accepted
//! processing agreement; only its own keepers change its details.

use actix_web::{HttpRequest, HttpResponse, get, put, web};
use chrono::{DateTime, Utc};
use domain::ids::OrgId;
use domain::organisation::OrgSlug;
use domain::register::{Contact, EntryKind, OrganisationDetails};
use domain::rights_requests::Nation;
use persistence::StoreError;
use persistence::register::{self, Meta};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::{Caller, Principal, RegisterKeepers, RegisterReaders};
use crate::clock;
use crate::http::etag::{IfMatchHeader, if_match, tagged};
use crate::http::json::ValidJson;
use crate::http::problem::responses::{BodyProblems, Stale, Unauthenticated};
use crate::http::{ApiError, ApiResult, Problem};
use crate::routes::register::actor_of;
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(list_organisations)
        .service(get_organisation)
        .service(replace_organisation);
}

/// An organisation: its slug and its details as the register holds them.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationDto {
    /// The organisation's slug, as tokens name it.
    #[schema(value_type = String, example = "devon-cc")]
    pub slug: OrgSlug,
    #[serde(flatten)]
    pub details: OrganisationDetails,
    /// 0 until the details are first recorded; the ETag carries it for `If-Match`.
    pub version: i64,
    pub updated_at: Option<DateTime<Utc>>,
}

/// The organisations the caller can see.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationList {
    pub items: Vec<OrganisationDto>,
}

/// An organisation's details, as written.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationInput {
    #[validate(length(max = 200))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    #[validate(length(max = 20))]
    #[schema(max_length = 20, example = "Z6475582")]
    #[serde(default)]
    pub ico_registration_number: Option<String>,
    /// A public authority or body (DPA 2018 s.7).
    pub public_authority: bool,
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub contact: Option<Contact>,
    #[serde(default)]
    pub dpo: Option<Contact>,
    #[serde(default)]
    pub complaints: Option<Contact>,
    #[serde(default)]
    pub uk_representative: Option<Contact>,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    #[serde(default)]
    pub security_measures: Option<String>,
    /// Whose bank holidays count against a rights request's deadline when the request names
    /// no nation (default `england-and-wales`).
    #[serde(default)]
    pub nation: Option<Nation>,
}

impl From<OrganisationInput> for OrganisationDetails {
    fn from(input: OrganisationInput) -> Self {
        OrganisationDetails {
            name: input.name,
            ico_registration_number: input.ico_registration_number,
            public_authority: input.public_authority,
            address: input.address,
            contact: input.contact,
            dpo: input.dpo,
            complaints: input.complaints,
            uk_representative: input.uk_representative,
            security_measures: input.security_measures,
            nation: input.nation.unwrap_or_default(),
        }
    }
}

/// An organisation's details and their facts; never declared gives its registered name.
fn details_of(
    conn: &mut persistence::AnyConnection,
    org_id: OrgId,
) -> Result<(OrganisationDetails, Option<Meta>), StoreError> {
    let loaded = register::load(conn, org_id, None)?;
    let meta = loaded.meta.get(&org_id.as_uuid()).copied();
    Ok((loaded.register.organisation, meta))
}

fn dto(slug: OrgSlug, details: OrganisationDetails, meta: Option<Meta>) -> OrganisationDto {
    OrganisationDto {
        slug,
        details,
        version: meta.map_or(0, |m| m.version),
        updated_at: meta.map(|m| m.updated_at),
    }
}

/// The organisation `slug` names, if the caller may see it.
fn visible(
    conn: &mut persistence::AnyConnection,
    caller_org: OrgId,
    slug: &OrgSlug,
) -> Result<OrgId, StoreError> {
    let id = persistence::organisations::find_by_slug(conn, slug)?.ok_or(StoreError::NotFound)?;
    if register::related_organisations(conn, caller_org)?.contains(&id) {
        Ok(id)
    } else {
        Err(StoreError::NotFound)
    }
}

fn parse_slug(value: &str) -> Result<OrgSlug, ApiError> {
    // A slug that cannot exist names no organisation: 404, as for one that does not.
    OrgSlug::parse(value).map_err(|_| ApiError::no_such("organisation"))
}

/// List organisations
///
/// The caller's organisation and every organisation bound to it by a processing agreement the
/// processor has accepted (and neither party withdrawn), as controller or processor.
#[utoipa::path(
    tag = "organisations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The organisations", body = OrganisationList),
        (status = 401, response = Unauthenticated),
        (status = 403, description = "Role may not read the register", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations")]
async fn list_organisations(
    caller: Caller<RegisterReaders>,
    state: web::Data<AppState>,
) -> ApiResult<web::Json<OrganisationList>> {
    let org_id = caller.org_id;
    let items = state
        .read(move |conn| {
            let related = register::related_organisations(conn, org_id)?;
            let slugs = persistence::organisations::slugs(conn, &related)?;
            let mut items = Vec::with_capacity(related.len());
            for id in related {
                if let Some((_, slug)) = slugs.iter().find(|(found, _)| *found == id) {
                    let (details, meta) = details_of(conn, id)?;
                    items.push(dto(slug.clone(), details, meta));
                }
            }
            Ok(items)
        })
        .await?;
    Ok(web::Json(OrganisationList { items }))
}

/// Get an organisation
///
/// The caller's organisation, or one related to it through a processing agreement, with its
/// details and its ETag for `If-Match`; any other is 404.
#[utoipa::path(
    tag = "organisations",
    params(("slug" = String, Path, description = "Organisation slug")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The organisation", body = OrganisationDto,
            headers(("ETag" = String, description = "Version, for If-Match"))),
        (status = 401, response = Unauthenticated),
        (status = 403, description = "Role may not read the register", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{slug}")]
async fn get_organisation(
    caller: Caller<RegisterReaders>,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let slug = parse_slug(&slug)?;
    let org_id = caller.org_id;
    let found = state
        .read(move |conn| {
            let id = visible(conn, org_id, &slug)?;
            let (details, meta) = details_of(conn, id)?;
            Ok(dto(slug, details, meta))
        })
        .await
        .map_err(ApiError::not_found_as("organisation"))?;
    Ok(tagged(found.version, found))
}

/// Record an organisation's details
///
/// Its name, ICO registration number, whether it is a public authority, address, contacts
/// (general, DPO, complaints, UK representative) and security measures. Only the organisation's
/// own keepers may; send `If-Match` with the ETag you read (`"0"` before the first time).
#[utoipa::path(
    tag = "organisations",
    params(("slug" = String, Path, description = "Organisation slug"), IfMatchHeader),
    request_body = OrganisationInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The organisation as recorded", body = OrganisationDto,
            headers(("ETag" = String, description = "New version"))),
        (status = 403, description = "Role may not change the register, or the organisation is another's", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        BodyProblems,
    )
)]
#[put("/organisations/{slug}")]
async fn replace_organisation(
    caller: Caller<RegisterKeepers>,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    req: HttpRequest,
    body: ValidJson<OrganisationInput>,
) -> ApiResult<HttpResponse> {
    let slug = parse_slug(&slug)?;
    let details = OrganisationDetails::from(body.0);
    let expected = if_match(&req);
    let principal: Principal = caller.principal.clone();
    let actor = actor_of(&principal);
    let now = clock::now();
    let recorded = state
        .write(move |conn| {
            let id = visible(conn, principal.org_id, &slug)?;
            if id != principal.org_id {
                return Err(StoreError::Domain(domain::DomainError::NotPermitted(
                    "only an organisation's own keepers change its details",
                )));
            }
            details.validate().map_err(StoreError::Refused)?;
            register::change(conn, id, |conn, loaded| {
                let current = loaded.meta.get(&id.as_uuid()).copied();
                // Before the first record there is no version but 0.
                let expected = match (expected, current) {
                    (Some(versions), None) if versions.contains(&0) => None,
                    (expected, _) => expected,
                };
                let meta = register::put(
                    conn,
                    id,
                    EntryKind::Organisation,
                    id.as_uuid(),
                    None,
                    &details,
                    expected.as_deref(),
                    &actor,
                    now,
                )?;
                persistence::organisations::rename(conn, id, details.name.trim())?;
                Ok(dto(slug, details, Some(meta)))
            })
        })
        .await?;
    Ok(tagged(recorded.version, recorded))
}
