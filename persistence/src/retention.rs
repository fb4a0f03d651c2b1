//! Retention sweeps as stored: each sweep, the policies it applies with how far it has gone
//! through them, whom it found blocked, what it did to whom, and the lease that lets one sweep
//! run at a time for an organisation whichever server runs it.
//!
//! The people a policy has come due on are found in keyset batches in person id order
//! ([`due_batch`]), one query per trigger, so a sweep over a million people never holds more
//! than a batch. Which records count for each trigger is read from the catalogue.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text, Timestamp};
use domain::catalogue::{PersonKey, PersonLink, RecordKind};
use domain::ids::{OrgId, PersonId, PurposeId, RetentionPolicyId};
use domain::legal_holds::Blocker;
use domain::party::Party;
use domain::register::sweep::{Evidence, SweepRule, SweepStatus};
use domain::register::{Holding, RetentionAction, RetentionPeriod, RetentionTrigger};
use domain::rights_requests::{RequestStatus, StepKind};
use domain::ticket::TicketStatus;
use serde::Serialize;
use uuid::Uuid;

use crate::catalogue::CATALOGUE;
use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::parties;
use crate::schema::{
    retention_actions, retention_sweep_blocked, retention_sweep_leases, retention_sweep_policies,
    retention_sweeps,
};
use crate::time::{from_db, to_db};

/// People read per batch of a sweep.
pub const BATCH: i64 = 500;

// ---------------------------------------------------------------------------------------------
// Raw SQL on either backend

/// Runs `$sql`, whose placeholders are `{1}`, `{2}`, ... in bind order, with each `(type,
/// value)` bound, on the connection's own backend, loading rows of `$row`.
macro_rules! load_sql {
    ($conn:expr, $row:ty, $sql:expr $(, ($ty:ty, $value:expr))* $(,)?) => {{
        let sql: &str = $sql;
        match $conn {
            AnyConnection::Sqlite(conn) => diesel::sql_query(numbered(sql, "?"))
                $(.bind::<$ty, _>($value))*
                .load::<$row>(conn),
            AnyConnection::Postgresql(conn) => diesel::sql_query(numbered(sql, "$"))
                $(.bind::<$ty, _>($value))*
                .load::<$row>(conn),
        }
    }};
}

/// [`load_sql`] for a statement: answers the rows it changed.
macro_rules! execute_sql {
    ($conn:expr, $sql:expr $(, ($ty:ty, $value:expr))* $(,)?) => {{
        let sql: &str = $sql;
        match $conn {
            AnyConnection::Sqlite(conn) => diesel::sql_query(numbered(sql, "?"))
                $(.bind::<$ty, _>($value))*
                .execute(conn),
            AnyConnection::Postgresql(conn) => diesel::sql_query(numbered(sql, "$"))
                $(.bind::<$ty, _>($value))*
                .execute(conn),
        }
    }};
}

/// `{1}`, `{2}`, ... as the backend numbers its parameters (`?1` or `$1`).
fn numbered(sql: &str, prefix: &str) -> String {
    let mut out = sql.to_owned();
    for n in 1..=9 {
        out = out.replace(&format!("{{{n}}}"), &format!("{prefix}{n}"));
    }
    out
}

/// The day of a timestamp expression, on the connection's backend.
fn day_of(conn: &AnyConnection, expression: &str) -> String {
    match conn {
        AnyConnection::Sqlite(_) => format!("date({expression})"),
        AnyConnection::Postgresql(_) => format!("CAST({expression} AS DATE)"),
    }
}

/// A list of SQL text literals. Only for values of closed sets and ids parsed from the
/// register, never for text from a request.
fn literals<T: ToString>(values: &[T]) -> String {
    values
        .iter()
        .map(|v| format!("'{}'", v.to_string().replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------------------------------------
// Who is due

#[derive(QueryableByName)]
struct DueRow {
    #[diesel(sql_type = Text)]
    person_id: String,
    #[diesel(sql_type = Date)]
    event: NaiveDate,
}

/// A person a policy may have come due on, with what their records show of its event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub person_id: PersonId,
    pub evidence: Evidence,
}

/// Columns that say when a row was made, in the order they are looked for: what "counted from
/// creation" counts from in each table.
const CREATED: [&str; 10] = [
    "created_at",
    "given_at",
    "answered_at",
    "granted_at",
    "recorded_at",
    "logged_at",
    "disclosed_at",
    "placed_at",
    "rectified_at",
    "notified_at",
];

/// The next batch of at most `limit` people after `after` (in id order) whose event under
/// `rule` happened on or before `events_by` (from [`domain::register::RetentionPolicy::events_due_by`]),
/// and whom the policy has not acted on before, each with the evidence of its event:
///
/// - after leaving: the leave date on their person record;
/// - after the last ticket closed: their tickets as requester (of the categories the rule
///   reaches, or all when it reaches no tickets), every one closed, the last on or before;
/// - after creation: the newest of their rows in the tables the rule reaches that link them by
///   id and say when they were made;
/// - after consent withdrawn: their consents to the rule's purposes, none still given;
/// - after a request closed: their rights requests, every one closed.
pub fn due_batch(
    conn: &mut AnyConnection,
    org_id: OrgId,
    rule: &SweepRule,
    events_by: NaiveDate,
    after: Option<PersonId>,
    limit: i64,
) -> Result<Vec<Candidate>, StoreError> {
    let policy = rule.policy.id.to_string();
    let not_acted = |person: &str| {
        format!(
            "NOT EXISTS (SELECT 1 FROM retention_actions a WHERE a.org_id = {{1}} \
             AND a.policy_id = {{3}} AND a.person_id = {person})"
        )
    };
    let sql = match rule.policy.trigger {
        RetentionTrigger::AfterLeaving => format!(
            "SELECT p.id AS person_id, p.leaves_on AS event FROM people p \
             WHERE p.org_id = {{1}} AND p.id > {{2}} AND p.leaves_on IS NOT NULL \
             AND p.leaves_on <= {{4}} AND {} ORDER BY p.id LIMIT {{5}}",
            not_acted("p.id")
        ),
        RetentionTrigger::AfterLastTicketClosed => {
            let categories = rule.ticket_categories();
            let narrowed = if categories.is_empty() {
                String::new()
            } else {
                format!(" AND t.category IN ({})", literals(&categories))
            };
            format!(
                "SELECT t.requester_id AS person_id, {} AS event FROM tickets t \
                 WHERE t.org_id = {{1}} AND t.requester_id IS NOT NULL AND t.requester_id > {{2}}{narrowed} \
                 AND {} GROUP BY t.requester_id \
                 HAVING SUM(CASE WHEN t.status = '{}' AND t.closed_at IS NOT NULL THEN 0 ELSE 1 END) = 0 \
                 AND {} <= {{4}} ORDER BY t.requester_id LIMIT {{5}}",
                day_of(conn, "MAX(t.closed_at)"),
                not_acted("t.requester_id"),
                TicketStatus::Closed.as_str(),
                day_of(conn, "MAX(t.closed_at)"),
            )
        }
        RetentionTrigger::AfterCreation => {
            let made = created_rows(rule);
            if made.is_empty() {
                return Ok(Vec::new());
            }
            format!(
                "SELECT r.person_id AS person_id, {} AS event FROM ({}) r WHERE {} \
                 GROUP BY r.person_id HAVING {} <= {{4}} ORDER BY r.person_id LIMIT {{5}}",
                day_of(conn, "MAX(r.at)"),
                made.join(" UNION ALL "),
                not_acted("r.person_id"),
                day_of(conn, "MAX(r.at)"),
            )
        }
        RetentionTrigger::AfterConsentWithdrawn => format!(
            "SELECT c.person_id AS person_id, {} AS event FROM consents c \
             WHERE c.org_id = {{1}} AND c.person_id > {{2}} AND c.purpose_id IN ({}) AND {} \
             GROUP BY c.person_id HAVING SUM(CASE WHEN c.withdrawn_at IS NULL THEN 1 ELSE 0 END) = 0 \
             AND {} <= {{4}} ORDER BY c.person_id LIMIT {{5}}",
            day_of(conn, "MAX(c.withdrawn_at)"),
            literals(&rule.purposes),
            not_acted("c.person_id"),
            day_of(conn, "MAX(c.withdrawn_at)"),
        ),
        RetentionTrigger::AfterRequestClosed => format!(
            "SELECT r.person_id AS person_id, {} AS event FROM rights_requests r \
             LEFT JOIN rights_request_steps s ON s.request_id = r.id AND s.kind = '{}' \
             WHERE r.org_id = {{1}} AND r.person_id > {{2}} AND {} GROUP BY r.person_id \
             HAVING SUM(CASE WHEN r.status = '{}' THEN 0 ELSE 1 END) = 0 \
             AND {} <= {{4}} ORDER BY r.person_id LIMIT {{5}}",
            day_of(conn, "MAX(s.occurred_at)"),
            StepKind::Closed.as_str(),
            not_acted("r.person_id"),
            RequestStatus::Closed.as_str(),
            day_of(conn, "MAX(s.occurred_at)"),
        ),
    };
    let after = after.map(|p| p.to_string()).unwrap_or_default();
    let rows = load_sql!(
        conn,
        DueRow,
        &sql,
        (Text, org_id.to_string()),
        (Text, after),
        (Text, policy),
        (Date, events_by),
        (BigInt, limit),
    )?;
    rows.into_iter()
        .map(|row| {
            let person_id = row
                .person_id
                .parse()
                .map_err(|_| StoreError::Corrupt("retention candidate person id".into()))?;
            Ok(Candidate {
                person_id,
                evidence: evidence(rule.policy.trigger, row.event),
            })
        })
        .collect()
}

/// What a row found by [`due_batch`] shows: the event, with nothing left open (the query
/// keeps only those).
fn evidence(trigger: RetentionTrigger, event: NaiveDate) -> Evidence {
    match trigger {
        RetentionTrigger::AfterLeaving => Evidence::Leaving {
            leaves_on: Some(event),
        },
        RetentionTrigger::AfterLastTicketClosed => Evidence::Tickets {
            open: 0,
            last_closed: Some(event),
        },
        RetentionTrigger::AfterCreation => Evidence::Creation {
            newest: Some(event),
        },
        RetentionTrigger::AfterConsentWithdrawn => Evidence::Consent {
            given: 0,
            last_withdrawn: Some(event),
        },
        RetentionTrigger::AfterRequestClosed => Evidence::Requests {
            open: 0,
            last_closed: Some(event),
        },
    }
}

/// For "after creation": one SELECT of `(person_id, at)` per catalogued table the rule reaches
/// that links its rows to a person by id and says when each was made; tickets narrowed to the
/// categories reached. Names come from the catalogue; the organisation and cursor are bound.
fn created_rows(rule: &SweepRule) -> Vec<String> {
    let kinds = rule.record_kinds();
    let categories = rule.ticket_categories();
    CATALOGUE
        .tables
        .iter()
        .filter(|t| kinds.contains(&CATALOGUE.governed_as(t.record)))
        .filter(|t| t.column("org_id").is_some())
        .filter_map(|t| {
            let Some(PersonLink::Column {
                column,
                key: PersonKey::PersonId,
            }) = t.person
            else {
                return None;
            };
            let made = CREATED.iter().find(|c| t.column(c).is_some())?;
            let narrowed = if t.record == RecordKind::Ticket && !categories.is_empty() {
                format!(" AND t.category IN ({})", literals(&categories))
            } else {
                String::new()
            };
            Some(format!(
                "SELECT t.{column} AS person_id, t.{made} AS at FROM {} t \
                 WHERE t.org_id = {{1}} AND t.{column} IS NOT NULL AND t.{column} > {{2}}{narrowed}",
                t.name
            ))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Sweeps

/// One policy as a sweep applies it, and how far the sweep has gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepPolicy {
    pub policy_id: RetentionPolicyId,
    pub trigger: RetentionTrigger,
    pub period: RetentionPeriod,
    pub action: RetentionAction,
    pub purposes: Vec<PurposeId>,
    pub holdings: Vec<Holding>,
    /// The last person done, in id order: the sweep resumes after them.
    pub last_person: Option<PersonId>,
    pub finished: bool,
    pub acted: i64,
    pub blocked: i64,
}

/// A sweep as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sweep {
    pub id: Uuid,
    pub org_id: OrgId,
    pub status: SweepStatus,
    pub started_by: Party,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub failure: Option<String>,
    /// In the register's order.
    pub policies: Vec<SweepPolicy>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = retention_sweeps)]
struct SweepRow {
    id: String,
    org_id: String,
    status: String,
    started_by_id: Option<String>,
    started_by_account: Option<String>,
    started_at: NaiveDateTime,
    finished_at: Option<NaiveDateTime>,
    failure: Option<String>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = retention_sweep_policies)]
struct PolicyRow {
    sweep_id: String,
    org_id: String,
    policy_id: String,
    position: i64,
    trigger_event: String,
    period: String,
    action: String,
    purposes: String,
    holdings: String,
    last_person_id: Option<String>,
    finished: bool,
    acted: i64,
    blocked: i64,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("retention sweep {what}"))
}

fn json<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|_| corrupt("serialisation"))
}

impl TryFrom<PolicyRow> for SweepPolicy {
    type Error = StoreError;

    fn try_from(row: PolicyRow) -> Result<Self, StoreError> {
        Ok(SweepPolicy {
            policy_id: row.policy_id.parse().map_err(|_| corrupt("policy id"))?,
            trigger: row.trigger_event.parse()?,
            period: row.period.parse()?,
            action: row.action.parse()?,
            purposes: serde_json::from_str(&row.purposes).map_err(|_| corrupt("purposes"))?,
            holdings: serde_json::from_str(&row.holdings).map_err(|_| corrupt("holdings"))?,
            last_person: row
                .last_person_id
                .map(|p| p.parse())
                .transpose()
                .map_err(|_| corrupt("cursor"))?,
            finished: row.finished,
            acted: row.acted,
            blocked: row.blocked,
        })
    }
}

fn sweep_of(row: SweepRow, policies: Vec<PolicyRow>) -> Result<Sweep, StoreError> {
    Ok(Sweep {
        id: row.id.parse().map_err(|_| corrupt("id"))?,
        org_id: row.org_id.parse().map_err(|_| corrupt("organisation"))?,
        status: row.status.parse()?,
        started_by: parties::party("started_by", row.started_by_id, row.started_by_account)?,
        started_at: from_db(row.started_at),
        finished_at: row.finished_at.map(from_db),
        failure: row.failure,
        policies: policies
            .into_iter()
            .map(SweepPolicy::try_from)
            .collect::<Result<_, _>>()?,
    })
}

/// Records a new sweep of `rules`, running, started by `by`.
pub fn begin(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: Uuid,
    by: &Party,
    rules: &[SweepRule],
    now: DateTime<Utc>,
) -> Result<Sweep, StoreError> {
    let (started_by_id, started_by_account) = parties::columns(by);
    diesel::insert_into(retention_sweeps::table)
        .values(SweepRow {
            id: id.to_string(),
            org_id: org_id.to_string(),
            status: SweepStatus::Running.as_str().to_owned(),
            started_by_id,
            started_by_account,
            started_at: to_db(now),
            finished_at: None,
            failure: None,
        })
        .execute(conn)?;
    for (position, rule) in rules.iter().enumerate() {
        diesel::insert_into(retention_sweep_policies::table)
            .values(PolicyRow {
                sweep_id: id.to_string(),
                org_id: org_id.to_string(),
                policy_id: rule.policy.id.to_string(),
                position: i64::try_from(position).map_err(|_| corrupt("position"))?,
                trigger_event: rule.policy.trigger.as_str().to_owned(),
                period: rule.policy.period.to_string(),
                action: rule.policy.action.as_str().to_owned(),
                purposes: json(&rule.purposes)?,
                holdings: json(&rule.holdings)?,
                last_person_id: None,
                finished: false,
                acted: 0,
                blocked: 0,
            })
            .execute(conn)?;
    }
    get(conn, org_id, id)
}

/// One of the organisation's sweeps, or `NotFound` (also for another organisation's).
pub fn get(conn: &mut AnyConnection, org_id: OrgId, id: Uuid) -> Result<Sweep, StoreError> {
    let row = retention_sweeps::table
        .find(id.to_string())
        .filter(retention_sweeps::org_id.eq(org_id.to_string()))
        .select(SweepRow::as_select())
        .get_result(conn)?;
    let policies = retention_sweep_policies::table
        .filter(retention_sweep_policies::sweep_id.eq(id.to_string()))
        .order(retention_sweep_policies::position.asc())
        .select(PolicyRow::as_select())
        .load(conn)?;
    sweep_of(row, policies)
}

/// A page of the organisation's sweeps, newest first; the page after `before` continues.
pub fn list(
    conn: &mut AnyConnection,
    org_id: OrgId,
    limit: i64,
    before: Option<Uuid>,
) -> Result<(Vec<Sweep>, bool), StoreError> {
    let mut query = retention_sweeps::table
        .filter(retention_sweeps::org_id.eq(org_id.to_string()))
        .order(retention_sweeps::id.desc())
        .select(retention_sweeps::id)
        .limit(limit + 1)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(retention_sweeps::id.lt(before.to_string()));
    }
    let mut ids: Vec<String> = query.load(conn)?;
    let more = ids.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    ids.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let sweeps = ids
        .into_iter()
        .map(|id| get(conn, org_id, id.parse().map_err(|_| corrupt("id"))?))
        .collect::<Result<_, _>>()?;
    Ok((sweeps, more))
}

/// The organisation's sweep still running or cut short, if any: the one to resume.
pub fn unfinished(conn: &mut AnyConnection, org_id: OrgId) -> Result<Option<Uuid>, StoreError> {
    let id: Option<String> = retention_sweeps::table
        .filter(retention_sweeps::org_id.eq(org_id.to_string()))
        .filter(retention_sweeps::status.eq(SweepStatus::Running.as_str()))
        .order(retention_sweeps::id.asc())
        .select(retention_sweeps::id)
        .first(conn)
        .optional()?;
    id.map(|id| id.parse().map_err(|_| corrupt("id")))
        .transpose()
}

/// Every organisation, for the scheduled sweeps.
pub fn organisations(conn: &mut AnyConnection) -> Result<Vec<OrgId>, StoreError> {
    use crate::schema::organisations;
    let ids: Vec<String> = organisations::table
        .order(organisations::id.asc())
        .select(organisations::id)
        .load(conn)?;
    ids.into_iter()
        .map(|id| id.parse().map_err(|_| corrupt("organisation")))
        .collect()
}

/// Every organisation with a sweep still running or cut short.
pub fn organisations_unfinished(conn: &mut AnyConnection) -> Result<Vec<OrgId>, StoreError> {
    let ids: Vec<String> = retention_sweeps::table
        .filter(retention_sweeps::status.eq(SweepStatus::Running.as_str()))
        .select(retention_sweeps::org_id)
        .distinct()
        .load(conn)?;
    ids.into_iter()
        .map(|id| id.parse().map_err(|_| corrupt("organisation")))
        .collect()
}

/// Ends a sweep: completed, or failed for `failure` (a message naming no one).
pub fn finish(
    conn: &mut AnyConnection,
    id: Uuid,
    failure: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let status = match failure {
        None => SweepStatus::Completed,
        Some(_) => SweepStatus::Failed,
    };
    diesel::update(retention_sweeps::table.find(id.to_string()))
        .set((
            retention_sweeps::status.eq(status.as_str()),
            retention_sweeps::finished_at.eq(Some(to_db(now))),
            retention_sweeps::failure.eq(failure),
        ))
        .execute(conn)?;
    Ok(())
}

/// Marks a policy of a sweep done: no one after its cursor is due.
pub fn finish_policy(
    conn: &mut AnyConnection,
    sweep: Uuid,
    policy: RetentionPolicyId,
) -> Result<(), StoreError> {
    diesel::update(retention_sweep_policies::table.find((sweep.to_string(), policy.to_string())))
        .set(retention_sweep_policies::finished.eq(true))
        .execute(conn)?;
    Ok(())
}

/// What a sweep did for one person under one policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    /// The policy's action was taken; for a review, the ticket that asks for it.
    Acted {
        action: RetentionAction,
        ticket: Option<Uuid>,
    },
    Blocked(Vec<Blocker>),
}

/// Moves the policy's cursor past `person`, first in the transaction that does them (so on
/// SQLite the transaction takes the write lock before it reads, waiting its turn rather than
/// failing against another process's sweep); [`record`] then says what was done, in the same
/// transaction: a sweep cut short after it never does it again, and one cut short before it
/// does it once.
pub fn advance(
    conn: &mut AnyConnection,
    sweep: Uuid,
    policy: RetentionPolicyId,
    person: PersonId,
) -> Result<(), StoreError> {
    let moved = diesel::update(
        retention_sweep_policies::table.find((sweep.to_string(), policy.to_string())),
    )
    .set(retention_sweep_policies::last_person_id.eq(Some(person.to_string())))
    .execute(conn)?;
    if moved == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Records what a sweep did for `person` under `policy`, in the transaction that did it (see
/// [`advance`]).
pub fn record(
    conn: &mut AnyConnection,
    org_id: OrgId,
    sweep: Uuid,
    policy: RetentionPolicyId,
    person: PersonId,
    done: &Done,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (acted, blocked) = match done {
        Done::Acted { action, ticket } => {
            diesel::insert_into(retention_actions::table)
                .values((
                    retention_actions::org_id.eq(org_id.to_string()),
                    retention_actions::policy_id.eq(policy.to_string()),
                    retention_actions::person_id.eq(person.to_string()),
                    retention_actions::sweep_id.eq(sweep.to_string()),
                    retention_actions::action.eq(action.as_str()),
                    retention_actions::ticket_id.eq(ticket.map(|t| t.to_string())),
                    retention_actions::acted_at.eq(to_db(now)),
                ))
                .execute(conn)?;
            (1, 0)
        }
        Done::Blocked(blockers) => {
            diesel::insert_into(retention_sweep_blocked::table)
                .values((
                    retention_sweep_blocked::sweep_id.eq(sweep.to_string()),
                    retention_sweep_blocked::org_id.eq(org_id.to_string()),
                    retention_sweep_blocked::policy_id.eq(policy.to_string()),
                    retention_sweep_blocked::person_id.eq(person.to_string()),
                    retention_sweep_blocked::blockers.eq(json(blockers)?),
                ))
                .execute(conn)?;
            (0, 1)
        }
    };
    let moved = diesel::update(
        retention_sweep_policies::table.find((sweep.to_string(), policy.to_string())),
    )
    .set((
        retention_sweep_policies::acted.eq(retention_sweep_policies::acted + acted),
        retention_sweep_policies::blocked.eq(retention_sweep_policies::blocked + blocked),
    ))
    .execute(conn)?;
    if moved == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// A person a sweep found blocked, with what blocks them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockedPerson {
    pub policy_id: RetentionPolicyId,
    pub person_id: PersonId,
    pub blockers: Vec<Blocker>,
}

/// Everyone a sweep found blocked, by policy then person.
pub fn blocked(conn: &mut AnyConnection, sweep: Uuid) -> Result<Vec<BlockedPerson>, StoreError> {
    let rows: Vec<(String, String, String)> = retention_sweep_blocked::table
        .filter(retention_sweep_blocked::sweep_id.eq(sweep.to_string()))
        .order((
            retention_sweep_blocked::policy_id.asc(),
            retention_sweep_blocked::person_id.asc(),
        ))
        .select((
            retention_sweep_blocked::policy_id,
            retention_sweep_blocked::person_id,
            retention_sweep_blocked::blockers,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(policy, person, blockers)| {
            Ok(BlockedPerson {
                policy_id: policy.parse().map_err(|_| corrupt("policy id"))?,
                person_id: person.parse().map_err(|_| corrupt("person id"))?,
                blockers: serde_json::from_str(&blockers).map_err(|_| corrupt("blockers"))?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The lease

/// Who holds the organisation's sweep lease when it could not be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub sweep: Uuid,
}

#[derive(QueryableByName)]
struct LeaseRow {
    #[diesel(sql_type = Text)]
    sweep_id: String,
}

/// Takes the organisation's sweep lease for `sweep` until `now + ttl`, in one conditional
/// statement: when no one holds it, when its holder's time ran out (a crashed server), or when
/// `holder` already holds it. Otherwise answers who does. A write first thing in its
/// transaction, so on SQLite it waits for another process's writer rather than failing.
pub fn take_lease(
    conn: &mut AnyConnection,
    org_id: OrgId,
    sweep: Uuid,
    holder: &str,
    now: DateTime<Utc>,
    ttl: TimeDelta,
) -> Result<Result<(), Held>, StoreError> {
    let taken = execute_sql!(
        conn,
        "INSERT INTO retention_sweep_leases (org_id, sweep_id, holder, expires_at) \
         VALUES ({1}, {2}, {3}, {4}) \
         ON CONFLICT (org_id) DO UPDATE SET sweep_id = excluded.sweep_id, \
         holder = excluded.holder, expires_at = excluded.expires_at \
         WHERE retention_sweep_leases.expires_at < {5} OR retention_sweep_leases.holder = {3}",
        (Text, org_id.to_string()),
        (Text, sweep.to_string()),
        (Text, holder),
        (Timestamp, to_db(now + ttl)),
        (Timestamp, to_db(now)),
    )?;
    if taken == 1 {
        return Ok(Ok(()));
    }
    let rows = load_sql!(
        conn,
        LeaseRow,
        "SELECT sweep_id FROM retention_sweep_leases WHERE org_id = {1}",
        (Text, org_id.to_string()),
    )?;
    let held = rows
        .into_iter()
        .next()
        .ok_or_else(|| corrupt("lease"))?
        .sweep_id
        .parse()
        .map_err(|_| corrupt("lease"))?;
    Ok(Err(Held { sweep: held }))
}

/// Points the lease `holder` holds at `sweep` (the unfinished sweep it resumes).
pub fn lease_for(
    conn: &mut AnyConnection,
    org_id: OrgId,
    sweep: Uuid,
    holder: &str,
) -> Result<(), StoreError> {
    diesel::update(
        retention_sweep_leases::table
            .find(org_id.to_string())
            .filter(retention_sweep_leases::holder.eq(holder)),
    )
    .set(retention_sweep_leases::sweep_id.eq(sweep.to_string()))
    .execute(conn)?;
    Ok(())
}

/// Extends the lease `holder` holds for `sweep`; `false` when it no longer holds it (its time
/// ran out and another took it over): the sweep must stop.
pub fn renew_lease(
    conn: &mut AnyConnection,
    org_id: OrgId,
    sweep: Uuid,
    holder: &str,
    now: DateTime<Utc>,
    ttl: TimeDelta,
) -> Result<bool, StoreError> {
    let renewed = diesel::update(
        retention_sweep_leases::table
            .find(org_id.to_string())
            .filter(retention_sweep_leases::holder.eq(holder))
            .filter(retention_sweep_leases::sweep_id.eq(sweep.to_string())),
    )
    .set(retention_sweep_leases::expires_at.eq(to_db(now + ttl)))
    .execute(conn)?;
    Ok(renewed == 1)
}

/// Whether any organisation's sweep holds a lease that has not run out at `now`.
pub fn sweeping(conn: &mut AnyConnection, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let live: i64 = retention_sweep_leases::table
        .filter(retention_sweep_leases::expires_at.ge(to_db(now)))
        .count()
        .get_result(conn)?;
    Ok(live > 0)
}

/// Gives the lease up, if `holder` holds it.
pub fn release_lease(
    conn: &mut AnyConnection,
    org_id: OrgId,
    holder: &str,
) -> Result<(), StoreError> {
    diesel::delete(
        retention_sweep_leases::table
            .find(org_id.to_string())
            .filter(retention_sweep_leases::holder.eq(holder)),
    )
    .execute(conn)?;
    Ok(())
}
