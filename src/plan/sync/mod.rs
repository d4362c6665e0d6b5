//! A sync, planned: both sides listed in full, every path given its action
//! and the reason (with the evidence that decided it), before anything
//! moves. `pail sync` prints it (`--dry-run`, `--json`) and the engine runs
//! exactly its rows (`Plan::job`); nothing is listed again between the plan
//! and the run, so what changed meanwhile fails its row instead of being
//! overwritten.
//!
//! side.rs lists a side, filter.rs is `--exclude/--include`, compare.rs
//! decides a path on both sides, words.rs says a plan as text and JSON.

mod compare;
pub mod filter;
mod job;
pub mod side;
pub mod words;

pub use crate::engine::sync::Endpoint;
pub use crate::engine::sync::record::Book;
use crate::engine::verify::Algo;
use crate::local::paths::{Mapped, map_key};
use crate::store::mtime::Convention;
use crate::store::{Store, StoreResult};
use crate::walk::WalkOptions;
pub use filter::{Filters, Rule};
use futures::StreamExt;
use side::{Entry, Listing};
use std::collections::{BTreeMap, HashMap};
use tokio_util::sync::CancellationToken;

/// Which way the bytes go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Upload,
    Download,
    /// Prefix to prefix, server-side.
    Copy,
}

/// `--compare`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Compare {
    /// Size, then modification time (the aws CLI's default).
    #[default]
    SizeMtime,
    SizeOnly,
    /// Size, then the content: the object's checksum against the file's.
    Checksum,
}

impl Compare {
    pub fn parse(s: &str) -> Option<Compare> {
        Some(match s {
            "size-mtime" => Compare::SizeMtime,
            "size-only" => Compare::SizeOnly,
            "checksum" => Compare::Checksum,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Compare::SizeMtime => "size-mtime",
            Compare::SizeOnly => "size-only",
            Compare::Checksum => "checksum",
        }
    }
}

/// What decided a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// Sizes alone (`size-only`).
    Size,
    /// S3's LastModified against the file's mtime.
    LastModified,
    /// Same size, and the destination is not older than the source.
    NotOlder,
    /// The modification time a tool recorded on the object.
    Recorded(Convention),
    /// Both objects have the same ETag.
    Etag,
    /// The ETag is the body's MD5.
    Md5Etag,
    /// The multipart ETag (MD5 of the parts' MD5s) with the part layout.
    MultipartEtag,
    /// A full-object `x-amz-checksum-*`.
    Checksum(Algo),
    /// A composite checksum, computed part by part with the object's layout.
    Composite(Algo),
    /// The MD5 a tool recorded in metadata (rclone, s3cmd).
    RecordedMd5(Convention),
}

/// Why a row does what it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// Only in the source.
    New,
    SizeDiffers {
        source: u64,
        dest: u64,
    },
    /// The source is newer.
    Newer(Evidence),
    /// The times differ (a download puts the object's back).
    TimeDiffers(Evidence),
    ContentDiffers(Evidence),
    /// Identical, and how that was known.
    Same(Evidence),
    /// Only in the destination (`--delete`).
    OnlyInDestination,
    /// A local entry that is no file to send (a symlink, a FIFO...).
    NotAFile(String),
    /// Kept at the destination: its source is there but no file.
    SourceNotAFile,
    /// Two keys that one case-insensitive folder cannot tell apart.
    CaseClash(String),
    /// A key that cannot be a local path (why).
    NotRepresentable(String),
    /// A key that is both a file and a folder of files (`a` and `a/b`).
    FileAndFolder,
    /// Both sides changed since the last sync (its record says how they
    /// were left): neither overwrites the other without the user's word.
    BothChanged,
    /// Deleted at the source and changed at the destination since the
    /// last sync: a delete would lose that change.
    ChangedSinceDeleted,
}

/// Which side a conflict of two changes is settled for (the TUI's `d`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Way {
    /// The source's version goes to the destination (or its delete does).
    Source,
    /// The destination's version goes back to the source.
    Dest,
}

/// A row's action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Upload,
    Download,
    Copy,
    Delete,
    Skip,
    Conflict,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::Upload,
        Action::Download,
        Action::Copy,
        Action::Delete,
        Action::Skip,
        Action::Conflict,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Action::Upload => "upload",
            Action::Download => "download",
            Action::Copy => "copy",
            Action::Delete => "delete",
            Action::Skip => "skip",
            Action::Conflict => "conflict",
        }
    }

    /// The mark a row carries in lists: + new, * changed, - deleted, =
    /// identical, ! conflict.
    pub fn sends(self) -> bool {
        matches!(self, Action::Upload | Action::Download | Action::Copy)
    }
}

/// One path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The path under the source root (the destination's for a delete).
    pub from: String,
    /// The path under the destination root.
    pub to: String,
    pub action: Action,
    pub reason: Reason,
    /// A fallback the row says (checksum mode without a checksum).
    pub note: Option<String>,
    pub source: Option<Entry>,
    pub dest: Option<Entry>,
    /// Left out by the user (the TUI's Space): the run skips it.
    pub excluded: bool,
    /// A conflict of two changes settled by the user (`None`: left alone).
    pub way: Option<Way>,
}

impl Row {
    /// The bytes the row moves (or frees, for a delete).
    pub fn bytes(&self) -> u64 {
        match self.action {
            Action::Delete => self.dest.as_ref().map_or(0, |e| e.size),
            _ => self.source.as_ref().map_or(0, |e| e.size),
        }
    }

    /// `+` new, `*` replaces, `-` deletes, `=` identical or left alone, `!`
    /// conflict.
    pub fn mark(&self) -> char {
        match self.action {
            Action::Delete => '-',
            Action::Skip => '=',
            Action::Conflict => '!',
            _ if self.dest.is_none() => '+',
            _ => '*',
        }
    }

    /// Whether `d` can settle it: a conflict of two changes.
    pub fn can_flip(&self) -> bool {
        self.action == Action::Conflict
            && matches!(
                self.reason,
                Reason::BothChanged | Reason::ChangedSinceDeleted
            )
    }

    /// Left alone, then the source's side, then the destination's.
    pub fn flip(&mut self) {
        if self.can_flip() {
            self.way = match self.way {
                None => Some(Way::Source),
                Some(Way::Source) if self.dest.is_some() => Some(Way::Dest),
                Some(_) => None,
            };
        }
    }
}

/// `pail sync`'s choices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub compare: Compare,
    /// Plan deletes of what is only in the destination.
    pub delete: bool,
    pub filters: Filters,
    pub follow_symlinks: bool,
    /// Whether the local destination folds case (`None`: probe it).
    pub case_insensitive: Option<bool>,
    /// Listing requests in flight per side.
    pub width: usize,
    /// The last sync's record of these two sides (what both changing
    /// since is judged against).
    pub record: Option<Book>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            compare: Compare::default(),
            delete: false,
            filters: Filters::default(),
            follow_symlinks: false,
            case_insensitive: None,
            width: 16,
            record: None,
        }
    }
}

/// The plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub source: Endpoint,
    pub dest: Endpoint,
    pub direction: Direction,
    pub compare: Compare,
    pub delete: bool,
    /// In path order.
    pub rows: Vec<Row>,
    /// Files at the destination that the filters let in (what
    /// `--max-delete-percent` is a percentage of).
    pub dest_files: u64,
    /// Why a listing was not complete: then nothing is deleted.
    pub incomplete: Option<String>,
    /// The last sync's record, which the run brings up to date.
    pub record: Option<Book>,
    /// The trash a local delete goes to (`None`: none here, the deletes
    /// need `--delete-local`).
    pub trash: Option<String>,
}

/// Count and bytes of one action.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Total {
    pub count: u64,
    pub bytes: u64,
}

impl Plan {
    /// Per action, over the rows the user kept.
    pub fn totals(&self) -> BTreeMap<Action, Total> {
        let mut t: BTreeMap<Action, Total> = BTreeMap::new();
        for r in self.rows.iter().filter(|r| !r.excluded) {
            let e = t.entry(r.action).or_default();
            e.count += 1;
            e.bytes += r.bytes();
        }
        t
    }

    pub fn total(&self, a: Action) -> Total {
        self.totals().get(&a).copied().unwrap_or_default()
    }

    /// The deletes kept, as a percentage of the destination's files (100
    /// when it has none): what `--max-delete-percent` is held to.
    pub fn delete_share(&self) -> u64 {
        self.share_of(self.total(Action::Delete).count)
    }

    /// `n` files as a percentage of the destination's (100 when it has
    /// none).
    pub fn share_of(&self, n: u64) -> u64 {
        n.saturating_mul(100)
            .checked_div(self.dest_files)
            .unwrap_or(100)
    }

    /// Whether running it would change anything.
    pub fn is_noop(&self) -> bool {
        self.rows.iter().all(|r| {
            r.excluded
                || r.action == Action::Skip
                || (r.action == Action::Conflict && r.way.is_none())
        })
    }
}

/// The last sync's record of these two sides, from pail's state dir
/// (reads a small file: call it off the async threads' hot path).
pub fn record(store: &dyn Store, source: &Endpoint, dest: &Endpoint) -> Option<Book> {
    let dir = crate::engine::sync::record::default_dir()?;
    let endpoint = store.connection().endpoint_label();
    Some(Book::open(&dir, &endpoint, source, dest))
}

fn direction(source: &Endpoint, dest: &Endpoint) -> Direction {
    match (source.is_local(), dest.is_local()) {
        (true, _) => Direction::Upload,
        (false, true) => Direction::Download,
        (false, false) => Direction::Copy,
    }
}

/// How a source key is named locally (download), or why it cannot be.
fn local_name(rel: &str) -> Result<String, String> {
    match map_key(rel, "") {
        Ok(Mapped::File(p)) => Ok(match p.escaped() {
            None => p.to_string(),
            Some(Ok(e)) => e.to_string(),
            Some(Err(why)) => return Err(why.to_string()),
        }),
        Ok(Mapped::Dir(_)) => Err("a key ending in / with data in it".into()),
        Err(why) => Err(why.to_string()),
    }
}

/// Plans a sync of `source` into `dest`. Listing errors are errors (no
/// plan, nothing done); a local folder that could not be read is a plan
/// that deletes nothing (`Plan::incomplete`).
pub async fn plan(
    store: &dyn Store,
    source: &Endpoint,
    dest: &Endpoint,
    opts: &Options,
    cancel: &CancellationToken,
) -> StoreResult<Plan> {
    let walk = WalkOptions {
        width: opts.width.max(1),
    };
    let (src, dst) = futures::join!(
        side::list(store, source, walk, opts.follow_symlinks, cancel),
        side::list(store, dest, walk, opts.follow_symlinks, cancel),
    );
    let (src, dst) = (src?, dst?);
    let dir = direction(source, dest);
    let fold = match (dest, opts.case_insensitive) {
        (Endpoint::Local(_), Some(f)) => f,
        (Endpoint::Local(root), None) => probe_case(root),
        _ => false,
    };
    let judge = compare::Judge {
        store,
        direction: dir,
        mode: opts.compare,
        source,
        dest,
    };
    let pairs = pair_up(&src, &dst, dir, fold, &opts.filters);
    let mut rows: Vec<Row> = Vec::with_capacity(pairs.len());
    let book = opts.record.as_ref();
    let sides = (source.is_local(), dest.is_local());
    let mut decided = futures::stream::iter(pairs)
        .map(|p| decide(&judge, p, dir, opts.delete, book, sides))
        .buffered(16);
    while let Some(row) = decided.next().await {
        if cancel.is_cancelled() {
            return Err(crate::store::StoreError::cancelled());
        }
        if let Some(row) = row? {
            rows.push(row);
        }
    }
    drop(decided);
    let dest_files = dst
        .entries
        .iter()
        .filter(|e| opts.filters.allows(&e.rel))
        .count() as u64;
    Ok(Plan {
        source: source.clone(),
        dest: dest.clone(),
        direction: dir,
        compare: opts.compare,
        delete: opts.delete,
        rows,
        dest_files,
        incomplete: src.incomplete.or(dst.incomplete),
        record: opts.record.clone(),
        trash: dest
            .is_local()
            .then(crate::local::trash::available)
            .flatten(),
    })
}

/// A path's two sides, before they are compared.
struct Pair {
    from: String,
    to: String,
    source: Option<Entry>,
    dest: Option<Entry>,
    /// Settled without comparing (a conflict, or a source that is no file).
    settled: Option<(Action, Reason)>,
}

fn pair_up(src: &Listing, dst: &Listing, dir: Direction, fold: bool, f: &Filters) -> Vec<Pair> {
    let join = |name: &str| {
        if fold {
            name.to_lowercase()
        } else {
            name.to_owned()
        }
    };
    let mut map: BTreeMap<String, Pair> = BTreeMap::new();
    let mut clash: HashMap<String, Vec<String>> = HashMap::new();
    // Keys that have keys below them (`a` beside `a/b`): locally one name
    // cannot be both.
    let folders: std::collections::HashSet<String> = if dir == Direction::Download {
        src.entries
            .iter()
            .flat_map(|e| {
                let r = &e.rel;
                r.match_indices('/').map(move |(i, _)| r[..i].to_owned())
            })
            .collect()
    } else {
        Default::default()
    };
    for e in src.entries.iter().filter(|e| f.allows(&e.rel)) {
        let (to, settled) = if dir == Direction::Download {
            match local_name(&e.rel) {
                Ok(n) if folders.contains(&e.rel) => {
                    (n, Some((Action::Conflict, Reason::FileAndFolder)))
                }
                Ok(n) => (n, None),
                Err(why) => (
                    e.rel.clone(),
                    Some((Action::Conflict, Reason::NotRepresentable(why))),
                ),
            }
        } else {
            (e.rel.clone(), None)
        };
        let k = join(&to);
        clash.entry(k.clone()).or_default().push(e.rel.clone());
        map.entry(k).or_insert(Pair {
            from: e.rel.clone(),
            to,
            source: Some(e.clone()),
            dest: None,
            settled,
        });
    }
    // Source names that only differ in case, on a folder that folds case.
    for (k, names) in clash.iter().filter(|(_, n)| n.len() > 1) {
        if let Some(p) = map.get_mut(k) {
            let others = names[1..].join(", ");
            p.settled = Some((Action::Conflict, Reason::CaseClash(others)));
        }
        for n in &names[1..] {
            map.insert(
                format!("{k}\u{0}{n}"),
                Pair {
                    from: n.clone(),
                    to: n.clone(),
                    source: src.entries.iter().find(|e| &e.rel == n).cloned(),
                    dest: None,
                    settled: Some((Action::Conflict, Reason::CaseClash(names[0].clone()))),
                },
            );
        }
    }
    for (rel, why) in src.unfit.iter().filter(|(r, _)| f.allows(r)) {
        map.entry(join(rel)).or_insert(Pair {
            from: rel.clone(),
            to: rel.clone(),
            source: None,
            dest: None,
            settled: Some((Action::Skip, Reason::NotAFile(why.to_string()))),
        });
    }
    let unfit: Vec<&str> = src.unfit.iter().map(|(r, _)| r.as_str()).collect();
    for e in dst.entries.iter().filter(|e| f.allows(&e.rel)) {
        let k = join(&e.rel);
        match map.get_mut(&k) {
            Some(p) => p.dest = Some(e.clone()),
            None => {
                // Under a source entry that is no file: kept, never deleted.
                let kept = unfit
                    .iter()
                    .any(|u| e.rel == *u || e.rel.starts_with(&format!("{u}/")));
                map.insert(
                    k,
                    Pair {
                        from: e.rel.clone(),
                        to: e.rel.clone(),
                        source: None,
                        dest: Some(e.clone()),
                        settled: kept.then_some((Action::Skip, Reason::SourceNotAFile)),
                    },
                );
            }
        }
    }
    map.into_values().collect()
}

async fn decide(
    judge: &compare::Judge<'_>,
    p: Pair,
    dir: Direction,
    delete: bool,
    book: Option<&Book>,
    sides: (bool, bool),
) -> StoreResult<Option<Row>> {
    let send = match dir {
        Direction::Upload => Action::Upload,
        Direction::Download => Action::Download,
        Direction::Copy => Action::Copy,
    };
    let row = |action, reason, note| Row {
        from: p.from.clone(),
        to: p.to.clone(),
        action,
        reason,
        note,
        source: p.source.clone(),
        dest: p.dest.clone(),
        excluded: false,
        way: None,
    };
    if let Some((a, r)) = p.settled.clone() {
        return Ok(Some(row(a, r, None)));
    }
    let row = match (&p.source, &p.dest) {
        (Some(_), None) => Some(row(send, Reason::New, None)),
        (None, Some(_)) if delete => Some(row(Action::Delete, Reason::OnlyInDestination, None)),
        (None, _) => None,
        (Some(s), Some(d)) => {
            let v = judge.judge(s, d).await?;
            let action = if v.send { send } else { Action::Skip };
            Some(row(action, v.reason, v.note))
        }
    };
    Ok(row.map(|r| job::against_record(r, book, sides)))
}

/// Whether a local folder folds case: a probe file's name in the other
/// case is looked up (nothing is left behind).
/// A folder yet to be made is probed at its nearest existing parent, and
/// nothing is created to probe it.
fn probe_case(root: &std::path::Path) -> bool {
    let Some(there) = root.ancestors().find(|p| p.is_dir()) else {
        return false;
    };
    crate::local::Dest::open(there)
        .map(|d| d.case_insensitive())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests;
