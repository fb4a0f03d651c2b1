//! Black-box HTTP tests: each test starts the real server on a fresh database (SQLite, or
//! PostgreSQL with `TEST_DATABASE_URL`) and speaks HTTP to it. One module per area.

mod helpers;

mod access;
mod accounts;
mod acting_for;
mod agreement_acceptance;
mod assets;
mod audit;
mod auth;
mod authz;
mod catalogue;
mod comments;
mod contract;
mod data_inventory;
mod disclosures;
mod erasure;
mod errors;
mod faults;
mod headers;
mod health;
mod housekeeping;
mod hr_sync;
mod identity;
mod jwks;
mod migrations;
mod notices;
mod organisations;
mod people;
mod person_history;
mod purpose_bindings;
mod records;
mod rectification;
mod register_entries;
mod register_history;
mod restrictions;
mod retention;
mod rights_request_steps;
mod rights_requests;
mod scim;
mod settings;
mod subject_access;
mod surveys;
mod ticket_lists;
mod ticket_updates;
mod tickets;
