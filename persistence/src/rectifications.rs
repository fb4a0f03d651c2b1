//! Rectifications (Art 16) applied for rights requests: which fields of the person record were
//! corrected and the version of the record that made, and the supplementary statement that
//! completes the data. The corrected values themselves live in the record and its history.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::ids::{OrgId, PersonId, RightsRequestId};
use domain::page::PageLimit;
use domain::party::Party;
use domain::rectification::RectifiableField;
use uuid::Uuid;

use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::page::page_about_person;
use crate::parties::{columns, party};
use crate::schema::rectifications;
use crate::time::{from_db, to_db};

/// One rectification, as applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRectification {
    pub id: Uuid,
    pub org_id: OrgId,
    pub person_id: PersonId,
    pub request_id: RightsRequestId,
    /// The fields corrected, in field order; empty for a statement alone.
    pub corrected: Vec<RectifiableField>,
    /// The person record's version the corrections made; none for a statement alone.
    pub person_version: Option<i64>,
    pub supplementary_statement: Option<String>,
    pub rectified_at: DateTime<Utc>,
    pub rectified_by: Party,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = rectifications)]
#[diesel(treat_none_as_default_value = false)]
struct RectificationRow {
    id: String,
    org_id: String,
    person_id: String,
    request_id: String,
    corrected: String,
    person_version: Option<i64>,
    supplementary_statement: Option<String>,
    rectified_at: chrono::NaiveDateTime,
    rectified_by_id: Option<String>,
    rectified_by_account: Option<String>,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("rectification {what}"))
}

impl TryFrom<RectificationRow> for StoredRectification {
    type Error = StoreError;

    fn try_from(row: RectificationRow) -> Result<Self, StoreError> {
        Ok(StoredRectification {
            id: row.id.parse().map_err(|_| corrupt("id"))?,
            org_id: row.org_id.parse().map_err(|_| corrupt("organisation"))?,
            person_id: row.person_id.parse().map_err(|_| corrupt("person"))?,
            request_id: row.request_id.parse().map_err(|_| corrupt("request"))?,
            corrected: serde_json::from_str(&row.corrected).map_err(|_| corrupt("fields"))?,
            person_version: row.person_version,
            supplementary_statement: row.supplementary_statement,
            rectified_at: from_db(row.rectified_at),
            rectified_by: party(
                "rectification author",
                row.rectified_by_id,
                row.rectified_by_account,
            )?,
        })
    }
}

impl TryFrom<&StoredRectification> for RectificationRow {
    type Error = StoreError;

    fn try_from(r: &StoredRectification) -> Result<Self, StoreError> {
        let (rectified_by_id, rectified_by_account) = columns(&r.rectified_by);
        Ok(RectificationRow {
            id: r.id.to_string(),
            org_id: r.org_id.to_string(),
            person_id: r.person_id.to_string(),
            request_id: r.request_id.to_string(),
            corrected: serde_json::to_string(&r.corrected).map_err(|_| corrupt("fields"))?,
            person_version: r.person_version,
            supplementary_statement: r.supplementary_statement.clone(),
            rectified_at: to_db(r.rectified_at),
            rectified_by_id,
            rectified_by_account,
        })
    }
}

/// Records a rectification inside the caller's transaction.
pub fn insert(
    conn: &mut AnyConnection,
    rectification: &StoredRectification,
) -> Result<(), StoreError> {
    diesel::insert_into(rectifications::table)
        .values(RectificationRow::try_from(rectification)?)
        .execute(conn)?;
    Ok(())
}

/// A page of a person's rectifications, newest first, after the cursor rectification.
pub fn of_person(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person_id: PersonId,
    limit: PageLimit,
    after: Option<Uuid>,
) -> Result<(Vec<StoredRectification>, bool), StoreError> {
    page_about_person!(
        conn,
        rectifications,
        RectificationRow,
        org_id,
        person_id,
        limit,
        after
    )
}
