//! Retention sweeps (Art 5(1)(e)): each policy of the register applied to the people whose data
//! has come due under it. The Cabinet Office erases a leaver a year after they left (its
//! tickets survive, anonymised); Derby reviews a year after creation, with a ticket to the DPO
//! raised once per person. Policies the DPO attaches counted from consent withdrawn and from a
//! rights request closed act only once every consent is withdrawn or every request closed.
//! Legal holds and open rights requests block; a dry run changes nothing; a sweep cut short
//! resumes; one sweep runs at a time over one database.

use std::ops::ControlFlow;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

const SWEEPS: &str = "/api/v1/retention/sweeps";

fn sweep_path(id: &str) -> String {
    format!("{SWEEPS}/{id}")
}

fn dpo(app: &TestApp, org: &str) -> String {
    app.token(org, &["dpo"], "dpo-1")
}

/// A time `days` ago as the database stores it (naive UTC).
fn stored_days_ago(days: i64) -> String {
    (chrono::Utc::now() - chrono::TimeDelta::days(days))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Makes people's records as if created `days` ago.
fn created_days_ago(app: &TestApp, people: &[String], days: i64) {
    let at = (chrono::Utc::now() - chrono::TimeDelta::days(days)).format("%Y-%m-%d %H:%M:%S");
    let ids: Vec<String> = people.iter().map(|id| format!("'{id}'")).collect();
    app.execute_sql(&format!(
        "UPDATE people SET created_at = '{at}' WHERE id IN ({})",
        ids.join(", ")
    ));
}

/// Starts a real sweep; answers its id.
async fn start(app: &TestApp, token: &str) -> String {
    let response = app
        .post_json(SWEEPS, Some(token), &json!({"dry_run": false}))
        .await;
    let location = location_of(&response);
    let sweep = json_body(response, StatusCode::ACCEPTED).await;
    let id = text(&sweep, "id");
    assert_eq!(location, sweep_path(&id));
    assert_eq!(sweep["dry_run"], false);
    id
}

/// The sweep's report once it is no longer running.
async fn finished(app: &TestApp, token: &str, id: &str) -> Value {
    for _ in 0..600 {
        let report = json_body(app.get(&sweep_path(id), Some(token)).await, StatusCode::OK).await;
        if report["status"] != "running" {
            return report;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the sweep did not finish");
}

/// A real sweep to its end.
async fn sweep(app: &TestApp, token: &str) -> Value {
    let id = start(app, token).await;
    finished(app, token, &id).await
}

async fn dry_run(app: &TestApp, token: &str) -> Value {
    json_body(
        app.post_json(SWEEPS, Some(token), &json!({"dry_run": true}))
            .await,
        StatusCode::OK,
    )
    .await
}

/// The report's one policy.
fn only_policy(report: &Value) -> &Value {
    let policies = report["policies"].as_array().expect("policies");
    assert_eq!(policies.len(), 1, "{report}");
    &policies[0]
}

fn years_ago(years: i64) -> String {
    day(-365 * years)
}

/// The Cabinet Office with a leaver two years gone who raised a ticket, a leaver of three
/// months ago, a leaver two years gone with a request open, and one under a legal hold.
struct Leavers {
    dpo: String,
    gone: String,
    ticket: String,
    recent: String,
    held: String,
    on_hold: String,
}

async fn leavers(app: &TestApp) -> Leavers {
    let org = CABINET_OFFICE;
    let gone = app
        .record_person(
            org,
            "leaver-gone",
            json!({"email": "gone@example.org", "starts_on": "2015-01-05", "leaves_on": years_ago(2)}),
        )
        .await;
    let ticket = app
        .create_ticket(
            &app.token(org, &["requester"], "leaver-gone"),
            &incident("My laptop will not start"),
        )
        .await;
    let recent = app
        .record_person(
            org,
            "leaver-recent",
            json!({"starts_on": "2015-01-05", "leaves_on": day(-90)}),
        )
        .await;
    let held = app
        .record_person(
            org,
            "leaver-held",
            json!({"starts_on": "2015-01-05", "leaves_on": years_ago(2)}),
        )
        .await;
    let requester = app.token(org, &["requester"], "leaver-held");
    json_body(
        app.post_json(
            "/api/v1/rights-requests",
            Some(&requester),
            &json!({"right": "access"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let on_hold = app
        .record_person(
            org,
            "leaver-on-hold",
            json!({"starts_on": "2015-01-05", "leaves_on": years_ago(2)}),
        )
        .await;
    json_body(
        app.post_json(
            "/api/v1/legal-holds",
            Some(&dpo(app, org)),
            &json!({"person_id": on_hold, "reason": "Employment tribunal claim"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    Leavers {
        dpo: dpo(app, org),
        on_hold,
        gone,
        ticket: text(&ticket, "id"),
        recent,
        held,
    }
}

async fn person(app: &TestApp, token: &str, id: &str) -> Value {
    json_body(
        app.get(&format!("{PEOPLE}/{id}"), Some(token)).await,
        StatusCode::OK,
    )
    .await
}

#[tokio::test]
async fn a_leaver_past_the_period_is_erased_and_their_tickets_survive_anonymised() {
    let app = spawn_seeded_app().await;
    let l = leavers(&app).await;
    let before_recent = person(&app, &l.dpo, &l.recent).await;
    let before_held = person(&app, &l.dpo, &l.held).await;
    let before_on_hold = person(&app, &l.dpo, &l.on_hold).await;

    let report = sweep(&app, &l.dpo).await;
    assert_eq!(report["status"], "completed", "{report}");
    let policy = only_policy(&report);
    assert_eq!(policy["trigger"], "after_leaving");
    assert_eq!(policy["period"], "P1Y");
    assert_eq!(policy["action"], "erase");
    assert_eq!(
        (policy["acted"].clone(), policy["blocked"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(policy["finished"], true);
    let blocked = report["blocked"].as_array().expect("blocked");
    assert_eq!(blocked.len(), 2, "{report}");
    let blocker_of = |id: &str| {
        blocked
            .iter()
            .find(|b| b["person_id"] == id)
            .map(|b| b["blocked_by"][0]["kind"].clone())
    };
    assert_eq!(blocker_of(&l.held), Some(json!("open_rights_request")));
    assert_eq!(blocker_of(&l.on_hold), Some(json!("legal_hold")));

    // Their identifiers are gone; the ticket is kept, about no one.
    let erased = person(&app, &l.dpo, &l.gone).await;
    assert!(erased["email"].is_null(), "{erased}");
    assert!(erased["external_id"].is_null(), "{erased}");
    assert_ne!(erased["given_name"], "Jo", "{erased}");
    let agent = app.token(CABINET_OFFICE, &["agent"], "desk-1");
    let ticket = app.ticket(&agent, &l.ticket).await;
    assert_ne!(ticket["title"], "My laptop will not start", "{ticket}");
    // Not yet due, and held: untouched.
    assert_eq!(person(&app, &l.dpo, &l.recent).await, before_recent);
    assert_eq!(person(&app, &l.dpo, &l.held).await, before_held);
    assert_eq!(person(&app, &l.dpo, &l.on_hold).await, before_on_hold);

    // The erasure is in the audit trail, with the person as subject.
    let events = app
        .list(
            "/api/v1/audit-events",
            &l.dpo,
            &[("record_kind", "person"), ("operation", "delete")],
        )
        .await;
    assert!(
        events.iter().any(|e| e["record_id"] == l.gone.as_str()),
        "{events:?}"
    );

    // Erased once: not due again.
    let again = sweep(&app, &l.dpo).await;
    assert_eq!(only_policy(&again)["acted"], 0, "{again}");
    let listed = app.list(SWEEPS, &l.dpo, &[]).await;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["id"], again["id"], "newest first");
}

#[tokio::test]
async fn a_dry_run_counts_and_reports_blockers_and_changes_nothing() {
    let app = spawn_seeded_app().await;
    let l = leavers(&app).await;
    let before = person(&app, &l.dpo, &l.gone).await;

    let report = dry_run(&app, &l.dpo).await;
    assert!(report["id"].is_null());
    assert_eq!(report["dry_run"], true);
    let policy = only_policy(&report);
    assert_eq!(
        (policy["acted"].clone(), policy["blocked"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(report["blocked"].as_array().map(Vec::len), Some(2));

    assert_eq!(person(&app, &l.dpo, &l.gone).await, before);
    assert!(app.list(SWEEPS, &l.dpo, &[]).await.is_empty());
    // Run again, it finds the same.
    assert_eq!(only_policy(&dry_run(&app, &l.dpo).await)["acted"], 1);
}

/// Derby reviews its records a year after creation: the newest of a person's records counts.
async fn derby_people(app: &TestApp, n: usize, days_old: i64) -> Vec<String> {
    let mut people = Vec::new();
    for i in 0..n {
        let id = app
            .record_person(DERBY, &format!("derby-{days_old}-{i}"), json!({}))
            .await;
        people.push(id);
    }
    created_days_ago(app, &people, days_old);
    people
}

async fn review_tickets(app: &TestApp) -> Vec<Value> {
    let agent = app.token(DERBY, &["agent"], "desk-1");
    app.list(TICKETS, &agent, &[("limit", "500")])
        .await
        .into_iter()
        .filter(|t| t["title"] == "Retention review due")
        .collect()
}

#[tokio::test]
async fn a_review_is_raised_to_the_dpo_once_per_person_and_policy() {
    let app = spawn_seeded_app().await;
    let dpo = dpo(&app, DERBY);
    let due = derby_people(&app, 1, 400).await;
    let recent = derby_people(&app, 1, 200).await;

    let report = sweep(&app, &dpo).await;
    let policy = only_policy(&report);
    assert_eq!(policy["trigger"], "after_creation");
    assert_eq!(policy["action"], "review");
    assert_eq!(policy["acted"], 1, "{report}");
    let tickets = review_tickets(&app).await;
    assert_eq!(tickets.len(), 1);
    let ticket = &tickets[0];
    assert_eq!(ticket["assigned_team"], "data-protection");
    assert_eq!(ticket["category"], "data_request");
    let description = text(ticket, "description");
    assert!(description.contains(&due[0]), "{description}");
    assert!(!description.contains(&recent[0]), "{description}");
    assert!(
        description.contains(&text(policy, "policy_id")),
        "{description}"
    );
    assert!(
        description.contains("https://www.derby.gov.uk/retention-schedule/"),
        "{description}"
    );

    // Never twice.
    let again = sweep(&app, &dpo).await;
    assert_eq!(only_policy(&again)["acted"], 0);
    assert_eq!(review_tickets(&app).await.len(), 1);
}

#[tokio::test]
async fn a_sweep_cut_short_resumes_after_the_last_person_done() {
    let app = spawn_seeded_app().await;
    let dpo = dpo(&app, DERBY);
    derby_people(&app, 3, 400).await;

    // A sweep that stops after its first person, as a crash would: still running, its lease
    // held.
    let db = app.database().connect();
    let cut = tokio::task::spawn_blocking(move || {
        let mut conn = db.read().expect("a reader");
        let org = persistence::organisations::find_by_slug(
            &mut conn,
            &domain::organisation::OrgSlug::parse(DERBY).expect("a slug"),
        )
        .expect("reads")
        .expect("Derby is seeded");
        drop(conn);
        let by = domain::party::Party::Account("crashing-server".into());
        let started = api::retention::start(&db, org, &by, "crashing-server").expect("starts");
        let api::retention::Start::Started(sweep) = started else {
            panic!("no other sweep runs");
        };
        let mut people = 0;
        let ended = api::retention::run(&db, org, sweep.id, "crashing-server", &mut |step| {
            if matches!(step, api::retention::Progress::Person) {
                people += 1;
            }
            if people >= 1 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .expect("runs");
        assert_eq!(ended, api::retention::Ended::Stopped);
        sweep.id.to_string()
    })
    .await
    .expect("does not panic");
    assert_eq!(review_tickets(&app).await.len(), 1);

    // While its lease holds, no other sweep starts.
    let refused = problem(
        app.post_json(SWEEPS, Some(&dpo), &json!({"dry_run": false}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(text(&refused, "detail").contains(&cut), "{refused}");

    // Once it has run out, the sweep is resumed, not started again.
    app.execute_sql("UPDATE retention_sweep_leases SET expires_at = '2000-01-01 00:00:00'");
    let resumed = start(&app, &dpo).await;
    assert_eq!(resumed, cut);
    let report = finished(&app, &dpo, &resumed).await;
    assert_eq!(only_policy(&report)["acted"], 3, "{report}");
    assert_eq!(review_tickets(&app).await.len(), 3);
    assert_eq!(app.list(SWEEPS, &dpo, &[]).await.len(), 1);
}

#[tokio::test]
async fn one_sweep_runs_at_a_time_over_one_database_whichever_server_is_asked() {
    let first = spawn_seeded_app().await;
    let second = TestApp::builder()
        .database(TestDb::at(first.database_url().to_owned()))
        .spawn()
        .await;
    let dpo = dpo(&first, DERBY);
    let people = derby_people(&first, 60, 400).await;

    // Both asked at once: each answers at once, one starting the sweep; the other is refused
    // naming it, or (had the first already finished) starts the next.
    let body = json!({"dry_run": false});
    let (a, b) = tokio::join!(
        first.post_json(SWEEPS, Some(&dpo), &body),
        second.post_json(SWEEPS, Some(&dpo), &body),
    );
    let statuses = [a.status(), b.status()];
    assert!(
        statuses.contains(&StatusCode::ACCEPTED),
        "one of them starts it: {statuses:?}"
    );
    for (server, response) in [(&first, a), (&second, b)] {
        if response.status() == StatusCode::ACCEPTED {
            let id = text(&json_body(response, StatusCode::ACCEPTED).await, "id");
            finished(server, &dpo, &id).await;
        } else {
            let refused = problem(response, StatusCode::CONFLICT).await;
            assert!(text(&refused, "detail").contains("running"), "{refused}");
        }
    }
    // Never two at once: no sweep started before another had finished.
    // Compared as moments: RFC 3339 text varies in its digits (".5Z" sorts after ".51Z").
    let moment = |s: &Value, field: &str| {
        chrono::DateTime::parse_from_rfc3339(&text(s, field)).expect("an RFC 3339 moment")
    };
    let mut sweeps = first.list(SWEEPS, &dpo, &[]).await;
    sweeps.sort_by_key(|s| moment(s, "started_at"));
    for pair in sweeps.windows(2) {
        assert!(
            moment(&pair[0], "finished_at") <= moment(&pair[1], "started_at"),
            "{pair:?}"
        );
    }
    // Everyone reviewed once.
    assert_eq!(review_tickets(&first).await.len(), people.len());
}

#[tokio::test]
async fn sweeps_are_the_dpos_own_organisations_and_need_a_valid_body() {
    let app = spawn_seeded_app().await;
    let dpo = dpo(&app, CABINET_OFFICE);
    let id = start(&app, &dpo).await;
    finished(&app, &dpo, &id).await;

    problem(
        app.post_json(SWEEPS, None, &json!({"dry_run": true})).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    problem(app.get(SWEEPS, None).await, StatusCode::UNAUTHORIZED).await;
    for role in ["requester", "agent", "admin", "auditor"] {
        let token = app.token(CABINET_OFFICE, &[role], "someone");
        problem(
            app.post_json(SWEEPS, Some(&token), &json!({"dry_run": true}))
                .await,
            StatusCode::FORBIDDEN,
        )
        .await;
        problem(
            app.get(&sweep_path(&id), Some(&token)).await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    // Another organisation's sweep is not found.
    let other = app.token(DEVON, &["dpo"], "dpo-1");
    problem(
        app.get(&sweep_path(&id), Some(&other)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(app.list(SWEEPS, &other, &[]).await.is_empty());
    problem(
        app.get(&sweep_path("not-a-uuid"), Some(&dpo)).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    for body in [json!({}), json!({"dry_run": "yes"})] {
        problem_naming(
            app.post_json(SWEEPS, Some(&dpo), &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "dry_run",
        )
        .await;
    }
}

// ---------------------------------------------------------------------------------------------
// Counted from consent withdrawn, and from a request closed

/// The Cabinet Office's "Satisfaction surveys" purpose (on consent; governs consents and survey
/// answers) and "Access to government data" (governs the trails, rights requests among them).
const SURVEYS_PURPOSE: u128 = 0x1_1005;
const TRAILS_PURPOSE: u128 = 0x1_1003;

/// Gives the Cabinet Office's demo purpose `purpose` a retention policy of its own, `policy`
/// (a body of `/register/retention-policies`), as its administrator; answers the policy's id.
async fn retain(app: &TestApp, purpose: u128, policy: Value) -> String {
    let admin = app.token(CABINET_OFFICE, &["admin"], "keeper-1");
    let created = json_body(
        app.post_json(&Kind::RetentionPolicy.collection(), Some(&admin), &policy)
            .await,
        StatusCode::CREATED,
    )
    .await;
    let policy_id = text(&created, "id");
    let path = Kind::Purpose.item(&seed_id(purpose));
    let response = app.get(&path, Some(&admin)).await;
    let tag = etag_of(&response);
    let mut body = json_body(response, StatusCode::OK).await;
    let fields = body.as_object_mut().expect("a purpose");
    // What the read adds to what is written.
    for read_only in ["id", "version", "created_at", "updated_at", "rights"] {
        fields.remove(read_only);
    }
    fields.insert("retention_policy".into(), json!(policy_id));
    json_body(
        app.put_if_match(&admin, &path, &tag, &body).await,
        StatusCode::OK,
    )
    .await;
    policy_id
}

/// The report's policy of `trigger`.
fn policy_of<'a>(report: &'a Value, trigger: &str) -> &'a Value {
    report["policies"]
        .as_array()
        .and_then(|policies| policies.iter().find(|p| p["trigger"] == trigger))
        .unwrap_or_else(|| panic!("a policy {trigger} in {report}"))
}

#[tokio::test]
async fn answers_are_erased_a_year_after_the_persons_last_consent_was_withdrawn() {
    use crate::surveys::{Desk as Surveys, TEAM, survey_path};
    let d = Surveys::on(spawn_seeded_app().await).await;
    let app = &d.app;
    let policy = retain(
        app,
        SURVEYS_PURPOSE,
        json!({"trigger": "after_consent_withdrawn", "period": "P1Y", "action": "erase"}),
    )
    .await;
    // Withdrew long ago; withdrew lately; withdrew one consent long ago but gave another since.
    let (gone, gone_ticket, gone_consent) = d.answered_saying("gone", TEAM, 4, "Fine").await;
    let (lately, lately_ticket, lately_consent) =
        d.answered_saying("lately", TEAM, 3, "Slow").await;
    let (still, still_ticket, still_consent) = d.answered_saying("still", TEAM, 5, "Great").await;
    let given_since = text(&d.give_consent(&still).await, "id");
    let mut person_of = std::collections::HashMap::new();
    for (token, consent) in [
        (&gone, &gone_consent),
        (&lately, &lately_consent),
        (&still, &still_consent),
    ] {
        let withdrawn = json_body(d.withdraw(consent, Some(token)).await, StatusCode::OK).await;
        person_of.insert(consent.clone(), text(&withdrawn, "person_id"));
    }
    app.execute_sql(&format!(
        "UPDATE consents SET withdrawn_at = '{}' WHERE id IN ('{gone_consent}', '{still_consent}')",
        stored_days_ago(400)
    ));
    let answer = |token: &str, ticket: &str| {
        let path = survey_path(ticket);
        let token = token.to_owned();
        async move { app.get(&path, Some(&token)).await }
    };
    let before_lately = json_body(answer(&lately, &lately_ticket).await, StatusCode::OK).await;
    let before_still = json_body(answer(&still, &still_ticket).await, StatusCode::OK).await;

    let dpo = dpo(app, CABINET_OFFICE);
    let report = sweep(app, &dpo).await;
    assert_eq!(report["status"], "completed", "{report}");
    let swept = policy_of(&report, "after_consent_withdrawn");
    assert_eq!(swept["policy_id"], policy.as_str());
    assert_eq!(
        (swept["acted"].clone(), swept["blocked"].clone()),
        (json!(1), json!(0))
    );

    // The policy's holdings of the person due: their answer gone, their consent kept as the
    // proof that it was given and withdrawn.
    problem(answer(&gone, &gone_ticket).await, StatusCode::NOT_FOUND).await;
    let consents = app
        .list(
            "/api/v1/consents",
            &dpo,
            &[("person_id", person_of[&gone_consent].as_str())],
        )
        .await;
    assert_eq!(consents.len(), 1, "{consents:?}");
    assert!(consents[0]["withdrawn_at"].is_string(), "{consents:?}");
    // Not yet due, and still consenting: untouched.
    assert_eq!(
        json_body(answer(&lately, &lately_ticket).await, StatusCode::OK).await,
        before_lately
    );
    assert_eq!(
        json_body(answer(&still, &still_ticket).await, StatusCode::OK).await,
        before_still
    );
    let standing = app.list("/api/v1/consents", &still, &[]).await;
    assert!(
        standing
            .iter()
            .any(|c| c["id"] == given_since.as_str() && c["withdrawn_at"].is_null()),
        "{standing:?}"
    );
    // The erasure is in the audit trail, about the person.
    let events = app
        .list(
            "/api/v1/audit-events",
            &dpo,
            &[("record_kind", "person"), ("operation", "delete")],
        )
        .await;
    let erased: Vec<&Value> = events.iter().map(|e| &e["record_id"]).collect();
    assert_eq!(erased, [&json!(person_of[&gone_consent])], "{events:?}");
}

/// A person of the Cabinet Office who asks for access to their data, once for each of
/// `closed_days_ago` (the DPO answers it, closing it, that many days ago) and, if `open`, once
/// more left unanswered; answers their person id.
async fn asked(app: &TestApp, sub: &str, closed_days_ago: &[i64], open: bool) -> String {
    let person = app.record_person(CABINET_OFFICE, sub, json!({})).await;
    let requester = app.token(CABINET_OFFICE, &["requester"], sub);
    let dpo = dpo(app, CABINET_OFFICE);
    let ask = || async {
        let made = json_body(
            app.post_json(
                "/api/v1/rights-requests",
                Some(&requester),
                &json!({"right": "access"}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        text(&made, "id")
    };
    for &days in closed_days_ago {
        let request = ask().await;
        let closed = json_body(
            app.post_json(
                &format!("/api/v1/rights-requests/{request}/outcome"),
                Some(&dpo),
                &json!({"outcome": "fulfilled"}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(closed["status"], "closed", "{closed}");
        app.execute_sql(&format!(
            "UPDATE rights_request_steps SET occurred_at = '{}' \
                 WHERE request_id = '{request}' AND kind = 'closed'",
            stored_days_ago(days)
        ));
    }
    if open {
        ask().await;
    }
    person
}

#[tokio::test]
async fn a_review_is_raised_a_year_after_the_last_of_a_persons_requests_closed() {
    let app = spawn_seeded_app().await;
    let policy = retain(
        &app,
        TRAILS_PURPOSE,
        json!({"trigger": "after_request_closed", "period": "P1Y", "action": "review",
               "schedule_reference": "Rights requests: one year after the last is answered"}),
    )
    .await;
    let due = asked(&app, "asked-long-ago", &[500, 400], false).await;
    let lately = asked(&app, "asked-lately", &[10], false).await;
    let again = asked(&app, "asked-again", &[400, 20], false).await;
    let open = asked(&app, "still-asking", &[400], true).await;
    let agent = app.token(CABINET_OFFICE, &["agent"], "desk-1");
    let reviews = || async {
        app.list(TICKETS, &agent, &[("limit", "500")])
            .await
            .into_iter()
            .filter(|t| t["title"] == "Retention review due")
            .collect::<Vec<Value>>()
    };

    let dpo = dpo(&app, CABINET_OFFICE);
    let report = sweep(&app, &dpo).await;
    assert_eq!(report["status"], "completed", "{report}");
    let swept = policy_of(&report, "after_request_closed");
    assert_eq!(swept["policy_id"], policy.as_str());
    assert_eq!(
        (swept["acted"].clone(), swept["blocked"].clone()),
        (json!(1), json!(0))
    );
    let raised = reviews().await;
    assert_eq!(raised.len(), 1, "{raised:?}");
    let description = text(&raised[0], "description");
    assert!(description.contains(&due), "{description}");
    assert!(description.contains(&policy), "{description}");
    for not_due in [&lately, &again, &open] {
        assert!(!description.contains(not_due.as_str()), "{description}");
    }

    // Once per person.
    let again = sweep(&app, &dpo).await;
    assert_eq!(
        policy_of(&again, "after_request_closed")["acted"],
        0,
        "{again}"
    );
    assert_eq!(reviews().await.len(), 1);
}
