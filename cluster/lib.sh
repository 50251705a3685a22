# shellcheck shell=bash
# Shared by the cluster/*.sh scripts: the local Kubernetes test cluster (a test harness, not a
# product feature; see cluster/README.md). Source it after scripts/lib.sh (strict mode,
# REPO_ROOT, log, die).

# shellcheck disable=SC2034 # used by the scripts that source this file
CLUSTER_SRC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Everything the cluster writes lives below this one directory (certs, kubeconfigs, etcd data,
# logs, pid files); cluster/down.sh removes it.
CLUSTER_DIR="${TRACING_DEMO_CLUSTER_DIR:-/tmp/tracing-demo-cluster}"
# Loopback ports (not the Kubernetes defaults, so a real cluster on the machine is not disturbed).
ETCD_PORT="${CLUSTER_ETCD_PORT:-12379}"
ETCD_PEER_PORT="${CLUSTER_ETCD_PEER_PORT:-12380}"
APISERVER_PORT="${CLUSTER_APISERVER_PORT:-16443}"
KCM_PORT="${CLUSTER_KCM_PORT:-20257}"
SCHEDULER_PORT="${CLUSTER_SCHEDULER_PORT:-20259}"
SERVICE_CIDR="${CLUSTER_SERVICE_CIDR:-10.96.0.0/16}"
# Which components `cluster/up.sh` starts: "control-plane" = etcd + kube-apiserver +
# kube-controller-manager + kube-scheduler on the host's loopback (the default); "apiserver" =
# etcd + kube-apiserver only; "node" = the control plane plus containerd, kubelet and kube-proxy,
# all inside the network namespace $CLUSTER_NETNS (a "node", like kind's node container: its
# bridge, pod addresses and kube-proxy's iptables rules never touch the host's network).
CLUSTER_COMPONENTS="${CLUSTER_COMPONENTS:-control-plane}"
CLUSTER_NETNS="${CLUSTER_NETNS:-tracing-demo-node}"
NODE_NAME=tracing-demo-node
# The node's address (a veth inside the namespace) and the pod range of the bridge CNI.
NODE_IP="${CLUSTER_NODE_IP:-10.213.0.2}"
POD_CIDR="${CLUSTER_POD_CIDR:-10.214.0.0/24}"
# NetworkPolicy enforcement in node mode (the bridge CNI has none): "kube-router" also runs
# kube-router, as the policy controller only (cluster/node.sh); "none" (the default) does not.
CLUSTER_NETWORK_POLICY="${CLUSTER_NETWORK_POLICY:-none}"
# A local image registry in node mode (CLUSTER_REGISTRY=local): Debian's docker-registry (the
# upstream distribution registry) on the node's loopback, which containerd pulls from over plain
# HTTP and the cluster advertises in the KEP-1755 ConfigMap kube-public/local-registry-hosting,
# as kind's local-registry recipe and ctlptl do; Tilt pushes there. "none" is the default.
CLUSTER_REGISTRY="${CLUSTER_REGISTRY:-none}"
REGISTRY_PORT="${CLUSTER_REGISTRY_PORT:-5001}"

MARKER=.tracing-demo-cluster
PKI="$CLUSTER_DIR/pki"
LOGS="$CLUSTER_DIR/logs"
RUN="$CLUSTER_DIR/run"
KUBECONFIG_ADMIN="$CLUSTER_DIR/kubeconfig"

# Path of a program built by `make cluster-tools` (tools/which.sh), or die saying how to build it.
cluster_tool() {
  local p
  if ! p="$(bash "$REPO_ROOT/tools/which.sh" "$1" 2>/dev/null)"; then
    die "$1 is not built: run 'make cluster-tools' (= bash tools/build.sh cluster; cold: see cluster/README.md)"
  fi
  echo "$p"
}

# True when the process recorded in $RUN/NAME.pid is alive and is still that program (its
# executable is named NAME), so a reused pid is never taken for it, nor signalled.
component_running() {
  local pid exe
  [ -f "$RUN/$1.pid" ] || return 1
  pid="$(cat "$RUN/$1.pid")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
  [ "${exe##*/}" = "$1" ] || [ "${exe##*/}" = "$1 (deleted)" ]
}

# The components up.sh starts, in start order.
cluster_components() {
  local c
  case "$CLUSTER_COMPONENTS" in
    apiserver) c="etcd kube-apiserver" ;;
    control-plane) c="etcd kube-apiserver kube-controller-manager kube-scheduler" ;;
    node) c="etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy" ;;
    *) die "CLUSTER_COMPONENTS must be 'apiserver', 'control-plane' or 'node', not '$CLUSTER_COMPONENTS'" ;;
  esac
  case "$CLUSTER_NETWORK_POLICY" in
    none) ;;
    kube-router) [ "$CLUSTER_COMPONENTS" != node ] || c="$c kube-router" ;;
    *) die "CLUSTER_NETWORK_POLICY must be 'none' or 'kube-router', not '$CLUSTER_NETWORK_POLICY'" ;;
  esac
  case "$CLUSTER_REGISTRY" in
    none) ;;
    local) [ "$CLUSTER_COMPONENTS" != node ] || c="$c docker-registry" ;;
    *) die "CLUSTER_REGISTRY must be 'none' or 'local', not '$CLUSTER_REGISTRY'" ;;
  esac
  echo "$c"
}
