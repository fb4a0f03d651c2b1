//! Assets and licences, their assignments to people and each assignment's history.
//!
//! `assets.active_assignments` counts the assignments that hold a seat (approved or issued).
//! Entering `approved` takes a seat with one guarded UPDATE in the same transaction as the
//! status change, so concurrent approvals never take more seats than a licence has; leaving an
//! active state gives the seat back.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::count_star;
use diesel::prelude::*;
use domain::assets::{Asset, AssetKind, AssetTag, Assignment, AssignmentStatus};
use domain::ids::{AssetId, AssignmentId, OrgId, PersonId};
use domain::page::PageLimit;
use domain::party::Party;
use domain::people::PersonStatus;

use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::page::page_of;
use crate::parties::{columns, party};
use crate::schema::{asset_assignments, assets, assignment_changes, people};
use crate::time::{from_db, to_db};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = assets)]
struct AssetRow {
    id: String,
    org_id: String,
    kind: String,
    tag: String,
    serial: Option<String>,
    model: Option<String>,
    seats: Option<i64>,
    active_assignments: i64,
    version: i64,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

/// An asset with what storage keeps beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAsset {
    pub asset: Asset,
    /// Assignments holding a seat now (approved or issued).
    pub active_assignments: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("asset {what}"))
}

impl TryFrom<AssetRow> for StoredAsset {
    type Error = StoreError;

    fn try_from(row: AssetRow) -> Result<Self, StoreError> {
        let seats = row
            .seats
            .map(|n| u32::try_from(n).map_err(|_| corrupt("seats")))
            .transpose()?;
        Ok(StoredAsset {
            asset: Asset {
                id: row.id.parse().map_err(|_| corrupt("id"))?,
                org_id: row.org_id.parse().map_err(|_| corrupt("organisation"))?,
                kind: row.kind.parse().map_err(|_| corrupt("kind"))?,
                tag: AssetTag::parse(&row.tag).map_err(|_| corrupt("tag"))?,
                serial: row.serial,
                model: row.model,
                seats,
                version: row.version,
            },
            active_assignments: u32::try_from(row.active_assignments)
                .map_err(|_| corrupt("active assignments"))?,
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        })
    }
}

/// Stores a new asset; a tag already used in the organisation is a `Conflict`.
pub fn create(
    conn: &mut AnyConnection,
    asset: &Asset,
    now: DateTime<Utc>,
) -> Result<StoredAsset, StoreError> {
    let row = AssetRow {
        id: asset.id.to_string(),
        org_id: asset.org_id.to_string(),
        kind: asset.kind.as_str().to_owned(),
        tag: asset.tag.as_str().to_owned(),
        serial: asset.serial.clone(),
        model: asset.model.clone(),
        seats: asset.seats.map(i64::from),
        active_assignments: 0,
        version: asset.version,
        created_at: to_db(now),
        updated_at: to_db(now),
    };
    diesel::insert_into(assets::table)
        .values(&row)
        .execute(conn)?;
    row.try_into()
}

/// One asset of the organisation; another organisation's is `NotFound`.
pub fn get(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: AssetId,
) -> Result<StoredAsset, StoreError> {
    assets::table
        .find(id.to_string())
        .filter(assets::org_id.eq(org_id.to_string()))
        .select(AssetRow::as_select())
        .first::<AssetRow>(conn)?
        .try_into()
}

/// A page of the organisation's assets, newest first, after the cursor asset.
pub fn list(
    conn: &mut AnyConnection,
    org_id: OrgId,
    kind: Option<AssetKind>,
    limit: PageLimit,
    after: Option<AssetId>,
) -> Result<(Vec<StoredAsset>, bool), StoreError> {
    let mut query = assets::table
        .filter(assets::org_id.eq(org_id.to_string()))
        .select(AssetRow::as_select())
        .order(assets::id.desc())
        .limit(i64::from(limit.get()) + 1)
        .into_boxed();
    if let Some(kind) = kind {
        query = query.filter(assets::kind.eq(kind.as_str()));
    }
    if let Some(after) = after {
        query = query.filter(assets::id.lt(after.to_string()));
    }
    page_of(query.load::<AssetRow>(conn)?, limit)
}

/// Changes to an asset's description; fields left `None` stay as they are.
#[derive(Debug, Clone, Default)]
pub struct AssetChange {
    pub serial: Option<Option<String>>,
    pub model: Option<Option<String>>,
    pub seats: Option<u32>,
}

/// Applies `change` in one transaction. A version not among `accepted_versions` is `Stale`;
/// seats below the active assignments are refused, also when an approval lands between the
/// read and the write (the UPDATE is guarded on the count).
pub fn update(
    conn: &mut AnyConnection,
    org_id: OrgId,
    id: AssetId,
    accepted_versions: Option<Vec<i64>>,
    change: AssetChange,
    now: DateTime<Utc>,
) -> Result<StoredAsset, StoreError> {
    conn.transaction(|conn| {
        let current = get(conn, org_id, id)?;
        if accepted_versions.is_some_and(|v| !v.contains(&current.asset.version)) {
            return Err(StoreError::Stale);
        }
        let mut next = current.asset.clone();
        if let Some(serial) = change.serial {
            next.serial = serial;
        }
        if let Some(model) = change.model {
            next.model = model;
        }
        if let Some(seats) = change.seats {
            next.seats = Some(seats);
        }
        next.validate().map_err(|mut errors| {
            // `validate` collects every error; the first names the field well enough here,
            // and the API checks the body's fields before calling.
            StoreError::Domain(errors.swap_remove(0))
        })?;
        let seats_too_few = |active: u32| next.seats.is_some_and(|s| s < active);
        if seats_too_few(current.active_assignments) {
            return Err(seats_below_active());
        }
        next.version += 1;
        let seats = next.seats.map(i64::from);
        let written = diesel::update(
            assets::table
                .filter(assets::id.eq(id.to_string()))
                .filter(assets::version.eq(current.asset.version))
                .filter(
                    assets::seats
                        .is_null()
                        .or(assets::active_assignments.le(seats.unwrap_or(i64::MAX))),
                ),
        )
        .set((
            assets::serial.eq(next.serial.clone()),
            assets::model.eq(next.model.clone()),
            assets::seats.eq(seats),
            assets::version.eq(next.version),
            assets::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
        if written != 1 {
            let again = get(conn, org_id, id)?;
            if again.asset.version != current.asset.version {
                return Err(StoreError::Stale);
            }
            return Err(seats_below_active());
        }
        get(conn, org_id, id)
    })
}

fn seats_below_active() -> StoreError {
    StoreError::InUse("seats may not drop below the licence's active assignments".into())
}

// ---------------------------------------------------------------------------------------------
// Assignments

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = asset_assignments)]
struct AssignmentRow {
    id: String,
    asset_id: String,
    org_id: String,
    person_id: String,
    requested_by: String,
    status: String,
    approved_by: Option<String>,
    requested_at: chrono::NaiveDateTime,
    approved_at: Option<chrono::NaiveDateTime>,
    issued_at: Option<chrono::NaiveDateTime>,
    ended_at: Option<chrono::NaiveDateTime>,
    version: i64,
}

impl TryFrom<AssignmentRow> for Assignment {
    type Error = StoreError;

    fn try_from(row: AssignmentRow) -> Result<Self, StoreError> {
        let bad = |what: &str| StoreError::Corrupt(format!("assignment {what}"));
        Ok(Assignment {
            id: row.id.parse().map_err(|_| bad("id"))?,
            asset_id: row.asset_id.parse().map_err(|_| bad("asset"))?,
            person_id: row.person_id.parse().map_err(|_| bad("person"))?,
            requested_by: row.requested_by.parse().map_err(|_| bad("requester"))?,
            status: row.status.parse().map_err(|_| bad("status"))?,
            approved_by: row
                .approved_by
                .map(|v| v.parse().map_err(|_| bad("approver")))
                .transpose()?,
            requested_at: from_db(row.requested_at),
            approved_at: row.approved_at.map(from_db),
            issued_at: row.issued_at.map(from_db),
            ended_at: row.ended_at.map(from_db),
            version: row.version,
        })
    }
}

fn assignment_row(org_id: OrgId, a: &Assignment) -> AssignmentRow {
    AssignmentRow {
        id: a.id.to_string(),
        asset_id: a.asset_id.to_string(),
        org_id: org_id.to_string(),
        person_id: a.person_id.to_string(),
        requested_by: a.requested_by.to_string(),
        status: a.status.as_str().to_owned(),
        approved_by: a.approved_by.map(|p| p.to_string()),
        requested_at: to_db(a.requested_at),
        approved_at: a.approved_at.map(to_db),
        issued_at: a.issued_at.map(to_db),
        ended_at: a.ended_at.map(to_db),
        version: a.version,
    }
}

/// One change of an assignment's status: who (a token subject) moved it, from what, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentChange {
    pub id: uuid::Uuid,
    pub assignment_id: AssignmentId,
    pub from_status: Option<AssignmentStatus>,
    pub to_status: AssignmentStatus,
    pub actor: Party,
    pub at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = assignment_changes)]
struct ChangeRow {
    id: String,
    assignment_id: String,
    from_status: Option<String>,
    to_status: String,
    actor_id: Option<String>,
    actor_account: Option<String>,
    at: chrono::NaiveDateTime,
}

impl TryFrom<ChangeRow> for AssignmentChange {
    type Error = StoreError;

    fn try_from(row: ChangeRow) -> Result<Self, StoreError> {
        let bad = |what: &str| StoreError::Corrupt(format!("assignment change {what}"));
        Ok(AssignmentChange {
            id: row.id.parse().map_err(|_| bad("id"))?,
            assignment_id: row.assignment_id.parse().map_err(|_| bad("assignment"))?,
            from_status: row
                .from_status
                .map(|v| v.parse().map_err(|_| bad("from status")))
                .transpose()?,
            to_status: row.to_status.parse().map_err(|_| bad("to status"))?,
            actor: party("assignment change actor", row.actor_id, row.actor_account)?,
            at: from_db(row.at),
        })
    }
}

fn record_change(conn: &mut AnyConnection, change: &AssignmentChange) -> Result<(), StoreError> {
    let (actor_id, actor_account) = columns(&change.actor);
    diesel::insert_into(assignment_changes::table)
        .values(ChangeRow {
            id: change.id.to_string(),
            assignment_id: change.assignment_id.to_string(),
            from_status: change.from_status.map(|s| s.as_str().to_owned()),
            to_status: change.to_status.as_str().to_owned(),
            actor_id,
            actor_account,
            at: to_db(change.at),
        })
        .execute(conn)?;
    Ok(())
}

/// Stores a requested assignment of an asset of the organisation to one of its people, with
/// its first history entry, in one transaction. An asset or person of another organisation is
/// `NotFound`.
pub fn request(
    conn: &mut AnyConnection,
    org_id: OrgId,
    assignment: &Assignment,
    actor: &Party,
    change_id: uuid::Uuid,
) -> Result<(), StoreError> {
    conn.transaction(|conn| {
        get(conn, org_id, assignment.asset_id)?;
        diesel::insert_into(asset_assignments::table)
            .values(assignment_row(org_id, assignment))
            .execute(conn)?;
        record_change(
            conn,
            &AssignmentChange {
                id: change_id,
                assignment_id: assignment.id,
                from_status: None,
                to_status: assignment.status,
                actor: actor.clone(),
                at: assignment.requested_at,
            },
        )
    })
}

/// One assignment of one of the organisation's assets.
pub fn get_assignment(
    conn: &mut AnyConnection,
    org_id: OrgId,
    asset_id: AssetId,
    id: AssignmentId,
) -> Result<Assignment, StoreError> {
    asset_assignments::table
        .find(id.to_string())
        .filter(asset_assignments::org_id.eq(org_id.to_string()))
        .filter(asset_assignments::asset_id.eq(asset_id.to_string()))
        .select(AssignmentRow::as_select())
        .first::<AssignmentRow>(conn)?
        .try_into()
}

/// A page of an asset's assignments, newest first.
pub fn list_assignments(
    conn: &mut AnyConnection,
    org_id: OrgId,
    asset_id: AssetId,
    limit: PageLimit,
    after: Option<AssignmentId>,
) -> Result<(Vec<Assignment>, bool), StoreError> {
    get(conn, org_id, asset_id)?;
    let mut query = asset_assignments::table
        .filter(asset_assignments::org_id.eq(org_id.to_string()))
        .filter(asset_assignments::asset_id.eq(asset_id.to_string()))
        .select(AssignmentRow::as_select())
        .order(asset_assignments::id.desc())
        .limit(i64::from(limit.get()) + 1)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(asset_assignments::id.lt(after.to_string()));
    }
    page_of(query.load::<AssignmentRow>(conn)?, limit)
}

/// One of a person's assignments, with the asset it is of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldAssignment {
    pub assignment: Assignment,
    pub asset_kind: AssetKind,
    pub asset_tag: AssetTag,
    pub asset_model: Option<String>,
}

/// The asset's columns a person's own list shows.
#[derive(Queryable, Selectable)]
#[diesel(table_name = assets)]
struct HeldAssetRow {
    kind: String,
    tag: String,
    model: Option<String>,
}

impl TryFrom<(AssignmentRow, HeldAssetRow)> for HeldAssignment {
    type Error = StoreError;

    fn try_from((assignment, asset): (AssignmentRow, HeldAssetRow)) -> Result<Self, StoreError> {
        Ok(HeldAssignment {
            assignment: assignment.try_into()?,
            asset_kind: asset.kind.parse().map_err(|_| corrupt("kind"))?,
            asset_tag: AssetTag::parse(&asset.tag).map_err(|_| corrupt("tag"))?,
            asset_model: asset.model,
        })
    }
}

/// A page of one person's assignments across the organisation's assets, newest first,
/// optionally only those in `status`.
pub fn list_for_person(
    conn: &mut AnyConnection,
    org_id: OrgId,
    person_id: PersonId,
    status: Option<AssignmentStatus>,
    limit: PageLimit,
    after: Option<AssignmentId>,
) -> Result<(Vec<HeldAssignment>, bool), StoreError> {
    let org = org_id.to_string();
    let mut query = asset_assignments::table
        .inner_join(assets::table)
        .filter(asset_assignments::org_id.eq(org.clone()))
        .filter(assets::org_id.eq(org))
        .filter(asset_assignments::person_id.eq(person_id.to_string()))
        .select((AssignmentRow::as_select(), HeldAssetRow::as_select()))
        .order(asset_assignments::id.desc())
        .limit(i64::from(limit.get()) + 1)
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(asset_assignments::status.eq(status.as_str()));
    }
    if let Some(after) = after {
        query = query.filter(asset_assignments::id.lt(after.to_string()));
    }
    page_of(query.load::<(AssignmentRow, HeldAssetRow)>(conn)?, limit)
}

/// A page of an assignment's history, oldest first.
pub fn list_changes(
    conn: &mut AnyConnection,
    org_id: OrgId,
    asset_id: AssetId,
    id: AssignmentId,
    limit: PageLimit,
    after: Option<uuid::Uuid>,
) -> Result<(Vec<AssignmentChange>, bool), StoreError> {
    get_assignment(conn, org_id, asset_id, id)?;
    let mut query = assignment_changes::table
        .filter(assignment_changes::assignment_id.eq(id.to_string()))
        .select(ChangeRow::as_select())
        .order(assignment_changes::id.asc())
        .limit(i64::from(limit.get()) + 1)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(assignment_changes::id.gt(after.to_string()));
    }
    page_of(query.load::<ChangeRow>(conn)?, limit)
}

/// Moves an assignment to `next` in one transaction: the domain's machine and approver rule,
/// `If-Match` (`Stale`), the seat (entering an active state takes one with a single guarded
/// UPDATE: none free is `InUse`; leaving one gives it back) and the history entry. `approver`
/// is the caller's person, needed only to approve.
#[expect(
    clippy::too_many_arguments,
    reason = "one transaction's inputs, each distinct"
)]
pub fn transition(
    conn: &mut AnyConnection,
    org_id: OrgId,
    asset_id: AssetId,
    id: AssignmentId,
    accepted_versions: Option<Vec<i64>>,
    next: AssignmentStatus,
    actor: &Party,
    approver: Option<PersonId>,
    change_id: uuid::Uuid,
    now: DateTime<Utc>,
) -> Result<Assignment, StoreError> {
    conn.transaction(|conn| {
        let current = get_assignment(conn, org_id, asset_id, id)?;
        if accepted_versions.is_some_and(|v| !v.contains(&current.version)) {
            return Err(StoreError::Stale);
        }
        let previous = current.status;
        let previous_version = current.version;
        // Anyone but an approver acts under a person id that can never match, so only the
        // approval rule (which needs a real person) looks at it.
        let acting = approver.unwrap_or(PersonId::from_uuid(uuid::Uuid::nil()));
        if next == AssignmentStatus::Approved && approver.is_none() {
            return Err(StoreError::Domain(domain::DomainError::invalid(
                "approved_by",
                "the approver needs a person record in this organisation",
            )));
        }
        let updated = current.transition(next, acting, now)?;
        let asset_filter = assets::table
            .filter(assets::id.eq(asset_id.to_string()))
            .filter(assets::org_id.eq(org_id.to_string()));
        if !previous.is_active() && updated.status.is_active() {
            let taken = diesel::update(
                asset_filter.filter(
                    assets::seats
                        .is_null()
                        .or(assets::active_assignments.lt(assets::seats.assume_not_null())),
                ),
            )
            .set(assets::active_assignments.eq(assets::active_assignments + 1))
            .execute(conn)?;
            if taken != 1 {
                return Err(StoreError::InUse("no seat free".into()));
            }
        } else if previous.is_active() && !updated.status.is_active() {
            diesel::update(asset_filter.filter(assets::active_assignments.gt(0)))
                .set(assets::active_assignments.eq(assets::active_assignments - 1))
                .execute(conn)?;
        }
        let written = diesel::update(
            asset_assignments::table
                .filter(asset_assignments::id.eq(id.to_string()))
                .filter(asset_assignments::version.eq(previous_version)),
        )
        .set((
            asset_assignments::status.eq(updated.status.as_str()),
            asset_assignments::approved_by.eq(updated.approved_by.map(|p| p.to_string())),
            asset_assignments::approved_at.eq(updated.approved_at.map(to_db)),
            asset_assignments::issued_at.eq(updated.issued_at.map(to_db)),
            asset_assignments::ended_at.eq(updated.ended_at.map(to_db)),
            asset_assignments::version.eq(updated.version),
        ))
        .execute(conn)?;
        if written != 1 {
            return Err(StoreError::Stale);
        }
        record_change(
            conn,
            &AssignmentChange {
                id: change_id,
                assignment_id: id,
                from_status: Some(previous),
                to_status: updated.status,
                actor: actor.clone(),
                at: now,
            },
        )?;
        Ok(updated)
    })
}

// ---------------------------------------------------------------------------------------------
// Report

/// How many of the organisation's assets there are of a kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindCount {
    pub kind: AssetKind,
    pub count: u64,
}

/// How many assignments of assets of a kind are in a status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCount {
    pub kind: AssetKind,
    pub status: AssignmentStatus,
    pub count: u64,
}

/// A leaver who still holds an issued asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaverHolding {
    pub person_id: PersonId,
    pub given_name: String,
    pub family_name: String,
    pub leaves_on: Option<NaiveDate>,
    pub asset_id: AssetId,
    pub asset_tag: AssetTag,
    pub kind: AssetKind,
    pub assignment_id: AssignmentId,
}

/// The asset report of an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetReport {
    pub assets: Vec<KindCount>,
    pub assignments: Vec<StatusCount>,
    pub leavers_holding: Vec<LeaverHolding>,
}

diesel::allow_columns_to_appear_in_same_group_by_clause!(assets::kind, asset_assignments::status);

/// Person id, given and family name, leave date, asset id, tag and kind, assignment id.
type HoldingRow = (
    String,
    String,
    String,
    Option<NaiveDate>,
    String,
    String,
    String,
    String,
);

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Counts by kind and by assignment status, and every leaver (status `leaver`, or a leave date
/// before `today`) still holding an issued asset.
pub fn report(
    conn: &mut AnyConnection,
    org_id: OrgId,
    today: NaiveDate,
) -> Result<AssetReport, StoreError> {
    let org = org_id.to_string();
    let kinds: Vec<(String, i64)> = assets::table
        .filter(assets::org_id.eq(&org))
        .group_by(assets::kind)
        .select((assets::kind, count_star()))
        .order(assets::kind.asc())
        .load(conn)?;
    let statuses: Vec<(String, String, i64)> = asset_assignments::table
        .inner_join(assets::table)
        .filter(asset_assignments::org_id.eq(&org))
        .group_by((assets::kind, asset_assignments::status))
        .select((assets::kind, asset_assignments::status, count_star()))
        .order((assets::kind.asc(), asset_assignments::status.asc()))
        .load(conn)?;
    let holdings: Vec<HoldingRow> = asset_assignments::table
        .inner_join(assets::table)
        .inner_join(people::table)
        .filter(asset_assignments::org_id.eq(&org))
        .filter(people::org_id.eq(&org))
        .filter(asset_assignments::status.eq(AssignmentStatus::Issued.as_str()))
        .filter(
            people::status
                .eq(PersonStatus::Leaver.as_str())
                .or(people::leaves_on.lt(today)),
        )
        .select((
            people::id,
            people::given_name,
            people::family_name,
            people::leaves_on,
            assets::id,
            assets::tag,
            assets::kind,
            asset_assignments::id,
        ))
        .order((people::id.asc(), asset_assignments::id.asc()))
        .load(conn)?;
    let kind = |v: &str| v.parse::<AssetKind>().map_err(|_| corrupt("kind"));
    Ok(AssetReport {
        assets: kinds
            .into_iter()
            .map(|(k, n)| {
                Ok(KindCount {
                    kind: kind(&k)?,
                    count: count(n),
                })
            })
            .collect::<Result<_, StoreError>>()?,
        assignments: statuses
            .into_iter()
            .map(|(k, s, n)| {
                Ok(StatusCount {
                    kind: kind(&k)?,
                    status: s.parse().map_err(|_| corrupt("assignment status"))?,
                    count: count(n),
                })
            })
            .collect::<Result<_, StoreError>>()?,
        leavers_holding: holdings
            .into_iter()
            .map(
                |(person, given_name, family_name, leaves_on, asset, tag, k, assignment)| {
                    Ok(LeaverHolding {
                        person_id: person.parse().map_err(|_| corrupt("person"))?,
                        given_name,
                        family_name,
                        leaves_on,
                        asset_id: asset.parse().map_err(|_| corrupt("id"))?,
                        asset_tag: AssetTag::parse(&tag).map_err(|_| corrupt("tag"))?,
                        kind: kind(&k)?,
                        assignment_id: assignment.parse().map_err(|_| corrupt("assignment"))?,
                    })
                },
            )
            .collect::<Result<_, StoreError>>()?,
    })
}
