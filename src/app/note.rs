//! News one feature leaves for the others. A feature never calls another:
//! when something it did matters elsewhere (a job wrote under a prefix, a
//! transfer asks a question), it returns a [`Note`], and `update` routes
//! it to every feature that cares (update.rs `route`). Adding a reader of
//! a note touches the router, not the writer.

use super::TaskId;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// A job wrote, moved or deleted under `prefix` of `bucket`: listings,
    /// the versions panel and the open uploads panel there are stale.
    Changed { bucket: String, prefix: String },
    /// A transfer waits for the answer to its conflict question.
    ConflictAsked(TaskId),
    /// A transfer's conflict question has nothing left to ask.
    ConflictGone(TaskId),
}
