//! The sync plan view's transitions: the plan arriving, moving through its
//! rows, leaving rows out, the filter, the compare mode and the direction
//! (both plan again), and the run of exactly the kept rows.

use super::{Msg, Panel};
use crate::app::cx::{Cx, Outcome};
use crate::app::kind::Kind;
use crate::app::note::Note;
use crate::app::question::{Planned, Question, Said, Tone};
use crate::app::scroll::scrolled;
use crate::app::{Load, Owner};
use crate::engine::Spec;
use crate::engine::sync::{Job as SyncJob, LocalDelete};
use crate::format::{count, human_size};
use crate::keymap::{Action as Key, Context};
use crate::plan::sync::{Action, Compare, Endpoint, Plan, Way};

/// Rows a page key moves.
const PAGE: usize = 10;

impl Panel {
    pub fn update(&mut self, cx: &mut Cx, msg: Msg) -> Outcome {
        match msg {
            Msg::Key(key) => return self.on_key(cx, key),
            Msg::Plan(id, r) => {
                if self.plan == Load::Loading(id) {
                    self.plan = match *r {
                        Ok(p) => Load::Ready(p),
                        Err(e) => Load::Failed(e),
                    };
                    self.selected = 0;
                }
            }
        }
        Outcome::Keep
    }

    fn on_key(&mut self, cx: &mut Cx, key: Option<Key>) -> Outcome {
        let n = self.visible().len();
        if let Some(sel) = scrolled(self.selected, key, PAGE, n.saturating_sub(1)) {
            self.selected = sel;
            return Outcome::Keep;
        }
        match key {
            Some(Key::Close) => {
                cx.cancel_where(|o| *o == Owner::SyncPlan);
                return Outcome::Close;
            }
            Some(Key::Help) => cx.note(Note::Help(Context::Sync)),
            Some(Key::Refresh) => self.replan(cx),
            Some(Key::Filter) => {
                self.filter = self.filter.next();
                self.selected = 0;
            }
            Some(Key::CompareMode) => {
                self.compare = match self.compare {
                    Compare::SizeMtime => Compare::Checksum,
                    Compare::Checksum => Compare::SizeOnly,
                    Compare::SizeOnly => Compare::SizeMtime,
                };
                self.replan(cx);
            }
            Some(Key::Reverse) => {
                std::mem::swap(&mut self.source, &mut self.dest);
                self.replan(cx);
            }
            Some(Key::Mark) => self.toggle(cx),
            Some(Key::Settle) => self.settle(cx),
            Some(Key::MarkAll) => self.toggle_shown(),
            Some(Key::Submit) => return self.submit(cx, false),
            Some(Key::Yes) => return self.submit(cx, true),
            _ => {}
        }
        Outcome::Keep
    }

    /// Leaves the selected row out of the run, or takes it back in.
    fn toggle(&mut self, cx: &mut Cx) {
        let at = self.visible().get(self.selected).copied();
        let Load::Ready(plan) = &mut self.plan else {
            return;
        };
        let Some(row) = at.and_then(|i| plan.rows.get_mut(i)) else {
            return;
        };
        if matches!(row.action, Action::Skip | Action::Conflict) {
            cx.status("This row does nothing: nothing to leave out");
            return;
        }
        row.excluded = !row.excluded;
        self.armed = false;
        let n = self.selected + 1;
        self.selected = n.min(self.visible().len().saturating_sub(1));
    }

    /// `d`: a conflict of two changes settled for the source, then for
    /// the destination (sent back), then left alone again.
    fn settle(&mut self, cx: &mut Cx) {
        let at = self.visible().get(self.selected).copied();
        let Load::Ready(plan) = &mut self.plan else {
            return;
        };
        let Some(row) = at.and_then(|i| plan.rows.get_mut(i)) else {
            return;
        };
        if !row.can_flip() {
            cx.status("Only a conflict of two changes (both sides changed) can be settled");
            return;
        }
        row.flip();
        self.armed = false;
        cx.status(match row.way {
            None => "Left alone: neither side is changed",
            Some(Way::Source) if row.source.is_none() => {
                "The source's side: deleted at the destination too"
            }
            Some(Way::Source) => "The source's version: sent to the destination",
            Some(Way::Dest) => "The destination's version: sent back to the source",
        });
    }

    /// Every row shown that does something left out, or (when they all
    /// are) taken back in: `f` to the deletes, then this, keeps them all.
    fn toggle_shown(&mut self) {
        let shown = self.visible();
        let Load::Ready(plan) = &mut self.plan else {
            return;
        };
        let acts = |a: Action| !matches!(a, Action::Skip | Action::Conflict);
        let rows: Vec<usize> = shown
            .into_iter()
            .filter(|&i| acts(plan.rows[i].action))
            .collect();
        let out = rows.iter().any(|&i| !plan.rows[i].excluded);
        for i in rows {
            plan.rows[i].excluded = out;
        }
        self.armed = false;
    }

    /// `Enter` (or `y` once armed): the kept rows start as one job.
    fn submit(&mut self, cx: &mut Cx, yes: bool) -> Outcome {
        let Some(plan) = self.ready() else {
            return Outcome::Keep;
        };
        if plan.is_noop() {
            let conflicts = plan.total(Action::Conflict).count;
            cx.status(if conflicts == 0 {
                "Nothing to do: the destination already matches".to_owned()
            } else {
                format!(
                    "Nothing to do but {} left alone: d settles one of two changes",
                    count(conflicts, "conflict", "conflicts")
                )
            });
            return Outcome::Keep;
        }
        // Local files go to the trash where there is one, else are held.
        let local = if plan.trash.is_some() {
            LocalDelete::Trash
        } else {
            LocalDelete::Hold
        };
        let job = plan.job(local);
        // Settled conflicts included.
        let deletes = job.deletes.len() as u64;
        let share = plan.share_of(deletes);
        if deletes > 0 && share > BIG_SHARE {
            // What `pail sync` stops without --force: the count typed.
            let q = big_delete(plan, &job, share).start(started(plan, job));
            cx.note(Note::Ask(Box::new(q)));
            return Outcome::Close;
        }
        if deletes > 0 && !(yes && self.armed) {
            if !yes {
                self.armed = true;
                let bytes: u64 = job.deletes.iter().map(|g| g.size).sum();
                cx.status(format!(
                    "This plan deletes {} ({}): y runs it, Esc keeps it",
                    count(deletes, "file", "files"),
                    human_size(bytes)
                ));
            }
            return Outcome::Keep;
        }
        if yes && deletes == 0 {
            return Outcome::Keep;
        }
        cx.note(Note::Start(Box::new(started(plan, job))));
        Outcome::Close
    }
}

/// A share of the destination (percent) past which a plan's deletes want
/// their count typed: `pail sync`'s --max-delete-percent default.
const BIG_SHARE: u64 = 50;

/// The job for the transfers panel.
fn started(plan: &Plan, job: SyncJob) -> Planned {
    let touches = match &plan.dest {
        Endpoint::S3 { bucket, prefix } => vec![(bucket.clone(), prefix.clone())],
        Endpoint::Local(_) => Vec::new(),
    };
    Planned {
        kind: Kind::Sync,
        spec: Spec::Sync(Box::new(job)),
        from: plan.source.describe(),
        to: plan.dest.describe(),
        touches,
        after: None,
        clear_marks: false,
    }
}

/// The question for a plan that deletes most of its destination: every
/// key it deletes listed, the count typed to go on.
fn big_delete(plan: &Plan, job: &SyncJob, share: u64) -> Question {
    let n = job.deletes.len() as u64;
    let bytes: u64 = job.deletes.iter().map(|g| g.size).sum();
    let mut lines = vec![
        Said::tone(
            Tone::Strong,
            format!(
                "This sync deletes {} ({}) at {}: {share}% of what is there.",
                count(n, "file", "files"),
                human_size(bytes),
                plan.dest.describe()
            ),
        ),
        Said::plain(format!(
            "It also sends {}; the deletes run last, only if every transfer succeeds.",
            count(job.steps.len() as u64, "file", "files")
        )),
    ];
    if let Some(t) = &plan.trash {
        lines.push(Said::tone(Tone::Dim, format!("Local files go to {t}.")));
    }
    Question::new(
        " Sync: delete most of the destination? ",
        lines,
        "sync",
        true,
    )
    .typed(n.to_string(), "the number of files it deletes")
    .with_list(
        job.deletes
            .iter()
            .map(|g| plan.dest.name_of(&g.rel))
            .collect(),
    )
}
