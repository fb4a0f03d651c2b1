//! `servicedesk seed-demo`: the three source organisations (and the two the Cabinet Office
//! processes for) with their complete registers, agreements and published notices. Loading is
//! idempotent: an organisation whose details are already recorded is left as it is.

use chrono::{DateTime, Utc};
use domain::ids::OrgId;
use domain::party::Party;
use domain::register::notice::{self, NoticeChange, PrivacyNotice};
use domain::register::{EntryKind, Register, demo};
use persistence::register::{self, Actor};
use persistence::{AnyConnection, Db, StoreError};

use crate::clock;

/// Who the register records as loading the demo.
const LOADER: &str = "seed-demo";

/// What a load did, organisation by organisation.
#[derive(Debug, Default)]
pub struct Loaded {
    pub loaded: Vec<String>,
    pub skipped: Vec<String>,
}

/// Loads every demo organisation not yet loaded, each in one transaction, then its agreements
/// and first published notice.
pub fn load(db: &Db) -> Result<Loaded, String> {
    let mut conn = db.write().map_err(|e| e.to_string())?;
    let now = clock::now();
    let mut outcome = Loaded::default();
    let registers = demo::organisations();
    let mut ids = Vec::with_capacity(registers.len());
    for register in &registers {
        let id = persistence::organisations::ensure(
            &mut conn,
            &register.slug,
            OrgId::from_uuid(clock::new_uuid()),
            now,
        )
        .map_err(|e| e.to_string())?;
        ids.push((register.slug.as_str(), id));
    }
    let id_of = |slug: &str| {
        ids.iter()
            .find(|(s, _)| *s == slug)
            .map(|(_, id)| *id)
            .ok_or_else(|| format!("demo organisation {slug} missing"))
    };
    let mut fresh = Vec::new();
    for register in &registers {
        let org_id = id_of(register.slug.as_str())?;
        let stored = load_register(&mut conn, org_id, register, now).map_err(|e| e.to_string())?;
        if stored {
            outcome.loaded.push(register.slug.to_string());
            fresh.push(org_id);
        } else {
            outcome.skipped.push(register.slug.to_string());
        }
    }
    for agreement in demo::agreements() {
        let controller = id_of(agreement.controller)?;
        if !fresh.contains(&controller) {
            continue;
        }
        let processor = id_of(agreement.processor)?;
        let proposed = agreement.to_agreement(controller, processor);
        // The controller proposes and the processor accepts, each recorded as its own act, so
        // the demo's processor acts for its controllers from the start.
        let accepted = proposed.accept(processor, now).map_err(|e| e.to_string())?;
        register::change(&mut conn, controller, |conn, _| {
            for (body, by) in [(&proposed, controller), (&accepted, processor)] {
                register::put(
                    conn,
                    controller,
                    EntryKind::ProcessingAgreement,
                    body.id.as_uuid(),
                    Some(processor),
                    body,
                    None,
                    &actor(by),
                    now,
                )?;
            }
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    }
    for org_id in fresh {
        publish(&mut conn, org_id, now).map_err(|e| e.to_string())?;
    }
    Ok(outcome)
}

fn actor(org_id: OrgId) -> Actor {
    Actor {
        party: Party::Account(LOADER.to_owned()),
        org_id,
    }
}

/// Stores the register in one transaction, unless the organisation's details are already
/// recorded; returns whether it stored it.
fn load_register(
    conn: &mut AnyConnection,
    org_id: OrgId,
    register: &Register,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    register::change(conn, org_id, |conn, loaded| {
        if loaded.meta.contains_key(&org_id.as_uuid()) {
            return Ok(false);
        }
        let by = actor(org_id);
        let org = [(org_id.as_uuid(), &register.organisation)];
        put_all(conn, org_id, &by, now, EntryKind::Organisation, org)?;
        let categories = register.data_categories.iter().map(|c| (c.id.as_uuid(), c));
        put_all(conn, org_id, &by, now, EntryKind::DataCategory, categories)?;
        let recipients = register.recipients.iter().map(|r| (r.id.as_uuid(), r));
        put_all(conn, org_id, &by, now, EntryKind::Recipient, recipients)?;
        let transfers = register.transfers.iter().map(|t| (t.id.as_uuid(), t));
        put_all(conn, org_id, &by, now, EntryKind::Transfer, transfers)?;
        let policies = register
            .retention_policies
            .iter()
            .map(|r| (r.id.as_uuid(), r));
        put_all(conn, org_id, &by, now, EntryKind::RetentionPolicy, policies)?;
        let purposes = register.purposes.iter().map(|p| (p.id.as_uuid(), p));
        put_all(conn, org_id, &by, now, EntryKind::Purpose, purposes)?;
        persistence::organisations::rename(conn, org_id, &register.organisation.name)?;
        Ok(true)
    })
}

/// Publishes the organisation's first notice from the register just loaded, effective today.
fn publish(conn: &mut AnyConnection, org_id: OrgId, now: DateTime<Utc>) -> Result<(), StoreError> {
    let today = now.date_naive();
    register::change(conn, org_id, |conn, loaded| {
        let processor_for: Vec<_> = register::processing_for(conn, org_id, None, today)?
            .into_iter()
            .map(|(_, controller)| controller.organisation)
            .collect();
        let notice =
            PrivacyNotice::generate(&loaded.register, &processor_for).map_err(|missing| {
                StoreError::Corrupt(format!(
                    "demo register lacks notice elements: {}",
                    missing
                        .iter()
                        .map(|m| m.element.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
        let changes: Vec<NoticeChange> = notice::changes(None, &notice);
        let loader = Party::Account(LOADER.to_owned());
        persistence::notices::publish(conn, org_id, today, &loader, &notice, &changes, now)?;
        Ok(())
    })
}

/// Stores entries of one kind, each as created by the loader.
fn put_all<'a, T: serde::Serialize + 'a>(
    conn: &mut AnyConnection,
    org_id: OrgId,
    by: &Actor,
    now: DateTime<Utc>,
    kind: EntryKind,
    entries: impl IntoIterator<Item = (uuid::Uuid, &'a T)>,
) -> Result<(), StoreError> {
    for (id, body) in entries {
        register::put(conn, org_id, kind, id, None, body, None, by, now)?;
    }
    Ok(())
}
