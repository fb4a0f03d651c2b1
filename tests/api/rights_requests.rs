//! Rights requests (UK GDPR Chapter III, Art 7(3), DPA 2018 s.164A): made by the person for
//! themselves or logged by the DPO, with the Art 12(3) due date and, for complaints, the s.164A
//! acknowledgement date; read by the person and the DPO; the DPO's queue by due date with its
//! counts. Every write and read is audited.

use chrono::{Duration, NaiveDate, Utc};
use domain::rights_requests::uk_date;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

const REQUESTS: &str = "/api/v1/rights-requests";
const EVENTS: &str = "/api/v1/audit-events";

fn request_path(id: &str) -> String {
    format!("{REQUESTS}/{id}")
}

struct Desk {
    app: TestApp,
    dpo: String,
    /// The requester whose record is `alice_id` (subject `E100`).
    alice: String,
    alice_id: String,
    /// A colleague with a record of their own (subject `E200`).
    bob: String,
    bob_id: String,
}

async fn desk() -> Desk {
    let app = spawn_app().await;
    let alice_id = app.record_person(ORG, "E100", json!({})).await;
    let bob_id = app.record_person(ORG, "E200", json!({})).await;
    Desk {
        dpo: app.token(ORG, &["dpo"], "dpo-1"),
        alice: app.token(ORG, &["requester"], "E100"),
        bob: app.token(ORG, &["requester"], "E200"),
        alice_id,
        bob_id,
        app,
    }
}

fn date(value: &Value, field: &str) -> NaiveDate {
    text(value, field).parse().expect("a date")
}

impl Desk {
    async fn make(&self, token: &str, body: &Value) -> Value {
        json_body(
            self.app.post_json(REQUESTS, Some(token), body).await,
            StatusCode::CREATED,
        )
        .await
    }

    /// The DPO logs a request about `person` received `days_ago` days ago by letter.
    async fn logged(&self, person: &str, right: &str, days_ago: i64) -> Value {
        let received = (Utc::now() - Duration::days(days_ago)).to_rfc3339();
        self.make(
            &self.dpo,
            &json!({"right": right, "person_id": person, "channel": "letter",
                    "received_at": received}),
        )
        .await
    }
}

#[tokio::test]
async fn a_requester_makes_a_request_for_themselves_and_reads_it() {
    let d = desk().await;
    let response = d
        .app
        .post_json(REQUESTS, Some(&d.alice), &json!({"right": "access"}))
        .await;
    let location = location_of(&response);
    let made = json_body(response, StatusCode::CREATED).await;
    let id = text(&made, "id");
    assert_eq!(location, request_path(&id));
    assert_eq!(made["person_id"], d.alice_id.as_str());
    assert_eq!(made["right"], "access");
    assert_eq!(made["channel"], "self_service");
    assert_eq!(made["nation"], "england-and-wales");
    assert_eq!(made["status"], "open");
    assert!(made["acknowledge_by"].is_null());
    assert_eq!(made["logged_by"], by_person(&d.alice_id));
    let received: NaiveDate = text(&made, "received_at")[..10].parse().expect("a date");
    let due = date(&made, "due_on");
    assert!(due > received + Duration::days(27) && due <= received + Duration::days(37));

    let read = json_body(d.app.get(&location, Some(&d.alice)).await, StatusCode::OK).await;
    assert_eq!(read, made);
    // Bob is not the person: to him it does not exist.
    problem(
        d.app.get(&location, Some(&d.bob)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // The DPO reads it.
    json_body(d.app.get(&location, Some(&d.dpo)).await, StatusCode::OK).await;

    // The write and each read are in the trail, about Alice.
    let events = d
        .app
        .list(
            EVENTS,
            &d.dpo,
            &[("record_kind", "rights_request"), ("limit", "500")],
        )
        .await;
    let operations: Vec<String> = events.iter().map(|e| text(e, "operation")).collect();
    assert!(operations.contains(&"create".to_owned()), "{operations:?}");
    assert_eq!(
        operations.iter().filter(|o| o.as_str() == "read").count(),
        2,
        "{operations:?}"
    );
    assert!(events.iter().all(|e| e["record_id"] == id.as_str()));
}

#[tokio::test]
async fn a_complaint_carries_its_acknowledgement_date_and_a_nation_counts() {
    let d = desk().await;
    let made = d
        .make(&d.bob, &json!({"right": "complaint", "nation": "scotland"}))
        .await;
    assert_eq!(made["nation"], "scotland");
    let received_at: chrono::DateTime<Utc> = text(&made, "received_at").parse().expect("a moment");
    // The day of receipt is the day in the UK.
    assert_eq!(
        date(&made, "acknowledge_by"),
        uk_date(received_at) + Duration::days(30)
    );
}

#[tokio::test]
async fn the_dpo_logs_a_request_received_by_letter() {
    let d = desk().await;
    let made = d
        .make(
            &d.dpo,
            &json!({"right": "erasure", "person_id": d.bob_id, "channel": "letter",
                    "received_at": "2026-01-31T10:00:00Z", "nation": "england-and-wales"}),
        )
        .await;
    // 28 February 2026 is a Saturday.
    assert_eq!(made["due_on"], "2026-03-02");
    assert_eq!(made["channel"], "letter");
    assert_eq!(made["person_id"], d.bob_id.as_str());
    assert_eq!(made["logged_by"], by_account("dpo-1"));
    // Good Friday 2026 is 3 April: Tuesday in England, Monday in Scotland.
    let england = d
        .make(
            &d.dpo,
            &json!({"right": "access", "person_id": d.bob_id, "channel": "email",
                    "received_at": "2026-03-03T09:00:00Z"}),
        )
        .await;
    assert_eq!(england["due_on"], "2026-04-07");
    let scotland = d
        .make(
            &d.dpo,
            &json!({"right": "access", "person_id": d.bob_id, "channel": "phone",
                    "received_at": "2026-03-03T09:00:00Z", "nation": "scotland"}),
        )
        .await;
    assert_eq!(scotland["due_on"], "2026-04-06");
}

#[tokio::test]
async fn making_a_request_needs_a_token_and_the_person_or_the_dpo() {
    let d = desk().await;
    let body = json!({"right": "access"});
    problem(
        d.app.post_json(REQUESTS, None, &body).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    for role in ["agent", "admin", "auditor", "integrator"] {
        let token = d.app.token(ORG, &[role], "E100");
        problem(
            d.app.post_json(REQUESTS, Some(&token), &body).await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    problem(d.app.get(REQUESTS, None).await, StatusCode::UNAUTHORIZED).await;
    problem(
        d.app.get(REQUESTS, Some(&d.alice)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let made = d.make(&d.alice, &body).await;
    let path = request_path(&text(&made, "id"));
    problem(d.app.get(&path, None).await, StatusCode::UNAUTHORIZED).await;
    let agent = d.app.token(ORG, &["agent"], "agent-1");
    problem(d.app.get(&path, Some(&agent)).await, StatusCode::FORBIDDEN).await;
    // Another organisation's DPO, and its person with the same subject, find nothing.
    d.app.record_person(OTHER_ORG, "E100", json!({})).await;
    for token in [
        d.app.token(OTHER_ORG, &["dpo"], "dpo-1"),
        d.app.token(OTHER_ORG, &["requester"], "E100"),
    ] {
        problem(d.app.get(&path, Some(&token)).await, StatusCode::NOT_FOUND).await;
    }
    let other_queue = d
        .app
        .list(REQUESTS, &d.app.token(OTHER_ORG, &["dpo"], "dpo-1"), &[])
        .await;
    assert!(other_queue.is_empty());
}

#[tokio::test]
async fn bad_requests_are_refused_naming_the_field() {
    let d = desk().await;
    problem_naming(
        d.app
            .post_json(
                REQUESTS,
                Some(&d.alice),
                &json!({"right": "to_be_forgotten"}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "right",
    )
    .await;
    let tomorrow = (Utc::now() + Duration::days(1)).to_rfc3339();
    problem_naming(
        d.app
            .post_json(
                REQUESTS,
                Some(&d.dpo),
                &json!({"right": "access", "person_id": d.alice_id, "channel": "letter",
                        "received_at": tomorrow}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "received_at",
    )
    .await;
    problem_naming(
        d.app
            .post_json(
                REQUESTS,
                Some(&d.dpo),
                &json!({"right": "access", "person_id": d.alice_id}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "channel",
    )
    .await;
    let stranger = d.app.record_person(OTHER_ORG, "E900", json!({})).await;
    problem_naming(
        d.app
            .post_json(
                REQUESTS,
                Some(&d.dpo),
                &json!({"right": "access", "person_id": stranger, "channel": "email"}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "person_id",
    )
    .await;
    problem_naming(
        d.app
            .post_json(
                REQUESTS,
                Some(&d.alice),
                &json!({"right": "access", "person_id": d.bob_id}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "person_id",
    )
    .await;
    problem_naming(
        d.app
            .post_json(
                REQUESTS,
                Some(&d.alice),
                &json!({"right": "access", "received_at": "2026-01-01T00:00:00Z"}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "received_at",
    )
    .await;
    problem_naming(
        d.app
            .post_json(
                REQUESTS,
                Some(&d.alice),
                &json!({"right": "access", "nation": "wales"}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nation",
    )
    .await;
    // A requester with no person record is told so.
    let nobody = d.app.token(ORG, &["requester"], "E404");
    problem_naming(
        d.app
            .post_json(REQUESTS, Some(&nobody), &json!({"right": "access"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "person",
    )
    .await;
}

#[tokio::test]
async fn the_queue_runs_by_due_date_with_its_counts() {
    let d = desk().await;
    let mut made = Vec::new();
    for (person, right, days_ago) in [
        (&d.alice_id, "access", 0),
        (&d.bob_id, "erasure", 60),
        (&d.alice_id, "rectification", 28),
        (&d.bob_id, "objection", 31),
        (&d.alice_id, "complaint", 60),
    ] {
        made.push(d.logged(person, right, days_ago).await);
    }
    let response = d.app.get(REQUESTS, Some(&d.dpo)).await;
    let queue = json_body(response, StatusCode::OK).await;
    let items = items(&queue);
    let mut expected: Vec<(NaiveDate, String)> = made
        .iter()
        .map(|r| (date(r, "due_on"), text(r, "id")))
        .collect();
    expected.sort();
    let listed: Vec<(NaiveDate, String)> = items
        .iter()
        .map(|r| (date(r, "due_on"), text(r, "id")))
        .collect();
    assert_eq!(listed, expected);
    let today = uk_date(Utc::now());
    let overdue = expected.iter().filter(|(due, _)| *due < today).count();
    let this_week = expected
        .iter()
        .filter(|(due, _)| *due >= today && *due < today + Duration::days(7))
        .count();
    assert!(overdue >= 2, "two received 60 days ago");
    assert_eq!(queue["overdue"], json!(overdue));
    assert_eq!(queue["due_this_week"], json!(this_week));
    assert!(queue["next_cursor"].is_null());

    // Paged two at a time, in the same order.
    let pages = d.app.list_all(REQUESTS, &d.dpo, 2).await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 1]);
    let paged: Vec<String> = pages.iter().flatten().map(|r| text(r, "id")).collect();
    let ordered: Vec<String> = expected.into_iter().map(|(_, id)| id).collect();
    assert_eq!(paged, ordered);
}
