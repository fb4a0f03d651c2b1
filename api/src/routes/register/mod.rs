//! `/api/v1/register`: the processing register's entries (purposes, data categories,
//! recipients, transfers, retention policies), their history and their lints. Keepers (admin,
//! dpo) write; auditors read. Every change is versioned; reads accept `as_of`.

mod dto;
mod entries;

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use domain::register::{Entry, EntryKind};
use persistence::StoreError;
use persistence::catalogue::CATALOGUE;
use persistence::register::{self, Actor, ChangeFilter, Meta, Stored};
use serde::de::DeserializeOwned;
use uuid::Uuid;

pub use dto::*;

use crate::auth::{Caller, Principal, RegisterReaders};
use crate::clock;
use crate::http::page::{next_cursor, parse_cursor, parse_limit};
use crate::http::params::Params;
use crate::http::problem::responses::ListProblems;
use crate::http::{ApiError, ApiResult, Problem};
use crate::state::AppState;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    entries::configure(config);
    config.service(list_changes).service(list_lints);
}

/// The `as_of` parameter: an RFC 3339 moment.
pub fn parse_as_of(params: &mut Params, value: Option<&str>) -> Option<DateTime<Utc>> {
    params.moment("as_of", value)
}

/// Who the register records as making a change, with their own organisation (a processor's,
/// when acting for a controller).
pub fn actor_of(caller: &Principal) -> Actor {
    Actor {
        party: caller.actor().to_owned(),
        org_id: caller.processor.unwrap_or(caller.org_id),
    }
}

/// Puts an entry in the caller's register in one transaction: take the register's lock, load
/// it, check every rule the change touches against it, then store the entry and its change.
/// `replacing` says the entry must already exist (a PUT), with the versions `If-Match` accepts.
pub async fn put_entry(
    state: &AppState,
    caller: &Principal,
    entry: Entry,
    replacing: Option<Option<Vec<i64>>>,
) -> ApiResult<Meta> {
    let org_id = caller.org_id;
    let actor = actor_of(caller);
    let now = clock::now();
    state
        .write(move |conn| {
            register::change(conn, org_id, |conn, mut loaded| {
                let kind = entry.kind();
                let id = entry.id();
                if replacing.is_some() {
                    register::get::<serde_json::Value>(conn, org_id, kind, id, None)?;
                }
                loaded
                    .register
                    .put(entry.clone())
                    .map_err(StoreError::Refused)?;
                let expected = replacing.flatten();
                register::put(
                    conn,
                    org_id,
                    kind,
                    id,
                    None,
                    &entry,
                    expected.as_deref(),
                    &actor,
                    now,
                )
            })
        })
        .await
}

/// Removes an entry from the caller's register in one transaction, refused (409) while purposes
/// still name it, processing agreements cover it or the disclosures log names it.
pub async fn delete_entry(
    state: &AppState,
    caller: &Principal,
    kind: EntryKind,
    id: Uuid,
    expected: Option<Vec<i64>>,
) -> ApiResult<()> {
    let org_id = caller.org_id;
    let actor = actor_of(caller);
    let now = clock::now();
    state
        .write(move |conn| {
            register::change(conn, org_id, |conn, mut loaded| {
                match loaded.register.remove(kind, id) {
                    Err(in_use) => {
                        return Err(StoreError::InUse(format!(
                            "purposes still name this entry: {}",
                            in_use.purposes.join(", ")
                        )));
                    }
                    Ok(false) => return Err(StoreError::NotFound),
                    Ok(true) => {}
                }
                if kind == EntryKind::Purpose {
                    let covered = register::agreements(conn, org_id, None)?.iter().any(|a| {
                        a.body.controller == org_id
                            && a.body.purposes.iter().any(|p| p.as_uuid() == id)
                    });
                    if covered {
                        return Err(StoreError::InUse(
                            "a processing agreement covers this purpose; change the agreement first"
                                .into(),
                        ));
                    }
                }
                // The log must go on saying who received what (Art 19, 30(1)(d)).
                if matches!(kind, EntryKind::Recipient | EntryKind::DataCategory)
                    && persistence::disclosures::names_entry(conn, org_id, id)?
                {
                    return Err(StoreError::InUse(
                        "the disclosures log names this entry: it must still say who received \
                         what"
                            .into(),
                    ));
                }
                register::delete(conn, org_id, kind, id, expected.as_deref(), &actor, now)
            })
        })
        .await
}

/// One page of the caller's entries of `kind`, now or at `as_of`, oldest first.
pub async fn page_of<T: DeserializeOwned + Send + 'static>(
    state: &AppState,
    caller: &Principal,
    kind: EntryKind,
    query: &EntryListQuery,
    id_of: fn(&T) -> Uuid,
) -> ApiResult<(Vec<Stored<T>>, Option<String>)> {
    let mut params = Params::default();
    let as_of = parse_as_of(&mut params, query.as_of.as_deref());
    let limit = parse_limit(&mut params, query.limit.as_deref());
    let after: Option<Uuid> = parse_cursor(&mut params, query.cursor.as_deref());
    params.finish()?;
    let org_id = caller.org_id;
    let all = state
        .read(move |conn| register::list::<T>(conn, org_id, kind, as_of))
        .await?;
    let mut items: Vec<Stored<T>> = all
        .into_iter()
        .filter(|s| after.is_none_or(|after| id_of(&s.body) > after))
        .take(usize::from(limit.get()) + 1)
        .collect();
    let more = items.len() > usize::from(limit.get());
    items.truncate(usize::from(limit.get()));
    let cursor = next_cursor(&items, more, |s| id_of(&s.body));
    Ok((items, cursor))
}

/// One of the caller's entries, now or at `as_of`; another organisation's is a 404.
pub async fn get_entry<T: DeserializeOwned + Send + 'static>(
    state: &AppState,
    caller: &Principal,
    kind: EntryKind,
    id: Uuid,
    query: &AsOfQuery,
) -> ApiResult<Stored<T>> {
    let mut params = Params::default();
    let as_of = parse_as_of(&mut params, query.as_of.as_deref());
    params.finish()?;
    let org_id = caller.org_id;
    state
        .read(move |conn| register::get::<T>(conn, org_id, kind, id, as_of))
        .await
        .map_err(ApiError::not_found_as(kind_noun(kind)))
}

fn kind_noun(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Organisation => "organisation",
        EntryKind::Purpose => "purpose",
        EntryKind::DataCategory => "data category",
        EntryKind::Recipient => "recipient",
        EntryKind::Transfer => "transfer",
        EntryKind::RetentionPolicy => "retention policy",
        EntryKind::ProcessingAgreement => "processing agreement",
    }
}

/// Register history
///
/// Every change to the organisation's register, oldest first: who made it, when, and the
/// entry before and after. Changes to processing agreements the organisation is party to are
/// included.
#[utoipa::path(
    tag = "register",
    params(ChangeListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of changes", body = ChangePage),
        (status = 403, description = "Role may not read the register", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/register/changes")]
async fn list_changes(
    caller: Caller<RegisterReaders>,
    state: web::Data<AppState>,
    query: web::Query<ChangeListQuery>,
) -> ApiResult<web::Json<ChangePage>> {
    let mut params = Params::default();
    let filter = ChangeFilter {
        kind: params.optional("kind", query.kind.as_deref()),
        entry_id: params.optional("entry_id", query.entry_id.as_deref()),
    };
    let limit = parse_limit(&mut params, query.limit.as_deref());
    let after: Option<Uuid> = parse_cursor(&mut params, query.cursor.as_deref());
    params.finish()?;
    let org_id = caller.org_id;
    let (changes, slugs, more) = state
        .read(move |conn| {
            let (changes, more) = register::changes(conn, org_id, filter, after, limit)?;
            let mut actors: Vec<_> = changes.iter().map(|c| c.actor_org_id).collect();
            actors.sort();
            actors.dedup();
            let slugs = persistence::organisations::slugs(conn, &actors)?;
            Ok((changes, slugs, more))
        })
        .await?;
    let next = next_cursor(&changes, more, |c| c.id.as_uuid());
    let items = changes
        .into_iter()
        .map(|change| {
            let slug = slugs
                .iter()
                .find(|(id, _)| *id == change.actor_org_id)
                .map(|(_, slug)| slug.to_string())
                .unwrap_or_default();
            ChangeDto::new(change, slug)
        })
        .collect();
    Ok(web::Json(ChangePage {
        items,
        next_cursor: next,
    }))
}

/// Register lints
///
/// Findings about entries that are lawful to store but wrong under today's law, each with its
/// severity, article and the entry it concerns: 6(1)(ea) or (f) used by a public authority in
/// its tasks, legacy Model Contract Clauses, a purpose without retention, a policy document
/// without a review date, and more. Then the bindings: each kind of desk record holding
/// personal data (tickets category by category) that no purpose governs, or that two do.
#[utoipa::path(
    tag = "register",
    params(AsOfQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The lints", body = LintReport),
        (status = 403, description = "Role may not read the register", body = Problem, content_type = "application/problem+json"),
        ListProblems,
    )
)]
#[get("/register/lints")]
async fn list_lints(
    caller: Caller<RegisterReaders>,
    state: web::Data<AppState>,
    query: web::Query<AsOfQuery>,
) -> ApiResult<web::Json<LintReport>> {
    let mut params = Params::default();
    let as_of = parse_as_of(&mut params, query.as_of.as_deref());
    params.finish()?;
    let org_id = caller.org_id;
    let loaded = state
        .read(move |conn| register::load(conn, org_id, as_of))
        .await?;
    let mut items = loaded.register.lints();
    items.extend(loaded.register.binding_lints(&CATALOGUE));
    Ok(web::Json(LintReport { items }))
}
