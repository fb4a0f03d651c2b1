//! Who a record names: a person, or an account with no person record behind it.
//!
//! Every row about a person refers to them by [`PersonId`], so changing their `external_id`
//! (the token subject their identity provider gives them) never detaches them from their
//! records. A token subject is resolved to the person once, at the edge. A caller with no person
//! record is still somebody the desk must record: a desk user not on the HR feed, a processor's
//! user acting for a controller (`subject@processor`), or a system. They are named by their
//! account, and when a person record later takes that account as its `external_id` the
//! account's rows become the person's (see `persistence::parties::adopt`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::PersonId;

/// A person, or an account (token subject) with no person record. In JSON, one of
/// `{"person_id": "…"}` and `{"account": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Party {
    /// A person record of the organisation.
    #[serde(rename = "person_id")]
    Person(PersonId),
    /// The token subject of an account with no person record.
    #[serde(rename = "account")]
    Account(String),
}

impl Party {
    pub fn person(&self) -> Option<PersonId> {
        match self {
            Party::Person(id) => Some(*id),
            Party::Account(_) => None,
        }
    }

    pub fn account(&self) -> Option<&str> {
        match self {
            Party::Person(_) => None,
            Party::Account(account) => Some(account),
        }
    }

    /// The text an audit pseudonym is computed over. The prefixes keep the two forms apart, and
    /// `subject:` is what accounts were always pseudonymised as, so older events still match.
    pub fn canonical(&self) -> String {
        match self {
            Party::Account(account) => format!("subject:{account}"),
            Party::Person(id) => format!("person:{id}"),
        }
    }
}

/// For logs and trails that must say which kind of party without naming them.
impl fmt::Display for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Party::Person(_) => f.write_str("person"),
            Party::Account(_) => f.write_str("account"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_forms_are_pseudonymised_apart() {
        assert_eq!(Party::Account("jo".into()).canonical(), "subject:jo");
        assert!(
            Party::Person(PersonId::from_uuid(uuid::Uuid::from_u128(7)))
                .canonical()
                .starts_with("person:")
        );
    }
}
