//! The share popup: the form (method, key, expiry, options), then the signed
//! link, escaped and wrapped, with when it really stops working, and the QR
//! code drawn black on white whatever the terminal's colours.

use super::{accent, dim, warn};
use crate::app::App;
use crate::app::share::{Field, PRESETS, Share, Stage};
use crate::format::{duration, long_time};
use crate::layout::centered;
use crate::sanitize::clean;
use crate::store::LinkMethod;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// `text` cut into rows of `width` columns (a URL has no spaces to wrap at).
fn chunks(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut out = Vec::new();
    let mut row = String::new();
    let mut cols = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(1);
        if cols + w > width {
            out.push(std::mem::take(&mut row));
            cols = 0;
        }
        row.push(c);
        cols += w;
    }
    if !row.is_empty() {
        out.push(row);
    }
    out
}

/// Rows `lines` take once wrapped at `inner` columns, so a popup sized by
/// it never cuts off its last line (the keys).
pub(super) fn wrapped_rows(lines: &[Line], inner: usize) -> usize {
    lines
        .iter()
        .map(|l| l.width().div_ceil(inner.max(1)).max(1))
        .sum()
}

fn field_line(s: &Share, f: Field, label: &str, value: String) -> Line<'static> {
    let on = s.stage == Stage::Form && s.field == f;
    let marker = if on { "▸ " } else { "  " };
    let style = if on {
        Style::new().add_modifier(Modifier::REVERSED)
    } else {
        Style::new()
    };
    Line::from(vec![
        Span::styled(format!("{marker}{label:<14}"), accent()),
        Span::styled(value, style),
    ])
}

fn form_lines(app: &App, s: &Share, inner: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for f in s.fields() {
        let line = match f {
            Field::Method => field_line(
                s,
                f,
                "Method",
                match (s.post, s.method) {
                    (true, _) => "◂ POST: a browser upload form ▸".into(),
                    (false, LinkMethod::Get) => "◂ GET: download ▸".into(),
                    (false, LinkMethod::Put) => "◂ PUT: upload to a key ▸".into(),
                },
            ),
            Field::Key => field_line(
                s,
                f,
                if s.post && s.key_is_prefix() {
                    "Under prefix"
                } else {
                    "Upload to"
                },
                crate::width::truncate(&clean(s.key.value()), inner.saturating_sub(16)),
            ),
            Field::MaxSize => field_line(
                s,
                f,
                "Largest file",
                if s.max_size.value().trim().is_empty() {
                    "(no limit)".into()
                } else {
                    clean(s.max_size.value()).into_owned()
                },
            ),
            Field::Expiry => {
                let v = match PRESETS.get(s.preset) {
                    Some((_, label)) => format!("◂ {label} ▸"),
                    None => format!("◂ typed: {}▏ ▸", clean(s.typed.value())),
                };
                field_line(s, f, "Expires in", v)
            }
            Field::Attachment => field_line(
                s,
                f,
                "Save as file",
                if s.attachment {
                    "[x] browsers download it under its own name".into()
                } else {
                    "[ ] browsers may show it inline".into()
                },
            ),
            Field::ContentType => field_line(
                s,
                f,
                "Content-Type",
                if s.post && s.content_type.value().trim().is_empty() {
                    "(any)".into()
                } else {
                    crate::width::truncate(&clean(s.content_type.value()), inner.saturating_sub(16))
                },
            ),
        };
        lines.push(line);
    }
    lines.push(Line::raw(""));
    if s.post {
        lines.push(Line::styled(
            if s.key_is_prefix() {
                "  The form takes any file name under the prefix (key = prefix${filename})."
            } else {
                "  The form uploads to exactly this key."
            },
            dim(),
        ));
    }
    if let Ok(secs) = s.expiry() {
        let until = app.session.clock.now_ms / 1000 + secs as i64;
        lines.push(Line::styled(
            format!(
                "  valid {} · until about {}",
                duration(secs),
                long_time(until, app.session.tz)
            ),
            dim(),
        ));
    }
    lines.push(Line::styled(
        "  ↑/↓ field · ←/→ change · type a duration (90m, 36h, 3d) · Enter sign · Esc close",
        dim(),
    ));
    lines
}

fn done_lines(app: &App, s: &Share, inner: usize) -> Vec<Line<'static>> {
    let Stage::Done(links) = &s.stage else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    let Some(first) = links.first() else {
        return lines;
    };
    let p = &first.presigned;
    lines.push(Line::from(vec![
        Span::styled(format!("{} ", p.method.as_str()), accent()),
        Span::raw(format!(
            "s3://{}/{}",
            clean(&first.object.bucket),
            clean(&first.object.key)
        )),
        Span::styled(
            first
                .object
                .version_id
                .as_ref()
                .map(|v| format!(" version {}", clean(v)))
                .unwrap_or_default(),
            dim(),
        ),
    ]));
    if links.len() > 1 {
        lines.push(Line::raw(format!(
            "{} links, copied as key<TAB>URL lines",
            links.len()
        )));
    }
    lines.push(Line::styled(
        format!("Expires {}", long_time(p.expires_at, app.session.tz)),
        Style::new().fg(Color::Green),
    ));
    if let Some(c) = p.credentials_expire
        && c < p.expires_at
    {
        lines.push(Line::styled(
            format!(
                "Signed with temporary credentials that expire {}: the link stops working then, not at its own expiry.",
                long_time(c, app.session.tz)
            ),
            warn(),
        ));
    }
    lines.push(Line::styled(
        format!("Signed for region {}", clean(&p.region)),
        dim(),
    ));
    for (k, v) in &p.headers {
        lines.push(Line::styled(
            format!("The uploader must send  {}: {}", clean(k), clean(v)),
            warn(),
        ));
    }
    lines.push(Line::raw(""));
    for row in chunks(&clean(&p.url), inner) {
        lines.push(Line::raw(row));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Copied. y copy again · c copy as curl · Q QR code · e edit · Esc close",
        dim(),
    ));
    lines
}

fn posted_lines(app: &App, s: &Share, inner: usize) -> Vec<Line<'static>> {
    let Stage::Posted(post) = &s.stage else {
        return Vec::new();
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled("POST ", accent()),
            Span::raw(crate::width::truncate(
                &clean(&post.url),
                inner.saturating_sub(5),
            )),
        ]),
        Line::styled(
            format!("Expires {}", long_time(post.expires_at, app.session.tz)),
            Style::new().fg(Color::Green),
        ),
        Line::styled(format!("Signed for region {}", clean(&post.region)), dim()),
        Line::raw(""),
        Line::styled("Form fields (the file goes last, as \"file\"):", accent()),
    ];
    let width = post
        .fields
        .iter()
        .map(|(k, _)| k.len())
        .max()
        .unwrap_or(0)
        .min(24);
    for (k, v) in &post.fields {
        let value = crate::width::truncate(&clean(v), inner.saturating_sub(width + 4));
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<width$}  ", clean(k)), dim()),
            Span::raw(value),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "y copy as JSON {url, fields} · c copy curl -F · h copy an HTML form · e edit · Esc close",
        dim(),
    ));
    lines
}

pub(super) fn render(app: &App, s: &Share, frame: &mut Frame, area: Rect) {
    if let (Stage::Done(_), Some(qr)) = (&s.stage, &s.qr) {
        return render_qr(qr, frame, area);
    }
    let width = area.width.saturating_sub(4).min(100);
    let inner = width.saturating_sub(2) as usize;
    let mut lines = Vec::new();
    let target = match s.objects.as_slice() {
        [_] if s.post => format!("a browser upload form for s3://{}", clean(&s.bucket)),
        [one] if s.method == LinkMethod::Get => format!(
            "s3://{}/{}{}",
            clean(&s.bucket),
            clean(&one.key),
            one.version_id
                .as_ref()
                .map(|v| format!("  (version {})", clean(v)))
                .unwrap_or_default()
        ),
        [_] => format!("a new object in s3://{}", clean(&s.bucket)),
        many => format!("{} marked objects (one GET link each)", many.len()),
    };
    if s.stage == Stage::Form || matches!(s.stage, Stage::Signing(_)) {
        lines.push(Line::raw(crate::width::truncate(&target, inner)));
        lines.push(Line::raw(""));
    }
    match &s.stage {
        Stage::Form => lines.extend(form_lines(app, s, inner)),
        Stage::Signing(_) => lines.push(Line::styled("Signing…", dim())),
        Stage::Done(_) => lines.extend(done_lines(app, s, inner)),
        Stage::Posted(_) => lines.extend(posted_lines(app, s, inner)),
    }
    if let Some(e) = &s.error {
        lines.insert(
            0,
            Line::styled(clean(e).into_owned(), Style::new().fg(Color::Red)),
        );
    }
    let height = (wrapped_rows(&lines, inner) as u16 + 2).min(area.height);
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(accent())
                    .title(" Share a presigned link "),
            ),
        rect,
    );
}

fn render_qr(qr: &Result<Vec<String>, String>, frame: &mut Frame, area: Rect) {
    let rows = match qr {
        Ok(rows) => rows,
        Err(e) => {
            let rect = centered(area, 60.min(area.width), 4);
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new(vec![
                    Line::styled(clean(e).into_owned(), warn()),
                    Line::styled("Q closes", dim()),
                ])
                .block(Block::default().borders(Borders::ALL).title(" QR code ")),
                rect,
            );
            return;
        }
    };
    let w = rows.first().map(|r| r.chars().count()).unwrap_or(0) as u16;
    let h = rows.len() as u16;
    if w > area.width || h + 1 > area.height {
        let rect = centered(area, 64.min(area.width), 4);
        frame.render_widget(Clear, rect);
        frame.render_widget(
            Paragraph::new(vec![
                Line::styled(
                    format!(
                        "The QR code needs {w}×{} cells; the terminal has {}×{}.",
                        h + 1,
                        area.width,
                        area.height
                    ),
                    warn(),
                ),
                Line::styled("Enlarge the terminal or zoom out. Q closes", dim()),
            ])
            .block(Block::default().borders(Borders::ALL).title(" QR code ")),
            rect,
        );
        return;
    }
    let rect = centered(area, w, h + 1);
    let ink = Style::new().fg(Color::Black).bg(Color::White);
    let mut lines: Vec<Line> = rows.iter().map(|r| Line::styled(r.clone(), ink)).collect();
    lines.push(Line::styled("Scan with a phone · Q back", dim()));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines), rect);
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_urls_are_cut_to_the_width() {
        let rows = super::chunks(&"a".repeat(25), 10);
        assert_eq!(rows, ["a".repeat(10), "a".repeat(10), "a".repeat(5)]);
    }
}
