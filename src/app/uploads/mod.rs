//! The open multipart uploads panel (`m` in the bucket list or the tree):
//! every upload under the bucket or the prefix under the cursor that was
//! started and never completed or aborted — its key, when it started, its
//! parts and bytes so far, who started it — with abort one (`X`) and abort
//! all (`A`), each asking first through the one question component, and
//! running as a job of the transfers panel. Their parts cost storage and
//! show in no object listing; this is where they can be seen.

mod update;

use super::cx::Cx;
use super::{Job, Load, Owner, TaskId};
use crate::engine::uploads::OpenRow;
use crate::format::{Zone, count, human_size, long_time};
use crate::keymap::Action;
use crate::store::StoreResult;

/// What the panel understands.
#[derive(Debug)]
pub enum Msg {
    /// A key, as the keymap's uploads context reads it.
    Key(Option<Action>),
    /// The listing task's answer.
    Rows(TaskId, StoreResult<Vec<OpenRow>>),
    /// A job wrote under `prefix` of `bucket`: list again if it is here.
    Changed { bucket: String, prefix: String },
}

/// The panel's state, owned by its modal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadsPanel {
    pub bucket: String,
    pub prefix: String,
    pub rows: Load<Vec<OpenRow>>,
    pub selected: usize,
}

impl UploadsPanel {
    /// A panel for `prefix` of `bucket`, its listing started.
    pub fn open(cx: &mut Cx, bucket: String, prefix: String) -> UploadsPanel {
        let rows = Load::Loading(start_listing(cx, &bucket, &prefix));
        UploadsPanel {
            bucket,
            prefix,
            rows,
            selected: 0,
        }
    }

    /// Lists the open uploads again.
    fn list(&mut self, cx: &mut Cx) {
        self.rows = Load::Loading(start_listing(cx, &self.bucket, &self.prefix));
    }

    pub(crate) fn listed(&self) -> &[OpenRow] {
        match &self.rows {
            Load::Ready(r) => r,
            _ => &[],
        }
    }
}

/// Starts listing the open uploads under `prefix` (one listing at a time).
fn start_listing(cx: &mut Cx, bucket: &str, prefix: &str) -> TaskId {
    cx.cancel_where(|o| *o == Owner::Uploads);
    cx.start(
        Owner::Uploads,
        Job::ListOpenUploads {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
        },
    )
}

/// "2026-11-02 10:00  3 parts  15.0 MiB  backups/a.tar  by alice", raw.
pub fn row_text(tz: Zone, r: &OpenRow) -> String {
    let u = &r.upload;
    let when = u
        .initiated
        .map(|t| long_time(t, tz))
        .unwrap_or_else(|| "started ?".into());
    let held = match &r.parts {
        Ok(p) => format!(
            "{}  {}",
            count(p.parts, "part", "parts"),
            human_size(p.bytes)
        ),
        Err(_) => "parts unknown".into(),
    };
    let who = u
        .initiator
        .as_deref()
        .map(|w| format!("  by {w}"))
        .unwrap_or_default();
    format!("{when}  {held}  {}{who}", u.key)
}
