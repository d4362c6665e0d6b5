//! What a transfer job is, in words: its kind (download, restore,
//! rollback...) and a short description of its spec. Low in the house on
//! purpose: the task list, the transfers panel, questions and every
//! feature that starts a job name jobs the same way without importing each
//! other.

use crate::engine::{Mapping, S3Source, Spec};
use crate::sanitize::clean;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Download,
    Upload,
    Copy,
    Move,
    Rename,
    Delete,
    NewFolder,
    /// A version copied over its key.
    Restore,
    /// Delete markers removed.
    Undelete,
    /// A version removed for good.
    Purge,
    /// A prefix rolled back (or forward) to a moment.
    Rollback,
    /// Open multipart uploads aborted.
    Abort,
    /// Archived objects asked to be restored (a readable copy for days).
    Thaw,
    /// Objects copied onto themselves in another storage class.
    ClassChange,
    /// A sync plan run.
    Sync,
}

impl Kind {
    pub fn word(self) -> &'static str {
        match self {
            Kind::Download => "download",
            Kind::Upload => "upload",
            Kind::Copy => "copy",
            Kind::Move => "move",
            Kind::Rename => "rename",
            Kind::Delete => "delete",
            Kind::NewFolder => "new folder",
            Kind::Restore => "restore",
            Kind::Undelete => "undelete",
            Kind::Purge => "delete version",
            Kind::Rollback => "rollback",
            Kind::Abort => "abort uploads",
            Kind::Thaw => "restore from archive",
            Kind::ClassChange => "storage class",
            Kind::Sync => "sync",
        }
    }

    /// Past tense for the closing summary.
    pub fn done_word(self) -> &'static str {
        match self {
            Kind::Download => "Downloaded",
            Kind::Upload => "Uploaded",
            Kind::Copy => "Copied",
            Kind::Move => "Moved",
            Kind::Rename => "Renamed",
            Kind::Delete => "Deleted",
            Kind::NewFolder => "Created",
            Kind::Restore => "Restored",
            Kind::Undelete => "Undeleted",
            Kind::Purge => "Permanently deleted",
            Kind::Rollback => "Rolled back",
            Kind::Abort => "Aborted",
            Kind::Thaw => "Requested",
            Kind::ClassChange => "Changed",
            Kind::Sync => "Synced",
        }
    }

    /// The arrow of the status bar's running total.
    pub fn arrow(self) -> &'static str {
        match self {
            Kind::Download => "↓",
            Kind::Upload => "↑",
            Kind::Delete | Kind::Abort => "✕",
            _ => "⇄",
        }
    }
}

/// What a job does, in a few words for labels and the quit question.
pub fn describe(spec: &Spec) -> String {
    match spec {
        Spec::Download { sources, dest, .. } => format!(
            "downloading {} to {}",
            sources_word(sources),
            clean(&dest.display().to_string())
        ),
        Spec::Upload {
            paths,
            bucket,
            prefix,
            ..
        } => format!(
            "uploading {} to s3://{}/{}",
            crate::format::count(paths.len() as u64, "item", "items"),
            clean(bucket),
            clean(prefix)
        ),
        Spec::Copy {
            sources,
            dest_bucket,
            remove_source,
            ..
        } => format!(
            "{} {} to {}",
            if *remove_source { "moving" } else { "copying" },
            sources_word(sources),
            clean(dest_bucket)
        ),
        Spec::Delete { bucket, keys } => format!(
            "deleting {} in {}",
            crate::format::count(keys.len() as u64, "object", "objects"),
            clean(bucket)
        ),
        Spec::MakeFolder { key, .. } => format!("creating {}", clean(key)),
        Spec::History { bucket, steps } => format!(
            "changing the history of {} in {}",
            crate::format::count(steps.len() as u64, "key", "keys"),
            clean(bucket)
        ),
        Spec::AbortUploads { bucket, uploads } => format!(
            "aborting {} in {}",
            crate::format::count(uploads.len() as u64, "open upload", "open uploads"),
            clean(bucket)
        ),
        Spec::Thaw { bucket, keys, .. } => format!(
            "requesting the restore of {} in {}",
            crate::format::count(keys.len() as u64, "object", "objects"),
            clean(bucket)
        ),
        Spec::ChangeClass {
            bucket,
            objects,
            to,
        } => format!(
            "changing {} in {} to {}",
            crate::format::count(objects.len() as u64, "object", "objects"),
            clean(bucket),
            clean(to)
        ),
        Spec::Sync(job) => format!(
            "syncing {} into {} ({}, {})",
            clean(&job.source.describe()),
            clean(&job.dest.describe()),
            crate::format::count(job.steps.len() as u64, "transfer", "transfers"),
            crate::format::count(job.deletes.len() as u64, "delete", "deletes")
        ),
    }
}

fn sources_word(sources: &[Mapping]) -> String {
    match sources {
        [one] => clean(one.source.key()).into_owned(),
        many => crate::format::count(many.len() as u64, "item", "items"),
    }
}

/// "report.pdf", "docs/2026/", "3 items", raw (a key as it is): cleaned
/// where it is shown.
pub fn what_word(sources: &[S3Source]) -> String {
    match sources {
        [one] => one.key().to_owned(),
        many => crate::format::count(many.len() as u64, "item", "items"),
    }
}

/// Where a delete or rename takes from, for its summary: the one key, or
/// "3 items in s3://b/docs/" (the folder they share).
pub fn place_of(bucket: &str, sources: &[S3Source]) -> String {
    match sources {
        [one] => format!("s3://{bucket}/{}", one.key()),
        many => {
            let first = many
                .first()
                .map_or("", |s| crate::engine::parent_of(s.key()));
            let shared = if many
                .iter()
                .all(|s| crate::engine::parent_of(s.key()) == first)
            {
                first
            } else {
                ""
            };
            format!(
                "{} in s3://{bucket}/{shared}",
                crate::format::count(many.len() as u64, "item", "items")
            )
        }
    }
}
