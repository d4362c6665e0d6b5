//! Which IAM action an S3 operation needs, and on which resource: what the
//! policies must allow for the request that failed. Most operations are
//! their own action; the exceptions (HeadObject is `s3:GetObject`, a
//! listing is `s3:ListBucket` on the bucket, an upload's parts are
//! `s3:PutObject`, a version's read is `s3:GetObjectVersion`) are where
//! people look for the wrong permission.

/// The actions `operation` needs (several for a copy), given whether the
/// request named a version.
pub fn actions(operation: &str, versioned: bool) -> Vec<&'static str> {
    let one = |a: &'static str| vec![a];
    match operation {
        "GetObject" | "HeadObject" | "GetObjectAttributes" if versioned => {
            one("s3:GetObjectVersion")
        }
        "GetObject" | "HeadObject" | "GetObjectAttributes" => one("s3:GetObject"),
        "PutObject" | "CreateMultipartUpload" | "UploadPart" | "CompleteMultipartUpload" => {
            one("s3:PutObject")
        }
        "UploadPartCopy" | "CopyObject" => vec!["s3:GetObject (source)", "s3:PutObject"],
        "DeleteObject" | "DeleteObjects" if versioned => one("s3:DeleteObjectVersion"),
        "DeleteObject" | "DeleteObjects" => one("s3:DeleteObject"),
        "AbortMultipartUpload" => one("s3:AbortMultipartUpload"),
        "ListParts" => one("s3:ListMultipartUploadParts"),
        "ListObjectsV2" | "ListObjects" | "HeadBucket" => one("s3:ListBucket"),
        "ListObjectVersions" => one("s3:ListBucketVersions"),
        "ListMultipartUploads" => one("s3:ListBucketMultipartUploads"),
        "ListBuckets" => one("s3:ListAllMyBuckets"),
        "GetObjectTagging" if versioned => one("s3:GetObjectVersionTagging"),
        "GetObjectTagging" => one("s3:GetObjectTagging"),
        "PutObjectTagging" => one("s3:PutObjectTagging"),
        "RestoreObject" => one("s3:RestoreObject"),
        "GetBucketLocation" => one("s3:GetBucketLocation"),
        "CreateBucket" => one("s3:CreateBucket"),
        "DeleteBucket" => one("s3:DeleteBucket"),
        "GetBucketEncryption" => one("s3:GetEncryptionConfiguration"),
        "PutBucketEncryption" | "DeleteBucketEncryption" => one("s3:PutEncryptionConfiguration"),
        "GetBucketLifecycleConfiguration" => one("s3:GetLifecycleConfiguration"),
        "PutBucketLifecycleConfiguration" | "DeleteBucketLifecycle" => {
            one("s3:PutLifecycleConfiguration")
        }
        "GetPublicAccessBlock" => one("s3:GetBucketPublicAccessBlock"),
        "PutPublicAccessBlock" | "DeletePublicAccessBlock" => one("s3:PutBucketPublicAccessBlock"),
        "GetBucketCors" => one("s3:GetBucketCORS"),
        "PutBucketCors" | "DeleteBucketCors" => one("s3:PutBucketCORS"),
        "GetBucketReplication" => one("s3:GetReplicationConfiguration"),
        "GetBucketNotificationConfiguration" => one("s3:GetBucketNotification"),
        "GetObjectLockConfiguration" => one("s3:GetBucketObjectLockConfiguration"),
        "PutBucketPolicy"
        | "DeleteBucketPolicy"
        | "GetBucketPolicy"
        | "GetBucketPolicyStatus"
        | "GetBucketVersioning"
        | "PutBucketVersioning"
        | "GetBucketAcl"
        | "GetBucketLogging"
        | "GetBucketWebsite"
        | "GetBucketTagging"
        | "GetBucketRequestPayment"
        | "GetBucketOwnershipControls"
        | "PutBucketOwnershipControls"
        | "PutBucketTagging" => {
            vec![known(operation)]
        }
        _ => vec![],
    }
}

/// `s3:<operation>` for the operations whose action is their own name.
fn known(operation: &str) -> &'static str {
    const SAME: &[&str] = &[
        "s3:PutBucketPolicy",
        "s3:DeleteBucketPolicy",
        "s3:GetBucketPolicy",
        "s3:GetBucketPolicyStatus",
        "s3:GetBucketVersioning",
        "s3:PutBucketVersioning",
        "s3:GetBucketAcl",
        "s3:GetBucketLogging",
        "s3:GetBucketWebsite",
        "s3:GetBucketTagging",
        "s3:GetBucketRequestPayment",
        "s3:GetBucketOwnershipControls",
        "s3:PutBucketOwnershipControls",
        "s3:PutBucketTagging",
    ];
    SAME.iter()
        .find(|a| a[3..] == *operation)
        .copied()
        .unwrap_or("s3:*")
}

/// Whether the action is checked against the bucket's ARN (listings and
/// bucket settings) rather than an object's.
pub fn on_bucket(action: &str) -> bool {
    !matches!(
        action,
        "s3:GetObject"
            | "s3:GetObject (source)"
            | "s3:GetObjectVersion"
            | "s3:PutObject"
            | "s3:DeleteObject"
            | "s3:DeleteObjectVersion"
            | "s3:AbortMultipartUpload"
            | "s3:ListMultipartUploadParts"
            | "s3:GetObjectTagging"
            | "s3:GetObjectVersionTagging"
            | "s3:PutObjectTagging"
            | "s3:RestoreObject"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_name_the_action_people_look_for() {
        assert_eq!(actions("HeadObject", false), ["s3:GetObject"]);
        assert_eq!(actions("GetObject", true), ["s3:GetObjectVersion"]);
        assert_eq!(actions("ListObjectsV2", false), ["s3:ListBucket"]);
        assert_eq!(actions("UploadPart", false), ["s3:PutObject"]);
        assert_eq!(actions("GetBucketAcl", false), ["s3:GetBucketAcl"]);
        assert_eq!(
            actions("GetBucketEncryption", false),
            ["s3:GetEncryptionConfiguration"]
        );
        assert!(actions("Whatever", false).is_empty());
        assert!(on_bucket("s3:ListBucket"));
        assert!(!on_bucket("s3:GetObject"));
    }
}
