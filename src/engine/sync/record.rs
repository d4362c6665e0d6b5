//! What the last sync between two sides left them as, so the next one can
//! tell "both changed since the last sync" (a conflict: neither side is
//! overwritten without the user's word) from a plain change on one side.
//!
//! One file per pair of sides (a folder or prefix, and a prefix, at one
//! endpoint), in pail's state dir, whichever way the sync ran: each path
//! (named as the key under the prefix) with each side's fingerprint as it
//! was when they were last in sync: a file's size and mtime, an object's
//! size and ETag (or LastModified where the listing has no ETag). The
//! engine writes it after a run (what was sent, with the fingerprint the
//! write left; what was already the same; deletes gone), through a temp
//! file and a rename; a record that cannot be read is no record (then no
//! path is a conflict of two changes, as on a first sync).

use super::Endpoint;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// One side of one path, as it was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "lowercase")]
pub enum Print {
    File {
        size: u64,
        /// Seconds and nanoseconds since the epoch.
        mtime: Option<(i64, u32)>,
    },
    Object {
        size: u64,
        /// Unquoted.
        etag: Option<String>,
        /// LastModified, whole seconds (for listings without ETags).
        time: Option<i64>,
    },
}

impl Print {
    pub fn file(size: u64, mtime: Option<SystemTime>) -> Print {
        let mtime = mtime.map(|t| match t.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
            Err(e) => (-(e.duration().as_secs() as i64), 0),
        });
        Print::File { size, mtime }
    }

    pub fn object(size: u64, etag: Option<&str>, time: Option<i64>) -> Print {
        Print::Object {
            size,
            etag: etag.map(|e| e.trim_matches('"').to_owned()),
            time,
        }
    }

    /// Whether `now` differs from this one; `None` when the two carry
    /// nothing to compare (then nobody can say, and no conflict is made
    /// of it).
    pub fn changed(&self, now: &Print) -> Option<bool> {
        match (self, now) {
            (Print::File { size: a, mtime: ma }, Print::File { size: b, mtime: mb }) => {
                if a != b {
                    return Some(true);
                }
                Some(ma.zip(*mb).map(|(x, y)| x != y)?)
            }
            (
                Print::Object {
                    size: a,
                    etag: ea,
                    time: ta,
                },
                Print::Object {
                    size: b,
                    etag: eb,
                    time: tb,
                },
            ) => {
                if a != b {
                    return Some(true);
                }
                if let (Some(x), Some(y)) = (ea, eb) {
                    return Some(x != y);
                }
                Some(ta.zip(*tb).map(|(x, y)| x != y)?)
            }
            _ => None,
        }
    }
}

/// A path's two sides when they were last in sync, in the orientation of
/// the sync at hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Synced {
    pub source: Print,
    pub dest: Print,
}

/// The record of one pair of sides, loaded for one sync.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Book {
    /// Where it is kept (`None`: nowhere to keep it, nothing is written).
    pub path: Option<PathBuf>,
    /// The endpoint URL both sides are at (part of the record's name).
    pub endpoint: String,
    /// The sync runs from the side the file names second.
    pub flipped: bool,
    /// Whether the file was there (a first sync knows no history).
    pub found: bool,
    /// By key under the prefix.
    pub paths: HashMap<String, Synced>,
}

#[derive(Serialize, Deserialize)]
struct Head {
    pail_sync_record: u32,
    endpoint: String,
    a: String,
    b: String,
}

#[derive(Serialize, Deserialize)]
struct Line {
    k: String,
    a: Print,
    b: Print,
}

/// `sync-records/` in pail's state dir.
pub fn default_dir() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "pail")?;
    let dir = dirs.state_dir().unwrap_or(dirs.data_local_dir());
    Some(dir.join("sync-records"))
}

/// A side's name in the record: a folder by its absolute path.
fn side_name(e: &Endpoint) -> String {
    match e {
        Endpoint::Local(p) => {
            let abs = std::fs::canonicalize(p).unwrap_or_else(|_| {
                std::env::current_dir()
                    .map(|d| d.join(p))
                    .unwrap_or_else(|_| p.clone())
            });
            format!("file://{}", abs.display())
        }
        Endpoint::S3 { .. } => e.describe(),
    }
}

/// FNV-1a: a stable name for the file (std's hasher may change between
/// releases, and the name must not).
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl Book {
    /// The record of `source` and `dest` at `endpoint` kept in `dir`
    /// (empty when there is none or it cannot be read).
    pub fn open(dir: &Path, endpoint: &str, source: &Endpoint, dest: &Endpoint) -> Book {
        let (s, d) = (side_name(source), side_name(dest));
        let flipped = s > d;
        let (a, b) = if flipped { (d, s) } else { (s, d) };
        let path = dir.join(format!(
            "{:016x}.jsonl",
            fnv(&format!("{endpoint}\u{0}{a}\u{0}{b}"))
        ));
        let mut book = Book {
            path: Some(path.clone()),
            endpoint: endpoint.to_owned(),
            flipped,
            ..Book::default()
        };
        let Ok(f) = std::fs::File::open(&path) else {
            return book;
        };
        let mut lines = std::io::BufReader::new(f).lines();
        let head: Option<Head> = lines
            .next()
            .and_then(|l| l.ok())
            .and_then(|l| serde_json::from_str(&l).ok());
        // Another pair whose name hashed the same: not this record.
        if !head.is_some_and(|h| {
            h.pail_sync_record == 1 && h.endpoint == endpoint && h.a == a && h.b == b
        }) {
            return book;
        }
        for l in lines {
            let Some(line) = l.ok().and_then(|l| serde_json::from_str::<Line>(&l).ok()) else {
                // A torn record: what it cannot say, it does not know.
                return Book {
                    path: Some(path),
                    endpoint: endpoint.to_owned(),
                    flipped,
                    ..Book::default()
                };
            };
            let (source, dest) = if flipped {
                (line.b, line.a)
            } else {
                (line.a, line.b)
            };
            book.paths.insert(line.k, Synced { source, dest });
        }
        book.found = true;
        book
    }

    /// Writes the record (a temp file renamed over the old one).
    pub fn save(&self, source: &Endpoint, dest: &Endpoint) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let (s, d) = (side_name(source), side_name(dest));
        let (a, b) = if self.flipped { (d, s) } else { (s, d) };
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let written = (|| {
            let f = crate::logging::open_private(&tmp)?;
            let mut w = std::io::BufWriter::new(f);
            let head = Head {
                pail_sync_record: 1,
                endpoint: self.endpoint.clone(),
                a,
                b,
            };
            writeln!(w, "{}", json(&head)?)?;
            let mut keys: Vec<&String> = self.paths.keys().collect();
            keys.sort();
            for k in keys {
                let s = &self.paths[k];
                let (a, b) = if self.flipped {
                    (s.dest.clone(), s.source.clone())
                } else {
                    (s.source.clone(), s.dest.clone())
                };
                writeln!(w, "{}", json(&Line { k: k.clone(), a, b })?)?;
            }
            w.into_inner().map_err(|e| e.into_error())?.sync_all()
        })();
        match written {
            Ok(()) => std::fs::rename(&tmp, path),
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(e)
            }
        }
    }
}

fn json<T: Serialize>(v: &T) -> std::io::Result<String> {
    serde_json::to_string(v).map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_the_same_whichever_way_the_sync_ran() {
        let dir = tempfile::tempdir().unwrap();
        let local = Endpoint::Local(dir.path().join("site"));
        let s3 = Endpoint::s3("b", "site");
        let mut up = Book::open(dir.path(), "http://x", &local, &s3);
        assert!(!up.found);
        up.paths.insert(
            "a\tb\n".into(),
            Synced {
                source: Print::file(3, Some(SystemTime::UNIX_EPOCH)),
                dest: Print::object(3, Some("\"e\""), None),
            },
        );
        up.save(&local, &s3).unwrap();
        let down = Book::open(dir.path(), "http://x", &s3, &local);
        assert!(down.found);
        assert_eq!(down.path, up.path);
        let s = &down.paths["a\tb\n"];
        assert_eq!(s.source, Print::object(3, Some("e"), None));
        assert_eq!(s.dest, Print::file(3, Some(SystemTime::UNIX_EPOCH)));
        // Another endpoint is another record.
        assert!(!Book::open(dir.path(), "http://y", &s3, &local).found);
        // A torn file is no record.
        let p = up.path.clone().unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, &text[..text.len() - 5]).unwrap();
        let torn = Book::open(dir.path(), "http://x", &s3, &local);
        assert!(!torn.found && torn.paths.is_empty());
    }

    #[test]
    fn only_comparable_fingerprints_say_changed() {
        let f = |s, n| {
            Print::file(
                s,
                Some(SystemTime::UNIX_EPOCH + std::time::Duration::new(5, n)),
            )
        };
        assert_eq!(f(1, 0).changed(&f(1, 0)), Some(false));
        assert_eq!(f(1, 0).changed(&f(1, 1)), Some(true));
        assert_eq!(f(1, 0).changed(&f(2, 0)), Some(true));
        let o = Print::object;
        assert_eq!(
            o(1, Some("x"), None).changed(&o(1, Some("y"), Some(3))),
            Some(true)
        );
        assert_eq!(o(1, Some("x"), None).changed(&o(1, None, Some(3))), None);
        assert_eq!(
            o(1, None, Some(3)).changed(&o(1, None, Some(3))),
            Some(false)
        );
        assert_eq!(o(1, Some("x"), None).changed(&o(2, None, None)), Some(true));
    }
}
