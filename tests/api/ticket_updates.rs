//! Working a ticket: the status machine, ETags and `If-Match`, and what a requester may change.

use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

struct Desk {
    app: TestApp,
    agent: String,
    alice: String,
}

/// A server, an agent, and the requester alice.
async fn desk() -> Desk {
    let app = spawn_app().await;
    Desk {
        agent: app.token(ORG, &["agent"], "agent-1"),
        alice: app.token(ORG, &["requester"], "alice"),
        app,
    }
}

impl Desk {
    async fn alices_ticket(&self) -> String {
        text(
            &self
                .app
                .create_ticket(&self.alice, &incident("VPN drops"))
                .await,
            "id",
        )
    }

    async fn set_status(&self, id: &str, status: &str) -> Value {
        self.app
            .update_ticket(&self.agent, id, &json!({ "status": status }))
            .await
    }

    async fn patch_if_match(&self, id: &str, tag: &str, change: &Value) -> Response {
        self.app
            .patch_if_match(&self.agent, &ticket_path(id), tag, change)
            .await
    }
}

#[tokio::test]
async fn a_ticket_runs_from_new_to_closed() {
    let d = desk().await;
    let id = d.alices_ticket().await;
    let opened = d.set_status(&id, "open").await;
    assert_eq!(opened["status"], "open");
    assert_eq!(d.set_status(&id, "pending").await["status"], "pending");
    let resolved = d.set_status(&id, "resolved").await;
    assert_eq!(resolved["status"], "resolved");
    assert!(resolved["resolved_at"].is_string(), "{resolved}");
    assert_eq!(resolved["closed_at"], json!(null));
    let closed = d.set_status(&id, "closed").await;
    assert_eq!(closed["status"], "closed");
    assert!(closed["closed_at"].is_string(), "{closed}");
    assert_eq!(closed["resolved_at"], resolved["resolved_at"]);
    assert_eq!(d.app.ticket(&d.agent, &id).await, closed);
}

#[tokio::test]
async fn a_resolved_ticket_reopens() {
    let d = desk().await;
    let id = d.alices_ticket().await;
    d.set_status(&id, "resolved").await;
    let reopened = d.set_status(&id, "open").await;
    assert_eq!(reopened["status"], "open");
    assert_eq!(reopened["resolved_at"], json!(null));
}

#[tokio::test]
async fn an_illegal_transition_is_409_naming_both_states() {
    let d = desk().await;
    let id = d.alices_ticket().await;
    for (from, to) in [("new", "closed"), ("open", "closed"), ("open", "new")] {
        if from != "new" {
            d.set_status(&id, from).await;
        }
        let response = d
            .app
            .patch_json(&ticket_path(&id), Some(&d.agent), &json!({ "status": to }))
            .await;
        let problem = problem(response, StatusCode::CONFLICT).await;
        let detail = text(&problem, "detail");
        assert!(
            detail.contains(from) && detail.contains(to),
            "{from}->{to}: {detail}"
        );
    }
    assert_eq!(d.app.ticket(&d.agent, &id).await["status"], "open");
}

#[tokio::test]
async fn a_closed_ticket_changes_no_more() {
    let d = desk().await;
    let id = d.alices_ticket().await;
    d.set_status(&id, "resolved").await;
    let closed = d.set_status(&id, "closed").await;
    for change in [
        json!({"status": "open"}),
        json!({"status": "resolved"}),
        json!({"title": "Renamed"}),
        json!({"priority": "critical"}),
    ] {
        let response = d
            .app
            .patch_json(&ticket_path(&id), Some(&d.agent), &change)
            .await;
        let problem = problem(response, StatusCode::CONFLICT).await;
        assert!(text(&problem, "detail").contains("closed"), "{problem}");
    }
    assert_eq!(d.app.ticket(&d.agent, &id).await, closed);
}

#[tokio::test]
async fn etags_follow_versions_and_if_match_guards_updates() {
    let d = desk().await;
    let id = d.alices_ticket().await;
    let read = d.app.get(&ticket_path(&id), Some(&d.agent)).await;
    let first = etag_of(&read);
    assert_eq!(first, "\"1\"");

    let response = d
        .patch_if_match(&id, &first, &json!({"priority": "high"}))
        .await;
    let second = etag_of(&response);
    assert_eq!(second, "\"2\"");
    assert_eq!(
        json_body(response, StatusCode::OK).await["priority"],
        "high"
    );
    assert_eq!(
        etag_of(&d.app.get(&ticket_path(&id), Some(&d.agent)).await),
        second
    );

    // The first tag is stale now.
    let response = d
        .patch_if_match(&id, &first, &json!({"priority": "low"}))
        .await;
    problem(response, StatusCode::PRECONDITION_FAILED).await;
    // A well-formed tag this API never issued cannot match either.
    let response = d
        .patch_if_match(&id, "\"abc\"", &json!({"priority": "low"}))
        .await;
    problem(response, StatusCode::PRECONDITION_FAILED).await;
    assert_eq!(d.app.ticket(&d.agent, &id).await["priority"], "high");

    // Weak form of the current tag, and `*`, both match.
    let response = d
        .patch_if_match(&id, &format!("W/{second}"), &json!({"priority": "low"}))
        .await;
    assert_eq!(etag_of(&response), "\"3\"");
    let response = d
        .patch_if_match(&id, "*", &json!({"priority": "critical"}))
        .await;
    assert_eq!(etag_of(&response), "\"4\"");
    assert_eq!(
        json_body(response, StatusCode::OK).await["priority"],
        "critical"
    );
}

/// RFC 9110: a list of tags matches when any names the current version; a tag this API never
/// issues names none, so the precondition fails.
#[tokio::test]
async fn if_match_takes_lists_and_tags_never_issued_fail_the_precondition() {
    let d = desk().await;
    let id = d.alices_ticket().await;
    for tag in ["1", "null", "\"\""] {
        let response = d
            .patch_if_match(&id, tag, &json!({"priority": "low"}))
            .await;
        problem(response, StatusCode::PRECONDITION_FAILED).await;
    }
    let response = d
        .patch_if_match(&id, "\"7\", W/\"1\"", &json!({"priority": "low"}))
        .await;
    assert_eq!(etag_of(&response), "\"2\"");
    let response = d
        .patch_if_match(&id, "\"1\", \"7\"", &json!({"priority": "high"}))
        .await;
    problem(response, StatusCode::PRECONDITION_FAILED).await;
    assert_eq!(d.app.ticket(&d.agent, &id).await["priority"], "low");
}

#[tokio::test]
async fn the_desk_triages_assigns_and_unassigns() {
    let d = desk().await;
    // Flagging health details needs a purpose with an Art 9(2) condition governing the ticket.
    govern_tickets_with_art_9(&d.app, ORG).await;
    let id = d.alices_ticket().await;
    let change = json!({
        "title": "VPN drops every hour",
        "description": "Since the update",
        "category": "development_request",
        "priority": "critical",
        "assigned_team": "network",
        "assigned_agent": "agent-2",
        "contains_special_category": true,
    });
    let ticket = d.app.update_ticket(&d.agent, &id, &change).await;
    for (field, value) in change.as_object().expect("an object") {
        // The agent is named by account and shown as the party it resolves to.
        let shown = match field.as_str() {
            "assigned_agent" => by_account("agent-2"),
            _ => value.clone(),
        };
        assert_eq!(ticket[field], shown, "{field}");
    }
    // Fields left out stay; null unassigns.
    let ticket = d
        .app
        .update_ticket(&d.agent, &id, &json!({"assigned_agent": null}))
        .await;
    assert_eq!(ticket["assigned_agent"], json!(null));
    assert_eq!(ticket["assigned_team"], "network");
    assert_eq!(ticket["priority"], "critical");
}

#[tokio::test]
async fn bad_changes_are_422_naming_the_field() {
    let d = desk().await;
    let id = d.alices_ticket().await;
    for (field, value) in [
        ("title", json!("  ")),
        ("title", json!("x".repeat(201))),
        ("status", json!("done")),
        ("contains_special_category", json!("yes")),
        ("assigned_team", json!("")),
        ("reference", json!("INC-000099")),
    ] {
        let response = d
            .app
            .patch_json(&ticket_path(&id), Some(&d.agent), &json!({ field: value }))
            .await;
        problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, field).await;
    }
}

#[tokio::test]
async fn requesters_change_the_wording_of_their_own_tickets() {
    let d = desk().await;
    let id = d.alices_ticket().await;
    let ticket = d
        .app
        .update_ticket(
            &d.alice,
            &id,
            &json!({"title": "VPN drops at home", "description": "Wi-Fi is fine"}),
        )
        .await;
    assert_eq!(ticket["title"], "VPN drops at home");
    assert_eq!(ticket["description"], "Wi-Fi is fine");
}

#[tokio::test]
async fn requesters_may_not_triage_or_assign() {
    let d = desk().await;
    let id = d.alices_ticket().await;
    d.set_status(&id, "open").await;
    for change in [
        json!({"priority": "critical"}),
        json!({"category": "complaint"}),
        json!({"assigned_team": "network"}),
        json!({"assigned_agent": "agent-1"}),
        json!({"assigned_agent": null}),
        json!({"contains_special_category": true}),
        json!({"status": "pending"}),
        json!({"status": "resolved"}),
        json!({"title": "Mine", "priority": "high"}),
    ] {
        let response = d
            .app
            .patch_json(&ticket_path(&id), Some(&d.alice), &change)
            .await;
        problem(response, StatusCode::FORBIDDEN).await;
    }
    let ticket = d.app.ticket(&d.agent, &id).await;
    assert_eq!(ticket["title"], "VPN drops");
    assert_eq!(ticket["priority"], "medium");
    assert_eq!(ticket["status"], "open");
}

#[tokio::test]
async fn requesters_close_or_reopen_a_resolved_ticket() {
    let d = desk().await;
    let id = d.alices_ticket().await;
    d.set_status(&id, "resolved").await;
    let reopened = d
        .app
        .update_ticket(&d.alice, &id, &json!({"status": "open"}))
        .await;
    assert_eq!(reopened["status"], "open");
    d.set_status(&id, "resolved").await;
    let closed = d
        .app
        .update_ticket(&d.alice, &id, &json!({"status": "closed"}))
        .await;
    assert_eq!(closed["status"], "closed");
}

/// "Requesters may ... reopen or close them once resolved" (the operation's contract): opening a
/// new ticket is the desk's triage, not a reopening.
#[tokio::test]
async fn requesters_may_not_open_a_ticket_that_was_never_resolved() {
    let d = desk().await;
    let id = d.alices_ticket().await;
    let response = d
        .app
        .patch_json(
            &ticket_path(&id),
            Some(&d.alice),
            &json!({"status": "open"}),
        )
        .await;
    problem(response, StatusCode::FORBIDDEN).await;
    assert_eq!(d.app.ticket(&d.agent, &id).await["status"], "new");
}

#[tokio::test]
async fn admins_work_tickets_like_agents() {
    let d = desk().await;
    let admin = d.app.token(ORG, &["admin"], "admin-1");
    let id = d.alices_ticket().await;
    let ticket = d
        .app
        .update_ticket(
            &admin,
            &id,
            &json!({"status": "open", "assigned_team": "desk"}),
        )
        .await;
    assert_eq!(ticket["status"], "open");
    assert_eq!(ticket["assigned_team"], "desk");
}
