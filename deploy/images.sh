#!/usr/bin/env bash
# `make images`: every service image from services/Dockerfile (the list: services/services.yaml) and
# the CLI image of `helm test` from packages/cli/Dockerfile, each tagged by its content; the tags
# go to .local/deploy/images.env for `make up`.
#
#   NODE_IMAGE=…         another Node 24 base (deploy/base-image.sh makes one without a registry)
#   CONTAINER_ENGINE=…   another builder, e.g. "podman --runtime runc"
#   IMAGE_BUILD_FLAGS=…  extra build flags, e.g. "--ulimit nofile=20000:20000"
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools "make images" "${ENGINE[0]}"

read -ra common <<<"${IMAGE_BUILD_FLAGS:-}"
if [ -n "$NODE_IMAGE" ]; then common+=(--build-arg "NODE_IMAGE=$NODE_IMAGE"); fi
# Behind a TLS-intercepting proxy npm needs its CA: a build secret, so no layer keeps it.
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ]; then
  common+=(--secret "id=npm-ca,src=$NODE_EXTRA_CA_CERTS")
fi

mkdir -p "$(dirname "$IMAGES_ENV")"
recorded="$(mktemp)"
trap 'rm -f "$recorded"' EXIT

# build VALUES_KEY IMAGE DOCKERFILE [BUILD FLAG…]: build, tag by content, record for `make up`.
build() {
  local key="$1" image="$2" dockerfile="$3" id tag
  shift 3
  log "building $image"
  "${ENGINE[@]}" build "${common[@]}" "$@" --file "$REPO_ROOT/$dockerfile" --tag "$image:dev" "$REPO_ROOT"
  # A tag per content: `make up` after a change rolls out exactly the images that changed,
  # and an unchanged image keeps its tag, so its pods are left alone.
  id="$("${ENGINE[@]}" image inspect --format '{{.Id}}' "$image:dev")"
  id="${id#sha256:}"
  tag="dev-${id:0:12}"
  "${ENGINE[@]}" tag "$image:dev" "$image:$tag"
  echo "$key $image $tag" >>"$recorded"
  untag_older "$image" "$tag"
}

# untag_older IMAGE TAG: every other content tag of IMAGE goes, or each change would leave one
# more image behind in the local store. kind's nodes and the node cluster hold copies of their
# own; a running pod keeps its image there.
untag_older() {
  local image="$1" keep="$2" old
  for old in $("${ENGINE[@]}" images --format '{{.Tag}}' "$image"); do
    [[ $old == dev-* && $old != "$keep" ]] || continue
    "${ENGINE[@]}" rmi "$image:$old" >/dev/null || log "kept $image:$old (still in use)"
  done
}

service_list="$(services)"
while read -r service port _; do
  build "services.$service" "$IMAGE_PREFIX/$service" services/Dockerfile \
    --build-arg "SERVICE=$service" --build-arg "PORT=$port"
done <<<"$service_list"
build tests.verify "$IMAGE_PREFIX/cli" packages/cli/Dockerfile

mv "$recorded" "$IMAGES_ENV"
trap - EXIT
log "built: $(awk '{printf "%s:%s ", $2, $3}' "$IMAGES_ENV")"
