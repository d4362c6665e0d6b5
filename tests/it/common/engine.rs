//! Driving the transfer engine against real servers: which servers this run
//! has and what each can hold, a job run to its end with its outcomes, the
//! local tree a download left, and a moto of our own to kill.

use super::*;
use pail::engine::limit::Limiter;
use pail::engine::{self, Env, Item, Outcome, Phase, Policy, Scheduler, Settings, Snapshot, Spec};
use pail::store::{ObjectSummary, Store};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const MIB: usize = 1024 * 1024;

/// What a server can hold or answer, so a scenario skips only the part it
/// cannot run there (never weakening what it checks where it runs).
#[derive(Clone, Copy, Debug)]
pub struct Caps {
    /// Keys with `\n` (moto's router 404s them).
    pub newline_keys: bool,
    /// Zero-byte `dir/` markers (s3s-fs answers 500).
    pub folder_markers: bool,
    /// Object tags set with the Tagging header of PutObject.
    pub tagging: bool,
    /// ... and of CreateMultipartUpload (radosgw 16 drops them there).
    pub multipart_tags: bool,
    /// ListMultipartUploads (s3s-fs has none).
    pub list_uploads: bool,
    /// Keys with `..`, `.` or empty segments stored as sent (s3s-fs
    /// rewrites them).
    pub dot_segments: bool,
    /// Listings carry ETags (s3s-fs's do not).
    pub listing_etags: bool,
}

pub struct Server {
    /// "moto", "radosgw" or "s3s-fs".
    pub name: &'static str,
    pub endpoint: String,
    pub key: String,
    pub secret: String,
    pub sdk: aws_sdk_s3::Client,
    pub store: Arc<dyn Store>,
    pub caps: Caps,
    _demo: Option<(crate::common::s3s_fs::DemoServer, tempfile::TempDir)>,
    _rustack: Option<pail::demo::VersionedServer>,
}

impl Server {
    async fn new(
        name: &'static str,
        endpoint: String,
        key: &str,
        secret: &str,
        caps: Caps,
    ) -> Server {
        let store = store(&endpoint, "us-east-1", key, secret).await;
        Server {
            name,
            sdk: sdk(&endpoint, "us-east-1", key, secret),
            endpoint,
            key: key.to_owned(),
            secret: secret.to_owned(),
            store: Arc::new(store),
            caps,
            _demo: None,
            _rustack: None,
        }
    }

    /// moto from scripts/test.sh, if this run has it.
    pub async fn moto() -> Option<Server> {
        let ep = moto()?;
        let caps = Caps {
            newline_keys: false,
            folder_markers: true,
            tagging: true,
            multipart_tags: true,
            list_uploads: true,
            dot_segments: true,
            listing_etags: true,
        };
        Some(Server::new("moto", ep, "testing", "testing", caps).await)
    }

    /// radosgw from scripts/test.sh (checks signatures), if this run has it.
    pub async fn radosgw() -> Option<Server> {
        let ep = radosgw()?;
        let caps = Caps {
            newline_keys: true,
            folder_markers: true,
            tagging: true,
            multipart_tags: false,
            list_uploads: true,
            dot_segments: true,
            listing_etags: true,
        };
        Some(Server::new("radosgw", ep, "bench", "benchsecret", caps).await)
    }

    /// s3s-fs in this process (checks signatures); always there.
    pub async fn s3s() -> Option<Server> {
        use pail::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY};
        let dir = tempfile::tempdir().unwrap();
        let demo = crate::common::s3s_fs::serve(dir.path()).await.unwrap();
        let caps = Caps {
            newline_keys: true,
            folder_markers: false,
            tagging: false,
            multipart_tags: false,
            list_uploads: false,
            dot_segments: false,
            listing_etags: false,
        };
        let mut s = Server::new(
            "s3s-fs",
            demo.endpoint(),
            DEMO_ACCESS_KEY,
            DEMO_SECRET_KEY,
            caps,
        )
        .await;
        s._demo = Some((demo, dir));
        Some(s)
    }

    /// rustack in this process (checks signatures), the `pail --demo`
    /// server; always there.
    pub async fn rustack() -> Option<Server> {
        use pail::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY};
        let demo = pail::demo::serve_versioned().await.unwrap();
        let caps = Caps {
            newline_keys: true,
            folder_markers: true,
            tagging: true,
            multipart_tags: true,
            list_uploads: true,
            dot_segments: true,
            listing_etags: true,
        };
        let mut s = Server::new(
            "rustack",
            demo.endpoint(),
            DEMO_ACCESS_KEY,
            DEMO_SECRET_KEY,
            caps,
        )
        .await;
        s._rustack = Some(demo);
        Some(s)
    }

    /// A new bucket unique to this test process.
    pub async fn bucket(&self, name: &str) -> String {
        let b = bucket(name);
        create_bucket(&self.sdk, &b).await;
        b
    }

    pub async fn put(&self, bucket: &str, key: &str, body: &[u8]) {
        put(&self.sdk, bucket, key, body).await
    }

    /// The object's bytes, read with the SDK (not through pail).
    pub async fn get(&self, bucket: &str, key: &str) -> Vec<u8> {
        let out = self
            .sdk
            .get_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "{}: get {key:?}: {}",
                    self.name,
                    aws_sdk_s3::error::DisplayErrorContext(&e)
                )
            });
        out.body.collect().await.unwrap().into_bytes().to_vec()
    }

    /// The object as a listing shows it, as the UI hands it to a job.
    pub async fn summary(&self, bucket: &str, key: &str) -> ObjectSummary {
        let mut req = pail::store::ListRequest::recursive(bucket, key, 1000);
        loop {
            let page = self.store.list_page(&req).await.expect("list");
            if let Some(o) = page.objects.into_iter().find(|o| o.key == key) {
                return o;
            }
            match page.next {
                Some(t) => req.token = Some(t),
                None => panic!("{}: {key:?} is not listed", self.name),
            }
        }
    }

    /// Every key under `prefix`, re-listed from the server.
    pub async fn keys(&self, bucket: &str, prefix: &str) -> BTreeSet<String> {
        let (_, objects) = scenarios::list_all(&*self.store, bucket, prefix, None, 1000).await;
        objects.into_iter().collect()
    }

    /// Whether the server refuses a PutObject with `If-None-Match: *` onto
    /// a key that exists (AWS, moto, radosgw do; s3s-fs and rustack
    /// write over it).
    pub fn conditional_put(&self) -> bool {
        matches!(self.name, "moto" | "radosgw")
    }

    pub fn env(&self, settings: Settings) -> Env {
        env_with(self.store.clone(), settings)
    }

    /// s3s-fs's directory, where it keeps multipart uploads in progress as
    /// `.upload-ID.json` and `.upload_id-ID.part-N` (it cannot list them).
    pub fn s3s_root(&self) -> Option<&Path> {
        self._demo.as_ref().map(|(_, dir)| dir.path())
    }
}

/// Settings for tests: a few requests in flight, and conflicts skipped, so
/// an unexpected one shows up as a skipped item instead of a job that waits
/// for an answer nobody gives.
pub fn settings() -> Settings {
    Settings {
        concurrency: 8,
        conflict: Policy::Skip,
        ..Settings::default()
    }
}

/// An environment as the TUI makes one: its own scheduler and limiter.
pub fn env_with(store: Arc<dyn Store>, settings: Settings) -> Env {
    let limiter = settings.bandwidth_limit.map(|r| Arc::new(Limiter::new(r)));
    let settings = Arc::new(settings);
    let sched = Scheduler::new(settings.concurrency);
    Env::new(store, settings, &sched, limiter)
}

/// How a job ended.
#[derive(Debug)]
pub struct Run {
    pub snap: Snapshot,
    pub items: Vec<Item>,
    pub took: Duration,
}

impl Run {
    /// The one item named `name`.
    pub fn outcome(&self, name: &str) -> &Outcome {
        let found: Vec<&Item> = self.items.iter().filter(|i| i.name == name).collect();
        match found[..] {
            [one] => &one.outcome,
            _ => panic!("{} items named {name:?} in {:#?}", found.len(), self.items),
        }
    }

    /// Every one of `n` items done, the job done.
    pub fn assert_done(&self, n: usize) {
        let not_done: Vec<&Item> = self
            .items
            .iter()
            .filter(|i| !matches!(i.outcome, Outcome::Done { .. }))
            .collect();
        assert!(not_done.is_empty(), "not done: {not_done:#?}");
        assert_eq!(self.items.len(), n, "{:#?}", self.items);
        assert_eq!(self.snap.phase, Phase::Done, "{:?}", self.snap);
        assert_eq!(self.snap.objects_done, n as u64, "{:?}", self.snap);
    }

    pub fn names(&self) -> BTreeSet<String> {
        self.items.iter().map(|i| i.name.clone()).collect()
    }
}

/// Runs `spec` to its end (bounded: a hang fails the test).
pub async fn run(env: &Env, spec: Spec) -> Run {
    let t = Instant::now();
    tokio::time::timeout(Duration::from_secs(120), engine::run(env, spec))
        .await
        .expect("the job did not end within 120 s");
    Run {
        snap: env.progress.snapshot(),
        items: env.progress.drain_items(),
        took: t.elapsed(),
    }
}

/// Deterministic bytes that do not compress and differ by seed.
pub fn data(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// One entry of a local tree, seen without following symlinks.
#[derive(Clone, PartialEq, Eq)]
pub enum Entry {
    File(Vec<u8>),
    Dir,
    Link(PathBuf),
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Entry::File(d) if d.len() > 64 => write!(f, "File({} bytes)", d.len()),
            Entry::File(d) => write!(f, "File({:?})", String::from_utf8_lossy(d)),
            Entry::Dir => write!(f, "Dir"),
            Entry::Link(t) => write!(f, "Link({t:?})"),
        }
    }
}

/// Everything under `root`, by `/`-joined relative path.
pub fn tree(root: &Path) -> BTreeMap<String, Entry> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Entry>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let path = e.path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let ft = e.file_type().unwrap();
            if ft.is_symlink() {
                out.insert(rel, Entry::Link(std::fs::read_link(&path).unwrap()));
            } else if ft.is_dir() {
                out.insert(rel, Entry::Dir);
                walk(root, &path, out);
            } else {
                out.insert(rel, Entry::File(std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    if root.exists() {
        walk(root, root, &mut out);
    }
    out
}

/// A file's modification time in whole seconds since the epoch.
pub fn mtime_secs(path: &Path) -> i64 {
    std::fs::metadata(path)
        .unwrap()
        .modified()
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A moto server of our own, for a test that kills it.
pub struct MotoProcess {
    pub endpoint: String,
    child: std::process::Child,
}

impl MotoProcess {
    /// Starts moto from the venv scripts/test.sh installs; `None` (a skip)
    /// when this run has no moto.
    pub async fn start() -> Option<MotoProcess> {
        moto()?;
        let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/venv-moto/bin/moto_server");
        assert!(
            bin.exists(),
            "{} is missing: run scripts/test.sh",
            bin.display()
        );
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let child = std::process::Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start moto_server");
        let m = MotoProcess {
            endpoint: format!("http://127.0.0.1:{port}"),
            child,
        };
        for _ in 0..150 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Some(m);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("moto_server did not listen on {port} within 15 s");
    }

    /// SIGKILL, as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for MotoProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A store that talks to `endpoint` (the proxy) as moto's client.
pub async fn proxied(endpoint: &str, max_attempts: Option<u32>) -> Arc<dyn Store> {
    Arc::new(
        AwsStore::connect(ConnectOptions {
            endpoint_url: Some(endpoint.to_owned()),
            region: Some("us-east-1".into()),
            static_credentials: Some(("testing".into(), "testing".into())),
            max_attempts,
            ..Default::default()
        })
        .await,
    )
}
