#!/usr/bin/env bash
# Run a command where the cluster's API server is reachable, with KUBECONFIG set:
#   cluster/exec.sh $(tools/which.sh kubectl) get nodes
#   cluster/exec.sh $(tools/which.sh helm) list -A
# With CLUSTER_COMPONENTS=node the cluster lives in its own network namespace: the command runs
# there (nsenter --net, root); otherwise it simply runs.
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -gt 0 ] || die "usage: cluster/exec.sh COMMAND [ARG...]"
[ -f "$KUBECONFIG_ADMIN" ] || die "no cluster in $CLUSTER_DIR: run 'make cluster-up'"
export KUBECONFIG="$KUBECONFIG_ADMIN"
if [ -f "$CLUSTER_DIR/netns" ]; then
  exec nsenter --net="/run/netns/$(cat "$CLUSTER_DIR/netns")" "$@"
fi
exec "$@"
