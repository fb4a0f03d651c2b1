//! Parties as the database stores them: a pair of columns, `<name>_id` for a person and
//! `<name>_account` for an account with no person record, exactly one of them set.
//!
//! When a person record takes an account as its `external_id` (created, or its external id
//! changed), [`adopt`] moves every row the account is named in to the person, walking the
//! catalogue's pairs, so nothing the account did or asked for is left detached from them.

use diesel::sql_types::Text;
use domain::catalogue::PersonKey;
use domain::ids::OrgId;
use domain::party::Party;

use crate::catalogue::CATALOGUE;
use crate::connection::AnyConnection;
use crate::error::StoreError;

/// The two columns `party` is stored in.
pub fn columns(party: &Party) -> (Option<String>, Option<String>) {
    match party {
        Party::Person(id) => (Some(id.to_string()), None),
        Party::Account(account) => (None, Some(account.clone())),
    }
}

/// [`columns`] for a pair that may name no one.
pub fn optional_columns(party: Option<&Party>) -> (Option<String>, Option<String>) {
    party.map(columns).unwrap_or((None, None))
}

/// The party two stored columns name; `what` says which pair in the error, never its value.
pub fn party(
    what: &str,
    person: Option<String>,
    account: Option<String>,
) -> Result<Party, StoreError> {
    optional_party(what, person, account)?
        .ok_or_else(|| StoreError::Corrupt(format!("{what}: names no one")))
}

/// The party a pair that may be empty names.
pub fn optional_party(
    what: &str,
    person: Option<String>,
    account: Option<String>,
) -> Result<Option<Party>, StoreError> {
    match (person, account) {
        (None, None) => Ok(None),
        (Some(id), None) => id
            .parse()
            .map(|id| Some(Party::Person(id)))
            .map_err(|_| StoreError::Corrupt(format!("{what}: person id"))),
        (None, Some(account)) => Ok(Some(Party::Account(account))),
        (Some(_), Some(_)) => Err(StoreError::Corrupt(format!(
            "{what}: names a person and an account"
        ))),
    }
}

/// The party an account names in the organisation: the person whose `external_id` it is, else
/// the account itself. How a token subject, or a name given in a request, becomes a party.
pub fn resolve(
    conn: &mut AnyConnection,
    org_id: OrgId,
    account: &str,
) -> Result<Party, StoreError> {
    use diesel::prelude::*;

    use crate::schema::people;
    let person = people::table
        .filter(people::org_id.eq(org_id.to_string()))
        .filter(people::external_id.eq(account))
        .select(people::id)
        .first::<String>(conn)
        .optional()?;
    match person {
        Some(id) => party("person", Some(id), None),
        None => Ok(Party::Account(account.to_owned())),
    }
}

/// One pair of the catalogue: the table, the pair's stem, and how the table's rows are scoped
/// to an organisation.
struct Pair {
    table: &'static str,
    stem: &'static str,
    scope: String,
}

/// Every party pair the catalogue classifies: an `Account` column `<stem>_account` beside a
/// `PersonId` column `<stem>_id`.
fn pairs() -> Vec<Pair> {
    let mut pairs = Vec::new();
    for table in CATALOGUE.tables {
        // Rows scoped by their own organisation, or by the one of the row they belong to.
        let scope = if table.column("org_id").is_some() {
            "org_id = {org}".to_owned()
        } else if let Some(domain::catalogue::PersonLink::Through {
            column,
            table: owner,
        }) = table.person
        {
            // Correlated, so only the rows an account names are looked up, never the owner
            // table's whole organisation.
            format!(
                "EXISTS (SELECT 1 FROM {owner} o WHERE o.id = {}.{column} AND o.org_id = {{org}})",
                table.name
            )
        } else {
            continue;
        };
        for (name, key) in table.person_columns() {
            let Some(stem) = name.strip_suffix("_account") else {
                continue;
            };
            if key == PersonKey::Account && table.column(&format!("{stem}_id")).is_some() {
                pairs.push(Pair {
                    table: table.name,
                    stem,
                    scope: scope.clone(),
                });
            }
        }
    }
    pairs
}

/// Accounts per statement of [`adopt`]: far under either backend's bound parameters.
const ACCOUNTS_PER_STATEMENT: usize = 500;

/// Moves every row of `org` that names one of `accounts` to the person of `org` whose
/// `external_id` it now is, in the caller's transaction: one statement per column pair for a
/// whole batch of people. A duty the person already holds is not granted twice: the account's
/// copy goes.
pub fn adopt(conn: &mut AnyConnection, org_id: OrgId, accounts: &[&str]) -> Result<(), StoreError> {
    let postgres = matches!(conn, AnyConnection::Postgresql(_));
    let mark = |n: usize| {
        if postgres {
            format!("${n}")
        } else {
            format!("?{n}")
        }
    };
    // The organisation is the first parameter, the accounts the rest.
    let org = mark(1);
    for chunk in accounts.chunks(ACCOUNTS_PER_STATEMENT) {
        let list = (2..chunk.len() + 2)
            .map(mark)
            .collect::<Vec<_>>()
            .join(", ");
        let holder = |table: &str, stem: &str| {
            format!(
                "(SELECT p.id FROM people p WHERE p.org_id = {org} \
                 AND p.external_id = {table}.{stem}_account)"
            )
        };
        let duplicate_grants = format!(
            "DELETE FROM duty_grants WHERE org_id = {org} AND subject_account IN ({list}) \
             AND EXISTS (SELECT 1 FROM duty_grants g WHERE g.org_id = {org} \
             AND g.duty = duty_grants.duty AND g.subject_id = {})",
            holder("duty_grants", "subject")
        );
        execute(conn, &duplicate_grants, org_id, chunk)?;
        for Pair { table, stem, scope } in pairs() {
            let sql = format!(
                "UPDATE {table} SET {stem}_id = {}, {stem}_account = NULL \
                 WHERE {stem}_account IN ({list}) AND {}",
                holder(table, stem),
                scope.replace("{org}", &org)
            );
            execute(conn, &sql, org_id, chunk)?;
        }
    }
    Ok(())
}

/// Runs raw SQL on the connection's own backend with the organisation and `accounts` bound in
/// that order.
fn execute(
    conn: &mut AnyConnection,
    sql: &str,
    org_id: OrgId,
    accounts: &[&str],
) -> Result<usize, StoreError> {
    use diesel::RunQueryDsl;
    Ok(match conn {
        AnyConnection::Sqlite(c) => {
            let mut query = diesel::sql_query(sql)
                .into_boxed::<diesel::sqlite::Sqlite>()
                .bind::<Text, _>(org_id.to_string());
            for account in accounts {
                query = query.bind::<Text, _>(account.to_string());
            }
            query.execute(c)?
        }
        AnyConnection::Postgresql(c) => {
            let mut query = diesel::sql_query(sql)
                .into_boxed::<diesel::pg::Pg>()
                .bind::<Text, _>(org_id.to_string());
            for account in accounts {
                query = query.bind::<Text, _>(account.to_string());
            }
            query.execute(c)?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_account_column_has_its_person_column_and_a_scope() {
        let pairs = pairs();
        let accounts = CATALOGUE
            .tables
            .iter()
            .flat_map(|t| t.person_columns())
            .filter(|(_, key)| *key == PersonKey::Account)
            .count();
        assert_eq!(
            pairs.len(),
            accounts,
            "an account column lacks a pair or a scope"
        );
        assert!(
            pairs
                .iter()
                .any(|p| p.table == "ticket_comments" && p.stem == "author")
        );
    }
}
