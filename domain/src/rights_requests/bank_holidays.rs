//! Bank holidays of the three UK nations, by rule (Banking and Financial Dealings Act 1971,
//! Schedule 1, and the substitute days proclaimed each year under it), and the working days
//! that follow from them with any one-off days ([`BankHolidays`]).
//!
//! One-off days proclaimed for a single year (a coronation, a state funeral, a jubilee) are not
//! rules: the server takes them from configuration and counts them on top of the rules. A
//! proclamation that moves a rule day (the early May holiday of 2020 went to Friday 8 May) is
//! configured as the extra day; the rule day still counts as a holiday, so a deadline on it
//! moves a day later than the law needs, never earlier.

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use crate::DomainError;
use crate::closed_set;

closed_set! {
    /// The nation whose bank holidays count against a deadline.
    pub enum Nation for "nation" {
        /// England and Wales.
        EnglandAndWales = "england-and-wales",
        /// Scotland.
        Scotland = "scotland",
        /// Northern Ireland.
        NorthernIreland = "northern-ireland",
    }
}

impl Default for Nation {
    /// England and Wales, unless the organisation's details say otherwise.
    fn default() -> Self {
        Nation::EnglandAndWales
    }
}

/// Easter Sunday of a Gregorian year, by the anonymous Gregorian algorithm
/// (Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // The algorithm only yields 22 March to 25 April.
    ymd(year, month as u32, day as u32)
}

/// The date, for dates the caller knows exist.
fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The first `weekday` of a month.
fn first_weekday(year: i32, month: u32, weekday: Weekday) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, 1).unwrap_or(NaiveDate::MIN)
}

/// The last `weekday` of a month.
fn last_weekday(year: i32, month: u32, weekday: Weekday) -> NaiveDate {
    let fifth = NaiveDate::from_weekday_of_month_opt(year, month, weekday, 5);
    fifth.unwrap_or_else(|| {
        NaiveDate::from_weekday_of_month_opt(year, month, weekday, 4).unwrap_or(NaiveDate::MIN)
    })
}

/// The bank holidays of a nation in a year, in date order, with substitute days: a fixed-date
/// holiday on a Saturday or Sunday is replaced by the next weekday that is not already a
/// holiday (so Christmas on a Saturday and Boxing Day on a Sunday give Monday 27 and Tuesday 28
/// December; Christmas on a Sunday gives Boxing Day on Monday and Tuesday 27 December).
pub fn bank_holidays(nation: Nation, year: i32) -> Vec<NaiveDate> {
    let easter = easter_sunday(year);
    // Days that move with the week or with Easter: always weekdays.
    let mut movable = vec![
        easter - Duration::days(2),           // Good Friday
        first_weekday(year, 5, Weekday::Mon), // early May
        last_weekday(year, 5, Weekday::Mon),  // spring
    ];
    if nation != Nation::Scotland {
        movable.push(easter + Duration::days(1)); // Easter Monday
        movable.push(last_weekday(year, 8, Weekday::Mon)); // summer
    } else {
        movable.push(first_weekday(year, 8, Weekday::Mon)); // summer, Scotland
    }
    // Fixed-date days, substituted when they fall on a weekend.
    let mut fixed = vec![ymd(year, 1, 1)];
    match nation {
        Nation::EnglandAndWales => {}
        Nation::Scotland => {
            fixed.push(ymd(year, 1, 2));
            fixed.push(ymd(year, 11, 30)); // St Andrew's Day
        }
        Nation::NorthernIreland => {
            fixed.push(ymd(year, 3, 17)); // St Patrick's Day
            fixed.push(ymd(year, 7, 12)); // Battle of the Boyne
        }
    }
    fixed.push(ymd(year, 12, 25));
    fixed.push(ymd(year, 12, 26));
    fixed.sort();

    let mut days = movable;
    days.extend(fixed.iter().copied().filter(|d| !is_weekend(*d)));
    for day in fixed.into_iter().filter(|d| is_weekend(*d)) {
        let mut substitute = day + Duration::days(1);
        while is_weekend(substitute) || days.contains(&substitute) {
            substitute += Duration::days(1);
        }
        days.push(substitute);
    }
    days.sort();
    days.dedup();
    days
}

/// Whether a date is a bank holiday of the nation by rule (one-off days are
/// [`BankHolidays`]').
pub fn is_bank_holiday(nation: Nation, date: NaiveDate) -> bool {
    bank_holidays(nation, date.year()).contains(&date)
}

/// The days that are not working days besides weekends: each nation's bank holidays by rule,
/// and one-off days proclaimed for a single year. The default has no one-off days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BankHolidays {
    one_off: BTreeSet<(Nation, NaiveDate)>,
}

impl BankHolidays {
    /// The rules with these one-off days on top.
    pub fn with_one_off(days: impl IntoIterator<Item = (Nation, NaiveDate)>) -> Self {
        Self {
            one_off: days.into_iter().collect(),
        }
    }

    /// One-off days as configuration lists them: `nation:YYYY-MM-DD` pairs separated by commas
    /// or white space (`england-and-wales:2026-05-08, scotland:2026-05-08`); empty for none.
    /// Refuses the first pair that does not parse, naming it.
    pub fn parse_one_off(text: &str) -> Result<Self, DomainError> {
        let mut days = BTreeSet::new();
        for pair in text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|p| !p.is_empty())
        {
            let bad = |why: &str| DomainError::invalid("bank_holidays", format!("{pair:?}: {why}"));
            let (nation, date) = pair
                .split_once(':')
                .ok_or_else(|| bad("a one-off bank holiday is nation:YYYY-MM-DD"))?;
            let nation: Nation = nation.parse().map_err(|_| {
                let nations: Vec<&str> = Nation::ALL.iter().map(|n| n.as_str()).collect();
                bad(&format!("the nation is one of {}", nations.join(", ")))
            })?;
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map_err(|_| bad("the date is a real day written YYYY-MM-DD"))?;
            days.insert((nation, date));
        }
        Ok(Self { one_off: days })
    }

    /// The one-off days, by nation then date.
    pub fn one_off(&self) -> impl Iterator<Item = (Nation, NaiveDate)> + '_ {
        self.one_off.iter().copied()
    }

    /// Whether a date is a bank holiday of the nation, by rule or one-off.
    pub fn is_holiday(&self, nation: Nation, date: NaiveDate) -> bool {
        self.one_off.contains(&(nation, date)) || is_bank_holiday(nation, date)
    }

    /// Whether a date is a working day in the nation: a weekday that is not a bank holiday.
    pub fn is_working_day(&self, nation: Nation, date: NaiveDate) -> bool {
        !is_weekend(date) && !self.is_holiday(nation, date)
    }

    /// The date itself if it is a working day in the nation, else the next working day.
    pub fn on_or_next_working_day(&self, nation: Nation, date: NaiveDate) -> NaiveDate {
        let mut year = date.year();
        let mut by_rule = bank_holidays(nation, year);
        let mut day = date;
        loop {
            if day.year() != year {
                year = day.year();
                by_rule = bank_holidays(nation, year);
            }
            let holiday = by_rule.contains(&day) || self.one_off.contains(&(nation, day));
            if !is_weekend(day) && !holiday {
                return day;
            }
            day += Duration::days(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("a real date")
    }

    #[test]
    fn easter_sundays_of_known_years() {
        for (y, m, day) in [
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
            (2285, 3, 22),
        ] {
            assert_eq!(easter_sunday(y), d(y, m, day), "{y}");
        }
    }

    #[test]
    fn england_and_wales_2026() {
        assert_eq!(
            bank_holidays(Nation::EnglandAndWales, 2026),
            vec![
                d(2026, 1, 1),
                d(2026, 4, 3),
                d(2026, 4, 6),
                d(2026, 5, 4),
                d(2026, 5, 25),
                d(2026, 8, 31),
                d(2026, 12, 25),
                d(2026, 12, 28), // Boxing Day on a Saturday
            ]
        );
    }

    #[test]
    fn scotland_2027() {
        // 1 January a Friday, 2 January a Saturday: substitute Monday 4 January. St Andrew's Day
        // a Tuesday. Christmas Saturday and Boxing Day Sunday: Monday 27 and Tuesday 28.
        assert_eq!(
            bank_holidays(Nation::Scotland, 2027),
            vec![
                d(2027, 1, 1),
                d(2027, 1, 4),
                d(2027, 3, 26),
                d(2027, 5, 3),
                d(2027, 5, 31),
                d(2027, 8, 2),
                d(2027, 11, 30),
                d(2027, 12, 27),
                d(2027, 12, 28),
            ]
        );
    }

    #[test]
    fn northern_ireland_2026() {
        // St Patrick's Day a Tuesday; the Twelfth a Sunday, so Monday 13 July.
        assert_eq!(
            bank_holidays(Nation::NorthernIreland, 2026),
            vec![
                d(2026, 1, 1),
                d(2026, 3, 17),
                d(2026, 4, 3),
                d(2026, 4, 6),
                d(2026, 5, 4),
                d(2026, 5, 25),
                d(2026, 7, 13),
                d(2026, 8, 31),
                d(2026, 12, 25),
                d(2026, 12, 28),
            ]
        );
    }

    #[test]
    fn new_year_substitutes() {
        // 2022: 1 January a Saturday. England: Monday 3. Scotland: Monday 3 and Tuesday 4.
        assert!(is_bank_holiday(Nation::EnglandAndWales, d(2022, 1, 3)));
        assert!(!is_bank_holiday(Nation::EnglandAndWales, d(2022, 1, 4)));
        assert!(is_bank_holiday(Nation::Scotland, d(2022, 1, 3)));
        assert!(is_bank_holiday(Nation::Scotland, d(2022, 1, 4)));
        // 2023: 1 January a Sunday. England: Monday 2. Scotland: Monday 2 (the 2nd itself) and
        // Tuesday 3 (for the 1st).
        assert!(is_bank_holiday(Nation::EnglandAndWales, d(2023, 1, 2)));
        assert!(!is_bank_holiday(Nation::EnglandAndWales, d(2023, 1, 3)));
        assert!(is_bank_holiday(Nation::Scotland, d(2023, 1, 2)));
        assert!(is_bank_holiday(Nation::Scotland, d(2023, 1, 3)));
    }

    #[test]
    fn christmas_on_a_sunday() {
        // 2022: Boxing Day Monday 26, Christmas substitute Tuesday 27.
        for nation in Nation::ALL {
            assert!(is_bank_holiday(*nation, d(2022, 12, 26)));
            assert!(is_bank_holiday(*nation, d(2022, 12, 27)));
            assert!(!is_bank_holiday(*nation, d(2022, 12, 28)));
        }
    }

    #[test]
    fn st_andrews_day_substitute() {
        // 2025: 30 November a Sunday, substitute Monday 1 December.
        assert!(is_bank_holiday(Nation::Scotland, d(2025, 12, 1)));
        assert!(!is_bank_holiday(Nation::EnglandAndWales, d(2025, 12, 1)));
        // 2024: a Saturday, substitute Monday 2 December.
        assert!(is_bank_holiday(Nation::Scotland, d(2024, 12, 2)));
    }

    #[test]
    fn easter_monday_and_august_differ_in_scotland() {
        assert!(!is_bank_holiday(Nation::Scotland, d(2026, 4, 6)));
        assert!(is_bank_holiday(Nation::Scotland, d(2026, 8, 3)));
        assert!(!is_bank_holiday(Nation::Scotland, d(2026, 8, 31)));
        assert!(!is_bank_holiday(Nation::EnglandAndWales, d(2026, 8, 3)));
    }

    #[test]
    fn nations_parse_by_wire_name() {
        assert_eq!(
            "england-and-wales".parse::<Nation>(),
            Ok(Nation::EnglandAndWales)
        );
        assert_eq!("scotland".parse::<Nation>(), Ok(Nation::Scotland));
        assert_eq!(
            "northern-ireland".parse::<Nation>(),
            Ok(Nation::NorthernIreland)
        );
        assert!("wales".parse::<Nation>().is_err());
    }

    #[test]
    fn next_working_day_crosses_the_year() {
        // Saturday 31 December 2022 -> Monday 2 January 2023 is a holiday -> Tuesday 3 (England).
        let rules = BankHolidays::default();
        assert_eq!(
            rules.on_or_next_working_day(Nation::EnglandAndWales, d(2022, 12, 31)),
            d(2023, 1, 3)
        );
        assert_eq!(
            rules.on_or_next_working_day(Nation::Scotland, d(2022, 12, 31)),
            d(2023, 1, 4)
        );
    }

    #[test]
    fn one_off_days_count_on_top_of_the_rules_in_their_nation_only() {
        // The state funeral of 19 September 2022, a Monday, was a holiday in every nation; the
        // coronation holiday of 8 May 2023 too. Configured here for England and Wales alone.
        let holidays = BankHolidays::with_one_off([(Nation::EnglandAndWales, d(2022, 9, 19))]);
        assert!(holidays.is_holiday(Nation::EnglandAndWales, d(2022, 9, 19)));
        assert!(!holidays.is_holiday(Nation::Scotland, d(2022, 9, 19)));
        assert!(!BankHolidays::default().is_holiday(Nation::EnglandAndWales, d(2022, 9, 19)));
        // Saturday 17 -> Monday 19 (one-off) -> Tuesday 20.
        assert_eq!(
            holidays.on_or_next_working_day(Nation::EnglandAndWales, d(2022, 9, 17)),
            d(2022, 9, 20)
        );
        assert_eq!(
            holidays.on_or_next_working_day(Nation::Scotland, d(2022, 9, 17)),
            d(2022, 9, 19)
        );
        // The rules still count.
        assert!(holidays.is_holiday(Nation::EnglandAndWales, d(2022, 12, 26)));
    }

    #[test]
    fn one_off_days_parse_from_configuration() {
        let parsed =
            BankHolidays::parse_one_off("england-and-wales:2023-05-08, scotland:2023-05-08\n")
                .expect("two pairs");
        assert_eq!(
            parsed.one_off().collect::<Vec<_>>(),
            vec![
                (Nation::EnglandAndWales, d(2023, 5, 8)),
                (Nation::Scotland, d(2023, 5, 8)),
            ]
        );
        assert_eq!(
            BankHolidays::parse_one_off(" "),
            Ok(BankHolidays::default())
        );
        for bad in [
            "2023-05-08",
            "wales:2023-05-08",
            "scotland:2023-02-30",
            "scotland:08-05-2023",
        ] {
            let error =
                BankHolidays::parse_one_off(&format!("scotland:2023-05-08,{bad}")).expect_err(bad);
            assert!(error.to_string().contains(bad), "{error} names {bad}");
        }
    }
}
