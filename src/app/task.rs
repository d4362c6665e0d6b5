//! Background work as data. A [`Job`] says what to do, the [`TaskEvent`]s it
//! reports say what happened, and every running task has an [`Owner`]: the
//! view that asked for it. Replacing, refreshing or leaving that view
//! cancels its tasks, so nothing runs that no view shows, and a late result
//! of a cancelled task is recognised and dropped in one place.

use super::Effect;
use super::browse::tasks as browse;
use super::buckets::tasks as buckets;
use super::card::tasks as card;
use super::rollback::tasks as rollback;
use super::versions::tasks as versions;
use crate::engine::{Item, Question, S3Source, Snapshot, Spec};
use crate::plan::DeletePlan;
use crate::sanitize::clean;
use crate::store::{
    CredentialSource, PostRequest, PresignRequest, Presigned, PresignedPost, StoreError,
    StoreResult,
};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Identifies one background task from start to its last message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(pub u64);

/// Work the runtime does in the background on our behalf: one variant per
/// feature that asks (its own `Request` enum, in its folder), or the job
/// itself where a feature has only one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Job {
    /// Who the store says we are.
    Identity,
    Buckets(buckets::Request),
    Browse(browse::Request),
    Versions(versions::Request),
    /// The bucket card's reads.
    Card(card::Request),
    Rollback(rollback::Request),
    /// A transfer-engine job (download, upload, copy, move, delete...).
    Transfer(Box<Spec>),
    /// Lists everything a delete would remove, before asking.
    PlanDelete {
        bucket: String,
        sources: Vec<S3Source>,
    },
    /// Lists what a restore or a storage class change would act on.
    PlanArchive {
        bucket: String,
        targets: Vec<String>,
        goal: crate::plan::archive::Goal,
    },
    /// Both sides of a sync listed and compared: its plan.
    PlanSync {
        source: crate::plan::sync::Endpoint,
        dest: crate::plan::sync::Endpoint,
        compare: crate::plan::sync::Compare,
    },
    /// One local folder's entries, for the upload prompt and path completion.
    ReadDir {
        path: PathBuf,
    },
    /// Presigned links, one per request.
    Presign(Vec<PresignRequest>),
    /// A presigned POST form.
    PresignPost(PostRequest),
    /// The facts that explain a denied request.
    WhyDenied(Box<StoreError>),
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
            Job::Buckets(r) => r.label(),
            Job::Browse(r) => r.label(),
            Job::Versions(r) => r.label(),
            Job::Card(r) => r.label(),
            Job::Rollback(r) => r.label(),
            Job::Transfer(spec) => super::kind::describe(spec),
            Job::PlanDelete { bucket, .. } => {
                format!("listing what to delete in {}", clean(bucket))
            }
            Job::PlanArchive { bucket, goal, .. } => match goal {
                crate::plan::archive::Goal::Thaw { .. } => {
                    format!("listing what to restore in {}", clean(bucket))
                }
                crate::plan::archive::Goal::Class { to } => format!(
                    "listing what to change to {} in {}",
                    clean(to),
                    clean(bucket)
                ),
            },
            Job::PlanSync { source, dest, .. } => format!(
                "planning a sync of {} into {}",
                clean(&source.describe()),
                clean(&dest.describe())
            ),
            Job::ReadDir { path } => format!("reading {}", clean(&path.display().to_string())),
            Job::ListOpenUploads { bucket, prefix } => format!(
                "listing open uploads of s3://{}/{}",
                clean(bucket),
                clean(prefix)
            ),
            Job::WhyDenied(e) => format!(
                "reading why {} was denied",
                e.operation.map(clean).unwrap_or_default()
            ),
            Job::PresignPost(r) => format!("signing an upload form for s3://{}", clean(&r.bucket)),
            Job::Presign(r) => format!(
                "signing {}",
                crate::format::count(r.len() as u64, "link", "links")
            ),
        }
    }

    /// What the task list keeps of this job.
    pub fn kind(&self) -> JobKind {
        let word = match self {
            Job::Buckets(buckets::Request::List) | Job::Browse(browse::Request::List { .. }) => {
                Some(("listing", "listings"))
            }
            Job::Browse(browse::Request::Count { .. }) => Some(("count", "counts")),
            Job::Card(card::Request::Create(_)) => Some(("bucket creation", "bucket creations")),
            Job::Card(card::Request::Delete { .. }) => {
                Some(("bucket deletion", "bucket deletions"))
            }
            Job::Card(card::Request::Apply { .. }) => {
                Some(("bucket setting change", "bucket setting changes"))
            }
            Job::Transfer(_) => Some(("transfer", "transfers")),
            Job::PlanDelete { .. } => Some(("delete plan", "delete plans")),
            Job::PlanArchive { .. } | Job::PlanSync { .. } => Some(("plan", "plans")),
            Job::Rollback(rollback::Request::Plan { .. }) => {
                Some(("rollback plan", "rollback plans"))
            }
            _ => None,
        };
        JobKind {
            label: self.label(),
            word,
        }
    }
}

/// What the task list keeps of a running job: its name for the quit
/// question and what kind of long work it is, if it is. Never the job
/// itself: a transfer's spec can hold a million keys, and the task list
/// has no use for them. (How a job fails when its task dies is its
/// owner's business: [`Owner::failure`].)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobKind {
    pub label: String,
    word: Option<(&'static str, &'static str)>,
}

impl JobKind {
    /// What kind of work this is, in a word for "2 listings, 1 count".
    pub fn word(&self) -> Option<(&'static str, &'static str)> {
        self.word
    }

    /// Whether quitting should ask first while this runs.
    pub fn is_long(&self) -> bool {
        self.word.is_some()
    }
}

/// What a running job reports: one variant per feature that asks (its own
/// `Reply` enum), or the result itself where a feature has only one job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskEvent {
    Identity(StoreResult<CredentialSource>),
    Buckets(buckets::Reply),
    Browse(browse::Reply),
    Versions(versions::Reply),
    Card(Box<card::Reply>),
    Rollback(rollback::Reply),
    /// A transfer's progress, sampled a few times a second.
    Transfer(Box<TransferReport>),
    /// Keys listed so far for a delete plan.
    Planning(u64),
    DeletePlan(Box<StoreResult<DeletePlan>>),
    /// What a restore or storage class change would act on.
    ArchivePlan(Box<StoreResult<crate::plan::archive::ArchivePlan>>),
    /// A sync's plan.
    SyncPlan(Box<StoreResult<crate::plan::sync::Plan>>),
    Dir(Result<Vec<LocalEntry>, String>),
    /// Signed links, in the order asked.
    Presigned(Vec<StoreResult<Presigned>>),
    /// A signed POST form.
    PresignedPost(Box<StoreResult<PresignedPost>>),
    /// What explains a denied request.
    WhyDenied(Box<Result<crate::denied::Facts, StoreError>>),
    /// The open uploads panel's listing.
    OpenUploads(StoreResult<Vec<crate::engine::uploads::OpenRow>>),
}

impl TaskEvent {
    /// The store error this report carries for a read of the inspector,
    /// the tree or the bucket card, if it failed.
    pub fn failure(&self) -> Option<&StoreError> {
        match self {
            TaskEvent::Browse(
                browse::Reply::Page(Err(e))
                | browse::Reply::Totals(Err(e))
                | browse::Reply::Info(Err(e))
                | browse::Reply::Deleted(Err(e)),
            ) => Some(e),
            TaskEvent::Browse(browse::Reply::Object(r)) => r.as_ref().as_ref().err(),
            TaskEvent::DeletePlan(r) => r.as_ref().as_ref().err(),
            TaskEvent::ArchivePlan(r) => r.as_ref().as_ref().err(),
            TaskEvent::Card(r) => match r.as_ref() {
                card::Reply::Part { result: Err(e), .. } => Some(e),
                _ => None,
            },
            _ => None,
        }
    }
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

/// Who a task works for, and the slot its result fills: the routing
/// enum of background work. Ending or cancelling a task clears that slot
/// (route.rs `task_ended`), and a task that dies fills it with the failure
/// the slot names ([`Owner::failure`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Owner {
    /// The session itself (who we are).
    Session,
    Buckets(buckets::Slot),
    Browse(browse::Slot),
    Versions(versions::Slot),
    Card(card::Slot),
    Rollback(rollback::Slot),
    /// A transfer job of the transfers panel.
    Transfer,
    /// The listing behind a delete preview.
    DeletePlan,
    /// The listing behind a restore or storage-class question.
    ArchivePlan,
    /// The sync plan view's planning.
    SyncPlan,
    /// The local folder shown under the upload prompt.
    LocalDir,
    /// The share popup's signing.
    Share,
    /// The open uploads panel's listing.
    Uploads,
    /// The why-denied panel's reads.
    Why,
}

impl Owner {
    /// Whether this owner lives in the browse view (gone when it is left).
    pub fn in_browse(&self) -> bool {
        matches!(self, Owner::Browse(_))
    }

    /// Whether this owner shows something under `prefix` (itself included).
    pub fn under(&self, prefix: &str) -> bool {
        matches!(self, Owner::Browse(slot) if slot.under(prefix))
    }

    /// The event that reports `err` as this owner's result: a task that
    /// died (a panic) ends through the same path as one that failed, so
    /// its owner shows the failure instead of loading for ever.
    pub fn failure(&self, err: StoreError) -> TaskEvent {
        match self {
            Owner::Session => TaskEvent::Identity(Err(err)),
            Owner::Buckets(slot) => TaskEvent::Buckets(slot.failure(err)),
            Owner::Browse(slot) => TaskEvent::Browse(slot.failure(err)),
            Owner::Versions(slot) => TaskEvent::Versions(slot.failure(err)),
            Owner::Card(slot) => TaskEvent::Card(Box::new(slot.failure(err))),
            Owner::Rollback(slot) => TaskEvent::Rollback(slot.failure(err)),
            Owner::Transfer => TaskEvent::Transfer(Box::new(TransferReport {
                crashed: Some(err.to_string()),
                finished: true,
                ..TransferReport::default()
            })),
            Owner::DeletePlan => TaskEvent::DeletePlan(Box::new(Err(err))),
            Owner::ArchivePlan => TaskEvent::ArchivePlan(Box::new(Err(err))),
            Owner::SyncPlan => TaskEvent::SyncPlan(Box::new(Err(err))),
            Owner::LocalDir => TaskEvent::Dir(Err(err.to_string())),
            Owner::Share => TaskEvent::Presigned(vec![Err(err)]),
            Owner::Uploads => TaskEvent::OpenUploads(Err(err)),
            Owner::Why => TaskEvent::WhyDenied(Box::new(Err(err))),
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
