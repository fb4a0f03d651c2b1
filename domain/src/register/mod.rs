//! The processing register: why each piece of personal data is held, on what lawful basis, who
//! receives it, where it goes abroad, how long it is kept, and what each person may ask of it
//! (UK GDPR Art 30, as amended by the Data (Use and Access) Act 2025).
//!
//! Two kinds of finding come out of it. A [`RuleViolation`] refuses a write: the register cannot
//! hold an entry that breaks the rule (a 422 naming the field and the article). A [`Lint`] is
//! lawful to store but wrong under today's law, so a notice that predates the law can be imported
//! as written and flagged, never silently rewritten.

pub mod agreement;
pub mod binding;
pub mod data_category;
pub mod data_map;
pub mod demo;
pub mod identity;
pub mod lawful_basis;
pub mod lint;
pub mod notice;
pub mod processing_role;
pub mod purpose;
pub mod recipient;
pub mod retention;
pub mod rights;
pub mod ropa;
pub mod snapshot;
pub mod special_category;
pub mod sweep;
pub mod transfer;
pub mod violation;

pub use agreement::{AgreementStatus, PartyAct, ProcessingAgreement, Standing};
pub use binding::{Governing, Governs, HeldForPurpose, Holding, PersonProcessing};
pub use data_category::DataCategory;
pub use identity::{Contact, OrganisationDetails};
pub use lawful_basis::{LawfulBasis, RecognisedLegitimateInterest};
pub use lint::{Lint, LintCode, LintEntity, LintEntityKind, Severity, lint_purpose, lint_transfer};
pub use processing_role::ProcessingRole;
pub use purpose::{DataSource, ProvisionRequirement, Purpose};
pub use recipient::{CountryCode, Recipient, RecipientKind};
pub use retention::{RetentionAction, RetentionPeriod, RetentionPolicy, RetentionTrigger};
pub use rights::{
    ApplicableRight, ErasureExemption, ErasureGround, RestrictionGround, Right, RightExtent,
    RightsFacts, applicable_rights,
};
pub use snapshot::{ChangeAction, Entry, EntryKind, InUse, Register};
pub use special_category::{PolicyDocument, Schedule1Condition, SpecialCategoryCondition};
pub use transfer::{Transfer, TransferMechanism};
pub use violation::RuleViolation;
