//! The in-memory demo server (rustack, as `pail --demo` runs it) with a
//! big bucket, for scripts/bench-walk.sh --demo: KEYS empty keys under 100
//! prefixes (`wide/p000/k0000000`…), put straight into its store. Prints
//! `ready URL` once seeded, then serves until killed. Credentials: the
//! demo's (pail-demo / pail-demo-secret-key). Built only with the
//! test-hooks feature: it never ships.
//!
//! Usage: demo-server BUCKET KEYS

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let bucket = args.next().unwrap_or_else(|| "walkbench".into());
    let keys: usize = args
        .next()
        .and_then(|k| k.parse().ok())
        .unwrap_or(1_000_000);
    let server = match pail::demo::serve_versioned().await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("demo-server: cannot start: {e}");
            std::process::exit(1);
        }
    };
    let per = (keys / 100).max(1);
    let names = (0..keys).map(|i| format!("wide/p{:03}/k{i:07}", i / per));
    let t = std::time::Instant::now();
    match pail::demo::seed_empty(&server, &bucket, names).await {
        Ok(n) => eprintln!("demo-server: {n} keys seeded in {:.1?}", t.elapsed()),
        Err(e) => {
            eprintln!("demo-server: cannot seed: {e}");
            std::process::exit(1);
        }
    }
    println!("ready {}", server.endpoint());
    std::future::pending::<()>().await;
}
