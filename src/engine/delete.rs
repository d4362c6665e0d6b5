//! Deletes. The plan comes from a complete listing taken before the user
//! is asked: a listing that fails means no plan, so nothing is deleted.
//! Listing `docs/` (with its slash) can never reach `docs-old/`. The run
//! sends DeleteObjects batches of up to 1,000 keys, a few in flight, and
//! reports every key the server refused, by key.

use super::{Env, Outcome, S3Source, say};
use crate::store::{ListRequest, Store, StoreResult};
use futures::StreamExt;
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
                let mut req = ListRequest::recursive(bucket, p, 1000);
                loop {
                    if cancel.is_cancelled() {
                        return Err(crate::store::StoreError::new(
                            crate::store::ErrorKind::Other,
                            "cancelled",
                        ));
                    }
                    let page = store.list_page(&req).await?;
                    for o in page.objects {
                        add(&mut plan, o.key, o.size);
                    }
                    progress(plan.keys.len() as u64);
                    match page.next {
                        Some(t) => req.token = Some(t),
                        None => break,
                    }
                }
            }
        }
    }
    Ok(plan)
}

/// Batches in flight at once.
const BATCHES_IN_FLIGHT: usize = 4;

pub async fn run(env: &Env, bucket: &str, keys: Vec<(String, u64)>) {
    for (_, size) in &keys {
        env.progress.found(*size);
    }
    let batches: Vec<Vec<(String, u64)>> = keys.chunks(1000).map(|c| c.to_vec()).collect();
    futures::stream::iter(batches)
        .map(|batch| batch_once(env, bucket, batch))
        .buffer_unordered(BATCHES_IN_FLIGHT)
        .for_each(|_| async {})
        .await;
}

async fn batch_once(env: &Env, bucket: &str, batch: Vec<(String, u64)>) {
    let _slot = env.lane.slot().await;
    if env.cancelled() {
        for (k, size) in &batch {
            env.progress.finish(k, Outcome::Cancelled, *size);
        }
        return;
    }
    let keys: Vec<String> = batch.iter().map(|(k, _)| k.clone()).collect();
    // A batch that was sent is not interrupted: its answer says which keys
    // went, and cancel takes effect at the next batch.
    match env.store.delete_objects(bucket, &keys).await {
        Ok(failures) => {
            let refused: std::collections::HashMap<&str, String> = failures
                .iter()
                .map(|f| (f.key.as_str(), format!("{}: {}", f.code, f.message)))
                .collect();
            for (k, size) in &batch {
                match refused.get(k.as_str()) {
                    Some(why) => env.progress.finish(k, Outcome::Failed(why.clone()), *size),
                    None => {
                        env.progress.moved(*size);
                        env.progress.finish(
                            k,
                            Outcome::Done {
                                bytes: *size,
                                note: None,
                            },
                            *size,
                        );
                    }
                }
            }
        }
        Err(e) => {
            let why = say(&e);
            for (k, size) in &batch {
                env.progress.finish(k, Outcome::Failed(why.clone()), *size);
            }
        }
    }
}
