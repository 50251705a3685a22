#!/usr/bin/env bash
# The project's Tilt (tools cache) against the node cluster of cluster/up.sh, as a developer
# runs it against kind, from the directory of a Tiltfile:
#   bash cluster/tilt.sh ci|up|down [FLAG...]        bash cluster/tilt.sh get|wait|trigger ...
# It runs inside the node's network namespace (cluster/exec.sh: the API server, the registry and
# the port-forwards are on the node's loopback), with the tools cache's kubectl and helm first on
# PATH. Tilt built from its Go module (tools/build.sh) lacks its web UI, and `tilt up`/`ci`
# refuse to start without one: they run with --web-mode local, whose asset server (`yarn` in
# Tilt's web/ folder, looked up relative to the working directory) is stood in for below. The
# API that `tilt get/wait/trigger` use works; the browser UI does not. TILT_PORT: the API port;
# TILT_KUBECONFIG: another kubeconfig than the cluster's (make test-tilt points it at a dead one).
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR/.. source=tools/versions.env
source "$REPO_ROOT/tools/versions.env"

[ $# -ge 1 ] || die "usage: bash cluster/tilt.sh SUBCOMMAND [ARG...] (from the directory of the Tiltfile)"
tilt=(env "KUBECONFIG=${TILT_KUBECONFIG:-$KUBECONFIG_ADMIN}" "$(cluster_tool tilt)")
tools_path="$(dirname "$(cluster_tool kubectl)"):$(dirname "$(cluster_tool helm)")"
web="$CLUSTER_DIR/tilt-web"
case "$1" in
  up | ci)
    mkdir -p "$web/bin" "$web/github.com/tilt-dev/tilt@v$TILT_VERSION/web"
    touch "$web/github.com/tilt-dev/tilt@v$TILT_VERSION/web/package.json"
    # `yarn install` succeeds; `yarn run start` (the asset server) waits until Tilt stops it.
    printf '#!/bin/sh\n[ "$1" = install ] && exit 0\nexec sleep 2147483647\n' >"$web/bin/yarn"
    chmod +x "$web/bin/yarn"
    sub="$1"
    shift
    tiltfile="$PWD/Tiltfile"
    cd "$web"
    PATH="$web/bin:$tools_path:$PATH" exec bash "$CLUSTER_SRC_DIR/exec.sh" \
      "${tilt[@]}" "$sub" --file "$tiltfile" --web-mode local "$@"
    ;;
  *) PATH="$tools_path:$PATH" exec bash "$CLUSTER_SRC_DIR/exec.sh" "${tilt[@]}" "$@" ;;
esac
