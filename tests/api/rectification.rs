//! Rectification (Art 16) and its notices to recipients (Art 19): the DPO answers a
//! rectification request by correcting the person record (through the rules of any update, the
//! history naming the request) and recording a supplementary statement; each recipient the
//! disclosures log shows received the person's data is told what was rectified, never the
//! values; the person may ask who was told.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

const REQUESTS: &str = "/api/v1/rights-requests";
const DISCLOSURES: &str = "/api/v1/disclosures";
const EVENTS: &str = "/api/v1/audit-events";

fn rectification_path(request: &str) -> String {
    format!("{REQUESTS}/{request}/rectification")
}

fn notices_path(person: &str) -> String {
    format!("{PEOPLE}/{person}/recipient-notices")
}

fn rectifications_path(person: &str) -> String {
    format!("{PEOPLE}/{person}/rectifications")
}

/// An organisation with two recipients in its register, Alice's data disclosed to both (to one
/// twice) and Bob's to a third.
struct Desk {
    app: TestApp,
    dpo: String,
    /// The requester whose record is `alice_id` (subject `E100`).
    alice: String,
    alice_id: String,
    /// A colleague with a record of their own (subject `E200`).
    bob: String,
    bob_id: String,
    hmrc: String,
    babcock: String,
}

async fn desk() -> Desk {
    let app = spawn_app().await;
    let dpo = app.token(ORG, &["dpo"], "dpo-1");
    let recipient = |body: Value| {
        let (app, dpo) = (&app, dpo.clone());
        async move {
            text(
                &create_entry(app, &dpo, &Kind::Recipient.collection(), &body).await,
                "id",
            )
        }
    };
    let hmrc = recipient(
        json!({"name": "HM Revenue and Customs", "kind": "public_authority", "country": "GB"}),
    )
    .await;
    let babcock = recipient(recipient_body("Babcock LDP")).await;
    let pensions = recipient(recipient_body("Pension scheme")).await;
    let category = text(
        &create_entry(
            &app,
            &dpo,
            DATA_CATEGORIES,
            &category_body("Name and contact"),
        )
        .await,
        "id",
    );
    let alice_id = app
        .record_person(ORG, "E100", json!({"email": "jo.bloggs@example.gov.uk"}))
        .await;
    let bob_id = app.record_person(ORG, "E200", json!({})).await;
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    for (person, to) in [
        (&alice_id, &hmrc),
        (&alice_id, &babcock),
        (&alice_id, &hmrc),
        (&bob_id, &pensions),
    ] {
        let body = json!({
            "person_id": person, "recipient_id": to, "disclosed_at": yesterday,
            "basis": "court_order", "data_categories": [category],
            "description": "Name and business contact details",
        });
        json_body(
            app.post_json(DISCLOSURES, Some(&dpo), &body).await,
            StatusCode::CREATED,
        )
        .await;
    }
    Desk {
        alice: app.token(ORG, &["requester"], "E100"),
        bob: app.token(ORG, &["requester"], "E200"),
        dpo,
        alice_id,
        bob_id,
        hmrc,
        babcock,
        app,
    }
}

impl Desk {
    /// A request `token` makes for themselves; returns its id.
    async fn request(&self, token: &str, right: &str) -> String {
        let made = json_body(
            self.app
                .post_json(REQUESTS, Some(token), &json!({"right": right}))
                .await,
            StatusCode::CREATED,
        )
        .await;
        text(&made, "id")
    }

    async fn rectify(&self, request: &str, body: &Value) -> Value {
        json_body(
            self.app
                .post_json(&rectification_path(request), Some(&self.dpo), body)
                .await,
            StatusCode::CREATED,
        )
        .await
    }

    async fn person(&self, id: &str) -> Value {
        json_body(
            self.app
                .get(&format!("{PEOPLE}/{id}"), Some(&self.dpo))
                .await,
            StatusCode::OK,
        )
        .await
    }
}

#[tokio::test]
async fn the_dpo_corrects_the_record_and_each_recipient_is_told_once() {
    let d = desk().await;
    let request = d.request(&d.alice, "rectification").await;
    let answer = d
        .rectify(
            &request,
            &json!({
                "corrections": {"family_name": " Smith ", "email": "jo.smith@example.gov.uk"},
                "supplementary_statement": "Known as Jo Smith since her marriage in March.",
            }),
        )
        .await;
    assert_eq!(answer["request_id"], request.as_str());
    assert_eq!(answer["person_id"], d.alice_id.as_str());
    assert_eq!(answer["corrected"], json!(["family_name", "email"]));
    assert_eq!(answer["person_version"], 2);
    assert_eq!(
        answer["supplementary_statement"],
        "Known as Jo Smith since her marriage in March."
    );
    assert_eq!(answer["rectified_by"], by_account("dpo-1"));

    // One notice per recipient of Alice's data, Bob's recipient none; what, never the values.
    let notices = answer["notices"].as_array().expect("notices").clone();
    let mut told: Vec<String> = notices.iter().map(|n| text(n, "recipient_id")).collect();
    told.sort();
    let mut expected = vec![d.hmrc.clone(), d.babcock.clone()];
    expected.sort();
    assert_eq!(told, expected);
    for notice in &notices {
        assert_eq!(notice["action"], "rectification");
        assert_eq!(notice["request_id"], request.as_str());
        assert_eq!(notice["person_id"], d.alice_id.as_str());
        assert_eq!(
            notice["items"],
            json!(["family_name", "email", "supplementary_statement"])
        );
        let words = text(notice, "notice");
        assert!(words.contains("family name, email address"), "{words}");
        assert!(
            !words.contains("Smith") && !words.contains("jo.smith"),
            "{words}"
        );
    }
    let names: Vec<&str> = notices
        .iter()
        .filter_map(|n| n["recipient_name"].as_str())
        .collect();
    assert!(names.contains(&"HM Revenue and Customs"), "{names:?}");

    // The record is corrected through the rules of an update: trimmed, version 2.
    let person = d.person(&d.alice_id).await;
    assert_eq!(person["family_name"], "Smith");
    assert_eq!(person["email"], "jo.smith@example.gov.uk");
    assert_eq!(person["version"], 2);
    // Its history names the request as the reason; the creation names none.
    let changes = d
        .app
        .list(&format!("{PEOPLE}/{}/changes", d.alice_id), &d.dpo, &[])
        .await;
    assert_eq!(changes[0]["request_id"], request.as_str());
    assert_eq!(changes[0]["before"]["family_name"], "Bloggs");
    assert_eq!(changes[0]["after"]["family_name"], "Smith");
    assert_eq!(changes[0]["actor"], by_account("dpo-1"));
    assert!(changes[1]["request_id"].is_null());

    // Alice asks who was told (Art 19): the same notices, as the DPO sees them.
    let own = d.app.list(&notices_path(&d.alice_id), &d.alice, &[]).await;
    assert_eq!(own.len(), 2);
    let by_dpo = d.app.list(&notices_path(&d.alice_id), &d.dpo, &[]).await;
    assert_eq!(own, by_dpo);
    assert!(
        d.app
            .list(&notices_path(&d.bob_id), &d.dpo, &[])
            .await
            .is_empty()
    );
    // The desk reads what was rectified with the record.
    let agent = d.app.token(ORG, &["agent"], "agent-1");
    let rectifications = d
        .app
        .list(&rectifications_path(&d.alice_id), &agent, &[])
        .await;
    assert_eq!(rectifications.len(), 1);
    assert_eq!(rectifications[0]["id"], answer["id"]);
    assert_eq!(
        rectifications[0]["supplementary_statement"],
        answer["supplementary_statement"]
    );

    // The correction, the rectification and each notice are in the trail, about Alice.
    let events = d
        .app
        .list(EVENTS, &d.dpo, &[("operation", "create"), ("limit", "500")])
        .await;
    let created = |kind: &str| events.iter().filter(|e| e["record_kind"] == kind).count();
    assert_eq!(created("rectification"), 1);
    assert_eq!(created("recipient_notice"), 2);
    let updates = d
        .app
        .list(
            EVENTS,
            &d.dpo,
            &[("operation", "update"), ("record_kind", "person")],
        )
        .await;
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0]["record_id"], d.alice_id.as_str());
}

#[tokio::test]
async fn a_statement_alone_completes_the_data_and_data_sent_nowhere_tells_no_one() {
    let d = desk().await;
    let carol = d
        .app
        .record_person(ORG, "E300", json!({"email": "carol@example.gov.uk"}))
        .await;
    let token = d.app.token(ORG, &["requester"], "E300");
    let request = d.request(&token, "rectification").await;
    let answer = d
        .rectify(
            &request,
            &json!({"supplementary_statement": "The March ticket was raised for my manager."}),
        )
        .await;
    assert_eq!(answer["corrected"], json!([]));
    assert!(answer["person_version"].is_null());
    assert_eq!(answer["notices"], json!([]));
    assert_eq!(d.person(&carol).await["version"], 1);
    let listed = d.app.list(&rectifications_path(&carol), &token, &[]).await;
    assert_eq!(listed.len(), 1);

    // An email cleared is a correction, and a request may be answered in more than one step.
    let cleared = d
        .rectify(&request, &json!({"corrections": {"email": null}}))
        .await;
    assert_eq!(cleared["corrected"], json!(["email"]));
    assert_eq!(cleared["person_version"], 2);
    let listed = d.app.list(&rectifications_path(&carol), &d.dpo, &[]).await;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["id"], cleared["id"]);
}

#[tokio::test]
async fn bad_rectifications_are_refused_and_change_nothing() {
    let d = desk().await;
    let request = d.request(&d.alice, "rectification").await;
    let path = rectification_path(&request);
    let refused = |body: Value, field: &'static str| {
        let (app, dpo, path) = (&d.app, d.dpo.clone(), path.clone());
        async move {
            problem_naming(
                app.post_json(&path, Some(&dpo), &body).await,
                StatusCode::UNPROCESSABLE_ENTITY,
                field,
            )
            .await
        }
    };
    // A field no rectification corrects is unknown to it.
    refused(
        json!({"corrections": {"clearance": "sc"}}),
        "corrections.clearance",
    )
    .await;
    // A correction that leaves its field as it was corrects nothing, even among others.
    let unchanged = refused(
        json!({"corrections": {"family_name": "Bloggs", "given_name": "Joanne"}}),
        "corrections.family_name",
    )
    .await;
    assert_eq!(fields(&unchanged), ["corrections.family_name"]);
    // An address the record already holds, once its domain is written as the record keeps it.
    refused(
        json!({"corrections": {"email": "jo.bloggs@EXAMPLE.gov.uk"}}),
        "corrections.email",
    )
    .await;
    // Nothing to do at all.
    refused(json!({}), "corrections").await;
    refused(json!({"corrections": {}}), "corrections").await;
    // The record's own rules, named where the body puts them.
    refused(
        json!({"corrections": {"email": "not an address"}}),
        "corrections.email",
    )
    .await;
    refused(
        json!({"corrections": {"given_name": "   "}}),
        "corrections.given_name",
    )
    .await;
    refused(
        json!({"supplementary_statement": "x".repeat(4001)}),
        "supplementary_statement",
    )
    .await;

    // Nothing of it was stored, and no recipient was told anything.
    assert_eq!(d.person(&d.alice_id).await["version"], 1);
    assert!(
        d.app
            .list(&rectifications_path(&d.alice_id), &d.dpo, &[])
            .await
            .is_empty()
    );
    assert!(
        d.app
            .list(&notices_path(&d.alice_id), &d.dpo, &[])
            .await
            .is_empty()
    );

    // A request of another right is answered as that right.
    let access = d.request(&d.alice, "access").await;
    let conflict = problem(
        d.app
            .post_json(
                &rectification_path(&access),
                Some(&d.dpo),
                &json!({"supplementary_statement": "Anything"}),
            )
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        text(&conflict, "detail").starts_with("Art 16"),
        "{conflict}"
    );
    // A request paused for the person's identity waits for it; one with its outcome is answered.
    let asked = json!({"requested_at": chrono::Utc::now()});
    let identity = format!("{REQUESTS}/{request}/identity");
    let paused = d.app.post_json(&identity, Some(&d.dpo), &asked).await;
    assert_eq!(json_body(paused, StatusCode::OK).await["status"], "paused");
    let body = json!({"supplementary_statement": "Anything"});
    let waiting = problem(
        d.app.post_json(&path, Some(&d.dpo), &body).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        text(&waiting, "detail").starts_with("Art 12(6)"),
        "{waiting}"
    );
    let outcome = json!({
        "outcome": "refused",
        "ground": "art_12_2_not_identified",
        "reasons": "No proof of identity came.",
    });
    let closed = d
        .app
        .post_json(
            &format!("{REQUESTS}/{request}/outcome"),
            Some(&d.dpo),
            &outcome,
        )
        .await;
    assert_eq!(json_body(closed, StatusCode::OK).await["status"], "closed");
    let answered = problem(
        d.app.post_json(&path, Some(&d.dpo), &body).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(text(&answered, "detail").contains("outcome"), "{answered}");

    // A malformed id is a bad parameter.
    problem(
        d.app
            .post_json(
                &rectification_path("not-an-id"),
                Some(&d.dpo),
                &json!({"supplementary_statement": "Anything"}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}

#[tokio::test]
async fn only_the_organisations_dpo_rectifies_and_only_the_person_and_dpo_learn_who_was_told() {
    let d = desk().await;
    let request = d.request(&d.alice, "rectification").await;
    let path = rectification_path(&request);
    let body = json!({"supplementary_statement": "Anything"});
    problem(
        d.app.post_json(&path, None, &body).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    for role in ["requester", "agent", "admin", "integrator", "auditor"] {
        let token = d.app.token(ORG, &[role], "E100");
        problem(
            d.app.post_json(&path, Some(&token), &body).await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    let other_dpo = d.app.token(OTHER_ORG, &["dpo"], "dpo-1");
    problem(
        d.app.post_json(&path, Some(&other_dpo), &body).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let unknown = rectification_path(&uuid::Uuid::now_v7().to_string());
    problem(
        d.app.post_json(&unknown, Some(&d.dpo), &body).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    // Who was told: the person themselves and the DPO.
    let notices = notices_path(&d.alice_id);
    problem(d.app.get(&notices, None).await, StatusCode::UNAUTHORIZED).await;
    for role in ["agent", "admin", "integrator", "auditor"] {
        let token = d.app.token(ORG, &[role], "agent-1");
        problem(
            d.app.get(&notices, Some(&token)).await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    problem(
        d.app.get(&notices, Some(&d.bob)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        d.app.get(&notices, Some(&other_dpo)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem_naming(
        d.app.get(&format!("{notices}?limit=0"), Some(&d.dpo)).await,
        StatusCode::BAD_REQUEST,
        "limit",
    )
    .await;

    // What was rectified: whoever reads the record.
    let rectifications = rectifications_path(&d.alice_id);
    problem(
        d.app.get(&rectifications, None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let auditor = d.app.token(ORG, &["auditor"], "auditor-1");
    problem(
        d.app.get(&rectifications, Some(&auditor)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        d.app.get(&rectifications, Some(&d.bob)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        d.app.get(&rectifications, Some(&other_dpo)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem_naming(
        d.app
            .get(&format!("{rectifications}?cursor=short"), Some(&d.dpo))
            .await,
        StatusCode::BAD_REQUEST,
        "cursor",
    )
    .await;
}
