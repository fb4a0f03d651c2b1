//! Privacy notices: generated from the register, refused while an Art 13/14 element is missing,
//! published as numbered immutable versions with their changes, read as JSON, Markdown or HTML,
//! and each organisation's current notice public without a token.

use reqwest::header::{IF_MATCH, LOCATION};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

const NOTICES: &str = "/api/v1/privacy-notices";

fn notice_path(version: &str) -> String {
    format!("{NOTICES}/{version}")
}

fn public_path(slug: &str) -> String {
    format!("/api/v1/organisations/{slug}/privacy-notice")
}

async fn publish(app: &TestApp, token: &str, body: &Value) -> Response {
    app.post_json(NOTICES, Some(token), body).await
}

/// Publishes with `body`; fails the test unless 201.
async fn published(app: &TestApp, token: &str, body: &Value) -> Value {
    json_body(publish(app, token, body).await, StatusCode::CREATED).await
}

async fn get_format(app: &TestApp, path: &str, token: Option<&str>, format: &str) -> Response {
    send(
        app.request(Method::GET, path, token)
            .query(&[("format", format)]),
    )
    .await
}

/// The body of a 200 response whose content type starts with `prefix`.
async fn text_body(response: Response, prefix: &str) -> String {
    let status = response.status();
    let content_type = content_type(&response);
    let body = response.text().await.expect("a readable body");
    assert_eq!(status, StatusCode::OK, "body: {body}");
    assert!(
        content_type.starts_with(prefix),
        "content type {content_type}, wanted {prefix}"
    );
    body
}

/// An organisation whose register a notice can be made from: details, one purpose on the
/// employment contract with its category and retention policy. Returns the admin's token and
/// the purpose.
async fn complete_register(app: &TestApp) -> (String, Value) {
    let admin = app.token(ORG, &["admin"], "admin-1");
    record_details(app, &admin, ORG, &details("Acme Ltd")).await;
    let purpose = create_purpose(app, &admin, "IT support").await;
    (admin, purpose)
}

/// Replaces the purpose's lawful basis; fails the test unless 200.
async fn change_basis(app: &TestApp, token: &str, purpose: &Value, basis: &str) -> Value {
    let body = staff_purpose(
        &text(purpose, "name"),
        basis,
        purpose["data_categories"][0]
            .as_str()
            .expect("a category id"),
        &text(purpose, "retention_policy"),
    );
    let response = send(
        app.request(
            Method::PUT,
            &format!("{PURPOSES}/{}", text(purpose, "id")),
            Some(token),
        )
        .header(IF_MATCH, "*")
        .json(&body),
    )
    .await;
    json_body(response, StatusCode::OK).await
}

fn versions(items: &[Value]) -> Vec<i64> {
    items
        .iter()
        .map(|i| i["version"].as_i64().expect("a version"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Publishing

#[tokio::test]
async fn an_empty_register_is_refused_naming_each_missing_element_with_its_article() {
    let app = spawn_app().await;
    let admin = app.token(ORG, &["admin"], "admin-1");
    let response = publish(&app, &admin, &json!({})).await;
    let refusal = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let named = fields(&refusal);
    for element in ["identity_and_contact", "purposes"] {
        assert!(named.iter().any(|f| f == element), "{element} in {refusal}");
    }
    // Not a public authority (as far as the register knows): no DPO is required.
    assert!(!named.iter().any(|f| f == "dpo"), "{refusal}");
    for error in refusal["errors"].as_array().expect("errors") {
        assert!(
            text(error, "message").starts_with("Art "),
            "each message leads with its article: {error}"
        );
    }

    // A public authority without a DPO or any way to reach it.
    let body = json!({"name": "Acme Council", "public_authority": true});
    record_details(&app, &admin, ORG, &body).await;
    let response = publish(&app, &admin, &json!({})).await;
    let refusal = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let named = fields(&refusal);
    for element in ["identity_and_contact", "dpo", "purposes"] {
        assert!(named.iter().any(|f| f == element), "{element} in {refusal}");
    }
    let dpo = refusal["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .find(|e| e["field"] == "dpo")
        .expect("the DPO error");
    assert!(
        text(dpo, "message").starts_with("Art 13(1)(b)"),
        "{refusal}"
    );
    let purposes = refusal["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .find(|e| e["field"] == "purposes")
        .expect("the purposes error");
    assert!(
        text(purposes, "message").starts_with("Art 13(1)(c)"),
        "{refusal}"
    );

    // Nothing was published.
    assert_eq!(app.list(NOTICES, &admin, &[]).await, Vec::<Value>::new());
    problem(
        app.get(&public_path(ORG), None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn a_purpose_without_retention_is_a_missing_element() {
    let app = spawn_app().await;
    let admin = app.token(ORG, &["admin"], "admin-1");
    record_details(&app, &admin, ORG, &details("Acme Ltd")).await;
    let category = json_body(
        app.post_json(
            "/api/v1/register/data-categories",
            Some(&admin),
            &json!({"name": "Name"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let mut body = staff_purpose("IT support", "b", &text(&category, "id"), "");
    body["retention_policy"] = json!(null);
    json_body(
        app.post_json(PURPOSES, Some(&admin), &body).await,
        StatusCode::CREATED,
    )
    .await;
    let response = publish(&app, &admin, &json!({})).await;
    let problem = problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, "retention").await;
    assert_eq!(fields(&problem), ["retention"], "{problem}");
    assert!(
        problem.to_string().contains("IT support"),
        "the purpose is named: {problem}"
    );
}

#[tokio::test]
async fn a_complete_register_publishes_version_1() {
    let app = spawn_app().await;
    let (admin, _) = complete_register(&app).await;
    let response = publish(&app, &admin, &json!({})).await;
    assert_eq!(
        response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/api/v1/privacy-notices/1")
    );
    let first = json_body(response, StatusCode::CREATED).await;
    assert_eq!(first["version"], 1);
    assert_eq!(first["effective_date"], today().to_string());
    assert!(first["published_at"].is_string(), "{first}");
    assert_eq!(
        first["changes"],
        json!([{
            "kind": "first_publication",
            "element": "identity_and_contact",
            "subject": "Acme Ltd",
            "detail": "first publication, with 1 purpose",
        }])
    );
    let notice = &first["notice"];
    assert_eq!(notice["title"], "Privacy notice: Acme Ltd");
    assert_eq!(notice["controller"]["ico_registration_number"], "ZA123456");
    assert_eq!(notice["dpo"]["email"], "dpo@acme.example.org");
    assert_eq!(notice["purposes"].as_array().map(Vec::len), Some(1));
    assert_eq!(notice["purposes"][0]["name"], "IT support");
    assert_eq!(notice["processor_for"], json!([]));

    // The version reads back as published, and is public.
    assert_eq!(
        json_body(
            app.get(&notice_path("1"), Some(&admin)).await,
            StatusCode::OK
        )
        .await,
        first
    );
    assert_eq!(
        json_body(app.get(&public_path(ORG), None).await, StatusCode::OK).await,
        first
    );
    let items = app.list(NOTICES, &admin, &[]).await;
    assert_eq!(versions(&items), [1]);
    assert_eq!(items[0]["published_by"], by_account("admin-1"));
    assert_eq!(items[0]["changes"], first["changes"]);
    assert!(items[0].get("notice").is_none(), "a summary: {}", items[0]);
}

#[tokio::test]
async fn republishing_after_a_change_names_what_changed() {
    let app = spawn_app().await;
    let (admin, purpose) = complete_register(&app).await;
    published(&app, &admin, &json!({})).await;
    change_basis(&app, &admin, &purpose, "a").await;

    let dpo = app.token(ORG, &["dpo"], "dpo-1");
    let response = publish(&app, &dpo, &json!({})).await;
    assert_eq!(
        response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/api/v1/privacy-notices/2")
    );
    let second = json_body(response, StatusCode::CREATED).await;
    assert_eq!(second["version"], 2);
    let changes = second["changes"].as_array().expect("changes");
    let changed = changes
        .iter()
        .find(|c| c["kind"] == "changed" && c["subject"] == "IT support")
        .unwrap_or_else(|| panic!("a change naming the purpose: {changes:?}"));
    assert_eq!(changed["element"], "purposes");
    assert!(
        text(changed, "detail").contains("lawful basis"),
        "{changed}"
    );
    assert!(
        !changes.iter().any(|c| c["kind"] == "first_publication"),
        "{changes:?}"
    );
    assert_eq!(second["notice"]["purposes"][0]["lawful_basis"]["code"], "a");

    // Newest first; version 1 is unchanged.
    let items = app.list(NOTICES, &admin, &[]).await;
    assert_eq!(versions(&items), [2, 1]);
    assert_eq!(items[0]["published_by"], by_account("dpo-1"));
    assert_eq!(items[1]["published_by"], by_account("admin-1"));
    let first = json_body(
        app.get(&notice_path("1"), Some(&admin)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(first["notice"]["purposes"][0]["lawful_basis"]["code"], "b");
    assert_eq!(first["changes"][0]["kind"], "first_publication");

    // Publishing again with nothing changed is a new version with no changes.
    let third = published(&app, &admin, &json!({})).await;
    assert_eq!(third["version"], 3);
    assert_eq!(third["changes"], json!([]));
}

#[tokio::test]
async fn an_effective_date_in_the_past_is_422() {
    let app = spawn_app().await;
    let (admin, _) = complete_register(&app).await;
    for date in [day(-2), "2018-12-17".to_owned()] {
        let response = publish(&app, &admin, &json!({"effective_date": date})).await;
        problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, "effective_date").await;
    }
    for bad in [json!("tomorrow"), json!(20250101)] {
        let response = publish(&app, &admin, &json!({"effective_date": bad})).await;
        problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, "effective_date").await;
    }
    let response = publish(&app, &admin, &json!({"published": true})).await;
    problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, "published").await;
    assert_eq!(app.list(NOTICES, &admin, &[]).await, Vec::<Value>::new());
}

#[tokio::test]
async fn a_future_notice_waits_for_its_day_before_it_is_public() {
    let app = spawn_app().await;
    let (admin, purpose) = complete_register(&app).await;
    let first = published(&app, &admin, &json!({"effective_date": day(0)})).await;
    assert_eq!(first["effective_date"], day(0));
    change_basis(&app, &admin, &purpose, "a").await;
    let second = published(&app, &admin, &json!({"effective_date": day(7)})).await;
    assert_eq!(second["version"], 2);
    assert_eq!(second["effective_date"], day(7));

    // The public notice is still version 1.
    let public = json_body(app.get(&public_path(ORG), None).await, StatusCode::OK).await;
    assert_eq!(public["version"], 1, "{public}");
    assert_eq!(public, first);
    // The organisation sees both.
    assert_eq!(versions(&app.list(NOTICES, &admin, &[]).await), [2, 1]);
    let read = json_body(
        app.get(&notice_path("2"), Some(&admin)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read, second);
}

#[tokio::test]
async fn a_first_notice_in_the_future_leaves_nothing_public_yet() {
    let app = spawn_app().await;
    let (admin, _) = complete_register(&app).await;
    let first = published(&app, &admin, &json!({"effective_date": day(1)})).await;
    assert_eq!(first["version"], 1);
    problem(
        app.get(&public_path(ORG), None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Reading

#[tokio::test]
async fn a_version_reads_as_json_markdown_or_html() {
    let app = spawn_seeded_app().await;
    let auditor = app.token(DEVON, &["auditor"], "auditor-1");
    let path = notice_path("1");

    let response = get_format(&app, &path, Some(&auditor), "json").await;
    assert_eq!(content_type(&response), "application/json");
    let json = json_body(response, StatusCode::OK).await;
    assert_eq!(json["version"], 1);
    assert_eq!(
        json["notice"]["title"],
        "Privacy notice: Devon County Council"
    );
    assert_eq!(
        json_body(app.get(&path, Some(&auditor)).await, StatusCode::OK).await,
        json,
        "JSON is the default"
    );

    let md = text_body(
        get_format(&app, &path, Some(&auditor), "md").await,
        "text/markdown",
    )
    .await;
    assert!(md.starts_with("# "), "{md}");
    assert!(md.contains("Devon County Council"), "{md}");
    assert!(md.contains("Z6475582"), "{md}");

    let html = text_body(
        get_format(&app, &path, Some(&auditor), "html").await,
        "text/html",
    )
    .await;
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("Devon County Council"), "{html}");
    assert!(html.trim_end().ends_with("</html>"), "{html}");
    assert!(!html.contains("<script"), "{html}");

    for format in ["pdf", "MD", ""] {
        let response = get_format(&app, &path, Some(&auditor), format).await;
        problem_naming(response, StatusCode::BAD_REQUEST, "format").await;
    }
}

#[tokio::test]
async fn an_unknown_version_is_404_and_a_malformed_one_400() {
    let app = spawn_seeded_app().await;
    let auditor = app.token(DEVON, &["auditor"], "auditor-1");
    for version in ["2", "99", "0", "-1"] {
        let response = app.get(&notice_path(version), Some(&auditor)).await;
        let problem = problem(response, StatusCode::NOT_FOUND).await;
        assert!(text(&problem, "detail").contains("version"), "{problem}");
    }
    for version in ["abc", "1.5", "1e3"] {
        let response = app.get(&notice_path(version), Some(&auditor)).await;
        problem_naming(response, StatusCode::BAD_REQUEST, "version").await;
    }
    // Another organisation's version 1 is not this one's: each reads its own.
    let derby = app.token(DERBY, &["auditor"], "auditor-2");
    let theirs = json_body(
        app.get(&notice_path("1"), Some(&derby)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(theirs["notice"]["controller"]["name"], "Derby City Council");
}

#[tokio::test]
async fn the_public_notice_needs_no_token() {
    let app = spawn_seeded_app().await;
    let md = text_body(
        get_format(&app, &public_path(DEVON), None, "md").await,
        "text/markdown",
    )
    .await;
    assert!(md.contains("Z6475582"), "{md}");
    let html = text_body(
        get_format(&app, &public_path(DEVON), None, "html").await,
        "text/html",
    )
    .await;
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    let response = app.get(&public_path(DEVON), None).await;
    assert_eq!(content_type(&response), "application/json");
    let json = json_body(response, StatusCode::OK).await;
    assert_eq!(json["version"], 1);
    assert_eq!(
        json["notice"]["controller"]["ico_registration_number"],
        "Z6475582"
    );
    // A token changes nothing.
    let requester = app.token(DEVON, &["requester"], "alice");
    assert_eq!(
        json_body(
            app.get(&public_path(DEVON), Some(&requester)).await,
            StatusCode::OK
        )
        .await,
        json
    );

    for slug in ["no-such-council", "Not_A_Slug", "x"] {
        problem(
            app.get(&public_path(slug), None).await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
    // An organisation the server knows, without a notice.
    let acme = app.token(ORG, &["auditor"], "auditor-1");
    assert_eq!(app.list(NOTICES, &acme, &[]).await, Vec::<Value>::new());
    problem(
        app.get(&public_path(ORG), None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let response = get_format(&app, &public_path(DEVON), None, "pdf").await;
    problem_naming(response, StatusCode::BAD_REQUEST, "format").await;
}

#[tokio::test]
async fn notices_are_read_by_keepers_and_auditors_and_published_by_keepers() {
    let app = spawn_seeded_app().await;
    let auditor = app.token(DEVON, &["auditor"], "auditor-1");
    assert_eq!(versions(&app.list(NOTICES, &auditor, &[]).await), [1]);
    json_body(
        app.get(&notice_path("1"), Some(&auditor)).await,
        StatusCode::OK,
    )
    .await;
    problem(
        publish(&app, &auditor, &json!({})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    for role in ["requester", "agent", "integrator"] {
        let token = app.token(DEVON, &[role], "someone");
        for response in [
            app.get(NOTICES, Some(&token)).await,
            app.get(&notice_path("1"), Some(&token)).await,
            publish(&app, &token, &json!({})).await,
        ] {
            problem(response, StatusCode::FORBIDDEN).await;
        }
    }
    for response in [
        app.get(NOTICES, None).await,
        app.get(&notice_path("1"), None).await,
        app.post_json(NOTICES, None, &json!({})).await,
    ] {
        problem(response, StatusCode::UNAUTHORIZED).await;
    }
    // Still only the seeded version.
    assert_eq!(versions(&app.list(NOTICES, &auditor, &[]).await), [1]);

    // A keeper of a seeded organisation publishes version 2, with nothing changed.
    let dpo = app.token(DEVON, &["dpo"], "dpo-1");
    let second = published(&app, &dpo, &json!({})).await;
    assert_eq!(second["version"], 2);
    assert_eq!(second["changes"], json!([]));
}

#[tokio::test]
async fn every_seeded_organisation_has_its_first_notice_published() {
    let app = spawn_seeded_app().await;
    for slug in [CABINET_OFFICE, DEVON, DERBY, DCMS, DEXEU] {
        let public = json_body(app.get(&public_path(slug), None).await, StatusCode::OK).await;
        assert_eq!(public["version"], 1, "{slug}");
        assert_eq!(public["effective_date"], today().to_string(), "{slug}");
        assert_eq!(public["changes"][0]["kind"], "first_publication", "{slug}");
        let auditor = app.token(slug, &["auditor"], "auditor-1");
        let items = app.list(NOTICES, &auditor, &[]).await;
        assert_eq!(versions(&items), [1], "{slug}");
        assert_eq!(items[0]["published_by"], by_account("seed-demo"), "{slug}");
    }
    let md = text_body(
        get_format(&app, &public_path(CABINET_OFFICE), None, "md").await,
        "text/markdown",
    )
    .await;
    for phrase in [
        "Department for Culture, Media and Sport",
        "Department for Exiting the European Union",
        "Model Contract Clauses",
    ] {
        assert!(md.contains(phrase), "{phrase} in {md}");
    }
    let json = json_body(
        app.get(&public_path(CABINET_OFFICE), None).await,
        StatusCode::OK,
    )
    .await;
    let mut controllers: Vec<String> = json["notice"]["processor_for"]
        .as_array()
        .expect("processor_for")
        .iter()
        .map(|p| text(p, "controller"))
        .collect();
    controllers.sort();
    assert_eq!(
        controllers,
        [
            "Department for Culture, Media and Sport",
            "Department for Exiting the European Union"
        ]
    );
    // Only the processor's notice names controllers it processes for.
    let dcms = json_body(app.get(&public_path(DCMS), None).await, StatusCode::OK).await;
    assert_eq!(dcms["notice"]["processor_for"], json!([]));
}

#[tokio::test]
async fn a_processors_next_notice_names_the_controller_it_now_processes_for() {
    let app = spawn_seeded_app().await;
    let dcms = app.token(DCMS, &["admin"], "admin-1");
    let body = json!({
        "processor": DEVON,
        "purposes": ["00000000-0000-0000-0000-000000041001"],
        "processing": "Second-line support for DCMS staff",
        "starts_on": day(0),
    });
    let devon = app.token(DEVON, &["dpo"], "dpo-1");
    record_agreement(&app, &dcms, &devon, &body).await;
    let second = published(&app, &devon, &json!({})).await;
    assert_eq!(second["version"], 2);
    assert_eq!(
        second["changes"],
        json!([{
            "kind": "added",
            "element": "processor_for",
            "subject": "Department for Culture, Media and Sport",
            "detail": "added",
        }])
    );
    let md = text_body(
        get_format(&app, &public_path(DEVON), None, "md").await,
        "text/markdown",
    )
    .await;
    assert!(
        md.contains("Department for Culture, Media and Sport"),
        "{md}"
    );
}
