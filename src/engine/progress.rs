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
    /// Left alone on purpose (conflict policy, special file).
    Skipped(String),
    /// Refused as unsafe (a key that would leave the destination).
    Refused(String),
    Failed(String),
}

/// One item's outcome; `name` is raw (a key or a path) and is escaped
/// wherever it is shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub name: String,
    pub outcome: Outcome,
}

/// A job's first conflict, waiting for the user's choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// The destination that exists (a local path or a key), raw.
    pub target: String,
    /// Whether both sides' sizes match (helps choose "skip identical").
    pub detail: String,
}

#[derive(Default)]
pub struct Progress {
    objects_total: AtomicU64,
    objects_done: AtomicU64,
    bytes_total: AtomicU64,
    bytes_done: AtomicU64,
    failed: AtomicU64,
    skipped: AtomicU64,
    refused: AtomicU64,
    unverified: AtomicU64,
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
    pub refused: u64,
    pub unverified: u64,
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

    /// Bytes moved (or, for a retry, taken back with a negative count).
    pub fn moved(&self, bytes: u64) {
        self.bytes_done.fetch_add(bytes, Relaxed);
    }

    pub fn unmoved(&self, bytes: u64) {
        let _ = self
            .bytes_done
            .fetch_update(Relaxed, Relaxed, |v| Some(v.saturating_sub(bytes)));
    }

    /// Records how an item ended. `size` is what `found` counted for it: an
    /// item that did not move its bytes takes them off the total.
    pub fn finish(&self, name: &str, outcome: Outcome, size: u64) {
        match &outcome {
            Outcome::Done { note, .. } => {
                self.objects_done.fetch_add(1, Relaxed);
                if note.is_some() {
                    self.unverified.fetch_add(1, Relaxed);
                }
            }
            Outcome::Skipped(_) => {
                self.skipped.fetch_add(1, Relaxed);
            }
            Outcome::Refused(_) => {
                self.refused.fetch_add(1, Relaxed);
            }
            Outcome::Failed(_) => {
                self.failed.fetch_add(1, Relaxed);
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
            refused: self.refused.load(Relaxed),
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
    if s.phase == Phase::Cancelled {
        out.push_str(" · cancelled");
    }
    if s.skipped > 0 {
        out.push_str(&format!(" · {} skipped", s.skipped));
    }
    if s.refused > 0 {
        out.push_str(&format!(" · {} refused (unsafe names)", s.refused));
    }
    if s.unverified > 0 {
        out.push_str(&format!(" · {} not verified", s.unverified));
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
        p.finish("b", Outcome::Skipped("identical".into()), 20);
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
                p.ask(Question {
                    target: format!("f{i}"),
                    detail: String::new(),
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
