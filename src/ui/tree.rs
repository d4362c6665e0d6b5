//! The prefix tree pane: one line per visible row, only the rows inside the
//! viewport are looked at, so a frame costs the same with 100 or 100,000
//! entries loaded.

use super::{cursor_style, dim, list_block, truncate};
use crate::app::tree::FolderState;
use crate::app::{App, Focus};
use crate::format::{count, human_size, short_time};
use crate::sanitize::clean;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

pub(super) fn render_tree(app: &App, frame: &mut Frame, area: Rect) {
    let Some(b) = &app.browse else { return };
    let t = &b.tree;
    let root = t.root_folder();
    let mut title = format!(
        " s3://{}/{} — {} ",
        clean(&t.bucket),
        clean(&t.root),
        crate::app::folder_progress(&root.state, root.entries.len())
    );
    if !t.filter().is_empty() {
        title.push_str(&format!(
            "· {} ",
            count(t.matches as u64, "match", "matches")
        ));
    }
    let block = list_block(title, app.focus == Focus::Tree);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let height = inner.height as usize;
    let rows = t.rows();
    if rows.is_empty() {
        let msg = match &root.state {
            FolderState::Loading(_) => "Loading…".to_owned(),
            FolderState::Failed(e) => format!("Listing failed: {}", crate::diagnose::short(e)),
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
    let mut lines = Vec::with_capacity(height);
    for (i, row) in rows.iter().enumerate().skip(scroll).take(height) {
        let folder = t.folder_at(row.folder);
        let e = t.entry(row);
        let indent = "  ".repeat(row.depth.min(40) as usize);
        let name = folder.name_of(e);
        let shown = if name.is_empty() {
            "(folder marker)".to_owned()
        } else {
            clean(name).into_owned()
        };
        let (icon, suffix) = if e.is_prefix {
            match t.folder(&e.key) {
                Some(f) if f.expanded => (
                    "▾ ",
                    format!(
                        " ({})",
                        crate::app::folder_progress(&f.state, f.entries.len())
                    ),
                ),
                Some(f) if !matches!(f.state, FolderState::Done) => (
                    "▸ ",
                    format!(
                        " ({})",
                        crate::app::folder_progress(&f.state, f.entries.len())
                    ),
                ),
                _ => ("▸ ", String::new()),
            }
        } else {
            ("  ", String::new())
        };
        let name_w = width.saturating_sub(cols + indent.width() + icon.width() + 1);
        let label = truncate(&format!("{shown}{suffix}"), name_w);
        let mut text = format!("{indent}{icon}{label}");
        let pad = (width.saturating_sub(cols)).saturating_sub(text.width());
        text.push_str(&" ".repeat(pad));
        if !e.is_prefix {
            if size_w > 0 {
                text.push_str(&format!("{:>w$}", human_size(e.size), w = size_w));
            }
            if date_w > 0 {
                let when = if e.modified == i64::MIN {
                    "-".to_owned()
                } else {
                    short_time(e.modified, app.tz)
                };
                text.push_str(&format!("{:>w$}", when, w = date_w));
            }
            if class_w > 0 {
                let class = t
                    .classes
                    .get(e.class as usize)
                    .map(String::as_str)
                    .unwrap_or("");
                text.push_str(&format!(
                    " {:<w$}",
                    truncate(&clean(class), class_w - 1),
                    w = class_w - 1
                ));
            }
        }
        let mut style = if e.is_prefix {
            Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        if crate::sanitize::is_suspicious(&e.key) {
            style = style.fg(Color::Red);
        }
        if i == t.cursor {
            style = style.patch(cursor_style(app.focus == Focus::Tree));
        }
        lines.push(Line::styled(text, style));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
