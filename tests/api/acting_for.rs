//! A processor's users acting on a controller's data (`Acting-For`): only under an agreement in
//! force, recorded against the controller, never keeping the controller's register. The demo
//! has the Cabinet Office processing for DCMS and DExEU.

use reqwest::header::IF_MATCH;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::*;

const ACTING_FOR: &str = "Acting-For";

#[tokio::test]
async fn a_processor_raises_tickets_for_its_controller_and_they_are_the_controllers() {
    let app = spawn_seeded_app().await;
    let processor_agent = app.token("cabinet-office", &["agent"], "co-agent");
    let mut body = incident("Laptop will not boot");
    body["requester"] = json!("dcms-staff-1");
    let raised = send(
        app.request(Method::POST, TICKETS, Some(&processor_agent))
            .header(ACTING_FOR, "dcms")
            .json(&body),
    )
    .await;
    let ticket = json_body(raised, StatusCode::CREATED).await;
    let id = text(&ticket, "id");

    // DCMS's own desk sees it; the Cabinet Office's own desk does not.
    let dcms_agent = app.token("dcms", &["agent"], "dcms-agent");
    let seen = app.get(&ticket_path(&id), Some(&dcms_agent)).await;
    assert_eq!(text(&json_body(seen, StatusCode::OK).await, "id"), id);
    let own = app.get(&ticket_path(&id), Some(&processor_agent)).await;
    problem(own, StatusCode::NOT_FOUND).await;
    let acting = send(
        app.request(Method::GET, &ticket_path(&id), Some(&processor_agent))
            .header(ACTING_FOR, "dcms"),
    )
    .await;
    assert_eq!(text(&json_body(acting, StatusCode::OK).await, "id"), id);
}

#[tokio::test]
async fn without_an_agreement_in_force_acting_for_is_refused() {
    let app = spawn_seeded_app().await;
    let processor_agent = app.token("cabinet-office", &["agent"], "co-agent");
    for controller in ["devon-cc", "no-such-org"] {
        let refused = send(
            app.request(Method::GET, TICKETS, Some(&processor_agent))
                .header(ACTING_FOR, controller),
        )
        .await;
        let body = problem(refused, StatusCode::FORBIDDEN).await;
        assert!(text(&body, "detail").contains("processing agreement"));
    }
    // The controller the other way round: DCMS does not process for the Cabinet Office.
    let dcms_agent = app.token("dcms", &["agent"], "dcms-agent");
    let reversed = send(
        app.request(Method::GET, TICKETS, Some(&dcms_agent))
            .header(ACTING_FOR, "cabinet-office"),
    )
    .await;
    problem(reversed, StatusCode::FORBIDDEN).await;
    let malformed = send(
        app.request(Method::GET, TICKETS, Some(&processor_agent))
            .header(ACTING_FOR, "Not A Slug"),
    )
    .await;
    problem(malformed, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn an_ended_agreement_stops_the_processor_acting() {
    let app = spawn_seeded_app().await;
    let dcms_admin = app.token("dcms", &["admin"], "dcms-admin");
    let agreements = json_body(
        app.get("/api/v1/processing-agreements", Some(&dcms_admin))
            .await,
        StatusCode::OK,
    )
    .await;
    let agreement = items(&agreements)
        .into_iter()
        .find(|a| a["processor"] == "cabinet-office")
        .expect("the DCMS agreement");
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).date_naive();
    let ended = send(
        app.request(
            Method::PUT,
            &format!("/api/v1/processing-agreements/{}", text(&agreement, "id")),
            Some(&dcms_admin),
        )
        .header(IF_MATCH, format!("\"{}\"", agreement["version"]))
        .json(&json!({
            "processor": "cabinet-office",
            "purposes": agreement["purposes"],
            "processing": agreement["processing"],
            "starts_on": agreement["starts_on"],
            "ends_on": yesterday.to_string(),
        })),
    )
    .await;
    let ended = json_body(ended, StatusCode::OK).await;
    assert_eq!(ended["in_force"], false);
    let processor_agent = app.token("cabinet-office", &["agent"], "co-agent");
    let refused = send(
        app.request(Method::GET, TICKETS, Some(&processor_agent))
            .header(ACTING_FOR, "dcms"),
    )
    .await;
    problem(refused, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn a_processor_reads_the_controllers_register_but_never_keeps_it() {
    let app = spawn_seeded_app().await;
    let processor_dpo = app.token("cabinet-office", &["dpo"], "co-dpo");
    let read = send(
        app.request(
            Method::GET,
            "/api/v1/register/purposes",
            Some(&processor_dpo),
        )
        .header(ACTING_FOR, "dcms"),
    )
    .await;
    let purposes = json_body(read, StatusCode::OK).await;
    let dcms = json_body(
        app.get(
            "/api/v1/register/purposes",
            Some(&app.token("dcms", &["auditor"], "dcms-auditor")),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ids(&items(&purposes)), ids(&items(&dcms)));
    let write = send(
        app.request(
            Method::POST,
            "/api/v1/register/data-categories",
            Some(&processor_dpo),
        )
        .header(ACTING_FOR, "dcms")
        .json(&json!({ "name": "Badge photographs" })),
    )
    .await;
    let body = problem(write, StatusCode::FORBIDDEN).await;
    assert!(text(&body, "detail").contains("controller"));
}

#[tokio::test]
async fn what_is_the_controllers_own_is_never_done_with_acting_for() {
    let app = spawn_seeded_app().await;
    let processor_agent = app.token("cabinet-office", &["agent"], "co-agent");
    let processor_dpo = app.token("cabinet-office", &["dpo"], "co-dpo");
    // A member's own assignments and a person's consents name people of the token's own
    // organisation only; the reason says why, whatever the operation.
    for (path, token) in [
        ("/api/v1/people/me/assignments", &processor_agent),
        ("/api/v1/consents", &processor_dpo),
    ] {
        let refused = send(
            app.request(Method::GET, path, Some(token))
                .header(ACTING_FOR, "dcms"),
        )
        .await;
        let body = problem(refused, StatusCode::FORBIDDEN).await;
        assert!(text(&body, "detail").contains("Acting-For"), "{body}");
    }
}

// ---------------------------------------------------------------------------------------------
// Identity never crosses organisations

/// A person of DCMS whose `external_id` is `subject`, with a ticket of their own; returns the
/// person's id and the ticket's id.
async fn dcms_person_with_a_ticket(app: &TestApp, subject: &str) -> (String, String) {
    let admin = app.token("dcms", &["admin"], "dcms-admin");
    let person = json_body(
        app.post_json(
            PEOPLE,
            Some(&admin),
            &json!({
                "kind": "staff",
                "external_id": subject,
                "given_name": "Alice",
                "family_name": "Bloggs",
                "email": "alice.bloggs@example.gov.uk",
                "starts_on": "2020-01-06",
            }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let own = app.token("dcms", &["requester"], subject);
    let ticket = app.create_ticket(&own, &incident("Printer jams")).await;
    (text(&person, "id"), text(&ticket, "id"))
}

/// A request by `token` naming DCMS in `Acting-For`.
async fn for_dcms(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> reqwest::Response {
    let request = app
        .request(method, path, Some(token))
        .header(ACTING_FOR, "dcms");
    send(match body {
        Some(body) => request.json(&body),
        None => request,
    })
    .await
}

#[tokio::test]
async fn a_processors_requester_is_never_the_controllers_person() {
    let app = spawn_seeded_app().await;
    let (person, ticket) = dcms_person_with_a_ticket(&app, "alice-1").await;
    // The processor's user whose subject happens to be the DCMS person's external id.
    let impostor = app.token("cabinet-office", &["requester"], "alice-1");
    let correction = json!({ "given_name": "Mallory", "email": "mallory@example.org" });
    for (method, path, body) in [
        (Method::GET, "/api/v1/people/me".to_owned(), None),
        (Method::GET, format!("{PEOPLE}/{person}"), None),
        (
            Method::PATCH,
            format!("{PEOPLE}/{person}"),
            Some(correction),
        ),
        (Method::GET, TICKETS.to_owned(), None),
        (Method::GET, ticket_path(&ticket), None),
        (Method::POST, TICKETS.to_owned(), Some(incident("Not mine"))),
        (
            Method::POST,
            comments_path(&ticket),
            Some(json!({ "body": "Any news?" })),
        ),
        (Method::GET, "/api/v1/consents".to_owned(), None),
        (Method::GET, format!("{TICKETS}/{ticket}/survey"), None),
    ] {
        let refused = for_dcms(&app, method.clone(), &path, &impostor, body).await;
        let body = problem(refused, StatusCode::FORBIDDEN).await;
        assert!(
            text(&body, "detail").contains("Acting-For"),
            "{method} {path}: {body}"
        );
    }
    // The record is as it was.
    let dcms_agent = app.token("dcms", &["agent"], "dcms-agent");
    let record = json_body(
        app.get(&format!("{PEOPLE}/{person}"), Some(&dcms_agent))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(record["given_name"], "Alice");
    assert_eq!(record["version"], 1);
}

#[tokio::test]
async fn a_processors_agent_works_for_the_controller_but_is_none_of_its_people() {
    let app = spawn_seeded_app().await;
    let (person, ticket) = dcms_person_with_a_ticket(&app, "alice-1").await;
    let agent = app.token("cabinet-office", &["agent", "requester"], "alice-1");
    // Agent work under the agreement stays allowed.
    let read = for_dcms(
        &app,
        Method::GET,
        &format!("{PEOPLE}/{person}"),
        &agent,
        None,
    )
    .await;
    json_body(read, StatusCode::OK).await;
    let seen = for_dcms(&app, Method::GET, &ticket_path(&ticket), &agent, None).await;
    json_body(seen, StatusCode::OK).await;
    // But never as the person: no own record, no self-correction (Art 16).
    let me = for_dcms(&app, Method::GET, "/api/v1/people/me", &agent, None).await;
    let body = problem(me, StatusCode::FORBIDDEN).await;
    assert!(text(&body, "detail").contains("Acting-For"), "{body}");
    let correction = json!({ "given_name": "Mallory" });
    let path = format!("{PEOPLE}/{person}");
    let refused = for_dcms(&app, Method::PATCH, &path, &agent, Some(correction)).await;
    problem(refused, StatusCode::FORBIDDEN).await;
    // A ticket raised for the controller names its requester: the agent is not one.
    let unnamed = for_dcms(
        &app,
        Method::POST,
        TICKETS,
        &agent,
        Some(incident("Broken")),
    )
    .await;
    problem_naming(unnamed, StatusCode::UNPROCESSABLE_ENTITY, "requester").await;
    let mut named = incident("Broken screen");
    named["requester"] = json!("alice-1");
    let raised = for_dcms(&app, Method::POST, TICKETS, &agent, Some(named)).await;
    let raised = json_body(raised, StatusCode::CREATED).await;
    // Named by their account, the requester is the controller's person who holds it.
    assert_eq!(raised["requester"], by_person(&person));
}

/// The trail names a processor's user with its organisation: a controller's requester whose
/// token subject happens to be the same neither sees nor reaches what that user raised.
#[tokio::test]
async fn what_a_processors_user_raises_is_never_a_same_named_controller_persons() {
    let app = spawn_seeded_app().await;
    let processor_agent = app.token("cabinet-office", &["agent"], "shared-sub");
    let mut body = incident("Raised by the processor");
    body["requester"] = json!("dcms-staff-1");
    let raised = send(
        app.request(Method::POST, TICKETS, Some(&processor_agent))
            .header(ACTING_FOR, "dcms")
            .json(&body),
    )
    .await;
    let ticket = json_body(raised, StatusCode::CREATED).await;
    assert_eq!(ticket["raised_by"], by_account("shared-sub@cabinet-office"));

    let namesake = app.token("dcms", &["requester"], "shared-sub");
    let mine = app.list(TICKETS, &namesake, &[]).await;
    assert!(
        mine.is_empty(),
        "a namesake sees the processor's ticket: {mine:?}"
    );
    let read = app
        .get(&ticket_path(&text(&ticket, "id")), Some(&namesake))
        .await;
    problem(read, StatusCode::NOT_FOUND).await;
}
