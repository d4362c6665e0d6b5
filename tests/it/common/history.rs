//! Apps in the states part 3's tests start from: browsing with a known
//! clock and versioning status, a versions panel with rows listed, deleted
//! entries shown; and made-up signed links.

use super::fixtures::*;
use pail::app::{App, Clock, Effect, Job, Msg, TaskEvent, browse, update, versions};
use pail::store::{
    BucketInfo, DeletedLevel, ObjectVersion, PresignRequest, Presigned, Versioning, VersionsPage,
};

/// 2026-11-25 12:00:00 UTC.
pub const NOW: i64 = 1_795_608_000;

/// Browsing bucket `b`: `docs/`, `a.txt`, `b.txt`; the cursor on `a.txt`;
/// versioning as given.
pub fn browsing(versioning: Versioning) -> App {
    let (mut app, fx) = new_app(Some(("b", "")));
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(&["docs/"], &[("a.txt", 10), ("b.txt", 20)], false),
    );
    if let Some((id, _)) = spawned(&fx)
        .into_iter()
        .find(|(_, j)| matches!(j, Job::Browse(browse::Request::Info { .. })))
    {
        let info = BucketInfo {
            region: "eu-west-1".into(),
            versioning: Ok(versioning),
        };
        update(
            &mut app,
            Msg::Task(id, TaskEvent::Browse(browse::Reply::Info(Ok(info)))),
        );
    }
    update(
        &mut app,
        Msg::Tick(Clock {
            now_ms: NOW * 1000,
            waiting: None,
        }),
    );
    send(&mut app, [key('j')]);
    app
}

pub fn signed(req: &PresignRequest, creds: Option<i64>) -> Presigned {
    Presigned {
        url: format!(
            "http://127.0.0.1:9000/b/{}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc123",
            req.object.key
        ),
        method: req.method,
        headers: req
            .content_type
            .iter()
            .map(|c| ("content-type".to_owned(), c.clone()))
            .collect(),
        expires_at: NOW + req.expires_secs as i64,
        credentials_expire: creds,
        region: "eu-west-1".into(),
    }
}

pub fn version(key: &str, id: &str, t: i64, latest: bool, marker: bool) -> ObjectVersion {
    ObjectVersion {
        key: key.into(),
        version_id: id.into(),
        is_latest: latest,
        delete_marker: marker,
        size: if marker { 0 } else { 10 },
        modified: Some(t),
        etag: (!marker).then(|| format!("\"etag-{id}\"")),
        storage_class: (!marker).then(|| "STANDARD".into()),
    }
}

/// `v` on a.txt with these rows listed (a sibling's rows mixed in).
pub fn panel(versioning: Versioning, rows: Vec<ObjectVersion>) -> App {
    let mut app = browsing(versioning);
    let fx = send(&mut app, [key('v')]);
    let (id, job) = spawned(&fx).into_iter().next().unwrap();
    assert_eq!(
        job,
        Job::Versions(versions::Request::List {
            bucket: "b".into(),
            key: "a.txt".into()
        })
    );
    let mut versions = rows;
    versions.push(version("a.txt.bak", "sib", NOW - 10, true, false));
    update(
        &mut app,
        Msg::Task(
            id,
            TaskEvent::Versions(versions::Reply::Page(Ok(VersionsPage {
                versions,
                prefixes: vec![],
                next: None,
            }))),
        ),
    );
    app
}

/// `H` on: the deleted entries of the root arrive.
pub fn with_deleted() -> (App, Vec<Effect>) {
    let mut app = browsing(pail::store::Versioning::Enabled);
    let fx = send(&mut app, [key('H')]);
    let (id, job) = spawned(&fx).into_iter().next().unwrap();
    assert_eq!(
        job,
        Job::Browse(browse::Request::Deleted {
            bucket: "b".into(),
            prefix: String::new()
        })
    );
    let mut level = DeletedLevel::default();
    level.absorb(VersionsPage {
        versions: vec![
            version("gone.txt", "gm", NOW - 86_400, true, true),
            version("gone.txt", "g1", NOW - 90_000, false, false),
        ],
        prefixes: vec!["blog/".into(), "docs/".into()],
        next: None,
    });
    let fx = update(
        &mut app,
        Msg::Task(id, TaskEvent::Browse(browse::Reply::Deleted(Ok(level)))),
    );
    (app, fx)
}
