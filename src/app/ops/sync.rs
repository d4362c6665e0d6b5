//! `S` on a prefix: the local folder its sync goes with (Tab completes
//! folders, as the download prompt), then the plan view (src/app/sync/),
//! which plans local → S3 first; `r` there reverses it.

use crate::app::cx::Cx;
use crate::app::note::Note;
use crate::app::prompt::{Prompt, PromptKind};
use crate::app::prompt_work::Pending;
use crate::plan::sync::Endpoint;
use crate::sanitize::clean;

pub(super) fn ask_sync(cx: &mut Cx, bucket: &str, prefix: &str, last: Option<&std::path::Path>) {
    let mut text = last.map_or_else(|| ".".into(), |p| p.display().to_string());
    if !text.ends_with('/') {
        text.push('/');
    }
    let label = format!(
        "Sync s3://{}/{} with local folder: ",
        clean(bucket),
        clean(prefix)
    );
    let target = Pending {
        bucket: bucket.to_owned(),
        sources: Vec::new(),
        prefix: prefix.to_owned(),
    };
    let mut p = Prompt::new(PromptKind::Sync, label, &text).with_work(target);
    p.note = Some("Enter plans it (folder → S3; r in the plan reverses) · Tab completes".into());
    cx.note(Note::Prompt(Box::new(p)));
}

/// The folder typed: the plan view opens, planning.
pub(super) fn submit_sync(cx: &mut Cx, typed: &str, target: Pending) -> Option<std::path::PathBuf> {
    let typed = typed.trim();
    if typed.is_empty() {
        cx.status("Nothing synced: no folder given");
        return None;
    }
    let dir = crate::config::expand_home(std::path::Path::new(typed));
    cx.note(Note::OpenSync {
        source: Endpoint::Local(dir.clone()),
        dest: Endpoint::s3(&target.bucket, &target.prefix),
    });
    Some(dir)
}
