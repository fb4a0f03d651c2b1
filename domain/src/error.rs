//! The one error type of the domain's rules.

use thiserror::Error;

/// A rule of the domain refused a value or a change. Messages name the rule and the values of
/// closed sets involved, never personal data.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    /// A value failed to parse into its domain type.
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// The caller's role may not make this change; the message says what the role may do.
    #[error("{0}")]
    NotPermitted(&'static str),
    /// A state machine refused a transition.
    #[error("cannot change {entity} status from {from} to {to}")]
    IllegalTransition {
        entity: &'static str,
        from: &'static str,
        to: &'static str,
    },
    /// The change clashes with where the thing stands; the message says why.
    #[error("{0}")]
    Conflict(&'static str),
    /// The step is not allowed where the thing stands, under the provision `rule` names; the
    /// message says why (dates and closed-set names, never personal data).
    #[error("{message} ({rule})")]
    OutOfTurn { rule: &'static str, message: String },
}

impl DomainError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            message: message.into(),
        }
    }
}
