//! Every string that comes from S3 (keys, metadata, tags, error bodies) is
//! written by someone else and may try to drive the terminal: an ESC byte can
//! move the cursor, retitle the window or smuggle an OSC 52 clipboard write;
//! bidi overrides make `evil.exe` look like `exe.live`. This module turns such
//! text into something that shows what it is and does nothing.
//!
//! The rule is applied at the boundary where untrusted text becomes display
//! text (rendering, status messages, logs) so no caller has to remember it.
//!
//! The escapes must be unambiguous: a key may hold a real ESC byte or the
//! four characters `\x1b`, and the two must never look alike. So [`clean`]
//! also writes a backslash as `\\`. That makes it an encoding, not an
//! idempotent filter: text pail composes from parts it already cleaned (a
//! status line naming a key) goes through [`clean_text`], which escapes
//! hostile characters only.

use std::borrow::Cow;

/// Is this character one we must never write raw to the terminal?
fn is_hostile(c: char) -> bool {
    let u = c as u32;
    // C0 controls, DEL, C1 controls.
    u < 0x20 || u == 0x7f || (0x80..=0x9f).contains(&u)
        // Bidi embeddings, overrides and isolates, marks that flip order.
        || matches!(u, 0x061c | 0x200e | 0x200f | 0x202a..=0x202e | 0x2066..=0x2069)
        // Zero-width and invisible formatting characters that hide text.
        || matches!(u, 0x180e | 0x200b..=0x200d | 0x2060..=0x2064 | 0xfeff)
        // Line and paragraph separators act as newlines in some terminals.
        || matches!(u, 0x2028 | 0x2029)
}

/// Characters that emoji ZWJ sequences join (Unicode's
/// Extended_Pictographic, by its blocks): 👩‍💻 is woman, ZWJ, laptop.
fn is_pictographic(c: char) -> bool {
    matches!(c as u32,
        0x00a9 | 0x00ae | 0x203c | 0x2049 | 0x2122 | 0x2139 | 0x2194..=0x21aa
        | 0x231a..=0x23ff | 0x24c2 | 0x25aa..=0x25fe | 0x2600..=0x27bf
        | 0x2934 | 0x2935 | 0x2b05..=0x2b55 | 0x3030 | 0x303d | 0x3297 | 0x3299
        | 0x1f000..=0x1faff)
}

/// A ZWJ is allowed where it joins two emoji (the one before may carry a
/// skin tone or an emoji presentation selector): there it draws one emoji,
/// or the emoji side by side on terminals that do not join them, and hides
/// nothing. Anywhere else it is an invisible character and is escaped.
fn joins_emoji(prev: Option<char>, next: Option<char>) -> bool {
    let before =
        prev.is_some_and(|p| is_pictographic(p) || matches!(p as u32, 0x1f3fb..=0x1f3ff | 0xfe0f));
    before && next.is_some_and(is_pictographic)
}

/// Whether `c`, between `prev` and `next`, must be escaped.
fn hostile_at(prev: Option<char>, c: char, next: Option<char>) -> bool {
    if c == '\u{200d}' {
        return !joins_emoji(prev, next);
    }
    is_hostile(c)
}

/// Calls `f` with each character and whether it must be escaped.
fn scan(s: &str, mut f: impl FnMut(char, bool) -> bool) {
    let mut prev = None;
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if !f(c, hostile_at(prev, c, it.peek().copied())) {
            return;
        }
        prev = Some(c);
    }
}

/// Returns `s` with every hostile character replaced by a visible escape:
/// `\n`, `\r`, `\t`, `\x1b` for C0/DEL, `\u{202e}` for the rest, and a
/// backslash written as `\\`, so an escape is never mistaken for the text.
/// For untrusted text itself (keys, metadata, server messages).
pub fn clean(s: &str) -> Cow<'_, str> {
    if !needs_escape(s) {
        return Cow::Borrowed(s);
    }
    escape(s, true)
}

/// Escapes hostile characters only (a backslash stays as it is): for text
/// pail composed itself from parts that went through [`clean`] already
/// (status lines, summaries, the message log), which must not be escaped
/// twice but must still never carry a raw control character.
pub fn clean_text(s: &str) -> Cow<'_, str> {
    if !is_suspicious(s) {
        return Cow::Borrowed(s);
    }
    escape(s, false)
}

/// Whether [`clean`] would change `s`.
pub fn needs_escape(s: &str) -> bool {
    s.contains('\\') || is_suspicious(s)
}

fn escape(s: &str, backslash: bool) -> Cow<'_, str> {
    let mut out = String::with_capacity(s.len() + 8);
    scan(s, |c, hostile| {
        if c == '\\' && backslash {
            out.push_str("\\\\");
            return true;
        }
        if !hostile {
            out.push(c);
            return true;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
        true
    });
    Cow::Owned(out)
}

/// Whether `s` holds a hostile character (what [`clean_text`] escapes);
/// used to flag suspicious keys.
pub fn is_suspicious(s: &str) -> bool {
    // Most keys are ASCII: only its controls can be hostile there.
    if s.is_ascii() {
        return s.bytes().any(|b| b < 0x20 || b == 0x7f);
    }
    let mut found = false;
    scan(s, |_, hostile| {
        found = hostile;
        !hostile
    });
    found
}

/// `s` as a JSON string literal (quotes included) for `--json` output:
/// a parser reads back exactly `s`, while the text itself holds no
/// character [`clean`] would escape (each is written as `\uXXXX`), so the
/// output is as safe to show on a terminal as everything else pail prints.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Every hostile character is in the Basic Multilingual Plane,
            // so one \u escape spells it.
            c if is_hostile(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_exact_and_inert() {
        assert_eq!(json_string("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(json_string("x\x1b]52\u{202e}\n"), r#""x\u001b]52\u202e\n""#);
        assert_eq!(json_string("naïve 👩\u{200d}💻"), "\"naïve 👩\\u200d💻\"");
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(clean("docs/a b+c%20é🎉.pdf"), Cow::Borrowed(_)));
    }

    #[test]
    fn escapes_controls() {
        assert_eq!(clean("a\x1b[31mred\x07"), "a\\x1b[31mred\\x07");
        assert_eq!(clean("line\nbreak\r\t"), "line\\nbreak\\r\\t");
        assert_eq!(clean("del\x7f"), "del\\x7f");
        assert_eq!(clean("c1\u{9b}31m"), "c1\\u{9b}31m");
        assert_eq!(clean("nul\0"), "nul\\x00");
    }

    #[test]
    fn escapes_bidi_and_zero_width() {
        assert_eq!(clean("evil\u{202e}fdp.exe"), "evil\\u{202e}fdp.exe");
        assert_eq!(clean("a\u{200b}b"), "a\\u{200b}b");
        assert_eq!(clean("\u{2066}x\u{2069}"), "\\u{2066}x\\u{2069}");
        assert_eq!(clean("bom\u{feff}"), "bom\\u{feff}");
    }

    #[test]
    fn a_backslash_is_escaped_so_escapes_are_unambiguous() {
        // A real ESC and the four characters \x1b never look alike.
        assert_eq!(clean("a\x1bb"), "a\\x1bb");
        assert_eq!(clean("a\\x1bb"), "a\\\\x1bb");
        assert_ne!(clean("\x1b"), clean("\\x1b"));
        assert_eq!(clean("c:\\dir"), "c:\\\\dir");
        assert!(needs_escape("a\\b") && !is_suspicious("a\\b"));
        // Composed text keeps its backslashes (its parts were cleaned).
        assert_eq!(
            clean_text("s3://b/c:\\\\dir \x07"),
            "s3://b/c:\\\\dir \\x07"
        );
        // Distinct inputs stay distinct: the encoding can be read back.
        let inputs = ["\x1b", "\\x1b", "\\\\x1b", "\\", "\\\\", "\n", "\\n"];
        let outputs: std::collections::BTreeSet<String> =
            inputs.iter().map(|s| clean(s).into_owned()).collect();
        assert_eq!(outputs.len(), inputs.len(), "{outputs:?}");
    }

    #[test]
    fn cleaned_text_has_no_hostile_chars() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        assert!(!is_suspicious(&clean(&all)));
        assert!(!is_suspicious(&clean_text(&all)));
        // Not even a ZWJ between emoji survives as a raw ZWJ next to a
        // control or bidi character, and cleaning is idempotent.
        for s in [
            all.as_str(),
            "👩\u{200d}\u{202e}👧",
            "\u{202e}\u{200d}👧",
            "👩\u{200d}\u{200d}👧",
            "👩\u{200d}\x1b👧",
        ] {
            let once = clean_text(s);
            assert!(!is_suspicious(&once), "{once:?}");
            assert_eq!(clean_text(&once), once);
            assert!(!is_suspicious(&clean(s)));
            assert!(!once.contains(['\u{202e}', '\x1b']));
        }
    }

    #[test]
    fn joined_emoji_show_as_themselves() {
        for s in [
            "👩\u{200d}👩\u{200d}👧",       // family
            "👩🏽\u{200d}💻",                 // skin tone, then ZWJ
            "❤\u{fe0f}\u{200d}🔥",          // presentation selector, then ZWJ
            "🏳\u{fe0f}\u{200d}🌈 flag.png", // rainbow flag in a name
            "🇫🇷 👍🏽 ไทย 日本語 ❤️ e\u{301}", // flags, tones, Thai, CJK, VS16, combining
        ] {
            assert!(matches!(clean(s), Cow::Borrowed(_)), "{s:?}");
            assert!(!is_suspicious(s));
        }
    }

    #[test]
    fn zwj_elsewhere_is_escaped() {
        assert_eq!(clean("a\u{200d}b"), "a\\u{200d}b");
        assert_eq!(clean("\u{200d}👧"), "\\u{200d}👧");
        assert_eq!(clean("👩\u{200d}"), "👩\\u{200d}");
        assert_eq!(clean("👩\u{200d}b"), "👩\\u{200d}b");
        assert_eq!(clean("👩\u{200d}\u{200d}👧"), "👩\\u{200d}\\u{200d}👧");
        // Bidi stays escaped inside an emoji sequence.
        assert_eq!(clean("👩\u{200d}\u{202e}👧"), "👩\\u{200d}\\u{202e}👧");
        assert!(is_suspicious("a\u{200d}b"));
    }
}
