//! Special category data: the conditions of Art 9(2) that lift the Art 9(1) prohibition, the
//! DPA 2018 Schedule 1 conditions some of them need (s.10), and the appropriate policy document
//! (Sch 1 para 39) that some of those need in turn.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::closed_set;

use super::violation::{RuleViolation, is_blank};

closed_set! {
    /// The condition of Art 9(2) a purpose relies on to process special category data. Wire
    /// names are the article's letters.
    pub enum SpecialCategoryCondition for "special_category_condition" {
        /// 9(2)(a): explicit consent.
        ExplicitConsent = "a",
        /// 9(2)(b): obligations and rights in employment, social security and social protection law.
        Employment = "b",
        /// 9(2)(c): vital interests where the person cannot consent.
        VitalInterests = "c",
        /// 9(2)(d): a not-for-profit body's activities with its members.
        NotForProfitBody = "d",
        /// 9(2)(e): data the person has manifestly made public.
        MadePublic = "e",
        /// 9(2)(f): legal claims, or courts acting in their judicial capacity.
        LegalClaims = "f",
        /// 9(2)(g): substantial public interest.
        SubstantialPublicInterest = "g",
        /// 9(2)(h): health or social care.
        HealthOrSocialCare = "h",
        /// 9(2)(i): public health.
        PublicHealth = "i",
        /// 9(2)(j): archiving in the public interest, research or statistics.
        ArchivingResearchStatistics = "j",
    }
}

impl SpecialCategoryCondition {
    /// The provision, e.g. `Art 9(2)(h)`.
    pub fn article(self) -> &'static str {
        match self {
            SpecialCategoryCondition::ExplicitConsent => "Art 9(2)(a)",
            SpecialCategoryCondition::Employment => "Art 9(2)(b)",
            SpecialCategoryCondition::VitalInterests => "Art 9(2)(c)",
            SpecialCategoryCondition::NotForProfitBody => "Art 9(2)(d)",
            SpecialCategoryCondition::MadePublic => "Art 9(2)(e)",
            SpecialCategoryCondition::LegalClaims => "Art 9(2)(f)",
            SpecialCategoryCondition::SubstantialPublicInterest => "Art 9(2)(g)",
            SpecialCategoryCondition::HealthOrSocialCare => "Art 9(2)(h)",
            SpecialCategoryCondition::PublicHealth => "Art 9(2)(i)",
            SpecialCategoryCondition::ArchivingResearchStatistics => "Art 9(2)(j)",
        }
    }

    /// The Schedule 1 conditions that can meet this Art 9(2) condition (DPA 2018 s.10): (b), (h),
    /// (i) and (j) each through its own paragraph of Part 1, (g) through any condition of Part 2.
    /// Empty where Schedule 1 has no part in it.
    pub fn schedule_1_conditions(self) -> &'static [Schedule1Condition] {
        match self {
            SpecialCategoryCondition::Employment => &[Schedule1Condition::Employment],
            SpecialCategoryCondition::HealthOrSocialCare => {
                &[Schedule1Condition::HealthOrSocialCare]
            }
            SpecialCategoryCondition::PublicHealth => &[Schedule1Condition::PublicHealth],
            SpecialCategoryCondition::ArchivingResearchStatistics => {
                &[Schedule1Condition::ArchivingResearchStatistics]
            }
            SpecialCategoryCondition::SubstantialPublicInterest => {
                Schedule1Condition::SUBSTANTIAL_PUBLIC_INTEREST
            }
            SpecialCategoryCondition::ExplicitConsent
            | SpecialCategoryCondition::VitalInterests
            | SpecialCategoryCondition::NotForProfitBody
            | SpecialCategoryCondition::MadePublic
            | SpecialCategoryCondition::LegalClaims => &[],
        }
    }

    /// DPA 2018 s.10(2) and (3): conditions (b), (g), (h), (i) and (j) are met only through a
    /// condition in Schedule 1.
    pub fn needs_schedule_1_condition(self) -> bool {
        !self.schedule_1_conditions().is_empty()
    }

    /// The section of the DPA 2018 that sends this condition to Schedule 1: s.10(3) for the
    /// substantial public interest, s.10(2) for the others; `None` where it does not.
    pub fn schedule_1_section(self) -> Option<&'static str> {
        match self {
            SpecialCategoryCondition::SubstantialPublicInterest => Some("DPA 2018 s.10(3)"),
            condition if condition.needs_schedule_1_condition() => Some("DPA 2018 s.10(2)"),
            _ => None,
        }
    }

    /// DPA 2018 Sch 1 para 1(1)(b) and para 5(1): the employment condition and the substantial
    /// public interest conditions are met only while the controller has an appropriate policy
    /// document in place (para 39).
    pub fn needs_policy_document(self) -> bool {
        self.policy_document_provision().is_some()
    }

    /// The paragraph that demands the appropriate policy document, where one is needed.
    pub fn policy_document_provision(self) -> Option<&'static str> {
        match self {
            SpecialCategoryCondition::Employment => Some("DPA 2018 Sch 1 para 1(1)(b)"),
            SpecialCategoryCondition::SubstantialPublicInterest => Some("DPA 2018 Sch 1 para 5(1)"),
            _ => None,
        }
    }

    /// Art 20(1)(a), 7(3) and 17(1)(b): explicit consent brings portability and withdrawal.
    pub fn is_explicit_consent(self) -> bool {
        self == SpecialCategoryCondition::ExplicitConsent
    }
}

closed_set! {
    /// A condition of DPA 2018 Schedule 1, Parts 1 and 2: the UK law that gives conditions (b),
    /// (g), (h), (i) and (j) of Art 9(2) their basis. Each knows its part and paragraph.
    pub enum Schedule1Condition for "schedule_1_condition" {
        /// Part 1 para 1: employment, social security and social protection.
        Employment = "employment",
        /// Part 1 para 2: health or social care purposes.
        HealthOrSocialCare = "health_or_social_care",
        /// Part 1 para 3: public health.
        PublicHealth = "public_health",
        /// Part 1 para 4: archiving in the public interest, research and statistics.
        ArchivingResearchStatistics = "archiving_research_statistics",
        /// Part 2 para 6: statutory and government purposes.
        StatutoryAndGovernmentPurposes = "statutory_and_government_purposes",
        /// Part 2 para 7: administration of justice and parliamentary purposes.
        AdministrationOfJustice = "administration_of_justice",
        /// Part 2 para 8: equality of opportunity or treatment.
        EqualityOfOpportunity = "equality_of_opportunity",
        /// Part 2 para 9: racial and ethnic diversity at senior levels of organisations.
        RacialAndEthnicDiversity = "racial_and_ethnic_diversity",
        /// Part 2 para 10: preventing or detecting unlawful acts.
        PreventingUnlawfulActs = "preventing_unlawful_acts",
        /// Part 2 para 11: protecting the public against dishonesty etc.
        ProtectingThePublic = "protecting_the_public",
        /// Part 2 para 12: regulatory requirements relating to unlawful acts and dishonesty etc.
        RegulatoryRequirements = "regulatory_requirements",
        /// Part 2 para 13: journalism etc in connection with unlawful acts and dishonesty etc.
        JournalismAboutUnlawfulActs = "journalism_about_unlawful_acts",
        /// Part 2 para 14: preventing fraud.
        PreventingFraud = "preventing_fraud",
        /// Part 2 para 15: suspicion of terrorist financing or money laundering.
        TerroristFinancingOrMoneyLaundering = "terrorist_financing_or_money_laundering",
        /// Part 2 para 16: support for individuals with a particular disability or medical condition.
        DisabilityOrMedicalConditionSupport = "disability_or_medical_condition_support",
        /// Part 2 para 17: counselling etc.
        Counselling = "counselling",
        /// Part 2 para 18: safeguarding of children and of individuals at risk.
        SafeguardingChildrenAndIndividualsAtRisk = "safeguarding_children_and_individuals_at_risk",
        /// Part 2 para 19: safeguarding of economic well-being of certain individuals.
        SafeguardingEconomicWellBeing = "safeguarding_economic_well_being",
        /// Part 2 para 20: insurance.
        Insurance = "insurance",
        /// Part 2 para 21: occupational pensions.
        OccupationalPensions = "occupational_pensions",
        /// Part 2 para 22: political parties.
        PoliticalParties = "political_parties",
        /// Part 2 para 23: elected representatives responding to requests.
        ElectedRepresentativesRespondingToRequests = "elected_representatives_responding_to_requests",
        /// Part 2 para 24: disclosure to elected representatives.
        DisclosureToElectedRepresentatives = "disclosure_to_elected_representatives",
        /// Part 2 para 25: informing elected representatives about prisoners.
        InformingElectedRepresentativesAboutPrisoners = "informing_elected_representatives_about_prisoners",
        /// Part 2 para 26: publication of legal judgments.
        PublicationOfLegalJudgments = "publication_of_legal_judgments",
        /// Part 2 para 27: anti-doping in sport.
        AntiDopingInSport = "anti_doping_in_sport",
        /// Part 2 para 28: standards of behaviour in sport.
        StandardsOfBehaviourInSport = "standards_of_behaviour_in_sport",
    }
}

impl Schedule1Condition {
    /// The substantial public interest conditions, Part 2 paras 6 to 28: what 9(2)(g) may use.
    /// `ALL` lists Part 1 (four conditions) first, so Part 2 is the rest.
    pub const SUBSTANTIAL_PUBLIC_INTEREST: &'static [Schedule1Condition] =
        Schedule1Condition::ALL.split_at(4).1;

    /// The paragraph of Schedule 1 the condition is set out in. Part 1 is paras 1 to 4; Part 2
    /// runs from para 6, after para 5 sets its policy document requirement.
    pub fn paragraph(self) -> u8 {
        use Schedule1Condition::*;
        match self {
            Employment => 1,
            HealthOrSocialCare => 2,
            PublicHealth => 3,
            ArchivingResearchStatistics => 4,
            StatutoryAndGovernmentPurposes => 6,
            AdministrationOfJustice => 7,
            EqualityOfOpportunity => 8,
            RacialAndEthnicDiversity => 9,
            PreventingUnlawfulActs => 10,
            ProtectingThePublic => 11,
            RegulatoryRequirements => 12,
            JournalismAboutUnlawfulActs => 13,
            PreventingFraud => 14,
            TerroristFinancingOrMoneyLaundering => 15,
            DisabilityOrMedicalConditionSupport => 16,
            Counselling => 17,
            SafeguardingChildrenAndIndividualsAtRisk => 18,
            SafeguardingEconomicWellBeing => 19,
            Insurance => 20,
            OccupationalPensions => 21,
            PoliticalParties => 22,
            ElectedRepresentativesRespondingToRequests => 23,
            DisclosureToElectedRepresentatives => 24,
            InformingElectedRepresentativesAboutPrisoners => 25,
            PublicationOfLegalJudgments => 26,
            AntiDopingInSport => 27,
            StandardsOfBehaviourInSport => 28,
        }
    }

    /// The Part of Schedule 1: 1 (employment, health and research) or 2 (substantial public
    /// interest).
    pub fn part(self) -> u8 {
        if self.paragraph() <= 4 { 1 } else { 2 }
    }

    /// The citation, e.g. `DPA 2018 Sch 1 para 18`.
    pub fn citation(self) -> String {
        format!("DPA 2018 Sch 1 para {}", self.paragraph())
    }
}

/// The appropriate policy document (DPA 2018 Sch 1 para 39) the controller keeps for processing
/// under the employment condition or a substantial public interest condition: it explains how
/// the Art 5 principles are met and how long the data is kept. Para 40 requires the controller
/// to retain it, review it and make it available to the Commissioner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    /// Where the document is found: a title, document number or link.
    pub reference: String,
    /// The role answerable for keeping it current (a role, not a person's name).
    pub owner: String,
    /// When it is next reviewed (para 40(1)(b)); unknown on import of older notices.
    pub review_date: Option<NaiveDate>,
}

impl PolicyDocument {
    /// Para 39 asks for a document that can be found, and para 40 for someone to keep it: both
    /// the reference and the owner must say something.
    pub fn violations(&self) -> Vec<RuleViolation> {
        let mut violations = Vec::new();
        if is_blank(&self.reference) {
            violations.push(RuleViolation::new(
                "policy_document.reference",
                "DPA 2018 Sch 1 para 39",
                "an appropriate policy document needs a reference to find it by",
            ));
        }
        if is_blank(&self.owner) {
            violations.push(RuleViolation::new(
                "policy_document.owner",
                "DPA 2018 Sch 1 para 40",
                "an appropriate policy document needs an owner who retains and reviews it",
            ));
        }
        violations
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SpecialCategoryCondition::*;

    #[test]
    fn wire_names_are_the_letters_of_article_9_2() {
        let letters: Vec<&str> = SpecialCategoryCondition::ALL
            .iter()
            .map(|c| c.as_str())
            .collect();
        assert_eq!(letters, ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]);
        for &condition in SpecialCategoryCondition::ALL {
            assert_eq!(condition.article(), format!("Art 9(2)({condition})"));
            let json = serde_json::to_string(&condition).expect("serialises");
            assert_eq!(json, format!("\"{condition}\""));
        }
    }

    #[test]
    fn b_g_h_i_and_j_need_a_schedule_1_condition() {
        let needing: Vec<SpecialCategoryCondition> = SpecialCategoryCondition::ALL
            .iter()
            .copied()
            .filter(|c| c.needs_schedule_1_condition())
            .collect();
        assert_eq!(
            needing,
            [
                Employment,
                SubstantialPublicInterest,
                HealthOrSocialCare,
                PublicHealth,
                ArchivingResearchStatistics
            ]
        );
        assert_eq!(
            SubstantialPublicInterest.schedule_1_section(),
            Some("DPA 2018 s.10(3)")
        );
        assert_eq!(Employment.schedule_1_section(), Some("DPA 2018 s.10(2)"));
        assert_eq!(ExplicitConsent.schedule_1_section(), None);
    }

    #[test]
    fn only_b_and_g_need_an_appropriate_policy_document() {
        // Cabinet Office health details under 9(2)(b) need one; Devon's 9(2)(h) safeguarding
        // disclosures do not.
        let needing: Vec<SpecialCategoryCondition> = SpecialCategoryCondition::ALL
            .iter()
            .copied()
            .filter(|c| c.needs_policy_document())
            .collect();
        assert_eq!(needing, [Employment, SubstantialPublicInterest]);
        for &condition in &needing {
            assert!(condition.needs_schedule_1_condition());
        }
    }

    #[test]
    fn each_part_1_condition_pairs_with_its_own_article_9_letter() {
        assert_eq!(
            Employment.schedule_1_conditions(),
            [Schedule1Condition::Employment]
        );
        assert_eq!(
            HealthOrSocialCare.schedule_1_conditions(),
            [Schedule1Condition::HealthOrSocialCare]
        );
        assert_eq!(
            PublicHealth.schedule_1_conditions(),
            [Schedule1Condition::PublicHealth]
        );
        assert_eq!(
            ArchivingResearchStatistics.schedule_1_conditions(),
            [Schedule1Condition::ArchivingResearchStatistics]
        );
        for &condition in SubstantialPublicInterest.schedule_1_conditions() {
            assert_eq!(condition.part(), 2, "{condition}");
        }
    }

    #[test]
    fn schedule_1_numbers_run_1_to_4_then_6_to_28() {
        let paragraphs: Vec<u8> = Schedule1Condition::ALL
            .iter()
            .map(|c| c.paragraph())
            .collect();
        let expected: Vec<u8> = (1..=4).chain(6..=28).collect();
        assert_eq!(paragraphs, expected);
        assert_eq!(Schedule1Condition::SUBSTANTIAL_PUBLIC_INTEREST.len(), 23);
        assert_eq!(
            Schedule1Condition::Employment.citation(),
            "DPA 2018 Sch 1 para 1"
        );
        assert_eq!(
            Schedule1Condition::SafeguardingChildrenAndIndividualsAtRisk.citation(),
            "DPA 2018 Sch 1 para 18"
        );
        assert_eq!(
            Schedule1Condition::DisabilityOrMedicalConditionSupport.paragraph(),
            16
        );
        assert_eq!(Schedule1Condition::ArchivingResearchStatistics.part(), 1);
        assert_eq!(Schedule1Condition::StatutoryAndGovernmentPurposes.part(), 2);
    }

    #[test]
    fn a_policy_document_needs_a_reference_and_an_owner_but_not_a_review_date() {
        let complete = PolicyDocument {
            reference: "APD-2024".into(),
            owner: "Data Protection Officer".into(),
            review_date: None,
        };
        assert!(complete.violations().is_empty());
        let empty = PolicyDocument {
            reference: " ".into(),
            owner: String::new(),
            review_date: NaiveDate::from_ymd_opt(2027, 1, 1),
        };
        let fields: Vec<&str> = empty.violations().iter().map(|v| v.field).collect();
        assert_eq!(
            fields,
            ["policy_document.reference", "policy_document.owner"]
        );
    }
}
