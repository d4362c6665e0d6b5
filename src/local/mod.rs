//! The local-filesystem side of transfers, kept apart from S3 and the UI.
//!
//! Downloads write names chosen by whoever wrote the bucket, into a folder
//! that may hold symlinks someone else planted; uploads read a tree that may
//! hold sockets, loops and names S3 cannot express. Each of those is a way
//! to write outside the folder the user picked, hang, or fail halfway, so
//! the rules live here, in one place with no network and no terminal, where
//! they can be tested against a real filesystem:
//!
//! - [`paths`]: a key becomes a relative path, or a refusal with a reason.
//! - [`dest`]: a download is written beside its final name and renamed into
//!   place, reaching it one directory at a time without following symlinks.
//! - [`walk`](mod@walk): an upload's files, in a stable order, with what is skipped.
//!
//! Unix only, like the rest of pail.

pub mod dest;
pub mod paths;
pub mod trash;
pub mod walk;

pub use dest::{Dest, EntryKind, Existing, Pending};
pub use paths::{Mapped, Refusal, RelPath, map_key};
pub use walk::{Walk, WalkItem, walk};
