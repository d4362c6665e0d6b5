//! Keys of the transfers panel and of a job's item list.

use super::modal::{Modal, scrolled};
use super::{App, Effect, TaskId};
use crate::keymap::Action;

pub(super) fn on_key(app: &mut App, action: Option<Action>, fx: &mut Vec<Effect>) {
    let n = app.transfers.jobs.len();
    let sel = &mut app.transfers.selected;
    match action {
        Some(Action::MoveDown) => *sel = (*sel + 1).min(n.saturating_sub(1)),
        Some(Action::MoveUp) => *sel = sel.saturating_sub(1),
        Some(Action::Top) => *sel = 0,
        Some(Action::Bottom) => *sel = n.saturating_sub(1),
        Some(Action::PageDown) => *sel = (*sel + 10).min(n.saturating_sub(1)),
        Some(Action::PageUp) => *sel = sel.saturating_sub(10),
        Some(Action::Open) => {
            let Some(job) = app.transfers.jobs.get(app.transfers.selected) else {
                return;
            };
            let id = job.id;
            // A job waiting for an answer shows its question first.
            if job.question.is_some() {
                app.modals.push(Modal::Conflict {
                    task: id,
                    selected: 0,
                });
            } else {
                app.modals.push(Modal::TransferItems {
                    task: id,
                    scroll: 0,
                });
            }
        }
        Some(Action::Delete) => app.cancel_selected_transfer(fx),
        Some(Action::Retry) => app.retry_selected_transfer(fx),
        Some(Action::ClearFinished) => app.clear_finished_transfers(),
        Some(Action::Close) => {
            app.modals.pop();
        }
        _ => {}
    }
}

pub(super) fn on_items_key(app: &mut App, task: TaskId, scroll: u16, action: Option<Action>) {
    let max = app
        .transfers
        .get(task)
        .map(|j| j.items.len().saturating_sub(1) as u16)
        .unwrap_or(0);
    match scrolled(scroll, action, 10, max) {
        Some(scroll) => {
            if let Some(top) = app.modals.last_mut() {
                *top = Modal::TransferItems { task, scroll };
            }
        }
        None if matches!(action, Some(Action::Close) | Some(Action::Open)) => {
            app.modals.pop();
        }
        None => {}
    }
}
