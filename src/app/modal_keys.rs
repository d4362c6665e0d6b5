//! Where a key (or pasted text) goes when a modal is open: to the top
//! one, whose own module handles it. The modal types live in modal.rs,
//! low in the house, so every feature can open one; this router sits above
//! the features it hands keys to.

use super::modal::Modal;
use super::prompt::{Prompt, PromptEvent, PromptKind};
use super::scroll::scrolled_u16 as scrolled;
use super::{App, Effect};
use crate::keymap::Action;
use crossterm::event::{KeyCode, KeyEvent};

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
            let (km, size) = (&app.session.keymap, app.session.size);
            let max = crate::layout::help::max_scroll(km, context, size);
            let page = crate::layout::help::page(km, context, size);
            match scrolled(scroll, action, page, max) {
                Some(scroll) => set_top(app, Modal::Help { scroll, context }),
                // Close, or any key the help has no use for.
                None => {
                    app.modals.pop();
                    super::question::open::uncovered(app);
                }
            }
        }
        Modal::Messages { .. } if action == Some(Action::WhyDenied) => super::route::why(app, fx),
        Modal::Messages { scroll } => {
            let (log, tz, size) = (app.messages.view(), app.session.tz, app.session.size);
            let max = crate::layout::messages::max_scroll(&log, tz, size);
            let page = crate::layout::messages::page(&log, tz, size);
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
        Modal::Error(_) if action == Some(Action::WhyDenied) => {
            app.modals.pop();
            super::route::why(app, fx);
        }
        Modal::Error(_) | Modal::Detail(_) => {
            app.modals.pop();
        }
        Modal::Why(mut p) => {
            let rows = match &p.stage {
                super::why::Stage::Ready(x) => x.hints.len() as u16 + 2,
                super::why::Stage::Reading(_) => 1,
            };
            let page = app.session.size.1.saturating_sub(8).max(1);
            let max = rows.saturating_sub(page);
            match super::scroll::scrolled_u16(p.scroll, action, page, max) {
                Some(s) => {
                    p.scroll = s;
                    set_top(app, Modal::Why(p));
                }
                None if action == Some(Action::Close) => {
                    app.modals.pop();
                    fx.extend(app.tasks.cancel_where(|o| *o == super::Owner::Why));
                }
                None => {}
            }
        }
        Modal::ConfirmQuit => {
            app.modals.pop();
            if action == Some(Action::Yes) {
                fx.push(Effect::Quit);
            }
        }
        Modal::Prompt(mut p) => {
            if p.kind == PromptKind::Upload && super::route::picker_key(app, &key, fx) {
                return;
            }
            let ev = p.handle(&app.session.keymap, &key);
            set_top(app, Modal::Prompt(p.clone()));
            on_prompt(app, &p, ev, fx);
        }
        Modal::Question(_) => super::route::question_key(app, key, fx),
        Modal::Transfers => super::route::transfers(app, super::transfers::Msg::Key(action), fx),
        Modal::TransferItems { task, scroll } => {
            super::route::transfer_items(app, task, scroll, action, fx)
        }
        Modal::Share(_) => super::route::share(app, super::share::Msg::Key(key), fx),
        Modal::Versions(_) => super::route::versions(app, super::versions::Msg::Key(action), fx),
        Modal::Uploads(_) => super::route::uploads(app, super::uploads::Msg::Key(action), fx),
        Modal::Sync(_) => super::route::sync(app, super::sync::Msg::Key(action), fx),
        Modal::Fixes(_) => super::route::fixes(app, action, fx),
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
        let msg = super::ops::Msg::Upload {
            prefill: Some(path),
        };
        super::route::ops(app, msg, fx);
    }
}

fn on_prompt(app: &mut App, p: &Prompt, ev: PromptEvent, fx: &mut Vec<Effect>) {
    match p.kind {
        PromptKind::Filter => super::cursor::on_filter(app, p.value(), ev, fx),
        PromptKind::Moment => super::route::moment(app, ev, fx),
        PromptKind::NewBucket => super::route::new_bucket(app, ev, fx),
        PromptKind::FixValue => super::route::fix_value(app, ev, fx),
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
            // The prompt's work goes with it to what it submits.
            let msg = super::ops::Msg::Submit {
                kind: p.kind,
                typed: value,
                work: p.work.clone(),
            };
            super::route::ops(app, msg, fx);
        }
        PromptEvent::Cancel => {
            app.modals.pop();
            fx.extend(app.tasks.cancel_where(|o| *o == super::Owner::LocalDir));
            app.set_status("Cancelled");
        }
        PromptEvent::Complete if p.kind == PromptKind::Class => {
            let mut p = p.clone();
            super::ops::complete_class(&mut p);
            set_top(app, Modal::Prompt(p));
        }
        PromptEvent::Complete
            if matches!(
                p.kind,
                PromptKind::Download | PromptKind::Upload | PromptKind::Sync
            ) =>
        {
            super::route::picker(app, fx, super::picker::complete);
        }
        PromptEvent::Edited
            if matches!(
                p.kind,
                PromptKind::Download | PromptKind::Upload | PromptKind::Sync
            ) =>
        {
            super::route::picker(app, fx, |cx, p| {
                if let Some(w) = p.work.as_deref_mut() {
                    super::picker::list(cx, &mut w.picker, &value);
                }
            });
        }
        _ => {}
    }
}

fn set_top(app: &mut App, m: Modal) {
    if let Some(top) = app.modals.last_mut() {
        *top = m;
    }
}
