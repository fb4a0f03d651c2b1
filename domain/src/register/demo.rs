//! The demo organisations as registers: the three source notices (`shared/seeds/`) and the two
//! departments the Cabinet Office processes for. Each seed register holds what its notice
//! declares, bullet by bullet in the notice's own words, imported as written, with what today's
//! law adds supplied where a write would otherwise be refused (and flagged by a lint where the
//! notice cannot tell). `servicedesk seed-demo` loads them; the domain's tests hold the
//! register's rules, and the generated privacy notices, against them.
//!
//! Ids are deterministic (`Uuid::from_u128`), one range per organisation: Cabinet Office
//! `0x1_xxxx`, Devon `0x2_xxxx`, Derby `0x3_xxxx`, DCMS `0x4_xxxx`, DExEU `0x5_xxxx`. Within a
//! range: data categories `0xN_00xx`, recipients `0xN_01xx`, transfers `0xN_02xx`, retention
//! policies `0xN_03xx`, purposes `0xN_10xx`, processing agreements `0xN_40xx`.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::ids::{
    AgreementId, DataCategoryId, OrgId, PurposeId, RecipientId, RetentionPolicyId, TransferId,
};

use crate::catalogue::{DataKind, RecordKind};

use super::agreement::{ProcessingAgreement, Standing};
use super::binding::Governs;
use super::data_category::DataCategory;
use super::identity::{Contact, OrganisationDetails};
use super::lawful_basis::LawfulBasis;
use super::purpose::{DataSource, ProvisionRequirement, Purpose};
use super::recipient::{CountryCode, Recipient, RecipientKind};
use super::retention::{RetentionAction, RetentionPeriod, RetentionPolicy, RetentionTrigger};
use super::snapshot::Register;
use super::special_category::{PolicyDocument, Schedule1Condition, SpecialCategoryCondition};
use super::transfer::{Transfer, TransferMechanism};
use crate::organisation::OrgSlug;
use crate::rights_requests::Nation;

/// The Cabinet Office's slug.
pub const CABINET_OFFICE: &str = "cabinet-office";
/// Devon County Council's slug.
pub const DEVON: &str = "devon-cc";
/// Derby City Council's slug.
pub const DERBY: &str = "derby-city-council";
/// The Department for Culture, Media and Sport's slug.
pub const DCMS: &str = "dcms";
/// The Department for Exiting the European Union's slug.
pub const DEXEU: &str = "dexeu";

/// The three source registers, one per seed notice.
pub fn all() -> [Register; 3] {
    [cabinet_office(), devon(), derby()]
}

/// Every demo organisation's register: the three seeds, then the controllers the Cabinet
/// Office processes for (DCMS, DExEU).
pub fn organisations() -> Vec<Register> {
    let mut registers = Vec::from(all());
    registers.push(dcms());
    registers.push(dexeu());
    registers
}

/// A processing agreement between two demo organisations, named by slug so it can be loaded
/// before the organisations have ids (Art 28(3)). It is held in the controller's register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAgreement {
    pub id: AgreementId,
    /// The controller's slug.
    pub controller: &'static str,
    /// The processor's slug.
    pub processor: &'static str,
    /// The controller's purposes the processor acts for.
    pub purposes: Vec<PurposeId>,
    /// Art 28(3), 30(2)(b): the nature of the processing carried out for the controller.
    pub processing: String,
    pub contract_reference: Option<String>,
    pub starts_on: NaiveDate,
    /// Open-ended when absent.
    pub ends_on: Option<NaiveDate>,
}

impl DemoAgreement {
    /// The agreement between the organisations stored with these ids, as the controller
    /// proposes it (the processor accepts it as a second step).
    pub fn to_agreement(&self, controller: OrgId, processor: OrgId) -> ProcessingAgreement {
        ProcessingAgreement {
            id: self.id,
            controller,
            processor,
            purposes: self.purposes.clone(),
            processing: self.processing.clone(),
            contract_reference: self.contract_reference.clone(),
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            standing: Standing::Proposed,
        }
    }
}

/// The processing agreements among the demo organisations: the Cabinet Office processes for
/// DCMS and DExEU on its IT Service Desk platform, from the day its notice was published
/// (17 December 2018), open-ended.
pub fn agreements() -> Vec<DemoAgreement> {
    [(DCMS, dcms()), (DEXEU, dexeu())]
        .into_iter()
        .map(|(slug, register)| {
            let name = register.organisation.name.clone();
            DemoAgreement {
                id: AgreementId::from_uuid(id(range_of(slug) + 0x4001)),
                controller: slug,
                processor: CABINET_OFFICE,
                purposes: register.purposes.iter().map(|p| p.id).collect(),
                processing: format!(
                    "The IT Service Desk platform on the Cabinet Office OFFICIAL IT platform, for \
                     staff of the {name}: managing and supporting IT requests and incidents, \
                     user accounts and user assets"
                ),
                contract_reference: None,
                starts_on: date(2018, 12, 17),
                ends_on: None,
            }
        })
        .collect()
}

/// The organisations the organisation with slug `processor` processes for, by the demo
/// agreements: what a privacy notice of the processor names (`PrivacyNotice::generate`).
pub fn controllers_for(processor: &str) -> Vec<OrganisationDetails> {
    let registers = organisations();
    agreements()
        .iter()
        .filter(|a| a.processor == processor)
        .filter_map(|a| {
            registers
                .iter()
                .find(|r| r.slug.as_str() == a.controller)
                .map(|r| r.organisation.clone())
        })
        .collect()
}

/// A purpose of `register` by name.
pub fn purpose_named(register: &Register, name: &str) -> Purpose {
    register
        .purposes
        .iter()
        .find(|p| p.name == name)
        .cloned()
        .expect("the seed register has this purpose")
}

fn slug(text: &str) -> OrgSlug {
    OrgSlug::parse(text).expect("a valid slug")
}

fn id(value: u128) -> Uuid {
    Uuid::from_u128(value)
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a calendar date")
}

/// The first id of an organisation's range.
fn range_of(slug: &str) -> u128 {
    match slug {
        CABINET_OFFICE => 0x1_0000,
        DEVON => 0x2_0000,
        DERBY => 0x3_0000,
        DCMS => 0x4_0000,
        DEXEU => 0x5_0000,
        // Not a demo organisation: a range none of them uses.
        _ => 0xf_0000,
    }
}

fn category(
    n: u128,
    name: &str,
    special: bool,
    description: &str,
    kinds: &[DataKind],
) -> DataCategory {
    DataCategory {
        id: DataCategoryId::from_uuid(id(n)),
        name: name.into(),
        special,
        description: description.into(),
        kinds: kinds.to_vec(),
    }
}

fn recipient(n: u128, name: &str, kind: RecipientKind, country: Option<&str>) -> Recipient {
    Recipient {
        id: RecipientId::from_uuid(id(n)),
        name: name.into(),
        kind,
        country: country.map(|c| CountryCode::parse(c).expect("ISO code")),
    }
}

fn retention(
    n: u128,
    trigger: RetentionTrigger,
    period: &str,
    action: RetentionAction,
    schedule_reference: Option<&str>,
) -> RetentionPolicy {
    RetentionPolicy {
        id: RetentionPolicyId::from_uuid(id(n)),
        trigger,
        period: RetentionPeriod::parse(period).expect("ISO 8601 period"),
        action,
        schedule_reference: schedule_reference.map(str::to_owned),
    }
}

/// A purpose on `basis` with what every seed shares: collected from the person, by automated
/// means, with no automated decisions, provided under the employment contract.
fn purpose(
    n: u128,
    name: &str,
    description: &str,
    basis: LawfulBasis,
    subjects: &[&str],
    categories: &[&DataCategory],
    retention: &RetentionPolicy,
) -> Purpose {
    Purpose {
        id: PurposeId::from_uuid(id(n)),
        name: name.into(),
        description: description.into(),
        lawful_basis: basis,
        recognised_legitimate_interest: None,
        performs_public_task: false,
        legitimate_interests: None,
        special_category_condition: None,
        schedule_1_condition: None,
        policy_document: None,
        data_subject_categories: subjects.iter().map(|s| (*s).to_owned()).collect(),
        data_categories: categories.iter().map(|c| c.id).collect(),
        recipients: Vec::new(),
        transfers: Vec::new(),
        retention_policy: Some(retention.id),
        source: DataSource {
            from_data_subject: true,
            other_sources: None,
        },
        provision_requirement: ProvisionRequirement::Contractual,
        automated_means: true,
        automated_decision_making: false,
        automated_decision_logic: None,
        governs: Vec::new(),
    }
}

/// Binds every row of each of `kinds` to `purpose`.
fn bind(purpose: &mut Purpose, kinds: &[RecordKind]) {
    purpose
        .governs
        .extend(kinds.iter().map(|&kind| Governs::all(kind)));
}

/// The records the desk keeps about its people: their record and its history, what HR and
/// identity systems send, and their accounts. Each seed binds them to the purpose that sets up
/// and runs people's access (the notices tie joiners and leavers to accounts).
const PEOPLE_RECORDS: [RecordKind; 5] = [
    RecordKind::Person,
    RecordKind::PersonChange,
    RecordKind::HrSyncAnswer,
    RecordKind::DirectoryProfile,
    RecordKind::Account,
];

/// The desk's trails of what its staff did: duties granted, the audit trail, register changes,
/// notices published, the disclosures log, the rights requests log and what answered them
/// (rectifications, notices to recipients, restrictions), the legal holds placed, and the
/// retention sweeps' records of what they did. No notice names them as a purpose of their own;
/// each seed binds them to the purpose nearest the duty that makes them kept (security of
/// processing and accountability, Art 5(2), 32).
const TRAILS: [RecordKind; 11] = [
    RecordKind::DutyGrant,
    RecordKind::AuditEvent,
    RecordKind::RegisterChange,
    RecordKind::PrivacyNotice,
    RecordKind::Disclosure,
    RecordKind::RightsRequest,
    RecordKind::Rectification,
    RecordKind::RecipientNotice,
    RecordKind::Restriction,
    RecordKind::LegalHold,
    RecordKind::RetentionSweep,
];

/// The trails of answering people's rights, which Derby keeps with its statutory disclosures.
const RIGHTS_TRAILS: [RecordKind; 5] = [
    RecordKind::Disclosure,
    RecordKind::RightsRequest,
    RecordKind::Rectification,
    RecordKind::RecipientNotice,
    RecordKind::Restriction,
];

fn ids<T, I>(items: &[&T], id: impl Fn(&T) -> I) -> Vec<I> {
    items.iter().map(|item| id(item)).collect()
}

// ---------------------------------------------------------------------------------------------
// The Cabinet Office IT Service Desk platform, and the departments it serves as processor
// ---------------------------------------------------------------------------------------------

/// The personal data the Cabinet Office IT Service Desk platform holds about a member of staff,
/// one category per item of the notice's list ("1.2 The data").
struct PlatformData {
    name: DataCategory,
    email: DataCategory,
    telephone: DataCategory,
    address: DataCategory,
    request: DataCategory,
    clearance: DataCategory,
    health: DataCategory,
}

impl PlatformData {
    /// The categories with ids in the organisation range starting at `base`; `0x07` is left for
    /// the Cabinet Office's survey opinions.
    fn new(base: u128) -> Self {
        Self {
            name: category(
                base + 0x01,
                "Name",
                false,
                "Your name",
                &[DataKind::Identity],
            ),
            email: category(
                base + 0x02,
                "Business email",
                false,
                "Your business email",
                &[DataKind::ContactDetails],
            ),
            telephone: category(
                base + 0x03,
                "Business telephone",
                false,
                "Your business telephone",
                &[DataKind::ContactDetails],
            ),
            address: category(
                base + 0x04,
                "Business address",
                false,
                "Your business address",
                &[DataKind::ContactDetails],
            ),
            request: category(
                base + 0x05,
                "Request details",
                false,
                "The details of your request",
                &[DataKind::FreeText],
            ),
            clearance: category(
                base + 0x06,
                "Date of birth and security clearance",
                false,
                "Your date of birth and security clearance",
                &[DataKind::SecurityVetting],
            ),
            health: category(
                base + 0x08,
                "Health details",
                true,
                "Sensitive personal data relating to health issues where this is relevant to an \
                 IT request",
                &[DataKind::Health],
            ),
        }
    }

    /// Name and business contact details.
    fn contact(&self) -> [&DataCategory; 4] {
        [&self.name, &self.email, &self.telephone, &self.address]
    }

    fn into_vec(self) -> Vec<DataCategory> {
        vec![
            self.name,
            self.email,
            self.telephone,
            self.address,
            self.request,
            self.clearance,
            self.health,
        ]
    }
}

/// The Cabinet Office notice's first purpose bullet, as published.
const SUPPORT_DESCRIPTION: &str = "In order to effectively manage and support IT requests and \
    incidents raised by, or on behalf of, a member of staff using the Cabinet Office OFFICIAL IT \
    platform, including contacting you with request updates, and to ask you for information to \
    verify your identity for security clearance";
const ACCOUNTS_DESCRIPTION: &str =
    "To report and manage the setting up, amending and removal of user accounts";
const ASSETS_DESCRIPTION: &str = "To approve, track, assign and report on user assets (i.e. \
    laptops, mobiles, software licences etc)";

/// The purposes the platform serves for every organisation whose staff use it, on the
/// employment contract: IT requests and incidents (with health details under Art 9(2)(b),
/// Sch 1 para 1, and `controller`'s appropriate policy document, whose review date no notice
/// gives), user accounts, and user assets. Ids `base + 0x1001`, `0x1002`, `0x1004`.
fn platform_purposes(
    base: u128,
    controller: &str,
    subjects: &[&str],
    data: &PlatformData,
    kept: &RetentionPolicy,
) -> [Purpose; 3] {
    let mut support_data = Vec::from(data.contact());
    support_data.extend([&data.request, &data.clearance, &data.health]);
    let mut support = purpose(
        base + 0x1001,
        "IT requests and incidents",
        SUPPORT_DESCRIPTION,
        LawfulBasis::Contract,
        subjects,
        &support_data,
        kept,
    );
    support.special_category_condition = Some(SpecialCategoryCondition::Employment);
    support.schedule_1_condition = Some(Schedule1Condition::Employment);
    support.policy_document = Some(PolicyDocument {
        reference: format!("{controller} appropriate policy document"),
        owner: "Data Protection Officer".into(),
        review_date: None,
    });
    let mut accounts = purpose(
        base + 0x1002,
        "User accounts",
        ACCOUNTS_DESCRIPTION,
        LawfulBasis::Contract,
        subjects,
        &data.contact(),
        kept,
    );
    let mut assets = purpose(
        base + 0x1004,
        "User assets",
        ASSETS_DESCRIPTION,
        LawfulBasis::Contract,
        subjects,
        &data.contact(),
        kept,
    );
    // Every ticket, whatever its category, is an IT request or incident: the one purpose with
    // the health condition governs them all, and the adjustments record beside them.
    bind(&mut support, &[RecordKind::Ticket, RecordKind::Adjustment]);
    bind(&mut accounts, &PEOPLE_RECORDS);
    bind(&mut assets, &[RecordKind::AssetAssignment]);
    [support, accounts, assets]
}

/// The platform's retention: up to 1 year after the person has left the department, then erased.
fn platform_retention(base: u128) -> RetentionPolicy {
    retention(
        base + 0x0301,
        RetentionTrigger::AfterLeaving,
        "P1Y",
        RetentionAction::Erase,
        None,
    )
}

/// Cabinet Office, IT Service Desk platform (published 17 December 2018). Five purposes, one per
/// bullet of "1.1 Purpose"; surveys on consent, all else on the employment contract; health
/// details under Art 9(2)(b); its IT supplier and its email, document management and storage
/// processors as recipients; Model Contract Clauses for transfers outside the European Union;
/// kept up to 1 year after the person leaves. The notice names no Schedule 1 condition or policy
/// document: the import supplies para 1 and the department's policy document, whose review date
/// the notice cannot give. It processes for DCMS and DExEU ([`agreements`]).
pub fn cabinet_office() -> Register {
    let base = range_of(CABINET_OFFICE);
    let data = PlatformData::new(base);
    let opinions = category(
        base + 0x07,
        "Survey opinions",
        false,
        "Opinions in satisfaction surveys",
        &[DataKind::Opinions],
    );
    let recipients = vec![
        recipient(
            base + 0x0101,
            "IT supplier who provides the IT Service Desk platform",
            RecipientKind::Processor,
            None,
        ),
        recipient(
            base + 0x0102,
            "Data processors who provide email, and document management and storage services",
            RecipientKind::Processor,
            None,
        ),
    ];
    let transfer = Transfer {
        id: TransferId::from_uuid(id(base + 0x0201)),
        destination: "Outside the European Union; countries not named".into(),
        mechanism: TransferMechanism::LegacyModelClauses,
        risk_assessment_reference: None,
    };
    let kept = platform_retention(base);
    let staff = [
        "Cabinet Office staff",
        "Staff of the Cabinet Office's arm's length bodies",
    ];
    let [support, accounts, assets] =
        platform_purposes(base, "Cabinet Office", &staff, &data, &kept);
    let mut access = purpose(
        base + 0x1003,
        "Access to government data",
        "To control access to, and ownership of, government data including its deletion",
        LawfulBasis::Contract,
        &staff,
        &[&data.name, &data.email],
        &kept,
    );
    let mut surveys = purpose(
        base + 0x1005,
        "Satisfaction surveys",
        "To report and review user service satisfaction surveys",
        LawfulBasis::Consent,
        &staff,
        &[&data.name, &data.email, &opinions],
        &kept,
    );
    surveys.provision_requirement = ProvisionRequirement::Voluntary;
    // Controlling access to government data is what the trails of who did what serve.
    bind(&mut access, &TRAILS);
    bind(
        &mut surveys,
        &[RecordKind::Consent, RecordKind::SurveyAnswer],
    );
    let mut purposes = vec![support, accounts, access, assets, surveys];
    for p in &mut purposes {
        // Everything is stored on the department's IT infrastructure, run by these processors,
        // and may be stored outside the European Union.
        p.recipients = recipients.iter().map(|r| r.id).collect();
        p.transfers = vec![transfer.id];
    }
    let mut data_categories = data.into_vec();
    data_categories.push(opinions);
    Register {
        slug: slug(CABINET_OFFICE),
        organisation: OrganisationDetails {
            nation: Nation::EnglandAndWales,
            name: "Cabinet Office".into(),
            ico_registration_number: None,
            public_authority: true,
            address: Some("70 Whitehall\nLondon\nSW1A 2AS".into()),
            contact: Some(Contact {
                name: Some("Public Enquiries: Online Contact Form".into()),
                url: Some("https://www.gov.uk/government/organisations/cabinet-office".into()),
                ..Contact::default()
            }),
            dpo: Some(Contact {
                name: Some("Data Protection Officer".into()),
                email: Some("dpo@cabinetoffice.gov.uk".into()),
                ..Contact::default()
            }),
            complaints: None,
            uk_representative: None,
            security_measures: None,
        },
        data_categories,
        recipients,
        transfers: vec![transfer],
        retention_policies: vec![kept],
        purposes,
    }
}

/// The support purpose as the Cabinet Office notice states it: Art 9(2)(b) alone.
pub fn cabinet_office_support_as_published() -> Purpose {
    let mut support = purpose_named(&cabinet_office(), "IT requests and incidents");
    support.schedule_1_condition = None;
    support.policy_document = None;
    support
}

/// A department whose staff use the Cabinet Office IT Service Desk platform, with the Cabinet
/// Office as its processor. Its own staff privacy notice is not among the seeds ("consult your
/// departmental staff privacy notice"), so the register holds only what the Cabinet Office
/// notice tells of it: the platform's purposes for its staff (IT requests and incidents, user
/// accounts, user assets) on the employment contract, the platform's data and retention, and
/// the Cabinet Office as recipient. Health details need the department's own Art 9(2)(b)
/// policy document, whose review date nothing published gives. Transfers the Cabinet Office
/// makes as processor are in the processor's record (Art 30(2)(c)).
fn platform_department(slug_text: &str, name: &str, address: &str) -> Register {
    let base = range_of(slug_text);
    let data = PlatformData::new(base);
    let processor = recipient(
        base + 0x0101,
        "Cabinet Office",
        RecipientKind::Processor,
        Some("GB"),
    );
    let kept = platform_retention(base);
    let staff = format!("{name} staff");
    let mut purposes = Vec::from(platform_purposes(base, name, &[&staff], &data, &kept));
    for p in &mut purposes {
        p.recipients = vec![processor.id];
    }
    // The trails are kept with the accounts they record the use of. Nothing published gives
    // the department a survey purpose, so its consents and answers stay unbound (a lint).
    bind(&mut purposes[1], &TRAILS);
    Register {
        slug: slug(slug_text),
        organisation: OrganisationDetails {
            nation: Nation::EnglandAndWales,
            name: name.into(),
            ico_registration_number: None,
            public_authority: true,
            address: Some(address.into()),
            contact: None,
            dpo: Some(Contact {
                name: Some("Data Protection Officer".into()),
                address: Some(address.into()),
                ..Contact::default()
            }),
            complaints: None,
            uk_representative: None,
            security_measures: None,
        },
        data_categories: data.into_vec(),
        recipients: vec![processor],
        transfers: Vec::new(),
        retention_policies: vec![kept],
        purposes,
    }
}

/// Department for Culture, Media and Sport: controller for its staff on the Cabinet Office
/// platform.
pub fn dcms() -> Register {
    platform_department(
        DCMS,
        "Department for Culture, Media and Sport",
        "100 Parliament Street\nLondon\nSW1A 2BQ",
    )
}

/// Department for Exiting the European Union: controller for its staff on the Cabinet Office
/// platform.
pub fn dexeu() -> Register {
    platform_department(
        DEXEU,
        "Department for Exiting the European Union",
        "9 Downing Street\nLondon\nSW1A 2AG",
    )
}

// ---------------------------------------------------------------------------------------------
// Devon County Council
// ---------------------------------------------------------------------------------------------

/// Devon County Council, Zoho Desk (updated 28 July 2021). Public task (Art 6(1)(e)) throughout,
/// as the notice says; support tickets on the Zoho Desk ticketing system, passed to the teams
/// and partners it names; medical or social care information shared for safeguarding under
/// Art 9(2)(h); data shared with the Information Commissioner's Office for its regulatory
/// requirements, and to comply with court orders and other legal obligations (Art 6(1)(c), in
/// the notice's own words); no transfers; erased 3 years after the last support ticket closed.
pub fn devon() -> Register {
    let base = range_of(DEVON);
    // The ticket's contents come first: only the support and safeguarding purposes hold them.
    let ticket = category(
        base + 0x01,
        "Details that a person includes within a support ticket",
        false,
        "Whatever you include within a support ticket, or tell us when you contact us about one \
         of our education systems",
        &[DataKind::FreeText],
    );
    let name = category(
        base + 0x02,
        "Name",
        false,
        "Your name",
        &[DataKind::Identity],
    );
    let email = category(
        base + 0x03,
        "Email",
        false,
        "Your email address",
        &[DataKind::ContactDetails],
    );
    let telephone = category(
        base + 0x04,
        "Telephone number",
        false,
        "Your telephone number",
        &[DataKind::ContactDetails],
    );
    let care = category(
        base + 0x05,
        "Medical or social care information",
        true,
        "Shared with professionals where necessary to safeguard you or someone you work with \
         from harm",
        &[DataKind::Health],
    );
    let parent = recipient(
        base + 0x0101,
        "The child's parent or the young person",
        RecipientKind::ThirdParty,
        Some("GB"),
    );
    let officers = recipient(
        base + 0x0102,
        "Local Authority Officers responsible for processing linked to the logged ticket",
        RecipientKind::InternalTeam,
        None,
    );
    let babcock = recipient(
        base + 0x0103,
        "Babcock LDP",
        RecipientKind::Processor,
        Some("GB"),
    );
    // "Where requests need to be passed to appropriate teams and personnel, the information will
    // be passed to that team to resolve the issue directly."
    let teams = recipient(
        base + 0x0104,
        "Appropriate teams and personnel, to resolve the issue directly",
        RecipientKind::InternalTeam,
        None,
    );
    let professionals = recipient(
        base + 0x0105,
        "Professionals who safeguard you or someone you work with from harm",
        RecipientKind::ThirdParty,
        Some("GB"),
    );
    let ico = recipient(
        base + 0x0106,
        "The data protection regulator (the Information Commissioner's Office)",
        RecipientKind::PublicAuthority,
        Some("GB"),
    );
    let courts = recipient(
        base + 0x0107,
        "Courts, and others we must share with to comply with court orders and other legal \
         obligations",
        RecipientKind::PublicAuthority,
        Some("GB"),
    );
    let kept = retention(
        base + 0x0301,
        RetentionTrigger::AfterLastTicketClosed,
        "P3Y",
        RetentionAction::Erase,
        None,
    );
    let users = ["People who contact the Council for support with its education systems"];
    let on_public_task = |n, name, description, categories: &[&DataCategory], to: &[&Recipient]| {
        let mut p = purpose(
            n,
            name,
            description,
            LawfulBasis::PublicTask,
            &users,
            categories,
            &kept,
        );
        p.performs_public_task = true;
        p.recipients = ids(to, |r| r.id);
        p.provision_requirement = ProvisionRequirement::Voluntary;
        p
    };
    let mut tickets = on_public_task(
        base + 0x1001,
        "Support tickets",
        "To record a ticket on the Zoho Desk ticketing system related to issues raised by the \
         individual on: IT system(s) and their designed use; IT development requests; \
         Data/Information requests; Process/Policy feedback; Complaints",
        &[&ticket, &name, &email, &telephone],
        &[&parent, &officers, &babcock, &teams],
    );
    let mut safeguarding = on_public_task(
        base + 0x1002,
        "Safeguarding disclosures",
        "To share your personal data with professionals where necessary to ensure you or someone \
         you work with is safeguarded from harm, relying on the provisions of the Safeguarding \
         Vulnerable Groups Act 2006 and Children Act 1989 & 2004",
        &[&ticket, &name, &email, &telephone, &care],
        &[&professionals],
    );
    safeguarding.special_category_condition = Some(SpecialCategoryCondition::HealthOrSocialCare);
    safeguarding.schedule_1_condition = Some(Schedule1Condition::HealthOrSocialCare);
    let regulatory = on_public_task(
        base + 0x1003,
        "Regulatory disclosures",
        "To share some personal data about you so that we can support third party organisations, \
         such as the data protection regulator (the Information Commissioner's Office), to \
         discharge their regulatory requirements",
        &[&name, &email, &telephone],
        &[&ico],
    );
    let mut legal = purpose(
        base + 0x1004,
        "Court orders and other legal obligations",
        "To share information to enable us to comply with court orders and other legal \
         obligations, sharing only the minimum amount of personal data needed for this purpose",
        LawfulBasis::LegalObligation,
        &users,
        &[&name, &email, &telephone],
        &kept,
    );
    legal.recipients = vec![courts.id];
    legal.provision_requirement = ProvisionRequirement::Voluntary;
    // The notice's one purpose for the desk's own records is the support ticket: it governs
    // every ticket (none with an Art 9(2) condition, so a ticket flagged as holding health
    // details is refused), the people and accounts the tickets are about, and their feedback.
    bind(&mut tickets, &[RecordKind::Ticket]);
    bind(&mut tickets, &PEOPLE_RECORDS);
    bind(
        &mut tickets,
        &[
            RecordKind::AssetAssignment,
            RecordKind::Consent,
            RecordKind::SurveyAnswer,
        ],
    );
    // Health details are held only under the safeguarding condition, Art 9(2)(h).
    bind(&mut safeguarding, &[RecordKind::Adjustment]);
    // The trails are kept to meet legal obligations (Art 5(2), 30, 32).
    bind(&mut legal, &TRAILS);
    Register {
        slug: slug(DEVON),
        organisation: OrganisationDetails {
            nation: Nation::EnglandAndWales,
            name: "Devon County Council".into(),
            ico_registration_number: Some("Z6475582".into()),
            public_authority: true,
            address: Some("County Hall\nTopsham Road\nExeter\nEX2 4QD".into()),
            contact: None,
            // The notice directs every query to the Data Protection Officer without an address:
            // the import supplies the council's own.
            dpo: Some(Contact {
                name: Some("Data Protection Officer".into()),
                address: Some("County Hall\nTopsham Road\nExeter\nEX2 4QD".into()),
                ..Contact::default()
            }),
            complaints: None,
            uk_representative: None,
            security_measures: None,
        },
        data_categories: vec![ticket, name, email, telephone, care],
        recipients: vec![parent, officers, babcock, teams, professionals, ico, courts],
        transfers: Vec::new(),
        retention_policies: vec![kept],
        purposes: vec![tickets, safeguarding, regulatory, legal],
    }
}

// ---------------------------------------------------------------------------------------------
// Derby City Council
// ---------------------------------------------------------------------------------------------

/// Derby City Council, IT services (version 1.2). One purpose per bullet of "How is your
/// information used", in its words; then research and statistics; the disclosures its list of
/// recipients gives reasons for (statutory agencies and cyber investigators as required by law,
/// cyber investigators for a public task, emergency planning teams in a major incident); and
/// disability information for technological reasonable adjustment. Every recipient it names is
/// its own entry. Kept per the retention schedule.
///
/// The notice lists its bases without saying which purpose rests on which: "primarily" the
/// contract of employment, "alternatively" legal obligations, legitimate interests, public
/// tasks and explicit consent where requested. The import assigns them: the employment contract
/// for the running of staff's accounts, equipment and requests; legal obligation where the law
/// sets the duty (security of processing and restoring data, Art 32(1)(b), (c); the public
/// sector equality duty, Equality Act 2010 s.149; disclosures required by law); consent for IT
/// surveys; public task for the Council's services, partners, research and emergencies; and
/// legitimate interests, as the notice offers, for security monitoring, which the Council does
/// in performance of its tasks (a lint). Disability information goes under Art 9(2)(b) with
/// Sch 1 para 1 (reasonable adjustments are an employment law duty) and the council's policy
/// document, whose review date the notice cannot give.
pub fn derby() -> Register {
    use LawfulBasis::{Consent, Contract, LegalObligation, LegitimateInterests, PublicTask};
    let base = range_of(DERBY);
    let name = category(
        base + 0x01,
        "Name and address",
        false,
        "Personal information, for example your name and address",
        &[DataKind::Identity, DataKind::ContactDetails],
    );
    let contact = category(
        base + 0x02,
        "Personal contact details",
        false,
        "How to contact you: e-mail, telephone and other electronic communication",
        &[DataKind::ContactDetails],
    );
    let photographs = category(base + 0x03, "Photographs", false, "Photographs of you", &[]);
    let accounts = category(
        base + 0x04,
        "Account details",
        false,
        "User and application account details, e-mail accounts, shared folder permissions and \
         multi-factor authentication details",
        &[DataKind::Access],
    );
    let cases = category(
        base + 0x05,
        "Service requests, incidents and problem cases",
        false,
        "What you raise on the IT Portal or via the IT Service Desk",
        &[DataKind::FreeText],
    );
    let equipment = category(
        base + 0x06,
        "IT equipment and assets",
        false,
        "The use and allocation of IT equipment and assets such as laptops, tablets and mobile \
         phones",
        &[DataKind::Equipment],
    );
    let usage = category(
        base + 0x07,
        "System use and performance records",
        false,
        "Records of the use of IT systems, equipment and accounts; for system performance \
         analysis, likely pseudonymised or anonymised",
        &[DataKind::Activity],
    );
    let surveys = category(
        base + 0x08,
        "IT survey responses",
        false,
        "Information collected from IT surveys",
        &[DataKind::Opinions],
    );
    let disability = category(
        base + 0x09,
        "Disability information",
        true,
        "Disability information to support with technological reasonable adjustment",
        &[DataKind::Health],
    );

    let suppliers = recipient(
        base + 0x0101,
        "IT System and Hardware Suppliers",
        RecipientKind::Processor,
        None,
    );
    let consultants = recipient(
        base + 0x0102,
        "IT consultants",
        RecipientKind::Processor,
        None,
    );
    let hr = recipient(
        base + 0x0103,
        "DCC HR Team",
        RecipientKind::InternalTeam,
        None,
    );
    let finance = recipient(
        base + 0x0104,
        "DCC Finance Team",
        RecipientKind::InternalTeam,
        None,
    );
    let schools = recipient(
        base + 0x0105,
        "Schools",
        RecipientKind::ThirdParty,
        Some("GB"),
    );
    let homes = recipient(
        base + 0x0106,
        "Derby Homes",
        RecipientKind::ThirdParty,
        Some("GB"),
    );
    let museums = recipient(
        base + 0x0107,
        "Derby Museums",
        RecipientKind::ThirdParty,
        Some("GB"),
    );
    let advisors = recipient(
        base + 0x0108,
        "Appointed legal advisors or insurers",
        RecipientKind::ThirdParty,
        Some("GB"),
    );
    let agencies = recipient(
        base + 0x0109,
        "Statutory agencies",
        RecipientKind::PublicAuthority,
        Some("GB"),
    );
    let investigators = recipient(
        base + 0x010a,
        "Cyber investigators",
        RecipientKind::ThirdParty,
        Some("GB"),
    );
    let emergency = recipient(
        base + 0x010b,
        "Emergency planning teams",
        RecipientKind::InternalTeam,
        None,
    );
    let partners = recipient(
        base + 0x010c,
        "Customers, service users and council partners",
        RecipientKind::ThirdParty,
        Some("GB"),
    );

    let kept = retention(
        base + 0x0301,
        RetentionTrigger::AfterCreation,
        "P1Y",
        RetentionAction::Review,
        Some("https://www.derby.gov.uk/retention-schedule/"),
    );
    let staff = ["Council staff"];
    let managed = [
        "Council staff",
        "Users of the Council's managed IT services (schools, Derby Homes and Derby Museums)",
    ];
    let build = |n: u128,
                 name: &str,
                 description: &str,
                 basis: LawfulBasis,
                 subjects: &[&str],
                 categories: &[&DataCategory],
                 to: &[&Recipient]| {
        let mut p = purpose(
            base + n,
            name,
            description,
            basis,
            subjects,
            categories,
            &kept,
        );
        p.recipients = ids(to, |r| r.id);
        p.performs_public_task = basis == PublicTask;
        p
    };

    let mut requests = build(
        0x1001,
        "Service requests, incidents and problem cases",
        "Help resolve Service Requests, Incidents and Problem Cases raised on the IT Portal or \
         via the IT Service Desk, including for Schools as part of a managed Sold Service and \
         for Derby Homes and Derby Museums as part of a managed service",
        Contract,
        &managed,
        &[&name, &contact, &accounts, &cases],
        &[&suppliers, &consultants, &schools, &homes, &museums],
    );
    let mut user_accounts = build(
        0x1002,
        "User accounts",
        "Set up and manage user accounts such as e-mail accounts and shared folder permissions, \
         with the DCC HR Team as part of the user account creation process",
        Contract,
        &managed,
        &[&name, &contact, &photographs, &accounts],
        &[&hr, &schools, &homes, &museums],
    );
    let application_accounts = build(
        0x1003,
        "Application accounts",
        "Set up and manage application accounts for IT systems across the Council",
        Contract,
        &staff,
        &[&name, &contact, &accounts],
        &[&suppliers],
    );
    let mut it_surveys = build(
        0x1004,
        "IT surveys",
        "Monitor and improve the IT Services that we provide using information collected from IT \
         surveys",
        Consent,
        &staff,
        &[&name, &contact, &surveys],
        &[],
    );
    it_surveys.provision_requirement = ProvisionRequirement::Voluntary;
    let mut it_equipment = build(
        0x1005,
        "IT equipment",
        "Manage the use and allocation of IT equipment such as laptops, tablets and mobile \
         phones, with the DCC Finance Team to assist with the budget management process",
        Contract,
        &staff,
        &[&name, &contact, &equipment],
        &[&suppliers, &finance],
    );
    let backups = build(
        0x1006,
        "Backups",
        "Be able to restore data if required from backups",
        LegalObligation,
        &staff,
        &[&name, &contact, &photographs, &accounts, &cases],
        &[&suppliers],
    );
    let customer_experience = build(
        0x1007,
        "Customer experience",
        "Manage, analyse and improve your customer experience",
        PublicTask,
        &staff,
        &[&name, &contact, &cases, &surveys],
        &[],
    );
    let monitoring = build(
        0x1008,
        "Monitoring of equipment, assets, performance and conduct",
        "(Where applicable) monitor the use of equipment & assets, staff performance and conduct \
         (For further information, please refer to the HR & OD privacy notice)",
        Contract,
        &staff,
        &[&name, &equipment, &usage],
        &[],
    );
    let performance = build(
        0x1009,
        "System performance",
        "Analyse system performance - this is likely to take the form of pseudonymised or \
         anonymised data",
        PublicTask,
        &staff,
        &[&usage],
        &[],
    );
    let mut information_security = build(
        0x100a,
        "Information security",
        "Manage and promote information security",
        LegalObligation,
        &staff,
        &[&name, &contact, &accounts, &usage],
        &[],
    );
    let equality = build(
        0x100b,
        "Equality and diversity",
        "Manage and promote equality and diversity",
        LegalObligation,
        &staff,
        &[&name, &contact],
        &[],
    );
    let compliance = build(
        0x100c,
        "Compliance with Council policies and procedures",
        "Manage compliance with Council policies and procedures, with appointed legal advisors \
         or insurers where needed",
        Contract,
        &staff,
        &[&name, &accounts, &usage],
        &[&advisors],
    );
    let mfa = build(
        0x100d,
        "Multi-factor authentication",
        "Authenticate account details via multi-factor authentication: a security system that \
         requires more than one method of authentication from independent categories of \
         credentials to verify the user's identity for a login or other transaction",
        Contract,
        &staff,
        &[&contact, &accounts],
        &[&suppliers],
    );
    let collaboration = build(
        0x100e,
        "Collaboration and council partners",
        "Promote collaboration amongst internal services and the integration of Council partners",
        PublicTask,
        &staff,
        &[&name, &contact],
        &[&partners],
    );
    let mut security = build(
        0x100f,
        "Information and cyber security",
        "Monitor, identify and prevent information & cyber security incidents",
        LegitimateInterests,
        &staff,
        &[&accounts, &usage],
        &[&investigators, &advisors],
    );
    security.performs_public_task = true;
    security.legitimate_interests =
        Some("Keeping the Council's systems and information secure".into());
    let development = build(
        0x1010,
        "Technological development",
        "Facilitate technological development and improve digital services",
        PublicTask,
        &staff,
        &[&usage, &surveys],
        &[&consultants],
    );
    let research = build(
        0x1011,
        "Research and statistics",
        "Anonymised and pseudonymised data may be used for research & statistical purposes that \
         are relevant and compatible with the purpose that the data was collected for",
        PublicTask,
        &staff,
        &[&usage, &surveys],
        &[],
    );
    let mut statutory = build(
        0x1012,
        "Statutory disclosures",
        "Share information with statutory agencies, and with cyber investigators, as required \
         by law",
        LegalObligation,
        &staff,
        &[&name, &contact, &accounts, &usage],
        &[&agencies, &investigators],
    );
    statutory.provision_requirement = ProvisionRequirement::Statutory;
    let investigations = build(
        0x1013,
        "Cyber investigations",
        "Share information with cyber investigators in accordance with a public task",
        PublicTask,
        &staff,
        &[&accounts, &usage],
        &[&investigators],
    );
    let emergencies = build(
        0x1014,
        "Emergency planning",
        "Share information with emergency planning teams in the event of a major incident",
        PublicTask,
        &staff,
        &[&name, &contact],
        &[&emergency],
    );
    let mut adjustments = build(
        0x1015,
        "Reasonable adjustments",
        "Use disability information to support with technological reasonable adjustment",
        Contract,
        &staff,
        &[&name, &contact, &disability],
        &[&suppliers],
    );
    adjustments.special_category_condition = Some(SpecialCategoryCondition::Employment);
    adjustments.schedule_1_condition = Some(Schedule1Condition::Employment);
    adjustments.policy_document = Some(PolicyDocument {
        reference: "Derby City Council appropriate policy document".into(),
        owner: "Information Governance".into(),
        review_date: None,
    });
    // Each record kind goes to the bullet that names it. Tickets are service requests,
    // incidents and problem cases whatever their category, with no Art 9(2) condition: health
    // details belong in the adjustments record, not a ticket.
    bind(&mut requests, &[RecordKind::Ticket]);
    bind(&mut user_accounts, &PEOPLE_RECORDS);
    bind(
        &mut it_surveys,
        &[RecordKind::Consent, RecordKind::SurveyAnswer],
    );
    bind(&mut it_equipment, &[RecordKind::AssetAssignment]);
    // The disclosures and rights requests logs, and what answered the requests, go with the
    // statutory disclosures; the other trails with security.
    let (disclosures, trails): (Vec<RecordKind>, Vec<RecordKind>) =
        TRAILS.iter().partition(|kind| RIGHTS_TRAILS.contains(kind));
    bind(&mut information_security, &trails);
    bind(&mut statutory, &disclosures);
    bind(&mut adjustments, &[RecordKind::Adjustment]);
    Register {
        slug: slug(DERBY),
        organisation: OrganisationDetails {
            nation: Nation::EnglandAndWales,
            name: "Derby City Council".into(),
            ico_registration_number: None,
            public_authority: true,
            address: Some("The Council House\nCorporation Street\nDerby\nDE1 2FS".into()),
            contact: Some(Contact {
                name: Some("IT Service Desk".into()),
                email: Some("ServiceDesk@derby.gov.uk".into()),
                url: Some("https://www.derby.gov.uk".into()),
                ..Contact::default()
            }),
            dpo: Some(Contact {
                name: Some("Data Protection Officer".into()),
                email: Some("data.protection@derby.gov.uk".into()),
                phone: Some("01332 640763".into()),
                ..Contact::default()
            }),
            complaints: Some(Contact {
                name: Some("Information Governance".into()),
                email: Some("data.protection@derby.gov.uk".into()),
                phone: Some("01332 640763".into()),
                address: Some(
                    "Information Governance\nThe Council House\nCorporation Street\nDerby\nDE1 2FS"
                        .into(),
                ),
                url: None,
            }),
            uk_representative: None,
            security_measures: Some(
                "Physical, electronic and managerial procedures safeguard the information \
                 against unauthorised access, loss, misuse, alteration or corruption"
                    .into(),
            ),
        },
        data_categories: vec![
            name,
            contact,
            photographs,
            accounts,
            cases,
            equipment,
            usage,
            surveys,
            disability,
        ],
        recipients: vec![
            suppliers,
            consultants,
            hr,
            finance,
            schools,
            homes,
            museums,
            advisors,
            agencies,
            investigators,
            emergency,
            partners,
        ],
        transfers: Vec::new(),
        retention_policies: vec![kept],
        purposes: vec![
            requests,
            user_accounts,
            application_accounts,
            it_surveys,
            it_equipment,
            backups,
            customer_experience,
            monitoring,
            performance,
            information_security,
            equality,
            compliance,
            mfa,
            collaboration,
            security,
            development,
            research,
            statutory,
            investigations,
            emergencies,
            adjustments,
        ],
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::register::lint::LintCode;
    use crate::register::notice::PrivacyNotice;

    #[test]
    fn every_demo_entry_validates_and_names_only_what_its_register_holds() {
        for register in organisations() {
            let org = register.slug.clone();
            assert_eq!(register.organisation.validate(), Ok(()), "{org}");
            for c in &register.data_categories {
                assert_eq!(c.validate(), Ok(()), "{org}: {}", c.name);
            }
            for r in &register.recipients {
                assert_eq!(r.validate(), Ok(()), "{org}: {}", r.name);
            }
            for t in &register.transfers {
                assert_eq!(t.validate(), Ok(()), "{org}: {}", t.destination);
            }
            for p in &register.retention_policies {
                assert_eq!(p.validate(), Ok(()), "{org}");
            }
            for p in &register.purposes {
                assert_eq!(
                    p.validate(&register.data_categories),
                    Ok(()),
                    "{org}: {}",
                    p.name
                );
                assert!(
                    p.data_categories
                        .iter()
                        .all(|id| register.data_category(*id).is_some()),
                    "{org}: {}",
                    p.name
                );
                assert!(
                    p.recipients
                        .iter()
                        .all(|id| register.recipient(*id).is_some()),
                    "{org}: {}",
                    p.name
                );
                assert!(
                    p.transfers
                        .iter()
                        .all(|id| register.transfer(*id).is_some()),
                    "{org}: {}",
                    p.name
                );
                assert!(register.retention_of(p).is_some(), "{org}: {}", p.name);
            }
        }
    }

    #[test]
    fn every_category_recipient_and_transfer_is_used_so_the_notice_tells_it() {
        for register in organisations() {
            let org = &register.slug;
            for c in &register.data_categories {
                assert!(
                    register
                        .purposes
                        .iter()
                        .any(|p| p.data_categories.contains(&c.id)),
                    "{org}: category {} is held by no purpose",
                    c.name
                );
            }
            for r in &register.recipients {
                assert!(
                    register
                        .purposes
                        .iter()
                        .any(|p| p.recipients.contains(&r.id)),
                    "{org}: recipient {} receives from no purpose",
                    r.name
                );
            }
            for t in &register.transfers {
                assert!(
                    register
                        .purposes
                        .iter()
                        .any(|p| p.transfers.contains(&t.id)),
                    "{org}: transfer to {} is made by no purpose",
                    t.destination
                );
            }
        }
    }

    #[test]
    fn ids_are_unique_and_each_organisation_keeps_to_its_range() {
        let mut seen = HashSet::new();
        for register in organisations() {
            let base = range_of(register.slug.as_str());
            let entries = register
                .purposes
                .iter()
                .map(|p| p.id.as_uuid())
                .chain(register.data_categories.iter().map(|c| c.id.as_uuid()))
                .chain(register.recipients.iter().map(|r| r.id.as_uuid()))
                .chain(register.transfers.iter().map(|t| t.id.as_uuid()))
                .chain(register.retention_policies.iter().map(|r| r.id.as_uuid()));
            for uuid in entries {
                let n = uuid.as_u128();
                assert!(
                    (base..base + 0x1_0000).contains(&n),
                    "{}: {uuid} is outside its range",
                    register.slug
                );
                assert!(seen.insert(n), "{}: {uuid} is used twice", register.slug);
            }
        }
        for agreement in agreements() {
            let n = agreement.id.as_uuid().as_u128();
            let base = range_of(agreement.controller);
            assert!((base..base + 0x1_0000).contains(&n));
            assert!(seen.insert(n));
        }
        let slugs: Vec<String> = organisations().iter().map(|r| r.slug.to_string()).collect();
        assert_eq!(slugs, [CABINET_OFFICE, DEVON, DERBY, DCMS, DEXEU]);
    }

    #[test]
    fn the_demo_retention_policies_say_what_the_notices_say() {
        for register in [cabinet_office(), dcms(), dexeu()] {
            let policy = &register.retention_policies[0];
            assert_eq!(
                (policy.trigger, policy.period.to_string(), policy.action),
                (
                    RetentionTrigger::AfterLeaving,
                    "P1Y".into(),
                    RetentionAction::Erase
                ),
                "{}",
                register.slug
            );
        }
        let devon = &devon().retention_policies[0];
        assert_eq!(
            (devon.trigger, devon.period.to_string(), devon.action),
            (
                RetentionTrigger::AfterLastTicketClosed,
                "P3Y".into(),
                RetentionAction::Erase
            )
        );
        let derby = &derby().retention_policies[0];
        assert_eq!(derby.action, RetentionAction::Review);
        assert_eq!(
            derby.schedule_reference.as_deref(),
            Some("https://www.derby.gov.uk/retention-schedule/")
        );
    }

    #[test]
    fn the_cabinet_office_processes_for_dcms_and_dexeu_from_its_notices_publication() {
        let registers = organisations();
        let agreements = agreements();
        assert_eq!(
            agreements
                .iter()
                .map(|a| (a.controller, a.processor))
                .collect::<Vec<_>>(),
            [(DCMS, CABINET_OFFICE), (DEXEU, CABINET_OFFICE)]
        );
        for (n, agreement) in agreements.iter().enumerate() {
            let controller = registers
                .iter()
                .find(|r| r.slug.as_str() == agreement.controller)
                .expect("the controller is a demo organisation");
            let names: Vec<&str> = agreement
                .purposes
                .iter()
                .map(|id| {
                    controller
                        .purpose(*id)
                        .map(|p| p.name.as_str())
                        .expect("a purpose of the controller")
                })
                .collect();
            assert_eq!(
                names,
                ["IT requests and incidents", "User accounts", "User assets"]
            );
            assert_eq!(agreement.starts_on, date(2018, 12, 17));
            assert_eq!(agreement.ends_on, None);
            let processor = OrgId::from_uuid(Uuid::from_u128(0xc0de));
            let proposed = agreement.to_agreement(
                OrgId::from_uuid(Uuid::from_u128(0xc0 + n as u128)),
                processor,
            );
            assert_eq!(proposed.validate(), Ok(()));
            // In force once the processor accepts it, as the demo loader has it do.
            assert!(!proposed.in_force(date(2026, 2, 5)));
            let at = date(2026, 2, 5)
                .and_hms_opt(9, 0, 0)
                .expect("time")
                .and_utc();
            let accepted = proposed.accept(processor, at).expect("accepted");
            assert!(accepted.in_force(date(2026, 2, 5)));
        }
        let served: Vec<String> = controllers_for(CABINET_OFFICE)
            .into_iter()
            .map(|o| o.name)
            .collect();
        assert_eq!(
            served,
            [
                "Department for Culture, Media and Sport",
                "Department for Exiting the European Union"
            ]
        );
        assert!(controllers_for(DEVON).is_empty());
    }

    #[test]
    fn the_departments_use_the_platforms_data_and_retention_on_the_employment_contract() {
        let cabinet = cabinet_office();
        for department in [dcms(), dexeu()] {
            for p in &department.purposes {
                assert_eq!(p.lawful_basis, LawfulBasis::Contract);
                let at_cabinet = purpose_named(&cabinet, &p.name);
                assert_eq!(p.description, at_cabinet.description);
                let names = |r: &Register, p: &Purpose| -> Vec<String> {
                    r.categories_of(p).map(|c| c.name.clone()).collect()
                };
                assert_eq!(names(&department, p), names(&cabinet, &at_cabinet));
            }
            // Health details need the department's own policy document: flagged, as the
            // Cabinet Office's is, for the review date nothing published gives.
            let codes: Vec<LintCode> = department.lints().iter().map(|l| l.code).collect();
            assert_eq!(codes, [LintCode::PolicyDocumentWithoutReviewDate]);
        }
    }

    /// Every element each notice states, as phrases any one of which shows it in the generated
    /// notice: (organisation, element, phrases). Taken from the seed texts; for DCMS and DExEU,
    /// from what the Cabinet Office notice says of them.
    const ELEMENTS: &[(&str, &str, &[&str])] = &[
        // Cabinet Office: 5. Contact details.
        (
            CABINET_OFFICE,
            "controller",
            &["Cabinet Office is the controller"],
        ),
        (
            CABINET_OFFICE,
            "controller address",
            &["70 Whitehall, London, SW1A 2AS"],
        ),
        (CABINET_OFFICE, "public enquiries", &["Online Contact Form"]),
        (CABINET_OFFICE, "DPO", &["Data Protection Officer"]),
        (CABINET_OFFICE, "DPO email", &["dpo@cabinetoffice.gov.uk"]),
        (
            CABINET_OFFICE,
            "arm's length bodies",
            &["arm's length bodies", "arms length bodies"],
        ),
        // 1.1 Purpose.
        (
            CABINET_OFFICE,
            "purpose: IT requests and incidents",
            &["manage and support IT requests and incidents"],
        ),
        (
            CABINET_OFFICE,
            "purpose: raised by or for staff on OFFICIAL IT",
            &[
                "raised by, or on behalf of, a member of staff using the Cabinet Office OFFICIAL IT platform",
            ],
        ),
        (
            CABINET_OFFICE,
            "purpose: request updates",
            &["contacting you with request updates"],
        ),
        (
            CABINET_OFFICE,
            "purpose: identity for security clearance",
            &["verify your identity for security clearance"],
        ),
        (
            CABINET_OFFICE,
            "purpose: user accounts",
            &["setting up, amending and removal of user accounts"],
        ),
        (
            CABINET_OFFICE,
            "purpose: government data",
            &["control access to, and ownership of, government data including its deletion"],
        ),
        (
            CABINET_OFFICE,
            "purpose: user assets",
            &["approve, track, assign and report on user assets"],
        ),
        (
            CABINET_OFFICE,
            "purpose: laptops, mobiles, software licences",
            &["laptops, mobiles, software licences"],
        ),
        (
            CABINET_OFFICE,
            "purpose: satisfaction surveys",
            &["report and review user service satisfaction surveys"],
        ),
        // 1.2 The data.
        (CABINET_OFFICE, "data: name", &["your name"]),
        (CABINET_OFFICE, "data: business email", &["business email"]),
        (
            CABINET_OFFICE,
            "data: business telephone",
            &["business telephone"],
        ),
        (
            CABINET_OFFICE,
            "data: business address",
            &["business address"],
        ),
        (
            CABINET_OFFICE,
            "data: details of the request",
            &["the details of your request"],
        ),
        (
            CABINET_OFFICE,
            "data: date of birth and security clearance",
            &["date of birth and security clearance"],
        ),
        (
            CABINET_OFFICE,
            "data: survey opinions",
            &["opinions in satisfaction surveys"],
        ),
        (
            CABINET_OFFICE,
            "data: health",
            &["health issues where this is relevant to an IT request"],
        ),
        (
            CABINET_OFFICE,
            "data: health is special",
            &["special category"],
        ),
        // Legal basis.
        (CABINET_OFFICE, "basis: consent (surveys)", &["Art 6(1)(a)"]),
        (
            CABINET_OFFICE,
            "basis: employment contract",
            &["Art 6(1)(b)"],
        ),
        (
            CABINET_OFFICE,
            "condition: employment law",
            &["Art 9(2)(b)"],
        ),
        // 1.4 Recipients.
        (
            CABINET_OFFICE,
            "recipient: IT supplier",
            &["IT supplier who provides the IT Service Desk platform"],
        ),
        (
            CABINET_OFFICE,
            "recipient: email, document management and storage",
            &["data processors who provide email, and document management and storage services"],
        ),
        // 3. International transfers.
        (
            CABINET_OFFICE,
            "transfer: outside the European Union",
            &["outside the European Union"],
        ),
        (
            CABINET_OFFICE,
            "transfer: Model Contract Clauses",
            &["Model Contract Clauses"],
        ),
        // 1.5 Retention.
        (CABINET_OFFICE, "retention: 1 year", &["1 year"]),
        (
            CABINET_OFFICE,
            "retention: after leaving",
            &["after you leave", "after you have left"],
        ),
        // 2. Your rights.
        (CABINET_OFFICE, "right: access", &["access (Art 15)"]),
        (CABINET_OFFICE, "right: rectification", &["rectification"]),
        (
            CABINET_OFFICE,
            "right: supplementary statement",
            &["supplementary statement"],
        ),
        (CABINET_OFFICE, "right: erasure", &["erasure"]),
        (CABINET_OFFICE, "right: restriction", &["restriction"]),
        (CABINET_OFFICE, "right: objection", &["objection"]),
        (
            CABINET_OFFICE,
            "right: direct marketing",
            &["direct marketing"],
        ),
        (CABINET_OFFICE, "right: withdraw consent", &["withdraw"]),
        (CABINET_OFFICE, "right: portability", &["portability"]),
        (
            CABINET_OFFICE,
            "right: machine-readable",
            &["structured, commonly used, machine-readable"],
        ),
        // 4. Complaints.
        (CABINET_OFFICE, "ICO", &["Information Commissioner"]),
        (CABINET_OFFICE, "ICO address", &["Wycliffe House"]),
        (CABINET_OFFICE, "ICO telephone", &["0303 123 1113"]),
        (CABINET_OFFICE, "ICO email", &["casework@ico.org.uk"]),
        (
            CABINET_OFFICE,
            "redress through the courts",
            &["through the courts"],
        ),
        // Processor for.
        (
            CABINET_OFFICE,
            "processor for DCMS",
            &["Department for Culture, Media and Sport"],
        ),
        (
            CABINET_OFFICE,
            "processor for DExEU",
            &["Department for Exiting the European Union"],
        ),
        (
            CABINET_OFFICE,
            "acting as their data processor",
            &["acts as its processor", "as their data processor"],
        ),
        // Devon: who is collecting.
        (
            DEVON,
            "controller",
            &["Devon County Council is the controller"],
        ),
        (DEVON, "ICO registration number", &["Z6475582"]),
        (DEVON, "DPO", &["Data Protection Officer"]),
        (DEVON, "Zoho Desk", &["Zoho Desk"]),
        // What information.
        (DEVON, "data: name", &["your name"]),
        (DEVON, "data: email", &["your email address"]),
        (DEVON, "data: telephone number", &["telephone number"]),
        (
            DEVON,
            "data: ticket details",
            &["details that a person includes within a support ticket"],
        ),
        (
            DEVON,
            "data: medical or social care information",
            &["medical or social care information"],
        ),
        // Purpose.
        (DEVON, "purpose: record a ticket", &["to record a ticket"]),
        (
            DEVON,
            "purpose: issues raised by the individual",
            &["related to issues raised by the individual"],
        ),
        (
            DEVON,
            "purpose: IT systems and their designed use",
            &["IT system(s) and their designed use"],
        ),
        (
            DEVON,
            "purpose: IT development requests",
            &["IT development requests"],
        ),
        (
            DEVON,
            "purpose: data/information requests",
            &["Data/Information requests"],
        ),
        (
            DEVON,
            "purpose: process/policy feedback",
            &["Process/Policy feedback"],
        ),
        (
            DEVON,
            "purpose: complaints",
            &["Policy feedback; Complaints"],
        ),
        (
            DEVON,
            "purpose: safeguarded from harm",
            &["safeguarded from harm"],
        ),
        (
            DEVON,
            "purpose: Safeguarding Vulnerable Groups Act 2006",
            &["Safeguarding Vulnerable Groups Act 2006"],
        ),
        (
            DEVON,
            "purpose: Children Act 1989 & 2004",
            &["Children Act 1989 & 2004"],
        ),
        (
            DEVON,
            "purpose: regulatory requirements",
            &["discharge their regulatory requirements"],
        ),
        (
            DEVON,
            "purpose: court orders and other legal obligations",
            &["comply with court orders and other legal obligations"],
        ),
        (
            DEVON,
            "purpose: minimum amount of personal data",
            &["minimum amount of personal data"],
        ),
        // Legal basis.
        (DEVON, "basis: public task", &["Art 6(1)(e)"]),
        (DEVON, "basis: legal obligations", &["Art 6(1)(c)"]),
        (DEVON, "condition: health or social care", &["Art 9(2)(h)"]),
        // Recipients.
        (
            DEVON,
            "recipient: appropriate teams and personnel",
            &["appropriate teams and personnel"],
        ),
        (
            DEVON,
            "recipient: child's parent or young person",
            &["The child's parent or the young person"],
        ),
        (
            DEVON,
            "recipient: Local Authority Officers",
            &["Local Authority Officers responsible for processing linked to the logged ticket"],
        ),
        (DEVON, "recipient: Babcock LDP", &["Babcock LDP"]),
        (
            DEVON,
            "recipient: safeguarding professionals",
            &["professionals who safeguard"],
        ),
        (
            DEVON,
            "recipient: Information Commissioner's Office",
            &["the data protection regulator (the Information Commissioner's Office)"],
        ),
        (DEVON, "recipient: court orders", &["court orders"]),
        // International transfers.
        (
            DEVON,
            "no transfers outside the UK",
            &["do not transfer your personal data outside the UK"],
        ),
        // How long.
        (DEVON, "retention: 3 years", &["3 years"]),
        (
            DEVON,
            "retention: from the last support ticket closed",
            &["after your last support ticket is closed"],
        ),
        (
            DEVON,
            "retention: then deleted",
            &["then erased", "securely deleted"],
        ),
        // Rights, complaints, automated decisions.
        (DEVON, "right: access (SAR)", &["access (Art 15)"]),
        (DEVON, "ICO", &["Information Commissioner"]),
        (DEVON, "ICO address", &["Wycliffe House"]),
        (DEVON, "ICO email", &["casework@ico.org.uk"]),
        (
            DEVON,
            "no automated decisions",
            &["do not take decisions about you solely by automated means"],
        ),
        // Derby: who we are.
        (
            DERBY,
            "controller",
            &["Derby City Council is the controller"],
        ),
        (
            DERBY,
            "controller address",
            &["The Council House, Corporation Street, Derby, DE1 2FS"],
        ),
        (DERBY, "DPO", &["Data Protection Officer"]),
        (DERBY, "DPO telephone", &["01332 640763"]),
        (DERBY, "DPO email", &["data.protection@derby.gov.uk"]),
        (DERBY, "opt out by email", &["ServiceDesk@derby.gov.uk"]),
        (DERBY, "website", &["www.derby.gov.uk"]),
        // What types of information.
        (DERBY, "data: name and address", &["name and address"]),
        (DERBY, "data: photographs", &["photographs"]),
        (
            DERBY,
            "data: personal contact details",
            &["personal contact details"],
        ),
        (
            DERBY,
            "data: disability information",
            &["disability information"],
        ),
        (DERBY, "data: special category", &["special category"]),
        (
            DERBY,
            "purpose: technological reasonable adjustment",
            &["technological reasonable adjustment"],
        ),
        // How is your information used: the 16 bullets.
        (
            DERBY,
            "purpose: service requests, incidents and problem cases",
            &[
                "Service Requests, Incidents and Problem Cases raised on the IT Portal or via the IT Service Desk",
            ],
        ),
        (
            DERBY,
            "purpose: user accounts",
            &[
                "set up and manage user accounts such as e-mail accounts and shared folder permissions",
            ],
        ),
        (
            DERBY,
            "purpose: application accounts",
            &["set up and manage application accounts for IT systems across the Council"],
        ),
        (
            DERBY,
            "purpose: IT surveys",
            &[
                "monitor and improve the IT Services that we provide using information collected from IT surveys",
            ],
        ),
        (
            DERBY,
            "purpose: IT equipment",
            &[
                "manage the use and allocation of IT equipment such as laptops, tablets and mobile phones",
            ],
        ),
        (
            DERBY,
            "purpose: backups",
            &["restore data if required from backups"],
        ),
        (
            DERBY,
            "purpose: customer experience",
            &["manage, analyse and improve your customer experience"],
        ),
        (
            DERBY,
            "purpose: equipment, assets, performance and conduct",
            &["monitor the use of equipment & assets, staff performance and conduct"],
        ),
        (
            DERBY,
            "purpose: HR & OD privacy notice",
            &["HR & OD privacy notice"],
        ),
        (
            DERBY,
            "purpose: system performance",
            &["analyse system performance"],
        ),
        (
            DERBY,
            "purpose: pseudonymised or anonymised",
            &["pseudonymised or anonymised data"],
        ),
        (
            DERBY,
            "purpose: information security",
            &["manage and promote information security"],
        ),
        (
            DERBY,
            "purpose: equality and diversity",
            &["manage and promote equality and diversity"],
        ),
        (
            DERBY,
            "purpose: Council policies and procedures",
            &["manage compliance with Council policies and procedures"],
        ),
        (
            DERBY,
            "purpose: multi-factor authentication",
            &["authenticate account details via multi-factor authentication"],
        ),
        (
            DERBY,
            "purpose: collaboration and council partners",
            &[
                "promote collaboration amongst internal services and the integration of Council partners",
            ],
        ),
        (
            DERBY,
            "purpose: cyber security incidents",
            &["monitor, identify and prevent information & cyber security incidents"],
        ),
        (
            DERBY,
            "purpose: technological development",
            &["facilitate technological development and improve digital services"],
        ),
        (
            DERBY,
            "purpose: research and statistics",
            &["research & statistical purposes"],
        ),
        // Bases.
        (DERBY, "basis: contract of employment", &["Art 6(1)(b)"]),
        (DERBY, "basis: legal obligations", &["Art 6(1)(c)"]),
        (DERBY, "basis: legitimate interests", &["Art 6(1)(f)"]),
        (DERBY, "basis: public tasks", &["Art 6(1)(e)"]),
        (DERBY, "basis: consent where requested", &["Art 6(1)(a)"]),
        // Who has access: the 12 recipients, with their reasons.
        (
            DERBY,
            "recipient: IT System and Hardware Suppliers",
            &["IT System and Hardware Suppliers"],
        ),
        (DERBY, "recipient: IT consultants", &["IT consultants"]),
        (DERBY, "recipient: DCC HR Team", &["DCC HR Team"]),
        (
            DERBY,
            "reason: user account creation process",
            &["user account creation process"],
        ),
        (DERBY, "recipient: DCC Finance Team", &["DCC Finance Team"]),
        (
            DERBY,
            "reason: budget management process",
            &["budget management process"],
        ),
        (DERBY, "recipient: Schools", &["Schools"]),
        (
            DERBY,
            "reason: managed Sold Service",
            &["managed Sold Service"],
        ),
        (DERBY, "recipient: Derby Homes", &["Derby Homes"]),
        (DERBY, "recipient: Derby Museums", &["Derby Museums"]),
        (
            DERBY,
            "recipient: Appointed legal advisors or insurers",
            &["Appointed legal advisors or insurers"],
        ),
        (
            DERBY,
            "recipient: Statutory agencies",
            &["Statutory agencies"],
        ),
        (DERBY, "reason: as required by law", &["as required by law"]),
        (
            DERBY,
            "recipient: Cyber investigators",
            &["Cyber investigators"],
        ),
        (
            DERBY,
            "reason: in accordance with a public task",
            &["in accordance with a public task"],
        ),
        (
            DERBY,
            "recipient: Emergency planning teams",
            &["Emergency planning teams"],
        ),
        (
            DERBY,
            "reason: major incident",
            &["in the event of a major incident"],
        ),
        (
            DERBY,
            "recipient: Customers, service users and council partners",
            &["Customers, service users and council partners"],
        ),
        // Rights.
        (DERBY, "right: access", &["access (Art 15)"]),
        (DERBY, "right: rectification", &["rectification"]),
        (DERBY, "right: deletion", &["erasure"]),
        (DERBY, "right: portability", &["portability"]),
        (DERBY, "right: object", &["objection"]),
        (DERBY, "right: restrict processing", &["restriction"]),
        (DERBY, "right: opt out of consent", &["withdraw"]),
        (
            DERBY,
            "no automated decisions",
            &["do not take decisions about you solely by automated means"],
        ),
        // How long.
        (DERBY, "retention schedule", &["retention schedule"]),
        (
            DERBY,
            "retention schedule address",
            &["https://www.derby.gov.uk/retention-schedule/"],
        ),
        // Security precautions.
        (
            DERBY,
            "security: physical, electronic and managerial procedures",
            &["physical, electronic and managerial procedures"],
        ),
        // Complaints.
        (
            DERBY,
            "complaints: Information Governance",
            &["Information Governance"],
        ),
        (DERBY, "ICO", &["Information Commissioner"]),
        (DERBY, "ICO address", &["Wycliffe House"]),
        (DERBY, "ICO telephone", &["0303 123 1113"]),
        (DERBY, "ICO email", &["casework@ico.org.uk"]),
        // DCMS and DExEU, as the Cabinet Office notice describes them.
        (
            DCMS,
            "controller",
            &["Department for Culture, Media and Sport is the controller"],
        ),
        (
            DCMS,
            "address",
            &["100 Parliament Street, London, SW1A 2BQ"],
        ),
        (DCMS, "DPO", &["Data Protection Officer"]),
        (
            DCMS,
            "Cabinet Office as processor",
            &[
                "Cabinet Office (processes data on our behalf)",
                "Cabinet Office",
            ],
        ),
        (
            DEXEU,
            "controller",
            &["Department for Exiting the European Union is the controller"],
        ),
        (DEXEU, "address", &["9 Downing Street, London, SW1A 2AG"]),
        (DEXEU, "DPO", &["Data Protection Officer"]),
        (
            DEXEU,
            "Cabinet Office as processor",
            &[
                "Cabinet Office (processes data on our behalf)",
                "Cabinet Office",
            ],
        ),
    ];

    /// What the Cabinet Office platform does for both departments' staff.
    const PLATFORM_ELEMENTS: &[(&str, &[&str])] = &[
        (
            "purpose: IT requests and incidents",
            &["manage and support IT requests and incidents"],
        ),
        (
            "purpose: user accounts",
            &["setting up, amending and removal of user accounts"],
        ),
        (
            "purpose: user assets",
            &["approve, track, assign and report on user assets"],
        ),
        ("data: name", &["your name"]),
        ("data: business email", &["business email"]),
        ("data: business telephone", &["business telephone"]),
        ("data: business address", &["business address"]),
        (
            "data: details of the request",
            &["the details of your request"],
        ),
        (
            "data: date of birth and security clearance",
            &["date of birth and security clearance"],
        ),
        (
            "data: health",
            &["health issues where this is relevant to an IT request"],
        ),
        ("basis: employment contract", &["Art 6(1)(b)"]),
        ("condition: employment law", &["Art 9(2)(b)"]),
        ("retention: 1 year", &["1 year"]),
        ("retention: after leaving", &["after you leave"]),
        ("right: access", &["access (Art 15)"]),
        ("ICO", &["Information Commissioner"]),
    ];

    /// The elements of `slug`'s notice.
    fn elements(slug: &str) -> Vec<(&'static str, &'static [&'static str])> {
        let mut rows: Vec<(&'static str, &'static [&'static str])> = ELEMENTS
            .iter()
            .filter(|(org, _, _)| *org == slug)
            .map(|(_, what, any)| (*what, *any))
            .collect();
        if slug == DCMS || slug == DEXEU {
            rows.extend(PLATFORM_ELEMENTS.iter().copied());
        }
        rows
    }

    /// Text as compared: lower case, Markdown escapes and emphasis removed, curly apostrophes
    /// straightened, runs of white space one space.
    fn normalise(text: &str) -> String {
        let plain: String = text
            .to_lowercase()
            .chars()
            .filter(|c| !matches!(c, '\\' | '*'))
            .map(|c| if c == '\u{2019}' { '\'' } else { c })
            .collect();
        plain.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn every_element_each_notice_states_is_in_its_generated_notice() {
        let mut missing = Vec::new();
        for register in organisations() {
            let org = register.slug.as_str();
            let table = elements(org);
            assert!(!table.is_empty(), "{org} has no element table");
            let notice = match PrivacyNotice::generate(&register, &controllers_for(org)) {
                Ok(notice) => notice,
                Err(refused) => {
                    missing.push(format!("{org}: notice refused: {refused:?}"));
                    continue;
                }
            };
            let markdown = normalise(&notice.to_markdown());
            for (what, any) in table {
                if !any
                    .iter()
                    .any(|phrase| markdown.contains(&normalise(phrase)))
                {
                    missing.push(format!("{org}: {what} (looked for {any:?})"));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "{} elements missing from the generated notices:\n{}",
            missing.len(),
            missing.join("\n")
        );
    }
}
