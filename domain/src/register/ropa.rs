//! The record of processing activities (UK GDPR Art 30), made from the register alone: what a
//! controller keeps under Art 30(1), what a processor keeps under Art 30(2), and what the ICO's
//! template asks for besides (lawful basis, Schedule 1 condition, policy document, rights).
//! Pure: the caller brings the registers and chooses the agreements; nothing here reads a clock.

use chrono::NaiveDate;
use serde::Serialize;

use crate::csv::push_row;
use crate::ids::{AgreementId, PurposeId, TransferId};

use super::agreement::ProcessingAgreement;
use super::binding::Governs;
use super::identity::{Contact, OrganisationDetails};
use super::lawful_basis::{LawfulBasis, RecognisedLegitimateInterest};
use super::purpose::{DataSource, ProvisionRequirement, Purpose};
use super::recipient::{CountryCode, RecipientKind};
use super::retention::{RetentionAction, RetentionPeriod, RetentionPolicy, RetentionTrigger};
use super::rights::{ApplicableRight, RightExtent};
use super::snapshot::Register;
use super::special_category::{PolicyDocument, Schedule1Condition, SpecialCategoryCondition};
use super::transfer::{Transfer, TransferMechanism};

/// An organisation as the record names it: Art 30(1)(a) for a controller, 30(2)(a) for a
/// processor and each controller it acts for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationIdentity {
    pub name: String,
    /// Postal address, lines separated by newlines.
    pub address: Option<String>,
    pub contact: Option<Contact>,
    /// The ICO data protection fee register entry (DPA 2018 s.137).
    pub ico_registration_number: Option<String>,
    /// Art 30(1)(a), 30(2)(a): the data protection officer.
    pub dpo: Option<Contact>,
    /// Art 27, 30(1)(a), 30(2)(a): the representative in the UK, where there is one.
    pub uk_representative: Option<Contact>,
}

impl From<&OrganisationDetails> for OrganisationIdentity {
    fn from(details: &OrganisationDetails) -> Self {
        Self {
            name: details.name.clone(),
            address: details.address.clone(),
            contact: details.contact.clone(),
            ico_registration_number: details.ico_registration_number.clone(),
            dpo: details.dpo.clone(),
            uk_representative: details.uk_representative.clone(),
        }
    }
}

/// A category of personal data (Art 30(1)(c)), flagged when special (Art 9(1)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataCategoryRecord {
    pub name: String,
    pub special: bool,
}

/// A recipient or category of recipients (Art 30(1)(d)); a country outside the UK makes the
/// disclosure a transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecipientRecord {
    pub name: String,
    pub kind: RecipientKind,
    pub country: Option<CountryCode>,
}

/// A transfer to a third country or international organisation and what makes it lawful
/// (Art 30(1)(e), 30(2)(c)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferRecord {
    pub destination: String,
    pub mechanism: TransferMechanism,
    /// The provision the mechanism rests on, e.g. `Art 46(2)(d)`.
    pub article: &'static str,
    /// Where the transfer risk assessment is kept (Art 46(1A)).
    pub risk_assessment_reference: Option<String>,
}

impl From<&Transfer> for TransferRecord {
    fn from(transfer: &Transfer) -> Self {
        Self {
            destination: transfer.destination.clone(),
            mechanism: transfer.mechanism,
            article: transfer.mechanism.article(),
            risk_assessment_reference: transfer.risk_assessment_reference.clone(),
        }
    }
}

/// The envisaged time limit for erasure (Art 30(1)(f)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetentionRecord {
    pub trigger: RetentionTrigger,
    /// ISO 8601, e.g. `P1Y`.
    pub period: RetentionPeriod,
    pub action: RetentionAction,
    /// The retention schedule entry the policy follows (the ICO template's schedule link).
    pub schedule_reference: Option<String>,
    /// The policy in plain English: "1 year after the person left, then erase".
    pub summary: String,
}

impl From<&RetentionPolicy> for RetentionRecord {
    fn from(policy: &RetentionPolicy) -> Self {
        Self {
            trigger: policy.trigger,
            period: policy.period,
            action: policy.action,
            schedule_reference: policy.schedule_reference.clone(),
            summary: policy.in_words(),
        }
    }
}

/// The Art 6(1) basis: its wire code (`b`) and its provision (`Art 6(1)(b)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LawfulBasisRecord {
    pub basis: LawfulBasis,
    pub article: &'static str,
    /// Art 6(5), Annex 1: the condition a 6(1)(ea) purpose meets.
    pub recognised_legitimate_interest: Option<RecognisedLegitimateInterest>,
}

/// The Art 9(2) condition: its wire code (`h`) and its provision (`Art 9(2)(h)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpecialCategoryConditionRecord {
    pub condition: SpecialCategoryCondition,
    pub article: &'static str,
}

/// The DPA 2018 Schedule 1 condition (s.10) and its citation (`DPA 2018 Sch 1 para 1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Schedule1ConditionRecord {
    pub condition: Schedule1Condition,
    pub citation: String,
}

/// One purpose of the controller's record: Art 30(1)(b) to (f), with what the ICO's template
/// adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PurposeRecord {
    pub purpose_id: PurposeId,
    /// Art 30(1)(b).
    pub name: String,
    pub description: String,
    /// Art 30(1)(c).
    pub data_subject_categories: Vec<String>,
    /// Art 30(1)(c), in the purpose's order.
    pub personal_data_categories: Vec<DataCategoryRecord>,
    /// Art 30(1)(d), in the purpose's order.
    pub recipients: Vec<RecipientRecord>,
    /// Art 30(1)(e), in the purpose's order.
    pub transfers: Vec<TransferRecord>,
    /// Art 30(1)(f); absent where the purpose names no retention policy (a lint says so).
    pub retention: Option<RetentionRecord>,
    /// Art 6(1).
    pub lawful_basis: LawfulBasisRecord,
    /// Art 13(1)(d): the legitimate interests pursued, on 6(1)(f).
    pub legitimate_interests: Option<String>,
    /// Art 9(2), where the purpose holds special category data.
    pub special_category_condition: Option<SpecialCategoryConditionRecord>,
    /// DPA 2018 s.10.
    pub schedule_1_condition: Option<Schedule1ConditionRecord>,
    /// DPA 2018 Sch 1 para 39: the appropriate policy document, its owner and review date.
    pub policy_document: Option<PolicyDocument>,
    /// Art 14(2)(f): whether the data comes from the person, and what else it comes from.
    pub source: DataSource,
    /// Art 13(2)(e).
    pub provision_requirement: ProvisionRequirement,
    /// Art 22A: significant decisions taken solely by automated means.
    pub automated_decision_making: bool,
    /// Art 13(2)(f), 14(2)(g): the logic of those decisions.
    pub automated_decision_logic: Option<String>,
    /// The rights the people whose data this is may exercise, and how far (Chapter III).
    pub rights: Vec<ApplicableRight>,
    /// The kinds of desk record the purpose governs: what its basis, recipients and retention
    /// apply to.
    pub governs: Vec<Governs>,
}

impl PurposeRecord {
    pub(crate) fn new(register: &Register, purpose: &Purpose) -> Self {
        Self {
            purpose_id: purpose.id,
            name: purpose.name.clone(),
            description: purpose.description.clone(),
            data_subject_categories: purpose.data_subject_categories.clone(),
            personal_data_categories: register
                .categories_of(purpose)
                .map(|c| DataCategoryRecord {
                    name: c.name.clone(),
                    special: c.special,
                })
                .collect(),
            recipients: register
                .recipients_of(purpose)
                .map(|r| RecipientRecord {
                    name: r.name.clone(),
                    kind: r.kind,
                    country: r.country.clone(),
                })
                .collect(),
            transfers: register
                .transfers_of(purpose)
                .map(TransferRecord::from)
                .collect(),
            retention: register.retention_of(purpose).map(RetentionRecord::from),
            lawful_basis: LawfulBasisRecord {
                basis: purpose.lawful_basis,
                article: purpose.lawful_basis.article(),
                recognised_legitimate_interest: purpose.recognised_legitimate_interest,
            },
            legitimate_interests: purpose.legitimate_interests.clone(),
            special_category_condition: purpose.special_category_condition.map(|condition| {
                SpecialCategoryConditionRecord {
                    condition,
                    article: condition.article(),
                }
            }),
            schedule_1_condition: purpose.schedule_1_condition.map(|condition| {
                Schedule1ConditionRecord {
                    condition,
                    citation: condition.citation(),
                }
            }),
            policy_document: purpose.policy_document.clone(),
            source: purpose.source.clone(),
            provision_requirement: purpose.provision_requirement,
            automated_decision_making: purpose.automated_decision_making,
            automated_decision_logic: purpose.automated_decision_logic.clone(),
            rights: purpose.rights(),
            governs: purpose.governs.clone(),
        }
    }
}

/// The controller's record, Art 30(1). The model has no joint controllers yet (Art 26), so the
/// record names the controller alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ControllerRecord {
    /// Art 30(1)(a): name and contact details, DPO and UK representative.
    pub controller: OrganisationIdentity,
    /// Art 30(1)(g): a general description of the technical and organisational measures.
    pub security_measures: Option<String>,
    /// One entry per purpose, in the register's order.
    pub purposes: Vec<PurposeRecord>,
}

/// A controller purpose an agreement covers, as the processor's record names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScopedPurpose {
    pub purpose_id: PurposeId,
    pub name: String,
    pub description: String,
    /// The transfers this purpose makes in the controller's register.
    pub transfers: Vec<TransferRecord>,
}

/// What the processor does for one controller under one agreement (Art 30(2)(a) to (c)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreementRecord {
    pub agreement_id: AgreementId,
    /// Art 30(2)(a): the controller on whose behalf the processor acts, with its DPO and UK
    /// representative.
    pub controller: OrganisationIdentity,
    /// Art 30(2)(b): the categories of processing carried out for the controller.
    pub processing: String,
    /// Where the signed Art 28 contract is kept.
    pub contract_reference: Option<String>,
    pub starts_on: NaiveDate,
    /// The last day in force; open-ended when absent.
    pub ends_on: Option<NaiveDate>,
    /// The controller's purposes in scope, in the agreement's order; ids the controller's
    /// register does not hold are left out.
    pub purposes: Vec<ScopedPurpose>,
    /// Art 30(2)(c): every transfer those purposes make, each once, in first-seen order.
    pub transfers: Vec<TransferRecord>,
}

impl AgreementRecord {
    fn new(agreement: &ProcessingAgreement, controller: &Register) -> Self {
        let in_scope: Vec<&Purpose> = agreement
            .purposes
            .iter()
            .filter_map(|id| controller.purpose(*id))
            .collect();
        let mut seen: Vec<TransferId> = Vec::new();
        let mut transfers = Vec::new();
        for transfer in in_scope.iter().flat_map(|p| controller.transfers_of(p)) {
            if !seen.contains(&transfer.id) {
                seen.push(transfer.id);
                transfers.push(TransferRecord::from(transfer));
            }
        }
        Self {
            agreement_id: agreement.id,
            controller: OrganisationIdentity::from(&controller.organisation),
            processing: agreement.processing.clone(),
            contract_reference: agreement.contract_reference.clone(),
            starts_on: agreement.starts_on,
            ends_on: agreement.ends_on,
            purposes: in_scope
                .iter()
                .map(|p| ScopedPurpose {
                    purpose_id: p.id,
                    name: p.name.clone(),
                    description: p.description.clone(),
                    transfers: controller
                        .transfers_of(p)
                        .map(TransferRecord::from)
                        .collect(),
                })
                .collect(),
            transfers,
        }
    }
}

/// The processor's record, Art 30(2): kept by an organisation for the processing it carries out
/// on behalf of other controllers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcessorRecord {
    /// Art 30(2)(a): the processor's name and contact details, DPO and UK representative.
    pub processor: OrganisationIdentity,
    /// Art 30(2)(d): the processor's technical and organisational security measures.
    pub security_measures: Option<String>,
    /// One entry per agreement, in the order given.
    pub agreements: Vec<AgreementRecord>,
}

/// An organisation's whole Art 30 record: as controller always, and as processor when it acts
/// for others. One organisation can be both (the Cabinet Office processes for DCMS and DExEU).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Record {
    /// Art 30(1).
    pub controller: ControllerRecord,
    /// Art 30(2); absent when the organisation processes for no one.
    pub processor: Option<ProcessorRecord>,
}

/// The CSV columns, in order. Lists inside a field are joined with "; ".
pub const CSV_HEADER: [&str; 30] = [
    "record",
    "controller",
    "controller_contact",
    "ico_registration_number",
    "dpo",
    "uk_representative",
    "processor",
    "processor_dpo",
    "processing",
    "agreement_term",
    "contract_reference",
    "purpose",
    "description",
    "data_subject_categories",
    "personal_data_categories",
    "special_categories",
    "recipients",
    "third_countries_and_safeguards",
    "retention",
    "retention_schedule",
    "security_measures",
    "lawful_basis",
    "legitimate_interests",
    "special_category_condition",
    "schedule_1_condition",
    "policy_document",
    "source",
    "provision_requirement",
    "automated_decision_making",
    "rights",
];

impl Record {
    /// The record of `register`'s organisation. `processing_for` pairs each agreement under
    /// which that organisation is processor with the controller's register; the agreement's
    /// purpose ids resolve against that register and ids it does not hold are skipped. The
    /// caller chooses which agreements count (those in force on the day, say): no clock is read
    /// here.
    pub fn build(
        register: &Register,
        processing_for: &[(ProcessingAgreement, Register)],
    ) -> Record {
        let controller = ControllerRecord {
            controller: OrganisationIdentity::from(&register.organisation),
            security_measures: register.organisation.security_measures.clone(),
            purposes: register
                .purposes
                .iter()
                .map(|p| PurposeRecord::new(register, p))
                .collect(),
        };
        let processor = (!processing_for.is_empty()).then(|| ProcessorRecord {
            processor: OrganisationIdentity::from(&register.organisation),
            security_measures: register.organisation.security_measures.clone(),
            agreements: processing_for
                .iter()
                .map(|(agreement, controller)| AgreementRecord::new(agreement, controller))
                .collect(),
        });
        Record {
            controller,
            processor,
        }
    }

    /// The record as RFC 4180 CSV for auditors' spreadsheets: a header row ([`CSV_HEADER`]),
    /// one `Art 30(1)` row per controller purpose, then one `Art 30(2)` row per agreement and
    /// purpose in scope. Lines end CRLF; fields that could start a formula are defused.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        push_row(&mut out, CSV_HEADER.iter().map(|h| (*h).to_owned()));
        for row in self.csv_rows() {
            push_row(&mut out, row);
        }
        out
    }

    fn csv_rows(&self) -> Vec<[String; 30]> {
        let mut rows = Vec::new();
        let controller = &self.controller;
        let identity = &controller.controller;
        for p in &controller.purposes {
            rows.push([
                "Art 30(1)".to_owned(),
                identity.name.clone(),
                organisation_contact(identity),
                text(&identity.ico_registration_number),
                contact_text(identity.dpo.as_ref()),
                contact_text(identity.uk_representative.as_ref()),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                p.name.clone(),
                p.description.clone(),
                p.data_subject_categories.join(LIST),
                join(p.personal_data_categories.iter().map(|c| c.name.clone())),
                join(
                    p.personal_data_categories
                        .iter()
                        .filter(|c| c.special)
                        .map(|c| c.name.clone()),
                ),
                join(p.recipients.iter().map(recipient_text)),
                join(p.transfers.iter().map(transfer_text)),
                p.retention
                    .as_ref()
                    .map_or_else(|| "not set".to_owned(), |r| r.summary.clone()),
                p.retention
                    .as_ref()
                    .map(|r| text(&r.schedule_reference))
                    .unwrap_or_default(),
                text(&controller.security_measures),
                lawful_basis_text(&p.lawful_basis),
                text(&p.legitimate_interests),
                p.special_category_condition
                    .as_ref()
                    .map(|c| c.article.to_owned())
                    .unwrap_or_default(),
                p.schedule_1_condition
                    .as_ref()
                    .map(|c| c.citation.clone())
                    .unwrap_or_default(),
                p.policy_document
                    .as_ref()
                    .map(policy_document_text)
                    .unwrap_or_default(),
                source_text(&p.source),
                p.provision_requirement.as_str().to_owned(),
                automated_text(p.automated_decision_making, &p.automated_decision_logic),
                join(p.rights.iter().map(right_text)),
            ]);
        }
        if let Some(processor) = &self.processor {
            for a in &processor.agreements {
                let identity = &a.controller;
                for p in &a.purposes {
                    rows.push([
                        "Art 30(2)".to_owned(),
                        identity.name.clone(),
                        organisation_contact(identity),
                        text(&identity.ico_registration_number),
                        contact_text(identity.dpo.as_ref()),
                        contact_text(identity.uk_representative.as_ref()),
                        processor.processor.name.clone(),
                        contact_text(processor.processor.dpo.as_ref()),
                        a.processing.clone(),
                        term_text(a.starts_on, a.ends_on),
                        text(&a.contract_reference),
                        p.name.clone(),
                        p.description.clone(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        join(p.transfers.iter().map(transfer_text)),
                        String::new(),
                        String::new(),
                        text(&processor.security_measures),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ]);
                }
            }
        }
        rows
    }
}

/// How items of a list share one field.
const LIST: &str = "; ";

fn join(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(LIST)
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

/// Address lines on one line, so a row stays readable in a spreadsheet cell.
fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

fn contact_text(contact: Option<&Contact>) -> String {
    let Some(contact) = contact else {
        return String::new();
    };
    [
        &contact.name,
        &contact.email,
        &contact.phone,
        &contact.address,
        &contact.url,
    ]
    .into_iter()
    .flatten()
    .map(|part| one_line(part))
    .filter(|part| !part.is_empty())
    .collect::<Vec<_>>()
    .join(LIST)
}

/// Art 30(1)(a) "name and contact details": the address, then the general contact.
fn organisation_contact(identity: &OrganisationIdentity) -> String {
    [
        identity
            .address
            .as_deref()
            .map(one_line)
            .unwrap_or_default(),
        contact_text(identity.contact.as_ref()),
    ]
    .into_iter()
    .filter(|part| !part.is_empty())
    .collect::<Vec<_>>()
    .join(LIST)
}

fn recipient_text(recipient: &RecipientRecord) -> String {
    match &recipient.country {
        Some(country) => format!("{} ({}, {country})", recipient.name, recipient.kind),
        None => format!("{} ({})", recipient.name, recipient.kind),
    }
}

fn transfer_text(transfer: &TransferRecord) -> String {
    match &transfer.risk_assessment_reference {
        Some(reference) => format!(
            "{} ({}, {}, risk assessment {reference})",
            transfer.destination, transfer.mechanism, transfer.article
        ),
        None => format!(
            "{} ({}, {})",
            transfer.destination, transfer.mechanism, transfer.article
        ),
    }
}

fn lawful_basis_text(basis: &LawfulBasisRecord) -> String {
    let mut text = format!("{} {}", basis.article, basis.basis.description());
    if let Some(interest) = basis.recognised_legitimate_interest {
        text.push_str(": ");
        text.push_str(interest.description());
    }
    text
}

fn policy_document_text(document: &PolicyDocument) -> String {
    let review = document
        .review_date
        .map_or_else(|| "not set".to_owned(), |d| d.to_string());
    format!(
        "{} (owner: {}, review: {review})",
        document.reference, document.owner
    )
}

fn source_text(source: &DataSource) -> String {
    let mut parts = Vec::new();
    if source.from_data_subject {
        parts.push("the data subject".to_owned());
    }
    if let Some(other) = source.other_sources.as_deref() {
        let other = one_line(other);
        if !other.is_empty() {
            parts.push(other);
        }
    }
    parts.join(LIST)
}

fn automated_text(decisions: bool, logic: &Option<String>) -> String {
    match (decisions, logic.as_deref()) {
        (false, _) => "no".to_owned(),
        (true, Some(logic)) => format!("yes: {logic}"),
        (true, None) => "yes".to_owned(),
    }
}

fn right_text(right: &ApplicableRight) -> String {
    if right.extent == RightExtent::Full {
        format!("{} ({})", right.right, right.article)
    } else {
        format!("{} ({}, {})", right.right, right.article, right.extent)
    }
}

fn term_text(starts_on: NaiveDate, ends_on: Option<NaiveDate>) -> String {
    match ends_on {
        Some(end) => format!("{starts_on} to {end}"),
        None => format!("from {starts_on}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv::field as csv_field;
    use crate::ids::{DataCategoryId, OrgId, RetentionPolicyId};
    use crate::organisation::OrgSlug;
    use crate::register::data_category::DataCategory;
    use crate::register::demo;
    use crate::register::rights::Right;
    use uuid::Uuid;

    /// Splits CSV produced by `to_csv` back into rows of fields (quoted fields may hold CRLF).
    fn parse_csv(csv: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        let mut row = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut chars = csv.chars().peekable();
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut field)),
                (false, '\r') => {
                    assert_eq!(chars.next(), Some('\n'), "records end CRLF");
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => field.push(c),
            }
        }
        assert!(
            field.is_empty() && row.is_empty(),
            "the last record ends CRLF"
        );
        rows
    }

    fn column(name: &str) -> usize {
        CSV_HEADER
            .iter()
            .position(|h| *h == name)
            .expect("a column of the header")
    }

    fn purpose<'a>(record: &'a Record, name: &str) -> &'a PurposeRecord {
        record
            .controller
            .purposes
            .iter()
            .find(|p| p.name == name)
            .expect("the purpose is in the record")
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    /// A small controller register: DCMS, with one purpose its staff's IT requests go to the
    /// Cabinet Office's platform for, and one transfer.
    fn dcms() -> Register {
        let contact = DataCategory {
            id: DataCategoryId::from_uuid(Uuid::from_u128(0x9_0001)),
            name: "Name and business contact details".into(),
            special: false,
            description: "Name, business email and telephone".into(),
            kinds: Vec::new(),
        };
        let transfer = Transfer {
            id: TransferId::from_uuid(Uuid::from_u128(0x9_0201)),
            destination: "United States".into(),
            mechanism: TransferMechanism::Idta,
            risk_assessment_reference: Some("DCMS-TRA-3".into()),
        };
        let desk = Purpose {
            id: PurposeId::from_uuid(Uuid::from_u128(0x9_1001)),
            name: "DCMS IT service desk".into(),
            description: "Support DCMS staff's IT requests and accounts".into(),
            lawful_basis: LawfulBasis::Contract,
            recognised_legitimate_interest: None,
            performs_public_task: false,
            legitimate_interests: None,
            special_category_condition: None,
            schedule_1_condition: None,
            policy_document: None,
            data_subject_categories: vec!["DCMS staff".into()],
            data_categories: vec![contact.id],
            recipients: Vec::new(),
            transfers: vec![transfer.id],
            retention_policy: None,
            source: DataSource {
                from_data_subject: true,
                other_sources: None,
            },
            provision_requirement: ProvisionRequirement::Contractual,
            automated_means: true,
            automated_decision_making: false,
            automated_decision_logic: None,
            governs: Vec::new(),
        };
        Register {
            slug: OrgSlug::parse("dcms").expect("slug"),
            organisation: OrganisationDetails {
                nation: crate::rights_requests::Nation::EnglandAndWales,
                name: "Department for Culture, Media and Sport".into(),
                ico_registration_number: Some("Z5679870".into()),
                public_authority: true,
                address: Some("100 Parliament Street\nLondon\nSW1A 2BQ".into()),
                contact: None,
                dpo: Some(Contact {
                    name: Some("Data Protection Officer".into()),
                    email: Some("dpo@dcms.gov.uk".into()),
                    ..Contact::default()
                }),
                complaints: None,
                uk_representative: None,
                security_measures: None,
            },
            purposes: vec![desk],
            data_categories: vec![contact],
            recipients: Vec::new(),
            transfers: vec![transfer],
            retention_policies: Vec::new(),
        }
    }

    /// The Cabinet Office processing for DCMS.
    fn agreement(purposes: Vec<PurposeId>) -> ProcessingAgreement {
        ProcessingAgreement {
            id: AgreementId::from_uuid(Uuid::from_u128(0x9_4001)),
            controller: OrgId::from_uuid(Uuid::from_u128(0x9_0000)),
            processor: OrgId::from_uuid(Uuid::from_u128(0x1_0000)),
            purposes,
            processing: "IT Service Desk platform for DCMS staff".into(),
            contract_reference: Some("CO-DCMS-2018-17".into()),
            starts_on: date(2018, 12, 17),
            ends_on: Some(date(2027, 3, 31)),
            standing: Default::default(),
        }
    }

    /// The purpose holding special category data.
    fn special_purpose(record: &Record) -> &PurposeRecord {
        record
            .controller
            .purposes
            .iter()
            .find(|p| p.personal_data_categories.iter().any(|c| c.special))
            .expect("a purpose holds special category data")
    }

    #[test]
    fn every_demo_record_mirrors_its_register() {
        for register in demo::all() {
            let record = Record::build(&register, &[]);
            let org = register.slug.as_str();
            assert!(record.processor.is_none());
            assert_eq!(
                record.controller.controller.name,
                register.organisation.name
            );
            assert_eq!(
                record.controller.security_measures,
                register.organisation.security_measures
            );
            assert_eq!(
                record.controller.purposes.len(),
                register.purposes.len(),
                "{org}"
            );
            for (entry, purpose) in record.controller.purposes.iter().zip(&register.purposes) {
                assert_eq!(entry.purpose_id, purpose.id, "{org}: register order");
                assert_eq!(entry.name, purpose.name);
                assert_eq!(
                    entry.data_subject_categories,
                    purpose.data_subject_categories
                );
                let categories: Vec<(&str, bool)> = register
                    .categories_of(purpose)
                    .map(|c| (c.name.as_str(), c.special))
                    .collect();
                let recorded: Vec<(&str, bool)> = entry
                    .personal_data_categories
                    .iter()
                    .map(|c| (c.name.as_str(), c.special))
                    .collect();
                assert_eq!(recorded, categories, "{org}: {}", purpose.name);
                assert_eq!(entry.recipients.len(), purpose.recipients.len());
                assert_eq!(entry.transfers.len(), purpose.transfers.len());
                assert_eq!(entry.lawful_basis.basis, purpose.lawful_basis);
                assert_eq!(entry.lawful_basis.article, purpose.lawful_basis.article());
                assert_eq!(entry.rights, purpose.rights());
                assert_eq!(
                    entry.retention.as_ref().map(|r| r.summary.clone()),
                    register
                        .retention_of(purpose)
                        .map(RetentionPolicy::in_words)
                );
            }
            let rows = parse_csv(&record.to_csv());
            assert_eq!(rows.len(), 1 + register.purposes.len(), "{org}");
            for (row, purpose) in rows[1..].iter().zip(&register.purposes) {
                assert_eq!(row.len(), CSV_HEADER.len());
                assert_eq!(row[column("record")], "Art 30(1)");
                assert_eq!(row[column("controller")], register.organisation.name);
                assert_eq!(row[column("processor")], "");
                assert_eq!(row[column("purpose")], purpose.name);
            }
        }
    }

    #[test]
    fn the_cabinet_office_record_has_five_purposes_on_legacy_model_clauses() {
        let record = Record::build(&demo::cabinet_office(), &[]);
        let controller = &record.controller;
        assert_eq!(
            controller
                .controller
                .dpo
                .as_ref()
                .and_then(|d| d.email.as_deref()),
            Some("dpo@cabinetoffice.gov.uk")
        );
        assert_eq!(controller.purposes.len(), 5);
        for p in &controller.purposes {
            assert_eq!(p.transfers.len(), 1, "{}", p.name);
            assert_eq!(
                p.transfers[0].mechanism,
                TransferMechanism::LegacyModelClauses
            );
            assert_eq!(p.transfers[0].article, "Art 46");
            let retention = p.retention.as_ref().expect("retention");
            assert_eq!(
                retention.summary,
                "1 year after the person left, then erase"
            );
            assert_eq!(retention.period.to_string(), "P1Y");
            assert_eq!(retention.action, RetentionAction::Erase);
        }
        let support = special_purpose(&record);
        assert_eq!(support.lawful_basis.basis, LawfulBasis::Contract);
        assert_eq!(support.lawful_basis.article, "Art 6(1)(b)");
        assert_eq!(
            support
                .special_category_condition
                .as_ref()
                .map(|c| c.article),
            Some("Art 9(2)(b)")
        );
        assert_eq!(
            support
                .schedule_1_condition
                .as_ref()
                .map(|c| c.citation.as_str()),
            Some("DPA 2018 Sch 1 para 1")
        );
        let on_consent: Vec<&PurposeRecord> = controller
            .purposes
            .iter()
            .filter(|p| p.lawful_basis.basis == LawfulBasis::Consent)
            .collect();
        assert_eq!(on_consent.len(), 1, "satisfaction surveys");
        assert!(
            on_consent[0]
                .rights
                .iter()
                .any(|r| r.right == Right::WithdrawConsent)
        );

        let rows = parse_csv(&record.to_csv());
        assert_eq!(rows.len(), 1 + 5);
        let first = &rows[1];
        assert_eq!(first[column("record")], "Art 30(1)");
        assert_eq!(first[column("controller")], "Cabinet Office");
        assert_eq!(
            first[column("controller_contact")],
            "70 Whitehall, London, SW1A 2AS; Public Enquiries: Online Contact Form; \
             https://www.gov.uk/government/organisations/cabinet-office"
        );
        assert_eq!(
            first[column("dpo")],
            "Data Protection Officer; dpo@cabinetoffice.gov.uk"
        );
        for row in &rows[1..] {
            assert!(
                row[column("third_countries_and_safeguards")]
                    .ends_with(" (legacy_model_clauses, Art 46)")
            );
            assert_eq!(
                row[column("retention")],
                "1 year after the person left, then erase"
            );
            assert_eq!(row[column("source")], "the data subject");
            assert_eq!(row[column("automated_decision_making")], "no");
        }
        let support_row = rows[1..]
            .iter()
            .find(|r| !r[column("special_categories")].is_empty())
            .expect("the support row");
        assert_eq!(
            support_row[column("special_category_condition")],
            "Art 9(2)(b)"
        );
        assert_eq!(
            support_row[column("schedule_1_condition")],
            "DPA 2018 Sch 1 para 1"
        );
        assert!(
            support_row[column("policy_document")]
                .ends_with("(owner: Data Protection Officer, review: not set)")
        );
        assert_eq!(support_row[column("lawful_basis")], "Art 6(1)(b) contract");
        let consent_rows = rows
            .iter()
            .filter(|r| r[column("lawful_basis")] == "Art 6(1)(a) consent")
            .count();
        assert_eq!(consent_rows, 1);
    }

    #[test]
    fn the_devon_record_has_no_transfers_and_keeps_three_years() {
        let register = demo::devon();
        let record = Record::build(&register, &[]);
        assert_eq!(
            record
                .controller
                .controller
                .ico_registration_number
                .as_deref(),
            Some("Z6475582")
        );
        let names: Vec<&str> = record
            .controller
            .purposes
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert!(names.starts_with(&["Support tickets", "Safeguarding disclosures"]));
        for p in &record.controller.purposes {
            assert!(p.transfers.is_empty(), "{}", p.name);
            assert_eq!(
                p.retention.as_ref().map(|r| r.summary.as_str()),
                Some("3 years after the person's last support ticket closed, then erase")
            );
        }
        let tickets = purpose(&record, "Support tickets");
        assert_eq!(tickets.lawful_basis.article, "Art 6(1)(e)");
        let babcock = tickets
            .recipients
            .iter()
            .find(|r| r.name == "Babcock LDP")
            .expect("Babcock LDP is a recipient");
        assert_eq!(babcock.kind, RecipientKind::Processor);
        assert_eq!(
            babcock.country.as_ref().map(CountryCode::as_str),
            Some("GB")
        );
        let erasure = tickets
            .rights
            .iter()
            .find(|r| r.right == Right::Erasure)
            .expect("erasure listed");
        assert_eq!(erasure.extent, RightExtent::ExemptWhileNeeded);
        let safeguarding = purpose(&record, "Safeguarding disclosures");
        assert_eq!(
            safeguarding
                .special_category_condition
                .as_ref()
                .map(|c| c.condition),
            Some(SpecialCategoryCondition::HealthOrSocialCare)
        );
        assert!(safeguarding.policy_document.is_none(), "9(2)(h) needs none");

        let rows = parse_csv(&record.to_csv());
        assert_eq!(rows.len(), 1 + register.purposes.len());
        for row in &rows[1..] {
            assert_eq!(row[column("third_countries_and_safeguards")], "");
            assert_eq!(row[column("ico_registration_number")], "Z6475582");
            assert_eq!(
                row[column("dpo")],
                "Data Protection Officer; County Hall, Topsham Road, Exeter, EX2 4QD"
            );
        }
        assert!(rows[1][column("recipients")].contains("; Babcock LDP (processor, GB)"));
        assert!(rows[1][column("rights")].contains("erasure (Art 17(3)(b), exempt_while_needed)"));
        assert_eq!(rows[2][column("special_category_condition")], "Art 9(2)(h)");
        assert_eq!(
            rows[2][column("schedule_1_condition")],
            "DPA 2018 Sch 1 para 2"
        );
        assert_eq!(rows[2][column("policy_document")], "");
    }

    #[test]
    fn the_derby_record_follows_its_retention_schedule() {
        let register = demo::derby();
        let record = Record::build(&register, &[]);
        assert!(record.controller.purposes.len() >= 6);
        assert!(
            record
                .controller
                .security_measures
                .as_deref()
                .is_some_and(|m| m.starts_with("Physical, electronic"))
        );
        for p in &record.controller.purposes {
            let retention = p.retention.as_ref().expect("retention");
            assert_eq!(retention.action, RetentionAction::Review);
            assert_eq!(
                retention.schedule_reference.as_deref(),
                Some("https://www.derby.gov.uk/retention-schedule/")
            );
        }
        let on_interests = record
            .controller
            .purposes
            .iter()
            .find(|p| p.lawful_basis.basis == LawfulBasis::LegitimateInterests)
            .expect("security monitoring on legitimate interests");
        assert!(on_interests.legitimate_interests.is_some());
        let adjustments = special_purpose(&record);
        assert_eq!(
            adjustments
                .personal_data_categories
                .iter()
                .filter(|c| c.special)
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            ["Disability information"]
        );
        assert_eq!(
            adjustments
                .special_category_condition
                .as_ref()
                .map(|c| c.condition),
            Some(SpecialCategoryCondition::Employment)
        );
        assert!(adjustments.policy_document.is_some());

        let rows = parse_csv(&record.to_csv());
        assert_eq!(rows.len(), 1 + register.purposes.len());
        for row in &rows[1..] {
            assert_eq!(row[column("controller")], "Derby City Council");
            assert_eq!(
                row[column("retention")],
                "1 year after the record was created, then review against the retention schedule"
            );
            assert_eq!(
                row[column("retention_schedule")],
                "https://www.derby.gov.uk/retention-schedule/"
            );
            assert!(row[column("security_measures")].starts_with("Physical, electronic"));
        }
        let interests_row = rows
            .iter()
            .find(|r| r[column("lawful_basis")] == "Art 6(1)(f) legitimate interests")
            .expect("the legitimate interests row");
        assert_eq!(
            Some(interests_row[column("legitimate_interests")].as_str()),
            on_interests.legitimate_interests.as_deref()
        );
        let special_row = rows
            .iter()
            .find(|r| r[column("special_categories")] == "Disability information")
            .expect("the reasonable adjustments row");
        assert!(
            special_row[column("policy_document")]
                .starts_with("Derby City Council appropriate policy document (owner: ")
        );
    }

    #[test]
    fn the_cabinet_office_processing_for_dcms_makes_art_30_2_rows() {
        let controller = dcms();
        let in_scope = controller.purposes[0].id;
        let processing_for = [(agreement(vec![in_scope]), controller)];
        let mut cabinet = demo::cabinet_office();
        cabinet.organisation.security_measures = Some("Encryption at rest, MFA".into());
        let record = Record::build(&cabinet, &processing_for);

        let processor = record.processor.as_ref().expect("acts as processor");
        assert_eq!(processor.processor.name, "Cabinet Office");
        assert_eq!(
            processor.security_measures.as_deref(),
            Some("Encryption at rest, MFA")
        );
        assert_eq!(processor.agreements.len(), 1);
        let agreement = &processor.agreements[0];
        assert_eq!(
            agreement.controller.name,
            "Department for Culture, Media and Sport"
        );
        assert_eq!(
            agreement.processing,
            "IT Service Desk platform for DCMS staff"
        );
        assert_eq!(agreement.starts_on, date(2018, 12, 17));
        assert_eq!(agreement.ends_on, Some(date(2027, 3, 31)));
        let names: Vec<&str> = agreement.purposes.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["DCMS IT service desk"]);
        assert_eq!(agreement.transfers.len(), 1);
        assert_eq!(agreement.transfers[0].mechanism, TransferMechanism::Idta);
        assert_eq!(agreement.transfers[0].article, "Art 46(2)(d)");

        let own = cabinet.purposes.len();
        let rows = parse_csv(&record.to_csv());
        assert_eq!(rows.len(), 1 + own + 1);
        assert!(
            rows[1..=own]
                .iter()
                .all(|r| r[column("record")] == "Art 30(1)")
        );
        let row = &rows[1 + own];
        assert_eq!(row.len(), CSV_HEADER.len());
        assert_eq!(row[column("record")], "Art 30(2)");
        assert_eq!(
            row[column("controller")],
            "Department for Culture, Media and Sport"
        );
        assert_eq!(
            row[column("controller_contact")],
            "100 Parliament Street, London, SW1A 2BQ"
        );
        assert_eq!(row[column("ico_registration_number")], "Z5679870");
        assert_eq!(
            row[column("dpo")],
            "Data Protection Officer; dpo@dcms.gov.uk"
        );
        assert_eq!(row[column("processor")], "Cabinet Office");
        assert_eq!(
            row[column("processor_dpo")],
            "Data Protection Officer; dpo@cabinetoffice.gov.uk"
        );
        assert_eq!(
            row[column("processing")],
            "IT Service Desk platform for DCMS staff"
        );
        assert_eq!(row[column("agreement_term")], "2018-12-17 to 2027-03-31");
        assert_eq!(row[column("contract_reference")], "CO-DCMS-2018-17");
        assert_eq!(row[column("purpose")], "DCMS IT service desk");
        assert_eq!(
            row[column("third_countries_and_safeguards")],
            "United States (idta, Art 46(2)(d), risk assessment DCMS-TRA-3)"
        );
        assert_eq!(row[column("security_measures")], "Encryption at rest, MFA");
        assert_eq!(
            row[column("lawful_basis")],
            "",
            "the controller's to record"
        );
    }

    #[test]
    fn unresolvable_purpose_ids_are_skipped() {
        let controller = dcms();
        let known = controller.purposes[0].id;
        let unknown = PurposeId::from_uuid(Uuid::from_u128(0xdead));
        let mut open_ended = agreement(vec![unknown, known, unknown]);
        open_ended.ends_on = None;
        open_ended.contract_reference = None;
        let only_unknown = agreement(vec![unknown]);
        let cabinet = demo::cabinet_office();
        let own = cabinet.purposes.len();
        let record = Record::build(
            &cabinet,
            &[(open_ended, controller.clone()), (only_unknown, controller)],
        );
        let processor = record.processor.as_ref().expect("acts as processor");
        assert_eq!(processor.agreements.len(), 2);
        let ids: Vec<PurposeId> = processor.agreements[0]
            .purposes
            .iter()
            .map(|p| p.purpose_id)
            .collect();
        assert_eq!(ids, [known]);
        assert!(processor.agreements[1].purposes.is_empty());
        assert!(processor.agreements[1].transfers.is_empty());

        let rows = parse_csv(&record.to_csv());
        assert_eq!(rows.len(), 1 + own + 1, "no row for an unknown purpose");
        assert_eq!(rows[1 + own][column("agreement_term")], "from 2018-12-17");
        assert_eq!(rows[1 + own][column("contract_reference")], "");
    }

    #[test]
    fn transfers_of_an_agreement_are_listed_once() {
        let mut controller = dcms();
        let mut second = controller.purposes[0].clone();
        second.id = PurposeId::from_uuid(Uuid::from_u128(0x9_1003));
        second.name = "DCMS user assets".into();
        controller.purposes.push(second);
        let ids = controller.purposes.iter().map(|p| p.id).collect();
        let cabinet = demo::cabinet_office();
        let record = Record::build(&cabinet, &[(agreement(ids), controller)]);
        let agreement = &record.processor.as_ref().expect("processor").agreements[0];
        assert_eq!(agreement.purposes.len(), 2);
        assert_eq!(agreement.purposes[1].transfers.len(), 1);
        assert_eq!(agreement.transfers.len(), 1);
        let rows = parse_csv(&record.to_csv());
        assert_eq!(rows.len(), 1 + cabinet.purposes.len() + 2);
    }

    #[test]
    fn a_purpose_without_retention_says_so() {
        // One names no policy, the other one the register does not hold.
        let mut register = dcms();
        let mut second = register.purposes[0].clone();
        second.id = PurposeId::from_uuid(Uuid::from_u128(0x9_1002));
        second.retention_policy = Some(RetentionPolicyId::from_uuid(Uuid::from_u128(0xbeef)));
        register.purposes.push(second);
        let record = Record::build(&register, &[]);
        assert!(
            record
                .controller
                .purposes
                .iter()
                .all(|p| p.retention.is_none())
        );
        let rows = parse_csv(&record.to_csv());
        assert_eq!(rows.len(), 1 + 2);
        assert_eq!(rows[1][column("retention")], "not set");
        assert_eq!(rows[2][column("retention")], "not set");
        assert_eq!(rows[2][column("retention_schedule")], "");
    }

    #[test]
    fn the_header_comes_first_and_every_line_ends_crlf() {
        let csv = Record::build(&demo::devon(), &[]).to_csv();
        let header = CSV_HEADER.join(",") + "\r\n";
        assert!(csv.starts_with(&header));
        assert!(csv.starts_with("record,controller,controller_contact,"));
        assert!(csv.ends_with("\r\n"));
        assert!(!csv.replace("\r\n", "").contains('\n'), "no bare LF");
        let rows = parse_csv(&csv);
        assert!(rows.iter().all(|r| r.len() == CSV_HEADER.len()));
    }

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        assert_eq!(csv_field("plain text"), "plain text");
        assert_eq!(csv_field(""), "");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(csv_field("line\r\nbreak"), "\"line\r\nbreak\"");
        assert_eq!(csv_field("it's"), "it's");
    }

    #[test]
    fn fields_that_would_be_formulas_are_defused() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
        assert_eq!(csv_field("+44 1332 640763"), "'+44 1332 640763");
        assert_eq!(csv_field("-2+3"), "'-2+3");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("\tcmd"), "'\tcmd");
        assert_eq!(csv_field("\rcmd"), "\"'\rcmd\"");
        assert_eq!(
            csv_field("a=b"),
            "a=b",
            "only a leading sign starts a formula"
        );
    }

    #[test]
    fn register_text_reaches_the_csv_escaped() {
        let mut register = demo::devon();
        register.purposes[0].name = "=cmd|' /C calc'!A0".into();
        register.purposes[0].description = "Tickets, \"urgent\" ones\r\nand the rest".into();
        let csv = Record::build(&register, &[]).to_csv();
        assert!(csv.contains(",'=cmd|' /C calc'!A0,"));
        assert!(csv.contains(",\"Tickets, \"\"urgent\"\" ones\r\nand the rest\","));
        let rows = parse_csv(&csv);
        assert_eq!(rows.len(), 1 + register.purposes.len());
        assert_eq!(rows[1][column("purpose")], "'=cmd|' /C calc'!A0");
        assert_eq!(
            rows[1][column("description")],
            "Tickets, \"urgent\" ones\r\nand the rest"
        );
    }

    #[cfg(feature = "openapi")]
    #[test]
    fn the_contract_can_publish_the_record() {
        use utoipa::ToSchema;
        let mut schemas = Vec::new();
        Record::schemas(&mut schemas);
        let names: Vec<&str> = schemas.iter().map(|(name, _)| name.as_str()).collect();
        for name in ["ControllerRecord", "ProcessorRecord", "PurposeRecord"] {
            assert!(names.contains(&name), "{name} in {names:?}");
        }
    }

    #[test]
    fn the_record_serialises_with_wire_codes() {
        let record = Record::build(&demo::cabinet_office(), &[]);
        let json = serde_json::to_value(&record).expect("json");
        let support = &json["controller"]["purposes"][0];
        assert_eq!(support["lawful_basis"]["basis"], "b");
        assert_eq!(support["lawful_basis"]["article"], "Art 6(1)(b)");
        assert_eq!(support["special_category_condition"]["condition"], "b");
        assert_eq!(support["schedule_1_condition"]["condition"], "employment");
        assert_eq!(support["transfers"][0]["mechanism"], "legacy_model_clauses");
        assert_eq!(support["retention"]["period"], "P1Y");
        assert_eq!(support["retention"]["trigger"], "after_leaving");
        assert_eq!(support["recipients"][0]["kind"], "processor");
        assert_eq!(support["rights"][0]["right"], "informed");
        assert_eq!(json["controller"]["controller"]["name"], "Cabinet Office");
        assert!(json["processor"].is_null());
    }
}
