//! Keyset pagination: an opaque cursor naming the last item of the previous page.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::params::Params;

/// Encodes the id of the last item seen.
pub fn cursor_after(last_id: impl std::fmt::Display) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{last_id}"))
}

/// Decodes a cursor back into the id it names, recording a parameter error if it is not one
/// of ours.
pub fn parse_cursor<T: std::str::FromStr>(params: &mut Params, cursor: Option<&str>) -> Option<T> {
    let cursor = cursor?;
    let decoded = URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("v1:").and_then(|id| id.parse().ok()));
    if decoded.is_none() {
        params.push("cursor", "not a cursor this API issued");
    }
    decoded
}

/// The cursor of the page after `items`, when more follow.
pub fn next_cursor<T, I: std::fmt::Display>(
    items: &[T],
    more: bool,
    id_of: impl Fn(&T) -> I,
) -> Option<String> {
    if more {
        items.last().map(|last| cursor_after(id_of(last)))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_foreign_ones_are_refused() {
        let id = uuid::Uuid::from_u128(42);
        let cursor = cursor_after(id);
        let mut params = Params::default();
        assert_eq!(
            parse_cursor::<uuid::Uuid>(&mut params, Some(&cursor)),
            Some(id)
        );
        assert!(params.finish().is_ok());
        let mut params = Params::default();
        assert_eq!(
            parse_cursor::<uuid::Uuid>(&mut params, Some("bm9wZQ")),
            None
        );
        assert!(params.finish().is_err());
    }
}
