//! The data inventory (`/register/data-inventory`): the personal-data catalogue joined with the
//! caller's own register, as JSON or CSV.

use persistence::catalogue::CATALOGUE;
use reqwest::header::{ACCEPT, CONTENT_DISPOSITION};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

const INVENTORY: &str = "/api/v1/register/data-inventory";

fn column_count() -> usize {
    CATALOGUE.tables.iter().map(|t| t.columns.len()).sum()
}

async fn inventory(app: &TestApp, token: &str) -> Value {
    let response = app.get(INVENTORY, Some(token)).await;
    assert_eq!(content_type(&response), "application/json");
    json_body(response, StatusCode::OK).await
}

fn entry<'a>(inventory: &'a Value, table: &str, column: &str) -> &'a Value {
    inventory["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["table"] == table && e["column"] == column)
        .unwrap_or_else(|| panic!("{table}.{column} in {inventory}"))
}

fn category_names(entry: &Value) -> Vec<String> {
    entry["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .map(|c| text(c, "name"))
        .collect()
}

async fn csv_of(response: Response) -> (String, String) {
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(content_type(&response), "text/csv; charset=utf-8");
    let disposition = response
        .headers()
        .get(CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (disposition, response.text().await.expect("a body"))
}

#[tokio::test]
async fn every_column_is_listed_with_whose_it_is_and_what_erasure_does() {
    let app = spawn_seeded_app().await;
    let dpo = app.token(CABINET_OFFICE, &["dpo"], "dpo-1");
    let inventory = inventory(&app, &dpo).await;
    assert_eq!(inventory["organisation"], "Cabinet Office");
    let entries = inventory["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), column_count(), "{inventory}");

    let email = entry(&inventory, "people", "email");
    assert_eq!(
        email,
        &json!({
            "table": "people",
            "column": "email",
            "record_kind": "person",
            "personal": true,
            "not_personal": null,
            "person_column": "id",
            "person_key": "person_id",
            "through_table": null,
            "data_kind": "contact_details",
            "special": false,
            "erasure": "anonymise",
            "replacement": "NULL",
            "keep_reason": null,
            "categories": [
                {"id": seed_id(0x1_0002), "name": "Business email"},
                {"id": seed_id(0x1_0003), "name": "Business telephone"},
                {"id": seed_id(0x1_0004), "name": "Business address"},
            ],
        })
    );

    let condition = entry(&inventory, "person_adjustments", "condition");
    assert_eq!(condition["special"], true);
    assert_eq!(condition["erasure"], "delete_row");
    assert_eq!(category_names(condition), ["Health details"]);

    // A requester is a person, or an account no person record holds.
    let requester = entry(&inventory, "tickets", "requester_id");
    assert_eq!(requester["person_key"], "person_id");
    assert_eq!(requester["keep_reason"], "anonymised_record");
    let account = entry(&inventory, "tickets", "requester_account");
    assert_eq!(account["person_key"], "account");
    assert_eq!(account["replacement"], "erased:<row id>");
    let body = entry(&inventory, "ticket_comments", "body");
    assert_eq!(body["person_column"], "ticket_id");
    assert_eq!(body["person_key"], Value::Null);
    assert_eq!(body["through_table"], "tickets");
    assert_eq!(category_names(body), ["Request details"]);

    let custody = entry(&inventory, "asset_assignments", "person_id");
    assert_eq!(custody["erasure"], "keep");
    assert_eq!(custody["keep_reason"], "financial_record");
    assert_eq!(custody["replacement"], Value::Null);

    let id = entry(&inventory, "tickets", "id");
    assert_eq!(id["personal"], false);
    assert_eq!(id["not_personal"], "row_id");
    assert_eq!(id["erasure"], Value::Null);
    assert_eq!(id["categories"], json!([]));

    // The Cabinet Office's notice declares no category for these kinds the desk stores.
    assert_eq!(
        inventory["undeclared_kinds"],
        json!(["employment", "access", "equipment", "activity", "consent"])
    );
}

#[tokio::test]
async fn each_organisation_sees_its_own_registers_categories() {
    let app = spawn_seeded_app().await;
    let auditor = app.token(DEVON, &["auditor"], "auditor-1");
    let devon = inventory(&app, &auditor).await;
    assert_eq!(devon["organisation"], "Devon County Council");
    let email = entry(&devon, "people", "email");
    assert_eq!(category_names(email), ["Email", "Telephone number"]);
    assert_eq!(email["categories"][0]["id"], seed_id(0x2_0003));
    assert_eq!(
        category_names(entry(&devon, "tickets", "contains_special_category")),
        ["Medical or social care information"]
    );
    assert!(category_names(entry(&devon, "accounts", "identifier")).is_empty());

    // Derby's "Name and address" covers both kinds.
    let admin = app.token(DERBY, &["admin"], "admin-1");
    let derby = inventory(&app, &admin).await;
    assert_eq!(
        category_names(entry(&derby, "people", "address")),
        ["Name and address", "Personal contact details"]
    );
    assert_eq!(
        category_names(entry(&derby, "people", "given_name")),
        ["Name and address"]
    );
}

#[tokio::test]
async fn a_category_another_organisation_records_is_not_joined() {
    let app = spawn_app().await;
    let ours = app.token(ORG, &["dpo"], "dpo-1");
    let theirs = app.token(OTHER_ORG, &["dpo"], "dpo-1");
    let category = json_body(
        app.post_json(
            DATA_CATEGORIES,
            Some(&ours),
            &json!({"name": "Contact details", "kinds": ["contact_details", "contact_details"]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(category["kinds"], json!(["contact_details"]), "{category}");

    let mine = inventory(&app, &ours).await;
    let phone = entry(&mine, "people", "phone");
    assert_eq!(
        phone["categories"],
        json!([{"id": category["id"], "name": "Contact details"}])
    );
    let undeclared = mine["undeclared_kinds"].as_array().expect("kinds");
    assert!(!undeclared.contains(&json!("contact_details")), "{mine}");
    assert!(undeclared.contains(&json!("identity")), "{mine}");

    let other = inventory(&app, &theirs).await;
    for entry in other["entries"].as_array().expect("entries") {
        assert_eq!(entry["categories"], json!([]), "{entry}");
    }
    assert!(
        other["undeclared_kinds"]
            .as_array()
            .expect("kinds")
            .contains(&json!("contact_details"))
    );
}

#[tokio::test]
async fn a_category_covering_health_must_be_special() {
    let app = spawn_app().await;
    let dpo = app.token(ORG, &["dpo"], "dpo-1");
    let response = app
        .post_json(
            DATA_CATEGORIES,
            Some(&dpo),
            &json!({"name": "Adjustments", "kinds": ["health"]}),
        )
        .await;
    problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, "special").await;
    let response = app
        .post_json(
            DATA_CATEGORIES,
            Some(&dpo),
            &json!({"name": "Adjustments", "kinds": ["hobbies"]}),
        )
        .await;
    let problem = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        fields(&problem).iter().any(|f| f.starts_with("kinds")),
        "{problem}"
    );
}

#[tokio::test]
async fn the_inventory_reads_as_csv_one_row_a_column() {
    let app = spawn_seeded_app().await;
    let auditor = app.token(CABINET_OFFICE, &["auditor"], "auditor-1");
    let by_format = send(
        app.request(Method::GET, INVENTORY, Some(&auditor))
            .query(&[("format", "csv")]),
    )
    .await;
    let (disposition, csv) = csv_of(by_format).await;
    assert_eq!(
        disposition,
        "attachment; filename=\"data-inventory-cabinet-office.csv\""
    );
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 1 + column_count(), "{csv}");
    assert_eq!(
        lines[0],
        "table,column,record_kind,personal,not_personal,person_column,person_key,\
         through_table,data_kind,special,erasure,replacement,keep_reason,category_ids,\
         category_names"
    );
    let email = format!(
        "people,email,person,true,,id,person_id,,contact_details,false,anonymise,NULL,,\
         {}; {}; {},Business email; Business telephone; Business address",
        seed_id(0x1_0002),
        seed_id(0x1_0003),
        seed_id(0x1_0004)
    );
    assert!(lines.contains(&email.as_str()), "{csv}");

    let by_accept = send(
        app.request(Method::GET, INVENTORY, Some(&auditor))
            .header(ACCEPT, "text/csv"),
    )
    .await;
    assert_eq!(csv_of(by_accept).await.1, csv);
    let json_asked = send(
        app.request(Method::GET, INVENTORY, Some(&auditor))
            .header(ACCEPT, "text/csv")
            .query(&[("format", "json")]),
    )
    .await;
    assert_eq!(content_type(&json_asked), "application/json");
}

#[tokio::test]
async fn the_inventory_refuses_unknown_callers_roles_and_formats() {
    let app = spawn_seeded_app().await;
    problem(app.get(INVENTORY, None).await, StatusCode::UNAUTHORIZED).await;
    for role in ["requester", "agent", "integrator"] {
        let token = app.token(DEVON, &[role], "someone");
        problem(
            app.get(INVENTORY, Some(&token)).await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    let auditor = app.token(DEVON, &["auditor"], "auditor-1");
    for format in ["xml", "CSV", ""] {
        let response = send(
            app.request(Method::GET, INVENTORY, Some(&auditor))
                .query(&[("format", format)]),
        )
        .await;
        problem_naming(response, StatusCode::BAD_REQUEST, "format").await;
    }
}
