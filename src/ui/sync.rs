//! The sync plan view: where from and to and how compared in the title,
//! the totals, what holds deletes back, then the rows the filter shows
//! (mark, action, path, reason; rows left out dimmed), the selected one
//! highlighted, and the view's keys (from the keymap) at the bottom.

use super::{accent, dim};
use crate::app::sync::Panel;
use crate::app::{App, Load};
use crate::keymap::{Action as Key, Context};
use crate::layout::centered;
use crate::plan::sync::{Action, Plan, words};
use crate::sanitize::clean;
use crate::width::truncate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

fn warnings(p: &Panel, plan: &Plan) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let deletes = plan.total(Action::Delete);
    if let Some(why) = &plan.incomplete {
        out.push(Line::styled(
            format!(
                "A listing was not complete ({}): no delete will run",
                clean(why)
            ),
            Style::new().fg(Color::Yellow),
        ));
    }
    if deletes.count > 0 {
        let share = plan.delete_share();
        let local = match (&plan.trash, plan.dest.is_local()) {
            (Some(t), true) => format!(" — local files go to {}", clean(t)),
            (None, true) => {
                " — held back: there is no trash here (pail sync --delete-local deletes them)"
                    .into()
            }
            _ => String::new(),
        };
        out.push(Line::styled(
            format!(
                "Deletes {} of {} files at the destination ({share}%), after every transfer succeeded{local}",
                deletes.count, plan.dest_files
            ),
            Style::new().fg(Color::Yellow),
        ));
    }
    if p.armed {
        out.push(Line::styled(
            "This plan deletes: y runs it, Esc keeps it".to_owned(),
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        ));
    }
    out
}

pub(super) fn render(app: &App, p: &Panel, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).min(140);
    let height = area.height.saturating_sub(2).max(10);
    let rect = centered(area, width, height);
    let inner = width.saturating_sub(2) as usize;
    let title = format!(
        " Sync {} → {} · compare {} ",
        clean(&p.source.describe()),
        clean(&p.dest.describe()),
        p.compare.name()
    );
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut rows_room = height.saturating_sub(4) as usize;
    match &p.plan {
        Load::Loading(_) => lines.push(Line::styled(
            "Planning: listing both sides and comparing…".to_owned(),
            dim(),
        )),
        Load::Failed(e) => {
            lines.push(Line::styled(
                format!("No plan, nothing changed: {}", crate::diagnose::short(e)),
                Style::new().fg(Color::Red),
            ));
            let x = crate::diagnose::explain(e, &app.session.conn, app.creds());
            lines.extend(x.hints.into_iter().map(Line::raw));
        }
        Load::Ready(plan) => {
            lines.push(Line::styled(
                truncate(&words::totals_line(plan), inner),
                Style::new().add_modifier(Modifier::BOLD),
            ));
            lines.extend(warnings(p, plan));
            let shown = p.visible();
            lines.push(Line::styled(
                format!(
                    "Showing {} ({} of {} rows)",
                    p.filter.name(),
                    shown.len(),
                    plan.rows.len()
                ),
                dim(),
            ));
            rows_room = rows_room.saturating_sub(lines.len());
            if shown.is_empty() {
                lines.push(Line::raw(if plan.is_noop() {
                    "Nothing to do: the destination already matches.".to_owned()
                } else {
                    "No rows of this kind (f shows another).".to_owned()
                }));
            }
            let first = crate::app::scroll::first_shown(p.selected, rows_room, shown.len());
            for (i, &at) in shown.iter().enumerate().skip(first).take(rows_room) {
                let r = &plan.rows[at];
                let mut text = words::row_line(r);
                if r.excluded {
                    text.push_str("  — left out");
                }
                let mut style = match r.action {
                    Action::Conflict => Style::new().fg(Color::Red),
                    Action::Delete => Style::new().fg(Color::Yellow),
                    Action::Skip => dim(),
                    _ => Style::new(),
                };
                if r.excluded {
                    style = dim().add_modifier(Modifier::CROSSED_OUT);
                }
                if i == p.selected {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                lines.push(Line::styled(truncate(&text, inner), style));
            }
        }
    }
    // The first key of each (the help lists them all): the line fits.
    let keys = |a: Key| {
        let all = app.session.keymap.keys_for(Context::Sync, a);
        all.first().cloned().unwrap_or_default()
    };
    let footer = format!(
        "{} run · {} leave out ({} all) · {} filter · {} reverse · {} compare · {} settle · {} re-plan · {} close",
        keys(Key::Submit),
        keys(Key::Mark),
        keys(Key::MarkAll),
        keys(Key::Filter),
        keys(Key::Reverse),
        keys(Key::CompareMode),
        keys(Key::Settle),
        keys(Key::Refresh),
        keys(Key::Close)
    );
    let body = height.saturating_sub(4) as usize;
    while lines.len() < body {
        lines.push(Line::raw(""));
    }
    lines.truncate(body);
    lines.push(Line::raw(""));
    lines.push(Line::styled(truncate(&footer, inner), accent()));
    super::boxed(frame, rect, &title, inner, lines);
}
