//! Keys are data: every binding lives in `assets/keymap.toml` (overridable by
//! the user), and both the dispatcher and the help overlay read the same
//! [`Keymap`], so the help can never drift from what the keys actually do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::{BTreeMap, HashMap};

/// Something a key can do in the main view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    MoveDown,
    MoveUp,
    Top,
    Bottom,
    PageDown,
    PageUp,
    Expand,
    Collapse,
    Open,
    RootUp,
    SwitchFocus,
    Filter,
    SortCycle,
    SortReverse,
    Refresh,
    CountPrefix,
    CopyMenu,
    Buckets,
    Help,
    Quit,
    ForceQuit,
}

impl Action {
    pub const ALL: [Action; 21] = [
        Action::MoveDown,
        Action::MoveUp,
        Action::Top,
        Action::Bottom,
        Action::PageDown,
        Action::PageUp,
        Action::Expand,
        Action::Collapse,
        Action::Open,
        Action::RootUp,
        Action::SwitchFocus,
        Action::Filter,
        Action::SortCycle,
        Action::SortReverse,
        Action::Refresh,
        Action::CountPrefix,
        Action::CopyMenu,
        Action::Buckets,
        Action::Help,
        Action::Quit,
        Action::ForceQuit,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Action::MoveDown => "move_down",
            Action::MoveUp => "move_up",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::PageDown => "page_down",
            Action::PageUp => "page_up",
            Action::Expand => "expand",
            Action::Collapse => "collapse",
            Action::Open => "open",
            Action::RootUp => "root_up",
            Action::SwitchFocus => "switch_focus",
            Action::Filter => "filter",
            Action::SortCycle => "sort_cycle",
            Action::SortReverse => "sort_reverse",
            Action::Refresh => "refresh",
            Action::CountPrefix => "count_prefix",
            Action::CopyMenu => "copy_menu",
            Action::Buckets => "buckets",
            Action::Help => "help",
            Action::Quit => "quit",
            Action::ForceQuit => "force_quit",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Action::MoveDown => "move down",
            Action::MoveUp => "move up",
            Action::Top => "go to the first row",
            Action::Bottom => "go to the last row",
            Action::PageDown => "page down",
            Action::PageUp => "page up",
            Action::Expand => "expand prefix / open bucket",
            Action::Collapse => "collapse prefix, or jump to its parent",
            Action::Open => "prefix: make it the root; bucket: open; object: inspect",
            Action::RootUp => "root up one level (to the bucket list from a bucket's root)",
            Action::SwitchFocus => "switch focus between tree and inspector",
            Action::Filter => "filter loaded entries (Esc clears)",
            Action::SortCycle => "sort by name, size, last modified",
            Action::SortReverse => "reverse the sort",
            Action::Refresh => "refresh the prefix under the cursor",
            Action::CountPrefix => "count objects and bytes under the prefix (recursive)",
            Action::CopyMenu => "copy to clipboard: URI, key, URL, ARN, ETag, name",
            Action::Buckets => "back to the bucket list",
            Action::Help => "this help",
            Action::Quit => "quit (asks first while tasks run)",
            Action::ForceQuit => "quit now",
        }
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// What to put on the clipboard, chosen in the copy popup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CopyWhat {
    Uri,
    Key,
    Url,
    Arn,
    Etag,
    Name,
}

impl CopyWhat {
    pub const ALL: [CopyWhat; 6] = [
        CopyWhat::Uri,
        CopyWhat::Key,
        CopyWhat::Url,
        CopyWhat::Arn,
        CopyWhat::Etag,
        CopyWhat::Name,
    ];

    pub fn name(self) -> &'static str {
        match self {
            CopyWhat::Uri => "uri",
            CopyWhat::Key => "key",
            CopyWhat::Url => "url",
            CopyWhat::Arn => "arn",
            CopyWhat::Etag => "etag",
            CopyWhat::Name => "name",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            CopyWhat::Uri => "s3:// URI",
            CopyWhat::Key => "key",
            CopyWhat::Url => "URL",
            CopyWhat::Arn => "ARN",
            CopyWhat::Etag => "ETag",
            CopyWhat::Name => "name",
        }
    }

    pub fn from_name(name: &str) -> Option<CopyWhat> {
        CopyWhat::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// A key as we bind it: the code plus the modifiers that matter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    /// Shift is part of the character for printable keys (`G`, `?`), so it
    /// is dropped there; terminals disagree on whether they report it.
    pub fn from_event(ev: &KeyEvent) -> Key {
        let mut mods =
            ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let mut code = ev.code;
        if let KeyCode::Char(c) = code {
            mods.remove(KeyModifiers::SHIFT);
            if mods.contains(KeyModifiers::CONTROL) {
                code = KeyCode::Char(c.to_ascii_lowercase());
            }
        }
        if code == KeyCode::BackTab {
            mods.remove(KeyModifiers::SHIFT);
        }
        Key { code, mods }
    }

    pub fn parse(s: &str) -> Result<Key, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = s;
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.chars().count() > 1
                && (lower.starts_with("ctrl-") || lower.starts_with("ctrl+"))
            {
                mods |= KeyModifiers::CONTROL;
                rest = &rest[5..];
            } else if rest.chars().count() > 1
                && (lower.starts_with("alt-") || lower.starts_with("alt+"))
            {
                mods |= KeyModifiers::ALT;
                rest = &rest[4..];
            } else if rest.chars().count() > 1
                && (lower.starts_with("shift-") || lower.starts_with("shift+"))
            {
                mods |= KeyModifiers::SHIFT;
                rest = &rest[6..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => {
                if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "backspace" | "bs" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" | "ins" => KeyCode::Insert,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pgup" | "pageup" => KeyCode::PageUp,
                "pgdn" | "pgdown" | "pagedown" => KeyCode::PageDown,
                "space" => KeyCode::Char(' '),
                f if f.starts_with('f')
                    && f[1..].parse::<u8>().is_ok_and(|n| (1..=24).contains(&n)) =>
                {
                    KeyCode::F(f[1..].parse().unwrap_or(1))
                }
                _ => return Err(format!("unknown key name {s:?}")),
            },
        };
        if matches!(code, KeyCode::Char(_)) {
            mods.remove(KeyModifiers::SHIFT);
        }
        Ok(Key { code, mods })
    }

    pub fn label(&self) -> String {
        let mut out = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            out.push_str("Ctrl-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            out.push_str("Alt-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            out.push_str("Shift-");
        }
        match self.code {
            KeyCode::Char(' ') => out.push_str("Space"),
            KeyCode::Char(c) => out.push(c),
            KeyCode::Enter => out.push_str("Enter"),
            KeyCode::Esc => out.push_str("Esc"),
            KeyCode::Tab => out.push_str("Tab"),
            KeyCode::BackTab => out.push_str("BackTab"),
            KeyCode::Backspace => out.push_str("Backspace"),
            KeyCode::Delete => out.push_str("Delete"),
            KeyCode::Insert => out.push_str("Insert"),
            KeyCode::Up => out.push('↑'),
            KeyCode::Down => out.push('↓'),
            KeyCode::Left => out.push('←'),
            KeyCode::Right => out.push('→'),
            KeyCode::Home => out.push_str("Home"),
            KeyCode::End => out.push_str("End"),
            KeyCode::PageUp => out.push_str("PgUp"),
            KeyCode::PageDown => out.push_str("PgDn"),
            KeyCode::F(n) => out.push_str(&format!("F{n}")),
            other => out.push_str(&format!("{other:?}")),
        }
        out
    }
}

/// `action name -> key names`, as written in keymap.toml.
pub type BindingTable = BTreeMap<String, Vec<String>>;

/// The resolved bindings: key -> action for dispatch, and the reverse for help.
#[derive(Clone, Debug, Default)]
pub struct Keymap {
    actions: HashMap<Key, Action>,
    copies: HashMap<Key, CopyWhat>,
}

impl Keymap {
    /// Builds the map from layers of `(action name -> key names)` tables,
    /// defaults first and then the user's. An action named in a later layer
    /// loses its earlier keys, and a key bound again moves to the new action,
    /// so the user's file always wins, key by key.
    pub fn build(layers: &[(&BindingTable, &BindingTable)]) -> Result<Keymap, String> {
        let mut map = Keymap::default();
        for (keys, copy) in layers {
            for (name, list) in keys.iter() {
                let action =
                    Action::from_name(name).ok_or_else(|| format!("unknown action {name:?}"))?;
                map.actions.retain(|_, a| *a != action);
                for k in list {
                    let key = Key::parse(k).map_err(|e| format!("{name}: {e}"))?;
                    map.actions.insert(key, action);
                }
            }
            for (name, list) in copy.iter() {
                let what = CopyWhat::from_name(name)
                    .ok_or_else(|| format!("unknown copy target {name:?}"))?;
                map.copies.retain(|_, w| *w != what);
                for k in list {
                    let key = Key::parse(k).map_err(|e| format!("{name}: {e}"))?;
                    map.copies.insert(key, what);
                }
            }
        }
        Ok(map)
    }

    pub fn action(&self, ev: &KeyEvent) -> Option<Action> {
        self.actions.get(&Key::from_event(ev)).copied()
    }

    pub fn copy_target(&self, ev: &KeyEvent) -> Option<CopyWhat> {
        self.copies.get(&Key::from_event(ev)).copied()
    }

    fn labels<T: PartialEq + Copy>(map: &HashMap<Key, T>, target: T) -> Vec<String> {
        let mut keys: Vec<String> = map
            .iter()
            .filter(|(_, t)| **t == target)
            .map(|(k, _)| k.label())
            .collect();
        // Single characters first, then named keys, for a stable help screen.
        keys.sort_by(|a, b| (a.chars().count() > 1, a).cmp(&(b.chars().count() > 1, b)));
        keys
    }

    /// Every bound action with its keys, in the order of [`Action::ALL`].
    pub fn help(&self) -> Vec<(Vec<String>, &'static str)> {
        Action::ALL
            .into_iter()
            .map(|a| (Keymap::labels(&self.actions, a), a.describe()))
            .filter(|(keys, _)| !keys.is_empty())
            .collect()
    }

    pub fn copy_help(&self) -> Vec<(Vec<String>, CopyWhat)> {
        CopyWhat::ALL
            .into_iter()
            .map(|w| (Keymap::labels(&self.copies, w), w))
            .filter(|(keys, _)| !keys.is_empty())
            .collect()
    }

    /// First key bound to an action, for hints like "press s to count".
    pub fn key_for(&self, action: Action) -> Option<String> {
        Keymap::labels(&self.actions, action).into_iter().next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_key_names() {
        assert_eq!(Key::parse("j").unwrap().code, KeyCode::Char('j'));
        let k = Key::parse("Ctrl-d").unwrap();
        assert_eq!(
            (k.code, k.mods),
            (KeyCode::Char('d'), KeyModifiers::CONTROL)
        );
        assert_eq!(Key::parse("PgDn").unwrap().code, KeyCode::PageDown);
        assert_eq!(Key::parse("F5").unwrap().code, KeyCode::F(5));
        assert_eq!(Key::parse("-").unwrap().code, KeyCode::Char('-'));
        assert_eq!(Key::parse("G").unwrap().code, KeyCode::Char('G'));
        assert!(Key::parse("Hyper-x").is_err());
        assert!(Key::parse("F99").is_err());
    }

    #[test]
    fn shift_is_part_of_printable_keys() {
        let ev = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(Key::from_event(&ev), Key::parse("G").unwrap());
        let ev = KeyEvent::new(
            KeyCode::Char('D'),
            KeyModifiers::CONTROL | KeyModifiers::SHIFT,
        );
        assert_eq!(Key::from_event(&ev), Key::parse("Ctrl-d").unwrap());
    }

    #[test]
    fn user_binding_steals_key() {
        let mut defaults = BTreeMap::new();
        defaults.insert("move_down".to_owned(), vec!["j".to_owned()]);
        defaults.insert("top".to_owned(), vec!["g".to_owned()]);
        let mut user = BTreeMap::new();
        user.insert("top".to_owned(), vec!["j".to_owned()]);
        let none = BTreeMap::new();
        let map = Keymap::build(&[(&defaults, &none), (&user, &none)]).unwrap();
        let j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
        let g = KeyEvent::new(KeyCode::Char('g'), KeyModifiers::NONE);
        assert_eq!(map.action(&j), Some(Action::Top));
        assert_eq!(map.action(&g), None);
        assert!(
            map.help()
                .iter()
                .all(|(_, d)| *d != Action::MoveDown.describe())
        );
    }
}
