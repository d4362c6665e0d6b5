//! Drawing: a pure function from [`App`] to a frame. Every string that came
//! from S3 passes through [`clean`] here before it reaches a cell, and only
//! the rows inside the viewport are ever looked at, so a frame costs the same
//! with 100 or 100,000 entries loaded.

pub mod layout;
mod tree;

use crate::app::tree::{FolderState, Selected};
use crate::app::{App, Focus, ListState, Load, Overlay, Screen};
use crate::format::{count, human_size, long_time, short_time, thousands};
use crate::keymap::Action;
use crate::links;
use crate::sanitize::clean;
use crate::store::ObjectInfo;
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const LABEL_WIDTH: usize = 14;

pub(crate) fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub(crate) fn accent() -> Style {
    Style::new().fg(Color::Cyan)
}

/// Cuts `s` to `width` display columns, marking the cut with an ellipsis.
pub use crate::width::truncate;

pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let areas = layout::areas(area.width, area.height);
    render_header(app, frame, areas.header);
    render_crumb(app, frame, areas.crumb);
    match app.screen {
        Screen::Buckets => render_buckets(app, frame, areas.list),
        Screen::Browse => tree::render_tree(app, frame, areas.list),
    }
    render_inspector(app, frame, areas.inspector);
    render_status(app, frame, areas.status);
    if let Some(overlay) = &app.overlay {
        render_overlay(app, overlay, frame, area);
    }
}

fn render_header(app: &App, frame: &mut Frame, area: Rect) {
    let conn = &app.conn;
    let creds = match &app.creds {
        None => "resolving…".to_owned(),
        Some(Ok(c)) => match &c.key_hint {
            Some(k) => format!("{} (…{})", clean(&c.provider), clean(k)),
            None => clean(&c.provider).into_owned(),
        },
        Some(Err(_)) => "unavailable".to_owned(),
    };
    let sep = Span::styled(" │ ", dim());
    let line = Line::from(vec![
        Span::styled(" pail ", Style::new().fg(Color::Black).bg(Color::Cyan)),
        Span::raw(" "),
        Span::styled("endpoint ", dim()),
        Span::raw(clean(&conn.endpoint_label()).into_owned()),
        sep.clone(),
        Span::styled("profile ", dim()),
        Span::raw(clean(conn.profile.as_deref().unwrap_or("default")).into_owned()),
        sep.clone(),
        Span::styled("region ", dim()),
        Span::raw(clean(&conn.region).into_owned()),
        sep,
        Span::styled("creds ", dim()),
        Span::raw(creds),
    ]);
    if line.width() > area.width as usize {
        // Too narrow for all of it: one plain line, cut with an ellipsis.
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        let cut = truncate(&text, area.width as usize);
        frame.render_widget(Paragraph::new(cut), area);
        return;
    }
    frame.render_widget(Paragraph::new(line), area);
}

fn render_crumb(app: &App, frame: &mut Frame, area: Rect) {
    let (crumb, right) = match (&app.screen, &app.browse) {
        (Screen::Browse, Some(b)) => {
            let dir = if b.tree.reverse { "↓" } else { "↑" };
            (
                format!(" s3://{}/{}", clean(&b.tree.bucket), clean(&b.tree.root)),
                format!("sort: {} {dir} ", b.tree.sort.label()),
            )
        }
        _ => (" s3://".to_owned(), String::new()),
    };
    let width = area.width as usize;
    let crumb = truncate(&crumb, width.saturating_sub(right.width() + 1));
    let pad = width.saturating_sub(crumb.width() + right.width());
    let line = Line::from(vec![
        Span::styled(crumb, Style::new().add_modifier(Modifier::BOLD)),
        Span::raw(" ".repeat(pad)),
        Span::styled(right, dim()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

pub(crate) fn list_block(title: String, focused: bool) -> Block<'static> {
    let style = if focused { accent() } else { dim() };
    Block::default()
        .borders(Borders::ALL)
        .border_style(style)
        .title(Span::styled(
            title,
            Style::new().add_modifier(Modifier::BOLD),
        ))
}

pub(crate) fn cursor_style(focused: bool) -> Style {
    if focused {
        Style::new().add_modifier(Modifier::REVERSED)
    } else {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }
}

fn render_buckets(app: &App, frame: &mut Frame, area: Rect) {
    let v = &app.buckets;
    let visible = v.visible();
    let state = match &v.state {
        ListState::Loading(_) => " loading…".to_owned(),
        ListState::Failed(_) => " failed".to_owned(),
        _ if !v.filter.is_empty() => format!(" {} of {}", visible.len(), v.rows.len()),
        _ => format!(" {}", thousands(v.rows.len() as u64)),
    };
    let block = list_block(format!(" Buckets —{state} "), app.focus == Focus::Tree);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let mut lines = Vec::new();
    if visible.is_empty() {
        let msg = match &v.state {
            ListState::Loading(_) => "Loading buckets…".to_owned(),
            ListState::Failed(e) => {
                format!("Could not list buckets: {}", crate::diagnose::short(e))
            }
            _ if !v.filter.is_empty() => format!("No bucket matches {:?}", clean(&v.filter)),
            _ => "No buckets. Open one directly: pail s3://BUCKET/".to_owned(),
        };
        lines.push(Line::styled(msg, dim()));
    }
    let date_w = if width >= 60 { 17 } else { 0 };
    let region_w = if width >= 40 { 15 } else { 0 };
    let name_w = width.saturating_sub(date_w + region_w);
    for (pos, &i) in visible
        .iter()
        .enumerate()
        .skip(v.scroll)
        .take(inner.height as usize)
    {
        let row = &v.rows[i];
        let region = match &row.region {
            Some(Load::Ready(r)) => clean(r).into_owned(),
            Some(Load::Loading(_)) => "…".into(),
            Some(Load::Failed(_)) => "?".into(),
            None => String::new(),
        };
        let name = truncate(&clean(&row.name), name_w.saturating_sub(1));
        let mut text = format!("{name:<w$}", w = name_w.saturating_sub(1));
        text.push(' ');
        if region_w > 0 {
            text.push_str(&format!(
                "{:<w$}",
                truncate(&region, region_w - 1),
                w = region_w
            ));
        }
        if date_w > 0 {
            text.push_str(&match row.created {
                Some(t) => short_time(t, app.tz),
                None => "-".into(),
            });
        }
        let style = if pos == v.cursor {
            cursor_style(app.focus == Focus::Tree)
        } else {
            Style::new()
        };
        lines.push(Line::styled(text, style));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn kv(label: &str, value: impl Into<String>) -> Line<'static> {
    let label = if label.width() >= LABEL_WIDTH {
        format!("{label} ")
    } else {
        format!("{label:<LABEL_WIDTH$}")
    };
    Line::from(vec![Span::styled(label, dim()), Span::raw(value.into())])
}

/// Splits `s` into pieces of at most `width` display columns, breaking
/// after a space when one is near the end (prose), anywhere otherwise
/// (keys and URLs have no good break points).
fn chunks(s: &str, width: usize, prose: bool) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width && used > 0 {
            let last = out.last_mut().map(std::mem::take).unwrap_or_default();
            let carry = match last.rfind(' ') {
                Some(i) if prose && i + 1 < last.len() && last[..i].width() >= width / 2 => {
                    let (head, tail) = last.split_at(i + 1);
                    out.pop();
                    out.push(head.to_owned());
                    tail.to_owned()
                }
                _ => {
                    out.pop();
                    out.push(last);
                    String::new()
                }
            };
            used = carry.width();
            out.push(carry);
        }
        if let Some(last) = out.last_mut() {
            last.push(c);
        }
        used += w;
    }
    out
}

/// Wraps label/value lines with a hanging indent, so long keys, URLs and
/// ARNs continue under their value instead of under the label.
fn hang(lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let fits = line.width() <= width;
        if fits || line.spans.len() != 2 {
            out.push(line);
            continue;
        }
        let label = line.spans[0].clone();
        // Keys and URLs are wrapped anywhere: a break at a space would hide
        // whether the space is part of the key.
        let prose = !matches!(
            label.content.trim(),
            "Key" | "URI" | "URL" | "ARN" | "Prefix" | "Bucket" | "ETag" | "Version id"
        );
        let value = line.spans[1].content.to_string();
        let style = line.spans[1].style;
        let indent = label.width();
        if width < indent + 12 {
            out.push(Line::from(vec![label]));
            for piece in chunks(&value, width.max(1), prose) {
                out.push(Line::styled(piece, style));
            }
            continue;
        }
        for (i, piece) in chunks(&value, width - indent, prose)
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 {
                label.clone()
            } else {
                Span::raw(" ".repeat(indent))
            };
            out.push(Line::from(vec![lead, Span::styled(piece, style)]));
        }
    }
    out
}

fn section(title: &str) -> Line<'static> {
    Line::styled(title.to_owned(), accent().add_modifier(Modifier::BOLD))
}

fn inspector_lines(app: &App, area: Rect) -> Vec<Line<'static>> {
    let lines = match app.screen {
        Screen::Buckets => bucket_lines(app),
        Screen::Browse => browse_lines(app),
    };
    hang(lines, area.width.saturating_sub(2) as usize)
}

/// How far the inspector can scroll before its last line leaves the pane;
/// `update` clamps to it so scrolling never runs into empty space.
pub fn inspector_max_scroll(app: &App) -> u16 {
    let area = layout::areas(app.size.0, app.size.1).inspector;
    let lines = inspector_lines(app, area).len();
    lines.saturating_sub(area.height.saturating_sub(2) as usize) as u16
}

fn render_inspector(app: &App, frame: &mut Frame, area: Rect) {
    let focused = app.focus == Focus::Inspector;
    let block = list_block(" Inspector ".into(), focused);
    let lines = inspector_lines(app, area);
    let max = lines
        .len()
        .saturating_sub(area.height.saturating_sub(2) as usize) as u16;
    let p = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((app.inspector_scroll.min(max), 0));
    frame.render_widget(p, area);
}

fn help_lines(app: &App) -> Vec<Line<'static>> {
    let mut lines = vec![section("Keys (from your keymap)")];
    for (keys, desc) in app.keymap.help() {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<18}", keys.join(" ")), accent()),
            Span::raw(desc),
        ]));
    }
    lines.push(Line::raw(""));
    let copy = app.keymap.key_for(Action::CopyMenu).unwrap_or_default();
    lines.push(section(&format!("After {copy}: copy to the clipboard")));
    for (keys, what) in app.keymap.copy_help() {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<18}", keys.join(" ")), accent()),
            Span::raw(what.describe()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(section("While filtering"));
    lines.push(Line::raw(
        "type to narrow · ↑↓ move · Enter keep · Esc clear",
    ));
    lines.push(Line::raw(""));
    lines.push(section("Mouse"));
    lines.push(Line::raw(
        "wheel scrolls the pane under it · click selects · double-click expands",
    ));
    lines
}

fn help_rect(app: &App, area: Rect) -> (Rect, usize) {
    let n = help_lines(app).len();
    (centered(area, 92, (n as u16 + 2).min(area.height)), n)
}

/// How far the help can scroll before its last line leaves the popup.
pub fn help_max_scroll(app: &App) -> u16 {
    let (rect, n) = help_rect(app, Rect::new(0, 0, app.size.0, app.size.1));
    n.saturating_sub(rect.height.saturating_sub(2) as usize) as u16
}

fn bucket_lines(app: &App) -> Vec<Line<'static>> {
    let Some(row) = app.buckets.selected() else {
        return vec![Line::styled("No bucket selected", dim())];
    };
    let mut lines = vec![kv("Bucket", clean(&row.name).into_owned())];
    let region = match (&row.info, &row.region) {
        (Some(Load::Ready(i)), _) => Some(i.region.clone()),
        (_, Some(Load::Ready(r))) => Some(r.clone()),
        _ => None,
    };
    lines.push(kv(
        "Region",
        region
            .clone()
            .map(|r| clean(&r).into_owned())
            .unwrap_or_else(|| "…".into()),
    ));
    lines.push(kv(
        "Created",
        row.created
            .map(|t| long_time(t, app.tz))
            .unwrap_or_else(|| "-".into()),
    ));
    match &row.info {
        Some(Load::Ready(i)) => lines.push(kv(
            "Versioning",
            match &i.versioning {
                Ok(v) => clean(v).into_owned(),
                Err(e) => format!("unknown ({})", clean(e)),
            },
        )),
        Some(Load::Loading(_)) | None => lines.push(kv("Versioning", "…")),
        Some(Load::Failed(e)) => lines.push(kv("Error", crate::diagnose::short(e))),
    }
    let region = region.unwrap_or_else(|| app.conn.region.clone());
    lines.push(Line::raw(""));
    lines.push(kv("URI", clean(&links::s3_uri(&row.name, "")).into_owned()));
    lines.push(kv(
        "ARN",
        clean(&links::arn(&row.name, "", &region)).into_owned(),
    ));
    lines.push(kv(
        "URL",
        clean(&links::object_url(&app.conn, &region, &row.name, "")).into_owned(),
    ));
    lines
}

fn browse_lines(app: &App) -> Vec<Line<'static>> {
    let Some(b) = &app.browse else {
        return vec![];
    };
    let bucket = &b.tree.bucket;
    let region = b.region().unwrap_or(&app.conn.region).to_owned();
    match b.tree.selected() {
        Some(Selected::Object(key)) => match b.objects.get(&key) {
            Some(Load::Ready(info)) => object_lines(app, bucket, &region, info),
            Some(Load::Failed(e)) => {
                let mut lines = vec![kv("Key", clean(&key).into_owned()), Line::raw("")];
                lines.push(Line::styled(
                    crate::diagnose::short(e),
                    Style::new().fg(Color::Red),
                ));
                let x = crate::diagnose::explain(e, &app.conn, app.creds());
                lines.extend(x.hints.into_iter().map(Line::raw));
                lines
            }
            _ => vec![
                kv("Key", clean(&key).into_owned()),
                Line::raw(""),
                Line::styled("Loading details…", dim()),
            ],
        },
        Some(Selected::Prefix(prefix)) => prefix_lines(app, bucket, &region, &prefix),
        None => prefix_lines(app, bucket, &region, &b.tree.root),
    }
}

fn prefix_lines(app: &App, bucket: &str, region: &str, prefix: &str) -> Vec<Line<'static>> {
    let Some(b) = &app.browse else {
        return vec![];
    };
    let mut lines = vec![kv(
        if prefix.is_empty() {
            "Bucket"
        } else {
            "Prefix"
        },
        clean(&links::s3_uri(bucket, prefix)).into_owned(),
    )];
    match b.tree.folder(prefix) {
        Some(f) => {
            let prefixes = f.entries.iter().filter(|e| e.is_prefix).count();
            let state = match &f.state {
                FolderState::Loading(_) => "loading…".to_owned(),
                FolderState::Done => "complete".to_owned(),
                FolderState::Partial => "stopped early".to_owned(),
                FolderState::Failed(e) => format!("failed: {}", crate::diagnose::short(e)),
            };
            lines.push(kv(
                "Loaded",
                format!(
                    "{}, {} ({state})",
                    count(prefixes as u64, "prefix", "prefixes"),
                    count((f.entries.len() - prefixes) as u64, "object", "objects"),
                ),
            ));
            let bytes: u64 = f.entries.iter().map(|e| e.size).sum();
            lines.push(kv("Loaded size", human_size(bytes)));
        }
        None => lines.push(kv("Loaded", "not listed yet (expand it)")),
    }
    let key = app
        .keymap
        .key_for(Action::CountPrefix)
        .unwrap_or_else(|| "?".into());
    match b.totals.get(prefix) {
        None => lines.push(kv(
            "Recursive",
            format!("press {key} to count every key under it"),
        )),
        Some(t) => {
            let base = format!(
                "{} objects, {} ({} bytes)",
                thousands(t.totals.objects),
                human_size(t.totals.bytes),
                thousands(t.totals.bytes)
            );
            let text = match (&t.error, t.done, t.task) {
                (Some(e), _, _) => format!("{base} — failed: {}", crate::diagnose::short(e)),
                (None, true, _) => base,
                (None, false, Some(_)) => format!("{base} so far, counting…"),
                (None, false, None) => format!("{base} — stopped"),
            };
            lines.push(kv("Recursive", text));
        }
    }
    if prefix.is_empty() {
        let created = app
            .buckets
            .rows
            .iter()
            .find(|r| r.name == bucket)
            .and_then(|r| r.created);
        if let Some(t) = created {
            lines.push(kv("Created", long_time(t, app.tz)));
        }
        match &b.info {
            Some(Load::Ready(i)) => {
                lines.push(kv("Region", clean(&i.region).into_owned()));
                lines.push(kv(
                    "Versioning",
                    match &i.versioning {
                        Ok(v) => clean(v).into_owned(),
                        Err(e) => format!("unknown ({})", clean(e)),
                    },
                ));
            }
            Some(Load::Failed(e)) => lines.push(kv("Error", crate::diagnose::short(e))),
            _ => lines.push(kv("Region", "…")),
        }
    }
    lines.push(Line::raw(""));
    lines.push(kv(
        "ARN",
        clean(&links::arn(bucket, prefix, region)).into_owned(),
    ));
    lines.push(kv(
        "URL",
        clean(&links::object_url(&app.conn, region, bucket, prefix)).into_owned(),
    ));
    lines
}

fn opt(lines: &mut Vec<Line<'static>>, label: &str, v: &Option<String>) {
    if let Some(v) = v {
        lines.push(kv(label, clean(v).into_owned()));
    }
}

fn object_lines(app: &App, bucket: &str, region: &str, i: &ObjectInfo) -> Vec<Line<'static>> {
    let mut lines = vec![kv("Key", clean(&i.key).into_owned())];
    lines.push(kv(
        "Size",
        format!("{} ({} bytes)", human_size(i.size), thousands(i.size)),
    ));
    lines.push(kv(
        "Modified",
        i.modified
            .map(|t| long_time(t, app.tz))
            .unwrap_or_else(|| "-".into()),
    ));
    opt(&mut lines, "ETag", &i.etag);
    opt(&mut lines, "Content-Type", &i.content_type);
    opt(&mut lines, "Encoding", &i.content_encoding);
    opt(&mut lines, "Disposition", &i.content_disposition);
    opt(&mut lines, "Language", &i.content_language);
    opt(&mut lines, "Cache-Control", &i.cache_control);
    opt(&mut lines, "Expires", &i.expires);
    lines.push(kv(
        "Storage class",
        clean(i.storage_class.as_deref().unwrap_or("STANDARD")).into_owned(),
    ));
    let sse = match (&i.sse, &i.sse_kms_key_id) {
        (Some(s), Some(k)) => format!("{} (key {})", clean(s), clean(k)),
        (Some(s), None) => clean(s).into_owned(),
        (None, _) => "none reported".into(),
    };
    lines.push(kv("Encryption", sse));
    if i.bucket_key_enabled == Some(true) {
        lines.push(kv("Bucket key", "enabled"));
    }
    opt(&mut lines, "Version id", &i.version_id);
    for (alg, v) in &i.checksums {
        lines.push(kv(&format!("Checksum {alg}"), clean(v).into_owned()));
    }
    opt(&mut lines, "Checksum type", &i.checksum_type);
    if let Some(n) = i.parts_count {
        lines.push(kv("Parts", n.to_string()));
    }
    opt(&mut lines, "Replication", &i.replication_status);
    opt(&mut lines, "Redirect", &i.website_redirect);
    if let Some(mode) = &i.object_lock_mode {
        let until = i
            .object_lock_retain_until
            .map(|t| long_time(t, app.tz))
            .unwrap_or_else(|| "-".into());
        lines.push(kv("Object lock", format!("{} until {until}", clean(mode))));
    }
    opt(&mut lines, "Legal hold", &i.legal_hold);
    opt(&mut lines, "Restore", &i.restore);
    opt(&mut lines, "Archive", &i.archive_status);
    if let Some(n) = i.missing_meta {
        lines.push(kv("Missing meta", n.to_string()));
    }
    lines.push(Line::raw(""));
    lines.push(section(&format!("Metadata ({})", i.metadata.len())));
    for (k, v) in &i.metadata {
        lines.push(kv(&format!("  {}", clean(k)), clean(v).into_owned()));
    }
    match &i.tags_error {
        None => {
            lines.push(section(&format!("Tags ({})", i.tags.len())));
            for (k, v) in &i.tags {
                lines.push(kv(&format!("  {}", clean(k)), clean(v).into_owned()));
            }
        }
        Some(e) => {
            lines.push(section("Tags"));
            lines.push(Line::styled(format!("  unavailable: {}", clean(e)), dim()));
        }
    }
    lines.push(Line::raw(""));
    lines.push(kv(
        "URI",
        clean(&links::s3_uri(bucket, &i.key)).into_owned(),
    ));
    lines.push(kv(
        "URL",
        clean(&links::object_url(&app.conn, region, bucket, &i.key)).into_owned(),
    ));
    lines.push(kv(
        "ARN",
        clean(&links::arn(bucket, &i.key, region)).into_owned(),
    ));
    lines
}

fn render_status(app: &App, frame: &mut Frame, area: Rect) {
    if app.filter_editing {
        let matches = match app.screen {
            Screen::Browse => app.browse.as_ref().map(|b| b.tree.matches).unwrap_or(0),
            Screen::Buckets => app.buckets.visible().len(),
        };
        let value = clean(app.filter_input.value()).into_owned();
        let right = format!(
            "{} · Enter keep · Esc clear ",
            count(matches as u64, "match", "matches")
        );
        let line = Line::from(vec![
            Span::styled("/", accent()),
            Span::raw(value.clone()),
            Span::raw(
                " ".repeat((area.width as usize).saturating_sub(value.width() + 1 + right.width())),
            ),
            Span::styled(right, dim()),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        let x = area.x
            + (1 + app.filter_input.visual_cursor()).min(area.width.saturating_sub(1) as usize)
                as u16;
        frame.set_cursor_position((x, area.y));
        return;
    }
    let mut spans = Vec::new();
    if !app.tasks.is_empty() {
        let frame_i = (app.tick as usize) % SPINNER.len();
        spans.push(Span::styled(
            format!("{} {} running ", SPINNER[frame_i], app.tasks.len()),
            accent(),
        ));
    }
    let fresh = |s: &&crate::app::Status| s.error || app.tick < s.since + crate::app::STATUS_TICKS;
    if let Some(s) = app.status.as_ref().filter(fresh) {
        let style = if s.error {
            Style::new().fg(Color::Red)
        } else {
            Style::new()
        };
        spans.push(Span::styled(clean(&s.text).into_owned(), style));
    }
    let filter = match app.screen {
        Screen::Browse => app.browse.as_ref().map(|b| b.tree.filter().to_owned()),
        Screen::Buckets => Some(app.buckets.filter.clone()),
    }
    .filter(|f| !f.is_empty());
    let help = app.keymap.key_for(Action::Help).unwrap_or_default();
    let right = match filter {
        Some(f) => format!(" filter: {} · {help} help ", clean(&f)),
        None => format!(" {help} help "),
    };
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let width = area.width as usize;
    if used + right.width() < width {
        spans.push(Span::raw(" ".repeat(width - used - right.width())));
        spans.push(Span::styled(right, dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn render_overlay(app: &App, overlay: &Overlay, frame: &mut Frame, area: Rect) {
    match overlay {
        Overlay::Help { scroll } => {
            let lines = help_lines(app);
            let (rect, n) = help_rect(app, area);
            let max = n.saturating_sub(rect.height.saturating_sub(2) as usize) as u16;
            let scroll = (*scroll).min(max);
            frame.render_widget(Clear, rect);
            let p = Paragraph::new(lines)
                .block(
                    Block::default()
                        .borders(Borders::ALL)
                        .border_style(accent())
                        .title(" Help — any other key closes "),
                )
                .scroll((scroll, 0));
            frame.render_widget(p, rect);
        }
        Overlay::Copy => {
            let mut lines = Vec::new();
            for (keys, what) in app.keymap.copy_help() {
                lines.push(Line::from(vec![
                    Span::styled(format!(" {:<6}", keys.join(" ")), accent()),
                    Span::raw(what.describe()),
                ]));
            }
            lines.push(Line::styled(" Esc   cancel", dim()));
            let rect = centered(area, 30, lines.len() as u16 + 2);
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new(lines).block(
                    Block::default()
                        .borders(Borders::ALL)
                        .border_style(accent())
                        .title(" Copy "),
                ),
                rect,
            );
        }
        Overlay::Error(x) => {
            let mut lines = vec![
                Line::styled(x.summary.clone(), Style::new().fg(Color::Red)),
                Line::raw(""),
            ];
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
                        .border_style(Style::new().fg(Color::Red))
                        .title(format!(" {} ", x.title)),
                ),
                rect,
            );
        }
        Overlay::ConfirmQuit => {
            let n = app.running_long_tasks();
            let lines = vec![
                Line::raw(format!("{n} listing task(s) still running.")),
                Line::raw("Quit anyway? y / n"),
            ];
            let rect = centered(area, 40, 4);
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

#[cfg(test)]
mod tests {
    use super::chunks;

    #[test]
    fn chunks_prefer_spaces_in_prose_and_keep_every_char() {
        let prose = "press s to count every key under it";
        assert_eq!(
            chunks(prose, 20, true),
            ["press s to count ", "every key under it"]
        );
        assert_eq!(chunks(prose, 20, false)[0], "press s to count eve");
        assert_eq!(chunks("abcdefghij", 4, true), ["abcd", "efgh", "ij"]);
        assert_eq!(chunks("日本語日本語", 5, true), ["日本", "語日", "本語"]);
        let s = "a b c d e f g h i j k l m";
        assert_eq!(chunks(s, 7, true).concat(), s);
    }
}
