//! Timestamps are stored as naive UTC (portable across both backends) and are UTC in the domain.

use chrono::{DateTime, NaiveDateTime, Utc};

pub(crate) fn to_db(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc()
}

pub(crate) fn from_db(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}
