//! The path and name prompts of the file operations (the upload prompt
//! with its folder listing and options). Their questions (delete, rename,
//! conflict) are ui::question.

use super::{accent, dim};
use crate::app::App;
use crate::app::ops::encryption_label;
use crate::app::prompt::{Prompt, PromptKind};
use crate::format::human_size;
use crate::layout::centered;
use crate::sanitize::clean;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
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
            .browsing
            .upload_options
            .storage_class
            .clone()
            .unwrap_or_else(|| "bucket default".into());
        lines.push(Line::styled(
            format!(
                "class {class} (Ctrl-s) · encryption {} (Ctrl-e)",
                encryption_label(&app.browsing.upload_options.encryption)
            ),
            dim(),
        ));
        let marked = app.modals.picker().marked.len();
        lines.push(Line::styled(
            if marked > 0 {
                format!("{marked} marked · Enter uploads them · Esc back to the path")
            } else {
                "↓ pick from the list · Space marks · → opens a folder · Enter uploads".to_owned()
            },
            dim(),
        ));
        if let Some(e) = &app.modals.picker().error {
            lines.push(Line::styled(
                format!(
                    "cannot list {}: {}",
                    clean(&app.modals.picker().dir),
                    clean(e)
                ),
                Style::new().fg(Color::Red),
            ));
        }
        let cur = app.modals.picker().cursor;
        let first = cur
            .unwrap_or(0)
            .saturating_sub(listing_rows.saturating_sub(1));
        for (i, e) in app
            .modals
            .picker()
            .entries
            .iter()
            .enumerate()
            .skip(first)
            .take(listing_rows)
        {
            let m = if app.modals.picker().marked.contains(&e.name) {
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
        lines.push(Line::styled(prompt_keys(app, p.kind), dim()));
    }
    let title = match p.kind {
        PromptKind::Download => " Download ",
        PromptKind::Upload => " Upload ",
        PromptKind::Rename => " Rename ",
        PromptKind::NewFolder => " New folder ",
        PromptKind::Filter => " Filter ",
        PromptKind::Moment => " Roll back in time ",
        PromptKind::NewBucket => " New bucket ",
        PromptKind::FixValue => " Change bucket settings ",
        PromptKind::Thaw => " Restore from archive ",
        PromptKind::Class => " Change storage class ",
        PromptKind::Sync => " Sync ",
    };
    boxed(frame, rect, title, lines, accent());
    if app.modals.picker().cursor.is_none() || !upload {
        let x = rect.x + 1 + (cursor_col - scroll).min(inner.saturating_sub(1)) as u16;
        frame.set_cursor_position((x, rect.y + 2));
    }
}

/// The keys a prompt takes, from the keymap; Tab only where it completes
/// (a local path).
fn prompt_keys(app: &App, kind: PromptKind) -> String {
    use crate::keymap::{Action, Context};
    let key = |a| {
        app.session
            .keymap
            .key_for(Context::Prompt, a)
            .unwrap_or_default()
    };
    let mut text = format!(
        "{} accept · {} cancel",
        key(Action::Submit),
        key(Action::Cancel)
    );
    let tab = key(Action::Complete);
    if matches!(kind, PromptKind::Download | PromptKind::Class) && !tab.is_empty() {
        text.push_str(&format!(" · {tab} completes"));
    }
    text
}
