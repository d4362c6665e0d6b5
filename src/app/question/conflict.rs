//! A transfer job's conflict question: the job met an existing destination
//! (or two of its own items go to one name) and waits for one answer that
//! holds for every conflict of the job. It says both sides the way the rest
//! of pail does (sizes with `human_size`, dates in local time), and the
//! within-job case in words.

use super::{Answer, Question, Said, Then, Tone};
use crate::app::modal::Modal;
use crate::app::{App, TaskId};
use crate::engine::{Choice, Side};
use crate::format::{human_size, short_time};
use crate::keymap::Action;

/// The highlighted answer a conflict question opens on: skipping loses
/// nothing, so a stray Enter is harmless.
const FIRST: usize = 1;

/// Whether a choice can replace what is there (so `Enter` never picks it).
pub fn overwrites(c: Choice) -> bool {
    matches!(c, Choice::Overwrite | Choice::SkipIdentical)
}

/// The key of each answer.
pub fn choice_action(c: Choice) -> Action {
    match c {
        Choice::Overwrite => Action::Overwrite,
        Choice::Skip => Action::Skip,
        Choice::SkipIdentical => Action::SkipIdentical,
        Choice::KeepBoth => Action::KeepBoth,
        Choice::Cancel => Action::CancelJob,
    }
}

/// A job asks about its first conflict. The question opens at once unless
/// the user is typing or answering something else; then the status bar
/// says a job waits and the transfers panel opens it.
pub(crate) fn ask(app: &mut App, id: TaskId) {
    let busy = app
        .modals
        .last()
        .is_some_and(|m| matches!(m, Modal::Prompt(_) | Modal::Question(_)));
    if busy {
        app.set_status("A transfer is waiting for your answer: t opens it");
    } else {
        open(app, id);
    }
}

/// Opens the question of job `id` (from the transfers panel too).
pub(crate) fn open(app: &mut App, id: TaskId) {
    let Some(job) = app.transfers.get(id) else {
        return;
    };
    let Some(c) = &job.question else { return };
    let tz = app.session.tz;
    let w = c.ours.label.len().max(c.theirs.label.len()) + 1;
    let side_text = |s: &Side| side_text(s, tz, w);
    let mut lines = match &c.within_job {
        Some(other) => vec![
            Said::tone(
                Tone::Strong,
                "Two items of this job would be written to one name:",
            ),
            Said::plain(format!("  {}", c.target)),
            Said::plain(format!(
                "  first:    {other} ({})",
                human_size(c.theirs.size)
            )),
            Said::plain(format!("  this one: {}", self::side_text(&c.ours, tz, 0))),
            Said::tone(
                Tone::Dim,
                "Overwrite is refused for these two (one of them would be lost); \
                 keep both writes this one under a free name.",
            ),
        ],
        None => vec![
            Said::tone(Tone::Strong, format!("Already exists: {}", c.target)),
            Said::plain(format!("  {}", side_text(&c.ours))),
            Said::plain(format!("  {}", side_text(&c.theirs))),
        ],
    };
    lines.push(Said::tone(
        Tone::Dim,
        format!(
            "Dates in local time (UTC{}).",
            tz.offset_at(
                &chrono::DateTime::from_timestamp_millis(app.session.clock.now_ms)
                    .unwrap_or_default()
            )
        ),
    ));
    lines.push(Said::plain(
        "For this one and every other conflict of this job:",
    ));
    let title = format!(" {} — conflict ", job.kind.word());
    let mut q = Question::new(title, lines, "", false);
    q.answer = Answer::Choices { selected: FIRST };
    q.then = Then::Answer(id);
    app.ask(q);
}

/// "in S3:  12.0 KiB, modified 2026-11-02 10:00" for one side, its label
/// padded to `width` so both sides line up.
pub fn side_text(side: &Side, tz: crate::format::Zone, width: usize) -> String {
    let when = match side.modified {
        Some(t) => format!("modified {}", short_time(t, tz)),
        None => "date unknown".to_owned(),
    };
    let label = format!("{}:", side.label);
    format!("{label:<width$} {}, {when}", human_size(side.size))
}

/// The job ended or was answered: its question goes away.
pub(crate) fn gone(app: &mut App, id: TaskId) {
    app.modals
        .retain(|m| !matches!(m, Modal::Question(q) if q.then == Then::Answer(id)));
}
