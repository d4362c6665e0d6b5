//! What a running task sees of the executor: its cancel signal, and the
//! cleanup steps that must run however it ends (abort a multipart upload,
//! remove a temp file). Its own module so the jobs the executor runs can
//! take it without importing the executor.

use futures::FutureExt;
use futures::future::BoxFuture;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use tokio_util::sync::CancellationToken;

/// What a running task sees of the executor: the cancel signal, and where
/// to register cleanup that must run however the task ends.
#[derive(Clone)]
pub struct TaskCtx {
    token: CancellationToken,
    cleanups: Arc<Mutex<Vec<BoxFuture<'static, ()>>>>,
}

impl TaskCtx {
    pub(super) fn new(token: CancellationToken) -> TaskCtx {
        TaskCtx {
            token,
            cleanups: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// A context of its own, for running a job outside the executor
    /// (benchmarks, tests).
    pub fn standalone() -> TaskCtx {
        TaskCtx::new(CancellationToken::new())
    }

    pub fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }

    /// Resolves when the task is asked to stop.
    pub async fn cancelled(&self) {
        self.token.cancelled().await
    }

    /// Registers a step that runs after the task's work ends, finished,
    /// failed, cancelled or panicked; it is not interrupted by cancel.
    /// Steps run in reverse order of registration.
    pub fn on_cleanup(&self, step: BoxFuture<'static, ()>) {
        self.cleanups
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(step);
    }

    pub(super) async fn run_cleanups(&self) {
        let steps: Vec<_> =
            std::mem::take(&mut *self.cleanups.lock().unwrap_or_else(|p| p.into_inner()));
        for step in steps.into_iter().rev() {
            // A panicking cleanup must not skip the others.
            if AssertUnwindSafe(step).catch_unwind().await.is_err() {
                tracing::error!("a cleanup step panicked");
            }
        }
    }
}
