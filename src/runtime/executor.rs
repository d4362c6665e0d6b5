//! Runs effects: spawns each task with an id and a cancel token, cancels it
//! on request, copies to the clipboard. Cancelling is a request, cleanup is
//! a duty: a task sees the signal through its [`TaskCtx`], stops at a safe
//! point and undoes what it started (abort a multipart upload, remove a
//! temp file) before its future ends; the executor never drops a task's
//! future to cancel it. A task that panics still ends with a report, so
//! its owner never waits for ever. Quitting cancels everything and waits,
//! bounded, for the tasks to end.

use super::mailbox::Outbox;
use crate::app::{Effect, Job, Msg, TaskId};
use crate::config::ClipboardMode;
use crate::engine::limit::Limiter;
use crate::engine::{Env, Progress, Scheduler, Settings};
use crate::runtime::clipboard::{Route, SystemClipboard};
use crate::store::Store;
use futures::FutureExt;
use futures::future::BoxFuture;
use std::collections::HashMap;
use std::io;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::task_ctx::TaskCtx;

/// A copy the system clipboard refused, to be sent by OSC 52 instead.
pub type Fallback = (String, String);

fn panic_text(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panicked".into())
}

pub struct Executor {
    store: Arc<dyn Store>,
    tx: Outbox,
    tokens: HashMap<TaskId, CancellationToken>,
    tasks: JoinSet<()>,
    clipboard: ClipboardMode,
    system: SystemClipboard,
    fallback: mpsc::Sender<Fallback>,
    /// One request-slot pool for every transfer job, shared fairly.
    scheduler: Scheduler,
    transfer_settings: Arc<Settings>,
    limiter: Option<Arc<Limiter>>,
    /// Running transfers' shared progress, where answers to their
    /// conflict questions are delivered.
    transfers: HashMap<TaskId, Arc<Progress>>,
    /// Where transfers note their open multipart uploads.
    journal: Option<Arc<crate::engine::journal::Journal>>,
}

impl Executor {
    pub fn new(
        store: Arc<dyn Store>,
        tx: Outbox,
        clipboard: ClipboardMode,
        fallback: mpsc::Sender<Fallback>,
    ) -> Self {
        Executor {
            store,
            tx,
            tokens: HashMap::new(),
            tasks: JoinSet::new(),
            clipboard,
            system: SystemClipboard::default(),
            fallback,
            scheduler: Scheduler::new(Settings::default().concurrency),
            transfer_settings: Arc::new(Settings::default()),
            limiter: None,
            transfers: HashMap::new(),
            journal: None,
        }
    }

    /// Notes transfers' open multipart uploads in `journal`.
    pub fn with_journal(mut self, journal: Option<Arc<crate::engine::journal::Journal>>) -> Self {
        self.journal = journal;
        self
    }

    /// Uses `settings` for transfer jobs (request slots, bandwidth limit).
    pub fn with_transfers(mut self, settings: Settings) -> Self {
        self.scheduler = Scheduler::new(settings.concurrency);
        self.limiter = settings.bandwidth_limit.map(|r| Arc::new(Limiter::new(r)));
        self.transfer_settings = Arc::new(settings);
        self
    }

    /// Writes OSC 52 on the UI thread, between frames, so it never
    /// interleaves with drawing.
    pub fn osc52(&self, text: &str, what: &str) {
        let result = crate::runtime::clipboard::write_osc52(&mut io::stdout(), text)
            .map(|_| format!("Copied {what} via OSC 52 (your terminal's clipboard)"))
            .map_err(|e| e.to_string());
        // Never waits on the loop's own mailbox: a task delivers it.
        let tx = self.tx.clone();
        tokio::spawn(async move { tx.send(Msg::Copied(result)).await });
    }

    fn copy(&self, text: String, what: String) {
        match crate::runtime::clipboard::route(self.clipboard) {
            Route::Osc52 => self.osc52(&text, &what),
            Route::System { fallback } => {
                let system = self.system.clone();
                let tx = self.tx.clone();
                let fb = self.fallback.clone();
                tokio::task::spawn_blocking(move || match system.set(&text) {
                    Ok(()) => {
                        let msg = format!("Copied {what} to the system clipboard");
                        tx.blocking_send(Msg::Copied(Ok(msg)));
                    }
                    Err(e) if fallback => {
                        tracing::debug!(error = %e, "system clipboard unavailable, using OSC 52");
                        let _ = fb.blocking_send((text, what));
                    }
                    Err(e) => {
                        tx.blocking_send(Msg::Copied(Err(e)));
                    }
                });
            }
        }
    }

    /// Carries out `effects`; returns what the runtime itself must do.
    pub fn apply(&mut self, effects: Vec<Effect>) -> Vec<Effect> {
        let mut left = Vec::new();
        for e in effects {
            match e {
                Effect::Spawn(id, job) => self.spawn_job(id, job),
                Effect::Cancel(id) => {
                    if let Some(t) = self.tokens.remove(&id) {
                        t.cancel();
                    }
                }
                Effect::Answer(id, choice) => {
                    if let Some(p) = self.transfers.get(&id) {
                        p.answer(choice);
                    }
                }
                Effect::Copy { text, what } => self.copy(text, what),
                Effect::Quit | Effect::Suspend => left.push(e),
            }
        }
        // Reap tasks that ended and forget their tokens.
        while self.tasks.try_join_next().is_some() {}
        self.tokens.retain(|_, t| !t.is_cancelled());
        self.transfers
            .retain(|_, p| !p.phase().finished() || Arc::strong_count(p) > 1);
        left
    }

    fn spawn_job(&mut self, id: TaskId, job: Job) {
        tracing::debug!(task = id.0, job = %job.label(), "start");
        let store = self.store.clone();
        let tx = self.tx.clone();
        if let Job::Transfer(spec) = job {
            let mut env = Env::new(
                store,
                self.transfer_settings.clone(),
                &self.scheduler,
                self.limiter.clone(),
            );
            env.journal = self.journal.clone();
            self.transfers.insert(id, env.progress.clone());
            self.spawn(id, move |ctx| {
                super::run_transfer::run(env, *spec, id, tx, ctx).boxed()
            });
            return;
        }
        self.spawn(id, move |ctx| {
            super::jobs::run_job(store, id, job, tx, ctx).boxed()
        });
    }

    /// Spawns `work` as task `id`: it gets a [`TaskCtx`]; when it ends (or
    /// panics) `TaskEnded` is reported.
    pub fn spawn(&mut self, id: TaskId, work: impl FnOnce(TaskCtx) -> BoxFuture<'static, ()>) {
        let token = CancellationToken::new();
        self.tokens.insert(id, token.clone());
        let fut = work(TaskCtx::new(token.clone()));
        let tx = self.tx.clone();
        self.tasks.spawn(async move {
            let result = AssertUnwindSafe(fut).catch_unwind().await;
            let panic = result.err().map(panic_text);
            if let Some(p) = &panic {
                tracing::error!(task = id.0, panic = %crate::sanitize::clean(p), "task panicked");
            }
            token.cancel();
            tx.send(Msg::TaskEnded(id, panic)).await;
        });
    }

    /// Tasks spawned and not yet finished (cleanups included).
    pub fn running(&mut self) -> usize {
        while self.tasks.try_join_next().is_some() {}
        self.tasks.len()
    }

    /// Cancels every task and waits up to `bound` for their cleanups,
    /// calling `progress(n)` with how many still run, about ten times a
    /// second. Returns how many were left running at the deadline.
    pub async fn shutdown(&mut self, bound: Duration, mut progress: impl FnMut(usize)) -> usize {
        for (_, t) in self.tokens.drain() {
            t.cancel();
        }
        let started = Instant::now();
        let deadline = started + bound;
        loop {
            let n = self.running();
            if n == 0 {
                return 0;
            }
            let now = Instant::now();
            if now >= deadline {
                tracing::warn!(tasks = n, "cleanup did not finish in time");
                self.tasks.abort_all();
                return n;
            }
            // Read-only tasks stop at once; only say "cleaning up" when
            // something really takes time.
            if now >= started + Duration::from_millis(100) {
                progress(n);
            }
            let wait = (deadline - now).min(Duration::from_millis(100));
            let _ = tokio::time::timeout(wait, self.tasks.join_next()).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    struct NoStore;

    #[async_trait::async_trait]
    impl Store for NoStore {
        fn connection(&self) -> crate::store::Connection {
            Default::default()
        }
        async fn credential_source(
            &self,
        ) -> crate::store::StoreResult<crate::store::CredentialSource> {
            panic!("no store here")
        }
        async fn list_buckets(&self) -> crate::store::StoreResult<Vec<crate::store::Bucket>> {
            panic!("no store here")
        }
        async fn bucket_region(&self, _: &str) -> crate::store::StoreResult<String> {
            panic!("no store here")
        }
        async fn bucket_info(
            &self,
            _: &str,
        ) -> crate::store::StoreResult<crate::store::BucketInfo> {
            panic!("no store here")
        }
        async fn list_page(
            &self,
            _: &crate::store::ListRequest,
        ) -> crate::store::StoreResult<crate::store::ListPage> {
            panic!("no store here")
        }
        async fn object_info(
            &self,
            _: &str,
            _: &str,
        ) -> crate::store::StoreResult<crate::store::ObjectInfo> {
            panic!("no store here")
        }
    }

    fn executor() -> (Executor, crate::runtime::mailbox::Inbox) {
        let (tx, rx) = crate::runtime::mailbox::mailbox(16);
        let (fb, _) = mpsc::channel(1);
        (
            Executor::new(Arc::new(NoStore), tx, ClipboardMode::Osc52, fb),
            rx,
        )
    }

    #[tokio::test]
    async fn cancel_lets_the_task_clean_up_to_the_end_and_quit_waits_for_it() {
        let (mut ex, mut rx) = executor();
        let cleaned = Arc::new(AtomicBool::new(false));
        let flag = cleaned.clone();
        ex.spawn(TaskId(1), move |ctx| {
            async move {
                ctx.cancelled().await;
                // Slow, like an AbortMultipartUpload round trip: the
                // future is not dropped at cancel, it ends by itself.
                tokio::time::sleep(Duration::from_millis(300)).await;
                flag.store(true, Ordering::SeqCst);
            }
            .boxed()
        });
        let mut seen = Vec::new();
        let left = ex.shutdown(Duration::from_secs(5), |n| seen.push(n)).await;
        assert_eq!(left, 0);
        assert!(cleaned.load(Ordering::SeqCst), "cleanup ran to the end");
        assert!(seen.contains(&1), "progress reported while waiting");
        assert_eq!(rx.recv().await, Some(Msg::TaskEnded(TaskId(1), None)));
    }

    #[tokio::test]
    async fn a_panicking_task_still_ends_with_the_reason() {
        let (mut ex, mut rx) = executor();
        ex.apply(vec![Effect::Spawn(
            TaskId(7),
            Job::Buckets(crate::app::buckets::Request::List),
        )]);
        match rx.recv().await {
            Some(Msg::TaskEnded(TaskId(7), Some(why))) => assert!(why.contains("no store here")),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[tokio::test]
    async fn shutdown_is_bounded() {
        let (mut ex, _rx) = executor();
        ex.spawn(TaskId(1), |_ctx| {
            // A task that ignores cancel.
            tokio::time::sleep(Duration::from_secs(60)).boxed()
        });
        let started = Instant::now();
        let left = ex.shutdown(Duration::from_millis(200), |_| {}).await;
        assert_eq!(left, 1);
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
