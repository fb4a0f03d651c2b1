//! Query and path parameters, parsed one by one so a failure names its parameter.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};

use super::{ApiError, FieldError};

/// Collects parameter errors, so one answer names every bad parameter at once.
#[derive(Default)]
pub struct Params {
    errors: Vec<FieldError>,
}

impl Params {
    /// Parses an optional parameter with its domain parser.
    pub fn optional<T>(&mut self, field: &str, value: Option<&str>) -> Option<T>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        let value = value?;
        match value.parse::<T>() {
            Ok(parsed) => Some(parsed),
            Err(error) => {
                self.reject(field, error);
                None
            }
        }
    }

    /// Records `error` against `field`. Domain parsers prefix their field name
    /// ("status: ..."); only the rule is kept.
    pub fn reject(&mut self, field: &str, error: impl std::fmt::Display) {
        let message = error.to_string();
        let message = message
            .strip_prefix(&format!("{field}: "))
            .map(str::to_owned)
            .unwrap_or(message);
        self.push(field, message);
    }

    /// An RFC 3339 moment, in UTC. Moments past the year 9999 are read as its last instant:
    /// after every stored time, and inside what both databases compare correctly (SQLite
    /// compares times as text, where year 10000 would sort first).
    pub fn moment(&mut self, field: &str, value: Option<&str>) -> Option<DateTime<Utc>> {
        let at = self
            .optional::<DateTime<chrono::FixedOffset>>(field, value)?
            .with_timezone(&Utc);
        let last = NaiveDate::from_ymd_opt(9999, 12, 31)
            .and_then(|d| d.and_hms_micro_opt(23, 59, 59, 999_999))
            .map(|t| t.and_utc());
        Some(match last {
            Some(last) if at > last => last,
            _ => at,
        })
    }

    /// A free-text parameter of at most `max` characters.
    pub fn text(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let value = value?;
        if value.chars().count() > max {
            self.push(field, format!("must be at most {max} characters"));
            return None;
        }
        Some(value.to_owned())
    }

    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// 400 naming every bad parameter, or Ok.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::bad_parameters(self.errors))
        }
    }
}

/// A path id, or 400 naming the parameter.
pub fn path_id<T: FromStr>(field: &str, value: &str) -> Result<T, ApiError> {
    value.parse().map_err(|_| {
        ApiError::bad_parameters(vec![FieldError {
            field: field.to_owned(),
            message: "must be a UUID".into(),
        }])
    })
}
