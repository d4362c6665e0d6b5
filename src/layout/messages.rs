//! The message log popup: newest first, each with its local time.

use super::style::dim;
use crate::app::App;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

pub fn lines(app: &App) -> Vec<Line<'static>> {
    if app.messages.is_empty() {
        return vec![Line::styled("No messages yet.", dim())];
    }
    app.messages
        .iter()
        .rev()
        .map(|m| {
            let when = if m.at_ms == 0 {
                "--:--:--".to_owned()
            } else {
                chrono::DateTime::from_timestamp_millis(m.at_ms)
                    .map(|t| {
                        let offset = app.session.tz.offset_at(&t);
                        t.with_timezone(&offset).format("%H:%M:%S").to_string()
                    })
                    .unwrap_or_else(|| "--:--:--".into())
            };
            let style = if m.error {
                Style::new().fg(Color::Red)
            } else {
                Style::new()
            };
            Line::from(vec![
                Span::styled(format!("{when} "), dim()),
                Span::styled(crate::sanitize::clean_text(&m.text).into_owned(), style),
            ])
        })
        .collect()
}

/// Where the log sits in `area`, and its lines wrapped to fit: a long
/// error is read whole, not cut at the edge.
pub fn popup(app: &App, area: Rect) -> (Rect, Vec<Line<'static>>) {
    let width = area.width.saturating_sub(4).min(110);
    let lines = super::inspector::hang(lines(app), width.saturating_sub(2) as usize);
    let rect = super::centered(area, width, lines.len() as u16 + 2);
    (rect, lines)
}

fn screen(app: &App) -> Rect {
    Rect::new(0, 0, app.session.size.0, app.session.size.1)
}

pub fn max_scroll(app: &App) -> u16 {
    let (rect, lines) = popup(app, screen(app));
    lines
        .len()
        .saturating_sub(rect.height.saturating_sub(2) as usize) as u16
}

pub fn page(app: &App) -> u16 {
    let (rect, _) = popup(app, screen(app));
    rect.height.saturating_sub(3).max(1)
}
