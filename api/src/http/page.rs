//! Keyset pagination: an opaque cursor naming the last item of the previous page.
//!
//! The cursor is the 16 bytes of that item's UUID in unpadded base64url: 22 characters. Any
//! string of that form names a valid keyset boundary (the page after that id), so everything the
//! published pattern (`^[A-Za-z0-9_-]{22}$`) admits is a usable cursor, and anything else is refused with 400.

use base64::Engine;
use base64::alphabet::URL_SAFE;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, NO_PAD};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use domain::page::PageLimit;

use super::params::Params;

/// Decoding accepts the two spare bits of the last character, so every 22-character string of
/// the alphabet is a cursor; encoding always writes them as zero.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

/// Encodes the id of the last item seen.
pub fn cursor_after(last_id: Uuid) -> String {
    GeneralPurpose::new(&URL_SAFE, NO_PAD).encode(last_id.as_bytes())
}

/// Decodes a cursor back into the id it names, recording a parameter error if it is not one.
pub fn parse_cursor<T: From<Uuid>>(params: &mut Params, cursor: Option<&str>) -> Option<T> {
    let cursor = cursor?;
    let decoded = (cursor.len() == 22)
        .then(|| LENIENT.decode(cursor).ok())
        .flatten()
        .and_then(|bytes| <[u8; 16]>::try_from(bytes).ok())
        .map(Uuid::from_bytes);
    if decoded.is_none() {
        params.push("cursor", "must be a next_cursor from a previous page");
    }
    decoded.map(T::from)
}

/// The cursor of the page after `items`, when more follow.
pub fn next_cursor<T>(items: &[T], more: bool, id_of: impl Fn(&T) -> Uuid) -> Option<String> {
    if more {
        items.last().map(|last| cursor_after(id_of(last)))
    } else {
        None
    }
}

/// The cursor key of an item of a history keyed by version (a person's changes) rather than by
/// id: the version as the key's 16 bytes. Versions start at 1.
pub fn version_key(version: i64) -> Uuid {
    Uuid::from_u128(u128::try_from(version).unwrap_or(0))
}

/// The version a cursor key names, for a page of the versions below it. A key past every
/// version (any the published pattern admits) names a boundary above them all.
pub fn version_of_key(key: Uuid) -> i64 {
    i64::try_from(key.as_u128()).unwrap_or(i64::MAX)
}

/// The `limit` parameter: default 50, at most 500.
pub fn parse_limit(params: &mut Params, value: Option<&str>) -> PageLimit {
    let requested = params.optional::<i64>("limit", value);
    match PageLimit::parse(requested) {
        Ok(limit) => limit,
        Err(error) => {
            params.reject("limit", error);
            PageLimit::default()
        }
    }
}

/// Paging of a list. A list with filters takes its filters as a second query extractor.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1 to 500 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[A-Za-z0-9_-]{22}$")]
    pub cursor: Option<String>,
}

impl PageQuery {
    /// The page size and the id to continue after, each error recorded against its parameter.
    pub fn parse<T: From<Uuid>>(&self, params: &mut Params) -> (PageLimit, Option<T>) {
        (
            parse_limit(params, self.limit.as_deref()),
            parse_cursor(params, self.cursor.as_deref()),
        )
    }
}

/// Declares a page of `$item`s (`{ items, next_cursor }`) and `of`, which builds one from the
/// rows storage returned, whether more follow, and each row's id.
macro_rules! page {
    ($(#[$meta:meta])* $page:ident of $item:ty) => {
        $(#[$meta])*
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $page {
            pub items: Vec<$item>,
            /// Pass as `cursor` for the next page; null on the last page.
            pub next_cursor: Option<String>,
        }

        impl $page {
            pub fn of<R>(rows: Vec<R>, more: bool, id_of: impl Fn(&R) -> uuid::Uuid) -> Self
            where
                $item: From<R>,
            {
                let next_cursor = $crate::http::page::next_cursor(&rows, more, id_of);
                $page {
                    items: rows.into_iter().map(<$item>::from).collect(),
                    next_cursor,
                }
            }
        }
    };
}
pub(crate) use page;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let id = Uuid::from_u128(0x0192_0000_0000_7000_8000_0000_0000_00ab);
        let cursor = cursor_after(id);
        assert_eq!(cursor.len(), 22);
        let mut params = Params::default();
        assert_eq!(parse_cursor::<Uuid>(&mut params, Some(&cursor)), Some(id));
        assert!(params.finish().is_ok());
    }

    #[test]
    fn version_keys_round_trip_and_every_key_is_a_boundary() {
        for version in [1, 2, 50, i64::MAX] {
            assert_eq!(version_of_key(version_key(version)), version);
        }
        assert_eq!(version_of_key(Uuid::max()), i64::MAX);
    }

    #[test]
    fn every_string_of_the_published_form_is_a_cursor() {
        for cursor in [
            "AAAAAAAAAAAAAAAAAAAAAA",
            "zzzzzzzzzzzzzzzzzzzzzz",
            "_-_-_-_-_-_-_-_-_-_-_-",
        ] {
            let mut params = Params::default();
            assert!(
                parse_cursor::<Uuid>(&mut params, Some(cursor)).is_some(),
                "{cursor}"
            );
        }
    }

    #[test]
    fn other_strings_are_refused() {
        for cursor in [
            "",
            "short",
            "AAAAAAAAAAAAAAAAAAAAAAA",
            "AAAAAAAAAAAAAAAAAAAAA=",
        ] {
            let mut params = Params::default();
            assert_eq!(parse_cursor::<Uuid>(&mut params, Some(cursor)), None);
            assert!(params.finish().is_err(), "{cursor:?} should be refused");
        }
    }
}
