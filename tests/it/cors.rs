//! The CORS check (part 6 §6): `pail cors-check` sends a browser's
//! preflight for real and names the rule that matched, or why none did;
//! exit 0 allowed, 1 refused, 2 a usage error. radosgw answers preflights
//! as a production server does; moto's server answers preflights on its
//! own, which the check calls out.

use crate::cli::harness::Pail;
use crate::common::engine::*;
use pail::store::settings::{CorsRule, Setting};

fn rule(origins: &[&str], methods: &[&str], headers: &[&str], expose: &[&str]) -> CorsRule {
    let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect();
    CorsRule {
        origins: v(origins),
        methods: v(methods),
        headers: v(headers),
        expose: v(expose),
        max_age: None,
    }
}

async fn check(server: Option<Server>) {
    let Some(s) = server else {
        return;
    };
    let b = s.bucket("cors-check").await;
    let p = Pail::for_server(&s);
    let uri = format!("s3://{b}/up/photo.jpg");
    // No rules at all: refused, and the fix named.
    let r = p.run(&["cors-check", "--origin", "https://app.example.com", &uri]);
    assert_eq!(r.code, 1, "{}", String::from_utf8_lossy(&r.stdout));
    assert!(
        String::from_utf8_lossy(&r.stdout).contains("no CORS rules"),
        "{}",
        String::from_utf8_lossy(&r.stdout)
    );
    s.store
        .put_bucket_setting(
            &b,
            &Setting::Cors(vec![
                rule(
                    &["https://*.example.com"],
                    &["PUT", "POST"],
                    &["content-type"],
                    &["ETag"],
                ),
                rule(&["https://other.org"], &["GET"], &[], &[]),
            ]),
        )
        .await
        .expect("CORS rules set");
    let r = p.run(&[
        "cors-check",
        "--origin",
        "https://app.example.com",
        "--header",
        "content-type",
        &uri,
    ]);
    let out = String::from_utf8_lossy(&r.stdout);
    assert_eq!(r.code, 0, "{out}");
    assert!(out.contains("would be allowed"), "{out}");
    assert!(out.contains("Rule 1 of 2 matches"), "{out}");
    assert!(
        out.contains("Access-Control-Allow-Origin: https://app.example.com"),
        "{out}"
    );
    // An origin no rule names: refused, each rule's reason given.
    let r = p.run(&["cors-check", "--origin", "https://evil.test", &uri]);
    let out = String::from_utf8_lossy(&r.stdout);
    assert_eq!(r.code, 1, "{out}");
    assert!(out.contains("would be refused"), "{out}");
    assert!(
        out.contains("rule 1: origin not in https://*.example.com"),
        "{out}"
    );
    assert!(
        out.contains("rule 2: origin not in https://other.org"),
        "{out}"
    );
    // --json for scripts.
    let r = p.run(&[
        "cors-check",
        "--json",
        "--origin",
        "https://app.example.com",
        "--header",
        "content-type",
        &uri,
    ]);
    let v: serde_json::Value = serde_json::from_slice(&r.stdout).expect("json");
    assert_eq!(v["allowed"], true);
    assert_eq!(v["rule"], 1);
    assert_eq!(v["status"], 200);
    // Usage errors: an origin without its scheme, an unknown method.
    for bad in [
        vec!["cors-check", "--origin", "app.example.com", &uri],
        vec![
            "cors-check",
            "--origin",
            "https://a.com",
            "--method",
            "PATCH",
            &uri,
        ],
    ] {
        assert_eq!(p.run(&bad).code, 2, "{bad:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn radosgw_allows_a_matching_preflight_and_refuses_an_unknown_origin() {
    check(Server::radosgw().await).await;
}

/// moto's server answers every preflight itself, rules or not: the check
/// goes by the server (as a browser does) and says the two disagree.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_answers_against_the_rules_is_called_out() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let b = s.bucket("cors-moto").await;
    let p = Pail::for_server(&s);
    let r = p.run(&[
        "cors-check",
        "--origin",
        "https://app.example.com",
        &format!("s3://{b}/x"),
    ]);
    let out = String::from_utf8_lossy(&r.stdout);
    assert!(out.contains("no CORS rules"), "{out}");
    assert!(
        out.contains("the rules refuse it, the server allowed it"),
        "{out}"
    );
    assert_eq!(r.code, 0, "a browser goes by the server: {out}");
}
