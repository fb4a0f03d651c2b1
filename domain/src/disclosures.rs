//! The disclosures log: what was disclosed about a person, to which recipient of the register,
//! when, on what basis and by whom.
//!
//! It answers three duties: Art 19 (tell each recipient of a rectification, erasure or
//! restriction, and tell the person who they were), Art 15(1)(c) (the person's right to know the
//! recipients their data went to) and Art 30(1)(d) (the record of recipients). A record is never
//! edited silently: the DPO corrects it with a reason and the earlier version is kept.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{DataCategoryId, DisclosureId, OrgId, PersonId, RecipientId};
use crate::party::Party;
use crate::people::check_text;
use crate::register::{
    LawfulBasis, RecipientKind, RecognisedLegitimateInterest, Register, RuleViolation,
};
use crate::role::Role;
use crate::{DomainError, closed_set};

closed_set! {
    /// Why the data was disclosed: a closed set, each mapped to what the law calls it
    /// ([`DisclosureBasis::in_law`]).
    pub enum DisclosureBasis for "basis" {
        /// An order of a court or tribunal (or an enactment or rule of law) required it.
        CourtOrder = "court_order",
        /// To protect a child or an adult at risk.
        Safeguarding = "safeguarding",
        /// A body with statutory functions asked for it: HMRC, the police, a regulator.
        StatutoryAgency = "statutory_agency",
        /// To the controller's processor, on its documented instructions.
        Processor = "processor",
        /// The person consented to this disclosure.
        Consent = "consent",
        /// Anything else; the record must explain it.
        Other = "other",
    }
}

/// What the law calls a disclosure basis: the provision, its name there, and the Art 6(1)
/// lawful basis it gives where one follows from the basis alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BasisInLaw {
    /// The provision, e.g. `DPA 2018 Sch 2 para 5(2)`.
    pub provision: &'static str,
    /// How the provision names the disclosure.
    pub name: &'static str,
    /// The Art 6(1) basis, when the disclosure basis settles it; otherwise it is the basis of
    /// the purpose the data is held for, or of the request, and the record's reference says.
    pub lawful_basis: Option<LawfulBasis>,
    /// The Annex 1 condition, when the lawful basis is 6(1)(ea).
    pub recognised_legitimate_interest: Option<RecognisedLegitimateInterest>,
}

impl DisclosureBasis {
    pub fn in_law(self) -> BasisInLaw {
        let (provision, name, lawful_basis, condition) = match self {
            // A disclosure the law compels is a legal obligation of the controller, and Sch 2
            // para 5(2) lifts the listed provisions that would prevent it.
            DisclosureBasis::CourtOrder => (
                "DPA 2018 Sch 2 para 5(2)",
                "disclosure required by an enactment, a rule of law or an order of a court or tribunal",
                Some(LawfulBasis::LegalObligation),
                None,
            ),
            DisclosureBasis::Safeguarding => (
                "Art 6(1)(ea), Annex 1 para 6",
                "safeguarding vulnerable individuals",
                Some(LawfulBasis::RecognisedLegitimateInterest),
                Some(RecognisedLegitimateInterest::SafeguardingVulnerableIndividuals),
            ),
            // Compelled by a statutory notice it is 6(1)(c); asked, it is 6(1)(ea) (Annex 1:
            // crime, or a body's public task): the request decides, so none follows here.
            DisclosureBasis::StatutoryAgency => (
                "DPA 2018 Sch 2 para 2",
                "crime and taxation: disclosure to a body with statutory functions",
                None,
                None,
            ),
            // The processor works on the purpose's own basis; no new basis is needed.
            DisclosureBasis::Processor => (
                "Art 28(3)(a)",
                "processing by a processor on the controller's documented instructions",
                None,
                None,
            ),
            DisclosureBasis::Consent => (
                "Art 6(1)(a)",
                "consent of the data subject",
                Some(LawfulBasis::Consent),
                None,
            ),
            DisclosureBasis::Other => (
                "Art 5(2)",
                "other: the controller records why (accountability)",
                None,
                None,
            ),
        };
        BasisInLaw {
            provision,
            name,
            lawful_basis,
            recognised_legitimate_interest: condition,
        }
    }

    /// Art 5(2): a disclosure on no named basis is explained in the record.
    pub fn needs_explanation(self) -> bool {
        self == DisclosureBasis::Other
    }
}

/// How much a client's clock may run ahead of ours before "now" counts as the future.
pub const CLOCK_SKEW: Duration = Duration::seconds(60);

/// The most characters of each text field.
pub const DESCRIPTION_MAX: usize = 4000;
pub const EXPLANATION_MAX: usize = 2000;
pub const REFERENCE_MAX: usize = 200;
pub const REASON_MAX: usize = 2000;

/// What a disclosure record says, as recorded or corrected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosureFacts {
    pub person_id: PersonId,
    pub recipient_id: RecipientId,
    pub disclosed_at: DateTime<Utc>,
    pub basis: DisclosureBasis,
    pub explanation: Option<String>,
    pub data_categories: Vec<DataCategoryId>,
    pub description: String,
    pub reference: Option<String>,
}

/// A disclosure as the log holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disclosure {
    pub id: DisclosureId,
    pub org_id: OrgId,
    #[serde(flatten)]
    pub facts: DisclosureFacts,
    /// Who recorded it.
    pub recorded_by: Party,
    pub recorded_at: DateTime<Utc>,
    pub version: i64,
}

/// What was disclosed: trimmed, not blank, bounded; lines allowed.
pub fn check_description(value: &str) -> Result<String, DomainError> {
    check_text("description", value, DESCRIPTION_MAX, true)
}

/// Why a disclosure on basis `other` was made; blank is none.
pub fn check_explanation(value: &str) -> Result<Option<String>, DomainError> {
    optional(value, |v| {
        check_text("explanation", v, EXPLANATION_MAX, true)
    })
}

/// The request's or order's reference, one line; blank is none.
pub fn check_reference(value: &str) -> Result<Option<String>, DomainError> {
    optional(value, |v| check_text("reference", v, REFERENCE_MAX, false))
}

/// Why a record is corrected: never blank.
pub fn check_reason(value: &str) -> Result<String, DomainError> {
    check_text("reason", value, REASON_MAX, true)
}

fn optional(
    value: &str,
    check: impl FnOnce(&str) -> Result<String, DomainError>,
) -> Result<Option<String>, DomainError> {
    if value.trim().is_empty() {
        Ok(None)
    } else {
        check(value).map(Some)
    }
}

/// The rules a disclosure record keeps, against the organisation's register at the time of
/// writing and the time now; every breach at once, each naming its field:
/// - the recipient is one of the register's (Art 30(1)(d): the record of recipients is the
///   register's, so the log can tell each of them under Art 19);
/// - what was disclosed is named by the register's data categories, at least one (Art 30(1)(c));
/// - it was disclosed already: not in the future (Art 5(1)(d), the record is accurate);
/// - `other` is explained (Art 5(2));
/// - a disclosure to a processor names a recipient that is one (Art 28).
pub fn check_disclosure(
    facts: &DisclosureFacts,
    register: &Register,
    now: DateTime<Utc>,
) -> Result<(), Vec<RuleViolation>> {
    let mut violations = Vec::new();
    match register.recipient(facts.recipient_id) {
        None => violations.push(RuleViolation::new(
            "recipient_id",
            "Art 30(1)(d)",
            "must be a recipient in the organisation's register",
        )),
        Some(recipient)
            if facts.basis == DisclosureBasis::Processor
                && recipient.kind != RecipientKind::Processor =>
        {
            violations.push(RuleViolation::new(
                "basis",
                "Art 28",
                "a disclosure to a processor names a recipient of kind processor",
            ));
        }
        Some(_) => {}
    }
    if facts.data_categories.is_empty() {
        violations.push(RuleViolation::new(
            "data_categories",
            "Art 30(1)(c)",
            "name at least one data category of the register",
        ));
    } else if facts
        .data_categories
        .iter()
        .any(|&id| register.data_category(id).is_none())
    {
        violations.push(RuleViolation::new(
            "data_categories",
            "Art 30(1)(c)",
            "each must be a data category in the organisation's register",
        ));
    }
    if is_in_future(facts.disclosed_at, now) {
        violations.push(RuleViolation::new(
            "disclosed_at",
            "Art 5(1)(d)",
            "a disclosure is recorded once made: not in the future",
        ));
    }
    if facts.basis.needs_explanation() && facts.explanation.is_none() {
        violations.push(RuleViolation::new(
            "explanation",
            "Art 5(2)",
            "a disclosure on basis other says why it was made",
        ));
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(violations)
    }
}

/// Whether `at` is later than `now`, beyond the clock skew allowed a client.
pub fn is_in_future(at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    at > now + CLOCK_SKEW
}

closed_set! {
    /// What a caller asks to do with the disclosures log.
    pub enum DisclosureAction for "action" {
        /// Record a disclosure.
        Record = "record",
        /// Read the organisation's log, or any record of it.
        Read = "read",
        /// Read one person's disclosures: who received their data.
        ReadPerson = "read_person",
        /// Correct a record, with a reason.
        Correct = "correct",
    }
}

/// How the caller stands to the log beyond their roles. The caller is always one of the
/// organisation's own: a processor's user acting for it never reaches the log, which is the
/// controller's own record (Art 30(1), 19).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DisclosureAccess {
    /// The person whose disclosures are asked for is the caller.
    pub is_subject: bool,
    /// The DPO has granted the caller recording disclosures.
    pub granted: bool,
}

/// Whether `role` may take `action`:
/// - record and read the log: the DPO, and agents the DPO granted it (need to know, Art
///   5(1)(f)); never colleagues, admins or auditors;
/// - a person's disclosures: as the log, and the person themselves (Art 15(1)(c)) whatever
///   their role;
/// - correct: the DPO alone, who answers for the record's accuracy (Art 5(2), 38).
pub fn role_may(role: Role, action: DisclosureAction, access: DisclosureAccess) -> bool {
    let keeper = role == Role::Dpo || (role == Role::Agent && access.granted);
    match action {
        DisclosureAction::Record | DisclosureAction::Read => keeper,
        DisclosureAction::ReadPerson => keeper || access.is_subject,
        DisclosureAction::Correct => role == Role::Dpo,
    }
}

/// [`role_may`] over all of the caller's roles; the refusal says who may.
pub fn check_access(
    roles: &[Role],
    action: DisclosureAction,
    access: DisclosureAccess,
) -> Result<(), DomainError> {
    if roles.iter().any(|&role| role_may(role, action, access)) {
        return Ok(());
    }
    Err(DomainError::NotPermitted(match action {
        DisclosureAction::Record | DisclosureAction::Read => {
            "disclosures are recorded and read by the DPO and agents the DPO grants it"
        }
        DisclosureAction::ReadPerson => {
            "a person's disclosures are read by the person, the DPO and agents the DPO grants it"
        }
        DisclosureAction::Correct => "a disclosure record is corrected by the DPO",
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::organisation::OrgSlug;
    use crate::register::identity::OrganisationDetails;
    use crate::register::{DataCategory, Recipient};
    use proptest::prelude::*;
    use uuid::Uuid;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000 + seconds, 0).expect("a time")
    }

    fn recipient(n: u128, kind: RecipientKind) -> Recipient {
        Recipient {
            id: RecipientId::from_uuid(Uuid::from_u128(n)),
            name: "HM Revenue and Customs".into(),
            kind,
            country: None,
        }
    }

    fn register() -> Register {
        Register {
            slug: OrgSlug::parse("devon-cc").expect("slug"),
            organisation: OrganisationDetails {
                nation: crate::rights_requests::Nation::EnglandAndWales,
                name: "Devon County Council".into(),
                ico_registration_number: None,
                public_authority: true,
                address: None,
                contact: None,
                dpo: None,
                complaints: None,
                uk_representative: None,
                security_measures: None,
            },
            purposes: Vec::new(),
            data_categories: vec![DataCategory {
                id: DataCategoryId::from_uuid(Uuid::from_u128(10)),
                name: "Name and business contact details".into(),
                special: false,
                description: String::new(),
                kinds: Vec::new(),
            }],
            recipients: vec![
                recipient(1, RecipientKind::PublicAuthority),
                recipient(2, RecipientKind::Processor),
            ],
            transfers: Vec::new(),
            retention_policies: Vec::new(),
        }
    }

    fn facts() -> DisclosureFacts {
        DisclosureFacts {
            person_id: PersonId::from_uuid(Uuid::from_u128(7)),
            recipient_id: RecipientId::from_uuid(Uuid::from_u128(1)),
            disclosed_at: at(-86_400),
            basis: DisclosureBasis::StatutoryAgency,
            explanation: None,
            data_categories: vec![DataCategoryId::from_uuid(Uuid::from_u128(10))],
            description: "Name and salary history for a tax enquiry".into(),
            reference: Some("HMRC/2026/114".into()),
        }
    }

    fn fields(result: Result<(), Vec<RuleViolation>>) -> Vec<&'static str> {
        result
            .err()
            .unwrap_or_default()
            .iter()
            .map(|v| v.field)
            .collect()
    }

    #[test]
    fn each_basis_says_what_the_law_calls_it() {
        for &basis in DisclosureBasis::ALL {
            let law = basis.in_law();
            assert!(!law.provision.is_empty() && !law.name.is_empty(), "{basis}");
            assert_eq!(
                law.recognised_legitimate_interest.is_some(),
                law.lawful_basis == Some(LawfulBasis::RecognisedLegitimateInterest),
                "{basis}: an Annex 1 condition goes with 6(1)(ea) only"
            );
        }
        let court = DisclosureBasis::CourtOrder.in_law();
        assert_eq!(court.lawful_basis, Some(LawfulBasis::LegalObligation));
        assert_eq!(court.provision, "DPA 2018 Sch 2 para 5(2)");
        assert_eq!(
            DisclosureBasis::Consent.in_law().lawful_basis,
            Some(LawfulBasis::Consent)
        );
        assert_eq!(
            DisclosureBasis::Safeguarding
                .in_law()
                .recognised_legitimate_interest,
            Some(RecognisedLegitimateInterest::SafeguardingVulnerableIndividuals)
        );
        for basis in [
            DisclosureBasis::StatutoryAgency,
            DisclosureBasis::Processor,
            DisclosureBasis::Other,
        ] {
            assert_eq!(basis.in_law().lawful_basis, None, "{basis}");
        }
        assert_eq!(
            "court_order".parse::<DisclosureBasis>(),
            Ok(DisclosureBasis::CourtOrder)
        );
        assert!("whim".parse::<DisclosureBasis>().is_err());
    }

    #[test]
    fn a_disclosure_to_a_recipient_of_the_register_in_the_past_is_kept() {
        assert_eq!(check_disclosure(&facts(), &register(), at(0)), Ok(()));
        // Moments ago by a client whose clock runs a little fast is still now.
        let now_ish = DisclosureFacts {
            disclosed_at: at(30),
            ..facts()
        };
        assert_eq!(check_disclosure(&now_ish, &register(), at(0)), Ok(()));
    }

    #[test]
    fn the_future_is_refused() {
        let tomorrow = DisclosureFacts {
            disclosed_at: at(86_400),
            ..facts()
        };
        assert_eq!(
            fields(check_disclosure(&tomorrow, &register(), at(0))),
            ["disclosed_at"]
        );
        assert!(is_in_future(at(61), at(0)));
        assert!(!is_in_future(at(60), at(0)));
    }

    #[test]
    fn an_unknown_recipient_or_category_is_named() {
        let unknown = DisclosureFacts {
            recipient_id: RecipientId::from_uuid(Uuid::from_u128(99)),
            data_categories: vec![DataCategoryId::from_uuid(Uuid::from_u128(98))],
            ..facts()
        };
        assert_eq!(
            fields(check_disclosure(&unknown, &register(), at(0))),
            ["recipient_id", "data_categories"]
        );
        let nothing = DisclosureFacts {
            data_categories: Vec::new(),
            ..facts()
        };
        assert_eq!(
            fields(check_disclosure(&nothing, &register(), at(0))),
            ["data_categories"]
        );
    }

    #[test]
    fn other_is_explained_and_a_processor_is_one() {
        let other = DisclosureFacts {
            basis: DisclosureBasis::Other,
            ..facts()
        };
        let refused = check_disclosure(&other, &register(), at(0)).expect_err("unexplained");
        assert_eq!(refused[0].field, "explanation");
        assert!(refused[0].message.starts_with("Art 5(2): "));
        let explained = DisclosureFacts {
            explanation: Some("Insurer's claim under the staff policy".into()),
            ..other
        };
        assert_eq!(check_disclosure(&explained, &register(), at(0)), Ok(()));

        let to_authority = DisclosureFacts {
            basis: DisclosureBasis::Processor,
            ..facts()
        };
        assert_eq!(
            fields(check_disclosure(&to_authority, &register(), at(0))),
            ["basis"]
        );
        let to_processor = DisclosureFacts {
            recipient_id: RecipientId::from_uuid(Uuid::from_u128(2)),
            ..to_authority
        };
        assert_eq!(check_disclosure(&to_processor, &register(), at(0)), Ok(()));
    }

    #[test]
    fn text_is_trimmed_bounded_and_a_blank_option_is_none() {
        assert_eq!(
            check_description("  What went  ").as_deref(),
            Ok("What went")
        );
        assert_eq!(check_explanation("  "), Ok(None));
        assert_eq!(check_reference(" REF-1 "), Ok(Some("REF-1".into())));
        for refused in [
            check_description(" "),
            check_reason(""),
            check_reference("a\nb").map(|_| String::new()),
            check_reference(&"x".repeat(REFERENCE_MAX + 1)).map(|_| String::new()),
        ] {
            assert!(matches!(refused, Err(DomainError::Invalid { .. })));
        }
        assert_eq!(
            check_reason(" Wrong recipient recorded ").as_deref(),
            Ok("Wrong recipient recorded")
        );
    }

    #[test]
    fn the_log_is_the_dpo_and_granted_agents_and_a_person_reads_their_own() {
        let granted = DisclosureAccess {
            granted: true,
            ..DisclosureAccess::default()
        };
        let own = DisclosureAccess {
            is_subject: true,
            ..DisclosureAccess::default()
        };
        let none = DisclosureAccess::default();
        for action in [DisclosureAction::Record, DisclosureAction::Read] {
            assert!(role_may(Role::Dpo, action, none));
            assert!(role_may(Role::Agent, action, granted));
            assert!(!role_may(Role::Agent, action, none));
            assert!(!role_may(Role::Requester, action, own));
            for role in [Role::Admin, Role::Auditor, Role::Integrator] {
                assert!(!role_may(role, action, granted), "{role:?} {action}");
            }
        }
        for &role in &Role::ALL {
            assert!(
                role_may(role, DisclosureAction::ReadPerson, own),
                "{role:?}"
            );
        }
        assert!(!role_may(
            Role::Requester,
            DisclosureAction::ReadPerson,
            none
        ));
        assert!(!role_may(Role::Agent, DisclosureAction::ReadPerson, none));
        assert!(role_may(Role::Agent, DisclosureAction::ReadPerson, granted));
        assert!(role_may(Role::Dpo, DisclosureAction::Correct, none));
        assert!(!role_may(Role::Agent, DisclosureAction::Correct, granted));
        assert!(check_access(&[Role::Auditor, Role::Dpo], DisclosureAction::Read, none).is_ok());
        assert_eq!(
            check_access(&[Role::Agent], DisclosureAction::Correct, granted),
            Err(DomainError::NotPermitted(
                "a disclosure record is corrected by the DPO"
            ))
        );
    }

    proptest! {
        #[test]
        fn any_moment_up_to_the_skew_is_kept_and_any_later_one_refused(
            offset in -400_000_000i64..400_000_000,
        ) {
            let disclosed = DisclosureFacts { disclosed_at: at(offset), ..facts() };
            let kept = check_disclosure(&disclosed, &register(), at(0)).is_ok();
            prop_assert_eq!(kept, offset <= CLOCK_SKEW.num_seconds());
        }

        #[test]
        fn no_role_reads_the_log_without_being_the_dpo_or_granted_and_an_agent(
            role in proptest::sample::select(Role::ALL.to_vec()),
            is_subject: bool,
            granted: bool,
        ) {
            let access = DisclosureAccess { is_subject, granted };
            let keeper = role == Role::Dpo || (role == Role::Agent && granted);
            prop_assert_eq!(role_may(role, DisclosureAction::Read, access), keeper);
            prop_assert_eq!(role_may(role, DisclosureAction::Record, access), keeper);
            // The person always reads their own; nobody else beyond the keepers.
            prop_assert_eq!(
                role_may(role, DisclosureAction::ReadPerson, access),
                keeper || is_subject
            );
            prop_assert_eq!(role_may(role, DisclosureAction::Correct, access), role == Role::Dpo);
        }
    }
}
