//! The one place the API reads the clock and mints ids; the domain takes both as arguments.

use chrono::{DateTime, SubsecRound, Utc};

/// Now, to the microsecond: the precision both databases store, so what a write returns equals
/// what a later read returns.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

pub fn unix_seconds() -> u64 {
    u64::try_from(Utc::now().timestamp()).unwrap_or(0)
}

/// A new UUID v7: time-ordered, so keyset pages follow creation order.
pub fn new_uuid() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}
