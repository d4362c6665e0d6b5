//! The sync property: after `sync --delete` the destination holds exactly
//! the filtered source (what the filters leave out is untouched, as is
//! every sibling prefix), and a second plan has nothing to do. Random
//! local trees against random bucket contents, on the in-process demo
//! server (a real S3 server, quick enough for many cases).

use super::{plan_of, run_plan};
use crate::common::engine::Server;
use pail::plan::sync::{Compare, Endpoint, Filters, Options, Rule};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

/// Paths with no file where another path needs a folder.
fn tidy(raw: BTreeMap<String, u8>) -> BTreeMap<String, u8> {
    let mut out: BTreeMap<String, u8> = BTreeMap::new();
    for (k, v) in raw {
        let clash = out
            .keys()
            .any(|o| k.starts_with(&format!("{o}/")) || o.starts_with(&format!("{k}/")));
        if !clash {
            out.insert(k, v);
        }
    }
    out
}

fn body(seed: u8) -> Vec<u8> {
    // Sizes repeat across seeds, so same-size different content happens.
    vec![b'a' + seed % 4; usize::from(seed % 3)]
}

fn case(files: BTreeMap<String, u8>, there: BTreeMap<String, u8>, exclude: bool, checksum: bool) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let s = Server::rustack().await.unwrap();
        let b = s.bucket("sync-prop").await;
        let dir = tempfile::tempdir().unwrap();
        let future = SystemTime::now() + Duration::from_secs(3600);
        for (rel, seed) in &files {
            super::write(dir.path(), rel, &body(*seed));
            // Newer than anything the server holds, so size-mtime sends
            // every same-size file the first time.
            std::fs::File::options()
                .write(true)
                .open(dir.path().join(rel))
                .unwrap()
                .set_modified(future)
                .unwrap();
        }
        for (k, seed) in &there {
            s.put(&b, &format!("p/{k}"), &body(seed.wrapping_add(1)))
                .await;
        }
        s.put(&b, "p-sibling/x", b"sibling").await;
        let opts = Options {
            delete: true,
            compare: if checksum {
                Compare::Checksum
            } else {
                Compare::SizeMtime
            },
            filters: Filters(if exclude {
                vec![Rule::Exclude("*b".into())]
            } else {
                vec![]
            }),
            ..Options::default()
        };
        let src = Endpoint::Local(dir.path().to_path_buf());
        let dst = Endpoint::s3(&b, "p");
        let plan = plan_of(&s, &src, &dst, &opts).await;
        let done = run_plan(&s, &plan, false).await;
        assert_eq!(done.snap.failed, 0, "{:#?}", done.items);
        let allows = |k: &str| opts.filters.allows(k);
        let mut want: BTreeMap<String, Vec<u8>> = files
            .iter()
            .filter(|(k, _)| allows(k))
            .map(|(k, v)| (format!("p/{k}"), body(*v)))
            .collect();
        for (k, seed) in there.iter().filter(|(k, _)| !allows(k)) {
            want.insert(format!("p/{k}"), body(seed.wrapping_add(1)));
        }
        want.insert("p-sibling/x".into(), b"sibling".to_vec());
        let mut got = BTreeMap::new();
        for k in s.keys(&b, "").await {
            let v = s.get(&b, &k).await;
            got.insert(k, v);
        }
        assert_eq!(got, want);
        let again = plan_of(&s, &src, &dst, &opts).await;
        assert!(again.is_noop(), "{:#?}", super::rows(&again));
    });
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn sync_then_sync_is_a_no_op_and_the_destination_is_the_filtered_source(
        files in proptest::collection::btree_map("[aAb]{1,2}(/[ab]{1,2})?", any::<u8>(), 0..12),
        there in proptest::collection::btree_map("[aAb]{1,2}(/[ab]{1,2})?", any::<u8>(), 0..12),
        exclude in any::<bool>(),
        checksum in any::<bool>(),
    ) {
        case(tidy(files), tidy(there), exclude, checksum);
    }
}
