//! Rename (`r`: an object at once, a prefix after a question that says
//! what moves) and new folder (`N`: a zero-byte `name/` marker): their
//! prompts and what their answers start.

use super::{Here, start};
use crate::app::cx::Cx;
use crate::app::kind::Kind;
use crate::app::note::Note;
use crate::app::prompt::{Prompt, PromptKind};
use crate::app::prompt_work::Pending;
use crate::app::question::delete::Purpose;
use crate::engine::{Mapping, S3Source, Spec, parent_of};
use crate::sanitize::clean;
use crate::store::Versioning;

/// The rename prompt for the row under the cursor, marks or not.
pub(super) fn rename(cx: &mut Cx, here: &Here) {
    let Some(source) = here.cursor.clone() else {
        return;
    };
    let key = source.key().to_owned();
    let target = Pending {
        bucket: here.bucket.clone(),
        sources: vec![source],
        prefix: String::new(),
    };
    let mut p = Prompt::new(PromptKind::Rename, "Rename to: ", &key).with_work(target);
    // The cursor at the end of the last segment (before a prefix's /).
    let at = key.strip_suffix('/').unwrap_or(&key).chars().count();
    p.input = tui_input::Input::new(key.clone()).with_cursor(at);
    cx.note(Note::Prompt(Box::new(p)));
}

pub(super) fn submit_rename(cx: &mut Cx, typed: &str, p: Pending, versioning: Option<Versioning>) {
    let Some(source) = p.sources.first().cloned() else {
        return;
    };
    let old = source.key().to_owned();
    let mut new = typed.to_owned();
    if matches!(source, S3Source::Prefix(_)) && !new.ends_with('/') {
        new.push('/');
    }
    if new == old || new.is_empty() || new == "/" {
        cx.status("Not renamed");
        return;
    }
    if let S3Source::Prefix(_) = source
        && new.starts_with(&old)
    {
        cx.note(Note::Error("A prefix cannot be renamed into itself".into()));
        return;
    }
    let mapping = Mapping {
        source: source.clone(),
        from: old.clone(),
        to: new.clone(),
    };
    let touches = vec![
        (p.bucket.clone(), parent_of(&old).to_owned()),
        (p.bucket.clone(), parent_of(&new).to_owned()),
    ];
    let spec = Spec::Copy {
        bucket: p.bucket.clone(),
        sources: vec![mapping],
        dest_bucket: p.bucket.clone(),
        remove_source: true,
    };
    match source {
        // A prefix: show what moves first (count and size).
        S3Source::Prefix(_) => {
            let purpose = Purpose::Rename {
                spec,
                touches,
                to: new,
            };
            let q = crate::app::question::delete::preview(
                cx,
                purpose,
                p.bucket,
                vec![source],
                versioning,
            );
            cx.note(Note::Ask(Box::new(q)));
        }
        S3Source::Object(_) => {
            let from = format!("s3://{}/{}", p.bucket, old);
            let to = format!("s3://{}/{}", p.bucket, new);
            start(cx, Kind::Rename, spec, (from, to), touches);
        }
    }
}

/// The new-folder prompt, in the prefix under the cursor.
pub(super) fn new_folder(cx: &mut Cx, here: &Here) {
    let label = new_folder_label(&here.bucket, &here.prefix);
    let target = Pending {
        bucket: here.bucket.clone(),
        sources: Vec::new(),
        prefix: here.prefix.clone(),
    };
    cx.note(Note::Prompt(Box::new(
        Prompt::new(PromptKind::NewFolder, label, "").with_work(target),
    )));
}

pub(super) fn submit_new_folder(cx: &mut Cx, typed: &str, p: Pending) {
    let name = typed.trim_matches('/');
    if name.is_empty() {
        cx.status("No folder created: no name given");
        return;
    }
    // "a/../b" or "a//b" would make a key no tool shows as that folder.
    if let Some(bad) = name
        .split('/')
        .find(|s| s.is_empty() || *s == "." || *s == "..")
    {
        let why = if bad.is_empty() {
            "an empty name between two slashes".to_owned()
        } else {
            format!("a {bad:?} segment")
        };
        let mut prompt = Prompt::new(
            PromptKind::NewFolder,
            new_folder_label(&p.bucket, &p.prefix),
            typed,
        );
        prompt.note = Some(format!("A folder name cannot hold {why}"));
        cx.note(Note::Prompt(Box::new(prompt.with_work(p))));
        cx.note(Note::Error(format!(
            "No folder created: the name holds {why}"
        )));
        return;
    }
    let key = format!("{}{name}/", p.prefix);
    let spec = Spec::MakeFolder {
        bucket: p.bucket.clone(),
        key: key.clone(),
    };
    let touches = vec![(p.bucket.clone(), p.prefix.clone())];
    let to = format!("s3://{}/{key}", p.bucket);
    start(cx, Kind::NewFolder, spec, (String::new(), to), touches);
}

/// The new-folder prompt's label.
fn new_folder_label(bucket: &str, prefix: &str) -> String {
    format!("New folder in s3://{}/{}: ", clean(bucket), clean(prefix))
}
