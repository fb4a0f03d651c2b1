//! A response body fed by a blocking task: the task writes into a [`ChannelWriter`], which
//! hands chunks through a bounded channel to the [`BodyChunks`] the response streams. When the
//! client reads slowly the writer waits, so memory stays at a few chunks whatever the size of
//! the body; when the client goes away the writer's next send fails and the task stops.

use std::io::{self, Write};
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::web::Bytes;
use tokio::sync::mpsc;

/// Bytes gathered before a chunk is sent.
const CHUNK: usize = 64 * 1024;
/// Chunks in flight at most.
const IN_FLIGHT: usize = 4;

type Chunk = Result<Bytes, io::Error>;

/// A writer and the body it feeds.
pub fn channel() -> (ChannelWriter, BodyChunks) {
    let (tx, rx) = mpsc::channel(IN_FLIGHT);
    (
        ChannelWriter {
            tx,
            buffer: Vec::with_capacity(CHUNK),
        },
        BodyChunks(rx),
    )
}

/// The blocking side: call only off the async executor (it blocks while the channel is full).
pub struct ChannelWriter {
    tx: mpsc::Sender<Chunk>,
    buffer: Vec<u8>,
}

/// Ends a body with an error, so the client sees it cut short rather than complete.
#[derive(Clone)]
pub struct Failure(mpsc::Sender<Chunk>);

impl Failure {
    pub fn fail(&self) {
        let _ = self
            .0
            .blocking_send(Err(io::Error::other("the bundle stopped part way")));
    }
}

impl ChannelWriter {
    pub fn failure(&self) -> Failure {
        Failure(self.tx.clone())
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK),
        ));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

impl Drop for ChannelWriter {
    fn drop(&mut self) {
        let _ = self.send();
    }
}

/// The async side: the response body.
pub struct BodyChunks(mpsc::Receiver<Chunk>);

impl futures_core::Stream for BodyChunks {
    type Item = Chunk;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Chunk>> {
        self.0.poll_recv(cx)
    }
}
