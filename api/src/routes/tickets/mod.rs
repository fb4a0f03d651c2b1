//! `/api/v1/tickets`: raising, reading, listing and working tickets, and their comments.

mod dto;

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use domain::audit::{AuditOperation, RecordKind};
use domain::ids::{CommentId, OrgId, PersonId, TicketId};
use domain::party::Party;
use domain::register::Holding;
use domain::restriction::{Processing, Touched};
use domain::role::Role;
use domain::ticket::{CommentVisibility, Ticket, TicketCategory, TicketChange, TicketKind};
use persistence::tickets::{self, Comment, NewTicket, TicketFilter};
use persistence::{AnyConnection, StoreError, parties, people};

pub use dto::*;

use crate::audit::Trail;
use crate::auth::{Caller, Principal, Staff, TicketEditors};
use crate::clock;
use crate::http::etag::{IfMatchHeader, created, if_match, tagged};
use crate::http::json::ValidJson;
use crate::http::page::PageQuery;
use crate::http::params::{Params, path_id};
use crate::http::problem::responses::{
    BodyProblems, ListProblems, PathProblems, PayloadTooLarge, Stale, UnsupportedMediaType,
};
use crate::http::{ApiError, ApiResult, Problem};
use crate::routes::restrictions::check_restricted;
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(create_ticket)
        .service(list_tickets)
        .service(get_ticket)
        .service(update_ticket)
        .service(create_comment)
        .service(list_comments);
}

/// Whether the caller works the organisation's whole desk (sees every ticket), rather than
/// only the tickets they are a party to.
fn sees_whole_desk(caller: &Principal) -> bool {
    caller.has_any(&[Role::Agent, Role::Admin, Role::Dpo])
}

fn works_desk(caller: &Principal) -> bool {
    caller.has_any(&[Role::Agent, Role::Admin])
}

/// Whether the caller may see the ticket: the desk and the DPO see all of their organisation's,
/// anyone else only tickets they are a party to.
fn may_see(caller: &Principal, ticket: &Ticket) -> bool {
    sees_whole_desk(caller) || caller.own().is_some_and(|p| ticket.concerns(p))
}

/// How the requester of a ticket the caller raises is named.
enum Named {
    Account(String),
    Person(PersonId),
    /// Not named: the caller themselves.
    Caller(Party),
}

impl Named {
    /// At most one of `requester` and `requester_id`; neither is the caller. A processor's user
    /// acting for a controller is none of its people, so must name one (422).
    fn of(caller: &Principal, account: Option<String>, id: Option<PersonId>) -> ApiResult<Named> {
        match (account, id) {
            (Some(_), Some(_)) => Err(ApiError::field(
                "requester_id",
                "name the requester by requester or by requester_id, not both",
            )),
            (Some(account), None) => Ok(Named::Account(account)),
            (None, Some(id)) => Ok(Named::Person(id)),
            (None, None) => caller.own().cloned().map(Named::Caller).ok_or_else(|| {
                ApiError::field(
                    "requester",
                    "acting for a controller, name the requester: a processor's user is none \
                     of the controller's people",
                )
            }),
        }
    }

    /// The party named, resolved in the organisation inside the writing transaction.
    fn resolve(self, conn: &mut AnyConnection, org_id: OrgId) -> Result<Party, StoreError> {
        match self {
            Named::Account(account) => parties::resolve(conn, org_id, &account),
            Named::Person(id) => {
                people::ensure_known(conn, org_id, id, "requester_id")?;
                Ok(Party::Person(id))
            }
            Named::Caller(party) => Ok(party),
        }
    }
}

/// The agent an account names, resolved in the organisation.
fn agent(
    conn: &mut AnyConnection,
    org_id: OrgId,
    account: Option<String>,
) -> Result<Option<Party>, StoreError> {
    account
        .map(|a| parties::resolve(conn, org_id, &a))
        .transpose()
}

/// Whom a ticket is about, for the audit trail: its requester.
fn about(ticket: &Ticket) -> Option<Party> {
    Some(ticket.requester.clone())
}

/// Art 9(1): a ticket flagged as holding special category data (health or disability details)
/// is refused unless the purpose the register binds its category to has an Art 9(2)
/// condition. The register is read in the write's transaction, so the check and the write see
/// the same register; the refusal is a 422 naming `contains_special_category` and Art 9.
fn check_special_category(
    conn: &mut persistence::AnyConnection,
    org_id: domain::ids::OrgId,
    category: TicketCategory,
) -> Result<(), persistence::StoreError> {
    let register = persistence::register::load(conn, org_id, None)?.register;
    register
        .special_category_ticket(category)
        .map(|_| ())
        .map_err(|violation| persistence::StoreError::Refused(vec![violation]))
}

/// Art 18(2): refuses writing a ticket (or a comment on it) about a restricted requester,
/// when the purpose governing tickets of its category is restricted.
fn check_ticket_restricted(
    conn: &mut persistence::AnyConnection,
    ticket: &Ticket,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), persistence::StoreError> {
    check_restricted(
        conn,
        ticket.org_id,
        &ticket.requester,
        Processing::RecordUpdate,
        Touched::Records(Holding::ticket(ticket.category)),
        now,
    )
}

/// Loads a ticket the caller may see, inside a storage call. A ticket hidden from the caller is
/// the same `NotFound` as one that does not exist, so existence does not leak.
fn load_visible(
    conn: &mut persistence::AnyConnection,
    caller: &Principal,
    id: TicketId,
) -> Result<Ticket, persistence::StoreError> {
    let ticket = tickets::get(conn, caller.org_id, id)?;
    if may_see(caller, &ticket) {
        Ok(ticket)
    } else {
        Err(persistence::StoreError::NotFound)
    }
}

/// Raise a ticket
///
/// Raises a ticket for the caller, or on behalf of `requester`. Requesters raise incidents and
/// service requests; problems and assignment are the desk's.
#[utoipa::path(
    operation_id = "create_ticket",
    tag = "tickets",
    request_body = CreateTicket,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Ticket raised", body = TicketDto,
            headers(("ETag" = String, description = "Version of the ticket"), ("Location" = String))),
        (status = 403, description = "Role may not raise tickets, or this kind or assignment", body = Problem, content_type = "application/problem+json"),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 409, description = "A restriction of the requester's processing holds for tickets of its category (Art 18(2)), the problem naming it and its ground", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields missing, of the wrong type or out of bounds, `errors` naming each; or `contains_special_category` set on a ticket whose category the register binds to no purpose with an Art 9(2) condition (Art 9(1))", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[post("/tickets")]
async fn create_ticket(
    caller: Caller<Staff>,
    state: web::Data<AppState>,
    body: ValidJson<CreateTicket>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    if !works_desk(&caller) {
        if body.kind == TicketKind::Problem {
            return Err(ApiError::Forbidden(
                "problems are raised by the service desk".into(),
            ));
        }
        if body.assigned_team.is_some() || body.assigned_agent.is_some() {
            return Err(ApiError::Forbidden(
                "tickets are assigned by the service desk".into(),
            ));
        }
    }
    let named = Named::of(&caller, body.requester, body.requester_id)?;
    let org_id = caller.org_id;
    let raised_by = caller.actor().to_owned();
    let now = clock::now();
    let ticket = state
        .write_audited(Trail::new(&caller, now), move |conn, trail| {
            let new = NewTicket {
                id: TicketId::from_uuid(clock::new_uuid()),
                org_id,
                kind: body.kind,
                category: body.category,
                priority: body.priority,
                title: body.title,
                description: body.description,
                requester: named.resolve(conn, org_id)?,
                raised_by,
                assigned_team: body.assigned_team,
                assigned_agent: agent(conn, org_id, body.assigned_agent)?,
                contains_special_category: body.contains_special_category,
            };
            if new.contains_special_category {
                check_special_category(conn, new.org_id, new.category)?;
            }
            check_restricted(
                conn,
                new.org_id,
                &new.requester,
                Processing::RecordUpdate,
                Touched::Records(Holding::ticket(new.category)),
                now,
            )?;
            let ticket = tickets::create_within(conn, new, now)?;
            trail.record(
                AuditOperation::Create,
                RecordKind::Ticket,
                ticket.id,
                about(&ticket),
            );
            Ok(ticket)
        })
        .await?;
    let location = format!("/api/v1/tickets/{}", ticket.id);
    Ok(created(&location, ticket.version, TicketDto::from(ticket)))
}

/// List tickets
///
/// The organisation's tickets, newest first. Requesters see only tickets they raised or are
/// the requester of.
#[utoipa::path(
    operation_id = "list_tickets",
    tag = "tickets",
    params(TicketListQuery, PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of tickets", body = TicketPage),
        (status = 403, description = "Role may not read tickets", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/tickets")]
async fn list_tickets(
    caller: Caller<Staff>,
    state: web::Data<AppState>,
    query: web::Query<TicketListQuery>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<TicketPage>> {
    let mut params = Params::default();
    if !sees_whole_desk(&caller) && caller.own().is_none() {
        // Outside the desk a caller sees their own tickets; one who is none of the
        // organisation's own has none.
        return Ok(web::Json(TicketPage::of(
            Vec::<Ticket>::new(),
            false,
            |t| t.id.as_uuid(),
        )));
    }
    let requester_account = params.text("requester", query.requester.as_deref(), 200);
    let requester_id: Option<PersonId> =
        params.optional("requester_id", query.requester_id.as_deref());
    let mut filter = TicketFilter {
        party: (!sees_whole_desk(&caller))
            .then(|| caller.own().cloned())
            .flatten(),
        status: params.optional("status", query.status.as_deref()),
        kind: params.optional("kind", query.kind.as_deref()),
        category: params.optional("category", query.category.as_deref()),
        requester: requester_id.map(Party::Person),
        assigned_team: params.text("assigned_team", query.assigned_team.as_deref(), 100),
        contains_special_category: params.optional(
            "contains_special_category",
            query.contains_special_category.as_deref(),
        ),
        updated_since: params.moment("updated_since", query.updated_since.as_deref()),
    };
    let (limit, after) = page.parse::<TicketId>(&mut params);
    params.finish()?;
    let org_id = caller.org_id;
    let (items, more) = state
        .read(move |conn| {
            // Filters narrow together: an account and a person id name one requester, or
            // no ticket matches both.
            if let Some(account) = requester_account {
                let named = parties::resolve(conn, org_id, &account)?;
                if filter
                    .requester
                    .as_ref()
                    .is_some_and(|by_id| *by_id != named)
                {
                    return Ok((Vec::new(), false));
                }
                filter.requester = Some(named);
            }
            tickets::list(conn, org_id, &filter, limit, after)
        })
        .await?;
    let mut trail = Trail::new(&caller, clock::now());
    for ticket in &items {
        trail.record(
            AuditOperation::List,
            RecordKind::Ticket,
            ticket.id,
            about(ticket),
        );
    }
    state.record_reads(trail).await?;
    Ok(web::Json(TicketPage::of(items, more, |t| t.id.as_uuid())))
}

/// Get a ticket
///
/// One ticket, with its ETag for `If-Match`. A requester sees only tickets they raised or are
/// the requester of; any other ticket is 404, as one that does not exist.
#[utoipa::path(
    operation_id = "get_ticket",
    tag = "tickets",
    params(("id" = uuid::Uuid, Path, description = "Ticket id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The ticket", body = TicketDto,
            headers(("ETag" = String, description = "Version, for If-Match"))),
        (status = 403, description = "Role may not read tickets", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[get("/tickets/{id}")]
async fn get_ticket(
    caller: Caller<Staff>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id: TicketId = path_id("id", &id)?;
    let principal = caller.principal.clone();
    let ticket = state
        .read(move |conn| load_visible(conn, &principal, id))
        .await
        .map_err(ApiError::not_found_as("ticket"))?;
    let mut trail = Trail::new(&caller, clock::now());
    trail.record(
        AuditOperation::Read,
        RecordKind::Ticket,
        ticket.id,
        about(&ticket),
    );
    state.record_reads(trail).await?;
    Ok(tagged(ticket.version, TicketDto::from(ticket)))
}

/// Update a ticket
///
/// Changes status (new → open → pending → resolved → closed; resolved may reopen; closed is
/// final), wording, triage and assignment. Requesters may change the wording of their own
/// tickets, and reopen or close them once resolved. Send `If-Match` with the ETag you read to
/// avoid overwriting someone else's change.
#[utoipa::path(
    operation_id = "update_ticket",
    tag = "tickets",
    params(
        ("id" = uuid::Uuid, Path, description = "Ticket id"),
        IfMatchHeader,
    ),
    request_body = UpdateTicket,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The updated ticket", body = TicketDto,
            headers(("ETag" = String, description = "New version"))),
        (status = 403, description = "Role may not make this change", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Illegal status transition; or a restriction of the requester's processing holds for tickets of its category (Art 18(2)), the problem naming it and its ground", body = Problem, content_type = "application/problem+json"),
        (status = 412, response = Stale),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "Fields missing, of the wrong type or out of bounds, `errors` naming each; or the ticket would be flagged `contains_special_category` under a category the register binds to no purpose with an Art 9(2) condition (Art 9(1)), whether the flag is set or the flagged ticket moves category", body = Problem, content_type = "application/problem+json"),
        PathProblems,
    )
)]
#[patch("/tickets/{id}")]
async fn update_ticket(
    caller: Caller<TicketEditors>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
    body: ValidJson<UpdateTicket>,
) -> ApiResult<HttpResponse> {
    let id: TicketId = path_id("id", &id)?;
    let expected = if_match(&req);
    let (mut change, agent_named) = body.0.into_change();
    let desk = works_desk(&caller);
    let principal = caller.principal.clone();
    let now = clock::now();
    let ticket = state
        .write_audited(Trail::new(&caller, now), move |conn, trail| {
            // Read only when the change may need the Art 9 check.
            let register = if change.touches_special_category() {
                Some(persistence::register::load(conn, principal.org_id, None)?.register)
            } else {
                None
            };
            // Anyone outside the desk must see the ticket (404 otherwise, as for a missing one)
            // and keep to what requesters may change (403); then the Art 9 check (422).
            let permitted = |current: &Ticket, change: &TicketChange| {
                if !desk {
                    if !may_see(&principal, current) {
                        return Err(persistence::StoreError::NotFound);
                    }
                    change.check_open_to_requester(current.status)?;
                }
                let to_check = change.special_category_to_check(current);
                if let (Some(register), Some(category)) = (&register, to_check) {
                    register
                        .special_category_ticket(category)
                        .map_err(|v| persistence::StoreError::Refused(vec![v]))?;
                }
                Ok(())
            };
            if let Some(named) = agent_named {
                change.assigned_agent = Some(agent(conn, principal.org_id, named)?);
            }
            // Art 18(2): a ticket about a restricted person is not changed while its purpose is
            // restricted (whoever may not see it learns nothing: that is a 404 first).
            match tickets::get(conn, principal.org_id, id) {
                Ok(current) if desk || may_see(&principal, &current) => {
                    check_ticket_restricted(conn, &current, now)?;
                }
                Ok(_) | Err(persistence::StoreError::NotFound) => {}
                Err(other) => return Err(other),
            }
            let ticket =
                tickets::update(conn, principal.org_id, id, permitted, expected, change, now)?;
            trail.record(
                AuditOperation::Update,
                RecordKind::Ticket,
                ticket.id,
                about(&ticket),
            );
            Ok(ticket)
        })
        .await
        .map_err(ApiError::not_found_as("ticket"))?;
    Ok(tagged(ticket.version, TicketDto::from(ticket)))
}

/// Comment on a ticket
///
/// Requesters add public comments to their own tickets; the desk may add `internal` ones.
#[utoipa::path(
    operation_id = "create_ticket_comment",
    tag = "tickets",
    params(("id" = uuid::Uuid, Path, description = "Ticket id")),
    request_body = CreateComment,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Comment added", body = CommentDto),
        (status = 403, description = "Role may not comment, or not internally", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A restriction of the requester's processing holds for tickets of its category (Art 18(2)), the problem naming it and its ground", body = Problem, content_type = "application/problem+json"),
        BodyProblems,
    )
)]
#[post("/tickets/{id}/comments")]
async fn create_comment(
    caller: Caller<TicketEditors>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: ValidJson<CreateComment>,
) -> ApiResult<HttpResponse> {
    let ticket_id: TicketId = path_id("id", &id)?;
    let body = body.0;
    if body.visibility == CommentVisibility::Internal && !works_desk(&caller) {
        return Err(ApiError::Forbidden(
            "internal comments are the service desk's".into(),
        ));
    }
    let comment = Comment {
        id: CommentId::from_uuid(clock::new_uuid()),
        ticket_id,
        author: caller.actor().to_owned(),
        visibility: body.visibility,
        body: body.body,
        created_at: clock::now(),
    };
    let principal = caller.principal.clone();
    let trail = Trail::new(&caller, comment.created_at);
    let stored = state
        .write_audited(trail, move |conn, trail| {
            let ticket = load_visible(conn, &principal, ticket_id)?;
            check_ticket_restricted(conn, &ticket, comment.created_at)?;
            tickets::add_comment(conn, &comment)?;
            trail.record(
                AuditOperation::Create,
                RecordKind::TicketComment,
                comment.id,
                about(&ticket),
            );
            Ok(comment)
        })
        .await
        .map_err(ApiError::not_found_as("ticket"))?;
    Ok(HttpResponse::Created().json(CommentDto::from(stored)))
}

/// List a ticket's comments
///
/// Oldest first. Requesters never see `internal` comments.
#[utoipa::path(
    operation_id = "list_ticket_comments",
    tag = "tickets",
    params(("id" = uuid::Uuid, Path, description = "Ticket id"), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of comments", body = CommentPage),
        (status = 403, description = "Role may not read tickets", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket in the caller's organisation", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/tickets/{id}/comments")]
async fn list_comments(
    caller: Caller<Staff>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    page: web::Query<PageQuery>,
) -> ApiResult<web::Json<CommentPage>> {
    let ticket_id: TicketId = path_id("id", &id)?;
    let mut params = Params::default();
    let (limit, after) = page.parse::<CommentId>(&mut params);
    params.finish()?;
    let principal = caller.principal.clone();
    let (ticket, (items, more)) = state
        .read(move |conn| {
            let ticket = load_visible(conn, &principal, ticket_id)?;
            let internal = sees_whole_desk(&principal);
            let page = tickets::list_comments(conn, ticket_id, internal, limit, after)?;
            Ok((ticket, page))
        })
        .await
        .map_err(ApiError::not_found_as("ticket"))?;
    let mut trail = Trail::new(&caller, clock::now());
    for comment in &items {
        trail.record(
            AuditOperation::List,
            RecordKind::TicketComment,
            comment.id,
            about(&ticket),
        );
    }
    state.record_reads(trail).await?;
    Ok(web::Json(CommentPage::of(items, more, |c| c.id.as_uuid())))
}
