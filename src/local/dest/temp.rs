//! The temporary files downloads are written into, and the ones a killed
//! pail left behind.
//!
//! Where the file system has O_TMPFILE the temp has no name, and even
//! `kill -9` leaves nothing. Elsewhere (and for the moment between linking
//! an O_TMPFILE file under a temp name and renaming it over an existing
//! file) it is `.NAME.pail-PID-XXXXXX.tmp` beside the final name, which a
//! SIGKILL, the OOM killer or a power cut leaves there for good unless
//! someone removes it. The next pail that writes into that folder does,
//! but only a file that is recognisably a temp of a pail that is gone:
//!
//! - the name has exactly the shape pail gives (a `.x.pail-12-abcdef.tmp.bak`
//!   of the user's, or an older pail's `.x.pail-abcdef.tmp` without a pid,
//!   is not one);
//! - it is a regular file, seen without following a symlink;
//! - no process has its pid (`kill(pid, 0)` says ESRCH; this pail, any
//!   live process of any user, or a zombie not yet reaped, keeps it);
//! - nobody holds its lock: every pail takes an exclusive `flock` on each
//!   temp right after creating it and holds it while it writes, and the
//!   kernel drops it when the writer dies, however it dies. A pid means nothing across pid namespaces (a
//!   container writing into the same folder) or NFS clients; the lock
//!   still does. A file system without `flock` keeps every temp.
//!
//! The folder is read once per download job and folder, when the first
//! file is written there: one directory listing, and a few system calls
//! only for names of that shape.

use std::collections::hash_map::RandomState;
use std::fs::File;
use std::hash::{BuildHasher, Hasher};
use std::io;
#[cfg(target_os = "linux")]
use std::os::fd::AsRawFd;
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use rustix::fs::{self as rfs, AtFlags, FileType, FlockOperation, Mode, OFlags};
use rustix::io::Errno;
use rustix::process::Pid;

use super::FILE_MODE;
use crate::local::paths::MAX_SEGMENT_BYTES;

/// The random part of a temp name: six of `[a-z0-9]`.
const RANDOM_LEN: usize = 6;

/// An unnamed file in `dir`, or None when this kernel or filesystem cannot
/// make one (the caller then uses a named temp).
#[cfg(target_os = "linux")]
pub(super) fn open_tmpfile(dir: &OwnedFd) -> io::Result<Option<File>> {
    let flags = OFlags::TMPFILE | OFlags::RDWR | OFlags::CLOEXEC;
    match rfs::openat(dir, ".", flags, Mode::from_raw_mode(FILE_MODE)) {
        Ok(fd) => {
            let file = File::from(fd);
            // Giving it a name later goes through /proc; without /proc the
            // downloaded data could never be linked in, so do not start.
            match rfs::statat(rfs::CWD, proc_fd_path(&file), AtFlags::empty()) {
                Ok(_) => {
                    // Locked like a named temp: it gets a temp name for a
                    // moment when it replaces an existing file.
                    lock(&file);
                    Ok(Some(file))
                }
                Err(_) => Ok(None),
            }
        }
        // EISDIR: a kernel without O_TMPFILE sees only O_DIRECTORY.
        Err(Errno::OPNOTSUPP | Errno::ISDIR | Errno::INVAL | Errno::NOSYS) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[cfg(target_os = "linux")]
pub(super) fn proc_fd_path(file: &File) -> String {
    format!("/proc/self/fd/{}", file.as_raw_fd())
}

/// A new named temp beside `final_name` in `dir`, created and locked.
pub(super) fn create_named(dir: &OwnedFd, final_name: &str) -> io::Result<(File, String)> {
    let flags = OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::RDWR | OFlags::CLOEXEC;
    for _ in 0..100 {
        let temp = temp_name(final_name);
        match rfs::openat(dir, temp.as_str(), flags, Mode::from_raw_mode(FILE_MODE)) {
            Ok(fd) => {
                let file = File::from(fd);
                lock(&file);
                return Ok((file, temp));
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

/// Takes the lock that tells another pail this temp is being written. A
/// file system without locks still has the pid in the name.
fn lock(file: &File) {
    let _ = rfs::flock(file, FlockOperation::NonBlockingLockExclusive);
}

/// `.NAME.pail-PID-XXXXXX.tmp`: hidden, recognisably pail's, naming the
/// process that writes it, and never longer than a file name may be (NAME
/// is shortened to fit).
pub(super) fn temp_name(final_name: &str) -> String {
    let pid = std::process::id().to_string();
    let fixed = ".".len() + ".pail-".len() + pid.len() + "-".len() + RANDOM_LEN + ".tmp".len();
    let budget = MAX_SEGMENT_BYTES.saturating_sub(fixed);
    format!(
        ".{}.pail-{pid}-{}.tmp",
        super::truncate(final_name, budget),
        random_suffix()
    )
}

/// The pid in a name of exactly the shape [`temp_name`] gives, else None.
pub(super) fn temp_pid(name: &str) -> Option<Pid> {
    let inner = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (stem, tail) = inner.rsplit_once(".pail-")?;
    let (pid, random) = tail.split_once('-')?;
    let digits =
        !pid.is_empty() && !pid.starts_with('0') && pid.bytes().all(|b| b.is_ascii_digit());
    let random_ok = random.len() == RANDOM_LEN
        && random
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if stem.is_empty() || !digits || !random_ok {
        return None;
    }
    Pid::from_raw(pid.parse().ok()?)
}

/// Six characters that differ between calls, processes and runs. Not
/// cryptographic: O_EXCL is what makes the name ours, this only makes a
/// clash unlikely.
fn random_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    if let Ok(t) = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
        h.write_u128(t.as_nanos());
    }
    let mut n = h.finish();
    (0..RANDOM_LEN)
        .map(|_| {
            let c = ALPHABET[(n % 36) as usize] as char;
            n /= 36;
            c
        })
        .collect()
}

/// Removes the temps in `dir` that a pail which is gone left (see the
/// module doc for what counts). Best effort: what cannot be read or
/// removed stays, and the download goes on.
pub(super) fn sweep(dir: &OwnedFd) {
    let Ok(entries) = rfs::Dir::read_from(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(name) = entry.file_name().to_str() else {
            continue;
        };
        if temp_pid(name).is_some_and(|pid| !alive(pid)) {
            remove_if_abandoned(dir, name);
        }
    }
}

/// Whether a process with this pid exists here (a zombie, or another
/// user's process, does).
fn alive(pid: Pid) -> bool {
    !matches!(rustix::process::test_kill_process(pid), Err(Errno::SRCH))
}

/// Removes `name` from `dir` if it is a regular file nobody holds the
/// lock of.
fn remove_if_abandoned(dir: &OwnedFd, name: &str) {
    // lstat first: opening a device or FIFO can have effects of its own.
    match rfs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) if is_file(&st) => {}
        _ => return,
    }
    let flags =
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    let Ok(fd) = rfs::openat(dir, name, flags, Mode::empty()) else {
        return;
    };
    // Swapped for something else since the lstat: leave it.
    if !rfs::fstat(&fd).is_ok_and(|st| is_file(&st)) {
        return;
    }
    if rfs::flock(&fd, FlockOperation::NonBlockingLockExclusive).is_ok() {
        // Unlinked while the lock is ours; it goes when `fd` closes.
        let _ = rfs::unlinkat(dir, name, AtFlags::empty());
    }
}

// st_mode's width differs between targets.
#[allow(clippy::unnecessary_cast)]
fn is_file(st: &rfs::Stat) -> bool {
    FileType::from_raw_mode(st.st_mode as _) == FileType::RegularFile
}
