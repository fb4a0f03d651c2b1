//! What happens to a request after it is received, step by step, and which step may come when.
//!
//! A request's [`Progress`] is its steps replayed from the day it was received. The controller
//! may ask the person to confirm who they are (Art 12(6)) or to clarify what they want
//! (Art 12A): the request then waits, and the information's arrival moves the relevant time the
//! clock runs from. It may extend the time to respond by up to two further months, by notice
//! with reasons before the first deadline (Art 12(3)). A complaint is acknowledged (DPA 2018
//! s.164A) before its outcome. An outcome closes the request; nothing follows it.

use chrono::NaiveDate;

use super::RequestStatus;
use super::bank_holidays::{BankHolidays, Nation};
use super::clock::{MAX_EXTENSION_MONTHS, RelevantTime, acknowledge_by, due_on, extended_due_on};
use super::letters::{extension_notice, refusal_response, written_date};
use super::outcome::{MAX_REASONS, Outcome, under_articles_15_to_22};
use crate::DomainError;
use crate::closed_set;
use crate::register::rights::Right;

closed_set! {
    /// Information the controller asked the person for, which the request waits for.
    pub enum Awaiting for "awaiting" {
        /// Art 12(6): information confirming who they are.
        Identity = "identity",
        /// Art 12A: clarification of what the request is for.
        Clarification = "clarification",
        /// Art 12(5), 15(3): a reasonable fee, for a manifestly unfounded or excessive request
        /// answered all the same, or for further copies of the data.
        Fee = "fee",
    }
}

impl Awaiting {
    /// The provision that lets the controller ask.
    pub fn article(self) -> &'static str {
        match self {
            Awaiting::Identity => "Art 12(6)",
            Awaiting::Clarification => "Art 12A",
            Awaiting::Fee => "Art 12(5), 15(3)",
        }
    }

    fn words(self) -> &'static str {
        match self {
            Awaiting::Identity => "identity information",
            Awaiting::Clarification => "clarification",
            Awaiting::Fee => "fee",
        }
    }
}

closed_set! {
    /// The kind of a step, as a request's history shows it.
    pub enum StepKind for "kind" {
        IdentityRequested = "identity_requested",
        IdentityReceived = "identity_received",
        ClarificationRequested = "clarification_requested",
        ClarificationReceived = "clarification_received",
        FeeRequested = "fee_requested",
        FeePaid = "fee_paid",
        Extended = "extended",
        Acknowledged = "acknowledged",
        Closed = "closed",
    }
}

/// A step, with what the rules need of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The controller asked the person for information.
    Asked(Awaiting),
    /// The information asked for arrived.
    Answered(Awaiting),
    /// The time to respond was extended by `months` further months, for `reasons`.
    Extended { months: u8, reasons: String },
    /// A complaint's receipt was acknowledged.
    Acknowledged,
    /// The request was answered.
    Closed(Outcome),
}

impl Step {
    pub fn kind(&self) -> StepKind {
        match self {
            Step::Asked(Awaiting::Identity) => StepKind::IdentityRequested,
            Step::Answered(Awaiting::Identity) => StepKind::IdentityReceived,
            Step::Asked(Awaiting::Clarification) => StepKind::ClarificationRequested,
            Step::Answered(Awaiting::Clarification) => StepKind::ClarificationReceived,
            Step::Asked(Awaiting::Fee) => StepKind::FeeRequested,
            Step::Answered(Awaiting::Fee) => StepKind::FeePaid,
            Step::Extended { .. } => StepKind::Extended,
            Step::Acknowledged => StepKind::Acknowledged,
            Step::Closed(_) => StepKind::Closed,
        }
    }
}

/// The deadlines of a request as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// Art 12(3): the day by which the controller responds, one month from the relevant time.
    pub due_on: NaiveDate,
    /// Art 12(3): the day by which it responds once the time is extended; none unless it is.
    pub extended_due_on: Option<NaiveDate>,
    /// DPA 2018 s.164A: for complaints, the day by which receipt is acknowledged.
    pub acknowledge_by: Option<NaiveDate>,
}

impl Deadlines {
    /// The day the work queue counts against: the extended date where there is one.
    pub fn respond_by(&self) -> NaiveDate {
        self.extended_due_on.unwrap_or(self.due_on)
    }
}

/// Where a request stands: its steps so far, folded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub right: Right,
    pub nation: Nation,
    pub relevant: RelevantTime,
    /// What the controller asked for and has not yet received, with the day it asked.
    pub awaiting: Vec<(Awaiting, NaiveDate)>,
    /// Art 12(3): further months the time to respond is extended by, in all.
    pub extension_months: u8,
    /// DPA 2018 s.164A: the day a complaint's receipt was acknowledged.
    pub acknowledged_on: Option<NaiveDate>,
    /// The answer, once given: the request is closed.
    pub outcome: Option<Outcome>,
}

/// A step accepted: where the request stands after it, its deadlines, and what the person is
/// told, where the law says they are told something (an extension notice, the reasons for a
/// refusal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub progress: Progress,
    pub deadlines: Deadlines,
    pub letter: Option<String>,
}

/// The provisions under which an outcome answers the request, which ends it.
const CLOSED_RULE: &str = "Art 12(3), 12(4)";

fn out_of_turn(rule: &'static str, message: impl Into<String>) -> DomainError {
    DomainError::OutOfTurn {
        rule,
        message: message.into(),
    }
}

impl Progress {
    /// A request for `right` received on `received_on`, with no step taken.
    pub fn received(right: Right, nation: Nation, received_on: NaiveDate) -> Self {
        Self {
            right,
            nation,
            relevant: RelevantTime::received(received_on),
            awaiting: Vec::new(),
            extension_months: 0,
            acknowledged_on: None,
            outcome: None,
        }
    }

    /// Closed once answered; paused while waiting for information asked for; open otherwise.
    pub fn status(&self) -> RequestStatus {
        if self.outcome.is_some() {
            RequestStatus::Closed
        } else if self.awaiting.is_empty() {
            RequestStatus::Open
        } else {
            RequestStatus::Paused
        }
    }

    /// What the request waits for, in the order it was asked.
    pub fn waiting_for(&self) -> Vec<Awaiting> {
        self.awaiting.iter().map(|(what, _)| *what).collect()
    }

    /// The deadlines from the relevant time as it stands, in the request's nation.
    pub fn deadlines(&self, holidays: &BankHolidays) -> Deadlines {
        Deadlines {
            due_on: due_on(&self.relevant, self.nation, holidays),
            extended_due_on: (self.extension_months > 0).then(|| {
                extended_due_on(&self.relevant, self.extension_months, self.nation, holidays)
            }),
            acknowledge_by: (self.right == Right::Complaint)
                .then(|| acknowledge_by(self.relevant.received_on)),
        }
    }

    /// The progress after `step` taken on `on`, without checking it may be taken: for
    /// replaying a history whose steps were checked when they were taken.
    pub fn after(&self, step: &Step, on: NaiveDate) -> Progress {
        let mut next = self.clone();
        match step {
            Step::Asked(what) => {
                if !next.awaiting.iter().any(|(w, _)| w == what) {
                    next.awaiting.push((*what, on));
                }
            }
            Step::Answered(what) => {
                next.awaiting.retain(|(w, _)| w != what);
                let slot = match what {
                    Awaiting::Identity => &mut next.relevant.identity_confirmed_on,
                    Awaiting::Clarification => &mut next.relevant.clarification_received_on,
                    Awaiting::Fee => &mut next.relevant.fee_paid_on,
                };
                *slot = (*slot).max(Some(on));
            }
            Step::Extended { months, .. } => {
                next.extension_months = next.extension_months.saturating_add(*months);
            }
            Step::Acknowledged => next.acknowledged_on = Some(on),
            Step::Closed(outcome) => {
                next.awaiting.clear();
                next.outcome = Some(outcome.clone());
            }
        }
        next
    }

    /// Takes `step` on `on` (a UK date no earlier than the request was received; the caller has
    /// checked it against the request's receipt and now, [`step_day`]), or refuses it:
    /// `OutOfTurn` naming the rule for a step the request's state does not allow (anything on a
    /// closed request, an answer to a question never asked, a second acknowledgement, an
    /// acknowledgement of what is not a complaint, an extension after the first deadline or
    /// past two months in all, a complaint's outcome before its acknowledgement); `Invalid`
    /// naming the field for a value the step cannot take.
    pub fn apply(
        &self,
        step: &Step,
        on: NaiveDate,
        holidays: &BankHolidays,
    ) -> Result<Applied, DomainError> {
        if self.outcome.is_some() {
            return Err(out_of_turn(
                CLOSED_RULE,
                "the request is closed: its outcome was given, and no step follows it (a new \
                 request is logged as a new request)",
            ));
        }
        let before = self.deadlines(holidays);
        let mut letter = None;
        match step {
            Step::Asked(what) => {
                if *what == Awaiting::Fee && !under_articles_15_to_22(self.right) {
                    return Err(out_of_turn(
                        what.article(),
                        "a fee is charged only for a request under Art 15 to 22: never to \
                         withdraw consent or to complain",
                    ));
                }
                if let Some((_, asked)) = self.awaiting.iter().find(|(w, _)| w == what) {
                    return Err(out_of_turn(
                        what.article(),
                        format!(
                            "the request already waits for the {} asked for on {}",
                            what.words(),
                            written_date(*asked)
                        ),
                    ));
                }
            }
            Step::Answered(what) => {
                let Some((_, asked)) = self.awaiting.iter().find(|(w, _)| w == what) else {
                    return Err(out_of_turn(
                        "Art 12A",
                        format!(
                            "no {} was asked for: the relevant time moves only for information \
                             the controller asked for",
                            what.words()
                        ),
                    ));
                };
                if on < *asked {
                    return Err(DomainError::invalid(
                        "received_at",
                        format!(
                            "the {} was asked for on {}: it cannot arrive before",
                            what.words(),
                            written_date(*asked)
                        ),
                    ));
                }
            }
            Step::Extended { months, reasons } => {
                if self.right == Right::Complaint {
                    return Err(out_of_turn(
                        "DPA 2018 s.164A",
                        "a complaint is answered without undue delay: Art 12(3) extensions are \
                         for requests under Art 15 to 22",
                    ));
                }
                if *months == 0 || *months > MAX_EXTENSION_MONTHS {
                    return Err(DomainError::invalid(
                        "months",
                        format!("1 to {MAX_EXTENSION_MONTHS} further months"),
                    ));
                }
                if reasons.trim().is_empty() || reasons.chars().count() > MAX_REASONS {
                    return Err(DomainError::invalid(
                        "reasons",
                        format!(
                            "Art 12(3): the notice gives the reasons, in at most {MAX_REASONS} \
                             characters"
                        ),
                    ));
                }
                if on > before.due_on {
                    return Err(out_of_turn(
                        "Art 12(3)",
                        format!(
                            "an extension is notified before the first deadline, {}, which has \
                             passed",
                            written_date(before.due_on)
                        ),
                    ));
                }
                if self.extension_months + months > MAX_EXTENSION_MONTHS {
                    return Err(out_of_turn(
                        "Art 12(3)",
                        format!(
                            "the time to respond is extended by at most {MAX_EXTENSION_MONTHS} \
                             further months in all, and {} already extended it by {}",
                            if self.extension_months == 1 {
                                "an earlier notice"
                            } else {
                                "earlier notices"
                            },
                            self.extension_months
                        ),
                    ));
                }
            }
            Step::Acknowledged => {
                if self.right != Right::Complaint {
                    return Err(out_of_turn(
                        "DPA 2018 s.164A",
                        format!(
                            "only a complaint is acknowledged; this is a request for {}",
                            self.right.name()
                        ),
                    ));
                }
                if let Some(on) = self.acknowledged_on {
                    return Err(out_of_turn(
                        "DPA 2018 s.164A",
                        format!("the complaint was acknowledged on {}", written_date(on)),
                    ));
                }
            }
            Step::Closed(outcome) => {
                outcome.check(self.right)?;
                if self.right == Right::Complaint && self.acknowledged_on.is_none() {
                    return Err(out_of_turn(
                        "DPA 2018 s.164A(3)",
                        "a complaint is acknowledged before its outcome is given",
                    ));
                }
                letter = refusal_response(self.right, self.relevant.received_on, outcome);
            }
        }
        let progress = self.after(step, on);
        let deadlines = progress.deadlines(holidays);
        if let (Step::Extended { months, reasons }, Some(extended)) =
            (step, deadlines.extended_due_on)
        {
            letter = Some(extension_notice(
                self.right,
                self.relevant.received_on,
                *months,
                progress.extension_months,
                extended,
                reasons,
            ));
        }
        Ok(Applied {
            progress,
            deadlines,
            letter,
        })
    }
}

/// The UK day of a step recorded at `at`: never in the future (after `now`), never before the
/// request was received. `field` names the body field the moment came in.
pub fn step_day(
    field: &'static str,
    at: chrono::DateTime<chrono::Utc>,
    received_at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<NaiveDate, DomainError> {
    if at > now {
        return Err(DomainError::invalid(field, "must be now or in the past"));
    }
    if at < received_at {
        return Err(DomainError::invalid(
            field,
            "must not be before the request was received",
        ));
    }
    Ok(super::clock::uk_date(at))
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};
    use proptest::prelude::*;

    use super::*;
    use crate::rights_requests::outcome::{OutcomeKind, RefusalGround};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("a real date")
    }

    fn rules() -> BankHolidays {
        BankHolidays::default()
    }

    fn take(progress: &Progress, step: Step, on: NaiveDate) -> Applied {
        progress
            .apply(&step, on, &rules())
            .unwrap_or_else(|e| panic!("{step:?} on {on}: {e}"))
    }

    fn refused_rule(result: Result<Applied, DomainError>) -> (&'static str, String) {
        match result {
            Err(DomainError::OutOfTurn { rule, message }) => (rule, message),
            other => panic!("expected a step out of turn, got {other:?}"),
        }
    }

    fn fulfilled() -> Step {
        Step::Closed(Outcome {
            kind: OutcomeKind::Fulfilled,
            ground: None,
            reasons: None,
        })
    }

    fn extend(months: u8) -> Step {
        Step::Extended {
            months,
            reasons: "Many systems to search".into(),
        }
    }

    #[test]
    fn a_fee_moves_the_clock_once_paid_and_is_never_asked_to_withdraw_consent_or_complain() {
        let access = Progress::received(Right::Access, Nation::EnglandAndWales, d(2026, 3, 2));
        let asked = take(&access, Step::Asked(Awaiting::Fee), d(2026, 3, 3));
        assert_eq!(asked.progress.status(), RequestStatus::Paused);
        let paid = take(
            &asked.progress,
            Step::Answered(Awaiting::Fee),
            d(2026, 4, 30),
        );
        assert_eq!(paid.progress.relevant.fee_paid_on, Some(d(2026, 4, 30)));
        // 30 May 2026 is a Saturday.
        assert_eq!(paid.deadlines.due_on, d(2026, 6, 1));
        for right in [Right::WithdrawConsent, Right::Complaint] {
            let request = Progress::received(right, Nation::Scotland, d(2026, 3, 2));
            let (rule, _) =
                refused_rule(request.apply(&Step::Asked(Awaiting::Fee), d(2026, 3, 3), &rules()));
            assert_eq!(rule, "Art 12(5), 15(3)");
        }
    }

    #[test]
    fn identity_pauses_the_request_and_its_arrival_moves_the_clock() {
        let access = Progress::received(Right::Access, Nation::EnglandAndWales, d(2026, 3, 2));
        assert_eq!(access.status(), RequestStatus::Open);
        assert_eq!(access.deadlines(&rules()).due_on, d(2026, 4, 2));
        let asked = take(&access, Step::Asked(Awaiting::Identity), d(2026, 3, 3));
        assert_eq!(asked.progress.status(), RequestStatus::Paused);
        assert_eq!(asked.progress.waiting_for(), vec![Awaiting::Identity]);
        assert_eq!(asked.letter, None);
        // Received 9 March: due 9 April (Easter 2026 is 3 to 6 April, so no move).
        let answered = take(
            &asked.progress,
            Step::Answered(Awaiting::Identity),
            d(2026, 3, 9),
        );
        assert_eq!(answered.progress.status(), RequestStatus::Open);
        assert_eq!(
            answered.progress.relevant.identity_confirmed_on,
            Some(d(2026, 3, 9))
        );
        assert_eq!(answered.deadlines.due_on, d(2026, 4, 9));
    }

    #[test]
    fn clarification_received_across_a_scottish_holiday() {
        // Clarification received 30 October 2025: due 30 November, a Sunday, and St Andrew's
        // Day, so its substitute Monday 1 December in Scotland: Tuesday 2 December.
        let request = Progress::received(Right::Access, Nation::Scotland, d(2025, 10, 20));
        let asked = take(
            &request,
            Step::Asked(Awaiting::Clarification),
            d(2025, 10, 21),
        );
        let answered = take(
            &asked.progress,
            Step::Answered(Awaiting::Clarification),
            d(2025, 10, 30),
        );
        assert_eq!(answered.deadlines.due_on, d(2025, 12, 2));
        // Both asked at once: the request waits until both have come.
        let both = take(&request, Step::Asked(Awaiting::Identity), d(2025, 10, 21));
        let both = take(
            &both.progress,
            Step::Asked(Awaiting::Clarification),
            d(2025, 10, 21),
        );
        let one = take(
            &both.progress,
            Step::Answered(Awaiting::Clarification),
            d(2025, 10, 22),
        );
        assert_eq!(one.progress.status(), RequestStatus::Paused);
        assert_eq!(one.progress.waiting_for(), vec![Awaiting::Identity]);
    }

    #[test]
    fn answers_come_only_to_questions_asked_and_after_them() {
        let request = Progress::received(Right::Erasure, Nation::NorthernIreland, d(2026, 3, 2));
        let (rule, _) = refused_rule(request.apply(
            &Step::Answered(Awaiting::Identity),
            d(2026, 3, 4),
            &rules(),
        ));
        assert_eq!(rule, "Art 12A");
        let asked = take(&request, Step::Asked(Awaiting::Identity), d(2026, 3, 5));
        let (rule, _) = refused_rule(asked.progress.apply(
            &Step::Asked(Awaiting::Identity),
            d(2026, 3, 6),
            &rules(),
        ));
        assert_eq!(rule, "Art 12(6)");
        assert!(matches!(
            asked
                .progress
                .apply(&Step::Answered(Awaiting::Identity), d(2026, 3, 4), &rules()),
            Err(DomainError::Invalid {
                field: "received_at",
                ..
            })
        ));
    }

    #[test]
    fn an_extension_comes_before_the_first_deadline_and_at_most_two_months_in_all() {
        // Received 3 September 2026, England: due Monday 5 October.
        let request = Progress::received(Right::Access, Nation::EnglandAndWales, d(2026, 9, 3));
        let once = take(&request, extend(1), d(2026, 10, 5));
        assert_eq!(once.deadlines.due_on, d(2026, 10, 5));
        assert_eq!(once.deadlines.extended_due_on, Some(d(2026, 11, 3)));
        assert_eq!(once.deadlines.respond_by(), d(2026, 11, 3));
        let letter = once.letter.expect("the person is told");
        assert!(letter.contains("3 November 2026"), "{letter}");
        assert!(letter.contains("Many systems to search"), "{letter}");
        let twice = take(&once.progress, extend(1), d(2026, 10, 5));
        assert_eq!(twice.deadlines.extended_due_on, Some(d(2026, 12, 3)));
        let (rule, message) =
            refused_rule(twice.progress.apply(&extend(1), d(2026, 10, 5), &rules()));
        assert_eq!(rule, "Art 12(3)");
        assert!(message.contains("at most 2"), "{message}");
        // After the first deadline, no extension.
        let (rule, message) = refused_rule(request.apply(&extend(2), d(2026, 10, 6), &rules()));
        assert_eq!(rule, "Art 12(3)");
        assert!(message.contains("5 October 2026"), "{message}");
        assert!(matches!(
            request.apply(&extend(3), d(2026, 9, 4), &rules()),
            Err(DomainError::Invalid {
                field: "months",
                ..
            })
        ));
        let blank = Step::Extended {
            months: 1,
            reasons: " ".into(),
        };
        assert!(matches!(
            request.apply(&blank, d(2026, 9, 4), &rules()),
            Err(DomainError::Invalid {
                field: "reasons",
                ..
            })
        ));
    }

    #[test]
    fn an_extended_date_follows_the_relevant_time() {
        let request = Progress::received(Right::Access, Nation::EnglandAndWales, d(2026, 9, 3));
        let extended = take(&request, extend(2), d(2026, 9, 4));
        let asked = take(
            &extended.progress,
            Step::Asked(Awaiting::Clarification),
            d(2026, 9, 4),
        );
        let answered = take(
            &asked.progress,
            Step::Answered(Awaiting::Clarification),
            d(2026, 9, 10),
        );
        assert_eq!(answered.deadlines.due_on, d(2026, 10, 12)); // 10 October a Saturday
        assert_eq!(answered.deadlines.extended_due_on, Some(d(2026, 12, 10)));
    }

    #[test]
    fn complaints_are_acknowledged_once_and_before_their_outcome() {
        let complaint = Progress::received(Right::Complaint, Nation::Scotland, d(2026, 6, 19));
        assert_eq!(
            complaint.deadlines(&rules()).acknowledge_by,
            Some(d(2026, 7, 19))
        );
        let (rule, _) = refused_rule(complaint.apply(&fulfilled(), d(2026, 6, 20), &rules()));
        assert_eq!(rule, "DPA 2018 s.164A(3)");
        let (rule, _) = refused_rule(complaint.apply(&extend(1), d(2026, 6, 20), &rules()));
        assert_eq!(rule, "DPA 2018 s.164A");
        let acknowledged = take(&complaint, Step::Acknowledged, d(2026, 6, 22));
        assert_eq!(acknowledged.progress.acknowledged_on, Some(d(2026, 6, 22)));
        let (rule, message) = refused_rule(acknowledged.progress.apply(
            &Step::Acknowledged,
            d(2026, 6, 23),
            &rules(),
        ));
        assert_eq!(rule, "DPA 2018 s.164A");
        assert!(message.contains("22 June 2026"));
        let closed = take(&acknowledged.progress, fulfilled(), d(2026, 7, 1));
        assert_eq!(closed.progress.status(), RequestStatus::Closed);
        assert_eq!(closed.letter, None);

        let access = Progress::received(Right::Access, Nation::Scotland, d(2026, 6, 19));
        let (rule, message) =
            refused_rule(access.apply(&Step::Acknowledged, d(2026, 6, 20), &rules()));
        assert_eq!(rule, "DPA 2018 s.164A");
        assert!(message.contains("access"));
    }

    #[test]
    fn an_outcome_closes_the_request_for_good() {
        let request = Progress::received(Right::Erasure, Nation::EnglandAndWales, d(2026, 3, 2));
        let asked = take(&request, Step::Asked(Awaiting::Identity), d(2026, 3, 3));
        let refusal = Step::Closed(Outcome {
            kind: OutcomeKind::Refused,
            ground: Some(RefusalGround::NotIdentified),
            reasons: Some("No reply to our request for identity".into()),
        });
        let closed = take(&asked.progress, refusal, d(2026, 4, 2));
        assert_eq!(closed.progress.status(), RequestStatus::Closed);
        assert!(closed.progress.waiting_for().is_empty());
        let letter = closed.letter.expect("a refusal is explained");
        assert!(letter.contains("Art 11(2) and 12(2)"), "{letter}");
        for step in [
            Step::Asked(Awaiting::Clarification),
            Step::Answered(Awaiting::Identity),
            extend(1),
            Step::Acknowledged,
            fulfilled(),
        ] {
            let (rule, message) =
                refused_rule(closed.progress.apply(&step, d(2026, 4, 2), &rules()));
            assert_eq!(rule, CLOSED_RULE);
            assert!(message.contains("closed"), "{message}");
        }
        // A ground that does not apply is the body's fault.
        let wrong = Step::Closed(Outcome {
            kind: OutcomeKind::Refused,
            ground: Some(RefusalGround::OtherPeople),
            reasons: Some("Names others".into()),
        });
        assert!(matches!(
            request.apply(&wrong, d(2026, 3, 3), &rules()),
            Err(DomainError::Invalid {
                field: "ground",
                ..
            })
        ));
    }

    #[test]
    fn replaying_the_steps_gives_the_same_progress() {
        let request = Progress::received(Right::Access, Nation::NorthernIreland, d(2026, 6, 1));
        let steps = [
            (Step::Asked(Awaiting::Identity), d(2026, 6, 2)),
            (Step::Answered(Awaiting::Identity), d(2026, 6, 12)),
            (extend(1), d(2026, 6, 15)),
        ];
        let mut taken = request.clone();
        let mut replayed = request;
        for (step, on) in &steps {
            taken = take(&taken, step.clone(), *on).progress;
            replayed = replayed.after(step, *on);
        }
        assert_eq!(taken, replayed);
        // 12 July 2026 is a Sunday: the Twelfth's substitute is Monday 13 July in Northern
        // Ireland, so the first deadline is Tuesday 14 July; a month more gives 12 August.
        let deadlines = taken.deadlines(&rules());
        assert_eq!(deadlines.due_on, d(2026, 7, 14));
        assert_eq!(deadlines.extended_due_on, Some(d(2026, 8, 12)));
    }

    #[test]
    fn a_step_is_dated_now_or_earlier_and_never_before_receipt() {
        let received = Utc
            .with_ymd_and_hms(2026, 5, 31, 9, 0, 0)
            .single()
            .expect("a moment");
        let now = received + Duration::days(3);
        assert_eq!(
            step_day(
                "requested_at",
                received + Duration::hours(15),
                received,
                now
            ),
            Ok(d(2026, 6, 1)) // 00:00 BST
        );
        assert!(step_day("requested_at", now + Duration::seconds(1), received, now).is_err());
        assert!(
            step_day(
                "requested_at",
                received - Duration::seconds(1),
                received,
                now
            )
            .is_err()
        );
    }

    proptest! {
        #[test]
        fn waiting_never_brings_the_deadline_forward(
            asked_after in 0i64..60,
            answered_after in 0i64..60,
            days in 0i64..(50 * 366),
            nation in prop::sample::select(Nation::ALL.to_vec()),
            what in prop::sample::select(Awaiting::ALL.to_vec()),
        ) {
            let received = d(2000, 1, 1) + Duration::days(days);
            let request = Progress::received(Right::Access, nation, received);
            let first = request.deadlines(&rules()).due_on;
            let asked_on = received + Duration::days(asked_after);
            let asked = request.apply(&Step::Asked(what), asked_on, &rules());
            prop_assert!(asked.is_ok());
            let asked = asked.map(|a| a.progress).unwrap_or(request);
            let answered_on = asked_on + Duration::days(answered_after);
            let answered = asked.apply(&Step::Answered(what), answered_on, &rules());
            prop_assert!(answered.is_ok());
            if let Ok(answered) = answered {
                prop_assert!(answered.deadlines.due_on >= first);
                prop_assert!(answered.deadlines.due_on >= answered_on + Duration::days(28));
                prop_assert_eq!(answered.progress.status(), RequestStatus::Open);
            }
        }
    }
}
