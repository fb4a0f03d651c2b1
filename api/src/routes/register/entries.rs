//! The five kinds of register entry share one shape of endpoint: list, create, get, replace,
//! delete. One macro writes the five handlers of a kind, so each rule of the shape (who may,
//! what a write checks, how versions travel) is written once, in `super`.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use domain::ids::{DataCategoryId, PurposeId, RecipientId, RetentionPolicyId, TransferId};
use domain::register::{
    DataCategory, Entry, EntryKind, Purpose, Recipient, RetentionPolicy, Transfer,
};

use super::dto::*;
use super::{delete_entry, get_entry, page_of, put_entry};
use crate::auth::{Caller, RegisterKeepers, RegisterReaders};
use crate::clock;
use crate::http::etag::{IfMatchHeader, created, if_match, tagged};
use crate::http::json::ValidJson;
use crate::http::params::path_id;
use crate::http::problem::responses::{BodyProblems, ListProblems, PathProblems, Stale};
use crate::http::{ApiResult, Problem};
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(list_purposes)
        .service(create_purpose)
        .service(get_purpose)
        .service(replace_purpose)
        .service(delete_purpose)
        .service(list_data_categories)
        .service(create_data_category)
        .service(get_data_category)
        .service(replace_data_category)
        .service(delete_data_category)
        .service(list_recipients)
        .service(create_recipient)
        .service(get_recipient)
        .service(replace_recipient)
        .service(delete_recipient)
        .service(list_transfers)
        .service(create_transfer)
        .service(get_transfer)
        .service(replace_transfer)
        .service(delete_transfer)
        .service(list_retention_policies)
        .service(create_retention_policy)
        .service(get_retention_policy)
        .service(replace_retention_policy)
        .service(delete_retention_policy);
}

macro_rules! register_entries {
    (
        kind: $kind:ident,
        entry: $entry:ty,
        id: $id:ty,
        input: $input:ty,
        dto: $dto:ident,
        page: $page:ident,
        collection: $collection:tt,
        item: $item:tt,
        location: $location:tt,
        list: ($list:ident, $list_summary:tt, $list_description:tt),
        create: ($create:ident, $create_summary:tt, $create_description:tt),
        get: ($get:ident, $get_summary:tt, $get_description:tt),
        replace: ($replace:ident, $replace_summary:tt, $replace_description:tt),
        delete: ($delete:ident, $delete_summary:tt, $delete_description:tt),
    ) => {
        #[doc = $list_summary]
        #[doc = ""]
        #[doc = $list_description]
        #[utoipa::path(
            tag = "register",
            params(EntryListQuery),
            security(("bearer" = [])),
            responses(
                (status = 200, description = "A page of entries, oldest first", body = $page),
                (status = 403, description = "Role may not read the register", body = Problem, content_type = "application/problem+json"),
                ListProblems,
            )
        )]
        #[get($collection)]
        async fn $list(
            caller: Caller<RegisterReaders>,
            state: web::Data<AppState>,
            query: web::Query<EntryListQuery>,
        ) -> ApiResult<web::Json<$page>> {
            let (items, next_cursor) =
                page_of::<$entry>(&state, &caller, EntryKind::$kind, &query, |e| e.id.as_uuid())
                    .await?;
            Ok(web::Json($page {
                items: items.into_iter().map($dto::from).collect(),
                next_cursor,
            }))
        }

        #[doc = $create_summary]
        #[doc = ""]
        #[doc = $create_description]
        #[utoipa::path(
            tag = "register",
            request_body = $input,
            security(("bearer" = [])),
            responses(
                (status = 201, description = "Entry created", body = $dto,
                    headers(("ETag" = String, description = "Version, for If-Match"), ("Location" = String))),
                (status = 403, description = "Role may not change the register", body = Problem, content_type = "application/problem+json"),
                BodyProblems,
            )
        )]
        #[post($collection)]
        async fn $create(
            caller: Caller<RegisterKeepers>,
            state: web::Data<AppState>,
            body: ValidJson<$input>,
        ) -> ApiResult<HttpResponse> {
            let entry = body.0.into_entry(<$id>::from_uuid(clock::new_uuid()));
            let id = entry.id;
            let meta = put_entry(&state, &caller, Entry::$kind(entry.clone()), None).await?;
            let stored = persistence::register::Stored { body: entry, meta };
            Ok(created(
                &format!(concat!("/api/v1", $location, "/{}"), id),
                meta.version,
                $dto::from(stored),
            ))
        }

        #[doc = $get_summary]
        #[doc = ""]
        #[doc = $get_description]
        #[utoipa::path(
            tag = "register",
            params(("id" = uuid::Uuid, Path, description = "Entry id"), AsOfQuery),
            security(("bearer" = [])),
            responses(
                (status = 200, description = "The entry", body = $dto,
                    headers(("ETag" = String, description = "Version, for If-Match"))),
                (status = 403, description = "Role may not read the register", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such entry in the caller's register (at that moment)", body = Problem, content_type = "application/problem+json"),
                PathProblems,
            )
        )]
        #[get($item)]
        async fn $get(
            caller: Caller<RegisterReaders>,
            state: web::Data<AppState>,
            id: web::Path<String>,
            query: web::Query<AsOfQuery>,
        ) -> ApiResult<HttpResponse> {
            let id: $id = path_id("id", &id)?;
            let stored =
                get_entry::<$entry>(&state, &caller, EntryKind::$kind, id.as_uuid(), &query).await?;
            let meta = stored.meta;
            Ok(tagged(meta.version, $dto::from(stored)))
        }

        #[doc = $replace_summary]
        #[doc = ""]
        #[doc = $replace_description]
        #[utoipa::path(
            tag = "register",
            params(("id" = uuid::Uuid, Path, description = "Entry id"), IfMatchHeader),
            request_body = $input,
            security(("bearer" = [])),
            responses(
                (status = 200, description = "The entry as replaced", body = $dto,
                    headers(("ETag" = String, description = "New version"))),
                (status = 403, description = "Role may not change the register", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such entry in the caller's register", body = Problem, content_type = "application/problem+json"),
                (status = 412, response = Stale),
                BodyProblems,
            )
        )]
        #[put($item)]
        async fn $replace(
            caller: Caller<RegisterKeepers>,
            state: web::Data<AppState>,
            id: web::Path<String>,
            req: HttpRequest,
            body: ValidJson<$input>,
        ) -> ApiResult<HttpResponse> {
            let id: $id = path_id("id", &id)?;
            let entry = body.0.into_entry(id);
            let meta =
                put_entry(&state, &caller, Entry::$kind(entry.clone()), Some(if_match(&req))).await?;
            let stored = persistence::register::Stored { body: entry, meta };
            Ok(tagged(meta.version, $dto::from(stored)))
        }

        #[doc = $delete_summary]
        #[doc = ""]
        #[doc = $delete_description]
        #[utoipa::path(
            tag = "register",
            params(("id" = uuid::Uuid, Path, description = "Entry id"), IfMatchHeader),
            security(("bearer" = [])),
            responses(
                (status = 204, description = "Entry deleted; its history remains"),
                (status = 403, description = "Role may not change the register", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such entry in the caller's register", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "Purposes, agreements or disclosures still refer to the entry", body = Problem, content_type = "application/problem+json"),
                (status = 412, response = Stale),
                PathProblems,
            )
        )]
        #[delete($item)]
        async fn $delete(
            caller: Caller<RegisterKeepers>,
            state: web::Data<AppState>,
            id: web::Path<String>,
            req: HttpRequest,
        ) -> ApiResult<HttpResponse> {
            let id: $id = path_id("id", &id)?;
            delete_entry(&state, &caller, EntryKind::$kind, id.as_uuid(), if_match(&req)).await?;
            Ok(HttpResponse::NoContent().finish())
        }
    };
}

register_entries! {
    kind: Purpose,
    entry: Purpose,
    id: PurposeId,
    input: PurposeInput,
    dto: PurposeDto,
    page: PurposePage,
    collection: "/register/purposes",
    item: "/register/purposes/{id}",
    location: "/register/purposes",
    list: (list_purposes, "List purposes", "The purposes of processing in the organisation's register, each with the rights that apply to it."),
    create: (create_purpose, "Create a purpose", "Refused (422) when it breaks a rule of Art 6, 9 or 13, each breach naming its field and article, or when it names entries the register does not hold."),
    get: (get_purpose, "Get a purpose", "The purpose now, or as it stood at `as_of`, with the rights that apply to it."),
    replace: (replace_purpose, "Replace a purpose", "Checked as on creation. Send `If-Match` with the ETag you read."),
    delete: (delete_purpose, "Delete a purpose", "Refused (409) while a processing agreement covers it. Its history remains."),
}

register_entries! {
    kind: DataCategory,
    entry: DataCategory,
    id: DataCategoryId,
    input: DataCategoryInput,
    dto: DataCategoryDto,
    page: DataCategoryPage,
    collection: "/register/data-categories",
    item: "/register/data-categories/{id}",
    location: "/register/data-categories",
    list: (list_data_categories, "List data categories", "The categories of personal data the register holds (Art 30(1)(c)), special ones flagged (Art 9(1))."),
    create: (create_data_category, "Create a data category", "A category of personal data purposes may then name."),
    get: (get_data_category, "Get a data category", "The category now, or as it stood at `as_of`."),
    replace: (replace_data_category, "Replace a data category", "Making a category special is refused (422) while a purpose holds it without an Art 9(2) condition."),
    delete: (delete_data_category, "Delete a data category", "Refused (409) while purposes hold it, or the disclosures log names it."),
}

register_entries! {
    kind: Recipient,
    entry: Recipient,
    id: RecipientId,
    input: RecipientInput,
    dto: RecipientDto,
    page: RecipientPage,
    collection: "/register/recipients",
    item: "/register/recipients/{id}",
    location: "/register/recipients",
    list: (list_recipients, "List recipients", "Those personal data is disclosed to (Art 30(1)(d)): processors, third parties, public authorities and internal teams."),
    create: (create_recipient, "Create a recipient", "A recipient, or category of recipients, purposes may then disclose to."),
    get: (get_recipient, "Get a recipient", "The recipient now, or as it stood at `as_of`."),
    replace: (replace_recipient, "Replace a recipient", "Send `If-Match` with the ETag you read."),
    delete: (delete_recipient, "Delete a recipient", "Refused (409) while purposes disclose to it, or the disclosures log names it."),
}

register_entries! {
    kind: Transfer,
    entry: Transfer,
    id: TransferId,
    input: TransferInput,
    dto: TransferDto,
    page: TransferPage,
    collection: "/register/transfers",
    item: "/register/transfers/{id}",
    location: "/register/transfers",
    list: (list_transfers, "List transfers", "Transfers to third countries or international organisations (Art 30(1)(e)) and what makes each lawful."),
    create: (create_transfer, "Create a transfer", "Legacy Model Contract Clauses are accepted, as older notices state them, and flagged by the register's lints."),
    get: (get_transfer, "Get a transfer", "The transfer now, or as it stood at `as_of`."),
    replace: (replace_transfer, "Replace a transfer", "Send `If-Match` with the ETag you read."),
    delete: (delete_transfer, "Delete a transfer", "Refused (409) while purposes make it."),
}

register_entries! {
    kind: RetentionPolicy,
    entry: RetentionPolicy,
    id: RetentionPolicyId,
    input: RetentionPolicyInput,
    dto: RetentionPolicyDto,
    page: RetentionPolicyPage,
    collection: "/register/retention-policies",
    item: "/register/retention-policies/{id}",
    location: "/register/retention-policies",
    list: (list_retention_policies, "List retention policies", "When data is erased, anonymised or reviewed, counted from an event (Art 5(1)(e), 30(1)(f))."),
    create: (create_retention_policy, "Create a retention policy", "A trigger event, an ISO 8601 period (`P1Y`, `P3Y`) and an action."),
    get: (get_retention_policy, "Get a retention policy", "The policy now, or as it stood at `as_of`."),
    replace: (replace_retention_policy, "Replace a retention policy", "Send `If-Match` with the ETag you read."),
    delete: (delete_retention_policy, "Delete a retention policy", "Refused (409) while purposes follow it."),
}
