//! Organisations as tenants: found by slug, registered on first sight.

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
    let created = conn.transaction::<_, StoreError, _>(|conn| {
        diesel::insert_into(organisations::table)
            .values((
                organisations::id.eq(new_id.to_string()),
                organisations::slug.eq(slug.as_str()),
                organisations::name.eq(slug.as_str()),
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
    });
    match created {
        Err(StoreError::Conflict(_)) => find_by_slug(conn, slug)?.ok_or(StoreError::NotFound),
        other => other,
    }
}
