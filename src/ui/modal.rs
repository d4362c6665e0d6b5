//! Popups of the modal stack, drawn bottom to top so the one with the keys
//! is on top: help, the message log, the copy menu, errors, the quit
//! question, and "cleaning up…" while quitting waits for tasks.

use super::{accent, dim};
use crate::app::{App, Modal};
use crate::layout::{self, centered};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

fn popup(frame: &mut Frame, rect: Rect, title: String, lines: Vec<Line<'static>>, scroll: u16) {
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(accent())
                    .title(title),
            )
            .scroll((scroll, 0)),
        rect,
    );
}

/// "12–31 of 48" for a scrolled list.
fn position(scroll: u16, shown: u16, total: usize) -> String {
    let first = scroll as usize + 1;
    let last = (scroll as usize + shown as usize).min(total);
    if first == 1 && last >= total {
        String::new()
    } else {
        format!(" {first}–{last} of {total} ·")
    }
}

pub(super) fn render_modal(app: &App, modal: &Modal, frame: &mut Frame, area: Rect) {
    match modal {
        // The filter prompt lives in the status bar.
        Modal::Prompt(p) if p.kind == crate::app::prompt::PromptKind::Filter => {}
        Modal::Prompt(p) => super::ops::render_prompt(app, p, frame, area),
        Modal::Question(q) => super::question::render(app, q, frame, area),
        Modal::Transfers => super::transfer_panel::render_panel(app, frame, area),
        Modal::Share(s) => super::share::render(app, s, frame, area),
        Modal::Versions(p) => super::versions::render_panel(app, p, frame, area),
        Modal::Uploads(p) => super::uploads::render(app, p, frame, area),
        Modal::Sync(p) => super::sync::render(app, p, frame, area),
        Modal::Fixes(m) => render_fixes(app, m, frame, area),
        Modal::Why(p) => super::why::render(p, frame, area),
        Modal::TransferItems { task, scroll } => {
            super::transfer_panel::render_items(app, *task, *scroll, frame, area)
        }
        Modal::Help { scroll, context } => {
            let (rect, lines) = layout::help::popup(&app.session.keymap, *context, area);
            let n = lines.len();
            let shown = rect.height.saturating_sub(2);
            let max = n.saturating_sub(shown as usize) as u16;
            let scroll = (*scroll).min(max);
            let title = format!(" Help —{} Esc closes ", position(scroll, shown, n));
            popup(frame, rect, title, lines, scroll);
        }
        Modal::Messages { scroll } => {
            let (rect, lines) = layout::messages::popup(&app.messages.view(), app.session.tz, area);
            let shown = rect.height.saturating_sub(2);
            let n = lines.len();
            let max = n.saturating_sub(shown as usize) as u16;
            let scroll = (*scroll).min(max);
            let title = format!(
                " Messages (newest first) —{} Esc closes ",
                position(scroll, shown, n)
            );
            popup(frame, rect, title, lines, scroll);
        }
        Modal::Copy => {
            let mut lines = Vec::new();
            for (keys, what) in app.session.keymap.copy_help() {
                lines.push(Line::from(vec![
                    Span::styled(format!(" {:<6}", keys.join(" ")), accent()),
                    Span::raw(what.describe()),
                ]));
            }
            lines.push(Line::styled(" Esc   cancel", dim()));
            let rect = centered(area, 30, lines.len() as u16 + 2);
            popup(frame, rect, " Copy ".into(), lines, 0);
        }
        Modal::Error(x) | Modal::Detail(x) => {
            let tone = if matches!(modal, Modal::Error(_)) {
                Style::new().fg(Color::Red)
            } else {
                accent()
            };
            let mut lines = vec![Line::styled(x.summary.clone(), tone), Line::raw("")];
            lines.extend(x.hints.iter().map(|h| Line::raw(h.clone())));
            lines.push(Line::raw(""));
            lines.push(Line::styled("Press any key to close", dim()));
            let width = area.width.saturating_sub(4).min(90);
            let rect = centered(area, width, (lines.len() as u16 + 6).min(area.height));
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new(lines).wrap(Wrap { trim: false }).block(
                    Block::default()
                        .borders(Borders::ALL)
                        .border_style(tone)
                        .title(format!(" {} ", x.title)),
                ),
                rect,
            );
        }
        Modal::ConfirmQuit => {
            let mut lines = vec![Line::raw(format!(
                "Still running: {}.",
                app.tasks.long_summary()
            ))];
            for t in app.tasks.long().take(3) {
                lines.push(Line::styled(
                    crate::width::truncate(&crate::sanitize::clean_text(&t.kind.label), 52),
                    dim(),
                ));
            }
            lines.push(Line::raw("Quit and stop them? y / n"));
            let rect = centered(area, 58, lines.len() as u16 + 2);
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new(lines).alignment(Alignment::Center).block(
                    Block::default()
                        .borders(Borders::ALL)
                        .border_style(accent())
                        .title(" Quit? "),
                ),
                rect,
            );
        }
    }
}

/// The bucket card's fix menu: one row per change, the highlighted one
/// reversed, the menu's keys at the bottom.
fn render_fixes(app: &App, m: &crate::app::card::FixMenu, frame: &mut Frame, area: Rect) {
    use crate::keymap::{Action, Context};
    use ratatui::style::Modifier;
    let width = area.width.saturating_sub(4).min(100);
    let inner = width.saturating_sub(2) as usize;
    let room = area.height.saturating_sub(6).max(3) as usize;
    let first = crate::app::scroll::first_shown(m.selected, room, m.rows.len());
    let mut lines = Vec::new();
    for (i, r) in m.rows.iter().enumerate().skip(first).take(room) {
        let text = crate::width::truncate(
            &format!(" {:<9}{}", r.tag, crate::sanitize::clean(&r.label)),
            inner,
        );
        let mut style = match r.tag.as_str() {
            "CRITICAL" | "HIGH" => Style::new().fg(Color::Red),
            "MEDIUM" => Style::new().fg(Color::Yellow),
            "undo" => accent(),
            _ => Style::new(),
        };
        if i == m.selected {
            style = style.add_modifier(Modifier::REVERSED);
        }
        lines.push(Line::styled(text, style));
    }
    let keys = |a: Action| app.session.keymap.keys_for(Context::Fixes, a).join("/");
    lines.push(Line::styled(
        format!(
            " {} preview and ask · {} put back the last change · {} close",
            keys(Action::Submit),
            keys(Action::Undo),
            keys(Action::Close)
        ),
        dim(),
    ));
    let rect = centered(area, width, lines.len() as u16 + 2);
    let title = format!(" Change s3://{} ", crate::sanitize::clean(&m.bucket));
    popup(frame, rect, title, lines, 0);
}

pub(super) fn render_cleanup(n: usize, frame: &mut Frame, area: Rect) {
    let rect = centered(area, 44, 3);
    let text = format!(
        "Cleaning up… ({})",
        crate::format::count(n as u64, "task", "tasks")
    );
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(text).alignment(Alignment::Center).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(accent()),
        ),
        rect,
    );
}
