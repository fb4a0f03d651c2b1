//! What the desk keeps only for a while, and what it keeps of every change: keyed HR sync
//! answers expire; every change to a person is in their history; HR sync never writes over a
//! change it did not read.

use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

const SYNC: &str = "/api/v1/hr/sync";

fn joiner(id: &str, given_name: &str) -> Value {
    json!({
        "external_id": id,
        "kind": "joiner",
        "effective_date": "2026-01-05",
        "given_name": given_name,
        "family_name": "Bloggs",
    })
}

async fn sync(app: &TestApp, token: &str, records: Value, key: &str) -> reqwest::Response {
    send(
        app.request(reqwest::Method::POST, SYNC, Some(token))
            .header("Idempotency-Key", key)
            .json(&json!({ "records": records })),
    )
    .await
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Runs a counting query on the server's database.
async fn count(app: &TestApp, sql: &'static str) -> i64 {
    let url = app.database().url.clone();
    tokio::task::spawn_blocking(move || {
        let db = TestDb::at(url).connect();
        let mut conn = db.read().expect("a connection");
        diesel::sql_query(sql)
            .get_result::<Count>(&mut *conn)
            .expect("the count runs")
            .n
    })
    .await
    .expect("the count does not panic")
}

#[tokio::test]
async fn a_keyed_hr_answer_expires_and_is_deleted_by_the_sweep() {
    let app = TestApp::builder()
        .idempotency_ttl(chrono::TimeDelta::seconds(1))
        .spawn()
        .await;
    let hr = app.token(ORG, &["integrator"], "hr-system");
    let first = sync(&app, &hr, json!([joiner("E1", "Jo")]), "batch-1").await;
    json_body(first, StatusCode::OK).await;
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM hr_sync_requests").await,
        1
    );

    // Past its time, with no request at all, the sweep deletes the answer (it names people).
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM hr_sync_requests").await,
        0
    );

    // The key is then a new request: applied afresh, not refused as a reused key.
    let again = sync(&app, &hr, json!([joiner("E2", "Sam")]), "batch-1").await;
    assert!(again.headers().get("idempotency-replayed").is_none());
    let body = json_body(again, StatusCode::OK).await;
    assert_eq!(body["applied"], 1, "{body}");
}

#[tokio::test]
async fn within_its_time_a_keyed_answer_is_replayed() {
    let app = spawn_app().await;
    let hr = app.token(ORG, &["integrator"], "hr-system");
    let records = json!([joiner("E1", "Jo")]);
    json_body(sync(&app, &hr, records.clone(), "k").await, StatusCode::OK).await;
    let again = sync(&app, &hr, records, "k").await;
    assert_eq!(
        again
            .headers()
            .get("idempotency-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
}

#[derive(QueryableByName)]
struct Change {
    #[diesel(sql_type = BigInt)]
    version: i64,
    #[diesel(sql_type = Text)]
    action: String,
    #[diesel(sql_type = Text)]
    actor: String,
    #[diesel(sql_type = Nullable<Text>)]
    before_body: Option<String>,
    #[diesel(sql_type = Text)]
    after_body: String,
}

#[tokio::test]
async fn every_change_to_a_person_is_in_their_history_with_who_made_it() {
    let app = spawn_app().await;
    let hr = app.token(ORG, &["integrator"], "hr-system");
    let admin = app.token(ORG, &["admin"], "admin-1");
    let answer = json_body(
        sync(&app, &hr, json!([joiner("E1", "Jo")]), "b1").await,
        StatusCode::OK,
    )
    .await;
    let id = text(&answer["records"][0], "person_id");
    let read = app.get(&format!("{PEOPLE}/{id}"), Some(&admin)).await;
    let tag = etag_of(&read);
    let patched = app
        .patch_if_match(
            &admin,
            &format!("{PEOPLE}/{id}"),
            &tag,
            &json!({"given_name": "Joanna"}),
        )
        .await;
    assert_eq!(patched.status(), StatusCode::OK);

    let url = app.database().url.clone();
    let changes = tokio::task::spawn_blocking(move || {
        let db = TestDb::at(url).connect();
        let mut conn = db.read().expect("a connection");
        diesel::sql_query(format!(
            "SELECT version, action, actor_account AS actor, before_body, after_body \
             FROM person_changes \
             WHERE person_id = '{id}' ORDER BY version"
        ))
        .load::<Change>(&mut *conn)
        .expect("the history reads")
    })
    .await
    .expect("the read does not panic");
    assert_eq!(changes.len(), 2);
    let (created, renamed) = (&changes[0], &changes[1]);
    assert_eq!(
        (
            created.version,
            created.action.as_str(),
            created.actor.as_str()
        ),
        (1, "created", "hr-system")
    );
    assert!(created.before_body.is_none());
    assert_eq!(
        (
            renamed.version,
            renamed.action.as_str(),
            renamed.actor.as_str()
        ),
        (2, "updated", "admin-1")
    );
    let before: Value =
        serde_json::from_str(renamed.before_body.as_deref().expect("a before")).expect("JSON");
    let after: Value = serde_json::from_str(&renamed.after_body).expect("JSON");
    assert_eq!(
        (before["given_name"].clone(), after["given_name"].clone()),
        (json!("Jo"), json!("Joanna"))
    );
}

/// HR sync writes a person over the version it read: a change that landed in between is
/// refused, never overwritten.
#[tokio::test]
async fn a_person_written_over_a_version_no_longer_current_is_stale() {
    let app = spawn_app().await;
    let hr = app.token(ORG, &["integrator"], "hr-system");
    let admin = app.token(ORG, &["admin"], "admin-1");
    let answer = json_body(
        sync(&app, &hr, json!([joiner("E1", "Jo")]), "b1").await,
        StatusCode::OK,
    )
    .await;
    let id: domain::ids::PersonId = text(&answer["records"][0], "person_id")
        .parse()
        .expect("a person id");
    let url = app.database().url.clone();
    let org = ORG;
    let before = tokio::task::spawn_blocking(move || {
        let db = TestDb::at(url).connect();
        let mut conn = db.read().expect("a connection");
        let org_id = persistence::organisations::find_by_slug(
            &mut conn,
            &domain::organisation::OrgSlug::parse(org).expect("a slug"),
        )
        .expect("the organisation reads")
        .expect("the organisation exists");
        persistence::people::get(&mut conn, org_id, id).expect("the person reads")
    })
    .await
    .expect("the read does not panic");

    // Someone else changes the person after HR read them.
    let read = app.get(&format!("{PEOPLE}/{id}"), Some(&admin)).await;
    let tag = etag_of(&read);
    let patched = app
        .patch_if_match(
            &admin,
            &format!("{PEOPLE}/{id}"),
            &tag,
            &json!({"given_name": "Joanna"}),
        )
        .await;
    assert_eq!(patched.status(), StatusCode::OK);

    let url = app.database().url.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let db = TestDb::at(url).connect();
        let mut conn = db.write().expect("a connection");
        let mut after = before.clone();
        after.person.given_name = "Overwritten".into();
        after.person.version += 1;
        persistence::people::replace(
            &mut conn,
            &before,
            &after,
            &domain::party::Party::Account("hr-system".into()),
        )
    })
    .await
    .expect("the write does not panic");
    assert!(
        matches!(outcome, Err(persistence::StoreError::Stale)),
        "{outcome:?}"
    );
    let now = json_body(
        app.get(&format!("{PEOPLE}/{id}"), Some(&admin)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(now["given_name"], "Joanna");
}
