//! Runs a transfer-engine job as a task: ties the task's cancel signal to
//! the engine's, and samples the engine's progress four times a second
//! into one report message (never a message per chunk). The engine is
//! never dropped mid-way: it is asked to stop and returns once it has
//! cleaned up (multipart uploads aborted, temp files gone).

use super::mailbox::Outbox;
use super::task_ctx::TaskCtx;
use crate::app::task::TransferReport;
use crate::app::{TaskEvent, TaskId};
use crate::engine::{self, Env, Spec};
use std::time::Duration;

pub const REPORT_EVERY: Duration = Duration::from_millis(250);

fn report(env: &Env, finished: bool) -> TransferReport {
    let snapshot = env.progress.snapshot();
    let telling = if finished && snapshot.failed > 0 {
        env.store.take_telling_error()
    } else {
        None
    };
    TransferReport {
        snapshot,
        items: env.progress.drain_items(),
        question: env.progress.question(),
        finished,
        crashed: None,
        telling,
    }
}

pub async fn run(env: Env, spec: Spec, id: TaskId, tx: Outbox, ctx: TaskCtx) {
    // Each sample supersedes the last unread one (mailbox.rs).
    let send = |r: TransferReport| tx.report(id, TaskEvent::Transfer(Box::new(r)));
    let work = engine::run(&env, spec);
    tokio::pin!(work);
    let mut tick = tokio::time::interval(REPORT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = &mut work => break,
            _ = ctx.cancelled(), if !env.cancel.is_cancelled() => env.cancel.cancel(),
            _ = tick.tick() => send(report(&env, false)),
        }
    }
    send(report(&env, true));
}
