//! Restriction of processing (Art 18), as an objection places it: a person who objects on
//! grounds of their particular situation (Art 21(1)) has the processing their objection reaches
//! restricted while the controller weighs it (Art 18(1)(d)), and is told before the restriction
//! is lifted (Art 18(3)).
//!
//! An objection under Art 21(1) reaches processing on 6(1)(e) or (f)
//! ([`LawfulBasis::gives_objection`]), so the restriction covers the purposes holding the
//! person's data on those bases. Objection to direct marketing (21(2)) needs no weighing, and
//! processing on any other basis is not objected to under 21(1): neither is restricted.
//! Refusing processing while a restriction holds (Art 18(2)) is enforced elsewhere.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::closed_set;
use crate::ids::PurposeId;
use crate::recipient_notices::{NoticeAction, notice_text};
use crate::register::PersonProcessing;
use crate::register::lawful_basis::LawfulBasis;
use crate::register::rights::{RestrictionGround, Right};
use crate::rights_requests::OutcomeKind;

/// A purpose a restriction covers, as the register stated it when the restriction was placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RestrictedPurpose {
    pub purpose_id: PurposeId,
    pub name: String,
    pub lawful_basis: LawfulBasis,
}

/// Art 21(1), 18(1)(d): the purposes an objection puts under restriction until it is decided,
/// among those holding the person's data: the ones whose basis the objection reaches, in the
/// register's order. Empty when none is: then nothing is restricted.
pub fn restricted_by_objection(processing: &PersonProcessing) -> Vec<RestrictedPurpose> {
    processing
        .purposes
        .iter()
        .filter(|held| held.purpose.lawful_basis.basis.gives_objection())
        .map(|held| RestrictedPurpose {
            purpose_id: held.purpose.purpose_id,
            name: held.purpose.name.clone(),
            lawful_basis: held.purpose.lawful_basis.basis,
        })
        .collect()
}

/// The notice each recipient of the person's data is sent when a restriction is placed
/// (Art 19): the purposes restricted, and what the recipient may still do.
pub fn recipient_notice(purposes: &[RestrictedPurpose]) -> String {
    let names: Vec<&str> = purposes.iter().map(|p| p.name.as_str()).collect();
    notice_text(NoticeAction::Restriction, &names)
}

/// What a request says of restriction: whether its right places one, whether one was placed,
/// and whether it still holds. `lifted` is `None` when the request placed no restriction, and
/// otherwise whether it has been lifted.
pub fn request_explanation(right: Right, lifted: Option<bool>) -> &'static str {
    match (right, lifted) {
        (Right::Objection, None) => {
            "No restriction was placed: none of the person's data is processed for a purpose \
             whose lawful basis is Art 6(1)(e) or (f), the processing an objection under \
             Art 21(1) reaches."
        }
        (Right::Objection, Some(false)) => {
            "The processing the objection reaches is restricted under Art 18(1)(d) until the \
             objection is decided: the data is stored, not otherwise processed."
        }
        (_, Some(true)) => "The restriction was lifted, after the person was told (Art 18(3)).",
        (_, Some(false)) => "The restriction holds: the data is stored, not otherwise processed.",
        (_, None) => {
            "An objection under Art 21(1) places a restriction (Art 18(1)(d)); a request for \
             another right places none."
        }
    }
}

closed_set! {
    /// Why a restriction placed on an objection is lifted.
    pub enum LiftReason for "lift_reason" {
        /// The objection was upheld: processing for the purposes ends for good (and the data is
        /// erased where Art 17(1)(c) applies), so no restriction is needed to stop it.
        ObjectionUpheld = "objection_upheld",
        /// Art 21(1): compelling legitimate grounds for the processing override the person's
        /// interests, rights and freedoms, or it is needed for legal claims; processing resumes.
        ObjectionOverridden = "objection_overridden",
    }
}

/// What an objection's outcome does to the restriction it placed (Art 18(1)(d) holds only
/// "pending the verification" of the controller's grounds): upheld, processing for the purposes
/// ends for good (Art 21(1)); overruled, it resumes; upheld in part, the restriction stays until
/// the DPO settles what resumes.
pub fn lifted_by_outcome(outcome: OutcomeKind) -> Option<LiftReason> {
    match outcome {
        OutcomeKind::Fulfilled => Some(LiftReason::ObjectionUpheld),
        OutcomeKind::Refused => Some(LiftReason::ObjectionOverridden),
        OutcomeKind::PartlyFulfilled => None,
    }
}

/// Why a restriction on `ground` was placed, in the words of a notice to the person.
fn placed_because(ground: RestrictionGround) -> &'static str {
    match ground {
        RestrictionGround::AccuracyContested => "while the accuracy of your data was verified",
        RestrictionGround::UnlawfulErasureOpposed => {
            "because you asked for restriction rather than erasure of data processed unlawfully"
        }
        RestrictionGround::NeededForLegalClaims => "because you need the data for legal claims",
        RestrictionGround::ObjectionPending => "while your objection was considered",
    }
}

fn lifted_because(reason: LiftReason) -> &'static str {
    match reason {
        LiftReason::ObjectionUpheld => {
            "Your objection was upheld: we no longer process your data for these purposes, and \
             erase it where Art 17(1)(c) applies."
        }
        LiftReason::ObjectionOverridden => {
            "We have compelling legitimate grounds for the processing which override your \
             interests, rights and freedoms, or it is needed for legal claims (Art 21(1)), so \
             processing for these purposes resumes. You may complain to the Information \
             Commissioner's Office and seek a judicial remedy (Art 12(4))."
        }
    }
}

/// Art 18(3): the notice the person is given before a restriction is lifted: what was
/// restricted, since when and why, and why it ends.
pub fn lifting_notice(
    ground: RestrictionGround,
    purposes: &[RestrictedPurpose],
    placed_on: NaiveDate,
    reason: LiftReason,
) -> String {
    let names: Vec<&str> = purposes.iter().map(|p| p.name.as_str()).collect();
    format!(
        "Under Art 18(3) UK GDPR we tell you before we lift it: the restriction of processing of \
         your personal data placed on {} under {} {} is lifted for: {}. {}",
        placed_on.format("%-d %B %Y"),
        ground.article(),
        placed_because(ground),
        names.join(", "),
        lifted_because(reason)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::{Holding, demo};

    fn devon_person() -> PersonProcessing {
        // Devon holds a person's record under its public task; its trails on legal obligation.
        demo::devon().processing_of(&[
            Holding::of(crate::catalogue::RecordKind::Person),
            Holding::of(crate::catalogue::RecordKind::RightsRequest),
        ])
    }

    #[test]
    fn an_objection_restricts_the_purposes_on_public_task_or_legitimate_interests() {
        let processing = devon_person();
        assert_eq!(processing.purposes.len(), 2, "{processing:?}");
        let restricted = restricted_by_objection(&processing);
        assert_eq!(restricted.len(), 1, "{restricted:?}");
        assert_eq!(restricted[0].name, "Support tickets");
        assert_eq!(restricted[0].lawful_basis, LawfulBasis::PublicTask);
    }

    #[test]
    fn nothing_is_restricted_where_no_basis_admits_the_objection() {
        // The Cabinet Office holds staff records on the employment contract.
        let processing = demo::cabinet_office().processing_of(&[
            Holding::of(crate::catalogue::RecordKind::Person),
            Holding::of(crate::catalogue::RecordKind::RightsRequest),
        ]);
        assert!(!processing.purposes.is_empty());
        assert!(restricted_by_objection(&processing).is_empty());
    }

    #[test]
    fn the_bases_an_objection_reaches_are_e_and_f() {
        let reached: Vec<LawfulBasis> = LawfulBasis::ALL
            .iter()
            .copied()
            .filter(|b| b.gives_objection())
            .collect();
        assert_eq!(
            reached,
            [LawfulBasis::PublicTask, LawfulBasis::LegitimateInterests]
        );
    }

    #[test]
    fn a_request_says_whether_a_restriction_was_placed() {
        assert!(request_explanation(Right::Objection, None).starts_with("No restriction"));
        assert!(request_explanation(Right::Objection, Some(false)).contains("Art 18(1)(d)"));
        assert!(request_explanation(Right::Objection, Some(true)).contains("Art 18(3)"));
        assert!(request_explanation(Right::Access, None).contains("another right"));
    }

    #[test]
    fn the_person_is_told_what_is_lifted_and_why() {
        let purposes = restricted_by_objection(&devon_person());
        let placed_on = NaiveDate::from_ymd_opt(2026, 12, 2).expect("a date");
        let notice = lifting_notice(
            RestrictionGround::ObjectionPending,
            &purposes,
            placed_on,
            LiftReason::ObjectionOverridden,
        );
        assert!(notice.starts_with("Under Art 18(3) UK GDPR"), "{notice}");
        assert!(
            notice.contains("placed on 2 December 2026 under Art 18(1)(d)"),
            "{notice}"
        );
        assert!(notice.contains("Support tickets"), "{notice}");
        assert!(notice.contains("Art 12(4)"), "{notice}");
        for &reason in LiftReason::ALL {
            let text = lifting_notice(
                RestrictionGround::ObjectionPending,
                &purposes,
                placed_on,
                reason,
            );
            assert!(text.ends_with(lifted_because(reason)), "{text}");
        }
    }

    #[test]
    fn recipients_are_told_the_purposes_restricted() {
        let text = recipient_notice(&restricted_by_objection(&devon_person()));
        assert!(
            text.contains("restricted (Art 18) for: Support tickets"),
            "{text}"
        );
    }

    #[test]
    fn an_objection_decided_either_way_lifts_its_restriction_and_one_decided_in_part_keeps_it() {
        assert_eq!(
            lifted_by_outcome(OutcomeKind::Fulfilled),
            Some(LiftReason::ObjectionUpheld)
        );
        assert_eq!(
            lifted_by_outcome(OutcomeKind::Refused),
            Some(LiftReason::ObjectionOverridden)
        );
        assert_eq!(lifted_by_outcome(OutcomeKind::PartlyFulfilled), None);
    }
}
