//! The versions panel (`v` on an object): every version and delete marker
//! of exactly that key, newest first, loaded only when asked and shown from
//! the first page on; the selected version's details beside them (HeadObject
//! with its version id). From here a version is downloaded, shared,
//! restored (copied over the key as the new latest), removed for good
//! (typed confirmation) or, when the key is deleted, undeleted. What the
//! bucket reports decides what is offered: a bucket that never had
//! versioning has only the current object; a Suspended one is warned about
//! before a restore replaces its `null` version.

use super::kind::Kind;
use super::modal::Modal;
use super::question::{Planned, Question, Said, Tone};
use super::{App, Effect, Job, Load, Owner, Screen, TaskId};
use crate::engine::S3Source;
use crate::engine::history::Step;
use crate::format::{human_size, long_time};
use crate::keymap::{Action, Context};
use crate::sanitize::clean;
use crate::store::{
    LinkMethod, ObjectInfo, ObjectSummary, ObjectVersion, StoreResult, Versioning, VersionsPage,
};
use crossterm::event::KeyEvent;

/// Characters of a version id typed to confirm removing it for good.
pub const TYPED_ID_CHARS: usize = 6;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Panel {
    pub bucket: String,
    pub key: String,
    /// Exactly this key's versions and markers, newest first.
    pub rows: Vec<ObjectVersion>,
    /// The listing, while pages still come.
    pub listing: Option<TaskId>,
    pub error: Option<String>,
    pub cursor: usize,
    /// The bucket's versioning status when known.
    pub versioning: Option<Versioning>,
    /// Details of the selected version.
    pub info: Option<(String, Load<Box<ObjectInfo>>)>,
}

impl Panel {
    pub fn selected(&self) -> Option<&ObjectVersion> {
        self.rows.get(self.cursor)
    }

    pub fn never_versioned(&self) -> bool {
        self.versioning == Some(Versioning::NeverEnabled)
    }

    pub fn suspended(&self) -> bool {
        self.versioning == Some(Versioning::Suspended)
    }

    /// The key is deleted: its latest is a delete marker.
    pub fn deleted(&self) -> bool {
        self.rows.first().is_some_and(|v| v.delete_marker)
    }

    /// The delete markers above the newest version: removing them all makes
    /// that version current again.
    pub fn markers_on_top(&self) -> Vec<String> {
        self.rows
            .iter()
            .take_while(|v| v.delete_marker)
            .map(|v| v.version_id.clone())
            .collect()
    }

    fn loaded_info(&self, version: &str) -> Option<&ObjectInfo> {
        match &self.info {
            Some((v, Load::Ready(i))) if v == version => Some(i),
            _ => None,
        }
    }
}

impl App {
    /// `v`: versions of the object under the cursor; on a prefix (or from
    /// the bucket list, a whole bucket) the rollback prompt.
    pub(crate) fn versions(&mut self, fx: &mut Vec<Effect>) {
        if self.view.screen == Screen::Buckets {
            if let Some(row) = self.buckets.selected() {
                let bucket = row.name.clone();
                self.ask_rollback_moment(bucket, String::new());
            }
            return;
        }
        let Some(b) = &self.browse else { return };
        let bucket = b.tree.bucket.clone();
        match b.tree.selected() {
            Some(super::tree::Selected::Object(key)) => self.open_versions(bucket, key, fx),
            Some(super::tree::Selected::Prefix(p)) => self.ask_rollback_moment(bucket, p),
            None => {
                let root = b.tree.root.clone();
                self.ask_rollback_moment(bucket, root);
            }
        }
    }

    pub(crate) fn open_versions(&mut self, bucket: String, key: String, fx: &mut Vec<Effect>) {
        self.load_versions(bucket, key, fx);
        self.modals.push(Modal::Versions);
    }

    /// Lists the key's versions into a fresh panel state.
    fn load_versions(&mut self, bucket: String, key: String, fx: &mut Vec<Effect>) {
        fx.extend(
            self.tasks
                .cancel_where(|o| matches!(o, Owner::Versions | Owner::VersionInfo)),
        );
        let versioning = self.browse.as_ref().and_then(|b| match &b.info {
            Some(Load::Ready(i)) => i.versioning.clone().ok(),
            _ => None,
        });
        let (id, effect) = self.start_id(
            Owner::Versions,
            Job::ListVersions {
                bucket: bucket.clone(),
                key: key.clone(),
            },
        );
        fx.push(effect);
        self.versions = Some(Panel {
            bucket,
            key,
            rows: Vec::new(),
            listing: Some(id),
            error: None,
            cursor: 0,
            versioning,
            info: None,
        });
    }

    fn inspect_version(&mut self, fx: &mut Vec<Effect>) {
        let Some(p) = &self.versions else { return };
        let Some(v) = p.selected() else { return };
        if v.delete_marker || p.info.as_ref().is_some_and(|(id, _)| *id == v.version_id) {
            return;
        }
        let obj = v.object(&p.bucket);
        let version = v.version_id.clone();
        fx.extend(self.tasks.cancel_where(|o| *o == Owner::VersionInfo));
        let (id, effect) = self.start_id(Owner::VersionInfo, Job::VersionInfo(obj));
        fx.push(effect);
        if let Some(p) = &mut self.versions {
            p.info = Some((version, Load::Loading(id)));
        }
    }
}

/// A page of the key's versions: only exactly this key's rows are kept
/// (`a.txt.bak` shares the prefix `a.txt` but is another key).
pub(super) fn on_page(
    app: &mut App,
    id: TaskId,
    page: StoreResult<VersionsPage>,
    fx: &mut Vec<Effect>,
) {
    let Some(p) = &mut app.versions else { return };
    if p.listing != Some(id) {
        return;
    }
    match page {
        Ok(page) => {
            let first = p.rows.is_empty();
            p.rows
                .extend(page.versions.into_iter().filter(|v| v.key == p.key));
            if page.next.is_none() {
                p.listing = None;
            }
            if first {
                app.inspect_version(fx);
            }
        }
        Err(e) => {
            p.listing = None;
            p.error = Some(crate::diagnose::short(&e));
        }
    }
}

pub(super) fn on_info(app: &mut App, id: TaskId, info: StoreResult<ObjectInfo>) {
    let Some(p) = &mut app.versions else { return };
    if let Some((_, load)) = &mut p.info
        && *load == Load::Loading(id)
    {
        *load = match info {
            Ok(i) => Load::Ready(Box::new(i)),
            Err(e) => Load::Failed(e),
        };
    }
}

pub(super) fn on_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    let action = app.session.keymap.action(Context::Versions, &key);
    let Some(p) = &mut app.versions else {
        app.modals.pop();
        return;
    };
    let n = p.rows.len();
    let moved = match action {
        Some(Action::MoveDown) => Some(p.cursor + 1),
        Some(Action::MoveUp) => Some(p.cursor.saturating_sub(1)),
        Some(Action::PageDown) => Some(p.cursor + 10),
        Some(Action::PageUp) => Some(p.cursor.saturating_sub(10)),
        Some(Action::Top) => Some(0),
        Some(Action::Bottom) => Some(n.saturating_sub(1)),
        _ => None,
    };
    if let Some(c) = moved {
        p.cursor = c.min(n.saturating_sub(1));
        app.inspect_version(fx);
        return;
    }
    match action {
        Some(Action::Close) => {
            app.modals.pop();
            app.versions = None;
            fx.extend(
                app.tasks
                    .cancel_where(|o| matches!(o, Owner::Versions | Owner::VersionInfo)),
            );
        }
        Some(Action::Download) => download(app),
        Some(Action::Share) => share(app),
        Some(Action::Restore) => restore(app),
        Some(Action::Delete) => purge(app),
        Some(Action::Undelete) => undelete(app, fx),
        Some(Action::Help) => app.modals.push(Modal::Help {
            scroll: 0,
            context: Context::Versions,
        }),
        _ => {}
    }
}

/// The selected version, unless it is a delete marker (nothing to read).
fn readable(app: &mut App) -> Option<(String, ObjectVersion)> {
    let p = app.versions.as_ref()?;
    let v = p.selected()?.clone();
    if v.delete_marker {
        app.set_status("A delete marker has no content: pick a version");
        return None;
    }
    Some((p.bucket.clone(), v))
}

fn download(app: &mut App) {
    let Some((bucket, v)) = readable(app) else {
        return;
    };
    let source = S3Source::Object(ObjectSummary {
        key: v.key.clone(),
        size: v.size,
        modified: v.modified,
        storage_class: v.storage_class.clone(),
        etag: v.etag.clone(),
        version_id: Some(v.version_id.clone()),
    });
    app.ask_download(bucket, vec![source]);
}

fn share(app: &mut App) {
    let Some((bucket, v)) = readable(app) else {
        return;
    };
    let share = super::share::Share::new(&bucket, vec![v.object(&bucket)], LinkMethod::Get);
    app.open_share(share);
}

fn restore(app: &mut App) {
    let Some((bucket, v)) = readable(app) else {
        return;
    };
    let Some(p) = app.versions.as_ref() else {
        return;
    };
    if p.never_versioned() {
        app.set_status("Versioning was never enabled here: there is only the current object");
        return;
    }
    if v.is_latest {
        app.set_status("This version is already the current object");
        return;
    }
    if v.archived() {
        app.set_status(format!(
            "This version is in {}: it must be restored from the archive (RestoreObject) before it can be copied",
            clean(v.storage_class.as_deref().unwrap_or(""))
        ));
        return;
    }
    let when = v
        .modified
        .map(|t| long_time(t, app.session.tz))
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
    let suspended = p.suspended();
    if suspended {
        lines.push(Said::tone(
            Tone::Warn,
            "⚠ Versioning is Suspended on this bucket: the copy is written as the `null` version and \
             replaces any existing `null` version for good.",
        ));
    }
    let q = Question::new(" Restore this version? ", lines, "restore", suspended).start(key_job(
        Kind::Restore,
        &bucket,
        Step::restore(&v),
    ));
    app.ask(q);
}

/// `X`: this version (or marker) removed for good, after typing the first
/// characters of its id.
fn purge(app: &mut App) {
    let Some(p) = app.versions.as_ref() else {
        return;
    };
    let Some(v) = p.selected().cloned() else {
        return;
    };
    let bucket = p.bucket.clone();
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
    if let Some(info) = p.loaded_info(&v.version_id) {
        if let Some(mode) = &info.object_lock_mode {
            lines.push(Said::tone(
                Tone::Warn,
                format!(
                    "⚠ Object lock {} until {}: the server will refuse.",
                    mode,
                    info.object_lock_retain_until
                        .map(|t| long_time(t, app.session.tz))
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
    .start(key_job(Kind::Purge, &bucket, step));
    app.ask(q);
}

/// `U` on a deleted key: its delete markers on top go, the newest version
/// is current again. Nothing is lost, so no question.
fn undelete(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(p) = app.versions.as_ref() else {
        return;
    };
    if !p.deleted() {
        app.set_status("This key is not deleted (its latest is not a delete marker)");
        return;
    }
    let markers = p.markers_on_top();
    let size = p.rows.get(markers.len()).map(|v| v.size).unwrap_or(0);
    if markers.len() == p.rows.len() {
        app.set_status("Only delete markers: there is no version to bring back");
        return;
    }
    let (bucket, key) = (p.bucket.clone(), p.key.clone());
    let step = Step::Undelete {
        key: key.clone(),
        markers,
        size,
    };
    app.start_planned(key_job(Kind::Undelete, &bucket, step), fx);
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

/// Reloads the open panel after a history job on its key ended.
pub(super) fn refresh_if_showing(app: &mut App, bucket: &str, prefix: &str, fx: &mut Vec<Effect>) {
    let Some(p) = &app.versions else { return };
    if p.bucket == bucket && p.key.starts_with(prefix) && app.modals.contains(&Modal::Versions) {
        // Reloaded where it is: a question open above it stays on top.
        let (b, k) = (p.bucket.clone(), p.key.clone());
        app.load_versions(b, k, fx);
    }
}
