//! End to end: the real binary in a pseudo-terminal, keys pressed, the
//! screen read back through a vt100 parser, the raw byte stream checked for
//! what a parser hides (OSC 52, the terminal being restored).

use crate::common::pty::Pty;
use std::time::{Duration, Instant};

const SECRET: &str = "e2eSECRETvalue0123456789abcdef";

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The terminal is left as found: alternate screen left, cursor shown,
/// mouse reporting off, after the last time they were turned on.
fn assert_restored(raw: &[u8]) {
    let last = |needle: &[u8]| raw.windows(needle.len()).rposition(|w| w == needle);
    let entered = last(b"\x1b[?1049h").expect("entered the alternate screen");
    let left = last(b"\x1b[?1049l").expect("left the alternate screen");
    assert!(left > entered, "alternate screen left after it was entered");
    let shown = last(b"\x1b[?25h").expect("cursor shown again");
    assert!(shown > entered);
    if let Some(mouse_on) = last(b"\x1b[?1000h") {
        let mouse_off = last(b"\x1b[?1000l").expect("mouse capture disabled");
        assert!(mouse_off > mouse_on);
    }
}

#[test]
fn browse_filter_inspect_copy_resize_quit() {
    let Some(ep) = crate::common::moto() else {
        return;
    };
    let bucket = crate::common::bucket("e2e");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = crate::common::moto_sdk(&ep);
        crate::common::create_bucket(&c, &bucket).await;
        for k in [
            "docs/a.pdf",
            "docs/b.txt",
            "logs/2026/x.log",
            "readme.md",
            "evil-\x1b[2J\x1b]0;pwned\x07.txt",
        ] {
            crate::common::put(&c, &bucket, k, b"hello").await;
        }
    });
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("pail.log");
    let target = format!("s3://{bucket}/");
    let mut t = Pty::spawn(
        &[
            &target,
            "--log-file",
            log.to_str().unwrap(),
            "--log-level",
            "trace",
        ],
        &[
            ("AWS_ACCESS_KEY_ID", "AKIAE2ETESTKEY000000"),
            ("AWS_SECRET_ACCESS_KEY", SECRET),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ENDPOINT_URL", &ep),
        ],
        home.path(),
    );
    t.wait_for("docs/");
    t.wait_for(&format!("s3://{bucket}/ — 4"));
    // The hostile key shows as escapes; the terminal title was not set.
    t.wait_for("evil-\\x1b[2J\\x1b]0;pwned\\x07.txt");
    assert!(!contains(&t.raw(), b"\x1b]0;pwned"));
    // Expand docs/ (the first row).
    t.press(&["l"]);
    t.wait_for("a.pdf");
    t.wait_for("b.txt");
    // Filter as you type.
    t.press(&["/", "b", ".", "t"]);
    t.wait_for("1 match ");
    t.press(&["\r"]);
    // Enter on the object focuses the inspector and loads its details.
    t.press(&["\r"]);
    t.wait_for("Size          5 B (5 bytes)");
    t.wait_for(&format!("s3://{bucket}/docs/b.txt"));
    // Copy its s3:// URI: no display here, so it goes out as OSC 52.
    t.press(&["c", "u"]);
    t.wait_for("via OSC 52");
    let uri = format!("s3://{bucket}/docs/b.txt");
    use base64::Engine;
    let osc = format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(&uri)
    );
    assert!(
        contains(&t.raw(), osc.as_bytes()),
        "OSC 52 sequence for {uri} not written"
    );
    // Resize to 80x24: the screen is redrawn to fit.
    t.resize(24, 80);
    t.press(&["\x1b"]);
    std::thread::sleep(Duration::from_millis(500));
    t.wait_for("Inspector");
    let screen = t.screen();
    assert!(screen.lines().count() <= 24, "{screen}");
    assert!(
        screen
            .lines()
            .any(|l| l.starts_with('└') && l.trim_end().ends_with('┘')),
        "bottom border at 80 cols:\n{screen}"
    );
    let status = t.quit();
    assert!(status.success(), "{status:?}");
    assert_restored(&t.raw());
    // The log has what happened, but no secret or signature.
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(log.contains("pail starting"), "{log}");
    assert!(!log.contains(SECRET), "secret key in log");
    assert!(!log.contains("E2ETESTKEY000000"), "access key id in log");
    assert!(!log.contains('\x1b'), "raw escape in log");
}

#[test]
fn demo_starts_and_shows_escaped_hostile_keys() {
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("demo.log");
    let mut t = Pty::spawn(
        &["--demo", "--log-file", log.to_str().unwrap()],
        &[],
        home.path(),
    );
    t.wait_for("acme-datalake");
    t.wait_for("Versioning");
    // odd-keys is the last-but-zero bucket in name order: G then Enter.
    t.press(&["G", "\r"]);
    t.wait_for("escape-\\x1b[31mred\\x1b[0m.txt");
    t.wait_for("bidi-\\u{202e}fdp.exe");
    t.wait_for("newline\\nin-key.txt");
    t.press(&["?"]);
    t.wait_for("Keys (from your keymap)");
    t.press(&["x"]);
    let status = t.quit();
    assert!(status.success());
    assert_restored(&t.raw());
}

#[test]
fn bad_config_exits_2_before_touching_the_terminal() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("bad.toml");
    std::fs::write(&cfg, "[s3]\nregion = \"eu-west-1\"\nendpont_url = \"x\"\n").unwrap();
    let mut t = Pty::spawn(&["--config", cfg.to_str().unwrap()], &[], home.path());
    let status = t.wait_exit(Duration::from_secs(60));
    assert_eq!(status.exit_code(), 2);
    let raw = String::from_utf8_lossy(&t.raw()).to_string();
    assert!(raw.contains("bad.toml:3: key `endpont_url`"), "{raw}");
    assert!(!raw.contains("\x1b[?1049h"), "terminal was touched");
}

/// Needs the `test-hooks` build (scripts/test.sh): shipped builds have no
/// panic key.
#[cfg(feature = "test-hooks")]
#[test]
fn panic_restores_the_terminal() {
    let home = tempfile::tempdir().unwrap();
    let mut t = Pty::spawn(
        &[
            "--demo",
            "--log-file",
            home.path().join("p.log").to_str().unwrap(),
        ],
        &[("PAIL_TEST_PANIC_ON_F12", "1")],
        home.path(),
    );
    t.wait_for("acme-datalake");
    t.press(&["\x1b[24~"]);
    let status = t.wait_exit(Duration::from_secs(60));
    assert!(!status.success());
    assert_restored(&t.raw());
    assert!(String::from_utf8_lossy(&t.raw()).contains("panic requested"));
}

#[test]
fn wrong_secret_shows_a_readable_error() {
    // s3s-fs checks signatures; run it in this process and point pail at it
    // with the right access key and the wrong secret.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = rt
        .block_on(crate::common::s3s_fs::serve(dir.path()))
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let ep = server.endpoint();
    let mut t = Pty::spawn(
        &[
            "--endpoint-url",
            &ep,
            "--log-file",
            home.path().join("w.log").to_str().unwrap(),
        ],
        &[
            ("AWS_ACCESS_KEY_ID", pail::demo::DEMO_ACCESS_KEY),
            ("AWS_SECRET_ACCESS_KEY", "definitely-not-the-secret"),
            ("AWS_REGION", "us-east-1"),
        ],
        home.path(),
    );
    t.wait_for("Identity used: credentials from EnvironmentVariable");
    let screen = t.screen();
    assert!(
        screen.contains("Signature does not match") || screen.contains("Access denied"),
        "{screen}"
    );
    assert!(!screen.contains("definitely-not-the-secret"));
    // Any key closes the popup; the bucket list says what went wrong.
    t.press(&["x"]);
    t.wait_for("Could not list buckets");
    assert!(t.quit().success());
    assert_restored(&t.raw());
    drop(server);
}

#[test]
fn unknown_bucket_says_which() {
    let Some(ep) = crate::common::moto() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let bucket = crate::common::bucket("no-such-bucket-e2e");
    let target = format!("s3://{bucket}/");
    let mut t = Pty::spawn(
        &[
            &target,
            "--log-file",
            home.path().join("u.log").to_str().unwrap(),
        ],
        &[
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ENDPOINT_URL", &ep),
        ],
        home.path(),
    );
    t.wait_for("No such bucket");
    t.wait_for(&format!("Bucket {bucket} does not exist"));
    t.press(&["x"]);
    assert!(t.quit().success());
}

#[test]
fn user_keymap_from_the_config_dir_drives_keys_and_help() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".config/pail");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("keymap.toml"),
        "[keys]\nhelp = [\"F1\"]\nmove_down = [\"W\", \"Down\"]\n",
    )
    .unwrap();
    let mut t = Pty::spawn(
        &[
            "--demo",
            "--log-file",
            home.path().join("k.log").to_str().unwrap(),
        ],
        &[],
        home.path(),
    );
    t.wait_for("acme-datalake");
    // `?` no longer opens help; F1 does, and lists the remapped key.
    t.press(&["?"]);
    std::thread::sleep(Duration::from_millis(300));
    assert!(!t.screen().contains("Keys (from your keymap)"));
    t.press(&["\x1bOP"]);
    t.wait_for("Keys (from your keymap)");
    let screen = t.screen();
    let line = screen
        .lines()
        .find(|l| l.contains("move down"))
        .unwrap_or_default()
        .to_owned();
    assert!(line.contains("W ↓") && !line.contains('j'), "{line}");
    t.press(&["x"]);
    assert!(t.quit().success());
}

#[test]
fn closing_the_terminal_under_pail_exits_cleanly() {
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("hup.log");
    let mut t = Pty::spawn(
        &["--demo", "--log-file", log.to_str().unwrap()],
        &[],
        home.path(),
    );
    t.wait_for("acme-datalake");
    // What an SSH disconnect does: the kernel sends SIGHUP. (Dropping our
    // end of the pty would not close it: the reader thread holds a copy.)
    t.signal("HUP");
    let Some(status) = t.exited_within(Duration::from_secs(60)) else {
        panic!("pail kept running without a terminal");
    };
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(!log.contains("panic"), "{log}");
    assert_eq!(status.exit_code(), 129, "128 + SIGHUP");
}

/// The state letter of a process in /proc (R, S, T for stopped...).
fn proc_state(pid: u32) -> char {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| s.rsplit(')').next().map(|r| r.trim_start().to_owned()))
        .and_then(|r| r.chars().next())
        .unwrap_or('?')
}

#[test]
fn ctrl_z_suspends_with_the_terminal_restored_and_fg_redraws() {
    let home = tempfile::tempdir().unwrap();
    let mut t = Pty::spawn(
        &[
            "--demo",
            "--log-file",
            home.path().join("z.log").to_str().unwrap(),
        ],
        &[],
        home.path(),
    );
    t.wait_for("acme-datalake");
    let pid = t.child.process_id().expect("pid");
    let before = t.raw().len();
    t.press(&["\x1a"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while proc_state(pid) != 'T' && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(proc_state(pid), 'T', "pail stopped itself");
    std::thread::sleep(Duration::from_millis(200));
    let raw = t.raw();
    assert_restored(&raw);
    assert!(
        contains(&raw[before..], b"\x1b[?1049l"),
        "left the screen on Ctrl-z"
    );
    // What a shell's `fg` does: continue the process group.
    // Measured before the signal: pail may take the screen back at once.
    let resumed = t.raw().len();
    unsafe {
        libc::kill(pid as i32, libc::SIGCONT);
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while !contains(&t.raw()[resumed..], b"\x1b[?1049h") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        contains(&t.raw()[resumed..], b"\x1b[?1049h"),
        "took the screen back"
    );
    // Redrawn whole: the bucket list shows again after a clear.
    t.wait_for("acme-datalake");
    t.wait_for("Welcome back");
    assert!(t.quit().success());
    assert_restored(&t.raw());
}

#[test]
fn a_keymap_clash_exits_2_naming_both_actions() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".config/pail");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("keymap.toml"), "[keys]\nmove_down = [\"q\"]\n").unwrap();
    let mut t = Pty::spawn(&["--demo"], &[], home.path());
    let status = t.wait_exit(Duration::from_secs(60));
    assert_eq!(status.exit_code(), 2);
    let raw = String::from_utf8_lossy(&t.raw()).to_string();
    assert!(
        raw.contains("keymap.toml:2") && raw.contains("move_down") && raw.contains("quit"),
        "{raw}"
    );
    assert!(!raw.contains("\x1b[?1049h"), "terminal was touched");
}

#[test]
fn help_and_the_message_log_in_a_real_terminal() {
    let home = tempfile::tempdir().unwrap();
    let mut t = Pty::spawn(
        &[
            "--demo",
            "--log-file",
            home.path().join("m.log").to_str().unwrap(),
        ],
        &[],
        home.path(),
    );
    t.wait_for("acme-datalake");
    t.press(&["?"]);
    t.wait_for("Keys (from your keymap) in the bucket list");
    t.wait_for(" of ");
    t.press(&["G"]);
    t.wait_for("Mouse");
    t.press(&["\x1b"]);
    t.wait_gone("Mouse");
    // Open a bucket: a status message is logged with its time.
    t.press(&["M"]);
    t.wait_for("Messages (newest first)");
    t.wait_for("buckets");
    t.press(&["q"]);
    t.wait_gone("Messages (newest first)");
    assert!(t.quit().success());
}

#[test]
fn an_object_path_on_the_command_line_opens_its_folder_with_it_selected() {
    let home = tempfile::tempdir().unwrap();
    let mut t = Pty::spawn(
        &[
            "--demo",
            "--log-file",
            home.path().join("o.log").to_str().unwrap(),
            "s3://acme-datalake/curated/exports/full-2026-10.parquet",
        ],
        &[],
        home.path(),
    );
    t.wait_for("s3://acme-datalake/curated/exports/ —");
    // The inspector follows the selected object.
    t.wait_for("24.0 MiB");
    assert!(!t.screen().contains("empty prefix"));
    assert!(t.quit().success());
}
