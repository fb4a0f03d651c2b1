//! A processing agreement binds the processor only once the processor accepts it: DCMS
//! proposes that Devon processes for it, and until Devon's administrator or DPO accepts, the
//! proposal is in neither Art 30 record, grants no `Acting-For` and shows neither organisation
//! to the other. Either party's withdrawal ends it; changed terms are a new proposal.

use reqwest::header::IF_MATCH;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

const ACTING_FOR: &str = "Acting-For";
const ROPA: &str = "/api/v1/ropa";
const DCMS_SUPPORT_PURPOSE: &str = "00000000-0000-0000-0000-000000041001";

/// DCMS's proposal that Devon processes for it, in force today by its dates.
fn proposal(processing: &str) -> Value {
    json!({
        "processor": DEVON,
        "purposes": [DCMS_SUPPORT_PURPOSE],
        "processing": processing,
        "starts_on": day(-1),
    })
}

/// A seeded server with the keepers of both parties.
struct Parties {
    app: TestApp,
    dcms_admin: String,
    devon_admin: String,
    devon_dpo: String,
}

impl Parties {
    async fn spawn() -> Parties {
        let app = spawn_seeded_app().await;
        Parties {
            dcms_admin: app.token(DCMS, &["admin"], "dcms-admin"),
            devon_admin: app.token(DEVON, &["admin"], "devon-admin"),
            devon_dpo: app.token(DEVON, &["dpo"], "devon-dpo"),
            app,
        }
    }

    /// DCMS proposes; returns the proposal's id.
    async fn propose(&self) -> String {
        let body = proposal("Second-line support for DCMS staff");
        let created = json_body(
            self.app
                .post_json(AGREEMENTS, Some(&self.dcms_admin), &body)
                .await,
            StatusCode::CREATED,
        )
        .await;
        text(&created, "id")
    }

    async fn act(&self, path: &str, token: &str) -> Response {
        send(self.app.request(Method::POST, path, Some(token))).await
    }

    async fn read(&self, id: &str) -> Value {
        let response = self
            .app
            .get(&agreement_path(id), Some(&self.dcms_admin))
            .await;
        json_body(response, StatusCode::OK).await
    }

    /// The status of a Devon agent's request for DCMS's tickets under `Acting-For`.
    async fn acting_for_dcms(&self) -> StatusCode {
        let agent = self.app.token(DEVON, &["agent"], "devon-agent");
        let response = send(
            self.app
                .request(Method::GET, TICKETS, Some(&agent))
                .header(ACTING_FOR, DCMS),
        )
        .await;
        response.status()
    }

    /// Whether each party reads the other's organisation details, and is listed to it.
    async fn see_each_other(&self) -> (bool, bool) {
        let dcms = self
            .app
            .get(&organisation_path(DEVON), Some(&self.dcms_admin))
            .await
            .status();
        let devon = self
            .app
            .get(&organisation_path(DCMS), Some(&self.devon_dpo))
            .await
            .status();
        let listed = self.app.list(ORGANISATIONS, &self.devon_dpo, &[]).await;
        let devon_lists = listed.iter().any(|o| o["slug"] == DCMS);
        assert_eq!(devon == StatusCode::OK, devon_lists, "{listed:?}");
        (dcms == StatusCode::OK, devon == StatusCode::OK)
    }

    /// Each party's Art 30 record as text, to look for the other's name in.
    async fn records(&self) -> (String, Value) {
        let dcms = json_body(
            self.app.get(ROPA, Some(&self.dcms_admin)).await,
            StatusCode::OK,
        )
        .await;
        let devon = json_body(
            self.app.get(ROPA, Some(&self.devon_dpo)).await,
            StatusCode::OK,
        )
        .await;
        (dcms.to_string(), devon)
    }

    /// Checks the agreement binds no one: not in force, no record, no Acting-For, no details.
    async fn assert_binds_no_one(&self, id: &str) {
        assert_eq!(self.read(id).await["in_force"], false);
        let (dcms_record, devon_record) = self.records().await;
        assert!(
            !dcms_record.contains("Devon County Council"),
            "{dcms_record}"
        );
        assert!(devon_record["processor"].is_null(), "{devon_record}");
        assert!(
            !devon_record.to_string().contains("Second-line support"),
            "{devon_record}"
        );
        assert_eq!(self.acting_for_dcms().await, StatusCode::FORBIDDEN);
        assert_eq!(self.see_each_other().await, (false, false));
    }

    /// Checks the agreement binds both: in force, in Devon's processor record, Acting-For.
    async fn assert_binds_both(&self, id: &str) {
        assert_eq!(self.read(id).await["in_force"], true);
        let (_, devon_record) = self.records().await;
        let agreements = devon_record["processor"]["agreements"]
            .as_array()
            .unwrap_or_else(|| panic!("a processor record: {devon_record}"));
        assert_eq!(agreements.len(), 1, "{devon_record}");
        assert_eq!(
            agreements[0]["controller"]["name"],
            "Department for Culture, Media and Sport"
        );
        assert_eq!(self.acting_for_dcms().await, StatusCode::OK);
        assert_eq!(self.see_each_other().await, (true, true));
    }
}

#[tokio::test]
async fn a_proposal_binds_no_one_until_the_processor_accepts_it() {
    let p = Parties::spawn().await;
    let id = p.propose().await;
    let proposed = p.read(&id).await;
    assert_eq!(proposed["status"], "proposed");
    assert_eq!(proposed["accepted_at"], json!(null));
    assert_eq!(proposed["accepted_by"], json!(null));
    p.assert_binds_no_one(&id).await;
    // Both parties list and read it: the processor must see it to accept it.
    for token in [&p.devon_admin, &p.devon_dpo, &p.dcms_admin] {
        let listed = p.app.list(AGREEMENTS, token, &[]).await;
        assert!(ids(&listed).contains(&id), "{listed:?}");
        let read = p.app.get(&agreement_path(&id), Some(token)).await;
        assert_eq!(json_body(read, StatusCode::OK).await["status"], "proposed");
    }

    let response = p.act(&acceptance_path(&id), &p.devon_dpo).await;
    assert_eq!(etag_of(&response), "\"2\"");
    let accepted = json_body(response, StatusCode::OK).await;
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["accepted_by"], DEVON);
    assert!(accepted["accepted_at"].is_string(), "{accepted}");
    assert_eq!(accepted["withdrawn_at"], json!(null));
    assert_eq!(accepted["in_force"], true);
    p.assert_binds_both(&id).await;
}

#[tokio::test]
async fn only_the_processors_admin_or_dpo_accepts_and_only_once() {
    let p = Parties::spawn().await;
    let id = p.propose().await;
    let path = acceptance_path(&id);
    // The controller cannot accept its own proposal.
    for role in ["admin", "dpo"] {
        let controller = p.app.token(DCMS, &[role], "dcms-keeper");
        let body = problem(p.act(&path, &controller).await, StatusCode::FORBIDDEN).await;
        assert!(text(&body, "detail").contains("processor"), "{body}");
    }
    // Nor the processor's other roles.
    for role in ["requester", "agent", "auditor", "integrator"] {
        let token = p.app.token(DEVON, &[role], "devon-someone");
        problem(p.act(&path, &token).await, StatusCode::FORBIDDEN).await;
    }
    // Nor a processor's keeper acting for the controller: the processor accepts as itself.
    let co_admin = p.app.token(CABINET_OFFICE, &["admin"], "co-admin");
    let acting = send(
        p.app
            .request(Method::POST, &path, Some(&co_admin))
            .header(ACTING_FOR, DCMS),
    )
    .await;
    let body = problem(acting, StatusCode::FORBIDDEN).await;
    assert!(text(&body, "detail").contains("Acting-For"), "{body}");
    // An organisation no party to it does not see it; a bad id or no token is refused.
    let derby = p.app.token(DERBY, &["admin"], "derby-admin");
    problem(p.act(&path, &derby).await, StatusCode::NOT_FOUND).await;
    problem_naming(
        p.act(&acceptance_path("not-a-uuid"), &p.devon_admin).await,
        StatusCode::BAD_REQUEST,
        "id",
    )
    .await;
    let anonymous = send(p.app.request(Method::POST, &path, None)).await;
    problem(anonymous, StatusCode::UNAUTHORIZED).await;
    assert_eq!(p.read(&id).await["status"], "proposed");

    // The processor's administrator accepts; accepting again is a conflict.
    let accepted = json_body(p.act(&path, &p.devon_admin).await, StatusCode::OK).await;
    assert_eq!(accepted["status"], "accepted");
    let again = problem(p.act(&path, &p.devon_dpo).await, StatusCode::CONFLICT).await;
    assert!(
        text(&again, "detail").contains("already accepted"),
        "{again}"
    );
}

#[tokio::test]
async fn either_party_withdraws_and_the_agreement_ends() {
    let p = Parties::spawn().await;
    let body = proposal("Second-line support for DCMS staff");
    for (withdrawer, slug) in [(&p.dcms_admin, DCMS), (&p.devon_dpo, DEVON)] {
        let accepted = record_agreement(&p.app, &p.dcms_admin, &p.devon_admin, &body).await;
        let id = text(&accepted, "id");
        p.assert_binds_both(&id).await;
        // Neither party's auditor or agent withdraws it; no one else sees it.
        for (org, role) in [(DCMS, "auditor"), (DEVON, "agent"), (DEVON, "requester")] {
            let token = p.app.token(org, &[role], "someone");
            problem(
                p.act(&withdrawal_path(&id), &token).await,
                StatusCode::FORBIDDEN,
            )
            .await;
        }
        let derby = p.app.token(DERBY, &["dpo"], "derby-dpo");
        problem(
            p.act(&withdrawal_path(&id), &derby).await,
            StatusCode::NOT_FOUND,
        )
        .await;

        let withdrawn = json_body(
            p.act(&withdrawal_path(&id), withdrawer).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(withdrawn["status"], "withdrawn");
        assert_eq!(withdrawn["withdrawn_by"], slug);
        assert!(withdrawn["withdrawn_at"].is_string(), "{withdrawn}");
        assert_eq!(
            withdrawn["accepted_by"], DEVON,
            "when it was accepted stays"
        );
        assert_eq!(withdrawn["in_force"], false);
        p.assert_binds_no_one(&id).await;

        // It has ended: not withdrawn twice, not accepted again, not revised.
        let again = p.act(&withdrawal_path(&id), withdrawer).await;
        problem(again, StatusCode::CONFLICT).await;
        let accept = p.act(&acceptance_path(&id), &p.devon_admin).await;
        let refused = problem(accept, StatusCode::CONFLICT).await;
        assert!(text(&refused, "detail").contains("withdrawn"), "{refused}");
        let revised = send(
            p.app
                .request(Method::PUT, &agreement_path(&id), Some(&p.dcms_admin))
                .header(IF_MATCH, format!("\"{}\"", withdrawn["version"]))
                .json(&body),
        )
        .await;
        problem(revised, StatusCode::CONFLICT).await;
    }
}

#[tokio::test]
async fn the_processor_declines_a_proposal_by_withdrawing_it() {
    let p = Parties::spawn().await;
    let id = p.propose().await;
    let declined = json_body(
        p.act(&withdrawal_path(&id), &p.devon_admin).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(declined["status"], "withdrawn");
    assert_eq!(declined["withdrawn_by"], DEVON);
    assert_eq!(declined["accepted_at"], json!(null));
    p.assert_binds_no_one(&id).await;
}

#[tokio::test]
async fn changed_terms_return_an_accepted_agreement_to_proposed() {
    let p = Parties::spawn().await;
    let body = proposal("Second-line support for DCMS staff");
    let accepted = record_agreement(&p.app, &p.dcms_admin, &p.devon_admin, &body).await;
    let id = text(&accepted, "id");
    let path = agreement_path(&id);
    let put = |body: Value, version: &Value| {
        send(
            p.app
                .request(Method::PUT, &path, Some(&p.dcms_admin))
                .header(IF_MATCH, format!("\"{version}\""))
                .json(&body),
        )
    };
    // The same terms again change nothing.
    let same = json_body(put(body, &accepted["version"]).await, StatusCode::OK).await;
    assert_eq!(same["status"], "accepted");
    assert_eq!(same["version"], accepted["version"]);
    // New terms are a new proposal, binding no one until the processor accepts them.
    let wider = proposal("Second-line support and device builds for DCMS staff");
    let revised = json_body(put(wider, &accepted["version"]).await, StatusCode::OK).await;
    assert_eq!(revised["status"], "proposed");
    assert_eq!(revised["accepted_at"], json!(null));
    assert_eq!(revised["in_force"], false);
    p.assert_binds_no_one(&id).await;
    let again = p.act(&acceptance_path(&id), &p.devon_dpo).await;
    assert_eq!(json_body(again, StatusCode::OK).await["status"], "accepted");
    p.assert_binds_both(&id).await;
}

/// A processor accepts the terms it read: with `If-Match`, terms the controller changed since
/// then are refused (412), and the withdrawal of a version no longer current likewise.
#[tokio::test]
async fn acceptance_and_withdrawal_honour_if_match() {
    let p = Parties::spawn().await;
    let proposed = json_body(
        p.app
            .post_json(
                AGREEMENTS,
                Some(&p.dcms_admin),
                &proposal("First-line support for DCMS staff"),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let id = text(&proposed, "id");
    let read = proposed["version"].clone();
    let revised = json_body(
        send(
            p.app
                .request(Method::PUT, &agreement_path(&id), Some(&p.dcms_admin))
                .header(IF_MATCH, format!("\"{read}\""))
                .json(&proposal(
                    "First-line support and device builds for DCMS staff",
                )),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let act = |path: String, token: &str, version: &Value| {
        send(
            p.app
                .request(Method::POST, &path, Some(token))
                .header(IF_MATCH, format!("\"{version}\""))
                .json(&json!({})),
        )
    };
    let unseen = act(acceptance_path(&id), &p.devon_admin, &read).await;
    problem(unseen, StatusCode::PRECONDITION_FAILED).await;
    p.assert_binds_no_one(&id).await;
    let stale_withdrawal = act(withdrawal_path(&id), &p.dcms_admin, &read).await;
    problem(stale_withdrawal, StatusCode::PRECONDITION_FAILED).await;
    let accepted = act(acceptance_path(&id), &p.devon_admin, &revised["version"]).await;
    assert_eq!(
        json_body(accepted, StatusCode::OK).await["status"],
        "accepted"
    );
    p.assert_binds_both(&id).await;
}
