//! `pail cp`, `pail mv` and `pail rm` as scripts use them: the release
//! binary against moto (and radosgw, which checks signatures), checking
//! the exit status (0/1/2/130/143/129), the files on disk and the keys in
//! the bucket. PAIL_TEST_BIN runs the same tests against another build
//! (to show that a test fails on the code before a fix).

pub mod harness;
mod local;
mod rm;
pub mod signals;
mod uploads;

use crate::common::engine::{MIB, Server, data};
use harness::Pail;
use std::path::Path;

fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in walk(dir) {
        out.push(e.strip_prefix(dir).unwrap().display().to_string());
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

// Missing sources ----------------------------------------------------------

/// A source that matches nothing is an error naming it, exit 2 — never
/// "0 objects · 0 failed" and exit 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_sources_are_errors_that_name_them() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&s);
    let b = s.bucket("cli-missing").await;
    s.put(&b, "there.txt", b"x").await;
    let dir = p.dir("dl");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["cp".into(), format!("s3://{b}/nope.txt"), "dl/".into()],
            "nope.txt",
        ),
        (
            vec![
                "mv".into(),
                format!("s3://{b}/nope.txt"),
                format!("s3://{b}/x.txt"),
            ],
            "nope.txt",
        ),
        (
            vec!["cp".into(), "./missing.bin".into(), format!("s3://{b}/")],
            "missing.bin",
        ),
        (
            vec!["cp".into(), format!("s3://{b}/empty/"), "dl/".into()],
            "empty/",
        ),
        (vec!["rm".into(), format!("s3://{b}/nope")], "nope"),
    ];
    for (args, name) in cases {
        let r = p.run(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains(name),
            "{args:?} names {name}: {}",
            r.stderr
        );
        assert!(!r.stderr.contains("0 objects (0 B)"), "{}", r.stderr);
    }
    assert!(files_under(&dir).is_empty());
    assert_eq!(
        s.keys(&b, "").await.into_iter().collect::<Vec<_>>(),
        ["there.txt"]
    );
    // One missing among others: the others are copied, still exit 2.
    let r = p.run(&[
        "cp",
        &format!("s3://{b}/there.txt"),
        &format!("s3://{b}/nope.txt"),
        "dl/",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(files_under(&dir), ["there.txt"]);
}

// Destinations -------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_source_to_a_name_is_written_as_that_name() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&s);
    let b = s.bucket("cli-dest").await;
    s.put(&b, "a.txt", b"alpha").await;
    s.put(&b, "x.txt", b"ex").await;
    // mv to a key renames.
    let r = p.run(&["mv", &format!("s3://{b}/a.txt"), &format!("s3://{b}/b.txt")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        s.keys(&b, "").await.into_iter().collect::<Vec<_>>(),
        ["b.txt", "x.txt"]
    );
    assert_eq!(s.get(&b, "b.txt").await, b"alpha");
    // cp to a file name writes that file.
    let r = p.run(&["cp", &format!("s3://{b}/x.txt"), "new.txt"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read(p.home().join("new.txt")).unwrap(), b"ex");
    // ... into an existing folder, or a path ending in /, under its name.
    p.dir("have");
    for dest in ["have", "made/sub/"] {
        let r = p.run(&["cp", &format!("s3://{b}/x.txt"), dest]);
        assert_eq!(r.code, 0, "{dest}: {}", r.stderr);
        let at = p.home().join(dest).join("x.txt");
        assert_eq!(std::fs::read(&at).unwrap(), b"ex", "{}", at.display());
    }
    // A file uploaded to a key.
    std::fs::write(p.home().join("f.txt"), b"file").unwrap();
    let r = p.run(&["cp", "f.txt", &format!("s3://{b}/k.txt")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(s.get(&b, "k.txt").await, b"file");
    let r = p.run(&["cp", "f.txt", &format!("s3://{b}/in/")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(s.get(&b, "in/f.txt").await, b"file");
    // Several sources to a name that is not a folder: refused, nothing
    // written.
    let before = s.keys(&b, "").await;
    let r = p.run(&[
        "cp",
        &format!("s3://{b}/x.txt"),
        &format!("s3://{b}/k.txt"),
        &format!("s3://{b}/both"),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("several sources"), "{}", r.stderr);
    let r = p.run(&[
        "cp",
        &format!("s3://{b}/x.txt"),
        &format!("s3://{b}/k.txt"),
        "f.txt",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(s.keys(&b, "").await, before);
    assert_eq!(std::fs::read(p.home().join("f.txt")).unwrap(), b"file");
}

/// The scenario: two sources meet at one key in one job. Both
/// objects survive; the second is refused, exit 2.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_of_two_sources_onto_one_key_keeps_both() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&s);
    let b = s.bucket("cli-collide").await;
    s.put(&b, "a/r0.txt", b"from a").await;
    s.put(&b, "b/r0.txt", b"from b").await;
    let r = p.run(&[
        "mv",
        "--concurrency",
        "1",
        &format!("s3://{b}/a/r0.txt"),
        &format!("s3://{b}/b/r0.txt"),
        &format!("s3://{b}/dest/"),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("refused"), "{}", r.stderr);
    assert_eq!(
        s.keys(&b, "").await.into_iter().collect::<Vec<_>>(),
        ["b/r0.txt", "dest/r0.txt"]
    );
    assert_eq!(s.get(&b, "dest/r0.txt").await, b"from a");
    assert_eq!(s.get(&b, "b/r0.txt").await, b"from b");
}

// Exit codes ---------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_say_failed_refused_or_skipped() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&s);
    let b = s.bucket("cli-codes").await;
    s.put(&b, "x.txt", b"ex").await;
    // Same source and destination: refused.
    let r = p.run(&["cp", &format!("s3://{b}/x.txt"), &format!("s3://{b}/x.txt")]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // A folder in the way of a download: the item fails.
    std::fs::create_dir_all(p.home().join("dl/x.txt")).unwrap();
    let r = p.run(&["cp", &format!("s3://{b}/x.txt"), "dl/"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("in the way"), "{}", r.stderr);
    // A skip asked for is success; a special file nobody asked to skip is
    // exit 2.
    std::fs::write(p.home().join("x.txt"), b"ex").unwrap();
    let r = p.run(&["cp", "--conflict", "skip", "x.txt", &format!("s3://{b}/")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let up = p.dir("up");
    std::fs::write(up.join("ok.txt"), b"ok").unwrap();
    let fifo = std::ffi::CString::new(up.join("pipe").display().to_string()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    let r = p.run(&["cp", "up", &format!("s3://{b}/")]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("FIFO"), "{}", r.stderr);
    assert_eq!(s.get(&b, "up/ok.txt").await, b"ok");
    // Usage errors.
    assert_eq!(
        p.run(&["rm", "--conflict", "skip", &format!("s3://{b}/x.txt")])
            .code,
        2
    );
    assert_eq!(
        p.run(&["cp", "--conflict", "ask", "x.txt", &format!("s3://{b}/")])
            .code,
        2
    );
    assert_eq!(p.run(&["mv", "x.txt", &format!("s3://{b}/")]).code, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_carry_the_tuis_explanations() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&s);
    let r = p.run(&["cp", "s3://no-such-bucket-for-pail/x", "dl/"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("No such bucket"), "{}", r.stderr);
    let down = Pail::new("http://127.0.0.1:9", "testing", "testing");
    let r = down.run(&["cp", "s3://b/x", "dl/"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("Endpoint unreachable"), "{}", r.stderr);
    assert!(r.stderr.contains("--endpoint-url"), "{}", r.stderr);
}

/// An item refused in the middle of a job (a bucket policy that denies
/// one write) is explained as the TUI does, not left as one line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_in_the_middle_of_a_job_is_explained() {
    use crate::common::proxy::{Fault, Proxy};
    let Some(s) = Server::moto().await else {
        return;
    };
    let b = s.bucket("cli-denied").await;
    let proxy = Proxy::start(&s.endpoint, |seen| {
        if seen.method == "PUT" && seen.target.contains("/secret.txt") {
            Fault::Deny
        } else {
            Fault::Pass
        }
    })
    .await;
    let p = Pail::new(&proxy.endpoint, &s.key, &s.secret);
    std::fs::write(p.home().join("open.txt"), b"fine").unwrap();
    std::fs::write(p.home().join("secret.txt"), b"denied").unwrap();
    let args = [
        "cp".to_owned(),
        "open.txt".to_owned(),
        "secret.txt".to_owned(),
        format!("s3://{b}/"),
    ];
    let r = tokio::task::spawn_blocking(move || p.run(&args))
        .await
        .unwrap();
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("secret.txt"), "{}", r.stderr);
    assert!(r.stderr.contains("Access denied"), "{}", r.stderr);
    assert!(r.stderr.contains("Check, in this order:"), "{}", r.stderr);
    assert!(r.stderr.contains("Identity used"), "{}", r.stderr);
    assert_eq!(s.keys(&b, "").await, ["open.txt".to_owned()].into());
}

/// radosgw checks signatures: a wrong secret is explained as the TUI
/// does (identity, region, clock skew).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_is_explained_on_radosgw() {
    let Some(s) = Server::radosgw().await else {
        return;
    };
    let b = s.bucket("cli-sig").await;
    s.put(&b, "x", b"x").await;
    let p = Pail::new(&s.endpoint, &s.key, "not-the-secret");
    let r = p.run(&["cp", &format!("s3://{b}/x"), "dl/"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("Signature does not match"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("Clock skew looks fine"), "{}", r.stderr);
}

// Streams --------------------------------------------------------------------

async fn streams_both_ways(s: &Server) {
    let p = Pail::for_server(s);
    let b = s.bucket("cli-pipe").await;
    // Small: one PutObject.
    let small = data(3000, 7);
    let r = p.run_with_stdin(&["cp", "-", &format!("s3://{b}/small.bin")], &small);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(s.get(&b, "small.bin").await, small);
    assert!(!s.summary(&b, "small.bin").await.etag.unwrap().contains('-'));
    // 20 MiB: multipart, parts of 8 MiB.
    let big = data(20 * MIB + 5, 8);
    let r = p.run_with_stdin(&["cp", "-", &format!("s3://{b}/big.bin")], &big);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let etag = s.summary(&b, "big.bin").await.etag.unwrap();
    assert!(etag.trim_matches('"').ends_with("-3"), "multipart: {etag}");
    assert_eq!(s.get(&b, "big.bin").await, big);
    assert!(s.store.open_uploads(&b, "").await.unwrap().is_empty());
    // And back to stdout, byte for byte.
    for (key, body) in [("small.bin", &small), ("big.bin", &big)] {
        let r = p.run(&["cp", &format!("s3://{b}/{key}"), "-"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout == *body, "{key}: {} bytes", r.stdout.len());
    }
    // Empty stdin is an empty object.
    let r = p.run_with_stdin(&["cp", "-", &format!("s3://{b}/empty")], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(s.get(&b, "empty").await, b"");
    // A prefix is not one object; stdin needs a key.
    assert_eq!(p.run(&["cp", &format!("s3://{b}/"), "-"]).code, 2);
    assert_eq!(
        p.run_with_stdin(&["cp", "-", &format!("s3://{b}/p/")], b"x")
            .code,
        2
    );
}

on_servers!(streams_both_ways: moto, radosgw);

// Output modes ---------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_lines_parse_and_quiet_is_silent() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&s);
    let b = s.bucket("cli-json").await;
    for k in ["p/a.txt", "p/b.txt", "p/sub/c\x1b[2J.txt"] {
        s.put(&b, k, b"abc").await;
    }
    let r = p.run(&["cp", "--json", &format!("s3://{b}/p/"), "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = String::from_utf8(r.stdout).unwrap();
    assert!(!text.contains('\x1b'), "escaped: {text}");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 4, "{text}");
    let names: Vec<&str> = lines[..3]
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&format!("s3://{b}/p/sub/c\x1b[2J.txt").as_str()),
        "{names:?}"
    );
    for l in &lines[..3] {
        assert_eq!(l["type"], "item");
        assert_eq!(l["outcome"], "done");
        assert_eq!(l["bytes"], 3);
        assert!(l["dest"].as_str().unwrap().contains("out/p/"), "{l}");
    }
    let sum = &lines[3];
    assert_eq!(sum["type"], "summary");
    assert_eq!(
        (sum["done"].as_u64(), sum["exit"].as_i64()),
        (Some(3), Some(0))
    );
    let r = p.run(&["cp", "--quiet", &format!("s3://{b}/p/a.txt"), "q/"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.is_empty() && r.stderr.is_empty(), "{}", r.stderr);
    // A missing source in JSON: its own line and the summary.
    let r = p.run(&["cp", "--json", &format!("s3://{b}/nope"), "q/"]);
    assert_eq!(r.code, 2);
    let text = String::from_utf8(r.stdout).unwrap();
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["outcome"], "missing");
}

#[test]
fn every_subcommand_has_examples_and_describes_its_arguments() {
    let p = Pail::new("http://127.0.0.1:9", "k", "s");
    for (cmd, words) in [
        (
            "cp",
            &[
                "Examples:",
                "SRC",
                "DST",
                "--conflict",
                "--json",
                "--quiet",
                "stdout",
                "130",
            ][..],
        ),
        ("mv", &["Examples:", "rename", "DST", "--concurrency"][..]),
        (
            "rm",
            &["Examples:", "--yes", "--recursive", "delete markers"][..],
        ),
    ] {
        let r = p.run(&[cmd, "--help"]);
        assert_eq!(r.code, 0);
        let text = String::from_utf8(r.stdout).unwrap();
        for w in words {
            assert!(text.contains(w), "{cmd} --help lacks {w:?}:\n{text}");
        }
    }
    let r = p.run(&["rm", "--help"]);
    assert!(!String::from_utf8(r.stdout).unwrap().contains("--conflict"));
}
