#!/usr/bin/env bash
# `make cluster-down`: stop every process `make cluster-up` started (by the pids it recorded,
# newest first: TERM, then KILL after 15 s) and remove the cluster's directory
# ${TRACING_DEMO_CLUSTER_DIR:-/tmp/tracing-demo-cluster}. Safe to run when nothing is up.
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ ! -e "$CLUSTER_DIR" ]; then
  log "nothing to stop ($CLUSTER_DIR does not exist)"
  exit 0
fi
[ -f "$CLUSTER_DIR/$MARKER" ] ||
  die "$CLUSTER_DIR is not a tracing-demo cluster dir (no $MARKER); not touching it"

NETNS=""
[ -f "$CLUSTER_DIR/netns" ] && NETNS="$(cat "$CLUSTER_DIR/netns")"

# stop_pid LABEL PID: TERM, then KILL after 15 s.
stop_pid() {
  kill -TERM "$2" 2>/dev/null || return 0
  for _ in $(seq 1 30); do
    kill -0 "$2" 2>/dev/null || return 0
    sleep 0.5
  done
  log "$1 (pid $2) did not stop in 15s; killing it"
  kill -KILL "$2" 2>/dev/null || true
}

stop() {
  component_running "$1" || return 0
  local pid
  pid="$(cat "$RUN/$1.pid")"
  log "stopping $1 (pid $pid)"
  stop_pid "$1" "$pid"
}

# The node first: kube-router, kube-proxy and the kubelet (so it restarts nothing), then every
# container. kube-router's iptables chains and ipsets live in the node's netns and go with it.
stop kube-router
stop kube-proxy
stop kubelet
POD_NETNS=()
if component_running containerd; then
  ctr_() { ctr --address "$CLUSTER_DIR/containerd/containerd.sock" --namespace k8s.io "$@"; }
  # Pod sandboxes' network namespaces (containerd 1.6 puts them in /var/run/netns/cni-*):
  # only the ones this cluster's containers name are removed.
  for c in $(ctr_ containers ls -q 2>/dev/null); do
    p="$(ctr_ containers info "$c" 2>/dev/null | python3 -c 'import json,sys
for n in json.load(sys.stdin)["Spec"]["linux"].get("namespaces", []):
    if n["type"] == "network" and n.get("path", "").startswith("/var/run/netns/"): print(n["path"])' || true)"
    [ -z "$p" ] || POD_NETNS+=("$p")
  done
  tasks="$(ctr_ tasks ls -q 2>/dev/null || true)"
  if [ -n "$tasks" ]; then
    log "stopping $(wc -l <<<"$tasks") containers"
    for t in $tasks; do ctr_ tasks kill -s KILL "$t" >/dev/null 2>&1 || true; done
    sleep 1
    for t in $tasks; do ctr_ tasks delete -f "$t" >/dev/null 2>&1 || true; done
  fi
fi
stop containerd

# The control plane, newest first; then anything else with a pid file.
for name in kube-scheduler kube-controller-manager kube-apiserver etcd; do stop "$name"; done
for f in "$RUN"/*.pid; do
  [ -e "$f" ] || continue
  stop "$(basename "$f" .pid)"
done

if [ -n "$NETNS" ] && ip netns list | grep -qw "$NETNS"; then
  # Whatever still runs in the node's namespace was started by this cluster (containerd shims).
  for pid in $(ip netns pids "$NETNS" 2>/dev/null); do
    log "stopping $(cat "/proc/$pid/comm" 2>/dev/null || echo process) (pid $pid) left in $NETNS"
    stop_pid leftover "$pid"
  done
fi

# Mounts below the cluster dir (pod volumes, container root filesystems, sandbox /dev/shm),
# deepest first, then the pod network namespaces, then the node's namespace.
awk -v d="$CLUSTER_DIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
  while read -r m; do umount -l "$m" 2>/dev/null || true; done
for p in "${POD_NETNS[@]}"; do
  umount "$p" 2>/dev/null || true
  rm -f "$p"
done
if [ -n "$NETNS" ] && ip netns list | grep -qw "$NETNS"; then
  log "deleting network namespace $NETNS"
  ip netns delete "$NETNS"
fi

rm -rf "$CLUSTER_DIR"
log "down: stopped everything and removed $CLUSTER_DIR"
