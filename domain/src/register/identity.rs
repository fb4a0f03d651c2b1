//! Who the controller is and how to reach it: the identity and contact details a notice leads
//! with (Art 13(1)(a), (b), 14(1)(a), (b)) and an Art 30(1)(a) record names.

use serde::{Deserialize, Serialize};

use super::violation::{RuleViolation, all_or_nothing, is_blank};
use crate::people::Email;
use crate::rights_requests::Nation;

/// A way to reach a person or office: any of email, telephone, postal address, web page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// The office or role ("Data Protection Officer", "Information Governance"), not a person.
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Postal address, lines separated by newlines.
    pub address: Option<String>,
    /// A web page or online contact form.
    pub url: Option<String>,
}

impl Contact {
    /// Whether the contact gives at least one way to reach it.
    pub fn is_reachable(&self) -> bool {
        [&self.email, &self.phone, &self.address, &self.url]
            .into_iter()
            .any(|way| way.as_deref().is_some_and(|s| !is_blank(s)))
    }

    /// `field` names the contact in the answer (`dpo`, `complaints`).
    fn check(&self, field: &'static str, article: &'static str, into: &mut Vec<RuleViolation>) {
        if !self.is_reachable() {
            into.push(RuleViolation::new(
                field,
                article,
                "a contact gives an email, telephone, postal address or web page",
            ));
        }
        if self.email.as_deref().is_some_and(|e| !looks_like_email(e)) {
            into.push(RuleViolation::new(
                field,
                article,
                "a contact's email is an address such as dpo@example.gov.uk",
            ));
        }
    }
}

/// Whether the text has an email address's shape: the one check, [`Email::parse`].
fn looks_like_email(text: &str) -> bool {
    Email::parse(text).is_ok()
}

/// An organisation's identity in the register: what a privacy notice and an Art 30 record
/// say of the controller (or processor) itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationDetails {
    /// The organisation's legal name ("Devon County Council").
    pub name: String,
    /// The ICO data protection fee register entry, such as `Z6475582`.
    pub ico_registration_number: Option<String>,
    /// A public authority or body (DPA 2018 s.7): it must designate a DPO (Art 37(1)(a)) and
    /// cannot rely on 6(1)(ea) or (f) in performance of its tasks.
    pub public_authority: bool,
    /// Postal address of the controller, lines separated by newlines.
    pub address: Option<String>,
    /// General enquiries: email, telephone or an online form.
    pub contact: Option<Contact>,
    /// The data protection officer (Art 13(1)(b), 37, 38).
    pub dpo: Option<Contact>,
    /// Where a complaint to the controller goes (DPA 2018 s.164A).
    pub complaints: Option<Contact>,
    /// The representative in the UK of a controller not established here (Art 27).
    pub uk_representative: Option<Contact>,
    /// Art 30(1)(g), 30(2)(d): a general description of the technical and organisational
    /// security measures.
    pub security_measures: Option<String>,
    /// Where the organisation is: whose bank holidays count against a rights request's
    /// deadline when the request names no nation. England and Wales unless recorded.
    #[serde(default)]
    pub nation: Nation,
}

impl OrganisationDetails {
    /// The organisation is named, its ICO registration number has the register's shape, and
    /// every contact it gives can be used.
    pub fn validate(&self) -> Result<(), Vec<RuleViolation>> {
        let mut violations = Vec::new();
        if is_blank(&self.name) {
            violations.push(RuleViolation::new(
                "name",
                "Art 13(1)(a)",
                "the controller is named",
            ));
        }
        if self
            .ico_registration_number
            .as_deref()
            .is_some_and(|n| !is_ico_registration_number(n))
        {
            violations.push(RuleViolation::new(
                "ico_registration_number",
                "DPA 2018 s.137",
                "an ICO registration number is Z and seven characters, such as Z6475582",
            ));
        }
        for (field, article, contact) in [
            ("contact", "Art 13(1)(a)", &self.contact),
            ("dpo", "Art 13(1)(b)", &self.dpo),
            ("complaints", "DPA 2018 s.164A", &self.complaints),
            ("uk_representative", "Art 27", &self.uk_representative),
        ] {
            if let Some(contact) = contact {
                contact.check(field, article, &mut violations);
            }
        }
        all_or_nothing(violations)
    }
}

/// The ICO's register numbers: `Z` then seven characters, the last six digits (`Z6475582`,
/// `ZA123456`).
fn is_ico_registration_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 8
        && bytes[0] == b'Z'
        && (bytes[1].is_ascii_uppercase() || bytes[1].is_ascii_digit())
        && bytes[2..].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn devon() -> OrganisationDetails {
        OrganisationDetails {
            nation: Nation::EnglandAndWales,
            name: "Devon County Council".into(),
            ico_registration_number: Some("Z6475582".into()),
            public_authority: true,
            address: Some("County Hall\nTopsham Road\nExeter\nEX2 4QD".into()),
            contact: None,
            dpo: Some(Contact {
                name: Some("Data Protection Officer".into()),
                email: Some("dataprotection@devon.gov.uk".into()),
                ..Contact::default()
            }),
            complaints: None,
            uk_representative: None,
            security_measures: None,
        }
    }

    fn fields(details: &OrganisationDetails) -> Vec<&'static str> {
        details
            .validate()
            .err()
            .unwrap_or_default()
            .iter()
            .map(|v| v.field)
            .collect()
    }

    #[test]
    fn a_seed_identity_is_valid() {
        assert_eq!(devon().validate(), Ok(()));
    }

    #[test]
    fn ico_registration_numbers_have_the_registers_shape() {
        for good in ["Z6475582", "ZA123456", "ZB987654"] {
            assert!(is_ico_registration_number(good), "{good}");
        }
        for bad in [
            "",
            "Z647558",
            "Z64755821",
            "A6475582",
            "z6475582",
            "ZAB12345",
        ] {
            assert!(!is_ico_registration_number(bad), "{bad}");
        }
        let mut details = devon();
        details.ico_registration_number = Some("6475582".into());
        assert_eq!(fields(&details), ["ico_registration_number"]);
    }

    #[test]
    fn contacts_must_be_usable() {
        let mut details = devon();
        details.name = " ".into();
        details.dpo = Some(Contact {
            name: Some("Data Protection Officer".into()),
            ..Contact::default()
        });
        details.complaints = Some(Contact {
            email: Some("not an address".into()),
            ..Contact::default()
        });
        assert_eq!(fields(&details), ["name", "dpo", "complaints"]);
        for good in ["dpo@cabinetoffice.gov.uk", "data.protection@derby.gov.uk"] {
            assert!(looks_like_email(good), "{good}");
        }
        for bad in [
            "dpo", "@x.uk", "dpo@", "dpo@x", "a b@x.uk", "a@b@x.uk", "a@.uk",
        ] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }
}
