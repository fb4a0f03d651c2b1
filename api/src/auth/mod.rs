//! Who is calling: bearer JWTs verified against configured keys, and typed role extractors so a
//! handler's signature states who may call it.

mod cache;
mod caller;
pub mod gate;
pub mod jwks;
pub mod mint;
pub mod parties;
mod verify;

pub use caller::ReportReaders;
pub use caller::{AssetOverseers, AssetReaders, AuditReaders, Members};
pub use caller::{
    Caller, Desk, DeskOrDpo, Integrators, Principal, RegisterKeepers, RegisterReaders, RoleSet,
    Staff, TicketEditors,
};
pub use caller::{ConsentHolders, Requesters, RightsRequesters, SurveyReporters};
pub use caller::{
    DisclosureViewers, DpoOrGrantedAgents, Dpos, PeopleReaders, PeopleViewers, PeopleWriters,
    ProcessingReaders,
};
pub use verify::{AuthConfig, AuthError, Claims, Verifier};
