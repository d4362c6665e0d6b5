//! Keys of the transfers panel and of a job's item list.

use super::modal::{Modal, scrolled};
use super::{App, Effect, TaskId};
use crate::engine::Outcome;
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
                super::question::conflict::open(app, id);
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
        Some(Action::Help) => app.modals.push(Modal::Help {
            scroll: 0,
            context: crate::keymap::Context::Transfers,
        }),
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
        // The selected item in full: a reason is often longer than a row.
        None if action == Some(Action::Open) => {
            let Some(job) = app.transfers.get(task) else {
                return;
            };
            let Some(item) = job.items.get(scroll as usize) else {
                return;
            };
            let mut hints = vec![item.outcome.describe().unwrap_or_else(|| "done".into())];
            if let Some(d) = &item.dest {
                hints.push(format!("written as {d}"));
            }
            let mut hints: Vec<String> = hints
                .iter()
                .map(|h| crate::sanitize::clean(h).into_owned())
                .collect();
            // The item failed for the reason the store saw: say why, and
            // what to check, as the popups do.
            if let (Outcome::Failed(why), Some(e)) = (&item.outcome, &job.telling)
                && why.contains(&e.to_string())
            {
                let x = crate::diagnose::explain(e, &app.session.conn, app.creds());
                hints.push(String::new());
                hints.push(format!("{}: {}", x.title, x.summary));
                hints.extend(x.hints);
            }
            let x = crate::diagnose::Explanation {
                title: "Item".into(),
                summary: crate::sanitize::clean(&item.name).into_owned(),
                hints,
            };
            app.modals.push(Modal::Detail(x));
        }
        None if action == Some(Action::Close) => {
            app.modals.pop();
        }
        None if action == Some(Action::Help) => app.modals.push(Modal::Help {
            scroll: 0,
            context: crate::keymap::Context::Transfers,
        }),
        None => {}
    }
}
