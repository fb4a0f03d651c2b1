//! Accounts: the email, network, application and shared-folder access granted to a person, each
//! changed through an account request ticket and recorded.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, OrgId, PersonId};
use crate::people::check_text;
use crate::{DomainError, closed_set};

closed_set! {
    /// What an account gives access to.
    pub enum AccountKind for "kind" {
        Email = "email",
        Network = "network",
        Application = "application",
        SharedFolder = "shared_folder",
    }
}

closed_set! {
    /// Where an account is in its life. `removed` is final: a removed account is never
    /// reinstated, a new one is requested.
    pub enum AccountStatus for "status" {
        Requested = "requested",
        Active = "active",
        Suspended = "suspended",
        Removed = "removed",
    }
}

impl AccountStatus {
    /// requested → active | removed; active → suspended | removed; suspended → active | removed;
    /// removed → nothing.
    pub fn can_become(self, next: AccountStatus) -> bool {
        use AccountStatus::*;
        matches!(
            (self, next),
            (Requested, Active | Removed)
                | (Active, Suspended | Removed)
                | (Suspended, Active | Removed)
        )
    }

    /// The state after a requested transition, or the refusal naming both states.
    pub fn transition(self, next: AccountStatus) -> Result<AccountStatus, DomainError> {
        if self.can_become(next) {
            Ok(next)
        } else {
            Err(DomainError::IllegalTransition {
                entity: "account",
                from: self.as_str(),
                to: next.as_str(),
            })
        }
    }

    pub fn is_final(self) -> bool {
        self == AccountStatus::Removed
    }

    /// Whether the account gives access, or will once set up: everything but `removed`. A
    /// leaver's live accounts are each asked to be removed (Art 5(1)(e) and (f): access ends
    /// with the need for it).
    pub fn is_live(self) -> bool {
        !self.is_final()
    }
}

/// Segregation of duties (ISO/IEC 27001:2022 Annex A 5.3, 5.18): no one approves access for
/// themselves. `approver` must not be `account_for`.
pub fn check_approver(approver: PersonId, account_for: PersonId) -> Result<(), DomainError> {
    if approver == account_for {
        Err(DomainError::NotPermitted(
            "an account is approved by someone other than the person it is for",
        ))
    } else {
        Ok(())
    }
}

/// An account as the desk holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: AccountId,
    pub org_id: OrgId,
    pub kind: AccountKind,
    /// The system the account is in ("Microsoft 365", "Finance ledger").
    pub system: String,
    /// The account's name in that system (a user name, a mailbox, a folder path).
    pub identifier: String,
    /// The person the account is for.
    pub person_id: PersonId,
    pub status: AccountStatus,
    /// Who approved it (set when it first became active).
    pub approved_by: Option<PersonId>,
    pub granted_at: Option<DateTime<Utc>>,
    pub removed_at: Option<DateTime<Utc>>,
    /// Bumped by every change; the ETag of the account.
    pub version: i64,
}

impl Account {
    pub const MAX_TEXT_LEN: usize = 200;

    /// Every field error at once: the system and identifier say something and fit.
    pub fn validate(&self) -> Result<(), Vec<DomainError>> {
        let errors: Vec<DomainError> = [("system", &self.system), ("identifier", &self.identifier)]
            .into_iter()
            .filter_map(|(field, value)| check_text(field, value, Self::MAX_TEXT_LEN, false).err())
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The account after `actor` moves it to `next` at `now`. Granting a requested account is
    /// its approval: the approver must not be the person it is for, and is recorded with the
    /// time. Removal is stamped. Other transitions only change the status.
    pub fn transition(
        mut self,
        next: AccountStatus,
        actor: PersonId,
        now: DateTime<Utc>,
    ) -> Result<Account, DomainError> {
        let status = self.status.transition(next)?;
        match (self.status, status) {
            (AccountStatus::Requested, AccountStatus::Active) => {
                check_approver(actor, self.person_id)?;
                self.approved_by = Some(actor);
                self.granted_at = Some(now);
            }
            (_, AccountStatus::Removed) => self.removed_at = Some(now),
            _ => {}
        }
        self.status = status;
        self.version += 1;
        Ok(self)
    }

    pub fn summary(&self) -> AccountSummary {
        AccountSummary {
            id: self.id,
            kind: self.kind,
            status: self.status,
        }
    }
}

/// What an HR leaver needs to know of a person's account: which, what kind, and whether it is
/// live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub id: AccountId,
    pub kind: AccountKind,
    pub status: AccountStatus,
}

#[cfg(test)]
mod tests {
    use super::*;
    use AccountStatus::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn person(n: u128) -> PersonId {
        PersonId::from_uuid(Uuid::from_u128(n))
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000 + seconds, 0).expect("valid time")
    }

    fn requested() -> Account {
        Account {
            id: AccountId::from_uuid(Uuid::from_u128(10)),
            org_id: OrgId::from_uuid(Uuid::from_u128(2)),
            kind: AccountKind::Network,
            system: "Active Directory".into(),
            identifier: "jbloggs".into(),
            person_id: person(1),
            status: Requested,
            approved_by: None,
            granted_at: None,
            removed_at: None,
            version: 1,
        }
    }

    #[test]
    fn the_lifecycle_runs_from_requested_to_removed() {
        let mut status = Requested;
        for next in [Active, Suspended, Active, Removed] {
            status = status.transition(next).expect("allowed step");
        }
        assert!(status.is_final());
        assert_eq!(Requested.transition(Removed), Ok(Removed));
    }

    #[test]
    fn removed_is_final_and_requests_are_not_suspended() {
        for &next in AccountStatus::ALL {
            assert!(!Removed.can_become(next), "removed must not become {next}");
        }
        assert!(!Requested.can_become(Suspended));
        assert!(!Suspended.can_become(Requested));
        assert_eq!(
            Removed.transition(Active).expect_err("final").to_string(),
            "cannot change account status from removed to active"
        );
    }

    #[test]
    fn only_removed_accounts_are_not_live() {
        let live: Vec<_> = AccountStatus::ALL
            .iter()
            .filter(|s| s.is_live())
            .map(|s| s.as_str())
            .collect();
        assert_eq!(live, ["requested", "active", "suspended"]);
    }

    #[test]
    fn no_one_approves_their_own_account() {
        assert_eq!(check_approver(person(2), person(1)), Ok(()));
        assert!(matches!(
            check_approver(person(1), person(1)),
            Err(DomainError::NotPermitted(_))
        ));
        let refusal = requested()
            .transition(Active, person(1), at(0))
            .expect_err("self-approval");
        assert_eq!(
            refusal.to_string(),
            "an account is approved by someone other than the person it is for"
        );
    }

    #[test]
    fn granting_records_the_approver_and_removal_the_time() {
        let granted = requested()
            .transition(Active, person(7), at(60))
            .expect("approved by another");
        assert_eq!(granted.approved_by, Some(person(7)));
        assert_eq!(granted.granted_at, Some(at(60)));
        assert_eq!(granted.version, 2);
        // Reinstating a suspended account is not a fresh approval, so the person's own action
        // (say, an automated unlock) does not trip the approval rule.
        let suspended = granted
            .transition(Suspended, person(7), at(120))
            .expect("suspend");
        let reinstated = suspended
            .transition(Active, person(1), at(180))
            .expect("reinstate");
        assert_eq!(reinstated.approved_by, Some(person(7)));
        assert_eq!(reinstated.granted_at, Some(at(60)));
        let removed = reinstated
            .transition(Removed, person(7), at(240))
            .expect("remove");
        assert_eq!(removed.removed_at, Some(at(240)));
        assert_eq!(removed.summary().status, Removed);
        assert!(
            removed
                .clone()
                .transition(Active, person(7), at(300))
                .is_err()
        );
    }

    #[test]
    fn system_and_identifier_are_required() {
        assert_eq!(requested().validate(), Ok(()));
        let mut account = requested();
        account.system = " ".into();
        account.identifier = "x".repeat(201);
        let errors = account.validate().expect_err("invalid");
        assert_eq!(errors.len(), 2);
    }

    fn any_status() -> impl Strategy<Value = AccountStatus> {
        proptest::sample::select(AccountStatus::ALL)
    }

    proptest! {
        #[test]
        fn transition_agrees_with_can_become(from in any_status(), to in any_status()) {
            prop_assert_eq!(from.transition(to).is_ok(), from.can_become(to));
            prop_assert!(!from.can_become(from), "no transition to the same state");
        }
    }
}
