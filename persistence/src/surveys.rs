//! Consents (Art 7(1): demonstrable, with the purpose and the notice version the person saw) and
//! the satisfaction survey answers given on them. Withdrawing a consent erases, in the same
//! transaction, the opinion of every answer given on it (Art 7(3), 17(1)(b)), and records that
//! in the erasure ledger, so a restore withdraws it again and the scrub takes the opinions out
//! of the database's free space.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::ids::{ConsentId, OrgId, PersonId, PurposeId, TicketId};
use domain::page::PageLimit;
use domain::surveys::{Rating, SurveyAnswer, SurveyConsent, SurveyOpinion};

use crate::connection::AnyConnection;
use crate::erasure;
use crate::error::StoreError;
use crate::schema::{consents, survey_answers};
use crate::time::{from_db, to_db};

/// Consent given by a person for one purpose of the organisation's register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub id: ConsentId,
    pub org_id: OrgId,
    pub person_id: PersonId,
    pub purpose_id: PurposeId,
    /// The privacy notice in effect when it was given, if one was published.
    pub notice_version: Option<i64>,
    pub given_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl Consent {
    /// The part of the consent the survey rules look at.
    pub fn for_survey(&self) -> SurveyConsent {
        SurveyConsent {
            id: self.id,
            given_at: self.given_at,
            withdrawn_at: self.withdrawn_at,
        }
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = consents)]
struct ConsentRow {
    id: String,
    org_id: String,
    person_id: String,
    purpose_id: String,
    notice_version: Option<i64>,
    given_at: chrono::NaiveDateTime,
    withdrawn_at: Option<chrono::NaiveDateTime>,
}

impl TryFrom<ConsentRow> for Consent {
    type Error = StoreError;

    fn try_from(row: ConsentRow) -> Result<Self, StoreError> {
        let bad = |what: &str| StoreError::Corrupt(format!("consent {what}"));
        Ok(Consent {
            id: row.id.parse().map_err(|_| bad("id"))?,
            org_id: row.org_id.parse().map_err(|_| bad("organisation"))?,
            person_id: row.person_id.parse().map_err(|_| bad("person"))?,
            purpose_id: row.purpose_id.parse().map_err(|_| bad("purpose"))?,
            notice_version: row.notice_version,
            given_at: from_db(row.given_at),
            withdrawn_at: row.withdrawn_at.map(from_db),
        })
    }
}

impl From<&Consent> for ConsentRow {
    fn from(c: &Consent) -> Self {
        ConsentRow {
            id: c.id.to_string(),
            org_id: c.org_id.to_string(),
            person_id: c.person_id.to_string(),
            purpose_id: c.purpose_id.to_string(),
            notice_version: c.notice_version,
            given_at: to_db(c.given_at),
            withdrawn_at: c.withdrawn_at.map(to_db),
        }
    }
}

pub fn insert_consent(conn: &mut AnyConnection, consent: &Consent) -> Result<(), StoreError> {
    diesel::insert_into(consents::table)
        .values(ConsentRow::from(consent))
        .execute(conn)?;
    Ok(())
}

/// One consent of the organisation; another organisation's is `NotFound`.
pub fn get_consent(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: ConsentId,
) -> Result<Consent, StoreError> {
    consents::table
        .find(id.to_string())
        .filter(consents::org_id.eq(org_id.to_string()))
        .select(ConsentRow::as_select())
        .first::<ConsentRow>(conn)?
        .try_into()
}

/// A page of the organisation's consents, oldest first, optionally one person's only.
pub fn list_consents(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person: Option<PersonId>,
    limit: PageLimit,
    after: Option<ConsentId>,
) -> Result<(Vec<Consent>, bool), StoreError> {
    let mut query = consents::table
        .filter(consents::org_id.eq(org_id.to_string()))
        .select(ConsentRow::as_select())
        .order(consents::id.asc())
        .limit(i64::from(limit.get()) + 1)
        .into_boxed();
    if let Some(person) = person {
        query = query.filter(consents::person_id.eq(person.to_string()));
    }
    if let Some(after) = after {
        query = query.filter(consents::id.gt(after.to_string()));
    }
    let mut rows = query.load::<ConsentRow>(conn)?;
    let more = rows.len() > usize::from(limit.get());
    rows.truncate(usize::from(limit.get()));
    let items = rows
        .into_iter()
        .map(Consent::try_from)
        .collect::<Result<_, _>>()?;
    Ok((items, more))
}

/// Holds the consent until the transaction ends if it still stands, and says whether it does.
/// The guarded no-op UPDATE takes the row lock on PostgreSQL (SQLite serialises writers anyway),
/// so a withdrawal racing with an answer either lands first (and the answer is refused) or waits
/// for the answer and then erases it.
pub fn hold_standing_consent(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: ConsentId,
) -> Result<bool, StoreError> {
    let held = diesel::update(
        consents::table
            .filter(consents::id.eq(id.to_string()))
            .filter(consents::org_id.eq(org_id.to_string()))
            .filter(consents::withdrawn_at.is_null()),
    )
    .set(consents::given_at.eq(consents::given_at))
    .execute(conn)?;
    Ok(held == 1)
}

/// What a withdrawal did.
#[derive(Debug, Clone)]
pub enum Withdrawal {
    /// Withdrawn now; the opinions of this many answers were erased.
    Withdrawn { consent: Consent, erased: u64 },
    /// It had been withdrawn before; nothing changed.
    AlreadyWithdrawn(Consent),
}

/// Withdraws a consent (Art 7(3)) and, in the same transaction, erases the opinion of every
/// survey answer given on it (`SurveyAnswer::withdraw`) and records both in the erasure ledger,
/// so a restore from an older backup withdraws it again. `permitted` sees the consent first and
/// may refuse (the caller's own access rule). The guarded UPDATE means two withdrawals racing
/// never both succeed.
pub fn withdraw_consent(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: ConsentId,
    permitted: impl FnOnce(&Consent) -> Result<(), StoreError>,
    now: DateTime<Utc>,
) -> Result<Withdrawal, StoreError> {
    conn.transaction(|conn| {
        let current = get_consent(conn, org_id, id)?;
        permitted(&current)?;
        if current.withdrawn_at.is_some() {
            return Ok(Withdrawal::AlreadyWithdrawn(current));
        }
        if !mark_withdrawn(conn, org_id, id, now)? {
            let again = get_consent(conn, org_id, id)?;
            return Ok(Withdrawal::AlreadyWithdrawn(again));
        }
        let erased = erase_opinions(conn, org_id, id, now)?;
        erasure::record_withdrawal(conn, org_id, current.person_id, id, erased, now)?;
        Ok(Withdrawal::Withdrawn {
            consent: Consent {
                withdrawn_at: Some(now),
                ..current
            },
            erased,
        })
    })
}

/// What a restore's replay of a withdrawal changed in the restored database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rewithdrawn {
    /// The consent was standing and is withdrawn again.
    pub consent: bool,
    /// Answers given on it that still held an opinion (or were not marked withdrawn).
    pub answers: u64,
}

impl Rewithdrawn {
    pub fn changed(self) -> bool {
        self.consent || self.answers > 0
    }
}

/// Withdraws again, as at `at` (the time the ledger recorded, not the restore's), a consent a
/// restored backup holds as standing, and erases the opinions still held by the answers given on
/// it; what was already withdrawn and erased is left as it is. `NotFound` when the backup does
/// not hold the consent. The ledger entry is the caller's to put back.
pub fn withdraw_again(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: ConsentId,
    at: DateTime<Utc>,
) -> Result<Rewithdrawn, StoreError> {
    get_consent(conn, org_id, id)?;
    let consent = mark_withdrawn(conn, org_id, id, at)?;
    let answers = erase_opinions(conn, org_id, id, at)?;
    Ok(Rewithdrawn { consent, answers })
}

/// Marks the consent withdrawn at `at` unless it already is; says whether it was standing.
fn mark_withdrawn(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: ConsentId,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let written = diesel::update(
        consents::table
            .filter(consents::id.eq(id.to_string()))
            .filter(consents::org_id.eq(org_id.to_string()))
            .filter(consents::withdrawn_at.is_null()),
    )
    .set(consents::withdrawn_at.eq(Some(to_db(at))))
    .execute(conn)?;
    Ok(written == 1)
}

/// Erases the opinion of each answer given on the consent that still holds one or is not yet
/// marked withdrawn, as withdrawn at `at`; answers how many it changed.
fn erase_opinions(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: ConsentId,
    at: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let answers: Vec<SurveyAnswer> = survey_answers::table
        .filter(survey_answers::org_id.eq(org_id.to_string()))
        .filter(survey_answers::consent_id.eq(id.to_string()))
        .filter(
            survey_answers::rating
                .is_not_null()
                .or(survey_answers::comment.is_not_null())
                .or(survey_answers::withdrawn_at.is_null()),
        )
        .select(AnswerRow::as_select())
        .load::<AnswerRow>(conn)?
        .into_iter()
        .map(SurveyAnswer::try_from)
        .collect::<Result<_, _>>()?;
    let mut erased = 0;
    for answer in answers {
        let answer = answer.withdraw(at);
        diesel::update(survey_answers::table.find(answer.id.to_string()))
            .set(AnswerRow::from(&answer))
            .execute(conn)?;
        erased += 1;
    }
    Ok(erased)
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = survey_answers)]
#[diesel(treat_none_as_null = true)]
struct AnswerRow {
    id: String,
    org_id: String,
    ticket_id: String,
    respondent: String,
    consent_id: String,
    team: Option<String>,
    rating: Option<i64>,
    comment: Option<String>,
    answered_at: chrono::NaiveDateTime,
    withdrawn_at: Option<chrono::NaiveDateTime>,
}

impl TryFrom<AnswerRow> for SurveyAnswer {
    type Error = StoreError;

    fn try_from(row: AnswerRow) -> Result<Self, StoreError> {
        let bad = |what: &str| StoreError::Corrupt(format!("survey answer {what}"));
        let opinion = match row.rating {
            Some(rating) => {
                let rating = u8::try_from(rating)
                    .ok()
                    .and_then(|r| Rating::new(r).ok())
                    .ok_or_else(|| bad("rating"))?;
                Some(
                    SurveyOpinion::new(rating, row.comment.as_deref())
                        .map_err(|_| bad("comment"))?,
                )
            }
            None if row.comment.is_some() => return Err(bad("comment without a rating")),
            None => None,
        };
        Ok(SurveyAnswer {
            id: row.id.parse().map_err(|_| bad("id"))?,
            org_id: row.org_id.parse().map_err(|_| bad("organisation"))?,
            ticket_id: row.ticket_id.parse().map_err(|_| bad("ticket"))?,
            respondent: row.respondent.parse().map_err(|_| bad("respondent"))?,
            consent_id: row.consent_id.parse().map_err(|_| bad("consent"))?,
            team: row.team,
            opinion,
            answered_at: from_db(row.answered_at),
            withdrawn_at: row.withdrawn_at.map(from_db),
        })
    }
}

impl From<&SurveyAnswer> for AnswerRow {
    fn from(a: &SurveyAnswer) -> Self {
        AnswerRow {
            id: a.id.to_string(),
            org_id: a.org_id.to_string(),
            ticket_id: a.ticket_id.to_string(),
            respondent: a.respondent.to_string(),
            consent_id: a.consent_id.to_string(),
            team: a.team.clone(),
            rating: a.opinion.as_ref().map(|o| i64::from(o.rating.get())),
            comment: a.opinion.as_ref().and_then(|o| o.comment.clone()),
            answered_at: to_db(a.answered_at),
            withdrawn_at: a.withdrawn_at.map(to_db),
        }
    }
}

/// Stores an answer; a second answer for the same ticket is a `Conflict`.
pub fn insert_answer(conn: &mut AnyConnection, answer: &SurveyAnswer) -> Result<(), StoreError> {
    diesel::insert_into(survey_answers::table)
        .values(AnswerRow::from(answer))
        .execute(conn)?;
    Ok(())
}

/// The answer to a ticket's survey, if one was given.
pub fn answer_for_ticket(
    conn: &mut AnyConnection,
    org_id: OrgId,
    ticket_id: TicketId,
) -> Result<Option<SurveyAnswer>, StoreError> {
    survey_answers::table
        .filter(survey_answers::org_id.eq(org_id.to_string()))
        .filter(survey_answers::ticket_id.eq(ticket_id.to_string()))
        .select(AnswerRow::as_select())
        .first::<AnswerRow>(conn)
        .optional()?
        .map(SurveyAnswer::try_from)
        .transpose()
}

/// The organisation's usable answers (not withdrawn, opinion kept), for the report.
pub fn usable_answers(
    conn: &mut AnyConnection,
    org_id: OrgId,
) -> Result<Vec<SurveyAnswer>, StoreError> {
    survey_answers::table
        .filter(survey_answers::org_id.eq(org_id.to_string()))
        .filter(survey_answers::withdrawn_at.is_null())
        .filter(survey_answers::rating.is_not_null())
        .order(survey_answers::answered_at.asc())
        .select(AnswerRow::as_select())
        .load::<AnswerRow>(conn)?
        .into_iter()
        .map(SurveyAnswer::try_from)
        .collect()
}

/// A person's answers, oldest first, for their export (Art 15, and Art 20: answers given on
/// consent are data they provided). Withdrawn answers come without their opinion.
pub fn answers_of_person(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person: PersonId,
) -> Result<Vec<SurveyAnswer>, StoreError> {
    survey_answers::table
        .filter(survey_answers::org_id.eq(org_id.to_string()))
        .filter(survey_answers::respondent.eq(person.to_string()))
        .order(survey_answers::id.asc())
        .select(AnswerRow::as_select())
        .load::<AnswerRow>(conn)?
        .into_iter()
        .map(SurveyAnswer::try_from)
        .collect()
}
