//! Browsing one bucket: the tree of its prefixes, the details of the
//! objects the cursor rested on, the counts asked for, the bucket's own
//! details, and whether deleted entries show.
//!
//! Deleted entries (`H`): every listed folder also gets a
//! ListObjectVersions of its level (delimiter `/`), lazily, as folders
//! load: keys whose latest is a delete marker show dimmed as "deleted", and
//! prefixes the versions listing has but the live one lacks (they hold
//! nothing current) show as deleted folders. `U` undeletes them
//! (rollback/undelete.rs).
//!
//! A feature in the shape of the versions panel: its state ([`Browse`]),
//! the messages it understands ([`Msg`]) and `Browse::update` over a `Cx`
//! (update.rs). Opening a bucket, moving the root and leaving replace
//! this state as a whole, so they belong to the screens (screens.rs).

pub mod tasks;
mod update;

pub use tasks::{Reply, Request, Slot};

use super::tree::{FolderState, SortKey, Tree};
use super::{Extent, Load, TaskId};
use crate::sanitize::clean;
use crate::store::{BucketInfo, PrefixTotals};
use std::collections::HashMap;

/// Running or finished recursive totals for a prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Totals {
    pub totals: PrefixTotals,
    /// Counting, counted (`Whole`), stopped (`Partial`) or failed.
    pub state: Load<Extent>,
}

#[derive(Clone, Debug)]
pub struct Browse {
    pub tree: Tree,
    pub objects: HashMap<String, Load<crate::store::ObjectInfo>>,
    pub totals: HashMap<String, Totals>,
    pub info: Option<Load<BucketInfo>>,
    /// A path given without a trailing `/` at start-up: an object to
    /// select, or a prefix to open once the listing says which it is.
    pub target: Option<String>,
    /// `H`: deleted objects and folders show in the tree.
    pub show_deleted: bool,
    /// The folder `R` lists again, until its listing is whole ("Refreshing
    /// x" then turns into what was found).
    pub refreshing: Option<String>,
}

/// What the tree understands.
#[derive(Debug)]
pub enum Msg {
    /// List and open the prefix under the cursor.
    Expand,
    /// Close the prefix under the cursor, or go to its folder's row.
    Collapse,
    /// The order changed (a session preference, kept outside the tree).
    Sort(SortKey, bool),
    /// `R`: list the folder under the cursor again.
    Refresh,
    /// `s`: count every key under the prefix under the cursor.
    Count,
    /// `H`: show or hide deleted objects and folders.
    ToggleDeleted,
    /// The cursor rests: fetch the details of the object under it.
    Inspect,
    /// A job wrote under `prefix` of `bucket`: list it again if shown.
    Changed { bucket: String, prefix: String },
    /// What one of the tree's tasks reported.
    Task(TaskId, Reply),
}

impl Browse {
    /// Task `id`, which filled `slot`, ended: if the slot still waits for
    /// it (a cancel, or a task that ended without a last word), it stops
    /// waiting. A result that came first has already filled it.
    pub fn task_ended(&mut self, slot: &Slot, id: TaskId) {
        match slot {
            Slot::Folder(_) => self.tree.task_ended(id),
            Slot::Inspector => self.objects.retain(|_, l| *l != Load::Loading(id)),
            Slot::Totals(prefix) => {
                if let Some(t) = self.totals.get_mut(prefix)
                    && t.state == Load::Loading(id)
                {
                    t.state = Load::Ready(Extent::Partial);
                }
            }
            Slot::Bucket => {
                if self.info == Some(Load::Loading(id)) {
                    self.info = None;
                }
            }
            // Nothing waits: the entries simply do not show as deleted.
            Slot::Deleted(_) => {}
        }
    }

    pub fn region(&self) -> Option<&str> {
        match &self.info {
            Some(Load::Ready(i)) => Some(&i.region),
            _ => None,
        }
    }
}

/// Status of a folder's listing in words, e.g. "1,000 / loading…".
pub fn folder_progress(state: &FolderState, loaded: usize) -> String {
    let n = crate::format::thousands(loaded as u64);
    match state {
        Load::Loading(_) => format!("{n} / loading…"),
        Load::Ready(Extent::Whole) if loaded == 0 => "empty".into(),
        Load::Ready(Extent::Whole) => n,
        Load::Ready(Extent::Partial) => format!("{n} / stopped"),
        Load::Failed(e) => format!(
            "failed: {}",
            e.code
                .as_deref()
                .map(clean)
                .unwrap_or_else(|| clean(&e.message))
        ),
    }
}

/// The prefix one level above `prefix` ("a/b/" -> "a/", "a/" -> "").
pub fn parent_prefix(prefix: &str) -> String {
    let trimmed = &prefix[..prefix.len().saturating_sub(1)];
    match trimmed.rfind('/') {
        Some(i) => trimmed[..=i].to_owned(),
        None => String::new(),
    }
}

pub(crate) fn display_prefix(prefix: &str) -> String {
    if prefix.is_empty() {
        "bucket root".into()
    } else {
        clean(prefix).into_owned()
    }
}
