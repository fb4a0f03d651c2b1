//! The audit trail: writes of tickets and people commit with their events, reads answer only
//! once theirs are durable, people appear as pseudonyms the DPO can still search by, the
//! database refuses to change events, and the chain, its checkpoints and an export check out
//! (or name the first fault), online and offline.

use diesel::Connection;
use diesel::connection::SimpleConnection;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, LINK, RETRY_AFTER};
use serde_json::{Value, json};

use crate::helpers::*;

const EVENTS: &str = "/api/v1/audit-events";
const VERIFY: &str = "/api/v1/audit-events/verify";
const EXPORT: &str = "/api/v1/audit-events/export";
const CHECKPOINTS: &str = "/api/v1/audit-events/checkpoints";

fn on_postgres() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|url| !url.trim().is_empty())
}

/// Runs SQL straight on the server's database, as someone with access to it would.
async fn sql(app: &TestApp, statements: &str) -> Result<(), String> {
    let url = app.database_url().to_owned();
    let statements = statements.to_owned();
    tokio::task::spawn_blocking(move || {
        if url.starts_with("postgres") {
            let mut conn = diesel::PgConnection::establish(&url).map_err(|e| e.to_string())?;
            conn.batch_execute(&statements).map_err(|e| e.to_string())
        } else {
            let path = url.trim_start_matches("sqlite://");
            let mut conn = diesel::SqliteConnection::establish(path).map_err(|e| e.to_string())?;
            conn.batch_execute(&format!("PRAGMA busy_timeout = 5000; {statements}"))
                .map_err(|e| e.to_string())
        }
    })
    .await
    .expect("the SQL task does not panic")
}

struct Desk {
    app: TestApp,
    agent: String,
    integrator: String,
    dpo: String,
    auditor: String,
}

async fn desk_with(app: TestApp) -> Desk {
    Desk {
        agent: app.token(ORG, &["agent"], "agent-1"),
        integrator: app.token(ORG, &["integrator"], "hr-system"),
        dpo: app.token(ORG, &["dpo"], "dpo-1"),
        auditor: app.token(ORG, &["auditor"], "auditor-1"),
        app,
    }
}

async fn desk() -> Desk {
    desk_with(spawn_app().await).await
}

fn staff(external_id: &str) -> Value {
    json!({
        "kind": "staff",
        "external_id": external_id,
        "given_name": "Jo",
        "family_name": "Bloggs",
    })
}

fn is_pseudonym(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| s.len() == 64 && s.chars().all(|c| c.is_ascii_hexdigit()))
}

impl Desk {
    /// Every event the DPO sees with `query`, newest first.
    async fn events(&self, query: &[(&str, &str)]) -> Vec<Value> {
        let mut query = query.to_vec();
        query.push(("limit", "500"));
        self.app.list(EVENTS, &self.dpo, &query).await
    }

    /// A ticket raised by the agent for `requester`; returns its id.
    async fn ticket_for(&self, requester: &str) -> String {
        let body = json!({
            "kind": "incident",
            "category": "it_system",
            "title": "Laptop will not boot",
            "requester": requester,
        });
        text(&self.app.create_ticket(&self.agent, &body).await, "id")
    }

    async fn person(&self, external_id: &str) -> String {
        let response = self
            .app
            .post_json(PEOPLE, Some(&self.integrator), &staff(external_id))
            .await;
        text(&json_body(response, StatusCode::CREATED).await, "id")
    }

    async fn verify(&self) -> Value {
        json_body(
            self.app.get(VERIFY, Some(&self.auditor)).await,
            StatusCode::OK,
        )
        .await
    }
}

/// (operation, record_kind, record_id) of each event.
fn what(events: &[Value]) -> Vec<(String, String, String)> {
    events
        .iter()
        .map(|e| {
            (
                text(e, "operation"),
                text(e, "record_kind"),
                e["record_id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn has(events: &[Value], operation: &str, kind: &str, id: &str) -> bool {
    what(events)
        .iter()
        .any(|(o, k, i)| o == operation && k == kind && i == id)
}

#[tokio::test]
async fn writes_and_reads_of_tickets_and_people_are_recorded_as_pseudonyms() {
    let d = desk().await;
    let ticket = d.ticket_for("staff-1").await;
    d.app
        .update_ticket(&d.agent, &ticket, &json!({"status": "open"}))
        .await;
    let comment = d
        .app
        .post_json(
            &comments_path(&ticket),
            Some(&d.agent),
            &json!({"body": "Looking into it"}),
        )
        .await;
    let comment = text(&json_body(comment, StatusCode::CREATED).await, "id");
    let person = d.person("E100").await;
    let patched = d
        .app
        .patch_json(
            &format!("{PEOPLE}/{person}"),
            Some(&d.integrator),
            &json!({"given_name": "Joanne"}),
        )
        .await;
    assert_eq!(patched.status(), StatusCode::OK);
    d.app.ticket(&d.agent, &ticket).await;
    d.app.list(TICKETS, &d.agent, &[]).await;
    let read = d
        .app
        .get(&format!("{PEOPLE}/{person}"), Some(&d.agent))
        .await;
    assert_eq!(read.status(), StatusCode::OK);
    d.app.list(PEOPLE, &d.agent, &[]).await;
    d.app.list(&comments_path(&ticket), &d.agent, &[]).await;

    let events = d.events(&[]).await;
    for (operation, kind, id) in [
        ("create", "ticket", &ticket),
        ("update", "ticket", &ticket),
        ("create", "ticket_comment", &comment),
        ("create", "person", &person),
        ("update", "person", &person),
        ("read", "ticket", &ticket),
        ("list", "ticket", &ticket),
        ("read", "person", &person),
        ("list", "person", &person),
        ("list", "ticket_comment", &comment),
    ] {
        assert!(
            has(&events, operation, kind, id),
            "no {operation} {kind} event in {:?}",
            what(&events)
        );
    }
    let body = serde_json::to_string(&events).expect("events serialise");
    for plain in ["staff-1", "agent-1", "hr-system", "E100", "Jo"] {
        assert!(!body.contains(plain), "{plain} appears in the trail");
    }
    for event in &events {
        assert!(is_pseudonym(&event["actor"]), "{event}");
        assert!(is_pseudonym(&event["subject"]), "{event}");
        assert!(is_pseudonym(&event["hash"]), "{event}");
    }
    // Newest first, numbered from 1 without a gap.
    let mut seqs: Vec<i64> = events
        .iter()
        .map(|e| e["seq"].as_i64().expect("seq"))
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "{seqs:?}");
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>());
    // The same actor and the same subject under the same pseudonym.
    let by_agent: Vec<&Value> = events
        .iter()
        .filter(|e| text(e, "record_id") == ticket && text(e, "operation") == "create")
        .collect();
    let read = events
        .iter()
        .find(|e| text(e, "record_id") == ticket && text(e, "operation") == "read")
        .expect("the read");
    assert_eq!(by_agent[0]["actor"], read["actor"]);
    assert_eq!(by_agent[0]["subject"], read["subject"]);

    let verified = d.verify().await;
    assert_eq!(verified["ok"], true, "{verified}");
    assert_eq!(verified["events"], events.len());
}

#[tokio::test]
async fn a_refused_write_leaves_no_event_and_a_missing_record_no_read() {
    let d = desk().await;
    let ticket = d.ticket_for("staff-1").await;
    let stale = d
        .app
        .patch_if_match(
            &d.agent,
            &ticket_path(&ticket),
            "\"9\"",
            &json!({"title": "x"}),
        )
        .await;
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    let missing = d
        .app
        .get(
            &ticket_path("01920000-0000-7000-8000-000000000001"),
            Some(&d.agent),
        )
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let events = d.events(&[]).await;
    assert_eq!(what(&events), [("create".into(), "ticket".into(), ticket)]);
}

#[tokio::test]
async fn the_dpo_finds_a_persons_events_by_the_identity_they_know() {
    let d = desk().await;
    let person = d.person("E100").await;
    let theirs = d.ticket_for("E100").await;
    let other = d.ticket_for("E200").await;
    let e100 = d.app.token(ORG, &["requester"], "E100");
    d.app.ticket(&e100, &theirs).await;

    // By token subject: the tickets about them, and their own record by its external id.
    let about = d.events(&[("subject", "E100")]).await;
    assert!(has(&about, "create", "ticket", &theirs));
    assert!(has(&about, "create", "person", &person));
    assert!(!has(&about, "create", "ticket", &other));
    // By person id: the same.
    let by_id = d.events(&[("subject", &person)]).await;
    assert_eq!(what(&by_id), what(&about));
    // What they did themselves.
    let done = d.events(&[("actor", "E100")]).await;
    assert_eq!(
        what(&done),
        [("read".into(), "ticket".into(), theirs.clone())]
    );
    let by_agent = d
        .events(&[("actor", "agent-1"), ("operation", "create")])
        .await;
    assert_eq!(by_agent.len(), 2);
    // Nobody the trail knows.
    assert!(d.events(&[("subject", "nobody")]).await.is_empty());
    // Kinds and times narrow too.
    assert_eq!(d.events(&[("record_kind", "person")]).await.len(), 1);
    assert!(d.events(&[("to", "2000-01-01T00:00:00Z")]).await.is_empty());
    assert_eq!(d.events(&[("from", "2000-01-01T00:00:00Z")]).await.len(), 4);

    // Linking events to a person is the DPO's, not an auditor's.
    let refused = d
        .app
        .get(&format!("{EVENTS}?subject=E100"), Some(&d.auditor))
        .await;
    problem(refused, StatusCode::FORBIDDEN).await;
    let auditor_list = d.app.list(EVENTS, &d.auditor, &[]).await;
    assert_eq!(auditor_list.len(), 4);
}

#[tokio::test]
async fn a_persons_events_are_found_whole_before_and_after_they_are_filed_by_subject() {
    let d = desk().await;
    let e100 = d.app.token(ORG, &["requester"], "E100");
    let expect = |count: usize| {
        let d = &d;
        async move {
            // The truth: every event, unfiltered, whose subject is E100's pseudonym.
            let all = d.events(&[]).await;
            let about = d.events(&[("subject", "E100")]).await;
            let pseudonym = about[0]["subject"].clone();
            let truth: Vec<&Value> = all.iter().filter(|e| e["subject"] == pseudonym).collect();
            assert_eq!(about.len(), count);
            assert_eq!(about.iter().collect::<Vec<_>>(), truth);
            for limit in [1, 3] {
                let paged: Vec<Value> = d
                    .app
                    .list_all(&format!("{EVENTS}?subject=E100"), &d.dpo, limit)
                    .await
                    .concat();
                assert_eq!(paged, about, "pages of {limit}");
            }
        }
    };
    for round in 0..3 {
        for n in 0..2 {
            let ticket = d.ticket_for("E100").await;
            d.ticket_for(&format!("staff-{round}{n}")).await;
            d.app.ticket(&e100, &ticket).await;
        }
        // Two creates and two reads a round.
        expect(4 * (round + 1)).await;
        d.app.file_audit_events_by_subject().await;
        expect(4 * (round + 1)).await;
    }
}

#[tokio::test]
async fn listing_audit_events_checks_token_role_organisation_and_parameters() {
    let d = desk().await;
    d.ticket_for("staff-1").await;
    for path in [EVENTS, VERIFY, EXPORT] {
        problem(d.app.get(path, None).await, StatusCode::UNAUTHORIZED).await;
        problem(d.app.get(path, Some(&d.agent)).await, StatusCode::FORBIDDEN).await;
    }
    problem(
        d.app.post_json(CHECKPOINTS, None, &json!({})).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    problem(
        d.app
            .post_json(CHECKPOINTS, Some(&d.agent), &json!({}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    for (query, field) in [
        ("from=yesterday", "from"),
        ("to=2026-13-01", "to"),
        ("operation=peek", "operation"),
        ("record_kind=diary", "record_kind"),
        ("format=xml", "format"),
        ("limit=0", "limit"),
        ("cursor=abc", "cursor"),
    ] {
        let response = d.app.get(&format!("{EVENTS}?{query}"), Some(&d.dpo)).await;
        problem_naming(response, StatusCode::BAD_REQUEST, field).await;
    }
    let long = "x".repeat(201);
    let response = d
        .app
        .get(&format!("{EVENTS}?subject={long}"), Some(&d.dpo))
        .await;
    problem_naming(response, StatusCode::BAD_REQUEST, "subject").await;
    let long = "x".repeat(101);
    let response = d
        .app
        .get(&format!("{EVENTS}?record_id={long}"), Some(&d.auditor))
        .await;
    problem_naming(response, StatusCode::BAD_REQUEST, "record_id").await;

    // Another organisation's DPO and auditor see their own trail: empty.
    let dpo = d.app.token(OTHER_ORG, &["dpo"], "dpo-1");
    assert!(d.app.list(EVENTS, &dpo, &[]).await.is_empty());
    assert!(
        d.app
            .list(EVENTS, &dpo, &[("subject", "staff-1")])
            .await
            .is_empty()
    );
    let auditor = d.app.token(OTHER_ORG, &["auditor"], "auditor-1");
    let verified = json_body(d.app.get(VERIFY, Some(&auditor)).await, StatusCode::OK).await;
    assert_eq!(
        (verified["ok"].clone(), verified["events"].clone()),
        (json!(true), json!(0))
    );
    let export = json_body(d.app.get(EXPORT, Some(&auditor)).await, StatusCode::OK).await;
    assert_eq!(export["events"], json!([]));
    assert_eq!(export["head"], Value::Null);
    let none = d
        .app
        .post_json(CHECKPOINTS, Some(&auditor), &json!({}))
        .await;
    problem(none, StatusCode::CONFLICT).await;
}

#[tokio::test]
async fn one_records_events_are_found_by_its_id_with_the_other_filters() {
    let d = desk().await;
    let first = d.person("E100").await;
    let second = d.person("E200").await;
    for id in [&first, &first, &second] {
        let response = d.app.get(&format!("{PEOPLE}/{id}"), Some(&d.agent)).await;
        json_body(response, StatusCode::OK).await;
    }
    // A ticket about E100: an event about them, of another record.
    let ticket = d.ticket_for("E100").await;
    assert_eq!(d.events(&[]).await.len(), 6);

    let person = |id: &str, operations: &[&str]| -> Vec<(String, String, String)> {
        operations
            .iter()
            .map(|o| ((*o).to_owned(), "person".to_owned(), id.to_owned()))
            .collect()
    };
    let mine = d.events(&[("record_id", &first)]).await;
    assert_eq!(what(&mine), person(&first, &["read", "read", "create"]));
    let theirs = d.events(&[("record_id", &second)]).await;
    assert_eq!(what(&theirs), person(&second, &["read", "create"]));
    assert_eq!(
        what(&d.events(&[("record_id", &ticket)]).await),
        [("create".into(), "ticket".into(), ticket.clone())]
    );
    assert!(d.events(&[("record_id", "INC-000999")]).await.is_empty());

    // Each other filter given narrows it further.
    let reads = d
        .events(&[("record_id", &first), ("operation", "read")])
        .await;
    assert_eq!(what(&reads), person(&first, &["read", "read"]));
    let by_hr = d
        .events(&[("record_id", &first), ("actor", "hr-system")])
        .await;
    assert_eq!(what(&by_hr), person(&first, &["create"]));
    assert!(
        d.events(&[("record_id", &first), ("record_kind", "ticket")])
            .await
            .is_empty()
    );
    assert!(
        d.events(&[("record_id", &first), ("to", "2000-01-01T00:00:00Z")])
            .await
            .is_empty()
    );
    // With a subject: found whole whether the subject's events are filed yet or not.
    for filed in [false, true] {
        if filed {
            d.app.file_audit_events_by_subject().await;
        }
        let about = d
            .events(&[("subject", "E100"), ("record_id", &first)])
            .await;
        assert_eq!(about, mine, "filed: {filed}");
        assert!(
            d.events(&[("subject", "E200"), ("record_id", &first)])
                .await
                .is_empty()
        );
    }

    // Record ids are in every event an auditor reads: the auditor narrows by them too, a page
    // at a time, as JSON or CSV.
    let pages = d
        .app
        .list_all(&format!("{EVENTS}?record_id={first}"), &d.auditor, 1)
        .await;
    assert_eq!(pages.concat(), mine);
    let csv = d
        .app
        .get(
            &format!("{EVENTS}?format=csv&record_id={second}"),
            Some(&d.auditor),
        )
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    let body = csv.text().await.expect("a body");
    let rows: Vec<Vec<&str>> = body
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 2, "{body}");
    assert!(rows.iter().all(|r| r[6] == second), "{body}");
}

#[tokio::test]
async fn events_page_by_cursor_and_come_as_csv() {
    let d = desk().await;
    for n in 0..5 {
        d.ticket_for(&format!("staff-{n}")).await;
    }
    let pages = d.app.list_all(EVENTS, &d.auditor, 2).await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 1]);

    let csv = d
        .app
        .get(&format!("{EVENTS}?format=csv&limit=3"), Some(&d.auditor))
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(content_type(&csv).starts_with("text/csv"));
    let link = header_of(&csv, LINK);
    assert!(
        link.contains("cursor=") && link.contains("rel=\"next\""),
        "{link}"
    );
    assert!(
        link.contains("format=csv") && link.contains("limit=3"),
        "{link}"
    );
    let body = csv.text().await.expect("a body");
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(
        lines[0],
        "seq,id,at,actor,operation,record_kind,record_id,subject,prev_hash,hash"
    );
    assert_eq!(lines.len(), 4);
    assert!(lines[1].starts_with("5,"), "{}", lines[1]);

    let accepted = send(
        d.app
            .request(reqwest::Method::GET, EVENTS, Some(&d.auditor))
            .header(ACCEPT, "text/csv"),
    )
    .await;
    assert!(content_type(&accepted).starts_with("text/csv"));
    let last = d
        .app
        .get(&format!("{EVENTS}?format=csv"), Some(&d.auditor))
        .await;
    assert!(last.headers().get(LINK).is_none());
}

#[tokio::test]
async fn concurrent_reads_each_answer_after_their_event_is_committed() {
    let d = desk().await;
    let ticket = d.ticket_for("staff-1").await;
    let reads: Vec<_> = (0..40)
        .map(|_| {
            let request =
                d.app
                    .request(reqwest::Method::GET, &ticket_path(&ticket), Some(&d.agent));
            tokio::spawn(send(request))
        })
        .collect();
    for read in reads {
        assert_eq!(read.await.expect("a read").status(), StatusCode::OK);
    }
    // Every answered read is already in the trail: nothing waits to be written.
    let events = d.events(&[("operation", "read")]).await;
    assert_eq!(events.len(), 40);
    assert_eq!(d.verify().await["ok"], true);
}

#[tokio::test]
async fn with_reads_off_only_changes_are_recorded() {
    let d = desk_with(TestApp::builder().audit_reads(false).spawn().await).await;
    let ticket = d.ticket_for("staff-1").await;
    d.app.ticket(&d.agent, &ticket).await;
    d.app.list(TICKETS, &d.agent, &[]).await;
    let events = d.events(&[]).await;
    assert_eq!(what(&events), [("create".into(), "ticket".into(), ticket)]);
}

#[tokio::test]
async fn a_change_or_read_whose_event_cannot_be_stored_is_not_answered_as_done() {
    let d = desk().await;
    let ticket = d.ticket_for("staff-1").await;
    let refuse = if on_postgres() {
        "CREATE FUNCTION refuse_event() RETURNS trigger AS $$ BEGIN \
         RAISE EXCEPTION 'no room for events'; END; $$ LANGUAGE plpgsql; \
         CREATE TRIGGER refuse_event BEFORE INSERT ON audit_events \
         FOR EACH ROW EXECUTE FUNCTION refuse_event();"
    } else {
        "CREATE TRIGGER refuse_event BEFORE INSERT ON audit_events \
         BEGIN SELECT RAISE(ABORT, 'no room for events'); END;"
    };
    sql(&d.app, refuse).await.expect("the trigger is added");

    let read = d.app.get(&ticket_path(&ticket), Some(&d.agent)).await;
    assert!(read.headers().contains_key(RETRY_AFTER));
    problem(read, StatusCode::SERVICE_UNAVAILABLE).await;
    let list = d.app.get(TICKETS, Some(&d.agent)).await;
    problem(list, StatusCode::SERVICE_UNAVAILABLE).await;
    let write = d
        .app
        .post_json(TICKETS, Some(&d.agent), &incident("Not kept"))
        .await;
    assert!(!write.status().is_success(), "{}", write.status());
    let change = d
        .app
        .patch_json(
            &ticket_path(&ticket),
            Some(&d.agent),
            &json!({"title": "Not kept"}),
        )
        .await;
    assert!(!change.status().is_success(), "{}", change.status());

    let lift = if on_postgres() {
        "DROP TRIGGER refuse_event ON audit_events;"
    } else {
        "DROP TRIGGER refuse_event;"
    };
    sql(&d.app, lift).await.expect("the trigger is dropped");
    // Neither change was kept without its event.
    let tickets = d.app.list(TICKETS, &d.agent, &[]).await;
    assert_eq!(ids(&tickets), [ticket]);
    assert_eq!(text(&tickets[0], "title"), "Laptop will not boot");
    assert_eq!(d.verify().await["ok"], true);
}

#[tokio::test]
async fn the_database_refuses_to_change_or_remove_events() {
    let d = desk().await;
    d.ticket_for("staff-1").await;
    d.app
        .post_json(CHECKPOINTS, Some(&d.auditor), &json!({}))
        .await;
    for statement in [
        "UPDATE audit_events SET record_id = 'forged'",
        "DELETE FROM audit_events",
        "UPDATE audit_checkpoints SET hash = 'forged'",
        "DELETE FROM audit_checkpoints",
    ] {
        let refused = sql(&d.app, statement).await;
        let error = refused.expect_err(statement);
        assert!(error.contains("append-only"), "{statement}: {error}");
    }
    if on_postgres() {
        let error = sql(&d.app, "TRUNCATE audit_events CASCADE")
            .await
            .expect_err("TRUNCATE");
        assert!(error.contains("append-only"), "{error}");
    }
    assert_eq!(d.events(&[]).await.len(), 1);
    assert_eq!(d.verify().await["ok"], true);
}

/// Lets the test alter events, as someone with the database's owner rights could.
async fn lift_append_only(app: &TestApp) {
    let statements = if on_postgres() {
        "ALTER TABLE audit_events DISABLE TRIGGER USER; \
         ALTER TABLE audit_checkpoints DISABLE TRIGGER USER;"
    } else {
        "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;"
    };
    sql(app, statements).await.expect("the triggers are lifted");
}

#[tokio::test]
async fn verify_names_the_first_altered_or_removed_event() {
    let d = desk().await;
    for n in 0..4 {
        d.ticket_for(&format!("staff-{n}")).await;
    }
    let intact = d.verify().await;
    assert_eq!(intact["ok"], true, "{intact}");
    assert_eq!(intact["events"], 4);
    assert!(intact["broken"].is_null());

    lift_append_only(&d.app).await;
    sql(
        &d.app,
        "UPDATE audit_events SET record_id = 'forged' WHERE seq = 2",
    )
    .await
    .expect("altered");
    let altered = d.verify().await;
    assert_eq!(altered["ok"], false, "{altered}");
    assert_eq!(altered["broken"]["seq"], 2, "{altered}");
    assert!(text(&altered["broken"], "reason").contains("altered"));

    sql(&d.app, "DELETE FROM audit_events WHERE seq >= 2")
        .await
        .expect("removed");
    let cut = d.verify().await;
    assert_eq!(cut["ok"], false, "{cut}");
    assert!(text(&cut["broken"], "reason").contains("removed"), "{cut}");
}

/// Runs `servicedesk audit verify` on `export` (and `kept`); returns success and what it said.
fn verify_offline(export: &Value, kept: Option<&Value>) -> (bool, String) {
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("export.json");
    std::fs::write(&file, export.to_string()).expect("written");
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_servicedesk-under-test"));
    command.args(["audit", "verify", "--from"]).arg(&file);
    if let Some(kept) = kept {
        let kept_file = dir.path().join("kept.json");
        std::fs::write(&kept_file, kept.to_string()).expect("written");
        command.arg("--kept").arg(kept_file);
    }
    let output = command.output().expect("the binary runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), said)
}

#[tokio::test]
async fn an_export_checks_out_offline_and_extends_a_kept_checkpoint() {
    let d = desk().await;
    let ticket = d.ticket_for("staff-1").await;
    d.app.ticket(&d.agent, &ticket).await;
    let checkpoint = d
        .app
        .post_json(CHECKPOINTS, Some(&d.auditor), &json!({}))
        .await;
    let checkpoint = json_body(checkpoint, StatusCode::CREATED).await;
    assert_eq!(checkpoint["seq"], 2);
    // Asked again at the same end, the same checkpoint.
    let again = d.app.post_json(CHECKPOINTS, Some(&d.dpo), &json!({})).await;
    assert_eq!(json_body(again, StatusCode::CREATED).await, checkpoint);
    d.ticket_for("staff-2").await;

    let export = json_body(d.app.get(EXPORT, Some(&d.auditor)).await, StatusCode::OK).await;
    assert_eq!(export["organisation"], ORG);
    assert_eq!(export["events"].as_array().map(Vec::len), Some(3));
    assert_eq!(export["checkpoints"], json!([checkpoint]));
    assert_eq!(export["head"]["seq"], 3);
    assert!(export["public_key"].as_str().is_some_and(|k| k.len() == 64));
    let (ok, said) = verify_offline(&export, Some(&checkpoint));
    assert!(ok, "{said}");
    assert!(said.contains("ok: 3 events"), "{said}");

    // Any field changed is found, and named.
    let mut altered = export.clone();
    altered["events"][1]["record_id"] = json!("another");
    let (ok, said) = verify_offline(&altered, None);
    assert!(!ok && said.contains("broken at position 2"), "{said}");
    // A dropped event too.
    let mut gap = export.clone();
    gap["events"].as_array_mut().expect("events").remove(0);
    let (ok, said) = verify_offline(&gap, None);
    assert!(!ok && said.contains("position 1"), "{said}");
    // A kept checkpoint that is not as it was signed is refused.
    let mut forged = checkpoint.clone();
    forged["hash"] = json!("00".repeat(32));
    let (ok, said) = verify_offline(&export, Some(&forged));
    assert!(!ok && said.contains("signature"), "{said}");

    // A later export extends the head kept from this one.
    let kept = export["head"].clone();
    d.ticket_for("staff-3").await;
    let later = json_body(d.app.get(EXPORT, Some(&d.dpo)).await, StatusCode::OK).await;
    let (ok, said) = verify_offline(&later, Some(&kept));
    assert!(ok, "{said}");
}

/// The id of a created resource (201), from its body.
async fn created_id(response: reqwest::Response) -> String {
    text(&json_body(response, StatusCode::CREATED).await, "id")
}

#[tokio::test]
async fn accounts_assignments_consents_surveys_hr_and_scim_are_recorded_too() {
    const CO: &str = "cabinet-office";
    let app = spawn_seeded_app().await;
    let agent = app.token(CO, &["agent"], "co-agent");
    let dpo = app.token(CO, &["dpo"], "co-dpo");
    let integrator = app.token(CO, &["integrator"], "co-hr");
    let requester = app.token(CO, &["requester"], "E1");
    let person = app.record_person(CO, "E1", json!({})).await;
    app.record_person(CO, "co-agent", json!({})).await;

    // Accounts.
    let account =
        json!({"person_id": person, "kind": "network", "system": "AD", "identifier": "e1"});
    let account = created_id(
        app.post_json("/api/v1/accounts", Some(&agent), &account)
            .await,
    )
    .await;
    let account_path = format!("/api/v1/accounts/{account}");
    assert_eq!(
        app.get(&account_path, Some(&agent)).await.status(),
        StatusCode::OK
    );
    app.list("/api/v1/accounts", &agent, &[]).await;
    let removed = app
        .patch_json(&account_path, Some(&agent), &json!({"status": "removed"}))
        .await;
    assert_eq!(removed.status(), StatusCode::OK);

    // Assignments.
    let laptop = json!({"kind": "laptop", "tag": "LAP-0001"});
    let asset = created_id(app.post_json("/api/v1/assets", Some(&agent), &laptop).await).await;
    let assignments = format!("/api/v1/assets/{asset}/assignments");
    let asked = json!({"person_id": person});
    let assignment = created_id(app.post_json(&assignments, Some(&agent), &asked).await).await;
    app.list(&assignments, &agent, &[]).await;
    app.list("/api/v1/people/me/assignments", &requester, &[])
        .await;

    // Consent and a survey answer given on it, then withdrawn.
    let purposes = app
        .list("/api/v1/register/purposes", &dpo, &[("limit", "500")])
        .await;
    let surveys = purposes
        .iter()
        .find(|p| p["name"] == "Satisfaction surveys")
        .map(|p| text(p, "id"))
        .expect("the demo register has the surveys purpose");
    let ticket = text(
        &app.create_ticket(&requester, &incident("Slow")).await,
        "id",
    );
    for status in ["resolved", "closed"] {
        app.update_ticket(&agent, &ticket, &json!({"status": status}))
            .await;
    }
    let consent = json!({"purpose_id": surveys});
    let consent = created_id(
        app.post_json("/api/v1/consents", Some(&requester), &consent)
            .await,
    )
    .await;
    app.list("/api/v1/consents", &requester, &[]).await;
    let survey = format!("{}/survey", ticket_path(&ticket));
    let answer = json!({"consent_id": consent, "rating": 4});
    let answer = created_id(app.put_json(&survey, Some(&requester), &answer).await).await;
    assert_eq!(
        app.get(&survey, Some(&requester)).await.status(),
        StatusCode::OK
    );
    let withdrawn = app
        .post_json(
            &format!("/api/v1/consents/{consent}/withdraw"),
            Some(&requester),
            &json!({}),
        )
        .await;
    assert_eq!(withdrawn.status(), StatusCode::OK);

    // HR sync and SCIM.
    let joiner = json!({"records": [{
        "external_id": "J1", "kind": "joiner", "effective_date": "2026-01-05",
        "given_name": "Jo", "family_name": "Bloggs",
    }]});
    let synced = app
        .post_json("/api/v1/hr/sync", Some(&integrator), &joiner)
        .await;
    let synced = json_body(synced, StatusCode::OK).await;
    let joined = text(&synced["records"][0], "person_id");
    let user = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "s1@example.gov.uk",
        "externalId": "S1",
        "name": {"givenName": "Sam", "familyName": "Jones"},
    });
    let created = send(
        app.request(reqwest::Method::POST, "/scim/v2/Users", Some(&integrator))
            .header(reqwest::header::CONTENT_TYPE, "application/scim+json")
            .body(user.to_string()),
    )
    .await;
    let scim_user = created_id(created).await;
    let read = app
        .get(&format!("/scim/v2/Users/{scim_user}"), Some(&integrator))
        .await;
    assert_eq!(read.status(), StatusCode::OK);

    let events = app.list(EVENTS, &dpo, &[("limit", "500")]).await;
    for (operation, kind, id) in [
        ("create", "account", &account),
        ("read", "account", &account),
        ("list", "account", &account),
        ("update", "account", &account),
        ("create", "assignment", &assignment),
        ("list", "assignment", &assignment),
        ("create", "consent", &consent),
        ("list", "consent", &consent),
        ("update", "consent", &consent),
        ("create", "survey_answer", &answer),
        ("read", "survey_answer", &answer),
        ("create", "person", &joined),
        ("create", "person", &scim_user),
        ("read", "person", &scim_user),
    ] {
        assert!(
            has(&events, operation, kind, id),
            "no {operation} {kind} event in {:?}",
            what(&events)
        );
    }
    // The desk work HR sync and SCIM raised is recorded with them: every ticket's creation.
    let raised: Vec<String> = events
        .iter()
        .filter(|e| text(e, "operation") == "create" && text(e, "record_kind") == "ticket")
        .map(|e| text(e, "record_id"))
        .collect();
    let tickets = app.list(TICKETS, &agent, &[("limit", "500")]).await;
    assert_eq!(
        tickets.len(),
        3,
        "the requester's, and a joiner's request each"
    );
    for id in ids(&tickets) {
        assert!(raised.contains(&id), "{id} raised unrecorded");
    }
    let verified = json_body(app.get(VERIFY, Some(&dpo)).await, StatusCode::OK).await;
    assert_eq!(verified["ok"], true, "{verified}");
}
