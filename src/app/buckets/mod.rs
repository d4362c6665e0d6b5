//! The bucket list: names from ListBuckets, regions looked up lazily for the
//! rows on screen, details for the row under the cursor.
//!
//! A feature in the shape of the versions panel: its state
//! ([`BucketsView`]), the messages it understands ([`Msg`]) and
//! `BucketsView::update` (update.rs) over a `Cx`. Which screen shows is
//! the view's business, not the list's: messages whose answer depends on
//! it say whether the list is on screen.

pub mod tasks;
mod update;

pub use tasks::{Reply, Request, Slot};

pub use update::Msg;

use super::{Load, TaskId};
use crate::store::BucketInfo;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketRow {
    pub name: String,
    pub created: Option<i64>,
    pub region: Option<Load<String>>,
    pub info: Option<Load<BucketInfo>>,
}

#[derive(Clone, Debug, Default)]
pub struct BucketsView {
    pub rows: Vec<BucketRow>,
    /// The listing: `None` before the first and after a cancelled one;
    /// the rows themselves stay through a refresh.
    pub state: Option<Load<()>>,
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
    pub fn task_ended(&mut self, slot: &Slot, id: TaskId) {
        match slot {
            Slot::List if Load::waits(&self.state, id) => self.state = None,
            Slot::List => {}
            Slot::Region(name) | Slot::Info(name) => {
                let Some(row) = self.rows.iter_mut().find(|r| r.name == *name) else {
                    return;
                };
                if matches!(slot, Slot::Region(_)) && Load::waits(&row.region, id) {
                    row.region = None;
                }
                if matches!(slot, Slot::Info(_)) && Load::waits(&row.info, id) {
                    row.info = None;
                }
            }
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
