#!/usr/bin/env bash
# Run a command where the cluster's API server is reachable, with KUBECONFIG set:
#   cluster/exec.sh $(tools/which.sh kubectl) get nodes
#   cluster/exec.sh $(tools/which.sh helm) list -A
# With CLUSTER_COMPONENTS=node the cluster lives in its own network namespace: the command runs
# there (nsenter --net, root); otherwise it simply runs.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

[ $# -gt 0 ] || cluster_die "usage: cluster/exec.sh COMMAND [ARG...]"
[ -f "$KUBECONFIG_ADMIN" ] || cluster_die "no cluster in $CLUSTER_DIR: run 'make cluster-up'"
export KUBECONFIG="$KUBECONFIG_ADMIN"
if [ -f "$CLUSTER_DIR/netns" ]; then
  exec nsenter --net="/run/netns/$(cat "$CLUSTER_DIR/netns")" "$@"
fi
exec "$@"
