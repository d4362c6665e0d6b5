//! What a running task sees of the executor: its cancel signal. Its own
//! module so the jobs the executor runs can take it without importing the
//! executor.
//!
//! Cleanup has one mechanism, and it is not here: work that changes
//! something undoes itself before its future returns (the engine aborts
//! its multipart uploads, `local::Pending` removes its temp file on drop),
//! so a cancelled task is only asked to stop, and the executor waits for
//! its future to end. Nothing is registered to run "afterwards".

use tokio_util::sync::CancellationToken;

/// What a running task sees of the executor: the cancel signal.
#[derive(Clone)]
pub struct TaskCtx {
    token: CancellationToken,
}

impl TaskCtx {
    pub(super) fn new(token: CancellationToken) -> TaskCtx {
        TaskCtx { token }
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

    /// The cancel signal itself, for work that stops on its own (planners,
    /// the transfer engine).
    pub fn token(&self) -> &CancellationToken {
        &self.token
    }
}
