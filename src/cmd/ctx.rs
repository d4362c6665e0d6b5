//! What every batch command (`pail cp`, `mv`, `rm`, `uploads`) runs with:
//! the store, settings, the shared scheduler, output, signals and the
//! multipart journal. Its own module so the commands take it without
//! importing the dispatcher that calls them.

use super::output::{Mode, Out, Tally, USAGE};
use super::signals::Signals;
use crate::engine::journal::Journal;
use crate::engine::{self, Env, Scheduler, Settings, UploadOptions};
use crate::store::Store;
use std::sync::Arc;

/// What a batch command runs with.
pub struct Ctx {
    pub store: Arc<dyn Store>,
    pub settings: Arc<Settings>,
    /// Storage class and encryption for uploads ([transfers] in the config).
    pub upload: UploadOptions,
    pub sched: Scheduler,
    pub out: Out,
    pub signals: Signals,
    /// Where jobs note their open multipart uploads.
    pub journal: Option<Arc<Journal>>,
}

impl Ctx {
    /// A job's environment, cancelled by any of the watched signals.
    pub fn env(&self) -> Env {
        let limiter = self
            .settings
            .bandwidth_limit
            .map(|r| Arc::new(engine::limit::Limiter::new(r)));
        let mut env = Env::new(
            self.store.clone(),
            self.settings.clone(),
            &self.sched,
            limiter,
        );
        env.cancel = self.signals.token().child_token();
        env.journal = self.journal.clone();
        env
    }

    /// A usage error: said on stderr, exit 2.
    pub fn usage(&self, msg: &str) -> i32 {
        self.out.error(msg);
        USAGE
    }

    /// The exit status, with the `--json` summary object printed first.
    pub fn finish(&self, verb: &str, tally: &Tally) -> i32 {
        let code = tally.code(self.signals.exit_code());
        if self.out.mode == Mode::Json {
            self.out.stdout_line(&tally.json(verb, code));
        }
        code
    }
}
