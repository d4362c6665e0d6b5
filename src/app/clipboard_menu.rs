//! The copy menu's actions: an object's (or prefix's, or bucket's) s3://
//! URI, key, URL, ARN, ETag or name to the clipboard. The status line names
//! what was copied and of what, never the text itself: it may be long (a
//! presigned link later) and it belongs to the clipboard, not the screen.

use super::{App, Effect, Load, Screen};
use crate::keymap::CopyWhat;
use crate::sanitize::clean;
use crate::store::links;

/// What the copy popup acts on: (bucket, key or prefix, display name).
fn copy_target(app: &App) -> Option<(String, String, String)> {
    match app.view.screen {
        Screen::Buckets => app
            .buckets
            .selected()
            .map(|r| (r.name.clone(), String::new(), r.name.clone())),
        Screen::Browse => {
            let b = app.browse.as_ref()?;
            let bucket = b.tree.bucket.clone();
            match b.tree.selected_row() {
                Some(row) => {
                    let f = b.tree.folder_at(row.folder);
                    let e = b.tree.entry(row);
                    Some((bucket, e.key.to_string(), f.name_of(e).to_owned()))
                }
                None => {
                    let root = b.tree.root.clone();
                    let name = root
                        .trim_end_matches('/')
                        .rsplit('/')
                        .next()
                        .unwrap_or("")
                        .to_owned();
                    Some((bucket, root, name))
                }
            }
        }
    }
}

/// "docs/2026/report.pdf" -> "report.pdf", cut to fit a status line.
fn short_name(bucket: &str, key: &str, name: &str) -> String {
    let n = if name.is_empty() && key.is_empty() {
        bucket
    } else if name.is_empty() {
        key
    } else {
        name
    };
    crate::width::truncate(&clean(n), 40)
}

pub(super) fn copy(app: &mut App, what: CopyWhat, fx: &mut Vec<Effect>) {
    let Some((bucket, key, name)) = copy_target(app) else {
        app.set_status("Nothing selected to copy");
        return;
    };
    let region = app.region_of(&bucket);
    let text = match what {
        CopyWhat::Uri => links::s3_uri(&bucket, &key),
        CopyWhat::Key => key.clone(),
        CopyWhat::Url => links::object_url(&app.session.conn, &region, &bucket, &key),
        CopyWhat::Arn => links::arn(&bucket, &key, &region),
        CopyWhat::Name => name.clone(),
        CopyWhat::Etag => {
            let etag = app.browse.as_ref().and_then(|b| match b.objects.get(&key) {
                Some(Load::Ready(info)) => info.etag.clone(),
                _ => None,
            });
            match etag {
                Some(e) => e.trim_matches('"').to_owned(),
                None => {
                    app.set_status(
                        "No ETag loaded for this row (objects only; wait for the inspector)",
                    );
                    return;
                }
            }
        }
    };
    if text.is_empty() {
        app.set_status(format!("The {} is empty here", what.describe()));
        return;
    }
    // The clipboard gets the real key; say so when that key holds control
    // characters, since pasting it into a shell would act on them.
    let warning = if crate::sanitize::is_suspicious(&text) {
        " (WARNING: contains control/invisible characters; paste with care)"
    } else {
        ""
    };
    fx.push(Effect::Copy {
        what: format!(
            "{} of {}{warning}",
            what.describe(),
            short_name(&bucket, &key, &name)
        ),
        text,
    });
}
