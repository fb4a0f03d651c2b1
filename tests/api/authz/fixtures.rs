//! One set of resources of the controller, made once over HTTP the way its people make them,
//! and the processor's agreement with it.

use std::collections::HashMap;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

/// The organisation whose resources the matrix names; the seed gives it a register with a
/// purpose on consent (surveys), details and a published notice.
pub const CONTROLLER: &str = CABINET_OFFICE;
/// An organisation with no say over the controller's resources.
pub const OTHER: &str = DEVON;
/// Processes for [`CONTROLLER`] under an agreement in force, and for no one else.
pub const PROCESSOR: &str = "bureau-services";
/// Was offered an agreement by [`CONTROLLER`] and has not accepted it.
pub const PROPOSED_PROCESSOR: &str = "pending-services";
/// Every caller of the matrix but the colleague: the controller's person, whose record,
/// ticket, consent and survey answer the fixtures are. Other organisations' tokens carry the
/// same subject on purpose: a subject names a person only in its own organisation.
pub const MEMBER: &str = "matrix-member";
/// A member of the controller's organisation with no record of their own there.
pub const COLLEAGUE: &str = "matrix-colleague";
/// The subject the adjustment-readers operations grant and revoke: no one the matrix uses, so
/// revoking it changes no other cell.
const READER: &str = "matrix-reader";
/// The subject the disclosure-recorders operations grant and revoke, for the same reason.
const RECORDER: &str = "matrix-recorder";
/// A person of the controller whose processing is restricted, for the restriction operations.
const RESTRICTED: &str = "matrix-restricted";

pub struct Fixtures {
    /// Path parameter values, by the path segment before the parameter (`tickets` for
    /// `/tickets/{id}`).
    values: HashMap<String, String>,
    /// Every id made, by what it is: none may reach another organisation.
    pub ids: Vec<(&'static str, String)>,
    pub person: String,
    pub consent: String,
    pub category: String,
}

impl Fixtures {
    /// The value of the parameter that follows `segment` in a path.
    pub fn value(&self, segment: &str) -> Option<&str> {
        self.values.get(segment).map(String::as_str)
    }

    pub async fn create(app: &TestApp) -> Fixtures {
        let token = |role: &str| app.token(CONTROLLER, &[role], MEMBER);
        let (requester, agent, admin, dpo) = (
            token("requester"),
            token("agent"),
            token("admin"),
            token("dpo"),
        );
        let desk = app.token(CONTROLLER, &["agent"], "matrix-desk");
        // The other organisation's member has a record of their own, for `/people/me`.
        app.record_person(OTHER, MEMBER, json!({})).await;
        let person = app.record_person(CONTROLLER, MEMBER, json!({})).await;

        // A ticket of the member's, commented on, closed and its survey answered on consent.
        let ticket = text(
            &app.create_ticket(&requester, &incident("Printer jams"))
                .await,
            "id",
        );
        let comment = created(
            app,
            &requester,
            &comments_path(&ticket),
            &json!({"body": "Still jamming"}),
        )
        .await;
        for status in ["open", "resolved", "closed"] {
            app.update_ticket(&desk, &ticket, &json!({"status": status}))
                .await;
        }
        let purposes = app
            .list(&Kind::Purpose.collection(), &dpo, &[("limit", "500")])
            .await;
        let surveys = purposes
            .iter()
            .find(|p| p["name"] == "Satisfaction surveys")
            .map(|p| text(p, "id"))
            .expect("the seeded register has the surveys purpose");
        let consent = created(
            app,
            &requester,
            "/api/v1/consents",
            &json!({"purpose_id": surveys}),
        )
        .await;
        let answer = json_body(
            app.put_json(
                &format!("{}/survey", ticket_path(&ticket)),
                Some(&requester),
                &json!({"consent_id": consent, "rating": 4}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;

        // Adjustments recorded, and the member (as agent) granted reading them.
        json_body(
            app.put_json(
                &format!("{PEOPLE}/{person}/adjustments"),
                Some(&dpo),
                &adjustments(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        let granted = app
            .put_json(
                &format!("/api/v1/adjustment-readers/{MEMBER}"),
                Some(&dpo),
                &json!({}),
            )
            .await;
        assert!(granted.status().is_success(), "grant: {}", granted.status());

        let account = created(
            app,
            &agent,
            "/api/v1/accounts",
            &json!({"person_id": person, "kind": "network", "system": "Active Directory",
                    "identifier": "matrix-1"}),
        )
        .await;
        let asset = created(
            app,
            &agent,
            "/api/v1/assets",
            &json!({"kind": "laptop", "tag": "MATRIX-1"}),
        )
        .await;
        let assignment = created(
            app,
            &agent,
            &format!("/api/v1/assets/{asset}/assignments"),
            &json!({"person_id": person}),
        )
        .await;

        // One entry of each kind in the register, and the processor's agreement.
        let category = created(
            app,
            &admin,
            &Kind::DataCategory.collection(),
            &category_body("Matrix contact details"),
        )
        .await;
        let mut values: HashMap<String, String> = HashMap::new();
        let mut ids = Vec::new();
        for kind in KINDS {
            let id = match kind {
                Kind::DataCategory => category.clone(),
                _ => {
                    let body = kind.body("Matrix entry", &category);
                    created(app, &admin, &kind.collection(), &body).await
                }
            };
            let collection = kind.collection();
            let segment = collection.rsplit('/').next().unwrap_or_default();
            values.insert(segment.to_owned(), id.clone());
            ids.push(("register entry", id));
        }
        // The member (as agent) granted the disclosures log in their organisation and in the
        // other one, and one disclosure about them to the register's recipient.
        for org in [CONTROLLER, OTHER] {
            let granted = app
                .put_json(
                    &format!("/api/v1/disclosure-recorders/{MEMBER}"),
                    Some(&app.token(org, &["dpo"], "matrix-dpo")),
                    &json!({}),
                )
                .await;
            assert!(granted.status().is_success(), "grant: {}", granted.status());
        }
        let disclosure = created(
            app,
            &dpo,
            "/api/v1/disclosures",
            &json!({"person_id": person, "recipient_id": values["recipients"],
                    "disclosed_at": chrono::Utc::now().to_rfc3339(), "basis": "court_order",
                    "data_categories": [category], "description": "Contact details",
                    "reference": "MATRIX-1"}),
        )
        .await;
        values.insert("disclosures".to_owned(), disclosure.clone());
        ids.push(("disclosure", disclosure));
        // A request the member made for themselves.
        let rights_request = created(
            app,
            &requester,
            "/api/v1/rights-requests",
            &json!({"right": "access"}),
        )
        .await;
        values.insert("rights-requests".to_owned(), rights_request.clone());
        ids.push(("rights request", rights_request));
        // A retention sweep: no one of the controller is due, so it does nothing but report.
        let sweep = app
            .post_json(
                "/api/v1/retention/sweeps",
                Some(&dpo),
                &json!({"dry_run": false}),
            )
            .await;
        let sweep = text(&json_body(sweep, StatusCode::ACCEPTED).await, "id");
        values.insert("sweeps".to_owned(), sweep.clone());
        ids.push(("retention sweep", sweep));
        // A legal hold on the member.
        let legal_hold = created(
            app,
            &dpo,
            "/api/v1/legal-holds",
            &json!({"person_id": person, "reason": "Matrix claim"}),
        )
        .await;
        values.insert("legal-holds".to_owned(), legal_hold.clone());
        ids.push(("legal hold", legal_hold));
        // A restriction of another person's processing (Art 18(1)(a)), logged by the DPO: the
        // member's own records stay unrestricted for every other cell.
        let restricted = app.record_person(CONTROLLER, RESTRICTED, json!({})).await;
        let placing = created(
            app,
            &dpo,
            "/api/v1/rights-requests",
            &json!({"right": "restriction", "person_id": restricted, "channel": "email",
                    "restriction_ground": "a"}),
        )
        .await;
        let restriction = json_body(
            app.get(
                &format!("/api/v1/rights-requests/{placing}/restriction"),
                Some(&dpo),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        let restriction = text(&restriction["restriction"], "id");
        values.insert("restrictions".to_owned(), restriction.clone());
        ids.push(("restriction", restriction));

        let purpose = values["purposes"].clone();
        let agreement = processor_in_force(app, CONTROLLER, PROCESSOR, &purpose).await;
        processor_proposed(app, CONTROLLER, PROPOSED_PROCESSOR, &purpose).await;

        let notices = app.list("/api/v1/privacy-notices", &dpo, &[]).await;
        let version = notices
            .first()
            .map(|n| n["version"].to_string())
            .expect("the seed publishes a notice");

        for (segment, value) in [
            ("tickets", ticket.clone()),
            ("accounts", account.clone()),
            ("assets", asset.clone()),
            ("assignments", assignment.clone()),
            ("people", person.clone()),
            ("consents", consent.clone()),
            ("processing-agreements", agreement.clone()),
            ("organisations", CONTROLLER.to_owned()),
            ("privacy-notices", version),
            ("adjustment-readers", READER.to_owned()),
            ("disclosure-recorders", RECORDER.to_owned()),
        ] {
            values.insert(segment.to_owned(), value);
        }
        ids.extend([
            ("ticket", ticket),
            ("comment", comment),
            ("survey answer", text(&answer, "id")),
            ("account", account),
            ("asset", asset),
            ("assignment", assignment),
            ("person", person.clone()),
            ("consent", consent.clone()),
            ("processing agreement", agreement),
        ]);
        Fixtures {
            values,
            ids,
            person,
            consent,
            category,
        }
    }
}

/// Puts `processor` under an agreement in force with `controller` for `purpose`, made by the
/// controller's admin; returns the agreement's id. The one place the matrix makes a processor.
pub async fn processor_in_force(
    app: &TestApp,
    controller: &str,
    processor: &str,
    purpose: &str,
) -> String {
    let keeper = app.token(controller, &["admin"], "matrix-keeper");
    let accepter = app.token(processor, &["admin"], "matrix-keeper");
    let agreement = agreement(processor, purpose);
    text(
        &record_agreement(app, &keeper, &accepter, &agreement).await,
        "id",
    )
}

/// An agreement the controller proposed to `processor`, which the processor has not accepted:
/// it binds no one yet.
pub async fn processor_proposed(app: &TestApp, controller: &str, processor: &str, purpose: &str) {
    let keeper = app.token(controller, &["admin"], "matrix-keeper");
    created(app, &keeper, AGREEMENTS, &agreement(processor, purpose)).await;
}

/// An agreement with `processor` for `purpose`, in force from today.
pub fn agreement(processor: &str, purpose: &str) -> Value {
    json!({
        "processor": processor,
        "purposes": [purpose],
        "processing": "Runs the service desk on the controller's instructions",
        "starts_on": day(0),
    })
}

pub fn adjustments() -> Value {
    json!({"reasonable_adjustments": "Large monitor", "condition": "b"})
}

/// POSTs `body`; fails unless 201; returns the new id.
async fn created(app: &TestApp, token: &str, path: &str, body: &Value) -> String {
    text(
        &json_body(
            app.post_json(path, Some(token), body).await,
            StatusCode::CREATED,
        )
        .await,
        "id",
    )
}
