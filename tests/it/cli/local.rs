//! The local side when something goes wrong under `pail cp`: killed with
//! SIGKILL mid-download, a destination that fills up, one that is
//! read-only. The release binary runs as a script runs it; what is checked
//! is the folder afterwards, the exit status, each item's reason, and how
//! many GETs the store saw (through the pass-through proxy), never how
//! long anything took.
//!
//! Both ways of writing a download are covered, since they leave different
//! things behind: O_TMPFILE, pail's default where the file system has it
//! (ext4 and tmpfs here), and the named `.NAME.pail-PID-XXXXXX.tmp`
//! it falls back to elsewhere. The named way is reached with no switch in
//! pail: the child runs in a mount namespace of its own with an empty
//! /proc over the real one, and pail, which needs /proc/self/fd to give an
//! O_TMPFILE file its name, then writes named temps as it does on a file
//! system without O_TMPFILE (the kill test sees them appear). That, and
//! the small tmpfs the disk test mounts, need root (CAP_SYS_ADMIN):
//! without it those tests print why and return.

use crate::cli::harness::{Pail, Run, finish};
use crate::common::engine::{MIB, Server, data};
use crate::common::proxy::{Fault, Proxy};
use std::collections::BTreeMap;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// How the child pail writes its temp files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Temps {
    Tmpfile,
    Named,
}

fn check(r: libc::c_int) -> std::io::Result<()> {
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Makes `cmd` run with /proc hidden (see the module doc).
fn hide_proc(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: between fork and exec only system calls are made (no
    // allocation, no locks); an error is returned and spawn fails.
    unsafe {
        cmd.pre_exec(|| {
            check(libc::unshare(libc::CLONE_NEWNS))?;
            // Private first, so the mount below cannot reach the
            // machine's own /proc through shared propagation.
            check(libc::mount(
                c"none".as_ptr(),
                c"/".as_ptr(),
                std::ptr::null(),
                libc::MS_REC | libc::MS_PRIVATE,
                std::ptr::null(),
            ))?;
            check(libc::mount(
                c"pail-no-proc".as_ptr(),
                c"/proc".as_ptr(),
                c"tmpfs".as_ptr(),
                0,
                c"size=4k,mode=555".as_ptr().cast(),
            ))
        });
    }
}

/// Whether this machine lets a child hide /proc; says why not.
fn can_hide_proc() -> bool {
    let mut cmd = Command::new("true");
    hide_proc(&mut cmd);
    match cmd.status() {
        Ok(s) if s.success() => true,
        r => {
            eprintln!("skipped (named temps): cannot hide /proc in a mount namespace: {r:?}");
            false
        }
    }
}

/// A small tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs {
    dir: CString,
}

impl Tmpfs {
    /// Mounts `size` (as `mount -o size=` takes it) on `dir`; None, saying
    /// why, where this machine does not allow it.
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        let c = CString::new(dir.as_os_str().as_bytes()).unwrap();
        let opts = CString::new(format!("size={size}")).unwrap();
        // SAFETY: every pointer is a NUL-terminated string that outlives the call.
        let r = check(unsafe {
            libc::mount(
                c"pail-test".as_ptr(),
                c.as_ptr(),
                c"tmpfs".as_ptr(),
                0,
                opts.as_ptr().cast(),
            )
        });
        match r {
            Ok(()) => Some(Tmpfs { dir: c }),
            Err(e) => {
                eprintln!("skipped: cannot mount a tmpfs on {}: {e}", dir.display());
                None
            }
        }
    }

    fn read_only(&self) {
        // SAFETY: as in `mount`; NULL source and data keep what is there.
        check(unsafe {
            libc::mount(
                std::ptr::null(),
                self.dir.as_ptr(),
                std::ptr::null(),
                libc::MS_REMOUNT | libc::MS_RDONLY,
                std::ptr::null(),
            )
        })
        .expect("remount read-only");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // SAFETY: a NUL-terminated path. Detached, so a file still open
        // somewhere cannot keep the mount on the machine.
        unsafe { libc::umount2(self.dir.as_ptr(), libc::MNT_DETACH) };
    }
}

/// Every entry of `dir` (not below), with its bytes if short, else its
/// size (a failure message must stay readable).
fn listing(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().into_string().unwrap();
            let data = std::fs::read(e.path()).unwrap_or_default();
            (name, shown(&data))
        })
        .collect()
}

fn shown(data: &[u8]) -> String {
    if data.len() <= 64 {
        String::from_utf8_lossy(data).into_owned()
    } else {
        format!("{} bytes", data.len())
    }
}

fn spawn(p: &Pail, args: &[&str], temps: Temps) -> Child {
    let mut cmd = p.command(args);
    if temps == Temps::Named {
        hide_proc(&mut cmd);
    }
    cmd.stdin(Stdio::null()).spawn().unwrap()
}

/// `--json` item lines by name (`s3://bucket/key`): (outcome, reason).
fn items(r: &Run) -> BTreeMap<String, (String, String)> {
    String::from_utf8_lossy(&r.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["type"] == "item")
        .map(|v| {
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
            (s("name"), (s("outcome"), s("reason")))
        })
        .collect()
}

fn gets(proxy: &Proxy, key: &str) -> usize {
    proxy
        .seen()
        .iter()
        .filter(|r| r.method == "GET" && r.target.split('?').next().unwrap().ends_with(key))
        .count()
}

/// Waits (while pail runs) until `found` sees the download writing.
fn until_writing(child: &mut Child, what: &str, mut found: impl FnMut() -> bool) {
    while !found() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("pail ended ({status}) before {what}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// SIGKILL, and the zombie reaped (a zombie's pid still exists).
fn kill_9(mut child: Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Whether a file holds downloaded bytes: blocks, not its length, since a
/// ranged download sets the length before any byte arrives.
fn holds_data(m: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    m.blocks() > 0
}

/// Whether the process `pid` has an O_TMPFILE file (a deleted inode under
/// `dir`) open that holds data yet.
fn tmpfile_with_data(pid: u32, dir: &Path) -> bool {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return false;
    };
    fds.flatten().any(|fd| {
        std::fs::read_link(fd.path())
            .is_ok_and(|t| t.starts_with(dir) && t.to_string_lossy().ends_with(" (deleted)"))
            && std::fs::metadata(fd.path()).is_ok_and(|m| holds_data(&m))
    })
}

const SLOW: &str = "[transfers]\nbandwidth_limit = \"4MiB/s\"\n";

/// What the user had in the folder before the download.
fn before(dl: &Path) -> BTreeMap<String, String> {
    std::fs::write(dl.join("big.bin"), b"the old file").unwrap();
    std::fs::write(dl.join("notes.txt"), b"mine").unwrap();
    // An older pail's temp: no pid in its name, so nothing says its writer
    // is gone. It is never removed.
    std::fs::write(dl.join(".big.bin.pail-k3x9q2.tmp"), b"older").unwrap();
    listing(dl)
}

/// `kill -9` mid-download with O_TMPFILE: the folder is as it was, old
/// file included, with nothing to clean up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_download_with_o_tmpfile_leaves_the_folder_as_it_was() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&s);
    p.config(SLOW);
    let b = s.bucket("cli-kill-tmpfile").await;
    s.put(&b, "big.bin", &data(40 * MIB, 31)).await;
    let dl = p.dir("dl").canonicalize().unwrap();
    let was = before(&dl);
    let mut child = spawn(
        &p,
        &["cp", &format!("s3://{b}/big.bin"), "dl/"],
        Temps::Tmpfile,
    );
    let pid = child.id();
    until_writing(&mut child, "an O_TMPFILE file held data", || {
        tmpfile_with_data(pid, &dl)
    });
    kill_9(child);
    assert_eq!(listing(&dl), was, "the folder as it was");
}

/// `kill -9` mid-download with named temps leaves the temp; the next pail
/// that writes into the folder removes it (its writer is gone) and
/// nothing else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_download_with_named_temps_is_cleaned_by_the_next_pail() {
    let Some(s) = Server::moto().await else {
        return;
    };
    if !can_hide_proc() {
        return;
    }
    let p = Pail::for_server(&s);
    p.config(SLOW);
    let b = s.bucket("cli-kill-named").await;
    s.put(&b, "big.bin", &data(40 * MIB, 32)).await;
    s.put(&b, "small.txt", b"small").await;
    let dl = p.dir("dl");
    let was = before(&dl);
    let mut child = spawn(
        &p,
        &["cp", &format!("s3://{b}/big.bin"), "dl/"],
        Temps::Named,
    );
    let pid = child.id();
    let new_temps = || -> Vec<String> {
        std::fs::read_dir(&dl)
            .unwrap()
            .flatten()
            .filter(|e| e.metadata().is_ok_and(|m| holds_data(&m)))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| {
                !was.contains_key(n) && n.starts_with(".big.bin.pail-") && n.ends_with(".tmp")
            })
            .collect()
    };
    until_writing(&mut child, "a named temp held data", || {
        !new_temps().is_empty()
    });
    kill_9(child);
    let left = new_temps();
    assert_eq!(left.len(), 1, "kill -9 left the temp: {left:?}");

    let r = p.run(&["cp", &format!("s3://{b}/small.txt"), "dl/"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut want = was;
    want.insert("small.txt".into(), "small".into());
    assert_eq!(
        listing(&dl),
        want,
        "the dead pail's temp went, nothing else"
    );
    assert!(
        left[0].starts_with(&format!(".big.bin.pail-{pid}-")),
        "the temp named its writer: {left:?}"
    );
}

/// A destination with no room: the item that does not fit fails at once
/// (one GET, whether it streams whole or in ranges) saying so, its temp is
/// gone (so the next item fits), the small one lands, and `pail cp` exits
/// 1. Then the same folder read-only: the item fails before any GET,
/// saying so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_or_read_only_destination_fails_the_item_at_once() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let b = s.bucket("cli-full").await;
    let small = data(100_000, 33);
    s.put(&b, "big.bin", &data(3 * MIB, 34)).await;
    s.put(&b, "ranged.bin", &data(24 * MIB, 35)).await;
    s.put(&b, "small.txt", &small).await;
    let uri = |k: &str| format!("s3://{b}/{k}");
    let mut modes = vec![Temps::Tmpfile];
    if can_hide_proc() {
        modes.push(Temps::Named);
    }
    for temps in modes {
        let proxy = Proxy::start(&s.endpoint, |_| Fault::Pass).await;
        let p = Pail::new(&proxy.endpoint, &s.key, &s.secret);
        // One item at a time, in the order given; ranged.bin in 5 ranges.
        p.config("[transfers]\nmultipart_threshold = \"8MiB\"\npart_size = \"5MiB\"\n");
        let dl = p.dir("dl");
        let Some(fs) = Tmpfs::mount(&dl, "1m") else {
            return;
        };
        let args = ["cp", "--json", "--concurrency", "1"];
        let sources = [uri("big.bin"), uri("ranged.bin"), uri("small.txt")];
        let mut all: Vec<&str> = args.to_vec();
        all.extend(sources.iter().map(String::as_str));
        all.push("dl/");
        let r = finish(spawn(&p, &all, temps));
        assert_eq!(r.code, 1, "{temps:?}: {}", r.stderr);
        let got = items(&r);
        for k in ["big.bin", "ranged.bin"] {
            let (outcome, reason) = &got[&uri(k)];
            assert_eq!(outcome, "failed", "{temps:?} {k}: {got:?}");
            assert!(
                reason.contains("No space left on device"),
                "{temps:?} {k}: {reason}"
            );
            assert_eq!(
                gets(&proxy, &format!("/{k}")),
                1,
                "{temps:?} {k}: not retried"
            );
        }
        assert_eq!(got[&uri("small.txt")].0, "done", "{temps:?}: {got:?}");
        assert_eq!(
            listing(&dl),
            BTreeMap::from([("small.txt".to_string(), shown(&small))]),
            "{temps:?}: no temp file left"
        );
        assert!(std::fs::read(dl.join("small.txt")).unwrap() == small);

        fs.read_only();
        let gets_before = gets(&proxy, "/small.txt");
        let r = finish(spawn(
            &p,
            &["cp", "--json", &uri("small.txt"), "dl/again.txt"],
            temps,
        ));
        assert_eq!(r.code, 1, "{temps:?}: {}", r.stderr);
        let (outcome, reason) = &items(&r)[&uri("small.txt")];
        assert_eq!(outcome, "failed", "{temps:?}");
        assert!(
            reason.contains("Read-only file system"),
            "{temps:?}: {reason}"
        );
        assert_eq!(gets(&proxy, "/small.txt"), gets_before, "{temps:?}: no GET");
        assert_eq!(listing(&dl).len(), 1, "{temps:?}");
    }
}
