//! Finding a person's audit events: the subject index.
//!
//! An index on `audit_events (org_id, subject)` costs a random page write per event, since
//! consecutive events are about different people; it cost audited reads most of their speed.
//! Instead an indexer files each organisation's events in passes, sorted by subject, a few
//! subjects per transaction, so each subject's new postings share a page and no transaction
//! holds the database for long. A search reads the postings up to the organisation's
//! `indexed_seq` and scans the events after it, which are few.
//!
//! The mark's invariant: an event with a subject has a posting when its `seq` is at most
//! `indexed_seq`, or at most `pass_upto` with its subject at most `pass_done_through` (a pass
//! under way). Every step locks the mark, so indexers on several servers take turns, and a pass
//! cut short resumes where it stopped.

use diesel::prelude::*;
use domain::ids::OrgId;

use crate::connection::{AnyConnection, execute_batch_insert};
use crate::error::StoreError;
use crate::pool::Db;
use crate::schema::{audit_chains, audit_events, audit_subject_marks, audit_subject_postings};

/// Events one pass files at most, so a pass's plan stays small in memory.
const MAX_PASS: i64 = 200_000;

/// Postings one transaction files at most (a subject's postings are never split between two).
pub const CHUNK: usize = 1_000;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Mark {
    indexed_seq: i64,
    pass_upto: Option<i64>,
    pass_done_through: Option<String>,
}

/// The organisation's mark, locked until the transaction ends (a no-op UPDATE takes the row
/// lock on PostgreSQL; SQLite has one writer); made at zero when there is none.
fn lock_mark(conn: &mut AnyConnection, org_id: OrgId) -> Result<Mark, StoreError> {
    for _ in 0..2 {
        let mark = diesel::update(audit_subject_marks::table.find(org_id.to_string()))
            .set(audit_subject_marks::indexed_seq.eq(audit_subject_marks::indexed_seq))
            .returning((
                audit_subject_marks::indexed_seq,
                audit_subject_marks::pass_upto,
                audit_subject_marks::pass_done_through,
            ))
            .get_result::<(i64, Option<i64>, Option<String>)>(conn)
            .optional()?;
        if let Some((indexed_seq, pass_upto, pass_done_through)) = mark {
            return Ok(Mark {
                indexed_seq,
                pass_upto,
                pass_done_through,
            });
        }
        execute_batch_insert!(
            conn,
            diesel::insert_into(audit_subject_marks::table)
                .values((
                    audit_subject_marks::org_id.eq(org_id.to_string()),
                    audit_subject_marks::indexed_seq.eq(0_i64),
                    audit_subject_marks::pass_upto.eq(None::<i64>),
                    audit_subject_marks::pass_done_through.eq(None::<String>),
                ))
                .on_conflict_do_nothing()
        )?;
    }
    Err(StoreError::Corrupt("audit subject mark missing".into()))
}

fn set_mark(conn: &mut AnyConnection, org_id: OrgId, mark: &Mark) -> Result<(), StoreError> {
    diesel::update(audit_subject_marks::table.find(org_id.to_string()))
        .set((
            audit_subject_marks::indexed_seq.eq(mark.indexed_seq),
            audit_subject_marks::pass_upto.eq(mark.pass_upto),
            audit_subject_marks::pass_done_through.eq(mark.pass_done_through.clone()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Up to which event of its chain the organisation's postings are complete: a search reads
/// postings up to here and scans the events after it.
pub fn indexed_seq(conn: &mut AnyConnection, org_id: OrgId) -> Result<i64, StoreError> {
    Ok(audit_subject_marks::table
        .find(org_id.to_string())
        .select(audit_subject_marks::indexed_seq)
        .first::<i64>(conn)
        .optional()?
        .unwrap_or(0))
}

/// What a single statement reads in place of `audit_events` for the events about one
/// subject: those after the organisation's mark, and those its postings lead to up to it. One
/// statement reads the mark once for both halves (one snapshot on both backends), so each
/// event comes once whatever the indexer does meanwhile. The postings lead the join (SQLite
/// takes a CROSS JOIN's order as written; without statistics it may otherwise read every event
/// up to the mark and look each up in the postings). `org` and `subject` are the statement's
/// placeholders for the organisation and the subject pseudonym, each used more than once where
/// they are named (`{1}`), or bound in the order [`events_about_subject_binds`] gives (`?`).
pub fn events_about_subject(org: &str, subject: &str) -> String {
    format!(
        "SELECT e.* FROM audit_events e \
         WHERE e.org_id = {org} AND e.subject = {subject} AND e.seq > \
         (SELECT COALESCE(MAX(m.indexed_seq), 0) FROM audit_subject_marks m WHERE m.org_id = {org}) \
         UNION ALL \
         SELECT e.* FROM audit_subject_postings p CROSS JOIN audit_events e \
         WHERE e.org_id = p.org_id AND e.seq = p.seq AND p.org_id = {org} AND p.subject = {subject} \
         AND p.seq <= \
         (SELECT COALESCE(MAX(m.indexed_seq), 0) FROM audit_subject_marks m WHERE m.org_id = {org})"
    )
}

/// The binds of [`events_about_subject`] with `?` placeholders, in order.
pub fn events_about_subject_binds(org_id: OrgId, subject: &str) -> Vec<String> {
    let org = org_id.to_string();
    vec![
        org.clone(),
        subject.to_owned(),
        org.clone(),
        org.clone(),
        subject.to_owned(),
        org,
    ]
}

/// Whether `column` of `table` is the audit events' subject, found through this index rather
/// than an index on the column.
pub fn is_indexed_here(table: &str, column: &str) -> bool {
    table == "audit_events" && column == "subject"
}

/// Each organisation whose chain runs past its index, with how many events are not yet
/// filed, and whether a pass is under way (a pass cut short is finished first).
pub fn behind(conn: &mut AnyConnection) -> Result<Vec<(OrgId, i64, bool)>, StoreError> {
    let heads = audit_chains::table
        .select((audit_chains::org_id, audit_chains::last_seq))
        .load::<(String, i64)>(conn)?;
    let marks = audit_subject_marks::table
        .select((
            audit_subject_marks::org_id,
            audit_subject_marks::indexed_seq,
            audit_subject_marks::pass_upto,
        ))
        .load::<(String, i64, Option<i64>)>(conn)?;
    let mut out = Vec::new();
    for (org, head) in heads {
        let (indexed, under_way) = marks
            .iter()
            .find(|(m, _, _)| *m == org)
            .map_or((0, false), |(_, indexed, upto)| (*indexed, upto.is_some()));
        if head > indexed {
            let org_id = org
                .parse()
                .map_err(|_| StoreError::Corrupt("audit chain organisation".into()))?;
            out.push((org_id, head - indexed, under_way));
        }
    }
    Ok(out)
}

/// One pass over the organisation's unfiled events (at most [`MAX_PASS`] of them), or the rest
/// of a pass cut short: their postings, sorted by subject, filed `chunk` postings to a
/// transaction, each on a connection of its own so other writers get the database between
/// them. Answers how many events the index moved past; stops early, having filed nothing
/// twice, when another indexer moved the mark.
pub fn index_pass(db: &Db, org_id: OrgId, chunk: usize) -> Result<i64, StoreError> {
    pass(db, org_id, chunk, usize::MAX)
}

/// [`index_pass`], stopping after `max_chunks` transactions as a server stopped mid-pass does.
pub(super) fn pass(
    db: &Db,
    org_id: OrgId,
    chunk: usize,
    max_chunks: usize,
) -> Result<i64, StoreError> {
    let plan = {
        let mut conn = db.write()?;
        crate::transaction(&mut conn, |conn| {
            let mut mark = lock_mark(conn, org_id)?;
            if mark.pass_upto.is_none() {
                let head = audit_chains::table
                    .find(org_id.to_string())
                    .select(audit_chains::last_seq)
                    .first::<i64>(conn)
                    .optional()?
                    .unwrap_or(0);
                if head <= mark.indexed_seq {
                    return Ok(None);
                }
                mark.pass_upto = Some(head.min(mark.indexed_seq + MAX_PASS));
                mark.pass_done_through = None;
                set_mark(conn, org_id, &mark)?;
            }
            Ok(mark
                .pass_upto
                .map(|upto| (mark.indexed_seq, upto, mark.pass_done_through)))
        })?
    };
    let Some((start, upto, done_through)) = plan else {
        return Ok(0);
    };
    // Events up to the chain's committed head are committed, so a reader sees them all.
    let postings = {
        let mut conn = db.read()?;
        let mut query = audit_events::table
            .filter(audit_events::org_id.eq(org_id.to_string()))
            .filter(audit_events::seq.gt(start))
            .filter(audit_events::seq.le(upto))
            .filter(audit_events::subject.is_not_null())
            .select((audit_events::subject.assume_not_null(), audit_events::seq))
            .order((audit_events::subject.asc(), audit_events::seq.asc()))
            .into_boxed();
        if let Some(done) = &done_through {
            query = query.filter(audit_events::subject.gt(done.clone()));
        }
        query.load::<(String, i64)>(&mut *conn)?
    };
    let mut expected = Mark {
        indexed_seq: start,
        pass_upto: Some(upto),
        pass_done_through: done_through,
    };
    let chunks = by_whole_subjects(&postings, chunk.max(1));
    for (i, part) in chunks.iter().enumerate() {
        if i == max_chunks {
            return Ok(0);
        }
        let last = i + 1 == chunks.len();
        let mut conn = db.write()?;
        let moved = crate::transaction(&mut conn, |conn| {
            if lock_mark(conn, org_id)? != expected {
                return Ok(None);
            }
            let rows: Vec<_> = part
                .iter()
                .map(|(subject, seq)| {
                    (
                        audit_subject_postings::org_id.eq(org_id.to_string()),
                        audit_subject_postings::subject.eq(subject.clone()),
                        audit_subject_postings::seq.eq(*seq),
                    )
                })
                .collect();
            if !rows.is_empty() {
                execute_batch_insert!(
                    conn,
                    diesel::insert_into(audit_subject_postings::table).values(&rows)
                )?;
            }
            let next = if last {
                Mark {
                    indexed_seq: upto,
                    pass_upto: None,
                    pass_done_through: None,
                }
            } else {
                Mark {
                    pass_done_through: part.last().map(|(subject, _)| subject.clone()),
                    ..expected.clone()
                }
            };
            set_mark(conn, org_id, &next)?;
            Ok(Some(next))
        })?;
        match moved {
            Some(next) => expected = next,
            None => return Ok(0),
        }
    }
    Ok(upto - start)
}

/// Splits postings sorted by subject into runs of at most `chunk`, never splitting a subject's
/// postings (a subject with more than `chunk` is a run of its own); always at least one run,
/// so a pass with nothing to file still moves the mark.
fn by_whole_subjects(postings: &[(String, i64)], chunk: usize) -> Vec<&[(String, i64)]> {
    let mut runs = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < postings.len() {
        let mut end = i + 1;
        while end < postings.len() && postings[end].0 == postings[i].0 {
            end += 1;
        }
        if end - start > chunk && i > start {
            runs.push(&postings[start..i]);
            start = i;
        }
        i = end;
    }
    if start < postings.len() || runs.is_empty() {
        runs.push(&postings[start..]);
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn postings(subjects: &[&str]) -> Vec<(String, i64)> {
        subjects
            .iter()
            .enumerate()
            .map(|(i, s)| ((*s).to_owned(), i as i64))
            .collect()
    }

    fn shape(runs: &[&[(String, i64)]]) -> Vec<Vec<String>> {
        runs.iter()
            .map(|run| run.iter().map(|(s, _)| s.clone()).collect())
            .collect()
    }

    #[test]
    fn runs_keep_each_subject_whole_and_within_the_chunk_where_they_can() {
        let p = postings(&["a", "a", "b", "c", "c", "c", "d"]);
        assert_eq!(
            shape(&by_whole_subjects(&p, 3)),
            vec![vec!["a", "a", "b"], vec!["c", "c", "c"], vec!["d"]]
        );
        // A subject larger than the chunk is a run of its own.
        assert_eq!(
            shape(&by_whole_subjects(&p, 2)),
            vec![vec!["a", "a"], vec!["b"], vec!["c", "c", "c"], vec!["d"]]
        );
        assert_eq!(
            shape(&by_whole_subjects(&p, 100)),
            vec![vec!["a", "a", "b", "c", "c", "c", "d"]]
        );
    }

    #[test]
    fn nothing_to_file_is_still_one_run() {
        assert_eq!(by_whole_subjects(&[], 10).len(), 1);
    }
}
