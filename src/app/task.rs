//! Background work as data. A [`Job`] says what to do, the [`TaskEvent`]s it
//! reports say what happened, and every running task has an [`Owner`]: the
//! view that asked for it. Replacing, refreshing or leaving that view
//! cancels its tasks, so nothing runs that no view shows, and a late result
//! of a cancelled task is recognised and dropped in one place.

use super::Effect;
use crate::engine::{Item, Question, S3Source, Snapshot, Spec};
use crate::plan::DeletePlan;
use crate::sanitize::clean;
use crate::store::{
    Bucket, BucketInfo, CredentialSource, ListPage, ObjectInfo, ObjectRef, PrefixTotals,
    PresignRequest, Presigned, StoreError, StoreResult, VersionsPage,
};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Identifies one background task from start to its last message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(pub u64);

/// Work the runtime does in the background on our behalf.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Job {
    Identity,
    ListBuckets,
    BucketRegion {
        bucket: String,
    },
    BucketInfo {
        bucket: String,
    },
    /// Lists one tree level (delimiter `/`), every page, until done or cancelled.
    ListPrefix {
        bucket: String,
        prefix: String,
        page_size: i32,
    },
    ObjectInfo {
        bucket: String,
        key: String,
    },
    /// Walks every key under a prefix, reporting running totals.
    CountPrefix {
        bucket: String,
        prefix: String,
        page_size: i32,
    },
    /// A transfer-engine job (download, upload, copy, move, delete...).
    Transfer(Box<Spec>),
    /// Lists everything a delete would remove, before asking.
    PlanDelete {
        bucket: String,
        sources: Vec<S3Source>,
    },
    /// One local folder's entries, for the upload prompt and path completion.
    ReadDir {
        path: PathBuf,
    },
    /// Presigned links, one per request.
    Presign(Vec<PresignRequest>),
    /// Every version and delete marker of exactly `key`, page by page.
    ListVersions {
        bucket: String,
        key: String,
    },
    /// HeadObject (and tags) of one version.
    VersionInfo(ObjectRef),
    /// The deleted keys and prefixes of one tree level (`H`).
    ListDeleted {
        bucket: String,
        prefix: String,
    },
    /// Every version under a prefix (or of one key, `exact`), planned into
    /// an undelete.
    PlanUndelete {
        bucket: String,
        prefix: String,
        exact: bool,
    },
    /// Every version under a prefix, planned into a rollback to `at`.
    PlanRollback {
        bucket: String,
        prefix: String,
        at: i64,
    },
    /// The open multipart uploads under a prefix, with their parts.
    ListOpenUploads {
        bucket: String,
        prefix: String,
    },
}

impl Job {
    pub fn label(&self) -> String {
        match self {
            Job::Identity => "resolving credentials".into(),
            Job::ListBuckets => "listing buckets".into(),
            Job::BucketRegion { bucket } => format!("locating {}", clean(bucket)),
            Job::BucketInfo { bucket } => format!("reading {}", clean(bucket)),
            Job::ListPrefix { bucket, prefix, .. } => {
                format!("listing s3://{}/{}", clean(bucket), clean(prefix))
            }
            Job::ObjectInfo { key, .. } => format!("inspecting {}", clean(key)),
            Job::CountPrefix { bucket, prefix, .. } => {
                format!("counting s3://{}/{}", clean(bucket), clean(prefix))
            }
            Job::Transfer(spec) => super::kind::describe(spec),
            Job::PlanDelete { bucket, .. } => {
                format!("listing what to delete in {}", clean(bucket))
            }
            Job::ReadDir { path } => format!("reading {}", clean(&path.display().to_string())),
            Job::ListVersions { bucket, key } => {
                format!("listing versions of s3://{}/{}", clean(bucket), clean(key))
            }
            Job::VersionInfo(o) => format!("inspecting a version of {}", clean(&o.key)),
            Job::ListDeleted { bucket, prefix } => {
                format!(
                    "listing deleted objects in s3://{}/{}",
                    clean(bucket),
                    clean(prefix)
                )
            }
            Job::PlanUndelete { bucket, prefix, .. } => {
                format!(
                    "planning an undelete of s3://{}/{}",
                    clean(bucket),
                    clean(prefix)
                )
            }
            Job::PlanRollback { bucket, prefix, .. } => {
                format!(
                    "planning a rollback of s3://{}/{}",
                    clean(bucket),
                    clean(prefix)
                )
            }
            Job::ListOpenUploads { bucket, prefix } => format!(
                "listing open uploads of s3://{}/{}",
                clean(bucket),
                clean(prefix)
            ),
            Job::Presign(r) => format!(
                "signing {}",
                crate::format::count(r.len() as u64, "link", "links")
            ),
        }
    }

    /// What the task list keeps of this job.
    pub fn kind(&self) -> JobKind {
        let tag = match self {
            Job::Identity => Tag::Identity,
            Job::ListBuckets => Tag::ListBuckets,
            Job::BucketRegion { .. } => Tag::BucketRegion,
            Job::BucketInfo { .. } => Tag::BucketInfo,
            Job::ListPrefix { .. } => Tag::ListPrefix,
            Job::ObjectInfo { .. } => Tag::ObjectInfo,
            Job::CountPrefix { .. } => Tag::CountPrefix,
            Job::Transfer(_) => Tag::Transfer,
            Job::PlanDelete { .. } => Tag::PlanDelete,
            Job::ReadDir { .. } => Tag::ReadDir,
            Job::Presign(_) => Tag::Presign,
            Job::ListVersions { .. } => Tag::ListVersions,
            Job::VersionInfo(_) => Tag::VersionInfo,
            Job::ListDeleted { .. } => Tag::ListDeleted,
            Job::PlanUndelete { exact, .. } => Tag::PlanUndelete { exact: *exact },
            Job::PlanRollback { .. } => Tag::PlanRollback,
            Job::ListOpenUploads { .. } => Tag::ListOpenUploads,
        };
        JobKind {
            label: self.label(),
            tag,
        }
    }
}

/// What the task list keeps of a running job: its name for the quit
/// question and which kind of job it is, enough to count it and to report
/// its failure. Never the job itself: a transfer's spec can hold a million
/// keys, and the task list has no use for them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobKind {
    pub label: String,
    tag: Tag,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    Identity,
    ListBuckets,
    BucketRegion,
    BucketInfo,
    ListPrefix,
    ObjectInfo,
    CountPrefix,
    Transfer,
    PlanDelete,
    ReadDir,
    Presign,
    ListVersions,
    VersionInfo,
    ListDeleted,
    PlanUndelete { exact: bool },
    PlanRollback,
    ListOpenUploads,
}

impl JobKind {
    /// What kind of work this is, in a word for "2 listings, 1 count".
    pub fn word(&self) -> Option<(&'static str, &'static str)> {
        match self.tag {
            Tag::ListPrefix | Tag::ListBuckets => Some(("listing", "listings")),
            Tag::CountPrefix => Some(("count", "counts")),
            Tag::Transfer => Some(("transfer", "transfers")),
            Tag::PlanDelete => Some(("delete plan", "delete plans")),
            Tag::PlanRollback => Some(("rollback plan", "rollback plans")),
            _ => None,
        }
    }

    /// Whether quitting should ask first while this runs.
    pub fn is_long(&self) -> bool {
        self.word().is_some()
    }

    /// The event that reports `err` as this job's result: a task that died
    /// (a panic) ends through the same path as one that failed, so its
    /// owner shows the failure instead of loading for ever.
    pub fn failure(&self, err: StoreError) -> TaskEvent {
        match self.tag {
            Tag::Identity => TaskEvent::Identity(Err(err)),
            Tag::ListBuckets => TaskEvent::Buckets(Err(err)),
            Tag::BucketRegion => TaskEvent::Region(Err(err)),
            Tag::BucketInfo => TaskEvent::BucketInfo(Err(err)),
            Tag::ListPrefix => TaskEvent::Page(Err(err)),
            Tag::ObjectInfo => TaskEvent::Object(Box::new(Err(err))),
            Tag::CountPrefix => TaskEvent::Totals(Err(err)),
            Tag::Transfer => TaskEvent::Transfer(Box::new(TransferReport {
                crashed: Some(err.to_string()),
                finished: true,
                ..TransferReport::default()
            })),
            Tag::PlanDelete => TaskEvent::DeletePlan(Box::new(Err(err))),
            Tag::ReadDir => TaskEvent::Dir(Err(err.to_string())),
            Tag::Presign => TaskEvent::Presigned(vec![Err(err)]),
            Tag::ListVersions => TaskEvent::Versions(Err(err)),
            Tag::VersionInfo => TaskEvent::VersionInfo(Box::new(Err(err))),
            Tag::PlanRollback => TaskEvent::RollbackPlan(Box::new(Err(err))),
            Tag::ListDeleted => TaskEvent::DeletedLevel(Err(err)),
            Tag::PlanUndelete { exact } => TaskEvent::UndeletePlan(exact, Box::new(Err(err))),
            Tag::ListOpenUploads => TaskEvent::OpenUploads(Err(err)),
        }
    }
}

/// What a running job reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskEvent {
    Identity(StoreResult<CredentialSource>),
    Buckets(StoreResult<Vec<Bucket>>),
    Region(StoreResult<String>),
    BucketInfo(StoreResult<BucketInfo>),
    Page(StoreResult<ListPage>),
    /// Boxed: an ObjectInfo is large and most messages are small.
    Object(Box<StoreResult<ObjectInfo>>),
    Totals(StoreResult<(PrefixTotals, bool)>),
    /// A transfer's progress, sampled a few times a second.
    Transfer(Box<TransferReport>),
    /// Keys listed so far for a delete plan.
    Planning(u64),
    DeletePlan(Box<StoreResult<DeletePlan>>),
    Dir(Result<Vec<LocalEntry>, String>),
    /// Signed links, in the order asked.
    Presigned(Vec<StoreResult<Presigned>>),
    /// A page of the versions panel's listing.
    Versions(StoreResult<VersionsPage>),
    VersionInfo(Box<StoreResult<ObjectInfo>>),
    /// Versions read so far for a rollback plan.
    VersionsListed(u64),
    RollbackPlan(Box<StoreResult<crate::plan::rollback::RollbackPlan>>),
    DeletedLevel(StoreResult<crate::store::DeletedLevel>),
    /// (one key only, the plan).
    UndeletePlan(bool, Box<StoreResult<crate::plan::rollback::RollbackPlan>>),
    /// The open uploads panel's listing.
    OpenUploads(StoreResult<Vec<crate::engine::uploads::OpenRow>>),
}

/// A sample of a transfer job: counters, the items finished since the last
/// sample, the conflict question if one waits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TransferReport {
    pub snapshot: Snapshot,
    pub items: Vec<Item>,
    pub question: Option<Question>,
    /// The last report: the job has ended (its cleanup done).
    pub finished: bool,
    /// The job's task died (a panic): why.
    pub crashed: Option<String>,
    /// With the last report of a job with failures: the first failure the
    /// store saw that a person can act on (denied, clock, endpoint), so a
    /// failed item's detail can explain it as the popups do.
    pub telling: Option<crate::store::StoreError>,
}

/// One entry of a local folder, for the upload prompt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalEntry {
    /// The name as the file system has it (lossy for non-UTF-8 names).
    pub name: String,
    pub dir: bool,
    pub size: u64,
}

/// The view a task works for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Owner {
    /// The session itself (who we are).
    Session,
    /// The bucket list.
    BucketList,
    /// One row of the bucket list (its region or details).
    BucketRow(String),
    /// The browsed bucket's details (region, versioning).
    Bucket,
    /// A folder of the browsed tree, by prefix.
    Folder(String),
    /// The recursive count of a prefix.
    Totals(String),
    /// The inspector's object slot.
    Inspector,
    /// A transfer job of the transfers panel.
    Transfer,
    /// The listing behind a delete preview.
    DeletePlan,
    /// The local folder shown under the upload prompt.
    LocalDir,
    /// The share popup's signing.
    Share,
    /// The versions panel's listing.
    Versions,
    /// The versions panel's details of the selected version.
    VersionInfo,
    /// The listing behind a rollback or undelete preview.
    RollbackPlan,
    /// The deleted entries of a folder of the tree, by prefix.
    Deleted(String),
    /// The open uploads panel's listing.
    Uploads,
}

impl Owner {
    /// Whether this owner lives in the browse view (gone when it is left).
    pub fn in_browse(&self) -> bool {
        matches!(
            self,
            Owner::Bucket
                | Owner::Folder(_)
                | Owner::Totals(_)
                | Owner::Inspector
                | Owner::Deleted(_)
        )
    }

    /// Whether this owner shows something under `prefix` (itself included).
    pub fn under(&self, prefix: &str) -> bool {
        match self {
            Owner::Folder(p) | Owner::Totals(p) | Owner::Deleted(p) => p.starts_with(prefix),
            _ => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    pub kind: JobKind,
    pub owner: Owner,
    /// The user action (key or click number) that started it; 0 for the
    /// start-up and for work the app started on its own.
    pub action: u64,
    /// Cancel was requested; the task may still be cleaning up.
    pub cancelled: bool,
}

/// Every task that has started and not yet ended.
#[derive(Clone, Debug, Default)]
pub struct Tasks {
    running: BTreeMap<TaskId, Task>,
    next: u64,
    /// Numbers the user's actions (keys, clicks); a task remembers the one
    /// that started it, so only an error the user's last action caused
    /// interrupts with a popup.
    pub action: u64,
    /// Set while quitting waits for tasks to clean up.
    pub cleaning_up: Option<usize>,
}

impl Tasks {
    /// Registers `job` for `owner` and returns its id and the effect that
    /// runs it.
    pub fn start(&mut self, owner: Owner, job: Job, action: u64) -> (TaskId, Effect) {
        self.next += 1;
        let id = TaskId(self.next);
        self.running.insert(
            id,
            Task {
                kind: job.kind(),
                owner,
                action,
                cancelled: false,
            },
        );
        (id, Effect::Spawn(id, job))
    }

    /// Cancels every live task whose owner matches.
    pub fn cancel_where(&mut self, mut pred: impl FnMut(&Owner) -> bool) -> Vec<Effect> {
        let mut fx = Vec::new();
        for (id, t) in self.running.iter_mut() {
            if !t.cancelled && pred(&t.owner) {
                t.cancelled = true;
                fx.push(Effect::Cancel(*id));
            }
        }
        fx
    }

    pub fn cancel(&mut self, id: TaskId) -> Option<Effect> {
        let t = self.running.get_mut(&id)?;
        if t.cancelled {
            return None;
        }
        t.cancelled = true;
        Some(Effect::Cancel(id))
    }

    /// A task whose results still matter: started, not ended, not cancelled.
    pub fn live(&self, id: TaskId) -> Option<&Task> {
        self.running.get(&id).filter(|t| !t.cancelled)
    }

    pub fn ended(&mut self, id: TaskId) -> Option<Task> {
        self.running.remove(&id)
    }

    pub fn len(&self) -> usize {
        self.running.len()
    }

    pub fn is_empty(&self) -> bool {
        self.running.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&TaskId, &Task)> {
        self.running.iter()
    }

    /// Live tasks quitting should ask about.
    pub fn long(&self) -> impl Iterator<Item = &Task> {
        self.running
            .values()
            .filter(|t| !t.cancelled && t.kind.is_long())
    }

    /// "2 listings, 1 count": what quitting would stop.
    pub fn long_summary(&self) -> String {
        let mut counts: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
        for t in self.long() {
            if let Some((one, many)) = t.kind.word() {
                counts.entry(one).or_insert((0, many)).0 += 1;
            }
        }
        counts
            .into_iter()
            .map(|(one, (n, many))| format!("{n} {}", if n == 1 { one } else { many }))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
