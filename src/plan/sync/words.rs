//! A sync plan in words: each row's reason and evidence, the totals line,
//! and the JSON `pail sync --json` prints. Raw names here; whoever shows
//! them escapes them (`sanitize::clean`), the JSON carries them as they are.

use super::{Action, Evidence, Plan, Reason, Row, Way};
use crate::format::human_size;
use serde_json::{Value, json};

impl Evidence {
    pub fn words(self) -> String {
        match self {
            Evidence::Size => "size".into(),
            Evidence::LastModified => "LastModified".into(),
            Evidence::NotOlder => "LastModified not older".into(),
            Evidence::Recorded(c) => c.name().into(),
            Evidence::Etag => "ETag".into(),
            Evidence::Md5Etag => "MD5 ETag".into(),
            Evidence::MultipartEtag => "multipart ETag".into(),
            Evidence::Checksum(a) => format!("{} checksum", a.name()),
            Evidence::Composite(a) => format!("composite {} checksum", a.name()),
            Evidence::RecordedMd5(c) => match c {
                crate::store::mtime::Convention::Rclone => "rclone md5chksum".into(),
                other => format!("{} md5", other.name()),
            },
        }
    }

    /// For `--json`: a stable name.
    pub fn code(self) -> String {
        match self {
            Evidence::Size => "size".into(),
            Evidence::LastModified => "last-modified".into(),
            Evidence::NotOlder => "last-modified-not-older".into(),
            Evidence::Recorded(c) => match c {
                crate::store::mtime::Convention::Rclone => "rclone-mtime".into(),
                crate::store::mtime::Convention::S3cmd => "s3cmd-attrs-mtime".into(),
                crate::store::mtime::Convention::Mc => "mc-attrs-mtime".into(),
            },
            Evidence::Etag => "etag".into(),
            Evidence::Md5Etag => "md5-etag".into(),
            Evidence::MultipartEtag => "multipart-etag".into(),
            Evidence::Checksum(a) => format!("checksum-{}", a.name().to_ascii_lowercase()),
            Evidence::Composite(a) => format!("composite-{}", a.name().to_ascii_lowercase()),
            Evidence::RecordedMd5(c) => match c {
                crate::store::mtime::Convention::Rclone => "rclone-md5chksum".into(),
                _ => "s3cmd-attrs-md5".into(),
            },
        }
    }
}

impl Reason {
    pub fn words(&self) -> String {
        match self {
            Reason::New => "new".into(),
            Reason::SizeDiffers { source, dest } => format!(
                "size differs ({} at the source, {} at the destination)",
                human_size(*source),
                human_size(*dest)
            ),
            Reason::Newer(e) => format!("the source is newer ({})", e.words()),
            Reason::TimeDiffers(e) => format!("modification times differ ({})", e.words()),
            Reason::ContentDiffers(e) => format!("content differs ({})", e.words()),
            Reason::Same(Evidence::Size) => "same size (size-only)".into(),
            Reason::Same(Evidence::NotOlder) => {
                "same size, and the destination is not older (LastModified)".into()
            }
            Reason::Same(Evidence::LastModified) => "same size and time (LastModified)".into(),
            Reason::Same(e @ Evidence::Recorded(_)) => {
                format!("same size and mtime ({})", e.words())
            }
            Reason::Same(e) => format!("identical ({})", e.words()),
            Reason::OnlyInDestination => "only in the destination".into(),
            Reason::NotAFile(why) => format!("not sent: {why}"),
            Reason::SourceNotAFile => "kept: the source has it, but not as a file".into(),
            Reason::CaseClash(other) => format!(
                "would take the same local name as {} (this folder folds case, or its name is written escaped)",
                crate::sanitize::clean(other)
            ),
            Reason::NotRepresentable(why) => format!("cannot be a local name: {why}"),
            Reason::FileAndFolder => {
                "both a file and a folder of files: one local name cannot be both".into()
            }
            Reason::BothChanged => {
                "both sides changed since the last sync: neither is overwritten unless you choose"
                    .into()
            }
            Reason::ChangedSinceDeleted => {
                "deleted at the source, but changed at the destination since the last sync: kept unless you choose"
                    .into()
            }
        }
    }

    /// For `--json`: a stable name.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::New => "new",
            Reason::SizeDiffers { .. } => "size-differs",
            Reason::Newer(_) => "newer",
            Reason::TimeDiffers(_) => "time-differs",
            Reason::ContentDiffers(_) => "content-differs",
            Reason::Same(_) => "identical",
            Reason::OnlyInDestination => "only-in-destination",
            Reason::NotAFile(_) => "not-a-file",
            Reason::SourceNotAFile => "source-not-a-file",
            Reason::CaseClash(_) => "case-clash",
            Reason::NotRepresentable(_) => "not-representable",
            Reason::FileAndFolder => "file-and-folder",
            Reason::BothChanged => "both-changed",
            Reason::ChangedSinceDeleted => "changed-since-deleted",
        }
    }

    fn evidence(&self) -> Option<Evidence> {
        match self {
            Reason::Newer(e)
            | Reason::TimeDiffers(e)
            | Reason::ContentDiffers(e)
            | Reason::Same(e) => Some(*e),
            Reason::SizeDiffers { .. } => Some(Evidence::Size),
            _ => None,
        }
    }
}

impl Row {
    /// The reason, and the row's fallback note if any.
    pub fn why(&self) -> String {
        let w = match &self.note {
            Some(n) => format!("{}; {n}", self.reason.words()),
            None => self.reason.words(),
        };
        // The choice first: a narrow screen still shows it.
        let chosen = match (self.way, &self.source) {
            (Some(Way::Source), Some(_)) => "chosen: the source's version is sent · ",
            (Some(Way::Source), None) => "chosen: deleted at the destination too · ",
            (Some(Way::Dest), _) => "chosen: the destination's version is sent back · ",
            (None, _) => "",
        };
        format!("{chosen}{w}")
    }

    /// The path the row is about (the destination's for a delete).
    pub fn path(&self) -> &str {
        if self.action == Action::Delete {
            &self.to
        } else {
            &self.from
        }
    }
}

/// `upload 12 (3.4 MiB) · delete 2 (10 KiB) · skip 9,988 · conflict 1`.
pub fn totals_line(plan: &Plan) -> String {
    let t = plan.totals();
    let parts: Vec<String> = Action::ALL
        .iter()
        .filter_map(|a| t.get(a).map(|x| (a, x)))
        .map(|(a, x)| match a {
            Action::Skip | Action::Conflict => {
                format!("{} {}", a.name(), crate::format::thousands(x.count))
            }
            _ => format!(
                "{} {} ({})",
                a.name(),
                crate::format::thousands(x.count),
                human_size(x.bytes)
            ),
        })
        .collect();
    if parts.is_empty() {
        "nothing to compare".into()
    } else {
        parts.join(" · ")
    }
}

/// One line per row: `+ upload  docs/a.txt  (new)`, name escaped.
pub fn row_line(r: &Row) -> String {
    format!(
        "{} {:<8} {}  ({})",
        r.mark(),
        r.action.name(),
        crate::sanitize::clean(r.path()),
        r.why()
    )
}

pub fn json(plan: &Plan) -> Value {
    let totals: serde_json::Map<String, Value> = plan
        .totals()
        .iter()
        .map(|(a, t)| {
            (
                a.name().to_owned(),
                json!({ "count": t.count, "bytes": t.bytes }),
            )
        })
        .collect();
    let rows: Vec<Value> = plan
        .rows
        .iter()
        .filter(|r| !r.excluded)
        .map(|r| {
            json!({
                "action": r.action.name(),
                "mark": r.mark().to_string(),
                "path": r.path(),
                "source": r.source.as_ref().map(|_| plan.source.name_of(&r.from)),
                "destination": plan.dest.name_of(&r.to),
                "bytes": r.bytes(),
                "reason": r.reason.code(),
                "evidence": r.reason.evidence().map(|e| e.code()),
                "words": r.why(),
            })
        })
        .collect();
    json!({
        "source": plan.source.describe(),
        "destination": plan.dest.describe(),
        "compare": plan.compare.name(),
        "delete": plan.delete,
        "complete": plan.incomplete.is_none(),
        "incomplete": plan.incomplete,
        "totals": totals,
        "rows": rows,
    })
}
