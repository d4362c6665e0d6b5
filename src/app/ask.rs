//! The question before a change to version history: what will happen, in
//! lines and a scrollable list of keys, confirmed with `y` or, for what
//! cannot be undone or touches many keys, by typing a given text (the first
//! characters of a version id, the number of changes). On yes it starts the
//! job it carries; nothing runs before.

use super::modal::Modal;
use super::transfers::Kind;
use super::{App, Effect};
use crate::engine::Spec;
use crate::keymap::{Action, Context};
use crossterm::event::{KeyCode, KeyEvent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ask {
    pub title: String,
    /// What will happen, a sentence a line; warnings start with "⚠".
    pub lines: Vec<String>,
    /// Keys (or versions) it acts on, scrollable.
    pub list: Vec<String>,
    pub scroll: usize,
    /// Text that must be typed to confirm; `None`: `y` confirms.
    pub typed_needed: Option<String>,
    pub typed: String,
    /// What yes starts.
    pub job: Option<AskJob>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AskJob {
    pub kind: Kind,
    pub spec: Spec,
    pub from: String,
    pub to: String,
    pub touches: Vec<(String, String)>,
    /// The sentence the job's summary ends with.
    pub after: Option<String>,
}

impl Ask {
    pub fn new(title: impl Into<String>, lines: Vec<String>) -> Ask {
        Ask {
            title: title.into(),
            lines,
            list: Vec::new(),
            scroll: 0,
            typed_needed: None,
            typed: String::new(),
            job: None,
        }
    }

    fn confirmed(&self) -> bool {
        match &self.typed_needed {
            Some(t) => !t.is_empty() && self.typed.trim() == t,
            None => true,
        }
    }
}

impl App {
    /// Starts the job; `{started}` in its closing sentence becomes the
    /// moment it started (local time and UTC).
    pub(crate) fn start_ask_job(&mut self, job: AskJob, fx: &mut Vec<Effect>) {
        let started = crate::format::long_time(self.clock.now_ms.div_euclid(1000), self.tz);
        self.start_transfer(job.kind, job.spec, (job.from, job.to), job.touches, fx);
        if let Some(last) = self.transfers.jobs.last_mut() {
            last.after = job.after.map(|a| a.replace("{started}", &started));
        }
    }
}

pub(super) fn on_key(app: &mut App, mut a: Ask, key: KeyEvent, fx: &mut Vec<Effect>) {
    let action = app.keymap.action(Context::Confirm, &key);
    let page = 10;
    let max = a.list.len().saturating_sub(1);
    match key.code {
        KeyCode::Esc => {
            app.modals.pop();
            app.set_status("Nothing changed");
            return;
        }
        KeyCode::Down => a.scroll = a.scroll.saturating_add(1).min(max),
        KeyCode::Up => a.scroll = a.scroll.saturating_sub(1),
        KeyCode::PageDown => a.scroll = a.scroll.saturating_add(page).min(max),
        KeyCode::PageUp => a.scroll = a.scroll.saturating_sub(page),
        KeyCode::Backspace if a.typed_needed.is_some() => {
            a.typed.pop();
        }
        KeyCode::Enter if a.typed_needed.is_some() && a.confirmed() => {
            return yes(app, a, fx);
        }
        KeyCode::Enter if a.typed_needed.is_some() => {}
        KeyCode::Char(c) if a.typed_needed.is_some() && a.typed.chars().count() < 64 => {
            a.typed.push(c);
        }
        KeyCode::Char(_) if a.typed_needed.is_some() => {}
        // `q` is "yes" for the quit question only: never here.
        KeyCode::Char('q') => {}
        _ if action == Some(Action::Yes) => return yes(app, a, fx),
        _ if action == Some(Action::No) => {
            app.modals.pop();
            app.set_status("Nothing changed");
            return;
        }
        _ => {}
    }
    if let Some(Modal::Ask(top)) = app.modals.last_mut() {
        **top = a;
    }
}

fn yes(app: &mut App, a: Ask, fx: &mut Vec<Effect>) {
    app.modals.pop();
    if let Some(job) = a.job {
        app.start_ask_job(job, fx);
    }
}
