//! The demo data set, shared by both demo servers' seeders: an app's
//! uploads, a document assistant's artifacts, a data lake, backups, and a
//! bucket of keys chosen to break naive tools.

use bytes::Bytes;

/// The buckets [`seeds`] fills, plus one left empty.
pub(super) const BUCKETS: [&str; 6] = [
    "acme-app-uploads",
    "acme-doc-assistant",
    "acme-datalake",
    "acme-backups",
    "odd-keys",
    "empty-bucket",
];

/// One object to seed.
pub(super) struct Seed {
    pub bucket: &'static str,
    pub key: String,
    pub body: Bytes,
    pub content_type: &'static str,
    pub metadata: Vec<(&'static str, String)>,
    pub tags: Vec<(&'static str, String)>,
}

fn small(bucket: &'static str, key: String, content_type: &'static str) -> Seed {
    let body = Bytes::from(format!("demo object {bucket}/{key}\n").repeat(1 + key.len() % 7));
    Seed {
        bucket,
        key,
        body,
        content_type,
        metadata: vec![],
        tags: vec![],
    }
}

fn large(bucket: &'static str, key: &str, mib: usize, content_type: &'static str) -> Seed {
    let mut data = Vec::with_capacity(mib << 20);
    let mut x: u32 = 0x9e37_79b9;
    while data.len() < mib << 20 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        data.extend_from_slice(&x.to_le_bytes());
    }
    Seed {
        bucket,
        key: key.to_owned(),
        body: Bytes::from(data),
        content_type,
        metadata: vec![
            ("owner", "data-platform".into()),
            ("pipeline", "nightly-export".into()),
            ("source-commit", "4f2a9c1".into()),
        ],
        tags: vec![
            ("team", "data".into()),
            ("retention", "365d".into()),
            ("classification", "internal".into()),
        ],
    }
}

/// The demo data set, in the order it is seeded.
pub(super) fn seeds() -> Vec<Seed> {
    let mut v = Vec::new();
    let files = [
        ("avatar.png", "image/png"),
        ("profile.json", "application/json"),
        ("invoice-2026-09.pdf", "application/pdf"),
        ("invoice-2026-10.pdf", "application/pdf"),
        ("invoice-2026-11.pdf", "application/pdf"),
        ("photos/holiday-01.jpg", "image/jpeg"),
        ("photos/holiday-02.jpg", "image/jpeg"),
        ("photos/holiday-03.jpg", "image/jpeg"),
        ("notes.txt", "text/plain"),
        ("contract-signed.pdf", "application/pdf"),
    ];
    for u in 0..240 {
        for (name, ct) in files.iter().take(4 + u % 7) {
            v.push(small(
                "acme-app-uploads",
                format!("uploads/user-{u:04}/{name}"),
                ct,
            ));
        }
    }
    for d in 0..80 {
        let doc = format!("documents/doc-{:08x}", 0x1000_0000u32 + d * 7919);
        v.push(small(
            "acme-doc-assistant",
            format!("{doc}/original.pdf"),
            "application/pdf",
        ));
        v.push(small(
            "acme-doc-assistant",
            format!("{doc}/summary.md"),
            "text/markdown",
        ));
        v.push(small(
            "acme-doc-assistant",
            format!("{doc}/embeddings.npy"),
            "application/octet-stream",
        ));
        for c in 1..=(6 + d % 9) {
            v.push(small(
                "acme-doc-assistant",
                format!("{doc}/chunks/{c:04}.json"),
                "application/json",
            ));
        }
    }
    for source in ["clickstream", "orders", "payments"] {
        for day in 1..=30 {
            for part in 0..4 {
                v.push(small(
                    "acme-datalake",
                    format!("raw/{source}/year=2026/month=10/day={day:02}/part-{part:05}.json.gz"),
                    "application/gzip",
                ));
            }
            v.push(small(
                "acme-datalake",
                format!("processed/{source}/date=2026-10-{day:02}/data.parquet"),
                "application/vnd.apache.parquet",
            ));
        }
    }
    for table in ["daily_revenue", "active_users", "churn"] {
        for m in 1..=10 {
            v.push(small(
                "acme-datalake",
                format!("curated/{table}/2026-{m:02}.parquet"),
                "application/vnd.apache.parquet",
            ));
        }
    }
    v.push(large(
        "acme-datalake",
        "curated/exports/full-2026-10.parquet",
        24,
        "application/vnd.apache.parquet",
    ));
    for day in 1..=24 {
        v.push(small(
            "acme-backups",
            format!("db/2026-11-{day:02}/pg_dump.sql.gz"),
            "application/gzip",
        ));
        v.push(small(
            "acme-backups",
            format!("db/2026-11-{day:02}/manifest.json"),
            "application/json",
        ));
    }
    v.push(large(
        "acme-backups",
        "db/full/pg_dump-2026-11-24.sql.gz",
        32,
        "application/gzip",
    ));
    v.push(large(
        "acme-backups",
        "media/archive-2026-q3.tar",
        8,
        "application/x-tar",
    ));
    // s3s-fs keeps per-object files named after the base64 of the key, so
    // keys much past 150 bytes exceed the file-name limit; the 1 KiB key
    // case is covered against moto in the integration tests.
    let long: String = (0..5)
        .map(|i| format!("{}{}", i, "long-name-".repeat(2)))
        .collect::<Vec<_>>()
        .join("/");
    let odd = [
        "escape-\x1b[31mred\x1b[0m.txt".to_owned(),
        "osc52-\x1b]52;c;aGFja2Vk\x07.txt".to_owned(),
        "newline\nin-key.txt".to_owned(),
        "tab\tand-bell\x07.txt".to_owned(),
        "bidi-\u{202e}fdp.exe".to_owned(),
        "zero\u{200b}width.txt".to_owned(),
        "spaces and+plus%25 percent?query#hash.txt".to_owned(),
        "unicode/日本語/ファイル.txt".to_owned(),
        "unicode/Ελληνικά.txt".to_owned(),
        "emoji/🎉 party 🎈.txt".to_owned(),
        format!("long/{long}.txt"),
    ];
    for k in odd {
        let mut s = small("odd-keys", k, "text/plain");
        s.metadata = vec![("note", "value with \x1b[2J escape".into())];
        s.tags = vec![("danger", "\u{202e}txt.exe".into())];
        v.push(s);
    }
    v
}
