//! Identifiers. UUID v7 throughout, so ids sort by creation time and keyset pagination by id
//! follows creation order.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = uuid::Uuid))]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh id; the caller supplies the UUID (v7) so the domain reads no clock.
            pub fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

uuid_id!(
    /// An organisation: a controller or processor whose desk this is.
    OrgId
);
uuid_id!(
    /// A ticket (incident, service request or problem).
    TicketId
);
uuid_id!(
    /// A comment on a ticket.
    CommentId
);
uuid_id!(
    /// A purpose of processing in an organisation's register (Art 30(1)(b)).
    PurposeId
);
uuid_id!(
    /// A category of personal data in the register (Art 30(1)(c)).
    DataCategoryId
);
uuid_id!(
    /// A recipient or category of recipients personal data is disclosed to (Art 30(1)(d)).
    RecipientId
);
uuid_id!(
    /// A transfer of personal data to a third country or international organisation (Art 30(1)(e)).
    TransferId
);
uuid_id!(
    /// A retention policy: when data is erased, anonymised or reviewed (Art 30(1)(f)).
    RetentionPolicyId
);
uuid_id!(
    /// A processing agreement: a processor acting for a controller (Art 28(3)).
    AgreementId
);
uuid_id!(
    /// A change to an organisation's register, as its history records it.
    RegisterChangeId
);
uuid_id!(
    /// A person the desk holds data about: a data subject (staff, contractor, external,
    /// parent or guardian, young person).
    PersonId
);
uuid_id!(
    /// An account (email, network, application, shared folder) granted to a person.
    AccountId
);
uuid_id!(
    /// An asset the organisation issues: a device, a peripheral or a software licence.
    AssetId
);
uuid_id!(
    /// One assignment of an asset (or a licence seat) to a person, with its own history.
    AssignmentId
);
uuid_id!(
    /// A satisfaction survey answer about a closed ticket.
    SurveyAnswerId
);
uuid_id!(
    /// A disclosure of a person's data to a recipient, as the disclosures log records it
    /// (Art 19, 30(1)(d)).
    DisclosureId
);
uuid_id!(
    /// A request by a person to exercise one of their rights (UK GDPR Chapter III, Art 7(3),
    /// DPA 2018 s.164A).
    RightsRequestId
);
uuid_id!(
    /// A record of consent given (and perhaps withdrawn) for a purpose (Art 7(1)).
    ConsentId
);
uuid_id!(
    /// A legal hold: a person's data, or a ticket, kept from erasure and retention actions
    /// while a claim, an investigation or a duty to preserve it stands.
    LegalHoldId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_print_hyphenated_lowercase_and_parse_back() {
        let id = TicketId::from_uuid(Uuid::from_u128(0x0192_0000_0000_7000_8000_0000_0000_00ab));
        let text = id.to_string();
        assert_eq!(text, "01920000-0000-7000-8000-0000000000ab");
        assert_eq!(text.parse::<TicketId>(), Ok(id));
        assert!("not-a-uuid".parse::<TicketId>().is_err());
    }
}
