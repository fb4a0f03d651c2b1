//! Tickets: incidents, service requests and problems raised by, or on behalf of, staff.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::ids::{OrgId, TicketId};
use crate::party::Party;
use crate::{DomainError, closed_set};

closed_set! {
    /// What a ticket is (ITIL practice): something broken, something wanted, or a root cause.
    pub enum TicketKind for "kind" {
        Incident = "incident",
        ServiceRequest = "service_request",
        Problem = "problem",
    }
}

impl TicketKind {
    /// Prefix of the human reference (`INC-000123`): one sequence per organisation and kind.
    pub fn reference_prefix(self) -> &'static str {
        match self {
            TicketKind::Incident => "INC",
            TicketKind::ServiceRequest => "REQ",
            TicketKind::Problem => "PRB",
        }
    }
}

closed_set! {
    /// Why the ticket exists: the ticket purposes the source privacy notices declare.
    pub enum TicketCategory for "category" {
        ItSystem = "it_system",
        DevelopmentRequest = "development_request",
        DataRequest = "data_request",
        ProcessPolicyFeedback = "process_policy_feedback",
        Complaint = "complaint",
        AccountRequest = "account_request",
        AssetRequest = "asset_request",
    }
}

closed_set! {
    /// How urgent the ticket is.
    pub enum Priority for "priority" {
        Low = "low",
        Medium = "medium",
        High = "high",
        Critical = "critical",
    }
}

closed_set! {
    /// Who may read a comment: `internal` comments are never shown to requesters.
    pub enum CommentVisibility for "visibility" {
        Public = "public",
        Internal = "internal",
    }
}

closed_set! {
    /// Where a ticket is in its life. `closed` is final: the last ticket closed about a person
    /// starts their retention clock under an `after_last_ticket_closed` policy.
    pub enum TicketStatus for "status" {
        New = "new",
        Open = "open",
        Pending = "pending",
        Resolved = "resolved",
        Closed = "closed",
    }
}

impl TicketStatus {
    /// Whether the desk's workflow allows moving from `self` to `next`:
    /// new → open | pending | resolved; open → pending | resolved; pending → open | resolved;
    /// resolved → open (reopen) | closed; closed → nothing.
    pub fn can_become(self, next: TicketStatus) -> bool {
        use TicketStatus::*;
        matches!(
            (self, next),
            (New, Open | Pending | Resolved)
                | (Open, Pending | Resolved)
                | (Pending, Open | Resolved)
                | (Resolved, Open | Closed)
        )
    }

    /// The state after a requested transition, or the refusal naming both states.
    pub fn transition(self, next: TicketStatus) -> Result<TicketStatus, DomainError> {
        if self.can_become(next) {
            Ok(next)
        } else {
            Err(DomainError::IllegalTransition {
                entity: "ticket",
                from: self.as_str(),
                to: next.as_str(),
            })
        }
    }

    pub fn is_final(self) -> bool {
        self == TicketStatus::Closed
    }
}

/// The human reference of a ticket, unique per organisation: `INC-000123`. Numbers come from a
/// per-organisation, per-kind sequence and are never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketReference {
    pub kind: TicketKind,
    pub number: i64,
}

impl TicketReference {
    pub fn new(kind: TicketKind, number: i64) -> Result<Self, DomainError> {
        if number < 1 {
            return Err(DomainError::invalid("reference", "numbers start at 1"));
        }
        Ok(Self { kind, number })
    }

    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let bad = || DomainError::invalid("reference", "expected a form like INC-000123");
        let (prefix, digits) = text.split_once('-').ok_or_else(bad)?;
        let kind = TicketKind::ALL
            .iter()
            .copied()
            .find(|k| k.reference_prefix() == prefix)
            .ok_or_else(bad)?;
        if digits.len() < 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let number = digits.parse::<i64>().map_err(|_| bad())?;
        Self::new(kind, number)
    }
}

impl fmt::Display for TicketReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:06}", self.kind.reference_prefix(), self.number)
    }
}

/// A ticket as the desk holds it. `requester` is the person the ticket is about; `raised_by` is
/// who raised it (the same person, or someone acting on their behalf).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub id: TicketId,
    pub org_id: OrgId,
    pub reference: TicketReference,
    pub category: TicketCategory,
    pub status: TicketStatus,
    pub priority: Priority,
    pub title: String,
    pub description: String,
    pub requester: Party,
    pub raised_by: Party,
    pub assigned_team: Option<String>,
    pub assigned_agent: Option<Party>,
    pub contains_special_category: bool,
    /// Bumped by every change; the ETag of the ticket, so a stale `If-Match` is detected.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// A requested change to a ticket; `None` leaves a field as it is, and for the optional
/// assignments `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketChange {
    pub title: Option<String>,
    pub description: Option<String>,
    pub category: Option<TicketCategory>,
    pub priority: Option<Priority>,
    pub status: Option<TicketStatus>,
    pub assigned_team: Option<Option<String>>,
    pub assigned_agent: Option<Option<Party>>,
    pub contains_special_category: Option<bool>,
}

impl TicketChange {
    /// Whether the change might leave a ticket flagged as holding special category data under
    /// a purpose that has not been checked for it: it sets the flag, or moves the ticket to
    /// another category (and so perhaps under another purpose).
    pub fn touches_special_category(&self) -> bool {
        self.contains_special_category == Some(true) || self.category.is_some()
    }

    /// The category whose governing purpose must have an Art 9(2) condition once the change is
    /// made to `current` (Art 9(1)): the resulting category, when the ticket ends up flagged
    /// and the change set the flag or changed the category. Clearing the flag needs nothing.
    pub fn special_category_to_check(&self, current: &Ticket) -> Option<TicketCategory> {
        let flagged = self
            .contains_special_category
            .unwrap_or(current.contains_special_category);
        let category = self.category.unwrap_or(current.category);
        let sets_flag = self.contains_special_category == Some(true);
        let moves = category != current.category;
        (flagged && (sets_flag || moves)).then_some(category)
    }

    /// What someone who is only a requester may change on a ticket of theirs: its wording, and
    /// its status only once the desk has resolved it, to confirm (`closed`) or to reopen it
    /// (`open`). Triage (category, priority, assignment, the special-category flag) is the
    /// desk's.
    pub fn check_open_to_requester(&self, current: TicketStatus) -> Result<(), DomainError> {
        let triage = self.category.is_some()
            || self.priority.is_some()
            || self.assigned_team.is_some()
            || self.assigned_agent.is_some()
            || self.contains_special_category.is_some();
        if triage {
            return Err(DomainError::NotPermitted(
                "category, priority, assignment and the special-category flag are set by the service desk",
            ));
        }
        match self.status {
            None => Ok(()),
            Some(next) if next == current => Ok(()),
            Some(TicketStatus::Open | TicketStatus::Closed)
                if current == TicketStatus::Resolved =>
            {
                Ok(())
            }
            Some(_) => Err(DomainError::NotPermitted(
                "requesters may only reopen or close a ticket the service desk has resolved",
            )),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == TicketChange::default()
    }
}

impl Ticket {
    /// Whether `party` is a party to the ticket: the person it is about or who raised it.
    /// Requesters see only such tickets; the desk sees all of its organisation's.
    pub fn concerns(&self, party: &Party) -> bool {
        self.requester == *party || self.raised_by == *party
    }

    /// The ticket after `change`, made at `now`. A status change must be a legal transition;
    /// asking for the status the ticket already has changes nothing. Closing a ticket is final.
    pub fn apply(
        mut self,
        change: TicketChange,
        now: DateTime<Utc>,
    ) -> Result<Ticket, DomainError> {
        if self.status.is_final() {
            return Err(DomainError::IllegalTransition {
                entity: "ticket",
                from: self.status.as_str(),
                to: change.status.unwrap_or(self.status).as_str(),
            });
        }
        if let Some(next) = change.status.filter(|next| *next != self.status) {
            self.status = self.status.transition(next)?;
            match next {
                TicketStatus::Resolved => self.resolved_at = Some(now),
                TicketStatus::Closed => self.closed_at = Some(now),
                TicketStatus::Open | TicketStatus::Pending | TicketStatus::New => {
                    self.resolved_at = None
                }
            }
        }
        if let Some(title) = change.title {
            self.title = title;
        }
        if let Some(description) = change.description {
            self.description = description;
        }
        if let Some(category) = change.category {
            self.category = category;
        }
        if let Some(priority) = change.priority {
            self.priority = priority;
        }
        if let Some(team) = change.assigned_team {
            self.assigned_team = team;
        }
        if let Some(agent) = change.assigned_agent {
            self.assigned_agent = agent;
        }
        if let Some(flag) = change.contains_special_category {
            self.contains_special_category = flag;
        }
        self.version += 1;
        self.updated_at = now;
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_flagged_ticket_is_checked_when_flagged_or_moved() {
        let mut current = sample_ticket();
        let flag = |on| TicketChange {
            contains_special_category: Some(on),
            ..TicketChange::default()
        };
        let move_to = |category| TicketChange {
            category: Some(category),
            ..TicketChange::default()
        };
        // Not flagged: only setting the flag needs a check, of the category it ends in.
        assert_eq!(current.category, TicketCategory::ItSystem);
        assert_eq!(
            flag(true).special_category_to_check(&current),
            Some(TicketCategory::ItSystem)
        );
        assert_eq!(
            move_to(TicketCategory::Complaint).special_category_to_check(&current),
            None
        );
        let both = TicketChange {
            category: Some(TicketCategory::Complaint),
            contains_special_category: Some(true),
            ..TicketChange::default()
        };
        assert_eq!(
            both.special_category_to_check(&current),
            Some(TicketCategory::Complaint)
        );
        // Flagged: a move re-checks; clearing the flag, or staying put, does not.
        current.contains_special_category = true;
        assert_eq!(
            move_to(TicketCategory::Complaint).special_category_to_check(&current),
            Some(TicketCategory::Complaint)
        );
        assert_eq!(
            move_to(TicketCategory::ItSystem).special_category_to_check(&current),
            None
        );
        let clear_and_move = TicketChange {
            category: Some(TicketCategory::Complaint),
            contains_special_category: Some(false),
            ..TicketChange::default()
        };
        assert_eq!(clear_and_move.special_category_to_check(&current), None);
        assert!(clear_and_move.touches_special_category());
        assert!(!flag(false).touches_special_category());
        assert!(!TicketChange::default().touches_special_category());
    }

    use super::*;
    use crate::ids::{OrgId, TicketId};
    use TicketStatus::*;
    use chrono::DateTime;
    use proptest::prelude::*;

    #[test]
    fn the_workflow_runs_from_new_to_closed() {
        let mut status = New;
        for next in [Open, Pending, Open, Resolved, Open, Resolved, Closed] {
            status = status.transition(next).expect("allowed step");
        }
        assert!(status.is_final());
    }

    #[test]
    fn closed_is_final() {
        for &next in TicketStatus::ALL {
            assert!(!Closed.can_become(next), "closed must not become {next}");
        }
    }

    #[test]
    fn a_refusal_names_both_states() {
        let refusal = New.transition(Closed).expect_err("new cannot close");
        assert_eq!(
            refusal.to_string(),
            "cannot change ticket status from new to closed"
        );
    }

    #[test]
    fn only_resolved_tickets_reopen_or_close() {
        assert!(Resolved.can_become(Open));
        assert!(Resolved.can_become(Closed));
        assert!(!Open.can_become(Closed));
        assert!(!Pending.can_become(Closed));
    }

    #[test]
    fn references_format_with_six_digits_and_parse_back() {
        let reference = TicketReference::new(TicketKind::Incident, 123).expect("valid");
        assert_eq!(reference.to_string(), "INC-000123");
        assert_eq!(TicketReference::parse("INC-000123"), Ok(reference));
        let big = TicketReference::new(TicketKind::Problem, 1_234_567).expect("valid");
        assert_eq!(big.to_string(), "PRB-1234567");
        for bad in [
            "INC000123",
            "XYZ-000001",
            "REQ-12",
            "REQ-00000a",
            "INC-000000",
        ] {
            assert!(
                TicketReference::parse(bad).is_err(),
                "{bad} should be refused"
            );
        }
    }

    #[test]
    fn closed_sets_parse_their_wire_names_only() {
        assert_eq!("service_request".parse(), Ok(TicketKind::ServiceRequest));
        let refusal = "ServiceRequest"
            .parse::<TicketKind>()
            .expect_err("wire names only");
        assert_eq!(
            refusal.to_string(),
            "kind: must be one of: incident, service_request, problem"
        );
        let json = serde_json::to_string(&TicketCategory::ProcessPolicyFeedback).expect("json");
        assert_eq!(json, "\"process_policy_feedback\"");
    }

    fn sample_ticket() -> Ticket {
        let at = DateTime::from_timestamp(1_780_000_000, 0).expect("valid time");
        Ticket {
            id: TicketId::from_uuid(uuid::Uuid::from_u128(1)),
            org_id: OrgId::from_uuid(uuid::Uuid::from_u128(2)),
            reference: TicketReference::new(TicketKind::Incident, 1).expect("valid"),
            category: TicketCategory::ItSystem,
            status: New,
            priority: Priority::Medium,
            title: "Laptop will not boot".into(),
            description: "Black screen".into(),
            requester: Party::Account("staff-1".into()),
            raised_by: Party::Account("staff-2".into()),
            assigned_team: None,
            assigned_agent: None,
            contains_special_category: false,
            version: 1,
            created_at: at,
            updated_at: at,
            resolved_at: None,
            closed_at: None,
        }
    }

    #[test]
    fn applying_a_change_stamps_resolution_and_closure() {
        let t0 = sample_ticket();
        let later = t0.created_at + chrono::Duration::hours(2);
        let resolved = t0
            .apply(
                TicketChange {
                    status: Some(Resolved),
                    ..Default::default()
                },
                later,
            )
            .expect("new may resolve");
        assert_eq!(resolved.resolved_at, Some(later));
        assert_eq!(resolved.version, 2);
        let even_later = later + chrono::Duration::hours(1);
        let closed = resolved
            .apply(
                TicketChange {
                    status: Some(Closed),
                    ..Default::default()
                },
                even_later,
            )
            .expect("resolved may close");
        assert_eq!(closed.closed_at, Some(even_later));
        assert_eq!(closed.updated_at, even_later);
        let refusal = closed
            .apply(
                TicketChange {
                    title: Some("edit".into()),
                    ..Default::default()
                },
                even_later,
            )
            .expect_err("closed is final");
        assert_eq!(
            refusal.to_string(),
            "cannot change ticket status from closed to closed"
        );
    }

    #[test]
    fn reopening_clears_the_resolution_time() {
        let t0 = sample_ticket();
        let now = t0.created_at;
        let resolved = t0
            .apply(
                TicketChange {
                    status: Some(Resolved),
                    ..Default::default()
                },
                now,
            )
            .expect("resolve");
        let reopened = resolved
            .apply(
                TicketChange {
                    status: Some(Open),
                    ..Default::default()
                },
                now,
            )
            .expect("reopen");
        assert_eq!(reopened.resolved_at, None);
        assert_eq!(reopened.status, Open);
    }

    #[test]
    fn asking_for_the_current_status_changes_only_the_rest() {
        let t0 = sample_ticket();
        let now = t0.created_at;
        let same = t0
            .apply(
                TicketChange {
                    status: Some(New),
                    assigned_team: Some(Some("desk".into())),
                    ..Default::default()
                },
                now,
            )
            .expect("no transition needed");
        assert_eq!(same.status, New);
        assert_eq!(same.assigned_team.as_deref(), Some("desk"));
    }

    #[test]
    fn a_party_to_the_ticket_is_its_requester_or_raiser() {
        let t = sample_ticket();
        assert!(t.concerns(&Party::Account("staff-1".into())));
        assert!(t.concerns(&Party::Account("staff-2".into())));
        assert!(!t.concerns(&Party::Account("staff-3".into())));
        assert!(!t.concerns(&Party::Person(crate::ids::PersonId::from_uuid(
            uuid::Uuid::from_u128(7)
        ))));
    }

    #[test]
    fn requesters_may_reword_and_reopen_or_close_a_resolved_ticket() {
        let change = |status| TicketChange {
            status: Some(status),
            ..Default::default()
        };
        let reword = TicketChange {
            title: Some("x".into()),
            ..Default::default()
        };
        for current in [New, Open, Pending, Resolved] {
            assert!(reword.check_open_to_requester(current).is_ok());
            assert!(
                change(current).check_open_to_requester(current).is_ok(),
                "no-op from {current}"
            );
        }
        assert!(change(Closed).check_open_to_requester(Resolved).is_ok());
        assert!(change(Open).check_open_to_requester(Resolved).is_ok());
        for current in [New, Pending] {
            assert!(
                change(Open).check_open_to_requester(current).is_err(),
                "open from {current}"
            );
        }
        assert!(change(Closed).check_open_to_requester(Open).is_err());
        assert!(change(Resolved).check_open_to_requester(Open).is_err());
        assert!(change(Pending).check_open_to_requester(Open).is_err());
    }

    #[test]
    fn requesters_may_not_triage() {
        let triage = [
            TicketChange {
                priority: Some(Priority::High),
                ..Default::default()
            },
            TicketChange {
                category: Some(TicketCategory::Complaint),
                ..Default::default()
            },
            TicketChange {
                assigned_agent: Some(None),
                ..Default::default()
            },
            TicketChange {
                assigned_team: Some(Some("desk".into())),
                ..Default::default()
            },
            TicketChange {
                contains_special_category: Some(true),
                ..Default::default()
            },
        ];
        for change in triage {
            assert!(matches!(
                change.check_open_to_requester(Open),
                Err(DomainError::NotPermitted(_))
            ));
        }
    }

    /// serde, `as_str` and `FromStr` speak the same names for every closed set of this module.
    fn assert_wire_names<T>(all: &[T], name: fn(T) -> &'static str)
    where
        T: Copy + std::fmt::Debug + PartialEq + serde::Serialize + std::str::FromStr,
        T::Err: std::fmt::Debug,
    {
        for &value in all {
            let json = serde_json::to_string(&value).expect("serialises");
            assert_eq!(json, format!("\"{}\"", name(value)));
            assert_eq!(name(value).parse::<T>().expect("parses"), value);
        }
    }

    #[test]
    fn wire_names_agree_everywhere() {
        assert_wire_names(TicketKind::ALL, TicketKind::as_str);
        assert_wire_names(TicketCategory::ALL, TicketCategory::as_str);
        assert_wire_names(Priority::ALL, Priority::as_str);
        assert_wire_names(CommentVisibility::ALL, CommentVisibility::as_str);
        assert_wire_names(TicketStatus::ALL, TicketStatus::as_str);
    }

    fn any_status() -> impl Strategy<Value = TicketStatus> {
        proptest::sample::select(TicketStatus::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn transition_agrees_with_can_become(from in any_status(), to in any_status()) {
            let result = from.transition(to);
            prop_assert_eq!(result.is_ok(), from.can_become(to));
            if let Ok(next) = result {
                prop_assert_eq!(next, to);
            }
        }

        #[test]
        fn no_status_becomes_itself(status in any_status()) {
            prop_assert!(!status.can_become(status));
        }

        #[test]
        fn every_walk_stays_legal_and_closed_is_absorbing(
            steps in proptest::collection::vec(any_status(), 0..40)
        ) {
            let mut status = New;
            for step in steps {
                match status.transition(step) {
                    Ok(next) => {
                        prop_assert!(!status.is_final());
                        status = next;
                    }
                    Err(DomainError::IllegalTransition { from, to, .. }) => {
                        prop_assert_eq!(from, status.as_str());
                        prop_assert_eq!(to, step.as_str());
                    }
                    Err(other) => prop_assert!(false, "unexpected error {other}"),
                }
            }
        }

        #[test]
        fn references_round_trip(kind in proptest::sample::select(TicketKind::ALL.to_vec()), n in 1i64..100_000_000) {
            let reference = TicketReference::new(kind, n).expect("valid");
            prop_assert_eq!(TicketReference::parse(&reference.to_string()), Ok(reference));
        }
    }
}
