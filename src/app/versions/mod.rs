//! The versions panel (`v` on an object): every version and delete marker
//! of exactly that key, newest first, loaded only when asked and shown from
//! the first page on; the selected version's details beside them (HeadObject
//! with its version id). From here a version is downloaded, shared,
//! restored (copied over the key as the new latest), removed for good
//! (typed confirmation) or, when the key is deleted, undeleted. What the
//! bucket reports decides what is offered: a bucket that never had
//! versioning has only the current object; a Suspended one is warned about
//! before a restore replaces its `null` version.
//!
//! The panel is a feature in the shape every room of `src/app/` grows
//! into: its state ([`Panel`]), the messages it understands ([`Msg`]), and
//! `Panel::update(&mut self, &mut Cx, Msg) -> Outcome` (update.rs), which
//! touches nothing outside the panel: what it wants elsewhere (the download
//! prompt, the share popup, a question, a job) leaves as a note.

pub mod tasks;
mod update;

pub use tasks::{Reply, Request, Slot};

pub use update::TYPED_ID_CHARS;

use super::cx::Cx;
pub use super::cx::Outcome;
use super::{Extent, Job, Load, Owner, TaskId};
use crate::keymap::Action;
use crate::store::{ObjectInfo, ObjectVersion, Versioning};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Panel {
    pub bucket: String,
    pub key: String,
    /// Exactly this key's versions and markers, newest first.
    pub rows: Vec<ObjectVersion>,
    /// The listing: pages still coming, all of them, or failed.
    pub listing: Load<Extent>,
    pub cursor: usize,
    /// The bucket's versioning status when known.
    pub versioning: Option<Versioning>,
    /// Details of the selected version.
    pub info: Option<(String, Load<Box<ObjectInfo>>)>,
}

impl Panel {
    pub fn selected(&self) -> Option<&ObjectVersion> {
        self.rows.get(self.cursor)
    }

    pub fn never_versioned(&self) -> bool {
        self.versioning == Some(Versioning::NeverEnabled)
    }

    pub fn suspended(&self) -> bool {
        self.versioning == Some(Versioning::Suspended)
    }

    /// The key is deleted: its latest is a delete marker.
    pub fn deleted(&self) -> bool {
        self.rows.first().is_some_and(|v| v.delete_marker)
    }

    /// The delete markers above the newest version: removing them all makes
    /// that version current again.
    pub fn markers_on_top(&self) -> Vec<String> {
        self.rows
            .iter()
            .take_while(|v| v.delete_marker)
            .map(|v| v.version_id.clone())
            .collect()
    }

    fn loaded_info(&self, version: &str) -> Option<&ObjectInfo> {
        match &self.info {
            Some((v, Load::Ready(i))) if v == version => Some(i),
            _ => None,
        }
    }
}

/// What the panel understands.
#[derive(Debug)]
pub enum Msg {
    /// A key, as the keymap's versions context reads it.
    Key(Option<Action>),
    /// What one of the panel's tasks reported: a page of the listing, the
    /// details of the selected version.
    Task(TaskId, Reply),
    /// A job wrote under `prefix` of `bucket`: reload if it is this key.
    Changed { bucket: String, prefix: String },
}

/// The owners of the panel's tasks: closing it cancels them.
pub fn owns(o: &Owner) -> bool {
    matches!(o, Owner::Versions(_))
}

impl Panel {
    /// A panel for `key`, its listing started.
    pub fn open(cx: &mut Cx, bucket: String, key: String, versioning: Option<Versioning>) -> Panel {
        cx.cancel_where(owns);
        let listing = cx.start(
            Owner::Versions(Slot::List),
            Job::Versions(Request::List {
                bucket: bucket.clone(),
                key: key.clone(),
            }),
        );
        Panel {
            bucket,
            key,
            rows: Vec::new(),
            listing: Load::Loading(listing),
            cursor: 0,
            versioning,
            info: None,
        }
    }
}
