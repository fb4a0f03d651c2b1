//! Privacy notices generated from the register (UK GDPR Art 13, 14): what a person is told about
//! the processing of their data, made from the same entries as the Art 30 record so the two never
//! disagree.
//!
//! A [`PrivacyNotice`] is a self-contained snapshot: it copies every text in, so a published
//! notice still reads as it was published after the register changes. [`changes`] compares two
//! of them for the notice's change log.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::closed_set;

use super::identity::{Contact, OrganisationDetails};
use super::lawful_basis::{LawfulBasis, RecognisedLegitimateInterest};
use super::purpose::{ProvisionRequirement, Purpose};
use super::recipient::{CountryCode, RecipientKind};
use super::retention::{RetentionAction, RetentionPeriod, RetentionPolicy, RetentionTrigger};
use super::rights::{Right, RightExtent};
use super::snapshot::Register;
use super::special_category::{Schedule1Condition, SpecialCategoryCondition};
use super::transfer::{Transfer, TransferMechanism};

closed_set! {
    /// The elements of a privacy notice, each an item of Art 13 or 14.
    pub enum NoticeElement for "element" {
        /// Art 13(1)(a), 14(1)(a): the controller's identity and contact details.
        IdentityAndContact = "identity_and_contact",
        /// Art 13(1)(b), 14(1)(b): the data protection officer's contact details.
        Dpo = "dpo",
        /// Art 13(1)(c), 14(1)(c): the purposes of the processing.
        Purposes = "purposes",
        /// Art 13(1)(c), 14(1)(c): the lawful basis of each purpose.
        LawfulBasis = "lawful_basis",
        /// Art 13(1)(d), 14(2)(b): the legitimate interests pursued on basis 6(1)(f).
        LegitimateInterests = "legitimate_interests",
        /// Art 9(2), DPA 2018 s.10: the condition for special category data.
        SpecialCategory = "special_category",
        /// Art 14(1)(d): the categories of personal data.
        DataCategories = "data_categories",
        /// Art 13(1)(e), 14(1)(e): the recipients or categories of recipients.
        Recipients = "recipients",
        /// Art 13(1)(f), 14(1)(f): transfers to third countries and their safeguards.
        Transfers = "transfers",
        /// Art 13(2)(a), 14(2)(a): how long the data is kept, or the criteria that set it.
        Retention = "retention",
        /// Art 13(2)(b), 14(2)(c): the rights of the data subject.
        Rights = "rights",
        /// Art 13(2)(c), 14(2)(d): the right to withdraw consent at any time.
        WithdrawConsent = "withdraw_consent",
        /// Art 13(2)(d), 14(2)(e), DPA 2018 s.164A: complaints to the controller and the
        /// Information Commissioner.
        Complaint = "complaint",
        /// Art 13(2)(e): whether providing the data is a statutory or contractual requirement.
        ProvisionRequirement = "provision_requirement",
        /// Art 13(2)(f), 14(2)(g): automated decision-making and its logic.
        AutomatedDecisions = "automated_decisions",
        /// Art 14(2)(f): where the data comes from.
        Source = "source",
        /// Art 28: the controllers the organisation processes data for.
        ProcessorFor = "processor_for",
    }
}

impl NoticeElement {
    /// The provisions that ask for the element.
    pub fn article(self) -> &'static str {
        match self {
            NoticeElement::IdentityAndContact => "Art 13(1)(a), 14(1)(a)",
            NoticeElement::Dpo => "Art 13(1)(b), 14(1)(b)",
            NoticeElement::Purposes | NoticeElement::LawfulBasis => "Art 13(1)(c), 14(1)(c)",
            NoticeElement::LegitimateInterests => "Art 13(1)(d), 14(2)(b)",
            NoticeElement::SpecialCategory => "Art 9(2), DPA 2018 s.10",
            NoticeElement::DataCategories => "Art 14(1)(d)",
            NoticeElement::Recipients => "Art 13(1)(e), 14(1)(e)",
            NoticeElement::Transfers => "Art 13(1)(f), 14(1)(f)",
            NoticeElement::Retention => "Art 13(2)(a), 14(2)(a)",
            NoticeElement::Rights => "Art 13(2)(b), 14(2)(c)",
            NoticeElement::WithdrawConsent => "Art 13(2)(c), 14(2)(d)",
            NoticeElement::Complaint => "Art 13(2)(d), 14(2)(e), DPA 2018 s.164A",
            NoticeElement::ProvisionRequirement => "Art 13(2)(e)",
            NoticeElement::AutomatedDecisions => "Art 13(2)(f), 14(2)(g)",
            NoticeElement::Source => "Art 14(2)(f)",
            NoticeElement::ProcessorFor => "Art 28",
        }
    }
}

closed_set! {
    /// What happened to an entry of the notice between two versions.
    pub enum NoticeChangeKind for "kind" {
        Added = "added",
        Removed = "removed",
        Changed = "changed",
        /// The notice is published for the first time.
        FirstPublication = "first_publication",
    }
}

/// The Information Commissioner, where every notice sends a complaint (Art 77, 13(2)(d)).
pub const ICO_NAME: &str = "Information Commissioner's Office";
pub const ICO_ADDRESS: &str = "Wycliffe House\nWater Lane\nWilmslow\nCheshire\nSK9 5AF";
pub const ICO_PHONE: &str = "0303 123 1113";
pub const ICO_EMAIL: &str = "casework@ico.org.uk";
pub const ICO_COMPLAINT_URL: &str = "https://ico.org.uk/make-a-complaint/";

/// An element a notice cannot be made without, and the provision that asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingElement {
    pub element: NoticeElement,
    pub article: &'static str,
    pub message: String,
    /// The register entry (a purpose) the element is missing from, where it is one entry's.
    pub entity: Option<Uuid>,
}

impl MissingElement {
    fn new(element: NoticeElement, article: &'static str, message: impl Into<String>) -> Self {
        Self {
            element,
            article,
            message: message.into(),
            entity: None,
        }
    }

    fn of(mut self, purpose: &Purpose) -> Self {
        self.entity = Some(purpose.id.as_uuid());
        self
    }
}

/// The controller as the notice names it (Art 13(1)(a)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeController {
    pub name: String,
    /// Postal address, lines separated by newlines.
    pub address: Option<String>,
    pub contact: Option<Contact>,
    pub ico_registration_number: Option<String>,
    /// The representative in the UK of a controller not established here (Art 27).
    pub uk_representative: Option<Contact>,
    /// How the data is kept secure (Art 32), where the register says.
    pub security_measures: Option<String>,
}

/// The Art 6(1) basis of a purpose, with the words that explain it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeLawfulBasis {
    /// The wire code, the letter of Art 6(1) (`e`, `ea`).
    pub code: LawfulBasis,
    pub article: String,
    pub description: String,
}

/// The Annex 1 condition of a 6(1)(ea) purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeRecognisedInterest {
    pub code: RecognisedLegitimateInterest,
    pub article: String,
    pub description: String,
}

/// The Art 9(2) condition of a purpose holding special category data, and the Schedule 1
/// condition that meets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeSpecialCategory {
    pub condition: SpecialCategoryCondition,
    pub article: String,
    pub description: String,
    pub schedule_1_condition: Option<Schedule1Condition>,
    /// The Schedule 1 citation, e.g. `DPA 2018 Sch 1 para 1`.
    pub schedule_1_citation: Option<String>,
}

/// A category of personal data (Art 14(1)(d)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeDataCategory {
    pub name: String,
    pub description: String,
    /// A special category of Art 9(1).
    pub special: bool,
    /// The purposes that hold it, by name (in the notice-wide list; empty on a purpose).
    pub purposes: Vec<String>,
}

/// A recipient or category of recipients (Art 13(1)(e)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeRecipient {
    pub name: String,
    pub kind: RecipientKind,
    /// What the kind means, in words.
    pub kind_description: String,
    pub country: Option<CountryCode>,
    /// The purposes that disclose to it, by name (in the notice-wide list; empty on a purpose).
    pub purposes: Vec<String>,
}

/// A transfer outside the UK and what makes it lawful (Art 13(1)(f)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeTransfer {
    pub destination: String,
    pub mechanism: TransferMechanism,
    /// The mechanism's name, e.g. "Model Contract Clauses".
    pub mechanism_name: String,
    /// What the mechanism is, in words.
    pub safeguard: String,
    pub article: String,
    /// The purposes that make it, by name (in the notice-wide list; empty on a purpose).
    pub purposes: Vec<String>,
}

/// How long a purpose keeps its data (Art 13(2)(a)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeRetention {
    /// In words: "1 year after you leave, then erased".
    pub text: String,
    pub trigger: RetentionTrigger,
    pub period: RetentionPeriod,
    pub action: RetentionAction,
    pub schedule_reference: Option<String>,
}

/// Where a purpose's data comes from (Art 14(2)(f)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeSource {
    pub from_data_subject: bool,
    pub other_sources: Option<String>,
    pub text: String,
}

/// Whether the person must provide the data (Art 13(2)(e)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeProvision {
    pub requirement: ProvisionRequirement,
    pub text: String,
}

/// Automated decision-making (Art 13(2)(f)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeAutomatedDecisions {
    pub automated_decision_making: bool,
    /// Meaningful information about the logic involved, where decisions are automated.
    pub logic: Option<String>,
    pub text: String,
}

/// A right a purpose gives, how far, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticePurposeRight {
    pub right: Right,
    pub extent: RightExtent,
    pub article: String,
    pub reason: String,
}

/// A purpose of processing as the notice tells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticePurpose {
    pub name: String,
    pub description: String,
    /// Whose data it is ("staff", "pupils").
    pub data_subjects: Vec<String>,
    pub lawful_basis: NoticeLawfulBasis,
    pub legitimate_interests: Option<String>,
    pub recognised_legitimate_interest: Option<NoticeRecognisedInterest>,
    pub special_category: Option<NoticeSpecialCategory>,
    pub data_categories: Vec<NoticeDataCategory>,
    pub recipients: Vec<NoticeRecipient>,
    pub transfers: Vec<NoticeTransfer>,
    pub retention: NoticeRetention,
    pub source: NoticeSource,
    pub provision: NoticeProvision,
    pub automated_decisions: NoticeAutomatedDecisions,
    pub rights: Vec<NoticePurposeRight>,
}

/// One right in the notice's rights section: what it is, and where it applies or is limited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeRight {
    pub right: Right,
    pub article: String,
    /// The right in plain words.
    pub text: String,
    /// The purposes that give it, by name.
    pub purposes: Vec<String>,
    /// Where it is limited, grouped by how.
    pub limits: Vec<NoticeRightLimit>,
}

/// How far a right reaches for some purposes, where it does not apply in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeRightLimit {
    /// The purposes it is limited for, by name.
    pub purposes: Vec<String>,
    pub extent: RightExtent,
    pub article: String,
    pub reason: String,
}

/// Where complaints go: the controller first (DPA 2018 s.164A), the Commissioner (Art 77), and
/// the courts (Art 79).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeComplaints {
    /// The controller's complaints contact, else its DPO, else its general contact.
    pub controller_contact: Option<Contact>,
    pub controller_text: String,
    pub ico_name: String,
    pub ico_address: String,
    pub ico_phone: String,
    pub ico_email: String,
    pub ico_url: String,
    pub ico_text: String,
    pub judicial_remedy: String,
}

/// How to make a subject access request (Art 15), and any other request about the person's
/// rights: to whom, and for staff, where on the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeSubjectAccess {
    /// What a subject access request is and how it is answered.
    pub text: String,
    /// Where to send one: the data protection officer, else the controller's general contact.
    pub contact: Option<Contact>,
    /// For staff who use the service desk: the desk's endpoint for rights requests.
    pub staff_endpoint: String,
    pub staff_text: String,
}

/// The desk's endpoint for making a rights request, which every notice names for staff.
pub const RIGHTS_REQUESTS_ENDPOINT: &str = "POST /api/v1/rights-requests";

/// A controller the organisation processes data for (Art 28).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeProcessorFor {
    pub controller: String,
    /// "For staff of X, the controller is X and Y acts as its processor."
    pub text: String,
    pub controller_contact: Option<Contact>,
    pub controller_dpo: Option<Contact>,
}

/// A privacy notice generated from a register: a self-contained snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrivacyNotice {
    /// The notice's title: "Privacy notice: Devon County Council".
    pub title: String,
    pub controller: NoticeController,
    pub dpo: Option<Contact>,
    pub purposes: Vec<NoticePurpose>,
    /// Every category of data the purposes hold, in first use order.
    pub data_categories: Vec<NoticeDataCategory>,
    /// Every recipient of the purposes, in first use order.
    pub recipients: Vec<NoticeRecipient>,
    /// Every transfer of the purposes, in first use order.
    pub transfers: Vec<NoticeTransfer>,
    pub rights: Vec<NoticeRight>,
    /// How to make a subject access request. Absent from versions published before notices
    /// said so.
    #[serde(default)]
    pub subject_access: Option<NoticeSubjectAccess>,
    pub complaints: NoticeComplaints,
    pub processor_for: Vec<NoticeProcessorFor>,
}

/// One change between two versions of a notice, for its change log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeChange {
    pub kind: NoticeChangeKind,
    pub element: NoticeElement,
    /// The entry's name: a purpose, recipient, transfer destination or the controller.
    pub subject: String,
    pub detail: String,
}

impl PrivacyNotice {
    /// The notice of `register`, naming the controllers in `processor_for` the organisation
    /// processes data for. Refuses with every missing element at once.
    pub fn generate(
        register: &Register,
        processor_for: &[OrganisationDetails],
    ) -> Result<PrivacyNotice, Vec<MissingElement>> {
        let missing = missing_elements(register);
        if !missing.is_empty() {
            return Err(missing);
        }
        let org = &register.organisation;
        let mut purposes = Vec::with_capacity(register.purposes.len());
        for purpose in &register.purposes {
            // `missing_elements` has checked every purpose names a policy the register holds.
            let Some(policy) = register.retention_of(purpose) else {
                continue;
            };
            purposes.push(notice_purpose(register, purpose, policy));
        }
        let data_categories = union(&purposes, |p| &p.data_categories, |c| c.name.clone());
        let recipients = union(&purposes, |p| &p.recipients, |r| r.name.clone());
        let transfers = union(
            &purposes,
            |p| &p.transfers,
            |t| format!("{}\u{0}{}", t.destination, t.mechanism),
        );
        let rights = rights_section(&purposes);
        Ok(PrivacyNotice {
            title: format!("Privacy notice: {}", org.name.trim()),
            controller: NoticeController {
                name: org.name.trim().to_owned(),
                address: non_blank(&org.address),
                contact: org.contact.clone(),
                ico_registration_number: non_blank(&org.ico_registration_number),
                uk_representative: org.uk_representative.clone(),
                security_measures: non_blank(&org.security_measures),
            },
            dpo: org.dpo.clone(),
            purposes,
            data_categories,
            recipients,
            transfers,
            rights,
            subject_access: Some(subject_access(org)),
            complaints: complaints(org),
            processor_for: processor_for
                .iter()
                .map(|controller| notice_processor_for(org, controller))
                .collect(),
        })
    }

    /// The notice as Markdown (CommonMark), every register-supplied text escaped.
    pub fn to_markdown(&self) -> String {
        render_markdown(&self.blocks())
    }

    /// The notice as a complete HTML5 document, every text escaped; no scripts, no external
    /// resources.
    pub fn to_html(&self) -> String {
        render_html(&self.title, &self.blocks())
    }
}

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

fn non_blank(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .filter(|t| !is_blank(t))
        .map(|t| t.trim().to_owned())
}

fn missing_elements(register: &Register) -> Vec<MissingElement> {
    let org = &register.organisation;
    let mut missing = Vec::new();
    if is_blank(&org.name) {
        missing.push(MissingElement::new(
            NoticeElement::IdentityAndContact,
            "Art 13(1)(a)",
            "the controller is not named",
        ));
    }
    let has_address = org.address.as_deref().is_some_and(|a| !is_blank(a));
    let has_contact = org.contact.as_ref().is_some_and(Contact::is_reachable);
    if !has_address && !has_contact {
        missing.push(MissingElement::new(
            NoticeElement::IdentityAndContact,
            "Art 13(1)(a)",
            "the controller gives neither a postal address nor a contact that can be reached",
        ));
    }
    let dpo_reachable = org.dpo.as_ref().is_some_and(Contact::is_reachable);
    if org.public_authority && !dpo_reachable {
        missing.push(MissingElement::new(
            NoticeElement::Dpo,
            "Art 13(1)(b), 37(1)(a)",
            "a public authority designates a data protection officer, and the notice gives their \
             contact details",
        ));
    } else if org.dpo.is_some() && !dpo_reachable {
        missing.push(MissingElement::new(
            NoticeElement::Dpo,
            "Art 13(1)(b)",
            "the data protection officer is named without a way to contact them",
        ));
    }
    if register.purposes.is_empty() {
        missing.push(MissingElement::new(
            NoticeElement::Purposes,
            "Art 13(1)(c)",
            "the register holds no purposes of processing",
        ));
    }
    for purpose in &register.purposes {
        missing.extend(purpose_missing(register, purpose));
    }
    missing
}

fn purpose_missing(register: &Register, purpose: &Purpose) -> Vec<MissingElement> {
    let name = purpose.name.trim();
    let mut missing = Vec::new();
    if is_blank(&purpose.name) {
        missing.push(
            MissingElement::new(
                NoticeElement::Purposes,
                "Art 13(1)(c)",
                "a purpose of processing is not named",
            )
            .of(purpose),
        );
    }
    match purpose.retention_policy {
        None => missing.push(
            MissingElement::new(
                NoticeElement::Retention,
                "Art 13(2)(a)",
                format!("purpose \"{name}\" names no retention policy"),
            )
            .of(purpose),
        ),
        Some(id) if register.retention_policy(id).is_none() => missing.push(
            MissingElement::new(
                NoticeElement::Retention,
                "Art 13(2)(a)",
                format!(
                    "purpose \"{name}\" names retention policy {} the register does not hold",
                    id.as_uuid()
                ),
            )
            .of(purpose),
        ),
        Some(_) => {}
    }
    for id in &purpose.data_categories {
        if register.data_category(*id).is_none() {
            missing.push(
                MissingElement::new(
                    NoticeElement::DataCategories,
                    "Art 14(1)(d)",
                    format!(
                        "purpose \"{name}\" names data category {} the register does not hold",
                        id.as_uuid()
                    ),
                )
                .of(purpose),
            );
        }
    }
    for id in &purpose.recipients {
        if register.recipient(*id).is_none() {
            missing.push(
                MissingElement::new(
                    NoticeElement::Recipients,
                    "Art 13(1)(e)",
                    format!(
                        "purpose \"{name}\" names recipient {} the register does not hold",
                        id.as_uuid()
                    ),
                )
                .of(purpose),
            );
        }
    }
    for id in &purpose.transfers {
        if register.transfer(*id).is_none() {
            missing.push(
                MissingElement::new(
                    NoticeElement::Transfers,
                    "Art 13(1)(f)",
                    format!(
                        "purpose \"{name}\" names transfer {} the register does not hold",
                        id.as_uuid()
                    ),
                )
                .of(purpose),
            );
        }
    }
    let stated = |text: &Option<String>| text.as_deref().is_some_and(|t| !is_blank(t));
    if purpose.lawful_basis == LawfulBasis::LegitimateInterests
        && !stated(&purpose.legitimate_interests)
    {
        missing.push(
            MissingElement::new(
                NoticeElement::LegitimateInterests,
                "Art 13(1)(d)",
                format!("purpose \"{name}\" rests on 6(1)(f) without its legitimate interests"),
            )
            .of(purpose),
        );
    }
    if purpose.automated_decision_making && !stated(&purpose.automated_decision_logic) {
        missing.push(
            MissingElement::new(
                NoticeElement::AutomatedDecisions,
                "Art 13(2)(f)",
                format!(
                    "purpose \"{name}\" takes automated decisions without saying the logic involved"
                ),
            )
            .of(purpose),
        );
    }
    if !purpose.source.from_data_subject && !stated(&purpose.source.other_sources) {
        missing.push(
            MissingElement::new(
                NoticeElement::Source,
                "Art 14(2)(f)",
                format!("purpose \"{name}\" does not say where its data comes from"),
            )
            .of(purpose),
        );
    }
    missing
}

fn notice_purpose(
    register: &Register,
    purpose: &Purpose,
    policy: &RetentionPolicy,
) -> NoticePurpose {
    let basis = purpose.lawful_basis;
    NoticePurpose {
        name: purpose.name.trim().to_owned(),
        description: purpose.description.trim().to_owned(),
        data_subjects: purpose
            .data_subject_categories
            .iter()
            .map(|s| s.trim().to_owned())
            .collect(),
        lawful_basis: NoticeLawfulBasis {
            code: basis,
            article: basis.article().to_owned(),
            description: basis.description().to_owned(),
        },
        legitimate_interests: (basis == LawfulBasis::LegitimateInterests)
            .then(|| non_blank(&purpose.legitimate_interests))
            .flatten(),
        recognised_legitimate_interest: (basis == LawfulBasis::RecognisedLegitimateInterest)
            .then_some(purpose.recognised_legitimate_interest)
            .flatten()
            .map(|interest| NoticeRecognisedInterest {
                code: interest,
                article: "Art 6(1)(ea), Annex 1".to_owned(),
                description: interest.description().to_owned(),
            }),
        special_category: purpose.special_category_condition.map(|condition| {
            NoticeSpecialCategory {
                condition,
                article: condition.article().to_owned(),
                description: special_category_description(condition).to_owned(),
                schedule_1_condition: purpose.schedule_1_condition,
                schedule_1_citation: purpose
                    .schedule_1_condition
                    .map(Schedule1Condition::citation),
            }
        }),
        data_categories: register
            .categories_of(purpose)
            .map(|c| NoticeDataCategory {
                name: c.name.trim().to_owned(),
                description: c.description.trim().to_owned(),
                special: c.special,
                purposes: Vec::new(),
            })
            .collect(),
        recipients: register
            .recipients_of(purpose)
            .map(|r| NoticeRecipient {
                name: r.name.trim().to_owned(),
                kind: r.kind,
                kind_description: recipient_kind_description(r.kind).to_owned(),
                country: r.country.clone(),
                purposes: Vec::new(),
            })
            .collect(),
        transfers: register
            .transfers_of(purpose)
            .map(notice_transfer)
            .collect(),
        retention: NoticeRetention {
            text: describe_retention(policy),
            trigger: policy.trigger,
            period: policy.period,
            action: policy.action,
            schedule_reference: non_blank(&policy.schedule_reference),
        },
        source: notice_source(purpose),
        provision: NoticeProvision {
            requirement: purpose.provision_requirement,
            text: provision_text(purpose.provision_requirement).to_owned(),
        },
        automated_decisions: notice_automated_decisions(purpose),
        rights: purpose
            .rights()
            .into_iter()
            .map(|r| NoticePurposeRight {
                right: r.right,
                extent: r.extent,
                article: r.article.to_owned(),
                reason: r.reason.to_owned(),
            })
            .collect(),
    }
}

fn notice_transfer(transfer: &Transfer) -> NoticeTransfer {
    let (name, safeguard) = mechanism_words(transfer.mechanism);
    NoticeTransfer {
        destination: transfer.destination.trim().to_owned(),
        mechanism: transfer.mechanism,
        mechanism_name: name.to_owned(),
        safeguard: safeguard.to_owned(),
        article: transfer.mechanism.article().to_owned(),
        purposes: Vec::new(),
    }
}

fn notice_source(purpose: &Purpose) -> NoticeSource {
    let other = non_blank(&purpose.source.other_sources);
    let text = match (purpose.source.from_data_subject, &other) {
        (true, None) => "You provide it to us.".to_owned(),
        (true, Some(other)) => {
            format!("You provide it to us, and we also obtain it from: {other}.")
        }
        (false, Some(other)) => format!("We obtain it from: {other}."),
        (false, None) => "We obtain it from other sources.".to_owned(),
    };
    NoticeSource {
        from_data_subject: purpose.source.from_data_subject,
        other_sources: other,
        text,
    }
}

fn notice_automated_decisions(purpose: &Purpose) -> NoticeAutomatedDecisions {
    let logic = purpose
        .automated_decision_making
        .then(|| non_blank(&purpose.automated_decision_logic))
        .flatten();
    let text = if purpose.automated_decision_making {
        "Significant decisions about you are taken solely by automated means. You will be told \
         of each one, and you can make representations, ask for a person to review it, and \
         contest it (Art 22A to 22D)."
    } else {
        "No decisions about you are taken solely by automated means."
    };
    NoticeAutomatedDecisions {
        automated_decision_making: purpose.automated_decision_making,
        logic,
        text: text.to_owned(),
    }
}

fn complaints(org: &OrganisationDetails) -> NoticeComplaints {
    let reachable = |c: &Option<Contact>| c.clone().filter(Contact::is_reachable);
    let (controller_contact, who) = match (
        reachable(&org.complaints),
        reachable(&org.dpo),
        reachable(&org.contact),
    ) {
        (Some(c), _, _) => (Some(c), "our complaints contact"),
        (None, Some(c), _) => (Some(c), "our Data Protection Officer"),
        (None, None, Some(c)) => (Some(c), "us"),
        (None, None, None) => (None, "us at the address above"),
    };
    NoticeComplaints {
        controller_contact,
        controller_text: format!(
            "If you are unhappy with how we use your personal data, you can complain to {who}. \
             We will acknowledge your complaint within 30 days, look into it without undue \
             delay and tell you the outcome (DPA 2018 s.164A)."
        ),
        ico_name: ICO_NAME.to_owned(),
        ico_address: ICO_ADDRESS.to_owned(),
        ico_phone: ICO_PHONE.to_owned(),
        ico_email: ICO_EMAIL.to_owned(),
        ico_url: ICO_COMPLAINT_URL.to_owned(),
        ico_text: "You can also complain to the Information Commissioner, the independent \
                   regulator for data protection (Art 77)."
            .to_owned(),
        judicial_remedy: "A complaint to the Information Commissioner does not affect your right \
                          to seek a remedy through the courts (Art 79)."
            .to_owned(),
    }
}

fn subject_access(org: &OrganisationDetails) -> NoticeSubjectAccess {
    let reachable = |c: &Option<Contact>| c.clone().filter(Contact::is_reachable);
    let (contact, whom) = match (reachable(&org.dpo), reachable(&org.contact)) {
        (Some(c), _) => (Some(c), "our Data Protection Officer"),
        (None, Some(c)) => (Some(c), "us"),
        (None, None) => (None, "us at the address above"),
    };
    NoticeSubjectAccess {
        text: format!(
            "You can ask for a copy of your personal data and for the facts of how we use it \
             (Art 15): this is a subject access request. Make it to {whom}, in writing, by email, \
             by telephone or in person; you need not use a form or say why. We may ask you to \
             confirm who you are and, where we hold a lot about you, what you are looking for. \
             We answer within one month of receiving your request (or the information we asked \
             for), or tell you within that month, with our reasons, if we need up to two months \
             more. Any other right in this notice is asked for the same way."
        ),
        contact,
        staff_endpoint: RIGHTS_REQUESTS_ENDPOINT.to_owned(),
        staff_text: format!(
            "If you work for {} and use its IT service desk, you can also make the request \
             yourself through the desk: {RIGHTS_REQUESTS_ENDPOINT} with the right you are \
             using, such as {{\"right\": \"access\"}}.",
            org.name.trim()
        ),
    }
}

fn notice_processor_for(
    org: &OrganisationDetails,
    controller: &OrganisationDetails,
) -> NoticeProcessorFor {
    let name = controller.name.trim();
    NoticeProcessorFor {
        controller: name.to_owned(),
        text: format!(
            "For staff of {name}, the controller is {name} and {} acts as its processor.",
            org.name.trim()
        ),
        controller_contact: controller.contact.clone().filter(Contact::is_reachable),
        controller_dpo: controller.dpo.clone().filter(Contact::is_reachable),
    }
}

/// Items from every purpose, the first of each key kept, with the purposes that use it.
fn union<T: Clone + HasPurposes>(
    purposes: &[NoticePurpose],
    items: impl Fn(&NoticePurpose) -> &Vec<T>,
    key: impl Fn(&T) -> String,
) -> Vec<T> {
    let mut out: Vec<(String, T)> = Vec::new();
    for purpose in purposes {
        for item in items(purpose) {
            let k = key(item);
            let slot = match out.iter().position(|(existing, _)| *existing == k) {
                Some(i) => i,
                None => {
                    out.push((k, item.clone()));
                    out.len() - 1
                }
            };
            let users = out[slot].1.purposes_mut();
            if !users.contains(&purpose.name) {
                users.push(purpose.name.clone());
            }
        }
    }
    out.into_iter().map(|(_, item)| item).collect()
}

trait HasPurposes {
    fn purposes_mut(&mut self) -> &mut Vec<String>;
}

impl HasPurposes for NoticeDataCategory {
    fn purposes_mut(&mut self) -> &mut Vec<String> {
        &mut self.purposes
    }
}

impl HasPurposes for NoticeRecipient {
    fn purposes_mut(&mut self) -> &mut Vec<String> {
        &mut self.purposes
    }
}

impl HasPurposes for NoticeTransfer {
    fn purposes_mut(&mut self) -> &mut Vec<String> {
        &mut self.purposes
    }
}

/// The rights section: each right any purpose gives, in the order of [`Right::ALL`], with the
/// purposes that give it and where it is limited. The right to be informed is this notice; the
/// right to complain has its own section.
fn rights_section(purposes: &[NoticePurpose]) -> Vec<NoticeRight> {
    let mut section = Vec::new();
    for &right in Right::ALL {
        if matches!(right, Right::Informed | Right::Complaint) {
            continue;
        }
        let mut names = Vec::new();
        let mut limits: Vec<NoticeRightLimit> = Vec::new();
        for purpose in purposes {
            for given in purpose.rights.iter().filter(|r| r.right == right) {
                names.push(purpose.name.clone());
                if given.extent == RightExtent::Full {
                    continue;
                }
                match limits.iter_mut().find(|l| {
                    l.extent == given.extent
                        && l.article == given.article
                        && l.reason == given.reason
                }) {
                    Some(limit) => limit.purposes.push(purpose.name.clone()),
                    None => limits.push(NoticeRightLimit {
                        purposes: vec![purpose.name.clone()],
                        extent: given.extent,
                        article: given.article.clone(),
                        reason: given.reason.clone(),
                    }),
                }
            }
        }
        if names.is_empty() {
            continue;
        }
        section.push(NoticeRight {
            right,
            article: right.article().to_owned(),
            text: right_text(right).to_owned(),
            purposes: names,
            limits,
        });
    }
    section
}

// ---------------------------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------------------------

fn right_text(right: Right) -> &'static str {
    match right {
        Right::Informed => "You have the right to be told how we use your personal data.",
        Right::Access => {
            "You can ask for a copy of your personal data and for the facts of how we use it. \
             We reply within one month."
        }
        Right::Rectification => {
            "You can ask us to correct personal data that is inaccurate, and to complete it if \
             it is incomplete, including by adding a supplementary statement."
        }
        Right::Erasure => {
            "You can ask us to erase your personal data. We may refuse where the law allows us \
             to keep it; if we do, we tell you why and that you can complain to the \
             Information Commissioner and seek a remedy through the courts."
        }
        Right::Restriction => {
            "You can ask us to restrict how we use your personal data while its accuracy, or an \
             objection, is settled, or where you need it kept for a legal claim."
        }
        Right::NotificationOfRecipients => {
            "We tell those we have shared your data with when it is corrected, erased or \
             restricted, and we tell you who they are if you ask."
        }
        Right::Portability => {
            "You can ask for the personal data you gave us in a structured, commonly used, \
             machine-readable format, and for it to be sent to another organisation."
        }
        Right::Objection => {
            "You can object to the use of your personal data for direct marketing at any time, \
             and we will stop. Where we rely on a public task or legitimate interests, you can \
             also object on grounds relating to your situation, and we will stop unless we have \
             compelling legitimate grounds or need the data for legal claims."
        }
        Right::AutomatedDecisionSafeguards => {
            "Where a significant decision about you is taken solely by automated means, we tell \
             you, and you can make representations, ask for a person to review it, and contest \
             it."
        }
        Right::WithdrawConsent => {
            "Where we rely on your consent, you can withdraw it at any time, as easily as you \
             gave it. Withdrawing it does not affect what we did before."
        }
        Right::Complaint => "You can complain to us and to the Information Commissioner.",
    }
}

fn special_category_description(condition: SpecialCategoryCondition) -> &'static str {
    match condition {
        SpecialCategoryCondition::ExplicitConsent => "your explicit consent",
        SpecialCategoryCondition::Employment => {
            "obligations and rights in employment, social security and social protection law"
        }
        SpecialCategoryCondition::VitalInterests => {
            "protecting your vital interests where you cannot consent"
        }
        SpecialCategoryCondition::NotForProfitBody => {
            "the activities of a not-for-profit body with its members"
        }
        SpecialCategoryCondition::MadePublic => "data you have manifestly made public",
        SpecialCategoryCondition::LegalClaims => "legal claims, or courts acting judicially",
        SpecialCategoryCondition::SubstantialPublicInterest => "substantial public interest",
        SpecialCategoryCondition::HealthOrSocialCare => "health or social care",
        SpecialCategoryCondition::PublicHealth => "public health",
        SpecialCategoryCondition::ArchivingResearchStatistics => {
            "archiving in the public interest, research or statistics"
        }
    }
}

fn recipient_kind_description(kind: RecipientKind) -> &'static str {
    match kind {
        RecipientKind::Processor => "processes data on our behalf",
        RecipientKind::ThirdParty => "another organisation",
        RecipientKind::PublicAuthority => "a public authority",
        RecipientKind::InternalTeam => "a team within our organisation",
    }
}

/// A mechanism's name and what it is.
fn mechanism_words(mechanism: TransferMechanism) -> (&'static str, &'static str) {
    match mechanism {
        TransferMechanism::ApprovedByRegulations => (
            "UK adequacy regulations",
            "the destination is approved for transfers by UK regulations",
        ),
        TransferMechanism::Idta => (
            "International Data Transfer Agreement",
            "a contract issued by the Information Commissioner that binds the recipient to \
             protect the data",
        ),
        TransferMechanism::UkAddendum => (
            "UK Addendum to the EU standard contractual clauses",
            "contract clauses approved for UK transfers that bind the recipient to protect the \
             data",
        ),
        TransferMechanism::BindingCorporateRules => (
            "Binding corporate rules",
            "rules approved by the Information Commissioner that bind every part of the \
             recipient's group",
        ),
        TransferMechanism::Derogation => (
            "Derogation for a specific situation",
            "the transfer is allowed for a specific situation set out in law",
        ),
        TransferMechanism::LegacyModelClauses => (
            "Model Contract Clauses",
            "contract clauses in the form the European Commission issued, binding the recipient \
             to protect the data",
        ),
    }
}

fn provision_text(requirement: ProvisionRequirement) -> &'static str {
    match requirement {
        ProvisionRequirement::Statutory => {
            "The law requires this data. If it is not provided, we cannot meet our legal duties."
        }
        ProvisionRequirement::Contractual => {
            "Your contract requires this data. If you do not provide it, we cannot provide the \
             service under the contract."
        }
        ProvisionRequirement::NeededToEnterContract => {
            "We need this data before we can enter into a contract with you. If you do not \
             provide it, we cannot do so."
        }
        ProvisionRequirement::Voluntary => {
            "You do not have to provide this data. If you do not, nothing else is affected."
        }
    }
}

fn trigger_words(trigger: RetentionTrigger) -> &'static str {
    match trigger {
        RetentionTrigger::AfterLeaving => "after you leave",
        RetentionTrigger::AfterLastTicketClosed => "after your last support ticket is closed",
        RetentionTrigger::AfterCreation => "after the record is created",
        RetentionTrigger::AfterConsentWithdrawn => "after you withdraw your consent",
        RetentionTrigger::AfterRequestClosed => "after your request is closed",
    }
}

fn period_words(period: RetentionPeriod) -> String {
    let parts: Vec<String> = [
        (period.years(), "year"),
        (period.months(), "month"),
        (period.weeks(), "week"),
        (period.days(), "day"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, unit)| {
        if n == 1 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    })
    .collect();
    match parts.as_slice() {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The retention policy in words: "1 year after you leave, then erased".
fn describe_retention(policy: &RetentionPolicy) -> String {
    let when = format!(
        "{} {}",
        period_words(policy.period),
        trigger_words(policy.trigger)
    );
    let schedule = non_blank(&policy.schedule_reference);
    match (policy.action, schedule) {
        (RetentionAction::Review, Some(schedule)) => {
            format!("{when}, then reviewed and kept or erased per retention schedule {schedule}")
        }
        (RetentionAction::Review, None) => {
            format!("{when}, then reviewed and kept only if still needed, otherwise erased")
        }
        (RetentionAction::Erase, schedule) => {
            with_schedule(format!("{when}, then erased"), schedule)
        }
        (RetentionAction::Anonymise, schedule) => {
            with_schedule(format!("{when}, then anonymised"), schedule)
        }
    }
}

fn with_schedule(text: String, schedule: Option<String>) -> String {
    match schedule {
        Some(schedule) => format!("{text} (retention schedule {schedule})"),
        None => text,
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering: one document model, two renderers, so Markdown and HTML carry the same content.
// ---------------------------------------------------------------------------------------------

/// A run of text in a paragraph or list item.
enum Inline {
    Text(String),
    Strong(String),
    /// A web address, linked in HTML.
    Url(String),
}

enum Block {
    Heading(u8, String),
    Paragraph(Vec<Inline>),
    List(Vec<Vec<Inline>>),
}

fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

fn strong(s: impl Into<String>) -> Inline {
    Inline::Strong(s.into())
}

fn is_web_address(s: &str) -> bool {
    let s = s.trim();
    (s.starts_with("https://") || s.starts_with("http://")) && !s.contains(char::is_whitespace)
}

/// A register text that may be a web address.
fn maybe_url(s: &str) -> Inline {
    if is_web_address(s) {
        Inline::Url(s.trim().to_owned())
    } else {
        text(s)
    }
}

/// Postal address lines joined with commas.
fn address_line(address: &str) -> String {
    address
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A contact's details as list items.
fn contact_items(contact: &Contact) -> Vec<Vec<Inline>> {
    let mut items = Vec::new();
    if let Some(name) = non_blank(&contact.name) {
        items.push(vec![strong("Name: "), text(name)]);
    }
    if let Some(email) = non_blank(&contact.email) {
        items.push(vec![strong("Email: "), text(email)]);
    }
    if let Some(phone) = non_blank(&contact.phone) {
        items.push(vec![strong("Telephone: "), text(phone)]);
    }
    if let Some(address) = non_blank(&contact.address) {
        items.push(vec![strong("Address: "), text(address_line(&address))]);
    }
    if let Some(url) = non_blank(&contact.url) {
        items.push(vec![strong("Web: "), maybe_url(&url)]);
    }
    items
}

fn names(list: &[String]) -> String {
    list.join("; ")
}

impl PrivacyNotice {
    fn blocks(&self) -> Vec<Block> {
        let mut b = Vec::new();
        b.push(Block::Heading(1, self.title.clone()));
        self.who_we_are(&mut b);
        self.what_we_collect(&mut b);
        self.why_we_use_it(&mut b);
        self.who_we_share_with(&mut b);
        self.transfers_section(&mut b);
        self.how_long(&mut b);
        self.security_section(&mut b);
        self.your_rights(&mut b);
        self.complaints_section(&mut b);
        self.automated_section(&mut b);
        b
    }

    fn who_we_are(&self, b: &mut Vec<Block>) {
        let c = &self.controller;
        b.push(Block::Heading(2, "Who we are".into()));
        b.push(Block::Paragraph(vec![
            text(c.name.clone()),
            text(" is the controller of the personal data described in this notice."),
        ]));
        let mut items = Vec::new();
        if let Some(address) = &c.address {
            items.push(vec![strong("Address: "), text(address_line(address))]);
        }
        if let Some(number) = &c.ico_registration_number {
            items.push(vec![
                strong("ICO registration number: "),
                text(number.clone()),
            ]);
        }
        if !items.is_empty() {
            b.push(Block::List(items));
        }
        if let Some(contact) = c.contact.as_ref().filter(|c| c.is_reachable()) {
            b.push(Block::Paragraph(vec![text("You can contact us:")]));
            b.push(Block::List(contact_items(contact)));
        }
        if let Some(dpo) = &self.dpo {
            b.push(Block::Heading(3, "Our Data Protection Officer".into()));
            b.push(Block::Paragraph(vec![text(
                "You can contact our Data Protection Officer about anything in this notice:",
            )]));
            b.push(Block::List(contact_items(dpo)));
        }
        if let Some(rep) = c.uk_representative.as_ref().filter(|c| c.is_reachable()) {
            b.push(Block::Heading(3, "Our representative in the UK".into()));
            b.push(Block::List(contact_items(rep)));
        }
        if !self.processor_for.is_empty() {
            b.push(Block::Heading(
                3,
                "Where we act for other organisations".into(),
            ));
            for p in &self.processor_for {
                b.push(Block::Paragraph(vec![text(p.text.clone())]));
                let mut items = Vec::new();
                if let Some(contact) = &p.controller_contact {
                    items.extend(contact_items(contact));
                }
                if let Some(dpo) = &p.controller_dpo {
                    let mut first = vec![
                        strong("Data Protection Officer of "),
                        text(p.controller.clone()),
                    ];
                    let details: Vec<String> = [&dpo.email, &dpo.phone, &dpo.url]
                        .into_iter()
                        .filter_map(non_blank)
                        .chain(non_blank(&dpo.address).map(|a| address_line(&a)))
                        .collect();
                    if !details.is_empty() {
                        first.push(text(format!(": {}", details.join(", "))));
                    }
                    items.push(first);
                }
                if !items.is_empty() {
                    b.push(Block::List(items));
                }
            }
        }
    }

    fn what_we_collect(&self, b: &mut Vec<Block>) {
        b.push(Block::Heading(2, "What we collect".into()));
        let items = self
            .data_categories
            .iter()
            .map(|c| {
                let mut item = vec![strong(c.name.clone())];
                if c.special {
                    item.push(text(" (special category data)"));
                }
                if !c.description.is_empty() {
                    item.push(text(format!(": {}", c.description)));
                }
                item.push(text(format!(". Used for: {}.", names(&c.purposes))));
                item
            })
            .collect();
        b.push(Block::List(items));
        b.push(Block::Heading(3, "Where it comes from".into()));
        // Purposes grouped by what they say of their source, in first use order.
        let mut sources: Vec<(&str, Vec<String>)> = Vec::new();
        for p in &self.purposes {
            match sources.iter_mut().find(|(t, _)| *t == p.source.text) {
                Some((_, users)) => users.push(p.name.clone()),
                None => sources.push((&p.source.text, vec![p.name.clone()])),
            }
        }
        match sources.as_slice() {
            [(only, _)] => b.push(Block::Paragraph(vec![text(*only)])),
            _ => b.push(Block::List(
                sources
                    .iter()
                    .map(|(t, users)| vec![strong(format!("{}: ", names(users))), text(*t)])
                    .collect(),
            )),
        }
    }

    fn why_we_use_it(&self, b: &mut Vec<Block>) {
        b.push(Block::Heading(
            2,
            "Why we use it and our lawful basis".into(),
        ));
        for p in &self.purposes {
            b.push(Block::Heading(3, p.name.clone()));
            if !p.description.is_empty() {
                b.push(Block::Paragraph(vec![text(p.description.clone())]));
            }
            let mut items = Vec::new();
            if !p.data_subjects.is_empty() {
                items.push(vec![strong("Whose data: "), text(names(&p.data_subjects))]);
            }
            items.push(vec![
                strong("Lawful basis: "),
                text(format!(
                    "{} ({})",
                    p.lawful_basis.description, p.lawful_basis.article
                )),
            ]);
            if let Some(interests) = &p.legitimate_interests {
                items.push(vec![
                    strong("Our legitimate interests: "),
                    text(interests.clone()),
                ]);
            }
            if let Some(interest) = &p.recognised_legitimate_interest {
                items.push(vec![
                    strong("Recognised legitimate interest: "),
                    text(format!("{} ({})", interest.description, interest.article)),
                ]);
            }
            if let Some(special) = &p.special_category {
                let mut condition = format!("{} ({})", special.description, special.article);
                if let Some(citation) = &special.schedule_1_citation {
                    condition.push_str(&format!(", with {citation}"));
                }
                items.push(vec![
                    strong("Special category condition: "),
                    text(condition),
                ]);
            }
            let categories: Vec<String> = p
                .data_categories
                .iter()
                .map(|c| {
                    if c.special {
                        format!("{} (special category)", c.name)
                    } else {
                        c.name.clone()
                    }
                })
                .collect();
            items.push(vec![strong("Data: "), text(names(&categories))]);
            items.push(vec![strong("Source: "), text(p.source.text.clone())]);
            items.push(vec![
                strong("Do you have to provide it? "),
                text(p.provision.text.clone()),
            ]);
            let mut kept = vec![strong("How long we keep it: ")];
            kept.extend(retention_inlines(&p.retention));
            items.push(kept);
            let rights: Vec<String> = p
                .rights
                .iter()
                .filter(|r| !matches!(r.right, Right::Informed | Right::Complaint))
                .map(|r| {
                    let extent = match r.extent {
                        RightExtent::Full => String::new(),
                        other => format!(", {}", extent_words(other)),
                    };
                    format!("{} ({}{extent})", r.right.name(), r.article)
                })
                .collect();
            items.push(vec![strong("Your rights: "), text(names(&rights))]);
            b.push(Block::List(items));
        }
    }

    fn who_we_share_with(&self, b: &mut Vec<Block>) {
        b.push(Block::Heading(2, "Who we share it with".into()));
        if self.recipients.is_empty() {
            b.push(Block::Paragraph(vec![text(
                "We do not share your personal data with anyone else.",
            )]));
            return;
        }
        b.push(Block::List(
            self.recipients
                .iter()
                .map(|r| {
                    let mut item = vec![
                        strong(r.name.clone()),
                        text(format!(" ({})", r.kind_description)),
                    ];
                    if let Some(country) = &r.country {
                        item.push(text(if country.is_uk() {
                            ", based in the UK".to_owned()
                        } else {
                            format!(", based in {country}")
                        }));
                    }
                    item.push(text(format!(". For: {}.", names(&r.purposes))));
                    item
                })
                .collect(),
        ));
    }

    fn transfers_section(&self, b: &mut Vec<Block>) {
        b.push(Block::Heading(2, "Transfers outside the UK".into()));
        if self.transfers.is_empty() {
            b.push(Block::Paragraph(vec![text(
                "We do not transfer your personal data outside the UK.",
            )]));
            return;
        }
        b.push(Block::List(
            self.transfers
                .iter()
                .map(|t| {
                    vec![
                        strong(t.destination.clone()),
                        text(format!(
                            ": protected by {} ({}), {}. For: {}.",
                            t.mechanism_name,
                            t.article,
                            t.safeguard,
                            names(&t.purposes)
                        )),
                    ]
                })
                .collect(),
        ));
    }

    fn how_long(&self, b: &mut Vec<Block>) {
        b.push(Block::Heading(2, "How long we keep it".into()));
        b.push(Block::List(
            self.purposes
                .iter()
                .map(|p| {
                    let mut item = vec![strong(format!("{}: ", p.name))];
                    item.extend(retention_inlines(&p.retention));
                    item
                })
                .collect(),
        ));
    }

    fn security_section(&self, b: &mut Vec<Block>) {
        if let Some(measures) = &self.controller.security_measures {
            b.push(Block::Heading(2, "How we keep it secure".into()));
            b.push(Block::Paragraph(vec![text(measures.clone())]));
        }
    }

    fn your_rights(&self, b: &mut Vec<Block>) {
        b.push(Block::Heading(2, "Your rights".into()));
        b.push(Block::Paragraph(vec![text(
            "You have these rights over your personal data. To use any of them, contact us or \
             our Data Protection Officer using the details above.",
        )]));
        let every = self.purposes.len();
        for r in &self.rights {
            b.push(Block::Heading(
                3,
                format!("{} ({})", capitalise(r.right.name()), r.article),
            ));
            b.push(Block::Paragraph(vec![text(r.text.clone())]));
            let mut items = Vec::new();
            if r.purposes.len() < every {
                items.push(vec![strong("Applies to: "), text(names(&r.purposes))]);
            }
            items.extend(r.limits.iter().map(|l| {
                let whom = if l.purposes.len() == every {
                    "For every purpose: ".to_owned()
                } else {
                    format!("For {}: ", names(&l.purposes))
                };
                vec![
                    strong(whom),
                    text(format!("{} ({}).", capitalise(&l.reason), l.article)),
                ]
            }));
            if !items.is_empty() {
                b.push(Block::List(items));
            }
        }
        if let Some(access) = &self.subject_access {
            b.push(Block::Heading(
                3,
                "How to make a subject access request".into(),
            ));
            b.push(Block::Paragraph(vec![text(access.text.clone())]));
            if let Some(contact) = &access.contact {
                b.push(Block::List(contact_items(contact)));
            }
            b.push(Block::Paragraph(vec![text(access.staff_text.clone())]));
        }
    }

    fn complaints_section(&self, b: &mut Vec<Block>) {
        let c = &self.complaints;
        b.push(Block::Heading(2, "Complaints".into()));
        b.push(Block::Paragraph(vec![text(c.controller_text.clone())]));
        if let Some(contact) = &c.controller_contact {
            b.push(Block::List(contact_items(contact)));
        }
        b.push(Block::Paragraph(vec![text(c.ico_text.clone())]));
        b.push(Block::List(vec![
            vec![strong("Name: "), text(c.ico_name.clone())],
            vec![strong("Address: "), text(address_line(&c.ico_address))],
            vec![strong("Telephone: "), text(c.ico_phone.clone())],
            vec![strong("Email: "), text(c.ico_email.clone())],
            vec![strong("Online: "), maybe_url(&c.ico_url)],
        ]));
        b.push(Block::Paragraph(vec![text(c.judicial_remedy.clone())]));
    }

    fn automated_section(&self, b: &mut Vec<Block>) {
        b.push(Block::Heading(2, "Automated decisions".into()));
        let automated: Vec<&NoticePurpose> = self
            .purposes
            .iter()
            .filter(|p| p.automated_decisions.automated_decision_making)
            .collect();
        if automated.is_empty() {
            b.push(Block::Paragraph(vec![text(
                "We do not take decisions about you solely by automated means.",
            )]));
            return;
        }
        for p in automated {
            let mut item = vec![
                strong(format!("{}: ", p.name)),
                text(p.automated_decisions.text.clone()),
            ];
            if let Some(logic) = &p.automated_decisions.logic {
                item.push(text(format!(" How it works: {logic}")));
            }
            b.push(Block::Paragraph(item));
        }
    }
}

/// The retention text, its schedule linked where it is a web address at the end of the text.
fn retention_inlines(retention: &NoticeRetention) -> Vec<Inline> {
    let words = capitalise(&retention.text);
    if let Some(schedule) = retention
        .schedule_reference
        .as_deref()
        .filter(|s| is_web_address(s))
        && let Some(before) = words.strip_suffix(schedule)
    {
        return vec![text(before), Inline::Url(schedule.to_owned())];
    }
    vec![text(words)]
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn extent_words(extent: RightExtent) -> &'static str {
    match extent {
        RightExtent::Full => "in full",
        RightExtent::DirectMarketingOnly => "to direct marketing only",
        RightExtent::ExplicitConsentDataOnly => "for data held on explicit consent only",
        RightExtent::ExemptWhileNeeded => "not while we still need the data",
    }
}

/// Escapes text for Markdown (CommonMark): the characters that start emphasis, links, code,
/// HTML, entities and headings anywhere, block markers at the start, and line breaks turned to
/// spaces so a text cannot open a block of its own.
fn escape_markdown(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    // Where a block would start were the text first on its line (the renderers trim what
    // comes before it).
    let lead = flat.len() - flat.trim_start().len();
    let mut out = String::with_capacity(flat.len() + 8);
    for (i, c) in flat.char_indices() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '&' | '|' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '=' if i == lead => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    // "1. " or "1) " first on a line would open an ordered list.
    let digits = out[lead..].chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && matches!(out[lead + digits..].chars().next(), Some('.' | ')')) {
        out.insert(lead + digits, '\\');
    }
    out
}

fn render_markdown(blocks: &[Block]) -> String {
    let inline = |runs: &[Inline]| -> String {
        runs.iter()
            .map(|run| match run {
                Inline::Text(s) => escape_markdown(s),
                Inline::Strong(s) => {
                    // Trailing spaces inside ** would stop it closing.
                    let trimmed = s.trim_end();
                    let gap = &s[trimmed.len()..];
                    format!(
                        "**{}**{}",
                        escape_markdown(trimmed),
                        if gap.is_empty() { "" } else { " " }
                    )
                }
                Inline::Url(u) => format!("<{}>", u.replace(['<', '>', ' '], "")),
            })
            .collect()
    };
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Heading(level, s) => {
                out.push_str(&"#".repeat(usize::from(*level)));
                out.push(' ');
                out.push_str(&escape_markdown(s));
                out.push('\n');
            }
            Block::Paragraph(runs) => {
                // Leading spaces would make an indented code block.
                out.push_str(inline(runs).trim_start());
                out.push('\n');
            }
            Block::List(items) => {
                for item in items {
                    out.push_str("- ");
                    out.push_str(inline(item).trim_start());
                    out.push('\n');
                }
            }
        }
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Escapes text for HTML content and attribute values.
fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn render_html(title: &str, blocks: &[Block]) -> String {
    let inline = |runs: &[Inline]| -> String {
        runs.iter()
            .map(|run| match run {
                Inline::Text(s) => escape_html(s),
                Inline::Strong(s) => format!("<strong>{}</strong>", escape_html(s)),
                Inline::Url(u) => format!("<a href=\"{0}\">{0}</a>", escape_html(u)),
            })
            .collect()
    };
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!("<title>{}</title>\n", escape_html(title)));
    out.push_str("</head>\n<body>\n<main>\n");
    for block in blocks {
        match block {
            Block::Heading(level, s) => {
                out.push_str(&format!("<h{level}>{}</h{level}>\n", escape_html(s)));
            }
            Block::Paragraph(runs) => {
                out.push_str(&format!("<p>{}</p>\n", inline(runs)));
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    out.push_str(&format!("<li>{}</li>\n", inline(item)));
                }
                out.push_str("</ul>\n");
            }
        }
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

// ---------------------------------------------------------------------------------------------
// Changes
// ---------------------------------------------------------------------------------------------

/// What changed from `previous` to `next`, for the notice's change log: the first publication
/// when there is no previous notice; otherwise purposes, recipients, transfers, controllers
/// processed for, and the controller's, DPO's and complaints contact details. Empty when
/// nothing changed.
pub fn changes(previous: Option<&PrivacyNotice>, next: &PrivacyNotice) -> Vec<NoticeChange> {
    let Some(previous) = previous else {
        return vec![NoticeChange {
            kind: NoticeChangeKind::FirstPublication,
            element: NoticeElement::IdentityAndContact,
            subject: next.controller.name.clone(),
            detail: format!(
                "first publication, with {} purpose{}",
                next.purposes.len(),
                if next.purposes.len() == 1 { "" } else { "s" }
            ),
        }];
    };
    let mut out = Vec::new();
    controller_changes(previous, next, &mut out);
    if previous.subject_access.is_none()
        && let Some(access) = &next.subject_access
    {
        out.push(NoticeChange {
            kind: NoticeChangeKind::Added,
            element: NoticeElement::Rights,
            subject: next.controller.name.clone(),
            detail: format!(
                "how to make a subject access request: to the contact given, or {}",
                access.staff_endpoint
            ),
        });
    }
    keyed_changes(
        NoticeElement::Purposes,
        &previous.purposes,
        &next.purposes,
        |p| p.name.clone(),
        purpose_differences,
        &mut out,
    );
    keyed_changes(
        NoticeElement::Recipients,
        &previous.recipients,
        &next.recipients,
        |r| r.name.clone(),
        |a, b| {
            let mut fields = Vec::new();
            if a.kind != b.kind {
                fields.push("kind");
            }
            if a.country != b.country {
                fields.push("country");
            }
            fields
        },
        &mut out,
    );
    keyed_changes(
        NoticeElement::Transfers,
        &previous.transfers,
        &next.transfers,
        |t| t.destination.clone(),
        |a, b| {
            if a.mechanism != b.mechanism {
                vec!["mechanism"]
            } else {
                Vec::new()
            }
        },
        &mut out,
    );
    keyed_changes(
        NoticeElement::ProcessorFor,
        &previous.processor_for,
        &next.processor_for,
        |p| p.controller.clone(),
        |a, b| {
            if a == b {
                Vec::new()
            } else {
                vec!["contact details"]
            }
        },
        &mut out,
    );
    out
}

fn controller_changes(previous: &PrivacyNotice, next: &PrivacyNotice, out: &mut Vec<NoticeChange>) {
    let (a, b) = (&previous.controller, &next.controller);
    let mut fields = Vec::new();
    if a.name != b.name {
        fields.push("name");
    }
    if a.address != b.address {
        fields.push("address");
    }
    if a.contact != b.contact {
        fields.push("contact");
    }
    if a.ico_registration_number != b.ico_registration_number {
        fields.push("ICO registration number");
    }
    if a.uk_representative != b.uk_representative {
        fields.push("UK representative");
    }
    if a.security_measures != b.security_measures {
        fields.push("security measures");
    }
    if !fields.is_empty() {
        out.push(NoticeChange {
            kind: NoticeChangeKind::Changed,
            element: NoticeElement::IdentityAndContact,
            subject: b.name.clone(),
            detail: format!("changed: {}", fields.join(", ")),
        });
    }
    let dpo = match (&previous.dpo, &next.dpo) {
        (None, Some(_)) => Some((NoticeChangeKind::Added, "Data Protection Officer named")),
        (Some(_), None) => Some((NoticeChangeKind::Removed, "Data Protection Officer removed")),
        (Some(x), Some(y)) if x != y => Some((
            NoticeChangeKind::Changed,
            "Data Protection Officer's contact details changed",
        )),
        _ => None,
    };
    if let Some((kind, detail)) = dpo {
        out.push(NoticeChange {
            kind,
            element: NoticeElement::Dpo,
            subject: "Data Protection Officer".into(),
            detail: detail.into(),
        });
    }
    if previous.complaints.controller_contact != next.complaints.controller_contact {
        out.push(NoticeChange {
            kind: NoticeChangeKind::Changed,
            element: NoticeElement::Complaint,
            subject: b.name.clone(),
            detail: "where complaints to us go changed".into(),
        });
    }
}

/// Which fields of a purpose differ, in the notice's words.
fn purpose_differences(a: &NoticePurpose, b: &NoticePurpose) -> Vec<&'static str> {
    let mut fields = Vec::new();
    let mut differ = |different: bool, field: &'static str| {
        if different {
            fields.push(field);
        }
    };
    differ(a.description != b.description, "description");
    differ(a.data_subjects != b.data_subjects, "whose data");
    differ(a.lawful_basis != b.lawful_basis, "lawful basis");
    differ(
        a.legitimate_interests != b.legitimate_interests,
        "legitimate interests",
    );
    differ(
        a.recognised_legitimate_interest != b.recognised_legitimate_interest,
        "recognised legitimate interest",
    );
    differ(
        a.special_category != b.special_category,
        "special category condition",
    );
    differ(a.data_categories != b.data_categories, "categories");
    differ(a.recipients != b.recipients, "recipients");
    differ(a.transfers != b.transfers, "transfers");
    differ(a.retention != b.retention, "retention");
    differ(a.source != b.source, "source");
    differ(a.provision != b.provision, "provision requirement");
    differ(
        a.automated_decisions != b.automated_decisions,
        "automated decisions",
    );
    differ(a.rights != b.rights, "rights");
    fields
}

/// Added, removed and changed entries between two lists, matched by `key`.
fn keyed_changes<T>(
    element: NoticeElement,
    previous: &[T],
    next: &[T],
    key: impl Fn(&T) -> String,
    differences: impl Fn(&T, &T) -> Vec<&'static str>,
    out: &mut Vec<NoticeChange>,
) {
    for old in previous {
        let k = key(old);
        match next.iter().find(|n| key(n) == k) {
            None => out.push(NoticeChange {
                kind: NoticeChangeKind::Removed,
                element,
                subject: k,
                detail: "removed".into(),
            }),
            Some(new) => {
                let fields = differences(old, new);
                if !fields.is_empty() {
                    out.push(NoticeChange {
                        kind: NoticeChangeKind::Changed,
                        element,
                        subject: k,
                        detail: format!("changed: {}", fields.join(", ")),
                    });
                }
            }
        }
    }
    for new in next {
        let k = key(new);
        if !previous.iter().any(|p| key(p) == k) {
            out.push(NoticeChange {
                kind: NoticeChangeKind::Added,
                element,
                subject: k,
                detail: "added".into(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{DataCategoryId, RecipientId, RetentionPolicyId, TransferId};
    use crate::register::demo;
    use crate::register::recipient::Recipient;

    fn notice(register: &Register) -> PrivacyNotice {
        PrivacyNotice::generate(register, &[]).expect("the register makes a notice")
    }

    fn purpose<'a>(notice: &'a PrivacyNotice, name: &str) -> &'a NoticePurpose {
        notice
            .purposes
            .iter()
            .find(|p| p.name == name)
            .expect("the notice has this purpose")
    }

    fn right(notice: &PrivacyNotice, right: Right) -> Option<&NoticeRight> {
        notice.rights.iter().find(|r| r.right == right)
    }

    fn elements(missing: &[MissingElement]) -> Vec<NoticeElement> {
        missing.iter().map(|m| m.element).collect()
    }

    const SECTIONS: [&str; 9] = [
        "## Who we are",
        "## What we collect",
        "## Why we use it and our lawful basis",
        "## Who we share it with",
        "## Transfers outside the UK",
        "## How long we keep it",
        "## Your rights",
        "## Complaints",
        "## Automated decisions",
    ];

    /// Every opened element is closed in order; void elements stand alone.
    fn assert_balanced(html: &str) {
        const VOID: [&str; 6] = ["meta", "br", "hr", "img", "link", "input"];
        let mut stack: Vec<String> = Vec::new();
        let mut rest = html;
        while let Some(start) = rest.find('<') {
            let after = &rest[start + 1..];
            let end = after.find('>').expect("every tag closes");
            let tag = &after[..end];
            rest = &after[end + 1..];
            if tag.starts_with('!') {
                assert_eq!(tag, "!DOCTYPE html");
                continue;
            }
            let (closing, body) = match tag.strip_prefix('/') {
                Some(body) => (true, body),
                None => (false, tag),
            };
            let name: String = body
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            assert!(!name.is_empty(), "a tag without a name: <{tag}>");
            assert_ne!(name, "script", "no scripts");
            if closing {
                assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "</{name}>");
            } else if !VOID.contains(&name.as_str()) {
                stack.push(name);
            }
        }
        assert!(stack.is_empty(), "left open: {stack:?}");
    }

    #[test]
    fn every_demo_register_makes_a_notice_with_its_sections_in_order() {
        for register in demo::all() {
            let notice = notice(&register);
            assert_eq!(notice.purposes.len(), register.purposes.len());
            assert_eq!(notice.controller.name, register.organisation.name);
            let markdown = notice.to_markdown();
            let mut at = 0;
            for heading in SECTIONS {
                let found = markdown[at..]
                    .find(&format!("\n{heading}\n"))
                    .unwrap_or_else(|| panic!("{}: {heading} in order", register.slug));
                at += found + 1;
            }
            assert!(
                markdown.starts_with(&format!("# Privacy notice: {}\n", notice.controller.name))
            );
            let html = notice.to_html();
            assert_balanced(&html);
            for purpose in &notice.purposes {
                assert!(markdown.contains(&escape_markdown(&purpose.name)));
                assert!(html.contains(&escape_html(&purpose.name)));
                assert!(!purpose.rights.is_empty());
            }
            assert!(markdown.contains("Wycliffe House, Water Lane, Wilmslow, Cheshire, SK9 5AF"));
            assert!(markdown.contains("0303 123 1113"));
            assert!(markdown.contains("casework@ico.org.uk"));
            assert!(markdown.contains("<https://ico.org.uk/make-a-complaint/>"));
            assert!(markdown.contains("DPA 2018 s.164A"));
            assert!(markdown.contains("remedy through the courts"));
        }
    }

    #[test]
    fn cabinet_office_notice_says_what_its_source_says() {
        let notice = notice(&demo::cabinet_office());
        assert_eq!(notice.transfers.len(), 1);
        let transfer = &notice.transfers[0];
        assert_eq!(transfer.mechanism, TransferMechanism::LegacyModelClauses);
        assert_eq!(transfer.mechanism_name, "Model Contract Clauses");
        assert_eq!(transfer.purposes.len(), notice.purposes.len());
        for p in &notice.purposes {
            assert_eq!(p.retention.text, "1 year after you leave, then erased");
        }
        let surveys = purpose(&notice, "Satisfaction surveys");
        assert_eq!(surveys.lawful_basis.code, LawfulBasis::Consent);
        assert_eq!(surveys.lawful_basis.article, "Art 6(1)(a)");
        assert_eq!(surveys.lawful_basis.description, "consent");
        assert_eq!(
            surveys.provision.requirement,
            ProvisionRequirement::Voluntary
        );
        let withdrawal = right(&notice, Right::WithdrawConsent).expect("consent is withdrawable");
        assert_eq!(withdrawal.purposes, ["Satisfaction surveys"]);
        assert_eq!(withdrawal.article, "Art 7(3)");
        let support = purpose(&notice, "IT requests and incidents");
        let special = support.special_category.as_ref().expect("health details");
        assert_eq!(special.article, "Art 9(2)(b)");
        assert_eq!(
            special.schedule_1_citation.as_deref(),
            Some("DPA 2018 Sch 1 para 1")
        );
        assert!(support.data_categories.iter().any(|c| c.special));
        assert!(notice.data_categories.iter().any(|c| c.special));
        // Contract and consent both give portability.
        assert!(right(&notice, Right::Portability).is_some());
        // No complaints contact: complaints go to the DPO.
        assert_eq!(notice.complaints.controller_contact, notice.dpo);
        let markdown = notice.to_markdown();
        assert!(markdown.contains("Model Contract Clauses (Art 46)"));
        assert!(markdown.contains("**Special category condition:**"));
        assert!(markdown.contains("(special category)"));
    }

    #[test]
    fn devon_notice_keeps_tickets_three_years_and_limits_erasure() {
        let notice = notice(&demo::devon());
        assert_eq!(
            notice.controller.ico_registration_number.as_deref(),
            Some("Z6475582")
        );
        let tickets = purpose(&notice, "Support tickets");
        assert_eq!(
            tickets.retention.text,
            "3 years after your last support ticket is closed, then erased"
        );
        assert_eq!(tickets.lawful_basis.description, "public task");
        assert!(notice.transfers.is_empty());
        // Public task and legal obligation: no portability; erasure exempt while needed.
        assert!(right(&notice, Right::Portability).is_none());
        let objection = tickets
            .rights
            .iter()
            .find(|r| r.right == Right::Objection)
            .expect("objection");
        assert_eq!(objection.extent, RightExtent::Full);
        assert_eq!(objection.article, "Art 21(1)");
        let erasure = right(&notice, Right::Erasure).expect("erasure");
        assert_eq!(erasure.limits.len(), 1, "one exemption, grouped");
        assert_eq!(erasure.limits[0].article, "Art 17(3)(b)");
        assert_eq!(erasure.limits[0].extent, RightExtent::ExemptWhileNeeded);
        assert_eq!(erasure.limits[0].purposes.len(), notice.purposes.len());
        let safeguarding = purpose(&notice, "Safeguarding disclosures");
        let special = safeguarding.special_category.as_ref().expect("care data");
        assert_eq!(
            special.condition,
            SpecialCategoryCondition::HealthOrSocialCare
        );
        assert_eq!(
            special.schedule_1_citation.as_deref(),
            Some("DPA 2018 Sch 1 para 2")
        );
        let markdown = notice.to_markdown();
        assert!(markdown.contains("**ICO registration number:** Z6475582"));
        assert!(markdown.contains("We do not transfer your personal data outside the UK."));
        assert!(markdown.contains("For every purpose:"));
        assert!(
            markdown.contains("**Babcock LDP** (processes data on our behalf), based in the UK.")
        );
    }

    #[test]
    fn derby_notice_reviews_per_its_retention_schedule_and_states_its_interests() {
        let notice = notice(&demo::derby());
        let schedule = "https://www.derby.gov.uk/retention-schedule/";
        for p in &notice.purposes {
            assert!(
                p.retention.text.contains("reviewed"),
                "{}",
                p.retention.text
            );
            assert!(
                p.retention
                    .text
                    .ends_with(&format!("per retention schedule {schedule}")),
                "{}",
                p.retention.text
            );
        }
        let on_interests: Vec<&NoticePurpose> = notice
            .purposes
            .iter()
            .filter(|p| p.lawful_basis.code == LawfulBasis::LegitimateInterests)
            .collect();
        assert!(!on_interests.is_empty());
        for p in on_interests {
            assert!(p.legitimate_interests.is_some(), "{}", p.name);
        }
        assert!(notice.purposes.iter().all(|p| {
            (p.lawful_basis.code == LawfulBasis::LegitimateInterests)
                == p.legitimate_interests.is_some()
        }));
        let complaints = notice
            .complaints
            .controller_contact
            .as_ref()
            .expect("contact");
        assert_eq!(complaints.name.as_deref(), Some("Information Governance"));
        assert!(right(&notice, Right::WithdrawConsent).is_some());
        let html = notice.to_html();
        assert!(html.contains(&format!("<a href=\"{schedule}\">{schedule}</a>")));
        let markdown = notice.to_markdown();
        assert!(markdown.contains(&format!("<{schedule}>")));
        assert!(notice.controller.security_measures.is_some());
        let secure = markdown
            .find("\n## How we keep it secure\n")
            .expect("security section");
        let kept = markdown
            .find("\n## How long we keep it\n")
            .expect("retention section");
        let rights = markdown.find("\n## Your rights\n").expect("rights section");
        assert!(kept < secure && secure < rights);
    }

    #[test]
    fn every_missing_element_is_reported_at_once() {
        let mut register = demo::devon();
        register.organisation.address = None;
        register.organisation.contact = None;
        register.organisation.dpo = None;
        let unheld = |n: u128| Uuid::from_u128(0xdead_0000 + n);
        register.purposes[0].retention_policy = Some(RetentionPolicyId::from_uuid(unheld(1)));
        register.purposes[0]
            .data_categories
            .push(DataCategoryId::from_uuid(unheld(2)));
        register.purposes[1].retention_policy = None;
        register.purposes[1]
            .recipients
            .push(RecipientId::from_uuid(unheld(3)));
        register.purposes[1]
            .transfers
            .push(TransferId::from_uuid(unheld(4)));
        let first = register.purposes[0].id.as_uuid();
        let second = register.purposes[1].id.as_uuid();
        let missing = PrivacyNotice::generate(&register, &[]).expect_err("incomplete");
        let found: Vec<(NoticeElement, &str, Option<Uuid>)> = missing
            .iter()
            .map(|m| (m.element, m.article, m.entity))
            .collect();
        assert_eq!(
            found,
            [
                (NoticeElement::IdentityAndContact, "Art 13(1)(a)", None),
                (NoticeElement::Dpo, "Art 13(1)(b), 37(1)(a)", None),
                (NoticeElement::Retention, "Art 13(2)(a)", Some(first)),
                (NoticeElement::DataCategories, "Art 14(1)(d)", Some(first)),
                (NoticeElement::Retention, "Art 13(2)(a)", Some(second)),
                (NoticeElement::Recipients, "Art 13(1)(e)", Some(second)),
                (NoticeElement::Transfers, "Art 13(1)(f)", Some(second)),
            ]
        );
        assert!(missing[2].message.contains("does not hold"));
        assert!(missing[4].message.contains("names no retention policy"));
        let json = serde_json::to_value(&missing[2]).expect("json");
        assert_eq!(json["element"], "retention");
        assert_eq!(json["entity"], first.to_string());
    }

    #[test]
    fn a_public_authority_needs_a_dpo_and_every_notice_a_purpose() {
        let mut register = demo::devon();
        register.purposes.clear();
        register.organisation.dpo = Some(Contact {
            name: Some("Data Protection Officer".into()),
            ..Contact::default()
        });
        let missing = PrivacyNotice::generate(&register, &[]).expect_err("incomplete");
        assert_eq!(
            elements(&missing),
            [NoticeElement::Dpo, NoticeElement::Purposes]
        );
        assert_eq!(missing[0].article, "Art 13(1)(b), 37(1)(a)");
        assert_eq!(missing[1].article, "Art 13(1)(c)");
    }

    #[test]
    fn a_body_that_is_no_public_authority_may_go_without_a_dpo() {
        let mut register = demo::devon();
        register.organisation.public_authority = false;
        register.organisation.dpo = None;
        let notice = notice(&register);
        assert_eq!(notice.dpo, None);
        assert_eq!(notice.complaints.controller_contact, None);
        assert!(
            notice
                .complaints
                .controller_text
                .contains("the address above")
        );
        assert!(
            !notice
                .to_markdown()
                .contains("### Our Data Protection Officer")
        );
    }

    #[test]
    fn purposes_that_leave_out_what_a_notice_must_say_are_named() {
        let mut register = demo::devon();
        let tickets = &mut register.purposes[0];
        tickets.lawful_basis = LawfulBasis::LegitimateInterests;
        tickets.legitimate_interests = Some("  ".into());
        tickets.automated_decision_making = true;
        tickets.source.from_data_subject = false;
        let id = tickets.id.as_uuid();
        let missing = PrivacyNotice::generate(&register, &[]).expect_err("incomplete");
        assert_eq!(
            elements(&missing),
            [
                NoticeElement::LegitimateInterests,
                NoticeElement::AutomatedDecisions,
                NoticeElement::Source
            ]
        );
        assert!(missing.iter().all(|m| m.entity == Some(id)));
    }

    #[test]
    fn automated_decisions_and_other_sources_are_told() {
        let mut register = demo::devon();
        let tickets = &mut register.purposes[0];
        tickets.automated_decision_making = true;
        tickets.automated_decision_logic = Some("Tickets are routed by keyword".into());
        tickets.source.from_data_subject = false;
        tickets.source.other_sources = Some("Schools' management systems".into());
        let notice = notice(&register);
        let markdown = notice.to_markdown();
        assert!(markdown.contains("How it works: Tickets are routed by keyword"));
        assert!(markdown.contains("We obtain it from: Schools' management systems."));
        let safeguards =
            right(&notice, Right::AutomatedDecisionSafeguards).expect("Art 22A safeguards");
        assert_eq!(safeguards.purposes, ["Support tickets"]);
    }

    fn hostile() -> Register {
        let mut register = demo::devon();
        register.organisation.name = "Devon & Torbay <script>alert(1)</script>".into();
        register.purposes[0].name =
            "<script>alert('x')</script> *bold* _it_ [link](http://x)".into();
        register.purposes[0].description = "# not a heading\nnor `code`".into();
        register.purposes[1].description = "1. not a list".into();
        register.recipients[2].name = "Babcock \"LDP\" & Co".into();
        register
    }

    #[test]
    fn markdown_escapes_every_register_text() {
        let markdown = notice(&hostile()).to_markdown();
        assert!(!markdown.contains("<script>"));
        assert!(
            markdown
                .contains(r"\<script\>alert('x')\</script\> \*bold\* \_it\_ \[link\](http://x)")
        );
        assert!(markdown.contains(r"# Privacy notice: Devon \& Torbay \<script\>"));
        assert!(markdown.contains("\n\\# not a heading nor \\`code\\`\n"));
        assert!(markdown.contains("\n1\\. not a list\n"));
        assert!(markdown.contains(r#"Babcock "LDP" \& Co"#));
        assert_eq!(escape_markdown("- item"), r"\- item");
        assert_eq!(escape_markdown(r"a\b"), r"a\\b");
        assert_eq!(escape_markdown("12) x"), r"12\) x");
        assert_eq!(escape_markdown("  + 3. x"), r"  \+ 3. x");
        assert_eq!(escape_markdown(" 7. x\n# y"), r" 7\. x \# y");
    }

    #[test]
    fn html_escapes_every_text_and_is_well_formed() {
        let html = notice(&hostile()).to_html();
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
        assert!(html.contains("<meta charset=\"utf-8\">"));
        assert!(html.contains(
            "<title>Privacy notice: Devon &amp; Torbay &lt;script&gt;alert(1)&lt;/script&gt;</title>"
        ));
        assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; *bold*"));
        assert!(html.contains("Babcock &quot;LDP&quot; &amp; Co"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("src="));
        assert!(!html.contains("stylesheet"));
        assert_balanced(&html);
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn a_processor_names_the_controllers_it_acts_for() {
        let devon = demo::devon();
        let cabinet = demo::cabinet_office().organisation;
        let notice = PrivacyNotice::generate(&devon, std::slice::from_ref(&cabinet))
            .expect("the register makes a notice");
        assert_eq!(notice.processor_for.len(), 1);
        let statement = "For staff of Cabinet Office, the controller is Cabinet Office and Devon \
                         County Council acts as its processor.";
        assert_eq!(notice.processor_for[0].text, statement);
        assert_eq!(notice.processor_for[0].controller_dpo, cabinet.dpo);
        let markdown = notice.to_markdown();
        assert!(markdown.contains("### Where we act for other organisations"));
        assert!(markdown.contains(statement));
        assert!(markdown.contains("dpo@cabinetoffice.gov.uk"));
    }

    #[test]
    fn a_notice_is_a_snapshot_that_outlives_register_changes() {
        let mut register = demo::devon();
        let before = notice(&register);
        register.data_categories[0].name = "Renamed".into();
        register.recipients[0].name = "Renamed".into();
        register.retention_policies[0].period = RetentionPeriod::parse("P6M").expect("period");
        let markdown = before.to_markdown();
        assert!(!markdown.contains("Renamed"));
        assert!(markdown.contains("3 years after your last support ticket is closed"));
        assert_ne!(notice(&register), before);
    }

    #[test]
    fn retention_reads_as_words() {
        let words = |period: &str| period_words(RetentionPeriod::parse(period).expect("period"));
        assert_eq!(words("P1Y"), "1 year");
        assert_eq!(words("P3Y"), "3 years");
        assert_eq!(words("P1Y6M"), "1 year and 6 months");
        assert_eq!(words("P1Y2M3W4D"), "1 year, 2 months, 3 weeks and 4 days");
        assert_eq!(words("P1D"), "1 day");
        let policy = RetentionPolicy {
            id: RetentionPolicyId::from_uuid(Uuid::from_u128(1)),
            trigger: RetentionTrigger::AfterRequestClosed,
            period: RetentionPeriod::parse("P30D").expect("period"),
            action: RetentionAction::Anonymise,
            schedule_reference: Some("Schedule 4.2".into()),
        };
        assert_eq!(
            describe_retention(&policy),
            "30 days after your request is closed, then anonymised (retention schedule Schedule 4.2)"
        );
        let review = RetentionPolicy {
            action: RetentionAction::Review,
            schedule_reference: None,
            ..policy
        };
        assert!(describe_retention(&review).contains("then reviewed"));
    }

    #[test]
    fn the_first_notice_is_its_first_publication() {
        let notice = notice(&demo::devon());
        let log = changes(None, &notice);
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].kind, NoticeChangeKind::FirstPublication);
        assert_eq!(log[0].subject, "Devon County Council");
        let json = serde_json::to_value(&log[0]).expect("json");
        assert_eq!(json["kind"], "first_publication");
        assert_eq!(json["element"], "identity_and_contact");
    }

    #[test]
    fn an_unchanged_register_changes_nothing() {
        for register in demo::all() {
            let a = notice(&register);
            let b = notice(&register);
            assert_eq!(changes(Some(&a), &b), []);
        }
    }

    #[test]
    fn a_changed_basis_names_the_purpose_and_the_field() {
        let mut register = demo::devon();
        let before = notice(&register);
        register.purposes[0].lawful_basis = LawfulBasis::LegalObligation;
        let log = changes(Some(&before), &notice(&register));
        assert_eq!(log.len(), 1, "{log:?}");
        assert_eq!(log[0].kind, NoticeChangeKind::Changed);
        assert_eq!(log[0].element, NoticeElement::Purposes);
        assert_eq!(log[0].subject, "Support tickets");
        assert!(log[0].detail.contains("lawful basis"), "{}", log[0].detail);
        assert!(!log[0].detail.contains("retention"));
    }

    #[test]
    fn an_added_recipient_and_other_changes_are_logged() {
        let mut register = demo::devon();
        let before = notice(&register);
        let auditor = Recipient {
            id: RecipientId::from_uuid(Uuid::from_u128(0x2_0199)),
            name: "External auditors".into(),
            kind: RecipientKind::ThirdParty,
            country: None,
        };
        register.purposes[0].recipients.push(auditor.id);
        register.recipients.push(auditor);
        register.purposes.remove(1);
        register.organisation.ico_registration_number = Some("Z1234567".into());
        if let Some(dpo) = register.organisation.dpo.as_mut() {
            dpo.email = Some("dpo@devon.gov.uk".into());
        }
        let log = changes(Some(&before), &notice(&register));
        let summary: Vec<(NoticeChangeKind, NoticeElement, &str)> = log
            .iter()
            .map(|c| (c.kind, c.element, c.subject.as_str()))
            .collect();
        assert!(summary.contains(&(
            NoticeChangeKind::Added,
            NoticeElement::Recipients,
            "External auditors"
        )));
        assert!(summary.contains(&(
            NoticeChangeKind::Changed,
            NoticeElement::Purposes,
            "Support tickets"
        )));
        assert!(summary.contains(&(
            NoticeChangeKind::Removed,
            NoticeElement::Purposes,
            "Safeguarding disclosures"
        )));
        // The recipients only safeguarding disclosed to go with it.
        let only_safeguarding: Vec<&str> = before
            .recipients
            .iter()
            .filter(|r| r.purposes == ["Safeguarding disclosures"])
            .map(|r| r.name.as_str())
            .collect();
        assert!(!only_safeguarding.is_empty());
        for name in only_safeguarding {
            assert!(summary.contains(&(
                NoticeChangeKind::Removed,
                NoticeElement::Recipients,
                name
            )));
        }
        assert!(summary.contains(&(
            NoticeChangeKind::Changed,
            NoticeElement::Dpo,
            "Data Protection Officer"
        )));
        let controller = log
            .iter()
            .find(|c| c.element == NoticeElement::IdentityAndContact)
            .expect("controller details changed");
        assert!(controller.detail.contains("ICO registration number"));
        let tickets = log
            .iter()
            .find(|c| c.subject == "Support tickets")
            .expect("tickets changed");
        assert_eq!(tickets.detail, "changed: recipients");
    }

    #[test]
    fn every_notice_says_how_to_make_a_subject_access_request() {
        for register in demo::all() {
            let notice = notice(&register);
            let access = notice
                .subject_access
                .as_ref()
                .expect("every notice says how to ask");
            assert!(access.text.contains("subject access request"));
            assert!(access.text.contains("our Data Protection Officer"));
            // The seeds all name a DPO: requests go there.
            assert_eq!(access.contact, register.organisation.dpo);
            assert_eq!(access.staff_endpoint, "POST /api/v1/rights-requests");
            assert!(access.staff_text.contains(&register.organisation.name));
            let markdown = notice.to_markdown();
            let section = markdown
                .split("### How to make a subject access request\n")
                .nth(1)
                .unwrap_or_else(|| panic!("{}: the section is there", register.slug));
            let section = &section[..section.find("\n## ").expect("before the next section")];
            assert!(section.contains("POST /api/v1/rights-requests"));
            let dpo = register.organisation.dpo.as_ref().expect("a DPO");
            let listed = render_markdown(&[Block::List(contact_items(dpo))]);
            assert!(section.contains(listed.trim()), "{section}");
            assert_balanced(&notice.to_html());
        }
    }

    #[test]
    fn without_a_dpo_requests_go_to_the_general_contact() {
        let mut register = demo::devon();
        register.organisation.public_authority = false;
        register.organisation.dpo = None;
        register.organisation.contact = None;
        let access = notice(&register).subject_access.expect("said");
        assert!(access.text.contains("Make it to us at the address above,"));
        assert_eq!(access.contact, None);
        let desk = Contact {
            name: Some("Information Governance".into()),
            email: Some("ig@devon.gov.uk".into()),
            ..Contact::default()
        };
        register.organisation.contact = Some(desk.clone());
        let access = notice(&register).subject_access.expect("said");
        assert!(access.text.contains("Make it to us,"));
        assert_eq!(access.contact, Some(desk));
    }

    #[test]
    fn a_notice_published_before_it_said_how_to_ask_still_reads_and_the_next_says_so() {
        let current = notice(&demo::derby());
        let mut json: serde_json::Value = serde_json::to_value(&current).expect("serialises");
        json.as_object_mut()
            .expect("an object")
            .remove("subject_access");
        let older: PrivacyNotice = serde_json::from_value(json).expect("an older notice reads");
        assert_eq!(older.subject_access, None);
        assert!(
            !older
                .to_markdown()
                .contains("How to make a subject access request")
        );
        let logged = changes(Some(&older), &current);
        assert_eq!(logged.len(), 1, "{logged:?}");
        assert_eq!(logged[0].kind, NoticeChangeKind::Added);
        assert_eq!(logged[0].element, NoticeElement::Rights);
        assert!(logged[0].detail.contains("subject access request"));
        assert!(changes(Some(&current), &current).is_empty());
    }

    #[test]
    fn a_notice_survives_a_json_round_trip() {
        for register in demo::all() {
            let notice = PrivacyNotice::generate(&register, &[demo::cabinet_office().organisation])
                .expect("the register makes a notice");
            let json = serde_json::to_string(&notice).expect("serialises");
            let back: PrivacyNotice = serde_json::from_str(&json).expect("deserialises");
            assert_eq!(back, notice);
            let change = changes(None, &notice).remove(0);
            let json = serde_json::to_string(&change).expect("serialises");
            assert_eq!(
                serde_json::from_str::<NoticeChange>(&json).expect("back"),
                change
            );
        }
    }

    #[test]
    fn element_codes_are_snake_case_and_cite_an_article() {
        let codes: Vec<&str> = NoticeElement::ALL.iter().map(|e| e.as_str()).collect();
        assert_eq!(
            codes,
            [
                "identity_and_contact",
                "dpo",
                "purposes",
                "lawful_basis",
                "legitimate_interests",
                "special_category",
                "data_categories",
                "recipients",
                "transfers",
                "retention",
                "rights",
                "withdraw_consent",
                "complaint",
                "provision_requirement",
                "automated_decisions",
                "source",
                "processor_for"
            ]
        );
        for &element in NoticeElement::ALL {
            assert!(!element.article().is_empty());
            assert_eq!(element.as_str().parse(), Ok(element));
        }
    }
}
