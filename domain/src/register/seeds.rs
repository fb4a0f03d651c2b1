//! The three source notices (`shared/seeds/`) as registers, for tests: what each notice
//! declares, imported as written, with what today's law adds supplied where a write would
//! otherwise be refused (and flagged by a lint where the notice cannot tell).

use uuid::Uuid;

use crate::ids::{DataCategoryId, PurposeId, RecipientId, RetentionPolicyId, TransferId};

use super::data_category::DataCategory;
use super::lawful_basis::LawfulBasis;
use super::purpose::{DataSource, ProvisionRequirement, Purpose};
use super::recipient::{CountryCode, Recipient, RecipientKind};
use super::retention::{RetentionAction, RetentionPeriod, RetentionPolicy, RetentionTrigger};
use super::special_category::{PolicyDocument, Schedule1Condition, SpecialCategoryCondition};
use super::transfer::{Transfer, TransferMechanism};

/// One organisation's register.
pub(crate) struct SeedRegister {
    pub organisation: &'static str,
    pub public_authority: bool,
    pub categories: Vec<DataCategory>,
    pub recipients: Vec<Recipient>,
    pub transfers: Vec<Transfer>,
    pub retention_policies: Vec<RetentionPolicy>,
    pub purposes: Vec<Purpose>,
}

pub(crate) fn all() -> [SeedRegister; 3] {
    [cabinet_office(), devon(), derby()]
}

/// A purpose of `register` by name.
pub(crate) fn purpose_named(register: &SeedRegister, name: &str) -> Purpose {
    register
        .purposes
        .iter()
        .find(|p| p.name == name)
        .cloned()
        .expect("the seed register has this purpose")
}

fn id(value: u128) -> Uuid {
    Uuid::from_u128(value)
}

fn category(n: u128, name: &str, special: bool, description: &str) -> DataCategory {
    DataCategory {
        id: DataCategoryId::from_uuid(id(n)),
        name: name.into(),
        special,
        description: description.into(),
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
/// means, with no automated decisions.
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
    }
}

/// Cabinet Office, IT Service Desk platform (published 17 December 2018). Surveys on consent,
/// all else on the employment contract; health details under Art 9(2)(b); Model Contract
/// Clauses for transfers; kept 1 year after the person leaves. The notice names no Schedule 1
/// condition or policy document: the import supplies para 1 and the department's policy
/// document, whose review date the notice cannot give.
pub(crate) fn cabinet_office() -> SeedRegister {
    let contact = category(
        0x1_0001,
        "Name and business contact details",
        false,
        "Name, business email, telephone and address",
    );
    let request = category(
        0x1_0002,
        "Request details",
        false,
        "The details of the request",
    );
    let clearance = category(
        0x1_0003,
        "Date of birth and security clearance",
        false,
        "To verify identity for security clearance",
    );
    let opinions = category(
        0x1_0004,
        "Survey opinions",
        false,
        "Opinions in satisfaction surveys",
    );
    let health = category(
        0x1_0005,
        "Health details",
        true,
        "Health issues where relevant to an IT request",
    );
    let recipients = vec![
        recipient(
            0x1_0101,
            "IT supplier providing the IT Service Desk platform",
            RecipientKind::Processor,
            None,
        ),
        recipient(
            0x1_0102,
            "Email, document management and storage providers",
            RecipientKind::Processor,
            None,
        ),
    ];
    let transfer = Transfer {
        id: TransferId::from_uuid(id(0x1_0201)),
        destination: "Outside the UK; countries not named".into(),
        mechanism: TransferMechanism::LegacyModelClauses,
        risk_assessment_reference: None,
    };
    let kept = retention(
        0x1_0301,
        RetentionTrigger::AfterLeaving,
        "P1Y",
        RetentionAction::Erase,
        None,
    );
    let staff = ["Cabinet Office staff", "Staff of arm's length bodies"];
    let on_contract = |n, name, description, categories: &[&DataCategory]| {
        let mut p = purpose(
            n,
            name,
            description,
            LawfulBasis::Contract,
            &staff,
            categories,
            &kept,
        );
        p.recipients = recipients.iter().map(|r| r.id).collect();
        p.transfers = vec![transfer.id];
        p
    };
    let mut support = on_contract(
        0x1_1001,
        "IT requests and incidents",
        "Manage and support IT requests and incidents raised by or for staff, with updates and \
         identity checks for security clearance",
        &[&contact, &request, &clearance, &health],
    );
    support.special_category_condition = Some(SpecialCategoryCondition::Employment);
    support.schedule_1_condition = Some(Schedule1Condition::Employment);
    support.policy_document = Some(PolicyDocument {
        reference: "Cabinet Office appropriate policy document".into(),
        owner: "Data Protection Officer".into(),
        review_date: None,
    });
    let accounts = on_contract(
        0x1_1002,
        "User accounts",
        "Set up, amend and remove user accounts",
        &[&contact],
    );
    let access = on_contract(
        0x1_1003,
        "Access to government data",
        "Control access to, and ownership of, government data, including its deletion",
        &[&contact],
    );
    let assets = on_contract(
        0x1_1004,
        "User assets",
        "Approve, track, assign and report on laptops, mobiles and software licences",
        &[&contact],
    );
    let mut surveys = on_contract(
        0x1_1005,
        "Satisfaction surveys",
        "Report and review user service satisfaction surveys",
        &[&contact, &opinions],
    );
    surveys.lawful_basis = LawfulBasis::Consent;
    surveys.provision_requirement = ProvisionRequirement::Voluntary;
    SeedRegister {
        organisation: "cabinet-office",
        public_authority: true,
        categories: vec![contact, request, clearance, opinions, health],
        recipients,
        transfers: vec![transfer],
        retention_policies: vec![kept],
        purposes: vec![support, accounts, access, assets, surveys],
    }
}

/// The support purpose as the Cabinet Office notice states it: Art 9(2)(b) alone.
pub(crate) fn cabinet_office_support_as_published() -> Purpose {
    let mut support = purpose_named(&cabinet_office(), "IT requests and incidents");
    support.schedule_1_condition = None;
    support.policy_document = None;
    support
}

/// Devon County Council, Zoho Desk (updated 28 July 2021). Public task throughout; medical or
/// social care information shared for safeguarding under Art 9(2)(h); no transfers; erased 3
/// years after the last support ticket closed.
pub(crate) fn devon() -> SeedRegister {
    let contact = category(
        0x2_0001,
        "Name, email and telephone number",
        false,
        "Contact details of the person raising a ticket",
    );
    let ticket = category(
        0x2_0002,
        "Support ticket details",
        false,
        "Details a person includes within a support ticket",
    );
    let care = category(
        0x2_0003,
        "Medical or social care information",
        true,
        "Shared with professionals to safeguard people from harm",
    );
    let recipients = vec![
        recipient(
            0x2_0101,
            "The child's parent or the young person",
            RecipientKind::ThirdParty,
            Some("GB"),
        ),
        recipient(
            0x2_0102,
            "Local Authority Officers responsible for the ticket",
            RecipientKind::InternalTeam,
            None,
        ),
        recipient(
            0x2_0103,
            "Babcock LDP",
            RecipientKind::Processor,
            Some("GB"),
        ),
        recipient(
            0x2_0104,
            "Information Commissioner's Office",
            RecipientKind::PublicAuthority,
            Some("GB"),
        ),
        recipient(
            0x2_0105,
            "Safeguarding professionals",
            RecipientKind::ThirdParty,
            Some("GB"),
        ),
    ];
    let kept = retention(
        0x2_0301,
        RetentionTrigger::AfterLastTicketClosed,
        "P3Y",
        RetentionAction::Erase,
        None,
    );
    let users = ["Users of the Council's education systems"];
    let mut tickets = purpose(
        0x2_1001,
        "Support tickets",
        "Record tickets about IT systems, development requests, data requests, process \
         feedback and complaints",
        LawfulBasis::PublicTask,
        &users,
        &[&contact, &ticket],
        &kept,
    );
    tickets.performs_public_task = true;
    tickets.recipients = recipients[..4].iter().map(|r| r.id).collect();
    tickets.provision_requirement = ProvisionRequirement::Voluntary;
    let mut safeguarding = purpose(
        0x2_1002,
        "Safeguarding disclosures",
        "Share information with professionals to safeguard people from harm (Safeguarding \
         Vulnerable Groups Act 2006, Children Acts 1989 and 2004)",
        LawfulBasis::PublicTask,
        &users,
        &[&contact, &care],
        &kept,
    );
    safeguarding.performs_public_task = true;
    safeguarding.special_category_condition = Some(SpecialCategoryCondition::HealthOrSocialCare);
    safeguarding.schedule_1_condition = Some(Schedule1Condition::HealthOrSocialCare);
    safeguarding.recipients = vec![recipients[4].id];
    safeguarding.provision_requirement = ProvisionRequirement::Voluntary;
    SeedRegister {
        organisation: "devon-cc",
        public_authority: true,
        categories: vec![contact, ticket, care],
        recipients,
        transfers: Vec::new(),
        retention_policies: vec![kept],
        purposes: vec![tickets, safeguarding],
    }
}

/// Derby City Council, IT services (version 1.2). Contract first, then legal obligation,
/// legitimate interests, public task and explicit consent; disability information for
/// reasonable adjustments; kept per the retention schedule. The import names Art 9(2)(b) with
/// Sch 1 para 1 (reasonable adjustments are an employment law duty) and the council's policy
/// document, whose review date the notice cannot give.
pub(crate) fn derby() -> SeedRegister {
    let contact = category(
        0x3_0001,
        "Name, contact details and photographs",
        false,
        "Personal contact details and photographs",
    );
    let accounts = category(
        0x3_0002,
        "Account, equipment and system use records",
        false,
        "User and application accounts, equipment allocation, authentication and system logs",
    );
    let surveys = category(
        0x3_0003,
        "IT survey responses",
        false,
        "Information collected from IT surveys",
    );
    let disability = category(
        0x3_0004,
        "Disability information",
        true,
        "To support technological reasonable adjustment",
    );
    let recipients = vec![
        recipient(
            0x3_0101,
            "IT system and hardware suppliers",
            RecipientKind::Processor,
            None,
        ),
        recipient(0x3_0102, "IT consultants", RecipientKind::Processor, None),
        recipient(0x3_0103, "DCC HR Team", RecipientKind::InternalTeam, None),
        recipient(
            0x3_0104,
            "DCC Finance Team",
            RecipientKind::InternalTeam,
            None,
        ),
        recipient(
            0x3_0105,
            "Statutory agencies",
            RecipientKind::PublicAuthority,
            Some("GB"),
        ),
        recipient(
            0x3_0106,
            "Cyber investigators",
            RecipientKind::ThirdParty,
            Some("GB"),
        ),
        recipient(
            0x3_0107,
            "Emergency planning teams",
            RecipientKind::InternalTeam,
            None,
        ),
        recipient(
            0x3_0108,
            "Schools, Derby Homes and Derby Museums (managed services)",
            RecipientKind::ThirdParty,
            Some("GB"),
        ),
    ];
    let kept = retention(
        0x3_0301,
        RetentionTrigger::AfterCreation,
        "P1Y",
        RetentionAction::Review,
        Some("https://www.derby.gov.uk/retention-schedule/"),
    );
    let staff = ["Council staff"];
    let mut service = purpose(
        0x3_1001,
        "IT service requests, incidents and accounts",
        "Resolve service requests, incidents and problem cases; set up and manage user and \
         application accounts; manage IT equipment",
        LawfulBasis::Contract,
        &staff,
        &[&contact, &accounts],
        &kept,
    );
    service.recipients = recipients[..4].iter().map(|r| r.id).collect();
    let mut legal = purpose(
        0x3_1002,
        "Statutory disclosures",
        "Share information with statutory agencies as required by law",
        LawfulBasis::LegalObligation,
        &staff,
        &[&contact, &accounts],
        &kept,
    );
    legal.recipients = vec![recipients[4].id];
    legal.provision_requirement = ProvisionRequirement::Statutory;
    let mut security = purpose(
        0x3_1003,
        "Information and cyber security",
        "Monitor, identify and prevent information and cyber security incidents",
        LawfulBasis::LegitimateInterests,
        &staff,
        &[&accounts],
        &kept,
    );
    security.performs_public_task = true;
    security.legitimate_interests =
        Some("Keeping the Council's systems and information secure".into());
    security.recipients = vec![recipients[5].id];
    let mut emergencies = purpose(
        0x3_1004,
        "Emergency planning and cyber investigations",
        "Support emergency planning in a major incident and cyber investigations",
        LawfulBasis::PublicTask,
        &staff,
        &[&contact, &accounts],
        &kept,
    );
    emergencies.performs_public_task = true;
    emergencies.recipients = vec![recipients[5].id, recipients[6].id];
    let mut it_surveys = purpose(
        0x3_1005,
        "IT surveys",
        "Monitor and improve IT services using information from IT surveys",
        LawfulBasis::Consent,
        &staff,
        &[&contact, &surveys],
        &kept,
    );
    it_surveys.provision_requirement = ProvisionRequirement::Voluntary;
    let mut adjustments = purpose(
        0x3_1006,
        "Reasonable adjustments",
        "Support technological reasonable adjustment",
        LawfulBasis::Contract,
        &staff,
        &[&contact, &disability],
        &kept,
    );
    adjustments.special_category_condition = Some(SpecialCategoryCondition::Employment);
    adjustments.schedule_1_condition = Some(Schedule1Condition::Employment);
    adjustments.policy_document = Some(PolicyDocument {
        reference: "Derby City Council appropriate policy document".into(),
        owner: "Information Governance".into(),
        review_date: None,
    });
    adjustments.recipients = vec![recipients[0].id];
    SeedRegister {
        organisation: "derby-city-council",
        public_authority: true,
        categories: vec![contact, accounts, surveys, disability],
        recipients,
        transfers: Vec::new(),
        retention_policies: vec![kept],
        purposes: vec![
            service,
            legal,
            security,
            emergencies,
            it_surveys,
            adjustments,
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seed_entry_validates_and_names_only_what_its_register_holds() {
        for register in all() {
            let org = register.organisation;
            for c in &register.categories {
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
                assert!(
                    p.data_categories
                        .iter()
                        .all(|id| register.categories.iter().any(|c| c.id == *id))
                );
                assert!(
                    p.recipients
                        .iter()
                        .all(|id| register.recipients.iter().any(|r| r.id == *id))
                );
                assert!(
                    p.transfers
                        .iter()
                        .all(|id| register.transfers.iter().any(|t| t.id == *id))
                );
                assert!(
                    p.retention_policy
                        .is_some_and(|id| register.retention_policies.iter().any(|r| r.id == id))
                );
            }
        }
    }

    #[test]
    fn the_seed_retention_policies_say_what_the_notices_say() {
        let cabinet = &cabinet_office().retention_policies[0];
        assert_eq!(
            (cabinet.trigger, cabinet.period.to_string(), cabinet.action),
            (
                RetentionTrigger::AfterLeaving,
                "P1Y".into(),
                RetentionAction::Erase
            )
        );
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
}
