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

/// The share popup's POST form (`P`, method → POST): its `c` command is a
/// `curl -F` that uploads through radosgw's policy check as it is, with
/// only FILE replaced, and its `h` page holds the same fields.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_share_popups_post_form_uploads_with_its_curl_command() {
    use pail::app::share::{post_curl, post_html, post_json};
    use pail::store::PostRequest;
    let Some(s) = Server::radosgw().await else {
        return;
    };
    let b = s.bucket("share-post").await;
    let post = s
        .store
        .presign_post(&PostRequest {
            bucket: b.clone(),
            key: "in/".into(),
            prefix: true,
            expires_secs: 600,
            max_bytes: Some(1000),
            content_type: Some("text/csv".into()),
        })
        .await
        .expect("signed");
    let p = Pail::for_server(&s);
    let dir = p.dir("share-post");
    let file = dir.join("rows.csv");
    std::fs::write(&file, b"a,b\n1,2\n").unwrap();
    let cmd = post_curl(&post).replace("@FILE", &format!("@{}", file.display()));
    let out = Command::new("sh").args(["-c", &cmd]).output().unwrap();
    assert!(
        out.status.success(),
        "{cmd}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(s.get(&b, "in/rows.csv").await, b"a,b\n1,2\n");
    let html = post_html(&post);
    for (k, _) in &post.fields {
        assert!(html.contains(&format!("name=\"{k}\"")), "{k} in {html}");
    }
    let v = json(post_json(&post).as_bytes());
    assert_eq!(v["fields"]["key"], "in/${filename}");
    assert_eq!(v["url"], post.url.as_str());
}

/// In the popup, the method ring is GET → PUT → POST; a POST for a prefix
/// signs a `starts-with` policy with the typed size limit, and its result
/// is copied as JSON, curl -F or an HTML form.
#[test]
fn the_share_popup_signs_a_post_form_and_copies_it_three_ways() {
    use crate::common::fixtures::*;
    use crate::common::history::*;
    use crossterm::event::KeyCode;
    use pail::app::share::Stage;
    use pail::app::{Effect, Job, Modal, Msg, TaskEvent, update};
    use pail::store::PresignedPost;
    let mut app = browsing(pail::store::Versioning::Enabled);
    // Up to the method, → twice: GET → PUT → POST.
    send(
        &mut app,
        [
            key('P'),
            code(KeyCode::Up),
            code(KeyCode::Right),
            code(KeyCode::Right),
        ],
    );
    let share = |app: &pail::app::App| match app.modals.last() {
        Some(Modal::Share(s)) => (**s).clone(),
        other => panic!("share popup expected, got {other:?}"),
    };
    assert!(share(&app).post);
    // The key field: make it a prefix.
    send(&mut app, [code(KeyCode::Down), code(KeyCode::End)]);
    send(&mut app, std::iter::repeat_n(code(KeyCode::Backspace), 5));
    send(&mut app, "uploads/".chars().map(key));
    // Down past expiry and content type to the size limit: 10MiB → 2MiB.
    send(
        &mut app,
        [
            code(KeyCode::Down),
            code(KeyCode::Down),
            code(KeyCode::Down),
        ],
    );
    send(&mut app, [code(KeyCode::End)]);
    send(&mut app, std::iter::repeat_n(code(KeyCode::Backspace), 5));
    send(&mut app, "2MiB".chars().map(key));
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let (id, req) = spawned(&fx)
        .into_iter()
        .find_map(|(id, j)| match j {
            Job::PresignPost(r) => Some((id, r)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no POST signing in {fx:?}"));
    assert_eq!(req.key, "uploads/");
    assert!(req.prefix);
    assert_eq!(req.max_bytes, Some(2 << 20));
    let post = PresignedPost {
        url: "http://127.0.0.1:9000/b".into(),
        fields: vec![
            ("key".into(), "uploads/${filename}".into()),
            ("policy".into(), "eyJ4Ijp0cnVlfQ==".into()),
        ],
        expires_at: 1,
        region: "eu-west-1".into(),
    };
    update(
        &mut app,
        Msg::Task(id, TaskEvent::PresignedPost(Box::new(Ok(post)))),
    );
    assert!(matches!(share(&app).stage, Stage::Posted(_)));
    let copied = |fx: Vec<Effect>| {
        fx.into_iter()
            .find_map(|e| match e {
                Effect::Copy { text, .. } => Some(text),
                _ => None,
            })
            .expect("copied")
    };
    let j = copied(send(&mut app, [code(KeyCode::Enter)]));
    assert!(j.contains("\"key\":\"uploads/${filename}\""), "{j}");
    let c = copied(send(&mut app, [key('c')]));
    assert_eq!(
        c,
        "curl -f -F 'key=uploads/${filename}' -F 'policy=eyJ4Ijp0cnVlfQ==' -F 'file=@FILE' \
         'http://127.0.0.1:9000/b'"
    );
    let h = copied(send(&mut app, [key('h')]));
    assert!(h.contains("<input type=\"file\" name=\"file\""), "{h}");
}
