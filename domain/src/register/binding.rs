//! Purpose bindings: which purpose of the register governs each kind of desk record, so that
//! the register is enforced and not only published. Each purpose declares what it governs
//! ([`Governs`]); the catalogue says which record kinds hold personal data and so must be
//! bound ([`Catalogue::kinds_to_bind`]).
//!
//! Why bindings live on the purpose rather than in an entry kind of their own: a binding has no
//! life apart from its purpose (it says what the purpose's basis, recipients and retention
//! apply to), so it is versioned, kept in the change history and shown in the Art 30 record
//! with it, and removing a purpose removes its bindings in the same change.
//!
//! Tickets are bound by category: a purpose may govern every ticket (no categories named) or
//! only some categories. A purpose naming a category governs it in place of one governing every
//! ticket, so one broad support purpose can sit beside a narrower one (complaints handled under
//! their own basis) without either being ambiguous. Two purposes naming the same category, or
//! two governing every ticket, leave the register unable to say which basis applies: a lint.

use serde::{Deserialize, Serialize};

use crate::catalogue::{Catalogue, RecordKind};
use crate::ticket::TicketCategory;

use super::lint::{Lint, LintCode, LintEntity, LintEntityKind};
use super::purpose::Purpose;
use super::ropa::PurposeRecord;
use super::snapshot::Register;
use super::violation::RuleViolation;

/// A kind of desk record a purpose governs: rows of this kind are processed for the purpose,
/// on its basis, shared with its recipients and kept for its retention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Governs {
    pub record_kind: RecordKind,
    /// Tickets only: the categories governed. Empty governs every ticket whose category no
    /// other purpose names.
    #[serde(default)]
    pub ticket_categories: Vec<TicketCategory>,
}

impl Governs {
    /// A binding of every row of `kind`.
    pub fn all(record_kind: RecordKind) -> Governs {
        Governs {
            record_kind,
            ticket_categories: Vec::new(),
        }
    }
}

/// Something the desk holds that a binding governs: rows of a record kind, and for tickets
/// their category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Holding {
    pub record_kind: RecordKind,
    /// For tickets, their category; absent for any other kind.
    pub ticket_category: Option<TicketCategory>,
}

impl Holding {
    pub fn of(record_kind: RecordKind) -> Holding {
        Holding {
            record_kind,
            ticket_category: None,
        }
    }

    pub fn ticket(category: TicketCategory) -> Holding {
        Holding {
            record_kind: RecordKind::Ticket,
            ticket_category: Some(category),
        }
    }

    /// What the holding is called in a message: `tickets of category complaint`, `consent`.
    fn describe(&self) -> String {
        match self.ticket_category {
            Some(category) => format!("tickets of category {category}"),
            None => format!("{} records", self.record_kind),
        }
    }
}

/// Which purpose governs a holding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Governing<'a> {
    /// No purpose governs it.
    Unbound,
    By(&'a Purpose),
    /// More than one purpose governs it, so the register does not say which basis applies.
    Ambiguous(Vec<&'a Purpose>),
}

/// The breaches of a purpose's own bindings (checked with the rest of `Purpose::validate`):
/// categories narrow tickets only, and each record kind is named once, so what the purpose
/// governs reads one way.
pub(crate) fn governs_violations(governs: &[Governs]) -> Vec<RuleViolation> {
    let mut violations = Vec::new();
    if governs
        .iter()
        .any(|g| g.record_kind != RecordKind::Ticket && !g.ticket_categories.is_empty())
    {
        violations.push(RuleViolation::new(
            "governs",
            "Art 5(1)(b)",
            "ticket categories narrow a binding of tickets only",
        ));
    }
    let mut kinds: Vec<RecordKind> = governs.iter().map(|g| g.record_kind).collect();
    kinds.sort();
    if kinds.windows(2).any(|pair| pair[0] == pair[1]) {
        violations.push(RuleViolation::new(
            "governs",
            "Art 5(1)(b)",
            "a purpose names each record kind it governs once",
        ));
    }
    violations
}

impl Register {
    /// The purpose governing `holding`. For a ticket, the purposes naming its category, else
    /// those governing every ticket; for any other kind, the purposes binding the kind.
    pub fn governing(&self, holding: Holding) -> Governing<'_> {
        let binding = |purpose: &Purpose| {
            purpose
                .governs
                .iter()
                .find(|g| g.record_kind == holding.record_kind)
                .cloned()
        };
        let bound: Vec<(&Purpose, Governs)> = self
            .purposes
            .iter()
            .filter_map(|p| binding(p).map(|g| (p, g)))
            .collect();
        let named: Vec<&Purpose> = match holding.ticket_category {
            Some(category) => bound
                .iter()
                .filter(|(_, g)| g.ticket_categories.contains(&category))
                .map(|(p, _)| *p)
                .collect(),
            None => Vec::new(),
        };
        let governing = if named.is_empty() {
            bound
                .iter()
                .filter(|(_, g)| g.ticket_categories.is_empty())
                .map(|(p, _)| *p)
                .collect()
        } else {
            named
        };
        match governing.as_slice() {
            [] => Governing::Unbound,
            [only] => Governing::By(only),
            _ => Governing::Ambiguous(governing),
        }
    }

    /// The binding lints, in the catalogue's record kind order, tickets category by category:
    ///
    /// - `unbound_record_kind` (error, Art 6(1), 30(1)(b)): a kind holding personal data that no
    ///   purpose governs; the desk holds it on no recorded basis. Where no purpose binds tickets
    ///   at all, one lint for tickets, not one per category.
    /// - `ambiguous_binding` (error, Art 5(1)(b), 6(1)): a kind or ticket category governed by
    ///   two purposes, so which basis, recipients and retention apply is not said.
    /// - `special_category_without_condition` (error, Art 9(1), 9(2)): a kind that always holds
    ///   special category data (reasonable adjustments) governed by a purpose with no Art 9(2)
    ///   condition: the data is held with no condition that lifts the prohibition.
    /// - `binding_without_effect` (warning, Art 30(1)(b)), after those: a purpose binds a kind
    ///   that holds no personal data, or is governed as another kind's rows; the record would
    ///   otherwise claim the purpose decides something it does not.
    pub fn binding_lints(&self, catalogue: &Catalogue) -> Vec<Lint> {
        let mut lints = Vec::new();
        let to_bind = catalogue.kinds_to_bind();
        for &kind in &to_bind {
            let binds_kind = self
                .purposes
                .iter()
                .any(|p| p.governs.iter().any(|g| g.record_kind == kind));
            let holdings: Vec<Holding> = if kind == RecordKind::Ticket && binds_kind {
                TicketCategory::ALL
                    .iter()
                    .map(|&c| Holding::ticket(c))
                    .collect()
            } else {
                vec![Holding::of(kind)]
            };
            for holding in holdings {
                let entity = LintEntity::record_kind(holding.record_kind, holding.ticket_category);
                match self.governing(holding) {
                    Governing::By(purpose)
                        if catalogue.always_special(kind)
                            && purpose.special_category_condition.is_none() =>
                    {
                        lints.push(Lint::new(
                            LintCode::SpecialCategoryWithoutCondition,
                            entity,
                            format!(
                                "{} hold special category data, but the purpose governing them \
                                 ({}) has no Art 9(2) condition",
                                holding.describe(),
                                purpose.name
                            ),
                        ));
                    }
                    Governing::By(_) => {}
                    Governing::Unbound => lints.push(Lint::new(
                        LintCode::UnboundRecordKind,
                        entity,
                        format!(
                            "no purpose governs {}, which hold personal data: bind them to the \
                             purpose whose basis they are held on",
                            holding.describe()
                        ),
                    )),
                    Governing::Ambiguous(purposes) => lints.push(Lint::new(
                        LintCode::AmbiguousBinding,
                        entity,
                        format!(
                            "{} are governed by {} purposes ({}): the register must say which \
                             one's basis, recipients and retention apply",
                            holding.describe(),
                            purposes.len(),
                            names(&purposes)
                        ),
                    )),
                }
            }
        }
        for purpose in &self.purposes {
            for binding in purpose
                .governs
                .iter()
                .filter(|g| !to_bind.contains(&g.record_kind))
            {
                let kind = binding.record_kind;
                let governed = catalogue.governed_as(kind);
                let why = if governed != kind {
                    format!("they are governed as the {governed} records they belong to")
                } else {
                    "they hold no personal data".to_owned()
                };
                lints.push(Lint::new(
                    LintCode::BindingWithoutEffect,
                    LintEntity::entry(LintEntityKind::Purpose, purpose.id.as_uuid()),
                    format!("the purpose binds {kind} records, but {why}"),
                ));
            }
        }
        lints
    }

    /// The Art 9 check of a ticket flagged as holding special category data: the purpose
    /// governing its category must have an Art 9(2) condition (Art 9(1)). The refusal names
    /// `contains_special_category`, the category and purposes, never the ticket's contents.
    pub fn special_category_ticket(
        &self,
        category: TicketCategory,
    ) -> Result<&Purpose, RuleViolation> {
        let refuse = |why: String| {
            RuleViolation::new(
                "contains_special_category",
                "Art 9(1)",
                format!("special category data needs an Art 9(2) condition: {why}"),
            )
        };
        match self.governing(Holding::ticket(category)) {
            Governing::By(purpose) if purpose.special_category_condition.is_some() => Ok(purpose),
            Governing::By(purpose) => Err(refuse(format!(
                "tickets of category {category} are governed by the purpose \"{}\", which has none",
                purpose.name
            ))),
            Governing::Unbound => Err(refuse(format!(
                "no purpose of the register governs tickets of category {category}"
            ))),
            Governing::Ambiguous(purposes) => Err(refuse(format!(
                "tickets of category {category} are governed by more than one purpose ({}), so \
                 the register does not say which condition applies",
                names(&purposes)
            ))),
        }
    }

    /// What the register says about the processing of one person's data (Art 15(1)(a) to (h)),
    /// given what the desk holds about them: each purpose governing some of it, with the
    /// holdings it governs, in the register's order; and what no single purpose governs.
    pub fn processing_of(&self, holdings: &[Holding]) -> PersonProcessing {
        let mut purposes: Vec<HeldForPurpose> = Vec::new();
        let mut ungoverned = Vec::new();
        let mut governed: Vec<(&Purpose, Holding)> = Vec::new();
        for &holding in holdings {
            match self.governing(holding) {
                Governing::By(purpose) => governed.push((purpose, holding)),
                Governing::Unbound | Governing::Ambiguous(_) => ungoverned.push(holding),
            }
        }
        for purpose in &self.purposes {
            let mut held: Vec<Holding> = governed
                .iter()
                .filter(|(p, _)| p.id == purpose.id)
                .map(|(_, h)| *h)
                .collect();
            if held.is_empty() {
                continue;
            }
            held.sort();
            held.dedup();
            purposes.push(HeldForPurpose {
                purpose: PurposeRecord::new(self, purpose),
                holds: held,
            });
        }
        ungoverned.sort();
        ungoverned.dedup();
        PersonProcessing {
            purposes,
            ungoverned,
        }
    }
}

fn names(purposes: &[&Purpose]) -> String {
    purposes
        .iter()
        .map(|p| format!("\"{}\"", p.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One purpose holding some of a person's data: the purpose as the Art 30 record states it
/// (name, description, basis and Art 9 condition, data categories, recipients, transfers and
/// their safeguards, retention, source, automated decisions, rights), and which of the person's
/// records it governs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldForPurpose {
    #[serde(flatten)]
    pub purpose: PurposeRecord,
    /// The kinds of the person's records this purpose governs.
    pub holds: Vec<Holding>,
}

/// The processing of one person's data, purpose by purpose (Art 15(1)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonProcessing {
    pub purposes: Vec<HeldForPurpose>,
    /// What the desk holds about the person that no single purpose governs (a register lint
    /// says so): told rather than hidden.
    pub ungoverned: Vec<Holding>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Column, DataKind, Erasure, PersonKey, PersonLink, Table};
    use crate::register::demo;
    use crate::register::lint::LintEntityKind;
    use crate::register::special_category::SpecialCategoryCondition;

    const ERASE: Erasure = Erasure::DeleteRow;

    /// A catalogue of tickets, their comments (through the ticket) and consents.
    const CATALOGUE: Catalogue = Catalogue {
        tables: &[
            Table {
                name: "tickets",
                record: RecordKind::Ticket,
                person: Some(PersonLink::Column {
                    column: "requester",
                    key: PersonKey::Account,
                }),
                columns: &[Column::naming(
                    "requester",
                    PersonKey::Account,
                    DataKind::Identity,
                    ERASE,
                )],
            },
            Table {
                name: "ticket_comments",
                record: RecordKind::TicketComment,
                person: Some(PersonLink::Through {
                    column: "ticket_id",
                    table: "tickets",
                }),
                columns: &[Column::about_row("body", DataKind::FreeText, ERASE)],
            },
            Table {
                name: "consents",
                record: RecordKind::Consent,
                person: Some(PersonLink::Column {
                    column: "person_id",
                    key: PersonKey::PersonId,
                }),
                columns: &[Column::naming(
                    "person_id",
                    PersonKey::PersonId,
                    DataKind::Consent,
                    ERASE,
                )],
            },
        ],
    };

    fn codes(lints: &[Lint]) -> Vec<(LintCode, Option<TicketCategory>)> {
        lints
            .iter()
            .map(|l| (l.code, l.entity.ticket_category))
            .collect()
    }

    fn devon_with(governs: &[(&str, Vec<Governs>)]) -> Register {
        let mut register = demo::devon();
        for p in &mut register.purposes {
            p.governs = Vec::new();
        }
        for (name, g) in governs {
            let purpose = register
                .purposes
                .iter_mut()
                .find(|p| p.name == *name)
                .expect("a Devon purpose");
            purpose.governs = g.clone();
        }
        register
    }

    #[test]
    fn an_unbound_kind_holding_personal_data_is_an_error_and_comments_follow_tickets() {
        let register = devon_with(&[("Support tickets", vec![Governs::all(RecordKind::Ticket)])]);
        let lints = register.binding_lints(&CATALOGUE);
        assert_eq!(codes(&lints), [(LintCode::UnboundRecordKind, None)]);
        assert_eq!(lints[0].severity, super::super::lint::Severity::Error);
        assert_eq!(lints[0].entity.kind, LintEntityKind::RecordKind);
        assert_eq!(lints[0].entity.record_kind, Some(RecordKind::Consent));
        assert_eq!(lints[0].entity.id, None);
        assert!(lints[0].message.contains("consent records"), "{lints:?}");
    }

    #[test]
    fn adjustments_need_a_purpose_with_an_art_9_condition() {
        const WITH_ADJUSTMENTS: Catalogue = Catalogue {
            tables: &[Table {
                name: "person_adjustments",
                record: RecordKind::Adjustment,
                person: Some(PersonLink::Column {
                    column: "person_id",
                    key: PersonKey::PersonId,
                }),
                columns: &[
                    Column::naming("person_id", PersonKey::PersonId, DataKind::Health, ERASE),
                    Column::about_row("condition", DataKind::Health, ERASE),
                ],
            }],
        };
        let mut register = devon_with(&[(
            "Support tickets",
            vec![Governs::all(RecordKind::Adjustment)],
        )]);
        let lints = register.binding_lints(&WITH_ADJUSTMENTS);
        assert_eq!(
            codes(&lints),
            [(LintCode::SpecialCategoryWithoutCondition, None)]
        );
        assert_eq!(lints[0].entity.record_kind, Some(RecordKind::Adjustment));
        let governing = register
            .purposes
            .iter_mut()
            .find(|p| p.name == "Support tickets")
            .expect("the purpose");
        governing.special_category_condition = Some(SpecialCategoryCondition::Employment);
        assert_eq!(codes(&register.binding_lints(&WITH_ADJUSTMENTS)), []);
    }

    #[test]
    fn an_empty_register_has_one_lint_per_kind() {
        let register = devon_with(&[]);
        let lints = register.binding_lints(&CATALOGUE);
        assert_eq!(
            lints
                .iter()
                .map(|l| l.entity.record_kind)
                .collect::<Vec<_>>(),
            [Some(RecordKind::Ticket), Some(RecordKind::Consent)]
        );
    }

    #[test]
    fn a_named_category_wins_over_every_ticket_and_unnamed_ones_are_unbound() {
        let narrow = Governs {
            record_kind: RecordKind::Ticket,
            ticket_categories: vec![TicketCategory::Complaint],
        };
        // Only complaints bound: every other category is unbound.
        let register = devon_with(&[
            ("Support tickets", vec![narrow.clone()]),
            (
                "Regulatory disclosures",
                vec![Governs::all(RecordKind::Consent)],
            ),
        ]);
        let lints = register.binding_lints(&CATALOGUE);
        assert_eq!(lints.len(), TicketCategory::ALL.len() - 1);
        assert!(lints.iter().all(|l| l.code == LintCode::UnboundRecordKind
            && l.entity.ticket_category != Some(TicketCategory::Complaint)));
        // With a purpose governing every ticket beside it, complaints go to the narrower one.
        let register = devon_with(&[
            ("Support tickets", vec![Governs::all(RecordKind::Ticket)]),
            (
                "Safeguarding disclosures",
                vec![narrow, Governs::all(RecordKind::Consent)],
            ),
        ]);
        assert_eq!(register.binding_lints(&CATALOGUE), []);
        let governing = |c| match register.governing(Holding::ticket(c)) {
            Governing::By(p) => p.name.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            governing(TicketCategory::Complaint),
            "Safeguarding disclosures"
        );
        assert_eq!(governing(TicketCategory::ItSystem), "Support tickets");
    }

    #[test]
    fn two_purposes_on_one_category_or_kind_are_ambiguous() {
        let complaints = Governs {
            record_kind: RecordKind::Ticket,
            ticket_categories: vec![TicketCategory::Complaint],
        };
        let register = devon_with(&[
            (
                "Support tickets",
                vec![complaints.clone(), Governs::all(RecordKind::Consent)],
            ),
            (
                "Safeguarding disclosures",
                vec![complaints, Governs::all(RecordKind::Consent)],
            ),
            (
                "Regulatory disclosures",
                vec![Governs::all(RecordKind::Ticket)],
            ),
        ]);
        let lints = register.binding_lints(&CATALOGUE);
        assert_eq!(
            codes(&lints),
            [
                (LintCode::AmbiguousBinding, Some(TicketCategory::Complaint)),
                (LintCode::AmbiguousBinding, None)
            ]
        );
        assert!(
            lints[0]
                .message
                .contains("\"Support tickets\", \"Safeguarding disclosures\""),
            "{}",
            lints[0].message
        );
        assert_eq!(lints[1].entity.record_kind, Some(RecordKind::Consent));
    }

    #[test]
    fn a_binding_that_decides_nothing_is_a_warning_on_its_purpose() {
        let register = devon_with(&[(
            "Support tickets",
            vec![
                Governs::all(RecordKind::Ticket),
                Governs::all(RecordKind::Consent),
                Governs::all(RecordKind::TicketComment),
                Governs::all(RecordKind::Asset),
            ],
        )]);
        let lints = register.binding_lints(&CATALOGUE);
        assert_eq!(
            codes(&lints),
            [
                (LintCode::BindingWithoutEffect, None),
                (LintCode::BindingWithoutEffect, None)
            ]
        );
        assert_eq!(lints[0].severity, super::super::lint::Severity::Warning);
        assert_eq!(lints[0].entity.kind, LintEntityKind::Purpose);
        assert_eq!(
            lints[0].message,
            "the purpose binds ticket_comment records, but they are governed as the ticket \
             records they belong to"
        );
        assert_eq!(
            lints[1].message,
            "the purpose binds asset records, but they hold no personal data"
        );
    }

    #[test]
    fn a_special_category_ticket_needs_its_purpose_to_have_an_art_9_condition() {
        let register = devon_with(&[
            ("Support tickets", vec![Governs::all(RecordKind::Ticket)]),
            (
                "Safeguarding disclosures",
                vec![Governs {
                    record_kind: RecordKind::Ticket,
                    ticket_categories: vec![TicketCategory::DataRequest],
                }],
            ),
        ]);
        let refusal = register
            .special_category_ticket(TicketCategory::ItSystem)
            .expect_err("support tickets have no Art 9(2) condition");
        assert_eq!(refusal.field, "contains_special_category");
        assert_eq!(refusal.article, "Art 9(1)");
        assert!(refusal.message.contains("\"Support tickets\""), "{refusal}");
        let allowed = register
            .special_category_ticket(TicketCategory::DataRequest)
            .expect("safeguarding has 9(2)(h)");
        assert_eq!(allowed.name, "Safeguarding disclosures");
        let unbound = devon_with(&[]);
        let refusal = unbound
            .special_category_ticket(TicketCategory::Complaint)
            .expect_err("nothing governs it");
        assert!(refusal.message.contains("no purpose"), "{refusal}");
    }

    #[test]
    fn a_purpose_binds_each_kind_once_and_narrows_only_tickets() {
        let twice = [
            Governs::all(RecordKind::Person),
            Governs::all(RecordKind::Person),
        ];
        assert_eq!(governs_violations(&twice).len(), 1);
        let narrowed = [Governs {
            record_kind: RecordKind::Consent,
            ticket_categories: vec![TicketCategory::Complaint],
        }];
        assert_eq!(governs_violations(&narrowed)[0].field, "governs");
        assert!(governs_violations(&[Governs::all(RecordKind::Ticket)]).is_empty());
    }

    #[test]
    fn a_persons_processing_lists_each_governing_purpose_once_in_register_order() {
        let register = devon_with(&[
            ("Support tickets", vec![Governs::all(RecordKind::Ticket)]),
            (
                "Regulatory disclosures",
                vec![Governs::all(RecordKind::Person)],
            ),
        ]);
        let answer = register.processing_of(&[
            Holding::of(RecordKind::Person),
            Holding::ticket(TicketCategory::Complaint),
            Holding::ticket(TicketCategory::ItSystem),
            Holding::ticket(TicketCategory::Complaint),
            Holding::of(RecordKind::Consent),
        ]);
        let names: Vec<&str> = answer
            .purposes
            .iter()
            .map(|p| p.purpose.name.as_str())
            .collect();
        assert_eq!(names, ["Support tickets", "Regulatory disclosures"]);
        assert_eq!(
            answer.purposes[0].holds,
            [
                Holding::ticket(TicketCategory::ItSystem),
                Holding::ticket(TicketCategory::Complaint)
            ]
        );
        assert_eq!(answer.ungoverned, [Holding::of(RecordKind::Consent)]);
        let json = serde_json::to_value(&answer).expect("json");
        assert_eq!(
            json["purposes"][0]["lawful_basis"]["article"],
            "Art 6(1)(e)"
        );
        assert_eq!(
            json["purposes"][0]["holds"][1]["ticket_category"],
            "complaint"
        );
    }
}
