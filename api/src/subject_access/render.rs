//! One found row as the bundle shows it: the domain's rules applied column by column, and the
//! tally of what was withheld.

use std::collections::{BTreeMap, HashMap};

use domain::catalogue::{About, Column, PersonKey, RecordKind, Table};
use domain::register::rights::RightExtent;
use domain::register::{Governing, Holding};
use domain::subject_access::{
    ActorKind, Names, Provider, RowFacts, Scope, Shown, Withheld, WithheldReason, extent,
    portable_shown, provider, row_withheld, shown,
};
use domain::ticket::TicketCategory;
use persistence::subject_access::{FoundRow, Subject};
use serde_json::Value;

use super::Bundle;

/// How a column is shown whatever the row: what decides whether it is in the bundle at all.
fn static_shown(column: &Column, scope: Scope) -> Shown {
    match scope {
        Scope::Access => shown(
            column,
            RowFacts {
                theirs: true,
                authored: true,
            },
            Names::ThePerson,
        ),
        Scope::Portability => portable_shown(column, Some(RightExtent::Full)),
    }
}

/// The columns of `table` a bundle of `scope` shows, in catalogue order: its CSV header.
pub fn columns(table: &'static Table, scope: Scope) -> Vec<&'static Column> {
    table
        .columns
        .iter()
        .filter(|c| static_shown(c, scope) != Shown::Omitted)
        .collect()
}

/// What was withheld, counted by table, column and reason.
#[derive(Debug, Default)]
pub struct Tally(BTreeMap<(&'static str, Option<&'static str>, WithheldReason), u64>);

impl Tally {
    fn add(&mut self, table: &'static str, column: Option<&'static str>, reason: WithheldReason) {
        *self.0.entry((table, column, reason)).or_default() += 1;
    }

    pub fn into_withheld(self) -> Vec<Withheld> {
        self.0
            .into_iter()
            .map(|((table, column, reason), count)| Withheld {
                table,
                column,
                reason,
                count,
                explanation: reason.explanation(),
            })
            .collect()
    }
}

/// Applies the rules to rows, remembering how far portability reaches for each holding.
pub struct Renderer<'a> {
    bundle: &'a Bundle,
    scope: Scope,
    extents: HashMap<Holding, Option<RightExtent>>,
}

impl<'a> Renderer<'a> {
    pub fn new(bundle: &'a Bundle, scope: Scope) -> Self {
        Renderer {
            bundle,
            scope,
            extents: HashMap::new(),
        }
    }

    fn subject(&self) -> &Subject {
        &self.bundle.subject
    }

    fn names(&self, key: PersonKey, value: &Value) -> Names {
        if value.is_null() {
            Names::Nobody
        } else if self.subject().is_named(key, value) {
            Names::ThePerson
        } else {
            Names::SomeoneElse
        }
    }

    /// Whether the person wrote the row (raised the ticket, wrote the comment, gave the
    /// answer).
    fn authored(&self, record: RecordKind, row: &FoundRow) -> bool {
        match provider(record) {
            Some(Provider::RowsPerson) => row.theirs,
            Some(author @ Provider::Author(_)) => {
                author.author_columns().is_some_and(|(id, account)| {
                    let named = |column: &str, key| {
                        row.value(column)
                            .is_some_and(|v| self.names(key, v) == Names::ThePerson)
                    };
                    named(&id, PersonKey::PersonId) || named(&account, PersonKey::Account)
                })
            }
            None => false,
        }
    }

    /// How far portability reaches the row, by the purpose its register binding names.
    fn extent(&mut self, governed: RecordKind, row: &FoundRow) -> Option<RightExtent> {
        let holding = if governed == RecordKind::Ticket {
            Holding::ticket(
                row.ticket_category
                    .as_deref()?
                    .parse::<TicketCategory>()
                    .ok()?,
            )
        } else {
            Holding::of(governed)
        };
        let register = &self.bundle.register;
        *self
            .extents
            .entry(holding)
            .or_insert_with(|| match register.governing(holding) {
                Governing::By(purpose) => extent(purpose),
                Governing::Unbound | Governing::Ambiguous(_) => None,
            })
    }

    /// The values of `columns` the bundle shows for `row`, or `None` when the whole row is
    /// withheld; whatever is withheld is counted in `tally`.
    pub fn row(
        &mut self,
        plan: &domain::subject_access::TablePlan,
        columns: &[&'static Column],
        row: &FoundRow,
        tally: &mut Tally,
    ) -> Option<Vec<Value>> {
        let table = plan.table;
        let text = |c: &str| row.value(c).and_then(Value::as_str);
        if let Some(reason) = row_withheld(table.record, text) {
            tally.add(table.name, None, reason);
            return None;
        }
        let authored = self.authored(table.record, row);
        let portable = match self.scope {
            Scope::Access => None,
            Scope::Portability => {
                let extent = if row.theirs && authored {
                    self.extent(plan.governed, row)
                } else {
                    None
                };
                if extent.is_none() {
                    tally.add(table.name, None, WithheldReason::NotPortable);
                    return None;
                }
                Some(extent)
            }
        };
        let facts = RowFacts {
            theirs: row.theirs,
            authored,
        };
        let values = columns
            .iter()
            .map(|column| {
                let value = row.value(column.name).cloned().unwrap_or(Value::Null);
                let decision = match portable {
                    Some(extent) => portable_shown(column, extent),
                    None => {
                        let names = match column.personal().map(|p| p.about) {
                            Some(About::Named(key)) => self.names(key, &value),
                            _ => Names::Nobody,
                        };
                        shown(column, facts, names)
                    }
                };
                self.show(table.name, column.name, decision, value, tally)
            })
            .collect();
        Some(values)
    }

    fn show(
        &self,
        table: &'static str,
        column: &'static str,
        decision: Shown,
        value: Value,
        tally: &mut Tally,
    ) -> Value {
        if value.is_null() {
            return value;
        }
        match decision {
            Shown::Value | Shown::Omitted => value,
            Shown::Actor => {
                let own = value
                    .as_str()
                    .is_some_and(|p| self.subject().pseudonyms.iter().any(|mine| mine == p));
                if !own {
                    tally.add(table, Some(column), WithheldReason::StaffIdentity);
                }
                Value::String(ActorKind::of(own).as_str().to_owned())
            }
            Shown::Withheld(reason) => {
                tally.add(table, Some(column), reason);
                Value::String(format!("[withheld: {reason}]"))
            }
        }
    }
}
