//! `/api/v1/disclosures`: the disclosures log (Art 19, 30(1)(d), 15(1)(c)). What was disclosed
//! about a person, to which recipient of the register, when, on what basis and by whom.
//!
//! The DPO keeps it, with agents the DPO grants it (`/disclosure-recorders/{subject}`, the same
//! grant as reading adjustments). A person reads who received their own data
//! (`/people/me/disclosures`, or their own `/people/{id}/disclosures`); their colleagues never
//! do. It is the controller's own record, so a processor's user acting for the controller never
//! reaches it. A record is corrected only by the DPO, with a reason, keeping every version.
//!
//! A record is personal data about the person disclosed: each write commits with its audit
//! event, and each record read or listed is an event, about that person.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use chrono::{DateTime, Utc};
use domain::audit::{AuditOperation, RecordKind};
use domain::disclosures::{
    BasisInLaw, Disclosure, DisclosureAccess, DisclosureAction, DisclosureBasis, DisclosureFacts,
    check_access, check_description, check_explanation, check_reason, check_reference,
};
use domain::grants::Duty;
use domain::ids::{DataCategoryId, DisclosureId, PersonId, RecipientId};
use domain::party::Party;
use domain::register::Register;
use domain::role::Role;
use persistence::StoreError;
use persistence::disclosures::{self, Correction, DisclosureFilter, DisclosureVersion};
use persistence::{people, register};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::audit::Trail;
use crate::auth::{Caller, DisclosureViewers, DpoOrGrantedAgents, Dpos, Members, Principal};
use crate::clock;
use crate::http::etag::{IfMatchHeader, created, if_match, tagged};
use crate::http::json::ValidJson;
use crate::http::page::{PageQuery, page};
use crate::http::params::{Params, path_id};
use crate::http::problem::responses::{BodyProblems, ListProblems, PathProblems, Stale};
use crate::http::{ApiError, ApiResult, FieldError, Problem};
use crate::routes::grants::{self, GrantDto};
use crate::routes::restrictions::check_disclosure;
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(record_disclosure)
        .service(list_disclosures)
        .service(get_disclosure)
        .service(correct_disclosure)
        .service(list_disclosure_versions)
        // Before `/people/{id}/disclosures`, so `me` is never read as an id.
        .service(list_own_disclosures)
        .service(list_person_disclosures)
        .service(grant_disclosure_recorder)
        .service(revoke_disclosure_recorder);
}

// ---------------------------------------------------------------------------------------------
// Bodies

/// A disclosure of a person's data to a recipient of the register.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisclosureDto {
    pub id: DisclosureId,
    /// The person the data is about.
    pub person_id: PersonId,
    /// The recipient entry of the organisation's register.
    pub recipient_id: RecipientId,
    /// The recipient's name in the register; null if the entry has since been removed.
    pub recipient_name: Option<String>,
    pub disclosed_at: DateTime<Utc>,
    pub basis: DisclosureBasis,
    /// What the law calls the basis, and the lawful basis it gives where one follows.
    pub basis_in_law: BasisInLaw,
    /// Why, for basis `other`.
    pub explanation: Option<String>,
    /// The register's data categories disclosed.
    pub data_categories: Vec<DataCategoryId>,
    /// Their names, in the same order; null for one since removed from the register.
    pub data_category_names: Vec<Option<String>>,
    /// What was disclosed.
    pub description: String,
    /// The request's or order's reference (a court order number).
    pub reference: Option<String>,
    /// Who recorded it.
    pub recorded_by: Party,
    pub recorded_at: DateTime<Utc>,
    /// The record's version; its ETag.
    pub version: i64,
}

impl DisclosureDto {
    /// The record, with the names the register gives its recipient and categories.
    fn named(d: Disclosure, register: &Register) -> Self {
        let f = d.facts;
        DisclosureDto {
            id: d.id,
            person_id: f.person_id,
            recipient_id: f.recipient_id,
            recipient_name: register.recipient(f.recipient_id).map(|r| r.name.clone()),
            disclosed_at: f.disclosed_at,
            basis: f.basis,
            basis_in_law: f.basis.in_law(),
            explanation: f.explanation,
            data_category_names: f
                .data_categories
                .iter()
                .map(|&c| register.data_category(c).map(|c| c.name.clone()))
                .collect(),
            data_categories: f.data_categories,
            description: f.description,
            reference: f.reference,
            recorded_by: d.recorded_by,
            recorded_at: d.recorded_at,
            version: d.version,
        }
    }
}

/// A disclosure to record.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordDisclosure {
    /// A person of the caller's organisation.
    pub person_id: PersonId,
    /// A recipient entry of the organisation's register.
    pub recipient_id: RecipientId,
    /// When it was disclosed: now or in the past, never the future.
    pub disclosed_at: DateTime<Utc>,
    pub basis: DisclosureBasis,
    /// Why; required for basis `other`.
    #[schema(max_length = 2000)]
    pub explanation: Option<String>,
    /// Data categories of the organisation's register, at least one.
    #[schema(min_items = 1, max_items = 100)]
    #[validate(length(max = 100))]
    pub data_categories: Vec<DataCategoryId>,
    /// What was disclosed.
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub description: String,
    /// The request's or order's reference (a court order number).
    #[schema(max_length = 200)]
    pub reference: Option<String>,
}

/// A correction of a record, with the reason for it. Fields left out stay as they are;
/// `explanation` and `reference` may be `null` to clear them. The corrected record keeps every
/// rule a new one keeps.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectDisclosure {
    /// Why the record is corrected; kept with the new version.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
    pub person_id: Option<PersonId>,
    pub recipient_id: Option<RecipientId>,
    pub disclosed_at: Option<DateTime<Utc>>,
    pub basis: Option<DisclosureBasis>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub explanation: Option<Option<String>>,
    #[schema(min_items = 1, max_items = 100)]
    #[validate(length(max = 100))]
    pub data_categories: Option<Vec<DataCategoryId>>,
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub reference: Option<Option<String>>,
}

/// Filters of the disclosures log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DisclosureListQuery {
    /// Only disclosures about this person.
    #[param(value_type = Option<uuid::Uuid>)]
    pub person_id: Option<String>,
    /// Only disclosures to this recipient of the register.
    #[param(value_type = Option<uuid::Uuid>)]
    pub recipient_id: Option<String>,
    /// Only disclosures made at or after this moment (RFC 3339).
    #[param(value_type = Option<DateTime<Utc>>)]
    pub from: Option<String>,
    /// Only disclosures made at or before this moment (RFC 3339).
    #[param(value_type = Option<DateTime<Utc>>)]
    pub to: Option<String>,
}

/// A page of disclosures, newest recorded first. Built by [`named_page`], which names each
/// record's recipient and categories from the register.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisclosurePage {
    pub items: Vec<DisclosureDto>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// One version of a record: the first as recorded, each later one as corrected and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisclosureVersionDto {
    pub id: Uuid,
    pub disclosure_id: DisclosureId,
    pub version: i64,
    pub person_id: PersonId,
    pub recipient_id: RecipientId,
    pub disclosed_at: DateTime<Utc>,
    pub basis: DisclosureBasis,
    pub explanation: Option<String>,
    pub data_categories: Vec<DataCategoryId>,
    pub description: String,
    pub reference: Option<String>,
    /// Who recorded (version 1) or corrected it.
    pub actor: Party,
    /// Why it was corrected; null for the version first recorded.
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

impl From<DisclosureVersion> for DisclosureVersionDto {
    fn from(v: DisclosureVersion) -> Self {
        let f = v.facts;
        DisclosureVersionDto {
            id: v.id,
            disclosure_id: v.disclosure_id,
            version: v.version,
            person_id: f.person_id,
            recipient_id: f.recipient_id,
            disclosed_at: f.disclosed_at,
            basis: f.basis,
            explanation: f.explanation,
            data_categories: f.data_categories,
            description: f.description,
            reference: f.reference,
            actor: v.actor,
            reason: v.reason,
            at: v.at,
        }
    }
}

page! {
    /// A page of a record's versions, oldest first.
    DisclosureVersionPage of DisclosureVersionDto
}

// ---------------------------------------------------------------------------------------------
// Rules

fn roles(caller: &Principal) -> Vec<Role> {
    caller.roles.iter().copied().collect()
}

/// The domain's rule for `action`, with the caller's grant looked up.
fn authorise(
    conn: &mut persistence::AnyConnection,
    caller: &Principal,
    action: DisclosureAction,
    is_subject: bool,
) -> Result<(), StoreError> {
    let granted = grants::holds(conn, caller, Duty::Disclosures)?;
    let access = DisclosureAccess {
        is_subject,
        granted,
    };
    Ok(check_access(&roles(caller), action, access)?)
}

/// Text fields parsed by the domain's rules, each fault kept to answer them all at once.
#[derive(Default)]
struct TextFaults(Vec<FieldError>);

impl TextFaults {
    /// The parsed value; on a fault, a stand-in that `finish` never lets be used.
    fn keep<T: Default>(&mut self, result: Result<T, domain::DomainError>) -> T {
        result
            .map_err(|error| self.0.push(FieldError::from(error)))
            .unwrap_or_default()
    }

    /// 422 naming every field at fault, or Ok.
    fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::fields(self.0))
        }
    }
}

/// A page of records named by the register, read in one go.
fn named_page(
    conn: &mut persistence::AnyConnection,
    caller: &Principal,
    found: (Vec<Disclosure>, bool),
) -> Result<DisclosurePage, StoreError> {
    let register = register::load(conn, caller.org_id, None)?.register;
    let (items, more) = found;
    let next_cursor = crate::http::page::next_cursor(&items, more, |d| d.id.as_uuid());
    Ok(DisclosurePage {
        items: items
            .into_iter()
            .map(|d| DisclosureDto::named(d, &register))
            .collect(),
        next_cursor,
    })
}

fn with_etag(
    conn: &mut persistence::AnyConnection,
    d: Disclosure,
) -> Result<(i64, DisclosureDto), StoreError> {
    let register = register::load(conn, d.org_id, None)?.register;
    Ok((d.version, DisclosureDto::named(d, &register)))
}

/// Whom a record is about, as the audit trail names them: the person disclosed.
fn about(person: PersonId) -> Option<Party> {
    Some(Party::Person(person))
}

/// Records a page of the log as read: one `list` event per record shown, about its person.
async fn record_listed(
    state: &AppState,
    caller: &Principal,
    page: &DisclosurePage,
) -> Result<(), ApiError> {
    let mut trail = Trail::new(caller, clock::now());
    for d in &page.items {
        trail.record(
            AuditOperation::List,
            RecordKind::Disclosure,
            d.id,
            about(d.person_id),
        );
    }
    state.record_reads(trail).await
}

// ---------------------------------------------------------------------------------------------
// Handlers

/// Record a disclosure
///
/// Records what was disclosed about a person of the organisation, to which recipient of its
/// register, when (not in the future), on what basis (`other` needs an `explanation`) and
/// which data categories. The recorder is the caller. The DPO records, and agents the DPO
/// has granted it (`/disclosure-recorders/{subject}`); any other agent is 403. An unknown
/// person, recipient or category is 422 naming the field.
#[utoipa::path(
    operation_id = "record_disclosure",
    tag = "disclosures",
    request_body = RecordDisclosure,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Disclosure recorded", body = DisclosureDto,
            headers(("ETag" = String, description = "Version of the record"), ("Location" = String))),
        (status = 403, description = "Only the DPO and agents granted it record disclosures", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A restriction of the person's processing held when the disclosure was made, covering a purpose holding a category disclosed, and no exception allowed it (Art 18(2)); the problem names the restriction and its ground", body = Problem, content_type = "application/problem+json"),
        BodyProblems,
    )
)]
#[post("/disclosures")]
async fn record_disclosure(
    caller: Caller<DpoOrGrantedAgents>,
    state: web::Data<AppState>,
    body: ValidJson<RecordDisclosure>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let mut faults = TextFaults::default();
    let description = faults.keep(check_description(&body.description));
    let explanation = faults.keep(check_explanation(body.explanation.as_deref().unwrap_or("")));
    let reference = faults.keep(check_reference(body.reference.as_deref().unwrap_or("")));
    faults.finish()?;
    let now = clock::now();
    let disclosure = Disclosure {
        id: DisclosureId::from_uuid(clock::new_uuid()),
        org_id: caller.org_id,
        facts: DisclosureFacts {
            person_id: body.person_id,
            recipient_id: body.recipient_id,
            disclosed_at: body.disclosed_at,
            basis: body.basis,
            explanation,
            data_categories: body.data_categories,
            description,
            reference,
        },
        recorded_by: caller.actor().to_owned(),
        recorded_at: now,
        version: 1,
    };
    let principal = caller.principal.clone();
    let version_id = clock::new_uuid();
    let (version, dto) = state
        .write_audited(Trail::new(&caller, now), move |conn, trail| {
            authorise(conn, &principal, DisclosureAction::Record, false)?;
            // Art 18(2): no disclosure of restricted data made while the restriction held,
            // unless an exception let it through; checked in the write's transaction.
            check_disclosure(conn, principal.org_id, &disclosure.facts)?;
            let stored = disclosures::record(conn, &disclosure, version_id)?;
            trail.record(
                AuditOperation::Create,
                RecordKind::Disclosure,
                stored.id,
                about(stored.facts.person_id),
            );
            with_etag(conn, stored)
        })
        .await?;
    let location = format!("/api/v1/disclosures/{}", dto.id);
    Ok(created(&location, version, dto))
}

/// List disclosures
///
/// The organisation's disclosures log, newest recorded first, narrowed by person, recipient
/// and the moment of disclosure (`from`, `to`, both inclusive). For the DPO and agents granted
/// it.
#[utoipa::path(
    operation_id = "list_disclosures",
    tag = "disclosures",
    params(DisclosureListQuery, PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of disclosures", body = DisclosurePage),
        (status = 403, description = "Only the DPO and agents granted it read the log", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/disclosures")]
async fn list_disclosures(
    caller: Caller<DpoOrGrantedAgents>,
    state: web::Data<AppState>,
    query: web::Query<DisclosureListQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<DisclosurePage>> {
    let mut params = Params::default();
    let person_id: Option<Uuid> = params.optional("person_id", query.person_id.as_deref());
    let recipient_id: Option<Uuid> = params.optional("recipient_id", query.recipient_id.as_deref());
    let filter = DisclosureFilter {
        person_id: person_id.map(PersonId::from_uuid),
        recipient_id: recipient_id.map(RecipientId::from_uuid),
        from: params.moment("from", query.from.as_deref()),
        to: params.moment("to", query.to.as_deref()),
    };
    let (limit, after) = page.parse::<DisclosureId>(&mut params);
    params.finish()?;
    let principal = caller.principal.clone();
    let page = state
        .read(move |conn| {
            authorise(conn, &principal, DisclosureAction::Read, false)?;
            let found = disclosures::list(conn, principal.org_id, &filter, limit, after)?;
            named_page(conn, &principal, found)
        })
        .await?;
    record_listed(&state, &caller, &page).await?;
    Ok(web::Json(page))
}

/// Get a disclosure
///
/// One record of the organisation's log, with its ETag for `If-Match`. For the DPO and agents
/// granted it.
#[utoipa::path(
    operation_id = "get_disclosure",
    tag = "disclosures",
    params(("id" = uuid::Uuid, Path, description = "Disclosure id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The disclosure", body = DisclosureDto,
            headers(("ETag" = String, description = "Version, for If-Match"))),
        (status = 403, description = "Only the DPO and agents granted it read the log", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such disclosure in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[get("/disclosures/{id}")]
async fn get_disclosure(
    caller: Caller<DpoOrGrantedAgents>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id: DisclosureId = path_id("id", &id)?;
    let principal = caller.principal.clone();
    let (version, dto) = state
        .read(move |conn| {
            // Refused before looking: an agent without the grant learns nothing of the log.
            authorise(conn, &principal, DisclosureAction::Read, false)?;
            let found = disclosures::get(conn, principal.org_id, id)?;
            with_etag(conn, found)
        })
        .await
        .map_err(ApiError::not_found_as("disclosure"))?;
    let trail = Trail::single(
        &caller,
        clock::now(),
        AuditOperation::Read,
        RecordKind::Disclosure,
        dto.id,
        about(dto.person_id),
    );
    state.record_reads(trail).await?;
    Ok(tagged(version, dto))
}

/// Correct a disclosure
///
/// The DPO corrects a record, giving the `reason`; the record is never edited silently nor
/// deleted. The corrected record keeps every rule a new one keeps (422 naming the field), its
/// version goes up and the new version is kept with the reason beside the earlier ones
/// (`/disclosures/{id}/versions`). Send `If-Match` with the ETag you read; a stale one is 412.
///
/// Restriction (Art 18(2)) is judged as for a new record, on the disclosure the record states
/// once corrected: its person, the moment it was made and the categories disclosed. Keeping
/// the log is not processing beyond storage; the disclosure it states is. A correction stating
/// a disclosure made before any restriction covering it was placed (a typo in its description,
/// a reference added, its recipient or categories put right) corrects the log and goes through;
/// one stating a disclosure made while a restriction held (moved to a later moment, put on
/// another person, given a category of a restricted purpose) is refused with 409 naming the
/// restriction and its ground, unless an exception in force at that moment allowed disclosure,
/// and nothing is written.
#[utoipa::path(
    operation_id = "correct_disclosure",
    tag = "disclosures",
    params(
        ("id" = uuid::Uuid, Path, description = "Disclosure id"),
        IfMatchHeader,
    ),
    request_body = CorrectDisclosure,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The corrected disclosure", body = DisclosureDto,
            headers(("ETag" = String, description = "New version"))),
        (status = 403, description = "Only the DPO corrects a record", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such disclosure in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The record as corrected states a disclosure made while a restriction of the person's processing held, covering a purpose holding a category disclosed, and no exception allowed it (Art 18(2)); the problem names the restriction and its ground, and nothing is written", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        BodyProblems,
    )
)]
#[patch("/disclosures/{id}")]
async fn correct_disclosure(
    caller: Caller<Dpos>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
    body: ValidJson<CorrectDisclosure>,
) -> ApiResult<HttpResponse> {
    let id: DisclosureId = path_id("id", &id)?;
    let expected = if_match(&req);
    let body = body.0;
    // The text rules, on what the correction sends; the current record's text keeps them.
    let mut faults = TextFaults::default();
    let reason = faults.keep(check_reason(&body.reason));
    let description = body
        .description
        .as_deref()
        .map(|d| faults.keep(check_description(d)));
    let explanation = body
        .explanation
        .as_ref()
        .map(|e| faults.keep(check_explanation(e.as_deref().unwrap_or(""))));
    let reference = body
        .reference
        .as_ref()
        .map(|r| faults.keep(check_reference(r.as_deref().unwrap_or(""))));
    faults.finish()?;
    let org_id = caller.org_id;
    let change = move |conn: &mut persistence::AnyConnection, current: &DisclosureFacts| {
        let corrected = DisclosureFacts {
            person_id: body.person_id.unwrap_or(current.person_id),
            recipient_id: body.recipient_id.unwrap_or(current.recipient_id),
            disclosed_at: body.disclosed_at.unwrap_or(current.disclosed_at),
            basis: body.basis.unwrap_or(current.basis),
            explanation: explanation.unwrap_or_else(|| current.explanation.clone()),
            data_categories: body
                .data_categories
                .unwrap_or_else(|| current.data_categories.clone()),
            description: description.unwrap_or_else(|| current.description.clone()),
            reference: reference.unwrap_or_else(|| current.reference.clone()),
        };
        // Art 18(2): the record as corrected is judged as a new one would be, on the
        // disclosure it states, in the correction's transaction.
        check_disclosure(conn, org_id, &corrected)?;
        Ok(corrected)
    };
    let actor = caller.actor().to_owned();
    let principal = caller.principal.clone();
    let version_id = clock::new_uuid();
    let now = clock::now();
    let (version, dto) = state
        .write_audited(Trail::new(&caller, now), move |conn, trail| {
            authorise(conn, &principal, DisclosureAction::Correct, false)?;
            let mut was_about = None;
            let corrected = disclosures::correct(
                conn,
                principal.org_id,
                id,
                |conn, current| {
                    was_about = Some(current.person_id);
                    change(conn, current)
                },
                Correction {
                    accepted_versions: expected,
                    actor: &actor,
                    reason: &reason,
                    version_id,
                    now,
                },
            )?;
            // A record put on another person changes what the log says about both.
            let is_about = corrected.facts.person_id;
            for person in std::iter::once(is_about).chain(was_about.filter(|p| *p != is_about)) {
                trail.record(
                    AuditOperation::Update,
                    RecordKind::Disclosure,
                    corrected.id,
                    about(person),
                );
            }
            with_etag(conn, corrected)
        })
        .await
        .map_err(ApiError::not_found_as("disclosure"))?;
    Ok(tagged(version, dto))
}

/// A disclosure's versions
///
/// Every version of the record, oldest first: as first recorded, then each correction with
/// who made it, when and why. For the DPO and agents granted it.
#[utoipa::path(
    operation_id = "list_disclosure_versions",
    tag = "disclosures",
    params(("id" = uuid::Uuid, Path, description = "Disclosure id"), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the record's versions", body = DisclosureVersionPage),
        (status = 403, description = "Only the DPO and agents granted it read the log", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such disclosure in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/disclosures/{id}/versions")]
async fn list_disclosure_versions(
    caller: Caller<DpoOrGrantedAgents>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<DisclosureVersionPage>> {
    let id: DisclosureId = path_id("id", &id)?;
    let mut params = Params::default();
    let (limit, after) = page.parse::<Uuid>(&mut params);
    params.finish()?;
    let principal = caller.principal.clone();
    let (items, more) = state
        .read(move |conn| {
            authorise(conn, &principal, DisclosureAction::Read, false)?;
            disclosures::versions(conn, principal.org_id, id, limit, after)
        })
        .await
        .map_err(ApiError::not_found_as("disclosure"))?;
    // Reading a record's history is reading the record, about each person a version shown
    // names (a correction may have put it on another person).
    let people: std::collections::BTreeSet<PersonId> =
        items.iter().map(|v| v.facts.person_id).collect();
    let mut trail = Trail::new(&caller, clock::now());
    for person in people {
        trail.record(
            AuditOperation::Read,
            RecordKind::Disclosure,
            id,
            about(person),
        );
    }
    state.record_reads(trail).await?;
    Ok(web::Json(DisclosureVersionPage::of(items, more, |v| v.id)))
}

/// A page of one person's disclosures, newest recorded first.
fn person_page(
    conn: &mut persistence::AnyConnection,
    caller: &Principal,
    person_id: PersonId,
    page: (domain::page::PageLimit, Option<DisclosureId>),
) -> Result<DisclosurePage, StoreError> {
    let filter = DisclosureFilter {
        person_id: Some(person_id),
        ..DisclosureFilter::default()
    };
    let found = disclosures::list(conn, caller.org_id, &filter, page.0, page.1)?;
    named_page(conn, caller, found)
}

/// The caller's own disclosures
///
/// Who received the caller's data, when, on what basis and what (Art 15(1)(c)): the person
/// whose external id is the token's subject. A processor's user acting for a controller is
/// none of its people: `Acting-For` is refused (403).
#[utoipa::path(
    operation_id = "list_own_disclosures",
    tag = "disclosures",
    params(PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the caller's disclosures", body = DisclosurePage),
        (status = 403, description = "A processor's user acting for a controller", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The caller has no record in the organisation", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/people/me/disclosures")]
async fn list_own_disclosures(
    caller: Caller<Members>,
    state: web::Data<AppState>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<DisclosurePage>> {
    let mut params = Params::default();
    let paging = page.parse::<DisclosureId>(&mut params);
    params.finish()?;
    let principal = caller.principal.clone();
    let page = state
        .read(move |conn| {
            let person = principal.person().ok_or(StoreError::NotFound)?;
            person_page(conn, &principal, person, paging)
        })
        .await
        // The answer `/people/me` gives a caller without a person record.
        .map_err(ApiError::not_found_as("person"))?;
    record_listed(&state, &caller, &page).await?;
    Ok(web::Json(page))
}

/// A person's disclosures
///
/// Who received the person's data (Art 15(1)(c), 19). The DPO and agents granted the log read
/// anyone's; the person reads their own. To a requester who is not the person it is 404, as
/// for a person that does not exist; another agent is 403.
#[utoipa::path(
    operation_id = "list_person_disclosures",
    tag = "disclosures",
    params(("id" = uuid::Uuid, Path, description = "Person id"), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the person's disclosures", body = DisclosurePage),
        (status = 403, description = "Only the person, the DPO and agents granted it read this", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person the caller may read", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/people/{id}/disclosures")]
async fn list_person_disclosures(
    caller: Caller<DisclosureViewers>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<DisclosurePage>> {
    let id: PersonId = path_id("id", &id)?;
    let mut params = Params::default();
    let paging = page.parse::<DisclosureId>(&mut params);
    params.finish()?;
    let principal = caller.principal.clone();
    let page = state
        .read(move |conn| {
            people::get(conn, principal.org_id, id)?;
            let is_subject = principal.person() == Some(id);
            match authorise(conn, &principal, DisclosureAction::ReadPerson, is_subject) {
                // A requester learns nothing of whether a colleague exists.
                Err(StoreError::Domain(_)) if !principal.has_any(&[Role::Agent, Role::Dpo]) => {
                    return Err(StoreError::NotFound);
                }
                other => other?,
            }
            person_page(conn, &principal, id, paging)
        })
        .await
        .map_err(ApiError::not_found_as("person"))?;
    record_listed(&state, &caller, &page).await?;
    Ok(web::Json(page))
}

/// Grant an agent recording disclosures
///
/// The DPO grants the agent with this token subject recording and reading the organisation's
/// disclosures log. Granting again keeps the first grant.
#[utoipa::path(
    operation_id = "grant_disclosure_recorder",
    tag = "disclosures",
    params(("subject" = String, Path, description = "The agent's token subject", min_length = 1, max_length = 200, pattern = r"\S")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The grant", body = GrantDto),
        (status = 403, description = "Only the DPO grants this", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[put("/disclosure-recorders/{subject}")]
async fn grant_disclosure_recorder(
    caller: Caller<Dpos>,
    state: web::Data<AppState>,
    subject: web::Path<String>,
) -> ApiResult<web::Json<GrantDto>> {
    grants::grant(&state, &caller, Duty::Disclosures, &subject).await
}

/// Revoke an agent's recording of disclosures
///
/// The agent no longer records or reads the log (what they recorded stays, under their name).
#[utoipa::path(
    operation_id = "revoke_disclosure_recorder",
    tag = "disclosures",
    params(("subject" = String, Path, description = "The agent's token subject", min_length = 1, max_length = 200, pattern = r"\S")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Grant revoked"),
        (status = 403, description = "Only the DPO revokes this", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such grant in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[delete("/disclosure-recorders/{subject}")]
async fn revoke_disclosure_recorder(
    caller: Caller<Dpos>,
    state: web::Data<AppState>,
    subject: web::Path<String>,
) -> ApiResult<HttpResponse> {
    grants::revoke(&state, &caller, Duty::Disclosures, &subject).await
}
