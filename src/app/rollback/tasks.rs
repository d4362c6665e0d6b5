//! The planners behind a rollback and an undelete: what they ask of the
//! store ([`Request`]), what comes back ([`Reply`]), and which plan waits
//! ([`Slot`], carried by the task's owner). One plan at a time: a new one
//! cancels the one before.

use crate::plan::rollback::RollbackPlan;
use crate::sanitize::clean;
use crate::store::{StoreError, StoreResult};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// Every version under a prefix, planned into a rollback to `at`.
    Plan {
        bucket: String,
        prefix: String,
        at: i64,
    },
    /// Every version under a prefix (or of one key, `exact`), planned into
    /// an undelete.
    Undelete {
        bucket: String,
        prefix: String,
        exact: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Versions read so far.
    Listed(u64),
    Plan(Box<StoreResult<RollbackPlan>>),
    /// (one key only, the plan).
    Undelete(bool, Box<StoreResult<RollbackPlan>>),
}

/// Which plan a task makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    Rollback,
    Undelete { exact: bool },
}

impl Request {
    pub fn label(&self) -> String {
        match self {
            Request::Plan { bucket, prefix, .. } => format!(
                "planning a rollback of s3://{}/{}",
                clean(bucket),
                clean(prefix)
            ),
            Request::Undelete { bucket, prefix, .. } => format!(
                "planning an undelete of s3://{}/{}",
                clean(bucket),
                clean(prefix)
            ),
        }
    }

    /// The slot this plan fills.
    pub fn slot(&self) -> Slot {
        match self {
            Request::Plan { .. } => Slot::Rollback,
            Request::Undelete { exact, .. } => Slot::Undelete { exact: *exact },
        }
    }
}

impl Slot {
    /// The reply that fills this slot with `err`.
    pub fn failure(&self, err: StoreError) -> Reply {
        match self {
            Slot::Rollback => Reply::Plan(Box::new(Err(err))),
            Slot::Undelete { exact } => Reply::Undelete(*exact, Box::new(Err(err))),
        }
    }
}
