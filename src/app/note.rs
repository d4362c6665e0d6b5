//! News one feature leaves for the others, and what it asks of them. A
//! feature never calls another: when something it did matters elsewhere (a
//! job wrote under a prefix, a transfer asks a question) or it wants
//! something shown that another room owns (the download prompt, the share
//! popup, a question), it returns a [`Note`], and `update` routes it to
//! every feature that cares (update.rs `route`). Adding a reader of a note
//! touches the router, not the writer.

use super::TaskId;
use super::question::{Planned, Question};
use super::share::Share;
use crate::engine::S3Source;
use crate::keymap::Context;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// A job wrote, moved or deleted under `prefix` of `bucket`: listings,
    /// the versions panel and the open uploads panel there are stale.
    Changed {
        bucket: String,
        prefix: String,
    },
    /// A transfer waits for the answer to its conflict question.
    ConflictAsked(TaskId),
    /// A transfer's conflict question has nothing left to ask.
    ConflictGone(TaskId),
    /// The user answered a transfer's conflict question.
    Answered(TaskId, crate::engine::Choice),
    /// A line for the status bar and the message log.
    /// Buckets were created or deleted: list them again, the cursor on
    /// `select` when it is there.
    BucketsChanged {
        select: Option<String>,
    },
    Status(String),
    /// A failure for the status bar and the message log.
    Error(String),
    /// A store error: in the log, and as a popup when `action` (the user's
    /// action that started the task) is the latest and nothing is open.
    Report {
        action: u64,
        err: crate::store::StoreError,
        context: String,
    },
    /// Open a transfer job's waiting conflict question.
    ShowConflict(TaskId),
    /// Open a transfer job's item list.
    Items(TaskId),
    /// Show one line in full (an item's whole reason).
    Detail(crate::diagnose::Explanation),
    /// Open the download prompt for these sources.
    AskDownload {
        bucket: String,
        sources: Vec<S3Source>,
    },
    /// Open this operation prompt.
    Prompt(Box<super::prompt::Prompt>),
    /// Open the share popup.
    Share(Box<Share>),
    /// Ask this question before its job starts.
    Ask(Box<Question>),
    /// Start a job that needs no question (nothing is lost).
    Start(Box<Planned>),
    /// Show the keys of this context.
    Help(Context),
    /// The row under the cursor changed: inspect it after the usual pause
    /// (unless an inspection is already due).
    Inspect,
    /// Plan a sync of `source` into `dest` and show the plan.
    OpenSync {
        source: crate::plan::sync::Endpoint,
        dest: crate::plan::sync::Endpoint,
    },
    /// Open `prefix` of `bucket` as the tree's root.
    OpenPrefix {
        bucket: String,
        prefix: String,
    },
}
