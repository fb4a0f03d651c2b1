//! Every resource of the API, registered so the OpenAPI document is collected from the handlers.

pub mod accounts;
pub mod agreements;
pub mod assets;
pub mod audit;
pub mod disclosures;
pub mod erasure;
pub mod grants;
pub mod health;
pub mod hr;
pub mod notices;
pub mod organisations;
pub mod people;
pub mod person_history;
pub mod processing;
pub mod recipient_notices;
pub mod records;
pub mod rectification;
pub mod register;
pub mod restrictions;
pub mod retention;
pub mod rights_requests;
pub mod scim;
pub mod subject_access;
pub mod surveys;
pub mod tickets;
