//! What an upload of a local file or folder sends.
//!
//! Picking a folder uploads what is in it, but not everything on a disk is
//! data: sockets, FIFOs and devices would block or read forever, a symlink
//! may point anywhere (including at a parent, looping forever), and S3 keys
//! are UTF-8 so a name that is not cannot become one. Each of those is
//! reported as skipped with a reason, so the transfer summary can say what
//! did not go and why, instead of the upload failing halfway.
//!
//! Entries come depth-first in byte order of their names, so the same tree
//! always uploads in the same order, and lazily: only the sorted names of
//! the directories on the current path are held, never the whole tree.

use std::ffi::OsString;
use std::fmt;
use std::fs::{self, Metadata};
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// One thing found under the picked path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WalkItem {
    /// A regular file to upload.
    File {
        path: PathBuf,
        /// '/'-separated, starting with the picked entry's own name:
        /// picking folder `photos` gives "photos/a/b.jpg", picking a file
        /// gives its name.
        key_rel: String,
        size: u64,
        mtime: Option<SystemTime>,
    },
    /// A folder with nothing in it: S3 has no folders, so it is reported
    /// (or made a `name/` marker when the user asks for those).
    EmptyDir { path: PathBuf, key_rel: String },
    /// Something that will not be uploaded, and why.
    Skipped { path: PathBuf, reason: Unfit },
}

/// Why a walked entry is not uploaded. A kind, not a sentence, so the
/// engine and the summaries can tell them apart; [`fmt::Display`] gives the
/// words the items list and `--json` show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unfit {
    /// A name that is not UTF-8 (S3 keys are).
    NotUtf8,
    /// A symlink, and `follow_symlinks = false`.
    Symlink,
    /// Links that lead back to themselves, or to a folder being walked.
    SymlinkLoop,
    BrokenSymlink,
    /// A folder already on the walked path (only a bind mount does this
    /// without symlinks).
    FolderLoop,
    Fifo,
    Socket,
    Device,
    /// Anything else that is not a regular file.
    Special,
    /// It could not be read: the system's reason.
    Unreadable(String),
}

impl fmt::Display for Unfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unfit::NotUtf8 => f.write_str("name is not UTF-8"),
            Unfit::Symlink => f.write_str("symlink (follow_symlinks = false)"),
            Unfit::SymlinkLoop => f.write_str("symlink loop"),
            Unfit::BrokenSymlink => f.write_str("broken symlink"),
            Unfit::FolderLoop => f.write_str("folder loop (already being walked)"),
            Unfit::Fifo => f.write_str("FIFO"),
            Unfit::Socket => f.write_str("socket"),
            Unfit::Device => f.write_str("device"),
            Unfit::Special => f.write_str("not a regular file"),
            Unfit::Unreadable(e) => write!(f, "unreadable: {e}"),
        }
    }
}

/// The lazy walk; see [`walk`].
pub struct Walk {
    follow_symlinks: bool,
    /// The picked path and its key, until the first call looks at it.
    start: Option<(PathBuf, String)>,
    /// The directories on the current path, innermost last.
    stack: Vec<Frame>,
    /// Items found while opening a directory (unreadable entries), given out
    /// before moving on.
    pending: Vec<WalkItem>,
}

struct Frame {
    path: PathBuf,
    key: String,
    /// (st_dev, st_ino), to recognise a directory already on the path.
    id: (u64, u64),
    /// Names not yet visited, sorted.
    names: std::vec::IntoIter<OsString>,
}

/// Walks `picked` (a file or a folder). Symlinks are skipped unless
/// `follow_symlinks`, the picked entry included: the setting means the same
/// everywhere. When followed, a link back to a folder already on the
/// current path is skipped as a loop. An empty folder is an
/// [`WalkItem::EmptyDir`] (S3 has no folders: the upload says so, or makes a
/// marker). Picking `/` gives keys without a leading name.
pub fn walk(picked: &Path, follow_symlinks: bool) -> Walk {
    let mut pending = Vec::new();
    let start = match picked_name(picked) {
        Ok(name) => Some((picked.to_path_buf(), name)),
        Err(reason) => {
            pending.push(WalkItem::Skipped {
                path: picked.to_path_buf(),
                reason,
            });
            None
        }
    };
    Walk {
        follow_symlinks,
        start,
        stack: Vec::new(),
        pending,
    }
}

/// The picked entry's own name, which starts every key. `.` or `..` have
/// none of their own, so the name is the folder they resolve to.
fn picked_name(picked: &Path) -> Result<String, Unfit> {
    let name = match picked.file_name() {
        Some(name) => name.to_owned(),
        None => match fs::canonicalize(picked) {
            Ok(full) => full.file_name().map(|n| n.to_owned()).unwrap_or_default(),
            Err(e) => return Err(unreadable(&e)),
        },
    };
    name.into_string().map_err(|_| Unfit::NotUtf8)
}

fn unreadable(e: &io::Error) -> Unfit {
    Unfit::Unreadable(e.to_string())
}

impl Iterator for Walk {
    type Item = WalkItem;

    fn next(&mut self) -> Option<WalkItem> {
        loop {
            if let Some(item) = self.pending.pop() {
                return Some(item);
            }
            if let Some((path, key)) = self.start.take() {
                if let Some(item) = self.visit(path, key) {
                    return Some(item);
                }
                continue;
            }
            let frame = self.stack.last_mut()?;
            let Some(name) = frame.names.next() else {
                self.stack.pop();
                continue;
            };
            let path = frame.path.join(&name);
            let Some(name) = name.to_str() else {
                return Some(WalkItem::Skipped {
                    path,
                    reason: Unfit::NotUtf8,
                });
            };
            let key = if frame.key.is_empty() {
                name.to_owned()
            } else {
                format!("{}/{name}", frame.key)
            };
            if let Some(item) = self.visit(path, key) {
                return Some(item);
            }
        }
    }
}

impl Walk {
    /// Looks at one entry: gives the item for it, or, for a folder, opens
    /// it (its entries come next) and gives nothing.
    fn visit(&mut self, path: PathBuf, key: String) -> Option<WalkItem> {
        let skipped = |path: PathBuf, reason: Unfit| Some(WalkItem::Skipped { path, reason });
        let meta = match fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(e) => return skipped(path, unreadable(&e)),
        };
        let is_link = meta.file_type().is_symlink();
        let meta = if !is_link {
            meta
        } else if !self.follow_symlinks {
            return skipped(path, Unfit::Symlink);
        } else {
            match fs::metadata(&path) {
                Ok(meta) => meta,
                // A chain of links that never ends in a file.
                Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
                    return skipped(path, Unfit::SymlinkLoop);
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    return skipped(path, Unfit::BrokenSymlink);
                }
                Err(e) => return skipped(path, unreadable(&e)),
            }
        };
        let kind = meta.file_type();
        if kind.is_file() {
            return Some(WalkItem::File {
                path,
                key_rel: key,
                size: meta.len(),
                mtime: meta.modified().ok(),
            });
        }
        if kind.is_dir() {
            return self.open_dir(path, key, &meta, is_link);
        }
        let reason = if kind.is_fifo() {
            Unfit::Fifo
        } else if kind.is_socket() {
            Unfit::Socket
        } else if kind.is_block_device() || kind.is_char_device() {
            Unfit::Device
        } else {
            Unfit::Special
        };
        skipped(path, reason)
    }

    fn open_dir(
        &mut self,
        path: PathBuf,
        key: String,
        meta: &Metadata,
        via_link: bool,
    ) -> Option<WalkItem> {
        let id = (meta.dev(), meta.ino());
        if self.stack.iter().any(|f| f.id == id) {
            // Without following symlinks only a bind mount can do this.
            let reason = if via_link {
                Unfit::SymlinkLoop
            } else {
                Unfit::FolderLoop
            };
            return Some(WalkItem::Skipped { path, reason });
        }
        let entries = match fs::read_dir(&path) {
            Ok(entries) => entries,
            Err(e) => {
                return Some(WalkItem::Skipped {
                    reason: unreadable(&e),
                    path,
                });
            }
        };
        let mut names = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => names.push(entry.file_name()),
                Err(e) => self.pending.push(WalkItem::Skipped {
                    path: path.clone(),
                    reason: unreadable(&e),
                }),
            }
        }
        if names.is_empty() && self.pending.is_empty() {
            return Some(WalkItem::EmptyDir { path, key_rel: key });
        }
        names.sort_unstable();
        self.stack.push(Frame {
            path,
            key,
            id,
            names: names.into_iter(),
        });
        None
    }
}

#[cfg(test)]
mod tests;
