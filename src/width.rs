//! How many columns text takes on the terminal, in one place.
//!
//! A terminal advances its cursor code point by code point (wcwidth): a
//! family emoji 👩‍👩‍👧 is three faces, six columns, on most terminals; a skin
//! tone is a second wide glyph; `❤️` is one column. ratatui measures whole
//! grapheme clusters instead (two columns for the family), and wherever the
//! two disagree a redraw leaves stray glyphs: cells ratatui thinks are
//! covered keep what was there, or everything after the cluster shifts.
//! So pail measures, cuts and places text here, in *terminal cells*: one
//! code point that advances the cursor plus the zero-width ones that follow
//! it (combining marks, variation selectors, a joiner), exactly as the
//! terminal will stack them, and writes those cells itself with their width
//! forced, so ratatui's diff agrees with the screen.
//!
//! Cutting respects grapheme clusters (unicode-segmentation): a flag, a
//! family or a letter with its accents is kept whole or dropped whole.

use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::style::Style;
use std::num::NonZeroU16;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthChar;

/// Columns the terminal advances for `c`. Control characters count 0; they
/// never reach the screen raw (see `sanitize`).
pub fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// One terminal cell of text: the code points written there and the
/// columns they take (1 or 2). A run of zero-width code points with nothing
/// before it to sit on gets a space as its base, `spaced`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell<'a> {
    pub text: &'a str,
    pub width: usize,
    pub spaced: bool,
}

/// Splits `s` into terminal cells.
pub fn cells(s: &str) -> impl Iterator<Item = Cell<'_>> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let mut chars = rest.char_indices();
        let (_, first) = chars.next()?;
        let w = char_width(first);
        // The cell ends before the next code point that advances the cursor.
        let end = chars
            .find(|&(_, c)| char_width(c) > 0)
            .map_or(rest.len(), |(i, _)| i);
        let (text, tail) = rest.split_at(end);
        rest = tail;
        Some(Cell {
            text,
            width: w.max(1),
            spaced: w == 0,
        })
    })
}

/// Display width of `s` in terminal columns.
pub fn width(s: &str) -> usize {
    if s.is_ascii() {
        // Printable ASCII is one column each; controls are escaped before
        // they are shown, and count as the escape would not: one each keeps
        // the measure safe (never less than what is drawn).
        return s.len();
    }
    cells(s).map(|c| c.width).sum()
}

/// `s` cut to at most `max` columns, ending in `…` when something was cut.
/// Never splits a grapheme cluster.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = width(g);
        if used + w + 1 > max {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push('…');
    out
}

/// `s` broken into rows of at most `max` columns, at spaces where it can
/// and inside a word only when the word alone is wider than a row. Rows
/// keep the leading indent of `s`; grapheme clusters are never split.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(2);
    let indent: String = s.chars().take_while(|c| *c == ' ').collect();
    let indent = if indent.len() * 2 > max {
        String::new()
    } else {
        indent
    };
    let mut rows = Vec::new();
    let mut row = indent.clone();
    let mut used = indent.len();
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        let w = width(word);
        let gap = usize::from(used > indent.len());
        if used + gap + w <= max {
            if gap == 1 {
                row.push(' ');
            }
            row.push_str(word);
            used += gap + w;
            continue;
        }
        if used > indent.len() {
            rows.push(std::mem::replace(&mut row, indent.clone()));
            used = indent.len();
        }
        for g in word.graphemes(true) {
            let gw = width(g);
            if used + gw > max && used > indent.len() {
                rows.push(std::mem::replace(&mut row, indent.clone()));
                used = indent.len();
            }
            row.push_str(g);
            used += gw;
        }
    }
    if used > indent.len() || rows.is_empty() {
        rows.push(row);
    }
    rows
}

/// `s` padded with spaces to exactly `w` columns (cut first if longer).
pub fn pad(s: &str, w: usize) -> String {
    let mut out = truncate(s, w);
    let have = width(&out);
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(have)));
    out
}

/// Writes `s` at (`x`, `y`) in at most `max` columns, one terminal cell at a
/// time with its width forced, so ratatui's diff and the terminal agree on
/// where every glyph is. A wide cell that would not fit is left out, not
/// split. Returns the column after the last cell written.
pub fn put(buf: &mut Buffer, x: u16, y: u16, s: &str, max: u16, style: Style) -> u16 {
    let area = buf.area;
    if y < area.top() || y >= area.bottom() || x < area.left() {
        return x;
    }
    let end = x.saturating_add(max).min(area.right());
    let mut at = x;
    for c in cells(s) {
        let w = c.width as u16;
        if at.saturating_add(w) > end {
            break;
        }
        let Some(cell) = buf.cell_mut((at, y)) else {
            break;
        };
        if c.text.contains(char::is_control) {
            // Text is cleaned before it is shown; should a control slip
            // through anyway, it must not reach the terminal raw.
            cell.set_symbol("\u{fffd}");
        } else if c.spaced {
            let mut text = String::with_capacity(c.text.len() + 1);
            text.push(' ');
            text.push_str(c.text);
            cell.set_symbol(&text);
        } else {
            cell.set_symbol(c.text);
        }
        cell.set_style(style);
        let forced = NonZeroU16::new(w).map_or(CellDiffOption::None, CellDiffOption::ForcedWidth);
        cell.set_diff_option(forced);
        // Cells a wide glyph covers hold nothing of their own.
        for hidden in at + 1..at + w {
            if let Some(h) = buf.cell_mut((hidden, y)) {
                h.reset();
                h.set_style(style);
            }
        }
        at += w;
    }
    at
}

/// Brings a whole frame in line with the terminal: any cell another widget
/// filled through ratatui whose cluster the terminal draws wider or narrower
/// than ratatui measured is rewritten as terminal cells. Text after a
/// cluster drawn wider loses the columns it needs, rather than being drawn
/// where ratatui no longer expects it. Call after everything is rendered.
pub fn reconcile(buf: &mut Buffer) {
    use ratatui::buffer::CellWidth;
    let area = buf.area;
    for y in area.top()..area.bottom() {
        let mut x = area.left();
        while x < area.right() {
            let Some(cell) = buf.cell(ratatui::layout::Position::new(x, y)) else {
                break;
            };
            let sym = cell.symbol();
            let claimed = match cell.diff_option {
                CellDiffOption::ForcedWidth(w) => {
                    x = x.saturating_add(w.get());
                    continue;
                }
                _ => sym.cell_width().max(1),
            };
            if sym.is_ascii() || width(sym) == claimed as usize {
                x = x.saturating_add(claimed);
                continue;
            }
            let (sym, style) = (sym.to_owned(), cell.style());
            let end = put(buf, x, y, &sym, area.right() - x, style);
            // Nothing fitted (a wide glyph in the last column): a space.
            x = if end == x {
                put(buf, x, y, " ", 1, style)
            } else {
                end
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_spaces_keeps_the_indent_and_splits_only_long_words() {
        assert_eq!(
            wrap("    undo: roll back to 2026-12-04", 16),
            vec!["    undo: roll", "    back to", "    2026-12-04"]
        );
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
        assert_eq!(wrap("日本語", 4), vec!["日本", "語"]);
        assert_eq!(wrap("", 10), vec![""]);
        for row in wrap("  a very long sentence that must fit in twelve", 12) {
            assert!(width(&row) <= 12, "{row:?}");
        }
    }

    #[test]
    fn widths_are_what_a_terminal_advances() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("日本語"), 6);
        assert_eq!(width("e\u{301}"), 1, "combining accent");
        assert_eq!(width("ไทย"), 3, "Thai with a combining vowel");
        assert_eq!(width("🇫🇷"), 2, "two regional indicators");
        assert_eq!(width("👍🏽"), 4, "thumb, then the skin tone as its own glyph");
        assert_eq!(width("👩\u{200d}👩\u{200d}👧"), 6, "three faces");
        assert_eq!(width("❤\u{fe0f}"), 1, "VS16 does not widen the cell");
        assert_eq!(width("\u{301}x"), 2, "a lone mark sits on a space");
    }

    #[test]
    fn cells_keep_marks_with_their_base() {
        let v: Vec<&str> = cells("e\u{301}👩\u{200d}👧").map(|c| c.text).collect();
        assert_eq!(v, ["e\u{301}", "👩\u{200d}", "👧"]);
    }

    #[test]
    fn truncation_never_splits_a_cluster() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(truncate("🇫🇷🇩🇪", 3), "🇫🇷…");
        assert_eq!(truncate("👩\u{200d}👩\u{200d}👧x", 6), "…");
        assert_eq!(truncate("日本語", 4), "日…");
        assert_eq!(truncate("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
        for s in ["👍🏽👍🏽", "日本語テキスト", "a\u{301}b\u{302}c", "🇫🇷🇩🇪🇮🇹"]
        {
            for max in 0..12 {
                assert!(width(&truncate(s, max)) <= max, "{s:?} in {max}");
            }
        }
    }

    #[test]
    fn pad_gives_exact_width() {
        assert_eq!(width(&pad("日本", 7)), 7);
        assert_eq!(width(&pad("日本語", 5)), 5);
    }

    #[test]
    fn put_forces_widths_and_stops_at_the_edge() {
        let mut buf = Buffer::empty(ratatui::layout::Rect::new(0, 0, 5, 1));
        let end = put(&mut buf, 0, 0, "a❤\u{fe0f}日本", 5, Style::new());
        assert_eq!(end, 4, "the second wide glyph does not fit in one column");
        assert_eq!(buf[(1, 0)].symbol(), "❤\u{fe0f}");
        assert_eq!(
            buf[(1, 0)].diff_option,
            CellDiffOption::ForcedWidth(NonZeroU16::MIN)
        );
        assert_eq!(buf[(2, 0)].symbol(), "日");
        assert_eq!(buf[(4, 0)].symbol(), " ");
        put(&mut buf, 0, 0, "\x1b[2J", 5, Style::new());
        assert_eq!(buf[(0, 0)].symbol(), "\u{fffd}");
        // Out of the buffer: nothing written, no panic.
        assert_eq!(put(&mut buf, 0, 9, "x", 5, Style::new()), 0);
        assert_eq!(put(&mut buf, 9, 0, "x", 5, Style::new()), 9);
    }

    #[test]
    fn reconcile_rewrites_clusters_the_terminal_draws_otherwise() {
        let mut buf = Buffer::empty(ratatui::layout::Rect::new(0, 0, 8, 1));
        // ratatui: one 2-column cell for the family, then "abcd".
        buf.set_string(0, 0, "👩\u{200d}👧abcd", Style::new());
        assert_eq!(buf[(2, 0)].symbol(), "a");
        reconcile(&mut buf);
        // The terminal draws two faces, four columns: "ab" give way.
        assert_eq!(buf[(0, 0)].symbol(), "👩\u{200d}");
        assert_eq!(buf[(2, 0)].symbol(), "👧");
        assert_eq!(buf[(4, 0)].symbol(), "c");
        assert_eq!(buf[(5, 0)].symbol(), "d");
        // Idempotent, and plain text is left alone.
        let before = buf.clone();
        reconcile(&mut buf);
        assert_eq!(buf, before);
        let mut plain = Buffer::empty(ratatui::layout::Rect::new(0, 0, 8, 1));
        plain.set_string(0, 0, "日本ab", Style::new());
        let copy = plain.clone();
        reconcile(&mut plain);
        assert_eq!(plain, copy);
    }
}
