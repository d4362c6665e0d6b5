use super::*;
use crate::store::settings::EncryptionRule;

fn conn() -> Connection {
    Connection {
        endpoint: None,
        endpoint_source: None,
        profile: Some("dev".into()),
        region: "us-east-1".into(),
        path_style: false,
        unsigned: false,
    }
}

fn denied(op: &'static str, key: &str) -> StoreError {
    let mut e = StoreError::new(
        ErrorKind::AccessDenied,
        "User: arn:aws:sts::111122223333:assumed-role/app/s is not authorized to perform: \
         s3:GetObject on resource: \"arn:aws:s3:::acme/secret/a.txt\" with an explicit deny \
         in a resource-based policy",
    );
    e.code = Some("AccessDenied".into());
    e.bucket = Some("acme".into());
    e.key = Some(key.into());
    e.operation = Some(op);
    e
}

fn facts(err: StoreError) -> Facts {
    Facts {
        err,
        identity: Ok(CallerIdentity {
            account: "111122223333".into(),
            arn: "arn:aws:sts::111122223333:assumed-role/app/s".into(),
            user_id: "AROA:s".into(),
        }),
        region: Some("eu-west-1".into()),
        owner: Some(Ok(Some("abc123".into()))),
        policy: Some(Ok(Some(
            r#"{"Statement":[
              {"Sid":"OnlyVpce","Effect":"Deny","Principal":"*","Action":"s3:GetObject",
               "Resource":"arn:aws:s3:::acme/secret/*",
               "Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b"}}},
              {"Sid":"App","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},
               "Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::acme/*"}]}"#
                .into(),
        ))),
        encryption: Some(Ok(Some(Setting::Encryption(vec![EncryptionRule {
            algorithm: "aws:kms".into(),
            kms_key: Some("alias/acme".into()),
            bucket_key: true,
        }])))),
        listing: Some(Ok(true)),
    }
}

#[test]
fn a_denied_read_names_the_identity_action_deny_first_and_the_kms_key() {
    let x = explain(&facts(denied("HeadObject", "secret/a.txt")), &conn(), None);
    let text = x.hints.join("\n");
    assert!(
        x.summary
            .starts_with("HeadObject was denied on s3://acme/secret/a.txt")
    );
    for want in [
        "arn:aws:sts::111122223333:assumed-role/app/s (account 111122223333)",
        "in eu-west-1 (pail signs for it; the client's region is us-east-1)",
        "s3:GetObject on arn:aws:s3:::acme/secret/a.txt",
        "Deny (OnlyVpce) s3:GetObject to everyone",
        "only when StringNotEquals aws:SourceVpce vpce-1a2b",
        "Allow (App) s3:GetObject to you",
        "key alias/acme",
        "simulate-principal-policy --policy-source-arn arn:aws:iam::111122223333:role/app",
    ] {
        assert!(text.contains(want), "{want:?} in\n{text}");
    }
    let deny = text.find("Deny (OnlyVpce)").unwrap();
    let allow = text.find("Allow (App)").unwrap();
    assert!(deny < allow, "explicit Deny first");
}

#[test]
fn a_missing_key_without_list_permission_is_called_out() {
    let mut f = facts(denied("HeadObject", "nope.txt"));
    f.listing = Some(Err("AccessDenied: listing".into()));
    f.policy = Some(Err("AccessDenied".into()));
    let text = explain(&f, &conn(), None).hints.join("\n");
    assert!(
        text.contains("without s3:ListBucket S3 answers a missing key with 403"),
        "{text}"
    );
    assert!(
        text.contains("s3:GetBucketPolicy is denied to you too"),
        "{text}"
    );
    f.listing = Some(Ok(false));
    let text = explain(&f, &conn(), None).hints.join("\n");
    assert!(text.contains("listing finds no such key"), "{text}");
}

#[test]
fn a_bad_signature_says_region_and_clock() {
    let mut e = denied("ListObjectsV2", "");
    e.kind = ErrorKind::SignatureMismatch;
    e.code = Some("SignatureDoesNotMatch".into());
    e.skew_secs = Some(-1200);
    let text = explain(&facts(e), &conn(), None).hints.join("\n");
    assert!(text.contains("by -1200 s (yours is ahead)"), "{text}");
    assert!(text.contains("the bucket is in eu-west-1 but the client's region is us-east-1"));
    assert!(!text.contains("The bucket policy"));
}
