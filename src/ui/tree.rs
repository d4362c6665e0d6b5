//! The prefix tree pane: one line per visible row, only the rows inside the
//! viewport are looked at, so a frame costs the same with 100 or 100,000
//! entries loaded. Rows are written cell by cell through [`crate::width`],
//! so wide and combining characters land exactly where the terminal puts
//! them and a redraw never leaves stray glyphs.

use super::{cursor_style, dim, list_block};
use crate::app::tree::Folder;
use crate::app::{App, Extent, Focus, Load};
use crate::format::{count, human_size, short_time, thousands};
use crate::sanitize::clean;
use crate::width::{self, truncate};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// Levels of indentation drawn as such, two columns each. Deeper rows keep
/// that indentation and show their depth instead, so a name twenty folders
/// down still has room in an 80-column terminal.
pub const INDENT_LEVELS: u16 = 4;

/// The indentation of a row at `depth`: `2 * min(depth, 4)` columns wide;
/// past four levels it ends in a depth marker instead (`    ·20 `).
pub fn indent(depth: u16) -> String {
    if depth <= INDENT_LEVELS {
        "  ".repeat(depth as usize)
    } else {
        let w = 2 * INDENT_LEVELS as usize - 1;
        format!("{:>w$} ", format!("·{depth}"))
    }
}

/// A folder's count and state, including a refresh under way or failed
/// (the rows shown are then the ones from before it).
fn progress(f: &Folder) -> String {
    let n = thousands(f.entries.len() as u64);
    if let Some(staged) = f.refreshing() {
        return if staged == 0 {
            format!("{n} · refreshing…")
        } else {
            format!("{n} · refreshing… {}", thousands(staged as u64))
        };
    }
    let base = crate::app::folder_progress(&f.state, f.entries.len());
    match &f.refresh_failed {
        Some(e) => format!("{base} · refresh failed: {}", crate::diagnose::short(e)),
        None => base,
    }
}

pub(super) fn render_tree(app: &App, frame: &mut Frame, area: Rect) {
    let Some(b) = &app.browse else { return };
    let t = &b.tree;
    let root = t.root_folder();
    let mut title = format!(
        " s3://{}/{} — {} ",
        clean(&t.bucket),
        clean(&t.root),
        progress(root)
    );
    if !t.filter().is_empty() {
        title.push_str(&format!(
            "· {} ",
            count(t.matches as u64, "match", "matches")
        ));
    }
    let block = list_block(title, app.view.focus == Focus::Tree);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let height = inner.height as usize;
    let rows = t.rows();
    if rows.is_empty() {
        let msg = match &root.state {
            Load::Loading(_) => "Loading…".to_owned(),
            Load::Failed(e) => format!("Listing failed: {}", crate::diagnose::short(e)),
            _ if !t.filter().is_empty() => {
                format!("No loaded entry matches {:?}", clean(t.filter()))
            }
            _ if t.root.is_empty() => "(empty bucket)".to_owned(),
            _ => "(empty prefix: no keys start with it)".to_owned(),
        };
        frame.render_widget(Paragraph::new(Line::styled(msg, dim())), inner);
        return;
    }
    // Columns drop away as the pane narrows; the name always gets the rest.
    let size_w = if width >= 30 { 10 } else { 0 };
    let date_w = if width >= 62 { 17 } else { 0 };
    let class_w = if width >= 84 { 14 } else { 0 };
    let cols = size_w + date_w + class_w;
    let scroll = t.scroll.min(rows.len().saturating_sub(1));
    let buf = frame.buffer_mut();
    // A mark column appears while anything in this bucket is marked.
    let marking = app.browsing.marks.any_in(&t.bucket);
    for (line, (i, row)) in rows
        .iter()
        .enumerate()
        .skip(scroll)
        .take(height)
        .enumerate()
    {
        let folder = t.folder_at(row.folder);
        let e = t.entry(row);
        let indent = indent(row.depth);
        let name = folder.name_of(e);
        let shown = if name.is_empty() {
            "(folder marker)".to_owned()
        } else {
            clean(name).into_owned()
        };
        let (icon, suffix) = if e.is_prefix {
            match t.folder(&e.key) {
                Some(f) if f.expanded => ("▾ ", format!(" ({})", progress(f))),
                Some(f)
                    if !matches!(f.state, Load::Ready(Extent::Whole))
                        || f.refresh_failed.is_some() =>
                {
                    ("▸ ", format!(" ({})", progress(f)))
                }
                _ => ("▸ ", String::new()),
            }
        } else {
            ("  ", String::new())
        };
        let suffix = if e.deleted {
            format!("{suffix}  deleted")
        } else {
            match e.thaw {
                crate::app::tree::THAW_ARCHIVED => format!("{suffix}  archived"),
                crate::app::tree::THAW_RESTORING => format!("{suffix}  restoring…"),
                crate::app::tree::THAW_RESTORED => format!("{suffix}  restored"),
                _ => suffix,
            }
        };
        let marked = marking && app.browsing.marks.contains(&t.bucket, &e.key);
        let mark = match (marking, marked) {
            (false, _) => "",
            (true, true) => "● ",
            (true, false) => "  ",
        };
        let name_w = width.saturating_sub(
            cols + width::width(mark) + width::width(&indent) + width::width(icon) + 1,
        );
        let label = truncate(&format!("{shown}{suffix}"), name_w);
        let mut text = format!("{mark}{indent}{icon}{label}");
        let pad = (width.saturating_sub(cols)).saturating_sub(width::width(&text));
        text.push_str(&" ".repeat(pad));
        if !e.is_prefix {
            if size_w > 0 {
                text.push_str(&format!("{:>w$}", human_size(e.size), w = size_w));
            }
            if date_w > 0 {
                let when = if e.modified == i64::MIN {
                    "-".to_owned()
                } else {
                    short_time(e.modified, app.session.tz)
                };
                text.push_str(&format!("{:>w$}", when, w = date_w));
            }
            if class_w > 0 {
                let class = t
                    .classes
                    .get(e.class as usize)
                    .map(String::as_str)
                    .unwrap_or("");
                text.push(' ');
                text.push_str(&width::pad(&clean(class), class_w - 1));
            }
        }
        let mut style = if e.is_prefix {
            Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        if e.deleted {
            style = Style::new()
                .fg(Color::DarkGray)
                .add_modifier(Modifier::ITALIC);
        }
        if crate::sanitize::is_suspicious(&e.key) {
            style = style.fg(Color::Red);
        }
        if marked {
            style = style.fg(Color::Yellow);
        }
        if i == t.cursor {
            style = style.patch(cursor_style(app.view.focus == Focus::Tree));
        }
        let y = inner.y + line as u16;
        let end = width::put(buf, inner.x, y, &text, inner.width, style);
        // A wide glyph that did not fit at the edge leaves a column: fill
        // it, so the row's style and the previous frame's glyph both go.
        let rest = inner.right().saturating_sub(end);
        width::put(buf, end, y, &" ".repeat(rest as usize), rest, style);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indentation_is_capped_and_says_the_depth() {
        assert_eq!(indent(0), "");
        assert_eq!(indent(3), "      ");
        assert_eq!(indent(4), "        ");
        assert_eq!(indent(5), "     ·5 ");
        assert_eq!(indent(20), "    ·20 ");
        for d in [5, 20, 99, 999, u16::MAX] {
            assert_eq!(width::width(&indent(d)), 8, "depth {d}");
        }
    }
}
