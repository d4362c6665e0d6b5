//! The panel's transitions: moving through the versions, the pages and
//! details as they arrive, and the actions on the selected version. The
//! actions end in notes (a question, the download prompt, the share popup,
//! a job); the panel itself only changes its rows, cursor and slots.

use super::{Msg, Outcome, Panel, Reply, Request, Slot};
use crate::app::cx::Cx;
use crate::app::kind::Kind;
use crate::app::note::Note;
use crate::app::question::{Planned, Question, Said, Tone};
use crate::app::scroll::scrolled;
use crate::app::share::Share;
use crate::app::{Extent, Job, Load, Owner};
use crate::engine::S3Source;
use crate::engine::history::Step;
use crate::format::{human_size, long_time};
use crate::keymap::{Action, Context};
use crate::sanitize::clean;
use crate::store::{LinkMethod, ObjectSummary, ObjectVersion};

/// Characters of a version id typed to confirm removing it for good.
pub const TYPED_ID_CHARS: usize = 6;

/// Rows a page key moves.
const PAGE: usize = 10;

impl Panel {
    pub fn update(&mut self, cx: &mut Cx, msg: Msg) -> Outcome {
        match msg {
            Msg::Key(action) => return self.on_action(cx, action),
            Msg::Task(id, Reply::Page(page)) => {
                if self.listing != Load::Loading(id) {
                    return Outcome::Keep;
                }
                match page {
                    // Only exactly this key's rows are kept (`a.txt.bak`
                    // shares the prefix `a.txt` but is another key).
                    Ok(page) => {
                        let first = self.rows.is_empty();
                        let key = &self.key;
                        self.rows
                            .extend(page.versions.into_iter().filter(|v| v.key == *key));
                        if page.next.is_none() {
                            self.listing = Load::Ready(Extent::Whole);
                        }
                        if first {
                            self.inspect(cx);
                        }
                    }
                    Err(e) => {
                        self.listing = Load::Failed(e);
                    }
                }
            }
            Msg::Task(id, Reply::Info(info)) => {
                if let Some((_, load)) = &mut self.info
                    && *load == Load::Loading(id)
                {
                    *load = match *info {
                        Ok(i) => Load::Ready(Box::new(i)),
                        Err(e) => Load::Failed(e),
                    };
                }
            }
            Msg::Changed { bucket, prefix } => {
                // Reloaded where it is: a question open above it stays on top.
                if self.bucket == bucket && self.key.starts_with(&prefix) {
                    let versioning = self.versioning.clone();
                    *self = Panel::open(cx, bucket, self.key.clone(), versioning);
                }
            }
        }
        Outcome::Keep
    }

    fn on_action(&mut self, cx: &mut Cx, action: Option<Action>) -> Outcome {
        let last = self.rows.len().saturating_sub(1);
        if let Some(c) = scrolled(self.cursor, action, PAGE, last) {
            self.cursor = c;
            self.inspect(cx);
            return Outcome::Keep;
        }
        match action {
            Some(Action::Close) => {
                cx.cancel_where(super::owns);
                return Outcome::Close;
            }
            Some(Action::Download) => self.download(cx),
            Some(Action::Share) => self.share(cx),
            Some(Action::Restore) => self.restore(cx),
            Some(Action::Delete) => self.purge(cx),
            Some(Action::Undelete) => self.undelete(cx),
            Some(Action::Help) => cx.note(Note::Help(Context::Versions)),
            _ => {}
        }
        Outcome::Keep
    }

    /// Loads the selected version's details, unless they are there.
    fn inspect(&mut self, cx: &mut Cx) {
        let Some(v) = self.selected() else { return };
        if v.delete_marker
            || self
                .info
                .as_ref()
                .is_some_and(|(id, _)| *id == v.version_id)
        {
            return;
        }
        let obj = v.object(&self.bucket);
        let version = v.version_id.clone();
        cx.cancel_where(|o| *o == Owner::Versions(Slot::Info));
        let id = cx.start(
            Owner::Versions(Slot::Info),
            Job::Versions(Request::Info(obj)),
        );
        self.info = Some((version, Load::Loading(id)));
    }

    /// The selected version, unless it is a delete marker (nothing to read).
    fn readable(&self, cx: &mut Cx) -> Option<ObjectVersion> {
        let v = self.selected()?.clone();
        if v.delete_marker {
            cx.status("A delete marker has no content: pick a version");
            return None;
        }
        Some(v)
    }

    fn download(&self, cx: &mut Cx) {
        let Some(v) = self.readable(cx) else { return };
        let source = S3Source::Object(ObjectSummary {
            restore: None,
            key: v.key.clone(),
            size: v.size,
            modified: v.modified,
            storage_class: v.storage_class.clone(),
            etag: v.etag.clone(),
            version_id: Some(v.version_id.clone()),
        });
        cx.note(Note::AskDownload {
            bucket: self.bucket.clone(),
            sources: vec![source],
        });
    }

    fn share(&self, cx: &mut Cx) {
        let Some(v) = self.readable(cx) else { return };
        let share = Share::new(&self.bucket, vec![v.object(&self.bucket)], LinkMethod::Get);
        cx.note(Note::Share(Box::new(share)));
    }

    fn restore(&self, cx: &mut Cx) {
        let Some(v) = self.readable(cx) else { return };
        if self.never_versioned() {
            cx.status("Versioning was never enabled here: there is only the current object");
            return;
        }
        if v.is_latest {
            cx.status("This version is already the current object");
            return;
        }
        if v.archived() {
            cx.status(format!(
                "This version is in {}: it must be restored from the archive (RestoreObject) before it can be copied",
                clean(v.storage_class.as_deref().unwrap_or(""))
            ));
            return;
        }
        let bucket = &self.bucket;
        let when = v
            .modified
            .map(|t| long_time(t, cx.session.tz))
            .unwrap_or_default();
        let mut lines = vec![
            Said::plain(format!(
                "Copy version {} ({}, {}) over s3://{}/{}.",
                v.version_id,
                human_size(v.size),
                when,
                bucket,
                v.key
            )),
            Said::plain(
                "It becomes the new latest version, with its metadata and tags; every other version stays.",
            ),
        ];
        // Suspended: the copy replaces the `null` version, which is lost.
        let suspended = self.suspended();
        if suspended {
            lines.push(Said::tone(
                Tone::Warn,
                "⚠ Versioning is Suspended on this bucket: the copy is written as the `null` version and \
                 replaces any existing `null` version for good.",
            ));
        }
        let q = Question::new(" Restore this version? ", lines, "restore", suspended)
            .start(key_job(Kind::Restore, bucket, Step::restore(&v)));
        cx.note(Note::Ask(Box::new(q)));
    }

    /// `X`: this version (or marker) removed for good, after typing the
    /// first characters of its id.
    fn purge(&self, cx: &mut Cx) {
        let Some(v) = self.selected().cloned() else {
            return;
        };
        let bucket = &self.bucket;
        let what = if v.delete_marker {
            "delete marker"
        } else {
            "version"
        };
        let mut lines = vec![
            Said::plain(format!(
                "Remove {what} {} of s3://{}/{} for good.",
                v.version_id, bucket, v.key
            )),
            if v.delete_marker {
                Said::plain("Removing a delete marker brings back the version under it.")
            } else {
                Said::tone(
                    Tone::Warn,
                    "⚠ This cannot be undone: the bytes of this version are gone, no other version changes.",
                )
            },
        ];
        if let Some(info) = self.loaded_info(&v.version_id) {
            if let Some(mode) = &info.object_lock_mode {
                lines.push(Said::tone(
                    Tone::Warn,
                    format!(
                        "⚠ Object lock {} until {}: the server will refuse.",
                        mode,
                        info.object_lock_retain_until
                            .map(|t| long_time(t, cx.session.tz))
                            .unwrap_or_else(|| "?".into())
                    ),
                ));
            }
            if info.legal_hold.as_deref() == Some("ON") {
                lines.push(Said::tone(
                    Tone::Warn,
                    "⚠ A legal hold is ON: the server will refuse until it is lifted.",
                ));
            }
        }
        let prefix: String = v.version_id.chars().take(TYPED_ID_CHARS).collect();
        let step = Step::Purge {
            key: v.key.clone(),
            version_id: v.version_id.clone(),
            size: v.size,
        };
        let q = Question::new(
            format!(" Delete this {what} permanently? "),
            lines,
            "delete it for good",
            true,
        )
        .typed(prefix, "the first characters of the version id")
        .start(key_job(Kind::Purge, bucket, step));
        cx.note(Note::Ask(Box::new(q)));
    }

    /// `U` on a deleted key: its delete markers on top go, the newest
    /// version is current again. Nothing is lost, so no question.
    fn undelete(&self, cx: &mut Cx) {
        if !self.deleted() {
            cx.status("This key is not deleted (its latest is not a delete marker)");
            return;
        }
        let markers = self.markers_on_top();
        let size = self.rows.get(markers.len()).map(|v| v.size).unwrap_or(0);
        if markers.len() == self.rows.len() {
            cx.status("Only delete markers: there is no version to bring back");
            return;
        }
        let step = Step::Undelete {
            key: self.key.clone(),
            markers,
            size,
        };
        let job = key_job(Kind::Undelete, &self.bucket, step);
        cx.note(Note::Start(Box::new(job)));
    }
}

/// A history job on one key, refreshing the folder it is in.
fn key_job(kind: Kind, bucket: &str, step: Step) -> Planned {
    let key = step.key().to_owned();
    let place = format!("s3://{bucket}/{key}");
    Planned {
        kind,
        spec: crate::engine::Spec::History {
            bucket: bucket.to_owned(),
            steps: vec![step],
        },
        from: place.clone(),
        to: if kind == Kind::Purge {
            String::new()
        } else {
            place
        },
        touches: vec![(bucket.to_owned(), crate::engine::parent_of(&key).to_owned())],
        after: None,
        clear_marks: false,
    }
}
