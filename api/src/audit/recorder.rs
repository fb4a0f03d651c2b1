//! Recording what is done to personal data. A write appends its events in its own transaction
//! (`AppState::write_audited`); a read hands its events to the group-commit writer, a thread
//! that commits whatever has queued in one transaction and answers each reader once its
//! events are durable, so reads do not queue on the writer one by one.

use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError, sync_channel};

use chrono::{DateTime, Utc};
use domain::audit::{AuditOperation, RecordKind};
use domain::party::Party;
use persistence::Db;
use persistence::audit::Occurrence;
use tokio::sync::oneshot;

use crate::auth::Principal;
use crate::http::ApiError;

/// What one request did to personal data, gathered as it goes.
pub struct Trail {
    org_id: domain::ids::OrgId,
    actor: Party,
    at: DateTime<Utc>,
    events: Vec<Occurrence>,
}

impl Trail {
    pub fn new(caller: &Principal, at: DateTime<Utc>) -> Trail {
        Trail::acting(caller.org_id, caller.actor().to_owned(), at)
    }

    /// A trail of what `actor` does in `org_id` outside any request (a command of the binary).
    pub fn acting(org_id: domain::ids::OrgId, actor: Party, at: DateTime<Utc>) -> Trail {
        Trail {
            org_id,
            actor,
            at,
            events: Vec::new(),
        }
    }

    /// A trail of one `operation` on one record.
    pub fn single(
        caller: &Principal,
        at: DateTime<Utc>,
        operation: AuditOperation,
        kind: RecordKind,
        id: impl ToString,
        subject: Option<Party>,
    ) -> Trail {
        let mut trail = Trail::new(caller, at);
        trail.record(operation, kind, id, subject);
        trail
    }

    /// Notes that `operation` was done to the record `kind`/`id`, which is about `subject`.
    pub fn record(
        &mut self,
        operation: AuditOperation,
        kind: RecordKind,
        id: impl ToString,
        subject: Option<Party>,
    ) {
        self.events.push(Occurrence {
            org_id: self.org_id,
            at: self.at,
            actor: self.actor.clone(),
            operation,
            record_kind: kind,
            record_id: Some(id.to_string()),
            subject,
        });
    }

    pub fn events(&self) -> &[Occurrence] {
        &self.events
    }

    fn into_events(self) -> Vec<Occurrence> {
        self.events
    }
}

/// Events committed per transaction at most: a longer queue waits for the next one.
const MAX_BATCH: usize = 4096;
/// Requests waiting for the writer at most; past that, reads are refused (503) at once.
const QUEUE: usize = 16_384;

struct Pending {
    events: Vec<Occurrence>,
    done: oneshot::Sender<bool>,
}

/// Where reads send their events. Off, reads are answered unrecorded
/// (`SERVICEDESK_AUDIT_READS=off`).
pub struct ReadRecorder {
    queue: Option<SyncSender<Pending>>,
}

fn unrecorded() -> ApiError {
    ApiError::Unavailable(
        "the read could not be recorded in the audit trail, so it is not answered; try again \
         shortly"
            .into(),
    )
}

impl ReadRecorder {
    /// Starts the group-commit writer over `db`. It ends when the recorder is dropped.
    pub fn start(db: Db) -> ReadRecorder {
        let (queue, pending) = sync_channel(QUEUE);
        let started = std::thread::Builder::new()
            .name("audit-writer".into())
            .spawn(move || drain(&db, &pending));
        if started.is_err() {
            // Every audited read then answers 503: no read goes unrecorded.
            tracing::error!("the audit writer thread could not start");
        }
        ReadRecorder { queue: Some(queue) }
    }

    /// Reads are not recorded.
    pub fn off() -> ReadRecorder {
        ReadRecorder { queue: None }
    }

    pub fn is_on(&self) -> bool {
        self.queue.is_some()
    }

    /// Records the trail's events, answering once they are committed; 503 when they cannot be.
    pub async fn record(&self, trail: Trail) -> Result<(), ApiError> {
        let Some(queue) = &self.queue else {
            return Ok(());
        };
        let events = trail.into_events();
        if events.is_empty() {
            return Ok(());
        }
        let (done, committed) = oneshot::channel();
        match queue.try_send(Pending { events, done }) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                tracing::warn!("audit writer queue full: a read was refused");
                return Err(unrecorded());
            }
            Err(TrySendError::Disconnected(_)) => return Err(unrecorded()),
        }
        match committed.await {
            Ok(true) => Ok(()),
            _ => Err(unrecorded()),
        }
    }
}

/// The writer's loop: waits for one request, takes every other one already queued (up to
/// [`MAX_BATCH`] events), commits them together, and answers them all.
fn drain(db: &Db, pending: &Receiver<Pending>) {
    while let Ok(first) = pending.recv() {
        let mut count = first.events.len();
        let mut batch = vec![first];
        while count < MAX_BATCH {
            match pending.try_recv() {
                Ok(next) => {
                    count += next.events.len();
                    batch.push(next);
                }
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        let committed = commit(db, &mut batch);
        for request in batch {
            let _ = request.done.send(committed);
        }
    }
}

fn commit(db: &Db, batch: &mut [Pending]) -> bool {
    let events: Vec<Occurrence> = batch
        .iter_mut()
        .flat_map(|p| std::mem::take(&mut p.events))
        .collect();
    let result = db.write().and_then(|mut conn| {
        persistence::transaction(&mut conn, |conn| persistence::audit::append(conn, &events))
    });
    match result {
        Ok(()) => true,
        Err(error) => {
            // The error names the fault, never a stored value.
            tracing::warn!(%error, events = events.len(), "read events not recorded");
            false
        }
    }
}
