//! What erasure (Art 17) does to a column holding personal data: the person's rows go, the
//! value is overwritten, or it stays for a stated reason (Art 17(3)).

use std::fmt;

use crate::closed_set;

/// What erasing the person a column is about does to its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Erasure {
    /// The person's rows are deleted, this value with them.
    DeleteRow,
    /// The row stays; the value is overwritten with the replacement.
    Anonymise(Replacement),
    /// The value stays, for a reason the law accepts.
    Keep(KeepReason),
}

closed_set! {
    /// The action alone, as the inventory names it.
    pub enum ErasureAction for "erasure" {
        DeleteRow = "delete_row",
        Anonymise = "anonymise",
        Keep = "keep",
    }
}

impl Erasure {
    pub fn action(self) -> ErasureAction {
        match self {
            Erasure::DeleteRow => ErasureAction::DeleteRow,
            Erasure::Anonymise(_) => ErasureAction::Anonymise,
            Erasure::Keep(_) => ErasureAction::Keep,
        }
    }

    pub fn replacement(self) -> Option<Replacement> {
        match self {
            Erasure::Anonymise(replacement) => Some(replacement),
            _ => None,
        }
    }

    pub fn keep_reason(self) -> Option<KeepReason> {
        match self {
            Erasure::Keep(reason) => Some(reason),
            _ => None,
        }
    }
}

/// The value an anonymised column is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replacement {
    /// SQL NULL: the column is nullable.
    Null,
    /// A fixed text (or boolean or enum wire name) that names no one.
    Text(&'static str),
    /// The prefix followed by the row's own id, for a column that must stay unique.
    TaggedRowId(&'static str),
}

impl fmt::Display for Replacement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Replacement::Null => f.write_str("NULL"),
            Replacement::Text(text) => f.write_str(text),
            Replacement::TaggedRowId(prefix) => write!(f, "{prefix}<row id>"),
        }
    }
}

closed_set! {
    /// Why a value stays when the person it is about is erased.
    pub enum KeepReason for "keep_reason" {
        /// The row stays as an anonymised record: once the person's own record is anonymised,
        /// this value (a link to it, a category) identifies no one.
        AnonymisedRecord = "anonymised_record",
        /// Who changed the register or published a notice: the controller's accountability
        /// (Art 5(2), 30), which outlives the person (Art 17(3)(b)).
        AuditTrail = "audit_trail",
        /// Who changed access to systems: the security record (Art 32, Art 17(3)(b)).
        SecurityRecord = "security_record",
        /// Who held which public asset: a financial record the organisation must keep
        /// (Art 17(3)(b)).
        FinancialRecord = "financial_record",
        /// That consent was given, and to which notice: the controller must be able to show it
        /// (Art 7(1); Art 17(3)(e)).
        ProofOfConsent = "proof_of_consent",
    }
}

impl KeepReason {
    /// The reason in words.
    pub fn explanation(self) -> &'static str {
        match self {
            KeepReason::AnonymisedRecord => {
                "kept on an anonymised record: it identifies no one once the person's own \
                 record is anonymised"
            }
            KeepReason::AuditTrail => {
                "the controller's audit trail of its register and notices (Art 5(2), 17(3)(b))"
            }
            KeepReason::SecurityRecord => {
                "the security record of who changed access to systems (Art 32, 17(3)(b))"
            }
            KeepReason::FinancialRecord => {
                "a financial record of who held a public asset (Art 17(3)(b))"
            }
            KeepReason::ProofOfConsent => "proof that consent was given (Art 7(1), 17(3)(e))",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_erasure_gives_its_action_and_its_detail() {
        let anonymise = Erasure::Anonymise(Replacement::Text("[erased]"));
        assert_eq!(anonymise.action(), ErasureAction::Anonymise);
        assert_eq!(
            anonymise.replacement().map(|r| r.to_string()).as_deref(),
            Some("[erased]")
        );
        assert_eq!(anonymise.keep_reason(), None);

        let keep = Erasure::Keep(KeepReason::FinancialRecord);
        assert_eq!(keep.action(), ErasureAction::Keep);
        assert_eq!(keep.replacement(), None);
        assert_eq!(keep.keep_reason(), Some(KeepReason::FinancialRecord));

        assert_eq!(Erasure::DeleteRow.action(), ErasureAction::DeleteRow);
        assert_eq!(Erasure::DeleteRow.replacement(), None);
    }

    #[test]
    fn replacements_read_as_written() {
        assert_eq!(Replacement::Null.to_string(), "NULL");
        assert_eq!(
            Replacement::TaggedRowId("erased:").to_string(),
            "erased:<row id>"
        );
    }

    #[test]
    fn every_reason_cites_the_law_or_says_why_it_names_no_one() {
        for reason in KeepReason::ALL {
            let text = reason.explanation();
            assert!(
                text.contains("Art ") || text.contains("anonymised"),
                "{text}"
            );
        }
    }
}
