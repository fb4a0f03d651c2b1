//! `POST /api/v1/hr/sync`: joiners, movers and leavers from an HR system, up to 10,000 a batch,
//! applied in one transaction. Each record is applied, ignored (older than what is held, or a
//! replay asking nothing new), refused, or invalid with its field errors; none is half-applied.
//! The desk work each applied record asks for is raised as tickets in the same transaction.
//! With an `Idempotency-Key`, a repeat of the request gets the first answer.

use std::collections::{HashMap, HashSet};

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use domain::DomainError;
use domain::audit::{AuditOperation, RecordKind};
use domain::catalogue::RecordKind as CatalogueKind;
use domain::hr::{DeskEffect, HrDecision, HrEvent, HrEventInput, PersonHrState, decide, effects};
use domain::ids::{OrgId, PersonId, TicketId};
use domain::party::Party;
use domain::people::Person;
use domain::register::Holding;
use domain::restriction::{Processing, Touched};
use domain::ticket::{Priority, TicketCategory, TicketKind};
use persistence::hr::{self, StoredAnswer};
use persistence::people::StoredPerson;
use persistence::tickets::{self, NewTicket};
use persistence::{AnyConnection, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::audit::Trail;
use crate::auth::{Caller, Integrators};
use crate::clock;
use crate::http::json::{ValidJson, from_value};
use crate::http::problem::responses::{
    BadRequest, InvalidFields, PayloadTooLarge, Unauthenticated, UnsupportedMediaType,
};
use crate::http::{ApiError, ApiResult, FieldError, Problem};
use crate::routes::restrictions::Restraints;
use crate::state::AppState;

/// A batch of 10,000 records of a few hundred bytes each fits with room to spare.
pub const HR_BODY_LIMIT: usize = 8 * 1024 * 1024;
// The batch bound in `HrBatch`'s attributes is the domain's.
const _: () = assert!(domain::hr::MAX_BATCH == 10_000);
const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config.service(
        utoipa_actix_web::scope::scope("/hr")
            .app_data(web::PayloadConfig::new(HR_BODY_LIMIT))
            .service(hr_sync),
    );
}

/// A batch of HR events.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HrBatch {
    /// Joiner, mover and leaver events, applied in order.
    #[validate(length(min = 1, max = 10000))]
    #[schema(value_type = Vec<HrEventInput>, min_items = 1, max_items = 10000)]
    pub records: Vec<serde_json::Value>,
}

/// What became of one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HrOutcome {
    /// A new person.
    Created,
    /// A held person's details, start date or kind changed (or a rejoin).
    Updated,
    /// The leave date is recorded.
    Left,
    /// Nothing applied: older than what is held, or nothing new.
    Ignored,
    /// Applying it is against a rule (a leaver the desk does not hold, a leave date before the
    /// start, a person whose processing is restricted under Art 18).
    Refused,
    /// The record is malformed; `errors` names each field.
    Invalid,
}

/// One record's outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct HrRecordOutcome {
    /// The record's place in the batch, from 0.
    pub index: usize,
    pub external_id: Option<String>,
    pub outcome: HrOutcome,
    pub person_id: Option<PersonId>,
    /// Why it was ignored or refused.
    pub reason: Option<String>,
    /// Field errors of an invalid record (`records[3].email`).
    pub errors: Vec<FieldError>,
    /// References of the tickets raised for the desk's work (account requests, recoveries).
    pub tickets: Vec<String>,
}

/// The answer to a batch: a count per outcome, and each record's.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct HrSyncAnswer {
    pub applied: usize,
    pub ignored: usize,
    pub refused: usize,
    pub invalid: usize,
    pub records: Vec<HrRecordOutcome>,
}

/// An idempotent request.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Header)]
#[expect(
    dead_code,
    reason = "describes the header for the contract; the handler reads it with idempotency_key"
)]
pub struct IdempotencyHeader {
    /// Any string of 1 to 255 visible ASCII characters, unique per request: a repeat of the
    /// same request gets the first answer; the same key with another request is 422.
    #[param(rename = "Idempotency-Key", pattern = "^[!-~]{1,255}$")]
    pub idempotency_key: Option<String>,
}

fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or("");
    let valid = (1..=255).contains(&key.len()) && key.bytes().all(|b| (b'!'..=b'~').contains(&b));
    if valid {
        Ok(Some(key.to_owned()))
    } else {
        Err(ApiError::bad_parameters(vec![FieldError {
            field: IDEMPOTENCY_KEY.into(),
            message: "must be 1 to 255 visible ASCII characters".into(),
        }]))
    }
}

/// The request's fingerprint: SHA-256 of its records as JSON.
fn fingerprint(records: &[serde_json::Value]) -> String {
    let bytes = serde_json::to_vec(records).unwrap_or_default();
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &bytes);
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// Either the first answer to a repeated key, or this request's.
enum Answer {
    Replayed(StoredAnswer),
    KeyReused,
    Fresh(String),
}

/// Sync HR joiners, movers and leavers
///
/// Up to 10,000 records, applied in one transaction in order. A record older than what is held
/// for its person never overwrites it. A joiner raises an account set-up request; a mover an
/// amend request; a leaver records the leave date (which starts the retention clock) and, on
/// first notice, raises a removal request for each live account and a recovery request for
/// each asset held. Send `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = "people",
    params(IdempotencyHeader),
    request_body = HrBatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Each record's outcome", body = HrSyncAnswer),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, description = "Only integrators sync HR", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A person the batch names changed while it was applied: nothing was stored; send it again", body = Problem, content_type = "application/problem+json"),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = InvalidFields),
    )
)]
#[post("/sync")]
async fn hr_sync(
    caller: Caller<Integrators>,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ValidJson<HrBatch, HR_BODY_LIMIT>,
) -> ApiResult<HttpResponse> {
    let key = idempotency_key(&req)?;
    let records = body.0.records;
    // Only a keyed request is ever compared with another.
    let hash = key.as_ref().map(|_| fingerprint(&records));
    let org_id = caller.org_id;
    let raised_by = caller.actor().to_owned();
    let now = clock::now();
    let kept_since = now - state.settings.idempotency_ttl;
    let answer = state
        .write_audited(Trail::new(&caller, now), move |conn, trail| {
            if let Some(key) = key.as_deref()
                && let Some(first) = hr::answer_for(conn, org_id, key, kept_since)?
            {
                return Ok(if hash.as_ref() == Some(&first.request_hash) {
                    Answer::Replayed(first)
                } else {
                    Answer::KeyReused
                });
            }
            persistence::transaction(conn, |conn| {
                let answer = apply(conn, org_id, &raised_by, records, now, trail)?;
                let body = serde_json::to_string(&answer)
                    .map_err(|_| StoreError::Corrupt("hr sync answer".into()))?;
                if let (Some(key), Some(hash)) = (key.as_deref(), hash) {
                    // An expired answer under the same key gives way to this one.
                    hr::forget_answers(conn, Some(org_id), kept_since)?;
                    let kept = StoredAnswer {
                        request_hash: hash,
                        status: StatusCode::OK.as_u16(),
                        body: body.clone(),
                    };
                    hr::keep_answer(conn, org_id, key, &kept, now)?;
                }
                Ok(Answer::Fresh(body))
            })
        })
        .await
        .map_err(|error| match error {
            // No If-Match was sent: the batch met a person someone else changed meanwhile.
            ApiError::PreconditionFailed(_) => ApiError::Conflict(
                "a person the batch names changed while it was applied; nothing of it was \
                 stored: send it again"
                    .into(),
            ),
            other => other,
        })?;
    state.parties.forget_all();
    let json = |status: StatusCode, body: String| {
        HttpResponse::build(status)
            .content_type("application/json")
            .body(body)
    };
    match answer {
        Answer::Fresh(body) => Ok(json(StatusCode::OK, body)),
        Answer::Replayed(first) => {
            let status = StatusCode::from_u16(first.status).unwrap_or(StatusCode::OK);
            let mut response = json(status, first.body);
            response.headers_mut().insert(
                header::HeaderName::from_static("idempotency-replayed"),
                header::HeaderValue::from_static("true"),
            );
            Ok(response)
        }
        Answer::KeyReused => Err(ApiError::field(
            IDEMPOTENCY_KEY,
            "was already used with a different request",
        )),
    }
}

/// Applies the batch in order, inside the caller's transaction. The people it names are read at
/// once; each record is then decided against the person as the records before it left them,
/// and what it writes is collected. The writes go out together at the end, in a few
/// statements: a record not applied writes nothing, and a storage failure fails the whole
/// batch, so no record is ever half-applied. What it writes is noted in `trail`.
fn apply(
    conn: &mut AnyConnection,
    org_id: OrgId,
    raised_by: &Party,
    records: Vec<serde_json::Value>,
    now: DateTime<Utc>,
    trail: &mut Trail,
) -> Result<HrSyncAnswer, StoreError> {
    let today = now.date_naive();
    let mut answer = HrSyncAnswer::default();
    let mut events = Vec::with_capacity(records.len());
    for (index, value) in records.into_iter().enumerate() {
        let parsed = from_value::<HrEventInput>(value)
            .map_err(|errors| errors.into_iter().map(|e| prefixed(index, e)).collect())
            .and_then(|input| {
                HrEvent::parse(input, today)
                    .map_err(|errors| errors.into_iter().map(|e| domain_error(index, e)).collect())
            });
        events.push((index, parsed));
    }
    hr::plan_for_values(conn)?;
    let keys: Vec<&str> = events
        .iter()
        .filter_map(|(_, e)| e.as_ref().ok().map(|e| e.external_id().as_str()))
        .collect();
    let mut held = hr::people_by_external_id(conn, org_id, &keys)?;
    // Art 18(2): the restrictions in force of the people the batch names, read once.
    let named: Vec<PersonId> = held.values().map(|stored| stored.person.id).collect();
    let restraints = Restraints::load(conn, org_id, &named, now)?;
    let mut writes = Writes {
        // As read: each changed person is written over this version, or not at all.
        read: held.clone(),
        ..Writes::default()
    };
    for (index, parsed) in events {
        let event = match parsed {
            Ok(event) => event,
            Err(errors) => {
                answer.invalid += 1;
                answer.records.push(HrRecordOutcome {
                    index,
                    external_id: None,
                    outcome: HrOutcome::Invalid,
                    person_id: None,
                    reason: None,
                    errors,
                    tickets: Vec::new(),
                });
                continue;
            }
        };
        let key = event.external_id().as_str().to_owned();
        let record = apply_one(
            conn,
            org_id,
            raised_by,
            &event,
            held.get(&key),
            &restraints,
            now,
        )?;
        let outcome = record.outcome;
        match outcome {
            HrOutcome::Created | HrOutcome::Updated | HrOutcome::Left => answer.applied += 1,
            HrOutcome::Ignored => answer.ignored += 1,
            HrOutcome::Refused => answer.refused += 1,
            HrOutcome::Invalid => answer.invalid += 1,
        }
        if let Some(stored) = record.stored {
            writes.person(&key, outcome == HrOutcome::Created);
            held.insert(key.clone(), stored);
        }
        writes.tickets(answer.records.len(), record.work);
        answer.records.push(HrRecordOutcome {
            index,
            external_id: Some(key),
            outcome,
            person_id: record.person_id,
            reason: record.reason,
            errors: record.errors,
            tickets: Vec::new(),
        });
    }
    writes.flush(conn, held, &mut answer, raised_by, now, trail)?;
    Ok(answer)
}

/// What a batch writes, collected record by record and flushed in a few statements.
#[derive(Default)]
struct Writes {
    /// The people the batch names, as read before any record applied.
    read: HashMap<String, StoredPerson>,
    /// The people written, by external id, in the order first written; `true` for one the
    /// batch creates. Each is written once, as the batch leaves them.
    people: Vec<(String, bool)>,
    seen: HashSet<String>,
    /// The tickets to raise, in the order their records asked for them.
    tickets: Vec<NewTicket>,
    /// How many of `tickets` each answer record raises, by its place in the answer.
    raised: Vec<(usize, usize)>,
}

impl Writes {
    fn person(&mut self, key: &str, created: bool) {
        if self.seen.insert(key.to_owned()) {
            self.people.push((key.to_owned(), created));
        }
    }

    fn tickets(&mut self, record: usize, work: Vec<NewTicket>) {
        if !work.is_empty() {
            self.raised.push((record, work.len()));
            self.tickets.extend(work);
        }
    }

    /// Writes the people (the new ones in multi-row INSERTs, each changed one in an UPDATE over
    /// the version `read` holds, so a concurrent change is never overwritten), with their
    /// history, then raises the tickets, and gives each answer record its references, in order.
    fn flush(
        self,
        conn: &mut AnyConnection,
        mut held: HashMap<String, StoredPerson>,
        answer: &mut HrSyncAnswer,
        actor: &Party,
        now: DateTime<Utc>,
        trail: &mut Trail,
    ) -> Result<(), StoreError> {
        let mut created = Vec::new();
        let mut changed = Vec::new();
        for (key, new) in self.people {
            let stored = held
                .remove(&key)
                .ok_or_else(|| StoreError::Corrupt("hr sync person not held".into()))?;
            match self.read.get(&key) {
                Some(before) if !new => changed.push((before, stored)),
                _ => created.push(stored),
            }
        }
        persistence::people::insert_many(conn, &created, actor)?;
        for (before, after) in &changed {
            persistence::people::replace(conn, before, after, actor)?;
        }
        let written = created
            .iter()
            .map(|stored| (AuditOperation::Create, stored))
            .chain(
                changed
                    .iter()
                    .map(|(_, stored)| (AuditOperation::Update, stored)),
            );
        for (operation, stored) in written {
            let id = stored.person.id;
            trail.record(operation, RecordKind::Person, id, Some(Party::Person(id)));
        }
        let raised = tickets::create_many_within(conn, self.tickets, now)?;
        record_raised(trail, &raised);
        let mut references = raised
            .into_iter()
            .map(|ticket| ticket.reference.to_string());
        for (record, count) in self.raised {
            if let Some(outcome) = answer.records.get_mut(record) {
                outcome.tickets = references.by_ref().take(count).collect();
            }
        }
        Ok(())
    }
}

/// One decided record: what it does, the person as it now stands (when applied), and the
/// tickets its desk work needs, not yet raised.
struct Applied {
    outcome: HrOutcome,
    person_id: Option<PersonId>,
    reason: Option<String>,
    errors: Vec<FieldError>,
    work: Vec<NewTicket>,
    stored: Option<StoredPerson>,
}

impl Applied {
    fn not_applied(outcome: HrOutcome, person: Option<PersonId>, reason: String) -> Self {
        Applied {
            outcome,
            person_id: person,
            reason: Some(reason),
            errors: Vec::new(),
            work: Vec::new(),
            stored: None,
        }
    }
}

/// Decides one record against the person as held (`held`), and what it writes. Writes nothing
/// itself: reads only what the batch never writes (a leaver's accounts and assets). A mover or
/// leaver whose person record's purpose is restricted is refused, naming the restriction
/// (Art 18(2)).
fn apply_one(
    conn: &mut AnyConnection,
    org_id: OrgId,
    raised_by: &Party,
    event: &HrEvent,
    held: Option<&StoredPerson>,
    restraints: &Restraints,
    now: DateTime<Utc>,
) -> Result<Applied, StoreError> {
    let today = now.date_naive();
    let state = held.map(|stored| PersonHrState {
        person: stored.person.clone(),
        last_effective_date: stored.hr_effective_date,
    });
    let decision = decide(state.as_ref(), event);
    let held_id = held.map(|s| s.person.id);
    if let (HrDecision::Leave { .. } | HrDecision::Update { .. }, Some(person)) =
        (&decision, held_id)
        && let Some(refusal) = restraints.refusal(
            person,
            Processing::PersonUpdate,
            Touched::Records(Holding::of(CatalogueKind::Person)),
        )
    {
        return Ok(Applied::not_applied(
            HrOutcome::Refused,
            held_id,
            DomainError::from(refusal).to_string(),
        ));
    }
    let (outcome, person): (HrOutcome, Person) = match (&decision, held) {
        (HrDecision::Ignore { reason, .. }, _) => {
            return Ok(Applied::not_applied(
                HrOutcome::Ignored,
                held_id,
                reason.message().to_owned(),
            ));
        }
        (HrDecision::Refuse { reason }, _) => {
            return Ok(Applied::not_applied(
                HrOutcome::Refused,
                held_id,
                reason.message().to_owned(),
            ));
        }
        (HrDecision::Create, _) => {
            let id = PersonId::from_uuid(clock::new_uuid());
            match event.new_person(id, org_id, today) {
                Ok(person) => (HrOutcome::Created, person),
                Err(errors) => {
                    return Ok(Applied {
                        outcome: HrOutcome::Invalid,
                        person_id: None,
                        reason: None,
                        errors: errors.into_iter().map(|e| domain_error_at(e, "")).collect(),
                        work: Vec::new(),
                        stored: None,
                    });
                }
            }
        }
        (HrDecision::Leave { .. }, Some(stored)) => {
            (HrOutcome::Left, event.apply_to(&stored.person, today))
        }
        (HrDecision::Update { .. }, Some(stored)) => {
            (HrOutcome::Updated, event.apply_to(&stored.person, today))
        }
        (HrDecision::Leave { .. } | HrDecision::Update { .. }, None) => {
            return Err(StoreError::Corrupt("hr decision without a person".into()));
        }
    };
    let source = Source {
        org_id,
        informant: Informant::HrSystem,
        raised_by,
    };
    let work = desk_work(conn, source, &person, &decision, event.effective_date())?;
    Ok(Applied {
        outcome,
        person_id: Some(person.id),
        reason: None,
        errors: Vec::new(),
        work,
        stored: Some(StoredPerson {
            person,
            hr_effective_date: Some(event.effective_date()),
            created_at: held.map_or(now, |s| s.created_at),
            updated_at: now,
        }),
    })
}

/// Who told the desk of a joiner, mover or leaver; the tickets it raises say so, for the agent
/// who checks the news with its source.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Informant {
    /// `POST /hr/sync`.
    HrSystem,
    /// SCIM provisioning at `/scim/v2`.
    Directory,
}

impl Informant {
    fn reports(self) -> &'static str {
        match self {
            Informant::HrSystem => "HR reports",
            Informant::Directory => "The identity directory reports",
        }
    }
}

/// Where desk work comes from: the organisation, its informant, and the caller's subject,
/// who is the tickets' `raised_by`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Source<'a> {
    pub org_id: OrgId,
    pub informant: Informant,
    pub raised_by: &'a Party,
}

/// Raises the desk work `decision` asks for about `person` (see [`effects`]) as tickets, in the
/// caller's transaction, and returns their references. HR sync and SCIM provisioning both
/// come here (HR sync through [`desk_work`], raising a batch's tickets together), so a leaver
/// is a leaver whichever way the desk hears of it.
pub(crate) fn raise_desk_work(
    conn: &mut AnyConnection,
    source: Source,
    person: &Person,
    decision: &HrDecision,
    effective: NaiveDate,
    now: DateTime<Utc>,
    trail: &mut Trail,
) -> Result<Vec<String>, StoreError> {
    let work = desk_work(conn, source, person, decision, effective)?;
    let raised = tickets::create_many_within(conn, work, now)?;
    record_raised(trail, &raised);
    Ok(raised
        .into_iter()
        .map(|ticket| ticket.reference.to_string())
        .collect())
}

/// Notes the tickets desk work raised, each about its requester.
fn record_raised(trail: &mut Trail, raised: &[domain::ticket::Ticket]) {
    for ticket in raised {
        let about = Some(ticket.requester.clone());
        trail.record(AuditOperation::Create, RecordKind::Ticket, ticket.id, about);
    }
}

/// The tickets that carry the desk work `decision` asks for about `person`, in order, not yet
/// raised. A leaver's first notice reads their accounts and assets, which HR sync never writes.
fn desk_work(
    conn: &mut AnyConnection,
    source: Source,
    person: &Person,
    decision: &HrDecision,
    effective: NaiveDate,
) -> Result<Vec<NewTicket>, StoreError> {
    let leaving_first = matches!(
        decision,
        HrDecision::Leave {
            first_notice: true,
            ..
        }
    );
    let (accounts, assets) = if leaving_first {
        (
            hr::accounts_of(conn, person.id)?,
            hr::assets_of(conn, person.id)?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(effects(decision, &accounts, &assets)
        .iter()
        .filter_map(|effect| ticket_for(effect, source, person, effective))
        .collect())
}

/// The ticket that carries a desk effect to the service desk; the leave date itself is stored
/// on the person, not raised.
fn ticket_for(
    effect: &DeskEffect,
    source: Source,
    person: &Person,
    effective: NaiveDate,
) -> Option<NewTicket> {
    let reports = source.informant.reports();
    let (category, priority, title, description) = match effect {
        DeskEffect::AccountSetUp => (
            TicketCategory::AccountRequest,
            Priority::Medium,
            "Set up accounts for a joiner".to_owned(),
            format!("{reports} a joiner from {effective}: set up the accounts they need."),
        ),
        DeskEffect::AccountAmend { changes } => (
            TicketCategory::AccountRequest,
            Priority::Medium,
            "Review access for a mover".to_owned(),
            format!(
                "{reports} a change from {effective} ({}): review and amend their accounts.",
                changes
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        DeskEffect::AccountRemoval { account } => (
            TicketCategory::AccountRequest,
            Priority::High,
            "Remove a leaver's account".to_owned(),
            format!("{reports} a leaver, last day {effective}: remove account {account}."),
        ),
        DeskEffect::AssetRecovery { asset, assignment } => (
            TicketCategory::AssetRequest,
            Priority::High,
            "Recover an asset from a leaver".to_owned(),
            format!(
                "{reports} a leaver, last day {effective}: recover asset {asset} (assignment {assignment})."
            ),
        ),
        DeskEffect::RecordLeaveDate { .. } => return None,
    };
    Some(NewTicket {
        id: TicketId::from_uuid(clock::new_uuid()),
        org_id: source.org_id,
        kind: TicketKind::ServiceRequest,
        category,
        priority,
        title,
        description,
        requester: Party::Person(person.id),
        raised_by: source.raised_by.to_owned(),
        assigned_team: None,
        assigned_agent: None,
        contains_special_category: false,
    })
}

fn prefixed(index: usize, error: FieldError) -> FieldError {
    FieldError {
        field: format!("records[{index}].{}", error.field),
        message: error.message,
    }
}

fn domain_error(index: usize, error: DomainError) -> FieldError {
    domain_error_at(error, &format!("records[{index}]."))
}

fn domain_error_at(error: DomainError, prefix: &str) -> FieldError {
    let error = FieldError::from(error);
    FieldError {
        field: format!("{prefix}{}", error.field),
        message: error.message,
    }
}
