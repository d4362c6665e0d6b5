//! The transfer engine end to end against real servers: moto (the widest
//! semantics), radosgw, s3s-fs and rustack (the `pail --demo` server; the
//! last three check signatures). Each scenario
//! runs on every server that can hold what it needs, and checks what a user
//! would: files on disk byte for byte, keys re-listed from the server.
//! Faults no server produces on demand come from a proxy that corrupts,
//! throttles or cuts answers (tests/common/proxy.rs), a moto of our own
//! that is killed mid-download, and a store wrapper that refuses deletes.

use crate::common::engine::*;
use crate::common::proxy::{Fault, Proxy};
use crate::common::*;
use async_trait::async_trait;
use bytes::Bytes;
use pail::engine::{
    Choice, Env, Mapping, Outcome, Phase, Policy, Question, Refusal, S3Source, Settings, Skip,
    Spec, UploadOptions,
};
use pail::plan::plan_delete;
use pail::store::aws::{AwsStore, ConnectOptions};
use pail::store::{
    Bucket, BucketInfo, Connection, CredentialSource, DeleteFailure, GetRequest, GetResult,
    ListPage, ListRequest, ObjectHead, ObjectInfo, ObjectRef, OpenUpload, Part, PutRequest, Store,
    StoreResult, Written,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

const M: u64 = MIB as u64;

fn object(o: pail::store::ObjectSummary) -> Mapping {
    Mapping::into_prefix(S3Source::Object(o), "")
}

fn prefix(p: &str, into: &str) -> Mapping {
    Mapping::into_prefix(S3Source::Prefix(p.into()), into)
}

fn download(bucket: &str, sources: Vec<Mapping>, dest: &Path) -> Spec {
    Spec::Download {
        bucket: bucket.into(),
        sources,
        dest: dest.into(),
    }
}

fn upload(paths: Vec<PathBuf>, bucket: &str, prefix: &str) -> Spec {
    Spec::Upload {
        paths,
        bucket: bucket.into(),
        prefix: prefix.into(),
        options: UploadOptions::default(),
    }
}

fn copy(bucket: &str, sources: Vec<Mapping>, dest_bucket: &str, remove_source: bool) -> Spec {
    Spec::Copy {
        bucket: bucket.into(),
        sources,
        dest_bucket: dest_bucket.into(),
        remove_source,
    }
}

fn file(d: &[u8]) -> Entry {
    Entry::File(d.to_vec())
}

/// Writes `files` (relative path, bytes) under `root`.
fn write_files(root: &Path, files: &[(&str, Vec<u8>)]) {
    for (rel, d) in files {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, d).unwrap();
    }
}

fn done_note(r: &Run, name: &str) -> Option<String> {
    match r.outcome(name) {
        Outcome::Done { note, .. } => note.clone(),
        o => panic!("{name}: {o:?}"),
    }
}

// 1. Downloads ------------------------------------------------------------

on_servers!(downloads_objects_and_prefixes: moto, radosgw, s3s, rustack);
async fn downloads_objects_and_prefixes(s: &Server) {
    let b = s.bucket("dl").await;
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("docs/top.txt", data(1000, 1)),
        ("docs/2026/a/b.txt", data(2000, 2)),
        ("docs/2026/c.txt", data(3000, 3)),
        ("docs/2026/a/deeper/d.bin", data(70_000, 4)),
        ("docs/2026/e.txt", Vec::new()),
        ("docs/2026x/not-this.txt", data(10, 5)),
        ("docs-old/2026/not-this.txt", data(10, 6)),
    ];
    for (k, d) in &files {
        s.put(&b, k, d).await;
    }
    let markers = s.caps.folder_markers;
    if markers {
        s.put(&b, "docs/2026/empty/", b"").await;
        s.put(&b, "docs/2026/a/", b"").await;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");

    // One object lands under its own name, dated as S3 dates it.
    let top = s.summary(&b, "docs/top.txt").await;
    let r = run(
        &s.env(settings()),
        download(&b, vec![object(top.clone())], &dest),
    )
    .await;
    r.assert_done(1);
    assert_eq!(
        tree(&dest),
        BTreeMap::from([("top.txt".to_string(), file(&files[0].1))])
    );
    assert_eq!(Some(mtime_secs(&dest.join("top.txt"))), top.modified);

    // A prefix lands as a folder of its own name, nested as the keys are;
    // `docs/2026x/` and `docs-old/` are not under `docs/2026/`.
    let r = run(
        &s.env(settings()),
        download(&b, vec![prefix("docs/2026/", "")], &dest),
    )
    .await;
    r.assert_done(if markers { 6 } else { 4 });
    let mut want = BTreeMap::from([
        ("top.txt".to_string(), file(&files[0].1)),
        ("2026".into(), Entry::Dir),
        ("2026/a".into(), Entry::Dir),
        ("2026/a/b.txt".into(), file(&files[1].1)),
        ("2026/c.txt".into(), file(&files[2].1)),
        ("2026/a/deeper".into(), Entry::Dir),
        ("2026/a/deeper/d.bin".into(), file(&files[3].1)),
        ("2026/e.txt".into(), file(b"")),
    ]);
    if markers {
        want.insert("2026/empty".into(), Entry::Dir);
    }
    assert_eq!(tree(&dest), want);
    for (k, _) in files.iter().filter(|(k, _)| k.starts_with("docs/2026/")) {
        let modified = s.summary(&b, k).await.modified;
        let local = dest.join(k.strip_prefix("docs/").unwrap());
        assert_eq!(Some(mtime_secs(&local)), modified, "mtime of {k}");
    }
}

// 2. Uploads --------------------------------------------------------------

on_servers!(uploads_files_and_folders: moto, radosgw, s3s, rustack);
async fn uploads_files_and_folders(s: &Server) {
    let b = s.bucket("ul").await;
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path();
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("notes.txt", data(500, 11)),
        ("photos/a.txt", data(600, 12)),
        ("photos/pic.png", data(700, 13)),
        ("photos/2026/deep/c.bin", data(80_000, 14)),
        ("photos/with space+plus%.txt", data(10, 15)),
        ("photos/empty.txt", Vec::new()),
    ];
    write_files(src, &files);
    std::fs::create_dir_all(src.join("photos/nothing/in/here")).unwrap();

    let r = run(
        &s.env(settings()),
        upload(vec![src.join("notes.txt")], &b, "prefix/"),
    )
    .await;
    r.assert_done(1);
    let r = run(
        &s.env(settings()),
        upload(vec![src.join("photos")], &b, "prefix/"),
    )
    .await;
    // Every file, and the empty folder reported (S3 has no folders).
    let empty = src.join("photos/nothing/in/here").display().to_string();
    assert_eq!(r.outcome(&empty), &Outcome::Skipped(Skip::EmptyFolder));
    assert_eq!(r.snap.phase, Phase::Done, "{:#?}", r.items);
    assert_eq!(r.snap.objects_done as usize, files.len() - 1);
    assert_eq!(r.items.len(), files.len());

    let want: BTreeSet<String> = files.iter().map(|(k, _)| format!("prefix/{k}")).collect();
    assert_eq!(s.keys(&b, "").await, want);
    for (k, d) in &files {
        assert_eq!(&s.get(&b, &format!("prefix/{k}")).await, d, "{k}");
    }
    for (k, ct) in [
        ("notes.txt", "text/plain"),
        ("photos/pic.png", "image/png"),
        ("photos/2026/deep/c.bin", "application/octet-stream"),
    ] {
        let h = s
            .sdk
            .head_object()
            .bucket(&b)
            .key(format!("prefix/{k}"))
            .send()
            .await
            .unwrap();
        assert_eq!(h.content_type(), Some(ct), "Content-Type of {k}");
    }
}

// 3. Multipart upload, ranged download --------------------------------------

on_servers!(multipart_upload_and_ranged_download: moto, radosgw, s3s, rustack);
async fn multipart_upload_and_ranged_download(s: &Server) {
    let b = s.bucket("mp").await;
    let body = data(12 * MIB + 12_345, 21);
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("big.bin"), &body).unwrap();
    let parts = Settings {
        multipart_threshold: 5 * M,
        part_size: 5 * M,
        ..settings()
    };
    let r = run(
        &s.env(parts),
        upload(vec![tmp.path().join("big.bin")], &b, "mp/"),
    )
    .await;
    r.assert_done(1);
    assert!(
        s.get(&b, "mp/big.bin").await == body,
        "the uploaded object differs from the file"
    );
    let h = s
        .sdk
        .head_object()
        .bucket(&b)
        .key("mp/big.bin")
        .checksum_mode(aws_sdk_s3::types::ChecksumMode::Enabled)
        .send()
        .await
        .unwrap();
    let etag = h.e_tag().unwrap_or_default().to_owned();
    eprintln!(
        "{}: 3-part upload: ETag {etag}, CRC32 {:?}, checksum type {:?}",
        s.name,
        h.checksum_crc32(),
        h.checksum_type()
    );
    assert!(etag.trim_matches('"').ends_with("-3"), "3 parts: {etag}");

    // Back through the engine, as parallel ranges and as one GET.
    let obj = s.summary(&b, "mp/big.bin").await;
    for (how, threshold) in [("ranged", M), ("one GET", 64 * M)] {
        let dest = tmp.path().join(format!("dest {how}"));
        let settings = Settings {
            multipart_threshold: threshold,
            part_size: 5 * M,
            ..settings()
        };
        let r = run(
            &s.env(settings),
            download(&b, vec![object(obj.clone())], &dest),
        )
        .await;
        r.assert_done(1);
        assert!(
            std::fs::read(dest.join("big.bin")).unwrap() == body,
            "{how} download differs"
        );
        let note = done_note(&r, "mp/big.bin");
        eprintln!(
            "{}: {how} download of a 3-part object: {}",
            s.name,
            note.as_deref().unwrap_or("verified")
        );
        if s.name == "moto" {
            // moto answers a composite CRC32 and the part layout.
            assert_eq!(note, None, "{how}");
        }
    }
}

// 4. Multipart copy -------------------------------------------------------

on_servers!(multipart_copy_carries_metadata: moto, radosgw, s3s, rustack);
async fn multipart_copy_carries_metadata(s: &Server) {
    let b = s.bucket("cp").await;
    let b2 = s.bucket("cp2").await;
    let body = data(12 * MIB + 777, 31);
    let mut put = s
        .sdk
        .put_object()
        .bucket(&b)
        .key("src/big.bin")
        .body(body.clone().into())
        .content_type("application/x-pail-test")
        .cache_control("max-age=60")
        .content_disposition("attachment")
        .metadata("owner", "finance")
        .metadata("note", "two words");
    if s.caps.tagging {
        put = put.tagging("team=fin&retention=7y");
    }
    put.send().await.expect("put");
    let settings = Settings {
        copy_threshold: 5 * M,
        part_size: 5 * M,
        ..settings()
    };
    let obj = s.summary(&b, "src/big.bin").await;
    let m = Mapping {
        source: S3Source::Object(obj),
        from: "src/big.bin".into(),
        to: "dst/big copy.bin".into(),
    };
    let r = run(&s.env(settings), copy(&b, vec![m], &b2, false)).await;
    r.assert_done(1);
    assert!(s.get(&b2, "dst/big copy.bin").await == body, "copy differs");
    assert!(s.get(&b, "src/big.bin").await == body, "source changed");
    let h = s
        .sdk
        .head_object()
        .bucket(&b2)
        .key("dst/big copy.bin")
        .send()
        .await
        .unwrap();
    let etag = h.e_tag().unwrap_or_default();
    eprintln!("{}: multipart copy ETag {etag}", s.name);
    assert!(
        etag.trim_matches('"').ends_with("-3"),
        "copied in 3 parts: {etag}"
    );
    assert_eq!(h.content_type(), Some("application/x-pail-test"));
    assert_eq!(h.cache_control(), Some("max-age=60"));
    assert_eq!(h.content_disposition(), Some("attachment"));
    let meta: BTreeMap<String, String> = h
        .metadata()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .collect();
    assert_eq!(
        meta,
        BTreeMap::from([
            ("note".to_string(), "two words".to_string()),
            ("owner".into(), "finance".into())
        ])
    );
    if s.caps.multipart_tags {
        let t = s
            .sdk
            .get_object_tagging()
            .bucket(&b2)
            .key("dst/big copy.bin")
            .send()
            .await
            .unwrap();
        let tags: BTreeMap<&str, &str> = t.tag_set().iter().map(|t| (t.key(), t.value())).collect();
        assert_eq!(tags, BTreeMap::from([("retention", "7y"), ("team", "fin")]));
    }
}

// 5. Move and rename --------------------------------------------------------

on_servers!(moves_and_renames_odd_keys: moto, radosgw, s3s, rustack);
async fn moves_and_renames_odd_keys(s: &Server) {
    let b = s.bucket("mv").await;
    let mut names = vec![
        "with space.txt",
        "plus+sign.txt",
        "percent%20literal%.txt",
        "ユニコード/ファイル 🎉.txt",
    ];
    if s.caps.newline_keys {
        names.push("new\nline.txt");
    }
    let originals: BTreeMap<String, Vec<u8>> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (format!("mv/{n}"), data(100 + i, 40 + i as u64)))
        .collect();
    for (k, d) in &originals {
        s.put(&b, k, d).await;
    }
    s.put(&b, "mv-sibling/stays.txt", b"stays").await;

    // Move a prefix into another: `mv/...` becomes `moved/mv/...`.
    let r = run(
        &s.env(settings()),
        copy(&b, vec![prefix("mv/", "moved/")], &b, true),
    )
    .await;
    r.assert_done(names.len());
    assert_eq!(s.keys(&b, "mv/").await, BTreeSet::new(), "sources gone");
    let moved: BTreeSet<String> = originals.keys().map(|k| format!("moved/{k}")).collect();
    assert_eq!(s.keys(&b, "moved/").await, moved);
    for (k, d) in &originals {
        assert_eq!(&s.get(&b, &format!("moved/{k}")).await, d, "{k:?}");
    }
    assert_eq!(s.get(&b, "mv-sibling/stays.txt").await, b"stays");

    // Rename one object to a name as odd.
    let from = "moved/mv/plus+sign.txt";
    let to = "renamed/ä plus+%25 100%.txt";
    let m = Mapping {
        source: S3Source::Object(s.summary(&b, from).await),
        from: from.into(),
        to: to.into(),
    };
    let r = run(&s.env(settings()), copy(&b, vec![m], &b, true)).await;
    r.assert_done(1);
    assert_eq!(
        s.keys(&b, "renamed/").await,
        BTreeSet::from([to.to_string()])
    );
    assert_eq!(s.get(&b, to).await, originals["mv/plus+sign.txt"]);

    // Rename a prefix: everything under it moves.
    let m = Mapping {
        source: S3Source::Prefix("moved/mv/".into()),
        from: "moved/mv/".into(),
        to: "moved/new dir+%/".into(),
    };
    let r = run(&s.env(settings()), copy(&b, vec![m], &b, true)).await;
    r.assert_done(names.len() - 1);
    assert_eq!(s.keys(&b, "moved/mv/").await, BTreeSet::new());
    let renamed: BTreeSet<String> = names
        .iter()
        .filter(|n| **n != "plus+sign.txt")
        .map(|n| format!("moved/new dir+%/{n}"))
        .collect();
    assert_eq!(s.keys(&b, "moved/").await, renamed);
    for n in names.iter().filter(|n| **n != "plus+sign.txt") {
        assert_eq!(
            s.get(&b, &format!("moved/new dir+%/{n}")).await,
            originals[&format!("mv/{n}")],
            "{n:?}"
        );
    }
}

on_servers!(a_prefix_is_not_copied_into_itself: moto, radosgw, s3s, rustack);
async fn a_prefix_is_not_copied_into_itself(s: &Server) {
    let b = s.bucket("self").await;
    for k in ["a/0", "a/1"] {
        s.put(&b, k, k.as_bytes()).await;
    }
    for (m, into) in [
        (prefix("a/", "a/sub/"), "a/sub/"),
        (prefix("a/", "a/"), "a/a/"),
        (prefix("", "backup/"), "backup/"),
    ] {
        for remove in [false, true] {
            let r = run(&s.env(settings()), copy(&b, vec![m.clone()], &b, remove)).await;
            assert_eq!(r.snap.phase, Phase::Failed, "{into}");
            assert!(
                matches!(&r.items[..], [i] if matches!(&i.outcome, Outcome::Refused(Refusal::IntoItself(_)))),
                "{into}: {:#?}",
                r.items
            );
            assert_eq!(
                s.keys(&b, "").await,
                BTreeSet::from(["a/0".to_string(), "a/1".into()]),
                "{into}: nothing copied, nothing removed"
            );
        }
    }
    // Into a sibling whose name starts the same is fine.
    let r = run(
        &s.env(settings()),
        copy(&b, vec![prefix("a/", "a-copy/")], &b, false),
    )
    .await;
    r.assert_done(2);
}

// 6. Deletes --------------------------------------------------------------

async fn plan(store: &dyn Store, bucket: &str, sources: &[S3Source]) -> Vec<(String, u64)> {
    plan_delete(store, bucket, sources, &CancellationToken::new(), |_| {})
        .await
        .expect("plan")
        .keys
}

on_servers!(deletes_exactly_the_plan: moto, radosgw, s3s, rustack);
async fn deletes_exactly_the_plan(s: &Server) {
    let b = s.bucket("rm").await;
    let keys: Vec<String> = (0..2500).map(|i| format!("docs/k-{i:05}")).collect();
    put_many(&s.sdk, &b, keys.clone()).await;
    let survivors = ["docs-old/a", "docs-old/b/c", "docsx"];
    for k in survivors {
        s.put(&b, k, b"keep").await;
    }
    let planned = plan(&*s.store, &b, &[S3Source::Prefix("docs/".into())]).await;
    assert_eq!(
        planned.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(),
        keys
    );
    let r = run(
        &s.env(settings()),
        Spec::Delete {
            bucket: b.clone(),
            keys: planned,
        },
    )
    .await;
    r.assert_done(2500);
    assert_eq!(s.keys(&b, "docs/").await, BTreeSet::new());
    assert_eq!(
        s.keys(&b, "").await,
        survivors.iter().map(|k| k.to_string()).collect()
    );

    // A folder marker picked as an object is just the marker.
    if s.caps.folder_markers {
        for k in ["x/", "x/a", "x/b/c"] {
            s.put(&b, k, b"").await;
        }
        let marker = s.summary(&b, "x/").await;
        let planned = plan(&*s.store, &b, &[S3Source::Object(marker)]).await;
        assert_eq!(planned, [("x/".to_string(), 0)]);
        let r = run(
            &s.env(settings()),
            Spec::Delete {
                bucket: b.clone(),
                keys: planned,
            },
        )
        .await;
        r.assert_done(1);
        assert_eq!(
            s.keys(&b, "x/").await,
            BTreeSet::from(["x/a".to_string(), "x/b/c".into()])
        );
    }

    // Keys XML cannot carry as they are: really gone, as a re-list shows.
    let mut odd = vec!["ctl/plain", "ctl/ctrl\u{1}char"];
    if s.caps.newline_keys {
        odd.push("ctl/new\nline");
    }
    for k in &odd {
        s.put(&b, k, b"odd").await;
    }
    let want: BTreeSet<String> = odd.iter().map(|k| k.to_string()).collect();
    assert_eq!(s.keys(&b, "ctl/").await, want, "stored as sent");
    let planned = plan(&*s.store, &b, &[S3Source::Prefix("ctl/".into())]).await;
    let r = run(
        &s.env(settings()),
        Spec::Delete {
            bucket: b.clone(),
            keys: planned,
        },
    )
    .await;
    r.assert_done(odd.len());
    assert_eq!(s.keys(&b, "ctl/").await, BTreeSet::new());
}

// 7. Per-key delete failures ------------------------------------------------

/// The real store, except that DeleteObjects refuses some keys by name as a
/// bucket policy would (AccessDenied in the answer's Errors).
struct RefuseDeletes {
    inner: Arc<dyn Store>,
    refuse: BTreeSet<String>,
}

#[async_trait]
impl Store for RefuseDeletes {
    fn connection(&self) -> Connection {
        self.inner.connection()
    }
    async fn credential_source(&self) -> StoreResult<CredentialSource> {
        self.inner.credential_source().await
    }
    async fn list_buckets(&self) -> StoreResult<Vec<Bucket>> {
        self.inner.list_buckets().await
    }
    async fn bucket_region(&self, bucket: &str) -> StoreResult<String> {
        self.inner.bucket_region(bucket).await
    }
    async fn bucket_info(&self, bucket: &str) -> StoreResult<BucketInfo> {
        self.inner.bucket_info(bucket).await
    }
    async fn list_page(&self, req: &ListRequest) -> StoreResult<ListPage> {
        self.inner.list_page(req).await
    }
    async fn object_info(&self, bucket: &str, key: &str) -> StoreResult<ObjectInfo> {
        self.inner.object_info(bucket, key).await
    }
    async fn head_object(&self, req: &GetRequest) -> StoreResult<ObjectHead> {
        self.inner.head_object(req).await
    }
    async fn get_object(&self, req: &GetRequest) -> GetResult {
        self.inner.get_object(req).await
    }
    async fn put_object(&self, req: &PutRequest, body: Bytes) -> StoreResult<Written> {
        self.inner.put_object(req, body).await
    }
    async fn create_multipart(&self, req: &PutRequest) -> StoreResult<String> {
        self.inner.create_multipart(req).await
    }
    async fn upload_part(
        &self,
        req: &PutRequest,
        upload_id: &str,
        number: i32,
        body: Bytes,
        crc32: Option<String>,
    ) -> StoreResult<Part> {
        self.inner
            .upload_part(req, upload_id, number, body, crc32)
            .await
    }
    async fn upload_part_copy(
        &self,
        src: &ObjectRef,
        req: &PutRequest,
        upload_id: &str,
        number: i32,
        range: (u64, u64),
    ) -> StoreResult<Part> {
        self.inner
            .upload_part_copy(src, req, upload_id, number, range)
            .await
    }
    async fn complete_multipart(
        &self,
        req: &PutRequest,
        upload_id: &str,
        parts: &[Part],
    ) -> StoreResult<Written> {
        self.inner.complete_multipart(req, upload_id, parts).await
    }
    async fn abort_multipart(&self, bucket: &str, key: &str, upload_id: &str) -> StoreResult<()> {
        self.inner.abort_multipart(bucket, key, upload_id).await
    }
    async fn open_uploads(&self, bucket: &str, prefix: &str) -> StoreResult<Vec<OpenUpload>> {
        self.inner.open_uploads(bucket, prefix).await
    }
    async fn copy_object(
        &self,
        src: &ObjectRef,
        dst: &ObjectRef,
        storage_class: Option<&str>,
        if_absent: bool,
    ) -> StoreResult<Written> {
        self.inner
            .copy_object(src, dst, storage_class, if_absent)
            .await
    }
    async fn delete_objects(
        &self,
        bucket: &str,
        keys: &[String],
    ) -> StoreResult<Vec<DeleteFailure>> {
        let (refused, rest): (Vec<String>, Vec<String>) =
            keys.iter().cloned().partition(|k| self.refuse.contains(k));
        let mut failures = if rest.is_empty() {
            Vec::new()
        } else {
            self.inner.delete_objects(bucket, &rest).await?
        };
        failures.extend(refused.into_iter().map(|key| DeleteFailure {
            key,
            code: "AccessDenied".into(),
            message: "Access Denied".into(),
        }));
        Ok(failures)
    }
}

on_servers!(refused_deletes_are_reported_by_key: moto, radosgw, s3s, rustack);
async fn refused_deletes_are_reported_by_key(s: &Server) {
    let b = s.bucket("refuse").await;
    for k in ["del/a", "del/b", "del/c", "del/d"] {
        s.put(&b, k, k.as_bytes()).await;
    }
    let refused = BTreeSet::from(["del/b".to_string(), "del/d".into()]);
    let store: Arc<dyn Store> = Arc::new(RefuseDeletes {
        inner: s.store.clone(),
        refuse: refused.clone(),
    });
    let planned = plan(&*store, &b, &[S3Source::Prefix("del/".into())]).await;
    let r = run(
        &env_with(store.clone(), settings()),
        Spec::Delete {
            bucket: b.clone(),
            keys: planned,
        },
    )
    .await;
    assert_eq!(r.snap.phase, Phase::Failed);
    assert_eq!((r.snap.objects_done, r.snap.failed), (2, 2), "{:?}", r.snap);
    for k in ["del/a", "del/c"] {
        assert!(matches!(r.outcome(k), Outcome::Done { .. }), "{k}");
    }
    for k in &refused {
        match r.outcome(k) {
            Outcome::Failed(why) => assert!(why.contains("AccessDenied"), "{k}: {why}"),
            o => panic!("{k}: {o:?}"),
        }
    }
    assert_eq!(s.keys(&b, "del/").await, refused);

    // A move whose sources cannot be removed keeps them, and says so.
    let r = run(
        &env_with(store, settings()),
        copy(&b, vec![prefix("del/", "kept/")], &b, true),
    )
    .await;
    assert_eq!(r.snap.phase, Phase::Failed);
    for k in &refused {
        let failed: Vec<&String> = r
            .items
            .iter()
            .filter(|i| &i.name == k)
            .filter_map(|i| match &i.outcome {
                Outcome::Failed(why) => Some(why),
                _ => None,
            })
            .collect();
        assert!(
            matches!(failed[..], [why] if why.contains("could not be removed") && why.contains("AccessDenied")),
            "{k}: {:#?}",
            r.items
        );
    }
    assert_eq!(s.keys(&b, "del/").await, refused);
    assert_eq!(
        s.keys(&b, "kept/").await,
        refused.iter().map(|k| format!("kept/{k}")).collect()
    );
}

// 8. Conflicts ------------------------------------------------------------

/// How a conflict is settled: a fixed policy, or the question answered.
#[derive(Clone, Copy, Debug)]
enum Settle {
    Fixed(Policy),
    Ask(Choice),
}

const SETTLES: [Settle; 9] = [
    Settle::Fixed(Policy::Overwrite),
    Settle::Fixed(Policy::Skip),
    Settle::Fixed(Policy::SkipIdentical),
    Settle::Fixed(Policy::KeepBoth),
    Settle::Ask(Choice::Overwrite),
    Settle::Ask(Choice::Skip),
    Settle::Ask(Choice::SkipIdentical),
    Settle::Ask(Choice::KeepBoth),
    Settle::Ask(Choice::Cancel),
];

impl Settle {
    fn choice(self) -> Choice {
        match self {
            Settle::Fixed(p) => p.fixed().unwrap(),
            Settle::Ask(c) => c,
        }
    }
}

/// The same bytes on both sides.
const SAME: &[u8] = b"the same on both sides";
/// `diff.txt` where the job writes to (sizes differ from NEW).
const OLD: &[u8] = b"what was there before";
/// `diff.txt` where the job reads from.
const NEW: &[u8] = b"what the job brings, longer than the old";

/// Runs `spec`, answering its conflict question as `settle` says; with a
/// fixed policy no question may be asked.
async fn run_settling(env: Env, spec: Spec, settle: Settle) -> (Run, Option<Question>) {
    let Settle::Ask(choice) = settle else {
        let r = run(&env, spec).await;
        assert_eq!(env.progress.question(), None);
        return (r, None);
    };
    let job = {
        let env = env.clone();
        tokio::spawn(async move { run(&env, spec).await })
    };
    let t = Instant::now();
    let q = loop {
        if let Some(q) = env.progress.question() {
            break q;
        }
        assert!(!job.is_finished(), "the job ended without asking");
        assert!(t.elapsed() < Duration::from_secs(30), "no question in 30 s");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    // The job waits for the answer.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!job.is_finished(), "the job went on without an answer");
    env.progress.answer(choice);
    (job.await.unwrap(), Some(q))
}

/// The destination side after the job (by file name), and how each item
/// must have ended, for a job that found `same.txt` (identical) and
/// `diff.txt` (different) already there. `provable`: the job can tell
/// `same.txt` is identical (a copy cannot without ETags in the listings,
/// so it copies it again).
fn settled(settle: Settle, r: &Run, provable: bool) -> BTreeMap<&'static str, &'static [u8]> {
    let ends = |suffix: &str| -> &Outcome {
        let found: Vec<&Outcome> = r
            .items
            .iter()
            .filter(|i| i.name.ends_with(suffix))
            .map(|i| &i.outcome)
            .collect();
        match found[..] {
            [o] => o,
            _ => panic!("one item ending {suffix:?}: {:#?}", r.items),
        }
    };
    let (same, diff) = (ends("/same.txt"), ends("/diff.txt"));
    let done = |o: &Outcome| matches!(o, Outcome::Done { .. });
    let skipped = |o: &Outcome, why: Skip| matches!(o, Outcome::Skipped(w) if *w == why);
    let cancelled = |o: &Outcome| *o == Outcome::Cancelled;
    let before = BTreeMap::from([("same.txt", SAME), ("diff.txt", OLD)]);
    let choice = settle.choice();
    let ok = match choice {
        Choice::Overwrite | Choice::KeepBoth => done(same) && done(diff),
        Choice::Skip => skipped(same, Skip::Exists) && skipped(diff, Skip::Exists),
        Choice::SkipIdentical if provable => skipped(same, Skip::Identical) && done(diff),
        Choice::SkipIdentical => done(same) && done(diff),
        Choice::Cancel => cancelled(same) && cancelled(diff),
    };
    assert!(ok, "{settle:?}: {:#?}", r.items);
    let phase = if choice == Choice::Cancel {
        Phase::Cancelled
    } else {
        Phase::Done
    };
    assert_eq!(r.snap.phase, phase, "{settle:?}");
    match choice {
        Choice::Overwrite | Choice::SkipIdentical => {
            BTreeMap::from([("same.txt", SAME), ("diff.txt", NEW)])
        }
        Choice::Skip | Choice::Cancel => before,
        Choice::KeepBoth => BTreeMap::from([
            ("same.txt", SAME),
            ("diff.txt", OLD),
            ("same (1).txt", SAME),
            ("diff (1).txt", NEW),
        ]),
    }
}

/// 2001-09-09, a date no object in these tests has.
const LONG_AGO: i64 = 1_000_000_000;

fn set_mtime(path: &Path, secs: i64) {
    let t = std::time::UNIX_EPOCH + Duration::from_secs(secs as u64);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(t)
        .unwrap();
}

fn conflict_settings(settle: Settle) -> Settings {
    Settings {
        conflict: match settle {
            Settle::Fixed(p) => p,
            Settle::Ask(_) => Policy::Ask,
        },
        ..settings()
    }
}

fn files_of(t: BTreeMap<String, Entry>) -> BTreeMap<String, Vec<u8>> {
    t.into_iter()
        .map(|(k, e)| match e {
            Entry::File(d) => (k, d),
            e => panic!("{k}: {e:?}"),
        })
        .collect()
}

fn owned(m: BTreeMap<&str, &[u8]>, prefix: &str) -> BTreeMap<String, Vec<u8>> {
    m.into_iter()
        .map(|(k, v)| (format!("{prefix}{k}"), v.to_vec()))
        .collect()
}

on_servers!(download_conflicts: moto, radosgw, s3s, rustack);
async fn download_conflicts(s: &Server) {
    let b = s.bucket("cfd").await;
    s.put(&b, "cf/same.txt", SAME).await;
    s.put(&b, "cf/diff.txt", NEW).await;
    for settle in SETTLES {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("dest");
        write_files(
            &dest,
            &[
                ("cf/same.txt", SAME.to_vec()),
                ("cf/diff.txt", OLD.to_vec()),
            ],
        );
        // With an MD5 ETag the content decides, whatever the dates; without
        // one (s3s-fs lists none) the date pail sets on downloads does.
        let same_date = if s.caps.listing_etags {
            LONG_AGO
        } else {
            s.summary(&b, "cf/same.txt").await.modified.unwrap()
        };
        set_mtime(&dest.join("cf/same.txt"), same_date);
        set_mtime(&dest.join("cf/diff.txt"), LONG_AGO);
        let spec = download(&b, vec![prefix("cf/", "")], &dest);
        let (r, q) = run_settling(s.env(conflict_settings(settle)), spec, settle).await;
        if let Some(q) = q {
            let target = Path::new(&q.target);
            assert!(
                target == dest.join("cf/same.txt") || target == dest.join("cf/diff.txt"),
                "{q:?}"
            );
        }
        let want = settled(settle, &r, true);
        assert_eq!(
            files_of(tree(&dest.join("cf"))),
            owned(want, ""),
            "{settle:?}"
        );
    }
}

on_servers!(upload_conflicts: moto, radosgw, s3s, rustack);
async fn upload_conflicts(s: &Server) {
    let b = s.bucket("cfu").await;
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[
            ("up/same.txt", SAME.to_vec()),
            ("up/diff.txt", NEW.to_vec()),
        ],
    );
    for (i, settle) in SETTLES.into_iter().enumerate() {
        let p = format!("u{i}/");
        s.put(&b, &format!("{p}up/same.txt"), SAME).await;
        s.put(&b, &format!("{p}up/diff.txt"), OLD).await;
        let spec = upload(vec![tmp.path().join("up")], &b, &p);
        let (r, q) = run_settling(s.env(conflict_settings(settle)), spec, settle).await;
        if let Some(q) = q {
            assert!(
                q.target == format!("s3://{b}/{p}up/same.txt")
                    || q.target == format!("s3://{b}/{p}up/diff.txt"),
                "{q:?}"
            );
        }
        let want = owned(settled(settle, &r, true), &format!("{p}up/"));
        let mut got = BTreeMap::new();
        for k in s.keys(&b, &p).await {
            got.insert(k.clone(), s.get(&b, &k).await);
        }
        assert_eq!(got, want, "{settle:?}");
    }
}

on_servers!(copy_conflicts: moto, radosgw, s3s, rustack);
async fn copy_conflicts(s: &Server) {
    let b = s.bucket("cfc").await;
    s.put(&b, "src/same.txt", SAME).await;
    s.put(&b, "src/diff.txt", NEW).await;
    for (i, settle) in SETTLES.into_iter().enumerate() {
        let p = format!("c{i}/");
        s.put(&b, &format!("{p}src/same.txt"), SAME).await;
        s.put(&b, &format!("{p}src/diff.txt"), OLD).await;
        let spec = copy(&b, vec![prefix("src/", &p)], &b, false);
        let (r, q) = run_settling(s.env(conflict_settings(settle)), spec, settle).await;
        if let Some(q) = q {
            assert!(
                q.target == format!("s3://{b}/{p}src/same.txt")
                    || q.target == format!("s3://{b}/{p}src/diff.txt"),
                "{q:?}"
            );
        }
        let want = owned(
            settled(settle, &r, s.caps.listing_etags),
            &format!("{p}src/"),
        );
        let mut got = BTreeMap::new();
        for k in s.keys(&b, &p).await {
            got.insert(k.clone(), s.get(&b, &k).await);
        }
        assert_eq!(got, want, "{settle:?}");
    }
}

// 9. Faults on the wire (moto behind a proxy) -------------------------------

fn gets_of(p: &Proxy, key: &str) -> Vec<crate::common::proxy::Seen> {
    p.seen()
        .into_iter()
        .filter(|r| r.method == "GET" && r.target.split('?').next().unwrap().ends_with(key))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrupted_bodies_fail_the_integrity_check() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let b = s.bucket("corrupt").await;
    let small = data(300_000, 51);
    let big = data(11 * MIB, 52);
    s.put(&b, "c/always.bin", &small).await;
    s.put(&b, "c/once.bin", &small).await;
    s.put(&b, "c/ranged-once.bin", &big).await;
    let mut corrupted = BTreeSet::new();
    let proxy = Proxy::start(&s.endpoint, move |r| {
        let path = r.target.split('?').next().unwrap().to_owned();
        if r.method != "GET" {
            Fault::Pass
        } else if path.ends_with("/c/always.bin") || corrupted.insert(path) {
            Fault::Corrupt
        } else {
            Fault::Pass
        }
    })
    .await;
    let store = proxied(&proxy.endpoint, None).await;
    let retries = Settings {
        retries: 2,
        ..settings()
    };
    let tmp = tempfile::tempdir().unwrap();

    // Corrupt every time: the item fails, nothing is left behind.
    let dest = tmp.path().join("always");
    let always = s.summary(&b, "c/always.bin").await;
    let r = run(
        &env_with(store.clone(), retries.clone()),
        download(&b, vec![object(always.clone())], &dest),
    )
    .await;
    assert_eq!(r.snap.phase, Phase::Failed);
    match r.outcome("c/always.bin") {
        Outcome::Failed(why) => assert!(why.contains("integrity check failed"), "{why}"),
        o => panic!("{o:?}"),
    }
    assert_eq!(tree(&dest), BTreeMap::new(), "no file, no temp file");
    assert_eq!(gets_of(&proxy, "/c/always.bin").len(), 3, "1 + 2 retries");

    // ... and a file already there stays as it was.
    std::fs::write(dest.join("always.bin"), b"old").unwrap();
    let overwrite = Settings {
        conflict: Policy::Overwrite,
        ..retries.clone()
    };
    let r = run(
        &env_with(store.clone(), overwrite),
        download(&b, vec![object(always)], &dest),
    )
    .await;
    assert!(matches!(r.outcome("c/always.bin"), Outcome::Failed(_)));
    assert_eq!(
        tree(&dest),
        BTreeMap::from([("always.bin".to_string(), file(b"old"))])
    );

    // Corrupt once: the retry gets it right, in one GET or in ranges.
    let dest = tmp.path().join("once");
    let once = s.summary(&b, "c/once.bin").await;
    let r = run(
        &env_with(store.clone(), retries.clone()),
        download(&b, vec![object(once)], &dest),
    )
    .await;
    r.assert_done(1);
    assert_eq!(std::fs::read(dest.join("once.bin")).unwrap(), small);
    assert_eq!(gets_of(&proxy, "/c/once.bin").len(), 2);

    let ranged = Settings {
        multipart_threshold: M,
        part_size: 5 * M,
        ..retries
    };
    let obj = s.summary(&b, "c/ranged-once.bin").await;
    let r = run(
        &env_with(store, ranged),
        download(&b, vec![object(obj)], &dest),
    )
    .await;
    r.assert_done(1);
    assert!(std::fs::read(dest.join("ranged-once.bin")).unwrap() == big);
    assert_eq!(
        tree(&dest).into_keys().collect::<Vec<_>>(),
        ["once.bin", "ranged-once.bin"],
        "no temp file left by the failed attempts"
    );
    let gets = gets_of(&proxy, "/c/ranged-once.bin");
    assert!(
        gets.len() == 6 && gets.iter().all(|g| g.range.is_some()),
        "3 ranges, all again after the check failed: {gets:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_down_answers_are_retried() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let b = s.bucket("slowdown").await;
    let body = data(200_000, 53);
    s.put(&b, "s/obj.bin", &body).await;
    let mut n = 0;
    let proxy = Proxy::start(&s.endpoint, move |r| {
        if r.method == "GET" {
            n += 1;
            if n <= 4 {
                return Fault::SlowDown;
            }
        }
        Fault::Pass
    })
    .await;
    // The SDK retries 503s itself (3 attempts), the engine once more.
    let store = proxied(&proxy.endpoint, None).await;
    let tmp = tempfile::tempdir().unwrap();
    let obj = s.summary(&b, "s/obj.bin").await;
    let r = run(
        &env_with(store, settings()),
        download(&b, vec![object(obj)], tmp.path()),
    )
    .await;
    r.assert_done(1);
    assert_eq!(
        tree(tmp.path()),
        BTreeMap::from([("obj.bin".to_string(), file(&body))])
    );
    let faults: Vec<Fault> = gets_of(&proxy, "/s/obj.bin")
        .iter()
        .map(|g| g.fault)
        .collect();
    assert_eq!(
        faults,
        [
            Fault::SlowDown,
            Fault::SlowDown,
            Fault::SlowDown,
            Fault::SlowDown,
            Fault::Pass
        ]
    );
    eprintln!("4 × 503 SlowDown, then done in {:?}", r.took);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_mid_body_is_resumed() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let b = s.bucket("reset").await;
    let small = data(3 * MIB, 54);
    let big = data(11 * MIB, 55);
    s.put(&b, "r/whole.bin", &small).await;
    s.put(&b, "r/ranged.bin", &big).await;
    let mut cut = BTreeSet::new();
    let proxy = Proxy::start(&s.endpoint, move |r| {
        let path = r.target.split('?').next().unwrap().to_owned();
        if r.method == "GET" && cut.insert(path) {
            Fault::Reset
        } else {
            Fault::Pass
        }
    })
    .await;
    let store = proxied(&proxy.endpoint, None).await;
    let tmp = tempfile::tempdir().unwrap();

    // One GET, cut halfway: resumed from where it broke off.
    let obj = s.summary(&b, "r/whole.bin").await;
    let r = run(
        &env_with(store.clone(), settings()),
        download(&b, vec![object(obj)], tmp.path()),
    )
    .await;
    r.assert_done(1);
    assert!(std::fs::read(tmp.path().join("whole.bin")).unwrap() == small);
    let gets = gets_of(&proxy, "/r/whole.bin");
    eprintln!("one GET cut mid-body: {gets:?}");
    assert_eq!(gets.len(), 2, "{gets:#?}");
    assert_eq!(gets[0].range, None);
    let resumed_at: u64 = gets[1]
        .range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.split('-').next())
        .and_then(|n| n.parse().ok())
        .expect("the second GET is ranged");
    assert!(resumed_at > 0, "resumed, not restarted: {gets:#?}");

    // Parallel ranges, one cut: that range again.
    let ranged = Settings {
        multipart_threshold: M,
        part_size: 5 * M,
        ..settings()
    };
    let obj = s.summary(&b, "r/ranged.bin").await;
    let r = run(
        &env_with(store, ranged),
        download(&b, vec![object(obj)], tmp.path()),
    )
    .await;
    r.assert_done(1);
    assert!(std::fs::read(tmp.path().join("ranged.bin")).unwrap() == big);
    assert_eq!(
        tree(tmp.path()).into_keys().collect::<Vec<_>>(),
        ["ranged.bin", "whole.bin"],
        "no temp file left by the broken attempts"
    );
    let gets = gets_of(&proxy, "/r/ranged.bin");
    assert_eq!(gets.len(), 4, "3 ranges, one twice: {gets:#?}");
    assert_eq!(gets[0].fault, Fault::Reset);
    assert_eq!(
        gets.iter().filter(|g| g.range == gets[0].range).count(),
        2,
        "the cut range again: {gets:#?}"
    );
}

// 10. A server killed mid-download ------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_download_leaves_the_old_file() {
    let Some(mut moto) = MotoProcess::start().await else {
        return;
    };
    let c = moto_sdk(&moto.endpoint);
    let b = bucket("killed");
    create_bucket(&c, &b).await;
    let body = data(30 * MIB, 61);
    put(&c, &b, "big.bin", &body).await;
    // One attempt per request and few retries: the test is about what is
    // left behind, not how long pail keeps trying a dead server.
    let store: Arc<dyn Store> = Arc::new(
        AwsStore::connect(ConnectOptions {
            endpoint_url: Some(moto.endpoint.clone()),
            region: Some("us-east-1".into()),
            static_credentials: Some(("testing".into(), "testing".into())),
            max_attempts: Some(1),
            read_timeout: Some(Duration::from_secs(5)),
            ..Default::default()
        })
        .await,
    );
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    std::fs::create_dir(&dest).unwrap();
    std::fs::write(dest.join("big.bin"), b"the old file").unwrap();
    let settings = Settings {
        conflict: Policy::Overwrite,
        bandwidth_limit: Some(8 * M),
        retries: 2,
        ..settings()
    };
    let obj = store
        .list_page(&ListRequest::recursive(&b, "", 10))
        .await
        .unwrap()
        .objects
        .remove(0);
    let env = env_with(store, settings);
    let job = {
        let env = env.clone();
        let spec = download(&b, vec![object(obj)], &dest);
        tokio::spawn(async move { run(&env, spec).await })
    };
    let t = Instant::now();
    while env.progress.snapshot().bytes_done < 2 * M {
        assert!(!job.is_finished(), "the download ended before the kill");
        assert!(t.elapsed() < Duration::from_secs(30), "no progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    moto.kill();
    let killed = Instant::now();
    let r = job.await.unwrap();
    eprintln!(
        "killed after {} bytes; the job ended {:?} later: {:?}",
        r.snap.bytes_done,
        killed.elapsed(),
        r.items
    );
    assert_eq!(r.snap.phase, Phase::Failed);
    assert!(matches!(r.outcome("big.bin"), Outcome::Failed(_)));
    assert_eq!(
        tree(&dest),
        BTreeMap::from([("big.bin".to_string(), file(b"the old file"))]),
        "only the old file, untouched"
    );
}

// 11. Cancel mid-multipart upload -------------------------------------------

on_servers!(cancel_mid_multipart_upload: moto, radosgw, s3s, rustack);
async fn cancel_mid_multipart_upload(s: &Server) {
    let b = s.bucket("cancel").await;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("big.bin"), data(30 * MIB, 71)).unwrap();
    let settings = Settings {
        multipart_threshold: 5 * M,
        part_size: 5 * M,
        bandwidth_limit: Some(5 * M),
        ..settings()
    };
    let env = s.env(settings);
    let job = {
        let env = env.clone();
        let spec = upload(vec![tmp.path().join("big.bin")], &b, "up/");
        tokio::spawn(async move { run(&env, spec).await })
    };
    let t = Instant::now();
    while env.progress.snapshot().bytes_done < 5 * M {
        assert!(!job.is_finished(), "the upload ended before the cancel");
        assert!(t.elapsed() < Duration::from_secs(30), "no part in 30 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let cancelled = Instant::now();
    env.cancel.cancel();
    let r = job.await.unwrap();
    eprintln!(
        "{}: cancelled after {} bytes; the job ended {:?} later: {:?}",
        s.name,
        r.snap.bytes_done,
        cancelled.elapsed(),
        r.items
    );
    assert_eq!(r.snap.phase, Phase::Cancelled);
    assert_eq!(
        r.outcome(&tmp.path().join("big.bin").display().to_string()),
        &Outcome::Cancelled
    );
    assert_eq!(s.keys(&b, "").await, BTreeSet::new(), "no object");
    if s.caps.list_uploads {
        assert_eq!(s.store.open_uploads(&b, "").await.unwrap(), []);
    }
    if let Some(root) = s.s3s_root() {
        let left: Vec<String> = std::fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".upload"))
            .collect();
        assert_eq!(left, Vec::<String>::new(), "s3s-fs keeps no upload");
    }
}

// 12. Local safety ----------------------------------------------------------

on_servers!(unsafe_keys_never_leave_the_destination: moto, radosgw, rustack);
async fn unsafe_keys_never_leave_the_destination(s: &Server) {
    let b = s.bucket("safety").await;
    let keys = [
        "../../x",
        "a/../../b",
        "prefix/..",
        "/abs",
        "//x",
        "a//b",
        "a/b",
        "a",
        "file..txt",
        "sub/x.txt",
        "ok/fine.txt",
    ];
    for k in keys {
        s.put(&b, k, k.as_bytes()).await;
    }
    assert_eq!(
        s.keys(&b, "").await,
        keys.iter().map(|k| k.to_string()).collect(),
        "stored as sent"
    );
    let root = tempfile::tempdir().unwrap();
    let outside = root.path().join("outside");
    let dest = root.path().join("work/dest");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(&dest).unwrap();
    std::os::unix::fs::symlink(&outside, dest.join("sub")).unwrap();

    let r = run(
        &s.env(settings()),
        download(&b, vec![prefix("", "")], &dest),
    )
    .await;
    assert_eq!(r.snap.phase, Phase::Failed, "{:#?}", r.items);
    for (k, why) in [
        ("../../x", "'..'"),
        ("a/../../b", "'..'"),
        ("prefix/..", "'..'"),
        ("/abs", "absolute"),
        ("//x", "absolute"),
        ("a//b", "empty segment"),
    ] {
        match r.outcome(k) {
            Outcome::Refused(Refusal::UnsafeName(w)) => assert!(w.contains(why), "{k}: {w}"),
            o => panic!("{k}: {o:?}"),
        }
    }
    for k in ["file..txt", "ok/fine.txt"] {
        assert!(matches!(r.outcome(k), Outcome::Done { .. }), "{k}");
    }
    match r.outcome("sub/x.txt") {
        Outcome::Failed(w) => assert!(w.contains("symlink"), "{w}"),
        o => panic!("sub/x.txt: {o:?}"),
    }
    // `a` and `a/b` cannot both be: whichever came first won.
    let mut want = BTreeMap::from([
        ("outside".to_string(), Entry::Dir),
        ("work".into(), Entry::Dir),
        ("work/dest".into(), Entry::Dir),
        ("work/dest/sub".into(), Entry::Link(outside.clone())),
        ("work/dest/file..txt".into(), file(b"file..txt")),
        ("work/dest/ok".into(), Entry::Dir),
        ("work/dest/ok/fine.txt".into(), file(b"ok/fine.txt")),
    ]);
    match (r.outcome("a"), r.outcome("a/b")) {
        (Outcome::Done { .. }, Outcome::Failed(w)) => {
            assert!(w.contains("in the way"), "{w}");
            want.insert("work/dest/a".into(), file(b"a"));
        }
        (Outcome::Failed(w), Outcome::Done { .. }) => {
            assert!(w.contains("in the way"), "{w}");
            want.insert("work/dest/a".into(), Entry::Dir);
            want.insert("work/dest/a/b".into(), file(b"a/b"));
        }
        other => panic!("a, a/b: {other:?}"),
    }
    assert_eq!(tree(root.path()), want, "nothing outside the destination");
}

// 11b. Cancel mid-download ---------------------------------------------------

on_servers!(cancel_mid_download: moto, radosgw, s3s, rustack);
async fn cancel_mid_download(s: &Server) {
    let b = s.bucket("cancel-dl").await;
    let body = data(20 * MIB, 72);
    s.put(&b, "big.bin", &body).await;
    let obj = s.summary(&b, "big.bin").await;
    for (how, threshold) in [("one GET", 64 * M), ("ranged", M)] {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("dest");
        std::fs::create_dir(&dest).unwrap();
        std::fs::write(dest.join("big.bin"), b"the old file").unwrap();
        let settings = Settings {
            multipart_threshold: threshold,
            part_size: 5 * M,
            bandwidth_limit: Some(5 * M),
            conflict: Policy::Overwrite,
            ..settings()
        };
        let env = s.env(settings);
        let job = {
            let env = env.clone();
            let spec = download(&b, vec![object(obj.clone())], &dest);
            tokio::spawn(async move { run(&env, spec).await })
        };
        let t = Instant::now();
        while env.progress.snapshot().bytes_done < 2 * M {
            assert!(!job.is_finished(), "{how}: ended before the cancel");
            assert!(t.elapsed() < Duration::from_secs(30), "{how}: no progress");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let cancelled = Instant::now();
        env.cancel.cancel();
        let r = job.await.unwrap();
        eprintln!(
            "{}: {how} download cancelled; the job ended {:?} later: {:?}",
            s.name,
            cancelled.elapsed(),
            r.items
        );
        assert_eq!(r.snap.phase, Phase::Cancelled, "{how}");
        assert_eq!(r.outcome("big.bin"), &Outcome::Cancelled, "{how}");
        assert_eq!(
            tree(&dest),
            BTreeMap::from([("big.bin".to_string(), file(b"the old file"))]),
            "{how}: only the old file, untouched"
        );
    }
}
