//! Moving through the list the keyboard is on: the cursor of the tree or
//! the bucket list (or the inspector's scroll when it has the focus), the
//! filter typed over the list, and opening the selected bucket. Keys,
//! the mouse and the filter prompt all move it the same way.

use super::buckets::Msg as BucketsMsg;
use super::prompt::PromptEvent;
use super::{App, Effect, Focus, Screen};

pub(crate) fn open_selected_bucket(app: &mut App, fx: &mut Vec<Effect>) {
    if let Some(row) = app.buckets.selected() {
        let name = row.name.clone();
        fx.extend(app.open_bucket(name, String::new()));
    }
}

pub(crate) fn move_cursor(app: &mut App, delta: isize, fx: &mut Vec<Effect>) {
    if app.view.focus == Focus::Inspector {
        let max = crate::layout::inspector::max_scroll(&app.inspected(), app.session.size) as isize;
        let cur = (app.view.inspector_scroll as isize).min(max);
        app.view.inspector_scroll = cur.saturating_add(delta).clamp(0, max) as u16;
        return;
    }
    let height = app.session.list_height();
    match app.view.screen {
        Screen::Browse => {
            if let Some(b) = &mut app.browse {
                let target = (b.tree.cursor as isize).saturating_add(delta).max(0) as usize;
                b.tree.move_to(target, height);
            }
        }
        Screen::Buckets => super::route::buckets(app, BucketsMsg::Move(delta), fx),
    }
    app.view.inspector_scroll = 0;
    app.schedule_inspect();
}

pub(crate) fn current_filter(app: &App) -> String {
    match app.view.screen {
        Screen::Browse => app
            .browse
            .as_ref()
            .map(|b| b.tree.filter().to_owned())
            .unwrap_or_default(),
        Screen::Buckets => app.buckets.filter.clone(),
    }
}

pub(crate) fn set_filter(app: &mut App, text: &str, fx: &mut Vec<Effect>) {
    let height = app.session.list_height();
    match app.view.screen {
        Screen::Browse => {
            if let Some(b) = &mut app.browse {
                b.tree.set_filter(text);
                let c = b.tree.cursor;
                b.tree.move_to(c, height);
            }
        }
        Screen::Buckets => super::route::buckets(app, BucketsMsg::Filter(text.to_owned()), fx),
    }
    app.schedule_inspect();
}

/// The filter prompt narrows the list as you type; Enter keeps the filter,
/// Esc drops it, ↑/↓ move through the matches.
pub(crate) fn on_filter(app: &mut App, value: &str, ev: PromptEvent, fx: &mut Vec<Effect>) {
    match ev {
        PromptEvent::Edited => set_filter(app, value, fx),
        PromptEvent::Submit => {
            app.modals.pop();
        }
        PromptEvent::Cancel => {
            app.modals.pop();
            set_filter(app, "", fx);
        }
        PromptEvent::Next => move_cursor(app, 1, fx),
        PromptEvent::Prev => move_cursor(app, -1, fx),
        PromptEvent::Complete | PromptEvent::Ignored => {}
    }
}
