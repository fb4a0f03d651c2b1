//! The data inventory: the catalogue joined with one organisation's register, column by
//! column, so a DPO sees where the desk stores each kind of personal data, whose it is, what
//! erasure does to it, and which of the register's data categories declares it (Art 30(1)(c)).

use serde::{Deserialize, Serialize};

use crate::csv::push_row;
use crate::ids::DataCategoryId;
use crate::register::Register;

use super::{
    Catalogue, Column, DataKind, ErasureAction, Holds, KeepReason, NotPersonal, PersonKey,
    PersonLink, RecordKind, Table, person_key::About,
};

/// A data category of the register, named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryRef {
    pub id: DataCategoryId,
    pub name: String,
}

/// One column of the desk's database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InventoryEntry {
    pub table: String,
    pub column: String,
    pub record_kind: RecordKind,
    /// Whether the column holds personal data.
    pub personal: bool,
    /// Why it holds none; `null` when it holds some.
    pub not_personal: Option<NotPersonal>,
    /// The column of this table that finds the person this column is about: the column itself
    /// when it names them, otherwise the table's link.
    pub person_column: Option<String>,
    /// How `person_column` names the person; `null` when the link goes through another table.
    pub person_key: Option<PersonKey>,
    /// The table whose row `person_column` references, when the row belongs to that row's
    /// person (a comment is its ticket's requester's).
    pub through_table: Option<String>,
    pub data_kind: Option<DataKind>,
    /// A special category of personal data (Art 9(1)).
    pub special: bool,
    /// What erasing the person does to the value (Art 17).
    pub erasure: Option<ErasureAction>,
    /// The value an anonymised column is given.
    pub replacement: Option<String>,
    /// Why the value stays.
    pub keep_reason: Option<KeepReason>,
    /// The register's data categories covering `data_kind`, in register order; empty when
    /// the register declares none.
    pub categories: Vec<CategoryRef>,
}

/// Every column of the catalogue, in catalogue order, joined with one register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inventory {
    /// The organisation whose register the entries are joined with.
    pub organisation: String,
    pub entries: Vec<InventoryEntry>,
    /// Kinds of personal data the desk stores that no data category of the register covers:
    /// what the register (and so the privacy notice) does not yet declare.
    pub undeclared_kinds: Vec<DataKind>,
}

const CSV_HEADER: [&str; 15] = [
    "table",
    "column",
    "record_kind",
    "personal",
    "not_personal",
    "person_column",
    "person_key",
    "through_table",
    "data_kind",
    "special",
    "erasure",
    "replacement",
    "keep_reason",
    "category_ids",
    "category_names",
];

impl Inventory {
    pub fn build(catalogue: &Catalogue, register: &Register) -> Inventory {
        let categories_of = |kind: DataKind| -> Vec<CategoryRef> {
            register
                .data_categories
                .iter()
                .filter(|c| c.kinds.contains(&kind))
                .map(|c| CategoryRef {
                    id: c.id,
                    name: c.name.clone(),
                })
                .collect()
        };
        let entries = catalogue
            .tables
            .iter()
            .flat_map(|table| table.columns.iter().map(move |column| (table, column)))
            .map(|(table, column)| entry(table, column, &categories_of))
            .collect();
        let undeclared_kinds = catalogue
            .kinds_held()
            .into_iter()
            .filter(|kind| categories_of(*kind).is_empty())
            .collect();
        Inventory {
            organisation: register.organisation.name.clone(),
            entries,
            undeclared_kinds,
        }
    }

    /// One CSV row a column (RFC 4180, CRLF), several categories joined by `; `.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        push_row(&mut out, CSV_HEADER.iter().map(|h| (*h).to_owned()));
        let text = |value: Option<String>| value.unwrap_or_default();
        for e in &self.entries {
            push_row(
                &mut out,
                [
                    e.table.clone(),
                    e.column.clone(),
                    e.record_kind.to_string(),
                    e.personal.to_string(),
                    text(e.not_personal.map(|n| n.to_string())),
                    text(e.person_column.clone()),
                    text(e.person_key.map(|k| k.to_string())),
                    text(e.through_table.clone()),
                    text(e.data_kind.map(|k| k.to_string())),
                    e.special.to_string(),
                    text(e.erasure.map(|a| a.to_string())),
                    text(e.replacement.clone()),
                    text(e.keep_reason.map(|r| r.to_string())),
                    join(e.categories.iter().map(|c| c.id.to_string())),
                    join(e.categories.iter().map(|c| c.name.clone())),
                ],
            );
        }
        out
    }
}

fn join(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join("; ")
}

fn entry(
    table: &Table,
    column: &Column,
    categories_of: &impl Fn(DataKind) -> Vec<CategoryRef>,
) -> InventoryEntry {
    let mut entry = InventoryEntry {
        table: table.name.to_owned(),
        column: column.name.to_owned(),
        record_kind: table.record,
        personal: false,
        not_personal: None,
        person_column: None,
        person_key: None,
        through_table: None,
        data_kind: None,
        special: false,
        erasure: None,
        replacement: None,
        keep_reason: None,
        categories: Vec::new(),
    };
    let personal = match column.holds {
        Holds::NotPersonal(why) => {
            entry.not_personal = Some(why);
            return entry;
        }
        Holds::Personal(personal) => personal,
    };
    let (person_column, key, through) = match (personal.about, table.person) {
        (About::Named(key), _) => (Some(column.name), Some(key), None),
        (About::RowsPerson, Some(PersonLink::Column { column, key })) => {
            (Some(column), Some(key), None)
        }
        (About::RowsPerson, Some(PersonLink::Through { column, table })) => {
            (Some(column), None, Some(table))
        }
        (About::RowsPerson, None) => (None, None, None),
    };
    InventoryEntry {
        personal: true,
        person_column: person_column.map(str::to_owned),
        person_key: key,
        through_table: through.map(str::to_owned),
        data_kind: Some(personal.kind),
        special: personal.kind.is_special(),
        erasure: Some(personal.erasure.action()),
        replacement: personal.erasure.replacement().map(|r| r.to_string()),
        keep_reason: personal.erasure.keep_reason(),
        categories: categories_of(personal.kind),
        ..entry
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Erasure, Replacement};
    use crate::register::demo;

    const CATALOGUE: Catalogue = Catalogue {
        tables: &[
            Table {
                name: "people",
                record: RecordKind::Person,
                person: Some(PersonLink::Column {
                    column: "id",
                    key: PersonKey::PersonId,
                }),
                columns: &[
                    Column::naming(
                        "id",
                        PersonKey::PersonId,
                        DataKind::Identity,
                        Erasure::Keep(KeepReason::AnonymisedRecord),
                    ),
                    Column::about_row(
                        "email",
                        DataKind::ContactDetails,
                        Erasure::Anonymise(Replacement::Null),
                    ),
                    Column::not_personal("org_id", NotPersonal::Tenant),
                ],
            },
            Table {
                name: "adjustments",
                record: RecordKind::Adjustment,
                person: Some(PersonLink::Through {
                    column: "person_id",
                    table: "people",
                }),
                columns: &[Column::about_row(
                    "condition",
                    DataKind::Health,
                    Erasure::DeleteRow,
                )],
            },
        ],
    };

    fn names(entry: &InventoryEntry) -> Vec<&str> {
        entry.categories.iter().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn each_column_is_joined_with_the_categories_of_its_kind() {
        let inventory = Inventory::build(&CATALOGUE, &demo::cabinet_office());
        assert_eq!(inventory.organisation, "Cabinet Office");
        let [id, email, org, condition] = inventory.entries.as_slice() else {
            panic!("four entries: {inventory:?}");
        };
        assert_eq!(names(id), ["Name"]);
        assert_eq!(
            names(email),
            ["Business email", "Business telephone", "Business address"]
        );
        assert_eq!(names(condition), ["Health details"]);
        assert!(condition.special);
        assert!(org.categories.is_empty());
        assert!(!org.personal);
        assert_eq!(org.not_personal, Some(NotPersonal::Tenant));
        assert_eq!(org.erasure, None);
        assert!(inventory.undeclared_kinds.is_empty(), "{inventory:?}");
    }

    #[test]
    fn an_entry_says_how_to_find_the_person_and_what_erasure_does() {
        let inventory = Inventory::build(&CATALOGUE, &demo::devon());
        let [id, email, _, condition] = inventory.entries.as_slice() else {
            panic!("four entries: {inventory:?}");
        };
        assert_eq!(id.person_column.as_deref(), Some("id"));
        assert_eq!(id.person_key, Some(PersonKey::PersonId));
        assert_eq!(id.erasure, Some(ErasureAction::Keep));
        assert_eq!(id.keep_reason, Some(KeepReason::AnonymisedRecord));
        assert_eq!(email.person_column.as_deref(), Some("id"));
        assert_eq!(email.erasure, Some(ErasureAction::Anonymise));
        assert_eq!(email.replacement.as_deref(), Some("NULL"));
        assert_eq!(condition.person_column.as_deref(), Some("person_id"));
        assert_eq!(condition.person_key, None);
        assert_eq!(condition.through_table.as_deref(), Some("people"));
        assert_eq!(condition.erasure, Some(ErasureAction::DeleteRow));
    }

    #[test]
    fn kinds_the_register_does_not_declare_are_listed() {
        let mut register = demo::devon();
        register
            .data_categories
            .retain(|c| !c.kinds.contains(&DataKind::Health));
        let inventory = Inventory::build(&CATALOGUE, &register);
        assert_eq!(inventory.undeclared_kinds, [DataKind::Health]);
        assert!(inventory.entries[3].categories.is_empty());
    }

    #[test]
    fn the_csv_has_a_row_a_column() {
        let csv = Inventory::build(&CATALOGUE, &demo::cabinet_office()).to_csv();
        let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), 5, "{csv}");
        assert!(
            lines[0].starts_with("table,column,record_kind,personal"),
            "{csv}"
        );
        assert!(
            lines[2].starts_with(
                "people,email,person,true,,id,person_id,,contact_details,false,anonymise,NULL,,"
            ),
            "{csv}"
        );
        assert!(
            lines[2].ends_with("Business email; Business telephone; Business address"),
            "{csv}"
        );
        assert!(
            lines[3].starts_with("people,org_id,person,false,tenant,"),
            "{csv}"
        );
    }
}
