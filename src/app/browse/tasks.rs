//! The tree's background work: what it asks of the store ([`Request`]),
//! what comes back ([`Reply`]), and which of its slots waits for it
//! ([`Slot`], carried by the task's owner). A new kind of work for the tree
//! is a line in each, an arm in the runtime's jobs.rs and one in
//! `Browse::update`.

use crate::sanitize::clean;
use crate::store::{
    BucketInfo, DeletedLevel, ListPage, ObjectInfo, PrefixTotals, StoreError, StoreResult,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// One tree level (delimiter `/`), every page, until done or cancelled.
    List {
        bucket: String,
        prefix: String,
        page_size: i32,
    },
    /// HeadObject (and tags) of the object under the cursor.
    Object { bucket: String, key: String },
    /// Every key under a prefix, reported as running totals (walked:
    /// several listings side by side, src/walk/).
    Count { bucket: String, prefix: String },
    /// The browsed bucket's details (region, versioning).
    Info { bucket: String },
    /// The deleted keys and prefixes of one tree level (`H`).
    Deleted { bucket: String, prefix: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    Page(StoreResult<ListPage>),
    /// Boxed: an ObjectInfo is large and most messages are small.
    Object(Box<StoreResult<ObjectInfo>>),
    /// The count so far, and whether it is complete.
    Totals(StoreResult<(PrefixTotals, bool)>),
    Info(StoreResult<BucketInfo>),
    Deleted(StoreResult<DeletedLevel>),
}

/// Where the tree keeps a task's result.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    /// The bucket's details.
    Bucket,
    /// A folder's listing, by prefix.
    Folder(String),
    /// The recursive count of a prefix.
    Totals(String),
    /// The details of the object under the cursor.
    Inspector,
    /// The deleted entries of a folder, by prefix.
    Deleted(String),
}

impl Request {
    pub fn label(&self) -> String {
        match self {
            Request::List { bucket, prefix, .. } => {
                format!("listing s3://{}/{}", clean(bucket), clean(prefix))
            }
            Request::Object { key, .. } => format!("inspecting {}", clean(key)),
            Request::Count { bucket, prefix, .. } => {
                format!("counting s3://{}/{}", clean(bucket), clean(prefix))
            }
            Request::Info { bucket } => format!("reading {}", clean(bucket)),
            Request::Deleted { bucket, prefix } => format!(
                "listing deleted objects in s3://{}/{}",
                clean(bucket),
                clean(prefix)
            ),
        }
    }
}

impl Slot {
    /// The reply that fills this slot with `err`.
    pub fn failure(&self, err: StoreError) -> Reply {
        match self {
            Slot::Bucket => Reply::Info(Err(err)),
            Slot::Folder(_) => Reply::Page(Err(err)),
            Slot::Totals(_) => Reply::Totals(Err(err)),
            Slot::Inspector => Reply::Object(Box::new(Err(err))),
            Slot::Deleted(_) => Reply::Deleted(Err(err)),
        }
    }

    /// Whether this slot shows something under `prefix` (itself included).
    pub fn under(&self, prefix: &str) -> bool {
        match self {
            Slot::Folder(p) | Slot::Totals(p) | Slot::Deleted(p) => p.starts_with(prefix),
            Slot::Bucket | Slot::Inspector => false,
        }
    }
}
