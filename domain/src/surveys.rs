//! Satisfaction surveys: when a ticket closes its requester may rate it, on consent given then
//! (Art 6(1)(a)); withdrawing consent erases the opinion (Art 7(3), 17(1)(b)); the report by team
//! and month never shows a group small enough to single anyone out (Art 89(1), ICO anonymisation
//! guidance).

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::ids::{ConsentId, OrgId, PersonId, SurveyAnswerId, TicketId};
use crate::people::check_text;

/// How satisfied the requester was: 1 (very dissatisfied) to 5 (very satisfied).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Rating(u8);

impl Rating {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 5;

    pub fn new(value: u8) -> Result<Self, DomainError> {
        if (Self::MIN..=Self::MAX).contains(&value) {
            Ok(Self(value))
        } else {
            Err(DomainError::invalid("rating", "must be 1 to 5"))
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Rating {
    type Error = DomainError;

    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Rating> for u8 {
    fn from(value: Rating) -> Self {
        value.0
    }
}

/// The consent a survey answer rests on, as `/consents` records it (its purpose and notice
/// version are persistence's to link).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyConsent {
    pub id: ConsentId,
    pub given_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl SurveyConsent {
    /// Whether the consent stands at `at`: given by then and not withdrawn by then.
    pub fn stands_at(&self, at: DateTime<Utc>) -> bool {
        self.given_at <= at && self.withdrawn_at.is_none_or(|withdrawn| withdrawn > at)
    }
}

/// Whether an answer given at `answered_at` about a ticket closed at `ticket_closed_at` may be
/// stored on `consent`. Art 6(1)(a) with Art 4(11) and 7(1): consent is specific to this survey
/// and demonstrable, so it must be given for it, after the ticket closed and no later than the
/// answer, and not withdrawn by then. A consent given for an earlier survey does not carry over,
/// and no consent means no answer is kept.
pub fn may_store(
    consent: Option<&SurveyConsent>,
    ticket_closed_at: DateTime<Utc>,
    answered_at: DateTime<Utc>,
) -> Result<(), DomainError> {
    if answered_at < ticket_closed_at {
        return Err(DomainError::invalid(
            "answered_at",
            "a survey is answered after its ticket closed",
        ));
    }
    let Some(consent) = consent else {
        return Err(DomainError::invalid(
            "consent",
            "Art 6(1)(a): a survey answer is stored only with consent",
        ));
    };
    if consent.given_at < ticket_closed_at {
        return Err(DomainError::invalid(
            "consent",
            "Art 7(1): consent is given for this survey, after its ticket closed",
        ));
    }
    if !consent.stands_at(answered_at) {
        return Err(DomainError::invalid(
            "consent",
            "Art 7(1): consent must stand when the answer is given",
        ));
    }
    Ok(())
}

/// What the requester thought: the part of an answer that withdrawal erases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyOpinion {
    pub rating: Rating,
    pub comment: Option<String>,
}

impl SurveyOpinion {
    pub const MAX_COMMENT_LEN: usize = 2000;

    /// A blank comment is no comment; a comment fits and has no control characters but line
    /// breaks.
    pub fn new(rating: Rating, comment: Option<&str>) -> Result<Self, DomainError> {
        let comment = match comment {
            Some(text) if !text.trim().is_empty() => {
                Some(check_text("comment", text, Self::MAX_COMMENT_LEN, true)?)
            }
            _ => None,
        };
        Ok(Self { rating, comment })
    }
}

/// An answer to a closed ticket's survey. The team the ticket was with when it closed is kept
/// with the answer, so the report groups by it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyAnswer {
    pub id: SurveyAnswerId,
    pub org_id: OrgId,
    pub ticket_id: TicketId,
    pub respondent: PersonId,
    pub consent_id: ConsentId,
    pub team: Option<String>,
    /// `None` once consent is withdrawn.
    pub opinion: Option<SurveyOpinion>,
    pub answered_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl SurveyAnswer {
    /// The answer once its consent is withdrawn at `at`: Art 7(3) stops the processing and, with
    /// no other basis, Art 17(1)(b) erases the opinion (rating and comment). What remains shows
    /// that an answer was given and withdrawn, which accountability needs (Art 5(2)), and says
    /// nothing of what it was. Withdrawing twice keeps the first time.
    pub fn withdraw(self, at: DateTime<Utc>) -> SurveyAnswer {
        SurveyAnswer {
            opinion: None,
            withdrawn_at: self.withdrawn_at.or(Some(at)),
            ..self
        }
    }

    /// Whether the answer may still be used (in the report, in exports): it has an opinion and
    /// consent has not been withdrawn.
    pub fn is_usable(&self) -> bool {
        self.withdrawn_at.is_none() && self.opinion.is_some()
    }
}

/// The smallest group the report shows. ICO anonymisation guidance: figures about very few
/// people can single them out, so small cells are withheld; 5 is the desk's threshold, a common
/// small-cell limit in UK statistical disclosure control.
pub const MIN_GROUP: usize = 5;

/// A calendar month in UTC, written `2026-03`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "2026-03", pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$"))]
#[serde(try_from = "String", into = "String")]
pub struct ReportMonth(NaiveDate);

impl ReportMonth {
    pub fn of(at: DateTime<Utc>) -> Self {
        let day = at.date_naive();
        Self(day.with_day(1).unwrap_or(day))
    }

    pub fn year(self) -> i32 {
        self.0.year()
    }

    pub fn month(self) -> u32 {
        self.0.month()
    }

    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let bad = || DomainError::invalid("month", "must be a month such as 2026-03");
        let (year, month) = text.split_once('-').ok_or_else(bad)?;
        let digits =
            |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(month, 2) {
            return Err(bad());
        }
        let year = year.parse::<i32>().map_err(|_| bad())?;
        let month = month.parse::<u32>().map_err(|_| bad())?;
        NaiveDate::from_ymd_opt(year, month, 1)
            .map(Self)
            .ok_or_else(bad)
    }
}

impl fmt::Display for ReportMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl TryFrom<String> for ReportMonth {
    type Error = DomainError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ReportMonth> for String {
    fn from(value: ReportMonth) -> Self {
        value.to_string()
    }
}

/// How many answers a figure rests on, and their mean rating (to two decimals).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Satisfaction {
    pub answers: u32,
    pub mean_rating: f64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Tally {
    answers: u32,
    rating_sum: u32,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.answers += other.answers;
        self.rating_sum += other.rating_sum;
    }

    fn figure(self) -> Satisfaction {
        let mean = f64::from(self.rating_sum) / f64::from(self.answers.max(1));
        Satisfaction {
            answers: self.answers,
            mean_rating: (mean * 100.0).round() / 100.0,
        }
    }
}

/// One published group: a team's answers in a month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamMonth {
    /// `None` for tickets no team held.
    pub team: Option<String>,
    pub month: ReportMonth,
    #[serde(flatten)]
    pub satisfaction: Satisfaction,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamTotal {
    pub team: Option<String>,
    #[serde(flatten)]
    pub satisfaction: Satisfaction,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthTotal {
    pub month: ReportMonth,
    #[serde(flatten)]
    pub satisfaction: Satisfaction,
}

/// Satisfaction by team and month. Every total is over the published groups only (see
/// [`report`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SatisfactionReport {
    /// The smallest group shown.
    pub min_group: u32,
    /// Groups of at least `min_group` answers, by team then month.
    pub groups: Vec<TeamMonth>,
    pub by_team: Vec<TeamTotal>,
    pub by_month: Vec<MonthTotal>,
    /// `None` when no group is published.
    pub overall: Option<Satisfaction>,
}

/// Satisfaction by (team, month) from the usable answers (withdrawn ones are never used), with
/// every group of fewer than `min_group` answers withheld; `min_group` below [`MIN_GROUP`] is
/// raised to it.
///
/// The rule against derivation by subtraction: a withheld group counts towards nothing. Totals
/// by team, by month and overall are sums of the published groups only, so no total less its
/// published parts leaves anything, and nothing marks where a group was withheld. This is
/// stricter than complementary cell suppression (which publishes true totals and hides extra
/// cells so each hidden remainder is at least `min_group`) and needs no search; the price is
/// that totals leave out the withheld groups' answers. The output is the same whatever a
/// withheld group's answers were, and whether it exists at all.
///
/// Comparing two runs is another matter: an answer withdrawn between them changes its group's
/// figures, which the threshold alone does not prevent. Serving whole calendar months only
/// (never caller-chosen ranges) keeps groups from being re-cut at will.
pub fn report(answers: &[SurveyAnswer], min_group: usize) -> SatisfactionReport {
    let min_group = min_group.max(MIN_GROUP);
    let mut cells: BTreeMap<(Option<&str>, ReportMonth), Tally> = BTreeMap::new();
    for answer in answers.iter().filter(|a| a.is_usable()) {
        if let Some(opinion) = &answer.opinion {
            let tally = cells
                .entry((answer.team.as_deref(), ReportMonth::of(answer.answered_at)))
                .or_default();
            tally.add(Tally {
                answers: 1,
                rating_sum: u32::from(opinion.rating.get()),
            });
        }
    }
    cells.retain(|_, tally| usize::try_from(tally.answers).is_ok_and(|n| n >= min_group));

    let mut by_team: BTreeMap<Option<&str>, Tally> = BTreeMap::new();
    let mut by_month: BTreeMap<ReportMonth, Tally> = BTreeMap::new();
    let mut overall = Tally::default();
    for (&(team, month), &tally) in &cells {
        by_team.entry(team).or_default().add(tally);
        by_month.entry(month).or_default().add(tally);
        overall.add(tally);
    }
    SatisfactionReport {
        min_group: u32::try_from(min_group).unwrap_or(u32::MAX),
        groups: cells
            .into_iter()
            .map(|((team, month), tally)| TeamMonth {
                team: team.map(str::to_owned),
                month,
                satisfaction: tally.figure(),
            })
            .collect(),
        by_team: by_team
            .into_iter()
            .map(|(team, tally)| TeamTotal {
                team: team.map(str::to_owned),
                satisfaction: tally.figure(),
            })
            .collect(),
        by_month: by_month
            .into_iter()
            .map(|(month, tally)| MonthTotal {
                month,
                satisfaction: tally.figure(),
            })
            .collect(),
        overall: (overall.answers > 0).then(|| overall.figure()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0)
            .single()
            .expect("valid time")
    }

    fn answer(n: u128, team: &str, when: DateTime<Utc>, rating: u8) -> SurveyAnswer {
        SurveyAnswer {
            id: SurveyAnswerId::from_uuid(Uuid::from_u128(n)),
            org_id: OrgId::from_uuid(Uuid::from_u128(2)),
            ticket_id: TicketId::from_uuid(Uuid::from_u128(1000 + n)),
            respondent: PersonId::from_uuid(Uuid::from_u128(2000 + n)),
            consent_id: ConsentId::from_uuid(Uuid::from_u128(3000 + n)),
            team: Some(team.into()),
            opinion: Some(
                SurveyOpinion::new(Rating::new(rating).expect("1 to 5"), Some("Quick fix"))
                    .expect("valid"),
            ),
            answered_at: when,
            withdrawn_at: None,
        }
    }

    fn consent(given_at: DateTime<Utc>) -> SurveyConsent {
        SurveyConsent {
            id: ConsentId::from_uuid(Uuid::from_u128(9)),
            given_at,
            withdrawn_at: None,
        }
    }

    #[test]
    fn ratings_are_one_to_five() {
        for n in 1..=5 {
            assert_eq!(Rating::new(n).map(Rating::get), Ok(n));
        }
        assert!(Rating::new(0).is_err());
        assert!(Rating::new(6).is_err());
        assert!(serde_json::from_str::<Rating>("6").is_err());
        assert_eq!(
            serde_json::from_str::<Rating>("3").map(u8::from).ok(),
            Some(3)
        );
    }

    #[test]
    fn an_answer_is_stored_only_on_consent_given_for_this_survey() {
        let closed = at(2026, 3, 2);
        let answered = closed + chrono::Duration::minutes(5);
        let now = consent(answered);
        assert_eq!(may_store(Some(&now), closed, answered), Ok(()));
        assert_eq!(may_store(Some(&consent(closed)), closed, answered), Ok(()));
        let refusal = may_store(None, closed, answered).expect_err("no consent");
        assert_eq!(
            refusal.to_string(),
            "consent: Art 6(1)(a): a survey answer is stored only with consent"
        );
        let earlier = consent(closed - chrono::Duration::days(30));
        assert!(
            may_store(Some(&earlier), closed, answered).is_err(),
            "an old consent does not carry over"
        );
        let after = consent(answered + chrono::Duration::seconds(1));
        assert!(
            may_store(Some(&after), closed, answered).is_err(),
            "consent after the answer is too late"
        );
        let withdrawn = SurveyConsent {
            withdrawn_at: Some(answered),
            ..now
        };
        assert!(may_store(Some(&withdrawn), closed, answered).is_err());
        assert!(
            may_store(Some(&now), closed, closed - chrono::Duration::minutes(1)).is_err(),
            "no survey before the ticket closes"
        );
    }

    #[test]
    fn comments_are_optional_and_bounded() {
        let rating = Rating::new(4).expect("valid");
        assert_eq!(
            SurveyOpinion::new(rating, Some("  ")).map(|o| o.comment),
            Ok(None)
        );
        assert_eq!(
            SurveyOpinion::new(rating, Some(" Thanks\nall sorted ")).map(|o| o.comment),
            Ok(Some("Thanks\nall sorted".into()))
        );
        assert!(SurveyOpinion::new(rating, Some(&"x".repeat(2001))).is_err());
    }

    #[test]
    fn withdrawing_consent_erases_the_opinion_and_stops_its_use() {
        let given = answer(1, "Service Desk", at(2026, 3, 2), 2);
        assert!(given.is_usable());
        let withdrawn = given.clone().withdraw(at(2026, 4, 1));
        assert_eq!(withdrawn.opinion, None);
        assert_eq!(withdrawn.withdrawn_at, Some(at(2026, 4, 1)));
        assert!(!withdrawn.is_usable());
        assert_eq!(withdrawn.ticket_id, given.ticket_id);
        let json = serde_json::to_string(&withdrawn).expect("json");
        assert!(!json.contains("Quick fix") && !json.contains("rating"));
        let again = withdrawn.clone().withdraw(at(2026, 5, 1));
        assert_eq!(again.withdrawn_at, Some(at(2026, 4, 1)));
    }

    #[test]
    fn months_print_and_parse() {
        let month = ReportMonth::of(at(2026, 3, 31));
        assert_eq!(month.to_string(), "2026-03");
        assert_eq!(ReportMonth::parse("2026-03"), Ok(month));
        for bad in [
            "2026-3", "2026-13", "26-03", "2026/03", "2026-00", "+026-03", "2026-+3",
        ] {
            assert!(ReportMonth::parse(bad).is_err(), "{bad}");
        }
    }

    /// Team A: 4 answers in March (withheld), 6 in April. Team B: 5 in March.
    fn sample() -> Vec<SurveyAnswer> {
        let mut answers = Vec::new();
        let mut n = 0;
        let mut add = |team: &str, when: DateTime<Utc>, ratings: &[u8]| {
            for &rating in ratings {
                n += 1;
                answers.push(answer(n, team, when, rating));
            }
        };
        add("A", at(2026, 3, 10), &[1, 1, 2, 1]);
        add("A", at(2026, 4, 10), &[5, 4, 4, 5, 4, 5]);
        add("B", at(2026, 3, 11), &[3, 4, 5, 4, 4]);
        answers
    }

    #[test]
    fn a_group_of_four_never_appears_not_even_by_subtraction() {
        let report = report(&sample(), MIN_GROUP);
        let groups: Vec<_> = report
            .groups
            .iter()
            .map(|g| {
                (
                    g.team.as_deref().unwrap_or("-"),
                    g.month.to_string(),
                    g.satisfaction.answers,
                )
            })
            .collect();
        assert_eq!(
            groups,
            [("A", "2026-04".into(), 6), ("B", "2026-03".into(), 5)]
        );
        // Totals are over published groups only: team A is its April, March is team B's.
        let team_a = &report.by_team[0];
        assert_eq!(team_a.team.as_deref(), Some("A"));
        assert_eq!(team_a.satisfaction.answers, 6);
        assert_eq!(team_a.satisfaction.mean_rating, 4.5);
        let march = &report.by_month[0];
        assert_eq!(march.month.to_string(), "2026-03");
        assert_eq!(march.satisfaction.answers, 5);
        assert_eq!(march.satisfaction.mean_rating, 4.0);
        assert_eq!(report.overall.map(|o| o.answers), Some(11));
        // Every total less its published parts is nothing.
        let published: u32 = report.groups.iter().map(|g| g.satisfaction.answers).sum();
        assert_eq!(report.overall.map(|o| o.answers), Some(published));
        let json = serde_json::to_string(&report).expect("json");
        assert!(!json.contains("\"answers\":4") && !json.contains("\"answers\":15"));
        assert!(!json.contains("\"answers\":10") && !json.contains("\"answers\":9"));
    }

    #[test]
    fn a_withdrawal_can_take_a_group_below_the_threshold() {
        let mut answers = sample();
        let last_b = answers.len() - 1;
        answers[last_b] = answers[last_b].clone().withdraw(at(2026, 4, 1));
        let report = report(&answers, MIN_GROUP);
        assert_eq!(report.groups.len(), 1);
        assert!(
            report
                .by_month
                .iter()
                .all(|m| m.month.to_string() != "2026-03")
        );
    }

    #[test]
    fn the_threshold_is_never_below_five() {
        let lowered = report(&sample(), 2);
        assert_eq!(lowered.min_group, 5);
        assert_eq!(lowered, report(&sample(), MIN_GROUP));
        let raised = report(&sample(), 6);
        assert_eq!(raised.groups.len(), 1);
        let empty = report(&[], MIN_GROUP);
        assert!(empty.groups.is_empty() && empty.overall.is_none());
    }

    fn any_answers() -> impl Strategy<Value = Vec<SurveyAnswer>> {
        proptest::collection::vec(
            (
                proptest::sample::select(&["A", "B", "C"][..]),
                1u32..=3,
                1u8..=5,
                any::<bool>(),
            ),
            0..60,
        )
        .prop_map(|rows| {
            rows.into_iter()
                .enumerate()
                .map(|(i, (team, month, rating, withdrawn))| {
                    let given = answer(i as u128, team, at(2026, month, 15), rating);
                    if withdrawn && i % 3 == 0 {
                        given.withdraw(at(2026, 6, 1))
                    } else {
                        given
                    }
                })
                .collect()
        })
    }

    fn group_sizes(answers: &[SurveyAnswer]) -> BTreeMap<(Option<String>, ReportMonth), usize> {
        let mut sizes = BTreeMap::new();
        for a in answers.iter().filter(|a| a.is_usable()) {
            *sizes
                .entry((a.team.clone(), ReportMonth::of(a.answered_at)))
                .or_default() += 1;
        }
        sizes
    }

    proptest! {
        #[test]
        fn no_published_figure_rests_on_fewer_than_five(answers in any_answers(), k in 0usize..10) {
            let report = report(&answers, k);
            let k = k.max(MIN_GROUP) as u32;
            for group in &report.groups {
                prop_assert!(group.satisfaction.answers >= k);
            }
            for total in report.by_team.iter().map(|t| t.satisfaction)
                .chain(report.by_month.iter().map(|m| m.satisfaction))
                .chain(report.overall)
            {
                prop_assert!(total.answers >= k);
            }
            let published: u32 = report.groups.iter().map(|g| g.satisfaction.answers).sum();
            prop_assert_eq!(report.overall.map_or(0, |o| o.answers), published);
            let by_team: u32 = report.by_team.iter().map(|t| t.satisfaction.answers).sum();
            let by_month: u32 = report.by_month.iter().map(|m| m.satisfaction.answers).sum();
            prop_assert_eq!(by_team, published);
            prop_assert_eq!(by_month, published);
        }

        #[test]
        fn small_groups_leave_no_trace(answers in any_answers(), new_rating in 1u8..=5) {
            let sizes = group_sizes(&answers);
            let small = |a: &SurveyAnswer| {
                sizes
                    .get(&(a.team.clone(), ReportMonth::of(a.answered_at)))
                    .is_some_and(|&n| n < MIN_GROUP)
            };
            let baseline = report(&answers, MIN_GROUP);
            let without: Vec<_> = answers.iter().filter(|a| !small(a)).cloned().collect();
            prop_assert_eq!(&report(&without, MIN_GROUP), &baseline);
            let altered: Vec<_> = answers
                .iter()
                .cloned()
                .map(|mut a| {
                    if small(&a)
                        && let Some(opinion) = a.opinion.as_mut()
                    {
                        opinion.rating = Rating::new(new_rating).expect("1 to 5");
                    }
                    a
                })
                .collect();
            prop_assert_eq!(&report(&altered, MIN_GROUP), &baseline);
        }
    }
}
