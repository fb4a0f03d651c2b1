//! The authorisation matrix: every operation of the committed `openapi.yaml`, called by each
//! role and without a token, in each organisation context, against `expectations.csv` beside
//! this file. An operation without a row, or a row without an operation, fails the test; so does
//! any cell whose answer the row does not admit, and all of them are listed at once.

mod fixtures;

use std::fmt;
use std::time::Instant;

use reqwest::header::IF_MATCH;
use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::helpers::*;
use fixtures::*;

const OPENAPI: &str = include_str!("../../../openapi.yaml");
const EXPECTATIONS: &str = include_str!("expectations.csv");

/// Every role of a token, and no token at all.
const ROLES: [Option<&str>; 7] = [
    None,
    Some("requester"),
    Some("agent"),
    Some("admin"),
    Some("integrator"),
    Some("auditor"),
    Some("dpo"),
];

/// Path parameters resolved within the caller's own organisation: they name nothing of
/// another's, so a call from another organisation is its own business.
const CALLER_RELATIVE: [&str; 2] = ["{version}", "{subject}"];

/// Requests in flight at once: enough to keep the server busy, few enough for a shared machine.
const IN_FLIGHT: usize = 16;

/// Whose resources are named, and who names them. Add a context here and in `Row::expected`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// The controller's member, on their own resources.
    Own,
    /// Another member of the controller, with no record of their own there.
    Colleague,
    /// Another organisation's member naming the controller's resources.
    OtherOrganisation,
    /// The processor's member, `Acting-For` the controller under an agreement in force.
    ProcessorInForce,
    /// A member of an organisation the controller proposed an agreement to, not yet accepted,
    /// `Acting-For` the controller: a proposal binds no one.
    ProcessorProposed,
    /// The processor's member, `Acting-For` an organisation it has no agreement with; the
    /// refusal comes before any resource is looked up, so the paths name the controller's.
    ProcessorWithoutAgreement,
}

const CONTEXTS: [Context; 6] = [
    Context::Own,
    Context::Colleague,
    Context::OtherOrganisation,
    Context::ProcessorInForce,
    Context::ProcessorProposed,
    Context::ProcessorWithoutAgreement,
];

impl Context {
    fn name(self) -> &'static str {
        match self {
            Context::Own => "own organisation",
            Context::Colleague => "own organisation, not theirs",
            Context::OtherOrganisation => "other organisation",
            Context::ProcessorInForce => "processor, agreement in force",
            Context::ProcessorProposed => "processor, agreement proposed, not accepted",
            Context::ProcessorWithoutAgreement => "processor, no agreement",
        }
    }

    /// The token's organisation and subject, and the organisation `Acting-For` names.
    fn caller(self) -> (&'static str, &'static str, Option<&'static str>) {
        match self {
            Context::Own => (CONTROLLER, MEMBER, None),
            Context::Colleague => (CONTROLLER, COLLEAGUE, None),
            Context::OtherOrganisation => (OTHER, MEMBER, None),
            Context::ProcessorInForce => (PROCESSOR, MEMBER, Some(CONTROLLER)),
            Context::ProcessorProposed => (PROPOSED_PROCESSOR, MEMBER, Some(CONTROLLER)),
            Context::ProcessorWithoutAgreement => (PROCESSOR, MEMBER, Some(OTHER)),
        }
    }
}

/// What a cell must answer.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expected {
    /// A read of an existing fixture, or a public operation: 2xx.
    Success,
    /// A write past authorisation: 2xx, or refused for its body, state or version.
    Authorised,
    /// Refused as another organisation's: 404, or 403.
    Hidden,
    AnyOf(Vec<u16>),
}

impl Expected {
    fn admits(&self, status: u16) -> bool {
        match self {
            Expected::Success => (200..300).contains(&status),
            Expected::Authorised => {
                (200..300).contains(&status) || [400, 409, 412, 422, 428].contains(&status)
            }
            Expected::Hidden => status == 403 || status == 404,
            Expected::AnyOf(statuses) => statuses.contains(&status),
        }
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Success => write!(f, "2xx"),
            Expected::Authorised => write!(f, "2xx/400/409/412/422/428"),
            Expected::Hidden => write!(f, "403/404"),
            Expected::AnyOf(statuses) => {
                let statuses: Vec<String> = statuses.iter().map(u16::to_string).collect();
                write!(f, "{}", statuses.join("/"))
            }
        }
    }
}

/// One row of `expectations.csv`.
struct Row {
    method: String,
    path: String,
    /// The roles admitted; `None` when the operation is public.
    roles: Option<Vec<String>>,
    processor_may_act: bool,
    /// (role or `*`, statuses) for an admitted role the handler answers otherwise.
    handler: Vec<(String, Vec<u16>)>,
    /// (role or `*`, statuses) for an admitted role when the fixture is not the caller's.
    colleague: Vec<(String, Vec<u16>)>,
}

/// `role:status[/status...]` pairs, space-separated.
fn outcomes(column: &str) -> Vec<(String, Vec<u16>)> {
    column
        .split_whitespace()
        .map(|pair| {
            let (role, statuses) = pair
                .split_once(':')
                .unwrap_or_else(|| panic!("expectations.csv: role:status, not {pair:?}"));
            let statuses = statuses
                .split('/')
                .map(|s| s.parse().expect("a status code"))
                .collect();
            (role.to_owned(), statuses)
        })
        .collect()
}

/// The outcome `outcomes` gives `role`, if any.
fn outcome_of(outcomes: &[(String, Vec<u16>)], role: &str) -> Option<Expected> {
    outcomes
        .iter()
        .find(|(r, _)| r == role || r == "*")
        .map(|(_, statuses)| Expected::AnyOf(statuses.clone()))
}

impl Row {
    fn parse(line: &str) -> Row {
        let columns: Vec<&str> = line.split(',').map(str::trim).collect();
        let [method, path, roles, processor, handler, colleague] = columns[..] else {
            panic!("expectations.csv: six columns expected in {line:?}");
        };
        Row {
            method: method.to_owned(),
            path: path.to_owned(),
            roles: (roles != "public")
                .then(|| roles.split_whitespace().map(str::to_owned).collect()),
            processor_may_act: processor == "yes",
            handler: outcomes(handler),
            colleague: outcomes(colleague),
        }
    }

    fn operation(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    fn writes(&self) -> bool {
        self.method != "GET"
    }

    /// Whether the path names resources of an organisation (ids, a slug).
    fn names_resources(&self) -> bool {
        self.path
            .split('/')
            .any(|s| s.starts_with('{') && !CALLER_RELATIVE.contains(&s))
    }

    fn expected(&self, role: Option<&str>, context: Context) -> Expected {
        let Some(roles) = &self.roles else {
            return Expected::Success;
        };
        let Some(role) = role else {
            return Expected::AnyOf(vec![401]);
        };
        if !roles.iter().any(|r| r == role) {
            return Expected::AnyOf(vec![403]);
        }
        let admitted = if self.writes() {
            Expected::Authorised
        } else {
            Expected::Success
        };
        let theirs = outcome_of(&self.handler, role).unwrap_or(admitted);
        let not_theirs = outcome_of(&self.colleague, role).unwrap_or_else(|| theirs.clone());
        match context {
            Context::Own => theirs,
            Context::Colleague => not_theirs,
            Context::OtherOrganisation if self.names_resources() => Expected::Hidden,
            Context::OtherOrganisation => theirs,
            // A processor's member works as the processor's staff: never as the controller's
            // person, so never as a requester, whose operations are a person's own.
            Context::ProcessorInForce if role == "requester" => Expected::AnyOf(vec![403]),
            Context::ProcessorInForce if self.processor_may_act => not_theirs,
            Context::ProcessorInForce
            | Context::ProcessorProposed
            | Context::ProcessorWithoutAgreement => Expected::AnyOf(vec![403]),
        }
    }
}

/// The operations of the committed contract, as `METHOD /path`, read from its `paths:` block.
fn operations(yaml: &str) -> Vec<String> {
    let mut operations = Vec::new();
    let mut path: Option<&str> = None;
    let lines = yaml.lines().skip_while(|line| *line != "paths:").skip(1);
    for line in lines.take_while(|line| line.is_empty() || line.starts_with(' ')) {
        if let Some(p) = line.strip_prefix("  /").and_then(|p| p.strip_suffix(':')) {
            path = Some(p);
        } else if let Some(method) = line.strip_prefix("    ").and_then(|m| m.strip_suffix(':'))
            && ["get", "put", "post", "delete", "patch"].contains(&method)
        {
            let path = path.expect("a method follows its path");
            operations.push(format!("{} /{path}", method.to_uppercase()));
        }
    }
    operations
}

/// Operations without a row, rows without an operation, and rows given twice.
fn coverage(rows: &[Row]) -> Vec<String> {
    let documented = operations(OPENAPI);
    assert!(documented.len() > 50, "openapi.yaml's paths were not read");
    let listed: Vec<String> = rows.iter().map(Row::operation).collect();
    let mut problems = Vec::new();
    for operation in &documented {
        if !listed.contains(operation) {
            problems.push(format!(
                "{operation}: in openapi.yaml, no row in expectations.csv"
            ));
        }
    }
    for (i, operation) in listed.iter().enumerate() {
        if !documented.contains(operation) {
            problems.push(format!(
                "{operation}: a row for no operation of openapi.yaml"
            ));
        }
        if listed[..i].contains(operation) {
            problems.push(format!("{operation}: two rows"));
        }
    }
    problems
}

/// The path with each parameter filled by the fixture of the segment before it.
fn path_of(row: &Row, fixtures: &Fixtures) -> String {
    let mut filled: Vec<&str> = Vec::new();
    for segment in row.path.split('/') {
        if segment.starts_with('{') {
            let previous = filled.last().copied().unwrap_or_default();
            let value = fixtures
                .value(previous)
                .unwrap_or_else(|| panic!("no fixture for {segment} in {}", row.operation()));
            filled.push(value);
        } else {
            filled.push(segment);
        }
    }
    filled.join("/")
}

/// A body the operation accepts, for writes that name a resource: the resource's organisation
/// is then what decides (a body refused first would hide it).
fn valid_body(row: &Row, fixtures: &Fixtures) -> Option<Value> {
    let register = KINDS
        .into_iter()
        .find(|kind| row.path == format!("{}/{{id}}", kind.collection()));
    Some(match (row.method.as_str(), row.path.as_str()) {
        ("PUT", _) if register.is_some() => register?.body("Matrix entry", &fixtures.category),
        ("PATCH", "/api/v1/accounts/{id}") => json!({"status": "removed"}),
        ("PATCH", "/api/v1/assets/{id}") => json!({"model": "Matrix"}),
        ("POST", "/api/v1/assets/{id}/assignments") => json!({"person_id": fixtures.person}),
        ("PATCH", "/api/v1/assets/{id}/assignments/{assignment_id}") => {
            json!({"status": "rejected"})
        }
        ("PUT", "/api/v1/organisations/{slug}") => details("Cabinet Office"),
        ("PATCH", "/api/v1/disclosures/{id}") => json!({"reason": "Matrix correction"}),
        ("PATCH", "/api/v1/people/{id}") => json!({"given_name": "Jo"}),
        ("PUT", "/api/v1/people/{id}/adjustments") => adjustments(),
        ("POST", "/api/v1/rights-requests/{id}/rectification") => {
            json!({"supplementary_statement": "Matrix statement"})
        }
        ("PUT", "/api/v1/processing-agreements/{id}") => {
            agreement(PROCESSOR, fixtures.value("purposes")?)
        }
        ("PATCH", "/api/v1/tickets/{id}") => json!({"title": "Printer jams again"}),
        ("POST", "/api/v1/tickets/{id}/comments") => json!({"body": "Any news?"}),
        ("PUT", "/api/v1/tickets/{id}/survey") => {
            json!({"consent_id": fixtures.consent, "rating": 4})
        }
        // Each is refused for the fixture's state once past the lookup (an answer never asked
        // for, blank reasons, a ground that does not reach access, a request that is no
        // complaint), so no cell changes the request others read.
        (
            "POST",
            "/api/v1/rights-requests/{id}/identity"
            | "/api/v1/rights-requests/{id}/clarification"
            | "/api/v1/rights-requests/{id}/fee",
        ) => {
            json!({"received_at": chrono::Utc::now()})
        }
        ("POST", "/api/v1/rights-requests/{id}/extension") => json!({"months": 1, "reasons": " "}),
        ("POST", "/api/v1/rights-requests/{id}/outcome") => {
            json!({"outcome": "refused", "ground": "art_17_3_a", "reasons": "Matrix"})
        }
        ("POST", "/api/v1/rights-requests/{id}/acknowledgement") => json!({}),
        // Releases the hold once; every later release is refused as already released.
        ("POST", "/api/v1/legal-holds/{id}/release") => json!({"reason": "Matrix release"}),
        _ => return None,
    })
}

/// The cell's request. Writes must not change the fixtures other cells read: a write naming a
/// resource carries a valid body and a stale `If-Match` (refused with 412 once authorised, the
/// few without versions change nothing others read), and one naming none an invalid body.
fn request(
    app: &TestApp,
    row: &Row,
    role: Option<&str>,
    context: Context,
    fixtures: &Fixtures,
) -> RequestBuilder {
    let (org, subject, acting_for) = context.caller();
    let token = role.map(|role| app.token(org, &[role], subject));
    let method = Method::from_bytes(row.method.as_bytes()).expect("an HTTP method");
    let mut request = app.request(method, &path_of(row, fixtures), token.as_deref());
    if let Some(controller) = acting_for {
        request = request.header("Acting-For", controller);
    }
    if !row.writes() {
        return request;
    }
    if row.names_resources() {
        request = request.header(IF_MATCH, "\"stale\"");
        match valid_body(row, fixtures) {
            Some(body) => request.json(&body),
            None => request,
        }
    } else if row.method == "DELETE" {
        request
    } else {
        request.json(&json!([]))
    }
}

struct Cell {
    operation: String,
    role: Option<&'static str>,
    context: Context,
    expected: Expected,
}

#[tokio::test]
async fn every_operation_answers_each_role_in_each_context_as_its_row_says() {
    let rows: Vec<Row> = EXPECTATIONS
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .skip(1)
        .map(Row::parse)
        .collect();
    let mut failures = coverage(&rows);
    let app = spawn_seeded_app().await;
    let fixtures = Fixtures::create(&app).await;

    let started = Instant::now();
    let mut cells = Vec::new();
    let mut requests = Vec::new();
    for row in &rows {
        for role in ROLES {
            for context in CONTEXTS {
                requests.push(request(&app, row, role, context, &fixtures));
                cells.push(Cell {
                    operation: row.operation(),
                    role,
                    context,
                    expected: row.expected(role, context),
                });
            }
        }
    }
    let mut answers: Vec<Option<(u16, String)>> = vec![None; cells.len()];
    let mut pending = requests.into_iter().enumerate();
    let mut in_flight = JoinSet::new();
    loop {
        while in_flight.len() < IN_FLIGHT {
            let Some((i, request)) = pending.next() else {
                break;
            };
            in_flight.spawn(async move {
                let response = send(request).await;
                let status = response.status().as_u16();
                (i, status, response.text().await.unwrap_or_default())
            });
        }
        let Some(done) = in_flight.join_next().await else {
            break;
        };
        let (i, status, body) = done.expect("a request task does not panic");
        answers[i] = Some((status, body));
    }

    for (cell, answer) in cells.iter().zip(answers) {
        let (status, body) = answer.expect("every cell answered");
        let role = cell.role.unwrap_or("no token");
        let mut got = status.to_string();
        let mut fails = !cell.expected.admits(status);
        // Whatever another organisation may list, none of the controller's resources.
        if cell.context == Context::OtherOrganisation
            && (200..300).contains(&status)
            && let Some((what, _)) = fixtures.ids.iter().find(|(_, id)| body.contains(id))
        {
            got = format!("{status} naming the controller's {what}");
            fails = true;
        }
        if fails {
            failures.push(format!(
                "{} | {role} | {}: expected {}, got {got}",
                cell.operation,
                cell.context.name(),
                cell.expected
            ));
        }
    }
    println!(
        "authorisation matrix: {} operations x {} roles x {} contexts = {} cells in {:.1?}",
        rows.len(),
        ROLES.len(),
        CONTEXTS.len(),
        cells.len(),
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} of {} cells or rows fail:\n{}",
        failures.len(),
        cells.len(),
        failures.join("\n")
    );
}
