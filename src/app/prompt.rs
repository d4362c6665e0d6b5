//! One text prompt for every typed input: the filter, local paths for
//! downloads and uploads (with `Tab` completion), new names, a new folder
//! and the moment of a rollback. Editing is tui-input's; what Enter, Esc,
//! Tab and ↑/↓ mean comes from the keymap's prompt context, so they are
//! remappable like every other key. An operation prompt carries its own
//! [`Work`] (what it acts on), which goes when the prompt goes.

use super::prompt_work::{Pending, Work};
use crate::keymap::{Action, Context, Keymap};
use crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptKind {
    /// Narrows the list as you type; shown in the status line.
    Filter,
    /// A local folder to download into (Tab completes).
    Download,
    /// A local file or folder to upload, with its folder listed below.
    Upload,
    /// A new key or prefix for the object or prefix under the cursor.
    Rename,
    /// A name for a new folder marker.
    NewFolder,
    /// The moment a rollback goes back to.
    Moment,
    /// A new bucket's name (and region).
    NewBucket,
    /// A value a change to a bucket's settings needs (a KMS key, an origin…).
    FixValue,
    /// How long and how fast a restore of archived objects is ("7 standard").
    Thaw,
    /// The storage class objects are copied to (Tab completes).
    Class,
    /// The local folder a prefix syncs with (Tab completes).
    Sync,
}

/// What a key did to the prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptEvent {
    /// The text changed.
    Edited,
    Submit,
    Cancel,
    Complete,
    Next,
    Prev,
    /// Nothing happened (a key the prompt has no use for).
    Ignored,
}

#[derive(Clone, Debug)]
pub struct Prompt {
    pub kind: PromptKind,
    pub label: String,
    pub input: Input,
    /// A line under the input: why the value is refused, or a hint.
    pub note: Option<String>,
    /// What an operation prompt acts on; it goes when the prompt goes.
    pub work: Option<Box<Work>>,
}

impl PartialEq for Prompt {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.label == other.label
            && self.input.value() == other.input.value()
            && self.note == other.note
            && self.work == other.work
    }
}

impl Eq for Prompt {}

impl Prompt {
    pub fn new(kind: PromptKind, label: impl Into<String>, value: &str) -> Prompt {
        Prompt {
            kind,
            label: label.into(),
            input: Input::new(value.to_owned()),
            note: None,
            work: None,
        }
    }

    /// The same prompt, acting on `target` (with an empty folder listing).
    pub fn with_work(mut self, target: Pending) -> Prompt {
        self.work = Some(Box::new(Work {
            target,
            picker: Default::default(),
        }));
        self
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    pub fn handle(&mut self, keymap: &Keymap, key: &KeyEvent) -> PromptEvent {
        match keymap.action(Context::Prompt, key) {
            Some(Action::Submit) => return PromptEvent::Submit,
            Some(Action::Cancel) => return PromptEvent::Cancel,
            Some(Action::Complete) => return PromptEvent::Complete,
            Some(Action::Next) => return PromptEvent::Next,
            Some(Action::Prev) => return PromptEvent::Prev,
            _ => {}
        }
        let before = self.input.value().to_owned();
        self.input.handle_event(&Event::Key(*key));
        if self.input.value() != before {
            self.note = None;
            PromptEvent::Edited
        } else {
            PromptEvent::Ignored
        }
    }

    /// Inserts pasted text at the cursor. Line breaks and other control
    /// characters are dropped: a prompt holds one line.
    pub fn paste(&mut self, text: &str) -> PromptEvent {
        let clean: String = text.chars().filter(|c| !c.is_control()).collect();
        if clean.is_empty() {
            return PromptEvent::Ignored;
        }
        let value = self.input.value();
        let at = value
            .char_indices()
            .nth(self.input.cursor())
            .map(|(i, _)| i)
            .unwrap_or(value.len());
        let mut next = value.to_owned();
        next.insert_str(at, &clean);
        let cursor = self.input.cursor() + clean.chars().count();
        self.input = Input::new(next).with_cursor(cursor);
        PromptEvent::Edited
    }

    /// Extends the text to the longest common prefix of the candidates that
    /// start with it (what a shell's Tab does); returns how many matched.
    pub fn complete_from(&mut self, candidates: &[String]) -> usize {
        let value = self.input.value().to_owned();
        let hits: Vec<&String> = candidates
            .iter()
            .filter(|c| c.starts_with(&value))
            .collect();
        let Some(first) = hits.first() else { return 0 };
        let mut common: &str = first;
        for h in &hits[1..] {
            let n: usize = common
                .chars()
                .zip(h.chars())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a.len_utf8())
                .sum();
            common = &common[..n];
        }
        let common = common.len();
        if common > value.len() {
            let next = first[..common].to_owned();
            let n = next.chars().count();
            self.input = Input::new(next).with_cursor(n);
        }
        hits.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn keymap() -> Keymap {
        crate::config::from_layers(&[("<k>".into(), crate::config::DEFAULT_KEYMAP.into())])
            .unwrap()
            .keymap
    }

    #[test]
    fn typing_editing_and_the_keys_of_the_prompt_context() {
        let k = keymap();
        let mut p = Prompt::new(PromptKind::Filter, "/", "");
        let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
        assert_eq!(p.handle(&k, &key(KeyCode::Char('a'))), PromptEvent::Edited);
        assert_eq!(p.handle(&k, &key(KeyCode::Char('q'))), PromptEvent::Edited);
        assert_eq!(p.value(), "aq");
        assert_eq!(p.handle(&k, &key(KeyCode::Backspace)), PromptEvent::Edited);
        assert_eq!(p.handle(&k, &key(KeyCode::Enter)), PromptEvent::Submit);
        assert_eq!(p.handle(&k, &key(KeyCode::Esc)), PromptEvent::Cancel);
        assert_eq!(p.handle(&k, &key(KeyCode::Tab)), PromptEvent::Complete);
        assert_eq!(p.handle(&k, &key(KeyCode::Down)), PromptEvent::Next);
        assert_eq!(p.value(), "a");
    }

    #[test]
    fn paste_inserts_one_line_at_the_cursor() {
        let mut p = Prompt::new(PromptKind::Filter, "/", "ab");
        p.input = Input::new("ab".into()).with_cursor(1);
        p.paste("X\nY\x1b");
        assert_eq!(p.value(), "aXYb");
        assert_eq!(p.input.cursor(), 3);
    }

    #[test]
    fn completion_extends_to_the_common_prefix() {
        let mut p = Prompt::new(PromptKind::Filter, "/", "re");
        let c: Vec<String> = ["reports/", "receipts/", "readme.md", "zzz"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(p.complete_from(&c), 3);
        assert_eq!(p.value(), "re");
        p.input = Input::new("rep".into());
        assert_eq!(p.complete_from(&c), 1);
        assert_eq!(p.value(), "reports/");
        let u = vec!["été/a".to_string(), "été/b".to_string()];
        p.input = Input::new("é".into());
        p.complete_from(&u);
        assert_eq!(p.value(), "été/");
    }
}
