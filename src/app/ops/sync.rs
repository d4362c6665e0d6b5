//! `S` on a prefix: what its sync goes with — a local folder (Tab
//! completes folders, as the download prompt) or another prefix as
//! `s3://bucket/prefix/`, filled in when pail's clipboard holds one
//! (`y` on a prefix, then `S` on another: the clipboard's prefix is
//! synced into this one, as `p` would paste it) — then the plan view
//! (src/app/sync/), which plans from the folder or the clipboard first;
//! `r` there reverses it.

use crate::app::cx::Cx;
use crate::app::marks::Clip;
use crate::app::note::Note;
use crate::app::prompt::{Prompt, PromptKind};
use crate::app::prompt_work::Pending;
use crate::engine::S3Source;
use crate::plan::sync::Endpoint;
use crate::sanitize::clean;

/// The one prefix pail's clipboard holds (copied, not cut), when it is
/// not this one nor around it.
fn clipped_prefix<'a>(clip: Option<&'a Clip>, here: &Endpoint) -> Option<(&'a str, &'a str)> {
    let clip = clip.filter(|c| !c.cut)?;
    let [S3Source::Prefix(p)] = clip.sources.as_slice() else {
        return None;
    };
    let there = Endpoint::s3(&clip.bucket, p);
    (!there.overlaps(here)).then_some((clip.bucket.as_str(), p.as_str()))
}

pub(super) fn ask_sync(
    cx: &mut Cx,
    bucket: &str,
    prefix: &str,
    last: Option<&std::path::Path>,
    clip: Option<&Clip>,
) {
    let here = Endpoint::s3(bucket, prefix);
    let (text, note) = match clipped_prefix(clip, &here) {
        Some((b, p)) => (
            format!("s3://{b}/{p}"),
            "From pail's clipboard: Enter plans it into this prefix · or type a folder",
        ),
        None => {
            let mut t = last.map_or_else(|| ".".into(), |p| p.display().to_string());
            if !t.ends_with('/') {
                t.push('/');
            }
            (
                t,
                "Enter plans it (folder → S3; r in the plan reverses) · Tab completes · s3://… syncs two prefixes",
            )
        }
    };
    let label = format!(
        "Sync s3://{}/{} with local folder or s3://prefix: ",
        clean(bucket),
        clean(prefix)
    );
    let target = Pending {
        bucket: bucket.to_owned(),
        sources: Vec::new(),
        prefix: prefix.to_owned(),
    };
    let mut p = Prompt::new(PromptKind::Sync, label, &text).with_work(target);
    p.note = Some(note.into());
    cx.note(Note::Prompt(Box::new(p)));
}

/// The folder (or prefix) typed: the plan view opens, planning. Returns
/// the folder, to offer it next time.
pub(super) fn submit_sync(cx: &mut Cx, typed: &str, target: Pending) -> Option<std::path::PathBuf> {
    let typed = typed.trim();
    if typed.is_empty() {
        cx.status("Nothing synced: no folder given");
        return None;
    }
    let dest = Endpoint::s3(&target.bucket, &target.prefix);
    if let Some(rest) = typed.strip_prefix("s3://") {
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            cx.status("Nothing synced: s3:// needs a bucket");
            return None;
        }
        let source = Endpoint::s3(bucket, prefix);
        if source.overlaps(&dest) {
            cx.status("Nothing synced: the two prefixes overlap (one would sync into itself)");
            return None;
        }
        cx.note(Note::OpenSync { source, dest });
        return None;
    }
    let dir = crate::config::expand_home(std::path::Path::new(typed));
    cx.note(Note::OpenSync {
        source: Endpoint::Local(dir.clone()),
        dest,
    });
    Some(dir)
}
