#!/usr/bin/env bash
# `make dev`: `tilt up` (the Tiltfile) on the kind cluster, created first when missing.
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools "make dev" docker kind kubectl helm tilt
ensure_cluster
# The Tiltfile runs `helm` and `kubectl` from PATH (deploy/tilt-helm.sh): the ones `make up` uses.
PATH="$(dirname "$(tool_bin helm)"):$PATH"
cd "$REPO_ROOT"
exec tilt up --context "kind-$CLUSTER_NAME" "$@"
