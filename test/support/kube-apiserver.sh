#!/usr/bin/env bash
# The Kubernetes API server the `kube` test tier runs against: etcd 3.4 and kube-apiserver v1.20.2 on
# 127.0.0.1, with no controllers and no kubelet (the tests play the controllers; see docs/testing.md).
#
#   kube-apiserver.sh install   build kube-apiserver into $PREFIX unless it is there (Debian, root; minutes, once)
#   kube-apiserver.sh start     a fresh etcd + apiserver in $BASE; writes $BASE/kubeconfig; returns once ready
#   kube-apiserver.sh stop      stops the daemons $BASE's pid files name, removes $BASE
#
# Settings (environment):
#   PREFIX         where kube-apiserver is built (default $CHARTROOM_KUBE_PREFIX, else
#                  /var/cache/chartroom/kube-apiserver-1.20.2: outside any HOME the tests isolate, so it is
#                  built once per machine)
#   BASE           the server's working folder: data, certificates, tokens, logs, kubeconfig (required)
#   API_PORT       the API server's HTTPS port on 127.0.0.1
#   ETCD_PORT      etcd's client port; ETCD_PEER_PORT its peer port
set -euo pipefail

PREFIX=${PREFIX:-${CHARTROOM_KUBE_PREFIX:-/var/cache/chartroom/kube-apiserver-1.20.2}}
APISERVER=$PREFIX/kube-apiserver

die() { echo "kube-apiserver.sh: $*" >&2; exit 1; }

need_base() {
  [ -n "${BASE:-}" ] || die "set BASE to the folder the server may own"
  case "$BASE" in /|/tmp|/var|/usr|/home|"${HOME:-/}") die "BASE=$BASE is not a folder this script may remove" ;; esac
}

built() { [ -x "$APISERVER" ] && "$APISERVER" --version >/dev/null 2>&1; }

# Debian bookworm packages Kubernetes 1.20.2's full source with vendor/; Debian's Go 1.19 builds it once the
# vendored reflect2 1.0.1 (which crashes under Go >= 1.18) is swapped for Debian's 1.0.2.
install() {
  if built && command -v etcd >/dev/null; then return 0; fi
  [ "$(id -u)" = 0 ] || die "building kube-apiserver needs root (apt-get); or build it once as root with PREFIX=$PREFIX"
  [ -f /etc/debian_version ] || die "building kube-apiserver needs Debian (its kubernetes source package)"
  if ! grep -qs '^deb-src' /etc/apt/sources.list && ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/; then
    [ -f /etc/apt/sources.list.d/debian.sources ] || die "no deb-src source configured and no debian.sources to derive one from"
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >/etc/apt/sources.list.d/chartroom-deb-src.sources
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends --no-upgrade \
    etcd-server openssl curl golang-go make rsync golang-github-modern-go-reflect2-dev >/dev/null
  built && return 0
  work=''
  work=$(mktemp -d)
  trap 'rm -rf "${work:-}"' EXIT
  (cd "$work" && apt-get source -qq --download-only kubernetes)
  local tree=$work/go/src/k8s.io/kubernetes
  mkdir -p "$(dirname "$tree")"
  tar -xzf "$work"/kubernetes_*.orig.tar.gz -C "$work"
  mv "$work"/kubernetes-*/ "$tree"
  rm -rf "$tree/vendor/github.com/modern-go/reflect2"
  cp -r /usr/share/gocode/src/github.com/modern-go/reflect2 "$tree/vendor/github.com/modern-go/reflect2"
  (cd "$tree" && env GOPATH="$work/go" GOFLAGS= HOME="$work" make WHAT=cmd/kube-apiserver)
  mkdir -p "$PREFIX"
  cp "$tree/_output/bin/kube-apiserver" "$APISERVER.partial"
  mv "$APISERVER.partial" "$APISERVER"
}

stop() {
  need_base
  local pids=() pidfile pid
  for pidfile in "$BASE"/apiserver.pid "$BASE"/etcd.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; pids+=("$pid"); fi
  done
  local tries=0 alive
  while [ ${#pids[@]} -gt 0 ] && [ $tries -lt 50 ]; do
    alive=()
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
    pids=("${alive[@]+"${alive[@]}"}")
    [ ${#pids[@]} -gt 0 ] && sleep 0.1
    tries=$((tries + 1))
  done
  for pid in "${pids[@]+"${pids[@]}"}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$BASE"
}

# A throwaway CA (also the client CA), the serving certificate, an admin client certificate and the service
# account signing key. Valid for two days: a server lives for one test run.
make_pki() {
  local pki=$BASE/pki
  mkdir -p "$pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=chartroom-test-ca" -keyout ca.key -out ca.crt
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout apiserver.key -out apiserver.csr
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\n' >apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile apiserver.ext -out apiserver.crt
    openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=cert-admin" -keyout admin.key -out admin.csr
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -out admin.crt
    openssl genrsa -out sa.key 2048
    openssl rsa -in sa.key -pubout -out sa.pub
  ) >"$BASE/pki.log" 2>&1 || { cat "$BASE/pki.log" >&2; die "could not make the test certificates"; }
}

b64() { base64 -w0 <"$1"; }

write_kubeconfig() {
  local server=https://127.0.0.1:$API_PORT
  # The token users read a CA file; the certificate user carries everything inline, so both forms are exercised.
  cat >"$BASE/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: chartroom-test
  cluster:
    server: $server
    certificate-authority: pki/ca.crt
- name: chartroom-test-inline
  cluster:
    server: $server
    certificate-authority-data: $(b64 "$BASE/pki/ca.crt")
users:
- name: admin
  user:
    token: $ADMIN_TOKEN
- name: viewer
  user:
    token: $VIEWER_TOKEN
- name: cert-admin
  user:
    client-certificate-data: $(b64 "$BASE/pki/admin.crt")
    client-key-data: $(b64 "$BASE/pki/admin.key")
contexts:
- name: test
  context: {cluster: chartroom-test, user: admin, namespace: default}
- name: viewer
  context: {cluster: chartroom-test, user: viewer, namespace: default}
- name: test-cert
  context: {cluster: chartroom-test-inline, user: cert-admin}
current-context: test
EOF
  chmod 600 "$BASE/kubeconfig"
}

api_ok() {
  curl -fs -o /dev/null --max-time 2 --cacert "$BASE/pki/ca.crt" -H "Authorization: Bearer $ADMIN_TOKEN" \
    "https://127.0.0.1:$API_PORT$1"
}

start() {
  need_base
  : "${API_PORT:?set API_PORT}" "${ETCD_PORT:?set ETCD_PORT}" "${ETCD_PEER_PORT:?set ETCD_PEER_PORT}"
  built || die "kube-apiserver is not built at $APISERVER: run '$0 install' (root, Debian), or point the tests at another cluster"
  command -v etcd >/dev/null || die "etcd is not installed: run '$0 install' (root, Debian)"
  [ -e "$BASE/apiserver.pid" ] && stop
  rm -rf "$BASE"
  mkdir -p "$BASE/etcd"
  chmod 700 "$BASE"
  make_pki
  # Fresh random tokens each start, so nothing that outlives the run can talk to a later server.
  ADMIN_TOKEN=$(openssl rand -hex 24)
  VIEWER_TOKEN=$(openssl rand -hex 24)
  # token,user,uid,"groups": the admin is in system:masters; the viewer has no role bindings at all.
  printf '%s,admin,1,"system:masters"\n%s,viewer,2\n' "$ADMIN_TOKEN" "$VIEWER_TOKEN" >"$BASE/tokens.csv"
  chmod 600 "$BASE/tokens.csv"

  local etcd_url=http://127.0.0.1:$ETCD_PORT peer_url=http://127.0.0.1:$ETCD_PEER_PORT
  etcd --name chartroom --data-dir "$BASE/etcd" \
    --listen-client-urls "$etcd_url" --advertise-client-urls "$etcd_url" \
    --listen-peer-urls "$peer_url" --initial-advertise-peer-urls "$peer_url" \
    --initial-cluster "chartroom=$peer_url" --log-level warn >"$BASE/etcd.log" 2>&1 &
  echo $! >"$BASE/etcd.pid"
  local i
  for i in $(seq 1 100); do
    curl -fs -o /dev/null --max-time 1 "$etcd_url/health" && break
    kill -0 "$(cat "$BASE/etcd.pid")" 2>/dev/null || break
    sleep 0.1
  done
  curl -fs -o /dev/null --max-time 1 "$etcd_url/health" || { tail -n 20 "$BASE/etcd.log" >&2; die "etcd did not start on port $ETCD_PORT"; }

  # What needs a controller-manager or nodes is off: the endpoint reconciler, priority and fairness, and the
  # ServiceAccount admission plugin (it refuses every Pod until the token controller, which is not running,
  # has made the namespace's `default` ServiceAccount and its token). RBAC is on, so the viewer is refused
  # as in a real cluster.
  "$APISERVER" --etcd-servers "$etcd_url" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" --insecure-port 0 \
    --tls-cert-file "$BASE/pki/apiserver.crt" --tls-private-key-file "$BASE/pki/apiserver.key" \
    --client-ca-file "$BASE/pki/ca.crt" --token-auth-file "$BASE/tokens.csv" --authorization-mode RBAC \
    --service-account-issuer https://kubernetes.default.svc \
    --service-account-key-file "$BASE/pki/sa.pub" --service-account-signing-key-file "$BASE/pki/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 --endpoint-reconciler-type none \
    --enable-priority-and-fairness=false --disable-admission-plugins ServiceAccount --profiling=false \
    --logtostderr=false --log-file "$BASE/apiserver.log" --v 0 >"$BASE/apiserver.out" 2>&1 &
  echo $! >"$BASE/apiserver.pid"
  write_kubeconfig

  # Ready means /readyz passes and the `default` namespace (made by the server's bootstrap controller) exists.
  for i in $(seq 1 600); do
    if api_ok /readyz && api_ok /api/v1/namespaces/default; then
      echo "$BASE/kubeconfig"
      return 0
    fi
    kill -0 "$(cat "$BASE/apiserver.pid")" 2>/dev/null || break
    sleep 0.1
  done
  echo "kube-apiserver did not become ready on port $API_PORT; its last log lines:" >&2
  tail -n 20 "$BASE/apiserver.out" "$BASE/apiserver.log" >&2 2>/dev/null || true
  exit 1
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 install|start|stop" >&2; exit 2 ;;
esac
