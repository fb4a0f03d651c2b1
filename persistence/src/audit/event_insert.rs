//! Writing a batch of audit events as a statement each backend keeps prepared.
//!
//! Diesel's multi-row `INSERT ... VALUES (...), (...)` has a different text for every batch
//! size and is never kept prepared, so each audited batch was parsed and planned afresh: on
//! PostgreSQL that was much of what recording reads cost. PostgreSQL gets one statement for any
//! batch, its columns bound as arrays and unnested; SQLite, in process, steps one prepared
//! single-row insert per event.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamp};

use super::EventRow;
use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::schema::audit_events;

/// The events' columns, each as one array.
struct Unnested {
    id: Vec<String>,
    org_id: Vec<String>,
    seq: Vec<i64>,
    at: Vec<chrono::NaiveDateTime>,
    actor: Vec<String>,
    operation: Vec<String>,
    record_kind: Vec<String>,
    record_id: Vec<Option<String>>,
    subject: Vec<Option<String>>,
    prev_hash: Vec<String>,
    hash: Vec<String>,
}

impl Unnested {
    fn of(rows: Vec<EventRow>) -> Unnested {
        let mut u = Unnested {
            id: Vec::with_capacity(rows.len()),
            org_id: Vec::with_capacity(rows.len()),
            seq: Vec::with_capacity(rows.len()),
            at: Vec::with_capacity(rows.len()),
            actor: Vec::with_capacity(rows.len()),
            operation: Vec::with_capacity(rows.len()),
            record_kind: Vec::with_capacity(rows.len()),
            record_id: Vec::with_capacity(rows.len()),
            subject: Vec::with_capacity(rows.len()),
            prev_hash: Vec::with_capacity(rows.len()),
            hash: Vec::with_capacity(rows.len()),
        };
        for r in rows {
            u.id.push(r.id);
            u.org_id.push(r.org_id);
            u.seq.push(r.seq);
            u.at.push(r.at);
            u.actor.push(r.actor);
            u.operation.push(r.operation);
            u.record_kind.push(r.record_kind);
            u.record_id.push(r.record_id);
            u.subject.push(r.subject);
            u.prev_hash.push(r.prev_hash);
            u.hash.push(r.hash);
        }
        u
    }
}

impl QueryId for Unnested {
    type QueryId = ();
    // Keyed by its text, the same for every batch: kept prepared.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl QueryFragment<Pg> for Unnested {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "INSERT INTO audit_events (id, org_id, seq, at, actor, operation, record_kind, \
             record_id, subject, prev_hash, hash) SELECT * FROM UNNEST(",
        );
        out.push_bind_param::<Array<Text>, _>(&self.id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.org_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<BigInt>, _>(&self.seq)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Timestamp>, _>(&self.at)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.actor)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.operation)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.record_kind)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.record_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.subject)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.prev_hash)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.hash)?;
        out.push_sql(")");
        Ok(())
    }
}

impl RunQueryDsl<PgConnection> for Unnested {}

/// Inserts `rows` inside the caller's transaction.
pub(super) fn insert(conn: &mut AnyConnection, rows: Vec<EventRow>) -> Result<(), StoreError> {
    match conn {
        AnyConnection::Postgresql(c) => {
            Unnested::of(rows).execute(c)?;
        }
        AnyConnection::Sqlite(c) => {
            for row in &rows {
                diesel::insert_into(audit_events::table)
                    .values(row)
                    .execute(c)?;
            }
        }
    }
    Ok(())
}
