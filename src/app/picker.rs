//! The local side of the upload and download prompts: the folder of what
//! is typed, listed under the upload prompt (↓ moves into the list, Enter
//! picks the highlighted entry, Space marks several, → opens a folder),
//! and `Tab` completion of local paths for both prompts. Reading folders
//! is a task like any other; this module only keeps what came back, in
//! the prompt's own [`Work`](super::prompt_work::Work): it goes when the
//! prompt goes. Like every feature's update it changes only that prompt,
//! starting its folder reads through a `Cx`.

use super::cx::Cx;
use super::ops::dir_part;
use super::prompt::{Prompt, PromptKind};
use super::prompt_work::UploadPicker;
use super::scroll::scrolled;
use super::task::LocalEntry;
use super::{Job, Owner};
use crate::keymap::Action;

/// How far PgUp/PgDn move in the folder list.
const PAGE: usize = 10;

/// What a key did to the upload prompt's folder list.
#[derive(Debug, PartialEq, Eq)]
pub enum Picked {
    /// Not a key of the list: the text input gets it.
    Unused,
    Used,
    /// Enter on the list: upload this path (or the marked entries).
    Submit(String),
}

/// Lists the folder part of `typed` under the prompt, unless it is listed.
pub fn list(cx: &mut Cx, pk: &mut UploadPicker, typed: &str) {
    let dir = dir_part(typed);
    if dir == pk.dir && !pk.entries.is_empty() {
        return;
    }
    pk.dir = dir.clone();
    pk.listed = false;
    cx.cancel_where(|o| *o == Owner::LocalDir);
    let path = crate::config::expand_home(std::path::Path::new(if dir.is_empty() {
        "."
    } else {
        &dir
    }));
    cx.start(Owner::LocalDir, Job::ReadDir { path });
}

/// The keys of the folder list once the cursor is in it, and the prompt's
/// `next` that moves into it (`action` as the keymap read `key`: in the
/// picker context when in the list, else the prompt's).
pub fn on_key(cx: &mut Cx, p: &mut Prompt, action: Option<Action>) -> Picked {
    let value = p.value().to_owned();
    let Some(work) = p.work.as_deref_mut() else {
        return Picked::Unused;
    };
    let pk = &mut work.picker;
    let n = pk.entries.len();
    let last = n.saturating_sub(1);
    let Some(cur) = pk.cursor else {
        if action == Some(Action::Next) && n > 0 {
            pk.cursor = Some(0);
            return Picked::Used;
        }
        return Picked::Unused;
    };
    let mut open = None;
    match action {
        // Up from the first entry goes back to the typed path.
        Some(Action::MoveUp) if cur == 0 => pk.cursor = None,
        Some(a @ (Action::MoveDown | Action::MoveUp | Action::PageDown | Action::PageUp)) => {
            pk.cursor = scrolled(cur, Some(a), PAGE, last);
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
                open = Some(format!("{}{}/", pk.dir, e.name));
            }
        }
        Some(Action::Collapse) => open = Some(parent_dir(&pk.dir)),
        Some(Action::Submit) => {
            return Picked::Submit(if pk.marked.is_empty() {
                pk.entries
                    .get(cur)
                    .map(|e| format!("{}{}", pk.dir, e.name))
                    .unwrap_or(value)
            } else {
                value
            });
        }
        _ => return Picked::Unused,
    }
    if let Some(path) = open {
        pk.cursor = None;
        pk.marked.clear();
        list(cx, pk, &path);
        p.input = tui_input::Input::new(path);
    }
    Picked::Used
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

/// `Tab` in a path prompt: completes from the typed folder's entries,
/// listing the folder first when it is not listed yet.
pub fn complete(cx: &mut Cx, p: &mut Prompt) {
    let value = p.value().to_owned();
    let dir = dir_part(&value);
    let Some(work) = p.work.as_deref_mut() else {
        return;
    };
    let pk = &mut work.picker;
    if pk.dir != dir || pk.entries.is_empty() {
        pk.complete_pending = true;
        list(cx, pk, &value);
        return;
    }
    complete_now(p);
}

fn complete_now(p: &mut Prompt) {
    let downloading = matches!(p.kind, PromptKind::Download | PromptKind::Sync);
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

/// A folder's entries arrived (or could not be read) for prompt `p`.
pub fn on_dir(p: &mut Prompt, r: Result<Vec<LocalEntry>, String>) {
    let Some(work) = p.work.as_deref_mut() else {
        return;
    };
    let pk = &mut work.picker;
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
        complete_now(p);
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
