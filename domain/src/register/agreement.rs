//! Processing agreements: a processor acting on a controller's behalf under a contract that
//! binds it to the controller's instructions (Art 28(3)). One organisation can be controller for
//! itself and processor for others (the Cabinet Office processes for DCMS and DExEU).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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
}

impl ProcessingAgreement {
    /// Whether the processor may act for the controller on `today`: from the first day to the
    /// last, both included.
    pub fn in_force(&self, today: NaiveDate) -> bool {
        self.starts_on <= today && self.ends_on.is_none_or(|end| today <= end)
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
        }
    }

    #[test]
    fn in_force_from_the_first_day_to_the_last() {
        let agreement = dcms();
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
