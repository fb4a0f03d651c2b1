//! Assets and licences: laptops, desktops, mobiles, tablets, peripherals and software licences,
//! and their assignments to people (requested, approved, issued, returned or lost).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AssetId, AssignmentId, OrgId, PersonId};
use crate::people::{check_text, string_newtype};
use crate::{DomainError, closed_set};

closed_set! {
    /// What an asset is. A software licence is counted in seats; every other kind is one thing.
    pub enum AssetKind for "kind" {
        Laptop = "laptop",
        Desktop = "desktop",
        Mobile = "mobile",
        Tablet = "tablet",
        SoftwareLicence = "software_licence",
        Peripheral = "peripheral",
    }
}

impl AssetKind {
    pub fn is_licence(self) -> bool {
        self == AssetKind::SoftwareLicence
    }
}

/// An asset's tag as printed on its label: 1 to 50 characters of `A`–`Z`, `0`–`9` and `-`,
/// upper-cased as parsed (so `lap-0042` and `LAP-0042` are one tag). Unique per organisation,
/// which persistence enforces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AssetTag(String);

impl AssetTag {
    pub const MAX_LEN: usize = 50;

    pub fn parse(value: &str) -> Result<Self, DomainError> {
        let tag = value.trim().to_ascii_uppercase();
        if tag.is_empty() || tag.len() > Self::MAX_LEN {
            return Err(DomainError::invalid("tag", "must be 1 to 50 characters"));
        }
        if !tag
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(DomainError::invalid(
                "tag",
                "must be letters A to Z, digits and hyphens",
            ));
        }
        Ok(Self(tag))
    }
}

string_newtype!(AssetTag);

/// Whether a licence with `seats` seats can take one more assignment when `active_assignments`
/// of its assignments are active (approved or issued, see [`AssignmentStatus::is_active`]). A
/// licence never has more active assignments than seats: using more would breach the licence
/// terms. Persistence checks this inside the transaction that approves, so concurrent requests
/// cannot both take the last seat.
pub fn seat_available(seats: u32, active_assignments: u32) -> bool {
    active_assignments < seats
}

/// A licence has at least one seat; every other kind has no seat count.
pub fn check_seats(kind: AssetKind, seats: Option<u32>) -> Result<(), DomainError> {
    match (kind.is_licence(), seats) {
        (true, Some(n)) if n >= 1 => Ok(()),
        (true, _) => Err(DomainError::invalid(
            "seats",
            "a software licence has at least 1 seat",
        )),
        (false, None) => Ok(()),
        (false, Some(_)) => Err(DomainError::invalid(
            "seats",
            "only a software licence has seats",
        )),
    }
}

/// An asset as the desk holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asset {
    pub id: AssetId,
    pub org_id: OrgId,
    pub kind: AssetKind,
    pub tag: AssetTag,
    /// The maker's serial number, or the licence key's reference (never the key itself).
    pub serial: Option<String>,
    pub model: Option<String>,
    /// Seats of a software licence; `None` for every other kind.
    pub seats: Option<u32>,
    /// Bumped by every change; the ETag of the asset.
    pub version: i64,
}

impl Asset {
    pub const MAX_TEXT_LEN: usize = 200;

    /// Every field error at once: seats as [`check_seats`] says, serial and model (if given)
    /// say something and fit.
    pub fn validate(&self) -> Result<(), Vec<DomainError>> {
        let mut errors = Vec::new();
        if let Err(error) = check_seats(self.kind, self.seats) {
            errors.push(error);
        }
        for (field, value) in [("serial", &self.serial), ("model", &self.model)] {
            if let Some(value) = value
                && let Err(error) = check_text(field, value, Self::MAX_TEXT_LEN, false)
            {
                errors.push(error);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Whether one more assignment may become active: always for a single item's assignments
    /// (its own history keeps one at a time), by [`seat_available`] for a licence.
    pub fn seat_available(&self, active_assignments: u32) -> bool {
        match self.seats {
            Some(seats) if self.kind.is_licence() => seat_available(seats, active_assignments),
            _ => true,
        }
    }
}

closed_set! {
    /// Where an assignment of an asset to a person is: requested → approved → issued →
    /// returned | lost, or requested → rejected. `returned`, `lost` and `rejected` are final.
    pub enum AssignmentStatus for "status" {
        Requested = "requested",
        Approved = "approved",
        Issued = "issued",
        Returned = "returned",
        Lost = "lost",
        Rejected = "rejected",
    }
}

impl AssignmentStatus {
    pub fn can_become(self, next: AssignmentStatus) -> bool {
        use AssignmentStatus::*;
        matches!(
            (self, next),
            (Requested, Approved | Rejected) | (Approved, Issued) | (Issued, Returned | Lost)
        )
    }

    /// The state after a requested transition, or the refusal naming both states.
    pub fn transition(self, next: AssignmentStatus) -> Result<AssignmentStatus, DomainError> {
        if self.can_become(next) {
            Ok(next)
        } else {
            Err(DomainError::IllegalTransition {
                entity: "assignment",
                from: self.as_str(),
                to: next.as_str(),
            })
        }
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            AssignmentStatus::Returned | AssignmentStatus::Lost | AssignmentStatus::Rejected
        )
    }

    /// Counts against a licence's seats: approved (the seat is promised) or issued.
    pub fn is_active(self) -> bool {
        matches!(self, AssignmentStatus::Approved | AssignmentStatus::Issued)
    }

    /// The person has the asset (or uses the seat) now: issued. A leaver's held assets each
    /// get a recovery task.
    pub fn is_held(self) -> bool {
        self == AssignmentStatus::Issued
    }
}

/// Segregation of duties (ISO/IEC 27001:2022 Annex A 5.3, 5.9): an assignment is approved by
/// someone other than whoever requested it, and other than the person it is for.
pub fn check_approver(
    approver: PersonId,
    requested_by: PersonId,
    assignee: PersonId,
) -> Result<(), DomainError> {
    if approver == requested_by {
        Err(DomainError::NotPermitted(
            "an assignment is approved by someone other than its requester",
        ))
    } else if approver == assignee {
        Err(DomainError::NotPermitted(
            "an assignment is approved by someone other than the person it is for",
        ))
    } else {
        Ok(())
    }
}

/// One assignment of an asset (or one seat of a licence) to a person, with the times it moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub id: AssignmentId,
    pub asset_id: AssetId,
    /// The person the asset is for.
    pub person_id: PersonId,
    /// Who asked for it (the person, or someone on their behalf).
    pub requested_by: PersonId,
    pub status: AssignmentStatus,
    pub approved_by: Option<PersonId>,
    pub requested_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
    pub issued_at: Option<DateTime<Utc>>,
    /// When it was returned, reported lost or rejected.
    pub ended_at: Option<DateTime<Utc>>,
    /// Bumped by every change; the ETag of the assignment.
    pub version: i64,
}

impl Assignment {
    /// The assignment after `actor` moves it to `next` at `now`. Approval checks
    /// [`check_approver`] and records the approver; a licence's free seat is persistence's to
    /// check (with [`seat_available`]) in the same transaction.
    pub fn transition(
        mut self,
        next: AssignmentStatus,
        actor: PersonId,
        now: DateTime<Utc>,
    ) -> Result<Assignment, DomainError> {
        let status = self.status.transition(next)?;
        match status {
            AssignmentStatus::Approved => {
                check_approver(actor, self.requested_by, self.person_id)?;
                self.approved_by = Some(actor);
                self.approved_at = Some(now);
            }
            AssignmentStatus::Issued => self.issued_at = Some(now),
            AssignmentStatus::Returned | AssignmentStatus::Lost | AssignmentStatus::Rejected => {
                self.ended_at = Some(now)
            }
            AssignmentStatus::Requested => {}
        }
        self.status = status;
        self.version += 1;
        Ok(self)
    }

    pub fn holding(&self, kind: AssetKind) -> AssetHolding {
        AssetHolding {
            asset: self.asset_id,
            assignment: self.id,
            kind,
            status: self.status,
        }
    }
}

/// What an HR leaver needs to know of an asset assigned to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetHolding {
    pub asset: AssetId,
    pub assignment: AssignmentId,
    pub kind: AssetKind,
    pub status: AssignmentStatus,
}

#[cfg(test)]
mod tests {
    use super::*;
    use AssignmentStatus::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn person(n: u128) -> PersonId {
        PersonId::from_uuid(Uuid::from_u128(n))
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000 + seconds, 0).expect("valid time")
    }

    fn licence(seats: Option<u32>) -> Asset {
        Asset {
            id: AssetId::from_uuid(Uuid::from_u128(20)),
            org_id: OrgId::from_uuid(Uuid::from_u128(2)),
            kind: AssetKind::SoftwareLicence,
            tag: AssetTag::parse("LIC-VISIO").expect("valid"),
            serial: None,
            model: Some("Visio Plan 2".into()),
            seats,
            version: 1,
        }
    }

    fn requested() -> Assignment {
        Assignment {
            id: AssignmentId::from_uuid(Uuid::from_u128(30)),
            asset_id: AssetId::from_uuid(Uuid::from_u128(20)),
            person_id: person(1),
            requested_by: person(2),
            status: Requested,
            approved_by: None,
            requested_at: at(0),
            approved_at: None,
            issued_at: None,
            ended_at: None,
            version: 1,
        }
    }

    #[test]
    fn tags_are_upper_cased_and_bounded() {
        assert_eq!(
            AssetTag::parse(" lap-0042 ").map(String::from),
            Ok("LAP-0042".into())
        );
        assert!(AssetTag::parse(&"A".repeat(50)).is_ok());
        for bad in ["", "  ", "LAP 0042", "LAP_0042", "LÄP-1", &"A".repeat(51)] {
            assert!(AssetTag::parse(bad).is_err(), "{bad:?}");
        }
        assert!(serde_json::from_str::<AssetTag>("\"bad tag\"").is_err());
    }

    #[test]
    fn licences_have_seats_and_nothing_else_does() {
        assert_eq!(check_seats(AssetKind::SoftwareLicence, Some(1)), Ok(()));
        assert!(check_seats(AssetKind::SoftwareLicence, Some(0)).is_err());
        assert!(check_seats(AssetKind::SoftwareLicence, None).is_err());
        for &kind in AssetKind::ALL.iter().filter(|k| !k.is_licence()) {
            assert_eq!(check_seats(kind, None), Ok(()));
            assert!(check_seats(kind, Some(1)).is_err(), "{kind}");
        }
        assert_eq!(licence(Some(5)).validate(), Ok(()));
        let mut bad = licence(None);
        bad.serial = Some(" ".into());
        assert_eq!(bad.validate().expect_err("invalid").len(), 2);
    }

    #[test]
    fn seats_run_out_at_the_count() {
        assert!(seat_available(1, 0));
        assert!(!seat_available(1, 1));
        assert!(seat_available(5, 4));
        assert!(!seat_available(5, 5));
        assert!(!seat_available(5, 6));
        assert!(!licence(Some(2)).seat_available(2));
        let mut laptop = licence(None);
        laptop.kind = AssetKind::Laptop;
        assert!(laptop.seat_available(100));
    }

    #[test]
    fn approved_and_issued_assignments_are_the_active_ones() {
        let active: Vec<_> = AssignmentStatus::ALL
            .iter()
            .filter(|s| s.is_active())
            .map(|s| s.as_str())
            .collect();
        assert_eq!(active, ["approved", "issued"]);
        let held: Vec<_> = AssignmentStatus::ALL
            .iter()
            .filter(|s| s.is_held())
            .map(|s| s.as_str())
            .collect();
        assert_eq!(held, ["issued"]);
    }

    #[test]
    fn the_lifecycle_ends_returned_lost_or_rejected() {
        for path in [
            &[Approved, Issued, Returned][..],
            &[Approved, Issued, Lost][..],
            &[Rejected][..],
        ] {
            let mut status = Requested;
            for &next in path {
                status = status.transition(next).expect("allowed step");
            }
            assert!(status.is_final());
        }
        assert!(!Requested.can_become(Issued), "issue needs approval first");
        assert!(!Approved.can_become(Rejected));
        assert!(!Returned.can_become(Issued));
        assert_eq!(
            Lost.transition(Returned).expect_err("final").to_string(),
            "cannot change assignment status from lost to returned"
        );
    }

    #[test]
    fn approval_is_by_someone_else() {
        let refusal = requested()
            .transition(Approved, person(2), at(10))
            .expect_err("requester approving");
        assert_eq!(
            refusal,
            DomainError::NotPermitted(
                "an assignment is approved by someone other than its requester"
            )
        );
        assert!(
            requested().transition(Approved, person(1), at(10)).is_err(),
            "the assignee approving"
        );
        let approved = requested()
            .transition(Approved, person(3), at(10))
            .expect("another approves");
        assert_eq!(approved.approved_by, Some(person(3)));
        assert_eq!(approved.approved_at, Some(at(10)));
        let issued = approved
            .transition(Issued, person(2), at(20))
            .expect("issue");
        assert_eq!(issued.issued_at, Some(at(20)));
        assert_eq!(issued.holding(AssetKind::Laptop).status, Issued);
        let returned = issued
            .transition(Returned, person(1), at(30))
            .expect("return");
        assert_eq!(returned.ended_at, Some(at(30)));
        assert_eq!(returned.version, 4);
    }

    fn any_status() -> impl Strategy<Value = AssignmentStatus> {
        proptest::sample::select(AssignmentStatus::ALL)
    }

    proptest! {
        #[test]
        fn transition_agrees_with_can_become(from in any_status(), to in any_status()) {
            prop_assert_eq!(from.transition(to).is_ok(), from.can_become(to));
            if from.is_final() {
                prop_assert!(!from.can_become(to));
            }
        }

        #[test]
        fn seats_never_oversubscribe(seats in 1u32..50, requests in 0u32..100) {
            let mut active = 0;
            for _ in 0..requests {
                if seat_available(seats, active) {
                    active += 1;
                }
            }
            prop_assert_eq!(active, requests.min(seats));
        }

        #[test]
        fn parsed_tags_reparse_to_themselves(text in "[A-Za-z0-9 -]{0,60}") {
            if let Ok(tag) = AssetTag::parse(&text) {
                prop_assert_eq!(AssetTag::parse(tag.as_str()), Ok(tag.clone()));
                prop_assert!(tag.as_str().len() <= 50);
            }
        }
    }
}
