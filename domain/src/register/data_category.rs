//! Categories of personal data (Art 30(1)(c), 14(1)(d)), flagged when special (Art 9(1)).

use serde::{Deserialize, Serialize};

use crate::catalogue::DataKind;
use crate::ids::DataCategoryId;

use super::violation::{RuleViolation, all_or_nothing, is_blank};

/// A category of personal data a purpose processes. `special` marks the categories of Art 9(1)
/// (health, disability, ethnicity, beliefs, biometrics and the rest): processing them needs an
/// Art 9(2) condition on the purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataCategory {
    pub id: DataCategoryId,
    /// "Name and business contact details", "Disability information".
    pub name: String,
    pub special: bool,
    pub description: String,
    /// The kinds of personal data the category covers, so the desk's personal-data catalogue
    /// can say where it is stored. Empty for a category the desk does not store (photographs
    /// kept elsewhere) or not yet mapped.
    #[serde(default)]
    pub kinds: Vec<DataKind>,
}

impl DataCategory {
    /// Art 30(1)(c): the record describes each category of personal data.
    pub fn validate(&self) -> Result<(), Vec<RuleViolation>> {
        let mut violations = Vec::new();
        if is_blank(&self.name) {
            violations.push(RuleViolation::new(
                "name",
                "Art 30(1)(c)",
                "a category of personal data is named",
            ));
        }
        if !self.special && self.kinds.iter().any(|k| k.is_special()) {
            violations.push(RuleViolation::new(
                "special",
                "Art 9(1)",
                "a category covering health or disability data is a special category",
            ));
        }
        all_or_nothing(violations)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_category_is_named() {
        // Derby: disability information to support technological reasonable adjustment.
        let disability = DataCategory {
            id: DataCategoryId::from_uuid(uuid::Uuid::from_u128(4)),
            name: "Disability information".into(),
            special: true,
            description: "To support technological reasonable adjustment".into(),
            kinds: vec![DataKind::Health],
        };
        assert_eq!(disability.validate(), Ok(()));
        let unnamed = DataCategory {
            name: "\t".into(),
            ..disability
        };
        assert_eq!(unnamed.validate().map_err(|v| v[0].field), Err("name"));
    }

    #[test]
    fn a_category_of_health_data_is_special() {
        let health = DataCategory {
            id: DataCategoryId::from_uuid(uuid::Uuid::from_u128(8)),
            name: "Health details".into(),
            special: false,
            description: String::new(),
            kinds: vec![DataKind::FreeText, DataKind::Health],
        };
        let violations = health.validate().expect_err("health data is special");
        assert_eq!(violations[0].field, "special");
        assert_eq!(violations[0].article, "Art 9(1)");
        let contact = DataCategory {
            kinds: vec![DataKind::ContactDetails],
            ..health
        };
        assert_eq!(contact.validate(), Ok(()));
    }
}
