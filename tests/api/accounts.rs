//! Accounts: requests, the status machine with approval by someone else, history, and keyset
//! lists.

use reqwest::header::IF_MATCH;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

const ACCOUNTS: &str = "/api/v1/accounts";

fn account_path(id: &str) -> String {
    format!("{ACCOUNTS}/{id}")
}

fn changes_path(id: &str) -> String {
    format!("{ACCOUNTS}/{id}/changes")
}

struct Desk {
    app: TestApp,
    /// An agent who is also a person of the organisation (`A1`).
    agent: String,
    /// Alice (`E100`) as an agent: she may not approve her own account.
    alice_agent: String,
    alice_id: String,
}

async fn desk() -> Desk {
    let app = spawn_app().await;
    let alice_id = app
        .record_person(ORG, "E100", json!({"given_name": "Alice"}))
        .await;
    app.record_person(ORG, "A1", json!({"given_name": "Agnes"}))
        .await;
    Desk {
        agent: app.token(ORG, &["agent"], "A1"),
        alice_agent: app.token(ORG, &["agent"], "E100"),
        alice_id,
        app,
    }
}

impl Desk {
    fn request_body(&self, identifier: &str) -> Value {
        json!({
            "person_id": self.alice_id,
            "kind": "network",
            "system": "Active Directory",
            "identifier": identifier,
        })
    }

    async fn create(&self, identifier: &str) -> Value {
        let response = self
            .app
            .post_json(ACCOUNTS, Some(&self.agent), &self.request_body(identifier))
            .await;
        json_body(response, StatusCode::CREATED).await
    }

    async fn set_status(&self, token: &str, id: &str, change: &Value) -> Response {
        self.app
            .patch_json(&account_path(id), Some(token), change)
            .await
    }
}

#[tokio::test]
async fn an_account_is_requested_approved_by_someone_else_and_recorded() {
    let d = desk().await;
    let response = d
        .app
        .post_json(ACCOUNTS, Some(&d.agent), &d.request_body("abloggs"))
        .await;
    assert_eq!(etag_of(&response), "\"1\"");
    let account = json_body(response, StatusCode::CREATED).await;
    assert_eq!(account["status"], "requested");
    assert_eq!(account["person_id"], d.alice_id.as_str());
    let id = text(&account, "id");
    // Alice may not approve her own account.
    problem(
        d.set_status(&d.alice_agent, &id, &json!({ "status": "active" }))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // A ticket of the organisation may be named.
    let ticket = d
        .app
        .create_ticket(
            &d.agent,
            &json!({ "kind": "service_request", "category": "account_request", "title": "New starter access" }),
        )
        .await;
    let ticket_id = text(&ticket, "id");
    let active = json_body(
        d.set_status(
            &d.agent,
            &id,
            &json!({ "status": "active", "ticket_id": ticket_id }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(active["status"], "active");
    assert!(active["granted_at"].is_string());
    assert_eq!(active["version"], 2);
    let approver = json_body(
        d.app.get(&format!("{PEOPLE}/me"), Some(&d.agent)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(active["approved_by"], approver["id"]);
    // Alice may suspend and remove it: only approval is barred to her.
    json_body(
        d.set_status(&d.alice_agent, &id, &json!({ "status": "suspended" }))
            .await,
        StatusCode::OK,
    )
    .await;
    let removed = json_body(
        d.set_status(&d.agent, &id, &json!({ "status": "removed" }))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(removed["removed_at"].is_string());
    // Removed is final: 409 naming both states.
    let refusal = problem(
        d.set_status(&d.agent, &id, &json!({ "status": "active" }))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    let detail = text(&refusal, "detail");
    assert!(
        detail.contains("removed") && detail.contains("active"),
        "{detail}"
    );
    let history = d.app.list(&changes_path(&id), &d.agent, &[]).await;
    let steps: Vec<(Value, Value)> = history
        .iter()
        .map(|c| (c["from_status"].clone(), c["to_status"].clone()))
        .collect();
    assert_eq!(
        steps,
        vec![
            (Value::Null, json!("requested")),
            (json!("requested"), json!("active")),
            (json!("active"), json!("suspended")),
            (json!("suspended"), json!("removed")),
        ]
    );
    assert_eq!(history[1]["ticket_id"], ticket["id"]);
    // Both agents are people of the organisation: the trail names them by person id.
    assert!(history[1]["actor"]["person_id"].is_string());
    assert_ne!(history[1]["actor"], by_person(&d.alice_id));
    assert_eq!(history[2]["actor"], by_person(&d.alice_id));
}

#[tokio::test]
async fn illegal_transitions_are_conflicts() {
    let d = desk().await;
    let id = text(&d.create("abloggs").await, "id");
    let refusal = problem(
        d.set_status(&d.agent, &id, &json!({ "status": "suspended" }))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    let detail = text(&refusal, "detail");
    assert!(
        detail.contains("requested") && detail.contains("suspended"),
        "{detail}"
    );
}

#[tokio::test]
async fn accounts_need_a_token_the_right_role_and_the_organisation() {
    let d = desk().await;
    let id = text(&d.create("abloggs").await, "id");
    let body = d.request_body("other");
    let change = json!({ "status": "active" });
    problem(
        d.app.post_json(ACCOUNTS, None, &body).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    problem(d.app.get(ACCOUNTS, None).await, StatusCode::UNAUTHORIZED).await;
    problem(
        d.app.get(&account_path(&id), None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    problem(
        d.app.patch_json(&account_path(&id), None, &change).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    problem(
        d.app.get(&changes_path(&id), None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let requester = d.app.token(ORG, &["requester"], "E100");
    let integrator = d.app.token(ORG, &["integrator"], "hr-system");
    for token in [&requester, &integrator] {
        problem(
            d.app.post_json(ACCOUNTS, Some(token), &body).await,
            StatusCode::FORBIDDEN,
        )
        .await;
        problem(
            d.app.get(ACCOUNTS, Some(token)).await,
            StatusCode::FORBIDDEN,
        )
        .await;
        problem(
            d.app.get(&account_path(&id), Some(token)).await,
            StatusCode::FORBIDDEN,
        )
        .await;
        problem(
            d.app
                .patch_json(&account_path(&id), Some(token), &change)
                .await,
            StatusCode::FORBIDDEN,
        )
        .await;
        problem(
            d.app.get(&changes_path(&id), Some(token)).await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    let other = d.app.token(OTHER_ORG, &["agent"], "A9");
    problem(
        d.app.get(&account_path(&id), Some(&other)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        d.app
            .patch_json(&account_path(&id), Some(&other), &change)
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        d.app.get(&changes_path(&id), Some(&other)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(d.app.list(ACCOUNTS, &other, &[]).await.is_empty());
    // Another organisation's person is not one to ask for.
    problem_naming(
        d.app.post_json(ACCOUNTS, Some(&other), &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "person_id",
    )
    .await;
    // Nor is another organisation's ticket one to name.
    let other_ticket = d.app.create_ticket(&other, &incident("Elsewhere")).await;
    problem_naming(
        d.app
            .patch_json(
                &account_path(&id),
                Some(&d.agent),
                &json!({ "status": "removed", "ticket_id": other_ticket["id"] }),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "ticket_id",
    )
    .await;
}

#[tokio::test]
async fn bad_account_requests_name_the_field() {
    let d = desk().await;
    let mut blank = d.request_body("x");
    blank["system"] = json!("  ");
    problem_naming(
        d.app.post_json(ACCOUNTS, Some(&d.agent), &blank).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "system",
    )
    .await;
    let mut kind = d.request_body("x");
    kind["kind"] = json!("vpn");
    problem_naming(
        d.app.post_json(ACCOUNTS, Some(&d.agent), &kind).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "kind",
    )
    .await;
    let mut person = d.request_body("x");
    person["person_id"] = json!("not-a-uuid");
    problem_naming(
        d.app.post_json(ACCOUNTS, Some(&d.agent), &person).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "person_id",
    )
    .await;
    let id = text(&d.create("abloggs").await, "id");
    problem_naming(
        d.set_status(&d.agent, &id, &json!({ "status": "gone" }))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "status",
    )
    .await;
    problem_naming(
        d.app.get(&account_path("nope"), Some(&d.agent)).await,
        StatusCode::BAD_REQUEST,
        "id",
    )
    .await;
    for (query, field) in [
        ("person_id=nope", "person_id"),
        ("status=gone", "status"),
        ("limit=501", "limit"),
    ] {
        problem_naming(
            d.app
                .get(&format!("{ACCOUNTS}?{query}"), Some(&d.agent))
                .await,
            StatusCode::BAD_REQUEST,
            field,
        )
        .await;
    }
}

#[tokio::test]
async fn an_identifier_is_unique_per_system_in_an_organisation() {
    let d = desk().await;
    d.create("abloggs").await;
    problem(
        d.app
            .post_json(ACCOUNTS, Some(&d.agent), &d.request_body("abloggs"))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    let mut elsewhere = d.request_body("abloggs");
    elsewhere["system"] = json!("Microsoft 365");
    json_body(
        d.app.post_json(ACCOUNTS, Some(&d.agent), &elsewhere).await,
        StatusCode::CREATED,
    )
    .await;
}

#[tokio::test]
async fn accounts_are_listed_by_keyset_with_filters() {
    let d = desk().await;
    let mut created = Vec::new();
    for n in 0..5 {
        created.push(text(&d.create(&format!("user{n}")).await, "id"));
    }
    let pages = d.app.list_all(ACCOUNTS, &d.agent, 2).await;
    assert_eq!(pages.len(), 3);
    let listed: Vec<String> = pages.iter().flat_map(|p| ids(p)).collect();
    let mut newest_first = created.clone();
    newest_first.reverse();
    assert_eq!(listed, newest_first);
    d.set_status(&d.agent, &created[0], &json!({ "status": "active" }))
        .await;
    let dpo = d.app.token(ORG, &["dpo"], "dpo-1");
    let active = d.app.list(ACCOUNTS, &dpo, &[("status", "active")]).await;
    assert_eq!(ids(&active), vec![created[0].clone()]);
    let alices = d
        .app
        .list(ACCOUNTS, &d.agent, &[("person_id", d.alice_id.as_str())])
        .await;
    assert_eq!(alices.len(), 5);
    let nobody = uuid::Uuid::now_v7().to_string();
    assert!(
        d.app
            .list(ACCOUNTS, &d.agent, &[("person_id", nobody.as_str())])
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn of_two_changes_from_one_read_the_second_is_stale() {
    let d = desk().await;
    let id = text(&d.create("abloggs").await, "id");
    let tag = etag_of(&d.app.get(&account_path(&id), Some(&d.agent)).await);
    let patch = |status: &str| {
        d.app
            .request(Method::PATCH, &account_path(&id), Some(&d.agent))
            .header(IF_MATCH, &tag)
            .json(&json!({ "status": status }))
    };
    let (first, second) = tokio::join!(send(patch("active")), send(patch("removed")));
    let mut statuses = [first.status(), second.status()];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::PRECONDITION_FAILED],
        "exactly one change wins"
    );
    let history = d.app.list(&changes_path(&id), &d.agent, &[]).await;
    assert_eq!(history.len(), 2, "the refused change is not recorded");
}
