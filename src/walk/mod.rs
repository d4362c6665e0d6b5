//! Every key under a prefix, in key order, listed in parallel. One
//! ListObjectsV2 stream reads about a thousand keys per round trip, one
//! after another; a tree of 100 prefixes does not need to wait for that.
//! The walker asks for one level first (the `/` delimiter), then lists the
//! common prefixes it found side by side, `width` requests at a time,
//! going a level deeper while there are too few of them to fill the
//! width. A prefix whose level is more than one page (a flat prefix of
//! many keys, or thousands of sub-prefixes) is read as one plain
//! recursive stream instead, so a flat prefix costs one request more than
//! a plain listing and never more round trips.
//!
//! Results come out in key order as they arrive (a merge of parts whose
//! order is known in advance, not collect-then-sort): the part at the
//! front streams page by page, parts behind it keep at most
//! [`AHEAD_PAGES`] pages each and [`BEHIND_PAGES`] in all, so memory
//! stays bounded whatever the bucket holds (a slow front part with a
//! hundred parts behind it once held 400 pages: 126 MiB at a million
//! keys). It stops at the first error (a listing error means the
//! caller acts on nothing) and at once on cancel. No UI types: the TUI's
//! counts, plans and transfers, the command line, tests and benchmarks
//! drive it the same way.

use crate::store::{ListPage, ListRequest, ObjectSummary, Store, StoreError, StoreResult};
use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};
use std::collections::VecDeque;
use tokio_util::sync::CancellationToken;

/// Pages a part behind the front keeps before it waits.
pub const AHEAD_PAGES: usize = 4;
/// Pages all parts behind the front keep (and ask for) before they wait:
/// 64 pages of 1,000 keys, about 16 MiB.
pub const BEHIND_PAGES: usize = 64;
/// Levels listed with the delimiter before parts are read flat.
const MAX_DEPTH: u8 = 4;
/// Keys per request.
const PAGE: i32 = 1000;

/// How wide a walk goes.
#[derive(Clone, Copy, Debug)]
pub struct WalkOptions {
    /// Listing requests in flight at once.
    pub width: usize,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions { width: 16 }
    }
}

/// Where a walk's requests wait their turn: a transfer job's share of the
/// request slots (src/engine/scheduler.rs), so the listing of a prefix and
/// the transfers it feeds take turns with every other job fairly. What
/// `turn` gives is held for the request's length.
pub trait Turns: Send + Sync {
    fn turn(&self) -> BoxFuture<'_, Box<dyn Send>>;
}

/// One stretch of the key space, in order.
enum Part {
    /// Keys already listed (a level's own objects).
    Ready(Vec<ObjectSummary>),
    /// A prefix read as one recursive stream.
    Flat {
        id: u64,
        next: Option<ListRequest>,
        pages: VecDeque<Vec<ObjectSummary>>,
        busy: bool,
    },
    /// A prefix whose level is being read with the delimiter.
    Level {
        id: u64,
        prefix: String,
        depth: u8,
        busy: bool,
    },
}

impl Part {
    fn id(&self) -> Option<u64> {
        match self {
            Part::Ready(_) => None,
            Part::Flat { id, .. } | Part::Level { id, .. } => Some(*id),
        }
    }
}

type Answer = (u64, StoreResult<ListPage>);

/// A walk of every key under a prefix; [`Walk::next`] gives the next keys
/// in order.
pub struct Walk<'a> {
    store: &'a dyn Store,
    bucket: String,
    parts: VecDeque<Part>,
    inflight: FuturesUnordered<BoxFuture<'a, Answer>>,
    next_id: u64,
    width: usize,
    cancel: Option<CancellationToken>,
    turns: Option<&'a dyn Turns>,
    /// Keys handed out so far.
    listed: u64,
    /// Requests made so far.
    requests: u64,
    done: bool,
}

impl<'a> Walk<'a> {
    /// Every key of `bucket` that starts with `prefix` (a plain string
    /// prefix, as ListObjectsV2's: `logs` covers `logs/` and `logs-old/`).
    pub fn new(store: &'a dyn Store, bucket: &str, prefix: &str, opts: WalkOptions) -> Walk<'a> {
        let mut w = Walk {
            store,
            bucket: bucket.to_owned(),
            parts: VecDeque::new(),
            inflight: FuturesUnordered::new(),
            next_id: 0,
            width: opts.width.max(1),
            cancel: None,
            turns: None,
            listed: 0,
            requests: 0,
            done: false,
        };
        let root = w.level(prefix.to_owned(), 0);
        w.parts.push_back(root);
        w
    }

    /// Stops with [`crate::store::ErrorKind::Cancelled`] as soon as
    /// `cancel` is cancelled, even in the middle of requests.
    pub fn cancel_on(mut self, cancel: &CancellationToken) -> Self {
        self.cancel = Some(cancel.clone());
        self
    }

    /// Each request waits for a turn from `turns` first.
    pub fn taking_turns(mut self, turns: &'a dyn Turns) -> Self {
        self.turns = Some(turns);
        self
    }

    /// Keys handed out so far.
    pub fn listed(&self) -> u64 {
        self.listed
    }

    /// Listing requests made so far.
    pub fn requests(&self) -> u64 {
        self.requests
    }

    /// Pages the parts behind the front hold or have asked for (what
    /// [`BEHIND_PAGES`] bounds).
    pub fn held(&self) -> usize {
        self.parts
            .iter()
            .skip(1)
            .map(|p| match p {
                Part::Flat { pages, busy, .. } => pages.len() + usize::from(*busy),
                _ => 0,
            })
            .sum()
    }

    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn level(&mut self, prefix: String, depth: u8) -> Part {
        Part::Level {
            id: self.id(),
            prefix,
            depth,
            busy: false,
        }
    }

    fn flat(&mut self, prefix: &str) -> Part {
        Part::Flat {
            id: self.id(),
            next: Some(ListRequest::recursive(&self.bucket, prefix, PAGE)),
            pages: VecDeque::new(),
            busy: false,
        }
    }

    /// The next keys in order (never an empty batch); `None` after the
    /// last, or after an error, which is given once.
    pub async fn next(&mut self) -> Option<StoreResult<Vec<ObjectSummary>>> {
        if self.done {
            return None;
        }
        loop {
            if let Some(batch) = self.take_front() {
                self.listed += batch.len() as u64;
                return Some(Ok(batch));
            }
            if self.parts.is_empty() {
                self.done = true;
                return None;
            }
            self.start_requests();
            let answer = match &self.cancel {
                Some(c) if c.is_cancelled() => None,
                Some(c) => {
                    let c = c.clone();
                    tokio::select! {
                        a = self.inflight.next() => a,
                        _ = c.cancelled() => None,
                    }
                }
                None => self.inflight.next().await,
            };
            let Some((id, page)) = answer else {
                // Cancelled (nothing in flight cannot happen: the front
                // part is always either ready or asked for).
                return self.fail(StoreError::cancelled());
            };
            match page {
                Ok(page) => self.arrived(id, page),
                Err(e) => return self.fail(e),
            }
        }
    }

    fn fail(&mut self, e: StoreError) -> Option<StoreResult<Vec<ObjectSummary>>> {
        self.done = true;
        self.parts.clear();
        self.inflight = FuturesUnordered::new();
        Some(Err(e))
    }

    /// What the front part has ready, dropping parts that are used up.
    fn take_front(&mut self) -> Option<Vec<ObjectSummary>> {
        loop {
            match self.parts.front_mut()? {
                Part::Ready(batch) => {
                    let batch = std::mem::take(batch);
                    self.parts.pop_front();
                    if !batch.is_empty() {
                        return Some(batch);
                    }
                }
                Part::Flat {
                    pages, next, busy, ..
                } => {
                    if let Some(p) = pages.pop_front() {
                        if p.is_empty() {
                            continue;
                        }
                        return Some(p);
                    }
                    if next.is_none() && !*busy {
                        self.parts.pop_front();
                        continue;
                    }
                    return None;
                }
                Part::Level { .. } => return None,
            }
        }
    }

    /// Starts requests for the first parts that need one, in order, until
    /// `width` are in flight.
    fn start_requests(&mut self) {
        let (store, turns) = (self.store, self.turns);
        let bucket = self.bucket.clone();
        let mut started = Vec::new();
        let mut inflight = self.inflight.len();
        // Pages behind the front, held or on their way.
        let mut behind = self.held();
        for (i, part) in self.parts.iter_mut().enumerate() {
            if inflight >= self.width {
                break;
            }
            match part {
                Part::Ready(_) => {}
                Part::Flat {
                    id,
                    next,
                    pages,
                    busy,
                } => {
                    let room = i == 0 || (pages.len() < AHEAD_PAGES && behind < BEHIND_PAGES);
                    if !*busy
                        && room
                        && let Some(req) = next.clone()
                    {
                        *busy = true;
                        inflight += 1;
                        if i > 0 {
                            behind += 1;
                        }
                        started.push((*id, req));
                    }
                }
                Part::Level {
                    id, prefix, busy, ..
                } => {
                    if !*busy {
                        *busy = true;
                        inflight += 1;
                        started.push((*id, ListRequest::level(&bucket, prefix, PAGE)));
                    }
                }
            }
        }
        for (id, req) in started {
            self.requests += 1;
            self.inflight.push(Box::pin(async move {
                let _turn = match turns {
                    Some(t) => Some(t.turn().await),
                    None => None,
                };
                let page = store.list_page(&req).await;
                (id, page)
            }));
        }
    }

    /// A page came for part `id`.
    fn arrived(&mut self, id: u64, page: ListPage) {
        let Some(at) = self.parts.iter().position(|p| p.id() == Some(id)) else {
            return;
        };
        let level = match &mut self.parts[at] {
            Part::Flat {
                next, pages, busy, ..
            } => {
                *busy = false;
                *next = next.as_ref().and_then(|req| {
                    page.next.clone().map(|token| ListRequest {
                        token: Some(token),
                        ..req.clone()
                    })
                });
                pages.push_back(page.objects);
                return;
            }
            Part::Level { prefix, depth, .. } => (prefix.clone(), *depth),
            Part::Ready(_) => return,
        };
        let parts = self.split(&level.0, level.1, page);
        self.parts.splice_at(at, parts);
    }

    /// The parts a level's first page makes: a level of more than one page
    /// is read flat; else its objects as they are and each common prefix
    /// as a part of its own, a level deeper while the walk has fewer parts
    /// waiting than it can list at once.
    fn split(&mut self, prefix: &str, depth: u8, page: ListPage) -> Vec<Part> {
        if page.next.is_some() {
            return vec![self.flat(prefix)];
        }
        let waiting = self
            .parts
            .iter()
            .filter(|p| !matches!(p, Part::Ready(_)))
            .count();
        let deeper = depth + 1 < MAX_DEPTH && waiting + page.prefixes.len() < 2 * self.width;
        let mut objects = page.objects.into_iter().peekable();
        let mut out = Vec::new();
        for p in page.prefixes {
            let mut before = Vec::new();
            while let Some(o) = objects.next_if(|o| o.key < p) {
                before.push(o);
            }
            if !before.is_empty() {
                out.push(Part::Ready(before));
            }
            let part = if deeper {
                self.level(p, depth + 1)
            } else {
                self.flat(&p)
            };
            out.push(part);
        }
        let rest: Vec<ObjectSummary> = objects.collect();
        if !rest.is_empty() {
            out.push(Part::Ready(rest));
        }
        out
    }
}

/// Replacing one element of a deque by several, in place.
trait SpliceAt<T> {
    fn splice_at(&mut self, at: usize, with: Vec<T>);
}

impl<T> SpliceAt<T> for VecDeque<T> {
    fn splice_at(&mut self, at: usize, with: Vec<T>) {
        let tail = self.split_off(at + 1);
        self.pop_back();
        self.extend(with);
        self.extend(tail);
    }
}

/// Every key under `prefix`, collected (for callers that need them all
/// before they act, as plans do).
pub async fn all(
    store: &dyn Store,
    bucket: &str,
    prefix: &str,
    opts: WalkOptions,
    cancel: Option<&CancellationToken>,
) -> StoreResult<Vec<ObjectSummary>> {
    let mut w = Walk::new(store, bucket, prefix, opts);
    if let Some(c) = cancel {
        w = w.cancel_on(c);
    }
    let mut out = Vec::new();
    while let Some(batch) = w.next().await {
        out.extend(batch?);
    }
    Ok(out)
}
