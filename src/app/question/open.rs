//! Opening a question (its guard time starts then) and starting what its
//! yes planned. Apart from the question's data (mod.rs) so the data stays
//! low in the house: the modal stack holds a `Question`, and this file
//! pushes one onto it.

use super::Planned;
use super::Question;
use crate::app::modal::Modal;
use crate::app::{App, Effect};

impl App {
    /// Opens a question: keys count as answers from [`super::GUARD_MS`] on.
    pub(crate) fn ask(&mut self, mut q: Question) {
        q.opened_ms = self.session.clock.now_ms;
        self.modals.push(Modal::Question(Box::new(q)));
    }

    /// Starts a planned job; `{started}` in its closing sentence becomes
    /// the moment it started (local time and UTC).
    pub(crate) fn start_planned(&mut self, job: Planned, fx: &mut Vec<Effect>) {
        let started =
            crate::format::long_time(self.session.clock.now_ms.div_euclid(1000), self.session.tz);
        self.start_transfer(job.kind, job.spec, (job.from, job.to), job.touches, fx);
        if let Some(last) = self.transfers.jobs.last_mut() {
            last.after = job.after.map(|a| a.replace("{started}", &started));
        }
        if job.clear_marks {
            self.browsing.marks.clear();
        }
    }
}

/// The question on top was uncovered (the help over it closed): it counts
/// as opening again, so the key that closed the help does not answer it.
pub(crate) fn uncovered(app: &mut App) {
    let now = app.session.clock.now_ms;
    if let Some(Modal::Question(q)) = app.modals.last_mut() {
        q.opened_ms = now;
    }
}
