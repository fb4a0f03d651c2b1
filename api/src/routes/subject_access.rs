//! `/api/v1/rights-requests/{id}/bundle`: the answer to a request of access (Art 15) or
//! portability (Art 20), as JSON or a ZIP of CSV files, streamed as it is read. The DPO
//! fetches any of the organisation's; the person their own. Every export is audited before
//! the first byte goes out.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use domain::audit::{AuditOperation, RecordKind};
use domain::ids::RightsRequestId;
use domain::party::Party;
use domain::register::PersonProcessing;
use domain::role::Role;
use domain::subject_access::Withheld;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use crate::audit::Trail;
use crate::auth::{Caller, RightsRequesters};
use crate::clock;
use crate::http::params::{Params, path_id};
use crate::http::problem::responses::PathProblems;
use crate::http::{ApiError, ApiResult, Problem, formats, zip_chosen};
use crate::state::AppState;
use crate::subject_access::{Asker, BundleAbout, Format, Target, prepare, stream, write_bundle};

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config.service(get_bundle);
}

formats! {
    /// The bundle as one JSON document, or as a ZIP of CSV files.
    BundleFormat { Json = "json", Zip = "zip" }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BundleQuery {
    /// `json` (the default) or `zip`; without it, `Accept: application/zip` asks for the ZIP.
    #[param(value_type = Option<BundleFormat>, inline)]
    pub format: Option<String>,
}

/// The person's rows of one table, as the bundle shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct BundleRecords {
    pub table: String,
    pub record_kind: domain::catalogue::RecordKind,
    /// One object per row: each column shown, a withheld value as `[withheld: <reason>]`, an
    /// audit actor as `the_person` or `organisation`.
    #[schema(value_type = Vec<Object>)]
    pub rows: Vec<Map<String, Value>>,
    pub count: u64,
}

/// A subject access or portability bundle as JSON (written as a stream, in this order).
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectBundle {
    pub about: BundleAbout,
    /// The Art 15(1) facts for each purpose holding the person's data; null for portability.
    pub processing: Option<PersonProcessing>,
    /// Every table walked, in the catalogue's order, with the person's rows.
    pub records: Vec<BundleRecords>,
    /// What was withheld, where, how often and why.
    pub withheld: Vec<Withheld>,
}

/// A ZIP of CSV files: `about.csv`, `processing.csv` (access), one `<table>.csv` per table,
/// `withheld.csv` and `manifest.csv` (each other file's name, SHA-256 and row count).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[expect(dead_code, reason = "describes the streamed archive in the contract")]
pub struct SubjectBundleZip(Vec<u8>);

/// The bundle answering a rights request
///
/// For a request of access (Art 15): the person's data found by walking the personal-data
/// catalogue (their record, tickets they raised or that are about them with public comments,
/// accounts, equipment, consents, survey answers, adjustments, disclosures about them, their
/// rights requests, their record's history, and the audit trail of who read or changed their
/// data) with the Art 15(1) facts of each purpose holding it. Other people's data in shared
/// records is withheld, internal comments too, and audit actors are shown only as the kind
/// of actor; `withheld` counts each with the reason. For a request of portability (Art 20):
/// only what the person provided themselves on consent or contract. Any other right is 409.
///
/// JSON by default; a ZIP of CSV files with `?format=zip` or `Accept: application/zip`. The
/// body is streamed as it is read. The DPO fetches any of the organisation's; the person
/// their own; anyone else's, or another organisation's, is 404. Each export is audited.
#[utoipa::path(
    operation_id = "get_rights_request_bundle",
    tag = "rights-requests",
    params(("id" = uuid::Uuid, Path, description = "Rights request id"), BundleQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The bundle", content(
            (SubjectBundle = "application/json"),
            (SubjectBundleZip = "application/zip"),
        )),
        (status = 400, description = "Invalid parameters (`format`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only the person themselves and the DPO", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request the caller may read", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The request is of a right no bundle answers (only access, Art 15, and portability, Art 20)", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[get("/rights-requests/{id}/bundle")]
async fn get_bundle(
    caller: Caller<RightsRequesters>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<BundleQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let id: RightsRequestId = path_id("id", &id)?;
    let mut params = Params::default();
    let format: Option<BundleFormat> = params.optional("format", query.format.as_deref());
    params.finish()?;
    let format = if zip_chosen(format.map(|f| f == BundleFormat::Zip), &req) {
        Format::Zip
    } else {
        Format::Json
    };
    let org_id = caller.org_id;
    let asker = Asker {
        dpo: caller.has(Role::Dpo),
        own: caller.person(),
    };
    let now = clock::now();
    let bundle = state
        .read(move |conn| prepare(conn, org_id, Target::Request(id), Some(asker), now))
        .await
        .map_err(ApiError::not_found_as("rights request"))?
        .map_err(|refused| ApiError::Conflict(refused.to_string()))?;
    // Recorded with the writes, so an export is audited even where reads are not.
    let person_id = bundle.about.person_id;
    let trail = Trail::single(
        &caller,
        now,
        AuditOperation::Export,
        RecordKind::Person,
        person_id,
        Some(Party::Person(person_id)),
    );
    state.write_audited(trail, |_, _| Ok(())).await?;

    let (writer, body) = stream::channel();
    let failure = writer.failure();
    let db = state.db.clone();
    actix_web::rt::task::spawn_blocking(move || {
        let written = db
            .read()
            .map_err(crate::subject_access::ExportError::from)
            .and_then(|mut conn| write_bundle(&mut conn, &bundle, format, writer, &mut |_| {}));
        if let Err(error) = written {
            // The error names the fault, never a stored value.
            tracing::warn!(%error, "a subject access bundle stopped part way");
            failure.fail();
        }
    });
    let filename = format!("subject-access-{id}.{}", format.extension());
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .streaming(body))
}
