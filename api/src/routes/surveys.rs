//! Satisfaction surveys on consent: `/api/v1/consents` (given by the person for a purpose of the
//! register that rests on consent, withdrawn by them or the DPO), `/api/v1/tickets/{id}/survey`
//! (the requester's answer once the ticket is closed, stored only on consent standing then) and
//! `/api/v1/surveys/report` (satisfaction by team and month, never a group under 5).
//!
//! The answer is `PUT` on the ticket's one survey: it creates it (201) and never replaces it; a
//! second answer is 409, because an opinion is only ever erased (by withdrawal), not rewritten.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use domain::DomainError;
use domain::audit::{AuditOperation, RecordKind};
use domain::catalogue::RecordKind as CatalogueKind;
use domain::ids::{ConsentId, PersonId, PurposeId, SurveyAnswerId, TicketId};
use domain::party::Party;
use domain::register::{EntryKind, Holding, Purpose};
use domain::restriction::{Processing, Touched};
use domain::role::Role;
use domain::surveys::{self, Rating, SatisfactionReport, SurveyAnswer, SurveyOpinion};
use persistence::StoreError;
use persistence::surveys::{Consent, Withdrawal};
use persistence::{notices, register, tickets};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::audit::Trail;
use crate::auth::{Caller, ConsentHolders, Requesters, SurveyReporters};
use crate::clock;
use crate::http::json::ValidJson;
use crate::http::page::{next_cursor, parse_cursor, parse_limit};
use crate::http::params::{Params, path_id};
use crate::http::problem::responses::{
    BodyProblems, ListProblems, PathProblems, PayloadTooLarge, Unauthenticated,
    UnsupportedMediaType,
};
use crate::http::{ApiError, ApiResult, Problem};
use crate::routes::restrictions::Restraints;
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(give_consent)
        .service(list_consents)
        .service(withdraw_consent)
        .service(answer_survey)
        .service(get_survey)
        .service(survey_report);
}

// ---------------------------------------------------------------------------------------------
// Bodies

/// Consent given by a person for one purpose of the organisation's register (Art 7(1)).
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentDto {
    pub id: ConsentId,
    /// The person who gave it.
    pub person_id: PersonId,
    /// The register's purpose it was given for; the purpose rests on Art 6(1)(a) or 9(2)(a).
    pub purpose_id: PurposeId,
    /// The version of the privacy notice in effect when it was given, if one was published.
    pub notice_version: Option<i64>,
    pub given_at: DateTime<Utc>,
    /// When it was withdrawn (Art 7(3)); answers given on it have lost their opinion since.
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl From<Consent> for ConsentDto {
    fn from(c: Consent) -> Self {
        ConsentDto {
            id: c.id,
            person_id: c.person_id,
            purpose_id: c.purpose_id,
            notice_version: c.notice_version,
            given_at: c.given_at,
            withdrawn_at: c.withdrawn_at,
        }
    }
}

/// Consent to give, now, for a purpose of the register.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GiveConsent {
    /// A purpose of the organisation's register resting on consent (Art 6(1)(a) or 9(2)(a)).
    pub purpose_id: PurposeId,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentPage {
    pub items: Vec<ConsentDto>,
    /// Pass as `cursor` for the next page; `null` on the last.
    #[schema(pattern = "^[A-Za-z0-9_-]{22}$")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsentListQuery {
    /// Only this person's consents (the DPO's filter; a requester only ever sees their own).
    #[param(value_type = Option<uuid::Uuid>)]
    pub person_id: Option<String>,
    /// Page size, 1 to 500 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[A-Za-z0-9_-]{22}$")]
    pub cursor: Option<String>,
}

/// The requester's answer to a closed ticket's survey.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerSurvey {
    /// Consent the requester gave for the survey after the ticket closed, standing now.
    pub consent_id: ConsentId,
    /// 1 (very dissatisfied) to 5 (very satisfied).
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5, example = 4)]
    pub rating: u8,
    /// Optional; blank is none.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
}

/// An answer to a ticket's survey. Once its consent is withdrawn it keeps no opinion: `rating`
/// and `comment` are `null` and `withdrawn_at` says since when.
#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyAnswerDto {
    pub id: SurveyAnswerId,
    pub ticket_id: TicketId,
    /// The person who answered.
    pub respondent: PersonId,
    pub consent_id: ConsentId,
    /// The team holding the ticket when it was answered.
    pub team: Option<String>,
    #[schema(minimum = 1, maximum = 5)]
    pub rating: Option<u8>,
    pub comment: Option<String>,
    pub answered_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl From<SurveyAnswer> for SurveyAnswerDto {
    fn from(a: SurveyAnswer) -> Self {
        let (rating, comment) = match a.opinion {
            Some(opinion) => (Some(opinion.rating.get()), opinion.comment),
            None => (None, None),
        };
        SurveyAnswerDto {
            id: a.id,
            ticket_id: a.ticket_id,
            respondent: a.respondent,
            consent_id: a.consent_id,
            team: a.team,
            rating,
            comment,
            answered_at: a.answered_at,
            withdrawn_at: a.withdrawn_at,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rules of access

fn no_person() -> ApiError {
    ApiError::field(
        "person",
        "the caller has no person record in this organisation",
    )
}

// ---------------------------------------------------------------------------------------------
// Consents

/// Give consent
///
/// The caller gives consent, now, for a purpose of their organisation's register that rests on
/// consent (Art 6(1)(a) or 9(2)(a)). The record keeps the version of the privacy notice in
/// effect, if one is published, and when it was given, so it can be demonstrated (Art 7(1)).
/// Only the person themselves gives it: the caller's token subject must be the `external_id` of
/// a person of the organisation.
#[utoipa::path(
    operation_id = "give_consent",
    tag = "surveys",
    request_body = GiveConsent,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Consent recorded", body = ConsentDto,
            headers(("Location" = String))),
        (status = 403, description = "Only the person themselves (a requester) gives consent", body = Problem, content_type = "application/problem+json"),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "No such purpose, a purpose not resting on consent, or a caller with no person record (`person`)", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[post("/consents")]
async fn give_consent(
    caller: Caller<Requesters>,
    state: web::Data<AppState>,
    body: ValidJson<GiveConsent>,
) -> ApiResult<HttpResponse> {
    let purpose_id = body.0.purpose_id;
    let principal = caller.principal.clone();
    let id = ConsentId::from_uuid(clock::new_uuid());
    let now = clock::now();
    let consent = state
        .write_audited(Trail::new(&caller, now), move |conn, trail| {
            persistence::transaction(conn, |conn| {
                let Some(person_id) = principal.person() else {
                    return Ok(Err(no_person()));
                };
                let org_id = principal.org_id;
                let purpose = match register::get::<Purpose>(
                    conn,
                    org_id,
                    EntryKind::Purpose,
                    purpose_id.as_uuid(),
                    None,
                ) {
                    Ok(stored) => stored.body,
                    Err(StoreError::NotFound) => {
                        return Ok(Err(ApiError::field(
                            "purpose_id",
                            "no such purpose in the organisation's register",
                        )));
                    }
                    Err(other) => return Err(other),
                };
                if !purpose.rests_on_consent() {
                    return Ok(Err(ApiError::field(
                        "purpose_id",
                        format!(
                            "the purpose rests on {}, not on consent (Art 6(1)(a) or 9(2)(a))",
                            purpose.lawful_basis.article()
                        ),
                    )));
                }
                let notice = notices::latest::<serde_json::Value, serde_json::Value>(
                    conn,
                    org_id,
                    Some(now.date_naive()),
                )?;
                let consent = Consent {
                    id,
                    org_id,
                    person_id,
                    purpose_id,
                    notice_version: notice.map(|n| n.version),
                    given_at: now,
                    withdrawn_at: None,
                };
                persistence::surveys::insert_consent(conn, &consent)?;
                trail.record(
                    AuditOperation::Create,
                    RecordKind::Consent,
                    consent.id,
                    Some(Party::Person(person_id)),
                );
                Ok(Ok(consent))
            })
        })
        .await??;
    let location = format!("/api/v1/consents/{}", consent.id);
    let mut response = HttpResponse::Created().json(ConsentDto::from(consent));
    if let Ok(value) = header::HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// List consents
///
/// The caller's own consents, oldest first; the DPO sees everyone's in the organisation and
/// may narrow them to one `person_id`.
#[utoipa::path(
    operation_id = "list_consents",
    tag = "surveys",
    params(ConsentListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of consents", body = ConsentPage),
        (status = 403, description = "Role may not read consents", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/consents")]
async fn list_consents(
    caller: Caller<ConsentHolders>,
    state: web::Data<AppState>,
    query: web::Query<ConsentListQuery>,
) -> ApiResult<web::Json<ConsentPage>> {
    let mut params = Params::default();
    let person: Option<PersonId> = params.optional("person_id", query.person_id.as_deref());
    let limit = parse_limit(&mut params, query.limit.as_deref());
    let after: Option<ConsentId> = parse_cursor(&mut params, query.cursor.as_deref());
    params.finish()?;
    let principal = caller.principal.clone();
    let dpo = caller.has(Role::Dpo);
    let (items, more) = state
        .read(move |conn| {
            let person = if dpo {
                person
            } else {
                // A requester sees their own only: any other person_id matches nothing.
                match principal.person() {
                    Some(own) if person.is_none_or(|p| p == own) => Some(own),
                    _ => return Ok((Vec::new(), false)),
                }
            };
            persistence::surveys::list_consents(conn, principal.org_id, person, limit, after)
        })
        .await?;
    let mut trail = Trail::new(&caller, clock::now());
    for consent in &items {
        let about = Some(Party::Person(consent.person_id));
        trail.record(AuditOperation::List, RecordKind::Consent, consent.id, about);
    }
    state.record_reads(trail).await?;
    let next_cursor = next_cursor(&items, more, |c| c.id.as_uuid());
    Ok(web::Json(ConsentPage {
        items: items.into_iter().map(ConsentDto::from).collect(),
        next_cursor,
    }))
}

/// Withdraw consent
///
/// Withdraws a consent (Art 7(3)): the person themselves, or the DPO. In the same transaction
/// every survey answer given on it loses its opinion (rating and comment, Art 17(1)(b)) and
/// leaves the report. Withdrawing twice is 409.
#[utoipa::path(
    operation_id = "withdraw_consent",
    tag = "surveys",
    params(("id" = uuid::Uuid, Path, description = "Consent id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The consent, withdrawn", body = ConsentDto),
        (status = 403, description = "Role may not withdraw consent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such consent of the caller's (or, for the DPO, of the organisation)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already withdrawn", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[post("/consents/{id}/withdraw")]
async fn withdraw_consent(
    caller: Caller<ConsentHolders>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<ConsentDto>> {
    let id: ConsentId = path_id("id", &id)?;
    let principal = caller.principal.clone();
    let dpo = caller.has(Role::Dpo);
    let now = clock::now();
    let outcome = state
        .write_audited(Trail::new(&caller, now), move |conn, trail| {
            let own = if dpo {
                None
            } else {
                Some(principal.person().ok_or(StoreError::NotFound)?)
            };
            let outcome = persistence::surveys::withdraw_consent(
                conn,
                principal.org_id,
                id,
                |consent| match own {
                    Some(own) if own != consent.person_id => Err(StoreError::NotFound),
                    _ => Ok(()),
                },
                now,
            )?;
            if let Withdrawal::Withdrawn { consent, .. } = &outcome {
                let about = Some(Party::Person(consent.person_id));
                trail.record(
                    AuditOperation::Update,
                    RecordKind::Consent,
                    consent.id,
                    about,
                );
            }
            Ok(outcome)
        })
        .await
        .map_err(ApiError::not_found_as("consent"))?;
    match outcome {
        Withdrawal::Withdrawn { consent, erased } => {
            tracing::info!(erased, "consent withdrawn; survey opinions erased");
            Ok(web::Json(ConsentDto::from(consent)))
        }
        Withdrawal::AlreadyWithdrawn(_) => Err(ApiError::Conflict(
            "the consent has already been withdrawn".into(),
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Answers

/// Answer a ticket's survey
///
/// The ticket's requester rates it once it is closed: 1 to 5 and an optional comment. The
/// answer is stored only on consent the requester gave for this survey, after the ticket closed,
/// and standing now (Art 6(1)(a), 7(1)); without it nothing is kept (422 naming `consent_id`).
/// One answer per ticket: it is created by this `PUT` and never replaced (409).
#[utoipa::path(
    operation_id = "answer_ticket_survey",
    tag = "surveys",
    params(("id" = uuid::Uuid, Path, description = "Ticket id")),
    request_body = AnswerSurvey,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Answer stored", body = SurveyAnswerDto,
            headers(("Location" = String))),
        (status = 403, description = "Only the ticket's requester answers its survey", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The ticket is not closed, or its survey is already answered; or a restriction of the requester's processing holds for survey answers (Art 18(2)), the problem naming it and its ground", body = Problem, content_type = "application/problem+json"),
        BodyProblems,
    )
)]
#[put("/tickets/{id}/survey")]
async fn answer_survey(
    caller: Caller<Requesters>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: ValidJson<AnswerSurvey>,
) -> ApiResult<HttpResponse> {
    let ticket_id: TicketId = path_id("id", &id)?;
    let body = body.0;
    let rating = Rating::new(body.rating)?;
    let opinion = SurveyOpinion::new(rating, body.comment.as_deref())?;
    let consent_id = body.consent_id;
    let principal = caller.principal.clone();
    let answer_id = SurveyAnswerId::from_uuid(clock::new_uuid());
    let now = clock::now();
    let answer = state
        .write_audited(Trail::new(&caller, now), move |conn, trail| {
            persistence::transaction(conn, |conn| {
                let org_id = principal.org_id;
                let ticket = match tickets::get(conn, org_id, ticket_id) {
                    Ok(ticket) => ticket,
                    Err(StoreError::NotFound) => return Ok(Err(ApiError::no_such("ticket"))),
                    Err(other) => return Err(other),
                };
                let own = principal.own();
                if own != Some(&ticket.requester) {
                    return Ok(Err(if own.is_some_and(|p| ticket.concerns(p)) {
                        ApiError::Forbidden("only the ticket's requester answers its survey".into())
                    } else {
                        ApiError::no_such("ticket")
                    }));
                }
                let closed_at = match ticket.closed_at {
                    Some(at) if ticket.status.is_final() => at,
                    _ => {
                        return Ok(Err(ApiError::Conflict(
                            "a ticket's survey opens when the ticket is closed".into(),
                        )));
                    }
                };
                if persistence::surveys::answer_for_ticket(conn, org_id, ticket_id)?.is_some() {
                    return Ok(Err(ApiError::Conflict(
                        "the ticket's survey has already been answered".into(),
                    )));
                }
                let Some(person_id) = principal.person() else {
                    return Ok(Err(no_person()));
                };
                // Art 18(2): while their survey answers' purpose is restricted, no answer is
                // taken from them.
                if let Some(refusal) = Restraints::load(conn, org_id, &[person_id], now)?.refusal(
                    person_id,
                    Processing::SurveyUse,
                    Touched::Records(Holding::of(CatalogueKind::SurveyAnswer)),
                ) {
                    return Ok(Err(DomainError::from(refusal).into()));
                }
                let consent = match persistence::surveys::get_consent(conn, org_id, consent_id) {
                    Ok(consent) if consent.person_id == person_id => consent,
                    Ok(_) | Err(StoreError::NotFound) => {
                        return Ok(Err(ApiError::field(
                            "consent_id",
                            "no such consent of the caller's",
                        )));
                    }
                    Err(other) => return Err(other),
                };
                if let Err(refusal) =
                    surveys::may_store(Some(&consent.for_survey()), closed_at, now)
                {
                    let message = match refusal {
                        DomainError::Invalid { message, .. } => message,
                        other => other.to_string(),
                    };
                    return Ok(Err(ApiError::field("consent_id", message)));
                }
                if !persistence::surveys::hold_standing_consent(conn, org_id, consent_id)? {
                    return Ok(Err(ApiError::field(
                        "consent_id",
                        "Art 7(1): consent must stand when the answer is given",
                    )));
                }
                let answer = SurveyAnswer {
                    id: answer_id,
                    org_id,
                    ticket_id,
                    respondent: person_id,
                    consent_id,
                    team: ticket.assigned_team.clone(),
                    opinion: Some(opinion),
                    answered_at: now,
                    withdrawn_at: None,
                };
                // A concurrent answer that won the race is a uniqueness `Conflict`: returned as
                // an error, so this transaction rolls back.
                persistence::surveys::insert_answer(conn, &answer)?;
                trail.record(
                    AuditOperation::Create,
                    RecordKind::SurveyAnswer,
                    answer.id,
                    Some(Party::Person(person_id)),
                );
                Ok(Ok(answer))
            })
        })
        .await
        .map_err(|error| match error {
            ApiError::Conflict(_) => {
                ApiError::Conflict("the ticket's survey has already been answered".into())
            }
            other => other,
        })??;
    let location = format!("/api/v1/tickets/{}/survey", answer.ticket_id);
    let mut response = HttpResponse::Created().json(SurveyAnswerDto::from(answer));
    if let Ok(value) = header::HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// Get a ticket's survey answer
///
/// For the ticket's requester and the DPO. A withdrawn answer shows no rating and no comment.
#[utoipa::path(
    operation_id = "get_ticket_survey",
    tag = "surveys",
    params(("id" = uuid::Uuid, Path, description = "Ticket id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The answer", body = SurveyAnswerDto),
        (status = 403, description = "Role may not read survey answers", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket visible to the caller, or no answer", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[get("/tickets/{id}/survey")]
async fn get_survey(
    caller: Caller<ConsentHolders>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<SurveyAnswerDto>> {
    let ticket_id: TicketId = path_id("id", &id)?;
    let principal = caller.principal.clone();
    let dpo = caller.has(Role::Dpo);
    let answer = state
        .read(move |conn| {
            let ticket = tickets::get(conn, principal.org_id, ticket_id)?;
            if !dpo && principal.own() != Some(&ticket.requester) {
                return Err(StoreError::NotFound);
            }
            persistence::surveys::answer_for_ticket(conn, principal.org_id, ticket_id)
        })
        .await
        .map_err(ApiError::not_found_as("ticket"))?
        .ok_or_else(|| ApiError::NotFound("the ticket's survey has not been answered".into()))?;
    let about = Some(Party::Person(answer.respondent));
    let trail = Trail::single(
        &caller,
        clock::now(),
        AuditOperation::Read,
        RecordKind::SurveyAnswer,
        answer.id,
        about,
    );
    state.record_reads(trail).await?;
    Ok(web::Json(SurveyAnswerDto::from(answer)))
}

// ---------------------------------------------------------------------------------------------
// Report

/// Satisfaction report
///
/// Satisfaction by team and calendar month from the answers still on consent (withdrawn ones
/// are never used). A group of fewer than 5 answers is never shown, and totals (by team, by
/// month, overall) are sums of the shown groups only, so no withheld group can be derived by
/// subtraction. The answers of people whose survey answers' purpose is restricted are left out
/// while the restriction holds (Art 18(2)), unless an exception lets their use through.
#[utoipa::path(
    operation_id = "survey_report",
    tag = "surveys",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report", body = SatisfactionReport),
        (status = 401, response = Unauthenticated),
        (status = 403, description = "Role may not read the report", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/surveys/report")]
async fn survey_report(
    caller: Caller<SurveyReporters>,
    state: web::Data<AppState>,
) -> ApiResult<web::Json<SatisfactionReport>> {
    let org_id = caller.org_id;
    let answers = state
        .read(move |conn| {
            let answers = persistence::surveys::usable_answers(conn, org_id)?;
            // Art 18(2): the answers of people whose survey answers' purpose is restricted are
            // left out while it holds (unless an exception lets their use through).
            let mut respondents: Vec<PersonId> = answers.iter().map(|a| a.respondent).collect();
            respondents.sort_unstable();
            respondents.dedup();
            let restraints = Restraints::load(conn, org_id, &respondents, clock::now())?;
            Ok(answers
                .into_iter()
                .filter(|a| {
                    restraints
                        .refusal(
                            a.respondent,
                            Processing::SurveyUse,
                            Touched::Records(Holding::of(CatalogueKind::SurveyAnswer)),
                        )
                        .is_none()
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(web::Json(surveys::report(&answers, surveys::MIN_GROUP)))
}
