//! The rights of the people whose data a purpose holds (UK GDPR Chapter III, Art 7(3), DPA 2018
//! s.164A), and which of them a purpose gives, derived from its lawful basis and conditions.

use serde::Serialize;

use crate::closed_set;

use super::lawful_basis::LawfulBasis;
use super::special_category::SpecialCategoryCondition;

closed_set! {
    /// A right of the data subject.
    pub enum Right for "right" {
        /// Art 13 and 14: to be told about the processing.
        Informed = "informed",
        /// Art 15: a copy of the data and the facts of its processing.
        Access = "access",
        /// Art 16: inaccurate data corrected, incomplete data completed (including by a
        /// supplementary statement).
        Rectification = "rectification",
        /// Art 17: erasure.
        Erasure = "erasure",
        /// Art 18: restriction of processing.
        Restriction = "restriction",
        /// Art 19: recipients told of rectification, erasure or restriction, and named on request.
        NotificationOfRecipients = "notification_of_recipients",
        /// Art 20: the data the person provided, in a structured, commonly used, machine-readable
        /// format.
        Portability = "portability",
        /// Art 21: objection.
        Objection = "objection",
        /// Art 22A to 22D: safeguards around significant decisions taken by automated means.
        AutomatedDecisionSafeguards = "automated_decision_safeguards",
        /// Art 7(3): withdrawal of consent.
        WithdrawConsent = "withdraw_consent",
        /// DPA 2018 s.164A: complaint to the controller (and to the Commissioner, Art 77).
        Complaint = "complaint",
    }
}

impl Right {
    /// The provision the right comes from.
    pub fn article(self) -> &'static str {
        match self {
            Right::Informed => "Art 13, 14",
            Right::Access => "Art 15",
            Right::Rectification => "Art 16",
            Right::Erasure => "Art 17",
            Right::Restriction => "Art 18",
            Right::NotificationOfRecipients => "Art 19",
            Right::Portability => "Art 20",
            Right::Objection => "Art 21",
            Right::AutomatedDecisionSafeguards => "Art 22A to 22D",
            Right::WithdrawConsent => "Art 7(3)",
            Right::Complaint => "DPA 2018 s.164A",
        }
    }

    /// The right in words ("data portability", "withdrawal of consent").
    pub fn name(self) -> &'static str {
        match self {
            Right::Informed => "to be informed",
            Right::Access => "access",
            Right::Rectification => "rectification",
            Right::Erasure => "erasure",
            Right::Restriction => "restriction",
            Right::NotificationOfRecipients => "notification of recipients",
            Right::Portability => "data portability",
            Right::Objection => "objection",
            Right::AutomatedDecisionSafeguards => "safeguards on automated decisions",
            Right::WithdrawConsent => "withdrawal of consent",
            Right::Complaint => "complaint",
        }
    }
}

closed_set! {
    /// The grounds on which a person may have their data erased, Art 17(1). Wire names are the
    /// article's letters.
    pub enum ErasureGround for "erasure_ground" {
        /// 17(1)(a): no longer necessary for the purpose.
        NoLongerNecessary = "a",
        /// 17(1)(b): consent (6(1)(a) or 9(2)(a)) withdrawn and no other basis.
        ConsentWithdrawn = "b",
        /// 17(1)(c): an objection upheld under 21(1), or any objection under 21(2).
        ObjectionUpheld = "c",
        /// 17(1)(d): processed unlawfully.
        UnlawfulProcessing = "d",
        /// 17(1)(e): erasure needed to comply with a legal obligation.
        LegalObligationToErase = "e",
        /// 17(1)(f): collected for an information society service offered to a child (Art 8(1)).
        ChildInformationSocietyService = "f",
        /// 17(1)(g) (inserted by the Victims and Prisoners Act 2024 s.31): processed because of
        /// an allegation by a malicious person, investigated, with no further action.
        MaliciousAllegation = "g",
    }
}

impl ErasureGround {
    /// The provision, e.g. `Art 17(1)(b)`.
    pub fn article(self) -> &'static str {
        match self {
            ErasureGround::NoLongerNecessary => "Art 17(1)(a)",
            ErasureGround::ConsentWithdrawn => "Art 17(1)(b)",
            ErasureGround::ObjectionUpheld => "Art 17(1)(c)",
            ErasureGround::UnlawfulProcessing => "Art 17(1)(d)",
            ErasureGround::LegalObligationToErase => "Art 17(1)(e)",
            ErasureGround::ChildInformationSocietyService => "Art 17(1)(f)",
            ErasureGround::MaliciousAllegation => "Art 17(1)(g)",
        }
    }
}

closed_set! {
    /// The exemptions that refuse erasure, Art 17(3). A refusal cites one (or a DPA 2018 Sch 2
    /// paragraph) and tells the person of their right to complain to the Commissioner and to a
    /// judicial remedy (Art 12(4)).
    pub enum ErasureExemption for "erasure_exemption" {
        /// 17(3)(a): freedom of expression and information.
        FreedomOfExpression = "a",
        /// 17(3)(b): a legal obligation, or a task in the public interest or official authority.
        LegalObligationOrPublicTask = "b",
        /// 17(3)(c): public health.
        PublicHealth = "c",
        /// 17(3)(d): archiving in the public interest, research or statistics.
        ArchivingResearchStatistics = "d",
        /// 17(3)(e): legal claims.
        LegalClaims = "e",
    }
}

impl ErasureExemption {
    /// The provision, e.g. `Art 17(3)(b)`.
    pub fn article(self) -> &'static str {
        match self {
            ErasureExemption::FreedomOfExpression => "Art 17(3)(a)",
            ErasureExemption::LegalObligationOrPublicTask => "Art 17(3)(b)",
            ErasureExemption::PublicHealth => "Art 17(3)(c)",
            ErasureExemption::ArchivingResearchStatistics => "Art 17(3)(d)",
            ErasureExemption::LegalClaims => "Art 17(3)(e)",
        }
    }
}

closed_set! {
    /// The grounds on which a person may have processing restricted, Art 18(1). While
    /// restricted (18(2)) data is only stored, unless the person consents or it is needed for
    /// legal claims, another's rights or an important public interest; the person is told
    /// before a restriction is lifted (18(3)).
    pub enum RestrictionGround for "restriction_ground" {
        /// 18(1)(a): accuracy contested, while it is verified.
        AccuracyContested = "a",
        /// 18(1)(b): unlawful, but the person opposes erasure.
        UnlawfulErasureOpposed = "b",
        /// 18(1)(c): the controller no longer needs it, the person needs it for legal claims.
        NeededForLegalClaims = "c",
        /// 18(1)(d): objected to under 21(1), while the grounds are weighed.
        ObjectionPending = "d",
    }
}

impl RestrictionGround {
    /// The provision, e.g. `Art 18(1)(d)`.
    pub fn article(self) -> &'static str {
        match self {
            RestrictionGround::AccuracyContested => "Art 18(1)(a)",
            RestrictionGround::UnlawfulErasureOpposed => "Art 18(1)(b)",
            RestrictionGround::NeededForLegalClaims => "Art 18(1)(c)",
            RestrictionGround::ObjectionPending => "Art 18(1)(d)",
        }
    }
}

closed_set! {
    /// How far a right reaches for a purpose.
    pub enum RightExtent for "extent" {
        /// The right applies as the article gives it.
        Full = "full",
        /// Objection only to direct marketing (Art 21(2)): the basis is not 6(1)(e) or (f).
        DirectMarketingOnly = "direct_marketing_only",
        /// Only for the special category data held on explicit consent (Art 9(2)(a)), the
        /// Art 6 basis not being consent or contract.
        ExplicitConsentDataOnly = "explicit_consent_data_only",
        /// Refused while the purpose still needs the data, under the exemption named.
        ExemptWhileNeeded = "exempt_while_needed",
    }
}

/// A right a purpose gives, how far, and the provision that says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicableRight {
    pub right: Right,
    pub extent: RightExtent,
    /// The provision that gives (or limits) the right for this purpose.
    pub article: &'static str,
    /// Why it applies this way, in words a privacy notice can use.
    pub reason: &'static str,
    /// The Art 17(3) exemption that limits erasure, where one does.
    pub exemption: Option<ErasureExemption>,
}

impl ApplicableRight {
    fn full(right: Right, article: &'static str, reason: &'static str) -> Self {
        Self {
            right,
            extent: RightExtent::Full,
            article,
            reason,
            exemption: None,
        }
    }

    fn limited(
        right: Right,
        extent: RightExtent,
        article: &'static str,
        reason: &'static str,
    ) -> Self {
        Self {
            right,
            extent,
            article,
            reason,
            exemption: None,
        }
    }
}

/// What the rights of a purpose turn on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RightsFacts {
    pub lawful_basis: LawfulBasis,
    pub special_category_condition: Option<SpecialCategoryCondition>,
    /// Art 20(1)(b): processing carried out by automated means.
    pub automated_means: bool,
    /// Art 22A: significant decisions taken solely by automated means.
    pub automated_decision_making: bool,
    /// Art 13: data collected from the person.
    pub from_data_subject: bool,
    /// Art 14: data obtained from elsewhere.
    pub from_other_sources: bool,
}

/// The rights a purpose gives, in the order of [`Right::ALL`]; a right that does not apply is
/// left out.
///
/// - Informed, access, rectification, restriction, notification of recipients and complaint
///   always apply.
/// - Erasure applies when an Art 17(1) ground arises; for 6(1)(c) and (e) it is refused under
///   17(3)(b) while the purpose needs the data.
/// - Portability (Art 20(1)) only for processing by automated means, on 6(1)(a), 6(1)(b), or
///   9(2)(a) for the special category data held on it.
/// - Objection on grounds of a particular situation (21(1)) on 6(1)(e) and (f); objection to
///   direct marketing (21(2)) always.
/// - Automated-decision safeguards (22A to 22D) where the purpose makes such decisions.
/// - Withdrawal of consent (7(3)) where consent is a basis or condition.
pub fn applicable_rights(facts: &RightsFacts) -> Vec<ApplicableRight> {
    let basis = facts.lawful_basis;
    let explicit_consent = facts
        .special_category_condition
        .is_some_and(SpecialCategoryCondition::is_explicit_consent);
    let mut rights = Vec::with_capacity(Right::ALL.len());

    rights.push(ApplicableRight::full(
        Right::Informed,
        informed_article(facts),
        "told of the purpose, basis, recipients, transfers, retention and rights when the data \
         is collected, or within a month when it comes from elsewhere",
    ));
    rights.push(ApplicableRight::full(
        Right::Access,
        "Art 15",
        "a copy of their data and the facts of its processing",
    ));
    rights.push(ApplicableRight::full(
        Right::Rectification,
        "Art 16",
        "inaccurate data corrected and incomplete data completed, including by a supplementary \
         statement",
    ));
    rights.push(erasure(basis));
    rights.push(ApplicableRight::full(
        Right::Restriction,
        "Art 18(1)",
        "processing restricted while accuracy or an objection is settled, or where the data \
         would otherwise be erased but is needed",
    ));
    rights.push(ApplicableRight::full(
        Right::NotificationOfRecipients,
        "Art 19",
        "each recipient told of a rectification, erasure or restriction, and the recipients \
         named on request",
    ));
    if facts.automated_means {
        if basis.gives_portability() {
            rights.push(ApplicableRight::full(
                Right::Portability,
                "Art 20(1)",
                "the data they provided, in a structured, commonly used, machine-readable format",
            ));
        } else if explicit_consent {
            rights.push(ApplicableRight::limited(
                Right::Portability,
                RightExtent::ExplicitConsentDataOnly,
                "Art 20(1)(a)",
                "the special category data they provided on explicit consent, in a structured, \
                 commonly used, machine-readable format",
            ));
        }
    }
    rights.push(if basis.gives_objection() {
        ApplicableRight::full(
            Right::Objection,
            "Art 21(1)",
            "processing stops on objection unless compelling legitimate grounds override it or \
             it is needed for legal claims; objection to direct marketing always succeeds",
        )
    } else {
        ApplicableRight::limited(
            Right::Objection,
            RightExtent::DirectMarketingOnly,
            "Art 21(2)",
            "objection to use for direct marketing always succeeds",
        )
    });
    if facts.automated_decision_making {
        rights.push(ApplicableRight::full(
            Right::AutomatedDecisionSafeguards,
            "Art 22A to 22D",
            "told of significant decisions taken by automated means, and able to make \
             representations, obtain human intervention and contest the decision",
        ));
    }
    if basis.is_consent() {
        rights.push(ApplicableRight::full(
            Right::WithdrawConsent,
            "Art 7(3)",
            "consent withdrawn at any time, as easily as it was given",
        ));
    } else if explicit_consent {
        rights.push(ApplicableRight::limited(
            Right::WithdrawConsent,
            RightExtent::ExplicitConsentDataOnly,
            "Art 7(3)",
            "explicit consent to the special category data withdrawn at any time",
        ));
    }
    rights.push(ApplicableRight::full(
        Right::Complaint,
        "DPA 2018 s.164A",
        "a complaint to the controller, acknowledged within 30 days, and to the Information \
         Commissioner (Art 77)",
    ));
    rights
}

/// Art 13 where the data comes from the person, Art 14 where it comes from elsewhere.
fn informed_article(facts: &RightsFacts) -> &'static str {
    match (facts.from_data_subject, facts.from_other_sources) {
        (true, false) => "Art 13",
        (false, true) => "Art 14",
        _ => "Art 13, 14",
    }
}

fn erasure(basis: LawfulBasis) -> ApplicableRight {
    if let Some(exemption) = basis.erasure_exemption() {
        return ApplicableRight {
            right: Right::Erasure,
            extent: RightExtent::ExemptWhileNeeded,
            article: exemption.article(),
            reason: "refused while the data is needed for the legal obligation or public task; \
                     a refusal names the exemption and the right to complain to the Information \
                     Commissioner and to a judicial remedy",
            exemption: Some(exemption),
        };
    }
    let reason = match basis {
        LawfulBasis::Consent => {
            "erased when consent is withdrawn and no other basis remains (Art 17(1)(b)), or \
             another Art 17(1) ground arises"
        }
        LawfulBasis::LegitimateInterests => {
            "erased when an objection is upheld (Art 17(1)(c)), or another Art 17(1) ground \
             arises"
        }
        _ => "erased when an Art 17(1) ground arises, such as the data no longer being needed",
    };
    ApplicableRight::full(Right::Erasure, "Art 17(1)", reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn facts(basis: LawfulBasis) -> RightsFacts {
        RightsFacts {
            lawful_basis: basis,
            special_category_condition: None,
            automated_means: true,
            automated_decision_making: false,
            from_data_subject: true,
            from_other_sources: false,
        }
    }

    fn find(rights: &[ApplicableRight], right: Right) -> Option<&ApplicableRight> {
        rights.iter().find(|r| r.right == right)
    }

    #[test]
    fn consent_gives_portability_and_withdrawal() {
        // Cabinet Office satisfaction surveys: consent, with withdrawal and a machine-readable copy.
        let rights = applicable_rights(&facts(LawfulBasis::Consent));
        let portability = find(&rights, Right::Portability).expect("portable");
        assert_eq!(portability.extent, RightExtent::Full);
        assert_eq!(portability.article, "Art 20(1)");
        let withdrawal = find(&rights, Right::WithdrawConsent).expect("withdrawable");
        assert_eq!(withdrawal.article, "Art 7(3)");
        let objection = find(&rights, Right::Objection).expect("direct marketing");
        assert_eq!(objection.extent, RightExtent::DirectMarketingOnly);
        let erasure = find(&rights, Right::Erasure).expect("erasure");
        assert_eq!(erasure.extent, RightExtent::Full);
        assert!(erasure.reason.contains("17(1)(b)"));
    }

    #[test]
    fn contract_gives_portability_but_no_withdrawal() {
        // Cabinet Office: everything but surveys rests on the employment contract.
        let rights = applicable_rights(&facts(LawfulBasis::Contract));
        assert_eq!(
            find(&rights, Right::Portability).map(|r| r.extent),
            Some(RightExtent::Full)
        );
        assert!(find(&rights, Right::WithdrawConsent).is_none());
        assert_eq!(
            find(&rights, Right::Objection).map(|r| r.extent),
            Some(RightExtent::DirectMarketingOnly)
        );
    }

    #[test]
    fn public_task_gives_objection_limits_erasure_and_no_portability() {
        // Devon: tickets held under 6(1)(e).
        let rights = applicable_rights(&facts(LawfulBasis::PublicTask));
        assert!(find(&rights, Right::Portability).is_none());
        let objection = find(&rights, Right::Objection).expect("objection");
        assert_eq!(objection.extent, RightExtent::Full);
        assert_eq!(objection.article, "Art 21(1)");
        let erasure = find(&rights, Right::Erasure).expect("erasure");
        assert_eq!(erasure.extent, RightExtent::ExemptWhileNeeded);
        assert_eq!(
            erasure.exemption,
            Some(ErasureExemption::LegalObligationOrPublicTask)
        );
        assert_eq!(erasure.article, "Art 17(3)(b)");
    }

    #[test]
    fn explicit_consent_on_another_basis_reaches_only_the_special_category_data() {
        let rights = applicable_rights(&RightsFacts {
            special_category_condition: Some(SpecialCategoryCondition::ExplicitConsent),
            ..facts(LawfulBasis::PublicTask)
        });
        let portability = find(&rights, Right::Portability).expect("9(2)(a) portability");
        assert_eq!(portability.extent, RightExtent::ExplicitConsentDataOnly);
        assert_eq!(portability.article, "Art 20(1)(a)");
        let withdrawal = find(&rights, Right::WithdrawConsent).expect("withdrawal");
        assert_eq!(withdrawal.extent, RightExtent::ExplicitConsentDataOnly);
    }

    #[test]
    fn paper_records_are_not_portable() {
        let rights = applicable_rights(&RightsFacts {
            automated_means: false,
            ..facts(LawfulBasis::Consent)
        });
        assert!(find(&rights, Right::Portability).is_none());
        assert!(find(&rights, Right::WithdrawConsent).is_some());
    }

    #[test]
    fn automated_decisions_bring_their_safeguards() {
        let without = applicable_rights(&facts(LawfulBasis::Contract));
        assert!(find(&without, Right::AutomatedDecisionSafeguards).is_none());
        let with = applicable_rights(&RightsFacts {
            automated_decision_making: true,
            ..facts(LawfulBasis::Contract)
        });
        let safeguards = find(&with, Right::AutomatedDecisionSafeguards).expect("safeguards");
        assert_eq!(safeguards.article, "Art 22A to 22D");
    }

    #[test]
    fn the_informed_right_cites_article_13_or_14_by_source() {
        let cite = |from_data_subject, from_other_sources| {
            let rights = applicable_rights(&RightsFacts {
                from_data_subject,
                from_other_sources,
                ..facts(LawfulBasis::Contract)
            });
            find(&rights, Right::Informed).map(|r| r.article)
        };
        assert_eq!(cite(true, false), Some("Art 13"));
        assert_eq!(cite(false, true), Some("Art 14"));
        assert_eq!(cite(true, true), Some("Art 13, 14"));
    }

    #[test]
    fn letters_and_articles_agree() {
        for &ground in ErasureGround::ALL {
            assert_eq!(ground.article(), format!("Art 17(1)({ground})"));
        }
        for &exemption in ErasureExemption::ALL {
            assert_eq!(exemption.article(), format!("Art 17(3)({exemption})"));
        }
        for &ground in RestrictionGround::ALL {
            assert_eq!(ground.article(), format!("Art 18(1)({ground})"));
        }
        assert_eq!(ErasureGround::ALL.len(), 7);
        let articles: Vec<&str> = Right::ALL.iter().map(|r| r.article()).collect();
        assert_eq!(
            articles,
            [
                "Art 13, 14",
                "Art 15",
                "Art 16",
                "Art 17",
                "Art 18",
                "Art 19",
                "Art 20",
                "Art 21",
                "Art 22A to 22D",
                "Art 7(3)",
                "DPA 2018 s.164A"
            ]
        );
        assert_eq!(
            serde_json::to_string(&Right::NotificationOfRecipients).expect("json"),
            "\"notification_of_recipients\""
        );
    }

    fn any_facts() -> impl Strategy<Value = RightsFacts> {
        let condition = proptest::option::of(proptest::sample::select(
            SpecialCategoryCondition::ALL.to_vec(),
        ));
        (
            proptest::sample::select(LawfulBasis::ALL.to_vec()),
            condition,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(
                |(
                    lawful_basis,
                    special_category_condition,
                    automated_means,
                    adm,
                    subject,
                    other,
                )| {
                    RightsFacts {
                        lawful_basis,
                        special_category_condition,
                        automated_means,
                        automated_decision_making: adm,
                        from_data_subject: subject,
                        from_other_sources: other,
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn portability_never_fully_applies_outside_consent_and_contract(facts in any_facts()) {
            let rights = applicable_rights(&facts);
            if let Some(portability) = find(&rights, Right::Portability) {
                prop_assert!(facts.automated_means);
                let explicit = facts.special_category_condition
                    == Some(SpecialCategoryCondition::ExplicitConsent);
                match portability.extent {
                    RightExtent::Full => prop_assert!(facts.lawful_basis.gives_portability()),
                    RightExtent::ExplicitConsentDataOnly => prop_assert!(explicit),
                    other => prop_assert!(false, "unexpected extent {other}"),
                }
            }
            if facts.lawful_basis == LawfulBasis::PublicTask {
                prop_assert!(find(&rights, Right::Portability)
                    .is_none_or(|p| p.extent != RightExtent::Full));
            }
        }

        #[test]
        fn objection_always_applies_and_fully_only_on_e_or_f(facts in any_facts()) {
            let rights = applicable_rights(&facts);
            let objection = find(&rights, Right::Objection);
            prop_assert!(objection.is_some());
            let full = objection.is_some_and(|o| o.extent == RightExtent::Full);
            prop_assert_eq!(
                full,
                matches!(facts.lawful_basis, LawfulBasis::PublicTask | LawfulBasis::LegitimateInterests)
            );
        }

        #[test]
        fn erasure_is_exempt_exactly_for_c_and_e(facts in any_facts()) {
            let rights = applicable_rights(&facts);
            let erasure = find(&rights, Right::Erasure).cloned();
            prop_assert!(erasure.is_some());
            let exempt = erasure.is_some_and(|e| e.exemption.is_some());
            prop_assert_eq!(
                exempt,
                matches!(facts.lawful_basis, LawfulBasis::LegalObligation | LawfulBasis::PublicTask)
            );
        }

        #[test]
        fn the_unconditional_rights_are_always_there_once_each_in_order(facts in any_facts()) {
            let rights = applicable_rights(&facts);
            for always in [
                Right::Informed,
                Right::Access,
                Right::Rectification,
                Right::Erasure,
                Right::Restriction,
                Right::NotificationOfRecipients,
                Right::Objection,
                Right::Complaint,
            ] {
                prop_assert!(find(&rights, always).is_some(), "{} missing", always);
            }
            let order: Vec<Right> = rights.iter().map(|r| r.right).collect();
            let mut sorted = order.clone();
            sorted.sort();
            sorted.dedup();
            prop_assert_eq!(order, sorted);
        }

        #[test]
        fn withdrawal_and_safeguards_follow_their_triggers(facts in any_facts()) {
            let rights = applicable_rights(&facts);
            let consent = facts.lawful_basis == LawfulBasis::Consent
                || facts.special_category_condition == Some(SpecialCategoryCondition::ExplicitConsent);
            prop_assert_eq!(find(&rights, Right::WithdrawConsent).is_some(), consent);
            prop_assert_eq!(
                find(&rights, Right::AutomatedDecisionSafeguards).is_some(),
                facts.automated_decision_making
            );
        }
    }
}
