//! What a feature's `update` is handed besides its own state: the
//! [`Session`] to read, a way to start and cancel tasks, and an outbox for
//! effects and [`Note`]s. A feature that takes a `Cx` cannot reach another
//! feature's state: whatever it wants done elsewhere (ask a question, open
//! the download prompt, say something on the status line) it writes as a
//! note, and `App` routes it (update.rs `route`).
//!
//! Task ids come from the one [`Tasks`] table, so a feature can record the
//! id of what it started in its own loading slot and drop stale results by
//! comparing ids; that is the only shared thing a feature may change.

use super::note::Note;
use super::{Effect, Job, Owner, Session, TaskId, Tasks};

/// Whether a popup stays open after its update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Keep,
    Close,
}

pub struct Cx<'a> {
    pub session: &'a Session,
    tasks: &'a mut Tasks,
    fx: Vec<Effect>,
    notes: Vec<Note>,
}

impl<'a> Cx<'a> {
    pub fn new(session: &'a Session, tasks: &'a mut Tasks) -> Cx<'a> {
        Cx {
            session,
            tasks,
            fx: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Starts `job` for `owner` on behalf of the user's latest action.
    pub fn start(&mut self, owner: Owner, job: Job) -> TaskId {
        let action = self.tasks.action;
        let (id, effect) = self.tasks.start(owner, job, action);
        self.fx.push(effect);
        id
    }

    /// Starts background work nobody asked for by a key: its errors show
    /// where its result would, never as a popup.
    pub fn start_background(&mut self, owner: Owner, job: Job) -> TaskId {
        let (id, effect) = self.tasks.start(owner, job, 0);
        self.fx.push(effect);
        id
    }

    /// Who started task `id`, while it runs.
    pub fn owner_of(&self, id: TaskId) -> Option<&Owner> {
        self.tasks.live(id).map(|t| &t.owner)
    }

    /// Cancels every live task whose owner matches.
    pub fn cancel_where(&mut self, pred: impl FnMut(&Owner) -> bool) {
        let fx = self.tasks.cancel_where(pred);
        self.fx.extend(fx);
    }

    /// Cancels one task (a no-op when it already ended or was cancelled).
    pub fn cancel(&mut self, id: TaskId) {
        self.fx.extend(self.tasks.cancel(id));
    }

    /// The user action that started task `id` (0 once it is gone): an
    /// error that action caused may interrupt with a popup.
    pub fn action_of(&self, id: TaskId) -> u64 {
        self.tasks.live(id).map(|t| t.action).unwrap_or(0)
    }

    pub fn effect(&mut self, e: Effect) {
        self.fx.push(e);
    }

    pub fn note(&mut self, n: Note) {
        self.notes.push(n);
    }

    /// A line for the status bar and the message log.
    pub fn status(&mut self, text: impl Into<String>) {
        self.notes.push(Note::Status(text.into()));
    }

    /// What the update asked for: effects for the runtime, notes for `App`.
    pub fn finish(self) -> (Vec<Effect>, Vec<Note>) {
        (self.fx, self.notes)
    }
}
