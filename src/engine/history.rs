//! Jobs on a bucket's version history: restore a version (copy it over its
//! key), undelete (remove delete markers), remove a version for good, hide
//! a key behind a new delete marker. The versions panel, `U` in the tree
//! and a rollback all run as one of these, with the same progress, cancel
//! and summary as every transfer. Apart from an explicit permanent delete
//! of a version, nothing here destroys data: it writes new versions and
//! delete markers, or removes markers, so it can be undone the same way.

use super::Env;
use super::progress::Outcome;
use super::retry::retried;
use crate::store::ObjectRef;
use futures::StreamExt;

/// One change to one key's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Copy this version over its key: it becomes the new latest (with its
    /// metadata and tags; UploadPartCopy above the copy threshold).
    Restore {
        key: String,
        version_id: String,
        size: u64,
        storage_class: Option<String>,
    },
    /// Remove delete markers by version id: the newest remaining version
    /// becomes current again.
    Undelete {
        key: String,
        markers: Vec<String>,
        /// Size of the version that becomes current again.
        size: u64,
    },
    /// Remove one version for good (irreversible).
    Purge {
        key: String,
        version_id: String,
        size: u64,
    },
    /// A plain delete on a versioned bucket: a new delete marker hides the
    /// key; every version stays.
    Hide { key: String },
}

impl Step {
    /// Copy version `v` over its key.
    pub fn restore(v: &crate::store::ObjectVersion) -> Step {
        Step::Restore {
            key: v.key.clone(),
            version_id: v.version_id.clone(),
            size: v.size,
            storage_class: v.storage_class.clone(),
        }
    }

    pub fn key(&self) -> &str {
        match self {
            Step::Restore { key, .. }
            | Step::Undelete { key, .. }
            | Step::Purge { key, .. }
            | Step::Hide { key } => key,
        }
    }

    /// Bytes the step moves (copies) — what progress counts.
    pub fn bytes(&self) -> u64 {
        match self {
            Step::Restore { size, .. } | Step::Undelete { size, .. } => *size,
            _ => 0,
        }
    }
}

/// Runs the steps, several at a time; each ends as one item.
pub async fn run(env: &Env, bucket: &str, steps: Vec<Step>) {
    for s in &steps {
        env.progress.found(s.bytes());
    }
    // LastModified counts whole seconds. Writing only from the next second
    // on keeps every version this job makes strictly after the moment it
    // started, so rolling forward to that moment undoes it exactly.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let wait = std::time::Duration::from_millis(1000 - u64::from(now.subsec_millis()) + 5);
    tokio::select! {
        _ = tokio::time::sleep(wait) => {}
        _ = env.cancel.cancelled() => {}
    }
    futures::stream::iter(steps)
        .map(|s| step(env, bucket, s))
        .buffer_unordered(env.settings.concurrency.max(1))
        .for_each(|_| async {})
        .await;
}

async fn step(env: &Env, bucket: &str, s: Step) {
    let key = s.key().to_owned();
    let size = s.bytes();
    let done = |o: Outcome| env.progress.finish(&key, o, size);
    if env.cancelled() {
        return done(Outcome::Cancelled);
    }
    let result = match &s {
        Step::Restore {
            key,
            version_id,
            size,
            storage_class,
        } => {
            let src = ObjectRef {
                bucket: bucket.to_owned(),
                key: key.clone(),
                version_id: Some(version_id.clone()),
                etag: None,
            };
            let dst = ObjectRef::new(bucket, key);
            if *size > env.settings.copy_threshold {
                let cond = super::place::Cond {
                    if_absent: false,
                    check_first: false,
                };
                super::copy::multipart_copy(env, &src, &dst, *size, None, cond)
                    .await
                    .map_err(|e| e.to_string())
            } else {
                let _slot = env.lane.slot().await;
                retried(env, || {
                    env.store
                        .copy_object(&src, &dst, storage_class.as_deref(), false)
                })
                .await
                .map(|_| ())
            }
        }
        Step::Undelete { key, markers, .. } => {
            let items: Vec<_> = markers
                .iter()
                .map(|m| (key.clone(), Some(m.clone())))
                .collect();
            remove(env, bucket, &items).await
        }
        Step::Purge {
            key, version_id, ..
        } => remove(env, bucket, &[(key.clone(), Some(version_id.clone()))]).await,
        Step::Hide { key } => remove(env, bucket, &[(key.clone(), None)]).await,
    };
    match result {
        Ok(()) => {
            env.progress.moved(size);
            done(Outcome::Done {
                bytes: size,
                note: None,
            })
        }
        Err(e) => done(env.failed(e)),
    }
}

/// Deletes exact versions (or puts a marker, for `None`); a refusal comes
/// back in the server's words, by key.
async fn remove(env: &Env, bucket: &str, items: &[(String, Option<String>)]) -> Result<(), String> {
    let _slot = env.lane.slot().await;
    let failures = retried(env, || env.store.delete_versions(bucket, items)).await?;
    match failures.first() {
        None => Ok(()),
        Some(f) => Err(format!("{}: {}", f.code, f.message)),
    }
}
