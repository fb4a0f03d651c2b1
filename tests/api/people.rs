//! People: recording, reading, listing and correcting records, the requester's own record, and
//! reasonable adjustments kept apart (Art 9).

use reqwest::header::{IF_MATCH, LOCATION};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

fn person_path(id: &str) -> String {
    format!("{PEOPLE}/{id}")
}

fn adjustments_path(id: &str) -> String {
    format!("{PEOPLE}/{id}/adjustments")
}

fn reader_path(subject: &str) -> String {
    format!("/api/v1/adjustment-readers/{subject}")
}

struct Desk {
    app: TestApp,
    integrator: String,
    agent: String,
    dpo: String,
    /// The requester whose token subject is `E100`.
    alice: String,
}

async fn desk() -> Desk {
    let app = spawn_app().await;
    Desk {
        integrator: app.token(ORG, &["integrator"], "hr-system"),
        agent: app.token(ORG, &["agent"], "agent-1"),
        dpo: app.token(ORG, &["dpo"], "dpo-1"),
        alice: app.token(ORG, &["requester"], "E100"),
        app,
    }
}

fn staff(external_id: &str, given_name: &str) -> Value {
    json!({
        "kind": "staff",
        "external_id": external_id,
        "given_name": given_name,
        "family_name": "Bloggs",
        "email": "jo.bloggs@example.gov.uk",
        "date_of_birth": "1990-05-17",
        "starts_on": "2020-01-06",
    })
}

impl Desk {
    async fn create(&self, body: &Value) -> Value {
        let response = self
            .app
            .post_json(PEOPLE, Some(&self.integrator), body)
            .await;
        json_body(response, StatusCode::CREATED).await
    }

    async fn patch_if_match(&self, token: &str, id: &str, tag: &str, change: &Value) -> Response {
        self.app
            .patch_if_match(token, &person_path(id), tag, change)
            .await
    }
}

#[tokio::test]
async fn an_integrator_records_a_person() {
    let d = desk().await;
    let response = d
        .app
        .post_json(PEOPLE, Some(&d.integrator), &staff("E100", "Alice"))
        .await;
    assert_eq!(etag_of(&response), "\"1\"");
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("a Location")
        .to_owned();
    let person = json_body(response, StatusCode::CREATED).await;
    assert_eq!(location, person_path(&text(&person, "id")));
    assert_eq!(person["kind"], "staff");
    assert_eq!(person["external_id"], "E100");
    assert_eq!(person["clearance"], "none");
    assert_eq!(person["status"], "active");
    assert_eq!(person["version"], 1);
    assert!(person.get("reasonable_adjustments").is_none());
    // Admins record people too; a future start date makes a joiner.
    let admin = d.app.token(ORG, &["admin"], "admin-1");
    let mut joiner = staff("E200", "Bob");
    joiner["starts_on"] = json!("2999-01-04");
    let response = d.app.post_json(PEOPLE, Some(&admin), &joiner).await;
    assert_eq!(
        json_body(response, StatusCode::CREATED).await["status"],
        "joiner"
    );
}

#[tokio::test]
async fn recording_people_needs_a_token_and_the_right_role() {
    let d = desk().await;
    let body = staff("E100", "Alice");
    problem(
        d.app.post_json(PEOPLE, None, &body).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    for token in [&d.agent, &d.alice, &d.dpo] {
        problem(
            d.app.post_json(PEOPLE, Some(token), &body).await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
}

#[tokio::test]
async fn bad_people_are_refused_naming_the_field() {
    let d = desk().await;
    let mut bad_email = staff("E100", "Alice");
    bad_email["email"] = json!("not-an-email");
    problem_naming(
        d.app
            .post_json(PEOPLE, Some(&d.integrator), &bad_email)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "email",
    )
    .await;
    let mut dates = staff("E100", "Alice");
    dates["leaves_on"] = json!("2019-01-01");
    dates["given_name"] = json!("  ");
    let body = problem_naming(
        d.app.post_json(PEOPLE, Some(&d.integrator), &dates).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "leaves_on",
    )
    .await;
    assert!(fields(&body).contains(&"given_name".to_owned()), "{body}");
    let mut kind = staff("E100", "Alice");
    kind["kind"] = json!("alien");
    problem_naming(
        d.app.post_json(PEOPLE, Some(&d.integrator), &kind).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "kind",
    )
    .await;
    let mut unknown = staff("E100", "Alice");
    unknown["reasonable_adjustments"] = json!("wheelchair access");
    problem_naming(
        d.app.post_json(PEOPLE, Some(&d.integrator), &unknown).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "reasonable_adjustments",
    )
    .await;
    // Error bodies never repeat what was sent.
    let mut phone = staff("E100", "Alice");
    phone["phone"] = json!("call me maybe");
    let body = problem_naming(
        d.app.post_json(PEOPLE, Some(&d.integrator), &phone).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "phone",
    )
    .await;
    assert!(!body.to_string().contains("call me"), "{body}");
}

#[tokio::test]
async fn an_external_id_is_unique_in_an_organisation() {
    let d = desk().await;
    d.create(&staff("E100", "Alice")).await;
    let body = problem(
        d.app
            .post_json(PEOPLE, Some(&d.integrator), &staff("E100", "Other"))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(!body.to_string().contains("E100"), "{body}");
    // Another organisation may hold the same key.
    let other = d.app.token(OTHER_ORG, &["integrator"], "hr");
    let response = d
        .app
        .post_json(PEOPLE, Some(&other), &staff("E100", "Alice"))
        .await;
    json_body(response, StatusCode::CREATED).await;
}

#[tokio::test]
async fn people_are_listed_by_keyset_with_filters() {
    let d = desk().await;
    let mut created = Vec::new();
    for n in 0..5 {
        created.push(text(
            &d.create(&staff(&format!("E{n}"), "Person")).await,
            "id",
        ));
    }
    let mut contractor = staff("C1", "Carol");
    contractor["kind"] = json!("contractor");
    let carol = text(&d.create(&contractor).await, "id");
    let pages = d.app.list_all(PEOPLE, &d.agent, 2).await;
    assert_eq!(pages.len(), 3);
    let listed: Vec<String> = pages.iter().flat_map(|p| ids(p)).collect();
    assert_eq!(listed.len(), 6);
    assert_eq!(listed[0], carol, "newest first");
    let contractors = d.app.list(PEOPLE, &d.dpo, &[("kind", "contractor")]).await;
    assert_eq!(ids(&contractors), vec![carol.clone()]);
    let by_key = d
        .app
        .list(PEOPLE, &d.integrator, &[("external_id", "E3")])
        .await;
    assert_eq!(ids(&by_key), vec![created[3].clone()]);
    let active = d.app.list(PEOPLE, &d.agent, &[("status", "active")]).await;
    assert_eq!(active.len(), 6);
    // Another organisation's list is its own.
    let other = d.app.token(OTHER_ORG, &["agent"], "agent-9");
    assert!(d.app.list(PEOPLE, &other, &[]).await.is_empty());
}

#[tokio::test]
async fn listing_people_checks_role_and_parameters() {
    let d = desk().await;
    problem(d.app.get(PEOPLE, None).await, StatusCode::UNAUTHORIZED).await;
    problem(
        d.app.get(PEOPLE, Some(&d.alice)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let auditor = d.app.token(ORG, &["auditor"], "auditor-1");
    problem(
        d.app.get(PEOPLE, Some(&auditor)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    for (query, field) in [
        ("status=gone", "status"),
        ("kind=alien", "kind"),
        ("limit=0", "limit"),
        ("cursor=nope", "cursor"),
    ] {
        problem_naming(
            d.app
                .get(&format!("{PEOPLE}?{query}"), Some(&d.agent))
                .await,
            StatusCode::BAD_REQUEST,
            field,
        )
        .await;
    }
}

#[tokio::test]
async fn a_person_is_read_with_an_etag_and_never_across_organisations() {
    let d = desk().await;
    let id = text(&d.create(&staff("E100", "Alice")).await, "id");
    let response = d.app.get(&person_path(&id), Some(&d.agent)).await;
    assert_eq!(etag_of(&response), "\"1\"");
    assert_eq!(
        json_body(response, StatusCode::OK).await["given_name"],
        "Alice"
    );
    problem(
        d.app.get(&person_path(&id), None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let auditor = d.app.token(ORG, &["auditor"], "auditor-1");
    problem(
        d.app.get(&person_path(&id), Some(&auditor)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let other = d.app.token(OTHER_ORG, &["agent"], "agent-9");
    problem(
        d.app.get(&person_path(&id), Some(&other)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem_naming(
        d.app.get(&person_path("not-a-uuid"), Some(&d.agent)).await,
        StatusCode::BAD_REQUEST,
        "id",
    )
    .await;
}

#[tokio::test]
async fn a_requester_reads_only_their_own_record() {
    let d = desk().await;
    let own = text(&d.create(&staff("E100", "Alice")).await, "id");
    let other = text(&d.create(&staff("E200", "Bob")).await, "id");
    let mine = json_body(
        d.app.get(&person_path(&own), Some(&d.alice)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["external_id"], "E100");
    let me = json_body(
        d.app.get(&format!("{PEOPLE}/me"), Some(&d.alice)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(text(&me, "id"), own);
    // Someone else's record does not exist for them.
    problem(
        d.app.get(&person_path(&other), Some(&d.alice)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // No record, no `me`.
    let stranger = d.app.token(ORG, &["requester"], "nobody");
    problem(
        d.app.get(&format!("{PEOPLE}/me"), Some(&stranger)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        d.app.get(&format!("{PEOPLE}/me"), None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn a_requester_corrects_their_own_name_and_contact_details() {
    let d = desk().await;
    let own = text(&d.create(&staff("E100", "Alice")).await, "id");
    let other = text(&d.create(&staff("E200", "Bob")).await, "id");
    let fixed = json_body(
        d.app
            .patch_json(
                &person_path(&own),
                Some(&d.alice),
                &json!({ "family_name": "Smith", "phone": "+44 20 7946 0000", "address": null }),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(fixed["family_name"], "Smith");
    assert_eq!(fixed["phone"], "+44 20 7946 0000");
    assert_eq!(fixed["version"], 2);
    // Not the dates, kind or clearance: those come from HR.
    problem(
        d.app
            .patch_json(
                &person_path(&own),
                Some(&d.alice),
                &json!({ "clearance": "sc" }),
            )
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // Not someone else's record, which they cannot even see.
    problem(
        d.app
            .patch_json(
                &person_path(&other),
                Some(&d.alice),
                &json!({ "family_name": "X" }),
            )
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // Agents read, but neither write nor correct.
    problem(
        d.app
            .patch_json(
                &person_path(&own),
                Some(&d.agent),
                &json!({ "family_name": "X" }),
            )
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn an_integrator_changes_any_field_and_bad_changes_name_the_field() {
    let d = desk().await;
    let id = text(&d.create(&staff("E100", "Alice")).await, "id");
    d.create(&staff("E200", "Bob")).await;
    let changed = json_body(
        d.app
            .patch_json(
                &person_path(&id),
                Some(&d.integrator),
                &json!({ "clearance": "sc", "leaves_on": "2021-01-01" }),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(changed["clearance"], "sc");
    assert_eq!(changed["status"], "leaver");
    problem_naming(
        d.app
            .patch_json(
                &person_path(&id),
                Some(&d.integrator),
                &json!({ "leaves_on": "2000-01-01" }),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "leaves_on",
    )
    .await;
    problem_naming(
        d.app
            .patch_json(
                &person_path(&id),
                Some(&d.integrator),
                &json!({ "email": "nope" }),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "email",
    )
    .await;
    problem(
        d.app
            .patch_json(
                &person_path(&id),
                Some(&d.integrator),
                &json!({ "external_id": "E200" }),
            )
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    problem(
        d.app
            .patch_json(&person_path(&id), None, &json!({ "family_name": "X" }))
            .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let other = d.app.token(OTHER_ORG, &["integrator"], "hr");
    problem(
        d.app
            .patch_json(
                &person_path(&id),
                Some(&other),
                &json!({ "family_name": "X" }),
            )
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn of_two_changes_from_one_read_the_second_is_stale() {
    let d = desk().await;
    let id = text(&d.create(&staff("E100", "Alice")).await, "id");
    let read = d.app.get(&person_path(&id), Some(&d.integrator)).await;
    let tag = etag_of(&read);
    let first = d
        .patch_if_match(&d.integrator, &id, &tag, &json!({ "given_name": "Alicia" }))
        .await;
    assert_eq!(etag_of(&first), "\"2\"");
    json_body(first, StatusCode::OK).await;
    problem(
        d.patch_if_match(&d.alice, &id, &tag, &json!({ "given_name": "Ali" }))
            .await,
        StatusCode::PRECONDITION_FAILED,
    )
    .await;
    let now = json_body(
        d.app.get(&person_path(&id), Some(&d.agent)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(now["given_name"], "Alicia");
}

#[tokio::test]
async fn adjustments_are_for_the_dpo_and_granted_agents_and_never_listed() {
    let d = desk().await;
    let id = text(&d.create(&staff("E100", "Alice")).await, "id");
    let body =
        json!({ "reasonable_adjustments": "Screen reader; large monitor", "condition": "b" });
    // Nothing recorded yet.
    problem(
        d.app.get(&adjustments_path(&id), Some(&d.dpo)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let response = d
        .app
        .put_json(&adjustments_path(&id), Some(&d.dpo), &body)
        .await;
    assert_eq!(etag_of(&response), "\"1\"");
    let stored = json_body(response, StatusCode::OK).await;
    assert_eq!(stored["condition"], "b");
    assert_eq!(stored["person_id"], id.as_str());
    // An agent without a grant is refused; so are roles without a need.
    problem(
        d.app.get(&adjustments_path(&id), Some(&d.agent)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    for token in [&d.alice, &d.integrator] {
        problem(
            d.app.get(&adjustments_path(&id), Some(token)).await,
            StatusCode::FORBIDDEN,
        )
        .await;
        problem(
            d.app
                .put_json(&adjustments_path(&id), Some(token), &body)
                .await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    problem(
        d.app.get(&adjustments_path(&id), None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    // The DPO grants the agent; the agent reads; the DPO revokes.
    let grant = json_body(
        d.app
            .put_json(&reader_path("agent-1"), Some(&d.dpo), &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(grant["granted_by"], by_account("dpo-1"));
    let read = json_body(
        d.app.get(&adjustments_path(&id), Some(&d.agent)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        read["reasonable_adjustments"],
        "Screen reader; large monitor"
    );
    let response = d.app.delete(&reader_path("agent-1"), Some(&d.dpo)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    problem(
        d.app.get(&adjustments_path(&id), Some(&d.agent)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        d.app.delete(&reader_path("agent-1"), Some(&d.dpo)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // Only the DPO grants.
    problem(
        d.app
            .put_json(&reader_path("agent-1"), Some(&d.agent), &json!({}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        d.app.delete(&reader_path("agent-1"), None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    // Never in the person, never in a list.
    for token in [&d.dpo, &d.agent] {
        let person = d.app.get(&person_path(&id), Some(token)).await;
        let text = person.text().await.expect("a body");
        assert!(!text.contains("Screen reader"), "{text}");
        let page = d.app.get(PEOPLE, Some(token)).await;
        let text = page.text().await.expect("a body");
        assert!(!text.contains("Screen reader"), "{text}");
        assert!(!text.contains("adjustments"), "{text}");
    }
}

#[tokio::test]
async fn adjustments_are_validated_guarded_and_kept_to_the_organisation() {
    let d = desk().await;
    let id = text(&d.create(&staff("E100", "Alice")).await, "id");
    let path = adjustments_path(&id);
    problem_naming(
        d.app
            .put_json(
                &path,
                Some(&d.dpo),
                &json!({ "reasonable_adjustments": "Ramp", "condition": "z" }),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "condition",
    )
    .await;
    problem_naming(
        d.app
            .put_json(
                &path,
                Some(&d.dpo),
                &json!({ "reasonable_adjustments": "  ", "condition": "b" }),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "reasonable_adjustments",
    )
    .await;
    let body = json!({ "reasonable_adjustments": "Ramp", "condition": "b" });
    let first = d.app.put_json(&path, Some(&d.dpo), &body).await;
    let tag = etag_of(&first);
    json_body(first, StatusCode::OK).await;
    let second = send(
        d.app
            .request(Method::PUT, &path, Some(&d.dpo))
            .header(IF_MATCH, &tag)
            .json(&body),
    )
    .await;
    assert_eq!(etag_of(&second), "\"2\"");
    problem(
        send(
            d.app
                .request(Method::PUT, &path, Some(&d.dpo))
                .header(IF_MATCH, &tag)
                .json(&body),
        )
        .await,
        StatusCode::PRECONDITION_FAILED,
    )
    .await;
    let other_dpo = d.app.token(OTHER_ORG, &["dpo"], "dpo-9");
    problem(
        d.app.get(&path, Some(&other_dpo)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        d.app.put_json(&path, Some(&other_dpo), &body).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem_naming(
        d.app.get(&adjustments_path("nope"), Some(&d.dpo)).await,
        StatusCode::BAD_REQUEST,
        "id",
    )
    .await;
}
