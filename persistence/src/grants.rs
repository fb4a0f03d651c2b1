//! Duties the DPO grants agents by token subject (reading adjustments, recording disclosures):
//! one table and one set of functions for every kind.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::grants::Duty;
use domain::ids::OrgId;

use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::schema::duty_grants;
use crate::time::{from_db, to_db};

/// A duty granted an agent of the organisation, by token subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub duty: Duty,
    pub subject: String,
    /// The DPO who granted it.
    pub granted_by: String,
    pub granted_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = duty_grants)]
struct GrantRow {
    org_id: String,
    duty: String,
    subject: String,
    granted_by: String,
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
            subject: row.subject,
            granted_by: row.granted_by,
            granted_at: from_db(row.granted_at),
        })
    }
}

fn find(
    conn: &mut AnyConnection,
    org_id: OrgId,
    duty: Duty,
    subject: &str,
) -> Result<Option<Grant>, StoreError> {
    duty_grants::table
        .find((org_id.to_string(), duty.as_str(), subject))
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
    subject: &str,
) -> Result<bool, StoreError> {
    Ok(find(conn, org_id, duty, subject)?.is_some())
}

/// Grants `subject` the duty; granting again keeps the first grant.
pub fn grant(
    conn: &mut AnyConnection,
    org_id: OrgId,
    duty: Duty,
    subject: &str,
    granted_by: &str,
    now: DateTime<Utc>,
) -> Result<Grant, StoreError> {
    conn.transaction(|conn| {
        if let Some(existing) = find(conn, org_id, duty, subject)? {
            return Ok(existing);
        }
        diesel::insert_into(duty_grants::table)
            .values(GrantRow {
                org_id: org_id.to_string(),
                duty: duty.as_str().to_owned(),
                subject: subject.to_owned(),
                granted_by: granted_by.to_owned(),
                granted_at: to_db(now),
            })
            .execute(conn)?;
        Ok(Grant {
            duty,
            subject: subject.to_owned(),
            granted_by: granted_by.to_owned(),
            granted_at: now,
        })
    })
}

/// Revokes a grant; `NotFound` when there was none.
pub fn revoke(
    conn: &mut AnyConnection,
    org_id: OrgId,
    duty: Duty,
    subject: &str,
) -> Result<(), StoreError> {
    let removed =
        diesel::delete(duty_grants::table.find((org_id.to_string(), duty.as_str(), subject)))
            .execute(conn)?;
    if removed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
