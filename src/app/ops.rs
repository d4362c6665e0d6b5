//! Starting file operations from the tree: download, upload, yank/cut and
//! paste, rename, new folder, delete. Each acts on the marked set when
//! there is one (in the browsed bucket), else on the row under the cursor;
//! each asks what it needs in a prompt, and destructive ones show exactly
//! what will happen first (see [`super::confirm`]).

use super::kind::{Kind, place_of, what_word};
use super::modal::Modal;
use super::prompt::{Prompt, PromptKind};
use super::prompt_work::{Pending, UploadPicker, Work};
use super::tree::Selected;
use super::{App, Effect, Job, Owner, Screen, parent_prefix};
use crate::engine::{Mapping, S3Source, Spec, parent_of};
use crate::sanitize::clean;
use crate::store::{Encryption, ObjectSummary};
use std::path::PathBuf;

/// The session's upload options (remembered between uploads).
pub fn encryption_label(e: &Encryption) -> String {
    match e {
        Encryption::BucketDefault => "bucket default".into(),
        Encryption::S3 => "SSE-S3".into(),
        Encryption::Kms(None) => "SSE-KMS (default key)".into(),
        Encryption::Kms(Some(k)) => format!("SSE-KMS {}", clean(k)),
    }
}

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

    pub(crate) fn download(&mut self) {
        if !self.browsing() {
            return;
        }
        let Some((bucket, sources)) = self.selection() else {
            return;
        };
        self.ask_download(bucket, sources);
    }

    /// The download prompt for `sources` (objects, versions, prefixes).
    pub(crate) fn ask_download(&mut self, bucket: String, sources: Vec<S3Source>) {
        let dest = self
            .browsing
            .last_download_dir
            .clone()
            .or(self.session.settings.transfers.download_dir.clone())
            .unwrap_or_else(|| PathBuf::from("."));
        let mut what = what_word(&sources);
        // An old version is not the object the tree shows: say which.
        if let [S3Source::Object(o)] = sources.as_slice()
            && let Some(id) = &o.version_id
        {
            let when = o
                .modified
                .map(|t| format!(", {}", crate::format::short_time(t, self.session.tz)))
                .unwrap_or_default();
            what = format!("{what} (version {}{when})", crate::width::truncate(id, 16));
        }
        let mut text = dest.display().to_string();
        if !text.ends_with('/') {
            text.push('/');
        }
        let target = Pending {
            bucket,
            sources,
            prefix: String::new(),
        };
        self.modals.push(Modal::Prompt(
            Prompt::new(PromptKind::Download, format!("Download {what} to: "), &text)
                .with_work(target),
        ));
    }

    pub(crate) fn submit_download(&mut self, typed: &str, p: Pending, fx: &mut Vec<Effect>) {
        let typed = typed.trim();
        if typed.is_empty() {
            self.set_status("Nothing downloaded: no folder given");
            return;
        }
        let dest = crate::config::expand_home(std::path::Path::new(typed));
        self.browsing.last_download_dir = Some(dest.clone());
        let sources = p
            .sources
            .into_iter()
            .map(|s| Mapping::into_prefix(s, ""))
            .collect();
        let spec = Spec::Download {
            bucket: p.bucket.clone(),
            sources,
            dest: dest.clone(),
        };
        let from = format!("s3://{}", p.bucket);
        self.start_transfer(
            Kind::Download,
            spec,
            (from, dest.display().to_string()),
            Vec::new(),
            fx,
        );
        self.browsing.marks.clear();
    }

    pub(crate) fn upload(&mut self, prefill: Option<&str>, fx: &mut Vec<Effect>) {
        if !self.browsing() {
            return;
        }
        let Some((bucket, prefix)) = self.prefix_here() else {
            return;
        };
        let start = prefill
            .map(str::to_owned)
            .or_else(|| self.browsing.last_upload_dir.clone())
            .unwrap_or_else(|| "./".to_owned());
        let target = Pending {
            bucket: bucket.clone(),
            sources: Vec::new(),
            prefix: prefix.clone(),
        };
        self.modals.push(Modal::Prompt(
            Prompt::new(PromptKind::Upload, upload_label(&bucket, &prefix), &start)
                .with_work(target),
        ));
        self.list_local(&start, fx);
    }

    /// Why `typed` cannot be uploaded, when the listing under the prompt
    /// shows it: its folder could not be read, or nothing there has its
    /// name. `None` when it is there, or the listing cannot tell yet.
    fn missing_upload(picker: &UploadPicker, typed: &str) -> Option<String> {
        let dir = dir_part(typed);
        let name = &typed[dir.len()..];
        if dir != picker.dir || name.is_empty() || !picker.listed {
            return None;
        }
        if let Some(e) = &picker.error {
            return Some(format!("cannot read {}: {}", clean(&dir), clean(e)));
        }
        (!picker.entries.iter().any(|e| e.name == name))
            .then(|| format!("no such file or folder: {}", clean(typed)))
    }

    /// Lists the folder part of `typed` under the upload prompt.
    pub(crate) fn list_local(&mut self, typed: &str, fx: &mut Vec<Effect>) {
        let dir = dir_part(typed);
        let Some(work) = self.modals.work_mut() else {
            return;
        };
        let picker = &mut work.picker;
        if dir == picker.dir && !picker.entries.is_empty() {
            return;
        }
        picker.dir = dir.clone();
        picker.listed = false;
        fx.extend(self.tasks.cancel_where(|o| *o == Owner::LocalDir));
        let path = crate::config::expand_home(std::path::Path::new(if dir.is_empty() {
            "."
        } else {
            &dir
        }));
        fx.push(self.start(Owner::LocalDir, Job::ReadDir { path }));
    }

    pub(crate) fn submit_upload(
        &mut self,
        typed: &str,
        work: Option<Box<Work>>,
        fx: &mut Vec<Effect>,
    ) {
        let Some(work) = work else {
            return;
        };
        let Work { target: p, picker } = *work;
        // Marked entries of the listing win over the typed path.
        let paths: Vec<PathBuf> = if !picker.marked.is_empty() {
            let dir = crate::config::expand_home(std::path::Path::new(&picker.dir));
            picker.marked.iter().map(|n| dir.join(n)).collect()
        } else {
            let t = typed.trim();
            if t.is_empty() {
                self.set_status("Nothing uploaded: no path given");
                return;
            }
            let t = t.trim_end_matches('/');
            if let Some(why) = App::missing_upload(&picker, t) {
                // The prompt stays, with the reason under it.
                let mut prompt = Prompt::new(
                    PromptKind::Upload,
                    upload_label(&p.bucket, &p.prefix),
                    typed,
                );
                prompt.note = Some(why.clone());
                prompt.work = Some(Box::new(Work { target: p, picker }));
                self.modals.push(Modal::Prompt(prompt));
                self.set_error(format!("Nothing uploaded: {why}"));
                return;
            }
            vec![crate::config::expand_home(std::path::Path::new(t))]
        };
        self.browsing.last_upload_dir = Some(picker.dir.clone()).filter(|d| !d.is_empty());
        let spec = Spec::Upload {
            paths: paths.clone(),
            bucket: p.bucket.clone(),
            prefix: p.prefix.clone(),
            options: self.browsing.upload_options.clone(),
        };
        let from = match paths.as_slice() {
            [one] => one.display().to_string(),
            many => format!("{} items", many.len()),
        };
        let to = format!("s3://{}/{}", p.bucket, p.prefix);
        let touches = vec![(p.bucket, p.prefix)];
        self.start_transfer(Kind::Upload, spec, (from, to), touches, fx);
    }

    /// Cycles the session's upload storage class (shown in the prompt).
    pub(crate) fn cycle_storage_class(&mut self) {
        let classes = crate::config::STORAGE_CLASSES;
        let now = self.browsing.upload_options.storage_class.clone();
        let i = now
            .as_deref()
            .and_then(|c| classes.iter().position(|x| *x == c));
        self.browsing.upload_options.storage_class = match i {
            None => Some(classes[0].to_owned()),
            Some(i) if i + 1 < classes.len() => Some(classes[i + 1].to_owned()),
            Some(_) => None,
        };
    }

    /// Cycles bucket default → SSE-S3 → SSE-KMS (the configured key).
    pub(crate) fn cycle_encryption(&mut self) {
        let key = self.session.settings.transfers.upload.encryption.clone();
        let kms_key = match key {
            Encryption::Kms(k) => k,
            _ => None,
        };
        self.browsing.upload_options.encryption = match self.browsing.upload_options.encryption {
            Encryption::BucketDefault => Encryption::S3,
            Encryption::S3 => Encryption::Kms(kms_key),
            Encryption::Kms(_) => Encryption::BucketDefault,
        };
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
        let mut cx = super::cx::Cx::new(&self.session, &mut self.tasks);
        let q = super::question::delete::preview(&mut cx, purpose, bucket, sources, versioning);
        let (effects, notes) = cx.finish();
        fx.extend(effects);
        debug_assert!(notes.is_empty(), "a preview only starts its listing");
        self.ask(q);
    }
}

/// The new-folder prompt's label.
fn new_folder_label(bucket: &str, prefix: &str) -> String {
    format!("New folder in s3://{}/{}: ", clean(bucket), clean(prefix))
}

/// The upload prompt's label.
fn upload_label(bucket: &str, prefix: &str) -> String {
    format!("Upload to s3://{}/{} from: ", clean(bucket), clean(prefix))
}

/// The folder part of a typed path: "~/pics/a" → "~/pics/", "a" → "".
pub fn dir_part(typed: &str) -> String {
    match typed.rfind('/') {
        Some(i) => typed[..=i].to_owned(),
        None => String::new(),
    }
}

/// A path dragged onto the terminal arrives as pasted text: quoted, with
/// backslash-escaped spaces, or as a file:// URL. The first one is used.
pub fn pasted_path(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    let url = line.starts_with("file://");
    let line = line.strip_prefix("file://").unwrap_or(line);
    let unquoted = line
        .strip_prefix('\'')
        .and_then(|l| l.strip_suffix('\''))
        .or_else(|| line.strip_prefix('"').and_then(|l| l.strip_suffix('"')));
    let path = match unquoted {
        Some(u) => u.to_owned(),
        None => {
            // Unescape "\ " and friends; stop at the first unescaped space
            // (several dragged files).
            let mut out = String::new();
            let mut chars = line.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => out.extend(chars.next()),
                    ' ' => break,
                    c => out.push(c),
                }
            }
            out
        }
    };
    // Only a URL is percent-encoded; a plain path may hold a real `%`.
    let path = if url {
        percent_encoding::percent_decode_str(&path)
            .decode_utf8()
            .map(|c| c.into_owned())
            .unwrap_or(path)
    } else {
        path
    };
    (!path.is_empty()).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dragged_paths_are_unescaped() {
        assert_eq!(
            pasted_path("/home/u/My\\ Photos").as_deref(),
            Some("/home/u/My Photos")
        );
        assert_eq!(pasted_path("'/tmp/a b'").as_deref(), Some("/tmp/a b"));
        assert_eq!(
            pasted_path("file:///tmp/a%20b\n").as_deref(),
            Some("/tmp/a b")
        );
        assert_eq!(pasted_path("/a /b").as_deref(), Some("/a"));
        assert_eq!(pasted_path("/x/100%25").as_deref(), Some("/x/100%25"));
        assert_eq!(pasted_path("  \n"), None);
        assert_eq!(dir_part("~/pics/a"), "~/pics/");
        assert_eq!(dir_part("a"), "");
    }
}
