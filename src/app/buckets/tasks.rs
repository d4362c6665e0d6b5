//! The bucket list's background work: what it asks of the store
//! ([`Request`]), what comes back ([`Reply`]), and which of its slots
//! waits for it ([`Slot`], carried by the task's owner).

use crate::sanitize::clean;
use crate::store::{Bucket, BucketInfo, StoreError, StoreResult};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// ListBuckets.
    List,
    /// Where one bucket lives.
    Region { bucket: String },
    /// A row's details, for the inspector.
    Info { bucket: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    Listed(StoreResult<Vec<Bucket>>),
    Region(StoreResult<String>),
    Info(StoreResult<BucketInfo>),
}

/// Where the list keeps a task's result.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    /// The list itself.
    List,
    /// A row's region, by bucket name.
    Region(String),
    /// A row's details, by bucket name.
    Info(String),
}

impl Request {
    pub fn label(&self) -> String {
        match self {
            Request::List => "listing buckets".into(),
            Request::Region { bucket } => format!("locating {}", clean(bucket)),
            Request::Info { bucket } => format!("reading {}", clean(bucket)),
        }
    }
}

impl Slot {
    /// The reply that fills this slot with `err`.
    pub fn failure(&self, err: StoreError) -> Reply {
        match self {
            Slot::List => Reply::Listed(Err(err)),
            Slot::Region(_) => Reply::Region(Err(err)),
            Slot::Info(_) => Reply::Info(Err(err)),
        }
    }
}
