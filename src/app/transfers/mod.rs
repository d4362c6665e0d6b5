//! The transfers panel: every download, upload, copy, move, rename and
//! delete is a job here, with its counters, rate, ETA and state, sampled
//! from the engine's reports. Enter shows a job's items (failures first,
//! with their reasons), X/Delete cancels it, r retries what failed, C
//! clears finished jobs. The status bar shows the running total and, when
//! a job ends, what it did.

mod retry;
mod update;

pub use retry::retry_specs;

use super::cx::Cx;
use super::kind::{Kind, describe};
use super::task::TransferReport;
use super::{Job, Owner, TaskId};
use crate::engine::{Item, Outcome, Phase, Question, Snapshot, Spec};
use crate::keymap::Action;
use crate::sanitize::clean;
use std::collections::VecDeque;

/// What the transfers feature understands.
#[derive(Debug)]
pub enum Msg {
    /// A key in the panel, as the keymap's transfers context reads it.
    Key(Option<Action>),
    /// A report from a transfer job, live or cancelled (a cancelled job
    /// still reports how it ended).
    Report(TaskId, Box<TransferReport>),
}

/// One job of the panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferJob {
    pub id: TaskId,
    pub kind: Kind,
    /// Source and destination as shown (raw; escaped when drawn).
    pub from: String,
    pub to: String,
    pub spec: Spec,
    pub snap: Snapshot,
    /// Every item that finished, in the order they did.
    pub items: Vec<Item>,
    pub question: Option<Question>,
    pub started_ms: i64,
    pub ended_ms: Option<i64>,
    /// (time, bytes done) of recent reports, for the rate.
    samples: VecDeque<(i64, u64)>,
    pub finished: bool,
    pub crashed: Option<String>,
    /// The failure worth explaining that the store saw during the job.
    pub telling: Option<crate::store::StoreError>,
    /// (bucket, prefix) the job changes, refreshed in the tree when it ends.
    pub touches: Vec<(String, String)>,
    /// A sentence the closing summary ends with (how to undo a rollback).
    pub after: Option<String>,
}

/// How many seconds of reports the rate is averaged over.
const RATE_WINDOW_MS: i64 = 5_000;

impl TransferJob {
    /// Bytes per second over the last few seconds.
    pub fn rate(&self) -> Option<f64> {
        let (t0, b0) = *self.samples.front()?;
        let (t1, b1) = *self.samples.back()?;
        (t1 > t0).then(|| b1.saturating_sub(b0) as f64 * 1000.0 / (t1 - t0) as f64)
    }

    /// Seconds left at the current rate, once the total is known.
    pub fn eta_secs(&self) -> Option<u64> {
        if self.snap.listing || self.finished {
            return None;
        }
        let rate = self.rate().filter(|r| *r > 0.0)?;
        let left = self.snap.bytes_total.saturating_sub(self.snap.bytes_done);
        Some((left as f64 / rate).ceil() as u64)
    }

    /// 0–100 by bytes (by objects when there are no bytes, as in deletes
    /// of empty objects).
    pub fn percent(&self) -> u8 {
        let s = &self.snap;
        let (done, total) = if s.bytes_total > 0 {
            (s.bytes_done, s.bytes_total)
        } else {
            (
                s.objects_done + s.skipped + s.failed + s.refused + s.cancelled,
                s.objects_total,
            )
        };
        if total == 0 {
            return if self.finished { 100 } else { 0 };
        }
        ((done.min(total) * 100) / total) as u8
    }

    pub fn state(&self) -> Phase {
        if !self.finished && self.snap.phase.finished() {
            // The engine is done but cleanup has not reported yet.
            return Phase::Running;
        }
        if self.crashed.is_some() {
            return Phase::Failed;
        }
        if self.snap.listing && self.snap.phase == Phase::Running {
            return Phase::Listing;
        }
        self.snap.phase
    }

    /// Where the one object a job wrote landed, when that is not where it
    /// was planned (a "keep both" name): `s3://bucket/key` or a path.
    fn landed_elsewhere(&self) -> Option<String> {
        let mut done = self
            .items
            .iter()
            .filter(|i| matches!(i.outcome, Outcome::Done { .. }));
        let (Some(one), None) = (done.next(), done.next()) else {
            return None;
        };
        let dest = one.dest.as_deref()?;
        Some(match &self.spec {
            Spec::Copy { dest_bucket, .. } => format!("s3://{dest_bucket}/{dest}"),
            Spec::Upload { bucket, .. } => format!("s3://{bucket}/{dest}"),
            Spec::Download { dest: dir, .. } => dir.join(dest).display().to_string(),
            _ => return None,
        })
    }

    /// The closing line: "Downloaded 12 objects (3.4 MiB) to ~/x · 0 failed".
    pub fn summary(&self) -> String {
        let place = match self.kind {
            _ if self.landed_elsewhere().is_some() => {
                format!("to {}", clean(&self.landed_elsewhere().unwrap_or_default()))
            }
            Kind::Delete | Kind::Purge => format!("from {}", clean(&self.from)),
            Kind::Abort => format!("in {}", clean(&self.from)),
            Kind::Thaw => format!("for restore in {}", clean(&self.from)),
            Kind::NewFolder => clean(&self.to).into_owned(),
            Kind::Restore | Kind::Undelete | Kind::Rollback => format!("in {}", clean(&self.to)),
            _ => format!("to {}", clean(&self.to)),
        };
        let mut s = crate::engine::progress::summary(self.kind.done_word(), &self.snap, &place);
        if let Some(why) = &self.crashed {
            s.push_str(&format!(" · stopped: {}", clean(why)));
        }
        if let Some(after) = &self.after {
            s.push_str(" · ");
            s.push_str(after);
        }
        s
    }

    /// Items that failed or were cancelled before they finished, for the
    /// retry (r).
    pub fn failed_items(&self) -> impl Iterator<Item = &Item> {
        self.items
            .iter()
            .filter(|i| matches!(i.outcome, Outcome::Failed(_) | Outcome::Cancelled))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transfers {
    pub jobs: Vec<TransferJob>,
    pub selected: usize,
}

impl Transfers {
    pub fn running(&self) -> impl Iterator<Item = &TransferJob> {
        self.jobs.iter().filter(|j| !j.finished)
    }

    pub fn get_mut(&mut self, id: TaskId) -> Option<&mut TransferJob> {
        self.jobs.iter_mut().find(|j| j.id == id)
    }

    pub fn get(&self, id: TaskId) -> Option<&TransferJob> {
        self.jobs.iter().find(|j| j.id == id)
    }

    /// "↓ 2 jobs · 61% · 84 MiB/s" while jobs run.
    pub fn status(&self) -> Option<String> {
        let running: Vec<&TransferJob> = self.running().collect();
        let first = running.first()?;
        let arrow = if running.iter().all(|j| j.kind == first.kind) {
            first.kind.arrow()
        } else {
            "⇅"
        };
        let (done, total) = running.iter().fold((0u64, 0u64), |(d, t), j| {
            (d + j.snap.bytes_done, t + j.snap.bytes_total)
        });
        let pct = match (done.min(total) * 100).checked_div(total) {
            Some(p) => format!("{p}%"),
            None => format!("{}%", first.percent()),
        };
        let rate: f64 = running.iter().filter_map(|j| j.rate()).sum();
        let mut s = format!(
            "{arrow} {} · {pct}",
            crate::format::count(running.len() as u64, "job", "jobs")
        );
        if rate > 0.0 {
            s.push_str(&format!(" · {}/s", crate::format::human_size(rate as u64)));
        }
        if running.iter().any(|j| j.question.is_some()) {
            s.push_str(" · waiting for you");
        }
        Some(s)
    }
}

impl Transfers {
    /// Starts a transfer job and shows it in the panel.
    pub fn start(
        &mut self,
        cx: &mut Cx,
        kind: Kind,
        spec: Spec,
        (from, to): (String, String),
        touches: Vec<(String, String)>,
    ) -> TaskId {
        let id = cx.start(Owner::Transfer, Job::Transfer(Box::new(spec.clone())));
        let what = describe(&spec);
        self.jobs.push(TransferJob {
            id,
            kind,
            from,
            to,
            spec,
            snap: Snapshot::default(),
            items: Vec::new(),
            question: None,
            started_ms: cx.session.clock.now_ms,
            ended_ms: None,
            samples: VecDeque::new(),
            finished: false,
            crashed: None,
            telling: None,
            touches,
            after: None,
        });
        cx.status(format!("Started {what} (t shows transfers)"));
        id
    }
}
