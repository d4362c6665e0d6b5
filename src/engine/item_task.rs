//! Every item of a job (one file, one object) runs on a task of its own,
//! so hashing and writing use every core. The job owns those tasks: it
//! awaits each one, and dropping the job's future aborts them instead of
//! leaving them running detached. A panic inside an item is that item's
//! failure, recorded under its name like any other failure, so a job can
//! never report "done" for an item that died half-way (and a move never
//! deletes the source of an item that did not finish).

use super::{Env, Outcome};
use std::future::Future;

/// Runs `work` (one item, which records its own outcome) on its own task;
/// if it panics, records `name` (raw) as failed, with `size` taken off the
/// job's total.
pub(crate) async fn run_item<F>(env: &Env, name: String, size: u64, work: F)
where
    F: Future<Output = ()> + Send + 'static,
{
    let handle = tokio_util::task::AbortOnDropHandle::new(tokio::spawn(work));
    if let Err(e) = handle.await
        && e.is_panic()
    {
        let why = panic_text(e.into_panic());
        tracing::error!(item = %crate::sanitize::clean(&name), "an item panicked: {why}");
        env.progress.finish(
            &name,
            Outcome::Failed(format!("pail failed inside this item (a bug): {why}")),
            size,
        );
    }
}

fn panic_text(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panicked".into())
}
