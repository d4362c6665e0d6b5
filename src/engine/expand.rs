//! Sources to objects, lazily: prefixes are walked (src/walk/: several
//! listing requests side by side, keys in order) and each object is handed
//! to the workers as soon as its batch arrives, so the first transfers
//! start while a large listing still streams.

use super::{Env, Mapping, S3Source};
use crate::store::{ErrorKind, ObjectSummary};
use tokio::sync::mpsc;

/// An object found under one of the job's sources.
pub struct Found {
    pub obj: ObjectSummary,
    /// Index of the source's [`Mapping`].
    pub mapping: usize,
}

/// Sends every object of `sources` into `tx`, counting each as found. A
/// listing that fails is recorded as a failed item named by its prefix:
/// what was listed before the failure still goes ahead.
pub async fn expand(env: &Env, bucket: &str, sources: &[Mapping], tx: mpsc::Sender<Found>) {
    env.progress.set_listing(true);
    'sources: for (i, m) in sources.iter().enumerate() {
        match &m.source {
            S3Source::Object(o) => {
                env.progress.found(o.size);
                if tx
                    .send(Found {
                        obj: o.clone(),
                        mapping: i,
                    })
                    .await
                    .is_err()
                {
                    break;
                }
            }
            S3Source::Prefix(p) => {
                let mut walk = crate::walk::Walk::new(&*env.store, bucket, p, env.walk_options())
                    .cancel_on(&env.cancel)
                    .taking_turns(&*env.lane);
                while let Some(batch) = walk.next().await {
                    match batch {
                        Ok(objects) => {
                            for o in objects {
                                env.progress.found(o.size);
                                if tx.send(Found { obj: o, mapping: i }).await.is_err() {
                                    break 'sources;
                                }
                            }
                        }
                        // The job was cancelled: its items say so.
                        Err(e) if e.kind == ErrorKind::Cancelled => break 'sources,
                        Err(e) => {
                            env.progress.found(0);
                            env.progress.finish(
                                p,
                                super::Outcome::Failed(format!("listing failed: {e}")),
                                0,
                            );
                        }
                    }
                }
            }
        }
    }
    env.progress.set_listing(false);
}

/// The receiving end as a stream, for `buffer_unordered`.
pub fn stream(rx: mpsc::Receiver<Found>) -> impl futures::Stream<Item = Found> {
    futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|f| (f, rx)) })
}
