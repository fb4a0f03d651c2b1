//! Transfers of personal data to third countries or international organisations, UK GDPR
//! Chapter 5 as replaced by the Data (Use and Access) Act 2025 Sch 7 (Art 44A onward).

use serde::{Deserialize, Serialize};

use crate::closed_set;
use crate::ids::TransferId;

use super::violation::{RuleViolation, all_or_nothing, is_blank};

closed_set! {
    /// What makes a transfer lawful (Art 44A(2)): approval by regulations, safeguards (Art 46),
    /// or a derogation (Art 49).
    pub enum TransferMechanism for "mechanism" {
        /// Art 45A: transfers approved by regulations (adequacy regulations carried over).
        ApprovedByRegulations = "approved_by_regulations",
        /// Art 46(2)(d): the International Data Transfer Agreement issued by the Commissioner.
        Idta = "idta",
        /// Art 46(2)(d): the UK Addendum to the EU standard contractual clauses.
        UkAddendum = "uk_addendum",
        /// Art 46(2)(b), 47: binding corporate rules.
        BindingCorporateRules = "binding_corporate_rules",
        /// Art 49: a derogation for a specific situation.
        Derogation = "derogation",
        /// The EU "Model Contract Clauses" of 2001, 2004 and 2010: no safeguard for a UK transfer
        /// since 21 March 2024. Accepted on import of older notices, always flagged.
        LegacyModelClauses = "legacy_model_clauses",
    }
}

impl TransferMechanism {
    /// The provision the mechanism rests on.
    pub fn article(self) -> &'static str {
        match self {
            TransferMechanism::ApprovedByRegulations => "Art 45A",
            TransferMechanism::Idta | TransferMechanism::UkAddendum => "Art 46(2)(d)",
            TransferMechanism::BindingCorporateRules => "Art 46(2)(b), 47",
            TransferMechanism::Derogation => "Art 49",
            TransferMechanism::LegacyModelClauses => "Art 46",
        }
    }

    /// Whether this is the legacy Model Contract Clauses, which can no longer carry a UK transfer.
    pub fn is_legacy(self) -> bool {
        self == TransferMechanism::LegacyModelClauses
    }

    /// Art 46(1A)(a): a transfer on safeguards is lawful only if the controller or processor,
    /// acting reasonably and proportionately, considers the data protection test met, which is
    /// what a transfer risk assessment records. Regulations (Art 45A) and derogations (Art 49)
    /// need none.
    pub fn needs_risk_assessment(self) -> bool {
        matches!(
            self,
            TransferMechanism::Idta
                | TransferMechanism::UkAddendum
                | TransferMechanism::BindingCorporateRules
        )
    }
}

/// A transfer a purpose makes (Art 30(1)(e), 13(1)(f)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transfer {
    pub id: TransferId,
    /// The third country or international organisation, as precisely as the controller knows it.
    pub destination: String,
    pub mechanism: TransferMechanism,
    /// Where the transfer risk assessment is kept, for transfers on safeguards.
    pub risk_assessment_reference: Option<String>,
}

impl Transfer {
    /// Art 30(1)(e) asks for the destination to be identified; a risk assessment reference, when
    /// given, must point somewhere.
    pub fn validate(&self) -> Result<(), Vec<RuleViolation>> {
        let mut violations = Vec::new();
        if is_blank(&self.destination) {
            violations.push(RuleViolation::new(
                "destination",
                "Art 30(1)(e)",
                "a transfer names its third country or international organisation",
            ));
        }
        if self
            .risk_assessment_reference
            .as_deref()
            .is_some_and(is_blank)
        {
            violations.push(RuleViolation::new(
                "risk_assessment_reference",
                "Art 46(1A)",
                "a transfer risk assessment reference must say where the assessment is kept",
            ));
        }
        all_or_nothing(violations)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transfer(mechanism: TransferMechanism) -> Transfer {
        Transfer {
            id: TransferId::from_uuid(uuid::Uuid::from_u128(9)),
            destination: "United States".into(),
            mechanism,
            risk_assessment_reference: Some("TRA-7".into()),
        }
    }

    #[test]
    fn only_model_contract_clauses_are_legacy() {
        let legacy: Vec<TransferMechanism> = TransferMechanism::ALL
            .iter()
            .copied()
            .filter(|m| m.is_legacy())
            .collect();
        assert_eq!(legacy, [TransferMechanism::LegacyModelClauses]);
    }

    #[test]
    fn valid_safeguards_need_a_risk_assessment_and_the_rest_do_not() {
        use TransferMechanism::*;
        for &mechanism in TransferMechanism::ALL {
            let expected = matches!(mechanism, Idta | UkAddendum | BindingCorporateRules);
            assert_eq!(mechanism.needs_risk_assessment(), expected, "{mechanism}");
        }
        assert_eq!(ApprovedByRegulations.article(), "Art 45A");
        assert_eq!(Derogation.article(), "Art 49");
    }

    #[test]
    fn a_transfer_names_its_destination() {
        assert_eq!(transfer(TransferMechanism::Idta).validate(), Ok(()));
        let nowhere = Transfer {
            destination: "  ".into(),
            risk_assessment_reference: Some(String::new()),
            ..transfer(TransferMechanism::Idta)
        };
        let fields: Vec<&str> = nowhere
            .validate()
            .expect_err("blank destination")
            .iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(fields, ["destination", "risk_assessment_reference"]);
    }

    #[test]
    fn mechanisms_speak_snake_case() {
        let json = serde_json::to_string(&TransferMechanism::LegacyModelClauses).expect("json");
        assert_eq!(json, "\"legacy_model_clauses\"");
        assert_eq!("uk_addendum".parse(), Ok(TransferMechanism::UkAddendum));
    }
}
