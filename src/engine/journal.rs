//! The multipart uploads pail has started and not yet finished, noted in a
//! small file in its state dir. A pail that ends normally aborts what it did
//! not complete itself; one that is killed (`kill -9`, a power cut, a closed
//! laptop lid on a dying battery) cannot, and S3 keeps the parts (and bills
//! them) until someone aborts them. So every upload is noted when it starts
//! and crossed out when it completes or is aborted, and the next pail reads
//! what a dead process left and aborts it, saying so.
//!
//! The file is shared by every pail of the user: lines are appended with
//! one `write` each under an exclusive `flock`, an entry names its process,
//! and only entries of processes that are gone are taken over. Fields are
//! percent-encoded, so keys with tabs or newlines cannot break a line.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// One multipart upload that was started and not finished.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub pid: u32,
    /// The endpoint it went to, as the connection names it.
    pub endpoint: String,
    pub bucket: String,
    pub key: String,
    pub upload_id: String,
    /// Seconds since the epoch.
    pub started: i64,
}

/// The journal of one pail process, for one endpoint.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    endpoint: String,
    pid: u32,
}

/// `uploads.journal` in pail's state dir (beside its log).
pub fn default_path() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "pail")?;
    let dir = dirs.state_dir().unwrap_or(dirs.data_local_dir());
    Some(dir.join("uploads.journal"))
}

const FIELDS: &percent_encoding::AsciiSet =
    &percent_encoding::CONTROLS.add(b'%').add(b'\t').add(b' ');

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, FIELDS).to_string()
}

fn dec(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

impl Journal {
    /// The journal at `path` for this process, talking to `endpoint`. The
    /// file and its folder are made on first write (mode 0600: it names
    /// buckets and keys).
    pub fn new(path: PathBuf, endpoint: &str) -> Journal {
        Journal {
            path,
            endpoint: endpoint.to_owned(),
            pid: std::process::id(),
        }
    }

    /// Notes an upload that was just created.
    pub fn started(&self, bucket: &str, key: &str, upload_id: &str) {
        let now = chrono::Utc::now().timestamp();
        let line = format!(
            "start\t{}\t{}\t{}\t{}\t{}\t{now}\n",
            self.pid,
            enc(&self.endpoint),
            enc(bucket),
            enc(key),
            enc(upload_id)
        );
        self.append(&line);
    }

    /// Crosses out an upload that was completed or aborted.
    pub fn ended(&self, upload_id: &str) {
        self.append(&format!("end\t{}\n", enc(upload_id)));
    }

    fn append(&self, line: &str) {
        if let Err(e) = self.with_lock(|f| {
            f.seek(std::io::SeekFrom::End(0))?;
            f.write_all(line.as_bytes())
        }) {
            // The journal helps after a crash; a transfer does not fail
            // for it.
            tracing::warn!(error = %e, "cannot write the uploads journal");
        }
    }

    fn with_lock<T>(&self, f: impl FnOnce(&mut File) -> std::io::Result<T>) -> std::io::Result<T> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = open_private(&self.path)?;
        rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive)?;
        let r = f(&mut file);
        let _ = rustix::fs::flock(&file, rustix::fs::FlockOperation::Unlock);
        r
    }

    /// Uploads that processes which are gone left open on this endpoint.
    /// They are not crossed out here: [`Journal::ended`] does that once
    /// each is aborted.
    pub fn leftovers(&self) -> Vec<Entry> {
        let text = match self.with_lock(|f| {
            let mut s = String::new();
            f.seek(std::io::SeekFrom::Start(0))?;
            f.read_to_string(&mut s)?;
            Ok(s)
        }) {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the uploads journal");
                return Vec::new();
            }
        };
        open_entries(&text)
            .into_iter()
            .filter(|e| e.endpoint == self.endpoint && e.pid != self.pid && !alive(e.pid))
            .collect()
    }

    /// Rewrites the file with only what is still open, so it does not
    /// grow for ever. Safe while other pails append: it holds the lock.
    pub fn compact(&self) {
        let r = self.with_lock(|f| {
            let mut s = String::new();
            f.seek(std::io::SeekFrom::Start(0))?;
            f.read_to_string(&mut s)?;
            let open = open_entries(&s);
            let mut out = String::new();
            for e in open {
                out.push_str(&format!(
                    "start\t{}\t{}\t{}\t{}\t{}\t{}\n",
                    e.pid,
                    enc(&e.endpoint),
                    enc(&e.bucket),
                    enc(&e.key),
                    enc(&e.upload_id),
                    e.started
                ));
            }
            f.set_len(0)?;
            f.seek(std::io::SeekFrom::Start(0))?;
            f.write_all(out.as_bytes())
        });
        if let Err(e) = r {
            tracing::warn!(error = %e, "cannot compact the uploads journal");
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Entries started and not ended, in the order they started.
fn open_entries(text: &str) -> Vec<Entry> {
    let mut open: BTreeMap<String, (usize, Entry)> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let f: Vec<&str> = line.split('\t').collect();
        match f.as_slice() {
            ["start", pid, endpoint, bucket, key, id, started] => {
                let (Ok(pid), Ok(started)) = (pid.parse(), started.parse()) else {
                    continue;
                };
                let e = Entry {
                    pid,
                    endpoint: dec(endpoint),
                    bucket: dec(bucket),
                    key: dec(key),
                    upload_id: dec(id),
                    started,
                };
                open.insert(e.upload_id.clone(), (n, e));
            }
            ["end", id] => {
                open.remove(&dec(id));
            }
            // A line cut short by a crash, or from a newer pail.
            _ => {}
        }
    }
    let mut v: Vec<(usize, Entry)> = open.into_values().collect();
    v.sort_by_key(|(n, _)| *n);
    v.into_iter().map(|(_, e)| e).collect()
}

/// Whether process `pid` exists (signal 0 probes without sending).
fn alive(pid: u32) -> bool {
    let Ok(pid) = i32::try_from(pid) else {
        return false;
    };
    let Some(pid) = rustix::process::Pid::from_raw(pid) else {
        return false;
    };
    match rustix::process::test_kill_process(pid) {
        Ok(()) => true,
        // It exists but is someone else's.
        Err(rustix::io::Errno::PERM) => true,
        Err(_) => false,
    }
}

fn open_private(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .append(false)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
}

/// What became of one upload a dead pail left open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Aborted {
    pub entry: Entry,
    /// `Err` says why it could not be aborted (it stays in the journal
    /// for the next start); a NoSuchUpload means it was gone already.
    pub result: Result<(), String>,
}

/// Aborts the uploads dead pails left open on this endpoint and crosses
/// them out. Bounded: a server that does not answer is not waited for
/// longer than `limit` in all.
pub async fn abort_leftovers(
    store: &dyn crate::store::Store,
    journal: &Journal,
    limit: std::time::Duration,
) -> Vec<Aborted> {
    let left = journal.leftovers();
    if left.is_empty() {
        return Vec::new();
    }
    let work = async {
        let mut out = Vec::new();
        for e in left {
            let r = store.abort_multipart(&e.bucket, &e.key, &e.upload_id).await;
            let result = match r {
                Ok(()) => Ok(()),
                Err(err) if err.code.as_deref() == Some("NoSuchUpload") => Ok(()),
                Err(err) => Err(err.to_string()),
            };
            if result.is_ok() {
                journal.ended(&e.upload_id);
            }
            out.push(Aborted { entry: e, result });
        }
        out
    };
    let out = tokio::time::timeout(limit, work).await.unwrap_or_default();
    journal.compact();
    out
}

/// "Aborted 2 multipart uploads a stopped pail left open (s3://b/k, …)".
pub fn describe(aborted: &[Aborted]) -> Option<String> {
    use crate::sanitize::clean;
    if aborted.is_empty() {
        return None;
    }
    let ok: Vec<&Aborted> = aborted.iter().filter(|a| a.result.is_ok()).collect();
    let failed = aborted.len() - ok.len();
    let names: Vec<String> = aborted
        .iter()
        .take(3)
        .map(|a| format!("s3://{}/{}", clean(&a.entry.bucket), clean(&a.entry.key)))
        .collect();
    let more = if aborted.len() > 3 { ", …" } else { "" };
    let mut s = format!(
        "Aborted {} a pail that was stopped left open ({}{more})",
        crate::format::count(ok.len() as u64, "multipart upload", "multipart uploads"),
        names.join(", ")
    );
    if failed > 0 {
        s.push_str(&format!(
            "; {failed} could not be aborted and will be tried again next time"
        ));
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_of_dead_processes_on_this_endpoint_are_left_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/uploads.journal");
        let mine = Journal::new(path.clone(), "http://127.0.0.1:9000");
        // A process that is gone (pid 0x7fff_fff0 is never alive here)...
        let dead = Journal {
            pid: 0x7fff_fff0,
            ..Journal::new(path.clone(), "http://127.0.0.1:9000")
        };
        dead.started("b", "odd\tkey\nwith % and space", "id-1");
        dead.started("b", "done", "id-2");
        dead.ended("id-2");
        // ...one on another endpoint, and this process's own.
        let other = Journal {
            pid: 0x7fff_fff0,
            ..Journal::new(path.clone(), "https://s3.amazonaws.com")
        };
        other.started("b", "elsewhere", "id-3");
        mine.started("b", "mine", "id-4");
        let left = mine.leftovers();
        assert_eq!(left.len(), 1, "{left:?}");
        assert_eq!(left[0].key, "odd\tkey\nwith % and space");
        assert_eq!(left[0].upload_id, "id-1");
        mine.ended("id-1");
        assert!(mine.leftovers().is_empty());
        mine.compact();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }

    #[test]
    fn a_torn_last_line_is_ignored() {
        let text = "start\t1\te\tb\tk\tid\t5\nstart\t1\te\tb";
        assert_eq!(open_entries(text).len(), 1);
        assert!(alive(std::process::id()));
    }
}
