//! Statistics about tickets that hold no one's data: counts and times to resolve by a grouping
//! the caller picks, and a research export of tickets stripped to what identifies no one (the
//! Derby notice's "pseudonymised or anonymised data"; ICO anonymisation guidance).
//!
//! - A report never shows a group of fewer than [`MIN_GROUP`] tickets ([`suppressed`]): small
//!   groups are folded into one suppressed count, and when that count alone would be small, the
//!   smallest shown group goes with them, so no small group can be had by subtracting the shown
//!   ones from a total (complementary suppression). A time to resolve is shown only for a group
//!   with at least [`MIN_GROUP`] resolved tickets.
//! - The export ([`EXPORT_HEADER`]) has no free text, no people, no reference or id (each row
//!   gets a number drawn for that export, [`row_number`]), the month of creation rather than
//!   the moment, and whole hours to resolve; a row whose quasi-identifiers (category, kind,
//!   team, month) are shared by fewer than [`MIN_GROUP`] tickets is withheld (k-anonymity with
//!   k = 5, [`releasable`]).

use std::collections::{BTreeMap, HashSet};
use std::hash::Hash;

use serde::Serialize;

pub use crate::surveys::{MIN_GROUP, ReportMonth};

use crate::closed_set;

closed_set! {
    /// What a ticket report groups tickets by.
    pub enum TicketGrouping for "group_by" {
        Category = "category",
        Kind = "kind",
        /// The team holding the ticket; no team is a group of its own.
        Team = "team",
        /// The calendar month (UTC) the ticket was raised in, `2026-03`.
        Month = "month",
        Status = "status",
    }
}

/// How many tickets of one group took one whole number of hours to resolve (`None`: not
/// resolved), as storage counts them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The group's value: a category, kind or status wire name, a team, or a month; `None` for
    /// tickets no team held.
    pub group: Option<String>,
    pub hours: Option<i64>,
    pub tickets: u64,
}

/// One group shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketGroup {
    /// The group's value; null for tickets no team held.
    pub group: Option<String>,
    pub tickets: u64,
    /// How many of them are resolved (resolved, or resolved and closed).
    pub resolved: u64,
    /// Median whole hours from raising to resolving, over the resolved ones (nearest rank);
    /// null when fewer than `min_group` are resolved.
    pub median_hours_to_resolve: Option<i64>,
    /// The 90th percentile of the same (nearest rank); null as the median is.
    pub p90_hours_to_resolve: Option<i64>,
}

/// Tickets by a grouping, small groups withheld.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketReport {
    pub group_by: TicketGrouping,
    /// The smallest group shown.
    pub min_group: u32,
    /// The groups shown, by value (no team first).
    pub groups: Vec<TicketGroup>,
    /// Groups withheld: those under `min_group`, and the smallest other one when needed so the
    /// withheld tickets number at least `min_group`.
    pub suppressed_groups: u64,
    /// The tickets of the withheld groups, together; null when even so they number fewer than
    /// `min_group` (no group was shown to withhold with them).
    pub suppressed_tickets: Option<u64>,
}

/// Which of the groups of these sizes are withheld, in the same order: every group under
/// `min_group` (raised to [`MIN_GROUP`]); and when those number fewer than `min_group` tickets
/// together but some, the smallest group otherwise shown (the first of the smallest), so the
/// withheld total is at least `min_group` whenever any group is shown. Empty groups are
/// neither shown nor counted.
pub fn suppressed(sizes: &[u64], min_group: usize) -> Vec<bool> {
    let min = u64::try_from(min_group.max(MIN_GROUP)).unwrap_or(u64::MAX);
    let mut hidden: Vec<bool> = sizes.iter().map(|&n| n < min).collect();
    let withheld: u64 = sizes.iter().filter(|&&n| n < min).sum();
    if withheld > 0 && withheld < min {
        let smallest = sizes
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n >= min)
            .min_by_key(|&(i, &n)| (n, i))
            .map(|(i, _)| i);
        if let Some(i) = smallest {
            hidden[i] = true;
        }
    }
    hidden
}

/// The value at nearest rank `p` percent among the counted values (ascending), or `None` when
/// nothing is counted.
fn nearest_rank(histogram: &BTreeMap<i64, u64>, total: u64, percent: u64) -> Option<i64> {
    if total == 0 {
        return None;
    }
    // The smallest value with at least ceil(p% of total) values at or below it.
    let rank = (total * percent).div_ceil(100).max(1);
    let mut seen = 0;
    histogram.iter().find_map(|(&value, &count)| {
        seen += count;
        (seen >= rank).then_some(value)
    })
}

#[derive(Default)]
struct Tally {
    tickets: u64,
    resolved: u64,
    hours: BTreeMap<i64, u64>,
}

/// The report of tickets counted in `cells` (several cells of one group add up), by
/// `group_by`, withholding as [`suppressed`] says with `min_group` (never below
/// [`MIN_GROUP`]).
pub fn ticket_report(
    group_by: TicketGrouping,
    cells: impl IntoIterator<Item = Cell>,
    min_group: usize,
) -> TicketReport {
    let min_group = min_group.max(MIN_GROUP);
    let min = u64::try_from(min_group).unwrap_or(u64::MAX);
    let mut tallies: BTreeMap<Option<String>, Tally> = BTreeMap::new();
    for cell in cells.into_iter().filter(|c| c.tickets > 0) {
        let tally = tallies.entry(cell.group).or_default();
        tally.tickets += cell.tickets;
        if let Some(hours) = cell.hours {
            tally.resolved += cell.tickets;
            *tally.hours.entry(hours).or_default() += cell.tickets;
        }
    }
    let sizes: Vec<u64> = tallies.values().map(|t| t.tickets).collect();
    let hidden = suppressed(&sizes, min_group);
    let mut groups = Vec::new();
    let (mut suppressed_groups, mut suppressed_tickets) = (0, 0);
    for ((group, tally), hide) in tallies.into_iter().zip(hidden) {
        if hide {
            suppressed_groups += 1;
            suppressed_tickets += tally.tickets;
            continue;
        }
        let timed = tally.resolved >= min;
        groups.push(TicketGroup {
            group,
            tickets: tally.tickets,
            resolved: tally.resolved,
            median_hours_to_resolve: nearest_rank(&tally.hours, tally.resolved, 50)
                .filter(|_| timed),
            p90_hours_to_resolve: nearest_rank(&tally.hours, tally.resolved, 90).filter(|_| timed),
        });
    }
    TicketReport {
        group_by,
        min_group: u32::try_from(min_group).unwrap_or(u32::MAX),
        groups,
        suppressed_groups,
        suppressed_tickets: (suppressed_tickets == 0 || suppressed_tickets >= min)
            .then_some(suppressed_tickets),
    }
}

// ---------------------------------------------------------------------------------------------
// The research export

/// The export's columns, in order. No free text, no people, no reference or id.
pub const EXPORT_HEADER: [&str; 8] = [
    "row",
    "category",
    "kind",
    "team",
    "created_month",
    "priority",
    "status",
    "hours_to_resolve",
];

/// The values of a ticket that, combined, could single it out: its category, kind, team and
/// month of creation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QuasiIdentifiers {
    pub category: String,
    pub kind: String,
    pub team: Option<String>,
    pub month: ReportMonth,
}

/// The combinations of quasi-identifiers whose tickets may be exported (shared by at least
/// [`MIN_GROUP`] tickets: k-anonymity with k = 5), and how many tickets are withheld.
pub fn releasable<Q: Eq + Hash>(
    combinations: impl IntoIterator<Item = (Q, u64)>,
) -> (HashSet<Q>, u64) {
    let min = u64::try_from(MIN_GROUP).unwrap_or(u64::MAX);
    let mut released = HashSet::new();
    let mut withheld = 0;
    for (combination, tickets) in combinations {
        if tickets >= min {
            released.insert(combination);
        } else {
            withheld += tickets;
        }
    }
    (released, withheld)
}

/// The number the `index`th row of an export is given under the export's random `key`: a
/// bijection of the 64-bit numbers (SplitMix64's finaliser over `index` mixed with `key`), so
/// rows of one export never share a number and the numbers say nothing of order or of another
/// export's rows.
pub fn row_number(key: u64, index: u64) -> u64 {
    let mut z = index.wrapping_add(key).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ key;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Whole hours from `created` to `resolved`, rounded down; `None` while unresolved.
pub fn whole_hours(
    created: chrono::DateTime<chrono::Utc>,
    resolved: Option<chrono::DateTime<chrono::Utc>>,
) -> Option<i64> {
    resolved.map(|at| (at - created).num_hours().max(0))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn cell(group: &str, hours: Option<i64>, tickets: u64) -> Cell {
        Cell {
            group: Some(group.into()),
            hours,
            tickets,
        }
    }

    #[test]
    fn groups_of_four_are_hidden_and_of_five_shown() {
        assert_eq!(suppressed(&[4, 5], MIN_GROUP), [true, true]);
        assert_eq!(suppressed(&[4, 5, 9], MIN_GROUP), [true, true, false]);
        assert_eq!(suppressed(&[5, 6], MIN_GROUP), [false, false]);
        assert_eq!(suppressed(&[2, 3, 7], MIN_GROUP), [true, true, false]);
        assert_eq!(suppressed(&[3], MIN_GROUP), [true]);
        assert!(suppressed(&[], MIN_GROUP).is_empty());
        // The first of the smallest goes when two tie.
        assert_eq!(suppressed(&[1, 6, 6], MIN_GROUP), [true, true, false]);
        // The threshold is never below five.
        assert_eq!(suppressed(&[4, 9], 2), [true, true]);
        assert_eq!(suppressed(&[6, 9, 10], 7), [true, true, false]);
        assert_eq!(suppressed(&[7, 9], 7), [false, false]);
    }

    #[test]
    fn a_report_counts_groups_and_times_to_resolve() {
        let mut cells = vec![
            cell("hardware", Some(1), 3),
            cell("hardware", Some(10), 2),
            cell("hardware", None, 1),
            cell("software", Some(4), 4),
            cell("access", None, 9),
        ];
        cells.push(Cell {
            group: None,
            hours: Some(2),
            tickets: 5,
        });
        let report = ticket_report(TicketGrouping::Category, cells, MIN_GROUP);
        // Software (4) is withheld, and with it the smallest shown group (no team: 5).
        assert_eq!(report.suppressed_groups, 2);
        assert_eq!(report.suppressed_tickets, Some(9));
        let shown: Vec<(Option<&str>, u64)> = report
            .groups
            .iter()
            .map(|g| (g.group.as_deref(), g.tickets))
            .collect();
        assert_eq!(shown, [(Some("access"), 9), (Some("hardware"), 6)]);
        let hardware = &report.groups[1];
        assert_eq!(hardware.resolved, 5);
        assert_eq!(hardware.median_hours_to_resolve, Some(1));
        assert_eq!(hardware.p90_hours_to_resolve, Some(10));
        // Nothing resolved, no times.
        assert_eq!(report.groups[0].resolved, 0);
        assert_eq!(report.groups[0].median_hours_to_resolve, None);
    }

    #[test]
    fn times_rest_on_five_resolved_tickets_at_least() {
        let report = ticket_report(
            TicketGrouping::Status,
            [cell("closed", Some(3), 4), cell("closed", None, 6)],
            MIN_GROUP,
        );
        assert_eq!(report.groups[0].tickets, 10);
        assert_eq!(report.groups[0].resolved, 4);
        assert_eq!(report.groups[0].median_hours_to_resolve, None);
        assert_eq!(report.groups[0].p90_hours_to_resolve, None);
    }

    #[test]
    fn a_small_total_with_nothing_to_hide_it_behind_is_not_given() {
        let report = ticket_report(
            TicketGrouping::Kind,
            [cell("incident", None, 2), cell("problem", None, 1)],
            MIN_GROUP,
        );
        assert!(report.groups.is_empty());
        assert_eq!(report.suppressed_groups, 2);
        assert_eq!(report.suppressed_tickets, None);
        let empty = ticket_report(TicketGrouping::Kind, [], MIN_GROUP);
        assert_eq!(empty.suppressed_tickets, Some(0));
        assert_eq!(empty.min_group, 5);
    }

    #[test]
    fn nearest_rank_percentiles() {
        let histogram: BTreeMap<i64, u64> = [(1, 1), (2, 1), (3, 1), (4, 1)].into();
        assert_eq!(nearest_rank(&histogram, 4, 50), Some(2));
        assert_eq!(nearest_rank(&histogram, 4, 90), Some(4));
        assert_eq!(nearest_rank(&BTreeMap::new(), 0, 50), None);
        let one: BTreeMap<i64, u64> = [(7, 10)].into();
        assert_eq!(nearest_rank(&one, 10, 90), Some(7));
    }

    #[test]
    fn combinations_under_five_are_withheld() {
        let (released, withheld) = releasable([("a", 5), ("b", 4), ("c", 12), ("d", 1)]);
        assert_eq!(withheld, 5);
        assert!(released.contains("a") && released.contains("c"));
        assert!(!released.contains("b") && !released.contains("d"));
    }

    #[test]
    fn hours_are_whole_and_never_negative() {
        let at = |h: i64, m: i64| {
            chrono::DateTime::UNIX_EPOCH + chrono::Duration::hours(h) + chrono::Duration::minutes(m)
        };
        assert_eq!(whole_hours(at(0, 0), Some(at(2, 59))), Some(2));
        assert_eq!(whole_hours(at(5, 0), Some(at(4, 0))), Some(0));
        assert_eq!(whole_hours(at(0, 0), None), None);
    }

    #[test]
    fn the_export_names_no_one() {
        for column in EXPORT_HEADER {
            assert!(
                !["id", "reference", "title", "description", "requester"].contains(&column),
                "{column}"
            );
        }
    }

    fn any_sizes() -> impl Strategy<Value = Vec<u64>> {
        proptest::collection::vec(0u64..12, 0..12)
    }

    proptest! {
        #[test]
        fn no_group_under_five_shows_and_the_withheld_cannot_be_had_by_subtraction(
            sizes in any_sizes(),
            k in 0usize..9,
        ) {
            let min = k.max(MIN_GROUP) as u64;
            let hidden = suppressed(&sizes, k);
            prop_assert_eq!(hidden.len(), sizes.len());
            let shown: Vec<u64> = sizes.iter().zip(&hidden).filter(|(_, h)| !**h).map(|(n, _)| *n).collect();
            for n in &shown {
                prop_assert!(*n >= min);
            }
            let withheld: u64 = sizes.iter().zip(&hidden).filter(|(_, h)| **h).map(|(n, _)| *n).sum();
            // Whenever a group is shown, the withheld total is none or at least the threshold.
            if !shown.is_empty() {
                prop_assert!(withheld == 0 || withheld >= min);
            }
            // At most one group at or above the threshold is withheld, and only when needed.
            let extra = sizes.iter().zip(&hidden).filter(|(n, h)| **h && **n >= min).count();
            let small: u64 = sizes.iter().filter(|n| **n < min).sum();
            prop_assert!(extra <= 1);
            prop_assert_eq!(extra == 1, small > 0 && small < min && sizes.iter().any(|n| *n >= min));
        }

        #[test]
        fn a_report_never_shows_a_small_group_and_adds_up(
            rows in proptest::collection::vec((0usize..4, proptest::option::of(0i64..50), 1u64..4), 0..40),
        ) {
            let names = ["a", "b", "c", "d"];
            let total: u64 = rows.iter().map(|r| r.2).sum();
            let cells = rows.iter().map(|&(g, hours, tickets)| cell(names[g], hours, tickets));
            let report = ticket_report(TicketGrouping::Team, cells, MIN_GROUP);
            let shown: u64 = report.groups.iter().map(|g| g.tickets).sum();
            for group in &report.groups {
                prop_assert!(group.tickets >= 5);
                prop_assert!(group.resolved <= group.tickets);
                prop_assert_eq!(group.median_hours_to_resolve.is_some(), group.resolved >= 5);
                prop_assert!(group.median_hours_to_resolve <= group.p90_hours_to_resolve);
            }
            match report.suppressed_tickets {
                Some(withheld) => {
                    prop_assert_eq!(shown + withheld, total);
                    prop_assert!(withheld == 0 || withheld >= 5);
                }
                None => prop_assert!(report.groups.is_empty() && total > 0 && total < 5),
            }
        }

        #[test]
        fn row_numbers_never_repeat_within_an_export(key in any::<u64>(), start in any::<u64>()) {
            let numbers: HashSet<u64> = (0..512u64).map(|i| row_number(key, start.wrapping_add(i))).collect();
            prop_assert_eq!(numbers.len(), 512);
        }
    }
}
