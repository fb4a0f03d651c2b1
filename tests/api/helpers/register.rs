//! The processing register's kinds of entry, valid bodies of each, and its keepers: shared by
//! the register's tests and those of the records built from it.

use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{ORG, TestApp, json_body, text};

pub const REGISTER: &str = "/api/v1/register";

/// The five kinds of register entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Purpose,
    DataCategory,
    Recipient,
    Transfer,
    RetentionPolicy,
}

pub const KINDS: [Kind; 5] = [
    Kind::Purpose,
    Kind::DataCategory,
    Kind::Recipient,
    Kind::Transfer,
    Kind::RetentionPolicy,
];

impl Kind {
    fn segment(self) -> &'static str {
        match self {
            Kind::Purpose => "purposes",
            Kind::DataCategory => "data-categories",
            Kind::Recipient => "recipients",
            Kind::Transfer => "transfers",
            Kind::RetentionPolicy => "retention-policies",
        }
    }

    pub fn collection(self) -> String {
        format!("{REGISTER}/{}", self.segment())
    }

    pub fn item(self, id: &str) -> String {
        format!("{}/{id}", self.collection())
    }

    /// A valid body of this kind; a purpose holds `category`.
    pub fn body(self, label: &str, category: &str) -> Value {
        match self {
            Kind::Purpose => purpose_body(label, &[category]),
            Kind::DataCategory => category_body(label),
            Kind::Recipient => recipient_body(label),
            Kind::Transfer => transfer_body(label),
            Kind::RetentionPolicy => retention_body(label),
        }
    }
}

pub fn category_body(name: &str) -> Value {
    json!({ "name": name, "description": format!("{name}, as staff give it") })
}

pub fn special_category_body(name: &str) -> Value {
    json!({ "name": name, "special": true, "description": "Health details" })
}

pub fn recipient_body(name: &str) -> Value {
    json!({ "name": name, "kind": "processor", "country": "GB" })
}

pub fn transfer_body(destination: &str) -> Value {
    json!({
        "destination": destination,
        "mechanism": "idta",
        "risk_assessment_reference": "TRA-2024-01",
    })
}

pub fn retention_body(reference: &str) -> Value {
    json!({
        "trigger": "after_leaving",
        "period": "P1Y",
        "action": "erase",
        "schedule_reference": reference,
    })
}

/// A purpose on the employment contract that breaks no rule, given categories that are not
/// special.
pub fn purpose_body(name: &str, categories: &[&str]) -> Value {
    json!({
        "name": name,
        "description": "To manage and support IT requests raised by staff",
        "lawful_basis": "b",
        "data_subject_categories": ["Staff"],
        "data_categories": categories,
        "source": { "from_data_subject": true, "other_sources": null },
        "provision_requirement": "contractual",
    })
}

/// The id of a demo register entry (`Uuid::from_u128`, see `domain::register::demo`).
pub fn seed_id(n: u128) -> String {
    Uuid::from_u128(n).to_string()
}

/// A fresh server with the register's keepers (an administrator and the DPO) and an auditor of
/// [`ORG`].
pub struct Keepers {
    pub app: TestApp,
    /// Token subject `keeper-1`.
    pub admin: String,
    /// Token subject `dpo-7`.
    pub dpo: String,
    /// Token subject `auditor-3`.
    pub auditor: String,
}

impl Keepers {
    pub async fn spawn() -> Keepers {
        let app = super::spawn_app().await;
        Keepers {
            admin: app.token(ORG, &["admin"], "keeper-1"),
            dpo: app.token(ORG, &["dpo"], "dpo-7"),
            auditor: app.token(ORG, &["auditor"], "auditor-3"),
            app,
        }
    }

    /// Creates an entry as the admin; fails the test unless it is 201.
    pub async fn create(&self, kind: Kind, body: &Value) -> Value {
        let response = self
            .app
            .post_json(&kind.collection(), Some(&self.admin), body)
            .await;
        json_body(response, StatusCode::CREATED).await
    }

    pub async fn create_id(&self, kind: Kind, body: &Value) -> String {
        text(&self.create(kind, body).await, "id")
    }
}

/// A purpose of `org` governing every ticket, holding health details under Art 9(2)(b) (DPA 2018
/// Sch 1 para 1, with its policy document), so the desk may flag tickets as holding special
/// category data. Made by an administrator of `org`; returns the purpose.
pub async fn govern_tickets_with_art_9(app: &TestApp, org: &str) -> Value {
    let admin = app.token(org, &["admin"], "keeper-1");
    let post = |path: String, body: Value| {
        let admin = admin.clone();
        async move {
            let response = app.post_json(&path, Some(&admin), &body).await;
            json_body(response, StatusCode::CREATED).await
        }
    };
    let health = post(
        Kind::DataCategory.collection(),
        special_category_body("Health details"),
    )
    .await;
    let mut purpose = purpose_body("IT requests and incidents", &[&text(&health, "id")]);
    purpose["special_category_condition"] = json!("b");
    purpose["schedule_1_condition"] = json!("employment");
    purpose["policy_document"] = json!({
        "reference": "Appropriate policy document",
        "owner": "Data Protection Officer",
        "review_date": "2027-03-31",
    });
    purpose["governs"] = json!([{ "record_kind": "ticket" }]);
    post(Kind::Purpose.collection(), purpose).await
}
