//! Rectification (Art 16): inaccurate data about a person corrected, incomplete data completed,
//! "including by means of providing a supplementary statement"; and what the recipients of the
//! data are told of it (Art 19, see [`crate::recipient_notices`]).
//!
//! Which fields a correction changes, and why these: [`RectifiableField`] is the part of the
//! person record (the catalogue's `people` table) that states facts about the person
//! themselves, which they can say are wrong: their names and how to reach them. The rest of the
//! record is kept out on purpose:
//!
//! - `kind`, `starts_on`, `leaves_on` and `hr_effective_date` are the organisation's record of
//!   the employment, owned by HR: corrected at that source, they arrive through HR sync, and a
//!   correction made here would be overwritten by the next event;
//! - `status` is derived from the dates, never stated;
//! - `clearance` and `date_of_birth` are vetting data, checked against documents by the vetting
//!   authority: a correction there is that authority's, not the desk's;
//! - `external_id` is a key the identity system issues, not a statement about the person.
//!
//! Data the person cannot have corrected here (those fields, what tickets and comments say) is
//! completed instead by a supplementary statement, recorded beside the person and shown with
//! their rectifications.

use crate::closed_set;
use crate::error::DomainError;
use crate::people::{Person, check_text};
use crate::recipient_notices::{NoticeAction, notice_text};
use crate::register::rights::Right;
use crate::rights_requests::RequestStatus;

closed_set! {
    /// A field of the person record a rectification may correct (Art 16). Wire names are the
    /// record's own field names.
    pub enum RectifiableField for "field" {
        GivenName = "given_name",
        FamilyName = "family_name",
        /// Business email.
        Email = "email",
        /// Business telephone.
        Phone = "phone",
        /// Business address.
        Address = "address",
    }
}

impl RectifiableField {
    /// Where a correction of the field sits in a rectification's body.
    pub fn path(self) -> &'static str {
        match self {
            RectifiableField::GivenName => "corrections.given_name",
            RectifiableField::FamilyName => "corrections.family_name",
            RectifiableField::Email => "corrections.email",
            RectifiableField::Phone => "corrections.phone",
            RectifiableField::Address => "corrections.address",
        }
    }

    /// How a notice names the field.
    pub fn label(self) -> &'static str {
        match self {
            RectifiableField::GivenName => "given name",
            RectifiableField::FamilyName => "family name",
            RectifiableField::Email => "email address",
            RectifiableField::Phone => "telephone number",
            RectifiableField::Address => "address",
        }
    }

    /// Whether the field differs between two states of a record.
    pub fn differs(self, before: &Person, after: &Person) -> bool {
        match self {
            RectifiableField::GivenName => before.given_name != after.given_name,
            RectifiableField::FamilyName => before.family_name != after.family_name,
            RectifiableField::Email => before.email != after.email,
            RectifiableField::Phone => before.phone != after.phone,
            RectifiableField::Address => before.address != after.address,
        }
    }
}

/// How a supplementary statement is named among what a rectification did.
pub const SUPPLEMENTARY_STATEMENT: &str = "supplementary_statement";

/// A supplementary statement is at most this many characters.
pub const STATEMENT_MAX: usize = 4000;

/// That the request a rectification answers asks for it and awaits its answer: Art 16 is
/// exercised by a rectification request (a request for another right is answered as that
/// right); one paused for identity or clarification waits for it (Art 12(6)); one with its
/// outcome is answered.
pub fn check_request(right: Right, status: RequestStatus) -> Result<(), DomainError> {
    if right != Right::Rectification {
        return Err(DomainError::Conflict(
            "Art 16: corrections and supplementary statements answer a request whose right is \
             rectification; this request is for another right",
        ));
    }
    match status {
        RequestStatus::Open => Ok(()),
        RequestStatus::Paused => Err(DomainError::Conflict(
            "Art 12(6): the request waits for information asked of the person; rectify once it \
             has come",
        )),
        RequestStatus::Closed => Err(DomainError::Conflict(
            "the request has its outcome: a rectification answers a request still open",
        )),
    }
}

/// What one rectification does: the fields it corrects, in [`RectifiableField::ALL`] order, and
/// the supplementary statement that completes the data. At least one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rectification {
    pub corrected: Vec<RectifiableField>,
    pub statement: Option<String>,
}

impl Rectification {
    /// Every fault at once: a statement that says nothing, is too long or holds control
    /// characters other than line breaks; neither a correction nor a statement.
    pub fn new(
        mut corrected: Vec<RectifiableField>,
        statement: Option<&str>,
    ) -> Result<Self, Vec<DomainError>> {
        corrected.sort();
        corrected.dedup();
        let statement = match statement {
            Some(text) => Some(
                check_text("supplementary_statement", text, STATEMENT_MAX, true)
                    .map_err(|error| vec![error])?,
            ),
            None => None,
        };
        if corrected.is_empty() && statement.is_none() {
            return Err(vec![DomainError::invalid(
                "corrections",
                "send at least one correction, a supplementary_statement, or both",
            )]);
        }
        Ok(Rectification {
            corrected,
            statement,
        })
    }

    /// Art 16 corrects inaccurate data: a correction that leaves its field as it was corrects
    /// nothing, and would have the recipients told of a change that never happened. Each such
    /// correction is named, never its value.
    pub fn check_changed(&self, before: &Person, after: &Person) -> Result<(), Vec<DomainError>> {
        let unchanged: Vec<DomainError> = self
            .corrected
            .iter()
            .filter(|field| !field.differs(before, after))
            .map(|field| {
                DomainError::invalid(
                    field.path(),
                    "the record already holds this value: a correction must change it",
                )
            })
            .collect();
        if unchanged.is_empty() {
            Ok(())
        } else {
            Err(unchanged)
        }
    }

    /// What was rectified, by name: the fields, then the statement.
    pub fn items(&self) -> Vec<&'static str> {
        let mut items: Vec<&'static str> = self.corrected.iter().map(|f| f.as_str()).collect();
        if self.statement.is_some() {
            items.push(SUPPLEMENTARY_STATEMENT);
        }
        items
    }

    /// The notice each recipient of the person's data is sent (Art 19): what was rectified, in
    /// words, never the corrected values.
    pub fn recipient_notice(&self) -> String {
        let mut concerning: Vec<&str> = self.corrected.iter().map(|f| f.label()).collect();
        if self.statement.is_some() {
            concerning.push("completed by a supplementary statement");
        }
        notice_text(NoticeAction::Rectification, &concerning)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::ids::{OrgId, PersonId};
    use crate::people::{Email, PersonKind, PersonStatus, SecurityClearance};

    fn person() -> Person {
        Person {
            id: PersonId::from_uuid(uuid::Uuid::from_u128(1)),
            org_id: OrgId::from_uuid(uuid::Uuid::from_u128(2)),
            kind: PersonKind::Staff,
            external_id: None,
            given_name: "Jo".into(),
            family_name: "Bloggs".into(),
            email: Some(Email::parse("jo.bloggs@example.gov.uk").expect("an email")),
            phone: None,
            address: None,
            date_of_birth: NaiveDate::from_ymd_opt(1980, 5, 1),
            clearance: SecurityClearance::Bpss,
            starts_on: None,
            leaves_on: None,
            status: PersonStatus::Active,
            version: 1,
        }
    }

    #[test]
    fn only_an_open_rectification_request_is_answered_by_a_rectification() {
        assert_eq!(
            check_request(Right::Rectification, RequestStatus::Open),
            Ok(())
        );
        for &right in Right::ALL {
            if right != Right::Rectification {
                let refused = check_request(right, RequestStatus::Open).expect_err("another right");
                assert!(refused.to_string().starts_with("Art 16"), "{refused}");
            }
        }
        let paused = check_request(Right::Rectification, RequestStatus::Paused)
            .expect_err("waiting for the person");
        assert!(paused.to_string().starts_with("Art 12(6)"), "{paused}");
        let closed = check_request(Right::Rectification, RequestStatus::Closed)
            .expect_err("already answered");
        assert!(closed.to_string().contains("outcome"), "{closed}");
    }

    #[test]
    fn the_rectifiable_fields_are_what_the_person_states_about_themselves() {
        let names: Vec<&str> = RectifiableField::ALL.iter().map(|f| f.as_str()).collect();
        assert_eq!(
            names,
            ["given_name", "family_name", "email", "phone", "address"]
        );
        for field in RectifiableField::ALL {
            assert_eq!(field.path(), format!("corrections.{field}"));
        }
    }

    #[test]
    fn a_rectification_corrects_something_or_adds_a_statement() {
        let refused = Rectification::new(Vec::new(), None).expect_err("nothing to do");
        assert!(matches!(
            &refused[..],
            [DomainError::Invalid {
                field: "corrections",
                ..
            }]
        ));
        let blank = Rectification::new(Vec::new(), Some("  \n ")).expect_err("says nothing");
        assert!(matches!(
            &blank[..],
            [DomainError::Invalid {
                field: "supplementary_statement",
                ..
            }]
        ));
        let long = "x".repeat(STATEMENT_MAX + 1);
        assert!(Rectification::new(vec![RectifiableField::Email], Some(&long)).is_err());

        let statement = Rectification::new(Vec::new(), Some(" Was on leave in March.\n "))
            .expect("a statement alone completes the data");
        assert_eq!(
            statement.statement.as_deref(),
            Some("Was on leave in March.")
        );
        assert_eq!(statement.items(), [SUPPLEMENTARY_STATEMENT]);
    }

    #[test]
    fn corrections_are_kept_once_in_field_order() {
        let both = Rectification::new(
            vec![
                RectifiableField::Email,
                RectifiableField::GivenName,
                RectifiableField::Email,
            ],
            Some("Known as Joe at work."),
        )
        .expect("valid");
        assert_eq!(
            both.corrected,
            [RectifiableField::GivenName, RectifiableField::Email]
        );
        assert_eq!(
            both.items(),
            ["given_name", "email", SUPPLEMENTARY_STATEMENT]
        );
    }

    #[test]
    fn a_correction_that_changes_nothing_is_named() {
        let before = person();
        let mut after = before.clone();
        after.family_name = "Smith".into();
        let rectification = Rectification::new(
            vec![RectifiableField::FamilyName, RectifiableField::GivenName],
            None,
        )
        .expect("valid");
        let unchanged = rectification
            .check_changed(&before, &after)
            .expect_err("the given name is as it was");
        assert_eq!(
            unchanged,
            [DomainError::invalid(
                "corrections.given_name",
                "the record already holds this value: a correction must change it"
            )]
        );
        let family_only =
            Rectification::new(vec![RectifiableField::FamilyName], None).expect("valid");
        assert_eq!(family_only.check_changed(&before, &after), Ok(()));
        // Clearing an email is a change; clearing an absent phone is not.
        after.email = None;
        assert!(RectifiableField::Email.differs(&before, &after));
        assert!(!RectifiableField::Phone.differs(&before, &after));
    }

    #[test]
    fn the_recipient_notice_names_what_was_rectified_never_the_values() {
        let rectification = Rectification::new(
            vec![RectifiableField::FamilyName, RectifiableField::Email],
            Some("Jo Smith since 1 March."),
        )
        .expect("valid");
        let text = rectification.recipient_notice();
        assert!(
            text.contains("family name, email address, completed by a supplementary statement"),
            "{text}"
        );
        assert!(text.contains("Art 16") && text.contains("Art 19"), "{text}");
        assert!(!text.contains("Smith"), "{text}");
    }
}
