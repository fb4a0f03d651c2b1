//! The HTTP edge shared by every resource: problems, JSON bodies, parameters, pages, ETags.

pub mod etag;
mod formats;
pub mod json;
pub mod page;
pub mod params;
pub mod problem;
mod shape;

pub(crate) use formats::{csv_chosen, formats, zip_chosen};
pub use problem::{ApiError, ApiResult, FieldError, Problem};
