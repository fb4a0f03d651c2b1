//! `/api/v1/audit-events`: the audit trail of every change to and read of personal data, for
//! auditors and the DPO: listed (JSON or CSV), checked, checkpointed and exported for offline
//! checking.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use domain::audit::AuditOperation;
use domain::ids::PersonId;
use domain::party::Party;
use domain::role::Role;
use persistence::StoreError;
use persistence::audit::{self, EventFilter};
use persistence::people;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::audit::export::{AuditEventDto, AuditExport, CheckpointDto, Verification};
use crate::auth::{AuditReaders, Caller};
use crate::clock;
use crate::http::page::{PageQuery, page};
use crate::http::params::Params;
use crate::http::problem::responses::{ListProblems, Unauthenticated};
use crate::http::{ApiError, ApiResult, Problem, csv_chosen, formats};
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(list_events)
        .service(verify_events)
        .service(export_events)
        .service(create_checkpoint);
}

formats! {
    /// The events as JSON or as CSV.
    EventsFormat { Json = "json", Csv = "csv" }
}

/// Filters of the audit trail.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditEventQuery {
    /// Events at or after this RFC 3339 moment.
    #[param(value_type = Option<chrono::DateTime<chrono::Utc>>)]
    pub from: Option<String>,
    /// Events before this RFC 3339 moment.
    #[param(value_type = Option<chrono::DateTime<chrono::Utc>>)]
    pub to: Option<String>,
    /// Events done by this person: a token subject, or a person id (the DPO only). The server
    /// looks for the pseudonym it has under the organisation's key.
    #[param(max_length = 200)]
    pub actor: Option<String>,
    /// Events about this person: a token subject (a person's `external_id`), or a person id
    /// (the DPO only).
    #[param(max_length = 200)]
    pub subject: Option<String>,
    #[param(value_type = Option<AuditOperation>)]
    pub operation: Option<String>,
    #[param(value_type = Option<domain::audit::AuditedRecordKind>)]
    pub record_kind: Option<String>,
    /// Events about this one record: its id as the events name it (their `record_id`).
    /// Combined with the other filters, as each is with the rest: with `record_kind`, the
    /// record of that kind; with `operation`, only those done to it.
    #[param(max_length = 100)]
    pub record_id: Option<String>,
    /// `json` or `csv`; without it, `Accept: text/csv` asks for CSV.
    #[param(value_type = Option<EventsFormat>, inline)]
    pub format: Option<String>,
}

page! {
    /// A page of audit events.
    AuditEventPage of AuditEventDto
}

/// The forms under which `named` may appear in the trail: as a token subject, and, when it
/// names a person of the organisation (by id or by `external_id`), as that person and their
/// token subject.
fn identities(
    conn: &mut persistence::AnyConnection,
    org_id: domain::ids::OrgId,
    named: &str,
) -> Result<Vec<Party>, StoreError> {
    let mut forms = vec![Party::Account(named.to_owned())];
    let person = match named.parse::<PersonId>() {
        Ok(id) => {
            forms.push(Party::Person(id));
            match people::get(conn, org_id, id) {
                Ok(stored) => Some(stored),
                Err(StoreError::NotFound) => None,
                Err(other) => return Err(other),
            }
        }
        Err(_) => people::find_by_external_id(conn, org_id, named)?,
    };
    if let Some(stored) = person {
        let person = stored.person;
        forms.push(Party::Person(person.id));
        if let Some(external_id) = person.external_id {
            forms.push(Party::Account(external_id.as_str().to_owned()));
        }
    }
    forms.dedup();
    Ok(forms)
}

/// List audit events
///
/// The organisation's audit trail, newest first: every change to personal data and every read
/// of it, with who acted and whom the record is about as pseudonyms. The DPO may filter by
/// `actor` or `subject` naming the person as they know them (a token subject, or a person id):
/// the server finds their pseudonyms with the organisation's key. Filters combine: each one
/// given narrows the list further. JSON, or CSV (`?format=csv` or `Accept: text/csv`) with the
/// next page in a `Link` header.
#[utoipa::path(
    operation_id = "list_audit_events",
    tag = "audit",
    params(AuditEventQuery, PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of events", content(
            (AuditEventPage = "application/json"),
            (String = "text/csv"),
        )),
        (status = 403, description = "Role may not read the audit trail, or an auditor named a person", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/audit-events")]
async fn list_events(
    caller: Caller<AuditReaders>,
    state: web::Data<AppState>,
    query: web::Query<AuditEventQuery>,
    page: web::Query<PageQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let mut params = Params::default();
    let from = params.moment("from", query.from.as_deref());
    let to = params.moment("to", query.to.as_deref());
    let actor = params.text("actor", query.actor.as_deref(), 200);
    let subject = params.text("subject", query.subject.as_deref(), 200);
    let operation = params.optional("operation", query.operation.as_deref());
    let record_kind = params.optional("record_kind", query.record_kind.as_deref());
    let record_id = params.text("record_id", query.record_id.as_deref(), 100);
    let format: Option<EventsFormat> = params.optional("format", query.format.as_deref());
    let (limit, after) = page.parse::<Uuid>(&mut params);
    params.finish()?;
    if (actor.is_some() || subject.is_some()) && !caller.has(Role::Dpo) {
        return Err(ApiError::Forbidden(
            "finding a person's events is the DPO's: an auditor reads the trail as pseudonyms"
                .into(),
        ));
    }
    let org_id = caller.org_id;
    let (items, more) = state
        .read(move |conn| {
            let mut pseudonyms_of = |named: Option<String>| match named {
                Some(named) => {
                    let forms = identities(conn, org_id, &named)?;
                    audit::pseudonyms(conn, org_id, &forms).map(Some)
                }
                None => Ok(None),
            };
            let filter = EventFilter {
                from,
                to,
                actors: pseudonyms_of(actor)?,
                subjects: pseudonyms_of(subject)?,
                operation,
                record_kind,
                record_id,
            };
            audit::list(conn, org_id, &filter, limit, after)
        })
        .await?;
    let page = AuditEventPage::of(items, more, |e| e.id);
    if !csv_chosen(format.map(|f| f == EventsFormat::Csv), &req) {
        return Ok(HttpResponse::Ok().json(page));
    }
    let mut body = String::new();
    domain::csv::push_row(
        &mut body,
        AuditEventDto::CSV_HEADER.iter().map(|h| (*h).to_owned()),
    );
    for event in &page.items {
        domain::csv::push_row(&mut body, event.csv_row());
    }
    let mut response = HttpResponse::Ok();
    response.content_type("text/csv; charset=utf-8");
    if let Some(cursor) = &page.next_cursor {
        response.insert_header((header::LINK, next_link(&req, cursor)));
    }
    Ok(response.body(body))
}

/// The `Link` to the page after this one: the same query with the cursor replaced.
fn next_link(req: &HttpRequest, cursor: &str) -> String {
    let kept: Vec<&str> = req
        .query_string()
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("cursor="))
        .collect();
    let mut query = kept.join("&");
    if !query.is_empty() {
        query.push('&');
    }
    format!("<{}?{query}cursor={cursor}>; rel=\"next\"", req.path())
}

/// Check the audit trail
///
/// Walks the organisation's whole chain: each event must follow the one before without a gap,
/// link to its hash and match its own; each checkpoint must be signed by the organisation's
/// key and match the event at its position; the chain must end where it was last appended to.
/// Answers `ok`, or names the first event (or checkpoint) at fault.
#[utoipa::path(
    operation_id = "verify_audit_events",
    tag = "audit",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The outcome of the check", body = Verification),
        (status = 401, response = Unauthenticated),
        (status = 403, description = "Role may not read the audit trail", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit-events/verify")]
async fn verify_events(
    caller: Caller<AuditReaders>,
    state: web::Data<AppState>,
) -> ApiResult<web::Json<Verification>> {
    let org_id = caller.org_id;
    let outcome = state.read(move |conn| audit::verify(conn, org_id)).await?;
    Ok(web::Json(outcome.into()))
}

/// Export the audit trail
///
/// Every event of the organisation, its signed checkpoints, its public key, and the end of the
/// chain signed now: what `servicedesk audit verify --from FILE` checks offline. Keep the
/// `head` to check a later export extends this one.
#[utoipa::path(
    operation_id = "export_audit_events",
    tag = "audit",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The trail, for offline checking", body = AuditExport),
        (status = 401, response = Unauthenticated),
        (status = 403, description = "Role may not read the audit trail", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit-events/export")]
async fn export_events(
    caller: Caller<AuditReaders>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let org_id = caller.org_id;
    let now = clock::now();
    // The head first: events up to it are committed, and never change.
    let head = state
        .write(move |conn| audit::signed_head(conn, org_id, now))
        .await?;
    let until = head.as_ref().map_or(0, |h| h.seq);
    let (public_key, checkpoints, events) = state
        .read(move |conn| {
            let public_key = audit::public_key(conn, org_id)?;
            let checkpoints = audit::checkpoints(conn, org_id, until)?;
            let events = audit::chain(conn, org_id, 0, until, until)?;
            Ok((public_key, checkpoints, events))
        })
        .await?;
    let export = AuditExport {
        organisation: caller.org.to_string(),
        org_id,
        signature_algorithm: "Ed25519".into(),
        public_key: public_key.map(|k| domain::audit::to_hex(&k)),
        events: events.into_iter().map(AuditEventDto::from).collect(),
        checkpoints: checkpoints.into_iter().map(CheckpointDto::from).collect(),
        head: head.map(CheckpointDto::from),
    };
    let name = format!(
        "attachment; filename=\"audit-{}-{}.json\"",
        caller.org, until
    );
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_DISPOSITION, name))
        .json(export))
}

/// Sign a checkpoint
///
/// Signs and keeps a checkpoint at the current end of the organisation's chain (or returns
/// the one already there). Checkpoints are also signed every 1000 events. An auditor who keeps
/// one can later show that the trail they are given extends it.
#[utoipa::path(
    operation_id = "create_audit_checkpoint",
    tag = "audit",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The checkpoint", body = CheckpointDto),
        (status = 401, response = Unauthenticated),
        (status = 403, description = "Role may not checkpoint the audit trail", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The trail has no events yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/audit-events/checkpoints")]
async fn create_checkpoint(
    caller: Caller<AuditReaders>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let org_id = caller.org_id;
    let now = clock::now();
    let checkpoint = state
        .write(move |conn| audit::checkpoint(conn, org_id, now))
        .await?
        .ok_or_else(|| ApiError::Conflict("the audit trail has no events yet".into()))?;
    Ok(HttpResponse::Created().json(CheckpointDto::from(checkpoint)))
}
