//! The question popup (app::question): what will happen, the list of keys
//! it acts on (scrolled), a conflict's choices, why the last key did
//! nothing, and a footer that says how to answer with the keys the keymap
//! really has. Red when yes can lose data.

use super::share::wrapped_rows;
use super::{accent, dim, warn};
use crate::app::App;
use crate::app::question::conflict::overwrites;
use crate::app::question::{Answer, Question, Tone};
use crate::engine::Choice;
use crate::keymap::{Action, Context};
use crate::layout::centered;
use crate::sanitize::clean;
use crate::width::truncate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

fn red() -> Style {
    Style::new().fg(Color::Red)
}

fn tone(t: Tone) -> Style {
    match t {
        Tone::Plain => Style::new(),
        Tone::Strong => Style::new().add_modifier(Modifier::BOLD),
        Tone::Dim => dim(),
        Tone::Warn => warn(),
        Tone::Error => red(),
    }
}

/// "n / q / Esc" for an action of the question context.
fn keys(app: &App, action: Action) -> String {
    let k = app.session.keymap.keys_for(Context::Question, action);
    if k.is_empty() {
        format!("({} is unbound)", action.name())
    } else {
        k.join(" / ")
    }
}

fn first_key(app: &App, action: Action) -> String {
    app.session
        .keymap
        .key_for(Context::Question, action)
        .unwrap_or_else(|| "-".into())
}

/// The keys that say no. While any text types, a printable one types
/// instead, so only the others are offered.
fn no_keys(app: &App, q: &Question) -> String {
    let mut k = app.session.keymap.keys_for(Context::Question, Action::No);
    if let Answer::Typed { digits: false, .. } = q.answer {
        k.retain(|l| l.chars().count() > 1);
    }
    if k.is_empty() {
        "(no is unbound)".to_owned()
    } else {
        k.join(" / ")
    }
}

/// How to answer, from the keymap.
fn footer(app: &App, q: &Question) -> Vec<Line<'static>> {
    let no = no_keys(app, q);
    let verb = clean(&q.verb).into_owned();
    let text = match &q.answer {
        Answer::Key { destructive: true } => {
            format!("{}: {verb} · {no}: no", keys(app, Action::Yes))
        }
        Answer::Key { destructive: false } => format!(
            "{} / {}: {verb} · {no}: no",
            keys(app, Action::Yes),
            keys(app, Action::Confirm)
        ),
        Answer::Typed { text, what, .. } => {
            return vec![
                Line::styled(
                    format!(
                        "Type {} ({what}) and {} to {verb} · {no}: no",
                        clean(text),
                        keys(app, Action::Confirm)
                    ),
                    accent(),
                ),
                Line::from(vec![
                    Span::styled("> ", accent()),
                    Span::raw(clean(&q.typed).into_owned()),
                    Span::raw("▏"),
                ]),
            ];
        }
        Answer::Choices { .. } => format!(
            "A choice's key, or {}/{} and {} (never for an overwrite)",
            first_key(app, Action::MoveUp),
            first_key(app, Action::MoveDown),
            keys(app, Action::Confirm)
        ),
        Answer::Wait => format!("Nothing happens before the listing is complete · {no}: cancel"),
        Answer::Close => "Any key closes".to_owned(),
    };
    vec![Line::styled(text, accent())]
}

fn choices(app: &App, q: &Question, selected: usize) -> Vec<Line<'static>> {
    Choice::ALL
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let action = crate::app::question::conflict::choice_action(*c);
            let key = first_key(app, action);
            let style = if i == selected {
                Style::new().add_modifier(Modifier::REVERSED)
            } else {
                Style::new()
            };
            let mut label = c.label().to_owned();
            if overwrites(*c) {
                label.push_str(" (replaces what is there)");
            }
            if *c == Choice::Cancel {
                label.push_str(&format!(" the job (also {})", no_keys(app, q)));
            }
            Line::from(vec![
                Span::styled(format!("  {key:<3}"), accent()),
                Span::styled(label, style),
            ])
        })
        .collect()
}

pub(super) fn render(app: &App, q: &Question, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).min(110);
    let inner = width.saturating_sub(2) as usize;
    let mut lines: Vec<Line<'static>> = q
        .lines
        .iter()
        .map(|s| Line::styled(clean(&s.text).into_owned(), tone(s.tone)))
        .collect();
    let mut bottom = Vec::new();
    if let Answer::Choices { selected } = q.answer {
        bottom.extend(choices(app, q, selected));
    }
    if let Some(n) = &q.note {
        bottom.push(Line::styled(clean(n).into_owned(), warn()));
    }
    bottom.extend(footer(app, q));
    // Two rows stay free above and below, so the header and status bar
    // still show what the question is about.
    let avail = area.height.saturating_sub(4).max(8).min(area.height);
    if !q.list.is_empty() {
        // What is left for the list once the rest and a position line fit.
        let fixed = wrapped_rows(&lines, inner) + wrapped_rows(&bottom, inner) + 3;
        let room = (avail as usize).saturating_sub(fixed).max(3);
        let n = q.list.len();
        let shown = n.min(room);
        let first = q.scroll.min(n - shown);
        // A change of bucket settings lists a diff: old lines red, new green.
        let diff = q.diff;
        for l in q.list.iter().skip(first).take(shown) {
            let text = truncate(&clean(l), inner.saturating_sub(2));
            let style = match l.as_bytes().first() {
                Some(b'-') if diff => Style::new().fg(ratatui::style::Color::Red),
                Some(b'+') if diff => Style::new().fg(ratatui::style::Color::Green),
                _ => Style::new(),
            };
            lines.push(Line::styled(format!("  {text}"), style));
        }
        if n > shown {
            lines.push(Line::styled(
                format!(
                    "  {}–{} of {} · ↑/↓ PgUp/PgDn scroll",
                    first + 1,
                    first + shown,
                    crate::format::thousands(n as u64)
                ),
                dim(),
            ));
        }
    }
    lines.extend(bottom);
    let color = if q.destructive() || q.lines.iter().any(|l| l.tone == Tone::Error) {
        red()
    } else {
        accent()
    };
    // A list keeps to `avail`; what has none may take the whole height
    // rather than lose its last lines (the keys).
    let height = (wrapped_rows(&lines, inner) as u16 + 2).min(area.height);
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(color)
                .title(clean(&q.title).into_owned()),
        ),
        rect,
    );
}
