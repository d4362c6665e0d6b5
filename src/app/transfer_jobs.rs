//! The transfers panel: every download, upload, copy, move, rename and
//! delete is a job here, with its counters, rate, ETA and state, sampled
//! from the engine's reports. Enter shows a job's items (failures first,
//! with their reasons), X/Delete cancels it, r retries what failed, C
//! clears finished jobs. The status bar shows the running total and, when
//! a job ends, what it did.

use super::kind::{Kind, describe};
use super::note::Note;
use super::task::TransferReport;
use super::{App, Effect, Job, Owner, TaskId};
use crate::engine::{Item, Mapping, Outcome, Phase, Question, S3Source, Snapshot, Spec};
use crate::sanitize::clean;
use std::collections::VecDeque;

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

impl App {
    /// Starts a transfer job and shows it in the panel.
    pub fn start_transfer(
        &mut self,
        kind: Kind,
        spec: Spec,
        (from, to): (String, String),
        touches: Vec<(String, String)>,
        fx: &mut Vec<Effect>,
    ) {
        let (id, spawn) = self.start_id(Owner::Transfer, Job::Transfer(Box::new(spec.clone())));
        fx.push(spawn);
        let what = describe(&spec);
        self.transfers.jobs.push(TransferJob {
            id,
            kind,
            from,
            to,
            spec,
            snap: Snapshot::default(),
            items: Vec::new(),
            question: None,
            started_ms: self.session.clock.now_ms,
            ended_ms: None,
            samples: VecDeque::new(),
            finished: false,
            crashed: None,
            telling: None,
            touches,
            after: None,
        });
        self.set_status(format!("Started {what} (t shows transfers)"));
    }

    /// A report from a transfer job, live or cancelled (a cancelled job
    /// still reports how it ended).
    /// Folds a report into its job; returns what other features must hear.
    pub fn on_transfer(&mut self, id: TaskId, r: TransferReport) -> Vec<Note> {
        let mut notes = Vec::new();
        let now = self.session.clock.now_ms;
        let Some(job) = self.transfers.get_mut(id) else {
            return notes;
        };
        job.snap = r.snapshot;
        job.items.extend(r.items);
        job.samples.push_back((now, job.snap.bytes_done));
        while job
            .samples
            .front()
            .is_some_and(|(t, _)| now - t > RATE_WINDOW_MS)
            && job.samples.len() > 2
        {
            job.samples.pop_front();
        }
        if let Some(why) = r.crashed {
            job.crashed = Some(why);
        }
        if r.telling.is_some() {
            job.telling = r.telling;
        }
        let asked = r.question.is_some() && job.question.is_none();
        job.question = r.question;
        if asked {
            notes.push(Note::ConflictAsked(id));
        }
        if r.finished {
            notes.extend(self.transfer_finished(id));
        }
        notes
    }

    fn transfer_finished(&mut self, id: TaskId) -> Vec<Note> {
        let now = self.session.clock.now_ms;
        let Some(job) = self.transfers.get_mut(id) else {
            return Vec::new();
        };
        job.finished = true;
        job.ended_ms = Some(now);
        job.question = None;
        // Failures first in the items view.
        job.items.sort_by_key(|i| {
            !matches!(
                i.outcome,
                Outcome::Failed(_) | Outcome::Refused(_) | Outcome::Cancelled
            )
        });
        let summary = job.summary();
        let failed = job.snap.failed > 0 || job.snap.refused > 0 || job.crashed.is_some();
        let touches = job.touches.clone();
        let mut notes = vec![Note::ConflictGone(id)];
        if failed {
            self.set_error(summary);
        } else {
            self.set_status(summary);
        }
        notes.extend(
            touches
                .into_iter()
                .map(|(bucket, prefix)| Note::Changed { bucket, prefix }),
        );
        notes
    }

    /// Cancels the selected job (its cleanup still runs and reports).
    pub fn cancel_selected_transfer(&mut self, fx: &mut Vec<Effect>) {
        let Some(job) = self.transfers.jobs.get(self.transfers.selected) else {
            return;
        };
        if job.finished {
            self.set_status("That job has already ended");
            return;
        }
        let id = job.id;
        let label = describe(&job.spec);
        fx.extend(self.tasks.cancel(id));
        self.set_status(format!("Cancelling {label}"));
    }

    /// Clears finished jobs from the panel.
    pub fn clear_finished_transfers(&mut self) {
        let before = self.transfers.jobs.len();
        self.transfers.jobs.retain(|j| !j.finished);
        let n = before - self.transfers.jobs.len();
        self.transfers.selected = self
            .transfers
            .selected
            .min(self.transfers.jobs.len().saturating_sub(1));
        self.set_status(format!(
            "Cleared {}",
            crate::format::count(n as u64, "finished job", "finished jobs")
        ));
    }

    /// Starts a new job for the selected job's failed items.
    pub fn retry_selected_transfer(&mut self, fx: &mut Vec<Effect>) {
        let Some(job) = self.transfers.jobs.get(self.transfers.selected).cloned() else {
            return;
        };
        if !job.finished {
            self.set_status("The job is still running; retry once it has ended");
            return;
        }
        let failed: Vec<String> = job.failed_items().map(|i| i.name.clone()).collect();
        if failed.is_empty() {
            self.set_status("Nothing failed or was cancelled in that job");
            return;
        }
        for spec in retry_specs(&job.spec, &failed) {
            self.start_transfer(
                job.kind,
                spec,
                (job.from.clone(), job.to.clone()),
                job.touches.clone(),
                fx,
            );
        }
    }
}

/// The job(s) that do `failed` (item names as the job reported them)
/// again, the same way: one job, or for uploads one per destination prefix.
pub fn retry_specs(spec: &Spec, failed: &[String]) -> Vec<Spec> {
    let object = |key: &str| {
        S3Source::Object(crate::store::ObjectSummary {
            key: key.to_owned(),
            size: 0,
            modified: None,
            storage_class: None,
            etag: None,
            version_id: None,
        })
    };
    // A failed key keeps the mapping of the source it was found under.
    let remap = |sources: &[Mapping]| -> Vec<Mapping> {
        failed
            .iter()
            .filter_map(|k| {
                let m = sources.iter().find(|m| k.starts_with(m.source.key()))?;
                Some(Mapping {
                    source: object(k),
                    from: m.from.clone(),
                    to: m.to.clone(),
                })
            })
            .collect()
    };
    let spec = match spec {
        Spec::Download {
            bucket,
            sources,
            dest,
        } => Spec::Download {
            bucket: bucket.clone(),
            sources: remap(sources),
            dest: dest.clone(),
        },
        Spec::Copy {
            bucket,
            sources,
            dest_bucket,
            remove_source,
        } => Spec::Copy {
            bucket: bucket.clone(),
            sources: remap(sources),
            dest_bucket: dest_bucket.clone(),
            remove_source: *remove_source,
        },
        Spec::Delete { bucket, keys } => Spec::Delete {
            bucket: bucket.clone(),
            keys: keys
                .iter()
                .filter(|(k, _)| failed.contains(k))
                .cloned()
                .collect(),
        },
        Spec::MakeFolder { .. } => spec.clone(),
        Spec::AbortUploads { bucket, uploads } => Spec::AbortUploads {
            bucket: bucket.clone(),
            uploads: uploads
                .iter()
                .filter(|(k, _)| failed.contains(k))
                .cloned()
                .collect(),
        },
        Spec::History { bucket, steps } => Spec::History {
            bucket: bucket.clone(),
            steps: steps
                .iter()
                .filter(|s| failed.iter().any(|k| k == s.key()))
                .cloned()
                .collect(),
        },
        Spec::Upload {
            paths,
            bucket,
            prefix,
            options,
        } => return retry_uploads(paths, bucket, prefix, options, failed),
    };
    vec![spec]
}

/// A failed file `/home/u/photos/2026/a.jpg` of a picked `/home/u/photos`
/// went to `prefix/photos/2026/a.jpg`: uploading it alone to
/// `prefix/photos/2026/` gives it the same key.
fn retry_uploads(
    paths: &[std::path::PathBuf],
    bucket: &str,
    prefix: &str,
    options: &crate::engine::UploadOptions,
    failed: &[String],
) -> Vec<Spec> {
    let mut by_prefix: std::collections::BTreeMap<String, Vec<std::path::PathBuf>> =
        Default::default();
    for f in failed {
        let path = std::path::PathBuf::from(f);
        let Some(picked) = paths.iter().find(|p| path.starts_with(p)) else {
            continue;
        };
        let base = picked.parent().unwrap_or(std::path::Path::new(""));
        let Some(dir) = path.parent().and_then(|d| d.strip_prefix(base).ok()) else {
            continue;
        };
        let mut p = prefix.to_owned();
        for c in dir.components() {
            p.push_str(&c.as_os_str().to_string_lossy());
            p.push('/');
        }
        by_prefix.entry(p).or_default().push(path);
    }
    by_prefix
        .into_iter()
        .map(|(prefix, paths)| Spec::Upload {
            paths,
            bucket: bucket.to_owned(),
            prefix,
            options: options.clone(),
        })
        .collect()
}
