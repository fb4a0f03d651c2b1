//! `/api/v1/privacy-notices`: notices generated from the register and published as immutable,
//! numbered versions; and each organisation's current notice, public as a notice must be.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::organisation::OrgSlug;
use domain::party::Party;
use domain::register::notice::{self, MissingElement, NoticeChange, PrivacyNotice};
use persistence::notices::{self as stored, Published};
use persistence::register;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::{Caller, RegisterKeepers, RegisterReaders};
use crate::clock;
use crate::http::formats;
use crate::http::json::ValidJson;
use crate::http::params::Params;
use crate::http::problem::responses::{
    InvalidParameters, PathProblems, PayloadTooLarge, Unauthenticated, UnsupportedMediaType,
};
use crate::http::{ApiError, ApiResult, FieldError, Problem};
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(publish_notice)
        .service(list_notices)
        .service(get_notice)
        .service(get_public_notice);
}

formats! {
    /// A notice as JSON, Markdown or a standalone HTML page.
    NoticeFormat { Json = "json", Md = "md", Html = "html" }
}

/// A published version of a notice.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeVersion {
    pub version: i64,
    pub effective_date: NaiveDate,
    pub published_at: DateTime<Utc>,
    /// What changed since the version before.
    pub changes: Vec<NoticeChange>,
    pub notice: PrivacyNotice,
}

/// A published version, without its text.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeSummary {
    pub version: i64,
    pub effective_date: NaiveDate,
    pub published_at: DateTime<Utc>,
    /// Who published it.
    pub published_by: Party,
    pub changes: Vec<NoticeChange>,
}

/// The organisation's published versions, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeList {
    pub items: Vec<NoticeSummary>,
}

/// A publication.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishNotice {
    /// The day the notice takes effect: today or later (default today).
    #[serde(default)]
    pub effective_date: Option<NaiveDate>,
}

/// The format of a notice read.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoticeQuery {
    /// `json` (default), `md` or `html`.
    #[param(value_type = Option<NoticeFormat>, inline)]
    pub format: Option<String>,
}

type StoredNotice = Published<PrivacyNotice, Vec<NoticeChange>>;

fn version_of(published: StoredNotice) -> NoticeVersion {
    NoticeVersion {
        version: published.version,
        effective_date: published.effective_date,
        published_at: published.published_at,
        changes: published.changes,
        notice: published.content,
    }
}

fn parse_format(query: &NoticeQuery) -> ApiResult<NoticeFormat> {
    let mut params = Params::default();
    let format = params.optional("format", query.format.as_deref());
    params.finish()?;
    Ok(format.unwrap_or(NoticeFormat::Json))
}

/// The HTML notice is text and links alone: nothing may load into it (no script, style, image
/// or frame), and no other site may frame it to dress up a click.
const NOTICE_CSP: &str =
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

fn render(published: StoredNotice, format: NoticeFormat) -> HttpResponse {
    match format {
        NoticeFormat::Json => HttpResponse::Ok().json(version_of(published)),
        NoticeFormat::Md => HttpResponse::Ok()
            .content_type("text/markdown; charset=utf-8")
            .body(published.content.to_markdown()),
        NoticeFormat::Html => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CONTENT_SECURITY_POLICY, NOTICE_CSP))
            // For browsers that predate CSP's frame-ancestors.
            .insert_header((header::X_FRAME_OPTIONS, "DENY"))
            .body(published.content.to_html()),
    }
}

/// Every missing Art 13/14 element as a field error naming the element and its article.
fn missing(elements: Vec<MissingElement>) -> ApiError {
    ApiError::fields(
        elements
            .into_iter()
            .map(|m| FieldError {
                field: m.element.as_str().to_owned(),
                message: format!("{}: {}", m.article, m.message),
            })
            .collect(),
    )
}

/// Publish a privacy notice
///
/// Generates the next version of the organisation's notice from its register, as an immutable
/// snapshot with a version number, an effective date and the changes since the version before.
/// Refused with 422 listing each missing Art 13/14 element.
#[utoipa::path(
    tag = "records",
    request_body = PublishNotice,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Notice published", body = NoticeVersion, headers(("Location" = String))),
        (status = 403, description = "Role may not change the register", body = Problem, content_type = "application/problem+json"),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "Elements of Art 13/14 are missing from the register, each named with its article; or the effective date is past", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[post("/privacy-notices")]
async fn publish_notice(
    caller: Caller<RegisterKeepers>,
    state: web::Data<AppState>,
    body: ValidJson<PublishNotice>,
) -> ApiResult<HttpResponse> {
    let now = clock::now();
    let today = now.date_naive();
    let effective_date = body.0.effective_date.unwrap_or(today);
    if effective_date < today {
        return Err(ApiError::field(
            "effective_date",
            "a notice takes effect today or later, never in the past",
        ));
    }
    let org_id = caller.org_id;
    let publisher = caller.actor().to_owned();
    let published = state
        .write(move |conn| {
            let outcome = register::change(conn, org_id, |conn, loaded| {
                let processor_for: Vec<_> =
                    register::processing_for(conn, org_id, None, effective_date)?
                        .into_iter()
                        .map(|(_, controller)| controller.organisation)
                        .collect();
                let notice = match PrivacyNotice::generate(&loaded.register, &processor_for) {
                    Ok(notice) => notice,
                    Err(elements) => return Ok(Err(elements)),
                };
                let previous: Option<StoredNotice> = stored::latest(conn, org_id, None)?;
                let changes = notice::changes(previous.as_ref().map(|p| &p.content), &notice);
                let version = stored::publish(
                    conn,
                    org_id,
                    effective_date,
                    &publisher,
                    &notice,
                    &changes,
                    now,
                )?;
                Ok(Ok(StoredNotice {
                    version,
                    effective_date,
                    published_at: now,
                    published_by: publisher,
                    content: notice,
                    changes,
                }))
            })?;
            Ok(outcome)
        })
        .await?
        .map_err(missing)?;
    let location = format!("/api/v1/privacy-notices/{}", published.version);
    Ok(HttpResponse::build(StatusCode::CREATED)
        .insert_header((header::LOCATION, location))
        .json(version_of(published)))
}

/// List privacy notice versions
///
/// Every published version of the organisation's privacy notice: its effective date, when and
/// by whom it was published, and what changed.
#[utoipa::path(
    tag = "records",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Published versions, newest first", body = NoticeList),
        (status = 401, response = Unauthenticated),
        (status = 403, description = "Role may not read the register", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/privacy-notices")]
async fn list_notices(
    caller: Caller<RegisterReaders>,
    state: web::Data<AppState>,
) -> ApiResult<web::Json<NoticeList>> {
    let org_id = caller.org_id;
    let versions: Vec<StoredNotice> = state.read(move |conn| stored::list(conn, org_id)).await?;
    Ok(web::Json(NoticeList {
        items: versions
            .into_iter()
            .map(|p| NoticeSummary {
                version: p.version,
                effective_date: p.effective_date,
                published_at: p.published_at,
                published_by: p.published_by,
                changes: p.changes,
            })
            .collect(),
    }))
}

/// Get a privacy notice version
///
/// JSON (with its changes), Markdown, or a standalone HTML page.
#[utoipa::path(
    tag = "records",
    params(("version" = i64, Path, minimum = 1, description = "Version number"), NoticeQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The notice", content(
            (NoticeVersion = "application/json"),
            (String = "text/markdown"),
            (String = "text/html"),
        )),
        (status = 403, description = "Role may not read the register", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such version", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[get("/privacy-notices/{version}")]
async fn get_notice(
    caller: Caller<RegisterReaders>,
    state: web::Data<AppState>,
    version: web::Path<String>,
    query: web::Query<NoticeQuery>,
) -> ApiResult<HttpResponse> {
    let mut params = Params::default();
    let version: Option<i64> = params.optional("version", Some(version.as_str()));
    params.finish()?;
    let format = parse_format(&query)?;
    let org_id = caller.org_id;
    let version = version.unwrap_or(0);
    let published: StoredNotice = state
        .read(move |conn| stored::get(conn, org_id, version))
        .await
        .map_err(ApiError::not_found_as("privacy notice version"))?;
    Ok(render(published, format))
}

/// An organisation's privacy notice
///
/// The notice in effect today: public, needing no token, as a privacy notice is a public
/// document. JSON, Markdown, or a standalone HTML page.
#[utoipa::path(
    tag = "records",
    security(),
    params(("slug" = String, Path, description = "Organisation slug"), NoticeQuery),
    responses(
        (status = 200, description = "The notice in effect", content(
            (NoticeVersion = "application/json"),
            (String = "text/markdown"),
            (String = "text/html"),
        )),
        (status = 400, response = InvalidParameters),
        (status = 404, description = "No such organisation, or no notice in effect", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{slug}/privacy-notice")]
async fn get_public_notice(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<NoticeQuery>,
) -> ApiResult<HttpResponse> {
    let format = parse_format(&query)?;
    let not_found =
        || ApiError::NotFound("no privacy notice in effect for this organisation".into());
    let slug = OrgSlug::parse(&slug).map_err(|_| not_found())?;
    let today = clock::now().date_naive();
    let published: Option<StoredNotice> = state
        .read(
            move |conn| match persistence::organisations::find_by_slug(conn, &slug)? {
                Some(org_id) => stored::latest(conn, org_id, Some(today)),
                None => Ok(None),
            },
        )
        .await?;
    published.map(|p| render(p, format)).ok_or_else(not_found)
}
