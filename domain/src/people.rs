//! People: the data subjects the desk holds records about, the values their records are made
//! of (parsed once at the edge), and who may read or correct them.
//!
//! Health and disability details (reasonable adjustments) are a separate type, [`Adjustments`],
//! that is never part of a [`Person`]: Art 5(1)(c) minimisation and Art 9(1), so the everyday
//! record (and every list of people) cannot carry special category data by accident.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{OrgId, PersonId};
use crate::register::SpecialCategoryCondition;
use crate::role::Role;
use crate::{DomainError, closed_set};

closed_set! {
    /// Who a person is to the organisation. Staff and contractors are its workforce, the people
    /// an HR system reports; the others raise or are the subject of tickets.
    pub enum PersonKind for "kind" {
        Staff = "staff",
        Contractor = "contractor",
        /// Someone outside the organisation: a supplier, a partner body's officer, a member of
        /// the public.
        External = "external",
        /// A parent or guardian acting for a young person.
        ParentGuardian = "parent_guardian",
        /// A child or young person (the ICO Children's code applies to what is held about them).
        YoungPerson = "young_person",
    }
}

impl PersonKind {
    /// Staff and contractors: people with employment (or engagement) start and leave dates.
    pub fn is_workforce(self) -> bool {
        matches!(self, PersonKind::Staff | PersonKind::Contractor)
    }
}

closed_set! {
    /// UK national security vetting, lowest to highest (Cabinet Office, "National Security
    /// Vetting": BPSS is the baseline check, CTC and SC build on it, eSC, DV and eDV above).
    /// Declared in order, so the derived `Ord` is the level; [`SecurityClearance::meets`] says
    /// whether one clearance satisfies a requirement.
    pub enum SecurityClearance for "clearance" {
        None = "none",
        /// Baseline Personnel Security Standard.
        Bpss = "bpss",
        /// Counter-Terrorist Check.
        Ctc = "ctc",
        /// Security Check.
        Sc = "sc",
        /// Enhanced Security Check.
        Esc = "esc",
        /// Developed Vetting.
        Dv = "dv",
        /// Enhanced Developed Vetting.
        Edv = "edv",
    }
}

impl SecurityClearance {
    /// 0 for none up to 6 for eDV.
    pub fn level(self) -> u8 {
        match self {
            SecurityClearance::None => 0,
            SecurityClearance::Bpss => 1,
            SecurityClearance::Ctc => 2,
            SecurityClearance::Sc => 3,
            SecurityClearance::Esc => 4,
            SecurityClearance::Dv => 5,
            SecurityClearance::Edv => 6,
        }
    }

    /// Whether holding `self` satisfies a system's or asset's `required` clearance: the same
    /// level or higher.
    pub fn meets(self, required: SecurityClearance) -> bool {
        self.level() >= required.level()
    }
}

closed_set! {
    /// Where a person is in their time with the organisation, derived from their dates by
    /// [`status_on`]: a leaver's leave date starts the `after_leaving` retention clock.
    pub enum PersonStatus for "status" {
        /// Known to the desk before their start date (accounts are set up ahead of day one).
        Joiner = "joiner",
        Active = "active",
        /// Past their leave date.
        Leaver = "leaver",
    }
}

closed_set! {
    /// What a recorded change did to a person record: the first change of a record creates it;
    /// records are never deleted through a change (erasure removes their history with them).
    pub enum PersonChangeAction for "action" {
        Created = "created",
        Updated = "updated",
    }
}

impl PersonChangeAction {
    /// The action of a change with the record as it was `before` (none when it is new).
    pub fn of<T>(before: Option<&T>) -> PersonChangeAction {
        if before.is_none() {
            PersonChangeAction::Created
        } else {
            PersonChangeAction::Updated
        }
    }
}

/// The status a person's dates give on `today`. `leaves_on` is the last day of employment, as
/// HR systems record a leaving date, so a person is a leaver from the day after it; before
/// `starts_on` they are a joiner; otherwise (including when no dates are held, as for people
/// outside the workforce) active.
pub fn status_on(
    starts_on: Option<NaiveDate>,
    leaves_on: Option<NaiveDate>,
    today: NaiveDate,
) -> PersonStatus {
    if leaves_on.is_some_and(|last_day| today > last_day) {
        PersonStatus::Leaver
    } else if starts_on.is_some_and(|first_day| today < first_day) {
        PersonStatus::Joiner
    } else {
        PersonStatus::Active
    }
}

/// Trimmed text of at most `max` characters with no control characters (newlines allowed
/// where `multiline`). The message says what is wrong, never what was sent.
pub(crate) fn check_text(
    field: &'static str,
    value: &str,
    max: usize,
    multiline: bool,
) -> Result<String, DomainError> {
    let text = value.trim();
    if text.is_empty() {
        return Err(DomainError::invalid(field, "must not be blank"));
    }
    if text.chars().count() > max {
        return Err(DomainError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\r' || c == '\t')))
    {
        return Err(DomainError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(text.to_owned())
}

/// Generates `as_str`, `Display`, `TryFrom<String>` (through `parse`) and `Into<String>` for a
/// string newtype, so serde parses it once through the same rule.
macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = DomainError;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
pub(crate) use string_newtype;

/// The HR or identity system's key for a person, unique per organisation (persistence holds
/// that): 1 to 200 characters after trimming, no control characters. It is how an HR event
/// finds the person it is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ExternalId(String);

impl ExternalId {
    pub const MAX_LEN: usize = 200;

    pub fn parse(value: &str) -> Result<Self, DomainError> {
        check_text("external_id", value, Self::MAX_LEN, false).map(Self)
    }
}

string_newtype!(ExternalId);

/// A business email address. The one shape check of the workspace (contacts in the register
/// use it too): enough of RFC 5321/5322 to catch a slip, without pretending to validate a
/// mailbox. Trimmed; the domain is lower-cased (domains are case-insensitive, RFC 5321 s.2.4),
/// the local part kept as given.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// RFC 5321 s.4.5.3.1.3: a path holds at most 256 octets, so an address at most 254.
    pub const MAX_LEN: usize = 254;
    /// RFC 5321 s.4.5.3.1.1.
    pub const MAX_LOCAL_LEN: usize = 64;

    pub fn parse(value: &str) -> Result<Self, DomainError> {
        let text = value.trim();
        let bad = || {
            DomainError::invalid(
                "email",
                "must be an email address such as name@example.gov.uk",
            )
        };
        let (local, domain) = text.split_once('@').ok_or_else(bad)?;
        let shape_ok = text.len() <= Self::MAX_LEN
            && !local.is_empty()
            && local.len() <= Self::MAX_LOCAL_LEN
            && !domain.contains('@')
            && domain.contains('.')
            && domain.split('.').all(|label| !label.is_empty())
            && !text.chars().any(|c| c.is_whitespace() || c.is_control());
        if !shape_ok {
            return Err(bad());
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    /// The part after the `@`, lower case.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

string_newtype!(Email);

/// A business telephone number as people write it: digits, spaces, `+` (leading only), brackets
/// and hyphens, 6 to 30 characters after trimming, with at least one digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub const MIN_LEN: usize = 6;
    pub const MAX_LEN: usize = 30;

    pub fn parse(value: &str) -> Result<Self, DomainError> {
        let text = value.trim();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&text.chars().count()) {
            return Err(DomainError::invalid("phone", "must be 6 to 30 characters"));
        }
        let body = text.strip_prefix('+').unwrap_or(text);
        let allowed = body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '(' | ')' | '-'));
        if !allowed || !body.chars().any(|c| c.is_ascii_digit()) {
            return Err(DomainError::invalid(
                "phone",
                "must be digits, spaces, brackets and hyphens, with an optional leading +",
            ));
        }
        Ok(Self(text.to_owned()))
    }
}

string_newtype!(PhoneNumber);

/// A person as the desk holds them. `external_id` links the record to the HR or identity system
/// (absent for people entered by the desk, such as a parent raising a ticket). Health and
/// disability details are never here: see [`Adjustments`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    pub org_id: OrgId,
    pub kind: PersonKind,
    pub external_id: Option<ExternalId>,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<Email>,
    pub phone: Option<PhoneNumber>,
    /// Business address, lines separated by newlines.
    pub address: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub clearance: SecurityClearance,
    /// First day of employment or engagement.
    pub starts_on: Option<NaiveDate>,
    /// Last day of employment or engagement; the day after it, the person is a leaver and the
    /// `after_leaving` retention clock runs from it.
    pub leaves_on: Option<NaiveDate>,
    /// The status as of the last write; [`Person::status_on`] gives it for any day.
    pub status: PersonStatus,
    /// Bumped by every change; the ETag of the record.
    pub version: i64,
}

impl Person {
    pub const MAX_NAME_LEN: usize = 200;
    pub const MAX_ADDRESS_LEN: usize = 500;

    /// Every field error at once (field names as the API's body names them): names are given,
    /// the address (if any) says something, the leave date is not before the start date, and
    /// the date of birth is in the past on `today`. Art 5(1)(d): accuracy, checked where the
    /// data enters.
    pub fn validate(&self, today: NaiveDate) -> Result<(), Vec<DomainError>> {
        let mut errors = Vec::new();
        for (field, value) in [
            ("given_name", &self.given_name),
            ("family_name", &self.family_name),
        ] {
            if let Err(error) = check_text(field, value, Self::MAX_NAME_LEN, false) {
                errors.push(error);
            }
        }
        if let Some(address) = &self.address
            && let Err(error) = check_text("address", address, Self::MAX_ADDRESS_LEN, true)
        {
            errors.push(error);
        }
        errors.extend(check_dates(
            self.starts_on,
            self.leaves_on,
            self.date_of_birth,
            today,
        ));
        if self.version < 1 {
            errors.push(DomainError::invalid("version", "versions start at 1"));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The person's status on `today`, from their dates (see [`status_on`]).
    pub fn status_on(&self, today: NaiveDate) -> PersonStatus {
        status_on(self.starts_on, self.leaves_on, today)
    }
}

/// The date rules shared by a person and an HR event about them.
pub(crate) fn check_dates(
    starts_on: Option<NaiveDate>,
    leaves_on: Option<NaiveDate>,
    date_of_birth: Option<NaiveDate>,
    today: NaiveDate,
) -> Vec<DomainError> {
    let mut errors = Vec::new();
    if let (Some(start), Some(leave)) = (starts_on, leaves_on)
        && leave < start
    {
        errors.push(DomainError::invalid(
            "leaves_on",
            "must not be before starts_on",
        ));
    }
    if date_of_birth.is_some_and(|born| born >= today) {
        errors.push(DomainError::invalid("date_of_birth", "must be in the past"));
    }
    errors
}

/// A person's reasonable adjustments (Equality Act 2010 s.20): health or disability details,
/// special category data under Art 9(1). Held apart from [`Person`] so that only roles with a
/// need read it (Art 5(1)(c) minimisation, Art 5(1)(f) and Art 32 confidentiality), never in a
/// list, and named with the Art 9(2) condition it is held under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustments {
    pub person_id: PersonId,
    pub org_id: OrgId,
    /// What the person needs, in their or the desk's words.
    pub reasonable_adjustments: String,
    /// Art 9(1): special category data is held only under an Art 9(2) condition.
    pub condition: SpecialCategoryCondition,
    pub recorded_at: DateTime<Utc>,
    pub version: i64,
}

impl Adjustments {
    pub const MAX_LEN: usize = 4000;

    /// The text says something and fits; the version is a version.
    pub fn validate(&self) -> Result<(), Vec<DomainError>> {
        let mut errors = Vec::new();
        if let Err(error) = check_text(
            "reasonable_adjustments",
            &self.reasonable_adjustments,
            Self::MAX_LEN,
            true,
        ) {
            errors.push(error);
        }
        if self.version < 1 {
            errors.push(DomainError::invalid("version", "versions start at 1"));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

closed_set! {
    /// What a caller asks to do with a person's record.
    pub enum PersonAction for "action" {
        /// Read the person record (never the adjustments).
        Read = "read",
        /// Correct details of the record (Art 16 rectification).
        Correct = "correct",
        /// Create, replace or mark as leaver: the HR or identity system's job.
        Write = "write",
        /// Read the separate adjustments record.
        ReadAdjustments = "read_adjustments",
        /// Record or change the separate adjustments record.
        WriteAdjustments = "write_adjustments",
    }
}

/// How the caller stands to the record, beyond their roles. The record is always in the caller's
/// organisation: another organisation's record is never found (a 404), so it never reaches
/// [`role_may`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessContext {
    /// The record is the caller's own.
    pub is_subject: bool,
    /// The caller has been granted reading the adjustments of this organisation's people.
    pub adjustments_granted: bool,
}

/// Whether `role` may take `action` on a record:
/// - read: a requester their own record (Art 15); agents, the DPO and integrators the
///   organisation's (agents to work tickets, the DPO to answer rights requests, integrators to
///   reconcile the HR or identity system). Auditors and admins have no need (Art 5(1)(c)).
/// - correct: a requester their own record (Art 16); the DPO when acting on a rectification
///   request.
/// - write: integrators only; the HR or identity system is the source of the workforce's
///   records.
/// - adjustments, read or write: the DPO, and agents granted it; no one else, not even in a list
///   (Art 9(1), 5(1)(c)). The person's own copy reaches them through a subject access export.
pub fn role_may(role: Role, action: PersonAction, context: AccessContext) -> bool {
    match action {
        PersonAction::Read => match role {
            Role::Requester => context.is_subject,
            Role::Agent | Role::Dpo | Role::Integrator => true,
            Role::Admin | Role::Auditor => false,
        },
        PersonAction::Correct => {
            (role == Role::Requester && context.is_subject) || role == Role::Dpo
        }
        PersonAction::Write => role == Role::Integrator,
        PersonAction::ReadAdjustments | PersonAction::WriteAdjustments => {
            role == Role::Dpo || (role == Role::Agent && context.adjustments_granted)
        }
    }
}

/// [`role_may`] over all of the caller's roles: allowed when any role allows it, otherwise a
/// refusal that says who may.
pub fn check_access(
    roles: &[Role],
    action: PersonAction,
    context: AccessContext,
) -> Result<(), DomainError> {
    if roles.iter().any(|&role| role_may(role, action, context)) {
        return Ok(());
    }
    Err(DomainError::NotPermitted(match action {
        PersonAction::Read => {
            "people are read by their own requester, agents, the DPO and integrators"
        }
        PersonAction::Correct => "a record is corrected by its own requester or the DPO",
        PersonAction::Write => "people are written by the HR or identity integration",
        PersonAction::ReadAdjustments | PersonAction::WriteAdjustments => {
            "adjustments are for the DPO and agents granted them"
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn a_change_with_no_record_before_it_creates_the_person() {
        let person = sample_person();
        assert_eq!(
            PersonChangeAction::of::<Person>(None),
            PersonChangeAction::Created
        );
        assert_eq!(
            PersonChangeAction::of(Some(&person)),
            PersonChangeAction::Updated
        );
    }

    #[test]
    fn a_person_as_stored_in_their_history_carries_no_health_data() {
        // The change history keeps the record as this JSON: adjustments (Art 9) are never in it.
        let json = serde_json::to_value(sample_person()).expect("serialises");
        let object = json.as_object().expect("an object");
        for field in object.keys() {
            assert!(
                !field.contains("adjustment") && !field.contains("health"),
                "{field} would put health data in the history"
            );
        }
    }

    fn sample_person() -> Person {
        Person {
            id: PersonId::from_uuid(Uuid::from_u128(1)),
            org_id: OrgId::from_uuid(Uuid::from_u128(2)),
            kind: PersonKind::Staff,
            external_id: Some(ExternalId::parse("E012345").expect("valid")),
            given_name: "Jo".into(),
            family_name: "Bloggs".into(),
            email: Some(Email::parse("jo.bloggs@example.gov.uk").expect("valid")),
            phone: None,
            address: None,
            date_of_birth: Some(date(1990, 5, 17)),
            clearance: SecurityClearance::Bpss,
            starts_on: Some(date(2026, 3, 2)),
            leaves_on: None,
            status: PersonStatus::Joiner,
            version: 1,
        }
    }

    #[test]
    fn clearances_are_ordered_by_level() {
        use SecurityClearance::*;
        let ladder = [None, Bpss, Ctc, Sc, Esc, Dv, Edv];
        assert_eq!(SecurityClearance::ALL, ladder);
        for pair in ladder.windows(2) {
            assert!(pair[0] < pair[1]);
            assert!(pair[1].meets(pair[0]));
            assert!(!pair[0].meets(pair[1]));
        }
        assert!(Sc.meets(Sc));
        assert!(Edv.meets(None));
        assert!(!None.meets(Bpss));
        assert_eq!("esc".parse(), Ok(Esc));
    }

    #[test]
    fn only_staff_and_contractors_are_workforce() {
        let workforce: Vec<_> = PersonKind::ALL
            .iter()
            .filter(|k| k.is_workforce())
            .map(|k| k.as_str())
            .collect();
        assert_eq!(workforce, ["staff", "contractor"]);
    }

    #[test]
    fn status_follows_the_dates() {
        let start = Some(date(2026, 3, 2));
        let leave = Some(date(2026, 9, 30));
        assert_eq!(
            status_on(start, leave, date(2026, 3, 1)),
            PersonStatus::Joiner
        );
        assert_eq!(
            status_on(start, leave, date(2026, 3, 2)),
            PersonStatus::Active
        );
        assert_eq!(
            status_on(start, leave, date(2026, 9, 30)),
            PersonStatus::Active,
            "the leave date is the last working day"
        );
        assert_eq!(
            status_on(start, leave, date(2026, 10, 1)),
            PersonStatus::Leaver
        );
        assert_eq!(
            status_on(None, None, date(2026, 1, 1)),
            PersonStatus::Active
        );
        assert_eq!(
            status_on(None, leave, date(2027, 1, 1)),
            PersonStatus::Leaver
        );
    }

    #[test]
    fn external_ids_are_trimmed_and_bounded() {
        assert_eq!(
            ExternalId::parse("  E012345 ").map(|id| id.to_string()),
            Ok("E012345".into())
        );
        assert!(ExternalId::parse(&"x".repeat(200)).is_ok());
        for bad in ["", "   ", "E01\u{0}2", "E01\n2"] {
            assert!(ExternalId::parse(bad).is_err(), "{bad:?}");
        }
        assert!(ExternalId::parse(&"x".repeat(201)).is_err());
        let refusal = ExternalId::parse("a\u{7}b").expect_err("bell");
        assert_eq!(
            refusal.to_string(),
            "external_id: must not contain control characters"
        );
    }

    #[test]
    fn emails_keep_the_local_part_and_lower_case_the_domain() {
        let email = Email::parse(" Jo.Bloggs@Example.GOV.uk ").expect("valid");
        assert_eq!(email.as_str(), "Jo.Bloggs@example.gov.uk");
        assert_eq!(email.domain(), "example.gov.uk");
        for good in [
            "dpo@cabinetoffice.gov.uk",
            "data.protection@derby.gov.uk",
            "a+tag@x.uk",
        ] {
            assert!(Email::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "dpo",
            "@x.uk",
            "dpo@",
            "dpo@x",
            "a b@x.uk",
            "a@b@x.uk",
            "a@.uk",
            "a@x.uk.",
            "a@x..uk",
            "a\u{0}@x.uk",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
        let long_local = format!("{}@x.uk", "a".repeat(65));
        assert!(Email::parse(&long_local).is_err());
        let long = format!("a@{}.uk", "b".repeat(252));
        assert!(Email::parse(&long).is_err());
    }

    #[test]
    fn a_refused_email_never_echoes_the_value() {
        let refusal = Email::parse("jo.bloggs-at-example").expect_err("no @");
        assert!(!refusal.to_string().contains("bloggs"));
        let refusal = PhoneNumber::parse("call 07700 900123").expect_err("letters");
        assert!(!refusal.to_string().contains("07700"));
    }

    #[test]
    fn phone_numbers_are_what_people_write() {
        for good in [
            "+44 (0)20 7946 0000",
            "01392 382000",
            "020-7946-0000",
            "123456",
        ] {
            assert!(PhoneNumber::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "12345",
            "+44 20 7946 0000 ext 12",
            "44+20 7946",
            "((((((",
            &"1".repeat(31),
        ] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn newtypes_parse_once_through_serde() {
        let email: Email = serde_json::from_str("\"a@X.UK\"").expect("valid");
        assert_eq!(email.as_str(), "a@x.uk");
        assert!(serde_json::from_str::<Email>("\"nope\"").is_err());
        assert!(serde_json::from_str::<PhoneNumber>("\"abc\"").is_err());
        assert!(serde_json::from_str::<ExternalId>("\"  \"").is_err());
        let json = serde_json::to_string(&sample_person()).expect("json");
        let back: Person = serde_json::from_str(&json).expect("round trip");
        assert_eq!(back, sample_person());
    }

    #[test]
    fn a_sample_person_is_valid() {
        assert_eq!(sample_person().validate(date(2026, 2, 1)), Ok(()));
    }

    #[test]
    fn validation_reports_every_field() {
        let mut person = sample_person();
        person.given_name = "  ".into();
        person.family_name = "B\u{0}".into();
        person.address = Some(" \n ".into());
        person.leaves_on = Some(date(2026, 3, 1));
        person.date_of_birth = Some(date(2026, 2, 1));
        person.version = 0;
        let fields: Vec<_> = person
            .validate(date(2026, 2, 1))
            .expect_err("invalid")
            .into_iter()
            .map(|e| match e {
                DomainError::Invalid { field, .. } => field,
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(
            fields,
            [
                "given_name",
                "family_name",
                "address",
                "leaves_on",
                "date_of_birth",
                "version"
            ]
        );
    }

    #[test]
    fn a_leave_date_may_equal_the_start_date_and_addresses_have_lines() {
        let mut person = sample_person();
        person.leaves_on = person.starts_on;
        person.address = Some("County Hall\nTopsham Road\nExeter".into());
        assert_eq!(person.validate(date(2026, 1, 1)), Ok(()));
    }

    #[test]
    fn adjustments_are_a_separate_record_that_says_something() {
        let adjustments = Adjustments {
            person_id: sample_person().id,
            org_id: sample_person().org_id,
            reasonable_adjustments: "Screen reader; large-print keyboard".into(),
            condition: SpecialCategoryCondition::Employment,
            recorded_at: DateTime::from_timestamp(1_780_000_000, 0).expect("valid"),
            version: 1,
        };
        assert_eq!(adjustments.validate(), Ok(()));
        let blank = Adjustments {
            reasonable_adjustments: " ".into(),
            ..adjustments.clone()
        };
        assert!(blank.validate().is_err());
        // The person record has no field for them, so serialising a person never shows them.
        let json = serde_json::to_string(&sample_person()).expect("json");
        assert!(!json.contains("adjustment"));
    }

    #[test]
    fn requesters_read_and_correct_only_their_own_record() {
        let own = AccessContext {
            is_subject: true,
            ..AccessContext::default()
        };
        let other = AccessContext::default();
        for action in [PersonAction::Read, PersonAction::Correct] {
            assert!(role_may(Role::Requester, action, own));
            assert!(!role_may(Role::Requester, action, other));
        }
        assert!(!role_may(Role::Requester, PersonAction::Write, own));
        assert!(!role_may(
            Role::Requester,
            PersonAction::ReadAdjustments,
            own
        ));
    }

    #[test]
    fn agents_read_integrators_write() {
        let other = AccessContext::default();
        assert!(role_may(Role::Agent, PersonAction::Read, other));
        assert!(!role_may(Role::Agent, PersonAction::Correct, other));
        assert!(!role_may(Role::Agent, PersonAction::Write, other));
        assert!(role_may(Role::Integrator, PersonAction::Write, other));
        assert!(role_may(Role::Integrator, PersonAction::Read, other));
        assert!(role_may(Role::Dpo, PersonAction::Correct, other));
        for role in [Role::Admin, Role::Auditor] {
            for &action in PersonAction::ALL {
                assert!(!role_may(role, action, other), "{role} {action}");
            }
        }
    }

    #[test]
    fn adjustments_are_for_the_dpo_and_agents_granted_them() {
        let granted = AccessContext {
            adjustments_granted: true,
            ..AccessContext::default()
        };
        let not_granted = AccessContext::default();
        for action in [
            PersonAction::ReadAdjustments,
            PersonAction::WriteAdjustments,
        ] {
            assert!(role_may(Role::Dpo, action, not_granted));
            assert!(role_may(Role::Agent, action, granted));
            assert!(!role_may(Role::Agent, action, not_granted));
            for role in [
                Role::Requester,
                Role::Admin,
                Role::Integrator,
                Role::Auditor,
            ] {
                assert!(!role_may(role, action, granted), "{role} {action}");
            }
        }
    }

    #[test]
    fn any_role_of_the_caller_may_allow() {
        let context = AccessContext::default();
        assert_eq!(
            check_access(&[Role::Auditor, Role::Agent], PersonAction::Read, context),
            Ok(())
        );
        let refusal = check_access(&[Role::Auditor], PersonAction::ReadAdjustments, context)
            .expect_err("auditors have no need");
        assert_eq!(
            refusal.to_string(),
            "adjustments are for the DPO and agents granted them"
        );
        assert!(check_access(&[], PersonAction::Read, context).is_err());
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (1950i32..2100, 1u32..=365)
            .prop_map(|(y, o)| NaiveDate::from_yo_opt(y, o).expect("day of year"))
    }

    proptest! {
        #[test]
        fn status_never_goes_back(
            start in proptest::option::of(any_date()),
            span in 0u64..20_000,
            a in any_date(),
            b in any_date(),
        ) {
            let leave = start.and_then(|s| s.checked_add_days(chrono::Days::new(span)));
            let (early, late) = if a <= b { (a, b) } else { (b, a) };
            let rank = |s: PersonStatus| match s {
                PersonStatus::Joiner => 0,
                PersonStatus::Active => 1,
                PersonStatus::Leaver => 2,
            };
            prop_assert!(rank(status_on(start, leave, early)) <= rank(status_on(start, leave, late)));
        }

        #[test]
        fn parsing_is_idempotent(text in "\\PC{0,80}") {
            if let Ok(id) = ExternalId::parse(&text) {
                prop_assert_eq!(ExternalId::parse(id.as_str()), Ok(id.clone()));
                prop_assert!(!id.as_str().chars().any(char::is_control));
            }
            if let Ok(email) = Email::parse(&text) {
                prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
            }
            if let Ok(phone) = PhoneNumber::parse(&text) {
                prop_assert_eq!(PhoneNumber::parse(phone.as_str()), Ok(phone.clone()));
            }
        }

        #[test]
        fn generated_emails_parse(local in "[a-z0-9.+_-]{1,30}", labels in proptest::collection::vec("[a-z0-9-]{1,20}", 2..4)) {
            let address = format!("{local}@{}", labels.join("."));
            prop_assert_eq!(Email::parse(&address).map(String::from), Ok(address));
        }
    }
}
