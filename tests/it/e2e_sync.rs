//! `S` end to end: the release binary in a pseudo-terminal against moto.
//! On a prefix, a local folder typed: the plan view lists every row with
//! its reason, a row left out with Space stays out, a plan that deletes
//! all that is there wants the count typed (y is no answer), and the run
//! leaves exactly the kept rows in the
//! bucket (the sibling prefix never touched).

use crate::common::pty::{Pty, wait_until};
use std::time::Duration;

const ENTER: &str = "\r";

#[test]
fn s_plans_a_folder_into_a_prefix_and_runs_exactly_the_kept_rows() {
    let Some(ep) = crate::common::moto() else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bucket = crate::common::bucket("e2e-sync");
    let c = crate::common::moto_sdk(&ep);
    let keys = || -> Vec<String> {
        rt.block_on(async {
            let out = c.list_objects_v2().bucket(&bucket).send().await.unwrap();
            out.contents()
                .iter()
                .filter_map(|o| o.key().map(str::to_owned))
                .collect()
        })
    };
    rt.block_on(async {
        crate::common::create_bucket(&c, &bucket).await;
        for k in ["site/gone.html", "site-old/keep.html"] {
            c.put_object()
                .bucket(&bucket)
                .key(k)
                .body(aws_sdk_s3::primitives::ByteStream::from_static(b"old"))
                .send()
                .await
                .unwrap();
        }
    });
    let home = tempfile::tempdir().unwrap();
    let folder = home.path().join("www");
    std::fs::create_dir_all(folder.join("css")).unwrap();
    std::fs::write(folder.join("index.html"), b"<h1>hi</h1>").unwrap();
    std::fs::write(folder.join("css/a.css"), b"body{}").unwrap();
    std::fs::write(folder.join("draft.html"), b"not yet").unwrap();
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIAE2ETESTKEY000000"),
        ("AWS_SECRET_ACCESS_KEY", "e2eSECRETvalue"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ENDPOINT_URL", ep.as_str()),
    ];
    let target = format!("s3://{bucket}/site/");
    let mut t = Pty::spawn(&[&target], &env, home.path());
    t.wait_for("gone.html");
    t.press(&["S"]);
    t.wait_for("with local folder");
    // Replace what is filled in with our folder.
    t.press(&["\x7f", "\x7f", "\x7f"]);
    t.keys(&format!("{}/", folder.display()));
    t.press(&[ENTER]);
    t.wait_for("upload 3");
    t.wait_for("delete 1");
    t.wait_for("draft.html  (new)");
    // Rows in path order: css/a.css, draft.html, gone.html, index.html.
    t.press(&["j", " "]);
    t.wait_for("left out");
    // The plan deletes all that is there (1 of 1): its count is typed,
    // as pail sync wants --force; y is no answer.
    t.press(&[ENTER]);
    t.wait_for("Type 1 (the number of files it deletes)");
    std::thread::sleep(Duration::from_millis(400));
    t.press(&["y"]);
    std::thread::sleep(Duration::from_millis(300));
    assert!(keys().contains(&"site/gone.html".to_owned()), "y ran it");
    t.press(&["1", ENTER]);
    wait_until("the sync ran", || keys().len() == 3);
    std::thread::sleep(Duration::from_millis(500));
    let mut k = keys();
    k.sort();
    assert_eq!(
        k,
        ["site-old/keep.html", "site/css/a.css", "site/index.html"]
    );
    t.quit();
}
