//! The questions before and during operations. A delete (or a prefix
//! rename) is previewed from a complete listing taken first: the exact
//! count and size, the first keys, what versioning means for it; a listing
//! that fails means nothing happens. One object is confirmed with `y`;
//! anything recursive or more than one object by typing the count. A job
//! that meets an existing destination asks once what to do with all of
//! them.

use super::modal::Modal;
use super::transfers::Kind;
use super::{App, Effect, Job, Owner, TaskId};
use crate::engine::{Choice, DeletePlan, S3Source, Spec, parent_of};
use crate::sanitize::clean;
use crate::store::StoreResult;
use crossterm::event::{KeyCode, KeyEvent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Purpose {
    Delete,
    /// Renaming a prefix moves every key under it: shown first.
    Rename {
        spec: Spec,
        touches: Vec<(String, String)>,
        to: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    pub purpose: Purpose,
    pub bucket: String,
    pub sources: Vec<S3Source>,
    /// The listing task while it runs.
    pub task: Option<TaskId>,
    pub listed: u64,
    pub plan: Option<DeletePlan>,
    pub error: Option<String>,
    /// What the user typed (the count, for recursive deletes).
    pub typed: String,
    /// The bucket's versioning status when known ("Enabled", ...).
    pub versioning: Option<String>,
    pub scroll: u16,
    pub note: Option<String>,
}

impl Preview {
    /// Whether confirming takes typing the number of objects.
    pub fn needs_typed(&self) -> bool {
        self.purpose == Purpose::Delete
            && (self
                .sources
                .iter()
                .any(|s| matches!(s, S3Source::Prefix(_)))
                || self.plan.as_ref().is_some_and(|p| p.keys.len() > 1))
    }
}

/// Opens the preview; for anything but one object, lists first.
pub(super) fn preview(
    app: &mut App,
    purpose: Purpose,
    bucket: String,
    sources: Vec<S3Source>,
    fx: &mut Vec<Effect>,
) {
    let versioning = app.browse.as_ref().and_then(|b| match &b.info {
        Some(super::Load::Ready(i)) => i.versioning.clone().ok(),
        _ => None,
    });
    let mut p = Preview {
        purpose,
        bucket: bucket.clone(),
        sources: sources.clone(),
        task: None,
        listed: 0,
        plan: None,
        error: None,
        typed: String::new(),
        versioning,
        scroll: 0,
        note: None,
    };
    match sources.as_slice() {
        [S3Source::Object(o)] => {
            p.plan = Some(DeletePlan {
                bucket,
                keys: vec![(o.key.clone(), o.size)],
                bytes: o.size,
            });
        }
        _ => {
            fx.extend(app.tasks.cancel_where(|o| *o == Owner::DeletePlan));
            let (id, spawn) = app.start_id(Owner::DeletePlan, Job::PlanDelete { bucket, sources });
            fx.push(spawn);
            p.task = Some(id);
        }
    }
    app.modals.push(Modal::Preview(Box::new(p)));
}

fn preview_mut(app: &mut App, id: TaskId) -> Option<&mut Preview> {
    app.modals.iter_mut().rev().find_map(|m| match m {
        Modal::Preview(p) if p.task == Some(id) => Some(&mut **p),
        _ => None,
    })
}

pub(super) fn on_planning(app: &mut App, id: TaskId, n: u64) {
    if let Some(p) = preview_mut(app, id) {
        p.listed = n;
    }
}

pub(super) fn on_plan(app: &mut App, id: TaskId, r: StoreResult<DeletePlan>) {
    if let Some(p) = preview_mut(app, id) {
        p.task = None;
        match r {
            Ok(plan) => p.plan = Some(plan),
            Err(e) => {
                p.error = Some(format!(
                    "Listing failed, so nothing was changed: {}",
                    crate::diagnose::short(&e)
                ))
            }
        }
    }
}

pub(super) fn on_preview_key(app: &mut App, mut p: Preview, key: KeyEvent, fx: &mut Vec<Effect>) {
    let close = |app: &mut App| {
        app.modals.pop();
    };
    if key.code == KeyCode::Esc {
        if let Some(id) = p.task {
            fx.extend(app.tasks.cancel(id));
        }
        close(app);
        app.set_status("Nothing changed");
        return;
    }
    match key.code {
        KeyCode::Down => p.scroll = p.scroll.saturating_add(1),
        KeyCode::Up => p.scroll = p.scroll.saturating_sub(1),
        KeyCode::PageDown => p.scroll = p.scroll.saturating_add(10),
        KeyCode::PageUp => p.scroll = p.scroll.saturating_sub(10),
        _ => {}
    }
    if p.error.is_some() {
        if !matches!(
            key.code,
            KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown
        ) {
            close(app);
        } else {
            set_preview(app, p);
        }
        return;
    }
    let Some(plan) = p.plan.clone() else {
        set_preview(app, p);
        return;
    };
    if plan.keys.is_empty() {
        close(app);
        app.set_status("Nothing to delete: the listing found no objects");
        return;
    }
    let go = if p.needs_typed() {
        match key.code {
            KeyCode::Char(c) if c.is_ascii_digit() && p.typed.len() < 12 => {
                p.typed.push(c);
                p.note = None;
                false
            }
            KeyCode::Backspace => {
                p.typed.pop();
                false
            }
            KeyCode::Enter if p.typed == plan.keys.len().to_string() => true,
            KeyCode::Enter => {
                p.note = Some(format!(
                    "Type {} (the number of objects) to confirm",
                    plan.keys.len()
                ));
                false
            }
            _ => false,
        }
    } else {
        match app.keymap.action(crate::keymap::Context::Confirm, &key) {
            Some(crate::keymap::Action::Yes) => true,
            Some(crate::keymap::Action::No) => {
                close(app);
                app.set_status("Nothing changed");
                return;
            }
            _ => false,
        }
    };
    if !go {
        set_preview(app, p);
        return;
    }
    close(app);
    match p.purpose {
        Purpose::Delete => {
            let mut touches: Vec<(String, String)> = p
                .sources
                .iter()
                .map(|s| (p.bucket.clone(), parent_of(s.key()).to_owned()))
                .collect();
            touches.dedup();
            let from = format!("s3://{}/{}", p.bucket, super::ops::what_word(&p.sources));
            let spec = Spec::Delete {
                bucket: p.bucket.clone(),
                keys: plan.keys,
            };
            app.start_transfer(Kind::Delete, spec, (from, String::new()), touches, fx);
            app.marks.clear();
        }
        Purpose::Rename { spec, touches, to } => {
            let from = format!("s3://{}/{}", p.bucket, super::ops::what_word(&p.sources));
            let to = format!("s3://{}/{}", p.bucket, to);
            app.start_transfer(Kind::Rename, spec, (from, to), touches, fx);
        }
    }
}

fn set_preview(app: &mut App, p: Preview) {
    if let Some(Modal::Preview(top)) = app.modals.last_mut() {
        **top = p;
    }
}

/// A job asks about its first conflict. The question opens at once unless
/// the user is typing or answering something else; then the status bar
/// says a job waits and the transfers panel opens it.
pub(super) fn ask_conflict(app: &mut App, id: TaskId) {
    let busy = app.modals.last().is_some_and(|m| {
        matches!(
            m,
            Modal::Prompt(_) | Modal::Preview(_) | Modal::Conflict { .. }
        )
    });
    if busy {
        app.set_status("A transfer is waiting for your answer: t opens it");
    } else {
        app.modals.push(Modal::Conflict {
            task: id,
            selected: 0,
        });
    }
}

/// The job ended or was answered: its question goes away.
pub(super) fn conflict_gone(app: &mut App, id: TaskId) {
    app.modals
        .retain(|m| !matches!(m, Modal::Conflict { task, .. } if *task == id));
}

pub(super) fn on_conflict_key(
    app: &mut App,
    task: TaskId,
    selected: usize,
    key: KeyEvent,
    fx: &mut Vec<Effect>,
) {
    let pick = match key.code {
        KeyCode::Char('o') => Some(Choice::Overwrite),
        KeyCode::Char('s') => Some(Choice::Skip),
        KeyCode::Char('i') => Some(Choice::SkipIdentical),
        KeyCode::Char('k') => Some(Choice::KeepBoth),
        KeyCode::Char('c') | KeyCode::Esc => Some(Choice::Cancel),
        KeyCode::Enter => Choice::ALL.get(selected).copied(),
        KeyCode::Down | KeyCode::Tab => {
            set_conflict(app, task, (selected + 1) % Choice::ALL.len());
            None
        }
        KeyCode::Up | KeyCode::BackTab => {
            set_conflict(
                app,
                task,
                (selected + Choice::ALL.len() - 1) % Choice::ALL.len(),
            );
            None
        }
        _ => None,
    };
    let Some(choice) = pick else { return };
    conflict_gone(app, task);
    fx.push(Effect::Answer(task, choice));
    if let Some(job) = app.transfers.get_mut(task) {
        job.question = None;
    }
    app.set_status(format!("Conflicts: {}", choice.label()));
}

fn set_conflict(app: &mut App, task: TaskId, selected: usize) {
    if let Some(Modal::Conflict {
        task: t,
        selected: s,
    }) = app.modals.last_mut()
        && *t == task
    {
        *s = selected;
    }
}

/// What the preview says about versioning.
pub fn versioning_note(p: &Preview) -> Option<String> {
    match (p.purpose == Purpose::Delete, p.versioning.as_deref()) {
        (true, Some("Enabled")) => Some(
            "Versioning is on: this adds delete markers; older versions stay restorable".into(),
        ),
        (true, Some("Suspended")) => Some(
            "Versioning is suspended: objects without versions are removed for good; older versions stay"
                .into(),
        ),
        (true, _) => Some("Versioning is off: this cannot be undone".into()),
        _ => None,
    }
}

/// A key list line, escaped.
pub fn key_line(key: &str, size: u64) -> String {
    format!("{}  {}", clean(key), crate::format::human_size(size))
}
