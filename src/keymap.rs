//! Keys are data: every binding lives in `assets/keymap.toml` (overridable by
//! the user), and both the dispatcher and the help overlay read the same
//! [`Keymap`], so the help can never drift from what the keys actually do.
//!
//! Bindings belong to **contexts** (the bucket list, the tree, a prompt, the
//! help…): the same key may mean different things in different places, and
//! a mistake — two actions on one key in one context, or a key that a
//! context keeps for itself — is found when the keymap is built, before the
//! terminal is touched, instead of as a key that silently does nothing.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::{BTreeMap, HashMap};

mod describe;
mod names;
pub use names::{Action, Context, CopyWhat};

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
        // Shift is part of a printable key: Shift-o is O. Shift-Tab is what
        // terminals report as BackTab.
        let code = match code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c)
                } else {
                    KeyCode::Char(c.to_uppercase().next().unwrap_or(c))
                }
            }
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Ok(Key { code, mods })
    }

    /// Whether the key edits a line of text (types, erases or moves the
    /// cursor in it): in a text field these never reach the keymap. The
    /// share form's text fields follow this rule; the prompt keeps these
    /// keys for itself.
    pub fn edits_text(&self) -> bool {
        let plain = !self
            .mods
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        plain
            && matches!(
                self.code,
                KeyCode::Char(_)
                    | KeyCode::Backspace
                    | KeyCode::Delete
                    | KeyCode::Left
                    | KeyCode::Right
                    | KeyCode::Home
                    | KeyCode::End
            )
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

    /// Why `action` may not have this key in `ctx`: in a question before a
    /// change, `q` and `Esc` mean no (as they close every other popup) and
    /// never go ahead, and `Enter` never says yes to what can lose data.
    fn refused_for(&self, ctx: Context, action: Action) -> Option<&'static str> {
        if ctx != Context::Question
            || self
                .mods
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return None;
        }
        let goes_ahead = matches!(
            action,
            Action::Yes
                | Action::Confirm
                | Action::Overwrite
                | Action::Skip
                | Action::SkipIdentical
                | Action::KeepBoth
        );
        match self.code {
            KeyCode::Char('q') | KeyCode::Esc if goes_ahead => {
                Some("q and Esc mean no in a question and never go ahead")
            }
            KeyCode::Enter
                if matches!(
                    action,
                    Action::Yes | Action::Overwrite | Action::SkipIdentical
                ) =>
            {
                Some(
                    "Enter only confirms what loses nothing or what was typed out (that is confirm)",
                )
            }
            _ => None,
        }
    }

    /// Whether this key types a character into the text field of `ctx`.
    fn types_text_in(&self, ctx: Context) -> bool {
        let plain = !self
            .mods
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match (ctx, self.code) {
            (Context::Prompt, KeyCode::Char(_)) => plain,
            (Context::Picker, KeyCode::Char(c)) => plain && c != ' ',
            _ => false,
        }
    }

    /// Why this key cannot be bound in `ctx`, if the context keeps it.
    fn reserved_in(&self, ctx: Context) -> Option<&'static str> {
        if self.code == KeyCode::Char('c') && self.mods == KeyModifiers::CONTROL {
            return Some("Ctrl-c always quits");
        }
        match ctx {
            Context::Copy if self.code == KeyCode::Esc => Some("Esc closes the copy menu"),
            Context::Prompt if self.types_text_in(ctx) => {
                Some("printable keys type into the prompt")
            }
            // The folder list sits under the prompt: what it does not use
            // types into the path (Space marks an entry).
            Context::Picker if self.types_text_in(ctx) => {
                Some("printable keys type into the upload prompt")
            }
            Context::Question if self.code == KeyCode::Backspace => {
                Some("it edits the typed confirmation")
            }
            Context::Prompt
                if matches!(
                    self.code,
                    KeyCode::Backspace
                        | KeyCode::Delete
                        | KeyCode::Left
                        | KeyCode::Right
                        | KeyCode::Home
                        | KeyCode::End
                ) =>
            {
                Some("it edits the text in the prompt")
            }
            _ => None,
        }
    }
}

/// `action name -> key names`, as written in keymap.toml.
pub type BindingTable = BTreeMap<String, Vec<String>>;

/// One file's bindings: `[keys]` (every context the action works in),
/// `[context.NAME]` (that context only) and `[copy]` (after the copy key).
#[derive(Clone, Debug, Default)]
pub struct Bindings {
    pub global: BindingTable,
    pub contexts: BTreeMap<String, BindingTable>,
    pub copy: BindingTable,
}

impl Bindings {
    /// Reads the `[keys]`, `[context.NAME]` and `[copy]` tables of a file.
    pub fn from_toml(
        keys: Option<BindingTable>,
        contexts: Option<&toml::Table>,
        copy: Option<BindingTable>,
    ) -> Result<Self, String> {
        let mut b = Bindings {
            global: keys.unwrap_or_default(),
            copy: copy.unwrap_or_default(),
            ..Default::default()
        };
        for (name, value) in contexts.into_iter().flatten() {
            let t = value.as_table().ok_or_else(|| {
                format!("{name}: expected a table [context.{name}] of action = [keys]")
            })?;
            let mut table = BindingTable::new();
            for (action, v) in t {
                table.insert(action.clone(), key_list(&format!("{name}.{action}"), v)?);
            }
            // The copy menu's targets: [context.copy] is [copy].
            if name == "copy" {
                b.copy.extend(table);
            } else {
                b.contexts.insert(name.clone(), table);
            }
        }
        Ok(b)
    }
}

fn key_list(name: &str, v: &toml::Value) -> Result<Vec<String>, String> {
    let bad = || format!("{name}: expected a list of key names, like [\"j\", \"Down\"]");
    let arr = v.as_array().ok_or_else(bad)?;
    arr.iter()
        .map(|k| k.as_str().map(str::to_owned).ok_or_else(bad))
        .collect()
}

/// A keymap mistake, naming what the user wrote so the config loader can
/// point at the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeymapError {
    /// The name to look for in the file (an action, a context or a key).
    pub name: String,
    /// The other action of a clash: the file that names either is blamed.
    pub other: Option<String>,
    pub message: String,
}

impl std::fmt::Display for KeymapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

fn err(name: &str, message: String) -> KeymapError {
    KeymapError {
        name: name.to_owned(),
        other: None,
        message,
    }
}

/// The resolved bindings: (context, key) -> action for dispatch, and the
/// reverse for help.
#[derive(Clone, Debug, Default)]
pub struct Keymap {
    maps: HashMap<Context, HashMap<Key, Action>>,
    copies: HashMap<Key, CopyWhat>,
}

impl Keymap {
    /// Builds the map from layers of bindings, defaults first and then the
    /// user's. An action named in a later layer loses its earlier keys (in
    /// that scope), so the user's file always wins; then every context is
    /// checked for two actions on one key and for keys it keeps for itself.
    pub fn build(layers: &[&Bindings]) -> Result<Keymap, KeymapError> {
        let mut global: BTreeMap<Action, Vec<Key>> = BTreeMap::new();
        let mut scoped: BTreeMap<(Context, Action), Vec<Key>> = BTreeMap::new();
        let mut copy: BTreeMap<CopyWhat, Vec<Key>> = BTreeMap::new();
        let parse = |name: &str, list: &[String]| -> Result<Vec<Key>, KeymapError> {
            list.iter()
                .map(|k| Key::parse(k).map_err(|e| err(name, format!("{name}: {e}"))))
                .collect()
        };
        for layer in layers {
            for (name, list) in &layer.global {
                let action = Action::from_name(name)
                    .ok_or_else(|| err(name, format!("unknown action {name:?}")))?;
                global.insert(action, parse(name, list)?);
            }
            for (ctx_name, table) in &layer.contexts {
                let ctx = Context::from_name(ctx_name).ok_or_else(|| {
                    err(
                        ctx_name,
                        format!(
                            "unknown context [context.{ctx_name}] (contexts: {})",
                            Context::ALL.map(Context::name).join(", ")
                        ),
                    )
                })?;
                for (name, list) in table {
                    let action = Action::from_name(name)
                        .ok_or_else(|| err(name, format!("unknown action {name:?}")))?;
                    if !action.contexts().contains(&ctx) {
                        return Err(err(
                            name,
                            format!("{name} does nothing in the {} context", ctx.describe()),
                        ));
                    }
                    scoped.insert((ctx, action), parse(name, list)?);
                }
            }
            for (name, list) in &layer.copy {
                let what = CopyWhat::from_name(name)
                    .ok_or_else(|| err(name, format!("unknown copy target {name:?}")))?;
                copy.insert(what, parse(name, list)?);
            }
        }
        let mut map = Keymap::default();
        for ctx in Context::ALL {
            let mut keys: HashMap<Key, Action> = HashMap::new();
            for action in Action::ALL {
                if !action.contexts().contains(&ctx) {
                    continue;
                }
                let own = scoped.get(&(ctx, action));
                let list = own
                    .or_else(|| global.get(&action))
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                for k in list {
                    let reserved = k
                        .reserved_in(ctx)
                        .filter(|_| !(action == Action::ForceQuit && k.code == KeyCode::Char('c')));
                    // A global key a context keeps for itself (a letter
                    // where text is typed) simply does not apply there; a
                    // key bound in that context's own section is an error.
                    if reserved.is_some() && own.is_none() && k.types_text_in(ctx) {
                        continue;
                    }
                    if let Some(why) = reserved {
                        return Err(err(
                            action.name(),
                            format!(
                                "{} = {:?} can never fire in the {} context: {why}",
                                action.name(),
                                k.label(),
                                ctx.describe()
                            ),
                        ));
                    }
                    if let Some(why) = k.refused_for(ctx, action) {
                        return Err(err(
                            action.name(),
                            format!(
                                "{} = {:?} in the {} context: {why}",
                                action.name(),
                                k.label(),
                                ctx.describe()
                            ),
                        ));
                    }
                    if let Some(other) = keys.insert(*k, action)
                        && other != action
                    {
                        let mut e = err(
                            action.name(),
                            format!(
                                "key {:?} is bound to both {} and {} in the {} context; \
                                 give one of them another key",
                                k.label(),
                                other.name(),
                                action.name(),
                                ctx.describe()
                            ),
                        );
                        e.other = Some(other.name().to_owned());
                        return Err(e);
                    }
                }
            }
            map.maps.insert(ctx, keys);
        }
        for (what, list) in copy {
            for k in list {
                if let Some(why) = k.reserved_in(Context::Copy) {
                    return Err(err(
                        what.name(),
                        format!(
                            "copy target {} = {:?} can never fire: {why}",
                            what.name(),
                            k.label()
                        ),
                    ));
                }
                if let Some(other) = map.copies.insert(k, what)
                    && other != what
                {
                    let mut e = err(
                        what.name(),
                        format!(
                            "key {:?} is bound to both copy targets {} and {}",
                            k.label(),
                            other.name(),
                            what.name()
                        ),
                    );
                    e.other = Some(other.name().to_owned());
                    return Err(e);
                }
            }
        }
        Ok(map)
    }

    pub fn action(&self, ctx: Context, ev: &KeyEvent) -> Option<Action> {
        self.maps
            .get(&ctx)
            .and_then(|m| m.get(&Key::from_event(ev)))
            .copied()
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

    /// Every bound action of `ctx` with its keys, in the order of
    /// [`Action::ALL`].
    pub fn help(&self, ctx: Context) -> Vec<(Vec<String>, Action)> {
        let Some(map) = self.maps.get(&ctx) else {
            return Vec::new();
        };
        Action::ALL
            .into_iter()
            .filter(|a| a.contexts().contains(&ctx))
            .map(|a| (Keymap::labels(map, a), a))
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

    /// Every key bound to an action in `ctx`, for a popup's footer.
    pub fn keys_for(&self, ctx: Context, action: Action) -> Vec<String> {
        self.maps
            .get(&ctx)
            .map(|m| Keymap::labels(m, action))
            .unwrap_or_default()
    }

    /// First key bound to an action in `ctx`, for hints like "press s to
    /// count".
    pub fn key_for(&self, ctx: Context, action: Action) -> Option<String> {
        Keymap::labels(self.maps.get(&ctx)?, action)
            .into_iter()
            .next()
    }
}

#[cfg(test)]
mod tests;
