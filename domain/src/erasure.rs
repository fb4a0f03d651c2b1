//! Erasure of a person (Art 17), as the personal-data catalogue says column by column: which of
//! their rows go, which values are overwritten, which stay and why (Art 17(3)).
//!
//! - [`plan`]: for each table, how the person's own rows are found, what erasure does to them,
//!   and what it does to the columns of other rows that name them.
//! - [`for_request`]: how far an erasure request reaches, by its outcome and the register: a
//!   request partly fulfilled keeps what a purpose still needs under an Art 17(3) exemption.
//! - [`Scope`]: everything, or the holdings a retention policy's purpose governs.
//!
//! Running the plan is storage's; the rules are here.

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::catalogue::{
    Catalogue, Erasure, KeepReason, PersonKey, PersonLink, RecordKind, Replacement, Table,
};
use crate::register::Holding;
use crate::register::binding::PersonProcessing;
use crate::register::rights::{Right, RightExtent};
use crate::rights_requests::OutcomeKind;
use crate::ticket::TicketCategory;

/// Which of a person's records an erasure reaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// All of them: an erasure request fulfilled in full.
    Everything,
    /// Those of these holdings: what a purpose governs (a retention sweep), or what a request
    /// partly fulfilled does not keep.
    Holdings(Vec<Holding>),
}

/// How far a scope reaches into the rows of one record kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Every row.
    All,
    /// Tickets (or rows governed as tickets) of these categories only.
    Categories(Vec<TicketCategory>),
    /// None of them.
    Nothing,
}

impl Scope {
    /// How far the scope reaches into rows governed as `kind`.
    pub fn reach(&self, kind: RecordKind) -> Reach {
        let Scope::Holdings(holdings) = self else {
            return Reach::All;
        };
        let of_kind: Vec<&Holding> = holdings.iter().filter(|h| h.record_kind == kind).collect();
        if of_kind.is_empty() {
            return Reach::Nothing;
        }
        if of_kind.iter().any(|h| h.ticket_category.is_none()) {
            return Reach::All;
        }
        let mut categories: Vec<TicketCategory> =
            of_kind.iter().filter_map(|h| h.ticket_category).collect();
        categories.sort();
        categories.dedup();
        Reach::Categories(categories)
    }
}

/// What erasure does to the person's own rows of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowAction {
    /// The rows are deleted.
    Delete,
    /// The rows stay; these columns are overwritten.
    Anonymise(Vec<(&'static str, Replacement)>),
    /// The rows stay as they are.
    Keep,
}

/// How the person's own rows of a table are found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theirs {
    /// Columns naming the row's person, each by its key: the table's link, and the account
    /// column paired with it (`requester_account` beside `requester_id`), whose rows became the
    /// person's once their record took that account.
    pub finders: Vec<(&'static str, PersonKey)>,
    /// For a table linked through another: its column referencing the parent, and the parent,
    /// whose finders find the rows.
    pub parent: Option<(&'static str, &'static Table)>,
    pub action: RowAction,
}

/// What erasure does to a column of other rows that names the person (the agent assigned, who
/// approved).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedAction {
    /// The rows naming them are deleted.
    Delete,
    /// The column is overwritten where it names them.
    Set(Replacement),
}

/// A column of other rows naming the person, and what erasure does there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Named {
    pub column: &'static str,
    pub key: PersonKey,
    pub action: NamedAction,
}

/// What erasing a person does to one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableErasure {
    pub table: &'static Table,
    /// The kind whose register binding governs the rows (a comment is governed as its ticket).
    pub governed: RecordKind,
    pub theirs: Option<Theirs>,
    pub named: Vec<Named>,
    /// Columns about the person that stay for a reason the law accepts (Art 17(3)), beyond
    /// those that identify no one once the person's record is anonymised.
    pub kept: Vec<(&'static str, KeepReason)>,
}

/// The account column paired with a person column: `requester_account` for `requester_id`.
fn partner_account(table: &Table, column: &str) -> Option<&'static str> {
    let stem = column.strip_suffix("_id")?;
    table
        .person_columns()
        .find(|&(name, key)| {
            key == PersonKey::Account && name.strip_suffix("_account") == Some(stem)
        })
        .map(|(name, _)| name)
}

/// The finders of a table's own rows from its link `column` by `key`.
fn finders(table: &Table, column: &'static str, key: PersonKey) -> Vec<(&'static str, PersonKey)> {
    let mut found = vec![(column, key)];
    if key == PersonKey::PersonId
        && let Some(account) = partner_account(table, column)
    {
        found.push((account, PersonKey::Account));
    }
    found
}

/// What erasure does to the person's own rows (found in `table` by `finders`): deleted if any
/// column about them says so, else the columns to overwrite, else nothing.
fn row_action(table: &Table, finders: &[(&'static str, PersonKey)]) -> RowAction {
    let about: Vec<(&'static str, Erasure)> = table
        .columns
        .iter()
        .filter(|c| table.is_about_row(c) || finders.iter().any(|&(name, _)| name == c.name))
        .filter_map(|c| c.personal().map(|p| (c.name, p.erasure)))
        .collect();
    if about.iter().any(|(_, e)| *e == Erasure::DeleteRow) {
        return RowAction::Delete;
    }
    let overwritten: Vec<(&'static str, Replacement)> = about
        .iter()
        .filter_map(|(name, e)| e.replacement().map(|r| (*name, r)))
        .collect();
    if overwritten.is_empty() {
        RowAction::Keep
    } else {
        RowAction::Anonymise(overwritten)
    }
}

/// The walk of `catalogue` for erasing one person, table by table in catalogue order. Tables
/// about no one, and tables where erasure changes nothing and keeps nothing worth saying, are
/// left out. Running it children first (reverse order) lets a table linked through another
/// find its rows before the parent's are changed.
pub fn plan(catalogue: &'static Catalogue) -> Vec<TableErasure> {
    let mut plans = Vec::new();
    for table in catalogue.tables {
        let Some(link) = table.person else {
            continue;
        };
        let theirs = match link {
            PersonLink::Column { column, key } => {
                let finders = finders(table, column, key);
                Some(Theirs {
                    action: row_action(table, &finders),
                    finders,
                    parent: None,
                })
            }
            PersonLink::Through {
                column,
                table: parent_name,
            } => catalogue
                .table(parent_name)
                .and_then(|parent| match parent.person {
                    Some(PersonLink::Column {
                        column: parent_column,
                        key,
                    }) => Some(Theirs {
                        finders: finders(parent, parent_column, key),
                        parent: Some((column, parent)),
                        action: row_action(table, &[]),
                    }),
                    _ => None,
                }),
        };
        let own_link = theirs
            .as_ref()
            .filter(|t| t.parent.is_none())
            .map(|t| t.finders.clone())
            .unwrap_or_default();
        let mut named = Vec::new();
        let mut kept = Vec::new();
        for column in table.columns {
            let Some(personal) = column.personal() else {
                continue;
            };
            if let Erasure::Keep(reason) = personal.erasure
                && reason != KeepReason::AnonymisedRecord
            {
                kept.push((column.name, reason));
            }
            let Some((name, key)) = table
                .person_columns()
                .find(|&(name, _)| name == column.name)
            else {
                continue;
            };
            if own_link.iter().any(|&(own, _)| own == name) || key == PersonKey::Pseudonym {
                continue;
            }
            let action = match personal.erasure {
                Erasure::DeleteRow => NamedAction::Delete,
                Erasure::Anonymise(replacement) => NamedAction::Set(replacement),
                Erasure::Keep(_) => continue,
            };
            named.push(Named {
                column: name,
                key,
                action,
            });
        }
        // The audit trail is kept whole and names people only by pseudonyms: nothing to run.
        let theirs = theirs.filter(|t| {
            !t.finders
                .iter()
                .all(|&(_, key)| key == PersonKey::Pseudonym)
        });
        if theirs.is_none() && named.is_empty() && kept.is_empty() {
            continue;
        }
        plans.push(TableErasure {
            table,
            governed: catalogue.governed_as(table.record),
            theirs,
            named,
            kept,
        });
    }
    plans
}

/// A holding kept when a request is partly fulfilled: the purpose that still needs it, and the
/// exemption that lets it stay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefusedHolding {
    pub holding: Holding,
    pub purpose: String,
    /// The provision, e.g. `Art 17(3)(b)`.
    pub exemption: String,
}

/// How far an erasure request reaches once its outcome is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestErasure {
    /// Nothing is erased: the request was refused.
    Nothing,
    /// Erase within `scope`, keeping `refused` (empty when fulfilled in full).
    Erase {
        scope: Scope,
        refused: Vec<RefusedHolding>,
    },
}

/// Art 17(1), 17(3): what an erasure request erases, by its outcome. Fulfilled: everything.
/// Refused: nothing. Partly fulfilled: everything but the holdings of purposes whose erasure
/// right is exempt while they need the data (6(1)(c), (e): Art 17(3)(b)), each kept with its
/// exemption; refused as out of turn when no purpose is, or every one is, since then nothing
/// would be kept, or nothing erased.
pub fn for_request(
    processing: &PersonProcessing,
    outcome: OutcomeKind,
) -> Result<RequestErasure, DomainError> {
    match outcome {
        OutcomeKind::Refused => return Ok(RequestErasure::Nothing),
        OutcomeKind::Fulfilled => {
            return Ok(RequestErasure::Erase {
                scope: Scope::Everything,
                refused: Vec::new(),
            });
        }
        OutcomeKind::PartlyFulfilled => {}
    }
    let mut erased = processing.ungoverned.clone();
    let mut refused = Vec::new();
    for held in &processing.purposes {
        let exemption = held
            .purpose
            .rights
            .iter()
            .find(|r| r.right == Right::Erasure && r.extent == RightExtent::ExemptWhileNeeded)
            .and_then(|r| r.exemption);
        match exemption {
            Some(exemption) => refused.extend(held.holds.iter().map(|&holding| RefusedHolding {
                holding,
                purpose: held.purpose.name.clone(),
                exemption: exemption.article().to_owned(),
            })),
            None => erased.extend(held.holds.iter().copied()),
        }
    }
    if refused.is_empty() {
        return Err(DomainError::OutOfTurn {
            rule: "Art 17(3)",
            message: "no purpose holding the person's data is exempt from erasure, so nothing \
                      would be kept: record the request fulfilled, or refused on its ground"
                .to_owned(),
        });
    }
    if erased.is_empty() {
        return Err(DomainError::OutOfTurn {
            rule: "Art 17(3)",
            message: "every purpose holding the person's data is exempt from erasure while it \
                      needs it, so nothing would be erased: record the request refused on its \
                      ground"
                .to_owned(),
        });
    }
    erased.sort();
    erased.dedup();
    Ok(RequestErasure::Erase {
        scope: Scope::Holdings(erased),
        refused,
    })
}

/// What an erasure did: table by table, and what it kept of the holdings a request partly
/// fulfilled left alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    pub tables: Vec<TableReport>,
    /// Holdings kept because a purpose still needs them (Art 17(3)).
    pub refused: Vec<RefusedHolding>,
}

/// What an erasure did to one table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TableReport {
    pub table: String,
    /// Rows deleted.
    pub deleted: u64,
    /// Rows kept with values overwritten.
    pub anonymised: u64,
    /// The person's rows kept as they are, for the reasons in `kept`.
    pub kept_rows: u64,
    /// Columns kept where they name the person, and why (Art 17(3)).
    pub kept: Vec<KeptColumn>,
}

/// A column kept, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeptColumn {
    pub column: String,
    pub reason: KeepReason,
    pub explanation: String,
}

impl KeptColumn {
    pub fn new(column: &str, reason: KeepReason) -> KeptColumn {
        KeptColumn {
            column: column.to_owned(),
            reason,
            explanation: reason.explanation().to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Column, DataKind};
    use crate::register::demo;

    const STAND_IN: Erasure = Erasure::Keep(KeepReason::AnonymisedRecord);
    const TRAIL: Erasure = Erasure::Keep(KeepReason::AuditTrail);

    static TEST_CATALOGUE: Catalogue = Catalogue {
        tables: &[
            Table {
                name: "people",
                record: RecordKind::Person,
                person: Some(PersonLink::Column {
                    column: "id",
                    key: PersonKey::PersonId,
                }),
                columns: &[
                    Column::naming("id", PersonKey::PersonId, DataKind::Identity, STAND_IN),
                    Column::about_row(
                        "email",
                        DataKind::ContactDetails,
                        Erasure::Anonymise(Replacement::Null),
                    ),
                ],
            },
            Table {
                name: "tickets",
                record: RecordKind::Ticket,
                person: Some(PersonLink::Column {
                    column: "requester_id",
                    key: PersonKey::PersonId,
                }),
                columns: &[
                    Column::naming(
                        "requester_id",
                        PersonKey::PersonId,
                        DataKind::Identity,
                        STAND_IN,
                    ),
                    Column::naming(
                        "requester_account",
                        PersonKey::Account,
                        DataKind::Identity,
                        Erasure::Anonymise(Replacement::TaggedRowId("erased:")),
                    ),
                    Column::naming(
                        "agent_id",
                        PersonKey::PersonId,
                        DataKind::Activity,
                        STAND_IN,
                    ),
                    Column::naming(
                        "agent_account",
                        PersonKey::Account,
                        DataKind::Activity,
                        Erasure::Anonymise(Replacement::Text("erased")),
                    ),
                    Column::about_row(
                        "title",
                        DataKind::FreeText,
                        Erasure::Anonymise(Replacement::Text("[erased]")),
                    ),
                ],
            },
            Table {
                name: "comments",
                record: RecordKind::TicketComment,
                person: Some(PersonLink::Through {
                    column: "ticket_id",
                    table: "tickets",
                }),
                columns: &[Column::about_row(
                    "body",
                    DataKind::FreeText,
                    Erasure::DeleteRow,
                )],
            },
            Table {
                name: "disclosures",
                record: RecordKind::Disclosure,
                person: Some(PersonLink::Column {
                    column: "person_id",
                    key: PersonKey::PersonId,
                }),
                columns: &[Column::naming(
                    "person_id",
                    PersonKey::PersonId,
                    DataKind::Activity,
                    TRAIL,
                )],
            },
            Table {
                name: "events",
                record: RecordKind::AuditEvent,
                person: Some(PersonLink::Column {
                    column: "subject",
                    key: PersonKey::Pseudonym,
                }),
                columns: &[Column::naming(
                    "subject",
                    PersonKey::Pseudonym,
                    DataKind::Activity,
                    TRAIL,
                )],
            },
        ],
    };

    fn table<'a>(plans: &'a [TableErasure], name: &str) -> &'a TableErasure {
        plans
            .iter()
            .find(|p| p.table.name == name)
            .unwrap_or_else(|| panic!("{name} planned"))
    }

    #[test]
    fn a_persons_rows_are_found_by_their_link_and_its_partner_account() {
        let plans = plan(&TEST_CATALOGUE);
        let tickets = table(&plans, "tickets");
        let theirs = tickets.theirs.as_ref().expect("their tickets");
        assert_eq!(
            theirs.finders,
            [
                ("requester_id", PersonKey::PersonId),
                ("requester_account", PersonKey::Account)
            ]
        );
        assert_eq!(
            theirs.action,
            RowAction::Anonymise(vec![
                ("requester_account", Replacement::TaggedRowId("erased:")),
                ("title", Replacement::Text("[erased]")),
            ])
        );
        // The agent columns name someone else's rows: the account is overwritten there, the
        // person id stays pointing at the stand-in.
        assert_eq!(
            tickets.named,
            [Named {
                column: "agent_account",
                key: PersonKey::Account,
                action: NamedAction::Set(Replacement::Text("erased")),
            }]
        );
    }

    #[test]
    fn a_table_linked_through_another_is_found_through_the_parents_finders() {
        let plans = plan(&TEST_CATALOGUE);
        let comments = table(&plans, "comments");
        let theirs = comments.theirs.as_ref().expect("comments");
        assert_eq!(theirs.action, RowAction::Delete);
        let (column, parent) = theirs.parent.expect("through tickets");
        assert_eq!((column, parent.name), ("ticket_id", "tickets"));
        assert_eq!(theirs.finders[0], ("requester_id", PersonKey::PersonId));
        assert_eq!(comments.governed, RecordKind::Ticket);
    }

    #[test]
    fn kept_columns_say_why_and_the_audit_trail_runs_nothing() {
        let plans = plan(&TEST_CATALOGUE);
        let disclosures = table(&plans, "disclosures");
        assert_eq!(
            disclosures.theirs.as_ref().map(|t| &t.action),
            Some(&RowAction::Keep)
        );
        assert_eq!(disclosures.kept, [("person_id", KeepReason::AuditTrail)]);
        let events = table(&plans, "events");
        assert!(events.theirs.is_none());
        assert!(events.named.is_empty());
        assert_eq!(events.kept, [("subject", KeepReason::AuditTrail)]);
    }

    #[test]
    fn a_scope_of_holdings_reaches_its_kinds_and_ticket_categories() {
        assert_eq!(Scope::Everything.reach(RecordKind::Ticket), Reach::All);
        let scope = Scope::Holdings(vec![
            Holding::of(RecordKind::Person),
            Holding::ticket(TicketCategory::ALL[1]),
            Holding::ticket(TicketCategory::ALL[0]),
        ]);
        assert_eq!(scope.reach(RecordKind::Person), Reach::All);
        assert_eq!(scope.reach(RecordKind::Account), Reach::Nothing);
        assert_eq!(
            scope.reach(RecordKind::Ticket),
            Reach::Categories(vec![TicketCategory::ALL[0], TicketCategory::ALL[1]])
        );
    }

    fn processing_with(exempt: bool) -> PersonProcessing {
        let register = demo::all().into_iter().next().expect("a demo register");
        let holdings = [
            Holding::of(RecordKind::Person),
            Holding::of(RecordKind::Account),
        ];
        let mut processing = register.processing_of(&holdings);
        // Held under no purpose: erased whatever the outcome, unless refused in whole.
        processing.ungoverned = vec![Holding::of(RecordKind::SurveyAnswer)];
        for held in &mut processing.purposes {
            for right in &mut held.purpose.rights {
                if right.right == Right::Erasure {
                    right.extent = if exempt {
                        RightExtent::ExemptWhileNeeded
                    } else {
                        RightExtent::Full
                    };
                    right.exemption = exempt.then_some(
                        crate::register::rights::ErasureExemption::LegalObligationOrPublicTask,
                    );
                }
            }
        }
        processing
    }

    #[test]
    fn a_request_fulfilled_erases_everything_and_refused_nothing() {
        let processing = processing_with(true);
        assert_eq!(
            for_request(&processing, OutcomeKind::Fulfilled),
            Ok(RequestErasure::Erase {
                scope: Scope::Everything,
                refused: vec![]
            })
        );
        assert_eq!(
            for_request(&processing, OutcomeKind::Refused),
            Ok(RequestErasure::Nothing)
        );
    }

    #[test]
    fn a_request_partly_fulfilled_keeps_what_an_exempt_purpose_needs() {
        let processing = processing_with(true);
        assert!(!processing.purposes.is_empty());
        let Ok(RequestErasure::Erase { scope, refused }) =
            for_request(&processing, OutcomeKind::PartlyFulfilled)
        else {
            panic!("partly fulfilled erases something")
        };
        let held: usize = processing.purposes.iter().map(|p| p.holds.len()).sum();
        assert_eq!(refused.len(), held);
        assert!(refused.iter().all(|r| r.exemption == "Art 17(3)(b)"));
        assert_eq!(scope, Scope::Holdings(processing.ungoverned.clone()));
        let mut all_exempt = processing.clone();
        all_exempt.ungoverned.clear();
        assert!(matches!(
            for_request(&all_exempt, OutcomeKind::PartlyFulfilled),
            Err(DomainError::OutOfTurn {
                rule: "Art 17(3)",
                ..
            })
        ));
        assert!(matches!(
            for_request(&processing_with(false), OutcomeKind::PartlyFulfilled),
            Err(DomainError::OutOfTurn {
                rule: "Art 17(3)",
                ..
            })
        ));
    }
}
