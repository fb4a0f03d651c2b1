//! Organisations: the tenants of the desk, each a controller (and perhaps a processor for others).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// An organisation's slug as it appears in tokens (`org` claim) and URLs: 2 to 63 characters of
/// lowercase ASCII letters, digits and single hyphens, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgSlug(String);

impl OrgSlug {
    pub const MAX_LEN: usize = 63;

    pub fn parse(value: &str) -> Result<Self, DomainError> {
        let bad = |message: &str| DomainError::invalid("org", message.to_owned());
        if value.len() < 2 || value.len() > Self::MAX_LEN {
            return Err(bad("must be 2 to 63 characters"));
        }
        if !value.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err(bad("must start with a lowercase letter"));
        }
        if value.ends_with('-') || value.contains("--") {
            return Err(bad("hyphens must separate words"));
        }
        if !value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(bad("only lowercase letters, digits and hyphens"));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrgSlug {
    type Error = DomainError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OrgSlug> for String {
    fn from(value: OrgSlug) -> Self {
        value.0
    }
}

impl fmt::Display for OrgSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_seed_organisations() {
        for slug in ["cabinet-office", "derby-city-council", "devon-cc", "dcms"] {
            assert_eq!(OrgSlug::parse(slug).map(|s| s.to_string()), Ok(slug.into()));
        }
    }

    #[test]
    fn refuses_malformed_slugs() {
        for slug in [
            "",
            "a",
            "Cabinet",
            "1co",
            "co-",
            "c--o",
            "co_uk",
            "café",
            &"a".repeat(64),
        ] {
            assert!(OrgSlug::parse(slug).is_err(), "{slug:?} should be refused");
        }
    }
}
