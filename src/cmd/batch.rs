//! `pail cp`, `pail mv` and `pail rm`: the transfer engine without the
//! UI, for scripts and for benchmarks that must measure exactly what the
//! TUI runs. This module holds what every batch command shares (settings,
//! the scheduler, signals, output: [`Ctx`] in ctx.rs) and picks the
//! command; copy.rs, rm.rs and uploads.rs plan and run them.

use super::args::{Command, UploadsCommand};
use super::ctx::Ctx;
use super::output::{Mode, Out, USAGE};
use super::signals::Signals;
use crate::engine::journal::{self, Journal};
use crate::engine::{Scheduler, Settings, UploadOptions};
use crate::store::Store;
use std::sync::Arc;

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
        Command::Sync(a) => super::sync::run(&ctx, a).await,
        Command::Uploads { action } => match action {
            UploadsCommand::Ls { target, .. } => super::uploads::ls(&ctx, target).await,
            UploadsCommand::Abort {
                target, ids, yes, ..
            } => super::uploads::abort(&ctx, target, ids, *yes).await,
        },
        Command::Restore {
            target,
            days,
            tier,
            yes,
        } => super::archive::restore(&ctx, target, *days, tier.as_deref(), *yes).await,
        Command::Ls {
            target,
            recursive,
            summarize,
        } => super::ls::run(&ctx, target.as_deref(), *recursive, *summarize).await,
        Command::StorageClass { target, to, yes } => {
            super::archive::storage_class(&ctx, target, to, *yes).await
        }
        // Read-only and needs none of the above: run before this (mod.rs).
        Command::Posture { .. }
        | Command::Presign { .. }
        | Command::CorsCheck { .. }
        | Command::Mb { .. }
        | Command::Rb { .. } => USAGE,
    }
}
