//! Group commit for raising tickets. SQLite has one writer, so concurrent creations queue on it
//! one transaction each; here one thread drains every creation waiting and commits them
//! together (each in its own savepoint), so a burst costs one commit instead of one per ticket.
//! PostgreSQL gains the same: one commit, and no queue on the sequence row's lock.

use std::sync::mpsc;

use chrono::{DateTime, Utc};
use domain::ticket::Ticket;
use persistence::tickets::{self, NewTicket};
use persistence::{Db, StoreError};
use tokio::sync::oneshot;

use crate::http::ApiError;

/// The most tickets one commit takes; more wait for the next.
const MAX_BATCH: usize = 256;

struct Job {
    new: NewTicket,
    now: DateTime<Utc>,
    reply: oneshot::Sender<Result<Ticket, StoreError>>,
}

/// Where handlers hand tickets to be raised. The writing thread ends when this is dropped.
pub struct TicketIntake {
    sender: mpsc::Sender<Job>,
}

impl TicketIntake {
    pub fn start(db: Db) -> std::io::Result<TicketIntake> {
        let (sender, receiver) = mpsc::channel();
        std::thread::Builder::new()
            .name("ticket-intake".into())
            .spawn(move || drain(&db, &receiver))?;
        Ok(TicketIntake { sender })
    }

    /// Raises a ticket, waiting (without holding a thread) for the commit that carries it.
    pub async fn create(&self, new: NewTicket, now: DateTime<Utc>) -> Result<Ticket, ApiError> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(Job { new, now, reply })
            .map_err(|_| ApiError::Unavailable("ticket intake stopped".into()))?;
        let stored = answer.await.map_err(|_| ApiError::Internal)?;
        Ok(stored?)
    }
}

fn drain(db: &Db, receiver: &mpsc::Receiver<Job>) {
    while let Ok(first) = receiver.recv() {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let (batch, replies): (Vec<_>, Vec<_>) =
            jobs.into_iter().map(|j| ((j.new, j.now), j.reply)).unzip();
        let results = match db.write() {
            Ok(mut conn) => tickets::create_many(&mut conn, batch),
            Err(error) => {
                let reason = error.to_string();
                replies
                    .iter()
                    .map(|_| Err(StoreError::NotCommitted(reason.clone())))
                    .collect()
            }
        };
        for (reply, result) in replies.into_iter().zip(results) {
            // A caller that went away (client disconnected) no longer needs its answer.
            let _ = reply.send(result);
        }
    }
}
