//! What every request shares: the database, the token verifier, the organisation directory.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use actix_web::web;
use domain::ids::OrgId;
use domain::organisation::OrgSlug;
use persistence::{AnyConnection, Db, StoreError};

use crate::auth::Verifier;
use crate::clock;
use crate::http::ApiError;

/// How the server keeps what it keeps for a while.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// How long the answer to a keyed HR sync request is kept for retries: afterwards the same
    /// key is a new request, and the answer (which names people) is gone.
    pub idempotency_ttl: chrono::TimeDelta,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            idempotency_ttl: chrono::TimeDelta::days(7),
        }
    }
}

pub struct AppState {
    pub db: Db,
    pub verifier: Arc<Verifier>,
    pub settings: Settings,
    /// Organisation ids by slug: organisations are never renamed, so once seen, cached.
    orgs: RwLock<HashMap<OrgSlug, OrgId>>,
}

impl AppState {
    pub fn new(db: Db, verifier: Arc<Verifier>, settings: Settings) -> Self {
        Self {
            db,
            verifier,
            settings,
            orgs: RwLock::new(HashMap::new()),
        }
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
