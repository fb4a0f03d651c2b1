//! Restrictions of processing (Art 18): placed when a person objects (Art 21(1), 18(1)(d)) on
//! the purposes their objection reaches, told to the recipients of their data (Art 19), and
//! lifted once the objection is decided, with the notice the person is given first (Art 18(3)).
//!
//! Both [`place_on_objection`] and [`lift`] work inside the caller's transaction, so the
//! request and its restriction (or its outcome and the lifting) commit together.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::ids::{OrgId, PersonId, RightsRequestId};
use domain::page::PageLimit;
use domain::party::Party;
use domain::recipient_notices::NoticeAction;
use domain::register::rights::{RestrictionGround, Right};
use domain::restriction::{
    LiftReason, RestrictedPurpose, lifting_notice, recipient_notice, restricted_by_objection,
};
use domain::rights_requests::uk_date;
use uuid::Uuid;

use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::page::page_about_person;
use crate::parties::{columns, optional_columns, optional_party, party};
use crate::recipient_notices::{self, Notice, RecipientNotice};
use crate::rights_requests::RightsRequest;
use crate::schema::restrictions;
use crate::time::{from_db, to_db};
use crate::{catalogue, people};

/// A restriction, in force or lifted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restriction {
    pub id: Uuid,
    pub org_id: OrgId,
    pub person_id: PersonId,
    pub ground: RestrictionGround,
    /// The request that placed it.
    pub request_id: RightsRequestId,
    /// What is restricted, as the register stated it when the restriction was placed.
    pub purposes: Vec<RestrictedPurpose>,
    pub placed_at: DateTime<Utc>,
    pub placed_by: Party,
    /// None while it holds.
    pub lifted: Option<Lifted>,
}

/// How a restriction ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifted {
    pub at: DateTime<Utc>,
    pub by: Party,
    pub reason: LiftReason,
    /// Art 18(3): what the person was told before it was lifted.
    pub notice: String,
}

/// A restriction just placed, and what each recipient of the person's data was told of it.
#[derive(Debug, Clone)]
pub struct Placed {
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
            lifted,
        })
    }
}

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

/// Art 21(1), 18(1)(d): when `request` (just stored) is an objection, restricts the processing
/// of the person's data for the purposes it reaches (those on 6(1)(e) or (f) holding their data,
/// by the register as it stands), placed by whoever logged the request, and tells each recipient
/// of their data (Art 19). Inside the caller's transaction. `None` for any other request, and
/// for an objection that reaches none of their processing: then nothing is restricted.
pub fn place_on_objection(
    conn: &mut AnyConnection,
    request: &RightsRequest,
) -> Result<Option<Placed>, StoreError> {
    if request.right != Right::Objection {
        return Ok(None);
    }
    let person = people::get(conn, request.org_id, request.person_id)?.person;
    let processing = catalogue::processing_of(conn, request.org_id, &person)?;
    let purposes = restricted_by_objection(&processing);
    if purposes.is_empty() {
        return Ok(None);
    }
    let restriction = Restriction {
        id: Uuid::now_v7(),
        org_id: request.org_id,
        person_id: request.person_id,
        ground: RestrictionGround::ObjectionPending,
        request_id: request.id,
        purposes,
        placed_at: request.logged_at,
        placed_by: request.logged_by.clone(),
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
            items: restriction
                .purposes
                .iter()
                .map(|p| p.purpose_id.to_string())
                .collect(),
            notice: recipient_notice(&restriction.purposes),
            by: &restriction.placed_by,
            at: restriction.placed_at,
        },
    )?;
    Ok(Some(Placed {
        restriction,
        notices,
    }))
}

/// Lifts the restriction `request` placed, inside the caller's transaction, recording who lifted
/// it, why, and the notice the person is given first (Art 18(3)), worded by the domain. Returns
/// the restriction as lifted; `None` when the request placed none, or it is lifted already.
pub fn lift(
    conn: &mut AnyConnection,
    org_id: OrgId,
    request: RightsRequestId,
    reason: LiftReason,
    by: &Party,
    now: DateTime<Utc>,
) -> Result<Option<Restriction>, StoreError> {
    let Some(current) = of_request(conn, org_id, request)? else {
        return Ok(None);
    };
    if current.lifted.is_some() {
        return Ok(None);
    }
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
    Ok((written == 1).then_some(lifted))
}

/// The restriction a request placed, if any; another organisation's is none.
pub fn of_request(
    conn: &mut AnyConnection,
    org_id: OrgId,
    request: RightsRequestId,
) -> Result<Option<Restriction>, StoreError> {
    restrictions::table
        .filter(restrictions::org_id.eq(org_id.to_string()))
        .filter(restrictions::request_id.eq(request.to_string()))
        .select(RestrictionRow::as_select())
        .get_result::<RestrictionRow>(conn)
        .optional()?
        .map(Restriction::try_from)
        .transpose()
}

/// A page of the person's restrictions, in force or lifted, newest first, after the cursor one.
pub fn of_person(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person_id: PersonId,
    limit: PageLimit,
    after: Option<Uuid>,
) -> Result<(Vec<Restriction>, bool), StoreError> {
    page_about_person!(
        conn,
        restrictions,
        RestrictionRow,
        org_id,
        person_id,
        limit,
        after
    )
}

/// The person's restrictions that hold now, oldest first.
pub fn in_force(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person_id: PersonId,
) -> Result<Vec<Restriction>, StoreError> {
    restrictions::table
        .filter(restrictions::org_id.eq(org_id.to_string()))
        .filter(restrictions::person_id.eq(person_id.to_string()))
        .filter(restrictions::lifted_at.is_null())
        .select(RestrictionRow::as_select())
        .order(restrictions::id.asc())
        .load::<RestrictionRow>(conn)?
        .into_iter()
        .map(Restriction::try_from)
        .collect()
}
