//! Legal holds, and what stands in the way of erasing or retaining a person's data.
//!
//! A legal hold keeps a person's data, or one ticket, from erasure and from retention actions
//! while it is needed for the establishment, exercise or defence of legal claims (Art 17(3)(e))
//! or another duty to preserve it (a court order, an investigation: Art 17(3)(b)). The DPO places
//! it with a reason and releases it with a reason; a released hold blocks nothing.
//!
//! A person's own request still being answered blocks too: erasing or anonymising their data
//! while they wait for access to it (Art 15), its rectification (Art 16) or a decision on their
//! objection (Art 21) would defeat the request. A request is pending while open or paused
//! ([`RequestStatus::is_pending`]); the erasure request being fulfilled does not block itself.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::ids::{LegalHoldId, OrgId, PersonId, RightsRequestId, TicketId};
use crate::party::Party;
use crate::people::check_text;
use crate::register::rights::Right;
use crate::rights_requests::RequestStatus;

/// The longest reason a hold is placed or released with, in characters.
pub const REASON_MAX: usize = 2000;

/// Why a hold is placed or released: required, at most [`REASON_MAX`] characters, trimmed.
pub fn check_reason(field: &'static str, value: &str) -> Result<String, DomainError> {
    check_text(field, value, REASON_MAX, true)
}

/// What a hold is on: a person (all their data) or one ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HoldOn {
    Person(PersonId),
    Ticket(TicketId),
}

impl HoldOn {
    /// The hold's object from the two fields that may name it: exactly one must.
    pub fn from_fields(
        person_id: Option<PersonId>,
        ticket_id: Option<TicketId>,
    ) -> Result<HoldOn, DomainError> {
        match (person_id, ticket_id) {
            (Some(person), None) => Ok(HoldOn::Person(person)),
            (None, Some(ticket)) => Ok(HoldOn::Ticket(ticket)),
            (Some(_), Some(_)) => Err(DomainError::invalid(
                "ticket_id",
                "a hold is on a person or on a ticket, not both: send one of person_id and \
                 ticket_id",
            )),
            (None, None) => Err(DomainError::invalid(
                "person_id",
                "a hold is on a person or on a ticket: send one of person_id and ticket_id",
            )),
        }
    }

    pub fn person(self) -> Option<PersonId> {
        match self {
            HoldOn::Person(person) => Some(person),
            HoldOn::Ticket(_) => None,
        }
    }

    pub fn ticket(self) -> Option<TicketId> {
        match self {
            HoldOn::Person(_) => None,
            HoldOn::Ticket(ticket) => Some(ticket),
        }
    }
}

/// How a hold ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub at: DateTime<Utc>,
    pub by: Party,
    pub reason: String,
}

/// A legal hold, in force until released.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalHold {
    pub id: LegalHoldId,
    pub org_id: OrgId,
    pub on: HoldOn,
    /// Why it was placed. It may name people, so it is never part of a [`Blocker`].
    pub reason: String,
    pub placed_at: DateTime<Utc>,
    pub placed_by: Party,
    /// `None` while it is in force.
    pub released: Option<Release>,
}

impl LegalHold {
    pub fn in_force(&self) -> bool {
        self.released.is_none()
    }

    /// The hold released by `by` at `at` for `reason` (already checked by [`check_reason`]).
    /// A hold is released once: releasing it again is a conflict, and so is a release dated
    /// before the hold was placed.
    pub fn release(
        self,
        by: Party,
        at: DateTime<Utc>,
        reason: String,
    ) -> Result<Self, DomainError> {
        if self.released.is_some() {
            return Err(DomainError::Conflict(
                "the legal hold is already released; a hold is released once",
            ));
        }
        if at < self.placed_at {
            return Err(DomainError::Conflict(
                "a legal hold cannot be released before it was placed",
            ));
        }
        Ok(LegalHold {
            released: Some(Release { at, by, reason }),
            ..self
        })
    }

    /// What this hold puts in the way of erasure and retention: itself while in force.
    pub fn blocker(&self) -> Option<Blocker> {
        self.in_force().then_some(Blocker::LegalHold {
            hold_id: self.id,
            placed_at: self.placed_at,
        })
    }
}

/// What stands in the way of erasing a person's data or of a retention action on it. Names
/// records by id only: never a reason, a name or anything else that may identify someone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Blocker {
    /// A legal hold in force on the person or on a ticket of theirs.
    LegalHold {
        hold_id: LegalHoldId,
        placed_at: DateTime<Utc>,
    },
    /// A request of the person's still being answered (open or paused).
    OpenRightsRequest {
        request_id: RightsRequestId,
        right: Right,
    },
}

impl Blocker {
    /// What a rights request puts in the way: itself while pending, unless it is `except`
    /// (the erasure request being fulfilled does not block itself).
    pub fn of_request(
        request_id: RightsRequestId,
        right: Right,
        status: RequestStatus,
        except: Option<RightsRequestId>,
    ) -> Option<Blocker> {
        (status.is_pending() && except != Some(request_id))
            .then_some(Blocker::OpenRightsRequest { request_id, right })
    }
}

/// For a report's "blocked by": the kind of blocker and its record, never a person.
impl fmt::Display for Blocker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Blocker::LegalHold { hold_id, placed_at } => write!(
                f,
                "legal hold {hold_id} placed {}",
                placed_at.format("%Y-%m-%d")
            ),
            Blocker::OpenRightsRequest { request_id, right } => {
                write!(f, "open {right} request {request_id} ({})", right.article())
            }
        }
    }
}

/// A rights request as [`blockers`] weighs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingRequest {
    pub id: RightsRequestId,
    pub right: Right,
    pub status: RequestStatus,
}

/// Everything among `holds` and `requests` that blocks erasing or retaining: the holds in
/// force, oldest placed first, then the pending requests other than `except`, oldest first (ids
/// are v7, so by id). Each record once, however often it is given.
pub fn blockers<'a>(
    holds: impl IntoIterator<Item = &'a LegalHold>,
    requests: impl IntoIterator<Item = PendingRequest>,
    except: Option<RightsRequestId>,
) -> Vec<Blocker> {
    let mut holds: Vec<&LegalHold> = holds.into_iter().filter(|h| h.in_force()).collect();
    holds.sort_by_key(|h| (h.placed_at, h.id));
    holds.dedup_by_key(|h| h.id);
    let mut requests: Vec<PendingRequest> = requests.into_iter().collect();
    requests.sort_by_key(|r| r.id);
    requests.dedup_by_key(|r| r.id);
    holds
        .into_iter()
        .filter_map(LegalHold::blocker)
        .chain(
            requests
                .into_iter()
                .filter_map(|r| Blocker::of_request(r.id, r.right, r.status, except)),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use uuid::Uuid;

    use super::*;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, 9, 0, 0)
            .single()
            .expect("a real moment")
    }

    fn person(n: u128) -> PersonId {
        PersonId::from_uuid(Uuid::from_u128(n))
    }

    fn hold(n: u128, day: u32) -> LegalHold {
        LegalHold {
            id: LegalHoldId::from_uuid(Uuid::from_u128(n)),
            org_id: OrgId::from_uuid(Uuid::from_u128(1)),
            on: HoldOn::Person(person(2)),
            reason: "Employment tribunal claim".into(),
            placed_at: at(day),
            placed_by: Party::Account("dpo".into()),
            released: None,
        }
    }

    fn request(n: u128, right: Right, status: RequestStatus) -> PendingRequest {
        PendingRequest {
            id: RightsRequestId::from_uuid(Uuid::from_u128(n)),
            right,
            status,
        }
    }

    #[test]
    fn a_hold_is_on_exactly_one_of_a_person_and_a_ticket() {
        let p = person(5);
        let t = TicketId::from_uuid(Uuid::from_u128(6));
        assert_eq!(HoldOn::from_fields(Some(p), None), Ok(HoldOn::Person(p)));
        assert_eq!(HoldOn::from_fields(None, Some(t)), Ok(HoldOn::Ticket(t)));
        assert!(matches!(
            HoldOn::from_fields(None, None),
            Err(DomainError::Invalid {
                field: "person_id",
                ..
            })
        ));
        assert!(matches!(
            HoldOn::from_fields(Some(p), Some(t)),
            Err(DomainError::Invalid {
                field: "ticket_id",
                ..
            })
        ));
        assert_eq!(HoldOn::Person(p).person(), Some(p));
        assert_eq!(HoldOn::Person(p).ticket(), None);
        assert_eq!(HoldOn::Ticket(t).ticket(), Some(t));
    }

    #[test]
    fn a_reason_is_required_and_bounded() {
        assert_eq!(check_reason("reason", "  Claim  "), Ok("Claim".into()));
        assert!(check_reason("reason", "   ").is_err());
        let long = "x".repeat(REASON_MAX + 1);
        assert!(matches!(
            check_reason("reason", &long),
            Err(DomainError::Invalid {
                field: "reason",
                ..
            })
        ));
        assert!(check_reason("reason", &"x".repeat(REASON_MAX)).is_ok());
    }

    #[test]
    fn a_hold_is_released_once_and_then_blocks_nothing() {
        let placed = hold(10, 2);
        assert!(placed.blocker().is_some());
        let by = Party::Account("dpo".into());
        let released = placed
            .clone()
            .release(by.clone(), at(3), "Claim settled".into())
            .expect("released");
        assert!(!released.in_force());
        assert_eq!(released.blocker(), None);
        assert!(matches!(
            released.release(by.clone(), at(4), "Again".into()),
            Err(DomainError::Conflict(_))
        ));
        assert!(matches!(
            placed.release(by, at(1), "Too early".into()),
            Err(DomainError::Conflict(_))
        ));
    }

    #[test]
    fn holds_in_force_and_pending_requests_block_and_the_request_being_fulfilled_does_not() {
        let mut released = hold(11, 1);
        released.released = Some(Release {
            at: at(2),
            by: Party::Account("dpo".into()),
            reason: "Settled".into(),
        });
        let later = hold(12, 5);
        let earlier = hold(13, 3);
        let erasure = request(20, Right::Erasure, RequestStatus::Open);
        let access = request(21, Right::Access, RequestStatus::Paused);
        let answered = request(22, Right::Objection, RequestStatus::Closed);
        let found = blockers(
            [&later, &released, &earlier, &later],
            [access, erasure, answered, access],
            Some(erasure.id),
        );
        assert_eq!(
            found,
            [
                Blocker::LegalHold {
                    hold_id: earlier.id,
                    placed_at: earlier.placed_at
                },
                Blocker::LegalHold {
                    hold_id: later.id,
                    placed_at: later.placed_at
                },
                Blocker::OpenRightsRequest {
                    request_id: access.id,
                    right: Right::Access
                },
            ]
        );
        let without_except = blockers([], [erasure], None);
        assert_eq!(
            without_except,
            [Blocker::OpenRightsRequest {
                request_id: erasure.id,
                right: Right::Erasure
            }]
        );
        assert!(blockers([&released], [answered], None).is_empty());
    }

    #[test]
    fn a_blocker_is_tagged_by_kind_and_carries_no_reason() {
        let h = hold(14, 2);
        let json = serde_json::to_value(h.blocker().expect("in force")).expect("json");
        assert_eq!(json["kind"], "legal_hold");
        assert_eq!(json["hold_id"], h.id.to_string());
        assert!(!json.to_string().contains("tribunal"), "{json}");
        let r = request(23, Right::Access, RequestStatus::Open);
        let json = serde_json::to_value(
            Blocker::of_request(r.id, r.right, r.status, None).expect("pending"),
        )
        .expect("json");
        assert_eq!(json["kind"], "open_rights_request");
        assert_eq!(json["right"], "access");
        let text = h.blocker().expect("in force").to_string();
        assert!(
            text.starts_with("legal hold ") && text.ends_with("2026-12-02"),
            "{text}"
        );
        assert!(!text.contains("tribunal"));
    }
}
