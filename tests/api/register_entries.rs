//! The processing register's five kinds of entry (purposes, data categories, recipients,
//! transfers, retention policies): one shape of endpoint each, who may use it, the rules of
//! Art 6, 9, 13 and 30 checked on every write, entries purposes still name, and paging. The
//! kinds, bodies and keepers are in `helpers::register`.

use std::collections::HashSet;

use reqwest::header::{IF_MATCH, WWW_AUTHENTICATE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;

impl Kind {
    /// `body` with one field changed, and the name of that field.
    fn changed(self, body: &Value) -> (Value, &'static str) {
        let mut changed = body.clone();
        let field = match self {
            Kind::Purpose | Kind::DataCategory => "description",
            Kind::Recipient => "name",
            Kind::Transfer => "destination",
            Kind::RetentionPolicy => "period",
        };
        changed[field] = match self {
            Kind::RetentionPolicy => json!("P2Y6M"),
            _ => json!("Changed on review"),
        };
        (changed, field)
    }
}

fn unknown_id() -> String {
    Uuid::now_v7().to_string()
}

/// The messages a problem gives for `field`.
fn messages_for(problem: &Value, field: &str) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter(|e| e["field"] == field)
                .map(|e| text(e, "message"))
                .collect()
        })
        .unwrap_or_default()
}

fn assert_names_exactly(problem: &Value, expected: &[&str]) {
    let named: HashSet<String> = fields(problem).into_iter().collect();
    let expected: HashSet<String> = expected.iter().map(|f| (*f).to_owned()).collect();
    assert_eq!(named, expected, "{problem}");
}

impl Keepers {
    /// A valid body of `kind`, creating the data category a purpose needs.
    async fn sample(&self, kind: Kind, label: &str) -> Value {
        let category = match kind {
            Kind::Purpose => {
                self.create_id(Kind::DataCategory, &category_body("Name"))
                    .await
            }
            _ => String::new(),
        };
        kind.body(label, &category)
    }

    async fn read(&self, path: &str) -> (String, Value) {
        let response = self.app.get(path, Some(&self.admin)).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let tag = etag_of(&response);
        (tag, json_body(response, StatusCode::OK).await)
    }

    async fn list_ids(&self, kind: Kind, token: &str) -> Vec<String> {
        ids(&self.app.list(&kind.collection(), token, &[]).await)
    }
}

// ---------------------------------------------------------------------------------------------
// Create, read, replace, delete

/// The whole life of one entry: created by the admin, read by the auditor, replaced by the DPO
/// with `If-Match`, refused on a stale tag, listed, deleted, and gone.
async fn life_of(kind: Kind) {
    let d = Keepers::spawn().await;
    let body = d.sample(kind, "First of its kind").await;

    let response = d
        .app
        .post_json(&kind.collection(), Some(&d.admin), &body)
        .await;
    assert_eq!(etag_of(&response), "\"1\"", "{kind:?}");
    let location = location_of(&response);
    let created = json_body(response, StatusCode::CREATED).await;
    let id = text(&created, "id");
    assert!(id.parse::<Uuid>().is_ok(), "{created}");
    assert_eq!(location, kind.item(&id));
    assert_eq!(created["version"], 1, "{created}");
    assert!(created["created_at"].is_string(), "{created}");
    assert_eq!(created["created_at"], created["updated_at"], "{created}");
    for (field, value) in body.as_object().expect("an object") {
        assert_eq!(&created[field], value, "{kind:?}.{field} in {created}");
    }

    let response = d.app.get(&location, Some(&d.auditor)).await;
    assert_eq!(etag_of(&response), "\"1\"");
    assert_eq!(json_body(response, StatusCode::OK).await, created);

    let (changed, field) = kind.changed(&body);
    let response = d
        .app
        .put_if_match(&d.dpo, &location, "\"1\"", &changed)
        .await;
    assert_eq!(etag_of(&response), "\"2\"", "{kind:?}");
    let replaced = json_body(response, StatusCode::OK).await;
    assert_eq!(replaced[field], changed[field], "{replaced}");
    assert_eq!(replaced["id"], created["id"]);
    assert_eq!(replaced["version"], 2);
    assert_eq!(replaced["created_at"], created["created_at"]);
    assert_ne!(replaced["updated_at"], created["updated_at"], "{replaced}");

    // The first tag is stale now: the replacement is refused and changes nothing.
    let response = d.app.put_if_match(&d.dpo, &location, "\"1\"", &body).await;
    let stale = problem(response, StatusCode::PRECONDITION_FAILED).await;
    assert!(
        text(&stale, "type").ends_with("/precondition-failed"),
        "{stale}"
    );
    assert_eq!(
        d.read(&location).await,
        ("\"2\"".to_owned(), replaced.clone())
    );

    let listed = d.app.list(&kind.collection(), &d.auditor, &[]).await;
    assert!(listed.contains(&replaced), "{kind:?}: {listed:?}");

    let response = d.app.delete_if_match(&d.dpo, &location, "\"2\"").await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.text().await.expect("a body").is_empty());

    problem(
        d.app.get(&location, Some(&d.admin)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        d.app.put_json(&location, Some(&d.admin), &body).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        d.app.delete(&location, Some(&d.admin)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(!d.list_ids(kind, &d.admin).await.contains(&id));
}

#[tokio::test]
async fn register_a_purpose_is_created_read_replaced_and_deleted() {
    life_of(Kind::Purpose).await;
}

#[tokio::test]
async fn register_a_data_category_is_created_read_replaced_and_deleted() {
    life_of(Kind::DataCategory).await;
}

#[tokio::test]
async fn register_a_recipient_is_created_read_replaced_and_deleted() {
    life_of(Kind::Recipient).await;
}

#[tokio::test]
async fn register_a_transfer_is_created_read_replaced_and_deleted() {
    life_of(Kind::Transfer).await;
}

#[tokio::test]
async fn register_a_retention_policy_is_created_read_replaced_and_deleted() {
    life_of(Kind::RetentionPolicy).await;
}

#[tokio::test]
async fn register_unknown_ids_are_404_for_every_operation() {
    let d = Keepers::spawn().await;
    let category = d
        .create_id(Kind::DataCategory, &category_body("Name"))
        .await;
    for kind in KINDS {
        let path = kind.item(&unknown_id());
        let body = kind.body("Nowhere", &category);
        let response = d.app.get(&path, Some(&d.admin)).await;
        problem(response, StatusCode::NOT_FOUND).await;
        let response = d.app.put_if_match(&d.admin, &path, "\"1\"", &body).await;
        problem(response, StatusCode::NOT_FOUND).await;
        // Without If-Match a PUT still replaces only what exists: it never creates.
        let response = d.app.put_json(&path, Some(&d.admin), &body).await;
        problem(response, StatusCode::NOT_FOUND).await;
        let response = d.app.delete(&path, Some(&d.admin)).await;
        problem(response, StatusCode::NOT_FOUND).await;
    }
    assert_eq!(d.list_ids(Kind::DataCategory, &d.admin).await, [category]);
    for kind in [
        Kind::Purpose,
        Kind::Recipient,
        Kind::Transfer,
        Kind::RetentionPolicy,
    ] {
        assert!(d.list_ids(kind, &d.admin).await.is_empty(), "{kind:?}");
    }
}

#[tokio::test]
async fn register_an_id_of_another_kind_is_404() {
    let d = Keepers::spawn().await;
    let category = d
        .create_id(Kind::DataCategory, &category_body("Name"))
        .await;
    let path = Kind::Recipient.item(&category);
    problem(
        d.app.get(&path, Some(&d.admin)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let response = d
        .app
        .put_json(&path, Some(&d.admin), &recipient_body("Sneaky"))
        .await;
    problem(response, StatusCode::NOT_FOUND).await;
    problem(
        d.app.delete(&path, Some(&d.admin)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let (tag, kept) = d.read(&Kind::DataCategory.item(&category)).await;
    assert_eq!(tag, "\"1\"");
    assert_eq!(kept["name"], "Name");
}

#[tokio::test]
async fn register_a_stale_if_match_on_delete_is_412_and_the_entry_stays() {
    let d = Keepers::spawn().await;
    let id = d
        .create_id(Kind::Recipient, &recipient_body("IT supplier"))
        .await;
    let path = Kind::Recipient.item(&id);
    for tag in ["\"2\"", "\"abc\""] {
        let response = d.app.delete_if_match(&d.admin, &path, tag).await;
        problem(response, StatusCode::PRECONDITION_FAILED).await;
    }
    assert_eq!(d.read(&path).await.0, "\"1\"");
    let response = d.app.delete_if_match(&d.admin, &path, "W/\"1\"").await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn register_replacing_with_a_weak_or_wildcard_tag_applies() {
    let d = Keepers::spawn().await;
    let id = d
        .create_id(Kind::Recipient, &recipient_body("IT supplier"))
        .await;
    let path = Kind::Recipient.item(&id);
    let response = d
        .app
        .put_if_match(
            &d.admin,
            &path,
            "W/\"1\"",
            &recipient_body("Hardware supplier"),
        )
        .await;
    assert_eq!(etag_of(&response), "\"2\"");
    let response = d
        .app
        .put_if_match(&d.admin, &path, "*", &recipient_body("Software supplier"))
        .await;
    assert_eq!(etag_of(&response), "\"3\"");
    let replaced = json_body(response, StatusCode::OK).await;
    assert_eq!(replaced["name"], "Software supplier");
    assert_eq!(d.read(&path).await, ("\"3\"".to_owned(), replaced));
}

#[tokio::test]
async fn register_replacing_with_what_is_stored_keeps_the_version() {
    let d = Keepers::spawn().await;
    let body = recipient_body("IT supplier");
    let created = d.create(Kind::Recipient, &body).await;
    let path = Kind::Recipient.item(&text(&created, "id"));
    let response = d.app.put_if_match(&d.admin, &path, "\"1\"", &body).await;
    assert_eq!(etag_of(&response), "\"1\"");
    assert_eq!(json_body(response, StatusCode::OK).await, created);
    assert_eq!(d.read(&path).await, ("\"1\"".to_owned(), created));
}

// ---------------------------------------------------------------------------------------------
// Who may

#[tokio::test]
async fn register_auditors_read_every_kind_but_may_not_write() {
    let d = Keepers::spawn().await;
    for kind in KINDS {
        let body = d.sample(kind, "Audited").await;
        let created = d.create(kind, &body).await;
        let id = text(&created, "id");
        let path = kind.item(&id);
        let stored = d.list_ids(kind, &d.auditor).await;
        assert!(stored.contains(&id), "{kind:?}");
        let response = d.app.get(&path, Some(&d.auditor)).await;
        assert_eq!(json_body(response, StatusCode::OK).await, created);

        let response = d
            .app
            .post_json(&kind.collection(), Some(&d.auditor), &body)
            .await;
        let refused = problem(response, StatusCode::FORBIDDEN).await;
        assert!(text(&refused, "type").ends_with("/forbidden"), "{refused}");
        let (changed, _) = kind.changed(&body);
        let response = d
            .app
            .put_if_match(&d.auditor, &path, "\"1\"", &changed)
            .await;
        problem(response, StatusCode::FORBIDDEN).await;
        let response = d.app.delete(&path, Some(&d.auditor)).await;
        problem(response, StatusCode::FORBIDDEN).await;

        assert_eq!(d.read(&path).await, ("\"1\"".to_owned(), created));
        assert_eq!(
            d.list_ids(kind, &d.admin).await,
            stored,
            "{kind:?}: the auditor's POST stored nothing"
        );
    }
}

#[tokio::test]
async fn register_the_dpo_keeps_the_register_as_the_admin_does() {
    let d = Keepers::spawn().await;
    for kind in KINDS {
        let body = d.sample(kind, "Kept by the DPO").await;
        let response = d
            .app
            .post_json(&kind.collection(), Some(&d.dpo), &body)
            .await;
        let created = json_body(response, StatusCode::CREATED).await;
        let path = kind.item(&text(&created, "id"));
        let response = d.app.get(&path, Some(&d.dpo)).await;
        assert_eq!(json_body(response, StatusCode::OK).await, created);
        let (changed, field) = kind.changed(&body);
        let response = d.app.put_if_match(&d.dpo, &path, "\"1\"", &changed).await;
        assert_eq!(
            json_body(response, StatusCode::OK).await[field],
            changed[field]
        );
        let response = d.app.delete(&path, Some(&d.dpo)).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "{kind:?}");
    }
}

#[tokio::test]
async fn register_requesters_and_agents_may_not_read_or_write_it() {
    let d = Keepers::spawn().await;
    for role in ["requester", "agent"] {
        let token = d.app.token(ORG, &[role], "someone");
        for kind in KINDS {
            let body = d.sample(kind, "Hidden").await;
            let created = d.create(kind, &body).await;
            let path = kind.item(&text(&created, "id"));

            let response = d.app.get(&kind.collection(), Some(&token)).await;
            let refused = problem(response, StatusCode::FORBIDDEN).await;
            assert!(
                text(&refused, "detail").contains("auditor"),
                "{role}: {refused}"
            );
            problem(d.app.get(&path, Some(&token)).await, StatusCode::FORBIDDEN).await;
            let response = d
                .app
                .post_json(&kind.collection(), Some(&token), &body)
                .await;
            problem(response, StatusCode::FORBIDDEN).await;
            let response = d.app.put_json(&path, Some(&token), &body).await;
            problem(response, StatusCode::FORBIDDEN).await;
            problem(
                d.app.delete(&path, Some(&token)).await,
                StatusCode::FORBIDDEN,
            )
            .await;
            assert_eq!(d.read(&path).await, ("\"1\"".to_owned(), created));
        }
    }
}

#[tokio::test]
async fn register_without_a_token_every_operation_is_401() {
    let d = Keepers::spawn().await;
    for kind in KINDS {
        let body = d.sample(kind, "Private").await;
        let created = d.create(kind, &body).await;
        let path = kind.item(&text(&created, "id"));
        let responses = [
            d.app.get(&kind.collection(), None).await,
            d.app.get(&path, None).await,
            d.app.post_json(&kind.collection(), None, &body).await,
            d.app.put_json(&path, None, &body).await,
            d.app.delete(&path, None).await,
        ];
        for response in responses {
            assert_eq!(
                response
                    .headers()
                    .get(WWW_AUTHENTICATE)
                    .and_then(|v| v.to_str().ok()),
                Some("Bearer")
            );
            let refused = problem(response, StatusCode::UNAUTHORIZED).await;
            assert!(
                text(&refused, "type").ends_with("/unauthenticated"),
                "{refused}"
            );
        }
        // A token that is not valid is no better than none.
        let response = d.app.get(&path, Some("not-a-token")).await;
        problem(response, StatusCode::UNAUTHORIZED).await;
        assert_eq!(d.read(&path).await, ("\"1\"".to_owned(), created));
    }
}

/// The Cabinet Office's entries by kind, from the demo registers: Satisfaction surveys, Name,
/// its IT supplier, its Model Contract Clauses transfer and its retention policy.
const CABINET_OFFICE_ENTRIES: [(Kind, u128); 5] = [
    (Kind::Purpose, 0x1_1005),
    (Kind::DataCategory, 0x1_0001),
    (Kind::Recipient, 0x1_0101),
    (Kind::Transfer, 0x1_0201),
    (Kind::RetentionPolicy, 0x1_0301),
];

#[tokio::test]
async fn register_another_organisations_entries_are_not_found() {
    let app = spawn_seeded_app().await;
    let cabinet = app.token("cabinet-office", &["admin"], "co-admin");
    let devon = app.token("devon-cc", &["admin"], "devon-admin");
    let devon_auditor = app.token("devon-cc", &["auditor"], "devon-auditor");
    // Devon's own "Name" category, so a purpose body is one Devon could store.
    let devon_name = seed_id(0x2_0002);
    for (kind, n) in CABINET_OFFICE_ENTRIES {
        let id = seed_id(n);
        let path = kind.item(&id);
        let response = app.get(&path, Some(&cabinet)).await;
        assert_eq!(etag_of(&response), "\"1\"", "{kind:?}");
        let before = json_body(response, StatusCode::OK).await;
        let devon_before = ids(&app.list(&kind.collection(), &devon, &[]).await);

        for token in [&devon, &devon_auditor] {
            let response = app.get(&path, Some(token)).await;
            let missing = problem(response, StatusCode::NOT_FOUND).await;
            assert!(
                !text(&missing, "detail").contains("Cabinet"),
                "a 404 tells nothing of the entry: {missing}"
            );
        }
        let body = kind.body("Taken over", &devon_name);
        let response = send(
            app.request(Method::PUT, &path, Some(&devon))
                .header(IF_MATCH, "\"1\"")
                .json(&body),
        )
        .await;
        problem(response, StatusCode::NOT_FOUND).await;
        let response = app.put_json(&path, Some(&devon), &body).await;
        problem(response, StatusCode::NOT_FOUND).await;
        problem(app.delete(&path, Some(&devon)).await, StatusCode::NOT_FOUND).await;

        let devon_after = ids(&app.list(&kind.collection(), &devon, &[]).await);
        assert_eq!(devon_after, devon_before, "{kind:?}: Devon gained nothing");
        assert!(!devon_after.contains(&id));
        let response = app.get(&path, Some(&cabinet)).await;
        assert_eq!(etag_of(&response), "\"1\"", "{kind:?}");
        assert_eq!(json_body(response, StatusCode::OK).await, before);
    }
}

#[tokio::test]
async fn register_a_processor_does_not_see_its_controllers_purposes() {
    // The Cabinet Office processes for DCMS under an agreement covering these purposes; they
    // stay DCMS's entries.
    let app = spawn_seeded_app().await;
    let cabinet = app.token("cabinet-office", &["admin"], "co-admin");
    let dcms = app.token("dcms", &["auditor"], "dcms-auditor");
    let path = Kind::Purpose.item(&seed_id(0x4_1001));
    problem(app.get(&path, Some(&cabinet)).await, StatusCode::NOT_FOUND).await;
    problem(
        app.delete(&path, Some(&cabinet)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let listed = ids(&app.list(&Kind::Purpose.collection(), &cabinet, &[]).await);
    let own: Vec<String> = [0x1_1001, 0x1_1002, 0x1_1003, 0x1_1004, 0x1_1005]
        .map(seed_id)
        .to_vec();
    assert_eq!(listed, own);
    let response = app.get(&path, Some(&dcms)).await;
    assert_eq!(
        json_body(response, StatusCode::OK).await["name"],
        "IT requests and incidents"
    );
}

#[tokio::test]
async fn register_a_purpose_may_not_name_another_organisations_entries() {
    let app = spawn_seeded_app().await;
    let devon = app.token("devon-cc", &["admin"], "devon-admin");
    let mut body = purpose_body("Borrowed data", &[&seed_id(0x1_0001)]);
    body["recipients"] = json!([seed_id(0x1_0101)]);
    body["transfers"] = json!([seed_id(0x1_0201)]);
    body["retention_policy"] = json!(seed_id(0x1_0301));
    let response = app
        .post_json(&Kind::Purpose.collection(), Some(&devon), &body)
        .await;
    let refused = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_names_exactly(
        &refused,
        &[
            "data_categories",
            "recipients",
            "transfers",
            "retention_policy",
        ],
    );
    let purposes = app.list(&Kind::Purpose.collection(), &devon, &[]).await;
    assert_eq!(purposes.len(), 4, "Devon keeps its four purposes");
}

// ---------------------------------------------------------------------------------------------
// Bad input

#[tokio::test]
async fn register_a_path_id_that_is_not_a_uuid_is_400_naming_id() {
    let d = Keepers::spawn().await;
    let category = d
        .create_id(Kind::DataCategory, &category_body("Name"))
        .await;
    for kind in KINDS {
        let body = kind.body("Anything", &category);
        for bad in [
            "not-a-uuid",
            "12345",
            "00000000-0000-0000-0000-00000000000g",
        ] {
            let path = kind.item(bad);
            let responses = [
                d.app.get(&path, Some(&d.admin)).await,
                d.app.put_json(&path, Some(&d.admin), &body).await,
                d.app.delete(&path, Some(&d.admin)).await,
            ];
            for response in responses {
                let refused = problem_naming(response, StatusCode::BAD_REQUEST, "id").await;
                assert!(
                    text(&refused, "type").ends_with("/invalid-parameters"),
                    "{refused}"
                );
            }
        }
    }
}

#[tokio::test]
async fn register_an_unknown_field_is_422_naming_it() {
    let d = Keepers::spawn().await;
    let category = d
        .create_id(Kind::DataCategory, &category_body("Name"))
        .await;
    for kind in KINDS {
        let valid = kind.body("Strict", &category);
        let created = d.create(kind, &valid).await;
        let path = kind.item(&text(&created, "id"));
        let stored = d.list_ids(kind, &d.admin).await;
        // The server assigns ids: a body naming one is as wrong as any other stray field.
        for (field, value) in [("colour", json!("red")), ("id", json!(unknown_id()))] {
            let mut body = valid.clone();
            body[field] = value;
            let response = d
                .app
                .post_json(&kind.collection(), Some(&d.admin), &body)
                .await;
            let refused = problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, field).await;
            assert!(text(&refused, "type").ends_with("/validation"), "{refused}");
            let response = d.app.put_if_match(&d.admin, &path, "\"1\"", &body).await;
            problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, field).await;
        }
        assert_eq!(d.read(&path).await, ("\"1\"".to_owned(), created));
        assert_eq!(d.list_ids(kind, &d.admin).await, stored, "{kind:?}");
    }
}

#[tokio::test]
async fn register_a_value_outside_its_set_is_422_naming_the_field() {
    let d = Keepers::spawn().await;
    let category = d
        .create_id(Kind::DataCategory, &category_body("Name"))
        .await;
    let cases = [
        (Kind::Purpose, "lawful_basis", json!("z")),
        (Kind::Purpose, "lawful_basis", json!("g")),
        (Kind::Purpose, "special_category_condition", json!("z")),
        (Kind::Purpose, "schedule_1_condition", json!("friendship")),
        (Kind::Purpose, "provision_requirement", json!("sometimes")),
        (
            Kind::Purpose,
            "recognised_legitimate_interest",
            json!("curiosity"),
        ),
        (Kind::Purpose, "data_categories", json!(["not-a-uuid"])),
        (Kind::DataCategory, "special", json!("yes")),
        (Kind::Recipient, "kind", json!("friend")),
        (Kind::Recipient, "country", json!("UK")),
        (Kind::Transfer, "mechanism", json!("handshake")),
        (Kind::RetentionPolicy, "trigger", json!("whenever")),
        (Kind::RetentionPolicy, "action", json!("shred")),
        (Kind::RetentionPolicy, "period", json!("1 year")),
    ];
    for (kind, field, value) in cases {
        let mut body = kind.body("Out of range", &category);
        body[field] = value;
        let response = d
            .app
            .post_json(&kind.collection(), Some(&d.admin), &body)
            .await;
        let named = match field {
            "data_categories" => "data_categories[0]",
            other => other,
        };
        let refused = problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, named).await;
        assert!(text(&refused, "type").ends_with("/validation"), "{refused}");
    }
    assert!(d.list_ids(Kind::Purpose, &d.admin).await.is_empty());
    assert_eq!(d.list_ids(Kind::DataCategory, &d.admin).await, [category]);
}

#[tokio::test]
async fn register_legitimate_interests_must_be_stated() {
    let d = Keepers::spawn().await;
    let category = d
        .create_id(Kind::DataCategory, &category_body("Name"))
        .await;
    let mut body = purpose_body("Security monitoring", &[&category]);
    body["lawful_basis"] = json!("f");
    for interests in [None, Some("   ")] {
        if let Some(interests) = interests {
            body["legitimate_interests"] = json!(interests);
        }
        let response = d
            .app
            .post_json(&Kind::Purpose.collection(), Some(&d.admin), &body)
            .await;
        let refused = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_names_exactly(&refused, &["legitimate_interests"]);
        let message = &messages_for(&refused, "legitimate_interests")[0];
        assert!(message.starts_with("Art 13(1)(d)"), "{message}");
    }
    assert!(d.list_ids(Kind::Purpose, &d.admin).await.is_empty());

    body["legitimate_interests"] = json!("Keeping the organisation's systems secure");
    let created = d.create(Kind::Purpose, &body).await;
    assert_eq!(created["lawful_basis"], "f");

    // A replacement is held to the same rules.
    let path = Kind::Purpose.item(&text(&created, "id"));
    body["legitimate_interests"] = json!(null);
    let response = d.app.put_if_match(&d.admin, &path, "\"1\"", &body).await;
    problem_naming(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "legitimate_interests",
    )
    .await;
    assert_eq!(d.read(&path).await, ("\"1\"".to_owned(), created));
}

#[tokio::test]
async fn register_special_category_data_needs_an_article_9_condition() {
    let d = Keepers::spawn().await;
    let name = d
        .create_id(Kind::DataCategory, &category_body("Name"))
        .await;
    let health = d
        .create_id(Kind::DataCategory, &special_category_body("Health"))
        .await;
    let mut body = purpose_body("Safeguarding", &[&name, &health]);
    let response = d
        .app
        .post_json(&Kind::Purpose.collection(), Some(&d.admin), &body)
        .await;
    let refused = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_names_exactly(&refused, &["special_category_condition"]);
    let message = &messages_for(&refused, "special_category_condition")[0];
    assert!(message.starts_with("Art 9(1)"), "{message}");
    assert!(d.list_ids(Kind::Purpose, &d.admin).await.is_empty());

    // 9(2)(h) through Sch 1 para 2 needs no policy document.
    body["special_category_condition"] = json!("h");
    body["schedule_1_condition"] = json!("health_or_social_care");
    let created = d.create(Kind::Purpose, &body).await;
    assert_eq!(created["special_category_condition"], "h");
}

#[tokio::test]
async fn register_the_employment_condition_needs_schedule_1_and_a_policy_document() {
    let d = Keepers::spawn().await;
    let health = d
        .create_id(Kind::DataCategory, &special_category_body("Health"))
        .await;
    let mut body = purpose_body("IT requests and incidents", &[&health]);
    body["special_category_condition"] = json!("b");
    let response = d
        .app
        .post_json(&Kind::Purpose.collection(), Some(&d.admin), &body)
        .await;
    let refused = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_names_exactly(&refused, &["schedule_1_condition", "policy_document"]);
    assert_eq!(
        messages_for(&refused, "schedule_1_condition"),
        ["DPA 2018 s.10(2): Art 9(2)(b) is met only through DPA 2018 Sch 1 para 1"]
    );
    let message = &messages_for(&refused, "policy_document")[0];
    assert!(
        message.starts_with("DPA 2018 Sch 1 para 1(1)(b)"),
        "{message}"
    );

    // The wrong Schedule 1 condition is named as such.
    body["schedule_1_condition"] = json!("counselling");
    body["policy_document"] = json!({
        "reference": "Appropriate policy document",
        "owner": "Data Protection Officer",
        "review_date": "2027-03-31",
    });
    let response = d
        .app
        .post_json(&Kind::Purpose.collection(), Some(&d.admin), &body)
        .await;
    let refused = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_names_exactly(&refused, &["schedule_1_condition"]);
    assert!(d.list_ids(Kind::Purpose, &d.admin).await.is_empty());

    body["schedule_1_condition"] = json!("employment");
    let created = d.create(Kind::Purpose, &body).await;
    assert_eq!(created["schedule_1_condition"], "employment");
    assert_eq!(created["policy_document"]["review_date"], "2027-03-31");
}

#[tokio::test]
async fn register_a_purpose_names_only_entries_the_register_holds() {
    let d = Keepers::spawn().await;
    let name = d
        .create_id(Kind::DataCategory, &category_body("Name"))
        .await;
    let cases = [
        ("data_categories", json!([name, unknown_id()])),
        ("recipients", json!([unknown_id()])),
        ("transfers", json!([unknown_id()])),
        ("retention_policy", json!(unknown_id())),
    ];
    for (field, value) in &cases {
        let mut body = purpose_body("Dangling", &[&name]);
        body[*field] = value.clone();
        let response = d
            .app
            .post_json(&Kind::Purpose.collection(), Some(&d.admin), &body)
            .await;
        let refused = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_names_exactly(&refused, &[field]);
        let message = &messages_for(&refused, field)[0];
        assert!(message.starts_with("Art 30(1)"), "{message}");
    }
    let mut body = purpose_body("Dangling everywhere", &[&name]);
    for (field, value) in &cases {
        body[*field] = value.clone();
    }
    let response = d
        .app
        .post_json(&Kind::Purpose.collection(), Some(&d.admin), &body)
        .await;
    let refused = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_names_exactly(
        &refused,
        &[
            "data_categories",
            "recipients",
            "transfers",
            "retention_policy",
        ],
    );
    assert!(d.list_ids(Kind::Purpose, &d.admin).await.is_empty());
}

#[tokio::test]
async fn register_every_violation_of_a_purpose_is_reported_at_once() {
    let d = Keepers::spawn().await;
    let health = d
        .create_id(Kind::DataCategory, &special_category_body("Health"))
        .await;
    let body = json!({
        "name": "",
        "description": "  ",
        "lawful_basis": "f",
        "data_subject_categories": [],
        "data_categories": [health, unknown_id()],
        "retention_policy": unknown_id(),
        "source": { "from_data_subject": false },
        "provision_requirement": "voluntary",
        "automated_decision_making": true,
    });
    let response = d
        .app
        .post_json(&Kind::Purpose.collection(), Some(&d.admin), &body)
        .await;
    let refused = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_names_exactly(
        &refused,
        &[
            "name",
            "description",
            "data_subject_categories",
            "legitimate_interests",
            "special_category_condition",
            "automated_decision_logic",
            "source",
            "data_categories",
            "retention_policy",
        ],
    );
    for (field, article) in [
        ("legitimate_interests", "Art 13(1)(d)"),
        ("special_category_condition", "Art 9(1)"),
        ("automated_decision_logic", "Art 13(2)(f)"),
        ("source", "Art 14(2)(f)"),
    ] {
        let message = &messages_for(&refused, field)[0];
        assert!(message.starts_with(article), "{field}: {message}");
    }
    let detail = text(&refused, "detail");
    assert!(detail.contains("legitimate_interests"), "{detail}");
    assert!(d.list_ids(Kind::Purpose, &d.admin).await.is_empty());
}

#[tokio::test]
async fn register_a_category_a_purpose_holds_without_a_condition_may_not_turn_special() {
    let d = Keepers::spawn().await;
    let body = category_body("Contact details");
    let created = d.create(Kind::DataCategory, &body).await;
    let id = text(&created, "id");
    let path = Kind::DataCategory.item(&id);
    d.create(Kind::Purpose, &purpose_body("Support tickets", &[&id]))
        .await;

    let mut special = body.clone();
    special["special"] = json!(true);
    let response = d.app.put_if_match(&d.admin, &path, "\"1\"", &special).await;
    let refused = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_names_exactly(&refused, &["special"]);
    let message = &messages_for(&refused, "special")[0];
    assert!(message.starts_with("Art 9(1)"), "{message}");
    assert!(message.contains("Support tickets"), "{message}");
    let (tag, kept) = d.read(&path).await;
    assert_eq!(tag, "\"1\"");
    assert_eq!(kept, created);
    assert_eq!(kept["special"], false);

    // Held only by a purpose with an Art 9(2) condition, the category may turn special.
    let care = d
        .create_id(Kind::DataCategory, &category_body("Care notes"))
        .await;
    let mut safeguarding = purpose_body("Safeguarding", &[&care]);
    safeguarding["special_category_condition"] = json!("h");
    safeguarding["schedule_1_condition"] = json!("health_or_social_care");
    d.create(Kind::Purpose, &safeguarding).await;
    let mut special = category_body("Care notes");
    special["special"] = json!(true);
    let response = d
        .app
        .put_if_match(&d.admin, &Kind::DataCategory.item(&care), "\"1\"", &special)
        .await;
    assert_eq!(json_body(response, StatusCode::OK).await["special"], true);
}

// ---------------------------------------------------------------------------------------------
// Entries in use

#[tokio::test]
async fn register_entries_a_purpose_names_cannot_be_deleted() {
    let d = Keepers::spawn().await;
    let category = d
        .create_id(Kind::DataCategory, &category_body("Name"))
        .await;
    let recipient = d
        .create_id(Kind::Recipient, &recipient_body("IT supplier"))
        .await;
    let transfer = d
        .create_id(Kind::Transfer, &transfer_body("United States"))
        .await;
    let retention = d
        .create_id(Kind::RetentionPolicy, &retention_body("Schedule 4.2"))
        .await;
    let mut body = purpose_body("User accounts", &[&category]);
    body["recipients"] = json!([recipient]);
    body["transfers"] = json!([transfer]);
    body["retention_policy"] = json!(retention);
    let purpose = d.create_id(Kind::Purpose, &body).await;

    let named = [
        (Kind::DataCategory, &category),
        (Kind::Recipient, &recipient),
        (Kind::Transfer, &transfer),
        (Kind::RetentionPolicy, &retention),
    ];
    for (kind, id) in named {
        let path = kind.item(id);
        let response = d.app.delete_if_match(&d.admin, &path, "\"1\"").await;
        let refused = problem(response, StatusCode::CONFLICT).await;
        assert!(
            text(&refused, "detail").contains("User accounts"),
            "{kind:?}: {refused}"
        );
        assert_eq!(d.read(&path).await.0, "\"1\"", "{kind:?} is still there");
    }

    let response = d
        .app
        .delete(&Kind::Purpose.item(&purpose), Some(&d.admin))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    for (kind, id) in named {
        let response = d.app.delete(&kind.item(id), Some(&d.admin)).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "{kind:?}");
    }
}

#[tokio::test]
async fn register_a_purpose_a_processing_agreement_covers_cannot_be_deleted() {
    let app = spawn_seeded_app().await;
    let dcms = app.token("dcms", &["admin"], "dcms-admin");
    for n in [0x4_1001, 0x4_1002, 0x4_1004] {
        let path = Kind::Purpose.item(&seed_id(n));
        let response = app.delete(&path, Some(&dcms)).await;
        let refused = problem(response, StatusCode::CONFLICT).await;
        assert!(text(&refused, "detail").contains("agreement"), "{refused}");
        let response = app.get(&path, Some(&dcms)).await;
        assert_eq!(etag_of(&response), "\"1\"");
        assert_eq!(json_body(response, StatusCode::OK).await["version"], 1);
    }
    // A purpose no agreement covers goes: the Cabinet Office's own satisfaction surveys.
    let cabinet = app.token("cabinet-office", &["admin"], "co-admin");
    let path = Kind::Purpose.item(&seed_id(0x1_1005));
    let response = app.delete(&path, Some(&cabinet)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    problem(app.get(&path, Some(&cabinet)).await, StatusCode::NOT_FOUND).await;
}

// ---------------------------------------------------------------------------------------------
// Rights

fn has_right(purpose: &Value, right: &str) -> bool {
    purpose["rights"]
        .as_array()
        .unwrap_or_else(|| panic!("a purpose carries its rights: {purpose}"))
        .iter()
        .any(|r| r["right"] == right)
}

fn right<'a>(purpose: &'a Value, right: &str) -> &'a Value {
    purpose["rights"]
        .as_array()
        .and_then(|rights| rights.iter().find(|r| r["right"] == right))
        .unwrap_or_else(|| panic!("{right} in {purpose}"))
}

#[tokio::test]
async fn register_purposes_carry_the_rights_that_apply() {
    let app = spawn_seeded_app().await;
    let devon = app.token("devon-cc", &["auditor"], "devon-auditor");
    let response = app
        .get(&Kind::Purpose.item(&seed_id(0x2_1001)), Some(&devon))
        .await;
    let tickets = json_body(response, StatusCode::OK).await;
    assert_eq!(tickets["name"], "Support tickets");
    assert_eq!(tickets["lawful_basis"], "e");
    assert!(has_right(&tickets, "objection"), "{tickets}");
    assert_eq!(right(&tickets, "objection")["extent"], "full");
    assert!(!has_right(&tickets, "portability"), "{tickets}");
    assert!(!has_right(&tickets, "withdraw_consent"), "{tickets}");
    assert_eq!(right(&tickets, "erasure")["article"], "Art 17(3)(b)");
    for r in tickets["rights"].as_array().expect("rights") {
        assert!(r["article"].is_string() && r["reason"].is_string(), "{r}");
    }

    let cabinet = app.token("cabinet-office", &["admin"], "co-admin");
    let response = app
        .get(&Kind::Purpose.item(&seed_id(0x1_1005)), Some(&cabinet))
        .await;
    let surveys = json_body(response, StatusCode::OK).await;
    assert_eq!(surveys["name"], "Satisfaction surveys");
    assert_eq!(surveys["lawful_basis"], "a");
    assert!(has_right(&surveys, "portability"), "{surveys}");
    assert!(has_right(&surveys, "withdraw_consent"), "{surveys}");

    // Lists carry them too.
    let listed = app.list(&Kind::Purpose.collection(), &cabinet, &[]).await;
    let listed = listed
        .iter()
        .find(|p| p["id"] == surveys["id"])
        .expect("surveys listed");
    assert_eq!(listed["rights"], surveys["rights"]);

    // And a replacement's answer follows its new basis: consent withdrawn, no more withdrawal.
    let mut body = surveys.clone();
    let object = body.as_object_mut().expect("an object");
    for field in ["id", "version", "created_at", "updated_at", "rights"] {
        object.remove(field);
    }
    body["lawful_basis"] = json!("e");
    let response = send(
        app.request(
            Method::PUT,
            &Kind::Purpose.item(&seed_id(0x1_1005)),
            Some(&cabinet),
        )
        .header(IF_MATCH, "\"1\"")
        .json(&body),
    )
    .await;
    let replaced = json_body(response, StatusCode::OK).await;
    assert!(!has_right(&replaced, "withdraw_consent"), "{replaced}");
    assert!(has_right(&replaced, "objection"), "{replaced}");
}

// ---------------------------------------------------------------------------------------------
// Paging

#[tokio::test]
async fn register_lists_page_through_every_entry_once_oldest_first() {
    let d = Keepers::spawn().await;
    let category = d
        .create_id(Kind::DataCategory, &category_body("Name"))
        .await;
    for kind in KINDS {
        let mut made = Vec::new();
        if kind == Kind::DataCategory {
            made.push(category.clone());
        }
        while made.len() < 5 {
            let body = kind.body(&format!("Entry {}", made.len()), &category);
            made.push(d.create_id(kind, &body).await);
        }
        let pages = d.app.list_all(&kind.collection(), &d.auditor, 2).await;
        let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
        assert_eq!(sizes, [2, 2, 1], "{kind:?}");
        let seen: Vec<String> = pages.iter().flat_map(|page| ids(page)).collect();
        assert_eq!(seen, made, "{kind:?}: every entry once, oldest first");

        // A page of exactly the rest has no next cursor.
        let page = json_body(
            send(
                d.app
                    .request(Method::GET, &kind.collection(), Some(&d.auditor))
                    .query(&[("limit", "5")]),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(items(&page).len(), 5);
        assert_eq!(page["next_cursor"], json!(null), "{page}");
    }
}

#[tokio::test]
async fn register_a_bad_cursor_or_limit_is_400_naming_it() {
    let d = Keepers::spawn().await;
    for kind in KINDS {
        for (name, value) in [
            ("cursor", "nope"),
            ("cursor", "AAAAAAAAAAAAAAAAAAAAAAA"),
            ("limit", "0"),
            ("limit", "501"),
            ("limit", "-1"),
            ("limit", "ten"),
            ("as_of", "yesterday"),
        ] {
            let response = send(
                d.app
                    .request(Method::GET, &kind.collection(), Some(&d.admin))
                    .query(&[(name, value)]),
            )
            .await;
            let refused = problem_naming(response, StatusCode::BAD_REQUEST, name).await;
            assert!(
                text(&refused, "type").ends_with("/invalid-parameters"),
                "{refused}"
            );
        }
        // Every bad parameter at once.
        let response = send(
            d.app
                .request(Method::GET, &kind.collection(), Some(&d.admin))
                .query(&[("limit", "0"), ("cursor", "nope")]),
        )
        .await;
        let refused = problem(response, StatusCode::BAD_REQUEST).await;
        assert_names_exactly(&refused, &["limit", "cursor"]);
    }
}

// ---------------------------------------------------------------------------------------------
// Concurrency

#[tokio::test]
async fn register_concurrent_replacements_with_one_etag_let_exactly_one_through() {
    let d = Keepers::spawn().await;
    let id = d
        .create_id(Kind::Recipient, &recipient_body("IT supplier"))
        .await;
    let path = Kind::Recipient.item(&id);
    for round in 1..=5_i64 {
        let tag = format!("\"{round}\"");
        let first = recipient_body(&format!("First writer, round {round}"));
        let second = recipient_body(&format!("Second writer, round {round}"));
        let (a, b) = tokio::join!(
            d.app.put_if_match(&d.admin, &path, &tag, &first),
            d.app.put_if_match(&d.dpo, &path, &tag, &second),
        );
        let mut statuses = [a.status(), b.status()];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::PRECONDITION_FAILED],
            "round {round}"
        );
        let (winner, loser) = if a.status() == StatusCode::OK {
            (a, b)
        } else {
            (b, a)
        };
        assert_eq!(etag_of(&winner), format!("\"{}\"", round + 1));
        let won = json_body(winner, StatusCode::OK).await;
        problem(loser, StatusCode::PRECONDITION_FAILED).await;
        assert_eq!(won["version"], round + 1);
        assert_eq!(d.read(&path).await, (format!("\"{}\"", round + 1), won));
    }
}
