//! The status bar: the filter prompt while typing, otherwise running work
//! (with a request that waits long, and on which attempt), the latest
//! message, how many errors wait in the log, and the help key.

use super::{accent, dim};
use crate::app::prompt::PromptKind;
use crate::app::{App, Modal, STATUS_TICKS, Screen, Status};
use crate::format::count;
use crate::keymap::Action;
use crate::sanitize::clean;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub(super) fn render_status(app: &App, frame: &mut Frame, area: Rect) {
    if let Some(Modal::Prompt(p)) = app.modals.last()
        && p.kind == PromptKind::Filter
    {
        let matches = match app.view.screen {
            Screen::Browse => app.browse.as_ref().map(|b| b.tree.matches).unwrap_or(0),
            Screen::Buckets => app.buckets.visible().len(),
        };
        let mut right = format!(
            "{} · Enter keep · Esc clear ",
            count(matches as u64, "match", "matches")
        );
        let width = area.width as usize;
        let label_w = p.label.width();
        if label_w + right.width() + 10 > width {
            right.clear();
        }
        // The text scrolls sideways to keep the cursor in view.
        let avail = width.saturating_sub(label_w + right.width()).max(1);
        let before: String = p.value().chars().take(p.input.cursor()).collect();
        let cursor_col = clean(&before).width();
        let scroll = cursor_col.saturating_sub(avail.saturating_sub(1));
        let value = clean(p.value()).into_owned();
        let mut skipped = 0;
        let shown: String = value
            .chars()
            .skip_while(|c| {
                let w = unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
                let skip = skipped + w <= scroll;
                if skip {
                    skipped += w;
                }
                skip
            })
            .collect();
        let shown = crate::width::truncate(&shown, avail);
        let line = Line::from(vec![
            Span::styled(p.label.clone(), accent()),
            Span::raw(shown.clone()),
            Span::raw(" ".repeat(width.saturating_sub(shown.width() + label_w + right.width()))),
            Span::styled(right, dim()),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        let x = area.x + (label_w + cursor_col - skipped).min(width.saturating_sub(1)) as u16;
        frame.set_cursor_position((x, area.y));
        return;
    }
    let mut spans = Vec::new();
    if !app.tasks.is_empty() {
        let frame_i = (app.session.tick as usize) % SPINNER.len();
        spans.push(Span::styled(
            format!("{} {} running", SPINNER[frame_i], app.tasks.len()),
            accent(),
        ));
    }
    // Each part stands apart: "68.7 MiB/s Copied link" read as one.
    let sep = |spans: &mut Vec<Span>| {
        if !spans.is_empty() {
            spans.push(Span::styled(" · ", dim()));
        }
    };
    if let Some(t) = app.transfers.status() {
        sep(&mut spans);
        spans.push(Span::styled(t, accent()));
    }
    if let Some(w) = &app.session.clock.waiting {
        sep(&mut spans);
        spans.push(Span::styled(
            clean(w).into_owned(),
            Style::new().fg(Color::Yellow),
        ));
    }
    let fresh = |s: &&Status| s.error || app.session.tick < s.since + STATUS_TICKS;
    if let Some(s) = app.messages.status.as_ref().filter(fresh) {
        let style = if s.error {
            Style::new().fg(Color::Red)
        } else {
            Style::new()
        };
        sep(&mut spans);
        spans.push(Span::styled(
            crate::sanitize::clean_text(&s.text).into_owned(),
            style,
        ));
    }
    let ctx = app.view_context();
    let filter = match app.view.screen {
        Screen::Browse => app.browse.as_ref().map(|b| b.tree.filter().to_owned()),
        Screen::Buckets => Some(app.buckets.filter.clone()),
    }
    .filter(|f| !f.is_empty());
    let help = app
        .session
        .keymap
        .key_for(ctx, Action::Help)
        .unwrap_or_default();
    let mut right = String::from(" ");
    if !app.browsing.marks.is_empty() {
        right.push_str(&format!(
            "{} marked · ",
            crate::format::thousands(app.browsing.marks.len() as u64)
        ));
    }
    if let Some(c) = &app.browsing.clip {
        let verb = if c.cut { "cut" } else { "copied" };
        right.push_str(&format!("{} {verb} · ", c.sources.len()));
    }
    if let Some(f) = filter {
        right.push_str(&format!("filter: {} · ", clean(&f)));
    }
    if app.messages.unseen_errors > 0
        && let Some(m) = app.session.keymap.key_for(ctx, Action::Messages)
    {
        right.push_str(&format!(
            "{m} {} · ",
            count(app.messages.unseen_errors as u64, "error", "errors")
        ));
    }
    right.push_str(&format!("{help} help "));
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let width = area.width as usize;
    if used + right.width() < width {
        spans.push(Span::raw(" ".repeat(width - used - right.width())));
        spans.push(Span::styled(right, dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
