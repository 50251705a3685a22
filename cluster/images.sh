#!/usr/bin/env bash
# Every image the chart uses (Grafana excepted: local-cluster-values.yaml disables it), built
# locally with podman and imported into the node cluster's containerd (namespace k8s.io), since
# no registry can be reached (cluster/README.md). Root, like `CLUSTER_COMPONENTS=node`.
#
#   bash cluster/images.sh               build what changed; import everything into the running
#                                        node cluster (without one: build only, and say so)
#   bash cluster/images.sh --set-flags   print helm's --set flags for the project images (the
#                                        services of services/services.yaml and the CLI)
#   bash cluster/images.sh --list        print every image the chart gets, one per line
#   CLUSTER_IMAGES=third-party bash cluster/images.sh   the Node base and the stand-ins only (Tilt
#                                        builds the project images itself: make test-tilt)
#
#   helm install tracing-demo charts/tracing-demo -n tracing-demo --create-namespace \
#     -f charts/tracing-demo/ci/local-cluster-values.yaml -f cluster/values.yaml \
#     $(bash cluster/images.sh --set-flags)
#
# What is built:
#  1. the Node 24 base (deploy/base-image.sh), once: skipped when the image exists;
#  2. the project images (deploy/images.sh: the services and the CLI, content tags recorded in
#     .local/deploy/images.env, the one place their names and tags live; --set-flags reads it), skipped when
#     the hash of what their builds read is the one their images carry (label io.tracing-demo.inputs);
#  3. a Debian bookworm minbase (mmdebstrap), once, the base of the PostgreSQL and RabbitMQ
#     stand-ins;
#  4. the stand-ins for the third-party images, from cluster/images/<name>/Containerfile, each
#     skipped when the hash of its inputs is the one the image carries: otelcol, jaeger and
#     prometheus are the project's static Go builds (tools/which.sh) FROM scratch; postgres and
#     rabbitmq are Debian's packages. Names and tags: `--list`; cluster/values.yaml maps the
#     chart to them and is checked against this script on every run.
# Import: every image containerd lacks (a new cluster has none, so after `make cluster-up` all of
# them) goes in one `podman save --multi-image-archive --format docker-archive` stream into `ctr
# images import -`; each then gets the label io.tracing-demo.image-id, and one already there
# with the same id is skipped. Not one `--format oci-archive` per image: podman 4.3 writes a
# single image per OCI archive (further names are silently dropped), so the Node base layer the
# seven project images share would be written and read seven times (measured here: all twelve
# in 35-60 s as one stream, 80-150 s one archive each).
#
# Build logs: .local/cluster/images/logs/. Set TRACING_DEMO_CLUSTER_DIR like for up.sh.
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR/.. source=tools/versions.env
source "$REPO_ROOT/tools/versions.env"

# deploy/images.sh records the project images here ("values-key image tag" per line).
IMAGES_ENV="$REPO_ROOT/.local/deploy/images.env"
IMAGES_SRC="$CLUSTER_SRC_DIR/images"
LOG_DIR="$REPO_ROOT/.local/cluster/images/logs"
INPUTS_LABEL=io.tracing-demo.inputs
# On containerd's copy of an image: the podman image id it was imported from.
ID_LABEL=io.tracing-demo.image-id
# This machine's root cannot raise rlimits (no CAP_SYS_RESOURCE), see cluster/node.sh; and
# podman's default runtime (crun) cannot run the RUN steps on its cgroups (hybrid v1/v2): runc.
PODMAN=(podman --runtime runc)
BUILD_FLAGS=(--ulimit nofile=20000:20000 --ulimit nproc=32768:32768)

# The stand-ins (repository:tag = what cluster/values.yaml must name) and where each is used.
declare -A STANDIN=(
  [otelcol]="tracing-demo.local/otelcol:$OTELCOL_VERSION"
  [jaeger]="tracing-demo.local/jaeger:$JAEGER_RELEASE"
  [prometheus]="tracing-demo.local/prometheus:v$PROMETHEUS_VERSION"
  [postgres]="tracing-demo.local/postgres:15-bookworm"
  [rabbitmq]="tracing-demo.local/rabbitmq:3.10-bookworm"
)
declare -A VALUES_KEY=(
  [otelcol]=collector [jaeger]=jaeger [prometheus]=prometheus [postgres]=postgresql [rabbitmq]=rabbitmq
)
STANDINS=(otelcol jaeger prometheus postgres rabbitmq)
DEBIAN_IMAGE=tracing-demo.local/debian:bookworm

images_log() { log "images: $*"; }

# Project images from images.env: "values-key podman-name:tag" (podman names them localhost/…).
project_images() {
  [ -s "$IMAGES_ENV" ] || return 0
  awk '{print $1, "localhost/" $2 ":" $3}' "$IMAGES_ENV"
}

case "${1:-}" in
  --set-flags)
    [ -s "$IMAGES_ENV" ] || die "no $IMAGES_ENV: run 'bash cluster/images.sh' first"
    awk '{printf "%s--set %s.image.repository=localhost/%s --set %s.image.tag=%s", (NR > 1 ? " " : ""), $1, $2, $1, $3} END {print ""}' "$IMAGES_ENV"
    exit 0
    ;;
  --list)
    for n in "${STANDINS[@]}"; do echo "${STANDIN[$n]}"; done
    project_images | awk '{print $2}'
    exit 0
    ;;
  "") ;;
  *) die "usage: bash cluster/images.sh [--set-flags | --list]" ;;
esac

START=$SECONDS
[ "$(id -u)" = 0 ] || die "cluster/images.sh needs root (podman's image store, mmdebstrap, containerd)"
for tool in podman mmdebstrap python3 sha256sum; do
  command -v "$tool" >/dev/null || die "missing $tool (apt-get install $tool)"
done
mkdir -p "$LOG_DIR"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

image_exists() { podman image exists "$1"; }
image_inputs() { podman image inspect --format "{{index .Labels \"$INPUTS_LABEL\"}}" "$1" 2>/dev/null || true; }
image_id() { podman image inspect --format '{{.Id}}' "$1"; }

# hash_of FILE|DIR...: one hash of the names and contents (a directory: every file below it).
hash_of() {
  find "$@" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-24
}

# logged NAME COMMAND...: run with the output in $LOG_DIR/NAME.log; on failure show its end.
logged() {
  local name="$1"
  shift
  if ! "$@" >"$LOG_DIR/$name.log" 2>&1; then
    tail -n 30 "$LOG_DIR/$name.log" >&2
    die "$name failed (whole log: $LOG_DIR/$name.log)"
  fi
}

# ---------------------------------------------------------------- 1. the Node base

node_bin="$REPO_ROOT/node_modules/node/bin/node"
[ -x "$node_bin" ] || die "no Node binary at $node_bin (the node devDependency): run 'make deps' first"
NODE_IMAGE="localhost/tracing-demo/node:$("$node_bin" --version | sed 's/^v//')-bookworm-slim"
if image_exists "$NODE_IMAGE"; then
  images_log "Node base $NODE_IMAGE exists"
else
  images_log "building the Node base $NODE_IMAGE (deploy/base-image.sh: mmdebstrap, ~1 min)"
  logged node-base env CONTAINER_ENGINE="${PODMAN[*]}" bash "$REPO_ROOT/deploy/base-image.sh" "$NODE_IMAGE"
fi

# ---------------------------------------------------------------- 2. the project images

# What their builds read: the context services/Dockerfile and packages/cli/Dockerfile get
# (.dockerignore's allow-list, less what it excludes), the Dockerfiles, the build script and
# service manifest (in services/), the base image and the build flags.
project_inputs() {
  (
    cd "$REPO_ROOT"
    {
      image_id "$NODE_IMAGE"
      printf '%s\n' "${BUILD_FLAGS[@]}"
      find package.json package-lock.json tsconfig.base.json .dockerignore services/Dockerfile \
        packages/cli/Dockerfile deploy/images.sh deploy/lib.sh scripts/lib.sh packages services \
        \( -name node_modules -o -name dist -o -name test \) -prune -o \
        -type f ! -name '*.md' ! -name '*.tsbuildinfo' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    } | sha256sum | cut -c1-24
  )
}
CLUSTER_IMAGES="${CLUSTER_IMAGES:-all}"
case "$CLUSTER_IMAGES" in
  all | third-party) ;;
  *) die "CLUSTER_IMAGES must be 'all' or 'third-party', not '$CLUSTER_IMAGES'" ;;
esac
inputs="$(project_inputs)"
current=1
if [ ! -s "$IMAGES_ENV" ]; then
  current=0
else
  while read -r _ image; do
    [ "$(image_inputs "$image")" = "$inputs" ] || current=0
  done < <(project_images)
fi
if [ "$CLUSTER_IMAGES" = third-party ]; then
  images_log "project images skipped (CLUSTER_IMAGES=third-party)"
elif [ "$current" = 1 ]; then
  images_log "project images unchanged ($(wc -l <"$IMAGES_ENV") images, inputs $inputs)"
else
  images_log "building the project images (deploy/images.sh; services and CLI, inputs $inputs)"
  logged project-images env CONTAINER_ENGINE="${PODMAN[*]}" NODE_IMAGE="$NODE_IMAGE" \
    IMAGE_BUILD_FLAGS="${BUILD_FLAGS[*]} --label $INPUTS_LABEL=$inputs" bash "$REPO_ROOT/deploy/images.sh"
  images_log "built $(awk '{printf "%s:%s ", $2, $3}' "$IMAGES_ENV")"
fi

# ---------------------------------------------------------------- 3. the Debian base

if image_exists "$DEBIAN_IMAGE"; then
  images_log "Debian base $DEBIAN_IMAGE exists"
else
  images_log "building the Debian base $DEBIAN_IMAGE (mmdebstrap bookworm minbase)"
  # As deploy/base-image.sh: no docs, man pages or locales (dpkg.cfg.d keeps excluding them for
  # the packages the Containerfiles install), Debian's default mirror with updates and security.
  logged debian-base mmdebstrap --variant=minbase --format=tar --quiet \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    bookworm "$WORK/debian.tar"
  logged debian-import podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' "$WORK/debian.tar" "$DEBIAN_IMAGE"
  rm -f "$WORK/debian.tar"
fi

# ---------------------------------------------------------------- 4. the stand-ins

CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
[ -s "$CA_BUNDLE" ] || die "no CA bundle at $CA_BUNDLE (apt-get install ca-certificates)"

for name in "${STANDINS[@]}"; do
  image="${STANDIN[$name]}"
  src="$IMAGES_SRC/$name"
  build_args=()
  case "$name" in
    otelcol | jaeger | prometheus)
      binary="$(cluster_tool "$name")"
      # The binary by path (version-keyed), size and mtime: hashing 100 MB each run costs seconds.
      inputs="$(printf '%s %s\n' "$(hash_of "$src" "$CA_BUNDLE")" "$(stat -c '%n %s %Y' "$binary")" |
        sha256sum | cut -c1-24)"
      ;;
    postgres | rabbitmq)
      build_args=(--build-arg "BASE=$DEBIAN_IMAGE")
      inputs="$(printf '%s %s\n' "$(hash_of "$src")" "$(image_id "$DEBIAN_IMAGE")" | sha256sum | cut -c1-24)"
      ;;
  esac
  if [ "$(image_inputs "$image")" = "$inputs" ]; then
    images_log "$image unchanged"
    continue
  fi
  images_log "building $image"
  ctx="$WORK/$name"
  cp -r "$src" "$ctx"
  case "$name" in
    otelcol | jaeger | prometheus)
      # A hard link where the cache and the context share a filesystem: no 100 MB copy.
      ln "$binary" "$ctx/$name" 2>/dev/null || cp "$binary" "$ctx/$name"
      cp "$CA_BUNDLE" "$ctx/ca-certificates.crt"
      ;;
  esac
  logged "$name" "${PODMAN[@]}" build "${BUILD_FLAGS[@]}" "${build_args[@]}" --label "$INPUTS_LABEL=$inputs" \
    --tag "$image" --file "$ctx/Containerfile" "$ctx"
  rm -rf "$ctx"
done

# ---------------------------------------------------------------- cluster/values.yaml agrees

# Each stand-in's repository and tag as cluster/values.yaml names them, and imagePullPolicy Never
# everywhere (the project images' names and tags come with --set-flags). Arguments: "values-key
# repository tag" triples.
check_args=()
for name in "${STANDINS[@]}"; do
  check_args+=("${VALUES_KEY[$name]}" "${STANDIN[$name]%:*}" "${STANDIN[$name]##*:}")
done
python3 - "$CLUSTER_SRC_DIR/values.yaml" "${check_args[@]}" <<'EOF' ||
import sys, yaml
values = yaml.safe_load(open(sys.argv[1]))
bad = []
if values.get("global", {}).get("imagePullPolicy") != "Never":
    bad.append("global.imagePullPolicy is not Never")
args = sys.argv[2:]
for key, repository, tag in zip(args[0::3], args[1::3], args[2::3]):
    node = values
    for part in key.split("."):
        node = node.get(part) or {}
    image = node.get("image") or {}
    if image.get("repository") != repository:
        bad.append(f"{key}.image.repository is {image.get('repository')!r}, the image is {repository!r}")
    if str(image.get("tag")) != tag:
        bad.append(f"{key}.image.tag is {image.get('tag')!r}, the image is tagged {tag!r}")
    if image.get("pullPolicy") != "Never":
        bad.append(f"{key}.image.pullPolicy is not Never")
for line in bad:
    print(f"[cluster] cluster/values.yaml: {line}", file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
  die "cluster/values.yaml and cluster/images.sh disagree (above): fix one of them"

# ---------------------------------------------------------------- import into containerd

ALL=()
for name in "${STANDINS[@]}"; do ALL+=("${STANDIN[$name]}"); done
if [ "$CLUSTER_IMAGES" = all ]; then
  while read -r _ image; do ALL+=("$image"); done < <(project_images)
fi

CTRD_SOCK="$CLUSTER_DIR/containerd/containerd.sock"
if ! { [ -S "$CTRD_SOCK" ] && component_running containerd; }; then
  images_log "no node cluster running (no containerd at $CTRD_SOCK): built only, nothing imported;" \
    "after 'CLUSTER_COMPONENTS=node make cluster-up' run this again ($((SECONDS - START))s)"
  exit 0
fi
ctr_() { ctr --address "$CTRD_SOCK" --namespace k8s.io "$@"; }
# "name image-id" of every image containerd has from an earlier run (the label set below).
present="$(ctr_ images ls 2>/dev/null | awk -v key="$ID_LABEL" 'NR > 1 {
  n = split($NF, labels, ",")
  for (i = 1; i <= n; i++) if (index(labels[i], key "=") == 1) print $1, substr(labels[i], length(key) + 2)
}')"
missing=()
declare -A IDS=()
for image in "${ALL[@]}"; do
  IDS[$image]="$(image_id "$image")"
  if grep -qxF "$image ${IDS[$image]}" <<<"$present"; then
    images_log "$image is in containerd already"
  else
    missing+=("$image")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  images_log "importing ${#missing[@]} images into containerd (one docker-archive stream)"
  t0=$SECONDS
  podman save --quiet --multi-image-archive --format docker-archive "${missing[@]}" |
    ctr_ images import - >/dev/null
  for image in "${missing[@]}"; do
    ctr_ images label "$image" "$ID_LABEL=${IDS[$image]}" >/dev/null
  done
  images_log "imported ${#missing[@]} images in $((SECONDS - t0))s"
fi
images_log "done in $((SECONDS - START))s: ${#ALL[@]} images in containerd (${#missing[@]} imported now)"
