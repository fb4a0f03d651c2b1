//! How a request ends: fulfilled, partly fulfilled or refused, and for a refusal (in whole or in
//! part) the ground the law gives for it. The person is told the reasons and their right to
//! complain and to a judicial remedy (Art 12(4)); that text is [`super::letters`].

use crate::DomainError;
use crate::closed_set;
use crate::register::rights::{ErasureExemption, Right};

closed_set! {
    /// The answer a request ends with.
    pub enum OutcomeKind for "outcome" {
        /// Everything asked for was done (a complaint: upheld).
        Fulfilled = "fulfilled",
        /// Some of it was done, the rest refused on a ground (a complaint: partly upheld).
        PartlyFulfilled = "partly_fulfilled",
        /// Nothing asked for was done, on a ground (a complaint: not upheld).
        Refused = "refused",
    }
}

closed_set! {
    /// A ground on which the law lets a controller refuse a request, in whole or in part.
    /// Wire names lead with the provision.
    pub enum RefusalGround for "ground" {
        /// Art 11(2), 12(2): the controller shows it cannot identify the person (the identity
        /// it asked for under Art 12(6) never came).
        NotIdentified = "art_12_2_not_identified",
        /// Art 12(5)(b): the request is manifestly unfounded.
        ManifestlyUnfounded = "art_12_5_manifestly_unfounded",
        /// Art 12(5)(b): the request is manifestly excessive, in particular by repetition.
        ManifestlyExcessive = "art_12_5_manifestly_excessive",
        /// Art 17(3)(a): freedom of expression and information.
        FreedomOfExpression = "art_17_3_a",
        /// Art 17(3)(b): a legal obligation, or a task in the public interest or official
        /// authority.
        LegalObligationOrPublicTask = "art_17_3_b",
        /// Art 17(3)(c): public health.
        PublicHealth = "art_17_3_c",
        /// Art 17(3)(d): archiving in the public interest, research or statistics.
        ArchivingResearchStatistics = "art_17_3_d",
        /// Art 17(3)(e): the establishment, exercise or defence of legal claims.
        LegalClaims = "art_17_3_e",
        /// Art 21(1): compelling legitimate grounds for the processing override the person's
        /// interests, rights and freedoms, or it is for legal claims: an objection overruled.
        CompellingGrounds = "art_21_1_compelling_grounds",
        /// DPA 2018 Sch 2 para 2: the prevention or detection of crime, the apprehension or
        /// prosecution of offenders (a security incident under investigation).
        CrimeAndTaxation = "dpa_sch_2_para_2",
        /// DPA 2018 Sch 2 para 5: disclosure required by law or in connection with legal
        /// proceedings.
        LegalDisclosure = "dpa_sch_2_para_5",
        /// DPA 2018 Sch 2 para 16: the data would disclose another person who neither consented
        /// nor can reasonably be disclosed without consent.
        OtherPeople = "dpa_sch_2_para_16",
        /// DPA 2018 Sch 2 para 19: legal professional privilege.
        LegalProfessionalPrivilege = "dpa_sch_2_para_19",
        /// DPA 2018 Sch 2 para 22: management forecasting or planning.
        ManagementForecasts = "dpa_sch_2_para_22",
        /// DPA 2018 Sch 2 para 23: the controller's intentions in negotiations with the person.
        Negotiations = "dpa_sch_2_para_23",
        /// DPA 2018 Sch 2 para 24: a reference given in confidence.
        ConfidentialReferences = "dpa_sch_2_para_24",
    }
}

/// The rights Art 12(2) and 12(5) govern: requests under Art 15 to 22.
pub(crate) fn under_articles_15_to_22(right: Right) -> bool {
    matches!(
        right,
        Right::Access
            | Right::Rectification
            | Right::Erasure
            | Right::Restriction
            | Right::NotificationOfRecipients
            | Right::Portability
            | Right::Objection
            | Right::AutomatedDecisionSafeguards
    )
}

impl RefusalGround {
    /// The provision, as a refusal cites it.
    pub fn citation(self) -> &'static str {
        match self {
            RefusalGround::FreedomOfExpression
            | RefusalGround::LegalObligationOrPublicTask
            | RefusalGround::PublicHealth
            | RefusalGround::ArchivingResearchStatistics
            | RefusalGround::LegalClaims => self
                .erasure_exemption()
                .map_or("Art 17(3)", ErasureExemption::article),
            RefusalGround::NotIdentified => "Art 11(2) and 12(2)",
            RefusalGround::CompellingGrounds => "Art 21(1)",
            RefusalGround::ManifestlyUnfounded | RefusalGround::ManifestlyExcessive => {
                "Art 12(5)(b)"
            }
            RefusalGround::CrimeAndTaxation => "DPA 2018 Sch 2 para 2",
            RefusalGround::LegalDisclosure => "DPA 2018 Sch 2 para 5",
            RefusalGround::OtherPeople => "DPA 2018 Sch 2 para 16",
            RefusalGround::LegalProfessionalPrivilege => "DPA 2018 Sch 2 para 19",
            RefusalGround::ManagementForecasts => "DPA 2018 Sch 2 para 22",
            RefusalGround::Negotiations => "DPA 2018 Sch 2 para 23",
            RefusalGround::ConfidentialReferences => "DPA 2018 Sch 2 para 24",
        }
    }

    /// The ground in words a letter to the person can use.
    pub fn description(self) -> &'static str {
        match self {
            RefusalGround::NotIdentified => "we could not confirm who you are",
            RefusalGround::ManifestlyUnfounded => "the request is manifestly unfounded",
            RefusalGround::ManifestlyExcessive => {
                "the request is manifestly excessive, in particular because it repeats earlier \
                 requests"
            }
            RefusalGround::FreedomOfExpression => {
                "keeping the data is necessary for exercising the right of freedom of expression \
                 and information"
            }
            RefusalGround::LegalObligationOrPublicTask => {
                "keeping the data is necessary to comply with a legal obligation or to perform a \
                 task in the public interest or in the exercise of official authority"
            }
            RefusalGround::PublicHealth => {
                "keeping the data is necessary for reasons of public interest in public health"
            }
            RefusalGround::ArchivingResearchStatistics => {
                "keeping the data is necessary for archiving in the public interest, research or \
                 statistics"
            }
            RefusalGround::LegalClaims => {
                "keeping the data is necessary for establishing, exercising or defending legal \
                 claims"
            }
            RefusalGround::CompellingGrounds => {
                "we have compelling legitimate grounds for the processing which override your \
                 interests, rights and freedoms, or it is needed for legal claims"
            }
            RefusalGround::CrimeAndTaxation => {
                "complying would be likely to prejudice the prevention or detection of crime or \
                 the apprehension or prosecution of offenders"
            }
            RefusalGround::LegalDisclosure => {
                "the data is disclosed as the law requires or in connection with legal \
                 proceedings"
            }
            RefusalGround::OtherPeople => {
                "it would disclose information about another person who has not consented and \
                 whom it would not be reasonable to disclose without their consent"
            }
            RefusalGround::LegalProfessionalPrivilege => {
                "the data is covered by legal professional privilege"
            }
            RefusalGround::ManagementForecasts => {
                "the data is processed for management forecasting or planning and disclosing it \
                 would prejudice that business"
            }
            RefusalGround::Negotiations => {
                "the data records our intentions in negotiations with you and disclosing it would \
                 prejudice those negotiations"
            }
            RefusalGround::ConfidentialReferences => "the data is a reference given in confidence",
        }
    }

    /// The Art 17(3) exemption the ground is, for a refusal to erase.
    pub fn erasure_exemption(self) -> Option<ErasureExemption> {
        match self {
            RefusalGround::FreedomOfExpression => Some(ErasureExemption::FreedomOfExpression),
            RefusalGround::LegalObligationOrPublicTask => {
                Some(ErasureExemption::LegalObligationOrPublicTask)
            }
            RefusalGround::PublicHealth => Some(ErasureExemption::PublicHealth),
            RefusalGround::ArchivingResearchStatistics => {
                Some(ErasureExemption::ArchivingResearchStatistics)
            }
            RefusalGround::LegalClaims => Some(ErasureExemption::LegalClaims),
            _ => None,
        }
    }

    /// Whether the ground can refuse a request for `right`:
    ///
    /// - Art 11(2), 12(2) and 12(5) govern requests under Art 15 to 22;
    /// - Art 17(3) exempts from erasure only;
    /// - Art 21(1)'s compelling legitimate grounds answer an objection only;
    /// - DPA 2018 Sch 2 Part 1 (paras 2 and 5) restricts the listed provisions, Art 13 to 21;
    /// - Sch 2 Part 3 (para 16) restricts Art 15, and Part 4 (paras 19, 22 to 24) Art 13 to 15:
    ///   access alone among requests.
    ///
    /// Withdrawing consent (Art 7(3)) and complaints (DPA 2018 s.164A) are not refused on any.
    pub fn applies_to(self, right: Right) -> bool {
        match self {
            RefusalGround::NotIdentified
            | RefusalGround::ManifestlyUnfounded
            | RefusalGround::ManifestlyExcessive => under_articles_15_to_22(right),
            RefusalGround::FreedomOfExpression
            | RefusalGround::LegalObligationOrPublicTask
            | RefusalGround::PublicHealth
            | RefusalGround::ArchivingResearchStatistics
            | RefusalGround::LegalClaims => right == Right::Erasure,
            RefusalGround::CompellingGrounds => right == Right::Objection,
            RefusalGround::CrimeAndTaxation | RefusalGround::LegalDisclosure => {
                under_articles_15_to_22(right) && right != Right::AutomatedDecisionSafeguards
            }
            RefusalGround::OtherPeople
            | RefusalGround::LegalProfessionalPrivilege
            | RefusalGround::ManagementForecasts
            | RefusalGround::Negotiations
            | RefusalGround::ConfidentialReferences => right == Right::Access,
        }
    }

    /// The grounds that can refuse a request for `right`, in declaration order.
    pub fn for_right(right: Right) -> Vec<RefusalGround> {
        RefusalGround::ALL
            .iter()
            .copied()
            .filter(|g| g.applies_to(right))
            .collect()
    }
}

/// Free text longer than this is refused: reasons are a letter's paragraph, not a file.
pub const MAX_REASONS: usize = 4000;

/// The answer the controller gives, as the DPO records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub kind: OutcomeKind,
    /// For a refusal in whole or in part: the ground relied on (none for a complaint).
    pub ground: Option<RefusalGround>,
    /// Why: required for a refusal in whole or in part, which must give its reasons.
    pub reasons: Option<String>,
}

impl Outcome {
    /// Whether the person is told why not (Art 12(4)): a refusal, in whole or in part.
    pub fn refuses(&self) -> bool {
        self.kind != OutcomeKind::Fulfilled
    }

    /// Checks the outcome against the request's `right`: a refusal (in whole or in part) gives
    /// its reasons (Art 12(4)) and a ground that applies to the right ([`RefusalGround::applies_to`]);
    /// a complaint's outcome cites no ground (DPA 2018 s.164A has none); a fulfilled request
    /// cites none; consent is withdrawn whenever the person asks (Art 7(3)), never refused.
    pub fn check(&self, right: Right) -> Result<(), DomainError> {
        let reasons_given = self
            .reasons
            .as_deref()
            .is_some_and(|r| !r.trim().is_empty());
        if self
            .reasons
            .as_deref()
            .is_some_and(|r| r.chars().count() > MAX_REASONS)
        {
            return Err(DomainError::invalid(
                "reasons",
                format!("at most {MAX_REASONS} characters"),
            ));
        }
        if !self.refuses() {
            return match self.ground {
                Some(_) => Err(DomainError::invalid(
                    "ground",
                    "a fulfilled request cites no refusal ground",
                )),
                None => Ok(()),
            };
        }
        if right == Right::WithdrawConsent {
            return Err(DomainError::invalid(
                "outcome",
                "Art 7(3): consent is withdrawn whenever the person asks; the request is not \
                 refused",
            ));
        }
        if !reasons_given {
            return Err(DomainError::invalid(
                "reasons",
                "Art 12(4): a refusal, in whole or in part, tells the person the reasons",
            ));
        }
        match (right, self.ground) {
            (Right::Complaint, None) => Ok(()),
            (Right::Complaint, Some(_)) => Err(DomainError::invalid(
                "ground",
                "a complaint (DPA 2018 s.164A) is not upheld for reasons, not on a refusal \
                 ground",
            )),
            (_, None) => Err(DomainError::invalid(
                "ground",
                "a refusal, in whole or in part, cites the ground the law gives for it",
            )),
            (_, Some(ground)) if ground.applies_to(right) => Ok(()),
            (_, Some(ground)) => Err(DomainError::invalid(
                "ground",
                format!(
                    "{} does not apply to a request for {}",
                    ground.citation(),
                    right.name()
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(kind: OutcomeKind, ground: Option<RefusalGround>, reasons: &str) -> Outcome {
        Outcome {
            kind,
            ground,
            reasons: (!reasons.is_empty()).then(|| reasons.to_owned()),
        }
    }

    fn field(result: Result<(), DomainError>) -> &'static str {
        match result {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected a field refused, got {other:?}"),
        }
    }

    #[test]
    fn a_fulfilled_request_needs_nothing_and_cites_no_ground() {
        let done = outcome(OutcomeKind::Fulfilled, None, "");
        for right in Right::ALL {
            assert_eq!(done.check(*right), Ok(()));
        }
        let cited = outcome(OutcomeKind::Fulfilled, Some(RefusalGround::LegalClaims), "");
        assert_eq!(field(cited.check(Right::Erasure)), "ground");
    }

    #[test]
    fn a_refusal_gives_reasons_and_a_ground_that_applies() {
        let erasure_refused = |ground| outcome(OutcomeKind::Refused, ground, "Still needed");
        assert_eq!(
            erasure_refused(Some(RefusalGround::LegalObligationOrPublicTask)).check(Right::Erasure),
            Ok(())
        );
        assert_eq!(field(erasure_refused(None).check(Right::Erasure)), "ground");
        // Art 17(3) exempts from erasure, not from access.
        assert_eq!(
            field(erasure_refused(Some(RefusalGround::LegalClaims)).check(Right::Access)),
            "ground"
        );
        let no_reasons = outcome(
            OutcomeKind::PartlyFulfilled,
            Some(RefusalGround::OtherPeople),
            " ",
        );
        assert_eq!(field(no_reasons.check(Right::Access)), "reasons");
        let partly = outcome(
            OutcomeKind::PartlyFulfilled,
            Some(RefusalGround::OtherPeople),
            "Colleagues' names withheld",
        );
        assert_eq!(partly.check(Right::Access), Ok(()));
        assert_eq!(field(partly.check(Right::Rectification)), "ground");
    }

    #[test]
    fn complaints_and_withdrawals_of_consent() {
        let not_upheld = outcome(OutcomeKind::Refused, None, "Handled as the policy says");
        assert_eq!(not_upheld.check(Right::Complaint), Ok(()));
        let cited = outcome(
            OutcomeKind::Refused,
            Some(RefusalGround::ManifestlyUnfounded),
            "Vexatious",
        );
        assert_eq!(field(cited.check(Right::Complaint)), "ground");
        assert_eq!(field(cited.check(Right::WithdrawConsent)), "outcome");
        assert!(RefusalGround::for_right(Right::WithdrawConsent).is_empty());
        assert!(RefusalGround::for_right(Right::Complaint).is_empty());
    }

    #[test]
    fn which_grounds_reach_which_rights() {
        assert_eq!(
            RefusalGround::for_right(Right::Access),
            vec![
                RefusalGround::NotIdentified,
                RefusalGround::ManifestlyUnfounded,
                RefusalGround::ManifestlyExcessive,
                RefusalGround::CrimeAndTaxation,
                RefusalGround::LegalDisclosure,
                RefusalGround::OtherPeople,
                RefusalGround::LegalProfessionalPrivilege,
                RefusalGround::ManagementForecasts,
                RefusalGround::Negotiations,
                RefusalGround::ConfidentialReferences,
            ]
        );
        let erasure = RefusalGround::for_right(Right::Erasure);
        for exemption in ErasureExemption::ALL {
            let ground = erasure
                .iter()
                .find(|g| g.erasure_exemption() == Some(*exemption))
                .expect("every Art 17(3) exemption is a ground");
            assert_eq!(ground.citation(), exemption.article());
        }
        assert!(!erasure.contains(&RefusalGround::OtherPeople));
        assert!(
            !RefusalGround::for_right(Right::AutomatedDecisionSafeguards)
                .contains(&RefusalGround::CrimeAndTaxation)
        );
    }

    #[test]
    fn every_ground_is_cited_and_described() {
        for ground in RefusalGround::ALL {
            assert!(!ground.citation().is_empty());
            assert!(!ground.description().is_empty());
            assert!(
                Right::ALL.iter().any(|r| ground.applies_to(*r)),
                "{ground} refuses something"
            );
        }
        assert_eq!(
            RefusalGround::ConfidentialReferences.citation(),
            "DPA 2018 Sch 2 para 24"
        );
    }
}
