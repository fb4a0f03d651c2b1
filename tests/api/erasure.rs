//! Erasure answering a request (Art 17): the outcome erases the person's data as the catalogue
//! says, tells the recipients of it (Art 19), and records what it did; once scrubbed, the
//! person's identifiers are nowhere in the database's files, while their tickets survive
//! anonymised and another person's data is untouched.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

const REQUESTS: &str = "/api/v1/rights-requests";
const DISCLOSURES: &str = "/api/v1/disclosures";

/// What identifies the person erased: none of it may survive anywhere.
const GIVEN: &str = "Zebedeeqx";
const FAMILY: &str = "Quixotework";
const EMAIL: &str = "zebedee.quixotework@example.gov.uk";
const PHONE: &str = "01632 960 471";
const BIRTH: &str = "1971-03-04";
const EXTERNAL: &str = "zq4471ext";

fn erasure_path(request: &str) -> String {
    format!("{REQUESTS}/{request}/erasure")
}

struct Scene {
    app: TestApp,
    dpo: String,
    person: String,
    token: String,
    tickets: Vec<String>,
    control: String,
}

async fn scene() -> Scene {
    scene_on(spawn_seeded_app().await).await
}

/// A person of Devon with identifiers found nowhere else, two tickets naming them in their
/// text with a comment each, their data disclosed to a recipient; and another person beside
/// them, on `app` (serving the demo organisations).
async fn scene_on(app: TestApp) -> Scene {
    let dpo = app.token(DEVON, &["dpo"], "dpo-1");
    let person = app
        .record_person(
            DEVON,
            EXTERNAL,
            json!({
                "given_name": GIVEN, "family_name": FAMILY, "email": EMAIL, "phone": PHONE,
                "date_of_birth": BIRTH, "address": "1 Quixotework Lane\nExeter",
            }),
        )
        .await;
    let control = app
        .record_person(DEVON, "control-1", json!({"given_name": "Constance"}))
        .await;
    let token = app.token(DEVON, &["requester"], EXTERNAL);
    let mut tickets = Vec::new();
    for n in 0..2 {
        let ticket = app
            .create_ticket(
                &token,
                &json!({"kind": "incident", "category": "it_system", "title": format!("{GIVEN} {FAMILY} laptop {n}"),
                        "description": format!("Call me on {PHONE} or {EMAIL}")}),
            )
            .await;
        let id = text(&ticket, "id");
        json_body(
            app.post_json(
                &comments_path(&id),
                Some(&token),
                &json!({"body": format!("{FAMILY} again, born {BIRTH}")}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        tickets.push(id);
    }
    let recipients = app
        .list(&Kind::Recipient.collection(), &dpo, &[("limit", "500")])
        .await;
    let categories = app.list(DATA_CATEGORIES, &dpo, &[("limit", "500")]).await;
    json_body(
        app.post_json(
            DISCLOSURES,
            Some(&dpo),
            &json!({
                "person_id": person, "recipient_id": text(&recipients[0], "id"),
                "disclosed_at": (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339(),
                "basis": "court_order", "data_categories": [text(&categories[0], "id")],
                "description": "Contact details",
            }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    Scene {
        app,
        dpo,
        person,
        token,
        tickets,
        control,
    }
}

/// The person asks for erasure; answers the request's id.
async fn ask(s: &Scene) -> String {
    let made = json_body(
        s.app
            .post_json(REQUESTS, Some(&s.token), &json!({"right": "erasure"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    text(&made, "id")
}

async fn decide(s: &Scene, request: &str, outcome: Value) -> reqwest::Response {
    s.app
        .post_json(
            &format!("{REQUESTS}/{request}/outcome"),
            Some(&s.dpo),
            &outcome,
        )
        .await
}

/// The request's erasures, once every one is scrubbed (a bound against a hang).
async fn scrubbed(s: &Scene, request: &str) -> Value {
    for _ in 0..200 {
        let erasure = json_body(
            s.app.get(&erasure_path(request), Some(&s.dpo)).await,
            StatusCode::OK,
        )
        .await;
        let erasures = erasure["erasures"].as_array().cloned().unwrap_or_default();
        if !erasures.is_empty() && erasures.iter().all(|e| !e["scrubbed_at"].is_null()) {
            return erasure;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the erasure was not scrubbed within 20 s");
}

/// The files holding the database's data: the SQLite file with its WAL, or the PostgreSQL
/// database's relation files (after a checkpoint writes its buffers out).
fn database_files(url: &str) -> Vec<PathBuf> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        return ["", "-wal", "-shm"]
            .iter()
            .map(|suffix| PathBuf::from(format!("{path}{suffix}")))
            .filter(|p| p.exists())
            .collect();
    }
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Dir {
        #[diesel(sql_type = diesel::sql_types::Text)]
        dir: String,
    }
    let mut conn = diesel::PgConnection::establish(url).expect("the test database");
    diesel::sql_query("CHECKPOINT")
        .execute(&mut conn)
        .expect("a checkpoint (the test role is a superuser)");
    let found: Vec<Dir> = diesel::sql_query(
        "SELECT current_setting('data_directory') || '/base/' || oid::text AS dir \
         FROM pg_database WHERE datname = current_database()",
    )
    .load(&mut conn)
    .expect("the database's directory");
    let dir = PathBuf::from(&found[0].dir);
    std::fs::read_dir(&dir)
        .expect("the database's files are readable to the tests")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect()
}

/// The files among `files` holding `needle`.
fn holding(files: &[PathBuf], needle: &str) -> Vec<String> {
    let needle = needle.as_bytes();
    files
        .iter()
        .filter(|f| {
            std::fs::read(f).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
        })
        .map(|f| f.display().to_string())
        .collect()
}

pub(crate) fn in_files(url: &str, needles: &[&str]) -> Vec<(String, Vec<String>)> {
    let files = database_files(url);
    needles
        .iter()
        .map(|n| (n.to_string(), holding(&files, n)))
        .filter(|(_, found)| !found.is_empty())
        .collect()
}

fn is_sqlite(url: &str) -> bool {
    Path::new(url).starts_with("sqlite:")
}

#[tokio::test]
async fn an_erasure_fulfilled_leaves_no_trace_of_the_person_in_the_database_files() {
    let s = scene().await;
    let url = s.app.database_url().to_owned();
    let mut needles = vec![GIVEN, FAMILY, EMAIL, PHONE, EXTERNAL];
    if is_sqlite(&url) {
        // PostgreSQL stores a date as a number of days, never as this text.
        needles.push(BIRTH);
    }
    // The identifiers are there to find before: the search would see them.
    assert_eq!(
        in_files(&url, &needles).len(),
        needles.len(),
        "every identifier is stored before the erasure"
    );

    let request = ask(&s).await;
    let closed = json_body(
        decide(&s, &request, json!({"outcome": "fulfilled"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(closed["status"], "closed");

    let erasure = scrubbed(&s, &request).await;
    let erased = &erasure["erasures"][0];
    assert_eq!(erased["person_id"], s.person.as_str());
    assert!(erased["holdings"].is_null(), "everything: {erased}");
    let tables = erased["report"]["tables"].as_array().expect("tables");
    let table = |name: &str| {
        tables
            .iter()
            .find(|t| t["table"] == name)
            .unwrap_or_else(|| panic!("{name} in {erased}"))
            .clone()
    };
    assert_eq!(table("people")["anonymised"], 1);
    assert_eq!(table("tickets")["anonymised"], 2);
    assert_eq!(table("ticket_comments")["anonymised"], 2);
    assert_eq!(table("disclosures")["kept_rows"], 1);
    assert_eq!(table("disclosures")["kept"][0]["reason"], "audit_trail");

    // Not in any table, nor in free space or the log of either backend.
    assert_eq!(
        in_files(&url, &needles),
        vec![],
        "identifiers left in the files"
    );

    // The person record stays as a stand-in naming no one.
    let person = json_body(
        s.app
            .get(&format!("{PEOPLE}/{}", s.person), Some(&s.dpo))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(person["given_name"], "Erased");
    assert!(person["email"].is_null() && person["external_id"].is_null());
    // Tickets survive, anonymised: counts and reports keep working.
    let agent = s.app.token(DEVON, &["agent"], "agent-1");
    for id in &s.tickets {
        let ticket = s.app.ticket(&agent, id).await;
        assert_eq!(ticket["title"], "[erased]");
        assert_eq!(ticket["description"], "[erased]");
    }
    // The recipient was told.
    let notices = s
        .app
        .list(
            &format!("{PEOPLE}/{}/recipient-notices", s.person),
            &s.dpo,
            &[],
        )
        .await;
    assert!(
        notices.iter().any(|n| n["action"] == "erasure"),
        "{notices:?}"
    );
    // A later export holds none of it.
    let access = json_body(
        s.app
            .post_json(
                REQUESTS,
                Some(&s.dpo),
                &json!({"right": "access", "person_id": s.person, "channel": "letter"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let bundle = s
        .app
        .get(
            &format!("{REQUESTS}/{}/bundle", text(&access, "id")),
            Some(&s.dpo),
        )
        .await;
    assert_eq!(bundle.status(), StatusCode::OK);
    let bundle = bundle.text().await.expect("a body");
    for needle in &needles {
        assert!(!bundle.contains(needle), "{needle} in a later export");
    }
    // The erasure is in the trail, about the person by pseudonym.
    let events = s
        .app
        .list(
            "/api/v1/audit-events",
            &s.dpo,
            &[("operation", "erase"), ("subject", s.person.as_str())],
        )
        .await;
    assert_eq!(events.len(), 1, "{events:?}");
    // Another person is untouched.
    let control = json_body(
        s.app
            .get(&format!("{PEOPLE}/{}", s.control), Some(&s.dpo))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(control["given_name"], "Constance");
}

#[tokio::test]
async fn a_refused_erasure_erases_nothing() {
    let s = scene().await;
    let request = ask(&s).await;
    let refused = json_body(
        decide(
            &s,
            &request,
            json!({"outcome": "refused", "ground": "art_17_3_e",
                   "reasons": "Needed to defend a claim."}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(refused["status"], "closed");
    let erasure = json_body(
        s.app.get(&erasure_path(&request), Some(&s.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(erasure["erasures"], json!([]));
    let person = json_body(
        s.app
            .get(&format!("{PEOPLE}/{}", s.person), Some(&s.dpo))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(person["given_name"], GIVEN);
}

#[tokio::test]
async fn a_requests_erasure_is_read_by_the_person_and_the_dpo_only() {
    let s = scene().await;
    let request = ask(&s).await;
    let path = erasure_path(&request);
    assert_eq!(
        s.app.get(&path, None).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let agent = s.app.token(DEVON, &["agent"], "agent-1");
    problem(s.app.get(&path, Some(&agent)).await, StatusCode::FORBIDDEN).await;
    let colleague = s.app.token(DEVON, &["requester"], "control-1");
    problem(
        s.app.get(&path, Some(&colleague)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let other = s.app.token(DERBY, &["dpo"], "dpo-1");
    problem(s.app.get(&path, Some(&other)).await, StatusCode::NOT_FOUND).await;
    problem_naming(
        s.app.get(&erasure_path("not-a-uuid"), Some(&s.dpo)).await,
        StatusCode::BAD_REQUEST,
        "id",
    )
    .await;
    let before = json_body(s.app.get(&path, Some(&s.token)).await, StatusCode::OK).await;
    assert_eq!(before["right"], "erasure");
    assert_eq!(before["erasures"], json!([]));
}

#[tokio::test]
async fn an_erasure_partly_fulfilled_that_would_erase_nothing_is_refused_as_out_of_turn() {
    // Every purpose of Devon's holding this person's data is on 6(1)(c) or (e): exempt while
    // needed (Art 17(3)(b)). Partly fulfilled would erase nothing; the DPO is told to refuse.
    let s = scene().await;
    let request = ask(&s).await;
    let outcome = json!({"outcome": "partly_fulfilled", "ground": "art_17_3_b",
                         "reasons": "Kept while the public task needs it."});
    let refused = problem(decide(&s, &request, outcome).await, StatusCode::CONFLICT).await;
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.contains("Art 17(3)") && d.contains("nothing would be erased")),
        "{refused}"
    );
    // Nothing was erased, and the request is still open for its outcome.
    let erasure = json_body(
        s.app.get(&erasure_path(&request), Some(&s.dpo)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(erasure["erasures"], json!([]));
    let person = json_body(
        s.app
            .get(&format!("{PEOPLE}/{}", s.person), Some(&s.dpo))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(person["given_name"], GIVEN);
    let request = json_body(
        s.app
            .get(&format!("{REQUESTS}/{request}"), Some(&s.dpo))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(request["status"], "open");
}

/// Runs `servicedesk <args>` over `database_url`, which must succeed.
fn run(database_url: &str, args: &[&str]) {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_servicedesk-under-test"))
        .args(args)
        .env("SERVICEDESK_DATABASE_URL", database_url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("the binary runs");
    assert!(status.success(), "servicedesk {args:?}");
}

#[tokio::test]
async fn no_log_line_names_the_person_from_their_first_record_to_their_erasure() {
    let db = TestDb::create();
    let dir = tempfile::tempdir().expect("a directory");
    run(&db.url, &["migrate"]);
    run(&db.url, &["seed-demo"]);
    let log = dir.path().join("server.log");
    let app = TestApp::process_logged(&db.url, dir.path(), &log).await;
    let mut s = scene_on(app).await;
    // A failed write naming them too: the refusal names the field, never the value.
    problem(
        s.app
            .post_json(
                PEOPLE,
                Some(&s.app.token(DEVON, &["integrator"], "hr-system")),
                &json!({"kind": "staff", "external_id": EXTERNAL, "given_name": GIVEN,
                        "family_name": FAMILY, "email": format!("{EMAIL}@")}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let request = ask(&s).await;
    json_body(
        decide(&s, &request, json!({"outcome": "fulfilled"})).await,
        StatusCode::OK,
    )
    .await;
    scrubbed(&s, &request).await;
    s.app.kill();
    let logged = std::fs::read_to_string(&log).expect("the log");
    assert!(
        logged.lines().count() > 10,
        "the server logged its requests at debug: {logged}"
    );
    for needle in [GIVEN, FAMILY, EMAIL, PHONE, BIRTH, EXTERNAL] {
        assert!(!logged.contains(needle), "{needle} in the server's log");
    }
}

#[tokio::test]
async fn a_legal_hold_or_another_open_request_blocks_the_erasure_until_it_ends() {
    let s = scene().await;
    let request = ask(&s).await;
    let hold = json_body(
        s.app
            .post_json(
                "/api/v1/legal-holds",
                Some(&s.dpo),
                &json!({"person_id": s.person, "reason": "Tribunal claim ET/1234"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let hold = text(&hold, "id");
    let access = json_body(
        s.app
            .post_json(REQUESTS, Some(&s.token), &json!({"right": "access"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let access = text(&access, "id");
    let blocked = problem(
        decide(&s, &request, json!({"outcome": "fulfilled"})).await,
        StatusCode::CONFLICT,
    )
    .await;
    let detail = blocked["detail"].as_str().expect("a detail");
    assert!(
        detail.contains(&hold) && detail.contains(&access),
        "{detail}"
    );
    assert!(
        !detail.contains("ET/1234"),
        "a hold's reason is never repeated: {detail}"
    );
    let person = json_body(
        s.app
            .get(&format!("{PEOPLE}/{}", s.person), Some(&s.dpo))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(person["given_name"], GIVEN, "nothing erased while blocked");

    json_body(
        s.app
            .post_json(
                &format!("/api/v1/legal-holds/{hold}/release"),
                Some(&s.dpo),
                &json!({"reason": "Claim settled"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    json_body(
        decide(&s, &access, json!({"outcome": "fulfilled"})).await,
        StatusCode::OK,
    )
    .await;
    json_body(
        decide(&s, &request, json!({"outcome": "fulfilled"})).await,
        StatusCode::OK,
    )
    .await;
    let erasure = scrubbed(&s, &request).await;
    assert_eq!(erasure["erasures"].as_array().map(Vec::len), Some(1));
}

/// On PostgreSQL a scrub rewrites the tables erasures changed: while a retention sweep holds
/// its lease (erasing person after person, and scrubbing once at its end) the scrubber leaves
/// them be, and scrubs once the sweep is over. On SQLite a scrub is a checkpoint, taken anyway.
#[tokio::test]
async fn on_postgresql_the_scrub_waits_for_a_running_sweep_to_end() {
    let s = scene().await;
    let sqlite = is_sqlite(s.app.database_url());
    let expires = (chrono::Utc::now() + chrono::TimeDelta::minutes(10)).format("%Y-%m-%d %H:%M:%S");
    s.app.execute_sql(&format!(
        "INSERT INTO retention_sweep_leases (org_id, sweep_id, holder, expires_at) \
         SELECT id, '{}', 'another-server', '{expires}' FROM organisations WHERE slug = '{DEVON}'",
        uuid::Uuid::now_v7()
    ));
    let request = ask(&s).await;
    json_body(
        decide(&s, &request, json!({"outcome": "fulfilled"})).await,
        StatusCode::OK,
    )
    .await;
    if !sqlite {
        // Several of the scrubber's one-second ticks pass with the erasure unscrubbed.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let erasure = json_body(
            s.app.get(&erasure_path(&request), Some(&s.dpo)).await,
            StatusCode::OK,
        )
        .await;
        assert!(
            erasure["erasures"][0]["scrubbed_at"].is_null(),
            "not scrubbed under a running sweep: {erasure}"
        );
        s.app.execute_sql("DELETE FROM retention_sweep_leases");
    }
    scrubbed(&s, &request).await;
}
