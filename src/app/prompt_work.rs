//! What an operation prompt works on, owned by the prompt itself: the
//! sources a download takes, the bucket and prefix an upload, a new folder
//! or a rollback goes to, and the local folder listed under the upload
//! prompt. It goes when the prompt goes, so no stale target can be picked
//! up by the next prompt.

use super::task::LocalEntry;
use crate::engine::S3Source;

/// A prompt's work: its target and, for the path prompts, the listing of
/// the typed folder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Work {
    pub target: Pending,
    pub picker: UploadPicker,
}

/// What a prompt that is open will act on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pending {
    pub bucket: String,
    pub sources: Vec<S3Source>,
    /// The prefix an upload or a new folder goes into.
    pub prefix: String,
}

/// The upload prompt's state beside its text: the local folder listed
/// under it, the highlighted and marked entries, the options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UploadPicker {
    /// The folder listed (what the typed path's folder part names).
    pub dir: String,
    pub entries: Vec<LocalEntry>,
    pub error: Option<String>,
    /// Highlighted entry when the listing has the keys (after ↓).
    pub cursor: Option<usize>,
    pub marked: std::collections::BTreeSet<String>,
    /// Tab was pressed before the folder was listed: complete on arrival.
    pub complete_pending: bool,
    /// `entries` (or `error`) are the listing of `dir`, not a wait for it.
    pub listed: bool,
}

impl UploadPicker {
    /// Nothing listed, nothing picked.
    pub const EMPTY: UploadPicker = UploadPicker {
        dir: String::new(),
        entries: Vec::new(),
        error: None,
        cursor: None,
        marked: std::collections::BTreeSet::new(),
        complete_pending: false,
        listed: false,
    };
}
