//! What the bucket list does with a message: (re)list, come on screen,
//! move, filter, fit the window, and take the listing's, a region's or a
//! row's details as they arrive.

use super::{BucketRow, BucketsView, Reply, Request, Slot};
use crate::app::cx::Cx;
use crate::app::note::Note;
use crate::app::{Job, Load, Owner, TaskId};
use crate::store::{Bucket, StoreResult};
use std::collections::HashMap;

/// What the bucket list understands.
#[derive(Debug)]
pub enum Msg {
    /// List the buckets again (start-up, `r`), cancelling a listing under way.
    Load,
    /// The list comes on screen: the cursor goes on `came_from` (the bucket
    /// just left) now or when the list arrives; a failed or never-started
    /// listing starts again.
    Show { came_from: Option<String> },
    /// Move the cursor by `delta` rows.
    Move(isize),
    /// Put the cursor on the `n`th row on screen (a click).
    Click(usize),
    /// The filter typed over the list.
    Filter(String),
    /// The window changed size; `shown`: the list is on screen.
    Resized { shown: bool },
    /// The cursor rests: fetch the details of the row under it.
    Inspect,
    /// What one of the list's tasks reported; `shown`: the list is on
    /// screen.
    Task {
        id: TaskId,
        reply: Reply,
        shown: bool,
    },
}

impl BucketsView {
    pub fn update(&mut self, cx: &mut Cx, msg: Msg) {
        match msg {
            Msg::Load => {
                let owner = Owner::Buckets(Slot::List);
                cx.cancel_where(|o| *o == owner);
                let id = cx.start(owner, Job::Buckets(Request::List));
                self.state = Some(Load::Loading(id));
            }
            Msg::Show { came_from } => {
                self.filter.clear();
                if matches!(self.state, None | Some(Load::Failed(_))) {
                    self.update(cx, Msg::Load);
                }
                if let Some(name) = came_from
                    && !self.cursor_to(&name)
                {
                    self.want = Some(name);
                }
                self.fit(cx);
                self.ensure_regions(cx);
            }
            Msg::Move(delta) => {
                let n = self.visible().len();
                let target = (self.cursor as isize).saturating_add(delta).max(0) as usize;
                self.cursor = target.min(n.saturating_sub(1));
                self.fit(cx);
                self.ensure_regions(cx);
            }
            Msg::Click(n) => {
                let i = self.scroll + n;
                if i < self.visible().len() {
                    self.cursor = i;
                }
            }
            Msg::Filter(text) => {
                self.filter = text;
                let n = self.visible().len();
                self.cursor = self.cursor.min(n.saturating_sub(1));
                self.fit(cx);
            }
            Msg::Resized { shown } => {
                self.fit(cx);
                // Rows the bigger window reveals need their regions too.
                if shown {
                    self.ensure_regions(cx);
                }
            }
            Msg::Task {
                id,
                reply: Reply::Listed(result),
                shown,
            } => self.listed(cx, id, result, shown),
            Msg::Task {
                id,
                reply: Reply::Region(r),
                ..
            } => {
                if let Some(row) = self.waiting(id, |r| &r.region) {
                    row.region = Some(match r {
                        Ok(region) => Load::Ready(region),
                        Err(e) => Load::Failed(e),
                    });
                }
            }
            Msg::Inspect => {
                let Some(&i) = self.visible().get(self.cursor) else {
                    return;
                };
                if self.rows[i].info.is_some() {
                    return;
                }
                let bucket = self.rows[i].name.clone();
                let id = cx.start(
                    Owner::Buckets(Slot::Info(bucket.clone())),
                    Job::Buckets(Request::Info { bucket }),
                );
                self.rows[i].info = Some(Load::Loading(id));
            }
            Msg::Task {
                id,
                reply: Reply::Info(r),
                ..
            } => {
                if let Some(row) = self.waiting(id, |r| &r.info) {
                    if let Ok(i) = &r {
                        row.region = Some(Load::Ready(i.region.clone()));
                    }
                    row.info = Some(match r {
                        Ok(i) => Load::Ready(i),
                        Err(e) => Load::Failed(e),
                    });
                }
            }
        }
    }

    fn listed(&mut self, cx: &mut Cx, id: TaskId, r: StoreResult<Vec<Bucket>>, shown: bool) {
        if self.state != Some(Load::Loading(id)) {
            return;
        }
        match r {
            Ok(mut list) => {
                let n = list.len();
                // Keep regions learned before a refresh.
                let old: HashMap<String, BucketRow> = std::mem::take(&mut self.rows)
                    .into_iter()
                    .map(|r| (r.name.clone(), r))
                    .collect();
                list.sort_by(|a, b| a.name.cmp(&b.name));
                self.rows = list
                    .into_iter()
                    .map(|b| BucketRow {
                        region: old.get(&b.name).and_then(|p| match &p.region {
                            Some(Load::Ready(r)) => Some(Load::Ready(r.clone())),
                            _ => None,
                        }),
                        info: None,
                        name: b.name,
                        created: b.created,
                    })
                    .collect();
                self.state = Some(Load::Ready(()));
                self.cursor = self.cursor.min(n.saturating_sub(1));
                if let Some(want) = self.want.take() {
                    self.cursor_to(&want);
                }
                self.fit(cx);
                cx.status(crate::format::count(n as u64, "bucket", "buckets"));
                if shown {
                    self.ensure_regions(cx);
                    cx.note(Note::Inspect);
                }
            }
            Err(e) => {
                self.state = Some(Load::Failed(e.clone()));
                if shown {
                    let action = cx.action_of(id);
                    cx.note(Note::Report {
                        action,
                        err: e,
                        context: "Listing buckets".into(),
                    });
                }
            }
        }
    }

    /// The row whose `slot` waits for task `id`.
    fn waiting<T>(
        &mut self,
        id: TaskId,
        slot: fn(&BucketRow) -> &Option<Load<T>>,
    ) -> Option<&mut BucketRow> {
        self.rows
            .iter_mut()
            .find(|row| matches!(slot(row), Some(Load::Loading(t)) if *t == id))
    }

    /// Keeps the cursor on screen.
    fn fit(&mut self, cx: &Cx) {
        let height = cx.session.list_height();
        if self.cursor < self.scroll {
            self.scroll = self.cursor;
        } else if self.cursor >= self.scroll + height {
            self.scroll = self.cursor + 1 - height;
        }
        let n = self.visible().len();
        self.scroll = self.scroll.min(n.saturating_sub(height));
    }

    /// Looks up the regions of the rows on screen that have none yet.
    fn ensure_regions(&mut self, cx: &mut Cx) {
        let height = cx.session.list_height();
        let wanted: Vec<usize> = self
            .visible()
            .iter()
            .skip(self.scroll)
            .take(height)
            .copied()
            .filter(|&i| self.rows[i].region.is_none())
            .collect();
        for i in wanted {
            let bucket = self.rows[i].name.clone();
            let id = cx.start(
                Owner::Buckets(Slot::Region(bucket.clone())),
                Job::Buckets(Request::Region { bucket }),
            );
            self.rows[i].region = Some(Load::Loading(id));
        }
    }
}
