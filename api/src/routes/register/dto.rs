//! Register request and response bodies. Entries go out as their domain documents with their
//! version and times beside; requests carry every field but the id, which the server assigns.

use chrono::{DateTime, Utc};
use domain::catalogue::DataKind;
use domain::ids::{DataCategoryId, PurposeId, RecipientId, RetentionPolicyId, TransferId};
use domain::party::Party;
use domain::register::{
    ApplicableRight, ChangeAction, CountryCode, DataCategory, DataSource, EntryKind, Governs,
    LawfulBasis, Lint, PolicyDocument, ProvisionRequirement, Purpose, Recipient, RecipientKind,
    RecognisedLegitimateInterest, RetentionAction, RetentionPeriod, RetentionPolicy,
    RetentionTrigger, Schedule1Condition, SpecialCategoryCondition, Transfer, TransferMechanism,
};
use persistence::register::{Change, Meta, Stored};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// A register entry's version and times.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryMeta {
    /// Increments with every change; the ETag carries it for `If-Match`.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Meta> for EntryMeta {
    fn from(meta: Meta) -> Self {
        EntryMeta {
            version: meta.version,
            created_at: meta.created_at,
            updated_at: meta.updated_at,
        }
    }
}

/// Declares the response body of one kind of entry, and its page.
macro_rules! entry_dto {
    ($(#[$meta:meta])* $dto:ident, $page:ident, $entry:ty) => {
        $(#[$meta])*
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $dto {
            #[serde(flatten)]
            pub entry: $entry,
            #[serde(flatten)]
            pub meta: EntryMeta,
        }

        impl From<Stored<$entry>> for $dto {
            fn from(stored: Stored<$entry>) -> Self {
                $dto {
                    entry: stored.body,
                    meta: stored.meta.into(),
                }
            }
        }

        /// A page of entries, oldest first.
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $page {
            pub items: Vec<$dto>,
            /// Pass as `cursor` for the next page; `null` on the last.
            pub next_cursor: Option<String>,
        }
    };
}

entry_dto!(
    /// A category of personal data (Art 30(1)(c)).
    DataCategoryDto,
    DataCategoryPage,
    DataCategory
);
entry_dto!(
    /// A recipient or category of recipients (Art 30(1)(d)).
    RecipientDto,
    RecipientPage,
    Recipient
);
entry_dto!(
    /// A transfer to a third country or international organisation (Art 30(1)(e)).
    TransferDto,
    TransferPage,
    Transfer
);
entry_dto!(
    /// A retention policy: when data is erased, anonymised or reviewed (Art 30(1)(f)).
    RetentionPolicyDto,
    RetentionPolicyPage,
    RetentionPolicy
);

/// A purpose of processing, with the rights its people have.
#[derive(Debug, Serialize, ToSchema)]
pub struct PurposeDto {
    #[serde(flatten)]
    pub entry: Purpose,
    #[serde(flatten)]
    pub meta: EntryMeta,
    /// The rights that apply to this purpose's data, each with the article and why.
    pub rights: Vec<ApplicableRight>,
}

impl From<Stored<Purpose>> for PurposeDto {
    fn from(stored: Stored<Purpose>) -> Self {
        PurposeDto {
            rights: stored.body.rights(),
            entry: stored.body,
            meta: stored.meta.into(),
        }
    }
}

/// A page of purposes, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct PurposePage {
    pub items: Vec<PurposeDto>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// A purpose of processing, as written. The rules of Art 6, 9 and 13 are checked on write and
/// every breach is answered at once (422), each naming its field and article.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PurposeInput {
    #[validate(length(max = 200))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    #[validate(length(max = 4000))]
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub description: String,
    pub lawful_basis: LawfulBasis,
    #[serde(default)]
    pub recognised_legitimate_interest: Option<RecognisedLegitimateInterest>,
    /// Whether the processing is done in performance of a public authority's tasks.
    #[serde(default)]
    pub performs_public_task: bool,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    #[serde(default)]
    pub legitimate_interests: Option<String>,
    #[serde(default)]
    pub special_category_condition: Option<SpecialCategoryCondition>,
    #[serde(default)]
    pub schedule_1_condition: Option<Schedule1Condition>,
    #[serde(default)]
    pub policy_document: Option<PolicyDocument>,
    #[validate(length(max = 50))]
    #[schema(min_items = 1, max_items = 50)]
    pub data_subject_categories: Vec<String>,
    #[validate(length(max = 200))]
    #[schema(min_items = 1, max_items = 200)]
    pub data_categories: Vec<DataCategoryId>,
    #[validate(length(max = 200))]
    #[schema(max_items = 200)]
    #[serde(default)]
    pub recipients: Vec<RecipientId>,
    #[validate(length(max = 200))]
    #[schema(max_items = 200)]
    #[serde(default)]
    pub transfers: Vec<TransferId>,
    #[serde(default)]
    pub retention_policy: Option<RetentionPolicyId>,
    pub source: DataSource,
    pub provision_requirement: ProvisionRequirement,
    /// Processed by automated means, not on paper alone (Art 20(1)(b)).
    #[serde(default = "yes")]
    pub automated_means: bool,
    #[serde(default)]
    pub automated_decision_making: bool,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    #[serde(default)]
    pub automated_decision_logic: Option<String>,
    /// The kinds of desk record the purpose governs, tickets perhaps by category. Each kind
    /// holding personal data must be governed by exactly one purpose (a register lint).
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    #[serde(default)]
    pub governs: Vec<Governs>,
}

fn yes() -> bool {
    true
}

impl PurposeInput {
    pub fn into_entry(self, id: PurposeId) -> Purpose {
        Purpose {
            id,
            name: self.name,
            description: self.description,
            lawful_basis: self.lawful_basis,
            recognised_legitimate_interest: self.recognised_legitimate_interest,
            performs_public_task: self.performs_public_task,
            legitimate_interests: self.legitimate_interests,
            special_category_condition: self.special_category_condition,
            schedule_1_condition: self.schedule_1_condition,
            policy_document: self.policy_document,
            data_subject_categories: self.data_subject_categories,
            data_categories: self.data_categories,
            recipients: self.recipients,
            transfers: self.transfers,
            retention_policy: self.retention_policy,
            source: self.source,
            provision_requirement: self.provision_requirement,
            automated_means: self.automated_means,
            automated_decision_making: self.automated_decision_making,
            automated_decision_logic: self.automated_decision_logic,
            governs: self.governs,
        }
    }
}

/// A category of personal data, as written.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DataCategoryInput {
    #[validate(length(max = 200))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    /// A special category of Art 9(1): health, disability, ethnicity, beliefs and the rest.
    #[serde(default)]
    pub special: bool,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    #[serde(default)]
    pub description: String,
    /// The kinds of personal data the category covers, so the data inventory and the data map
    /// can say where the desk stores it. A category covering `health` must be `special`.
    #[serde(default)]
    #[validate(length(max = 11))]
    #[schema(max_items = 11)]
    pub kinds: Vec<DataKind>,
}

impl DataCategoryInput {
    pub fn into_entry(self, id: DataCategoryId) -> DataCategory {
        // A kind named twice is stored once, in the order first named.
        let mut kinds = Vec::with_capacity(self.kinds.len());
        for kind in self.kinds {
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        DataCategory {
            id,
            name: self.name,
            special: self.special,
            description: self.description,
            kinds,
        }
    }
}

/// A recipient, as written.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecipientInput {
    #[validate(length(max = 200))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    pub kind: RecipientKind,
    #[serde(default)]
    pub country: Option<CountryCode>,
}

impl RecipientInput {
    pub fn into_entry(self, id: RecipientId) -> Recipient {
        Recipient {
            id,
            name: self.name,
            kind: self.kind,
            country: self.country,
        }
    }
}

/// A transfer, as written.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferInput {
    #[validate(length(max = 200))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub destination: String,
    pub mechanism: TransferMechanism,
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub risk_assessment_reference: Option<String>,
}

impl TransferInput {
    pub fn into_entry(self, id: TransferId) -> Transfer {
        Transfer {
            id,
            destination: self.destination,
            mechanism: self.mechanism,
            risk_assessment_reference: self.risk_assessment_reference,
        }
    }
}

/// A retention policy, as written.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionPolicyInput {
    pub trigger: RetentionTrigger,
    pub period: RetentionPeriod,
    pub action: RetentionAction,
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub schedule_reference: Option<String>,
}

impl RetentionPolicyInput {
    pub fn into_entry(self, id: RetentionPolicyId) -> RetentionPolicy {
        RetentionPolicy {
            id,
            trigger: self.trigger,
            period: self.period,
            action: self.action,
            schedule_reference: self.schedule_reference,
        }
    }
}

/// Reads of the register: the register now, or as it stood at `as_of`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// An RFC 3339 moment: the register as it stood then.
    #[param(value_type = Option<DateTime<Utc>>)]
    pub as_of: Option<String>,
}

/// A page of register entries, now or at `as_of`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntryListQuery {
    /// An RFC 3339 moment: the register as it stood then.
    #[param(value_type = Option<DateTime<Utc>>)]
    pub as_of: Option<String>,
    /// Page size, 1 to 500 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[A-Za-z0-9_-]{22}$")]
    pub cursor: Option<String>,
}

/// Which changes of the register history to show.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangeListQuery {
    /// Only changes to entries of this kind.
    #[param(value_type = Option<EntryKind>)]
    pub kind: Option<String>,
    /// Only changes to this entry.
    #[param(value_type = Option<uuid::Uuid>)]
    pub entry_id: Option<String>,
    /// Page size, 1 to 500 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[A-Za-z0-9_-]{22}$")]
    pub cursor: Option<String>,
}

/// One change to the register: who, when, and the entry before and after.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeDto {
    pub id: uuid::Uuid,
    pub kind: EntryKind,
    pub entry_id: uuid::Uuid,
    /// The entry's version the change made.
    pub version: i64,
    pub action: ChangeAction,
    /// Who made the change.
    pub actor: Party,
    /// The organisation the actor belongs to.
    pub actor_organisation: String,
    pub at: DateTime<Utc>,
    /// The entry before the change; `null` when created.
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The entry after the change; `null` when deleted.
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

impl ChangeDto {
    pub fn new(change: Change, actor_organisation: String) -> Self {
        ChangeDto {
            id: change.id.as_uuid(),
            kind: change.kind,
            entry_id: change.entry_id,
            version: change.version,
            action: change.action,
            actor: change.actor,
            actor_organisation,
            at: change.at,
            before: change.before,
            after: change.after,
        }
    }
}

/// A page of register changes, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangePage {
    pub items: Vec<ChangeDto>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// The register's lints: what is lawful to store but wrong under today's law.
#[derive(Debug, Serialize, ToSchema)]
pub struct LintReport {
    pub items: Vec<Lint>,
}
