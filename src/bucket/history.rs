//! The changes pail made to bucket settings, kept in its state dir
//! (`bucket-changes.jsonl`, beside its log) so `u` on the card can put the
//! last one back, in this session or a later one. A line per change, the
//! old and the new configuration in full, appended with one `write` under
//! mode 0600 (it names buckets and holds their policies). An undo is a
//! change too, naming the one it undid.

use super::fix::Change;
use crate::store::settings::{Part, Setting};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// One change made, as kept on disk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The endpoint, as the connection names it: an undo goes to the same
    /// store.
    pub endpoint: String,
    pub bucket: String,
    pub part: Part,
    pub title: String,
    pub before: Option<Setting>,
    /// What the server said after the change (the undo expects it).
    pub after: Option<Setting>,
    /// Milliseconds since the epoch: the record's name.
    pub at: i64,
    /// The record this one undid.
    #[serde(default)]
    pub undoes: Option<i64>,
}

impl Record {
    pub fn new(endpoint: &str, change: &Change, after: Option<Setting>, at: i64) -> Record {
        Record {
            endpoint: endpoint.to_owned(),
            bucket: change.bucket.clone(),
            part: change.part,
            title: change.title.clone(),
            before: change.before.clone(),
            after,
            at,
            undoes: None,
        }
    }

    /// The change as it was made (for its undo).
    pub fn change(&self) -> Change {
        Change {
            bucket: self.bucket.clone(),
            part: self.part,
            title: self.title.clone(),
            before: self.before.clone(),
            after: self.after.clone(),
        }
    }
}

/// `bucket-changes.jsonl` in pail's state dir.
pub fn default_path() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "pail")?;
    let dir = dirs.state_dir().unwrap_or(dirs.data_local_dir());
    Some(dir.join("bucket-changes.jsonl"))
}

/// Appends `r` (making the file and its folder on first use).
pub fn append(path: &Path, r: &Record) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut line = serde_json::to_string(r).map_err(std::io::Error::other)?;
    line.push('\n');
    let mut f = crate::logging::open_private(path)?;
    f.write_all(line.as_bytes())
}

/// The records for `endpoint`, oldest first; lines that do not parse
/// (a newer pail's, a torn write) are skipped.
pub fn load(path: &Path, endpoint: &str) -> Vec<Record> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| serde_json::from_str::<Record>(l).ok())
        .filter(|r| r.endpoint == endpoint)
        .collect()
}

/// The last change to `bucket` that can still be undone: the newest one
/// that is not itself an undo and was not undone since.
pub fn last_undoable<'a>(records: &'a [Record], bucket: &str) -> Option<&'a Record> {
    let undone: Vec<i64> = records.iter().filter_map(|r| r.undoes).collect();
    records
        .iter()
        .rev()
        .filter(|r| r.bucket == bucket)
        .find(|r| r.undoes.is_none() && !undone.contains(&r.at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(bucket: &str, at: i64, undoes: Option<i64>) -> Record {
        Record {
            endpoint: "e".into(),
            bucket: bucket.into(),
            part: Part::Versioning,
            title: format!("t{at}"),
            before: None,
            after: None,
            at,
            undoes,
        }
    }

    #[test]
    fn undo_steps_back_through_a_buckets_changes() {
        let mut rs = vec![rec("a", 1, None), rec("b", 2, None), rec("a", 3, None)];
        assert_eq!(last_undoable(&rs, "a").map(|r| r.at), Some(3));
        rs.push(rec("a", 4, Some(3)));
        assert_eq!(last_undoable(&rs, "a").map(|r| r.at), Some(1));
        rs.push(rec("a", 5, Some(1)));
        assert_eq!(last_undoable(&rs, "a"), None);
        assert_eq!(last_undoable(&rs, "b").map(|r| r.at), Some(2));
    }

    #[test]
    fn records_survive_the_file_and_other_endpoints_are_not_ours() {
        let dir = std::env::temp_dir().join(format!("pail-history-{}", std::process::id()));
        let path = dir.join("sub").join("bucket-changes.jsonl");
        let mut r = rec("a", 1, None);
        r.before = Some(Setting::Policy("{\"a\":\n1}".into()));
        append(&path, &r).unwrap();
        let mut other = rec("a", 2, None);
        other.endpoint = "elsewhere".into();
        append(&path, &other).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{torn\n")
            .unwrap();
        assert_eq!(load(&path, "e"), vec![r]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0);
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
