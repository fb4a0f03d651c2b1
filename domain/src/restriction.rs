//! Restriction of processing (Art 18): placed when a person asks for it on a ground of
//! Art 18(1)(a) to (c), or when they object on grounds of their particular situation
//! (Art 21(1)) while the controller weighs it (Art 18(1)(d)); enforced while it holds
//! (Art 18(2): the data is stored, not otherwise processed, but for the exceptions the DPO
//! records); and lifted only after the person is told (Art 18(3)).
//!
//! An objection under Art 21(1) reaches processing on 6(1)(e) or (f)
//! ([`LawfulBasis::gives_objection`]), so its restriction covers the purposes holding the
//! person's data on those bases. Objection to direct marketing (21(2)) needs no weighing, and
//! processing on any other basis is not objected to under 21(1): neither is restricted. A
//! request under Art 18 covers every purpose holding the person's data, or those it names.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::DomainError;
use crate::closed_set;
use crate::disclosures::DisclosureFacts;
use crate::ids::{DataCategoryId, OrgId, PersonId, PurposeId, RightsRequestId};
use crate::party::Party;
use crate::recipient_notices::{NoticeAction, notice_text};
use crate::register::lawful_basis::LawfulBasis;
use crate::register::rights::{RestrictionGround, Right};
use crate::register::{Governing, Holding, PersonProcessing, Register};
use crate::rights_requests::OutcomeKind;

/// A restriction of the processing of one person's data, in force or lifted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restriction {
    pub id: Uuid,
    pub org_id: OrgId,
    pub person_id: PersonId,
    pub ground: RestrictionGround,
    /// The request that placed it.
    pub request_id: RightsRequestId,
    /// What is restricted, as the register stated it when the restriction was placed.
    pub purposes: Vec<RestrictedPurpose>,
    pub placed_at: DateTime<Utc>,
    pub placed_by: Party,
    /// Art 18(2): the processing the DPO has let through, oldest first.
    pub exceptions: Vec<Exception>,
    /// None while it holds.
    pub lifted: Option<Lifted>,
}

/// How a restriction ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifted {
    pub at: DateTime<Utc>,
    pub by: Party,
    pub reason: LiftReason,
    /// Art 18(3): what the person was told before it was lifted.
    pub notice: String,
}

closed_set! {
    /// Processing of a person's data beyond storage, which a restriction stops (Art 18(2)).
    pub enum Processing for "processing" {
        /// Changing their person record: by the desk, HR sync or SCIM provisioning.
        PersonUpdate = "person_update",
        /// Writing a desk record about them: tickets they requested and comments on them,
        /// their accounts, asset assignments and adjustments.
        RecordUpdate = "record_update",
        /// Disclosing their data to a recipient.
        Disclosure = "disclosure",
        /// Recording their survey answers, and counting them in survey results.
        SurveyUse = "survey_use",
    }
}

closed_set! {
    /// Art 18(2): the grounds on which restricted data may still be processed.
    pub enum ExceptionGround for "exception_ground" {
        /// With the person's consent.
        Consent = "consent",
        /// For the establishment, exercise or defence of legal claims.
        LegalClaims = "legal_claims",
        /// For the protection of the rights of another natural or legal person.
        ProtectionOfOthers = "protection_of_others",
        /// For reasons of important public interest.
        PublicInterest = "public_interest",
    }
}

impl ExceptionGround {
    /// The ground in the words of Art 18(2).
    pub fn describe(self) -> &'static str {
        match self {
            ExceptionGround::Consent => "with the data subject's consent",
            ExceptionGround::LegalClaims => {
                "for the establishment, exercise or defence of legal claims"
            }
            ExceptionGround::ProtectionOfOthers => {
                "for the protection of the rights of another natural or legal person"
            }
            ExceptionGround::PublicInterest => "for reasons of important public interest",
        }
    }
}

/// Art 18(2): processing of restricted data the DPO lets through, on a ground, until a time or
/// until the restriction is lifted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    pub id: Uuid,
    pub ground: ExceptionGround,
    /// The one kind of processing it lets through.
    pub allows: Processing,
    pub note: String,
    /// Exclusive end; none: until the restriction is lifted.
    pub until: Option<DateTime<Utc>>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: Party,
}

impl Exception {
    /// Whether it lets `processing` through at `now`.
    pub fn allows_at(&self, processing: Processing, now: DateTime<Utc>) -> bool {
        self.allows == processing && self.until.is_none_or(|until| now < until)
    }
}

/// An exception's end must lie after it is recorded: one ending at once lets nothing through.
pub fn check_exception_until(
    until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    match until {
        Some(until) if until <= now => Err(DomainError::invalid("until", "must be in the future")),
        _ => Ok(()),
    }
}

/// Why processing was refused: the restriction that holds, by id and ground. Names no data of
/// the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub restriction_id: Uuid,
    pub ground: RestrictionGround,
    pub processing: Processing,
}

impl Refusal {
    /// The refusal in words: the restriction's id and the article of its ground.
    pub fn message(&self) -> String {
        format!(
            "restriction {} under {} holds: the person's data is stored but not otherwise \
             processed, and no exception the DPO recorded allows {}",
            self.restriction_id,
            self.ground.article(),
            self.processing
        )
    }
}

impl From<Refusal> for DomainError {
    fn from(refusal: Refusal) -> Self {
        DomainError::OutOfTurn {
            rule: "Art 18(2)",
            message: refusal.message(),
        }
    }
}

/// Art 18(2): whether the person's `restrictions` refuse `processing` of their data held for
/// `purposes`, done at `at` (now, or when a disclosure being logged was made). A restriction
/// refuses it when it holds, was placed by then, covers one of the purposes, and no exception
/// of it in force then allows that processing; the first such (oldest) is named. Storage and
/// reading are never refused: they are not a [`Processing`].
pub fn refuses(
    restrictions: &[Restriction],
    processing: Processing,
    purposes: &[PurposeId],
    at: DateTime<Utc>,
) -> Option<Refusal> {
    restrictions
        .iter()
        .filter(|r| r.lifted.is_none() && r.placed_at <= at)
        .filter(|r| r.purposes.iter().any(|p| purposes.contains(&p.purpose_id)))
        .find(|r| !r.exceptions.iter().any(|e| e.allows_at(processing, at)))
        .map(|r| Refusal {
            restriction_id: r.id,
            ground: r.ground,
            processing,
        })
}

/// Art 18(2) for the disclosures log: whether `restrictions` (those of the person `facts` are
/// about) refuse the disclosure a record states: [`refuses`] for [`Processing::Disclosure`] at
/// the moment it was made (`disclosed_at`), for every purpose of `register` holding a category
/// it names.
///
/// A record is judged as it stands after the write, whether it is new or a correction. Keeping
/// the log is not processing the person's data beyond storage; the disclosure it states is. So
/// a correction stating a disclosure made before any restriction covering it was placed (a
/// typo in its description, a reference added, even its recipient or categories put right)
/// corrects the log of what happened while processing was allowed, and goes through; one
/// stating a disclosure made while a restriction held (moved to a later moment, put on another
/// person, given a category of a restricted purpose) is refused exactly as recording it afresh
/// would be, unless an exception in force at that moment allowed disclosure.
pub fn refuses_disclosure(
    restrictions: &[Restriction],
    register: &Register,
    facts: &DisclosureFacts,
) -> Option<Refusal> {
    let purposes = purposes_of(register, Touched::Categories(&facts.data_categories));
    refuses(
        restrictions,
        Processing::Disclosure,
        &purposes,
        facts.disclosed_at,
    )
}

/// What processing touches, for finding the purposes it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Touched<'a> {
    /// Rows of a record kind (a ticket, of its category): the purpose the register binds them to.
    Records(Holding),
    /// Data of these categories (a disclosure): every purpose holding any of them.
    Categories(&'a [DataCategoryId]),
}

/// The purposes of `register` that processing of `touched` is for. A holding governed by more
/// than one purpose is for each of them (the register does not say which); an unbound one is
/// for none.
pub fn purposes_of(register: &Register, touched: Touched<'_>) -> Vec<PurposeId> {
    match touched {
        Touched::Records(holding) => match register.governing(holding) {
            Governing::Unbound => Vec::new(),
            Governing::By(purpose) => vec![purpose.id],
            Governing::Ambiguous(purposes) => purposes.iter().map(|p| p.id).collect(),
        },
        Touched::Categories(categories) => register
            .purposes
            .iter()
            .filter(|p| p.data_categories.iter().any(|c| categories.contains(c)))
            .map(|p| p.id)
            .collect(),
    }
}

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

/// What a request under Art 18 asks to restrict: on which ground of Art 18(1), and for which
/// purposes (none named: every purpose holding the person's data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub ground: RestrictionGround,
    pub purposes: Option<Vec<PurposeId>>,
}

/// Checks what a request says of restriction before it is stored: a request for restriction
/// names its ground, one of Art 18(1)(a) to (c) (an objection places (d) itself); a request of
/// any other right names neither a ground nor purposes.
pub fn check_asked(right: Right, asked: Option<&Asked>) -> Result<(), DomainError> {
    match (right, asked) {
        (Right::Restriction, None) => Err(DomainError::invalid(
            "restriction_ground",
            "a request for restriction names its Art 18(1) ground",
        )),
        (Right::Restriction, Some(asked))
            if asked.ground == RestrictionGround::ObjectionPending =>
        {
            Err(DomainError::invalid(
                "restriction_ground",
                "Art 18(1)(d) is placed by an objection (Art 21(1)); ask for a, b or c",
            ))
        }
        (Right::Restriction, Some(asked)) if asked.purposes.as_ref().is_some_and(Vec::is_empty) => {
            Err(DomainError::invalid(
                "purpose_ids",
                "names at least one purpose, or is left out for every purpose",
            ))
        }
        (Right::Restriction, Some(_)) | (_, None) => Ok(()),
        (_, Some(_)) => Err(DomainError::invalid(
            "restriction_ground",
            "only a request for restriction names a ground of Art 18(1)",
        )),
    }
}

/// Art 18(1), 21(1): what a request restricts, among the purposes holding the person's data:
/// an objection, those its basis reaches, under 18(1)(d); a request for restriction, every
/// one or those it names, under its ground. `None` when nothing is restricted: another right,
/// or no purpose to restrict. A named purpose that holds none of the person's data is refused,
/// naming `purpose_ids`.
pub fn restricted_by_request(
    right: Right,
    asked: Option<&Asked>,
    processing: &PersonProcessing,
) -> Result<Option<(RestrictionGround, Vec<RestrictedPurpose>)>, DomainError> {
    let (ground, purposes) = match (right, asked) {
        (Right::Objection, _) => (
            RestrictionGround::ObjectionPending,
            restricted_by_objection(processing),
        ),
        (Right::Restriction, Some(asked)) => {
            let held = processing.purposes.iter().map(|held| RestrictedPurpose {
                purpose_id: held.purpose.purpose_id,
                name: held.purpose.name.clone(),
                lawful_basis: held.purpose.lawful_basis.basis,
            });
            let purposes: Vec<RestrictedPurpose> = match &asked.purposes {
                None => held.collect(),
                Some(named) => {
                    let held: Vec<RestrictedPurpose> = held.collect();
                    if let Some(stray) = named
                        .iter()
                        .find(|id| !held.iter().any(|p| p.purpose_id == **id))
                    {
                        return Err(DomainError::invalid(
                            "purpose_ids",
                            format!("purpose {stray} holds none of the person's data"),
                        ));
                    }
                    held.into_iter()
                        .filter(|p| named.contains(&p.purpose_id))
                        .collect()
                }
            };
            (asked.ground, purposes)
        }
        _ => return Ok(None),
    };
    Ok((!purposes.is_empty()).then_some((ground, purposes)))
}

/// The notice each recipient of the person's data is sent when a restriction is placed
/// (Art 19): the purposes restricted, and what the recipient may still do.
pub fn recipient_notice(purposes: &[RestrictedPurpose]) -> String {
    let names: Vec<&str> = purposes.iter().map(|p| p.name.as_str()).collect();
    notice_text(NoticeAction::Restriction, &names)
}

/// Whether processing for a restriction's purposes resumes once it is lifted for `reason`: it
/// does, but where an objection was upheld (Art 21(1)), which ends that processing for good.
pub fn processing_resumes(reason: LiftReason) -> bool {
    reason != LiftReason::ObjectionUpheld
}

/// The notice each recipient told of a restriction is sent when it is lifted (Art 19, 18(3)):
/// the purposes it covered, and whether the recipient may resume processing for them. It says
/// nothing of why: the notice of its placing named no ground either, and the person's objection
/// or claim is none of the recipient's business.
pub fn recipient_lifting_notice(purposes: &[RestrictedPurpose], reason: LiftReason) -> String {
    let names: Vec<&str> = purposes.iter().map(|p| p.name.as_str()).collect();
    let then = if processing_resumes(reason) {
        "Processing for these purposes resumes: you may again process the data as the terms on \
         which we disclosed it allow."
    } else {
        "Processing for these purposes ends rather than resumes: do not resume processing the \
         data for them; we tell you separately if it is erased."
    };
    format!(
        "{} {then}",
        notice_text(NoticeAction::RestrictionLifted, &names)
    )
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
        (Right::Restriction, None) => {
            "No restriction was placed: no purpose holds the person's data."
        }
        (Right::Objection, Some(false)) => {
            "The processing the objection reaches is restricted under Art 18(1)(d) until the \
             objection is decided: the data is stored, not otherwise processed."
        }
        (_, Some(true)) => "The restriction was lifted, after the person was told (Art 18(3)).",
        (_, Some(false)) => "The restriction holds: the data is stored, not otherwise processed.",
        (_, None) => {
            "A request for restriction (Art 18(1)) or an objection under Art 21(1) \
             (Art 18(1)(d)) places a restriction; a request for another right places none."
        }
    }
}

closed_set! {
    /// Why a restriction is lifted.
    pub enum LiftReason for "lift_reason" {
        /// The objection was upheld: processing for the purposes ends for good (and the data is
        /// erased where Art 17(1)(c) applies), so no restriction is needed to stop it.
        ObjectionUpheld = "objection_upheld",
        /// Art 21(1): compelling legitimate grounds for the processing override the person's
        /// interests, rights and freedoms, or it is needed for legal claims; processing resumes.
        ObjectionOverridden = "objection_overridden",
        /// The request for restriction was refused (its outcome gives the ground).
        RequestRefused = "request_refused",
        /// Art 18(1)(a): the accuracy of the data is verified (and corrected where it was not).
        AccuracyVerified = "accuracy_verified",
        /// Art 18(1)(c): the person no longer needs the data for legal claims.
        ClaimsConcluded = "claims_concluded",
        /// The person asked for the restriction to end (under 18(1)(b), for erasure instead).
        WithdrawnByPerson = "withdrawn_by_person",
    }
}

/// What a request's outcome does to the restriction it placed. An objection's (Art 18(1)(d)
/// holds only "pending the verification" of the controller's grounds): upheld, processing for
/// the purposes ends for good (Art 21(1)); overruled, it resumes; upheld in part, the
/// restriction stays until the DPO settles what resumes. A request for restriction's: granted
/// in whole or part, the restriction stays until its ground ends and the DPO lifts it; refused,
/// it is lifted. Any other right's request places none.
pub fn lifted_by_outcome(right: Right, outcome: OutcomeKind) -> Option<LiftReason> {
    match (right, outcome) {
        (Right::Objection, OutcomeKind::Fulfilled) => Some(LiftReason::ObjectionUpheld),
        (Right::Objection, OutcomeKind::Refused) => Some(LiftReason::ObjectionOverridden),
        (Right::Restriction, OutcomeKind::Refused) => Some(LiftReason::RequestRefused),
        _ => None,
    }
}

/// Whether the DPO may lift a restriction on `ground` directly for `reason`: the end of that
/// ground (accuracy verified under (a), legal claims concluded under (c), an objection decided
/// under (d)), or the person asking for it to end, under any. A refused request is lifted by
/// its outcome, not directly. The refusal names `reason`.
pub fn check_direct_lift(ground: RestrictionGround, reason: LiftReason) -> Result<(), DomainError> {
    let fits = match reason {
        LiftReason::WithdrawnByPerson => true,
        LiftReason::AccuracyVerified => ground == RestrictionGround::AccuracyContested,
        LiftReason::ClaimsConcluded => ground == RestrictionGround::NeededForLegalClaims,
        LiftReason::ObjectionUpheld | LiftReason::ObjectionOverridden => {
            ground == RestrictionGround::ObjectionPending
        }
        LiftReason::RequestRefused => {
            return Err(DomainError::invalid(
                "reason",
                "a refused request's restriction is lifted by recording its outcome",
            ));
        }
    };
    if fits {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "reason",
            format!(
                "{reason} does not end a restriction under {}",
                ground.article()
            ),
        ))
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
        LiftReason::RequestRefused => {
            "Your request for restriction was refused, for the reasons our answer gives, so \
             processing for these purposes resumes. You may complain to the Information \
             Commissioner's Office and seek a judicial remedy (Art 12(4))."
        }
        LiftReason::AccuracyVerified => {
            "We have verified the accuracy of your data, correcting it where it was not \
             accurate, so processing for these purposes resumes."
        }
        LiftReason::ClaimsConcluded => {
            "You no longer need the data for legal claims, so processing for these purposes \
             resumes, and the data is erased where we no longer need it."
        }
        LiftReason::WithdrawnByPerson => {
            "You asked us to end the restriction, so processing for these purposes resumes."
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
        assert!(request_explanation(Right::Restriction, None).starts_with("No restriction"));
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
    fn recipients_told_of_a_lifting_hear_whether_to_resume_and_not_why() {
        let purposes = restricted_by_objection(&devon_person());
        for &reason in LiftReason::ALL {
            let text = recipient_lifting_notice(&purposes, reason);
            assert!(text.starts_with("Under Art 19 UK GDPR"), "{text}");
            assert!(
                text.contains("lifted (Art 18(3)) for: Support tickets"),
                "{text}"
            );
            assert_eq!(
                text.contains("purposes resumes"),
                processing_resumes(reason),
                "{text}"
            );
            assert_eq!(
                text.contains("ends rather than resumes"),
                !processing_resumes(reason)
            );
            assert!(!text.contains(lifted_because(reason)), "{text}");
            assert!(!text.contains("objection"), "{text}");
        }
        assert!(!processing_resumes(LiftReason::ObjectionUpheld));
        assert!(processing_resumes(LiftReason::ObjectionOverridden));
    }

    /// A record of Devon's log about the restricted person, of `categories`, made at `hour`.
    fn disclosed(categories: &[DataCategoryId], hour: u32) -> DisclosureFacts {
        DisclosureFacts {
            person_id: restricting(&[]).person_id,
            recipient_id: crate::ids::RecipientId::from_uuid(Uuid::from_u128(0x5)),
            disclosed_at: at(hour),
            basis: crate::disclosures::DisclosureBasis::CourtOrder,
            explanation: None,
            data_categories: categories.to_vec(),
            description: "Contact details".into(),
            reference: None,
        }
    }

    #[test]
    fn a_record_of_the_log_is_judged_on_the_disclosure_it_states_when_it_was_made() {
        let devon = demo::devon();
        let support = purposes_of(
            &devon,
            Touched::Records(Holding::of(crate::catalogue::RecordKind::Person)),
        );
        let Some(support) = devon.purpose(support[0]) else {
            panic!("the support purpose");
        };
        let mut restriction = restricting(&[]);
        restriction.purposes = vec![RestrictedPurpose {
            purpose_id: support.id,
            name: support.name.clone(),
            lawful_basis: LawfulBasis::PublicTask,
        }];
        // Placed at 9: a disclosure of its data made at 8 was made while processing was allowed.
        let held = [restriction];
        let held_category = support.data_categories[0];
        let before = disclosed(&[held_category], 8);
        assert_eq!(refuses_disclosure(&held, &devon, &before), None);
        // Putting its text, recipient or categories right states a disclosure made at 8 still.
        let corrected = DisclosureFacts {
            description: "Contact details and job title".into(),
            recipient_id: crate::ids::RecipientId::from_uuid(Uuid::from_u128(0x6)),
            ..before.clone()
        };
        assert_eq!(refuses_disclosure(&held, &devon, &corrected), None);
        // Moved to 11, it states a disclosure of restricted data.
        let moved = DisclosureFacts {
            disclosed_at: at(11),
            ..before.clone()
        };
        let refusal = refuses_disclosure(&held, &devon, &moved).expect("refused");
        assert_eq!(refusal.restriction_id, held[0].id);
        assert_eq!(refusal.processing, Processing::Disclosure);
        // A category no restricted purpose holds is disclosed freely; adding one that is, not.
        let Some(free) = devon
            .data_categories
            .iter()
            .map(|c| c.id)
            .find(|c| !support.data_categories.contains(c))
        else {
            panic!("a category the support purpose does not hold");
        };
        let unrestricted = disclosed(&[free], 11);
        assert_eq!(refuses_disclosure(&held, &devon, &unrestricted), None);
        let widened = disclosed(&[free, held_category], 11);
        assert!(refuses_disclosure(&held, &devon, &widened).is_some());
        // An exception allowing disclosure then lets it through; one ending before, not.
        let mut excepted = held.clone();
        excepted[0]
            .exceptions
            .push(exception(Processing::Disclosure, Some(at(11))));
        assert!(refuses_disclosure(&excepted, &devon, &moved).is_some());
        excepted[0]
            .exceptions
            .push(exception(Processing::Disclosure, Some(at(12))));
        assert_eq!(refuses_disclosure(&excepted, &devon, &moved), None);
    }

    #[test]
    fn an_objection_decided_either_way_lifts_its_restriction_and_one_decided_in_part_keeps_it() {
        let objection = |outcome| lifted_by_outcome(Right::Objection, outcome);
        assert_eq!(
            objection(OutcomeKind::Fulfilled),
            Some(LiftReason::ObjectionUpheld)
        );
        assert_eq!(
            objection(OutcomeKind::Refused),
            Some(LiftReason::ObjectionOverridden)
        );
        assert_eq!(objection(OutcomeKind::PartlyFulfilled), None);
    }

    fn at(hour: u32) -> DateTime<Utc> {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 2)
            .and_then(|d| d.and_hms_opt(hour, 0, 0))
            .expect("a time")
            .and_utc()
    }

    fn purpose_id(n: u128) -> PurposeId {
        PurposeId::from_uuid(Uuid::from_u128(n))
    }

    fn restricting(purposes: &[u128]) -> Restriction {
        Restriction {
            id: Uuid::from_u128(0xabc),
            org_id: OrgId::from_uuid(Uuid::from_u128(1)),
            person_id: PersonId::from_uuid(Uuid::from_u128(2)),
            ground: RestrictionGround::AccuracyContested,
            request_id: RightsRequestId::from_uuid(Uuid::from_u128(3)),
            purposes: purposes
                .iter()
                .map(|&n| RestrictedPurpose {
                    purpose_id: purpose_id(n),
                    name: format!("purpose {n}"),
                    lawful_basis: LawfulBasis::PublicTask,
                })
                .collect(),
            placed_at: at(9),
            placed_by: Party::Account("dpo-1".into()),
            exceptions: Vec::new(),
            lifted: None,
        }
    }

    fn exception(allows: Processing, until: Option<DateTime<Utc>>) -> Exception {
        Exception {
            id: Uuid::from_u128(0xdef),
            ground: ExceptionGround::LegalClaims,
            allows,
            note: "Court of appeal bundle".into(),
            until,
            recorded_at: at(10),
            recorded_by: Party::Account("dpo-1".into()),
        }
    }

    #[test]
    fn a_restriction_refuses_processing_for_its_purposes_and_names_itself_and_its_ground() {
        let restriction = restricting(&[7]);
        let refusal = refuses(
            std::slice::from_ref(&restriction),
            Processing::PersonUpdate,
            &[purpose_id(7)],
            at(11),
        )
        .expect("refused");
        assert_eq!(refusal.restriction_id, restriction.id);
        assert_eq!(refusal.ground, RestrictionGround::AccuracyContested);
        let message = refusal.message();
        assert!(message.contains(&restriction.id.to_string()), "{message}");
        assert!(message.contains("Art 18(1)(a)"), "{message}");
        assert!(message.contains("person_update"), "{message}");
        let error = DomainError::from(refusal);
        assert!(error.to_string().ends_with("(Art 18(2))"), "{error}");
        // Another purpose's processing, or none, goes on.
        let other = refuses(
            std::slice::from_ref(&restriction),
            Processing::PersonUpdate,
            &[purpose_id(8)],
            at(11),
        );
        assert_eq!(other, None);
        assert_eq!(
            refuses(
                std::slice::from_ref(&restriction),
                Processing::Disclosure,
                &[],
                at(11)
            ),
            None
        );
        // A disclosure made before the restriction was placed is logged as it happened.
        assert_eq!(
            refuses(
                &[restriction],
                Processing::Disclosure,
                &[purpose_id(7)],
                at(8)
            ),
            None
        );
    }

    #[test]
    fn an_exception_in_force_lets_its_processing_through_and_no_other() {
        let mut restriction = restricting(&[7]);
        restriction.exceptions = vec![exception(Processing::Disclosure, Some(at(12)))];
        let held = [restriction];
        let purposes = [purpose_id(7)];
        assert_eq!(
            refuses(&held, Processing::Disclosure, &purposes, at(11)),
            None
        );
        assert!(refuses(&held, Processing::PersonUpdate, &purposes, at(11)).is_some());
        // Its end is exclusive: at noon it no longer holds.
        assert!(refuses(&held, Processing::Disclosure, &purposes, at(12)).is_some());
    }

    #[test]
    fn a_lifted_restriction_refuses_nothing() {
        let mut restriction = restricting(&[7]);
        restriction.lifted = Some(Lifted {
            at: at(10),
            by: Party::Account("dpo-1".into()),
            reason: LiftReason::AccuracyVerified,
            notice: "told".into(),
        });
        assert_eq!(
            refuses(
                &[restriction],
                Processing::SurveyUse,
                &[purpose_id(7)],
                at(11)
            ),
            None
        );
    }

    #[test]
    fn an_exception_ends_after_it_is_recorded() {
        assert!(check_exception_until(None, at(10)).is_ok());
        assert!(check_exception_until(Some(at(11)), at(10)).is_ok());
        for until in [at(10), at(9)] {
            let error = check_exception_until(Some(until), at(10)).expect_err("refused");
            assert!(matches!(error, DomainError::Invalid { field: "until", .. }));
        }
    }

    #[test]
    fn records_are_for_the_purpose_binding_them_and_categories_for_each_purpose_holding_them() {
        let devon = demo::devon();
        let person = purposes_of(
            &devon,
            Touched::Records(Holding::of(crate::catalogue::RecordKind::Person)),
        );
        let tickets = purposes_of(
            &devon,
            Touched::Records(Holding::ticket(crate::ticket::TicketCategory::ALL[0])),
        );
        assert_eq!(person.len(), 1);
        assert_eq!(person, tickets, "Devon's support purpose governs both");
        assert_eq!(
            devon.purpose(person[0]).map(|p| p.name.as_str()),
            Some("Support tickets")
        );
        let adjustments = purposes_of(
            &devon,
            Touched::Records(Holding::of(crate::catalogue::RecordKind::Adjustment)),
        );
        assert_eq!(adjustments.len(), 1);
        assert_ne!(adjustments, person);
        let Some(support) = devon.purpose(person[0]) else {
            panic!("the support purpose");
        };
        let categories = purposes_of(&devon, Touched::Categories(&support.data_categories));
        assert!(categories.contains(&support.id), "{categories:?}");
        assert!(purposes_of(&devon, Touched::Categories(&[])).is_empty());
    }

    #[test]
    fn a_request_for_restriction_names_a_ground_a_to_c_and_nothing_else_does() {
        let asked = |ground| Asked {
            ground,
            purposes: None,
        };
        assert!(check_asked(Right::Access, None).is_ok());
        assert!(check_asked(Right::Objection, None).is_ok());
        for ground in [
            RestrictionGround::AccuracyContested,
            RestrictionGround::UnlawfulErasureOpposed,
            RestrictionGround::NeededForLegalClaims,
        ] {
            assert!(check_asked(Right::Restriction, Some(&asked(ground))).is_ok());
            let error = check_asked(Right::Erasure, Some(&asked(ground))).expect_err("refused");
            assert!(matches!(
                error,
                DomainError::Invalid {
                    field: "restriction_ground",
                    ..
                }
            ));
        }
        for refused in [
            check_asked(Right::Restriction, None),
            check_asked(
                Right::Restriction,
                Some(&asked(RestrictionGround::ObjectionPending)),
            ),
        ] {
            assert!(matches!(
                refused,
                Err(DomainError::Invalid {
                    field: "restriction_ground",
                    ..
                })
            ));
        }
        let none_named = Asked {
            ground: RestrictionGround::AccuracyContested,
            purposes: Some(Vec::new()),
        };
        assert!(matches!(
            check_asked(Right::Restriction, Some(&none_named)),
            Err(DomainError::Invalid {
                field: "purpose_ids",
                ..
            })
        ));
    }

    #[test]
    fn a_request_for_restriction_restricts_every_purpose_holding_the_data_or_those_it_names() {
        let processing = devon_person();
        let every = Asked {
            ground: RestrictionGround::AccuracyContested,
            purposes: None,
        };
        let (ground, purposes) =
            restricted_by_request(Right::Restriction, Some(&every), &processing)
                .expect("valid")
                .expect("placed");
        assert_eq!(ground, RestrictionGround::AccuracyContested);
        assert_eq!(
            purposes.len(),
            2,
            "the legal obligation's trails too: {purposes:?}"
        );
        let named = Asked {
            ground: RestrictionGround::NeededForLegalClaims,
            purposes: Some(vec![purposes[1].purpose_id]),
        };
        let (_, only) = restricted_by_request(Right::Restriction, Some(&named), &processing)
            .expect("valid")
            .expect("placed");
        assert_eq!(only, purposes[1..]);
        let stray = Asked {
            ground: RestrictionGround::NeededForLegalClaims,
            purposes: Some(vec![purpose_id(99)]),
        };
        assert!(matches!(
            restricted_by_request(Right::Restriction, Some(&stray), &processing),
            Err(DomainError::Invalid {
                field: "purpose_ids",
                ..
            })
        ));
        // An objection restricts what its basis reaches, whatever is asked; others nothing.
        let (ground, objected) = restricted_by_request(Right::Objection, None, &processing)
            .expect("valid")
            .expect("placed");
        assert_eq!(ground, RestrictionGround::ObjectionPending);
        assert_eq!(objected, restricted_by_objection(&processing));
        assert_eq!(
            restricted_by_request(Right::Access, None, &processing),
            Ok(None)
        );
        let nothing_held = PersonProcessing {
            purposes: Vec::new(),
            ungoverned: Vec::new(),
        };
        assert_eq!(
            restricted_by_request(Right::Restriction, Some(&every), &nothing_held),
            Ok(None)
        );
    }

    #[test]
    fn a_request_for_restriction_refused_lifts_it_and_one_granted_keeps_it() {
        assert_eq!(
            lifted_by_outcome(Right::Restriction, OutcomeKind::Refused),
            Some(LiftReason::RequestRefused)
        );
        for kept in [OutcomeKind::Fulfilled, OutcomeKind::PartlyFulfilled] {
            assert_eq!(lifted_by_outcome(Right::Restriction, kept), None);
        }
        for &outcome in OutcomeKind::ALL {
            assert_eq!(lifted_by_outcome(Right::Erasure, outcome), None);
        }
    }

    #[test]
    fn the_dpo_lifts_a_restriction_directly_when_its_ground_ends_or_the_person_asks() {
        use RestrictionGround::*;
        assert!(check_direct_lift(AccuracyContested, LiftReason::AccuracyVerified).is_ok());
        assert!(check_direct_lift(NeededForLegalClaims, LiftReason::ClaimsConcluded).is_ok());
        assert!(check_direct_lift(ObjectionPending, LiftReason::ObjectionOverridden).is_ok());
        for &ground in RestrictionGround::ALL {
            assert!(check_direct_lift(ground, LiftReason::WithdrawnByPerson).is_ok());
            assert!(check_direct_lift(ground, LiftReason::RequestRefused).is_err());
        }
        let error = check_direct_lift(UnlawfulErasureOpposed, LiftReason::AccuracyVerified)
            .expect_err("refused");
        assert!(matches!(
            error,
            DomainError::Invalid {
                field: "reason",
                ..
            }
        ));
        assert!(error.to_string().contains("Art 18(1)(b)"), "{error}");
        // Every reason has its words for the person.
        for &reason in LiftReason::ALL {
            assert!(!lifted_because(reason).is_empty());
        }
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        fn restrictions() -> impl Strategy<Value = Vec<Restriction>> {
            let one = (
                proptest::collection::vec(0u128..4, 0..3),
                any::<bool>(),
                proptest::collection::vec(
                    (
                        proptest::sample::select(Processing::ALL),
                        proptest::option::of(8u32..14),
                    ),
                    0..3,
                ),
            )
                .prop_map(|(purposes, lifted, exceptions)| {
                    let mut r = restricting(&purposes);
                    r.exceptions = exceptions
                        .into_iter()
                        .map(|(allows, until)| exception(allows, until.map(at)))
                        .collect();
                    r.lifted = lifted.then(|| Lifted {
                        at: at(10),
                        by: Party::Account("dpo-1".into()),
                        reason: LiftReason::WithdrawnByPerson,
                        notice: "told".into(),
                    });
                    r
                });
            proptest::collection::vec(one, 0..4)
        }

        proptest! {
            #[test]
            fn a_refusal_names_a_restriction_in_force_covering_the_purposes_with_no_exception(
                held in restrictions(),
                processing in proptest::sample::select(Processing::ALL),
                purposes in proptest::collection::vec(0u128..4, 0..3),
                hour in 8u32..14,
            ) {
                let purposes: Vec<PurposeId> = purposes.into_iter().map(purpose_id).collect();
                let now = at(hour);
                match refuses(&held, processing, &purposes, now) {
                    Some(refusal) => {
                        prop_assert_eq!(refusal.processing, processing);
                        let named = held.iter().find(|r| {
                            r.id == refusal.restriction_id
                                && r.lifted.is_none()
                                && r.placed_at <= now
                                && r.purposes.iter().any(|p| purposes.contains(&p.purpose_id))
                                && !r.exceptions.iter().any(|e| e.allows_at(processing, now))
                        });
                        prop_assert!(named.is_some());
                    }
                    None => {
                        let none_refuses = held.iter().all(|r| {
                            r.lifted.is_some()
                                || r.placed_at > now
                                || !r.purposes.iter().any(|p| purposes.contains(&p.purpose_id))
                                || r.exceptions.iter().any(|e| e.allows_at(processing, now))
                        });
                        prop_assert!(none_refuses);
                    }
                }
            }

            #[test]
            fn an_open_exception_for_the_processing_on_every_restriction_lets_it_through(
                mut held in restrictions(),
                processing in proptest::sample::select(Processing::ALL),
                purposes in proptest::collection::vec(0u128..4, 0..3),
            ) {
                let purposes: Vec<PurposeId> = purposes.into_iter().map(purpose_id).collect();
                for r in &mut held {
                    r.exceptions.push(exception(processing, None));
                }
                prop_assert_eq!(refuses(&held, processing, &purposes, at(13)), None);
            }
        }
    }
}
