//! What each action does, in the words the help overlay shows: apart from
//! the names (names.rs) because the sentences grow with every feature.

use super::Action;

impl Action {
    pub fn describe(self) -> &'static str {
        match self {
            Action::MoveDown => "move down",
            Action::MoveUp => "move up",
            Action::Top => "go to the first row",
            Action::Bottom => "go to the last row",
            Action::PageDown => "page down",
            Action::PageUp => "page up",
            Action::Expand => "expand prefix / open bucket",
            Action::Collapse => "collapse prefix, or jump to its parent",
            Action::Open => "prefix: make it the root; bucket: open; object: inspect",
            Action::RootUp => "root up one level (to the bucket list from a bucket's root)",
            Action::SwitchFocus => "switch focus between list and inspector",
            Action::Filter => "filter loaded entries",
            Action::SortCycle => "sort by name, size, last modified",
            Action::SortReverse => "reverse the sort",
            Action::Refresh => "refresh the prefix under the cursor (rows stay until it succeeds)",
            Action::CountPrefix => "count objects and bytes under the prefix (recursive)",
            Action::NewBucket => {
                "create a bucket with the checklist (Block Public Access, ACLs off, versioning, SSE-S3)"
            }
            Action::Fix => {
                "bucket card: fix a finding or change a setting (a diff first, asked, undoable)"
            }
            Action::Undo => "put back the last change made to this bucket's settings",
            Action::Profile => {
                "bucket card: weigh the posture for another profile (private app, static site, data lake)"
            }
            Action::CopyMenu => "copy to clipboard: URI, key, URL, ARN, ETag, name",
            Action::Mark => "mark or unmark the row, then move down",
            Action::MarkAll => "mark every visible row (again: unmark them)",
            Action::Buckets => "back to the bucket list",
            Action::Messages => "message log (errors and events, with times)",
            Action::Help => "this help",
            Action::Clear => "clear the filter, then the marks; back from the inspector",
            Action::Suspend => "suspend pail (fg brings it back)",
            Action::Quit => "quit (asks first while tasks run)",
            Action::ForceQuit => "quit now",
            Action::Close => "close",
            Action::Submit => "accept",
            Action::Cancel => "cancel",
            Action::Complete => "complete",
            Action::Next => "next choice / move down",
            Action::Prev => "previous choice / move up",
            Action::Yes => "yes",
            Action::No => "no: nothing changes (a conflict question: cancel the job)",
            Action::Download => "download to a local folder",
            Action::Upload => "upload files or folders here",
            Action::Yank => "copy the selection to pail's clipboard (paste with p)",
            Action::Cut => "cut the selection to pail's clipboard (paste with p moves it)",
            Action::Paste => "paste pail's clipboard into the prefix under the cursor",
            Action::Rename => "rename the object or prefix (moves every key under it)",
            Action::NewFolder => "create a folder (a zero-byte name/ marker)",
            Action::Delete => {
                "delete (shows exactly what first); in transfers: cancel the job; in open uploads: abort it"
            }
            Action::Transfers => "transfers panel: jobs, progress, cancel, retry",
            Action::Retry => "retry the job's failed items",
            Action::ClearFinished => "clear finished jobs",
            Action::Share => {
                "presigned link (GET/PUT, POST upload form, expiry, curl, QR) for the object, version or prefix"
            }
            Action::Versions => {
                "versions of the object; on a prefix or bucket: roll it back in time"
            }
            Action::ShowDeleted => "show or hide deleted objects and folders in the tree",
            Action::Undelete => "undelete: remove the delete marker (a folder: everything in it)",
            Action::Restore => "restore this version (copy it over the key as the new latest)",
            Action::CopyLink => "copy the link(s) again",
            Action::CopyCurl => "copy as a ready curl command (curl -F for a POST form)",
            Action::CopyForm => "copy a POST form as a minimal HTML upload page",
            Action::WhyDenied => {
                "why was the last request denied? (identity, action, policy, KMS…)"
            }
            Action::ShowQr => "show the link as a QR code (for a phone)",
            Action::Edit => "back to the form (method, expiry, options)",
            Action::Confirm => {
                "confirm a question that loses nothing, or once the asked text is typed"
            }
            Action::Overwrite => "conflict: overwrite what is there (every conflict of the job)",
            Action::Skip => "conflict: skip (every conflict of the job)",
            Action::SkipIdentical => {
                "conflict: skip what is identical, overwrite the rest (every conflict of the job)"
            }
            Action::KeepBoth => "conflict: keep both, writing this one under a free name",
            Action::CancelJob => "conflict: cancel the job",
            Action::OpenUploads => {
                "open multipart uploads here (started, never completed): list, abort"
            }
            Action::AbortAll => "abort every open upload listed (shows them first)",
            Action::ChoiceNext => "next choice of the field (method, expiry, attachment)",
            Action::ChoicePrev => "previous choice of the field",
            Action::StorageClass => "upload: next storage class",
            Action::Encryption => "upload: next encryption",
            Action::Thaw => {
                "restore archived (GLACIER, DEEP_ARCHIVE) objects for some days (shows the plan first)"
            }
            Action::ChangeClass => {
                "change the storage class: a copy in place keeping metadata and tags (shows the plan first)"
            }
            Action::Sync => {
                "sync the prefix with a local folder: every path's action and reason first, then exactly that plan"
            }
            Action::Reverse => "plan the other direction (source and destination swapped)",
            Action::CompareMode => {
                "next compare mode (size-mtime, checksum, size-only), planned again"
            }
            Action::Settle => {
                "settle a conflict of two changes: the source's version, the destination's (sent back), or neither"
            }
        }
    }
}
