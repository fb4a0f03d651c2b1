//! `POST /api/v1/hr/sync`: HR joiners, movers and leavers, idempotent, in order, each record
//! applied whole or not at all, and the desk work they ask for raised as tickets.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

const SYNC: &str = "/api/v1/hr/sync";

fn joiner(id: &str, date: &str) -> Value {
    json!({
        "external_id": id,
        "kind": "joiner",
        "effective_date": date,
        "given_name": "Jo",
        "family_name": "Bloggs",
        "email": "jo.bloggs@example.gov.uk",
    })
}

struct Hr {
    app: TestApp,
    integrator: String,
    agent: String,
}

async fn hr() -> Hr {
    let app = spawn_app().await;
    Hr {
        integrator: app.token(ORG, &["integrator"], "hr-system"),
        agent: app.token(ORG, &["agent"], "agent-1"),
        app,
    }
}

impl Hr {
    async fn sync(&self, records: Value, key: Option<&str>) -> reqwest::Response {
        let mut request = self
            .app
            .request(Method::POST, SYNC, Some(&self.integrator))
            .json(&json!({ "records": records }));
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        send(request).await
    }

    async fn synced(&self, records: Value) -> Value {
        json_body(self.sync(records, None).await, StatusCode::OK).await
    }

    async fn account_requests(&self) -> Vec<Value> {
        self.app
            .list(TICKETS, &self.agent, &[("category", "account_request")])
            .await
    }
}

fn outcomes(answer: &Value) -> Vec<String> {
    answer["records"]
        .as_array()
        .map(|records| records.iter().map(|r| text(r, "outcome")).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn only_integrators_sync_and_a_token_is_needed() {
    let hr = hr().await;
    let anonymous = send(
        hr.app
            .request(Method::POST, SYNC, None)
            .json(&json!({ "records": [joiner("E1", "2026-01-05")] })),
    )
    .await;
    problem(anonymous, StatusCode::UNAUTHORIZED).await;
    let agent = send(
        hr.app
            .request(Method::POST, SYNC, Some(&hr.agent))
            .json(&json!({ "records": [joiner("E1", "2026-01-05")] })),
    )
    .await;
    problem(agent, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn a_joiner_creates_the_person_and_raises_an_account_set_up_request() {
    let hr = hr().await;
    let answer = hr.synced(json!([joiner("E1", "2026-01-05")])).await;
    assert_eq!(answer["applied"], 1);
    assert_eq!(outcomes(&answer), ["created"]);
    let record = &answer["records"][0];
    assert_eq!(record["external_id"], "E1");
    assert!(record["person_id"].is_string());
    let raised = record["tickets"].as_array().cloned().unwrap_or_default();
    assert_eq!(raised.len(), 1);
    let requests = hr.account_requests().await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["reference"], raised[0]);
    assert_eq!(
        requests[0]["requester"],
        by_person(text(record, "person_id").as_str())
    );
    assert_eq!(requests[0]["raised_by"], by_account("hr-system"));
    assert_eq!(requests[0]["kind"], "service_request");
    assert_eq!(
        requests[0]["description"],
        "HR reports a joiner from 2026-01-05: set up the accounts they need."
    );
}

#[tokio::test]
async fn a_replayed_key_gets_the_first_answer_and_changes_nothing() {
    let hr = hr().await;
    let records = json!([joiner("E1", "2026-01-05"), joiner("E2", "2026-01-06")]);
    let first = hr.sync(records.clone(), Some("batch-0001")).await;
    let first = json_body(first, StatusCode::OK).await;
    let again = hr.sync(records, Some("batch-0001")).await;
    assert_eq!(
        again
            .headers()
            .get("idempotency-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    let again = json_body(again, StatusCode::OK).await;
    assert_eq!(again, first);
    assert_eq!(hr.account_requests().await.len(), 2);
    // The same key with another request is refused, naming the header.
    let other = hr
        .sync(json!([joiner("E3", "2026-01-07")]), Some("batch-0001"))
        .await;
    problem_naming(other, StatusCode::UNPROCESSABLE_ENTITY, "Idempotency-Key").await;
    assert_eq!(hr.account_requests().await.len(), 2);
    let malformed = hr
        .sync(json!([joiner("E3", "2026-01-07")]), Some("two words"))
        .await;
    problem_naming(malformed, StatusCode::BAD_REQUEST, "Idempotency-Key").await;
}

#[tokio::test]
async fn a_batch_replayed_without_a_key_changes_nothing() {
    let hr = hr().await;
    let records = json!([
        joiner("E1", "2026-01-05"),
        { "external_id": "E1", "kind": "mover", "effective_date": "2026-02-01",
          "given_name": "Jo", "family_name": "Bloggs-Smith" },
        { "external_id": "E1", "kind": "leaver", "effective_date": "2026-06-30" },
    ]);
    let first = hr.synced(records.clone()).await;
    assert_eq!(outcomes(&first), ["created", "updated", "left"]);
    let tickets = hr.account_requests().await.len();
    let again = hr.synced(records).await;
    assert_eq!(outcomes(&again), ["ignored", "ignored", "ignored"]);
    assert_eq!(again["applied"], 0);
    assert_eq!(hr.account_requests().await.len(), tickets);
}

#[tokio::test]
async fn an_older_event_never_overwrites_a_newer_one() {
    let hr = hr().await;
    hr.synced(json!([joiner("E1", "2026-03-01")])).await;
    let older = hr
        .synced(
            json!([{ "external_id": "E1", "kind": "mover", "effective_date": "2026-02-01",
                        "given_name": "Joanna", "family_name": "Bloggs" }]),
        )
        .await;
    assert_eq!(outcomes(&older), ["ignored"]);
    assert_eq!(older["ignored"], 1);
    assert!(!text(&older["records"][0], "reason").is_empty());
    let newer = hr
        .synced(
            json!([{ "external_id": "E1", "kind": "mover", "effective_date": "2026-04-01",
                        "given_name": "Joanna", "family_name": "Bloggs" }]),
        )
        .await;
    assert_eq!(outcomes(&newer), ["updated"]);
    // A mover raises an amend request.
    assert_eq!(
        newer["records"][0]["tickets"].as_array().map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn invalid_records_come_back_with_their_fields_and_the_rest_apply() {
    let hr = hr().await;
    let answer = hr
        .synced(json!([
            joiner("E1", "2026-01-05"),
            { "external_id": "E2", "kind": "joiner", "effective_date": "2026-01-05",
              "given_name": "Al", "family_name": "Smith", "email": "not an address" },
            { "external_id": "E3", "kind": "joiner", "effective_date": 5 },
            { "external_id": "E4", "kind": "leaver", "effective_date": "2026-01-05" },
            { "external_id": "E5", "kind": "joiner", "effective_date": "2026-01-05" },
            { "kind": "hire", "effective_date": 5, "clearance": "top" },
        ]))
        .await;
    assert_eq!(
        outcomes(&answer),
        [
            "created", "invalid", "invalid", "refused", "invalid", "invalid"
        ]
    );
    assert_eq!(
        (
            answer["applied"].clone(),
            answer["invalid"].clone(),
            answer["refused"].clone()
        ),
        (json!(1), json!(4), json!(1))
    );
    let fields = |i: usize| -> Vec<String> {
        answer["records"][i]["errors"]
            .as_array()
            .map(|e| e.iter().map(|e| text(e, "field")).collect())
            .unwrap_or_default()
    };
    assert_eq!(fields(1), ["records[1].email"]);
    assert_eq!(fields(2), ["records[2].effective_date"]);
    assert!(fields(4).contains(&"records[4].given_name".to_owned()));
    // A record at fault in several ways names each.
    let mut several = fields(5);
    several.sort();
    assert_eq!(
        several,
        [
            "records[5].clearance",
            "records[5].effective_date",
            "records[5].external_id",
            "records[5].kind"
        ]
    );
    // The error never repeats what was sent.
    assert!(!answer.to_string().contains("not an address"));
    // Only the valid joiner raised work.
    assert_eq!(hr.account_requests().await.len(), 1);
}

#[tokio::test]
async fn a_batch_is_bounded_and_must_be_a_batch() {
    let hr = hr().await;
    let empty = hr.sync(json!([]), None).await;
    problem_naming(empty, StatusCode::UNPROCESSABLE_ENTITY, "records").await;
    let too_many: Vec<Value> = (0..10_001)
        .map(|i| joiner(&format!("E{i}"), "2026-01-05"))
        .collect();
    let over = hr.sync(Value::Array(too_many), None).await;
    problem_naming(over, StatusCode::UNPROCESSABLE_ENTITY, "records").await;
    let not_json = send(
        hr.app
            .request(Method::POST, SYNC, Some(&hr.integrator))
            .header("Content-Type", "application/json")
            .body("{"),
    )
    .await;
    problem(not_json, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn another_organisations_people_are_not_touched() {
    let hr = hr().await;
    hr.synced(json!([joiner("E1", "2026-01-05")])).await;
    let other = hr.app.token("devon-cc", &["integrator"], "devon-hr");
    let answer = send(hr.app.request(Method::POST, SYNC, Some(&other)).json(
        &json!({ "records": [{ "external_id": "E1", "kind": "leaver",
                                          "effective_date": "2026-06-30" }] }),
    ))
    .await;
    let answer = json_body(answer, StatusCode::OK).await;
    // Devon holds no E1: the leaver is refused there, and the first organisation's E1 stays.
    assert_eq!(outcomes(&answer), ["refused"]);
}

/// The number of a ticket reference (`REQ-000012` is 12).
fn number(reference: &Value) -> u64 {
    reference
        .as_str()
        .and_then(|r| r.split_once('-'))
        .and_then(|(_, digits)| digits.parse().ok())
        .expect("a ticket reference")
}

fn raised(answer: &Value, record: usize) -> Vec<Value> {
    answer["records"][record]["tickets"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn a_large_batch_is_written_whole_in_order_with_each_person_as_the_batch_left_them() {
    let hr = hr().await;
    // More records than one multi-row INSERT or one read of people takes; the first joiner also
    // moves, and a later joiner is sent twice, within the batch.
    let count = 1_201;
    let mut records: Vec<Value> = (0..count)
        .map(|i| joiner(&format!("E{i:04}"), "2026-01-05"))
        .collect();
    records.push(
        json!({ "external_id": "E0000", "kind": "mover", "effective_date": "2026-02-01",
                         "given_name": "Jo", "family_name": "Bloggs-Smith" }),
    );
    records.push(joiner("E0700", "2026-01-05"));
    let records = Value::Array(records);
    let answer = hr.synced(records.clone()).await;
    let mut expected = vec!["created"; count];
    expected.extend(["updated", "ignored"]);
    assert_eq!(outcomes(&answer), expected);
    assert_eq!(answer["applied"], count + 1);
    // One ticket per applied record, numbered in the order of the records.
    let references: Vec<Value> = (0..count + 2).flat_map(|i| raised(&answer, i)).collect();
    assert_eq!(references.len(), count + 1);
    let first = number(&references[0]);
    let numbers: Vec<u64> = references.iter().map(number).collect();
    assert_eq!(
        numbers,
        (first..first + count as u64 + 1).collect::<Vec<_>>()
    );
    let requests = hr.app.list_all(TICKETS, &hr.agent, 500).await.concat();
    assert_eq!(requests.len(), count + 1);
    // The person who joined and moved in one batch is held as the move left them.
    let held = hr
        .app
        .list("/api/v1/people", &hr.agent, &[("external_id", "E0000")])
        .await;
    assert_eq!(held.len(), 1);
    assert_eq!(held[0]["family_name"], "Bloggs-Smith");
    assert_eq!(held[0]["id"], answer["records"][0]["person_id"]);
    // Sent again, nothing applies and nothing is raised.
    let again = hr.synced(records).await;
    assert_eq!(again["applied"], 0);
    assert_eq!(again["ignored"], count + 2);
    assert_eq!(
        hr.app
            .list_all(TICKETS, &hr.agent, 500)
            .await
            .concat()
            .len(),
        count + 1
    );
}

#[tokio::test]
async fn a_leaver_in_a_batch_raises_the_removal_of_each_live_account_in_its_place() {
    let hr = hr().await;
    let answer = hr.synced(json!([joiner("E1", "2026-01-05")])).await;
    let person_id = text(&answer["records"][0], "person_id");
    let account = hr
        .app
        .post_json(
            "/api/v1/accounts",
            Some(&hr.agent),
            &json!({ "person_id": person_id, "kind": "network",
                     "system": "Active Directory", "identifier": "jbloggs" }),
        )
        .await;
    json_body(account, StatusCode::CREATED).await;
    let answer = hr
        .synced(json!([
            joiner("E2", "2026-01-05"),
            { "external_id": "E1", "kind": "leaver", "effective_date": "2026-06-30" },
            joiner("E3", "2026-01-05"),
        ]))
        .await;
    assert_eq!(outcomes(&answer), ["created", "left", "created"]);
    let numbers: Vec<Vec<u64>> = (0..3)
        .map(|i| raised(&answer, i).iter().map(number).collect())
        .collect();
    let first = numbers[0][0];
    assert_eq!(numbers, [vec![first], vec![first + 1], vec![first + 2]]);
    let removal = hr
        .account_requests()
        .await
        .into_iter()
        .find(|t| t["reference"] == raised(&answer, 1)[0])
        .expect("the removal request is listed");
    assert_eq!(removal["requester"], by_person(&person_id));
    assert_eq!(removal["priority"], "high");
}
