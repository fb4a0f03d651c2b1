//! servicedesk's domain: the types and rules of an IT service desk that is lawful under UK GDPR.
//!
//! Pure: no I/O, no database, no HTTP, no clock reads (time comes in as an argument). Each rule
//! of law is a named type or function here, with its unit tests beside it.

pub mod accounts;
pub mod assets;
pub mod audit;
pub mod catalogue;
pub mod closed_set;
pub mod csv;
pub mod disclosures;
pub mod erasure;
pub mod error;
pub mod grants;
pub mod hr;
pub mod ids;
pub mod legal_holds;
pub mod organisation;
pub mod page;
pub mod party;
pub mod people;
pub mod recipient_notices;
pub mod rectification;
pub mod register;
pub mod restriction;
pub mod rights_requests;
pub mod role;
pub mod scim;
pub mod subject_access;
pub mod surveys;
pub mod ticket;
pub mod ticket_statistics;

pub use error::DomainError;
