//! HR sync storage: the people a batch names, what a leaver holds, the people an event writes,
//! and the first answer to each `Idempotency-Key`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use domain::accounts::{AccountStatus, AccountSummary};
use domain::assets::{AssetHolding, AssignmentStatus};
use domain::ids::{OrgId, PersonId};

use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::people::{PersonRow, StoredPerson};
use crate::schema::{accounts, asset_assignments, assets, hr_sync_requests, people};
use crate::time::to_db;

/// Bound parameters per `IN (...)` query: far below SQLite's limit of 32,766.
const CHUNK: usize = 900;

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("hr sync {what}"))
}

/// Has PostgreSQL plan each of the rest of this transaction's queries for its own values. A
/// pooled connection keeps its prepared statements, and PostgreSQL settles on one generic plan
/// per statement after five runs: one settled while the tables were small scans every person
/// of the organisation for each key (at 20,000 people, 366 ms to read a batch's 900 people,
/// against well under a millisecond by the unique index). SQLite plans each statement when it
/// is prepared, by the indexes alone.
pub fn plan_for_values(conn: &mut AnyConnection) -> Result<(), StoreError> {
    if let AnyConnection::Postgresql(pg) = conn {
        pg.batch_execute("SET LOCAL plan_cache_mode = force_custom_plan")?;
    }
    Ok(())
}

/// The organisation's people with these external ids, by external id: one query per 900 ids,
/// so a batch of 1,000 records reads its people in two round trips.
pub fn people_by_external_id(
    conn: &mut AnyConnection,
    org_id: OrgId,
    external_ids: &[&str],
) -> Result<HashMap<String, StoredPerson>, StoreError> {
    let mut found = HashMap::with_capacity(external_ids.len());
    for chunk in external_ids.chunks(CHUNK) {
        let rows = people::table
            .filter(people::org_id.eq(org_id.to_string()))
            .filter(people::external_id.eq_any(chunk))
            .select(PersonRow::as_select())
            .load::<PersonRow>(conn)?;
        for row in rows {
            let stored = StoredPerson::try_from(row)?;
            if let Some(key) = stored.person.external_id.as_ref() {
                found.insert(key.as_str().to_owned(), stored);
            }
        }
    }
    Ok(found)
}

/// The person's accounts, as a leaver's removals need them.
pub fn accounts_of(
    conn: &mut AnyConnection,
    person: PersonId,
) -> Result<Vec<AccountSummary>, StoreError> {
    accounts::table
        .filter(accounts::person_id.eq(person.to_string()))
        .order(accounts::id)
        .select((accounts::id, accounts::kind, accounts::status))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .map(|(id, kind, status)| {
            Ok(AccountSummary {
                id: id.parse().map_err(|_| corrupt("account id"))?,
                kind: kind.parse().map_err(|_| corrupt("account kind"))?,
                status: status
                    .parse::<AccountStatus>()
                    .map_err(|_| corrupt("account status"))?,
            })
        })
        .collect()
}

/// The person's asset assignments, as a leaver's recoveries need them.
pub fn assets_of(
    conn: &mut AnyConnection,
    person: PersonId,
) -> Result<Vec<AssetHolding>, StoreError> {
    asset_assignments::table
        .inner_join(assets::table)
        .filter(asset_assignments::person_id.eq(person.to_string()))
        .order(asset_assignments::id)
        .select((
            asset_assignments::asset_id,
            asset_assignments::id,
            assets::kind,
            asset_assignments::status,
        ))
        .load::<(String, String, String, String)>(conn)?
        .into_iter()
        .map(|(asset, assignment, kind, status)| {
            Ok(AssetHolding {
                asset: asset.parse().map_err(|_| corrupt("asset id"))?,
                assignment: assignment.parse().map_err(|_| corrupt("assignment id"))?,
                kind: kind.parse().map_err(|_| corrupt("asset kind"))?,
                status: status
                    .parse::<AssignmentStatus>()
                    .map_err(|_| corrupt("assignment status"))?,
            })
        })
        .collect()
}

/// The first answer to a request with this key: its request hash, status and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    pub request_hash: String,
    pub status: u16,
    pub body: String,
}

/// The answer kept for `key`, unless it was kept before `kept_since` (it has expired).
pub fn answer_for(
    conn: &mut AnyConnection,
    org_id: OrgId,
    key: &str,
    kept_since: DateTime<Utc>,
) -> Result<Option<StoredAnswer>, StoreError> {
    hr_sync_requests::table
        .find((org_id.to_string(), key))
        .filter(hr_sync_requests::created_at.ge(to_db(kept_since)))
        .select((
            hr_sync_requests::request_hash,
            hr_sync_requests::status_code,
            hr_sync_requests::response,
        ))
        .first::<(String, i64, String)>(conn)
        .optional()?
        .map(|(request_hash, status, body)| {
            Ok(StoredAnswer {
                request_hash,
                status: u16::try_from(status).map_err(|_| corrupt("status"))?,
                body,
            })
        })
        .transpose()
}

/// Forgets the answers kept before `before`, of one organisation or of all: an answer names the
/// people its batch wrote, and is kept only as long as retries need it. Returns how many went.
pub fn forget_answers(
    conn: &mut AnyConnection,
    org_id: Option<OrgId>,
    before: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let expired = hr_sync_requests::table.filter(hr_sync_requests::created_at.lt(to_db(before)));
    Ok(match org_id {
        Some(org_id) => {
            diesel::delete(expired.filter(hr_sync_requests::org_id.eq(org_id.to_string())))
                .execute(conn)?
        }
        None => diesel::delete(expired).execute(conn)?,
    })
}

/// Keeps the answer to a keyed request, in the transaction that applied it: a concurrent
/// request with the same key fails on the primary key and nothing of it commits.
pub fn keep_answer(
    conn: &mut AnyConnection,
    org_id: OrgId,
    key: &str,
    answer: &StoredAnswer,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(hr_sync_requests::table)
        .values((
            hr_sync_requests::org_id.eq(org_id.to_string()),
            hr_sync_requests::idempotency_key.eq(key),
            hr_sync_requests::request_hash.eq(&answer.request_hash),
            hr_sync_requests::status_code.eq(i64::from(answer.status)),
            hr_sync_requests::response.eq(&answer.body),
            hr_sync_requests::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}
