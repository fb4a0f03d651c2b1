//! Purposes of processing: the entries of the register, each on one lawful basis (Art 6(1)),
//! with the special category condition (Art 9(2)) and the facts a privacy notice and an Art 30
//! record are made from.

use serde::{Deserialize, Serialize};

use crate::closed_set;
use crate::ids::{DataCategoryId, PurposeId, RecipientId, RetentionPolicyId, TransferId};

use super::binding::{Governs, governs_violations};
use super::data_category::DataCategory;
use super::lawful_basis::{LawfulBasis, RecognisedLegitimateInterest};
use super::rights::{ApplicableRight, RightsFacts, applicable_rights};
use super::special_category::{PolicyDocument, Schedule1Condition, SpecialCategoryCondition};
use super::violation::{RuleViolation, all_or_nothing, is_blank};

closed_set! {
    /// Whether the person must provide the data, and why (Art 13(2)(e)).
    pub enum ProvisionRequirement for "provision_requirement" {
        /// Required by law.
        Statutory = "statutory",
        /// Required by a contract with the person (for staff, the employment contract).
        Contractual = "contractual",
        /// Needed before a contract can be entered into.
        NeededToEnterContract = "needed_to_enter_contract",
        /// Not required: the person chooses (survey answers on consent).
        Voluntary = "voluntary",
    }
}

/// Where a purpose's data comes from: the person (Art 13) or elsewhere (Art 14(2)(f)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DataSource {
    /// Collected from the person themselves.
    pub from_data_subject: bool,
    /// The other sources, such as "HR system (joiners, movers and leavers)".
    pub other_sources: Option<String>,
}

impl DataSource {
    fn has_other_sources(&self) -> bool {
        self.other_sources.as_deref().is_some_and(|s| !is_blank(s))
    }
}

/// A purpose of processing, as the register holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Purpose {
    pub id: PurposeId,
    /// Art 30(1)(b), 13(1)(c): what the data is used for, in a phrase.
    pub name: String,
    pub description: String,
    pub lawful_basis: LawfulBasis,
    /// Art 6(5), Annex 1: the condition a 6(1)(ea) purpose meets.
    pub recognised_legitimate_interest: Option<RecognisedLegitimateInterest>,
    /// Whether the processing is done in performance of the organisation's tasks as a public
    /// authority (Art 6(1), words after point (f)).
    pub performs_public_task: bool,
    /// Art 13(1)(d): the legitimate interests pursued, required on basis 6(1)(f).
    pub legitimate_interests: Option<String>,
    /// Art 9(2): required where any data category of the purpose is special.
    pub special_category_condition: Option<SpecialCategoryCondition>,
    /// DPA 2018 s.10: the Schedule 1 condition that meets Art 9(2)(b), (g), (h), (i) or (j).
    pub schedule_1_condition: Option<Schedule1Condition>,
    /// DPA 2018 Sch 1 para 39: required with Art 9(2)(b) or (g).
    pub policy_document: Option<PolicyDocument>,
    /// Art 30(1)(c): whose data it is ("staff", "pupils", "parents").
    pub data_subject_categories: Vec<String>,
    pub data_categories: Vec<DataCategoryId>,
    pub recipients: Vec<RecipientId>,
    pub transfers: Vec<TransferId>,
    pub retention_policy: Option<RetentionPolicyId>,
    pub source: DataSource,
    pub provision_requirement: ProvisionRequirement,
    /// Art 20(1)(b): the processing is carried out by automated means (not paper alone).
    pub automated_means: bool,
    /// Art 22A: significant decisions are taken solely by automated means.
    pub automated_decision_making: bool,
    /// Art 13(2)(f), 14(2)(g): meaningful information about the logic of those decisions.
    pub automated_decision_logic: Option<String>,
    /// The kinds of desk record this purpose governs (its bindings). Absent from entries stored
    /// before bindings existed, which govern nothing until rewritten.
    #[serde(default)]
    pub governs: Vec<Governs>,
}

impl Purpose {
    /// Whether any of the purpose's data categories, found among `categories`, is special.
    /// Categories not listed on the purpose are ignored, so a caller may pass all of an
    /// organisation's categories.
    pub fn processes_special_category(&self, categories: &[DataCategory]) -> bool {
        categories
            .iter()
            .any(|c| c.special && self.data_categories.contains(&c.id))
    }

    /// The rules a purpose must meet to be stored, every breach reported at once:
    ///
    /// - special category data needs an Art 9(2) condition (Art 9(1));
    /// - 6(1)(f) needs the legitimate interests stated (Art 13(1)(d));
    /// - 6(1)(ea) needs its Annex 1 condition named (Art 6(5));
    /// - Art 9(2)(b), (g), (h), (i) and (j) need the matching Schedule 1 condition (DPA 2018
    ///   s.10), and no other condition takes one;
    /// - Art 9(2)(b) and (g) need an appropriate policy document (DPA 2018 Sch 1 para 1(1)(b),
    ///   para 5(1)) with a reference and an owner (para 39, 40);
    /// - automated decisions need their logic described (Art 13(2)(f));
    /// - data not collected from the person needs its source named (Art 14(2)(f));
    /// - the Art 30(1) record needs a name, a description, categories of data subjects and of
    ///   personal data.
    pub fn validate(&self, categories: &[DataCategory]) -> Result<(), Vec<RuleViolation>> {
        let mut violations = Vec::new();
        self.check_record(&mut violations);
        self.check_lawful_basis(&mut violations);
        self.check_special_category(categories, &mut violations);
        self.check_transparency(&mut violations);
        violations.extend(governs_violations(&self.governs));
        all_or_nothing(violations)
    }

    /// Whether the purpose rests on consent the person could withdraw (Art 7(3)): basis
    /// 6(1)(a), or explicit consent under Art 9(2)(a).
    pub fn rests_on_consent(&self) -> bool {
        self.lawful_basis.is_consent()
            || self
                .special_category_condition
                .is_some_and(SpecialCategoryCondition::is_explicit_consent)
    }

    /// The rights the people whose data this purpose holds may exercise, and why.
    pub fn rights(&self) -> Vec<ApplicableRight> {
        applicable_rights(&RightsFacts {
            lawful_basis: self.lawful_basis,
            special_category_condition: self.special_category_condition,
            automated_means: self.automated_means,
            automated_decision_making: self.automated_decision_making,
            from_data_subject: self.source.from_data_subject,
            from_other_sources: self.source.has_other_sources(),
        })
    }

    fn check_record(&self, violations: &mut Vec<RuleViolation>) {
        if is_blank(&self.name) {
            violations.push(RuleViolation::new(
                "name",
                "Art 30(1)(b)",
                "a purpose of processing is named",
            ));
        }
        if is_blank(&self.description) {
            violations.push(RuleViolation::new(
                "description",
                "Art 13(1)(c)",
                "a purpose says what the data is used for",
            ));
        }
        if self.data_subject_categories.is_empty()
            || self.data_subject_categories.iter().any(|c| is_blank(c))
        {
            violations.push(RuleViolation::new(
                "data_subject_categories",
                "Art 30(1)(c)",
                "a purpose names the categories of people whose data it holds",
            ));
        }
        if self.data_categories.is_empty() {
            violations.push(RuleViolation::new(
                "data_categories",
                "Art 30(1)(c)",
                "a purpose names the categories of personal data it holds",
            ));
        }
    }

    fn check_lawful_basis(&self, violations: &mut Vec<RuleViolation>) {
        let stated = self
            .legitimate_interests
            .as_deref()
            .is_some_and(|s| !is_blank(s));
        if self.lawful_basis == LawfulBasis::LegitimateInterests && !stated {
            violations.push(RuleViolation::new(
                "legitimate_interests",
                "Art 13(1)(d)",
                "basis 6(1)(f) needs the legitimate interests pursued stated",
            ));
        }
        if self.lawful_basis == LawfulBasis::RecognisedLegitimateInterest
            && self.recognised_legitimate_interest.is_none()
        {
            violations.push(RuleViolation::new(
                "recognised_legitimate_interest",
                "Art 6(5)",
                "basis 6(1)(ea) needs the Annex 1 condition it meets",
            ));
        }
    }

    fn check_special_category(
        &self,
        categories: &[DataCategory],
        violations: &mut Vec<RuleViolation>,
    ) {
        let Some(condition) = self.special_category_condition else {
            if self.processes_special_category(categories) {
                violations.push(RuleViolation::new(
                    "special_category_condition",
                    "Art 9(1)",
                    "special category data needs an Art 9(2) condition",
                ));
            }
            if self.schedule_1_condition.is_some() {
                violations.push(RuleViolation::new(
                    "schedule_1_condition",
                    "DPA 2018 s.10",
                    "a Schedule 1 condition serves only an Art 9(2) condition that needs one",
                ));
            }
            return;
        };
        match (condition.schedule_1_section(), self.schedule_1_condition) {
            (Some(section), None) => violations.push(RuleViolation::new(
                "schedule_1_condition",
                section,
                format!(
                    "{} is met only through {}",
                    condition.article(),
                    schedule_1_options(condition)
                ),
            )),
            (Some(section), Some(given)) if !condition.schedule_1_conditions().contains(&given) => {
                violations.push(RuleViolation::new(
                    "schedule_1_condition",
                    section,
                    format!(
                        "{} is met only through {}, not {}",
                        condition.article(),
                        schedule_1_options(condition),
                        given.citation()
                    ),
                ))
            }
            (None, Some(_)) => violations.push(RuleViolation::new(
                "schedule_1_condition",
                "DPA 2018 s.10",
                format!("{} is not met through Schedule 1", condition.article()),
            )),
            _ => {}
        }
        if let Some(provision) = condition.policy_document_provision() {
            match &self.policy_document {
                None => violations.push(RuleViolation::new(
                    "policy_document",
                    provision,
                    format!(
                        "{} processing needs an appropriate policy document (Sch 1 para 39)",
                        condition.article()
                    ),
                )),
                Some(document) => violations.extend(document.violations()),
            }
        } else if let Some(document) = &self.policy_document {
            violations.extend(document.violations());
        }
    }

    fn check_transparency(&self, violations: &mut Vec<RuleViolation>) {
        let logic = self
            .automated_decision_logic
            .as_deref()
            .is_some_and(|s| !is_blank(s));
        if self.automated_decision_making && !logic {
            violations.push(RuleViolation::new(
                "automated_decision_logic",
                "Art 13(2)(f)",
                "automated decision-making needs meaningful information about the logic involved",
            ));
        }
        if !self.source.from_data_subject && !self.source.has_other_sources() {
            violations.push(RuleViolation::new(
                "source",
                "Art 14(2)(f)",
                "data not collected from the person needs its source named",
            ));
        }
    }
}

/// The Schedule 1 conditions an Art 9(2) condition may use, as a message names them.
fn schedule_1_options(condition: SpecialCategoryCondition) -> String {
    match condition.schedule_1_conditions() {
        [only] => only.citation(),
        _ => "a condition in DPA 2018 Sch 1 Part 2 (paras 6 to 28)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::demo as seeds;
    use crate::register::rights::{Right, RightExtent};

    fn fields(result: Result<(), Vec<RuleViolation>>) -> Vec<&'static str> {
        result
            .err()
            .unwrap_or_default()
            .iter()
            .map(|v| v.field)
            .collect()
    }

    fn messages(result: Result<(), Vec<RuleViolation>>) -> Vec<String> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.message)
            .collect()
    }

    #[test]
    fn every_seed_register_is_valid_as_imported() {
        for register in seeds::all() {
            for purpose in &register.purposes {
                assert_eq!(
                    purpose.validate(&register.data_categories),
                    Ok(()),
                    "{}: {}",
                    register.slug,
                    purpose.name
                );
            }
        }
    }

    #[test]
    fn cabinet_office_health_details_as_published_lack_schedule_1_and_policy_document() {
        // The notice names Art 9(2)(b) (employment law) and nothing more; DPA 2018 s.10(2) and
        // Sch 1 para 1(1)(b) ask for the Schedule 1 condition and a policy document.
        let register = seeds::cabinet_office();
        let as_published = seeds::cabinet_office_support_as_published();
        let result = as_published.validate(&register.data_categories);
        assert_eq!(
            fields(result.clone()),
            ["schedule_1_condition", "policy_document"]
        );
        assert_eq!(
            messages(result),
            [
                "DPA 2018 s.10(2): Art 9(2)(b) is met only through DPA 2018 Sch 1 para 1",
                "DPA 2018 Sch 1 para 1(1)(b): Art 9(2)(b) processing needs an appropriate policy \
                 document (Sch 1 para 39)",
            ]
        );
    }

    #[test]
    fn special_category_data_without_a_condition_is_refused() {
        // Derby: disability information for reasonable adjustments, with the condition removed.
        let register = seeds::derby();
        let mut purpose = seeds::purpose_named(&register, "Reasonable adjustments");
        purpose.special_category_condition = None;
        purpose.schedule_1_condition = None;
        purpose.policy_document = None;
        let result = purpose.validate(&register.data_categories);
        assert_eq!(
            messages(result),
            ["Art 9(1): special category data needs an Art 9(2) condition"]
        );
    }

    #[test]
    fn the_condition_is_needed_only_when_a_category_is_special() {
        let register = seeds::devon();
        let tickets = seeds::purpose_named(&register, "Support tickets");
        assert!(!tickets.processes_special_category(&register.data_categories));
        assert_eq!(tickets.validate(&register.data_categories), Ok(()));
        let safeguarding = seeds::purpose_named(&register, "Safeguarding disclosures");
        assert!(safeguarding.processes_special_category(&register.data_categories));
        // Categories not on the purpose do not count, even when special.
        assert!(!tickets.processes_special_category(&register.data_categories[2..]));
    }

    #[test]
    fn legitimate_interests_need_stating() {
        let register = seeds::derby();
        let mut purpose = seeds::purpose_named(&register, "Information and cyber security");
        purpose.legitimate_interests = Some("  ".into());
        assert_eq!(
            messages(purpose.validate(&register.data_categories)),
            ["Art 13(1)(d): basis 6(1)(f) needs the legitimate interests pursued stated"]
        );
    }

    #[test]
    fn recognised_legitimate_interest_needs_its_annex_1_condition() {
        let register = seeds::derby();
        let mut purpose = seeds::purpose_named(&register, "Information and cyber security");
        purpose.lawful_basis = LawfulBasis::RecognisedLegitimateInterest;
        assert_eq!(
            fields(purpose.validate(&register.data_categories)),
            ["recognised_legitimate_interest"]
        );
        purpose.recognised_legitimate_interest = Some(RecognisedLegitimateInterest::Crime);
        assert_eq!(purpose.validate(&register.data_categories), Ok(()));
    }

    #[test]
    fn the_schedule_1_condition_must_match_the_article_9_condition() {
        // Devon's 9(2)(h) safeguarding disclosures go through Sch 1 para 2, not para 18.
        let register = seeds::devon();
        let mut purpose = seeds::purpose_named(&register, "Safeguarding disclosures");
        purpose.schedule_1_condition =
            Some(Schedule1Condition::SafeguardingChildrenAndIndividualsAtRisk);
        assert_eq!(
            messages(purpose.validate(&register.data_categories)),
            [
                "DPA 2018 s.10(2): Art 9(2)(h) is met only through DPA 2018 Sch 1 para 2, not DPA \
              2018 Sch 1 para 18"
            ]
        );
        // Para 18 is a substantial public interest condition, so 9(2)(g) may use it, given a
        // policy document.
        purpose.special_category_condition =
            Some(SpecialCategoryCondition::SubstantialPublicInterest);
        assert_eq!(
            fields(purpose.validate(&register.data_categories)),
            ["policy_document"]
        );
        purpose.schedule_1_condition = None;
        assert_eq!(
            messages(purpose.validate(&register.data_categories))[0],
            "DPA 2018 s.10(3): Art 9(2)(g) is met only through a condition in DPA 2018 Sch 1 \
             Part 2 (paras 6 to 28)"
        );
    }

    #[test]
    fn a_schedule_1_condition_without_a_condition_that_takes_one_is_refused() {
        let register = seeds::cabinet_office();
        let mut surveys = seeds::purpose_named(&register, "Satisfaction surveys");
        surveys.schedule_1_condition = Some(Schedule1Condition::Employment);
        assert_eq!(
            fields(surveys.validate(&register.data_categories)),
            ["schedule_1_condition"]
        );
        surveys.special_category_condition = Some(SpecialCategoryCondition::ExplicitConsent);
        assert_eq!(
            messages(surveys.validate(&register.data_categories)),
            ["DPA 2018 s.10: Art 9(2)(a) is not met through Schedule 1"]
        );
    }

    #[test]
    fn a_policy_document_needs_its_reference_and_owner() {
        let register = seeds::cabinet_office();
        let mut support = seeds::purpose_named(&register, "IT requests and incidents");
        if let Some(document) = support.policy_document.as_mut() {
            document.owner = String::new();
        }
        assert_eq!(
            fields(support.validate(&register.data_categories)),
            ["policy_document.owner"]
        );
    }

    #[test]
    fn automated_decisions_need_their_logic_and_other_sources_their_names() {
        let register = seeds::devon();
        let mut purpose = seeds::purpose_named(&register, "Support tickets");
        purpose.automated_decision_making = true;
        purpose.source = DataSource {
            from_data_subject: false,
            other_sources: None,
        };
        assert_eq!(
            fields(purpose.validate(&register.data_categories)),
            ["automated_decision_logic", "source"]
        );
        purpose.automated_decision_logic = Some("Tickets are routed by keyword rules".into());
        purpose.source.other_sources = Some("Schools' management information systems".into());
        assert_eq!(purpose.validate(&register.data_categories), Ok(()));
    }

    #[test]
    fn every_violation_is_reported_at_once() {
        let register = seeds::derby();
        let mut purpose = seeds::purpose_named(&register, "Reasonable adjustments");
        purpose.name = String::new();
        purpose.description = " ".into();
        purpose.data_subject_categories = vec![];
        purpose.data_categories.retain(|_| false);
        purpose.lawful_basis = LawfulBasis::LegitimateInterests;
        purpose.legitimate_interests = None;
        purpose.schedule_1_condition = None;
        purpose.policy_document = None;
        assert_eq!(
            fields(purpose.validate(&register.data_categories)),
            [
                "name",
                "description",
                "data_subject_categories",
                "data_categories",
                "legitimate_interests",
                "schedule_1_condition",
                "policy_document",
            ]
        );
    }

    #[test]
    fn seed_rights_follow_their_bases() {
        // Cabinet Office surveys on consent: portability and withdrawal.
        let cabinet = seeds::cabinet_office();
        let surveys = seeds::purpose_named(&cabinet, "Satisfaction surveys").rights();
        let has = |rights: &[ApplicableRight], right| rights.iter().any(|r| r.right == right);
        assert!(has(&surveys, Right::Portability));
        assert!(has(&surveys, Right::WithdrawConsent));
        // Cabinet Office support on the employment contract: portability, no withdrawal, and
        // objection only to direct marketing, as the notice says.
        let support = seeds::purpose_named(&cabinet, "IT requests and incidents").rights();
        assert!(has(&support, Right::Portability));
        assert!(!has(&support, Right::WithdrawConsent));
        let objection = support.iter().find(|r| r.right == Right::Objection);
        assert_eq!(
            objection.map(|r| r.extent),
            Some(RightExtent::DirectMarketingOnly)
        );
        // Devon on public task: objection, no portability, erasure limited by 17(3)(b).
        let devon = seeds::devon();
        let tickets = seeds::purpose_named(&devon, "Support tickets").rights();
        assert!(!has(&tickets, Right::Portability));
        let objection = tickets.iter().find(|r| r.right == Right::Objection);
        assert_eq!(objection.map(|r| r.extent), Some(RightExtent::Full));
        let erasure = tickets.iter().find(|r| r.right == Right::Erasure);
        assert_eq!(erasure.map(|r| r.article), Some("Art 17(3)(b)"));
        // Neither notice declares automated decisions.
        assert!(!has(&tickets, Right::AutomatedDecisionSafeguards));
    }

    #[test]
    fn purposes_round_trip_through_json() {
        let register = seeds::cabinet_office();
        for purpose in &register.purposes {
            let json = serde_json::to_value(purpose).expect("serialises");
            assert!(json["lawful_basis"].is_string());
            let back: Purpose = serde_json::from_value(json).expect("deserialises");
            assert_eq!(&back, purpose);
        }
        let support = seeds::purpose_named(&register, "IT requests and incidents");
        let json = serde_json::to_value(&support).expect("serialises");
        assert_eq!(json["lawful_basis"], "b");
        assert_eq!(json["special_category_condition"], "b");
        assert_eq!(json["schedule_1_condition"], "employment");
    }
}
