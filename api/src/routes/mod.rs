//! Every resource of the API, registered so the OpenAPI document is collected from the handlers.

pub mod agreements;
pub mod health;
pub mod notices;
pub mod organisations;
pub mod records;
pub mod register;
pub mod tickets;
