//! The kinds of personal data the desk stores: the closed set a column of the catalogue holds
//! and a register's data categories map onto, so each column can be joined with the category
//! an organisation declared for it (Art 30(1)(c)).

use crate::closed_set;

closed_set! {
    /// What a column holds about a person. A register data category names the kinds it covers
    /// (Derby's "Name and address" covers `identity` and `contact_details`).
    pub enum DataKind for "kind" {
        /// Names and the keys other systems know the person by.
        Identity = "identity",
        /// Email addresses, telephone numbers, postal addresses.
        ContactDetails = "contact_details",
        /// Date of birth and security clearance, asked to verify identity for clearance.
        SecurityVetting = "security_vetting",
        /// Staff or contractor, start and leave dates, department, manager.
        Employment = "employment",
        /// Health and disability details, reasonable adjustments: special category (Art 9(1)).
        Health = "health",
        /// Text a person typed (ticket titles, descriptions, comments): may hold anything.
        FreeText = "free_text",
        /// Opinions given in satisfaction surveys.
        Opinions = "opinions",
        /// Accounts, user names and grants of access to systems.
        Access = "access",
        /// Which laptops, mobiles and licences the person holds.
        Equipment = "equipment",
        /// What a member of staff did on the desk: raised, approved, changed, published.
        Activity = "activity",
        /// Consents given and withdrawn.
        Consent = "consent",
    }
}

impl DataKind {
    /// A special category of personal data (Art 9(1)): processing it needs an Art 9(2)
    /// condition. Free text may happen to hold such data; tickets flag it row by row
    /// (`contains_special_category`), which the catalogue classifies as health data.
    pub fn is_special(self) -> bool {
        matches!(self, DataKind::Health)
    }

    /// The kind as a reader knows it.
    pub fn title(self) -> &'static str {
        match self {
            DataKind::Identity => "Name and identifiers",
            DataKind::ContactDetails => "Contact details",
            DataKind::SecurityVetting => "Date of birth and security clearance",
            DataKind::Employment => "Employment details",
            DataKind::Health => "Health and disability",
            DataKind::FreeText => "Free text, which may hold anything",
            DataKind::Opinions => "Opinions in satisfaction surveys",
            DataKind::Access => "Accounts and access",
            DataKind::Equipment => "Equipment held",
            DataKind::Activity => "Activity on the desk",
            DataKind::Consent => "Consents given and withdrawn",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_health_is_a_special_category() {
        let special: Vec<DataKind> = DataKind::ALL
            .iter()
            .copied()
            .filter(|k| k.is_special())
            .collect();
        assert_eq!(special, [DataKind::Health]);
    }

    #[test]
    fn every_kind_has_a_title_and_a_wire_name() {
        for kind in DataKind::ALL {
            assert!(!kind.title().is_empty());
            assert_eq!(kind.as_str().parse::<DataKind>(), Ok(*kind));
        }
    }
}
