//! Seeding the rustack demo server: the demo data set, plus
//! [`HISTORY_BUCKET`], a versioned bucket with three weeks of history worth
//! exploring: pages overwritten several times, files deleted (a delete
//! marker on top of older versions), a blog folder deleted yesterday, a
//! file deleted and later recreated, `report.txt` beside `report.txt.bak`,
//! and a `null` version from before versioning was turned on.
//!
//! Everything goes through rustack's own S3 operations. rustack stamps each
//! version with the clock, so the history is then backdated through its
//! snapshot export/import (the one public way to set a version's
//! LastModified): "deleted yesterday" is literally yesterday.

use super::data::{BUCKETS, Seed, seeds};
use super::rustack::VersionedServer;
use chrono::{DateTime, Local, NaiveTime, TimeZone, Utc};
use rustack_s3_core::{
    RustackS3,
    snapshot::{S3ObjectVersionSnapshot, S3Snapshot},
};
use rustack_s3_model::input::{
    CreateBucketInput, DeleteObjectInput, PutBucketVersioningInput, PutObjectInput,
};
use rustack_s3_model::types::{BucketVersioningStatus, VersioningConfiguration};
use rustack_s3_model::{S3Error, StreamingBlob};
use std::collections::HashMap;
use std::path::Path;

/// The versioned bucket of the demo.
pub const HISTORY_BUCKET: &str = "acme-site-history";

/// One thing that happened to [`HISTORY_BUCKET`].
enum Step {
    Put {
        key: &'static str,
        body: &'static str,
        meta: &'static [(&'static str, &'static str)],
    },
    Delete(&'static str),
    EnableVersioning,
}

/// `days` calendar days ago at `hh:mm` local time.
fn day(days: i64, hh: u32, mm: u32) -> DateTime<Utc> {
    let date = Local::now().date_naive() - chrono::Days::new(days as u64);
    let t = NaiveTime::from_hms_opt(hh, mm, 0).unwrap_or_default();
    Local
        .from_local_datetime(&date.and_time(t))
        .earliest()
        .map_or_else(|| Utc::now() - chrono::Duration::days(days), |t| t.into())
}

fn put(key: &'static str, body: &'static str) -> Step {
    Step::Put {
        key,
        body,
        meta: &[],
    }
}

fn put_meta(key: &'static str, body: &'static str, meta: &'static [(&str, &str)]) -> Step {
    Step::Put { key, body, meta }
}

/// The bucket's story, oldest first, with when each step happened. The
/// first entry's time is also the bucket's creation date.
#[rustfmt::skip]
fn story() -> Vec<(DateTime<Utc>, Step)> {
    use Step::*;
    let blog_gone = |i: i64| day(1, 17, 42) + chrono::Duration::seconds(i);
    let minutes_ago = |m: i64| Utc::now() - chrono::Duration::minutes(m);
    vec![
        (day(21, 9, 5), put("README.txt", "Static files for www.acme.example.\n(versioning is off)\n")),
        (day(21, 9, 10), EnableVersioning),
        (day(20, 10, 0), put("index.html", "<h1>Acme</h1>\n<p>Coming soon.</p>\n")),
        (day(20, 10, 1), put_meta("config/settings.json", "{\"theme\": \"light\", \"beta\": false}\n",
            &[("deployed-by", "alice"), ("env", "staging")])),
        (day(20, 10, 2), put("robots.txt", "User-agent: *\nDisallow: /\n")),
        (day(19, 14, 30), put("assets/logo.svg", "<svg><circle r=\"10\" fill=\"red\"/></svg>\n")),
        (day(19, 14, 31), put("assets/banner-2025.svg", "<svg><text>Happy 2025</text></svg>\n")),
        (day(19, 16, 0), put("report.txt", "Q3 report, draft 1\n")),
        (day(19, 16, 5), put("report.txt.bak", "Q3 report, draft 0\n")),
        (day(17, 11, 0), put("index.html", "<h1>Acme</h1>\n<p>We are live!</p>\n")),
        (day(17, 11, 5), put("README.txt", "Static files for www.acme.example.\nEvery change is kept.\n")),
        (day(15, 9, 0), put("blog/index.md", "# Acme blog\n")),
        (day(15, 9, 1), put("blog/2025/12-year-in-review.md", "# 2025 in review\n")),
        (day(15, 9, 2), put("blog/2026/01-new-year.md", "# Happy new year\n")),
        (day(15, 9, 3), put("blog/2026/02-roadmap.md", "# Roadmap\n- search\n")),
        (day(14, 18, 20), put_meta("config/settings.json", "{\"theme\": \"dark\", \"beta\": false}\n",
            &[("deployed-by", "bob"), ("env", "production")])),
        (day(12, 10, 0), put("blog/2026/03-launch.md", "# We launched\n")),
        (day(12, 10, 30), put("blog/2026/02-roadmap.md", "# Roadmap\n- search\n- dark mode\n")),
        (day(10, 8, 15), Delete("robots.txt")),
        (day(10, 8, 16), Delete("assets/banner-2025.svg")),
        (day(9, 13, 0), put("report.txt", "Q3 report, draft 2 (numbers checked)\n")),
        (day(9, 13, 1), put("report.txt.bak", "Q3 report, draft 1\n")),
        (day(8, 15, 45), put("index.html", "<h1>Acme</h1>\n<p>New look, same rockets.</p>\n")),
        (day(8, 16, 0), put("blog/2026/drafts/04-pricing.md", "# Pricing (draft)\n")),
        (day(6, 12, 0), put("assets/logo.svg", "<svg><circle r=\"12\" fill=\"navy\"/></svg>\n")),
        (day(4, 9, 30), put("robots.txt", "User-agent: *\nAllow: /\nSitemap: /sitemap.xml\n")),
        (day(3, 17, 0), put_meta("config/settings.json", "{\"theme\": \"dark\", \"beta\": true}\n",
            &[("deployed-by", "carol"), ("env", "production"), ("ticket", "OPS-1432")])),
        (day(3, 17, 10), Delete("report.txt.bak")),
        (day(2, 11, 0), put("report.txt", "Q3 report, final\n")),
        // Yesterday someone removed the whole 2026 blog folder.
        (blog_gone(0), Delete("blog/2026/01-new-year.md")),
        (blog_gone(1), Delete("blog/2026/02-roadmap.md")),
        (blog_gone(2), Delete("blog/2026/03-launch.md")),
        (blog_gone(3), Delete("blog/2026/drafts/04-pricing.md")),
        (minutes_ago(40), put("index.html", "<h1>Acme</h1>\n<p>Spring sale: 20% off every rocket.</p>\n")),
    ]
}

fn content_type(key: &str) -> &'static str {
    match key.rsplit('.').next() {
        Some("html") => "text/html",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("md") => "text/markdown",
        _ => "text/plain",
    }
}

fn err(what: &str, key: &str) -> impl FnOnce(S3Error) -> String {
    let what = format!("{what} {}", crate::sanitize::clean(key));
    move |e| format!("{what}: {e}")
}

async fn create_bucket(s3: &RustackS3, bucket: &str) -> Result<(), String> {
    let input = CreateBucketInput {
        bucket: bucket.into(),
        ..Default::default()
    };
    s3.handle_create_bucket(input)
        .await
        .map(drop)
        .map_err(err("create bucket", bucket))
}

/// Plays the story into [`HISTORY_BUCKET`], then backdates every version
/// and delete marker to when it happened. Must run before any other bucket
/// exists: the snapshot import replaces the whole server state.
async fn seed_history(s3: &RustackS3, scratch: &Path) -> Result<usize, String> {
    let b = HISTORY_BUCKET;
    create_bucket(s3, b).await?;
    let story = story();
    let mut when: HashMap<(String, String), DateTime<Utc>> = HashMap::new();
    for (at, step) in &story {
        let (key, version) = match step {
            Step::Put { key, body, meta } => {
                let input = PutObjectInput {
                    bucket: b.into(),
                    key: (*key).into(),
                    body: Some(StreamingBlob::new(*body)),
                    content_type: Some(content_type(key).into()),
                    metadata: meta
                        .iter()
                        .map(|(k, v)| ((*k).into(), (*v).into()))
                        .collect(),
                    ..Default::default()
                };
                let out = s3.handle_put_object(input).await.map_err(err("put", key))?;
                (*key, out.version_id)
            }
            Step::Delete(key) => {
                let input = DeleteObjectInput {
                    bucket: b.into(),
                    key: (*key).into(),
                    ..Default::default()
                };
                let out = s3
                    .handle_delete_object(input)
                    .await
                    .map_err(err("delete", key))?;
                (*key, out.version_id)
            }
            Step::EnableVersioning => {
                let input = PutBucketVersioningInput {
                    bucket: b.into(),
                    versioning_configuration: VersioningConfiguration {
                        status: Some(BucketVersioningStatus::Enabled),
                        mfa_delete: None,
                    },
                    ..Default::default()
                };
                s3.handle_put_bucket_versioning(input)
                    .await
                    .map_err(err("enable versioning on", b))?;
                continue;
            }
        };
        let version = version.unwrap_or_else(|| "null".into());
        when.insert((key.into(), version), *at);
    }
    let mut snapshot: S3Snapshot = s3
        .export_snapshot(scratch)
        .await
        .map_err(|e| format!("snapshot: {e}"))?;
    for bucket in &mut snapshot.buckets {
        bucket.creation_date = story[0].0;
        for v in &mut bucket.object_versions {
            let (key, version, stamp) = match v {
                S3ObjectVersionSnapshot::Object { object, .. } => {
                    (&object.key, &object.version_id, &mut object.last_modified)
                }
                S3ObjectVersionSnapshot::DeleteMarker(m) => {
                    (&m.key, &m.version_id, &mut m.last_modified)
                }
            };
            if let Some(at) = when.get(&(key.clone(), version.clone())) {
                *stamp = *at;
            }
        }
    }
    s3.import_snapshot(snapshot, scratch)
        .await
        .map_err(|e| format!("snapshot: {e}"))?;
    Ok(when.len())
}

/// S3 carries a metadata value a header cannot hold (control characters,
/// non-ASCII) as an RFC 2047 encoded word; rustack stores values as given
/// and leaves out the ones that are not valid headers, so the seeder stores
/// that encoded form.
fn header_safe(v: &str) -> String {
    use base64::Engine;
    if v.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b)) {
        return v.to_owned();
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(v);
    format!("=?UTF-8?B?{b64}?=")
}

/// The `x-amz-tagging` form of a tag set.
fn tagging(tags: &[(&str, String)]) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode as enc};
    tags.iter()
        .map(|(k, v)| format!("{}={}", enc(k, NON_ALPHANUMERIC), enc(v, NON_ALPHANUMERIC)))
        .collect::<Vec<_>>()
        .join("&")
}

async fn put_seed(s3: &RustackS3, s: Seed) -> Result<(), String> {
    let input = PutObjectInput {
        bucket: s.bucket.into(),
        key: s.key.clone(),
        body: Some(StreamingBlob::new(s.body)),
        content_type: Some(s.content_type.into()),
        metadata: s
            .metadata
            .iter()
            .map(|(k, v)| ((*k).into(), header_safe(v)))
            .collect(),
        tagging: (!s.tags.is_empty()).then(|| tagging(&s.tags)),
        ..Default::default()
    };
    s3.handle_put_object(input)
        .await
        .map(drop)
        .map_err(err("put", &s.key))
}

/// Creates the demo buckets and objects on `server`, [`HISTORY_BUCKET`]
/// first. `scratch` is an empty directory the backdating snapshot passes
/// through. Returns how many object versions and delete markers it made.
pub async fn seed_versioned(server: &VersionedServer, scratch: &Path) -> Result<usize, String> {
    let s3 = &server.s3;
    let mut n = seed_history(s3, scratch).await?;
    for b in BUCKETS {
        create_bucket(s3, b).await?;
    }
    for s in seeds() {
        put_seed(s3, s).await?;
        n += 1;
    }
    Ok(n)
}

/// Benchmarks only (never in the release binary): `bucket` made and
/// filled with an empty object per key, put straight into the server's
/// store (no HTTP: a million keys seed in seconds). Returns how many.
#[cfg(feature = "test-hooks")]
pub async fn seed_empty(
    server: &VersionedServer,
    bucket: &str,
    keys: impl IntoIterator<Item = String>,
) -> Result<usize, String> {
    let s3 = &server.s3;
    create_bucket(s3, bucket).await?;
    let mut n = 0;
    for key in keys {
        let input = PutObjectInput {
            bucket: bucket.into(),
            key: key.clone(),
            body: Some(StreamingBlob::new(Vec::new())),
            ..Default::default()
        };
        s3.handle_put_object(input)
            .await
            .map_err(err("put", &key))?;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_story_runs_forward_and_the_blog_went_yesterday() {
        let story = story();
        assert!(story.windows(2).all(|w| w[0].0 < w[1].0));
        let yesterday = Local::now().date_naive() - chrono::Days::new(1);
        for (at, step) in &story {
            if let Step::Delete(k) = step
                && k.starts_with("blog/2026/")
            {
                assert_eq!(at.with_timezone(&Local).date_naive(), yesterday);
            }
        }
        assert!(story.last().unwrap().0 < Utc::now());
    }

    #[test]
    fn header_safe_values() {
        assert_eq!(header_safe("plain value"), "plain value");
        assert_eq!(
            header_safe("value with \x1b[2J escape"),
            "=?UTF-8?B?dmFsdWUgd2l0aCAbWzJKIGVzY2FwZQ==?="
        );
        assert_eq!(tagging(&[("a b", "c&d".into())]), "a%20b=c%26d");
    }
}
