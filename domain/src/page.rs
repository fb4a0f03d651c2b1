//! List paging: a bounded page size. Lists are keyset-paginated (never OFFSET).

use crate::DomainError;

/// How many items one page of a list holds: 50 unless asked, never more than 500.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimit(u16);

impl PageLimit {
    pub const DEFAULT: u16 = 50;
    pub const MAX: u16 = 500;

    pub fn parse(requested: Option<i64>) -> Result<Self, DomainError> {
        match requested {
            None => Ok(Self(Self::DEFAULT)),
            Some(n) if (1..=i64::from(Self::MAX)).contains(&n) => {
                Ok(Self(u16::try_from(n).unwrap_or(Self::MAX)))
            }
            Some(_) => Err(DomainError::invalid("limit", "must be between 1 and 500")),
        }
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

impl Default for PageLimit {
    fn default() -> Self {
        Self(Self::DEFAULT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_fifty_and_bounds_to_five_hundred() {
        assert_eq!(PageLimit::parse(None).map(PageLimit::get), Ok(50));
        assert_eq!(PageLimit::parse(Some(1)).map(PageLimit::get), Ok(1));
        assert_eq!(PageLimit::parse(Some(500)).map(PageLimit::get), Ok(500));
        assert!(PageLimit::parse(Some(0)).is_err());
        assert!(PageLimit::parse(Some(501)).is_err());
        assert!(PageLimit::parse(Some(-3)).is_err());
    }
}
