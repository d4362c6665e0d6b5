//! What a delete, prefix-rename, restore or storage-class question waits
//! for while its listing runs: plain data, held by `Then::Listing`, apart from the builder
//! (delete.rs) that opens and fills the question.

use crate::app::TaskId;
use crate::engine::{S3Source, Spec};
use crate::plan::archive::Goal;
use crate::store::Versioning;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Purpose {
    Delete,
    /// Renaming a prefix moves every key under it: shown first.
    Rename {
        spec: Spec,
        touches: Vec<(String, String)>,
        to: String,
    },
}

/// A preview waiting for its listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    pub purpose: Purpose,
    pub bucket: String,
    pub sources: Vec<S3Source>,
    /// The listing task while it runs.
    pub task: Option<TaskId>,
    /// The bucket's versioning status when known.
    pub versioning: Option<Versioning>,
}

impl Listing {
    pub(super) fn verb(&self) -> String {
        match &self.purpose {
            Purpose::Delete => "Delete".to_owned(),
            Purpose::Rename { to, .. } => format!("Move to {to}"),
        }
    }
}

/// A question waiting for its plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiting {
    pub goal: Goal,
    pub bucket: String,
    pub sources: Vec<S3Source>,
    pub task: Option<TaskId>,
    pub versioning: Option<Versioning>,
}
