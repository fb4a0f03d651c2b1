//! Register lints: entries lawful to store but wrong under today's law. Older notices are
//! imported as they were written, and what they say that the law no longer allows is flagged
//! here rather than rewritten.

use serde::Serialize;
use uuid::Uuid;

use crate::catalogue::RecordKind;
use crate::closed_set;
use crate::ticket::TicketCategory;

use super::lawful_basis::LawfulBasis;
use super::purpose::Purpose;
use super::retention::RetentionPolicy;

use super::transfer::Transfer;

closed_set! {
    /// How much a lint matters.
    pub enum Severity for "severity" {
        /// Worth knowing; nothing is wrong yet.
        Info = "info",
        /// The record falls short of what the law asks of it.
        Warning = "warning",
        /// The processing, as recorded, has no footing in today's law.
        Error = "error",
    }
}

closed_set! {
    /// What a lint found.
    pub enum LintCode for "code" {
        /// A public authority relies on 6(1)(ea) or (f) for processing in performance of its tasks.
        LegitimateInterestsInPublicTask = "legitimate_interests_in_public_task",
        /// A transfer relies on the legacy Model Contract Clauses.
        LegacyModelClauses = "legacy_model_clauses",
        /// A transfer on safeguards records no transfer risk assessment.
        TransferWithoutRiskAssessment = "transfer_without_risk_assessment",
        /// A purpose has no retention policy.
        PurposeWithoutRetention = "purpose_without_retention",
        /// A retention policy counts from consent withdrawn on a purpose that does not rest on
        /// consent, so its period never starts.
        RetentionTriggerWithoutConsent = "retention_trigger_without_consent",
        /// An appropriate policy document has no review date.
        PolicyDocumentWithoutReviewDate = "policy_document_without_review_date",
        /// A kind of desk record holding personal data (or a category of tickets) that no
        /// purpose governs.
        UnboundRecordKind = "unbound_record_kind",
        /// A kind of desk record (or a category of tickets) that two or more purposes govern.
        AmbiguousBinding = "ambiguous_binding",
        /// A purpose binds a kind of desk record that holds no personal data, or that is
        /// governed as another kind's rows (a ticket's comments as the ticket): it says nothing.
        BindingWithoutEffect = "binding_without_effect",
        /// A kind of desk record that always holds special category data (reasonable
        /// adjustments) is governed by a purpose with no Art 9(2) condition.
        SpecialCategoryWithoutCondition = "special_category_without_condition",
    }
}

impl LintCode {
    pub fn severity(self) -> Severity {
        match self {
            LintCode::LegitimateInterestsInPublicTask
            | LintCode::LegacyModelClauses
            | LintCode::UnboundRecordKind
            | LintCode::AmbiguousBinding
            | LintCode::SpecialCategoryWithoutCondition => Severity::Error,
            LintCode::TransferWithoutRiskAssessment
            | LintCode::PurposeWithoutRetention
            | LintCode::RetentionTriggerWithoutConsent
            | LintCode::PolicyDocumentWithoutReviewDate
            | LintCode::BindingWithoutEffect => Severity::Warning,
        }
    }

    /// The provision the lint enforces.
    pub fn article(self) -> &'static str {
        match self {
            LintCode::LegitimateInterestsInPublicTask => "Art 6(1), closing words",
            LintCode::LegacyModelClauses => "Art 46",
            LintCode::TransferWithoutRiskAssessment => "Art 46(1A)",
            LintCode::PurposeWithoutRetention => "Art 5(1)(e), 13(2)(a)",
            LintCode::RetentionTriggerWithoutConsent => "Art 5(1)(e)",
            LintCode::PolicyDocumentWithoutReviewDate => "DPA 2018 Sch 1 para 39, 40",
            // Processing is lawful only on a basis (6(1)), and the record names each purpose
            // (30(1)(b)): rows bound to none are held on no recorded basis.
            LintCode::UnboundRecordKind => "Art 6(1), 30(1)(b)",
            // Purposes are specified (5(1)(b)): rows under two of them have no one basis,
            // recipients or retention.
            LintCode::AmbiguousBinding => "Art 5(1)(b), 6(1)",
            LintCode::BindingWithoutEffect => "Art 30(1)(b)",
            // Special category data is processed only under a 9(2) condition.
            LintCode::SpecialCategoryWithoutCondition => "Art 9(1), 9(2)",
        }
    }
}

closed_set! {
    /// The kind of register entry a lint concerns.
    pub enum LintEntityKind for "kind" {
        Purpose = "purpose",
        Transfer = "transfer",
        /// A kind of desk record, which is no register entry: the binding lints concern one.
        RecordKind = "record_kind",
    }
}

/// What a lint concerns: a register entry by id, or a kind of desk record (for tickets,
/// perhaps one category).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LintEntity {
    pub kind: LintEntityKind,
    /// The entry's id; absent for a record kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    /// The record kind, for `kind: record_kind`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_kind: Option<RecordKind>,
    /// The category of tickets, where the lint concerns one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_category: Option<TicketCategory>,
}

impl LintEntity {
    pub(crate) fn entry(kind: LintEntityKind, id: Uuid) -> LintEntity {
        LintEntity {
            kind,
            id: Some(id),
            record_kind: None,
            ticket_category: None,
        }
    }

    pub fn record_kind(kind: RecordKind, ticket_category: Option<TicketCategory>) -> LintEntity {
        LintEntity {
            kind: LintEntityKind::RecordKind,
            id: None,
            record_kind: Some(kind),
            ticket_category,
        }
    }
}

/// A finding about a register entry that is lawful to store but wrong under today's law. The
/// message names closed-set values and dates of law, never personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Lint {
    pub code: LintCode,
    pub severity: Severity,
    pub article: &'static str,
    pub message: String,
    pub entity: LintEntity,
}

impl Lint {
    pub(crate) fn new(code: LintCode, entity: LintEntity, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: code.severity(),
            article: code.article(),
            message: message.into(),
            entity,
        }
    }
}

/// The lints of a purpose. `retention_policies` may hold all of the organisation's policies:
/// only the one the purpose names is read.
///
/// - `legitimate_interests_in_public_task` (error, Art 6(1) words after point (f)): points (ea)
///   and (f) do not apply to a public authority's processing in performance of its tasks.
/// - `purpose_without_retention` (warning, Art 5(1)(e), 13(2)(a)): no retention policy is named,
///   or the one named is not found.
/// - `retention_trigger_without_consent` (warning, Art 5(1)(e)): the period counts from consent
///   withdrawn, but neither the basis nor the condition is consent.
/// - `policy_document_without_review_date` (warning, DPA 2018 Sch 1 para 39, 40): the policy
///   document must be reviewed, and none is planned.
pub fn lint_purpose(
    organisation_is_public_authority: bool,
    purpose: &Purpose,
    retention_policies: &[RetentionPolicy],
) -> Vec<Lint> {
    let entity = LintEntity::entry(LintEntityKind::Purpose, purpose.id.as_uuid());
    let mut lints = Vec::new();

    if organisation_is_public_authority
        && purpose.performs_public_task
        && purpose.lawful_basis.excluded_from_public_authority_tasks()
    {
        lints.push(Lint::new(
            LintCode::LegitimateInterestsInPublicTask,
            entity,
            format!(
                "{} does not apply to processing by a public authority in performance of its \
                 tasks; public task ({}) is the basis to consider",
                purpose.lawful_basis.article(),
                LawfulBasis::PublicTask.article()
            ),
        ));
    }

    let retention = purpose
        .retention_policy
        .and_then(|id| retention_policies.iter().find(|policy| policy.id == id));
    match retention {
        None => lints.push(Lint::new(
            LintCode::PurposeWithoutRetention,
            entity,
            "no retention policy: data must not be kept longer than the purpose needs, and the \
             period or its criteria must be told",
        )),
        Some(policy) if policy.trigger.needs_consent() && !purpose.rests_on_consent() => {
            lints.push(Lint::new(
                LintCode::RetentionTriggerWithoutConsent,
                entity,
                format!(
                    "retention counts from {} but the purpose rests on {}, so the period never \
                     starts",
                    policy.trigger,
                    purpose.lawful_basis.article()
                ),
            ));
        }
        Some(_) => {}
    }

    if purpose
        .policy_document
        .as_ref()
        .is_some_and(|document| document.review_date.is_none())
    {
        lints.push(Lint::new(
            LintCode::PolicyDocumentWithoutReviewDate,
            entity,
            "the appropriate policy document has no review date; para 40 requires it to be \
             reviewed and kept up to date",
        ));
    }
    lints
}

/// The lints of a transfer.
///
/// - `legacy_model_clauses` (error, Art 46): the EU Model Contract Clauses stopped being a
///   safeguard for UK transfers on 21 March 2024; the IDTA or the UK Addendum replaces them.
/// - `transfer_without_risk_assessment` (warning, Art 46(1A)): a transfer on the IDTA, the UK
///   Addendum or binding corporate rules is lawful only if the data protection test is
///   considered met, and no assessment is recorded.
pub fn lint_transfer(transfer: &Transfer) -> Vec<Lint> {
    let entity = LintEntity::entry(LintEntityKind::Transfer, transfer.id.as_uuid());
    let mut lints = Vec::new();
    if transfer.mechanism.is_legacy() {
        lints.push(Lint::new(
            LintCode::LegacyModelClauses,
            entity,
            "Model Contract Clauses have not been a safeguard for UK transfers since 21 March \
             2024; use the IDTA or the UK Addendum",
        ));
    }
    if transfer.mechanism.needs_risk_assessment() && transfer.risk_assessment_reference.is_none() {
        lints.push(Lint::new(
            LintCode::TransferWithoutRiskAssessment,
            entity,
            format!(
                "a transfer on {} records no transfer risk assessment showing the data \
                 protection test is met",
                transfer.mechanism
            ),
        ));
    }
    lints
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::TransferId;
    use crate::register::demo as seeds;
    use crate::register::retention::RetentionTrigger;
    use crate::register::special_category::SpecialCategoryCondition;
    use crate::register::transfer::TransferMechanism;

    fn codes(lints: &[Lint]) -> Vec<LintCode> {
        lints.iter().map(|l| l.code).collect()
    }

    #[test]
    fn cabinet_office_model_contract_clauses_and_its_policy_document_are_flagged() {
        let register = seeds::cabinet_office();
        let lints = register.lints();
        assert_eq!(
            codes(&lints),
            [
                LintCode::PolicyDocumentWithoutReviewDate,
                LintCode::LegacyModelClauses
            ]
        );
        let support = seeds::purpose_named(&register, "IT requests and incidents");
        assert_eq!(lints[0].entity.id, Some(support.id.as_uuid()));
        assert_eq!(lints[0].entity.kind, LintEntityKind::Purpose);
        assert_eq!(lints[1].entity.kind, LintEntityKind::Transfer);
        assert_eq!(lints[1].severity, Severity::Error);
        assert_eq!(lints[1].article, "Art 46");
    }

    #[test]
    fn devon_public_task_register_is_clean() {
        assert_eq!(seeds::devon().lints(), []);
    }

    #[test]
    fn derby_legitimate_interests_in_its_tasks_and_its_policy_document_are_flagged() {
        let register = seeds::derby();
        let lints = register.lints();
        assert_eq!(
            codes(&lints),
            [
                LintCode::LegitimateInterestsInPublicTask,
                LintCode::PolicyDocumentWithoutReviewDate
            ]
        );
        let security = seeds::purpose_named(&register, "Information and cyber security");
        assert_eq!(lints[0].entity.id, Some(security.id.as_uuid()));
        assert_eq!(lints[0].severity, Severity::Error);
        assert_eq!(
            lints[0].message,
            "Art 6(1)(f) does not apply to processing by a public authority in performance of \
             its tasks; public task (Art 6(1)(e)) is the basis to consider"
        );
    }

    #[test]
    fn legitimate_interests_are_open_outside_the_authority_or_its_tasks() {
        let register = seeds::derby();
        let mut security = seeds::purpose_named(&register, "Information and cyber security");
        let has_lint = |public: bool, purpose: &Purpose| {
            codes(&lint_purpose(public, purpose, &register.retention_policies))
                .contains(&LintCode::LegitimateInterestsInPublicTask)
        };
        assert!(has_lint(true, &security));
        assert!(!has_lint(false, &security));
        security.performs_public_task = false;
        assert!(!has_lint(true, &security));
        security.performs_public_task = true;
        security.lawful_basis = LawfulBasis::RecognisedLegitimateInterest;
        assert!(has_lint(true, &security));
        security.lawful_basis = LawfulBasis::PublicTask;
        assert!(!has_lint(true, &security));
    }

    #[test]
    fn a_purpose_without_a_retention_policy_it_can_find_is_flagged() {
        let register = seeds::devon();
        let mut tickets = seeds::purpose_named(&register, "Support tickets");
        assert_eq!(
            lint_purpose(true, &tickets, &register.retention_policies),
            []
        );
        let lints = lint_purpose(true, &tickets, &[]);
        assert_eq!(codes(&lints), [LintCode::PurposeWithoutRetention]);
        assert_eq!(lints[0].article, "Art 5(1)(e), 13(2)(a)");
        tickets.retention_policy = None;
        assert_eq!(
            codes(&lint_purpose(true, &tickets, &register.retention_policies)),
            [LintCode::PurposeWithoutRetention]
        );
    }

    #[test]
    fn a_consent_trigger_needs_consent_to_withdraw() {
        let register = seeds::cabinet_office();
        let mut policies = register.retention_policies.clone();
        for policy in &mut policies {
            policy.trigger = RetentionTrigger::AfterConsentWithdrawn;
        }
        let surveys = seeds::purpose_named(&register, "Satisfaction surveys");
        assert_eq!(lint_purpose(true, &surveys, &policies), []);
        let accounts = seeds::purpose_named(&register, "User accounts");
        assert_eq!(
            codes(&lint_purpose(true, &accounts, &policies)),
            [LintCode::RetentionTriggerWithoutConsent]
        );
        let mut explicit = accounts.clone();
        explicit.special_category_condition = Some(SpecialCategoryCondition::ExplicitConsent);
        assert_eq!(lint_purpose(true, &explicit, &policies), []);
    }

    #[test]
    fn a_reviewed_policy_document_is_not_flagged() {
        let register = seeds::cabinet_office();
        let mut support = seeds::purpose_named(&register, "IT requests and incidents");
        if let Some(document) = support.policy_document.as_mut() {
            document.review_date = chrono::NaiveDate::from_ymd_opt(2027, 3, 31);
        }
        assert_eq!(
            lint_purpose(true, &support, &register.retention_policies),
            []
        );
    }

    #[test]
    fn transfers_on_current_safeguards_need_a_risk_assessment() {
        let transfer = |mechanism, reference: Option<&str>| Transfer {
            id: TransferId::from_uuid(Uuid::from_u128(77)),
            destination: "United States".into(),
            mechanism,
            risk_assessment_reference: reference.map(str::to_owned),
        };
        for mechanism in [
            TransferMechanism::Idta,
            TransferMechanism::UkAddendum,
            TransferMechanism::BindingCorporateRules,
        ] {
            assert_eq!(
                codes(&lint_transfer(&transfer(mechanism, None))),
                [LintCode::TransferWithoutRiskAssessment]
            );
            assert_eq!(lint_transfer(&transfer(mechanism, Some("TRA-1"))), []);
        }
        for mechanism in [
            TransferMechanism::ApprovedByRegulations,
            TransferMechanism::Derogation,
        ] {
            assert_eq!(lint_transfer(&transfer(mechanism, None)), []);
        }
        // The legacy clauses are flagged for what they are, with or without an assessment.
        for reference in [None, Some("TRA-1")] {
            assert_eq!(
                codes(&lint_transfer(&transfer(
                    TransferMechanism::LegacyModelClauses,
                    reference
                ))),
                [LintCode::LegacyModelClauses]
            );
        }
    }

    #[test]
    fn every_code_has_its_severity_article_and_wire_name() {
        for &code in LintCode::ALL {
            assert!(code.article().starts_with("Art ") || code.article().starts_with("DPA 2018"));
            let json = serde_json::to_string(&code).expect("json");
            assert_eq!(json, format!("\"{code}\""));
        }
        assert!(Severity::Error > Severity::Warning && Severity::Warning > Severity::Info);
        let lint = Lint::new(
            LintCode::PurposeWithoutRetention,
            LintEntity::entry(LintEntityKind::Purpose, Uuid::from_u128(5)),
            "x",
        );
        let json = serde_json::to_value(&lint).expect("json");
        assert_eq!(json["severity"], "warning");
        assert_eq!(json["entity"]["kind"], "purpose");
        assert_eq!(json["entity"]["id"], "00000000-0000-0000-0000-000000000005");
    }
}
