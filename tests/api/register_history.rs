//! The register's memory: every change with who made it and the entry before and after, the
//! register read as it stood at any past moment (`as_of`), and the lints of what is lawful to
//! store but wrong under today's law, now and then.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use reqwest::header::IF_MATCH;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

fn changes_path() -> String {
    format!("{REGISTER}/changes")
}

fn lints_path() -> String {
    format!("{REGISTER}/lints")
}

/// A moment strictly between what happened before the call and what happens after it: the
/// server stamps writes to the microsecond, so a few milliseconds either side keep them apart.
async fn moment() -> String {
    tokio::time::sleep(Duration::from_millis(5)).await;
    let now = Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true);
    tokio::time::sleep(Duration::from_millis(5)).await;
    now
}

/// The entry a response describes, as the register stores it: without version, times or rights.
fn entry_of(dto: &Value) -> Value {
    let mut entry = dto.clone();
    let object = entry.as_object_mut().expect("an entry is an object");
    for field in ["version", "created_at", "updated_at", "rights"] {
        object.remove(field);
    }
    entry
}

impl Keepers {
    async fn replace(
        &self,
        token: &str,
        kind: Kind,
        id: &str,
        tag: &str,
        body: &Value,
    ) -> Response {
        self.app
            .put_if_match(token, &kind.item(id), tag, body)
            .await
    }

    async fn changes(&self, query: &[(&str, &str)]) -> Vec<Value> {
        self.app.list(&changes_path(), &self.auditor, query).await
    }

    /// A GET of `path` at `as_of`.
    async fn get_as_of(&self, path: &str, as_of: &str) -> Response {
        send(
            self.app
                .request(Method::GET, path, Some(&self.auditor))
                .query(&[("as_of", as_of)]),
        )
        .await
    }

    async fn list_as_of(&self, kind: Kind, as_of: &str) -> Vec<Value> {
        self.app
            .list(&kind.collection(), &self.auditor, &[("as_of", as_of)])
            .await
    }
}

/// The `code`s of a lint report.
fn codes(report: &[Value]) -> Vec<String> {
    report.iter().map(|lint| text(lint, "code")).collect()
}

/// The lints about register entries, leaving out those about record kinds left unbound (a
/// register built entry by entry here binds nothing; `purpose_bindings.rs` tests those).
fn entry_lints(report: Vec<Value>) -> Vec<Value> {
    report
        .into_iter()
        .filter(|lint| lint["entity"]["kind"] != "record_kind")
        .collect()
}

async fn lints(app: &TestApp, token: &str, query: &[(&str, &str)]) -> Vec<Value> {
    let response = send(
        app.request(Method::GET, &lints_path(), Some(token))
            .query(query),
    )
    .await;
    let report = json_body(response, StatusCode::OK).await;
    assert!(report.get("next_cursor").is_none(), "{report}");
    items(&report)
}

// ---------------------------------------------------------------------------------------------
// Changes

#[tokio::test]
async fn register_history_records_who_created_updated_and_deleted_an_entry() {
    let k = Keepers::spawn().await;
    let created = k.create(Kind::DataCategory, &category_body("Name")).await;
    let id = text(&created, "id");
    let mut changed = category_body("Name");
    changed["description"] = json!("Names as the HR system holds them");
    let response = k
        .replace(&k.dpo, Kind::DataCategory, &id, "\"1\"", &changed)
        .await;
    let replaced = json_body(response, StatusCode::OK).await;
    let response = send(
        k.app
            .request(
                Method::DELETE,
                &Kind::DataCategory.item(&id),
                Some(&k.admin),
            )
            .header(IF_MATCH, "\"2\""),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let history = k.changes(&[("entry_id", &id)]).await;
    assert_eq!(history.len(), 3, "{history:?}");
    let expected = [
        (
            1,
            "created",
            "keeper-1",
            json!(null),
            entry_of(&created),
            &created["created_at"],
        ),
        (
            2,
            "updated",
            "dpo-7",
            entry_of(&created),
            entry_of(&replaced),
            &replaced["updated_at"],
        ),
        (
            3,
            "deleted",
            "keeper-1",
            entry_of(&replaced),
            json!(null),
            &json!(null),
        ),
    ];
    for (change, (version, action, actor, before, after, at)) in history.iter().zip(&expected) {
        assert_eq!(change["kind"], "data_category", "{change}");
        assert_eq!(change["entry_id"], json!(id), "{change}");
        assert_eq!(change["version"], *version, "{change}");
        assert_eq!(change["action"], *action, "{change}");
        assert_eq!(change["actor"], by_account(actor), "{change}");
        assert_eq!(change["actor_organisation"], ORG, "{change}");
        assert_eq!(&change["before"], before, "{change}");
        assert_eq!(&change["after"], after, "{change}");
        assert!(change["at"].is_string(), "{change}");
        if !at.is_null() {
            assert_eq!(&change["at"], *at, "{change}");
        }
    }
    assert_eq!(history[1]["after"]["description"], changed["description"]);
    let change_ids: HashSet<String> = ids(&history).into_iter().collect();
    assert_eq!(change_ids.len(), 3, "each change has its own id");
    let ats: Vec<String> = history.iter().map(|c| text(c, "at")).collect();
    let mut sorted = ats.clone();
    sorted.sort();
    assert_eq!(ats, sorted, "oldest first");
}

#[tokio::test]
async fn register_history_filters_by_kind_and_entry() {
    let k = Keepers::spawn().await;
    let category = k
        .create_id(Kind::DataCategory, &category_body("Name"))
        .await;
    let recipient = k
        .create_id(Kind::Recipient, &recipient_body("IT supplier"))
        .await;
    let purpose = k
        .create_id(Kind::Purpose, &purpose_body("User accounts", &[&category]))
        .await;
    let response = k
        .replace(
            &k.admin,
            Kind::Recipient,
            &recipient,
            "\"1\"",
            &recipient_body("Hardware supplier"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let all = k.changes(&[]).await;
    let seen: Vec<(String, String, String)> = all
        .iter()
        .map(|c| (text(c, "kind"), text(c, "entry_id"), text(c, "action")))
        .collect();
    let expected = [
        ("data_category", &category, "created"),
        ("recipient", &recipient, "created"),
        ("purpose", &purpose, "created"),
        ("recipient", &recipient, "updated"),
    ]
    .map(|(kind, id, action)| (kind.to_owned(), id.clone(), action.to_owned()));
    assert_eq!(seen, expected);

    let of_recipients = k.changes(&[("kind", "recipient")]).await;
    assert_eq!(of_recipients, [all[1].clone(), all[3].clone()]);
    assert_eq!(k.changes(&[("kind", "purpose")]).await, [all[2].clone()]);
    assert_eq!(
        k.changes(&[("kind", "data_category")]).await,
        [all[0].clone()]
    );
    assert!(k.changes(&[("kind", "transfer")]).await.is_empty());
    assert_eq!(k.changes(&[("entry_id", &recipient)]).await, of_recipients);
    assert_eq!(
        k.changes(&[("kind", "recipient"), ("entry_id", &recipient)])
            .await,
        of_recipients
    );
    assert!(
        k.changes(&[("kind", "recipient"), ("entry_id", &category)])
            .await
            .is_empty()
    );

    for (name, value) in [
        ("kind", "widget"),
        ("kind", "purposes"),
        ("kind", ""),
        ("entry_id", "not-a-uuid"),
        ("cursor", "nope"),
        ("limit", "0"),
        ("limit", "501"),
    ] {
        let response = send(
            k.app
                .request(Method::GET, &changes_path(), Some(&k.auditor))
                .query(&[(name, value)]),
        )
        .await;
        let refused = problem_naming(response, StatusCode::BAD_REQUEST, name).await;
        assert!(
            text(&refused, "type").ends_with("/invalid-parameters"),
            "{refused}"
        );
    }
}

#[tokio::test]
async fn register_history_pages_through_every_change_once() {
    let k = Keepers::spawn().await;
    let mut made = Vec::new();
    for n in 0..5 {
        made.push(
            k.create_id(Kind::Recipient, &recipient_body(&format!("Supplier {n}")))
                .await,
        );
    }
    let pages = k.app.list_all(&changes_path(), &k.auditor, 2).await;
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [2, 2, 1]);
    let changes: Vec<Value> = pages.into_iter().flatten().collect();
    let entries: Vec<String> = changes.iter().map(|c| text(c, "entry_id")).collect();
    assert_eq!(entries, made, "every change once, oldest first");
    let unique: HashSet<String> = ids(&changes).into_iter().collect();
    assert_eq!(unique.len(), 5);

    // Filters and pages combine.
    let path = format!("{}?kind=recipient", changes_path());
    let pages = k.app.list_all(&path, &k.auditor, 4).await;
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [4, 1]);
}

#[tokio::test]
async fn register_history_records_nothing_for_refused_or_idle_writes() {
    let k = Keepers::spawn().await;
    let body = recipient_body("IT supplier");
    let id = k.create_id(Kind::Recipient, &body).await;

    // The same body again changes nothing.
    let response = k
        .replace(&k.admin, Kind::Recipient, &id, "\"1\"", &body)
        .await;
    assert_eq!(etag_of(&response), "\"1\"");
    // A stale tag, a breach of the rules, an auditor: refused.
    let response = k
        .replace(
            &k.admin,
            Kind::Recipient,
            &id,
            "\"5\"",
            &recipient_body("Other"),
        )
        .await;
    problem(response, StatusCode::PRECONDITION_FAILED).await;
    let response = k
        .replace(
            &k.admin,
            Kind::Recipient,
            &id,
            "\"1\"",
            &recipient_body("  "),
        )
        .await;
    problem_naming(response, StatusCode::UNPROCESSABLE_ENTITY, "name").await;
    let response = k
        .replace(
            &k.auditor,
            Kind::Recipient,
            &id,
            "\"1\"",
            &recipient_body("Other"),
        )
        .await;
    problem(response, StatusCode::FORBIDDEN).await;
    // A purpose refused, and an entry in use left in place.
    let category = k
        .create_id(Kind::DataCategory, &category_body("Name"))
        .await;
    let mut purpose = purpose_body("Support", &[&category]);
    purpose["lawful_basis"] = json!("f");
    let response = k
        .app
        .post_json(&Kind::Purpose.collection(), Some(&k.admin), &purpose)
        .await;
    problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    purpose["lawful_basis"] = json!("b");
    purpose["recipients"] = json!([id]);
    k.create(Kind::Purpose, &purpose).await;
    let response = k
        .app
        .delete(&Kind::Recipient.item(&id), Some(&k.admin))
        .await;
    problem(response, StatusCode::CONFLICT).await;

    let history = k.changes(&[("entry_id", &id)]).await;
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0]["action"], "created");
    let purposes = k.changes(&[("kind", "purpose")]).await;
    assert_eq!(purposes.len(), 1, "only the purpose stored: {purposes:?}");
}

#[tokio::test]
async fn register_history_is_kept_per_organisation() {
    let k = Keepers::spawn().await;
    let id = k
        .create_id(Kind::Recipient, &recipient_body("IT supplier"))
        .await;
    assert_eq!(k.changes(&[]).await.len(), 1);
    let other = k.app.token(OTHER_ORG, &["admin"], "globex-admin");
    assert!(k.app.list(&changes_path(), &other, &[]).await.is_empty());
    assert!(
        k.app
            .list(&changes_path(), &other, &[("entry_id", &id)])
            .await
            .is_empty()
    );
    let response = k
        .app
        .post_json(
            &Kind::Recipient.collection(),
            Some(&other),
            &recipient_body("Globex supplier"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let theirs = k.app.list(&changes_path(), &other, &[]).await;
    assert_eq!(theirs.len(), 1, "{theirs:?}");
    assert_eq!(theirs[0]["actor_organisation"], OTHER_ORG);
    assert_eq!(theirs[0]["actor"], by_account("globex-admin"));
    assert_eq!(k.changes(&[]).await.len(), 1, "ours unchanged");
}

#[tokio::test]
async fn register_history_of_the_demo_names_its_loader_and_the_parties_to_agreements() {
    let app = spawn_seeded_app().await;
    let cabinet = app.token("cabinet-office", &["auditor"], "co-auditor");
    let purposes = app
        .list(&changes_path(), &cabinet, &[("kind", "purpose")])
        .await;
    let names: Vec<String> = purposes.iter().map(|c| text(&c["after"], "name")).collect();
    assert_eq!(
        names,
        [
            "IT requests and incidents",
            "User accounts",
            "Access to government data",
            "User assets",
            "Satisfaction surveys",
        ]
    );
    for change in &purposes {
        assert_eq!(change["action"], "created", "{change}");
        assert_eq!(change["version"], 1, "{change}");
        assert_eq!(change["actor"], by_account("seed-demo"), "{change}");
        assert_eq!(change["actor_organisation"], "cabinet-office", "{change}");
        assert_eq!(change["before"], json!(null), "{change}");
    }

    // The Cabinet Office processes for DCMS and DExEU: it sees the agreements they hold,
    // proposed by them and accepted by itself.
    let agreements = app
        .list(
            &changes_path(),
            &cabinet,
            &[("kind", "processing_agreement")],
        )
        .await;
    let makers: HashSet<String> = agreements
        .iter()
        .map(|c| text(c, "actor_organisation"))
        .collect();
    assert_eq!(
        makers,
        HashSet::from([
            "dcms".to_owned(),
            "dexeu".to_owned(),
            "cabinet-office".to_owned()
        ])
    );
    let dcms = app.token("dcms", &["admin"], "dcms-admin");
    let theirs = app
        .list(&changes_path(), &dcms, &[("kind", "processing_agreement")])
        .await;
    assert_eq!(theirs.len(), 2, "{theirs:?}");
    let by = |org: &str| {
        theirs
            .iter()
            .find(|c| c["actor_organisation"] == org)
            .unwrap_or_else(|| panic!("a change by {org}: {theirs:?}"))
    };
    assert_eq!(by("dcms")["after"]["standing"]["status"], "proposed");
    assert_eq!(by("dcms")["version"], 1);
    assert_eq!(
        by("cabinet-office")["after"]["standing"]["status"],
        "accepted"
    );
    assert_eq!(by("cabinet-office")["version"], 2);
    let covered: Vec<Value> = [0x4_1001, 0x4_1002, 0x4_1004]
        .map(|n| json!(seed_id(n)))
        .to_vec();
    assert_eq!(by("dcms")["after"]["purposes"], json!(covered));
    let devon = app.token("devon-cc", &["admin"], "devon-admin");
    assert!(
        app.list(&changes_path(), &devon, &[("kind", "processing_agreement")])
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn register_history_and_lints_need_a_token_and_a_register_role() {
    let app = spawn_seeded_app().await;
    for path in [changes_path(), lints_path()] {
        let response = app.get(&path, None).await;
        problem(response, StatusCode::UNAUTHORIZED).await;
        let response = app.get(&path, Some("not-a-token")).await;
        problem(response, StatusCode::UNAUTHORIZED).await;
        for role in ["requester", "agent"] {
            let token = app.token("cabinet-office", &[role], "someone");
            let response = app.get(&path, Some(&token)).await;
            let refused = problem(response, StatusCode::FORBIDDEN).await;
            assert!(text(&refused, "detail").contains("auditor"), "{refused}");
        }
        for role in ["auditor", "dpo", "admin"] {
            let token = app.token("cabinet-office", &[role], "someone");
            let response = app.get(&path, Some(&token)).await;
            let body = json_body(response, StatusCode::OK).await;
            assert!(!items(&body).is_empty(), "{role} on {path}: {body}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// as_of

#[tokio::test]
async fn register_as_of_reads_a_purpose_as_it_stood_before_its_update() {
    let k = Keepers::spawn().await;
    let category = k
        .create_id(Kind::DataCategory, &category_body("Name"))
        .await;
    let mut body = purpose_body("Support tickets", &[&category]);
    body["description"] = json!("Before the review");
    let first = k.create(Kind::Purpose, &body).await;
    let id = text(&first, "id");
    let path = Kind::Purpose.item(&id);
    let between = moment().await;
    body["description"] = json!("After the review");
    let response = k
        .replace(&k.admin, Kind::Purpose, &id, "\"1\"", &body)
        .await;
    let second = json_body(response, StatusCode::OK).await;

    let response = k.get_as_of(&path, &between).await;
    assert_eq!(etag_of(&response), "\"1\"");
    assert_eq!(json_body(response, StatusCode::OK).await, first);
    // The same moment written with another offset is the same moment.
    let shifted = chrono::DateTime::parse_from_rfc3339(&between)
        .expect("an RFC 3339 moment")
        .with_timezone(&chrono::FixedOffset::east_opt(3600).expect("an offset"))
        .to_rfc3339_opts(SecondsFormat::Micros, false);
    assert!(shifted.ends_with("+01:00"), "{shifted}");
    let response = k.get_as_of(&path, &shifted).await;
    assert_eq!(json_body(response, StatusCode::OK).await, first);

    // A write's own time is inside it: as_of = updated_at reads what that write made.
    let response = k.get_as_of(&path, &text(&first, "updated_at")).await;
    assert_eq!(
        json_body(response, StatusCode::OK).await["description"],
        "Before the review"
    );
    let response = k.get_as_of(&path, &text(&second, "updated_at")).await;
    assert_eq!(etag_of(&response), "\"2\"");
    assert_eq!(json_body(response, StatusCode::OK).await, second);

    let then = k.list_as_of(Kind::Purpose, &between).await;
    assert_eq!(then, std::slice::from_ref(&first));
    let now = k
        .app
        .list(&Kind::Purpose.collection(), &k.auditor, &[])
        .await;
    assert_eq!(now, std::slice::from_ref(&second));
    let response = k.app.get(&path, Some(&k.auditor)).await;
    assert_eq!(json_body(response, StatusCode::OK).await, second);
}

#[tokio::test]
async fn register_as_of_before_creation_finds_nothing() {
    let k = Keepers::spawn().await;
    let before = moment().await;
    let category = k
        .create_id(Kind::DataCategory, &category_body("Name"))
        .await;
    for kind in KINDS {
        let id = match kind {
            Kind::DataCategory => category.clone(),
            _ => k.create_id(kind, &kind.body("Made later", &category)).await,
        };
        let response = k.get_as_of(&kind.item(&id), &before).await;
        problem(response, StatusCode::NOT_FOUND).await;
        assert!(
            k.list_as_of(kind, &before).await.is_empty(),
            "{kind:?} at {before}"
        );
        let response = k.app.get(&kind.item(&id), Some(&k.auditor)).await;
        assert_eq!(response.status(), StatusCode::OK, "{kind:?} exists now");
    }
}

#[tokio::test]
async fn register_as_of_after_deletion_finds_nothing() {
    let k = Keepers::spawn().await;
    let created = k
        .create(Kind::Transfer, &transfer_body("United States"))
        .await;
    let id = text(&created, "id");
    let path = Kind::Transfer.item(&id);
    let while_there = moment().await;
    let response = k.app.delete(&path, Some(&k.admin)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let after = moment().await;

    let response = k.get_as_of(&path, &while_there).await;
    assert_eq!(json_body(response, StatusCode::OK).await, created);
    assert_eq!(k.list_as_of(Kind::Transfer, &while_there).await, [created]);
    let response = k.get_as_of(&path, &after).await;
    problem(response, StatusCode::NOT_FOUND).await;
    assert!(k.list_as_of(Kind::Transfer, &after).await.is_empty());
}

#[tokio::test]
async fn register_as_of_must_be_an_rfc3339_moment() {
    let k = Keepers::spawn().await;
    let id = k
        .create_id(Kind::Recipient, &recipient_body("IT supplier"))
        .await;
    for bad in ["yesterday", "2024-02-30T00:00:00Z", "2024-01-01"] {
        let responses = [
            k.get_as_of(&Kind::Recipient.item(&id), bad).await,
            k.get_as_of(&Kind::Recipient.collection(), bad).await,
            k.get_as_of(&lints_path(), bad).await,
        ];
        for response in responses {
            let refused = problem_naming(response, StatusCode::BAD_REQUEST, "as_of").await;
            assert!(
                text(&refused, "type").ends_with("/invalid-parameters"),
                "{refused}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Lints

#[tokio::test]
async fn register_lints_of_the_demo_organisations() {
    let app = spawn_seeded_app().await;

    let cabinet = app.token("cabinet-office", &["auditor"], "co-auditor");
    let report = lints(&app, &cabinet, &[]).await;
    assert_eq!(
        codes(&report),
        [
            "policy_document_without_review_date",
            "legacy_model_clauses"
        ]
    );
    let legacy = &report[1];
    assert_eq!(legacy["severity"], "error");
    assert_eq!(legacy["article"], "Art 46");
    assert_eq!(
        legacy["entity"],
        json!({ "kind": "transfer", "id": seed_id(0x1_0201) })
    );
    assert!(
        text(legacy, "message").contains("21 March 2024"),
        "{legacy}"
    );
    let policy = &report[0];
    assert_eq!(policy["severity"], "warning");
    assert_eq!(
        policy["entity"],
        json!({ "kind": "purpose", "id": seed_id(0x1_1001) })
    );

    let derby = app.token("derby-city-council", &["dpo"], "derby-dpo");
    let report = lints(&app, &derby, &[]).await;
    assert_eq!(
        codes(&report),
        [
            "legitimate_interests_in_public_task",
            "policy_document_without_review_date"
        ]
    );
    let interests = &report[0];
    assert_eq!(interests["severity"], "error");
    assert_eq!(interests["article"], "Art 6(1), closing words");
    assert_eq!(
        interests["entity"],
        json!({ "kind": "purpose", "id": seed_id(0x3_100f) })
    );

    let devon = app.token("devon-cc", &["admin"], "devon-admin");
    assert_eq!(lints(&app, &devon, &[]).await, Vec::<Value>::new());
}

#[tokio::test]
async fn register_lints_as_of_show_the_register_as_it_stood() {
    let before_seeding = moment().await;
    let app = spawn_seeded_app().await;
    let cabinet = app.token("cabinet-office", &["admin"], "co-admin");
    let seeded = moment().await;

    // The Cabinet Office moves its transfer onto the IDTA, with a risk assessment.
    let mut transfer = transfer_body("Outside the European Union; countries not named");
    transfer["risk_assessment_reference"] = json!("TRA-2024-07");
    let response = send(
        app.request(
            Method::PUT,
            &Kind::Transfer.item(&seed_id(0x1_0201)),
            Some(&cabinet),
        )
        .header(IF_MATCH, "\"1\"")
        .json(&transfer),
    )
    .await;
    assert_eq!(
        json_body(response, StatusCode::OK).await["mechanism"],
        "idta"
    );

    assert_eq!(
        codes(&lints(&app, &cabinet, &[]).await),
        ["policy_document_without_review_date"]
    );
    assert_eq!(
        codes(&lints(&app, &cabinet, &[("as_of", &seeded)]).await),
        [
            "policy_document_without_review_date",
            "legacy_model_clauses"
        ]
    );
    // Before seeding the register was empty: it bound nothing, and said nothing else.
    let before = lints(&app, &cabinet, &[("as_of", &before_seeding)]).await;
    assert!(!before.is_empty());
    assert!(
        codes(&before).iter().all(|c| c == "unbound_record_kind"),
        "{before:?}"
    );
}

#[tokio::test]
async fn register_lints_follow_writes_and_as_of() {
    let k = Keepers::spawn().await;
    let empty = moment().await;
    let category = k
        .create_id(Kind::DataCategory, &category_body("Name"))
        .await;
    let mut body = purpose_body("User accounts", &[&category]);
    let purpose = k.create_id(Kind::Purpose, &body).await;
    let report = entry_lints(lints(&k.app, &k.auditor, &[]).await);
    assert_eq!(codes(&report), ["purpose_without_retention"]);
    assert_eq!(report[0]["severity"], "warning");
    assert_eq!(
        report[0]["entity"],
        json!({ "kind": "purpose", "id": purpose })
    );
    let unkept = moment().await;

    let policy = k
        .create_id(Kind::RetentionPolicy, &retention_body("Schedule 4.2"))
        .await;
    body["retention_policy"] = json!(policy);
    let response = k
        .replace(&k.admin, Kind::Purpose, &purpose, "\"1\"", &body)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(entry_lints(lints(&k.app, &k.auditor, &[]).await).is_empty());
    assert_eq!(
        codes(&entry_lints(
            lints(&k.app, &k.auditor, &[("as_of", &unkept)]).await
        )),
        ["purpose_without_retention"]
    );
    assert!(entry_lints(lints(&k.app, &k.auditor, &[("as_of", &empty)]).await).is_empty());
}

#[tokio::test]
async fn register_as_of_after_every_write_reads_the_register_as_it_stands() {
    let k = Keepers::spawn().await;
    let created = k
        .create(Kind::Recipient, &recipient_body("IT supplier"))
        .await;
    let path = Kind::Recipient.item(&text(&created, "id"));
    let tomorrow =
        (Utc::now() + chrono::Duration::days(1)).to_rfc3339_opts(SecondsFormat::Micros, true);
    for late in [tomorrow.as_str(), "9999-12-31T23:59:59Z"] {
        let response = k.get_as_of(&path, late).await;
        assert_eq!(
            json_body(response, StatusCode::OK).await,
            created,
            "as_of {late}"
        );
        assert_eq!(
            k.list_as_of(Kind::Recipient, late).await,
            std::slice::from_ref(&created),
            "as_of {late}"
        );
        assert_eq!(
            codes(&entry_lints(
                lints(&k.app, &k.auditor, &[("as_of", late)]).await
            )),
            Vec::<String>::new()
        );
    }
}

/// `9999-12-31T23:59:59-01:00` is a valid RFC 3339 moment, after every write: it is
/// 10000-01-01T00:59:59 UTC. On SQLite the server compares it with the stored times as text,
/// and chrono writes a year past 9999 as `+10000-…`, which sorts before every `2…` year: the
/// register reads as empty. PostgreSQL compares timestamps and answers as it should.
#[tokio::test]
async fn register_as_of_past_the_year_9999_in_utc_still_reads_the_register() {
    let k = Keepers::spawn().await;
    let created = k
        .create(Kind::Recipient, &recipient_body("IT supplier"))
        .await;
    let path = Kind::Recipient.item(&text(&created, "id"));
    let late = "9999-12-31T23:59:59-01:00";
    let response = k.get_as_of(&path, late).await;
    assert_eq!(json_body(response, StatusCode::OK).await, created);
    assert_eq!(k.list_as_of(Kind::Recipient, late).await, [created]);
}
