//! Parties as the database stores them: a pair of columns, `<name>_id` for a person and
//! `<name>_account` for an account with no person record, exactly one of them set.
//!
//! When a person record takes an account as its `external_id` (created, or its external id
//! changed), [`adopt`] moves every row the account is named in to the person, walking the
//! catalogue's pairs, so nothing the account did or asked for is left detached from them.

use diesel::sql_types::Text;
use domain::catalogue::PersonKey;
use domain::ids::{OrgId, PersonId};
use domain::party::Party;

use crate::catalogue::CATALOGUE;
use crate::connection::{AnyConnection, execute_batch_insert};
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
            format!("{column} IN (SELECT id FROM {owner} WHERE org_id = {{org}})")
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

/// Moves every row of `org` that names `account` to `person`, in the caller's transaction.
/// A duty the person already holds is not granted twice: the account's copy goes.
pub fn adopt(
    conn: &mut AnyConnection,
    org_id: OrgId,
    account: &str,
    person: PersonId,
) -> Result<(), StoreError> {
    let postgres = matches!(conn, AnyConnection::Postgresql(_));
    // $1 the person, $2 the account, $3 the organisation.
    let (p1, p2, p3) = if postgres {
        ("$1", "$2", "$3")
    } else {
        ("?1", "?2", "?3")
    };
    let bind = |sql: String| {
        diesel::sql_query(sql)
            .bind::<Text, _>(person.to_string())
            .bind::<Text, _>(account.to_owned())
            .bind::<Text, _>(org_id.to_string())
    };
    let duplicate_grants = format!(
        "DELETE FROM duty_grants WHERE subject_account = {p2} AND org_id = {p3} AND duty IN \
         (SELECT g.duty FROM duty_grants g WHERE g.org_id = {p3} AND g.subject_id = {p1})"
    );
    execute_batch_insert!(conn, bind(duplicate_grants))?;
    for pair in pairs() {
        let Pair { table, stem, scope } = pair;
        let sql = format!(
            "UPDATE {table} SET {stem}_id = {p1}, {stem}_account = NULL \
             WHERE {stem}_account = {p2} AND {}",
            scope.replace("{org}", p3)
        );
        execute_batch_insert!(conn, bind(sql))?;
    }
    Ok(())
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
