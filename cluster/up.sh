#!/usr/bin/env bash
# shellcheck disable=SC2154 # BIN_<component> are set with declare from the component list
# `make cluster-up`: a real single-node Kubernetes control plane on loopback, as a test harness
# (cluster/README.md): etcd + kube-apiserver (+ kube-controller-manager + kube-scheduler unless
# CLUSTER_COMPONENTS=apiserver), built from their Go modules by `make cluster-tools`.
# Certificates, kubeconfigs, etcd data, logs and pid files all live in one directory,
# ${TRACING_DEMO_CLUSTER_DIR:-/tmp/tracing-demo-cluster}; `make cluster-down` stops everything
# and removes it. Prints `export KUBECONFIG=…` at the end. Idempotent: a running cluster is
# left as it is.
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

START=$SECONDS
components="$(cluster_components)" # a plain assignment: set -e stops on a bad CLUSTER_* value
read -r -a COMPONENTS <<<"$components"

# ---------------------------------------------------------------- preflight

NODE_MODE=0
[ "$CLUSTER_COMPONENTS" = node ] && NODE_MODE=1
if [ "$NODE_MODE" = 1 ]; then
  [ "$(id -u)" = 0 ] || die "CLUSTER_COMPONENTS=node needs root (network namespace, containerd, kubelet)"
  # Debian's containerd (1.6), runc and CNI plugins; podman and gcc build the pause image.
  missing=()
  command -v containerd >/dev/null || missing+=(containerd)
  command -v runc >/dev/null || missing+=(runc)
  [ -x /usr/lib/cni/bridge ] || missing+=(containernetworking-plugins)
  command -v podman >/dev/null || missing+=(podman)
  # cluster/images.sh makes the images' base root filesystems with it.
  command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
  command -v gcc >/dev/null || missing+=(gcc libc6-dev)
  dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
  # kube-router (CLUSTER_NETWORK_POLICY=kube-router) keeps its pod and namespace sets in ipsets.
  if [ "$CLUSTER_NETWORK_POLICY" = kube-router ]; then command -v ipset >/dev/null || missing+=(ipset); fi
  if [ "$CLUSTER_REGISTRY" = local ]; then command -v docker-registry >/dev/null || missing+=(docker-registry); fi
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
      die "apt-get install ${missing[*]} failed (run 'apt-get update' first?)"
  fi
fi
if [ "$NODE_MODE" = 1 ]; then
  cluster_tool coredns >/dev/null
  cluster_tool kubectl >/dev/null
fi
for c in "${COMPONENTS[@]}"; do
  if [ "$c" = containerd ]; then BIN_containerd="$(command -v containerd)"; continue; fi
  if [ "$c" = docker-registry ]; then BIN_docker_registry="$(command -v docker-registry)"; continue; fi
  declare "BIN_${c//-/_}=$(cluster_tool "$c")"
done
command -v openssl >/dev/null || die "openssl is needed for the certificates (apt-get install openssl)"
command -v curl >/dev/null || die "curl is needed for the health checks (apt-get install curl)"

if [ -d "$CLUSTER_DIR" ]; then
  [ -f "$CLUSTER_DIR/$MARKER" ] ||
    die "$CLUSTER_DIR exists and is not a tracing-demo cluster dir; set TRACING_DEMO_CLUSTER_DIR or remove it"
  running=() stopped=()
  for c in "${COMPONENTS[@]}"; do
    if component_running "$c"; then running+=("$c"); else stopped+=("$c"); fi
  done
  if [ "${#stopped[@]}" -eq 0 ]; then
    log "already up (${running[*]}); KUBECONFIG=$KUBECONFIG_ADMIN"
    echo "export KUBECONFIG=$KUBECONFIG_ADMIN"
    exit 0
  fi
  if [ "${#running[@]}" -gt 0 ]; then
    die "half up (running: ${running[*]}; not running: ${stopped[*]}): run 'make cluster-down' first"
  fi
  log "removing the stale state of a cluster that is no longer running: $CLUSTER_DIR"
  bash "$CLUSTER_SRC_DIR/down.sh" >/dev/null 2>&1 || true
fi

# Node mode: make the node's network namespace, then run the rest of this script inside it
# (nsenter --net only: unlike `ip netns exec` it keeps /sys, so the kubelet sees the cgroups).
if [ "$NODE_MODE" = 1 ] && [ "${_CLUSTER_IN_NETNS:-}" != 1 ]; then
  if ip netns list | grep -qw "$CLUSTER_NETNS"; then
    die "network namespace $CLUSTER_NETNS exists already (another cluster? 'make cluster-down', or CLUSTER_NETNS=...)"
  fi
  log "network namespace $CLUSTER_NETNS: node address $NODE_IP, pods $POD_CIDR"
  ip netns add "$CLUSTER_NETNS"
  ns() { ip -n "$CLUSTER_NETNS" "$@"; }
  ns link set lo up
  # Both ends of the veth stay inside the namespace: tdc0 carries the node address.
  ns link add tdc0 type veth peer name tdc1
  ns addr add "$NODE_IP/24" dev tdc0
  ns link set tdc0 up
  ns link set tdc1 up
  ns route add default via "${NODE_IP%.*}.1" dev tdc0 onlink
  nsenter --net="/run/netns/$CLUSTER_NETNS" sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
  exec nsenter --net="/run/netns/$CLUSTER_NETNS" env _CLUSTER_IN_NETNS=1 bash "${BASH_SOURCE[0]}"
fi

for port in "$ETCD_PORT" "$ETCD_PEER_PORT" "$APISERVER_PORT" "$KCM_PORT" "$SCHEDULER_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port 127.0.0.1:$port is in use (CLUSTER_*_PORT variables move the cluster's ports)"
  fi
done

mkdir -p "$CLUSTER_DIR" "$PKI" "$LOGS" "$RUN"
echo "tracing-demo local test cluster (cluster/up.sh); removed by cluster/down.sh" >"$CLUSTER_DIR/$MARKER"
echo "$CLUSTER_COMPONENTS" >"$CLUSTER_DIR/components"
[ "$NODE_MODE" = 1 ] && echo "$CLUSTER_NETNS" >"$CLUSTER_DIR/netns"
chmod 0700 "$CLUSTER_DIR"

# ---------------------------------------------------------------- certificates

# The first address of the service range is the in-cluster `kubernetes` Service.
service_ip() {
  python3 -c 'import ipaddress,sys; print(ipaddress.ip_network(sys.argv[1])[1])' "$1" 2>/dev/null ||
    echo "${1%.*/*}.1"
}
KUBERNETES_SVC_IP="$(service_ip "$SERVICE_CIDR")"

ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# cert NAME SUBJECT EXTENDED-KEY-USAGE [SUBJECT-ALT-NAMES]: a key and a certificate signed by the CA.
cert() {
  local name="$1" subj="$2" eku="$3" san="${4:-}"
  ec_key "$PKI/$name.key"
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$eku"
    [ -z "$san" ] || echo "subjectAltName=$san"
  } >"$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 30 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

log "certificates and kubeconfigs in $CLUSTER_DIR"
ec_key "$PKI/ca.key"
openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=tracing-demo-cluster-ca" -days 30 -sha256 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
  -out "$PKI/ca.crt" 2>/dev/null
cert apiserver "/CN=kube-apiserver" serverAuth \
  "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:$KUBERNETES_SVC_IP$([ "$NODE_MODE" = 1 ] && echo ",IP:$NODE_IP")"
cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
cert admin "/O=system:masters/CN=tracing-demo-admin" clientAuth
cert kube-controller-manager "/CN=system:kube-controller-manager" clientAuth
cert kube-scheduler "/CN=system:kube-scheduler" clientAuth
if [ "$NODE_MODE" = 1 ]; then
  # The Node authorizer and NodeRestriction know the kubelet by this name and group.
  cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" clientAuth,serverAuth "DNS:$NODE_NAME,IP:$NODE_IP,IP:127.0.0.1"
  cert kube-proxy "/CN=system:kube-proxy" clientAuth
fi
# The aggregation layer's front proxy (requestheader authentication): its own CA and client.
ec_key "$PKI/front-proxy-ca.key"
openssl req -x509 -new -key "$PKI/front-proxy-ca.key" -subj "/CN=tracing-demo-front-proxy-ca" -days 30 -sha256 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
  -out "$PKI/front-proxy-ca.crt" 2>/dev/null
ec_key "$PKI/front-proxy-client.key"
openssl req -new -key "$PKI/front-proxy-client.key" -subj "/CN=front-proxy-client" -out "$PKI/front-proxy-client.csr" 2>/dev/null
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >"$PKI/front-proxy-client.ext"
openssl x509 -req -in "$PKI/front-proxy-client.csr" -CA "$PKI/front-proxy-ca.crt" -CAkey "$PKI/front-proxy-ca.key" \
  -CAcreateserial -days 30 -sha256 -extfile "$PKI/front-proxy-client.ext" -out "$PKI/front-proxy-client.crt" 2>/dev/null
rm -f "$PKI/front-proxy-client.csr" "$PKI/front-proxy-client.ext"
# Service-account token signing key pair.
ec_key "$PKI/sa.key"
openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
chmod 0600 "$PKI"/*.key

# kubeconfig FILE CERT-NAME: a kubeconfig for the API server on loopback, credentials embedded.
kubeconfig() {
  local b64="base64 -w0"
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: tracing-demo
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $($b64 <"$PKI/ca.crt")
users:
- name: $2
  user:
    client-certificate-data: $($b64 <"$PKI/$2.crt")
    client-key-data: $($b64 <"$PKI/$2.key")
contexts:
- name: tracing-demo
  context:
    cluster: tracing-demo
    user: $2
current-context: tracing-demo
EOF
  chmod 0600 "$1"
}
kubeconfig "$KUBECONFIG_ADMIN" admin
kubeconfig "$CLUSTER_DIR/kube-controller-manager.kubeconfig" kube-controller-manager
kubeconfig "$CLUSTER_DIR/kube-scheduler.kubeconfig" kube-scheduler
if [ "$NODE_MODE" = 1 ]; then
  kubeconfig "$CLUSTER_DIR/kubelet.kubeconfig" kubelet
  kubeconfig "$CLUSTER_DIR/kube-proxy.kubeconfig" kube-proxy
fi

# ---------------------------------------------------------------- processes

# start NAME BIN ARGS...: in its own session (a Ctrl-C of make does not reach it), logging to
# logs/NAME.log, its pid in run/NAME.pid.
start() {
  local name="$1"
  shift
  rm -f "$RUN/$name.pid"
  # setsid forks when it is a process-group leader, so $! is not always the program: the
  # process writes its own pid, then becomes the program.
  # shellcheck disable=SC2016 # expanded by the inner bash
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$RUN/$name.pid" "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  local exe
  for _ in $(seq 1 50); do
    # written, and the exec done (or the program already gone: wait_ready reports that)
    if [ -s "$RUN/$name.pid" ]; then
      exe="$(readlink "/proc/$(cat "$RUN/$name.pid")/exe" 2>/dev/null || true)"
      [ "${exe##*/}" != bash ] && return 0
    fi
    sleep 0.1
  done
  die "$name did not start (no pid after 5s)"
}

on_failure() {
  local rc=$?
  [ "$rc" -eq 0 ] && return
  log "cluster-up failed; stopping what it started (logs were in $LOGS, kept in ${CLUSTER_DIR}.failed-logs)"
  rm -rf "${CLUSTER_DIR}.failed-logs"
  cp -r "$LOGS" "${CLUSTER_DIR}.failed-logs" 2>/dev/null || true
  bash "$CLUSTER_SRC_DIR/down.sh" >/dev/null 2>&1 || true
  exit "$rc"
}
trap on_failure EXIT

# wait_ready NAME TIMEOUT-SECONDS CHECK-COMMAND...: poll until the check passes; fail with the
# end of the component's log when it exits or the time runs out.
wait_ready() {
  local name="$1" timeout="$2" t0=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ! component_running "$name"; then
      log "$name exited; the end of $LOGS/$name.log:"
      tail -n 25 "$LOGS/$name.log" >&2 || true
      die "$name did not start"
    fi
    if [ $((SECONDS - t0)) -ge "$timeout" ]; then
      log "$name is not ready after ${timeout}s; the end of $LOGS/$name.log:"
      tail -n 25 "$LOGS/$name.log" >&2 || true
      die "$name did not become ready"
    fi
    sleep 0.5
  done
  log "$name ready ($((SECONDS - t0))s)"
}

https_ok() { curl -fsS --max-time 5 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$1"; }
# controller-manager and scheduler serve /healthz with their own self-signed certificate.
local_healthz() { curl -fsSk --max-time 5 "https://127.0.0.1:$1/healthz"; }

ETCD_URL="http://127.0.0.1:$ETCD_PORT"
log "starting etcd on $ETCD_URL"
# --unsafe-no-fsync: throwaway test state on a shared 2-core machine; durability is not wanted.
start etcd "$BIN_etcd" --name tracing-demo --data-dir "$CLUSTER_DIR/etcd" \
  --listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "tracing-demo=http://127.0.0.1:$ETCD_PEER_PORT" \
  --unsafe-no-fsync --log-level warn
wait_ready etcd 60 curl -fsS --max-time 5 "$ETCD_URL/health"

API="https://127.0.0.1:$APISERVER_PORT"
log "starting kube-apiserver on $API"
# On loopback the `kubernetes` Service can have no endpoints (127.0.0.0/8 is refused in
# Endpoints): --endpoint-reconciler-type none, instead of an error in the log every 10 s.
if [ "$NODE_MODE" = 1 ]; then
  # In the node's namespace: every address there is the cluster's own; pods reach the API
  # server as the `kubernetes` Service, i.e. at the node address.
  api_addresses=(--bind-address 0.0.0.0 --advertise-address "$NODE_IP")
else
  api_addresses=(--bind-address 127.0.0.1 --advertise-address 127.0.0.1 --endpoint-reconciler-type none)
fi
start kube-apiserver "$BIN_kube_apiserver" \
  --etcd-servers "$ETCD_URL" --etcd-prefix /tracing-demo \
  "${api_addresses[@]}" --secure-port "$APISERVER_PORT" \
  --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
  --client-ca-file "$PKI/ca.crt" \
  --requestheader-client-ca-file "$PKI/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
  --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
  --requestheader-extra-headers-prefix X-Remote-Extra- \
  --proxy-client-cert-file "$PKI/front-proxy-client.crt" --proxy-client-key-file "$PKI/front-proxy-client.key" \
  --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" \
  --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
  --service-cluster-ip-range "$SERVICE_CIDR" \
  --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
  --kubelet-preferred-address-types InternalIP,Hostname \
  --allow-privileged=true --profiling=false --v=1
wait_ready kube-apiserver 180 https_ok "$API/readyz"

if [ "$CLUSTER_COMPONENTS" != apiserver ]; then
  log "starting kube-controller-manager and kube-scheduler"
  start kube-controller-manager "$BIN_kube_controller_manager" \
    --kubeconfig "$CLUSTER_DIR/kube-controller-manager.kubeconfig" \
    --authentication-kubeconfig "$CLUSTER_DIR/kube-controller-manager.kubeconfig" \
    --authorization-kubeconfig "$CLUSTER_DIR/kube-controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$KCM_PORT" --leader-elect=false \
    --root-ca-file "$PKI/ca.crt" --service-account-private-key-file "$PKI/sa.key" \
    --use-service-account-credentials=true \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" --profiling=false --v=1
  start kube-scheduler "$BIN_kube_scheduler" \
    --kubeconfig "$CLUSTER_DIR/kube-scheduler.kubeconfig" \
    --authentication-kubeconfig "$CLUSTER_DIR/kube-scheduler.kubeconfig" \
    --authorization-kubeconfig "$CLUSTER_DIR/kube-scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$SCHEDULER_PORT" --leader-elect=false \
    --profiling=false --v=1
  wait_ready kube-controller-manager 120 local_healthz "$KCM_PORT"
  wait_ready kube-scheduler 120 local_healthz "$SCHEDULER_PORT"
fi

if [ "$NODE_MODE" = 1 ]; then
  # shellcheck source-path=SCRIPTDIR source=node.sh
  source "$CLUSTER_SRC_DIR/node.sh"
fi

trap - EXIT
log "up in $((SECONDS - START))s: ${COMPONENTS[*]} (state and logs: $CLUSTER_DIR)"
cat >&2 <<EOF
[cluster]   export KUBECONFIG=$KUBECONFIG_ADMIN
[cluster]   \$(tools/which.sh kubectl) get --raw /readyz?verbose   # kubectl: make cluster-tools
[cluster]   \$(tools/which.sh helm) list -A
[cluster]   make cluster-down                                   # stop everything, remove $CLUSTER_DIR
EOF
echo "export KUBECONFIG=$KUBECONFIG_ADMIN"
