//! One side of a sync listed in full: a local folder (walked off the async
//! threads) or a prefix (through the walker), each entry named by its path
//! relative to the synced root. A local entry that cannot be sent (a
//! symlink, a FIFO, a name that is not UTF-8) is kept with why, so the
//! plan can say so and never deletes its counterpart; a folder that could
//! not be read makes the listing incomplete, and an incomplete listing
//! deletes nothing.

pub use crate::engine::sync::Endpoint;
use crate::local::walk::{Unfit, WalkItem, walk};
use crate::store::mtime::Moment;
use crate::store::{Store, StoreError, StoreResult};
use crate::walk::{Walk, WalkOptions};
use std::path::Path;
use tokio_util::sync::CancellationToken;

/// One file or object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// '/'-separated, relative to the root.
    pub rel: String,
    pub size: u64,
    /// A file's mtime (to the nanosecond), or an object's LastModified
    /// (whole seconds).
    pub time: Option<Moment>,
    pub etag: Option<String>,
    pub storage_class: Option<String>,
}

/// A side as listed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    /// In byte order of `rel`.
    pub entries: Vec<Entry>,
    /// Local entries that are no file to send: (rel, why).
    pub unfit: Vec<(String, Unfit)>,
    /// Why the listing is not complete (a folder that could not be read).
    pub incomplete: Option<String>,
}

/// Lists `side` in full. A local folder that does not exist is an empty
/// listing (a destination that is yet to be made); the caller refuses a
/// source that does not exist.
pub async fn list(
    store: &dyn Store,
    side: &Endpoint,
    opts: WalkOptions,
    follow_symlinks: bool,
    cancel: &CancellationToken,
) -> StoreResult<Listing> {
    match side {
        Endpoint::Local(root) => {
            let root = root.clone();
            let cancel = cancel.clone();
            let listed =
                tokio::task::spawn_blocking(move || list_local(&root, follow_symlinks, &cancel))
                    .await
                    .map_err(|e| StoreError::new(crate::store::ErrorKind::Other, e.to_string()))?;
            listed.map_err(|e| match e {
                None => StoreError::cancelled(),
                Some(why) => StoreError::new(crate::store::ErrorKind::Local, why),
            })
        }
        Endpoint::S3 { bucket, prefix } => {
            let mut walk = Walk::new(store, bucket, prefix, opts).cancel_on(cancel);
            let mut out = Listing::default();
            while let Some(batch) = walk.next().await {
                for o in batch? {
                    let Some(rel) = o.key.strip_prefix(prefix.as_str()) else {
                        continue;
                    };
                    // A zero-byte `name/` is a folder marker, not a file.
                    if rel.is_empty() || (o.size == 0 && rel.ends_with('/')) {
                        continue;
                    }
                    out.entries.push(Entry {
                        rel: rel.to_owned(),
                        size: o.size,
                        time: o.modified.map(Moment::seconds),
                        etag: o.etag,
                        storage_class: o.storage_class,
                    });
                }
            }
            Ok(out)
        }
    }
}

fn rel_of(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .map(|r| r.to_string_lossy().into_owned())
        .unwrap_or_else(|_| path.to_string_lossy().into_owned())
}

fn list_local(
    root: &Path,
    follow_symlinks: bool,
    cancel: &CancellationToken,
) -> Result<Listing, Option<String>> {
    let mut out = Listing::default();
    match std::fs::metadata(root) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(Some(format!("cannot read {}: {e}", root.display()))),
        Ok(m) if !m.is_dir() => return Err(Some(format!("{} is not a folder", root.display()))),
        Ok(_) => {}
    }
    // The root itself is followed even when it is a link to a folder; what
    // is below it is walked as the setting says.
    let linked = std::fs::symlink_metadata(root).is_ok_and(|m| m.file_type().is_symlink());
    let base = match linked {
        true => std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
        false => root.to_path_buf(),
    };
    let root = base.as_path();
    for item in walk(root, follow_symlinks) {
        if cancel.is_cancelled() {
            return Err(None);
        }
        match item {
            WalkItem::File {
                path, size, mtime, ..
            } => {
                let rel = rel_of(root, &path);
                if rel.is_empty() {
                    continue;
                }
                out.entries.push(Entry {
                    rel,
                    size,
                    time: mtime.map(Moment::of),
                    etag: None,
                    storage_class: None,
                });
            }
            WalkItem::EmptyDir { .. } => {}
            WalkItem::Skipped { path, reason } => {
                let rel = rel_of(root, &path);
                if let Unfit::Unreadable(why) = &reason {
                    out.incomplete.get_or_insert_with(|| {
                        format!(
                            "{} could not be read: {why}",
                            crate::sanitize::clean(&path.display().to_string())
                        )
                    });
                }
                out.unfit.push((rel, reason));
            }
        }
    }
    out.entries.sort_by(|a, b| a.rel.cmp(&b.rel));
    out.unfit.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}
