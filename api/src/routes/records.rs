//! Records derived from the register: the Article 30 record (`/ropa`) and the data map, both
//! read now or as the register stood at `as_of`, and the data inventory, the desk's
//! personal-data catalogue joined with the register; auditors pull them.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use domain::catalogue::Inventory;
use domain::organisation::OrgSlug;
use domain::register::data_map::DataMap;
use domain::register::ropa::Record;
use persistence::catalogue::CATALOGUE;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{Caller, RegisterReaders};
use crate::clock;
use crate::http::params::Params;
use crate::http::problem::responses::ListProblems;
use crate::http::{ApiResult, Problem};
use crate::http::{csv_chosen, formats};
use crate::routes::register::parse_as_of;
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(get_ropa)
        .service(get_data_map)
        .service(get_data_inventory);
}

formats! {
    /// A table of records as JSON or as CSV.
    TableFormat { Json = "json", Csv = "csv" }
}

formats! {
    /// The data map as JSON, Graphviz DOT, Mermaid or SVG.
    MapFormat { Json = "json", Dot = "dot", Mermaid = "mermaid", Svg = "svg" }
}

/// A record read now or at `as_of`, in a format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RopaQuery {
    /// An RFC 3339 moment: the record as it stood then.
    #[param(value_type = Option<chrono::DateTime<chrono::Utc>>)]
    pub as_of: Option<String>,
    /// `json` or `csv`; without it, `Accept: text/csv` asks for CSV.
    #[param(value_type = Option<TableFormat>, inline)]
    pub format: Option<String>,
}

/// The data inventory in a format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InventoryQuery {
    /// `json` or `csv`; without it, `Accept: text/csv` asks for CSV.
    #[param(value_type = Option<TableFormat>, inline)]
    pub format: Option<String>,
}

/// The data map, now or at `as_of`, in a format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MapQuery {
    /// An RFC 3339 moment: the register as it stood then.
    #[param(value_type = Option<chrono::DateTime<chrono::Utc>>)]
    pub as_of: Option<String>,
    /// `json` (default), `dot`, `mermaid` or `svg`.
    #[param(value_type = Option<MapFormat>, inline)]
    pub format: Option<String>,
}

/// Record of processing activities
///
/// The Article 30 record, derived from the register: the controller record of Art 30(1), one
/// entry a purpose (with the lawful basis, Schedule 1 condition and retention schedule the ICO
/// template adds), and the processor record of Art 30(2) for every agreement in force under
/// which the organisation processes for others. JSON, or CSV (`?format=csv` or `Accept:
/// text/csv`) with one row a purpose.
#[utoipa::path(
    tag = "records",
    params(RopaQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The record", content(
            (Record = "application/json"),
            (String = "text/csv"),
        )),
        (status = 403, description = "Role may not read the register", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/ropa")]
async fn get_ropa(
    caller: Caller<RegisterReaders>,
    state: web::Data<AppState>,
    query: web::Query<RopaQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let mut params = Params::default();
    let as_of = parse_as_of(&mut params, query.as_of.as_deref());
    let format: Option<TableFormat> = params.optional("format", query.format.as_deref());
    params.finish()?;
    let org_id = caller.org_id;
    let on = as_of.unwrap_or_else(clock::now).date_naive();
    let record = state
        .read(move |conn| {
            let register = persistence::register::load(conn, org_id, as_of)?.register;
            let processing_for = persistence::register::processing_for(conn, org_id, as_of, on)?;
            Ok(Record::build(&register, &processing_for))
        })
        .await?;
    if csv_chosen(format.map(|f| f == TableFormat::Csv), &req) {
        return Ok(csv_attachment("ropa", &caller.org, record.to_csv()));
    }
    Ok(HttpResponse::Ok().json(record))
}

/// Data inventory
///
/// Every table and column the desk stores, from its personal-data catalogue: whether the
/// column holds personal data (and if not, why not), the record kind, how the person it is
/// about is found (`person_column`, `person_key`, or `through_table` when a row belongs to its
/// parent's person), the kind of data, whether it is a special category (Art 9(1)), what
/// erasure does to it (Art 17: `delete_row`, `anonymise` with its `replacement`, or `keep`
/// with its `keep_reason`), and the organisation's own register data categories covering
/// that kind. `undeclared_kinds` lists kinds the desk stores that no category covers. JSON, or
/// CSV (`?format=csv` or `Accept: text/csv`) with one row a column.
#[utoipa::path(
    tag = "records",
    params(InventoryQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The inventory", content(
            (Inventory = "application/json"),
            (String = "text/csv"),
        )),
        (status = 403, description = "Role may not read the register", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/register/data-inventory")]
async fn get_data_inventory(
    caller: Caller<RegisterReaders>,
    state: web::Data<AppState>,
    query: web::Query<InventoryQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let mut params = Params::default();
    let format: Option<TableFormat> = params.optional("format", query.format.as_deref());
    params.finish()?;
    let org_id = caller.org_id;
    let inventory = state
        .read(move |conn| {
            let register = persistence::register::load(conn, org_id, None)?.register;
            Ok(Inventory::build(&CATALOGUE, &register))
        })
        .await?;
    if csv_chosen(format.map(|f| f == TableFormat::Csv), &req) {
        return Ok(csv_attachment(
            "data-inventory",
            &caller.org,
            inventory.to_csv(),
        ));
    }
    Ok(HttpResponse::Ok().json(inventory))
}

/// Data map
///
/// Purposes → data categories → recipients → transfers, as a picture an auditor can read:
/// JSON (nodes and edges), Graphviz DOT, Mermaid, or an SVG drawn by the server. Special
/// categories, legacy transfers and recipients outside the UK are marked. Each data category
/// lists the desk's tables that store it (`stored_in`), from the personal-data catalogue, by
/// the kinds of data the category covers.
#[utoipa::path(
    tag = "records",
    params(MapQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The data map", content(
            (DataMap = "application/json"),
            (String = "text/vnd.graphviz"),
            (String = "text/vnd.mermaid"),
            (String = "image/svg+xml"),
        )),
        (status = 403, description = "Role may not read the register", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/register/data-map")]
async fn get_data_map(
    caller: Caller<RegisterReaders>,
    state: web::Data<AppState>,
    query: web::Query<MapQuery>,
) -> ApiResult<HttpResponse> {
    let mut params = Params::default();
    let as_of = parse_as_of(&mut params, query.as_of.as_deref());
    let format: Option<MapFormat> = params.optional("format", query.format.as_deref());
    params.finish()?;
    let org_id = caller.org_id;
    let map = state
        .read(move |conn| {
            let register = persistence::register::load(conn, org_id, as_of)?.register;
            Ok(DataMap::build(&register, &CATALOGUE))
        })
        .await?;
    Ok(match format.unwrap_or(MapFormat::Json) {
        MapFormat::Json => HttpResponse::Ok().json(map),
        MapFormat::Dot => HttpResponse::Ok()
            .content_type("text/vnd.graphviz; charset=utf-8")
            .body(map.to_dot()),
        MapFormat::Mermaid => HttpResponse::Ok()
            .content_type("text/vnd.mermaid; charset=utf-8")
            .body(map.to_mermaid()),
        MapFormat::Svg => HttpResponse::Ok()
            .content_type("image/svg+xml")
            .body(map.to_svg()),
    })
}

/// A CSV answer, offered as a file named after what it is and whose.
fn csv_attachment(name: &str, org: &OrgSlug, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}-{org}.csv\""),
        ))
        .body(body)
}
