//! Organisations as tenants: found by slug, registered on first sight or by an administrator.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::ids::OrgId;
use domain::organisation::OrgSlug;
use domain::ticket::TicketKind;

use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::schema::{organisations, ticket_sequences};
use crate::time::to_db;

fn parse_org_id(text: &str) -> Result<OrgId, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt("organisation id".into()))
}

pub fn find_by_slug(conn: &mut AnyConnection, slug: &OrgSlug) -> Result<Option<OrgId>, StoreError> {
    organisations::table
        .filter(organisations::slug.eq(slug.as_str()))
        .select(organisations::id)
        .get_result::<String>(conn)
        .optional()?
        .map(|id| parse_org_id(&id))
        .transpose()
}

/// Registers an organisation with its ticket sequences, in one transaction; a taken slug is a
/// `Conflict`.
pub fn insert(
    conn: &mut AnyConnection,
    slug: &OrgSlug,
    name: &str,
    new_id: OrgId,
    now: DateTime<Utc>,
) -> Result<OrgId, StoreError> {
    conn.transaction::<_, StoreError, _>(|conn| {
        diesel::insert_into(organisations::table)
            .values((
                organisations::id.eq(new_id.to_string()),
                organisations::slug.eq(slug.as_str()),
                organisations::name.eq(name),
                organisations::created_at.eq(to_db(now)),
            ))
            .execute(conn)?;
        // One row at a time: the multi-backend connection has no portable batch insert.
        for kind in TicketKind::ALL {
            diesel::insert_into(ticket_sequences::table)
                .values((
                    ticket_sequences::org_id.eq(new_id.to_string()),
                    ticket_sequences::kind.eq(kind.as_str()),
                    ticket_sequences::last_number.eq(0_i64),
                ))
                .execute(conn)?;
        }
        Ok(new_id)
    })
}

/// Renames the organisation to the name its register details give.
pub fn rename(conn: &mut AnyConnection, org_id: OrgId, name: &str) -> Result<(), StoreError> {
    diesel::update(organisations::table.find(org_id.to_string()))
        .set(organisations::name.eq(name))
        .execute(conn)?;
    Ok(())
}

/// The slugs of `ids`, for those that exist.
pub fn slugs(conn: &mut AnyConnection, ids: &[OrgId]) -> Result<Vec<(OrgId, OrgSlug)>, StoreError> {
    let texts: Vec<String> = ids.iter().map(OrgId::to_string).collect();
    organisations::table
        .filter(organisations::id.eq_any(texts))
        .select((organisations::id, organisations::slug))
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(id, slug)| {
            let slug = OrgSlug::parse(&slug)
                .map_err(|_| StoreError::Corrupt("organisation slug".into()))?;
            Ok((parse_org_id(&id)?, slug))
        })
        .collect()
}

/// The organisation a verified token names, registered with its ticket sequences the first
/// time it is seen: the identity provider is the authority on which organisations exist.
/// Safe when two first requests race: the loser of the unique slug re-reads the winner's row.
pub fn ensure(
    conn: &mut AnyConnection,
    slug: &OrgSlug,
    new_id: OrgId,
    now: DateTime<Utc>,
) -> Result<OrgId, StoreError> {
    if let Some(id) = find_by_slug(conn, slug)? {
        return Ok(id);
    }
    let created = insert(conn, slug, slug.as_str(), new_id, now);
    match created {
        Err(StoreError::Conflict(_)) => find_by_slug(conn, slug)?.ok_or(StoreError::NotFound),
        other => other,
    }
}
