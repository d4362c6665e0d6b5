//! The open uploads panel's keys and answers: opening it, its listing
//! arriving, abort one or all (asked through the question component) and
//! reloading when a job changed its prefix. The panel's data is in mod.rs.

use super::{UploadsPanel, row_text};
use crate::app::kind::Kind;
use crate::app::modal::{Modal, scrolled};
use crate::app::question::{Planned, Question, Said, Tone};
use crate::app::{App, Effect, Job, Load, Owner, Screen, TaskId};
use crate::engine::Spec;
use crate::engine::uploads::{OpenRow, totals};

use crate::keymap::{Action, Context};
use crate::store::StoreResult;

impl App {
    /// Opens the panel for the bucket (bucket list) or the prefix under
    /// the cursor (tree).
    pub(crate) fn open_uploads(&mut self, fx: &mut Vec<Effect>) {
        let here = match self.view.screen {
            Screen::Buckets => self
                .buckets
                .selected()
                .map(|r| (r.name.clone(), String::new())),
            Screen::Browse => self.prefix_here(),
        };
        let Some((bucket, prefix)) = here else {
            return;
        };
        let id = self.list_uploads(&bucket, &prefix, fx);
        self.modals.push(Modal::Uploads(Box::new(UploadsPanel {
            bucket,
            prefix,
            rows: Load::Loading(id),
            selected: 0,
        })));
    }

    fn list_uploads(&mut self, bucket: &str, prefix: &str, fx: &mut Vec<Effect>) -> TaskId {
        fx.extend(self.tasks.cancel_where(|o| *o == Owner::Uploads));
        let (id, effect) = self.start_id(
            Owner::Uploads,
            Job::ListOpenUploads {
                bucket: bucket.to_owned(),
                prefix: prefix.to_owned(),
            },
        );
        fx.push(effect);
        id
    }
}

fn panel_mut(app: &mut App) -> Option<&mut UploadsPanel> {
    app.modals.iter_mut().rev().find_map(|m| match m {
        Modal::Uploads(p) => Some(&mut **p),
        _ => None,
    })
}

/// The listing arrived.
pub(crate) fn on_rows(app: &mut App, id: TaskId, r: StoreResult<Vec<OpenRow>>) {
    if let Some(p) = panel_mut(app)
        && p.rows == Load::Loading(id)
    {
        let n = r.as_ref().map(|r| r.len()).unwrap_or(0);
        p.selected = p.selected.min(n.saturating_sub(1));
        p.rows = match r {
            Ok(rows) => Load::Ready(rows),
            Err(e) => Load::Failed(e),
        };
    }
}

/// A job changed `bucket`/`prefix`: an open panel there lists again.
pub(crate) fn refresh_if_showing(app: &mut App, bucket: &str, prefix: &str, fx: &mut Vec<Effect>) {
    let Some(p) = panel_mut(app) else { return };
    if p.bucket != bucket || !(prefix.starts_with(&p.prefix) || p.prefix.starts_with(prefix)) {
        return;
    }
    let (b, pre) = (p.bucket.clone(), p.prefix.clone());
    let id = app.list_uploads(&b, &pre, fx);
    if let Some(p) = panel_mut(app) {
        p.rows = Load::Loading(id);
    }
}

pub(crate) fn on_key(app: &mut App, action: Option<Action>, fx: &mut Vec<Effect>) {
    let Some(p) = panel_mut(app) else { return };
    let n = p.listed().len();
    let max = n.saturating_sub(1) as u16;
    if let Some(sel) = scrolled(p.selected as u16, action, 10, max) {
        p.selected = sel as usize;
        return;
    }
    match action {
        Some(Action::Close) => {
            app.modals.pop();
            fx.extend(app.tasks.cancel_where(|o| *o == Owner::Uploads));
        }
        Some(Action::Refresh) => {
            let (b, pre) = (p.bucket.clone(), p.prefix.clone());
            let id = app.list_uploads(&b, &pre, fx);
            if let Some(p) = panel_mut(app) {
                p.rows = Load::Loading(id);
            }
        }
        Some(Action::Help) => app.modals.push(Modal::Help {
            scroll: 0,
            context: Context::Uploads,
        }),
        Some(Action::Delete) => {
            let Some(row) = p.listed().get(p.selected).cloned() else {
                return;
            };
            let (bucket, prefix) = (p.bucket.clone(), p.prefix.clone());
            let q = abort_question(app, &bucket, &prefix, vec![row]);
            app.ask(q);
        }
        Some(Action::AbortAll) => {
            let rows = p.listed().to_vec();
            if rows.is_empty() {
                app.set_status("No open uploads to abort");
                return;
            }
            let (bucket, prefix) = (p.bucket.clone(), p.prefix.clone());
            let q = abort_question(app, &bucket, &prefix, rows);
            app.ask(q);
        }
        _ => {}
    }
}

/// What aborting `rows` does, and the job yes starts: one upload with a
/// key, several by typing their number.
fn abort_question(app: &App, bucket: &str, prefix: &str, rows: Vec<OpenRow>) -> Question {
    let place = format!("s3://{bucket}/{prefix}");
    let mut lines = vec![Said::tone(
        Tone::Strong,
        format!("Abort {} under {place}", totals(&rows)),
    )];
    lines.push(Said::plain(
        "Their parts are deleted and the uploads cannot be completed afterwards; \
         objects already under those keys are not touched.",
    ));
    let list: Vec<String> = rows.iter().map(|r| row_text(app, r)).collect();
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
