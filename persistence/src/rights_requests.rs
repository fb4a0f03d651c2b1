//! Requests to exercise a right (UK GDPR Chapter III, Art 7(3), DPA 2018 s.164A), with the
//! statutory dates the domain computed when they were logged.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use domain::ids::{OrgId, PersonId, RightsRequestId};
use domain::page::PageLimit;
use domain::party::Party;
use domain::register::rights::Right;
use domain::rights_requests::{Channel, Nation, RequestStatus};

use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::parties;
use crate::schema::rights_requests;
use crate::time::{from_db, to_db};

/// A request, as logged.
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
    /// Art 12(3).
    pub due_on: NaiveDate,
    /// DPA 2018 s.164A, for complaints.
    pub acknowledge_by: Option<NaiveDate>,
    pub status: RequestStatus,
    /// Who logged it: the person themselves, or the DPO.
    pub logged_by: Party,
    pub logged_at: DateTime<Utc>,
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
}

impl TryFrom<RightsRequestRow> for RightsRequest {
    type Error = StoreError;

    fn try_from(row: RightsRequestRow) -> Result<Self, StoreError> {
        let bad = |what: &str| StoreError::Corrupt(format!("rights request {what}"));
        Ok(RightsRequest {
            id: row.id.parse().map_err(|_| bad("id"))?,
            org_id: row.org_id.parse().map_err(|_| bad("organisation"))?,
            person_id: row.person_id.parse().map_err(|_| bad("person"))?,
            right: row.right_kind.parse().map_err(|_| bad("right"))?,
            channel: row.channel.parse().map_err(|_| bad("channel"))?,
            nation: row.nation.parse().map_err(|_| bad("nation"))?,
            received_at: from_db(row.received_at),
            due_on: row.due_on,
            acknowledge_by: row.acknowledge_by,
            status: row.status.parse().map_err(|_| bad("status"))?,
            logged_by: parties::party(
                "rights request logged_by",
                row.logged_by_id,
                row.logged_by_account,
            )?,
            logged_at: from_db(row.logged_at),
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
        }
    }
}

pub fn insert(conn: &mut AnyConnection, request: &RightsRequest) -> Result<(), StoreError> {
    diesel::insert_into(rights_requests::table)
        .values(RightsRequestRow::from(request))
        .execute(conn)?;
    Ok(())
}

/// One request of the organisation; another organisation's is `NotFound`.
pub fn get(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: RightsRequestId,
) -> Result<RightsRequest, StoreError> {
    rights_requests::table
        .find(id.to_string())
        .filter(rights_requests::org_id.eq(org_id.to_string()))
        .select(RightsRequestRow::as_select())
        .first::<RightsRequestRow>(conn)?
        .try_into()
}

/// A page of the organisation's open requests, by due date then id: the work queue. The page
/// after `after` continues from that request's place in the order.
pub fn queue(
    conn: &mut AnyConnection,
    org_id: OrgId,
    limit: PageLimit,
    after: Option<RightsRequestId>,
) -> Result<(Vec<RightsRequest>, bool), StoreError> {
    let mut query = rights_requests::table
        .filter(rights_requests::org_id.eq(org_id.to_string()))
        .select(RightsRequestRow::as_select())
        .order((rights_requests::due_on.asc(), rights_requests::id.asc()))
        .limit(i64::from(limit.get()) + 1)
        .into_boxed();
    if let Some(after) = after {
        let due_on = rights_requests::table
            .find(after.to_string())
            .filter(rights_requests::org_id.eq(org_id.to_string()))
            .select(rights_requests::due_on)
            .first::<NaiveDate>(conn)
            .optional()?;
        // A cursor naming no request of the organisation ends the queue.
        let Some(due_on) = due_on else {
            return Ok((Vec::new(), false));
        };
        query = query.filter(
            rights_requests::due_on
                .gt(due_on)
                .or(rights_requests::due_on
                    .eq(due_on)
                    .and(rights_requests::id.gt(after.to_string()))),
        );
    }
    let mut rows = query.load::<RightsRequestRow>(conn)?;
    let more = rows.len() > usize::from(limit.get());
    rows.truncate(usize::from(limit.get()));
    let items = rows
        .into_iter()
        .map(RightsRequest::try_from)
        .collect::<Result<_, _>>()?;
    Ok((items, more))
}

/// How many of the organisation's open requests were due before `today`, and how many fall due
/// from `today` up to the day before `week_end`.
pub fn counts(
    conn: &mut AnyConnection,
    org_id: OrgId,
    today: NaiveDate,
    week_end: NaiveDate,
) -> Result<(i64, i64), StoreError> {
    let overdue = rights_requests::table
        .filter(rights_requests::org_id.eq(org_id.to_string()))
        .filter(rights_requests::due_on.lt(today))
        .count()
        .get_result::<i64>(conn)?;
    let this_week = rights_requests::table
        .filter(rights_requests::org_id.eq(org_id.to_string()))
        .filter(rights_requests::due_on.ge(today))
        .filter(rights_requests::due_on.lt(week_end))
        .count()
        .get_result::<i64>(conn)?;
    Ok((overdue, this_week))
}
