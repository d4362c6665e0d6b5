//! The vocabulary of the keymap: contexts, actions and copy targets, with
//! the names used in keymap.toml and the words the help overlay shows.

/// Where the keyboard is: each context has its own bindings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Buckets,
    Tree,
    Inspector,
    Help,
    Messages,
    Prompt,
    Copy,
    /// The quit question.
    Confirm,
    /// A question before a change to data (delete, rename, conflict,
    /// restore, undelete, permanent delete, rollback).
    Question,
    Transfers,
    Versions,
    Share,
    /// The open multipart uploads panel.
    Uploads,
    /// The folder list under the upload prompt, once ↓ moved into it.
    Picker,
    /// The bucket card's fix menu.
    Fixes,
    /// The sync plan view.
    Sync,
}

impl Context {
    pub const ALL: [Context; 16] = [
        Context::Buckets,
        Context::Tree,
        Context::Inspector,
        Context::Help,
        Context::Messages,
        Context::Prompt,
        Context::Copy,
        Context::Confirm,
        Context::Question,
        Context::Transfers,
        Context::Versions,
        Context::Share,
        Context::Uploads,
        Context::Picker,
        Context::Fixes,
        Context::Sync,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Context::Buckets => "buckets",
            Context::Tree => "tree",
            Context::Inspector => "inspector",
            Context::Help => "help",
            Context::Messages => "messages",
            Context::Prompt => "prompt",
            Context::Copy => "copy",
            Context::Confirm => "confirm",
            Context::Question => "question",
            Context::Transfers => "transfers",
            Context::Versions => "versions",
            Context::Share => "share",
            Context::Uploads => "uploads",
            Context::Picker => "picker",
            Context::Fixes => "fixes",
            Context::Sync => "sync",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Context::Buckets => "bucket list",
            Context::Tree => "tree",
            Context::Inspector => "inspector",
            Context::Help => "help",
            Context::Messages => "message log",
            Context::Prompt => "prompt",
            Context::Copy => "copy menu",
            Context::Confirm => "quit question",
            Context::Question => "question before a change",
            Context::Transfers => "transfers panel",
            Context::Versions => "versions panel",
            Context::Share => "share popup",
            Context::Uploads => "open uploads panel",
            Context::Picker => "upload folder list",
            Context::Fixes => "fix menu",
            Context::Sync => "sync plan view",
        }
    }

    pub fn from_name(name: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// Something a key can do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    MoveDown,
    MoveUp,
    Top,
    Bottom,
    PageDown,
    PageUp,
    Expand,
    Collapse,
    Open,
    RootUp,
    SwitchFocus,
    Filter,
    SortCycle,
    SortReverse,
    Refresh,
    CountPrefix,
    /// The bucket card's posture profile.
    Profile,
    /// Create a bucket (the bucket list).
    NewBucket,
    /// The bucket card's fix menu.
    Fix,
    /// Put back the last change to a bucket's settings.
    Undo,
    CopyMenu,
    Mark,
    MarkAll,
    Buckets,
    Messages,
    Help,
    Clear,
    Suspend,
    Quit,
    ForceQuit,
    Close,
    Submit,
    Cancel,
    Complete,
    Next,
    Prev,
    Yes,
    No,
    Download,
    Upload,
    Yank,
    Cut,
    Paste,
    Rename,
    NewFolder,
    Delete,
    Transfers,
    Retry,
    ClearFinished,
    Share,
    Versions,
    ShowDeleted,
    Undelete,
    Restore,
    CopyLink,
    CopyCurl,
    CopyForm,
    WhyDenied,
    ShowQr,
    Edit,
    Confirm,
    Overwrite,
    Skip,
    SkipIdentical,
    KeepBoth,
    CancelJob,
    OpenUploads,
    AbortAll,
    ChoiceNext,
    ChoicePrev,
    StorageClass,
    Encryption,
    /// Request a restore of archived objects under the selection.
    Thaw,
    /// Change the storage class of the selection.
    ChangeClass,
    /// Sync the prefix under the cursor with a local folder (the plan view).
    Sync,
    /// The plan view: the other direction.
    Reverse,
    /// The plan view: the next compare mode.
    CompareMode,
    /// The plan view: settle a conflict of two changes (left alone, the
    /// source's side, the destination's).
    Settle,
}

use Context as C;
const LISTS: &[Context] = &[C::Buckets, C::Tree, C::Inspector];
const BROWSE: &[Context] = &[C::Tree, C::Inspector];
/// Where one step or a page moves: every list, and the upload prompt's
/// folder list last.
const MOVES: &[Context] = &[
    C::Buckets,
    C::Tree,
    C::Inspector,
    C::Help,
    C::Messages,
    C::Question,
    C::Transfers,
    C::Versions,
    C::Uploads,
    C::Fixes,
    C::Sync,
    C::Picker,
];
/// Where the top and the bottom are reached: every list but the folder
/// list (Home and End edit the path typed above it).
const SCROLLS: &[Context] = MOVES.split_at(MOVES.len() - 1).0;
/// Where `?` opens the help: the views and every panel or question.
const HELPS: &[Context] = &[
    C::Buckets,
    C::Tree,
    C::Inspector,
    C::Question,
    C::Transfers,
    C::Versions,
    C::Share,
    C::Uploads,
    C::Fixes,
    C::Sync,
];
/// The answers of a conflict question.
const CHOICES: &[Context] = &[C::Question];

impl Action {
    pub const ALL: [Action; 78] = [
        Action::MoveDown,
        Action::MoveUp,
        Action::Top,
        Action::Bottom,
        Action::PageDown,
        Action::PageUp,
        Action::Expand,
        Action::Collapse,
        Action::Open,
        Action::RootUp,
        Action::SwitchFocus,
        Action::Filter,
        Action::SortCycle,
        Action::SortReverse,
        Action::Refresh,
        Action::CountPrefix,
        Action::Profile,
        Action::NewBucket,
        Action::Fix,
        Action::Undo,
        Action::CopyMenu,
        Action::Mark,
        Action::MarkAll,
        Action::Buckets,
        Action::Messages,
        Action::Help,
        Action::Clear,
        Action::Suspend,
        Action::Quit,
        Action::ForceQuit,
        Action::Close,
        Action::Submit,
        Action::Cancel,
        Action::Complete,
        Action::Next,
        Action::Prev,
        Action::Yes,
        Action::No,
        Action::Download,
        Action::Upload,
        Action::Yank,
        Action::Cut,
        Action::Paste,
        Action::Rename,
        Action::NewFolder,
        Action::Delete,
        Action::Transfers,
        Action::Retry,
        Action::ClearFinished,
        Action::Share,
        Action::Versions,
        Action::ShowDeleted,
        Action::Undelete,
        Action::Restore,
        Action::CopyLink,
        Action::CopyCurl,
        Action::CopyForm,
        Action::WhyDenied,
        Action::ShowQr,
        Action::Edit,
        Action::Confirm,
        Action::Overwrite,
        Action::Skip,
        Action::SkipIdentical,
        Action::KeepBoth,
        Action::CancelJob,
        Action::OpenUploads,
        Action::AbortAll,
        Action::ChoiceNext,
        Action::ChoicePrev,
        Action::StorageClass,
        Action::Encryption,
        Action::Thaw,
        Action::ChangeClass,
        Action::Sync,
        Action::Reverse,
        Action::CompareMode,
        Action::Settle,
    ];

    /// The contexts this action does something in.
    pub fn contexts(self) -> &'static [Context] {
        match self {
            Action::MoveDown | Action::MoveUp | Action::PageDown | Action::PageUp => MOVES,
            Action::Top | Action::Bottom => SCROLLS,
            Action::Open => &[C::Buckets, C::Tree, C::Inspector, C::Transfers],
            Action::Refresh => &[C::Buckets, C::Tree, C::Inspector, C::Uploads, C::Sync],
            Action::Profile => LISTS,
            Action::NewBucket => &[C::Buckets],
            Action::Fix => LISTS,
            Action::Undo => &[C::Fixes],
            Action::Expand => &[C::Buckets, C::Tree, C::Inspector, C::Picker],
            Action::Collapse => &[C::Tree, C::Inspector, C::Picker],
            Action::Mark => &[C::Tree, C::Inspector, C::Picker, C::Sync],
            Action::MarkAll => &[C::Tree, C::Inspector, C::Sync],
            Action::Filter => &[C::Buckets, C::Tree, C::Inspector, C::Sync],
            Action::SwitchFocus
            | Action::CopyMenu
            | Action::Messages
            | Action::Clear
            | Action::Quit => LISTS,
            Action::Help => HELPS,
            Action::RootUp
            | Action::SortCycle
            | Action::SortReverse
            | Action::CountPrefix
            | Action::Buckets => BROWSE,
            // Ctrl-z can never type anything, so it works in prompts and
            // questions too.
            Action::Suspend => &[
                C::Buckets,
                C::Tree,
                C::Inspector,
                C::Help,
                C::Messages,
                C::Prompt,
                C::Copy,
                C::Confirm,
                C::Question,
                C::Transfers,
                C::Versions,
                C::Share,
                C::Uploads,
                C::Picker,
                C::Fixes,
                C::Sync,
            ],
            Action::ForceQuit => &Context::ALL,
            Action::Close => &[
                C::Help,
                C::Messages,
                C::Transfers,
                C::Versions,
                C::Share,
                C::Uploads,
                C::Fixes,
                C::Sync,
            ],
            Action::Submit => &[C::Prompt, C::Share, C::Picker, C::Fixes, C::Sync],
            Action::Cancel => &[C::Prompt, C::Share, C::Picker],
            Action::Next | Action::Prev => &[C::Prompt, C::Share],
            Action::Complete => &[C::Prompt],
            Action::Yes => &[C::Confirm, C::Question, C::Sync],
            Action::No => &[C::Confirm, C::Question],
            Action::Confirm => &[C::Question],
            Action::Overwrite
            | Action::Skip
            | Action::SkipIdentical
            | Action::KeepBoth
            | Action::CancelJob => CHOICES,
            Action::Download => &[C::Tree, C::Inspector, C::Versions],
            Action::Upload
            | Action::Yank
            | Action::Cut
            | Action::Paste
            | Action::Rename
            | Action::NewFolder => BROWSE,
            Action::Delete => &[
                C::Buckets,
                C::Tree,
                C::Inspector,
                C::Transfers,
                C::Versions,
                C::Uploads,
            ],
            Action::Transfers => LISTS,
            Action::Retry | Action::ClearFinished => &[C::Transfers],
            Action::Share => &[C::Tree, C::Inspector, C::Versions],
            Action::Versions => &[C::Buckets, C::Tree, C::Inspector],
            Action::ShowDeleted => BROWSE,
            Action::Undelete => &[C::Tree, C::Inspector, C::Versions],
            Action::Restore => &[C::Versions],
            Action::CopyLink => &[C::Share],
            Action::CopyCurl => &[C::Share],
            Action::CopyForm => &[C::Share],
            Action::WhyDenied => &[C::Buckets, C::Tree, C::Inspector, C::Messages, C::Help],
            Action::ShowQr => &[C::Share],
            Action::Edit => &[C::Share],
            Action::OpenUploads => LISTS,
            Action::AbortAll => &[C::Uploads],
            Action::ChoiceNext | Action::ChoicePrev => &[C::Share],
            Action::StorageClass | Action::Encryption => &[C::Prompt, C::Picker],
            Action::Thaw | Action::ChangeClass | Action::Sync => BROWSE,
            Action::Reverse | Action::CompareMode | Action::Settle => &[C::Sync],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Action::MoveDown => "move_down",
            Action::MoveUp => "move_up",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::PageDown => "page_down",
            Action::PageUp => "page_up",
            Action::Expand => "expand",
            Action::Collapse => "collapse",
            Action::Open => "open",
            Action::RootUp => "root_up",
            Action::SwitchFocus => "switch_focus",
            Action::Filter => "filter",
            Action::SortCycle => "sort_cycle",
            Action::SortReverse => "sort_reverse",
            Action::Refresh => "refresh",
            Action::CountPrefix => "count_prefix",
            Action::Profile => "posture_profile",
            Action::NewBucket => "new_bucket",
            Action::Fix => "fix",
            Action::Undo => "undo",
            Action::CopyMenu => "copy_menu",
            Action::Mark => "mark",
            Action::MarkAll => "mark_all",
            Action::Buckets => "buckets",
            Action::Messages => "messages",
            Action::Help => "help",
            Action::Clear => "clear",
            Action::Suspend => "suspend",
            Action::Quit => "quit",
            Action::ForceQuit => "force_quit",
            Action::Close => "close",
            Action::Submit => "submit",
            Action::Cancel => "cancel",
            Action::Complete => "complete",
            Action::Next => "next",
            Action::Prev => "prev",
            Action::Yes => "yes",
            Action::No => "no",
            Action::Download => "download",
            Action::Upload => "upload",
            Action::Yank => "yank",
            Action::Cut => "cut",
            Action::Paste => "paste",
            Action::Rename => "rename",
            Action::NewFolder => "new_folder",
            Action::Delete => "delete",
            Action::Transfers => "transfers",
            Action::Retry => "retry",
            Action::ClearFinished => "clear_finished",
            Action::Share => "share",
            Action::Versions => "versions",
            Action::ShowDeleted => "show_deleted",
            Action::Undelete => "undelete",
            Action::Restore => "restore",
            Action::CopyLink => "copy_link",
            Action::CopyCurl => "copy_curl",
            Action::CopyForm => "copy_form",
            Action::WhyDenied => "why_denied",
            Action::ShowQr => "show_qr",
            Action::Edit => "edit",
            Action::Confirm => "confirm",
            Action::Overwrite => "overwrite",
            Action::Skip => "skip",
            Action::SkipIdentical => "skip_identical",
            Action::KeepBoth => "keep_both",
            Action::CancelJob => "cancel_job",
            Action::OpenUploads => "uploads",
            Action::AbortAll => "abort_all",
            Action::ChoiceNext => "choice_next",
            Action::ChoicePrev => "choice_prev",
            Action::StorageClass => "storage_class",
            Action::Encryption => "encryption",
            Action::Thaw => "restore_archived",
            Action::ChangeClass => "change_class",
            Action::Sync => "sync",
            Action::Reverse => "reverse",
            Action::CompareMode => "compare_mode",
            Action::Settle => "settle",
        }
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// What to put on the clipboard, chosen in the copy popup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CopyWhat {
    Uri,
    Key,
    Url,
    Arn,
    Etag,
    Name,
}

impl CopyWhat {
    pub const ALL: [CopyWhat; 6] = [
        CopyWhat::Uri,
        CopyWhat::Key,
        CopyWhat::Url,
        CopyWhat::Arn,
        CopyWhat::Etag,
        CopyWhat::Name,
    ];

    pub fn name(self) -> &'static str {
        match self {
            CopyWhat::Uri => "uri",
            CopyWhat::Key => "key",
            CopyWhat::Url => "url",
            CopyWhat::Arn => "arn",
            CopyWhat::Etag => "etag",
            CopyWhat::Name => "name",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            CopyWhat::Uri => "s3:// URI",
            CopyWhat::Key => "key",
            CopyWhat::Url => "URL",
            CopyWhat::Arn => "ARN",
            CopyWhat::Etag => "ETag",
            CopyWhat::Name => "name",
        }
    }

    pub fn from_name(name: &str) -> Option<CopyWhat> {
        CopyWhat::ALL.into_iter().find(|a| a.name() == name)
    }
}
