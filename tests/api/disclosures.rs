//! The disclosures log (Art 19, 30(1)(d), 15(1)(c)): recorded by the DPO and agents the DPO
//! grants it, refused for what the register does not hold, read by the person about their own
//! data and never by colleagues, corrected only with a reason and every version kept; every
//! write and read of it in the audit trail, about the person disclosed.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

const DISCLOSURES: &str = "/api/v1/disclosures";
const OWN: &str = "/api/v1/people/me/disclosures";
const EVENTS: &str = "/api/v1/audit-events";

fn disclosure_path(id: &str) -> String {
    format!("{DISCLOSURES}/{id}")
}

fn versions_path(id: &str) -> String {
    format!("{DISCLOSURES}/{id}/versions")
}

fn person_disclosures(id: &str) -> String {
    format!("{PEOPLE}/{id}/disclosures")
}

fn recorder_path(subject: &str) -> String {
    format!("/api/v1/disclosure-recorders/{subject}")
}

/// An organisation with a register to disclose from, two people and the desk.
struct Log {
    app: TestApp,
    dpo: String,
    /// Token subject `agent-1`, granted nothing until a test grants it.
    agent: String,
    /// The requester whose record is `alice_id` (subject `E100`).
    alice: String,
    alice_id: String,
    /// A colleague of Alice's with a record of their own (subject `E200`).
    bob: String,
    bob_id: String,
    /// HMRC, a public authority of the register.
    hmrc: String,
    /// Babcock, a processor of the register.
    babcock: String,
    category: String,
}

async fn log() -> Log {
    log_on(spawn_app().await).await
}

async fn log_on(app: TestApp) -> Log {
    let dpo = app.token(ORG, &["dpo"], "dpo-1");
    let hmrc = text(
        &create_entry(
            &app,
            &dpo,
            &Kind::Recipient.collection(),
            &json!({"name": "HM Revenue and Customs", "kind": "public_authority", "country": "GB"}),
        )
        .await,
        "id",
    );
    let babcock = text(
        &create_entry(
            &app,
            &dpo,
            &Kind::Recipient.collection(),
            &recipient_body("Babcock LDP"),
        )
        .await,
        "id",
    );
    let category = text(
        &create_entry(
            &app,
            &dpo,
            DATA_CATEGORIES,
            &category_body("Name and salary history"),
        )
        .await,
        "id",
    );
    let alice_id = app.record_person(ORG, "E100", json!({})).await;
    let bob_id = app.record_person(ORG, "E200", json!({})).await;
    Log {
        agent: app.token(ORG, &["agent"], "agent-1"),
        alice: app.token(ORG, &["requester"], "E100"),
        bob: app.token(ORG, &["requester"], "E200"),
        dpo,
        alice_id,
        bob_id,
        hmrc,
        babcock,
        category,
        app,
    }
}

/// Yesterday, as an RFC 3339 moment.
fn yesterday() -> String {
    (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339()
}

impl Log {
    /// A disclosure about Alice to HMRC yesterday, in answer to a court order.
    fn body(&self) -> Value {
        json!({
            "person_id": self.alice_id,
            "recipient_id": self.hmrc,
            "disclosed_at": yesterday(),
            "basis": "court_order",
            "data_categories": [self.category],
            "description": "Salary history for 2024 to 2026",
            "reference": "Order 2026/114",
        })
    }

    /// Records `body` as `token`; fails the test unless 201.
    async fn record(&self, token: &str, body: &Value) -> Value {
        json_body(
            self.app.post_json(DISCLOSURES, Some(token), body).await,
            StatusCode::CREATED,
        )
        .await
    }

    /// The audit events about records of the log the DPO finds with `query`, newest first.
    async fn events(&self, query: &[(&str, &str)]) -> Vec<Value> {
        let mut query = query.to_vec();
        query.extend([("record_kind", "disclosure"), ("limit", "500")]);
        self.app.list(EVENTS, &self.dpo, &query).await
    }

    async fn grant(&self, subject: &str) {
        let response = self
            .app
            .put_json(&recorder_path(subject), Some(&self.dpo), &json!({}))
            .await;
        json_body(response, StatusCode::OK).await;
    }
}

#[tokio::test]
async fn the_dpo_records_a_disclosure_and_reads_it_back() {
    let l = log().await;
    let response = l.app.post_json(DISCLOSURES, Some(&l.dpo), &l.body()).await;
    assert_eq!(etag_of(&response), "\"1\"");
    let location = location_of(&response);
    let recorded = json_body(response, StatusCode::CREATED).await;
    let id = text(&recorded, "id");
    assert_eq!(location, disclosure_path(&id));
    assert_eq!(recorded["person_id"], l.alice_id.as_str());
    assert_eq!(recorded["recipient_id"], l.hmrc.as_str());
    assert_eq!(recorded["recipient_name"], "HM Revenue and Customs");
    assert_eq!(recorded["data_categories"], json!([l.category]));
    assert_eq!(
        recorded["data_category_names"],
        json!(["Name and salary history"])
    );
    assert_eq!(recorded["basis"], "court_order");
    assert_eq!(recorded["basis_in_law"]["lawful_basis"], "c");
    assert_eq!(
        recorded["basis_in_law"]["provision"],
        "DPA 2018 Sch 2 para 5(2)"
    );
    assert_eq!(recorded["reference"], "Order 2026/114");
    assert_eq!(recorded["recorded_by"], by_account("dpo-1"));
    assert_eq!(recorded["version"], 1);

    let response = l.app.get(&location, Some(&l.dpo)).await;
    assert_eq!(etag_of(&response), "\"1\"");
    let read = json_body(response, StatusCode::OK).await;
    assert_eq!(read, recorded);
    let listed = l.app.list(DISCLOSURES, &l.dpo, &[]).await;
    assert_eq!(ids(&listed), vec![id.clone()]);
    let versions = l.app.list(&versions_path(&id), &l.dpo, &[]).await;
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0]["version"], 1);
    assert_eq!(versions[0]["actor"], by_account("dpo-1"));
    assert!(versions[0]["reason"].is_null());

    // Safeguarding names its recognised legitimate interest; other needs its explanation.
    let mut safeguarding = l.body();
    safeguarding["basis"] = json!("safeguarding");
    let safeguarding = l.record(&l.dpo, &safeguarding).await;
    assert_eq!(safeguarding["basis_in_law"]["lawful_basis"], "ea");
    assert_eq!(
        safeguarding["basis_in_law"]["recognised_legitimate_interest"],
        "safeguarding_vulnerable_individuals"
    );
    let mut other = l.body();
    other["basis"] = json!("other");
    other["explanation"] = json!("Insurer's claim under the staff policy");
    other["reference"] = json!(null);
    let other = l.record(&l.dpo, &other).await;
    assert!(other["basis_in_law"]["lawful_basis"].is_null());
    assert!(other["reference"].is_null());
    // To a processor, on basis processor.
    let mut processor = l.body();
    processor["basis"] = json!("processor");
    processor["recipient_id"] = json!(l.babcock);
    l.record(&l.dpo, &processor).await;
}

#[tokio::test]
async fn recording_needs_a_token_and_the_dpo_or_a_granted_agent() {
    let l = log().await;
    problem(
        l.app.post_json(DISCLOSURES, None, &l.body()).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    problem(l.app.get(DISCLOSURES, None).await, StatusCode::UNAUTHORIZED).await;
    for role in ["requester", "admin", "auditor", "integrator"] {
        let token = l.app.token(ORG, &[role], "someone");
        problem(
            l.app.post_json(DISCLOSURES, Some(&token), &l.body()).await,
            StatusCode::FORBIDDEN,
        )
        .await;
        problem(
            l.app.get(DISCLOSURES, Some(&token)).await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    // An agent without the DPO's grant neither records nor reads.
    problem(
        l.app
            .post_json(DISCLOSURES, Some(&l.agent), &l.body())
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let by_dpo = text(&l.record(&l.dpo, &l.body()).await, "id");
    // Refused alike for a record that exists and one that does not: nothing is learnt.
    let missing = uuid::Uuid::now_v7().to_string();
    for path in [
        DISCLOSURES.to_owned(),
        disclosure_path(&by_dpo),
        disclosure_path(&missing),
        versions_path(&by_dpo),
        versions_path(&missing),
        person_disclosures(&l.alice_id),
    ] {
        problem(
            l.app.get(&path, Some(&l.agent)).await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }

    // Only the DPO grants; the granted agent records and reads, under their own name.
    problem(
        l.app
            .put_json(&recorder_path("agent-1"), Some(&l.agent), &json!({}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let grant = json_body(
        l.app
            .put_json(&recorder_path("agent-1"), Some(&l.dpo), &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(grant["duty"], "disclosures");
    assert_eq!(grant["granted_by"], by_account("dpo-1"));
    let by_agent = l.record(&l.agent, &l.body()).await;
    assert_eq!(by_agent["recorded_by"], by_account("agent-1"));
    assert_eq!(l.app.list(DISCLOSURES, &l.agent, &[]).await.len(), 2);
    json_body(
        l.app.get(&disclosure_path(&by_dpo), Some(&l.agent)).await,
        StatusCode::OK,
    )
    .await;
    // The grant is for disclosures alone: adjustments stay closed to the agent.
    problem(
        l.app
            .get(
                &format!("{PEOPLE}/{}/adjustments", l.alice_id),
                Some(&l.agent),
            )
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // Revoked, the agent is refused again; revoking twice finds no grant.
    let response = l.app.delete(&recorder_path("agent-1"), Some(&l.dpo)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    problem(
        l.app.get(DISCLOSURES, Some(&l.agent)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        l.app.delete(&recorder_path("agent-1"), Some(&l.dpo)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn bad_disclosures_are_refused_naming_the_field() {
    let l = log().await;
    let other_dpo = l.app.token(OTHER_ORG, &["dpo"], "dpo-9");
    let elsewhere = text(
        &create_entry(
            &l.app,
            &other_dpo,
            &Kind::Recipient.collection(),
            &recipient_body("Globex payroll"),
        )
        .await,
        "id",
    );
    let unknown = uuid::Uuid::now_v7().to_string();
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "an unknown recipient",
            json!({"recipient_id": unknown}),
            "recipient_id",
        ),
        (
            "another organisation's recipient",
            json!({"recipient_id": elsewhere}),
            "recipient_id",
        ),
        (
            "a future date",
            json!({"disclosed_at": tomorrow}),
            "disclosed_at",
        ),
        (
            "other, unexplained",
            json!({"basis": "other"}),
            "explanation",
        ),
        (
            "other, explained by blanks",
            json!({"basis": "other", "explanation": "   "}),
            "explanation",
        ),
        (
            "an unknown person",
            json!({"person_id": unknown}),
            "person_id",
        ),
        (
            "an unknown category",
            json!({"data_categories": [unknown]}),
            "data_categories",
        ),
        (
            "no category",
            json!({"data_categories": []}),
            "data_categories",
        ),
        ("a basis outside the set", json!({"basis": "whim"}), "basis"),
        (
            "a processor that is not one",
            json!({"basis": "processor"}),
            "basis",
        ),
        (
            "a blank description",
            json!({"description": " "}),
            "description",
        ),
        (
            "a reference of two lines",
            json!({"reference": "a\nb"}),
            "reference",
        ),
        (
            "an unknown field",
            json!({"recipient": "HMRC"}),
            "recipient",
        ),
    ];
    for (case, change, field) in cases {
        let mut body = l.body();
        for (k, v) in change.as_object().expect("an object") {
            body[k] = v.clone();
        }
        let refusal = problem(
            l.app.post_json(DISCLOSURES, Some(&l.dpo), &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(
            fields(&refusal).iter().any(|f| f == field),
            "{case}: should name {field}: {refusal}"
        );
    }
    // Every fault at once.
    let mut body = l.body();
    body["recipient_id"] = json!(unknown);
    body["disclosed_at"] = json!(tomorrow);
    body["basis"] = json!("other");
    let refusal = problem(
        l.app.post_json(DISCLOSURES, Some(&l.dpo), &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let mut named = fields(&refusal);
    named.sort();
    assert_eq!(named, ["disclosed_at", "explanation", "recipient_id"]);
    // Nothing was recorded.
    assert!(l.app.list(DISCLOSURES, &l.dpo, &[]).await.is_empty());
}

#[tokio::test]
async fn another_organisations_log_is_never_found() {
    let l = log().await;
    let id = text(&l.record(&l.dpo, &l.body()).await, "id");
    let other_dpo = l.app.token(OTHER_ORG, &["dpo"], "dpo-1");
    for path in [
        disclosure_path(&id),
        versions_path(&id),
        person_disclosures(&l.alice_id),
    ] {
        problem(
            l.app.get(&path, Some(&other_dpo)).await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
    problem(
        l.app
            .patch_json(
                &disclosure_path(&id),
                Some(&other_dpo),
                &json!({"reason": "Mine"}),
            )
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(l.app.list(DISCLOSURES, &other_dpo, &[]).await.is_empty());
    // Nor may it record about this organisation's person.
    let refusal = problem(
        l.app
            .post_json(DISCLOSURES, Some(&other_dpo), &l.body())
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let mut named = fields(&refusal);
    named.sort();
    assert_eq!(named, ["data_categories", "person_id", "recipient_id"]);
}

#[tokio::test]
async fn the_log_is_listed_by_keyset_and_narrowed() {
    let l = log().await;
    let now = chrono::Utc::now();
    let at = |days: i64| (now - chrono::Duration::days(days)).to_rfc3339();
    let mut made = Vec::new();
    for (person, recipient, days) in [
        (&l.alice_id, &l.hmrc, 30),
        (&l.bob_id, &l.hmrc, 20),
        (&l.alice_id, &l.babcock, 10),
    ] {
        let mut body = l.body();
        body["person_id"] = json!(person);
        body["recipient_id"] = json!(recipient);
        body["disclosed_at"] = json!(at(days));
        if recipient == &l.babcock {
            body["basis"] = json!("processor");
        }
        made.push(text(&l.record(&l.dpo, &body).await, "id"));
    }
    // Newest recorded first, a page at a time.
    let pages = l.app.list_all(DISCLOSURES, &l.dpo, 1).await;
    let listed: Vec<String> = pages.iter().flat_map(|p| ids(p)).collect();
    assert_eq!(listed, [made[2].clone(), made[1].clone(), made[0].clone()]);
    assert_eq!(pages.len(), 3);

    let narrowed = |query: Vec<(&'static str, String)>| {
        let l = &l;
        async move {
            let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
            ids(&l.app.list(DISCLOSURES, &l.dpo, &query).await)
        }
    };
    assert_eq!(
        narrowed(vec![("person_id", l.alice_id.clone())]).await,
        [made[2].clone(), made[0].clone()]
    );
    assert_eq!(
        narrowed(vec![("recipient_id", l.hmrc.clone())]).await,
        [made[1].clone(), made[0].clone()]
    );
    assert_eq!(
        narrowed(vec![("from", at(25)), ("to", at(5))]).await,
        [made[2].clone(), made[1].clone()]
    );
    assert_eq!(
        narrowed(vec![("person_id", l.alice_id.clone()), ("to", at(15))]).await,
        [made[0].clone()]
    );
    // Bad parameters are named, every one.
    let response = send(
        l.app
            .request(Method::GET, DISCLOSURES, Some(&l.dpo))
            .query(&[("person_id", "x"), ("from", "yesterday"), ("limit", "0")]),
    )
    .await;
    let refusal = problem(response, StatusCode::BAD_REQUEST).await;
    let mut named = fields(&refusal);
    named.sort();
    assert_eq!(named, ["from", "limit", "person_id"]);
}

#[tokio::test]
async fn a_person_reads_who_received_their_data_and_colleagues_never_do() {
    let l = log().await;
    let id = text(&l.record(&l.dpo, &l.body()).await, "id");
    // Alice, by her own record and as herself.
    let own = l.app.list(OWN, &l.alice, &[]).await;
    assert_eq!(ids(&own), vec![id.clone()]);
    assert_eq!(own[0]["recipient_name"], "HM Revenue and Customs");
    assert_eq!(
        ids(&l
            .app
            .list(&person_disclosures(&l.alice_id), &l.alice, &[])
            .await),
        vec![id.clone()]
    );
    // Bob, her colleague, learns nothing: not even that she exists; his own list is empty.
    problem(
        l.app
            .get(&person_disclosures(&l.alice_id), Some(&l.bob))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(l.app.list(OWN, &l.bob, &[]).await.is_empty());
    assert!(
        l.app
            .list(&person_disclosures(&l.bob_id), &l.bob, &[])
            .await
            .is_empty()
    );
    // An agent without the grant is refused; with it, and the DPO, read anyone's.
    problem(
        l.app
            .get(&person_disclosures(&l.alice_id), Some(&l.agent))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    l.grant("agent-1").await;
    for token in [&l.agent, &l.dpo] {
        assert_eq!(
            ids(&l
                .app
                .list(&person_disclosures(&l.alice_id), token, &[])
                .await),
            vec![id.clone()]
        );
    }
    // Someone with no record of their own has no list; no one else's person is found.
    let stranger = l.app.token(ORG, &["requester"], "E999");
    problem(l.app.get(OWN, Some(&stranger)).await, StatusCode::NOT_FOUND).await;
    problem(
        l.app
            .get(
                &person_disclosures(&uuid::Uuid::now_v7().to_string()),
                Some(&l.dpo),
            )
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(l.app.get(OWN, None).await, StatusCode::UNAUTHORIZED).await;
    // A processor's user acting for the organisation is none of its people, and the log is
    // the controller's own: refused before any agreement is looked at.
    for path in [OWN.to_owned(), person_disclosures(&l.alice_id)] {
        let response = send(
            l.app
                .request(
                    Method::GET,
                    &path,
                    Some(&l.app.token(OTHER_ORG, &["agent"], "E100")),
                )
                .header("Acting-For", ORG),
        )
        .await;
        problem(response, StatusCode::FORBIDDEN).await;
    }
}

#[tokio::test]
async fn the_dpo_corrects_a_record_with_a_reason_and_every_version_is_kept() {
    let l = log().await;
    let id = text(&l.record(&l.dpo, &l.body()).await, "id");
    let path = disclosure_path(&id);
    let change = json!({
        "reason": "The order named Babcock, not HMRC",
        "recipient_id": l.babcock,
        "basis": "processor",
        "reference": null,
    });
    // Only the DPO corrects, even an agent granted the log.
    l.grant("agent-1").await;
    problem(
        l.app
            .patch_if_match(&l.agent, &path, "\"1\"", &change)
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        l.app.patch_json(&path, None, &change).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    // A correction gives its reason, and keeps the rules a record keeps.
    problem_naming(
        l.app
            .patch_if_match(&l.dpo, &path, "\"1\"", &json!({"recipient_id": l.babcock}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "reason",
    )
    .await;
    problem_naming(
        l.app
            .patch_if_match(
                &l.dpo,
                &path,
                "\"1\"",
                &json!({"reason": "Later", "disclosed_at":
                    (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339()}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "disclosed_at",
    )
    .await;
    problem_naming(
        l.app
            .patch_if_match(
                &l.dpo,
                &path,
                "\"1\"",
                &json!({"reason": "Other", "basis": "other"}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "explanation",
    )
    .await;

    let response = l.app.patch_if_match(&l.dpo, &path, "\"1\"", &change).await;
    assert_eq!(etag_of(&response), "\"2\"");
    let corrected = json_body(response, StatusCode::OK).await;
    assert_eq!(corrected["recipient_id"], l.babcock.as_str());
    assert_eq!(corrected["recipient_name"], "Babcock LDP");
    assert!(corrected["reference"].is_null());
    assert_eq!(corrected["description"], "Salary history for 2024 to 2026");
    assert_eq!(corrected["recorded_by"], by_account("dpo-1"));
    // A second correction from the same read is stale.
    problem(
        l.app.patch_if_match(&l.dpo, &path, "\"1\"", &change).await,
        StatusCode::PRECONDITION_FAILED,
    )
    .await;

    // Both versions are kept: as recorded, and as corrected with who, when and why.
    let versions = l.app.list(&versions_path(&id), &l.agent, &[]).await;
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["version"], 1);
    assert_eq!(versions[0]["recipient_id"], l.hmrc.as_str());
    assert_eq!(versions[0]["reference"], "Order 2026/114");
    assert!(versions[0]["reason"].is_null());
    assert_eq!(versions[1]["version"], 2);
    assert_eq!(versions[1]["recipient_id"], l.babcock.as_str());
    assert_eq!(versions[1]["reason"], "The order named Babcock, not HMRC");
    assert_eq!(versions[1]["actor"], by_account("dpo-1"));
    // A record is never deleted.
    let response = l.app.delete(&path, Some(&l.dpo)).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn storage_answers_the_recipients_a_persons_data_was_disclosed_to() {
    let database = TestDb::create();
    let app = TestApp::builder()
        .database(TestDb::at(database.url.clone()))
        .spawn()
        .await;
    let l = log_on(app).await;
    let second = text(
        &create_entry(
            &l.app,
            &l.dpo,
            DATA_CATEGORIES,
            &category_body("Home address"),
        )
        .await,
        "id",
    );
    let days_ago = |days: i64| {
        (chrono::Utc::now() - chrono::Duration::days(days))
            .date_naive()
            .and_hms_opt(12, 0, 0)
            .expect("noon")
            .and_utc()
    };
    for (recipient, category, days) in [
        (&l.hmrc, &l.category, 30),
        (&l.hmrc, &second, 3),
        (&l.babcock, &l.category, 10),
    ] {
        let mut body = l.body();
        body["recipient_id"] = json!(recipient);
        body["data_categories"] = json!([category]);
        body["disclosed_at"] = json!(days_ago(days).to_rfc3339());
        if recipient == &l.babcock {
            body["basis"] = json!("processor");
        }
        l.record(&l.dpo, &body).await;
    }
    // A disclosure about Bob is not Alice's.
    let mut bob = l.body();
    bob["person_id"] = json!(l.bob_id);
    l.record(&l.dpo, &bob).await;

    let (alice, bob) = (l.alice_id.clone(), l.bob_id.clone());
    let (hmrc, babcock) = (l.hmrc.clone(), l.babcock.clone());
    let (first, second_category) = (l.category.clone(), second.clone());
    tokio::task::spawn_blocking(move || {
        let db = database.connect();
        let mut conn = db.read().expect("a connection");
        let slug = domain::organisation::OrgSlug::parse(ORG).expect("a slug");
        let org = persistence::organisations::find_by_slug(&mut conn, &slug)
            .expect("read")
            .expect("the organisation");
        let person = alice.parse().expect("a person id");
        let mut found = persistence::disclosures::recipients_of(&mut conn, org, person)
            .expect("the recipients");
        found.sort_by_key(|r| r.recipient_id.to_string() != hmrc);
        let recipients: Vec<String> = found.iter().map(|r| r.recipient_id.to_string()).collect();
        assert_eq!(recipients, [hmrc.clone(), babcock.clone()]);
        let categories: Vec<String> = found[0]
            .data_categories
            .iter()
            .map(ToString::to_string)
            .collect();
        let mut expected = vec![first.clone(), second_category];
        expected.sort();
        assert_eq!(categories, expected);
        assert_eq!(found[0].last_disclosed_at, days_ago(3));
        assert_eq!(found[1].last_disclosed_at, days_ago(10));
        // Bob's data went to HMRC alone; someone never disclosed about has no recipients.
        let bob = bob.parse().expect("a person id");
        let bobs = persistence::disclosures::recipients_of(&mut conn, org, bob).expect("bob's");
        assert_eq!(bobs.len(), 1);
        let nobody = uuid::Uuid::now_v7().into();
        assert!(
            persistence::disclosures::recipients_of(&mut conn, org, nobody)
                .expect("none")
                .is_empty()
        );
    })
    .await
    .expect("the storage checks pass");
}

#[tokio::test]
async fn the_register_keeps_the_recipients_and_categories_the_log_names() {
    let l = log().await;
    let id = text(&l.record(&l.dpo, &l.body()).await, "id");
    for entry in [
        Kind::Recipient.item(&l.hmrc),
        Kind::DataCategory.item(&l.category),
    ] {
        let refusal = problem(
            l.app.delete(&entry, Some(&l.dpo)).await,
            StatusCode::CONFLICT,
        )
        .await;
        assert!(
            text(&refusal, "detail").contains("disclosures log"),
            "{refusal}"
        );
    }
    // Babcock received nothing: it goes. Once the record is corrected to name the recipient
    // the data really went to, HMRC received nothing either, and goes too.
    let response = l
        .app
        .delete(&Kind::Recipient.item(&l.babcock), Some(&l.dpo))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let replacement = text(
        &create_entry(
            &l.app,
            &l.dpo,
            &Kind::Recipient.collection(),
            &json!({"name": "Valuation Office Agency", "kind": "public_authority"}),
        )
        .await,
        "id",
    );
    json_body(
        l.app
            .patch_if_match(
                &l.dpo,
                &disclosure_path(&id),
                "\"1\"",
                &json!({"reason": "Sent to the VOA, not HMRC", "recipient_id": replacement}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let response = l
        .app
        .delete(&Kind::Recipient.item(&l.hmrc), Some(&l.dpo))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

/// (operation, record_id) of each event.
fn done(events: &[Value]) -> Vec<(String, String)> {
    events
        .iter()
        .map(|e| (text(e, "operation"), text(e, "record_id")))
        .collect()
}

fn each(operations: &[&str], id: &str) -> Vec<(String, String)> {
    operations
        .iter()
        .map(|o| ((*o).to_owned(), id.to_owned()))
        .collect()
}

#[tokio::test]
async fn each_write_and_read_of_the_log_is_audited_about_the_person_disclosed() {
    let l = log().await;
    // A refused record leaves no event.
    problem(
        l.app
            .post_json(DISCLOSURES, Some(&l.agent), &l.body())
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(l.events(&[]).await.is_empty());

    let id = text(&l.record(&l.dpo, &l.body()).await, "id");
    let created = l.events(&[("subject", &l.alice_id)]).await;
    assert_eq!(done(&created), each(&["create"], &id));
    assert_eq!(created[0]["actor"].as_str().map(str::len), Some(64));
    let alice = created[0]["subject"].clone();
    assert_eq!(alice.as_str().map(str::len), Some(64), "a pseudonym");
    assert!(l.events(&[("subject", &l.bob_id)]).await.is_empty());

    // Read by id, listed, its history, and by Alice herself both ways: one event per record
    // shown, each about Alice.
    json_body(
        l.app.get(&disclosure_path(&id), Some(&l.dpo)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(l.app.list(DISCLOSURES, &l.dpo, &[]).await.len(), 1);
    assert_eq!(l.app.list(&versions_path(&id), &l.dpo, &[]).await.len(), 1);
    assert_eq!(l.app.list(OWN, &l.alice, &[]).await.len(), 1);
    let mine = person_disclosures(&l.alice_id);
    assert_eq!(l.app.list(&mine, &l.alice, &[]).await.len(), 1);
    let events = l.events(&[]).await;
    assert_eq!(
        done(&events),
        each(&["list", "list", "read", "list", "read", "create"], &id)
    );
    assert!(events.iter().all(|e| e["subject"] == alice), "{events:?}");
    let by_alice = l.events(&[("actor", "E100")]).await;
    assert_eq!(done(&by_alice), each(&["list", "list"], &id));

    // Reads refused, of nothing, or showing no record leave no event.
    problem(l.app.get(&mine, Some(&l.bob)).await, StatusCode::NOT_FOUND).await;
    problem(
        l.app.get(&disclosure_path(&id), Some(&l.agent)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        l.app
            .get(
                &disclosure_path(&uuid::Uuid::now_v7().to_string()),
                Some(&l.dpo),
            )
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(l.app.list(OWN, &l.bob, &[]).await.is_empty());
    assert_eq!(l.events(&[]).await.len(), 6);

    // A correction putting the record on Bob changes what the log says of both: an update
    // about each. A stale one changes nothing and leaves no event.
    let path = disclosure_path(&id);
    let to_bob = json!({"reason": "It was Bob's salary history", "person_id": l.bob_id});
    json_body(
        l.app.patch_if_match(&l.dpo, &path, "\"1\"", &to_bob).await,
        StatusCode::OK,
    )
    .await;
    problem(
        l.app.patch_if_match(&l.dpo, &path, "\"1\"", &to_bob).await,
        StatusCode::PRECONDITION_FAILED,
    )
    .await;
    for person in [&l.alice_id, &l.bob_id] {
        let updates = l
            .events(&[("operation", "update"), ("subject", person)])
            .await;
        assert_eq!(done(&updates), each(&["update"], &id), "about {person}");
    }
    // One that leaves the person as they are is about them alone.
    let typo = json!({"reason": "Typo", "description": "Salary history for 2024 and 2025"});
    json_body(
        l.app.patch_if_match(&l.dpo, &path, "\"2\"", &typo).await,
        StatusCode::OK,
    )
    .await;
    let about_bob = l
        .events(&[("operation", "update"), ("subject", &l.bob_id)])
        .await;
    assert_eq!(done(&about_bob), each(&["update", "update"], &id));
    assert_eq!(l.events(&[("operation", "update")]).await.len(), 3);

    // Its history now shows both: read about each.
    assert_eq!(l.app.list(&versions_path(&id), &l.dpo, &[]).await.len(), 3);
    for person in [&l.alice_id, &l.bob_id] {
        let reads = l
            .events(&[("operation", "read"), ("subject", person)])
            .await;
        let expected = if person == &l.alice_id { 3 } else { 1 };
        assert_eq!(reads.len(), expected, "about {person}: {reads:?}");
    }

    // One record's events are found by its id, apart from another's.
    let other = text(&l.record(&l.dpo, &l.body()).await, "id");
    assert_eq!(
        done(&l.events(&[("record_id", &other)]).await),
        each(&["create"], &other)
    );
    assert_eq!(l.events(&[("record_id", &id)]).await.len(), 11);
}
