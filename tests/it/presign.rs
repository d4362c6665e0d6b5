//! `pail presign` (part 6 §6): GET and PUT links that work with curl, and a
//! POST form whose signed policy radosgw enforces: an upload inside it is
//! stored, one too large or outside the key prefix is refused and leaves
//! nothing. radosgw checks POST policies and signatures (moto does not).

use crate::cli::harness::Pail;
use crate::common::engine::*;
use std::process::Command;

fn curl(args: &[String]) -> (String, String) {
    let out = Command::new("curl")
        .args(["-s", "-w", "\n%{http_code}"])
        .args(args)
        .output()
        .expect("curl runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", &text));
    (code.to_owned(), body.to_owned())
}

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(out)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_form_is_accepted_inside_its_policy_and_refused_outside() {
    let Some(s) = Server::radosgw().await else {
        return;
    };
    let b = s.bucket("presign-post").await;
    let p = Pail::for_server(&s);
    let r = p.run(&[
        "presign",
        "--method",
        "post",
        "--max-size",
        "100",
        "--json",
        &format!("s3://{b}/up/"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = json(&r.stdout);
    let url = v["url"].as_str().unwrap().to_owned();
    let fields: Vec<(String, String)> = v["fields"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(fields[0], ("key".into(), "up/${filename}".into()));
    let dir = p.dir("post");
    std::fs::write(dir.join("small.txt"), b"hello").unwrap();
    std::fs::write(dir.join("big.bin"), vec![7u8; 500]).unwrap();
    let form = |key: Option<&str>, file: &str| {
        let mut a = Vec::new();
        for (k, v) in &fields {
            let v = if k == "key" { key.unwrap_or(v) } else { v };
            a.push("-F".to_owned());
            a.push(format!("{k}={v}"));
        }
        a.push("-F".into());
        a.push(format!("file=@{}", dir.join(file).display()));
        a.push(url.clone());
        a
    };
    let (code, body) = curl(&form(None, "small.txt"));
    assert!(code.starts_with('2'), "{code} {body}");
    let (code, body) = curl(&form(None, "big.bin"));
    assert_eq!(code, "400", "{body}");
    assert!(body.contains("EntityTooLarge"), "{body}");
    let (code, body) = curl(&form(Some("other/x.txt"), "small.txt"));
    assert_eq!(code, "403", "{body}");
    let keys: Vec<String> = s.keys(&b, "").await.into_iter().collect();
    assert_eq!(keys, vec!["up/small.txt".to_owned()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_and_put_links_work_with_curl_and_bad_arguments_are_usage_errors() {
    let Some(s) = Server::radosgw().await else {
        return;
    };
    let b = s.bucket("presign-links").await;
    let p = Pail::for_server(&s);
    let uri = format!("s3://{b}/docs/a b.txt");
    let r = p.run(&[
        "presign",
        "--method",
        "put",
        "--content-type",
        "text/plain",
        "--json",
        &uri,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = json(&r.stdout);
    let put = v["url"].as_str().unwrap().to_owned();
    assert_eq!(v["headers"]["content-type"], "text/plain", "{v}");
    let dir = p.dir("put");
    std::fs::write(dir.join("f.txt"), b"via a link").unwrap();
    let upload = |ct: &str| {
        curl(&[
            "-X".into(),
            "PUT".into(),
            "-H".into(),
            format!("Content-Type: {ct}"),
            "--data-binary".into(),
            format!("@{}", dir.join("f.txt").display()),
            put.clone(),
        ])
    };
    let (code, body) = upload("image/png");
    assert_eq!(code, "403", "a type other than the signed one: {body}");
    let (code, body) = upload("text/plain");
    assert_eq!(code, "200", "{body}");
    // Text output: the URL alone on stdout, as aws s3 presign prints it.
    let r = p.run(&["presign", "--expires-in", "90m", &uri]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = String::from_utf8_lossy(&r.stdout);
    assert_eq!(out.lines().count(), 1, "{out}");
    let (code, body) = curl(&[out.trim().to_owned()]);
    assert_eq!((code.as_str(), body.as_str()), ("200", "via a link"));

    for bad in [
        vec!["presign", "--method", "delete", &uri],
        vec!["presign", "--expires-in", "8d", &uri],
        vec!["presign", "--expires-in", "0", &uri],
        vec!["presign", &format!("s3://{b}")],
        vec!["presign", "--max-size", "10", &uri],
        vec!["presign", "not-a-uri"],
    ] {
        let r = p.run(&bad);
        assert_eq!(r.code, 2, "{bad:?}: {}", r.stderr);
        assert!(r.stdout.is_empty());
    }
}
