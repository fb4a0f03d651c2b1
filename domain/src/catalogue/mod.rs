//! The personal-data catalogue: every table and column the desk stores, each classified as
//! personal data (whose, which kind, what erasure does to it) or as holding none, and how to
//! find a person's rows in each table. Subject access (Art 15), erasure (Art 17), restriction
//! (Art 18) and retention (Art 5(1)(e)) walk it rather than naming tables themselves.
//!
//! A walk for one person goes table by table: the rows the table's [`PersonLink`] finds are
//! theirs (through a parent's rows for a link through another table), and so are the rows any
//! of [`Table::person_columns`] names them in; on each such row, every column about them says
//! what erasure does ([`Personal::erasure`]).
//!
//! The types are here; the catalogue itself, which names the tables, is data in
//! `persistence`, and a test there fails on any column it does not classify.

use std::collections::HashSet;
use std::fmt;

use crate::closed_set;

pub mod data_kind;
pub mod erasure;
pub mod inventory;
pub mod person_key;

pub use data_kind::DataKind;
pub use erasure::{Erasure, ErasureAction, KeepReason, Replacement};
pub use inventory::{CategoryRef, Inventory, InventoryEntry};
pub use person_key::{About, PersonKey, PersonLink};

closed_set! {
    /// The kind of desk record a table holds.
    pub enum RecordKind for "record_kind" {
        Organisation = "organisation",
        RegisterEntry = "register_entry",
        RegisterChange = "register_change",
        PrivacyNotice = "privacy_notice",
        TicketSequence = "ticket_sequence",
        Ticket = "ticket",
        TicketComment = "ticket_comment",
        Person = "person",
        PersonChange = "person_change",
        Adjustment = "adjustment",
        DutyGrant = "duty_grant",
        Account = "account",
        AccountChange = "account_change",
        Asset = "asset",
        AssetAssignment = "asset_assignment",
        AssignmentChange = "assignment_change",
        HrSyncAnswer = "hr_sync_answer",
        Consent = "consent",
        SurveyAnswer = "survey_answer",
        DirectoryProfile = "directory_profile",
        Disclosure = "disclosure",
        DisclosureVersion = "disclosure_version",
        RightsRequest = "rights_request",
        Rectification = "rectification",
        RecipientNotice = "recipient_notice",
        Restriction = "restriction",
        RightsRequestStep = "rights_request_step",
        RetentionSweep = "retention_sweep",
        LegalHold = "legal_hold",
        AuditEvent = "audit_event",
        AuditChain = "audit_chain",
        AuditCheckpoint = "audit_checkpoint",
        AuditKey = "audit_key",
        ErasureRecord = "erasure_record",
        SchemaMigration = "schema_migration",
    }
}

closed_set! {
    /// Why a column holds no personal data.
    pub enum NotPersonal for "not_personal" {
        /// The row's own id.
        RowId = "row_id",
        /// The organisation the row belongs to.
        Tenant = "tenant",
        /// A link to a row that is not a person (a ticket, an asset, a register entry).
        Reference = "reference",
        /// The record's state, kind, version or times: about no one once the row's personal
        /// columns are erased or anonymised.
        RecordState = "record_state",
        /// About the organisation or its property (its register, notices, assets), not a person.
        Organisation = "organisation",
        /// A one-way digest of a request, kept to recognise a replay.
        Digest = "digest",
        /// The id of a person record already erased: it points at an anonymised stand-in.
        ErasedRecord = "erased_record",
    }
}

/// What one column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    Personal(Personal),
    NotPersonal(NotPersonal),
}

/// A column of personal data: whose, what kind, and what erasing that person does to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Personal {
    pub about: About,
    pub kind: DataKind,
    pub erasure: Erasure,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub holds: Holds,
}

impl Column {
    /// A column of personal data about the row's person.
    pub const fn about_row(name: &'static str, kind: DataKind, erasure: Erasure) -> Column {
        Column {
            name,
            holds: Holds::Personal(Personal {
                about: About::RowsPerson,
                kind,
                erasure,
            }),
        }
    }

    /// A column that names a person by `key`: their data, whoever the row belongs to.
    pub const fn naming(
        name: &'static str,
        key: PersonKey,
        kind: DataKind,
        erasure: Erasure,
    ) -> Column {
        Column {
            name,
            holds: Holds::Personal(Personal {
                about: About::Named(key),
                kind,
                erasure,
            }),
        }
    }

    pub const fn not_personal(name: &'static str, why: NotPersonal) -> Column {
        Column {
            name,
            holds: Holds::NotPersonal(why),
        }
    }

    pub fn personal(&self) -> Option<&Personal> {
        match &self.holds {
            Holds::Personal(personal) => Some(personal),
            Holds::NotPersonal(_) => None,
        }
    }
}

/// One table: its record kind, how to find a person's rows, and every column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    pub name: &'static str,
    pub record: RecordKind,
    /// `None` for a table about no one.
    pub person: Option<PersonLink>,
    pub columns: &'static [Column],
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The columns naming a person, each with its key: where a walk looks for someone,
    /// whether as the row's person or as another (the agent assigned, who approved).
    pub fn person_columns(&self) -> impl Iterator<Item = (&'static str, PersonKey)> + '_ {
        self.columns.iter().filter_map(|c| match c.personal() {
            Some(Personal {
                about: About::Named(key),
                ..
            }) => Some((c.name, *key)),
            _ => None,
        })
    }

    /// Whether `column` is about the row's person: it says so, or it is the link that names
    /// them.
    pub fn is_about_row(&self, column: &Column) -> bool {
        match column.personal() {
            Some(personal) => {
                personal.about == About::RowsPerson
                    || self.person.is_some_and(|link| link.column() == column.name)
            }
            None => false,
        }
    }
}

/// Every table of the desk's database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Catalogue {
    pub tables: &'static [Table],
}

/// A difference between the catalogue and the database it describes, named by table and
/// column only (never a value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gap {
    /// The database has a column the catalogue does not classify.
    Unclassified { table: String, column: String },
    /// The catalogue classifies a column the database does not have.
    Vanished { table: String, column: String },
}

impl fmt::Display for Gap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Gap::Unclassified { table, column } => write!(
                f,
                "{table}.{column} is in the database but not classified in the personal-data \
                 catalogue"
            ),
            Gap::Vanished { table, column } => write!(
                f,
                "the personal-data catalogue classifies {table}.{column}, which the database \
                 does not have"
            ),
        }
    }
}

impl Catalogue {
    pub const EMPTY: Catalogue = Catalogue { tables: &[] };

    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// How the catalogue differs from the `(table, column)` pairs a database has: the
    /// unclassified first, then the vanished, each in the order met.
    pub fn gaps<'a>(&self, live: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<Gap> {
        let live: Vec<(&str, &str)> = live.into_iter().collect();
        let known: HashSet<(&str, &str)> = self
            .tables
            .iter()
            .flat_map(|t| t.columns.iter().map(move |c| (t.name, c.name)))
            .collect();
        let present: HashSet<(&str, &str)> = live.iter().copied().collect();
        let mut gaps: Vec<Gap> = live
            .iter()
            .filter(|pair| !known.contains(*pair))
            .map(|(table, column)| Gap::Unclassified {
                table: (*table).to_owned(),
                column: (*column).to_owned(),
            })
            .collect();
        for table in self.tables {
            for column in table.columns {
                if !present.contains(&(table.name, column.name)) {
                    gaps.push(Gap::Vanished {
                        table: table.name.to_owned(),
                        column: column.name.to_owned(),
                    });
                }
            }
        }
        gaps
    }

    /// What is wrong with the catalogue itself, so that a walk over it cannot go astray:
    ///
    /// - each table and, within it, each column is named once;
    /// - a table's person link starts from one of its columns; a direct link is a personal
    ///   column naming the person by the link's key; a link through another table reaches a
    ///   table of the catalogue that has a link of its own;
    /// - a table with columns about the row's person has a link to find that person by;
    /// - erasure deletes the row only for columns about the row's person, and then for all of
    ///   them: a row is never half deleted;
    /// - a replacement tagged with the row's id is only for a table whose rows have an `id`.
    pub fn faults(&self) -> Vec<String> {
        let mut faults = Vec::new();
        let mut tables = HashSet::new();
        for table in self.tables {
            if !tables.insert(table.name) {
                faults.push(format!("table {} is catalogued twice", table.name));
            }
            let mut columns = HashSet::new();
            for column in table.columns {
                if !columns.insert(column.name) {
                    faults.push(format!(
                        "{}.{} is catalogued twice",
                        table.name, column.name
                    ));
                }
            }
            faults.extend(self.link_faults(table));
            faults.extend(erasure_faults(table));
        }
        faults
    }

    fn link_faults(&self, table: &Table) -> Vec<String> {
        let mut faults = Vec::new();
        let name = table.name;
        let Some(link) = table.person else {
            if table
                .columns
                .iter()
                .any(|c| c.personal().is_some_and(|p| p.about == About::RowsPerson))
            {
                faults.push(format!(
                    "{name} has columns about the row's person but no link to find them by"
                ));
            }
            return faults;
        };
        let Some(column) = table.column(link.column()) else {
            faults.push(format!(
                "{name}'s person link starts from {name}.{}, which is not catalogued",
                link.column()
            ));
            return faults;
        };
        match link {
            PersonLink::Column { key, .. } => {
                if column.personal().map(|p| p.about) != Some(About::Named(key)) {
                    faults.push(format!(
                        "{name}.{} links the row's person by {key}, so it must be personal \
                         data naming them by {key}",
                        column.name
                    ));
                }
            }
            PersonLink::Through { table: parent, .. } => match self.table(parent) {
                None => faults.push(format!(
                    "{name}'s person link goes through {parent}, which is not catalogued"
                )),
                Some(parent) if parent.person.is_none() => faults.push(format!(
                    "{name}'s person link goes through {}, which has no person link",
                    parent.name
                )),
                Some(_) => {}
            },
        }
        faults
    }

    /// The tables holding personal data of any of `kinds`, in catalogue order: where a data
    /// category covering those kinds is stored.
    pub fn tables_holding(&self, kinds: &[DataKind]) -> Vec<&'static str> {
        self.tables
            .iter()
            .filter(|t| {
                t.columns
                    .iter()
                    .any(|c| c.personal().is_some_and(|p| kinds.contains(&p.kind)))
            })
            .map(|t| t.name)
            .collect()
    }

    /// Whether some table of `kind` holds personal data.
    pub fn holds_personal_data(&self, kind: RecordKind) -> bool {
        self.tables
            .iter()
            .any(|t| t.record == kind && t.columns.iter().any(|c| c.personal().is_some()))
    }

    /// Whether rows of `kind` always hold special category data (Art 9(1)), so whatever governs
    /// them needs an Art 9(2) condition. Tickets are not: only a ticket flagged as holding
    /// health details does, and each flagged ticket is checked as it is written.
    pub fn always_special(&self, kind: RecordKind) -> bool {
        kind != RecordKind::Ticket
            && self.tables.iter().any(|t| {
                t.record == kind
                    && t.columns
                        .iter()
                        .any(|c| c.personal().is_some_and(|p| p.kind.is_special()))
            })
    }

    /// The record kind whose register binding governs rows of `kind`. A kind whose tables find
    /// their person through another table's rows (a comment through its ticket, an account's
    /// change through the account) is processed for whatever those rows are processed for, so
    /// it is governed as they are; any other kind by its own binding.
    pub fn governed_as(&self, kind: RecordKind) -> RecordKind {
        let mut current = kind;
        // A chain of links is as long as the catalogue at most; a cycle (a fault) stops there.
        for _ in 0..self.tables.len() {
            let parent = self.tables.iter().find_map(|t| match t.person {
                Some(PersonLink::Through { table, .. }) if t.record == current => self.table(table),
                _ => None,
            });
            match parent {
                Some(parent) => current = parent.record,
                None => break,
            }
        }
        current
    }

    /// The record kinds the processing register must bind to a purpose, in [`RecordKind::ALL`]
    /// order: those holding personal data, less those governed as another kind's rows.
    pub fn kinds_to_bind(&self) -> Vec<RecordKind> {
        RecordKind::ALL
            .iter()
            .copied()
            .filter(|&kind| self.holds_personal_data(kind) && self.governed_as(kind) == kind)
            .collect()
    }

    /// The kinds of personal data some table holds, in [`DataKind::ALL`] order.
    pub fn kinds_held(&self) -> Vec<DataKind> {
        DataKind::ALL
            .iter()
            .copied()
            .filter(|kind| !self.tables_holding(&[*kind]).is_empty())
            .collect()
    }
}

fn erasure_faults(table: &Table) -> Vec<String> {
    let mut faults = Vec::new();
    let mut deleted = Vec::new();
    let mut kept = Vec::new();
    for column in table.columns {
        let Some(personal) = column.personal() else {
            continue;
        };
        let row = table.is_about_row(column);
        if matches!(
            personal.erasure,
            Erasure::Anonymise(Replacement::TaggedRowId(_))
        ) && table.column("id").is_none()
        {
            faults.push(format!(
                "{}.{} is replaced with the row's id, but {} has no id column",
                table.name, column.name, table.name
            ));
        }
        if personal.erasure == Erasure::DeleteRow {
            if row {
                deleted.push(column.name);
            } else {
                faults.push(format!(
                    "{}.{} names someone other than the row's person: erasing them cannot \
                     delete the row",
                    table.name, column.name
                ));
            }
        } else if row {
            kept.push(column.name);
        }
    }
    if !deleted.is_empty() && !kept.is_empty() {
        faults.push(format!(
            "{}: erasure deletes the row for {} but keeps or anonymises {}",
            table.name,
            deleted.join(", "),
            kept.join(", ")
        ));
    }
    faults
}

#[cfg(test)]
mod tests {
    use super::*;

    const DELETE: Erasure = Erasure::DeleteRow;
    const BLANK: Erasure = Erasure::Anonymise(Replacement::Null);

    const PEOPLE: Table = Table {
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
            Column::about_row("email", DataKind::ContactDetails, BLANK),
            Column::not_personal("org_id", NotPersonal::Tenant),
        ],
    };

    const NOTES: Table = Table {
        name: "notes",
        record: RecordKind::TicketComment,
        person: Some(PersonLink::Through {
            column: "person_id",
            table: "people",
        }),
        columns: &[
            Column::not_personal("person_id", NotPersonal::Reference),
            Column::about_row("body", DataKind::FreeText, DELETE),
            Column::naming("author", PersonKey::Account, DataKind::Activity, BLANK),
        ],
    };

    const GOOD: Catalogue = Catalogue {
        tables: &[PEOPLE, NOTES],
    };

    fn catalogue(tables: &'static [Table]) -> Catalogue {
        Catalogue { tables }
    }

    #[test]
    fn a_consistent_catalogue_has_no_faults() {
        assert_eq!(GOOD.faults(), Vec::<String>::new());
    }

    #[test]
    fn a_column_the_database_has_and_the_catalogue_lacks_is_named() {
        let live = [
            ("people", "id"),
            ("people", "email"),
            ("people", "org_id"),
            ("people", "nickname"),
            ("notes", "person_id"),
            ("notes", "body"),
            ("notes", "author"),
        ];
        let gaps = GOOD.gaps(live);
        assert_eq!(
            gaps,
            [Gap::Unclassified {
                table: "people".into(),
                column: "nickname".into()
            }]
        );
        assert!(
            gaps[0].to_string().contains("people.nickname"),
            "{}",
            gaps[0]
        );
    }

    #[test]
    fn a_catalogued_column_the_database_lacks_is_named() {
        let live = [("people", "id"), ("people", "email"), ("people", "org_id")];
        let gaps = GOOD.gaps(live);
        let named: Vec<String> = gaps.iter().map(ToString::to_string).collect();
        assert_eq!(gaps.len(), 3, "{named:?}");
        assert!(
            gaps.iter()
                .all(|g| matches!(g, Gap::Vanished { table, .. } if table == "notes"))
        );
        assert!(named[0].contains("notes.person_id"), "{named:?}");
    }

    #[test]
    fn a_whole_new_table_is_unclassified_column_by_column() {
        let gaps = Catalogue::EMPTY.gaps([("audit_events", "id"), ("audit_events", "actor")]);
        assert_eq!(gaps.len(), 2);
        assert!(gaps[1].to_string().starts_with("audit_events.actor"));
    }

    #[test]
    fn a_row_is_never_half_deleted() {
        const HALF: Table = Table {
            columns: &[
                Column::not_personal("person_id", NotPersonal::Reference),
                Column::about_row("body", DataKind::FreeText, DELETE),
                Column::about_row("title", DataKind::FreeText, BLANK),
            ],
            ..NOTES
        };
        let faults = catalogue(&[PEOPLE, HALF]).faults();
        assert_eq!(faults.len(), 1, "{faults:?}");
        assert!(faults[0].contains("deletes the row for body"), "{faults:?}");
    }

    #[test]
    fn erasing_someone_else_never_deletes_the_row() {
        const OTHERS: Table = Table {
            columns: &[
                Column::not_personal("person_id", NotPersonal::Reference),
                Column::about_row("body", DataKind::FreeText, DELETE),
                Column::naming("author", PersonKey::Account, DataKind::Activity, DELETE),
            ],
            ..NOTES
        };
        let faults = catalogue(&[PEOPLE, OTHERS]).faults();
        assert_eq!(faults.len(), 1, "{faults:?}");
        assert!(faults[0].contains("notes.author"), "{faults:?}");
    }

    #[test]
    fn a_link_must_start_from_a_column_naming_the_person_by_its_key() {
        const WRONG_KEY: Table = Table {
            person: Some(PersonLink::Column {
                column: "id",
                key: PersonKey::Account,
            }),
            ..PEOPLE
        };
        let faults = catalogue(&[WRONG_KEY]).faults();
        assert_eq!(faults.len(), 1, "{faults:?}");
        assert!(faults[0].contains("people.id"), "{faults:?}");

        const NO_COLUMN: Table = Table {
            person: Some(PersonLink::Column {
                column: "person",
                key: PersonKey::PersonId,
            }),
            ..PEOPLE
        };
        let faults = catalogue(&[NO_COLUMN]).faults();
        assert!(faults[0].contains("people.person"), "{faults:?}");
    }

    #[test]
    fn a_link_through_a_table_needs_that_table_and_its_link() {
        let faults = catalogue(&[NOTES]).faults();
        assert_eq!(faults.len(), 1, "{faults:?}");
        assert!(faults[0].contains("through people"), "{faults:?}");

        const ANONYMOUS: Table = Table {
            person: None,
            columns: &[Column::not_personal("id", NotPersonal::RowId)],
            ..PEOPLE
        };
        let faults = catalogue(&[ANONYMOUS, NOTES]).faults();
        assert_eq!(faults.len(), 1, "{faults:?}");
        assert!(faults[0].contains("no person link"), "{faults:?}");
    }

    #[test]
    fn a_replacement_tagged_with_the_row_id_needs_an_id() {
        const TAGGED: Table = Table {
            columns: &[
                Column::not_personal("person_id", NotPersonal::Reference),
                Column::about_row("body", DataKind::FreeText, DELETE),
                Column::naming(
                    "author",
                    PersonKey::Account,
                    DataKind::Activity,
                    Erasure::Anonymise(Replacement::TaggedRowId("erased:")),
                ),
            ],
            ..NOTES
        };
        let faults = catalogue(&[PEOPLE, TAGGED]).faults();
        assert_eq!(
            faults,
            ["notes.author is replaced with the row's id, but notes has no id column"]
        );
    }

    #[test]
    fn data_about_the_rows_person_needs_a_link() {
        const UNLINKED: Table = Table {
            person: None,
            ..NOTES
        };
        let faults = catalogue(&[UNLINKED]).faults();
        assert!(faults.iter().any(|f| f.contains("no link")), "{faults:?}");
    }

    #[test]
    fn names_twice_are_faults() {
        let faults = catalogue(&[PEOPLE, PEOPLE]).faults();
        assert_eq!(faults, ["table people is catalogued twice"]);
        const TWICE: Table = Table {
            columns: &[
                Column::naming(
                    "id",
                    PersonKey::PersonId,
                    DataKind::Identity,
                    Erasure::Keep(KeepReason::AnonymisedRecord),
                ),
                Column::not_personal("id", NotPersonal::RowId),
            ],
            ..PEOPLE
        };
        assert_eq!(
            catalogue(&[TWICE]).faults(),
            ["people.id is catalogued twice"]
        );
    }

    #[test]
    fn a_kind_is_stored_where_a_column_holds_it() {
        assert_eq!(GOOD.tables_holding(&[DataKind::ContactDetails]), ["people"]);
        assert_eq!(
            GOOD.tables_holding(&[DataKind::Identity, DataKind::Activity]),
            ["people", "notes"]
        );
        assert!(GOOD.tables_holding(&[DataKind::Health]).is_empty());
        assert_eq!(
            GOOD.kinds_held(),
            [
                DataKind::Identity,
                DataKind::ContactDetails,
                DataKind::FreeText,
                DataKind::Activity
            ]
        );
    }

    #[test]
    fn a_walk_finds_a_person_in_every_column_naming_them() {
        assert_eq!(
            PEOPLE.person_columns().collect::<Vec<_>>(),
            [("id", PersonKey::PersonId)]
        );
        assert_eq!(
            NOTES.person_columns().collect::<Vec<_>>(),
            [("author", PersonKey::Account)]
        );
    }

    #[test]
    fn kinds_linked_through_another_table_are_governed_as_its_rows() {
        assert_eq!(
            GOOD.governed_as(RecordKind::TicketComment),
            RecordKind::Person
        );
        assert_eq!(GOOD.governed_as(RecordKind::Person), RecordKind::Person);
        assert!(GOOD.holds_personal_data(RecordKind::TicketComment));
        assert!(!GOOD.holds_personal_data(RecordKind::Asset));
        assert_eq!(GOOD.kinds_to_bind(), [RecordKind::Person]);
        assert!(Catalogue::EMPTY.kinds_to_bind().is_empty());
    }

    #[test]
    fn the_link_column_is_about_the_rows_person() {
        let id = PEOPLE.column("id").expect("id");
        assert!(PEOPLE.is_about_row(id));
        let author = NOTES.column("author").expect("author");
        assert!(!NOTES.is_about_row(author));
        let org = PEOPLE.column("org_id").expect("org_id");
        assert!(!PEOPLE.is_about_row(org));
    }
}
