//! Popups of the file operations: the path and name prompts (the upload
//! prompt with its folder listing and options), the delete/rename
//! preview with its confirmation, and a job's conflict question.

use super::{accent, dim};
use crate::app::confirm::{Preview, Purpose, key_line, versioning_note};
use crate::app::ops::encryption_label;
use crate::app::prompt::{Prompt, PromptKind};
use crate::app::{App, TaskId};
use crate::engine::Choice;
use crate::format::{count, human_size, thousands};
use crate::layout::centered;
use crate::sanitize::clean;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

fn boxed(frame: &mut Frame, rect: Rect, title: &str, lines: Vec<Line<'static>>, color: Style) {
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(color)
                .title(title.to_owned()),
        ),
        rect,
    );
}

/// An operation prompt: the label on its own line, the text below with
/// the cursor, then a note, the options and (upload) the folder listing.
pub(super) fn render_prompt(app: &App, p: &Prompt, frame: &mut Frame, area: Rect) {
    let upload = p.kind == PromptKind::Upload;
    let width = area.width.saturating_sub(4).min(100);
    let inner = width.saturating_sub(2) as usize;
    let listing_rows = if upload {
        (area.height as usize).saturating_sub(12).clamp(3, 20)
    } else {
        0
    };
    let height = (6 + listing_rows as u16 + u16::from(upload) * 2).min(area.height);
    let rect = centered(area, width, height);
    let value = clean(p.value()).into_owned();
    let before: String = p.value().chars().take(p.input.cursor()).collect();
    let cursor_col = clean(&before).width();
    let scroll = cursor_col.saturating_sub(inner.saturating_sub(2));
    let shown: String =
        crate::width::truncate(&value.chars().skip(scroll).collect::<String>(), inner);
    let mut lines = vec![
        Line::styled(clean(&p.label).into_owned(), accent()),
        Line::raw(shown),
    ];
    if let Some(n) = &p.note {
        lines.push(Line::styled(
            clean(n).into_owned(),
            Style::new().fg(Color::Yellow),
        ));
    }
    if upload {
        let class = app
            .upload_options
            .storage_class
            .clone()
            .unwrap_or_else(|| "bucket default".into());
        lines.push(Line::styled(
            format!(
                "class {class} (Ctrl-s) · encryption {} (Ctrl-e)",
                encryption_label(&app.upload_options.encryption)
            ),
            dim(),
        ));
        let marked = app.picker.marked.len();
        lines.push(Line::styled(
            if marked > 0 {
                format!("{marked} marked · Enter uploads them · Esc back to the path")
            } else {
                "↓ pick from the list · Space marks · → opens a folder · Enter uploads".to_owned()
            },
            dim(),
        ));
        if let Some(e) = &app.picker.error {
            lines.push(Line::styled(
                format!("cannot list {}: {}", clean(&app.picker.dir), clean(e)),
                Style::new().fg(Color::Red),
            ));
        }
        let cur = app.picker.cursor;
        let first = cur
            .unwrap_or(0)
            .saturating_sub(listing_rows.saturating_sub(1));
        for (i, e) in app
            .picker
            .entries
            .iter()
            .enumerate()
            .skip(first)
            .take(listing_rows)
        {
            let m = if app.picker.marked.contains(&e.name) {
                "● "
            } else {
                "  "
            };
            let name = format!("{m}{}{}", clean(&e.name), if e.dir { "/" } else { "" });
            let size = if e.dir {
                String::new()
            } else {
                human_size(e.size)
            };
            let name_w = inner.saturating_sub(12);
            let text = format!(
                "{}{:>10}",
                crate::width::pad(&crate::width::truncate(&name, name_w), name_w),
                size
            );
            let style = if Some(i) == cur {
                Style::new().add_modifier(Modifier::REVERSED)
            } else {
                Style::new()
            };
            lines.push(Line::styled(text, style));
        }
    } else {
        lines.push(Line::styled(
            "Enter accept · Esc cancel · Tab completes",
            dim(),
        ));
    }
    let title = match p.kind {
        PromptKind::Download => " Download ",
        PromptKind::Upload => " Upload ",
        PromptKind::Rename => " Rename ",
        PromptKind::NewFolder => " New folder ",
        PromptKind::Filter => " Filter ",
        PromptKind::Moment => " Roll back in time ",
    };
    boxed(frame, rect, title, lines, accent());
    if app.picker.cursor.is_none() || !upload {
        let x = rect.x + 1 + (cursor_col - scroll).min(inner.saturating_sub(1)) as u16;
        frame.set_cursor_position((x, rect.y + 2));
    }
}

pub(super) fn render_preview(p: &Preview, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).min(100);
    let height = area.height.saturating_sub(4).clamp(8, 24);
    let rect = centered(area, width, height);
    let mut lines: Vec<Line<'static>> = Vec::new();
    let verb = match &p.purpose {
        Purpose::Delete => "Delete".to_owned(),
        Purpose::Rename { to, .. } => format!("Move to {}", clean(to)),
    };
    let red = Style::new().fg(Color::Red);
    if let Some(e) = &p.error {
        lines.push(Line::styled(clean(e).into_owned(), red));
        lines.push(Line::styled("Press any key to close", dim()));
        boxed(frame, rect, " Nothing changed ", lines, red);
        return;
    }
    let Some(plan) = &p.plan else {
        lines.push(Line::raw(format!(
            "Listing everything under {} … {} keys so far",
            crate::app::ops::what_word(&p.sources),
            thousands(p.listed)
        )));
        lines.push(Line::styled(
            "Nothing happens before the listing is complete · Esc cancels",
            dim(),
        ));
        boxed(frame, rect, &format!(" {verb} "), lines, accent());
        return;
    };
    let n = plan.keys.len() as u64;
    lines.push(Line::styled(
        format!(
            "{verb}: {} ({}) in s3://{}",
            count(n, "object", "objects"),
            crate::format::size_with_bytes(plan.bytes),
            clean(&p.bucket)
        ),
        Style::new().add_modifier(Modifier::BOLD),
    ));
    if let Some(v) = versioning_note(p) {
        lines.push(Line::styled(v, dim()));
    }
    let footer = if n == 0 {
        "The listing found nothing · any key closes".to_owned()
    } else if p.needs_typed() {
        format!(
            "Type {n} and Enter to confirm · Esc cancels   > {}",
            p.typed
        )
    } else {
        "y confirms · n / Esc cancels".to_owned()
    };
    let list_rows = (height as usize).saturating_sub(6 + lines.len());
    let first = (p.scroll as usize).min(plan.keys.len().saturating_sub(list_rows));
    for (k, size) in plan.keys.iter().skip(first).take(list_rows) {
        lines.push(Line::raw(format!("  {}", key_line(k, *size))));
    }
    if plan.keys.len() > list_rows {
        lines.push(Line::styled(
            format!(
                "  {}–{} of {} · ↑/↓ scroll",
                first + 1,
                (first + list_rows).min(plan.keys.len()),
                thousands(n)
            ),
            dim(),
        ));
    }
    if let Some(note) = &p.note {
        lines.push(Line::styled(
            clean(note).into_owned(),
            Style::new().fg(Color::Yellow),
        ));
    }
    lines.push(Line::styled(footer, accent()));
    let color = if p.purpose == Purpose::Delete {
        red
    } else {
        accent()
    };
    boxed(frame, rect, &format!(" {verb}? "), lines, color);
}

pub(super) fn render_conflict(
    app: &App,
    task: TaskId,
    selected: usize,
    frame: &mut Frame,
    area: Rect,
) {
    let Some(job) = app.transfers.get(task) else {
        return;
    };
    let Some(q) = &job.question else { return };
    let mut lines = vec![
        Line::raw(format!("Already exists: {}", clean(&q.target))),
        Line::styled(clean(&q.detail).into_owned(), dim()),
        Line::raw("For this one and every other conflict of this job:"),
    ];
    let keys = ['o', 's', 'i', 'k', 'c'];
    for (i, c) in Choice::ALL.iter().enumerate() {
        let style = if i == selected {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {}  ", keys[i]), accent()),
            Span::styled(c.label().to_owned(), style),
        ]));
    }
    let width = area.width.saturating_sub(4).min(80);
    let rect = centered(area, width, lines.len() as u16 + 4);
    boxed(
        frame,
        rect,
        &format!(" {} — conflict ", job.kind.word()),
        lines,
        accent(),
    );
}
