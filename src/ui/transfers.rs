//! The transfers panel (one line per job: kind, source → destination,
//! objects and bytes, a bar, rate, ETA, state) and a job's item list.

use super::{accent, dim};
use crate::app::transfers::TransferJob;
use crate::app::{App, TaskId};
use crate::engine::{Outcome, Phase};
use crate::format::{human_size, thousands};
use crate::layout::centered;
use crate::sanitize::clean;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// A bordered popup whose title is cut to fit.
fn boxed(frame: &mut Frame, rect: Rect, title: &str, inner: usize, lines: Vec<Line<'_>>) {
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

fn bar(pct: u8, width: usize) -> String {
    let full = (pct as usize * width) / 100;
    format!("{}{}", "█".repeat(full), "░".repeat(width - full))
}

fn eta(secs: u64) -> String {
    match secs {
        0..=59 => format!("{secs}s"),
        60..=3599 => format!("{}m{:02}s", secs / 60, secs % 60),
        _ => format!("{}h{:02}m", secs / 3600, (secs % 3600) / 60),
    }
}

fn state_style(p: Phase) -> Style {
    match p {
        Phase::Failed => Style::new().fg(Color::Red),
        Phase::Cancelled => Style::new().fg(Color::Yellow),
        Phase::Done => Style::new().fg(Color::Green),
        _ => accent(),
    }
}

/// Two lines per job.
fn job_lines(j: &TransferJob, selected: bool, width: usize) -> Vec<Line<'static>> {
    let s = &j.snap;
    let state = if j.question.is_some() {
        "waiting for you".to_owned()
    } else {
        j.state().word().to_owned()
    };
    let mark = if selected { "▶ " } else { "  " };
    let route = if j.to.is_empty() {
        clean(&j.from).into_owned()
    } else if j.from.is_empty() {
        clean(&j.to).into_owned()
    } else {
        format!("{} → {}", clean(&j.from), clean(&j.to))
    };
    let head = format!("{mark}{:<10} {route}", j.kind.word());
    let total_objects = if s.listing {
        format!("{}+", thousands(s.objects_total))
    } else {
        thousands(s.objects_total)
    };
    let mut detail = format!(
        "    {} {:>3}% · {}/{} objects · {}/{}",
        bar(j.percent(), 20),
        j.percent(),
        thousands(s.objects_done),
        total_objects,
        human_size(s.bytes_done),
        human_size(s.bytes_total)
    );
    if !j.finished
        && let Some(r) = j.rate()
    {
        detail.push_str(&format!(" · {}/s", human_size(r as u64)));
    }
    if let Some(e) = j.eta_secs() {
        detail.push_str(&format!(" · ETA {}", eta(e)));
    }
    for (n, word) in [
        (s.failed, "failed"),
        (s.refused, "refused"),
        (s.skipped, "skipped"),
    ] {
        if n > 0 {
            detail.push_str(&format!(" · {n} {word}"));
        }
    }
    let head_style = if selected { accent() } else { Style::new() };
    vec![
        Line::from(vec![
            Span::styled(
                crate::width::truncate(&head, width.saturating_sub(18)),
                head_style,
            ),
            Span::raw("  "),
            Span::styled(state, state_style(j.state())),
        ]),
        Line::styled(crate::width::truncate(&detail, width), dim()),
    ]
}

pub(super) fn render_panel(app: &App, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).min(120);
    let height = area.height.saturating_sub(2).max(6);
    let rect = centered(area, width, height);
    let inner = width.saturating_sub(2) as usize;
    let mut lines = Vec::new();
    if app.transfers.jobs.is_empty() {
        lines.push(Line::styled(
            "No transfers yet: d downloads, u uploads, y/x then p copies or moves, X deletes",
            dim(),
        ));
    }
    let per = 2usize;
    let shown = (height.saturating_sub(3) as usize / per).max(1);
    let sel = app.transfers.selected;
    let first = sel.saturating_sub(shown.saturating_sub(1));
    for (i, j) in app
        .transfers
        .jobs
        .iter()
        .enumerate()
        .skip(first)
        .take(shown)
    {
        lines.extend(job_lines(j, i == sel, inner));
    }
    let title = format!(
        " Transfers ({}) — Enter items · X cancel · r retry failed · C clear finished · Esc close ",
        app.transfers.jobs.len()
    );
    boxed(frame, rect, &title, inner, lines);
}

fn outcome_text(o: &Outcome) -> (String, Style) {
    match o {
        Outcome::Done { note: None, .. } => ("done".into(), Style::new().fg(Color::Green)),
        Outcome::Done { note: Some(n), .. } => (
            format!("done, {}", clean(n)),
            Style::new().fg(Color::Yellow),
        ),
        Outcome::Skipped(w) => (format!("skipped: {}", clean(w)), dim()),
        Outcome::Refused(w) => (
            format!("refused: {}", clean(w)),
            Style::new().fg(Color::Red),
        ),
        Outcome::Failed(w) => (format!("failed: {}", clean(w)), Style::new().fg(Color::Red)),
    }
}

pub(super) fn render_items(app: &App, task: TaskId, scroll: u16, frame: &mut Frame, area: Rect) {
    let Some(j) = app.transfers.get(task) else {
        return;
    };
    let width = area.width.saturating_sub(4).min(120);
    let height = area.height.saturating_sub(2).max(6);
    let rect = centered(area, width, height);
    let inner = width.saturating_sub(2) as usize;
    let shown = height.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    if j.items.is_empty() {
        lines.push(Line::styled("No items have finished yet", dim()));
    }
    for item in j.items.iter().skip(scroll as usize).take(shown) {
        let (text, style) = outcome_text(&item.outcome);
        let name = clean(&item.name).into_owned();
        let name_w = inner.saturating_sub(text.chars().count().min(inner / 2) + 2);
        lines.push(Line::from(vec![
            Span::raw(crate::width::pad(
                &crate::width::truncate(&name, name_w),
                name_w,
            )),
            Span::raw("  "),
            Span::styled(
                crate::width::truncate(&text, inner.saturating_sub(name_w + 2)),
                style,
            ),
        ]));
    }
    let title = format!(
        " {} — {} (failures first) · Esc back ",
        j.kind.word(),
        crate::format::count(j.items.len() as u64, "item", "items")
    );
    boxed(frame, rect, &title, inner, lines);
}
