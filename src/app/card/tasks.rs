//! The bucket card's background work: one read per part of a bucket's
//! settings, who the caller is, and the account's Block Public Access.

use crate::sanitize::clean;
use crate::store::settings::{Part, Setting};
use crate::store::{CallerIdentity, StoreError, StoreResult};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// One part of a bucket's settings.
    Part { bucket: String, part: Part },
    /// STS GetCallerIdentity.
    Identity,
    /// The account's Block Public Access (S3 Control).
    Account { account: String },
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
}

/// Where the card keeps a task's result.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    Part(String, Part),
    Identity,
    Account,
}

impl Request {
    pub fn label(&self) -> String {
        match self {
            Request::Part { bucket, part } => {
                format!("reading {} of {}", part.label(), clean(bucket))
            }
            Request::Identity => "asking who we are".into(),
            Request::Account { .. } => "reading the account's Block Public Access".into(),
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
        }
    }
}
