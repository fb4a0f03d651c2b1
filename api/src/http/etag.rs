//! ETags from record versions, and `If-Match` for optimistic concurrency (412 when stale).

use actix_web::HttpRequest;
use actix_web::http::header::{self, HeaderValue};

use super::ApiError;

pub fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// The version `If-Match` demands: `None` when absent or `*` (any version).
pub fn if_match(req: &HttpRequest) -> Result<Option<i64>, ApiError> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| ApiError::BadRequest("If-Match is not a valid ETag".into()))?
        .trim();
    if text == "*" {
        return Ok(None);
    }
    let tag = text.strip_prefix("W/").unwrap_or(text);
    match tag
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .and_then(|t| t.parse::<i64>().ok())
    {
        Some(version) => Ok(Some(version)),
        // A well-formed tag this API never issued cannot match the current one.
        None if tag.starts_with('"') && tag.ends_with('"') && tag.len() >= 2 => Ok(Some(-1)),
        None => Err(ApiError::BadRequest(
            "If-Match must be an ETag such as \"3\"".into(),
        )),
    }
}
