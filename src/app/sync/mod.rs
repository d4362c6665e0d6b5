//! The sync plan view (`S` on a prefix, then a local folder): the plan of
//! a sync (src/plan/sync/) before anything moves — totals per action, every
//! row with its mark, action, path and reason — filtered by action (`f`),
//! rows left out or taken back in (`Space`), the direction reversed (`r`,
//! planned again), and `Enter` runs exactly the rows shown as kept, as a
//! job of the transfers panel (a plan that deletes wants `y` after it).
//! Nothing is listed again between the plan and the run.

mod update;

use super::cx::Cx;
use super::{Job, Load, Owner, TaskId};
use crate::keymap::Action as Key;
use crate::plan::sync::{Action, Compare, Endpoint, Plan, Row};
use crate::store::StoreResult;

/// What the panel understands.
#[derive(Debug)]
pub enum Msg {
    /// A key, as the keymap's sync context reads it.
    Key(Option<Key>),
    /// The planning task's answer.
    Plan(TaskId, Box<StoreResult<Plan>>),
}

/// Which rows the list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Filter {
    /// Everything that does something (or is a conflict).
    #[default]
    Changes,
    All,
    Sends,
    Deletes,
    Skips,
    Conflicts,
}

impl Filter {
    pub fn next(self) -> Filter {
        match self {
            Filter::Changes => Filter::All,
            Filter::All => Filter::Sends,
            Filter::Sends => Filter::Deletes,
            Filter::Deletes => Filter::Skips,
            Filter::Skips => Filter::Conflicts,
            Filter::Conflicts => Filter::Changes,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Filter::Changes => "changes",
            Filter::All => "every row",
            Filter::Sends => "transfers",
            Filter::Deletes => "deletes",
            Filter::Skips => "identical",
            Filter::Conflicts => "conflicts",
        }
    }

    fn shows(self, r: &Row) -> bool {
        match self {
            Filter::Changes => r.action != Action::Skip,
            Filter::All => true,
            Filter::Sends => r.action.sends(),
            Filter::Deletes => r.action == Action::Delete,
            Filter::Skips => r.action == Action::Skip,
            Filter::Conflicts => r.action == Action::Conflict,
        }
    }
}

fn start_plan(cx: &mut Cx, source: &Endpoint, dest: &Endpoint, compare: Compare) -> TaskId {
    cx.cancel_where(|o| *o == Owner::SyncPlan);
    cx.start(
        Owner::SyncPlan,
        Job::PlanSync {
            source: source.clone(),
            dest: dest.clone(),
            compare,
        },
    )
}

/// The panel's state, owned by its modal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Panel {
    pub source: Endpoint,
    pub dest: Endpoint,
    pub compare: Compare,
    pub plan: Load<Plan>,
    /// Into the rows the filter shows.
    pub selected: usize,
    pub filter: Filter,
    /// `Enter` on a plan that deletes: `y` runs it now.
    pub armed: bool,
}

impl Panel {
    /// A panel for a sync of `source` into `dest`, its plan started.
    pub fn open(cx: &mut Cx, source: Endpoint, dest: Endpoint) -> Panel {
        let compare = Compare::default();
        let id = start_plan(cx, &source, &dest, compare);
        Panel {
            source,
            dest,
            compare,
            plan: Load::Loading(id),
            selected: 0,
            filter: Filter::default(),
            armed: false,
        }
    }

    /// Plans again from fresh listings (one plan at a time).
    fn replan(&mut self, cx: &mut Cx) {
        self.plan = Load::Loading(start_plan(cx, &self.source, &self.dest, self.compare));
        self.selected = 0;
        self.armed = false;
    }

    /// The plan's rows the filter shows, by index.
    pub fn visible(&self) -> Vec<usize> {
        match &self.plan {
            Load::Ready(p) => p
                .rows
                .iter()
                .enumerate()
                .filter(|(_, r)| self.filter.shows(r))
                .map(|(i, _)| i)
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn ready(&self) -> Option<&Plan> {
        match &self.plan {
            Load::Ready(p) => Some(p),
            _ => None,
        }
    }
}
