//! Tickets and their comments.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::ids::{CommentId, OrgId, TicketId};
use domain::page::PageLimit;
use domain::party::Party;
use domain::ticket::{
    CommentVisibility, Priority, Ticket, TicketCategory, TicketChange, TicketKind, TicketReference,
    TicketStatus,
};

use crate::connection::{AnyConnection, execute_batch_insert};
use crate::error::StoreError;
use crate::page::page_of;
use crate::parties::{columns, optional_columns, optional_party, party};
use crate::schema::{ticket_comments, ticket_sequences, tickets};
use crate::time::{from_db, to_db};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = tickets)]
#[diesel(treat_none_as_null = true)]
// No column of these rows has a default, so None inserts NULL: then SQLite takes many rows
// in one INSERT (diesel inserts row by row when any value is left to a default).
#[diesel(treat_none_as_default_value = false)]
struct TicketRow {
    id: String,
    org_id: String,
    reference: String,
    kind: String,
    category: String,
    status: String,
    priority: String,
    title: String,
    description: String,
    requester_id: Option<String>,
    requester_account: Option<String>,
    raised_by_id: Option<String>,
    raised_by_account: Option<String>,
    assigned_team: Option<String>,
    assigned_agent_id: Option<String>,
    assigned_agent_account: Option<String>,
    contains_special_category: bool,
    version: i64,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
    resolved_at: Option<chrono::NaiveDateTime>,
    closed_at: Option<chrono::NaiveDateTime>,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("ticket {what}"))
}

impl TryFrom<TicketRow> for Ticket {
    type Error = StoreError;

    fn try_from(row: TicketRow) -> Result<Self, Self::Error> {
        let reference = TicketReference::parse(&row.reference).map_err(|_| corrupt("reference"))?;
        if reference.kind.as_str() != row.kind {
            return Err(corrupt("kind"));
        }
        Ok(Ticket {
            id: row.id.parse().map_err(|_| corrupt("id"))?,
            org_id: row.org_id.parse().map_err(|_| corrupt("organisation"))?,
            reference,
            category: row.category.parse().map_err(|_| corrupt("category"))?,
            status: row.status.parse().map_err(|_| corrupt("status"))?,
            priority: row.priority.parse().map_err(|_| corrupt("priority"))?,
            title: row.title,
            description: row.description,
            requester: party("ticket requester", row.requester_id, row.requester_account)?,
            raised_by: party("ticket raiser", row.raised_by_id, row.raised_by_account)?,
            assigned_team: row.assigned_team,
            assigned_agent: optional_party(
                "ticket agent",
                row.assigned_agent_id,
                row.assigned_agent_account,
            )?,
            contains_special_category: row.contains_special_category,
            version: row.version,
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
            resolved_at: row.resolved_at.map(from_db),
            closed_at: row.closed_at.map(from_db),
        })
    }
}

impl From<&Ticket> for TicketRow {
    fn from(t: &Ticket) -> Self {
        let (requester_id, requester_account) = columns(&t.requester);
        let (raised_by_id, raised_by_account) = columns(&t.raised_by);
        let (assigned_agent_id, assigned_agent_account) =
            optional_columns(t.assigned_agent.as_ref());
        TicketRow {
            id: t.id.to_string(),
            org_id: t.org_id.to_string(),
            reference: t.reference.to_string(),
            kind: t.reference.kind.as_str().to_owned(),
            category: t.category.as_str().to_owned(),
            status: t.status.as_str().to_owned(),
            priority: t.priority.as_str().to_owned(),
            title: t.title.clone(),
            description: t.description.clone(),
            requester_id,
            requester_account,
            raised_by_id,
            raised_by_account,
            assigned_team: t.assigned_team.clone(),
            assigned_agent_id,
            assigned_agent_account,
            contains_special_category: t.contains_special_category,
            version: t.version,
            created_at: to_db(t.created_at),
            updated_at: to_db(t.updated_at),
            resolved_at: t.resolved_at.map(to_db),
            closed_at: t.closed_at.map(to_db),
        }
    }
}

/// A ticket to raise; the reference is assigned on insert.
#[derive(Debug, Clone)]
pub struct NewTicket {
    pub id: TicketId,
    pub org_id: OrgId,
    pub kind: TicketKind,
    pub category: TicketCategory,
    pub priority: Priority,
    pub title: String,
    pub description: String,
    pub requester: Party,
    pub raised_by: Party,
    pub assigned_team: Option<String>,
    pub assigned_agent: Option<Party>,
    pub contains_special_category: bool,
}

/// Takes the next `count` numbers of the organisation's sequence for `kind` in one statement,
/// and returns the first. The UPDATE locks the sequence row until the transaction ends, so
/// concurrent creations queue and never share or skip a number that is then used; RETURNING
/// reads the last number taken in the same statement.
fn take_numbers(
    conn: &mut AnyConnection,
    org_id: OrgId,
    kind: TicketKind,
    count: i64,
) -> Result<i64, StoreError> {
    let last = diesel::update(
        ticket_sequences::table
            .filter(ticket_sequences::org_id.eq(org_id.to_string()))
            .filter(ticket_sequences::kind.eq(kind.as_str())),
    )
    .set(ticket_sequences::last_number.eq(ticket_sequences::last_number + count))
    .returning(ticket_sequences::last_number)
    .get_result::<i64>(conn)
    .optional()?
    .ok_or_else(|| StoreError::Corrupt("ticket sequence missing".into()))?;
    Ok(last - count + 1)
}

/// The ticket `new` becomes once it has its reference.
fn raised(new: NewTicket, reference: TicketReference, now: DateTime<Utc>) -> Ticket {
    Ticket {
        id: new.id,
        org_id: new.org_id,
        reference,
        category: new.category,
        status: TicketStatus::New,
        priority: new.priority,
        title: new.title,
        description: new.description,
        requester: new.requester,
        raised_by: new.raised_by,
        assigned_team: new.assigned_team,
        assigned_agent: new.assigned_agent,
        contains_special_category: new.contains_special_category,
        version: 1,
        created_at: now,
        updated_at: now,
        resolved_at: None,
        closed_at: None,
    }
}

/// Raises a ticket: takes its reference and stores it in one transaction (a savepoint when
/// called inside one).
pub fn create(
    conn: &mut AnyConnection,
    new: NewTicket,
    now: DateTime<Utc>,
) -> Result<Ticket, StoreError> {
    conn.transaction(|conn| create_within(conn, new, now))
}

/// Raises a ticket inside the caller's transaction, without a savepoint of its own: for work
/// that fails whole when any of it fails, where the savepoint's two statements buy nothing.
pub fn create_within(
    conn: &mut AnyConnection,
    new: NewTicket,
    now: DateTime<Utc>,
) -> Result<Ticket, StoreError> {
    let number = take_numbers(conn, new.org_id, new.kind, 1)?;
    let reference = TicketReference::new(new.kind, number)?;
    let ticket = raised(new, reference, now);
    diesel::insert_into(tickets::table)
        .values(TicketRow::from(&ticket))
        .execute(conn)?;
    Ok(ticket)
}
/// Rows per multi-row INSERT of tickets: 19 columns each keeps a statement's bound parameters
/// under SQLite's limit of 32,766 (and PostgreSQL's of 65,535).
const TICKETS_PER_INSERT: usize = 500;

/// Raises tickets inside the caller's transaction, as [`create_within`] would one after
/// another, and returns them in the order given: each organisation's and kind's numbers are
/// taken in one statement (in a fixed order of sequences, so concurrent batches queue rather
/// than deadlock), and the rows are written in multi-row INSERTs.
pub fn create_many_within(
    conn: &mut AnyConnection,
    batch: Vec<NewTicket>,
    now: DateTime<Utc>,
) -> Result<Vec<Ticket>, StoreError> {
    let mut counts = BTreeMap::<(OrgId, TicketKind), i64>::new();
    for new in &batch {
        *counts.entry((new.org_id, new.kind)).or_default() += 1;
    }
    let mut next = BTreeMap::new();
    for (&(org_id, kind), &count) in &counts {
        next.insert((org_id, kind), take_numbers(conn, org_id, kind, count)?);
    }
    let mut raised_tickets = Vec::with_capacity(batch.len());
    for new in batch {
        let number = next
            .get_mut(&(new.org_id, new.kind))
            .ok_or_else(|| StoreError::Corrupt("ticket sequence missing".into()))?;
        let reference = TicketReference::new(new.kind, *number)?;
        *number += 1;
        raised_tickets.push(raised(new, reference, now));
    }
    for chunk in raised_tickets.chunks(TICKETS_PER_INSERT) {
        let rows: Vec<TicketRow> = chunk.iter().map(TicketRow::from).collect();
        execute_batch_insert!(conn, diesel::insert_into(tickets::table).values(&rows))?;
    }
    Ok(raised_tickets)
}

/// One ticket of the organisation, or `NotFound` (also for another organisation's ticket).
pub fn get(conn: &mut AnyConnection, org_id: OrgId, id: TicketId) -> Result<Ticket, StoreError> {
    tickets::table
        .filter(tickets::id.eq(id.to_string()))
        .filter(tickets::org_id.eq(org_id.to_string()))
        .select(TicketRow::as_select())
        .get_result(conn)?
        .try_into()
}

/// What a ticket list may be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    /// Only tickets this party is a party to (requester or raiser): a requester's view.
    pub party: Option<Party>,
    pub status: Option<TicketStatus>,
    pub kind: Option<TicketKind>,
    pub category: Option<TicketCategory>,
    pub requester: Option<Party>,
    pub assigned_team: Option<String>,
    pub contains_special_category: Option<bool>,
    pub updated_since: Option<DateTime<Utc>>,
}

/// A page of the organisation's tickets, newest first, after the cursor ticket. Returns at
/// most `limit` tickets and whether more follow.
pub fn list(
    conn: &mut AnyConnection,
    org_id: OrgId,
    filter: &TicketFilter,
    limit: PageLimit,
    after: Option<TicketId>,
) -> Result<(Vec<Ticket>, bool), StoreError> {
    let mut query = tickets::table
        .filter(tickets::org_id.eq(org_id.to_string()))
        .select(TicketRow::as_select())
        .order(tickets::id.desc())
        .limit(i64::from(limit.get()) + 1)
        .into_boxed();
    if let Some(party) = &filter.party {
        query = match columns(party) {
            (Some(id), _) => query.filter(
                tickets::requester_id
                    .eq(id.clone())
                    .or(tickets::raised_by_id.eq(id)),
            ),
            (_, account) => query.filter(
                tickets::requester_account
                    .eq(account.clone())
                    .or(tickets::raised_by_account.eq(account)),
            ),
        };
    }
    if let Some(status) = filter.status {
        query = query.filter(tickets::status.eq(status.as_str()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(tickets::kind.eq(kind.as_str()));
    }
    if let Some(category) = filter.category {
        query = query.filter(tickets::category.eq(category.as_str()));
    }
    if let Some(requester) = &filter.requester {
        query = match columns(requester) {
            (Some(id), _) => query.filter(tickets::requester_id.eq(id)),
            (_, account) => query.filter(tickets::requester_account.eq(account)),
        };
    }
    if let Some(team) = &filter.assigned_team {
        query = query.filter(tickets::assigned_team.eq(team.clone()));
    }
    if let Some(flag) = filter.contains_special_category {
        query = query.filter(tickets::contains_special_category.eq(flag));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(tickets::updated_at.ge(to_db(since)));
    }
    if let Some(after) = after {
        query = query.filter(tickets::id.lt(after.to_string()));
    }
    let rows = query.load::<TicketRow>(conn)?;
    page_of(rows, limit)
}

/// Applies `change` to a ticket in one transaction. `permitted` sees the stored ticket and the
/// change first and may refuse it (the caller's own access rule). With `accepted_versions`
/// (from `If-Match`),
/// a ticket whose version is not among them is refused as `Stale`; the guarded UPDATE also
/// catches a change that lands between this read and the write.
pub fn update(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: TicketId,
    permitted: impl FnOnce(&Ticket, &TicketChange) -> Result<(), StoreError>,
    accepted_versions: Option<Vec<i64>>,
    change: TicketChange,
    now: DateTime<Utc>,
) -> Result<Ticket, StoreError> {
    conn.transaction(|conn| {
        let current = get(conn, org_id, id)?;
        permitted(&current, &change)?;
        if accepted_versions.is_some_and(|v| !v.contains(&current.version)) {
            return Err(StoreError::Stale);
        }
        let previous_version = current.version;
        let next = current.apply(change, now)?;
        let written = diesel::update(
            tickets::table
                .filter(tickets::id.eq(id.to_string()))
                .filter(tickets::version.eq(previous_version)),
        )
        .set(TicketRow::from(&next))
        .execute(conn)?;
        if written != 1 {
            return Err(StoreError::Stale);
        }
        Ok(next)
    })
}

/// A comment on a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub id: CommentId,
    pub ticket_id: TicketId,
    pub author: Party,
    pub visibility: CommentVisibility,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = ticket_comments)]
struct CommentRow {
    id: String,
    ticket_id: String,
    author_id: Option<String>,
    author_account: Option<String>,
    visibility: String,
    body: String,
    created_at: chrono::NaiveDateTime,
}

impl TryFrom<CommentRow> for Comment {
    type Error = StoreError;

    fn try_from(row: CommentRow) -> Result<Self, Self::Error> {
        let bad = |what: &str| StoreError::Corrupt(format!("comment {what}"));
        Ok(Comment {
            id: row.id.parse().map_err(|_| bad("id"))?,
            ticket_id: row.ticket_id.parse().map_err(|_| bad("ticket"))?,
            author: party("comment author", row.author_id, row.author_account)?,
            visibility: row.visibility.parse().map_err(|_| bad("visibility"))?,
            body: row.body,
            created_at: from_db(row.created_at),
        })
    }
}

pub fn add_comment(conn: &mut AnyConnection, comment: &Comment) -> Result<(), StoreError> {
    let (author_id, author_account) = columns(&comment.author);
    diesel::insert_into(ticket_comments::table)
        .values(CommentRow {
            id: comment.id.to_string(),
            ticket_id: comment.ticket_id.to_string(),
            author_id,
            author_account,
            visibility: comment.visibility.as_str().to_owned(),
            body: comment.body.clone(),
            created_at: to_db(comment.created_at),
        })
        .execute(conn)?;
    Ok(())
}

/// A page of a ticket's comments, oldest first (a conversation reads forwards).
pub fn list_comments(
    conn: &mut AnyConnection,
    ticket_id: TicketId,
    include_internal: bool,
    limit: PageLimit,
    after: Option<CommentId>,
) -> Result<(Vec<Comment>, bool), StoreError> {
    let mut query = ticket_comments::table
        .filter(ticket_comments::ticket_id.eq(ticket_id.to_string()))
        .select(CommentRow::as_select())
        .order(ticket_comments::id.asc())
        .limit(i64::from(limit.get()) + 1)
        .into_boxed();
    if !include_internal {
        query = query.filter(ticket_comments::visibility.eq(CommentVisibility::Public.as_str()));
    }
    if let Some(after) = after {
        query = query.filter(ticket_comments::id.gt(after.to_string()));
    }
    page_of(query.load::<CommentRow>(conn)?, limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Db, PoolSizes, organisations, run_migrations};
    use domain::organisation::OrgSlug;

    fn new_ticket(org_id: OrgId, n: u128) -> NewTicket {
        NewTicket {
            id: TicketId::from_uuid(uuid::Uuid::from_u128(
                0x0192_0000_0000_7000_8000_0000_0000_0000 + n,
            )),
            org_id,
            kind: TicketKind::Incident,
            category: TicketCategory::ItSystem,
            priority: Priority::Medium,
            title: format!("ticket {n}"),
            description: String::new(),
            requester: Party::Account("staff-1".into()),
            raised_by: Party::Account("staff-1".into()),
            assigned_team: None,
            assigned_agent: None,
            contains_special_category: false,
        }
    }

    /// A migrated SQLite database in a temporary directory (kept alive by the returned guard)
    /// with one registered organisation, and the time the tests write at.
    fn registered_org() -> (tempfile::TempDir, Db, OrgId, DateTime<Utc>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let db = Db::connect(&url, PoolSizes::default()).expect("opens");
        run_migrations(&db).expect("migrates");
        let now = DateTime::from_timestamp(1_780_000_000, 0).expect("valid time");
        let slug = OrgSlug::parse("devon-cc").expect("slug");
        let org = organisations::ensure(
            &mut db.write().expect("writer"),
            &slug,
            OrgId::from_uuid(uuid::Uuid::from_u128(9)),
            now,
        )
        .expect("organisation");
        (dir, db, org, now)
    }

    #[test]
    fn a_batch_numbers_each_kind_in_the_order_given_after_what_was_taken() {
        let (_dir, db, org, now) = registered_org();
        let mut conn = db.write().expect("writer");
        create(&mut conn, new_ticket(org, 1), now).expect("first incident");
        let request = |n| NewTicket {
            kind: TicketKind::ServiceRequest,
            ..new_ticket(org, n)
        };
        let batch = vec![
            new_ticket(org, 2),
            request(3),
            new_ticket(org, 4),
            request(5),
        ];
        let raised = create_many_within(&mut conn, batch, now).expect("raised");
        let references: Vec<String> = raised.iter().map(|t| t.reference.to_string()).collect();
        assert_eq!(
            references,
            ["INC-000002", "REQ-000001", "INC-000003", "REQ-000002"]
        );
        let stored = get(&mut conn, org, raised[2].id).expect("stored");
        assert_eq!(stored.reference.to_string(), "INC-000003");
        assert_eq!(stored.title, "ticket 4");
    }
}
