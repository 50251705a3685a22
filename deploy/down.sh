#!/usr/bin/env bash
# `make down`: delete the kind cluster of `make up` / `make dev`, and everything in it.
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools "make down" docker kind
if cluster_exists; then
  kind delete cluster --name "$CLUSTER_NAME"
else
  log "no kind cluster named $CLUSTER_NAME: nothing to delete"
fi
