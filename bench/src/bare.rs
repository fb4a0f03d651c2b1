//! `bare`: the API's ticket database work behind actix-web and nothing else: no auth, no DTO
//! mapping, no middleware, no logging. The same `persistence` calls on `web::block` over the
//! same pool shape as `servicedesk serve`; answers are a few fields, hand-written. The API's
//! figures are read as a share of these.

use actix_web::error::BlockingError;
use actix_web::{App, HttpResponse, HttpServer, web};
use domain::ids::{OrgId, TicketId};
use domain::page::PageLimit;
use domain::party::Party;
use domain::ticket::{Priority, Ticket, TicketCategory, TicketKind};
use persistence::tickets::{self, NewTicket, TicketFilter};
use persistence::{Db, StoreError};
use serde::Deserialize;

use crate::args::Args;
use crate::load::{now, open};

struct Bare {
    db: Db,
    org_id: OrgId,
}

fn answer(
    status: actix_web::http::StatusCode,
    result: Result<Result<String, StoreError>, BlockingError>,
) -> HttpResponse {
    match result {
        Ok(Ok(body)) => HttpResponse::build(status)
            .content_type("application/json")
            .body(body),
        Ok(Err(StoreError::NotFound)) => HttpResponse::NotFound().finish(),
        _ => HttpResponse::InternalServerError().finish(),
    }
}

fn summary(ticket: &Ticket) -> String {
    format!(
        r#"{{"id":"{}","reference":"{}"}}"#,
        ticket.id, ticket.reference
    )
}

async fn get_ticket(state: web::Data<Bare>, id: web::Path<String>) -> HttpResponse {
    let Ok(id) = id.parse::<TicketId>() else {
        return HttpResponse::BadRequest().finish();
    };
    let (db, org_id) = (state.db.clone(), state.org_id);
    let result = web::block(move || {
        let mut conn = db.read()?;
        tickets::get(&mut conn, org_id, id).map(|t| summary(&t))
    })
    .await;
    answer(actix_web::http::StatusCode::OK, result)
}

async fn list_tickets(state: web::Data<Bare>) -> HttpResponse {
    let (db, org_id) = (state.db.clone(), state.org_id);
    let result = web::block(move || {
        let mut conn = db.read()?;
        let filter = TicketFilter::default();
        let (items, more) = tickets::list(&mut conn, org_id, &filter, PageLimit::default(), None)?;
        Ok(format!(r#"{{"count":{},"more":{more}}}"#, items.len()))
    })
    .await;
    answer(actix_web::http::StatusCode::OK, result)
}

#[derive(Deserialize)]
struct Create {
    kind: TicketKind,
    category: TicketCategory,
    title: String,
    #[serde(default)]
    description: String,
}

async fn create_ticket(state: web::Data<Bare>, body: web::Json<Create>) -> HttpResponse {
    let body = body.into_inner();
    let new = NewTicket {
        id: TicketId::from_uuid(uuid::Uuid::now_v7()),
        org_id: state.org_id,
        kind: body.kind,
        category: body.category,
        priority: Priority::Medium,
        title: body.title,
        description: body.description,
        requester: Party::Account("bench".into()),
        raised_by: Party::Account("bench".into()),
        assigned_team: None,
        assigned_agent: None,
        contains_special_category: false,
    };
    let db = state.db.clone();
    let result = web::block(move || {
        let mut conn = db.write()?;
        tickets::create(&mut conn, new, now()).map(|t| summary(&t))
    })
    .await;
    answer(actix_web::http::StatusCode::CREATED, result)
}

pub fn run(args: &Args) -> Result<(), String> {
    let bind = args.text("bind")?.to_owned();
    let workers: usize = args.number("workers", 2)?;
    let (db, org_id) = open(args)?;
    let state = web::Data::new(Bare { db, org_id });
    let address = bind.clone();
    actix_web::rt::System::new()
        .block_on(async move {
            HttpServer::new(move || {
                App::new()
                    .app_data(state.clone())
                    .route("/bare/tickets/{id}", web::get().to(get_ticket))
                    .route("/bare/tickets", web::get().to(list_tickets))
                    .route("/bare/tickets", web::post().to(create_ticket))
            })
            .workers(workers)
            .shutdown_timeout(1)
            .bind(&address)?
            .run()
            .await
        })
        .map_err(|e| format!("cannot serve on {bind}: {e}"))
}
