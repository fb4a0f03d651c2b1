//! A SCIM User as the desk reads and writes it: which of its attributes are the desk's to hold,
//! how they map onto a [`Person`] and the [`DirectoryProfile`] beside it, and what a
//! provisioning write does to the person: the same joiner, mover and leaver decisions as an
//! HR event, so the desk work is the same whichever way it hears.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use super::error::ScimError;
use super::filter::get_ci;
use super::{ENTERPRISE_SCHEMA, USER_SCHEMA};
use crate::hr::{HrDecision, UpdateKind, changed_fields};
use crate::ids::{OrgId, PersonId};
use crate::people::{
    Email, ExternalId, Person, PersonKind, PersonStatus, PhoneNumber, SecurityClearance, check_text,
};

/// Text attributes of the profile are at most this long.
pub const MAX_TEXT_LEN: usize = 200;

/// What an identity system holds of a person beside the desk's record: the name they sign in
/// with (unique in the organisation without regard to case), the enterprise extension's
/// employee number, department and manager, and whether the directory has them enabled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryProfile {
    pub person_id: PersonId,
    pub org_id: OrgId,
    pub user_name: String,
    pub employee_number: Option<String>,
    pub department: Option<String>,
    pub manager: Option<PersonId>,
    /// False once the directory disabled them (or deleted them).
    pub active: bool,
}

impl DirectoryProfile {
    /// The key userName is unique and compared by: RFC 7643 §4.1.1 makes it case-insensitive.
    pub fn user_name_key(&self) -> String {
        user_name_key(&self.user_name)
    }
}

pub fn user_name_key(user_name: &str) -> String {
    user_name.to_lowercase()
}

/// The SCIM attribute a domain field came from, for error details.
pub fn scim_name(field: &str) -> &str {
    match field {
        "given_name" => "name.givenName",
        "family_name" => "name.familyName",
        "email" => "emails.value",
        "phone" => "phoneNumbers.value",
        "address" => "addresses.formatted",
        "external_id" => "externalId",
        "starts_on" | "leaves_on" => "active",
        other => other,
    }
}

/// A User as sent in a POST or PUT (or as a PATCH leaves it), its values parsed once.
/// Attributes the desk does not serve are ignored; so are contact values of a type other than
/// `work`, which are not the desk's to hold (Art 5(1)(c)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimUser {
    pub user_name: String,
    pub external_id: Option<ExternalId>,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<Email>,
    pub phone: Option<PhoneNumber>,
    pub address: Option<String>,
    /// Absent means "as held" (a new user is active).
    pub active: Option<bool>,
    pub employee_number: Option<String>,
    pub department: Option<String>,
    /// The manager's User id as sent; storage checks it names a person of the organisation.
    pub manager: Option<String>,
}

fn string_at(object: &Value, key: &str, name: &str) -> Result<Option<String>, ScimError> {
    match get_ci(object, key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(ScimError::invalid_value(format!("{name} must be a string"))),
    }
}

fn text_at(object: &Value, key: &str, name: &'static str) -> Result<Option<String>, ScimError> {
    string_at(object, key, name)?
        .map(|t| check_text(name, &t, MAX_TEXT_LEN, false).map_err(ScimError::from))
        .transpose()
}

/// The one business value of a multi-valued attribute: of the values of type `work` (or no
/// type), the one marked primary, else the last (a PATCH add appends).
fn work_value<'a>(object: &'a Value, key: &str) -> Result<Option<&'a Value>, ScimError> {
    let values = match get_ci(object, key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(values)) => values,
        Some(_) => {
            return Err(ScimError::invalid_value(format!(
                "{key} must be an array of values"
            )));
        }
    };
    let mut chosen = None;
    for value in values {
        if !value.is_object() {
            return Err(ScimError::invalid_value(format!(
                "each of {key} must be an object"
            )));
        }
        let kind = string_at(value, "type", "type")?;
        if kind.is_some_and(|k| !k.eq_ignore_ascii_case("work")) {
            continue;
        }
        if get_ci(value, "primary") == Some(&Value::Bool(true)) {
            return Ok(Some(value));
        }
        chosen = Some(value);
    }
    Ok(chosen)
}

/// An address as one text: `formatted` if sent, else its parts a line each.
fn address_text(value: &Value) -> Result<Option<String>, ScimError> {
    if let Some(formatted) = string_at(value, "formatted", "addresses.formatted")? {
        return Ok(Some(formatted));
    }
    let mut lines = Vec::new();
    for part in [
        "streetAddress",
        "locality",
        "region",
        "postalCode",
        "country",
    ] {
        if let Some(line) = string_at(value, part, "addresses")? {
            lines.push(line);
        }
    }
    Ok((!lines.is_empty()).then(|| lines.join("\n")))
}

/// `true`, `false`, or their text in any case (some directories send `"False"`).
fn boolean(value: &Value) -> Result<bool, ScimError> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(ScimError::invalid_value("active must be true or false")),
    }
}

impl ScimUser {
    /// Reads a User resource, refusing what is malformed with the attribute it concerns.
    pub fn from_json(body: &Value) -> Result<ScimUser, ScimError> {
        if !body.is_object() {
            return Err(ScimError::invalid_syntax("a User must be a JSON object"));
        }
        super::check_schemas(body, USER_SCHEMA, false)?;
        let user_name = text_at(body, "userName", "userName")?
            .ok_or_else(|| ScimError::invalid_value("userName is required"))?;
        let external_id = string_at(body, "externalId", "externalId")?
            .map(|v| ExternalId::parse(&v).map_err(ScimError::from))
            .transpose()?;
        let name = get_ci(body, "name").filter(|n| !n.is_null());
        let name = match name {
            Some(name) if name.is_object() => name,
            Some(_) => return Err(ScimError::invalid_value("name must be an object")),
            None => return Err(ScimError::invalid_value("name is required")),
        };
        let given_name = text_at(name, "givenName", "given_name")?
            .ok_or_else(|| ScimError::invalid_value("name.givenName is required"))?;
        let family_name = text_at(name, "familyName", "family_name")?
            .ok_or_else(|| ScimError::invalid_value("name.familyName is required"))?;
        let email = match work_value(body, "emails")? {
            Some(value) => string_at(value, "value", "emails.value")?
                .map(|v| Email::parse(&v).map_err(ScimError::from))
                .transpose()?,
            None => None,
        };
        let phone = match work_value(body, "phoneNumbers")? {
            Some(value) => string_at(value, "value", "phoneNumbers.value")?
                .map(|v| PhoneNumber::parse(&v).map_err(ScimError::from))
                .transpose()?,
            None => None,
        };
        let address = match work_value(body, "addresses")? {
            Some(value) => address_text(value)?
                .map(|v| check_text("address", &v, Person::MAX_ADDRESS_LEN, true))
                .transpose()?,
            None => None,
        };
        let active = match get_ci(body, "active") {
            None | Some(Value::Null) => None,
            Some(value) => Some(boolean(value)?),
        };
        let enterprise = match get_ci(body, ENTERPRISE_SCHEMA) {
            None | Some(Value::Null) => Value::Object(Map::new()),
            Some(value) if value.is_object() => value.clone(),
            Some(_) => {
                return Err(ScimError::invalid_value(format!(
                    "{ENTERPRISE_SCHEMA} must be an object"
                )));
            }
        };
        let manager = match get_ci(&enterprise, "manager") {
            None | Some(Value::Null) => None,
            Some(Value::String(id)) => Some(id.clone()),
            Some(object @ Value::Object(_)) => string_at(object, "value", "manager.value")?,
            Some(_) => {
                return Err(ScimError::invalid_value(
                    "manager must be an object with a value",
                ));
            }
        };
        Ok(ScimUser {
            user_name,
            external_id,
            given_name,
            family_name,
            email,
            phone,
            address,
            active,
            employee_number: text_at(&enterprise, "employeeNumber", "employeeNumber")?,
            department: text_at(&enterprise, "department", "department")?,
            manager: manager.filter(|m| !m.is_empty()),
        })
    }
}

/// A held User: the person and their profile, with when the profile was made and last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldUser {
    pub person: Person,
    pub profile: DirectoryProfile,
    pub created: DateTime<Utc>,
    pub last_modified: DateTime<Utc>,
}

/// Whether the person is active as SCIM means it: enabled in the directory and not a leaver.
pub fn is_active(person: &Person, profile: Option<&DirectoryProfile>, today: NaiveDate) -> bool {
    profile.is_none_or(|p| p.active) && person.status_on(today) != PersonStatus::Leaver
}

/// The location of the User with `id`, under the service's `base` URL.
pub fn location(base: &str, id: PersonId) -> String {
    format!("{base}/Users/{id}")
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl HeldUser {
    /// The User resource (RFC 7643 §4.1), every attribute served.
    pub fn to_json(&self, base: &str, today: NaiveDate) -> Value {
        let p = &self.person;
        let mut user = json!({
            "schemas": [USER_SCHEMA],
            "id": p.id.to_string(),
            "userName": self.profile.user_name,
            "name": { "givenName": p.given_name, "familyName": p.family_name },
            "displayName": format!("{} {}", p.given_name, p.family_name),
            "active": is_active(p, Some(&self.profile), today),
            "meta": {
                "resourceType": "User",
                "created": timestamp(self.created),
                "lastModified": timestamp(self.last_modified),
                "location": location(base, p.id),
            },
        });
        if let Some(external_id) = &p.external_id {
            user["externalId"] = json!(external_id.as_str());
        }
        if let Some(email) = &p.email {
            user["emails"] = json!([{ "value": email.as_str(), "type": "work" }]);
        }
        if let Some(phone) = &p.phone {
            user["phoneNumbers"] = json!([{ "value": phone.as_str(), "type": "work" }]);
        }
        if let Some(address) = &p.address {
            user["addresses"] = json!([{ "formatted": address, "type": "work" }]);
        }
        let mut enterprise = Map::new();
        if let Some(number) = &self.profile.employee_number {
            enterprise.insert("employeeNumber".into(), json!(number));
        }
        if let Some(department) = &self.profile.department {
            enterprise.insert("department".into(), json!(department));
        }
        if let Some(manager) = self.profile.manager {
            enterprise.insert(
                "manager".into(),
                json!({ "value": manager.to_string(), "$ref": location(base, manager) }),
            );
        }
        if !enterprise.is_empty() {
            user["schemas"] = json!([USER_SCHEMA, ENTERPRISE_SCHEMA]);
            user[ENTERPRISE_SCHEMA] = Value::Object(enterprise);
        }
        user
    }
}

/// What a provisioning write makes of the person and their profile, and the HR decision whose
/// desk work it raises (none when nothing the desk acts on changed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provisioned {
    pub person: Person,
    pub profile: DirectoryProfile,
    pub decision: Option<HrDecision>,
}

/// What was held before a provisioning write: nothing (a new person), or the person and their
/// profile if they have one (an HR-fed person being linked to the directory has none).
pub type Held<'a> = Option<(&'a Person, Option<&'a DirectoryProfile>)>;

/// Applies `user` (its manager already resolved) to what is held, on `today`:
/// - a new person is a joiner starting today (an account set-up request), or, created
///   inactive, someone recorded as leaving today with nothing to set up;
/// - `active` turning false is a leaver: the leave date becomes today (or the start date of a
///   joiner who never started, or an earlier leave date already held) and, on first notice,
///   removals and recoveries are raised;
/// - `active` turning true for someone whose leave date has come is a rejoin: the leave date is
///   cleared and accounts set up again;
/// - otherwise a new department or manager is a move (an amend request), and other changes a
///   correction (an amend request only when they touch what accounts are made of).
pub fn provision(
    held: Held<'_>,
    user: ScimUser,
    id: PersonId,
    org_id: OrgId,
    manager: Option<PersonId>,
    today: NaiveDate,
) -> Result<Provisioned, ScimError> {
    let before = held.map(|(person, _)| person);
    let was_active = held.is_none_or(|(person, profile)| is_active(person, profile, today));
    let active = user.active.unwrap_or(was_active);
    let mut person = match before {
        Some(person) => person.clone(),
        None => Person {
            id,
            org_id,
            kind: PersonKind::Staff,
            external_id: None,
            given_name: String::new(),
            family_name: String::new(),
            email: None,
            phone: None,
            address: None,
            date_of_birth: None,
            clearance: SecurityClearance::None,
            starts_on: Some(today),
            leaves_on: None,
            status: PersonStatus::Active,
            version: 1,
        },
    };
    person.external_id = user.external_id;
    person.given_name = user.given_name;
    person.family_name = user.family_name;
    person.email = user.email;
    person.phone = user.phone;
    person.address = user.address;

    let mut rejoin = false;
    let mut leaving = None;
    if !active && (was_active || before.is_none()) {
        // The directory disabled them: their last day is today, unless an earlier one is held
        // or they were yet to start.
        let last_day = person.starts_on.map_or(today, |start| start.max(today));
        let leaves_on = match person.leaves_on {
            Some(held) if held <= last_day => held,
            _ => last_day,
        };
        leaving = Some((leaves_on, before.is_none_or(|p| p.leaves_on.is_none())));
        person.leaves_on = Some(leaves_on);
    } else if active
        && !was_active
        && let Some(left) = person.leaves_on.filter(|left| *left <= today)
    {
        person.leaves_on = None;
        if left < today {
            person.starts_on = Some(today);
        }
        rejoin = true;
    }
    person.status = person.status_on(today);
    if let Some(before) = before
        && person != *before
    {
        person.version = before.version + 1;
    }
    person.validate(today).map_err(|errors| {
        errors
            .into_iter()
            .next()
            .map_or_else(|| ScimError::invalid_value("invalid"), ScimError::from)
    })?;

    let previous = held.and_then(|(_, profile)| profile);
    let moved = previous.is_some_and(|p| p.department != user.department || p.manager != manager);
    let profile = DirectoryProfile {
        person_id: person.id,
        org_id: person.org_id,
        user_name: user.user_name,
        employee_number: user.employee_number,
        department: user.department,
        manager,
        // Left out, the directory's flag stays as it was: someone HR records as gone is not
        // thereby disabled in the directory.
        active: user
            .active
            .unwrap_or_else(|| previous.is_none_or(|p| p.active)),
    };
    let changes = before
        .map(|b| changed_fields(b, &person))
        .unwrap_or_default();
    let decision = match (before, leaving) {
        (None, None) => Some(HrDecision::Create),
        (_, Some((leaves_on, first_notice))) => Some(HrDecision::Leave {
            leaves_on,
            changes,
            first_notice,
        }),
        (Some(_), None) if rejoin => Some(HrDecision::Update {
            kind: UpdateKind::Rejoiner,
            changes,
        }),
        (Some(_), None) if moved => Some(HrDecision::Update {
            kind: UpdateKind::Mover,
            changes,
        }),
        (Some(_), None) if !changes.is_empty() => Some(HrDecision::Update {
            kind: UpdateKind::Correction,
            changes,
        }),
        (Some(_), None) => None,
    };
    Ok(Provisioned {
        person,
        profile,
        decision,
    })
}

impl ScimUser {
    /// The user as held, as a write would send it: what DELETE deactivates.
    pub fn from_held(person: &Person, profile: &DirectoryProfile) -> ScimUser {
        ScimUser {
            user_name: profile.user_name.clone(),
            external_id: person.external_id.clone(),
            given_name: person.given_name.clone(),
            family_name: person.family_name.clone(),
            email: person.email.clone(),
            phone: person.phone.clone(),
            address: person.address.clone(),
            active: Some(profile.active),
            employee_number: profile.employee_number.clone(),
            department: profile.department.clone(),
            manager: profile.manager.map(|m| m.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hr::{DeskEffect, effects};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).expect("valid in the test")
    }

    fn body() -> Value {
        json!({
            "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
            "userName": "Jo.Bloggs@example.gov.uk",
            "externalId": "E123",
            "name": {"givenName": "Jo", "familyName": "Bloggs"},
            "emails": [
                {"value": "jo@home.example", "type": "home"},
                {"value": "jo.bloggs@example.gov.uk", "type": "work"}
            ],
            "phoneNumbers": [{"value": "020 7946 0000", "type": "work"}],
            "addresses": [{"streetAddress": "1 Horse Guards Road", "locality": "London", "type": "work"}],
            "password": "never stored",
            ENTERPRISE_SCHEMA: {"employeeNumber": "701984", "department": "Digital"}
        })
    }

    fn held(made: &Provisioned) -> HeldUser {
        HeldUser {
            person: made.person.clone(),
            profile: made.profile.clone(),
            created: DateTime::<Utc>::UNIX_EPOCH,
            last_modified: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    fn ids() -> (PersonId, OrgId) {
        (
            PersonId::from_uuid(uuid::Uuid::from_u128(1)),
            OrgId::from_uuid(uuid::Uuid::from_u128(2)),
        )
    }

    #[test]
    fn a_user_maps_onto_the_person_and_profile_holding_work_values_only() {
        let user = ScimUser::from_json(&body()).expect("valid in the test");
        assert_eq!(
            user.email.as_ref().expect("valid in the test").as_str(),
            "jo.bloggs@example.gov.uk"
        );
        assert_eq!(user.address.as_deref(), Some("1 Horse Guards Road\nLondon"));
        assert_eq!(user.active, None);
        let (id, org) = ids();
        let made = provision(None, user, id, org, None, day(23)).expect("valid in the test");
        assert_eq!(made.decision, Some(HrDecision::Create));
        assert_eq!(made.person.starts_on, Some(day(23)));
        assert_eq!(made.profile.user_name_key(), "jo.bloggs@example.gov.uk");
        let held = held(&made);
        let json = held.to_json("https://d.example/scim/v2", day(23));
        assert_eq!(json["active"], true);
        assert_eq!(json[ENTERPRISE_SCHEMA]["department"], "Digital");
        assert_eq!(
            json["meta"]["location"],
            format!("https://d.example/scim/v2/Users/{id}")
        );
        assert!(json.get("password").is_none());
        // What is rendered reads back as the same user.
        let again = ScimUser::from_json(&json).expect("valid in the test");
        assert_eq!(again.user_name, "Jo.Bloggs@example.gov.uk");
        assert_eq!(again.active, Some(true));
    }

    #[test]
    fn malformed_users_name_the_attribute() {
        let cases = [
            (
                json!({"name": {"givenName": "a", "familyName": "b"}}),
                "userName",
            ),
            (json!({"userName": "u"}), "name"),
            (
                json!({"userName": "u", "name": {"givenName": "a"}}),
                "name.familyName",
            ),
            (json!({"userName": 5, "name": {}}), "userName"),
            (
                json!({"userName": "u", "name": {"givenName": "a", "familyName": "b"}, "emails": [{"value": "nope"}]}),
                "emails.value",
            ),
            (
                json!({"userName": "u", "name": {"givenName": "a", "familyName": "b"}, "active": "maybe"}),
                "active",
            ),
            (json!({"schemas": ["urn:x"], "userName": "u"}), "schemas"),
        ];
        for (body, named) in cases {
            let error = ScimUser::from_json(&body).expect_err("refused");
            assert_eq!(error.status, 400);
            assert!(
                error.detail.contains(named),
                "{} should name {named}",
                error.detail
            );
        }
    }

    fn held_active(department: &str) -> (Person, DirectoryProfile) {
        let (id, org) = ids();
        let mut body = body();
        body[ENTERPRISE_SCHEMA]["department"] = json!(department);
        let made = provision(
            None,
            ScimUser::from_json(&body).expect("valid in the test"),
            id,
            org,
            None,
            day(2),
        )
        .expect("valid in the test");
        (made.person, made.profile)
    }

    /// Provisions `user` over the held `person` and `profile` (the same id and organisation) on
    /// `on`.
    fn provision_over(
        person: &Person,
        profile: &DirectoryProfile,
        user: ScimUser,
        on: NaiveDate,
    ) -> Provisioned {
        provision(
            Some((person, Some(profile))),
            user,
            person.id,
            person.org_id,
            None,
            on,
        )
        .expect("valid in the test")
    }

    #[test]
    fn disabling_is_a_leaver_on_first_notice_and_enabling_again_a_rejoin() {
        let (person, profile) = held_active("Digital");
        let mut user = ScimUser::from_held(&person, &profile);
        user.active = Some(false);
        let off = provision_over(&person, &profile, user.clone(), day(20));
        assert_eq!(off.person.leaves_on, Some(day(20)));
        assert!(matches!(
            off.decision,
            Some(HrDecision::Leave {
                first_notice: true,
                ..
            })
        ));
        assert!(
            effects(off.decision.as_ref().expect("valid in the test"), &[], &[])
                .contains(&DeskEffect::RecordLeaveDate { leaves_on: day(20) })
        );
        // Disabled the same day: not active, though their leave date is today.
        let held = held(&off);
        assert_eq!(held.to_json("b", day(20))["active"], false);
        // A repeat is no new notice.
        let again = provision_over(&off.person, &off.profile, user.clone(), day(21));
        assert_eq!(again.decision, None);
        // Enabled again later: a rejoin starting that day.
        user.active = Some(true);
        let on = provision_over(&off.person, &off.profile, user, day(25));
        assert_eq!(
            (on.person.leaves_on, on.person.starts_on),
            (None, Some(day(25)))
        );
        assert!(matches!(
            on.decision,
            Some(HrDecision::Update {
                kind: UpdateKind::Rejoiner,
                ..
            })
        ));
    }

    #[test]
    fn a_new_department_is_a_move_and_a_new_phone_a_correction_without_desk_work() {
        let (person, profile) = held_active("Digital");
        let mut user = ScimUser::from_held(&person, &profile);
        user.department = Some("Finance".into());
        let moved = provision_over(&person, &profile, user, day(3));
        assert!(matches!(
            moved.decision,
            Some(HrDecision::Update {
                kind: UpdateKind::Mover,
                ..
            })
        ));
        let mut user = ScimUser::from_held(&person, &profile);
        user.phone = Some(PhoneNumber::parse("020 7946 0001").expect("valid in the test"));
        let fixed = provision_over(&person, &profile, user, day(3));
        let decision = fixed.decision.expect("valid in the test");
        assert!(matches!(
            decision,
            HrDecision::Update {
                kind: UpdateKind::Correction,
                ..
            }
        ));
        assert!(effects(&decision, &[], &[]).is_empty());
        assert_eq!(fixed.person.version, person.version + 1);
        let same = provision_over(
            &person,
            &profile,
            ScimUser::from_held(&person, &profile),
            day(3),
        );
        assert_eq!((same.decision, same.person.version), (None, person.version));
    }

    #[test]
    fn created_inactive_is_recorded_as_leaving_with_nothing_to_set_up() {
        let (id, org) = ids();
        let mut user = ScimUser::from_json(&body()).expect("valid in the test");
        user.active = Some(false);
        let made = provision(None, user, id, org, None, day(9)).expect("valid in the test");
        assert_eq!(made.person.leaves_on, Some(day(9)));
        let work = effects(made.decision.as_ref().expect("valid in the test"), &[], &[]);
        assert!(!work.contains(&DeskEffect::AccountSetUp));
    }
}
