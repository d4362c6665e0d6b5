use super::*;
use std::fs;
use std::io::ErrorKind;
use std::os::unix::fs::{FileExt, PermissionsExt, symlink};
use std::time::UNIX_EPOCH;

fn rel(s: &str) -> RelPath {
    RelPath::parse(s).unwrap()
}

/// Every test runs against both ways of making the temporary file.
fn both_kinds(root: &Path) -> Vec<Dest> {
    vec![
        Dest::open(root).unwrap(),
        Dest::open(root).unwrap().without_tmpfile(),
    ]
}

fn write(dest: &Dest, path: &str, data: &[u8], overwrite: bool) -> io::Result<()> {
    let pending = dest.create(&rel(path))?;
    pending.file().write_all_at(data, 0)?;
    pending.commit(None, overwrite)
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn open_creates_a_missing_root() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("new/deeper");
    let dest = Dest::open(&root).unwrap();
    assert!(root.is_dir());
    assert_eq!(dest.root(), root);
}

#[test]
fn writes_land_under_their_names() {
    let tmp = tempfile::tempdir().unwrap();
    for (i, dest) in both_kinds(tmp.path()).iter().enumerate() {
        let path = format!("k{i}/a/b.txt");
        write(dest, &path, b"hello", false).unwrap();
        assert_eq!(fs::read(tmp.path().join(&path)).unwrap(), b"hello");
    }
}

#[test]
fn parallel_ranges_with_write_at() {
    let tmp = tempfile::tempdir().unwrap();
    for (i, dest) in both_kinds(tmp.path()).iter().enumerate() {
        let name = format!("big{i}");
        let pending = dest.create(&rel(&name)).unwrap();
        pending.file().set_len(6).unwrap();
        std::thread::scope(|s| {
            s.spawn(|| pending.file().write_all_at(b"def", 3).unwrap());
            s.spawn(|| pending.file().write_all_at(b"abc", 0).unwrap());
        });
        pending.commit(None, false).unwrap();
        assert_eq!(fs::read(tmp.path().join(name)).unwrap(), b"abcdef");
    }
}

#[test]
fn directory_symlink_in_the_destination_is_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    symlink(outside.path(), tmp.path().join("sub")).unwrap();
    for dest in both_kinds(tmp.path()) {
        let err = dest.create(&rel("sub/x.txt")).err().unwrap();
        assert_eq!(err.kind(), ErrorKind::NotADirectory);
        assert_eq!(
            err.to_string(),
            "a symlink named sub is in the way; not followed"
        );
        let err = dest.make_dirs(&rel("sub/deeper")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotADirectory);
        assert_eq!(
            dest.existing(&rel("sub/x.txt")).unwrap_err().kind(),
            ErrorKind::NotADirectory
        );
    }
    assert!(listing(outside.path()).is_empty());
    // The link is still there: nothing existing is removed.
    assert!(
        fs::symlink_metadata(tmp.path().join("sub"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn file_symlink_is_replaced_never_written_through() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("target");
    for dest_kind in 0..2 {
        let tmp = tempfile::tempdir().unwrap();
        let dest = both_kinds(tmp.path()).swap_remove(dest_kind);
        fs::write(&target, b"secret").unwrap();
        symlink(&target, tmp.path().join("x.txt")).unwrap();
        let seen = dest.existing(&rel("x.txt")).unwrap().unwrap();
        assert_eq!(seen.kind, EntryKind::Symlink);

        let err = write(&dest, "x.txt", b"new", false).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlreadyExists);
        assert!(
            fs::symlink_metadata(tmp.path().join("x.txt"))
                .unwrap()
                .file_type()
                .is_symlink()
        );

        write(&dest, "x.txt", b"new", true).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"secret");
        let meta = fs::symlink_metadata(tmp.path().join("x.txt")).unwrap();
        assert!(meta.file_type().is_file());
        assert_eq!(fs::read(tmp.path().join("x.txt")).unwrap(), b"new");
        assert_eq!(listing(tmp.path()), ["x.txt"]);
    }
}

#[test]
fn a_file_where_a_folder_is_needed_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    for (i, dest) in both_kinds(tmp.path()).iter().enumerate() {
        let a = format!("a{i}");
        write(dest, &a, b"file a", false).unwrap();
        let err = write(dest, &format!("{a}/b"), b"file a/b", true).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotADirectory);
        assert_eq!(err.to_string(), format!("a file named {a} is in the way"));
        assert_eq!(fs::read(tmp.path().join(&a)).unwrap(), b"file a");
    }
}

#[test]
fn a_folder_where_a_file_is_wanted_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    for (i, dest) in both_kinds(tmp.path()).iter().enumerate() {
        let a = format!("a{i}");
        write(dest, &format!("{a}/b"), b"file a/b", false).unwrap();
        for overwrite in [false, true] {
            let err = write(dest, &a, b"file a", overwrite).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::IsADirectory);
            assert_eq!(err.to_string(), format!("a folder named {a} is in the way"));
        }
        assert_eq!(
            fs::read(tmp.path().join(&a).join("b")).unwrap(),
            b"file a/b"
        );
        assert_eq!(listing(&tmp.path().join(&a)), ["b"]);
    }
}

#[test]
fn a_folder_made_during_the_download_fails_the_commit() {
    let tmp = tempfile::tempdir().unwrap();
    for (i, dest) in both_kinds(tmp.path()).iter().enumerate() {
        let name = format!("late{i}");
        let pending = dest.create(&rel(&name)).unwrap();
        fs::create_dir(tmp.path().join(&name)).unwrap();
        let err = pending.commit(None, true).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::IsADirectory);
        assert!(tmp.path().join(&name).is_dir());
        // Without overwrite too: a folder is in the way, not "exists".
        let name = format!("late-keep{i}");
        let pending = dest.create(&rel(&name)).unwrap();
        fs::create_dir(tmp.path().join(&name)).unwrap();
        let err = pending.commit(None, false).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::IsADirectory, "{err}");
        assert_eq!(
            err.to_string(),
            format!("a folder named {name} is in the way")
        );
    }
    assert_eq!(
        listing(tmp.path()),
        ["late-keep0", "late-keep1", "late0", "late1"]
    );
}

#[test]
fn dropping_a_pending_download_leaves_nothing() {
    for dest_kind in 0..2 {
        let tmp = tempfile::tempdir().unwrap();
        let dest = both_kinds(tmp.path()).swap_remove(dest_kind);
        let pending = dest.create(&rel("x.bin")).unwrap();
        pending.file().write_all_at(b"partial", 0).unwrap();
        if dest_kind == 1 {
            // The named temp is there while the download runs...
            assert_eq!(listing(tmp.path()).len(), 1);
        }
        drop(pending);
        // ...and gone after.
        assert!(listing(tmp.path()).is_empty());

        let pending = dest.create(&rel("d/y.bin")).unwrap();
        drop(pending);
        assert_eq!(listing(tmp.path()), ["d"]);
        assert!(listing(&tmp.path().join("d")).is_empty());
    }
}

#[test]
fn commit_without_overwrite_keeps_the_existing_file() {
    for dest_kind in 0..2 {
        let tmp = tempfile::tempdir().unwrap();
        let dest = both_kinds(tmp.path()).swap_remove(dest_kind);
        write(&dest, "x.txt", b"old", false).unwrap();
        let err = write(&dest, "x.txt", b"new", false).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AlreadyExists);
        assert_eq!(err.to_string(), "x.txt already exists");
        assert_eq!(fs::read(tmp.path().join("x.txt")).unwrap(), b"old");
        // The failed download left no temporary file behind.
        assert_eq!(listing(tmp.path()), ["x.txt"]);
        write(&dest, "x.txt", b"new", true).unwrap();
        assert_eq!(fs::read(tmp.path().join("x.txt")).unwrap(), b"new");
        assert_eq!(listing(tmp.path()), ["x.txt"]);
    }
}

#[test]
fn mtime_is_set() {
    let tmp = tempfile::tempdir().unwrap();
    let when = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    for (i, dest) in both_kinds(tmp.path()).iter().enumerate() {
        let name = format!("m{i}");
        let pending = dest.create(&rel(&name)).unwrap();
        pending.file().write_all_at(b"x", 0).unwrap();
        pending.commit(Some(when), false).unwrap();
        let meta = fs::metadata(tmp.path().join(&name)).unwrap();
        assert_eq!(meta.modified().unwrap(), when);
        let seen = dest.existing(&rel(&name)).unwrap().unwrap();
        assert_eq!(
            seen,
            Existing {
                kind: EntryKind::File,
                size: 1,
                mtime: Some(when)
            }
        );
    }
}

/// The process umask, read without changing it (umask(2) can only be read
/// by setting it, which would race with the other tests).
fn current_umask() -> u32 {
    let status = fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Umask:")).unwrap();
    u32::from_str_radix(line["Umask:".len()..].trim(), 8).unwrap()
}

#[test]
fn modes_come_from_the_umask_and_files_are_not_executable() {
    let umask = current_umask();
    let tmp = tempfile::tempdir().unwrap();
    for (i, dest) in both_kinds(tmp.path()).iter().enumerate() {
        let path = format!("d{i}/f");
        write(dest, &path, b"x", false).unwrap();
        let file_mode = fs::metadata(tmp.path().join(&path))
            .unwrap()
            .permissions()
            .mode()
            & 0o7777;
        assert_eq!(file_mode, 0o666 & !umask, "file mode {file_mode:o}");
        let dir_mode = fs::metadata(tmp.path().join(format!("d{i}")))
            .unwrap()
            .permissions()
            .mode()
            & 0o7777;
        assert_eq!(dir_mode, 0o777 & !umask, "dir mode {dir_mode:o}");
    }
}

#[test]
fn folder_marker_becomes_an_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dest = Dest::open(tmp.path()).unwrap();
    let super::super::Mapped::Dir(dir) = super::super::map_key("docs/a/b/", "docs/").unwrap()
    else {
        panic!("a key ending in / is a folder");
    };
    dest.make_dirs(&dir).unwrap();
    dest.make_dirs(&dir).unwrap();
    assert!(tmp.path().join("a/b").is_dir());
    assert!(listing(&tmp.path().join("a/b")).is_empty());
    assert_eq!(dest.existing(&dir).unwrap().unwrap().kind, EntryKind::Dir);
}

#[test]
fn existing_sees_without_following() {
    let tmp = tempfile::tempdir().unwrap();
    let dest = Dest::open(tmp.path()).unwrap();
    assert_eq!(dest.existing(&rel("nope")).unwrap(), None);
    assert_eq!(dest.existing(&rel("no/parent")).unwrap(), None);
    fs::write(tmp.path().join("f"), b"12345").unwrap();
    let f = dest.existing(&rel("f")).unwrap().unwrap();
    assert_eq!((f.kind, f.size), (EntryKind::File, 5));
    assert!(f.mtime.is_some());
    symlink("/nonexistent", tmp.path().join("dangling")).unwrap();
    assert_eq!(
        dest.existing(&rel("dangling")).unwrap().unwrap().kind,
        EntryKind::Symlink
    );
    rustix::fs::mkfifoat(&dest.dir, "fifo", Mode::from_raw_mode(0o600)).unwrap();
    assert_eq!(
        dest.existing(&rel("fifo")).unwrap().unwrap().kind,
        EntryKind::Other
    );
}

#[test]
fn keep_both_names() {
    let tmp = tempfile::tempdir().unwrap();
    let dest = Dest::open(tmp.path()).unwrap();
    for name in ["report.pdf", "archive.tar.gz", ".env", "notes", "d/x.txt"] {
        write(&dest, name, b"", false).unwrap();
    }
    let keep = |p: &str| dest.keep_both_name(&rel(p)).unwrap().to_string();
    assert_eq!(keep("report.pdf"), "report (1).pdf");
    write(&dest, "report (1).pdf", b"", false).unwrap();
    assert_eq!(keep("report.pdf"), "report (2).pdf");
    assert_eq!(keep("archive.tar.gz"), "archive (1).tar.gz");
    assert_eq!(keep(".env"), ".env (1)");
    assert_eq!(keep("notes"), "notes (1)");
    assert_eq!(keep("d/x.txt"), "d/x (1).txt");
    // A symlink takes a name too.
    symlink("/nonexistent", tmp.path().join("link (1)")).unwrap();
    assert_eq!(keep("link"), "link (2)");

    let long = format!("{}.txt", "é".repeat(125));
    assert_eq!(long.len(), 254);
    let kept = keep(&long);
    assert!(kept.len() <= 255 && kept.ends_with(" (1).txt"), "{kept}");
}

#[test]
fn extensions_for_keep_both() {
    assert_eq!(split_extension("a.b.c"), ("a.b", ".c"));
    assert_eq!(split_extension("x.tar.bz2"), ("x", ".tar.bz2"));
    assert_eq!(split_extension(".tar.gz"), (".tar", ".gz"));
    assert_eq!(split_extension(".bashrc"), (".bashrc", ""));
    assert_eq!(split_extension(".env.local"), (".env", ".local"));
    assert_eq!(split_extension("notes."), ("notes.", ""));
    assert_eq!(split_extension("..."), ("...", ""));
}

#[test]
fn longest_names_still_get_a_temp_name() {
    let tmp = tempfile::tempdir().unwrap();
    for (i, dest) in both_kinds(tmp.path()).iter().enumerate() {
        let name = format!("{i}{}", "日".repeat(84));
        assert_eq!(name.len(), 253);
        write(dest, &name, b"x", false).unwrap();
        write(dest, &name, b"y", true).unwrap();
        assert_eq!(fs::read(tmp.path().join(&name)).unwrap(), b"y");
    }
    assert_eq!(listing(tmp.path()).len(), 2);
    assert!(temp::temp_name(&"x".repeat(255)).len() <= 255);
}

#[test]
fn a_case_sensitive_folder_says_so_and_the_probe_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = Dest::open(dir.path()).unwrap();
    // Linux temp folders tell a.txt from A.txt (a casefolded one would not).
    assert!(!d.case_insensitive());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

// Temps a killed pail left ----------------------------------------------------

/// A pid no process has: a child that ran `true`, reaped.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    child.wait().unwrap();
    child.id()
}

fn pid(n: u32) -> Option<rustix::process::Pid> {
    rustix::process::Pid::from_raw(n as i32)
}

#[test]
fn temp_names_name_their_writer() {
    let ours = std::process::id();
    let t = temp::temp_name("a.txt");
    assert!(t.starts_with(&format!(".a.txt.pail-{ours}-")), "{t}");
    assert_eq!(temp::temp_pid(&t), pid(ours));
    assert_eq!(temp::temp_pid(".a.txt.pail-123-abcd09.tmp"), pid(123));
    // A downloaded file named like a temp: its own temp's pid counts.
    assert_eq!(
        temp::temp_pid(".x.pail-1-abcdef.tmp.pail-77-zzzzzz.tmp"),
        pid(77)
    );
    for not_ours in [
        ".a.txt.pail-123-abcdef.tmp.bak",
        "a.txt.pail-123-abcdef.tmp",
        ".a.txt.pail-0123-abcdef.tmp",
        ".a.txt.pail-0-abcdef.tmp",
        ".a.txt.pail-+123-abcdef.tmp",
        ".a.txt.pail-99999999999-abcdef.tmp",
        ".a.txt.pail--abcdef.tmp",
        ".a.txt.pail-123-ABCDEF.tmp",
        ".a.txt.pail-123-abcde.tmp",
        ".a.txt.pail-123-abcdefg.tmp",
        ".a.txt.pail-abcdef.tmp",
        ".pail-123-abcdef.tmp",
        "..pail-123-abcdef.tmp",
    ] {
        assert_eq!(temp::temp_pid(not_ours), None, "{not_ours}");
    }
}

#[test]
fn a_dead_pails_temps_go_when_their_folder_is_next_written() {
    let dead = dead_pid();
    let ours = std::process::id();
    let temp = |pid: &dyn std::fmt::Display, r: &str| format!(".a.txt.pail-{pid}-{r}.tmp");
    for dest_kind in 0..2 {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let dest = both_kinds(root).swap_remove(dest_kind);
        let dead_here = temp(&dead, "aaaaaa");
        fs::write(root.join(&dead_here), b"partial").unwrap();
        fs::create_dir(root.join("sub")).unwrap();
        let dead_below = format!(".b.txt.pail-{dead}-bbbbbb.tmp");
        fs::write(root.join("sub").join(&dead_below), b"partial").unwrap();
        // Files that stay: a live writer's (ours; init's), and a user's
        // that only look like a temp (or an older pail's, with no pid).
        for keep in [
            temp(&ours, "cccccc"),
            temp(&1, "dddddd"),
            format!("{}.bak", temp(&dead, "eeeeee")),
            format!(".a.txt.pail-0{dead}-ffffff.tmp"),
            ".a.txt.pail-gggggg.tmp".to_string(),
            format!("a.txt.pail-{dead}-hhhhhh.tmp"),
        ] {
            fs::write(root.join(keep), b"user's").unwrap();
        }
        // The dead shape, but not a regular file: never touched.
        fs::create_dir(root.join(temp(&dead, "iiiiii"))).unwrap();
        symlink(&dead_here, root.join(temp(&dead, "jjjjjj"))).unwrap();
        let fifo = temp(&dead, "kkkkkk");
        let mode = Mode::from_raw_mode(0o600);
        rfs::mknodat(rfs::CWD, root.join(fifo), FileType::Fifo, mode, 0).unwrap();
        // The dead shape, but locked: a live pail in another pid namespace
        // (or on another NFS client), whose pid means nothing here.
        let locked = root.join(temp(&dead, "llllll"));
        fs::write(&locked, b"in use").unwrap();
        let holder = File::open(&locked).unwrap();
        rfs::flock(&holder, rfs::FlockOperation::LockExclusive).unwrap();

        let mut want = listing(root);
        write(&dest, "a.txt", b"new", false).unwrap();
        want.retain(|n| *n != dead_here);
        want.push("a.txt".into());
        want.sort();
        assert_eq!(listing(root), want, "kind {dest_kind}");
        // A folder is cleared when a file is written there, not before.
        let sub = root.join("sub");
        assert_eq!(listing(&sub), [dead_below]);
        write(&dest, "sub/b.txt", b"new", false).unwrap();
        assert_eq!(listing(&sub), ["b.txt"], "kind {dest_kind}");
        assert_eq!(fs::read(&locked).unwrap(), b"in use");
    }
}

#[test]
fn a_download_running_beside_leaves_our_temp_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let first = Dest::open(tmp.path()).unwrap().without_tmpfile();
    let pending = first.create(&rel("a.txt")).unwrap();
    pending.file().write_all_at(b"first", 0).unwrap();
    // Another job into the same folder (it sweeps it) meanwhile.
    let second = Dest::open(tmp.path()).unwrap();
    write(&second, "b.txt", b"second", false).unwrap();
    pending.commit(None, false).unwrap();
    assert_eq!(listing(tmp.path()), ["a.txt", "b.txt"]);
    assert_eq!(fs::read(tmp.path().join("a.txt")).unwrap(), b"first");
}

const KILLED_WRITER_DIR: &str = "PAIL_TEST_KILLED_WRITER_DIR";
const WRITING: &str = "pail-killed-writer: writing";

/// Run only as the child of the test below, which kills it: starts a
/// download with a named temp in the folder it was given, says so on
/// stdout, and waits (until its stdin closes, so it never outlives the
/// test).
#[test]
#[ignore = "a helper: the child process of a_killed_writers_temp_..."]
fn killed_writer_child() {
    let Some(dir) = std::env::var_os(KILLED_WRITER_DIR) else {
        return;
    };
    let dest = Dest::open(Path::new(&dir)).unwrap().without_tmpfile();
    let pending = dest.create(&rel("big.bin")).unwrap();
    pending.file().write_all_at(b"half of it", 0).unwrap();
    println!("\n{WRITING}");
    let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut Vec::new());
    drop(pending);
}

/// A download killed with SIGKILL (this test binary run again as the
/// writer) leaves its named temp; the next download into the folder
/// removes it.
#[test]
fn a_killed_writers_temp_is_removed_by_the_next_download() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "local::dest::tests::killed_writer_child"])
        .args(["--ignored", "--nocapture", "--test-threads=1"])
        .env(KILLED_WRITER_DIR, tmp.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut said = String::new();
    while !said.contains(WRITING) {
        if out.read_line(&mut said).unwrap() == 0 {
            let _ = child.kill();
            panic!("the writer ended before writing: {said}");
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let left = listing(tmp.path());
    assert_eq!(left.len(), 1, "kill -9 left the temp: {left:?}");
    assert!(
        left[0].starts_with(&format!(".big.bin.pail-{}-", child.id())),
        "{left:?}"
    );
    write(&Dest::open(tmp.path()).unwrap(), "other.txt", b"x", false).unwrap();
    assert_eq!(listing(tmp.path()), ["other.txt"]);
}
