//! Starting file operations from the tree: download, upload, yank/cut and
//! paste, rename, new folder, delete. Each acts on the marked set when
//! there is one (in the browsed bucket), else on the row under the cursor;
//! each asks what it needs in a prompt, and destructive ones show exactly
//! what will happen first (the one question component, [`super::question`]).
//!
//! A feature over [`Browsing`] (what browsing keeps across buckets: marks,
//! sort, pail's clipboard, where transfers went last, the upload options)
//! in the versions panel's shape: `Browsing::update(&mut self, &mut Cx,
//! Option<&Here>, Msg)`. What it acts on arrives as a [`Here`] the router
//! reads off the tree (selection.rs); prompts, questions and jobs leave as
//! notes. The download and upload prompts, with their options and the
//! upload's folder listing, are download.rs and upload.rs; rename and new
//! folder are edit.rs.

mod archive;
mod download;
mod edit;
mod sync;
mod upload;

pub use archive::complete_class;
pub use upload::{dir_part, encryption_label, pasted_path};

use super::cx::Cx;
use super::kind::{Kind, place_of, what_word};
use super::marks::{Clip, Marks};
use super::note::Note;
use super::prompt::PromptKind;
use super::prompt_work::Work;
use super::question::Planned;
use super::question::delete::Purpose;
use super::tree::SortKey;
use crate::engine::{Mapping, S3Source, Spec, parent_of};
use crate::sanitize::clean;
use crate::store::Versioning;

/// What browsing keeps across buckets and prefixes: marks, the sort the
/// user chose, pail's clipboard, and where transfers went last.
#[derive(Clone, Debug)]
pub struct Browsing {
    /// Marked objects and prefixes, by bucket and key.
    pub marks: Marks,
    /// The sort the user chose; it survives moving between prefixes.
    pub sort: (SortKey, bool),
    /// pail's own clipboard (`y`/`x`, pasted with `p`).
    pub clip: Option<Clip>,
    pub last_download_dir: Option<std::path::PathBuf>,
    pub last_upload_dir: Option<String>,
    /// The folder the last sync (`S`) went with.
    pub last_sync_dir: Option<std::path::PathBuf>,
    /// Storage class and encryption of uploads, for the session.
    pub upload_options: crate::engine::UploadOptions,
}

/// What an operation acts on, as the tree shows it now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Here {
    pub bucket: String,
    /// The marks in this bucket, else the row under the cursor (empty on
    /// an empty folder).
    pub selection: Vec<S3Source>,
    /// The row under the cursor, marks or not.
    pub cursor: Option<S3Source>,
    /// The prefix under the cursor: a prefix row itself, an object's folder.
    pub prefix: String,
    /// The bucket's versioning, when known.
    pub versioning: Option<Versioning>,
}

/// What the operations understand.
#[derive(Debug)]
pub enum Msg {
    /// `y` / `x`: the selection to pail's clipboard (to copy or to move).
    Yank {
        cut: bool,
    },
    /// `p`: the clipboard into the prefix under the cursor.
    Paste,
    Rename,
    NewFolder,
    Delete,
    Download,
    /// The download prompt for these sources (also from the versions panel).
    AskDownload {
        bucket: String,
        sources: Vec<S3Source>,
    },
    /// The upload prompt, its path typed in already (a dragged file).
    Upload {
        prefill: Option<String>,
    },
    /// An operation prompt was answered with `typed`; its work comes along.
    Submit {
        kind: PromptKind,
        typed: String,
        work: Option<Box<Work>>,
    },
    /// The upload prompt's Ctrl-s / Ctrl-e: cycle the session's options.
    StorageClass,
    Encryption,
    /// `T`: a restore of the archived objects of the selection.
    Thaw,
    /// `C`: the selection to another storage class.
    ChangeClass,
    /// `S`: the folder a sync of the prefix under the cursor goes with.
    Sync,
}

impl Browsing {
    pub fn update(&mut self, cx: &mut Cx, here: Option<&Here>, msg: Msg) {
        match msg {
            Msg::AskDownload { bucket, sources } => self.ask_download(cx, bucket, sources),
            Msg::Submit { kind, typed, work } => self.submit(cx, here, kind, &typed, work),
            Msg::StorageClass => self.cycle_storage_class(),
            Msg::Encryption => self.cycle_encryption(cx),
            msg => {
                let Some(here) = here else {
                    cx.status("Open a bucket first");
                    return;
                };
                match msg {
                    Msg::Yank { cut } => self.yank(cx, here, cut),
                    Msg::Paste => self.paste(cx, here),
                    Msg::Rename => edit::rename(cx, here),
                    Msg::NewFolder => edit::new_folder(cx, here),
                    Msg::Delete => preview(cx, here, Purpose::Delete, here.selection.clone()),
                    Msg::Download if !here.selection.is_empty() => {
                        self.ask_download(cx, here.bucket.clone(), here.selection.clone())
                    }
                    Msg::Upload { prefill } => self.upload(cx, here, prefill),
                    Msg::Thaw => archive::ask_thaw(cx, here),
                    Msg::ChangeClass => archive::ask_class(cx, here),
                    Msg::Sync => sync::ask_sync(
                        cx,
                        &here.bucket,
                        &here.prefix,
                        self.last_sync_dir.as_deref(),
                        self.clip.as_ref(),
                    ),
                    _ => {}
                }
            }
        }
    }

    fn submit(
        &mut self,
        cx: &mut Cx,
        here: Option<&Here>,
        kind: PromptKind,
        typed: &str,
        work: Option<Box<Work>>,
    ) {
        if kind == PromptKind::Upload {
            return self.submit_upload(cx, typed, work);
        }
        let Some(target) = work.map(|w| w.target) else {
            return;
        };
        match kind {
            PromptKind::Download => self.submit_download(cx, typed, target),
            PromptKind::Rename => {
                // A prefix's rename lists first; its question says what
                // versioning keeps when the tree still shows the bucket.
                let versioning = here
                    .filter(|h| h.bucket == target.bucket)
                    .and_then(|h| h.versioning.clone());
                edit::submit_rename(cx, typed, target, versioning)
            }
            PromptKind::NewFolder => edit::submit_new_folder(cx, typed, target),
            PromptKind::Thaw => archive::submit_thaw(cx, typed, target),
            PromptKind::Sync => {
                if let Some(dir) = sync::submit_sync(cx, typed, target) {
                    self.last_sync_dir = Some(dir);
                }
            }
            PromptKind::Class => {
                let versioning = here
                    .filter(|h| h.bucket == target.bucket)
                    .and_then(|h| h.versioning.clone());
                archive::submit_class(cx, typed, target, versioning)
            }
            _ => {}
        }
    }

    fn yank(&mut self, cx: &mut Cx, here: &Here, cut: bool) {
        if here.selection.is_empty() {
            return;
        }
        let what = what_word(&here.selection);
        self.clip = Some(Clip {
            bucket: here.bucket.clone(),
            sources: here.selection.clone(),
            cut,
        });
        self.marks.clear();
        let verb = if cut { "Cut" } else { "Copied" };
        cx.status(format!(
            "{verb} {} to pail's clipboard: go to a prefix and press p",
            clean(&what)
        ));
    }

    fn paste(&mut self, cx: &mut Cx, here: &Here) {
        let Some(clip) = self.clip.clone() else {
            cx.status("pail's clipboard is empty: y copies, x cuts");
            return;
        };
        let (bucket, prefix) = (&here.bucket, &here.prefix);
        for s in &clip.sources {
            if let S3Source::Prefix(p) = s
                && *bucket == clip.bucket
                && prefix.starts_with(p.as_str())
            {
                cx.note(Note::Error(format!(
                    "Cannot paste {} into itself",
                    clean(p)
                )));
                return;
            }
            if *bucket == clip.bucket && parent_of(s.key()) == prefix {
                cx.note(Note::Error(format!(
                    "{} is already in {}: paste into another prefix (or rename with r)",
                    clean(s.key()),
                    super::browse::display_prefix(prefix)
                )));
                return;
            }
        }
        let sources: Vec<Mapping> = clip
            .sources
            .iter()
            .cloned()
            .map(|s| Mapping::into_prefix(s, prefix))
            .collect();
        let mut touches = vec![(bucket.clone(), prefix.clone())];
        if clip.cut {
            touches.extend(
                clip.sources
                    .iter()
                    .map(|s| (clip.bucket.clone(), parent_of(s.key()).to_owned())),
            );
        }
        let spec = Spec::Copy {
            bucket: clip.bucket.clone(),
            sources,
            dest_bucket: bucket.clone(),
            remove_source: clip.cut,
        };
        let kind = if clip.cut { Kind::Move } else { Kind::Copy };
        let from = place_of(&clip.bucket, &clip.sources);
        start(
            cx,
            kind,
            spec,
            (from, format!("s3://{bucket}/{prefix}")),
            touches,
        );
        if clip.cut {
            // The sources are moving away: a second paste would find nothing.
            self.clip = None;
        }
    }
}

/// Asks the delete question, listing first.
fn preview(cx: &mut Cx, here: &Here, purpose: Purpose, sources: Vec<S3Source>) {
    if sources.is_empty() {
        return;
    }
    let q = super::question::delete::preview(
        cx,
        purpose,
        here.bucket.clone(),
        sources,
        here.versioning.clone(),
    );
    cx.note(Note::Ask(Box::new(q)));
}

/// Starts a transfer job that needs no question (nothing is lost).
fn start(
    cx: &mut Cx,
    kind: Kind,
    spec: Spec,
    (from, to): (String, String),
    touches: Vec<(String, String)>,
) {
    cx.note(Note::Start(Box::new(Planned {
        kind,
        spec,
        from,
        to,
        touches,
        after: None,
        clear_marks: false,
    })));
}
