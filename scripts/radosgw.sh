#!/usr/bin/env bash
# Starts a single-node Ceph cluster (monitor, in-memory OSD, radosgw) bound to
# 127.0.0.1, for benchmarks: a production S3 implementation that checks
# signatures. Installs Debian's packages on first use.
# Usage: scripts/radosgw.sh STATE_DIR PORT   -> S3 at http://127.0.0.1:PORT,
#        access key "bench", secret "benchsecret". Stop: scripts/radosgw.sh --stop STATE_DIR
set -euo pipefail
if [ "${1:-}" = "--stop" ]; then
    d=${2:?state dir}
    for p in "$d"/run/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
    exit 0
fi
d=${1:?state dir}
port=${2:?port}
if ! command -v radosgw >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ceph-mon ceph-osd radosgw >/dev/null
fi
mon_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
rm -rf "$d"
mkdir -p "$d"/{run,log,mon.a,osd.0,rgw}
fsid=$(cat /proc/sys/kernel/random/uuid)
conf=$d/ceph.conf
cat > "$conf" <<CONF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$mon_port
public addr = 127.0.0.1
cluster addr = 127.0.0.1
public network = 127.0.0.0/8
ms bind ipv6 = false
ms bind msgr1 = false
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = true
run dir = $d/run
admin socket = $d/run/\$name.asok
log file = $d/log/\$name.log
pid file = $d/run/\$name.pid
keyring = $d/keyring
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
[mon]
mon data = $d/mon.\$id
mon cluster log file = $d/log/cluster.log
[osd]
osd data = $d/osd.\$id
osd objectstore = memstore
memstore device bytes = 4294967296
osd max object name len = 2048
osd max object namespace len = 64
[client.rgw.a]
rgw crypt require ssl = false
# Without crc mode radosgw waits 300 s for the monitor.
ms mon client mode = crc
ms client mode = crc
rgw frontends = beast endpoint=127.0.0.1:$port
rgw data = $d/rgw
log file = $d/log/rgw.log
CONF
touch "$d/keyring"
monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$d/monmap" >/dev/null
ceph-mon -c "$conf" --mkfs -i a --monmap "$d/monmap"
ceph-mon -c "$conf" -i a
osd_uuid=$(cat /proc/sys/kernel/random/uuid)
ceph -c "$conf" osd new "$osd_uuid" >/dev/null
ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$osd_uuid" 2>>"$d/log/osd-mkfs.log"
ceph-osd -c "$conf" -i 0
radosgw-admin -c "$conf" user create --uid=bench --display-name=bench --access-key=bench --secret=benchsecret >/dev/null
radosgw -c "$conf" -n client.rgw.a
for _ in $(seq 1 150); do
    if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; then
        exit 0
    fi
    sleep 0.2
done
echo "radosgw did not come up; see $d/log" >&2
exit 1
