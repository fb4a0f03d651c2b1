//! The demo organisations, their details, and a register built over HTTP: what the tests of
//! organisations, notices and records start from.

use chrono::{Days, NaiveDate, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{TestApp, json_body, text};

pub const ORGANISATIONS: &str = "/api/v1/organisations";
pub const AGREEMENTS: &str = "/api/v1/processing-agreements";
pub const PURPOSES: &str = "/api/v1/register/purposes";
pub const DATA_CATEGORIES: &str = "/api/v1/register/data-categories";
pub const RETENTION_POLICIES: &str = "/api/v1/register/retention-policies";

pub const CABINET_OFFICE: &str = "cabinet-office";
pub const DEVON: &str = "devon-cc";
pub const DERBY: &str = "derby-city-council";
pub const DCMS: &str = "dcms";
pub const DEXEU: &str = "dexeu";

pub fn organisation_path(slug: &str) -> String {
    format!("{ORGANISATIONS}/{slug}")
}

pub fn agreement_path(id: &str) -> String {
    format!("{AGREEMENTS}/{id}")
}

pub fn acceptance_path(id: &str) -> String {
    format!("{AGREEMENTS}/{id}/acceptance")
}

pub fn withdrawal_path(id: &str) -> String {
    format!("{AGREEMENTS}/{id}/withdrawal")
}

/// Records `body` as an agreement of `controller`'s organisation (a keeper's token) and has the
/// processor accept it with `processor` (a keeper's token of the organisation `body` names);
/// returns the agreement as accepted. Fails the test unless both succeed.
pub async fn record_agreement(
    app: &TestApp,
    controller: &str,
    processor: &str,
    body: &Value,
) -> Value {
    let proposed = json_body(
        app.post_json(AGREEMENTS, Some(controller), body).await,
        StatusCode::CREATED,
    )
    .await;
    let accepted = app
        .post_json(
            &acceptance_path(&text(&proposed, "id")),
            Some(processor),
            &json!({}),
        )
        .await;
    json_body(accepted, StatusCode::OK).await
}

pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// `days` after today (before it when negative), as the API writes dates.
pub fn day(days: i64) -> String {
    let today = today();
    let date = if days >= 0 {
        today.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        today.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    date.expect("a date in range").to_string()
}

/// Details a notice can be made from: named, with an address, a public authority with a DPO
/// who can be reached.
pub fn details(name: &str) -> Value {
    json!({
        "name": name,
        "ico_registration_number": "ZA123456",
        "public_authority": true,
        "address": "1 High Street\nExeter\nEX1 1AA",
        "dpo": {"name": "Data Protection Officer", "email": "dpo@acme.example.org"},
        "security_measures": "Encryption at rest and in transit",
    })
}

/// Records `body` as `slug`'s details, without `If-Match`; fails the test unless 200.
pub async fn record_details(app: &TestApp, token: &str, slug: &str, body: &Value) -> Value {
    let response = app
        .put_json(&organisation_path(slug), Some(token), body)
        .await;
    json_body(response, StatusCode::OK).await
}

/// POSTs `body` to a register collection; fails the test unless 201.
pub async fn create_entry(app: &TestApp, token: &str, path: &str, body: &Value) -> Value {
    json_body(
        app.post_json(path, Some(token), body).await,
        StatusCode::CREATED,
    )
    .await
}

/// A purpose as written: staff data on `basis`, one category, one retention policy.
pub fn staff_purpose(name: &str, basis: &str, category: &str, policy: &str) -> Value {
    json!({
        "name": name,
        "description": format!("{name}, for staff of the organisation"),
        "lawful_basis": basis,
        "data_subject_categories": ["Staff"],
        "data_categories": [category],
        "retention_policy": policy,
        "source": {"from_data_subject": true},
        "provision_requirement": "contractual",
    })
}

/// A purpose with a category and a retention policy of its own, all three created by `token`;
/// returns the purpose as created.
pub async fn create_purpose(app: &TestApp, token: &str, name: &str) -> Value {
    let category = create_entry(
        app,
        token,
        DATA_CATEGORIES,
        &json!({"name": "Name and business contact details"}),
    )
    .await;
    let policy = create_entry(
        app,
        token,
        RETENTION_POLICIES,
        &json!({"trigger": "after_leaving", "period": "P1Y", "action": "erase"}),
    )
    .await;
    create_entry(
        app,
        token,
        PURPOSES,
        &staff_purpose(name, "b", &text(&category, "id"), &text(&policy, "id")),
    )
    .await
}
