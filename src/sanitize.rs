//! Every string that comes from S3 (keys, metadata, tags, error bodies) is
//! written by someone else and may try to drive the terminal: an ESC byte can
//! move the cursor, retitle the window or smuggle an OSC 52 clipboard write;
//! bidi overrides make `evil.exe` look like `exe.live`. This module turns such
//! text into something that shows what it is and does nothing.
//!
//! The rule is applied at the boundary where untrusted text becomes display
//! text (rendering, status messages, logs) so no caller has to remember it.

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

/// Returns `s` with every hostile character replaced by a visible escape:
/// `\n`, `\r`, `\t`, `\x1b` for C0/DEL, `\u{202e}` for the rest.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hostile) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_hostile(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// Whether `s` would be changed by [`clean`]; used to flag suspicious keys.
pub fn is_suspicious(s: &str) -> bool {
    s.chars().any(is_hostile)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn cleaned_text_has_no_hostile_chars() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        assert!(!is_suspicious(&clean(&all)));
    }
}
