//! `Caller<R>`: an authenticated principal holding one of the roles `R` admits. Missing or bad
//! token: 401. Valid token without such a role: 403.

use std::collections::BTreeSet;
use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use domain::ids::{OrgId, PersonId};
use domain::organisation::OrgSlug;
use domain::party::Party;
use domain::role::Role;

use super::verify::{AuthError, Claims};
use crate::clock;
use crate::http::ApiError;
use crate::state::AppState;

/// Who is calling, for which organisation, with which roles. `org` is the organisation whose
/// data the call acts on: the token's own, or a controller the token's organisation processes
/// for (named by the `Acting-For` header, under an agreement in force).
///
/// The token subject is resolved here, once, to the party it is in `org`: the person whose
/// `external_id` it is, or (for a desk user, a system, anyone with no person record) the
/// account itself. Identity never crosses organisations: under `Acting-For` the caller is the
/// processor's staff, recorded as the account `subject@processor-slug`, never one of the
/// controller's people, so [`Principal::own`] is `None` and the requester role, which is about
/// being one of the organisation's own people, is dropped.
#[derive(Debug, Clone)]
pub struct Principal {
    party: Party,
    pub org: OrgSlug,
    pub org_id: OrgId,
    pub roles: BTreeSet<Role>,
    /// The caller's own organisation when it acts as processor for `org`.
    pub processor: Option<OrgId>,
}

/// The header a processor's user names the controller with, to act on its data.
pub const ACTING_FOR: &str = "Acting-For";

impl Principal {
    /// Who acted, for trails (`raised_by`, authors, change histories, audit events). A
    /// processor's user is the account `subject@processor-slug`, so that a controller's person
    /// whose token subject happens to be the same is not taken for its author (a requester
    /// sees the tickets they raised).
    pub fn actor(&self) -> &Party {
        &self.party
    }

    /// The caller as one of `org`'s own: their person record, or their account when they have
    /// none; `None` for a processor's user acting for a controller.
    pub fn own(&self) -> Option<&Party> {
        match self.processor {
            None => Some(&self.party),
            Some(_) => None,
        }
    }

    /// The caller's own person record in `org`, if they have one.
    pub fn person(&self) -> Option<PersonId> {
        self.own().and_then(Party::person)
    }

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
    /// Whether a processor's user may do it for a controller. Keeping the register is the
    /// controller's alone: a processor acts on its instructions (Art 28(3)(a), 29).
    const PROCESSOR_MAY_ACT: bool = true;
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
    const PROCESSOR_MAY_ACT: bool = false;
}

/// Who reads the processing register and its records: its keepers and auditors.
pub struct RegisterReaders;
impl RoleSet for RegisterReaders {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Dpo, Role::Auditor];
}

/// HR and identity systems syncing joiners, movers and leavers.
pub struct Integrators;
impl RoleSet for Integrators {
    const ROLES: &'static [Role] = &[Role::Integrator];
}

/// The person themselves: a requester acting on their own record (consents, survey answers).
/// A processor's user never gives or answers for a controller's people.
pub struct Requesters;
impl RoleSet for Requesters {
    const ROLES: &'static [Role] = &[Role::Requester];
    const PROCESSOR_MAY_ACT: bool = false;
}

/// Who reads and withdraws consents and reads survey answers: the person themselves, and the
/// data protection officer for everyone's.
pub struct ConsentHolders;
impl RoleSet for ConsentHolders {
    const ROLES: &'static [Role] = &[Role::Requester, Role::Dpo];
    const PROCESSOR_MAY_ACT: bool = false;
}

/// Who makes and reads rights requests: the person themselves (their own), and the data
/// protection officer, who logs requests received by letter, phone or email and keeps the queue.
/// Never a processor's user: the requests are the controller's own record.
pub struct RightsRequesters;
impl RoleSet for RightsRequesters {
    const ROLES: &'static [Role] = &[Role::Requester, Role::Dpo];
    const PROCESSOR_MAY_ACT: bool = false;
}

/// Who reads the satisfaction report (never a group under 5): the desk, the DPO, auditors.
pub struct SurveyReporters;
impl RoleSet for SurveyReporters {
    const ROLES: &'static [Role] = &[Role::Agent, Role::Admin, Role::Dpo, Role::Auditor];
}

/// Who reads ticket statistics and takes the anonymised research export (never a group under
/// 5, never a person): admins, the DPO, auditors. What is released for research is the
/// controller's decision, so never a processor's user.
pub struct ReportReaders;
impl RoleSet for ReportReaders {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Dpo, Role::Auditor];
    const PROCESSOR_MAY_ACT: bool = false;
}

/// Who reads the asset catalogue: everyone who requests, issues or oversees assets.
pub struct AssetReaders;
impl RoleSet for AssetReaders {
    const ROLES: &'static [Role] = &[
        Role::Requester,
        Role::Agent,
        Role::Admin,
        Role::Dpo,
        Role::Auditor,
    ];
}

/// Every member of the organisation: each reads what they hold. Not a processor's user acting
/// for a controller: a token subject names a person only in its own organisation.
pub struct Members;
impl RoleSet for Members {
    const ROLES: &'static [Role] = &Role::ALL;
    const PROCESSOR_MAY_ACT: bool = false;
}

/// Who reads assignments, their history and the asset report: the desk, the DPO, auditors.
pub struct AssetOverseers;
impl RoleSet for AssetOverseers {
    const ROLES: &'static [Role] = &[Role::Agent, Role::Admin, Role::Dpo, Role::Auditor];
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

/// The controller an `Acting-For` header names, if the caller's organisation processes for it
/// under an agreement in force today; otherwise 403, the same for an organisation that does not
/// exist as for one without an agreement.
async fn acting_for(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    processor: OrgId,
    processor_may_act: bool,
) -> Result<Option<(OrgSlug, OrgId)>, ApiError> {
    let Some(value) = req.headers().get(ACTING_FOR) else {
        return Ok(None);
    };
    let refused = || {
        ApiError::Forbidden(
            "no processing agreement in force lets this organisation act for the one named in \
             Acting-For"
                .into(),
        )
    };
    let slug = value
        .to_str()
        .ok()
        .and_then(|v| OrgSlug::parse(v.trim()).ok())
        .ok_or_else(|| ApiError::BadRequest("Acting-For must be an organisation slug".into()))?;
    if !processor_may_act {
        return Err(ApiError::Forbidden(
            "Acting-For is not accepted here: this is the controller's own to do (its register, \
             its people's own records and choices), not a processor's on its instructions"
                .into(),
        ));
    }
    let today = clock::now().date_naive();
    let wanted = slug.clone();
    let controller = state
        .read(move |conn| {
            let Some(controller) = persistence::organisations::find_by_slug(conn, &wanted)? else {
                return Ok(None);
            };
            let in_force = persistence::register::agreements(conn, processor, None)?
                .iter()
                .any(|a| {
                    a.body.controller == controller
                        && a.body.processor == processor
                        && a.body.in_force(today)
                });
            Ok(in_force.then_some(controller))
        })
        .await?
        .ok_or_else(refused)?;
    Ok(Some((slug, controller)))
}

/// The roles a processor's user keeps acting for a controller: not `requester`, which makes
/// the caller one of the organisation's own people. Refused (403) when no other role admits
/// the operation.
fn as_processor_staff(
    mut roles: BTreeSet<Role>,
    admits: &[Role],
) -> Result<BTreeSet<Role>, ApiError> {
    roles.remove(&Role::Requester);
    if admits.iter().any(|r| roles.contains(r)) {
        Ok(roles)
    } else {
        Err(ApiError::Forbidden(
            "Acting-For is not accepted for a requester: a processor's users act as its staff \
             doing the controller's work, never as the controller's own people"
                .into(),
        ))
    }
}

async fn authenticate(
    req: HttpRequest,
    admits: &'static [Role],
    processor_may_act: bool,
) -> Result<Principal, ApiError> {
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
    if let Some((controller, controller_id)) =
        acting_for(&state, &req, org_id, processor_may_act).await?
    {
        return Ok(Principal {
            party: Party::Account(format!("{}@{org}", claims.sub)),
            org: controller,
            org_id: controller_id,
            roles: as_processor_staff(roles, admits)?,
            processor: Some(org_id),
        });
    }
    let party = match state.parties.get(org_id, &claims.sub) {
        Some(party) => party,
        None => {
            let generation = state.parties.generation();
            let subject = claims.sub.clone();
            let party = state
                .read(move |conn| persistence::parties::resolve(conn, org_id, &subject))
                .await?;
            state.parties.put(org_id, &claims.sub, &party, generation);
            party
        }
    };
    Ok(Principal {
        party,
        org,
        org_id,
        roles,
        processor: None,
    })
}

impl<R: RoleSet + 'static> FromRequest for Caller<R> {
    type Error = ApiError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        let authenticating = super::gate::start(&req);
        Box::pin(async move {
            let principal = authenticate(req, R::ROLES, R::PROCESSOR_MAY_ACT).await;
            drop(authenticating);
            let principal = principal?;
            Ok(Caller {
                principal,
                _roles: PhantomData,
            })
        })
    }
}

/// Who creates people records: the HR or identity integration, and administrators.
pub struct PeopleWriters;
impl RoleSet for PeopleWriters {
    const ROLES: &'static [Role] = &[Role::Integrator, Role::Admin];
}

/// Who reads the organisation's people: the desk, the DPO and integrators.
pub struct PeopleReaders;
impl RoleSet for PeopleReaders {
    const ROLES: &'static [Role] = &[Role::Agent, Role::Admin, Role::Dpo, Role::Integrator];
}

/// Who may reach a person record: [`PeopleReaders`], and requesters (their own record only).
pub struct PeopleViewers;
impl RoleSet for PeopleViewers {
    const ROLES: &'static [Role] = &[
        Role::Requester,
        Role::Agent,
        Role::Admin,
        Role::Dpo,
        Role::Integrator,
    ];
}

/// Who may read what is processed about a person and why (`/people/{id}/processing`): the
/// domain's rule for reading a person (`domain::people::role_may`), so requesters (their own
/// only), agents, the DPO and integrators; not administrators or auditors (Art 5(1)(c)).
pub struct ProcessingReaders;
impl RoleSet for ProcessingReaders {
    const ROLES: &'static [Role] = &[Role::Requester, Role::Agent, Role::Dpo, Role::Integrator];
}

/// Who may reach what the DPO grants agents by name (reasonable adjustments, the disclosures
/// log): the DPO, and agents (when granted the duty). Never a processor's user: the grant names
/// the controller's own staff.
pub struct DpoOrGrantedAgents;
impl RoleSet for DpoOrGrantedAgents {
    const ROLES: &'static [Role] = &[Role::Agent, Role::Dpo];
    const PROCESSOR_MAY_ACT: bool = false;
}

/// Who reads the audit trail: auditors and the DPO. The trail is the controller's own account
/// of what was done with its people's data: a processor's user does not read it.
pub struct AuditReaders;
impl RoleSet for AuditReaders {
    const ROLES: &'static [Role] = &[Role::Auditor, Role::Dpo];
    const PROCESSOR_MAY_ACT: bool = false;
}

/// The data protection officer alone.
pub struct Dpos;
impl RoleSet for Dpos {
    const ROLES: &'static [Role] = &[Role::Dpo];
    const PROCESSOR_MAY_ACT: bool = false;
}

/// Who may reach a person's disclosures: [`DpoOrGrantedAgents`], and requesters (their own
/// only). Never a processor's user: the log is the controller's own record.
pub struct DisclosureViewers;
impl RoleSet for DisclosureViewers {
    const ROLES: &'static [Role] = &[Role::Requester, Role::Agent, Role::Dpo];
    const PROCESSOR_MAY_ACT: bool = false;
}
