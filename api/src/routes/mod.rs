//! Every resource of the API, registered so the OpenAPI document is collected from the handlers.

pub mod health;
pub mod tickets;
