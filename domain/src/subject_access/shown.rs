//! What a subject access bundle shows of each column of a row it found, and what it withholds.
//!
//! A row is the person's own (found by its table's link: their ticket, their account) or only
//! names them (a ticket they raised for a colleague, an account they approved). Their own data
//! is shown; someone else's in the same record is withheld (Art 15(4), DPA 2018 Sch 2 para 16:
//! a copy must not adversely affect the rights of others), except text the person wrote
//! themselves, which tells them nothing new. Who among the staff read or changed their data is
//! the staff's personal data: the audit trail shows the kind of actor only.

use serde::Serialize;

use crate::catalogue::{About, Column, DataKind, NotPersonal, PersonKey, RecordKind};
use crate::closed_set;
use crate::ticket::CommentVisibility;

closed_set! {
    /// Who acted, as a bundle shows the audit trail's actors.
    pub enum ActorKind for "actor" {
        /// The person themselves.
        ThePerson = "the_person",
        /// Someone acting for the organisation: a member of its staff, a processor's staff
        /// acting for it, or one of its systems (HR sync, identity provisioning).
        Organisation = "organisation",
    }
}

impl ActorKind {
    /// The kind of actor a pseudonym is, given whether it is one of the person's own.
    pub fn of(is_the_person: bool) -> ActorKind {
        if is_the_person {
            ActorKind::ThePerson
        } else {
            ActorKind::Organisation
        }
    }

    /// What the kind means, as the bundle explains it.
    pub fn explanation(self) -> &'static str {
        match self {
            ActorKind::ThePerson => "you",
            ActorKind::Organisation => {
                "someone acting for the organisation: a member of its staff, a processor's \
                 staff acting for it, or one of its systems. Which one is their personal \
                 data; the trail keeps it as a keyed pseudonym, and the organisation's DPO \
                 can look into any access you question"
            }
        }
    }
}

closed_set! {
    /// Why something of a record is not in the bundle.
    pub enum WithheldReason for "reason" {
        /// A note the desk's staff wrote for each other on a ticket.
        InternalComment = "internal_comment",
        /// Someone else's personal data in a record shared with the person.
        AnotherPersonsData = "another_persons_data",
        /// Which member of staff or system acted, in the audit trail.
        StaffIdentity = "staff_identity",
        /// Outside portability: not provided by the person, or not held on consent or
        /// contract.
        NotPortable = "not_portable",
    }
}

impl WithheldReason {
    /// Why, in words the bundle gives the person, with the provision relied on.
    pub fn explanation(self) -> &'static str {
        match self {
            WithheldReason::InternalComment => {
                "internal notes the desk's staff wrote for each other, never shown to \
                 requesters; they may hold others' information and staff opinions (Art \
                 15(4), DPA 2018 Sch 2 para 16). The DPO reviews them on request and \
                 releases what is yours"
            }
            WithheldReason::AnotherPersonsData => {
                "personal data of someone else in a record shared with you (the person a \
                 ticket you raised was for, the agent who worked it, who approved an \
                 account): giving it would affect their rights (Art 15(4), DPA 2018 Sch 2 \
                 para 16)"
            }
            WithheldReason::StaffIdentity => {
                "which member of staff or system read or changed your data is their personal \
                 data: each access shows the kind of actor instead (Art 15(4))"
            }
            WithheldReason::NotPortable => {
                "not provided by you, or not held on consent or a contract: outside Art \
                 20(1); an access request (Art 15) gives a copy of it"
            }
        }
    }
}

/// A reason and how many times it applied, in one table (and column, for a column withheld
/// row by row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Withheld {
    pub table: &'static str,
    /// The column withheld; absent when whole rows were.
    pub column: Option<&'static str>,
    pub reason: WithheldReason,
    /// Values (or rows) withheld.
    pub count: u64,
    pub explanation: &'static str,
}

/// What is known of a row as the walk found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowFacts {
    /// Found by its table's link: the person's own record.
    pub theirs: bool,
    /// Its text was written by the person (they raised the ticket, wrote the comment).
    pub authored: bool,
}

/// Whom a column's value names, for a column naming a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    Nobody,
    ThePerson,
    SomeoneElse,
}

/// How a bundle shows one column's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// As stored.
    Value,
    /// An audit pseudonym, shown as the [`ActorKind`] it is.
    Actor,
    /// Replaced by nothing, and counted with the reason.
    Withheld(WithheldReason),
    /// Not part of the bundle: the tenant, digests, the organisation's own documents.
    Omitted,
}

/// How an access bundle (Art 15) shows `column` of a row, given what the row is to the person
/// and whom the value names (for a column naming a person).
///
/// - The row's state, id and references are shown; the tenant, digests and the organisation's
///   documents (a privacy notice's text) are not the person's data and are left out.
/// - A pseudonym is shown as the kind of actor it is.
/// - A column naming a person is shown when it names them (or nobody), withheld otherwise.
/// - Data about the row's person is shown on their own rows, and on others' rows only for text
///   they wrote themselves.
pub fn shown(column: &Column, row: RowFacts, names: Names) -> Shown {
    let Some(personal) = column.personal() else {
        return match column.holds {
            crate::catalogue::Holds::NotPersonal(
                NotPersonal::RowId | NotPersonal::Reference | NotPersonal::RecordState,
            ) => Shown::Value,
            _ => Shown::Omitted,
        };
    };
    match personal.about {
        About::Named(PersonKey::Pseudonym) => Shown::Actor,
        About::Named(_) => match names {
            Names::Nobody | Names::ThePerson => Shown::Value,
            Names::SomeoneElse => Shown::Withheld(WithheldReason::AnotherPersonsData),
        },
        About::RowsPerson if row.theirs => Shown::Value,
        About::RowsPerson if row.authored && personal.kind == DataKind::FreeText => Shown::Value,
        About::RowsPerson => Shown::Withheld(WithheldReason::AnotherPersonsData),
    }
}

/// Whether a whole row is withheld, by what its columns hold (`value` gives a column's text):
/// a ticket's internal comment is the desk's working note, never shown to requesters.
pub fn row_withheld<'a>(
    record: RecordKind,
    value: impl Fn(&str) -> Option<&'a str>,
) -> Option<WithheldReason> {
    match record {
        RecordKind::TicketComment
            if value("visibility") == Some(CommentVisibility::Internal.as_str()) =>
        {
            Some(WithheldReason::InternalComment)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Erasure, Replacement};

    const BLANK: Erasure = Erasure::Anonymise(Replacement::Null);
    const OWN: RowFacts = RowFacts {
        theirs: true,
        authored: false,
    };
    const OTHERS: RowFacts = RowFacts {
        theirs: false,
        authored: false,
    };
    const WRITTEN: RowFacts = RowFacts {
        theirs: false,
        authored: true,
    };
    const ANOTHER: Shown = Shown::Withheld(WithheldReason::AnotherPersonsData);

    #[test]
    fn record_state_is_shown_and_the_organisations_own_columns_left_out() {
        for why in [
            NotPersonal::RowId,
            NotPersonal::Reference,
            NotPersonal::RecordState,
        ] {
            let column = Column::not_personal("c", why);
            assert_eq!(shown(&column, OTHERS, Names::Nobody), Shown::Value);
        }
        for why in [
            NotPersonal::Tenant,
            NotPersonal::Digest,
            NotPersonal::Organisation,
        ] {
            let column = Column::not_personal("c", why);
            assert_eq!(shown(&column, OWN, Names::Nobody), Shown::Omitted);
        }
    }

    #[test]
    fn a_column_naming_someone_else_is_withheld() {
        let agent = Column::naming("agent_id", PersonKey::PersonId, DataKind::Activity, BLANK);
        assert_eq!(shown(&agent, OWN, Names::SomeoneElse), ANOTHER);
        assert_eq!(shown(&agent, OWN, Names::ThePerson), Shown::Value);
        assert_eq!(shown(&agent, OTHERS, Names::Nobody), Shown::Value);
        let account = Column::naming(
            "agent_account",
            PersonKey::Account,
            DataKind::Activity,
            BLANK,
        );
        assert_eq!(shown(&account, OWN, Names::SomeoneElse), ANOTHER);
    }

    #[test]
    fn pseudonyms_show_as_the_kind_of_actor() {
        let actor = Column::naming("actor", PersonKey::Pseudonym, DataKind::Activity, BLANK);
        assert_eq!(shown(&actor, OWN, Names::SomeoneElse), Shown::Actor);
        assert_eq!(ActorKind::of(true), ActorKind::ThePerson);
        assert_eq!(ActorKind::of(false), ActorKind::Organisation);
        assert!(ActorKind::Organisation.explanation().contains("staff"));
    }

    #[test]
    fn data_about_the_rows_person_is_theirs_alone_unless_they_wrote_it() {
        let title = Column::about_row("title", DataKind::FreeText, BLANK);
        let flag = Column::about_row("flag", DataKind::Health, BLANK);
        assert_eq!(shown(&title, OWN, Names::Nobody), Shown::Value);
        assert_eq!(shown(&title, OTHERS, Names::Nobody), ANOTHER);
        // What they typed on a colleague's ticket is theirs to see again...
        assert_eq!(shown(&title, WRITTEN, Names::Nobody), Shown::Value);
        // ...but not what the record says of the colleague's health.
        assert_eq!(shown(&flag, WRITTEN, Names::Nobody), ANOTHER);
    }

    #[test]
    fn internal_comments_are_withheld_whole() {
        let internal = |c: &str| (c == "visibility").then_some("internal");
        let public = |c: &str| (c == "visibility").then_some("public");
        assert_eq!(
            row_withheld(RecordKind::TicketComment, internal),
            Some(WithheldReason::InternalComment)
        );
        assert_eq!(row_withheld(RecordKind::TicketComment, public), None);
        assert_eq!(row_withheld(RecordKind::Ticket, internal), None);
    }

    #[test]
    fn every_reason_explains_itself_with_a_provision() {
        for reason in WithheldReason::ALL {
            assert!(reason.explanation().contains("Art "), "{reason}");
        }
    }
}
