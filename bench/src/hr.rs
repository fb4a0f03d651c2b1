//! `hr-api` and `hr-bare`: HR sync throughput. `hr-api` posts N joiners to `POST /hr/sync` in
//! batches, one after another as an HR system would; `hr-bare` does the same database work
//! directly through `persistence` as the API does it (a batch's people in multi-row INSERTs,
//! its account set-up tickets numbered in one statement and inserted likewise, a transaction
//! per batch), so the API's cost is the difference. Each prints people per second.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Instant;

use diesel::Connection;
use domain::ids::{PersonId, TicketId};
use domain::party::Party;
use domain::people::{ExternalId, Person, PersonKind, PersonStatus, SecurityClearance};
use domain::ticket::{Priority, TicketCategory, TicketKind};
use persistence::StoreError;
use persistence::people::StoredPerson;
use persistence::tickets::{self, NewTicket};

use crate::args::Args;
use crate::load::{now, open};

fn joiner(prefix: &str, n: usize) -> serde_json::Value {
    serde_json::json!({
        "external_id": format!("{prefix}{n:07}"),
        "kind": "joiner",
        "effective_date": "2026-01-05",
        "given_name": "Synthetic",
        "family_name": format!("Joiner {n}"),
        "email": format!("joiner{n}@example.gov.uk"),
    })
}

/// One HTTP/1.1 POST on its own connection; the status code, or why there is none.
fn post(address: &str, path: &str, token: &str, body: &[u8]) -> Result<u16, String> {
    let mut stream = TcpStream::connect(address).map_err(|e| format!("{address}: {e}"))?;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body))
        .map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&answer[..answer.len().min(32)]);
    text.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| "no HTTP status in the answer".to_owned())
}

pub fn run_api(args: &Args) -> Result<(), String> {
    let address = args.text("address")?;
    let token = std::fs::read_to_string(args.text("token-file")?).map_err(|e| e.to_string())?;
    let count: usize = args.number("count", 100_000)?;
    let batch: usize = args.number("batch", 1_000)?;
    let started = Instant::now();
    for first in (0..count).step_by(batch) {
        let records: Vec<_> = (first..(first + batch).min(count))
            .map(|n| joiner("HR", n))
            .collect();
        let body = serde_json::to_vec(&serde_json::json!({ "records": records }))
            .map_err(|e| e.to_string())?;
        let status = post(address, "/api/v1/hr/sync", token.trim(), &body)?;
        if status != 200 {
            return Err(format!("POST /api/v1/hr/sync answered {status}"));
        }
    }
    println!("{:.0}", count as f64 / started.elapsed().as_secs_f64());
    Ok(())
}

pub fn run_bare(args: &Args) -> Result<(), String> {
    let count: usize = args.number("count", 100_000)?;
    let batch: usize = args.number("batch", 1_000)?;
    let (db, org_id) = open(args)?;
    let mut conn = db.write().map_err(|e| e.to_string())?;
    let started = Instant::now();
    for first in (0..count).step_by(batch) {
        let at = now();
        let mut people = Vec::with_capacity(batch);
        let mut raised = Vec::with_capacity(batch);
        for n in first..(first + batch).min(count) {
            let external = format!("BARE{n:07}");
            let person = Person {
                id: PersonId::from_uuid(uuid::Uuid::now_v7()),
                org_id,
                kind: PersonKind::Staff,
                external_id: ExternalId::parse(&external).ok(),
                given_name: "Synthetic".into(),
                family_name: format!("Joiner {n}"),
                email: None,
                phone: None,
                address: None,
                date_of_birth: None,
                clearance: SecurityClearance::None,
                starts_on: None,
                leaves_on: None,
                status: PersonStatus::Active,
                version: 1,
            };
            people.push(StoredPerson {
                person,
                hr_effective_date: None,
                created_at: at,
                updated_at: at,
            });
            raised.push(NewTicket {
                id: TicketId::from_uuid(uuid::Uuid::now_v7()),
                org_id,
                kind: TicketKind::ServiceRequest,
                category: TicketCategory::AccountRequest,
                priority: Priority::Medium,
                title: "Set up accounts for a joiner".into(),
                description: "HR reports a joiner: set up the accounts they need.".into(),
                requester: Party::Person(people[people.len() - 1].person.id),
                raised_by: Party::Account("bench-hr".into()),
                assigned_team: None,
                assigned_agent: None,
                contains_special_category: false,
            });
        }
        conn.transaction::<_, StoreError, _>(|conn| {
            persistence::people::insert_many(conn, &people, &Party::Account("bench".into()))?;
            tickets::create_many_within(conn, raised, at)?;
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    }
    println!("{:.0}", count as f64 / started.elapsed().as_secs_f64());
    Ok(())
}
