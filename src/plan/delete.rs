//! What a delete will remove, decided before the user is asked. The plan
//! comes from a complete listing: a listing that fails (or is cancelled)
//! means no plan, so nothing is deleted. Listing `docs/` (with its slash)
//! can never reach `docs-old/`.

use crate::engine::S3Source;
use crate::store::{Store, StoreResult};
use crate::walk::{Walk, WalkOptions};
use std::collections::BTreeSet;
use tokio_util::sync::CancellationToken;

/// Exactly what a delete will remove.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeletePlan {
    pub bucket: String,
    /// (key, size), in listing order, no duplicates.
    pub keys: Vec<(String, u64)>,
    pub bytes: u64,
}

/// Lists every key the sources cover. A prefix covers every key under it
/// (its own folder marker included); an object covers itself only (a
/// folder marker `x/` picked as an object removes just the marker).
pub async fn plan_delete(
    store: &dyn Store,
    bucket: &str,
    sources: &[S3Source],
    cancel: &CancellationToken,
    mut progress: impl FnMut(u64),
) -> StoreResult<DeletePlan> {
    let mut seen = BTreeSet::new();
    let mut plan = DeletePlan {
        bucket: bucket.to_owned(),
        ..DeletePlan::default()
    };
    let mut add = |plan: &mut DeletePlan, key: String, size: u64| {
        if seen.insert(key.clone()) {
            plan.bytes += size;
            plan.keys.push((key, size));
        }
    };
    for s in sources {
        match s {
            S3Source::Object(o) => add(&mut plan, o.key.clone(), o.size),
            S3Source::Prefix(p) => {
                let mut walk =
                    Walk::new(store, bucket, p, WalkOptions::default()).cancel_on(cancel);
                while let Some(batch) = walk.next().await {
                    for o in batch? {
                        add(&mut plan, o.key, o.size);
                    }
                    progress(plan.keys.len() as u64);
                }
            }
        }
    }
    Ok(plan)
}
