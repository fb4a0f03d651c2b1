//! `/api/v1/accounts`: the email, network, application and shared-folder accounts granted to
//! people. Every change of status follows the domain's state machine, may name the account
//! request ticket that asked for it, and is recorded (`/accounts/{id}/changes`).

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use domain::DomainError;
use domain::accounts::{Account, AccountKind, AccountStatus};
use domain::audit::{AuditOperation, RecordKind};
use domain::catalogue::RecordKind as CatalogueKind;
use domain::ids::{AccountId, PersonId, TicketId};
use domain::party::Party;
use domain::register::Holding;
use domain::restriction::{Processing, Touched};
use persistence::StoreError;
use persistence::accounts::{self, AccountChange, AccountFilter, StoredAccount};
use persistence::{people, tickets};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::audit::Trail;
use crate::auth::{Caller, Desk, DeskOrDpo, Principal};
use crate::clock;
use crate::http::etag::{IfMatchHeader, created, if_match, tagged};
use crate::http::json::ValidJson;
use crate::http::page::{PageQuery, page};
use crate::http::params::{Params, path_id};
use crate::http::problem::responses::{BodyProblems, ListProblems, PathProblems, Stale};
use crate::http::{ApiError, ApiResult, FieldError, Problem};
use crate::routes::restrictions::check_restricted;
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(create_account)
        .service(list_accounts)
        .service(get_account)
        .service(update_account)
        .service(list_account_changes);
}

// ---------------------------------------------------------------------------------------------
// Bodies

/// An account granted (or asked for) for a person.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountDto {
    pub id: AccountId,
    /// The person the account is for.
    pub person_id: PersonId,
    pub kind: AccountKind,
    /// The system the account is in ("Microsoft 365").
    pub system: String,
    /// The account's name in that system; unique per system in the organisation.
    pub identifier: String,
    pub status: AccountStatus,
    /// The person who approved it (set when it first became active).
    pub approved_by: Option<PersonId>,
    pub granted_at: Option<DateTime<Utc>>,
    pub removed_at: Option<DateTime<Utc>>,
    /// The account's version; its ETag.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<StoredAccount> for AccountDto {
    fn from(stored: StoredAccount) -> Self {
        let a = stored.account;
        AccountDto {
            id: a.id,
            person_id: a.person_id,
            kind: a.kind,
            system: a.system,
            identifier: a.identifier,
            status: a.status,
            approved_by: a.approved_by,
            granted_at: a.granted_at,
            removed_at: a.removed_at,
            version: a.version,
            created_at: stored.created_at,
            updated_at: stored.updated_at,
        }
    }
}

/// An account to ask for; it starts `requested`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAccount {
    /// A person of the caller's organisation.
    pub person_id: PersonId,
    pub kind: AccountKind,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub system: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub identifier: String,
}

/// A change of an account's status: requested → active | removed; active → suspended |
/// removed; suspended → active | removed. Approving a requested account (→ active) is done by
/// someone other than the person it is for, and recorded.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAccount {
    pub status: AccountStatus,
    /// The account request ticket asking for the change (of the caller's organisation).
    pub ticket_id: Option<TicketId>,
}

/// Filters of the account list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountListQuery {
    /// Only this person's accounts.
    #[param(value_type = Option<uuid::Uuid>)]
    pub person_id: Option<String>,
    #[param(value_type = Option<AccountStatus>)]
    pub status: Option<String>,
}

page! {
    /// A page of accounts.
    AccountPage of AccountDto
}

/// One recorded change of an account's status.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountChangeDto {
    pub id: Uuid,
    pub account_id: AccountId,
    /// Null for the request that created the account.
    pub from_status: Option<AccountStatus>,
    pub to_status: AccountStatus,
    /// Who made the change.
    pub actor: Party,
    /// The account request ticket that asked for it.
    pub ticket_id: Option<TicketId>,
    pub at: DateTime<Utc>,
}

impl From<AccountChange> for AccountChangeDto {
    fn from(c: AccountChange) -> Self {
        AccountChangeDto {
            id: c.id,
            account_id: c.account_id,
            from_status: c.from_status,
            to_status: c.to_status,
            actor: c.actor,
            ticket_id: c.ticket_id,
            at: c.at,
        }
    }
}

page! {
    /// A page of an account's history, oldest first.
    AccountChangePage of AccountChangeDto
}

// ---------------------------------------------------------------------------------------------
// Handlers

fn with_etag(stored: StoredAccount) -> HttpResponse {
    tagged(stored.account.version, AccountDto::from(stored))
}

/// A reference to something outside the caller's organisation (or nowhere), as a refusal
/// naming the field.
fn unknown(field: &'static str, what: &str) -> StoreError {
    StoreError::Domain(DomainError::invalid(
        field,
        format!("must be {what} of the caller's organisation"),
    ))
}

/// Art 18(2): refuses writing an account of a person whose accounts' purpose is restricted.
fn check_account_restricted(
    conn: &mut persistence::AnyConnection,
    account: &Account,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    check_restricted(
        conn,
        account.org_id,
        &Party::Person(account.person_id),
        Processing::RecordUpdate,
        Touched::Records(Holding::of(CatalogueKind::Account)),
        now,
    )
}

/// Whom an account is about, for the audit trail: the person it is granted to.
fn about(account: &Account) -> Option<Party> {
    Some(Party::Person(account.person_id))
}

fn account_trail(
    caller: &Principal,
    at: DateTime<Utc>,
    operation: AuditOperation,
    account: &Account,
) -> Trail {
    Trail::single(
        caller,
        at,
        operation,
        RecordKind::Account,
        account.id,
        about(account),
    )
}

/// Ask for an account
///
/// Records an account request for a person of the organisation; it starts `requested`, and
/// the request is the first entry of its history. The identifier is unique per system in the
/// organisation (409).
#[utoipa::path(
    operation_id = "create_account",
    tag = "accounts",
    request_body = CreateAccount,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Account requested", body = AccountDto,
            headers(("ETag" = String, description = "Version of the account"), ("Location" = String))),
        (status = 403, description = "Role may not ask for accounts", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The identifier is already held in this system; or a restriction of the person's processing holds for their accounts (Art 18(2)), the problem naming it and its ground", body = Problem, content_type = "application/problem+json"),
        BodyProblems,
    )
)]
#[post("/accounts")]
async fn create_account(
    caller: Caller<Desk>,
    state: web::Data<AppState>,
    body: ValidJson<CreateAccount>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let now = clock::now();
    let account = Account {
        id: AccountId::from_uuid(clock::new_uuid()),
        org_id: caller.org_id,
        kind: body.kind,
        system: body.system.trim().to_owned(),
        identifier: body.identifier.trim().to_owned(),
        person_id: body.person_id,
        status: AccountStatus::Requested,
        approved_by: None,
        granted_at: None,
        removed_at: None,
        version: 1,
    };
    account.validate().map_err(|errors| {
        ApiError::fields(
            errors
                .into_iter()
                .filter_map(|error| match error {
                    DomainError::Invalid { field, message } => Some(FieldError {
                        field: field.to_owned(),
                        message,
                    }),
                    _ => None,
                })
                .collect(),
        )
    })?;
    let stored = StoredAccount {
        account,
        created_at: now,
        updated_at: now,
    };
    let actor = caller.actor().to_owned();
    let change_id = clock::new_uuid();
    let trail = account_trail(&caller, now, AuditOperation::Create, &stored.account);
    let stored = state
        .write_audited(trail, move |conn, _| {
            people::ensure_known(
                conn,
                stored.account.org_id,
                stored.account.person_id,
                "person_id",
            )?;
            check_account_restricted(conn, &stored.account, now)?;
            accounts::create(conn, &stored, change_id, &actor).map_err(|error| match error {
                StoreError::Conflict(_) => DomainError::Conflict(
                    "an account with this identifier is already held in this system",
                )
                .into(),
                other => other,
            })?;
            Ok(stored)
        })
        .await?;
    let location = format!("/api/v1/accounts/{}", stored.account.id);
    Ok(created(
        &location,
        stored.account.version,
        AccountDto::from(stored),
    ))
}

/// List accounts
///
/// The organisation's accounts, newest first.
#[utoipa::path(
    operation_id = "list_accounts",
    tag = "accounts",
    params(AccountListQuery, PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of accounts", body = AccountPage),
        ListProblems,
        (status = 403, description = "Role may not read accounts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/accounts")]
async fn list_accounts(
    caller: Caller<DeskOrDpo>,
    state: web::Data<AppState>,
    query: web::Query<AccountListQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<AccountPage>> {
    let mut params = Params::default();
    let person_id: Option<Uuid> = params.optional("person_id", query.person_id.as_deref());
    let filter = AccountFilter {
        person_id: person_id.map(PersonId::from_uuid),
        status: params.optional("status", query.status.as_deref()),
    };
    let (limit, after) = page.parse::<AccountId>(&mut params);
    params.finish()?;
    let org_id = caller.org_id;
    let (items, more) = state
        .read(move |conn| accounts::list(conn, org_id, &filter, limit, after))
        .await?;
    let mut trail = Trail::new(&caller, clock::now());
    for stored in &items {
        let account = &stored.account;
        trail.record(
            AuditOperation::List,
            RecordKind::Account,
            account.id,
            about(account),
        );
    }
    state.record_reads(trail).await?;
    Ok(web::Json(AccountPage::of(items, more, |a| {
        a.account.id.as_uuid()
    })))
}

/// Get an account
///
/// One account of the caller's organisation, with its ETag for `If-Match`.
#[utoipa::path(
    operation_id = "get_account",
    tag = "accounts",
    params(("id" = uuid::Uuid, Path, description = "Account id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account", body = AccountDto,
            headers(("ETag" = String, description = "Version, for If-Match"))),
        PathProblems,
        (status = 403, description = "Role may not read accounts", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account in the caller's organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/accounts/{id}")]
async fn get_account(
    caller: Caller<DeskOrDpo>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id: AccountId = path_id("id", &id)?;
    let org_id = caller.org_id;
    let stored = state
        .read(move |conn| accounts::get(conn, org_id, id))
        .await
        .map_err(ApiError::not_found_as("account"))?;
    let trail = account_trail(&caller, clock::now(), AuditOperation::Read, &stored.account);
    state.record_reads(trail).await?;
    Ok(with_etag(stored))
}

/// Change an account's status
///
/// Moves the account along its life (requested → active | removed; active → suspended |
/// removed; suspended → active | removed; removed is final: 409 naming both states). Approving
/// a requested account is done by a person of the organisation other than the one it is for
/// (403), and records them as the approver. Send `If-Match` with the ETag you read.
#[utoipa::path(
    operation_id = "update_account",
    tag = "accounts",
    params(
        ("id" = uuid::Uuid, Path, description = "Account id"),
        IfMatchHeader,
    ),
    request_body = UpdateAccount,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The updated account", body = AccountDto,
            headers(("ETag" = String, description = "New version"))),
        (status = 403, description = "Role may not change accounts, or the approver is the account's person", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Illegal status transition; or a restriction of the person's processing holds for their accounts (Art 18(2)), the problem naming it and its ground", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        BodyProblems,
    )
)]
#[patch("/accounts/{id}")]
async fn update_account(
    caller: Caller<Desk>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
    body: ValidJson<UpdateAccount>,
) -> ApiResult<HttpResponse> {
    let id: AccountId = path_id("id", &id)?;
    let expected = if_match(&req);
    let body = body.0;
    let org_id = caller.org_id;
    let actor = caller.actor().to_owned();
    let principal = caller.principal.clone();
    let change_id = clock::new_uuid();
    let now = clock::now();
    let stored = state
        .write_audited(Trail::new(&caller, now), move |conn, trail| {
            if let Some(ticket_id) = body.ticket_id {
                match tickets::get(conn, org_id, ticket_id) {
                    Err(StoreError::NotFound) => return Err(unknown("ticket_id", "a ticket")),
                    other => other?,
                };
            }
            let next = body.status;
            let change = move |conn: &mut persistence::AnyConnection,
                               current: &Account|
                  -> Result<Account, StoreError> {
                check_account_restricted(conn, current, now)?;
                // The caller as a person of the organisation, if they are one: an approval
                // needs one (no one approves their own account).
                let approver = principal.person();
                let approving =
                    current.status == AccountStatus::Requested && next == AccountStatus::Active;
                let actor = match approver {
                    Some(person) => person,
                    None if approving && current.status.can_become(next) => {
                        return Err(StoreError::Domain(DomainError::NotPermitted(
                            "an account is approved by a person of the organisation known to \
                             the desk",
                        )));
                    }
                    // Only an approval records who acted as a person.
                    None => PersonId::from_uuid(Uuid::nil()),
                };
                Ok(current.clone().transition(next, actor, now)?)
            };
            let stored = accounts::update(
                conn,
                org_id,
                id,
                expected,
                change,
                change_id,
                &actor,
                body.ticket_id,
                now,
            )?;
            let account = &stored.account;
            trail.record(
                AuditOperation::Update,
                RecordKind::Account,
                account.id,
                about(account),
            );
            Ok(stored)
        })
        .await
        .map_err(ApiError::not_found_as("account"))?;
    Ok(with_etag(stored))
}

/// An account's history
///
/// Every change of the account's status, oldest first: who, when, and the ticket that asked.
#[utoipa::path(
    operation_id = "list_account_changes",
    tag = "accounts",
    params(("id" = uuid::Uuid, Path, description = "Account id"), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the account's history", body = AccountChangePage),
        ListProblems,
        (status = 403, description = "Role may not read accounts", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account in the caller's organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/accounts/{id}/changes")]
async fn list_account_changes(
    caller: Caller<DeskOrDpo>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<AccountChangePage>> {
    let id: AccountId = path_id("id", &id)?;
    let mut params = Params::default();
    let (limit, after) = page.parse::<Uuid>(&mut params);
    params.finish()?;
    let org_id = caller.org_id;
    let (items, more) = state
        .read(move |conn| accounts::changes(conn, org_id, id, limit, after))
        .await
        .map_err(ApiError::not_found_as("account"))?;
    Ok(web::Json(AccountChangePage::of(items, more, |c| c.id)))
}
