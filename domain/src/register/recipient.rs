//! Recipients: those personal data is disclosed to (Art 4(9), 30(1)(d), 13(1)(e)).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::RecipientId;
use crate::{DomainError, closed_set};

use super::violation::{RuleViolation, all_or_nothing, is_blank};

closed_set! {
    /// Who a recipient is to the controller.
    pub enum RecipientKind for "kind" {
        /// Processes on the controller's behalf under an Art 28 contract.
        Processor = "processor",
        /// Another controller, deciding its own purposes.
        ThirdParty = "third_party",
        /// A public authority receiving disclosures (a regulator, the police, a court).
        PublicAuthority = "public_authority",
        /// A team inside the controller; still named, because Art 19 notification and access
        /// requests follow the data there.
        InternalTeam = "internal_team",
    }
}

/// A country by its ISO 3166-1 alpha-2 code, upper case (`GB`, `US`, `IE`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "GB", pattern = "^[A-Za-z]{2}$"))]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode(String);

impl CountryCode {
    /// Two ASCII letters, either case; `UK` is refused because ISO 3166-1 codes the United
    /// Kingdom as `GB`.
    pub fn parse(value: &str) -> Result<Self, DomainError> {
        let code = value.trim().to_ascii_uppercase();
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(DomainError::invalid(
                "country",
                "must be an ISO 3166-1 alpha-2 code such as GB",
            ));
        }
        if code == "UK" {
            return Err(DomainError::invalid(
                "country",
                "the United Kingdom is GB in ISO 3166-1",
            ));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the country is the United Kingdom, so a disclosure there is no transfer.
    pub fn is_uk(&self) -> bool {
        self.0 == "GB"
    }
}

impl TryFrom<String> for CountryCode {
    type Error = DomainError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CountryCode> for String {
    fn from(value: CountryCode) -> Self {
        value.0
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A recipient, or category of recipients, of a purpose's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recipient {
    pub id: RecipientId,
    /// The organisation or category ("IT system and hardware suppliers").
    pub name: String,
    pub kind: RecipientKind,
    /// Where the recipient is, when known; outside the UK it is a transfer.
    pub country: Option<CountryCode>,
}

impl Recipient {
    /// Art 30(1)(d): recipients are named, at least by category.
    pub fn validate(&self) -> Result<(), Vec<RuleViolation>> {
        let mut violations = Vec::new();
        if is_blank(&self.name) {
            violations.push(RuleViolation::new(
                "name",
                "Art 30(1)(d)",
                "a recipient is named, at least by category",
            ));
        }
        all_or_nothing(violations)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_are_two_letters_upper_cased() {
        assert_eq!(
            CountryCode::parse("gb").map(|c| c.to_string()),
            Ok("GB".into())
        );
        assert!(CountryCode::parse("GB").expect("valid").is_uk());
        assert!(!CountryCode::parse("IE").expect("valid").is_uk());
        for bad in ["", "G", "GBR", "G1", "É1", "UK", "uk"] {
            assert!(
                CountryCode::parse(bad).is_err(),
                "{bad:?} should be refused"
            );
        }
        let json: Result<CountryCode, _> = serde_json::from_str("\"US\"");
        assert_eq!(json.map(|c| c.to_string()).ok(), Some("US".into()));
        assert!(serde_json::from_str::<CountryCode>("\"USA\"").is_err());
    }

    #[test]
    fn a_recipient_is_named() {
        // Devon names Babcock LDP as a processor working on its behalf.
        let babcock = Recipient {
            id: RecipientId::from_uuid(uuid::Uuid::from_u128(1)),
            name: "Babcock LDP".into(),
            kind: RecipientKind::Processor,
            country: CountryCode::parse("GB").ok(),
        };
        assert_eq!(babcock.validate(), Ok(()));
        let unnamed = Recipient {
            name: String::new(),
            ..babcock
        };
        let refusal = unnamed.validate().expect_err("unnamed");
        assert_eq!(refusal[0].field, "name");
        assert!(refusal[0].message.starts_with("Art 30(1)(d): "));
    }

    #[test]
    fn kinds_speak_snake_case() {
        let json = serde_json::to_string(&RecipientKind::InternalTeam).expect("json");
        assert_eq!(json, "\"internal_team\"");
        assert_eq!("third_party".parse(), Ok(RecipientKind::ThirdParty));
    }
}
