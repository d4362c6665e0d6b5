#!/usr/bin/env bash
# Times pail's rollback of a versioned bucket (10,000 keys × 3 versions by
# default) against Ceph's radosgw on 127.0.0.1: the plan (time and list
# requests), and the rollback itself side by side with s3-pit-restore (PyPI)
# restoring the same history in place. See benches/rollback.rs for what is
# measured and checked. Report: stdout and target/bench/rollback.md.
#
# Installs what it needs on first use, cached under target/: s3-pit-restore
# and boto3 (target/venv-pitr), radosgw (Debian, via scripts/radosgw.sh).
#   scripts/bench-rollback.sh [--keys N] [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
keys=10000 runs=3
while [ $# -gt 0 ]; do
    case $1 in
        --keys) keys=${2:?}; shift ;;
        --runs) runs=${2:?}; shift ;;
        *) echo "usage: scripts/bench-rollback.sh [--keys N] [--runs N]" >&2; exit 2 ;;
    esac
    shift
done
mkdir -p target/bench
if [ ! -x target/venv-pitr/bin/s3-pit-restore ]; then
    echo "installing s3-pit-restore (PyPI) into target/venv-pitr" >&2
    python3 -m venv target/venv-pitr
    target/venv-pitr/bin/pip install --quiet --disable-pip-version-check 's3-pit-restore==0.9'
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
state=target/bench/radosgw-rollback
trap 'scripts/radosgw.sh --stop "$state" >/dev/null 2>&1 || true' EXIT INT TERM
scripts/radosgw.sh "$state" "$port"
PAIL_BENCH_ENDPOINT="http://127.0.0.1:$port" \
PAIL_BENCH_KEYS=$keys PAIL_BENCH_RUNS=$runs \
PAIL_BENCH_PITR=$PWD/target/venv-pitr/bin/s3-pit-restore \
PAIL_BENCH_OUT=$PWD/target/bench/rollback.md \
    cargo bench --bench rollback
