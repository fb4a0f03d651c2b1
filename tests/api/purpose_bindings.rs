//! Purpose bindings: the register says which purpose governs each kind of desk record. Unbound
//! and ambiguous bindings are lints; a ticket flagged as holding special category data needs
//! an Art 9(2) condition on its purpose; and a person's processing is answered purpose by
//! purpose from the bindings.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

const LINTS: &str = "/api/v1/register/lints";
const ROPA: &str = "/api/v1/ropa";
const ACCOUNTS: &str = "/api/v1/accounts";
const CONSENTS: &str = "/api/v1/consents";
const EVENTS: &str = "/api/v1/audit-events";

fn processing_path(person: &str) -> String {
    format!("{PEOPLE}/{person}/processing")
}

async fn lints(app: &TestApp, token: &str) -> Vec<Value> {
    items(&json_body(app.get(LINTS, Some(token)).await, StatusCode::OK).await)
}

/// The binding lints of a report: (code, record kind, ticket category or "").
fn binding_lints(report: &[Value]) -> Vec<(String, String, String)> {
    report
        .iter()
        .filter(|l| l["entity"]["kind"] == "record_kind")
        .map(|l| {
            (
                text(l, "code"),
                text(&l["entity"], "record_kind"),
                l["entity"]["ticket_category"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

/// A purpose on the employment contract holding a plain category, governing `governs`.
async fn purpose_governing(k: &Keepers, name: &str, governs: Value) -> Value {
    let category = k
        .create_id(
            Kind::DataCategory,
            &category_body(&format!("{name} details")),
        )
        .await;
    let mut body = purpose_body(name, &[&category]);
    body["governs"] = governs;
    k.create(Kind::Purpose, &body).await
}

// ---------------------------------------------------------------------------------------------
// Lints

#[tokio::test]
async fn a_record_kind_holding_personal_data_with_no_purpose_is_a_lint_error() {
    let k = Keepers::spawn().await;
    let report = lints(&k.app, &k.auditor).await;
    let ticket = report
        .iter()
        .find(|l| l["entity"] == json!({"kind": "record_kind", "record_kind": "ticket"}))
        .expect("tickets are unbound");
    assert_eq!(ticket["code"], "unbound_record_kind");
    assert_eq!(ticket["severity"], "error");
    assert_eq!(ticket["article"], "Art 6(1), 30(1)(b)");
    let unbound: Vec<String> = binding_lints(&report).into_iter().map(|l| l.1).collect();
    for kind in [
        "person",
        "account",
        "consent",
        "survey_answer",
        "audit_event",
    ] {
        assert!(unbound.contains(&kind.to_owned()), "{kind}: {unbound:?}");
    }
    // Kinds holding no personal data, or governed as their parent's rows, need no binding.
    for kind in ["asset", "ticket_comment", "organisation", "account_change"] {
        assert!(!unbound.contains(&kind.to_owned()), "{kind}: {unbound:?}");
    }

    // Complaints bound: tickets are now linted category by category, complaints clear.
    purpose_governing(
        &k,
        "Complaints",
        json!([{"record_kind": "ticket", "ticket_categories": ["complaint"]}]),
    )
    .await;
    let tickets: Vec<_> = binding_lints(&lints(&k.app, &k.auditor).await)
        .into_iter()
        .filter(|l| l.1 == "ticket")
        .collect();
    assert_eq!(tickets.len(), 6, "{tickets:?}");
    assert!(tickets.iter().all(|l| l.0 == "unbound_record_kind"));
    assert!(!tickets.iter().any(|l| l.2 == "complaint"));

    // A purpose for every ticket takes the rest; a second naming complaints makes them
    // ambiguous.
    purpose_governing(&k, "Support", json!([{"record_kind": "ticket"}])).await;
    purpose_governing(
        &k,
        "Grievances",
        json!([{"record_kind": "ticket", "ticket_categories": ["complaint"]}]),
    )
    .await;
    let report = lints(&k.app, &k.auditor).await;
    let tickets: Vec<_> = binding_lints(&report)
        .into_iter()
        .filter(|l| l.1 == "ticket")
        .collect();
    assert_eq!(
        tickets,
        [(
            "ambiguous_binding".to_owned(),
            "ticket".to_owned(),
            "complaint".to_owned()
        )]
    );
    let ambiguous = report
        .iter()
        .find(|l| l["code"] == "ambiguous_binding")
        .expect("an ambiguous binding");
    assert_eq!(ambiguous["severity"], "error");
    assert!(
        text(ambiguous, "message").contains("\"Complaints\", \"Grievances\""),
        "{ambiguous}"
    );

    // Binding assets, which hold no personal data, decides nothing: a warning on the purpose.
    let inventory = purpose_governing(&k, "Inventory", json!([{"record_kind": "asset"}])).await;
    let report = lints(&k.app, &k.auditor).await;
    let needless = report
        .iter()
        .find(|l| l["code"] == "binding_without_effect")
        .expect("a binding without effect");
    assert_eq!(needless["severity"], "warning");
    assert_eq!(
        needless["entity"],
        json!({"kind": "purpose", "id": text(&inventory, "id")})
    );

    // Reasonable adjustments are health data: the purpose governing them needs an Art 9(2)
    // condition, and this one (on the employment contract alone) has none.
    purpose_governing(&k, "Support needs", json!([{"record_kind": "adjustment"}])).await;
    let report = lints(&k.app, &k.auditor).await;
    let adjustments: Vec<_> = binding_lints(&report)
        .into_iter()
        .filter(|l| l.1 == "adjustment")
        .collect();
    assert_eq!(
        adjustments,
        [(
            "special_category_without_condition".to_owned(),
            "adjustment".to_owned(),
            String::new()
        )]
    );
    let lint = report
        .iter()
        .find(|l| l["code"] == "special_category_without_condition")
        .expect("the Art 9 lint");
    assert_eq!(lint["severity"], "error");
    assert_eq!(lint["article"], "Art 9(1), 9(2)");
}

#[tokio::test]
async fn the_demo_registers_bind_every_kind_holding_personal_data() {
    let app = spawn_seeded_app().await;
    for org in [CABINET_OFFICE, DEVON, DERBY] {
        let auditor = app.token(org, &["auditor"], "auditor-1");
        assert_eq!(
            binding_lints(&lints(&app, &auditor).await),
            Vec::<(String, String, String)>::new(),
            "{org}"
        );
    }
}

#[tokio::test]
async fn bindings_are_checked_versioned_and_shown_in_the_record() {
    let k = Keepers::spawn().await;
    let category = k
        .create_id(Kind::DataCategory, &category_body("Name"))
        .await;
    let mut body = purpose_body("User accounts", &[&category]);
    for governs in [
        json!([{"record_kind": "account", "ticket_categories": ["complaint"]}]),
        json!([{"record_kind": "account"}, {"record_kind": "account"}]),
    ] {
        body["governs"] = governs;
        let response = k
            .app
            .post_json(&Kind::Purpose.collection(), Some(&k.admin), &body)
            .await;
        let problem = problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, "governs").await;
        assert!(text(&problem, "detail").contains("governs"), "{problem}");
    }
    body["governs"] = json!([{"record_kind": "laptop"}]);
    let response = k
        .app
        .post_json(&Kind::Purpose.collection(), Some(&k.admin), &body)
        .await;
    let problem = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        fields(&problem).iter().any(|f| f.starts_with("governs")),
        "{problem}"
    );

    body["governs"] = json!([{"record_kind": "account"}]);
    let created = k.create(Kind::Purpose, &body).await;
    assert_eq!(
        created["governs"],
        json!([{"record_kind": "account", "ticket_categories": []}])
    );
    let id = text(&created, "id");
    body["governs"] = json!([{"record_kind": "account"}, {"record_kind": "person"}]);
    let response = k
        .app
        .put_if_match(&k.admin, &Kind::Purpose.item(&id), "\"1\"", &body)
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    // The change history keeps both versions of the binding.
    let changes = k
        .app
        .list("/api/v1/register/changes", &k.auditor, &[("entry_id", &id)])
        .await;
    assert_eq!(changes.len(), 2);
    assert_eq!(
        changes[1]["before"]["governs"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(
        changes[1]["after"]["governs"].as_array().map(Vec::len),
        Some(2)
    );

    // The Art 30 record shows what the purpose governs.
    let record = json_body(k.app.get(ROPA, Some(&k.auditor)).await, StatusCode::OK).await;
    let purposes = record["controller"]["purposes"]
        .as_array()
        .expect("purposes");
    let governs: Vec<&Value> = purposes.iter().map(|p| &p["governs"]).collect();
    assert_eq!(
        governs,
        [&json!([
            {"record_kind": "account", "ticket_categories": []},
            {"record_kind": "person", "ticket_categories": []}
        ])]
    );
}

// ---------------------------------------------------------------------------------------------
// Art 9 at write time

#[tokio::test]
async fn a_special_category_ticket_is_refused_unless_its_purpose_has_an_art_9_condition() {
    let app = spawn_seeded_app().await;
    let body = json!({
        "kind": "incident",
        "category": "it_system",
        "title": "Screen reader stopped working",
        "requester": "staff-1",
        "contains_special_category": true,
    });
    // Devon's support tickets rest on public task with no Art 9(2) condition.
    let devon = app.token(DEVON, &["agent"], "devon-agent");
    let response = app.post_json(TICKETS, Some(&devon), &body).await;
    let refusal = problem_naming(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "contains_special_category",
    )
    .await;
    let message = text(&refusal["errors"][0], "message");
    assert!(message.starts_with("Art 9(1)"), "{message}");
    assert!(message.contains("\"Support tickets\""), "{message}");
    assert!(!message.contains("Screen reader"), "{message}");
    // Nothing was stored.
    assert!(app.list(TICKETS, &devon, &[]).await.is_empty());

    // The Cabinet Office's IT requests and incidents hold health details under Art 9(2)(b).
    let cabinet = app.token(CABINET_OFFICE, &["agent"], "co-agent");
    let ticket = app.create_ticket(&cabinet, &body).await;
    assert_eq!(ticket["contains_special_category"], true);

    // Unflagged, Devon raises it.
    let mut plain = body.clone();
    plain["contains_special_category"] = json!(false);
    let ticket = app.create_ticket(&devon, &plain).await;
    // Setting the flag later is the same refusal.
    let response = app
        .patch_json(
            &ticket_path(&text(&ticket, "id")),
            Some(&devon),
            &json!({"contains_special_category": true}),
        )
        .await;
    problem_naming(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "contains_special_category",
    )
    .await;
    assert_eq!(
        app.ticket(&devon, &text(&ticket, "id")).await["contains_special_category"],
        false
    );
}

#[tokio::test]
async fn moving_a_flagged_ticket_to_another_category_checks_its_purpose_again() {
    let k = Keepers::spawn().await;
    // IT system tickets under a purpose with an Art 9(2) condition; every other category under
    // one without.
    let health = govern_tickets_with_art_9(&k.app, ORG).await;
    let mut narrowed = health.clone();
    narrowed["governs"] = json!([{"record_kind": "ticket", "ticket_categories": ["it_system"]}]);
    for field in ["id", "version", "created_at", "updated_at", "rights"] {
        narrowed.as_object_mut().map(|o| o.remove(field));
    }
    let path = Kind::Purpose.item(&text(&health, "id"));
    let response = k
        .app
        .put_if_match(&k.admin, &path, "\"1\"", &narrowed)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    purpose_governing(&k, "Support", json!([{"record_kind": "ticket"}])).await;

    let agent = k.app.token(ORG, &["agent"], "agent-1");
    let ticket = k
        .app
        .create_ticket(
            &agent,
            &json!({"kind": "incident", "category": "it_system", "title": "Magnifier",
                    "requester": "alice", "contains_special_category": true}),
        )
        .await;
    let path = ticket_path(&text(&ticket, "id"));
    let response = k
        .app
        .patch_json(&path, Some(&agent), &json!({"category": "complaint"}))
        .await;
    let refusal = problem_naming(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "contains_special_category",
    )
    .await;
    assert!(
        text(&refusal["errors"][0], "message").contains("complaint"),
        "{refusal}"
    );
    // Clearing the flag with the move is allowed; other changes never trip the check.
    let moved = k
        .app
        .update_ticket(
            &agent,
            &text(&ticket, "id"),
            &json!({"category": "complaint", "contains_special_category": false}),
        )
        .await;
    assert_eq!(moved["category"], "complaint");
    let ticket = k
        .app
        .create_ticket(
            &agent,
            &json!({"kind": "incident", "category": "it_system", "title": "Braille display",
                    "requester": "alice", "contains_special_category": true}),
        )
        .await;
    let updated = k
        .app
        .update_ticket(&agent, &text(&ticket, "id"), &json!({"priority": "high"}))
        .await;
    assert_eq!(updated["contains_special_category"], true);
}

// ---------------------------------------------------------------------------------------------
// A person's processing

/// The Cabinet Office with a member of staff, `alice`, who has raised a ticket, consented to
/// surveys and holds an account.
struct Staffed {
    app: TestApp,
    alice: String,
    alice_id: String,
    dpo: String,
}

async fn staffed() -> Staffed {
    let app = spawn_seeded_app().await;
    let alice_id = app.record_person(CABINET_OFFICE, "alice", json!({})).await;
    let alice = app.token(CABINET_OFFICE, &["requester"], "alice");
    app.create_ticket(&alice, &incident("Printer jams")).await;
    let surveys = seed_id(0x1_1005);
    let response = app
        .post_json(CONSENTS, Some(&alice), &json!({"purpose_id": surveys}))
        .await;
    json_body(response, StatusCode::CREATED).await;
    let agent = app.token(CABINET_OFFICE, &["agent"], "co-agent");
    let response = app
        .post_json(
            ACCOUNTS,
            Some(&agent),
            &json!({"person_id": alice_id, "kind": "network", "system": "Active Directory",
                    "identifier": "abloggs"}),
        )
        .await;
    json_body(response, StatusCode::CREATED).await;
    Staffed {
        dpo: app.token(CABINET_OFFICE, &["dpo"], "co-dpo"),
        app,
        alice,
        alice_id,
    }
}

/// Each purpose's name, with what it holds as "kind" or "ticket:category".
fn purposes_held(answer: &Value) -> Vec<(String, Vec<String>)> {
    answer["purposes"]
        .as_array()
        .expect("purposes")
        .iter()
        .map(|p| {
            let holds = p["holds"]
                .as_array()
                .expect("holds")
                .iter()
                .map(|h| match h["ticket_category"].as_str() {
                    Some(category) => format!("{}:{category}", text(h, "record_kind")),
                    None => text(h, "record_kind"),
                })
                .collect();
            (text(p, "name"), holds)
        })
        .collect()
}

#[tokio::test]
async fn a_persons_processing_names_each_purpose_holding_their_data_with_its_facts() {
    let s = staffed().await;
    let response = s.app.get(&processing_path(&s.alice_id), Some(&s.dpo)).await;
    let answer = json_body(response, StatusCode::OK).await;
    assert_eq!(answer["person_id"], s.alice_id);
    let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        purposes_held(&answer),
        [
            (
                "IT requests and incidents".to_owned(),
                strings(&["ticket:it_system"])
            ),
            // Their record, its change history, and their account.
            (
                "User accounts".to_owned(),
                strings(&["person", "person_change", "account"])
            ),
            // Their trail: the audit events about them.
            (
                "Access to government data".to_owned(),
                strings(&["audit_event"])
            ),
            ("Satisfaction surveys".to_owned(), strings(&["consent"])),
        ]
    );
    assert_eq!(answer["ungoverned"], json!([]));
    // The same once the trail is filed by subject: the events are found through the postings.
    s.app.file_audit_events_by_subject().await;
    let filed = s.app.get(&processing_path(&s.alice_id), Some(&s.dpo)).await;
    assert_eq!(
        purposes_held(&json_body(filed, StatusCode::OK).await),
        purposes_held(&answer)
    );

    // The facts of Art 15(1): basis and Art 9 condition, categories, recipients, transfers,
    // retention, source, rights, automated decisions.
    let support = &answer["purposes"][0];
    assert_eq!(
        support["description"].as_str().map(str::is_empty),
        Some(false)
    );
    assert_eq!(support["lawful_basis"]["article"], "Art 6(1)(b)");
    assert_eq!(
        support["special_category_condition"]["article"],
        "Art 9(2)(b)"
    );
    assert!(
        support["personal_data_categories"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c["special"] == true))
    );
    assert_eq!(support["recipients"].as_array().map(Vec::len), Some(2));
    assert_eq!(support["transfers"][0]["mechanism"], "legacy_model_clauses");
    assert_eq!(support["retention"]["period"], "P1Y");
    assert_eq!(support["source"]["from_data_subject"], true);
    assert_eq!(support["automated_decision_making"], false);
    assert!(
        support["rights"]
            .as_array()
            .is_some_and(|r| r.iter().any(|r| r["right"] == "access"))
    );
    let surveys = &answer["purposes"][3];
    assert_eq!(surveys["lawful_basis"]["basis"], "a");
    assert!(
        surveys["rights"]
            .as_array()
            .is_some_and(|r| r.iter().any(|r| r["right"] == "withdraw_consent"))
    );

    // The person asks for their own, and reads the same purposes.
    let own = json_body(
        s.app
            .get(&format!("{PEOPLE}/me/processing"), Some(&s.alice))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(purposes_held(&own), purposes_held(&answer));
    let theirs = json_body(
        s.app
            .get(&processing_path(&s.alice_id), Some(&s.alice))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(purposes_held(&theirs), purposes_held(&answer));
}

#[tokio::test]
async fn reading_a_persons_processing_is_audited() {
    let s = staffed().await;
    let response = s.app.get(&processing_path(&s.alice_id), Some(&s.dpo)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let events = s
        .app
        .list(
            EVENTS,
            &s.dpo,
            &[
                ("subject", &s.alice_id),
                ("operation", "read"),
                ("actor", "co-dpo"),
            ],
        )
        .await;
    assert!(
        events
            .iter()
            .any(|e| e["record_kind"] == "person" && e["record_id"] == s.alice_id),
        "{events:?}"
    );
}

#[tokio::test]
async fn a_persons_processing_needs_a_token_a_role_and_the_person() {
    let s = staffed().await;
    let path = processing_path(&s.alice_id);
    problem(s.app.get(&path, None).await, StatusCode::UNAUTHORIZED).await;
    problem(
        s.app.get(&format!("{PEOPLE}/me/processing"), None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    // Administrators and auditors have no need to read it.
    for role in ["admin", "auditor"] {
        let token = s.app.token(CABINET_OFFICE, &[role], "someone");
        problem(s.app.get(&path, Some(&token)).await, StatusCode::FORBIDDEN).await;
    }
    // Agents and integrators read anyone's.
    for role in ["agent", "integrator"] {
        let token = s.app.token(CABINET_OFFICE, &[role], "someone");
        assert_eq!(
            s.app.get(&path, Some(&token)).await.status(),
            StatusCode::OK
        );
    }
    // A colleague is told nothing, as for a person who does not exist.
    let bob = s.app.token(CABINET_OFFICE, &["requester"], "bob");
    problem(s.app.get(&path, Some(&bob)).await, StatusCode::NOT_FOUND).await;
    let nobody = processing_path("0190a5a8-0000-7000-8000-000000000000");
    problem(
        s.app.get(&nobody, Some(&s.dpo)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // Another organisation's DPO finds no such person.
    let devon = s.app.token(DEVON, &["dpo"], "devon-dpo");
    problem(s.app.get(&path, Some(&devon)).await, StatusCode::NOT_FOUND).await;
    // A caller with no record of their own.
    problem(
        s.app
            .get(&format!("{PEOPLE}/me/processing"), Some(&bob))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // A malformed id names the parameter.
    let response = s
        .app
        .get(&processing_path("not-a-uuid"), Some(&s.dpo))
        .await;
    problem_naming(response, StatusCode::BAD_REQUEST, "id").await;
}
