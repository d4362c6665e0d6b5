//! Starting file operations from the tree: download, upload, yank/cut and
//! paste, rename, new folder, delete. Each acts on the marked set when
//! there is one (in the browsed bucket), else on the row under the cursor;
//! each asks what it needs in a prompt, and destructive ones show exactly
//! what will happen first (the one question component, [`super::question`]).
//! The download and upload prompts, with their options and the upload's
//! folder listing, are download.rs and upload.rs.

mod download;
mod upload;

pub use upload::{dir_part, encryption_label, pasted_path};

use super::kind::{Kind, place_of, what_word};
use super::modal::Modal;
use super::prompt::{Prompt, PromptKind};
use super::prompt_work::Pending;
use super::tree::Selected;
use super::{App, Effect, Screen, parent_prefix};
use crate::engine::{Mapping, S3Source, Spec, parent_of};
use crate::sanitize::clean;
use crate::store::ObjectSummary;

impl App {
    /// An object of the browsed bucket as an engine source, with what the
    /// tree knows of it (size, date, storage class).
    fn object_source(&self, key: &str, size: u64) -> S3Source {
        let b = self.browse.as_ref();
        let found = b.and_then(|b| {
            b.tree
                .folder(&parent_prefix(key))?
                .entries
                .iter()
                .find(|e| !e.is_prefix && &*e.key == key)
                .map(|e| (e, b))
        });
        S3Source::Object(ObjectSummary {
            key: key.to_owned(),
            size: found.map(|(e, _)| e.size).unwrap_or(size),
            modified: found.map(|(e, _)| e.modified).filter(|m| *m != i64::MIN),
            storage_class: found
                .filter(|(e, _)| e.class != 0)
                .and_then(|(e, b)| b.tree.classes.get(e.class as usize).cloned()),
            etag: None,
            version_id: None,
        })
    }

    /// The row under the cursor as an engine source.
    fn cursor_source(&self) -> Option<S3Source> {
        Some(match self.browse.as_ref()?.tree.selected()? {
            Selected::Prefix(p) => S3Source::Prefix(p),
            Selected::Object(k) => self.object_source(&k, 0),
        })
    }

    /// The objects and prefixes an operation acts on: the marks in the
    /// browsed bucket, else the row under the cursor.
    pub fn selection(&self) -> Option<(String, Vec<S3Source>)> {
        let bucket = self.browse.as_ref()?.tree.bucket.clone();
        let marked: Vec<S3Source> = self
            .browsing
            .marks
            .iter()
            .filter(|((mb, _), _)| *mb == bucket)
            .map(|((_, k), m)| {
                if m.is_prefix {
                    S3Source::Prefix(k.clone())
                } else {
                    self.object_source(k, m.size)
                }
            })
            .collect();
        if !marked.is_empty() {
            return Some((bucket, marked));
        }
        Some((bucket, vec![self.cursor_source()?]))
    }

    /// The prefix under the cursor: a prefix row itself, an object's folder.
    pub fn prefix_here(&self) -> Option<(String, String)> {
        let b = self.browse.as_ref()?;
        let prefix = match (b.tree.selected(), b.tree.selected_row()) {
            (Some(Selected::Prefix(p)), _) => p,
            (Some(Selected::Object(_)), Some(row)) => b.tree.folder_at(row.folder).prefix.clone(),
            _ => b.tree.root.clone(),
        };
        Some((b.tree.bucket.clone(), prefix))
    }

    fn browsing(&mut self) -> bool {
        if self.view.screen != Screen::Browse || self.browse.is_none() {
            self.set_status("Open a bucket first");
            return false;
        }
        true
    }

    pub(crate) fn yank(&mut self, cut: bool) {
        if !self.browsing() {
            return;
        }
        let Some((bucket, sources)) = self.selection() else {
            return;
        };
        let what = what_word(&sources);
        self.browsing.clip = Some(super::marks::Clip {
            bucket,
            sources,
            cut,
        });
        self.browsing.marks.clear();
        let verb = if cut { "Cut" } else { "Copied" };
        self.set_status(format!(
            "{verb} {} to pail's clipboard: go to a prefix and press p",
            clean(&what)
        ));
    }

    pub(crate) fn paste(&mut self, fx: &mut Vec<Effect>) {
        if !self.browsing() {
            return;
        }
        let Some(clip) = self.browsing.clip.clone() else {
            self.set_status("pail's clipboard is empty: y copies, x cuts");
            return;
        };
        let Some((bucket, prefix)) = self.prefix_here() else {
            return;
        };
        for s in &clip.sources {
            if let S3Source::Prefix(p) = s
                && bucket == clip.bucket
                && prefix.starts_with(p.as_str())
            {
                self.set_error(format!("Cannot paste {} into itself", clean(p)));
                return;
            }
            if bucket == clip.bucket && parent_of(s.key()) == prefix {
                self.set_error(format!(
                    "{} is already in {}: paste into another prefix (or rename with r)",
                    clean(s.key()),
                    super::browse::display_prefix(&prefix)
                ));
                return;
            }
        }
        let sources: Vec<Mapping> = clip
            .sources
            .iter()
            .cloned()
            .map(|s| Mapping::into_prefix(s, &prefix))
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
        let to = format!("s3://{bucket}/{prefix}");
        self.start_transfer(kind, spec, (from, to), touches, fx);
        if clip.cut {
            // The sources are moving away: a second paste would find nothing.
            self.browsing.clip = None;
        }
    }

    pub(crate) fn rename(&mut self) {
        if !self.browsing() {
            return;
        }
        // Rename acts on the row under the cursor, marks or not.
        let Some(b) = &self.browse else { return };
        let bucket = b.tree.bucket.clone();
        let Some(source) = self.cursor_source() else {
            return;
        };
        let key = source.key().to_owned();
        let target = Pending {
            bucket,
            sources: vec![source],
            prefix: String::new(),
        };
        let mut p = Prompt::new(PromptKind::Rename, "Rename to: ", &key).with_work(target);
        // The cursor at the end of the last segment (before a prefix's /).
        let at = key.strip_suffix('/').unwrap_or(&key).chars().count();
        p.input = tui_input::Input::new(key.clone()).with_cursor(at);
        self.modals.push(Modal::Prompt(p));
    }

    pub(crate) fn submit_rename(&mut self, typed: &str, p: Pending, fx: &mut Vec<Effect>) {
        let Some(source) = p.sources.first().cloned() else {
            return;
        };
        let old = source.key().to_owned();
        let mut new = typed.to_owned();
        if matches!(source, S3Source::Prefix(_)) && !new.ends_with('/') {
            new.push('/');
        }
        if new == old || new.is_empty() || new == "/" {
            self.set_status("Not renamed");
            return;
        }
        if let S3Source::Prefix(_) = source
            && new.starts_with(&old)
        {
            self.set_error("A prefix cannot be renamed into itself");
            return;
        }
        let mapping = Mapping {
            source: source.clone(),
            from: old.clone(),
            to: new.clone(),
        };
        let touches = vec![
            (p.bucket.clone(), parent_of(&old).to_owned()),
            (p.bucket.clone(), parent_of(&new).to_owned()),
        ];
        let spec = Spec::Copy {
            bucket: p.bucket.clone(),
            sources: vec![mapping],
            dest_bucket: p.bucket.clone(),
            remove_source: true,
        };
        match source {
            // A prefix: show what moves first (count and size).
            S3Source::Prefix(_) => self.preview_listing(
                super::question::delete::Purpose::Rename {
                    spec,
                    touches,
                    to: new,
                },
                p.bucket,
                vec![source],
                fx,
            ),
            S3Source::Object(_) => {
                let from = format!("s3://{}/{}", p.bucket, old);
                let to = format!("s3://{}/{}", p.bucket, new);
                self.start_transfer(Kind::Rename, spec, (from, to), touches, fx);
            }
        }
    }

    pub(crate) fn new_folder(&mut self) {
        if !self.browsing() {
            return;
        }
        let Some((bucket, prefix)) = self.prefix_here() else {
            return;
        };
        let label = new_folder_label(&bucket, &prefix);
        let target = Pending {
            bucket,
            sources: Vec::new(),
            prefix,
        };
        self.modals.push(Modal::Prompt(
            Prompt::new(PromptKind::NewFolder, label, "").with_work(target),
        ));
    }

    pub(crate) fn submit_new_folder(&mut self, typed: &str, p: Pending, fx: &mut Vec<Effect>) {
        let name = typed.trim_matches('/');
        if name.is_empty() {
            self.set_status("No folder created: no name given");
            return;
        }
        // "a/../b" or "a//b" would make a key no tool shows as that folder.
        if let Some(bad) = name
            .split('/')
            .find(|s| s.is_empty() || *s == "." || *s == "..")
        {
            let why = if bad.is_empty() {
                "an empty name between two slashes".to_owned()
            } else {
                format!("a {bad:?} segment")
            };
            let mut prompt = Prompt::new(
                PromptKind::NewFolder,
                new_folder_label(&p.bucket, &p.prefix),
                typed,
            );
            prompt.note = Some(format!("A folder name cannot hold {why}"));
            let prompt = prompt.with_work(p);
            self.modals.push(Modal::Prompt(prompt));
            self.set_error(format!("No folder created: the name holds {why}"));
            return;
        }
        let key = format!("{}{name}/", p.prefix);
        let spec = Spec::MakeFolder {
            bucket: p.bucket.clone(),
            key: key.clone(),
        };
        let touches = vec![(p.bucket.clone(), p.prefix.clone())];
        self.start_transfer(
            Kind::NewFolder,
            spec,
            (String::new(), format!("s3://{}/{key}", p.bucket)),
            touches,
            fx,
        );
    }

    pub(crate) fn delete(&mut self, fx: &mut Vec<Effect>) {
        if !self.browsing() {
            return;
        }
        let Some((bucket, sources)) = self.selection() else {
            return;
        };
        self.preview_listing(
            super::question::delete::Purpose::Delete,
            bucket,
            sources,
            fx,
        );
    }

    /// Asks the delete or rename question, listing first where it must.
    fn preview_listing(
        &mut self,
        purpose: super::question::delete::Purpose,
        bucket: String,
        sources: Vec<S3Source>,
        fx: &mut Vec<Effect>,
    ) {
        let versioning = self.browse.as_ref().and_then(|b| match &b.info {
            Some(super::Load::Ready(i)) => i.versioning.clone().ok(),
            _ => None,
        });
        let q = self.with_cx(fx, |cx| {
            super::question::delete::preview(cx, purpose, bucket, sources, versioning)
        });
        self.ask(q);
    }
}

/// The new-folder prompt's label.
fn new_folder_label(bucket: &str, prefix: &str) -> String {
    format!("New folder in s3://{}/{}: ", clean(bucket), clean(prefix))
}
