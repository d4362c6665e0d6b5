//! What a running job has done so far, kept in counters the job bumps and
//! the reporter samples a few times a second: progress never costs a
//! message per chunk. Per-item outcomes queue up until sampled. The same
//! shared state carries the one conflict question a job may ask and the
//! answer the user gives.

use super::conflict::Choice;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering::Relaxed};
use tokio::sync::Notify;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Phase {
    #[default]
    Queued,
    Listing,
    Running,
    Verifying,
    Done,
    Failed,
    Cancelled,
}

impl Phase {
    pub fn word(self) -> &'static str {
        match self {
            Phase::Queued => "queued",
            Phase::Listing => "listing",
            Phase::Running => "running",
            Phase::Verifying => "verifying",
            Phase::Done => "done",
            Phase::Failed => "failed",
            Phase::Cancelled => "cancelled",
        }
    }

    pub fn finished(self) -> bool {
        matches!(self, Phase::Done | Phase::Failed | Phase::Cancelled)
    }

    fn from_u8(v: u8) -> Phase {
        [
            Phase::Queued,
            Phase::Listing,
            Phase::Running,
            Phase::Verifying,
            Phase::Done,
            Phase::Failed,
            Phase::Cancelled,
        ]
        .get(v as usize)
        .copied()
        .unwrap_or(Phase::Failed)
    }
}

/// How one object (or file) of a job ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Done; `note` says what could not be verified, if anything.
    Done {
        bytes: u64,
        note: Option<String>,
    },
    /// Left alone: on purpose (the conflict answer), or because it is not
    /// something pail transfers (a special file, an unreadable path).
    Skipped(Skip),
    /// Refused: doing it would be unsafe or would lose data.
    Refused(Refusal),
    Failed(String),
    /// Stopped by a cancel before it finished; a retry does it again.
    Cancelled,
}

/// Why an item was skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skip {
    /// The destination exists and the answer was "skip".
    Exists,
    /// The destination already holds the same content ("skip identical").
    Identical,
    /// Another item of the same job goes to the same destination, and the
    /// answer was "skip": the raw name of that item.
    SameTarget(String),
    /// Not a thing to transfer (a socket, a FIFO, a symlink not followed,
    /// an unreadable file, a name that is not UTF-8).
    NotAFile(crate::local::walk::Unfit),
    /// An empty folder: S3 has no folders (`[transfers] folder_markers`
    /// makes a `name/` marker instead).
    EmptyFolder,
    /// A restore was asked for, and one is already under way.
    Restoring,
    /// A sync's delete held back (a transfer failed, a listing was not
    /// complete, local deletes not allowed): why.
    Held(String),
}

impl Skip {
    /// Whether the user asked for this skip (a conflict answer): a script
    /// is told about the other kind with exit code 2.
    pub fn asked_for(&self) -> bool {
        !matches!(self, Skip::NotAFile(_) | Skip::Held(_))
    }

    /// In words, for the items list ("exists", "identical"...).
    pub fn describe(&self) -> String {
        match self {
            Skip::Exists => "exists".into(),
            Skip::Identical => "identical".into(),
            Skip::SameTarget(other) => format!(
                "another item of this job ({}) goes to the same place",
                crate::sanitize::clean(other)
            ),
            Skip::NotAFile(why) => why.to_string(),
            Skip::Restoring => "a restore is already under way".into(),
            Skip::Held(why) => why.clone(),
            Skip::EmptyFolder => {
                "empty folder (S3 has no folders; [transfers] folder_markers = true makes name/ markers)"
                    .into()
            }
        }
    }
}

/// Why an item was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The key cannot be a local name safely (`../`, absolute, NUL...).
    UnsafeName(String),
    /// Source and destination are the same object.
    SameObject,
    /// A prefix copied into itself.
    IntoItself(String),
    /// Another item of the same job goes to the same destination, and
    /// writing both would lose one (the raw name of that item).
    Collision(String),
    /// Keys that differ only by case, on a file system that does not tell
    /// them apart (the raw key already written).
    CaseClash(String),
}

impl Refusal {
    /// The summary's group word: "2 refused (unsafe names)".
    pub fn group(&self) -> &'static str {
        match self {
            Refusal::UnsafeName(_) => "unsafe names",
            Refusal::SameObject => "same source and destination",
            Refusal::IntoItself(_) => "into itself",
            Refusal::Collision(_) => "same destination as another item",
            Refusal::CaseClash(_) => "names differ only by case",
        }
    }

    pub fn describe(&self) -> String {
        use crate::sanitize::clean;
        match self {
            Refusal::UnsafeName(why) => why.clone(),
            Refusal::SameObject => "source and destination are the same".into(),
            Refusal::IntoItself(to) => format!("cannot copy it into itself ({})", clean(to)),
            Refusal::Collision(other) => format!(
                "another item of this job ({}) goes to the same place; overwriting would lose one of them",
                clean(other)
            ),
            Refusal::CaseClash(other) => format!(
                "{} differs only by case, and this file system does not tell them apart",
                clean(other)
            ),
        }
    }
}

impl Outcome {
    /// The outcome in words for the items list and `pail cp`'s report,
    /// `None` for plain success.
    pub fn describe(&self) -> Option<String> {
        match self {
            Outcome::Done { note, .. } => note.clone(),
            Outcome::Skipped(s) => Some(format!("skipped: {}", s.describe())),
            Outcome::Refused(r) => Some(format!("refused: {}", r.describe())),
            Outcome::Failed(w) => Some(format!("failed: {w}")),
            Outcome::Cancelled => Some("cancelled".into()),
        }
    }
}

/// One item's outcome; `name` is raw (a key or a path) and is escaped
/// wherever it is shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub name: String,
    pub outcome: Outcome,
    /// Where it was written, when that is not where the plan said (a
    /// "keep both" name), raw.
    pub dest: Option<String>,
}

/// A job's first conflict, waiting for the user's choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// The destination that exists (a local path or a key), raw.
    pub target: String,
    /// What the job would write there.
    pub ours: Side,
    /// What is there now.
    pub theirs: Side,
    /// Another item of this same job goes to `target` (its raw name):
    /// the question is about the job's own items, not something there.
    pub within_job: Option<String>,
}

/// One side of a conflict, as the question shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Side {
    /// Where it is: "here" (a local file), "in S3", "in the source", "there".
    pub label: &'static str,
    pub size: u64,
    /// Seconds since the epoch.
    pub modified: Option<i64>,
}

#[derive(Default)]
pub struct Progress {
    objects_total: AtomicU64,
    objects_done: AtomicU64,
    bytes_total: AtomicU64,
    bytes_done: AtomicU64,
    failed: AtomicU64,
    skipped: AtomicU64,
    /// Skips the user did not ask for (special or unreadable files).
    skipped_unasked: AtomicU64,
    refused: AtomicU64,
    cancelled: AtomicU64,
    unverified: AtomicU64,
    escaped: AtomicU64,
    /// Refusals by their group word, for the summary.
    refusals: Mutex<Vec<(&'static str, u64)>>,
    listing: AtomicBool,
    phase: AtomicU8,
    items: Mutex<Vec<Item>>,
    question: Mutex<Option<Question>>,
    answer: Mutex<Option<Choice>>,
    answered: Notify,
}

/// A sample of [`Progress`], plain data for the UI.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub objects_total: u64,
    pub objects_done: u64,
    pub bytes_total: u64,
    pub bytes_done: u64,
    pub failed: u64,
    pub skipped: u64,
    /// Of `skipped`, those nobody asked for (special or unreadable files).
    pub skipped_unasked: u64,
    pub refused: u64,
    /// Refusals by kind ("unsafe names", "same source and destination").
    pub refusals: Vec<(&'static str, u64)>,
    pub cancelled: u64,
    pub unverified: u64,
    /// Files written under escaped names (control or bidi characters).
    pub escaped: u64,
    /// The sources are still being listed: totals will grow.
    pub listing: bool,
    pub phase: Phase,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Progress {
    pub fn new() -> Progress {
        Progress::default()
    }

    pub fn set_phase(&self, p: Phase) {
        self.phase.store(p as u8, Relaxed);
    }

    pub fn phase(&self) -> Phase {
        Phase::from_u8(self.phase.load(Relaxed))
    }

    pub fn set_listing(&self, on: bool) {
        self.listing.store(on, Relaxed);
    }

    /// An item was found (listing streams, so totals grow as it goes).
    pub fn found(&self, bytes: u64) {
        self.objects_total.fetch_add(1, Relaxed);
        self.bytes_total.fetch_add(bytes, Relaxed);
    }

    /// More bytes of an item already found: a stream learns its size only
    /// as it reads.
    pub fn grew(&self, bytes: u64) {
        self.bytes_total.fetch_add(bytes, Relaxed);
    }

    /// Bytes moved (or, for a retry, taken back with a negative count).
    pub fn moved(&self, bytes: u64) {
        self.bytes_done.fetch_add(bytes, Relaxed);
    }

    /// An item was written under an escaped local name.
    pub fn escaped_name(&self) {
        self.escaped.fetch_add(1, Relaxed);
    }

    pub fn unmoved(&self, bytes: u64) {
        let _ = self
            .bytes_done
            .fetch_update(Relaxed, Relaxed, |v| Some(v.saturating_sub(bytes)));
    }

    /// Records how an item ended. `size` is what `found` counted for it: an
    /// item that did not move its bytes takes them off the total.
    pub fn finish(&self, name: &str, outcome: Outcome, size: u64) {
        self.finish_at(name, outcome, size, None)
    }

    /// [`Progress::finish`] for an item written somewhere other than the
    /// plan said (`dest`, raw: a "keep both" name).
    pub fn finish_at(&self, name: &str, outcome: Outcome, size: u64, dest: Option<String>) {
        match &outcome {
            Outcome::Done { note, .. } => {
                self.objects_done.fetch_add(1, Relaxed);
                if note.is_some() {
                    self.unverified.fetch_add(1, Relaxed);
                }
            }
            Outcome::Skipped(why) => {
                self.skipped.fetch_add(1, Relaxed);
                if !why.asked_for() {
                    self.skipped_unasked.fetch_add(1, Relaxed);
                }
            }
            Outcome::Refused(why) => {
                self.refused.fetch_add(1, Relaxed);
                let mut r = lock(&self.refusals);
                match r.iter_mut().find(|(g, _)| *g == why.group()) {
                    Some((_, n)) => *n += 1,
                    None => r.push((why.group(), 1)),
                }
            }
            Outcome::Failed(_) => {
                self.failed.fetch_add(1, Relaxed);
            }
            Outcome::Cancelled => {
                self.cancelled.fetch_add(1, Relaxed);
            }
        }
        if !matches!(outcome, Outcome::Done { .. }) {
            let _ = self
                .bytes_total
                .fetch_update(Relaxed, Relaxed, |v| Some(v.saturating_sub(size)));
        }
        lock(&self.items).push(Item {
            name: name.to_owned(),
            outcome,
            dest,
        });
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            objects_total: self.objects_total.load(Relaxed),
            objects_done: self.objects_done.load(Relaxed),
            bytes_total: self.bytes_total.load(Relaxed),
            bytes_done: self.bytes_done.load(Relaxed),
            failed: self.failed.load(Relaxed),
            skipped: self.skipped.load(Relaxed),
            skipped_unasked: self.skipped_unasked.load(Relaxed),
            refused: self.refused.load(Relaxed),
            refusals: lock(&self.refusals).clone(),
            cancelled: self.cancelled.load(Relaxed),
            escaped: self.escaped.load(Relaxed),
            unverified: self.unverified.load(Relaxed),
            listing: self.listing.load(Relaxed),
            phase: self.phase(),
        }
    }

    /// Items finished since the last call.
    pub fn drain_items(&self) -> Vec<Item> {
        std::mem::take(&mut *lock(&self.items))
    }

    /// The question waiting for an answer, if any.
    pub fn question(&self) -> Option<Question> {
        lock(&self.question).clone()
    }

    /// The user's answer to the job's conflict question.
    pub fn answer(&self, choice: Choice) {
        *lock(&self.answer) = Some(choice);
        *lock(&self.question) = None;
        self.answered.notify_waiters();
    }

    /// The answer, asking `q` first if nobody has asked yet. Waits until
    /// the user answers (the caller races this against cancel).
    pub async fn ask(&self, q: Question) -> Choice {
        loop {
            let notified = self.answered.notified();
            if let Some(c) = *lock(&self.answer) {
                return c;
            }
            {
                let mut asked = lock(&self.question);
                if asked.is_none() {
                    *asked = Some(q.clone());
                }
            }
            notified.await;
        }
    }

    pub fn answered(&self) -> Option<Choice> {
        *lock(&self.answer)
    }
}

/// How a finished (or running) job reads in one line, e.g. "Downloaded 12
/// objects (3.4 MiB) to ~/Downloads/2026 · 2 refused (unsafe names) · 0
/// failed". `verb` is past tense ("Downloaded"), `place` the destination
/// phrase ("to ~/Downloads", "" for deletes); both already escaped.
pub fn summary(verb: &str, s: &Snapshot, place: &str) -> String {
    use crate::format::{count, human_size};
    let mut out = format!(
        "{verb} {} ({})",
        count(s.objects_done, "object", "objects"),
        human_size(s.bytes_done)
    );
    if !place.is_empty() {
        out.push(' ');
        out.push_str(place);
    }
    if s.phase == Phase::Cancelled && s.cancelled == 0 {
        out.push_str(" · cancelled");
    }
    if s.cancelled > 0 {
        out.push_str(&format!(" · {} cancelled", s.cancelled));
    }
    if s.skipped > 0 {
        out.push_str(&format!(" · {} skipped", s.skipped));
    }
    for (group, n) in &s.refusals {
        out.push_str(&format!(" · {n} refused ({group})"));
    }
    if s.unverified > 0 {
        out.push_str(&format!(" · {} not verified", s.unverified));
    }
    if s.escaped > 0 {
        out.push_str(&format!(
            " · {} written escaped (control characters)",
            count(s.escaped, "name", "names")
        ));
    }
    out.push_str(&format!(" · {} failed", s.failed));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn outcomes_add_up_and_skipped_bytes_leave_the_total() {
        let p = Progress::new();
        p.found(10);
        p.found(20);
        p.found(5);
        p.moved(10);
        p.finish(
            "a",
            Outcome::Done {
                bytes: 10,
                note: None,
            },
            10,
        );
        p.finish("b", Outcome::Skipped(Skip::Identical), 20);
        p.finish(
            "c",
            Outcome::Done {
                bytes: 5,
                note: Some("not verified".into()),
            },
            5,
        );
        p.moved(5);
        let s = p.snapshot();
        assert_eq!((s.objects_total, s.objects_done, s.skipped), (3, 2, 1));
        assert_eq!((s.bytes_total, s.bytes_done, s.unverified), (15, 15, 1));
        assert_eq!(p.drain_items().len(), 3);
        assert!(p.drain_items().is_empty());
    }

    #[tokio::test]
    async fn one_question_many_waiters_one_answer() {
        let p = Arc::new(Progress::new());
        let mut waiters = Vec::new();
        for i in 0..3 {
            let p = p.clone();
            waiters.push(tokio::spawn(async move {
                let side = Side {
                    label: "here",
                    size: 1,
                    modified: None,
                };
                p.ask(Question {
                    target: format!("f{i}"),
                    ours: side.clone(),
                    theirs: side,
                    within_job: None,
                })
                .await
            }));
        }
        while p.question().is_none() {
            tokio::task::yield_now().await;
        }
        assert_eq!(p.question().unwrap().target, "f0");
        p.answer(Choice::Skip);
        for w in waiters {
            assert_eq!(w.await.unwrap(), Choice::Skip);
        }
        assert!(p.question().is_none());
    }
}
