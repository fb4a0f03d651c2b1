//! What ticket statistics read: counts by a grouping and whole hours to resolve, counted by the
//! database, and the research export's rows streamed in an order that says nothing of when each
//! ticket was raised. Nothing read here names a person or holds free text.
//!
//! The month of creation and the hours to resolve are computed in SQL, one expression per
//! backend ([`Exprs`]); everything else is one code path.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
use domain::ids::OrgId;
use domain::ticket_statistics::{Cell, QuasiIdentifiers, ReportMonth, TicketGrouping};

use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::subject_access::numbered;

/// The tickets counted: raised on or after `from` and on or before `to` (whole days, UTC).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Raised {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// A value bound to a statement.
enum Bind {
    Text(String),
    At(NaiveDateTime),
}

/// The backend's SQL for what the two backends write differently.
struct Exprs {
    /// The month a ticket was raised, `YYYY-MM`.
    month: &'static str,
    /// Whole hours from raising to resolving, rounded down; NULL while unresolved.
    hours: &'static str,
}

fn exprs(conn: &AnyConnection) -> Exprs {
    match conn {
        AnyConnection::Sqlite(_) => Exprs {
            month: "strftime('%Y-%m', created_at)",
            hours: "(CAST(strftime('%s', resolved_at) AS INTEGER) \
                    - CAST(strftime('%s', created_at) AS INTEGER)) / 3600",
        },
        AnyConnection::Postgresql(_) => Exprs {
            month: "to_char(created_at, 'YYYY-MM')",
            hours: "CAST(FLOOR(EXTRACT(EPOCH FROM (resolved_at - created_at)) / 3600) AS BIGINT)",
        },
    }
}

/// `WHERE` for the organisation's tickets raised in `raised`, with its binds (placeholders `?`).
fn scope(org_id: OrgId, raised: Raised) -> (String, Vec<Bind>) {
    let mut sql = "WHERE org_id = ?".to_owned();
    let mut binds = vec![Bind::Text(org_id.to_string())];
    if let Some(from) = raised.from {
        sql.push_str(" AND created_at >= ?");
        binds.push(Bind::At(from.and_time(chrono::NaiveTime::MIN)));
    }
    if let Some(to) = raised.to.and_then(|to| to.succ_opt()) {
        sql.push_str(" AND created_at < ?");
        binds.push(Bind::At(to.and_time(chrono::NaiveTime::MIN)));
    }
    (sql, binds)
}

/// `sql` (placeholders `?`) as a boxed query of the backend `$backend`, `$binds` bound in order.
macro_rules! bound {
    ($sql:expr, $backend:ty, $binds:expr) => {{
        let mut query = diesel::sql_query($sql).into_boxed::<$backend>();
        for bind in $binds {
            query = match bind {
                Bind::Text(value) => query.bind::<Text, _>(value.clone()),
                Bind::At(value) => query.bind::<Timestamp, _>(*value),
            };
        }
        query
    }};
}

/// Loads every row of `sql` (placeholders `?`) with `binds`, on either backend.
fn load<R>(conn: &mut AnyConnection, sql: &str, binds: &[Bind]) -> Result<Vec<R>, StoreError>
where
    R: QueryableByName<diesel::sqlite::Sqlite> + QueryableByName<diesel::pg::Pg> + 'static,
{
    use diesel::RunQueryDsl;
    Ok(match conn {
        AnyConnection::Sqlite(conn) => bound!(sql, diesel::sqlite::Sqlite, binds).load(conn)?,
        AnyConnection::Postgresql(conn) => {
            bound!(numbered(sql), diesel::pg::Pg, binds).load(conn)?
        }
    })
}

#[derive(QueryableByName)]
struct CellRow {
    #[diesel(sql_type = Nullable<Text>)]
    grp: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    hours: Option<i64>,
    #[diesel(sql_type = BigInt)]
    tickets: i64,
}

/// The organisation's tickets raised in `raised`, counted by `grouping` and whole hours to
/// resolve: one cell per group and number of hours (none while unresolved).
pub fn report_cells(
    conn: &mut AnyConnection,
    org_id: OrgId,
    grouping: TicketGrouping,
    raised: Raised,
) -> Result<Vec<Cell>, StoreError> {
    let exprs = exprs(conn);
    let key = match grouping {
        TicketGrouping::Category => "category",
        TicketGrouping::Kind => "kind",
        TicketGrouping::Team => "assigned_team",
        TicketGrouping::Month => exprs.month,
        TicketGrouping::Status => "status",
    };
    let (scope, binds) = scope(org_id, raised);
    let sql = format!(
        "SELECT {key} AS grp, {} AS hours, COUNT(*) AS tickets FROM tickets {scope} \
         GROUP BY 1, 2",
        exprs.hours
    );
    load::<CellRow>(conn, &sql, &binds)?
        .into_iter()
        .map(|row| {
            Ok(Cell {
                group: row.grp,
                hours: row.hours,
                tickets: count(row.tickets)?,
            })
        })
        .collect()
}

/// The quasi-identifiers of a row, as selected.
#[derive(QueryableByName)]
struct QuasiRow {
    #[diesel(sql_type = Text)]
    category: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Nullable<Text>)]
    team: Option<String>,
    #[diesel(sql_type = Text)]
    month: String,
}

impl TryFrom<QuasiRow> for QuasiIdentifiers {
    type Error = StoreError;

    fn try_from(row: QuasiRow) -> Result<Self, StoreError> {
        Ok(QuasiIdentifiers {
            category: row.category,
            kind: row.kind,
            team: row.team,
            month: ReportMonth::parse(&row.month)
                .map_err(|_| StoreError::Corrupt("ticket month".into()))?,
        })
    }
}

#[derive(QueryableByName)]
struct CombinationRow {
    #[diesel(embed)]
    quasi: QuasiRow,
    #[diesel(sql_type = BigInt)]
    tickets: i64,
}

fn count(tickets: i64) -> Result<u64, StoreError> {
    u64::try_from(tickets).map_err(|_| StoreError::Corrupt("ticket count".into()))
}

/// How many of the organisation's tickets raised in `raised` share each combination of
/// quasi-identifiers (category, kind, team, month raised).
pub fn export_combinations(
    conn: &mut AnyConnection,
    org_id: OrgId,
    raised: Raised,
) -> Result<Vec<(QuasiIdentifiers, u64)>, StoreError> {
    let exprs = exprs(conn);
    let (scope, binds) = scope(org_id, raised);
    let sql = format!(
        "SELECT category, kind, assigned_team AS team, {} AS month, COUNT(*) AS tickets \
         FROM tickets {scope} GROUP BY 1, 2, 3, 4",
        exprs.month
    );
    load::<CombinationRow>(conn, &sql, &binds)?
        .into_iter()
        .map(|row| Ok((row.quasi.try_into()?, count(row.tickets)?)))
        .collect()
}

/// One ticket as the research export shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    pub quasi: QuasiIdentifiers,
    pub priority: String,
    pub status: String,
    pub hours_to_resolve: Option<i64>,
}

#[derive(QueryableByName)]
struct ExportSqlRow {
    #[diesel(embed)]
    quasi: QuasiRow,
    #[diesel(sql_type = Text)]
    priority: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    hours: Option<i64>,
}

impl TryFrom<ExportSqlRow> for ExportRow {
    type Error = StoreError;

    fn try_from(row: ExportSqlRow) -> Result<Self, StoreError> {
        Ok(ExportRow {
            quasi: row.quasi.try_into()?,
            priority: row.priority,
            status: row.status,
            hours_to_resolve: row.hours,
        })
    }
}

/// Hands each of the organisation's tickets raised in `raised` to `each`, as the export shows
/// it, ordered by what it shows (never by when it was raised), streamed from the database one
/// row at a time so memory stays flat however many there are. Stops at the first error.
pub fn export_rows<E: From<StoreError>>(
    conn: &mut AnyConnection,
    org_id: OrgId,
    raised: Raised,
    each: &mut dyn FnMut(ExportRow) -> Result<(), E>,
) -> Result<(), E> {
    use diesel::RunQueryDsl;
    let exprs = exprs(conn);
    let (scope, binds) = scope(org_id, raised);
    let sql = format!(
        "SELECT category, kind, assigned_team AS team, {} AS month, priority, status, \
         {} AS hours FROM tickets {scope} ORDER BY 1, 2, 3, 4, 5, 6, 7",
        exprs.month, exprs.hours
    );
    let mut send = |row: diesel::QueryResult<ExportSqlRow>| -> Result<(), E> {
        let row = row.map_err(StoreError::from)?;
        each(ExportRow::try_from(row)?)
    };
    match conn {
        AnyConnection::Sqlite(conn) => {
            let rows = bound!(sql.as_str(), diesel::sqlite::Sqlite, &binds)
                .load_iter::<ExportSqlRow, diesel::connection::DefaultLoadingMode>(conn)
                .map_err(StoreError::from)?;
            for row in rows {
                send(row)?;
            }
        }
        AnyConnection::Postgresql(conn) => {
            let rows = bound!(numbered(&sql), diesel::pg::Pg, &binds)
                .load_iter::<ExportSqlRow, diesel::pg::PgRowByRowLoadingMode>(conn)
                .map_err(StoreError::from)?;
            for row in rows {
                send(row)?;
            }
        }
    }
    Ok(())
}
