//! The transfers feature's transitions: reports folded into their jobs
//! (rate, items, the question a job asks, the summary when it ends), the
//! panel's keys (move, open a job's items or its waiting question, cancel,
//! retry what failed, clear finished jobs) and the item list's keys. It
//! changes only the jobs; the summary, the news that a job changed a
//! prefix and the popups it wants leave through the `Cx` as notes.

use super::{Msg, RATE_WINDOW_MS, Transfers, retry_specs};
use crate::app::TaskId;
use crate::app::cx::{Cx, Outcome};
use crate::app::kind::describe;
use crate::app::note::Note;
use crate::app::scroll::{scrolled, scrolled_u16};
use crate::app::task::TransferReport;
use crate::engine::Outcome as ItemOutcome;
use crate::keymap::{Action, Context};

/// Rows a page key moves.
const PAGE: usize = 10;

impl Transfers {
    pub fn update(&mut self, cx: &mut Cx, msg: Msg) -> Outcome {
        match msg {
            Msg::Key(action) => return self.on_key(cx, action),
            Msg::Report(id, r) => self.on_report(cx, id, *r),
        }
        Outcome::Keep
    }

    fn on_key(&mut self, cx: &mut Cx, action: Option<Action>) -> Outcome {
        let last = self.jobs.len().saturating_sub(1);
        if let Some(sel) = scrolled(self.selected, action, PAGE, last) {
            self.selected = sel;
            return Outcome::Keep;
        }
        match action {
            Some(Action::Open) => {
                if let Some(job) = self.jobs.get(self.selected) {
                    // A job waiting for an answer shows its question first.
                    cx.note(if job.question.is_some() {
                        Note::ShowConflict(job.id)
                    } else {
                        Note::Items(job.id)
                    });
                }
            }
            Some(Action::Delete) => self.cancel_selected(cx),
            Some(Action::Retry) => self.retry_selected(cx),
            Some(Action::ClearFinished) => self.clear_finished(cx),
            Some(Action::Help) => cx.note(Note::Help(Context::Transfers)),
            Some(Action::Close) => return Outcome::Close,
            _ => {}
        }
        Outcome::Keep
    }

    /// A key in the item list of job `task`, scrolled to `scroll`.
    pub fn on_items_key(
        &self,
        cx: &mut Cx,
        task: TaskId,
        scroll: &mut u16,
        action: Option<Action>,
    ) -> Outcome {
        let max = self
            .get(task)
            .map(|j| j.items.len().saturating_sub(1) as u16)
            .unwrap_or(0);
        match scrolled_u16(*scroll, action, PAGE as u16, max) {
            Some(s) => *scroll = s,
            // The selected item in full: a reason is often longer than a row.
            None if action == Some(Action::Open) => {
                if let Some(x) = self.item_detail(cx, task, *scroll as usize) {
                    cx.note(Note::Detail(x));
                }
            }
            None if action == Some(Action::Close) => return Outcome::Close,
            None if action == Some(Action::Help) => cx.note(Note::Help(Context::Transfers)),
            None => {}
        }
        Outcome::Keep
    }

    fn item_detail(
        &self,
        cx: &Cx,
        task: TaskId,
        index: usize,
    ) -> Option<crate::diagnose::Explanation> {
        let job = self.get(task)?;
        let item = job.items.get(index)?;
        let mut hints = vec![item.outcome.describe().unwrap_or_else(|| "done".into())];
        if let Some(d) = &item.dest {
            hints.push(format!("written as {d}"));
        }
        let mut hints: Vec<String> = hints
            .iter()
            .map(|h| crate::sanitize::clean(h).into_owned())
            .collect();
        // The item failed for the reason the store saw: say why, and what
        // to check, as the popups do.
        if let (ItemOutcome::Failed(why), Some(e)) = (&item.outcome, &job.telling)
            && why.contains(&e.to_string())
        {
            let x = crate::diagnose::explain(e, &cx.session.conn, cx.session.creds());
            hints.push(String::new());
            hints.push(format!("{}: {}", x.title, x.summary));
            hints.extend(x.hints);
        }
        Some(crate::diagnose::Explanation {
            title: "Item".into(),
            summary: crate::sanitize::clean(&item.name).into_owned(),
            hints,
        })
    }

    /// Folds a report into its job; what other features must hear leaves
    /// as notes.
    fn on_report(&mut self, cx: &mut Cx, id: TaskId, r: TransferReport) {
        let now = cx.session.clock.now_ms;
        let Some(job) = self.get_mut(id) else {
            return;
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
            cx.note(Note::ConflictAsked(id));
        }
        if r.finished {
            self.finished(cx, id);
        }
    }

    fn finished(&mut self, cx: &mut Cx, id: TaskId) {
        let now = cx.session.clock.now_ms;
        let Some(job) = self.get_mut(id) else {
            return;
        };
        job.finished = true;
        job.ended_ms = Some(now);
        job.question = None;
        // Failures first in the items view.
        job.items.sort_by_key(|i| {
            !matches!(
                i.outcome,
                ItemOutcome::Failed(_) | ItemOutcome::Refused(_) | ItemOutcome::Cancelled
            )
        });
        let summary = job.summary();
        let failed = job.snap.failed > 0 || job.snap.refused > 0 || job.crashed.is_some();
        cx.note(Note::ConflictGone(id));
        cx.note(if failed {
            Note::Error(summary)
        } else {
            Note::Status(summary)
        });
        for (bucket, prefix) in job.touches.clone() {
            cx.note(Note::Changed { bucket, prefix });
        }
    }

    /// Cancels the selected job (its cleanup still runs and reports).
    fn cancel_selected(&mut self, cx: &mut Cx) {
        let Some(job) = self.jobs.get(self.selected) else {
            return;
        };
        if job.finished {
            cx.status("That job has already ended");
            return;
        }
        let label = describe(&job.spec);
        cx.cancel(job.id);
        cx.status(format!("Cancelling {label}"));
    }

    /// Clears finished jobs from the panel.
    fn clear_finished(&mut self, cx: &mut Cx) {
        let before = self.jobs.len();
        self.jobs.retain(|j| !j.finished);
        let n = before - self.jobs.len();
        self.selected = self.selected.min(self.jobs.len().saturating_sub(1));
        cx.status(format!(
            "Cleared {}",
            crate::format::count(n as u64, "finished job", "finished jobs")
        ));
    }

    /// Starts a new job for the selected job's failed items.
    fn retry_selected(&mut self, cx: &mut Cx) {
        let Some(job) = self.jobs.get(self.selected).cloned() else {
            return;
        };
        if !job.finished {
            cx.status("The job is still running; retry once it has ended");
            return;
        }
        let failed: Vec<String> = job.failed_items().map(|i| i.name.clone()).collect();
        if failed.is_empty() {
            cx.status("Nothing failed or was cancelled in that job");
            return;
        }
        for spec in retry_specs(&job.spec, &failed) {
            let place = (job.from.clone(), job.to.clone());
            self.start(cx, job.kind, spec, place, job.touches.clone());
        }
    }
}
