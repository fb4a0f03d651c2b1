//! Who may call each ticket endpoint: 401 without a token, 403 for a role the endpoint does not
//! admit, and 404 for every role when the ticket belongs to another organisation.

use reqwest::header::WWW_AUTHENTICATE;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

/// The ticket endpoints, for the ticket `id`.
fn endpoints(id: &str) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (Method::POST, TICKETS.to_owned(), Some(incident("New"))),
        (Method::GET, TICKETS.to_owned(), None),
        (Method::GET, ticket_path(id), None),
        (
            Method::PATCH,
            ticket_path(id),
            Some(json!({"title": "Changed"})),
        ),
        (
            Method::POST,
            comments_path(id),
            Some(json!({"body": "Hello"})),
        ),
        (Method::GET, comments_path(id), None),
    ]
}

async fn call(
    app: &TestApp,
    method: &Method,
    path: &str,
    body: &Option<Value>,
    token: Option<&str>,
) -> Response {
    let request = app.request(method.clone(), path, token);
    send(match body {
        Some(body) => request.json(body),
        None => request,
    })
    .await
}

/// Roles that may not call `method path`.
fn refused_roles(method: &Method, path: &str) -> &'static [&'static str] {
    let edits =
        *method == Method::PATCH || (*method == Method::POST && path.ends_with("/comments"));
    if edits {
        &["integrator", "auditor", "dpo"]
    } else {
        &["integrator", "auditor"]
    }
}

async fn a_ticket(app: &TestApp) -> String {
    let alice = app.token(ORG, &["requester"], "alice");
    text(
        &app.create_ticket(&alice, &incident("Printer jam")).await,
        "id",
    )
}

#[tokio::test]
async fn every_ticket_endpoint_needs_a_bearer_token() {
    let app = spawn_app().await;
    let id = a_ticket(&app).await;
    for (method, path, body) in endpoints(&id) {
        let response = call(&app, &method, &path, &body, None).await;
        let challenge = response
            .headers()
            .get(WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        problem(response, StatusCode::UNAUTHORIZED).await;
        assert_eq!(challenge.as_deref(), Some("Bearer"), "{method} {path}");
    }
}

#[tokio::test]
async fn roles_an_endpoint_does_not_admit_are_403() {
    let app = spawn_app().await;
    let id = a_ticket(&app).await;
    for (method, path, body) in endpoints(&id) {
        for role in refused_roles(&method, &path) {
            let token = app.token(ORG, &[role], "alice");
            let response = call(&app, &method, &path, &body, Some(&token)).await;
            let problem = problem(response, StatusCode::FORBIDDEN).await;
            assert!(
                text(&problem, "type").ends_with("/forbidden"),
                "{role}: {problem}"
            );
        }
    }
    // Nothing was changed by the refused calls.
    let agent = app.token(ORG, &["agent"], "agent-1");
    let ticket = app.ticket(&agent, &id).await;
    assert_eq!(ticket["title"], "Printer jam");
    assert!(app.list(&comments_path(&id), &agent, &[]).await.is_empty());
    assert_eq!(app.list(TICKETS, &agent, &[]).await.len(), 1);
}

#[tokio::test]
async fn admitted_roles_reach_every_endpoint() {
    let app = spawn_app().await;
    for role in ["requester", "agent", "admin", "dpo"] {
        let token = app.token(ORG, &[role], "alice");
        let id = text(&app.create_ticket(&token, &incident("Mine")).await, "id");
        for (method, path, body) in endpoints(&id) {
            if refused_roles(&method, &path).contains(&role) {
                continue;
            }
            let response = call(&app, &method, &path, &body, Some(&token)).await;
            assert!(
                response.status().is_success(),
                "{role} {method} {path}: {}",
                response.status()
            );
        }
    }
}

#[tokio::test]
async fn another_organisations_ticket_is_404_for_every_role() {
    let app = spawn_app().await;
    let id = a_ticket(&app).await;
    for role in ["requester", "agent", "admin", "dpo"] {
        // Even the same subject name, in another organisation, is someone else.
        let token = app.token(OTHER_ORG, &[role], "alice");
        for (method, path, body) in endpoints(&id) {
            if path == TICKETS || refused_roles(&method, &path).contains(&role) {
                continue;
            }
            let response = call(&app, &method, &path, &body, Some(&token)).await;
            problem(response, StatusCode::NOT_FOUND).await;
        }
        let listed = app.list(TICKETS, &token, &[]).await;
        assert!(
            !ids(&listed).contains(&id),
            "{role} of {OTHER_ORG} lists it"
        );
    }
    let agent = app.token(ORG, &["agent"], "agent-1");
    assert_eq!(app.ticket(&agent, &id).await["title"], "Printer jam");
}

#[tokio::test]
async fn a_requester_may_not_reach_someone_elses_ticket() {
    let app = spawn_app().await;
    let id = a_ticket(&app).await;
    let carol = app.token(ORG, &["requester"], "carol");
    for (method, path, body) in endpoints(&id) {
        if path == TICKETS {
            continue;
        }
        let response = call(&app, &method, &path, &body, Some(&carol)).await;
        problem(response, StatusCode::NOT_FOUND).await;
    }
}

/// actix-web extracts a handler's arguments together and answers the first error ready; a bad
/// body must still not answer before the caller's refusal (here a processor naming a controller
/// it has no agreement with, checked in the database).
#[tokio::test]
async fn a_refused_caller_hears_the_refusal_never_a_verdict_on_its_body() {
    let app = spawn_seeded_app().await;
    let agent = app.token("cabinet-office", &["agent"], "co-agent");
    for body in [json!({"kind": "teapot"}), json!([1, 2]), json!({})] {
        for _ in 0..5 {
            let refused = send(
                app.request(Method::POST, TICKETS, Some(&agent))
                    .header("Acting-For", "devon-cc")
                    .json(&body),
            )
            .await;
            problem(refused, StatusCode::FORBIDDEN).await;
        }
    }
    let malformed = send(
        app.request(Method::POST, TICKETS, Some(&agent))
            .header("Acting-For", "devon-cc")
            .header("Content-Type", "application/json")
            .body("{not json"),
    )
    .await;
    problem(malformed, StatusCode::FORBIDDEN).await;
}
