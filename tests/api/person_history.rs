//! A person's change history over HTTP (`/people/{id}/changes`, `/people/me/changes`): every
//! change by HR sync, the desk and the person themselves, newest first with the record before
//! and after and who made it; read by whoever may read the record, audited as a read of it.

use std::collections::HashSet;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

const SYNC: &str = "/api/v1/hr/sync";
const EVENTS: &str = "/api/v1/audit-events";
const OWN_CHANGES: &str = "/api/v1/people/me/changes";

fn changes_of(person: &str) -> String {
    format!("{PEOPLE}/{person}/changes")
}

struct Desk {
    app: TestApp,
    integrator: String,
    admin: String,
    agent: String,
    dpo: String,
}

async fn desk() -> Desk {
    let app = spawn_app().await;
    Desk {
        integrator: app.token(ORG, &["integrator"], "hr-system"),
        admin: app.token(ORG, &["admin"], "admin-1"),
        agent: app.token(ORG, &["agent"], "agent-1"),
        dpo: app.token(ORG, &["dpo"], "dpo-1"),
        app,
    }
}

impl Desk {
    /// A joiner recorded by HR sync; returns their person id.
    async fn joiner(&self, external_id: &str) -> String {
        let request = self
            .app
            .request(Method::POST, SYNC, Some(&self.integrator))
            .json(&json!({ "records": [{
                "external_id": external_id,
                "kind": "joiner",
                "effective_date": "2026-01-05",
                "given_name": "Jo",
                "family_name": "Bloggs",
                "email": "jo.bloggs@example.gov.uk",
            }] }));
        let answer = json_body(send(request).await, StatusCode::OK).await;
        assert_eq!(answer["records"][0]["outcome"], "created", "{answer}");
        text(&answer["records"][0], "person_id")
    }

    async fn patch(&self, token: &str, person: &str, change: Value) -> Value {
        let response = self
            .app
            .patch_json(&format!("{PEOPLE}/{person}"), Some(token), &change)
            .await;
        json_body(response, StatusCode::OK).await
    }

    async fn changes(&self, token: &str, path: &str) -> Value {
        json_body(self.app.get(path, Some(token)).await, StatusCode::OK).await
    }

    /// How many `read` events of the person record the trail holds.
    async fn reads_of(&self, person: &str) -> usize {
        self.app
            .list(
                EVENTS,
                &self.dpo,
                &[
                    ("operation", "read"),
                    ("record_kind", "person"),
                    ("limit", "500"),
                ],
            )
            .await
            .iter()
            .filter(|e| e["record_id"] == person)
            .count()
    }
}

fn versions(items: &[Value]) -> Vec<i64> {
    items
        .iter()
        .map(|c| c["version"].as_i64().expect("a version"))
        .collect()
}

#[tokio::test]
async fn changes_by_hr_sync_the_desk_and_the_person_read_newest_first_with_before_and_after() {
    let d = desk().await;
    let person = d.joiner("E1").await;
    d.patch(&d.admin, &person, json!({"given_name": "Joanne"}))
        .await;
    // The person correcting their own record (Art 16).
    let own = d.app.token(ORG, &["requester"], "E1");
    d.patch(&own, &person, json!({"family_name": "Bloggs-Smith"}))
        .await;
    // Adjustments are held apart: they never reach the history.
    let recorded = d
        .app
        .put_json(
            &format!("{PEOPLE}/{person}/adjustments"),
            Some(&d.dpo),
            &json!({ "reasonable_adjustments": "Screen reader; large monitor", "condition": "b" }),
        )
        .await;
    assert_eq!(recorded.status(), StatusCode::OK);

    let page = d.changes(&d.agent, &changes_of(&person)).await;
    assert_eq!(page["next_cursor"], Value::Null);
    let items = items(&page);
    assert_eq!(versions(&items), [3, 2, 1]);
    let actions: Vec<String> = items.iter().map(|c| text(c, "action")).collect();
    assert_eq!(actions, ["updated", "updated", "created"]);
    assert_eq!(items[0]["actor"], by_person(&person));
    assert_eq!(items[1]["actor"], by_account("admin-1"));
    assert_eq!(items[2]["actor"], by_account("hr-system"));
    for change in &items {
        assert_eq!(change["person_id"], person.as_str());
        assert!(change["at"].is_string(), "{change}");
    }

    // Created: nothing before, the joiner as HR sent them after.
    let created = &items[2];
    assert_eq!(created["before"], Value::Null);
    assert_eq!(created["after"]["id"], person.as_str());
    assert_eq!(created["after"]["external_id"], "E1");
    assert_eq!(created["after"]["given_name"], "Jo");
    assert_eq!(created["after"]["email"], "jo.bloggs@example.gov.uk");
    assert_eq!(created["after"]["version"], 1);
    // The desk's change: the given name, before and after.
    let renamed = &items[1];
    assert_eq!(renamed["before"]["given_name"], "Jo");
    assert_eq!(renamed["after"]["given_name"], "Joanne");
    assert_eq!(renamed["before"]["version"], 1);
    assert_eq!(renamed["after"]["version"], 2);
    // The person's correction.
    let corrected = &items[0];
    assert_eq!(corrected["before"]["family_name"], "Bloggs");
    assert_eq!(corrected["after"]["family_name"], "Bloggs-Smith");
    assert_eq!(corrected["after"]["given_name"], "Joanne");

    let body = serde_json::to_string(&page).expect("serialises");
    assert!(!body.contains("Screen reader"), "{body}");
    assert!(!body.contains("adjustment"), "{body}");
    for change in &items {
        for side in ["before", "after"] {
            if let Some(record) = change[side].as_object() {
                assert!(!record.contains_key("org_id"), "{change}");
            }
        }
    }

    // Everyone who reads the record reads its history: the integrator, the admin, the DPO.
    for token in [&d.integrator, &d.admin, &d.dpo] {
        let page = d.changes(token, &changes_of(&person)).await;
        assert_eq!(versions(&crate::helpers::items(&page)), [3, 2, 1]);
    }
}

#[tokio::test]
async fn pages_follow_the_cursor_newest_first_without_duplicates() {
    let d = desk().await;
    let person = d.app.record_person(ORG, "E2", json!({})).await;
    for n in 1..=6 {
        d.patch(
            &d.integrator,
            &person,
            json!({ "given_name": format!("Jo{n}") }),
        )
        .await;
    }
    let pages = d.app.list_all(&changes_of(&person), &d.agent, 2).await;
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [2, 2, 2, 1]);
    let all: Vec<Value> = pages.into_iter().flatten().collect();
    assert_eq!(versions(&all), [7, 6, 5, 4, 3, 2, 1]);
    let unique: HashSet<i64> = versions(&all).into_iter().collect();
    assert_eq!(unique.len(), all.len());
    assert_eq!(all[0]["after"]["given_name"], "Jo6");
    assert_eq!(all[0]["before"]["given_name"], "Jo5");

    // A cursor of the published form that names no change past the newest reads from the top.
    let top = send(
        d.app
            .request(Method::GET, &changes_of(&person), Some(&d.agent))
            .query(&[("cursor", "_".repeat(22))]),
    )
    .await;
    assert_eq!(
        versions(&items(&json_body(top, StatusCode::OK).await)).len(),
        7
    );

    // Bad paging parameters are 400 naming them.
    for (name, value) in [("cursor", "not-a-cursor"), ("limit", "0"), ("limit", "501")] {
        let response = send(
            d.app
                .request(Method::GET, &changes_of(&person), Some(&d.agent))
                .query(&[(name, value)]),
        )
        .await;
        problem_naming(response, StatusCode::BAD_REQUEST, name).await;
    }
}

#[tokio::test]
async fn a_person_reads_their_own_history_through_me() {
    let d = desk().await;
    let person = d.joiner("E3").await;
    d.patch(&d.integrator, &person, json!({"phone": "+44 20 7946 0000"}))
        .await;
    let own = d.app.token(ORG, &["requester"], "E3");
    let mine = d.changes(&own, OWN_CHANGES).await;
    let items = items(&mine);
    assert_eq!(versions(&items), [2, 1]);
    assert_eq!(items[0]["person_id"], person.as_str());
    assert_eq!(items[0]["after"]["phone"], "+44 20 7946 0000");
    assert_eq!(items[0]["before"]["phone"], Value::Null);
    // The same history as through their id, which they may read too.
    let by_id = d.changes(&own, &changes_of(&person)).await;
    assert_eq!(mine, by_id);
    // Paged the same way.
    let pages = d.app.list_all(OWN_CHANGES, &own, 1).await;
    assert_eq!(pages.len(), 2);

    // A caller with no person record: the answer `/people/me` gives.
    let me = problem(
        d.app.get(&format!("{PEOPLE}/me"), Some(&d.agent)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let theirs = problem(
        d.app.get(OWN_CHANGES, Some(&d.agent)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(theirs["detail"], me["detail"]);
    problem(d.app.get(OWN_CHANGES, None).await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn the_history_is_refused_as_the_record_is() {
    let d = desk().await;
    let person = d.app.record_person(ORG, "E4", json!({})).await;
    let colleague = d.app.record_person(ORG, "E5", json!({})).await;
    let path = changes_of(&person);

    problem(d.app.get(&path, None).await, StatusCode::UNAUTHORIZED).await;
    let auditor = d.app.token(ORG, &["auditor"], "auditor-1");
    problem(
        d.app.get(&path, Some(&auditor)).await,
        StatusCode::FORBIDDEN,
    )
    .await;

    // Another organisation's person is none of the caller's: 404, as for the record.
    let other = d.app.token(OTHER_ORG, &["agent"], "agent-9");
    let record = problem(
        d.app.get(&format!("{PEOPLE}/{person}"), Some(&other)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let history = problem(d.app.get(&path, Some(&other)).await, StatusCode::NOT_FOUND).await;
    assert_eq!(history["detail"], record["detail"]);

    // A requester reads only their own: a colleague's is 404, as for one that does not exist.
    let requester = d.app.token(ORG, &["requester"], "E5");
    problem(
        d.app.get(&path, Some(&requester)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let unknown = changes_of("0192f0e0-0000-7000-8000-000000000000");
    problem(
        d.app.get(&unknown, Some(&d.agent)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let theirs = d.changes(&requester, &changes_of(&colleague)).await;
    assert_eq!(versions(&items(&theirs)), [1]);

    // A malformed id is 400 naming it.
    problem_naming(
        d.app.get(&changes_of("not-a-uuid"), Some(&d.agent)).await,
        StatusCode::BAD_REQUEST,
        "id",
    )
    .await;
    // No error names the person.
    let body = d
        .app
        .get(&path, Some(&other))
        .await
        .text()
        .await
        .expect("a body");
    assert!(!body.contains("E4") && !body.contains("Bloggs"), "{body}");
}

#[tokio::test]
async fn reading_a_history_is_audited_as_a_read_of_the_person() {
    let d = desk().await;
    let person = d.joiner("E6").await;
    assert_eq!(d.reads_of(&person).await, 0);
    d.changes(&d.agent, &changes_of(&person)).await;
    assert_eq!(d.reads_of(&person).await, 1);
    let own = d.app.token(ORG, &["requester"], "E6");
    d.changes(&own, OWN_CHANGES).await;
    assert_eq!(d.reads_of(&person).await, 2);
    // A refused read records nothing.
    let requester = d.app.token(ORG, &["requester"], "E7");
    d.app.record_person(ORG, "E7", json!({})).await;
    problem(
        d.app.get(&changes_of(&person), Some(&requester)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(d.reads_of(&person).await, 2);
    // The event names the person by pseudonym, never by their details.
    let events = d
        .app
        .list(
            EVENTS,
            &d.dpo,
            &[("subject", person.as_str()), ("limit", "500")],
        )
        .await;
    assert!(
        events
            .iter()
            .any(|e| e["operation"] == "read" && e["record_id"] == person.as_str()),
        "{events:?}"
    );
    let body = serde_json::to_string(&events).expect("serialises");
    for plain in ["E6", "agent-1", "Jo"] {
        assert!(!body.contains(plain), "{plain} appears in the trail");
    }
}

#[tokio::test]
async fn a_processors_staff_read_a_controllers_person_history_as_they_read_the_record() {
    // The demo has the Cabinet Office processing for DCMS.
    let app = spawn_seeded_app().await;
    let person = app.record_person("dcms", "D1", json!({})).await;
    let path = changes_of(&person);
    let processor_admin = app.token("cabinet-office", &["admin"], "co-admin");
    let patched = send(
        app.request(
            Method::PATCH,
            &format!("{PEOPLE}/{person}"),
            Some(&processor_admin),
        )
        .header("Acting-For", "dcms")
        .json(&json!({"given_name": "Joanne"})),
    )
    .await;
    json_body(patched, StatusCode::OK).await;

    let processor_agent = app.token("cabinet-office", &["agent"], "co-agent");
    let acting = send(
        app.request(Method::GET, &path, Some(&processor_agent))
            .header("Acting-For", "dcms"),
    )
    .await;
    let items = items(&json_body(acting, StatusCode::OK).await);
    assert_eq!(versions(&items), [2, 1]);
    // Recorded as the processor's staff, never as one of the controller's people.
    assert_eq!(items[0]["actor"], by_account("co-admin@cabinet-office"));
    assert_eq!(items[1]["actor"], by_account("hr-system"));

    // Without Acting-For the controller's person is none of the processor's.
    problem(
        app.get(&path, Some(&processor_agent)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // What is a person's own is refused under Acting-For.
    let own = send(
        app.request(Method::GET, OWN_CHANGES, Some(&processor_agent))
            .header("Acting-For", "dcms"),
    )
    .await;
    problem(own, StatusCode::FORBIDDEN).await;
}
