//! What every request shares: the database, the token verifier, the organisation directory.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use actix_web::web;
use domain::ids::OrgId;
use domain::organisation::OrgSlug;
use domain::rights_requests::BankHolidays;
use persistence::{AnyConnection, Db, StoreError};

use crate::audit::{ReadRecorder, Trail};
use crate::auth::Verifier;
use crate::auth::parties::PartyCache;
use crate::clock;
use crate::http::ApiError;

/// How the server keeps what it keeps for a while.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// How long the answer to a keyed HR sync request is kept for retries: afterwards the same
    /// key is a new request, and the answer (which names people) is gone.
    pub idempotency_ttl: chrono::TimeDelta,
    /// How often every organisation's retention sweep runs on the server's schedule; `None`
    /// for never (`SERVICEDESK_RETENTION_SWEEP_INTERVAL=off`).
    pub retention_sweep_every: Option<std::time::Duration>,
    /// How often the scrubber takes erased values out of the database's free space; `None` for
    /// the backend's own ([`crate::scrub::default_every`]).
    pub scrub_every: Option<std::time::Duration>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            idempotency_ttl: chrono::TimeDelta::days(7),
            retention_sweep_every: Some(std::time::Duration::from_secs(86_400)),
            scrub_every: None,
        }
    }
}

pub struct AppState {
    pub db: Db,
    pub verifier: Arc<Verifier>,
    pub settings: Settings,
    /// The bank holidays the statutory clocks count: by rule, and the one-off days configured.
    pub holidays: Arc<BankHolidays>,
    /// Organisation ids by slug: organisations are never renamed, so once seen, cached.
    orgs: RwLock<HashMap<OrgSlug, OrgId>>,
    /// Where reads of personal data are recorded.
    reads: ReadRecorder,
    /// Token subjects recently resolved to parties; whoever writes people forgets them.
    pub parties: PartyCache,
}

impl AppState {
    /// Shared state over `db`, recording reads of personal data in the audit trail.
    pub fn new(db: Db, verifier: Arc<Verifier>) -> Self {
        Self {
            reads: ReadRecorder::start(db.clone()),
            db,
            verifier,
            settings: Settings::default(),
            holidays: Arc::new(BankHolidays::default()),
            orgs: RwLock::new(HashMap::new()),
            parties: PartyCache::default(),
        }
    }

    /// How long keyed HR sync answers are kept (a week unless told).
    pub fn idempotency_ttl(mut self, ttl: chrono::TimeDelta) -> Self {
        self.settings.idempotency_ttl = ttl;
        self
    }

    /// Runs every organisation's retention sweep this often (daily unless told), or never.
    pub fn retention_sweep_every(mut self, every: Option<std::time::Duration>) -> Self {
        self.settings.retention_sweep_every = every;
        self
    }

    pub fn scrub_every(mut self, every: Option<std::time::Duration>) -> Self {
        self.settings.scrub_every = every;
        self
    }

    /// Counts these bank holidays (each nation's by rule unless told of one-off days).
    pub fn bank_holidays(mut self, holidays: BankHolidays) -> Self {
        self.holidays = Arc::new(holidays);
        self
    }

    /// Whether reads are recorded in the audit trail (writes always are).
    pub fn audit_reads(mut self, on: bool) -> Self {
        if !on {
            self.reads = ReadRecorder::off();
        }
        self
    }

    /// Records the reads a request made, answering once they are durable: a read that cannot
    /// be recorded is not answered (503).
    pub async fn record_reads(&self, trail: Trail) -> Result<(), ApiError> {
        self.reads.record(trail).await
    }

    /// The id of the organisation a verified token names, registering it on first sight.
    pub async fn organisation_id(&self, slug: &OrgSlug) -> Result<OrgId, ApiError> {
        if let Some(id) = self.orgs.read().ok().and_then(|m| m.get(slug).copied()) {
            return Ok(id);
        }
        let db = self.db.clone();
        let wanted = slug.clone();
        let id = web::block(move || -> Result<OrgId, StoreError> {
            let mut conn = db.write()?;
            persistence::organisations::ensure(
                &mut conn,
                &wanted,
                OrgId::from_uuid(clock::new_uuid()),
                clock::now(),
            )
        })
        .await??;
        if let Ok(mut cache) = self.orgs.write() {
            cache.insert(slug.clone(), id);
        }
        Ok(id)
    }

    /// Runs read-only storage work on the blocking pool.
    pub async fn read<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, StoreError> + Send + 'static,
    {
        let db = self.db.clone();
        Ok(web::block(move || {
            let mut conn = db.read()?;
            work(&mut conn)
        })
        .await??)
    }

    /// Runs storage work that writes personal data, over the writer connection, in one
    /// transaction with the audit events it notes in `trail`: both commit, or neither.
    pub async fn write_audited<T, F>(&self, mut trail: Trail, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection, &mut Trail) -> Result<T, StoreError> + Send + 'static,
    {
        let db = self.db.clone();
        Ok(web::block(move || {
            let mut conn = db.write()?;
            persistence::transaction(&mut conn, |conn| {
                let value = work(conn, &mut trail)?;
                persistence::audit::append(conn, trail.events())?;
                Ok(value)
            })
        })
        .await??)
    }

    /// Runs storage work that writes on the blocking pool, over the writer connection.
    pub async fn write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, StoreError> + Send + 'static,
    {
        let db = self.db.clone();
        Ok(web::block(move || {
            let mut conn = db.write()?;
            work(&mut conn)
        })
        .await??)
    }
}
