use super::*;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::os::unix::net::UnixListener;

/// The walk as (key or path, size or reason) pairs, paths relative to `base`.
fn summary(picked: &Path, follow: bool, base: &Path) -> Vec<(String, String)> {
    walk(picked, follow)
        .map(|item| match item {
            WalkItem::File {
                key_rel,
                size,
                path,
                mtime,
            } => {
                assert!(mtime.is_some());
                assert_eq!(fs::metadata(&path).unwrap().len(), size);
                (key_rel, size.to_string())
            }
            WalkItem::Skipped { path, reason } => (
                format!("skip {}", path.strip_prefix(base).unwrap().display()),
                reason.to_string(),
            ),
            WalkItem::EmptyDir { key_rel, .. } => (format!("{key_rel}/"), "empty".into()),
        })
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn mkfifo(path: &Path) {
    rustix::fs::mkfifoat(
        rustix::fs::CWD,
        path,
        rustix::fs::Mode::from_raw_mode(0o600),
    )
    .unwrap();
}

#[test]
fn nested_folders_depth_first_in_sorted_order() {
    let tmp = tempfile::tempdir().unwrap();
    let photos = tmp.path().join("photos");
    fs::create_dir_all(photos.join("a/y")).unwrap();
    fs::create_dir_all(photos.join("empty/emptier")).unwrap();
    fs::write(photos.join("b.jpg"), b"bb").unwrap();
    fs::write(photos.join("a/z.jpg"), b"z").unwrap();
    fs::write(photos.join("a/y/deep.txt"), b"deep").unwrap();
    fs::write(photos.join("a-b"), b"").unwrap();
    fs::write(photos.join("C.txt"), b"ccc").unwrap();
    assert_eq!(
        summary(&photos, false, tmp.path()),
        pairs(&[
            ("photos/C.txt", "3"),
            ("photos/a/y/deep.txt", "4"),
            ("photos/a/z.jpg", "1"),
            ("photos/a-b", "0"),
            ("photos/b.jpg", "2"),
            ("photos/empty/emptier/", "empty"),
        ])
    );
    // A trailing slash or a "." does not change the picked name.
    assert_eq!(
        summary(&tmp.path().join("photos/"), false, tmp.path()).len(),
        6
    );
    assert_eq!(
        summary(&photos.join("a/y/.."), false, tmp.path())[0].0,
        "a/y/deep.txt"
    );
}

#[test]
fn a_file_picked_directly_is_its_own_name() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("report.pdf");
    fs::write(&file, b"%PDF").unwrap();
    let items: Vec<WalkItem> = walk(&file, false).collect();
    assert_eq!(items.len(), 1);
    let WalkItem::File {
        path,
        key_rel,
        size,
        mtime,
    } = &items[0]
    else {
        panic!("{items:?}");
    };
    assert_eq!((path, key_rel.as_str(), *size), (&file, "report.pdf", 4));
    assert_eq!(
        *mtime,
        Some(fs::metadata(&file).unwrap().modified().unwrap())
    );
}

#[test]
fn an_empty_folder_is_reported_as_one() {
    let tmp = tempfile::tempdir().unwrap();
    let items: Vec<WalkItem> = walk(tmp.path(), false).collect();
    assert!(
        matches!(&items[..], [WalkItem::EmptyDir { path, .. }] if path == tmp.path()),
        "{items:?}"
    );
}

#[test]
fn fifo_and_socket_are_skipped_with_reasons() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("d");
    fs::create_dir(&d).unwrap();
    mkfifo(&d.join("fifo"));
    let _listener = UnixListener::bind(d.join("sock")).unwrap();
    fs::write(d.join("real"), b"r").unwrap();
    assert_eq!(
        summary(&d, false, tmp.path()),
        pairs(&[
            ("skip d/fifo", "FIFO"),
            ("d/real", "1"),
            ("skip d/sock", "socket"),
        ])
    );
    // Picked directly, too; and never opened (opening a FIFO would block).
    assert_eq!(
        summary(&d.join("fifo"), true, tmp.path()),
        pairs(&[("skip d/fifo", "FIFO")])
    );
}

#[test]
fn devices_are_skipped() {
    let items: Vec<WalkItem> = walk(Path::new("/dev/null"), false).collect();
    assert_eq!(
        items,
        [WalkItem::Skipped {
            path: "/dev/null".into(),
            reason: Unfit::Device
        }]
    );
}

#[test]
fn symlinks_are_skipped_by_default_and_followed_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    fs::create_dir_all(outside.join("inner")).unwrap();
    fs::write(outside.join("inner/o.txt"), b"outside").unwrap();
    fs::write(outside.join("target"), b"target!").unwrap();
    let d = tmp.path().join("d");
    fs::create_dir(&d).unwrap();
    symlink(outside.join("target"), d.join("file-link")).unwrap();
    symlink(&outside, d.join("dir-link")).unwrap();
    symlink(tmp.path().join("missing"), d.join("dangling")).unwrap();
    assert_eq!(
        summary(&d, false, tmp.path()),
        pairs(&[
            ("skip d/dangling", "symlink (follow_symlinks = false)"),
            ("skip d/dir-link", "symlink (follow_symlinks = false)"),
            ("skip d/file-link", "symlink (follow_symlinks = false)"),
        ])
    );
    assert_eq!(
        summary(&d, true, tmp.path()),
        pairs(&[
            ("skip d/dangling", "broken symlink"),
            ("d/dir-link/inner/o.txt", "7"),
            ("d/dir-link/target", "7"),
            ("d/file-link", "7"),
        ])
    );
    // The setting applies to the picked entry itself.
    assert_eq!(
        summary(&d.join("dir-link"), false, tmp.path()),
        pairs(&[("skip d/dir-link", "symlink (follow_symlinks = false)")])
    );
    assert_eq!(summary(&d.join("dir-link"), true, tmp.path()).len(), 2);
}

#[test]
fn symlink_loops_are_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("d");
    fs::create_dir_all(d.join("sub")).unwrap();
    fs::write(d.join("sub/f"), b"f").unwrap();
    symlink("..", d.join("sub/up")).unwrap();
    symlink("self", d.join("self")).unwrap();
    // A link to a sibling folder is not a loop: it is walked once more.
    symlink("sub", d.join("twin")).unwrap();
    assert_eq!(
        summary(&d, true, tmp.path()),
        pairs(&[
            ("skip d/self", "symlink loop"),
            ("d/sub/f", "1"),
            ("skip d/sub/up", "symlink loop"),
            ("d/twin/f", "1"),
            ("skip d/twin/up", "symlink loop"),
        ])
    );
}

#[test]
fn names_that_are_not_utf8_are_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("d");
    fs::create_dir(&d).unwrap();
    let bad = d.join(OsStr::from_bytes(b"bad\xff.txt"));
    fs::write(&bad, b"x").unwrap();
    fs::create_dir(d.join(OsStr::from_bytes(b"dir\xfe"))).unwrap();
    fs::write(d.join("good.txt"), b"ok").unwrap();
    let items: Vec<WalkItem> = walk(&d, false).collect();
    assert_eq!(
        items[0],
        WalkItem::Skipped {
            path: bad.clone(),
            reason: Unfit::NotUtf8
        }
    );
    assert!(matches!(&items[1], WalkItem::Skipped { reason, .. } if *reason == Unfit::NotUtf8));
    assert!(matches!(&items[2], WalkItem::File { key_rel, .. } if key_rel == "d/good.txt"));
    assert_eq!(items.len(), 3);
    // Picked directly.
    let items: Vec<WalkItem> = walk(&bad, false).collect();
    assert_eq!(
        items,
        [WalkItem::Skipped {
            path: bad,
            reason: Unfit::NotUtf8
        }]
    );
}

#[test]
fn unreadable_folder_is_skipped_with_the_error() {
    use std::os::unix::fs::PermissionsExt;
    if rustix::process::geteuid().is_root() {
        return; // root reads everything; nothing to test
    }
    let tmp = tempfile::tempdir().unwrap();
    let locked = tmp.path().join("d/locked");
    fs::create_dir_all(&locked).unwrap();
    fs::write(locked.join("f"), b"x").unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let got = summary(&tmp.path().join("d"), false, tmp.path());
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, "skip d/locked");
    assert!(got[0].1.starts_with("unreadable: "), "{}", got[0].1);
}

#[test]
fn a_missing_pick_is_unreadable() {
    let tmp = tempfile::tempdir().unwrap();
    let got = summary(&tmp.path().join("gone"), false, tmp.path());
    assert_eq!(got.len(), 1);
    assert!(got[0].1.starts_with("unreadable: "), "{got:?}");
}
