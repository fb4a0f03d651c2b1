//! Retention: how long data is kept, counted from an event (Art 5(1)(e) storage limitation;
//! Art 13(2)(a), 14(2)(a) and 30(1)(f) say the period, or the criteria that set it, is told and
//! recorded).

use std::fmt;
use std::str::FromStr;

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::ids::RetentionPolicyId;
use crate::{DomainError, closed_set};

use super::violation::{RuleViolation, all_or_nothing, is_blank};

closed_set! {
    /// The event a retention period counts from.
    pub enum RetentionTrigger for "trigger" {
        /// The person left the organisation ("1 year after you have left", Cabinet Office).
        AfterLeaving = "after_leaving",
        /// The last ticket about the person closed ("3 years from the date your last support
        /// ticket is closed", Devon).
        AfterLastTicketClosed = "after_last_ticket_closed",
        /// The record was created.
        AfterCreation = "after_creation",
        /// The person withdrew consent (Art 7(3)); fires only for data held on consent.
        AfterConsentWithdrawn = "after_consent_withdrawn",
        /// A rights request was closed.
        AfterRequestClosed = "after_request_closed",
    }
}

impl RetentionTrigger {
    /// Whether the event can only happen where consent is the basis or the condition.
    pub fn needs_consent(self) -> bool {
        self == RetentionTrigger::AfterConsentWithdrawn
    }
}

closed_set! {
    /// What happens when the period ends. Legal holds and open rights requests about the same
    /// person block the action.
    pub enum RetentionAction for "action" {
        /// Delete the data.
        Erase = "erase",
        /// Remove what identifies the person, so it is no longer personal data.
        Anonymise = "anonymise",
        /// A person reviews the data against the retention schedule and decides.
        Review = "review",
    }
}

/// A retention period: a practical subset of ISO 8601 durations, `PnY`, `PnM`, `PnW`, `PnD` and
/// their combinations in that order (`P1Y6M`, `P2W3D`). Never zero, at most a thousand years.
/// Added to a date the way calendars do: years and months first, clamped to the month's last
/// day (29 February + `P1Y` = 28 February), then weeks and days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "P1Y", pattern = "^P(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+W)?(?:[0-9]+D)?$"))]
#[serde(try_from = "String", into = "String")]
pub struct RetentionPeriod(Parts);

/// The designators of a period, held apart so the type itself travels as one ISO 8601 string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Parts {
    years: u32,
    months: u32,
    weeks: u32,
    days: u32,
}

impl RetentionPeriod {
    /// A thousand years in months: longer than any retention schedule, short enough that the
    /// arithmetic never overflows.
    const MAX_MONTHS: u32 = 12_000;
    /// A thousand years in days (of 365.25).
    const MAX_DAYS: u32 = 365_250;

    pub fn new(years: u32, months: u32, weeks: u32, days: u32) -> Result<Self, DomainError> {
        let period = Self(Parts {
            years,
            months,
            weeks,
            days,
        });
        let (Some(total_months), Some(total_days)) = (period.total_months(), period.total_days())
        else {
            return Err(Self::too_long());
        };
        if total_months == 0 && total_days == 0 {
            return Err(DomainError::invalid("period", "must be longer than zero"));
        }
        if total_months > Self::MAX_MONTHS || total_days > Self::MAX_DAYS {
            return Err(Self::too_long());
        }
        Ok(period)
    }

    /// Parses `P1Y`, `P6M`, `P2W`, `P30D`, `P1Y6M`, `P1Y2M3W4D`: designators upper case, each at
    /// most once and in that order; no time part, no fractions, no sign.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let bad = || {
            DomainError::invalid(
                "period",
                "must be an ISO 8601 duration of years, months, weeks and days, such as P1Y or P1Y6M",
            )
        };
        let rest = text.strip_prefix('P').ok_or_else(bad)?;
        if rest.is_empty() {
            return Err(bad());
        }
        // Values by designator, in the only order allowed.
        let mut values = [0u32; 4];
        let mut next_slot = 0;
        let mut digits = String::new();
        for c in rest.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            let slot = match c {
                'Y' => 0,
                'M' => 1,
                'W' => 2,
                'D' => 3,
                _ => return Err(bad()),
            };
            if digits.is_empty() || slot < next_slot {
                return Err(bad());
            }
            values[slot] = digits.parse().map_err(|_| Self::too_long())?;
            digits.clear();
            next_slot = slot + 1;
        }
        if !digits.is_empty() {
            return Err(bad());
        }
        let [years, months, weeks, days] = values;
        Self::new(years, months, weeks, days)
    }

    pub fn years(self) -> u32 {
        self.0.years
    }

    pub fn months(self) -> u32 {
        self.0.months
    }

    pub fn weeks(self) -> u32 {
        self.0.weeks
    }

    pub fn days(self) -> u32 {
        self.0.days
    }

    /// The date the period ends when it starts on `start`: years and months first, clamped to
    /// the last day of a shorter month, then weeks and days. `None` only past the last date the
    /// calendar can hold.
    pub fn add_to(self, start: NaiveDate) -> Option<NaiveDate> {
        start
            .checked_add_months(Months::new(self.total_months()?))?
            .checked_add_days(Days::new(u64::from(self.total_days()?)))
    }

    /// The latest start whose period has ended by `end` (`add_to(start) <= end`): what a sweep
    /// looks for, "every event on or before this day is past its period". Exact despite the
    /// clamping of months, since `add_to` never moves back as its start moves forward. `None`
    /// when no date the calendar holds is early enough.
    pub fn latest_start_ended_by(self, end: NaiveDate) -> Option<NaiveDate> {
        let ended = |start: NaiveDate| self.add_to(start).is_some_and(|e| e <= end);
        // Taking the period off `end` lands within a few days of the answer: clamping to a
        // month's last day moves it by three days at most either way.
        let mut start = end
            .checked_sub_months(Months::new(self.total_months()?))?
            .checked_sub_days(Days::new(u64::from(self.total_days()?)))?;
        for _ in 0..Self::SLACK_DAYS {
            if ended(start) {
                break;
            }
            start = start.pred_opt()?;
        }
        if !ended(start) {
            return None;
        }
        for _ in 0..Self::SLACK_DAYS {
            match start.succ_opt() {
                Some(next) if ended(next) => start = next,
                _ => break,
            }
        }
        Some(start)
    }

    /// More than the days clamping can move a date by, so the walk in
    /// [`RetentionPeriod::latest_start_ended_by`] always ends on the answer.
    const SLACK_DAYS: u32 = 8;

    fn total_months(self) -> Option<u32> {
        self.0.years.checked_mul(12)?.checked_add(self.0.months)
    }

    fn total_days(self) -> Option<u32> {
        self.0.weeks.checked_mul(7)?.checked_add(self.0.days)
    }

    fn too_long() -> DomainError {
        DomainError::invalid("period", "must be at most 1000 years")
    }
}

impl fmt::Display for RetentionPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("P")?;
        for (value, designator) in [
            (self.0.years, 'Y'),
            (self.0.months, 'M'),
            (self.0.weeks, 'W'),
            (self.0.days, 'D'),
        ] {
            if value > 0 {
                write!(f, "{value}{designator}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for RetentionPeriod {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for RetentionPeriod {
    type Error = DomainError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<RetentionPeriod> for String {
    fn from(value: RetentionPeriod) -> Self {
        value.to_string()
    }
}

/// How long a purpose keeps its data: from which event, for how long, and what then happens.
/// "Per retention schedule" (Derby) is a `review` that cites the schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetentionPolicy {
    pub id: RetentionPolicyId,
    pub trigger: RetentionTrigger,
    pub period: RetentionPeriod,
    pub action: RetentionAction,
    /// The entry in the organisation's retention schedule this policy follows, if any.
    pub schedule_reference: Option<String>,
}

impl RetentionPolicy {
    /// The date the action falls due when the trigger event happened on `event`.
    pub fn due_on(&self, event: NaiveDate) -> Option<NaiveDate> {
        self.period.add_to(event)
    }

    /// The policy in plain English, as an Art 30(1)(f) record or an auditor reads it:
    /// "1 year after the person left, then erase".
    pub fn in_words(&self) -> String {
        format!(
            "{} after {}, then {}",
            period_in_words(self.period),
            trigger_in_words(self.trigger),
            action_in_words(self.action)
        )
    }

    /// Art 13(2)(a): where the period is set by a schedule, the reference says where its
    /// criteria are found.
    pub fn validate(&self) -> Result<(), Vec<RuleViolation>> {
        let mut violations = Vec::new();
        if self.schedule_reference.as_deref().is_some_and(is_blank) {
            violations.push(RuleViolation::new(
                "schedule_reference",
                "Art 13(2)(a)",
                "a retention schedule reference must say where the schedule is found",
            ));
        }
        all_or_nothing(violations)
    }
}

/// "1 year", "1 year and 6 months", "1 year, 2 months, 3 weeks and 4 days".
fn period_in_words(period: RetentionPeriod) -> String {
    let parts: Vec<String> = [
        (period.years(), "year"),
        (period.months(), "month"),
        (period.weeks(), "week"),
        (period.days(), "day"),
    ]
    .into_iter()
    .filter(|(value, _)| *value > 0)
    .map(|(value, unit)| {
        let plural = if value == 1 { "" } else { "s" };
        format!("{value} {unit}{plural}")
    })
    .collect();
    match parts.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        // A period is never zero, so there is always a part.
        None => String::new(),
    }
}

/// The event, completing "after ...".
fn trigger_in_words(trigger: RetentionTrigger) -> &'static str {
    match trigger {
        RetentionTrigger::AfterLeaving => "the person left",
        RetentionTrigger::AfterLastTicketClosed => "the person's last support ticket closed",
        RetentionTrigger::AfterCreation => "the record was created",
        RetentionTrigger::AfterConsentWithdrawn => "the person withdrew consent",
        RetentionTrigger::AfterRequestClosed => "the rights request closed",
    }
}

/// The action, completing "then ...".
fn action_in_words(action: RetentionAction) -> &'static str {
    match action {
        RetentionAction::Erase => "erase",
        RetentionAction::Anonymise => "anonymise",
        RetentionAction::Review => "review against the retention schedule",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn period(text: &str) -> RetentionPeriod {
        RetentionPeriod::parse(text).expect("valid period")
    }

    #[test]
    fn the_seed_periods_parse() {
        // Cabinet Office: 1 year after leaving. Devon: 3 years after the last ticket closed.
        assert_eq!(period("P1Y").years(), 1);
        assert_eq!(period("P3Y").years(), 3);
        let mixed = period("P1Y6M");
        assert_eq!((mixed.years(), mixed.months()), (1, 6));
        let all = period("P1Y2M3W4D");
        assert_eq!(
            (all.years(), all.months(), all.weeks(), all.days()),
            (1, 2, 3, 4)
        );
        assert_eq!(all.to_string(), "P1Y2M3W4D");
        assert_eq!(period("P30D").to_string(), "P30D");
    }

    #[test]
    fn zero_and_garbage_are_refused() {
        for bad in [
            "",
            "P",
            "P0Y",
            "P0Y0D",
            "1Y",
            "p1y",
            "P1y",
            "PY",
            "P1",
            "P1Y1Y",
            "P6M1Y",
            "P1D1W",
            "P1.5Y",
            "P-1Y",
            "P+1Y",
            "PT1H",
            "P1YT1H",
            "P1Y ",
            " P1Y",
            "P1X",
            "P1Y6",
            "P١Y",
            "P1001Y",
            "P99999999999Y",
            "P12001M",
            "P365251D",
            "P4294967295W",
        ] {
            assert!(
                RetentionPeriod::parse(bad).is_err(),
                "{bad:?} should be refused"
            );
        }
        let refusal = RetentionPeriod::parse("P0D").expect_err("zero");
        assert_eq!(refusal.to_string(), "period: must be longer than zero");
        assert_eq!(period("P1Y0M").to_string(), "P1Y");
        assert_eq!(period("P1000Y").years(), 1000);
    }

    #[test]
    fn a_year_after_29_february_is_28_february() {
        assert_eq!(
            period("P1Y").add_to(date(2024, 2, 29)),
            Some(date(2025, 2, 28))
        );
        assert_eq!(
            period("P4Y").add_to(date(2024, 2, 29)),
            Some(date(2028, 2, 29))
        );
        assert_eq!(
            period("P1M").add_to(date(2026, 1, 31)),
            Some(date(2026, 2, 28))
        );
        assert_eq!(
            period("P1M").add_to(date(2028, 1, 31)),
            Some(date(2028, 2, 29))
        );
        // Months before days: 31 Jan + P1M1D is 1 March, not 2 March.
        assert_eq!(
            period("P1M1D").add_to(date(2026, 1, 31)),
            Some(date(2026, 3, 1))
        );
        assert_eq!(
            period("P2W").add_to(date(2026, 12, 25)),
            Some(date(2027, 1, 8))
        );
    }

    #[test]
    fn the_latest_start_ended_by_a_day_undoes_the_clamping() {
        // 29, 30 and 31 January + P1M all end on 28 February 2026.
        assert_eq!(
            period("P1M").latest_start_ended_by(date(2026, 2, 28)),
            Some(date(2026, 1, 31))
        );
        assert_eq!(
            period("P1M").latest_start_ended_by(date(2026, 3, 31)),
            Some(date(2026, 2, 28))
        );
        // 29 January + P1M3D is 3 March, past 1 March: the answer is earlier than 1 March - 3D
        // - 1M would say.
        assert_eq!(
            period("P1M3D").latest_start_ended_by(date(2026, 3, 1)),
            Some(date(2026, 1, 26))
        );
        assert_eq!(
            period("P1Y").latest_start_ended_by(date(2025, 2, 28)),
            Some(date(2024, 2, 29))
        );
    }

    #[test]
    fn a_policy_falls_due_its_period_after_the_event() {
        // Devon: erased 3 years from the date the last support ticket closed.
        let devon = RetentionPolicy {
            id: RetentionPolicyId::from_uuid(uuid::Uuid::from_u128(1)),
            trigger: RetentionTrigger::AfterLastTicketClosed,
            period: period("P3Y"),
            action: RetentionAction::Erase,
            schedule_reference: None,
        };
        assert_eq!(devon.due_on(date(2026, 7, 28)), Some(date(2029, 7, 28)));
        assert_eq!(devon.validate(), Ok(()));
        let blank = RetentionPolicy {
            schedule_reference: Some(" ".into()),
            ..devon
        };
        assert_eq!(
            blank.validate().map_err(|v| v[0].field),
            Err("schedule_reference")
        );
    }

    #[test]
    fn a_policy_reads_in_plain_english() {
        let policy = |trigger, text: &str, action| RetentionPolicy {
            id: RetentionPolicyId::from_uuid(uuid::Uuid::from_u128(1)),
            trigger,
            period: period(text),
            action,
            schedule_reference: None,
        };
        // Cabinet Office, Devon and Derby as their notices put it.
        assert_eq!(
            policy(
                RetentionTrigger::AfterLeaving,
                "P1Y",
                RetentionAction::Erase
            )
            .in_words(),
            "1 year after the person left, then erase"
        );
        assert_eq!(
            policy(
                RetentionTrigger::AfterLastTicketClosed,
                "P3Y",
                RetentionAction::Erase
            )
            .in_words(),
            "3 years after the person's last support ticket closed, then erase"
        );
        assert_eq!(
            policy(
                RetentionTrigger::AfterCreation,
                "P1Y",
                RetentionAction::Review
            )
            .in_words(),
            "1 year after the record was created, then review against the retention schedule"
        );
        assert_eq!(
            policy(
                RetentionTrigger::AfterConsentWithdrawn,
                "P30D",
                RetentionAction::Anonymise
            )
            .in_words(),
            "30 days after the person withdrew consent, then anonymise"
        );
        assert_eq!(
            policy(
                RetentionTrigger::AfterRequestClosed,
                "P1W",
                RetentionAction::Erase
            )
            .in_words(),
            "1 week after the rights request closed, then erase"
        );
    }

    #[test]
    fn periods_read_as_a_list_of_units() {
        assert_eq!(period_in_words(period("P1Y6M")), "1 year and 6 months");
        assert_eq!(
            period_in_words(period("P1Y2M3W4D")),
            "1 year, 2 months, 3 weeks and 4 days"
        );
        assert_eq!(period_in_words(period("P2M1D")), "2 months and 1 day");
        assert_eq!(period_in_words(period("P1M")), "1 month");
    }

    #[test]
    fn periods_travel_as_their_iso_text() {
        let json = serde_json::to_string(&period("P1Y6M")).expect("json");
        assert_eq!(json, "\"P1Y6M\"");
        let back: RetentionPeriod = serde_json::from_str("\"P3Y\"").expect("parses");
        assert_eq!(back, period("P3Y"));
        assert!(serde_json::from_str::<RetentionPeriod>("\"P0Y\"").is_err());
        let trigger =
            serde_json::to_string(&RetentionTrigger::AfterLastTicketClosed).expect("json");
        assert_eq!(trigger, "\"after_last_ticket_closed\"");
        assert!(RetentionTrigger::AfterConsentWithdrawn.needs_consent());
        assert!(!RetentionTrigger::AfterLeaving.needs_consent());
    }

    #[cfg(feature = "openapi")]
    #[test]
    fn the_contract_shows_a_period_as_a_string() {
        let schema = <RetentionPeriod as utoipa::PartialSchema>::schema();
        let json = serde_json::to_value(schema).expect("json");
        assert_eq!(json["type"], "string");
        assert_eq!(json["example"], "P1Y");
    }

    fn any_period() -> impl Strategy<Value = RetentionPeriod> {
        (0u32..=50, 0u32..=30, 0u32..=60, 0u32..=400)
            .prop_filter("non-zero", |(y, m, w, d)| y + m + w + d > 0)
            .prop_map(|(y, m, w, d)| RetentionPeriod::new(y, m, w, d).expect("in range"))
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (1900i32..=2200, 1u32..=366).prop_map(|(year, ordinal)| {
            NaiveDate::from_yo_opt(year, ordinal)
                .or_else(|| NaiveDate::from_yo_opt(year, 365))
                .expect("valid ordinal")
        })
    }

    proptest! {
        #[test]
        fn text_round_trips(p in any_period()) {
            prop_assert_eq!(RetentionPeriod::parse(&p.to_string()), Ok(p));
        }

        #[test]
        fn a_period_always_moves_the_date_forward(p in any_period(), start in any_date()) {
            let end = p.add_to(start).expect("in range");
            prop_assert!(end > start);
        }

        #[test]
        fn years_keep_the_day_or_clamp_29_february(years in 1u32..=100, start in any_date()) {
            let p = RetentionPeriod::new(years, 0, 0, 0).expect("valid");
            let end = p.add_to(start).expect("in range");
            prop_assert_eq!(end.month(), start.month());
            let year = start.year() + i32::try_from(years).expect("small");
            prop_assert_eq!(end.year(), year);
            if start.month() == 2 && start.day() == 29 && NaiveDate::from_ymd_opt(year, 2, 29).is_none() {
                prop_assert_eq!(end.day(), 28);
            } else {
                prop_assert_eq!(end.day(), start.day());
            }
        }

        #[test]
        fn a_year_is_twelve_months_and_a_week_is_seven_days(n in 1u32..=40, start in any_date()) {
            let years = RetentionPeriod::new(n, 0, 0, 0).expect("valid");
            let months = RetentionPeriod::new(0, 12 * n, 0, 0).expect("valid");
            prop_assert_eq!(years.add_to(start), months.add_to(start));
            let weeks = RetentionPeriod::new(0, 0, n, 0).expect("valid");
            let days = RetentionPeriod::new(0, 0, 0, 7 * n).expect("valid");
            prop_assert_eq!(weeks.add_to(start), days.add_to(start));
            prop_assert_eq!(days.add_to(start), start.checked_add_days(Days::new(u64::from(7 * n))));
        }

        #[test]
        fn the_latest_start_ended_by_a_day_is_exact(p in any_period(), end in any_date()) {
            let start = p.latest_start_ended_by(end).expect("in range");
            prop_assert!(p.add_to(start).expect("in range") <= end);
            let next = start.succ_opt().expect("in range");
            prop_assert!(p.add_to(next).expect("in range") > end);
        }

        #[test]
        fn text_outside_the_alphabet_is_refused(text in "P[0-9YMWD]{0,3}[^0-9YMWD][0-9YMWD]{0,3}") {
            prop_assert!(RetentionPeriod::parse(&text).is_err());
        }
    }
}
