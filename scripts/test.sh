#!/usr/bin/env bash
# Runs every test pail has, on a fresh machine or a warm one:
#   formatting and lints, unit and state tests, snapshot tests, integration
#   tests against moto's server, Ceph's radosgw and an in-process s3s-fs (the
#   last two check signatures), and end-to-end tests of the release binary
#   in a pty.
# Installs what it needs under target/ (idempotent, cached), starts the
# servers on free loopback ports, and stops them on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

log "moto server (venv under target/)"
scripts/install-moto.sh

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
target/venv-moto/bin/moto_server -H 127.0.0.1 -p "$port" > target/moto.log 2>&1 &
moto_pid=$!
rgw_state=target/radosgw
cleanup() {
    kill "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
    scripts/radosgw.sh --stop "$rgw_state" 2>/dev/null || true
}
trap cleanup EXIT INT TERM
for _ in $(seq 1 100); do
    if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null; then
        break
    fi
    sleep 0.2
done
echo "moto listening on 127.0.0.1:$port"

log "Ceph radosgw (Debian packages, installed on first run)"
rgw_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
rgw_up=0
for attempt in 1 2; do
    if scripts/radosgw.sh "$rgw_state" "$rgw_port"; then
        rgw_up=1
        break
    fi
    echo "radosgw start attempt $attempt failed"
    scripts/radosgw.sh --stop "$rgw_state" || true
done
if [ "$rgw_up" != 1 ]; then
    tail -n 40 "$rgw_state"/log/*.log || true
    exit 1
fi
echo "radosgw listening on 127.0.0.1:$rgw_port"
export PAIL_TEST_RADOSGW="http://127.0.0.1:$rgw_port"

export PAIL_TEST_MOTO="http://127.0.0.1:$port"
# Tests that need moto fail instead of skipping when it is missing.
export PAIL_REQUIRE_SERVERS=1
# Keep the suite hermetic: no user AWS config, no clipboard, no SSH hints.
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 DISPLAY WAYLAND_DISPLAY || true

log "cargo fmt --check"
cargo fmt --all -- --check

log "cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets --release --features test-hooks -- -D warnings

log "cargo test --release (unit, state, snapshot, integration, end-to-end)"
cargo test --release --features test-hooks --lib --bins --tests -- --test-threads=2
