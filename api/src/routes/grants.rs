//! Duties the DPO grants agents by their account (`/adjustment-readers/{subject}`,
//! `/disclosure-recorders/{subject}`): each pair of endpoints is a thin door onto the same
//! grant, revoke and check written here once. The account is resolved to the agent's person
//! record when one holds it, so the grant follows the person if their account changes.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::grants::Duty;
use domain::party::Party;
use domain::role::Role;
use persistence::grants::{self, Grant};
use persistence::{StoreError, parties};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Principal;
use crate::clock;
use crate::http::{ApiError, ApiResult, FieldError};
use crate::state::AppState;

/// A duty the DPO granted an agent.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantDto {
    pub duty: Duty,
    /// The agent granted it.
    pub subject: Party,
    /// The DPO who granted it.
    pub granted_by: Party,
    pub granted_at: DateTime<Utc>,
}

impl From<Grant> for GrantDto {
    fn from(g: Grant) -> Self {
        GrantDto {
            duty: g.duty,
            subject: g.subject,
            granted_by: g.granted_by,
            granted_at: g.granted_at,
        }
    }
}

/// A token subject named in a path: not blank, at most 200 characters (as published).
fn path_subject(value: &str) -> Result<String, ApiError> {
    let ok = !value.trim().is_empty() && value.chars().count() <= 200;
    if ok {
        Ok(value.to_owned())
    } else {
        Err(ApiError::bad_parameters(vec![FieldError {
            field: "subject".into(),
            message: "must be a token subject: not blank, at most 200 characters".into(),
        }]))
    }
}

/// Grants `subject` the duty in the DPO's organisation; granting again keeps the first grant.
pub async fn grant(
    state: &AppState,
    dpo: &Principal,
    duty: Duty,
    subject: &str,
) -> ApiResult<web::Json<GrantDto>> {
    let subject = path_subject(subject)?;
    let org_id = dpo.org_id;
    let granted_by = dpo.actor().to_owned();
    let now = clock::now();
    let grant = state
        .write(move |conn| {
            let subject = parties::resolve(conn, org_id, &subject)?;
            grants::grant(conn, org_id, duty, &subject, &granted_by, now)
        })
        .await?;
    Ok(web::Json(GrantDto::from(grant)))
}

/// Revokes the duty from `subject`: 204, or 404 when it was not granted.
pub async fn revoke(
    state: &AppState,
    dpo: &Principal,
    duty: Duty,
    subject: &str,
) -> ApiResult<HttpResponse> {
    let subject = path_subject(subject)?;
    let org_id = dpo.org_id;
    state
        .write(move |conn| {
            let subject = parties::resolve(conn, org_id, &subject)?;
            grants::revoke(conn, org_id, duty, &subject)
        })
        .await
        .map_err(ApiError::not_found_as("grant"))?;
    Ok(HttpResponse::NoContent().finish())
}

/// Whether the caller is an agent of the organisation granted the duty. A processor's user
/// acting for it never is: it is none of the organisation's own.
pub fn holds(
    conn: &mut persistence::AnyConnection,
    caller: &Principal,
    duty: Duty,
) -> Result<bool, StoreError> {
    match caller.own() {
        Some(agent) if caller.has(Role::Agent) => {
            grants::is_granted(conn, caller.org_id, duty, agent)
        }
        _ => Ok(false),
    }
}
