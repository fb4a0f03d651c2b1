//! Who may do what: the roles a caller's token carries.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A role granted by the identity provider in the token's `roles` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Member of staff raising tickets for themselves or on behalf of others.
    Requester,
    /// Service desk agent working the organisation's tickets.
    Agent,
    /// Administrator of the organisation's desk and register.
    Admin,
    /// HR or identity system syncing joiners, movers and leavers.
    Integrator,
    /// Reads records of processing and the audit trail.
    Auditor,
    /// Data protection officer.
    Dpo,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Requester,
        Role::Agent,
        Role::Admin,
        Role::Integrator,
        Role::Auditor,
        Role::Dpo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Requester => "requester",
            Role::Agent => "agent",
            Role::Admin => "admin",
            Role::Integrator => "integrator",
            Role::Auditor => "auditor",
            Role::Dpo => "dpo",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = crate::DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| crate::DomainError::invalid("roles", "unknown role"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }
}
