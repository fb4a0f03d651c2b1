//! Objection placing a restriction (Art 21(1), 18(1)(d)): the processing an objection reaches
//! (purposes on 6(1)(e) or (f) holding the person's data) is restricted in the transaction that
//! records it, and the recipients of their data are told (Art 19); an objection reaching none
//! says so. The restriction shows on the person and in their processing until it is lifted,
//! which records what the person was told first (Art 18(3)).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

const REQUESTS: &str = "/api/v1/rights-requests";
const DISCLOSURES: &str = "/api/v1/disclosures";
const EVENTS: &str = "/api/v1/audit-events";

fn restriction_path(request: &str) -> String {
    format!("{REQUESTS}/{request}/restriction")
}

fn restrictions_path(person: &str) -> String {
    format!("{PEOPLE}/{person}/restrictions")
}

fn processing_path(person: &str) -> String {
    format!("{PEOPLE}/{person}/processing")
}

/// A person of a seeded organisation with their own token, and its DPO and an agent.
pub(crate) struct Member {
    pub person: String,
    pub token: String,
    pub dpo: String,
    pub agent: String,
}

pub(crate) async fn member(app: &TestApp, org: &str, subject: &str) -> Member {
    Member {
        person: app.record_person(org, subject, json!({})).await,
        token: app.token(org, &["requester"], subject),
        dpo: app.token(org, &["dpo"], "dpo-1"),
        agent: app.token(org, &["agent"], "agent-1"),
    }
}

/// Makes a request for themselves; returns it.
async fn request(app: &TestApp, token: &str, right: &str) -> Value {
    json_body(
        app.post_json(REQUESTS, Some(token), &json!({"right": right}))
            .await,
        StatusCode::CREATED,
    )
    .await
}

/// Discloses the member's data to the first recipient of their register; returns its id.
async fn disclose(app: &TestApp, m: &Member) -> String {
    let recipients = app
        .list(&Kind::Recipient.collection(), &m.dpo, &[("limit", "500")])
        .await;
    let categories = app.list(DATA_CATEGORIES, &m.dpo, &[("limit", "500")]).await;
    let recipient = text(&recipients[0], "id");
    let body = json!({
        "person_id": m.person, "recipient_id": recipient,
        "disclosed_at": (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339(),
        "basis": "court_order", "data_categories": [text(&categories[0], "id")],
        "description": "Contact details",
    });
    json_body(
        app.post_json(DISCLOSURES, Some(&m.dpo), &body).await,
        StatusCode::CREATED,
    )
    .await;
    recipient
}

/// Gives the request its outcome as the DPO; answers the status and body.
async fn decide(app: &TestApp, m: &Member, request: &str, outcome: Value) -> (StatusCode, Value) {
    let response = app
        .post_json(
            &format!("{REQUESTS}/{request}/outcome"),
            Some(&m.dpo),
            &outcome,
        )
        .await;
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}

fn overruled() -> Value {
    json!({
        "outcome": "refused",
        "ground": "art_21_1_compelling_grounds",
        "reasons": "The desk keeps the record of support given to answer for it.",
    })
}

#[tokio::test]
async fn an_objection_restricts_processing_on_public_task_until_it_is_lifted() {
    let app = spawn_seeded_app().await;
    let m = member(&app, DEVON, "D100").await;
    let recipient = disclose(&app, &m).await;
    let objection = request(&app, &m.token, "objection").await;
    let id = text(&objection, "id");

    // The request says what it restricted: Devon holds the record on its public task; its
    // trails, on legal obligation, are beyond an objection.
    let answer = json_body(
        app.get(&restriction_path(&id), Some(&m.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(answer["request_id"], id.as_str());
    assert_eq!(answer["right"], "objection");
    assert!(
        text(&answer, "explanation").contains("Art 18(1)(d)"),
        "{answer}"
    );
    let restriction = &answer["restriction"];
    assert_eq!(restriction["ground"], "d");
    assert_eq!(restriction["article"], "Art 18(1)(d)");
    assert_eq!(restriction["person_id"], m.person.as_str());
    assert_eq!(restriction["request_id"], id.as_str());
    assert_eq!(restriction["placed_by"], by_person(&m.person));
    assert!(restriction["lifted_at"].is_null());
    let purposes = restriction["purposes"].as_array().expect("purposes");
    assert_eq!(purposes.len(), 1, "{restriction}");
    assert_eq!(purposes[0]["name"], "Support tickets");
    assert_eq!(purposes[0]["lawful_basis"], "e");

    // The desk sees it on the person, and their processing names it.
    let listed = app.list(&restrictions_path(&m.person), &m.agent, &[]).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(&listed[0], restriction);
    let processing = json_body(
        app.get(&processing_path(&m.person), Some(&m.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(processing["restrictions"], json!([restriction]));

    // The recipient of the person's data is told which purposes are restricted (Art 19).
    let notices = app
        .list(
            &format!("{PEOPLE}/{}/recipient-notices", m.person),
            &m.token,
            &[],
        )
        .await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0]["recipient_id"], recipient.as_str());
    assert_eq!(notices[0]["action"], "restriction");
    assert_eq!(notices[0]["request_id"], id.as_str());
    assert_eq!(notices[0]["items"], json!([purposes[0]["purpose_id"]]));
    assert!(text(&notices[0], "notice").contains("Support tickets"));

    // The restriction was written with the request, and audited about the person.
    let events = app
        .list(
            EVENTS,
            &m.dpo,
            &[("record_kind", "restriction"), ("operation", "create")],
        )
        .await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["record_id"], restriction["id"]);

    // The objection overruled, its outcome lifts the restriction after the person is told why.
    let (status, closed) = decide(&app, &m, &id, overruled()).await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert_eq!(closed["status"], "closed");
    let (again, _) = decide(&app, &m, &id, overruled()).await;
    assert_eq!(again, StatusCode::CONFLICT, "decided once only");

    let listed = app.list(&restrictions_path(&m.person), &m.token, &[]).await;
    assert_eq!(listed[0]["lift_reason"], "objection_overridden");
    assert_eq!(listed[0]["lifted_by"], by_account("dpo-1"));
    let told = text(&listed[0], "lifting_notice");
    assert!(told.starts_with("Under Art 18(3) UK GDPR"), "{told}");
    assert!(told.contains("Support tickets"), "{told}");
    assert!(told.contains("Art 12(4)"), "{told}");
    assert!(listed[0]["lifted_at"].is_string());
    let processing = json_body(
        app.get(&processing_path(&m.person), Some(&m.dpo)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(processing["restrictions"], json!([]));
    let answer = json_body(
        app.get(&restriction_path(&id), Some(&m.dpo)).await,
        StatusCode::OK,
    )
    .await;
    assert!(text(&answer, "explanation").contains("lifted"), "{answer}");
}

#[tokio::test]
async fn an_objection_upheld_lifts_its_restriction_and_one_upheld_in_part_keeps_it() {
    let app = spawn_seeded_app().await;
    let (upheld, in_part) = (
        member(&app, DEVON, "D101").await,
        member(&app, DEVON, "D102").await,
    );
    let first = text(&request(&app, &upheld.token, "objection").await, "id");
    let second = text(&request(&app, &in_part.token, "objection").await, "id");

    let (status, _) = decide(&app, &upheld, &first, json!({"outcome": "fulfilled"})).await;
    assert_eq!(status, StatusCode::OK);
    let listed = app
        .list(&restrictions_path(&upheld.person), &upheld.token, &[])
        .await;
    assert_eq!(listed[0]["lift_reason"], "objection_upheld");
    assert!(
        text(&listed[0], "lifting_notice").contains("no longer process"),
        "{}",
        listed[0]
    );

    let partly = json!({
        "outcome": "partly_fulfilled",
        "ground": "art_21_1_compelling_grounds",
        "reasons": "Tickets already closed stay on the record.",
    });
    let (status, _) = decide(&app, &in_part, &second, partly).await;
    assert_eq!(status, StatusCode::OK);
    let listed = app
        .list(&restrictions_path(&in_part.person), &in_part.token, &[])
        .await;
    assert!(listed[0]["lifted_at"].is_null(), "{}", listed[0]);
}

#[tokio::test]
async fn an_objection_reaching_no_processing_places_no_restriction_and_says_so() {
    let app = spawn_seeded_app().await;
    // The Cabinet Office holds its staff's data on the employment contract and consent.
    let m = member(&app, CABINET_OFFICE, "C100").await;
    disclose(&app, &m).await;
    let objection = text(&request(&app, &m.token, "objection").await, "id");
    let answer = json_body(
        app.get(&restriction_path(&objection), Some(&m.dpo)).await,
        StatusCode::OK,
    )
    .await;
    assert!(answer["restriction"].is_null());
    assert!(
        text(&answer, "explanation").starts_with("No restriction was placed"),
        "{answer}"
    );
    assert!(
        app.list(&restrictions_path(&m.person), &m.dpo, &[])
            .await
            .is_empty()
    );
    let processing = json_body(
        app.get(&processing_path(&m.person), Some(&m.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(processing["restrictions"], json!([]));
    // Nothing restricted, so no recipient is told of a restriction.
    assert!(
        app.list(
            &format!("{PEOPLE}/{}/recipient-notices", m.person),
            &m.dpo,
            &[]
        )
        .await
        .is_empty()
    );
    // Its outcome has nothing to lift.
    let (status, _) = decide(&app, &m, &objection, overruled()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        app.list(&restrictions_path(&m.person), &m.dpo, &[])
            .await
            .is_empty()
    );

    // A request for another right places none, and says why.
    let m = member(&app, DEVON, "D200").await;
    let access = text(&request(&app, &m.token, "access").await, "id");
    let answer = json_body(
        app.get(&restriction_path(&access), Some(&m.token)).await,
        StatusCode::OK,
    )
    .await;
    assert!(answer["restriction"].is_null());
    assert!(
        text(&answer, "explanation").contains("another right"),
        "{answer}"
    );
}

#[tokio::test]
async fn restrictions_are_read_by_those_who_read_the_person_and_the_request() {
    let app = spawn_seeded_app().await;
    let m = member(&app, DEVON, "D100").await;
    let colleague = member(&app, DEVON, "D200").await;
    let objection = text(&request(&app, &m.token, "objection").await, "id");
    let other_dpo = app.token(DERBY, &["dpo"], "dpo-1");

    let by_request = restriction_path(&objection);
    problem(app.get(&by_request, None).await, StatusCode::UNAUTHORIZED).await;
    for role in ["agent", "admin", "integrator", "auditor"] {
        let token = app.token(DEVON, &[role], "D100");
        problem(
            app.get(&by_request, Some(&token)).await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    for token in [&colleague.token, &other_dpo] {
        problem(
            app.get(&by_request, Some(token)).await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
    problem_naming(
        app.get(&restriction_path("42"), Some(&m.dpo)).await,
        StatusCode::BAD_REQUEST,
        "id",
    )
    .await;

    let on_person = restrictions_path(&m.person);
    problem(app.get(&on_person, None).await, StatusCode::UNAUTHORIZED).await;
    let auditor = app.token(DEVON, &["auditor"], "auditor-1");
    problem(
        app.get(&on_person, Some(&auditor)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    for token in [&colleague.token, &other_dpo] {
        problem(
            app.get(&on_person, Some(token)).await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
    problem_naming(
        app.get(&format!("{on_person}?limit=501"), Some(&m.dpo))
            .await,
        StatusCode::BAD_REQUEST,
        "limit",
    )
    .await;
    // Each reader's read is in the trail.
    let listed = app.list(&on_person, &m.dpo, &[]).await;
    assert_eq!(listed.len(), 1);
    let reads = app
        .list(
            EVENTS,
            &m.dpo,
            &[("record_kind", "restriction"), ("operation", "list")],
        )
        .await;
    assert_eq!(reads.len(), 1);
}
