//! The why-denied panel (`w`): the summary, then each numbered section of
//! the explanation (src/denied) with its heading in the accent colour,
//! wrapped and scrollable; "reading…" until the facts arrive.

use super::{accent, dim};
use crate::app::why::{Panel, Stage};
use crate::layout::centered;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub(super) fn render(p: &Panel, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).min(110);
    let mut lines: Vec<Line<'static>> = Vec::new();
    let title = match &p.stage {
        Stage::Reading(_) => {
            lines.push(Line::styled(
                "Reading who you are, the bucket's region, owner, policy and encryption…",
                dim(),
            ));
            " Why was this denied? ".to_owned()
        }
        Stage::Ready(x) => {
            lines.push(Line::styled(x.summary.clone(), Style::new().fg(Color::Red)));
            for h in &x.hints {
                let heading = h.chars().next().is_some_and(|c| c.is_ascii_digit());
                lines.push(if heading {
                    Line::styled(h.clone(), accent().add_modifier(Modifier::BOLD))
                } else {
                    Line::raw(h.clone())
                });
            }
            format!(" {} ", x.title)
        }
    };
    lines.push(Line::styled("↑/↓ PgUp/PgDn scroll · Esc close", dim()));
    let inner = width.saturating_sub(2).max(1) as usize;
    let rows = super::share::wrapped_rows(&lines, inner) as u16 + 2;
    let height = rows.min(area.height.saturating_sub(2)).max(3);
    let rect = centered(area, width, height);
    let shown = height.saturating_sub(2);
    let scroll = p.scroll.min(rows.saturating_sub(2).saturating_sub(shown));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(Style::new().fg(Color::Red))
                    .title(title),
            ),
        rect,
    );
}
