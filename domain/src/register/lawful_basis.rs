//! Lawful bases of processing, UK GDPR Art 6(1), with point (ea) and its Annex 1 conditions
//! inserted by the Data (Use and Access) Act 2025 s.70.

use crate::closed_set;

use super::rights::ErasureExemption;

closed_set! {
    /// The lawful basis a purpose rests on, Art 6(1). Wire names are the article's letters.
    pub enum LawfulBasis for "lawful_basis" {
        /// 6(1)(a): the person has consented to processing for this purpose.
        Consent = "a",
        /// 6(1)(b): necessary for a contract with the person (for staff, the employment contract).
        Contract = "b",
        /// 6(1)(c): necessary to comply with a legal obligation of the controller.
        LegalObligation = "c",
        /// 6(1)(d): necessary to protect someone's life.
        VitalInterests = "d",
        /// 6(1)(e): necessary for a task of the controller in the public interest or in the
        /// exercise of its official authority.
        PublicTask = "e",
        /// 6(1)(ea): necessary for a recognised legitimate interest (a condition in Annex 1).
        RecognisedLegitimateInterest = "ea",
        /// 6(1)(f): necessary for legitimate interests not overridden by the person's interests.
        LegitimateInterests = "f",
    }
}

impl LawfulBasis {
    /// The provision, e.g. `Art 6(1)(ea)`.
    pub fn article(self) -> &'static str {
        match self {
            LawfulBasis::Consent => "Art 6(1)(a)",
            LawfulBasis::Contract => "Art 6(1)(b)",
            LawfulBasis::LegalObligation => "Art 6(1)(c)",
            LawfulBasis::VitalInterests => "Art 6(1)(d)",
            LawfulBasis::PublicTask => "Art 6(1)(e)",
            LawfulBasis::RecognisedLegitimateInterest => "Art 6(1)(ea)",
            LawfulBasis::LegitimateInterests => "Art 6(1)(f)",
        }
    }

    /// How a privacy notice names the basis.
    pub fn description(self) -> &'static str {
        match self {
            LawfulBasis::Consent => "consent",
            LawfulBasis::Contract => "contract",
            LawfulBasis::LegalObligation => "legal obligation",
            LawfulBasis::VitalInterests => "vital interests",
            LawfulBasis::PublicTask => "public task",
            LawfulBasis::RecognisedLegitimateInterest => "recognised legitimate interest",
            LawfulBasis::LegitimateInterests => "legitimate interests",
        }
    }

    /// Art 6(1), words after point (f): points (ea) and (f) do not apply to processing carried
    /// out by public authorities in the performance of their tasks.
    pub fn excluded_from_public_authority_tasks(self) -> bool {
        matches!(
            self,
            LawfulBasis::RecognisedLegitimateInterest | LawfulBasis::LegitimateInterests
        )
    }

    /// Art 20(1)(a): portability follows consent under 6(1)(a) or a contract under 6(1)(b)
    /// (or explicit consent under 9(2)(a), which is a special category condition, not a basis).
    pub fn gives_portability(self) -> bool {
        matches!(self, LawfulBasis::Consent | LawfulBasis::Contract)
    }

    /// Art 21(1): the right to object on grounds of the person's particular situation reaches
    /// processing based on 6(1)(e) or (f). Objection to direct marketing (21(2)) is always open.
    pub fn gives_objection(self) -> bool {
        matches!(
            self,
            LawfulBasis::PublicTask | LawfulBasis::LegitimateInterests
        )
    }

    /// Art 17(3)(b): erasure does not apply while the data is needed to comply with a legal
    /// obligation or to perform a public task, so data held under 6(1)(c) or (e) carries that
    /// exemption.
    pub fn erasure_exemption(self) -> Option<ErasureExemption> {
        match self {
            LawfulBasis::LegalObligation | LawfulBasis::PublicTask => {
                Some(ErasureExemption::LegalObligationOrPublicTask)
            }
            LawfulBasis::Consent
            | LawfulBasis::Contract
            | LawfulBasis::VitalInterests
            | LawfulBasis::RecognisedLegitimateInterest
            | LawfulBasis::LegitimateInterests => None,
        }
    }

    /// Art 7(3): consent can be withdrawn at any time.
    pub fn is_consent(self) -> bool {
        self == LawfulBasis::Consent
    }
}

closed_set! {
    /// The conditions of Annex 1 that make an interest a recognised legitimate interest
    /// (Art 6(5)): a purpose on basis 6(1)(ea) must meet, and name, one of them.
    pub enum RecognisedLegitimateInterest for "recognised_legitimate_interest" {
        /// Disclosure to another person who needs the data for a public task of theirs
        /// (6(1)(e)) and says so in a request.
        DisclosureForPublicTask = "disclosure_for_public_task",
        /// National security, public security or defence.
        NationalSecurityAndDefence = "national_security_and_defence",
        /// Responding to an emergency (Civil Contingencies Act 2004, Part 2).
        Emergencies = "emergencies",
        /// Detecting, investigating or preventing crime, or apprehending or prosecuting offenders.
        Crime = "crime",
        /// Safeguarding vulnerable individuals.
        SafeguardingVulnerableIndividuals = "safeguarding_vulnerable_individuals",
    }
}

impl RecognisedLegitimateInterest {
    /// How a privacy notice names the condition.
    pub fn description(self) -> &'static str {
        match self {
            RecognisedLegitimateInterest::DisclosureForPublicTask => {
                "disclosure for another body's public task"
            }
            RecognisedLegitimateInterest::NationalSecurityAndDefence => {
                "national security, public security and defence"
            }
            RecognisedLegitimateInterest::Emergencies => "emergencies",
            RecognisedLegitimateInterest::Crime => "crime",
            RecognisedLegitimateInterest::SafeguardingVulnerableIndividuals => {
                "safeguarding vulnerable individuals"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LawfulBasis::{
        Consent, Contract, LegalObligation, LegitimateInterests, PublicTask, VitalInterests,
    };

    #[test]
    fn wire_names_are_the_letters_of_article_6_1() {
        let letters: Vec<&str> = LawfulBasis::ALL.iter().map(|b| b.as_str()).collect();
        assert_eq!(letters, ["a", "b", "c", "d", "e", "ea", "f"]);
        for &basis in LawfulBasis::ALL {
            assert_eq!(basis.article(), format!("Art 6(1)({basis})"));
            assert_eq!(basis.as_str().parse::<LawfulBasis>(), Ok(basis));
            let json = serde_json::to_string(&basis).expect("serialises");
            assert_eq!(json, format!("\"{basis}\""));
        }
        let refusal = "g".parse::<LawfulBasis>().expect_err("no point (g)");
        assert_eq!(
            refusal.to_string(),
            "lawful_basis: must be one of: a, b, c, d, e, ea, f"
        );
    }

    #[test]
    fn only_ea_and_f_are_closed_to_a_public_authority_performing_its_tasks() {
        let excluded: Vec<LawfulBasis> = LawfulBasis::ALL
            .iter()
            .copied()
            .filter(|b| b.excluded_from_public_authority_tasks())
            .collect();
        assert_eq!(
            excluded,
            [
                LawfulBasis::RecognisedLegitimateInterest,
                LegitimateInterests
            ]
        );
    }

    #[test]
    fn portability_follows_consent_and_contract_only() {
        // Cabinet Office: surveys on consent and everything else on the employment contract
        // both carry portability; Devon's public-task tickets do not.
        assert!(Consent.gives_portability());
        assert!(Contract.gives_portability());
        for basis in [
            LegalObligation,
            VitalInterests,
            PublicTask,
            LawfulBasis::RecognisedLegitimateInterest,
            LegitimateInterests,
        ] {
            assert!(!basis.gives_portability(), "{basis}");
        }
    }

    #[test]
    fn objection_on_particular_grounds_follows_public_task_and_legitimate_interests() {
        let objectable: Vec<LawfulBasis> = LawfulBasis::ALL
            .iter()
            .copied()
            .filter(|b| b.gives_objection())
            .collect();
        assert_eq!(objectable, [PublicTask, LegitimateInterests]);
    }

    #[test]
    fn legal_obligation_and_public_task_carry_the_17_3_b_exemption() {
        for &basis in LawfulBasis::ALL {
            let expected = matches!(basis, LegalObligation | PublicTask)
                .then_some(ErasureExemption::LegalObligationOrPublicTask);
            assert_eq!(basis.erasure_exemption(), expected, "{basis}");
        }
    }

    #[test]
    fn annex_1_conditions_have_snake_case_wire_names() {
        for &condition in RecognisedLegitimateInterest::ALL {
            let json = serde_json::to_string(&condition).expect("serialises");
            assert_eq!(json, format!("\"{}\"", condition.as_str()));
            assert_eq!(condition.as_str().parse(), Ok(condition));
        }
        assert_eq!(RecognisedLegitimateInterest::ALL.len(), 5);
    }
}
