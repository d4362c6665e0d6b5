//! The inspector's content as lines, wrapped to the pane: shared by the
//! renderer (what to draw) and by `update` (how far it can scroll), so the
//! two can never disagree about where the last line is. It reads a view
//! model ([`Inspected`]) the app builds from its state, never the app.

use super::style::dim;
use crate::format::{Zone, count, human_size, long_time};
use crate::sanitize::clean;
use crate::store::links;
use crate::store::{BucketInfo, Connection, CredentialSource, ObjectInfo, StoreError};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

const LABEL_WIDTH: usize = 14;

pub fn kv(label: &str, value: impl Into<String>) -> Line<'static> {
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
pub fn chunks(s: &str, width: usize, prose: bool) -> Vec<String> {
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
pub fn hang(lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let fits = line.width() <= width;
        if fits {
            out.push(line);
            continue;
        }
        if line.spans.len() != 2 {
            // Prose lines (hints, errors, section titles) wrap at spaces.
            let style = line.spans.first().map(|s| s.style).unwrap_or_default();
            let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            // Continuations keep the line's own indent (a finding's
            // "  why:", a policy's nesting) while it leaves room.
            let lead = text.len() - text.trim_start_matches(' ').len();
            // Under the text after a short "why: " style tag, if any.
            let tag = text[lead..]
                .char_indices()
                .take(8)
                .find(|(_, c)| *c == ':')
                .map(|(i, _)| i + 2)
                .unwrap_or(2);
            let indent = if lead > 0 && lead + tag + 12 < width {
                lead + tag
            } else {
                0
            };
            let first: Vec<String> = chunks(&text, width.max(1), true);
            let Some(head) = first.first() else { continue };
            out.push(Line::styled(head.clone(), style.patch(line.style)));
            let rest = text[head.len()..].trim_start_matches(' ');
            if !rest.is_empty() {
                for piece in chunks(rest, (width - indent).max(1), true) {
                    out.push(Line::styled(
                        format!("{}{piece}", " ".repeat(indent)),
                        style.patch(line.style),
                    ));
                }
            }
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

pub use super::style::section;

/// What the inspector shows, as plain facts: built by the app from its
/// state (`App::inspected`), drawn by the renderer, and measured by
/// `update` for scrolling. It holds no app type, so this floor never
/// reaches back up into the app.
pub struct Inspected<'a> {
    pub subject: Subject<'a>,
    pub tz: Zone,
    pub conn: &'a Connection,
    /// On a bucket (a bucket-list row, the tree's root): its card.
    pub card: Option<super::card::CardView<'a>>,
}

pub use super::fetched::Fetched;

pub enum Subject<'a> {
    /// The bucket list with nothing under the cursor.
    NoBucket,
    /// Browsing, before anything is there to show.
    Nothing,
    /// A bucket in the bucket list.
    Bucket {
        name: &'a str,
        region: Option<String>,
        created: Option<i64>,
        info: Fetched<'a, &'a BucketInfo>,
    },
    /// An object of the browsed bucket.
    Object {
        bucket: &'a str,
        region: String,
        key: String,
        info: Fetched<'a, &'a ObjectInfo>,
        creds: Option<&'a CredentialSource>,
    },
    /// A prefix of the browsed bucket (the bucket's root included).
    Prefix {
        bucket: &'a str,
        region: String,
        prefix: String,
        /// What the tree has loaded of it, when it was listed.
        folder: Option<Folder<'a>>,
        /// The recursive count, when one was asked for.
        totals: Option<Counted<'a>>,
        /// The key that counts, for the hint.
        count_key: String,
        /// At the bucket's root: its creation date and settings.
        root: Option<Root<'a>>,
    },
}

/// One listed level of the tree.
pub struct Folder<'a> {
    pub prefixes: usize,
    pub objects: usize,
    pub bytes: u64,
    pub state: Listing<'a>,
}

pub enum Listing<'a> {
    Loading,
    Done,
    Partial,
    Failed(&'a StoreError),
}

/// A recursive count (`s`) of a prefix.
pub struct Counted<'a> {
    pub objects: u64,
    pub bytes: u64,
    pub state: Listing<'a>,
}

pub struct Root<'a> {
    pub created: Option<i64>,
    pub info: Fetched<'a, &'a BucketInfo>,
}

/// The inspector's content, wrapped to `width` columns: every returned
/// line fits, so the line count is exactly what scrolling sees.
pub fn lines(x: &Inspected, width: usize) -> Vec<Line<'static>> {
    let lines = match &x.subject {
        Subject::NoBucket => vec![Line::styled("No bucket selected", dim())],
        Subject::Nothing => vec![],
        Subject::Bucket {
            name,
            region,
            created,
            info,
        } => bucket_lines(x, name, region.clone(), *created, info),
        Subject::Object {
            bucket,
            region,
            key,
            info,
            creds,
        } => match info {
            Fetched::Ready(info) => object_lines(x, bucket, region, info),
            Fetched::Failed(e) => {
                let mut lines = vec![kv("Key", clean(key).into_owned()), Line::raw("")];
                lines.push(Line::styled(
                    crate::diagnose::short(e),
                    Style::new().fg(Color::Red),
                ));
                let explained = crate::diagnose::explain(e, x.conn, *creds);
                lines.extend(explained.hints.into_iter().map(Line::raw));
                lines
            }
            Fetched::Waiting => vec![
                kv("Key", clean(key).into_owned()),
                Line::raw(""),
                Line::styled("Loading details…", dim()),
            ],
        },
        Subject::Prefix { .. } => prefix_lines(x),
    };
    let mut lines = lines;
    if let Some(c) = &x.card {
        lines.extend(super::card::lines(c));
    }
    hang(lines, width)
}

/// How far the inspector can scroll before its last line leaves the pane
/// of a `size` terminal; `update` clamps to it so the last line is always
/// reachable.
pub fn max_scroll(x: &Inspected, size: (u16, u16)) -> u16 {
    let area = super::areas(size.0, size.1).inspector;
    let n = lines(x, area.width.saturating_sub(2) as usize).len();
    n.saturating_sub(area.height.saturating_sub(2) as usize) as u16
}

fn versioning_text(i: &BucketInfo) -> String {
    match &i.versioning {
        Ok(v) => clean(&v.to_string()).into_owned(),
        Err(e) => format!("unknown ({})", clean(e)),
    }
}

fn bucket_lines(
    x: &Inspected,
    name: &str,
    region: Option<String>,
    created: Option<i64>,
    info: &Fetched<&BucketInfo>,
) -> Vec<Line<'static>> {
    let mut lines = vec![kv("Bucket", clean(name).into_owned())];
    lines.push(kv(
        "Region",
        region
            .clone()
            .map(|r| clean(&r).into_owned())
            .unwrap_or_else(|| "…".into()),
    ));
    lines.push(kv(
        "Created",
        created
            .map(|t| long_time(t, x.tz))
            .unwrap_or_else(|| "-".into()),
    ));
    match info {
        Fetched::Ready(i) => lines.push(kv("Versioning", versioning_text(i))),
        Fetched::Waiting => lines.push(kv("Versioning", "…")),
        Fetched::Failed(e) => lines.push(kv("Error", crate::diagnose::short(e))),
    }
    let region = region.unwrap_or_else(|| x.conn.region.clone());
    lines.push(Line::raw(""));
    lines.push(kv("URI", clean(&links::s3_uri(name, "")).into_owned()));
    lines.push(kv(
        "ARN",
        clean(&links::arn(name, "", &region)).into_owned(),
    ));
    lines.push(kv(
        "URL",
        clean(&links::object_url(x.conn, &region, name, "")).into_owned(),
    ));
    lines
}

fn prefix_lines(x: &Inspected) -> Vec<Line<'static>> {
    let Subject::Prefix {
        bucket,
        region,
        prefix,
        folder,
        totals,
        count_key,
        root,
    } = &x.subject
    else {
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
    match folder {
        Some(f) => {
            let state = match &f.state {
                Listing::Loading => "loading…".to_owned(),
                Listing::Done => "complete".to_owned(),
                Listing::Partial => "stopped early".to_owned(),
                Listing::Failed(e) => format!("failed: {}", crate::diagnose::short(e)),
            };
            lines.push(kv(
                "Loaded",
                format!(
                    "{}, {} ({state})",
                    count(f.prefixes as u64, "prefix", "prefixes"),
                    count(f.objects as u64, "object", "objects"),
                ),
            ));
            lines.push(kv("Loaded size", human_size(f.bytes)));
        }
        None => lines.push(kv("Loaded", "not listed yet (expand it)")),
    }
    match totals {
        None => lines.push(kv(
            "Recursive",
            format!("press {count_key} to count every key under it"),
        )),
        Some(t) => {
            let base = format!(
                "{}, {}",
                count(t.objects, "object", "objects"),
                crate::format::size_with_bytes(t.bytes)
            );
            let text = match t.state {
                Listing::Failed(e) => format!("{base} — failed: {}", crate::diagnose::short(e)),
                Listing::Done => base,
                Listing::Loading => format!("{base} so far, counting…"),
                Listing::Partial => format!("{base} — stopped"),
            };
            lines.push(kv("Recursive", text));
        }
    }
    if let Some(root) = root {
        if let Some(t) = root.created {
            lines.push(kv("Created", long_time(t, x.tz)));
        }
        match &root.info {
            Fetched::Ready(i) => {
                lines.push(kv("Region", clean(&i.region).into_owned()));
                lines.push(kv("Versioning", versioning_text(i)));
            }
            Fetched::Failed(e) => lines.push(kv("Error", crate::diagnose::short(e))),
            Fetched::Waiting => lines.push(kv("Region", "…")),
        }
    }
    lines.push(Line::raw(""));
    lines.push(kv(
        "ARN",
        clean(&links::arn(bucket, prefix, region)).into_owned(),
    ));
    lines.push(kv(
        "URL",
        clean(&links::object_url(x.conn, region, bucket, prefix)).into_owned(),
    ));
    lines
}

fn opt(lines: &mut Vec<Line<'static>>, label: &str, v: &Option<String>) {
    if let Some(v) = v {
        lines.push(kv(label, clean(v).into_owned()));
    }
}

/// An archived object's restore in words: in progress, readable until
/// when, or not requested (and how to); the raw header if it is unusual.
fn restore_words(x: &Inspected, i: &ObjectInfo) -> Option<String> {
    use crate::store::archive::{RestoreState, needs_restore, parse_restore_header};
    match i.restore.as_deref() {
        Some(h) => Some(match parse_restore_header(h) {
            Some(RestoreState::InProgress) => "in progress: requested, not readable yet".into(),
            Some(RestoreState::Restored { until: Some(t) }) => {
                format!("restored copy readable until {}", long_time(t, x.tz))
            }
            Some(RestoreState::Restored { until: None }) => "restored copy readable".into(),
            None => clean(h).into_owned(),
        }),
        None if needs_restore(i.storage_class.as_deref()) => {
            Some("archived: not readable until restored (pail restore, then download)".into())
        }
        None => None,
    }
}

fn object_lines(x: &Inspected, bucket: &str, region: &str, i: &ObjectInfo) -> Vec<Line<'static>> {
    let mut lines = vec![kv("Key", clean(&i.key).into_owned())];
    lines.push(kv("Size", crate::format::size_with_bytes(i.size)));
    lines.push(kv(
        "Modified",
        i.modified
            .map(|t| long_time(t, x.tz))
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
            .map(|t| long_time(t, x.tz))
            .unwrap_or_else(|| "-".into());
        lines.push(kv("Object lock", format!("{} until {until}", clean(mode))));
    }
    opt(&mut lines, "Legal hold", &i.legal_hold);
    if let Some(text) = restore_words(x, i) {
        lines.push(kv("Restore", text));
    }
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
        clean(&links::object_url(x.conn, region, bucket, &i.key)).into_owned(),
    ));
    lines.push(kv(
        "ARN",
        clean(&links::arn(bucket, &i.key, region)).into_owned(),
    ));
    lines
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
