//! Subject access (Art 15) and portability (Art 20) bundles: `GET /rights-requests/{id}/bundle`
//! as JSON and as a ZIP of CSV files with a manifest; the person's data found by walking the
//! catalogue, other people's data and internal comments withheld and counted, audit actors
//! shown as a kind, portability narrowed to what the person provided on consent or contract.

use std::collections::BTreeMap;
use std::io::Read;

use reqwest::StatusCode;
use reqwest::header::ACCEPT;
use serde_json::{Value, json};

use crate::helpers::*;

const REQUESTS: &str = "/api/v1/rights-requests";
const CONSENTS: &str = "/api/v1/consents";
const ACCOUNTS: &str = "/api/v1/accounts";
const CO: &str = CABINET_OFFICE;

fn bundle_path(id: &str) -> String {
    format!("{REQUESTS}/{id}/bundle")
}

/// The Cabinet Office's desk (the demo register binds every kind) with Alice's data and a
/// colleague's beside it.
struct Desk {
    app: TestApp,
    dpo: String,
    agent: String,
    alice: String,
    alice_id: String,
    bob: String,
    /// Alice's own ticket, with a public and an internal comment and a survey answer.
    own_ticket: String,
    /// A ticket an agent raised for Alice.
    raised_for: String,
}

async fn desk() -> Desk {
    let app = spawn_seeded_app().await;
    let alice_id = app.record_person(CO, "alice", json!({})).await;
    app.record_person(CO, "bob", json!({})).await;
    let alice = app.token(CO, &["requester"], "alice");
    let bob = app.token(CO, &["requester"], "bob");
    let agent = app.token(CO, &["agent"], "co-agent");
    let dpo = app.token(CO, &["dpo"], "co-dpo");

    let own_ticket = text(
        &app.create_ticket(&alice, &incident("Printer jams on floor 3"))
            .await,
        "id",
    );
    for (body, visibility) in [
        ("A technician is on the way", "public"),
        (
            "Alice sounded stressed; check with her manager Bob",
            "internal",
        ),
    ] {
        let response = app
            .post_json(
                &comments_path(&own_ticket),
                Some(&agent),
                &json!({"body": body, "visibility": visibility}),
            )
            .await;
        json_body(response, StatusCode::CREATED).await;
    }
    let mut raised = incident("Monitor flickers");
    raised["requester"] = json!("alice");
    let raised_for = text(&app.create_ticket(&agent, &raised).await, "id");
    // Bob's ticket is none of Alice's business.
    let bobs = text(
        &app.create_ticket(&bob, &incident("Bob's secret")).await,
        "id",
    );
    let response = app
        .post_json(
            &comments_path(&bobs),
            Some(&bob),
            &json!({"body": "Bob's own words", "visibility": "public"}),
        )
        .await;
    json_body(response, StatusCode::CREATED).await;

    for status in ["resolved", "closed"] {
        app.update_ticket(&agent, &own_ticket, &json!({"status": status}))
            .await;
    }
    let surveys = seed_id(0x1_1005);
    let consent = json_body(
        app.post_json(CONSENTS, Some(&alice), &json!({"purpose_id": surveys}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let response = app
        .put_json(
            &format!("/api/v1/tickets/{own_ticket}/survey"),
            Some(&alice),
            &json!({"consent_id": text(&consent, "id"), "rating": 5, "comment": "Quick fix"}),
        )
        .await;
    json_body(response, StatusCode::CREATED).await;
    let response = app
        .post_json(
            ACCOUNTS,
            Some(&agent),
            &json!({"person_id": alice_id, "kind": "network", "system": "Active Directory",
                    "identifier": "alice.a"}),
        )
        .await;
    json_body(response, StatusCode::CREATED).await;
    Desk {
        app,
        dpo,
        agent,
        alice,
        alice_id,
        bob,
        own_ticket,
        raised_for,
    }
}

impl Desk {
    /// A request of `right` the DPO logs for Alice; its id.
    async fn request(&self, right: &str) -> String {
        let response = self
            .app
            .post_json(
                REQUESTS,
                Some(&self.dpo),
                &json!({"right": right, "person_id": self.alice_id, "channel": "email"}),
            )
            .await;
        text(&json_body(response, StatusCode::CREATED).await, "id")
    }

    async fn bundle(&self, id: &str, token: &str) -> Value {
        json_body(
            self.app.get(&bundle_path(id), Some(token)).await,
            StatusCode::OK,
        )
        .await
    }
}

/// The rows of `table` in a JSON bundle.
fn rows<'a>(bundle: &'a Value, table: &str) -> &'a Vec<Value> {
    bundle["records"]
        .as_array()
        .expect("records")
        .iter()
        .find(|r| r["table"] == table)
        .and_then(|r| r["rows"].as_array())
        .unwrap_or_else(|| panic!("no {table} in the bundle"))
}

fn tables(bundle: &Value) -> Vec<String> {
    bundle["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| text(r, "table"))
        .collect()
}

/// How many were withheld from `table` (and `column`, or whole rows) for `reason`.
fn withheld(bundle: &Value, table: &str, column: Option<&str>, reason: &str) -> u64 {
    bundle["withheld"]
        .as_array()
        .expect("withheld")
        .iter()
        .filter(|w| w["table"] == table && w["reason"] == reason && w["column"].as_str() == column)
        .map(|w| w["count"].as_u64().expect("a count"))
        .sum()
}

fn ids_of(rows: &[Value]) -> Vec<String> {
    let mut ids: Vec<String> = rows.iter().map(|r| text(r, "id")).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn an_access_bundle_holds_the_persons_data_and_withholds_what_is_not_theirs() {
    let d = desk().await;
    let id = d.request("access").await;
    let bundle = d.bundle(&id, &d.dpo).await;

    let about = &bundle["about"];
    assert_eq!(about["scope"], "access");
    assert_eq!(about["article"], "Art 15");
    assert_eq!(about["person_id"], d.alice_id.as_str());
    assert_eq!(about["rights_request_id"], id.as_str());
    assert!(
        about["not_included"]
            .as_array()
            .expect("list")
            .iter()
            .any(|l| l["table"] == "hr_sync_requests")
    );
    // The Art 15(1) facts, as /people/{id}/processing gives them.
    let processing = json_body(
        d.app
            .get(&format!("{PEOPLE}/{}/processing", d.alice_id), Some(&d.dpo))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(bundle["processing"]["purposes"], processing["purposes"]);
    assert!(
        !processing["purposes"]
            .as_array()
            .expect("purposes")
            .is_empty()
    );

    let people = rows(&bundle, "people");
    assert_eq!(people.len(), 1);
    assert_eq!(people[0]["id"], d.alice_id.as_str());
    assert_eq!(people[0]["given_name"], "Jo");
    assert!(people[0].get("org_id").is_none(), "the tenant is left out");

    // Her own ticket and the one raised for her; never Bob's.
    let tickets = rows(&bundle, "tickets");
    let mut expected = vec![d.own_ticket.clone(), d.raised_for.clone()];
    expected.sort();
    assert_eq!(ids_of(tickets), expected);
    let raised = tickets
        .iter()
        .find(|t| t["id"] == d.raised_for.as_str())
        .expect("raised");
    assert_eq!(raised["title"], "Monitor flickers");
    assert_eq!(raised["requester_id"], d.alice_id.as_str());
    // The agent who raised it is someone else.
    assert_eq!(
        raised["raised_by_account"],
        "[withheld: another_persons_data]"
    );
    assert!(!bundle.to_string().contains("Bob's"), "nothing of Bob's");

    // The public comment only; its author is the agent's to keep.
    let comments = rows(&bundle, "ticket_comments");
    assert_eq!(comments.len(), 1, "{comments:?}");
    assert_eq!(comments[0]["body"], "A technician is on the way");
    assert_eq!(
        comments[0]["author_account"],
        "[withheld: another_persons_data]"
    );
    assert!(
        !bundle.to_string().contains("stressed"),
        "internal comments withheld"
    );
    assert_eq!(
        withheld(&bundle, "ticket_comments", None, "internal_comment"),
        1
    );
    assert_eq!(
        withheld(
            &bundle,
            "ticket_comments",
            Some("author_account"),
            "another_persons_data"
        ),
        1
    );
    assert!(
        withheld(
            &bundle,
            "tickets",
            Some("raised_by_account"),
            "another_persons_data"
        ) >= 1
    );
    let reasons = bundle["withheld"].as_array().expect("withheld");
    assert!(reasons.iter().all(|w| !text(w, "explanation").is_empty()));

    assert_eq!(rows(&bundle, "consents").len(), 1);
    let answers = rows(&bundle, "survey_answers");
    assert_eq!((answers.len(), answers[0]["rating"].as_i64()), (1, Some(5)));
    assert_eq!(rows(&bundle, "accounts")[0]["identifier"], "alice.a");
    assert!(ids_of(rows(&bundle, "rights_requests")).contains(&id));

    // Who accessed her data: the kind of actor, never a pseudonym; this export among them.
    let events = rows(&bundle, "audit_events");
    assert!(!events.is_empty());
    for event in events {
        let actor = text(event, "actor");
        assert!(actor == "the_person" || actor == "organisation", "{event}");
        assert_eq!(event["subject"], "the_person");
        assert!(event.get("hash").is_none() && event.get("prev_hash").is_none());
    }
    assert!(
        events
            .iter()
            .any(|e| e["operation"] == "create" && e["actor"] == "the_person")
    );
    assert!(
        events
            .iter()
            .any(|e| e["operation"] == "export" && e["record_kind"] == "person")
    );
    assert!(withheld(&bundle, "audit_events", Some("actor"), "staff_identity") >= 1);
    assert!(tables(&bundle).contains(&"person_changes".to_owned()));
    for section in bundle["records"].as_array().expect("records") {
        assert_eq!(
            section["count"].as_u64(),
            section["rows"].as_array().map(|r| r.len() as u64)
        );
    }
}

#[tokio::test]
async fn the_person_fetches_their_own_bundle_and_every_export_is_audited() {
    let d = desk().await;
    let made = json_body(
        d.app
            .post_json(REQUESTS, Some(&d.alice), &json!({"right": "access"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let id = text(&made, "id");
    let response = d.app.get(&bundle_path(&id), Some(&d.alice)).await;
    assert_eq!(content_type(&response), "application/json");
    assert!(
        header_of(&response, reqwest::header::CONTENT_DISPOSITION)
            .contains(&format!("subject-access-{id}.json"))
    );
    let bundle = json_body(response, StatusCode::OK).await;
    assert_eq!(bundle["about"]["person_id"], d.alice_id.as_str());

    let events = d
        .app
        .list(
            "/api/v1/audit-events",
            &d.dpo,
            &[("operation", "export"), ("subject", &d.alice_id)],
        )
        .await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["record_kind"], "person");
    assert_eq!(events[0]["record_id"], d.alice_id.as_str());
}

#[tokio::test]
async fn a_bundle_is_the_persons_and_the_dpos_alone() {
    let d = desk().await;
    let id = d.request("access").await;
    let path = bundle_path(&id);
    problem(d.app.get(&path, None).await, StatusCode::UNAUTHORIZED).await;
    problem(
        d.app.get(&path, Some(&d.agent)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // A colleague, and another organisation's DPO, learn nothing of it.
    problem(d.app.get(&path, Some(&d.bob)).await, StatusCode::NOT_FOUND).await;
    let other = d.app.token(OTHER_ORG, &["dpo"], "dpo-9");
    problem(d.app.get(&path, Some(&other)).await, StatusCode::NOT_FOUND).await;
    let unknown = bundle_path(&uuid::Uuid::now_v7().to_string());
    problem(
        d.app.get(&unknown, Some(&d.dpo)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem_naming(
        d.app.get(&bundle_path("not-an-id"), Some(&d.dpo)).await,
        StatusCode::BAD_REQUEST,
        "id",
    )
    .await;
    let bad = problem_naming(
        d.app.get(&format!("{path}?format=xml"), Some(&d.dpo)).await,
        StatusCode::BAD_REQUEST,
        "format",
    )
    .await;
    assert!(text(&bad, "detail").contains("invalid parameters"), "{bad}");
}

#[tokio::test]
async fn a_request_of_another_right_has_no_bundle() {
    let d = desk().await;
    let id = d.request("rectification").await;
    let refused = problem(
        d.app.get(&bundle_path(&id), Some(&d.dpo)).await,
        StatusCode::CONFLICT,
    )
    .await;
    let detail = text(&refused, "detail");
    assert!(
        detail.contains("Art 15") && detail.contains("Art 20"),
        "{detail}"
    );
    assert!(detail.contains("rectification (Art 16)"), "{detail}");
}

fn sha256_hex(bytes: &[u8]) -> String {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every file of a ZIP by name.
async fn unzip(response: reqwest::Response) -> BTreeMap<String, String> {
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(content_type(&response), "application/zip");
    let bytes = response.bytes().await.expect("the body");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a ZIP");
    let mut files = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).expect("a file");
        let mut text = String::new();
        file.read_to_string(&mut text).expect("UTF-8 CSV");
        let name = file.name().expect("a UTF-8 name").to_string();
        files.insert(name, text);
    }
    files
}

/// A CSV file's records (no field here holds a line break), header first.
fn records(csv: &str) -> Vec<&str> {
    csv.split("\r\n").filter(|l| !l.is_empty()).collect()
}

/// Checks each file the manifest lists against its SHA-256 and row count; returns the rows
/// by file.
fn checked_manifest(files: &BTreeMap<String, String>) -> BTreeMap<String, u64> {
    let manifest = records(&files["manifest.csv"]);
    assert_eq!(manifest[0], "file,sha256,rows");
    let mut listed = BTreeMap::new();
    for line in &manifest[1..] {
        let fields: Vec<&str> = line.split(',').collect();
        let (name, sha, count) = (fields[0], fields[1], fields[2]);
        let body = files
            .get(name)
            .unwrap_or_else(|| panic!("{name} listed but absent"));
        assert_eq!(sha256_hex(body.as_bytes()), sha, "{name}'s digest");
        let rows = records(body).len() as u64 - 1;
        assert_eq!(
            count.parse::<u64>().expect("a count"),
            rows,
            "{name}'s rows"
        );
        listed.insert(name.to_owned(), rows);
    }
    let unlisted: Vec<&String> = files
        .keys()
        .filter(|f| *f != "manifest.csv" && !listed.contains_key(*f))
        .collect();
    assert!(unlisted.is_empty(), "{unlisted:?}");
    listed
}

#[tokio::test]
async fn the_zip_bundle_is_csv_files_with_a_manifest_of_their_digests_and_rows() {
    let d = desk().await;
    let id = d.request("access").await;
    let by_parameter = unzip(
        d.app
            .get(&format!("{}?format=zip", bundle_path(&id)), Some(&d.dpo))
            .await,
    )
    .await;
    let listed = checked_manifest(&by_parameter);
    assert_eq!(listed["tickets.csv"], 2);
    assert_eq!(listed["ticket_comments.csv"], 1);
    assert_eq!(listed["people.csv"], 1);
    assert!(listed["processing.csv"] > 0 && listed["about.csv"] > 0);
    assert!(listed["withheld.csv"] > 0);
    let tickets = records(&by_parameter["tickets.csv"]);
    assert!(
        tickets[0].starts_with("id,reference,kind,category"),
        "{}",
        tickets[0]
    );
    assert!(by_parameter["ticket_comments.csv"].contains("[withheld: another_persons_data]"));
    assert!(!by_parameter.values().any(|f| f.contains("stressed")));
    assert!(by_parameter["withheld.csv"].contains("internal_comment"));

    // Accept asks for it too.
    let by_accept = unzip(
        send(
            d.app
                .request(reqwest::Method::GET, &bundle_path(&id), Some(&d.dpo))
                .header(ACCEPT, "application/zip"),
        )
        .await,
    )
    .await;
    assert_eq!(checked_manifest(&by_accept)["tickets.csv"], 2);
}

#[tokio::test]
async fn portability_carries_only_what_the_person_provided_on_consent_or_contract() {
    let d = desk().await;
    let id = d.request("portability").await;
    let bundle = d.bundle(&id, &d.dpo).await;
    assert_eq!(bundle["about"]["scope"], "portability");
    assert!(bundle["processing"].is_null());
    let mut walked = tables(&bundle);
    walked.sort();
    assert_eq!(
        walked,
        ["consents", "survey_answers", "ticket_comments", "tickets"]
    );

    // The survey answer she gave on consent, without identifiers.
    let answers = rows(&bundle, "survey_answers");
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0]["rating"], 5);
    assert_eq!(answers[0]["comment"], "Quick fix");
    assert!(answers[0].get("respondent").is_none());
    // The Cabinet Office supports staff on their employment contract (6(1)(b)): the ticket she
    // raised is hers to take, as she wrote it; the one an agent raised for her, and the
    // agent's comment, she did not provide.
    let tickets = rows(&bundle, "tickets");
    assert_eq!(ids_of(tickets), std::slice::from_ref(&d.own_ticket));
    assert_eq!(tickets[0]["title"], "Printer jams on floor 3");
    for identifier in [
        "requester_id",
        "raised_by_id",
        "raised_by_account",
        "assigned_agent_id",
    ] {
        assert!(tickets[0].get(identifier).is_none(), "{identifier}");
    }
    assert_eq!(withheld(&bundle, "tickets", None, "not_portable"), 1);
    assert!(rows(&bundle, "ticket_comments").is_empty());
    assert_eq!(
        withheld(&bundle, "ticket_comments", None, "not_portable"),
        1
    );
    assert_eq!(
        withheld(&bundle, "ticket_comments", None, "internal_comment"),
        1
    );
    let reasons: Vec<String> = bundle["about"]["not_included"]
        .as_array()
        .expect("list")
        .iter()
        .map(|l| text(l, "table"))
        .collect();
    assert!(reasons.contains(&"people".to_owned()), "{reasons:?}");

    let files = unzip(
        d.app
            .get(&format!("{}?format=zip", bundle_path(&id)), Some(&d.alice))
            .await,
    )
    .await;
    let listed = checked_manifest(&files);
    assert_eq!(listed["survey_answers.csv"], 1);
    assert_eq!(listed["tickets.csv"], 1);
    assert!(!files.contains_key("processing.csv"));
    assert!(!files.contains_key("people.csv"));
}
