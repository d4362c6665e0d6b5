//! The open multipart uploads panel (`m` in the bucket list or the tree):
//! every upload under the bucket or the prefix under the cursor that was
//! started and never completed or aborted — its key, when it started, its
//! parts and bytes so far, who started it — with abort one (`X`) and abort
//! all (`A`), each asking first through the one question component, and
//! running as a job of the transfers panel. Their parts cost storage and
//! show in no object listing; this is where they can be seen.

pub(crate) mod keys;

use super::{App, Load};
use crate::engine::uploads::OpenRow;
use crate::format::{count, human_size, long_time};

/// The panel's state, owned by its modal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadsPanel {
    pub bucket: String,
    pub prefix: String,
    pub rows: Load<Vec<OpenRow>>,
    pub selected: usize,
}

impl UploadsPanel {
    pub(crate) fn listed(&self) -> &[OpenRow] {
        match &self.rows {
            Load::Ready(r) => r,
            _ => &[],
        }
    }
}

/// "2026-11-02 10:00  3 parts  15.0 MiB  backups/a.tar  by alice", raw.
pub fn row_text(app: &App, r: &OpenRow) -> String {
    let u = &r.upload;
    let when = u
        .initiated
        .map(|t| long_time(t, app.session.tz))
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
