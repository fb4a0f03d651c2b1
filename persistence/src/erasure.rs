//! Erasing a person (Art 17): the domain's walk of [`CATALOGUE`] run against the database, one
//! statement per table and action, inside the caller's transaction; the erasure ledger that
//! records each erasure (and each withdrawal of consent, which erases the opinions given on it)
//! without personal data, so a restore can replay it; and the scrub that takes the erased values
//! out of the database's free space once the erasure has committed.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use domain::catalogue::{PersonKey, RecordKind, Replacement, Table};
use domain::erasure::{
    KeptColumn, NamedAction, Reach, RefusedHolding, Report, RowAction, TableErasure, TableReport,
    Theirs, plan,
};
use domain::ids::{ConsentId, OrgId, PersonId, RightsRequestId};
use domain::party::Party;
use domain::recipient_notices::{NoticeAction, notice_text};
use domain::register::Holding;
use uuid::Uuid;

pub use domain::erasure::Scope;

use crate::catalogue::{CATALOGUE, Match, matches_for};
use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::pool::Db;
use crate::recipient_notices::{self, Notice, RecipientNotice};
use crate::schema::erasure_ledger;
use crate::statement::Statement;
use crate::time::{from_db, to_db};

/// Why a person was erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "cause", content = "id", rename_all = "snake_case")]
pub enum Cause {
    /// An erasure request (Art 17(1)) was fulfilled, in whole or in part.
    Request(RightsRequestId),
    /// A retention sweep found the data due (Art 5(1)(e)).
    Sweep(Uuid),
    /// A restore replayed the ledger entry with this id.
    Replay(Uuid),
    /// The person withdrew this consent (Art 7(3)): the opinions given on it were erased
    /// (Art 17(1)(b)). A restore withdraws it again; the person is not otherwise erased.
    Consent(ConsentId),
}

impl Cause {
    fn parts(self) -> (&'static str, String) {
        match self {
            Cause::Request(id) => ("request", id.to_string()),
            Cause::Sweep(id) => ("sweep", id.to_string()),
            Cause::Replay(id) => ("replay", id.to_string()),
            Cause::Consent(id) => ("consent", id.to_string()),
        }
    }
}

/// What one erasure did, as its ledger entry records it (and as a ledger export holds it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Erased {
    pub id: Uuid,
    pub org_id: OrgId,
    pub person_id: PersonId,
    pub scope: Scope,
    pub cause: Cause,
    /// Per table touched: rows deleted, anonymised and kept, and what was kept and why; and
    /// the holdings a request partly fulfilled kept.
    pub report: Report,
    /// The notices sent to the recipients of the person's data (Art 19); not in the ledger.
    #[serde(skip)]
    pub notices: Vec<RecipientNotice>,
    pub erased_at: DateTime<Utc>,
    /// When the erased values left the database's free space; `None` until the scrub ran.
    pub scrubbed_at: Option<DateTime<Utc>>,
}

/// The person as rows name them: their id, and the account they hold.
struct Person<'a> {
    id: PersonId,
    external_id: Option<&'a str>,
}

impl Person<'_> {
    /// `(column = value OR ...)` over `finders` qualified by `table`; `None` when no finder has
    /// a value for the person (an account column of someone with no account).
    fn finders(
        &self,
        st: &mut Statement,
        table: &str,
        finders: &[(&'static str, PersonKey)],
    ) -> Option<String> {
        let mut alternatives = Vec::new();
        for &(column, key) in finders {
            for value in matches_for(key, self.id, self.external_id, &[]) {
                alternatives.push(match value {
                    Match::Equals(v) => format!("{table}.{column} = {}", st.bind(v)),
                    Match::Contains(v) => {
                        format!("{table}.{column} LIKE {}", st.bind(format!("%{v}%")))
                    }
                });
            }
        }
        (!alternatives.is_empty()).then(|| format!("({})", alternatives.join(" OR ")))
    }
}

/// `AND <table>.category IN (...)` where the scope reaches only some ticket categories.
fn categories(st: &mut Statement, table: &str, reach: &Reach) -> String {
    match reach {
        Reach::Categories(categories) => {
            let placeholders: Vec<String> =
                categories.iter().map(|c| st.bind(c.as_str())).collect();
            format!(" AND {table}.category IN ({})", placeholders.join(", "))
        }
        Reach::All | Reach::Nothing => String::new(),
    }
}

/// The rows of `te` that are the person's, as a WHERE condition; `None` when none can be.
fn their_rows(
    st: &mut Statement,
    org_id: OrgId,
    person: &Person<'_>,
    te: &TableErasure,
    theirs: &Theirs,
    reach: &Reach,
) -> Option<String> {
    let table = te.table.name;
    match theirs.parent {
        None => {
            te.table.column("org_id")?;
            let tenant = format!("{table}.org_id = {}", st.bind(org_id.to_string()));
            let found = person.finders(st, table, &theirs.finders)?;
            let narrowed = categories(st, table, reach);
            Some(format!("{tenant} AND {found}{narrowed}"))
        }
        Some((column, parent)) => {
            let tenant = format!("p.org_id = {}", st.bind(org_id.to_string()));
            let found = person.finders(st, "p", &theirs.finders)?;
            let narrowed = categories(st, "p", reach);
            Some(format!(
                "{table}.{column} IN (SELECT p.id FROM {} p WHERE {tenant} AND {found}{narrowed})",
                parent.name
            ))
        }
    }
}

/// The organisation's rows of `te` (within the scope's categories), as a WHERE condition.
fn tenant_rows(
    st: &mut Statement,
    org_id: OrgId,
    te: &TableErasure,
    reach: &Reach,
) -> Option<String> {
    let table = te.table.name;
    if te.table.column("org_id").is_some() {
        let tenant = format!("{table}.org_id = {}", st.bind(org_id.to_string()));
        return Some(format!("{tenant}{}", categories(st, table, reach)));
    }
    let (column, parent) = te.theirs.as_ref()?.parent?;
    let tenant = format!("p.org_id = {}", st.bind(org_id.to_string()));
    let narrowed = categories(st, "p", reach);
    Some(format!(
        "{table}.{column} IN (SELECT p.id FROM {} p WHERE {tenant}{narrowed})",
        parent.name
    ))
}

/// The SQL value a replacement writes: a constant of the catalogue's, never a request's.
/// Booleans are written as keywords, which both backends store as their own boolean.
fn replacement_sql(table: &Table, replacement: Replacement) -> String {
    let quoted = |text: &str| format!("'{}'", text.replace('\'', "''"));
    match replacement {
        Replacement::Null => "NULL".to_owned(),
        Replacement::Text("false") => "FALSE".to_owned(),
        Replacement::Text("true") => "TRUE".to_owned(),
        Replacement::Text(text) => quoted(text),
        Replacement::TaggedRowId(prefix) => format!("{} || {}.id", quoted(prefix), table.name),
    }
}

/// `SET a = x, b = y`, moving the row's version on where it has one (its ETag changes). An
/// empty value stays empty: an account column beside a person column is filled only when the
/// other is not, and the database checks it.
fn assignments(table: &Table, columns: &[(&'static str, Replacement)]) -> String {
    let mut set: Vec<String> = columns
        .iter()
        .map(|&(column, replacement)| match replacement {
            Replacement::Null => format!("{column} = NULL"),
            _ => format!(
                "{column} = CASE WHEN {column} IS NULL THEN NULL ELSE {} END",
                replacement_sql(table, replacement)
            ),
        })
        .collect();
    if table.column("version").is_some() {
        set.push("version = version + 1".to_owned());
    }
    set.join(", ")
}

/// Runs one table's part of the erasure.
fn erase_table(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person: &Person<'_>,
    te: &TableErasure,
    reach: &Reach,
) -> Result<TableReport, StoreError> {
    let table = te.table.name;
    let mut report = TableReport {
        table: table.to_owned(),
        ..TableReport::default()
    };
    if let Some(theirs) = &te.theirs {
        let mut st = Statement::default();
        if let Some(rows) = their_rows(&mut st, org_id, person, te, theirs, reach) {
            match &theirs.action {
                RowAction::Delete => {
                    st.text = format!("DELETE FROM {table} WHERE {rows}");
                    report.deleted += st.execute(conn)?;
                }
                RowAction::Anonymise(columns) => {
                    st.text = format!(
                        "UPDATE {table} SET {} WHERE {rows}",
                        assignments(te.table, columns)
                    );
                    report.anonymised += st.execute(conn)?;
                }
                RowAction::Keep => {
                    st.text = format!("SELECT COUNT(*) AS n FROM {table} WHERE {rows}");
                    report.kept_rows += st.count(conn)?;
                }
            }
        }
    }
    for named in &te.named {
        let mut st = Statement::default();
        let Some(tenant) = tenant_rows(&mut st, org_id, te, reach) else {
            continue;
        };
        let Some(naming) = person.finders(&mut st, table, &[(named.column, named.key)]) else {
            continue;
        };
        match named.action {
            NamedAction::Delete => {
                st.text = format!("DELETE FROM {table} WHERE {tenant} AND {naming}");
                report.deleted += st.execute(conn)?;
            }
            NamedAction::Set(replacement) => {
                st.text = format!(
                    "UPDATE {table} SET {} WHERE {tenant} AND {naming}",
                    assignments(te.table, &[(named.column, replacement)])
                );
                report.anonymised += st.execute(conn)?;
            }
        }
    }
    // What stays, where it names the person, and why: the columns of other rows that name
    // them found in one statement for the table, whichever of them do.
    let mut naming_checks = Vec::new();
    let mut st = Statement::default();
    for &(column, reason) in &te.kept {
        let Some((_, key)) = te.table.person_columns().find(|&(name, _)| name == column) else {
            // A column about the row's person: kept on their rows.
            if report.kept_rows + report.anonymised > 0 {
                report.kept.push(KeptColumn::new(column, reason));
            }
            continue;
        };
        if key == PersonKey::Pseudonym {
            // The trail keeps its pseudonyms, found only with the key: said, not counted.
            report.kept.push(KeptColumn::new(column, reason));
            continue;
        }
        let Some(tenant) = tenant_rows(&mut st, org_id, te, reach) else {
            continue;
        };
        let Some(naming) = person.finders(&mut st, table, &[(column, key)]) else {
            continue;
        };
        naming_checks.push(format!(
            "SELECT '{column}' AS name WHERE EXISTS (SELECT 1 FROM {table} WHERE {tenant} AND \
             {naming})"
        ));
    }
    if !naming_checks.is_empty() {
        #[derive(QueryableByName)]
        struct Naming {
            #[diesel(sql_type = Text)]
            name: String,
        }
        st.text = naming_checks.join(" UNION ALL ");
        let naming: Vec<Naming> = st.load(conn)?;
        for &(column, reason) in &te.kept {
            if naming.iter().any(|n| n.name == column) {
                report.kept.push(KeptColumn::new(column, reason));
            }
        }
        // In the catalogue's order, as the columns are listed.
        report
            .kept
            .sort_by_key(|k| te.kept.iter().position(|&(c, _)| c == k.column));
    }
    Ok(report)
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = erasure_ledger)]
#[diesel(treat_none_as_default_value = false)]
struct LedgerRow {
    id: String,
    org_id: String,
    person_id: String,
    scope: Option<String>,
    cause: String,
    cause_id: String,
    report: String,
    erased_at: NaiveDateTime,
    scrubbed_at: Option<NaiveDateTime>,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("erasure_ledger.{what}"))
}

impl TryFrom<&Erased> for LedgerRow {
    type Error = StoreError;

    fn try_from(e: &Erased) -> Result<Self, StoreError> {
        let (cause, cause_id) = e.cause.parts();
        let scope = match &e.scope {
            Scope::Everything => None,
            Scope::Holdings(holdings) => {
                Some(serde_json::to_string(holdings).map_err(|_| corrupt("scope"))?)
            }
        };
        Ok(LedgerRow {
            id: e.id.to_string(),
            org_id: e.org_id.to_string(),
            person_id: e.person_id.to_string(),
            scope,
            cause: cause.to_owned(),
            cause_id,
            report: serde_json::to_string(&e.report).map_err(|_| corrupt("report"))?,
            erased_at: to_db(e.erased_at),
            scrubbed_at: e.scrubbed_at.map(to_db),
        })
    }
}

impl TryFrom<LedgerRow> for Erased {
    type Error = StoreError;

    fn try_from(row: LedgerRow) -> Result<Self, StoreError> {
        let id = |text: &str, what| Uuid::parse_str(text).map_err(|_| corrupt(what));
        let cause_id = id(&row.cause_id, "cause_id")?;
        let cause = match row.cause.as_str() {
            "request" => Cause::Request(RightsRequestId::from_uuid(cause_id)),
            "sweep" => Cause::Sweep(cause_id),
            "replay" => Cause::Replay(cause_id),
            "consent" => Cause::Consent(ConsentId::from_uuid(cause_id)),
            _ => return Err(corrupt("cause")),
        };
        let scope = match row.scope {
            None => Scope::Everything,
            Some(text) => {
                Scope::Holdings(serde_json::from_str(&text).map_err(|_| corrupt("scope"))?)
            }
        };
        Ok(Erased {
            id: id(&row.id, "id")?,
            org_id: OrgId::from_uuid(id(&row.org_id, "org_id")?),
            person_id: PersonId::from_uuid(id(&row.person_id, "person_id")?),
            scope,
            cause,
            report: serde_json::from_str(&row.report).map_err(|_| corrupt("report"))?,
            notices: Vec::new(),
            erased_at: from_db(row.erased_at),
            scrubbed_at: row.scrubbed_at.map(from_db),
        })
    }
}

/// Erases the person within `scope`, inside the caller's transaction, as the catalogue says
/// column by column: children first, so a table found through another finds its rows before
/// the parent's change. Records the erasure in the ledger and tells each recipient of the
/// person's data (Art 19), `by` being who erased; `refused` (what a request partly fulfilled
/// keeps) is recorded with it. Legal holds and open requests are the caller's to check first.
/// Their audit events are the caller's too.
#[expect(
    clippy::too_many_arguments,
    reason = "each names a different fact of the erasure"
)]
pub fn erase_person(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person_id: PersonId,
    scope: &Scope,
    refused: Vec<RefusedHolding>,
    cause: Cause,
    by: &Party,
    now: DateTime<Utc>,
) -> Result<Erased, StoreError> {
    let stored = crate::people::get(conn, org_id, person_id)?;
    let external_id = stored
        .person
        .external_id
        .as_ref()
        .map(|e| e.as_str().to_owned());
    let person = Person {
        id: person_id,
        external_id: external_id.as_deref(),
    };
    let mut tables = Vec::new();
    for te in plan(&CATALOGUE).iter().rev() {
        let reach = scope.reach(te.governed);
        if reach == Reach::Nothing {
            continue;
        }
        let report = erase_table(conn, org_id, &person, te, &reach)?;
        if report.deleted + report.anonymised + report.kept_rows > 0 || !report.kept.is_empty() {
            tables.push(report);
        }
    }
    tables.reverse();
    let erased_tables: Vec<&str> = tables
        .iter()
        .filter(|t| t.deleted + t.anonymised > 0)
        .map(|t| t.table.as_str())
        .collect();
    let notices = recipient_notices::notify_recipients(
        conn,
        Notice {
            org_id,
            person_id,
            action: NoticeAction::Erasure,
            request_id: match cause {
                Cause::Request(id) => Some(id),
                Cause::Sweep(_) | Cause::Replay(_) | Cause::Consent(_) => None,
            },
            items: erased_tables.iter().map(|t| (*t).to_owned()).collect(),
            notice: notice_text(NoticeAction::Erasure, &erased_tables),
            by,
            at: now,
        },
    )?;
    let erased = Erased {
        id: Uuid::now_v7(),
        org_id,
        person_id,
        scope: scope.clone(),
        cause,
        report: Report { tables, refused },
        notices,
        erased_at: now,
        scrubbed_at: None,
    };
    record(conn, &erased)?;
    Ok(erased)
}

/// Records in the ledger, inside the caller's transaction, the withdrawal of `consent` by
/// `person_id` at `at`, which erased the opinions of `anonymised` survey answers given on it.
/// Recorded even when there were none, so a restore withdraws the consent again.
pub fn record_withdrawal(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person_id: PersonId,
    consent: ConsentId,
    anonymised: u64,
    at: DateTime<Utc>,
) -> Result<Erased, StoreError> {
    let tables = if anonymised > 0 {
        vec![TableReport {
            table: "survey_answers".to_owned(),
            anonymised,
            ..TableReport::default()
        }]
    } else {
        Vec::new()
    };
    let erased = Erased {
        id: Uuid::now_v7(),
        org_id,
        person_id,
        scope: Scope::Holdings(vec![Holding::of(RecordKind::SurveyAnswer)]),
        cause: Cause::Consent(consent),
        report: Report {
            tables,
            refused: Vec::new(),
        },
        notices: Vec::new(),
        erased_at: at,
        scrubbed_at: None,
    };
    record(conn, &erased)?;
    Ok(erased)
}

/// Writes an entry to the ledger: an erasure just made, or one of another copy of the ledger
/// (a restore carrying over the erasures its backup lacked).
pub fn record(conn: &mut AnyConnection, entry: &Erased) -> Result<(), StoreError> {
    diesel::insert_into(erasure_ledger::table)
        .values(LedgerRow::try_from(entry)?)
        .execute(conn)?;
    Ok(())
}

/// The erasures recorded for `cause` (a request, a sweep, a consent withdrawn), oldest first.
pub fn caused_by(
    conn: &mut AnyConnection,
    org_id: OrgId,
    cause: Cause,
) -> Result<Vec<Erased>, StoreError> {
    let (cause, cause_id) = cause.parts();
    erasure_ledger::table
        .filter(erasure_ledger::org_id.eq(org_id.to_string()))
        .filter(erasure_ledger::cause.eq(cause))
        .filter(erasure_ledger::cause_id.eq(cause_id))
        .order(erasure_ledger::id.asc())
        .select(LedgerRow::as_select())
        .load::<LedgerRow>(conn)?
        .into_iter()
        .map(Erased::try_from)
        .collect()
}

/// Every entry of the ledger, oldest first: what a restore replays.
pub fn ledger(conn: &mut AnyConnection) -> Result<Vec<Erased>, StoreError> {
    erasure_ledger::table
        .order(erasure_ledger::id.asc())
        .select(LedgerRow::as_select())
        .load::<LedgerRow>(conn)?
        .into_iter()
        .map(Erased::try_from)
        .collect()
}

/// How many erasures wait for the scrub.
pub fn unscrubbed(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    Ok(erasure_ledger::table
        .filter(erasure_ledger::scrubbed_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Ledger entries a scrub reads, and marks, at a time.
const SCRUB_PAGE: i64 = 1_000;

/// Whether, within `wait`, every transaction and snapshot older than this moment (in any
/// database of the cluster: transaction ids are the cluster's) has ended. PostgreSQL keeps every
/// row version such a transaction may still see, even through `VACUUM FULL`, which would copy
/// the erased values into the rewritten table.
fn older_transactions_ended(
    conn: &mut diesel::PgConnection,
    wait: std::time::Duration,
) -> Result<bool, StoreError> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    #[derive(QueryableByName)]
    struct Xid {
        #[diesel(sql_type = Text)]
        xid: String,
    }
    // Every transaction id below this one had begun before now.
    let now: Xid = diesel::sql_query(
        "SELECT (pg_snapshot_xmax(pg_current_snapshot())::text::numeric % 4294967296)::text \
         AS xid",
    )
    .get_result(conn)?;
    let xid: u32 = now
        .xid
        .parse()
        .map_err(|_| StoreError::Corrupt("transaction id".into()))?;
    let older = format!(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE pid <> pg_backend_pid() \
         AND ((backend_xid IS NOT NULL AND age(backend_xid) > age('{xid}'::xid)) \
           OR (backend_xmin IS NOT NULL AND age(backend_xmin) > age('{xid}'::xid)))"
    );
    let started = std::time::Instant::now();
    loop {
        let holding: Count = diesel::sql_query(&older).get_result(conn)?;
        if holding.n == 0 {
            return Ok(true);
        }
        if started.elapsed() > wait {
            return Ok(false);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Takes what committed erasures overwrote or deleted out of the database's free space, then
/// marks them scrubbed. Outside any transaction; safe to run from several servers at once.
///
/// - SQLite: every connection runs with `secure_delete`, so freed space is zeroed as the
///   erasure writes; the pages the erasure changed, and older copies of them, sit in the WAL
///   until a checkpoint copies them in and truncates the log. A checkpoint that readers keep
///   from finishing is retried on the next scrub.
/// - PostgreSQL: a deleted or updated row stays in its page until vacuumed, and a plain vacuum
///   can leave its bytes in the page's free space, so each table an erasure changed is
///   rewritten (`VACUUM FULL`, which holds the table's lock while it copies). A rewrite keeps
///   every row version an older transaction may still see, so it waits up to `wait` for those
///   to end; if they do not, nothing is marked and the next scrub tries again.
///
/// Returns how many erasures it marked scrubbed.
pub fn scrub(db: &Db, now: DateTime<Utc>, wait: std::time::Duration) -> Result<usize, StoreError> {
    let mut conn = db.write()?;
    // Read in pages, keeping only each entry's id and the tables it changed: a sweep may leave
    // a million entries to scrub at once.
    let mut pending: Vec<Uuid> = Vec::new();
    let mut touched: Vec<String> = Vec::new();
    let mut after = String::new();
    loop {
        let page: Vec<(String, String)> = erasure_ledger::table
            .filter(erasure_ledger::scrubbed_at.is_null())
            .filter(erasure_ledger::id.gt(&after))
            .order(erasure_ledger::id.asc())
            .select((erasure_ledger::id, erasure_ledger::report))
            .limit(SCRUB_PAGE)
            .load(&mut *conn)?;
        let Some((last, _)) = page.last() else {
            break;
        };
        after = last.clone();
        for (id, report) in page {
            pending.push(Uuid::parse_str(&id).map_err(|_| corrupt("id"))?);
            let report: Report = serde_json::from_str(&report).map_err(|_| corrupt("report"))?;
            touched.extend(
                report
                    .tables
                    .into_iter()
                    .filter(|t| t.deleted + t.anonymised > 0)
                    .map(|t| t.table),
            );
        }
        touched.sort();
        touched.dedup();
    }
    if pending.is_empty() {
        return Ok(0);
    }
    match &mut *conn {
        AnyConnection::Sqlite(c) => {
            #[derive(QueryableByName)]
            struct Checkpoint {
                #[diesel(sql_type = BigInt)]
                busy: i64,
            }
            let done: Vec<Checkpoint> =
                diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)").load(c)?;
            if done.first().is_some_and(|c| c.busy != 0) {
                return Ok(0);
            }
        }
        AnyConnection::Postgresql(c) => {
            if !older_transactions_ended(c, wait)? {
                return Ok(0);
            }
            for table in &touched {
                // Names come from the catalogue, never from a request.
                if CATALOGUE.table(table).is_some() {
                    diesel::sql_query(format!("VACUUM FULL {table}")).execute(c)?;
                }
            }
        }
    }
    // Marked by id, a bounded number at a time (SQLite binds at most 32,766 values).
    for chunk in pending.chunks(SCRUB_PAGE as usize) {
        let ids: Vec<String> = chunk.iter().map(Uuid::to_string).collect();
        diesel::update(erasure_ledger::table.filter(erasure_ledger::id.eq_any(&ids)))
            .set(erasure_ledger::scrubbed_at.eq(Some(to_db(now))))
            .execute(&mut *conn)?;
    }
    Ok(pending.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PoolSizes, run_migrations};
    use diesel::connection::SimpleConnection;

    /// A retention sweep may leave more entries to scrub than one statement can bind: the scrub
    /// reads and marks them a page at a time.
    #[test]
    fn a_scrub_marks_more_entries_than_one_statement_binds() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let db = Db::connect(&url, PoolSizes::default()).expect("opens");
        run_migrations(&db).expect("migrates");
        let report = r#"{"tables":[{"table":"people","deleted":0,"anonymised":1,"kept_rows":0,"kept":[]}],"refused":[]}"#;
        let many = 40_000;
        db.write()
            .expect("writer")
            .batch_execute(&format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {many}) \
                 INSERT INTO erasure_ledger (id, org_id, person_id, scope, cause, cause_id, \
                 report, erased_at, scrubbed_at) SELECT \
                 printf('00000000-0000-7000-8000-%012d', i), \
                 '00000000-0000-0000-0000-000000000001', \
                 printf('00000000-0000-7000-9000-%012d', i), NULL, 'sweep', \
                 '00000000-0000-7000-a000-000000000001', '{report}', '2026-01-01 00:00:00', NULL \
                 FROM n"
            ))
            .expect("entries");
        let now = DateTime::from_timestamp(1_790_000_000, 0).expect("a time");
        let scrubbed = scrub(&db, now, std::time::Duration::from_secs(1)).expect("scrubs");
        assert_eq!(scrubbed, many);
        assert_eq!(
            unscrubbed(&mut db.read().expect("reader")).expect("counts"),
            0
        );
        assert_eq!(
            scrub(&db, now, std::time::Duration::from_secs(1)).expect("scrubs"),
            0
        );
    }
}
