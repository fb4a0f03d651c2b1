//! How a row or a column points at the person it is about: what a subject access, erasure or
//! retention walk looks for to find a person's rows.

use crate::closed_set;

closed_set! {
    /// What a column that names a person holds.
    pub enum PersonKey for "person_key" {
        /// The person's `PersonId` (`people.id`, or a reference to it).
        PersonId = "person_id",
        /// The account (token subject) of someone with no person record in the row's
        /// organisation: a desk user not on the HR feed, a system, or `subject@processor-slug`
        /// for a processor's user acting for it. The column's partner `<name>_id` holds the
        /// person otherwise; when a person record takes the account as its `external_id`, the
        /// account's rows become the person's.
        Account = "account",
        /// A document that names people by `PersonId` and `external_id` among its text: found
        /// by searching it, never by equality.
        Mentions = "mentions",
        /// A keyed pseudonym of the person (HMAC with the organisation's audit key): found by
        /// computing it from the identity while the key exists, and by no one once it is gone.
        Pseudonym = "pseudonym",
    }
}

/// How to find the rows of a table that belong to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonLink {
    /// `column` names the row's person by `key`.
    Column {
        column: &'static str,
        key: PersonKey,
    },
    /// The row belongs to whoever owns the row of `table` that `column` references (a comment
    /// is its ticket requester's).
    Through {
        column: &'static str,
        table: &'static str,
    },
}

impl PersonLink {
    /// The column of this table the link starts from.
    pub fn column(self) -> &'static str {
        match self {
            PersonLink::Column { column, .. } | PersonLink::Through { column, .. } => column,
        }
    }
}

/// Whom a personal column is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum About {
    /// The person the row belongs to, found by the table's [`PersonLink`].
    RowsPerson,
    /// The person this column itself names, by `key`: the row's person when the column is the
    /// table's link, otherwise someone else (the agent assigned, who approved).
    Named(PersonKey),
}
