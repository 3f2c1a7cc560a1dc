#!/usr/bin/env bash
# A real S3-compatible server for the S3 backend's tests: a single-host Ceph (1 monitor, 1 in-memory OSD,
# no manager) and its RADOS Gateway on 127.0.0.1, started by hand, without systemd. Used by test/setup.
#   ceph-rgw.sh install   # Debian packages
#   ceph-rgw.sh start     # a fresh cluster in $BASE with an S3 user; returns once RGW answers
#   ceph-rgw.sh stop      # stops the daemons by their pid files and removes $BASE
set -euo pipefail

BASE=${BASE:-/tmp/chartroom-ceph}
RGW_PORT=${RGW_PORT:-7480}
MON_PORT=${MON_PORT:-13300}            # msgr2; msgr1 on MON_PORT+1
ACCESS_KEY=${ACCESS_KEY:-TESTACCESSKEY0000000}
SECRET_KEY=${SECRET_KEY:-testsecretkey0000000000000000000000000000}
MEMSTORE_BYTES=${MEMSTORE_BYTES:-2147483648}   # the OSD's in-memory disk
CONF=$BASE/ceph.conf
KEYRING=$BASE/keyring
ceph_() { ceph -c "$CONF" -k "$KEYRING" -n client.admin "$@"; }

install() {
  apt-get update
  # policy-rc.d / no systemd: packages install without starting any service
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends --no-upgrade \
    ceph-mon ceph-osd radosgw ceph-common uuid-runtime curl
}

stop() {
  local pids=() f pid
  for f in "$BASE"/run/*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f"); kill -0 "$pid" 2>/dev/null && { kill "$pid"; pids+=("$pid"); }
  done
  for _ in $(seq 1 10); do          # 1 s grace, then SIGKILL (memstore data is thrown away anyway)
    local alive=0; for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break; sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && kill -9 "$pid"; done
  rm -rf "$BASE"
}

start() {
  [ -e "$BASE/run/mon.a.pid" ] && stop
  rm -rf "$BASE"; mkdir -p "$BASE"/{run,log,mon.a,osd.0,rgw.a}
  FSID=$(uuidgen)
  MON_ADDRS="[v2:127.0.0.1:$MON_PORT,v1:127.0.0.1:$((MON_PORT + 1))]"
  cat > "$CONF" <<EOF
[global]
fsid = $FSID
mon_host = $MON_ADDRS
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_ipv6 = false
run_dir = $BASE/run
admin_socket = $BASE/run/\$name.asok
pid_file = $BASE/run/\$name.pid
log_file = $BASE/log/\$name.log
crash_dir = $BASE/crash
keyring = $KEYRING
auth_cluster_required = cephx
auth_service_required = cephx
auth_client_required = cephx
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
mon_max_pg_per_osd = 1000
auth_allow_insecure_global_id_reclaim = false
[mon]
mon_data = $BASE/mon.\$id
mon_allow_pool_delete = true
paxos_propose_interval = 0.1
paxos_min_wait = 0.01
[osd]
osd_data = $BASE/osd.\$id
keyring = $BASE/osd.\$id/keyring
osd_objectstore = memstore
memstore_device_bytes = $MEMSTORE_BYTES
[client.rgw.a]
rgw_frontends = beast endpoint=127.0.0.1:$RGW_PORT tcp_nodelay=1
rgw_data = $BASE/rgw.a
EOF

  # keys: mon. + client.admin
  ceph-authtool --create-keyring "$KEYRING" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$KEYRING" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' >/dev/null

  # mon
  monmaptool --create --clobber --fsid "$FSID" --addv a "$MON_ADDRS" "$BASE/monmap" >/dev/null
  ceph-mon -c "$CONF" -i a --mkfs --monmap "$BASE/monmap" --keyring "$KEYRING"
  ceph-mon -c "$CONF" -i a            # daemonizes, writes run/mon.a.pid

  # osd (memstore: data lives in the OSD's RAM)
  OSD_UUID=$(uuidgen)
  OSD_SECRET=$(ceph-authtool --gen-print-key)
  echo "{\"cephx_secret\": \"$OSD_SECRET\"}" | ceph_ osd new "$OSD_UUID" -i - >/dev/null
  printf '[osd.0]\n\tkey = %s\n' "$OSD_SECRET" > "$BASE/osd.0/keyring"
  ceph-osd -c "$CONF" -i 0 --mkfs --key "$OSD_SECRET" --osd-uuid "$OSD_UUID" 2>/dev/null
  ceph-osd -c "$CONF" -i 0

  # rgw key + S3 user, then radosgw
  ceph_ auth get-or-create client.rgw.a mon 'allow rw' osd 'allow rwx' >> "$KEYRING"
  radosgw-admin -c "$CONF" -k "$KEYRING" -n client.admin user create --uid tester \
    --display-name tester --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" >/dev/null
  radosgw -c "$CONF" -k "$KEYRING" -n client.rgw.a
  for _ in $(seq 1 600); do
    curl -fs -o /dev/null "http://127.0.0.1:$RGW_PORT/" && { echo "rgw up on http://127.0.0.1:$RGW_PORT"; return 0; }
    sleep 0.1
  done
  echo "rgw did not come up; see $BASE/log" >&2; return 1
}

status() { ceph_ -s; }

"${1:-start}"
