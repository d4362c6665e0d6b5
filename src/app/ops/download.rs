//! The download prompt: where the selection (or a version, from the
//! versions panel) goes, remembered between downloads, and the job it
//! starts.

use super::{Browsing, start};
use crate::app::cx::Cx;
use crate::app::kind::{Kind, what_word};
use crate::app::note::Note;
use crate::app::prompt::{Prompt, PromptKind};
use crate::app::prompt_work::Pending;
use crate::engine::{Mapping, S3Source, Spec};
use std::path::PathBuf;

impl Browsing {
    /// The download prompt for `sources` (objects, versions, prefixes).
    pub(super) fn ask_download(&mut self, cx: &mut Cx, bucket: String, sources: Vec<S3Source>) {
        let dest = self
            .last_download_dir
            .clone()
            .or(cx.session.settings.transfers.download_dir.clone())
            .unwrap_or_else(|| PathBuf::from("."));
        let mut what = what_word(&sources);
        // An old version is not the object the tree shows: say which.
        if let [S3Source::Object(o)] = sources.as_slice()
            && let Some(id) = &o.version_id
        {
            let when = o
                .modified
                .map(|t| format!(", {}", crate::format::short_time(t, cx.session.tz)))
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
        cx.note(Note::Prompt(Box::new(
            Prompt::new(PromptKind::Download, format!("Download {what} to: "), &text)
                .with_work(target),
        )));
    }

    pub(super) fn submit_download(&mut self, cx: &mut Cx, typed: &str, p: Pending) {
        let typed = typed.trim();
        if typed.is_empty() {
            cx.status("Nothing downloaded: no folder given");
            return;
        }
        let dest = crate::config::expand_home(std::path::Path::new(typed));
        self.last_download_dir = Some(dest.clone());
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
        start(
            cx,
            Kind::Download,
            spec,
            (from, dest.display().to_string()),
            Vec::new(),
        );
        self.marks.clear();
    }
}
