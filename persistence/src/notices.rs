//! Published privacy notices: immutable, numbered per organisation from 1.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use domain::ids::OrgId;
use domain::party::Party;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::parties::{columns, party};
use crate::schema::privacy_notices;
use crate::time::{from_db, to_db};

/// A published notice: its content and the changes since the version before, as the domain
/// generated them.
#[derive(Debug, Clone)]
pub struct Published<C, D> {
    pub version: i64,
    pub effective_date: NaiveDate,
    pub published_at: DateTime<Utc>,
    pub published_by: Party,
    pub content: C,
    pub changes: D,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = privacy_notices)]
struct NoticeRow {
    version: i64,
    effective_date: NaiveDate,
    published_at: chrono::NaiveDateTime,
    published_by_id: Option<String>,
    published_by_account: Option<String>,
    content: String,
    changes: String,
}

fn corrupt() -> StoreError {
    StoreError::Corrupt("privacy notice body".into())
}

impl NoticeRow {
    fn parse<C: DeserializeOwned, D: DeserializeOwned>(
        self,
    ) -> Result<Published<C, D>, StoreError> {
        Ok(Published {
            version: self.version,
            effective_date: self.effective_date,
            published_at: from_db(self.published_at),
            published_by: party(
                "notice publisher",
                self.published_by_id,
                self.published_by_account,
            )?,
            content: serde_json::from_str(&self.content).map_err(|_| corrupt())?,
            changes: serde_json::from_str(&self.changes).map_err(|_| corrupt())?,
        })
    }
}

/// Publishes the next version of the organisation's notice. Run it after
/// [`crate::register::lock`] in the same transaction, so two publications never race for a
/// number (the primary key refuses it if they do).
pub fn publish<C: Serialize, D: Serialize>(
    conn: &mut AnyConnection,
    org_id: OrgId,
    effective_date: NaiveDate,
    published_by: &Party,
    content: &C,
    changes: &D,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let last = privacy_notices::table
        .filter(privacy_notices::org_id.eq(org_id.to_string()))
        .select(diesel::dsl::max(privacy_notices::version))
        .first::<Option<i64>>(conn)?;
    let version = last.unwrap_or(0) + 1;
    let (published_by_id, published_by_account) = columns(published_by);
    diesel::insert_into(privacy_notices::table)
        .values((
            privacy_notices::org_id.eq(org_id.to_string()),
            privacy_notices::version.eq(version),
            privacy_notices::effective_date.eq(effective_date),
            privacy_notices::published_at.eq(to_db(now)),
            privacy_notices::published_by_id.eq(published_by_id),
            privacy_notices::published_by_account.eq(published_by_account),
            privacy_notices::content.eq(serde_json::to_string(content).map_err(|_| corrupt())?),
            privacy_notices::changes.eq(serde_json::to_string(changes).map_err(|_| corrupt())?),
        ))
        .execute(conn)?;
    Ok(version)
}

/// One version of the organisation's notice.
pub fn get<C: DeserializeOwned, D: DeserializeOwned>(
    conn: &mut AnyConnection,
    org_id: OrgId,
    version: i64,
) -> Result<Published<C, D>, StoreError> {
    privacy_notices::table
        .find((org_id.to_string(), version))
        .select(NoticeRow::as_select())
        .first::<NoticeRow>(conn)?
        .parse()
}

/// The newest version, or with `in_effect_on` the newest whose effective date has come by then
/// (the notice in effect). Without a date it is what the next publication is compared with.
pub fn latest<C: DeserializeOwned, D: DeserializeOwned>(
    conn: &mut AnyConnection,
    org_id: OrgId,
    in_effect_on: Option<NaiveDate>,
) -> Result<Option<Published<C, D>>, StoreError> {
    let mut query = privacy_notices::table
        .filter(privacy_notices::org_id.eq(org_id.to_string()))
        .order(privacy_notices::version.desc())
        .select(NoticeRow::as_select())
        .into_boxed();
    if let Some(day) = in_effect_on {
        query = query.filter(privacy_notices::effective_date.le(day));
    }
    query
        .first::<NoticeRow>(conn)
        .optional()?
        .map(NoticeRow::parse)
        .transpose()
}

/// Every version, newest first: one a publication, so never many.
pub fn list<C: DeserializeOwned, D: DeserializeOwned>(
    conn: &mut AnyConnection,
    org_id: OrgId,
) -> Result<Vec<Published<C, D>>, StoreError> {
    privacy_notices::table
        .filter(privacy_notices::org_id.eq(org_id.to_string()))
        .order(privacy_notices::version.desc())
        .select(NoticeRow::as_select())
        .load::<NoticeRow>(conn)?
        .into_iter()
        .map(NoticeRow::parse)
        .collect()
}
