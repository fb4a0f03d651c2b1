//! The shape of failure: every error is `application/problem+json` naming what was wrong, and
//! none repeats SQL or the personal data that was sent.

use reqwest::header::{ALLOW, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

fn agent(app: &TestApp) -> String {
    app.token(ORG, &["agent"], "agent-1")
}

async fn post_raw(
    app: &TestApp,
    token: &str,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    send(
        app.request(Method::POST, TICKETS, Some(token))
            .header(CONTENT_TYPE, content_type)
            .body(body),
    )
    .await
}

#[tokio::test]
async fn malformed_json_is_400() {
    let app = spawn_app().await;
    let token = agent(&app);
    let trailing = format!("{} trailing", incident("Printer on fire"));
    for body in [&b"{\"kind\": "[..], b"not json", b"", trailing.as_bytes()] {
        let response = post_raw(&app, &token, "application/json", body.to_vec()).await;
        let problem = problem(response, StatusCode::BAD_REQUEST).await;
        assert!(
            text(&problem, "type").ends_with("/bad-request"),
            "{problem}"
        );
    }
}

#[tokio::test]
async fn a_missing_field_is_422_naming_it() {
    let app = spawn_app().await;
    let token = agent(&app);
    let mut body = incident("Printer on fire");
    body.as_object_mut().expect("an object").remove("kind");
    let response = app.post_json(TICKETS, Some(&token), &body).await;
    problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, "kind").await;
}

#[tokio::test]
async fn a_field_of_the_wrong_type_is_422_naming_it() {
    let app = spawn_app().await;
    let token = agent(&app);
    for (field, value) in [
        ("priority", json!(5)),
        ("title", json!(["a", "list"])),
        ("contains_special_category", json!(1)),
    ] {
        let mut body = incident("Printer on fire");
        body[field] = value;
        let response = app.post_json(TICKETS, Some(&token), &body).await;
        problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, field).await;
    }
}

#[tokio::test]
async fn an_unknown_field_is_422_naming_it() {
    let app = spawn_app().await;
    let token = agent(&app);
    let mut body = incident("Printer on fire");
    body["colour"] = json!("red");
    let response = app.post_json(TICKETS, Some(&token), &body).await;
    problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, "colour").await;
}

#[tokio::test]
async fn values_out_of_range_are_422_naming_the_field() {
    let app = spawn_app().await;
    let token = agent(&app);
    let cases = [
        ("kind", json!("outage")),
        ("category", json!("gossip")),
        ("priority", json!("urgent")),
        ("title", json!("x".repeat(201))),
        ("description", json!("x".repeat(20_001))),
        ("requester", json!("r".repeat(201))),
    ];
    for (field, value) in cases {
        let mut body = incident("Printer on fire");
        body[field] = value;
        let response = app.post_json(TICKETS, Some(&token), &body).await;
        let problem = problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, field).await;
        assert!(text(&problem, "type").ends_with("/validation"), "{problem}");
    }
}

#[tokio::test]
async fn a_blank_title_is_422_and_every_bad_field_is_named_at_once() {
    let app = spawn_app().await;
    let token = agent(&app);
    let response = app
        .post_json(TICKETS, Some(&token), &incident("   \t "))
        .await;
    problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, "title").await;

    let mut body = incident("");
    body["requester"] = json!(" ");
    body["assigned_team"] = json!("");
    let response = app.post_json(TICKETS, Some(&token), &body).await;
    let problem = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let named = fields(&problem);
    for field in ["title", "requester", "assigned_team"] {
        assert!(named.iter().any(|f| f == field), "{field} in {problem}");
    }
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let app = spawn_app().await;
    let token = agent(&app);
    let body = incident("Printer on fire").to_string().into_bytes();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/xml",
    ] {
        let response = post_raw(&app, &token, content_type, body.clone()).await;
        problem(response, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    }
    let response = send(
        app.request(Method::POST, TICKETS, Some(&token))
            .body(body.clone()),
    )
    .await;
    problem(response, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    // A JSON media type with parameters or a +json suffix is JSON.
    let response = post_raw(
        &app,
        &token,
        "application/json; charset=utf-8",
        body.clone(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let response = post_raw(&app, &token, "application/merge-patch+json", body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_413() {
    let app = spawn_app().await;
    let token = agent(&app);
    let mut body = incident("Printer on fire");
    body["description"] = json!("x".repeat(1024 * 1024));
    let response = app.post_json(TICKETS, Some(&token), &body).await;
    problem(response, StatusCode::PAYLOAD_TOO_LARGE).await;
}

/// The limit is 1 MiB: a smaller body is read and judged on its fields, not refused for its
/// size.
#[tokio::test]
async fn a_body_under_one_mebibyte_is_read() {
    let app = spawn_app().await;
    let token = agent(&app);
    let mut body = incident("Printer on fire");
    body["description"] = json!("x".repeat(512 * 1024));
    let response = app.post_json(TICKETS, Some(&token), &body).await;
    problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, "description").await;
}

#[tokio::test]
async fn an_unknown_route_is_404() {
    let app = spawn_app().await;
    let token = agent(&app);
    for path in [
        "/api/v1/nope",
        "/api/v2/tickets",
        "/",
        "/api/v1/tickets/a/b/c",
    ] {
        let response = app.get(path, Some(&token)).await;
        problem(response, StatusCode::NOT_FOUND).await;
    }
}

#[tokio::test]
async fn a_wrong_method_is_405_with_allow() {
    let app = spawn_app().await;
    let token = agent(&app);
    let id = uuid::Uuid::now_v7().to_string();
    let cases = [
        (Method::DELETE, TICKETS.to_owned(), vec!["GET", "POST"]),
        (Method::PUT, ticket_path(&id), vec!["GET", "PATCH"]),
        (Method::DELETE, comments_path(&id), vec!["GET", "POST"]),
        (Method::POST, "/health/live".to_owned(), vec!["GET"]),
        // A path written out in full answers for itself, not the template it also fits.
        (Method::PATCH, "/api/v1/people/me".to_owned(), vec!["GET"]),
        (
            Method::PATCH,
            "/api/v1/assets/report".to_owned(),
            vec!["GET"],
        ),
    ];
    for (method, path, allowed) in cases {
        let response = send(app.request(method.clone(), &path, Some(&token))).await;
        let allow = response
            .headers()
            .get(ALLOW)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        problem(response, StatusCode::METHOD_NOT_ALLOWED).await;
        let mut got: Vec<&str> = allow.split(',').map(str::trim).collect();
        got.sort_unstable();
        assert_eq!(got, allowed, "Allow of {method} {path}");
    }
}

#[tokio::test]
async fn a_bad_path_id_is_400_naming_id() {
    let app = spawn_app().await;
    let token = agent(&app);
    let bad = "not-a-uuid";
    let responses = [
        app.get(&ticket_path(bad), Some(&token)).await,
        app.patch_json(&ticket_path(bad), Some(&token), &json!({"title": "t"}))
            .await,
        app.get(&comments_path(bad), Some(&token)).await,
        app.post_json(&comments_path(bad), Some(&token), &json!({"body": "b"}))
            .await,
    ];
    for response in responses {
        let problem = problem_naming(response, StatusCode::BAD_REQUEST, "id").await;
        assert!(
            text(&problem, "type").ends_with("/invalid-parameters"),
            "{problem}"
        );
    }
}

#[tokio::test]
async fn bad_query_parameters_are_400_naming_each() {
    let app = spawn_app().await;
    let token = agent(&app);
    let cases = [
        ("status", "nope"),
        ("kind", "outage"),
        ("category", "gossip"),
        ("contains_special_category", "perhaps"),
        ("limit", "0"),
        ("limit", "501"),
        ("limit", "ten"),
        ("cursor", "garbage"),
        ("updated_since", "yesterday"),
        ("updated_since", "2026-11-23"),
        ("requester", &"r".repeat(201)),
        ("assigned_team", &"t".repeat(101)),
    ];
    for (name, value) in cases {
        let request = app
            .request(Method::GET, TICKETS, Some(&token))
            .query(&[(name, value)]);
        problem_naming(send(request).await, StatusCode::BAD_REQUEST, name).await;
    }
    // All at once: each is named.
    let request = app.request(Method::GET, TICKETS, Some(&token)).query(&[
        ("status", "nope"),
        ("limit", "0"),
        ("cursor", "garbage"),
    ]);
    let problem = problem(send(request).await, StatusCode::BAD_REQUEST).await;
    let mut named = fields(&problem);
    named.sort();
    assert_eq!(named, ["cursor", "limit", "status"]);
}

/// Nothing the caller sent comes back in an error: a wrongly placed name or health detail is
/// still personal data.
#[tokio::test]
async fn errors_do_not_repeat_submitted_personal_data() {
    let app = spawn_app().await;
    let token = agent(&app);
    let personal = "Jane Doe has diabetes";
    let cases = [
        ("contains_special_category", json!(personal)),
        ("kind", json!(personal)),
        ("priority", json!(personal)),
        ("title", json!({ "name": personal })),
    ];
    let mut leaks = Vec::new();
    for (field, value) in cases {
        let mut body = incident("Printer on fire");
        body[field] = value;
        let response = app.post_json(TICKETS, Some(&token), &body).await;
        let problem = problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, field).await;
        if problem.to_string().contains("Jane Doe") {
            leaks.push(problem);
        }
    }
    assert!(leaks.is_empty(), "errors repeat personal data: {leaks:#?}");
}

#[tokio::test]
async fn errors_carry_no_sql() {
    let app = spawn_app().await;
    let token = agent(&app);
    let other = app.token(OTHER_ORG, &["agent"], "agent-9");
    let ticket = app
        .create_ticket(&token, &incident("Printer on fire"))
        .await;
    let id = text(&ticket, "id");
    let responses = [
        app.get(&ticket_path(&id), Some(&other)).await,
        app.patch_json(
            &ticket_path(&id),
            Some(&token),
            &json!({"status": "closed"}),
        )
        .await,
        send(
            app.request(Method::PATCH, &ticket_path(&id), Some(&token))
                .header("If-Match", "\"99\"")
                .json(&json!({"title": "x"})),
        )
        .await,
        app.get(
            &format!("{TICKETS}?cursor=%27%3B%20DROP%20TABLE%20tickets"),
            Some(&token),
        )
        .await,
    ];
    for response in responses {
        let status = response.status();
        let body: Value = response.json().await.expect("a JSON problem");
        let text = body.to_string().to_lowercase();
        for word in [
            "select ",
            "insert ",
            "update tickets",
            "drop table",
            "sqlite",
            "postgres",
            "diesel",
        ] {
            assert!(
                !text.contains(word),
                "{status} body mentions {word:?}: {body}"
            );
        }
    }
}

#[tokio::test]
async fn every_body_endpoint_checks_its_media_type_and_json() {
    let app = spawn_app().await;
    let token = agent(&app);
    let id = text(
        &app.create_ticket(&token, &incident("Printer on fire"))
            .await,
        "id",
    );
    for (method, path) in [
        (Method::PATCH, ticket_path(&id)),
        (Method::POST, comments_path(&id)),
    ] {
        let request = app
            .request(method.clone(), &path, Some(&token))
            .header(CONTENT_TYPE, "text/plain")
            .body("{}");
        problem(send(request).await, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
        let request = app
            .request(method.clone(), &path, Some(&token))
            .header(CONTENT_TYPE, "application/json")
            .body("{");
        problem(send(request).await, StatusCode::BAD_REQUEST).await;
        let request = app
            .request(method, &path, Some(&token))
            .json(&json!({"body": "x".repeat(1024 * 1024), "title": "t"}));
        problem(send(request).await, StatusCode::PAYLOAD_TOO_LARGE).await;
    }
}

#[tokio::test]
async fn an_id_that_breaks_a_routes_pattern_is_400_naming_it() {
    let app = spawn_app().await;
    let token = agent(&app);
    for path in ["/api/v1/people/not-an-id", "/api/v1/assets/zzz"] {
        let response = app.get(path, Some(&token)).await;
        problem_naming(response, StatusCode::BAD_REQUEST, "id").await;
    }
}

/// One 422 names every field at fault, however it is at fault: an unknown name for a closed
/// set, a missing field and a value failing validation together.
#[tokio::test]
async fn every_invalid_field_is_named_in_one_answer() {
    let app = spawn_app().await;
    let token = agent(&app);
    let response = app
        .post_json(
            TICKETS,
            Some(&token),
            &json!({"kind": "teapot", "title": ""}),
        )
        .await;
    let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let mut named = fields(&body);
    named.dedup();
    assert_eq!(named, ["category", "kind", "title"], "{body}");
    let messages: Vec<String> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| text(e, "message"))
        .collect();
    assert!(messages[0].contains("required"), "{body}");
    assert!(
        messages[1].contains("incident"),
        "allowed names are listed: {body}"
    );
    assert!(!body.to_string().contains("teapot"), "{body}");
}

/// Wrong types, unknown fields and unknown names, in the same body, all come back at once;
/// none repeats what was sent.
#[tokio::test]
async fn wrong_types_and_unknown_fields_are_named_together() {
    let app = spawn_app().await;
    let token = agent(&app);
    let body = json!({
        "kind": "incident",
        "category": "Jane Doe's diabetes",
        "title": ["Jane Doe"],
        "priority": 7,
        "contains_special_category": "Jane Doe",
        "colour": "Jane Doe",
    });
    let response = app.post_json(TICKETS, Some(&token), &body).await;
    let problem = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        fields(&problem),
        [
            "category",
            "colour",
            "contains_special_category",
            "priority",
            "title"
        ],
        "{problem}"
    );
    assert!(!problem.to_string().contains("Jane"), "{problem}");
}

/// The same holds for every body, not only tickets: a person with several faults.
#[tokio::test]
async fn every_body_names_all_its_faults() {
    let app = spawn_app().await;
    let token = app.token(ORG, &["integrator"], "hr-system");
    let response = app
        .post_json(
            PEOPLE,
            Some(&token),
            &json!({"kind": "robot", "given_name": 3, "date_of_birth": "yesterday"}),
        )
        .await;
    let problem = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        fields(&problem),
        ["date_of_birth", "family_name", "given_name", "kind"],
        "{problem}"
    );
}
