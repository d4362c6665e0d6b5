//! Running a sync plan (src/plan/sync/): exactly its rows, nothing listed
//! again. Each transfer checks that both ends are still what the plan saw:
//! the file's size and mtime before it is read (and after, as every
//! upload), the source object pinned to its ETag, and the destination
//! written only over what the plan expected there (`If-None-Match: *`
//! for a new key, a HEAD and `If-Match` with the planned ETag for a
//! replaced one, the local file's size and mtime for a download). What
//! changed since the plan fails its row with "changed since the plan",
//! and nothing else. Deletes run last, only when every transfer
//! succeeded. Afterwards the sync's record (record.rs) says what both
//! sides were left as; write.rs holds the transfers themselves.

pub mod record;
mod write;

use super::progress::{Refusal, Skip};
use super::{Env, Outcome};
use crate::local::{Dest, RelPath};
use futures::StreamExt;
use record::{Book, Print, Synced};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;
use write::{back_up, one};

/// A side of a sync.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Local(PathBuf),
    /// A prefix: empty, or ending in `/` (a sync of `docs` is a sync of
    /// `docs/`, never of `docs-old/`).
    S3 {
        bucket: String,
        prefix: String,
    },
}

impl Endpoint {
    /// `s3://bucket/prefix` as typed becomes a folder-like prefix.
    pub fn s3(bucket: &str, prefix: &str) -> Endpoint {
        let prefix = if prefix.is_empty() || prefix.ends_with('/') {
            prefix.to_owned()
        } else {
            format!("{prefix}/")
        };
        Endpoint::S3 {
            bucket: bucket.to_owned(),
            prefix,
        }
    }

    pub fn is_local(&self) -> bool {
        matches!(self, Endpoint::Local(_))
    }

    /// Two prefixes of one bucket, one inside the other: a sync between
    /// them would sync into itself.
    pub fn overlaps(&self, other: &Endpoint) -> bool {
        match (self, other) {
            (
                Endpoint::S3 { bucket, prefix },
                Endpoint::S3 {
                    bucket: b2,
                    prefix: p2,
                },
            ) => {
                bucket == b2 && (prefix.starts_with(p2.as_str()) || p2.starts_with(prefix.as_str()))
            }
            _ => false,
        }
    }

    /// The raw name of the root (escape it to show it).
    pub fn describe(&self) -> String {
        match self {
            Endpoint::Local(p) => p.display().to_string(),
            Endpoint::S3 { bucket, prefix } => format!("s3://{bucket}/{prefix}"),
        }
    }

    /// The raw name of `rel` under the root.
    pub fn name_of(&self, rel: &str) -> String {
        match self {
            Endpoint::Local(p) => p.join(rel).display().to_string(),
            Endpoint::S3 { bucket, prefix } => format!("s3://{bucket}/{prefix}{rel}"),
        }
    }
}

/// What the plan saw at a destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    Absent,
    /// Its ETag where the listing had one (s3s-fs lists none: then the
    /// size is all there is to hold it to).
    Object {
        etag: Option<String>,
        size: u64,
    },
    File {
        size: u64,
        mtime: Option<SystemTime>,
    },
}

/// One transfer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Under the source root.
    pub from: String,
    /// Under the destination root.
    pub to: String,
    pub size: u64,
    /// The source object's ETag (pins the download or copy).
    pub etag: Option<String>,
    /// The source file's mtime as planned.
    pub mtime: Option<SystemTime>,
    pub storage_class: Option<String>,
    pub expect: Expect,
    /// The source's fingerprint as planned (for the record).
    pub print: Option<Print>,
}

/// One delete at the destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gone {
    pub rel: String,
    pub size: u64,
    pub expect: Expect,
}

/// What a sync's delete of a local file does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LocalDelete {
    /// Nothing: each is reported held back.
    #[default]
    Hold,
    /// Moved to the platform trash (local/trash.rs).
    Trash,
    /// Deleted for good (`--delete-local` where there is no trash).
    Remove,
}

/// A planned sync, as the engine runs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    pub source: Endpoint,
    pub dest: Endpoint,
    pub steps: Vec<Step>,
    /// Conflicts settled for the destination: sent back to the source
    /// (`from` under the destination, `to` under the source).
    pub back: Vec<Step>,
    pub deletes: Vec<Gone>,
    /// What a delete of a local file does.
    pub local_deletes: LocalDelete,
    /// Why no delete may run (a listing was not complete): each is
    /// reported held back, with this reason.
    pub hold: Option<String>,
    /// A key prefix of the destination bucket: every object a row replaces
    /// or deletes is first copied to it (under its path), and a row whose
    /// copy fails changes nothing.
    pub backup: Option<String>,
    /// The record of the last sync, as the plan leaves it (what was
    /// already the same refreshed): the run adds what it sent and writes
    /// it.
    pub record: Option<Book>,
}

impl Job {
    /// The record's name of a step's path: the key under the prefix
    /// (a download's local name may be escaped).
    fn key_of<'a>(from: &Endpoint, step: &'a Step) -> &'a str {
        if from.is_local() {
            &step.to
        } else {
            &step.from
        }
    }
}

const CHANGED: &str = "changed since the plan";

pub async fn run(env: &Env, job: Job) {
    let job = Arc::new(job);
    let Some(sent) = transfers(env, &job).await else {
        return;
    };
    let deleted = deletes(env, &job).await;
    if let Some(book) = &job.record {
        let mut book = book.clone();
        for (i, back, print) in sent {
            let step = if back { &job.back[i] } else { &job.steps[i] };
            let from = if back { &job.dest } else { &job.source };
            let key = Job::key_of(from, step).to_owned();
            let Some(planned) = step.print.clone() else {
                book.paths.remove(&key);
                continue;
            };
            let s = if back {
                Synced {
                    source: print,
                    dest: planned,
                }
            } else {
                Synced {
                    source: planned,
                    dest: print,
                }
            };
            book.paths.insert(key, s);
        }
        if deleted {
            for g in &job.deletes {
                book.paths.remove(&g.rel);
            }
        }
        let (source, dest) = (job.source.clone(), job.dest.clone());
        let saved = tokio::task::spawn_blocking(move || book.save(&source, &dest)).await;
        if let Ok(Err(e)) = saved {
            tracing::warn!(error = %e, "the sync's record could not be written");
        }
    }
}

/// The transfers, both ways; each one done with the fingerprint it left
/// at its destination (index, sent back, print). `None` when the local
/// side could not be opened.
async fn transfers(env: &Env, job: &Arc<Job>) -> Option<Vec<(usize, bool, Print)>> {
    for s in job.steps.iter().chain(&job.back) {
        env.progress.found(s.size);
    }
    let open = |root: &PathBuf, steps: &[Step]| -> Result<Option<Arc<Dest>>, String> {
        if steps.is_empty() && job.deletes.is_empty() {
            return Ok(None);
        }
        Dest::open(root)
            .map(|d| Some(Arc::new(d)))
            .map_err(|e| format!("cannot open {}: {e}", root.display()))
    };
    let folders = (
        match &job.dest {
            Endpoint::Local(root) => open(root, &job.steps),
            _ => Ok(None),
        },
        match &job.source {
            Endpoint::Local(root) if !job.back.is_empty() => open(root, &job.back),
            _ => Ok(None),
        },
    );
    let (dest, source) = match folders {
        (Ok(d), Ok(s)) => (d, s),
        (Err(why), _) | (_, Err(why)) => {
            for s in &job.steps {
                let name = job.source.name_of(&s.from);
                env.progress
                    .finish(&name, Outcome::Failed(why.clone()), s.size);
            }
            for s in &job.back {
                let name = job.dest.name_of(&s.from);
                env.progress
                    .finish(&name, Outcome::Failed(why.clone()), s.size);
            }
            hold(env, job, "the destination could not be opened");
            return None;
        }
    };
    let sent: Arc<Mutex<Vec<(usize, bool, Print)>>> = Arc::default();
    let n = job.steps.len();
    futures::stream::iter(0..n + job.back.len())
        .map(|i| {
            let (env2, job2, sent2) = (env.clone(), job.clone(), sent.clone());
            let (back, idx) = if i < n { (false, i) } else { (true, i - n) };
            let folder = if back { source.clone() } else { dest.clone() };
            let (from, steps) = if back {
                (&job.dest, &job.back)
            } else {
                (&job.source, &job.steps)
            };
            let name = from.name_of(&steps[idx].from);
            let size = steps[idx].size;
            async move {
                let work = async move {
                    let (from, to, steps) = if back {
                        (&job2.dest, &job2.source, &job2.back)
                    } else {
                        (&job2.source, &job2.dest, &job2.steps)
                    };
                    let step = &steps[idx];
                    let name = from.name_of(&step.from);
                    let backup = if back { None } else { job2.backup.as_deref() };
                    let (outcome, print) = if env2.cancelled() {
                        (Outcome::Cancelled, None)
                    } else {
                        one(&env2, from, to, folder.as_deref(), backup, step).await
                    };
                    if let (Outcome::Done { .. }, Some(p)) = (&outcome, print)
                        && let Ok(mut v) = sent2.lock()
                    {
                        v.push((idx, back, p));
                    }
                    env2.progress.finish(&name, outcome, step.size);
                };
                super::item_task::run_item(env, name, size, work).await
            }
        })
        .buffer_unordered(env.settings.concurrency.max(1))
        .for_each(|_| async {})
        .await;
    let sent = sent.lock().map(|v| v.clone()).unwrap_or_default();
    Some(sent)
}

/// The deletes, after the transfers; whether they ran (were not held).
async fn deletes(env: &Env, job: &Arc<Job>) -> bool {
    let dest = match &job.dest {
        Endpoint::Local(root) if !job.deletes.is_empty() => Dest::open(root).ok().map(Arc::new),
        _ => None,
    };
    if job.deletes.is_empty() {
        return false;
    }
    if let Some(why) = &job.hold {
        hold(env, job, why);
        return false;
    }
    let s = env.progress.snapshot();
    if env.cancelled() || s.failed > 0 || s.refused > 0 || s.cancelled > 0 {
        let n = s.failed + s.refused + s.cancelled;
        let why = format!(
            "not deleted: {} did not complete, so no delete runs",
            crate::format::count(n, "transfer", "transfers")
        );
        hold(env, job, &why);
        return false;
    }
    match (&job.dest, dest) {
        (Endpoint::S3 { bucket, prefix }, _) => {
            let mut keys = Vec::with_capacity(job.deletes.len());
            // Owned per item: a borrowing closure here makes the job's
            // future not Send for the executor.
            let backups: Vec<_> = (0..job.deletes.len())
                .map(|i| {
                    let (env, job) = (env.clone(), job.clone());
                    let (bucket, key) = (bucket.clone(), format!("{prefix}{}", job.deletes[i].rel));
                    async move {
                        let g = &job.deletes[i];
                        let r = back_up(&env, job.backup.as_deref(), &bucket, &key, &g.rel, g.size)
                            .await;
                        (g.size, key, r)
                    }
                })
                .collect();
            let backed: Vec<_> = futures::stream::iter(backups)
                .buffer_unordered(env.settings.concurrency.max(1))
                .collect()
                .await;
            for (size, key, r) in backed {
                match r {
                    Ok(()) => keys.push((key, size)),
                    Err(o) => {
                        env.progress.found(size);
                        env.progress.finish(&key, o, size);
                    }
                }
            }
            super::delete::run(env, bucket, keys).await;
            true
        }
        (Endpoint::Local(root), Some(dest)) if job.local_deletes != LocalDelete::Hold => {
            let trash = job.local_deletes == LocalDelete::Trash;
            for g in &job.deletes {
                env.progress.found(g.size);
                let name = job.dest.name_of(&g.rel);
                let outcome = if trash {
                    trash_local(&dest, root, g).await
                } else {
                    remove_local(&dest, g).await
                };
                if matches!(outcome, Outcome::Done { .. }) {
                    env.progress.moved(g.size);
                }
                env.progress.finish(&name, outcome, g.size);
            }
            true
        }
        (Endpoint::Local(_), _) => {
            hold(
                env,
                job,
                "not deleted: there is no trash here, and local deletes need --delete-local",
            );
            false
        }
    }
}

/// Every delete reported as held back, and why.
fn hold(env: &Env, job: &Job, why: &str) {
    for g in &job.deletes {
        env.progress.found(g.size);
        let name = job.dest.name_of(&g.rel);
        env.progress
            .finish(&name, Outcome::Skipped(Skip::Held(why.to_owned())), g.size);
    }
}

/// Into the trash, if the file is still what the plan saw (looked at
/// without following symlinks).
async fn trash_local(dest: &Arc<Dest>, root: &std::path::Path, g: &Gone) -> Outcome {
    let rel = match RelPath::parse(&g.rel) {
        Ok(r) => r,
        Err(why) => return Outcome::Refused(Refusal::UnsafeName(why.to_string())),
    };
    let (dest, expect, path) = (dest.clone(), g.expect.clone(), root.join(&g.rel));
    let root = root.to_owned();
    let moved = tokio::task::spawn_blocking(move || match dest.existing(&rel) {
        Ok(Some(e)) if e.kind == crate::local::EntryKind::File
            && matches!(&expect, Expect::File { size, mtime } if e.size == *size && e.mtime == *mtime) =>
        {
            crate::local::trash::put(&root, &path).map(|()| true)
        }
        Ok(_) => Ok(false),
        Err(e) => Err(e),
    })
    .await;
    match moved {
        Ok(Ok(true)) => Outcome::Done {
            bytes: g.size,
            note: Some("moved to the trash".into()),
        },
        Ok(Ok(false)) => {
            Outcome::Failed(format!("{CHANGED}: the file is not what was planned; kept"))
        }
        Ok(Err(e)) => Outcome::Failed(format!("cannot move it to the trash: {e}")),
        Err(e) => Outcome::Failed(format!("cannot move it to the trash: {e}")),
    }
}

async fn remove_local(dest: &Arc<Dest>, g: &Gone) -> Outcome {
    let rel = match RelPath::parse(&g.rel) {
        Ok(r) => r,
        Err(why) => return Outcome::Refused(Refusal::UnsafeName(why.to_string())),
    };
    let (dest, expect) = (dest.clone(), g.expect.clone());
    let removed = tokio::task::spawn_blocking(move || {
        dest.remove_if(&rel, |e| match &expect {
            Expect::File { size, mtime } => e.size == *size && e.mtime == *mtime,
            _ => false,
        })
    })
    .await;
    match removed {
        Ok(Ok(true)) => Outcome::Done {
            bytes: g.size,
            note: None,
        },
        Ok(Ok(false)) => {
            Outcome::Failed(format!("{CHANGED}: the file is not what was planned; kept"))
        }
        Ok(Err(e)) => Outcome::Failed(format!("cannot delete: {e}")),
        Err(e) => Outcome::Failed(format!("cannot delete: {e}")),
    }
}
