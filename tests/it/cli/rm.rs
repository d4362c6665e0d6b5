//! `pail rm`: the plan of every target without `--yes`, exactly that plan
//! with it, and a whole bucket only with `--recursive` or its name typed.

use crate::cli::harness::Pail;
use crate::common::engine::Server;
use crate::common::pty::Pty;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rm_shows_the_whole_plan_then_deletes_exactly_it() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&s);
    let b = s.bucket("cli-rm").await;
    for i in 0..15 {
        s.put(&b, &format!("p/k{i:02}"), b"12345").await;
    }
    s.put(&b, "other/x", b"x").await;
    let r = p.run(&["rm", &format!("s3://{b}/p/")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let plan = String::from_utf8(r.stdout).unwrap();
    for want in [
        "15 objects (75 B)",
        "  p/k00",
        "  p/k09",
        "… and 5 more",
        "Nothing deleted",
    ] {
        assert!(plan.contains(want), "{want:?} in:\n{plan}");
    }
    assert!(!plan.contains("p/k10"), "{plan}");
    assert_eq!(s.keys(&b, "").await.len(), 16, "nothing deleted");
    let r = p.run(&["rm", &format!("s3://{b}/p/"), &format!("s3://{b}/other/x")]);
    let plan = String::from_utf8(r.stdout).unwrap();
    assert!(plan.contains("In all: 16 objects"), "{plan}");
    assert!(!plan.contains("versioned"), "{plan}");
    let r = p.run(&["rm", "--yes", &format!("s3://{b}/p/")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        s.keys(&b, "").await.into_iter().collect::<Vec<_>>(),
        ["other/x"]
    );
    // A whole bucket needs --recursive when nobody can type its name.
    let r = p.run(&["rm", "--yes", &format!("s3://{b}")]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--recursive"), "{}", r.stderr);
    assert_eq!(s.keys(&b, "").await.len(), 1);
    let r = p.run(&["rm", "--yes", "--recursive", &format!("s3://{b}")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(s.keys(&b, "").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rm_on_a_versioned_bucket_says_it_adds_delete_markers() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&s);
    let b = s.bucket("cli-rm-ver").await;
    s.sdk
        .put_bucket_versioning()
        .bucket(&b)
        .versioning_configuration(
            aws_sdk_s3::types::VersioningConfiguration::builder()
                .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    s.put(&b, "p/a", b"a").await;
    let r = p.run(&["rm", &format!("s3://{b}/p/a")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let plan = String::from_utf8(r.stdout).unwrap();
    assert!(plan.contains("is versioned"), "{plan}");
    assert!(plan.contains("delete marker"), "{plan}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rm_of_a_whole_bucket_asks_for_its_name_on_a_terminal() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&s);
    let b = s.bucket("cli-rm-tty").await;
    s.put(&b, "a", b"a").await;
    s.put(&b, "z/b", b"b").await;
    let mut args = p.args();
    args.extend(["rm".into(), "--yes".into(), format!("s3://{b}")]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env = p.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut t = Pty::spawn(&args, &env, p.home());
    t.wait_for_output("Type the bucket's name");
    t.keys("not-it\r");
    assert_eq!(t.wait_exit(Duration::from_secs(60)).exit_code(), 2);
    assert_eq!(s.keys(&b, "").await.len(), 2, "nothing deleted");
    let mut t = Pty::spawn(&args, &env, p.home());
    t.wait_for_output("Type the bucket's name");
    t.keys(&format!("{b}\r"));
    assert_eq!(
        t.wait_exit(Duration::from_secs(60)).exit_code(),
        0,
        "{}",
        t.raw_text()
    );
    assert!(s.keys(&b, "").await.is_empty());
}
