//! Listing tickets: filters, keyset pages newest first, and what a requester's list holds.

use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset};
use serde_json::{Value, json};

use crate::helpers::*;

/// Three tickets of the organisation, returned oldest first, the first changed last.
async fn three_tickets(app: &TestApp, agent: &str) -> [Value; 3] {
    // The second is flagged as holding health details: the register must allow it (Art 9).
    govern_tickets_with_art_9(app, ORG).await;
    let t1 = app
        .create_ticket(
            agent,
            &json!({"kind": "incident", "category": "it_system", "title": "One",
                    "requester": "alice", "assigned_team": "network"}),
        )
        .await;
    let t2 = app
        .create_ticket(
            agent,
            &json!({"kind": "service_request", "category": "account_request", "title": "Two",
                    "requester": "bob", "assigned_team": "identity",
                    "contains_special_category": true}),
        )
        .await;
    let t3 = app
        .create_ticket(
            agent,
            &json!({"kind": "problem", "category": "complaint", "title": "Three",
                    "requester": "alice"}),
        )
        .await;
    let t1 = app
        .update_ticket(agent, &text(&t1, "id"), &json!({"status": "open"}))
        .await;
    [t1, t2, t3]
}

#[tokio::test]
async fn each_filter_narrows_the_list() {
    let app = spawn_app().await;
    let agent = app.token(ORG, &["agent"], "agent-1");
    let [t1, t2, t3] = three_tickets(&app, &agent).await;
    let (t1, t2, t3) = (text(&t1, "id"), text(&t2, "id"), text(&t3, "id"));
    type Query<'a> = &'a [(&'a str, &'a str)];
    let cases: [(Query, Vec<&String>); 11] = [
        (&[], vec![&t3, &t2, &t1]),
        (&[("status", "open")], vec![&t1]),
        (&[("status", "new")], vec![&t3, &t2]),
        (&[("kind", "service_request")], vec![&t2]),
        (&[("category", "complaint")], vec![&t3]),
        (&[("requester", "alice")], vec![&t3, &t1]),
        (&[("requester", "nobody")], vec![]),
        (&[("assigned_team", "network")], vec![&t1]),
        (&[("contains_special_category", "true")], vec![&t2]),
        (&[("contains_special_category", "false")], vec![&t3, &t1]),
        (&[("kind", "incident"), ("requester", "alice")], vec![&t1]),
    ];
    for (query, expected) in cases {
        let got = ids(&app.list(TICKETS, &agent, query).await);
        let expected: Vec<String> = expected.into_iter().cloned().collect();
        assert_eq!(got, expected, "filter {query:?}");
    }
}

#[tokio::test]
async fn updated_since_keeps_tickets_changed_at_or_after_the_instant() {
    let app = spawn_app().await;
    let agent = app.token(ORG, &["agent"], "agent-1");
    let [t1, _t2, t3] = three_tickets(&app, &agent).await;
    let since = text(&t3, "updated_at");
    let expected = vec![text(&t3, "id"), text(&t1, "id")];
    let got = ids(&app
        .list(TICKETS, &agent, &[("updated_since", &since)])
        .await);
    assert_eq!(got, expected);
    // The same instant written in another offset selects the same tickets.
    let instant: DateTime<FixedOffset> = since.parse().expect("an RFC 3339 timestamp");
    let offset = FixedOffset::east_opt(3600).expect("a valid offset");
    let elsewhere = instant.with_timezone(&offset).to_rfc3339();
    assert!(elsewhere.contains("+01:00"), "{elsewhere}");
    let got = ids(&app
        .list(TICKETS, &agent, &[("updated_since", &elsewhere)])
        .await);
    assert_eq!(got, expected);
    // After the last change (t1's): nothing.
    let last: DateTime<FixedOffset> = text(&t1, "updated_at").parse().expect("RFC 3339");
    let later = (last + chrono::Duration::seconds(1)).to_rfc3339();
    let later_ids = ids(&app
        .list(TICKETS, &agent, &[("updated_since", &later)])
        .await);
    assert!(later_ids.is_empty(), "{later_ids:?}");
}

#[tokio::test]
async fn pages_run_newest_first_without_duplicates_to_a_null_cursor() {
    let app = spawn_app().await;
    let agent = app.token(ORG, &["agent"], "agent-1");
    let mut created = Vec::new();
    for i in 1..=7 {
        created.push(text(
            &app.create_ticket(&agent, &incident(&format!("T{i}"))).await,
            "id",
        ));
    }
    created.reverse();

    let pages = app.list_all(TICKETS, &agent, 3).await;
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [3, 3, 1]);
    let listed: Vec<String> = pages.iter().flat_map(|page| ids(page)).collect();
    assert_eq!(listed, created, "newest first, each once");
    let references: Vec<String> = pages
        .iter()
        .flatten()
        .map(|t| text(t, "reference"))
        .collect();
    assert_eq!(references[0], "INC-000007");
    assert_eq!(references[6], "INC-000001");

    // A page size that divides the list exactly ends with a null cursor, not an empty page.
    let sizes: Vec<usize> = app
        .list_all(TICKETS, &agent, 7)
        .await
        .iter()
        .map(Vec::len)
        .collect();
    assert_eq!(sizes, [7]);
}

#[tokio::test]
async fn filters_hold_across_pages() {
    let app = spawn_app().await;
    let agent = app.token(ORG, &["agent"], "agent-1");
    for i in 0..6 {
        let mut body = incident(&format!("T{i}"));
        body["requester"] = json!(if i % 2 == 0 { "alice" } else { "bob" });
        app.create_ticket(&agent, &body).await;
    }
    let path = format!("{TICKETS}?requester=alice");
    let pages = app.list_all(&path, &agent, 2).await;
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [2, 1]);
    assert!(
        pages
            .iter()
            .flatten()
            .all(|t| t["requester"] == by_account("alice"))
    );
}

#[tokio::test]
async fn requesters_list_only_tickets_they_are_party_to() {
    let app = spawn_app().await;
    let agent = app.token(ORG, &["agent"], "agent-1");
    let alice = app.token(ORG, &["requester"], "alice");
    let bob = app.token(ORG, &["requester"], "bob");
    let about_alice = {
        let mut body = incident("For alice");
        body["requester"] = json!("alice");
        text(&app.create_ticket(&agent, &body).await, "id")
    };
    let raised_by_alice_for_bob = {
        let mut body = incident("For bob, by alice");
        body["requester"] = json!("bob");
        text(&app.create_ticket(&alice, &body).await, "id")
    };
    let bobs_own = text(&app.create_ticket(&bob, &incident("Bob's own")).await, "id");
    app.create_ticket(&agent, &incident("The agent's own"))
        .await;

    let listed: BTreeSet<String> = ids(&app.list(TICKETS, &alice, &[]).await)
        .into_iter()
        .collect();
    assert_eq!(
        listed,
        BTreeSet::from([about_alice, raised_by_alice_for_bob.clone()])
    );
    let listed: BTreeSet<String> = ids(&app.list(TICKETS, &bob, &[]).await)
        .into_iter()
        .collect();
    assert_eq!(listed, BTreeSet::from([raised_by_alice_for_bob, bobs_own]));
    // A filter cannot widen a requester's view.
    let agents = app.list(TICKETS, &alice, &[("requester", "agent-1")]).await;
    assert!(agents.is_empty(), "{agents:?}");
    assert_eq!(app.list(TICKETS, &agent, &[]).await.len(), 4);
}

#[tokio::test]
async fn a_page_holds_fifty_unless_asked_and_up_to_five_hundred() {
    let app = spawn_app().await;
    let agent = app.token(ORG, &["agent"], "agent-1");
    for i in 0..51 {
        app.create_ticket(&agent, &incident(&format!("T{i}"))).await;
    }
    let response = app.get(TICKETS, Some(&agent)).await;
    let page = json_body(response, reqwest::StatusCode::OK).await;
    assert_eq!(items(&page).len(), 50);
    assert!(
        page["next_cursor"].is_string(),
        "more follow: {}",
        page["next_cursor"]
    );
    let all = app.list(TICKETS, &agent, &[("limit", "500")]).await;
    assert_eq!(all.len(), 51);
}
