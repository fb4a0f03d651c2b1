//! Requests to exercise a right (UK GDPR Chapter III, Art 7(3), DPA 2018 s.164A), with the
//! statutory dates the domain computed for them and the steps taken on them since.
//!
//! A step is taken by [`take_step`] (and an outcome given by [`close`]) in the caller's
//! transaction: the request is locked, its steps replayed, the domain checks and applies the new
//! one, and the step is stored with what the person is told, beside the request's new status and
//! deadlines. Other work that answers a request as part of its own (an objection's restriction
//! lifted when the objection is decided) calls [`close`] inside its own transaction.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Date, Nullable};
use domain::ids::{OrgId, PersonId, RightsRequestId};
use domain::page::PageLimit;
use domain::party::Party;
use domain::register::rights::Right;
use domain::register::{EntryKind, OrganisationDetails};
use domain::rights_requests::{
    Awaiting, BankHolidays, Channel, Nation, Outcome, Progress, RequestStatus, Step, StepKind,
    step_day, uk_date,
};
use uuid::Uuid;

use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::parties;
use crate::schema::{rights_request_steps, rights_requests};
use crate::time::{from_db, to_db};

diesel::define_sql_function!(fn coalesce(x: Nullable<Date>, y: Date) -> Date);

/// A request, with its steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RightsRequest {
    pub id: RightsRequestId,
    pub org_id: OrgId,
    /// The person the request is about.
    pub person_id: PersonId,
    pub right: Right,
    pub channel: Channel,
    pub nation: Nation,
    pub received_at: DateTime<Utc>,
    /// Art 12(3), from the relevant time as it stands.
    pub due_on: NaiveDate,
    /// Art 12(3), once the time to respond is extended.
    pub extended_due_on: Option<NaiveDate>,
    /// DPA 2018 s.164A, for complaints.
    pub acknowledge_by: Option<NaiveDate>,
    pub status: RequestStatus,
    /// Who logged it: the person themselves, or the DPO.
    pub logged_by: Party,
    pub logged_at: DateTime<Utc>,
    /// The steps taken on it, in the order they were taken.
    pub steps: Vec<RecordedStep>,
}

impl RightsRequest {
    /// Where the request stands: its steps replayed from the day it was received.
    pub fn progress(&self) -> Progress {
        let received = Progress::received(self.right, self.nation, uk_date(self.received_at));
        self.steps.iter().fold(received, |progress, recorded| {
            progress.after(&recorded.step, uk_date(recorded.occurred_at))
        })
    }
}

/// A step taken on a request, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedStep {
    pub id: Uuid,
    pub step: Step,
    /// When it happened (the information arrived, the notice or answer was sent).
    pub occurred_at: DateTime<Utc>,
    /// What the person was told: an extension notice, the reasons for a refusal.
    pub letter: Option<String>,
    /// Who recorded it.
    pub by: Party,
    pub recorded_at: DateTime<Utc>,
}

/// Who records a step, when it happened and when it is recorded.
#[derive(Debug, Clone)]
pub struct StepRecord {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    /// The request field `occurred_at` came from, named when it is refused (in the future, or
    /// before the request was received).
    pub field: &'static str,
    pub by: Party,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = rights_requests)]
struct RightsRequestRow {
    id: String,
    org_id: String,
    person_id: String,
    right_kind: String,
    channel: String,
    nation: String,
    received_at: chrono::NaiveDateTime,
    due_on: NaiveDate,
    acknowledge_by: Option<NaiveDate>,
    status: String,
    logged_by_id: Option<String>,
    logged_by_account: Option<String>,
    logged_at: chrono::NaiveDateTime,
    extended_due_on: Option<NaiveDate>,
}

impl RightsRequestRow {
    fn into_request(self, steps: Vec<RecordedStep>) -> Result<RightsRequest, StoreError> {
        let bad = |what: &str| StoreError::Corrupt(format!("rights request {what}"));
        Ok(RightsRequest {
            id: self.id.parse().map_err(|_| bad("id"))?,
            org_id: self.org_id.parse().map_err(|_| bad("organisation"))?,
            person_id: self.person_id.parse().map_err(|_| bad("person"))?,
            right: self.right_kind.parse().map_err(|_| bad("right"))?,
            channel: self.channel.parse().map_err(|_| bad("channel"))?,
            nation: self.nation.parse().map_err(|_| bad("nation"))?,
            received_at: from_db(self.received_at),
            due_on: self.due_on,
            extended_due_on: self.extended_due_on,
            acknowledge_by: self.acknowledge_by,
            status: self.status.parse().map_err(|_| bad("status"))?,
            logged_by: parties::party(
                "rights request logged_by",
                self.logged_by_id,
                self.logged_by_account,
            )?,
            logged_at: from_db(self.logged_at),
            steps,
        })
    }
}

impl From<&RightsRequest> for RightsRequestRow {
    fn from(r: &RightsRequest) -> Self {
        let (logged_by_id, logged_by_account) = parties::columns(&r.logged_by);
        RightsRequestRow {
            id: r.id.to_string(),
            org_id: r.org_id.to_string(),
            person_id: r.person_id.to_string(),
            right_kind: r.right.as_str().to_owned(),
            channel: r.channel.as_str().to_owned(),
            nation: r.nation.as_str().to_owned(),
            received_at: to_db(r.received_at),
            due_on: r.due_on,
            acknowledge_by: r.acknowledge_by,
            status: r.status.as_str().to_owned(),
            logged_by_id,
            logged_by_account,
            logged_at: to_db(r.logged_at),
            extended_due_on: r.extended_due_on,
        }
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = rights_request_steps)]
struct StepRow {
    id: String,
    request_id: String,
    kind: String,
    occurred_at: chrono::NaiveDateTime,
    months: Option<i64>,
    outcome: Option<String>,
    ground: Option<String>,
    reasons: Option<String>,
    letter: Option<String>,
    actor_id: Option<String>,
    actor_account: Option<String>,
    recorded_at: chrono::NaiveDateTime,
}

impl StepRow {
    fn new(
        request_id: RightsRequestId,
        step: &Step,
        record: &StepRecord,
        letter: Option<String>,
    ) -> Self {
        let (actor_id, actor_account) = parties::columns(&record.by);
        let (months, outcome, ground, reasons) = match step {
            Step::Extended { months, reasons } => (
                Some(i64::from(*months)),
                None,
                None,
                Some(reasons.trim().to_owned()),
            ),
            Step::Closed(outcome) => (
                None,
                Some(outcome.kind.as_str().to_owned()),
                outcome.ground.map(|g| g.as_str().to_owned()),
                outcome.reasons.as_deref().map(|r| r.trim().to_owned()),
            ),
            Step::Asked(_) | Step::Answered(_) | Step::Acknowledged => (None, None, None, None),
        };
        StepRow {
            id: record.id.to_string(),
            request_id: request_id.to_string(),
            kind: step.kind().as_str().to_owned(),
            occurred_at: to_db(record.occurred_at),
            months,
            outcome,
            ground,
            reasons,
            letter,
            actor_id,
            actor_account,
            recorded_at: to_db(record.recorded_at),
        }
    }
}

impl TryFrom<StepRow> for RecordedStep {
    type Error = StoreError;

    fn try_from(row: StepRow) -> Result<Self, StoreError> {
        let bad = |what: &str| StoreError::Corrupt(format!("rights request step {what}"));
        let kind: StepKind = row.kind.parse().map_err(|_| bad("kind"))?;
        let step = match kind {
            StepKind::IdentityRequested => Step::Asked(Awaiting::Identity),
            StepKind::IdentityReceived => Step::Answered(Awaiting::Identity),
            StepKind::ClarificationRequested => Step::Asked(Awaiting::Clarification),
            StepKind::ClarificationReceived => Step::Answered(Awaiting::Clarification),
            StepKind::FeeRequested => Step::Asked(Awaiting::Fee),
            StepKind::FeePaid => Step::Answered(Awaiting::Fee),
            StepKind::Extended => Step::Extended {
                months: row
                    .months
                    .and_then(|m| u8::try_from(m).ok())
                    .ok_or_else(|| bad("months"))?,
                reasons: row.reasons.ok_or_else(|| bad("reasons"))?,
            },
            StepKind::Acknowledged => Step::Acknowledged,
            StepKind::Closed => Step::Closed(Outcome {
                kind: row
                    .outcome
                    .as_deref()
                    .ok_or_else(|| bad("outcome"))?
                    .parse()
                    .map_err(|_| bad("outcome"))?,
                ground: row
                    .ground
                    .as_deref()
                    .map(str::parse)
                    .transpose()
                    .map_err(|_| bad("ground"))?,
                reasons: row.reasons,
            }),
        };
        Ok(RecordedStep {
            id: row.id.parse().map_err(|_| bad("id"))?,
            step,
            occurred_at: from_db(row.occurred_at),
            letter: row.letter,
            by: parties::party("rights request step actor", row.actor_id, row.actor_account)?,
            recorded_at: from_db(row.recorded_at),
        })
    }
}

/// The nation whose bank holidays count for the organisation's requests that name none: its
/// details' (England and Wales until they say otherwise).
pub fn organisation_nation(conn: &mut AnyConnection, org_id: OrgId) -> Result<Nation, StoreError> {
    match crate::register::get::<OrganisationDetails>(
        conn,
        org_id,
        EntryKind::Organisation,
        org_id.as_uuid(),
        None,
    ) {
        Ok(details) => Ok(details.body.nation),
        Err(StoreError::NotFound) => Ok(Nation::default()),
        Err(other) => Err(other),
    }
}

/// Stores a request as logged, before any step.
pub fn insert(conn: &mut AnyConnection, request: &RightsRequest) -> Result<(), StoreError> {
    diesel::insert_into(rights_requests::table)
        .values(RightsRequestRow::from(request))
        .execute(conn)?;
    Ok(())
}

/// The steps of each request, in the order they were taken.
fn steps_of(
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<HashMap<String, Vec<RecordedStep>>, StoreError> {
    let mut steps: HashMap<String, Vec<RecordedStep>> = HashMap::new();
    if ids.is_empty() {
        return Ok(steps);
    }
    let rows = rights_request_steps::table
        .filter(rights_request_steps::request_id.eq_any(ids))
        .order((
            rights_request_steps::recorded_at.asc(),
            rights_request_steps::id.asc(),
        ))
        .select(StepRow::as_select())
        .load::<StepRow>(conn)?;
    for row in rows {
        let request = row.request_id.clone();
        steps.entry(request).or_default().push(row.try_into()?);
    }
    Ok(steps)
}

/// The requests of these rows, each with its steps.
fn with_steps(
    conn: &mut AnyConnection,
    rows: Vec<RightsRequestRow>,
) -> Result<Vec<RightsRequest>, StoreError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut steps = steps_of(conn, &ids)?;
    rows.into_iter()
        .map(|row| {
            let taken = steps.remove(&row.id).unwrap_or_default();
            row.into_request(taken)
        })
        .collect()
}

/// One request of the organisation, with its steps; another organisation's is `NotFound`.
pub fn get(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: RightsRequestId,
) -> Result<RightsRequest, StoreError> {
    let row = rights_requests::table
        .find(id.to_string())
        .filter(rights_requests::org_id.eq(org_id.to_string()))
        .select(RightsRequestRow::as_select())
        .first::<RightsRequestRow>(conn)?;
    with_steps(conn, vec![row])?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// Takes the request's lock for the rest of the transaction, so two steps on one request never
/// interleave: the UPDATE holds the row until commit on PostgreSQL, and SQLite has one writer.
fn lock(conn: &mut AnyConnection, org_id: OrgId, id: RightsRequestId) -> Result<(), StoreError> {
    let locked = diesel::update(
        rights_requests::table
            .find(id.to_string())
            .filter(rights_requests::org_id.eq(org_id.to_string())),
    )
    .set(rights_requests::status.eq(rights_requests::status))
    .execute(conn)?;
    if locked == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Takes `step` on the organisation's request `id`, in the caller's transaction, and answers
/// the request as it then stands. The step's moment is checked against the request's receipt
/// and the moment it is recorded ([`step_day`], naming `record.field`), then against the
/// request's state by the domain ([`Progress::apply`]): a refusal is `StoreError::Domain`, and
/// nothing is written. `holidays` are the bank holidays the server counts.
pub fn take_step(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: RightsRequestId,
    step: &Step,
    record: &StepRecord,
    holidays: &BankHolidays,
) -> Result<RightsRequest, StoreError> {
    lock(conn, org_id, id)?;
    let request = get(conn, org_id, id)?;
    let on = step_day(
        record.field,
        record.occurred_at,
        request.received_at,
        record.recorded_at,
    )?;
    let applied = request.progress().apply(step, on, holidays)?;
    diesel::insert_into(rights_request_steps::table)
        .values(StepRow::new(id, step, record, applied.letter))
        .execute(conn)?;
    diesel::update(rights_requests::table.find(id.to_string()))
        .set((
            rights_requests::status.eq(applied.progress.status().as_str()),
            rights_requests::due_on.eq(applied.deadlines.due_on),
            rights_requests::extended_due_on.eq(applied.deadlines.extended_due_on),
            rights_requests::acknowledge_by.eq(applied.deadlines.acknowledge_by),
        ))
        .execute(conn)?;
    get(conn, org_id, id)
}

/// The day a pending request must be answered by: the extended date where there is one
/// (`Deadlines::respond_by`, in SQL for the queue's order and counts).
fn respond_by() -> coalesce<rights_requests::extended_due_on, rights_requests::due_on> {
    coalesce(rights_requests::extended_due_on, rights_requests::due_on)
}

/// A page of the organisation's pending requests (open or paused), by the day each must be
/// answered by (the extended date where there is one) then id: the work queue. The page after
/// `after` continues from that request's place in the order.
pub fn queue(
    conn: &mut AnyConnection,
    org_id: OrgId,
    limit: PageLimit,
    after: Option<RightsRequestId>,
) -> Result<(Vec<RightsRequest>, bool), StoreError> {
    let closed = RequestStatus::Closed.as_str();
    let mut query = rights_requests::table
        .filter(rights_requests::org_id.eq(org_id.to_string()))
        .filter(rights_requests::status.ne(closed))
        .select(RightsRequestRow::as_select())
        .order((respond_by().asc(), rights_requests::id.asc()))
        .limit(i64::from(limit.get()) + 1)
        .into_boxed();
    if let Some(after) = after {
        let by = rights_requests::table
            .find(after.to_string())
            .filter(rights_requests::org_id.eq(org_id.to_string()))
            .select(respond_by())
            .first::<NaiveDate>(conn)
            .optional()?;
        // A cursor naming no request of the organisation ends the queue.
        let Some(by) = by else {
            return Ok((Vec::new(), false));
        };
        query = query.filter(
            respond_by().gt(by).or(respond_by()
                .eq(by)
                .and(rights_requests::id.gt(after.to_string()))),
        );
    }
    let mut rows = query.load::<RightsRequestRow>(conn)?;
    let more = rows.len() > usize::from(limit.get());
    rows.truncate(usize::from(limit.get()));
    Ok((with_steps(conn, rows)?, more))
}

/// How many of the organisation's pending requests (open or paused) were due before `today`,
/// and how many fall due from `today` up to the day before `week_end`, each by the day it must
/// be answered by (the extended date where there is one).
pub fn counts(
    conn: &mut AnyConnection,
    org_id: OrgId,
    today: NaiveDate,
    week_end: NaiveDate,
) -> Result<(i64, i64), StoreError> {
    let closed = RequestStatus::Closed.as_str();
    let overdue = rights_requests::table
        .filter(rights_requests::org_id.eq(org_id.to_string()))
        .filter(rights_requests::status.ne(closed))
        .filter(respond_by().lt(today))
        .count()
        .get_result::<i64>(conn)?;
    let this_week = rights_requests::table
        .filter(rights_requests::org_id.eq(org_id.to_string()))
        .filter(rights_requests::status.ne(closed))
        .filter(respond_by().ge(today))
        .filter(respond_by().lt(week_end))
        .count()
        .get_result::<i64>(conn)?;
    Ok((overdue, this_week))
}
