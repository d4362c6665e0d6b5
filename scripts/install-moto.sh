#!/usr/bin/env bash
# Installs moto's server (and the aws CLI, for benchmarks) into a venv under
# target/. Does nothing when it is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/venv-moto
if [ -x "$venv/bin/moto_server" ] && [ -x "$venv/bin/aws" ]; then
    exit 0
fi
mkdir -p target
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check 'moto[server]==5.2.5' 'awscli>=1.32'
