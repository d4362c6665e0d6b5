//! Deletes, run from a plan (src/plan/delete.rs) made of a complete listing
//! taken before the user was asked. The run sends DeleteObjects batches of
//! up to 1,000 keys, a few in flight, and reports every key the server
//! refused, by key.

use super::{Env, Outcome, say};
use futures::StreamExt;

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
