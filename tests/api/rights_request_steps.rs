//! The steps of a rights request after it is received, over HTTP: identity and clarification
//! asked for and received (Art 12(6), 12A) pausing the request and moving its clock, an
//! extension by notice before the first deadline (Art 12(3)), a complaint's acknowledgement
//! (DPA 2018 s.164A), and the outcome that closes it with the Art 12(4) response. Also the
//! nation an organisation's details give its requests, one-off bank holidays from
//! configuration, and the subject access section of every generated notice.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::rights_requests::letters::written_date;
use domain::rights_requests::{BankHolidays, Nation, RelevantTime, extended_due_on, uk_date};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

const REQUESTS: &str = "/api/v1/rights-requests";
const EVENTS: &str = "/api/v1/audit-events";

fn request_path(id: &str) -> String {
    format!("{REQUESTS}/{id}")
}

fn step_path(id: &str, step: &str) -> String {
    format!("{REQUESTS}/{id}/{step}")
}

fn ago(days: i64) -> String {
    (Utc::now() - Duration::days(days)).to_rfc3339()
}

fn date(value: &Value, field: &str) -> NaiveDate {
    text(value, field).parse().expect("a date")
}

fn kinds(request: &Value) -> Vec<String> {
    request["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| text(s, "kind"))
        .collect()
}

struct Desk {
    app: TestApp,
    dpo: String,
    /// A requester with a person record (subject `E100`).
    alice: String,
    alice_id: String,
}

async fn desk() -> Desk {
    desk_on(spawn_app().await).await
}

async fn desk_on(app: TestApp) -> Desk {
    let alice_id = app.record_person(ORG, "E100", json!({})).await;
    Desk {
        dpo: app.token(ORG, &["dpo"], "dpo-1"),
        alice: app.token(ORG, &["requester"], "E100"),
        alice_id,
        app,
    }
}

impl Desk {
    /// The DPO logs a request about Alice, received by letter at `received_at`.
    async fn logged(&self, right: &str, received_at: &str, nation: Option<&str>) -> Value {
        let mut body = json!({"right": right, "person_id": self.alice_id, "channel": "letter",
                              "received_at": received_at});
        if let Some(nation) = nation {
            body["nation"] = json!(nation);
        }
        json_body(
            self.app.post_json(REQUESTS, Some(&self.dpo), &body).await,
            StatusCode::CREATED,
        )
        .await
    }

    async fn step(&self, request: &Value, step: &str, body: &Value) -> reqwest::Response {
        let path = step_path(&text(request, "id"), step);
        self.app.post_json(&path, Some(&self.dpo), body).await
    }

    /// A step that must succeed; the request as it then stands.
    async fn took(&self, request: &Value, step: &str, body: &Value) -> Value {
        json_body(self.step(request, step, body).await, StatusCode::OK).await
    }

    /// A step refused with 409, whose problem names `rule`; the problem's detail.
    async fn out_of_turn(&self, request: &Value, step: &str, body: &Value, rule: &str) -> String {
        let refused = problem(self.step(request, step, body).await, StatusCode::CONFLICT).await;
        let detail = text(&refused, "detail");
        assert!(detail.contains(rule), "{detail} names {rule}");
        detail
    }

    async fn refused_naming(&self, request: &Value, step: &str, body: &Value, field: &str) {
        problem_naming(
            self.step(request, step, body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            field,
        )
        .await;
    }

    async fn queue(&self) -> Value {
        json_body(
            self.app.get(REQUESTS, Some(&self.dpo)).await,
            StatusCode::OK,
        )
        .await
    }
}

#[tokio::test]
async fn identity_pauses_the_request_and_its_arrival_moves_the_due_date() {
    let d = desk().await;
    let made = d
        .logged("access", "2026-03-02T10:00:00Z", Some("england-and-wales"))
        .await;
    assert_eq!(made["due_on"], "2026-04-02");
    assert_eq!(made["relevant_time"], "2026-03-02");
    assert_eq!(made["steps"], json!([]));
    assert_eq!(made["awaiting"], json!([]));

    let asked = d
        .took(
            &made,
            "identity",
            &json!({"requested_at": "2026-03-03T09:00:00Z"}),
        )
        .await;
    assert_eq!(asked["status"], "paused");
    assert_eq!(asked["awaiting"], json!(["identity"]));
    assert_eq!(asked["due_on"], "2026-04-02");
    // A paused request stays in the queue.
    let queue = d.queue().await;
    assert_eq!(ids(&items(&queue)), [text(&made, "id")]);
    assert_eq!(items(&queue)[0]["status"], "paused");

    // Identity arrives on 9 March: the clock runs from then (9 April; Easter is 3 to 6 April).
    let answered = d
        .took(
            &made,
            "identity",
            &json!({"received_at": "2026-03-09T12:00:00Z"}),
        )
        .await;
    assert_eq!(answered["status"], "open");
    assert_eq!(answered["awaiting"], json!([]));
    assert_eq!(answered["identity_confirmed_on"], "2026-03-09");
    assert_eq!(answered["relevant_time"], "2026-03-09");
    assert_eq!(answered["due_on"], "2026-04-09");
    assert_eq!(
        kinds(&answered),
        ["identity_requested", "identity_received"]
    );
    let steps = answered["steps"].as_array().expect("steps");
    assert_eq!(steps[0]["at"], "2026-03-03T09:00:00Z");
    assert!(steps.iter().all(|s| s["by"] == by_account("dpo-1")));

    // The person reads their request, steps and all; so does the DPO.
    let path = request_path(&text(&made, "id"));
    let theirs = json_body(d.app.get(&path, Some(&d.alice)).await, StatusCode::OK).await;
    assert_eq!(theirs, answered);

    // Each step is an update of the request in the trail, about Alice.
    let events = d
        .app
        .list(
            EVENTS,
            &d.dpo,
            &[("record_kind", "rights_request"), ("operation", "update")],
        )
        .await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(events.iter().all(|e| e["record_id"] == made["id"]));
}

#[tokio::test]
async fn clarification_pauses_the_clock_across_scottish_holidays() {
    let d = desk().await;
    let made = d
        .logged("access", "2025-10-20T10:00:00Z", Some("scotland"))
        .await;
    let asked = d
        .took(
            &made,
            "clarification",
            &json!({"requested_at": "2025-10-21T10:00:00Z"}),
        )
        .await;
    assert_eq!(asked["status"], "paused");
    assert_eq!(asked["awaiting"], json!(["clarification"]));
    // Received 30 October: due 30 November, a Sunday and St Andrew's Day, whose substitute is
    // Monday 1 December: Tuesday 2 December in Scotland.
    let answered = d
        .took(
            &made,
            "clarification",
            &json!({"received_at": "2025-10-30T16:00:00Z"}),
        )
        .await;
    assert_eq!(answered["clarification_received_on"], "2025-10-30");
    assert_eq!(answered["due_on"], "2025-12-02");
    assert_eq!(answered["status"], "open");
    assert_eq!(
        kinds(&answered),
        ["clarification_requested", "clarification_received"]
    );
}

#[tokio::test]
async fn a_fee_pauses_the_request_until_paid_and_is_never_asked_of_a_complaint() {
    let d = desk().await;
    let made = d.logged("access", "2026-03-02T10:00:00Z", None).await;
    assert_eq!(made["due_on"], "2026-04-02");
    let asked = d
        .took(
            &made,
            "fee",
            &json!({"requested_at": "2026-03-03T10:00:00Z"}),
        )
        .await;
    assert_eq!(asked["status"], "paused");
    assert_eq!(asked["awaiting"], json!(["fee"]));
    // Paid 30 April: due 30 May, a Saturday; Monday 1 June is the next working day in England.
    let paid = d
        .took(
            &made,
            "fee",
            &json!({"received_at": "2026-04-30T12:00:00Z"}),
        )
        .await;
    assert_eq!(paid["status"], "open");
    assert_eq!(paid["fee_paid_on"], "2026-04-30");
    assert_eq!(paid["due_on"], "2026-06-01");
    assert_eq!(kinds(&paid), ["fee_requested", "fee_paid"]);

    let complaint = d.logged("complaint", "2026-03-02T10:00:00Z", None).await;
    d.out_of_turn(
        &complaint,
        "fee",
        &json!({"requested_at": "2026-03-03T10:00:00Z"}),
        "Art 12(5)",
    )
    .await;
}

#[tokio::test]
async fn information_steps_refuse_bad_dates_and_steps_out_of_turn() {
    let d = desk().await;
    let made = d.logged("erasure", &ago(10), None).await;
    for body in [
        json!({}),
        json!({"requested_at": ago(1), "received_at": ago(1)}),
    ] {
        let refused = problem_naming(
            d.step(&made, "identity", &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "requested_at",
        )
        .await;
        assert!(fields(&refused).contains(&"received_at".to_owned()));
    }
    let tomorrow = (Utc::now() + Duration::days(1)).to_rfc3339();
    d.refused_naming(
        &made,
        "identity",
        &json!({"requested_at": tomorrow}),
        "requested_at",
    )
    .await;
    d.refused_naming(
        &made,
        "clarification",
        &json!({"requested_at": ago(11)}),
        "requested_at",
    )
    .await;
    d.refused_naming(
        &made,
        "identity",
        &json!({"requested_at": "last week"}),
        "requested_at",
    )
    .await;
    d.refused_naming(&made, "identity", &json!({"asked": true}), "asked")
        .await;
    // An answer to a question never asked moves nothing.
    d.out_of_turn(
        &made,
        "identity",
        &json!({"received_at": ago(1)}),
        "(Art 12A)",
    )
    .await;
    d.took(&made, "identity", &json!({"requested_at": ago(5)}))
        .await;
    d.out_of_turn(
        &made,
        "identity",
        &json!({"requested_at": ago(4)}),
        "(Art 12(6))",
    )
    .await;
    d.refused_naming(
        &made,
        "identity",
        &json!({"received_at": ago(6)}),
        "received_at",
    )
    .await;
    // Nothing refused was kept.
    let read = json_body(
        d.app
            .get(&request_path(&text(&made, "id")), Some(&d.dpo))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(kinds(&read), ["identity_requested"]);
}

#[tokio::test]
async fn steps_need_the_dpo_of_the_organisation() {
    let d = desk().await;
    let made = d.logged("access", &ago(3), None).await;
    let id = text(&made, "id");
    let body = json!({"requested_at": ago(1)});
    for step in [
        "identity",
        "clarification",
        "extension",
        "acknowledgement",
        "outcome",
    ] {
        let path = step_path(&id, step);
        problem(
            d.app.post_json(&path, None, &body).await,
            StatusCode::UNAUTHORIZED,
        )
        .await;
        for role in ["requester", "agent", "admin", "auditor", "integrator"] {
            let token = d.app.token(ORG, &[role], "E100");
            problem(
                d.app.post_json(&path, Some(&token), &body).await,
                StatusCode::FORBIDDEN,
            )
            .await;
        }
        // Another organisation's DPO finds no such request, whatever the step.
        let other = d.app.token(OTHER_ORG, &["dpo"], "dpo-1");
        let valid = match step {
            "identity" | "clarification" => body.clone(),
            "extension" => json!({"months": 1, "reasons": "Complex"}),
            "acknowledgement" => json!({}),
            _ => json!({"outcome": "fulfilled"}),
        };
        problem(
            d.app.post_json(&path, Some(&other), &valid).await,
            StatusCode::NOT_FOUND,
        )
        .await;
        problem(
            d.app
                .post_json(
                    &step_path(&uuid::Uuid::now_v7().to_string(), step),
                    Some(&d.dpo),
                    &valid,
                )
                .await,
            StatusCode::NOT_FOUND,
        )
        .await;
        problem(
            d.app
                .post_json(&step_path("not-an-id", step), Some(&d.dpo), &valid)
                .await,
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    let read = json_body(
        d.app.get(&request_path(&id), Some(&d.dpo)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["steps"], json!([]));
}

#[tokio::test]
async fn an_extension_comes_with_its_notice_before_the_first_deadline_and_two_months_at_most() {
    let d = desk().await;
    let made = d.logged("access", &ago(5), Some("england-and-wales")).await;
    let received_at: DateTime<Utc> = text(&made, "received_at").parse().expect("a moment");
    let relevant = RelevantTime::received(uk_date(received_at));
    let expected = |months| {
        extended_due_on(
            &relevant,
            months,
            Nation::EnglandAndWales,
            &BankHolidays::default(),
        )
    };
    let reasons = "Ten years of tickets across three systems to search";
    let once = d
        .took(
            &made,
            "extension",
            &json!({"months": 1, "reasons": reasons}),
        )
        .await;
    assert_eq!(once["due_on"], made["due_on"]);
    assert_eq!(date(&once, "extended_due_on"), expected(1));
    assert!(date(&once, "extended_due_on") > date(&once, "due_on"));
    let notice = text(&once, "extension_notice");
    assert!(notice.contains(reasons), "{notice}");
    assert!(notice.contains(&written_date(expected(1))), "{notice}");
    assert!(notice.contains("Article 12(3)"), "{notice}");
    let step = &once["steps"][0];
    assert_eq!(step["kind"], "extended");
    assert_eq!(step["months"], 1);
    assert_eq!(step["reasons"], reasons);
    assert_eq!(step["letter"], notice.as_str());
    assert_eq!(once["status"], "open");

    let twice = d
        .took(
            &made,
            "extension",
            &json!({"months": 1, "reasons": "Still more"}),
        )
        .await;
    assert_eq!(date(&twice, "extended_due_on"), expected(2));
    assert!(text(&twice, "extension_notice").contains("two months in all"));
    let detail = d
        .out_of_turn(
            &made,
            "extension",
            &json!({"months": 1, "reasons": "Again"}),
            "(Art 12(3))",
        )
        .await;
    assert!(detail.contains("at most 2"), "{detail}");

    // After the first deadline it is too late, and the problem says which day that was.
    let late = d.logged("erasure", &ago(60), None).await;
    let detail = d
        .out_of_turn(
            &late,
            "extension",
            &json!({"months": 2, "reasons": "Complex"}),
            "(Art 12(3))",
        )
        .await;
    assert!(
        detail.contains(&written_date(date(&late, "due_on"))),
        "{detail}"
    );
    // A complaint has no extension.
    let complaint = d.logged("complaint", &ago(1), None).await;
    d.out_of_turn(
        &complaint,
        "extension",
        &json!({"months": 1, "reasons": "Complex"}),
        "(DPA 2018 s.164A)",
    )
    .await;
    // Bad bodies name the field.
    let fresh = d.logged("portability", &ago(1), None).await;
    for (body, field) in [
        (json!({"months": 3, "reasons": "Complex"}), "months"),
        (json!({"months": 0, "reasons": "Complex"}), "months"),
        (json!({"months": "two", "reasons": "Complex"}), "months"),
        (json!({"months": 1, "reasons": "  "}), "reasons"),
        (json!({"months": 1}), "reasons"),
        (json!({"months": 1, "reasons": "x".repeat(4001)}), "reasons"),
    ] {
        d.refused_naming(&fresh, "extension", &body, field).await;
    }
}

#[tokio::test]
async fn a_complaint_is_acknowledged_once_and_then_answered() {
    let d = desk().await;
    let complaint = d.logged("complaint", &ago(3), None).await;
    d.out_of_turn(
        &complaint,
        "outcome",
        &json!({"outcome": "fulfilled"}),
        "(DPA 2018 s.164A(3))",
    )
    .await;
    let tomorrow = (Utc::now() + Duration::days(1)).to_rfc3339();
    d.refused_naming(
        &complaint,
        "acknowledgement",
        &json!({"acknowledged_at": tomorrow}),
        "acknowledged_at",
    )
    .await;
    d.refused_naming(
        &complaint,
        "acknowledgement",
        &json!({"acknowledged_at": ago(4)}),
        "acknowledged_at",
    )
    .await;
    let acknowledged = d
        .took(
            &complaint,
            "acknowledgement",
            &json!({"acknowledged_at": ago(2)}),
        )
        .await;
    assert_eq!(
        date(&acknowledged, "acknowledged_on"),
        uk_date(Utc::now() - Duration::days(2))
    );
    assert!(acknowledged["acknowledge_by"].is_string());
    d.out_of_turn(
        &complaint,
        "acknowledgement",
        &json!({}),
        "(DPA 2018 s.164A)",
    )
    .await;
    // Only a complaint is acknowledged.
    let access = d.logged("access", &ago(3), None).await;
    let detail = d
        .out_of_turn(&access, "acknowledgement", &json!({}), "(DPA 2018 s.164A)")
        .await;
    assert!(detail.contains("access"), "{detail}");

    // A complaint is not upheld for reasons, on no refusal ground.
    d.refused_naming(
        &complaint,
        "outcome",
        &json!({"outcome": "refused", "ground": "art_12_5_manifestly_unfounded",
                "reasons": "Vexatious"}),
        "ground",
    )
    .await;
    let answered = d
        .took(
            &complaint,
            "outcome",
            &json!({"outcome": "partly_fulfilled",
                    "reasons": "The reply was late; the disclosure itself was lawful."}),
        )
        .await;
    assert_eq!(answered["status"], "closed");
    let response = text(&answered["outcome"], "response");
    assert!(response.contains("uphold it in part"), "{response}");
    assert!(response.contains("Information Commissioner"), "{response}");
    assert_eq!(kinds(&answered), ["acknowledged", "closed"], "{answered}");
}

#[tokio::test]
async fn an_outcome_closes_the_request_with_its_art_12_4_response() {
    let d = desk().await;
    let erasure = d.logged("erasure", &ago(20), None).await;
    let reasons = "Payroll records are kept for six years after you leave";
    let closed = d
        .took(
            &erasure,
            "outcome",
            &json!({"outcome": "refused", "ground": "art_17_3_b", "reasons": reasons}),
        )
        .await;
    assert_eq!(closed["status"], "closed");
    let outcome = &closed["outcome"];
    assert_eq!(outcome["outcome"], "refused");
    assert_eq!(outcome["ground"], "art_17_3_b");
    assert_eq!(outcome["ground_citation"], "Art 17(3)(b)");
    assert_eq!(outcome["reasons"], reasons);
    let response = text(outcome, "response");
    for said in [
        reasons,
        "Art 17(3)(b)",
        "complain to the Information Commissioner",
        "https://ico.org.uk/make-a-complaint/",
        "judicial remedy",
    ] {
        assert!(response.contains(said), "{said} in {response}");
    }
    assert_eq!(closed["steps"][0]["letter"], response.as_str());
    // The person reads the answer.
    let theirs = json_body(
        d.app
            .get(&request_path(&text(&erasure, "id")), Some(&d.alice))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(theirs["outcome"], closed["outcome"]);

    // Nothing follows an outcome.
    for (step, body) in [
        ("identity", json!({"requested_at": ago(1)})),
        ("clarification", json!({"requested_at": ago(1)})),
        ("extension", json!({"months": 1, "reasons": "Late"})),
        ("outcome", json!({"outcome": "fulfilled"})),
    ] {
        let detail = d
            .out_of_turn(&erasure, step, &body, "(Art 12(3), 12(4))")
            .await;
        assert!(detail.contains("closed"), "{detail}");
    }

    // A partial answer to a subject access request withholding other people's data.
    let access = d.logged("access", &ago(2), None).await;
    let partly = d
        .took(
            &access,
            "outcome",
            &json!({"outcome": "partly_fulfilled", "ground": "dpa_sch_2_para_16",
                    "reasons": "Colleagues' names are withheld", "decided_at": ago(1)}),
        )
        .await;
    assert!(text(&partly["outcome"], "response").contains("DPA 2018 Sch 2 para 16"));
    assert!(partly["steps"][0]["at"].is_string());

    // A request done as asked carries no response.
    let rectification = d.logged("rectification", &ago(2), None).await;
    let done = d
        .took(&rectification, "outcome", &json!({"outcome": "fulfilled"}))
        .await;
    assert!(done["outcome"]["response"].is_null());
    assert!(done["outcome"]["ground"].is_null());
}

#[tokio::test]
async fn outcomes_that_break_the_rules_name_the_field() {
    let d = desk().await;
    let access = d.logged("access", &ago(5), None).await;
    let tomorrow = (Utc::now() + Duration::days(1)).to_rfc3339();
    for (body, field) in [
        (
            json!({"outcome": "fulfilled", "ground": "art_17_3_b"}),
            "ground",
        ),
        (json!({"outcome": "refused", "reasons": "No"}), "ground"),
        (
            json!({"outcome": "refused", "ground": "art_12_5_manifestly_excessive"}),
            "reasons",
        ),
        (
            json!({"outcome": "refused", "ground": "art_12_5_manifestly_excessive",
                   "reasons": " "}),
            "reasons",
        ),
        // Art 17(3) exempts from erasure, not from access.
        (
            json!({"outcome": "refused", "ground": "art_17_3_e", "reasons": "Claims"}),
            "ground",
        ),
        (
            json!({"outcome": "refused", "ground": "art_99", "reasons": "No"}),
            "ground",
        ),
        (json!({"outcome": "maybe"}), "outcome"),
        (json!({}), "outcome"),
        (
            json!({"outcome": "fulfilled", "decided_at": tomorrow}),
            "decided_at",
        ),
        (
            json!({"outcome": "fulfilled", "decided_at": ago(6)}),
            "decided_at",
        ),
    ] {
        d.refused_naming(&access, "outcome", &body, field).await;
    }
    // Consent is withdrawn whenever the person asks.
    let withdrawal = d.logged("withdraw_consent", &ago(1), None).await;
    d.refused_naming(
        &withdrawal,
        "outcome",
        &json!({"outcome": "refused", "ground": "art_12_5_manifestly_unfounded",
                "reasons": "No"}),
        "outcome",
    )
    .await;
    // None of it closed anything.
    assert_eq!(d.queue().await["items"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn the_queue_holds_open_and_paused_requests_by_the_extended_date() {
    let d = desk().await;
    let extended = d.logged("access", &ago(26), None).await;
    let due_soon = d.logged("erasure", &ago(26), None).await;
    let answered = d.logged("rectification", &ago(60), None).await;
    let overdue = d.logged("objection", &ago(60), None).await;
    let paused = d.logged("portability", &ago(60), None).await;
    d.took(
        &extended,
        "extension",
        &json!({"months": 2, "reasons": "Complex"}),
    )
    .await;
    d.took(&answered, "outcome", &json!({"outcome": "fulfilled"}))
        .await;
    d.took(&paused, "identity", &json!({"requested_at": ago(59)}))
        .await;

    let queue = d.queue().await;
    let listed = items(&queue);
    let respond_by = |r: &Value| {
        r["extended_due_on"]
            .as_str()
            .unwrap_or_else(|| r["due_on"].as_str().expect("a due date"))
            .parse::<NaiveDate>()
            .expect("a date")
    };
    // The answered request has left; the rest run by the date each must be answered by.
    let mut expected: Vec<(NaiveDate, String)> = [&extended, &due_soon, &overdue, &paused]
        .iter()
        .map(|r| {
            let current = listed
                .iter()
                .find(|l| l["id"] == r["id"])
                .unwrap_or_else(|| panic!("{} is queued", r["id"]));
            (respond_by(current), text(r, "id"))
        })
        .collect();
    expected.sort();
    let order: Vec<(NaiveDate, String)> = listed
        .iter()
        .map(|r| (respond_by(r), text(r, "id")))
        .collect();
    assert_eq!(order, expected);
    assert!(!ids(&listed).contains(&text(&answered, "id")));
    let last = listed.last().expect("a queue");
    assert_eq!(
        last["id"], extended["id"],
        "the extended request comes last"
    );

    // The counts go by the same date, and only over requests still to be answered.
    let today = uk_date(Utc::now());
    assert_eq!(queue["overdue"], 2, "{queue}");
    let this_week = listed
        .iter()
        .filter(|r| respond_by(r) >= today && respond_by(r) < today + Duration::days(7))
        .count();
    assert_eq!(queue["due_this_week"], json!(this_week));
    assert!(respond_by(last) >= today + Duration::days(7));

    // Paged one at a time, in the same order.
    let pages = d.app.list_all(REQUESTS, &d.dpo, 1).await;
    let paged: Vec<String> = pages.iter().flatten().map(|r| text(r, "id")).collect();
    assert_eq!(paged, ids(&listed));
}

#[tokio::test]
async fn the_nation_comes_from_the_organisations_details_unless_the_request_names_one() {
    let d = desk().await;
    let admin = d.app.token(ORG, &["admin"], "admin-1");
    let before = d.logged("access", "2026-03-03T09:00:00Z", None).await;
    assert_eq!(before["nation"], "england-and-wales");
    // Good Friday 2026 is 3 April: England's Easter Monday keeps it to Tuesday 7 April.
    assert_eq!(before["due_on"], "2026-04-07");

    let mut scottish = details("Acme Scotland");
    scottish["nation"] = json!("scotland");
    let recorded = record_details(&d.app, &admin, ORG, &scottish).await;
    assert_eq!(recorded["nation"], "scotland");
    let read = json_body(
        d.app.get(&organisation_path(ORG), Some(&admin)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["nation"], "scotland");

    let after = d.logged("access", "2026-03-03T09:00:00Z", None).await;
    assert_eq!(after["nation"], "scotland");
    assert_eq!(after["due_on"], "2026-04-06");
    let named = d
        .logged("access", "2026-03-03T09:00:00Z", Some("northern-ireland"))
        .await;
    assert_eq!(named["nation"], "northern-ireland");
    // A requester's own request takes the organisation's nation too.
    let own = json_body(
        d.app
            .post_json(REQUESTS, Some(&d.alice), &json!({"right": "objection"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(own["nation"], "scotland");

    // Details recorded without a nation are England and Wales'.
    let unsaid = record_details(&d.app, &admin, ORG, &details("Acme")).await;
    assert_eq!(unsaid["nation"], "england-and-wales");
    let mut wrong = details("Acme");
    wrong["nation"] = json!("wales");
    problem_naming(
        d.app
            .put_json(&organisation_path(ORG), Some(&admin), &wrong)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nation",
    )
    .await;
}

#[tokio::test]
async fn a_one_off_bank_holiday_from_configuration_moves_the_due_date() {
    let app = TestApp::builder()
        .bank_holidays("england-and-wales:2026-05-08")
        .spawn()
        .await;
    let d = desk_on(app).await;
    // Received 8 April 2026: due Friday 8 May, here a one-off holiday in England and Wales,
    // so Monday 11 May; in Scotland the Friday stands.
    let england = d.logged("access", "2026-04-08T10:00:00Z", None).await;
    assert_eq!(england["due_on"], "2026-05-11");
    let scotland = d
        .logged("access", "2026-04-08T10:00:00Z", Some("scotland"))
        .await;
    assert_eq!(scotland["due_on"], "2026-05-08");
    // An answer received on 8 April moves the clock the same way.
    let asked = d.logged("erasure", "2026-04-01T10:00:00Z", None).await;
    d.took(
        &asked,
        "clarification",
        &json!({"requested_at": "2026-04-02T10:00:00Z"}),
    )
    .await;
    let answered = d
        .took(
            &asked,
            "clarification",
            &json!({"received_at": "2026-04-08T10:00:00Z"}),
        )
        .await;
    assert_eq!(answered["due_on"], "2026-05-11");
}

#[tokio::test]
async fn every_seeded_notice_says_how_to_make_a_subject_access_request() {
    let app = spawn_seeded_app().await;
    for slug in ["cabinet-office", "devon-cc", "derby-city-council"] {
        let public = json_body(
            app.get(
                &format!("/api/v1/organisations/{slug}/privacy-notice"),
                None,
            )
            .await,
            StatusCode::OK,
        )
        .await;
        let access = &public["notice"]["subject_access"];
        assert!(
            text(access, "text").contains("subject access request"),
            "{slug}: {access}"
        );
        // The contact is the organisation's DPO, as its register records them.
        let dpo = app.token(slug, &["dpo"], "dpo-1");
        let organisation = json_body(
            app.get(&organisation_path(slug), Some(&dpo)).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(access["contact"], organisation["dpo"], "{slug}");
        assert!(text(access, "staff_text").contains(&text(&organisation, "name")));
        let markdown = text_of(
            app.get(
                &format!("/api/v1/organisations/{slug}/privacy-notice?format=md"),
                None,
            )
            .await,
        )
        .await;
        assert!(markdown.contains("### How to make a subject access request"));
        assert!(markdown.contains("POST /api/v1/rights-requests"));

        // The endpoint the notice names takes a member of staff's request.
        let endpoint = text(access, "staff_endpoint");
        let (method, path) = endpoint.split_once(' ').expect("METHOD /path");
        assert_eq!(method, "POST");
        app.record_person(slug, "E500", json!({})).await;
        let staff = app.token(slug, &["requester"], "E500");
        let made = json_body(
            app.post_json(path, Some(&staff), &json!({"right": "access"}))
                .await,
            StatusCode::CREATED,
        )
        .await;
        assert_eq!(made["right"], "access");
    }
}

async fn text_of(response: reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.expect("a text body")
}
