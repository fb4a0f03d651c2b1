//! SCIM 2.0 (RFC 7643, RFC 7644): how an organisation's identity system provisions the people
//! the desk serves. A User is a [`crate::people::Person`] with a
//! [`user::DirectoryProfile`] beside it; creating, disabling and deleting Users are joiners and
//! leavers with the same desk work as HR sync raises ([`crate::hr::effects`]).

use serde_json::Value;

use error::ScimError;
use filter::get_ci;

pub mod error;
pub mod filter;
pub mod patch;
pub mod path;
pub mod projection;
pub mod schema;
pub mod user;

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const ENTERPRISE_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub const LIST_RESPONSE_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const PATCH_OP_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub const SEARCH_REQUEST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// Checks a request body's `schemas` lists `urn` (any case). Absent, it is refused only when
/// `required`: Users and PatchOps are read leniently, as directories send them.
pub fn check_schemas(body: &Value, urn: &str, required: bool) -> Result<(), ScimError> {
    let listed = match get_ci(body, "schemas") {
        None if !required => return Ok(()),
        None => false,
        Some(schemas) => schemas.as_array().is_some_and(|list| {
            list.iter()
                .any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(urn)))
        }),
    };
    if listed {
        Ok(())
    } else {
        Err(ScimError::invalid_syntax(format!(
            "schemas must list {urn}"
        )))
    }
}
