//! Refusals of a register write: each names the field it concerns and the article it enforces.

use std::fmt;

use serde::Serialize;

use crate::DomainError;

/// A rule of law a register entry breaks, so the entry cannot be stored. The message leads with
/// the article ("Art 9(1): special category data needs an Art 9(2) condition") and names only
/// closed-set values, never personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleViolation {
    /// The field of the entry at fault, as the API names it (`snake_case`, dotted when nested).
    pub field: &'static str,
    /// The provision the rule comes from, e.g. `Art 9(1)` or `DPA 2018 s.10(2)`.
    pub article: &'static str,
    /// What the rule requires, led by the article.
    pub message: String,
}

impl RuleViolation {
    pub fn new(field: &'static str, article: &'static str, requirement: impl fmt::Display) -> Self {
        Self {
            field,
            article,
            message: format!("{article}: {requirement}"),
        }
    }
}

impl fmt::Display for RuleViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl From<RuleViolation> for DomainError {
    fn from(violation: RuleViolation) -> Self {
        DomainError::Invalid {
            field: violation.field,
            message: violation.message,
        }
    }
}

/// All violations at once, so a caller can fix every field in one round trip.
pub(crate) fn all_or_nothing(violations: Vec<RuleViolation>) -> Result<(), Vec<RuleViolation>> {
    if violations.is_empty() {
        Ok(())
    } else {
        Err(violations)
    }
}

/// Text that says nothing: empty or only whitespace.
pub(crate) fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_violation_leads_with_its_article_and_becomes_an_invalid_field() {
        let violation = RuleViolation::new(
            "special_category_condition",
            "Art 9(1)",
            "special category data needs an Art 9(2) condition",
        );
        assert_eq!(
            violation.message,
            "Art 9(1): special category data needs an Art 9(2) condition"
        );
        assert_eq!(
            DomainError::from(violation),
            DomainError::invalid(
                "special_category_condition",
                "Art 9(1): special category data needs an Art 9(2) condition"
            )
        );
    }

    #[test]
    fn nothing_to_report_is_ok_and_anything_is_every_violation() {
        assert_eq!(all_or_nothing(Vec::new()), Ok(()));
        let two = vec![
            RuleViolation::new("name", "Art 30(1)(b)", "x"),
            RuleViolation::new("description", "Art 13(1)(c)", "y"),
        ];
        assert_eq!(all_or_nothing(two.clone()), Err(two));
    }

    #[test]
    fn blank_means_empty_or_whitespace() {
        assert!(is_blank(""));
        assert!(is_blank(" \t\n"));
        assert!(!is_blank(" x "));
    }
}
