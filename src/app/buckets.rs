//! The bucket list: names from ListBuckets, regions looked up lazily for the
//! rows on screen, details for the row under the cursor.

use super::{App, Effect, Job, Load, Owner, Screen, TaskId};
use crate::store::{Bucket, BucketInfo, StoreError, StoreResult};
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketRow {
    pub name: String,
    pub created: Option<i64>,
    pub region: Option<Load<String>>,
    pub info: Option<Load<BucketInfo>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ListState {
    #[default]
    Idle,
    Loading(TaskId),
    Ready,
    Failed(StoreError),
}

#[derive(Clone, Debug, Default)]
pub struct BucketsView {
    pub rows: Vec<BucketRow>,
    pub state: ListState,
    /// Index into [`BucketsView::visible`].
    pub cursor: usize,
    pub scroll: usize,
    pub filter: String,
    /// The bucket the cursor belongs on (the one we came back from), even
    /// if the list has not arrived yet.
    pub want: Option<String>,
}

impl BucketsView {
    /// Indices of rows passing the filter.
    pub fn visible(&self) -> Vec<usize> {
        let f = self.filter.to_lowercase();
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| f.is_empty() || r.name.to_lowercase().contains(&f))
            .map(|(i, _)| i)
            .collect()
    }

    /// Task `id` ended: a row or the list that still waited for it stops
    /// waiting.
    pub fn task_ended(&mut self, id: TaskId) {
        for row in &mut self.rows {
            if row.region == Some(Load::Loading(id)) {
                row.region = None;
            }
            if row.info == Some(Load::Loading(id)) {
                row.info = None;
            }
        }
        if self.state == ListState::Loading(id) {
            self.state = ListState::Idle;
        }
    }

    pub fn selected(&self) -> Option<&BucketRow> {
        self.visible().get(self.cursor).map(|&i| &self.rows[i])
    }

    /// Puts the cursor on `name` if it is listed; returns whether it was.
    fn cursor_to(&mut self, name: &str) -> bool {
        match self
            .visible()
            .iter()
            .position(|&i| self.rows[i].name == name)
        {
            Some(i) => {
                self.cursor = i;
                true
            }
            None => false,
        }
    }
}

impl App {
    pub(crate) fn load_buckets(&mut self) -> Vec<Effect> {
        let mut fx = self.tasks.cancel_where(|o| *o == Owner::BucketList);
        let (id, spawn) = self.start_id(Owner::BucketList, Job::ListBuckets);
        self.buckets.state = ListState::Loading(id);
        self.view.screen = Screen::Buckets;
        fx.push(spawn);
        fx
    }

    pub(crate) fn fit_buckets(&mut self) {
        let height = self.list_height();
        let b = &mut self.buckets;
        if b.cursor < b.scroll {
            b.scroll = b.cursor;
        } else if b.cursor >= b.scroll + height {
            b.scroll = b.cursor + 1 - height;
        }
        let n = b.visible().len();
        b.scroll = b.scroll.min(n.saturating_sub(height));
    }

    /// Looks up the regions of the rows on screen that have none yet.
    pub(crate) fn ensure_regions(&mut self, fx: &mut Vec<Effect>) {
        if self.view.screen != Screen::Buckets {
            return;
        }
        let height = self.list_height();
        let wanted: Vec<usize> = self
            .buckets
            .visible()
            .iter()
            .skip(self.buckets.scroll)
            .take(height)
            .copied()
            .filter(|&i| self.buckets.rows[i].region.is_none())
            .collect();
        for i in wanted {
            let bucket = self.buckets.rows[i].name.clone();
            let (id, spawn) = self.start_id(
                Owner::BucketRow(bucket.clone()),
                Job::BucketRegion { bucket },
            );
            self.buckets.rows[i].region = Some(Load::Loading(id));
            fx.push(spawn);
        }
    }

    /// Returns to the list with the cursor on `came_from`, now or when the
    /// list arrives.
    pub(crate) fn show_buckets(&mut self, came_from: Option<String>, fx: &mut Vec<Effect>) {
        self.view.screen = Screen::Buckets;
        self.buckets.filter.clear();
        match self.buckets.state {
            ListState::Idle | ListState::Failed(_) => fx.extend(self.load_buckets()),
            _ => {}
        }
        if let Some(name) = came_from
            && !self.buckets.cursor_to(&name)
        {
            self.buckets.want = Some(name);
        }
        self.fit_buckets();
        self.ensure_regions(fx);
    }

    pub(crate) fn on_buckets(
        &mut self,
        id: TaskId,
        action: u64,
        r: StoreResult<Vec<Bucket>>,
        fx: &mut Vec<Effect>,
    ) {
        if self.buckets.state != ListState::Loading(id) {
            return;
        }
        match r {
            Ok(mut list) => {
                let n = list.len();
                // Keep regions learned before a refresh.
                let old: HashMap<String, BucketRow> = std::mem::take(&mut self.buckets.rows)
                    .into_iter()
                    .map(|r| (r.name.clone(), r))
                    .collect();
                list.sort_by(|a, b| a.name.cmp(&b.name));
                self.buckets.rows = list
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
                self.buckets.state = ListState::Ready;
                self.buckets.cursor = self.buckets.cursor.min(n.saturating_sub(1));
                if let Some(want) = self.buckets.want.take() {
                    self.buckets.cursor_to(&want);
                }
                self.fit_buckets();
                self.set_status(crate::format::count(n as u64, "bucket", "buckets"));
                if self.view.screen == Screen::Buckets {
                    self.ensure_regions(fx);
                    self.schedule_inspect();
                }
            }
            Err(e) => {
                self.buckets.state = ListState::Failed(e.clone());
                if self.view.screen == Screen::Buckets {
                    self.report(action, &e, "Listing buckets");
                }
            }
        }
    }

    pub(crate) fn on_region(&mut self, id: TaskId, r: StoreResult<String>) {
        if let Some(row) = self
            .buckets
            .rows
            .iter_mut()
            .find(|row| row.region == Some(Load::Loading(id)))
        {
            row.region = Some(match r {
                Ok(region) => Load::Ready(region),
                Err(e) => Load::Failed(e),
            });
        }
    }

    /// Details of a bucket-list row (the browse view's own are in browse).
    pub(crate) fn on_row_info(&mut self, id: TaskId, loaded: &Load<BucketInfo>) {
        if let Some(row) = self
            .buckets
            .rows
            .iter_mut()
            .find(|row| row.info == Some(Load::Loading(id)))
        {
            if let Load::Ready(i) = loaded {
                row.region = Some(Load::Ready(i.region.clone()));
            }
            row.info = Some(loaded.clone());
        }
    }
}
