//! The modal stack: prompts, questions and popups, topmost last. Keys go to
//! the top one; a background error never replaces what is open (it goes to
//! the message log), so a half-typed prompt or an open question survives
//! whatever the network does meanwhile.

use super::prompt::{Prompt, PromptEvent, PromptKind};
use super::{App, Effect};
use crate::diagnose::Explanation;
use crate::keymap::{Action, Context};
use crossterm::event::{KeyCode, KeyEvent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Modal {
    Prompt(Prompt),
    /// Help for the context it was opened from.
    Help {
        scroll: u16,
        context: Context,
    },
    /// The message log, newest first.
    Messages {
        scroll: u16,
    },
    Copy,
    Error(Explanation),
    /// "Quit while these run?" — names them and goes away when they end.
    ConfirmQuit,
}

impl Modal {
    pub fn context(&self) -> Context {
        match self {
            Modal::Prompt(_) => Context::Prompt,
            Modal::Help { .. } => Context::Help,
            Modal::Messages { .. } => Context::Messages,
            Modal::Copy => Context::Copy,
            // Any key closes an error popup; Ctrl-c still quits.
            Modal::Error(_) => Context::Help,
            Modal::ConfirmQuit => Context::Confirm,
        }
    }
}

/// New scroll offset for a scrolling action, clamped to `max`; `None` when
/// the action does not scroll.
pub(super) fn scrolled(scroll: u16, action: Option<Action>, page: u16, max: u16) -> Option<u16> {
    let s = match action? {
        Action::MoveDown => scroll.saturating_add(1),
        Action::MoveUp => scroll.saturating_sub(1),
        Action::PageDown => scroll.saturating_add(page),
        Action::PageUp => scroll.saturating_sub(page),
        Action::Top => 0,
        Action::Bottom => max,
        _ => return None,
    };
    Some(s.min(max))
}

/// Handles a key for the top modal.
pub(super) fn on_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    let Some(top) = app.modals.last().cloned() else {
        return;
    };
    let action = app.keymap.action(top.context(), &key);
    if action == Some(Action::Suspend) {
        fx.push(Effect::Suspend);
        return;
    }
    match top {
        Modal::Help { scroll, context } => {
            let max = crate::layout::help_max_scroll(app, context);
            let page = crate::layout::help_page(app, context);
            match scrolled(scroll, action, page, max) {
                Some(scroll) => set_top(app, Modal::Help { scroll, context }),
                // Close, or any key the help has no use for.
                None => {
                    app.modals.pop();
                }
            }
        }
        Modal::Messages { scroll } => {
            let max = crate::layout::messages_max_scroll(app);
            let page = crate::layout::messages_page(app);
            match scrolled(scroll, action, page, max) {
                Some(scroll) => set_top(app, Modal::Messages { scroll }),
                None if action == Some(Action::Close) => {
                    app.modals.pop();
                }
                None => {}
            }
        }
        Modal::Copy => {
            app.modals.pop();
            if key.code == KeyCode::Esc {
                return;
            }
            match app.keymap.copy_target(&key) {
                Some(what) => super::copy::copy(app, what, fx),
                None => app.set_status("Nothing copied"),
            }
        }
        Modal::Error(_) => {
            app.modals.pop();
        }
        Modal::ConfirmQuit => {
            app.modals.pop();
            if action == Some(Action::Yes) {
                fx.push(Effect::Quit);
            }
        }
        Modal::Prompt(mut p) => {
            let ev = p.handle(&app.keymap, &key);
            set_top(app, Modal::Prompt(p.clone()));
            on_prompt(app, &p, ev, fx);
        }
    }
}

/// Pasted text goes to an open prompt; elsewhere it is ignored for now.
pub(super) fn on_paste(app: &mut App, text: &str, fx: &mut Vec<Effect>) {
    if let Some(Modal::Prompt(p)) = app.modals.last_mut() {
        let ev = p.paste(text);
        let p = p.clone();
        on_prompt(app, &p, ev, fx);
    }
}

fn on_prompt(app: &mut App, p: &Prompt, ev: PromptEvent, fx: &mut Vec<Effect>) {
    match p.kind {
        PromptKind::Filter => super::update::on_filter(app, p.value(), ev, fx),
    }
}

fn set_top(app: &mut App, m: Modal) {
    if let Some(top) = app.modals.last_mut() {
        *top = m;
    }
}

/// Opens the quit question, or quits when nothing would be lost.
pub(super) fn ask_quit(app: &mut App, fx: &mut Vec<Effect>) {
    if app.tasks.long().next().is_some() {
        app.modals.push(Modal::ConfirmQuit);
    } else {
        fx.push(Effect::Quit);
    }
}

/// The quit question asks about what runs; when nothing does any more it
/// has nothing to ask.
pub(super) fn tasks_changed(app: &mut App) {
    if app.tasks.long().next().is_none()
        && let Some(i) = app.modals.iter().position(|m| *m == Modal::ConfirmQuit)
    {
        app.modals.remove(i);
        app.set_status("Nothing is running any more");
    }
}
