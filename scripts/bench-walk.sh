#!/usr/bin/env bash
# Times listing every key under a prefix, as the `s` count, delete plans and
# prefix downloads do, side by side with what people otherwise run: pail's
# `pail ls --recursive --summarize` (the parallel walker, src/walk/), `aws s3
# ls --recursive --summarize` and `rclone size`, each at its defaults, on
# Ceph's radosgw on 127.0.0.1. Trees: WIDE (100 prefixes x 1,000 keys) and
# FLAT (100,000 keys under one prefix), seeded once per server start (the
# OSD keeps them in RAM). Medians of --runs runs, peak RSS, the count each
# tool reported (a tool that counts wrong is flagged). Results: stdout and
# target/bench/walk.md.
#
# Installs what it needs on first use: the aws CLI (scripts/install-moto.sh),
# rclone (Debian), radosgw (scripts/radosgw.sh). --url uses a running server
# instead (keys bench/benchsecret), seeding only what is missing. --demo
# uses the in-memory demo server instead (rustack, examples/demo-server.rs,
# built with the test-hooks feature), seeded straight into its store with
# --keys keys (default there 1,000,000) under 100 prefixes: the WIDE tree
# only.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    cat <<'EOF'
usage: scripts/bench-walk.sh [--runs N] [--keys N] [--url URL | --demo] [--no-build]
  --runs N    runs per tool and tree (default 3); the median is reported
  --keys N    keys per tree (default 100000; WIDE spreads them over 100 prefixes)
  --url URL   an S3 server already running (access key bench, secret benchsecret)
  --demo      the in-memory demo server, WIDE tree only (default --keys 1000000)
  --no-build  use target/release/pail as it is
EOF
}
runs=3 keys= url= build=1 demo=0
while [ $# -gt 0 ]; do
    case $1 in
        --runs) runs=${2:?}; shift ;;
        --keys) keys=${2:?}; shift ;;
        --url) url=${2:?}; shift ;;
        --demo) demo=1 ;;
        --no-build) build=0 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
    shift
done
bench=$PWD/target/bench
mkdir -p "$bench"
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
bench_tools
if [ -z "$keys" ]; then
    if [ "$demo" = 1 ]; then keys=1000000; else keys=100000; fi
fi
[ "$build" = 1 ] && cargo build --release --quiet
pail_bin=$PWD/target/release/pail
bench_env "$bench"
trees="wide flat" server="radosgw on 127.0.0.1"
if [ "$demo" = 1 ]; then
    cargo build --release --quiet --features test-hooks --example demo-server
    target/release/examples/demo-server walkbench "$keys" >"$bench/demo-server.out" 2>"$bench/demo-server.err" &
    demo_pid=$!
    trap 'kill "$demo_pid" 2>/dev/null || true' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    for _ in $(seq 600); do
        grep -q '^ready' "$bench/demo-server.out" 2>/dev/null && break
        kill -0 "$demo_pid" 2>/dev/null || { cat "$bench/demo-server.err" >&2; exit 1; }
        sleep 0.2
    done
    url=$(awk '/^ready/ { print $2 }' "$bench/demo-server.out")
    say "$(cat "$bench/demo-server.err") at $url"
    # The demo's credentials (src/demo/mod.rs).
    export AWS_ACCESS_KEY_ID=pail-demo AWS_SECRET_ACCESS_KEY=pail-demo-secret-key
    export RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=pail-demo RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=pail-demo-secret-key
    export RCLONE_CONFIG_BENCH_ENDPOINT=$url RCLONE_CONFIG_BENCH_PROVIDER=Other
    trees=wide server="the in-memory demo server (rustack) on 127.0.0.1"
else
    bench_server "$bench/radosgw-walk" "$url"
fi
pail=("$pail_bin" --config "$bench/pail-config.toml" --endpoint-url "$url" --region us-east-1)
bucket=walkbench

# ---------------------------------------------------------------- seeding
count_of() { # PREFIX -> number of keys (pail, untimed)
    "${pail[@]}" ls -r --summarize "s3://$bucket/$1" 2>/dev/null | awk '/^Total Objects:/ { print $3 }'
}
seed() { # PREFIX LAYOUT(wide|flat): empty objects, uploaded by pail from a local tree
    local prefix=$1 layout=$2 have
    [ "$demo" = 1 ] && return 0
    have=$(count_of "$prefix/" || true)
    [ "${have:-0}" = "$keys" ] && return 0
    say "seeding $keys keys ($layout) under s3://$bucket/$prefix/"
    local d=$bench/walk-seed/$prefix
    rm -rf "$d"
    mkdir -p "$d"
    python3 - "$d" "$keys" "$layout" <<'PY'
import os, sys
d, n, layout = sys.argv[1], int(sys.argv[2]), sys.argv[3]
per = max(1, n // 100)
for i in range(n):
    sub = os.path.join(d, f"p{i // per:03d}") if layout == "wide" else d
    os.makedirs(sub, exist_ok=True)
    open(os.path.join(sub, f"k{i:07d}"), "wb").close()
PY
    # pail puts a folder inside the destination under its own name.
    "${pail[@]}" cp --quiet --concurrency 64 "$d" "s3://$bucket/"
    rm -rf "$d"
}
"$aws_bin" --endpoint-url "$url" s3 mb "s3://$bucket" >/dev/null 2>&1 || true
seed wide wide
[ "$demo" = 1 ] || seed flat flat

# ---------------------------------------------------------------- timing
# One run: prints "SECONDS RSS_KB COUNT".
run_one() { # TOOL PREFIX
    local t=$1 p=$2 out=$bench/walk-out.txt
    local cmd
    case $t in
        pail) cmd=("${pail[@]}" ls --recursive --summarize "s3://$bucket/$p/") ;;
        aws) cmd=("$aws_bin" --endpoint-url "$url" s3 ls --recursive --summarize "s3://$bucket/$p/") ;;
        rclone) cmd=("$rclone_bin" size "bench:$bucket/$p/") ;;
    esac
    /usr/bin/time -f '%e %M' -o "$bench/walk-time.txt" "${cmd[@]}" >"$out" 2>"$bench/walk-err.txt" || true
    local n
    case $t in
        rclone) n=$(awk -F'[ ()]+' '/^Total objects:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) { print $i; exit } }' "$out") ;;
        *) n=$(awk '/^Total Objects:/ { print $3 }' "$out") ;;
    esac
    printf '%s %s\n' "$(cat "$bench/walk-time.txt" | tail -1)" "${n:-?}"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

report=$bench/walk.md
{
    echo "# Listing every key (medians of $runs runs, $server)"
    echo
    echo "| tree | tool | seconds | peak RSS MiB | keys counted | time vs pail |"
    echo "|---|---|---|---|---|---|"
} >"$report"
for tree in $trees; do
    declare -A secs=()
    for t in pail aws rclone; do
        : >"$bench/walk-runs.txt"
        for _ in $(seq 1 "$runs"); do
            run_one "$t" "$tree" >>"$bench/walk-runs.txt"
        done
        s=$(awk '{ print $1 }' "$bench/walk-runs.txt" | median)
        m=$(awk '{ print $2 }' "$bench/walk-runs.txt" | median)
        n=$(awk '{ print $3 }' "$bench/walk-runs.txt" | sort -u | tr '\n' ' ')
        secs[$t]=$s
        flag=
        [ "${n% }" != "$keys" ] && flag=" (expected $keys)"
        ratio=$(awk -v a="$s" -v b="${secs[pail]}" 'BEGIN { if (b > 0) printf "%.2f×", a / b }')
        line="| $tree | $t | $s | $((m / 1024)) | ${n% }$flag | $ratio |"
        echo "$line" >>"$report"
        say "$line"
    done
done
echo >>"$report"
echo "WIDE: $keys keys under 100 prefixes; FLAT: $keys keys under one prefix. pail: \`pail ls --recursive --summarize\`; aws: \`aws s3 ls --recursive --summarize\`; rclone: \`rclone size\`." >>"$report"
cat "$report"
