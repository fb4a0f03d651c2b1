//! Data portability (Art 20): which of a person's records they provided themselves, and which
//! of their columns a portability bundle carries.
//!
//! Art 20(1) reaches data the person provided, processed by automated means on consent
//! (6(1)(a), 9(2)(a)) or a contract (6(1)(b)). Whether a purpose's processing qualifies, and
//! how far, is the purpose's rights ([`Purpose::rights`]): fully on 6(1)(a) or (b), for its
//! special category data alone on 9(2)(a). What the person provided is decided here, by kind
//! of record: the desk's people come from HR, their accounts, equipment and activity are
//! recorded by staff and systems, while tickets and comments are written by whoever raised or
//! wrote them, and consents and survey answers are given by the person. Of those, what the
//! person typed or chose (text, opinions, a consent, the flag that a ticket holds health
//! details) is provided; identifiers naming people are not, and are left out.

use crate::catalogue::{About, Column, DataKind, Holds, NotPersonal, RecordKind};
use crate::register::purpose::Purpose;
use crate::register::rights::{Right, RightExtent};

use super::shown::{Shown, WithheldReason};

/// Who provides a kind of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// The person the row is about (a consent, a survey answer).
    RowsPerson,
    /// Whoever the party column pair `<name>_id` / `<name>_account` names: a ticket is written
    /// by whoever raised it, a comment by its author.
    Author(&'static str),
}

impl Provider {
    /// The columns naming the author: by person id, and by account.
    pub fn author_columns(self) -> Option<(String, String)> {
        match self {
            Provider::RowsPerson => None,
            Provider::Author(name) => Some((format!("{name}_id"), format!("{name}_account"))),
        }
    }
}

/// Who provides rows of `kind`, when a person can: `None` for what the organisation records
/// about people (their record, accounts, equipment, adjustments, disclosures, the audit trail).
pub fn provider(kind: RecordKind) -> Option<Provider> {
    match kind {
        RecordKind::Ticket => Some(Provider::Author("raised_by")),
        RecordKind::TicketComment => Some(Provider::Author("author")),
        RecordKind::Consent | RecordKind::SurveyAnswer => Some(Provider::RowsPerson),
        _ => None,
    }
}

/// How far portability reaches data a purpose governs: `Full`, `ExplicitConsentDataOnly`, or
/// `None` when it does not apply (another basis, or not by automated means).
pub fn extent(purpose: &Purpose) -> Option<RightExtent> {
    purpose
        .rights()
        .into_iter()
        .find(|r| r.right == Right::Portability)
        .map(|r| r.extent)
}

/// Whether data of `kind` is something a person provides by typing or choosing it.
fn provided_kind(kind: DataKind) -> bool {
    matches!(
        kind,
        DataKind::FreeText | DataKind::Opinions | DataKind::Consent | DataKind::Health
    )
}

/// How a portability bundle shows `column` of a row the person provided, held for a purpose
/// whose portability reaches `extent`. Record state, ids and references are shown, so the data
/// can be read and taken elsewhere; what the person typed or chose is shown as far as the
/// extent reaches (only special category data under `ExplicitConsentDataOnly`), and withheld
/// as not portable beyond it; columns naming people, and anything else, are left out.
pub fn portable_shown(column: &Column, extent: Option<RightExtent>) -> Shown {
    let personal = match column.holds {
        Holds::NotPersonal(
            NotPersonal::RowId | NotPersonal::Reference | NotPersonal::RecordState,
        ) => {
            return Shown::Value;
        }
        Holds::NotPersonal(_) => return Shown::Omitted,
        Holds::Personal(personal) => personal,
    };
    if personal.about != About::RowsPerson || !provided_kind(personal.kind) {
        return Shown::Omitted;
    }
    let reaches = match extent {
        Some(RightExtent::Full) => true,
        Some(RightExtent::ExplicitConsentDataOnly) => personal.kind.is_special(),
        _ => false,
    };
    if reaches {
        Shown::Value
    } else {
        Shown::Withheld(WithheldReason::NotPortable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Erasure, PersonKey, Replacement};
    use crate::register::lawful_basis::LawfulBasis;
    use crate::register::special_category::SpecialCategoryCondition;

    const BLANK: Erasure = Erasure::Anonymise(Replacement::Null);

    fn purpose(basis: LawfulBasis) -> Purpose {
        let mut purpose = crate::register::demo::cabinet_office().purposes[0].clone();
        purpose.lawful_basis = basis;
        purpose.special_category_condition = None;
        purpose.automated_means = true;
        purpose
    }

    #[test]
    fn people_provide_tickets_comments_consents_and_survey_answers_only() {
        assert_eq!(
            provider(RecordKind::Ticket),
            Some(Provider::Author("raised_by"))
        );
        assert_eq!(
            Provider::Author("author").author_columns(),
            Some(("author_id".into(), "author_account".into()))
        );
        assert_eq!(
            provider(RecordKind::SurveyAnswer),
            Some(Provider::RowsPerson)
        );
        assert_eq!(provider(RecordKind::Consent), Some(Provider::RowsPerson));
        for kind in [
            RecordKind::Person,
            RecordKind::Account,
            RecordKind::AssetAssignment,
            RecordKind::Adjustment,
            RecordKind::Disclosure,
            RecordKind::AuditEvent,
        ] {
            assert_eq!(provider(kind), None, "{kind}");
        }
    }

    #[test]
    fn consent_and_contract_give_portability_public_task_does_not() {
        assert_eq!(
            extent(&purpose(LawfulBasis::Consent)),
            Some(RightExtent::Full)
        );
        assert_eq!(
            extent(&purpose(LawfulBasis::Contract)),
            Some(RightExtent::Full)
        );
        assert_eq!(extent(&purpose(LawfulBasis::PublicTask)), None);
        assert_eq!(extent(&purpose(LawfulBasis::LegalObligation)), None);
        let mut explicit = purpose(LawfulBasis::PublicTask);
        explicit.special_category_condition = Some(SpecialCategoryCondition::ExplicitConsent);
        assert_eq!(
            extent(&explicit),
            Some(RightExtent::ExplicitConsentDataOnly)
        );
        let mut paper = purpose(LawfulBasis::Consent);
        paper.automated_means = false;
        assert_eq!(extent(&paper), None);
    }

    #[test]
    fn what_the_person_typed_is_portable_as_far_as_the_basis_reaches() {
        let text = Column::about_row("body", DataKind::FreeText, BLANK);
        let health = Column::about_row("flag", DataKind::Health, BLANK);
        let full = Some(RightExtent::Full);
        let explicit = Some(RightExtent::ExplicitConsentDataOnly);
        assert_eq!(portable_shown(&text, full), Shown::Value);
        assert_eq!(portable_shown(&health, full), Shown::Value);
        assert_eq!(
            portable_shown(&text, explicit),
            Shown::Withheld(WithheldReason::NotPortable)
        );
        assert_eq!(portable_shown(&health, explicit), Shown::Value);
        assert_eq!(
            portable_shown(&text, None),
            Shown::Withheld(WithheldReason::NotPortable)
        );
    }

    #[test]
    fn identifiers_and_what_others_recorded_are_left_out() {
        let full = Some(RightExtent::Full);
        let requester = Column::naming(
            "requester_id",
            PersonKey::PersonId,
            DataKind::Identity,
            BLANK,
        );
        let email = Column::about_row("email", DataKind::ContactDetails, BLANK);
        let tenant = Column::not_personal("org_id", NotPersonal::Tenant);
        let state = Column::not_personal("status", NotPersonal::RecordState);
        assert_eq!(portable_shown(&requester, full), Shown::Omitted);
        assert_eq!(portable_shown(&email, full), Shown::Omitted);
        assert_eq!(portable_shown(&tenant, full), Shown::Omitted);
        assert_eq!(portable_shown(&state, full), Shown::Value);
    }
}
