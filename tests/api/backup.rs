//! `servicedesk backup` and `servicedesk restore`, run as the operator runs them: the binary,
//! against a server process on the suite's backend.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{ORG, PEOPLE, TestApp, TestDb, json_body, text};

const BINARY: &str = env!("CARGO_BIN_EXE_servicedesk-under-test");

/// `servicedesk ARGS` over the database at `url`.
fn servicedesk(url: &str, args: &[&std::ffi::OsStr]) -> Output {
    Command::new(BINARY)
        .args(args)
        .env("SERVICEDESK_DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

/// What a command said, both streams.
fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// `servicedesk backup FILE`, which must succeed.
fn back_up(url: &str, file: &Path) {
    let output = servicedesk(url, &["backup".as_ref(), file.as_os_str()]);
    assert!(output.status.success(), "backup: {}", said(&output));
    assert!(file.is_file(), "the backup was written");
}

/// `servicedesk restore FILE [ARGS]`, once every connection the killed server held is gone.
async fn restore(url: &str, file: &Path, args: &[&std::ffi::OsStr]) -> Output {
    let url = url.to_owned();
    let mut all: Vec<std::ffi::OsString> = vec!["restore".into(), file.into()];
    all.extend(args.iter().map(|a| a.to_os_string()));
    tokio::task::spawn_blocking(move || {
        wait_for_no_other_connections(&url);
        let args: Vec<&std::ffi::OsStr> = all.iter().map(|a| a.as_os_str()).collect();
        servicedesk(&url, &args)
    })
    .await
    .expect("the restore does not panic")
}

/// PostgreSQL ends a killed client's session a moment after the client is gone.
fn wait_for_no_other_connections(url: &str) {
    use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
    if !url.starts_with("postgres") {
        return;
    }
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = PgConnection::establish(url).expect("the database accepts connections");
    for _ in 0..100 {
        let others: Count = diesel::sql_query(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() \
             AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
        )
        .get_result(&mut conn)
        .expect("the sessions read");
        if others.n == 0 {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the killed server's sessions did not end");
}

/// A database on the suite's backend with a data directory for its server processes.
struct Desk {
    db: TestDb,
    data: tempfile::TempDir,
}

impl Desk {
    async fn new() -> Desk {
        let db = tokio::task::spawn_blocking(TestDb::create)
            .await
            .expect("a database");
        Desk {
            db,
            data: tempfile::tempdir().expect("a data directory"),
        }
    }

    /// A desk over the demo registers (the Cabinet Office's has its survey purpose on consent).
    async fn seeded() -> Desk {
        let desk = Desk::new().await;
        let url = desk.db.url.clone();
        tokio::task::spawn_blocking(move || {
            let db = persistence::Db::connect(&url, persistence::PoolSizes { read: 1 })
                .expect("the database opens");
            persistence::run_migrations(&db).expect("the migrations apply");
            api::demo::load(&db).expect("the demo registers load");
        })
        .await
        .expect("the seeding does not panic");
        desk
    }

    async fn serve(&self) -> TestApp {
        TestApp::process(&self.db.url, self.data.path()).await
    }

    fn file(&self, name: &str) -> PathBuf {
        self.data.path().join(name)
    }

    fn is_postgres(&self) -> bool {
        self.db.url.starts_with("postgres")
    }
}

/// The people of `ORG` by family name, as the API lists them.
async fn family_names(app: &TestApp) -> Vec<String> {
    let agent = app.token(ORG, &["agent"], "agent-1");
    let mut names: Vec<String> = app
        .list(PEOPLE, &agent, &[("limit", "500")])
        .await
        .iter()
        .filter_map(|p| p["family_name"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_to_what_it_copied() {
    let desk = Desk::new().await;
    let mut app = desk.serve().await;
    app.record_person(ORG, "E1", json!({"family_name": "Before"}))
        .await;
    let file = desk.file("desk.backup");
    back_up(&desk.db.url, &file);
    // A backup never overwrites another.
    let again = servicedesk(&desk.db.url, &["backup".as_ref(), file.as_os_str()]);
    assert!(!again.status.success());
    assert!(said(&again).contains("already exists"), "{}", said(&again));
    app.record_person(ORG, "E2", json!({"family_name": "After"}))
        .await;
    assert_eq!(family_names(&app).await, ["After", "Before"]);

    // Not while a server uses the database.
    let refused = servicedesk(&desk.db.url, &["restore".as_ref(), file.as_os_str()]);
    assert!(!refused.status.success());
    assert!(said(&refused).contains("in use"), "{}", said(&refused));
    assert_eq!(family_names(&app).await, ["After", "Before"]);

    app.kill();
    let restored = restore(&desk.db.url, &file, &[]).await;
    assert!(restored.status.success(), "restore: {}", said(&restored));
    let app = desk.serve().await;
    assert_eq!(family_names(&app).await, ["Before"]);
    // The restored desk takes writes as before.
    app.record_person(ORG, "E3", json!({"family_name": "Later"}))
        .await;
    assert_eq!(family_names(&app).await, ["Before", "Later"]);
}

#[tokio::test]
async fn a_missing_foreign_damaged_or_wrong_backend_file_is_refused_and_nothing_changes() {
    let desk = Desk::new().await;
    let mut app = desk.serve().await;
    app.record_person(ORG, "E1", json!({"family_name": "Kept"}))
        .await;
    let good = desk.file("desk.backup");
    back_up(&desk.db.url, &good);
    app.record_person(ORG, "E2", json!({"family_name": "Newer"}))
        .await;
    app.kill();

    // A backup of the other backend: a real one, of a SQLite database, or a pg_dump header.
    let other = desk.file("other.backup");
    if desk.is_postgres() {
        let sqlite = format!("sqlite://{}", desk.file("other.db").display());
        let migrated = servicedesk(&sqlite, &["migrate".as_ref()]);
        assert!(migrated.status.success(), "{}", said(&migrated));
        back_up(&sqlite, &other);
    } else {
        std::fs::write(&other, b"PGDMP\x01\x0e\x00\x04\x08\x01\x01").expect("written");
    }
    let junk = desk.file("junk.backup");
    std::fs::write(&junk, "not a backup at all\n".repeat(100)).expect("written");
    // Cut short: most of the file, its header whole.
    let bytes = std::fs::read(&good).expect("the backup reads");
    let cut = desk.file("cut.backup");
    std::fs::write(&cut, &bytes[..bytes.len() * 9 / 10]).expect("written");

    let expectations: [(&Path, &str); 4] = [
        (&desk.file("absent.backup"), "no such file"),
        (&junk, "not a servicedesk backup"),
        (&cut, "not a servicedesk backup"),
        (&other, "cannot be restored into a"),
    ];
    for (file, message) in expectations {
        let output = restore(&desk.db.url, file, &[]).await;
        assert!(!output.status.success(), "{} was restored", file.display());
        assert!(
            said(&output).contains(message),
            "{}: {}",
            file.display(),
            said(&output)
        );
    }
    let app = desk.serve().await;
    assert_eq!(family_names(&app).await, ["Kept", "Newer"]);
}

const REQUESTS: &str = "/api/v1/rights-requests";

/// What identifies the person the erasure tests erase; none of it may survive.
const IDENTIFIERS: [&str; 4] = [
    "Zebedee",
    "Quixotically",
    "zebedee.quixotically@example.org",
    "07700 900461",
];

/// Records the person to be erased and one to be left alone; returns their ids.
async fn two_people(app: &TestApp) -> (String, String) {
    let erased = app
        .record_person(
            ORG,
            "E-ERASED",
            json!({"given_name": IDENTIFIERS[0], "family_name": IDENTIFIERS[1],
                   "email": IDENTIFIERS[2], "phone": IDENTIFIERS[3]}),
        )
        .await;
    let kept = app
        .record_person(
            ORG,
            "E-KEPT",
            json!({"given_name": "Marjorie", "family_name": "Stays",
                   "email": "marjorie.stays@example.org"}),
        )
        .await;
    (erased, kept)
}

/// The DPO logs an erasure request about `person` and fulfils it.
async fn erase(app: &TestApp, person: &str) {
    let dpo = app.token(ORG, &["dpo"], "dpo-1");
    let received = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    let request = json_body(
        app.post_json(
            REQUESTS,
            Some(&dpo),
            &json!({"right": "erasure", "person_id": person, "channel": "letter",
                    "received_at": received}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let outcome = format!("{REQUESTS}/{}/outcome", text(&request, "id"));
    json_body(
        app.post_json(&outcome, Some(&dpo), &json!({"outcome": "fulfilled"}))
            .await,
        StatusCode::OK,
    )
    .await;
}

/// The person as the DPO reads them.
async fn person(app: &TestApp, id: &str) -> serde_json::Value {
    let dpo = app.token(ORG, &["dpo"], "dpo-1");
    json_body(
        app.get(&format!("{PEOPLE}/{id}"), Some(&dpo)).await,
        StatusCode::OK,
    )
    .await
}

/// The identifiers still stored in the database's files (its relation files on PostgreSQL).
fn traces(desk: &Desk, needles: &[&str]) -> Vec<String> {
    crate::erasure::in_files(&desk.db.url, needles)
        .into_iter()
        .map(|(needle, _)| needle)
        .collect()
}

/// The person is served with none of their identifiers, and none is stored anywhere.
async fn assert_erased(desk: &Desk, app: &TestApp, id: &str) {
    let shown = person(app, id).await.to_string();
    for identifier in IDENTIFIERS {
        assert!(
            !shown.contains(identifier),
            "{identifier} is served: {shown}"
        );
    }
    let found = crate::erasure::in_files(&desk.db.url, &IDENTIFIERS);
    assert!(
        found.is_empty(),
        "still stored: {found:?} in {:?}",
        relations(desk, &found)
    );
}

/// The PostgreSQL relations whose files are among `found`'s, by name.
fn relations(desk: &Desk, found: &[(String, Vec<String>)]) -> Vec<String> {
    use diesel::{Connection, QueryableByName, RunQueryDsl};
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        relname: String,
    }
    if !desk.is_postgres() {
        return Vec::new();
    }
    let mut conn = diesel::PgConnection::establish(&desk.db.url).expect("the database opens");
    found
        .iter()
        .flat_map(|(_, files)| files)
        .filter_map(|file| file.rsplit('/').next()?.parse::<i64>().ok())
        .flat_map(|node| {
            diesel::sql_query(format!(
                "SELECT relname::text AS relname FROM pg_class \
                 WHERE pg_relation_filenode(oid) = {node}"
            ))
            .load::<Name>(&mut conn)
            .unwrap_or_default()
        })
        .map(|n| n.relname)
        .collect()
}

async fn assert_intact(app: &TestApp, id: &str) {
    let kept = person(app, id).await;
    assert_eq!(kept["given_name"], "Marjorie", "{kept}");
    assert_eq!(kept["email"], "marjorie.stays@example.org", "{kept}");
}

#[tokio::test]
async fn a_restore_erases_again_whoever_was_erased_after_the_backup() {
    let desk = Desk::new().await;
    let mut app = desk.serve().await;
    let (erased, kept) = two_people(&app).await;
    let old = desk.file("before-erasure.backup");
    back_up(&desk.db.url, &old);
    assert_eq!(traces(&desk, &IDENTIFIERS).len(), IDENTIFIERS.len());
    erase(&app, &erased).await;
    app.kill();

    let restored = restore(&desk.db.url, &old, &[]).await;
    assert!(restored.status.success(), "restore: {}", said(&restored));
    assert!(
        said(&restored).contains("1 erasure(s) carried out again"),
        "{}",
        said(&restored)
    );
    let mut app = desk.serve().await;
    assert_erased(&desk, &app, &erased).await;
    assert_intact(&app, &kept).await;
    // The backup's trail never saw the erasure: the replay is in it as one.
    let auditor = app.token(ORG, &["auditor"], "auditor-1");
    let events = app
        .list("/api/v1/audit-events", &auditor, &[("limit", "500")])
        .await;
    let erasures = events
        .iter()
        .filter(|e| e["operation"] == "erase" && e["record_id"] == erased.as_str())
        .count();
    assert_eq!(erasures, 1, "{events:#?}");
    app.kill();

    // The same old backup again: the erasure and its replay are both in the live ledger now;
    // the person is erased once more and the replay only put back.
    let again = restore(&desk.db.url, &old, &[]).await;
    assert!(again.status.success(), "restore: {}", said(&again));
    assert!(
        said(&again).contains("1 erasure(s) carried out again")
            && said(&again).contains("1 earlier replay(s) put back"),
        "{}",
        said(&again)
    );
    let app = desk.serve().await;
    assert_erased(&desk, &app, &erased).await;
    assert_intact(&app, &kept).await;
}

#[tokio::test]
async fn a_kept_ledger_export_replays_the_erasures_of_a_lost_database() {
    let desk = Desk::new().await;
    let mut app = desk.serve().await;
    let (erased, kept) = two_people(&app).await;
    let old = desk.file("before-erasure.backup");
    back_up(&desk.db.url, &old);
    erase(&app, &erased).await;
    let ledger = desk.file("erasure-ledger.json");
    let exported = servicedesk(
        &desk.db.url,
        &[
            "erasure-ledger".as_ref(),
            "export".as_ref(),
            ledger.as_os_str(),
        ],
    );
    assert!(exported.status.success(), "{}", said(&exported));
    assert!(
        said(&exported).contains("1 erasure(s)"),
        "{}",
        said(&exported)
    );
    let export = std::fs::read_to_string(&ledger).expect("the export reads");
    for identifier in IDENTIFIERS {
        assert!(
            !export.contains(identifier),
            "the ledger holds {identifier}"
        );
    }
    app.kill();
    lose(&desk).await;

    // A ledger file that is not one stops the restore before anything changes.
    let junk = desk.file("junk.json");
    std::fs::write(&junk, "{}").expect("written");
    let refused = restore(&desk.db.url, &old, &["--ledger".as_ref(), junk.as_os_str()]).await;
    assert!(!refused.status.success());
    assert!(
        said(&refused).contains("not an erasure ledger export"),
        "{}",
        said(&refused)
    );

    let restored = restore(
        &desk.db.url,
        &old,
        &["--ledger".as_ref(), ledger.as_os_str()],
    )
    .await;
    assert!(restored.status.success(), "restore: {}", said(&restored));
    let app = desk.serve().await;
    assert_erased(&desk, &app, &erased).await;
    assert_intact(&app, &kept).await;
}

/// The live database is lost: SQLite's file removed, PostgreSQL's schema emptied.
async fn lose(desk: &Desk) {
    let url = desk.db.url.clone();
    tokio::task::spawn_blocking(move || {
        if url.starts_with("postgres") {
            use diesel::Connection;
            use diesel::connection::SimpleConnection;
            wait_for_no_other_connections(&url);
            let mut conn = diesel::PgConnection::establish(&url).expect("the database opens");
            conn.batch_execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
                .expect("the schema is emptied");
        } else {
            let path = url.trim_start_matches("sqlite://");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
    })
    .await
    .expect("the loss does not panic");
}

#[tokio::test]
async fn a_backup_of_an_older_schema_is_migrated_and_its_erasures_carried_over() {
    let desk = Desk::new().await;
    let url = desk.db.url.clone();
    tokio::task::spawn_blocking(move || {
        let db = persistence::Db::connect(&url, persistence::PoolSizes { read: 1 })
            .expect("the database opens");
        // The schema before the erasure ledger.
        persistence::run_migrations_through(&db, "2026-12-02-000015").expect("up to 000015");
    })
    .await
    .expect("the migrations do not panic");
    let old = desk.file("older-schema.backup");
    back_up(&desk.db.url, &old);

    let mut app = desk.serve().await;
    let (erased, _) = two_people(&app).await;
    erase(&app, &erased).await;
    app.kill();
    let restored = restore(&desk.db.url, &old, &[]).await;
    assert!(restored.status.success(), "restore: {}", said(&restored));
    let said = said(&restored);
    assert!(!said.contains(" 0 migration(s) applied"), "{said}");
    // The backup never held the person: nothing to erase, the entry kept.
    assert!(
        said.contains("0 erasure(s) carried out again, 1 of people the backup does not hold"),
        "{said}"
    );
    let app = desk.serve().await;
    let agent = app.token(ORG, &["agent"], "agent-1");
    let gone = app.get(&format!("{PEOPLE}/{erased}"), Some(&agent)).await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    assert!(traces(&desk, &IDENTIFIERS).is_empty());
}

/// How many updates of the consent the audit trail of `org` holds.
async fn consent_updates(app: &TestApp, org: &str, consent: &str) -> usize {
    let auditor = app.token(org, &["auditor"], "auditor-1");
    app.list(
        "/api/v1/audit-events",
        &auditor,
        &[
            ("record_kind", "consent"),
            ("operation", "update"),
            ("limit", "500"),
        ],
    )
    .await
    .iter()
    .filter(|e| e["record_id"] == consent)
    .count()
}

/// `needles` still in the database's files once every entry of its erasure ledger is scrubbed
/// (by the restore, or else by the server's scrubber; a bound against a hang).
async fn traces_once_scrubbed(desk: &Desk, needles: &[&str]) -> Vec<String> {
    let url = desk.db.url.clone();
    let db = tokio::task::spawn_blocking(move || {
        persistence::Db::connect(&url, persistence::PoolSizes { read: 1 })
            .expect("the database opens")
    })
    .await
    .expect("the connection does not panic");
    for _ in 0..200 {
        let db = db.clone();
        let pending = tokio::task::spawn_blocking(move || {
            let mut conn = db.read().expect("a reader");
            persistence::erasure::unscrubbed(&mut conn).expect("the ledger reads")
        })
        .await
        .expect("the read does not panic");
        if pending == 0 {
            return traces(desk, needles);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the ledger was not scrubbed within 20 s");
}

#[tokio::test]
async fn a_restore_withdraws_again_whatever_consent_was_withdrawn_after_the_backup() {
    use crate::surveys::{CO, Desk as Surveys, TEAM, survey_path};
    const COMMENT: &str = "Marvellously-quick-printer-fix-9120";

    let desk = Desk::seeded().await;
    let surveys = Surveys::on(desk.serve().await).await;
    let (token, ticket, answered) = surveys.answered_saying("surveyed", TEAM, 4, COMMENT).await;
    // A consent nothing was given on, and one left standing.
    let bare = text(&surveys.give_consent(&token).await, "id");
    let standing = text(&surveys.give_consent(&token).await, "id");
    let old = desk.file("before-withdrawal.backup");
    back_up(&desk.db.url, &old);
    assert_eq!(traces(&desk, &[COMMENT]), [COMMENT], "the search sees it");

    let mut withdrawn_at = Vec::new();
    for consent in [&answered, &bare] {
        let withdrawn = json_body(
            surveys.withdraw(consent, Some(&token)).await,
            StatusCode::OK,
        )
        .await;
        withdrawn_at.push(withdrawn["withdrawn_at"].clone());
    }
    let mut app = surveys.app;
    app.kill();

    let restored = restore(&desk.db.url, &old, &[]).await;
    assert!(restored.status.success(), "restore: {}", said(&restored));
    assert!(
        said(&restored).contains("2 consent withdrawal(s) carried out again"),
        "{}",
        said(&restored)
    );
    let app = desk.serve().await;
    // Withdrawn as when the person withdrew them, not when the restore ran; the other stands.
    let consents = app.list("/api/v1/consents", &token, &[]).await;
    let withdrawn_at_of = |id: &str| {
        consents
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["withdrawn_at"].clone())
            .unwrap_or_else(|| panic!("{id} in {consents:?}"))
    };
    assert_eq!(withdrawn_at_of(&answered), withdrawn_at[0]);
    assert_eq!(withdrawn_at_of(&bare), withdrawn_at[1]);
    assert_eq!(withdrawn_at_of(&standing), serde_json::Value::Null);
    let answer = json_body(
        app.get(&survey_path(&ticket), Some(&token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(answer["rating"], serde_json::Value::Null, "{answer}");
    assert_eq!(answer["comment"], serde_json::Value::Null, "{answer}");
    assert_eq!(answer["withdrawn_at"], withdrawn_at[0], "{answer}");
    // The backup's trail never saw the withdrawals: the replays are in it, once each.
    for consent in [&answered, &bare] {
        assert_eq!(consent_updates(&app, CO, consent).await, 1, "{consent}");
    }
    assert_eq!(consent_updates(&app, CO, &standing).await, 0);
    // The comment the backup held is in none of the database's files once scrubbed.
    assert!(traces_once_scrubbed(&desk, &[COMMENT]).await.is_empty());
}
