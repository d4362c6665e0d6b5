//! The modal stack: prompts, questions and popups, topmost last. Keys go to
//! the top one; a background error never replaces what is open (it goes to
//! the message log), so a half-typed prompt or an open question survives
//! whatever the network does meanwhile.

use super::prompt::{Prompt, PromptEvent, PromptKind};
use super::{App, Effect};
use crate::diagnose::Explanation;
use crate::keymap::{Action, Context};
use crossterm::event::{KeyCode, KeyEvent};

/// The modal stack, topmost last, and what the open operation prompts
/// work on. It reads as the stack itself (`modals.last()`, `push`, `pop`).
#[derive(Clone, Debug, Default)]
pub struct Modals {
    pub stack: Vec<Modal>,
    /// What the open operation prompt acts on.
    pub pending: Option<super::ops::Pending>,
    /// The local folder under the upload prompt; path completion.
    pub picker: super::ops::UploadPicker,
}

impl std::ops::Deref for Modals {
    type Target = Vec<Modal>;
    fn deref(&self) -> &Vec<Modal> {
        &self.stack
    }
}

impl std::ops::DerefMut for Modals {
    fn deref_mut(&mut self) -> &mut Vec<Modal> {
        &mut self.stack
    }
}

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
    /// A question before a change: delete, prefix rename, a transfer's
    /// conflict, restore, undelete, permanent delete, rollback.
    Question(Box<super::question::Question>),
    /// The transfers panel.
    Transfers,
    /// One job's items, failures first.
    TransferItems {
        task: super::TaskId,
        scroll: u16,
    },
    /// The share popup: presigned links.
    Share(Box<super::share::Share>),
    /// The versions panel (its state is `App::versions`).
    Versions,
    /// The open multipart uploads panel.
    Uploads(Box<super::uploads::UploadsPanel>),
    /// One line in full (a transfer item's whole reason): any key closes.
    Detail(Explanation),
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
            Modal::Question(_) => Context::Question,
            Modal::Transfers | Modal::TransferItems { .. } => Context::Transfers,
            Modal::Share(_) => Context::Share,
            Modal::Versions => Context::Versions,
            Modal::Uploads(_) => Context::Uploads,
            Modal::Detail(_) => Context::Help,
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
    let action = app.session.keymap.action(top.context(), &key);
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
                    super::question::uncovered(app);
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
            match app.session.keymap.copy_target(&key) {
                Some(what) => super::clipboard_menu::copy(app, what, fx),
                None => app.set_status("Nothing copied"),
            }
        }
        Modal::Error(_) | Modal::Detail(_) => {
            app.modals.pop();
        }
        Modal::ConfirmQuit => {
            app.modals.pop();
            if action == Some(Action::Yes) {
                fx.push(Effect::Quit);
            }
        }
        Modal::Prompt(mut p) => {
            if p.kind == PromptKind::Upload && super::picker::on_key(app, &p, &key, fx) {
                return;
            }
            let ev = p.handle(&app.session.keymap, &key);
            set_top(app, Modal::Prompt(p.clone()));
            on_prompt(app, &p, ev, fx);
        }
        Modal::Question(q) => super::question::on_key(app, *q, key, fx),
        Modal::Transfers => super::panel::on_key(app, action, fx),
        Modal::TransferItems { task, scroll } => {
            super::panel::on_items_key(app, task, scroll, action)
        }
        Modal::Share(s) => super::share::on_key(app, *s, key, fx),
        Modal::Versions => super::versions::on_key(app, key, fx),
        Modal::Uploads(_) => super::uploads::on_key(app, action, fx),
    }
}

/// Pasted text goes to an open prompt. With nothing open in a bucket, a
/// pasted path (a file dragged onto the terminal) opens the upload prompt.
pub(super) fn on_paste(app: &mut App, text: &str, fx: &mut Vec<Effect>) {
    if let Some(Modal::Prompt(p)) = app.modals.last_mut() {
        let ev = p.paste(text);
        let p = p.clone();
        on_prompt(app, &p, ev, fx);
    } else if app.modals.is_empty()
        && app.view.screen == super::Screen::Browse
        && let Some(path) = super::ops::pasted_path(text)
    {
        app.upload(Some(&path), fx);
    }
}

fn on_prompt(app: &mut App, p: &Prompt, ev: PromptEvent, fx: &mut Vec<Effect>) {
    match p.kind {
        PromptKind::Filter => super::update::on_filter(app, p.value(), ev, fx),
        PromptKind::Moment => super::rollback::on_prompt(app, p, ev, fx),
        _ => on_path_prompt(app, p, ev, fx),
    }
}

/// The operation prompts: Enter submits, Esc cancels, Tab completes a
/// local path from the folder's listing.
fn on_path_prompt(app: &mut App, p: &Prompt, ev: PromptEvent, fx: &mut Vec<Effect>) {
    let value = p.value().to_owned();
    match ev {
        PromptEvent::Submit => {
            app.modals.pop();
            match p.kind {
                PromptKind::Download => app.submit_download(&value, fx),
                PromptKind::Upload => app.submit_upload(&value, fx),
                PromptKind::Rename => app.submit_rename(&value, fx),
                PromptKind::NewFolder => app.submit_new_folder(&value, fx),
                PromptKind::Filter | PromptKind::Moment => {}
            }
        }
        PromptEvent::Cancel => {
            app.modals.pop();
            app.modals.pending = None;
            fx.extend(app.tasks.cancel_where(|o| *o == super::Owner::LocalDir));
            app.set_status("Cancelled");
        }
        PromptEvent::Complete if matches!(p.kind, PromptKind::Download | PromptKind::Upload) => {
            super::picker::complete(app, &value, fx);
        }
        PromptEvent::Edited if matches!(p.kind, PromptKind::Download | PromptKind::Upload) => {
            app.list_local(&value, fx);
        }
        _ => {}
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
