//! `/api/v1/reports`: statistics about tickets that name no one (the Derby notice's
//! "pseudonymised or anonymised data"). Counts and times to resolve by a grouping, never a
//! group under 5; and an anonymised CSV of tickets for research, k-anonymous with k = 5. The
//! rules are `domain::ticket_statistics`'; admins, the DPO and auditors read them.

use std::io::Write;

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use domain::audit::{AuditOperation, RecordKind};
use domain::csv::push_row;
use domain::ids::OrgId;
use domain::ticket_statistics::{
    EXPORT_HEADER, MIN_GROUP, TicketGrouping, TicketReport, releasable, row_number, ticket_report,
};
use persistence::ticket_statistics::{self, Raised};
use persistence::{AnyConnection, subject_access};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::audit::Trail;
use crate::auth::{Caller, ReportReaders};
use crate::clock;
use crate::http::params::Params;
use crate::http::problem::responses::ListProblems;
use crate::http::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use crate::subject_access::ExportError;
use crate::subject_access::stream::{self, ChannelWriter};

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config.service(ticket_report_by).service(export_tickets);
}

/// The days of raising a report counts.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RaisedQuery {
    /// Only tickets raised on or after this day (UTC), `YYYY-MM-DD`.
    #[param(value_type = Option<NaiveDate>)]
    pub from: Option<String>,
    /// Only tickets raised on or before this day (UTC), `YYYY-MM-DD`; not before `from`.
    #[param(value_type = Option<NaiveDate>)]
    pub to: Option<String>,
}

impl RaisedQuery {
    fn parse(&self, params: &mut Params) -> Raised {
        let from: Option<NaiveDate> = params.optional("from", self.from.as_deref());
        let to: Option<NaiveDate> = params.optional("to", self.to.as_deref());
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            params.push("to", "must not be before from");
        }
        Raised { from, to }
    }
}

/// What a ticket report groups by.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupingQuery {
    /// What to group tickets by (category unless given).
    #[param(value_type = Option<TicketGrouping>)]
    pub group_by: Option<String>,
}

/// Ticket statistics
///
/// The organisation's tickets (raised between `from` and `to`, both whole days, inclusive)
/// counted by `group_by` (category unless given), with how many are resolved and the median and 90th percentile of
/// whole hours to resolve them. No group of fewer than 5 tickets is shown: small groups are
/// folded into `suppressed_tickets`, and when those alone would number fewer than 5 the
/// smallest shown group is folded in too, so none can be derived by subtraction. Times rest on
/// at least 5 resolved tickets. Names no one. For admins, the DPO and auditors.
#[utoipa::path(
    operation_id = "ticket_statistics",
    tag = "reports",
    params(GroupingQuery, RaisedQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The statistics", body = TicketReport),
        (status = 403, description = "Only admins, the DPO and auditors", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/reports/tickets")]
async fn ticket_report_by(
    caller: Caller<ReportReaders>,
    state: web::Data<AppState>,
    grouping: web::Query<GroupingQuery>,
    raised: web::Query<RaisedQuery>,
) -> ApiResult<web::Json<TicketReport>> {
    let mut params = Params::default();
    let group_by: Option<TicketGrouping> =
        params.optional("group_by", grouping.group_by.as_deref());
    let raised = raised.parse(&mut params);
    params.finish()?;
    let group_by = group_by.unwrap_or(TicketGrouping::Category);
    let org_id = caller.org_id;
    let cells = state
        .read(move |conn| ticket_statistics::report_cells(conn, org_id, group_by, raised))
        .await?;
    Ok(web::Json(ticket_report(group_by, cells, MIN_GROUP)))
}

/// How an export stands once its rows are counted, before any is written.
struct Counted {
    exported: u64,
    withheld: u64,
}

/// Anonymised ticket export
///
/// Every ticket raised between `from` and `to` (whole days, inclusive) as one CSV row: a number
/// drawn for this export (no reference, no id), category, kind, team, the month it was raised
/// (never the moment), priority, status and whole hours to resolve (empty while unresolved).
/// No free text, no people. Rows come in the order of their values, never of raising. A ticket
/// whose category, kind, team and month are shared by fewer than 5 tickets is withheld
/// (k-anonymity, k = 5); `Rows-Withheld` says how many were, `Rows-Exported` how many follow.
/// Streamed. For admins, the DPO and auditors; recorded in the audit trail.
#[utoipa::path(
    operation_id = "export_tickets",
    tag = "reports",
    params(RaisedQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The anonymised tickets", content_type = "text/csv",
            body = String,
            headers(
                ("Rows-Exported" = u64, description = "Rows in the file"),
                ("Rows-Withheld" = u64, description = "Tickets withheld: their combination of category, kind, team and month is shared by fewer than 5"),
            )),
        (status = 403, description = "Only admins, the DPO and auditors", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/reports/tickets/export")]
async fn export_tickets(
    caller: Caller<ReportReaders>,
    state: web::Data<AppState>,
    raised: web::Query<RaisedQuery>,
) -> ApiResult<HttpResponse> {
    let mut params = Params::default();
    let raised = raised.parse(&mut params);
    params.finish()?;
    // Recorded with the writes, so an export is audited even where reads are not. About no one.
    let export_id = clock::new_uuid();
    let trail = Trail::single(
        &caller,
        clock::now(),
        AuditOperation::Export,
        RecordKind::Ticket,
        export_id,
        None,
    );
    state.write_audited(trail, |_, _| Ok(())).await?;

    let org_id = caller.org_id;
    // A key drawn for this export alone: its row numbers say nothing of another's.
    let key = clock::new_uuid().as_u64_pair().1;
    let (writer, body) = stream::channel();
    let failure = writer.failure();
    let (counted_tx, counted) = tokio::sync::oneshot::channel();
    let db = state.db.clone();
    actix_web::rt::task::spawn_blocking(move || {
        let mut counted_tx = Some(counted_tx);
        let written = db.read().map_err(ExportError::from).and_then(|mut conn| {
            write_export(&mut conn, org_id, raised, key, writer, &mut |c| {
                if let Some(tx) = counted_tx.take() {
                    let _ = tx.send(c);
                }
            })
        });
        if let Err(error) = written {
            match counted_tx.take() {
                // Nothing sent yet: the request answers the error itself.
                Some(tx) => {
                    let _ = tx.send(Err(error));
                }
                None => {
                    // The error names the fault, never a stored value.
                    tracing::warn!(%error, "a ticket export stopped part way");
                    failure.fail();
                }
            }
        }
    });
    let counted = counted
        .await
        .map_err(|_| ApiError::Internal)?
        .map_err(|error| match error {
            ExportError::Store(store) => ApiError::from(store),
            ExportError::Io(error) => {
                tracing::warn!(%error, "a ticket export could not begin");
                ApiError::Internal
            }
        })?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Rows-Exported", counted.exported.to_string()))
        .insert_header(("Rows-Withheld", counted.withheld.to_string()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"tickets-anonymised.csv\"",
        ))
        .streaming(body))
}

/// Writes the export into `out`, within one snapshot: counts each combination of
/// quasi-identifiers and tells `counted` what will be exported and withheld, then streams the
/// rows of the combinations shared by at least 5 tickets.
fn write_export(
    conn: &mut AnyConnection,
    org_id: OrgId,
    raised: Raised,
    key: u64,
    mut out: ChannelWriter,
    counted: &mut dyn FnMut(Result<Counted, ExportError>),
) -> Result<(), ExportError> {
    subject_access::snapshot(conn, |conn| {
        let combinations = ticket_statistics::export_combinations(conn, org_id, raised)?;
        let total: u64 = combinations.iter().map(|(_, n)| n).sum();
        let (released, withheld) = releasable(combinations);
        counted(Ok(Counted {
            exported: total - withheld,
            withheld,
        }));
        let mut line = String::new();
        push_row(&mut line, EXPORT_HEADER.map(str::to_owned));
        out.write_all(line.as_bytes())?;
        let mut index = 0u64;
        ticket_statistics::export_rows(conn, org_id, raised, &mut |row| {
            if !released.contains(&row.quasi) {
                return Ok(());
            }
            line.clear();
            push_row(
                &mut line,
                [
                    row_number(key, index).to_string(),
                    row.quasi.category,
                    row.quasi.kind,
                    row.quasi.team.unwrap_or_default(),
                    row.quasi.month.to_string(),
                    row.priority,
                    row.status,
                    row.hours_to_resolve
                        .map(|h| h.to_string())
                        .unwrap_or_default(),
                ],
            );
            index += 1;
            out.write_all(line.as_bytes()).map_err(ExportError::from)
        })?;
        out.flush()?;
        Ok::<(), ExportError>(())
    })
}
