//! SCIM 2.0 at `/scim/v2`: discovery, Users with filters and paging, PATCH, and provisioning
//! as joiners and leavers with the desk work HR sync raises. Errors are SCIM's own shape.

use reqwest::header::{CONTENT_TYPE, LOCATION, WWW_AUTHENTICATE};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

const BASE: &str = "/scim/v2";
const USERS: &str = "/scim/v2/Users";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

struct Scim {
    app: TestApp,
    integrator: String,
    agent: String,
}

async fn scim() -> Scim {
    let app = spawn_app().await;
    Scim {
        integrator: app.token(ORG, &["integrator"], "entra"),
        agent: app.token(ORG, &["agent"], "agent-1"),
        app,
    }
}

fn user(user_name: &str, external_id: &str) -> Value {
    json!({
        "schemas": [USER_SCHEMA, ENTERPRISE],
        "userName": user_name,
        "externalId": external_id,
        "name": {"givenName": "Jo", "familyName": "Bloggs"},
        "emails": [{"value": format!("{external_id}@example.gov.uk"), "type": "work"}],
        "phoneNumbers": [{"value": "020 7946 0000", "type": "work"}],
        "active": true,
        ENTERPRISE: {"employeeNumber": "701984", "department": "Digital"}
    })
}

fn user_path(id: &str) -> String {
    format!("{USERS}/{id}")
}

impl Scim {
    async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut request = self.app.request(method, path, token);
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/scim+json")
                .body(body.to_string());
        }
        send(request).await
    }

    async fn create(&self, body: &Value) -> Value {
        scim_body(
            self.send(Method::POST, USERS, Some(&self.integrator), Some(body))
                .await,
            StatusCode::CREATED,
        )
        .await
    }

    async fn get(&self, path: &str) -> Response {
        self.send(Method::GET, path, Some(&self.integrator), None)
            .await
    }

    async fn list(&self, query: &str) -> Value {
        scim_body(self.get(&format!("{USERS}?{query}")).await, StatusCode::OK).await
    }

    async fn patch(&self, id: &str, operations: Value) -> Response {
        let body = json!({"schemas": [PATCH_OP], "Operations": operations});
        self.send(
            Method::PATCH,
            &user_path(id),
            Some(&self.integrator),
            Some(&body),
        )
        .await
    }

    async fn tickets_titled(&self, title: &str) -> usize {
        self.ticket_descriptions(title).await.len()
    }

    /// The descriptions of the tickets with this title.
    async fn ticket_descriptions(&self, title: &str) -> Vec<String> {
        self.app
            .list(TICKETS, &self.agent, &[])
            .await
            .iter()
            .filter(|t| t["title"] == title)
            .map(|t| text(t, "description"))
            .collect()
    }
}

/// A SCIM answer with the expected status, in `application/scim+json`.
async fn scim_body(response: Response, expected: StatusCode) -> Value {
    let content_type = content_type(&response);
    let body = json_body(response, expected).await;
    assert_eq!(content_type, "application/scim+json", "{body}");
    body
}

/// A SCIM error (RFC 7644 §3.12) with the expected status and scimType.
async fn scim_error(response: Response, expected: StatusCode, scim_type: Option<&str>) -> Value {
    let body = scim_body(response, expected).await;
    assert_eq!(
        body["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
    );
    assert_eq!(body["status"], expected.as_u16().to_string());
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
    assert_eq!(body["scimType"].as_str(), scim_type, "{body}");
    body
}

fn user_names(list: &Value) -> Vec<String> {
    list["Resources"]
        .as_array()
        .expect("a list has Resources")
        .iter()
        .map(|u| text(u, "userName"))
        .collect()
}

#[tokio::test]
async fn discovery_describes_users_and_unknown_endpoints_are_scim_errors() {
    let s = scim().await;
    let config = scim_body(
        s.get(&format!("{BASE}/ServiceProviderConfig")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(config["patch"]["supported"], true);
    assert_eq!(config["filter"]["maxResults"], 1000);
    let schemas = scim_body(s.get(&format!("{BASE}/Schemas")).await, StatusCode::OK).await;
    assert_eq!(schemas["totalResults"], 2);
    let one = scim_body(
        s.get(&format!("{BASE}/Schemas/{ENTERPRISE}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(one["name"], "EnterpriseUser");
    let types = scim_body(
        s.get(&format!("{BASE}/ResourceTypes/User")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(types["schemaExtensions"][0]["schema"], ENTERPRISE);
    // Discovery needs no token: it says nothing of anyone.
    scim_body(
        s.send(Method::GET, &format!("{BASE}/Schemas"), None, None)
            .await,
        StatusCode::OK,
    )
    .await;
    scim_error(
        s.get(&format!("{BASE}/Schemas/urn:example:nothing")).await,
        StatusCode::NOT_FOUND,
        None,
    )
    .await;
    scim_error(
        s.get(&format!("{BASE}/ResourceTypes/Group")).await,
        StatusCode::NOT_FOUND,
        None,
    )
    .await;
    scim_error(
        s.get(&format!("{BASE}/Groups")).await,
        StatusCode::NOT_FOUND,
        None,
    )
    .await;
    for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
        scim_error(
            s.send(
                method,
                &format!("{BASE}/ServiceProviderConfig"),
                Some(&s.integrator),
                None,
            )
            .await,
            StatusCode::METHOD_NOT_ALLOWED,
            None,
        )
        .await;
    }
}

#[tokio::test]
async fn only_an_organisations_integrators_provision_its_users() {
    let s = scim().await;
    let response = s.send(Method::GET, USERS, None, None).await;
    assert_eq!(
        response
            .headers()
            .get(WWW_AUTHENTICATE)
            .map(|v| v.to_str().ok()),
        Some(Some("Bearer"))
    );
    scim_error(response, StatusCode::UNAUTHORIZED, None).await;
    scim_error(
        s.send(Method::GET, USERS, Some(&s.agent), None).await,
        StatusCode::FORBIDDEN,
        None,
    )
    .await;
    let created = s.create(&user("jo", "E1")).await;
    let other = s.app.token(OTHER_ORG, &["integrator"], "entra");
    let id = text(&created, "id");
    scim_error(
        s.send(Method::GET, &user_path(&id), Some(&other), None)
            .await,
        StatusCode::NOT_FOUND,
        None,
    )
    .await;
    let theirs = scim_body(
        s.send(Method::GET, USERS, Some(&other), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(theirs["totalResults"], 0);
}

#[tokio::test]
async fn a_created_user_is_served_back_and_is_a_joiner() {
    let s = scim().await;
    let response = s
        .send(
            Method::POST,
            USERS,
            Some(&s.integrator),
            Some(&user("Jo.Bloggs", "E1")),
        )
        .await;
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("a Location")
        .to_owned();
    let created = scim_body(response, StatusCode::CREATED).await;
    let id = text(&created, "id");
    assert!(location.ends_with(&user_path(&id)), "{location}");
    assert_eq!(created["meta"]["location"], location);
    assert_eq!(created["active"], true);
    assert_eq!(created["displayName"], "Jo Bloggs");
    assert_eq!(created[ENTERPRISE]["department"], "Digital");
    let read = scim_body(s.get(&user_path(&id)).await, StatusCode::OK).await;
    assert_eq!(read, created);
    // The person is the desk's, and HR sync's desk work was raised.
    let person = json_body(
        s.app
            .get(&format!("/api/v1/people/{id}"), Some(&s.agent))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(person["external_id"], "E1");
    assert_eq!(s.tickets_titled("Set up accounts for a joiner").await, 1);
    // Attributes asked for, or left out.
    let only = scim_body(
        s.get(&format!(
            "{}?attributes=userName,name.givenName",
            user_path(&id)
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(only["name"], json!({"givenName": "Jo"}));
    assert!(only.get("emails").is_none() && only["id"] == id);
    let without = scim_body(
        s.get(&format!("{}?excludedAttributes=emails", user_path(&id)))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(without.get("emails").is_none() && without["userName"] == "Jo.Bloggs");
}

#[tokio::test]
async fn user_names_and_external_ids_are_unique_among_live_users() {
    let s = scim().await;
    s.create(&user("jo", "E1")).await;
    for clash in [user("JO", "E2"), user("someone", "E1")] {
        scim_error(
            s.send(Method::POST, USERS, Some(&s.integrator), Some(&clash))
                .await,
            StatusCode::CONFLICT,
            Some("uniqueness"),
        )
        .await;
    }
    assert_eq!(s.list("").await["totalResults"], 1);
}

#[tokio::test]
async fn lists_filter_and_page() {
    let s = scim().await;
    for (name, key) in [
        ("alice", "E1"),
        ("bob", "E2"),
        ("carol", "E3"),
        ("dave", "E4"),
    ] {
        s.create(&user(name, key)).await;
    }
    let cases = [
        ("filter=userName eq \"ALICE\"", vec!["alice"]),
        ("filter=externalId eq \"E2\"", vec!["bob"]),
        (
            "filter=emails.value eq \"e3@example.gov.uk\"",
            vec!["carol"],
        ),
        ("filter=emails[value ew \"4@example.gov.uk\"]", vec!["dave"]),
        (
            "filter=userName sw \"a\" or userName co \"RO\"",
            vec!["alice", "carol"],
        ),
        (
            "filter=not (userName eq \"bob\") and active eq true",
            vec!["alice", "carol", "dave"],
        ),
        (
            "filter=externalId pr and userName gt \"c\"",
            vec!["carol", "dave"],
        ),
        ("filter=userName eq \"nobody\"", vec![]),
    ];
    for (query, expected) in cases {
        let query = query.replace(' ', "%20").replace('"', "%22");
        assert_eq!(user_names(&s.list(&query).await), expected, "{query}");
    }
    let page = s.list("startIndex=2&count=2").await;
    assert_eq!(
        (
            page["totalResults"].clone(),
            page["startIndex"].clone(),
            page["itemsPerPage"].clone()
        ),
        (json!(4), json!(2), json!(2))
    );
    assert_eq!(user_names(&page), ["bob", "carol"]);
    assert_eq!(
        user_names(&s.list("startIndex=0&count=-3").await),
        Vec::<String>::new()
    );
    let search = scim_body(
        s.send(
            Method::POST,
            &format!("{USERS}/.search"),
            Some(&s.integrator),
            Some(&json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                "filter": "userName eq \"dave\"",
                "attributes": ["userName"]
            })),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        search["Resources"][0].as_object().map(|o| o.len()),
        Some(3),
        "{search}"
    );
    for bad in [
        "userName%20eq",
        "nickName%20eq%20%22x%22",
        "externalId%20co%20%22E%22",
        "active%20eq%20%22yes%22",
    ] {
        scim_error(
            s.get(&format!("{USERS}?filter={bad}")).await,
            StatusCode::BAD_REQUEST,
            Some("invalidFilter"),
        )
        .await;
    }
}

#[tokio::test]
async fn patch_reaches_attributes_and_a_new_department_is_a_move() {
    let s = scim().await;
    let manager = text(&s.create(&user("boss", "E0")).await, "id");
    let id = text(&s.create(&user("jo", "E1")).await, "id");
    let patched = scim_body(
        s.patch(
            &id,
            json!([
                {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "jo.smith@example.gov.uk"},
                {"op": "replace", "path": "name.familyName", "value": "Smith"},
                {"op": "add", "value": {ENTERPRISE: {"department": "Finance", "manager": {"value": manager}}}},
                {"op": "remove", "path": "phoneNumbers"}
            ]),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        patched["emails"],
        json!([{"value": "jo.smith@example.gov.uk", "type": "work"}])
    );
    assert_eq!(patched["name"]["familyName"], "Smith");
    assert!(patched.get("phoneNumbers").is_none());
    assert_eq!(patched[ENTERPRISE]["department"], "Finance");
    assert_eq!(patched[ENTERPRISE]["manager"]["value"], manager);
    assert!(
        patched[ENTERPRISE]["manager"]["$ref"]
            .as_str()
            .is_some_and(|r| r.ends_with(&user_path(&manager)))
    );
    assert_eq!(
        scim_body(s.get(&user_path(&id)).await, StatusCode::OK).await,
        patched
    );
    assert_eq!(s.tickets_titled("Review access for a mover").await, 1);

    let refusals = [
        (json!([{"op": "remove", "path": "userName"}]), "mutability"),
        (
            json!([{"op": "replace", "path": "id", "value": "x"}]),
            "mutability",
        ),
        (
            json!([{"op": "add", "path": "nickName", "value": "x"}]),
            "invalidPath",
        ),
        (json!([{"op": "remove"}]), "noTarget"),
        (
            json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "not an email"}]),
            "invalidValue",
        ),
        (
            json!([{"op": "add", "path": format!("{ENTERPRISE}:manager"), "value": {"value": "00000000-0000-7000-8000-000000000000"}}]),
            "invalidValue",
        ),
        (
            json!([{"op": "add", "path": format!("{ENTERPRISE}:manager.value"), "value": id}]),
            "invalidValue",
        ),
        (
            json!([{"op": "replace", "path": "userName", "value": "BOSS"}]),
            "uniqueness",
        ),
    ];
    for (operations, kind) in refusals {
        let status = if kind == "uniqueness" {
            StatusCode::CONFLICT
        } else {
            StatusCode::BAD_REQUEST
        };
        scim_error(s.patch(&id, operations).await, status, Some(kind)).await;
    }
    // Nothing refused was kept.
    assert_eq!(
        scim_body(s.get(&user_path(&id)).await, StatusCode::OK).await,
        patched
    );
}

#[tokio::test]
async fn put_replaces_the_user_whole() {
    let s = scim().await;
    let id = text(&s.create(&user("jo", "E1")).await, "id");
    let mut body = user("jo.bloggs", "E1");
    body.as_object_mut()
        .expect("an object")
        .remove("phoneNumbers");
    let replaced = scim_body(
        s.send(
            Method::PUT,
            &user_path(&id),
            Some(&s.integrator),
            Some(&body),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(replaced["userName"], "jo.bloggs");
    assert!(replaced.get("phoneNumbers").is_none());
    scim_error(
        s.send(
            Method::PUT,
            &user_path("00000000-0000-7000-8000-000000000000"),
            Some(&s.integrator),
            Some(&body),
        )
        .await,
        StatusCode::NOT_FOUND,
        None,
    )
    .await;
}

#[tokio::test]
async fn disabling_or_deleting_a_user_is_a_leaver_with_the_hr_desk_work() {
    let s = scim().await;
    let mut ids = Vec::new();
    for (name, key) in [("jo", "E1"), ("sam", "E2")] {
        let id = text(&s.create(&user(name, key)).await, "id");
        let account = json!({"person_id": id, "kind": "network", "system": "Active Directory", "identifier": name});
        json_body(
            s.app
                .post_json("/api/v1/accounts", Some(&s.agent), &account)
                .await,
            StatusCode::CREATED,
        )
        .await;
        ids.push(id);
    }
    // A directory that sends booleans as text, as some do.
    let off = scim_body(
        s.patch(
            &ids[0],
            json!([{"op": "Replace", "path": "active", "value": "False"}]),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(off["active"], false);
    let removals = s.ticket_descriptions("Remove a leaver's account").await;
    assert_eq!(removals.len(), 1);
    // The ticket names its source, for the agent who checks with it.
    assert!(
        removals[0].starts_with("The identity directory reports a leaver, last day "),
        "{removals:?}"
    );
    let person = json_body(
        s.app
            .get(&format!("/api/v1/people/{}", ids[0]), Some(&s.agent))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(person["leaves_on"].is_string(), "{person}");
    // Disabled again: no second notice.
    s.patch(
        &ids[0],
        json!([{"op": "replace", "value": {"active": false}}]),
    )
    .await;
    assert_eq!(s.tickets_titled("Remove a leaver's account").await, 1);
    assert_eq!(
        user_names(&s.list("filter=active%20eq%20false").await),
        ["jo"]
    );

    let response = s
        .send(
            Method::DELETE,
            &user_path(&ids[1]),
            Some(&s.integrator),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(s.tickets_titled("Remove a leaver's account").await, 2);
    scim_error(
        s.get(&user_path(&ids[1])).await,
        StatusCode::NOT_FOUND,
        None,
    )
    .await;
    scim_error(
        s.send(
            Method::DELETE,
            &user_path(&ids[1]),
            Some(&s.integrator),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
        None,
    )
    .await;
    assert_eq!(user_names(&s.list("").await), ["jo"]);
    // The person stays on the desk's record, and their userName is free again.
    json_body(
        s.app
            .get(&format!("/api/v1/people/{}", ids[1]), Some(&s.agent))
            .await,
        StatusCode::OK,
    )
    .await;
    s.create(&user("sam", "E3")).await;

    // Enabled again: a rejoin, accounts set up again.
    let on = scim_body(
        s.patch(
            &ids[0],
            json!([{"op": "replace", "path": "active", "value": true}]),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(on["active"], true);
    assert_eq!(s.tickets_titled("Set up accounts for a joiner").await, 4);
}

#[tokio::test]
async fn a_person_hr_put_on_record_is_taken_on_not_duplicated() {
    let s = scim().await;
    let record = json!({"records": [{"external_id": "E7", "kind": "joiner", "effective_date": "2026-01-05", "given_name": "Jo", "family_name": "Bloggs"}]});
    let synced = json_body(
        s.app
            .post_json("/api/v1/hr/sync", Some(&s.integrator), &record)
            .await,
        StatusCode::OK,
    )
    .await;
    let person_id = text(&synced["records"][0], "person_id");
    let created = s.create(&user("jo", "E7")).await;
    assert_eq!(text(&created, "id"), person_id);
    let people = s.app.list("/api/v1/people", &s.agent, &[]).await;
    assert_eq!(people.len(), 1);
}

#[tokio::test]
async fn malformed_requests_say_what_is_wrong() {
    let s = scim().await;
    let not_json = s
        .app
        .request(Method::POST, USERS, Some(&s.integrator))
        .header(CONTENT_TYPE, "application/scim+json")
        .body("{");
    scim_error(
        send(not_json).await,
        StatusCode::BAD_REQUEST,
        Some("invalidSyntax"),
    )
    .await;
    let wrong_type = s
        .app
        .request(Method::POST, USERS, Some(&s.integrator))
        .header(CONTENT_TYPE, "text/plain")
        .body(user("jo", "E1").to_string());
    scim_error(
        send(wrong_type).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        None,
    )
    .await;
    let mut nameless = user("jo", "E1");
    nameless.as_object_mut().expect("an object").remove("name");
    let error = scim_error(
        s.send(Method::POST, USERS, Some(&s.integrator), Some(&nameless))
            .await,
        StatusCode::BAD_REQUEST,
        Some("invalidValue"),
    )
    .await;
    assert!(text(&error, "detail").contains("name"));
    scim_error(
        s.get(&user_path("not-a-uuid")).await,
        StatusCode::NOT_FOUND,
        None,
    )
    .await;
    scim_error(
        s.get(&format!("{USERS}?attributes=a&excludedAttributes=b"))
            .await,
        StatusCode::BAD_REQUEST,
        Some("invalidValue"),
    )
    .await;
    assert_eq!(s.list("").await["totalResults"], 0);
}

/// Every SCIM operation that takes a body answers a body it cannot take in SCIM's shape: too
/// large (413), not JSON (400 invalidSyntax), not JSON's media type (415).
#[tokio::test]
async fn body_faults_are_scim_errors_on_every_operation_taking_a_body() {
    let s = scim().await;
    let id = text(&s.create(&user("jo", "E1")).await, "id");
    let user_at = user_path(&id);
    let operations = [
        (Method::POST, USERS),
        (Method::PUT, user_at.as_str()),
        (Method::PATCH, user_at.as_str()),
        (Method::POST, "/scim/v2/Users/.search"),
        (Method::POST, "/scim/v2/.search"),
    ];
    let oversized = format!("{{\"userName\": \"{}\"}}", "x".repeat(1024 * 1024));
    for (method, path) in operations {
        let with = |content_type: &'static str, body: String| {
            s.app
                .request(method.clone(), path, Some(&s.integrator))
                .header(CONTENT_TYPE, content_type)
                .body(body)
        };
        let too_large = with("application/scim+json", oversized.clone());
        scim_error(send(too_large).await, StatusCode::PAYLOAD_TOO_LARGE, None).await;
        let not_json = with("application/scim+json", "{\"userName\":".into());
        scim_error(
            send(not_json).await,
            StatusCode::BAD_REQUEST,
            Some("invalidSyntax"),
        )
        .await;
        let wrong_type = with("text/plain", user("jo", "E1").to_string());
        scim_error(
            send(wrong_type).await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            None,
        )
        .await;
    }
}
