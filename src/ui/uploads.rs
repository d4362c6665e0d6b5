//! The open multipart uploads panel: one row per upload (started, parts,
//! bytes, key, who), the selected one highlighted, totals in the title and
//! the panel's keys (from the keymap) at the bottom.

use super::{accent, dim};
use crate::app::uploads::{UploadsPanel, row_text};
use crate::app::{App, Load};
use crate::engine::uploads::totals;
use crate::keymap::{Action, Context};
use crate::layout::centered;
use crate::sanitize::clean;
use crate::width::truncate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

pub(super) fn render(app: &App, p: &UploadsPanel, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).min(120);
    let height = area.height.saturating_sub(4).max(8);
    let rect = centered(area, width, height);
    let inner = width.saturating_sub(2) as usize;
    let rows_room = height.saturating_sub(4) as usize;
    let mut lines: Vec<Line<'static>> = Vec::new();
    let place = format!("s3://{}/{}", clean(&p.bucket), clean(&p.prefix));
    let mut title = format!(" Open multipart uploads — {place} ");
    match &p.rows {
        Load::Loading(_) => lines.push(Line::styled("Listing open uploads…", dim())),
        Load::Failed(e) => {
            lines.push(Line::styled(
                crate::diagnose::short(e),
                Style::new().fg(Color::Red),
            ));
            let x = crate::diagnose::explain(e, &app.session.conn, app.creds());
            lines.extend(x.hints.into_iter().map(Line::raw));
        }
        Load::Ready(rows) if rows.is_empty() => {
            lines.push(Line::raw(
                "No open uploads here: every multipart upload was completed or aborted.",
            ));
        }
        Load::Ready(rows) => {
            title = format!(" Open multipart uploads — {place} ({}) ", totals(rows));
            let first = crate::app::scroll::first_shown(p.selected, rows_room, rows.len());
            for (i, r) in rows.iter().enumerate().skip(first).take(rows_room) {
                let text = truncate(&clean(&row_text(app.session.tz, r)), inner);
                let style = if i == p.selected {
                    Style::new().add_modifier(Modifier::REVERSED)
                } else {
                    Style::new()
                };
                lines.push(Line::styled(text, style));
            }
        }
    }
    let keys = |a: Action| app.session.keymap.keys_for(Context::Uploads, a).join("/");
    let footer = format!(
        "{} abort it · {} abort all · {} list again · {} help · {} close",
        keys(Action::Delete),
        keys(Action::AbortAll),
        keys(Action::Refresh),
        keys(Action::Help),
        keys(Action::Close)
    );
    while lines.len() < rows_room {
        lines.push(Line::raw(""));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(truncate(&footer, inner), accent()));
    super::boxed(frame, rect, &title, inner, lines);
}
