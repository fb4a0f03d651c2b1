//! `ValidJson<T>`: a JSON body checked at the edge. Wrong content type 415, over the limit 413,
//! not JSON 400, JSON of the wrong shape or failing validation 422 naming every field at fault
//! in one answer.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use super::shape::{Shaped, shape};
use super::{ApiError, FieldError};

/// Bodies larger than this are refused with 413.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// A JSON body of at most `LIMIT` bytes. A route taking more than [`BODY_LIMIT`] also raises
/// actix's `PayloadConfig` to the same limit for its scope.
pub struct ValidJson<T, const LIMIT: usize = BODY_LIMIT>(pub T);

impl<T: DeserializeOwned + Validate + 'static, const LIMIT: usize> FromRequest
    for ValidJson<T, LIMIT>
{
    type Error = ApiError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<mime::Mime>().ok())
            .is_some_and(|m| {
                m.type_() == mime::APPLICATION
                    && (m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON))
            });
        let too_large = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok())
            .is_some_and(|n| n > LIMIT);
        let body = web::Bytes::from_request(req, payload);
        let authenticated = crate::auth::gate::after_authentication(req);
        Box::pin(async move {
            let read = read_body(body, content_type_ok, too_large).await;
            if read.is_err() {
                authenticated.await;
            }
            read
        })
    }
}

/// The body read, parsed and validated.
async fn read_body<T: DeserializeOwned + Validate, const LIMIT: usize>(
    body: <web::Bytes as FromRequest>::Future,
    content_type_ok: bool,
    too_large: bool,
) -> Result<ValidJson<T, LIMIT>, ApiError> {
    if !content_type_ok {
        return Err(ApiError::UnsupportedMediaType(
            "the request body must be application/json".into(),
        ));
    }
    if too_large {
        return Err(ApiError::PayloadTooLarge { limit: LIMIT });
    }
    let bytes = body
        .await
        .map_err(|error| match error.as_response_error().status_code() {
            actix_web::http::StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::PayloadTooLarge { limit: LIMIT }
            }
            _ => ApiError::BadRequest("the request body could not be read".into()),
        })?;
    parse(&bytes).map(ValidJson)
}

/// Parses JSON in two steps: text that is not JSON is a 400; JSON of the wrong shape or failing
/// validation is a 422 naming every field at fault. (serde_json alone reports some shape
/// errors, such as a number where an enum's name belongs, as syntax errors.)
fn parse<T: DeserializeOwned + Validate>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|error| {
        ApiError::BadRequest(format!(
            "the request body is not valid JSON (line {}, column {})",
            error.line(),
            error.column()
        ))
    })?;
    let shaped = shape::<T>(value);
    let mut errors = shape_errors(&shaped);
    if let Some(Err(invalid)) = shaped.parsed.as_ref().map(Validate::validate) {
        // A stand-in's own validation failures are not the caller's: its field is named.
        errors.extend(
            field_errors(&invalid)
                .into_iter()
                .filter(|e| !shaped.stood_in(&e.field)),
        );
    }
    errors.sort_by(|a, b| a.field.cmp(&b.field));
    match shaped.parsed {
        Some(parsed) if errors.is_empty() => Ok(parsed),
        _ => Err(ApiError::fields(errors)),
    }
}

/// For `#[serde(default, deserialize_with = "present")]`: tells a field sent as `null` (clear
/// it, `Some(None)`) from a field not sent (leave it, `None`).
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A JSON value in the shape of `T`, or every field at fault and what it should be, never the
/// value sent. Batches use it to refuse one record and keep the rest.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, Vec<FieldError>> {
    let shaped = shape::<T>(value);
    let errors = shape_errors(&shaped);
    match shaped.parsed {
        Some(parsed) if errors.is_empty() => Ok(parsed),
        _ => Err(errors),
    }
}

fn shape_errors<T>(shaped: &Shaped<T>) -> Vec<FieldError> {
    shaped
        .faults
        .iter()
        .map(|(path, text)| {
            let (field, message) = describe_shape_error(path, text);
            FieldError { field, message }
        })
        .collect()
}

/// The field and a message for a shape error, built from serde's wording without ever
/// repeating the submitted value (which may be personal data): only field names, expected
/// types and allowed values are kept.
fn describe_shape_error(path: &str, text: &str) -> (String, String) {
    let quoted = |prefix: &str| {
        text.strip_prefix(prefix)
            .and_then(|rest| rest.split_once('`'))
            .map(|(name, _)| name.to_owned())
    };
    let at = |name: &str| match path {
        "." => name.to_owned(),
        parent if parent.ends_with(name) => parent.to_owned(),
        parent => format!("{parent}.{name}"),
    };
    let expected = text
        .rsplit_once(", expected ")
        .map(|(_, expected)| expected);
    if let Some(name) = quoted("missing field `") {
        return (at(&name), "is required".into());
    }
    if let Some(name) = quoted("unknown field `") {
        let message = match expected {
            Some(known) => format!("is not a field here; expected {known}"),
            None => "is not a field here".into(),
        };
        return (at(&name), message);
    }
    let field = if path == "." {
        "body".to_owned()
    } else {
        path.to_owned()
    };
    let message = match expected {
        Some(expected) => format!("must be {expected}"),
        None => "is invalid".into(),
    };
    (field, message)
}

/// Flattens validator's nested errors into `field.sub[0]` paths.
pub fn field_errors(errors: &ValidationErrors) -> Vec<FieldError> {
    let mut out = Vec::new();
    collect(errors, "", &mut out);
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

fn collect(errors: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for error in list {
                    let message = error
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| describe(error));
                    out.push(FieldError {
                        field: path.clone(),
                        message,
                    });
                }
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect(inner, &format!("{path}[{index}]"), out);
                }
            }
        }
    }
}

fn describe(error: &validator::ValidationError) -> String {
    let param = |name: &str| error.params.get(name).map(|v| v.to_string());
    match error.code.as_ref() {
        "length" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("must be {min} to {max} characters"),
            (None, Some(max)) => format!("must be at most {max} characters"),
            (Some(min), None) => format!("must be at least {min} characters"),
            _ => "has the wrong length".into(),
        },
        "range" => "is out of range".into(),
        "email" => "must be an email address".into(),
        code => format!("is invalid ({code})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, Validate)]
    #[serde(deny_unknown_fields)]
    struct Body {
        #[validate(length(min = 1, max = 5))]
        title: String,
        #[expect(dead_code, reason = "present only to be parsed")]
        count: Option<u8>,
    }

    fn status(result: Result<Body, ApiError>) -> u16 {
        use actix_web::ResponseError;
        result
            .map(|_| 200)
            .unwrap_or_else(|e| e.status_code().as_u16())
    }

    #[test]
    fn syntax_errors_are_400_and_shape_errors_422_naming_the_field() {
        assert_eq!(status(parse(b"{\"title\": ")), 400);
        assert_eq!(status(parse(b"{\"title\": \"a\"} x")), 400);
        match parse::<Body>(b"{\"title\": \"a\", \"count\": 900}") {
            Err(ApiError::InvalidFields { errors, .. }) => assert_eq!(errors[0].field, "count"),
            other => panic!("expected a field error, got {other:?}"),
        }
        match parse::<Body>(b"{\"title\": \"a\", \"colour\": 1}") {
            Err(ApiError::InvalidFields { errors, .. }) => {
                assert_eq!(errors[0].field, "colour");
                assert!(errors[0].message.starts_with("is not a field here"));
            }
            other => panic!("expected a field error, got {other:?}"),
        }
        match parse::<Body>(b"{\"count\": 3}") {
            Err(ApiError::InvalidFields { errors, .. }) => {
                assert_eq!(
                    (errors[0].field.as_str(), errors[0].message.as_str()),
                    ("title", "is required")
                );
            }
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn shape_errors_never_repeat_the_submitted_value() {
        let secret = "Jane Doe has diabetes";
        for body in [
            format!("{{\"title\": 5, \"count\": \"{secret}\"}}"),
            format!("{{\"title\": [\"{secret}\"]}}"),
        ] {
            match parse::<Body>(body.as_bytes()) {
                Err(ApiError::InvalidFields { errors, detail, .. }) => {
                    assert!(!detail.contains(secret));
                    for error in errors {
                        assert!(!error.message.contains(secret), "{}", error.message);
                        assert!(!error.message.contains("Jane"), "{}", error.message);
                    }
                }
                other => panic!("expected a field error, got {other:?}"),
            }
        }
    }

    #[test]
    fn every_fault_is_named_once_with_validation_failures_beside_them() {
        #[derive(Debug, serde::Deserialize, Validate)]
        #[serde(deny_unknown_fields)]
        struct Nested {
            #[validate(length(min = 1))]
            name: String,
            #[validate(nested)]
            inner: Body,
            #[expect(dead_code, reason = "present only to be parsed")]
            flag: bool,
            #[expect(dead_code, reason = "present only to be parsed")]
            when: Option<chrono::NaiveDate>,
        }
        let body = br#"{"name": "", "inner": {"count": "x"}, "when": "soon", "extra": 1}"#;
        match parse::<Nested>(body) {
            Err(ApiError::InvalidFields { errors, .. }) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(
                    fields,
                    [
                        "extra",
                        "flag",
                        "inner.count",
                        "inner.title",
                        "name",
                        "when"
                    ]
                );
            }
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn validation_errors_name_the_field_and_the_bound() {
        let errors = match parse::<Body>(b"{\"title\": \"far too long\"}") {
            Err(ApiError::InvalidFields { errors, .. }) => errors,
            other => panic!("expected field errors, got {other:?}"),
        };
        assert_eq!(
            errors,
            vec![FieldError {
                field: "title".into(),
                message: "must be 1 to 5 characters".into()
            }]
        );
    }
}
