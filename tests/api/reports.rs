//! Statistics without people: ticket counts and times to resolve by a grouping, never a group
//! under 5 (complementary suppression, so none can be had by subtraction), and an anonymised,
//! k-anonymous CSV export for research. Neither names anyone.

use std::collections::{HashMap, HashSet};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

const REPORT: &str = "/api/v1/reports/tickets";
const EXPORT: &str = "/api/v1/reports/tickets/export";
const EVENTS: &str = "/api/v1/audit-events";

/// The desk: an agent raising tickets for one person, and the readers of reports.
struct Desk {
    agent: String,
    dpo: String,
    person: String,
}

async fn desk(app: &TestApp) -> Desk {
    let person = app
        .record_person(
            ORG,
            "R100",
            json!({"given_name": "Philippa", "family_name": "Quarrington",
                   "email": "philippa.quarrington@example.org"}),
        )
        .await;
    Desk {
        agent: app.token(ORG, &["agent"], "agent-1"),
        dpo: app.token(ORG, &["dpo"], "dpo-1"),
        person,
    }
}

/// Raises `count` tickets for the desk's person with `category` and `team`, resolving the first
/// `resolved` of them; returns their references.
async fn raise(
    app: &TestApp,
    d: &Desk,
    count: usize,
    category: &str,
    team: &str,
    resolved: usize,
) -> Vec<String> {
    let mut references = Vec::new();
    for i in 0..count {
        let ticket = app
            .create_ticket(
                &d.agent,
                &json!({"kind": "incident", "category": category, "assigned_team": team,
                        "requester_id": d.person,
                        "title": format!("Philippa Quarrington's laptop {i}"),
                        "description": "Call Philippa on 07700 900123"}),
            )
            .await;
        let id = text(&ticket, "id");
        if i < resolved {
            for status in ["open", "resolved"] {
                app.update_ticket(&d.agent, &id, &json!({"status": status}))
                    .await;
            }
        }
        references.push(text(&ticket, "reference"));
    }
    references
}

async fn report(app: &TestApp, token: &str, query: &[(&str, &str)]) -> Value {
    let response = send(app.request(Method::GET, REPORT, Some(token)).query(query)).await;
    json_body(response, StatusCode::OK).await
}

/// Each shown group's value and count.
fn shown(report: &Value) -> Vec<(Value, u64)> {
    report["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| (g["group"].clone(), g["tickets"].as_u64().expect("a count")))
        .collect()
}

/// Fails if the body holds anything that leads to the person or a ticket.
fn assert_names_no_one(body: &str, d: &Desk, references: &[String]) {
    for secret in [
        "Philippa",
        "Quarrington",
        "example.org",
        "07700",
        "laptop",
        "R100",
        d.person.as_str(),
    ] {
        assert!(!body.contains(secret), "{secret} in {body}");
    }
    for reference in references {
        assert!(!body.contains(reference.as_str()), "{reference} in {body}");
    }
    assert!(!body.contains("INC-"), "{body}");
}

#[tokio::test]
async fn a_group_of_four_is_hidden_a_group_of_five_shown_and_no_one_is_named() {
    let app = spawn_app().await;
    let d = desk(&app).await;
    let mut references = Vec::new();
    references.extend(raise(&app, &d, 5, "it_system", "Alpha", 5).await);
    references.extend(raise(&app, &d, 4, "data_request", "Bravo", 4).await);
    references.extend(raise(&app, &d, 6, "complaint", "Charlie", 0).await);
    references.extend(raise(&app, &d, 1, "complaint", "Delta", 0).await);

    // By team: Bravo (4) and Delta (1) are withheld, together 5; Alpha (5) and Charlie (6) show.
    let by_team = report(&app, &d.dpo, &[("group_by", "team")]).await;
    assert_eq!(by_team["group_by"], "team");
    assert_eq!(by_team["min_group"], 5);
    assert_eq!(
        shown(&by_team),
        [(json!("Alpha"), 5), (json!("Charlie"), 6)]
    );
    assert_eq!(by_team["suppressed_groups"], 2);
    assert_eq!(by_team["suppressed_tickets"], 5);
    let alpha = &by_team["groups"][0];
    assert_eq!(alpha["resolved"], 5);
    assert_eq!(alpha["median_hours_to_resolve"], 0);
    assert_eq!(alpha["p90_hours_to_resolve"], 0);
    let charlie = &by_team["groups"][1];
    assert_eq!(charlie["resolved"], 0);
    assert_eq!(charlie["median_hours_to_resolve"], Value::Null);

    // By category: data_request (4) alone is withheld, so the smallest shown group goes with it
    // (it_system, 5) and complaint (7) is all that shows: 4 cannot be had by subtraction.
    let by_category = report(&app, &d.dpo, &[("group_by", "category")]).await;
    assert_eq!(shown(&by_category), [(json!("complaint"), 7)]);
    assert_eq!(by_category["suppressed_groups"], 2);
    assert_eq!(by_category["suppressed_tickets"], 9);
    // Category is the grouping unless another is given.
    assert_eq!(report(&app, &d.dpo, &[]).await, by_category);

    // By kind, status and month: one body each, and none names anyone.
    let by_kind = report(&app, &d.dpo, &[("group_by", "kind")]).await;
    assert_eq!(shown(&by_kind), [(json!("incident"), 16)]);
    let by_status = report(&app, &d.dpo, &[("group_by", "status")]).await;
    assert_eq!(
        shown(&by_status),
        [(json!("new"), 7), (json!("resolved"), 9)]
    );
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let by_month = report(&app, &d.dpo, &[("group_by", "month")]).await;
    assert_eq!(shown(&by_month), [(json!(month), 16)]);
    for body in [&by_team, &by_category, &by_kind, &by_status, &by_month] {
        assert_names_no_one(&body.to_string(), &d, &references);
    }

    // Admins and auditors read it too; the days raised narrow it.
    for role in ["admin", "auditor"] {
        let token = app.token(ORG, &[role], "reader-1");
        assert_eq!(report(&app, &token, &[("group_by", "team")]).await, by_team);
    }
    let today = chrono::Utc::now().date_naive();
    let tomorrow = (today + chrono::Duration::days(1)).to_string();
    let yesterday = (today - chrono::Duration::days(1)).to_string();
    let none = report(&app, &d.dpo, &[("group_by", "team"), ("from", &tomorrow)]).await;
    assert_eq!(shown(&none), []);
    assert_eq!(none["suppressed_tickets"], 0);
    let all = report(
        &app,
        &d.dpo,
        &[
            ("group_by", "team"),
            ("from", &yesterday),
            ("to", &today.to_string()),
        ],
    )
    .await;
    assert_eq!(all, by_team);
    let before = report(&app, &d.dpo, &[("group_by", "team"), ("to", &yesterday)]).await;
    assert_eq!(shown(&before), []);
}

#[tokio::test]
async fn too_few_tickets_in_all_show_nothing_not_even_their_number() {
    let app = spawn_app().await;
    let d = desk(&app).await;
    raise(&app, &d, 3, "it_system", "Alpha", 1).await;
    let answer = report(&app, &d.dpo, &[("group_by", "team")]).await;
    assert_eq!(shown(&answer), []);
    assert_eq!(answer["suppressed_groups"], 1);
    assert_eq!(answer["suppressed_tickets"], Value::Null);
}

#[tokio::test]
async fn reports_need_a_token_a_reading_role_and_good_parameters() {
    let app = spawn_app().await;
    let d = desk(&app).await;
    for path in [REPORT, EXPORT] {
        problem(app.get(path, None).await, StatusCode::UNAUTHORIZED).await;
        for role in ["requester", "agent", "integrator"] {
            let token = app.token(ORG, &[role], "someone");
            problem(app.get(path, Some(&token)).await, StatusCode::FORBIDDEN).await;
        }
        for (name, value) in [
            ("from", "2026-13-01"),
            ("from", "yesterday"),
            ("to", "2026-02-30"),
        ] {
            problem_naming(
                send(
                    app.request(Method::GET, path, Some(&d.dpo))
                        .query(&[(name, value)]),
                )
                .await,
                StatusCode::BAD_REQUEST,
                name,
            )
            .await;
        }
        problem_naming(
            send(
                app.request(Method::GET, path, Some(&d.dpo))
                    .query(&[("from", "2026-03-02"), ("to", "2026-03-01")]),
            )
            .await,
            StatusCode::BAD_REQUEST,
            "to",
        )
        .await;
    }
    for bad in ["person", "requester", ""] {
        problem_naming(
            send(
                app.request(Method::GET, REPORT, Some(&d.dpo))
                    .query(&[("group_by", bad)]),
            )
            .await,
            StatusCode::BAD_REQUEST,
            "group_by",
        )
        .await;
    }
}

/// The export's rows, by column name, and its two counts.
async fn export(app: &TestApp, token: &str) -> (Vec<HashMap<String, String>>, u64, u64) {
    let response = app.get(EXPORT, Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        content_type(&response).starts_with("text/csv"),
        "{response:?}"
    );
    let count = |name: &str| -> u64 {
        header_of(
            &response,
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).expect("a name"),
        )
        .parse()
        .expect("a count")
    };
    let (exported, withheld) = (count("rows-exported"), count("rows-withheld"));
    let body = response.text().await.expect("a body");
    let mut lines = body.split("\r\n").filter(|l| !l.is_empty());
    let header: Vec<String> = lines
        .next()
        .expect("a header line")
        .split(',')
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "row",
            "category",
            "kind",
            "team",
            "created_month",
            "priority",
            "status",
            "hours_to_resolve"
        ]
    );
    let rows = lines
        .map(|line| {
            header
                .iter()
                .cloned()
                .zip(line.split(',').map(str::to_owned))
                .collect()
        })
        .collect();
    (rows, exported, withheld)
}

#[tokio::test]
async fn the_export_withholds_rare_combinations_and_names_no_one() {
    let app = spawn_app().await;
    let d = desk(&app).await;
    let mut references = Vec::new();
    references.extend(raise(&app, &d, 5, "it_system", "Alpha", 2).await);
    references.extend(raise(&app, &d, 4, "it_system", "Bravo", 1).await);
    references.extend(raise(&app, &d, 6, "complaint", "Alpha", 6).await);

    let (rows, exported, withheld) = export(&app, &d.dpo).await;
    assert_eq!((exported, withheld), (11, 4));
    assert_eq!(rows.len(), 11);
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let mut combinations: HashMap<(String, String), usize> = HashMap::new();
    for row in &rows {
        assert_eq!(row["kind"], "incident");
        assert_eq!(row["created_month"], month);
        assert_eq!(row["priority"], "medium");
        assert_ne!(row["team"], "Bravo", "a combination of 4 is withheld");
        *combinations
            .entry((row["category"].clone(), row["team"].clone()))
            .or_default() += 1;
        match row["status"].as_str() {
            "resolved" => assert_eq!(row["hours_to_resolve"], "0"),
            "new" => assert_eq!(row["hours_to_resolve"], ""),
            other => panic!("status {other}"),
        }
    }
    assert_eq!(
        combinations,
        HashMap::from([
            (("it_system".into(), "Alpha".into()), 5),
            (("complaint".into(), "Alpha".into()), 6),
        ])
    );
    let numbers: HashSet<&String> = rows.iter().map(|r| &r["row"]).collect();
    assert_eq!(numbers.len(), rows.len(), "row numbers are unique");
    let (again, _, _) = export(&app, &d.dpo).await;
    let numbers_again: HashSet<&String> = again.iter().map(|r| &r["row"]).collect();
    assert!(
        numbers.is_disjoint(&numbers_again),
        "each export draws its own numbers"
    );

    let body = send(app.request(Method::GET, EXPORT, Some(&d.dpo)))
        .await
        .text()
        .await
        .expect("a body");
    assert_names_no_one(&body, &d, &references);

    // Each export is in the trail, about no one.
    let events = app
        .list(
            EVENTS,
            &d.dpo,
            &[("operation", "export"), ("record_kind", "ticket")],
        )
        .await;
    assert_eq!(events.len(), 3, "{events:?}");
    assert!(events.iter().all(|e| e["subject"].is_null()), "{events:?}");

    // Narrowed to days with no tickets, nothing is exported or withheld.
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Duration::days(1)).to_string();
    let response = send(
        app.request(Method::GET, EXPORT, Some(&d.dpo))
            .query(&[("from", &tomorrow)]),
    )
    .await;
    assert_eq!(
        header_of(
            &response,
            reqwest::header::HeaderName::from_static("rows-exported")
        ),
        "0"
    );
    let body = response.text().await.expect("a body");
    assert_eq!(body.lines().count(), 1, "the header line alone: {body}");
}
