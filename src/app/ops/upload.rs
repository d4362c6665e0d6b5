//! The upload prompt: the typed path or the entries picked from the
//! folder listed under it (picker.rs), the session's upload options
//! (storage class, encryption), the job it starts, and reading what a
//! dragged file's pasted path names.

use super::{Browsing, Here, start};
use crate::app::cx::Cx;
use crate::app::kind::Kind;
use crate::app::note::Note;
use crate::app::prompt::{Prompt, PromptKind};
use crate::app::prompt_work::{Pending, UploadPicker, Work};
use crate::engine::Spec;
use crate::sanitize::clean;
use crate::store::Encryption;
use std::path::PathBuf;

impl Browsing {
    /// The upload prompt into the prefix under the cursor, its folder
    /// listed under it.
    pub(super) fn upload(&mut self, cx: &mut Cx, here: &Here, prefill: Option<String>) {
        let start = prefill
            .or_else(|| self.last_upload_dir.clone())
            .unwrap_or_else(|| "./".to_owned());
        let target = Pending {
            bucket: here.bucket.clone(),
            sources: Vec::new(),
            prefix: here.prefix.clone(),
        };
        let label = upload_label(&here.bucket, &here.prefix);
        let mut p = Prompt::new(PromptKind::Upload, label, &start).with_work(target);
        if let Some(work) = p.work.as_deref_mut() {
            crate::app::picker::list(cx, &mut work.picker, &start);
        }
        cx.note(Note::Prompt(Box::new(p)));
    }

    pub(super) fn submit_upload(&mut self, cx: &mut Cx, typed: &str, work: Option<Box<Work>>) {
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
                cx.status("Nothing uploaded: no path given");
                return;
            }
            let t = t.trim_end_matches('/');
            if let Some(why) = missing_upload(&picker, t) {
                // The prompt stays, with the reason under it.
                let mut prompt = Prompt::new(
                    PromptKind::Upload,
                    upload_label(&p.bucket, &p.prefix),
                    typed,
                );
                prompt.note = Some(why.clone());
                prompt.work = Some(Box::new(Work { target: p, picker }));
                cx.note(Note::Prompt(Box::new(prompt)));
                cx.note(Note::Error(format!("Nothing uploaded: {why}")));
                return;
            }
            vec![crate::config::expand_home(std::path::Path::new(t))]
        };
        self.last_upload_dir = Some(picker.dir.clone()).filter(|d| !d.is_empty());
        let spec = Spec::Upload {
            paths: paths.clone(),
            bucket: p.bucket.clone(),
            prefix: p.prefix.clone(),
            options: self.upload_options.clone(),
        };
        let from = match paths.as_slice() {
            [one] => one.display().to_string(),
            many => format!("{} items", many.len()),
        };
        let to = format!("s3://{}/{}", p.bucket, p.prefix);
        let touches = vec![(p.bucket, p.prefix)];
        start(cx, Kind::Upload, spec, (from, to), touches);
    }

    /// Cycles the session's upload storage class (shown in the prompt).
    pub(super) fn cycle_storage_class(&mut self) {
        let classes = crate::config::STORAGE_CLASSES;
        let now = self.upload_options.storage_class.clone();
        let i = now
            .as_deref()
            .and_then(|c| classes.iter().position(|x| *x == c));
        self.upload_options.storage_class = match i {
            None => Some(classes[0].to_owned()),
            Some(i) if i + 1 < classes.len() => Some(classes[i + 1].to_owned()),
            Some(_) => None,
        };
    }

    /// Cycles bucket default → SSE-S3 → SSE-KMS (the configured key).
    pub(super) fn cycle_encryption(&mut self, cx: &Cx) {
        let kms_key = match &cx.session.settings.transfers.upload.encryption {
            Encryption::Kms(k) => k.clone(),
            _ => None,
        };
        self.upload_options.encryption = match self.upload_options.encryption {
            Encryption::BucketDefault => Encryption::S3,
            Encryption::S3 => Encryption::Kms(kms_key),
            Encryption::Kms(_) => Encryption::BucketDefault,
        };
    }
}

/// Why `typed` cannot be uploaded, when the listing under the prompt shows
/// it: its folder could not be read, or nothing there has its name. `None`
/// when it is there, or the listing cannot tell yet.
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

/// The session's upload options (remembered between uploads).
pub fn encryption_label(e: &Encryption) -> String {
    match e {
        Encryption::BucketDefault => "bucket default".into(),
        Encryption::S3 => "SSE-S3".into(),
        Encryption::Kms(None) => "SSE-KMS (default key)".into(),
        Encryption::Kms(Some(k)) => format!("SSE-KMS {}", clean(k)),
    }
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
