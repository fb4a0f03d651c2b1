//! Satisfaction surveys on consent: consents given by the person for a purpose resting on
//! consent, answers to closed tickets stored only on consent standing then, withdrawal erasing
//! the opinion (Art 7(3)), and a report that never shows a group under 5.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, incident, items, json_body, problem, problem_naming, send, spawn_seeded_app, text,
    ticket_path,
};

pub(crate) const CO: &str = "cabinet-office";
const OTHER: &str = "devon-cc";
const CONSENTS: &str = "/api/v1/consents";
const REPORT: &str = "/api/v1/surveys/report";
pub(crate) const TEAM: &str = "Service Desk";

pub(crate) fn survey_path(ticket: &str) -> String {
    format!("{}/survey", ticket_path(ticket))
}

fn withdraw_path(consent: &str) -> String {
    format!("{CONSENTS}/{consent}/withdraw")
}

/// A seeded desk: Cabinet Office's register (with its "Satisfaction surveys" purpose on
/// consent), and the tokens the tests use.
pub(crate) struct Desk {
    pub(crate) app: TestApp,
    agent: String,
    pub(crate) dpo: String,
    /// The "Satisfaction surveys" purpose: Art 6(1)(a).
    surveys: String,
    /// A purpose on another basis.
    not_on_consent: String,
}

impl Desk {
    async fn new() -> Desk {
        Desk::on(spawn_seeded_app().await).await
    }

    /// The desk of `app`, which serves the demo registers.
    pub(crate) async fn on(app: TestApp) -> Desk {
        let agent = app.token(CO, &["agent"], "co-agent");
        let dpo = app.token(CO, &["dpo"], "co-dpo");
        let purposes = items(
            &json_body(
                app.get("/api/v1/register/purposes?limit=500", Some(&dpo))
                    .await,
                StatusCode::OK,
            )
            .await,
        );
        let surveys = purposes
            .iter()
            .find(|p| p["name"] == "Satisfaction surveys")
            .map(|p| text(p, "id"))
            .expect("the demo register has the surveys purpose");
        let not_on_consent = purposes
            .iter()
            .find(|p| p["lawful_basis"] != "a" && p["special_category_condition"] != "a")
            .map(|p| text(p, "id"))
            .expect("the demo register has a purpose not on consent");
        Desk {
            app,
            agent,
            dpo,
            surveys,
            not_on_consent,
        }
    }

    /// A requester token for `sub` of `org`, with a person record whose external id is `sub`.
    pub(crate) async fn person(&self, org: &str, sub: &str) -> String {
        self.app.record_person(org, sub, json!({})).await;
        self.app.token(org, &["requester"], sub)
    }

    /// A ticket the requester raised, worked by `team` and closed; returns its id.
    async fn closed_ticket(&self, requester: &str, team: &str) -> String {
        let id = self.open_ticket(requester, team).await;
        for status in ["resolved", "closed"] {
            self.app
                .update_ticket(&self.agent, &id, &json!({ "status": status }))
                .await;
        }
        id
    }

    /// A ticket the requester raised, with `team`, open.
    async fn open_ticket(&self, requester: &str, team: &str) -> String {
        let ticket = self
            .app
            .create_ticket(requester, &incident("Printer jams"))
            .await;
        let id = text(&ticket, "id");
        self.app
            .update_ticket(
                &self.agent,
                &id,
                &json!({ "status": "open", "assigned_team": team }),
            )
            .await;
        id
    }

    pub(crate) async fn give_consent(&self, requester: &str) -> Value {
        let response = self
            .app
            .post_json(
                CONSENTS,
                Some(requester),
                &json!({ "purpose_id": self.surveys }),
            )
            .await;
        json_body(response, StatusCode::CREATED).await
    }

    /// Withdraws a consent, as the holder of `token`.
    pub(crate) async fn withdraw(&self, consent: &str, token: Option<&str>) -> reqwest::Response {
        send(
            self.app
                .request(Method::POST, &withdraw_path(consent), token),
        )
        .await
    }

    async fn answer(&self, requester: &str, ticket: &str, body: &Value) -> reqwest::Response {
        self.app
            .put_json(&survey_path(ticket), Some(requester), body)
            .await
    }

    /// A requester of their own who answers one closed ticket of `team` with `rating`, on
    /// consent given after it closed; returns (token, ticket id, consent id).
    async fn answered(&self, sub: &str, team: &str, rating: u8) -> (String, String, String) {
        self.answered_saying(sub, team, rating, "Quick fix").await
    }

    /// [`Desk::answered`] with `comment`.
    pub(crate) async fn answered_saying(
        &self,
        sub: &str,
        team: &str,
        rating: u8,
        comment: &str,
    ) -> (String, String, String) {
        let requester = self.person(CO, sub).await;
        let ticket = self.closed_ticket(&requester, team).await;
        let consent = text(&self.give_consent(&requester).await, "id");
        let response = self
            .answer(
                &requester,
                &ticket,
                &json!({ "consent_id": consent, "rating": rating, "comment": comment }),
            )
            .await;
        json_body(response, StatusCode::CREATED).await;
        (requester, ticket, consent)
    }

    async fn report(&self, token: &str) -> Value {
        json_body(self.app.get(REPORT, Some(token)).await, StatusCode::OK).await
    }
}

/// (team, answers) of each published group.
fn groups(report: &Value) -> Vec<(String, u64)> {
    report["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            (
                g["team"].as_str().unwrap_or("-").to_owned(),
                g["answers"].as_u64().expect("answers"),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Consents

#[tokio::test]
async fn consent_is_given_by_the_person_for_a_purpose_on_consent() {
    let d = Desk::new().await;
    let jo = d.person(CO, "jo").await;
    let consent = d.give_consent(&jo).await;
    assert_eq!(consent["purpose_id"], d.surveys.as_str());
    assert!(consent["given_at"].is_string(), "{consent}");
    assert_eq!(consent["withdrawn_at"], json!(null));
    assert!(
        consent["notice_version"].is_i64(),
        "the seeded notice in effect is recorded: {consent}"
    );
    let person = text(&consent, "person_id");

    // The person sees their own; another person of the organisation does not.
    let own = d.app.list(CONSENTS, &jo, &[]).await;
    assert_eq!(own, vec![consent.clone()]);
    let sam = d.person(CO, "sam").await;
    d.give_consent(&sam).await;
    assert_eq!(d.app.list(CONSENTS, &sam, &[]).await.len(), 1);
    assert!(
        d.app
            .list(CONSENTS, &sam, &[("person_id", &person)])
            .await
            .is_empty()
    );

    // The DPO sees everyone's, and may narrow to one person.
    assert_eq!(d.app.list(CONSENTS, &d.dpo, &[]).await.len(), 2);
    assert_eq!(
        d.app
            .list(CONSENTS, &d.dpo, &[("person_id", &person)])
            .await,
        vec![consent]
    );
}

#[tokio::test]
async fn consents_need_a_token_and_the_right_role() {
    let d = Desk::new().await;
    let body = json!({ "purpose_id": d.surveys });
    let unknown = "01930000-0000-7000-8000-000000000001";
    problem(
        d.app.post_json(CONSENTS, None, &body).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    problem(d.app.get(CONSENTS, None).await, StatusCode::UNAUTHORIZED).await;
    problem(d.withdraw(unknown, None).await, StatusCode::UNAUTHORIZED).await;
    // Only the person themselves gives consent; the desk neither gives, reads nor withdraws it.
    for token in [&d.agent, &d.dpo] {
        problem(
            d.app.post_json(CONSENTS, Some(token), &body).await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    problem(
        d.app.get(CONSENTS, Some(&d.agent)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        d.withdraw(unknown, Some(&d.agent)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn consent_input_is_checked_and_names_the_field() {
    let d = Desk::new().await;
    let jo = d.person(CO, "jo").await;
    problem_naming(
        d.app.post_json(CONSENTS, Some(&jo), &json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "purpose_id",
    )
    .await;
    problem_naming(
        d.app
            .post_json(CONSENTS, Some(&jo), &json!({ "purpose_id": "nope" }))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "purpose_id",
    )
    .await;
    problem_naming(
        d.app
            .post_json(
                CONSENTS,
                Some(&jo),
                &json!({ "purpose_id": "01930000-0000-7000-8000-000000000001" }),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "purpose_id",
    )
    .await;
    let refused = problem_naming(
        d.app
            .post_json(
                CONSENTS,
                Some(&jo),
                &json!({ "purpose_id": d.not_on_consent }),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "purpose_id",
    )
    .await;
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Art 6(1)(")),
        "the refusal names the article: {refused}"
    );
    // A requester with no person record has no one to give consent for.
    let stranger = d.app.token(CO, &["requester"], "no-record");
    problem_naming(
        d.app
            .post_json(
                CONSENTS,
                Some(&stranger),
                &json!({ "purpose_id": d.surveys }),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "person",
    )
    .await;
    problem(
        send(
            d.app
                .request(Method::POST, CONSENTS, Some(&jo))
                .header("Content-Type", "application/json")
                .body("{"),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    problem_naming(
        d.app
            .get(&format!("{CONSENTS}?person_id=x"), Some(&d.dpo))
            .await,
        StatusCode::BAD_REQUEST,
        "person_id",
    )
    .await;
    problem_naming(
        d.withdraw("x", Some(&jo)).await,
        StatusCode::BAD_REQUEST,
        "id",
    )
    .await;
}

#[tokio::test]
async fn withdrawing_is_for_the_person_or_the_dpo_and_happens_once() {
    let d = Desk::new().await;
    let jo = d.person(CO, "jo").await;
    let sam = d.person(CO, "sam").await;
    let first = text(&d.give_consent(&jo).await, "id");
    let second = text(&d.give_consent(&jo).await, "id");

    // Another person of the organisation, and anyone of another organisation, finds nothing.
    problem(d.withdraw(&first, Some(&sam)).await, StatusCode::NOT_FOUND).await;
    let elsewhere = d.person(OTHER, "jo").await;
    let other_dpo = d.app.token(OTHER, &["dpo"], "devon-dpo");
    for token in [&elsewhere, &other_dpo] {
        problem(d.withdraw(&first, Some(token)).await, StatusCode::NOT_FOUND).await;
    }
    assert!(d.app.list(CONSENTS, &other_dpo, &[]).await.is_empty());

    let withdrawn = json_body(d.withdraw(&first, Some(&jo)).await, StatusCode::OK).await;
    assert!(withdrawn["withdrawn_at"].is_string(), "{withdrawn}");
    problem(d.withdraw(&first, Some(&jo)).await, StatusCode::CONFLICT).await;
    // The DPO withdraws on the person's behalf.
    json_body(d.withdraw(&second, Some(&d.dpo)).await, StatusCode::OK).await;
    problem(
        d.withdraw(&second, Some(&d.dpo)).await,
        StatusCode::CONFLICT,
    )
    .await;
    let listed = d.app.list(CONSENTS, &jo, &[]).await;
    assert!(listed.iter().all(|c| c["withdrawn_at"].is_string()));
}

// ---------------------------------------------------------------------------------------------
// Answers

#[tokio::test]
async fn the_requester_answers_a_closed_ticket_on_consent() {
    let d = Desk::new().await;
    let jo = d.person(CO, "jo").await;
    let ticket = d.closed_ticket(&jo, TEAM).await;
    let consent = text(&d.give_consent(&jo).await, "id");
    let response = d
        .answer(
            &jo,
            &ticket,
            &json!({ "consent_id": consent, "rating": 4, "comment": " All sorted " }),
        )
        .await;
    let answer = json_body(response, StatusCode::CREATED).await;
    assert_eq!(answer["ticket_id"], ticket.as_str());
    assert_eq!(answer["consent_id"], consent.as_str());
    assert_eq!(answer["rating"], 4);
    assert_eq!(answer["comment"], "All sorted");
    assert_eq!(answer["team"], TEAM);
    assert_eq!(answer["withdrawn_at"], json!(null));

    for token in [&jo, &d.dpo] {
        let read = json_body(
            d.app.get(&survey_path(&ticket), Some(token)).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(read, answer);
    }
    // One answer per ticket.
    let again = d.give_consent(&jo).await;
    problem(
        d.answer(
            &jo,
            &ticket,
            &json!({ "consent_id": text(&again, "id"), "rating": 1 }),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
}

#[tokio::test]
async fn survey_access_is_the_requesters() {
    let d = Desk::new().await;
    let (jo, ticket, consent) = d.answered("jo", TEAM, 5).await;
    let body = json!({ "consent_id": consent, "rating": 3 });
    let path = survey_path(&ticket);

    problem(
        d.app.put_json(&path, None, &body).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    problem(d.app.get(&path, None).await, StatusCode::UNAUTHORIZED).await;
    // The desk neither answers nor reads answers.
    problem(
        d.app.put_json(&path, Some(&d.agent), &body).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        d.app.get(&path, Some(&d.agent)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // The ticket is hidden from another requester, and from another organisation.
    let sam = d.person(CO, "sam").await;
    let elsewhere = d.person(OTHER, "jo").await;
    let other_dpo = d.app.token(OTHER, &["dpo"], "devon-dpo");
    for token in [&sam, &elsewhere] {
        problem(
            d.app.put_json(&path, Some(token), &body).await,
            StatusCode::NOT_FOUND,
        )
        .await;
        problem(d.app.get(&path, Some(token)).await, StatusCode::NOT_FOUND).await;
    }
    problem(
        d.app.get(&path, Some(&other_dpo)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem_naming(
        d.app.get(&survey_path("x"), Some(&jo)).await,
        StatusCode::BAD_REQUEST,
        "id",
    )
    .await;
    // A closed ticket without an answer has none to read.
    let unanswered = d.closed_ticket(&jo, TEAM).await;
    problem(
        d.app.get(&survey_path(&unanswered), Some(&jo)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn an_answer_without_consent_standing_then_is_refused() {
    let d = Desk::new().await;
    let jo = d.person(CO, "jo").await;

    // Consent given before the ticket closed does not carry over to its survey.
    let early = text(&d.give_consent(&jo).await, "id");
    let ticket = d.closed_ticket(&jo, TEAM).await;
    problem_naming(
        d.answer(&jo, &ticket, &json!({ "consent_id": early, "rating": 4 }))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "consent_id",
    )
    .await;
    // No consent at all.
    problem_naming(
        d.answer(&jo, &ticket, &json!({ "rating": 4 })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "consent_id",
    )
    .await;
    // Consent withdrawn before answering.
    let withdrawn = text(&d.give_consent(&jo).await, "id");
    json_body(d.withdraw(&withdrawn, Some(&jo)).await, StatusCode::OK).await;
    problem_naming(
        d.answer(
            &jo,
            &ticket,
            &json!({ "consent_id": withdrawn, "rating": 4 }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "consent_id",
    )
    .await;
    // Someone else's consent.
    let sam = d.person(CO, "sam").await;
    let sams = text(&d.give_consent(&sam).await, "id");
    problem_naming(
        d.answer(&jo, &ticket, &json!({ "consent_id": sams, "rating": 4 }))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "consent_id",
    )
    .await;
    // Nothing was stored.
    problem(
        d.app.get(&survey_path(&ticket), Some(&jo)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(groups(&d.report(&d.dpo).await).is_empty());
}

#[tokio::test]
async fn answers_are_checked_and_name_the_field() {
    let d = Desk::new().await;
    let jo = d.person(CO, "jo").await;
    let open = d.open_ticket(&jo, TEAM).await;
    let ticket = d.closed_ticket(&jo, TEAM).await;
    let consent = text(&d.give_consent(&jo).await, "id");
    for (body, field) in [
        (json!({ "consent_id": consent }), "rating"),
        (json!({ "consent_id": consent, "rating": 0 }), "rating"),
        (json!({ "consent_id": consent, "rating": 6 }), "rating"),
        (json!({ "consent_id": consent, "rating": "good" }), "rating"),
        (
            json!({ "consent_id": consent, "rating": 3, "comment": "x".repeat(2001) }),
            "comment",
        ),
        (json!({ "consent_id": "nope", "rating": 3 }), "consent_id"),
        (
            json!({ "consent_id": consent, "rating": 3, "mood": "fine" }),
            "mood",
        ),
    ] {
        problem_naming(
            d.answer(&jo, &ticket, &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            field,
        )
        .await;
    }
    problem(
        send(
            d.app
                .request(Method::PUT, &survey_path(&ticket), Some(&jo))
                .header("Content-Type", "application/json")
                .body("{"),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    problem_naming(
        d.answer(&jo, "x", &json!({ "consent_id": consent, "rating": 3 }))
            .await,
        StatusCode::BAD_REQUEST,
        "id",
    )
    .await;
    // The survey opens when the ticket closes.
    problem(
        d.answer(&jo, &open, &json!({ "consent_id": consent, "rating": 3 }))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    // A requester with no person record answers nothing.
    let stranger = d.app.token(CO, &["requester"], "no-record");
    let theirs = d.closed_ticket(&stranger, TEAM).await;
    problem_naming(
        d.answer(
            &stranger,
            &theirs,
            &json!({ "consent_id": consent, "rating": 3 }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "person",
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Withdrawal and the report

#[tokio::test]
async fn withdrawing_consent_erases_the_opinion_and_takes_it_out_of_the_report() {
    let d = Desk::new().await;
    let mut answered = Vec::new();
    for (n, rating) in [5, 4, 4, 3, 5].into_iter().enumerate() {
        answered.push(d.answered(&format!("person-{n}"), TEAM, rating).await);
    }
    let report = d.report(&d.agent).await;
    assert_eq!(groups(&report), vec![(TEAM.to_owned(), 5)]);
    assert_eq!(report["groups"][0]["mean_rating"], 4.2);
    assert_eq!(report["overall"]["answers"], 5);

    let (token, ticket, consent) = &answered[0];
    json_body(d.withdraw(consent, Some(token)).await, StatusCode::OK).await;
    for reader in [token, &d.dpo] {
        let answer = json_body(
            d.app.get(&survey_path(ticket), Some(reader)).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(answer["rating"], json!(null), "{answer}");
        assert_eq!(answer["comment"], json!(null), "{answer}");
        assert!(answer["withdrawn_at"].is_string(), "{answer}");
        assert!(!answer.to_string().contains("Quick fix"));
    }
    // Four usable answers are left: a group too small to show.
    let report = d.report(&d.agent).await;
    assert!(groups(&report).is_empty(), "{report}");
    assert_eq!(report["overall"], json!(null));
    assert!(report["by_team"].as_array().is_some_and(Vec::is_empty));
    assert!(report["by_month"].as_array().is_some_and(Vec::is_empty));
}

#[tokio::test]
async fn a_group_of_four_never_shows_and_five_does() {
    let d = Desk::new().await;
    for n in 0..4 {
        d.answered(&format!("person-{n}"), TEAM, 2).await;
    }
    // Another team's five show; the four never do, not even in the totals.
    for n in 0..5 {
        d.answered(&format!("other-{n}"), "Networks", 4).await;
    }
    let report = d.report(&d.dpo).await;
    assert_eq!(report["min_group"], 5);
    assert_eq!(groups(&report), vec![("Networks".to_owned(), 5)]);
    assert_eq!(report["overall"]["answers"], 5);
    assert_eq!(report["by_month"][0]["answers"], 5);
    assert!(!report.to_string().contains(TEAM));

    d.answered("person-4", TEAM, 2).await;
    let report = d.report(&d.dpo).await;
    assert_eq!(
        groups(&report),
        vec![("Networks".to_owned(), 5), (TEAM.to_owned(), 5)]
    );
    assert_eq!(report["overall"]["answers"], 10);
    assert_eq!(report["overall"]["mean_rating"], 3.0);
}

#[tokio::test]
async fn the_report_is_for_the_desk_dpo_and_auditors_of_the_organisation() {
    let d = Desk::new().await;
    for n in 0..5 {
        d.answered(&format!("person-{n}"), TEAM, 3).await;
    }
    problem(d.app.get(REPORT, None).await, StatusCode::UNAUTHORIZED).await;
    let requester = d.app.token(CO, &["requester"], "person-0");
    let integrator = d.app.token(CO, &["integrator"], "hr-feed");
    for token in [&requester, &integrator] {
        problem(d.app.get(REPORT, Some(token)).await, StatusCode::FORBIDDEN).await;
    }
    for roles in [["agent"], ["admin"], ["dpo"], ["auditor"]] {
        let token = d.app.token(CO, &roles, "reader");
        assert_eq!(groups(&d.report(&token).await), vec![(TEAM.to_owned(), 5)]);
    }
    // Another organisation's report holds nothing of this one's.
    let other = d.app.token(OTHER, &["auditor"], "devon-auditor");
    let report = d.report(&other).await;
    assert!(groups(&report).is_empty(), "{report}");
    assert_eq!(report["overall"], json!(null));
}

#[tokio::test]
async fn racing_answers_and_withdrawals_land_once() {
    let d = Desk::new().await;
    let jo = d.person(CO, "jo").await;
    let ticket = d.closed_ticket(&jo, TEAM).await;
    let first = text(&d.give_consent(&jo).await, "id");
    let second = text(&d.give_consent(&jo).await, "id");
    let (good, bad) = (
        json!({ "consent_id": first, "rating": 5 }),
        json!({ "consent_id": second, "rating": 1 }),
    );
    let (a, b) = tokio::join!(d.answer(&jo, &ticket, &good), d.answer(&jo, &ticket, &bad));
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);

    let (a, b) = tokio::join!(
        d.withdraw(&first, Some(&jo)),
        d.withdraw(&first, Some(&d.dpo)),
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
}

#[tokio::test]
async fn consents_page_by_cursor() {
    let d = Desk::new().await;
    let jo = d.person(CO, "jo").await;
    let mut given = Vec::new();
    for _ in 0..3 {
        given.push(text(&d.give_consent(&jo).await, "id"));
    }
    let pages = d.app.list_all(CONSENTS, &jo, 2).await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 1]);
    let listed: Vec<String> = pages.concat().iter().map(|c| text(c, "id")).collect();
    assert_eq!(listed, given);
    problem_naming(
        d.app.get(&format!("{CONSENTS}?limit=0"), Some(&jo)).await,
        StatusCode::BAD_REQUEST,
        "limit",
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Withdrawal in the erasure ledger

/// A comment found nowhere else, so its bytes can be looked for in the database's files.
const MARKER: &str = "Xylophonic-quagga-feedback-4471";

/// The erasure ledger's entries for the withdrawal of `consent`, as the server's database holds
/// them.
pub(crate) async fn withdrawal_entries(
    app: &TestApp,
    consent: &str,
) -> Vec<persistence::erasure::Erased> {
    let consent = domain::ids::ConsentId::from_uuid(consent.parse().expect("a consent id"));
    let db = app.database().connect();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.read().expect("a reader");
        persistence::erasure::ledger(&mut conn)
            .expect("the ledger reads")
            .into_iter()
            .filter(|e| e.cause == persistence::erasure::Cause::Consent(consent))
            .collect()
    })
    .await
    .expect("the read does not panic")
}

/// The withdrawal's one ledger entry, once the server's scrubber has run over it (a bound
/// against a hang).
async fn scrubbed_withdrawal(app: &TestApp, consent: &str) -> persistence::erasure::Erased {
    for _ in 0..200 {
        let mut entries = withdrawal_entries(app, consent).await;
        assert!(entries.len() <= 1, "one entry per withdrawal: {entries:?}");
        if let Some(entry) = entries.pop()
            && entry.scrubbed_at.is_some()
        {
            return entry;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the withdrawal was not scrubbed within 20 s");
}

fn time_of(value: &Value, field: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(&text(value, field))
        .unwrap_or_else(|_| panic!("{field} is a time: {value}"))
        .to_utc()
}

#[tokio::test]
async fn a_withdrawal_is_in_the_erasure_ledger_and_its_opinions_leave_the_database_files() {
    let d = Desk::new().await;
    let url = d.app.database_url().to_owned();
    let (token, _, consent) = d.answered_saying("marked", TEAM, 2, MARKER).await;
    // Another person's opinion, not withdrawn, stays.
    let (_, kept_ticket, _) = d.answered("kept", TEAM, 5).await;
    // The search sees the comment while it is stored.
    assert_eq!(
        crate::erasure::in_files(&url, &[MARKER]).len(),
        1,
        "the comment is stored before the withdrawal"
    );

    let withdrawn = json_body(d.withdraw(&consent, Some(&token)).await, StatusCode::OK).await;
    let entry = scrubbed_withdrawal(&d.app, &consent).await;
    assert_eq!(entry.person_id.to_string(), text(&withdrawn, "person_id"));
    assert_eq!(entry.erased_at, time_of(&withdrawn, "withdrawn_at"));
    let tables: Vec<(String, u64, u64)> = entry
        .report
        .tables
        .iter()
        .map(|t| (t.table.clone(), t.deleted, t.anonymised))
        .collect();
    assert_eq!(tables, [("survey_answers".to_owned(), 0, 1)]);
    assert_eq!(
        crate::erasure::in_files(&url, &[MARKER]),
        vec![],
        "the withdrawn comment is left in the files"
    );
    let kept = json_body(
        d.app.get(&survey_path(&kept_ticket), Some(&d.dpo)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(kept["comment"], "Quick fix", "{kept}");

    // A consent nothing was given on is recorded withdrawn too, with nothing erased.
    let bare = text(&d.give_consent(&token).await, "id");
    json_body(d.withdraw(&bare, Some(&token)).await, StatusCode::OK).await;
    let entry = scrubbed_withdrawal(&d.app, &bare).await;
    assert!(entry.report.tables.is_empty(), "{entry:?}");
    // Withdrawing twice is refused and records nothing more.
    problem(d.withdraw(&bare, Some(&token)).await, StatusCode::CONFLICT).await;
    assert_eq!(withdrawal_entries(&d.app, &bare).await.len(), 1);
}
