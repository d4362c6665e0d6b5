//! The open uploads panel's transitions: its listing arriving, moving,
//! reloading when a job changed its prefix, and abort one or all (asked
//! through the question component, as a note). The panel's data is in
//! mod.rs; like every feature's update this touches only the panel.

use super::{Msg, UploadsPanel, row_text};
use crate::app::cx::{Cx, Outcome};
use crate::app::kind::Kind;
use crate::app::note::Note;
use crate::app::question::{Planned, Question, Said, Tone};
use crate::app::scroll::scrolled;
use crate::app::{Load, Owner};
use crate::engine::Spec;
use crate::engine::uploads::{OpenRow, totals};
use crate::format::Zone;
use crate::keymap::{Action, Context};

/// Rows a page key moves.
const PAGE: usize = 10;

impl UploadsPanel {
    pub fn update(&mut self, cx: &mut Cx, msg: Msg) -> Outcome {
        match msg {
            Msg::Key(action) => return self.on_action(cx, action),
            Msg::Rows(id, r) => {
                if self.rows == Load::Loading(id) {
                    let n = r.as_ref().map(|r| r.len()).unwrap_or(0);
                    self.selected = self.selected.min(n.saturating_sub(1));
                    self.rows = match r {
                        Ok(rows) => Load::Ready(rows),
                        Err(e) => Load::Failed(e),
                    };
                }
            }
            Msg::Changed { bucket, prefix } => {
                let here = self.bucket == bucket
                    && (prefix.starts_with(&self.prefix) || self.prefix.starts_with(&prefix));
                if here {
                    self.list(cx);
                }
            }
        }
        Outcome::Keep
    }

    fn on_action(&mut self, cx: &mut Cx, action: Option<Action>) -> Outcome {
        let n = self.listed().len();
        if let Some(sel) = scrolled(self.selected, action, PAGE, n.saturating_sub(1)) {
            self.selected = sel;
            return Outcome::Keep;
        }
        match action {
            Some(Action::Close) => {
                cx.cancel_where(|o| *o == Owner::Uploads);
                return Outcome::Close;
            }
            Some(Action::Refresh) => self.list(cx),
            Some(Action::Help) => cx.note(Note::Help(Context::Uploads)),
            Some(Action::Delete) => {
                if let Some(row) = self.listed().get(self.selected).cloned() {
                    let q = abort_question(cx.session.tz, &self.bucket, &self.prefix, vec![row]);
                    cx.note(Note::Ask(Box::new(q)));
                }
            }
            Some(Action::AbortAll) => {
                let rows = self.listed().to_vec();
                if rows.is_empty() {
                    cx.status("No open uploads to abort");
                } else {
                    let q = abort_question(cx.session.tz, &self.bucket, &self.prefix, rows);
                    cx.note(Note::Ask(Box::new(q)));
                }
            }
            _ => {}
        }
        Outcome::Keep
    }
}

/// What aborting `rows` does, and the job yes starts: one upload with a
/// key, several by typing their number.
fn abort_question(tz: Zone, bucket: &str, prefix: &str, rows: Vec<OpenRow>) -> Question {
    let place = format!("s3://{bucket}/{prefix}");
    let mut lines = vec![Said::tone(
        Tone::Strong,
        format!("Abort {} under {place}", totals(&rows)),
    )];
    lines.push(Said::plain(
        "Their parts are deleted and the uploads cannot be completed afterwards; \
         objects already under those keys are not touched.",
    ));
    let list: Vec<String> = rows.iter().map(|r| row_text(tz, r)).collect();
    let uploads: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r.upload.key.clone(), r.upload.upload_id.clone()))
        .collect();
    let n = uploads.len();
    let job = Planned {
        kind: Kind::Abort,
        spec: Spec::AbortUploads {
            bucket: bucket.to_owned(),
            uploads,
        },
        from: place.clone(),
        to: String::new(),
        touches: vec![(bucket.to_owned(), prefix.to_owned())],
        after: None,
        clear_marks: false,
    };
    let title = if n == 1 {
        " Abort an open upload? "
    } else {
        " Abort open uploads? "
    };
    let q = Question::new(title, lines, "abort", true)
        .with_list(list)
        .start(job);
    if n > 1 {
        q.typed(n.to_string(), "the number of uploads")
    } else {
        q
    }
}
