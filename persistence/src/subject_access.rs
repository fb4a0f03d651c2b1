//! Finding one person's rows for a subject access or portability bundle, table by table as
//! the domain's walk of [`CATALOGUE`] plans it, in keyset pages over indexes that lead with
//! the organisation (or the parent row) and the person: the cost follows the person's data,
//! not the size of the database, and no more than a page is held at once.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, SecondsFormat};
use diesel::QueryableByName;
use diesel::sql_types::{Integer, Nullable, Text};
use domain::catalogue::{Holds, NotPersonal, PersonKey, Table};
use domain::ids::{OrgId, PersonId};
use domain::party::Party;
use domain::subject_access::{Finder, TablePlan};
use serde_json::Value;

use crate::audit::subject_index;
use crate::catalogue::{CATALOGUE, Match, matches_for};
use crate::connection::AnyConnection;
use crate::error::StoreError;

/// The person a bundle is for, with every form under which rows name them.
#[derive(Debug, Clone)]
pub struct Subject {
    pub org_id: OrgId,
    pub person_id: PersonId,
    /// Their token subject, which rows written before they had a record may name.
    pub external_id: Option<String>,
    /// Their pseudonyms in the organisation's audit trail.
    pub pseudonyms: Vec<String>,
}

impl Subject {
    /// The person, with their pseudonyms under the organisation's audit key.
    pub fn find(
        conn: &mut AnyConnection,
        org_id: OrgId,
        person_id: PersonId,
        external_id: Option<String>,
    ) -> Result<Subject, StoreError> {
        let mut identities = vec![Party::Person(person_id)];
        identities.extend(external_id.clone().map(Party::Account));
        let pseudonyms = crate::audit::pseudonyms(conn, org_id, &identities)?;
        Ok(Subject {
            org_id,
            person_id,
            external_id,
            pseudonyms,
        })
    }

    /// The values a column naming people by `key` holds for this person.
    pub fn values(&self, key: PersonKey) -> Vec<String> {
        matches_for(
            key,
            self.person_id,
            self.external_id.as_deref(),
            &self.pseudonyms,
        )
        .into_iter()
        .filter_map(|m| match m {
            Match::Equals(value) => Some(value),
            Match::Contains(_) => None,
        })
        .collect()
    }

    /// Whether `value`, held by a column naming people by `key`, names this person.
    pub fn is_named(&self, key: PersonKey, value: &Value) -> bool {
        value
            .as_str()
            .is_some_and(|text| self.values(key).iter().any(|v| v == text))
    }
}

/// How a column's values are typed in the database, as far as showing them goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnType {
    Text,
    Integer,
    Boolean,
    Timestamp,
    Date,
}

impl ColumnType {
    fn of(declared: &str) -> ColumnType {
        let declared = declared.to_ascii_uppercase();
        if declared.contains("BOOL") {
            ColumnType::Boolean
        } else if declared.contains("INT") {
            ColumnType::Integer
        } else if declared.contains("TIMESTAMP") {
            ColumnType::Timestamp
        } else if declared.contains("DATE") {
            ColumnType::Date
        } else {
            ColumnType::Text
        }
    }

    /// A value as either backend's JSON gives it, the same on both: booleans as `true` or
    /// `false` (SQLite keeps 0 and 1), times in RFC 3339 UTC, dates as `YYYY-MM-DD`.
    fn normalise(self, value: Value) -> Value {
        match (self, value) {
            (_, Value::Null) => Value::Null,
            (ColumnType::Boolean, Value::Number(n)) => Value::Bool(n.as_i64() != Some(0)),
            (ColumnType::Boolean, Value::String(s)) => {
                Value::Bool(matches!(s.as_str(), "t" | "true" | "1"))
            }
            (ColumnType::Timestamp, Value::String(s)) => {
                let parsed = NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M:%S%.f")
                    .or_else(|_| NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S%.f"));
                match parsed {
                    Ok(at) => {
                        Value::String(at.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true))
                    }
                    Err(_) => Value::String(s),
                }
            }
            (ColumnType::Date, Value::String(s)) => {
                match NaiveDate::parse_from_str(&s[..s.len().min(10)], "%Y-%m-%d") {
                    Ok(day) => Value::String(day.to_string()),
                    Err(_) => Value::String(s),
                }
            }
            (_, other) => other,
        }
    }
}

#[derive(QueryableByName)]
struct LiveColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    declared: String,
    /// Position in the primary key, from 1; 0 when not part of it.
    #[diesel(sql_type = Integer)]
    key: i32,
}

/// The types and primary keys of the database's columns, read once per bundle.
#[derive(Debug, Default)]
pub struct Schema {
    types: HashMap<(String, String), ColumnType>,
    keys: HashMap<String, Vec<(i32, String)>>,
}

impl Schema {
    pub fn read(conn: &mut AnyConnection) -> Result<Schema, StoreError> {
        use diesel::RunQueryDsl;
        let rows: Vec<LiveColumn> = match conn {
            AnyConnection::Sqlite(conn) => diesel::sql_query(
                "SELECT m.name AS table_name, p.name AS column_name, p.type AS declared, \
                 p.pk AS key \
                 FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p \
                 WHERE m.type = 'table'",
            )
            .load(conn)?,
            AnyConnection::Postgresql(conn) => diesel::sql_query(
                "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name, \
                 c.data_type::text AS declared, COALESCE(k.ordinal_position, 0)::int AS key \
                 FROM information_schema.columns c \
                 LEFT JOIN (SELECT u.table_name, u.column_name, u.ordinal_position \
                   FROM information_schema.table_constraints t \
                   JOIN information_schema.key_column_usage u \
                     ON u.constraint_name = t.constraint_name \
                    AND u.table_schema = t.table_schema AND u.table_name = t.table_name \
                   WHERE t.constraint_type = 'PRIMARY KEY' \
                     AND t.table_schema = current_schema()) k \
                   ON k.table_name = c.table_name AND k.column_name = c.column_name \
                 WHERE c.table_schema = current_schema()",
            )
            .load(conn)?,
        };
        let mut schema = Schema::default();
        for row in rows {
            if row.key > 0 {
                schema
                    .keys
                    .entry(row.table_name.clone())
                    .or_default()
                    .push((row.key, row.column_name.clone()));
            }
            schema.types.insert(
                (row.table_name, row.column_name),
                ColumnType::of(&row.declared),
            );
        }
        for key in schema.keys.values_mut() {
            key.sort();
        }
        Ok(schema)
    }

    fn column_type(&self, table: &str, column: &str) -> ColumnType {
        self.types
            .get(&(table.to_owned(), column.to_owned()))
            .copied()
            .unwrap_or(ColumnType::Text)
    }

    /// The table's primary key, in order: what its pages are keyed by.
    fn key(&self, table: &str) -> Result<Vec<&str>, StoreError> {
        match self.keys.get(table) {
            Some(key) if !key.is_empty() => Ok(key.iter().map(|(_, c)| c.as_str()).collect()),
            _ => Err(StoreError::Corrupt(format!("{table} has no primary key"))),
        }
    }
}

/// One row found for the person: the values of the columns read, in the table's catalogue
/// order.
#[derive(Debug, Clone)]
pub struct FoundRow {
    pub values: Vec<(&'static str, Value)>,
    /// Found by the table's link: the person's own.
    pub theirs: bool,
    /// For rows governed as tickets, the ticket's category (which purpose governs it).
    pub ticket_category: Option<String>,
}

impl FoundRow {
    pub fn value(&self, column: &str) -> Option<&Value> {
        self.values
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, v)| v)
    }
}

#[derive(QueryableByName)]
struct RawRow {
    #[diesel(sql_type = Text)]
    object: String,
    #[diesel(sql_type = Nullable<Text>)]
    category: Option<String>,
}

/// The columns a bundle reads of `table`: all but the tenant, digests and the organisation's
/// own documents, which it never shows; the primary key always, to page by.
fn read_columns(table: &'static Table, key: &[&str]) -> Vec<&'static str> {
    table
        .columns
        .iter()
        .filter(|c| {
            key.contains(&c.name)
                || !matches!(
                    c.holds,
                    Holds::NotPersonal(
                        NotPersonal::Tenant | NotPersonal::Digest | NotPersonal::Organisation
                    )
                )
        })
        .map(|c| c.name)
        .collect()
}

/// Rows read per query.
pub const PAGE: usize = 500;

/// The statements reading one table's rows for a person: one per finder and value, each
/// skipping the rows an earlier one found, paged by the table's primary key.
struct Statements {
    table: &'static Table,
    key: Vec<String>,
    columns: Vec<&'static str>,
    /// Each finder's statement up to its ORDER BY, its binds, whether its rows are theirs, and
    /// the column it finds them by.
    finders: Vec<(String, Vec<String>, bool, &'static str)>,
    order: String,
    key_binds: String,
}

impl Statements {
    fn new(
        conn: &AnyConnection,
        schema: &Schema,
        plan: &TablePlan,
        subject: &Subject,
    ) -> Result<Statements, StoreError> {
        let table = plan.table;
        let key = schema.key(table.name)?;
        let columns = read_columns(table, &key);
        let object = json_object(conn, &columns);
        let tenant = match (plan.parent, table.column("org_id")) {
            (Some(_), _) => "p.org_id",
            (None, Some(_)) => "t.org_id",
            (None, None) => {
                return Err(StoreError::Corrupt(format!(
                    "{} has no organisation to scope by",
                    table.name
                )));
            }
        };
        let category = match (plan.governed, plan.parent) {
            (domain::catalogue::RecordKind::Ticket, Some(_)) => "p.category",
            (domain::catalogue::RecordKind::Ticket, None) => "t.category",
            _ => "NULL",
        };
        let join = plan
            .parent
            .map(|(column, parent)| format!(" JOIN {} p ON t.{column} = p.id", parent.name))
            .unwrap_or_default();
        let order: Vec<String> = key.iter().map(|k| format!("t.{k}")).collect();
        let key_binds: Vec<String> = key
            .iter()
            .map(|k| match schema.column_type(table.name, k) {
                ColumnType::Integer => "CAST(? AS BIGINT)".to_owned(),
                _ => "?".to_owned(),
            })
            .collect();
        let mut earlier: Vec<(String, String)> = Vec::new();
        let mut finders = Vec::new();
        for finder in &plan.finders {
            let column = qualified(finder);
            for value in subject.values(finder.key) {
                // The one column found through an index of its own: events by subject (see
                // `audit::subject_index`); every other is found by its column's index.
                let (source, mut binds) =
                    if subject_index::is_indexed_here(table.name, finder.column) {
                        (
                            format!("({})", subject_index::events_about_subject("?", "?")),
                            subject_index::events_about_subject_binds(subject.org_id, &value),
                        )
                    } else {
                        (table.name.to_owned(), Vec::new())
                    };
                let mut sql = format!(
                    "SELECT {object} AS object, CAST({category} AS TEXT) AS category \
                     FROM {source} t{join} WHERE {tenant} = ? AND {column} = ?"
                );
                binds.extend([subject.org_id.to_string(), value.clone()]);
                for (column, value) in &earlier {
                    sql.push_str(&format!(" AND ({column} IS NULL OR {column} <> ?)"));
                    binds.push(value.clone());
                }
                finders.push((sql, binds, finder.theirs, finder.column));
                earlier.push((column.clone(), value));
            }
        }
        Ok(Statements {
            table,
            key: key.into_iter().map(str::to_owned).collect(),
            columns,
            finders,
            order: order.join(", "),
            key_binds: key_binds.join(", "),
        })
    }

    /// A page of a finder's rows after the row keyed `after`.
    fn page(&self, sql: &str, binds: &[String], after: Option<&[String]>) -> (String, Vec<String>) {
        let mut sql = sql.to_owned();
        let mut binds = binds.to_vec();
        if let Some(after) = after {
            sql.push_str(&format!(" AND ({}) > ({})", self.order, self.key_binds));
            binds.extend(after.iter().cloned());
        }
        sql.push_str(&format!(" ORDER BY {} LIMIT {PAGE}", self.order));
        (sql, binds)
    }
}

/// Reads the rows `plan` finds for `subject`, a page at a time, handing each page to
/// `each_page`; answers how many rows were found. Each finder's rows come in primary key
/// order, and a finder skips the rows an earlier one found, so no row comes twice.
pub fn walk_table<E: From<StoreError>>(
    conn: &mut AnyConnection,
    schema: &Schema,
    plan: &TablePlan,
    subject: &Subject,
    mut each_page: impl FnMut(&[FoundRow]) -> Result<(), E>,
) -> Result<u64, E> {
    let statements = Statements::new(conn, schema, plan, subject)?;
    let mut found = 0u64;
    for (sql, binds, theirs, _) in &statements.finders {
        let mut after: Option<Vec<String>> = None;
        loop {
            let (page_sql, page_binds) = statements.page(sql, binds, after.as_deref());
            let raw = load(conn, &page_sql, &page_binds)?;
            let full = raw.len() == PAGE;
            let rows = raw
                .into_iter()
                .map(|r| row_of(schema, statements.table, &statements.columns, r, *theirs))
                .collect::<Result<Vec<FoundRow>, StoreError>>()?;
            if let Some(last) = rows.last() {
                after = Some(
                    statements
                        .key
                        .iter()
                        .map(|k| text_of(last.value(k).unwrap_or(&Value::Null)))
                        .collect(),
                );
            }
            found += rows.len() as u64;
            each_page(&rows)?;
            if !full {
                break;
            }
        }
    }
    Ok(found)
}

/// How the database would run each statement of the walk for `subject` (first pages and
/// later ones): the statement, the column it finds rows by, and SQLite's `EXPLAIN QUERY PLAN`
/// lines or PostgreSQL's `EXPLAIN` text. For checking that every read goes by an index.
pub fn query_plans(
    conn: &mut AnyConnection,
    scope: domain::subject_access::Scope,
    subject: &Subject,
) -> Result<Vec<(String, &'static str, String)>, StoreError> {
    let schema = Schema::read(conn)?;
    let (plans, _) = plan(scope);
    let mut explained = Vec::new();
    for plan in &plans {
        let statements = Statements::new(conn, &schema, plan, subject)?;
        let after: Vec<String> = statements.key.iter().map(|_| "0".to_owned()).collect();
        for (sql, binds, _, column) in &statements.finders {
            for page_after in [None, Some(after.as_slice())] {
                let (sql, binds) = statements.page(sql, binds, page_after);
                let lines = explain(conn, &sql, &binds)?;
                explained.push((sql, *column, lines.join("\n")));
            }
        }
    }
    Ok(explained)
}

#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = Text)]
    detail: String,
}

fn explain(
    conn: &mut AnyConnection,
    sql: &str,
    binds: &[String],
) -> Result<Vec<String>, StoreError> {
    use diesel::RunQueryDsl;
    let lines: Vec<PlanLine> = match conn {
        AnyConnection::Sqlite(conn) => {
            let mut query = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
                .into_boxed::<diesel::sqlite::Sqlite>();
            for value in binds {
                query = query.bind::<Text, _>(value.clone());
            }
            query.load(conn)?
        }
        AnyConnection::Postgresql(pg) => {
            let mut query = diesel::sql_query(format!("EXPLAIN {}", numbered(sql)))
                .into_boxed::<diesel::pg::Pg>();
            for value in binds {
                query = query.bind::<Text, _>(value.clone());
            }
            #[derive(QueryableByName)]
            struct PgLine {
                #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
                line: String,
            }
            query
                .load::<PgLine>(pg)?
                .into_iter()
                .map(|l| PlanLine { detail: l.line })
                .collect()
        }
    };
    Ok(lines.into_iter().map(|l| l.detail).collect())
}

/// The finder's column as the query names it.
fn qualified(finder: &Finder) -> String {
    let alias = if finder.on_parent { "p" } else { "t" };
    format!("{alias}.{}", finder.column)
}

/// An expression making one JSON object of `columns` of `t`, as text.
fn json_object(conn: &AnyConnection, columns: &[&str]) -> String {
    let pairs: Vec<String> = columns.iter().map(|c| format!("'{c}', t.{c}")).collect();
    match conn {
        AnyConnection::Sqlite(_) => format!("json_object({})", pairs.join(", ")),
        AnyConnection::Postgresql(_) => {
            format!("CAST(json_build_object({}) AS TEXT)", pairs.join(", "))
        }
    }
}

fn row_of(
    schema: &Schema,
    table: &'static Table,
    columns: &[&'static str],
    raw: RawRow,
    theirs: bool,
) -> Result<FoundRow, StoreError> {
    let corrupt = || StoreError::Corrupt(format!("{} row as JSON", table.name));
    let Value::Object(mut object) = serde_json::from_str(&raw.object).map_err(|_| corrupt())?
    else {
        return Err(corrupt());
    };
    let values = columns
        .iter()
        .map(|&c| {
            let value = object.remove(c).unwrap_or(Value::Null);
            (c, schema.column_type(table.name, c).normalise(value))
        })
        .collect();
    Ok(FoundRow {
        values,
        theirs,
        ticket_category: raw.category,
    })
}

/// A value as text, as a key is bound and a CSV field written.
pub fn text_of(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Runs `sql`, whose placeholders are `?`, with `binds` in order, on either backend.
fn load(conn: &mut AnyConnection, sql: &str, binds: &[String]) -> Result<Vec<RawRow>, StoreError> {
    use diesel::RunQueryDsl;
    Ok(match conn {
        AnyConnection::Sqlite(conn) => {
            let mut query = diesel::sql_query(sql).into_boxed::<diesel::sqlite::Sqlite>();
            for value in binds {
                query = query.bind::<Text, _>(value.clone());
            }
            query.load(conn)?
        }
        AnyConnection::Postgresql(conn) => {
            let mut query = diesel::sql_query(numbered(sql)).into_boxed::<diesel::pg::Pg>();
            for value in binds {
                query = query.bind::<Text, _>(value.clone());
            }
            query.load(conn)?
        }
    })
}

/// `sql` with its `?` placeholders numbered for PostgreSQL (`$1`, `$2`, ...).
pub(crate) fn numbered(sql: &str) -> String {
    let mut numbered = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            numbered.push_str(&format!("${n}"));
        } else {
            numbered.push(c);
        }
    }
    numbered
}

/// Failure inside a snapshot: storage's, or the work's own.
enum Failed<E> {
    Store(StoreError),
    Work(E),
}

impl<E> From<diesel::result::Error> for Failed<E> {
    fn from(error: diesel::result::Error) -> Self {
        Failed::Store(error.into())
    }
}

/// Runs `work` in one read transaction, so every table is read as of one moment: a snapshot
/// on PostgreSQL (repeatable read, read only), and SQLite's WAL snapshot from the first read.
pub fn snapshot<T, E: From<StoreError>>(
    conn: &mut AnyConnection,
    work: impl FnOnce(&mut AnyConnection) -> Result<T, E>,
) -> Result<T, E> {
    use diesel::{Connection, RunQueryDsl};
    conn.transaction::<T, Failed<E>, _>(|conn| {
        if let AnyConnection::Postgresql(pg) = conn {
            diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(pg)?;
        }
        work(conn).map_err(Failed::Work)
    })
    .map_err(|failed| match failed {
        Failed::Store(error) => E::from(error),
        Failed::Work(error) => error,
    })
}

/// The tables of the catalogue the walk plans for `scope`.
pub fn plan(
    scope: domain::subject_access::Scope,
) -> (Vec<TablePlan>, Vec<domain::subject_access::LeftOut>) {
    domain::subject_access::plan(&CATALOGUE, scope)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Db, PoolSizes, run_migrations};
    use domain::subject_access::Scope;

    /// Every statement of the walk reads by an index on the column naming the person, on
    /// SQLite: none scans a table, a whole index or the organisation's rows, so a bundle costs
    /// what the person holds, not what the database holds.
    /// (`make bench` measures it; PostgreSQL's plans depend on its statistics, and the bench
    /// prints them for the loaded database.)
    #[test]
    fn every_statement_of_the_walk_reads_by_an_index() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let db = Db::connect(&url, PoolSizes::default()).expect("opens");
        run_migrations(&db).expect("migrates");
        let mut conn = db.read().expect("reader");
        let subject = Subject {
            org_id: OrgId::from_uuid(uuid::Uuid::from_u128(1)),
            person_id: PersonId::from_uuid(uuid::Uuid::from_u128(2)),
            external_id: Some("staff-1".into()),
            pseudonyms: vec!["ab".into(), "cd".into()],
        };
        let mut scans = Vec::new();
        for scope in Scope::ALL {
            for (sql, column, plan) in query_plans(&mut conn, *scope, &subject).expect("explained")
            {
                // Reading a subquery's own rows (`t`, built by searches) is no scan of a table.
                let scanned = plan.lines().any(|line| {
                    let line = line.trim_start();
                    line.starts_with("SCAN") && !(line == "SCAN t" && plan.contains("CO-ROUTINE t"))
                });
                if scanned || !plan.contains(&format!("{column}=?")) {
                    scans.push(format!("{sql}\n{plan}"));
                }
            }
        }
        assert!(scans.is_empty(), "{}", scans.join("\n\n"));
    }
}
