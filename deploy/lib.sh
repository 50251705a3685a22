# shellcheck shell=bash
# Shared by the deploy/*.sh scripts (the kind flow behind `make up/down/dev/images`). Source it
# after scripts/lib.sh (strict mode, REPO_ROOT, log, die); it defines variables and functions only.

DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

CLUSTER_NAME="${CLUSTER_NAME:-tracing-demo}"
RELEASE="${RELEASE:-tracing-demo}"
NAMESPACE="${NAMESPACE:-tracing-demo}"
# Local names only: kind and Tilt load images into the cluster, nothing is pushed anywhere.
IMAGE_PREFIX="${IMAGE_PREFIX:-tracing-demo}"
NODE_IMAGE="${NODE_IMAGE:-}"
# Where `make images` records the tags it built, for `make up` to deploy exactly those.
# shellcheck disable=SC2034 # used by the scripts that source this file
IMAGES_ENV="$REPO_ROOT/.local/deploy/images.env"

# "name port exposure" of every service, in start order, from services/services.yaml (the one manifest,
# which the chart and the Tiltfile read too). Call it as `list="$(services)"`, so a failure stops
# the script.
services() {
  local node="$REPO_ROOT/node_modules/.bin/node"
  [ -x "$node" ] || die "no Node at $node (it reads services/services.yaml): run 'make deps' first"
  (cd "$REPO_ROOT" && "$node" --input-type=module -e '
    import { readFileSync } from "node:fs";
    import { parse } from "yaml";
    const { services } = parse(readFileSync("services/services.yaml", "utf8"));
    for (const [name, spec] of Object.entries(services)) console.log(name, spec.port, spec.exposure);
  ')
}

# One line per missing tool: what it is for and how to get it.
install_hint() {
  case "$1" in
    docker) echo "builds the images and runs the kind nodes: https://docs.docker.com/engine/install/" ;;
    kind) echo "the local Kubernetes cluster: go install sigs.k8s.io/kind@v0.33.0 (or https://kind.sigs.k8s.io/docs/user/quick-start/#installation)" ;;
    kubectl) echo "talks to the cluster: https://kubernetes.io/docs/tasks/tools/" ;;
    helm) echo "installs the chart: make tools TOOLS_ONLY=helm (the pinned Helm), or https://helm.sh/docs/intro/install/" ;;
    tilt) echo "the inner dev loop: a release from https://docs.tilt.dev/install.html (the pinned build of make tools has no web UI)" ;;
    podman) echo "builds the images without a daemon: apt-get install podman" ;;
    mmdebstrap) echo "makes the base image's Debian root filesystem: apt-get install mmdebstrap" ;;
    *) echo "install $1" ;;
  esac
}

# The pinned build from tools/ when there is one, else whatever is on PATH.
tool_bin() {
  local pinned
  if pinned="$(bash "$REPO_ROOT/tools/which.sh" "$1" 2>/dev/null)"; then
    echo "$pinned"
  else
    command -v "$1"
  fi
}

# The image builder as an array: docker, or CONTAINER_ENGINE, a command with its global flags
# (podman builds the same images: CONTAINER_ENGINE="podman --runtime runc").
# shellcheck disable=SC2034 # used by the scripts that source this file
read -ra ENGINE <<<"${CONTAINER_ENGINE:-docker}"

# require_tools TARGET TOOL...: check every prerequisite first and name each missing one on its
# own line, so one run tells everything to install; then point at the mode that needs none.
require_tools() {
  local target="$1" tool missing=0
  shift
  for tool in "$@"; do
    case "$tool" in
      docker)
        if ! command -v docker >/dev/null; then
          echo "$target: missing docker - $(install_hint docker)" >&2
          missing=1
        elif ! docker info >/dev/null 2>&1; then
          echo "$target: docker is installed but its daemon does not answer ('docker info' failed): start Docker" >&2
          missing=1
        fi
        ;;
      tilt)
        # A release: the pinned build of `make tools` (from Tilt's Go module) lacks the web UI,
        # without which `tilt up` does not start; it serves the offline Tiltfile test only.
        if ! command -v tilt >/dev/null; then
          echo "$target: missing tilt - $(install_hint tilt)" >&2
          missing=1
        fi
        ;;
      helm)
        if ! tool_bin "$tool" >/dev/null; then
          echo "$target: missing $tool - $(install_hint "$tool")" >&2
          missing=1
        fi
        ;;
      *)
        if ! command -v "$tool" >/dev/null; then
          echo "$target: missing $tool - $(install_hint "$tool")" >&2
          missing=1
        fi
        ;;
    esac
  done
  if [ "$missing" -ne 0 ]; then
    echo "$target: or, with none of these, 'make local' runs the whole platform as local processes on 127.0.0.1" >&2
    exit 1
  fi
}

cluster_exists() { kind get clusters 2>/dev/null | grep -qx "$CLUSTER_NAME"; }

# Create the kind cluster unless it is already there (make up and make dev share it).
ensure_cluster() {
  if cluster_exists; then
    log "kind cluster $CLUSTER_NAME exists"
  else
    log "creating kind cluster $CLUSTER_NAME"
    kind create cluster --name "$CLUSTER_NAME" --config "$DEPLOY_DIR/kind-config.yaml" --wait 120s
  fi
}
