//! HR sync: joiner, mover and leaver events from an HR or identity system, the rule that decides
//! what each does to the person it is about, and the desk work each decision asks for.
//!
//! The HR system is the source of the workforce's records, so the desk applies its events as they
//! come, in effective-date order: an older event never overwrites a newer one (Art 5(1)(d)
//! accuracy: a late-arriving stale record must not undo a correction). A leaver's accounts are
//! removed and assets recovered (Art 5(1)(e), (f) and Art 32: access ends with the need for it),
//! and the leave date is recorded because it starts the `after_leaving` retention clock.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::accounts::AccountSummary;
use crate::assets::AssetHolding;
use crate::ids::{AccountId, AssetId, AssignmentId, OrgId, PersonId};
use crate::people::{
    Email, ExternalId, Person, PersonKind, PhoneNumber, SecurityClearance, check_dates, check_text,
    status_on,
};
use crate::{DomainError, closed_set};

/// The most records one `POST /hr/sync` batch may carry.
pub const MAX_BATCH: usize = 10_000;

closed_set! {
    /// What an HR event says happened to a person.
    pub enum HrEventKind for "kind" {
        /// Starts on the effective date.
        Joiner = "joiner",
        /// Changes role, team, name or other details from the effective date.
        Mover = "mover",
        /// Leaves: the effective date is the last day of employment.
        Leaver = "leaver",
    }
}

closed_set! {
    /// A field of a person an HR event can change. Outcomes and account amend requests name the
    /// fields that changed, never their values.
    pub enum HrField for "field" {
        Kind = "kind",
        GivenName = "given_name",
        FamilyName = "family_name",
        Email = "email",
        Phone = "phone",
        Address = "address",
        DateOfBirth = "date_of_birth",
        Clearance = "clearance",
        StartsOn = "starts_on",
        LeavesOn = "leaves_on",
    }
}

impl HrField {
    /// Whether a change to this field can change what accounts a person should have or what
    /// they are called: their kind, name, email, clearance and start date.
    pub fn affects_accounts(self) -> bool {
        matches!(
            self,
            HrField::Kind
                | HrField::GivenName
                | HrField::FamilyName
                | HrField::Email
                | HrField::Clearance
                | HrField::StartsOn
        )
    }
}

/// One record of an HR batch as received. Optional fields left out are left as the desk holds
/// them; a joiner or mover names the person; a leaver needs only its key and date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HrEventInput {
    /// The HR system's key for the person, unique per organisation.
    pub external_id: String,
    pub kind: HrEventKind,
    /// Joiner: first day; mover: the day the change takes effect; leaver: last day.
    pub effective_date: NaiveDate,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub clearance: Option<SecurityClearance>,
    /// Staff unless said; an HR system reports staff, contractors and externals only.
    pub person_kind: Option<PersonKind>,
}

/// A valid HR event: parsed once from an [`HrEventInput`] by [`HrEvent::parse`], so its values
/// are the domain's types and a joiner or mover always names the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HrEvent {
    external_id: ExternalId,
    kind: HrEventKind,
    effective_date: NaiveDate,
    given_name: Option<String>,
    family_name: Option<String>,
    email: Option<Email>,
    phone: Option<PhoneNumber>,
    address: Option<String>,
    date_of_birth: Option<NaiveDate>,
    clearance: Option<SecurityClearance>,
    person_kind: Option<PersonKind>,
}

impl HrEvent {
    /// The event, or every field error of the record at once (`(field, message)` as
    /// [`DomainError::Invalid`]; the API prefixes the record's place, `records[3].email`).
    /// `today` is the date the batch arrives: a date of birth must be before it. Messages never
    /// repeat the value sent.
    pub fn parse(input: HrEventInput, today: NaiveDate) -> Result<HrEvent, Vec<DomainError>> {
        let mut errors = Vec::new();
        let external_id = keep(&mut errors, ExternalId::parse(&input.external_id));
        let names_needed = input.kind != HrEventKind::Leaver;
        let name =
            |errors: &mut Vec<DomainError>, field: &'static str, value: Option<String>| match value
            {
                Some(value) => keep(
                    errors,
                    check_text(field, &value, Person::MAX_NAME_LEN, false),
                ),
                None if names_needed => {
                    errors.push(DomainError::invalid(
                        field,
                        "a joiner or mover names the person",
                    ));
                    None
                }
                None => None,
            };
        let given_name = name(&mut errors, "given_name", input.given_name);
        let family_name = name(&mut errors, "family_name", input.family_name);
        let email = input
            .email
            .and_then(|e| keep(&mut errors, Email::parse(&e)));
        let phone = input
            .phone
            .and_then(|p| keep(&mut errors, PhoneNumber::parse(&p)));
        let address = input.address.and_then(|a| {
            keep(
                &mut errors,
                check_text("address", &a, Person::MAX_ADDRESS_LEN, true),
            )
        });
        if input
            .person_kind
            .is_some_and(|k| !(k.is_workforce() || k == PersonKind::External))
        {
            errors.push(DomainError::invalid(
                "person_kind",
                "an HR system reports staff, contractors and externals",
            ));
        }
        errors.extend(check_dates(None, None, input.date_of_birth, today));
        match external_id {
            Some(external_id) if errors.is_empty() => Ok(HrEvent {
                external_id,
                kind: input.kind,
                effective_date: input.effective_date,
                given_name,
                family_name,
                email,
                phone,
                address,
                date_of_birth: input.date_of_birth,
                clearance: input.clearance,
                person_kind: input.person_kind,
            }),
            _ => Err(errors),
        }
    }

    pub fn external_id(&self) -> &ExternalId {
        &self.external_id
    }

    pub fn kind(&self) -> HrEventKind {
        self.kind
    }

    pub fn effective_date(&self) -> NaiveDate {
        self.effective_date
    }

    /// Whether this joiner brings back someone who had left: a joiner dated after their leave
    /// date.
    fn is_rejoin(&self, person: &Person) -> bool {
        self.kind == HrEventKind::Joiner
            && person
                .leaves_on
                .is_some_and(|left| self.effective_date > left)
    }

    /// The person the first event for an external id creates: a joiner (starting on its date),
    /// or a mover for someone who joined before the desk knew them (start date unknown). A
    /// leaver creates no one. Every field error of the result is returned, as
    /// [`Person::validate`] gives them.
    pub fn new_person(
        &self,
        id: PersonId,
        org_id: OrgId,
        today: NaiveDate,
    ) -> Result<Person, Vec<DomainError>> {
        if self.kind == HrEventKind::Leaver {
            return Err(vec![DomainError::invalid(
                "kind",
                "a leaver must be someone the desk already holds",
            )]);
        }
        let starts_on = (self.kind == HrEventKind::Joiner).then_some(self.effective_date);
        let person = Person {
            id,
            org_id,
            kind: self.person_kind.unwrap_or(PersonKind::Staff),
            external_id: Some(self.external_id.clone()),
            given_name: self.given_name.clone().unwrap_or_default(),
            family_name: self.family_name.clone().unwrap_or_default(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            address: self.address.clone(),
            date_of_birth: self.date_of_birth,
            clearance: self.clearance.unwrap_or(SecurityClearance::None),
            starts_on,
            leaves_on: None,
            status: status_on(starts_on, None, today),
            version: 1,
        };
        person.validate(today)?;
        Ok(person)
    }

    /// `person` after this event, without deciding whether it should apply (that is
    /// [`decide`]): the fields the event carries replace the held ones; a joiner sets the start
    /// date (and a rejoin clears the leave date), a leaver sets the leave date. The status is
    /// refreshed for `today`, and the version bumped when anything changed.
    pub fn apply_to(&self, person: &Person, today: NaiveDate) -> Person {
        let mut next = person.clone();
        if let Some(kind) = self.person_kind {
            next.kind = kind;
        }
        if let Some(name) = &self.given_name {
            next.given_name.clone_from(name);
        }
        if let Some(name) = &self.family_name {
            next.family_name.clone_from(name);
        }
        if let Some(email) = &self.email {
            next.email = Some(email.clone());
        }
        if let Some(phone) = &self.phone {
            next.phone = Some(phone.clone());
        }
        if let Some(address) = &self.address {
            next.address = Some(address.clone());
        }
        if let Some(born) = self.date_of_birth {
            next.date_of_birth = Some(born);
        }
        if let Some(clearance) = self.clearance {
            next.clearance = clearance;
        }
        match self.kind {
            HrEventKind::Joiner => {
                if self.is_rejoin(person) {
                    next.leaves_on = None;
                }
                next.starts_on = Some(self.effective_date);
            }
            HrEventKind::Mover => {}
            HrEventKind::Leaver => next.leaves_on = Some(self.effective_date),
        }
        next.status = next.status_on(today);
        if next != *person {
            next.version = person.version + 1;
        }
        next
    }
}

/// The value, or `None` with its error kept for the answer.
fn keep<T>(errors: &mut Vec<DomainError>, result: Result<T, DomainError>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(error) => {
            errors.push(error);
            None
        }
    }
}

/// The fields that differ between two versions of a person, in [`HrField::ALL`] order.
pub fn changed_fields(before: &Person, after: &Person) -> Vec<HrField> {
    HrField::ALL
        .iter()
        .copied()
        .filter(|field| match field {
            HrField::Kind => before.kind != after.kind,
            HrField::GivenName => before.given_name != after.given_name,
            HrField::FamilyName => before.family_name != after.family_name,
            HrField::Email => before.email != after.email,
            HrField::Phone => before.phone != after.phone,
            HrField::Address => before.address != after.address,
            HrField::DateOfBirth => before.date_of_birth != after.date_of_birth,
            HrField::Clearance => before.clearance != after.clearance,
            HrField::StartsOn => before.starts_on != after.starts_on,
            HrField::LeavesOn => before.leaves_on != after.leaves_on,
        })
        .collect()
}

/// What the desk holds of a person for HR sync: the record, and the effective date of the last
/// HR event applied to it (`None` if the desk entered the person and no HR event has applied).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonHrState {
    pub person: Person,
    pub last_effective_date: Option<NaiveDate>,
}

closed_set! {
    /// What an applied joiner or mover was to the person.
    pub enum UpdateKind for "update" {
        /// A joiner for someone the desk already holds: their details or start date changed.
        Joiner = "joiner",
        /// A joiner dated after the person's leave date: they are coming back.
        Rejoiner = "rejoiner",
        Mover = "mover",
        /// A change of details an identity system reports over SCIM, not a move.
        Correction = "correction",
    }
}

closed_set! {
    /// Why an event changes nothing.
    pub enum IgnoreReason for "reason" {
        /// Dated before the last event applied: an older event never overwrites a newer one.
        Stale = "stale",
        /// Dated the same as the last event applied and asking for nothing that is not already
        /// so: a replay.
        AlreadyApplied = "already_applied",
    }
}

impl IgnoreReason {
    pub fn message(self) -> &'static str {
        match self {
            IgnoreReason::Stale => "an event older than the last one applied is ignored",
            IgnoreReason::AlreadyApplied => "the event changes nothing: it was already applied",
        }
    }
}

closed_set! {
    /// Why an event cannot be applied: the record comes back to the HR system as an error.
    pub enum HrRefusal for "reason" {
        /// A leaver for an external id the desk does not hold.
        UnknownPerson = "unknown_person",
        /// A leaver dated before the person's start date.
        LeavesBeforeStart = "leaves_before_start",
    }
}

impl HrRefusal {
    pub fn message(self) -> &'static str {
        match self {
            HrRefusal::UnknownPerson => "a leaver must be someone the desk already holds",
            HrRefusal::LeavesBeforeStart => "a leave date must not be before the start date",
        }
    }

    /// The field of the record at fault.
    pub fn field(self) -> &'static str {
        match self {
            HrRefusal::UnknownPerson => "external_id",
            HrRefusal::LeavesBeforeStart => "effective_date",
        }
    }
}

/// What an HR event does. Create, Update and Leave apply: the person is written and
/// `last_effective_date` becomes the event's date. Ignore and Refuse write nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum HrDecision {
    /// A new person ([`HrEvent::new_person`]).
    Create,
    /// Apply the event to the held person ([`HrEvent::apply_to`]); `changes` names the fields
    /// that change (none when a newer mover only confirms what is held).
    Update {
        kind: UpdateKind,
        changes: Vec<HrField>,
    },
    /// Record the leave date ([`HrEvent::apply_to`]). `first_notice` when no leave date was
    /// held: only then are removals and recoveries raised, so a moved leave date does not
    /// raise them twice.
    Leave {
        leaves_on: NaiveDate,
        changes: Vec<HrField>,
        first_notice: bool,
    },
    Ignore {
        reason: IgnoreReason,
        last_applied: NaiveDate,
    },
    Refuse {
        reason: HrRefusal,
    },
}

impl HrDecision {
    /// Whether the event is applied, so the person is written and the event's date recorded.
    pub fn applies(&self) -> bool {
        matches!(
            self,
            HrDecision::Create | HrDecision::Update { .. } | HrDecision::Leave { .. }
        )
    }
}

/// Decides what `event` does to the person it is about, held as `current` (or not held).
///
/// - Not held: a joiner or mover creates the person; a leaver is refused.
/// - Dated before the last applied event: ignored as stale. The same date applies, so of two
///   events of one date the later arrival wins, except that a replay asking for nothing new is
///   ignored (an HR replay changes nothing and raises no desk work twice).
/// - A leaver dated before the person's start date is refused.
/// - A joiner for a held person is an update (a rejoin if dated after their leave date); a mover
///   is an update; a leaver records the leave date.
///
/// Effective-date order has a consequence HR integrators should know: a correction sent as a
/// mover dated before an advance joiner's start date is older than the joiner, so it is ignored;
/// resend the joiner instead.
pub fn decide(current: Option<&PersonHrState>, event: &HrEvent) -> HrDecision {
    let Some(state) = current else {
        return match event.kind {
            HrEventKind::Leaver => HrDecision::Refuse {
                reason: HrRefusal::UnknownPerson,
            },
            HrEventKind::Joiner | HrEventKind::Mover => HrDecision::Create,
        };
    };
    if let Some(last) = state.last_effective_date
        && event.effective_date < last
    {
        return HrDecision::Ignore {
            reason: IgnoreReason::Stale,
            last_applied: last,
        };
    }
    let person = &state.person;
    if event.kind == HrEventKind::Leaver
        && person
            .starts_on
            .is_some_and(|start| event.effective_date < start)
    {
        return HrDecision::Refuse {
            reason: HrRefusal::LeavesBeforeStart,
        };
    }
    // Only the fields compare; the status a date gives is not the event's doing.
    let changes = changed_fields(person, &event.apply_to(person, event.effective_date));
    if changes.is_empty() && state.last_effective_date == Some(event.effective_date) {
        return HrDecision::Ignore {
            reason: IgnoreReason::AlreadyApplied,
            last_applied: event.effective_date,
        };
    }
    match event.kind {
        HrEventKind::Leaver => HrDecision::Leave {
            leaves_on: event.effective_date,
            changes,
            first_notice: person.leaves_on.is_none(),
        },
        HrEventKind::Joiner if event.is_rejoin(person) => HrDecision::Update {
            kind: UpdateKind::Rejoiner,
            changes,
        },
        HrEventKind::Joiner => HrDecision::Update {
            kind: UpdateKind::Joiner,
            changes,
        },
        HrEventKind::Mover => HrDecision::Update {
            kind: UpdateKind::Mover,
            changes,
        },
    }
}

/// Desk work a decision asks for, raised in the same transaction that applies it. Pure data: the
/// API turns each into a ticket or a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum DeskEffect {
    /// An account request: set up the accounts a new (or returning) person needs.
    AccountSetUp,
    /// An account request: review the person's access for a move or a change of details.
    AccountAmend { changes: Vec<HrField> },
    /// An account request: remove this account of a leaver.
    AccountRemoval { account: AccountId },
    /// A task: recover this asset (or licence seat) from a leaver.
    AssetRecovery {
        asset: AssetId,
        assignment: AssignmentId,
    },
    /// Record the leave date, which starts the `after_leaving` retention clock (Art 5(1)(e)).
    RecordLeaveDate { leaves_on: NaiveDate },
}

/// The desk work `decision` asks for, given the person's accounts and asset assignments:
/// - a new person or a rejoiner: an account set-up request;
/// - a mover: an amend request, always (the move itself, a new role or team the HR record may
///   not show, is why access is reviewed);
/// - a joiner for a held person, or a correction: an amend request when a change affects
///   accounts;
/// - a leaver: the leave date recorded and, on first notice, a removal request for each live
///   account (requested, active or suspended) and a recovery task for each asset held (issued);
/// - ignored or refused: nothing.
pub fn effects(
    decision: &HrDecision,
    accounts: &[AccountSummary],
    assets: &[AssetHolding],
) -> Vec<DeskEffect> {
    match decision {
        HrDecision::Create
        | HrDecision::Update {
            kind: UpdateKind::Rejoiner,
            ..
        } => vec![DeskEffect::AccountSetUp],
        HrDecision::Update {
            kind: UpdateKind::Mover,
            changes,
        } => vec![DeskEffect::AccountAmend {
            changes: changes.clone(),
        }],
        HrDecision::Update {
            kind: UpdateKind::Joiner | UpdateKind::Correction,
            changes,
        } => {
            if changes.iter().any(|field| field.affects_accounts()) {
                vec![DeskEffect::AccountAmend {
                    changes: changes.clone(),
                }]
            } else {
                Vec::new()
            }
        }
        HrDecision::Leave {
            leaves_on,
            first_notice,
            ..
        } => {
            let mut work = vec![DeskEffect::RecordLeaveDate {
                leaves_on: *leaves_on,
            }];
            if *first_notice {
                work.extend(
                    accounts
                        .iter()
                        .filter(|account| account.status.is_live())
                        .map(|account| DeskEffect::AccountRemoval {
                            account: account.id,
                        }),
                );
                work.extend(
                    assets
                        .iter()
                        .filter(|holding| holding.status.is_held())
                        .map(|holding| DeskEffect::AssetRecovery {
                            asset: holding.asset,
                            assignment: holding.assignment,
                        }),
                );
            }
            work
        }
        HrDecision::Ignore { .. } | HrDecision::Refuse { .. } => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{AccountKind, AccountStatus};
    use crate::assets::{AssetKind, AssignmentStatus};
    use crate::people::PersonStatus;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn today() -> NaiveDate {
        date(2026, 2, 10)
    }

    fn input(kind: HrEventKind, effective_date: NaiveDate) -> HrEventInput {
        HrEventInput {
            external_id: "E012345".into(),
            kind,
            effective_date,
            given_name: Some("Jo".into()),
            family_name: Some("Bloggs".into()),
            email: Some("jo.bloggs@example.gov.uk".into()),
            phone: None,
            address: None,
            date_of_birth: None,
            clearance: Some(SecurityClearance::Bpss),
            person_kind: None,
        }
    }

    fn event(kind: HrEventKind, effective_date: NaiveDate) -> HrEvent {
        HrEvent::parse(input(kind, effective_date), today()).expect("valid event")
    }

    fn ids() -> (PersonId, OrgId) {
        (
            PersonId::from_uuid(Uuid::from_u128(1)),
            OrgId::from_uuid(Uuid::from_u128(2)),
        )
    }

    /// The state after `event` created a person.
    fn created(event: &HrEvent) -> PersonHrState {
        let (id, org) = ids();
        PersonHrState {
            person: event.new_person(id, org, today()).expect("valid person"),
            last_effective_date: Some(event.effective_date()),
        }
    }

    fn fields(errors: &[DomainError]) -> Vec<&'static str> {
        errors
            .iter()
            .map(|e| match e {
                DomainError::Invalid { field, .. } => *field,
                other => panic!("unexpected {other:?}"),
            })
            .collect()
    }

    #[test]
    fn parsing_reports_every_field_error_without_the_values() {
        let bad = HrEventInput {
            external_id: " ".into(),
            given_name: None,
            family_name: Some("\u{0}".into()),
            email: Some("jo.bloggs-at-example".into()),
            phone: Some("ring jo".into()),
            address: Some(" ".into()),
            date_of_birth: Some(date(2030, 1, 1)),
            person_kind: Some(PersonKind::YoungPerson),
            ..input(HrEventKind::Joiner, date(2026, 3, 2))
        };
        let errors = HrEvent::parse(bad, today()).expect_err("invalid");
        assert_eq!(
            fields(&errors),
            [
                "external_id",
                "given_name",
                "family_name",
                "email",
                "phone",
                "address",
                "person_kind",
                "date_of_birth"
            ]
        );
        for error in &errors {
            let text = error.to_string();
            assert!(
                !text.contains("bloggs") && !text.contains("ring jo"),
                "{text}"
            );
        }
    }

    #[test]
    fn a_leaver_needs_only_its_key_and_date_but_a_mover_names_the_person() {
        let leaver = HrEventInput {
            given_name: None,
            family_name: None,
            email: None,
            clearance: None,
            ..input(HrEventKind::Leaver, date(2026, 6, 30))
        };
        assert!(HrEvent::parse(leaver.clone(), today()).is_ok());
        let mover = HrEventInput {
            kind: HrEventKind::Mover,
            ..leaver
        };
        assert_eq!(
            fields(&HrEvent::parse(mover, today()).expect_err("unnamed")),
            ["given_name", "family_name"]
        );
        let no_email = HrEventInput {
            email: None,
            ..input(HrEventKind::Joiner, date(2026, 3, 2))
        };
        assert!(
            HrEvent::parse(no_email, today()).is_ok(),
            "a joiner's email is often set up by the desk"
        );
    }

    #[test]
    fn a_joiner_creates_a_joiner_and_raises_account_set_up() {
        let joiner = event(HrEventKind::Joiner, date(2026, 3, 2));
        let decision = decide(None, &joiner);
        assert_eq!(decision, HrDecision::Create);
        assert!(decision.applies());
        assert_eq!(effects(&decision, &[], &[]), [DeskEffect::AccountSetUp]);
        let state = created(&joiner);
        assert_eq!(state.person.starts_on, Some(date(2026, 3, 2)));
        assert_eq!(state.person.status, PersonStatus::Joiner);
        assert_eq!(state.person.kind, PersonKind::Staff);
        assert_eq!(
            state.person.external_id.as_ref().map(|e| e.as_str()),
            Some("E012345")
        );
    }

    #[test]
    fn a_mover_for_an_unknown_person_creates_them_without_a_start_date() {
        let mover = event(HrEventKind::Mover, date(2026, 1, 5));
        assert_eq!(decide(None, &mover), HrDecision::Create);
        let state = created(&mover);
        assert_eq!(state.person.starts_on, None);
        assert_eq!(state.person.status, PersonStatus::Active);
    }

    #[test]
    fn a_leaver_for_an_unknown_person_is_refused() {
        let leaver = event(HrEventKind::Leaver, date(2026, 6, 30));
        let decision = decide(None, &leaver);
        assert_eq!(
            decision,
            HrDecision::Refuse {
                reason: HrRefusal::UnknownPerson
            }
        );
        assert!(!decision.applies());
        assert!(effects(&decision, &[], &[]).is_empty());
        let (id, org) = ids();
        assert!(leaver.new_person(id, org, today()).is_err());
    }

    #[test]
    fn an_older_event_never_overwrites_a_newer_one() {
        let state = created(&event(HrEventKind::Joiner, date(2026, 3, 2)));
        let older = HrEventInput {
            given_name: Some("Joanne".into()),
            ..input(HrEventKind::Mover, date(2026, 3, 1))
        };
        let older = HrEvent::parse(older, today()).expect("valid");
        assert_eq!(
            decide(Some(&state), &older),
            HrDecision::Ignore {
                reason: IgnoreReason::Stale,
                last_applied: date(2026, 3, 2)
            }
        );
    }

    #[test]
    fn the_same_date_applies_so_the_later_arrival_wins() {
        let state = created(&event(HrEventKind::Joiner, date(2026, 3, 2)));
        let correction = HrEventInput {
            family_name: Some("Bloggs-Smith".into()),
            ..input(HrEventKind::Joiner, date(2026, 3, 2))
        };
        let correction = HrEvent::parse(correction, today()).expect("valid");
        let decision = decide(Some(&state), &correction);
        assert_eq!(
            decision,
            HrDecision::Update {
                kind: UpdateKind::Joiner,
                changes: vec![HrField::FamilyName]
            }
        );
        assert_eq!(
            effects(&decision, &[], &[]),
            [DeskEffect::AccountAmend {
                changes: vec![HrField::FamilyName]
            }]
        );
        let person = correction.apply_to(&state.person, today());
        assert_eq!(person.family_name, "Bloggs-Smith");
        assert_eq!(person.version, 2);
    }

    #[test]
    fn a_replay_changes_nothing() {
        let joiner = event(HrEventKind::Joiner, date(2026, 3, 2));
        let state = created(&joiner);
        let decision = decide(Some(&state), &joiner);
        assert_eq!(
            decision,
            HrDecision::Ignore {
                reason: IgnoreReason::AlreadyApplied,
                last_applied: date(2026, 3, 2)
            }
        );
        assert!(effects(&decision, &[], &[]).is_empty());
        assert_eq!(joiner.apply_to(&state.person, today()), state.person);
    }

    #[test]
    fn a_newer_mover_always_asks_for_an_amend() {
        let state = created(&event(HrEventKind::Joiner, date(2026, 3, 2)));
        let mover = HrEventInput {
            clearance: Some(SecurityClearance::Sc),
            phone: Some("01392 382000".into()),
            ..input(HrEventKind::Mover, date(2026, 9, 1))
        };
        let mover = HrEvent::parse(mover, today()).expect("valid");
        let decision = decide(Some(&state), &mover);
        assert_eq!(
            decision,
            HrDecision::Update {
                kind: UpdateKind::Mover,
                changes: vec![HrField::Phone, HrField::Clearance]
            }
        );
        let same_details = event(HrEventKind::Mover, date(2026, 9, 1));
        let decision = decide(Some(&state), &same_details);
        assert_eq!(
            effects(&decision, &[], &[]),
            [DeskEffect::AccountAmend { changes: vec![] }]
        );
    }

    #[test]
    fn a_joiner_changing_only_contact_details_raises_no_account_work() {
        let state = created(&event(HrEventKind::Joiner, date(2026, 3, 2)));
        let phone_only = HrEventInput {
            phone: Some("01392 382000".into()),
            ..input(HrEventKind::Joiner, date(2026, 3, 2))
        };
        let phone_only = HrEvent::parse(phone_only, today()).expect("valid");
        let decision = decide(Some(&state), &phone_only);
        assert!(decision.applies());
        assert!(effects(&decision, &[], &[]).is_empty());
    }

    fn account(n: u128, status: AccountStatus) -> AccountSummary {
        AccountSummary {
            id: AccountId::from_uuid(Uuid::from_u128(n)),
            kind: AccountKind::Email,
            status,
        }
    }

    fn holding(n: u128, status: AssignmentStatus) -> AssetHolding {
        AssetHolding {
            asset: AssetId::from_uuid(Uuid::from_u128(n)),
            assignment: AssignmentId::from_uuid(Uuid::from_u128(n + 100)),
            kind: AssetKind::Laptop,
            status,
        }
    }

    #[test]
    fn a_leaver_removes_live_accounts_recovers_held_assets_and_records_the_date() {
        let state = created(&event(HrEventKind::Joiner, date(2026, 3, 2)));
        let leaver = event(HrEventKind::Leaver, date(2026, 9, 30));
        let decision = decide(Some(&state), &leaver);
        assert_eq!(
            decision,
            HrDecision::Leave {
                leaves_on: date(2026, 9, 30),
                changes: vec![HrField::LeavesOn],
                first_notice: true
            }
        );
        let accounts = [
            account(1, AccountStatus::Active),
            account(2, AccountStatus::Suspended),
            account(3, AccountStatus::Removed),
            account(4, AccountStatus::Requested),
        ];
        let assets = [
            holding(10, AssignmentStatus::Issued),
            holding(11, AssignmentStatus::Returned),
            holding(12, AssignmentStatus::Issued),
            holding(13, AssignmentStatus::Lost),
        ];
        let work = effects(&decision, &accounts, &assets);
        assert_eq!(
            work,
            [
                DeskEffect::RecordLeaveDate {
                    leaves_on: date(2026, 9, 30)
                },
                DeskEffect::AccountRemoval {
                    account: accounts[0].id
                },
                DeskEffect::AccountRemoval {
                    account: accounts[1].id
                },
                DeskEffect::AccountRemoval {
                    account: accounts[3].id
                },
                DeskEffect::AssetRecovery {
                    asset: assets[0].asset,
                    assignment: assets[0].assignment
                },
                DeskEffect::AssetRecovery {
                    asset: assets[2].asset,
                    assignment: assets[2].assignment
                },
            ]
        );
        let person = leaver.apply_to(&state.person, date(2026, 10, 1));
        assert_eq!(person.leaves_on, Some(date(2026, 9, 30)));
        assert_eq!(person.status, PersonStatus::Leaver);
    }

    #[test]
    fn a_moved_leave_date_is_recorded_without_raising_removals_again() {
        let joined = created(&event(HrEventKind::Joiner, date(2026, 3, 2)));
        let first = event(HrEventKind::Leaver, date(2026, 9, 30));
        let state = PersonHrState {
            person: first.apply_to(&joined.person, today()),
            last_effective_date: Some(first.effective_date()),
        };
        let later = event(HrEventKind::Leaver, date(2026, 10, 31));
        let decision = decide(Some(&state), &later);
        assert_eq!(
            effects(&decision, &[account(1, AccountStatus::Active)], &[]),
            [DeskEffect::RecordLeaveDate {
                leaves_on: date(2026, 10, 31)
            }]
        );
        assert_eq!(
            decide(Some(&state), &first),
            HrDecision::Ignore {
                reason: IgnoreReason::AlreadyApplied,
                last_applied: date(2026, 9, 30)
            }
        );
    }

    #[test]
    fn a_leaver_before_the_start_date_is_refused() {
        let state = PersonHrState {
            last_effective_date: None,
            ..created(&event(HrEventKind::Joiner, date(2026, 3, 2)))
        };
        let decision = decide(Some(&state), &event(HrEventKind::Leaver, date(2026, 3, 1)));
        assert_eq!(
            decision,
            HrDecision::Refuse {
                reason: HrRefusal::LeavesBeforeStart
            }
        );
        assert_eq!(HrRefusal::LeavesBeforeStart.field(), "effective_date");
    }

    #[test]
    fn a_joiner_after_leaving_is_a_rejoiner() {
        let joined = created(&event(HrEventKind::Joiner, date(2026, 3, 2)));
        let leaver = event(HrEventKind::Leaver, date(2026, 9, 30));
        let state = PersonHrState {
            person: leaver.apply_to(&joined.person, date(2026, 10, 1)),
            last_effective_date: Some(leaver.effective_date()),
        };
        let rejoin = event(HrEventKind::Joiner, date(2027, 1, 4));
        let decision = decide(Some(&state), &rejoin);
        assert_eq!(
            decision,
            HrDecision::Update {
                kind: UpdateKind::Rejoiner,
                changes: vec![HrField::StartsOn, HrField::LeavesOn]
            }
        );
        assert_eq!(effects(&decision, &[], &[]), [DeskEffect::AccountSetUp]);
        let person = rejoin.apply_to(&state.person, date(2027, 1, 4));
        assert_eq!(person.leaves_on, None);
        assert_eq!(person.status, PersonStatus::Active);
    }

    #[test]
    fn decisions_and_effects_have_tagged_wire_forms() {
        let json = serde_json::to_value(HrDecision::Ignore {
            reason: IgnoreReason::Stale,
            last_applied: date(2026, 3, 2),
        })
        .expect("json");
        assert_eq!(
            json,
            serde_json::json!({"decision": "ignore", "reason": "stale", "last_applied": "2026-03-02"})
        );
        let json = serde_json::to_value(DeskEffect::AccountSetUp).expect("json");
        assert_eq!(json, serde_json::json!({"effect": "account_set_up"}));
    }

    /// Runs events through decide and apply as persistence would, returning the final state.
    fn run(events: &[HrEvent]) -> (Option<PersonHrState>, Vec<HrDecision>) {
        let mut state: Option<PersonHrState> = None;
        let mut decisions = Vec::new();
        for event in events {
            let decision = decide(state.as_ref(), event);
            state = match (&decision, state) {
                (HrDecision::Create, _) => Some(created(event)),
                (d, Some(held)) if d.applies() => Some(PersonHrState {
                    person: event.apply_to(&held.person, today()),
                    last_effective_date: Some(event.effective_date()),
                }),
                (_, held) => held,
            };
            decisions.push(decision);
        }
        (state, decisions)
    }

    fn any_events() -> impl Strategy<Value = Vec<HrEvent>> {
        let one = (
            proptest::sample::select(HrEventKind::ALL),
            proptest::sample::select(&["Jo", "Sam", "Alex"][..]),
            proptest::sample::select(SecurityClearance::ALL),
            proptest::option::of(proptest::sample::select(
                &["01392 382000", "020 7946 0000"][..],
            )),
        );
        (proptest::collection::vec(one, 1..8), 1u64..400)
            .prop_flat_map(|(records, spread)| {
                let n = records.len();
                // Distinct dates, shuffled into arrival order.
                let dates: Vec<u64> = (0..n as u64).map(|i| i * spread / n as u64 + i).collect();
                (Just(records), Just(dates).prop_shuffle())
            })
            .prop_map(|(records, offsets)| {
                records
                    .into_iter()
                    .zip(offsets)
                    .enumerate()
                    .map(|(i, ((kind, name, clearance, phone), offset))| {
                        let effective_date = date(2026, 1, 1)
                            .checked_add_days(chrono::Days::new(offset))
                            .expect("in range");
                        // The first arrival is a joiner, so no leaver arrives for no one.
                        let kind = if i == 0 { HrEventKind::Joiner } else { kind };
                        HrEvent::parse(
                            HrEventInput {
                                given_name: Some(name.into()),
                                clearance: Some(clearance),
                                phone: phone.map(Into::into),
                                ..input(kind, effective_date)
                            },
                            today(),
                        )
                        .expect("valid event")
                    })
                    .collect()
            })
    }

    proptest! {
        #[test]
        fn the_newest_event_decides_the_details_whatever_the_arrival_order(events in any_events()) {
            let (state, _) = run(&events);
            let person = state.expect("the first joiner creates").person;
            let newest = events.iter().max_by_key(|e| e.effective_date()).expect("one event");
            prop_assert_eq!(Some(&person.given_name), newest.given_name.as_ref());
            prop_assert_eq!(Some(person.clearance), newest.clearance);
        }

        #[test]
        fn replaying_a_batch_changes_nothing_and_raises_nothing(events in any_events()) {
            let (first, _) = run(&events);
            let mut replayed = events.clone();
            replayed.extend(events.iter().cloned());
            let (second, decisions) = run(&replayed);
            prop_assert_eq!(first, second);
            for decision in &decisions[events.len()..] {
                prop_assert!(!decision.applies(), "{decision:?}");
                prop_assert!(effects(decision, &[], &[]).is_empty());
            }
        }

        #[test]
        fn a_stale_event_is_always_ignored(events in any_events(), back in 1u64..100) {
            let (state, _) = run(&events);
            let state = state.expect("created");
            let last = state.last_effective_date.expect("applied");
            let older = last.checked_sub_days(chrono::Days::new(back)).expect("in range");
            for &kind in HrEventKind::ALL {
                let decision = decide(Some(&state), &event(kind, older));
                prop_assert_eq!(decision, HrDecision::Ignore { reason: IgnoreReason::Stale, last_applied: last });
            }
        }
    }
}
