//! Accounts granted to people, and the recorded history of every change of their status.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::accounts::{Account, AccountStatus};
use domain::ids::{AccountId, OrgId, PersonId, TicketId};
use domain::page::PageLimit;
use domain::party::Party;
use uuid::Uuid;

use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::page::page_of;
use crate::parties::{columns, party};
use crate::schema::{account_changes, accounts};
use crate::time::{from_db, to_db};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = accounts)]
#[diesel(treat_none_as_null = true)]
struct AccountRow {
    id: String,
    org_id: String,
    person_id: String,
    kind: String,
    system: String,
    identifier: String,
    status: String,
    approved_by: Option<String>,
    granted_at: Option<chrono::NaiveDateTime>,
    removed_at: Option<chrono::NaiveDateTime>,
    version: i64,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("account {what}"))
}

/// An account with what storage keeps beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAccount {
    pub account: Account,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<AccountRow> for StoredAccount {
    type Error = StoreError;

    fn try_from(row: AccountRow) -> Result<Self, StoreError> {
        let account = Account {
            id: row.id.parse().map_err(|_| corrupt("id"))?,
            org_id: row.org_id.parse().map_err(|_| corrupt("organisation"))?,
            kind: row.kind.parse().map_err(|_| corrupt("kind"))?,
            system: row.system,
            identifier: row.identifier,
            person_id: row.person_id.parse().map_err(|_| corrupt("person"))?,
            status: row.status.parse().map_err(|_| corrupt("status"))?,
            approved_by: row
                .approved_by
                .map(|v| v.parse().map_err(|_| corrupt("approver")))
                .transpose()?,
            granted_at: row.granted_at.map(from_db),
            removed_at: row.removed_at.map(from_db),
            version: row.version,
        };
        Ok(StoredAccount {
            account,
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        })
    }
}

impl From<&StoredAccount> for AccountRow {
    fn from(stored: &StoredAccount) -> Self {
        let a = &stored.account;
        AccountRow {
            id: a.id.to_string(),
            org_id: a.org_id.to_string(),
            person_id: a.person_id.to_string(),
            kind: a.kind.as_str().to_owned(),
            system: a.system.clone(),
            identifier: a.identifier.clone(),
            status: a.status.as_str().to_owned(),
            approved_by: a.approved_by.map(|p| p.to_string()),
            granted_at: a.granted_at.map(to_db),
            removed_at: a.removed_at.map(to_db),
            version: a.version,
            created_at: to_db(stored.created_at),
            updated_at: to_db(stored.updated_at),
        }
    }
}

/// One recorded change of an account's status: who made it, when, and the ticket that asked
/// for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountChange {
    pub id: Uuid,
    pub account_id: AccountId,
    /// `None` for the request that created the account.
    pub from_status: Option<AccountStatus>,
    pub to_status: AccountStatus,
    /// Whoever made the change.
    pub actor: Party,
    pub ticket_id: Option<TicketId>,
    pub at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = account_changes)]
struct ChangeRow {
    id: String,
    account_id: String,
    from_status: Option<String>,
    to_status: String,
    actor_id: Option<String>,
    actor_account: Option<String>,
    ticket_id: Option<String>,
    at: chrono::NaiveDateTime,
}

impl TryFrom<ChangeRow> for AccountChange {
    type Error = StoreError;

    fn try_from(row: ChangeRow) -> Result<Self, StoreError> {
        let bad = |what: &str| StoreError::Corrupt(format!("account change {what}"));
        Ok(AccountChange {
            id: row.id.parse().map_err(|_| bad("id"))?,
            account_id: row.account_id.parse().map_err(|_| bad("account"))?,
            from_status: row
                .from_status
                .map(|s| s.parse().map_err(|_| bad("from status")))
                .transpose()?,
            to_status: row.to_status.parse().map_err(|_| bad("to status"))?,
            actor: party("account change actor", row.actor_id, row.actor_account)?,
            ticket_id: row
                .ticket_id
                .map(|t| t.parse().map_err(|_| bad("ticket")))
                .transpose()?,
            at: from_db(row.at),
        })
    }
}

fn record_change(conn: &mut AnyConnection, change: &AccountChange) -> Result<(), StoreError> {
    let (actor_id, actor_account) = columns(&change.actor);
    diesel::insert_into(account_changes::table)
        .values(ChangeRow {
            id: change.id.to_string(),
            account_id: change.account_id.to_string(),
            from_status: change.from_status.map(|s| s.as_str().to_owned()),
            to_status: change.to_status.as_str().to_owned(),
            actor_id,
            actor_account,
            ticket_id: change.ticket_id.map(|t| t.to_string()),
            at: to_db(change.at),
        })
        .execute(conn)?;
    Ok(())
}

/// Stores a requested account and records the request, in one transaction. An identifier
/// already held for the same system in the organisation is a `Conflict`.
pub fn create(
    conn: &mut AnyConnection,
    stored: &StoredAccount,
    change_id: Uuid,
    actor: &Party,
) -> Result<(), StoreError> {
    conn.transaction(|conn| {
        diesel::insert_into(accounts::table)
            .values(AccountRow::from(stored))
            .execute(conn)?;
        record_change(
            conn,
            &AccountChange {
                id: change_id,
                account_id: stored.account.id,
                from_status: None,
                to_status: stored.account.status,
                actor: actor.clone(),
                ticket_id: None,
                at: stored.created_at,
            },
        )
    })
}

/// One account of the organisation; another organisation's is `NotFound`.
pub fn get(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: AccountId,
) -> Result<StoredAccount, StoreError> {
    accounts::table
        .find(id.to_string())
        .filter(accounts::org_id.eq(org_id.to_string()))
        .select(AccountRow::as_select())
        .first::<AccountRow>(conn)?
        .try_into()
}

/// What a list of accounts may be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    pub person_id: Option<PersonId>,
    pub status: Option<AccountStatus>,
}

/// A page of the organisation's accounts, newest first, after the cursor account.
pub fn list(
    conn: &mut AnyConnection,
    org_id: OrgId,
    filter: &AccountFilter,
    limit: PageLimit,
    after: Option<AccountId>,
) -> Result<(Vec<StoredAccount>, bool), StoreError> {
    let mut query = accounts::table
        .filter(accounts::org_id.eq(org_id.to_string()))
        .select(AccountRow::as_select())
        .order(accounts::id.desc())
        .limit(i64::from(limit.get()) + 1)
        .into_boxed();
    if let Some(person_id) = filter.person_id {
        query = query.filter(accounts::person_id.eq(person_id.to_string()));
    }
    if let Some(status) = filter.status {
        query = query.filter(accounts::status.eq(status.as_str()));
    }
    if let Some(after) = after {
        query = query.filter(accounts::id.lt(after.to_string()));
    }
    page_of(query.load::<AccountRow>(conn)?, limit)
}

/// Changes an account in one transaction and records the change. `change` sees the stored
/// account and returns the next one (the domain's transition) or refuses. With
/// `accepted_versions` (from `If-Match`), an account whose version is not among them is
/// refused as `Stale`; the guarded UPDATE also catches a change that lands in between.
#[expect(
    clippy::too_many_arguments,
    reason = "one transaction's inputs, each named"
)]
pub fn update(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: AccountId,
    accepted_versions: Option<Vec<i64>>,
    change: impl FnOnce(&mut AnyConnection, &Account) -> Result<Account, StoreError>,
    change_id: Uuid,
    actor: &Party,
    ticket_id: Option<TicketId>,
    now: DateTime<Utc>,
) -> Result<StoredAccount, StoreError> {
    conn.transaction(|conn| {
        let current = get(conn, org_id, id)?;
        if accepted_versions.is_some_and(|v| !v.contains(&current.account.version)) {
            return Err(StoreError::Stale);
        }
        let previous = current.account.clone();
        let mut account = change(conn, &current.account)?;
        account.id = previous.id;
        account.org_id = previous.org_id;
        account.version = previous.version + 1;
        let next = StoredAccount {
            account,
            created_at: current.created_at,
            updated_at: now,
        };
        let written = diesel::update(
            accounts::table
                .filter(accounts::id.eq(id.to_string()))
                .filter(accounts::version.eq(previous.version)),
        )
        .set(AccountRow::from(&next))
        .execute(conn)?;
        if written != 1 {
            return Err(StoreError::Stale);
        }
        record_change(
            conn,
            &AccountChange {
                id: change_id,
                account_id: id,
                from_status: Some(previous.status),
                to_status: next.account.status,
                actor: actor.clone(),
                ticket_id,
                at: now,
            },
        )?;
        Ok(next)
    })
}

/// A page of an account's history, oldest first (a history reads forwards). The account must
/// be the organisation's.
pub fn changes(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: AccountId,
    limit: PageLimit,
    after: Option<Uuid>,
) -> Result<(Vec<AccountChange>, bool), StoreError> {
    get(conn, org_id, id)?;
    let mut query = account_changes::table
        .filter(account_changes::account_id.eq(id.to_string()))
        .select(ChangeRow::as_select())
        .order(account_changes::id.asc())
        .limit(i64::from(limit.get()) + 1)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(account_changes::id.gt(after.to_string()));
    }
    page_of(query.load::<ChangeRow>(conn)?, limit)
}
