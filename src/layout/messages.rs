//! The message log popup: newest first, each with its local time. It
//! reads the log as plain entries ([`Entry`]), never the app.

use super::style::dim;
use crate::format::Zone;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

/// One message of the log, oldest first in the slices given here.
pub struct Entry<'a> {
    /// When (ms since the epoch; 0 when unknown).
    pub at_ms: i64,
    pub error: bool,
    pub text: &'a str,
}

pub fn lines(log: &[Entry], tz: Zone) -> Vec<Line<'static>> {
    if log.is_empty() {
        return vec![Line::styled("No messages yet.", dim())];
    }
    log.iter()
        .rev()
        .map(|m| {
            let when = if m.at_ms == 0 {
                "--:--:--".to_owned()
            } else {
                chrono::DateTime::from_timestamp_millis(m.at_ms)
                    .map(|t| {
                        let offset = tz.offset_at(&t);
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
                Span::styled(crate::sanitize::clean_text(m.text).into_owned(), style),
            ])
        })
        .collect()
}

/// Where the log sits in `area`, and its lines wrapped to fit: a long
/// error is read whole, not cut at the edge.
pub fn popup(log: &[Entry], tz: Zone, area: Rect) -> (Rect, Vec<Line<'static>>) {
    let width = area.width.saturating_sub(4).min(110);
    let lines = super::inspector::hang(lines(log, tz), width.saturating_sub(2) as usize);
    let rect = super::centered(area, width, lines.len() as u16 + 2);
    (rect, lines)
}

pub fn max_scroll(log: &[Entry], tz: Zone, size: (u16, u16)) -> u16 {
    let (rect, lines) = popup(log, tz, super::screen(size));
    lines
        .len()
        .saturating_sub(rect.height.saturating_sub(2) as usize) as u16
}

pub fn page(log: &[Entry], tz: Zone, size: (u16, u16)) -> u16 {
    let (rect, _) = popup(log, tz, super::screen(size));
    rect.height.saturating_sub(3).max(1)
}
