//! The reference model of the transfer engine, for tests/model.rs.
//!
//! A case is a world before (two buckets and a local folder), one job and
//! a fixed conflict policy. The model says what a careful user expects of
//! it, item by item, with none of the engine's machinery: the job's items
//! in the order they are found (listing order; for uploads, folders
//! depth-first by name), each claiming its destination in turn. The first
//! claim wins; a later item of the same job that meets it is refused under
//! "overwrite" (one of the two would be lost), skipped under "skip", gets a
//! free `name (n).ext` under "keep both". Within one bucket, every source
//! is claimed by its own item first (it must be read before anything
//! replaces it, and a move deletes it). A destination that existed before
//! is replaced only under "overwrite", or "skip identical" when the bytes
//! differ. Then [`check`] holds the engine's report and the world after to
//! that (tests/common/oracle.rs), and to promises that do not depend on the model being right: no
//! object lost, no overwrite that was not asked for, no two items on one
//! destination, every count equal to what the items say and what the
//! buckets and the disk show.
//!
//! Where the engine may choose (which "keep both" number an item gets when
//! several run at once) the model accepts any free `name (n).ext` and
//! checks the engine's choice instead; at one request at a time it expects
//! the first free one exactly.

use super::engine::{Entry, tree};
use pail::engine::{Policy, Refusal, Skip};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The two buckets of every case, by label (the runner maps them to real
/// bucket names).
pub const ONE: &str = "one";
pub const TWO: &str = "two";

/// Where bytes live: an object (bucket label, key), or a file by its path
/// under the case's local root (`src/...` for uploads, `out/...` for
/// downloads).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    S3(&'static str, String),
    Local(String),
}

/// Everything there is, by place.
pub type World = BTreeMap<Place, Vec<u8>>;

/// The body of content `id`: distinct ids differ in size and bytes, so
/// "identical" means the same id.
pub fn body(id: u8) -> Vec<u8> {
    let mut b = format!("content {id} ").into_bytes();
    b.resize(10 + 13 * id as usize, b'a' + id % 26);
    b
}

/// `#id` for a body, for messages.
pub fn label(data: &[u8]) -> String {
    match (0..=u8::MAX).find(|i| body(*i) == data) {
        Some(i) => format!("#{i}"),
        None => format!("{} bytes of no source", data.len()),
    }
}

/// Something marked in bucket one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mark {
    Object(String),
    Prefix(String),
}

impl Mark {
    pub fn key(&self) -> &str {
        match self {
            Mark::Object(k) | Mark::Prefix(k) => k,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Job {
    /// Marks of bucket one into the local folder `out/`, each under its
    /// own name (as the TUI and `pail cp s3://... dir/` do).
    Download(Vec<Mark>),
    /// Files and folders of `src/` (paths under it) into `prefix` of
    /// bucket one.
    Upload { picks: Vec<String>, prefix: String },
    /// Marks of bucket one pasted into `prefix` of bucket one, or of
    /// bucket two when `across`; a move when `cut`.
    Paste {
        marks: Vec<Mark>,
        prefix: String,
        across: bool,
        cut: bool,
    },
    /// One object or prefix of bucket one renamed to `to`.
    Rename { mark: Mark, to: String },
    /// Marks of bucket one deleted (as `plan_delete` lists them).
    Delete(Vec<Mark>),
}

/// One generated case (also how a shrunk failure is kept as a test).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    /// Objects of bucket one: (key, content id).
    pub one: Vec<(String, u8)>,
    pub two: Vec<(String, u8)>,
    /// Files of the local folder (`src/` or `out/`): (path, content id).
    pub local: Vec<(String, u8)>,
    pub job: Job,
    pub policy: Policy,
    pub concurrency: usize,
    /// Thresholds so low that the larger bodies go as multipart uploads,
    /// UploadPartCopy and ranged downloads.
    pub multipart: bool,
}

impl Case {
    /// Where the local files live under the case's root.
    pub fn local_dir(&self) -> &'static str {
        match self.job {
            Job::Upload { .. } => "src",
            _ => "out",
        }
    }

    /// The world the case starts from.
    pub fn world(&self) -> World {
        let mut w = World::new();
        for (k, id) in &self.one {
            w.insert(Place::S3(ONE, k.clone()), body(*id));
        }
        for (k, id) in &self.two {
            w.insert(Place::S3(TWO, k.clone()), body(*id));
        }
        for (p, id) in &self.local {
            let path = format!("{}/{p}", self.local_dir());
            w.insert(Place::Local(path), body(*id));
        }
        w
    }

    /// (mark, from, to) of a download, paste or rename: a key `K` under
    /// the mark goes to `to + K[from.len()..]`.
    pub fn mappings(&self) -> Vec<(Mark, String, String)> {
        let into = |m: &Mark, to: &str| (m.clone(), parent_of(m.key()).to_owned(), to.to_owned());
        match &self.job {
            Job::Download(marks) => marks.iter().map(|m| into(m, "")).collect(),
            Job::Paste { marks, prefix, .. } => marks.iter().map(|m| into(m, prefix)).collect(),
            Job::Rename { mark, to } => vec![(mark.clone(), mark.key().to_owned(), to.clone())],
            Job::Upload { .. } | Job::Delete(_) => Vec::new(),
        }
    }

    /// The bucket label a paste or rename writes to.
    pub fn dest_bucket(&self) -> &'static str {
        match self.job {
            Job::Paste { across: true, .. } => TWO,
            _ => ONE,
        }
    }

    pub fn cut(&self) -> bool {
        matches!(self.job, Job::Paste { cut: true, .. } | Job::Rename { .. })
    }
}

/// `a/b/` → `a/`, `a/x.txt` → `a/`, `x` → ``.
fn parent_of(key: &str) -> &str {
    let trimmed = key.strip_suffix('/').unwrap_or(key);
    trimmed.rfind('/').map_or("", |i| &key[..=i])
}

/// What the model expects of one item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expect {
    /// The item's name as the engine reports it (a key, or a file's path).
    pub name: String,
    pub source: Place,
    /// Where the plan puts it (none for deletes).
    pub target: Option<Place>,
    pub want: Want,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Want {
    /// Its bytes land here: the target, or a "keep both" name beside it.
    Done(Place),
    /// Deleted (a delete job).
    Deleted,
    Skipped(Skip),
    Refused(Refusal),
}

/// An item as found, before its conflicts are settled.
struct Found {
    name: String,
    source: Place,
    target: Place,
    /// Whether two items of the job can be told identical (copies and
    /// downloads compare ETags; uploads have none to compare).
    comparable: bool,
}

/// Every item of the case, in the order the engine finds them, with what
/// should become of it.
pub fn plan(case: &Case, root: &Path) -> Vec<Expect> {
    let before = case.world();
    let under = |bucket: &'static str, p: &str| -> Vec<String> {
        before
            .keys()
            .filter_map(|pl| match pl {
                Place::S3(b, k) if *b == bucket && k.starts_with(p) => Some(k.clone()),
                _ => None,
            })
            .collect()
    };
    let expand = |m: &Mark| match m {
        Mark::Object(k) => vec![k.clone()],
        Mark::Prefix(p) => under(ONE, p),
    };
    let found: Vec<Found> = match &case.job {
        Job::Delete(marks) => {
            let mut seen = BTreeSet::new();
            return marks
                .iter()
                .flat_map(expand)
                .filter(|k| seen.insert(k.clone()))
                .map(|k| Expect {
                    name: k.clone(),
                    source: Place::S3(ONE, k),
                    target: None,
                    want: Want::Deleted,
                })
                .collect();
        }
        Job::Upload { picks, prefix } => picks
            .iter()
            .flat_map(|p| upload_items(&before, root, p, prefix))
            .collect(),
        Job::Download(_) | Job::Paste { .. } | Job::Rename { .. } => {
            let dest = case.dest_bucket();
            let download = matches!(case.job, Job::Download(_));
            let maps = case.mappings();
            // A prefix pasted into itself: the job refuses it as a whole.
            if !download && dest == ONE {
                for (m, _, to) in &maps {
                    if let Mark::Prefix(p) = m
                        && to.starts_with(p.as_str())
                    {
                        return vec![Expect {
                            name: p.clone(),
                            source: Place::S3(ONE, p.clone()),
                            target: None,
                            want: Want::Refused(Refusal::IntoItself(to.clone())),
                        }];
                    }
                }
            }
            let mut out: Vec<Found> = Vec::new();
            for (m, from, to) in &maps {
                for k in expand(m) {
                    let rest = &k[from.len()..];
                    let target = if download {
                        Place::Local(format!("out/{to}{rest}"))
                    } else {
                        Place::S3(dest, format!("{to}{rest}"))
                    };
                    out.push(Found {
                        name: k.clone(),
                        source: Place::S3(ONE, k),
                        target,
                        comparable: true,
                    });
                }
            }
            out
        }
    };
    // Within one bucket every source is its own item's first: another item
    // that would write over it meets it as it meets an earlier item (the
    // source must still be read, and a move deletes it at the end).
    let mut claimed = BTreeMap::new();
    if !matches!(case.job, Job::Download(_) | Job::Upload { .. }) && case.dest_bucket() == ONE {
        for f in &found {
            claimed
                .entry(f.source.clone())
                .or_insert_with(|| (f.name.clone(), f.source.clone()));
        }
    }
    settle(&before, found, case.policy, claimed)
}

/// The files an upload of `pick` (under `src/`) sends, depth-first with
/// names in byte order, as the walk finds them.
fn upload_items(before: &World, root: &Path, pick: &str, prefix: &str) -> Vec<Found> {
    let own = pick.rsplit('/').next().unwrap_or(pick);
    let full = format!("src/{pick}");
    let mut files: Vec<(Vec<String>, Place)> = before
        .keys()
        .filter_map(|pl| match pl {
            Place::Local(p) if *p == full => Some((Vec::new(), pl.clone())),
            Place::Local(p) => p
                .strip_prefix(&format!("{full}/"))
                .map(|rest| (rest.split('/').map(str::to_owned).collect(), pl.clone())),
            _ => None,
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|(segs, source)| {
            let rel: String = std::iter::once(own.to_owned())
                .chain(segs)
                .collect::<Vec<_>>()
                .join("/");
            let path = root.join("src").join(pick);
            let rest = rel[own.len()..].to_owned();
            Found {
                name: format!("{}{rest}", path.display()),
                source,
                target: Place::S3(ONE, format!("{prefix}{rel}")),
                comparable: false,
            }
        })
        .collect()
}

/// Settles each item's destination in turn (see the module docs).
fn settle(
    before: &World,
    found: Vec<Found>,
    policy: Policy,
    mut claimed: BTreeMap<Place, (String, Place)>,
) -> Vec<Expect> {
    let mut out = Vec::new();
    for f in found {
        let first = claimed.get(&f.target).cloned();
        if first.is_none() {
            claimed.insert(f.target.clone(), (f.name.clone(), f.source.clone()));
        }
        let same = |a: &Place, b: &Place| before.get(a) == before.get(b);
        let want = if f.source == f.target {
            Want::Refused(Refusal::SameObject)
        } else if let Some((other, other_src)) = first {
            match policy {
                _ if other == f.name => Want::Skipped(Skip::SameTarget(other)),
                Policy::Skip => Want::Skipped(Skip::SameTarget(other)),
                Policy::SkipIdentical if f.comparable && same(&other_src, &f.source) => {
                    Want::Skipped(Skip::Identical)
                }
                Policy::KeepBoth => Want::Done(keep_both(before, &mut claimed, &f)),
                _ => Want::Refused(Refusal::Collision(other)),
            }
        } else if before.contains_key(&f.target) {
            match policy {
                Policy::Skip => Want::Skipped(Skip::Exists),
                Policy::SkipIdentical if same(&f.target, &f.source) => {
                    Want::Skipped(Skip::Identical)
                }
                Policy::KeepBoth => Want::Done(keep_both(before, &mut claimed, &f)),
                _ => Want::Done(f.target.clone()),
            }
        } else {
            Want::Done(f.target.clone())
        };
        out.push(Expect {
            name: f.name,
            source: f.source,
            target: Some(f.target),
            want,
        });
    }
    out
}

/// The first `name (n).ext` beside the target that neither existed nor
/// was claimed, claimed for `f`.
fn keep_both(before: &World, claimed: &mut BTreeMap<Place, (String, Place)>, f: &Found) -> Place {
    let free = (1..)
        .map(|n| with_number(&f.target, n))
        .find(|p| !before.contains_key(p) && !claimed.contains_key(p))
        .unwrap_or_else(|| f.target.clone());
    claimed.insert(free.clone(), (f.name.clone(), f.source.clone()));
    free
}

/// `dir/stem.ext` → `dir/stem (n).ext`.
fn with_number(p: &Place, n: u32) -> Place {
    let numbered = |s: &str| {
        let (dir, name) = s.rsplit_once('/').map_or(("", s), |(d, n)| (d, n));
        let (stem, ext) = match name.rfind('.') {
            Some(i) if i > 0 => name.split_at(i),
            _ => (name, ""),
        };
        let sep = if dir.is_empty() && !s.starts_with('/') {
            ""
        } else {
            "/"
        };
        format!("{dir}{sep}{stem} ({n}){ext}")
    };
    match p {
        Place::S3(b, k) => Place::S3(b, numbered(k)),
        Place::Local(l) => Place::Local(numbered(l)),
    }
}

/// Whether `p` is a "keep both" name of `target`.
pub fn numbered_from(p: &Place, target: &Place) -> bool {
    (1..=64).any(|n| with_number(target, n) == *p)
}

/// The world as the runner saw it, local side from the case's root.
pub fn local_world(root: &Path) -> World {
    tree(root)
        .into_iter()
        .filter_map(|(path, e)| match e {
            Entry::File(d) => Some((Place::Local(path), d)),
            Entry::Link(t) => Some((Place::Local(path), format!("-> {t:?}").into_bytes())),
            Entry::Dir => None,
        })
        .collect()
}
