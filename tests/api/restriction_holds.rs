//! Restriction that holds (Art 18(2)): while a restriction placed by a request for restriction
//! (Art 18(1)(a) to (c)) or an objection (18(1)(d)) holds, the person's data under a restricted
//! purpose is stored but not otherwise processed: writes to their record (PATCH, HR sync,
//! SCIM), to desk records about them, disclosures of it and survey use of it are refused with a
//! 409 naming the restriction and its ground, and nothing is written; reads go on. The DPO's
//! Art 18(2) exceptions let one kind of processing through; lifting tells the person first
//! (Art 18(3)).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::restrictions::{Member, member};

const REQUESTS: &str = "/api/v1/rights-requests";
const RESTRICTIONS: &str = "/api/v1/restrictions";
const DISCLOSURES: &str = "/api/v1/disclosures";
const ACCOUNTS: &str = "/api/v1/accounts";
const ASSETS: &str = "/api/v1/assets";
const EVENTS: &str = "/api/v1/audit-events";

fn restriction_path(id: &str) -> String {
    format!("{RESTRICTIONS}/{id}")
}

fn exceptions_path(id: &str) -> String {
    format!("{RESTRICTIONS}/{id}/exceptions")
}

fn lift_path(id: &str) -> String {
    format!("{RESTRICTIONS}/{id}/lift")
}

fn person_path(id: &str) -> String {
    format!("{PEOPLE}/{id}")
}

/// The person's request (`body` names the right and more); answers the restriction it placed.
async fn restricted_by(app: &TestApp, m: &Member, body: Value) -> Value {
    let request = json_body(
        app.post_json(REQUESTS, Some(&m.token), &body).await,
        StatusCode::CREATED,
    )
    .await;
    let answer = json_body(
        app.get(
            &format!("{REQUESTS}/{}/restriction", text(&request, "id")),
            Some(&m.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(answer["restriction"].is_object(), "{answer}");
    answer["restriction"].clone()
}

/// A 409 problem naming the restriction by id and its ground's article, and no data of the
/// person (their names as `record_person` gives them).
pub(crate) async fn refused_by(response: reqwest::Response, restriction: &Value) -> Value {
    let body = problem(response, StatusCode::CONFLICT).await;
    let detail = text(&body, "detail");
    assert!(detail.contains(&text(restriction, "id")), "{detail}");
    assert!(detail.contains(&text(restriction, "article")), "{detail}");
    assert!(detail.contains("Art 18(2)"), "{detail}");
    for personal in ["Jo", "Bloggs"] {
        assert!(!detail.contains(personal), "{detail}");
    }
    body
}

async fn read(app: &TestApp, token: &str, path: &str) -> Value {
    json_body(app.get(path, Some(token)).await, StatusCode::OK).await
}

/// Records an exception as the DPO; answers the restriction with it.
async fn except(app: &TestApp, m: &Member, restriction: &Value, body: Value) -> Value {
    json_body(
        app.post_json(
            &exceptions_path(&text(restriction, "id")),
            Some(&m.dpo),
            &body,
        )
        .await,
        StatusCode::CREATED,
    )
    .await
}

/// A disclosure of the member's data in a category their restricted purpose holds, made now.
async fn disclosure(app: &TestApp, m: &Member, restriction: &Value) -> Value {
    let purpose = text(&restriction["purposes"][0], "purpose_id");
    let purpose = read(app, &m.dpo, &format!("{PURPOSES}/{purpose}")).await;
    let recipients = app
        .list(&Kind::Recipient.collection(), &m.dpo, &[("limit", "500")])
        .await;
    json!({
        "person_id": m.person, "recipient_id": text(&recipients[0], "id"),
        "disclosed_at": chrono::Utc::now().to_rfc3339(), "basis": "court_order",
        "data_categories": [purpose["data_categories"][0]],
        "description": "Contact details",
    })
}

#[tokio::test]
async fn a_request_for_restriction_restricts_the_purposes_holding_the_data_on_its_ground() {
    let app = spawn_seeded_app().await;
    let m = member(&app, CABINET_OFFICE, "C300").await;
    // Adjustments recorded first: the purpose holding them is among those restricted.
    let adjustments = format!("{PEOPLE}/{}/adjustments", m.person);
    let recorded = json!({"reasonable_adjustments": "Large monitor", "condition": "b"});
    json_body(
        app.put_json(&adjustments, Some(&m.dpo), &recorded).await,
        StatusCode::OK,
    )
    .await;
    let restriction = restricted_by(
        &app,
        &m,
        json!({"right": "restriction", "restriction_ground": "a"}),
    )
    .await;
    assert_eq!(restriction["ground"], "a");
    assert_eq!(restriction["article"], "Art 18(1)(a)");
    assert_eq!(restriction["placed_by"], by_person(&m.person));
    let processing = read(&app, &m.dpo, &format!("{PEOPLE}/{}/processing", m.person)).await;
    let held: Vec<&Value> = processing["purposes"]
        .as_array()
        .expect("purposes")
        .iter()
        .map(|p| &p["purpose_id"])
        .collect();
    let restricted: Vec<&Value> = restriction["purposes"]
        .as_array()
        .expect("purposes")
        .iter()
        .map(|p| &p["purpose_id"])
        .collect();
    assert_eq!(restricted, held, "every purpose holding the person's data");
    assert_eq!(restriction["exceptions"], json!([]));

    // Their adjustments are stored, readable, and not rewritten.
    let replaced = json!({"reasonable_adjustments": "Standing desk", "condition": "b"});
    refused_by(
        app.put_json(&adjustments, Some(&m.dpo), &replaced).await,
        &restriction,
    )
    .await;
    let kept = read(&app, &m.dpo, &adjustments).await;
    assert_eq!(kept["reasonable_adjustments"], "Large monitor");

    // A request naming one purpose restricts that one only.
    let other = member(&app, CABINET_OFFICE, "C301").await;
    let theirs = read(
        &app,
        &m.dpo,
        &format!("{PEOPLE}/{}/processing", other.person),
    )
    .await;
    let first = &theirs["purposes"][0]["purpose_id"];
    assert!(
        theirs["purposes"].as_array().is_some_and(|p| p.len() > 1),
        "{theirs}"
    );
    let named = restricted_by(
        &app,
        &other,
        json!({"right": "restriction", "restriction_ground": "c", "purpose_ids": [first]}),
    )
    .await;
    assert_eq!(named["ground"], "c");
    assert_eq!(named["purposes"].as_array().map(Vec::len), Some(1));
    assert_eq!(&named["purposes"][0]["purpose_id"], first);
}

#[tokio::test]
async fn a_request_for_restriction_names_its_ground_and_purposes_holding_the_data() {
    let app = spawn_seeded_app().await;
    let m = member(&app, CABINET_OFFICE, "C310").await;
    let refused = [
        (json!({"right": "restriction"}), "restriction_ground"),
        (
            json!({"right": "restriction", "restriction_ground": "d"}),
            "restriction_ground",
        ),
        (
            json!({"right": "restriction", "restriction_ground": "z"}),
            "restriction_ground",
        ),
        (
            json!({"right": "access", "restriction_ground": "a"}),
            "restriction_ground",
        ),
        (
            json!({"right": "access", "purpose_ids": [m.person]}),
            "purpose_ids",
        ),
        (
            json!({"right": "restriction", "restriction_ground": "a", "purpose_ids": []}),
            "purpose_ids",
        ),
        // A purpose of the register that holds none of the person's data, or none at all.
        (
            json!({"right": "restriction", "restriction_ground": "a",
                   "purpose_ids": [m.person]}),
            "purpose_ids",
        ),
    ];
    for (body, field) in refused {
        problem_naming(
            app.post_json(REQUESTS, Some(&m.token), &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            field,
        )
        .await;
    }
    // Nothing was recorded for any of them.
    assert!(app.list(REQUESTS, &m.dpo, &[]).await.is_empty());
}

/// POSTs `body` as `token`; fails unless 201; answers the body.
async fn made(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    json_body(
        app.post_json(path, Some(token), &body).await,
        StatusCode::CREATED,
    )
    .await
}

#[tokio::test]
async fn a_restricted_persons_record_and_desk_records_are_not_written_and_reads_go_on() {
    let app = spawn_seeded_app().await;
    let m = member(&app, DEVON, "D300").await;
    // Before the objection: a ticket of theirs, an account, and an asset an agent on the desk's
    // record asked for them.
    app.record_person(DEVON, "agent-1", json!({})).await;
    let ticket = text(
        &made(&app, &m.token, TICKETS, incident("VPN drops")).await,
        "id",
    );
    let account = made(
        &app,
        &m.agent,
        ACCOUNTS,
        json!({"person_id": m.person, "kind": "network", "system": "Active Directory",
               "identifier": "d300"}),
    )
    .await;
    let asset = made(
        &app,
        &m.agent,
        ASSETS,
        json!({"kind": "laptop", "tag": "D-300"}),
    )
    .await;
    let assignments = format!("{ASSETS}/{}/assignments", text(&asset, "id"));
    let assignment = made(&app, &m.agent, &assignments, json!({"person_id": m.person})).await;
    // Devon holds the record, tickets, accounts and assets on its public task: an objection
    // restricts them all under Art 18(1)(d).
    let restriction = restricted_by(&app, &m, json!({"right": "objection"})).await;
    assert_eq!(restriction["article"], "Art 18(1)(d)");

    let person = person_path(&m.person);
    let renamed = json!({"given_name": "Joanna"});
    let refused = [
        // Their record, by the desk and by the person themselves.
        (Method::PATCH, person.clone(), &m.dpo, renamed.clone()),
        (Method::PATCH, person.clone(), &m.token, renamed),
        // Their ticket and its comments, and a new ticket about them, by them or the desk.
        (
            Method::PATCH,
            ticket_path(&ticket),
            &m.agent,
            json!({"status": "open"}),
        ),
        (
            Method::POST,
            comments_path(&ticket),
            &m.token,
            json!({"body": "Any news?"}),
        ),
        (
            Method::POST,
            TICKETS.to_owned(),
            &m.token,
            incident("Keyboard"),
        ),
        (
            Method::POST,
            TICKETS.to_owned(),
            &m.agent,
            json!({"kind": "incident", "category": "it_system", "title": "Keyboard",
                   "requester_id": m.person}),
        ),
        // Their accounts, old and new.
        (
            Method::PATCH,
            format!("{ACCOUNTS}/{}", text(&account, "id")),
            &m.agent,
            json!({"status": "removed"}),
        ),
        (
            Method::POST,
            ACCOUNTS.to_owned(),
            &m.agent,
            json!({"person_id": m.person, "kind": "email", "system": "Exchange",
                   "identifier": "d300-mail"}),
        ),
        // Their asset assignment, and a new one.
        (
            Method::PATCH,
            format!("{assignments}/{}", text(&assignment, "id")),
            &m.agent,
            json!({"status": "approved"}),
        ),
        (
            Method::POST,
            assignments.clone(),
            &m.agent,
            json!({"person_id": m.person}),
        ),
    ];
    for (method, path, token, body) in refused {
        let response = send(app.request(method, &path, Some(token)).json(&body)).await;
        refused_by(response, &restriction).await;
    }

    // Nothing was written: each reads as it was.
    assert_eq!(read(&app, &m.dpo, &person).await["given_name"], "Jo");
    assert_eq!(app.ticket(&m.agent, &ticket).await["status"], "new");
    assert!(
        app.list(&comments_path(&ticket), &m.agent, &[])
            .await
            .is_empty()
    );
    assert_eq!(app.list(TICKETS, &m.agent, &[]).await.len(), 1);
    let accounts = app
        .list(ACCOUNTS, &m.agent, &[("person_id", &m.person)])
        .await;
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0]["status"], account["status"]);
    let held = app.list(&assignments, &m.agent, &[]).await;
    assert_eq!(held.len(), 1);
    assert_eq!(held[0]["status"], "requested");

    // Someone else's ticket is no business of the restriction.
    let colleague = member(&app, DEVON, "D301").await;
    let theirs = text(
        &app.create_ticket(&colleague.token, &incident("Mouse"))
            .await,
        "id",
    );
    app.update_ticket(&m.agent, &theirs, &json!({"status": "open"}))
        .await;

    // Reads go on, their own subject access among them.
    read(&app, &m.token, "/api/v1/people/me").await;
    read(&app, &m.token, &format!("{PEOPLE}/{}/processing", m.person)).await;
    app.ticket(&m.token, &ticket).await;
}

#[tokio::test]
async fn an_exception_lets_its_processing_through_and_no_other() {
    let app = spawn_seeded_app().await;
    let m = member(&app, DEVON, "D310").await;
    let restriction = restricted_by(&app, &m, json!({"right": "objection"})).await;
    let id = text(&restriction, "id");

    // No disclosure while it holds.
    let disclosed = disclosure(&app, &m, &restriction).await;
    refused_by(
        app.post_json(DISCLOSURES, Some(&m.dpo), &disclosed).await,
        &restriction,
    )
    .await;
    let logged = format!("{PEOPLE}/{}/disclosures", m.person);
    assert!(app.list(&logged, &m.dpo, &[]).await.is_empty());

    // The DPO lets disclosures through for legal claims, and nothing else.
    let excepted = except(
        &app,
        &m,
        &restriction,
        json!({"ground": "legal_claims", "allows": "disclosure",
               "note": "Disclosure to the court in the employment tribunal claim"}),
    )
    .await;
    let exceptions = excepted["exceptions"].as_array().expect("exceptions");
    assert_eq!(exceptions.len(), 1);
    assert_eq!(exceptions[0]["ground"], "legal_claims");
    assert_eq!(exceptions[0]["allows"], "disclosure");
    assert!(exceptions[0]["until"].is_null());
    assert_eq!(exceptions[0]["recorded_by"], by_account("dpo-1"));
    assert!(
        text(&exceptions[0], "ground_text").contains("legal claims"),
        "{excepted}"
    );
    // Listed on the restriction, wherever it is read.
    let got = read(&app, &m.token, &restriction_path(&id)).await;
    assert_eq!(got["exceptions"], excepted["exceptions"]);
    let listed = app
        .list(&format!("{PEOPLE}/{}/restrictions", m.person), &m.dpo, &[])
        .await;
    assert_eq!(listed[0]["exceptions"], excepted["exceptions"]);

    let disclosed = disclosure(&app, &m, &restriction).await;
    json_body(
        app.post_json(DISCLOSURES, Some(&m.dpo), &disclosed).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(app.list(&logged, &m.dpo, &[]).await.len(), 1);
    refused_by(
        app.patch_json(
            &person_path(&m.person),
            Some(&m.dpo),
            &json!({"given_name": "Joanna"}),
        )
        .await,
        &restriction,
    )
    .await;

    // An exception for updating their record, with their consent, until tomorrow: the update
    // goes through and is audited as usual.
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    except(
        &app,
        &m,
        &restriction,
        json!({"ground": "consent", "allows": "person_update",
               "note": "The person asked for their new name to be recorded", "until": tomorrow}),
    )
    .await;
    let updated = json_body(
        app.patch_json(
            &person_path(&m.person),
            Some(&m.dpo),
            &json!({"given_name": "Joanna"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(updated["given_name"], "Joanna");
    let events = app
        .list(
            EVENTS,
            &m.dpo,
            &[
                ("record_kind", "person"),
                ("operation", "update"),
                ("record_id", &m.person),
            ],
        )
        .await;
    assert_eq!(events.len(), 1, "{events:?}");
    // The exceptions are recorded as changes of the restriction, about the person.
    let changes = app
        .list(
            EVENTS,
            &m.dpo,
            &[
                ("record_kind", "restriction"),
                ("operation", "update"),
                ("record_id", &id),
            ],
        )
        .await;
    assert_eq!(changes.len(), 2);
}

#[tokio::test]
async fn hr_sync_and_scim_leave_a_restricted_person_as_they_are() {
    let app = spawn_seeded_app().await;
    let m = member(&app, DEVON, "D320").await;
    let other = member(&app, DEVON, "D321").await;
    let restriction = restricted_by(&app, &m, json!({"right": "objection"})).await;
    let integrator = app.token(DEVON, &["integrator"], "hr-system");

    // A mover for each: the restricted one is refused in its place, the other applied.
    let mover = |id: &str| {
        json!({"external_id": id, "kind": "mover", "effective_date": "2026-04-01",
               "given_name": "Joanna", "family_name": "Bloggs"})
    };
    let answer = json_body(
        app.post_json(
            "/api/v1/hr/sync",
            Some(&integrator),
            &json!({"records": [mover("D320"), mover("D321"),
                    {"external_id": "D320", "kind": "leaver", "effective_date": "2026-06-30"}]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let outcomes: Vec<&Value> = answer["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| &r["outcome"])
        .collect();
    assert_eq!(
        outcomes,
        [&json!("refused"), &json!("updated"), &json!("refused")]
    );
    assert_eq!(answer["refused"], 2);
    for refused in [&answer["records"][0], &answer["records"][2]] {
        assert_eq!(refused["person_id"], m.person.as_str());
        let reason = text(refused, "reason");
        assert!(reason.contains(&text(&restriction, "id")), "{reason}");
        assert!(reason.contains("Art 18(1)(d)"), "{reason}");
        assert!(refused["tickets"].as_array().is_some_and(Vec::is_empty));
    }
    let person = read(&app, &m.dpo, &person_path(&m.person)).await;
    assert_eq!(person["given_name"], "Jo");
    assert!(person["leaves_on"].is_null(), "{person}");
    let moved = read(&app, &other.dpo, &person_path(&other.person)).await;
    assert_eq!(moved["given_name"], "Joanna");

    // SCIM: the directory takes on the person HR put on record, but may not change them.
    let scim = app.token(DEVON, &["integrator"], "entra");
    let user = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "d320@devon.example", "externalId": "D320",
        "name": {"givenName": "Joanna", "familyName": "Bloggs"}, "active": true,
    });
    let response = send(
        app.request(Method::POST, "/scim/v2/Users", Some(&scim))
            .header("Content-Type", "application/scim+json")
            .body(user.to_string()),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let body: Value = response.json().await.expect("a SCIM error");
    let detail = text(&body, "detail");
    assert!(detail.contains(&text(&restriction, "id")), "{detail}");
    assert!(detail.contains("Art 18(1)(d)"), "{detail}");
    assert!(!detail.contains("Joanna"), "{detail}");
    let person = read(&app, &m.dpo, &person_path(&m.person)).await;
    assert_eq!(person["given_name"], "Jo");
}

/// Closes a ticket the member raised and gives consent to the survey; answers (ticket, consent).
async fn ready_to_answer(app: &TestApp, m: &Member, surveys: &str) -> (String, String) {
    let ticket = text(
        &app.create_ticket(&m.token, &incident("Printer")).await,
        "id",
    );
    for status in ["open", "resolved", "closed"] {
        app.update_ticket(
            &m.agent,
            &ticket,
            &json!({"status": status, "assigned_team": "Service desk"}),
        )
        .await;
    }
    let consent = json_body(
        app.post_json(
            "/api/v1/consents",
            Some(&m.token),
            &json!({"purpose_id": surveys}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    (ticket, text(&consent, "id"))
}

fn answer_body(consent: &str) -> Value {
    json!({"consent_id": consent, "rating": 5})
}

/// How many answers the report counts in all.
async fn counted(app: &TestApp, token: &str) -> u64 {
    let report = read(app, token, "/api/v1/surveys/report").await;
    report["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| g["answers"].as_u64().unwrap_or(0))
        .sum()
}

#[tokio::test]
async fn survey_answers_are_not_taken_from_nor_counted_for_a_restricted_person() {
    let app = spawn_seeded_app().await;
    let dpo = app.token(CABINET_OFFICE, &["dpo"], "dpo-1");
    let purposes = app.list(PURPOSES, &dpo, &[("limit", "500")]).await;
    let surveys = purposes
        .iter()
        .find(|p| p["name"] == "Satisfaction surveys")
        .map(|p| text(p, "id"))
        .expect("the surveys purpose");
    // Six people answer; one of them then asks for restriction.
    let mut answered = Vec::new();
    for n in 0..6 {
        let m = member(&app, CABINET_OFFICE, &format!("C32{n}")).await;
        let (ticket, consent) = ready_to_answer(&app, &m, &surveys).await;
        json_body(
            app.put_json(
                &format!("{}/survey", ticket_path(&ticket)),
                Some(&m.token),
                &answer_body(&consent),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        answered.push(m);
    }
    assert_eq!(counted(&app, &dpo).await, 6);
    let restricted = &answered[0];
    let restriction = restricted_by(
        &app,
        restricted,
        json!({"right": "restriction", "restriction_ground": "b"}),
    )
    .await;
    assert!(
        restriction["purposes"]
            .as_array()
            .expect("purposes")
            .iter()
            .any(|p| p["purpose_id"] == surveys.as_str()),
        "{restriction}"
    );
    // Left out of the results while it holds (a group of five still shows).
    assert_eq!(counted(&app, &dpo).await, 5);

    // A new answer from a restricted person is refused, and nothing is stored.
    let late = member(&app, CABINET_OFFICE, "C330").await;
    let (ticket, consent) = ready_to_answer(&app, &late, &surveys).await;
    let late_restriction = restricted_by(
        &app,
        &late,
        json!({"right": "restriction", "restriction_ground": "a"}),
    )
    .await;
    let survey = format!("{}/survey", ticket_path(&ticket));
    refused_by(
        app.put_json(&survey, Some(&late.token), &answer_body(&consent))
            .await,
        &late_restriction,
    )
    .await;
    problem(
        app.get(&survey, Some(&late.token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    // The DPO lets the first one's answers be used again.
    except(
        &app,
        restricted,
        &restriction,
        json!({"ground": "public_interest", "allows": "survey_use",
               "note": "Service statistics the council must publish"}),
    )
    .await;
    assert_eq!(counted(&app, &dpo).await, 6);
}

#[tokio::test]
async fn lifting_tells_the_person_first_and_processing_resumes() {
    let app = spawn_seeded_app().await;
    let m = member(&app, CABINET_OFFICE, "C340").await;
    let restriction = restricted_by(
        &app,
        &m,
        json!({"right": "restriction", "restriction_ground": "a"}),
    )
    .await;
    let id = text(&restriction, "id");
    let change = json!({"given_name": "Joanna"});
    refused_by(
        app.patch_json(&person_path(&m.person), Some(&m.dpo), &change)
            .await,
        &restriction,
    )
    .await;

    // A reason that does not end this ground, or a refusal's, is not for a direct lift.
    for reason in ["claims_concluded", "objection_upheld", "request_refused"] {
        problem_naming(
            app.post_json(&lift_path(&id), Some(&m.dpo), &json!({"reason": reason}))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason",
        )
        .await;
    }
    assert!(read(&app, &m.dpo, &restriction_path(&id)).await["lifted_at"].is_null());

    let lifted = json_body(
        app.post_json(
            &lift_path(&id),
            Some(&m.dpo),
            &json!({"reason": "accuracy_verified"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(lifted["lift_reason"], "accuracy_verified");
    assert_eq!(lifted["lifted_by"], by_account("dpo-1"));
    let told = text(&lifted, "lifting_notice");
    assert!(told.starts_with("Under Art 18(3) UK GDPR"), "{told}");
    assert!(told.contains("Art 18(1)(a)"), "{told}");
    assert!(told.contains("verified the accuracy"), "{told}");
    assert_eq!(read(&app, &m.token, &restriction_path(&id)).await, lifted);
    // Once lifted: not again, and no exception to it.
    problem(
        app.post_json(
            &lift_path(&id),
            Some(&m.dpo),
            &json!({"reason": "withdrawn_by_person"}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    problem(
        app.post_json(
            &exceptions_path(&id),
            Some(&m.dpo),
            &json!({"ground": "consent", "allows": "person_update", "note": "Asked"}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    // Processing resumes.
    json_body(
        app.patch_json(&person_path(&m.person), Some(&m.dpo), &change)
            .await,
        StatusCode::OK,
    )
    .await;
    let events = app
        .list(
            EVENTS,
            &m.dpo,
            &[
                ("record_kind", "restriction"),
                ("operation", "update"),
                ("record_id", &id),
            ],
        )
        .await;
    assert_eq!(events.len(), 1, "the lifting");

    // A request for restriction refused: its outcome lifts it, the person told why.
    let other = member(&app, CABINET_OFFICE, "C341").await;
    let request = json_body(
        app.post_json(
            REQUESTS,
            Some(&other.token),
            &json!({"right": "restriction", "restriction_ground": "b"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let request = text(&request, "id");
    let outcome = json!({"outcome": "refused", "ground": "art_12_5_manifestly_unfounded",
                         "reasons": "The processing is lawful: see our letter."});
    json_body(
        app.post_json(
            &format!("{REQUESTS}/{request}/outcome"),
            Some(&other.dpo),
            &outcome,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let answer = read(
        &app,
        &other.token,
        &format!("{REQUESTS}/{request}/restriction"),
    )
    .await;
    assert_eq!(answer["restriction"]["lift_reason"], "request_refused");
    assert!(
        text(&answer["restriction"], "lifting_notice").contains("Art 12(4)"),
        "{answer}"
    );
}

#[tokio::test]
async fn the_restriction_endpoints_check_the_caller_and_the_input() {
    let app = spawn_seeded_app().await;
    let m = member(&app, CABINET_OFFICE, "C350").await;
    let colleague = member(&app, CABINET_OFFICE, "C351").await;
    let restriction = restricted_by(
        &app,
        &m,
        json!({"right": "restriction", "restriction_ground": "a"}),
    )
    .await;
    let id = text(&restriction, "id");
    let other_dpo = app.token(DEVON, &["dpo"], "dpo-1");
    let exception = json!({"ground": "consent", "allows": "person_update", "note": "Asked"});
    let lift = json!({"reason": "withdrawn_by_person"});

    // Reading it: whoever reads the person; the person only their own.
    let path = restriction_path(&id);
    problem(app.get(&path, None).await, StatusCode::UNAUTHORIZED).await;
    let auditor = app.token(CABINET_OFFICE, &["auditor"], "auditor-1");
    problem(app.get(&path, Some(&auditor)).await, StatusCode::FORBIDDEN).await;
    for token in [&colleague.token, &other_dpo] {
        problem(app.get(&path, Some(token)).await, StatusCode::NOT_FOUND).await;
    }
    problem_naming(
        app.get(&restriction_path("42"), Some(&m.dpo)).await,
        StatusCode::BAD_REQUEST,
        "id",
    )
    .await;
    let missing = restriction_path(&uuid::Uuid::now_v7().to_string());
    problem(app.get(&missing, Some(&m.dpo)).await, StatusCode::NOT_FOUND).await;
    for token in [&m.token, &m.agent, &m.dpo] {
        assert_eq!(read(&app, token, &path).await["id"], id.as_str());
    }

    // Exceptions and lifting: the DPO of the organisation only.
    for (path, body) in [(exceptions_path(&id), &exception), (lift_path(&id), &lift)] {
        problem(
            app.post_json(&path, None, body).await,
            StatusCode::UNAUTHORIZED,
        )
        .await;
        for role in ["requester", "agent", "admin", "integrator", "auditor"] {
            let token = app.token(CABINET_OFFICE, &[role], "C350");
            problem(
                app.post_json(&path, Some(&token), body).await,
                StatusCode::FORBIDDEN,
            )
            .await;
        }
        problem(
            app.post_json(&path, Some(&other_dpo), body).await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    for (body, field) in [
        (
            json!({"ground": "consent", "allows": "person_update", "note": "   "}),
            "note",
        ),
        (
            json!({"ground": "consent", "allows": "person_update"}),
            "note",
        ),
        (
            json!({"ground": "consent", "allows": "person_update", "note": "x".repeat(2001)}),
            "note",
        ),
        (
            json!({"ground": "consent", "allows": "person_update", "note": "Asked",
                   "until": yesterday}),
            "until",
        ),
        (
            json!({"ground": "convenience", "allows": "person_update", "note": "Asked"}),
            "ground",
        ),
        (
            json!({"ground": "consent", "allows": "storage", "note": "Asked"}),
            "allows",
        ),
    ] {
        problem_naming(
            app.post_json(&exceptions_path(&id), Some(&m.dpo), &body)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            field,
        )
        .await;
    }
    for body in [json!({}), json!({"reason": "tired"})] {
        problem_naming(
            app.post_json(&lift_path(&id), Some(&m.dpo), &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason",
        )
        .await;
    }
    // None of it changed the restriction.
    let unchanged = read(&app, &m.dpo, &path).await;
    assert_eq!(unchanged["exceptions"], json!([]));
    assert!(unchanged["lifted_at"].is_null());
    assert_eq!(unchanged, restriction);
}
