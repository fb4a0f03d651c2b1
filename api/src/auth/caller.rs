//! `Caller<R>`: an authenticated principal holding one of the roles `R` admits. Missing or bad
//! token: 401. Valid token without such a role: 403.

use std::collections::BTreeSet;
use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use domain::ids::OrgId;
use domain::organisation::OrgSlug;
use domain::role::Role;

use super::verify::{AuthError, Claims};
use crate::clock;
use crate::http::ApiError;
use crate::state::AppState;

/// Who is calling, for which organisation, with which roles.
#[derive(Debug, Clone)]
pub struct Principal {
    pub subject: String,
    pub org: OrgSlug,
    pub org_id: OrgId,
    pub roles: BTreeSet<Role>,
}

impl Principal {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn has_any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }
}

/// A set of roles an operation admits.
pub trait RoleSet {
    const ROLES: &'static [Role];
}

/// Everyone who works with tickets: requesters, the desk, the DPO.
pub struct Staff;
impl RoleSet for Staff {
    const ROLES: &'static [Role] = &[Role::Requester, Role::Agent, Role::Admin, Role::Dpo];
}

/// Who may change tickets: requesters (their own, within limits) and the desk.
pub struct TicketEditors;
impl RoleSet for TicketEditors {
    const ROLES: &'static [Role] = &[Role::Requester, Role::Agent, Role::Admin];
}

/// The service desk: agents and admins.
pub struct Desk;
impl RoleSet for Desk {
    const ROLES: &'static [Role] = &[Role::Agent, Role::Admin];
}

/// The desk and the data protection officer.
pub struct DeskOrDpo;
impl RoleSet for DeskOrDpo {
    const ROLES: &'static [Role] = &[Role::Agent, Role::Admin, Role::Dpo];
}

/// Who keeps the processing register: administrators and the data protection officer.
pub struct RegisterKeepers;
impl RoleSet for RegisterKeepers {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Dpo];
}

/// Who reads the processing register and its records: its keepers and auditors.
pub struct RegisterReaders;
impl RoleSet for RegisterReaders {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Dpo, Role::Auditor];
}

pub struct Caller<R: RoleSet> {
    pub principal: Principal,
    _roles: PhantomData<R>,
}

impl<R: RoleSet> std::ops::Deref for Caller<R> {
    type Target = Principal;

    fn deref(&self) -> &Principal {
        &self.principal
    }
}

fn bearer(req: &HttpRequest) -> Result<String, AuthError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or(AuthError::Missing)?
        .to_str()
        .map_err(|_| AuthError::Malformed)?;
    let (scheme, token) = value.split_once(' ').ok_or(AuthError::Malformed)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(AuthError::Malformed);
    }
    Ok(token.trim().to_owned())
}

fn unauthenticated(error: AuthError) -> ApiError {
    tracing::info!(reason = %error, "request refused: unauthenticated");
    ApiError::Unauthenticated(match error {
        AuthError::Missing => "a bearer token is required",
        AuthError::Expired => "the bearer token has expired",
        _ => "the bearer token is not valid",
    })
}

async fn verify(state: &web::Data<AppState>, token: String) -> Result<Claims, ApiError> {
    let now = clock::unix_seconds();
    match state.verifier.verify(&token, now) {
        Err(AuthError::UnknownKey) if state.verifier.has_jwks() => {
            let verifier = state.verifier.clone();
            web::block(move || {
                verifier.refresh_keys();
                verifier.verify(&token, now)
            })
            .await?
            .map_err(unauthenticated)
        }
        other => other.map_err(unauthenticated),
    }
}

async fn authenticate(req: HttpRequest, admits: &'static [Role]) -> Result<Principal, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or(ApiError::Internal)?;
    let token = bearer(&req).map_err(unauthenticated)?;
    let claims = verify(&state, token).await?;
    let org = OrgSlug::parse(&claims.org).map_err(|_| unauthenticated(AuthError::Invalid))?;
    if claims.sub.trim().is_empty() || claims.sub.len() > 200 {
        return Err(unauthenticated(AuthError::Invalid));
    }
    // Roles this API does not know are ignored: identity providers carry others.
    let roles: BTreeSet<Role> = claims.roles.iter().filter_map(|r| r.parse().ok()).collect();
    if !admits.iter().any(|r| roles.contains(r)) {
        let names: Vec<&str> = admits.iter().map(|r| r.as_str()).collect();
        return Err(ApiError::Forbidden(format!(
            "this operation needs one of the roles: {}",
            names.join(", ")
        )));
    }
    let org_id = state.organisation_id(&org).await?;
    Ok(Principal {
        subject: claims.sub,
        org,
        org_id,
        roles,
    })
}

impl<R: RoleSet + 'static> FromRequest for Caller<R> {
    type Error = ApiError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let principal = authenticate(req, R::ROLES).await?;
            Ok(Caller {
                principal,
                _roles: PhantomData,
            })
        })
    }
}
