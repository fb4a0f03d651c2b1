//! The personal-data catalogue against the real schema of both backends: every column a
//! migration creates is classified, and every column the catalogue classifies exists.

use diesel::connection::SimpleConnection;
use persistence::catalogue::{CATALOGUE, live_columns};

use crate::helpers::TestDb;

/// The gaps between the catalogue and a freshly migrated database, after `change` (SQL run on
/// it once migrated), in words.
fn gaps_after(change: &'static str) -> Vec<String> {
    let test_db = TestDb::create();
    let db = test_db.connect();
    persistence::run_migrations(&db).expect("migrations apply");
    let mut conn = db.write().expect("a connection");
    if !change.is_empty() {
        conn.batch_execute(change).expect("the change applies");
    }
    let live = live_columns(&mut conn).expect("the schema reads");
    assert!(
        live.len() > 100,
        "the schema has the desk's columns: {live:?}"
    );
    CATALOGUE
        .gaps(live.iter().map(|(t, c)| (t.as_str(), c.as_str())))
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[tokio::test]
async fn every_column_of_the_migrated_schema_is_catalogued() {
    let gaps = tokio::task::spawn_blocking(|| gaps_after(""))
        .await
        .expect("the check does not panic");
    assert!(
        gaps.is_empty(),
        "classify these in persistence/src/catalogue.rs:\n{}",
        gaps.join("\n")
    );
}

#[tokio::test]
async fn a_new_column_or_table_and_a_dropped_one_are_named() {
    let gaps = tokio::task::spawn_blocking(|| {
        gaps_after(
            "ALTER TABLE tickets ADD COLUMN nickname TEXT; \
             CREATE TABLE nicknames (id TEXT PRIMARY KEY NOT NULL, actor TEXT NOT NULL); \
             DROP TABLE assignment_changes;",
        )
    })
    .await
    .expect("the check does not panic");
    for named in [
        "tickets.nickname is in the database but not classified",
        "nicknames.id is in the database but not classified",
        "nicknames.actor is in the database but not classified",
        "classifies assignment_changes.actor_account, which the database does not have",
    ] {
        assert!(gaps.iter().any(|g| g.contains(named)), "{named}: {gaps:#?}");
    }
    // Seven columns of assignment_changes vanished, three appeared.
    assert_eq!(gaps.len(), 10, "{gaps:#?}");
}
