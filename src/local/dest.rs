//! Writing downloads into the folder the user picked, safely.
//!
//! The folder may already hold things pail did not put there, including
//! symlinks planted by someone who also controls the bucket's keys: with a
//! key `sub/x.txt` and a symlink `sub -> /home/me/.ssh`, a path-based
//! `File::create(dest.join(key))` writes into `.ssh`. So every step here is
//! relative to a directory file descriptor: directories are walked one name
//! at a time with `openat(O_NOFOLLOW | O_DIRECTORY)`, a symlink or file
//! where a directory is needed is an error (never removed, never followed),
//! and the data goes to a temporary file in the final directory that is
//! renamed over the final name, which replaces a symlink there rather than
//! writing through it.
//!
//! A download is invisible until it is complete: an interrupted or cancelled
//! transfer never leaves a half-written file under the real name, and
//! dropping a [`Pending`] removes whatever it created. What a `kill -9`
//! leaves (a named temp, where O_TMPFILE is not there) is removed by the
//! next download into that folder (dest/temp.rs).

use std::collections::HashSet;
use std::fs::File;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;

use super::paths::{MAX_SEGMENT_BYTES, RelPath};

mod temp;

/// The download destination: a directory held open, so everything below it
/// is reached from this descriptor, whatever happens to its path later.
pub struct Dest {
    root: PathBuf,
    dir: OwnedFd,
    /// Whether to try O_TMPFILE first; tests turn it off to cover the
    /// named-temp path on filesystems that do support it.
    tmpfile: bool,
    /// Folders (parent segments joined with `/`) already cleared of temps
    /// a killed pail left, so each is read once per job.
    swept: Mutex<HashSet<String>>,
}

/// What kind of entry already sits at a name (seen with lstat).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    /// FIFO, socket, device.
    Other,
}

/// An entry already at the place a download wants, for the conflict question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Existing {
    pub kind: EntryKind,
    pub size: u64,
    pub mtime: Option<SystemTime>,
}

/// A download in progress: data goes into [`Pending::file`], and only
/// [`Pending::commit`] makes it appear under its final name.
pub struct Pending {
    file: File,
    /// The directory the final name lives in.
    dir: OwnedFd,
    name: String,
    /// A temporary name in `dir` that exists and must be removed if the
    /// download does not complete. None for an unlinked O_TMPFILE file.
    temp: Option<String>,
    /// The path relative to the destination, for error messages.
    shown: String,
}

const DIR_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::NOFOLLOW)
    .union(OFlags::CLOEXEC);

/// Permissions ask for everything and let the umask decide, as `mkdir` and
/// `touch` do; object metadata never chooses local modes or owners.
const DIR_MODE: u32 = 0o777;
const FILE_MODE: u32 = 0o666;

impl Dest {
    /// Opens the destination, creating it (and its parents) if missing. The
    /// root path itself may go through symlinks: the user chose it.
    pub fn open(root: &Path) -> io::Result<Dest> {
        std::fs::create_dir_all(root)?;
        let dir = rfs::open(
            root,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        Ok(Dest {
            root: root.to_path_buf(),
            dir,
            tmpfile: cfg!(target_os = "linux"),
            swept: Mutex::default(),
        })
    }

    /// Whether the destination folder tells `a.txt` from `A.txt`: a probe
    /// file with a lowercase name is created, and its uppercase name looked
    /// up. macOS and Windows volumes, FAT/exFAT sticks and casefolded ext4
    /// or tmpfs folders answer that they are the same file. A folder that
    /// cannot be written to says "sensitive" (nothing will be written).
    pub fn case_insensitive(&self) -> bool {
        let lower = format!(".pail-case-probe-{}", std::process::id());
        let upper = lower.to_uppercase();
        let created = rfs::openat(
            &self.dir,
            lower.as_str(),
            OFlags::CREATE | OFlags::EXCL | OFlags::WRONLY | OFlags::CLOEXEC | OFlags::NOFOLLOW,
            Mode::from_raw_mode(0o600),
        );
        let Ok(fd) = created else {
            return false;
        };
        drop(fd);
        let same = rfs::statat(&self.dir, upper.as_str(), AtFlags::SYMLINK_NOFOLLOW).is_ok();
        let _ = rfs::unlinkat(&self.dir, lower.as_str(), AtFlags::empty());
        same
    }

    #[cfg(test)]
    pub(crate) fn without_tmpfile(mut self) -> Dest {
        self.tmpfile = false;
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Ensures every directory of `rel` exists, creating what is missing. A
    /// symlink, file or anything else where a directory is needed is an
    /// error of kind `NotADirectory` naming it; nothing existing is removed.
    pub fn make_dirs(&self, rel: &RelPath) -> io::Result<()> {
        self.make_dir_chain(rel.segments()).map(drop)
    }

    /// What sits at `rel` now, without following a symlink there; None if
    /// nothing does (including when a parent directory is missing). A
    /// symlink or file in place of a parent directory is the same error as
    /// [`Dest::create`] would give, since that download could not happen.
    pub fn existing(&self, rel: &RelPath) -> io::Result<Option<Existing>> {
        match self.open_dirs(parent_segments(rel), false)? {
            Some(dir) => lstat(&dir, rel.file_name()),
            None => Ok(None),
        }
    }

    /// Removes the file at `rel` if it is still what `planned` says (a
    /// sync's delete): `Ok(false)` when something else is there now (or
    /// nothing), which is left alone. Never follows a symlink, never
    /// removes a folder.
    pub fn remove_if(
        &self,
        rel: &RelPath,
        planned: impl Fn(&Existing) -> bool,
    ) -> io::Result<bool> {
        let Some(dir) = self.open_dirs(parent_segments(rel), false)? else {
            return Ok(false);
        };
        match lstat(&dir, rel.file_name())? {
            Some(e) if e.kind == EntryKind::File && planned(&e) => {
                rfs::unlinkat(&dir, rel.file_name(), AtFlags::empty())?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Starts a download of `rel`: creates its parent directories, then an
    /// invisible temporary file beside where it will live (O_TMPFILE where
    /// the filesystem has it, else `.NAME.pail-PID-XXXXXX.tmp`). The first
    /// time in a folder, removes the temps a killed pail left there.
    pub fn create(&self, rel: &RelPath) -> io::Result<Pending> {
        let parents = parent_segments(rel);
        let dir = self.make_dir_chain(parents)?;
        self.sweep_once(parents, &dir);
        let name = rel.file_name();
        let shown = rel.to_string();
        // Fail before the transfer rather than after it: a folder at the
        // final name would make the commit fail anyway.
        if let Some(Existing {
            kind: EntryKind::Dir,
            ..
        }) = lstat(&dir, name)?
        {
            return Err(folder_in_the_way(&shown));
        }
        #[cfg(target_os = "linux")]
        if self.tmpfile
            && let Some(file) = temp::open_tmpfile(&dir)?
        {
            return Ok(Pending {
                file,
                dir,
                name: name.to_owned(),
                temp: None,
                shown,
            });
        }
        let (file, temp) = temp::create_named(&dir, name)?;
        Ok(Pending {
            file,
            dir,
            name: name.to_owned(),
            temp: Some(temp),
            shown,
        })
    }

    /// The first free `name (1).ext`, `name (2).ext`, ... beside `rel`, for
    /// "keep both". The extension is the last `.ext`, except that
    /// `.tar.gz`-style pairs stay together (`archive (1).tar.gz`), and a
    /// dotfile's leading dot is part of its name (`.env (1)`). The name is
    /// free when checked; [`Pending::commit`] with `overwrite = false` is
    /// what guarantees nothing is replaced if another writer takes it first.
    pub fn keep_both_name(&self, rel: &RelPath) -> io::Result<RelPath> {
        self.keep_both_name_except(rel, |_| false)
    }

    /// [`Dest::keep_both_name`], also passing over names `taken` says
    /// another item of the same job claimed.
    pub fn keep_both_name_except(
        &self,
        rel: &RelPath,
        taken: impl Fn(&RelPath) -> bool,
    ) -> io::Result<RelPath> {
        let (stem, ext) = split_extension(rel.file_name());
        for n in 1..=9999u32 {
            let suffix = format!(" ({n}){ext}");
            let stem = truncate(stem, MAX_SEGMENT_BYTES.saturating_sub(suffix.len()));
            let candidate = rel
                .with_file_name(&format!("{stem}{suffix}"))
                .map_err(|r| io::Error::new(io::ErrorKind::InvalidInput, r))?;
            if !taken(&candidate) && self.existing(&candidate)?.is_none() {
                return Ok(candidate);
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("no free name like {rel} (1) through (9999)"),
        ))
    }

    /// [`temp::sweep`] of the folder `segs`, unless this job did already.
    fn sweep_once(&self, segs: &[String], dir: &OwnedFd) {
        let first = self
            .swept
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(segs.join("/"));
        if first {
            temp::sweep(dir);
        }
    }

    fn make_dir_chain(&self, segs: &[String]) -> io::Result<OwnedFd> {
        // With `create`, a missing folder is made, so None cannot happen.
        self.open_dirs(segs, true)?
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }

    /// Opens the directory `segs` below the root, one name at a time, never
    /// following a symlink. With `create`, missing ones are made; without,
    /// a missing one gives None.
    fn open_dirs(&self, segs: &[String], create: bool) -> io::Result<Option<OwnedFd>> {
        let mut cur = rfs::openat(&self.dir, ".", DIR_FLAGS, Mode::empty())?;
        for (i, seg) in segs.iter().enumerate() {
            let shown = || segs[..=i].join("/");
            cur = match rfs::openat(&cur, seg.as_str(), DIR_FLAGS, Mode::empty()) {
                Ok(fd) => fd,
                Err(Errno::NOENT) if create => {
                    match rfs::mkdirat(&cur, seg.as_str(), Mode::from_raw_mode(DIR_MODE)) {
                        // EXIST: someone made it meanwhile; the open below
                        // still checks it is a real directory.
                        Ok(()) | Err(Errno::EXIST) => {}
                        Err(e) => return Err(explain(&cur, seg, e, &shown())),
                    }
                    rfs::openat(&cur, seg.as_str(), DIR_FLAGS, Mode::empty())
                        .map_err(|e| explain(&cur, seg, e, &shown()))?
                }
                Err(Errno::NOENT) => return Ok(None),
                Err(e) => return Err(explain(&cur, seg, e, &shown())),
            };
        }
        Ok(Some(cur))
    }
}

fn parent_segments(rel: &RelPath) -> &[String] {
    let segs = rel.segments();
    &segs[..segs.len().saturating_sub(1)]
}

/// Turns a failure to open `name` as a directory into a message saying what
/// is in the way, since "Not a directory (os error 20)" does not.
fn explain(dir: &OwnedFd, name: &str, e: Errno, shown: &str) -> io::Error {
    if e != Errno::NOTDIR && e != Errno::LOOP {
        let err = io::Error::from(e);
        return io::Error::new(err.kind(), format!("folder {shown}: {err}"));
    }
    let what = match lstat(dir, name) {
        Ok(Some(Existing {
            kind: EntryKind::Symlink,
            ..
        })) => {
            return io::Error::new(
                io::ErrorKind::NotADirectory,
                format!("a symlink named {shown} is in the way; not followed"),
            );
        }
        Ok(Some(Existing {
            kind: EntryKind::File,
            ..
        })) => "a file",
        Ok(Some(_)) => "a special file",
        _ => "something",
    };
    io::Error::new(
        io::ErrorKind::NotADirectory,
        format!("{what} named {shown} is in the way"),
    )
}

fn folder_in_the_way(shown: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::IsADirectory,
        format!("a folder named {shown} is in the way"),
    )
}

fn already_exists(shown: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{shown} already exists"),
    )
}

fn lstat(dir: impl AsFd, name: &str) -> io::Result<Option<Existing>> {
    match rfs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) => Ok(Some(existing_from_stat(&st))),
        Err(Errno::NOENT) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

// The stat fields' widths differ between targets (and rustix backends), so
// the casts below are no-ops on some and needed on others.
#[allow(clippy::unnecessary_cast)]
fn existing_from_stat(st: &rfs::Stat) -> Existing {
    let kind = match FileType::from_raw_mode(st.st_mode as _) {
        FileType::RegularFile => EntryKind::File,
        FileType::Directory => EntryKind::Dir,
        FileType::Symlink => EntryKind::Symlink,
        _ => EntryKind::Other,
    };
    let secs = st.st_mtime as i64;
    let nanos = st.st_mtime_nsec as u32;
    let mtime = if secs >= 0 {
        SystemTime::UNIX_EPOCH.checked_add(Duration::new(secs as u64, nanos))
    } else {
        SystemTime::UNIX_EPOCH
            .checked_sub(Duration::from_secs(secs.unsigned_abs()))
            .and_then(|t| t.checked_add(Duration::from_nanos(nanos.into())))
    };
    Existing {
        kind,
        size: st.st_size as u64,
        mtime,
    }
}

/// The longest prefix of `s` within `max` bytes that ends on a character.
fn truncate(s: &str, max: usize) -> &str {
    let mut cut = s.len().min(max);
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    &s[..cut]
}

/// Splits `name` into the part "keep both" numbers and the extension kept
/// after the number.
fn split_extension(name: &str) -> (&str, &str) {
    // A leading dot belongs to the name (".env"), a trailing one is no
    // extension ("notes.").
    let Some(dot) = name.rfind('.').filter(|&i| i > 0 && i + 1 < name.len()) else {
        return (name, "");
    };
    let (stem, ext) = name.split_at(dot);
    // "archive (1).tar.gz" reads as the same kind of file; "archive.tar (1).gz"
    // does not.
    if let Some(inner) = stem.strip_suffix(".tar")
        && !inner.is_empty()
    {
        return name.split_at(inner.len());
    }
    // Past 200 bytes it is not an extension, and " (n)" must still fit.
    if ext.len() > 200 {
        return (name, "");
    }
    (stem, ext)
}

impl Pending {
    /// The file to write into; ranges may be written in parallel with
    /// `std::os::unix::fs::FileExt::write_at`, and `set_len` preallocates.
    pub fn file(&self) -> &File {
        &self.file
    }

    /// Sets the modification time (if given) and makes the file appear
    /// under its final name in one step. With `overwrite = false` an entry
    /// already there (file or symlink) is an `AlreadyExists` error and is
    /// left untouched. With `overwrite = true` a file or symlink there is
    /// replaced; a symlink is replaced itself, never written through. A
    /// folder there is an `IsADirectory` error either way. On any error
    /// the download is discarded.
    pub fn commit(mut self, mtime: Option<SystemTime>, overwrite: bool) -> io::Result<()> {
        if let Some(t) = mtime {
            self.file.set_modified(t)?;
        }
        if let Some(Existing {
            kind: EntryKind::Dir,
            ..
        }) = lstat(&self.dir, &self.name)?
        {
            return Err(folder_in_the_way(&self.shown));
        }
        let temp = match self.temp.clone() {
            Some(temp) => temp,
            // A hard link is made only if its name is free, atomically: for
            // an O_TMPFILE that is the whole "only if absent" commit.
            None if !overwrite => {
                return self.link_tmpfile(&self.name).map_err(|e| match e {
                    Errno::EXIST => self.taken(),
                    e => io::Error::from(e),
                });
            }
            None => self.link_tmpfile_temp()?,
        };
        let renamed = if overwrite {
            rfs::renameat(&self.dir, temp.as_str(), &self.dir, self.name.as_str())
                .map_err(|e| self.rename_error(e))
        } else {
            rename_noreplace(&self.dir, &temp, &self.name).map_err(|e| match e {
                Errno::EXIST => self.taken(),
                e => self.rename_error(e),
            })
        };
        renamed?;
        self.temp = None;
        Ok(())
    }

    /// The name was free when checked and taken at the commit: by a folder
    /// (another item of the job wrote `name/…` meanwhile) or by a file.
    fn taken(&self) -> io::Error {
        match lstat(&self.dir, &self.name) {
            Ok(Some(Existing {
                kind: EntryKind::Dir,
                ..
            })) => folder_in_the_way(&self.shown),
            _ => already_exists(&self.shown),
        }
    }

    fn rename_error(&self, e: Errno) -> io::Error {
        match e {
            Errno::ISDIR | Errno::NOTEMPTY | Errno::EXIST => folder_in_the_way(&self.shown),
            e => io::Error::from(e),
        }
    }

    /// Gives the O_TMPFILE file the name `name` in its directory.
    #[cfg(target_os = "linux")]
    fn link_tmpfile(&self, name: &str) -> Result<(), Errno> {
        let proc = temp::proc_fd_path(&self.file);
        rfs::linkat(
            rfs::CWD,
            proc.as_str(),
            &self.dir,
            name,
            AtFlags::SYMLINK_FOLLOW,
        )
    }

    #[cfg(not(target_os = "linux"))]
    fn link_tmpfile(&self, _name: &str) -> Result<(), Errno> {
        unreachable!("O_TMPFILE is only used on Linux")
    }

    /// Links the O_TMPFILE file under a fresh temp name, recorded so that a
    /// failed rename still cleans it up, and returns that name.
    fn link_tmpfile_temp(&mut self) -> io::Result<String> {
        for _ in 0..100 {
            let temp = temp::temp_name(&self.name);
            match self.link_tmpfile(&temp) {
                Ok(()) => {
                    self.temp = Some(temp.clone());
                    return Ok(temp);
                }
                Err(Errno::EXIST) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "no free temporary name after 100 tries",
        ))
    }
}

/// Renames `from` to `to` in `dir` unless `to` exists (EEXIST then).
fn rename_noreplace(dir: &OwnedFd, from: &str, to: &str) -> Result<(), Errno> {
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    match rfs::renameat_with(dir, from, dir, to, rfs::RenameFlags::NOREPLACE) {
        // EINVAL/ENOSYS/EOPNOTSUPP: this filesystem or kernel cannot; fall
        // back below.
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {}
        done => return done,
    }
    // A hard link is also created only if the name is free, atomically.
    match rfs::linkat(dir, from, dir, to, AtFlags::empty()) {
        Ok(()) => {
            // If this fails the temp name stays; Drop no longer knows it,
            // but the file is complete and visible under its name.
            let _ = rfs::unlinkat(dir, from, AtFlags::empty());
            return Ok(());
        }
        Err(Errno::PERM | Errno::OPNOTSUPP | Errno::MLINK | Errno::NOSYS) => {}
        Err(e) => return Err(e),
    }
    // No renameat2 and no hard links (some FUSE and FAT mounts): check, then
    // rename. Another writer could slip in between; nothing better exists.
    match rfs::statat(dir, to, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(_) => Err(Errno::EXIST),
        Err(Errno::NOENT) => rfs::renameat(dir, from, dir, to),
        Err(e) => Err(e),
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        // An O_TMPFILE with no name vanishes when `file` closes.
        if let Some(temp) = self.temp.take() {
            let _ = rfs::unlinkat(&self.dir, temp.as_str(), AtFlags::empty());
        }
    }
}

#[cfg(test)]
mod tests;
