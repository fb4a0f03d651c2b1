//! Records derived from the register: the Art 30 record (`/ropa`) as JSON or CSV, now or as it
//! stood at `as_of`, and the data map as JSON, DOT, Mermaid or SVG.

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use reqwest::header::{ACCEPT, CONTENT_DISPOSITION, IF_MATCH};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

const ROPA: &str = "/api/v1/ropa";
const DATA_MAP: &str = "/api/v1/register/data-map";

async fn get_with(app: &TestApp, path: &str, token: &str, query: &[(&str, &str)]) -> Response {
    send(app.request(Method::GET, path, Some(token)).query(query)).await
}

async fn ropa(app: &TestApp, token: &str, query: &[(&str, &str)]) -> Value {
    json_body(get_with(app, ROPA, token, query).await, StatusCode::OK).await
}

/// The body of a 200 response of `content_type` (parameters aside).
async fn text_body(response: Response, content_type_prefix: &str) -> String {
    let status = response.status();
    let content_type = content_type(&response);
    let body = response.text().await.expect("a readable body");
    assert_eq!(status, StatusCode::OK, "body: {body}");
    assert!(
        content_type.starts_with(content_type_prefix),
        "content type {content_type}, wanted {content_type_prefix}"
    );
    body
}

fn purpose_names(record: &Value) -> Vec<String> {
    record["controller"]["purposes"]
        .as_array()
        .expect("controller purposes")
        .iter()
        .map(|p| text(p, "name"))
        .collect()
}

/// CSV lines: the record's lines end CRLF and hold no bare LF.
fn csv_lines(csv: &str) -> Vec<&str> {
    assert!(csv.ends_with("\r\n"), "{csv}");
    assert!(!csv.replace("\r\n", "").contains('\n'), "a bare LF: {csv}");
    csv.split("\r\n").filter(|l| !l.is_empty()).collect()
}

fn rows_of<'a>(lines: &[&'a str], record: &str) -> Vec<&'a str> {
    let prefix = format!("{record},");
    lines
        .iter()
        .copied()
        .filter(|l| l.starts_with(&prefix))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The Art 30 record

#[tokio::test]
async fn a_controller_that_processes_for_others_has_both_records() {
    let app = spawn_seeded_app().await;
    let auditor = app.token(CABINET_OFFICE, &["auditor"], "auditor-1");
    let record = ropa(&app, &auditor, &[]).await;
    let controller = &record["controller"];
    assert_eq!(controller["controller"]["name"], "Cabinet Office");
    assert_eq!(
        controller["controller"]["dpo"]["email"],
        "dpo@cabinetoffice.gov.uk"
    );
    assert_eq!(purpose_names(&record).len(), 5, "{record}");
    assert!(
        purpose_names(&record).contains(&"Satisfaction surveys".to_owned()),
        "{record}"
    );
    let surveys = controller["purposes"]
        .as_array()
        .expect("purposes")
        .iter()
        .find(|p| p["name"] == "Satisfaction surveys")
        .expect("the survey purpose");
    assert_eq!(surveys["lawful_basis"]["basis"], "a");
    assert_eq!(surveys["lawful_basis"]["article"], "Art 6(1)(a)");

    let processor = &record["processor"];
    assert_eq!(processor["processor"]["name"], "Cabinet Office", "{record}");
    let agreements = processor["agreements"].as_array().expect("agreements");
    let mut controllers: Vec<String> = agreements
        .iter()
        .map(|a| text(&a["controller"], "name"))
        .collect();
    controllers.sort();
    assert_eq!(
        controllers,
        [
            "Department for Culture, Media and Sport",
            "Department for Exiting the European Union"
        ]
    );
    for agreement in agreements {
        assert_eq!(agreement["purposes"].as_array().map(Vec::len), Some(3));
        assert_eq!(agreement["starts_on"], "2018-12-17");
    }
}

#[tokio::test]
async fn a_controller_alone_has_no_processor_record() {
    let app = spawn_seeded_app().await;
    for (slug, purposes) in [(DEVON, 4), (DCMS, 3), (DEXEU, 3)] {
        let admin = app.token(slug, &["admin"], "admin-1");
        let record = ropa(&app, &admin, &[]).await;
        assert_eq!(purpose_names(&record).len(), purposes, "{slug}: {record}");
        assert!(record["processor"].is_null(), "{slug}: {record}");
    }
    let dpo = app.token(DEVON, &["dpo"], "dpo-1");
    let record = ropa(&app, &dpo, &[]).await;
    assert_eq!(
        record["controller"]["controller"]["ico_registration_number"],
        "Z6475582"
    );
    assert!(
        purpose_names(&record).contains(&"Safeguarding disclosures".to_owned()),
        "{record}"
    );
}

#[tokio::test]
async fn the_record_comes_as_csv_by_parameter_or_accept() {
    let app = spawn_seeded_app().await;
    let auditor = app.token(CABINET_OFFICE, &["auditor"], "auditor-1");
    let by_parameter = get_with(&app, ROPA, &auditor, &[("format", "csv")]).await;
    assert_eq!(
        by_parameter
            .headers()
            .get(CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok()),
        Some("attachment; filename=\"ropa-cabinet-office.csv\"")
    );
    let csv = text_body(by_parameter, "text/csv").await;
    let by_accept = send(
        app.request(Method::GET, ROPA, Some(&auditor))
            .header(ACCEPT, "text/csv"),
    )
    .await;
    assert_eq!(text_body(by_accept, "text/csv").await, csv);

    let lines = csv_lines(&csv);
    assert!(lines[0].starts_with("record,controller,"), "{}", lines[0]);
    assert_eq!(rows_of(&lines, "Art 30(1)").len(), 5, "{csv}");
    // Three purposes in scope under each of the two agreements.
    let processor_rows = rows_of(&lines, "Art 30(2)");
    assert_eq!(processor_rows.len(), 6, "{csv}");
    assert_eq!(lines.len(), 1 + 5 + 6, "{csv}");
    assert!(
        processor_rows
            .iter()
            .any(|r| r.contains("Department for Culture, Media and Sport")),
        "{csv}"
    );
    assert!(
        processor_rows
            .iter()
            .any(|r| r.contains("Department for Exiting the European Union")),
        "{csv}"
    );

    let devon = app.token(DEVON, &["auditor"], "auditor-1");
    let csv = text_body(
        get_with(&app, ROPA, &devon, &[("format", "csv")]).await,
        "text/csv",
    )
    .await;
    let lines = csv_lines(&csv);
    assert!(lines[0].starts_with("record,controller"), "{}", lines[0]);
    assert_eq!(rows_of(&lines, "Art 30(1)").len(), 4, "{csv}");
    assert!(rows_of(&lines, "Art 30(2)").is_empty(), "{csv}");
    assert!(
        rows_of(&lines, "Art 30(1)")
            .iter()
            .all(|r| r.contains("Devon County Council")),
        "{csv}"
    );
}

#[tokio::test]
async fn the_format_parameter_wins_over_accept_and_json_is_the_default() {
    let app = spawn_seeded_app().await;
    let auditor = app.token(DEVON, &["auditor"], "auditor-1");
    let response = send(
        app.request(Method::GET, ROPA, Some(&auditor))
            .query(&[("format", "json")])
            .header(ACCEPT, "text/csv"),
    )
    .await;
    assert_eq!(content_type(&response), "application/json");
    let record = json_body(response, StatusCode::OK).await;
    assert_eq!(purpose_names(&record).len(), 4);
    let response = send(
        app.request(Method::GET, ROPA, Some(&auditor))
            .header(ACCEPT, "application/json, text/plain"),
    )
    .await;
    assert_eq!(content_type(&response), "application/json");
    assert_eq!(json_body(response, StatusCode::OK).await, record);
}

#[tokio::test]
async fn an_unknown_format_or_moment_is_400_naming_it() {
    let app = spawn_seeded_app().await;
    let auditor = app.token(DEVON, &["auditor"], "auditor-1");
    for (parameter, value) in [
        ("format", "xml"),
        ("format", "CSV"),
        ("format", ""),
        ("as_of", "yesterday"),
        ("as_of", "2024-13-01T00:00:00Z"),
    ] {
        let response = get_with(&app, ROPA, &auditor, &[(parameter, value)]).await;
        problem_naming(response, StatusCode::BAD_REQUEST, parameter).await;
    }
    let response = get_with(
        &app,
        ROPA,
        &auditor,
        &[("format", "xml"), ("as_of", "soon")],
    )
    .await;
    let problem = problem(response, StatusCode::BAD_REQUEST).await;
    let named = fields(&problem);
    assert!(named.iter().any(|f| f == "format"), "{problem}");
    assert!(named.iter().any(|f| f == "as_of"), "{problem}");
}

/// A moment as RFC 3339 in another offset, naming the same instant.
fn in_offset(at: &str, seconds_east: i32) -> String {
    let at: DateTime<Utc> = at.parse().expect("an RFC 3339 moment");
    at.with_timezone(&FixedOffset::east_opt(seconds_east).expect("an offset"))
        .to_rfc3339_opts(SecondsFormat::Micros, false)
}

#[tokio::test]
async fn as_of_reads_the_register_as_it_stood() {
    let app = spawn_app().await;
    let admin = app.token(ORG, &["admin"], "admin-1");
    let recorded = record_details(&app, &admin, ORG, &details("Acme Ltd")).await;
    let details_at = text(&recorded, "updated_at");
    let purpose = create_purpose(&app, &admin, "IT support").await;
    let created_at = text(&purpose, "created_at");

    // Renamed after it was created.
    let id = text(&purpose, "id");
    let renamed = staff_purpose(
        "IT support and assets",
        "b",
        purpose["data_categories"][0]
            .as_str()
            .expect("a category id"),
        &text(&purpose, "retention_policy"),
    );
    let response = send(
        app.request(Method::PUT, &format!("{PURPOSES}/{id}"), Some(&admin))
            .header(IF_MATCH, "\"1\"")
            .json(&renamed),
    )
    .await;
    json_body(response, StatusCode::OK).await;

    let auditor = app.token(ORG, &["auditor"], "auditor-1");
    let now = ropa(&app, &auditor, &[]).await;
    assert_eq!(purpose_names(&now), ["IT support and assets"]);
    assert_eq!(now["controller"]["controller"]["name"], "Acme Ltd");

    // Between recording the details and creating the purpose: the details, no purpose.
    for moment in [details_at.clone(), in_offset(&details_at, 3600)] {
        let then = ropa(&app, &auditor, &[("as_of", &moment)]).await;
        assert_eq!(then["controller"]["controller"]["name"], "Acme Ltd");
        assert_eq!(
            then["controller"]["controller"]["ico_registration_number"],
            "ZA123456"
        );
        assert_eq!(
            purpose_names(&then),
            Vec::<String>::new(),
            "{moment}: {then}"
        );
    }
    // When the purpose was created: its first name.
    let then = ropa(&app, &auditor, &[("as_of", &created_at)]).await;
    assert_eq!(purpose_names(&then), ["IT support"], "{then}");
    let csv = text_body(
        get_with(
            &app,
            ROPA,
            &auditor,
            &[("as_of", &created_at), ("format", "csv")],
        )
        .await,
        "text/csv",
    )
    .await;
    let lines = csv_lines(&csv);
    let rows = rows_of(&lines, "Art 30(1)");
    assert_eq!(rows.len(), 1, "{csv}");
    assert!(rows[0].starts_with("Art 30(1),Acme Ltd,"), "{csv}");
    assert!(rows[0].contains(",IT support,"), "{csv}");
    // Before anything was recorded: no details, no purposes.
    let before = ropa(&app, &auditor, &[("as_of", "2000-01-01T00:00:00Z")]).await;
    assert_eq!(
        before["controller"]["controller"]["ico_registration_number"],
        json!(null)
    );
    assert_eq!(purpose_names(&before), Vec::<String>::new());
}

#[tokio::test]
async fn the_record_is_for_keepers_and_auditors() {
    let app = spawn_seeded_app().await;
    for role in ["auditor", "admin", "dpo"] {
        let token = app.token(DERBY, &[role], "someone");
        let record = ropa(&app, &token, &[]).await;
        assert_eq!(
            record["controller"]["controller"]["name"],
            "Derby City Council"
        );
    }
    for role in ["requester", "agent", "integrator"] {
        let token = app.token(DERBY, &[role], "someone");
        problem(app.get(ROPA, Some(&token)).await, StatusCode::FORBIDDEN).await;
        let response = get_with(&app, ROPA, &token, &[("format", "csv")]).await;
        problem(response, StatusCode::FORBIDDEN).await;
    }
    problem(app.get(ROPA, None).await, StatusCode::UNAUTHORIZED).await;
    problem(
        app.get(&format!("{ROPA}?format=csv"), None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// The data map

#[tokio::test]
async fn the_data_map_links_purposes_to_data_and_flags_special_categories() {
    let app = spawn_seeded_app().await;
    let auditor = app.token(DEVON, &["auditor"], "auditor-1");
    let response = app.get(DATA_MAP, Some(&auditor)).await;
    assert_eq!(content_type(&response), "application/json");
    let map = json_body(response, StatusCode::OK).await;
    assert_eq!(map["organisation"], "Devon County Council");
    let nodes = map["nodes"].as_array().expect("nodes");
    let edges = map["edges"].as_array().expect("edges");
    let of_kind = |kind: &str| nodes.iter().filter(|n| n["kind"] == kind).count();
    assert_eq!(of_kind("purpose"), 4, "{map}");
    assert_eq!(of_kind("data_category"), 5, "{map}");
    assert_eq!(of_kind("recipient"), 7, "{map}");
    assert_eq!(of_kind("transfer"), 0, "{map}");
    let special: Vec<&Value> = nodes.iter().filter(|n| n["special"] == true).collect();
    assert_eq!(special.len(), 1, "{map}");
    assert_eq!(special[0]["label"], "Medical or social care information");
    assert_eq!(special[0]["kind"], "data_category");

    let ids: Vec<&Value> = nodes.iter().map(|n| &n["id"]).collect();
    assert!(!edges.is_empty(), "{map}");
    for edge in edges {
        assert!(ids.contains(&&edge["from"]), "{edge}");
        assert!(ids.contains(&&edge["to"]), "{edge}");
        assert!(
            !edge["purposes"].as_array().expect("purposes").is_empty(),
            "{edge}"
        );
    }
    // Safeguarding holds the special category.
    let safeguarding = nodes
        .iter()
        .find(|n| n["label"] == "Safeguarding disclosures")
        .expect("the safeguarding purpose");
    assert!(
        edges
            .iter()
            .any(|e| e["from"] == safeguarding["id"] && e["to"] == special[0]["id"]),
        "{map}"
    );

    // The Cabinet Office's transfer rests on legacy clauses.
    let cabinet = app.token(CABINET_OFFICE, &["dpo"], "dpo-1");
    let map = json_body(app.get(DATA_MAP, Some(&cabinet)).await, StatusCode::OK).await;
    let transfers: Vec<&Value> = map["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|n| n["kind"] == "transfer")
        .collect();
    assert_eq!(transfers.len(), 1, "{map}");
    assert_eq!(transfers[0]["legacy"], true, "{map}");
}

#[tokio::test]
async fn the_data_map_shows_the_desks_tables_storing_each_category() {
    let app = spawn_seeded_app().await;
    let dpo = app.token(CABINET_OFFICE, &["dpo"], "dpo-1");
    let map = json_body(app.get(DATA_MAP, Some(&dpo)).await, StatusCode::OK).await;
    let nodes = map["nodes"].as_array().expect("nodes");
    let stored = |label: &str| {
        nodes
            .iter()
            .find(|n| n["label"] == label)
            .map(|n| n["stored_in"].clone())
            .unwrap_or_else(|| panic!("{label} in {map}"))
    };
    assert_eq!(stored("Business email"), json!(["people"]));
    assert_eq!(
        stored("Health details"),
        json!(["tickets", "person_adjustments"])
    );
    assert_eq!(
        stored("Request details"),
        json!([
            "tickets",
            "ticket_comments",
            "disclosures",
            "rights_request_steps",
            "rectifications",
            "disclosure_versions",
            "legal_holds"
        ])
    );
    for purpose in nodes.iter().filter(|n| n["kind"] == "purpose") {
        assert_eq!(purpose["stored_in"], json!([]), "{purpose}");
    }
    let svg = text_body(
        get_with(&app, DATA_MAP, &dpo, &[("format", "svg")]).await,
        "image/svg+xml",
    )
    .await;
    assert!(
        svg.contains("stored in: tickets, person_adjustments"),
        "{svg}"
    );
}

#[tokio::test]
async fn the_data_map_draws_as_dot_mermaid_and_svg() {
    let app = spawn_seeded_app().await;
    let auditor = app.token(DEVON, &["auditor"], "auditor-1");
    let draw = |format: &'static str| {
        send(
            app.request(Method::GET, DATA_MAP, Some(&auditor))
                .query(&[("format", format)]),
        )
    };

    let dot = text_body(draw("dot").await, "text/vnd.graphviz").await;
    assert!(dot.starts_with("digraph"), "{dot}");
    assert!(dot.trim_end().ends_with('}'), "{dot}");
    assert!(dot.contains("Medical or social care information"), "{dot}");

    let mermaid = text_body(draw("mermaid").await, "text/vnd.mermaid").await;
    assert!(mermaid.starts_with("flowchart LR"), "{mermaid}");
    assert!(mermaid.contains("Safeguarding disclosures"), "{mermaid}");

    let svg = text_body(draw("svg").await, "image/svg+xml").await;
    assert!(svg.starts_with("<?xml"), "{svg}");
    assert!(svg.contains("<svg"), "{svg}");
    assert!(svg.trim_end().ends_with("</svg>"), "{svg}");
    assert!(svg.contains("Devon County Council"), "{svg}");

    let json = json_body(draw("json").await, StatusCode::OK).await;
    assert_eq!(
        json,
        json_body(app.get(DATA_MAP, Some(&auditor)).await, StatusCode::OK).await
    );
}

#[tokio::test]
async fn the_data_map_refuses_an_unknown_format_and_unknown_callers() {
    let app = spawn_seeded_app().await;
    let auditor = app.token(DEVON, &["auditor"], "auditor-1");
    for format in ["png", "csv", "SVG", ""] {
        let response = get_with(&app, DATA_MAP, &auditor, &[("format", format)]).await;
        let problem = problem_naming(response, StatusCode::BAD_REQUEST, "format").await;
        assert!(text(&problem, "detail").contains("format"), "{problem}");
    }
    let response = get_with(&app, DATA_MAP, &auditor, &[("as_of", "never")]).await;
    problem_naming(response, StatusCode::BAD_REQUEST, "as_of").await;

    for role in ["requester", "agent"] {
        let token = app.token(DEVON, &[role], "someone");
        problem(app.get(DATA_MAP, Some(&token)).await, StatusCode::FORBIDDEN).await;
    }
    problem(app.get(DATA_MAP, None).await, StatusCode::UNAUTHORIZED).await;
    problem(
        app.get(&format!("{DATA_MAP}?format=svg"), None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn the_data_map_reads_as_of_a_moment() {
    let app = spawn_app().await;
    let admin = app.token(ORG, &["admin"], "admin-1");
    let recorded = record_details(&app, &admin, ORG, &details("Acme Ltd")).await;
    let before = text(&recorded, "updated_at");
    create_purpose(&app, &admin, "IT support").await;
    let now = json_body(app.get(DATA_MAP, Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(now["nodes"].as_array().map(Vec::len), Some(2), "{now}");
    assert_eq!(now["edges"].as_array().map(Vec::len), Some(1), "{now}");
    let then = json_body(
        get_with(&app, DATA_MAP, &admin, &[("as_of", &before)]).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(then["organisation"], "Acme Ltd");
    assert_eq!(then["nodes"], json!([]), "{then}");
    assert_eq!(then["edges"], json!([]), "{then}");
}

#[tokio::test]
async fn only_agreements_in_force_make_a_processor_record() {
    let app = spawn_seeded_app().await;
    let dcms = app.token(DCMS, &["admin"], "admin-1");
    let devon = app.token(DEVON, &["auditor"], "auditor-1");
    let support = "00000000-0000-0000-0000-000000041001";
    let agreement = |starts_on: String| {
        json!({
            "processor": DEVON,
            "purposes": [support],
            "processing": "Second-line support for DCMS staff",
            "starts_on": starts_on,
        })
    };
    let devon_admin = app.token(DEVON, &["admin"], "admin-2");
    let future = record_agreement(&app, &dcms, &devon_admin, &agreement(day(1))).await;
    let record = ropa(&app, &devon, &[]).await;
    assert!(record["processor"].is_null(), "not in force yet: {record}");

    record_agreement(&app, &dcms, &devon_admin, &agreement(day(-1))).await;
    let record = ropa(&app, &devon, &[]).await;
    let agreements = record["processor"]["agreements"]
        .as_array()
        .expect("a processor record");
    assert_eq!(agreements.len(), 1, "{record}");
    assert_eq!(
        agreements[0]["controller"]["name"],
        "Department for Culture, Media and Sport"
    );
    assert_eq!(
        agreements[0]["purposes"][0]["name"],
        "IT requests and incidents"
    );
    let csv = text_body(
        get_with(&app, ROPA, &devon, &[("format", "csv")]).await,
        "text/csv",
    )
    .await;
    let lines = csv_lines(&csv);
    assert_eq!(rows_of(&lines, "Art 30(2)").len(), 1, "{csv}");
    assert_eq!(rows_of(&lines, "Art 30(1)").len(), 4, "{csv}");

    // Before the agreements were recorded, Devon processed for no one.
    let before = ropa(&app, &devon, &[("as_of", &text(&future, "created_at"))]).await;
    assert!(before["processor"].is_null(), "{before}");
}

/// RFC 9110 §12.4.2: a quality of 0 marks a media type "not acceptable", so this client asks for
/// JSON and refuses CSV.
#[tokio::test]
async fn accept_refusing_csv_with_q_0_gets_json() {
    let app = spawn_seeded_app().await;
    let auditor = app.token(DEVON, &["auditor"], "auditor-1");
    let response = send(
        app.request(Method::GET, ROPA, Some(&auditor))
            .header(ACCEPT, "text/csv;q=0, application/json"),
    )
    .await;
    assert_eq!(content_type(&response), "application/json");
    let record = json_body(response, StatusCode::OK).await;
    assert_eq!(purpose_names(&record).len(), 4, "{record}");
}
