//! Posture against real servers (part 6): "is it public?" on every rung of
//! the ladder as moto answers it (account BPA through S3 Control, bucket
//! BPA, ACL, policy), `pail posture` as scripts run it (text, --json,
//! --fail-on exit codes), and the card's lines on every server, where
//! rustack and s3s-fs answer "not supported" for most parts without an
//! error.

use crate::cli::harness::Pail;
use crate::common::engine::*;
use aws_sdk_s3::types as t;
use aws_sdk_s3control as s3control;
use pail::layout::card::{CardView, lines};
use pail::layout::inspector::Fetched;
use pail::posture::{self, Profile, Verdict};
use pail::store::settings::Part;

const PUBLIC_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/*"}]}"#;

async fn verdict(s: &Server, bucket: &str) -> Verdict {
    let g = posture::gather(&*s.store, bucket).await;
    posture::assess(&g.facts(false), Profile::PrivateApp)
        .ladder
        .verdict
}

fn block(all: bool) -> t::PublicAccessBlockConfiguration {
    t::PublicAccessBlockConfiguration::builder()
        .block_public_acls(all)
        .ignore_public_acls(all)
        .block_public_policy(all)
        .restrict_public_buckets(all)
        .build()
}

/// S3 Control at the test server itself (its host carries no account id).
#[derive(Debug)]
struct At(String);
impl s3control::config::endpoint::ResolveEndpoint for At {
    fn resolve_endpoint<'a>(
        &'a self,
        _: &'a s3control::config::endpoint::Params,
    ) -> s3control::config::endpoint::EndpointFuture<'a> {
        s3control::config::endpoint::EndpointFuture::ready(Ok(
            s3control::config::endpoint::Endpoint::builder()
                .url(self.0.clone())
                .build(),
        ))
    }
}

async fn set_account_block(s: &Server, on: bool) {
    let conf = s3control::Config::builder()
        .behavior_version(s3control::config::BehaviorVersion::latest())
        .region(s3control::config::Region::new("us-east-1"))
        .credentials_provider(s3control::config::Credentials::new(
            &s.key, &s.secret, None, None, "test",
        ))
        .endpoint_resolver(At(s.endpoint.clone()))
        .build();
    let c = s3control::Client::from_conf(conf);
    let account = s.store.caller_identity().await.unwrap().account;
    if on {
        c.put_public_access_block()
            .account_id(&account)
            .public_access_block_configuration(
                s3control::types::PublicAccessBlockConfiguration::builder()
                    .block_public_acls(true)
                    .ignore_public_acls(true)
                    .block_public_policy(true)
                    .restrict_public_buckets(true)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    } else {
        c.delete_public_access_block()
            .account_id(&account)
            .send()
            .await
            .unwrap();
    }
}

/// Every rung, in one test: the account's BPA is shared by every bucket
/// of the server, so no other test may see it on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_ladder_on_every_rung_on_moto() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let acl = s.bucket("ladder-acl").await;
    let pol = s.bucket("ladder-policy").await;
    s.sdk
        .put_bucket_acl()
        .bucket(&acl)
        .acl(t::BucketCannedAcl::PublicRead)
        .send()
        .await
        .unwrap();
    s.sdk
        .put_bucket_policy()
        .bucket(&pol)
        .policy(PUBLIC_POLICY.replace("BUCKET", &pol))
        .send()
        .await
        .unwrap();
    // Rung 3: the ACL's grant to AllUsers.
    assert_eq!(
        verdict(&s, &acl).await,
        Verdict::Public("ACL grants READ to AllUsers".into())
    );
    // Rung 4: the policy's statement to *.
    assert_eq!(
        verdict(&s, &pol).await,
        Verdict::Public("policy statement \"PublicRead\"".into())
    );
    // Rung 2: the bucket's BPA neutralises both.
    for b in [&acl, &pol] {
        s.sdk
            .put_public_access_block()
            .bucket(b)
            .public_access_block_configuration(block(true))
            .send()
            .await
            .unwrap();
        assert_eq!(
            verdict(&s, b).await,
            Verdict::NotPublic("the bucket's Block Public Access blocks everything".into()),
            "{b}"
        );
        s.sdk
            .delete_public_access_block()
            .bucket(b)
            .send()
            .await
            .unwrap();
        assert!(matches!(verdict(&s, b).await, Verdict::Public(_)), "{b}");
    }
    // Rung 1: the account's BPA, read with the caller's account id.
    set_account_block(&s, true).await;
    let seen = (verdict(&s, &acl).await, verdict(&s, &pol).await);
    set_account_block(&s, false).await;
    let account = Verdict::NotPublic("the account's Block Public Access blocks everything".into());
    assert_eq!(seen, (account.clone(), account));
    assert!(matches!(verdict(&s, &pol).await, Verdict::Public(_)));
}

/// `pail posture` as a script runs it: the text names the verdict and the
/// findings; --json says the same; --fail-on sets the exit status.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posture_command_reports_and_fails_on_severity() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&s);
    let b = s.bucket("posture-cli").await;
    s.sdk
        .put_bucket_acl()
        .bucket(&b)
        .acl(t::BucketCannedAcl::PublicRead)
        .send()
        .await
        .unwrap();
    let uri = format!("s3://{b}");
    let r = p.run(&["posture", &uri]);
    let out = String::from_utf8_lossy(&r.stdout);
    assert_eq!(r.code, 0, "{out}{}", r.stderr);
    assert!(
        out.contains("Is it public? PUBLIC: ACL grants READ to AllUsers"),
        "{out}"
    );
    assert!(out.contains("CRITICAL Bucket is public"), "{out}");
    assert!(out.contains("Versioning is off"), "{out}");

    let r = p.run(&["posture", "--json", "--fail-on", "critical", &uri]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(v["public"]["verdict"], "public");
    assert_eq!(v["findings"][0]["check"], "public");
    assert_eq!(v["findings"][0]["severity"], "critical");
    assert_eq!(v["settings"]["ACL"]["state"], "set");
    assert_eq!(v["profile"], "private-app");

    // Block it: nothing critical left, but high findings remain.
    s.sdk
        .put_public_access_block()
        .bucket(&b)
        .public_access_block_configuration(block(true))
        .send()
        .await
        .unwrap();
    assert_eq!(p.run(&["posture", "--fail-on", "critical", &uri]).code, 0);
    assert_eq!(p.run(&["posture", "--fail-on", "high", &uri]).code, 1);
    // The profile weighs the same facts differently.
    let r = p.run(&["posture", "--json", "--intent", "static-site", &uri]);
    let v: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(v["profile"], "static-site");
    let lifecycle = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "lifecycle")
        .unwrap();
    assert_eq!(lifecycle["severity"], "info");

    // Usage errors and a missing bucket.
    assert_eq!(p.run(&["posture", "--intent", "nope", &uri]).code, 2);
    assert_eq!(p.run(&["posture", "--fail-on", "nope", &uri]).code, 2);
    assert_eq!(p.run(&["posture", &format!("{uri}/prefix/")]).code, 2);
    let r = p.run(&["posture", "s3://no-such-bucket-here-posture"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("no-such-bucket-here-posture"),
        "{}",
        r.stderr
    );
}

/// On every server the card's lines come out: each part set, not set,
/// or said to be unsupported or denied, never an error about the bucket.
async fn card_renders_every_part(s: &Server) {
    let b = s.bucket("card-lines").await;
    let g = posture::gather(&*s.store, &b).await;
    let facts = g.facts(false);
    let view = CardView {
        posture: posture::assess(&facts, Profile::PrivateApp),
        facts,
        identity: match &g.identity {
            Ok(i) => Fetched::Ready(i),
            Err(e) => Fetched::Failed(e),
        },
        profile_key: "I".into(),
    };
    let text: Vec<String> = lines(&view)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect();
    let text = text.join("\n");
    assert!(
        text.contains("Posture · private app storage (I changes)"),
        "{text}"
    );
    for part in Part::ALL {
        assert!(
            text.contains(part.label()),
            "{}: {part:?} missing\n{text}",
            s.name
        );
    }
    assert!(!text.contains("reading…"), "{}: {text}", s.name);
    assert!(!text.contains("NoSuchBucket"), "{}: {text}", s.name);
    if s.name == "s3s-fs" {
        assert!(
            text.contains("Encryption          not supported by this server"),
            "{text}"
        );
    }
}
on_servers!(card_renders_every_part: moto, radosgw, rustack, s3s);
