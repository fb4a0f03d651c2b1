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
    format_is_csv.unwrap_or_else(|| wants_csv(req))
}

/// Whether `Accept` prefers CSV to JSON (RFC 9110 §12.5.1): the highest quality a range naming
/// each gives, CSV winning a tie only when named; `q=0` refuses a type.
fn wants_csv(req: &HttpRequest) -> bool {
    let mut csv: f32 = 0.0;
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
            "text/csv" | "text/*" => csv = csv.max(quality),
            "application/json" | "application/*" | "*/*" => json = json.max(quality),
            _ => {}
        }
    }
    csv > 0.0 && csv >= json
}
