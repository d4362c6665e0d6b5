//! The local side of the upload and download prompts: the folder of what
//! is typed, listed under the upload prompt (↓ moves into the list, Enter
//! picks the highlighted entry, Space marks several, → opens a folder),
//! and `Tab` completion of local paths for both prompts. Reading folders
//! is a task like any other; this module only keeps what came back.

use super::modal::Modal;
use super::ops::dir_part;
use super::prompt::{Prompt, PromptKind};
use super::task::LocalEntry;
use super::{App, Effect};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Keys the upload prompt handles before the text input sees them.
/// Returns whether the key was used.
pub(super) fn on_key(app: &mut App, p: &Prompt, key: &KeyEvent, fx: &mut Vec<Effect>) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char('s') if ctrl => {
            app.cycle_storage_class();
            return true;
        }
        KeyCode::Char('e') if ctrl => {
            app.cycle_encryption();
            return true;
        }
        _ => {}
    }
    let n = app.modals.picker.entries.len();
    let Some(cur) = app.modals.picker.cursor else {
        if key.code == KeyCode::Down && n > 0 {
            app.modals.picker.cursor = Some(0);
            return true;
        }
        return false;
    };
    match key.code {
        KeyCode::Down => app.modals.picker.cursor = Some((cur + 1).min(n.saturating_sub(1))),
        KeyCode::Up if cur == 0 => app.modals.picker.cursor = None,
        KeyCode::Up => app.modals.picker.cursor = Some(cur - 1),
        KeyCode::PageDown => app.modals.picker.cursor = Some((cur + 10).min(n.saturating_sub(1))),
        KeyCode::PageUp => app.modals.picker.cursor = Some(cur.saturating_sub(10)),
        KeyCode::Esc => app.modals.picker.cursor = None,
        KeyCode::Char(' ') => {
            if let Some(e) = app.modals.picker.entries.get(cur) {
                let name = e.name.clone();
                if !app.modals.picker.marked.remove(&name) {
                    app.modals.picker.marked.insert(name);
                }
                app.modals.picker.cursor = Some((cur + 1).min(n.saturating_sub(1)));
            }
        }
        KeyCode::Right | KeyCode::Tab => {
            if let Some(e) = app.modals.picker.entries.get(cur).filter(|e| e.dir) {
                let path = format!("{}{}/", app.modals.picker.dir, e.name);
                set_text(app, &path);
                app.modals.picker.cursor = None;
                app.modals.picker.marked.clear();
                app.list_local(&path, fx);
            }
        }
        KeyCode::Left | KeyCode::Backspace => {
            let parent = parent_dir(&app.modals.picker.dir);
            set_text(app, &parent);
            app.modals.picker.cursor = None;
            app.modals.picker.marked.clear();
            app.list_local(&parent, fx);
        }
        KeyCode::Enter => {
            let picked = if app.modals.picker.marked.is_empty() {
                app.modals
                    .picker
                    .entries
                    .get(cur)
                    .map(|e| format!("{}{}", app.modals.picker.dir, e.name))
                    .unwrap_or_else(|| p.value().to_owned())
            } else {
                p.value().to_owned()
            };
            app.modals.pop();
            app.submit_upload(&picked, fx);
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
    if app.modals.picker.dir != dir || app.modals.picker.entries.is_empty() {
        app.modals.picker.complete_pending = true;
        app.list_local(value, fx);
        return;
    }
    complete_now(app);
}

fn complete_now(app: &mut App) {
    app.modals.picker.complete_pending = false;
    let dir = app.modals.picker.dir.clone();
    let downloading = matches!(
        app.modals.last(),
        Some(Modal::Prompt(Prompt {
            kind: PromptKind::Download,
            ..
        }))
    );
    let candidates: Vec<String> = app
        .modals
        .picker
        .entries
        .iter()
        .filter(|e| e.dir || !downloading)
        .map(|e| format!("{dir}{}{}", e.name, if e.dir { "/" } else { "" }))
        .collect();
    if let Some(Modal::Prompt(p)) = app.modals.last_mut() {
        let hits = p.complete_from(&candidates);
        p.note = match hits {
            0 => Some("No match".into()),
            1 => None,
            n => Some(format!("{n} matches")),
        };
    }
}

/// A folder's entries arrived (or could not be read).
pub(super) fn on_dir(app: &mut App, r: Result<Vec<LocalEntry>, String>) {
    app.modals.picker.listed = true;
    match r {
        Ok(entries) => {
            app.modals.picker.entries = entries;
            app.modals.picker.error = None;
        }
        Err(e) => {
            app.modals.picker.entries.clear();
            app.modals.picker.error = Some(e);
        }
    }
    app.modals.picker.cursor = app
        .modals
        .picker
        .cursor
        .filter(|c| *c < app.modals.picker.entries.len());
    if app.modals.picker.complete_pending {
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
