//! One identity for a person: records name people by person id, an account with no person
//! record is named by itself until a person takes it, and changing a person's external id
//! never detaches them from what they raised.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

const ORG: &str = "acme";

#[tokio::test]
async fn an_account_that_raised_tickets_becomes_the_person_who_takes_it() {
    let app = spawn_app().await;
    let newbie = app.token(ORG, &["requester"], "newbie");
    let agent = app.token(ORG, &["agent"], "agent-1");
    let ticket = app.create_ticket(&newbie, &incident("No laptop yet")).await;
    let id = text(&ticket, "id");
    assert_eq!(ticket["requester"], by_account("newbie"));
    let comment = app
        .post_json(
            &comments_path(&id),
            Some(&newbie),
            &json!({ "body": "Day one" }),
        )
        .await;
    json_body(comment, StatusCode::CREATED).await;

    // HR records the joiner with that account as their external id.
    let person = app.record_person(ORG, "newbie", json!({})).await;
    let seen = app.ticket(&agent, &id).await;
    assert_eq!(seen["requester"], by_person(&person));
    assert_eq!(seen["raised_by"], by_person(&person));
    let comments = app.list(&comments_path(&id), &agent, &[]).await;
    assert_eq!(comments[0]["author"], by_person(&person));
    // The same token now acts as the person, and still sees the ticket as theirs.
    let mine = app.list(TICKETS, &newbie, &[]).await;
    assert_eq!(ids(&mine), std::slice::from_ref(&id));
    assert_eq!(
        app.ticket(&newbie, &id).await["requester"],
        by_person(&person)
    );
}

#[tokio::test]
async fn changing_an_external_id_keeps_the_person_with_their_tickets() {
    let app = spawn_app().await;
    let person = app.record_person(ORG, "E1", json!({})).await;
    let before = app.token(ORG, &["requester"], "E1");
    let id = text(&app.create_ticket(&before, &incident("Mine")).await, "id");
    let integrator = app.token(ORG, &["integrator"], "hr-system");
    let moved = app
        .patch_json(
            &format!("{PEOPLE}/{person}"),
            Some(&integrator),
            &json!({ "external_id": "E1-renumbered" }),
        )
        .await;
    json_body(moved, StatusCode::OK).await;

    let after = app.token(ORG, &["requester"], "E1-renumbered");
    assert_eq!(
        ids(&app.list(TICKETS, &after, &[]).await),
        std::slice::from_ref(&id)
    );
    assert_eq!(
        app.ticket(&after, &id).await["requester"],
        by_person(&person)
    );
    // The old account is no one's now: it sees nothing.
    assert!(app.list(TICKETS, &before, &[]).await.is_empty());
    problem(
        app.get(&ticket_path(&id), Some(&before)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn the_desk_names_a_requester_by_person_id() {
    let app = spawn_app().await;
    let agent = app.token(ORG, &["agent"], "agent-1");
    let admin = app.token(ORG, &["admin"], "admin-1");
    // Someone on record with no account at all.
    let person = json_body(
        app.post_json(
            PEOPLE,
            Some(&admin),
            &json!({ "kind": "external", "given_name": "Pat", "family_name": "Visitor" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let person = text(&person, "id");
    let mut body = incident("Visitor badge");
    body["requester_id"] = json!(person);
    let ticket = app.create_ticket(&agent, &body).await;
    assert_eq!(ticket["requester"], by_person(&person));
    assert_eq!(ticket["raised_by"], by_account("agent-1"));
    let found = app
        .list(TICKETS, &agent, &[("requester_id", person.as_str())])
        .await;
    assert_eq!(ids(&found), [text(&ticket, "id")]);
    // Filters narrow together: an account held by no one and a person id match nothing.
    let neither = app
        .list(
            TICKETS,
            &agent,
            &[("requester_id", person.as_str()), ("requester", "agent-1")],
        )
        .await;
    assert!(neither.is_empty());

    body["requester_id"] = json!(uuid::Uuid::now_v7());
    problem_naming(
        app.post_json(TICKETS, Some(&agent), &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "requester_id",
    )
    .await;
    body["requester_id"] = json!(person);
    body["requester"] = json!("someone");
    problem_naming(
        app.post_json(TICKETS, Some(&agent), &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "requester_id",
    )
    .await;
    problem_naming(
        app.get(&format!("{TICKETS}?requester_id=not-an-id"), Some(&agent))
            .await,
        StatusCode::BAD_REQUEST,
        "requester_id",
    )
    .await;
}

#[tokio::test]
async fn a_duty_granted_to_an_account_follows_it_to_the_person_who_takes_it() {
    let app = spawn_app().await;
    let dpo = app.token(ORG, &["dpo"], "dpo-1");
    let agent = app.token(ORG, &["agent"], "agent-7");
    let person = app.record_person(ORG, "E5", json!({})).await;
    let adjustments = format!("{PEOPLE}/{person}/adjustments");
    json_body(
        app.put_json(
            &adjustments,
            Some(&dpo),
            &json!({ "reasonable_adjustments": "Large monitor", "condition": "b" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let grant = json_body(
        app.put_json("/api/v1/adjustment-readers/agent-7", Some(&dpo), &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(grant["subject"], by_account("agent-7"));
    json_body(app.get(&adjustments, Some(&agent)).await, StatusCode::OK).await;

    // The agent joins the HR feed under that account: the grant is now the person's.
    let agent_person = app.record_person(ORG, "agent-7", json!({})).await;
    json_body(app.get(&adjustments, Some(&agent)).await, StatusCode::OK).await;
    let again = json_body(
        app.put_json("/api/v1/adjustment-readers/agent-7", Some(&dpo), &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["subject"], by_person(&agent_person));
    assert_eq!(
        again["granted_at"], grant["granted_at"],
        "the first grant, kept"
    );
}
