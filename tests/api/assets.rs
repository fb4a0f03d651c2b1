//! Assets and licences: recording, listing and changing assets; assignments through their state
//! machine with segregation of duties; seats never oversubscribed, even under concurrent
//! approvals; the report of leavers still holding assets.

use reqwest::header::{ETAG, IF_MATCH, LOCATION};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::helpers::*;

const ASSETS: &str = "/api/v1/assets";
const REPORT: &str = "/api/v1/assets/report";
const MINE: &str = "/api/v1/people/me/assignments";

fn asset_path(id: &str) -> String {
    format!("{ASSETS}/{id}")
}

fn assignments_path(asset: &str) -> String {
    format!("{ASSETS}/{asset}/assignments")
}

fn assignment_path(asset: &str, assignment: &str) -> String {
    format!("{ASSETS}/{asset}/assignments/{assignment}")
}

fn changes_path(asset: &str, assignment: &str) -> String {
    format!("{ASSETS}/{asset}/assignments/{assignment}/changes")
}

async fn create_asset(app: &TestApp, token: &str, body: &Value) -> Value {
    json_body(
        app.post_json(ASSETS, Some(token), body).await,
        StatusCode::CREATED,
    )
    .await
}

async fn laptop(app: &TestApp, token: &str, tag: &str) -> String {
    text(
        &create_asset(app, token, &json!({"kind": "laptop", "tag": tag})).await,
        "id",
    )
}

async fn licence(app: &TestApp, token: &str, tag: &str, seats: u32) -> String {
    text(
        &create_asset(
            app,
            token,
            &json!({"kind": "software_licence", "tag": tag, "seats": seats}),
        )
        .await,
        "id",
    )
}

async fn request(app: &TestApp, token: &str, asset: &str, person_id: &str) -> Response {
    app.post_json(
        &assignments_path(asset),
        Some(token),
        &json!({"person_id": person_id}),
    )
    .await
}

async fn requested(app: &TestApp, token: &str, asset: &str, person_id: &str) -> String {
    text(
        &json_body(
            request(app, token, asset, person_id).await,
            StatusCode::CREATED,
        )
        .await,
        "id",
    )
}

async fn move_to(
    app: &TestApp,
    token: &str,
    asset: &str,
    assignment: &str,
    status: &str,
) -> Response {
    app.patch_json(
        &assignment_path(asset, assignment),
        Some(token),
        &json!({"status": status}),
    )
    .await
}

async fn moved(app: &TestApp, token: &str, asset: &str, assignment: &str, status: &str) -> Value {
    json_body(
        move_to(app, token, asset, assignment, status).await,
        StatusCode::OK,
    )
    .await
}

use reqwest::Response;

/// The desk: an agent who requests, and another who approves, both with person records.
struct Desk {
    requester: String,
    approver: String,
    requester_id: String,
    approver_id: String,
}

async fn desk(app: &TestApp) -> Desk {
    let requester_id = app.record_person(ORG, "agent-req", json!({})).await;
    let approver_id = app.record_person(ORG, "agent-app", json!({})).await;
    Desk {
        requester_id,
        approver_id,
        requester: app.token(ORG, &["agent"], "agent-req"),
        approver: app.token(ORG, &["agent"], "agent-app"),
    }
}

#[tokio::test]
async fn assets_are_recorded_read_and_listed() {
    let app = spawn_app().await;
    let agent = app.token(ORG, &["agent"], "agent-1");
    let response = app
        .post_json(
            ASSETS,
            Some(&agent),
            &json!({"kind": "laptop", "tag": " lap-0042 ", "serial": "SN1", "model": "X1"}),
        )
        .await;
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let etag = response.headers().get(ETAG).cloned();
    let asset = json_body(response, StatusCode::CREATED).await;
    let id = text(&asset, "id");
    assert_eq!(location, Some(asset_path(&id)));
    assert_eq!(etag.as_ref().and_then(|v| v.to_str().ok()), Some("\"1\""));
    assert_eq!(asset["tag"], "LAP-0042");
    assert_eq!(asset["kind"], "laptop");
    assert_eq!(asset["serial"], "SN1");
    assert_eq!(asset["model"], "X1");
    assert_eq!(asset["seats"], json!(null));
    assert_eq!(asset["active_assignments"], 0);
    // Everyone who deals with assets reads it.
    for role in ["requester", "agent", "admin", "dpo", "auditor"] {
        let token = app.token(ORG, &[role], "reader");
        let read = json_body(
            app.get(&asset_path(&id), Some(&token)).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(read, asset, "{role}");
    }
    let lic = create_asset(
        &app,
        &agent,
        &json!({"kind": "software_licence", "tag": "LIC-VISIO", "seats": 5}),
    )
    .await;
    assert_eq!(lic["seats"], 5);
    for n in 0..3 {
        laptop(&app, &agent, &format!("LAP-{n}")).await;
    }
    let pages = app.list_all(ASSETS, &agent, 2).await;
    let all: Vec<Value> = pages.concat();
    assert_eq!(all.len(), 5);
    assert_eq!(pages.len(), 3);
    let mut seen = ids(&all);
    seen.dedup();
    assert_eq!(seen.len(), 5, "pages never repeat an asset");
    let licences = app
        .list(ASSETS, &agent, &[("kind", "software_licence")])
        .await;
    assert_eq!(ids(&licences), vec![text(&lic, "id")]);
}

#[tokio::test]
async fn asset_endpoints_need_a_token() {
    let app = spawn_app().await;
    let id = uuid::Uuid::now_v7().to_string();
    let body = json!({});
    for (method, path) in [
        (Method::POST, ASSETS.to_owned()),
        (Method::GET, ASSETS.to_owned()),
        (Method::GET, REPORT.to_owned()),
        (Method::GET, asset_path(&id)),
        (Method::PATCH, asset_path(&id)),
        (Method::POST, assignments_path(&id)),
        (Method::GET, assignments_path(&id)),
        (Method::PATCH, assignment_path(&id, &id)),
        (Method::GET, changes_path(&id, &id)),
    ] {
        let response = send(app.request(method.clone(), &path, None).json(&body)).await;
        problem(response, StatusCode::UNAUTHORIZED).await;
    }
}

#[tokio::test]
async fn roles_outside_each_operation_are_refused() {
    let app = spawn_app().await;
    let agent = app.token(ORG, &["agent"], "agent-1");
    let id = laptop(&app, &agent, "LAP-1").await;
    let requester = app.token(ORG, &["requester"], "alice");
    let integrator = app.token(ORG, &["integrator"], "hr");
    let auditor = app.token(ORG, &["auditor"], "aud");
    let other = uuid::Uuid::now_v7().to_string();
    let cases = [
        (
            Method::POST,
            ASSETS.to_owned(),
            &requester,
            json!({"kind": "laptop", "tag": "A"}),
        ),
        (
            Method::POST,
            ASSETS.to_owned(),
            &auditor,
            json!({"kind": "laptop", "tag": "A"}),
        ),
        (Method::GET, ASSETS.to_owned(), &integrator, json!({})),
        (Method::GET, asset_path(&id), &integrator, json!({})),
        (
            Method::PATCH,
            asset_path(&id),
            &requester,
            json!({"model": "M"}),
        ),
        (Method::GET, REPORT.to_owned(), &requester, json!({})),
        (Method::GET, assignments_path(&id), &requester, json!({})),
        (
            Method::POST,
            assignments_path(&id),
            &integrator,
            json!({"person_id": other}),
        ),
        (
            Method::POST,
            assignments_path(&id),
            &auditor,
            json!({"person_id": other}),
        ),
        (
            Method::PATCH,
            assignment_path(&id, &other),
            &requester,
            json!({"status": "approved"}),
        ),
        (
            Method::PATCH,
            assignment_path(&id, &other),
            &auditor,
            json!({"status": "approved"}),
        ),
        (
            Method::GET,
            changes_path(&id, &other),
            &requester,
            json!({}),
        ),
    ];
    for (method, path, token, body) in cases {
        let response = send(app.request(method.clone(), &path, Some(token)).json(&body)).await;
        problem(response, StatusCode::FORBIDDEN).await;
    }
}

#[tokio::test]
async fn bad_input_names_the_field() {
    let app = spawn_app().await;
    let agent = app.token(ORG, &["agent"], "agent-1");
    for (body, field) in [
        (json!({"kind": "software_licence", "tag": "LIC-1"}), "seats"),
        (
            json!({"kind": "software_licence", "tag": "LIC-1", "seats": 0}),
            "seats",
        ),
        (
            json!({"kind": "laptop", "tag": "LAP-1", "seats": 2}),
            "seats",
        ),
        (json!({"kind": "laptop", "tag": "LAP 1"}), "tag"),
        (json!({"kind": "laptop", "tag": ""}), "tag"),
        (json!({"kind": "spaceship", "tag": "LAP-1"}), "kind"),
        (json!({"tag": "LAP-1"}), "kind"),
        (
            json!({"kind": "laptop", "tag": "LAP-1", "serial": " "}),
            "serial",
        ),
        (
            json!({"kind": "laptop", "tag": "LAP-1", "seats": -1}),
            "seats",
        ),
    ] {
        let response = app.post_json(ASSETS, Some(&agent), &body).await;
        problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, field).await;
    }
    let response = app
        .post_json(
            ASSETS,
            Some(&agent),
            &json!({"kind": "laptop", "tag": "A", "colour": "red"}),
        )
        .await;
    problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    for (query, field) in [
        (vec![("kind", "spaceship")], "kind"),
        (vec![("limit", "0")], "limit"),
        (vec![("cursor", "nope")], "cursor"),
    ] {
        let response = send(app.request(Method::GET, ASSETS, Some(&agent)).query(&query)).await;
        problem_naming(response, StatusCode::BAD_REQUEST, field).await;
    }
    for path in [asset_path("nope"), assignments_path("nope")] {
        let response = app.get(&path, Some(&agent)).await;
        problem_naming(response, StatusCode::BAD_REQUEST, "id").await;
    }
    let id = laptop(&app, &agent, "LAP-2").await;
    let response = app.get(&changes_path(&id, "nope"), Some(&agent)).await;
    problem_naming(response, StatusCode::BAD_REQUEST, "assignment_id").await;
    let response = request(&app, &agent, &id, "not-a-uuid").await;
    problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, "person_id").await;
    let response = app
        .patch_json(
            &assignment_path(&id, &id),
            Some(&agent),
            &json!({"status": "mislaid"}),
        )
        .await;
    problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, "status").await;
}

#[tokio::test]
async fn a_tag_is_unique_in_its_organisation_only() {
    let app = spawn_app().await;
    let agent = app.token(ORG, &["agent"], "agent-1");
    laptop(&app, &agent, "LAP-0042").await;
    let response = app
        .post_json(
            ASSETS,
            Some(&agent),
            &json!({"kind": "mobile", "tag": "lap-0042"}),
        )
        .await;
    problem(response, StatusCode::CONFLICT).await;
    let elsewhere = app.token(OTHER_ORG, &["agent"], "agent-9");
    laptop(&app, &elsewhere, "LAP-0042").await;
}

#[tokio::test]
async fn another_organisations_assets_are_not_found() {
    let app = spawn_app().await;
    let d = desk(&app).await;
    let bob = app.record_person(ORG, "bob", json!({})).await;
    let asset = licence(&app, &d.requester, "LIC-1", 2).await;
    let assignment = requested(&app, &d.requester, &asset, &bob).await;
    app.record_person(OTHER_ORG, "agent-x", json!({})).await;
    let stranger = app.record_person(OTHER_ORG, "eve", json!({})).await;
    let them = app.token(OTHER_ORG, &["agent"], "agent-x");
    let auditor = app.token(OTHER_ORG, &["auditor"], "aud");
    problem(
        app.get(&asset_path(&asset), Some(&them)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        app.patch_json(&asset_path(&asset), Some(&them), &json!({"model": "M"}))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        request(&app, &them, &asset, &stranger).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        app.get(&assignments_path(&asset), Some(&auditor)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        move_to(&app, &them, &asset, &assignment, "approved").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        app.get(&changes_path(&asset, &assignment), Some(&auditor))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(app.list(ASSETS, &them, &[]).await.is_empty());
    // Their people are not ours to assign either.
    let ours = laptop(&app, &d.requester, "LAP-1").await;
    problem_naming(
        request(&app, &d.requester, &ours, &stranger).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "person_id",
    )
    .await;
    // An assignment is found only under its own asset.
    problem(
        move_to(&app, &d.approver, &ours, &assignment, "approved").await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn asset_updates_use_if_match_and_keep_seats_above_active_assignments() {
    let app = spawn_app().await;
    let d = desk(&app).await;
    let asset = licence(&app, &d.requester, "LIC-1", 3).await;
    let response = send(
        app.request(Method::PATCH, &asset_path(&asset), Some(&d.requester))
            .header(IF_MATCH, "\"1\"")
            .json(&json!({"model": "Visio Plan 2", "serial": "REF-9"})),
    )
    .await;
    assert_eq!(
        response.headers().get(ETAG).and_then(|v| v.to_str().ok()),
        Some("\"2\"")
    );
    let updated = json_body(response, StatusCode::OK).await;
    assert_eq!(updated["model"], "Visio Plan 2");
    assert_eq!(updated["serial"], "REF-9");
    let stale = send(
        app.request(Method::PATCH, &asset_path(&asset), Some(&d.requester))
            .header(IF_MATCH, "\"1\"")
            .json(&json!({"seats": 4})),
    )
    .await;
    problem(stale, StatusCode::PRECONDITION_FAILED).await;
    // Two seats taken: three may drop to two, never to one.
    for n in 0..2 {
        let who = app
            .record_person(ORG, &format!("user-{n}"), json!({}))
            .await;
        let a = requested(&app, &d.requester, &asset, &who).await;
        moved(&app, &d.approver, &asset, &a, "approved").await;
    }
    let response = app
        .patch_json(
            &asset_path(&asset),
            Some(&d.requester),
            &json!({"seats": 1}),
        )
        .await;
    problem(response, StatusCode::CONFLICT).await;
    let two = json_body(
        app.patch_json(
            &asset_path(&asset),
            Some(&d.requester),
            &json!({"seats": 2}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (two["seats"].clone(), two["active_assignments"].clone()),
        (json!(2), json!(2))
    );
    problem_naming(
        app.patch_json(
            &asset_path(&asset),
            Some(&d.requester),
            &json!({"seats": 0}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "seats",
    )
    .await;
    let lap = laptop(&app, &d.requester, "LAP-1").await;
    problem_naming(
        app.patch_json(&asset_path(&lap), Some(&d.requester), &json!({"seats": 2}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "seats",
    )
    .await;
    let cleared = json_body(
        app.patch_json(
            &asset_path(&asset),
            Some(&d.requester),
            &json!({"serial": null}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cleared["serial"], json!(null));
}

#[tokio::test]
async fn an_assignment_runs_its_lifecycle_with_history() {
    let app = spawn_app().await;
    let d = desk(&app).await;
    let alice = app.record_person(ORG, "alice", json!({})).await;
    let alice_token = app.token(ORG, &["requester"], "alice");
    let asset = licence(&app, &d.requester, "LIC-1", 1).await;
    // Alice asks for herself.
    let response = request(&app, &alice_token, &asset, &alice).await;
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let created = json_body(response, StatusCode::CREATED).await;
    let id = text(&created, "id");
    assert_eq!(location, Some(assignment_path(&asset, &id)));
    assert_eq!(created["status"], "requested");
    assert_eq!(created["person_id"], alice.as_str());
    assert_eq!(created["requested_by"], alice.as_str());
    assert_eq!(created["approved_by"], json!(null));
    // Issue before approval is refused.
    problem(
        move_to(&app, &d.approver, &asset, &id, "issued").await,
        StatusCode::CONFLICT,
    )
    .await;
    let approved = moved(&app, &d.approver, &asset, &id, "approved").await;
    assert_eq!(approved["status"], "approved");
    assert!(approved["approved_by"].is_string());
    assert!(approved["approved_at"].is_string());
    let seats = json_body(
        app.get(&asset_path(&asset), Some(&d.requester)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seats["active_assignments"], 1);
    // A stale If-Match is 412.
    let stale = send(
        app.request(
            Method::PATCH,
            &assignment_path(&asset, &id),
            Some(&d.approver),
        )
        .header(IF_MATCH, "\"1\"")
        .json(&json!({"status": "issued"})),
    )
    .await;
    problem(stale, StatusCode::PRECONDITION_FAILED).await;
    let issued = send(
        app.request(
            Method::PATCH,
            &assignment_path(&asset, &id),
            Some(&d.approver),
        )
        .header(IF_MATCH, "\"2\"")
        .json(&json!({"status": "issued"})),
    )
    .await;
    let issued = json_body(issued, StatusCode::OK).await;
    assert!(issued["issued_at"].is_string());
    let returned = moved(&app, &d.requester, &asset, &id, "returned").await;
    assert!(returned["ended_at"].is_string());
    problem(
        move_to(&app, &d.approver, &asset, &id, "lost").await,
        StatusCode::CONFLICT,
    )
    .await;
    // The seat came back.
    let seats = json_body(
        app.get(&asset_path(&asset), Some(&d.requester)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seats["active_assignments"], 0);
    let dpo = app.token(ORG, &["dpo"], "dpo-1");
    let changes = app.list(&changes_path(&asset, &id), &dpo, &[]).await;
    let steps: Vec<(Value, Value, Value)> = changes
        .iter()
        .map(|c| {
            (
                c["from_status"].clone(),
                c["to_status"].clone(),
                c["actor"].clone(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        vec![
            (json!(null), json!("requested"), by_person(&alice)),
            (
                json!("requested"),
                json!("approved"),
                by_person(&d.approver_id)
            ),
            (
                json!("approved"),
                json!("issued"),
                by_person(&d.approver_id)
            ),
            (
                json!("issued"),
                json!("returned"),
                by_person(&d.requester_id)
            ),
        ]
    );
    let listed = app.list(&assignments_path(&asset), &dpo, &[]).await;
    assert_eq!(ids(&listed), vec![id.clone()]);
    assert_eq!(listed[0]["status"], "returned");
    // Rejection ends a request; a second one may then be lost after issue.
    let again = requested(&app, &d.requester, &asset, &alice).await;
    let rejected = moved(&app, &d.approver, &asset, &again, "rejected").await;
    assert!(rejected["ended_at"].is_string());
    problem(
        move_to(&app, &d.approver, &asset, &again, "approved").await,
        StatusCode::CONFLICT,
    )
    .await;
    let third = requested(&app, &d.requester, &asset, &alice).await;
    moved(&app, &d.approver, &asset, &third, "approved").await;
    moved(&app, &d.approver, &asset, &third, "issued").await;
    moved(&app, &d.approver, &asset, &third, "lost").await;
    let seats = json_body(
        app.get(&asset_path(&asset), Some(&d.requester)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seats["active_assignments"], 0);
    let pages = app.list_all(&changes_path(&asset, &third), &dpo, 1).await;
    assert_eq!(pages.len(), 4);
}

#[tokio::test]
async fn requests_are_for_oneself_unless_from_the_desk_and_need_a_person_record() {
    let app = spawn_app().await;
    let d = desk(&app).await;
    let alice = app.record_person(ORG, "alice", json!({})).await;
    let bob = app.record_person(ORG, "bob", json!({})).await;
    let asset = laptop(&app, &d.requester, "LAP-1").await;
    let alice_token = app.token(ORG, &["requester"], "alice");
    problem(
        request(&app, &alice_token, &asset, &bob).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let nobody = app.token(ORG, &["agent"], "no-record");
    problem_naming(
        request(&app, &nobody, &asset, &alice).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "requested_by",
    )
    .await;
    let for_bob = requested(&app, &d.requester, &asset, &bob).await;
    // An approver without a person record cannot be checked against the requester.
    problem_naming(
        move_to(&app, &nobody, &asset, &for_bob, "approved").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "approved_by",
    )
    .await;
    problem(
        request(&app, &d.requester, &uuid::Uuid::now_v7().to_string(), &bob).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn approval_is_by_someone_other_than_the_requester_or_the_assignee() {
    let app = spawn_app().await;
    let d = desk(&app).await;
    let bob = app.record_person(ORG, "bob", json!({})).await;
    let asset = laptop(&app, &d.requester, "LAP-1").await;
    let id = requested(&app, &d.requester, &asset, &bob).await;
    problem(
        move_to(&app, &d.requester, &asset, &id, "approved").await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // Bob, as an agent, may not approve his own laptop either.
    let bob_agent = app.token(ORG, &["agent"], "bob");
    problem(
        move_to(&app, &bob_agent, &asset, &id, "approved").await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let still = app.list(&assignments_path(&asset), &d.approver, &[]).await;
    assert_eq!(still[0]["status"], "requested");
    moved(&app, &d.approver, &asset, &id, "approved").await;
}

#[tokio::test]
async fn a_member_lists_their_own_assignments_and_nobody_elses() {
    let app = spawn_app().await;
    let d = desk(&app).await;
    let alice = app.record_person(ORG, "alice", json!({})).await;
    let bob = app.record_person(ORG, "bob", json!({})).await;
    let thinkpad = text(
        &create_asset(
            &app,
            &d.requester,
            &json!({"kind": "laptop", "tag": "LAP-1", "model": "X1 Carbon"}),
        )
        .await,
        "id",
    );
    let visio = licence(&app, &d.requester, "LIC-VISIO", 5).await;
    let phone = text(
        &create_asset(
            &app,
            &d.requester,
            &json!({"kind": "mobile", "tag": "MOB-1"}),
        )
        .await,
        "id",
    );
    let first = requested(&app, &d.requester, &thinkpad, &alice).await;
    let second = requested(&app, &d.requester, &visio, &alice).await;
    let third = requested(&app, &d.requester, &phone, &alice).await;
    let bobs = requested(&app, &d.requester, &visio, &bob).await;
    moved(&app, &d.approver, &thinkpad, &first, "approved").await;
    moved(&app, &d.approver, &thinkpad, &first, "issued").await;
    // The same token subject in another organisation is another person.
    app.record_person(OTHER_ORG, "agent-x", json!({})).await;
    let elsewhere = app.record_person(OTHER_ORG, "alice", json!({})).await;
    let theirs = app.token(OTHER_ORG, &["agent"], "agent-x");
    let their_laptop = laptop(&app, &theirs, "LAP-1").await;
    let abroad = requested(&app, &theirs, &their_laptop, &elsewhere).await;

    let token = app.token(ORG, &["requester"], "alice");
    let mine = app.list(MINE, &token, &[]).await;
    assert_eq!(
        ids(&mine),
        vec![third.clone(), second.clone(), first.clone()]
    );
    assert_eq!(mine[2]["status"], "issued");
    assert!(mine[2]["approved_at"].is_string());
    assert!(mine[2]["issued_at"].is_string());
    assert_eq!(mine[2]["ended_at"], json!(null));
    assert_eq!(
        mine[2]["asset"],
        json!({"id": thinkpad, "kind": "laptop", "tag": "LAP-1", "model": "X1 Carbon"})
    );
    assert_eq!(mine[1]["asset"]["kind"], "software_licence");
    assert_eq!(mine[0]["status"], "requested");
    assert!(mine[0]["requested_at"].is_string());
    // Nobody's ids but the caller's own things: not theirs, not the desk's.
    for item in &mine {
        for field in ["person_id", "requested_by", "approved_by"] {
            assert!(item.get(field).is_none(), "{field} in {item}");
        }
    }
    for other in [&bobs, &abroad] {
        assert!(!ids(&mine).contains(other));
    }
    let abroad_token = app.token(OTHER_ORG, &["requester"], "alice");
    assert_eq!(ids(&app.list(MINE, &abroad_token, &[]).await), vec![abroad]);
    // Any role of the organisation with a person record reads its own.
    let as_agent = app.token(ORG, &["agent"], "bob");
    assert_eq!(ids(&app.list(MINE, &as_agent, &[]).await), vec![bobs]);
    let as_auditor = app.token(ORG, &["auditor"], "agent-req");
    assert!(app.list(MINE, &as_auditor, &[]).await.is_empty());
}

#[tokio::test]
async fn own_assignments_page_and_filter_by_status() {
    let app = spawn_app().await;
    let d = desk(&app).await;
    let alice = app.record_person(ORG, "alice", json!({})).await;
    let mut requested_ids = Vec::new();
    for n in 0..5 {
        let asset = laptop(&app, &d.requester, &format!("LAP-{n}")).await;
        let id = requested(&app, &d.requester, &asset, &alice).await;
        if n % 2 == 0 {
            moved(&app, &d.approver, &asset, &id, "rejected").await;
        }
        requested_ids.push(id);
    }
    let token = app.token(ORG, &["requester"], "alice");
    let pages = app.list_all(MINE, &token, 2).await;
    assert_eq!(
        pages.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![2, 2, 1]
    );
    requested_ids.reverse();
    assert_eq!(
        ids(&pages.concat()),
        requested_ids,
        "newest first, none repeated"
    );
    let rejected = app.list(MINE, &token, &[("status", "rejected")]).await;
    assert_eq!(rejected.len(), 3);
    assert!(rejected.iter().all(|a| a["status"] == "rejected"));
    assert!(rejected.iter().all(|a| a["ended_at"].is_string()));
    let open = app.list(MINE, &token, &[("status", "requested")]).await;
    assert_eq!(open.len(), 2);
    assert!(
        app.list(MINE, &token, &[("status", "lost")])
            .await
            .is_empty()
    );
    for (name, value) in [("status", "mislaid"), ("limit", "0"), ("cursor", "nope")] {
        let response = send(
            app.request(Method::GET, MINE, Some(&token))
                .query(&[(name, value)]),
        )
        .await;
        problem_naming(response, StatusCode::BAD_REQUEST, name).await;
    }
}

#[tokio::test]
async fn own_assignments_need_a_token_a_person_record_and_ones_own_organisation() {
    let app = spawn_app().await;
    problem(app.get(MINE, None).await, StatusCode::UNAUTHORIZED).await;
    // No person record: the answer `/people/me` gives.
    let nobody = app.token(ORG, &["requester"], "nobody");
    let me = problem(
        app.get("/api/v1/people/me", Some(&nobody)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let mine = problem(app.get(MINE, Some(&nobody)).await, StatusCode::NOT_FOUND).await;
    assert_eq!(mine, me);
    // A processor's user names people only in its own organisation.
    app.record_person(ORG, "alice", json!({})).await;
    let alice = app.token(ORG, &["requester", "agent"], "alice");
    let response = send(
        app.request(Method::GET, MINE, Some(&alice))
            .header("Acting-For", OTHER_ORG),
    )
    .await;
    problem(response, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn concurrent_approvals_never_take_more_seats_than_a_licence_has() {
    let app = spawn_app().await;
    let d = desk(&app).await;
    let asset = licence(&app, &d.requester, "LIC-3", 3).await;
    let mut assignments = Vec::new();
    for n in 0..10 {
        let who = app
            .record_person(ORG, &format!("user-{n}"), json!({}))
            .await;
        assignments.push(requested(&app, &d.requester, &asset, &who).await);
    }
    let mut approvals = JoinSet::new();
    for id in &assignments {
        let builder = app
            .request(
                Method::PATCH,
                &assignment_path(&asset, id),
                Some(&d.approver),
            )
            .json(&json!({"status": "approved"}));
        approvals.spawn(async move { send(builder).await.status() });
    }
    let mut statuses = Vec::new();
    while let Some(status) = approvals.join_next().await {
        statuses.push(status.expect("the request task completes"));
    }
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let conflict = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((ok, conflict), (3, 7), "{statuses:?}");
    let stored = json_body(
        app.get(&asset_path(&asset), Some(&d.requester)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(stored["active_assignments"], 3);
    let listed = app.list(&assignments_path(&asset), &d.approver, &[]).await;
    let approved = listed.iter().filter(|a| a["status"] == "approved").count();
    let waiting = listed.iter().filter(|a| a["status"] == "requested").count();
    assert_eq!((approved, waiting), (3, 7));
}

#[tokio::test]
async fn the_report_counts_assets_and_names_leavers_still_holding_them() {
    let app = spawn_app().await;
    let d = desk(&app).await;
    let leaver = app
        .record_person(
            ORG,
            "leaver-1",
            json!({"starts_on": "2020-01-06", "leaves_on": "2021-03-31"}),
        )
        .await;
    let stayer = app
        .record_person(ORG, "stayer-1", json!({"starts_on": "2020-01-06"}))
        .await;
    let lap = laptop(&app, &d.requester, "LAP-1").await;
    let phone = create_asset(
        &app,
        &d.requester,
        &json!({"kind": "mobile", "tag": "MOB-1"}),
    )
    .await;
    let phone = text(&phone, "id");
    let lic = licence(&app, &d.requester, "LIC-1", 5).await;
    for (asset, who) in [(&lap, &leaver), (&phone, &stayer), (&lic, &leaver)] {
        let a = requested(&app, &d.requester, asset, who).await;
        moved(&app, &d.approver, asset, &a, "approved").await;
        moved(&app, &d.approver, asset, &a, "issued").await;
    }
    // A returned asset is no longer held.
    let returned = requested(&app, &d.requester, &phone, &leaver).await;
    moved(&app, &d.approver, &phone, &returned, "approved").await;
    moved(&app, &d.approver, &phone, &returned, "issued").await;
    moved(&app, &d.approver, &phone, &returned, "returned").await;
    requested(&app, &d.requester, &lap, &stayer).await;
    for role in ["agent", "admin", "dpo", "auditor"] {
        let token = app.token(ORG, &[role], "reader");
        json_body(app.get(REPORT, Some(&token)).await, StatusCode::OK).await;
    }
    let report = json_body(app.get(REPORT, Some(&d.approver)).await, StatusCode::OK).await;
    assert_eq!(
        report["assets"],
        json!([
            {"kind": "laptop", "count": 1},
            {"kind": "mobile", "count": 1},
            {"kind": "software_licence", "count": 1},
        ])
    );
    assert_eq!(
        report["assignments"],
        json!([
            {"kind": "laptop", "status": "issued", "count": 1},
            {"kind": "laptop", "status": "requested", "count": 1},
            {"kind": "mobile", "status": "issued", "count": 1},
            {"kind": "mobile", "status": "returned", "count": 1},
            {"kind": "software_licence", "status": "issued", "count": 1},
        ])
    );
    let holdings = report["leavers_holding"]
        .as_array()
        .expect("a list")
        .clone();
    let mut tags: Vec<(String, String)> = holdings
        .iter()
        .map(|h| (text(h, "person_id"), text(h, "asset_tag")))
        .collect();
    tags.sort();
    assert_eq!(
        tags,
        vec![
            (leaver.clone(), "LAP-1".into()),
            (leaver.clone(), "LIC-1".into())
        ]
    );
    assert_eq!(holdings[0]["family_name"], "Bloggs");
    // Another organisation's report is empty.
    let them = app.token(OTHER_ORG, &["auditor"], "aud");
    let theirs = json_body(app.get(REPORT, Some(&them)).await, StatusCode::OK).await;
    assert_eq!(
        theirs,
        json!({"assets": [], "assignments": [], "leavers_holding": []})
    );
}
