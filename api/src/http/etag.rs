//! ETags from record versions, and `If-Match` for optimistic concurrency (RFC 9110 §13.1.1).

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::IntoParams;

pub fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// A resource as JSON with its version as the ETag.
pub fn tagged(version: i64, body: impl Serialize) -> HttpResponse {
    with_version(StatusCode::OK, version, body)
}

/// A resource just created: 201 with its ETag and where it lives.
pub fn created(location: &str, version: i64, body: impl Serialize) -> HttpResponse {
    let mut response = with_version(StatusCode::CREATED, version, body);
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn with_version(status: StatusCode, version: i64, body: impl Serialize) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag(version)))
        .json(body)
}

/// The versions `If-Match` accepts: `None` when the header is absent or `*`, otherwise the
/// versions its entity tags name (weak tags compare by their opaque part, as a client echoing a
/// proxy's weakened tag expects). A tag this API never issues names no version, so a request
/// carrying only such tags fails its precondition (412) rather than being a bad request.
pub fn if_match(req: &HttpRequest) -> Option<Vec<i64>> {
    let values: Vec<&str> = req
        .headers()
        .get_all(header::IF_MATCH)
        .map(|v| v.to_str().unwrap_or(""))
        .collect();
    if values.is_empty() || values.iter().any(|v| v.trim() == "*") {
        return None;
    }
    Some(
        values
            .iter()
            .flat_map(|v| v.split(','))
            .filter_map(|tag| {
                let tag = tag.trim();
                let tag = tag.strip_prefix("W/").unwrap_or(tag);
                tag.strip_prefix('"')?.strip_suffix('"')?.parse().ok()
            })
            .collect(),
    )
}

/// Optimistic concurrency: the ETag a read returned. Documents the header only; handlers read
/// it with `http::etag::if_match`, which also takes lists of tags.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatchHeader {
    /// The ETag from a previous read (`"3"`), or `*` for any version. A stale one is 412.
    #[param(rename = "If-Match", value_type = String, required = false, pattern = r#"^(\*|(W/)?"[0-9]+")$"#)]
    pub if_match: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn versions(values: &[&str]) -> Option<Vec<i64>> {
        let mut req = TestRequest::default();
        for value in values {
            req = req.append_header((header::IF_MATCH, *value));
        }
        if_match(&req.to_http_request())
    }

    #[test]
    fn absent_or_star_matches_any_version() {
        assert_eq!(versions(&[]), None);
        assert_eq!(versions(&["*"]), None);
    }

    #[test]
    fn lists_and_weak_tags_name_versions() {
        assert_eq!(versions(&["\"3\""]), Some(vec![3]));
        assert_eq!(versions(&["W/\"3\", \"5\""]), Some(vec![3, 5]));
        assert_eq!(versions(&["\"3\"", "\"4\""]), Some(vec![3, 4]));
    }

    #[test]
    fn tags_never_issued_match_nothing() {
        assert_eq!(versions(&["0"]), Some(vec![]));
        assert_eq!(versions(&["\"abc\""]), Some(vec![]));
        assert_eq!(versions(&["null"]), Some(vec![]));
    }
}
