//! Raising and reading tickets: defaults, references, who may raise what, who sees what.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use reqwest::header::{ETAG, LOCATION};
use serde_json::json;
use tokio::task::JoinSet;

use crate::helpers::*;

#[tokio::test]
async fn a_new_ticket_gets_defaults_a_location_and_an_etag() {
    let app = spawn_app().await;
    let alice = app.token(ORG, &["requester"], "alice");
    let response = app
        .post_json(TICKETS, Some(&alice), &incident("Laptop will not boot"))
        .await;
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let etag = response.headers().get(ETAG).cloned();
    let ticket = json_body(response, StatusCode::CREATED).await;
    let id = text(&ticket, "id");
    assert_eq!(location, Some(ticket_path(&id)));
    assert_eq!(etag.as_ref().and_then(|v| v.to_str().ok()), Some("\"1\""));
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id} is a UUID");
    assert_eq!(ticket["reference"], "INC-000001");
    assert_eq!(ticket["kind"], "incident");
    assert_eq!(ticket["category"], "it_system");
    assert_eq!(ticket["status"], "new");
    assert_eq!(ticket["priority"], "medium");
    assert_eq!(ticket["title"], "Laptop will not boot");
    assert_eq!(ticket["description"], "");
    assert_eq!(ticket["requester"], by_account("alice"));
    assert_eq!(ticket["raised_by"], by_account("alice"));
    assert_eq!(ticket["assigned_team"], json!(null));
    assert_eq!(ticket["assigned_agent"], json!(null));
    assert_eq!(ticket["contains_special_category"], false);
    assert_eq!(ticket["created_at"], ticket["updated_at"]);
    assert_eq!(ticket["resolved_at"], json!(null));
    assert_eq!(ticket["closed_at"], json!(null));
    assert!(
        chrono::DateTime::parse_from_rfc3339(&text(&ticket, "created_at")).is_ok(),
        "RFC 3339 timestamps"
    );
    // What the write returned is what a read returns.
    assert_eq!(app.ticket(&alice, &id).await, ticket);
}

#[tokio::test]
async fn the_desk_raises_tickets_on_behalf_of_someone_with_every_field() {
    let app = spawn_app().await;
    // Flagging health details needs a purpose with an Art 9(2) condition governing the ticket.
    govern_tickets_with_art_9(&app, ORG).await;
    let agent = app.token(ORG, &["agent"], "agent-1");
    let body = json!({
        "kind": "service_request",
        "category": "account_request",
        "title": "New starter needs an account",
        "description": "Starts Monday",
        "priority": "high",
        "requester": "bob",
        "assigned_team": "identity",
        "assigned_agent": "agent-2",
        "contains_special_category": true,
    });
    let ticket = app.create_ticket(&agent, &body).await;
    assert_eq!(ticket["reference"], "REQ-000001");
    assert_eq!(ticket["requester"], by_account("bob"));
    assert_eq!(ticket["raised_by"], by_account("agent-1"));
    assert_eq!(ticket["priority"], "high");
    assert_eq!(ticket["description"], "Starts Monday");
    assert_eq!(ticket["assigned_team"], "identity");
    assert_eq!(ticket["assigned_agent"], by_account("agent-2"));
    assert_eq!(ticket["contains_special_category"], true);
    // The person it is about sees it.
    let bob = app.token(ORG, &["requester"], "bob");
    app.ticket(&bob, &text(&ticket, "id")).await;
}

#[tokio::test]
async fn references_count_per_organisation_and_kind() {
    let app = spawn_app().await;
    let agent = app.token(ORG, &["agent"], "agent-1");
    let mut seen = Vec::new();
    for kind in [
        "incident",
        "service_request",
        "incident",
        "problem",
        "incident",
    ] {
        let mut body = incident("Something");
        body["kind"] = json!(kind);
        seen.push(text(&app.create_ticket(&agent, &body).await, "reference"));
    }
    assert_eq!(
        seen,
        [
            "INC-000001",
            "REQ-000001",
            "INC-000002",
            "PRB-000001",
            "INC-000003"
        ]
    );
    let other = app.token(OTHER_ORG, &["agent"], "agent-9");
    let first = app.create_ticket(&other, &incident("Elsewhere")).await;
    assert_eq!(first["reference"], "INC-000001");
}

#[tokio::test]
async fn concurrent_creations_get_distinct_consecutive_references() {
    const N: usize = 40;
    let app = spawn_app().await;
    let agent = app.token(ORG, &["agent"], "agent-1");
    let mut tasks = JoinSet::new();
    for i in 0..N {
        let request = app
            .request(reqwest::Method::POST, TICKETS, Some(&agent))
            .json(&incident(&format!("Ticket {i}")));
        tasks.spawn(async move {
            let response = send(request).await;
            json_body(response, StatusCode::CREATED).await
        });
    }
    let mut references = BTreeSet::new();
    while let Some(done) = tasks.join_next().await {
        let ticket = done.expect("the task does not panic");
        references.insert(text(&ticket, "reference"));
    }
    let expected: BTreeSet<String> = (1..=N).map(|n| format!("INC-{n:06}")).collect();
    assert_eq!(references, expected);
}

#[tokio::test]
async fn requesters_may_not_raise_problems_or_assign() {
    let app = spawn_app().await;
    let alice = app.token(ORG, &["requester"], "alice");
    let mut problem_ticket = incident("Root cause");
    problem_ticket["kind"] = json!("problem");
    let mut with_team = incident("Assigned");
    with_team["assigned_team"] = json!("network");
    let mut with_agent = incident("Assigned");
    with_agent["assigned_agent"] = json!("agent-1");
    for body in [problem_ticket, with_team, with_agent] {
        let response = app.post_json(TICKETS, Some(&alice), &body).await;
        problem(response, StatusCode::FORBIDDEN).await;
    }
    // Nothing was stored.
    let agent = app.token(ORG, &["agent"], "agent-1");
    assert!(app.list(TICKETS, &agent, &[]).await.is_empty());
}

#[tokio::test]
async fn requesters_raise_for_colleagues_and_both_see_the_ticket() {
    let app = spawn_app().await;
    let alice = app.token(ORG, &["requester"], "alice");
    let bob = app.token(ORG, &["requester"], "bob");
    let carol = app.token(ORG, &["requester"], "carol");
    let mut body = incident("Bob's screen flickers");
    body["requester"] = json!("bob");
    let ticket = app.create_ticket(&alice, &body).await;
    let id = text(&ticket, "id");
    assert_eq!(ticket["requester"], by_account("bob"));
    assert_eq!(ticket["raised_by"], by_account("alice"));
    app.ticket(&alice, &id).await;
    app.ticket(&bob, &id).await;
    let response = app.get(&ticket_path(&id), Some(&carol)).await;
    problem(response, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn the_desk_and_the_dpo_see_every_ticket_of_their_organisation() {
    let app = spawn_app().await;
    let alice = app.token(ORG, &["requester"], "alice");
    let id = text(&app.create_ticket(&alice, &incident("Mine")).await, "id");
    for role in ["agent", "admin", "dpo"] {
        let token = app.token(ORG, &[role], &format!("{role}-1"));
        assert_eq!(
            app.ticket(&token, &id).await["requester"],
            by_account("alice"),
            "{role}"
        );
    }
}

#[tokio::test]
async fn the_dpo_raises_tickets() {
    let app = spawn_app().await;
    let dpo = app.token(ORG, &["dpo"], "dpo-1");
    let mut body = incident("Subject access request");
    body["category"] = json!("data_request");
    let ticket = app.create_ticket(&dpo, &body).await;
    assert_eq!(ticket["raised_by"], by_account("dpo-1"));
}

#[tokio::test]
async fn a_ticket_that_does_not_exist_is_404() {
    let app = spawn_app().await;
    let agent = app.token(ORG, &["agent"], "agent-1");
    let id = uuid::Uuid::now_v7().to_string();
    problem(
        app.get(&ticket_path(&id), Some(&agent)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let response = app
        .patch_json(&ticket_path(&id), Some(&agent), &json!({"title": "t"}))
        .await;
    problem(response, StatusCode::NOT_FOUND).await;
}
