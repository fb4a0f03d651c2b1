//! How a row or a column points at the person it is about: what a subject access, erasure or
//! retention walk looks for to find a person's rows.

use crate::closed_set;

closed_set! {
    /// What a column that names a person holds.
    pub enum PersonKey for "person_key" {
        /// The person's `PersonId` (`people.id`, or a reference to it).
        PersonId = "person_id",
        /// A token subject, the person's `external_id` in the row's organisation; for a person
        /// put on record without one (by HR or SCIM), their `PersonId` written as text.
        SubjectOrPersonId = "subject_or_person_id",
        /// A token subject of the row's organisation: a member of staff granted something.
        Subject = "subject",
        /// Who acted, as trails record it: a token subject of the row's organisation, or
        /// `subject@processor-slug` for a processor's staff acting for it.
        Actor = "actor",
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
