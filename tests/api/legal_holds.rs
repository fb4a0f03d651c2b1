//! Legal holds (Art 17(3)(b), (e)): the DPO places one on a person or a ticket with a reason
//! and releases it once; the DPO and auditors read them. And what blocks erasing a person's
//! data or a ticket's: the holds in force on them (a hold on a ticket holds its requester too)
//! and the person's requests still being answered, less the erasure request being fulfilled.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

const HOLDS: &str = "/api/v1/legal-holds";
const REQUESTS: &str = "/api/v1/rights-requests";
const EVENTS: &str = "/api/v1/audit-events";

fn hold_path(id: &str) -> String {
    format!("{HOLDS}/{id}")
}

fn release_path(id: &str) -> String {
    format!("{HOLDS}/{id}/release")
}

fn person_blockers(person: &str) -> String {
    format!("{PEOPLE}/{person}/blockers")
}

fn ticket_blockers(ticket: &str) -> String {
    format!("{}/blockers", ticket_path(ticket))
}

/// The organisation's DPO and auditor, and a person of it with their own token.
struct Desk {
    dpo: String,
    auditor: String,
    person: String,
    member: String,
}

async fn desk(app: &TestApp, subject: &str) -> Desk {
    Desk {
        dpo: app.token(ORG, &["dpo"], "dpo-1"),
        auditor: app.token(ORG, &["auditor"], "auditor-1"),
        person: app
            .record_person(
                ORG,
                subject,
                json!({"email": format!("{subject}@example.org")}),
            )
            .await,
        member: app.token(ORG, &["requester"], subject),
    }
}

/// Places a hold as `token`; returns the response.
async fn place(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.post_json(HOLDS, Some(token), body).await
}

/// Places a hold as the DPO; returns it.
async fn placed(app: &TestApp, d: &Desk, body: &Value) -> Value {
    json_body(place(app, &d.dpo, body).await, StatusCode::CREATED).await
}

async fn release(app: &TestApp, token: &str, id: &str, reason: &str) -> reqwest::Response {
    app.post_json(&release_path(id), Some(token), &json!({"reason": reason}))
        .await
}

/// A request the member makes for themselves; returns its id.
async fn request(app: &TestApp, d: &Desk, right: &str) -> String {
    let made = json_body(
        app.post_json(REQUESTS, Some(&d.member), &json!({"right": right}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    text(&made, "id")
}

async fn blockers(app: &TestApp, token: &str, path: &str, query: &[(&str, &str)]) -> Value {
    let response = send(
        app.request(reqwest::Method::GET, path, Some(token))
            .query(query),
    )
    .await;
    json_body(response, StatusCode::OK).await
}

/// The kinds and ids a blockers answer names, in order.
fn named(answer: &Value) -> Vec<(String, String)> {
    answer["blockers"]
        .as_array()
        .expect("blockers is a list")
        .iter()
        .map(|b| {
            let id = b
                .get("hold_id")
                .or_else(|| b.get("request_id"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            (text(b, "kind"), id.to_owned())
        })
        .collect()
}

fn hold(id: &str) -> (String, String) {
    ("legal_hold".to_owned(), id.to_owned())
}

fn pending(id: &str) -> (String, String) {
    ("open_rights_request".to_owned(), id.to_owned())
}

#[tokio::test]
async fn a_hold_is_placed_read_listed_and_released_once() {
    let app = spawn_app().await;
    let d = desk(&app, "H100").await;
    let response = place(
        &app,
        &d.dpo,
        &json!({"person_id": d.person, "reason": "  Employment tribunal claim 2026/123  "}),
    )
    .await;
    let location = location_of(&response);
    let created = json_body(response, StatusCode::CREATED).await;
    let id = text(&created, "id");
    assert_eq!(location, hold_path(&id));
    assert_eq!(created["person_id"], d.person.as_str());
    assert_eq!(created["ticket_id"], Value::Null);
    assert_eq!(created["reason"], "Employment tribunal claim 2026/123");
    assert_eq!(created["placed_by"], by_account("dpo-1"));
    assert_eq!(created["in_force"], true);
    assert_eq!(created["released_at"], Value::Null);

    // The auditor reads it, by id and in lists narrowed by person and by whether in force.
    let read = json_body(
        app.get(&hold_path(&id), Some(&d.auditor)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read, created);
    let ticket = app.create_ticket(&d.member, &incident("Laptop")).await;
    let on_ticket = placed(
        &app,
        &d,
        &json!({"ticket_id": ticket["id"], "reason": "Disclosure order"}),
    )
    .await;
    let all = app.list(HOLDS, &d.auditor, &[]).await;
    assert_eq!(
        ids(&all),
        [text(&on_ticket, "id"), id.clone()],
        "newest first"
    );
    let of_person = app
        .list(HOLDS, &d.auditor, &[("person_id", d.person.as_str())])
        .await;
    assert_eq!(ids(&of_person), std::slice::from_ref(&id));
    let of_ticket = app
        .list(HOLDS, &d.dpo, &[("ticket_id", &text(&ticket, "id"))])
        .await;
    assert_eq!(ids(&of_ticket), [text(&on_ticket, "id")]);
    assert_eq!(of_ticket[0]["person_id"], Value::Null);
    let pages = app.list_all(HOLDS, &d.dpo, 1).await;
    assert_eq!(pages.len(), 2, "one hold a page: {pages:?}");

    // Released once, with the reason, by the DPO; a second release is refused.
    let released = json_body(
        release(&app, &d.dpo, &id, "Claim withdrawn").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(released["in_force"], false);
    assert_eq!(released["release_reason"], "Claim withdrawn");
    assert_eq!(released["released_by"], by_account("dpo-1"));
    assert!(released["released_at"].is_string(), "{released}");
    assert_eq!(released["placed_at"], created["placed_at"]);
    let again = problem(
        release(&app, &d.dpo, &id, "Again").await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        text(&again, "detail").contains("already released"),
        "{again}"
    );
    let in_force = app.list(HOLDS, &d.dpo, &[("in_force", "true")]).await;
    assert_eq!(ids(&in_force), [text(&on_ticket, "id")]);
    let ended = app.list(HOLDS, &d.dpo, &[("in_force", "false")]).await;
    assert_eq!(ids(&ended), std::slice::from_ref(&id));
    assert_eq!(ended[0], released);

    // Each write and read is in the trail, about the person held.
    for (operation, count) in [("create", 2), ("update", 1), ("read", 1)] {
        let events = app
            .list(
                EVENTS,
                &d.dpo,
                &[("record_kind", "legal_hold"), ("operation", operation)],
            )
            .await;
        assert_eq!(events.len(), count, "{operation}: {events:?}");
    }
    let listed = app
        .list(
            EVENTS,
            &d.dpo,
            &[("record_kind", "legal_hold"), ("operation", "list")],
        )
        .await;
    assert!(listed.len() >= 5, "{listed:?}");
}

#[tokio::test]
async fn holds_are_the_dpos_to_write_the_auditors_to_read_and_the_organisations_own() {
    let app = spawn_app().await;
    let d = desk(&app, "H200").await;
    let body = json!({"person_id": d.person, "reason": "Claim"});
    let id = text(&placed(&app, &d, &body).await, "id");
    let ticket = text(
        &app.create_ticket(&d.member, &incident("Mouse")).await,
        "id",
    );

    // No token.
    problem(
        app.post_json(HOLDS, None, &body).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    problem(app.get(HOLDS, None).await, StatusCode::UNAUTHORIZED).await;
    problem(
        app.get(&hold_path(&id), None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    problem(
        app.post_json(&release_path(&id), None, &json!({"reason": "x"}))
            .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    problem(
        app.get(&person_blockers(&d.person), None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    problem(
        app.get(&ticket_blockers(&ticket), None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    // Wrong roles: only the DPO writes; the DPO and auditors read.
    for role in ["requester", "agent", "admin", "integrator", "auditor"] {
        let token = app.token(ORG, &[role], "someone");
        problem(place(&app, &token, &body).await, StatusCode::FORBIDDEN).await;
        problem(release(&app, &token, &id, "x").await, StatusCode::FORBIDDEN).await;
    }
    for role in ["requester", "agent", "admin", "integrator"] {
        let token = app.token(ORG, &[role], "someone");
        problem(app.get(HOLDS, Some(&token)).await, StatusCode::FORBIDDEN).await;
        problem(
            app.get(&hold_path(&id), Some(&token)).await,
            StatusCode::FORBIDDEN,
        )
        .await;
        problem(
            app.get(&person_blockers(&d.person), Some(&token)).await,
            StatusCode::FORBIDDEN,
        )
        .await;
        problem(
            app.get(&ticket_blockers(&ticket), Some(&token)).await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }

    // Another organisation's DPO finds nothing of this one's, and lists none of it.
    let other = app.token(OTHER_ORG, &["dpo"], "dpo-1");
    problem(
        app.get(&hold_path(&id), Some(&other)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        release(&app, &other, &id, "Not mine").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        app.get(&person_blockers(&d.person), Some(&other)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        app.get(&ticket_blockers(&ticket), Some(&other)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(app.list(HOLDS, &other, &[]).await.is_empty());
    // Nor may it hold this one's person or ticket.
    problem_naming(
        place(&app, &other, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "person_id",
    )
    .await;
    problem_naming(
        place(
            &app,
            &other,
            &json!({"ticket_id": ticket, "reason": "Claim"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "ticket_id",
    )
    .await;
    // The hold stands: the other organisation's release did nothing.
    let read = json_body(app.get(&hold_path(&id), Some(&d.dpo)).await, StatusCode::OK).await;
    assert_eq!(read["in_force"], true);
}

#[tokio::test]
async fn a_hold_is_on_exactly_one_thing_with_a_bounded_reason() {
    let app = spawn_app().await;
    let d = desk(&app, "H300").await;
    let ticket = text(
        &app.create_ticket(&d.member, &incident("Printer")).await,
        "id",
    );
    let unknown = uuid::Uuid::now_v7().to_string();
    for (body, field) in [
        (json!({"reason": "Claim"}), "person_id"),
        (
            json!({"person_id": d.person, "ticket_id": ticket, "reason": "Claim"}),
            "ticket_id",
        ),
        (json!({"person_id": d.person, "reason": "   "}), "reason"),
        (
            json!({"person_id": d.person, "reason": "x".repeat(2001)}),
            "reason",
        ),
        (json!({"person_id": d.person}), "reason"),
        (
            json!({"person_id": "not-a-uuid", "reason": "Claim"}),
            "person_id",
        ),
        (
            json!({"person_id": unknown, "reason": "Claim"}),
            "person_id",
        ),
        (
            json!({"ticket_id": unknown, "reason": "Claim"}),
            "ticket_id",
        ),
        (
            json!({"person_id": d.person, "reason": "Claim", "note": "x"}),
            "note",
        ),
    ] {
        problem_naming(
            place(&app, &d.dpo, &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            field,
        )
        .await;
    }
    assert!(
        app.list(HOLDS, &d.dpo, &[]).await.is_empty(),
        "nothing placed"
    );

    let id = text(
        &placed(&app, &d, &json!({"person_id": d.person, "reason": "Claim"})).await,
        "id",
    );
    for reason in ["  ", &"x".repeat(2001)] {
        problem_naming(
            release(&app, &d.dpo, &id, reason).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason",
        )
        .await;
    }
    problem_naming(
        app.post_json(&release_path("nope"), Some(&d.dpo), &json!({"reason": "x"}))
            .await,
        StatusCode::BAD_REQUEST,
        "id",
    )
    .await;
    problem(
        release(&app, &d.dpo, &uuid::Uuid::now_v7().to_string(), "x").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    for (name, value) in [
        ("in_force", "maybe"),
        ("person_id", "nope"),
        ("ticket_id", "nope"),
        ("limit", "0"),
    ] {
        problem_naming(
            send(
                app.request(reqwest::Method::GET, HOLDS, Some(&d.dpo))
                    .query(&[(name, value)]),
            )
            .await,
            StatusCode::BAD_REQUEST,
            name,
        )
        .await;
    }
    problem_naming(
        send(
            app.request(
                reqwest::Method::GET,
                &person_blockers(&d.person),
                Some(&d.dpo),
            )
            .query(&[("except_request_id", "nope")]),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "except_request_id",
    )
    .await;
    problem(
        app.get(&person_blockers(&unknown), Some(&d.dpo)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        app.get(&ticket_blockers(&unknown), Some(&d.dpo)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // Still in force: no refused release touched it.
    let read = json_body(app.get(&hold_path(&id), Some(&d.dpo)).await, StatusCode::OK).await;
    assert_eq!(read["in_force"], true);
}

#[tokio::test]
async fn holds_in_force_and_pending_requests_block_erasure_and_the_request_fulfilled_does_not() {
    let app = spawn_app().await;
    let d = desk(&app, "H400").await;
    let path = person_blockers(&d.person);
    let nothing = blockers(&app, &d.auditor, &path, &[]).await;
    assert_eq!(nothing, json!({"blocked": false, "blockers": []}));

    // A hold on the person, and two requests of theirs still being answered.
    let reason = "Tribunal claim brought by H400";
    let on_person = text(
        &placed(&app, &d, &json!({"person_id": d.person, "reason": reason})).await,
        "id",
    );
    let access = request(&app, &d, "access").await;
    let erasure = request(&app, &d, "erasure").await;
    let answer = blockers(&app, &d.dpo, &path, &[]).await;
    assert_eq!(answer["blocked"], true);
    assert_eq!(
        named(&answer),
        [hold(&on_person), pending(&access), pending(&erasure)]
    );
    assert_eq!(answer["blockers"][1]["right"], "access");
    assert!(answer["blockers"][0]["placed_at"].is_string(), "{answer}");
    // Ids only: never the reason, nor anything of the person.
    let body = answer.to_string();
    for secret in ["Tribunal", "H400", "example.org", "Bloggs"] {
        assert!(!body.contains(secret), "{secret} in {body}");
    }

    // The erasure being fulfilled does not block itself.
    let fulfilling = blockers(&app, &d.dpo, &path, &[("except_request_id", &erasure)]).await;
    assert_eq!(named(&fulfilling), [hold(&on_person), pending(&access)]);

    // A request answered blocks no more, and neither does a released hold.
    json_body(
        app.post_json(
            &format!("{REQUESTS}/{access}/outcome"),
            Some(&d.dpo),
            &json!({"outcome": "fulfilled"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_body(
        release(&app, &d.dpo, &on_person, "Settled").await,
        StatusCode::OK,
    )
    .await;
    let after = blockers(&app, &d.dpo, &path, &[("except_request_id", &erasure)]).await;
    assert_eq!(after, json!({"blocked": false, "blockers": []}));

    // A hold on a ticket the person requested holds them too; the ticket's blockers are its
    // own holds and its requester's.
    let ticket = text(
        &app.create_ticket(&d.member, &incident("Phone")).await,
        "id",
    );
    let other_ticket = text(&app.create_ticket(&d.member, &incident("Desk")).await, "id");
    let on_ticket = text(
        &placed(&app, &d, &json!({"ticket_id": ticket, "reason": "Order"})).await,
        "id",
    );
    let of_person = blockers(&app, &d.auditor, &path, &[]).await;
    assert_eq!(named(&of_person), [hold(&on_ticket), pending(&erasure)]);
    let of_ticket = blockers(&app, &d.auditor, &ticket_blockers(&ticket), &[]).await;
    assert_eq!(named(&of_ticket), [hold(&on_ticket), pending(&erasure)]);
    let of_other = blockers(&app, &d.auditor, &ticket_blockers(&other_ticket), &[]).await;
    assert_eq!(named(&of_other), [hold(&on_ticket), pending(&erasure)]);

    // Someone else's hold and requests are not the person's.
    let someone = app.record_person(ORG, "H401", json!({})).await;
    placed(
        &app,
        &d,
        &json!({"person_id": someone, "reason": "Other claim"}),
    )
    .await;
    let still = blockers(&app, &d.auditor, &path, &[]).await;
    assert_eq!(named(&still), [hold(&on_ticket), pending(&erasure)]);

    // Reading blockers is in the trail.
    let listed = app
        .list(
            EVENTS,
            &d.dpo,
            &[("record_kind", "rights_request"), ("operation", "list")],
        )
        .await;
    assert!(!listed.is_empty());
}

#[tokio::test]
async fn a_ticket_whose_requester_has_no_person_record_is_blocked_by_its_own_holds_only() {
    let app = spawn_app().await;
    let d = desk(&app, "H500").await;
    // A requester known by their account alone.
    let visitor = app.token(ORG, &["requester"], "visitor-1");
    let ticket = text(&app.create_ticket(&visitor, &incident("Wifi")).await, "id");
    let path = ticket_blockers(&ticket);
    assert_eq!(
        blockers(&app, &d.dpo, &path, &[]).await,
        json!({"blocked": false, "blockers": []})
    );
    let on_ticket = placed(&app, &d, &json!({"ticket_id": ticket, "reason": "Order"})).await;
    // The person's own request does not reach a ticket that is not theirs.
    request(&app, &d, "erasure").await;
    let answer = blockers(&app, &d.dpo, &path, &[]).await;
    assert_eq!(named(&answer), [hold(&text(&on_ticket, "id"))]);
}
