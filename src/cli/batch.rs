//! `pail cp`, `pail mv` and `pail rm`: the transfer engine without the
//! UI, for scripts and for benchmarks that must measure exactly what the
//! TUI runs. This module holds what every batch command shares (settings,
//! the scheduler, signals, output) and picks the command; copy.rs and
//! rm.rs plan and run them.

use super::args::{Command, UploadsCommand};
use super::output::{Mode, Out, Tally, USAGE};
use super::signals::Signals;
use crate::engine::journal::{self, Journal};
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

/// Runs a batch command against `store`; returns the exit status.
pub async fn run(
    store: Arc<dyn Store>,
    command: &Command,
    settings: Settings,
    upload: UploadOptions,
) -> i32 {
    let out = Out::new(command.output(), store.clone());
    let settings = match command.settings(settings) {
        Ok(s) => s,
        Err(e) => {
            out.error(&e);
            return USAGE;
        }
    };
    let quiet = out.mode == Mode::Quiet;
    let signals = match Signals::install(move |msg| {
        use std::io::{IsTerminal, Write};
        if quiet {
            return;
        }
        let mut err = std::io::stderr();
        if err.is_terminal() {
            // Over the progress line.
            let _ = write!(err, "\r\x1b[K");
        }
        let _ = writeln!(err, "pail: {msg}");
    }) {
        Ok(s) => s,
        Err(e) => {
            out.error(&format!("cannot watch for signals: {e}"));
            return super::output::FAILED;
        }
    };
    let journal = journal::default_path()
        .map(|p| Arc::new(Journal::new(p, &store.connection().endpoint_label())));
    if let Some(j) = &journal {
        // What a pail that was stopped left open on this endpoint.
        let limit = std::time::Duration::from_secs(30);
        let aborted = journal::abort_leftovers(&*store, j, limit).await;
        if let Some(text) = journal::describe(&aborted) {
            out.note(&text);
        }
    }
    let ctx = Ctx {
        sched: Scheduler::new(settings.concurrency),
        settings: Arc::new(settings),
        store,
        upload,
        out,
        signals,
        journal,
    };
    match command {
        Command::Cp { sources, dest, .. } => super::copy::run(&ctx, sources, dest, false).await,
        Command::Mv { sources, dest, .. } => super::copy::run(&ctx, sources, dest, true).await,
        Command::Rm {
            targets,
            yes,
            recursive,
            ..
        } => super::rm::run(&ctx, targets, *yes, *recursive).await,
        Command::Uploads { action } => match action {
            UploadsCommand::Ls { target, .. } => super::uploads::ls(&ctx, target).await,
            UploadsCommand::Abort {
                target, ids, yes, ..
            } => super::uploads::abort(&ctx, target, ids, *yes).await,
        },
    }
}
