//! Processing agreements: a processor acting on a controller's behalf under a contract that
//! binds it to the controller's instructions (Art 28(3)). One organisation can be controller for
//! itself and processor for others (the Cabinet Office processes for DCMS and DExEU).
//!
//! A contract binds both parties, so one organisation's record of it binds no one else: the
//! controller proposes, and the agreement binds the processor only once the processor accepts
//! it. Either party withdrawing ends it. Changed terms are a new proposal.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::ids::{AgreementId, OrgId, PurposeId};

use super::violation::{RuleViolation, all_or_nothing, is_blank};

/// A contract under which `processor` processes `controller`'s data for the purposes in scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessingAgreement {
    pub id: AgreementId,
    pub controller: OrgId,
    pub processor: OrgId,
    /// The controller's purposes the processor acts for (Art 28(3): subject matter and purpose).
    pub purposes: Vec<PurposeId>,
    /// Art 28(3), 30(2)(b): the nature of the processing carried out for the controller.
    pub processing: String,
    /// Where the signed contract is kept.
    pub contract_reference: Option<String>,
    pub starts_on: NaiveDate,
    /// The last day the agreement is in force; open-ended when absent.
    pub ends_on: Option<NaiveDate>,
    /// Where it stands between the parties. Agreements recorded before acceptance existed
    /// carry none, and are proposals.
    #[serde(default)]
    pub standing: Standing,
}

/// One party's act on an agreement: which organisation, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyAct {
    pub by: OrgId,
    pub at: DateTime<Utc>,
}

/// Where an agreement stands between its parties.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Standing {
    /// Recorded by the controller; binds no one until the processor accepts it.
    #[default]
    Proposed,
    /// Accepted by the processor: the contract binds both.
    Accepted { accepted: PartyAct },
    /// Withdrawn by either party: ended for good. `accepted` if it had been.
    Withdrawn {
        accepted: Option<PartyAct>,
        withdrawn: PartyAct,
    },
}

/// Where an agreement stands, by name: `proposed`, `accepted` or `withdrawn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AgreementStatus {
    Proposed,
    Accepted,
    Withdrawn,
}

impl Standing {
    pub fn status(&self) -> AgreementStatus {
        match self {
            Standing::Proposed => AgreementStatus::Proposed,
            Standing::Accepted { .. } => AgreementStatus::Accepted,
            Standing::Withdrawn { .. } => AgreementStatus::Withdrawn,
        }
    }

    /// When and by whom it was accepted, if it was (and still, when withdrawn since).
    pub fn accepted(&self) -> Option<PartyAct> {
        match *self {
            Standing::Proposed => None,
            Standing::Accepted { accepted } => Some(accepted),
            Standing::Withdrawn { accepted, .. } => accepted,
        }
    }

    pub fn withdrawn(&self) -> Option<PartyAct> {
        match *self {
            Standing::Withdrawn { withdrawn, .. } => Some(withdrawn),
            _ => None,
        }
    }
}

impl ProcessingAgreement {
    /// Whether the processor may act for the controller on `today` (Art 28(3), 29): accepted
    /// by the processor, not withdrawn, and dated to cover `today`, first and last day included.
    pub fn in_force(&self, today: NaiveDate) -> bool {
        self.binds() && self.starts_on <= today && self.ends_on.is_none_or(|end| today <= end)
    }

    /// Whether the contract binds both parties (accepted, not withdrawn), whatever its dates:
    /// what lets each read the other's organisation details.
    pub fn binds(&self) -> bool {
        self.standing.status() == AgreementStatus::Accepted
    }

    /// The agreement accepted by organisation `by` at `at`. Only the processor accepts (the
    /// controller proposed it), and only a proposal.
    pub fn accept(&self, by: OrgId, at: DateTime<Utc>) -> Result<Self, DomainError> {
        if by != self.processor {
            return Err(DomainError::NotPermitted(
                "only the processor accepts a processing agreement: the controller proposes it",
            ));
        }
        match self.standing {
            Standing::Proposed => Ok(Self {
                standing: Standing::Accepted {
                    accepted: PartyAct { by, at },
                },
                ..self.clone()
            }),
            Standing::Accepted { .. } => Err(DomainError::Conflict(
                "the processing agreement is already accepted",
            )),
            Standing::Withdrawn { .. } => Err(DomainError::Conflict(
                "a withdrawn processing agreement has ended and cannot be accepted",
            )),
        }
    }

    /// The agreement withdrawn by organisation `by` at `at`: either party may, proposed or
    /// accepted, and it ends for good.
    pub fn withdraw(&self, by: OrgId, at: DateTime<Utc>) -> Result<Self, DomainError> {
        if by != self.processor && by != self.controller {
            return Err(DomainError::NotPermitted(
                "only a party to a processing agreement withdraws it",
            ));
        }
        if self.standing.status() == AgreementStatus::Withdrawn {
            return Err(DomainError::Conflict(
                "the processing agreement is already withdrawn",
            ));
        }
        Ok(Self {
            standing: Standing::Withdrawn {
                accepted: self.standing.accepted(),
                withdrawn: PartyAct { by, at },
            },
            ..self.clone()
        })
    }

    /// This agreement with the terms of `next` (the controller's change): unchanged terms keep
    /// where it stands; changed terms are a new proposal the processor must accept. A
    /// withdrawn agreement has ended: new terms are a new agreement.
    pub fn revised(&self, next: ProcessingAgreement) -> Result<Self, DomainError> {
        if self.standing.status() == AgreementStatus::Withdrawn {
            return Err(DomainError::Conflict(
                "a withdrawn processing agreement has ended: record a new one",
            ));
        }
        let same_terms = Self {
            standing: self.standing,
            ..next.clone()
        } == *self;
        Ok(Self {
            standing: if same_terms {
                self.standing
            } else {
                Standing::Proposed
            },
            ..next
        })
    }

    /// Whether the agreement covers `purpose`.
    pub fn covers(&self, purpose: PurposeId) -> bool {
        self.purposes.contains(&purpose)
    }

    /// Art 28(3): the contract sets out the subject matter, duration, nature and purpose of the
    /// processing, between two different organisations.
    pub fn validate(&self) -> Result<(), Vec<RuleViolation>> {
        let mut violations = Vec::new();
        if self.controller == self.processor {
            violations.push(RuleViolation::new(
                "processor",
                "Art 28(1)",
                "a processor processes on behalf of another organisation, not itself",
            ));
        }
        if self.purposes.is_empty() {
            violations.push(RuleViolation::new(
                "purposes",
                "Art 28(3)",
                "an agreement names the controller's purposes it covers",
            ));
        }
        if is_blank(&self.processing) {
            violations.push(RuleViolation::new(
                "processing",
                "Art 28(3), 30(2)(b)",
                "an agreement describes the processing carried out for the controller",
            ));
        }
        if self.contract_reference.as_deref().is_some_and(is_blank) {
            violations.push(RuleViolation::new(
                "contract_reference",
                "Art 28(9)",
                "a contract reference says where the contract is kept",
            ));
        }
        if self.ends_on.is_some_and(|end| end < self.starts_on) {
            violations.push(RuleViolation::new(
                "ends_on",
                "Art 28(3)",
                "an agreement ends on or after the day it starts",
            ));
        }
        all_or_nothing(violations)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    /// The Cabinet Office processing for DCMS.
    fn dcms() -> ProcessingAgreement {
        ProcessingAgreement {
            id: AgreementId::from_uuid(Uuid::from_u128(1)),
            controller: OrgId::from_uuid(Uuid::from_u128(2)),
            processor: OrgId::from_uuid(Uuid::from_u128(3)),
            purposes: vec![PurposeId::from_uuid(Uuid::from_u128(4))],
            processing: "IT Service Desk platform for DCMS staff".into(),
            contract_reference: None,
            starts_on: date(2018, 12, 17),
            ends_on: Some(date(2027, 3, 31)),
            standing: Standing::Proposed,
        }
    }

    fn at(day: u32) -> DateTime<Utc> {
        date(2026, 1, day)
            .and_hms_opt(9, 0, 0)
            .expect("time")
            .and_utc()
    }

    /// [`dcms`] as accepted by the processor.
    fn accepted() -> ProcessingAgreement {
        let proposal = dcms();
        proposal
            .accept(proposal.processor, at(1))
            .expect("accepted")
    }

    #[test]
    fn in_force_from_the_first_day_to_the_last() {
        let agreement = accepted();
        assert!(!agreement.in_force(date(2018, 12, 16)));
        assert!(agreement.in_force(date(2018, 12, 17)));
        assert!(agreement.in_force(date(2027, 3, 31)));
        assert!(!agreement.in_force(date(2027, 4, 1)));
        let open = ProcessingAgreement {
            ends_on: None,
            ..agreement
        };
        assert!(open.in_force(date(2099, 1, 1)));
    }

    #[test]
    fn a_proposal_or_a_withdrawn_agreement_is_never_in_force() {
        let proposal = dcms();
        assert!(!proposal.in_force(date(2026, 1, 1)));
        assert!(!proposal.binds());
        let accepted = accepted();
        assert!(accepted.in_force(date(2026, 1, 1)));
        assert!(accepted.binds());
        let withdrawn = accepted
            .withdraw(accepted.controller, at(2))
            .expect("withdrawn");
        assert!(!withdrawn.in_force(date(2026, 1, 2)));
        assert!(!withdrawn.binds());
    }

    #[test]
    fn only_the_processor_accepts_and_only_a_proposal() {
        let proposal = dcms();
        assert!(matches!(
            proposal.accept(proposal.controller, at(1)),
            Err(DomainError::NotPermitted(_))
        ));
        let stranger = OrgId::from_uuid(Uuid::from_u128(9));
        assert!(matches!(
            proposal.accept(stranger, at(1)),
            Err(DomainError::NotPermitted(_))
        ));
        let accepted = accepted();
        assert_eq!(accepted.standing.status(), AgreementStatus::Accepted);
        assert_eq!(
            accepted.standing.accepted(),
            Some(PartyAct {
                by: accepted.processor,
                at: at(1)
            })
        );
        assert!(matches!(
            accepted.accept(accepted.processor, at(2)),
            Err(DomainError::Conflict(_))
        ));
        let withdrawn = proposal
            .withdraw(proposal.processor, at(2))
            .expect("declined");
        assert!(matches!(
            withdrawn.accept(withdrawn.processor, at(3)),
            Err(DomainError::Conflict(_))
        ));
    }

    #[test]
    fn either_party_withdraws_once_and_it_keeps_when_it_was_accepted() {
        for party in [dcms().controller, dcms().processor] {
            let withdrawn = accepted().withdraw(party, at(5)).expect("withdrawn");
            assert_eq!(withdrawn.standing.status(), AgreementStatus::Withdrawn);
            assert_eq!(
                withdrawn.standing.withdrawn(),
                Some(PartyAct {
                    by: party,
                    at: at(5)
                })
            );
            assert_eq!(withdrawn.standing.accepted().map(|a| a.at), Some(at(1)));
            assert!(matches!(
                withdrawn.withdraw(party, at(6)),
                Err(DomainError::Conflict(_))
            ));
        }
        let stranger = OrgId::from_uuid(Uuid::from_u128(9));
        assert!(matches!(
            accepted().withdraw(stranger, at(5)),
            Err(DomainError::NotPermitted(_))
        ));
    }

    #[test]
    fn changed_terms_are_a_new_proposal_and_the_same_terms_change_nothing() {
        let accepted = accepted();
        assert_eq!(accepted.revised(dcms()), Ok(accepted.clone()));
        let longer = ProcessingAgreement {
            ends_on: Some(date(2030, 3, 31)),
            ..dcms()
        };
        let revised = accepted.revised(longer).expect("revised");
        assert_eq!(revised.standing, Standing::Proposed);
        assert_eq!(revised.ends_on, Some(date(2030, 3, 31)));
        let withdrawn = accepted
            .withdraw(accepted.processor, at(2))
            .expect("withdrawn");
        assert!(matches!(
            withdrawn.revised(dcms()),
            Err(DomainError::Conflict(_))
        ));
    }

    #[test]
    fn an_agreement_stored_before_acceptance_existed_is_a_proposal() {
        let mut stored = serde_json::to_value(dcms()).expect("serialises");
        stored
            .as_object_mut()
            .expect("an object")
            .remove("standing");
        let read: ProcessingAgreement = serde_json::from_value(stored).expect("reads");
        assert_eq!(read.standing, Standing::Proposed);
    }

    #[test]
    fn covers_only_its_purposes() {
        let agreement = dcms();
        assert!(agreement.covers(PurposeId::from_uuid(Uuid::from_u128(4))));
        assert!(!agreement.covers(PurposeId::from_uuid(Uuid::from_u128(5))));
    }

    #[test]
    fn an_agreement_binds_two_organisations_for_named_purposes_and_a_term() {
        assert_eq!(dcms().validate(), Ok(()));
        let mut bad = dcms();
        bad.processor = bad.controller;
        bad.purposes.clear();
        bad.processing = String::new();
        bad.contract_reference = Some(" ".into());
        bad.ends_on = Some(date(2018, 12, 16));
        let fields: Vec<&str> = bad
            .validate()
            .expect_err("refused")
            .iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(
            fields,
            [
                "processor",
                "purposes",
                "processing",
                "contract_reference",
                "ends_on"
            ]
        );
    }
}
