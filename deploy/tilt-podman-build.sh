#!/usr/bin/env bash
# The Tiltfile's image build where there is no Docker daemon but podman (custom_build with
# skips_local_docker): build DOCKERFILE from the repository root as Tilt's $EXPECTED_REF and push
# it to the registry the cluster advertises (KEP-1755), which Tilt put in that reference.
#   deploy/tilt-podman-build.sh DOCKERFILE [docker build flags: --target, --build-arg, --secret]
# As for deploy/images.sh: CONTAINER_ENGINE replaces `podman` with a command and its global flags
# (e.g. "podman --runtime runc"), IMAGE_BUILD_FLAGS adds build flags (e.g. "--ulimit nofile=…").
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 DOCKERFILE [BUILD FLAG...]" >&2; exit 2; }
: "${EXPECTED_REF:?run by Tilt (custom_build), which sets EXPECTED_REF}"
dockerfile="$1"
shift
read -ra engine <<<"${CONTAINER_ENGINE:-podman}"
read -ra extra <<<"${IMAGE_BUILD_FLAGS:-}"
# Local registries (kind's recipe, ctlptl, the test harness's) answer plain HTTP on loopback.
tls=()
case "${EXPECTED_REGISTRY:-}" in
  localhost:* | 127.0.0.1:* | localhost | 127.0.0.1) tls=(--tls-verify=false) ;;
esac
cd "$(dirname "${BASH_SOURCE[0]}")/.."
"${engine[@]}" build --file "$dockerfile" --tag "$EXPECTED_REF" "${extra[@]}" "$@" .
"${engine[@]}" push "${tls[@]}" "$EXPECTED_REF"
