//! The modal stack: prompts, questions and popups, topmost last. Keys go to
//! the top one; a background error never replaces what is open (it goes to
//! the message log), so a half-typed prompt or an open question survives
//! whatever the network does meanwhile.

use super::prompt::Prompt;
use super::prompt_work::{UploadPicker, Work};
use super::{App, Effect};
use crate::diagnose::Explanation;
use crate::keymap::Context;

/// The modal stack, topmost last. It reads as the stack itself
/// (`modals.last()`, `push`, `pop`). Each modal holds all of its state:
/// an operation prompt its [`Work`] (sources, target, folder listing), a
/// question its plan, a panel its rows; nothing is kept beside the stack.
#[derive(Clone, Debug, Default)]
pub struct Modals {
    pub stack: Vec<Modal>,
}

/// The picker shown when no prompt has one.
static NO_PICKER: UploadPicker = UploadPicker::EMPTY;

impl Modals {
    /// The work of the topmost operation prompt (one may be covered by the
    /// help or the log).
    pub fn work(&self) -> Option<&Work> {
        self.stack.iter().rev().find_map(|m| match m {
            Modal::Prompt(p) => p.work.as_deref(),
            _ => None,
        })
    }

    /// The topmost operation prompt (the one whose work is shown).
    pub fn work_prompt_mut(&mut self) -> Option<&mut Prompt> {
        self.stack.iter_mut().rev().find_map(|m| match m {
            Modal::Prompt(p) if p.work.is_some() => Some(p),
            _ => None,
        })
    }

    /// The question whose preview waits for listing task `id`.
    pub fn waiting_for(&mut self, id: super::TaskId) -> Option<&mut super::question::Question> {
        self.stack.iter_mut().rev().find_map(|m| match m {
            Modal::Question(q) if q.listing_task() == Some(id) => Some(q.as_mut()),
            _ => None,
        })
    }

    /// The open prompt's local folder listing (an empty one when none is).
    pub fn picker(&self) -> &UploadPicker {
        self.work().map_or(&NO_PICKER, |w| &w.picker)
    }
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
    /// The versions panel: one key's versions and the selected one's details.
    Versions(Box<super::versions::Panel>),
    /// The open multipart uploads panel.
    Uploads(Box<super::uploads::UploadsPanel>),
    /// One line in full (a transfer item's whole reason): any key closes.
    Detail(Explanation),
    /// The bucket card's fix menu.
    Fixes(Box<super::card::FixMenu>),
    /// Why the last request was denied.
    Why(Box<super::why::Panel>),
    /// A sync's plan, before it runs.
    Sync(Box<super::sync::Panel>),
}

impl Modal {
    pub fn context(&self) -> Context {
        match self {
            // Once ↓ moved into the upload prompt's folder list.
            Modal::Prompt(p) if p.work.as_ref().is_some_and(|w| w.picker.cursor.is_some()) => {
                Context::Picker
            }
            Modal::Prompt(_) => Context::Prompt,
            Modal::Help { .. } => Context::Help,
            Modal::Messages { .. } | Modal::Why(_) => Context::Messages,
            Modal::Copy => Context::Copy,
            // Any key closes an error popup; Ctrl-c still quits.
            Modal::Error(_) => Context::Help,
            Modal::ConfirmQuit => Context::Confirm,
            Modal::Question(_) => Context::Question,
            Modal::Transfers | Modal::TransferItems { .. } => Context::Transfers,
            Modal::Share(_) => Context::Share,
            Modal::Versions(_) => Context::Versions,
            Modal::Uploads(_) => Context::Uploads,
            Modal::Sync(_) => Context::Sync,
            Modal::Detail(_) => Context::Help,
            Modal::Fixes(_) => Context::Fixes,
        }
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
