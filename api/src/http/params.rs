//! Query and path parameters, parsed one by one so a failure names its parameter.

use std::str::FromStr;

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
