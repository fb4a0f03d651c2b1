//! Organisations and processing agreements: who each organisation is (read by itself and its
//! agreement counterparts, changed only by its own keepers under `If-Match`), and the Art 28
//! agreements a controller records and both parties read.

use reqwest::header::{IF_MATCH, LOCATION};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

/// The demo agreement under which the Cabinet Office processes for DCMS (held by DCMS).
const DCMS_AGREEMENT: &str = "00000000-0000-0000-0000-000000044001";
/// A DCMS purpose and a Cabinet Office one, by their demo ids.
const DCMS_SUPPORT_PURPOSE: &str = "00000000-0000-0000-0000-000000041001";
const CABINET_OFFICE_SUPPORT_PURPOSE: &str = "00000000-0000-0000-0000-000000011001";

/// Fails the test unless every member of `expected`, recursively through objects, is in
/// `actual` with the same value (members `actual` adds, such as nulls, are ignored).
pub fn assert_includes(actual: &Value, expected: &Value) {
    match expected.as_object() {
        Some(members) => {
            for (field, value) in members {
                assert!(actual.get(field).is_some(), "{field} missing from {actual}");
                assert_includes(&actual[field], value);
            }
        }
        None => assert_eq!(actual, expected),
    }
}

/// The `field` of each item, sorted.
fn strings(items: &[Value], field: &str) -> Vec<String> {
    let mut found: Vec<String> = items.iter().map(|item| text(item, field)).collect();
    found.sort();
    found
}

// ---------------------------------------------------------------------------------------------
// Organisations

#[tokio::test]
async fn the_list_holds_the_caller_and_its_agreement_counterparts() {
    let app = spawn_seeded_app().await;
    let auditor = app.token(CABINET_OFFICE, &["auditor"], "auditor-1");
    let items = app.list(ORGANISATIONS, &auditor, &[]).await;
    assert_eq!(
        strings(&items, "slug"),
        [CABINET_OFFICE, DCMS, DEXEU],
        "{items:?}"
    );
    let dcms = items
        .iter()
        .find(|o| o["slug"] == DCMS)
        .expect("DCMS is listed");
    assert_eq!(dcms["name"], "Department for Culture, Media and Sport");
    assert_eq!(dcms["public_authority"], true);
    assert_eq!(dcms["version"], 1);

    let devon = app.token(DEVON, &["admin"], "admin-1");
    let items = app.list(ORGANISATIONS, &devon, &[]).await;
    assert_eq!(strings(&items, "slug"), [DEVON], "{items:?}");
    assert_eq!(items[0]["name"], "Devon County Council");
    assert_eq!(items[0]["ico_registration_number"], "Z6475582");

    // A controller sees its processor, but not the processor's other controllers.
    let dcms = app.token(DCMS, &["dpo"], "dpo-1");
    let items = app.list(ORGANISATIONS, &dcms, &[]).await;
    assert_eq!(strings(&items, "slug"), [CABINET_OFFICE, DCMS], "{items:?}");
}

#[tokio::test]
async fn an_organisation_reads_with_its_version_as_etag() {
    let app = spawn_seeded_app().await;
    let auditor = app.token(DEVON, &["auditor"], "auditor-1");
    let response = app.get(&organisation_path(DEVON), Some(&auditor)).await;
    assert_eq!(etag_of(&response), "\"1\"");
    let devon = json_body(response, StatusCode::OK).await;
    assert_eq!(devon["slug"], DEVON);
    assert_eq!(devon["name"], "Devon County Council");
    assert_eq!(devon["ico_registration_number"], "Z6475582");
    assert_eq!(devon["public_authority"], true);
    assert_eq!(devon["version"], 1);
    assert!(devon["updated_at"].is_string(), "{devon}");
    assert!(
        text(&devon["dpo"], "address").contains("County Hall"),
        "{devon}"
    );

    // A party to an agreement reads the other party.
    let processor = app.token(CABINET_OFFICE, &["auditor"], "auditor-2");
    let dexeu = json_body(
        app.get(&organisation_path(DEXEU), Some(&processor)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(dexeu["name"], "Department for Exiting the European Union");
}

#[tokio::test]
async fn an_unrelated_unknown_or_malformed_organisation_is_404() {
    let app = spawn_seeded_app().await;
    let devon = app.token(DEVON, &["admin"], "admin-1");
    for slug in [
        DERBY,
        CABINET_OFFICE,
        "no-such-council",
        "Not_A_Slug",
        "-x",
        "a",
    ] {
        let response = app.get(&organisation_path(slug), Some(&devon)).await;
        let problem = problem(response, StatusCode::NOT_FOUND).await;
        assert!(
            !problem.to_string().contains("Derby City Council"),
            "{problem}"
        );
    }
    // DCMS sees its processor, not the processor's other controller.
    let dcms = app.token(DCMS, &["auditor"], "auditor-1");
    problem(
        app.get(&organisation_path(DEXEU), Some(&dcms)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // Changing one is no different.
    let response = app
        .put_json(&organisation_path(DERBY), Some(&devon), &details("Derby"))
        .await;
    problem(response, StatusCode::NOT_FOUND).await;
    let response = app
        .put_json(&organisation_path("Bad Slug"), Some(&devon), &details("X"))
        .await;
    problem(response, StatusCode::NOT_FOUND).await;
}

async fn put_if_match(app: &TestApp, token: &str, slug: &str, tag: &str, body: &Value) -> Response {
    app.put_if_match(token, &organisation_path(slug), tag, body)
        .await
}

#[tokio::test]
async fn details_are_recorded_from_version_0_under_if_match() {
    let app = spawn_app().await;
    let admin = app.token(ORG, &["admin"], "admin-1");
    let response = app.get(&organisation_path(ORG), Some(&admin)).await;
    assert_eq!(etag_of(&response), "\"0\"");
    let undeclared = json_body(response, StatusCode::OK).await;
    assert_eq!(undeclared["slug"], ORG);
    assert_eq!(undeclared["name"], ORG, "the registered name stands in");
    assert_eq!(undeclared["version"], 0);
    assert_eq!(undeclared["updated_at"], json!(null));
    assert_eq!(undeclared["public_authority"], false);

    // "1" names no version yet.
    let response = put_if_match(&app, &admin, ORG, "\"1\"", &details("Acme Ltd")).await;
    problem(response, StatusCode::PRECONDITION_FAILED).await;

    let response = put_if_match(&app, &admin, ORG, "\"0\"", &details("Acme Ltd")).await;
    assert_eq!(etag_of(&response), "\"1\"");
    let recorded = json_body(response, StatusCode::OK).await;
    assert_eq!(recorded["version"], 1);
    assert_includes(&recorded, &details("Acme Ltd"));
    let response = app.get(&organisation_path(ORG), Some(&admin)).await;
    assert_eq!(etag_of(&response), "\"1\"");
    assert_eq!(json_body(response, StatusCode::OK).await, recorded);

    // The DPO keeps the register too.
    let dpo = app.token(ORG, &["dpo"], "dpo-1");
    let response = put_if_match(&app, &dpo, ORG, "\"1\"", &details("Acme Group")).await;
    assert_eq!(etag_of(&response), "\"2\"");
    assert_eq!(
        json_body(response, StatusCode::OK).await["name"],
        "Acme Group"
    );

    // Both earlier tags are stale now, and nothing changes.
    for stale in ["\"1\"", "\"0\""] {
        let response = put_if_match(&app, &admin, ORG, stale, &details("Stale Ltd")).await;
        problem(response, StatusCode::PRECONDITION_FAILED).await;
    }
    let current = json_body(
        app.get(&organisation_path(ORG), Some(&admin)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(current["name"], "Acme Group");
    assert_eq!(current["version"], 2);
}

#[tokio::test]
async fn a_related_organisations_details_are_not_the_callers_to_change() {
    let app = spawn_seeded_app().await;
    let admin = app.token(CABINET_OFFICE, &["admin"], "admin-1");
    let response = app
        .put_json(&organisation_path(DCMS), Some(&admin), &details("Renamed"))
        .await;
    problem(response, StatusCode::FORBIDDEN).await;
    let dcms = json_body(
        app.get(&organisation_path(DCMS), Some(&admin)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(dcms["name"], "Department for Culture, Media and Sport");
    assert_eq!(dcms["version"], 1);

    // Its own, it may.
    let mut own = details("Cabinet Office");
    own["ico_registration_number"] = json!(null);
    let recorded = record_details(&app, &admin, CABINET_OFFICE, &own).await;
    assert_eq!(recorded["version"], 2);
}

#[tokio::test]
async fn invalid_details_are_422_naming_the_field() {
    let app = spawn_app().await;
    let admin = app.token(ORG, &["admin"], "admin-1");
    let cases = [
        ("ico_registration_number", json!("6475582")),
        ("ico_registration_number", json!("z6475582")),
        ("dpo", json!({"name": "Data Protection Officer"})),
        ("dpo", json!({"name": "DPO", "email": "not an address"})),
        ("complaints", json!({"name": "Complaints"})),
        ("name", json!("   ")),
        ("name", json!("")),
        ("name", json!("x".repeat(201))),
        ("ico_registration_number", json!("Z".repeat(21))),
        ("address", json!("x".repeat(1001))),
    ];
    for (field, value) in cases {
        let mut body = details("Acme Ltd");
        body[field] = value;
        let response = app
            .put_json(&organisation_path(ORG), Some(&admin), &body)
            .await;
        let problem = problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, field).await;
        assert!(text(&problem, "type").ends_with("/validation"), "{problem}");
    }
    // Every breach at once.
    let mut body = details(" ");
    body["ico_registration_number"] = json!("Z123");
    body["dpo"] = json!({"name": "DPO"});
    let response = app
        .put_json(&organisation_path(ORG), Some(&admin), &body)
        .await;
    let problem = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let named = fields(&problem);
    for field in ["name", "ico_registration_number", "dpo"] {
        assert!(named.iter().any(|f| f == field), "{field} in {problem}");
    }
    // Shape errors name their field too.
    let mut body = details("Acme Ltd");
    body["public_authority"] = json!("yes");
    let response = app
        .put_json(&organisation_path(ORG), Some(&admin), &body)
        .await;
    problem_naming(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "public_authority",
    )
    .await;

    let current = json_body(
        app.get(&organisation_path(ORG), Some(&admin)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(current["version"], 0, "nothing was recorded: {current}");
}

#[tokio::test]
async fn organisations_admit_keepers_to_write_and_auditors_to_read() {
    let app = spawn_seeded_app().await;
    let auditor = app.token(DEVON, &["auditor"], "auditor-1");
    let response = app
        .put_json(&organisation_path(DEVON), Some(&auditor), &details("Devon"))
        .await;
    problem(response, StatusCode::FORBIDDEN).await;
    for roles in [&["requester"][..], &["agent"], &["integrator"]] {
        let token = app.token(DEVON, roles, "someone");
        problem(
            app.get(ORGANISATIONS, Some(&token)).await,
            StatusCode::FORBIDDEN,
        )
        .await;
        problem(
            app.get(&organisation_path(DEVON), Some(&token)).await,
            StatusCode::FORBIDDEN,
        )
        .await;
        let response = app
            .put_json(&organisation_path(DEVON), Some(&token), &details("Devon"))
            .await;
        problem(response, StatusCode::FORBIDDEN).await;
    }
    problem(app.get(ORGANISATIONS, None).await, StatusCode::UNAUTHORIZED).await;
    problem(
        app.get(&organisation_path(DEVON), None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let response = app
        .put_json(&organisation_path(DEVON), None, &details("Devon"))
        .await;
    problem(response, StatusCode::UNAUTHORIZED).await;

    let devon = json_body(
        app.get(&organisation_path(DEVON), Some(&auditor)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(devon["name"], "Devon County Council");
    assert_eq!(devon["version"], 1);
}

// ---------------------------------------------------------------------------------------------
// Processing agreements

/// An agreement as the controller writes it.
fn agreement(processor: &str, purposes: &[&str], starts_on: &str, ends_on: Option<&str>) -> Value {
    json!({
        "processor": processor,
        "purposes": purposes,
        "processing": "Hosting the service desk for the controller's staff",
        "contract_reference": "Contract 2024/17",
        "starts_on": starts_on,
        "ends_on": ends_on,
    })
}

#[tokio::test]
async fn both_parties_read_an_agreement_and_no_one_else() {
    let app = spawn_seeded_app().await;
    let dcms = app.token(DCMS, &["admin"], "admin-1");
    let items = app.list(AGREEMENTS, &dcms, &[]).await;
    assert_eq!(items.len(), 1, "{items:?}");
    let listed = &items[0];
    assert_eq!(listed["id"], DCMS_AGREEMENT);
    assert_eq!(listed["controller"], DCMS);
    assert_eq!(listed["processor"], CABINET_OFFICE);
    assert_eq!(listed["starts_on"], "2018-12-17");
    assert_eq!(listed["ends_on"], json!(null));
    assert_eq!(listed["in_force"], true);
    // Proposed by DCMS, accepted by the Cabinet Office: two versions.
    assert_eq!(listed["status"], "accepted");
    assert_eq!(listed["accepted_by"], CABINET_OFFICE);
    assert!(listed["accepted_at"].is_string(), "{listed}");
    assert_eq!(listed["withdrawn_at"], json!(null));
    assert_eq!(listed["version"], 2);
    assert_eq!(
        listed["purposes"].as_array().expect("purposes").len(),
        3,
        "{listed}"
    );
    assert!(
        listed["purposes"]
            .as_array()
            .expect("purposes")
            .contains(&json!(DCMS_SUPPORT_PURPOSE)),
        "{listed}"
    );

    let processor = app.token(CABINET_OFFICE, &["auditor"], "auditor-1");
    let items = app.list(AGREEMENTS, &processor, &[]).await;
    assert_eq!(strings(&items, "controller"), [DCMS, DEXEU], "{items:?}");
    assert!(items.iter().all(|a| a["processor"] == CABINET_OFFICE));
    let response = app
        .get(&agreement_path(DCMS_AGREEMENT), Some(&processor))
        .await;
    assert_eq!(etag_of(&response), "\"2\"");
    assert_eq!(&json_body(response, StatusCode::OK).await, listed);

    let devon = app.token(DEVON, &["admin"], "admin-1");
    assert_eq!(app.list(AGREEMENTS, &devon, &[]).await, Vec::<Value>::new());
    let problem = problem(
        app.get(&agreement_path(DCMS_AGREEMENT), Some(&devon)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(text(&problem, "detail").contains("agreement"), "{problem}");
    // Nor one that does not exist.
    problem_for_missing(&app, &dcms).await;
}

async fn problem_for_missing(app: &TestApp, token: &str) {
    let missing = uuid::Uuid::now_v7().to_string();
    problem(
        app.get(&agreement_path(&missing), Some(token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn an_agreement_id_that_is_not_a_uuid_is_400() {
    let app = spawn_seeded_app().await;
    let dcms = app.token(DCMS, &["admin"], "admin-1");
    let path = agreement_path("not-a-uuid");
    problem_naming(
        app.get(&path, Some(&dcms)).await,
        StatusCode::BAD_REQUEST,
        "id",
    )
    .await;
    let body = agreement(CABINET_OFFICE, &[DCMS_SUPPORT_PURPOSE], "2018-12-17", None);
    problem_naming(
        app.put_json(&path, Some(&dcms), &body).await,
        StatusCode::BAD_REQUEST,
        "id",
    )
    .await;
    problem_naming(
        app.delete(&path, Some(&dcms)).await,
        StatusCode::BAD_REQUEST,
        "id",
    )
    .await;
}

#[tokio::test]
async fn the_controller_records_replaces_and_deletes_an_agreement() {
    let app = spawn_app().await;
    let admin = app.token(ORG, &["admin"], "admin-1");
    let purpose = create_purpose(&app, &admin, "IT support").await;
    let purpose_id = text(&purpose, "id");

    let body = agreement(OTHER_ORG, &[&purpose_id], &day(-30), None);
    let response = app.post_json(AGREEMENTS, Some(&admin), &body).await;
    assert_eq!(etag_of(&response), "\"1\"");
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("a Location")
        .to_owned();
    let created = json_body(response, StatusCode::CREATED).await;
    let id = text(&created, "id");
    assert_eq!(location, agreement_path(&id));
    assert_eq!(created["controller"], ORG);
    assert_eq!(created["processor"], OTHER_ORG);
    assert_eq!(created["purposes"], json!([purpose_id]));
    assert_eq!(created["contract_reference"], "Contract 2024/17");
    assert_eq!(created["starts_on"], day(-30));
    assert_eq!(created["status"], "proposed");
    assert_eq!(created["in_force"], false);
    assert_eq!(created["version"], 1);

    // The processor, registered on first sight, reads the proposal, and once it accepts sees
    // its controller.
    let globex = app.token(OTHER_ORG, &["admin"], "globex-admin");
    assert_eq!(
        json_body(app.get(&location, Some(&globex)).await, StatusCode::OK).await,
        created
    );
    let response = app
        .post_json(&acceptance_path(&id), Some(&globex), &json!({}))
        .await;
    assert_eq!(etag_of(&response), "\"2\"");
    let accepted = json_body(response, StatusCode::OK).await;
    assert_eq!(accepted["in_force"], true);
    let orgs = app.list(ORGANISATIONS, &globex, &[]).await;
    assert_eq!(strings(&orgs, "slug"), [ORG, OTHER_ORG], "{orgs:?}");
    // A third organisation sees nothing.
    let initech = app.token("initech", &["admin"], "initech-admin");
    problem(
        app.get(&location, Some(&initech)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        app.delete(&location, Some(&initech)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let response = app.put_json(&location, Some(&initech), &body).await;
    problem(response, StatusCode::NOT_FOUND).await;
    assert_eq!(
        app.list(AGREEMENTS, &initech, &[]).await,
        Vec::<Value>::new()
    );

    // Ended yesterday, under If-Match: new terms, a new proposal.
    let ended = agreement(OTHER_ORG, &[&purpose_id], &day(-30), Some(&day(-1)));
    let response = send(
        app.request(Method::PUT, &location, Some(&admin))
            .header(IF_MATCH, "\"2\"")
            .json(&ended),
    )
    .await;
    assert_eq!(etag_of(&response), "\"3\"");
    let replaced = json_body(response, StatusCode::OK).await;
    assert_eq!(replaced["ends_on"], day(-1));
    assert_eq!(replaced["status"], "proposed");
    assert_eq!(replaced["in_force"], false);
    assert_eq!(replaced["version"], 3);
    assert_eq!(replaced["created_at"], created["created_at"]);
    let response = send(
        app.request(Method::PUT, &location, Some(&admin))
            .header(IF_MATCH, "\"1\"")
            .json(&body),
    )
    .await;
    problem(response, StatusCode::PRECONDITION_FAILED).await;
    let response = send(
        app.request(Method::DELETE, &location, Some(&admin))
            .header(IF_MATCH, "\"1\""),
    )
    .await;
    problem(response, StatusCode::PRECONDITION_FAILED).await;
    assert_eq!(
        json_body(app.get(&location, Some(&admin)).await, StatusCode::OK).await,
        replaced
    );

    let response = app.delete(&location, Some(&admin)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.text().await.expect("a body"), "");
    problem(
        app.get(&location, Some(&admin)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        app.delete(&location, Some(&admin)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(app.list(AGREEMENTS, &admin, &[]).await, Vec::<Value>::new());
    assert_eq!(
        app.list(AGREEMENTS, &globex, &[]).await,
        Vec::<Value>::new()
    );
    // With the agreement gone, the parties no longer see each other.
    problem(
        app.get(&organisation_path(ORG), Some(&globex)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let orgs = app.list(ORGANISATIONS, &admin, &[]).await;
    assert_eq!(strings(&orgs, "slug"), [ORG], "{orgs:?}");
    // Replacing what is gone is 404 too.
    let response = app.put_json(&location, Some(&admin), &body).await;
    problem(response, StatusCode::NOT_FOUND).await;

    // Its history remains: both parties read it as it stood.
    let as_of = [("as_of", text(&replaced, "updated_at"))];
    for token in [&admin, &globex] {
        let response = send(
            app.request(Method::GET, &location, Some(token))
                .query(&as_of),
        )
        .await;
        assert_eq!(
            json_body(response, StatusCode::OK).await["ends_on"],
            day(-1)
        );
        let response = send(
            app.request(Method::GET, AGREEMENTS, Some(token))
                .query(&as_of),
        )
        .await;
        let items = items(&json_body(response, StatusCode::OK).await);
        assert_eq!(ids(&items), std::slice::from_ref(&id));
    }
    let response = send(
        app.request(Method::GET, &location, Some(&initech))
            .query(&as_of),
    )
    .await;
    problem(response, StatusCode::NOT_FOUND).await;
    let response = send(
        app.request(Method::GET, AGREEMENTS, Some(&admin))
            .query(&[("as_of", "last week")]),
    )
    .await;
    problem_naming(response, StatusCode::BAD_REQUEST, "as_of").await;
}

#[tokio::test]
async fn the_processor_may_not_change_or_delete_an_agreement() {
    let app = spawn_seeded_app().await;
    let path = agreement_path(DCMS_AGREEMENT);
    let body = agreement(CABINET_OFFICE, &[DCMS_SUPPORT_PURPOSE], "2018-12-17", None);
    for role in ["admin", "dpo"] {
        let processor = app.token(CABINET_OFFICE, &[role], "keeper-1");
        let response = send(
            app.request(Method::PUT, &path, Some(&processor))
                .header(IF_MATCH, "\"1\"")
                .json(&body),
        )
        .await;
        problem(response, StatusCode::FORBIDDEN).await;
        problem(
            app.delete(&path, Some(&processor)).await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    // The controller's auditor may read but not write.
    let auditor = app.token(DCMS, &["auditor"], "auditor-1");
    let response = app.put_json(&path, Some(&auditor), &body).await;
    problem(response, StatusCode::FORBIDDEN).await;
    problem(
        app.delete(&path, Some(&auditor)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let response = app.post_json(AGREEMENTS, Some(&auditor), &body).await;
    problem(response, StatusCode::FORBIDDEN).await;

    let unchanged = json_body(app.get(&path, Some(&auditor)).await, StatusCode::OK).await;
    assert_eq!(unchanged["version"], 2);
    assert_eq!(unchanged["purposes"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn agreements_admit_keepers_to_write_and_auditors_to_read() {
    let app = spawn_seeded_app().await;
    let path = agreement_path(DCMS_AGREEMENT);
    let body = agreement(DEVON, &[DCMS_SUPPORT_PURPOSE], &day(0), None);
    for roles in [&["requester"][..], &["agent"], &["integrator"]] {
        let token = app.token(DCMS, roles, "someone");
        for response in [
            app.get(AGREEMENTS, Some(&token)).await,
            app.get(&path, Some(&token)).await,
            app.post_json(AGREEMENTS, Some(&token), &body).await,
            app.put_json(&path, Some(&token), &body).await,
            app.delete(&path, Some(&token)).await,
        ] {
            problem(response, StatusCode::FORBIDDEN).await;
        }
    }
    for response in [
        app.get(AGREEMENTS, None).await,
        app.get(&path, None).await,
        app.post_json(AGREEMENTS, None, &body).await,
        app.put_json(&path, None, &body).await,
        app.delete(&path, None).await,
    ] {
        problem(response, StatusCode::UNAUTHORIZED).await;
    }
    let auditor = app.token(DCMS, &["auditor"], "auditor-1");
    assert_eq!(app.list(AGREEMENTS, &auditor, &[]).await.len(), 1);
}

#[tokio::test]
async fn agreements_breaking_art_28_are_422_naming_the_field() {
    let app = spawn_seeded_app().await;
    let dcms = app.token(DCMS, &["dpo"], "dpo-1");
    let own = [DCMS_SUPPORT_PURPOSE];
    let cases = [
        // Another organisation's purpose, or none.
        (
            "purposes",
            agreement(DEVON, &[CABINET_OFFICE_SUPPORT_PURPOSE], &day(0), None),
        ),
        (
            "purposes",
            agreement(
                DEVON,
                &[DCMS_SUPPORT_PURPOSE, &uuid::Uuid::now_v7().to_string()],
                &day(0),
                None,
            ),
        ),
        ("purposes", agreement(DEVON, &[], &day(0), None)),
        ("ends_on", agreement(DEVON, &own, &day(0), Some(&day(-1)))),
        ("processor", agreement(DCMS, &own, &day(0), None)),
        ("processor", agreement("Not A Slug", &own, &day(0), None)),
        ("processor", agreement("-devon", &own, &day(0), None)),
        ("starts_on", agreement(DEVON, &own, "17/12/2018", None)),
    ];
    for (field, body) in cases {
        let response = app.post_json(AGREEMENTS, Some(&dcms), &body).await;
        problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, field).await;
    }
    let mut blank = agreement(DEVON, &own, &day(0), None);
    blank["processing"] = json!("  ");
    blank["contract_reference"] = json!(" ");
    let response = app.post_json(AGREEMENTS, Some(&dcms), &blank).await;
    let problem = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let named = fields(&problem);
    for field in ["processing", "contract_reference"] {
        assert!(named.iter().any(|f| f == field), "{field} in {problem}");
    }
    // The same rules hold on replacement, and nothing was stored.
    let response = app
        .put_json(
            &agreement_path(DCMS_AGREEMENT),
            Some(&dcms),
            &agreement(CABINET_OFFICE, &own, "2018-12-17", Some("2018-12-16")),
        )
        .await;
    problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, "ends_on").await;
    let items = app.list(AGREEMENTS, &dcms, &[]).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["version"], 2);
}

#[tokio::test]
async fn in_force_follows_the_dates() {
    let app = spawn_seeded_app().await;
    let dcms = app.token(DCMS, &["admin"], "admin-1");
    let devon_admin = app.token(DEVON, &["admin"], "admin-2");
    let own = [DCMS_SUPPORT_PURPOSE];
    let cases = [
        (day(0), None, true),
        (day(-10), Some(day(0)), true),
        (day(-10), Some(day(10)), true),
        (day(1), None, false),
        (day(5), Some(day(10)), false),
        (day(-10), Some(day(-1)), false),
    ];
    for (starts_on, ends_on, in_force) in cases {
        let body = agreement(DEVON, &own, &starts_on, ends_on.as_deref());
        let created = record_agreement(&app, &dcms, &devon_admin, &body).await;
        assert_eq!(
            created["in_force"], in_force,
            "{starts_on} to {ends_on:?}: {created}"
        );
        let read = json_body(
            app.get(&agreement_path(&text(&created, "id")), Some(&dcms))
                .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(read["in_force"], in_force, "{read}");
    }
    // Devon, now a processor for DCMS, sees all six.
    let devon = app.token(DEVON, &["auditor"], "auditor-1");
    let items = app.list(AGREEMENTS, &devon, &[]).await;
    assert_eq!(items.len(), 6, "{items:?}");
    assert_eq!(
        items.iter().filter(|a| a["in_force"] == true).count(),
        3,
        "{items:?}"
    );
}
