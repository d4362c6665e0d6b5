//! File management end to end: the release binary in a pseudo-terminal
//! against moto, keys pressed as a user would, then the files on disk and
//! the keys in the bucket checked.

use crate::common::pty::{Pty, wait_until};
use std::path::Path;
use std::time::Duration;

const ENTER: &str = "\r";
const ESC: &str = "\x1b";

fn env(ep: &str) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ACCESS_KEY_ID", "AKIAE2ETESTKEY000000".into()),
        ("AWS_SECRET_ACCESS_KEY", "e2eSECRETvalue".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_ENDPOINT_URL", ep.to_owned()),
    ]
}

fn spawn(ep: &str, bucket: &str, prefix: &str, home: &Path) -> Pty {
    let env = env(ep);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let target = format!("s3://{bucket}/{prefix}");
    let log = home.join("pail.log");
    Pty::spawn(&[&target, "--log-file", log.to_str().unwrap()], &env, home)
}

fn type_text(t: &mut Pty, text: &str) {
    t.keys(text);
    std::thread::sleep(Duration::from_millis(200));
}

fn quit(t: &mut Pty) {
    t.press(&[ESC, "q"]);
    let s = t.wait_exit(Duration::from_secs(30));
    assert!(s.success(), "exit status {s:?}");
}

fn keys_in(rt: &tokio::runtime::Runtime, ep: &str, bucket: &str) -> Vec<String> {
    rt.block_on(async {
        let c = crate::common::moto_sdk(ep);
        let out = c
            .list_objects_v2()
            .bucket(bucket)
            .send()
            .await
            .expect("list");
        out.contents()
            .iter()
            .filter_map(|o| o.key().map(str::to_owned))
            .collect()
    })
}

fn seed(rt: &tokio::runtime::Runtime, ep: &str, bucket: &str, objects: &[(&str, &[u8])]) {
    rt.block_on(async {
        let c = crate::common::moto_sdk(ep);
        crate::common::create_bucket(&c, bucket).await;
        for (k, body) in objects {
            crate::common::put(&c, bucket, k, body).await;
        }
    });
}

#[test]
fn mark_two_objects_and_a_prefix_and_download_them() {
    let Some(ep) = crate::common::moto() else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bucket = crate::common::bucket("e2e-dl");
    seed(
        &rt,
        &ep,
        &bucket,
        &[
            ("docs/a.pdf", b"pdf bytes"),
            ("docs/deep/b.txt", b"b text"),
            ("readme.md", b"# readme"),
            ("z.txt", b"zzz"),
        ],
    );
    let home = tempfile::tempdir().unwrap();
    let mut t = spawn(&ep, &bucket, "", home.path());
    t.wait_for("readme.md");
    // docs/ (first row), then readme.md and z.txt.
    t.press(&[" ", " ", " "]);
    t.wait_for("3 marked");
    t.press(&["d"]);
    t.wait_for("Download 3 items to:");
    let dest = home.path().join("got");
    t.press(&["\x15"]); // Ctrl-u clears the line
    type_text(&mut t, dest.to_str().unwrap());
    t.press(&[ENTER]);
    t.wait_for("Downloaded 4 objects");
    assert_eq!(
        std::fs::read(dest.join("docs/a.pdf")).unwrap(),
        b"pdf bytes"
    );
    assert_eq!(
        std::fs::read(dest.join("docs/deep/b.txt")).unwrap(),
        b"b text"
    );
    assert_eq!(std::fs::read(dest.join("readme.md")).unwrap(), b"# readme");
    assert_eq!(std::fs::read(dest.join("z.txt")).unwrap(), b"zzz");
    // Nothing else: no temp files.
    let mut names: Vec<String> = std::fs::read_dir(&dest)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["docs", "readme.md", "z.txt"]);
    quit(&mut t);
}

#[test]
fn upload_a_folder_then_cut_and_paste_it_across_prefixes() {
    let Some(ep) = crate::common::moto() else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bucket = crate::common::bucket("e2e-up");
    seed(
        &rt,
        &ep,
        &bucket,
        &[("in/keep.txt", b"k"), ("out/.keep", b"")],
    );
    let home = tempfile::tempdir().unwrap();
    let photos = home.path().join("photos");
    std::fs::create_dir_all(photos.join("2026")).unwrap();
    std::fs::write(photos.join("a.jpg"), b"jpeg").unwrap();
    std::fs::write(photos.join("2026/b.png"), b"png").unwrap();
    let mut t = spawn(&ep, &bucket, "", home.path());
    t.wait_for("in/");
    // Cursor on in/: upload into it.
    t.press(&["u"]);
    t.wait_for("Upload to s3://");
    t.press(&["\x15"]);
    type_text(&mut t, photos.to_str().unwrap());
    t.press(&[ENTER]);
    t.wait_for("Uploaded 2 objects");
    wait_until("the keys are listed", || {
        keys_in(&rt, &ep, &bucket).contains(&"in/photos/2026/b.png".to_string())
    });
    assert!(keys_in(&rt, &ep, &bucket).contains(&"in/photos/a.jpg".to_string()));
    // Expand in/ (the tree refreshed it), select photos/, cut, go to out/, paste.
    t.press(&["l"]);
    t.wait_for("photos/");
    t.press(&["j"]);
    t.press(&["x"]);
    t.wait_for("Cut in/photos/");
    t.press(&["G"]);
    // The last row is out/ (in/ expanded: in/, photos/, keep.txt, out/).
    t.press(&["p"]);
    t.wait_for("Moved 2 objects");
    let now = keys_in(&rt, &ep, &bucket);
    assert!(now.contains(&"out/photos/a.jpg".to_string()), "{now:?}");
    assert!(
        now.contains(&"out/photos/2026/b.png".to_string()),
        "{now:?}"
    );
    assert!(!now.iter().any(|k| k.starts_with("in/photos/")), "{now:?}");
    assert!(now.contains(&"in/keep.txt".to_string()));
    quit(&mut t);
}

#[test]
fn delete_a_prefix_by_typing_the_count() {
    let Some(ep) = crate::common::moto() else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bucket = crate::common::bucket("e2e-rm");
    seed(
        &rt,
        &ep,
        &bucket,
        &[
            ("docs/1", b"1"),
            ("docs/2", b"2"),
            ("docs/sub/3", b"3"),
            ("docs-old/4", b"4"),
        ],
    );
    let home = tempfile::tempdir().unwrap();
    let mut t = spawn(&ep, &bucket, "", home.path());
    t.wait_for("docs-old/");
    // docs/ sorts after docs-old/: the second row.
    t.press(&["j", "X"]);
    t.wait_for("Delete: 3 objects");
    t.wait_for("docs/sub/3");
    // y alone does nothing; the count does.
    t.answer(&["y", "3", ENTER]);
    t.wait_for("Deleted 3 objects");
    wait_until("docs/ is gone", || {
        keys_in(&rt, &ep, &bucket) == ["docs-old/4".to_string()]
    });
    quit(&mut t);
}

#[test]
fn cancel_a_large_download_from_the_transfers_panel() {
    let Some(ep) = crate::common::moto() else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bucket = crate::common::bucket("e2e-cancel");
    let big = vec![7u8; 48 << 20];
    seed(&rt, &ep, &bucket, &[("big.bin", &big)]);
    let home = tempfile::tempdir().unwrap();
    // A slow download, so there is time to cancel it.
    let cfg = home.path().join(".config/pail");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        "[transfers]\nbandwidth_limit = \"4MiB/s\"\n",
    )
    .unwrap();
    let dest = home.path().join("dl");
    std::fs::create_dir_all(&dest).unwrap();
    std::fs::write(dest.join("big.bin"), b"old contents").unwrap();
    let mut t = spawn(&ep, &bucket, "", home.path());
    t.wait_for("big.bin");
    t.press(&["d", "\x15"]);
    type_text(&mut t, dest.to_str().unwrap());
    t.press(&[ENTER]);
    // The target exists: overwrite.
    t.wait_for("conflict");
    t.answer(&["o"]);
    t.press(&["t"]);
    t.wait_for("Transfers (1)");
    t.wait_for("running");
    t.press(&["X"]);
    t.wait_for("cancelled");
    // The old file is intact and no temp file is left.
    assert_eq!(
        std::fs::read(dest.join("big.bin")).unwrap(),
        b"old contents"
    );
    let names: Vec<String> = std::fs::read_dir(&dest)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["big.bin"]);
    t.press(&[ESC]);
    quit(&mut t);
}
