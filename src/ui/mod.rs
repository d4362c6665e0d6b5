//! Drawing: a pure function from [`App`] to a frame. Every string that came
//! from S3 passes through [`clean`] here before it reaches a cell, and only
//! the rows inside the viewport are ever looked at, so a frame costs the same
//! with 100 or 100,000 entries loaded.

mod modal;
mod ops;
mod question;
mod share;
mod status;
mod sync;
mod transfer_panel;
mod tree;
mod uploads;
mod versions;
mod why;

use crate::app::{App, Focus, Load, Screen};
use crate::format::{short_time, thousands};
use crate::layout;
use crate::sanitize::clean;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

pub use crate::layout::style::{accent, dim, warn};
pub use crate::width::truncate;

pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let areas = layout::areas(area.width, area.height);
    render_header(app, frame, areas.header);
    render_crumb(app, frame, areas.crumb);
    match app.view.screen {
        Screen::Buckets => render_buckets(app, frame, areas.list),
        Screen::Browse => tree::render_tree(app, frame, areas.list),
    }
    render_inspector(app, frame, areas.inspector);
    status::render_status(app, frame, areas.status);
    for m in app.modals.iter() {
        modal::render_modal(app, m, frame, area);
    }
    if let Some(n) = app.tasks.cleaning_up {
        modal::render_cleanup(n, frame, area);
    }
    // Cells as the terminal will draw them: wide emoji drawn through
    // ratatui elsewhere get their real width, so redraws leave no strays.
    crate::width::reconcile(frame.buffer_mut());
}

fn render_inspector(app: &App, frame: &mut Frame, area: Rect) {
    let focused = app.view.focus == Focus::Inspector;
    let block = list_block(" Inspector ".into(), focused);
    let lines = layout::inspector::lines(&app.inspected(), area.width.saturating_sub(2) as usize);
    let max = lines
        .len()
        .saturating_sub(area.height.saturating_sub(2) as usize) as u16;
    let p = Paragraph::new(lines)
        .block(block)
        .scroll((app.view.inspector_scroll.min(max), 0));
    frame.render_widget(p, area);
}

fn render_header(app: &App, frame: &mut Frame, area: Rect) {
    let conn = &app.session.conn;
    let creds = match &app.session.creds {
        None => "resolving…".to_owned(),
        Some(Ok(c)) => match &c.key_hint {
            Some(k) => format!("{} (…{})", clean(&c.provider), clean(k)),
            None => clean(&c.provider).into_owned(),
        },
        Some(Err(_)) => "unavailable".to_owned(),
    };
    let sep = Span::styled(" │ ", dim());
    let line = Line::from(vec![
        Span::styled(" pail ", Style::new().fg(Color::Black).bg(Color::Cyan)),
        Span::raw(" "),
        Span::styled("endpoint ", dim()),
        Span::raw(clean(&conn.endpoint_label()).into_owned()),
        sep.clone(),
        Span::styled("profile ", dim()),
        Span::raw(clean(conn.profile.as_deref().unwrap_or("default")).into_owned()),
        sep.clone(),
        Span::styled("region ", dim()),
        Span::raw(clean(&conn.region).into_owned()),
        sep,
        Span::styled("creds ", dim()),
        Span::raw(creds),
    ]);
    if line.width() > area.width as usize {
        // Too narrow for all of it: one plain line, cut with an ellipsis.
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        let cut = truncate(&text, area.width as usize);
        frame.render_widget(Paragraph::new(cut), area);
        return;
    }
    frame.render_widget(Paragraph::new(line), area);
}

fn render_crumb(app: &App, frame: &mut Frame, area: Rect) {
    let (crumb, right) = match (&app.view.screen, &app.browse) {
        (Screen::Browse, Some(b)) => {
            let dir = if b.tree.reverse { "↓" } else { "↑" };
            (
                format!(" s3://{}/{}", clean(&b.tree.bucket), clean(&b.tree.root)),
                format!("sort: {} {dir} ", b.tree.sort.label()),
            )
        }
        _ => (" s3://".to_owned(), String::new()),
    };
    let width = area.width as usize;
    let crumb = truncate(&crumb, width.saturating_sub(right.width() + 1));
    let pad = width.saturating_sub(crumb.width() + right.width());
    let line = Line::from(vec![
        Span::styled(crumb, Style::new().add_modifier(Modifier::BOLD)),
        Span::raw(" ".repeat(pad)),
        Span::styled(right, dim()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

pub(crate) fn list_block(title: String, focused: bool) -> Block<'static> {
    let style = if focused { accent() } else { dim() };
    Block::default()
        .borders(Borders::ALL)
        .border_style(style)
        .title(Span::styled(
            title,
            Style::new().add_modifier(Modifier::BOLD),
        ))
}

pub(crate) fn cursor_style(focused: bool) -> Style {
    if focused {
        Style::new().add_modifier(Modifier::REVERSED)
    } else {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }
}

fn render_buckets(app: &App, frame: &mut Frame, area: Rect) {
    let v = &app.buckets;
    let visible = v.visible();
    let state = match &v.state {
        Some(Load::Loading(_)) => " loading…".to_owned(),
        Some(Load::Failed(_)) => " failed".to_owned(),
        _ if !v.filter.is_empty() => format!(" {} of {}", visible.len(), v.rows.len()),
        _ => format!(" {}", thousands(v.rows.len() as u64)),
    };
    let block = list_block(format!(" Buckets —{state} "), app.view.focus == Focus::Tree);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let mut lines = Vec::new();
    if visible.is_empty() {
        let msg = match &v.state {
            Some(Load::Loading(_)) => "Loading buckets…".to_owned(),
            Some(Load::Failed(e)) => {
                format!("Could not list buckets: {}", crate::diagnose::short(e))
            }
            _ if !v.filter.is_empty() => format!("No bucket matches {:?}", clean(&v.filter)),
            _ => "No buckets. Open one directly: pail s3://BUCKET/".to_owned(),
        };
        lines.push(Line::styled(msg, dim()));
    }
    let date_w = if width >= 60 { 17 } else { 0 };
    let region_w = if width >= 40 { 15 } else { 0 };
    let name_w = width.saturating_sub(date_w + region_w);
    for (pos, &i) in visible
        .iter()
        .enumerate()
        .skip(v.scroll)
        .take(inner.height as usize)
    {
        let row = &v.rows[i];
        let region = match &row.region {
            Some(Load::Ready(r)) => clean(r).into_owned(),
            Some(Load::Loading(_)) => "…".into(),
            Some(Load::Failed(_)) => "?".into(),
            None => String::new(),
        };
        let name = truncate(&clean(&row.name), name_w.saturating_sub(1));
        let mut text = format!("{name:<w$}", w = name_w.saturating_sub(1));
        text.push(' ');
        if region_w > 0 {
            text.push_str(&format!(
                "{:<w$}",
                truncate(&region, region_w - 1),
                w = region_w
            ));
        }
        if date_w > 0 {
            text.push_str(&match row.created {
                Some(t) => short_time(t, app.session.tz),
                None => "-".into(),
            });
        }
        let style = if pos == v.cursor {
            cursor_style(app.view.focus == Focus::Tree)
        } else {
            Style::new()
        };
        lines.push(Line::styled(text, style));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A bordered popup (what was under it cleared) whose title is cut to fit
/// `inner` columns.
pub(super) fn boxed(
    frame: &mut Frame,
    rect: Rect,
    title: &str,
    inner: usize,
    lines: Vec<Line<'_>>,
) {
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(accent())
                .title(crate::width::truncate(title, inner)),
        ),
        rect,
    );
}
