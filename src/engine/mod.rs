//! The transfer engine: downloads, uploads, server-side copies and moves,
//! deletes. It knows nothing of the UI or the terminal: a job is a [`Spec`]
//! run with an [`Env`] (the store, the settings, a lane of the shared
//! [`Scheduler`], shared [`Progress`], a cancel token), so the TUI, the
//! `pail cp`/`pail rm` commands, tests and benchmarks all drive the same
//! code. Cancelling is a request: the engine stops at safe points and
//! cleans up itself (aborts multipart uploads, drops temp files) before
//! [`run`] returns.

mod archive;
pub mod claims;
mod complete;
pub mod conflict;
mod copy;
pub use copy::change_class;
mod delete;
mod download;
mod expand;
pub mod history;
mod item_task;
pub mod journal;
pub mod limit;
pub mod parts;
mod place;
pub mod progress;
mod retry;
pub mod scheduler;
pub mod stream;
pub mod sync;
mod upload;
pub mod uploads;
pub mod verify;

pub use conflict::{Choice, Policy};
pub use progress::{Item, Outcome, Phase, Progress, Question, Refusal, Side, Skip, Snapshot};
pub use scheduler::{Lane, Scheduler};

use crate::store::{Encryption, ObjectSummary, Store};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const MIB: u64 = 1024 * 1024;

/// `[transfers]` in the config file.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Requests in flight across all jobs.
    pub concurrency: usize,
    pub part_size: u64,
    /// Uploads and downloads at least this big go in parallel parts.
    pub multipart_threshold: u64,
    /// Copies above this use UploadPartCopy (CopyObject stops at 5 GiB).
    pub copy_threshold: u64,
    pub conflict: Policy,
    pub verify: bool,
    pub preserve_mtime: bool,
    pub follow_symlinks: bool,
    /// Bytes per second across every job; `None` is unlimited.
    pub bandwidth_limit: Option<u64>,
    /// A body that sends nothing for this long is retried.
    pub stall_timeout: Duration,
    /// Extra attempts for a part or object whose body broke off.
    pub retries: u32,
    /// Send a CRC32 the server checks with every upload.
    pub send_checksums: bool,
    /// How downloads name files for keys with control or bidi characters.
    pub local_names: LocalNames,
    /// Whether download destinations tell `a.txt` from `A.txt`: `None`
    /// probes the folder (macOS and Windows volumes, casefolded folders
    /// do not).
    pub case_insensitive: Option<bool>,
    /// Upload an empty folder as a zero-byte `name/` marker.
    pub folder_markers: bool,
}

/// `[transfers] local_names`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LocalNames {
    /// Written with visible escapes (`evil\x1b[2J.txt`), said in the summary.
    #[default]
    Escape,
    /// Written as the key has them.
    Verbatim,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            concurrency: 32,
            part_size: 8 * MIB,
            multipart_threshold: 16 * MIB,
            copy_threshold: parts::MAX_PART,
            conflict: Policy::Ask,
            verify: true,
            preserve_mtime: true,
            follow_symlinks: false,
            bandwidth_limit: None,
            stall_timeout: Duration::from_secs(30),
            retries: 4,
            send_checksums: true,
            local_names: LocalNames::Escape,
            case_insensitive: None,
            folder_markers: false,
        }
    }
}

/// Options of an upload, chosen in the prompt (defaulting from config).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UploadOptions {
    pub storage_class: Option<String>,
    pub encryption: Encryption,
    /// Upload the one picked file as exactly this key instead of under
    /// the prefix by its own name (`pail cp f.txt s3://b/k.txt`). Only the
    /// picked entry itself is renamed: a picked folder's files keep their
    /// keys under the prefix.
    pub as_key: Option<String>,
}

/// Something picked in S3: an object (with what its listing said) or a
/// prefix (everything under it, at any depth).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum S3Source {
    Object(ObjectSummary),
    Prefix(String),
}

impl S3Source {
    pub fn key(&self) -> &str {
        match self {
            S3Source::Object(o) => &o.key,
            S3Source::Prefix(p) => p,
        }
    }
}

/// A source and where its keys go: a key `K` under it becomes
/// `to + K[from.len()..]` (a destination key, or a path under the local
/// destination for downloads). Pasting `docs/2026/` into `backup/` is
/// `from = "docs/"`, `to = "backup/"`; renaming `a.txt` to `b.txt` is
/// `from = "a.txt"`, `to = "b.txt"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapping {
    pub source: S3Source,
    pub from: String,
    pub to: String,
}

impl Mapping {
    /// The mapping for putting `source` inside `dest_prefix` under its own
    /// name, as a file manager pastes.
    pub fn into_prefix(source: S3Source, dest_prefix: &str) -> Mapping {
        let from = parent_of(source.key()).to_owned();
        Mapping {
            source,
            from,
            to: dest_prefix.to_owned(),
        }
    }

    pub fn target(&self, key: &str) -> Option<String> {
        key.strip_prefix(&self.from)
            .map(|rest| format!("{}{rest}", self.to))
    }
}

/// `docs/2026/` → `docs/`, `docs/a.txt` → `docs/`, `a.txt` → ``.
pub fn parent_of(key: &str) -> &str {
    let trimmed = key.strip_suffix('/').unwrap_or(key);
    match trimmed.rfind('/') {
        Some(i) => &key[..=i],
        None => "",
    }
}

/// One job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Spec {
    Download {
        bucket: String,
        sources: Vec<Mapping>,
        dest: PathBuf,
    },
    Upload {
        paths: Vec<PathBuf>,
        bucket: String,
        prefix: String,
        options: UploadOptions,
    },
    /// Server-side copy, or move when `remove_source` (copy, verify, then
    /// delete the sources whose copy was verified).
    Copy {
        bucket: String,
        sources: Vec<Mapping>,
        dest_bucket: String,
        remove_source: bool,
    },
    /// A plan made from a complete listing (see `plan::plan_delete`).
    Delete {
        bucket: String,
        keys: Vec<(String, u64)>,
    },
    /// A zero-byte `name/` folder marker, as the S3 console makes.
    MakeFolder { bucket: String, key: String },
    /// Changes to version history: restore, undelete, purge, hide (a
    /// rollback is a list of these).
    History {
        bucket: String,
        steps: Vec<history::Step>,
    },
    /// Open multipart uploads aborted: (key, upload id).
    AbortUploads {
        bucket: String,
        uploads: Vec<(String, String)>,
    },
    /// Restore requests for archived objects ((key, size)), from a
    /// restore plan.
    Thaw {
        bucket: String,
        keys: Vec<(String, u64)>,
        days: i32,
        tier: crate::store::archive::Tier,
    },
    /// Objects copied onto themselves in storage class `to`, from a
    /// class plan.
    ChangeClass {
        bucket: String,
        objects: Vec<ObjectSummary>,
        to: String,
    },
    /// A sync plan's rows (see `plan::sync`): transfers, then deletes.
    Sync(Box<sync::Job>),
}

/// What a job runs with.
#[derive(Clone)]
pub struct Env {
    pub store: Arc<dyn Store>,
    pub settings: Arc<Settings>,
    pub lane: Arc<Lane>,
    pub progress: Arc<Progress>,
    pub cancel: CancellationToken,
    pub limiter: Option<Arc<limit::Limiter>>,
    /// The server refused `If-None-Match: *`: writes that must not
    /// replace anything are checked with a HEAD first instead.
    conditional_refused: Arc<std::sync::atomic::AtomicBool>,
    /// Where multipart uploads are noted while open, so a killed pail's
    /// are aborted by the next one; `None` keeps no notes (tests).
    pub journal: Option<Arc<journal::Journal>>,
}

impl Env {
    pub fn new(
        store: Arc<dyn Store>,
        settings: Arc<Settings>,
        scheduler: &Scheduler,
        limiter: Option<Arc<limit::Limiter>>,
    ) -> Env {
        Env {
            store,
            settings,
            lane: Arc::new(scheduler.lane()),
            progress: Arc::new(Progress::new()),
            cancel: CancellationToken::new(),
            limiter,
            conditional_refused: Arc::default(),
            journal: None,
        }
    }

    /// Notes a multipart upload that was just created.
    fn upload_started(&self, bucket: &str, key: &str, upload_id: &str) {
        if let Some(j) = &self.journal {
            j.started(bucket, key, upload_id);
        }
    }

    /// Crosses out a multipart upload that was completed or aborted.
    fn upload_ended(&self, upload_id: &str) {
        if let Some(j) = &self.journal {
            j.ended(upload_id);
        }
    }

    /// How wide a job's listings go: at most half the job's request slots
    /// (its requests take those slots, `Walk::taking_turns`), so the
    /// listing of a prefix leaves room for the transfers it feeds.
    pub fn walk_options(&self) -> crate::walk::WalkOptions {
        crate::walk::WalkOptions {
            width: (self.settings.concurrency / 2).clamp(1, 16),
        }
    }

    fn cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    fn conditional_refused(&self) -> bool {
        self.conditional_refused
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    fn set_conditional_refused(&self) {
        self.conditional_refused
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Waits until the bandwidth limit lets `bytes` go. A cancel ends the
    /// wait at once (a job waiting for many booked parts would otherwise
    /// end only once it had waited for all of them) and gives the unused
    /// booking back to the jobs sharing the limit.
    async fn throttle(&self, bytes: u64) {
        let Some(l) = &self.limiter else {
            return;
        };
        let wait = l.book(bytes, std::time::Instant::now());
        if wait.is_zero() {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = self.cancel.cancelled() => l.refund(bytes),
        }
    }

    /// How an item that did not make it ended: cut short by a cancel is
    /// "cancelled" (as the items the cancel kept from starting), not a
    /// failure the summary would count.
    fn failed(&self, why: impl Into<String>) -> Outcome {
        if self.cancelled() {
            Outcome::Cancelled
        } else {
            Outcome::Failed(why.into())
        }
    }

    /// Waits before a retry; a cancel ends the wait (the caller's next
    /// step sees it and stops).
    async fn pause(&self, d: Duration) {
        tokio::select! {
            _ = tokio::time::sleep(d) => {}
            _ = self.cancel.cancelled() => {}
        }
    }

    /// Waits for the answer to a conflict, `None` if cancelled meanwhile.
    async fn resolve(&self, q: Question) -> Option<Choice> {
        if let Some(c) = self.settings.conflict.fixed() {
            return Some(c);
        }
        if let Some(c) = self.progress.answered() {
            return Some(c);
        }
        tokio::select! {
            c = self.progress.ask(q) => Some(c),
            _ = self.cancel.cancelled() => None,
        }
    }
}

/// Runs `spec` to its end (done, failed or cancelled), cleanup included.
/// Outcomes are in `env.progress`; the final phase says how it ended.
pub async fn run(env: &Env, spec: Spec) {
    env.progress.set_phase(Phase::Running);
    match spec {
        Spec::Download {
            bucket,
            sources,
            dest,
        } => download::run(env, &bucket, sources, &dest).await,
        Spec::Upload {
            paths,
            bucket,
            prefix,
            options,
        } => upload::run(env, paths, &bucket, &prefix, &options).await,
        Spec::Copy {
            bucket,
            sources,
            dest_bucket,
            remove_source,
        } => copy::run(env, &bucket, sources, &dest_bucket, remove_source).await,
        Spec::Delete { bucket, keys } => delete::run(env, &bucket, keys).await,
        Spec::MakeFolder { bucket, key } => upload::make_folder(env, &bucket, &key).await,
        Spec::History { bucket, steps } => history::run(env, &bucket, steps).await,
        Spec::AbortUploads { bucket, uploads } => uploads::run(env, &bucket, uploads).await,
        Spec::Thaw {
            bucket,
            keys,
            days,
            tier,
        } => archive::restore(env, &bucket, keys, days, tier).await,
        Spec::ChangeClass {
            bucket,
            objects,
            to,
        } => archive::change_class(env, &bucket, objects, &to).await,
        Spec::Sync(job) => sync::run(env, *job).await,
    }
    settle(env);
}

/// Sets the final phase from what the items did.
fn settle(env: &Env) {
    let s = env.progress.snapshot();
    env.progress.set_phase(if env.cancelled() {
        Phase::Cancelled
    } else if s.failed > 0 || s.refused > 0 {
        Phase::Failed
    } else {
        Phase::Done
    });
}

/// A failure in words for an item's outcome (server text escaped later).
fn say(e: &crate::store::StoreError) -> String {
    if e.kind == crate::store::ErrorKind::Archived {
        // A 403 that is no permission problem: say what to do instead.
        let uri = match (&e.bucket, &e.key) {
            (Some(b), Some(k)) => format!("s3://{b}/{k}"),
            _ => "s3://bucket/key".into(),
        };
        return format!(
            "archived (GLACIER, DEEP_ARCHIVE or an archive tier): S3 serves it only once \
             restored; request a restore with: pail restore --days 7 {uri}"
        );
    }
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings_paste_under_their_own_name() {
        let m = Mapping::into_prefix(S3Source::Prefix("docs/2026/".into()), "backup/");
        assert_eq!(
            m.target("docs/2026/a/b.txt").as_deref(),
            Some("backup/2026/a/b.txt")
        );
        let o = ObjectSummary {
            restore: None,
            key: "docs/a.txt".into(),
            size: 1,
            modified: None,
            storage_class: None,
            etag: None,
            version_id: None,
        };
        let m = Mapping::into_prefix(S3Source::Object(o), "");
        assert_eq!(m.target("docs/a.txt").as_deref(), Some("a.txt"));
        assert_eq!(parent_of("a.txt"), "");
        assert_eq!(parent_of("x/"), "");
        assert_eq!(parent_of("a/b/"), "a/");
        let r = Mapping {
            source: S3Source::Prefix("a/old/".into()),
            from: "a/old/".into(),
            to: "a/new/".into(),
        };
        assert_eq!(r.target("a/old/x").as_deref(), Some("a/new/x"));
        assert_eq!(r.target("a/older/x"), None);
    }
}
