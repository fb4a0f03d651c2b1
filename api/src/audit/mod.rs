//! The audit trail at the edge: recording what requests do to personal data, and the export
//! an auditor checks offline.

pub mod export;
pub(crate) mod indexer;
mod recorder;

pub use recorder::{ReadRecorder, Trail};
