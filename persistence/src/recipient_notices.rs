//! Notices to the recipients of a person's data (Art 19): one for each recipient the
//! disclosures log shows received it, each time their data is rectified, erased or restricted,
//! and to each one told of a restriction when it is lifted; and the person's notices read back,
//! so they can be told who was told.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::ids::{OrgId, PersonId, RecipientId, RightsRequestId};
use domain::page::PageLimit;
use domain::party::Party;
use domain::recipient_notices::NoticeAction;
use uuid::Uuid;

use crate::connection::{AnyConnection, execute_batch_insert};
use crate::disclosures;
use crate::error::StoreError;
use crate::page::page_about_person;
use crate::parties::{columns, party};
use crate::schema::recipient_notices;
use crate::time::{from_db, to_db};

/// One notice, as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientNotice {
    pub id: Uuid,
    pub org_id: OrgId,
    /// Whose data it concerns.
    pub person_id: PersonId,
    pub recipient_id: RecipientId,
    pub action: NoticeAction,
    /// The rights request it follows from, if one.
    pub request_id: Option<RightsRequestId>,
    /// What was done to, by name: fields rectified, purposes restricted.
    pub items: Vec<String>,
    /// The words the recipient was sent.
    pub notice: String,
    pub notified_at: DateTime<Utc>,
    pub notified_by: Party,
}

/// What every recipient of one person's data is told of one action.
pub struct Notice<'a> {
    pub org_id: OrgId,
    pub person_id: PersonId,
    pub action: NoticeAction,
    pub request_id: Option<RightsRequestId>,
    pub items: Vec<String>,
    pub notice: String,
    pub by: &'a Party,
    pub at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = recipient_notices)]
#[diesel(treat_none_as_default_value = false)]
struct NoticeRow {
    id: String,
    org_id: String,
    person_id: String,
    recipient_id: String,
    action: String,
    request_id: Option<String>,
    items: String,
    notice: String,
    notified_at: chrono::NaiveDateTime,
    notified_by_id: Option<String>,
    notified_by_account: Option<String>,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("recipient notice {what}"))
}

impl TryFrom<NoticeRow> for RecipientNotice {
    type Error = StoreError;

    fn try_from(row: NoticeRow) -> Result<Self, StoreError> {
        Ok(RecipientNotice {
            id: row.id.parse().map_err(|_| corrupt("id"))?,
            org_id: row.org_id.parse().map_err(|_| corrupt("organisation"))?,
            person_id: row.person_id.parse().map_err(|_| corrupt("person"))?,
            recipient_id: row.recipient_id.parse().map_err(|_| corrupt("recipient"))?,
            action: row.action.parse().map_err(|_| corrupt("action"))?,
            request_id: row
                .request_id
                .map(|id| id.parse().map_err(|_| corrupt("request")))
                .transpose()?,
            items: serde_json::from_str(&row.items).map_err(|_| corrupt("items"))?,
            notice: row.notice,
            notified_at: from_db(row.notified_at),
            notified_by: party(
                "recipient notice sender",
                row.notified_by_id,
                row.notified_by_account,
            )?,
        })
    }
}

impl TryFrom<&RecipientNotice> for NoticeRow {
    type Error = StoreError;

    fn try_from(n: &RecipientNotice) -> Result<Self, StoreError> {
        let (notified_by_id, notified_by_account) = columns(&n.notified_by);
        Ok(NoticeRow {
            id: n.id.to_string(),
            org_id: n.org_id.to_string(),
            person_id: n.person_id.to_string(),
            recipient_id: n.recipient_id.to_string(),
            action: n.action.as_str().to_owned(),
            request_id: n.request_id.map(|id| id.to_string()),
            items: serde_json::to_string(&n.items).map_err(|_| corrupt("items"))?,
            notice: n.notice.clone(),
            notified_at: to_db(n.notified_at),
            notified_by_id,
            notified_by_account,
        })
    }
}

/// Sends `notice` to each recipient the disclosures log shows received the person's data, in
/// the caller's transaction: one row per recipient, in recipient order. Returns the notices;
/// none when their data went nowhere.
pub fn notify_recipients(
    conn: &mut AnyConnection,
    notice: Notice<'_>,
) -> Result<Vec<RecipientNotice>, StoreError> {
    let recipients = disclosures::recipients_of(conn, notice.org_id, notice.person_id)?
        .into_iter()
        .map(|to| to.recipient_id)
        .collect();
    send(conn, &notice, recipients)
}

/// Sends `notice` to each recipient that was sent a notice of `earlier` following the same
/// request, in the caller's transaction: those told of a restriction are the ones told of its
/// lifting (Art 19), whoever the disclosures log names now. One row per recipient, in recipient
/// order; none when no one was told, or the notice follows no request.
pub fn notify_those_told(
    conn: &mut AnyConnection,
    notice: Notice<'_>,
    earlier: NoticeAction,
) -> Result<Vec<RecipientNotice>, StoreError> {
    let Some(request_id) = notice.request_id else {
        return Ok(Vec::new());
    };
    let told = recipient_notices::table
        .filter(recipient_notices::org_id.eq(notice.org_id.to_string()))
        .filter(recipient_notices::person_id.eq(notice.person_id.to_string()))
        .filter(recipient_notices::request_id.eq(request_id.to_string()))
        .filter(recipient_notices::action.eq(earlier.as_str()))
        .select(recipient_notices::recipient_id)
        .distinct()
        .load::<String>(conn)?;
    let recipients = told
        .iter()
        .map(|id| id.parse().map_err(|_| corrupt("recipient")))
        .collect::<Result<BTreeSet<RecipientId>, _>>()?;
    send(conn, &notice, recipients)
}

/// Writes `notice` once for each of `recipients`, in their order.
fn send(
    conn: &mut AnyConnection,
    notice: &Notice<'_>,
    recipients: BTreeSet<RecipientId>,
) -> Result<Vec<RecipientNotice>, StoreError> {
    let sent: Vec<RecipientNotice> = recipients
        .into_iter()
        .map(|recipient_id| RecipientNotice {
            id: Uuid::now_v7(),
            org_id: notice.org_id,
            person_id: notice.person_id,
            recipient_id,
            action: notice.action,
            request_id: notice.request_id,
            items: notice.items.clone(),
            notice: notice.notice.clone(),
            notified_at: notice.at,
            notified_by: notice.by.clone(),
        })
        .collect();
    if !sent.is_empty() {
        let rows = sent
            .iter()
            .map(NoticeRow::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        execute_batch_insert!(
            conn,
            diesel::insert_into(recipient_notices::table).values(&rows)
        )?;
    }
    Ok(sent)
}

/// The notices of `actions` sent following request `request_id`, oldest first; another
/// organisation's are none.
pub fn of_request(
    conn: &mut AnyConnection,
    org_id: OrgId,
    request_id: RightsRequestId,
    actions: &[NoticeAction],
) -> Result<Vec<RecipientNotice>, StoreError> {
    let actions: Vec<&str> = actions.iter().map(|a| a.as_str()).collect();
    recipient_notices::table
        .filter(recipient_notices::org_id.eq(org_id.to_string()))
        .filter(recipient_notices::request_id.eq(request_id.to_string()))
        .filter(recipient_notices::action.eq_any(actions))
        .select(NoticeRow::as_select())
        .order(recipient_notices::id.asc())
        .load::<NoticeRow>(conn)?
        .into_iter()
        .map(RecipientNotice::try_from)
        .collect()
}

/// A page of the notices sent about a person, newest first, after the cursor notice.
pub fn of_person(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person_id: PersonId,
    limit: PageLimit,
    after: Option<Uuid>,
) -> Result<(Vec<RecipientNotice>, bool), StoreError> {
    page_about_person!(
        conn,
        recipient_notices,
        NoticeRow,
        org_id,
        person_id,
        limit,
        after
    )
}
