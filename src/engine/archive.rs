//! Jobs on archived objects and storage classes, run from a plan
//! (plan/archive.rs) made of a complete listing the user saw first:
//! restore requests for GLACIER and DEEP_ARCHIVE objects, and storage
//! class changes (each object copied onto itself in the new class). Both
//! are items like any transfer's, under the job's slots and cancel, so
//! the TUI's transfers panel and the command line report them the same
//! way.

use super::{Env, Outcome, Skip, say};
use crate::store::archive::{Restore, Tier};
use crate::store::{ObjectRef, ObjectSummary};
use futures::StreamExt;

/// Requests in flight at once (each is one small call; the lane's slots
/// bound them further).
const IN_FLIGHT: usize = 16;

/// Asks S3 to restore each of `keys` ((key, size)) for `days` at `tier`.
/// One already under way is skipped, saying so.
pub async fn restore(env: &Env, bucket: &str, keys: Vec<(String, u64)>, days: i32, tier: Tier) {
    // Sizes count as the job's bytes: "the restore of 12 objects (3 GiB)".
    for (_, size) in &keys {
        env.progress.found(*size);
    }
    futures::stream::iter(keys)
        .map(|(key, size)| async move {
            let _slot = env.lane.slot().await;
            if env.cancelled() {
                return env.progress.finish(&key, Outcome::Cancelled, size);
            }
            let obj = ObjectRef::new(bucket, &key);
            let outcome = match env.store.restore_object(&obj, days, tier).await {
                Ok(Restore::Requested) => Outcome::Done {
                    bytes: size,
                    note: None,
                },
                Ok(Restore::AlreadyInProgress) => Outcome::Skipped(Skip::Restoring),
                Err(e) => env.failed(say(&e)),
            };
            if matches!(outcome, Outcome::Done { .. }) {
                env.progress.moved(size);
            }
            env.progress.finish(&key, outcome, size);
        })
        .buffer_unordered(IN_FLIGHT)
        .for_each(|_| async {})
        .await;
}

/// Copies each of `objects` onto itself in class `to`, keeping metadata,
/// content headers and tags ([`super::change_class`]).
pub async fn change_class(env: &Env, bucket: &str, objects: Vec<ObjectSummary>, to: &str) {
    for o in &objects {
        env.progress.found(o.size);
    }
    let concurrency = env.settings.concurrency.max(1);
    futures::stream::iter(objects)
        .map(|o| async move {
            if env.cancelled() {
                return env.progress.finish(&o.key, Outcome::Cancelled, o.size);
            }
            let outcome = match super::change_class(env, bucket, &o, to).await {
                Ok(()) => {
                    env.progress.moved(o.size);
                    Outcome::Done {
                        bytes: o.size,
                        note: None,
                    }
                }
                Err(why) => env.failed(why),
            };
            env.progress.finish(&o.key, outcome, o.size);
        })
        .buffer_unordered(concurrency)
        .for_each(|_| async {})
        .await;
}
