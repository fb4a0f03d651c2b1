//! The black-box suite lives in `api/`; this crate only hosts it.
