//! The transfers panel (one line per job: kind, source → destination,
//! objects and bytes, a bar, rate, ETA, state) and a job's item list.

use super::{accent, dim};
use crate::app::transfers::TransferJob;
use crate::app::{App, TaskId};
use crate::engine::{Outcome, Phase};
use crate::format::{human_size, thousands};
use crate::layout::centered;
use crate::sanitize::{clean, clean_text};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

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
    let mut tail = format!(
        " {:>3}% · {}/{} objects · {}/{}",
        j.percent(),
        thousands(s.objects_done),
        total_objects,
        human_size(s.bytes_done),
        human_size(s.bytes_total)
    );
    if !j.finished
        && let Some(r) = j.rate()
    {
        tail.push_str(&format!(" · {}/s", human_size(r as u64)));
    }
    if let Some(e) = j.eta_secs() {
        tail.push_str(&format!(" · ETA {}", eta(e)));
    }
    for (n, word) in [
        (s.failed, "failed"),
        (s.refused, "refused"),
        (s.cancelled, "cancelled"),
        (s.skipped, "skipped"),
    ] {
        if n > 0 {
            tail.push_str(&format!(" · {n} {word}"));
        }
    }
    // The bar gives way first: rate and ETA stay readable on 80 columns.
    let room = width.saturating_sub(4 + crate::width::width(&tail));
    let bar_width = room.min(20);
    let detail = if bar_width >= 5 {
        format!("    {}{tail}", bar(j.percent(), bar_width))
    } else {
        format!("   {tail}")
    };
    let head_style = if selected { accent() } else { Style::new() };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(
                crate::width::truncate(&head, width.saturating_sub(18)),
                head_style,
            ),
            Span::raw("  "),
            Span::styled(state, state_style(j.state())),
        ]),
        Line::styled(crate::width::truncate(&detail, width), dim()),
    ];
    // How to undo a rollback: the moment, whole, however narrow the panel.
    if let Some(after) = &j.after {
        let text = format!("    {}", clean_text(after));
        for row in crate::width::wrap(&text, width.max(10)) {
            lines.push(Line::styled(row, accent()));
        }
    }
    lines
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
    // Jobs take two rows, a rollback three or more (its undo moment,
    // wrapped): start as late as keeps the selected job whole on screen.
    let room = height.saturating_sub(3) as usize;
    let sel = app.transfers.selected;
    let blocks: Vec<Vec<Line>> = app
        .transfers
        .jobs
        .iter()
        .enumerate()
        .map(|(i, j)| job_lines(j, i == sel, inner))
        .collect();
    let mut first = sel.min(blocks.len().saturating_sub(1));
    let mut used = blocks.get(first).map_or(0, Vec::len);
    while first > 0 && used + blocks[first - 1].len() <= room {
        first -= 1;
        used += blocks[first].len();
    }
    for block in blocks.into_iter().skip(first) {
        if lines.len() + block.len() > room.max(2) && !lines.is_empty() {
            break;
        }
        lines.extend(block);
    }
    let title = format!(
        " Transfers ({}) — Enter items · X cancel · r retry failed · C clear finished · Esc close ",
        app.transfers.jobs.len()
    );
    super::boxed(frame, rect, &title, inner, lines);
}

fn outcome_text(o: &Outcome) -> (String, Style) {
    match o {
        Outcome::Done { note: None, .. } => ("done".into(), Style::new().fg(Color::Green)),
        Outcome::Done { note: Some(n), .. } => (
            format!("done, {}", clean(n)),
            Style::new().fg(Color::Yellow),
        ),
        Outcome::Skipped(w) => (format!("skipped: {}", clean_text(&w.describe())), dim()),
        Outcome::Refused(w) => (
            format!("refused: {}", clean_text(&w.describe())),
            Style::new().fg(Color::Red),
        ),
        Outcome::Failed(w) => (format!("failed: {}", clean(w)), Style::new().fg(Color::Red)),
        Outcome::Cancelled => ("cancelled".into(), dim()),
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
    for (i, item) in j.items.iter().enumerate().skip(scroll as usize).take(shown) {
        let (text, mut style) = outcome_text(&item.outcome);
        let name = clean(&item.name).into_owned();
        let name_style = if i == scroll as usize {
            style = style.add_modifier(ratatui::style::Modifier::REVERSED);
            Style::new().add_modifier(ratatui::style::Modifier::REVERSED)
        } else {
            Style::new()
        };
        let name_w = inner.saturating_sub(text.chars().count().min(inner / 2) + 2);
        lines.push(Line::from(vec![
            Span::styled(
                crate::width::pad(&crate::width::truncate(&name, name_w), name_w),
                name_style,
            ),
            Span::raw("  "),
            Span::styled(
                crate::width::truncate(&text, inner.saturating_sub(name_w + 2)),
                style,
            ),
        ]));
    }
    let title = format!(
        " {} — {} (failures first) · ↑/↓ · Enter shows one whole · Esc back ",
        j.kind.word(),
        crate::format::count(j.items.len() as u64, "item", "items")
    );
    super::boxed(frame, rect, &title, inner, lines);
}
