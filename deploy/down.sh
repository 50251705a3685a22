#!/usr/bin/env bash
# `make down`: delete the kind cluster of `make up` / `make dev`, and everything in it.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

require_tools "make down" docker kind
if cluster_exists; then
  kind delete cluster --name "$CLUSTER_NAME"
else
  deploy_log "no kind cluster named $CLUSTER_NAME: nothing to delete"
fi
