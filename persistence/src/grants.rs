//! Duties the DPO grants agents (reading adjustments, recording disclosures): one table and one
//! set of functions for every kind. The grantee is a party: the agent's person record, or their
//! account when they have none.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::grants::Duty;
use domain::ids::OrgId;
use domain::party::Party;

use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::parties::{columns, party};
use crate::schema::duty_grants;
use crate::time::{from_db, to_db};

/// A duty granted an agent of the organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub duty: Duty,
    pub subject: Party,
    /// The DPO who granted it.
    pub granted_by: Party,
    pub granted_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = duty_grants)]
struct GrantRow {
    id: String,
    org_id: String,
    duty: String,
    subject_id: Option<String>,
    subject_account: Option<String>,
    granted_by_id: Option<String>,
    granted_by_account: Option<String>,
    granted_at: chrono::NaiveDateTime,
}

impl TryFrom<GrantRow> for Grant {
    type Error = StoreError;

    fn try_from(row: GrantRow) -> Result<Self, StoreError> {
        Ok(Grant {
            duty: row
                .duty
                .parse()
                .map_err(|_| StoreError::Corrupt("grant duty".into()))?,
            subject: party("grantee", row.subject_id, row.subject_account)?,
            granted_by: party("grantor", row.granted_by_id, row.granted_by_account)?,
            granted_at: from_db(row.granted_at),
        })
    }
}

/// The organisation's grants of `duty` to `subject`, as a query to read or delete.
macro_rules! grants_of {
    ($org_id:expr, $duty:expr, $subject:expr) => {{
        let query = duty_grants::table
            .filter(duty_grants::org_id.eq($org_id.to_string()))
            .filter(duty_grants::duty.eq($duty.as_str()));
        match columns($subject) {
            (Some(id), _) => query
                .filter(duty_grants::subject_id.eq(Some(id)))
                .into_boxed(),
            (_, account) => query
                .filter(duty_grants::subject_account.eq(account))
                .into_boxed(),
        }
    }};
}

fn find(
    conn: &mut AnyConnection,
    org_id: OrgId,
    duty: Duty,
    subject: &Party,
) -> Result<Option<Grant>, StoreError> {
    grants_of!(org_id, duty, subject)
        .select(GrantRow::as_select())
        .first::<GrantRow>(conn)
        .optional()?
        .map(Grant::try_from)
        .transpose()
}

/// Whether `subject` holds `duty` in the organisation.
pub fn is_granted(
    conn: &mut AnyConnection,
    org_id: OrgId,
    duty: Duty,
    subject: &Party,
) -> Result<bool, StoreError> {
    Ok(find(conn, org_id, duty, subject)?.is_some())
}

/// Grants `subject` the duty; granting again keeps the first grant.
pub fn grant(
    conn: &mut AnyConnection,
    org_id: OrgId,
    duty: Duty,
    subject: &Party,
    granted_by: &Party,
    now: DateTime<Utc>,
) -> Result<Grant, StoreError> {
    conn.transaction(|conn| {
        if let Some(existing) = find(conn, org_id, duty, subject)? {
            return Ok(existing);
        }
        let (subject_id, subject_account) = columns(subject);
        let (granted_by_id, granted_by_account) = columns(granted_by);
        diesel::insert_into(duty_grants::table)
            .values(GrantRow {
                id: uuid::Uuid::now_v7().to_string(),
                org_id: org_id.to_string(),
                duty: duty.as_str().to_owned(),
                subject_id,
                subject_account,
                granted_by_id,
                granted_by_account,
                granted_at: to_db(now),
            })
            .execute(conn)?;
        Ok(Grant {
            duty,
            subject: subject.clone(),
            granted_by: granted_by.clone(),
            granted_at: now,
        })
    })
}

/// Revokes a grant; `NotFound` when there was none.
pub fn revoke(
    conn: &mut AnyConnection,
    org_id: OrgId,
    duty: Duty,
    subject: &Party,
) -> Result<(), StoreError> {
    let scope = duty_grants::table
        .filter(duty_grants::org_id.eq(org_id.to_string()))
        .filter(duty_grants::duty.eq(duty.as_str()));
    let removed = match columns(subject) {
        (Some(id), _) => {
            diesel::delete(scope.filter(duty_grants::subject_id.eq(Some(id)))).execute(conn)?
        }
        (_, account) => {
            diesel::delete(scope.filter(duty_grants::subject_account.eq(account))).execute(conn)?
        }
    };
    if removed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
