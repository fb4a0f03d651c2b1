//! Objection placing a restriction (Art 21(1), 18(1)(d)): the processing an objection reaches
//! (purposes on 6(1)(e) or (f) holding the person's data) is restricted in the transaction that
//! records it, and the recipients of their data are told (Art 19); an objection reaching none
//! says so. The restriction shows on the person and in their processing until it is lifted,
//! which records what the person was told first (Art 18(3)) and tells each recipient told of the
//! restriction (Art 19), directly or by the request's outcome; the person reads who was told, on
//! the request and in their bundle. A correction of the disclosures log is judged, as a new
//! record is, on the disclosure it states (Art 18(2)).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::restriction_holds::refused_by;

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

fn disclosure_path(id: &str) -> String {
    format!("{DISCLOSURES}/{id}")
}

fn notices_path(person: &str) -> String {
    format!("{PEOPLE}/{person}/recipient-notices")
}

/// The restriction a request placed, as the person reads it with who was told of it.
async fn told(app: &TestApp, token: &str, request: &str) -> Value {
    json_body(
        app.get(&restriction_path(request), Some(token)).await,
        StatusCode::OK,
    )
    .await
}

/// The ids of the register's recipients, and of its data categories that the restriction's
/// first purpose holds and that it does not.
async fn entries(app: &TestApp, m: &Member, restriction: &Value) -> (Vec<String>, String, String) {
    let recipients = app
        .list(&Kind::Recipient.collection(), &m.dpo, &[("limit", "500")])
        .await;
    let purpose = text(&restriction["purposes"][0], "purpose_id");
    let purpose = json_body(
        app.get(&format!("{PURPOSES}/{purpose}"), Some(&m.dpo))
            .await,
        StatusCode::OK,
    )
    .await;
    let held: Vec<String> = purpose["data_categories"]
        .as_array()
        .expect("categories")
        .iter()
        .map(|c| c.as_str().expect("an id").to_owned())
        .collect();
    let categories = app.list(DATA_CATEGORIES, &m.dpo, &[("limit", "500")]).await;
    let free = categories
        .iter()
        .map(|c| text(c, "id"))
        .find(|c| !held.contains(c))
        .expect("a category the restricted purpose does not hold");
    (
        recipients.iter().map(|r| text(r, "id")).collect(),
        held[0].clone(),
        free,
    )
}

/// Records a disclosure as the DPO; answers its id.
async fn logged(app: &TestApp, m: &Member, body: Value) -> String {
    text(
        &json_body(
            app.post_json(DISCLOSURES, Some(&m.dpo), &body).await,
            StatusCode::CREATED,
        )
        .await,
        "id",
    )
}

/// A correction of disclosure `id` at version `version` as the DPO.
async fn correct(
    app: &TestApp,
    m: &Member,
    id: &str,
    version: i64,
    change: Value,
) -> reqwest::Response {
    let mut body = json!({"reason": "The record was wrong"});
    for (field, value) in change.as_object().expect("a change") {
        body[field] = value.clone();
    }
    app.patch_if_match(
        &m.dpo,
        &disclosure_path(id),
        &format!("\"{version}\""),
        &body,
    )
    .await
}

/// The record as read, and how many versions it has had.
async fn as_stored(app: &TestApp, m: &Member, id: &str) -> (Value, usize) {
    let record = json_body(
        app.get(&disclosure_path(id), Some(&m.dpo)).await,
        StatusCode::OK,
    )
    .await;
    let versions = app
        .list(&format!("{}/versions", disclosure_path(id)), &m.dpo, &[])
        .await;
    (record, versions.len())
}

#[tokio::test]
async fn a_correction_of_the_disclosures_log_is_judged_on_the_disclosure_it_states() {
    let app = spawn_seeded_app().await;
    let m = member(&app, DEVON, "D400").await;
    let colleague = member(&app, DEVON, "D401").await;
    let objection = text(&request(&app, &m.token, "objection").await, "id");
    let restriction = told(&app, &m.token, &objection).await["restriction"].clone();
    let (recipients, restricted, free) = entries(&app, &m, &restriction).await;
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    let now = || chrono::Utc::now().to_rfc3339();

    // A disclosure of restricted data made before the restriction was placed is logged, and
    // its record put right: a typo, then its recipient. Neither states a disclosure made while
    // the restriction held.
    let before = logged(
        &app,
        &m,
        json!({"person_id": m.person, "recipient_id": recipients[0],
               "disclosed_at": yesterday, "basis": "court_order",
               "data_categories": [restricted], "description": "Contcat details"}),
    )
    .await;
    for (version, change) in [
        (1, json!({"description": "Contact details"})),
        (2, json!({"recipient_id": recipients[1]})),
    ] {
        json_body(
            correct(&app, &m, &before, version, change).await,
            StatusCode::OK,
        )
        .await;
    }
    let (record, versions) = as_stored(&app, &m, &before).await;
    assert_eq!((record["version"].as_i64(), versions), (Some(3), 3));
    assert_eq!(record["recipient_id"], recipients[1].as_str());

    // Moved to a moment the restriction held, it states a disclosure of restricted data: refused
    // as recording it would be, and nothing is written.
    let moved = json!({"disclosed_at": now()});
    refused_by(
        correct(&app, &m, &before, 3, moved.clone()).await,
        &restriction,
    )
    .await;
    assert_eq!(as_stored(&app, &m, &before).await, (record.clone(), 3));

    // A disclosure now of data no restricted purpose holds goes through; given a category a
    // restricted purpose holds, it is refused.
    let free_now = logged(
        &app,
        &m,
        json!({"person_id": m.person, "recipient_id": recipients[0],
               "disclosed_at": now(), "basis": "court_order",
               "data_categories": [free], "description": "Building access log"}),
    )
    .await;
    let unchanged = as_stored(&app, &m, &free_now).await;
    refused_by(
        correct(
            &app,
            &m,
            &free_now,
            1,
            json!({"data_categories": [free, restricted]}),
        )
        .await,
        &restriction,
    )
    .await;
    assert_eq!(as_stored(&app, &m, &free_now).await, unchanged);

    // A colleague's disclosure put on the restricted person states one of their data.
    let theirs = logged(
        &app,
        &colleague,
        json!({"person_id": colleague.person, "recipient_id": recipients[0],
               "disclosed_at": now(), "basis": "court_order",
               "data_categories": [restricted], "description": "Contact details"}),
    )
    .await;
    let unchanged = as_stored(&app, &m, &theirs).await;
    refused_by(
        correct(&app, &m, &theirs, 1, json!({"person_id": m.person})).await,
        &restriction,
    )
    .await;
    assert_eq!(as_stored(&app, &m, &theirs).await, unchanged);

    // The DPO lets disclosure through for legal claims: the moved record goes through.
    json_body(
        app.post_json(
            &format!(
                "/api/v1/restrictions/{}/exceptions",
                text(&restriction, "id")
            ),
            Some(&m.dpo),
            &json!({"ground": "legal_claims", "allows": "disclosure",
                    "note": "Disclosure to the court in the tribunal claim"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let corrected = json_body(correct(&app, &m, &before, 3, moved).await, StatusCode::OK).await;
    assert_eq!(corrected["version"], 4);
}

#[tokio::test]
async fn lifting_a_restriction_tells_each_recipient_told_of_it_and_the_person_reads_who() {
    let app = spawn_seeded_app().await;
    let m = member(&app, DEVON, "D410").await;
    let told_of_it = disclose(&app, &m).await;
    let objection = text(&request(&app, &m.token, "objection").await, "id");
    let placed = told(&app, &m.token, &objection).await;
    let restriction = placed["restriction"].clone();
    let id = text(&restriction, "id");
    let purposes = json!([restriction["purposes"][0]["purpose_id"]]);
    let sent = placed["recipient_notices"].as_array().expect("notices");
    assert_eq!(sent.len(), 1, "{placed}");
    assert_eq!(sent[0]["action"], "restriction");
    assert_eq!(sent[0]["recipient_id"], told_of_it.as_str());
    assert!(sent[0]["recipient_name"].is_string(), "{placed}");

    // A disclosure made before the restriction, logged after it was placed: its recipient was
    // never told of the restriction, so is not told of its lifting.
    let (recipients, _, _) = entries(&app, &m, &restriction).await;
    let other = recipients
        .iter()
        .find(|r| **r != told_of_it)
        .expect("another recipient");
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    let categories = app.list(DATA_CATEGORIES, &m.dpo, &[("limit", "500")]).await;
    logged(
        &app,
        &m,
        json!({"person_id": m.person, "recipient_id": other, "disclosed_at": yesterday,
               "basis": "court_order", "data_categories": [text(&categories[0], "id")],
               "description": "Contact details"}),
    )
    .await;

    let lifted = json_body(
        app.post_json(
            &format!("/api/v1/restrictions/{id}/lift"),
            Some(&m.dpo),
            &json!({"reason": "objection_overridden"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    // Where placement notices are read, the lifting's is beside it, to the same recipient only.
    let notices = app.list(&notices_path(&m.person), &m.token, &[]).await;
    assert_eq!(notices.len(), 2, "{notices:?}");
    let (lift, place) = (&notices[0], &notices[1]);
    assert_eq!(place["action"], "restriction");
    assert_eq!(lift["action"], "restriction_lifted");
    assert_eq!(lift["recipient_id"], told_of_it.as_str());
    assert_eq!(lift["request_id"], objection.as_str());
    assert_eq!(lift["items"], purposes);
    assert_eq!(lift["notified_by"], by_account("dpo-1"));
    assert_eq!(lift["notified_at"], lifted["lifted_at"]);
    let words = text(lift, "notice");
    assert!(words.starts_with("Under Art 19 UK GDPR"), "{words}");
    assert!(
        words.contains("lifted (Art 18(3)) for: Support tickets"),
        "{words}"
    );
    assert!(words.contains("purposes resumes"), "{words}");
    assert!(
        !words.contains("objection"),
        "the ground is the person's: {words}"
    );

    // Written with the lifting, and audited as the placement notice was.
    let created = app
        .list(
            EVENTS,
            &m.dpo,
            &[("record_kind", "recipient_notice"), ("operation", "create")],
        )
        .await;
    assert_eq!(created.len(), 2, "{created:?}");
    assert!(created.iter().any(|e| e["record_id"] == lift["id"]));

    // The person reads who was told, on the request's restriction; each read is audited.
    let answer = told(&app, &m.token, &objection).await;
    assert_eq!(answer["restriction"], lifted);
    let shown: Vec<&Value> = answer["recipient_notices"]
        .as_array()
        .expect("notices")
        .iter()
        .collect();
    assert_eq!(shown, [place, lift]);
    let reads = app
        .list(
            EVENTS,
            &m.dpo,
            &[("record_kind", "recipient_notice"), ("operation", "read")],
        )
        .await;
    assert!(
        reads.iter().any(|e| e["record_id"] == lift["id"]),
        "{reads:?}"
    );

    // So does their subject access bundle: the restriction with the notice they were given
    // first, and the notices its recipients were sent.
    let access = text(&request(&app, &m.token, "access").await, "id");
    let bundle = json_body(
        app.get(&format!("{REQUESTS}/{access}/bundle"), Some(&m.token))
            .await,
        StatusCode::OK,
    )
    .await;
    let rows = |table: &str| -> Vec<Value> {
        bundle["records"]
            .as_array()
            .expect("records")
            .iter()
            .find(|r| r["table"] == table)
            .and_then(|r| r["rows"].as_array().cloned())
            .unwrap_or_else(|| panic!("no {table} in the bundle"))
    };
    let restrictions = rows("restrictions");
    assert_eq!(restrictions.len(), 1);
    assert_eq!(restrictions[0]["lift_reason"], "objection_overridden");
    assert_eq!(restrictions[0]["lifting_notice"], lifted["lifting_notice"]);
    let sent = rows("recipient_notices");
    let lifting = sent
        .iter()
        .find(|n| n["action"] == "restriction_lifted")
        .expect("the lifting's notice");
    assert_eq!(lifting["recipient_id"], told_of_it.as_str());
    assert_eq!(lifting["notice"], lift["notice"]);
}

#[tokio::test]
async fn a_restriction_lifted_by_its_requests_outcome_tells_the_recipients_told_of_it() {
    let app = spawn_seeded_app().await;
    let m = member(&app, DEVON, "D420").await;
    let recipient = disclose(&app, &m).await;
    let objection = text(&request(&app, &m.token, "objection").await, "id");
    // Upheld: the restriction is lifted and processing for its purposes ends for good.
    let (status, _) = decide(&app, &m, &objection, json!({"outcome": "fulfilled"})).await;
    assert_eq!(status, StatusCode::OK);
    let answer = told(&app, &m.dpo, &objection).await;
    assert_eq!(answer["restriction"]["lift_reason"], "objection_upheld");
    let notices = answer["recipient_notices"].as_array().expect("notices");
    assert_eq!(notices.len(), 2, "{answer}");
    assert_eq!(notices[1]["action"], "restriction_lifted");
    assert_eq!(notices[1]["recipient_id"], recipient.as_str());
    assert_eq!(notices[1]["notified_by"], by_account("dpo-1"));
    let words = text(&notices[1], "notice");
    assert!(words.contains("ends rather than resumes"), "{words}");
    let created = app
        .list(
            EVENTS,
            &m.dpo,
            &[("record_kind", "recipient_notice"), ("operation", "create")],
        )
        .await;
    let ids: Vec<&Value> = created.iter().map(|e| &e["record_id"]).collect();
    assert_eq!(ids, [&notices[1]["id"], &notices[0]["id"]], "newest first");

    // Data disclosed to no one: no one is told of the restriction, nor of its lifting.
    let alone = member(&app, DEVON, "D421").await;
    let objection = text(&request(&app, &alone.token, "objection").await, "id");
    let (status, _) = decide(&app, &alone, &objection, overruled()).await;
    assert_eq!(status, StatusCode::OK);
    let answer = told(&app, &alone.token, &objection).await;
    assert_eq!(answer["restriction"]["lift_reason"], "objection_overridden");
    assert_eq!(answer["recipient_notices"], json!([]));
    assert!(
        app.list(&notices_path(&alone.person), &alone.dpo, &[])
            .await
            .is_empty()
    );
}
