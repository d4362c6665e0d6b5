#!/usr/bin/env bash
# Benchmarks pail against Ceph's radosgw on 127.0.0.1 (installed from Debian
# on first run), side by side with the aws CLI and rclone on the same server.
# Results: stdout and target/bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-moto.sh    # the venv also holds the aws CLI
if ! command -v rclone >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rclone >/dev/null || true
fi
state=target/bench/radosgw
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
scripts/radosgw.sh "$state" "$port"
trap 'scripts/radosgw.sh --stop "$state"' EXIT
export PAIL_BENCH_ENDPOINT="http://127.0.0.1:$port" PAIL_BENCH_KEY=bench PAIL_BENCH_SECRET=benchsecret
export PAIL_BENCH_AWS="$PWD/target/venv-moto/bin/aws"
if command -v rclone >/dev/null; then export PAIL_BENCH_RCLONE=$(command -v rclone); fi
cargo bench --bench browse
