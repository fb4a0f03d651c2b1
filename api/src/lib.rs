//! servicedesk's HTTP API and command line: actix-web handlers over `persistence`, with the
//! OpenAPI contract generated from them.

pub mod app;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod demo;
mod housekeeping;
pub mod http;
pub mod metrics;
mod middleware;
pub mod openapi;
mod restore;
pub mod retention;
mod routes;
mod scrub;
pub mod state;
pub mod subject_access;
pub mod telemetry;

pub use middleware::REQUEST_ID;
