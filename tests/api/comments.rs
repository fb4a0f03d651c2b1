//! Comments: public and internal visibility, pages oldest first, input checks.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

struct Thread {
    app: TestApp,
    agent: String,
    alice: String,
    id: String,
}

/// A ticket of alice's, and the tokens to talk about it.
async fn thread() -> Thread {
    let app = spawn_app().await;
    let agent = app.token(ORG, &["agent"], "agent-1");
    let alice = app.token(ORG, &["requester"], "alice");
    let id = text(
        &app.create_ticket(&alice, &incident("Monitor flickers"))
            .await,
        "id",
    );
    Thread {
        app,
        agent,
        alice,
        id,
    }
}

impl Thread {
    async fn comment(&self, token: &str, body: &str, visibility: &str) -> Value {
        let response = self
            .app
            .post_json(
                &comments_path(&self.id),
                Some(token),
                &json!({ "body": body, "visibility": visibility }),
            )
            .await;
        json_body(response, StatusCode::CREATED).await
    }

    async fn bodies(&self, token: &str) -> Vec<String> {
        self.app
            .list(&comments_path(&self.id), token, &[])
            .await
            .iter()
            .map(|c| text(c, "body"))
            .collect()
    }
}

#[tokio::test]
async fn a_comment_records_its_author_ticket_and_visibility() {
    let t = thread().await;
    let response = t
        .app
        .post_json(
            &comments_path(&t.id),
            Some(&t.alice),
            &json!({"body": "Still flickering"}),
        )
        .await;
    let comment = json_body(response, StatusCode::CREATED).await;
    assert_eq!(comment["author"], by_account("alice"));
    assert_eq!(comment["ticket_id"], t.id.as_str());
    assert_eq!(comment["visibility"], "public");
    assert_eq!(comment["body"], "Still flickering");
    assert!(uuid::Uuid::parse_str(&text(&comment, "id")).is_ok());
    assert!(chrono::DateTime::parse_from_rfc3339(&text(&comment, "created_at")).is_ok());
    let listed = t.app.list(&comments_path(&t.id), &t.agent, &[]).await;
    assert_eq!(listed, vec![comment]);
}

#[tokio::test]
async fn requesters_never_see_internal_comments() {
    let t = thread().await;
    t.comment(&t.agent, "Looking into it", "public").await;
    t.comment(
        &t.agent,
        "Probably the cable; user seems stressed",
        "internal",
    )
    .await;
    t.comment(&t.alice, "Thanks", "public").await;
    let all = vec![
        "Looking into it",
        "Probably the cable; user seems stressed",
        "Thanks",
    ];
    assert_eq!(t.bodies(&t.alice).await, ["Looking into it", "Thanks"]);
    for role in ["agent", "admin", "dpo"] {
        let token = t.app.token(ORG, &[role], &format!("{role}-1"));
        assert_eq!(t.bodies(&token).await, all, "{role}");
    }
}

#[tokio::test]
async fn requesters_may_not_post_internal_comments() {
    let t = thread().await;
    let response = t
        .app
        .post_json(
            &comments_path(&t.id),
            Some(&t.alice),
            &json!({"body": "Psst", "visibility": "internal"}),
        )
        .await;
    problem(response, StatusCode::FORBIDDEN).await;
    assert!(t.bodies(&t.agent).await.is_empty());
}

#[tokio::test]
async fn the_desk_posts_internal_comments() {
    let t = thread().await;
    let admin = t.app.token(ORG, &["admin"], "admin-1");
    let comment = t.comment(&admin, "Escalate to vendor", "internal").await;
    assert_eq!(comment["visibility"], "internal");
    assert_eq!(comment["author"], by_account("admin-1"));
}

#[tokio::test]
async fn comment_pages_run_oldest_first() {
    let t = thread().await;
    let mut written = Vec::new();
    for i in 1..=5 {
        written.push(text(
            &t.comment(&t.agent, &format!("Note {i}"), "public").await,
            "id",
        ));
    }
    let pages = t.app.list_all(&comments_path(&t.id), &t.agent, 2).await;
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [2, 2, 1]);
    let listed: Vec<String> = pages.iter().flat_map(|page| ids(page)).collect();
    assert_eq!(listed, written);
}

#[tokio::test]
async fn a_requesters_pages_skip_internal_comments_and_stay_full() {
    let t = thread().await;
    for i in 1..=6 {
        let visibility = if i % 2 == 0 { "internal" } else { "public" };
        t.comment(&t.agent, &format!("Note {i}"), visibility).await;
    }
    let pages = t.app.list_all(&comments_path(&t.id), &t.alice, 2).await;
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [2, 1]);
    let bodies: Vec<String> = pages.iter().flatten().map(|c| text(c, "body")).collect();
    assert_eq!(bodies, ["Note 1", "Note 3", "Note 5"]);
}

#[tokio::test]
async fn comments_on_a_ticket_that_does_not_exist_are_404() {
    let t = thread().await;
    let id = uuid::Uuid::now_v7().to_string();
    problem(
        t.app.get(&comments_path(&id), Some(&t.agent)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let response = t
        .app
        .post_json(
            &comments_path(&id),
            Some(&t.agent),
            &json!({"body": "Hello"}),
        )
        .await;
    problem(response, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn another_organisations_comments_stay_hidden() {
    let t = thread().await;
    t.comment(&t.agent, "Acme only", "public").await;
    let other = t.app.token(OTHER_ORG, &["agent"], "agent-1");
    let response = t.app.get(&comments_path(&t.id), Some(&other)).await;
    let problem = problem(response, StatusCode::NOT_FOUND).await;
    assert!(!problem.to_string().contains("Acme only"));
    let response = t
        .app
        .post_json(
            &comments_path(&t.id),
            Some(&other),
            &json!({"body": "Intruding"}),
        )
        .await;
    problem_naming_nothing(response).await;
    assert_eq!(t.bodies(&t.agent).await, ["Acme only"]);
}

async fn problem_naming_nothing(response: reqwest::Response) {
    let body = problem(response, StatusCode::NOT_FOUND).await;
    assert!(fields(&body).is_empty(), "{body}");
}

#[tokio::test]
async fn bad_comments_are_422_naming_the_field() {
    let t = thread().await;
    for (body, field) in [
        (json!({"body": "   "}), "body"),
        (json!({"body": ""}), "body"),
        (json!({"body": "x".repeat(20_001)}), "body"),
        (json!({"body": "Hi", "visibility": "secret"}), "visibility"),
        (json!({"body": "Hi", "author": "someone-else"}), "author"),
        (json!({"body": 42}), "body"),
    ] {
        let response = t
            .app
            .post_json(&comments_path(&t.id), Some(&t.agent), &body)
            .await;
        problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, field).await;
    }
    assert!(t.bodies(&t.agent).await.is_empty());
}

#[tokio::test]
async fn bad_comment_page_parameters_are_400_naming_each() {
    let t = thread().await;
    for (name, value) in [("limit", "0"), ("limit", "501"), ("cursor", "garbage")] {
        let request = t
            .app
            .request(Method::GET, &comments_path(&t.id), Some(&t.agent))
            .query(&[(name, value)]);
        problem_naming(send(request).await, StatusCode::BAD_REQUEST, name).await;
    }
}
