//! The platform trash, where a sync's local deletes go: a file deleted by
//! a sync can be put back from the file manager. On macOS the Trash; on
//! Linux and the BSDs the FreeDesktop trash (the `trash` crate: the home
//! trash, or the per-mount `.Trash-$uid` of another file system, with the
//! `.trashinfo` a file manager restores from) — but only where the home
//! trash already exists: on a server nobody empties one, and quietly
//! filling `~/.local/share/Trash` is no safer than deleting. Without a
//! trash, local deletes need `--delete-local`.

use std::path::{Path, PathBuf};

/// The trash a delete would go to, named for people; `None` when there is
/// none here.
pub fn available() -> Option<String> {
    if cfg!(target_os = "macos") {
        return Some("the Trash".into());
    }
    let home = home_trash()?;
    home.is_dir()
        .then(|| format!("the trash ({})", home.display()))
}

/// `$XDG_DATA_HOME/Trash`, else `~/.local/share/Trash`.
fn home_trash() -> Option<PathBuf> {
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(data.join("Trash"))
}

/// Moves the file at `path` to the trash. `root` is the synced folder:
/// the path's real parent must still be inside it (a folder swapped for a
/// symlink since the plan is refused, not followed).
pub fn put(root: &Path, path: &Path) -> std::io::Result<()> {
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(std::io::Error::other("no file name"));
    };
    let real_root = std::fs::canonicalize(root)?;
    let real_parent = std::fs::canonicalize(parent)?;
    if !real_parent.starts_with(&real_root) {
        return Err(std::io::Error::other(
            "its folder now leads outside the synced folder",
        ));
    }
    trash::delete(real_parent.join(name)).map_err(std::io::Error::other)
}
