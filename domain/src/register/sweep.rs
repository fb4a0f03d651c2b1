//! Retention sweeps (Art 5(1)(e) storage limitation): which of a person's data a retention
//! policy has come due on, and what the policy then reaches.
//!
//! A policy is attached to purposes; each purpose governs holdings (record kinds, tickets by
//! category). A sweep takes each policy with the holdings its purposes govern
//! ([`Register::sweep_rules`]), finds for each person the day the policy's event happened
//! ([`Evidence::event`]) and acts once the period after it has run ([`RetentionPolicy::due`]).
//!
//! Nothing is acted on early: where something is still open (a ticket, consent still given, a
//! rights request), there is no event yet; counted from creation, the person's newest record of
//! the kinds in scope is the one that counts, so no record is acted on before its own period
//! has run.

use chrono::NaiveDate;

use crate::catalogue::{Catalogue, RecordKind};
use crate::closed_set;
use crate::ids::PurposeId;
use crate::ticket::TicketCategory;

use super::binding::{Governing, Holding};
use super::retention::{RetentionPolicy, RetentionTrigger};
use super::snapshot::Register;

closed_set! {
    /// Where a sweep stands.
    pub enum SweepStatus for "status" {
        /// Under way, or cut short and waiting to be resumed.
        Running = "running",
        Completed = "completed",
        /// Stopped by a fault it could not go past; what it did stands.
        Failed = "failed",
    }
}

/// What a person's records show of the event a policy's period counts from, by trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// The day the person leaves or left, if known.
    Leaving { leaves_on: Option<NaiveDate> },
    /// The person's tickets in scope: how many are not yet closed, and the day the last one
    /// closed.
    Tickets {
        open: u64,
        last_closed: Option<NaiveDate>,
    },
    /// The day the person's newest record in scope was created.
    Creation { newest: Option<NaiveDate> },
    /// The person's consents to the policy's purposes: how many are still given, and the day
    /// the last was withdrawn.
    Consent {
        given: u64,
        last_withdrawn: Option<NaiveDate>,
    },
    /// The person's rights requests: how many are not yet closed, and the day the last closed.
    Requests {
        open: u64,
        last_closed: Option<NaiveDate>,
    },
}

impl Evidence {
    /// The trigger this is evidence for.
    pub fn trigger(&self) -> RetentionTrigger {
        match self {
            Evidence::Leaving { .. } => RetentionTrigger::AfterLeaving,
            Evidence::Tickets { .. } => RetentionTrigger::AfterLastTicketClosed,
            Evidence::Creation { .. } => RetentionTrigger::AfterCreation,
            Evidence::Consent { .. } => RetentionTrigger::AfterConsentWithdrawn,
            Evidence::Requests { .. } => RetentionTrigger::AfterRequestClosed,
        }
    }

    /// The day the period counts from, or `None` while the event has not happened: no leave
    /// date, no ticket closed or one still open, consent still given or never withdrawn, a
    /// request still open.
    pub fn event(&self) -> Option<NaiveDate> {
        match *self {
            Evidence::Leaving { leaves_on } => leaves_on,
            Evidence::Creation { newest } => newest,
            Evidence::Tickets { open, last_closed } | Evidence::Requests { open, last_closed } => {
                last_closed.filter(|_| open == 0)
            }
            Evidence::Consent {
                given,
                last_withdrawn,
            } => last_withdrawn.filter(|_| given == 0),
        }
    }
}

/// Whether a policy's action is due on a person's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// The event has not happened: nothing runs yet.
    NoEvent,
    /// The period is still running; it ends on this day.
    On(NaiveDate),
    /// The period ended on this day, on or before today: act.
    Since(NaiveDate),
}

impl Due {
    pub fn is_due(self) -> bool {
        matches!(self, Due::Since(_))
    }
}

impl RetentionPolicy {
    /// Whether the action is due `today` for a person whose records show `evidence`: the
    /// period has run from the event, ending on or before today.
    pub fn due(&self, evidence: &Evidence, today: NaiveDate) -> Due {
        let Some(event) = evidence.event() else {
            return Due::NoEvent;
        };
        match self.due_on(event) {
            Some(end) if end <= today => Due::Since(end),
            Some(end) => Due::On(end),
            // Past the last date the calendar holds: never within any sweep.
            None => Due::NoEvent,
        }
    }

    /// The latest event day whose period has ended by `today`: a sweep looks for events on or
    /// before it. `None` when none can be.
    pub fn events_due_by(&self, today: NaiveDate) -> Option<NaiveDate> {
        self.period.latest_start_ended_by(today)
    }
}

/// One policy as a sweep applies it: the purposes it is the retention of, and the holdings
/// those purposes govern, which is what its action reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepRule {
    pub policy: RetentionPolicy,
    pub purposes: Vec<PurposeId>,
    /// In [`Holding`] order, tickets by category.
    pub holdings: Vec<Holding>,
}

impl SweepRule {
    /// The ticket categories the rule reaches; empty when it reaches no tickets.
    pub fn ticket_categories(&self) -> Vec<TicketCategory> {
        self.holdings
            .iter()
            .filter_map(|h| h.ticket_category)
            .collect()
    }

    /// The record kinds the rule reaches, once each.
    pub fn record_kinds(&self) -> Vec<RecordKind> {
        let mut kinds: Vec<RecordKind> = self.holdings.iter().map(|h| h.record_kind).collect();
        kinds.dedup();
        kinds
    }
}

impl Register {
    /// Each retention policy with the holdings the purposes it is attached to govern, in the
    /// register's order of policies. A holding two purposes claim (an ambiguous binding, a
    /// lint) is reached by neither: which retention applies is not said, so nothing is done
    /// to it. A policy governing nothing is left out: there is nothing for it to act on.
    pub fn sweep_rules(&self, catalogue: &Catalogue) -> Vec<SweepRule> {
        let mut holdings = Vec::new();
        for kind in catalogue.kinds_to_bind() {
            if kind == RecordKind::Ticket {
                holdings.extend(TicketCategory::ALL.iter().map(|&c| Holding::ticket(c)));
            } else {
                holdings.push(Holding::of(kind));
            }
        }
        holdings.sort();
        self.retention_policies
            .iter()
            .filter_map(|policy| {
                let purposes: Vec<PurposeId> = self
                    .purposes
                    .iter()
                    .filter(|p| p.retention_policy == Some(policy.id))
                    .map(|p| p.id)
                    .collect();
                let reached: Vec<Holding> = holdings
                    .iter()
                    .copied()
                    .filter(|&h| {
                        matches!(self.governing(h), Governing::By(p) if purposes.contains(&p.id))
                    })
                    .collect();
                (!reached.is_empty()).then(|| SweepRule {
                    policy: policy.clone(),
                    purposes,
                    holdings: reached,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Column, DataKind, Erasure, PersonKey, PersonLink, Table};
    use crate::ids::RetentionPolicyId;
    use crate::register::demo;
    use crate::register::retention::{RetentionAction, RetentionPeriod};
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn policy(trigger: RetentionTrigger, period: &str) -> RetentionPolicy {
        RetentionPolicy {
            id: RetentionPolicyId::from_uuid(uuid::Uuid::from_u128(7)),
            trigger,
            period: RetentionPeriod::parse(period).expect("period"),
            action: RetentionAction::Erase,
            schedule_reference: None,
        }
    }

    /// Tickets, people and consents, each naming the person.
    const CATALOGUE: Catalogue = Catalogue {
        tables: &[
            Table {
                name: "tickets",
                record: RecordKind::Ticket,
                person: Some(PersonLink::Column {
                    column: "requester_id",
                    key: PersonKey::PersonId,
                }),
                columns: &[Column::naming(
                    "requester_id",
                    PersonKey::PersonId,
                    DataKind::Identity,
                    Erasure::DeleteRow,
                )],
            },
            Table {
                name: "people",
                record: RecordKind::Person,
                person: Some(PersonLink::Column {
                    column: "id",
                    key: PersonKey::PersonId,
                }),
                columns: &[Column::naming(
                    "id",
                    PersonKey::PersonId,
                    DataKind::Identity,
                    Erasure::DeleteRow,
                )],
            },
            Table {
                name: "consents",
                record: RecordKind::Consent,
                person: Some(PersonLink::Column {
                    column: "person_id",
                    key: PersonKey::PersonId,
                }),
                columns: &[Column::naming(
                    "person_id",
                    PersonKey::PersonId,
                    DataKind::Consent,
                    Erasure::DeleteRow,
                )],
            },
        ],
    };

    #[test]
    fn a_leaver_is_due_a_year_after_their_last_day_and_not_a_day_before() {
        // Cabinet Office: "kept for up to 1 year after you have left".
        let kept = policy(RetentionTrigger::AfterLeaving, "P1Y");
        let left = Evidence::Leaving {
            leaves_on: Some(date(2025, 3, 31)),
        };
        assert_eq!(
            kept.due(&left, date(2026, 3, 30)),
            Due::On(date(2026, 3, 31))
        );
        assert_eq!(
            kept.due(&left, date(2026, 3, 31)),
            Due::Since(date(2026, 3, 31))
        );
        assert!(kept.due(&left, date(2027, 1, 1)).is_due());
        let staying = Evidence::Leaving { leaves_on: None };
        assert_eq!(kept.due(&staying, date(2099, 1, 1)), Due::NoEvent);
    }

    #[test]
    fn an_open_ticket_or_request_or_a_consent_still_given_stops_the_clock() {
        // Devon: "3 years from the date your last support ticket is closed".
        let devon = policy(RetentionTrigger::AfterLastTicketClosed, "P3Y");
        let closed = Evidence::Tickets {
            open: 0,
            last_closed: Some(date(2022, 7, 28)),
        };
        assert!(devon.due(&closed, date(2025, 7, 28)).is_due());
        let one_open = Evidence::Tickets {
            open: 1,
            last_closed: Some(date(2022, 7, 28)),
        };
        assert_eq!(devon.due(&one_open, date(2030, 1, 1)), Due::NoEvent);
        let none_closed = Evidence::Tickets {
            open: 0,
            last_closed: None,
        };
        assert_eq!(none_closed.event(), None);

        let requests = Evidence::Requests {
            open: 1,
            last_closed: Some(date(2020, 1, 1)),
        };
        assert_eq!(requests.event(), None);
        let consent = Evidence::Consent {
            given: 1,
            last_withdrawn: Some(date(2020, 1, 1)),
        };
        assert_eq!(consent.event(), None);
        let withdrawn = Evidence::Consent {
            given: 0,
            last_withdrawn: Some(date(2020, 1, 1)),
        };
        assert_eq!(withdrawn.event(), Some(date(2020, 1, 1)));
        assert_eq!(withdrawn.trigger(), RetentionTrigger::AfterConsentWithdrawn);
    }

    #[test]
    fn counted_from_creation_the_newest_record_decides() {
        let derby = policy(RetentionTrigger::AfterCreation, "P1Y");
        let newest = Evidence::Creation {
            newest: Some(date(2025, 6, 1)),
        };
        assert_eq!(
            derby.due(&newest, date(2026, 5, 31)),
            Due::On(date(2026, 6, 1))
        );
        assert_eq!(
            derby.events_due_by(date(2026, 5, 31)),
            Some(date(2025, 5, 31))
        );
    }

    #[test]
    fn a_policy_reaches_what_its_purposes_govern_and_nothing_ambiguous() {
        let register = demo::cabinet_office();
        let rules = register.sweep_rules(&CATALOGUE);
        assert_eq!(rules.len(), 1);
        let rule = &rules[0];
        assert_eq!(rule.policy.trigger, RetentionTrigger::AfterLeaving);
        assert_eq!(rule.purposes.len(), register.purposes.len());
        assert!(rule.holdings.contains(&Holding::of(RecordKind::Person)));
        assert!(rule.holdings.contains(&Holding::of(RecordKind::Consent)));
        assert_eq!(rule.ticket_categories().len(), TicketCategory::ALL.len());
        assert_eq!(
            rule.record_kinds(),
            [RecordKind::Ticket, RecordKind::Person, RecordKind::Consent]
        );

        // Two purposes claiming every ticket: which retention applies is not said.
        let mut ambiguous = register.clone();
        let people = ambiguous
            .purposes
            .iter()
            .position(|p| {
                p.governs
                    .iter()
                    .any(|g| g.record_kind == RecordKind::Person)
            })
            .expect("a purpose governs people");
        ambiguous.purposes[people]
            .governs
            .push(crate::register::Governs::all(RecordKind::Ticket));
        let rules = ambiguous.sweep_rules(&CATALOGUE);
        assert!(rules[0].ticket_categories().is_empty(), "{rules:?}");

        // A policy no purpose is attached to reaches nothing and is left out.
        let mut unattached = register;
        for p in &mut unattached.purposes {
            p.retention_policy = None;
        }
        assert_eq!(unattached.sweep_rules(&CATALOGUE), []);
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (1990i32..=2100, 1u32..=365)
            .prop_map(|(year, ordinal)| NaiveDate::from_yo_opt(year, ordinal).expect("valid"))
    }

    fn any_period() -> impl Strategy<Value = RetentionPeriod> {
        (0u32..=10, 0u32..=24, 0u32..=10, 0u32..=60)
            .prop_filter("non-zero", |(y, m, w, d)| y + m + w + d > 0)
            .prop_map(|(y, m, w, d)| RetentionPeriod::new(y, m, w, d).expect("in range"))
    }

    proptest! {
        /// What a sweep selects by date (`events_due_by`) is exactly what `due` calls due: no
        /// one is acted on early, and no one due is missed.
        #[test]
        fn the_sweeps_cut_off_agrees_with_due(period in any_period(), event in any_date(), today in any_date()) {
            let mut kept = policy(RetentionTrigger::AfterLeaving, "P1Y");
            kept.period = period;
            let evidence = Evidence::Leaving { leaves_on: Some(event) };
            let selected = kept.events_due_by(today).is_some_and(|cut| event <= cut);
            prop_assert_eq!(selected, kept.due(&evidence, today).is_due());
        }

        /// Due is never before the period has run from the event.
        #[test]
        fn nothing_is_due_before_its_period_has_run(period in any_period(), event in any_date(), today in any_date()) {
            let mut kept = policy(RetentionTrigger::AfterLastTicketClosed, "P1Y");
            kept.period = period;
            let evidence = Evidence::Tickets { open: 0, last_closed: Some(event) };
            if let Due::Since(end) = kept.due(&evidence, today) {
                prop_assert!(end <= today);
                prop_assert_eq!(Some(end), period.add_to(event));
                prop_assert!(event < today);
            }
        }
    }
}
