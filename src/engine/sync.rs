//! Running a sync plan (src/plan/sync/): exactly its rows, nothing listed
//! again. Each transfer checks that both ends are still what the plan saw:
//! the file's size and mtime before it is read (and after, as every
//! upload), the source object pinned to its ETag, and the destination
//! written only over what the plan expected there (`If-None-Match: *`
//! for a new key, a HEAD and `If-Match` with the planned ETag for a
//! replaced one, the local file's size and mtime for a download). What
//! changed since the plan fails its row with "changed since the plan",
//! and nothing else. Deletes run last, only when every transfer
//! succeeded.

use super::copy::copy_one;
use super::download::fetch_retried;
use super::place::{Cond, exists_now, unquote};
use super::progress::{Refusal, Skip};
use super::retry::Stop;
use super::upload::{Seen, multipart, single};
use super::{Env, Outcome, say};
use crate::local::{Dest, EntryKind, RelPath};
use crate::store::{ErrorKind, GetRequest, ObjectRef, ObjectSummary, PutRequest};
use futures::StreamExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

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
}

/// One delete at the destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gone {
    pub rel: String,
    pub size: u64,
    pub expect: Expect,
}

/// A planned sync, as the engine runs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    pub source: Endpoint,
    pub dest: Endpoint,
    pub steps: Vec<Step>,
    pub deletes: Vec<Gone>,
    /// Local deletes remove the file (there is no trash to move it to).
    pub delete_local: bool,
    /// Why no delete may run (a listing was not complete): each is
    /// reported held back, with this reason.
    pub hold: Option<String>,
    /// A key prefix of the destination bucket: every object a row replaces
    /// or deletes is first copied to it (under its path), and a row whose
    /// copy fails changes nothing.
    pub backup: Option<String>,
}

const CHANGED: &str = "changed since the plan";

pub async fn run(env: &Env, job: Job) {
    let job = Arc::new(job);
    for s in &job.steps {
        env.progress.found(s.size);
    }
    let dest = match &job.dest {
        Endpoint::Local(root) if !job.steps.is_empty() || !job.deletes.is_empty() => {
            match Dest::open(root) {
                Ok(d) => Some(Arc::new(d)),
                Err(e) => {
                    let why = format!("cannot open {}: {e}", root.display());
                    for s in &job.steps {
                        let name = job.source.name_of(&s.from);
                        env.progress
                            .finish(&name, Outcome::Failed(why.clone()), s.size);
                    }
                    hold(env, &job, "the destination could not be opened");
                    return;
                }
            }
        }
        _ => None,
    };
    futures::stream::iter(0..job.steps.len())
        .map(|i| {
            let (env2, job2, dest2) = (env.clone(), job.clone(), dest.clone());
            let step = &job.steps[i];
            let name = job.source.name_of(&step.from);
            let size = step.size;
            async move {
                let work = async move {
                    let step = &job2.steps[i];
                    let name = job2.source.name_of(&step.from);
                    let outcome = if env2.cancelled() {
                        Outcome::Cancelled
                    } else {
                        one(&env2, &job2, dest2.as_deref(), step).await
                    };
                    env2.progress.finish(&name, outcome, step.size);
                };
                super::item_task::run_item(env, name, size, work).await
            }
        })
        .buffer_unordered(env.settings.concurrency.max(1))
        .for_each(|_| async {})
        .await;
    if job.deletes.is_empty() {
        return;
    }
    if let Some(why) = &job.hold {
        return hold(env, &job, why);
    }
    let s = env.progress.snapshot();
    if env.cancelled() || s.failed > 0 || s.refused > 0 || s.cancelled > 0 {
        let n = s.failed + s.refused + s.cancelled;
        let why = format!(
            "not deleted: {} did not complete, so no delete runs",
            crate::format::count(n, "transfer", "transfers")
        );
        return hold(env, &job, &why);
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
                        let r = back_up(&env, &job, &bucket, &key, &g.rel, g.size).await;
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
        }
        (Endpoint::Local(_), Some(dest)) if job.delete_local => {
            for g in &job.deletes {
                env.progress.found(g.size);
                let name = job.dest.name_of(&g.rel);
                let outcome = remove_local(&dest, g).await;
                if matches!(outcome, Outcome::Done { .. }) {
                    env.progress.moved(g.size);
                }
                env.progress.finish(&name, outcome, g.size);
            }
        }
        (Endpoint::Local(_), _) => hold(
            env,
            &job,
            "not deleted: local deletes need --delete-local (pail moves nothing to a trash)",
        ),
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

async fn one(env: &Env, job: &Job, dest: Option<&Dest>, step: &Step) -> Outcome {
    match (&job.source, &job.dest) {
        (Endpoint::Local(root), Endpoint::S3 { bucket, prefix }) => {
            let key = format!("{prefix}{}", step.to);
            upload(env, job, root, bucket, &key, step).await
        }
        (Endpoint::S3 { bucket, prefix }, Endpoint::Local(_)) => match dest {
            Some(dest) => {
                download(env, bucket, &format!("{prefix}{}", step.from), dest, step).await
            }
            None => Outcome::Failed("internal: no destination folder".into()),
        },
        (
            Endpoint::S3 { bucket, prefix },
            Endpoint::S3 {
                bucket: to_bucket,
                prefix: to_prefix,
            },
        ) => {
            // Pinned: a source replaced since the plan fails the row.
            let mut src = ObjectRef::new(bucket, &format!("{prefix}{}", step.from));
            src.etag = step.etag.clone();
            let dst = ObjectRef::new(to_bucket, &format!("{to_prefix}{}", step.to));
            copy(env, job, &src, &dst, step).await
        }
        (Endpoint::Local(_), Endpoint::Local(_)) => {
            Outcome::Failed("a sync has an s3:// side".into())
        }
    }
}

/// The object at `bucket/key` must still carry `etag` (a HEAD): servers
/// that ignore `If-Match` are held to the plan this way.
async fn still_there(
    env: &Env,
    bucket: &str,
    key: &str,
    etag: Option<&str>,
    size: u64,
) -> Result<(), String> {
    let req = GetRequest {
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        ..GetRequest::default()
    };
    let _slot = env.lane.slot().await;
    match env.store.head_object(&req).await {
        Ok(h) if etag.is_none() && h.object_size == size => Ok(()),
        Ok(h) if etag.is_some() && h.etag.as_deref().map(unquote) == etag.map(unquote) => Ok(()),
        Ok(_) => Err(format!(
            "{CHANGED}: the destination object was replaced meanwhile; nothing was written"
        )),
        Err(e) if matches!(e.kind, ErrorKind::NoSuchKey | ErrorKind::NotFound) => Err(format!(
            "{CHANGED}: the destination object was deleted meanwhile; nothing was written"
        )),
        Err(e) => Err(say(&e)),
    }
}

/// With a backup prefix: `key` (at `rel` under the destination) copied
/// to it before a row replaces or deletes it. `Err` ends the row.
async fn back_up(
    env: &Env,
    job: &Job,
    bucket: &str,
    key: &str,
    rel: &str,
    size: u64,
) -> Result<(), Outcome> {
    let Some(prefix) = &job.backup else {
        return Ok(());
    };
    let src = ObjectRef::new(bucket, key);
    let dst = ObjectRef::new(bucket, &format!("{prefix}{rel}"));
    let plain = Cond {
        if_absent: false,
        check_first: false,
    };
    match copy_one(env, &src, &dst, size, None, plain).await {
        Ok(()) => Ok(()),
        Err(Stop::Cancelled) => Err(Outcome::Cancelled),
        Err(Stop::Failed(e)) => Err(env.failed(format!(
            "not backed up to {}, so left as it is: {}",
            crate::sanitize::clean(&dst.key),
            say(&e)
        ))),
    }
}

/// How a write's error ends the row.
fn write_failed(env: &Env, e: Stop, expect: &Expect) -> Outcome {
    match e {
        Stop::Cancelled => Outcome::Cancelled,
        Stop::Failed(e) if exists_now(&e) => env.failed(match expect {
            Expect::Absent => {
                format!("{CHANGED}: another writer took the key; nothing was replaced")
            }
            _ => format!(
                "{CHANGED}: the destination object was replaced meanwhile; nothing was written"
            ),
        }),
        Stop::Failed(e) => env.failed(say(&e)),
    }
}

fn refuses_condition(e: &Stop) -> bool {
    matches!(e, Stop::Failed(e) if super::place::refuses_condition(e))
}

async fn upload(
    env: &Env,
    job: &Job,
    root: &Path,
    bucket: &str,
    key: &str,
    step: &Step,
) -> Outcome {
    let path = root.join(&step.from);
    let p = path.clone();
    let now = tokio::task::spawn_blocking(move || std::fs::symlink_metadata(p)).await;
    match now {
        Ok(Ok(m)) if m.is_file() && m.len() == step.size && m.modified().ok() == step.mtime => {}
        Ok(Ok(m)) if m.is_file() => {
            return Outcome::Failed(format!(
                "{CHANGED}: the file was modified ({} bytes planned, {} now); nothing was written",
                step.size,
                m.len()
            ));
        }
        Ok(Ok(_)) => return Outcome::Failed(format!("{CHANGED}: it is no longer a file")),
        Ok(Err(e)) => return Outcome::Failed(format!("{CHANGED}: {e}")),
        Err(e) => return Outcome::Failed(e.to_string()),
    }
    let if_match = match &step.expect {
        Expect::Object { etag, size } => {
            if let Err(why) = still_there(env, bucket, key, etag.as_deref(), *size).await {
                return env.failed(why);
            }
            if let Err(o) = back_up(env, job, bucket, key, &step.to, *size).await {
                return o;
            }
            etag.clone()
        }
        _ => None,
    };
    let seen = Seen {
        size: step.size,
        mtime: step.mtime,
    };
    let mut req = PutRequest {
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        content_type: Some(
            mime_guess::from_path(&path)
                .first_or_octet_stream()
                .essence_str()
                .to_owned(),
        ),
        metadata: step
            .mtime
            .map(crate::store::mtime::rclone_pair)
            .into_iter()
            .collect(),
        if_match,
        ..PutRequest::default()
    };
    for _ in 0..2 {
        let absent = step.expect == Expect::Absent;
        let cond = Cond {
            if_absent: absent && !env.conditional_refused(),
            check_first: absent && env.conditional_refused(),
        };
        req.if_absent = cond.if_absent;
        let r = if step.size >= env.settings.multipart_threshold {
            multipart(env, &req, &path, seen, cond).await
        } else {
            single(env, &req, &path, seen, cond).await
        };
        match r {
            Ok(()) => {
                return Outcome::Done {
                    bytes: step.size,
                    note: None,
                };
            }
            // A server without conditional writes: checked by HEAD instead
            // (done above for a replaced object).
            Err(e) if refuses_condition(&e) && (req.if_absent || req.if_match.is_some()) => {
                env.set_conditional_refused();
                req.if_match = None;
            }
            Err(e) => return write_failed(env, e, &step.expect),
        }
    }
    Outcome::Failed("the server refused the write's condition twice".into())
}

async fn download(env: &Env, bucket: &str, key: &str, dest: &Dest, step: &Step) -> Outcome {
    let rel = match RelPath::parse(&step.to) {
        Ok(r) => r,
        Err(why) => return Outcome::Refused(Refusal::UnsafeName(why.to_string())),
    };
    let overwrite = match &step.expect {
        // The commit never replaces what appears after this check.
        Expect::Absent => match dest.existing(&rel) {
            Ok(None) => false,
            Ok(Some(_)) => {
                return Outcome::Failed(format!(
                    "{CHANGED}: something appeared at its place; kept as it is"
                ));
            }
            Err(e) => return Outcome::Failed(e.to_string()),
        },
        Expect::File { size, mtime } => match dest.existing(&rel) {
            Ok(Some(e)) if e.kind == EntryKind::File && e.size == *size && e.mtime == *mtime => {
                true
            }
            Ok(_) => {
                return Outcome::Failed(format!(
                    "{CHANGED}: the local file was modified meanwhile; kept as it is"
                ));
            }
            Err(e) => return Outcome::Failed(e.to_string()),
        },
        Expect::Object { .. } => {
            return Outcome::Failed("internal: an object expected locally".into());
        }
    };
    let obj = ObjectSummary {
        key: key.to_owned(),
        size: step.size,
        modified: None,
        storage_class: step.storage_class.clone(),
        etag: step.etag.clone(),
        version_id: None,
        restore: None,
    };
    match fetch_retried(env, bucket, &obj, dest, &rel, overwrite).await {
        Ok(note) => Outcome::Done {
            bytes: step.size,
            note: note.map(|n| format!("not verified: {n}")),
        },
        Err(o) => o,
    }
}

async fn copy(env: &Env, job: &Job, src: &ObjectRef, dst: &ObjectRef, step: &Step) -> Outcome {
    if let Expect::Object { etag, size } = &step.expect {
        if let Err(why) = still_there(env, &dst.bucket, &dst.key, etag.as_deref(), *size).await {
            return env.failed(why);
        }
        if let Err(o) = back_up(env, job, &dst.bucket, &dst.key, &step.to, *size).await {
            return o;
        }
    }
    let absent = step.expect == Expect::Absent;
    let cond = Cond {
        if_absent: absent && !env.conditional_refused(),
        check_first: absent && env.conditional_refused(),
    };
    let class = step.storage_class.as_deref();
    let mut r = copy_one(env, src, dst, step.size, class, cond).await;
    if let Err(e) = &r
        && refuses_condition(e)
        && cond.if_absent
    {
        env.set_conditional_refused();
        let cond = Cond {
            if_absent: false,
            check_first: true,
        };
        r = copy_one(env, src, dst, step.size, class, cond).await;
    }
    match r {
        Ok(()) => {
            env.progress.moved(step.size);
            Outcome::Done {
                bytes: step.size,
                note: None,
            }
        }
        Err(Stop::Failed(e)) if exists_now(&e) => env.failed(format!(
            "{CHANGED}: the source or the destination object changed meanwhile; nothing was written"
        )),
        Err(e) => write_failed(env, e, &step.expect),
    }
}
