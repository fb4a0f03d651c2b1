//! The statutory clocks of a rights request: the response deadline of UK GDPR Art 12(3) as
//! amended (with Art 12A on the relevant time), and the acknowledgement of a complaint under
//! DPA 2018 s.164A.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};

use super::bank_holidays::{BankHolidays, Nation};

/// The dates from which the Art 12A *relevant time* is the latest: the request received, and
/// where the controller asked for them, identity (or clarification) information received and
/// the fee paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelevantTime {
    /// The day the request was received.
    pub received_on: NaiveDate,
    /// The day information confirming the person's identity was received, if it was asked for.
    pub identity_confirmed_on: Option<NaiveDate>,
    /// The day clarification was received, if it was asked for.
    pub clarification_received_on: Option<NaiveDate>,
    /// The day a fee was paid, if one was charged.
    pub fee_paid_on: Option<NaiveDate>,
}

impl RelevantTime {
    /// A relevant time that is simply the day the request was received.
    pub fn received(received_on: NaiveDate) -> Self {
        Self {
            received_on,
            identity_confirmed_on: None,
            clarification_received_on: None,
            fee_paid_on: None,
        }
    }

    /// Art 12A: the latest of the dates.
    pub fn starts_on(&self) -> NaiveDate {
        [
            Some(self.received_on),
            self.identity_confirmed_on,
            self.clarification_received_on,
            self.fee_paid_on,
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(self.received_on)
    }
}

/// The calendar day in the United Kingdom at a moment: British Summer Time (UTC+1) from 01:00
/// UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October (Summer Time Act
/// 1972 as amended by SI 2002/262), Greenwich Mean Time otherwise. A request received at 00:30
/// BST on 1 June was received on 1 June, though it is still 31 May in UTC.
pub fn uk_date(at: DateTime<Utc>) -> NaiveDate {
    let year = at.year();
    let last_sunday = |month: u32| {
        NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Sun, 5)
            .or_else(|| NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Sun, 4))
            .and_then(|day| day.and_hms_opt(1, 0, 0))
            .map(|moment| moment.and_utc())
    };
    let summer = match (last_sunday(3), last_sunday(10)) {
        (Some(starts), Some(ends)) => at >= starts && at < ends,
        _ => false,
    };
    if summer {
        (at + Duration::hours(1)).date_naive()
    } else {
        at.date_naive()
    }
}

/// The corresponding calendar date in the next month, or the last day of that month where
/// there is no such date (31 January -> 28 or 29 February).
pub fn corresponding_date_next_month(date: NaiveDate) -> NaiveDate {
    corresponding_date_months_on(date, 1)
}

/// The corresponding calendar date `months` months on, or the last day of that month where
/// there is no such date (31 January, two months on -> 31 March; three -> 30 April).
pub fn corresponding_date_months_on(date: NaiveDate, months: u32) -> NaiveDate {
    let index = date.year() * 12 + date.month0() as i32 + months as i32;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
    (1..=date.day())
        .rev()
        .find_map(|day| NaiveDate::from_ymd_opt(year, month, day))
        .unwrap_or(date)
}

/// Art 12(3): the day by which the controller must respond, without undue delay and at the
/// latest one month from the relevant time: the corresponding date in the next month (the last
/// day of that month where there is none), moved to the next working day of the nation where
/// it falls on a weekend or bank holiday. An extension is [`extended_due_on`].
pub fn due_on(relevant: &RelevantTime, nation: Nation, holidays: &BankHolidays) -> NaiveDate {
    holidays.on_or_next_working_day(nation, corresponding_date_next_month(relevant.starts_on()))
}

/// Further months by which Art 12(3) lets the response period be extended, in all.
pub const MAX_EXTENSION_MONTHS: u8 = 2;

/// Art 12(3): the day by which the controller must respond once the period is extended by
/// `months` further months (at most [`MAX_EXTENSION_MONTHS`]): the corresponding date
/// `1 + months` months after the relevant time, by the same rules as [`due_on`].
pub fn extended_due_on(
    relevant: &RelevantTime,
    months: u8,
    nation: Nation,
    holidays: &BankHolidays,
) -> NaiveDate {
    let on = corresponding_date_months_on(relevant.starts_on(), 1 + u32::from(months));
    holidays.on_or_next_working_day(nation, on)
}

/// Days within which a complaint must be acknowledged, DPA 2018 s.164A(3).
pub const COMPLAINT_ACKNOWLEDGEMENT_DAYS: i64 = 30;

/// DPA 2018 s.164A: a complaint to the controller is acknowledged within 30 days of receipt.
pub fn acknowledge_by(received_on: NaiveDate) -> NaiveDate {
    received_on + Duration::days(COMPLAINT_ACKNOWLEDGEMENT_DAYS)
}

/// Where a due date stands on a given day, for a work queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    /// The due date has passed.
    Overdue,
    /// Due today or within the next six days.
    DueThisWeek,
    /// Due later.
    Later,
}

/// Where `due_on` stands on `today`.
pub fn urgency(due_on: NaiveDate, today: NaiveDate) -> Urgency {
    if due_on < today {
        Urgency::Overdue
    } else if due_on < today + Duration::days(7) {
        Urgency::DueThisWeek
    } else {
        Urgency::Later
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("a real date")
    }

    fn due(y: i32, m: u32, day: u32, nation: Nation) -> NaiveDate {
        due_on(
            &RelevantTime::received(d(y, m, day)),
            nation,
            &BankHolidays::default(),
        )
    }

    fn is_working_day(nation: Nation, day: NaiveDate) -> bool {
        BankHolidays::default().is_working_day(nation, day)
    }

    #[test]
    fn the_examples_in_the_law_notes() {
        // 28 February 2026 is a Saturday.
        assert_eq!(due(2026, 1, 31, Nation::EnglandAndWales), d(2026, 3, 2));
        // 3 October 2026 is a Saturday.
        assert_eq!(due(2026, 9, 3, Nation::EnglandAndWales), d(2026, 10, 5));
    }

    #[test]
    fn no_corresponding_date_is_the_last_day_of_the_month() {
        assert_eq!(
            corresponding_date_next_month(d(2026, 1, 31)),
            d(2026, 2, 28)
        );
        assert_eq!(
            corresponding_date_next_month(d(2028, 1, 31)),
            d(2028, 2, 29)
        );
        assert_eq!(
            corresponding_date_next_month(d(2028, 1, 29)),
            d(2028, 2, 29)
        );
        assert_eq!(
            corresponding_date_next_month(d(2026, 3, 31)),
            d(2026, 4, 30)
        );
        assert_eq!(
            corresponding_date_next_month(d(2026, 12, 31)),
            d(2027, 1, 31)
        );
        // 29 February 2028 is a Tuesday: a working day.
        assert_eq!(due(2028, 1, 31, Nation::EnglandAndWales), d(2028, 2, 29));
    }

    #[test]
    fn good_friday_rolls_to_tuesday_in_england_and_monday_in_scotland() {
        // Good Friday 2026 is 3 April; Easter Monday 6 April.
        assert_eq!(due(2026, 3, 3, Nation::EnglandAndWales), d(2026, 4, 7));
        assert_eq!(due(2026, 3, 3, Nation::NorthernIreland), d(2026, 4, 7));
        assert_eq!(due(2026, 3, 3, Nation::Scotland), d(2026, 4, 6));
    }

    #[test]
    fn christmas_and_boxing_day_substitutes() {
        // 2027: Christmas Saturday, Boxing Day Sunday: substitutes Monday 27 and Tuesday 28.
        assert_eq!(due(2027, 11, 25, Nation::EnglandAndWales), d(2027, 12, 29));
        assert_eq!(due(2027, 11, 27, Nation::Scotland), d(2027, 12, 29));
        // 2022: Christmas Sunday: Boxing Day Monday 26, substitute Tuesday 27.
        assert_eq!(due(2022, 11, 26, Nation::NorthernIreland), d(2022, 12, 28));
    }

    #[test]
    fn new_year_substitutes() {
        // 1 January 2022 a Saturday: Monday 3 in England, Monday 3 and Tuesday 4 in Scotland.
        assert_eq!(due(2021, 12, 1, Nation::EnglandAndWales), d(2022, 1, 4));
        assert_eq!(due(2021, 12, 1, Nation::Scotland), d(2022, 1, 5));
        // 2 January 2026 a Friday: a holiday only in Scotland.
        assert_eq!(due(2025, 12, 2, Nation::EnglandAndWales), d(2026, 1, 2));
        assert_eq!(due(2025, 12, 2, Nation::Scotland), d(2026, 1, 5));
    }

    #[test]
    fn national_days() {
        // St Andrew's Day 2025 a Sunday: substitute Monday 1 December, in Scotland only.
        assert_eq!(due(2025, 10, 30, Nation::Scotland), d(2025, 12, 2));
        assert_eq!(due(2025, 10, 30, Nation::EnglandAndWales), d(2025, 12, 1));
        // St Patrick's Day 2026 a Tuesday.
        assert_eq!(due(2026, 2, 17, Nation::NorthernIreland), d(2026, 3, 18));
        assert_eq!(due(2026, 2, 17, Nation::EnglandAndWales), d(2026, 3, 17));
        // The Twelfth 2026 a Sunday: substitute Monday 13 July in Northern Ireland.
        assert_eq!(due(2026, 6, 12, Nation::NorthernIreland), d(2026, 7, 14));
        assert_eq!(due(2026, 6, 12, Nation::EnglandAndWales), d(2026, 7, 13));
        // Summer: first Monday of August in Scotland, last elsewhere.
        assert_eq!(due(2026, 7, 3, Nation::Scotland), d(2026, 8, 4));
        assert_eq!(due(2026, 7, 31, Nation::EnglandAndWales), d(2026, 9, 1));
    }

    #[test]
    fn the_relevant_time_is_the_latest_date() {
        let relevant = RelevantTime {
            received_on: d(2026, 3, 2),
            identity_confirmed_on: Some(d(2026, 3, 9)),
            clarification_received_on: Some(d(2026, 3, 5)),
            fee_paid_on: None,
        };
        assert_eq!(relevant.starts_on(), d(2026, 3, 9));
        let rules = BankHolidays::default();
        assert_eq!(
            due_on(&relevant, Nation::EnglandAndWales, &rules),
            d(2026, 4, 9)
        );
    }

    #[test]
    fn a_one_off_holiday_moves_the_due_date() {
        // Received 8 April 2026: due Friday 8 May, unless that is proclaimed a holiday.
        let relevant = RelevantTime::received(d(2026, 4, 8));
        let nation = Nation::EnglandAndWales;
        assert_eq!(
            due_on(&relevant, nation, &BankHolidays::default()),
            d(2026, 5, 8)
        );
        let one_off = BankHolidays::with_one_off([(nation, d(2026, 5, 8))]);
        assert_eq!(due_on(&relevant, nation, &one_off), d(2026, 5, 11));
        assert_eq!(due_on(&relevant, Nation::Scotland, &one_off), d(2026, 5, 8));
    }

    #[test]
    fn months_on_keep_the_day_or_take_the_last_of_the_month() {
        assert_eq!(
            corresponding_date_months_on(d(2026, 1, 31), 2),
            d(2026, 3, 31)
        );
        assert_eq!(
            corresponding_date_months_on(d(2026, 1, 31), 3),
            d(2026, 4, 30)
        );
        assert_eq!(
            corresponding_date_months_on(d(2026, 11, 30), 3),
            d(2027, 2, 28)
        );
        assert_eq!(
            corresponding_date_months_on(d(2026, 12, 15), 13),
            d(2028, 1, 15)
        );
        assert_eq!(
            corresponding_date_months_on(d(2026, 12, 15), 0),
            d(2026, 12, 15)
        );
    }

    #[test]
    fn extensions_run_from_the_relevant_time() {
        let rules = BankHolidays::default();
        let nation = Nation::EnglandAndWales;
        // Received 3 September 2026: due 5 October (3 October a Saturday); one more month gives
        // Tuesday 3 November; two more, Thursday 3 December.
        let relevant = RelevantTime::received(d(2026, 9, 3));
        assert_eq!(
            extended_due_on(&relevant, 0, nation, &rules),
            d(2026, 10, 5)
        );
        assert_eq!(
            extended_due_on(&relevant, 1, nation, &rules),
            d(2026, 11, 3)
        );
        assert_eq!(
            extended_due_on(&relevant, 2, nation, &rules),
            d(2026, 12, 3)
        );
        // Received 25 September 2027: three months on is Christmas Day, a Saturday, with Boxing
        // Day on the Sunday: Monday 27 and Tuesday 28 are substitutes everywhere.
        let relevant = RelevantTime::received(d(2027, 9, 25));
        for nation in Nation::ALL {
            assert_eq!(
                extended_due_on(&relevant, 2, *nation, &rules),
                d(2027, 12, 29)
            );
        }
        // Received 30 August 2025, extended by two months: St Andrew's Day (a Sunday) gives
        // Scotland Monday 1 December; elsewhere 30 November is simply a Sunday.
        let relevant = RelevantTime::received(d(2025, 8, 30));
        assert_eq!(
            extended_due_on(&relevant, 2, Nation::Scotland, &rules),
            d(2025, 12, 2)
        );
        assert_eq!(
            extended_due_on(&relevant, 2, Nation::NorthernIreland, &rules),
            d(2025, 12, 1)
        );
    }

    #[test]
    fn complaints_are_acknowledged_within_thirty_days() {
        assert_eq!(acknowledge_by(d(2026, 6, 19)), d(2026, 7, 19));
        assert_eq!(acknowledge_by(d(2026, 12, 15)), d(2027, 1, 14));
    }

    #[test]
    fn uk_dates_follow_summer_time() {
        let at = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .expect("a moment")
                .with_timezone(&Utc)
        };
        // Summer: 23:30 UTC on 31 May is 00:30 BST on 1 June.
        assert_eq!(uk_date(at("2026-05-31T23:30:00Z")), d(2026, 6, 1));
        assert_eq!(uk_date(at("2026-05-31T22:59:59Z")), d(2026, 5, 31));
        // Winter: GMT.
        assert_eq!(uk_date(at("2026-12-01T23:30:00Z")), d(2026, 12, 1));
        // 2026 summer time runs from 01:00 UTC on 29 March to 01:00 UTC on 25 October.
        assert_eq!(uk_date(at("2026-03-29T00:59:59Z")), d(2026, 3, 29));
        assert_eq!(uk_date(at("2026-03-28T23:30:00Z")), d(2026, 3, 28));
        assert_eq!(uk_date(at("2026-10-24T23:30:00Z")), d(2026, 10, 25));
        assert_eq!(uk_date(at("2026-10-25T23:30:00Z")), d(2026, 10, 25));
    }

    #[test]
    fn urgency_on_a_day() {
        let today = d(2026, 12, 2);
        assert_eq!(urgency(d(2026, 12, 1), today), Urgency::Overdue);
        assert_eq!(urgency(today, today), Urgency::DueThisWeek);
        assert_eq!(urgency(d(2026, 12, 8), today), Urgency::DueThisWeek);
        assert_eq!(urgency(d(2026, 12, 9), today), Urgency::Later);
    }

    #[test]
    fn every_day_of_a_decade_in_every_nation() {
        for nation in Nation::ALL {
            let mut day = d(2020, 1, 1);
            while day < d(2031, 1, 1) {
                let due = due(day.year(), day.month(), day.day(), *nation);
                assert!(is_working_day(*nation, due), "{day} {nation}: {due}");
                assert!(due > day);
                // At most one month, plus the run of non-working days after it (a long
                // Christmas in Scotland is at most four days and a weekend).
                let month_on = corresponding_date_next_month(day);
                assert!(due >= month_on && due <= month_on + Duration::days(6));
                day += Duration::days(1);
            }
        }
    }

    proptest! {
        #[test]
        fn due_on_is_a_later_working_day_within_a_month_and_the_next_working_days(
            days in 0i64..(400 * 366),
            nation in prop::sample::select(Nation::ALL.to_vec()),
        ) {
            let received = d(1900, 1, 1) + Duration::days(days);
            let due = due_on(&RelevantTime::received(received), nation, &BankHolidays::default());
            prop_assert!(is_working_day(nation, due));
            prop_assert!(due > received);
            prop_assert!(due >= received + Duration::days(28));
            let month_on = corresponding_date_next_month(received);
            prop_assert!(due >= month_on);
            // Every day between the month's date and the due date is a non-working day.
            let mut day = month_on;
            while day < due {
                prop_assert!(!is_working_day(nation, day));
                day += Duration::days(1);
            }
        }

        #[test]
        fn the_clock_never_runs_short_of_a_month_from_the_latest_date(
            received in 0i64..(200 * 366),
            identity in prop::option::of(0i64..200),
            clarification in prop::option::of(0i64..200),
            nation in prop::sample::select(Nation::ALL.to_vec()),
        ) {
            let received = d(1950, 1, 1) + Duration::days(received);
            let relevant = RelevantTime {
                received_on: received,
                identity_confirmed_on: identity.map(|n| received + Duration::days(n)),
                clarification_received_on: clarification.map(|n| received + Duration::days(n)),
                fee_paid_on: None,
            };
            let start = relevant.starts_on();
            prop_assert!(start >= received);
            let due = due_on(&relevant, nation, &BankHolidays::default());
            prop_assert!(due >= start + Duration::days(28));
        }

        #[test]
        fn an_extended_date_is_a_later_working_day_than_the_first(
            days in 0i64..(200 * 366),
            months in 1u8..=MAX_EXTENSION_MONTHS,
            nation in prop::sample::select(Nation::ALL.to_vec()),
        ) {
            let relevant = RelevantTime::received(d(1950, 1, 1) + Duration::days(days));
            let rules = BankHolidays::default();
            let due = due_on(&relevant, nation, &rules);
            let extended = extended_due_on(&relevant, months, nation, &rules);
            prop_assert!(extended > due);
            prop_assert!(is_working_day(nation, extended));
            if months > 1 {
                prop_assert!(extended > extended_due_on(&relevant, months - 1, nation, &rules));
            }
        }
    }
}
