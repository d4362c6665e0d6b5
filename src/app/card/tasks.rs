//! The bucket card's background work: one read per part of a bucket's
//! settings, who the caller is, and the account's Block Public Access.

use crate::bucket::fix::{Change, NotApplied};
use crate::bucket::history::Record;
use crate::bucket::{Checklist, Done};
use crate::sanitize::clean;
use crate::store::settings::{Part, Preflight, PreflightAnswer, Setting};
use crate::store::{CallerIdentity, StoreError, StoreResult};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// One part of a bucket's settings.
    Part { bucket: String, part: Part },
    /// STS GetCallerIdentity.
    Identity,
    /// The account's Block Public Access (S3 Control).
    Account { account: String },
    /// What still holds a bucket, before asking to delete it.
    Contents { bucket: String },
    /// Create a bucket with the checklist.
    Create(Box<Checklist>),
    /// DeleteBucket (asked, typed, and known empty).
    Delete { bucket: String },
    /// One part of a bucket's settings changed (a fix, or an undo of the
    /// record made at `undoes`), if it still reads as previewed.
    Apply {
        change: Box<Change>,
        undoes: Option<i64>,
    },
    /// A browser's CORS preflight to the bucket.
    Preflight {
        bucket: String,
        preflight: Preflight,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    Part {
        bucket: String,
        part: Part,
        result: StoreResult<Option<Setting>>,
    },
    Identity(StoreResult<CallerIdentity>),
    /// `Setting::PublicAccess` when set.
    Account(StoreResult<Option<Setting>>),
    Contents {
        bucket: String,
        held: StoreResult<Option<String>>,
    },
    /// Each step of the checklist as it ended.
    Created {
        bucket: String,
        steps: Vec<Done>,
    },
    Deleted {
        bucket: String,
        result: StoreResult<()>,
    },
    /// A change made (its record, as kept for undo) or not, and why.
    Applied {
        change: Box<Change>,
        result: Result<Box<Record>, Box<NotApplied>>,
        /// Why the record could not be kept in the state dir.
        unkept: Option<String>,
    },
    /// The server's answer to a preflight.
    Preflight {
        bucket: String,
        preflight: Preflight,
        answer: Box<StoreResult<PreflightAnswer>>,
    },
    /// A check, creation or deletion whose task died.
    ChangeFailed {
        bucket: String,
        err: StoreError,
    },
}

/// Where the card keeps a task's result.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    Part(String, Part),
    Identity,
    Account,
    /// A bucket being checked, created or deleted.
    Change(String),
}

impl Request {
    pub fn label(&self) -> String {
        match self {
            Request::Part { bucket, part } => {
                format!("reading {} of {}", part.label(), clean(bucket))
            }
            Request::Identity => "asking who we are".into(),
            Request::Account { .. } => "reading the account's Block Public Access".into(),
            Request::Contents { bucket } => format!("checking s3://{} is empty", clean(bucket)),
            Request::Create(c) => format!("creating s3://{}", clean(&c.bucket)),
            Request::Delete { bucket } => format!("deleting the bucket s3://{}", clean(bucket)),
            Request::Preflight { bucket, preflight } => format!(
                "sending a CORS preflight from {} to s3://{}",
                clean(&preflight.origin),
                clean(bucket)
            ),
            Request::Apply { change, .. } => format!(
                "changing {} of s3://{}",
                change.part.label(),
                clean(&change.bucket)
            ),
        }
    }
}

impl Slot {
    /// The reply that fills this slot with `err`.
    pub fn failure(&self, err: StoreError) -> Reply {
        match self {
            Slot::Part(bucket, part) => Reply::Part {
                bucket: bucket.clone(),
                part: *part,
                result: Err(err),
            },
            Slot::Identity => Reply::Identity(Err(err)),
            Slot::Account => Reply::Account(Err(err)),
            Slot::Change(bucket) => Reply::ChangeFailed {
                bucket: bucket.clone(),
                err,
            },
        }
    }
}
