//! Restrictions of processing (Art 18): placed when a person asks for one (Art 18(1)(a) to (c))
//! or objects (Art 21(1), 18(1)(d)), told to the recipients of their data (Art 19), qualified by
//! the exceptions the DPO records (Art 18(2)), and lifted with the notice the person is given
//! first (Art 18(3)), the recipients told of it told of its lifting (Art 19).
//!
//! [`place`], [`add_exception`] and [`lift`] work inside the caller's transaction, so the request
//! and its restriction (or its outcome and the lifting) commit together.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::DomainError;
use domain::ids::{OrgId, PersonId, RightsRequestId};
use domain::page::PageLimit;
use domain::party::Party;
use domain::recipient_notices::NoticeAction;
use domain::restriction::{
    Asked, LiftReason, lifting_notice, recipient_lifting_notice, recipient_notice,
    restricted_by_request,
};
pub use domain::restriction::{Exception, Lifted, Restriction};
use domain::rights_requests::uk_date;
use uuid::Uuid;

use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::page::page_about_person;
use crate::parties::{columns, optional_columns, optional_party, party};
use crate::recipient_notices::{self, Notice, RecipientNotice};
use crate::rights_requests::RightsRequest;
use crate::schema::{restriction_exceptions, restrictions};
use crate::time::{from_db, to_db};
use crate::{catalogue, people};

/// A restriction just placed or lifted, and what each recipient was told of it: on placing,
/// each recipient of the person's data; on lifting, each one told of its placing.
#[derive(Debug, Clone)]
pub struct Notified {
    pub restriction: Restriction,
    pub notices: Vec<RecipientNotice>,
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = restrictions)]
#[diesel(treat_none_as_null = true)]
struct RestrictionRow {
    id: String,
    org_id: String,
    person_id: String,
    ground: String,
    request_id: String,
    purposes: String,
    placed_at: chrono::NaiveDateTime,
    placed_by_id: Option<String>,
    placed_by_account: Option<String>,
    lifted_at: Option<chrono::NaiveDateTime>,
    lifted_by_id: Option<String>,
    lifted_by_account: Option<String>,
    lift_reason: Option<String>,
    lifting_notice: Option<String>,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("restriction {what}"))
}

impl TryFrom<RestrictionRow> for Restriction {
    type Error = StoreError;

    fn try_from(row: RestrictionRow) -> Result<Self, StoreError> {
        let lifted_by = optional_party(
            "restriction lifted by",
            row.lifted_by_id,
            row.lifted_by_account,
        )?;
        let lifted = match (
            row.lifted_at,
            lifted_by,
            row.lift_reason,
            row.lifting_notice,
        ) {
            (None, None, None, None) => None,
            (Some(at), Some(by), Some(reason), Some(notice)) => Some(Lifted {
                at: from_db(at),
                by,
                reason: reason.parse().map_err(|_| corrupt("lift reason"))?,
                notice,
            }),
            _ => return Err(corrupt("lifting: partly recorded")),
        };
        Ok(Restriction {
            id: row.id.parse().map_err(|_| corrupt("id"))?,
            org_id: row.org_id.parse().map_err(|_| corrupt("organisation"))?,
            person_id: row.person_id.parse().map_err(|_| corrupt("person"))?,
            ground: row.ground.parse().map_err(|_| corrupt("ground"))?,
            request_id: row.request_id.parse().map_err(|_| corrupt("request"))?,
            purposes: serde_json::from_str(&row.purposes).map_err(|_| corrupt("purposes"))?,
            placed_at: from_db(row.placed_at),
            placed_by: party(
                "restriction placed by",
                row.placed_by_id,
                row.placed_by_account,
            )?,
            exceptions: Vec::new(),
            lifted,
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = restriction_exceptions)]
#[diesel(treat_none_as_default_value = false)]
struct ExceptionRow {
    id: String,
    org_id: String,
    restriction_id: String,
    ground: String,
    allows: String,
    note: String,
    ends_at: Option<chrono::NaiveDateTime>,
    recorded_at: chrono::NaiveDateTime,
    recorded_by_id: Option<String>,
    recorded_by_account: Option<String>,
}

impl ExceptionRow {
    fn new(org_id: OrgId, restriction_id: Uuid, e: &Exception) -> Self {
        let (recorded_by_id, recorded_by_account) = columns(&e.recorded_by);
        ExceptionRow {
            id: e.id.to_string(),
            org_id: org_id.to_string(),
            restriction_id: restriction_id.to_string(),
            ground: e.ground.as_str().to_owned(),
            allows: e.allows.as_str().to_owned(),
            note: e.note.clone(),
            ends_at: e.until.map(to_db),
            recorded_at: to_db(e.recorded_at),
            recorded_by_id,
            recorded_by_account,
        }
    }

    fn into_exception(self) -> Result<(String, Exception), StoreError> {
        let exception = Exception {
            id: self.id.parse().map_err(|_| corrupt("exception id"))?,
            ground: self
                .ground
                .parse()
                .map_err(|_| corrupt("exception ground"))?,
            allows: self
                .allows
                .parse()
                .map_err(|_| corrupt("exception processing"))?,
            note: self.note,
            until: self.ends_at.map(from_db),
            recorded_at: from_db(self.recorded_at),
            recorded_by: party(
                "restriction exception recorded by",
                self.recorded_by_id,
                self.recorded_by_account,
            )?,
        };
        Ok((self.restriction_id, exception))
    }
}

/// The restrictions with their exceptions, read in one query, each oldest first.
fn with_exceptions(
    conn: &mut AnyConnection,
    mut held: Vec<Restriction>,
) -> Result<Vec<Restriction>, StoreError> {
    if held.is_empty() {
        return Ok(held);
    }
    let ids: Vec<String> = held.iter().map(|r| r.id.to_string()).collect();
    let mut by_restriction: HashMap<String, Vec<Exception>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let rows = restriction_exceptions::table
            .filter(restriction_exceptions::restriction_id.eq_any(chunk))
            .select(ExceptionRow::as_select())
            .order(restriction_exceptions::id.asc())
            .load::<ExceptionRow>(conn)?;
        for row in rows {
            let (restriction, exception) = row.into_exception()?;
            by_restriction
                .entry(restriction)
                .or_default()
                .push(exception);
        }
    }
    for restriction in &mut held {
        if let Some(exceptions) = by_restriction.remove(&restriction.id.to_string()) {
            restriction.exceptions = exceptions;
        }
    }
    Ok(held)
}

/// Ids bound in one `IN` list: well under either backend's limit on bound parameters.
const CHUNK: usize = 1000;

impl TryFrom<&Restriction> for RestrictionRow {
    type Error = StoreError;

    fn try_from(r: &Restriction) -> Result<Self, StoreError> {
        let (placed_by_id, placed_by_account) = columns(&r.placed_by);
        let lifted = r.lifted.as_ref();
        let (lifted_by_id, lifted_by_account) = optional_columns(lifted.map(|l| &l.by));
        Ok(RestrictionRow {
            id: r.id.to_string(),
            org_id: r.org_id.to_string(),
            person_id: r.person_id.to_string(),
            ground: r.ground.as_str().to_owned(),
            request_id: r.request_id.to_string(),
            purposes: serde_json::to_string(&r.purposes).map_err(|_| corrupt("purposes"))?,
            placed_at: to_db(r.placed_at),
            placed_by_id,
            placed_by_account,
            lifted_at: lifted.map(|l| to_db(l.at)),
            lifted_by_id,
            lifted_by_account,
            lift_reason: lifted.map(|l| l.reason.as_str().to_owned()),
            lifting_notice: lifted.map(|l| l.notice.clone()),
        })
    }
}

/// Art 18(1), 21(1): restricts the processing of the person's data that `request` (just
/// stored) asks to restrict: for an objection, the purposes it reaches (those on 6(1)(e) or (f)
/// holding their data) under 18(1)(d); for a request for restriction, every purpose holding
/// their data or those `asked` names, on its ground; by the register as it stands, placed by
/// whoever logged the request; and tells each recipient of their data (Art 19). Inside the
/// caller's transaction. `None` for a request of any other right, and when nothing is
/// restricted.
pub fn place(
    conn: &mut AnyConnection,
    request: &RightsRequest,
    asked: Option<&Asked>,
) -> Result<Option<Notified>, StoreError> {
    if !matches!(
        request.right,
        domain::register::rights::Right::Objection | domain::register::rights::Right::Restriction
    ) {
        return Ok(None);
    }
    let person = people::get(conn, request.org_id, request.person_id)?.person;
    let processing = catalogue::processing_of(conn, request.org_id, &person)?;
    let Some((ground, purposes)) = restricted_by_request(request.right, asked, &processing)? else {
        return Ok(None);
    };
    let restriction = Restriction {
        id: Uuid::now_v7(),
        org_id: request.org_id,
        person_id: request.person_id,
        ground,
        request_id: request.id,
        purposes,
        placed_at: request.logged_at,
        placed_by: request.logged_by.clone(),
        exceptions: Vec::new(),
        lifted: None,
    };
    diesel::insert_into(restrictions::table)
        .values(RestrictionRow::try_from(&restriction)?)
        .execute(conn)?;
    let notices = recipient_notices::notify_recipients(
        conn,
        Notice {
            org_id: restriction.org_id,
            person_id: restriction.person_id,
            action: NoticeAction::Restriction,
            request_id: Some(restriction.request_id),
            items: purpose_ids(&restriction),
            notice: recipient_notice(&restriction.purposes),
            by: &restriction.placed_by,
            at: restriction.placed_at,
        },
    )?;
    Ok(Some(Notified {
        restriction,
        notices,
    }))
}

/// Lifts `current` (as just read, in force), inside the caller's transaction, recording who
/// lifted it, why, and the notice the person is given first (Art 18(3)), worded by the domain:
/// the notice and the lifted state are one write, so the lifting is never visible untold. Each
/// recipient told of its placing is told of its lifting in the same write (Art 19). Returns the
/// restriction as lifted with those notices; `None` when a lifting landed in between.
fn lift_current(
    conn: &mut AnyConnection,
    current: Restriction,
    reason: LiftReason,
    by: &Party,
    now: DateTime<Utc>,
) -> Result<Option<Notified>, StoreError> {
    let notice = lifting_notice(
        current.ground,
        &current.purposes,
        uk_date(current.placed_at),
        reason,
    );
    let lifted = Restriction {
        lifted: Some(Lifted {
            at: now,
            by: by.clone(),
            reason,
            notice,
        }),
        ..current
    };
    // Guarded: a lifting that landed in between is never written over.
    let written = diesel::update(
        restrictions::table
            .filter(restrictions::id.eq(lifted.id.to_string()))
            .filter(restrictions::lifted_at.is_null()),
    )
    .set(RestrictionRow::try_from(&lifted)?)
    .execute(conn)?;
    if written != 1 {
        return Ok(None);
    }
    let notices = recipient_notices::notify_those_told(
        conn,
        Notice {
            org_id: lifted.org_id,
            person_id: lifted.person_id,
            action: NoticeAction::RestrictionLifted,
            request_id: Some(lifted.request_id),
            items: purpose_ids(&lifted),
            notice: recipient_lifting_notice(&lifted.purposes, reason),
            by,
            at: now,
        },
        NoticeAction::Restriction,
    )?;
    Ok(Some(Notified {
        restriction: lifted,
        notices,
    }))
}

/// What a notice about `restriction` names: the ids of the purposes it covers.
fn purpose_ids(restriction: &Restriction) -> Vec<String> {
    restriction
        .purposes
        .iter()
        .map(|p| p.purpose_id.to_string())
        .collect()
}

/// Lifts the restriction `request` placed (see [`lift_current`]). `None` when the request placed
/// none, or it is lifted already.
pub fn lift(
    conn: &mut AnyConnection,
    org_id: OrgId,
    request: RightsRequestId,
    reason: LiftReason,
    by: &Party,
    now: DateTime<Utc>,
) -> Result<Option<Notified>, StoreError> {
    match of_request(conn, org_id, request)? {
        Some(current) if current.lifted.is_none() => lift_current(conn, current, reason, by, now),
        _ => Ok(None),
    }
}

/// The DPO lifting restriction `id` directly, for `reason` once `check` accepts it for the
/// restriction's ground (see [`lift_current`]). A lifted one is a conflict; another
/// organisation's is not found.
pub fn lift_directly(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: Uuid,
    reason: LiftReason,
    check: impl FnOnce(&Restriction) -> Result<(), DomainError>,
    by: &Party,
    now: DateTime<Utc>,
) -> Result<Notified, StoreError> {
    let current = get(conn, org_id, id)?;
    if current.lifted.is_some() {
        return Err(DomainError::Conflict("the restriction is lifted already").into());
    }
    check(&current)?;
    lift_current(conn, current, reason, by, now)?
        .ok_or(DomainError::Conflict("the restriction is lifted already").into())
}

/// Records an Art 18(2) exception on restriction `id` (in force), inside the caller's
/// transaction; answers the restriction with it. A lifted restriction takes none (a conflict);
/// another organisation's is not found.
pub fn add_exception(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: Uuid,
    exception: Exception,
) -> Result<Restriction, StoreError> {
    let mut current = get(conn, org_id, id)?;
    if current.lifted.is_some() {
        return Err(DomainError::Conflict(
            "the restriction is lifted: nothing is restricted to make an exception to",
        )
        .into());
    }
    diesel::insert_into(restriction_exceptions::table)
        .values(ExceptionRow::new(org_id, id, &exception))
        .execute(conn)?;
    current.exceptions.push(exception);
    Ok(current)
}

/// A restriction with its exceptions; another organisation's is not found.
pub fn get(conn: &mut AnyConnection, org_id: OrgId, id: Uuid) -> Result<Restriction, StoreError> {
    let row = restrictions::table
        .filter(restrictions::org_id.eq(org_id.to_string()))
        .filter(restrictions::id.eq(id.to_string()))
        .select(RestrictionRow::as_select())
        .get_result::<RestrictionRow>(conn)?;
    let held = with_exceptions(conn, vec![Restriction::try_from(row)?])?;
    held.into_iter().next().ok_or(StoreError::NotFound)
}

/// The restriction a request placed, if any, with its exceptions; another organisation's is
/// none.
pub fn of_request(
    conn: &mut AnyConnection,
    org_id: OrgId,
    request: RightsRequestId,
) -> Result<Option<Restriction>, StoreError> {
    let held = restrictions::table
        .filter(restrictions::org_id.eq(org_id.to_string()))
        .filter(restrictions::request_id.eq(request.to_string()))
        .select(RestrictionRow::as_select())
        .get_result::<RestrictionRow>(conn)
        .optional()?
        .map(Restriction::try_from)
        .transpose()?;
    Ok(with_exceptions(conn, held.into_iter().collect())?
        .into_iter()
        .next())
}

/// A page of the person's restrictions, in force or lifted, with their exceptions, newest
/// first, after the cursor one.
pub fn of_person(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person_id: PersonId,
    limit: PageLimit,
    after: Option<Uuid>,
) -> Result<(Vec<Restriction>, bool), StoreError> {
    let (items, more) = page_about_person!(
        conn,
        restrictions,
        RestrictionRow,
        org_id,
        person_id,
        limit,
        after
    )?;
    Ok((with_exceptions(conn, items)?, more))
}

/// The person's restrictions that hold now, with their exceptions, oldest first.
pub fn in_force(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person_id: PersonId,
) -> Result<Vec<Restriction>, StoreError> {
    Ok(in_force_of(conn, org_id, &[person_id])?
        .remove(&person_id)
        .unwrap_or_default())
}

/// The restrictions that hold now of each of `people` (those with none are absent), with their
/// exceptions, each person's oldest first: what a write about many people (an HR batch) reads
/// once.
pub fn in_force_of(
    conn: &mut AnyConnection,
    org_id: OrgId,
    people: &[PersonId],
) -> Result<HashMap<PersonId, Vec<Restriction>>, StoreError> {
    let ids: Vec<String> = people.iter().map(ToString::to_string).collect();
    let mut held = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let rows = restrictions::table
            .filter(restrictions::org_id.eq(org_id.to_string()))
            .filter(restrictions::person_id.eq_any(chunk))
            .filter(restrictions::lifted_at.is_null())
            .select(RestrictionRow::as_select())
            .order(restrictions::id.asc())
            .load::<RestrictionRow>(conn)?;
        for row in rows {
            held.push(Restriction::try_from(row)?);
        }
    }
    let mut by_person: HashMap<PersonId, Vec<Restriction>> = HashMap::new();
    for restriction in with_exceptions(conn, held)? {
        by_person
            .entry(restriction.person_id)
            .or_default()
            .push(restriction);
    }
    Ok(by_person)
}
