//! The walk of the catalogue for one person's bundle: which tables it reads, how it finds
//! their rows in each, and which tables it leaves out and why.

use serde::Serialize;

use crate::catalogue::{Catalogue, PersonKey, PersonLink, RecordKind, Table};
use crate::closed_set;

use super::Scope;
use super::portability::provider;

/// How rows of a table are found for the person: `column` names them by `key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finder {
    pub column: &'static str,
    pub key: PersonKey,
    /// The column is the parent's, joined through the table's link (a comment's ticket).
    pub on_parent: bool,
    /// Rows found so belong to the person (the table's link); others only name them (the
    /// agent assigned, who approved), and whatever else they hold is someone else's.
    pub theirs: bool,
}

/// One table of the walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TablePlan {
    pub table: &'static Table,
    /// For a table linked through another: its column referencing the parent, and the parent.
    pub parent: Option<(&'static str, &'static Table)>,
    /// The rows found by the first finder come first; each later finder finds only rows no
    /// earlier one found.
    pub finders: Vec<Finder>,
    /// The kind whose register binding governs the rows (a comment is governed as its ticket).
    pub governed: RecordKind,
}

closed_set! {
    /// Why a table holding personal data is left out of a bundle.
    pub enum Left for "reason" {
        /// It names people among the text of a document, so finding one means reading every
        /// row; and what it holds is what the person record holds.
        Mentions = "mentions",
        /// Its rows are not what the person provided (portability only).
        NotProvided = "not_provided",
    }
}

impl Left {
    pub fn explanation(self) -> &'static str {
        match self {
            Left::Mentions => {
                "a stored answer to an HR batch, kept for a few days only to replay it; it names \
                 you among others and holds nothing of yours that the person record does not"
            }
            Left::NotProvided => {
                "recorded about you by the organisation or its systems rather than provided by \
                 you, so not within Art 20(1)"
            }
        }
    }
}

/// A table left out, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeftOut {
    pub table: &'static str,
    pub reason: Left,
    pub explanation: &'static str,
}

/// The tables a bundle of `scope` reads, in catalogue order, and the tables holding personal
/// data it leaves out. Tables about no one are neither.
///
/// - A table is read when its person link finds the person's rows (directly, or through a
///   parent's link: a comment through its ticket's requester).
/// - For access, each other column naming a person finds the rows that name them (tickets
///   they raised for someone else, approvals they gave); for portability only their own rows
///   count, of the kinds of record a person provides themselves.
/// - A table linked by a document mentioning people is left out ([`Left::Mentions`]).
pub fn plan(catalogue: &'static Catalogue, scope: Scope) -> (Vec<TablePlan>, Vec<LeftOut>) {
    let mut plans = Vec::new();
    let mut left = Vec::new();
    for table in catalogue.tables {
        let Some(link) = table.person else {
            continue;
        };
        if !table.columns.iter().any(|c| c.personal().is_some()) {
            continue;
        }
        let leave = |reason: Left| LeftOut {
            table: table.name,
            reason,
            explanation: reason.explanation(),
        };
        let governed = catalogue.governed_as(table.record);
        if scope == Scope::Portability && provider(table.record).is_none() {
            left.push(leave(Left::NotProvided));
            continue;
        }
        let (parent, own) = match link {
            PersonLink::Column { column, key } => (None, (column, key, false)),
            PersonLink::Through {
                column,
                table: parent,
            } => {
                let Some(parent) = catalogue.table(parent) else {
                    continue;
                };
                let Some(PersonLink::Column {
                    column: parent_column,
                    key,
                }) = parent.person
                else {
                    continue;
                };
                (Some((column, parent)), (parent_column, key, true))
            }
        };
        if own.1 == PersonKey::Mentions {
            left.push(leave(Left::Mentions));
            continue;
        }
        let mut finders = vec![Finder {
            column: own.0,
            key: own.1,
            on_parent: own.2,
            theirs: true,
        }];
        if scope == Scope::Access {
            finders.extend(
                table
                    .person_columns()
                    .filter(|&(column, key)| {
                        key != PersonKey::Mentions && (own.2 || column != own.0)
                    })
                    .map(|(column, key)| Finder {
                        column,
                        key,
                        on_parent: false,
                        theirs: false,
                    }),
            );
        }
        plans.push(TablePlan {
            table,
            parent,
            finders,
            governed,
        });
    }
    (plans, left)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Column, DataKind, Erasure, NotPersonal, Replacement};

    const BLANK: Erasure = Erasure::Anonymise(Replacement::Null);

    static CATALOGUE: Catalogue = Catalogue {
        tables: &[
            Table {
                name: "tickets",
                record: RecordKind::Ticket,
                person: Some(PersonLink::Column {
                    column: "requester_id",
                    key: PersonKey::PersonId,
                }),
                columns: &[
                    Column::not_personal("id", NotPersonal::RowId),
                    Column::naming(
                        "requester_id",
                        PersonKey::PersonId,
                        DataKind::Identity,
                        BLANK,
                    ),
                    Column::naming(
                        "raised_by_id",
                        PersonKey::PersonId,
                        DataKind::Activity,
                        BLANK,
                    ),
                    Column::about_row("title", DataKind::FreeText, BLANK),
                ],
            },
            Table {
                name: "ticket_comments",
                record: RecordKind::TicketComment,
                person: Some(PersonLink::Through {
                    column: "ticket_id",
                    table: "tickets",
                }),
                columns: &[
                    Column::not_personal("ticket_id", NotPersonal::Reference),
                    Column::naming("author_id", PersonKey::PersonId, DataKind::Activity, BLANK),
                    Column::about_row("body", DataKind::FreeText, BLANK),
                ],
            },
            Table {
                name: "hr_sync_requests",
                record: RecordKind::HrSyncAnswer,
                person: Some(PersonLink::Column {
                    column: "response",
                    key: PersonKey::Mentions,
                }),
                columns: &[Column::naming(
                    "response",
                    PersonKey::Mentions,
                    DataKind::Identity,
                    Erasure::DeleteRow,
                )],
            },
            Table {
                name: "assets",
                record: RecordKind::Asset,
                person: None,
                columns: &[Column::not_personal("id", NotPersonal::RowId)],
            },
        ],
    };

    fn columns(plan: &TablePlan) -> Vec<(&str, bool, bool)> {
        plan.finders
            .iter()
            .map(|f| (f.column, f.on_parent, f.theirs))
            .collect()
    }

    #[test]
    fn access_finds_rows_by_the_link_then_by_every_column_naming_the_person() {
        let (plans, left) = plan(&CATALOGUE, Scope::Access);
        let names: Vec<&str> = plans.iter().map(|p| p.table.name).collect();
        assert_eq!(names, ["tickets", "ticket_comments"]);
        assert_eq!(
            columns(&plans[0]),
            [
                ("requester_id", false, true),
                ("raised_by_id", false, false)
            ]
        );
        // A comment is its ticket requester's, and names its author.
        assert_eq!(
            columns(&plans[1]),
            [("requester_id", true, true), ("author_id", false, false)]
        );
        assert_eq!(
            plans[1].parent.map(|(c, t)| (c, t.name)),
            Some(("ticket_id", "tickets"))
        );
        assert_eq!(plans[1].governed, RecordKind::Ticket);
        assert_eq!(left.len(), 1);
        assert_eq!(
            (left[0].table, left[0].reason),
            ("hr_sync_requests", Left::Mentions)
        );
    }

    #[test]
    fn portability_reads_only_the_persons_own_rows_of_what_people_provide() {
        let (plans, left) = plan(&CATALOGUE, Scope::Portability);
        assert_eq!(plans.len(), 2);
        assert!(
            plans
                .iter()
                .all(|p| p.finders.len() == 1 && p.finders[0].theirs)
        );
        assert_eq!(
            left.iter().map(|l| (l.table, l.reason)).collect::<Vec<_>>(),
            [("hr_sync_requests", Left::NotProvided)]
        );
    }
}
