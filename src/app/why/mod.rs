//! `w`: why was the last request denied? The app keeps the last
//! AccessDenied or SignatureDoesNotMatch it reported; `w` (anywhere in the
//! lists, from the error popup or the message log) starts reading the
//! facts (src/denied: identity, region, owner, policy, encryption, a
//! listing of the key) and opens a scrollable panel that words them. The
//! reads run as one task; the panel shows "reading…" until it reports.

use super::cx::Cx;
use super::{Job, Owner, TaskId};
use crate::denied::Facts;
use crate::diagnose::Explanation;
use crate::store::{Connection, CredentialSource, StoreError};

/// The last denial worth explaining.
#[derive(Clone, Debug, Default)]
pub struct Why {
    pub last: Option<StoreError>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    Reading(TaskId),
    Ready(Explanation),
}

/// The why-denied panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Panel {
    pub stage: Stage,
    pub scroll: u16,
}

impl Why {
    /// Keeps `err` if `w` can explain it.
    pub fn saw(&mut self, err: &StoreError) {
        if crate::denied::explains(err) {
            self.last = Some(err.clone());
        }
    }

    /// `w`: the panel for the last denial, reading its facts; `None` when
    /// nothing was denied this session.
    pub fn open(&self, cx: &mut Cx) -> Option<Panel> {
        let err = self.last.clone()?;
        let id = cx.start(Owner::Why, Job::WhyDenied(Box::new(err)));
        Some(Panel {
            stage: Stage::Reading(id),
            scroll: 0,
        })
    }
}

impl Panel {
    /// The facts came back: word them.
    pub fn read(
        &mut self,
        id: TaskId,
        facts: Box<Result<Facts, StoreError>>,
        conn: &Connection,
        creds: Option<&CredentialSource>,
    ) {
        if self.stage != Stage::Reading(id) {
            return;
        }
        self.stage = Stage::Ready(match *facts {
            Ok(f) => crate::denied::explain(&f, conn, creds),
            Err(e) => Explanation {
                title: "Why was this denied?".into(),
                summary: "The facts could not be read".into(),
                hints: vec![crate::diagnose::short(&e)],
            },
        });
    }
}
