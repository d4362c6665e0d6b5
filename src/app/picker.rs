//! The local side of the upload and download prompts: the folder of what
//! is typed, listed under the upload prompt (↓ moves into the list, Enter
//! picks the highlighted entry, Space marks several, → opens a folder),
//! and `Tab` completion of local paths for both prompts. Reading folders
//! is a task like any other; this module only keeps what came back, in
//! the prompt's own [`Work`](super::prompt_work::Work): it goes when the
//! prompt goes.

use super::modal::Modal;
use super::ops::dir_part;
use super::prompt::{Prompt, PromptKind};
use super::prompt_work::UploadPicker;
use super::task::LocalEntry;
use super::{App, Effect};
use crate::keymap::{Action, Context};
use crossterm::event::KeyEvent;

/// The open prompt's folder listing, if a prompt with one is open.
fn picker(app: &mut App) -> Option<&mut UploadPicker> {
    app.modals.work_mut().map(|w| &mut w.picker)
}

/// How far PgUp/PgDn move in the folder list.
const PAGE: usize = 10;

/// Keys the upload prompt handles before the text input sees them: the
/// upload's options, moving into the folder list (the prompt's `next`),
/// and every key of the list once in it (the keymap's picker context).
/// Returns whether the key was used.
pub(super) fn on_key(app: &mut App, p: &Prompt, key: &KeyEvent, fx: &mut Vec<Effect>) -> bool {
    let in_list = app.modals.picker().cursor.is_some();
    let ctx = if in_list {
        Context::Picker
    } else {
        Context::Prompt
    };
    let action = app.session.keymap.action(ctx, key);
    match action {
        Some(Action::StorageClass) => {
            app.cycle_storage_class();
            return true;
        }
        Some(Action::Encryption) => {
            app.cycle_encryption();
            return true;
        }
        _ => {}
    }
    let Some(pk) = picker(app) else {
        return false;
    };
    let n = pk.entries.len();
    let last = n.saturating_sub(1);
    let Some(cur) = pk.cursor else {
        if action == Some(Action::Next) && n > 0 {
            pk.cursor = Some(0);
            return true;
        }
        return false;
    };
    match action {
        // Up from the first entry goes back to the typed path.
        Some(Action::MoveUp) if cur == 0 => pk.cursor = None,
        Some(a @ (Action::MoveDown | Action::MoveUp | Action::PageDown | Action::PageUp)) => {
            pk.cursor = super::scroll::scrolled(cur, Some(a), PAGE, last);
        }
        Some(Action::Cancel) => pk.cursor = None,
        Some(Action::Mark) => {
            if let Some(e) = pk.entries.get(cur) {
                let name = e.name.clone();
                if !pk.marked.remove(&name) {
                    pk.marked.insert(name);
                }
                pk.cursor = Some((cur + 1).min(last));
            }
        }
        Some(Action::Expand) => {
            if let Some(e) = pk.entries.get(cur).filter(|e| e.dir) {
                let path = format!("{}{}/", pk.dir, e.name);
                pk.cursor = None;
                pk.marked.clear();
                set_text(app, &path);
                app.list_local(&path, fx);
            }
        }
        Some(Action::Collapse) => {
            let parent = parent_dir(&pk.dir);
            pk.cursor = None;
            pk.marked.clear();
            set_text(app, &parent);
            app.list_local(&parent, fx);
        }
        Some(Action::Submit) => {
            let picked = if pk.marked.is_empty() {
                pk.entries
                    .get(cur)
                    .map(|e| format!("{}{}", pk.dir, e.name))
                    .unwrap_or_else(|| p.value().to_owned())
            } else {
                p.value().to_owned()
            };
            // The prompt goes, and its work with it, to the upload.
            let work = match app.modals.pop() {
                Some(Modal::Prompt(p)) => p.work,
                _ => None,
            };
            app.submit_upload(&picked, work, fx);
        }
        _ => return false,
    }
    true
}

fn parent_dir(dir: &str) -> String {
    let t = dir.trim_end_matches('/');
    if t.is_empty() || t == "." || t == "~" {
        return format!("{t}/../");
    }
    if t.ends_with("..") {
        return format!("{t}/../");
    }
    dir_part(t)
}

fn set_text(app: &mut App, text: &str) {
    if let Some(Modal::Prompt(p)) = app.modals.last_mut() {
        p.input = tui_input::Input::new(text.to_owned());
    }
}

/// `Tab` in a path prompt: completes from the typed folder's entries,
/// listing the folder first when it is not listed yet.
pub(super) fn complete(app: &mut App, value: &str, fx: &mut Vec<Effect>) {
    let dir = dir_part(value);
    let Some(pk) = picker(app) else {
        return;
    };
    if pk.dir != dir || pk.entries.is_empty() {
        pk.complete_pending = true;
        app.list_local(value, fx);
        return;
    }
    complete_now(app);
}

fn complete_now(app: &mut App) {
    let Some(Modal::Prompt(p)) = app.modals.last_mut() else {
        return;
    };
    let downloading = p.kind == PromptKind::Download;
    let Some(work) = p.work.as_mut() else {
        return;
    };
    let pk = &mut work.picker;
    pk.complete_pending = false;
    let candidates: Vec<String> = pk
        .entries
        .iter()
        .filter(|e| e.dir || !downloading)
        .map(|e| format!("{}{}{}", pk.dir, e.name, if e.dir { "/" } else { "" }))
        .collect();
    let hits = p.complete_from(&candidates);
    p.note = match hits {
        0 => Some("No match".into()),
        1 => None,
        n => Some(format!("{n} matches")),
    };
}

/// A folder's entries arrived (or could not be read). With no prompt
/// open any more, they are dropped.
pub(super) fn on_dir(app: &mut App, r: Result<Vec<LocalEntry>, String>) {
    let Some(pk) = picker(app) else {
        return;
    };
    pk.listed = true;
    match r {
        Ok(entries) => {
            pk.entries = entries;
            pk.error = None;
        }
        Err(e) => {
            pk.entries.clear();
            pk.error = Some(e);
        }
    }
    pk.cursor = pk.cursor.filter(|c| *c < pk.entries.len());
    if pk.complete_pending {
        complete_now(app);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_of_a_typed_folder() {
        assert_eq!(parent_dir("/a/b/"), "/a/");
        assert_eq!(parent_dir("./"), "./../");
        assert_eq!(parent_dir("../"), "../../");
        assert_eq!(parent_dir("~/x/"), "~/");
    }
}
