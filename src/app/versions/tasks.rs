//! The versions panel's background work: what it asks of the store
//! ([`Request`]), what comes back ([`Reply`]), and which of its slots
//! waits for it ([`Slot`], carried by the task's owner).

use crate::sanitize::clean;
use crate::store::{ObjectInfo, ObjectRef, StoreError, StoreResult, VersionsPage};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// Every version and delete marker of exactly `key`, page by page.
    List { bucket: String, key: String },
    /// HeadObject (and tags) of one version.
    Info(ObjectRef),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    Page(StoreResult<VersionsPage>),
    Info(Box<StoreResult<ObjectInfo>>),
}

/// Where the panel keeps a task's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    /// The listing.
    List,
    /// The selected version's details.
    Info,
}

impl Request {
    pub fn label(&self) -> String {
        match self {
            Request::List { bucket, key } => {
                format!("listing versions of s3://{}/{}", clean(bucket), clean(key))
            }
            Request::Info(o) => format!("inspecting a version of {}", clean(&o.key)),
        }
    }
}

impl Slot {
    /// The reply that fills this slot with `err`.
    pub fn failure(&self, err: StoreError) -> Reply {
        match self {
            Slot::List => Reply::Page(Err(err)),
            Slot::Info => Reply::Info(Box::new(Err(err))),
        }
    }
}
