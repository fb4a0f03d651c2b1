//! Legal holds (Art 17(3)(b), (e)) and what stands in the way of erasing or retaining a
//! person's data: the holds in force on them or on their tickets, and their rights requests
//! still being answered. The erasure of a person and the retention sweep ask
//! [`blockers_for_person`] and [`blockers_for_ticket`] before they act.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::DomainError;
use domain::ids::{LegalHoldId, OrgId, PersonId, RightsRequestId, TicketId};
use domain::legal_holds::{Blocker, HoldOn, LegalHold, PendingRequest, Release, blockers};
use domain::page::PageLimit;
use domain::party::Party;
use domain::rights_requests::RequestStatus;

use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::parties::{columns, optional_columns, optional_party, party};
use crate::people;
use crate::schema::{legal_holds, rights_requests, tickets};
use crate::time::{from_db, to_db};

/// A hold as stored, with whose data it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredHold {
    pub hold: LegalHold,
    /// The person held, or the requester of the ticket held: who the hold's audit events are
    /// about.
    pub about: Party,
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = legal_holds)]
#[diesel(treat_none_as_null = true)]
struct HoldRow {
    id: String,
    org_id: String,
    person_id: Option<String>,
    ticket_id: Option<String>,
    reason: String,
    placed_at: chrono::NaiveDateTime,
    placed_by_id: Option<String>,
    placed_by_account: Option<String>,
    released_at: Option<chrono::NaiveDateTime>,
    released_by_id: Option<String>,
    released_by_account: Option<String>,
    release_reason: Option<String>,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("legal hold {what}"))
}

impl TryFrom<HoldRow> for LegalHold {
    type Error = StoreError;

    fn try_from(row: HoldRow) -> Result<Self, StoreError> {
        let person = row
            .person_id
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|_| corrupt("person"))?;
        let ticket = row
            .ticket_id
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|_| corrupt("ticket"))?;
        let on = HoldOn::from_fields(person, ticket).map_err(|_| corrupt("object"))?;
        let released_by = optional_party(
            "legal hold released by",
            row.released_by_id,
            row.released_by_account,
        )?;
        let released = match (row.released_at, released_by, row.release_reason) {
            (None, None, None) => None,
            (Some(at), Some(by), Some(reason)) => Some(Release {
                at: from_db(at),
                by,
                reason,
            }),
            _ => return Err(corrupt("release: partly recorded")),
        };
        Ok(LegalHold {
            id: row.id.parse().map_err(|_| corrupt("id"))?,
            org_id: row.org_id.parse().map_err(|_| corrupt("organisation"))?,
            on,
            reason: row.reason,
            placed_at: from_db(row.placed_at),
            placed_by: party(
                "legal hold placed by",
                row.placed_by_id,
                row.placed_by_account,
            )?,
            released,
        })
    }
}

impl From<&LegalHold> for HoldRow {
    fn from(h: &LegalHold) -> Self {
        let (placed_by_id, placed_by_account) = columns(&h.placed_by);
        let released = h.released.as_ref();
        let (released_by_id, released_by_account) = optional_columns(released.map(|r| &r.by));
        HoldRow {
            id: h.id.to_string(),
            org_id: h.org_id.to_string(),
            person_id: h.on.person().map(|p| p.to_string()),
            ticket_id: h.on.ticket().map(|t| t.to_string()),
            reason: h.reason.clone(),
            placed_at: to_db(h.placed_at),
            placed_by_id,
            placed_by_account,
            released_at: released.map(|r| to_db(r.at)),
            released_by_id,
            released_by_account,
            release_reason: released.map(|r| r.reason.clone()),
        }
    }
}

/// A hold's row with the requester columns of the ticket it holds (none for a hold on a
/// person).
type RowWithRequester = (HoldRow, Option<String>, Option<String>);

fn stored(
    (row, requester_id, requester_account): RowWithRequester,
) -> Result<StoredHold, StoreError> {
    let hold = LegalHold::try_from(row)?;
    let about = match hold.on {
        HoldOn::Person(person) => Party::Person(person),
        HoldOn::Ticket(_) => party(
            "legal hold's ticket requester",
            requester_id,
            requester_account,
        )?,
    };
    Ok(StoredHold { hold, about })
}

/// The holds of the organisation with their tickets' requesters, as a boxed query to narrow.
macro_rules! holds_of {
    ($org_id:expr) => {
        legal_holds::table
            .left_join(tickets::table.on(tickets::id.nullable().eq(legal_holds::ticket_id)))
            .filter(legal_holds::org_id.eq($org_id.to_string()))
            .select((
                HoldRow::as_select(),
                tickets::requester_id.nullable(),
                tickets::requester_account.nullable(),
            ))
            .into_boxed()
    };
}

/// The requester of the organisation's ticket, or `NotFound`.
fn requester(
    conn: &mut AnyConnection,
    org_id: OrgId,
    ticket: TicketId,
) -> Result<Party, StoreError> {
    let (id, account) = tickets::table
        .filter(tickets::id.eq(ticket.to_string()))
        .filter(tickets::org_id.eq(org_id.to_string()))
        .select((tickets::requester_id, tickets::requester_account))
        .first::<(Option<String>, Option<String>)>(conn)?;
    party("ticket requester", id, account)
}

/// Stores a hold just placed, in the caller's transaction. The person or ticket it is on must
/// be the organisation's: otherwise the field naming it is refused.
pub fn place(conn: &mut AnyConnection, hold: &LegalHold) -> Result<StoredHold, StoreError> {
    let about = match hold.on {
        HoldOn::Person(person) => {
            people::ensure_known(conn, hold.org_id, person, "person_id")?;
            Party::Person(person)
        }
        HoldOn::Ticket(ticket) => match requester(conn, hold.org_id, ticket) {
            Ok(requester) => requester,
            Err(StoreError::NotFound) => {
                return Err(DomainError::invalid(
                    "ticket_id",
                    "no such ticket in the organisation",
                )
                .into());
            }
            Err(other) => return Err(other),
        },
    };
    diesel::insert_into(legal_holds::table)
        .values(HoldRow::from(hold))
        .execute(conn)?;
    Ok(StoredHold {
        hold: hold.clone(),
        about,
    })
}

/// One hold of the organisation; another organisation's is `NotFound`.
pub fn get(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: LegalHoldId,
) -> Result<StoredHold, StoreError> {
    let row = holds_of!(org_id)
        .filter(legal_holds::id.eq(id.to_string()))
        .first::<RowWithRequester>(conn)?;
    stored(row)
}

/// Releases the organisation's hold `id`, in the caller's transaction: by `by` at `at`, for
/// `reason` (already checked). A hold already released is a conflict (the domain's rule), and
/// so is one released by someone else in between (the guarded write).
pub fn release(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: LegalHoldId,
    by: &Party,
    at: DateTime<Utc>,
    reason: String,
) -> Result<StoredHold, StoreError> {
    let current = get(conn, org_id, id)?;
    let released = current.hold.release(by.clone(), at, reason)?;
    let written = diesel::update(
        legal_holds::table
            .filter(legal_holds::id.eq(id.to_string()))
            .filter(legal_holds::org_id.eq(org_id.to_string()))
            .filter(legal_holds::released_at.is_null()),
    )
    .set(HoldRow::from(&released))
    .execute(conn)?;
    if written != 1 {
        return Err(DomainError::Conflict(
            "the legal hold is already released; a hold is released once",
        )
        .into());
    }
    Ok(StoredHold {
        hold: released,
        about: current.about,
    })
}

/// What a list of holds may be narrowed to.
#[derive(Debug, Clone, Copy, Default)]
pub struct HoldFilter {
    pub person_id: Option<PersonId>,
    pub ticket_id: Option<TicketId>,
    /// Only holds in force (`true`) or only released ones (`false`).
    pub in_force: Option<bool>,
}

/// A page of the organisation's holds, newest placed first, after the cursor hold: at most
/// `limit`, and whether more follow.
pub fn list(
    conn: &mut AnyConnection,
    org_id: OrgId,
    filter: HoldFilter,
    limit: PageLimit,
    after: Option<LegalHoldId>,
) -> Result<(Vec<StoredHold>, bool), StoreError> {
    let mut query = holds_of!(org_id)
        .order(legal_holds::id.desc())
        .limit(i64::from(limit.get()) + 1);
    if let Some(person) = filter.person_id {
        query = query.filter(legal_holds::person_id.eq(person.to_string()));
    }
    if let Some(ticket) = filter.ticket_id {
        query = query.filter(legal_holds::ticket_id.eq(ticket.to_string()));
    }
    match filter.in_force {
        Some(true) => query = query.filter(legal_holds::released_at.is_null()),
        Some(false) => query = query.filter(legal_holds::released_at.is_not_null()),
        None => {}
    }
    if let Some(after) = after {
        query = query.filter(legal_holds::id.lt(after.to_string()));
    }
    let mut rows = query.load::<RowWithRequester>(conn)?;
    let more = rows.len() > usize::from(limit.get());
    rows.truncate(usize::from(limit.get()));
    let items = rows.into_iter().map(stored).collect::<Result<_, _>>()?;
    Ok((items, more))
}

/// The holds in force on the person or on any ticket they requested.
fn holds_on_person(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person_id: PersonId,
) -> Result<Vec<LegalHold>, StoreError> {
    let person = person_id.to_string();
    holds_of!(org_id)
        .filter(legal_holds::released_at.is_null())
        .filter(
            legal_holds::person_id
                .eq(person.clone())
                .or(tickets::requester_id.eq(person)),
        )
        .load::<RowWithRequester>(conn)?
        .into_iter()
        .map(|(row, _, _)| LegalHold::try_from(row))
        .collect()
}

/// The person's rights requests still being answered (open or paused).
fn pending_requests(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person_id: PersonId,
) -> Result<Vec<PendingRequest>, StoreError> {
    rights_requests::table
        .filter(rights_requests::org_id.eq(org_id.to_string()))
        .filter(rights_requests::person_id.eq(person_id.to_string()))
        .filter(rights_requests::status.ne(RequestStatus::Closed.as_str()))
        .select((
            rights_requests::id,
            rights_requests::right_kind,
            rights_requests::status,
        ))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .map(|(id, right, status)| {
            let bad = |what: &str| StoreError::Corrupt(format!("rights request {what}"));
            Ok(PendingRequest {
                id: id.parse().map_err(|_| bad("id"))?,
                right: right.parse().map_err(|_| bad("right"))?,
                status: status.parse().map_err(|_| bad("status"))?,
            })
        })
        .collect()
}

/// Holds in force on the person or on any ticket they requested, and their open or paused
/// rights requests other than `except` (the erasure request being fulfilled does not block
/// itself). Empty when nothing stands in the way of erasing or retaining their data.
pub fn blockers_for_person(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person_id: PersonId,
    except: Option<RightsRequestId>,
) -> Result<Vec<Blocker>, StoreError> {
    let holds = holds_on_person(conn, org_id, person_id)?;
    let requests = pending_requests(conn, org_id, person_id)?;
    Ok(blockers(&holds, requests, except))
}

/// Holds in force on the ticket, plus [`blockers_for_person`] of its requester when it has one
/// (a person record, not an account alone). `NotFound` for a ticket not the organisation's.
pub fn blockers_for_ticket(
    conn: &mut AnyConnection,
    org_id: OrgId,
    ticket_id: TicketId,
) -> Result<Vec<Blocker>, StoreError> {
    let requester = requester(conn, org_id, ticket_id)?;
    let mut holds: Vec<LegalHold> = holds_of!(org_id)
        .filter(legal_holds::released_at.is_null())
        .filter(legal_holds::ticket_id.eq(ticket_id.to_string()))
        .load::<RowWithRequester>(conn)?
        .into_iter()
        .map(|(row, _, _)| LegalHold::try_from(row))
        .collect::<Result<_, _>>()?;
    let mut requests = Vec::new();
    if let Some(person) = requester.person() {
        holds.extend(holds_on_person(conn, org_id, person)?);
        requests = pending_requests(conn, org_id, person)?;
    }
    Ok(blockers(&holds, requests, None))
}
