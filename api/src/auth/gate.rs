//! Refusals of the caller come before complaints about the body. actix-web polls a handler's
//! extractors together and answers the first error that is ready, so a malformed body (ready at
//! once) would otherwise beat a `Caller` still checking an `Acting-For` agreement in the
//! database: a refused processor would learn whether its body was valid. `Caller` opens a gate
//! when it starts and closes it when it finishes; a body extractor that fails waits for it.

use actix_web::{HttpMessage, HttpRequest};
use tokio::sync::oneshot;

/// Held by `Caller` while it authenticates; finishing (or being dropped) opens the gate.
pub struct Authenticating(
    #[expect(dead_code, reason = "held only to be dropped")] oneshot::Sender<()>,
);

/// What a later extractor waits on before answering an error of its own.
struct Gate(oneshot::Receiver<()>);

/// Called by `Caller` as extraction starts, before any later extractor is created.
pub fn start(req: &HttpRequest) -> Authenticating {
    let (done, gate) = oneshot::channel();
    req.extensions_mut().insert(Gate(gate));
    Authenticating(done)
}

/// Waits until the request's authentication, if any started, has finished.
pub fn after_authentication(req: &HttpRequest) -> impl Future<Output = ()> + use<> {
    let gate = req.extensions_mut().remove::<Gate>();
    async move {
        if let Some(Gate(gate)) = gate {
            // An error means the sender was dropped: authentication is over either way.
            let _ = gate.await;
        }
    }
}
