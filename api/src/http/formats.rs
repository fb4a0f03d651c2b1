//! Response formats chosen by a `format` parameter or by `Accept`.

use actix_web::HttpRequest;
use actix_web::http::header;

/// Declares a response format: its wire names and how a parameter parses into it.
macro_rules! formats {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $wire:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, utoipa::ToSchema)]
        pub enum $name {
            $( #[schema(rename = $wire)] $variant ),+
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($wire => Ok($name::$variant),)+
                    _ => Err(format!("must be one of: {}", [$($wire),+].join(", "))),
                }
            }
        }
    };
}
pub(crate) use formats;

/// Whether to answer CSV: as a `format` parameter says (`Some(true)` for CSV), or, without one,
/// as `Accept` prefers.
pub(crate) fn csv_chosen(format_is_csv: Option<bool>, req: &HttpRequest) -> bool {
    format_is_csv.unwrap_or_else(|| prefers(req, &["text/csv", "text/*"]))
}

/// Whether to answer a ZIP: as a `format` parameter says (`Some(true)` for ZIP), or, without
/// one, as `Accept` prefers.
pub(crate) fn zip_chosen(format_is_zip: Option<bool>, req: &HttpRequest) -> bool {
    format_is_zip.unwrap_or_else(|| prefers(req, &["application/zip"]))
}

/// Whether `Accept` prefers a type of `other` (media ranges, e.g. `text/csv` and `text/*`) to
/// JSON (RFC 9110 §12.5.1): the highest quality a range naming each gives, the other winning a
/// tie only when named; `q=0` refuses a type.
fn prefers(req: &HttpRequest, other: &[&str]) -> bool {
    let mut wanted: f32 = 0.0;
    let mut json: f32 = 0.0;
    let ranges = req
        .headers()
        .get_all(header::ACCEPT)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','));
    for range in ranges {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let quality = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        match media.as_str() {
            named if other.contains(&named) => wanted = wanted.max(quality),
            "application/json" | "application/*" | "*/*" => json = json.max(quality),
            _ => {}
        }
    }
    wanted > 0.0 && wanted >= json
}
