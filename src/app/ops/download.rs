//! The download prompt: where the selection (or a version, from the
//! versions panel) goes, remembered between downloads, and the job it
//! starts.

use crate::app::kind::{Kind, what_word};
use crate::app::modal::Modal;
use crate::app::prompt::{Prompt, PromptKind};
use crate::app::prompt_work::Pending;
use crate::app::{App, Effect};
use crate::engine::{Mapping, S3Source, Spec};
use std::path::PathBuf;

impl App {
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
}
