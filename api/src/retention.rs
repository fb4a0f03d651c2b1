//! Retention sweeps: the one code path behind `POST /api/v1/retention/sweeps`, `servicedesk
//! retention sweep` and the server's schedule.
//!
//! A sweep applies each retention policy of the organisation's register to the people it has
//! come due on (`domain::register::sweep`): erase or anonymise (the erasure walk of the
//! catalogue, over the holdings the policy's purposes govern), or raise a review ticket to the
//! data protection officer. People are read in keyset batches; each person is done in one
//! transaction with the record of what was done, the policy's cursor moved past them, and the
//! audit events, so a sweep cut short resumes after the last person done and never does
//! anything twice. A lease in the database lets one sweep run at a time for an organisation,
//! whichever server or command line runs it.

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use domain::audit::{AuditOperation, RecordKind};
use domain::ids::{OrgId, PersonId, TicketId};
use domain::legal_holds::Blocker;
use domain::party::Party;
use domain::register::sweep::SweepRule;
use domain::register::{RetentionAction, RetentionPolicy};
use domain::rights_requests::uk_date;
use domain::ticket::{Priority, TicketCategory, TicketKind};
use persistence::audit::Occurrence;
use persistence::catalogue::CATALOGUE;
use persistence::erasure::{self, Cause, Scope};
use persistence::retention::{self, Candidate, Done, Sweep, SweepPolicy};
use persistence::tickets::{self, NewTicket};
use persistence::{AnyConnection, Db, StoreError};
use uuid::Uuid;

use crate::clock;

/// How long a sweep's lease lasts unless renewed: a crashed holder's sweep is taken over this
/// long after its last renewal.
pub const LEASE: TimeDelta = TimeDelta::seconds(60);
/// How often a running sweep renews its lease.
const RENEW_EVERY: Duration = Duration::from_secs(15);

/// The team review tickets are assigned to: the data protection officer's queue.
pub const REVIEW_TEAM: &str = "data-protection";
/// The account review tickets are raised for: the retention schedule, not a person.
pub const REVIEW_REQUESTER: &str = "retention-schedule";

/// The organisation's retention policies as its register stands, each with what it reaches.
pub fn rules(conn: &mut AnyConnection, org_id: OrgId) -> Result<Vec<SweepRule>, StoreError> {
    let register = persistence::register::load(conn, org_id, None)?.register;
    Ok(register.sweep_rules(&CATALOGUE))
}

/// A sweep's rule for one of its policies, as stored when it began.
fn rule_of(policy: &SweepPolicy, schedule_reference: Option<String>) -> SweepRule {
    SweepRule {
        policy: RetentionPolicy {
            id: policy.policy_id,
            trigger: policy.trigger,
            period: policy.period,
            action: policy.action,
            schedule_reference,
        },
        purposes: policy.purposes.clone(),
        holdings: policy.holdings.clone(),
    }
}

/// How a request to sweep was answered.
#[derive(Debug)]
pub enum Start {
    /// A new sweep, or the organisation's unfinished one resumed: the caller now holds its
    /// lease and runs it ([`run`]).
    Started(Sweep),
    /// Another holder's sweep is running.
    Running(Uuid),
}

/// Takes the organisation's sweep lease for `holder` and answers the sweep to run: the one
/// cut short, if any (so a restarted server or command line resumes rather than starts over),
/// else a new one of the register's policies started by `by`.
pub fn start(db: &Db, org_id: OrgId, by: &Party, holder: &str) -> Result<Start, StoreError> {
    let mut conn = db.write()?;
    persistence::transaction(&mut conn, |conn| {
        // Read once the writer is ours: a sweep starts when it holds the lease, not when it
        // was asked for.
        let now = clock::now();
        // The lease first: the one write that decides who runs.
        let id = clock::new_uuid();
        if let Err(held) = retention::take_lease(conn, org_id, id, holder, now, LEASE)? {
            return Ok(Start::Running(held.sweep));
        }
        let sweep = match retention::unfinished(conn, org_id)? {
            Some(unfinished) => {
                retention::lease_for(conn, org_id, unfinished, holder)?;
                retention::get(conn, org_id, unfinished)?
            }
            None => {
                let rules = rules(conn, org_id)?;
                retention::begin(conn, org_id, id, by, &rules, now)?
            }
        };
        Ok(Start::Started(sweep))
    })
}

/// What a sweep reports as it goes.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// It starts on a policy: the `index`th of `of`.
    Policy {
        index: usize,
        of: usize,
        policy: &'a SweepPolicy,
    },
    /// One more person done (acted on or found blocked).
    Person,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Completed,
    /// The progress callback stopped it: the sweep stays running with its lease, as after a
    /// crash, and is resumed once the lease expires.
    Stopped,
    /// Its lease was taken over (it was not renewed in time): another holder resumes it.
    LeaseLost,
}

/// Runs a sweep `holder` holds the lease of to its end: each unfinished policy from its cursor,
/// each due person in a transaction of their own. A fault fails the sweep (what it did
/// stands) and gives up the lease.
pub fn run(
    db: &Db,
    org_id: OrgId,
    sweep: Uuid,
    holder: &str,
    progress: &mut dyn FnMut(Progress<'_>) -> ControlFlow<()>,
) -> Result<Ended, StoreError> {
    let ended = walk(db, org_id, sweep, holder, progress);
    let mut conn = db.write()?;
    match &ended {
        Ok(Ended::Completed) => {
            retention::finish(&mut conn, sweep, None, clock::now())?;
            retention::release_lease(&mut conn, org_id, holder)?;
        }
        Ok(Ended::Stopped | Ended::LeaseLost) => {}
        Err(error) => {
            tracing::warn!(%error, %sweep, "a retention sweep failed");
            retention::finish(&mut conn, sweep, Some(&error.to_string()), clock::now())?;
            retention::release_lease(&mut conn, org_id, holder)?;
        }
    }
    ended
}

fn walk(
    db: &Db,
    org_id: OrgId,
    sweep_id: Uuid,
    holder: &str,
    progress: &mut dyn FnMut(Progress<'_>) -> ControlFlow<()>,
) -> Result<Ended, StoreError> {
    let (sweep, references) = {
        let mut conn = db.read()?;
        let sweep = retention::get(&mut conn, org_id, sweep_id)?;
        let register = persistence::register::load(&mut conn, org_id, None)?.register;
        let references: Vec<Option<String>> = sweep
            .policies
            .iter()
            .map(|p| {
                register
                    .retention_policy(p.policy_id)
                    .and_then(|r| r.schedule_reference.clone())
            })
            .collect();
        (sweep, references)
    };
    let mut renewed = Instant::now();
    let mut erased = false;
    let of = sweep.policies.len();
    for (index, (policy, reference)) in sweep.policies.iter().zip(references).enumerate() {
        if policy.finished {
            continue;
        }
        if progress(Progress::Policy { index, of, policy }).is_break() {
            return Ok(Ended::Stopped);
        }
        let rule = rule_of(policy, reference);
        let mut after = policy.last_person;
        loop {
            let now = clock::now();
            if renewed.elapsed() >= RENEW_EVERY {
                let mut conn = db.write()?;
                if !retention::renew_lease(&mut conn, org_id, sweep_id, holder, now, LEASE)? {
                    return Ok(Ended::LeaseLost);
                }
                renewed = Instant::now();
            }
            let batch = due(db, org_id, &rule, uk_date(now), after)?;
            let Some(last) = batch.last().map(|c| c.person_id) else {
                let mut conn = db.write()?;
                retention::finish_policy(&mut conn, sweep_id, policy.policy_id)?;
                break;
            };
            for candidate in &batch {
                erased |= act(db, &sweep, &rule, candidate.person_id, clock::now())?;
                if progress(Progress::Person).is_break() {
                    return Ok(Ended::Stopped);
                }
                if renewed.elapsed() >= RENEW_EVERY {
                    let mut conn = db.write()?;
                    if !retention::renew_lease(
                        &mut conn,
                        org_id,
                        sweep_id,
                        holder,
                        clock::now(),
                        LEASE,
                    )? {
                        return Ok(Ended::LeaseLost);
                    }
                    renewed = Instant::now();
                }
            }
            after = Some(last);
        }
    }
    if erased {
        // The erased values leave the free pages and the log too (a server's scrubber does so
        // as it goes; the command line has none, so it waits longer for older transactions).
        erasure::scrub(db, clock::now(), std::time::Duration::from_secs(30))?;
    }
    Ok(Ended::Completed)
}

/// The next batch of people due under `rule` after `after`, each checked against the rule of
/// law itself.
fn due(
    db: &Db,
    org_id: OrgId,
    rule: &SweepRule,
    today: NaiveDate,
    after: Option<PersonId>,
) -> Result<Vec<Candidate>, StoreError> {
    let Some(events_by) = rule.policy.events_due_by(today) else {
        return Ok(Vec::new());
    };
    let mut conn = db.read()?;
    let mut batch =
        retention::due_batch(&mut conn, org_id, rule, events_by, after, retention::BATCH)?;
    // The query selects by the same cut-off; this keeps the rule's own word final.
    batch.retain(|c| rule.policy.due(&c.evidence, today).is_due());
    Ok(batch)
}

/// Does one person under one policy in one transaction: blocked (by a legal hold or an open
/// rights request, checked inside it), or the action taken, recorded, the cursor moved and the
/// audit event written. Answers whether data was erased.
fn act(
    db: &Db,
    sweep: &Sweep,
    rule: &SweepRule,
    person: PersonId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let mut conn = db.write()?;
    persistence::transaction(&mut conn, |conn| {
        retention::advance(conn, sweep.id, rule.policy.id, person)?;
        let blockers =
            persistence::legal_holds::blockers_for_person(conn, sweep.org_id, person, None)?;
        if !blockers.is_empty() {
            let done = Done::Blocked(blockers);
            retention::record(
                conn,
                sweep.org_id,
                sweep.id,
                rule.policy.id,
                person,
                &done,
                now,
            )?;
            return Ok(false);
        }
        let event = |operation, kind, id: String| Occurrence {
            org_id: sweep.org_id,
            at: now,
            actor: sweep.started_by.clone(),
            operation,
            record_kind: kind,
            record_id: Some(id),
            subject: Some(Party::Person(person)),
        };
        let action = rule.policy.action;
        let (ticket, occurrence) = match action {
            RetentionAction::Erase | RetentionAction::Anonymise => {
                erasure::erase_person(
                    conn,
                    sweep.org_id,
                    person,
                    &Scope::Holdings(rule.holdings.clone()),
                    Vec::new(),
                    Cause::Sweep(sweep.id),
                    &sweep.started_by,
                    now,
                )?;
                let operation = if action == RetentionAction::Erase {
                    AuditOperation::Delete
                } else {
                    AuditOperation::Update
                };
                (
                    None,
                    event(operation, RecordKind::Person, person.to_string()),
                )
            }
            RetentionAction::Review => {
                let ticket =
                    tickets::create_within(conn, review_ticket(sweep, &rule.policy, person), now)?;
                (
                    Some(ticket.id.as_uuid()),
                    event(
                        AuditOperation::Create,
                        RecordKind::Ticket,
                        ticket.id.to_string(),
                    ),
                )
            }
        };
        retention::record(
            conn,
            sweep.org_id,
            sweep.id,
            rule.policy.id,
            person,
            &Done::Acted { action, ticket },
            now,
        )?;
        persistence::audit::append(conn, &[occurrence])?;
        Ok(action != RetentionAction::Review)
    })
}

/// The ticket asking the data protection officer to review a person's data against the
/// retention schedule: it names the person by id only, and the policy.
fn review_ticket(sweep: &Sweep, policy: &RetentionPolicy, person: PersonId) -> NewTicket {
    let schedule = policy
        .schedule_reference
        .as_deref()
        .map(|r| format!(" The schedule: {r}."))
        .unwrap_or_default();
    NewTicket {
        id: TicketId::from_uuid(clock::new_uuid()),
        org_id: sweep.org_id,
        kind: TicketKind::ServiceRequest,
        category: TicketCategory::DataRequest,
        priority: Priority::Medium,
        title: "Retention review due".to_owned(),
        description: format!(
            "Retention policy {} (\"{}\") has come due for person {person}. Review their data \
             against the retention schedule and decide whether it is kept, anonymised or \
             erased.{schedule} Raised by retention sweep {}.",
            policy.id,
            policy.in_words(),
            sweep.id
        ),
        requester: Party::Account(REVIEW_REQUESTER.to_owned()),
        raised_by: sweep.started_by.clone(),
        assigned_team: Some(REVIEW_TEAM.to_owned()),
        assigned_agent: None,
        contains_special_category: false,
    }
}

/// What a dry run found for one policy.
#[derive(Debug, Clone)]
pub struct DryPolicy {
    pub rule: SweepRule,
    /// People the action would be taken on.
    pub acted: i64,
    pub blocked: i64,
}

/// What a dry run found: per policy, and everyone blocked with what blocks them.
#[derive(Debug, Clone)]
pub struct DryRun {
    pub policies: Vec<DryPolicy>,
    pub blocked: Vec<(SweepRule, PersonId, Vec<Blocker>)>,
}

/// What a sweep would do today, changing nothing.
pub fn dry_run(
    db: &Db,
    org_id: OrgId,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(Progress<'_>) -> ControlFlow<()>,
) -> Result<DryRun, StoreError> {
    let rules = rules(&mut *db.read()?, org_id)?;
    let today = uk_date(now);
    let mut found = DryRun {
        policies: Vec::new(),
        blocked: Vec::new(),
    };
    for rule in rules {
        let mut acted = 0;
        let mut blocked = 0;
        let mut after = None;
        loop {
            let batch = due(db, org_id, &rule, today, after)?;
            let Some(last) = batch.last().map(|c| c.person_id) else {
                break;
            };
            let mut conn = db.read()?;
            for candidate in &batch {
                let blockers = persistence::legal_holds::blockers_for_person(
                    &mut conn,
                    org_id,
                    candidate.person_id,
                    None,
                )?;
                if blockers.is_empty() {
                    acted += 1;
                } else {
                    blocked += 1;
                    found
                        .blocked
                        .push((rule.clone(), candidate.person_id, blockers));
                }
                if progress(Progress::Person).is_break() {
                    return Ok(found);
                }
            }
            after = Some(last);
        }
        found.policies.push(DryPolicy {
            rule,
            acted,
            blocked,
        });
    }
    Ok(found)
}

/// Who the scheduled sweeps act as, in the audit trail.
pub const SCHEDULE: &str = "retention-schedule";

/// The longest the schedule waits before looking for a sweep to resume: a crashed server's
/// sweep is taken over soon after its lease expires.
const RESUME_EVERY: Duration = Duration::from_secs(60);

/// Starts the server's schedule: at once and then every minute or so, any sweep cut short
/// whose lease has expired is resumed; every `every` (daily unless configured), each
/// organisation's sweep runs. `None` runs no sweeps on a schedule (resuming included: the
/// command line or `POST /retention/sweeps` resumes them). Runs on the server's runtime, so it
/// ends with the server.
pub fn schedule(db: Db, every: Option<Duration>) {
    let Some(every) = every else {
        return;
    };
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every.min(RESUME_EVERY));
        let mut last_run = Instant::now();
        loop {
            ticks.tick().await;
            let run_all = last_run.elapsed() >= every;
            if run_all {
                last_run = Instant::now();
            }
            let db = db.clone();
            let swept = tokio::task::spawn_blocking(move || scheduled(&db, run_all)).await;
            match swept {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::warn!(%error, "the scheduled retention sweep failed"),
                Err(_) => tracing::warn!("the scheduled retention sweep did not finish"),
            }
        }
    });
}

/// Runs what is due on the schedule: the sweeps cut short, and when `run_all`, every
/// organisation's.
fn scheduled(db: &Db, run_all: bool) -> Result<(), StoreError> {
    let orgs = {
        let mut conn = db.read()?;
        if run_all {
            retention::organisations(&mut conn)?
        } else {
            retention::organisations_unfinished(&mut conn)?
        }
    };
    let by = Party::Account(SCHEDULE.to_owned());
    for org_id in orgs {
        let holder = clock::new_uuid().to_string();
        match start(db, org_id, &by, &holder)? {
            Start::Started(sweep) => {
                let ended = run(db, org_id, sweep.id, &holder, &mut |_| {
                    ControlFlow::Continue(())
                })?;
                tracing::info!(sweep = %sweep.id, ?ended, "retention sweep");
            }
            Start::Running(_) => {}
        }
    }
    Ok(())
}
