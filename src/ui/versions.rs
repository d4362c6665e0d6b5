//! The versions panel: a table of one key's versions and delete markers,
//! newest first, with the selected version's details under it. Its
//! questions (restore, permanent delete) are ui::question.

use super::{accent, dim, warn};
use crate::app::App;
use crate::app::Load;
use crate::app::versions::Panel;
use crate::format::{human_size, long_time, short_time};
use crate::layout::centered;
use crate::sanitize::clean;
use crate::width::{pad, truncate};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

fn frame_box(frame: &mut Frame, rect: Rect, title: String, lines: Vec<Line<'static>>) {
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(accent())
                .title(title),
        ),
        rect,
    );
}

/// What the bucket's versioning status means for this panel, if anything.
fn status_line(p: &Panel) -> Option<Line<'static>> {
    if p.never_versioned() {
        return Some(Line::styled(
            "Versioning was never enabled on this bucket: there is only the current object (no history to restore).",
            warn(),
        ));
    }
    if p.suspended() {
        return Some(Line::styled(
            "Versioning is Suspended: a new write (a restore too) replaces the `null` version for good.",
            warn(),
        ));
    }
    None
}

fn details(app: &App, p: &Panel, inner: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let Some(v) = p.selected() else { return out };
    if v.delete_marker {
        out.push(Line::styled(
            "A delete marker: the key reads as deleted while it is the latest. U removes the markers on top (undelete).",
            dim(),
        ));
        return out;
    }
    let info = match &p.info {
        Some((id, load)) if *id == v.version_id => load,
        _ => return out,
    };
    match info {
        Load::Loading(_) => out.push(Line::styled("Reading this version's details…", dim())),
        Load::Failed(e) => out.push(Line::styled(
            format!("Details: {}", crate::diagnose::short(e)),
            Style::new().fg(Color::Red),
        )),
        Load::Ready(i) => {
            let kv = |k: &str, v: String| {
                Line::from(vec![
                    Span::styled(format!("{k:<14}"), dim()),
                    Span::raw(truncate(&v, inner.saturating_sub(14))),
                ])
            };
            out.push(kv(
                "Content-Type",
                clean(i.content_type.as_deref().unwrap_or("-")).into_owned(),
            ));
            out.push(kv("Size", crate::format::size_with_bytes(i.size)));
            if let Some(m) = i.modified {
                out.push(kv("Modified", long_time(m, app.session.tz)));
            }
            for (k, val) in &i.metadata {
                out.push(kv(&format!("meta {}", clean(k)), clean(val).into_owned()));
            }
            if !i.tags.is_empty() {
                let tags: Vec<String> = i
                    .tags
                    .iter()
                    .map(|(k, v)| format!("{}={}", clean(k), clean(v)))
                    .collect();
                out.push(kv("Tags", tags.join(", ")));
            }
            for (alg, val) in &i.checksums {
                out.push(kv(alg, clean(val).into_owned()));
            }
            if let Some(mode) = &i.object_lock_mode {
                out.push(Line::styled(
                    format!(
                        "Object lock {} until {}",
                        clean(mode),
                        i.object_lock_retain_until
                            .map(|t| long_time(t, app.session.tz))
                            .unwrap_or_else(|| "?".into())
                    ),
                    warn(),
                ));
            }
            if i.legal_hold.as_deref() == Some("ON") {
                out.push(Line::styled("Legal hold ON", warn()));
            }
        }
    }
    out
}

pub(super) fn render_panel(app: &App, p: &Panel, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).min(120);
    let height = area.height.saturating_sub(2).max(8);
    let rect = centered(area, width, height);
    let inner = width.saturating_sub(2) as usize;
    let mut lines: Vec<Line<'static>> = Vec::new();
    if let Some(l) = status_line(p) {
        lines.push(l);
    }
    if let Load::Failed(e) = &p.listing {
        lines.push(Line::styled(
            format!(
                "Listing versions failed: {}",
                clean(&crate::diagnose::short(e))
            ),
            Style::new().fg(Color::Red),
        ));
    }
    let id_w = 34.min(inner / 3);
    lines.push(Line::styled(
        format!(
            "  {}  {:<6}  {:>10}  {:<16}  {:<12}  {}",
            pad("VERSION", id_w),
            "",
            "SIZE",
            "MODIFIED",
            "ETAG",
            "CLASS"
        ),
        dim(),
    ));
    let detail = details(app, p, inner);
    let table_rows = (height as usize)
        .saturating_sub(4 + lines.len() + detail.len().min(8))
        .max(3);
    let first = p.cursor.saturating_sub(table_rows.saturating_sub(1));
    for (i, v) in p.rows.iter().enumerate().skip(first).take(table_rows) {
        let on = i == p.cursor;
        let latest = if v.is_latest { "latest" } else { "" };
        let text = if v.delete_marker {
            format!(
                "{} {}  {latest:<6}  {:>10}  {:<16}  delete marker",
                if on { "▸" } else { " " },
                pad(&truncate(&clean(&v.version_id), id_w), id_w),
                "-",
                v.modified
                    .map(|t| short_time(t, app.session.tz))
                    .unwrap_or_default(),
            )
        } else {
            format!(
                "{} {}  {latest:<6}  {:>10}  {:<16}  {:<12}  {}",
                if on { "▸" } else { " " },
                pad(&truncate(&clean(&v.version_id), id_w), id_w),
                human_size(v.size),
                v.modified
                    .map(|t| short_time(t, app.session.tz))
                    .unwrap_or_default(),
                truncate(
                    &clean(v.etag.as_deref().unwrap_or("").trim_matches('"')),
                    12
                ),
                clean(v.storage_class.as_deref().unwrap_or("STANDARD")),
            )
        };
        let mut style = if v.delete_marker {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        };
        if on {
            style = style.add_modifier(Modifier::REVERSED);
        }
        lines.push(Line::styled(truncate(&text, inner), style));
    }
    let listing = matches!(p.listing, Load::Loading(_));
    if p.rows.is_empty() && listing {
        lines.push(Line::styled("Listing versions…", dim()));
    } else if p.rows.is_empty() && !matches!(p.listing, Load::Failed(_)) {
        lines.push(Line::styled("No versions of this key", dim()));
    }
    lines.push(Line::raw(""));
    lines.extend(detail.into_iter().take(8));
    let mut keys = "d download · P share · r restore · X delete version · ".to_owned();
    if p.deleted() {
        keys.push_str("U undelete · ");
    }
    keys.push_str("Esc close");
    // The keys sit on the last row, whatever the rows above took.
    let room = (height as usize).saturating_sub(3);
    lines.truncate(room);
    while lines.len() < room {
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled(keys, dim()));
    let more = if listing { " so far (listing…)" } else { "" };
    let title = format!(
        " Versions of {} — {}{more} ",
        truncate(&clean(&p.key), 60),
        crate::format::count(p.rows.len() as u64, "row", "rows"),
    );
    frame_box(frame, rect, title, lines);
}
